namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>Messages of the context commands that were literals in their scripts.</summary>
    public static partial class Strings
    {
        /// Output.AccountObject called without an account ID (a defect of the module, not of the input).
        public const string AccountNeedsId = "an account needs an ID";
        /// {0}: the account types Output.AccountObject knows.
        public const string AccountTypeUnknown = "the account type must be one of {0}";
        public const string TenantSwitchNotPossible = "This context cannot switch tenants (its credential is gone); run Connect-AzureRmAccount -TenantId instead.";
    }
}
