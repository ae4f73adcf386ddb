function Get-AzsContextForCall {
    <#
    .SYNOPSIS
    The context a command uses: -DefaultProfile (a context, a profile from
    Connect-AzureRmAccount, or a context name) else the process-wide current context.
    Throws the ErrorRecord "NotConnected" when there is none.
    #>
    [CmdletBinding()]
    [OutputType([AzsRegistration.Interop.AzsContext])]
    param(
        [object] $DefaultProfile,
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $context = $null
    if ($null -ne $DefaultProfile) {
        $value = $DefaultProfile
        if ($value -is [System.Management.Automation.PSObject]) { $value = $value.PSObject.BaseObject }
        if ($value -is [AzsRegistration.Interop.AzsContext]) {
            $context = $value
        }
        elseif ($value -is [string]) {
            $context = [AzsRegistration.Interop.ContextStore]::Get($value)
            if (-not $context) {
                $record = New-AzsErrorRecord -Message ($script:Strings.ContextNotFound -f $value) -ErrorId 'ContextNotFound' -Category ObjectNotFound -TargetObject $value
                if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($record) } else { throw $record }
            }
        }
        elseif ($DefaultProfile.PSObject.Properties['Context'] -and $DefaultProfile.Context -is [AzsRegistration.Interop.AzsContext]) {
            $context = $DefaultProfile.Context
        }
        else {
            $record = New-AzsErrorRecord -Message ($script:Strings.ExpectedContextObject -f $DefaultProfile.GetType().FullName) -ErrorId 'InvalidDefaultProfile' -Category InvalidArgument -TargetObject $DefaultProfile
            if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($record) } else { throw $record }
        }
    }
    else {
        $context = [AzsRegistration.Interop.ContextStore]::Current
    }
    if (-not $context -or -not $context.Client -or $context.Client.IsClosed) {
        $record = New-AzsErrorRecord -Message $script:Strings.NotConnected -ErrorId 'NotConnected' -Category AuthenticationError
        if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($record) } else { throw $record }
    }
    $context
}
