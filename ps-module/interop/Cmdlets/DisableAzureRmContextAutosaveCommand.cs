using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Disable-AzureRmContextAutosave: accepted for runbook compatibility. AzureRM saved
    /// contexts to the user profile unless told not to; this module keeps contexts in the
    /// process only, so there is nothing to turn off (-Verbose says so).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Disable, "AzureRmContextAutosave", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType("AzsRegistration.ContextAutosaveSettings")]
    public sealed class DisableAzureRmContextAutosaveCommand : AzsCmdlet
    {
        /// <summary>Process or CurrentUser; both mean the same here.</summary>
        [Parameter(Position = 0)]
        [ValidateSet("Process", "CurrentUser")]
        public string Scope { get; set; } = "CurrentUser";

        /// <summary>Accepted for compatibility; not used.</summary>
        [Parameter(Position = 1)]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            WriteVerbose(Strings.AutosaveNoop);
            if (ShouldProcess(Scope, Strings.DisableAutosaveAction))
            {
                PSObject o = Output.NewObject("AzsRegistration.ContextAutosaveSettings");
                Output.AddNote(o, "Mode", "Process");
                Output.AddNote(o, "ContextDirectory", null);
                Output.AddNote(o, "ContextFile", null);
                Output.AddNote(o, "CacheDirectory", null);
                Output.AddNote(o, "CacheFile", null);
                WriteObject(o);
            }
        }
    }
}
