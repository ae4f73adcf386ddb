using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Sync-AzsCustomerSubscription: makes registrations hold what a list says (a CSV or
    /// JSON-lines file read by the library's parser, or objects from the pipeline), with as few
    /// writes as possible. Checks all input first (nothing is sent when any of it is bad), plans
    /// with a dry run of azsreg_sync_json (lists each registration, sends no write), asks
    /// ShouldProcess per planned action (-WhatIf returns the plan), then sends the approved
    /// creates, updates and, with -Prune, deletes as one native batch.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "AzsCustomerSubscription", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
        DefaultParameterSetName = PathSet)]
    [OutputType("AzsRegistration.SyncResult", "AzsRegistration.SyncPlanItem")]
    public sealed class SyncCustomerSubscriptionCommand : AzsCmdlet
    {
        public const string PathSet = "Path";
        public const string InputObjectSet = "InputObject";

        private const uint SkipBadRowsFlag = 0x1;

        private readonly List<string> _regIds = new List<string>();
        private readonly List<string> _regNames = new List<string>();
        private readonly List<Entry> _entries = new List<Entry>();
        private readonly Dictionary<string, Entry> _byKey = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
        private int _problems;
        private List<PlanItem> _approved;

        private sealed class Entry
        {
            internal string CustomerSubscriptionId;
            internal string TenantId;       // GUID or domain; null: any
            internal string RegistrationId;
        }

        private sealed class PlanItem
        {
            internal string Action;         // create, update, delete
            internal string Registration;
            internal string RegistrationId;
            internal string CustomerSubscriptionId;
            internal string TenantId;
            internal string CurrentTenantId;
            internal bool Reported;
        }

        [Parameter(Mandatory = true)]
        [Alias("RegistrationId")]
        [ValidateNotNullOrEmpty]
        public object[] Registration { get; set; }

        [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        public PSObject[] InputObject { get; set; }

        [Parameter(ParameterSetName = PathSet)]
        public SwitchParameter SkipBadRows { get; set; }

        [Parameter]
        public SwitchParameter Prune { get; set; }

        [Parameter]
        [ValidateRange(1, 256)]
        public int ThrottleLimit { get; set; } = 16;

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void BeginProcessing()
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (object reg in Registration)
            {
                string regId, regName;
                if (!TryResolveRegistration(reg, out regId, out regName))
                {
                    _problems++;
                    continue;
                }
                if (!seen.Add(regId)) { continue; }
                _regIds.Add(regId);
                _regNames.Add(regName);
            }
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != InputObjectSet || InputObject == null) { return; }
            foreach (PSObject o in InputObject)
            {
                if (Stopping) { return; }
                AddObject(o);
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == PathSet) { ReadFile(); }
            if (_problems > 0)
            {
                Stop(Strings.F(Strings.SyncNothingSent, _problems), "InvalidInput", ErrorCategory.InvalidData);
            }
            if (_entries.Count == 0)
            {
                if (Prune.IsPresent) { Stop(Strings.SyncPruneEmpty, "EmptyInput", ErrorCategory.InvalidData); }
                WriteVerbose(Strings.F(Strings.SyncNothingToDo, _regIds.Count, 0));
                return;
            }
            AzsContext context = GetContextForCall(DefaultProfile);
            NativeBatch batch = OpenBatch(context.Client, ThrottleLimit, Strings.SyncActivity, OnResult);
            try
            {
                List<PlanItem> plan = DryRun(batch);
                if (plan == null || Stopping) { return; }
                bool whatIf = AzsHelpers.IsWhatIf(this);
                _approved = new List<PlanItem>();
                foreach (PlanItem p in plan)
                {
                    if (Stopping) { return; }
                    string target = Strings.F(Strings.TargetOnRegistration, p.CustomerSubscriptionId, p.Registration);
                    bool approved = ShouldProcess(target, ActionText(p));
                    if (whatIf) { WriteObject(PlanObject(p)); }
                    else if (approved) { _approved.Add(p); }
                }
                if (whatIf || _approved.Count == 0) { return; }
                RunBatchItems(batch, ItemsJson(_approved), stopped =>
                {
                    // every approved change not reported: its result object and the failure
                    foreach (PlanItem p in _approved)
                    {
                        if (p.Reported) { continue; }
                        WriteObject(ResultObject(p, stopped.HttpStatus, false, stopped.ErrorId, stopped.RequestId, stopped.NativeMessage));
                        WriteError(ErrorRecordFor(stopped, p.CustomerSubscriptionId));
                    }
                });
            }
            finally
            {
                CloseBatch(batch);
            }
        }

        // ---- input ------------------------------------------------------------------------

        // One pipeline object: CustomerSubscriptionId (or SubscriptionId; a string is the ID
        // itself), optional TenantId, optional Registration (ID, name or registration object).
        private void AddObject(PSObject o)
        {
            if (o == null) { return; }
            object baseObject = o.BaseObject;
            object cust = baseObject is string ? baseObject : JsonPs.Member(o, "CustomerSubscriptionId");
            if (cust == null || JsonPs.ToPsString(cust).Length == 0) { cust = JsonPs.Member(o, "SubscriptionId"); }
            string custGiven = JsonPs.ToPsString(cust);
            if (custGiven.Length == 0)
            {
                Problem(Strings.F(Strings.SyncObjectNoCustomer, baseObject == null ? "null" : baseObject.GetType().FullName), "InvalidInputObject", o);
                return;
            }
            Native.InputDecision custDecision = Native.CheckGuid(custGiven, Strings.WhatCustomerSubscriptionId);
            if (!custDecision.Ok)
            {
                Problem(Strings.F(Strings.CustomerIdInvalid, custDecision.Message), "InvalidCustomerSubscriptionId", custGiven);
                return;
            }
            string tenant = baseObject is string ? null : JsonPs.ToPsString(JsonPs.Member(o, "TenantId"));
            if (string.IsNullOrEmpty(tenant))
            {
                tenant = null;
            }
            else
            {
                Native.InputDecision tenantDecision = Native.CheckTenant(tenant);
                if (!tenantDecision.Ok)
                {
                    Problem(Strings.F(Strings.SyncTenantInvalid, custDecision.Value, tenantDecision.Message), "InvalidTenantId", tenant);
                    return;
                }
            }
            object reg = baseObject is string ? null : JsonPs.Member(o, "Registration");
            int regIndex = -1;
            if (reg != null && JsonPs.ToPsString(reg).Length > 0)
            {
                string why;
                regIndex = FindRegistration(reg, out why);
                if (regIndex < 0)
                {
                    Problem(why, "InvalidRegistration", reg);
                    return;
                }
            }
            AddEntry(custDecision.Value, tenant, regIndex);
        }

        // -Path: the library's parser. Every bad or repeated row is its own error (or, with
        // -SkipBadRows, a warning); a file that cannot be read at all is a terminating error.
        private void ReadFile()
        {
            string file = ResolveFile(Path);
            byte[] bytes = File.ReadAllBytes(file);
            uint flags = SkipBadRows.IsPresent ? Native.InputSkipBadRows : 0u;
            int rc = 0;
            string json;
            ErrorRecord failure = CallNative(() =>
            {
                string parsed;
                rc = Native.InputParse(bytes, Native.InputFormatAuto, flags, out parsed);
                return parsed;
            }, Path, out json);
            if (failure != null)
            {
                var native = failure.Exception as AzsNativeException;
                if (native != null && native.ResultName == "AZSREG_EINVALID")
                {
                    Stop(Strings.F(Strings.SyncFileUnusable, Path, native.NativeMessage), "InvalidInputFile", ErrorCategory.InvalidData, Path);
                }
                ThrowTerminatingError(failure);
            }
            IDictionary<string, object> o = ParseObject(json);
            if (o == null) { return; }
            // With -SkipBadRows the library succeeds unless the file as a whole is unusable.
            bool skip = SkipBadRows.IsPresent && rc == 0;
            int listed = 0;
            foreach (IDictionary<string, object> e in Objects(o, "errors"))
            {
                listed++;
                BadRow(skip, Strings.F(Strings.SyncBadRow, MiniJson.Int(e, "line"), MiniJson.Str(e, "message")));
            }
            foreach (IDictionary<string, object> d in Objects(o, "duplicates"))
            {
                listed++;
                BadRow(skip, Strings.F(Strings.SyncDuplicateRow, MiniJson.Int(d, "line"), MiniJson.Int(d, "firstLine"), MiniJson.Str(d, "customerSubscriptionId")));
            }
            // The lists stop at 1000 entries each; the counts are complete.
            int unlisted = MiniJson.Int(o, "errorCount") + MiniJson.Int(o, "duplicateCount") - listed;
            if (unlisted > 0 && !skip) { _problems += unlisted; }
            foreach (IDictionary<string, object> row in Objects(o, "rows"))
            {
                int line = MiniJson.Int(row, "line");
                // The parser has checked and lowercased the ID; the module's rule is the same function.
                Native.InputDecision custDecision = Native.CheckGuid(MiniJson.Str(row, "customerSubscriptionId"), Strings.WhatCustomerSubscriptionId);
                if (!custDecision.Ok)
                {
                    BadRow(false, Strings.F(Strings.SyncBadRow, line, custDecision.Message));
                    continue;
                }
                string tenant = MiniJson.Str(row, "tenantId");
                string reg = MiniJson.Str(row, "registration");
                int regIndex = -1;
                if (reg.Length > 0)
                {
                    string why;
                    regIndex = FindRegistration(reg, out why);
                    if (regIndex < 0)
                    {
                        BadRow(false, Strings.F(Strings.SyncBadRow, line, why));
                        continue;
                    }
                }
                AddEntry(custDecision.Value, tenant.Length > 0 ? tenant : null, regIndex);
            }
        }

        private void BadRow(bool skip, string message)
        {
            if (skip)
            {
                WriteWarning(Strings.F(Strings.SyncBadRowSkipped, message));
                return;
            }
            Problem(message, "InvalidInputRow", Path);
        }

        private string ResolveFile(string path)
        {
            ProviderInfo provider = null;
            string file = null;
            try
            {
                var found = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                if (found.Count == 1) { file = found[0]; }
            }
            catch (ItemNotFoundException)
            {
                file = null;
            }
            if (file == null || !File.Exists(file))
            {
                if (file != null && provider != null && provider.Name != "FileSystem")
                {
                    Stop(Strings.F(Strings.SyncPathNotFile, path), "PathNotFile", ErrorCategory.InvalidArgument, path);
                }
                Stop(Strings.F(Strings.SyncPathNotFound, path), "PathNotFound", ErrorCategory.ObjectNotFound, path);
            }
            return file;
        }

        private static IEnumerable<IDictionary<string, object>> Objects(IDictionary<string, object> o, string name)
        {
            object v;
            var list = o.TryGetValue(name, out v) ? v as List<object> : null;
            if (list == null) { yield break; }
            foreach (object item in list)
            {
                var d = item as IDictionary<string, object>;
                if (d != null) { yield return d; }
            }
        }

        private void Problem(string message, string errorId, object target)
        {
            _problems++;
            Fail(message, errorId, ErrorCategory.InvalidArgument, target);
        }

        // The index in -Registration of a registration given by resource ID, name or object; -1 and why otherwise.
        private int FindRegistration(object reg, out string why)
        {
            why = null;
            object value = reg is PSObject ? ((PSObject)reg).BaseObject : reg;
            string text = value as string;
            string id = text == null || Native.CheckRegistrationId(text).Ok ? Output.ResolveRegistrationId(reg) : null;
            int found = -1;
            for (int i = 0; i < _regIds.Count; i++)
            {
                bool match = id != null
                    ? string.Equals(_regIds[i], id, StringComparison.OrdinalIgnoreCase)
                    : text != null && string.Equals(_regNames[i], text, StringComparison.OrdinalIgnoreCase);
                if (!match) { continue; }
                if (found >= 0)
                {
                    why = Strings.F(Strings.SyncRegistrationAmbiguous, text, string.Join(Strings.ListSeparator, _regIds.ToArray()));
                    return -1;
                }
                found = i;
            }
            if (found < 0)
            {
                why = Strings.F(Strings.SyncRegistrationNotGiven, text ?? id ?? JsonPs.ToPsString(reg), string.Join(Strings.ListSeparator, _regNames.ToArray()));
            }
            return found;
        }

        // One wanted mapping per registration it applies to; the same customer twice for a
        // registration: the last one is used (said as a warning when the tenants differ).
        private void AddEntry(string cust, string tenant, int regIndex)
        {
            for (int i = 0; i < _regIds.Count; i++)
            {
                if (regIndex >= 0 && i != regIndex) { continue; }
                string key = _regIds[i] + "|" + cust;
                Entry earlier;
                if (_byKey.TryGetValue(key, out earlier))
                {
                    string message = Strings.F(Strings.SyncDuplicateEntry, cust, _regNames[i], earlier.TenantId ?? "-", tenant ?? "-");
                    if (string.Equals(earlier.TenantId, tenant, StringComparison.OrdinalIgnoreCase)) { WriteVerbose(message); }
                    else { WriteWarning(message); }
                    earlier.TenantId = tenant;
                    continue;
                }
                var e = new Entry { CustomerSubscriptionId = cust, TenantId = tenant, RegistrationId = _regIds[i] };
                _byKey[key] = e;
                _entries.Add(e);
            }
        }

        // ---- plan -------------------------------------------------------------------------

        // The dry run: lists each registration and compares; no write. Terminating on failure.
        private List<PlanItem> DryRun(NativeBatch batch)
        {
            var sb = new StringBuilder("{\"registrations\":[");
            for (int i = 0; i < _regIds.Count; i++)
            {
                if (i > 0) { sb.Append(','); }
                sb.Append(MiniJson.Quote(_regIds[i]));
            }
            sb.Append("],\"entries\":[");
            for (int i = 0; i < _entries.Count; i++)
            {
                Entry e = _entries[i];
                if (i > 0) { sb.Append(','); }
                sb.Append("{\"customerSubscriptionId\":").Append(MiniJson.Quote(e.CustomerSubscriptionId))
                  .Append(",\"tenantId\":").Append(MiniJson.Quote(e.TenantId))
                  .Append(",\"registration\":").Append(MiniJson.Quote(e.RegistrationId)).Append('}');
            }
            sb.Append("],\"prune\":").Append(Prune.IsPresent ? "true" : "false").Append(",\"dryRun\":true}");
            string request = sb.ToString();
            AzsNativeException stopped;
            NativeBatchResult result = RunOnBatch(() => batch.Sync(request), out stopped);
            if (stopped != null) { ThrowTerminatingError(ErrorRecordFor(stopped)); }
            IDictionary<string, object> o = ParseObject(result.Json);
            var plan = new List<PlanItem>();
            if (o == null) { return plan; }
            foreach (IDictionary<string, object> p in Objects(o, "plan"))
            {
                plan.Add(new PlanItem
                {
                    Action = MiniJson.Str(p, "action"),
                    Registration = MiniJson.Str(p, "registration"),
                    RegistrationId = MiniJson.Str(p, "registrationId"),
                    CustomerSubscriptionId = MiniJson.Str(p, "customerSubscriptionId"),
                    TenantId = NullIfEmpty(MiniJson.Str(p, "tenantId")),
                    CurrentTenantId = NullIfEmpty(MiniJson.Str(p, "currentTenantId")),
                });
            }
            if (plan.Count == 0)
            {
                WriteVerbose(Strings.F(Strings.SyncNothingToDo, _regIds.Count, MiniJson.Int(o, "unchanged")));
            }
            else
            {
                WriteVerbose(Strings.F(Strings.SyncPlanned, MiniJson.Int(o, "creates"), MiniJson.Int(o, "updates"), MiniJson.Int(o, "deletes"), MiniJson.Int(o, "unchanged")));
            }
            return plan;
        }

        private static string NullIfEmpty(string s)
        {
            return string.IsNullOrEmpty(s) ? null : s;
        }

        private static string ActionText(PlanItem p)
        {
            switch (p.Action)
            {
                case "update": return Strings.F(Strings.SyncActionUpdate, p.CurrentTenantId ?? "-", p.TenantId ?? "-");
                case "delete": return Strings.SyncActionDelete;
                default: return Strings.SyncActionCreate;
            }
        }

        // "create" -> "Create": the values of the Action property.
        private static string ActionName(string action)
        {
            if (string.IsNullOrEmpty(action)) { return action; }
            return char.ToUpperInvariant(action[0]) + action.Substring(1);
        }

        private static string ItemsJson(List<PlanItem> items)
        {
            var sb = new StringBuilder("[");
            for (int i = 0; i < items.Count; i++)
            {
                PlanItem p = items[i];
                if (i > 0) { sb.Append(','); }
                bool delete = p.Action == "delete";
                sb.Append("{\"action\":").Append(delete ? "\"delete\"" : "\"put\"")
                  .Append(",\"registrationId\":").Append(MiniJson.Quote(p.RegistrationId))
                  .Append(",\"customerSubscriptionId\":").Append(MiniJson.Quote(p.CustomerSubscriptionId));
                if (!delete) { sb.Append(",\"tenantId\":").Append(MiniJson.Quote(p.TenantId)); }
                sb.Append('}');
            }
            return sb.Append(']').ToString();
        }

        // ---- output -----------------------------------------------------------------------

        private static PSObject PlanObject(PlanItem p)
        {
            PSObject o = Output.NewObject("AzsRegistration.SyncPlanItem");
            Output.AddNote(o, "Action", ActionName(p.Action));
            Output.AddNote(o, "Registration", p.Registration);
            Output.AddNote(o, "RegistrationId", p.RegistrationId);
            Output.AddNote(o, "CustomerSubscriptionId", p.CustomerSubscriptionId);
            Output.AddNote(o, "TenantId", p.TenantId);
            Output.AddNote(o, "CurrentTenantId", p.CurrentTenantId);
            return o;
        }

        private static PSObject ResultObject(PlanItem p, int status, bool succeeded, string errorCode, string requestId, string message)
        {
            PSObject o = Output.NewObject("AzsRegistration.SyncResult");
            Output.AddNote(o, "Action", ActionName(p.Action));
            Output.AddNote(o, "Registration", p.Registration);
            Output.AddNote(o, "CustomerSubscriptionId", p.CustomerSubscriptionId);
            Output.AddNote(o, "TenantId", p.TenantId);
            Output.AddNote(o, "Status", status);
            Output.AddNote(o, "Succeeded", succeeded);
            Output.AddNote(o, "ErrorCode", succeeded ? null : errorCode);
            Output.AddNote(o, "RequestId", string.IsNullOrEmpty(requestId) ? null : requestId);
            Output.AddNote(o, "Message", succeeded || string.IsNullOrEmpty(message) ? null : message);
            return o;
        }

        // One finished write (on the pipeline thread): its SyncResult, and a failure also as an error.
        private void OnResult(string json)
        {
            IDictionary<string, object> r = ParseObject(json);
            if (r == null || _approved == null) { return; }
            int index = MiniJson.Int(r, "index");
            if (index < 0 || index >= _approved.Count) { return; }
            PlanItem p = _approved[index];
            p.Reported = true;
            bool ok = MiniJson.Str(r, "code") == "AZSREG_OK";
            if (ok)
            {
                WriteObject(ResultObject(p, MiniJson.Int(r, "status"), true, null, MiniJson.Str(r, "requestId"), null));
                return;
            }
            AzsNativeException failure = AzsNativeException.FromBatchResult(json);
            WriteObject(ResultObject(p, MiniJson.Int(r, "status"), false, failure.ErrorId, failure.RequestId, failure.NativeMessage));
            WriteError(ErrorRecordFor(failure, p.CustomerSubscriptionId));
        }
    }
}
