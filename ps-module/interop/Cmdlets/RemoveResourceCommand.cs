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
    public sealed class RemoveResourceCommand : ResourceChangeCmdletBase
    {
        protected override string ConfirmQuestion => Strings.ResConfirmDelete;

        protected override string ActionInProgress => Strings.ResActionDeleting;

        protected override void Change(AzsContext context, string id, string version)
        {
            ResourceAnswer r = Request(context, "DELETE", id, version, null, ODataQuery);
            if (r.Status == 204) { WriteVerbose(Strings.F(Strings.ResDidNotExist, id)); }
            WriteObject(true);
        }
    }
}
