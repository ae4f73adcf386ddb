// Messages of the *-AzureRmResource cmdlets (ResourceCommon.cs, JsonBody.cs). The scripts
// had them inline; the text is unchanged.
namespace AzsRegistration.Interop.Cmdlets
{
    public static partial class Strings
    {
        public const string ResPropertiesSecureString = "-Properties holds a SecureString at '{0}'. A SecureString is never written into a request body; convert it yourself on purpose if the service really needs the plain text.";
        public const string ResPropertiesNumberNotJson = "-Properties holds the number {0} at '{1}', which JSON cannot represent.";
        public const string ResPropertiesScriptBlock = "-Properties holds a script block at '{0}'; pass its result instead ($(...)).";
        public const string ResPropertiesCycle = "-Properties contains a reference cycle: the value at '{0}' is the same object as its ancestor at '{1}'.";
        public const string ResPropertiesTooDeep = "-Properties is nested more than {0} levels deep at '{1}'; this looks like a runaway object graph.";
        public const string ResPropertiesDuplicateMember = "-Properties has the member name '{0}' twice at '{1}' (keys that differ only in type, such as 1 and '1').";
        /// <summary>Not a format string (used as it is).</summary>
        public const string ResTagInvalid = "-Tag must be a hashtable (@{ name = \"value\" }) or a list of @{ Name = \"name\"; Value = \"value\" }.";

        public const string ResExtensionNameNeedsType = "-ExtensionResourceName needs -ExtensionResourceType (for example Microsoft.Authorization/locks).";
        public const string ResResourceTypeInvalid = "{0} '{1}' must be '{{provider namespace}}/{{type}}[/{{child type}}...]', for example Microsoft.AzureStack/registrations/customerSubscriptions.";
        public const string ResResourceNameInvalid = "{0} '{1}' must have {2} name(s) separated by '/' for {3} '{4}' (one per type after the namespace, e.g. 'registration/customerSubscriptionId' for Microsoft.AzureStack/registrations/customerSubscriptions).";
        public const string ResResourceIdEmpty = "-ResourceId is empty.";

        public const string ResApiVersionRequired = "No -ApiVersion given and '{0}' names no provider namespace to look one up for; pass -ApiVersion.";
        public const string ResApiVersionDefault = "No -ApiVersion given: using {0} for {1} (the version the Azure Stack registration documents use).";
        public const string ResApiVersionCached = "No -ApiVersion given: using {0} for {1}/{2} (cached).";
        /// <summary>{1}: " stable" without -Pre, else "".</summary>
        public const string ResApiVersionNotFound = "No -ApiVersion given and provider {0} lists no{1} API version for type '{2}'; pass -ApiVersion (or -Pre to allow previews).";
        /// <summary>{3}: " stable" without -Pre, else "".</summary>
        public const string ResApiVersionLookedUp = "No -ApiVersion given: using {0} for {1}/{2} (newest{3} version the provider lists).";

        public const string ResThreadJobNotAvailable = "-AsJob runs the command in a thread job: install the ThreadJob module (Install-Module ThreadJob) on Windows PowerShell 5.1; PowerShell 7 has it built in.";

        public const string ResConfirmCreate = "Are you sure you want to create the following resource: {0}";
        public const string ResConfirmUpdate = "Are you sure you want to update the following resource: {0}";
        public const string ResConfirmDelete = "Are you sure you want to delete the following resource: {0}";
        public const string ResActionCreating = "Creating the resource...";
        public const string ResActionUpdating = "Updating the resource...";
        public const string ResActionDeleting = "Deleting the resource...";

        public const string ResBuiltFromRequest = "The service answered {0} without a body; the object below is built from the request.";
        public const string ResNoBody = "The service answered {0} without a body: nothing to write.";
        public const string ResCount = "{0} resource(s) in {1}.";
        public const string ResDidNotExist = "The service answered 204: '{0}' did not exist.";
    }
}
