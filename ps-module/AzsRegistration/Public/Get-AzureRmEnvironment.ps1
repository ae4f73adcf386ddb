function Get-AzureRmEnvironment {
    <#
    .SYNOPSIS
    Lists the clouds this process knows: the built-in ones and those added with Add-AzureRmEnvironment.

    .DESCRIPTION
    Built-in: AzureCloud, AzureChinaCloud, AzureUSGovernment, AzureGermanCloud (from the
    native library). Custom environments live in this process only.

    .PARAMETER Name
    Name of one environment (case-insensitive). Without it, all are listed.

    .EXAMPLE
    Get-AzureRmEnvironment

    .EXAMPLE
    Get-AzureRmEnvironment -Name AzureStackUser

    .OUTPUTS
    AzsRegistration.Interop.AzsEnvironment (Name, ResourceManagerUrl, ActiveDirectoryAuthority, ..., Type: Built-in or User-defined)

    .LINK
    Add-AzureRmEnvironment
    #>
    [CmdletBinding()]
    [OutputType([AzsRegistration.Interop.AzsEnvironment])]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)]
        [string] $Name
    )

    process {
        $cmdlet = $PSCmdlet
        $names = @([AzsRegistration.Interop.EnvironmentStore]::Names())
        if ($Name) {
            $json = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.EnvironmentStore]::Get($Name) }
            if ($json) { ConvertTo-AzsEnvironmentObject -Json $json }
            return
        }
        foreach ($n in $names) {
            $json = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.EnvironmentStore]::Get($n) }
            if ($json) { ConvertTo-AzsEnvironmentObject -Json $json }
        }
    }
}
