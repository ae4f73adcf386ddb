function Disconnect-AzureRmAccount {
    <#
    .SYNOPSIS
    Signs out: removes the current context (and the other contexts of the same account), or the named one.

    .DESCRIPTION
    Disconnect-AzureRmAccount (alias Remove-AzureRmAccount, Logout-AzureRmAccount) forgets
    contexts of this process. The native client of a removed context is freed when no
    context uses it any more (its tokens and secrets are wiped).

    .PARAMETER ContextName
    Name of the context to remove.

    .PARAMETER InputObject
    A context object to remove (from Get-AzureRmContext).

    .PARAMETER Scope
    Process or CurrentUser; contexts always live in the process only.

    .PARAMETER DefaultProfile
    Accepted for compatibility: the context whose account is signed out. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    Disconnect-AzureRmAccount

    .EXAMPLE
    Get-AzureRmContext -Name work | Disconnect-AzureRmAccount

    .OUTPUTS
    AzsRegistration.Interop.AzsAccount (Id, Type, Tenants, ExtendedProperties), as AzureRM's PSAzureRmAccount.

    .LINK
    Connect-AzureRmAccount
    #>
    [CmdletBinding(DefaultParameterSetName = 'ContextName', SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [Alias('Remove-AzureRmAccount', 'Logout-AzureRmAccount')]
    [OutputType([AzsRegistration.Interop.AzsAccount])]
    param(
        [Parameter(ParameterSetName = 'ContextName')]
        [string] $ContextName,

        [Parameter(ParameterSetName = 'InputObject', Mandatory = $true, ValueFromPipeline = $true)]
        [AzsRegistration.Interop.AzsContext] $InputObject,

        [ValidateSet('Process', 'CurrentUser')]
        [string] $Scope = 'Process',

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        $targets = @()
        if ($InputObject) {
            $targets = @($InputObject)
        }
        elseif ($ContextName) {
            $c = [AzsRegistration.Interop.ContextStore]::Get($ContextName)
            if (-not $c) {
                $PSCmdlet.WriteError((New-AzsErrorRecord -Message ($script:Strings.ContextNotFound -f $ContextName) -ErrorId 'ContextNotFound' -Category ObjectNotFound -TargetObject $ContextName))
                return
            }
            $targets = @($c)
        }
        else {
            $current = $null
            if ($null -ne $DefaultProfile) { $current = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $PSCmdlet }
            else { $current = [AzsRegistration.Interop.ContextStore]::Current }
            if (-not $current) { return }
            $targets = @([AzsRegistration.Interop.ContextStore]::List() | Where-Object { $_.Account -eq $current.Account -and $_.Environment -eq $current.Environment })
            if ($targets.Count -eq 0) { $targets = @($current) }
        }
        foreach ($t in $targets) {
            if (-not $PSCmdlet.ShouldProcess($t.Name, 'Sign out and remove the context')) { continue }
            if ($t.Name) { $null = [AzsRegistration.Interop.ContextStore]::Remove($t.Name) }
            if ([object]::ReferenceEquals([AzsRegistration.Interop.ContextStore]::Current, $t)) { [AzsRegistration.Interop.ContextStore]::Current = $null }
            # Free the native client when no remaining context shares it.
            $client = $t.Client
            $shared = @([AzsRegistration.Interop.ContextStore]::List() | Where-Object { [object]::ReferenceEquals($_.Client, $client) })
            $cur = [AzsRegistration.Interop.ContextStore]::Current
            if ($shared.Count -eq 0 -and -not ($cur -and [object]::ReferenceEquals($cur.Client, $client))) {
                if ($client) { $client.Dispose() }
                if ($t.Credential) { $t.Credential.Dispose() }
            }
            Write-Verbose ($script:Strings.Disconnected -f $t.Name)
            $t.Account
        }
    }
}
