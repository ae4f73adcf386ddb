using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Get-AzsCustomerSubscription: every mapping of each registration (all pages), or the
    /// ones asked for. Each failed read is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzsCustomerSubscription")]
    [OutputType("AzsRegistration.CustomerSubscription")]
    public sealed class GetCustomerSubscriptionCommand : AzsCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("RegistrationId")]
        [ValidateNotNullOrEmpty]
        public object[] Registration { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("SubscriptionId")]
        public string[] CustomerSubscriptionId { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            AzsContext context = GetContextForCall(DefaultProfile);
            ClientHandle client = context.Client;
            // The script's `if ($CustomerSubscriptionId)`: PowerShell truth (an empty array, or
            // one empty string, lists everything).
            bool some = CustomerSubscriptionId != null && LanguagePrimitives.IsTrue(CustomerSubscriptionId);
            foreach (object reg in Registration)
            {
                if (Stopping) { return; }
                string regId, regName;
                if (!TryResolveRegistration(reg, out regId, out regName)) { continue; }
                if (some)
                {
                    foreach (string cust in CustomerSubscriptionId)
                    {
                        if (Stopping) { return; }
                        string custText = CheckCustomerSubscriptionId(cust ?? string.Empty);
                        if (string.IsNullOrEmpty(custText)) { continue; }
                        string json;
                        if (TryInvokeNative(() => Native.CustomerGet(client, regId, custText), out json, custText) && !string.IsNullOrEmpty(json))
                        {
                            object resource = JsonPs.Parse(json);
                            if (resource != null) { WriteObject(Output.CustomerSubscriptionObject(resource, regId)); }
                        }
                    }
                }
                else
                {
                    string listJson;
                    if (!TryInvokeNative(() => Native.CustomerList(client, regId), out listJson, regId)) { continue; }
                    foreach (object item in JsonPs.ParseItems(listJson))
                    {
                        if (Stopping) { return; }
                        if (item != null) { WriteObject(Output.CustomerSubscriptionObject(item, regId)); }
                    }
                }
            }
        }
    }
}
