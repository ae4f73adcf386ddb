// Conformance of azsreg-emulator with Microsoft's .NET SDKs (issue 10): Azure.Identity signs in
// with every credential kind the emulator serves; Azure.ResourceManager's generic resources
// (there is no Azure Stack registration package for .NET) read the provider document for the
// api-version and then get, create and delete customer subscriptions. Each check states the
// request the emulator must have received (from its request log) and the SDK's answer.
//
// Usage: Conformance <emulator https base> <emulator http base> <emulator CA PEM> <certificate PEM> [imds]
// Prints one line per check ("ok" or "FAIL", "dotnet", area: name -- detail) and last
// "RESULT <json>"; exit 0 only when every check passed. Nothing may leave the machine: every
// connection (the SDKs' and MSAL's, through the one transport given to every client) to a
// host other than loopback is refused and fails the run, naming the host.
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.ResourceManager;
using Azure.ResourceManager.Resources;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: Conformance <https base> <http base> <CA PEM> <certificate PEM> [imds]");
    return 2;
}
string baseUrl = args[0].TrimEnd('/');
string httpBase = args[1].TrimEnd('/');
var ca = X509Certificate2.CreateFromPem(File.ReadAllText(args[2]));
string certPath = args[3];
bool onlyImds = args.Length > 4 && args[4] == "imds";

// ---- one transport for everything: loopback only, the emulator's CA --------------------
var outside = new SortedSet<string>();
// an address, not a name that merely starts like one ("127.example.com" is refused)
static bool IsLoopback(string host) =>
    host == "localhost" || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var a) && System.Net.IPAddress.IsLoopback(a));
var handler = new SocketsHttpHandler
{
    ConnectCallback = async (ctx, ct) =>
    {
        string host = ctx.DnsEndPoint.Host;
        if (!IsLoopback(host))
        {
            lock (outside) outside.Add(host);
            throw new HttpRequestException($"refused: a connection to {host} (only loopback is allowed)");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(ctx.DnsEndPoint, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    },
    SslOptions = new SslClientAuthenticationOptions
    {
        RemoteCertificateValidationCallback = (_, cert, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(cert));
        },
    },
};
var http = new HttpClient(handler, disposeHandler: false);
var transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false));

// ---- the emulator's control API ------------------------------------------------------------
async Task<JsonNode?> Control(string method, string path, object? body = null)
{
    using var req = new HttpRequestMessage(new HttpMethod(method), baseUrl + path);
    if (body is not null)
        req.Content = new StringContent(body is string s ? s : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
    using var res = await http.SendAsync(req);
    string text = await res.Content.ReadAsStringAsync();
    if ((int)res.StatusCode >= 300) throw new InvalidOperationException($"{method} {path} -> {(int)res.StatusCode}");
    return text.Length == 0 ? null : JsonNode.Parse(text);
}
async Task<List<JsonNode>> Requests() => ((await Control("GET", "/_emulator/requests"))?.AsArray() ?? new JsonArray()).Select(n => n!).ToList();
// ARM paths as ARM reads them ('//subscriptions' is '/subscriptions')
async Task<List<JsonNode>> ArmRequests() => (await Requests())
    .Where(r => { string p = "/" + ((string)r["path"]!).TrimStart('/'); return p.StartsWith("/subscriptions") || p.StartsWith("/providers"); })
    .ToList();
static string PathOf(JsonNode r) => "/" + ((string)r["path"]!).TrimStart('/');

var rows = new List<Dictionary<string, object>>();
async Task Check(string area, string name, Func<Task<string>> body)
{
    await Control("DELETE", "/_emulator/requests");
    await Control("DELETE", "/_emulator/faults");      // nothing left over from a failed check
    bool ok = true;
    string detail;
    try
    {
        detail = await body();
    }
    catch (Exception e)
    {
        ok = false;
        // the first line that says something (Azure.Identity's start with "X authentication failed:")
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        detail = string.Join(" ", lines.Take(2));
        if (e.InnerException is { } inner && !detail.Contains(inner.Message.Split('\n')[0], StringComparison.Ordinal))
            detail += " (" + inner.GetType().Name + ": " + inner.Message.Split('\n')[0] + ")";
        if (detail.Length > 400) detail = detail[..400];
    }
    rows.Add(new() { ["sdk"] = "dotnet", ["area"] = area, ["name"] = name, ["ok"] = ok, ["detail"] = detail });
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")}  dotnet  {area}: {name}{(detail.Length > 0 ? " -- " + detail : "")}");
}
static void Expect(bool cond, string what)
{
    if (!cond) throw new InvalidOperationException(what);
}

var state0 = (await Control("GET", "/_emulator/state"))!;
string tenant = (string)state0["tenants"]![0]!["id"]!;
var app = state0["applications"]![0]!;
string clientId = (string)app["clientId"]!;
string secret = (string)app["secrets"]![0]!["value"]!;    // never printed
var user = state0["users"]![0]!;
string publicClient = (string)state0["publicClients"]![0]!;
var reg = state0["registrations"]![0]!;
string sub = (string)reg["subscriptionId"]!;
string group = (string)reg["resourceGroup"]!;
string regName = (string)reg["name"]!;
string regPath = $"/subscriptions/{sub}/resourceGroups/{group}/providers/Microsoft.AzureStack/registrations/{regName}";
var metadata = JsonNode.Parse(await http.GetStringAsync(baseUrl + "/metadata/endpoints?api-version=2015-01-01"))!;
string audience = ((string)metadata["authentication"]!["audiences"]![0]!).TrimEnd('/');
string scope = audience + "/.default";
var miClientId = (string)state0["managedIdentities"]![0]!["clientId"]!;

// The certificate credential's certificate, registered for the sample app.
string pem = File.ReadAllText(certPath);
var cert = X509Certificate2.CreateFromPem(pem, pem);
string certOnly = pem[pem.IndexOf("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)..];
certOnly = certOnly[..(certOnly.IndexOf("-----END CERTIFICATE-----", StringComparison.Ordinal) + "-----END CERTIFICATE-----".Length)];
{
    var st = JsonNode.Parse(state0.ToJsonString())!;
    st["applications"]![0]!["certificates"] = new JsonArray(certOnly);
    await Control("PUT", "/_emulator/state", st.ToJsonString());
}

T Opts<T>(T o) where T : TokenCredentialOptions
{
    o.AuthorityHost = new Uri(baseUrl + "/");
    o.Transport = transport;
    o.Retry.MaxRetries = 0;
    return o;
}
static string Customer(int n) => $"aaaaaaaa-0000-4000-8000-{n:D12}";
const string CustomerTenant = "bbbbbbbb-0000-4000-8000-000000000001";

ArmClient Arm(TokenCredential credential)
{
    var o = new ArmClientOptions { Environment = new ArmEnvironment(new Uri(baseUrl + "/"), audience + "/") };
    o.Transport = transport;
    return new ArmClient(credential, sub, o);
}

// Reads the registration through ARM with the credential: the SDK signs in once (the
// emulator's stats say by which grant) and ARM accepts the token. The credential is not asked
// for a token first: Azure.Core asks with CAE enabled, which Azure.Identity keeps apart from
// a plain request, so an interactive credential would sign in twice.
async Task<string> SignIn(TokenCredential credential, string counter, string tokenPathPattern)
{
    var before = (await Control("GET", "/_emulator/stats"))!;
    var res = await Arm(credential).GetGenericResource(new ResourceIdentifier(regPath)).GetAsync();
    Expect(res.Value.Data.Name == regName, $"registration name '{res.Value.Data.Name}'");
    var after = (await Control("GET", "/_emulator/stats"))!;
    Expect((long)after[counter]! == (long)before[counter]! + 1, $"stats.{counter} went from {before[counter]} to {after[counter]}");
    var log = await Requests();
    var rx = new System.Text.RegularExpressions.Regex(tokenPathPattern);
    var tokenRequests = log.Where(r => rx.IsMatch((string)r["path"]!)).ToList();
    Expect(tokenRequests.Count >= 1, $"no request to {tokenPathPattern} (saw {string.Join(", ", log.Select(r => $"{r["method"]} {r["path"]}"))})");
    return string.Join(", ", tokenRequests.Select(r => $"{r["method"]} {r["path"]} -> {r["status"]}")) + "; GET registration (generic) -> 200";
}

const string Imds = "managed identity, IMDS, user-assigned (AZURE_POD_IDENTITY_AUTHORITY_HOST)";
if (onlyImds)
{
    // MSAL picks the managed identity source once per process: the IMDS form runs alone.
    Environment.SetEnvironmentVariable("AZURE_POD_IDENTITY_AUTHORITY_HOST", httpBase);
    await Check("sign-in", Imds, () => SignIn(new ManagedIdentityCredential(
        new ManagedIdentityCredentialOptions(ManagedIdentityId.FromUserAssignedClientId(miClientId)) { Transport = transport }),
        "byManagedIdentity", @"^/metadata/identity/oauth2/token/?$"));
    return Finish();
}

await Check("sign-in", "client secret", () => SignIn(
    new ClientSecretCredential(tenant, clientId, secret, Opts(new ClientSecretCredentialOptions { DisableInstanceDiscovery = true })),
    "byClientSecret", @"/oauth2/v2\.0/token$"));
await Check("sign-in", "client certificate", () => SignIn(
    new ClientCertificateCredential(tenant, clientId, cert, Opts(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = true })),
    "byAssertion", @"/oauth2/v2\.0/token$"));
await Check("sign-in", "username and password", () => SignIn(
    new UsernamePasswordCredential((string)user["upn"]!, (string)user["password"]!, tenant, publicClient,
        Opts(new UsernamePasswordCredentialOptions { DisableInstanceDiscovery = true })),
    "byPassword", @"/oauth2/v2\.0/token$"));
// The user approves after the SDK's first poll has been answered (400 authorization_pending
// in the emulator's request log), as a person would. The code lives two minutes, so a check
// that goes wrong fails in minutes; when no poll came the code is declined, which ends the
// polling at once.
static bool IsPoll(JsonNode r) => (string)r["method"]! == "POST" && ((string)r["path"]!).EndsWith("/token", StringComparison.Ordinal) &&
    System.Text.RegularExpressions.Regex.IsMatch((string?)r["body"] ?? "", "grant_type=[^&]*device_code");
await Check("sign-in", "device code (approved through the control API after the first poll)", async () =>
{
    var lifetime = (await Control("GET", "/_emulator/config"))!["deviceCodeLifetimeSeconds"]!.GetValue<long>();
    await Control("PUT", "/_emulator/config", new { deviceCodeLifetimeSeconds = 120 });
    try
    {
        string said = await SignIn(new DeviceCodeCredential(Opts(new DeviceCodeCredentialOptions
        {
            TenantId = tenant,
            ClientId = publicClient,
            DisableInstanceDiscovery = true,
            // MSAL.NET awaits this callback before it polls: the approval runs beside it.
            DeviceCodeCallback = (info, ct) =>
            {
                _ = ApproveAfterFirstPoll(info.UserCode);
                return Task.CompletedTask;
            },
        })), "byDeviceCode", @"/oauth2/v2\.0/token$");
        var polls = (await Requests()).Where(IsPoll).Select(r => (int)r["status"]!).ToList();
        // pending (400) until approved, then 200; more pending polls when the machine is slow
        Expect(polls.Count >= 2 && polls[^1] == 200 && polls.Take(polls.Count - 1).All(st => st == 400),
            $"polls answered {string.Join(", ", polls)} (want 400 pending first, then 200)");
        return said;
    }
    finally
    {
        await Control("PUT", "/_emulator/config", new { deviceCodeLifetimeSeconds = lifetime });
    }
});
async Task ApproveAfterFirstPoll(string userCode)
{
    for (int i = 0; i < 3000; i++)
    {
        if ((await Requests()).Any(r => IsPoll(r) && (int)r["status"]! == 400))
        {
            await Control("POST", "/_emulator/devicecode/approve", new { userCode });
            return;
        }
        await Task.Delay(10);
    }
    await Control("POST", "/_emulator/devicecode/decline", new { userCode });
}
await Check("sign-in", "managed identity, App Service (IDENTITY_ENDPOINT)", async () =>
{
    Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", httpBase + "/msi/token");
    Environment.SetEnvironmentVariable("IDENTITY_HEADER", (string)state0["identityHeader"]!);
    try
    {
        return await SignIn(new ManagedIdentityCredential(new ManagedIdentityCredentialOptions(ManagedIdentityId.SystemAssigned) { Transport = transport }),
            "byManagedIdentity", @"^/msi/token/?$");
    }
    finally
    {
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
    }
});
{
    var psi = new System.Diagnostics.ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in Environment.GetCommandLineArgs().Skip(1).Take(4)) psi.ArgumentList.Add(a);
    if (!Environment.ProcessPath!.EndsWith("Conformance", StringComparison.Ordinal) && !Environment.ProcessPath.EndsWith("Conformance.exe", StringComparison.Ordinal))
        psi.ArgumentList.Insert(0, typeof(Program).Assembly.Location);   // run through 'dotnet Conformance.dll'
    psi.ArgumentList.Add("imds");
    using var child = System.Diagnostics.Process.Start(psi)!;
    var outputTask = child.StandardOutput.ReadToEndAsync();
    var errorsTask = child.StandardError.ReadToEndAsync();
    using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
    {
        try
        {
            await child.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }
    }
    string output = await outputTask;
    string errors = await errorsTask;
    string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
    var got = line is null ? null : JsonNode.Parse(line[7..]);
    if (got is null)
    {
        rows.Add(new() { ["sdk"] = "dotnet", ["area"] = "sign-in", ["name"] = Imds, ["ok"] = false, ["detail"] = $"the child process ended {child.ExitCode}: {errors.Split('\n')[0]}" });
        Console.WriteLine($"FAIL  dotnet  sign-in: {Imds} -- the child process ended {child.ExitCode}: {errors.Split('\n')[0]}");
    }
    else
    {
        foreach (var r in got["rows"]!.AsArray())
        {
            rows.Add(new() { ["sdk"] = "dotnet", ["area"] = (string)r!["area"]!, ["name"] = (string)r["name"]!, ["ok"] = (bool)r["ok"]!, ["detail"] = (string)r["detail"]! });
            Console.WriteLine($"{((bool)r["ok"]! ? "ok  " : "FAIL")}  dotnet  {r["area"]}: {r["name"]} -- {r["detail"]}");
        }
        foreach (var h in got["outside"]!.AsArray()) lock (outside) outside.Add((string)h!);
    }
}
await Check("sign-in", "AD FS (tenant \"adfs\", client secret)", () => SignIn(
    new ClientSecretCredential("adfs", clientId, secret, Opts(new ClientSecretCredentialOptions { DisableInstanceDiscovery = true })),
    "byClientSecret", @"^/adfs/oauth2/token$"));

// ---- generic resources with the client-secret credential --------------------------------
var cs = new ClientSecretCredential(tenant, clientId, secret, Opts(new ClientSecretCredentialOptions { DisableInstanceDiscovery = true }));
var arm = Arm(cs);
string Row(JsonNode q) => $"{q["method"]} {((string)q["path"]!).Replace(sub, "{s}")}?{q["query"]} -> {q["status"]}";

await Check("registrations", "get (generic resource, api-version from the provider document)", async () =>
{
    var r = await arm.GetGenericResource(new ResourceIdentifier(regPath)).GetAsync();
    var log = await ArmRequests();
    Expect(log.Count == 2 && PathOf(log[0]) == $"/subscriptions/{sub}/providers/Microsoft.AzureStack" && PathOf(log[1]) == regPath,
        "requests " + string.Join("; ", log.Select(Row)));
    Expect(((string)log[1]["query"]!).StartsWith("api-version=2022-06-01", StringComparison.Ordinal), $"query {log[1]["query"]}");
    Expect(r.Value.Data.Id.ToString() == regPath, $"id {r.Value.Data.Id}");
    return string.Join("; ", log.Select(Row));
});

await Check("customer subscriptions", "create (generic CreateOrUpdate)", async () =>
{
    var id = new ResourceIdentifier($"{regPath}/customerSubscriptions/{Customer(1)}");
    var data = new GenericResourceData(AzureLocation.WestUS) { Properties = BinaryData.FromObjectAsJson(new { tenantId = CustomerTenant }) };
    var op = await arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, id, data);
    var puts = (await ArmRequests()).Where(q => (string)q["method"]! == "PUT").ToList();
    Expect(puts.Count == 1 && PathOf(puts[0]) == id.ToString() && (int)puts[0]["status"]! == 200, "PUTs " + string.Join("; ", puts.Select(Row)));
    var body = JsonNode.Parse((string)puts[0]["body"]!)!;
    Expect((string?)body["properties"]?["tenantId"] == CustomerTenant, $"body {puts[0]["body"]}");
    var props = op.Value.Data.Properties.ToObjectFromJson<JsonNode>()!;
    Expect((string?)props["tenantId"] == CustomerTenant, $"answer properties {props.ToJsonString()}");
    return $"PUT .../customerSubscriptions/{Customer(1)}?{puts[0]["query"]} body {puts[0]["body"]} -> 200";
});

await Check("customer subscriptions", "get", async () =>
{
    var r = await arm.GetGenericResource(new ResourceIdentifier($"{regPath}/customerSubscriptions/{Customer(1)}")).GetAsync();
    var props = r.Value.Data.Properties.ToObjectFromJson<JsonNode>()!;
    Expect((string?)props["tenantId"] == CustomerTenant, $"properties {props.ToJsonString()}");
    return $"GET -> 200, tenantId as put; id {r.Value.Data.Id.ToString().Replace(sub, "{s}")}";
});

await Check("customer subscriptions", "get a missing one", async () =>
{
    try
    {
        await arm.GetGenericResource(new ResourceIdentifier($"{regPath}/customerSubscriptions/{Customer(999)}")).GetAsync();
    }
    catch (RequestFailedException e)
    {
        Expect(e.Status == 404 && e.ErrorCode == "CustomerSubscriptionNotFound", $"error {e.Status} {e.ErrorCode}");
        return $"404 {e.ErrorCode}";
    }
    throw new InvalidOperationException("no error");
});

// No .NET client lists customer subscriptions (generic resources cannot list a child
// collection), so the list is read as such a client would: Azure.Core's pipeline with the
// ARM client's options (retry, transport) and Azure.Identity's bearer policy, nextLink followed.
await Check("customer subscriptions", "list across several pages (Azure.Core pipeline with Azure.Identity)", async () =>
{
    var created = Enumerable.Range(11, 5).Select(Customer).ToList();
    foreach (var c in created)
        await arm.GetGenericResources().CreateOrUpdateAsync(WaitUntil.Completed, new ResourceIdentifier($"{regPath}/customerSubscriptions/{c}"),
            new GenericResourceData(AzureLocation.WestUS) { Properties = BinaryData.FromObjectAsJson(new { tenantId = CustomerTenant }) });
    var pageSize = (await Control("GET", "/_emulator/config"))!["pageSize"]!.GetValue<int>();
    await Control("PUT", "/_emulator/config", new { pageSize = 2 });
    await Control("DELETE", "/_emulator/requests");
    var names = new List<string>();
    int pages = 0;
    try
    {
        var o = new ArmClientOptions { Environment = new ArmEnvironment(new Uri(baseUrl + "/"), audience + "/") };
        o.Transport = transport;
        var pipeline = HttpPipelineBuilder.Build(o, new BearerTokenAuthenticationPolicy(cs, scope));
        string? next = $"{baseUrl}{regPath}/customerSubscriptions?api-version=2017-06-01";
        while (next is not null && pages < 10)
        {
            using var msg = pipeline.CreateMessage();
            msg.Request.Method = RequestMethod.Get;
            msg.Request.Uri.Reset(new Uri(next));
            await pipeline.SendAsync(msg, CancellationToken.None);
            Expect(msg.Response.Status == 200, $"page {pages + 1}: {msg.Response.Status}");
            var page = JsonNode.Parse(msg.Response.Content.ToString())!;
            pages++;
            foreach (var item in page["value"]!.AsArray())
                names.Add((string)item!["name"]!);
            next = (string?)page["nextLink"];
        }
    }
    finally
    {
        await Control("PUT", "/_emulator/config", new { pageSize });
    }
    var gets = (await ArmRequests()).Where(q => (string)q["method"]! == "GET" && PathOf(q) == $"{regPath}/customerSubscriptions").ToList();
    foreach (var c in created)
        await arm.GetGenericResource(new ResourceIdentifier($"{regPath}/customerSubscriptions/{c}")).DeleteAsync(WaitUntil.Completed);
    // the mapping the create check made comes first
    var want = created.Prepend(Customer(1)).Select(c => $"{regName}/{c}").ToList();
    Expect(names.SequenceEqual(want), $"listed {string.Join(", ", names)}");
    Expect(pages == 3 && gets.Count == 3 && gets.All(g => (int)g["status"]! == 200), "GETs " + string.Join("; ", gets.Select(Row)));
    return $"{names.Count} items in {pages} pages (pageSize 2), nextLink followed: " + string.Join("; ", gets.Select(Row));
});

await Check("customer subscriptions", "delete (200, then 204)", async () =>
{
    var id = new ResourceIdentifier($"{regPath}/customerSubscriptions/{Customer(1)}");
    await arm.GetGenericResource(id).DeleteAsync(WaitUntil.Completed);
    await arm.GetGenericResource(id).DeleteAsync(WaitUntil.Completed);
    var dels = (await ArmRequests()).Where(q => (string)q["method"]! == "DELETE").ToList();
    Expect(dels.Count == 2 && (int)dels[0]["status"]! == 200 && (int)dels[1]["status"]! == 204, "DELETEs " + string.Join("; ", dels.Select(Row)));
    return "DELETE -> 200, DELETE again -> 204";
});

await Check("throttling", "a 429 with Retry-After: Azure.Core's retry honours it", async () =>
{
    var id = new ResourceIdentifier(regPath);
    await arm.GetGenericResource(id).GetAsync();                 // provider document and token before the clock starts
    await Control("DELETE", "/_emulator/requests");
    await Control("POST", "/_emulator/faults", new { method = "GET", pathContains = $"/registrations/{regName}", status = 429, retryAfter = 1 });
    var sw = System.Diagnostics.Stopwatch.StartNew();
    var r = await arm.GetGenericResource(id).GetAsync();
    double waited = sw.Elapsed.TotalSeconds;
    var gets = (await ArmRequests()).Where(q => PathOf(q) == regPath).ToList();
    Expect(gets.Count == 2 && (int)gets[0]["status"]! == 429 && (int)gets[1]["status"]! == 200, "GETs " + string.Join("; ", gets.Select(Row)));
    Expect(waited >= 0.95, $"answered after {waited:F2} s (Retry-After: 1)");
    return $"429 then 200; the call took {waited:F2} s";
});

return Finish();

int Finish()
{
    int failed = rows.Count(r => !(bool)r["ok"]);
    if (outside.Count > 0) Console.Error.WriteLine($"conformance: the SDK tried to reach {string.Join(", ", outside)}");
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(new { rows, outside }));
    return failed > 0 || outside.Count > 0 ? 1 : 0;
}
