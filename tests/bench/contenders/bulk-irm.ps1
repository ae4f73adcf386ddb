# Benchmark contender (bulk-bench.ps1): onboarding by hand with Invoke-RestMethod, as an
# operator would without the module. One token by hand from the emulator's token endpoint,
# then one PUT per (customer, registration), serially or with
# ForEach-Object -Parallel -ThrottleLimit <n>. Each PUT is retried on 429 after the answer's
# Retry-After (seconds or an HTTP date; 1 s when absent): without that, a throttled run loses items.
# The emulator's certificate is verified (no -SkipCertificateCheck): the caller trusts its
# CA through SSL_CERT_FILE.
# Usage: pwsh -NoProfile -File bulk-irm.ps1 <ARM base URL> <customers.csv> <throttle limit: 0 = serial loop> <registration ID>...
# The service principal comes from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
# Last line: RESULT <json> {"ok","failed","retried429","workMs"}; workMs covers reading the
# CSV, the token and every PUT. Exit 0 only when every item was registered.
param([string] $Base, [string] $CsvPath, [int] $ThrottleLimit, [Parameter(ValueFromRemainingArguments)] [string[]] $RegistrationIds)
$ErrorActionPreference = 'Stop'
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$rows = @(Import-Csv -LiteralPath $CsvPath)
$token = Invoke-RestMethod -Method Post -Uri "$Base$($env:AZURE_TENANT_ID)/oauth2/v2.0/token" -NoProxy -Body @{
    grant_type    = 'client_credentials'
    client_id     = $env:AZURE_CLIENT_ID
    client_secret = $env:AZURE_CLIENT_SECRET
    scope         = 'https://management.emulator.azsreg.local/.default'
}
$headers = @{ Authorization = "Bearer $($token.access_token)" }
$items = foreach ($row in $rows) {
    foreach ($reg in $RegistrationIds) {
        [pscustomobject]@{
            Uri      = "$Base$($reg.TrimStart('/'))/customerSubscriptions/$($row.CustomerSubscriptionId)?api-version=2017-06-01"
            Customer = $row.CustomerSubscriptionId
            Body     = ConvertTo-Json -Compress -InputObject @{ properties = @{ tenantId = $row.TenantId } }
        }
    }
}

# One PUT with the 429 retry; returns @{ Ok; Retried429; Error }. Text, so that the parallel
# runspaces can make their own copy.
$sendText = {
    param($Item, [hashtable] $Headers)
    $retried = 0
    while ($true) {
        try {
            $r = Invoke-RestMethod -Method Put -Uri $Item.Uri -NoProxy -Headers $Headers -ContentType 'application/json' -Body $Item.Body
            $ok = [bool]($r.id -and $r.id.EndsWith("/customerSubscriptions/$($Item.Customer)", [StringComparison]::OrdinalIgnoreCase))
            return @{ Ok = $ok; Retried429 = $retried; Error = $(if ($ok) { $null } else { "the answer's id '$($r.id)' does not name $($Item.Customer)" }) }
        }
        catch {
            $resp = $_.Exception.Response
            if ($resp -and [int]$resp.StatusCode -eq 429) {
                $retried++
                $wait = [TimeSpan]::FromSeconds(1)
                $ra = $resp.Headers.RetryAfter
                # (PowerShell unwraps the Nullable<> values: no .Value)
                if ($ra -and $null -ne $ra.Delta) { $wait = [TimeSpan]$ra.Delta }
                elseif ($ra -and $null -ne $ra.Date) { $wait = [DateTimeOffset]$ra.Date - [DateTimeOffset]::UtcNow }
                if ($wait -gt [TimeSpan]::Zero) { Start-Sleep -Milliseconds ([int][math]::Ceiling($wait.TotalMilliseconds)) }
                continue
            }
            return @{ Ok = $false; Retried429 = $retried; Error = "$($Item.Customer): $($_.Exception.Message)" }
        }
    }
}.ToString()

if ($ThrottleLimit -le 0) {
    $send = [scriptblock]::Create($sendText)
    $results = foreach ($it in $items) { & $send $it $headers }
}
else {
    $results = $items | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
        $send = [scriptblock]::Create($using:sendText)
        & $send $_ $using:headers
    }
}
$sw.Stop()
$results = @($results)
$failed = @($results | Where-Object { -not $_.Ok })
$summary = [ordered]@{
    ok           = @($results | Where-Object { $_.Ok }).Count
    failed       = $failed.Count + ($items.Count - $results.Count)
    retried429   = [int](($results | ForEach-Object { $_.Retried429 } | Measure-Object -Sum).Sum)
    workMs       = $sw.Elapsed.TotalMilliseconds
    firstFailure = $(if ($failed.Count) { $failed[0].Error } else { $null })
}
"RESULT $(ConvertTo-Json -Compress -InputObject $summary)"
if ($summary.failed) { [Console]::Error.WriteLine("$($summary.failed) items failed; first: $($summary.firstFailure)"); exit 1 }
exit 0
