using System;
using System.Collections.Generic;
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

        /// <summary>
        /// What one sign-in kind contributes: the native credential, its kind and account type
        /// for the context, the account to show when the token does not name one, the tenant
        /// the token is asked from, the identity error hints the module adds, and the extended
        /// properties of the account.
        /// </summary>
        private sealed class SignIn
        {
            public string Kind;
            public string AccountType;
            public CredentialHandle Credential;
            public string Account;
            public string TokenTenant;
            public readonly Dictionary<string, string> ExtraHints = new Dictionary<string, string>();
            public readonly Dictionary<string, string> Extended = new Dictionary<string, string>();
        }

        protected override void ProcessRecord()
        {
            string envJson = ResolveEnvironmentJson(Environment);
            object envObject = JsonPs.Parse(envJson);
            string envName = JsonPs.ToPsString(JsonPs.MemberUnrolled(envObject, "name"));
            if (envName.Length == 0) { envName = Environment; }
            if (string.Equals(Scope, "CurrentUser", StringComparison.OrdinalIgnoreCase)) { WriteVerbose(Strings.ScopeCurrentUser); }

            string tenantId = TenantId ?? string.Empty;
            SignIn signIn = NewSignIn(tenantId);

            // Until the context is stored, a failure (an InvalidSetting, a declined prompt, a
            // failed sign-in, tenant or subscription lookup, Ctrl+C) frees the client and the
            // credential, which holds the secret in native memory, at once, not at finalization.
            ClientHandle client = null;
            AzsContext context = null;
            bool committed = false;
            try
            {
                string optionsJson = ClientOptionsJson(envJson, signIn.TokenTenant);
                string describe = Native.DescribeCredential(signIn.Credential);
                string endpoint = JsonPs.ToPsString(JsonPs.MemberUnrolled(envObject, "resourceManagerUrl"));
                if (!ShouldProcess(Strings.F(Strings.SigningIn, envName, endpoint, describe), describe, Strings.ConnectAction))
                {
                    return;
                }
                CredentialHandle credential = signIn.Credential;
                client = InvokeNative(() => Native.NewClient(optionsJson, credential));
                object signedIn = JsonPs.Parse(SignInOnce(client, signIn));
                string resolvedTenant = ResolveTenant(client, signedIn, tenantId);

                string account = signIn.Account;
                if (string.IsNullOrEmpty(account)) { account = JsonPs.ToPsString(JsonPs.MemberUnrolled(signedIn, "account")); }
                if (string.IsNullOrEmpty(account)) { account = describe; }
                WriteVerbose(Strings.F(Strings.SignedIn, account, resolvedTenant));

                AzsEnvironment envInfo = Output.EnvironmentObject(envJson);
                if (string.IsNullOrEmpty(envInfo.Name)) { envInfo.Name = envName; }
                context = new AzsContext
                {
                    Account = Output.AccountObject(account, signIn.AccountType, resolvedTenant, signIn.Extended),
                    TenantId = resolvedTenant,
                    Environment = envInfo,
                    EnvironmentJson = envJson,
                    CredentialKind = signIn.Kind,
                    // Shown to users (Get-AzureRmContext | Format-List *): AZSREG_PROXY may carry a
                    // user name and password, which the library's redaction masks.
                    ClientOptionsJson = Native.Redact(optionsJson),
                    Client = client,
                    Credential = signIn.Credential,
                };
                ChooseSubscription(context, resolvedTenant);
                if (!string.IsNullOrEmpty(context.SubscriptionId)) { context.Account.ExtendedProperties["Subscriptions"] = context.SubscriptionId; }
                context.Name = ContextDisplayName(context, account, resolvedTenant);
                ContextStore.Set(context);
                ContextStore.Current = context;
                committed = true;
            }
            finally
            {
                if (!committed)
                {
                    if (client != null) { client.Dispose(); }
                    signIn.Credential.Dispose();
                }
            }
            WriteObject(Output.ProfileObject(context));
        }

        /// The sign-in of the parameter set used: one helper per kind.
        private SignIn NewSignIn(string tenantId)
        {
            switch (ParameterSetName)
            {
                case ServicePrincipalSet: return NewClientSecretSignIn(tenantId);
                case CertificateSet: return NewCertificateStoreSignIn(tenantId);
                case CertificateFileSet: return NewCertificateFileSignIn(tenantId);
                case AccessTokenSet: return NewAccessTokenSignIn(tenantId);
                case ManagedServiceSet: return NewManagedIdentitySignIn(tenantId);
                default:
                    // A user name and password (resource owner password grant), as AzureRM's
                    // Add-AzureRmAccount -Credential did; accounts with MFA must use -UseDeviceAuthentication.
                    if (Credential != null && !UseDeviceAuthentication.IsPresent) { return NewUserPasswordSignIn(tenantId); }
                    return NewDeviceCodeSignIn(tenantId);
            }
        }

        /// -ServicePrincipal -Credential: the application ID and its client secret.
        private SignIn NewClientSecretSignIn(string tenantId)
        {
            string appId = Credential.UserName;
            SecureString secret = Credential.Password;
            return new SignIn
            {
                Kind = "ClientSecret",
                AccountType = "ServicePrincipal",
                Credential = InvokeNative(() => Native.NewClientSecretCredential(tenantId, appId, secret)),
                Account = appId,
                TokenTenant = tenantId,
            };
        }

        /// -CertificateThumbprint: a certificate with its private key from Cert:\CurrentUser\My
        /// or Cert:\LocalMachine\My, which signs the client assertion through .NET.
        private SignIn NewCertificateStoreSignIn(string tenantId)
        {
            string thumb = Regex.Replace(CertificateThumbprint, @"[\s:]", string.Empty, RegexOptions.IgnoreCase).ToUpperInvariant();
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
            var signIn = new SignIn
            {
                Kind = "Certificate",
                AccountType = "ServicePrincipal",
                Credential = InvokeNative(() => Native.NewCertificateCallbackCredential(tenantId, appId, cert)),
                Account = appId,
                TokenTenant = tenantId,
            };
            signIn.Extended["CertificateThumbprint"] = thumb;
            return signIn;
        }

        /// -CertificatePath [-CertificatePassword]: a PEM or PKCS#12 file the library reads.
        private SignIn NewCertificateFileSignIn(string tenantId)
        {
            string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath);
            if (!File.Exists(path))
            {
                Stop(Strings.F(Strings.CertificatePathNotFound, path), "CertificatePathNotFound", ErrorCategory.ObjectNotFound, CertificatePath);
            }
            string appId = ApplicationId;
            SecureString password = CertificatePassword;
            return new SignIn
            {
                Kind = "Certificate",
                AccountType = "ServicePrincipal",
                Credential = InvokeNative(() => Native.NewCertificateFileCredential(tenantId, appId, path, password)),
                Account = appId,
                TokenTenant = tenantId,
            };
        }

        /// -AccessToken: a string, a SecureString, or the whole result of Get-AzAccessToken.
        private SignIn NewAccessTokenSignIn(string tenantId)
        {
            object token = AccessToken;
            object raw = Unwrap(token);
            if (!(raw is string) && !(raw is SecureString) && raw != null)
            {
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
            CredentialHandle credential = secureToken != null
                ? InvokeNative(() => Native.NewAccessTokenCredential(secureToken))
                : InvokeNative(() => Native.NewAccessTokenCredential(plainToken));
            return new SignIn { Kind = "AccessToken", AccountType = "AccessToken", Credential = credential, Account = AccountId, TokenTenant = tenantId };
        }

        /// -Identity [-AccountId]: the managed identity of the Automation account or VM; -AccountId
        /// names a user-assigned identity by client ID or by resource ID.
        private SignIn NewManagedIdentitySignIn(string tenantId)
        {
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
            var signIn = new SignIn
            {
                Kind = "ManagedIdentity",
                AccountType = "ManagedService",
                Credential = InvokeNative(() => Native.NewManagedIdentityCredential(miClient, miResource, miEndpoint, miHeader, imds)),
                Account = string.IsNullOrEmpty(AccountId) ? Strings.F(Strings.ManagedIdentityAccount, "50342") : AccountId,
                TokenTenant = tenantId,
            };
            if (!string.IsNullOrEmpty(AccountId)) { signIn.ExtraHints["invalid_request"] = Strings.HintIdentityAccountId; }
            return signIn;
        }

        /// -Credential without -ServicePrincipal: the user's name and password; the tenant
        /// defaults to organizations.
        private SignIn NewUserPasswordSignIn(string tenantId)
        {
            string tenant = tenantId.Length == 0 ? "organizations" : tenantId;
            string userName = Credential.UserName;
            SecureString password = Credential.Password;
            string publicClient = System.Environment.GetEnvironmentVariable("AZSREG_PASSWORD_CLIENT_ID");
            if (string.IsNullOrEmpty(publicClient)) { publicClient = null; }
            var signIn = new SignIn
            {
                Kind = "UserPassword",
                AccountType = "User",
                Credential = InvokeNative(() => Native.NewUsernamePasswordCredential(tenant, publicClient, userName, password), userName),
                Account = userName,
                TokenTenant = tenant,
            };
            foreach (string code in PasswordInteractionCodes) { signIn.ExtraHints[code] = Strings.PasswordNeedsInteraction; }
            return signIn;
        }

        /// No credential, or -UseDeviceAuthentication: a device code the user enters in a
        /// browser; the tenant defaults to organizations.
        private SignIn NewDeviceCodeSignIn(string tenantId)
        {
            string tenant = tenantId.Length == 0 ? "organizations" : tenantId;
            string deviceClient = System.Environment.GetEnvironmentVariable("AZSREG_PUBLIC_CLIENT_ID");
            // The library's default (azsreg_default_public_client_id): the same client as `azsreg --device-code`.
            if (string.IsNullOrEmpty(deviceClient)) { deviceClient = Native.DefaultPublicClientId(); }
            return new SignIn
            {
                Kind = "DeviceCode",
                AccountType = "User",
                Credential = InvokeNative(() => Native.NewDeviceCodeCredential(tenant, deviceClient)),
                TokenTenant = tenant,
            };
        }

        /// Signs in once (the device code prompt shown as a warning while it runs) and returns
        /// the library's sign-in JSON.
        private string SignInOnce(ClientHandle client, SignIn signIn)
        {
            try
            {
                if (signIn.Kind == "DeviceCode")
                {
                    Native.SetDeviceCodePrompt(message => WriteWarning(message));
                    WriteVerbose(Strings.DeviceCodeWaiting);
                }
                return InvokeNative(() => Native.SignIn(client), null, signIn.ExtraHints);
            }
            finally
            {
                Native.SetDeviceCodePrompt(null);
            }
        }

        /// The tenant of the context: what the token says; else the one given, resolved to its GUID.
        private string ResolveTenant(ClientHandle client, object signedIn, string tenantId)
        {
            string resolvedTenant = JsonPs.ToPsString(JsonPs.MemberUnrolled(signedIn, "tenantId"));
            if (tenantId.Length == 0) { return resolvedTenant; }
            // A GUID by the library's rule (azsreg_guid_normalize), else a domain name to resolve.
            Native.InputDecision tenantGuid = Native.CheckGuid(tenantId, Strings.WhatTenantId);
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
            return resolvedTenant;
        }

        /// The context's subscription: -Subscription as given with -SkipContextPopulation, else
        /// the one the account lists (by -Subscription, or the first).
        private void ChooseSubscription(AzsContext context, string resolvedTenant)
        {
            if (SkipContextPopulation.IsPresent)
            {
                WriteVerbose(Strings.SkipPopulation);
                if (!string.IsNullOrEmpty(Subscription))
                {
                    Native.InputDecision subscriptionGuid = Native.CheckGuid(Subscription, Strings.WhatSubscriptionId);
                    if (subscriptionGuid.Ok) { context.SubscriptionId = subscriptionGuid.Value; } else { context.SubscriptionName = Subscription; }
                }
                return;
            }
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

        /// -ContextName, else AzureRM's names: "name (id) - account", or "account - tenant".
        private string ContextDisplayName(AzsContext context, string account, string resolvedTenant)
        {
            if (!string.IsNullOrEmpty(ContextName)) { return ContextName; }
            if (!string.IsNullOrEmpty(context.SubscriptionId))
            {
                return Strings.F(Strings.ContextNameWithSubscription, context.SubscriptionName, context.SubscriptionId, account);
            }
            return Strings.F(Strings.ContextNameWithoutSubscription, account, resolvedTenant);
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
                            WriteVerbose(Strings.F(Strings.CertificateFound, c.Thumbprint, c.Subject, Strings.F(Strings.CertificateStorePath, location)));
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
