using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Get-AzureRmContext: the current context of this process, every context
    /// (-ListAvailable), one by name (-Name), or the one -DefaultProfile names. Contexts are
    /// process-wide (ContextStore): ForEach-Object -Parallel runspaces and thread jobs see
    /// the same ones.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzureRmContext", DefaultParameterSetName = GetSingleContextSet)]
    [OutputType(typeof(AzsContext))]
    public sealed class GetContextCommand : AzsCmdlet
    {
        public const string GetSingleContextSet = "GetSingleContext";
        public const string ListAllContextsSet = "ListAllContexts";

        [Parameter(ParameterSetName = GetSingleContextSet, Position = 0)]
        public string Name { get; set; }

        [Parameter(ParameterSetName = ListAllContextsSet, Mandatory = true)]
        public SwitchParameter ListAvailable { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            if (ListAvailable.IsPresent)
            {
                // Sort-Object Name: current culture, case-insensitive, stable.
                var byName = StringComparer.Create(CultureInfo.CurrentCulture, true);
                foreach (AzsContext c in ContextStore.List().OrderBy(c => c.Name ?? string.Empty, byName))
                {
                    WriteObject(c);
                }
                return;
            }
            if (!string.IsNullOrEmpty(Name))
            {
                AzsContext c = ContextStore.Get(Name);
                if (c == null)
                {
                    Fail(Strings.F(Strings.ContextNotFound, Name), "ContextNotFound", ErrorCategory.ObjectNotFound, Name);
                    return;
                }
                WriteObject(c);
                return;
            }
            if (DefaultProfile != null)
            {
                WriteObject(GetContextForCall(DefaultProfile));
                return;
            }
            AzsContext current = ContextStore.Current;
            if (current != null) { WriteObject(current); }
        }
    }
}
