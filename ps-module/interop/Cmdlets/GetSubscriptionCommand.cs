using System.Collections.Generic;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Get-AzureRmSubscription: GET /subscriptions?api-version=2016-06-01 (all pages) with the
    /// context's client, filtered by -TenantId, -SubscriptionId or -SubscriptionName; a
    /// subscription asked for that is not there is the non-terminating SubscriptionNotFound.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzureRmSubscription", DefaultParameterSetName = ListByIdInTenantSet)]
    [OutputType("AzsRegistration.Subscription")]
    public sealed class GetSubscriptionCommand : AzsCmdlet
    {
        public const string ListByIdInTenantSet = "ListByIdInTenant";
        public const string ListByNameInTenantSet = "ListByNameInTenant";

        [Parameter(ParameterSetName = ListByIdInTenantSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SubscriptionId { get; set; }

        [Parameter(ParameterSetName = ListByNameInTenantSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SubscriptionName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Domain", "Tenant")]
        public string TenantId { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            AzsContext context = GetContextForCall(DefaultProfile);
            List<PSObject> subs = GetSubscriptionList(context) ?? new List<PSObject>();
            if (!string.IsNullOrEmpty(TenantId))
            {
                subs = subs.FindAll(s => ContextCommon.PsEquals(JsonPs.ToPsString(JsonPs.Member(s, "TenantId")), TenantId));
            }
            if (!string.IsNullOrEmpty(SubscriptionId))
            {
                subs = subs.FindAll(s => ContextCommon.PsEquals(JsonPs.ToPsString(JsonPs.Member(s, "Id")), SubscriptionId));
                if (subs.Count == 0)
                {
                    Fail(Strings.F(Strings.SubscriptionNotFound, SubscriptionId, context.TenantId, "-"), "SubscriptionNotFound", ErrorCategory.ObjectNotFound, SubscriptionId);
                }
            }
            if (!string.IsNullOrEmpty(SubscriptionName))
            {
                subs = subs.FindAll(s => ContextCommon.PsEquals(JsonPs.ToPsString(JsonPs.Member(s, "Name")), SubscriptionName));
                if (subs.Count == 0)
                {
                    Fail(Strings.F(Strings.SubscriptionNotFound, SubscriptionName, context.TenantId, "-"), "SubscriptionNotFound", ErrorCategory.ObjectNotFound, SubscriptionName);
                }
            }
            foreach (PSObject s in subs) { WriteObject(s); }
        }
    }
}
