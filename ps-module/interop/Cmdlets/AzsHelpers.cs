using System;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Confirmation helpers shared by the cmdlets that change something: AzureRM's
    /// ShouldContinue + ShouldProcess (Private/AzsResourceCommon.ps1's Confirm-AzsResourceAction)
    /// and the -Force / -Confirm / non-interactive-host rule of Unregister-AzsCustomerSubscription.
    /// The host check is the base's AzsCmdlet.IsInteractiveHost, passed in as a delegate
    /// (it is protected): call them as e.g.
    ///   AzsHelpers.ConfirmResourceAction(this, Force.IsPresent, IsInteractiveHost, id, continueMessage, processMessage)
    /// </summary>
    internal static class AzsHelpers
    {
        /// <summary>
        /// $WhatIfPreference as a script command saw it: -WhatIf (or -WhatIf:$false) when bound,
        /// else the caller's $WhatIfPreference.
        /// </summary>
        internal static bool IsWhatIf(PSCmdlet cmdlet)
        {
            object bound;
            if (cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out bound))
            {
                return LanguagePrimitives.IsTrue(bound);
            }
            return LanguagePrimitives.IsTrue(cmdlet.SessionState.PSVariable.GetValue("WhatIfPreference"));
        }

        /// <summary>True when -Confirm was given as $true (-Confirm, -Confirm:$true).</summary>
        internal static bool IsConfirmRequested(PSCmdlet cmdlet)
        {
            object bound;
            return cmdlet.MyInvocation.BoundParameters.TryGetValue("Confirm", out bound) && LanguagePrimitives.IsTrue(bound);
        }

        /// <summary>
        /// $ConfirmPreference as a script command that sets it to 'None' on -Force (without
        /// -WhatIf) sees it: None with -Force, else Low with -Confirm, None with -Confirm:$false,
        /// else the caller's $ConfirmPreference (High when unset or unreadable).
        /// </summary>
        internal static ConfirmImpact EffectiveConfirmPreference(PSCmdlet cmdlet, bool force)
        {
            if (force && !IsWhatIf(cmdlet)) { return ConfirmImpact.None; }
            object bound;
            if (cmdlet.MyInvocation.BoundParameters.TryGetValue("Confirm", out bound))
            {
                return LanguagePrimitives.IsTrue(bound) ? ConfirmImpact.Low : ConfirmImpact.None;
            }
            object pref = cmdlet.SessionState.PSVariable.GetValue("ConfirmPreference");
            if (pref == null) { return ConfirmImpact.High; }
            if (pref is ConfirmImpact) { return (ConfirmImpact)pref; }
            ConfirmImpact parsed;
            if (Enum.TryParse(Convert.ToString(PSObject.AsPSObject(pref).BaseObject, CultureInfo.InvariantCulture), true, out parsed))
            {
                return parsed;
            }
            return ConfirmImpact.High;
        }

        /// <summary>
        /// The rule of a command that confirms through ShouldProcess only (ConfirmImpact High,
        /// Unregister-AzsCustomerSubscription), for BeginProcessing: when ShouldProcess would
        /// prompt (no -WhatIf, and the effective $ConfirmPreference is not None after -Force /
        /// -Confirm:$false) and the host cannot prompt, the terminating error
        /// ConfirmationRequiresForce (InvalidOperation, Strings.NonInteractiveNeedsForce with the
        /// command name). Returns true when the prompt is to be skipped (-Force): pass that to
        /// <see cref="ShouldProcess(PSCmdlet, bool, string, string)"/>.
        /// </summary>
        internal static bool RequireForceWhenNonInteractive(PSCmdlet cmdlet, bool force, Func<bool> isInteractiveHost)
        {
            bool whatIf = IsWhatIf(cmdlet);
            bool wouldPrompt = !whatIf && EffectiveConfirmPreference(cmdlet, force) != ConfirmImpact.None;
            if (wouldPrompt && !isInteractiveHost())
            {
                string name = cmdlet.MyInvocation.MyCommand.Name;
                cmdlet.ThrowTerminatingError(AzsCmdlet.NewErrorRecord(Strings.F(Strings.NonInteractiveNeedsForce, name),
                    "ConfirmationRequiresForce", ErrorCategory.InvalidOperation));
            }
            // A script's $ConfirmPreference = 'None' does not beat an explicit -Confirm (the
            // runtime's flag wins): then ShouldProcess still asks.
            return force && !whatIf && !IsConfirmRequested(cmdlet);
        }

        /// <summary>
        /// ShouldProcess(target, action), or with skipPrompt (see RequireForceWhenNonInteractive)
        /// what ShouldProcess does when $ConfirmPreference is None: true without asking, after the
        /// verbose line "Performing the operation ..." (shown with -Verbose / $VerbosePreference).
        /// </summary>
        internal static bool ShouldProcess(PSCmdlet cmdlet, bool skipPrompt, string target, string action)
        {
            if (!skipPrompt) { return cmdlet.ShouldProcess(target, action); }
            cmdlet.WriteVerbose(Strings.F(Strings.PerformingOperation, action, target));
            return true;
        }

        /// <summary>
        /// Confirm-AzsResourceAction: AzureRM's confirmation for New-/Set-/Remove-AzureRmResource.
        /// -WhatIf first: ShouldProcess(target, processMessage) writes "What if: ..." and false is
        /// returned, never a prompt. Without -Force: in a host that cannot prompt the terminating
        /// error ConfirmationRequired (InvalidOperation, target = target); else
        /// ShouldContinue(continueMessage, "") (a host that fails to prompt gives the same error;
        /// No returns false). Then ShouldProcess(target, processMessage). True: go on.
        /// </summary>
        internal static bool ConfirmResourceAction(PSCmdlet cmdlet, bool force, Func<bool> isInteractiveHost,
            string target, string continueMessage, string processMessage)
        {
            if (IsWhatIf(cmdlet))
            {
                cmdlet.ShouldProcess(target, processMessage);
                return false;
            }
            if (!force)
            {
                string commandName = cmdlet.MyInvocation.MyCommand.Name;
                string needForce = Strings.F(Strings.ConfirmationNeedsForce, commandName, continueMessage);
                if (!isInteractiveHost())
                {
                    cmdlet.ThrowTerminatingError(AzsCmdlet.NewErrorRecord(needForce, "ConfirmationRequired", ErrorCategory.InvalidOperation, target));
                }
                bool answer = false;
                try
                {
                    answer = cmdlet.ShouldContinue(continueMessage, string.Empty);
                }
                catch (PipelineStoppedException)
                {
                    throw;
                }
                catch (HostException)
                {
                    cmdlet.ThrowTerminatingError(AzsCmdlet.NewErrorRecord(needForce, "ConfirmationRequired", ErrorCategory.InvalidOperation, target));
                }
                catch (PSInvalidOperationException)
                {
                    cmdlet.ThrowTerminatingError(AzsCmdlet.NewErrorRecord(needForce, "ConfirmationRequired", ErrorCategory.InvalidOperation, target));
                }
                if (!answer) { return false; }
            }
            return cmdlet.ShouldProcess(target, processMessage);
        }
    }
}
