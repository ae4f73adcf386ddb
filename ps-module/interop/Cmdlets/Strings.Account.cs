namespace AzsRegistration.Interop.Cmdlets
{
    /// Messages of Connect-AzureRmAccount / Disconnect-AzureRmAccount that the script had inline
    /// (not keys of en-US/AzsRegistration.strings.psd1).
    public static partial class Strings
    {
        /// {0}: the type name of what -AccessToken got ('$null' for nothing).
        public const string AccessTokenTypeInvalid = "-AccessToken takes the token as a string or a SecureString (Get-AzAccessToken().Token), not {0}.";
        /// Debug line when a certificate store cannot be opened. {0}: CurrentUser / LocalMachine; {1}: the reason.
        public const string CertificateStoreCannotOpen = "Cert:\\{0}\\My cannot be opened: {1}";
        /// ShouldProcess action of Connect-AzureRmAccount (target: the credential's description).
        public const string ConnectAction = "Connect-AzureRmAccount";
        /// The certificate store a certificate was found in. {0}: CurrentUser / LocalMachine.
        public const string CertificateStorePath = "Cert:\\{0}\\My";
        /// AzureRM's context names. {0}: subscription name; {1}: its ID; {2}: the account.
        public const string ContextNameWithSubscription = "{0} ({1}) - {2}";
        /// {0}: the account; {1}: the tenant.
        public const string ContextNameWithoutSubscription = "{0} - {1}";
        /// A subscription in the list of SubscriptionNotFound. {0}: name; {1}: ID.
        public const string SubscriptionNameAndId = "{0} ({1})";
        /// ShouldProcess action of Add-AzureRmEnvironment (target: the environment name).
        public const string AddEnvironmentAction = "Add environment";
        /// ShouldProcess action of Disable-AzureRmContextAutosave (target: the scope).
        public const string DisableAutosaveAction = "Disable context autosave";
        /// ShouldProcess action of Disconnect-AzureRmAccount (target: the context name).
        public const string DisconnectAction = "Sign out and remove the context";
    }
}
