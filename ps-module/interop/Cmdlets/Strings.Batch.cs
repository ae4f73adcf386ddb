namespace AzsRegistration.Interop.Cmdlets
{
    /// Messages of the batched commands (Register-, Unregister- and Sync-AzsCustomerSubscription)
    /// and of the base class's batch helpers (AzsCmdlet.Batch.cs).
    public static partial class Strings
    {
        // Write-Progress of a batch: {0} done, {1} total, {2} failed, {3} items per second, {4} 429 answers
        public const string BatchProgressStatus = "{0} of {1} done, {2} failed, {3:0.0}/s, {4} throttled (429)";
        public const string BatchProgressDone = "Done";
        // -Verbose at the end of a batch: {0} succeeded, {1} total, {2} failed, {3} cancelled, {4} requests, {5} 429s, {6} seconds
        public const string BatchSummary = "Batch: {0} of {1} succeeded, {2} failed, {3} cancelled; {4} requests, {5} throttled (429), {6:0.0} s.";

        public const string RegisterActivity = "Registering customer subscriptions";
        public const string UnregisterActivity = "Removing customer subscriptions";
        public const string SyncActivity = "Synchronizing customer subscriptions";

        // {0} customer, {1} registration name, {2} tenant sent ("-" for none)
        public const string DuplicateRegister = "Customer subscription {0} is given more than once for registration {1}: the last one is sent (tenant {2}).";
        // {0} customer, {1} registration name
        public const string DuplicateUnregister = "Customer subscription {0} is given more than once for registration {1}: it is removed once.";

        // Sync-AzsCustomerSubscription
        // {0} customer, {1} registration name (the ShouldProcess target)
        public const string SyncActionCreate = "Register (create)";
        // {0} current tenant ("-" for none), {1} tenant wanted
        public const string SyncActionUpdate = "Register (update tenant {0} -> {1})";
        public const string SyncActionDelete = "Unregister (prune)";
        // {0} registrations, {1} unchanged mappings
        public const string SyncNothingToDo = "Nothing to do: the {0} registration(s) already hold what the input says ({1} unchanged); nothing was sent.";
        // {0} creates, {1} updates, {2} deletes, {3} unchanged
        public const string SyncPlanned = "Plan: {0} to create, {1} to update, {2} to remove, {3} unchanged.";
        // {0} number of input problems
        public const string SyncNothingSent = "{0} input problem(s), see the errors above: nothing was sent.";
        public const string SyncPruneEmpty = "The input has no customer subscription: with -Prune that would remove every customer subscription of the registrations. Nothing was sent; use Get-AzsCustomerSubscription | Unregister-AzsCustomerSubscription to remove them all.";
        // {0} path
        public const string SyncPathNotFound = "The file '{0}' does not exist.";
        public const string SyncPathNotFile = "'{0}' is not a file of the file system.";
        // {0} line, {1} the library's message
        public const string SyncBadRow = "line {0}: {1}";
        // {0} "line N: ..." (SyncBadRow or SyncDuplicateRow)
        public const string SyncBadRowSkipped = "{0} (skipped: -SkipBadRows)";
        // {0} line, {1} first line, {2} customer
        public const string SyncDuplicateRow = "line {0}: customer subscription {2} is there twice (first on line {1})";
        // {0} path, {1} the library's message
        public const string SyncFileUnusable = "The file '{0}' cannot be read as customer input: {1}. Nothing was sent.";
        // {0} the registration as given, {1} the names of -Registration
        public const string SyncRegistrationNotGiven = "registration '{0}' is not one of -Registration ({1})";
        // {0} the object's type
        public const string SyncObjectNoCustomer = "The input object ({0}) has no CustomerSubscriptionId or SubscriptionId property.";
        // {0} customer, {1} registration name, {2} earlier tenant, {3} later tenant
        public const string SyncDuplicateEntry = "Customer subscription {0} is given more than once for registration {1} (tenant {2}, then {3}): the last one is used.";
        // {0} customer, {1} the library's message
        public const string SyncTenantInvalid = "Customer subscription {0}: {1}; nothing was sent.";
        // {0} the registration name as given, {1} the IDs of -Registration
        public const string SyncRegistrationAmbiguous = "registration '{0}' names more than one of -Registration ({1}): give its resource ID";
    }
}
