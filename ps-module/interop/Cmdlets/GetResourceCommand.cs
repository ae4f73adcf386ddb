// Get-AzureRmResource (was Public/Get-AzureRmResource.ps1).
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Reads an Azure Resource Manager resource or a collection, as AzureRM's
    /// Get-AzureRmResource did: a "value" array is written item by item, every nextLink page
    /// followed; -ExpandProperties reads each item again by its ID.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzureRmResource", DefaultParameterSetName = ByResourceIdSet)]
    [OutputType(typeof(PSObject))]
    public sealed class GetResourceCommand : ResourceCmdletBase
    {
        [Parameter(ParameterSetName = ByResourceIdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string ResourceId { get; set; }

        [Parameter(ParameterSetName = BySubscriptionLevelSet, ValueFromPipelineByPropertyName = true)]
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

        [Parameter]
        public SwitchParameter ExpandProperties { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ApiVersion { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string ODataQuery { get; set; }

        [Parameter]
        public SwitchParameter Pre { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            ResourceTarget target = ResolveTarget(ResourceId, ResourceName, ResourceType, ExtensionResourceName, ExtensionResourceType,
                ResourceGroupName, DefaultProfile, true, true);
            string id = target.Id;
            AzsContext context = target.Context;
            string version = InitializeCall(id, ref context, DefaultProfile, ApiVersion, Pre);

            // AZSREG_REQUEST_FOLLOW_PAGES: a 200 with a "value" array is read to the last nextLink.
            ResourceAnswer r = Request(context, "GET", id, version, null, ODataQuery, Native.RequestFollowPages);
            object answer = ParseAnswer(r.Json, id);
            if (answer == null)
            {
                WriteVerbose(Strings.F(Strings.ResNoBody, r.Status));
                return;
            }
            object value = null;
            bool isList = false;
            var pso = answer as PSObject;
            if (pso != null && pso.Properties["value"] != null && pso.Properties["id"] == null)
            {
                value = pso.Properties["value"].Value;
                isList = value == null || value is System.Array;
            }
            if (!isList)
            {
                PSObject one = ResourceObject.ToResourceObject(answer, id);
                if (one != null) { WriteObject(one); }
                return;
            }
            int count = 0;
            if (value != null)
            {
                foreach (object listed in (System.Array)value)
                {
                    if (listed == null) { continue; }
                    // Ctrl+C between the items (each -ExpandProperties read is a request).
                    if (Stopping) { throw new PipelineStoppedException(); }
                    object item = listed;
                    count++;
                    object itemIdValue = ResourceObject.JsonMember(item, "id");
                    string itemId = itemIdValue == null ? null : LanguagePrimitives.ConvertTo<string>(itemIdValue);
                    if (ExpandProperties && !string.IsNullOrEmpty(itemId))
                    {
                        ResourceAnswer oneAnswer = Request(context, "GET", itemId, version);
                        object full = ParseAnswer(oneAnswer.Json, itemId);
                        if (full != null) { item = full; }
                    }
                    WriteObject(ResourceObject.ToResourceObject(item, null));
                }
            }
            WriteVerbose(Strings.F(Strings.ResCount, count, id));
        }
    }
}
