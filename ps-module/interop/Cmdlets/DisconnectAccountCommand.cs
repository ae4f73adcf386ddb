using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Disconnect-AzureRmAccount (aliases Remove-AzureRmAccount, Logout-AzureRmAccount): forgets
    /// contexts of this process; the native client of a removed context is freed when no
    /// context uses it any more (its tokens and secrets are wiped).
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "AzureRmAccount", DefaultParameterSetName = ContextNameSet,
        SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [Alias("Remove-AzureRmAccount", "Logout-AzureRmAccount")]
    [OutputType(typeof(AzsAccount))]
    public sealed class DisconnectAccountCommand : AzsCmdlet
    {
        public const string ContextNameSet = "ContextName";
        public const string InputObjectSet = "InputObject";

        [Parameter(ParameterSetName = ContextNameSet)]
        public string ContextName { get; set; }

        [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
        public AzsContext InputObject { get; set; }

        [Parameter]
        [ValidateSet("Process", "CurrentUser")]
        public string Scope { get; set; } = "Process";

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            var targets = new List<AzsContext>();
            if (InputObject != null)
            {
                targets.Add(InputObject);
            }
            else if (!string.IsNullOrEmpty(ContextName))
            {
                AzsContext c = ContextStore.Get(ContextName);
                if (c == null)
                {
                    Fail(Strings.F(Strings.ContextNotFound, ContextName), "ContextNotFound", ErrorCategory.ObjectNotFound, ContextName);
                    return;
                }
                targets.Add(c);
            }
            else
            {
                AzsContext current = DefaultProfile != null ? GetContextForCall(DefaultProfile) : ContextStore.Current;
                if (current == null) { return; }
                foreach (AzsContext c in ContextStore.List())
                {
                    if (ContextCommon.PsEquals(c.Account, current.Account) && ContextCommon.PsEquals(c.Environment, current.Environment)) { targets.Add(c); }
                }
                if (targets.Count == 0) { targets.Add(current); }
            }

            foreach (AzsContext t in targets)
            {
                if (!ShouldProcess(t.Name, Strings.DisconnectAction)) { continue; }
                if (!string.IsNullOrEmpty(t.Name)) { ContextStore.Remove(t.Name); }
                if (ReferenceEquals(ContextStore.Current, t)) { ContextStore.Current = null; }
                // Free the native client when no remaining context shares it.
                ClientHandle client = t.Client;
                bool shared = false;
                foreach (AzsContext c in ContextStore.List())
                {
                    if (ReferenceEquals(c.Client, client)) { shared = true; break; }
                }
                AzsContext cur = ContextStore.Current;
                if (!shared && !(cur != null && ReferenceEquals(cur.Client, client)))
                {
                    if (client != null) { client.Dispose(); }
                    if (t.Credential != null) { t.Credential.Dispose(); }
                }
                WriteVerbose(Strings.F(Strings.Disconnected, t.Name));
                WriteObject(t.Account);
            }
        }

    }
}
