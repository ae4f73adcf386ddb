// Set-AzureRmResource (was Public/Set-AzureRmResource.ps1).
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Updates an Azure Resource Manager resource, as AzureRM's Set-AzureRmResource did: the
    /// resource is read (GET), the members given replace its members, and it is written back
    /// (PUT); -UsePatchSemantics sends the members given with PATCH; -IsFullObject sends
    /// -Properties as the whole body with PUT.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AzureRmResource", DefaultParameterSetName = ByResourceIdSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PSObject))]
    public sealed class SetResourceCommand : ResourceWriteCmdletBase
    {
        [Parameter]
        public SwitchParameter UsePatchSemantics { get; set; }

        /// <summary>Body member -> the key of ResourceBody.Members, in body order.</summary>
        private static readonly KeyValuePair<string, string>[] MemberMap =
        {
            new KeyValuePair<string, string>("location", "Location"),
            new KeyValuePair<string, string>("kind", "Kind"),
            new KeyValuePair<string, string>("sku", "Sku"),
            new KeyValuePair<string, string>("plan", "Plan"),
            new KeyValuePair<string, string>("tags", "Tag"),
            new KeyValuePair<string, string>("properties", "Properties"),
        };

        protected override string ConfirmQuestion => Strings.ResConfirmUpdate;

        protected override string ActionInProgress => Strings.ResActionUpdating;

        protected override void Change(AzsContext context, string id, string version)
        {
            ResourceBody body = Body;
            string bodyJson = body.Json;
            string method = "PUT";
            if (UsePatchSemantics && !IsFullObject)
            {
                method = "PATCH";
            }
            else if (!IsFullObject)
            {
                // PUT semantics: read the resource, replace the members given, write it back.
                ResourceAnswer current = Request(context, "GET", id, version, null, ODataQuery);
                object existing = ParseAnswer(current.Json, id);
                var merged = new OrderedDictionary();
                foreach (KeyValuePair<string, string> m in MemberMap)
                {
                    object given;
                    if (body.Members.TryGetValue(m.Value, out given))
                    {
                        merged[m.Key] = m.Key == "tags" ? JsonBody.TagObject(given) : given;
                    }
                    else
                    {
                        object old = ResourceObject.JsonMember(existing, m.Key);
                        if (old != null) { merged[m.Key] = old; }
                    }
                    if (merged.Contains(m.Key) && merged[m.Key] == null) { merged.Remove(m.Key); }
                }
                bodyJson = JsonBody.ToJson(merged);
            }
            WriteResource(context, method, id, version, bodyJson, ODataQuery);
        }
    }
}
