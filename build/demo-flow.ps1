# The PowerShell part of the demo (build/demo.sh): the seed's runbook flow against the
# emulator, with the packaged AzsRegistration module. Prints each command before running
# it, its result and how long it took.
#   pwsh -NoProfile -File build/demo-flow.ps1 <module .psd1> <ARM endpoint> <registration ID> <customer subscription> <customer tenant>
# The caller sets AZSREG_CA_FILE (the emulator's CA) and the service principal in
# AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET; the secret is never printed.
param(
    [Parameter(Mandatory = $true)] [string] $ModulePath,
    [Parameter(Mandatory = $true)] [string] $ArmEndpoint,
    [Parameter(Mandatory = $true)] [string] $RegistrationId,
    [Parameter(Mandatory = $true)] [string] $CustomerSubscription,
    [Parameter(Mandatory = $true)] [string] $CustomerTenant
)
$ErrorActionPreference = 'Stop'
# No colour escapes when the output goes to a file or a pipe.
if ([Console]::IsOutputRedirected -and $PSVersionTable.PSVersion.Major -ge 7 -and (Test-Path variable:PSStyle)) { $PSStyle.OutputRendering = 'PlainText' }

function Invoke-DemoStep {
    # Shows the command as typed, runs it, prints how long it took; returns its output.
    param([string] $Shown, [scriptblock] $Run)
    Write-Host ''
    Write-Host "    PS> $Shown"
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $result = & $Run
    $sw.Stop()
    Write-Host ('    ({0:N0} ms)' -f $sw.Elapsed.TotalMilliseconds)
    $result
}

function Show-Result {
    # Writes formatted output wide enough that resource IDs stay on one line.
    param([Parameter(ValueFromPipeline = $true)] [object] $InputObject)
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($InputObject) }
    end { Write-Host (($items | Out-String -Width 300).TrimEnd()) }
}

$tenant = $env:AZURE_TENANT_ID
$resourceId = "$($RegistrationId.TrimStart('/'))/customerSubscriptions/$CustomerSubscription"

Invoke-DemoStep "Import-Module $ModulePath" { Import-Module $ModulePath }

$environment = Invoke-DemoStep "Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $ArmEndpoint" {
    Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $ArmEndpoint
}
$environment | Format-List Name, Type, ResourceManagerUrl, ActiveDirectoryAuthority, ActiveDirectoryServiceEndpointResourceId | Show-Result

# As the seed runbooks sign in: a service principal's application ID and secret in a PSCredential.
$login = Invoke-DemoStep ('$cred = New-Object PSCredential $env:AZURE_CLIENT_ID, (ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force)' +
    "`n    PS> Add-AzureRmAccount -Environment AzsEmulator -ServicePrincipal -Credential `$cred -TenantId $tenant") {
    $secret = ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force
    $cred = New-Object System.Management.Automation.PSCredential -ArgumentList $env:AZURE_CLIENT_ID, $secret
    Add-AzureRmAccount -Environment AzsEmulator -ServicePrincipal -Credential $cred -TenantId $tenant
}
$login.Context | Format-List Account, SubscriptionName, TenantId, Environment | Show-Result

$created = Invoke-DemoStep "New-AzureRmResource -ResourceId `"$resourceId`" -ApiVersion 2017-06-01 -Properties @{ tenantId = '$CustomerTenant' } -Force" {
    New-AzureRmResource -ResourceId $resourceId -ApiVersion 2017-06-01 -Properties @{ tenantId = $CustomerTenant } -Force
}
$created | Format-List Name, ResourceId, ResourceType, ResourceGroupName, SubscriptionId, Properties | Show-Result

$read = Invoke-DemoStep "Get-AzureRmResource -ResourceId `"$resourceId`" -ApiVersion 2017-06-01" {
    Get-AzureRmResource -ResourceId $resourceId -ApiVersion 2017-06-01
}
$read | Format-List Name, ResourceId, ResourceType, Properties | Show-Result
if ($read.ResourceId -ne "/$resourceId" -or $read.Properties.tenantId -ne $CustomerTenant) {
    throw "Get-AzureRmResource returned '$($read.ResourceId)' with tenant '$($read.Properties.tenantId)', not what New-AzureRmResource registered"
}

$all = Invoke-DemoStep "Get-AzureRmResource -ResourceId `"$($RegistrationId.TrimStart('/'))/customerSubscriptions`" -ApiVersion 2017-06-01" {
    @(Get-AzureRmResource -ResourceId "$($RegistrationId.TrimStart('/'))/customerSubscriptions" -ApiVersion 2017-06-01)
}
$all | Format-Table Name, @{ Label = 'TenantId'; Expression = { $_.Properties.tenantId } } -AutoSize | Show-Result
