using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Unregister-AzsCustomerSubscription: DELETE .../customerSubscriptions/{id}. Confirms
    /// (ConfirmImpact High) unless -Force or -Confirm:$false; a host that cannot prompt needs
    /// -Force (ConfirmationRequiresForce). Each failed item is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Unregister, "AzsCustomerSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class UnregisterCustomerSubscriptionCommand : AzsCmdlet
    {
        private AzsContext _context;
        private bool _skipPrompt;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RegistrationId")]
        [ValidateNotNullOrEmpty]
        public object[] Registration { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SubscriptionId")]
        [ValidateNotNullOrEmpty]
        public string[] CustomerSubscriptionId { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void BeginProcessing()
        {
            _skipPrompt = AzsHelpers.RequireForceWhenNonInteractive(this, Force.IsPresent, IsInteractiveHost);
        }

        protected override void ProcessRecord()
        {
            if (_context == null) { _context = GetContextForCall(DefaultProfile); }
            ClientHandle client = _context.Client;
            foreach (object reg in Registration)
            {
                if (Stopping) { return; }
                string regId, regName;
                if (!TryResolveRegistration(reg, out regId, out regName)) { continue; }
                foreach (string cust in CustomerSubscriptionId)
                {
                    if (Stopping) { return; }
                    string custText = CheckCustomerSubscriptionId(cust ?? string.Empty);
                    if (string.IsNullOrEmpty(custText)) { continue; }
                    string target = Strings.F(Strings.TargetOnRegistration, custText, regName);
                    if (!AzsHelpers.ShouldProcess(this, _skipPrompt, target, Strings.F(Strings.ActionUnregister, custText))) { continue; }
                    bool existed;
                    if (TryInvokeNative(() => Native.CustomerDelete(client, regId, custText), out existed, custText) && !existed)
                    {
                        WriteVerbose(Strings.F(Strings.NotRemoved, custText, regName));
                    }
                }
            }
        }
    }
}
