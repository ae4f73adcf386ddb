# Benchmark contender (bulk-bench.ps1): onboarding with the AzsRegistration module.
# Usage: pwsh -NoProfile -File bulk-module.ps1 <module .psd1> <mode> <ARM base URL> <customers.csv> <throttle limit> <registration ID>...
#   mode probe:    prints PROBE <json> {"version","register":<reason or null>,"sync":<reason or null>}:
#                  null when the command can run here, else why not (nothing is sent)
#   mode register: Import-Csv <csv> | Register-AzsCustomerSubscription -Registration $regs -ThrottleLimit <n>
#                  (a throttle limit of 0 leaves -ThrottleLimit out)
#   mode sync:     Sync-AzsCustomerSubscription -Registration $regs -Path <csv>
#   mode sync-prune: the same with -Prune -Confirm:$false
# Import-Module is not timed (a session imports once), nor is making the PSCredential (a
# runbook gets it from Get-AutomationPSCredential); the timed work is what a session runs:
# Add-AzureRmEnvironment -ARMEndpoint (reads the ARM metadata, as azsreg does),
# Connect-AzureRmAccount -ServicePrincipal, then the command. The CA comes from
# SSL_CERT_FILE, the service principal from AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
# Last line: RESULT <json> {"ok","failed","workMs","output","actions"} (ok: objects the command
# wrote; failed: errors it wrote; output: the type names of what it wrote; actions: how many
# objects of each Action, when they have one, so that the bench shows what a sync said).
# Exit 0 when no error was written.
param([string] $ModulePath, [string] $Mode, [string] $Base, [string] $CsvPath, [int] $ThrottleLimit,
    [Parameter(ValueFromRemainingArguments)] [string[]] $RegistrationIds)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Get-Missing {
    param([string] $Command, [string[]] $Parameters)
    $c = Get-Command $Command -Module AzsRegistration -ErrorAction SilentlyContinue
    if (-not $c) { return "the module has no $Command yet" }
    $lacking = @($Parameters | Where-Object { -not $c.Parameters.ContainsKey($_) })
    if ($lacking.Count) { return "$Command has no -$($lacking -join ', -') yet" }
    $null
}
if ($Mode -eq 'probe') {
    $probe = [ordered]@{
        version  = [string](Get-Module AzsRegistration).Version
        register = Get-Missing 'Register-AzsCustomerSubscription' @('Registration', 'ThrottleLimit')
        sync     = Get-Missing 'Sync-AzsCustomerSubscription' @('Registration', 'Path')
    }
    "PROBE $(ConvertTo-Json -Compress -InputObject $probe)"
    exit 0
}

# The credential is at hand before the work starts, as Get-AutomationPSCredential hands it to
# a runbook (and as the other contenders read their secret from the environment untimed):
# ConvertTo-SecureString -AsPlainText costs about 100 ms on its first call in a session
# (PowerShell loads Microsoft.PowerShell.Security), which is PowerShell's, not the module's.
$secret = ConvertTo-SecureString $env:AZURE_CLIENT_SECRET -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential -ArgumentList $env:AZURE_CLIENT_ID, $secret
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$null = Add-AzureRmEnvironment -Name AzsBulkBench -ARMEndpoint $Base
$null = Connect-AzureRmAccount -Environment AzsBulkBench -ServicePrincipal -Credential $cred -TenantId $env:AZURE_TENANT_ID -SkipContextPopulation
$regs = $RegistrationIds
$errs = $null
switch ($Mode) {
    'register' {
        $more = @{}
        if ($ThrottleLimit -gt 0) { $more.ThrottleLimit = $ThrottleLimit }   # 0: leave it out (one at a time)
        $out = @(Import-Csv -LiteralPath $CsvPath | Register-AzsCustomerSubscription -Registration $regs @more -ErrorAction SilentlyContinue -ErrorVariable errs)
    }
    'sync' { $out = @(Sync-AzsCustomerSubscription -Registration $regs -Path $CsvPath -ErrorAction SilentlyContinue -ErrorVariable errs) }
    'sync-prune' { $out = @(Sync-AzsCustomerSubscription -Registration $regs -Path $CsvPath -Prune -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable errs) }
    default { throw "unknown mode '$Mode'" }
}
$sw.Stop()
$errs = @($errs)
# What the objects say they did (Sync-AzsCustomerSubscription's results carry Action and Succeeded).
$actions = [ordered]@{}
foreach ($o in $out) {
    $a = $o.PSObject.Properties['Action']
    if (-not $a) { continue }
    $name = [string]$a.Value
    $ok = $o.PSObject.Properties['Succeeded']
    if ($ok -and -not $ok.Value) { $name += ' (failed)' }
    $actions[$name] = 1 + $(if ($actions.Contains($name)) { $actions[$name] } else { 0 })
}
$summary = [ordered]@{
    ok           = $out.Count
    failed       = $errs.Count
    workMs       = $sw.Elapsed.TotalMilliseconds
    output       = @($out | ForEach-Object { $_.PSObject.TypeNames[0] } | Sort-Object -Unique)
    actions      = $actions
    firstFailure = $(if ($errs.Count) { [string]$errs[0] } else { $null })
}
"RESULT $(ConvertTo-Json -Compress -InputObject $summary)"
if ($errs.Count) { [Console]::Error.WriteLine("$($errs.Count) errors; first: $($summary.firstFailure)"); exit 1 }
exit 0
