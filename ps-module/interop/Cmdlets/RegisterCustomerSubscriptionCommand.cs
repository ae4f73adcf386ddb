using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Register-AzsCustomerSubscription: PUT .../customerSubscriptions/{id} for every customer
    /// subscription and every registration given. Each item is checked and confirmed
    /// (ShouldProcess) as it arrives; the approved ones are sent at the end as one native batch
    /// (-ThrottleLimit requests in flight), or as a single call when there is only one. Each
    /// failed item is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "AzsCustomerSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType("AzsRegistration.CustomerSubscription")]
    public sealed class RegisterCustomerSubscriptionCommand : AzsCmdlet
    {
        private AzsContext _context;
        private readonly List<QueuedItem> _queue = new List<QueuedItem>();
        private readonly Dictionary<string, QueuedItem> _queued = new Dictionary<string, QueuedItem>(StringComparer.OrdinalIgnoreCase);

        private sealed class QueuedItem
        {
            internal string RegistrationId;
            internal string RegistrationName;
            internal string CustomerSubscriptionId;
            internal string TenantId;   // as given (GUID or domain), null for none
            internal string SendTenant; // what the batch sends (a domain resolved to its GUID)
            internal bool Reported;
        }

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

        /// <summary>Requests in flight at most when several items are sent (the batch's concurrency).</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 16;

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            if (_context == null) { _context = GetContextForCall(DefaultProfile); }
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
                    Queue(regId, regName, custText, tenant);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_queue.Count == 0) { return; }
            if (_queue.Count == 1)
            {
                // One item: the single call, exactly as before batching.
                PutOne(_queue[0]);
                return;
            }
            ClientHandle client = _context.Client;
            List<QueuedItem> send = ResolveTenants(client);
            if (send.Count == 0 || Stopping) { return; }
            NativeBatch batch = OpenBatch(client, ThrottleLimit, Strings.RegisterActivity, json => OnResult(send, json));
            try
            {
                RunBatchItems(batch, ItemsJson(send), stopped =>
                {
                    // Nothing (or not everything) was sent: every item not reported fails with it.
                    foreach (QueuedItem item in send)
                    {
                        if (!item.Reported) { WriteError(ErrorRecordFor(stopped, item.CustomerSubscriptionId)); }
                    }
                });
            }
            finally
            {
                CloseBatch(batch);
            }
        }

        // The same customer twice for the same registration: the last one is sent (as the
        // serial loop's last PUT won), in the place of the first; the library refuses duplicates.
        private void Queue(string regId, string regName, string cust, string tenant)
        {
            string key = regId + "|" + cust;
            QueuedItem earlier;
            if (_queued.TryGetValue(key, out earlier))
            {
                earlier.TenantId = tenant;
                WriteVerbose(Strings.F(Strings.DuplicateRegister, cust, regName, tenant ?? "-"));
                return;
            }
            var item = new QueuedItem { RegistrationId = regId, RegistrationName = regName, CustomerSubscriptionId = cust, TenantId = tenant };
            _queued[key] = item;
            _queue.Add(item);
        }

        private void PutOne(QueuedItem item)
        {
            ClientHandle client = _context.Client;
            string regId = item.RegistrationId;
            string custText = item.CustomerSubscriptionId;
            string tenant = item.TenantId;
            string json;
            if (TryInvokeNative(() => Native.CustomerPut(client, regId, custText, tenant), out json, custText) && !string.IsNullOrEmpty(json))
            {
                object resource = JsonPs.Parse(json);
                if (resource != null) { WriteObject(Output.CustomerSubscriptionObject(resource, regId)); }
            }
        }

        // Each distinct tenant domain is resolved once, here, so that a domain that cannot be
        // resolved fails its own items (as single calls did) and not the whole batch.
        private List<QueuedItem> ResolveTenants(ClientHandle client)
        {
            var resolved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var failed = new Dictionary<string, ErrorRecord>(StringComparer.OrdinalIgnoreCase);
            var send = new List<QueuedItem>();
            foreach (QueuedItem item in _queue)
            {
                if (Stopping) { break; }
                string t = item.TenantId;
                if (t == null || Native.CheckGuid(t, Strings.WhatTenant).Ok)
                {
                    item.SendTenant = t;
                    send.Add(item);
                    continue;
                }
                string guid;
                ErrorRecord failure;
                if (!resolved.TryGetValue(t, out guid) && !failed.TryGetValue(t, out failure))
                {
                    string domain = t;
                    failure = CallNative(() => Native.TenantResolve(client, domain), null, out guid);
                    if (failure != null) { failed[t] = failure; }
                    else { resolved[t] = guid; }
                }
                if (failed.TryGetValue(t, out failure))
                {
                    WriteError(ErrorRecordFor(failure.Exception, item.CustomerSubscriptionId));
                    continue;
                }
                item.SendTenant = resolved[t];
                send.Add(item);
            }
            return send;
        }

        private static string ItemsJson(List<QueuedItem> items)
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < items.Count; i++)
            {
                QueuedItem item = items[i];
                if (i > 0) { sb.Append(','); }
                sb.Append("{\"action\":\"put\",\"registrationId\":").Append(MiniJson.Quote(item.RegistrationId))
                  .Append(",\"customerSubscriptionId\":").Append(MiniJson.Quote(item.CustomerSubscriptionId))
                  .Append(",\"tenantId\":").Append(MiniJson.Quote(item.SendTenant)).Append('}');
            }
            return sb.Append(']').ToString();
        }

        // One finished item (on the pipeline thread): its object, or its error.
        private void OnResult(List<QueuedItem> send, string json)
        {
            object r = JsonPs.Parse(json);
            int index = LanguagePrimitives.ConvertTo<int>(JsonPs.Member(r, "index"));
            if (index < 0 || index >= send.Count) { return; }
            QueuedItem item = send[index];
            item.Reported = true;
            if (JsonPs.ToPsString(JsonPs.Member(r, "code")) != "AZSREG_OK")
            {
                WriteError(BatchItemErrorRecord(json, item.CustomerSubscriptionId));
                return;
            }
            object resource = JsonPs.Member(r, "resource");
            if (resource != null) { WriteObject(Output.CustomerSubscriptionObject(resource, item.RegistrationId)); }
        }
    }
}
