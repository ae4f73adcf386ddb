// New-AzureRmResource (was Public/New-AzureRmResource.ps1).
using System.Collections;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Creates (PUT) an Azure Resource Manager resource, as AzureRM's New-AzureRmResource did:
    /// PUT {arm}/{ResourceId}?{ODataQuery&amp;}api-version={ApiVersion} with the body
    /// {"location","kind","sku","plan","tags","properties"} (no GET before the PUT).
    /// </summary>
    [Cmdlet(VerbsCommon.New, "AzureRmResource", DefaultParameterSetName = ByResourceIdSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PSObject))]
    public sealed class NewResourceCommand : ResourceCmdletBase
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

        protected override void ProcessRecord()
        {
            ResourceTarget target = ResolveTarget(ResourceId, ResourceName, ResourceType, ExtensionResourceName, ExtensionResourceType,
                ResourceGroupName, DefaultProfile, false, false);
            string id = target.Id;

            ResourceBody body = BuildBody(id, IsFullObject, IsBound("Properties"), Properties, Location, Kind, Sku, Plan, Tag);

            if (!ConfirmAction(Force, id, Strings.F(Strings.ResConfirmCreate, id), Strings.ResActionCreating)) { return; }
            if (AsJob)
            {
                StartJob(id, target.Context, DefaultProfile);
                return;
            }

            AzsContext context = target.Context;
            string version = InitializeCall(id, ref context, DefaultProfile, ApiVersion, Pre);
            WriteResource(context, "PUT", id, version, body.Json, ODataQuery);
        }
    }
}
