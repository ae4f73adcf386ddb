# Benchmark contender "module": one registration through AzsRegistration in a fresh process,
# the runbook way (service principal sign-in, then New-AzureRmResource).
# The environment is given its endpoints (no discovery request) and the sign-in skips the
# subscription list (-SkipContextPopulation), so that the emulator sees the same two
# requests as from register-irm.ps1: token, then PUT. The caller trusts the emulator's CA
# through SSL_CERT_FILE (the library honours it), as for register-irm.ps1.
# Usage: pwsh -NoProfile -File register-module.ps1 <module .psd1> <ARM base URL> <registration ID> <customer subscription> <customer tenant>
# The service principal comes from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
# Prints the registered resource's ID.
param([string] $ModulePath, [string] $Base, [string] $RegistrationId, [string] $CustomerSubscriptionId, [string] $CustomerTenantId)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = Add-AzureRmEnvironment -Name AzsBench -ResourceManagerEndpoint $Base -ActiveDirectoryEndpoint $Base `
    -ActiveDirectoryServiceEndpointResourceId 'https://management.emulator.azsreg.local/'
$secret = ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential -ArgumentList $env:AZURE_CLIENT_ID, $secret
$null = Connect-AzureRmAccount -Environment AzsBench -ServicePrincipal -Credential $cred -TenantId $env:AZURE_TENANT_ID -SkipContextPopulation
$r = New-AzureRmResource -ResourceId "$($RegistrationId.TrimStart('/'))/customerSubscriptions/$CustomerSubscriptionId" `
    -ApiVersion 2017-06-01 -Properties @{ tenantId = $CustomerTenantId } -Force
$r.ResourceId
