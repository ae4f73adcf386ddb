using System.Collections.Generic;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Set-AzureRmContext (alias Select-AzureRmSubscription): picks the subscription (GET
    /// /subscriptions on the context's client; the native client and its token are shared, so
    /// no new sign-in), or another tenant (a new client from the same credential), or makes a
    /// context object current (-Context).
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "AzureRmContext", DefaultParameterSetName = SubscriptionSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Select-AzureRmSubscription")]
    [OutputType(typeof(AzsContext))]
    public sealed class SetContextCommand : AzsCmdlet
    {
        public const string SubscriptionSet = "Subscription";
        public const string TenantSet = "Tenant";
        public const string ContextSet = "Context";

        private const string Action = "Set the current context";

        [Parameter(ParameterSetName = SubscriptionSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("SubscriptionId", "SubscriptionName")]
        [ValidateNotNullOrEmpty]
        public string Subscription { get; set; }

        [Parameter(ParameterSetName = SubscriptionSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = TenantSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Domain", "Tenant")]
        [ValidateNotNullOrEmpty]
        public string TenantId { get; set; }

        [Parameter(ParameterSetName = ContextSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        public AzsContext Context { get; set; }

        [Parameter]
        public string Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        [ValidateSet("Process", "CurrentUser")]
        public string Scope { get; set; } = "Process";

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == ContextSet)
            {
                SetFromContext();
                return;
            }

            AzsContext baseContext = GetContextForCall(DefaultProfile);
            AzsContext work = baseContext.CloneWith(baseContext.Name, baseContext.SubscriptionId, baseContext.SubscriptionName);

            // A client made for another tenant belongs to the new context only once it is stored:
            // -WhatIf, a declined prompt or a failed lookup dispose it at once.
            ClientHandle createdClient = null;
            bool committed = false;
            try
            {
                if (!string.IsNullOrEmpty(TenantId))
                {
                    string tenant;
                    // A GUID by the library's rule (azsreg_guid_normalize), else a domain name to resolve.
                    Native.InputDecision tenantGuid = Native.CheckGuid(TenantId, Strings.WhatTenantId);
                    if (!tenantGuid.Ok)
                    {
                        ClientHandle client0 = baseContext.Client;
                        string domain = TenantId;
                        tenant = InvokeNative(() => Native.TenantResolve(client0, domain));
                        WriteVerbose(Strings.F(Strings.TenantResolved, TenantId, tenant));
                    }
                    else
                    {
                        tenant = tenantGuid.Value;
                    }
                    if (!ContextCommon.PsEquals(tenant, baseContext.TenantId))
                    {
                        if (baseContext.Credential == null || baseContext.Credential.IsClosed)
                        {
                            Stop(Strings.TenantSwitchNotPossible, "TenantSwitchNotPossible", ErrorCategory.InvalidOperation, TenantId);
                        }
                        string optionsJson = ClientOptionsJson(baseContext.EnvironmentJson, tenant);
                        CredentialHandle cred = baseContext.Credential;
                        createdClient = InvokeNative(() => Native.NewClient(optionsJson, cred));
                        work.Client = createdClient;
                        work.ClientOptionsJson = Native.Redact(optionsJson);
                        ClientHandle newClient = work.Client;
                        InvokeNative(() => Native.SignIn(newClient));
                    }
                    work.TenantId = tenant;
                    work.SubscriptionId = null;
                    work.SubscriptionName = null;
                }

                if (!string.IsNullOrEmpty(Subscription))
                {
                    List<PSObject> subs = GetSubscriptionList(work) ?? new List<PSObject>();
                    PSObject chosen = SelectSubscription(subs, Subscription, work.TenantId);
                    work.SubscriptionId = JsonPs.ToPsString(JsonPs.Member(chosen, "Id"));
                    work.SubscriptionName = JsonPs.ToPsString(JsonPs.Member(chosen, "Name"));
                }
                else if (ParameterSetName == TenantSet)
                {
                    List<PSObject> subs = GetSubscriptionList(work) ?? new List<PSObject>();
                    PSObject chosen = SelectSubscription(subs, null, work.TenantId);
                    if (chosen != null)
                    {
                        work.SubscriptionId = JsonPs.ToPsString(JsonPs.Member(chosen, "Id"));
                        work.SubscriptionName = JsonPs.ToPsString(JsonPs.Member(chosen, "Name"));
                    }
                }

                if (!string.IsNullOrEmpty(Name)) { work.Name = Name; }
                else if (!string.IsNullOrEmpty(work.SubscriptionId)) { work.Name = Strings.F(Strings.ContextNameWithSubscription, work.SubscriptionName, work.SubscriptionId, work.Account); }
                else { work.Name = Strings.F(Strings.ContextNameWithoutSubscription, work.Account, work.TenantId); }

                if (ShouldProcess(work.Name, Action))
                {
                    if (!string.IsNullOrEmpty(work.SubscriptionId)) { WriteVerbose(Strings.F(Strings.SubscriptionSelected, work.SubscriptionId, work.SubscriptionName)); }
                    ContextStore.Set(work);
                    ContextStore.Current = work;
                    committed = true;
                    WriteObject(work);
                }
            }
            finally
            {
                if (!committed && createdClient != null) { createdClient.Dispose(); }
            }
        }

        private void SetFromContext()
        {
            AzsContext context = Context;
            if (!ShouldProcess(context.Name, Action)) { return; }
            if (!string.IsNullOrEmpty(Name)) { context = context.CloneWith(Name, context.SubscriptionId, context.SubscriptionName); }
            if (!string.IsNullOrEmpty(context.Name)) { ContextStore.Set(context); }
            ContextStore.Current = context;
            WriteObject(context);
        }
    }
}
