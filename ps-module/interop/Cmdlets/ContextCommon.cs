using System.Globalization;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>Small helpers of the account and context commands (Connect/Disconnect-AzureRmAccount, Get-/Set-AzureRmContext, Get-AzureRmSubscription).</summary>
    internal static class ContextCommon
    {
        /// <summary>
        /// PowerShell's -eq: case-insensitive, invariant culture; $null equals only $null;
        /// objects by their Equals (AzsAccount / AzsEnvironment compare by Id / Name).
        /// </summary>
        internal static bool PsEquals(object a, object b)
        {
            return LanguagePrimitives.Equals(a, b, true, CultureInfo.InvariantCulture);
        }
    }
}
