function New-AzsErrorRecord {
    <#
    .SYNOPSIS
    An ErrorRecord for a PowerShell-side failure (validation, missing context), with a stable ErrorId.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory)] [string] $Message,
        [Parameter(Mandatory)] [string] $ErrorId,
        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument,
        [object] $TargetObject,
        [System.Exception] $Exception
    )
    if (-not $Exception) {
        $Exception = New-Object System.InvalidOperationException -ArgumentList $Message
    }
    $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $Exception, $ErrorId, $Category, $TargetObject
    if ($Exception.Message -ne $Message) {
        $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails -ArgumentList $Message
    }
    $record
}
