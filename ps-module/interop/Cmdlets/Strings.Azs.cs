namespace AzsRegistration.Interop.Cmdlets
{
    /// Messages of the Azs registration commands and Enable-AzsAzAlias that the script
    /// versions wrote inline (not keys of en-US/AzsRegistration.strings.psd1), and of the
    /// shared confirmation helper (AzsHelpers.ConfirmResourceAction).
    public static partial class Strings
    {
        // Get-AzsRegistration
        public const string RegistrationSubscriptionRequired = "No subscription: give -SubscriptionId (or -ResourceId), or select one with Set-AzureRmContext.";
        public const string RegistrationResourceGroupRequired = "-Name needs -ResourceGroupName (registrations are usually in the resource group azurestack).";

        // Enable-AzsAzAlias: {0} Az name, {1} target (module-qualified command), {2} command type, {3} source
        public const string AzAliasAlreadySet = "Alias {0} already points at {1}.";
        public const string AzAliasNameExists = "{0} already exists ({2} from {3}); it is not shadowed. Use -Force to point {0} at {1} anyway.";
        public const string AzAliasSourceAlias = "alias of {0}";
        public const string AzAliasSourceSession = "this session";
        public const string AzAliasAction = "Create global alias for {0}";
        public const string AzAliasCreated = "Alias {0} -> {1} created.";
        public const string AzAliasDescription = "Az name offered by AzsRegistration (Enable-AzsAzAlias)";

        // AzsHelpers.ConfirmResourceAction (Confirm-AzsResourceAction): {0} command name, {1} the ShouldContinue question
        public const string ConfirmationNeedsForce = "{0} needs confirmation to go on ('{1}'), but this host cannot prompt (non-interactive). Add -Force to run it without asking, or -WhatIf to see what it would do.";
    }
}
