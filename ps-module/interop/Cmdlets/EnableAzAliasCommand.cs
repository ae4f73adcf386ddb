using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Enable-AzsAzAlias: the Az command names as GLOBAL aliases of this module's AzureRM-named
    /// commands (module-qualified), so that they work from any scope of the session. A name
    /// that already resolves to a command is skipped with a warning unless -Force; an alias
    /// that already points at this module is left as it is.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Enable, "AzsAzAlias", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(AliasInfo))]
    public sealed class EnableAzAliasCommand : AzsCmdlet
    {
        // Az name -> AzureRM-named command of this module, in the order the aliases are made.
        private static readonly KeyValuePair<string, string>[] Map =
        {
            new KeyValuePair<string, string>("Connect-AzAccount", "Connect-AzureRmAccount"),
            new KeyValuePair<string, string>("Add-AzAccount", "Connect-AzureRmAccount"),
            new KeyValuePair<string, string>("Login-AzAccount", "Connect-AzureRmAccount"),
            new KeyValuePair<string, string>("Disconnect-AzAccount", "Disconnect-AzureRmAccount"),
            new KeyValuePair<string, string>("Remove-AzAccount", "Disconnect-AzureRmAccount"),
            new KeyValuePair<string, string>("Logout-AzAccount", "Disconnect-AzureRmAccount"),
            new KeyValuePair<string, string>("Get-AzContext", "Get-AzureRmContext"),
            new KeyValuePair<string, string>("Set-AzContext", "Set-AzureRmContext"),
            new KeyValuePair<string, string>("Select-AzSubscription", "Set-AzureRmContext"),
            new KeyValuePair<string, string>("Get-AzSubscription", "Get-AzureRmSubscription"),
            new KeyValuePair<string, string>("Disable-AzContextAutosave", "Disable-AzureRmContextAutosave"),
            new KeyValuePair<string, string>("Add-AzEnvironment", "Add-AzureRmEnvironment"),
            new KeyValuePair<string, string>("Get-AzEnvironment", "Get-AzureRmEnvironment"),
            new KeyValuePair<string, string>("New-AzResource", "New-AzureRmResource"),
            new KeyValuePair<string, string>("Get-AzResource", "Get-AzureRmResource"),
            new KeyValuePair<string, string>("Set-AzResource", "Set-AzureRmResource"),
            new KeyValuePair<string, string>("Remove-AzResource", "Remove-AzureRmResource"),
        };

        [Parameter(Position = 0)]
        [ValidateSet("Connect-AzAccount", "Add-AzAccount", "Login-AzAccount", "Disconnect-AzAccount", "Remove-AzAccount", "Logout-AzAccount",
            "Get-AzContext", "Set-AzContext", "Select-AzSubscription", "Get-AzSubscription", "Disable-AzContextAutosave",
            "Add-AzEnvironment", "Get-AzEnvironment", "New-AzResource", "Get-AzResource", "Set-AzResource", "Remove-AzResource")]
        public string[] Name { get; set; }

        [Parameter]
        public SwitchParameter Force { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            string moduleName = MyInvocation.MyCommand.ModuleName;
            if (string.IsNullOrEmpty(moduleName)) { moduleName = "AzsRegistration"; }
            foreach (KeyValuePair<string, string> pair in Map)
            {
                if (Stopping) { return; }
                string azName = pair.Key;
                if (Name != null && Name.Length > 0 && !Contains(Name, azName)) { continue; }
                string target = moduleName + "\\" + pair.Value;

                AliasInfo existingAlias = GetGlobalAlias(azName);
                if (existingAlias != null && string.Equals(existingAlias.Definition, target, StringComparison.OrdinalIgnoreCase))
                {
                    WriteVerbose(Strings.F(Strings.AzAliasAlreadySet, azName, target));
                    if (PassThru) { WriteObject(existingAlias); }
                    continue;
                }

                CommandInfo what = FindCommand(azName);
                if (what != null && !Force)
                {
                    string source = what.Source;
                    if (string.IsNullOrEmpty(source) && what.CommandType == CommandTypes.Alias) { source = Strings.F(Strings.AzAliasSourceAlias, what.Definition); }
                    if (string.IsNullOrEmpty(source)) { source = Strings.AzAliasSourceSession; }
                    WriteWarning(Strings.F(Strings.AzAliasNameExists, azName, target, what.CommandType, source));
                    continue;
                }

                if (ShouldProcess(azName, Strings.F(Strings.AzAliasAction, target)))
                {
                    SetGlobalAlias(azName, target);
                    WriteVerbose(Strings.F(Strings.AzAliasCreated, azName, target));
                    if (PassThru)
                    {
                        AliasInfo made = GetGlobalAlias(azName);
                        if (made != null) { WriteObject(made); }
                    }
                }
            }
        }

        private static bool Contains(string[] names, string name)
        {
            foreach (string n in names)
            {
                if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) { return true; }
            }
            return false;
        }

        // The global scope is reached through the engine's own cmdlets run as a nested pipeline
        // of this runspace (a compiled cmdlet has no scope of its own to leave): Get-Alias /
        // Set-Alias -Scope Global, Get-Command for what the name resolves to in the session.
        private static Collection<PSObject> RunNested(string command, IDictionary<string, object> parameters)
        {
            ICollection<ErrorRecord> ignored;
            return RunNested(command, parameters, out ignored);
        }

        private static Collection<PSObject> RunNested(string command, IDictionary<string, object> parameters, out ICollection<ErrorRecord> errors)
        {
            using (PowerShell ps = PowerShell.Create(RunspaceMode.CurrentRunspace))
            {
                ps.AddCommand(command);
                foreach (KeyValuePair<string, object> p in parameters) { ps.AddParameter(p.Key, p.Value); }
                Collection<PSObject> output = ps.Invoke();
                errors = new List<ErrorRecord>(ps.Streams.Error);
                return output;
            }
        }

        private static AliasInfo GetGlobalAlias(string name)
        {
            Collection<PSObject> found = RunNested("Microsoft.PowerShell.Utility\\Get-Alias", new Dictionary<string, object>
            {
                { "Name", name }, { "Scope", "Global" }, { "ErrorAction", ActionPreference.SilentlyContinue },
            });
            foreach (PSObject o in found)
            {
                AliasInfo a = o == null ? null : o.BaseObject as AliasInfo;
                if (a != null) { return a; }
            }
            return null;
        }

        private static CommandInfo FindCommand(string name)
        {
            Collection<PSObject> found = RunNested("Microsoft.PowerShell.Core\\Get-Command", new Dictionary<string, object>
            {
                { "Name", name }, { "ErrorAction", ActionPreference.SilentlyContinue },
            });
            foreach (PSObject o in found)
            {
                CommandInfo c = o == null ? null : o.BaseObject as CommandInfo;
                if (c != null) { return c; }
            }
            return null;
        }

        // Set-Alias's own errors (a constant alias of that name, for example) are written as
        // they are, non-terminating, as the script's Set-Alias call wrote them.
        private void SetGlobalAlias(string name, string target)
        {
            ICollection<ErrorRecord> errors;
            RunNested("Microsoft.PowerShell.Utility\\Set-Alias", new Dictionary<string, object>
            {
                { "Name", name }, { "Value", target }, { "Scope", "Global" }, { "Force", true },
                { "Description", Strings.AzAliasDescription },
            }, out errors);
            foreach (ErrorRecord e in errors) { WriteError(e); }
        }
    }
}
