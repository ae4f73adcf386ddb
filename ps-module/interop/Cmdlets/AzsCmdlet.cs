using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Base class of every AzsRegistration cmdlet: the native call wrapper (library log to
    /// Warning / Verbose / Debug, library failures to ErrorRecords), the context lookup
    /// (-DefaultProfile), client options, settings and the shared subscription lookup.
    /// Mirrors the module's former Private/Invoke-AzsNative.ps1, New-AzsErrorRecord.ps1,
    /// Get-AzsContextForCall.ps1, AzsJson.ps1 and Get-AzsSubscriptionList.ps1.
    /// Everything here runs on the cmdlet's pipeline thread.
    /// </summary>
    public abstract partial class AzsCmdlet : PSCmdlet
    {
        // Identity platform codes: Entra ID's AADSTS and AD FS's MSIS numbers.
        private static readonly Regex AadstsCode = new Regex(@"^(AADSTS|MSIS)\d+$", RegexOptions.IgnoreCase);
        private static readonly Regex OAuthCode = new Regex(@"^[a-z]+(_[a-z]+)*$");
        private static readonly Regex ControlChar = new Regex(@"[\x00-\x1f\x7f]");

        // ---- native calls (Invoke-AzsNative) ----------------------------------------------

        /// <summary>
        /// Runs a call into the native library for this command (terminating on failure): the
        /// library's log lines go to this command's Warning / Verbose / Debug streams, a failure
        /// becomes an ErrorRecord (ErrorId = ARM code, else identity code, else AZSREG_E*).
        /// </summary>
        protected T InvokeNative<T>(Func<T> call, object target = null, IDictionary<string, string> extraHint = null)
        {
            T output;
            ErrorRecord record = RunNative(call, target, extraHint, out output);
            if (record != null)
            {
                ThrowTerminatingError(record);
            }
            return output;
        }

        /// <summary>InvokeNative for a call without a result.</summary>
        protected void InvokeNative(Action call, object target = null, IDictionary<string, string> extraHint = null)
        {
            if (call == null) { throw new ArgumentNullException("call"); }
            InvokeNative<object>(() => { call(); return null; }, target, extraHint);
        }

        /// <summary>
        /// InvokeNative, non-terminating (Invoke-AzsNative -NonTerminating): on failure the
        /// error is written (WriteError), result is default and the method returns false.
        /// </summary>
        protected bool TryInvokeNative<T>(Func<T> call, out T result, object target = null, IDictionary<string, string> extraHint = null)
        {
            ErrorRecord record = RunNative(call, target, extraHint, out result);
            if (record == null) { return true; }
            result = default(T);
            WriteError(record);
            return false;
        }

        private ErrorRecord RunNative<T>(Func<T> call, object target, IDictionary<string, string> extraHint, out T output)
        {
            if (call == null) { throw new ArgumentNullException("call"); }
            output = default(T);
            NativeOutcome<T> outcome;
            bool levelSet = false;
            try
            {
                // Only what the caller will show is logged: -Debug everything (redacted),
                // -Verbose one line per request, otherwise warnings.
                Native.SetThreadLogLevel(NativeLogLevel());
                levelSet = true;
                // The call stops at its first failure; the exception comes back here and is
                // reported exactly once, as one ErrorRecord.
                outcome = Native.Invoke(call);
            }
            finally
            {
                if (levelSet) { Native.SetThreadLogLevel(-1); }
                WriteNativeLog(Native.DrainLog());
            }
            if (outcome.Error is PipelineStoppedException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(outcome.Error).Throw();
            }
            if (!outcome.Succeeded)
            {
                return ErrorRecordFor(outcome.Error, target, extraHint);
            }
            output = outcome.Value;
            return null;
        }

        /// <summary>
        /// The ErrorRecord Invoke-AzsNative makes of an exception of a native call: an
        /// AzsNativeException anywhere in the chain (ErrorId = its ErrorId, category as
        /// NativeErrorCategory), DllNotFoundException as NativeLibraryNotFound /
        /// ResourceUnavailable, ArgumentException as InvalidArgument; anything else as it
        /// is (its own ErrorRecord when it has one). For failures caught on another thread.
        /// </summary>
        protected ErrorRecord ErrorRecordFor(Exception exception, object target = null, IDictionary<string, string> extraHint = null)
        {
            if (exception == null) { throw new ArgumentNullException("exception"); }
            AzsNativeException native = null;
            for (Exception e = exception; e != null; e = e.InnerException)
            {
                native = e as AzsNativeException;
                if (native != null) { break; }
            }
            if (native != null)
            {
                native = WithHint(native, extraHint);
                return new ErrorRecord(native, native.ErrorId, NativeErrorCategory(native, CommandName), target);
            }
            Exception inner = exception;
            while ((inner is TargetInvocationException || inner is MethodInvocationException) && inner.InnerException != null)
            {
                inner = inner.InnerException;
            }
            if (inner is TypeInitializationException && inner.InnerException != null) { inner = inner.InnerException; }
            if (inner is DllNotFoundException)
            {
                return new ErrorRecord(inner, "NativeLibraryNotFound", ErrorCategory.ResourceUnavailable, target);
            }
            if (inner is ArgumentException)
            {
                return new ErrorRecord(inner, "InvalidArgument", ErrorCategory.InvalidArgument, target);
            }
            var withRecord = exception as IContainsErrorRecord;
            if (withRecord != null && withRecord.ErrorRecord != null)
            {
                return withRecord.ErrorRecord;
            }
            return new ErrorRecord(inner, inner.GetType().Name, ErrorCategory.NotSpecified, target);
        }

        private static AzsNativeException WithHint(AzsNativeException native, IDictionary<string, string> extraHint)
        {
            if (extraHint != null && extraHint.Count > 0)
            {
                string extra;
                if (extraHint.TryGetValue(native.ErrorId, out extra)) { return native.WithExtraHint(extra); }
                // PowerShell hashtables compare keys case-insensitively.
                foreach (KeyValuePair<string, string> kv in extraHint)
                {
                    if (string.Equals(kv.Key, native.ErrorId, StringComparison.OrdinalIgnoreCase)) { return native.WithExtraHint(kv.Value); }
                }
            }
            string own = ModuleHint(native);
            return own != null ? native.WithExtraHint(own) : native;
        }

        private static readonly string[] InteractionCodes = { "AADSTS50076", "AADSTS50079", "AADSTS50158", "AADSTS50072", "interaction_required" };

        /// <summary>
        /// What the module adds to a library error in its own words: the parameter or setting
        /// to change. The library speaks of its own options and the environment only (it does
        /// not know its front ends); the CLI adds its option names the same way. Null: nothing.
        /// </summary>
        internal static string ModuleHint(AzsNativeException native)
        {
            if (native == null) { return null; }
            foreach (string code in InteractionCodes)
            {
                if (string.Equals(native.ArmCode, code, StringComparison.Ordinal)) { return Strings.HintDeviceCode; }
            }
            if (native.ArmCode == "InvalidAuthenticationTokenTenant") { return Strings.HintTenant; }
            if (native.ArmCode == "RegistrationNotFound") { return Strings.HintListRegistrations; }
            if (native.ResultName == "AZSREG_ETLS" && native.NativeMessage.IndexOf("CA bundle", StringComparison.Ordinal) >= 0) { return Strings.HintCaBundle; }
            if (native.ResultName == "AZSREG_ENETWORK" && native.NativeMessage.IndexOf("proxy option", StringComparison.Ordinal) >= 0) { return Strings.HintProxy; }
            return null;
        }

        /// <summary>
        /// The category of a library failure as the named command reports it: the AzureRM-named
        /// commands (*-AzureRm*) report every error that came from an ARM answer as CloseError,
        /// as AzureRM did; the others use the semantic category (Get-AzsErrorCategoryFor).
        /// </summary>
        public static ErrorCategory NativeErrorCategory(AzsNativeException exception, string commandName)
        {
            if (commandName != null && commandName.IndexOf("-AzureRm", StringComparison.OrdinalIgnoreCase) >= 0 && IsArmAnswerError(exception))
            {
                return ErrorCategory.CloseError;
            }
            return SemanticCategory(exception);
        }

        /// <summary>The ErrorCategory of a failed library call (Get-AzsNativeErrorCategory).</summary>
        public static ErrorCategory SemanticCategory(AzsNativeException exception)
        {
            if (exception == null) { return ErrorCategory.NotSpecified; }
            if (exception.HttpStatus == 403) { return ErrorCategory.PermissionDenied; }
            switch ((exception.ResultName ?? string.Empty).ToUpperInvariant())
            {
                case "AZSREG_EINVALID": return ErrorCategory.InvalidArgument;
                case "AZSREG_EAUTH": return ErrorCategory.AuthenticationError;
                case "AZSREG_ENOTFOUND": return ErrorCategory.ObjectNotFound;
                case "AZSREG_ESERVICE": return ErrorCategory.CloseError;
                case "AZSREG_ETHROTTLED": return ErrorCategory.LimitsExceeded;
                case "AZSREG_ENETWORK": return ErrorCategory.ConnectionError;
                case "AZSREG_ETLS": return ErrorCategory.ConnectionError;
                case "AZSREG_ETIMEOUT": return ErrorCategory.OperationTimeout;
                case "AZSREG_ECONFLICT": return ErrorCategory.ResourceExists;
                case "AZSREG_ENOMEM": return ErrorCategory.ResourceUnavailable;
                case "AZSREG_ECANCELLED": return ErrorCategory.OperationStopped;
                case "AZSREG_EPARTIAL": return ErrorCategory.InvalidResult;
            }
            return ErrorCategory.NotSpecified;
        }

        /// <summary>
        /// True when a failed library call failed on an answer of Azure Resource Manager (an
        /// HTTP status and an ARM error code, or a status without a code), not on the identity
        /// platform (AADSTS or AD FS MSIS codes, OAuth codes such as invalid_client) nor before any answer
        /// (Test-AzsArmAnswerError).
        /// </summary>
        public static bool IsArmAnswerError(AzsNativeException exception)
        {
            if (exception == null || exception.HttpStatus <= 0) { return false; }
            string code = exception.ArmCode ?? string.Empty;
            if (AadstsCode.IsMatch(code) || OAuthCode.IsMatch(code)) { return false; }
            if (string.Equals(exception.ResultName, "AZSREG_EAUTH", StringComparison.OrdinalIgnoreCase) && code.Length == 0) { return false; }
            return true;
        }

        /// <summary>
        /// Writes log lines of the library: ERROR/WARNING as Warning, INFO as Verbose,
        /// DEBUG/TRACE as Debug (all already redacted by the library) (Write-AzsNativeLog).
        /// </summary>
        protected void WriteNativeLog(IEnumerable<LogEntry> entries)
        {
            if (entries == null) { return; }
            foreach (LogEntry entry in entries)
            {
                if (entry.Level <= Native.LogWarning) { WriteWarning(entry.Message); }
                else if (entry.Level == Native.LogInfo) { WriteVerbose(entry.Message); }
                else { WriteDebug(entry.Message); }
            }
        }

        /// <summary>
        /// The library log level for this command's calls: 5 (trace) when Debug output is on
        /// (-Debug or $DebugPreference), 3 (info) when Verbose output is on (-Verbose or
        /// $VerbosePreference of the caller), else 2 (warnings).
        /// </summary>
        protected int NativeLogLevel()
        {
            int level = Native.LogWarning;
            if (IsVerboseOn) { level = Native.LogInfo; }
            if (IsDebugOn) { level = Native.LogTrace; }
            return level;
        }

        /// <summary>Verbose output is shown: -Verbose bound, else the caller's $VerbosePreference.</summary>
        protected bool IsVerboseOn { get { return PreferenceOn("Verbose", "VerbosePreference"); } }

        /// <summary>Debug output is shown: -Debug bound, else the caller's $DebugPreference.</summary>
        protected bool IsDebugOn { get { return PreferenceOn("Debug", "DebugPreference"); } }

        private bool PreferenceOn(string parameter, string variable)
        {
            object bound;
            if (MyInvocation != null && MyInvocation.BoundParameters.TryGetValue(parameter, out bound))
            {
                if (bound is SwitchParameter) { return ((SwitchParameter)bound).IsPresent; }
                return LanguagePrimitives.IsTrue(bound);
            }
            object value = GetVariableValue(variable);
            if (value == null) { return false; }
            ActionPreference pref;
            try
            {
                pref = LanguagePrimitives.ConvertTo<ActionPreference>(value);
            }
            catch (PSInvalidCastException)
            {
                return false;
            }
            return pref != ActionPreference.SilentlyContinue && pref != ActionPreference.Ignore;
        }

        /// <summary>The command's name as invoked (MyInvocation.MyCommand.Name), or null.</summary>
        protected string CommandName
        {
            get
            {
                InvocationInfo inv = MyInvocation;
                return inv == null || inv.MyCommand == null ? null : inv.MyCommand.Name;
            }
        }

        // ---- errors (New-AzsErrorRecord, Stop-AzsCommand) -------------------------------------

        /// <summary>
        /// An ErrorRecord for a PowerShell-side failure (validation, missing context) with a
        /// stable ErrorId: exception = InvalidOperationException(message) when none is given;
        /// ErrorDetails(message) when the exception's message differs.
        /// </summary>
        public static ErrorRecord NewErrorRecord(string message, string errorId, ErrorCategory category = ErrorCategory.InvalidArgument, object target = null, Exception exception = null)
        {
            if (exception == null) { exception = new InvalidOperationException(message); }
            var record = new ErrorRecord(exception, errorId, category, target);
            if (!string.Equals(exception.Message, message, StringComparison.OrdinalIgnoreCase))
            {
                record.ErrorDetails = new ErrorDetails(message);
            }
            return record;
        }

        /// <summary>A terminating error of this command (ThrowTerminatingError). Never returns.</summary>
        protected void Stop(string message, string errorId, ErrorCategory category = ErrorCategory.InvalidArgument, object target = null)
        {
            ThrowTerminatingError(NewErrorRecord(message, errorId, category, target));
        }

        /// <summary>A non-terminating error of this command (WriteError).</summary>
        protected void Fail(string message, string errorId, ErrorCategory category = ErrorCategory.InvalidArgument, object target = null)
        {
            WriteError(NewErrorRecord(message, errorId, category, target));
        }

        // ---- context (Get-AzsContextForCall) ------------------------------------------------

        /// <summary>
        /// The context a command uses: -DefaultProfile (a context, a PSObject wrapping one, a
        /// context name, or an object with a Context property such as Connect-AzureRmAccount's
        /// profile) else the process-wide current context. Terminating ContextNotFound,
        /// InvalidDefaultProfile, or NotConnected when there is no usable context.
        /// </summary>
        protected AzsContext GetContextForCall(object defaultProfile)
        {
            AzsContext context = null;
            if (defaultProfile != null)
            {
                object value = defaultProfile;
                var pso = value as PSObject;
                if (pso != null) { value = pso.BaseObject; }
                if (value is AzsContext)
                {
                    context = (AzsContext)value;
                }
                else if (value is string)
                {
                    string name = (string)value;
                    context = ContextStore.Get(name);
                    if (context == null)
                    {
                        ThrowTerminatingError(NewErrorRecord(Strings.F(Strings.ContextNotFound, name), "ContextNotFound", ErrorCategory.ObjectNotFound, name));
                    }
                }
                else
                {
                    PSPropertyInfo p = PSObject.AsPSObject(defaultProfile).Properties["Context"];
                    object inner = p == null ? null : p.Value;
                    var innerPso = inner as PSObject;
                    if (innerPso != null) { inner = innerPso.BaseObject; }
                    if (inner is AzsContext)
                    {
                        context = (AzsContext)inner;
                    }
                    else
                    {
                        ThrowTerminatingError(NewErrorRecord(Strings.F(Strings.ExpectedContextObject, value.GetType().FullName), "InvalidDefaultProfile", ErrorCategory.InvalidArgument, defaultProfile));
                    }
                }
            }
            else
            {
                context = ContextStore.Current;
            }
            if (context == null || context.Client == null || context.Client.IsClosed)
            {
                ThrowTerminatingError(NewErrorRecord(Strings.NotConnected, "NotConnected", ErrorCategory.AuthenticationError));
            }
            return context;
        }

        // ---- settings and client options (AzsJson.ps1) --------------------------------------

        /// <summary>
        /// The JSON options of a native client: environment, tenant, CA bundle
        /// (AZSREG_CA_FILE, else SSL_CERT_FILE, else CURL_CA_BUNDLE), proxy (AZSREG_PROXY), total
        /// time per operation (AZSREG_TIMEOUT, seconds), correlation ID (AZSREG_CORRELATION_ID),
        /// retries (AZSREG_MAX_RETRIES), log level (AZSREG_LOG_LEVEL; default 5), user agent.
        /// environmentJson null or empty: the same options for discovery
        /// (Add-AzureRmEnvironment -ARMEndpoint) (Get-AzsClientOptionsJson). The proxy URL may carry
        /// a user name and password: what is kept on a context for display is Native.Redact of it.
        /// </summary>
        protected string ClientOptionsJson(string environmentJson, string tenantId)
        {
            var parts = new List<string>();
            if (!string.IsNullOrEmpty(environmentJson)) { parts.Add("\"environment\":" + environmentJson); }
            if (!string.IsNullOrEmpty(tenantId)) { parts.Add("\"tenantId\":" + MiniJson.Quote(tenantId)); }
            string ca = Environment.GetEnvironmentVariable("AZSREG_CA_FILE");
            if (string.IsNullOrEmpty(ca)) { ca = Environment.GetEnvironmentVariable("SSL_CERT_FILE"); }
            if (string.IsNullOrEmpty(ca)) { ca = Environment.GetEnvironmentVariable("CURL_CA_BUNDLE"); }
            if (!string.IsNullOrEmpty(ca)) { parts.Add("\"caFile\":" + MiniJson.Quote(ca)); }
            string proxy = Environment.GetEnvironmentVariable("AZSREG_PROXY");
            if (!string.IsNullOrEmpty(proxy)) { parts.Add("\"proxy\":" + MiniJson.Quote(proxy)); }
            // A setting that is set but not a whole number in range is an error naming it,
            // never silently ignored (the same range as azsreg --timeout).
            int? n = IntSetting("AZSREG_TIMEOUT", 1, 86400);
            if (n.HasValue) { parts.Add("\"deadlineMs\":" + ((long)n.Value * 1000).ToString(CultureInfo.InvariantCulture)); }
            string correlation = Environment.GetEnvironmentVariable("AZSREG_CORRELATION_ID");
            if (!string.IsNullOrEmpty(correlation)) { parts.Add("\"correlationId\":" + MiniJson.Quote(correlation)); }
            n = IntSetting("AZSREG_MAX_RETRIES", -1, 100);
            if (n.HasValue) { parts.Add("\"maxRetries\":" + n.Value.ToString(CultureInfo.InvariantCulture)); }
            int level = 5;
            n = IntSetting("AZSREG_LOG_LEVEL", 0, 5);
            if (n.HasValue) { level = n.Value; }
            parts.Add("\"logLevel\":" + level.ToString(CultureInfo.InvariantCulture));
            parts.Add("\"userAgent\":" + MiniJson.Quote("AzsRegistration-PowerShell/0.1.0 PowerShell/" + PowerShellVersion()));
            return "{" + string.Join(",", parts.ToArray()) + "}";
        }

        /// <summary>$PSVersionTable.PSVersion as text.</summary>
        protected string PowerShellVersion()
        {
            try
            {
                var table = GetVariableValue("PSVersionTable") as IDictionary;
                object v = table == null ? null : table["PSVersion"];
                if (v != null) { return v.ToString(); }
            }
            catch (PSInvalidOperationException)
            {
                // No session state (not invoked through the engine): use the assembly's version.
            }
            return typeof(PSCmdlet).Assembly.GetName().Version.ToString();
        }

        /// <summary>
        /// The JSON of an environment by name (added or built-in), or the terminating error
        /// EnvironmentNotFound listing the known names (Resolve-AzsEnvironmentJson).
        /// </summary>
        protected string ResolveEnvironmentJson(string name)
        {
            string json = InvokeNative(() => EnvironmentStore.Get(name));
            if (string.IsNullOrEmpty(json))
            {
                string known = string.Join(Strings.ListSeparator, EnvironmentStore.Names());
                ThrowTerminatingError(NewErrorRecord(Strings.F(Strings.EnvironmentNotFound, name, known), "EnvironmentNotFound", ErrorCategory.ObjectNotFound, name));
            }
            return json;
        }

        /// <summary>
        /// A whole-number setting from an environment variable: null when it is not set, else
        /// its value, or the terminating error InvalidSetting naming the variable when it is not
        /// a whole number from min to max (Get-AzsIntSetting).
        /// </summary>
        protected int? IntSetting(string name, int min, int max)
        {
            string text = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(text)) { return null; }
            int n;
            bool ok = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n);
            if (ok && n >= min && n <= max) { return n; }
            string shown = ControlChar.Replace(text, m => "\\x" + ((int)m.Value[0]).ToString("x2", CultureInfo.InvariantCulture));
            ThrowTerminatingError(NewErrorRecord(Strings.F(Strings.InvalidSetting, name, shown, min, max), "InvalidSetting", ErrorCategory.InvalidArgument, name));
            return null;
        }

        /// <summary>
        /// False when a confirmation prompt cannot be answered: pwsh -NonInteractive, hosts
        /// without a UI (Azure Automation, hosted runspaces), or no console input (Test-AzsInteractiveHost).
        /// </summary>
        protected bool IsInteractiveHost()
        {
            var host = Host;
            if (host == null || host.UI == null || host.Name == "Default Host" || host.Name == "ServerRemoteHost") { return false; }
            foreach (string arg in Environment.GetCommandLineArgs())
            {
                // pwsh accepts any unambiguous prefix of -NonInteractive from -noni on.
                string a = arg.ToLowerInvariant().TrimStart('-');
                if (arg.StartsWith("-", StringComparison.Ordinal) && a.Length >= 4 && "noninteractive".StartsWith(a, StringComparison.Ordinal)) { return false; }
            }
            if (host.Name == "ConsoleHost")
            {
                try
                {
                    if (Console.IsInputRedirected) { return false; }
                }
                catch (Exception)
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>
        /// One item of an Azs command's -Registration (an object from Get-AzsRegistration or a
        /// resource ID): its registration ID and name, or false after the non-terminating
        /// InvalidRegistration error (the command goes on with the next item).
        /// </summary>
        protected bool TryResolveRegistration(object registration, out string registrationId, out string registrationName)
        {
            registrationId = Output.ResolveRegistrationId(registration);
            registrationName = null;
            if (string.IsNullOrEmpty(registrationId))
            {
                Fail(Output.RegistrationInvalidMessage(registration), "InvalidRegistration", ErrorCategory.InvalidArgument, registration);
                return false;
            }
            string[] parts = registrationId.Split('/');
            registrationName = parts[parts.Length - 1];
            return true;
        }

        /// <summary>
        /// The library's rule for a customer subscription ID (azsreg_guid_normalize): the
        /// lowercase GUID without braces; otherwise the non-terminating error
        /// InvalidCustomerSubscriptionId with the library's message, and null. Nothing is
        /// trimmed (Test-AzsCustomerSubscriptionId).
        /// </summary>
        protected string CheckCustomerSubscriptionId(string id)
        {
            // As a [string] parameter: null is "".
            if (id == null) { id = string.Empty; }
            Native.InputDecision decision = Native.CheckGuid(id, Strings.WhatCustomerSubscriptionId);
            if (decision.Ok) { return decision.Value; }
            WriteError(NewErrorRecord(Strings.F(Strings.CustomerIdInvalid, decision.Message), "InvalidCustomerSubscriptionId", ErrorCategory.InvalidArgument, id));
            return null;
        }

        /// <summary>True when the parameter (or switch) was bound (MyInvocation.BoundParameters).</summary>
        protected bool IsBound(string parameterName)
        {
            return MyInvocation != null && MyInvocation.BoundParameters.ContainsKey(parameterName);
        }

        // ---- subscriptions (Get-AzsSubscriptionList.ps1) ------------------------------------

        /// <summary>
        /// The subscriptions the context's account sees (GET /subscriptions, all pages), as
        /// AzsRegistration.Subscription objects (Name, Id, SubscriptionId, TenantId, State).
        /// </summary>
        protected List<PSObject> GetSubscriptionList(AzsContext context)
        {
            if (context == null) { throw new ArgumentNullException("context"); }
            ClientHandle client = context.Client;
            string json = InvokeNative(() =>
            {
                int status;
                return Native.ResourceRequest(client, "GET", "/subscriptions", "2016-06-01", null, null, Native.RequestFollowPages, out status);
            });
            var list = new List<PSObject>();
            if (string.IsNullOrWhiteSpace(json)) { return list; }
            object page = JsonPs.Parse(json);
            foreach (object s in JsonPs.Items(JsonPs.Member(page, "value")))
            {
                if (s == null) { continue; }
                string id = JsonPs.ToPsString(JsonPs.MemberUnrolled(s, "subscriptionId"));
                PSObject o = Output.NewObject("AzsRegistration.Subscription");
                Output.AddNote(o, "Name", JsonPs.ToPsString(JsonPs.MemberUnrolled(s, "displayName")));
                Output.AddNote(o, "Id", id);
                Output.AddNote(o, "SubscriptionId", id);
                Output.AddNote(o, "TenantId", JsonPs.ToPsString(JsonPs.MemberUnrolled(s, "tenantId")));
                Output.AddNote(o, "State", JsonPs.ToPsString(JsonPs.MemberUnrolled(s, "state")));
                list.Add(o);
            }
            return list;
        }

        /// <summary>
        /// Picks a subscription by ID or name (case-insensitive) among those of the tenant, else
        /// the first of the tenant; the terminating error SubscriptionNotFound when a requested
        /// one is not there; null when there is none (Select-AzsSubscription).
        /// </summary>
        protected PSObject SelectSubscription(IList<PSObject> subscriptions, string subscription, string tenantId)
        {
            var inTenant = new List<PSObject>();
            if (subscriptions != null)
            {
                foreach (PSObject s in subscriptions)
                {
                    if (s == null) { continue; }
                    string t = JsonPs.ToPsString(JsonPs.Member(s, "TenantId"));
                    if (string.IsNullOrEmpty(tenantId) || string.IsNullOrEmpty(t) || string.Equals(t, tenantId, StringComparison.OrdinalIgnoreCase))
                    {
                        inTenant.Add(s);
                    }
                }
            }
            if (!string.IsNullOrEmpty(subscription))
            {
                foreach (PSObject s in inTenant)
                {
                    if (string.Equals(JsonPs.ToPsString(JsonPs.Member(s, "Id")), subscription, StringComparison.OrdinalIgnoreCase) ||
                        string.Equals(JsonPs.ToPsString(JsonPs.Member(s, "Name")), subscription, StringComparison.OrdinalIgnoreCase))
                    {
                        return s;
                    }
                }
                var available = new List<string>();
                foreach (PSObject s in inTenant)
                {
                    available.Add(Strings.F(Strings.SubscriptionNameAndId, JsonPs.Member(s, "Name"), JsonPs.Member(s, "Id")));
                }
                string shown = available.Count == 0 ? Strings.NoneInList : string.Join(Strings.ListSeparator, available.ToArray());
                ThrowTerminatingError(NewErrorRecord(Strings.F(Strings.SubscriptionNotFound, subscription, tenantId, shown), "SubscriptionNotFound", ErrorCategory.ObjectNotFound, subscription));
            }
            return inTenant.Count > 0 ? inTenant[0] : null;
        }
    }
}
