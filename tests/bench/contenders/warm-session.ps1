# Benchmark: warm per-call cost in one session. Imports the module, signs in (two requests,
# as register-module.ps1), gets a token by hand for Invoke-RestMethod, then registers a
# fresh customer subscription per call with New-AzureRmResource,
# Register-AzsCustomerSubscription and a plain Invoke-RestMethod PUT, alternating (the
# order rotates every round). -WarmUp rounds first, untimed for the result.
# Usage: pwsh -NoProfile -File warm-session.ps1 <module .psd1> <ARM base URL> <registration ID> <customer tenant> <calls> [<warm-up rounds>]
# Writes one tab-separated line per call: WARMUP|CALL, contender, milliseconds, the
# customer subscription sent, the ID the call returned (the caller checks both and the
# emulator's state). The CA comes from SSL_CERT_FILE, the service principal from AZURE_*.
param([string] $ModulePath, [string] $Base, [string] $RegistrationId, [string] $CustomerTenantId, [int] $Calls, [int] $WarmUp = 3)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$null = Add-AzureRmEnvironment -Name AzsBench -ResourceManagerEndpoint $Base -ActiveDirectoryEndpoint $Base `
    -ActiveDirectoryServiceEndpointResourceId 'https://management.emulator.azsreg.local/'
$secret = ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential -ArgumentList $env:AZURE_CLIENT_ID, $secret
$null = Connect-AzureRmAccount -Environment AzsBench -ServicePrincipal -Credential $cred -TenantId $env:AZURE_TENANT_ID -SkipContextPopulation
$token = Invoke-RestMethod -Method Post -Uri "$Base$($env:AZURE_TENANT_ID)/oauth2/v2.0/token" -NoProxy -Body @{
    grant_type = 'client_credentials'; client_id = $env:AZURE_CLIENT_ID; client_secret = $env:AZURE_CLIENT_SECRET
    scope      = 'https://management.emulator.azsreg.local/.default'
}
$reg = $RegistrationId.TrimStart('/')
$headers = @{ Authorization = "Bearer $($token.access_token)" }
$body = ConvertTo-Json -Compress -InputObject @{ properties = @{ tenantId = $CustomerTenantId } }
$ops = [ordered]@{
    'New-AzureRmResource'              = {
        param([string] $g)
        (New-AzureRmResource -ResourceId "$reg/customerSubscriptions/$g" -ApiVersion 2017-06-01 -Properties @{ tenantId = $CustomerTenantId } -Force).ResourceId
    }
    'Register-AzsCustomerSubscription' = {
        param([string] $g)
        (Register-AzsCustomerSubscription -Registration "/$reg" -CustomerSubscriptionId $g -TenantId $CustomerTenantId).CustomerSubscriptionId
    }
    'Invoke-RestMethod'                = {
        param([string] $g)
        (Invoke-RestMethod -Method Put -Uri "$Base$reg/customerSubscriptions/$($g)?api-version=2017-06-01" -NoProxy -Headers $headers -ContentType 'application/json' -Body $body).id
    }
}
$names = @($ops.Keys)
$inv = [cultureinfo]::InvariantCulture
for ($i = 0; $i -lt $WarmUp + $Calls; $i++) {
    $phase = if ($i -lt $WarmUp) { 'WARMUP' } else { 'CALL' }
    for ($j = 0; $j -lt $names.Count; $j++) {
        $name = $names[($i + $j) % $names.Count]
        $op = $ops[$name]
        $g = [guid]::NewGuid().ToString()
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $id = & $op $g
        $sw.Stop()
        "$phase`t$name`t$($sw.Elapsed.TotalMilliseconds.ToString('R', $inv))`t$g`t$id"
    }
}
