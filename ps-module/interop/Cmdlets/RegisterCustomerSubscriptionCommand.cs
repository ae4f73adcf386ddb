using System;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Register-AzsCustomerSubscription: PUT .../customerSubscriptions/{id} for every customer
    /// subscription and every registration given. Each failed item is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "AzsCustomerSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType("AzsRegistration.CustomerSubscription")]
    public sealed class RegisterCustomerSubscriptionCommand : AzsCmdlet
    {
        private AzsContext _context;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RegistrationId")]
        [ValidateNotNullOrEmpty]
        public object[] Registration { get; set; }

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SubscriptionId")]
        [ValidateNotNullOrEmpty]
        public string[] CustomerSubscriptionId { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("CustomerTenantId", "Tenant")]
        public string TenantId { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            if (_context == null) { _context = GetContextForCall(DefaultProfile); }
            ClientHandle client = _context.Client;
            string tenant = TenantId;
            if (IsBound("TenantId") && string.IsNullOrWhiteSpace(tenant))
            {
                // An empty tenant would send {"properties":{}} and erase the mapping's tenant:
                // refused before anything is sent. Leaving -TenantId out stays allowed.
                Fail(Strings.TenantIdBlank, "InvalidTenantId", ErrorCategory.InvalidArgument, TenantId ?? string.Empty);
                return;
            }
            if (string.IsNullOrEmpty(tenant))
            {
                tenant = null;
            }
            else
            {
                // The library's rule (azsreg_tenant_check, as the CLI's --tenant-id): a GUID or a
                // domain name, nothing trimmed.
                Native.InputDecision tenantDecision = Native.CheckTenant(tenant);
                if (!tenantDecision.Ok)
                {
                    Fail(Strings.F(Strings.TenantIdInvalid, tenantDecision.Message), "InvalidTenantId", ErrorCategory.InvalidArgument, TenantId);
                    return;
                }
            }
            foreach (object reg in Registration)
            {
                if (Stopping) { return; }
                string regId, regName;
                if (!TryResolveRegistration(reg, out regId, out regName)) { continue; }
                foreach (string cust in CustomerSubscriptionId)
                {
                    if (Stopping) { return; }
                    string custGiven = cust ?? string.Empty;
                    string custText = CheckCustomerSubscriptionId(custGiven);
                    if (string.IsNullOrEmpty(custText)) { continue; }
                    if (!string.Equals(custText, custGiven, StringComparison.Ordinal))
                    {
                        WriteVerbose(Strings.F(Strings.CustomerIdLowercase, custGiven, custText));
                    }
                    string target = Strings.F(Strings.TargetOnRegistration, custText, regName);
                    string shownTenant = tenant ?? "-";
                    if (!ShouldProcess(target, Strings.F(Strings.ActionRegister, custText, shownTenant))) { continue; }
                    string putRegId = regId;
                    string putCust = custText;
                    string putTenant = tenant;
                    string json;
                    if (TryInvokeNative(() => Native.CustomerPut(client, putRegId, putCust, putTenant), out json, custText) && !string.IsNullOrEmpty(json))
                    {
                        object resource = JsonPs.Parse(json);
                        if (resource != null) { WriteObject(Output.CustomerSubscriptionObject(resource, regId)); }
                    }
                }
            }
        }
    }
}
