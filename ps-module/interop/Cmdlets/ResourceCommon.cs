// Shared steps of New-/Get-/Set-/Remove-AzureRmResource (was Private/AzsResourceCommon.ps1):
// resource IDs, the request body, API versions, confirmation (AzureRM's ShouldContinue +
// ShouldProcess, with -WhatIf first), the native request, and -AsJob.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Text;
using System.Text.RegularExpressions;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>The resource a command works on: the ID to send, and the context when it was read already.</summary>
    public sealed class ResourceTarget
    {
        public ResourceTarget(string id, AzsContext context) { Id = id; Context = context; }
        public string Id { get; private set; }
        public AzsContext Context { get; private set; }
    }

    /// <summary>The answer of one generic ARM request: the final body ("" when none) and the HTTP status.</summary>
    public sealed class ResourceAnswer
    {
        public ResourceAnswer(string json, int status) { Json = json; Status = status; }
        public string Json { get; private set; }
        public int Status { get; private set; }
    }

    /// <summary>The request body of New-/Set-AzureRmResource and the members it was made from.</summary>
    public sealed class ResourceBody
    {
        public ResourceBody(IDictionary<string, object> members, string json) { Members = members; Json = json; }
        /// <summary>
        /// The members given (keys Properties, Location, Kind, Sku, Plan, Tag): Properties when
        /// bound (even null), Location and Kind when not empty, the others when not null.
        /// </summary>
        public IDictionary<string, object> Members { get; private set; }
        public string Json { get; private set; }
    }

    /// <summary>Base of the four *-AzureRmResource cmdlets: the steps they share.</summary>
    public abstract class ResourceCmdletBase : AzsCmdlet
    {
        public const string ByResourceIdSet = "ByResourceId";
        public const string BySubscriptionLevelSet = "BySubscriptionLevel";

        /// <summary>
        /// Every registration document and runbook uses 2017-06-01; the service accepts it for
        /// every Microsoft.AzureStack type, so no provider lookup is made for this namespace.
        /// The version itself comes from the library (azsreg_default_api_version).
        /// </summary>
        private static readonly string[] DefaultApiVersionNamespaces = { "Microsoft.AzureStack" };

        private sealed class CachedVersion
        {
            public string Version;
            public DateTime Expires;
        }

        /// <summary>API versions looked up from providers, per environment / namespace / type / -Pre, for an hour.</summary>
        private static readonly Dictionary<string, CachedVersion> ApiVersionCache = new Dictionary<string, CachedVersion>(StringComparer.Ordinal);
        private static readonly object ApiVersionCacheGate = new object();

        private static readonly Regex PreviewVersion = new Regex("-(preview|alpha|beta|privatepreview)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private const string JobScript = @"param($startThreadJob, $jobName, $jobArguments)
& $startThreadJob -Name $jobName -ArgumentList $jobArguments -ScriptBlock {
    param($manifestPath, $commandName, $parameters)
    Import-Module -Name $manifestPath
    & $commandName @parameters -Confirm:$false
}";

        private static readonly string[] SubscriptionLevelParameters =
            { "ResourceName", "ResourceType", "ExtensionResourceName", "ExtensionResourceType", "ResourceGroupName" };

        // ---- resource IDs -------------------------------------------------------------

        /// <summary>
        /// Build-AzsResourceId: the resource ID of the BySubscriptionLevel parameter set, as
        /// AzureRM built it: /subscriptions/{sub}[/resourceGroups/{rg}]/providers/{ns}/{type1}/{name1}...
        /// [/providers/{extNs}/{extType}/{extName}...]. With allowCollection the (last) name may
        /// have one segment fewer than the type (a collection, for Get). Terminating
        /// InvalidResourceType / InvalidResourceName.
        /// </summary>
        protected string BuildResourceId(string subscriptionId, string resourceGroupName, string resourceType, string resourceName,
            string extensionResourceType, string extensionResourceName, bool allowCollection)
        {
            var sb = new StringBuilder();
            sb.Append("/subscriptions/").Append(subscriptionId);
            if (!string.IsNullOrEmpty(resourceGroupName)) { sb.Append("/resourceGroups/").Append(resourceGroupName); }
            var pairs = new List<string[]> { new[] { resourceType, resourceName, "-ResourceType", "-ResourceName" } };
            if (!string.IsNullOrEmpty(extensionResourceType))
            {
                pairs.Add(new[] { extensionResourceType, extensionResourceName, "-ExtensionResourceType", "-ExtensionResourceName" });
            }
            else if (!string.IsNullOrEmpty(extensionResourceName))
            {
                Stop(Strings.ResExtensionNameNeedsType, "InvalidResourceType", ErrorCategory.InvalidArgument, extensionResourceName);
            }
            for (int pi = 0; pi < pairs.Count; pi++)
            {
                string type = pairs[pi][0] ?? string.Empty;
                string names = pairs[pi][1];
                var typeSegs = new List<string>();
                foreach (string seg in type.Trim('/').Split('/'))
                {
                    if (seg.Length > 0) { typeSegs.Add(seg); }
                }
                if (typeSegs.Count < 2)
                {
                    Stop(Strings.F(Strings.ResResourceTypeInvalid, pairs[pi][2], type), "InvalidResourceType", ErrorCategory.InvalidArgument, type);
                }
                string[] nameSegs = string.IsNullOrEmpty(names) ? new string[0] : names.Trim('/').Split('/');
                int need = typeSegs.Count - 1;
                bool isLast = pi == pairs.Count - 1;
                bool okCount = nameSegs.Length == need || (allowCollection && isLast && nameSegs.Length == need - 1);
                if (!okCount || Array.IndexOf(nameSegs, string.Empty) >= 0)
                {
                    Stop(Strings.F(Strings.ResResourceNameInvalid, pairs[pi][3], names, need, pairs[pi][2], type),
                        "InvalidResourceName", ErrorCategory.InvalidArgument, names);
                }
                sb.Append("/providers/").Append(typeSegs[0]);
                for (int t = 1; t < typeSegs.Count; t++)
                {
                    sb.Append('/').Append(typeSegs[t]);
                    if (t - 1 < nameSegs.Length) { sb.Append('/').Append(nameSegs[t - 1]); }
                }
            }
            return sb.ToString();
        }

        /// <summary>
        /// Resolve-AzsResourceIdInput: checks a resource ID with the library's rule
        /// (azsreg_resource_id_normalize, as `azsreg request`): used as given, nothing trimmed;
        /// in a customerSubscriptions ID the customer subscription GUID must be a GUID and is
        /// sent in lowercase (said in -Verbose). Terminating InvalidCustomerSubscriptionId /
        /// InvalidResourceId with the library's message. Returns the ID to send.
        /// </summary>
        protected string ResolveResourceIdInput(string resourceId)
        {
            if (string.IsNullOrEmpty(resourceId))
            {
                Stop(Strings.ResResourceIdEmpty, "InvalidResourceId", ErrorCategory.InvalidArgument, resourceId);
            }
            Native.InputDecision decision = Native.CheckResourceId(resourceId);
            if (!decision.Ok)
            {
                string errorId = string.Equals(decision.Target, "customerSubscriptionId", StringComparison.OrdinalIgnoreCase)
                    ? "InvalidCustomerSubscriptionId" : "InvalidResourceId";
                Stop(Strings.F(Strings.ResourceIdInvalid, decision.Message), errorId, ErrorCategory.InvalidArgument, resourceId);
            }
            if (!string.Equals(decision.Value, resourceId, StringComparison.Ordinal))
            {
                // Only the customer subscription GUID (the last segment) is ever changed.
                WriteVerbose(Strings.F(Strings.CustomerIdLowercase, LastSegment(resourceId), LastSegment(decision.Value)));
            }
            return decision.Value;
        }

        private static string LastSegment(string id)
        {
            string[] segs = id.Split('/');
            return segs[segs.Length - 1];
        }

        /// <summary>
        /// Resolve-AzsResourceCallTarget: BySubscriptionLevel builds the ID from the context's
        /// subscription (ByResourceId takes resourceId), then ResolveResourceIdInput checks it.
        /// The context is read only when the ID needs it, or always with alwaysGetContext (Get).
        /// </summary>
        protected ResourceTarget ResolveTarget(string resourceId, string resourceName, string resourceType,
            string extensionResourceName, string extensionResourceType, string resourceGroupName, object defaultProfile,
            bool allowCollection, bool alwaysGetContext)
        {
            AzsContext context = null;
            bool bySubscriptionLevel = ParameterSetName == BySubscriptionLevelSet;
            if (alwaysGetContext || bySubscriptionLevel) { context = GetContextForCall(defaultProfile); }
            string id = bySubscriptionLevel
                ? BuildResourceId(context.SubscriptionId, resourceGroupName, resourceType, resourceName, extensionResourceType, extensionResourceName, allowCollection)
                : resourceId;
            id = ResolveResourceIdInput(id);
            return new ResourceTarget(id, context);
        }

        // ---- request body -------------------------------------------------------------

        /// <summary>
        /// ConvertTo-AzsResourceBodyJson: the request body of New-/Set-AzureRmResource from the
        /// members given (-Properties only when bound, the others when set). A value that cannot
        /// be sent is the terminating error InvalidProperties, before anything is asked or sent.
        /// </summary>
        protected ResourceBody BuildBody(string resourceId, bool isFullObject, bool hasProperties, object properties,
            string location, string kind, Hashtable sku, Hashtable plan, object tag)
        {
            var members = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            if (hasProperties) { members["Properties"] = properties; }
            if (!string.IsNullOrEmpty(location)) { members["Location"] = location; }
            if (!string.IsNullOrEmpty(kind)) { members["Kind"] = kind; }
            if (sku != null) { members["Sku"] = sku; }
            if (plan != null) { members["Plan"] = plan; }
            if (tag != null) { members["Tag"] = tag; }
            string json = null;
            try
            {
                json = JsonBody.Body(hasProperties ? properties : null, location, kind, sku, plan, tag, isFullObject);
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception ex)
            {
                Stop(ex.Message, "InvalidProperties", ErrorCategory.InvalidArgument, resourceId);
            }
            return new ResourceBody(members, json);
        }

        // ---- requests -----------------------------------------------------------------

        /// <summary>
        /// Invoke-AzsResourceRequest: one generic ARM request through the native library
        /// (retries, LRO, paging as flagged). Failures are terminating errors of this command
        /// (ErrorId = ARM code, message "{code} : {message}" + hint + request / correlation IDs).
        /// </summary>
        protected ResourceAnswer Request(AzsContext context, string method, string resourceId, string apiVersion,
            string bodyJson = null, string odataQuery = null, uint flags = 0)
        {
            string query = string.IsNullOrEmpty(odataQuery) ? null : odataQuery;
            return InvokeNative(() =>
            {
                int status;
                string json = Native.ResourceRequest(context.Client, method, resourceId, apiVersion, bodyJson, query, flags, out status);
                return new ResourceAnswer(json, status);
            }, resourceId);
        }

        /// <summary>JsonPs.Parse of an answer; bad JSON is the terminating error InvalidResponse (InvalidResult).</summary>
        protected object ParseAnswer(string json, string target)
        {
            try
            {
                return JsonPs.Parse(json);
            }
            catch (FormatException ex)
            {
                Stop(ex.Message, "InvalidResponse", ErrorCategory.InvalidResult, target);
                return null;
            }
        }

        /// <summary>
        /// Resolve-AzsApiVersion: the API version when -ApiVersion is not given.
        /// Microsoft.AzureStack: the library's default (2017-06-01, said in -Verbose). Other
        /// namespaces: the newest stable version of the type read from
        /// /subscriptions/{sub}/providers/{namespace}?api-version=2016-07-01 (as AzureRM did;
        /// -Pre allows previews), cached for an hour per process.
        /// </summary>
        protected string ResolveApiVersion(string resourceId, bool pre, AzsContext context)
        {
            ResourceIdParts parts = ResourceObject.IdParts(resourceId);
            string ns = parts.Namespace;
            string typePath = parts.TypePath;
            if (!string.IsNullOrEmpty(parts.ExtensionResourceType))
            {
                int i = parts.ExtensionResourceType.IndexOf('/');
                ns = parts.ExtensionResourceType.Substring(0, i);
                typePath = parts.ExtensionResourceType.Substring(i + 1);
            }
            if (string.IsNullOrEmpty(ns))
            {
                Stop(Strings.F(Strings.ResApiVersionRequired, resourceId), "ApiVersionRequired", ErrorCategory.InvalidArgument, resourceId);
            }
            foreach (string k in DefaultApiVersionNamespaces)
            {
                if (string.Equals(k, ns, StringComparison.OrdinalIgnoreCase))
                {
                    string v = Native.DefaultApiVersion();
                    WriteVerbose(Strings.F(Strings.ResApiVersionDefault, v, ns));
                    return v;
                }
            }
            string sub = parts.SubscriptionId;
            if (string.IsNullOrEmpty(sub)) { sub = context.SubscriptionId; }
            string key = string.Format(CultureInfo.InvariantCulture, "{0}|{1}|{2}|{3}", context.Environment, ns, typePath, pre).ToLowerInvariant();
            CachedVersion cached;
            lock (ApiVersionCacheGate) { ApiVersionCache.TryGetValue(key, out cached); }
            if (cached != null && cached.Expires > DateTime.UtcNow)
            {
                WriteVerbose(Strings.F(Strings.ResApiVersionCached, cached.Version, ns, typePath));
                return cached.Version;
            }
            ResourceAnswer r = Request(context, "GET", "subscriptions/" + sub + "/providers/" + ns, "2016-07-01");
            object provider = ParseAnswer(r.Json, resourceId);
            var versions = new List<object>();
            foreach (object rt in Items(ResourceObject.JsonMember(provider, "resourceTypes")))
            {
                var rtType = ResourceObject.JsonMember(rt, "resourceType");
                if (rtType != null && string.Equals(LanguagePrimitives.ConvertTo<string>(rtType), typePath, StringComparison.OrdinalIgnoreCase))
                {
                    versions = new List<object>(Items(ResourceObject.JsonMember(rt, "apiVersions")));
                }
            }
            var pick = new List<string>();
            foreach (object v in versions)
            {
                if (v == null) { continue; }
                string text = LanguagePrimitives.ConvertTo<string>(v);
                if (pre || !PreviewVersion.IsMatch(text)) { pick.Add(text); }
            }
            pick.Sort((a, b) => string.Compare(b, a, CultureInfo.CurrentCulture, CompareOptions.IgnoreCase));
            string stable = pre ? string.Empty : " stable";
            if (pick.Count == 0)
            {
                Stop(Strings.F(Strings.ResApiVersionNotFound, ns, stable, typePath), "ApiVersionNotFound", ErrorCategory.ObjectNotFound, resourceId);
            }
            string version = pick[0];
            lock (ApiVersionCacheGate)
            {
                ApiVersionCache[key] = new CachedVersion { Version = version, Expires = DateTime.UtcNow.AddHours(1) };
            }
            WriteVerbose(Strings.F(Strings.ResApiVersionLookedUp, version, ns, typePath, stable));
            return version;
        }

        /// <summary>The items of a JSON array member (a single value as one item, null as none).</summary>
        private static IEnumerable<object> Items(object value)
        {
            if (value == null) { yield break; }
            var list = value as IList;
            if (list != null)
            {
                foreach (object item in list) { yield return item; }
                yield break;
            }
            yield return value;
        }

        /// <summary>
        /// Initialize-AzsResourceCall: the context (the one given, or read now: updates
        /// context) and the API version (-ApiVersion, or ResolveApiVersion).
        /// </summary>
        protected string InitializeCall(string resourceId, ref AzsContext context, object defaultProfile, string apiVersion, bool pre)
        {
            if (context == null) { context = GetContextForCall(defaultProfile); }
            return string.IsNullOrEmpty(apiVersion) ? ResolveApiVersion(resourceId, pre, context) : apiVersion;
        }

        /// <summary>
        /// Invoke-AzsResourceWrite: the PUT/PATCH of New-/Set-AzureRmResource and its output: the
        /// resource from the answer, or, when the service answered without a body (201), an
        /// object built from the request (said in -Verbose).
        /// </summary>
        protected void WriteResource(AzsContext context, string method, string resourceId, string apiVersion, string bodyJson, string odataQuery)
        {
            ResourceAnswer r = Request(context, method, resourceId, apiVersion, bodyJson, odataQuery);
            if (string.IsNullOrWhiteSpace(r.Json))
            {
                WriteVerbose(Strings.F(Strings.ResBuiltFromRequest, r.Status));
                WriteObject(ResourceObject.FromRequest(resourceId, bodyJson));
                return;
            }
            PSObject resource = null;
            try
            {
                resource = ResourceObject.ToResourceObject(r.Json, resourceId);
            }
            catch (FormatException ex)
            {
                Stop(ex.Message, "InvalidResponse", ErrorCategory.InvalidResult, resourceId);
            }
            if (resource != null) { WriteObject(resource); }
        }

        // ---- confirmation -------------------------------------------------------------

        /// <summary>
        /// Confirm-AzsResourceAction: AzureRM's confirmation: without -Force a ShouldContinue
        /// prompt ("Are you sure you want to ... the following resource: &lt;id&gt;"), then
        /// ShouldProcess(target, action). Unlike AzureRM, -WhatIf is handled first and never
        /// prompts. In a host that cannot prompt, a missing -Force is the terminating error
        /// ConfirmationRequired. True to go on.
        /// </summary>
        protected bool ConfirmAction(bool force, string target, string continueMessage, string processMessage)
        {
            return AzsHelpers.ConfirmResourceAction(this, force, IsInteractiveHost, target, continueMessage, processMessage);
        }

        // ---- -AsJob -------------------------------------------------------------------

        /// <summary>
        /// The module manifest to import in the job's runspace: AzsRegistration.psd1 in the
        /// module's folder (the cmdlet's module base or its parent, for the assembly in lib/),
        /// else next to this assembly or in its parent folder. Null when there is none.
        /// </summary>
        private string FindManifest()
        {
            var folders = new List<string>();
            PSModuleInfo module = MyInvocation.MyCommand.Module;
            if (module != null && !string.IsNullOrEmpty(module.ModuleBase)) { folders.Add(module.ModuleBase); }
            string location = typeof(ResourceCmdletBase).Assembly.Location;
            if (!string.IsNullOrEmpty(location)) { folders.Add(Path.GetDirectoryName(location)); }
            foreach (string folder in folders.ToArray())
            {
                DirectoryInfo parent = Directory.GetParent(folder);
                if (parent != null) { folders.Add(parent.FullName); }
            }
            foreach (string folder in folders)
            {
                string candidate = Path.Combine(folder, "AzsRegistration.psd1");
                if (File.Exists(candidate)) { return candidate; }
            }
            return null;
        }

        /// <summary>
        /// Start-AzsResourceCommandJob + Start-AzsResourceJob: -AsJob runs the command again in a
        /// thread job of this process (so it sees the same contexts), with the bound parameters
        /// less -AsJob / -Confirm / -WhatIf, plus -Force (confirmation was asked here); the
        /// BySubscriptionLevel parameters replaced by the -ResourceId built here, and the context
        /// read here passed as -DefaultProfile when none was given. Writes the job.
        /// Terminating ThreadJobNotAvailable when Start-ThreadJob does not exist.
        /// </summary>
        protected void StartJob(string resourceId, AzsContext context, object defaultProfile)
        {
            var p = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (KeyValuePair<string, object> kv in MyInvocation.BoundParameters) { p[kv.Key] = kv.Value; }
            if (ParameterSetName == BySubscriptionLevelSet)
            {
                foreach (string k in SubscriptionLevelParameters) { p.Remove(k); }
                p["ResourceId"] = resourceId;
            }
            if (defaultProfile == null && context != null) { p["DefaultProfile"] = context; }

            CommandInfo startThreadJob = null;
            foreach (PSObject found in InvokeCommand.InvokeScript(
                "Get-Command -Name 'Start-ThreadJob' -CommandType Cmdlet, Function -ErrorAction SilentlyContinue | Select-Object -First 1"))
            {
                if (found != null && found.BaseObject is CommandInfo) { startThreadJob = (CommandInfo)found.BaseObject; }
            }
            if (startThreadJob == null)
            {
                Stop(Strings.ResThreadJobNotAvailable, "ThreadJobNotAvailable", ErrorCategory.NotInstalled, null);
            }
            var parameters = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in p)
            {
                string k = (string)e.Key;
                if (!string.Equals(k, "AsJob", StringComparison.OrdinalIgnoreCase) && !string.Equals(k, "Confirm", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(k, "WhatIf", StringComparison.OrdinalIgnoreCase))
                {
                    parameters[k] = e.Value;
                }
            }
            if (MyInvocation.MyCommand.Parameters.ContainsKey("Force")) { parameters["Force"] = true; }
            string name = MyInvocation.MyCommand.Name;
            string manifest = FindManifest();
            string modulePath = manifest;
            string qualifiedName = "AzsRegistration\\" + name;
            if (manifest == null)
            {
                modulePath = typeof(ResourceCmdletBase).Assembly.Location;
                qualifiedName = string.IsNullOrEmpty(MyInvocation.MyCommand.ModuleName) ? name : MyInvocation.MyCommand.ModuleName + "\\" + name;
            }
            ScriptBlock script = ScriptBlock.Create(JobScript);
            var jobArguments = new object[] { modulePath, qualifiedName, parameters };
            foreach (PSObject job in InvokeCommand.InvokeScript(false, script, null, startThreadJob, name, jobArguments))
            {
                WriteObject(job);
            }
        }
    }
}
