using System.Globalization;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>Small helpers of the context commands (Get-/Set-AzureRmContext, Get-AzureRmSubscription).</summary>
    internal static class ContextCommon
    {
        /// <summary>
        /// PowerShell's -eq on two strings: case-insensitive, invariant culture; $null equals
        /// only $null.
        /// </summary>
        internal static bool PsEquals(string a, string b)
        {
            if (a == null || b == null) { return a == null && b == null; }
            return string.Compare(a, b, CultureInfo.InvariantCulture, CompareOptions.IgnoreCase) == 0;
        }
    }
}
