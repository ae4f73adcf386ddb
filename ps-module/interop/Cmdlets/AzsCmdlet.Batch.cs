using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// The batch side of the base class (Register-, Unregister- and Sync-AzsCustomerSubscription):
    /// one native batch per command run, its results handed to the command as they come (on the
    /// pipeline thread), its progress as Write-Progress, Ctrl+C as azsreg_batch_cancel.
    /// </summary>
    public abstract partial class AzsCmdlet
    {
        // A Write-Progress id of its own, so that a caller's progress bars are left alone.
        private const int BatchProgressId = 0x4153;

        private volatile NativeBatch _activeBatch;
        private string _progressActivity;
        private bool _progressShown;

        /// <summary>Ctrl+C (or a stopped pipeline): cancels the running batch, from the engine's thread.</summary>
        protected override void StopProcessing()
        {
            NativeBatch batch = _activeBatch;
            if (batch != null) { batch.Cancel(); }
            base.StopProcessing();
        }

        /// <summary>
        /// A native batch on the client with throttleLimit requests in flight at most: each
        /// finished item's result JSON goes to onResult (after the library's log lines so far),
        /// each progress report to Write-Progress under activity. Terminating error when the
        /// batch cannot be made. Close it with CloseBatch.
        /// </summary>
        protected NativeBatch OpenBatch(ClientHandle client, int throttleLimit, string activity, Action<string> onResult)
        {
            if (onResult == null) { throw new ArgumentNullException("onResult"); }
            // every result comes through onResult: the run's JSON carries the counts only
            // (with the results it was a second copy of all of them, parsed again at the end)
            string options = "{\"concurrency\":" + throttleLimit.ToString(CultureInfo.InvariantCulture) + ",\"results\":false}";
            _progressActivity = activity;
            _progressShown = false;
            Action<string> results = json =>
            {
                LogEntry[] log = Native.DrainLog();
                if (Stopping) { return; }
                WriteNativeLog(log);
                onResult(json);
            };
            NativeBatch batch = InvokeNative(() => Native.NewBatch(client, options, results, WriteBatchProgress));
            _activeBatch = batch;
            return batch;
        }

        /// <summary>Frees the batch and completes its progress bar.</summary>
        protected void CloseBatch(NativeBatch batch)
        {
            _activeBatch = null;
            if (batch != null) { batch.Dispose(); }
            if (_progressShown && !Stopping)
            {
                _progressShown = false;
                var done = new ProgressRecord(BatchProgressId, _progressActivity ?? "Batch", Strings.BatchProgressDone);
                done.RecordType = ProgressRecordType.Completed;
                WriteProgress(done);
            }
        }

        /// <summary>
        /// Runs one call on an open batch (NativeBatch.Run or Sync) with the library's log on this
        /// command's streams. Returns the result (OK, Partial or Cancelled), or null with the
        /// failure that stopped the whole batch in `stopped` (not written: the caller knows what
        /// it was for). An exception of a result callback (such as -ErrorAction Stop turning an
        /// item's error into a stop) is thrown again here, after the batch was cancelled.
        /// </summary>
        protected NativeBatchResult RunOnBatch(Func<NativeBatchResult> call, out AzsNativeException stopped)
        {
            if (call == null) { throw new ArgumentNullException("call"); }
            stopped = null;
            bool levelSet = false;
            try
            {
                Native.SetThreadLogLevel(NativeLogLevel());
                levelSet = true;
                return call();
            }
            catch (AzsNativeException ex)
            {
                stopped = ex;
                return null;
            }
            finally
            {
                if (levelSet) { Native.SetThreadLogLevel(-1); }
                LogEntry[] log = Native.DrainLog();
                if (!Stopping) { WriteNativeLog(log); }
            }
        }

        /// <summary>
        /// Runs the items (azsreg_batch_run_json's JSON array) on an open batch and ends the run
        /// as every batch command does: when the whole batch stopped, onStopped gets the failure
        /// (each item not reported yet fails with it); a cancellation's error is written, then
        /// the verbose summary (neither while the pipeline is stopping).
        /// </summary>
        protected void RunBatchItems(NativeBatch batch, string itemsJson, Action<AzsNativeException> onStopped)
        {
            if (batch == null) { throw new ArgumentNullException("batch"); }
            if (onStopped == null) { throw new ArgumentNullException("onStopped"); }
            AzsNativeException stopped;
            NativeBatchResult result = RunOnBatch(() => batch.Run(itemsJson), out stopped);
            if (stopped != null)
            {
                onStopped(stopped);
                return;
            }
            if (result.Code == NativeBatch.Cancelled && !Stopping && result.Error != null)
            {
                WriteError(ErrorRecordFor(result.Error));
            }
            if (!Stopping) { WriteBatchSummary(result.Json); }
        }

        /// <summary>
        /// The non-terminating error of one failed batch item: built from its result JSON the
        /// way a single call's failure is (AzsNativeException: ErrorId = the ARM code, else the
        /// result name; category as NativeErrorCategory; the message with hint, request ID and
        /// correlation ID).
        /// </summary>
        protected ErrorRecord BatchItemErrorRecord(string resultJson, object target)
        {
            return ErrorRecordFor(AzsNativeException.FromBatchResult(resultJson), target);
        }

        /// <summary>
        /// A native call that does not write its failure: null on success (result set), else the
        /// ErrorRecord a single call would have written (for a failure shared by several items).
        /// </summary>
        protected ErrorRecord CallNative<T>(Func<T> call, object target, out T result)
        {
            return RunNative(call, target, null, out result);
        }

        /// <summary>The verbose summary of a batch from its summary JSON (azsreg_batch_run_json's out_json).</summary>
        protected void WriteBatchSummary(string summaryJson)
        {
            IDictionary<string, object> o = ParseObject(summaryJson);
            if (o == null) { return; }
            WriteVerbose(Strings.F(Strings.BatchSummary, MiniJson.Int(o, "succeeded"), MiniJson.Int(o, "total"), MiniJson.Int(o, "failed"),
                MiniJson.Int(o, "cancelled"), MiniJson.Int(o, "requests"), MiniJson.Int(o, "throttled"), Number(o, "elapsedMs") / 1000.0));
        }

        /// <summary>A JSON object of the library as a dictionary (MiniJson), or null.</summary>
        protected static IDictionary<string, object> ParseObject(string json)
        {
            if (string.IsNullOrEmpty(json)) { return null; }
            try
            {
                return MiniJson.Parse(json) as IDictionary<string, object>;
            }
            catch (FormatException)
            {
                return null;
            }
        }

        private static double Number(IDictionary<string, object> o, string name)
        {
            object v;
            return o != null && o.TryGetValue(name, out v) && v is double ? (double)v : 0.0;
        }

        // "N of M done, F failed, R/s, T throttled (429)" with the percentage and the time left.
        private void WriteBatchProgress(string json)
        {
            if (Stopping) { return; }
            IDictionary<string, object> o = ParseObject(json);
            if (o == null) { return; }
            double total = Number(o, "total");
            double failed = Number(o, "failed");
            double done = Number(o, "succeeded") + failed;
            double eta = Number(o, "etaMs");
            string status = Strings.F(Strings.BatchProgressStatus, done, total, failed, Number(o, "perSecond"), Number(o, "throttled"));
            var record = new ProgressRecord(BatchProgressId, _progressActivity ?? "Batch", status);
            record.PercentComplete = total > 0 ? (int)Math.Min(100.0, Math.Floor(done * 100.0 / total)) : 100;
            if (eta >= 0 && done < total) { record.SecondsRemaining = (int)Math.Min(int.MaxValue, Math.Ceiling(eta / 1000.0)); }
            WriteProgress(record);
            _progressShown = true;
        }
    }
}
