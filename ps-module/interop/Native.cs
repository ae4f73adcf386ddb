using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading;

namespace AzsRegistration.Interop
{
    /// <summary>One line the library logged during a call on this thread.</summary>
    public sealed class LogEntry
    {
        public LogEntry(int level, string message)
        {
            Level = level;
            Message = message;
        }

        /// <summary>azsreg_log_level: 1 error, 2 warning, 3 info, 4 debug, 5 trace.</summary>
        public int Level { get; private set; }
        public string Message { get; private set; }

        public override string ToString() { return Message; }
    }

    /// <summary>
    /// The facade the module's scripts call. Every method runs the library synchronously on
    /// the calling thread, turns a failure into AzsNativeException (Ensure) and leaves what
    /// the library logged in a per-thread queue: call DrainLog() after each call.
    /// </summary>
    public static class Native
    {
        public const int LogError = 1;
        public const int LogWarning = 2;
        public const int LogInfo = 3;
        public const int LogDebug = 4;
        public const int LogTrace = 5;

        public const uint RequestFollowPages = 0x1;
        public const uint RequestNoLro = 0x2;

        private static readonly LogEntry[] NoLog = new LogEntry[0];
        [ThreadStatic] private static List<LogEntry> _log;
        [ThreadStatic] private static Action<string> _deviceCodePrompt;

        // Delegates handed to native code live as long as the process.
        private static readonly LogCallback LogCb = OnLog;
        private static readonly SignCallback SignCb = OnSign;
        private static readonly PayloadFreeCallback SignerFreeCb = OnSignerFree;
        private static readonly DeviceCodeCallback DeviceCodeCb = OnDeviceCode;
        private static readonly IntPtr SignCbPtr = Marshal.GetFunctionPointerForDelegate(SignCb);
        private static readonly IntPtr DeviceCodeCbPtr = Marshal.GetFunctionPointerForDelegate(DeviceCodeCb);
        private static readonly IntPtr SignerFreeCbPtr = Marshal.GetFunctionPointerForDelegate(SignerFreeCb);

        // A certificate that signs a credential's client assertions travels as its sign_payload:
        // a GCHandle to it, which the library releases (OnSignerFree) exactly once, when the
        // credential is freed or its constructor fails. No list: the certificate lives as
        // long as its credential.
        private static long _liveSigners;

        /// <summary>Certificates held now for certificate credentials that sign through .NET (diagnostics).</summary>
        public static long LiveSigners { get { return Interlocked.Read(ref _liveSigners); } }

        // ---- library --------------------------------------------------------------------

        /// <summary>Loads the native library (once) and throws a clear DllNotFoundException when it cannot.</summary>
        public static void EnsureLoaded()
        {
            NativeLibraryLoader.EnsureLoaded();
            if (NativeLibraryLoader.LoadedPath == null)
            {
                throw new DllNotFoundException(NativeLibraryLoader.LoadError ?? "the native library azsreg could not be loaded");
            }
        }

        /// <summary>Full path of the loaded native library (null before loading or when not found).</summary>
        public static string LibraryPath
        {
            get
            {
                NativeLibraryLoader.EnsureLoaded();
                return NativeLibraryLoader.LoadedPath;
            }
        }

        public static string RuntimeIdentifier { get { return NativeLibraryLoader.Rid; } }

        public static string Version()
        {
            EnsureLoaded();
            return Utf8.FromNative(NativeMethods.azsreg_version());
        }

        // ---- calling the library ------------------------------------------------------------

        /// <summary>
        /// Runs a call into the library and returns its value, or the exception it threw
        /// (an AzsNativeException for a failed library call: Ensure always throws, so a call
        /// stops at its first failure and no invalid handle flows on). The cmdlets report the
        /// exception once, as an ErrorRecord, from here.
        /// </summary>
        public static NativeOutcome<T> Invoke<T>(Func<T> call)
        {
            if (call == null) { throw new ArgumentNullException("call"); }
            try
            {
                return new NativeOutcome<T>(call(), null);
            }
            catch (Exception ex)
            {
                return new NativeOutcome<T>(default(T), ex);
            }
        }

        // ---- logging --------------------------------------------------------------------

        private static void OnLog(int level, IntPtr message, IntPtr payload)
        {
            try
            {
                Enqueue(level, Utf8.FromNative(message));
            }
            catch (Exception)
            {
                // Never let an exception cross into native code.
            }
        }

        private static void Enqueue(int level, string message)
        {
            if (_log == null)
            {
                _log = new List<LogEntry>();
            }
            if (_log.Count < 10000)
            {
                _log.Add(new LogEntry(level, message));
            }
        }

        /// <summary>
        /// Caps the library's log level for calls on this thread (3 info for -Verbose, 5 trace
        /// for -Debug, 2 warnings otherwise; negative: no cap), so that lines nobody will see
        /// are not formatted, redacted and marshalled.
        /// </summary>
        public static void SetThreadLogLevel(int level)
        {
            NativeMethods.azsreg_log_set_thread_level(level);
        }

        /// <summary>Returns and clears what the library logged on this thread.</summary>
        public static LogEntry[] DrainLog()
        {
            if (_log == null || _log.Count == 0)
            {
                return NoLog; // after every batch result: nothing to allocate
            }
            LogEntry[] entries = _log.ToArray();
            _log.Clear();
            return entries;
        }

        /// <summary>
        /// Optional handler, per thread, that shows the device code message the moment the
        /// library asks (the cmdlet sets it to Write-Warning). The message is queued as a
        /// Warning log line too.
        /// </summary>
        public static void SetDeviceCodePrompt(Action<string> handler)
        {
            _deviceCodePrompt = handler;
        }

        private static int OnDeviceCode(IntPtr message, IntPtr userCode, IntPtr verificationUri, IntPtr payload)
        {
            try
            {
                string text = Utf8.FromNative(message);
                if (text.Length == 0)
                {
                    text = "To sign in, use a web browser to open the page " + Utf8.FromNative(verificationUri) +
                           " and enter the code " + Utf8.FromNative(userCode) + " to authenticate.";
                }
                Action<string> handler = _deviceCodePrompt;
                if (handler != null)
                {
                    handler(text);
                }
                else
                {
                    Enqueue(LogWarning, text);
                }
                return 0;
            }
            catch (Exception)
            {
                return 0;
            }
        }

        // ---- signing callback -------------------------------------------------------------

        private static int OnSign(IntPtr data, UIntPtr dataLen, IntPtr sig, ref UIntPtr sigLen, IntPtr payload)
        {
            try
            {
                X509Certificate2 cert = payload == IntPtr.Zero ? null : GCHandle.FromIntPtr(payload).Target as X509Certificate2;
                if (cert == null)
                {
                    return 1;
                }
                ulong n = dataLen.ToUInt64();
                if (n > int.MaxValue)
                {
                    return 1;
                }
                byte[] input = new byte[(int)n];
                if (n > 0)
                {
                    Marshal.Copy(data, input, 0, (int)n);
                }
                byte[] signature;
                using (RSA rsa = cert.GetRSAPrivateKey())
                {
                    if (rsa == null)
                    {
                        return 1;
                    }
                    signature = rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }
                if ((ulong)signature.Length > sigLen.ToUInt64())
                {
                    return 1;
                }
                Marshal.Copy(signature, 0, sig, signature.Length);
                sigLen = new UIntPtr((uint)signature.Length);
                return 0;
            }
            catch (Exception)
            {
                return 1;
            }
        }

        private static void OnSignerFree(IntPtr payload)
        {
            try
            {
                if (payload != IntPtr.Zero)
                {
                    GCHandle.FromIntPtr(payload).Free();
                    Interlocked.Decrement(ref _liveSigners);
                }
            }
            catch (Exception)
            {
                // never let an exception cross into native code
            }
        }

        // ---- credentials ------------------------------------------------------------------

        /// <summary>Any credential from JSON (azsreg_credential_new_json). Prefer the typed methods for secrets.</summary>
        public static CredentialHandle NewCredential(string json)
        {
            EnsureLoaded();
            CredentialHandle h;
            byte[] bytes = Utf8.ToNative(json, "json");
            try
            {
                Ensure.Success(NativeMethods.azsreg_credential_new_json(out h, bytes));
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
            return h;
        }

        /// <summary>Service principal + secret; the secret goes from the SecureString to native memory only.</summary>
        public static CredentialHandle NewClientSecretCredential(string tenantId, string clientId, SecureString secret)
        {
            EnsureLoaded();
            if (secret == null) { throw new ArgumentNullException("secret"); }
            var mem = new Unmanaged();
            try
            {
                var opts = new ClientSecretOptions
                {
                    version = 1,
                    tenant_id = mem.Str(tenantId),
                    client_id = mem.Str(clientId),
                    client_secret = mem.Secure(secret),
                };
                CredentialHandle h;
                Ensure.Success(NativeMethods.azsreg_credential_client_secret_new(out h, ref opts));
                return h;
            }
            finally
            {
                mem.Dispose();
            }
        }

        /// <summary>Service principal + certificate file (PEM or PKCS#12), optional password.</summary>
        public static CredentialHandle NewCertificateFileCredential(string tenantId, string clientId, string certificatePath, SecureString password)
        {
            EnsureLoaded();
            var mem = new Unmanaged();
            try
            {
                var opts = new CertificateOptions
                {
                    version = 1,
                    tenant_id = mem.Str(tenantId),
                    client_id = mem.Str(clientId),
                    certificate_path = mem.Str(certificatePath),
                    certificate_password = mem.Secure(password),
                };
                CredentialHandle h;
                Ensure.Success(NativeMethods.azsreg_credential_certificate_new(out h, ref opts));
                return h;
            }
            finally
            {
                mem.Dispose();
            }
        }

        /// <summary>
        /// Service principal + a certificate whose private key stays in .NET (the certificate
        /// store): the library builds the assertion and calls back here to sign it
        /// (RSASSA-PKCS1-v1_5 / SHA-256 with cert.GetRSAPrivateKey()).
        /// </summary>
        public static CredentialHandle NewCertificateCallbackCredential(string tenantId, string clientId, X509Certificate2 certificate)
        {
            EnsureLoaded();
            if (certificate == null) { throw new ArgumentNullException("certificate"); }
            if (!certificate.HasPrivateKey)
            {
                throw new ArgumentException("the certificate " + certificate.Thumbprint + " has no private key", "certificate");
            }
            byte[] der = certificate.RawData;
            var mem = new Unmanaged();
            GCHandle signer = default(GCHandle);
            try
            {
                IntPtr derPtr = mem.Bytes(der);
                var opts = new CertificateOptions
                {
                    version = 2,
                    tenant_id = mem.Str(tenantId),
                    client_id = mem.Str(clientId),
                    certificate_der = derPtr,
                    certificate_der_len = new UIntPtr((uint)der.Length),
                    sign_cb = SignCbPtr,
                    sign_payload_free = SignerFreeCbPtr,
                };
                signer = GCHandle.Alloc(certificate);
                Interlocked.Increment(ref _liveSigners);
                opts.sign_payload = GCHandle.ToIntPtr(signer);
                CredentialHandle h;
                int rc = NativeMethods.azsreg_credential_certificate_new(out h, ref opts);
                signer = default(GCHandle);   // the library's now: it calls OnSignerFree once, even on failure
                Ensure.Success(rc);
                return h;
            }
            finally
            {
                if (signer.IsAllocated)
                {
                    signer.Free();
                    Interlocked.Decrement(ref _liveSigners);
                }
                mem.Dispose();
            }
        }

        /// <summary>A ready access token.</summary>
        public static CredentialHandle NewAccessTokenCredential(string accessToken)
        {
            EnsureLoaded();
            CredentialHandle h;
            byte[] bytes = Utf8.ToNative(accessToken, "accessToken");
            try
            {
                Ensure.Success(NativeMethods.azsreg_credential_access_token_new(out h, bytes));
            }
            finally
            {
                if (bytes != null) { Array.Clear(bytes, 0, bytes.Length); }
            }
            return h;
        }

        /// <summary>
        /// A ready access token given as a SecureString (what Get-AzAccessToken().Token returns
        /// in newer Az): it goes to native memory without becoming a .NET string.
        /// </summary>
        public static CredentialHandle NewAccessTokenCredential(SecureString accessToken)
        {
            EnsureLoaded();
            if (accessToken == null || accessToken.Length == 0) { throw new ArgumentException("the access token is empty", "accessToken"); }
            var mem = new Unmanaged();
            try
            {
                CredentialHandle h;
                Ensure.Success(NativeMethods.azsreg_credential_access_token_new(out h, mem.Secure(accessToken)));
                return h;
            }
            finally
            {
                mem.Dispose();
            }
        }

        /// <summary>
        /// A user name and password (resource owner password grant), for accounts without MFA.
        /// clientId null = the library's default (the Azure PowerShell public client). The
        /// password goes from the SecureString to native memory without becoming a .NET string.
        /// </summary>
        public static CredentialHandle NewUsernamePasswordCredential(string tenantId, string clientId, string userName, SecureString password)
        {
            EnsureLoaded();
            if (string.IsNullOrEmpty(userName)) { throw new ArgumentException("the user name is empty", "userName"); }
            if (password == null) { throw new ArgumentNullException("password"); }
            var mem = new Unmanaged();
            try
            {
                var opts = new UsernamePasswordOptions
                {
                    version = 1,
                    tenant_id = mem.Str(tenantId),
                    client_id = mem.Str(clientId),
                    username = mem.Str(userName),
                    password = mem.Secure(password),
                };
                CredentialHandle h;
                Ensure.Success(NativeMethods.azsreg_credential_username_password_new(out h, ref opts));
                return h;
            }
            finally
            {
                mem.Dispose();
            }
        }

        /// <summary>Managed identity (IDENTITY_ENDPOINT/IDENTITY_HEADER, MSI_ENDPOINT/MSI_SECRET, else IMDS).</summary>
        public static CredentialHandle NewManagedIdentityCredential(string clientId, string resourceId)
        {
            return NewManagedIdentityCredential(clientId, resourceId, null, null, null);
        }

        /// <summary>
        /// Managed identity with explicit endpoints. PowerShell's $env: changes do not reach the
        /// native environment (getenv) on .NET on Unix, so the module passes IDENTITY_ENDPOINT /
        /// IDENTITY_HEADER / AZSREG_IMDS_ENDPOINT as read by .NET; empty values mean "not given".
        /// </summary>
        public static CredentialHandle NewManagedIdentityCredential(string clientId, string resourceId,
            string identityEndpoint, string identityHeader, string imdsEndpoint)
        {
            string json = "{\"kind\":\"managedIdentity\"";
            if (!string.IsNullOrEmpty(clientId)) { json += ",\"clientId\":" + MiniJson.Quote(clientId); }
            if (!string.IsNullOrEmpty(resourceId)) { json += ",\"resourceId\":" + MiniJson.Quote(resourceId); }
            if (!string.IsNullOrEmpty(identityEndpoint)) { json += ",\"identityEndpoint\":" + MiniJson.Quote(identityEndpoint); }
            if (!string.IsNullOrEmpty(identityHeader)) { json += ",\"identityHeader\":" + MiniJson.Quote(identityHeader); }
            if (!string.IsNullOrEmpty(imdsEndpoint)) { json += ",\"imdsEndpoint\":" + MiniJson.Quote(imdsEndpoint); }
            json += "}";
            return NewCredential(json);
        }

        /// <summary>Interactive sign-in with a device code (the message goes to the prompt handler / log queue).</summary>
        public static CredentialHandle NewDeviceCodeCredential(string tenantId, string clientId)
        {
            EnsureLoaded();
            if (clientId == null) { throw new ArgumentNullException("clientId"); }
            var mem = new Unmanaged();
            try
            {
                var opts = new DeviceCodeOptions
                {
                    version = 1,
                    tenant_id = mem.Str(tenantId),
                    client_id = mem.Str(clientId),
                    prompt_cb = DeviceCodeCbPtr,
                };
                CredentialHandle h;
                Ensure.Success(NativeMethods.azsreg_credential_device_code_new(out h, ref opts));
                return h;
            }
            finally
            {
                mem.Dispose();
            }
        }

        /// <summary>A short description of a credential (never a secret).</summary>
        public static string DescribeCredential(CredentialHandle credential)
        {
            EnsureLoaded();
            return Utf8.FromNative(NativeMethods.azsreg_credential_describe(credential));
        }

        // ---- client ---------------------------------------------------------------------

        /// <summary>A client from JSON options (azsreg_client_new_json) logging into this thread's queue.</summary>
        public static ClientHandle NewClient(string optionsJson, CredentialHandle credential)
        {
            EnsureLoaded();
            if (credential == null) { throw new ArgumentNullException("credential"); }
            ClientHandle h;
            Ensure.Success(NativeMethods.azsreg_client_new_json(out h, Utf8.ToNative(optionsJson ?? "{}", "optionsJson"), credential, LogCb, IntPtr.Zero));
            return h;
        }

        /// <summary>Signs in now if needed; {"account","tenantId","environment","credential","expiresOn"}.</summary>
        public static string SignIn(ClientHandle client)
        {
            IntPtr json;
            Ensure.Success(NativeMethods.azsreg_client_sign_in(out json, client));
            return Utf8.TakeNative(json);
        }

        /// <summary>{"requests","retries","tokenRequests","tokenRenewals","connectionsOpened"}.</summary>
        public static string ClientStats(ClientHandle client)
        {
            IntPtr json;
            Ensure.Success(NativeMethods.azsreg_client_stats(out json, client));
            return Utf8.TakeNative(json);
        }

        // ---- operations -----------------------------------------------------------------

        /// <summary>A generic ARM request; returns the final body ("" when none) and sets status.</summary>
        public static string ResourceRequest(ClientHandle client, string method, string resourceId, string apiVersion,
            string bodyJson, string odataQuery, uint flags, out int status)
        {
            IntPtr json;
            int st;
            var mem = new Unmanaged();
            try
            {
                var opts = new RequestOptions
                {
                    version = 1,
                    method = mem.Text(method, "method"),
                    resource_id = mem.Text(resourceId, "resourceId"),
                    api_version = mem.Text(apiVersion, "apiVersion"),
                    body_json = mem.Text(string.IsNullOrEmpty(bodyJson) ? null : bodyJson, "body"),
                    odata_query = mem.Text(string.IsNullOrEmpty(odataQuery) ? null : odataQuery, "odataQuery"),
                    flags = flags,
                };
                int rc = NativeMethods.azsreg_resource_request(out json, out st, client, ref opts);
                status = st;
                string body = Utf8.TakeNative(rc >= 0 ? json : IntPtr.Zero);
                Ensure.Success(rc);
                return body;
            }
            finally
            {
                mem.Dispose();
            }
        }

        public static string RegistrationGet(ClientHandle client, string registrationId)
        {
            IntPtr json;
            Ensure.Success(NativeMethods.azsreg_registration_get(out json, client, Utf8.ToNative(registrationId, "registrationId")));
            return Utf8.TakeNative(json);
        }

        public static string CustomerPut(ClientHandle client, string registrationId, string customerSubscriptionId, string tenantId)
        {
            IntPtr json;
            Ensure.Success(NativeMethods.azsreg_customer_put(out json, client, Utf8.ToNative(registrationId, "registrationId"),
                Utf8.ToNative(customerSubscriptionId, "customerSubscriptionId"), Utf8.ToNativeOptional(tenantId, "tenantId")));
            return Utf8.TakeNative(json);
        }

        public static string CustomerGet(ClientHandle client, string registrationId, string customerSubscriptionId)
        {
            IntPtr json;
            Ensure.Success(NativeMethods.azsreg_customer_get(out json, client, Utf8.ToNative(registrationId, "registrationId"),
                Utf8.ToNative(customerSubscriptionId, "customerSubscriptionId")));
            return Utf8.TakeNative(json);
        }

        /// <summary>All customer subscriptions of a registration, as a JSON array.</summary>
        public static string CustomerList(ClientHandle client, string registrationId)
        {
            IntPtr json;
            Ensure.Success(NativeMethods.azsreg_customer_list(out json, client, Utf8.ToNative(registrationId, "registrationId")));
            return Utf8.TakeNative(json);
        }

        /// <summary>DELETE; true when the mapping existed (200), false when it did not (204).</summary>
        public static bool CustomerDelete(ClientHandle client, string registrationId, string customerSubscriptionId)
        {
            int existed;
            Ensure.Success(NativeMethods.azsreg_customer_delete(out existed, client, Utf8.ToNative(registrationId, "registrationId"),
                Utf8.ToNative(customerSubscriptionId, "customerSubscriptionId")));
            return existed != 0;
        }

        // ---- batches, desired-state sync, input files --------------------------------------

        /// <summary>
        /// A batch runner on a client (azsreg_batch_new_json): options JSON such as
        /// {"concurrency":16} (null: the defaults); onResult gets each finished item's result JSON,
        /// onProgress each progress report, on the thread that runs the batch (either may be null).
        /// Dispose it when done (before the client goes).
        /// </summary>
        public static NativeBatch NewBatch(ClientHandle client, string optionsJson, Action<string> onResult, Action<string> onProgress)
        {
            EnsureLoaded();
            return new NativeBatch(client, optionsJson, onResult, onProgress);
        }

        public const int InputFormatAuto = 0;
        public const int InputFormatCsv = 1;
        public const int InputFormatJsonLines = 2;
        public const uint InputSkipBadRows = 0x1;

        /// <summary>
        /// azsreg_input_parse: a CSV or JSON-lines file's bytes as JSON {"format","rows":[{"line",
        /// "customerSubscriptionId","tenantId","registration"}],"errors":[{"line","message"}],
        /// "duplicates":[{"line","firstLine","customerSubscriptionId"}]}. Returns 0, or
        /// AZSREG_EINVALID (-2) when a row is bad and the JSON still says which; other failures
        /// throw (AzsNativeException).
        /// </summary>
        public static int InputParse(byte[] text, int format, uint flags, out string json)
        {
            EnsureLoaded();
            if (text == null) { throw new ArgumentNullException("text"); }
            // A zero-length array may be marshalled as NULL: give the library one byte it does not read.
            byte[] buffer = text.Length > 0 ? text : new byte[1];
            IntPtr p;
            int rc = NativeMethods.azsreg_input_parse(out p, buffer, new UIntPtr((uint)text.Length), format, flags);
            if (rc == InvalidCode && p != IntPtr.Zero)
            {
                NativeMethods.azsreg_error_clear();
                json = Utf8.TakeNative(p);
                return rc;
            }
            if (rc < 0 && p != IntPtr.Zero) { NativeMethods.azsreg_free(p); p = IntPtr.Zero; }
            json = null;
            Ensure.Success(rc);
            json = Utf8.TakeNative(p);
            return rc < 0 ? rc : 0;
        }

        private const int InvalidCode = -2; // AZSREG_EINVALID

        /// <summary>A tenant GUID or domain name resolved to the lowercase GUID.</summary>
        public static string TenantResolve(ClientHandle client, string tenant)
        {
            byte[] buf = new byte[64];
            Ensure.Success(NativeMethods.azsreg_tenant_resolve(buf, client, Utf8.ToNative(tenant, "tenant")));
            return Utf8.FromBuffer(buf);
        }

        /// <summary>Validates a GUID and returns its lowercase form; AzsNativeException (AZSREG_EINVALID) naming `what` otherwise.</summary>
        public static string GuidNormalize(string text, string what)
        {
            EnsureLoaded();
            byte[] buf = new byte[64];
            Ensure.Success(NativeMethods.azsreg_guid_normalize(buf, Utf8.ToNative(text ?? string.Empty, "text"), Utf8.ToNative(what ?? "ID", "what")));
            return Utf8.FromBuffer(buf);
        }

        /// <summary>Validates an ARM resource ID (AZSREG_EINVALID naming the bad part otherwise).</summary>
        public static void ResourceIdValidate(string resourceId)
        {
            EnsureLoaded();
            Ensure.Success(NativeMethods.azsreg_resource_id_validate(Utf8.ToNative(resourceId ?? string.Empty, "resourceId")));
        }

        // ---- input rules: the library decides (issue 9, finding 8) -------------------------

        /// <summary>
        /// The library's decision on one input, without throwing (the module turns a refusal
        /// into its own stable ErrorId): Ok and Value (the form that is sent) when accepted,
        /// else Message (the library's one line, naming the problem) and Target (the part at
        /// fault, e.g. "customerSubscriptionId"; "" when the whole input).
        /// </summary>
        public sealed class InputDecision
        {
            internal InputDecision(bool ok, string value, string message, string target)
            {
                Ok = ok;
                Value = value;
                Message = message ?? string.Empty;
                Target = target ?? string.Empty;
            }

            public bool Ok { get; private set; }
            public string Value { get; private set; }
            public string Message { get; private set; }
            public string Target { get; private set; }
        }

        private static InputDecision Decide(int rc, string value)
        {
            if (rc >= 0) { return new InputDecision(true, value, null, null); }
            string name = Utf8.FromNative(NativeMethods.azsreg_result_name(rc));
            AzsNativeException ex = AzsNativeException.FromJson(rc, name, Utf8.FromNative(NativeMethods.azsreg_error_last_json()));
            NativeMethods.azsreg_error_clear();
            return new InputDecision(false, null, ex.NativeMessage, ex.Target);
        }

        private static InputDecision HasNul(string value, string what)
        {
            if (value != null && value.IndexOf('\0') >= 0)
            {
                return new InputDecision(false, null, what + " contains a NUL character", null);
            }
            return null;
        }

        /// <summary>azsreg_guid_normalize: Value is the lowercase GUID without braces; nothing is trimmed.</summary>
        public static InputDecision CheckGuid(string text, string what)
        {
            EnsureLoaded();
            InputDecision nul = HasNul(text, what ?? "GUID");
            if (nul != null) { return nul; }
            byte[] buf = new byte[64];
            int rc = NativeMethods.azsreg_guid_normalize(buf, Utf8.ToNative(text ?? string.Empty, "text"), Utf8.ToNative(what ?? "GUID", "what"));
            return Decide(rc, rc >= 0 ? Utf8.FromBuffer(buf) : null);
        }

        /// <summary>azsreg_resource_id_normalize: Value is the ID that is sent (customer subscription GUID in lowercase).</summary>
        public static InputDecision CheckResourceId(string resourceId)
        {
            EnsureLoaded();
            InputDecision nul = HasNul(resourceId, "resource ID");
            if (nul != null) { return nul; }
            IntPtr p;
            int rc = NativeMethods.azsreg_resource_id_normalize(out p, Utf8.ToNative(resourceId ?? string.Empty, "resourceId"));
            string value = Utf8.TakeNative(rc >= 0 ? p : IntPtr.Zero);
            return Decide(rc, value);
        }

        /// <summary>azsreg_registration_id_parse: a registration resource ID (Value: the ID as given).</summary>
        public static InputDecision CheckRegistrationId(string registrationId)
        {
            EnsureLoaded();
            InputDecision nul = HasNul(registrationId, "registration ID");
            if (nul != null) { return nul; }
            byte[] reference = new byte[1024];
            int rc = NativeMethods.azsreg_registration_id_parse(reference, Utf8.ToNative(registrationId ?? string.Empty, "registrationId"));
            return Decide(rc, registrationId);
        }

        /// <summary>azsreg_tenant_check: a GUID (braces allowed) or a domain name with a dot (Value: as given).</summary>
        public static InputDecision CheckTenant(string tenant)
        {
            EnsureLoaded();
            InputDecision nul = HasNul(tenant, "tenant");
            if (nul != null) { return nul; }
            int rc = NativeMethods.azsreg_tenant_check(Utf8.ToNative(tenant ?? string.Empty, "tenant"));
            return Decide(rc, tenant);
        }

        /// <summary>
        /// azsreg_endpoint_check: a Resource Manager or identity endpoint URL as the library uses
        /// it (Value: as given). Target is "userInfo" when the URL carries user info; the message
        /// never shows it.
        /// </summary>
        public static InputDecision CheckEndpoint(string url, string what)
        {
            EnsureLoaded();
            InputDecision nul = HasNul(url, what ?? "URL");
            if (nul != null) { return nul; }
            int rc = NativeMethods.azsreg_endpoint_check(Utf8.ToNative(url ?? string.Empty, "url"), Utf8.ToNative(what ?? "URL", "what"));
            return Decide(rc, url);
        }

        /// <summary>azsreg_redact: the text with what the library's logs hide masked as *** (user info in URLs, tokens, secrets).</summary>
        public static string Redact(string text)
        {
            EnsureLoaded();
            if (text == null) { return null; }
            if (text.IndexOf('\0') >= 0) { text = text.Replace('\0', ' '); }
            IntPtr p;
            int rc = NativeMethods.azsreg_redact(out p, Utf8.ToNative(text, "text"));
            if (rc < 0)
            {
                NativeMethods.azsreg_error_clear();
                return "***";
            }
            return Utf8.TakeNative(p);
        }

        /// <summary>The device code sign-in's default public client ID (azsreg_default_public_client_id): the one copy.</summary>
        public static string DefaultPublicClientId()
        {
            EnsureLoaded();
            return Utf8.FromNative(NativeMethods.azsreg_default_public_client_id());
        }

        /// <summary>The registration api-version (azsreg_default_api_version, "2017-06-01"): the one copy.</summary>
        public static string DefaultApiVersion()
        {
            EnsureLoaded();
            return Utf8.FromNative(NativeMethods.azsreg_default_api_version());
        }

        // ---- environments ---------------------------------------------------------------

        private static string EnvironmentJson(EnvironmentHandle env)
        {
            using (env)
            {
                IntPtr json;
                Ensure.Success(NativeMethods.azsreg_environment_to_json(out json, env));
                return Utf8.TakeNative(json);
            }
        }

        /// <summary>A built-in environment (AzureCloud, AzureChinaCloud, AzureUSGovernment, AzureGermanCloud) as JSON.</summary>
        public static string EnvironmentBuiltin(string name)
        {
            EnsureLoaded();
            EnvironmentHandle env;
            Ensure.Success(NativeMethods.azsreg_environment_builtin(out env, Utf8.ToNative(name, "name")));
            return EnvironmentJson(env);
        }

        /// <summary>A custom environment read from {armEndpoint}/metadata/endpoints, as JSON.</summary>
        public static string EnvironmentDiscover(string name, string armEndpoint, string caFile)
        {
            return EnvironmentDiscoverWith(name, armEndpoint,
                string.IsNullOrEmpty(caFile) ? "{}" : "{\"caFile\":" + MiniJson.Quote(caFile) + "}");
        }

        /// <summary>
        /// A custom environment read from {armEndpoint}/metadata/endpoints with the client
        /// options JSON the module gives its clients (azsreg_client_new_json's keys: caFile,
        /// proxy, userAgent, correlationId, connectTimeoutMs, requestTimeoutMs, deadlineMs,
        /// maxRetries, retryBaseDelayMs, retryMaxDelayMs, logLevel; environment and tenantId
        /// are not used), logging into this thread's queue; as JSON.
        /// </summary>
        public static string EnvironmentDiscoverWith(string name, string armEndpoint, string optionsJson)
        {
            EnsureLoaded();
            var o = MiniJson.Parse(string.IsNullOrEmpty(optionsJson) ? "{}" : optionsJson) as IDictionary<string, object>;
            if (o == null) { throw new ArgumentException("the client options are not a JSON object", "optionsJson"); }
            var mem = new Unmanaged();
            try
            {
                IntPtr caFile = mem.Str(OptionString(o, "caFile"));
                IntPtr proxy = mem.Str(OptionString(o, "proxy"));
                IntPtr userAgent = mem.Str(OptionString(o, "userAgent"));
                IntPtr correlationId = mem.Str(OptionString(o, "correlationId"));
                IntPtr logCb = Marshal.GetFunctionPointerForDelegate(LogCb);
                byte[] nameBytes = Utf8.ToNative(name, "name");
                byte[] armBytes = Utf8.ToNative(armEndpoint, "armEndpoint");
                EnvironmentHandle env;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    var opts = new DiscoveryOptionsLlp64
                    {
                        version = 1, ca_file = caFile, proxy = proxy, user_agent = userAgent, correlation_id = correlationId,
                        connect_timeout_ms = (int)OptionLong(o, "connectTimeoutMs", int.MaxValue),
                        request_timeout_ms = (int)OptionLong(o, "requestTimeoutMs", int.MaxValue),
                        deadline_ms = (int)OptionLong(o, "deadlineMs", int.MaxValue),
                        max_retries = (int)OptionLong(o, "maxRetries", 100),
                        retry_base_delay_ms = (int)OptionLong(o, "retryBaseDelayMs", int.MaxValue),
                        retry_max_delay_ms = (int)OptionLong(o, "retryMaxDelayMs", int.MaxValue),
                        log_cb = logCb, log_level = (int)OptionLong(o, "logLevel", 100),
                    };
                    Ensure.Success(NativeMethods.azsreg_environment_discover_with(out env, nameBytes, armBytes, ref opts));
                }
                else
                {
                    var opts = new DiscoveryOptionsLp64
                    {
                        version = 1, ca_file = caFile, proxy = proxy, user_agent = userAgent, correlation_id = correlationId,
                        connect_timeout_ms = OptionLong(o, "connectTimeoutMs", long.MaxValue),
                        request_timeout_ms = OptionLong(o, "requestTimeoutMs", long.MaxValue),
                        deadline_ms = OptionLong(o, "deadlineMs", long.MaxValue),
                        max_retries = (int)OptionLong(o, "maxRetries", 100),
                        retry_base_delay_ms = OptionLong(o, "retryBaseDelayMs", long.MaxValue),
                        retry_max_delay_ms = OptionLong(o, "retryMaxDelayMs", long.MaxValue),
                        log_cb = logCb, log_level = (int)OptionLong(o, "logLevel", 100),
                    };
                    Ensure.Success(NativeMethods.azsreg_environment_discover_with(out env, nameBytes, armBytes, ref opts));
                }
                return EnvironmentJson(env);
            }
            finally
            {
                mem.Dispose();
            }
        }

        // A string member of client options JSON; null when absent or null.
        private static string OptionString(IDictionary<string, object> o, string key)
        {
            object v;
            if (!o.TryGetValue(key, out v) || v == null) { return null; }
            var s = v as string;
            if (s == null) { throw new ArgumentException("client options JSON: \"" + key + "\" must be a string", "optionsJson"); }
            return s;
        }

        // An integer member of client options JSON, clamped to [-max - 1, max] (the library refuses negatives); 0 when absent.
        private static long OptionLong(IDictionary<string, object> o, string key, long max)
        {
            object v;
            if (!o.TryGetValue(key, out v) || v == null) { return 0; }
            if (!(v is double)) { throw new ArgumentException("client options JSON: \"" + key + "\" must be an integer", "optionsJson"); }
            double d = (double)v;
            if (d != Math.Floor(d)) { throw new ArgumentException("client options JSON: \"" + key + "\" must be an integer", "optionsJson"); }
            if (d > max) { return max; }
            if (d < -max - 1.0) { return -max - 1; }
            return (long)d;
        }

        /// <summary>A custom environment from explicit endpoints (no network), as JSON.</summary>
        public static string EnvironmentCustom(string name, string armEndpoint, string authority, string audience)
        {
            EnsureLoaded();
            var mem = new Unmanaged();
            try
            {
                var opts = new EnvironmentOptions
                {
                    version = 1,
                    name = mem.Text(name, "name"),
                    arm_endpoint = mem.Text(armEndpoint, "armEndpoint"),
                    authority = mem.Text(authority, "authority"),
                    audience = mem.Text(audience, "audience"),
                };
                EnvironmentHandle env;
                Ensure.Success(NativeMethods.azsreg_environment_custom(out env, ref opts));
                return EnvironmentJson(env);
            }
            finally
            {
                mem.Dispose();
            }
        }

        // ---- unmanaged scratch memory, wiped on dispose ------------------------------------

        private sealed class Unmanaged : IDisposable
        {
            private readonly List<KeyValuePair<IntPtr, int>> _blocks = new List<KeyValuePair<IntPtr, int>>();

            public IntPtr Str(string s)
            {
                int size;
                IntPtr p = Utf8.ToUnmanaged(s, out size);
                if (p != IntPtr.Zero) { _blocks.Add(new KeyValuePair<IntPtr, int>(p, size)); }
                return p;
            }

            /// <summary>`s` as a NUL-terminated UTF-8 string ("" stays ""), NULL for null; a NUL in it is refused naming `what`.</summary>
            public IntPtr Text(string s, string what)
            {
                return s == null ? IntPtr.Zero : Bytes(Utf8.ToNative(s, what));
            }

            public IntPtr Secure(SecureString s)
            {
                int size;
                IntPtr p = Utf8.SecureToUnmanaged(s, out size);
                if (p != IntPtr.Zero) { _blocks.Add(new KeyValuePair<IntPtr, int>(p, size)); }
                return p;
            }

            public IntPtr Bytes(byte[] b)
            {
                IntPtr p = Marshal.AllocHGlobal(b.Length);
                Marshal.Copy(b, 0, p, b.Length);
                _blocks.Add(new KeyValuePair<IntPtr, int>(p, b.Length));
                return p;
            }

            public void Dispose()
            {
                foreach (var kv in _blocks) { Utf8.FreeUnmanaged(kv.Key, kv.Value); }
                _blocks.Clear();
            }
        }
    }

    /// <summary>What Native.Invoke returns: the call's value, or the exception it threw.</summary>
    public struct NativeOutcome<T>
    {
        internal NativeOutcome(T value, Exception error)
        {
            Value = value;
            Error = error;
        }

        /// <summary>The call's value; default when it failed.</summary>
        public T Value { get; private set; }

        /// <summary>The exception the call threw; null when it succeeded.</summary>
        public Exception Error { get; private set; }

        public bool Succeeded { get { return Error == null; } }
    }
}
