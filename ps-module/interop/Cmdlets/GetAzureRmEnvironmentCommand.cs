using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Get-AzureRmEnvironment: the clouds this process knows, built-in (AzureCloud,
    /// AzureChinaCloud, AzureUSGovernment, AzureGermanCloud, from the native library) and
    /// those added with Add-AzureRmEnvironment.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzureRmEnvironment")]
    [OutputType(typeof(AzsEnvironment))]
    public sealed class GetAzureRmEnvironmentCommand : AzsCmdlet
    {
        /// <summary>Name of one environment (case-insensitive); without it, all are listed.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Name { get; set; }

        protected override void ProcessRecord()
        {
            string[] names = EnvironmentStore.Names();
            if (!string.IsNullOrEmpty(Name))
            {
                string name = Name;
                string json = InvokeNative(() => EnvironmentStore.Get(name));
                if (!string.IsNullOrEmpty(json)) { WriteObject(Output.EnvironmentObject(json)); }
                return;
            }
            foreach (string n in names)
            {
                string json = InvokeNative(() => EnvironmentStore.Get(n));
                if (!string.IsNullOrEmpty(json)) { WriteObject(Output.EnvironmentObject(json)); }
            }
        }
    }
}
