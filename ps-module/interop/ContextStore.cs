using System;
using System.Collections.Generic;

namespace AzsRegistration.Interop
{
    /// <summary>The subscription of a context (AzureRM's PSAzureSubscription, reduced).</summary>
    public sealed class AzsSubscription
    {
        public string Id { get; set; }
        public string SubscriptionId { get { return Id; } }
        public string Name { get; set; }
        public string State { get; set; }
        public string TenantId { get; set; }

        public override string ToString() { return string.IsNullOrEmpty(Name) ? (Id ?? string.Empty) : Name; }
    }

    /// <summary>The tenant of a context (AzureRM's PSAzureTenant, reduced).</summary>
    public sealed class AzsTenant
    {
        public string Id { get; set; }
        public string TenantId { get { return Id; } }
        public string Directory { get; set; }

        public override string ToString() { return Id ?? string.Empty; }
    }

    /// <summary>
    /// The account of a context (AzureRM's PSAzureRmAccount, reduced): Id, Type
    /// (ServicePrincipal | User | ManagedService | AccessToken), Tenants, ExtendedProperties.
    /// ToString() is the Id, and it compares equal (case-insensitively) to its Id as a string,
    /// so scripts that treated the account as a string keep working.
    /// </summary>
    public sealed class AzsAccount
    {
        public AzsAccount() { ExtendedProperties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase); Tenants = new string[0]; }

        /// <summary>An account with this Id (also lets PowerShell convert a string to an account).</summary>
        public AzsAccount(string id) : this() { Id = id; }

        public string Id { get; set; }
        /// <summary>"ServicePrincipal", "User", "ManagedService" or "AccessToken".</summary>
        public string Type { get; set; }
        public string[] Tenants { get; set; }
        public IDictionary<string, string> ExtendedProperties { get; private set; }

        public override string ToString() { return Id ?? string.Empty; }

        public override bool Equals(object obj)
        {
            string other = obj as string;
            if (other == null)
            {
                var a = obj as AzsAccount;
                if (a == null) { return false; }
                if (ReferenceEquals(a, this)) { return true; }
                other = a.Id;
            }
            return string.Equals(Id ?? string.Empty, other ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }

        public override int GetHashCode() { return StringComparer.OrdinalIgnoreCase.GetHashCode(Id ?? string.Empty); }
    }

    /// <summary>
    /// A cloud (AzureRM's PSAzureEnvironment, reduced): Name and endpoints. ToString() is the
    /// Name, and it compares equal (case-insensitively) to its Name as a string.
    /// </summary>
    public sealed class AzsEnvironment
    {
        public AzsEnvironment() { }

        /// <summary>An environment with this name (also lets PowerShell convert a string).</summary>
        public AzsEnvironment(string name) { Name = name; }

        public string Name { get; set; }
        public string ResourceManagerUrl { get; set; }
        public string ActiveDirectoryAuthority { get; set; }
        public string ActiveDirectoryServiceEndpointResourceId { get; set; }
        public bool EnableAdfsAuthentication { get; set; }
        public string GalleryUrl { get; set; }
        public string GraphUrl { get; set; }
        public string ManagementPortalUrl { get; set; }
        /// <summary>"Built-in", or "User-defined" for one added (or overridden) with Add-AzureRmEnvironment.</summary>
        public string Type { get; set; }

        /// <summary>From azsreg_environment_to_json; Type from the EnvironmentStore.</summary>
        public static AzsEnvironment FromJson(string json)
        {
            var o = MiniJson.Parse(json) as IDictionary<string, object>;
            if (o == null) { throw new FormatException("the environment JSON is not an object"); }
            object adfs;
            var e = new AzsEnvironment
            {
                Name = MiniJson.Str(o, "name"),
                ResourceManagerUrl = MiniJson.Str(o, "resourceManagerUrl"),
                ActiveDirectoryAuthority = MiniJson.Str(o, "activeDirectoryAuthority"),
                ActiveDirectoryServiceEndpointResourceId = MiniJson.Str(o, "audience"),
                EnableAdfsAuthentication = o.TryGetValue("isAdfs", out adfs) && adfs is bool && (bool)adfs,
                GalleryUrl = NullIfEmpty(MiniJson.Str(o, "galleryUrl")),
                GraphUrl = NullIfEmpty(MiniJson.Str(o, "graphUrl")),
                ManagementPortalUrl = NullIfEmpty(MiniJson.Str(o, "portalUrl")),
            };
            e.Type = EnvironmentStore.IsUserDefined(e.Name) || !EnvironmentStore.IsBuiltin(e.Name) ? "User-defined" : "Built-in";
            return e;
        }

        private static string NullIfEmpty(string s) { return string.IsNullOrEmpty(s) ? null : s; }

        public override string ToString() { return Name ?? string.Empty; }

        public override bool Equals(object obj)
        {
            string other = obj as string;
            if (other == null)
            {
                var e = obj as AzsEnvironment;
                if (e == null) { return false; }
                if (ReferenceEquals(e, this)) { return true; }
                other = e.Name;
            }
            return string.Equals(Name ?? string.Empty, other ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }

        public override int GetHashCode() { return StringComparer.OrdinalIgnoreCase.GetHashCode(Name ?? string.Empty); }
    }

    /// <summary>
    /// A signed-in context: who, which tenant / subscription, which cloud, and the native
    /// client (one connection pool and token cache, safe to share between threads).
    /// </summary>
    public sealed class AzsContext
    {
        public string Name { get; set; }
        /// <summary>Who signed in: Id (application ID, UPN, MSI@50342, ...), Type, Tenants. Prints as the Id.</summary>
        public AzsAccount Account { get; set; }
        /// <summary>Account.Type: "User", "ServicePrincipal", "ManagedService", "AccessToken".</summary>
        public string AccountType { get { return Account == null ? null : Account.Type; } }
        public string TenantId { get; set; }
        public string SubscriptionId { get; set; }
        public string SubscriptionName { get; set; }
        /// <summary>The cloud: Name and endpoints. Prints as the name.</summary>
        public AzsEnvironment Environment { get; set; }
        /// <summary>Environment as JSON (azsreg_environment_to_json).</summary>
        public string EnvironmentJson { get; set; }
        /// <summary>ClientSecret, Certificate, ManagedIdentity, AccessToken, DeviceCode, UserPassword.</summary>
        public string CredentialKind { get; set; }
        /// <summary>JSON options the client was made with, redacted as the library's logs are
        /// (a proxy URL's user name and password masked): for display only.</summary>
        public string ClientOptionsJson { get; set; }
        public ClientHandle Client { get; set; }
        /// <summary>The credential, kept so that Set-AzureRmContext -TenantId can make a client for another tenant.</summary>
        public CredentialHandle Credential { get; set; }

        public AzsSubscription Subscription
        {
            get
            {
                if (string.IsNullOrEmpty(SubscriptionId)) { return null; }
                return new AzsSubscription { Id = SubscriptionId, Name = SubscriptionName, TenantId = TenantId, State = "Enabled" };
            }
        }

        public AzsTenant Tenant
        {
            get { return string.IsNullOrEmpty(TenantId) ? null : new AzsTenant { Id = TenantId }; }
        }

        /// <summary>A copy sharing the same native client and credential (for another subscription).</summary>
        public AzsContext CloneWith(string name, string subscriptionId, string subscriptionName)
        {
            var c = (AzsContext)MemberwiseClone();
            c.Name = name;
            c.SubscriptionId = subscriptionId;
            c.SubscriptionName = subscriptionName;
            return c;
        }

        public override string ToString() { return Account == null ? string.Empty : Account.ToString(); }
    }

    /// <summary>
    /// Process-wide contexts: every runspace, ForEach-Object -Parallel runspace and thread
    /// job of the process sees the same Current context and named contexts.
    /// </summary>
    public static class ContextStore
    {
        private static readonly object Gate = new object();
        private static AzsContext _current;
        private static readonly Dictionary<string, AzsContext> Named = new Dictionary<string, AzsContext>(StringComparer.OrdinalIgnoreCase);

        public static AzsContext Current
        {
            get { lock (Gate) { return _current; } }
            set { lock (Gate) { _current = value; } }
        }

        /// <summary>Adds or replaces a named context (its Name).</summary>
        public static void Set(AzsContext context)
        {
            if (context == null) { throw new ArgumentNullException("context"); }
            if (string.IsNullOrEmpty(context.Name)) { throw new ArgumentException("the context has no name", "context"); }
            lock (Gate) { Named[context.Name] = context; }
        }

        public static AzsContext Get(string name)
        {
            if (name == null) { return null; }
            lock (Gate)
            {
                AzsContext c;
                return Named.TryGetValue(name, out c) ? c : null;
            }
        }

        public static AzsContext[] List()
        {
            lock (Gate)
            {
                var l = new List<AzsContext>(Named.Values);
                return l.ToArray();
            }
        }

        /// <summary>Removes a named context; true when it existed. Clears Current when it was that one.</summary>
        public static bool Remove(string name)
        {
            lock (Gate)
            {
                AzsContext c;
                if (!Named.TryGetValue(name, out c)) { return false; }
                Named.Remove(name);
                if (ReferenceEquals(_current, c)) { _current = null; }
                return true;
            }
        }

        /// <summary>Forgets every context (Disconnect-AzureRmAccount with nothing named / Clear).</summary>
        public static void Clear()
        {
            lock (Gate)
            {
                Named.Clear();
                _current = null;
            }
        }
    }

    /// <summary>Environments (clouds) by name: built-in ones from the library plus added ones, as JSON.</summary>
    public static class EnvironmentStore
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, string> Added = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        public static readonly string[] BuiltinNames = { "AzureCloud", "AzureChinaCloud", "AzureUSGovernment", "AzureGermanCloud" };

        public static bool IsBuiltin(string name)
        {
            foreach (string n in BuiltinNames)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) { return true; }
            }
            return false;
        }

        /// <summary>Adds or replaces a custom environment.</summary>
        public static void Set(string name, string json)
        {
            if (string.IsNullOrEmpty(name)) { throw new ArgumentException("an environment needs a name", "name"); }
            lock (Gate) { Added[name] = json; }
        }

        public static bool Remove(string name)
        {
            lock (Gate) { return Added.Remove(name); }
        }

        /// <summary>True when the name was added (or a built-in overridden) with Add-AzureRmEnvironment.</summary>
        public static bool IsUserDefined(string name)
        {
            if (string.IsNullOrEmpty(name)) { return false; }
            lock (Gate) { return Added.ContainsKey(name); }
        }

        /// <summary>The environment JSON by name (added ones first, then built-ins), or null.</summary>
        public static string Get(string name)
        {
            if (string.IsNullOrEmpty(name)) { return null; }
            lock (Gate)
            {
                string json;
                if (Added.TryGetValue(name, out json)) { return json; }
            }
            if (IsBuiltin(name)) { return Native.EnvironmentBuiltin(name); }
            return null;
        }

        /// <summary>Names of all environments: built-ins then added ones.</summary>
        public static string[] Names()
        {
            var l = new List<string>(BuiltinNames);
            lock (Gate)
            {
                foreach (string n in Added.Keys)
                {
                    if (!IsBuiltin(n)) { l.Add(n); }
                }
            }
            return l.ToArray();
        }
    }
}
