using System.Globalization;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// The module's string table: every message, action, prompt and word the cmdlets show
    /// users is a constant here ({0}.. are format items, filled by <see cref="F"/>), none is
    /// written inline (tests/ps/StringTable.Tests.ps1 scans the cmdlets for literals). The
    /// keys of the first script module's en-US/AzsRegistration.strings.psd1 are in this file
    /// with their names and texts; keys added by one area of the cmdlets live in a partial
    /// file of its own (Strings.&lt;Area&gt;.cs).
    /// </summary>
    public static partial class Strings
    {
        public const string InvalidSetting = @"The environment variable {0} is '{1}': it must be a whole number from {2} to {3}. Nothing was sent.";
        public const string NotConnected = @"No context: run Connect-AzureRmAccount (alias Login-AzureRmAccount) first, or pass -DefaultProfile.";
        public const string ContextNotFound = @"There is no context named '{0}'. Get-AzureRmContext -ListAvailable lists them.";
        public const string EnvironmentNotFound = @"There is no environment named '{0}'. Add it with Add-AzureRmEnvironment -Name {0} -ARMEndpoint <url>, or use one of: {1}.";
        public const string EnvironmentAdded = @"Environment '{0}' added: Resource Manager {1}, authority {2}, audience {3}.";
        public const string EnvironmentExplicitNeedsAll = @"Give either -ARMEndpoint alone (the endpoints are read from its metadata) or -ResourceManagerEndpoint with -ActiveDirectoryEndpoint (and optionally -ActiveDirectoryServiceEndpointResourceId).";
        public const string SigningIn = @"Signing in to {0} ({1}) with {2}.";
        public const string SignedIn = @"Signed in as {0} in tenant {1}.";
        public const string TenantResolved = @"Tenant '{0}' resolved to {1}.";
        public const string NoSubscription = @"The account has no subscription in tenant {0}; the context has none. Registrations are read by resource ID, so this is fine when you pass full IDs.";
        public const string SubscriptionNotFound = @"Subscription '{0}' was not found for this account in tenant {1}. Available: {2}.";
        public const string SubscriptionSelected = @"Subscription {0} ({1}) selected.";
        public const string SkipPopulation = @"-SkipContextPopulation: the subscription is not looked up.";
        public const string CertificateNotFound = @"No certificate with thumbprint {0} was found in Cert:\CurrentUser\My nor Cert:\LocalMachine\My.";
        public const string CertificateNoPrivateKey = @"The certificate {0} has no private key that this process can use.";
        public const string CertificateFound = @"Certificate {0} ({1}) found in {2}.";
        public const string CertificatePathNotFound = @"The certificate file '{0}' does not exist.";
        public const string DeviceCodeWaiting = @"Waiting for the device code sign-in to be completed in a browser.";
        public const string ManagedIdentityAccount = @"MSI@{0}";
        public const string AutosaveNoop = @"Disable-AzureRmContextAutosave: this module never writes contexts to disk; contexts live in this process only (every runspace and thread job of it sees them). Nothing to change.";
        public const string ScopeCurrentUser = @"-Scope CurrentUser: contexts are never written to disk by this module; the context is kept for this process.";
        public const string DisconnectedAll = @"Signed out: all contexts of this process were removed.";
        public const string Disconnected = @"Signed out: context '{0}' removed.";
        public const string RegistrationInvalid = @"'{0}' is not a registration: give an object from Get-AzsRegistration or a resource ID like /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.AzureStack/registrations/<name>.";
        public const string CustomerIdLowercase = @"Customer subscription ID {0} is sent in lowercase as {1} (the service expects lowercase).";
        public const string ActionRegister = @"Register customer subscription {0} (tenant {1})";
        public const string ActionUnregister = @"Unregister customer subscription {0}";
        public const string TargetOnRegistration = @"{0} on registration {1}";
        public const string UnregisterConfirmQuery = @"Are you sure you want to remove customer subscription {0} from registration {1}?";
        public const string UnregisterConfirmCaption = @"Unregister customer subscription";
        public const string NonInteractiveNeedsForce = @"{0} needs confirmation, but this host is not interactive. Add -Force (or -Confirm:$false) to run it without a prompt.";
        public const string NotRemoved = @"Customer subscription {0} was not registered with {1} (the service answered 204).";
        public const string ExpectedContextObject = @"-DefaultProfile must be a context (from Get-AzureRmContext), a profile (from Connect-AzureRmAccount) or a context name; got {0}.";
        // Front-end hints added to library errors (AzsCmdlet.ModuleHint): the module's words for what to change.
        public const string HintDeviceCode = @"PowerShell: Connect-AzureRmAccount -UseDeviceAuthentication signs in with a device code.";
        public const string HintTenant = @"PowerShell: Connect-AzureRmAccount -TenantId names the directory to sign in to.";
        public const string HintListRegistrations = @"PowerShell: Get-AzsRegistration -SubscriptionId <sub> lists them.";
        public const string HintCaBundle = @"PowerShell: set AZSREG_CA_FILE (or SSL_CERT_FILE) to the PEM bundle.";
        public const string HintProxy = @"PowerShell: set AZSREG_PROXY (or HTTPS_PROXY; NO_PROXY for exceptions) to the proxy URL.";
        public const string HintIdentityAccountId = @"PowerShell: -AccountId selects the user-assigned identity (its client ID or resource ID).";
        public const string PasswordNeedsInteraction = @"This account needs multi-factor authentication or another interactive step, which a user name and password cannot give: sign in with Connect-AzureRmAccount -UseDeviceAuthentication (interactive), or use a service principal (-ServicePrincipal) or a managed identity (-Identity) in runbooks.";
        public const string TenantIdBlank = @"The tenant ID is empty or blank: give the customer's directory (tenant) as a GUID or domain name, or leave -TenantId out; nothing was sent.";
        public const string EndpointUserInfo = @"{0}. Nothing was sent.";
        public const string EndpointInvalid = @"{0}. Nothing was sent.";
        public const string CustomerIdInvalid = @"{0}; nothing was sent for it.";
        public const string ResourceIdInvalid = @"-ResourceId: {0}; nothing was sent.";
        public const string TenantIdInvalid = @"-TenantId: {0}; nothing was sent.";

        // Words the library puts into its messages (Native.CheckGuid / CheckEndpoint "what").
        public const string WhatCustomerSubscriptionId = "customer subscription ID";
        public const string WhatTenantId = "tenant ID";
        public const string WhatTenant = "tenant";
        public const string WhatSubscriptionId = "subscription ID";
        public const string WhatArmEndpoint = "the ARM endpoint";
        public const string WhatResourceManagerEndpoint = "the Resource Manager endpoint";
        public const string WhatActiveDirectoryEndpoint = "the Active Directory endpoint";
        /// {0}: one of the endpoint words above; {1}: the URL as given.
        public const string WhatEndpointNamed = "{0} '{1}'";
        /// Verbose line of ShouldProcess without a prompt, as PowerShell writes it. {0}: action; {1}: target.
        public const string PerformingOperation = "Performing the operation \"{0}\" on target \"{1}\".";
        /// Between the items of a list in a message.
        public const string ListSeparator = ", ";
        /// An empty list in a message.
        public const string NoneInList = "(none)";
        // Answers from the service that are not JSON (JsonPs). {0}: the character position.
        public const string JsonInvalidAt = "The service answered with JSON that is not valid at character {0}: '{1}'.";
        public const string JsonExtraText = "The service answered with JSON that has extra text at character {0}.";
        public const string JsonUnexpected = "The service answered with JSON that is not valid at character {0} (unexpected '{1}').";
        public const string JsonValueMisplaced = "The service answered with JSON that is not valid at character {0} (a value where none belongs).";

        /// <summary>string.Format with the current culture, as PowerShell's -f operator formats.</summary>
        public static string F(string format, params object[] args)
        {
            return string.Format(CultureInfo.CurrentCulture, format, args ?? new object[] { null });
        }
    }
}
