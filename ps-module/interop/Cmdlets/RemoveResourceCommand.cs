// Remove-AzureRmResource (was Public/Remove-AzureRmResource.ps1).
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Deletes an Azure Resource Manager resource, as AzureRM's Remove-AzureRmResource did:
    /// DELETE {arm}/{ResourceId}?{ODataQuery&amp;}api-version={ApiVersion}, long-running answers
    /// followed; writes $true.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "AzureRmResource", DefaultParameterSetName = ByResourceIdSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(bool))]
    public sealed class RemoveResourceCommand : ResourceCmdletBase
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

            if (!ConfirmAction(Force, id, Strings.F(Strings.ResConfirmDelete, id), Strings.ResActionDeleting)) { return; }
            if (AsJob)
            {
                StartJob(id, target.Context, DefaultProfile);
                return;
            }

            AzsContext context = target.Context;
            string version = InitializeCall(id, ref context, DefaultProfile, ApiVersion, Pre);
            ResourceAnswer r = Request(context, "DELETE", id, version, null, ODataQuery);
            if (r.Status == 204) { WriteVerbose(Strings.F(Strings.ResDidNotExist, id)); }
            WriteObject(true);
        }
    }
}
