using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// The module's output objects (former Private/ConvertTo-AzsOutput.ps1), with the same
    /// type names (format views in AzsRegistration.format.ps1xml) and members in the same order.
    /// </summary>
    public static class Output
    {
        private static readonly Regex RegistrationIdPattern = new Regex(
            @"^/?subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.AzureStack/registrations/(?<name>[^/]+)$",
            RegexOptions.IgnoreCase);

        private static readonly Regex CustomerIdPattern = new Regex(
            @"^/?subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.AzureStack/registrations/(?<name>[^/]+)/customerSubscriptions/(?<cust>[^/]+)$",
            RegexOptions.IgnoreCase);

        private static readonly Regex LastSegment = new Regex(@"/(?<c>[^/]+)$", RegexOptions.IgnoreCase);

        private static readonly string[] AccountTypes = { "ServicePrincipal", "User", "ManagedService", "AccessToken" };

        /// <summary>A new PSCustomObject whose first type name is typeName (as [pscustomobject]@{ PSTypeName = ... }).</summary>
        public static PSObject NewObject(string typeName)
        {
            var o = new PSObject();
            if (!string.IsNullOrEmpty(typeName)) { o.TypeNames.Insert(0, typeName); }
            return o;
        }

        /// <summary>Adds a note property (kept when the value is null).</summary>
        public static void AddNote(PSObject obj, string name, object value)
        {
            if (obj == null) { throw new ArgumentNullException("obj"); }
            obj.Properties.Add(new PSNoteProperty(name, value));
        }

        /// <summary>A registration (GET .../registrations/{name}) as an AzsRegistration.Registration object.</summary>
        public static PSObject RegistrationObject(object resource)
        {
            if (resource == null) { throw new ArgumentNullException("resource"); }
            string id = JsonPs.ToPsString(JsonPs.MemberUnrolled(resource, "id"));
            string sub = null;
            string rg = null;
            string name = JsonPs.ToPsString(JsonPs.MemberUnrolled(resource, "name"));
            Match m = RegistrationIdPattern.Match(id);
            if (m.Success)
            {
                sub = m.Groups["sub"].Value;
                rg = m.Groups["rg"].Value;
                if (name.Length == 0) { name = m.Groups["name"].Value; }
            }
            object props = JsonPs.MemberUnrolled(resource, "properties");
            PSObject o = NewObject("AzsRegistration.Registration");
            AddNote(o, "Name", name);
            AddNote(o, "ResourceGroupName", rg);
            AddNote(o, "SubscriptionId", sub);
            AddNote(o, "ResourceId", id);
            AddNote(o, "Location", JsonPs.MemberUnrolled(resource, "location"));
            AddNote(o, "BillingModel", JsonPs.MemberUnrolled(props, "billingModel"));
            AddNote(o, "CloudId", JsonPs.MemberUnrolled(props, "cloudId"));
            AddNote(o, "ObjectId", JsonPs.MemberUnrolled(props, "objectId"));
            AddNote(o, "ETag", JsonPs.MemberUnrolled(resource, "etag"));
            AddNote(o, "Properties", props);
            return o;
        }

        /// <summary>A customer subscription mapping as an AzsRegistration.CustomerSubscription object.</summary>
        public static PSObject CustomerSubscriptionObject(object resource, string registrationId)
        {
            if (resource == null) { throw new ArgumentNullException("resource"); }
            string id = JsonPs.ToPsString(JsonPs.MemberUnrolled(resource, "id"));
            object props = JsonPs.MemberUnrolled(resource, "properties");
            string cust = null;
            string regName = null;
            string rg = null;
            string regSub = null;
            Match m = CustomerIdPattern.Match(id);
            if (m.Success)
            {
                cust = m.Groups["cust"].Value.ToLowerInvariant();
                regSub = m.Groups["sub"].Value;
                rg = m.Groups["rg"].Value;
                regName = m.Groups["name"].Value;
                if (string.IsNullOrEmpty(registrationId))
                {
                    registrationId = "/subscriptions/" + regSub + "/resourceGroups/" + rg + "/providers/Microsoft.AzureStack/registrations/" + regName;
                }
            }
            else if (!string.IsNullOrEmpty(registrationId))
            {
                Match r = RegistrationIdPattern.Match(registrationId);
                if (r.Success)
                {
                    regSub = r.Groups["sub"].Value;
                    rg = r.Groups["rg"].Value;
                    regName = r.Groups["name"].Value;
                }
                string n = JsonPs.ToPsString(JsonPs.MemberUnrolled(resource, "name"));
                Match c = LastSegment.Match(n);
                if (c.Success) { cust = c.Groups["c"].Value.ToLowerInvariant(); }
            }
            PSObject o = NewObject("AzsRegistration.CustomerSubscription");
            AddNote(o, "CustomerSubscriptionId", cust);
            AddNote(o, "TenantId", JsonPs.MemberUnrolled(props, "tenantId"));
            AddNote(o, "RegistrationName", regName);
            AddNote(o, "ResourceGroupName", rg);
            AddNote(o, "RegistrationSubscriptionId", regSub);
            AddNote(o, "RegistrationId", registrationId);
            AddNote(o, "ResourceId", id);
            AddNote(o, "Name", JsonPs.MemberUnrolled(resource, "name"));
            AddNote(o, "ResourceType", JsonPs.MemberUnrolled(resource, "type"));
            AddNote(o, "ETag", JsonPs.MemberUnrolled(resource, "etag"));
            AddNote(o, "Properties", props);
            return o;
        }

        /// <summary>
        /// The registration resource ID from an object (Get-AzsRegistration output, or anything
        /// with RegistrationId / ResourceId / Id) or a string, with a leading '/'; null when it
        /// is not one. The library decides what a registration ID is (azsreg_registration_id_parse):
        /// nothing is trimmed (Resolve-AzsRegistrationId).
        /// </summary>
        public static string ResolveRegistrationId(object registration)
        {
            if (registration == null) { return null; }
            object value = Unwrap(registration);
            if (!(value is string))
            {
                foreach (string n in new[] { "RegistrationId", "ResourceId", "Id" })
                {
                    object v = Unwrap(JsonPs.MemberUnrolled(registration, n));
                    string s = v as string;
                    if (!string.IsNullOrEmpty(s))
                    {
                        if (n != "RegistrationId" || Native.CheckRegistrationId(s).Ok)
                        {
                            value = s;
                            break;
                        }
                    }
                }
            }
            string id = value as string;
            if (id == null) { return null; }
            if (!Native.CheckRegistrationId(id).Ok) { return null; }
            if (!id.StartsWith("/", StringComparison.Ordinal)) { id = "/" + id; }
            return id;
        }

        /// <summary>
        /// The message of InvalidRegistration: what the module expects, and for a string the
        /// library's reason (Get-AzsRegistrationInvalidMessage).
        /// </summary>
        public static string RegistrationInvalidMessage(object registration)
        {
            string message = Strings.F(Strings.RegistrationInvalid, registration);
            string s = Unwrap(registration) as string;
            if (s != null)
            {
                Native.InputDecision decision = Native.CheckRegistrationId(s);
                if (!decision.Ok) { message = message + " (" + decision.Message + ")"; }
            }
            return message;
        }

        /// <summary>
        /// Environment JSON (azsreg_environment_to_json) as an AzsEnvironment with AzureRM's
        /// PSAzureEnvironment member names (ConvertTo-AzsEnvironmentObject).
        /// </summary>
        public static AzsEnvironment EnvironmentObject(string json)
        {
            return AzsEnvironment.FromJson(json);
        }

        /// <summary>
        /// The Account of a context: Id, Type (ServicePrincipal, User, ManagedService or
        /// AccessToken), Tenants and ExtendedProperties (New-AzsAccountObject).
        /// </summary>
        public static AzsAccount AccountObject(string id, string type, string tenantId, IDictionary<string, string> extendedProperties)
        {
            if (string.IsNullOrEmpty(id)) { throw new ArgumentException(Strings.AccountNeedsId, "id"); }
            string known = null;
            foreach (string t in AccountTypes)
            {
                if (string.Equals(t, type, StringComparison.OrdinalIgnoreCase)) { known = t; break; }
            }
            if (known == null) { throw new ArgumentException(Strings.F(Strings.AccountTypeUnknown, string.Join(Strings.ListSeparator, AccountTypes)), "type"); }
            var account = new AzsAccount(id);
            account.Type = type;
            if (!string.IsNullOrEmpty(tenantId))
            {
                account.Tenants = new[] { tenantId };
                account.ExtendedProperties["Tenants"] = tenantId;
            }
            if (extendedProperties != null)
            {
                foreach (KeyValuePair<string, string> kv in extendedProperties)
                {
                    if (kv.Value != null) { account.ExtendedProperties[kv.Key] = kv.Value; }
                }
            }
            return account;
        }

        /// <summary>What Connect-AzureRmAccount / Set-AzureRmContext return: an AzsRegistration.Profile with .Context.</summary>
        public static PSObject ProfileObject(AzsContext context)
        {
            if (context == null) { throw new ArgumentNullException("context"); }
            PSObject o = NewObject("AzsRegistration.Profile");
            AddNote(o, "Context", context);
            return o;
        }

        private static object Unwrap(object value)
        {
            var pso = value as PSObject;
            return pso == null ? value : pso.BaseObject;
        }
    }
}
