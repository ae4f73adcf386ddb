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
    /// A signed-in context: who, which tenant / subscription, which cloud, and the native
    /// client (one connection pool and token cache, safe to share between threads).
    /// </summary>
    public sealed class AzsContext
    {
        public string Name { get; set; }
        public string Account { get; set; }
        /// <summary>"User", "ServicePrincipal", "ManagedService", "AccessToken" (AzureRM's Account.Type).</summary>
        public string AccountType { get; set; }
        public string TenantId { get; set; }
        public string SubscriptionId { get; set; }
        public string SubscriptionName { get; set; }
        /// <summary>Environment name.</summary>
        public string Environment { get; set; }
        /// <summary>Environment as JSON (azsreg_environment_to_json).</summary>
        public string EnvironmentJson { get; set; }
        /// <summary>ClientSecret, Certificate, ManagedIdentity, AccessToken, DeviceCode.</summary>
        public string CredentialKind { get; set; }
        /// <summary>JSON options the client was made with (never a secret).</summary>
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

        public override string ToString() { return Account ?? string.Empty; }
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
