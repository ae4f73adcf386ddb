@{
    # The commands are compiled cmdlets in the interop assembly, which is the root module
    # (no script is parsed at import; the native library is loaded on the first call that needs it).
    RootModule           = 'lib/AzsRegistration.Interop.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c7a4e-2b1d-4d8e-9a57-3c1f0b9d2e41'
    Author               = 'azsreg contributors'
    CompanyName          = 'azsreg'
    Copyright            = '(c) azsreg contributors. MIT License.'
    Description          = 'Registers Cloud Solution Provider customer subscriptions with Azure Stack registrations. Keeps the AzureRM command names that existing runbooks use (Connect-AzureRmAccount, New-AzureRmResource, ...) over a small native library; no AzureRM or Az needed.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('AzsRegistration.format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Connect-AzureRmAccount'
        'Disconnect-AzureRmAccount'
        'Add-AzureRmEnvironment'
        'Get-AzureRmEnvironment'
        'Get-AzureRmContext'
        'Set-AzureRmContext'
        'Get-AzureRmSubscription'
        'Disable-AzureRmContextAutosave'
        'Get-AzsRegistration'
        'Register-AzsCustomerSubscription'
        'Get-AzsCustomerSubscription'
        'Unregister-AzsCustomerSubscription'
        'Sync-AzsCustomerSubscription'
        'New-AzureRmResource'
        'Get-AzureRmResource'
        'Set-AzureRmResource'
        'Remove-AzureRmResource'
        'Enable-AzsAzAlias'
    )
    VariablesToExport    = @()
    AliasesToExport      = @(
        'Add-AzureRmAccount'
        'Login-AzureRmAccount'
        'Remove-AzureRmAccount'
        'Logout-AzureRmAccount'
        'Select-AzureRmSubscription'
    )
    PrivateData          = @{
        PSData = @{
            Tags       = @('AzureStack', 'CSP', 'Registration', 'AzureRM', 'PSEdition_Desktop', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
