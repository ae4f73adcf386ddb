// What New-, Set- and Remove-AzureRmResource share: their parameters (as AzureRM's) and
// the steps of a change: the target, the confirmation, -AsJob, the sign-in, the request.
using System.Collections;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// A cmdlet that changes one resource: it is named by -ResourceId or by name and type in
    /// the context's subscription; -Force skips the confirmation; -AsJob runs the same command
    /// as a thread job. ProcessRecord resolves the target, checks the input (CheckInput),
    /// confirms, signs in and calls Change.
    /// </summary>
    public abstract class ResourceChangeCmdletBase : ResourceCmdletBase
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

        /// <summary>The confirmation question, with {0} for the resource ID.</summary>
        protected abstract string ConfirmQuestion { get; }

        /// <summary>What the change is doing, for the confirmation.</summary>
        protected abstract string ActionInProgress { get; }

        /// <summary>Checks what the command was given, before anything is asked or sent.</summary>
        protected virtual void CheckInput(string id) { }

        /// <summary>The change itself, signed in, with the api-version to use.</summary>
        protected abstract void Change(AzsContext context, string id, string version);

        protected sealed override void ProcessRecord()
        {
            ResourceTarget target = ResolveTarget(ResourceId, ResourceName, ResourceType, ExtensionResourceName, ExtensionResourceType,
                ResourceGroupName, DefaultProfile, false, false);
            string id = target.Id;

            CheckInput(id);
            if (!ConfirmAction(Force, id, Strings.F(ConfirmQuestion, id), ActionInProgress)) { return; }
            if (AsJob)
            {
                StartJob(id, target.Context, DefaultProfile);
                return;
            }

            AzsContext context = target.Context;
            string version = InitializeCall(id, ref context, DefaultProfile, ApiVersion, Pre);
            Change(context, id, version);
        }
    }

    /// <summary>
    /// A change that sends a resource body (New-, Set-AzureRmResource): its members as
    /// AzureRM's parameters give them; the body is checked before anything is asked or sent.
    /// </summary>
    public abstract class ResourceWriteCmdletBase : ResourceChangeCmdletBase
    {
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

        /// <summary>The body the parameters give, checked by CheckInput (a bad -Properties fails there).</summary>
        protected ResourceBody Body { get; private set; }

        protected override void CheckInput(string id)
        {
            Body = BuildBody(id, IsFullObject, IsBound("Properties"), Properties, Location, Kind, Sku, Plan, Tag);
        }
    }
}
