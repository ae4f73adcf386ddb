using System;
using System.Runtime.ExceptionServices;

namespace AzsRegistration.Interop
{
    /// <summary>
    /// What a batch run (or a sync) ended with: AZSREG_OK, AZSREG_EPARTIAL (some items failed;
    /// each item's result says why) or AZSREG_ECANCELLED, with the library's JSON. Other
    /// failures are thrown (AzsNativeException), as every other call does.
    /// </summary>
    public sealed class NativeBatchResult
    {
        internal NativeBatchResult(int code, string json, AzsNativeException error)
        {
            Code = code;
            Json = json ?? string.Empty;
            Error = error;
        }

        /// <summary>0, NativeBatch.Partial or NativeBatch.Cancelled.</summary>
        public int Code { get; private set; }

        /// <summary>The summary JSON of azsreg_batch_run_json, or the result of azsreg_sync_json.</summary>
        public string Json { get; private set; }

        /// <summary>For Partial and Cancelled: what the library said (how many items failed, the first); else null.</summary>
        public AzsNativeException Error { get; private set; }
    }

    /// <summary>
    /// An azsreg_batch made with azsreg_batch_new_json on a client, with the callbacks of one
    /// caller: each finished item's result JSON and each progress report go to the given
    /// actions, on the thread that runs the batch (a cmdlet's pipeline thread: WriteObject and
    /// WriteError are fine there). The delegates handed to native code are fields of this
    /// object, alive as long as it is. An exception thrown by an action never crosses into
    /// native code: it cancels the batch, later callbacks are skipped, and it is thrown again
    /// when the run returns. One run at a time; Cancel may be called from any thread.
    /// </summary>
    public sealed class NativeBatch : IDisposable
    {
        /// <summary>AZSREG_ECANCELLED.</summary>
        public const int Cancelled = -12;

        /// <summary>AZSREG_EPARTIAL.</summary>
        public const int Partial = -13;

        private readonly BatchHandle _handle;
        private readonly Action<string> _onResult;
        private readonly Action<string> _onProgress;
        private readonly BatchJsonCallback _resultCb;
        private readonly BatchJsonCallback _progressCb;
        private ExceptionDispatchInfo _failure;

        internal NativeBatch(ClientHandle client, string optionsJson, Action<string> onResult, Action<string> onProgress)
        {
            if (client == null) { throw new ArgumentNullException("client"); }
            _onResult = onResult;
            _onProgress = onProgress;
            _resultCb = OnResult;
            _progressCb = OnProgress;
            BatchHandle h;
            int rc = NativeMethods.azsreg_batch_new_json(out h, client, Utf8.ToNativeOptional(optionsJson, "optionsJson"),
                onResult != null ? _resultCb : null, onProgress != null ? _progressCb : null, IntPtr.Zero);
            if (rc >= 0 && h != null && !h.IsInvalid) { h.HoldClient(client); }
            _handle = h;
            Ensure.Success(rc);
        }

        /// <summary>
        /// azsreg_batch_run_json: items as a JSON array of {"action":"put"|"delete"|"get",
        /// "registrationId","customerSubscriptionId","tenantId"}.
        /// </summary>
        public NativeBatchResult Run(string itemsJson)
        {
            byte[] items = Utf8.ToNative(itemsJson, "itemsJson");
            _failure = null;
            IntPtr json;
            int rc = NativeMethods.azsreg_batch_run_json(_handle, items, out json);
            return Finish(rc, json);
        }

        /// <summary>azsreg_sync_json: {"registrations","entries","prune","dryRun","putAll"}.</summary>
        public NativeBatchResult Sync(string requestJson)
        {
            byte[] request = Utf8.ToNative(requestJson, "requestJson");
            _failure = null;
            IntPtr json;
            int rc = NativeMethods.azsreg_sync_json(out json, _handle, request);
            return Finish(rc, json);
        }

        /// <summary>Asks a running batch to stop (azsreg_batch_cancel). Any thread; a no-op once disposed.</summary>
        public void Cancel()
        {
            BatchHandle h = _handle;
            if (h == null || h.IsInvalid || h.IsClosed) { return; }
            try
            {
                NativeMethods.azsreg_batch_cancel(h);
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: nothing runs any more.
            }
        }

        public void Dispose()
        {
            if (_handle != null) { _handle.Dispose(); }
        }

        private NativeBatchResult Finish(int rc, IntPtr json)
        {
            string text = Utf8.TakeNative(json);
            GC.KeepAlive(_resultCb);
            GC.KeepAlive(_progressCb);
            ExceptionDispatchInfo failure = _failure;
            _failure = null;
            if (failure != null)
            {
                NativeMethods.azsreg_error_clear();
                failure.Throw();
            }
            if (rc == Partial || rc == Cancelled)
            {
                string name = Utf8.FromNative(NativeMethods.azsreg_result_name(rc));
                AzsNativeException error = AzsNativeException.FromJson(rc, name, Utf8.FromNative(NativeMethods.azsreg_error_last_json()));
                NativeMethods.azsreg_error_clear();
                return new NativeBatchResult(rc, text, error);
            }
            Ensure.Success(rc);
            return new NativeBatchResult(rc, text, null);
        }

        private void OnResult(IntPtr json, IntPtr payload)
        {
            Deliver(_onResult, json);
        }

        private void OnProgress(IntPtr json, IntPtr payload)
        {
            Deliver(_onProgress, json);
        }

        private void Deliver(Action<string> action, IntPtr json)
        {
            if (action == null || _failure != null) { return; }
            try
            {
                action(Utf8.FromNative(json));
            }
            catch (Exception ex)
            {
                // Never let an exception cross into native code: stop the batch, throw it after the run.
                _failure = ExceptionDispatchInfo.Capture(ex);
                Cancel();
            }
        }
    }
}
