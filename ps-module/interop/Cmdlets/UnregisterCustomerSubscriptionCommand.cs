using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Unregister-AzsCustomerSubscription: DELETE .../customerSubscriptions/{id}. Confirms
    /// (ConfirmImpact High) unless -Force or -Confirm:$false; a host that cannot prompt needs
    /// -Force (ConfirmationRequiresForce). Each item is checked and confirmed as it arrives;
    /// the approved ones are sent at the end as one native batch (-ThrottleLimit requests in
    /// flight), or as a single call when there is only one. Each failed item is a
    /// non-terminating error.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Unregister, "AzsCustomerSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class UnregisterCustomerSubscriptionCommand : AzsCmdlet
    {
        private AzsContext _context;
        private bool _skipPrompt;
        private readonly List<QueuedItem> _queue = new List<QueuedItem>();
        private readonly HashSet<string> _queued = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        private sealed class QueuedItem
        {
            internal string RegistrationId;
            internal string RegistrationName;
            internal string CustomerSubscriptionId;
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

        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Requests in flight at most when several items are sent (the batch's concurrency).</summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 16;

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
                    // The same customer twice for the same registration: removed once (the library refuses duplicates).
                    if (!_queued.Add(regId + "|" + custText))
                    {
                        WriteVerbose(Strings.F(Strings.DuplicateUnregister, custText, regName));
                        continue;
                    }
                    _queue.Add(new QueuedItem { RegistrationId = regId, RegistrationName = regName, CustomerSubscriptionId = custText });
                }
            }
        }

        protected override void EndProcessing()
        {
            if (_queue.Count == 0) { return; }
            if (_queue.Count == 1)
            {
                // One item: the single call, exactly as before batching.
                DeleteOne(_queue[0]);
                return;
            }
            NativeBatch batch = OpenBatch(_context.Client, ThrottleLimit, Strings.UnregisterActivity, OnResult);
            try
            {
                RunBatchItems(batch, ItemsJson(), stopped =>
                {
                    // Nothing (or not everything) was sent: every item not reported fails with it.
                    foreach (QueuedItem item in _queue)
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

        private void DeleteOne(QueuedItem item)
        {
            ClientHandle client = _context.Client;
            string regId = item.RegistrationId;
            string custText = item.CustomerSubscriptionId;
            bool existed;
            if (TryInvokeNative(() => Native.CustomerDelete(client, regId, custText), out existed, custText) && !existed)
            {
                WriteVerbose(Strings.F(Strings.NotRemoved, custText, item.RegistrationName));
            }
        }

        private string ItemsJson()
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < _queue.Count; i++)
            {
                if (i > 0) { sb.Append(','); }
                sb.Append("{\"action\":\"delete\",\"registrationId\":").Append(MiniJson.Quote(_queue[i].RegistrationId))
                  .Append(",\"customerSubscriptionId\":").Append(MiniJson.Quote(_queue[i].CustomerSubscriptionId)).Append('}');
            }
            return sb.Append(']').ToString();
        }

        // One finished item (on the pipeline thread): the 204 note, or its error.
        private void OnResult(string json)
        {
            object r = JsonPs.Parse(json);
            int index = LanguagePrimitives.ConvertTo<int>(JsonPs.Member(r, "index"));
            if (index < 0 || index >= _queue.Count) { return; }
            QueuedItem item = _queue[index];
            item.Reported = true;
            if (JsonPs.ToPsString(JsonPs.Member(r, "code")) != "AZSREG_OK")
            {
                WriteError(BatchItemErrorRecord(json, item.CustomerSubscriptionId));
                return;
            }
            if (!LanguagePrimitives.IsTrue(JsonPs.Member(r, "existed")))
            {
                WriteVerbose(Strings.F(Strings.NotRemoved, item.CustomerSubscriptionId, item.RegistrationName));
            }
        }
    }
}
