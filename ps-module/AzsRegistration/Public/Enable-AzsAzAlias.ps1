function Enable-AzsAzAlias {
    <#
    .SYNOPSIS
    Offers the Az command names (Connect-AzAccount, New-AzResource, ...) as global aliases of this module's AzureRM-named commands.

    .DESCRIPTION
    Scripts written for Az call Connect-AzAccount, Get-AzContext, New-AzResource and so
    on. This command creates global aliases with those names that point at this module's
    commands (module-qualified, for example AzsRegistration\New-AzureRmResource), so such
    scripts run unchanged.

    The aliases are never created by importing the module: an alias takes precedence
    over a function or cmdlet of the same name, so it would shadow the real Az command
    when Az is installed or loaded in the same session. For the same reason a name that
    already resolves to a command (a loaded or installed Az cmdlet, a function, another
    alias) is skipped with a warning, unless -Force is given. Calling the command again
    is harmless: aliases that already point at this module are left as they are.

    Names (the Az name of every AzureRM-named command and alias of this module):
    Connect-AzAccount, Add-AzAccount, Login-AzAccount, Disconnect-AzAccount,
    Remove-AzAccount, Logout-AzAccount, Get-AzContext, Set-AzContext,
    Select-AzSubscription, Get-AzSubscription, Disable-AzContextAutosave,
    Add-AzEnvironment, Get-AzEnvironment, New-AzResource, Get-AzResource, Set-AzResource,
    Remove-AzResource.

    .PARAMETER Name
    Only these Az names (default: all of them).
    .PARAMETER Force
    Also create an alias whose name already resolves to another command (shadowing it).
    .PARAMETER PassThru
    Write the aliases created (AliasInfo).

    .EXAMPLE
    Import-Module AzsRegistration; Enable-AzsAzAlias; Connect-AzAccount -Identity

    An Az-style runbook, run without Az installed.
    .EXAMPLE
    Enable-AzsAzAlias -Name New-AzResource, Remove-AzResource -PassThru

    Only the resource commands; shows the aliases made.

    .OUTPUTS
    None; System.Management.Automation.AliasInfo with -PassThru.

    .LINK
    New-AzureRmResource
    .LINK
    Connect-AzureRmAccount
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType([System.Management.Automation.AliasInfo])]
    param(
        [Parameter(Position = 0)]
        [ValidateSet('Connect-AzAccount', 'Add-AzAccount', 'Login-AzAccount', 'Disconnect-AzAccount', 'Remove-AzAccount', 'Logout-AzAccount',
            'Get-AzContext', 'Set-AzContext', 'Select-AzSubscription', 'Get-AzSubscription', 'Disable-AzContextAutosave',
            'Add-AzEnvironment', 'Get-AzEnvironment', 'New-AzResource', 'Get-AzResource', 'Set-AzResource', 'Remove-AzResource')]
        [string[]] $Name,

        [switch] $Force,

        [switch] $PassThru
    )
    $map = [ordered]@{
        'Connect-AzAccount'         = 'Connect-AzureRmAccount'
        'Add-AzAccount'             = 'Connect-AzureRmAccount'
        'Login-AzAccount'           = 'Connect-AzureRmAccount'
        'Disconnect-AzAccount'      = 'Disconnect-AzureRmAccount'
        'Remove-AzAccount'          = 'Disconnect-AzureRmAccount'
        'Logout-AzAccount'          = 'Disconnect-AzureRmAccount'
        'Get-AzContext'             = 'Get-AzureRmContext'
        'Set-AzContext'             = 'Set-AzureRmContext'
        'Select-AzSubscription'     = 'Set-AzureRmContext'
        'Get-AzSubscription'        = 'Get-AzureRmSubscription'
        'Disable-AzContextAutosave' = 'Disable-AzureRmContextAutosave'
        'Add-AzEnvironment'         = 'Add-AzureRmEnvironment'
        'Get-AzEnvironment'         = 'Get-AzureRmEnvironment'
        'New-AzResource'            = 'New-AzureRmResource'
        'Get-AzResource'            = 'Get-AzureRmResource'
        'Set-AzResource'            = 'Set-AzureRmResource'
        'Remove-AzResource'         = 'Remove-AzureRmResource'
    }
    $moduleName = $MyInvocation.MyCommand.ModuleName
    if (-not $moduleName) { $moduleName = 'AzsRegistration' }
    $names = @($map.Keys)
    if ($Name) { $names = @($names | Where-Object { $Name -contains $_ }) }
    foreach ($azName in $names) {
        $target = $moduleName + '\' + $map[$azName]
        $existingAlias = Get-Alias -Name $azName -Scope Global -ErrorAction SilentlyContinue
        if ($existingAlias -and $existingAlias.Definition -eq $target) {
            Write-Verbose "Alias $azName already points at $target."
            if ($PassThru) { $existingAlias }
            continue
        }
        $existing = @(Get-Command -Name $azName -ErrorAction SilentlyContinue)
        if ($existing.Count -gt 0 -and -not $Force) {
            $what = $existing[0]
            $source = $what.Source
            if (-not $source -and $what.CommandType -eq 'Alias') { $source = 'alias of ' + $what.Definition }
            if (-not $source) { $source = 'this session' }
            Write-Warning "$azName already exists ($($what.CommandType) from $source); it is not shadowed. Use -Force to point $azName at $target anyway."
            continue
        }
        if ($PSCmdlet.ShouldProcess($azName, "Create global alias for $target")) {
            Set-Alias -Name $azName -Value $target -Scope Global -Force -Description 'Az name offered by AzsRegistration (Enable-AzsAzAlias)'
            Write-Verbose "Alias $azName -> $target created."
            if ($PassThru) { Get-Alias -Name $azName -Scope Global }
        }
    }
}
