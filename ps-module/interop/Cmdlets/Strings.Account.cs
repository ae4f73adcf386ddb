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
        /// ShouldProcess action of Disconnect-AzureRmAccount (target: the context name).
        public const string DisconnectAction = "Sign out and remove the context";
    }
}
