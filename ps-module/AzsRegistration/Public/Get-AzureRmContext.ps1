function Get-AzureRmContext {
    <#
    .SYNOPSIS
    Gets the current context (or all, or one by name) of this process.

    .DESCRIPTION
    A context says who is signed in (Account), to which tenant and subscription, in which
    cloud (Environment); it holds the native client that every command uses. Contexts are
    process-wide: ForEach-Object -Parallel runspaces and thread jobs see the same ones.

    .PARAMETER Name
    Name of a context.

    .PARAMETER ListAvailable
    Lists every context of this process.

    .PARAMETER DefaultProfile
    A context, a profile (from Connect-AzureRmAccount) or a context name to return instead
    of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    Get-AzureRmContext

    .EXAMPLE
    Get-AzureRmContext -ListAvailable

    .OUTPUTS
    AzsRegistration.Interop.AzsContext

    .LINK
    Set-AzureRmContext

    .LINK
    Connect-AzureRmAccount
    #>
    [CmdletBinding(DefaultParameterSetName = 'GetSingleContext')]
    [OutputType([AzsRegistration.Interop.AzsContext])]
    param(
        [Parameter(ParameterSetName = 'GetSingleContext', Position = 0)]
        [string] $Name,

        [Parameter(ParameterSetName = 'ListAllContexts', Mandatory = $true)]
        [switch] $ListAvailable,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        if ($ListAvailable) {
            [AzsRegistration.Interop.ContextStore]::List() | Sort-Object Name
            return
        }
        if ($Name) {
            $c = [AzsRegistration.Interop.ContextStore]::Get($Name)
            if (-not $c) {
                $PSCmdlet.WriteError((New-AzsErrorRecord -Message ($script:Strings.ContextNotFound -f $Name) -ErrorId 'ContextNotFound' -Category ObjectNotFound -TargetObject $Name))
                return
            }
            return $c
        }
        if ($null -ne $DefaultProfile) {
            return (Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $PSCmdlet)
        }
        $current = [AzsRegistration.Interop.ContextStore]::Current
        if ($current) { $current }
    }
}
