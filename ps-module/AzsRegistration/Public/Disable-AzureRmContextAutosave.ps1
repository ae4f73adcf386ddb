function Disable-AzureRmContextAutosave {
    <#
    .SYNOPSIS
    Accepted for runbook compatibility; contexts of this module are never saved to disk.

    .DESCRIPTION
    AzureRM saved contexts to the user profile unless told not to, and runbooks call this
    to keep jobs apart. This module keeps contexts in the process only, so there is
    nothing to turn off; -Verbose says so.

    .PARAMETER Scope
    Process or CurrentUser; both mean the same here.

    .PARAMETER DefaultProfile
    Accepted for compatibility; not used.

    .EXAMPLE
    Disable-AzureRmContextAutosave -Scope Process

    .OUTPUTS
    AzsRegistration.ContextAutosaveSettings

    .LINK
    Connect-AzureRmAccount
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('AzsRegistration.ContextAutosaveSettings')]
    param(
        [ValidateSet('Process', 'CurrentUser')]
        [string] $Scope = 'CurrentUser',

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        Write-Verbose $script:Strings.AutosaveNoop
        if ($PSCmdlet.ShouldProcess($Scope, 'Disable context autosave')) {
            [pscustomobject]@{
                PSTypeName       = 'AzsRegistration.ContextAutosaveSettings'
                Mode             = 'Process'
                ContextDirectory = $null
                ContextFile      = $null
                CacheDirectory   = $null
                CacheFile        = $null
            }
        }
    }
}
