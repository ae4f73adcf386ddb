// New-AzureRmResource (was Public/New-AzureRmResource.ps1).
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
    public sealed class NewResourceCommand : ResourceWriteCmdletBase
    {
        protected override string ConfirmQuestion => Strings.ResConfirmCreate;

        protected override string ActionInProgress => Strings.ResActionCreating;

        protected override void Change(AzsContext context, string id, string version)
        {
            WriteResource(context, "PUT", id, version, Body.Json, ODataQuery);
        }
    }
}
