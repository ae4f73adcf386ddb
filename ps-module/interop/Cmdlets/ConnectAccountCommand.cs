using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Connect-AzureRmAccount (aliases Add-AzureRmAccount, Login-AzureRmAccount): signs in through
    /// the native library and makes the process-wide current context. Secrets (client secret,
    /// certificate password, user password, a SecureString access token) go from their
    /// SecureString to native memory without becoming .NET strings and are never written to
    /// any stream.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "AzureRmAccount", DefaultParameterSetName = UserSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Add-AzureRmAccount", "Login-AzureRmAccount")]
    [OutputType("AzsRegistration.Profile")]
    public sealed class ConnectAccountCommand : AzsCmdlet
    {
        public const string UserSet = "UserWithSubscriptionId";
        public const string ServicePrincipalSet = "ServicePrincipalWithSubscriptionId";
        public const string CertificateSet = "ServicePrincipalCertificateWithSubscriptionId";
        public const string CertificateFileSet = "ServicePrincipalCertificateFileWithSubscriptionId";
        public const string AccessTokenSet = "AccessTokenWithSubscriptionId";
        public const string ManagedServiceSet = "ManagedServiceLogin";

        // Identity error codes after which a user name and password cannot sign in (MFA, ...).
        private static readonly string[] PasswordInteractionCodes = { "AADSTS50076", "AADSTS50079", "AADSTS50158", "AADSTS50072", "interaction_required" };

        [Parameter(ParameterSetName = UserSet)]
        [Parameter(ParameterSetName = ServicePrincipalSet, Mandatory = true)]
        [Credential]
        public PSCredential Credential { get; set; }

        [Parameter(ParameterSetName = UserSet)]
        [Alias("DeviceCode", "DeviceAuth", "Device")]
        public SwitchParameter UseDeviceAuthentication { get; set; }

        [Parameter(ParameterSetName = ServicePrincipalSet, Mandatory = true)]
        [Parameter(ParameterSetName = CertificateSet)]
        [Parameter(ParameterSetName = CertificateFileSet)]
        public SwitchParameter ServicePrincipal { get; set; }

        [Parameter(ParameterSetName = CertificateSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; }

        [Parameter(ParameterSetName = CertificateFileSet)]
        public SecureString CertificatePassword { get; set; }

        [Parameter(ParameterSetName = CertificateSet, Mandatory = true)]
        [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string ApplicationId { get; set; }

        [Parameter(ParameterSetName = AccessTokenSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public object AccessToken { get; set; }

        [Parameter(ParameterSetName = AccessTokenSet)]
        public string GraphAccessToken { get; set; }

        [Parameter(ParameterSetName = AccessTokenSet)]
        public string KeyVaultAccessToken { get; set; }

        [Parameter(ParameterSetName = AccessTokenSet, Mandatory = true)]
        [Parameter(ParameterSetName = ManagedServiceSet)]
        [ValidateNotNullOrEmpty]
        public string AccountId { get; set; }

        [Parameter(ParameterSetName = ManagedServiceSet, Mandatory = true)]
        [Alias("MSI", "ManagedService")]
        public SwitchParameter Identity { get; set; }

        [Parameter]
        [Alias("EnvironmentName")]
        [ValidateNotNullOrEmpty]
        public string Environment { get; set; } = "AzureCloud";

        [Parameter(ParameterSetName = UserSet)]
        [Parameter(ParameterSetName = ServicePrincipalSet, Mandatory = true)]
        [Parameter(ParameterSetName = CertificateSet, Mandatory = true)]
        [Parameter(ParameterSetName = CertificateFileSet, Mandatory = true)]
        [Parameter(ParameterSetName = AccessTokenSet)]
        [Parameter(ParameterSetName = ManagedServiceSet)]
        [Alias("Domain", "Tenant")]
        [ValidateNotNullOrEmpty]
        public string TenantId { get; set; }

        [Parameter]
        [Alias("SubscriptionName", "SubscriptionId")]
        [ValidateNotNullOrEmpty]
        public string Subscription { get; set; }

        [Parameter]
        public string ContextName { get; set; }

        [Parameter]
        [ValidateSet("Process", "CurrentUser")]
        public string Scope { get; set; } = "Process";

        [Parameter]
        public SwitchParameter SkipContextPopulation { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            string envJson = ResolveEnvironmentJson(Environment);
            object envObject = JsonPs.Parse(envJson);
            string envName = JsonPs.ToPsString(JsonPs.MemberUnrolled(envObject, "name"));
            if (envName.Length == 0) { envName = Environment; }
            if (string.Equals(Scope, "CurrentUser", StringComparison.OrdinalIgnoreCase)) { WriteVerbose(Strings.ScopeCurrentUser); }

            string tenantId = TenantId ?? string.Empty;
            string tenantForToken = tenantId;
            string accountOverride = null;
            string accountType = "User";
            string kind;
            string thumb = null;
            CredentialHandle nativeCredential;
            string set = ParameterSetName;

            switch (set)
            {
                case ServicePrincipalSet:
                    {
                        kind = "ClientSecret"; accountType = "ServicePrincipal";
                        string appId = Credential.UserName;
                        SecureString secret = Credential.Password;
                        nativeCredential = InvokeNative(() => Native.NewClientSecretCredential(tenantId, appId, secret));
                        accountOverride = appId;
                        break;
                    }
                case CertificateSet:
                    {
                        kind = "Certificate"; accountType = "ServicePrincipal";
                        thumb = Regex.Replace(CertificateThumbprint, @"[\s:]", string.Empty, RegexOptions.IgnoreCase).ToUpperInvariant();
                        X509Certificate2 cert = FindCertificate(thumb);
                        if (cert == null)
                        {
                            Stop(Strings.F(Strings.CertificateNotFound, thumb), "CertificateNotFound", ErrorCategory.ObjectNotFound, CertificateThumbprint);
                        }
                        if (!cert.HasPrivateKey)
                        {
                            Stop(Strings.F(Strings.CertificateNoPrivateKey, thumb), "CertificateNoPrivateKey", ErrorCategory.InvalidArgument, CertificateThumbprint);
                        }
                        string appId = ApplicationId;
                        nativeCredential = InvokeNative(() => Native.NewCertificateCallbackCredential(tenantId, appId, cert));
                        accountOverride = appId;
                        break;
                    }
                case CertificateFileSet:
                    {
                        kind = "Certificate"; accountType = "ServicePrincipal";
                        string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath);
                        if (!File.Exists(path))
                        {
                            Stop(Strings.F(Strings.CertificatePathNotFound, path), "CertificatePathNotFound", ErrorCategory.ObjectNotFound, CertificatePath);
                        }
                        string appId = ApplicationId;
                        SecureString password = CertificatePassword;
                        nativeCredential = InvokeNative(() => Native.NewCertificateFileCredential(tenantId, appId, path, password));
                        accountOverride = appId;
                        break;
                    }
                case AccessTokenSet:
                    {
                        kind = "AccessToken"; accountType = "AccessToken";
                        object token = AccessToken;
                        object raw = Unwrap(token);
                        if (!(raw is string) && !(raw is SecureString) && raw != null)
                        {
                            // The whole result of Get-AzAccessToken.
                            PSPropertyInfo member = PSObject.AsPSObject(token).Properties["Token"];
                            if (member != null) { token = member.Value; }
                        }
                        token = Unwrap(token);
                        var secureToken = token as SecureString;
                        var plainToken = token as string;
                        if (secureToken == null && plainToken == null)
                        {
                            string typeName = token == null ? "$null" : token.GetType().FullName;
                            Stop(Strings.F(Strings.AccessTokenTypeInvalid, typeName), "InvalidAccessToken", ErrorCategory.InvalidArgument);
                        }
                        if (secureToken != null)
                        {
                            nativeCredential = InvokeNative(() => Native.NewAccessTokenCredential(secureToken));
                        }
                        else
                        {
                            nativeCredential = InvokeNative(() => Native.NewAccessTokenCredential(plainToken));
                        }
                        accountOverride = AccountId;
                        break;
                    }
                case ManagedServiceSet:
                    {
                        kind = "ManagedIdentity"; accountType = "ManagedService";
                        string miClient = null, miResource = null;
                        // $env: changes made in this session do not reach the native getenv on Unix: pass them.
                        string miEndpoint = System.Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
                        string miHeader = System.Environment.GetEnvironmentVariable("IDENTITY_HEADER");
                        string imds = System.Environment.GetEnvironmentVariable("AZSREG_IMDS_ENDPOINT");
                        if (string.IsNullOrEmpty(miEndpoint) || string.IsNullOrEmpty(miHeader)) { miEndpoint = null; miHeader = null; }
                        if (!string.IsNullOrEmpty(AccountId))
                        {
                            if (Regex.IsMatch(AccountId, "^/?subscriptions/", RegexOptions.IgnoreCase)) { miResource = AccountId; } else { miClient = AccountId; }
                        }
                        nativeCredential = InvokeNative(() => Native.NewManagedIdentityCredential(miClient, miResource, miEndpoint, miHeader, imds));
                        accountOverride = Strings.F(Strings.ManagedIdentityAccount, "50342");
                        if (!string.IsNullOrEmpty(AccountId)) { accountOverride = AccountId; }
                        break;
                    }
                default:
                    {
                        if (Credential != null && !UseDeviceAuthentication.IsPresent)
                        {
                            // A user name and password (resource owner password grant), as AzureRM's
                            // Add-AzureRmAccount -Credential did; accounts with MFA must use -UseDeviceAuthentication.
                            kind = "UserPassword"; accountType = "User";
                            if (tenantForToken.Length == 0) { tenantForToken = "organizations"; }
                            string userName = Credential.UserName;
                            SecureString password = Credential.Password;
                            string publicClient = System.Environment.GetEnvironmentVariable("AZSREG_PASSWORD_CLIENT_ID");
                            if (string.IsNullOrEmpty(publicClient)) { publicClient = null; }
                            string tenant = tenantForToken;
                            nativeCredential = InvokeNative(() => Native.NewUsernamePasswordCredential(tenant, publicClient, userName, password), userName);
                            accountOverride = userName;
                            break;
                        }
                        kind = "DeviceCode"; accountType = "User";
                        if (tenantForToken.Length == 0) { tenantForToken = "organizations"; }
                        string deviceClient = System.Environment.GetEnvironmentVariable("AZSREG_PUBLIC_CLIENT_ID");
                        // The library's default (azsreg_default_public_client_id): the same client as `azsreg --device-code`.
                        if (string.IsNullOrEmpty(deviceClient)) { deviceClient = Native.DefaultPublicClientId(); }
                        string deviceTenant = tenantForToken;
                        nativeCredential = InvokeNative(() => Native.NewDeviceCodeCredential(deviceTenant, deviceClient));
                        break;
                    }
            }

            // Until the context is stored, a failure (an InvalidSetting, a declined prompt, a
            // failed sign-in, tenant or subscription lookup, Ctrl+C) frees the client and the
            // credential, which holds the secret in native memory, at once, not at finalization.
            ClientHandle client = null;
            AzsContext context = null;
            bool committed = false;
            try
            {
                string optionsJson = ClientOptionsJson(envJson, tenantForToken);
                string describe = Native.DescribeCredential(nativeCredential);
                string endpoint = JsonPs.ToPsString(JsonPs.MemberUnrolled(envObject, "resourceManagerUrl"));
                if (!ShouldProcess(Strings.F(Strings.SigningIn, envName, endpoint, describe), describe, "Connect-AzureRmAccount"))
                {
                    return;
                }
                CredentialHandle credential = nativeCredential;
                client = InvokeNative(() => Native.NewClient(optionsJson, credential));

                string signInJson;
                try
                {
                    if (kind == "DeviceCode")
                    {
                        Native.SetDeviceCodePrompt(message => WriteWarning(message));
                        WriteVerbose(Strings.DeviceCodeWaiting);
                    }
                    var extraHints = new Dictionary<string, string>();
                    if (kind == "UserPassword")
                    {
                        foreach (string code in PasswordInteractionCodes) { extraHints[code] = Strings.PasswordNeedsInteraction; }
                    }
                    else if (kind == "ManagedIdentity" && !string.IsNullOrEmpty(AccountId))
                    {
                        extraHints["invalid_request"] = Strings.HintIdentityAccountId;
                    }
                    signInJson = InvokeNative(() => Native.SignIn(client), null, extraHints);
                }
                finally
                {
                    Native.SetDeviceCodePrompt(null);
                }
                object signIn = JsonPs.Parse(signInJson);

                // Tenant: what the token says; else the one given, resolved to its GUID.
                string resolvedTenant = JsonPs.ToPsString(JsonPs.MemberUnrolled(signIn, "tenantId"));
                if (tenantId.Length > 0)
                {
                    // A GUID by the library's rule (azsreg_guid_normalize), else a domain name to resolve.
                    Native.InputDecision tenantGuid = Native.CheckGuid(tenantId, "tenant ID");
                    if (!tenantGuid.Ok)
                    {
                        string resolved = InvokeNative(() => Native.TenantResolve(client, tenantId));
                        WriteVerbose(Strings.F(Strings.TenantResolved, tenantId, resolved));
                        if (resolvedTenant.Length == 0 || ContextCommon.PsEquals(resolvedTenant, tenantId)) { resolvedTenant = resolved ?? string.Empty; }
                    }
                    else if (resolvedTenant.Length == 0)
                    {
                        resolvedTenant = tenantGuid.Value ?? string.Empty;
                    }
                }

                string account = accountOverride;
                if (string.IsNullOrEmpty(account)) { account = JsonPs.ToPsString(JsonPs.MemberUnrolled(signIn, "account")); }
                if (string.IsNullOrEmpty(account)) { account = describe; }
                WriteVerbose(Strings.F(Strings.SignedIn, account, resolvedTenant));

                var extended = new Dictionary<string, string>();
                if (set == CertificateSet) { extended["CertificateThumbprint"] = thumb; }
                AzsEnvironment envInfo = Output.EnvironmentObject(envJson);
                if (string.IsNullOrEmpty(envInfo.Name)) { envInfo.Name = envName; }

                context = new AzsContext
                {
                    Account = Output.AccountObject(account, accountType, resolvedTenant, extended),
                    TenantId = resolvedTenant,
                    Environment = envInfo,
                    EnvironmentJson = envJson,
                    CredentialKind = kind,
                    // Shown to users (Get-AzureRmContext | Format-List *): AZSREG_PROXY may carry a
                    // user name and password, which the library's redaction masks.
                    ClientOptionsJson = Native.Redact(optionsJson),
                    Client = client,
                    Credential = nativeCredential,
                };

                if (SkipContextPopulation.IsPresent)
                {
                    WriteVerbose(Strings.SkipPopulation);
                    if (!string.IsNullOrEmpty(Subscription))
                    {
                        Native.InputDecision subscriptionGuid = Native.CheckGuid(Subscription, "subscription ID");
                        if (subscriptionGuid.Ok) { context.SubscriptionId = subscriptionGuid.Value; } else { context.SubscriptionName = Subscription; }
                    }
                }
                else
                {
                    List<PSObject> subs = GetSubscriptionList(context);
                    PSObject chosen = SelectSubscription(subs, Subscription, resolvedTenant);
                    if (chosen != null)
                    {
                        context.SubscriptionId = JsonPs.ToPsString(JsonPs.MemberUnrolled(chosen, "Id"));
                        context.SubscriptionName = JsonPs.ToPsString(JsonPs.MemberUnrolled(chosen, "Name"));
                        WriteVerbose(Strings.F(Strings.SubscriptionSelected, context.SubscriptionId, context.SubscriptionName));
                    }
                    else
                    {
                        WriteVerbose(Strings.F(Strings.NoSubscription, resolvedTenant));
                    }
                }

                if (!string.IsNullOrEmpty(context.SubscriptionId)) { context.Account.ExtendedProperties["Subscriptions"] = context.SubscriptionId; }
                if (!string.IsNullOrEmpty(ContextName))
                {
                    context.Name = ContextName;
                }
                else if (!string.IsNullOrEmpty(context.SubscriptionId))
                {
                    context.Name = string.Format(CultureInfo.CurrentCulture, "{0} ({1}) - {2}", context.SubscriptionName, context.SubscriptionId, account);
                }
                else
                {
                    context.Name = string.Format(CultureInfo.CurrentCulture, "{0} - {1}", account, resolvedTenant);
                }
                ContextStore.Set(context);
                ContextStore.Current = context;
                committed = true;
            }
            finally
            {
                if (!committed)
                {
                    if (client != null) { client.Dispose(); }
                    nativeCredential.Dispose();
                }
            }
            WriteObject(Output.ProfileObject(context));
        }

        /// The first certificate with this thumbprint in Cert:\CurrentUser\My, else
        /// Cert:\LocalMachine\My (X509Store on every platform); null when none.
        private X509Certificate2 FindCertificate(string thumb)
        {
            foreach (StoreLocation location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
            {
                X509Certificate2 cert = null;
                var store = new X509Store("My", location);
                try
                {
                    store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
                    X509Certificate2Collection found = store.Certificates.Find(X509FindType.FindByThumbprint, thumb, false);
                    foreach (X509Certificate2 c in found)
                    {
                        if (cert == null)
                        {
                            cert = c;
                            WriteVerbose(Strings.F(Strings.CertificateFound, c.Thumbprint, c.Subject, "Cert:\\" + location + "\\My"));
                        }
                    }
                }
                catch (CryptographicException e)
                {
                    // The store does not exist for this location (common for LocalMachine on Linux).
                    WriteDebug(Strings.F(Strings.CertificateStoreCannotOpen, location, e.Message));
                }
                finally
                {
                    store.Close();
                }
                if (cert != null) { return cert; }
            }
            return null;
        }

        private static object Unwrap(object value)
        {
            var pso = value as PSObject;
            return pso == null ? value : pso.BaseObject;
        }

    }
}
