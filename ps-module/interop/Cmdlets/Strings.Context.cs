namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>Messages of the context commands that were literals in their scripts.</summary>
    public static partial class Strings
    {
        public const string TenantSwitchNotPossible = "This context cannot switch tenants (its credential is gone); run Connect-AzureRmAccount -TenantId instead.";
    }
}
