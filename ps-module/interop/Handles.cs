using System;
using System.Runtime.InteropServices;

namespace AzsRegistration.Interop
{
    /// <summary>Base of the native handles: invalid when zero, released by the C free function.</summary>
    public abstract class AzsSafeHandle : SafeHandle
    {
        protected AzsSafeHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
    }

    /// <summary>An azsreg_client. Thread-safe natively; share one per context.</summary>
    public sealed class ClientHandle : AzsSafeHandle
    {
        public ClientHandle() { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.azsreg_client_free(handle);
            return true;
        }
    }

    /// <summary>An azsreg_credential (reference-counted natively; a client holds its own reference).</summary>
    public sealed class CredentialHandle : AzsSafeHandle
    {
        public CredentialHandle() { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.azsreg_credential_free(handle);
            return true;
        }
    }

    /// <summary>
    /// An azsreg_batch. It holds a reference to its client's handle (the client must outlive
    /// the batch), released after azsreg_batch_free.
    /// </summary>
    public sealed class BatchHandle : AzsSafeHandle
    {
        private ClientHandle _client;

        public BatchHandle() { }

        /// <summary>Keeps the client alive until this batch is freed.</summary>
        internal void HoldClient(ClientHandle client)
        {
            bool added = false;
            client.DangerousAddRef(ref added);
            if (added) { _client = client; }
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.azsreg_batch_free(handle);
            ClientHandle client = _client;
            _client = null;
            if (client != null) { client.DangerousRelease(); }
            return true;
        }
    }

    /// <summary>An azsreg_environment.</summary>
    public sealed class EnvironmentHandle : AzsSafeHandle
    {
        public EnvironmentHandle() { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.azsreg_environment_free(handle);
            return true;
        }
    }
}
