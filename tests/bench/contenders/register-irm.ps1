# Benchmark contender "Invoke-RestMethod script": one registration written by hand, two
# requests (token, then PUT), as an operator would without the module.
# The emulator's certificate is verified: no -SkipCertificateCheck; the caller trusts the
# emulator's CA through SSL_CERT_FILE (.NET on Linux reads it at start-up).
# Usage: pwsh -NoProfile -File register-irm.ps1 <ARM base URL> <registration ID> <customer subscription> <customer tenant>
# The service principal comes from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
# Prints the registered resource's ID.
param([string] $Base, [string] $RegistrationId, [string] $CustomerSubscriptionId, [string] $CustomerTenantId)
$ErrorActionPreference = 'Stop'
$token = Invoke-RestMethod -Method Post -Uri "$Base$($env:AZURE_TENANT_ID)/oauth2/v2.0/token" -NoProxy -Body @{
    grant_type    = 'client_credentials'
    client_id     = $env:AZURE_CLIENT_ID
    client_secret = $env:AZURE_CLIENT_SECRET
    scope         = 'https://management.emulator.azsreg.local/.default'
}
$body = ConvertTo-Json -Compress -InputObject @{ properties = @{ tenantId = $CustomerTenantId } }
$uri = "$Base$($RegistrationId.TrimStart('/'))/customerSubscriptions/$($CustomerSubscriptionId)?api-version=2017-06-01"
$r = Invoke-RestMethod -Method Put -Uri $uri -NoProxy -Headers @{ Authorization = "Bearer $($token.access_token)" } -ContentType 'application/json' -Body $body
$r.id
