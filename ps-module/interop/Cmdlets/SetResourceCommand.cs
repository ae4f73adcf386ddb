// Set-AzureRmResource (was Public/Set-AzureRmResource.ps1).
using System.Collections;
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
    public sealed class SetResourceCommand : ResourceCmdletBase
    {
        [Parameter(ParameterSetName = ByResourceIdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; }

        [Parameter(ParameterSetName = BySubscriptionLevelSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ValidateNotNullOrEmpty]
        public string ResourceName { get; set; }

        [Parameter(ParameterSetName = BySubscriptionLevelSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceType { get; set; }

        [Parameter(ParameterSetName = BySubscriptionLevelSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ExtensionResourceName { get; set; }

        [Parameter(ParameterSetName = BySubscriptionLevelSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ExtensionResourceType { get; set; }

        [Parameter(ParameterSetName = BySubscriptionLevelSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Location { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Kind { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PropertyObject")]
        [AllowNull]
        public PSObject Properties { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PlanObject")]
        public Hashtable Plan { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("SkuObject")]
        public Hashtable Sku { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Tags")]
        public object Tag { get; set; }

        [Parameter]
        public SwitchParameter IsFullObject { get; set; }

        [Parameter]
        public SwitchParameter UsePatchSemantics { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApiVersion { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ODataQuery { get; set; }

        [Parameter]
        public SwitchParameter Pre { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

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

        protected override void ProcessRecord()
        {
            ResourceTarget target = ResolveTarget(ResourceId, ResourceName, ResourceType, ExtensionResourceName, ExtensionResourceType,
                ResourceGroupName, DefaultProfile, false, false);
            string id = target.Id;

            // Checked now so that bad -Properties fail before anything is asked or sent.
            ResourceBody body = BuildBody(id, IsFullObject, IsBound("Properties"), Properties, Location, Kind, Sku, Plan, Tag);
            string bodyJson = body.Json;

            if (!ConfirmAction(Force, id, Strings.F(Strings.ResConfirmUpdate, id), Strings.ResActionUpdating)) { return; }
            if (AsJob)
            {
                StartJob(id, target.Context, DefaultProfile);
                return;
            }

            AzsContext context = target.Context;
            string version = InitializeCall(id, ref context, DefaultProfile, ApiVersion, Pre);
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
