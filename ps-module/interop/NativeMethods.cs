using System;
using System.Runtime.InteropServices;

namespace AzsRegistration.Interop
{
    /// <summary>Log callback of the native library (azsreg_log_cb).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void LogCallback(int level, IntPtr message, IntPtr payload);

    /// <summary>Signing callback (azsreg_sign_cb): RS256 over data into sig.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int SignCallback(IntPtr data, UIntPtr dataLen, IntPtr sig, ref UIntPtr sigLen, IntPtr payload);

    /// <summary>Payload release callback (azsreg_payload_free_cb): called once per payload handed over.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void PayloadFreeCallback(IntPtr payload);

    /// <summary>Device code prompt callback (azsreg_device_code_cb).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate int DeviceCodeCallback(IntPtr message, IntPtr userCode, IntPtr verificationUri, IntPtr payload);

    /// <summary>
    /// A batch's result or progress callback for bindings (azsreg_batch_json_cb): one JSON
    /// object, valid during the call only; runs on the thread that runs the batch.
    /// </summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void BatchJsonCallback(IntPtr json, IntPtr payload);

    /// <summary>azsreg_certificate_options (version 2), field for field.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CertificateOptions
    {
        public uint version;
        public IntPtr tenant_id;
        public IntPtr client_id;
        public IntPtr certificate_path;
        public IntPtr certificate_password;
        public IntPtr certificate_der;
        public UIntPtr certificate_der_len;
        public IntPtr sign_cb;
        public IntPtr sign_payload;
        public int send_certificate_chain;
        public IntPtr sign_payload_free;
    }

    /// <summary>azsreg_environment_options (version 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct EnvironmentOptions
    {
        public uint version;
        public IntPtr name;
        public IntPtr arm_endpoint;
        public IntPtr authority;
        public IntPtr audience;
    }

    /// <summary>azsreg_request_options (version 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RequestOptions
    {
        public uint version;
        public IntPtr method;
        public IntPtr resource_id;
        public IntPtr api_version;
        public IntPtr body_json;
        public IntPtr odata_query;
        public uint flags;
    }

    /// <summary>azsreg_username_password_options (version 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct UsernamePasswordOptions
    {
        public uint version;
        public IntPtr tenant_id;
        public IntPtr client_id;
        public IntPtr username;
        public IntPtr password;
    }

    /// <summary>azsreg_device_code_options (version 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct DeviceCodeOptions
    {
        public uint version;
        public IntPtr tenant_id;
        public IntPtr client_id;
        public IntPtr prompt_cb;
        public IntPtr prompt_payload;
    }

    /// <summary>azsreg_client_secret_options (version 1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ClientSecretOptions
    {
        public uint version;
        public IntPtr tenant_id;
        public IntPtr client_id;
        public IntPtr client_secret;
    }

    /// <summary>
    /// azsreg_discovery_options (version 1) where C's long is 64 bits (Linux, macOS: LP64).
    /// Strings are unmanaged UTF-8; log_cb is a function pointer (LogCallback).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct DiscoveryOptionsLp64
    {
        public uint version;
        public IntPtr ca_file;
        public IntPtr proxy;
        public IntPtr user_agent;
        public IntPtr correlation_id;
        public long connect_timeout_ms;
        public long request_timeout_ms;
        public long deadline_ms;
        public int max_retries;
        public long retry_base_delay_ms;
        public long retry_max_delay_ms;
        public IntPtr log_cb;
        public IntPtr log_payload;
        public int log_level;
    }

    /// <summary>The same where C's long is 32 bits (Windows x64: LLP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct DiscoveryOptionsLlp64
    {
        public uint version;
        public IntPtr ca_file;
        public IntPtr proxy;
        public IntPtr user_agent;
        public IntPtr correlation_id;
        public int connect_timeout_ms;
        public int request_timeout_ms;
        public int deadline_ms;
        public int max_retries;
        public int retry_base_delay_ms;
        public int retry_max_delay_ms;
        public IntPtr log_cb;
        public IntPtr log_payload;
        public int log_level;
    }

    /// <summary>
    /// The raw entry points of libazsreg, named exactly like the C functions in
    /// native/include/azsreg.h. Strings go in as NUL-terminated UTF-8 byte arrays
    /// (see Utf8) and come out as IntPtr (library-owned, read with Utf8.FromNative).
    /// Nothing else belongs here.
    /// </summary>
    internal static class NativeMethods
    {
        private const string Lib = "azsreg";

        static NativeMethods()
        {
            NativeLibraryLoader.EnsureLoaded();
        }

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr azsreg_error_last_json();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_error_clear();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_log_set_thread_level(int level);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr azsreg_result_name(int code);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_free(IntPtr ptr);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr azsreg_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_resource_id_validate(byte[] resource_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_guid_normalize(byte[] out_guid, byte[] text, byte[] what);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_resource_id_normalize(out IntPtr out_id, byte[] resource_id);

        /// <summary>out_ref: an azsreg_registration_ref (char[37] + char[261] + char[261]) as a byte buffer.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_registration_id_parse(byte[] out_ref, byte[] resource_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_tenant_check(byte[] tenant);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_endpoint_check(byte[] url, byte[] what);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_redact(out IntPtr out_text, byte[] text);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr azsreg_default_public_client_id();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr azsreg_default_api_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_environment_builtin(out EnvironmentHandle env, byte[] name);

        /// <summary>Discovery with client options (C long is 64 bits: not Windows).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_environment_discover_with(out EnvironmentHandle env, byte[] name, byte[] arm_endpoint, ref DiscoveryOptionsLp64 opts);

        /// <summary>Discovery with client options (C long is 32 bits: Windows).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_environment_discover_with(out EnvironmentHandle env, byte[] name, byte[] arm_endpoint, ref DiscoveryOptionsLlp64 opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_environment_custom(out EnvironmentHandle env, ref EnvironmentOptions opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_environment_to_json(out IntPtr out_json, EnvironmentHandle env);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_environment_free(IntPtr env);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_access_token_new(out CredentialHandle cred, byte[] access_token);

        /// <summary>The same entry point with the token in unmanaged memory (from a SecureString, wiped after the call).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_access_token_new(out CredentialHandle cred, IntPtr access_token);

        /// <summary>User name + password (ROPC); client_id NULL = the Azure PowerShell public client. Strings in unmanaged memory.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_username_password_new(out CredentialHandle cred, ref UsernamePasswordOptions opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_client_secret_new(out CredentialHandle cred, ref ClientSecretOptions opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_certificate_new(out CredentialHandle cred, ref CertificateOptions opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_device_code_new(out CredentialHandle cred, ref DeviceCodeOptions opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_credential_new_json(out CredentialHandle cred, byte[] json);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr azsreg_credential_describe(CredentialHandle cred);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_credential_free(IntPtr cred);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_client_new_json(out ClientHandle client, byte[] options_json, CredentialHandle cred, LogCallback log_cb, IntPtr log_payload);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_client_free(IntPtr client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_client_sign_in(out IntPtr out_json, ClientHandle client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_client_stats(out IntPtr out_json, ClientHandle client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_registration_get(out IntPtr out_json, ClientHandle client, byte[] registration_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_customer_put(out IntPtr out_json, ClientHandle client, byte[] registration_id, byte[] customer_subscription_id, byte[] tenant_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_customer_get(out IntPtr out_json, ClientHandle client, byte[] registration_id, byte[] customer_subscription_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_customer_list(out IntPtr out_json, ClientHandle client, byte[] registration_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_customer_delete(out int out_existed, ClientHandle client, byte[] registration_id, byte[] customer_subscription_id);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_resource_request(out IntPtr out_json, out int out_status, ClientHandle client, ref RequestOptions opts);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_tenant_resolve(byte[] out_guid, ClientHandle client, byte[] tenant);

        /// <summary>The callbacks must stay alive as long as the batch (NativeBatch keeps them).</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_batch_new_json(out BatchHandle batch, ClientHandle client, byte[] options_json,
            BatchJsonCallback on_result, BatchJsonCallback on_progress, IntPtr payload);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_batch_run_json(BatchHandle batch, byte[] items_json, out IntPtr out_json);

        /// <summary>Any thread, while the batch runs.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_batch_cancel(BatchHandle batch);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void azsreg_batch_free(IntPtr batch);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_sync_json(out IntPtr out_json, BatchHandle batch, byte[] request_json);

        /// <summary>text: len bytes (not NUL-terminated); format 0 auto, 1 CSV, 2 JSON lines; flags 0x1 skip bad rows.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int azsreg_input_parse(out IntPtr out_json, byte[] text, UIntPtr len, int format, uint flags);
    }
}
