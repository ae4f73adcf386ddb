#!/usr/bin/env pwsh
<#
.SYNOPSIS
Benchmark of the AzsRegistration module (issue 11). It reports; it is not a test.

.DESCRIPTION
Starts azsreg-emulator on 127.0.0.1 (free port, throwaway CA) and measures, with the
contenders alternated (every round runs each contender once, the order rotating from round
to round) and medians over the rounds:

1. Import, in a fresh process: pwsh -NoProfile -c 'Import-Module <psd1>' against a bare
   pwsh -NoProfile -c exit.
2. One registration (sign-in + PUT of a new customer subscription) in a fresh process:
   - module: tests/bench/contenders/register-module.ps1 (Import-Module,
     Add-AzureRmEnvironment with explicit endpoints, Connect-AzureRmAccount -ServicePrincipal
     -SkipContextPopulation, New-AzureRmResource ... -ApiVersion 2017-06-01 -Properties
     @{tenantId=...} -Force): two requests, token and PUT;
   - Invoke-RestMethod: contenders/register-irm.ps1, the same two requests by hand;
   - azsreg register (the CLI of the build dir; it also reads the ARM metadata: three requests);
   - curl: contenders/register-curl.sh, two curl calls.
   Every contender verifies the emulator's certificate against the same CA file: the two
   pwsh contenders through SSL_CERT_FILE (read by .NET and by the module's library alike),
   azsreg through --ca-file, curl through --cacert. Before timing, each contender is run
   once without the CA (it must fail and register nothing) and once with it (it must work).
3. Warm per-call cost in one session (contenders/warm-session.ps1): New-AzureRmResource,
   Register-AzsCustomerSubscription and an Invoke-RestMethod PUT, alternated, medians of
   -Calls calls each after 3 untimed rounds.

Every timed run is checked, so that a broken contender cannot look fast: exit code 0, its
output names the customer subscription it registered, and the emulator's state holds that
subscription with the tenant sent, reached by exactly one successful PUT (the request log
of the emulator is read between runs, outside the timing). A failed check stops the
benchmark with an error; a missed goal does not (the goals are printed with PASS or MISS).

The load average (/proc/loadavg) is printed before and after each part: on a busy machine
the figures are slower and noisier than on a quiet one, the ratios less so.
Child processes get POWERSHELL_TELEMETRY_OPTOUT=1 and POWERSHELL_UPDATECHECK=Off (nothing
leaves the machine) and none of the caller's proxy, CA or Azure sign-in variables.

.PARAMETER ModulePath
The module's manifest or folder (default out/module/AzsRegistration/AzsRegistration.psd1
under the repository root; a relative path is taken from the current directory).

.PARAMETER BuildDir
The CMake build dir holding bin/azsreg-emulator and bin/azsreg (default out/release under
the repository root).

.PARAMETER Rounds
Timed rounds of parts 1 and 2 (each contender runs once per round).

.PARAMETER Calls
Timed calls per contender in part 3.

.EXAMPLE
pwsh -NoProfile -File tests/bench/module-bench.ps1 -Rounds 15
#>
param(
    [string] $ModulePath,
    [string] $BuildDir,
    [ValidateRange(1, 1000)] [int] $Rounds = 9,
    [ValidateRange(1, 300)] [int] $Calls = 30   # (3 + Calls) x 3 PUTs are read back from the emulator's request log
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Resolve-BenchPath {
    param([string] $Given, [string] $Default)
    if (-not $Given) { return (Join-Path $root $Default) }
    $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Given)
}
$manifest = Resolve-BenchPath $ModulePath 'out/module/AzsRegistration/AzsRegistration.psd1'
if (Test-Path -LiteralPath $manifest -PathType Container) { $manifest = Join-Path $manifest 'AzsRegistration.psd1' }
$build = Resolve-BenchPath $BuildDir 'out/release'
if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) { throw "module not found at $manifest (package it: bash build/package-module.sh out/release)" }
$azsreg = Join-Path $build 'bin/azsreg'
foreach ($f in @($azsreg, (Join-Path $build 'bin/azsreg-emulator'))) {
    if (-not (Test-Path -LiteralPath $f -PathType Leaf)) { throw "$f not found (build it: bash build/build.sh release)" }
}
$curl = (Get-Command curl -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
$bash = (Get-Command bash -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source

Import-Module (Join-Path $PSScriptRoot '../ps/Helpers/Emulator.psm1') -Force
$pwsh = Get-AzsTestPwsh
$contenderDir = Join-Path $PSScriptRoot 'contenders'
$facts = Get-AzsSampleFacts
$customerTenant = $facts.TenantId
$inv = [cultureinfo]::InvariantCulture

# ---- helpers ---------------------------------------------------------------------------

function Get-LoadAverage {
    if (Test-Path -LiteralPath '/proc/loadavg') { return ((Get-Content -LiteralPath '/proc/loadavg' -TotalCount 1) -split ' ')[0..2] -join ' ' }
    'n/a'
}

function Get-Median {
    param([double[]] $Values)
    $s = [double[]]@($Values | Sort-Object)
    if ($s.Count -eq 0) { return [double]::NaN }
    $mid = [int][math]::Floor($s.Count / 2)
    if ($s.Count % 2 -eq 1) { return $s[$mid] }
    ($s[$mid - 1] + $s[$mid]) / 2
}

# What no child inherits: it would change where requests go, what they trust or who signs in.
$scrubbed = @('SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE', 'AZSREG_CA_FILE', 'AZSREG_PROXY', 'AZSREG_ACCESS_TOKEN',
    'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy',
    'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
    'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_USERNAME', 'AZURE_PASSWORD', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'MSI_ENDPOINT', 'MSI_SECRET')
# The emulator's sample service principal (never printed).
$childEnvironment = @{
    POWERSHELL_TELEMETRY_OPTOUT = '1'
    POWERSHELL_UPDATECHECK      = 'Off'
    AZURE_TENANT_ID             = $facts.TenantId
    AZURE_CLIENT_ID             = $facts.AppId
    AZURE_CLIENT_SECRET         = $facts.Secret
}

function Invoke-Timed {
    # Starts one process (stdin closed, output captured) and times it from start to exit.
    param([string] $File, [string[]] $Arguments, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 300)
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $File
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    foreach ($k in $scrubbed) { [void]$psi.Environment.Remove($k) }
    foreach ($k in $childEnvironment.Keys) { $psi.Environment[$k] = $childEnvironment[$k] }
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string]$Environment[$k] }
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $p = [System.Diagnostics.Process]::Start($psi)
    try {
        $p.StandardInput.Close()
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
            $p.Kill($true)
            throw "$File did not finish within $TimeoutSeconds s"
        }
        $sw.Stop()
        $p.WaitForExit()
        [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; ExitCode = $p.ExitCode; Out = $out.Result; Err = $err.Result }
    }
    finally { $p.Dispose() }
}

function Get-RotatedOrder {
    param([object[]] $Items, [int] $Round)
    $n = $Items.Count
    foreach ($j in 0..($n - 1)) { $Items[($Round + $j) % $n] }
}

function Write-Table {
    param([string] $Title, [object[]] $Rows)
    Write-Host ('   {0,-58} {1,11} {2,11} {3,11}' -f $Title, 'median', 'min', 'max')
    foreach ($r in $Rows) {
        $v = [double[]]$r.Times
        Write-Host ('   {0,-58} {1,8:N1} ms {2,8:N1} ms {3,8:N1} ms{4}' -f $r.Label, (Get-Median $v), ($v | Measure-Object -Minimum).Minimum, ($v | Measure-Object -Maximum).Maximum, $r.Note)
    }
}

function Get-Verdict {
    param([double] $Ratio, [double] $Goal)
    if ($Ratio -le $Goal) { 'PASS' } else { 'MISS' }
}

$loadStart = Get-LoadAverage
$cores = [Environment]::ProcessorCount
$moduleVersion = (Import-PowerShellDataFile -LiteralPath $manifest).ModuleVersion
Write-Host 'AzsRegistration module benchmark (issue 11). It reports figures; it fails only when a contender is broken.'
Write-Host ("machine:  {0}, {1} cores; PowerShell {2} ({3})" -f [System.Runtime.InteropServices.RuntimeInformation]::OSDescription, $cores, $PSVersionTable.PSVersion, $pwsh)
Write-Host "module:   $manifest ($moduleVersion)"
Write-Host "build:    $build"
Write-Host "rounds:   $Rounds (contenders alternate: one run each per round, the order rotating); warm calls: $Calls per contender"
Write-Host "load average (1/5/15 min) at the start: $loadStart"
$clock = [System.Diagnostics.Stopwatch]::StartNew()

# ---- 1. import -------------------------------------------------------------------------
Write-Host ''
Write-Host "1. Import in a fresh process (median of $Rounds)"
Write-Host "   load before: $(Get-LoadAverage)"
$q = "'" + $manifest.Replace("'", "''") + "'"
$check = Invoke-Timed -File $pwsh -Arguments @('-NoProfile', '-NonInteractive', '-c', "Import-Module $q -ErrorAction Stop; @(Get-Command -Module AzsRegistration).Count; [bool](Get-Command New-AzureRmResource -Module AzsRegistration)")
$lines = @(($check.Out -split "`r?`n") | Where-Object { $_ })
if ($check.ExitCode -ne 0 -or $lines.Count -lt 2 -or $lines[-1] -ne 'True' -or [int]$lines[-2] -lt 1) {
    throw "the module does not import: exit $($check.ExitCode): $($check.Err)$($check.Out)"
}
Write-Host "   check: the module imports and exports $($lines[-2]) commands"
$importContenders = @(
    @{ Key = 'bare'; Label = 'pwsh -NoProfile -c exit'; Args = @('-NoProfile', '-c', 'exit') }
    @{ Key = 'import'; Label = "pwsh -NoProfile -c 'Import-Module <psd1>'"; Args = @('-NoProfile', '-c', "Import-Module $q") }
)
$importTimes = @{ bare = [System.Collections.Generic.List[double]]::new(); import = [System.Collections.Generic.List[double]]::new() }
for ($round = -1; $round -lt $Rounds; $round++) {
    foreach ($c in (Get-RotatedOrder -Items $importContenders -Round ($round + 1))) {
        $r = Invoke-Timed -File $pwsh -Arguments $c.Args
        if ($r.ExitCode -ne 0 -or $r.Err.Trim()) { throw "$($c.Label) failed (exit $($r.ExitCode)): $($r.Err)" }
        if ($round -ge 0) { $importTimes[$c.Key].Add($r.Ms) }   # round -1 warms the disk cache
    }
}
Write-Table -Title 'contender' -Rows @(
    foreach ($c in $importContenders) { @{ Label = $c.Label; Times = $importTimes[$c.Key]; Note = '' } }
)
$importRatio = (Get-Median $importTimes.import) / (Get-Median $importTimes.bare)
Write-Host ('   Import-Module adds {0:N0} ms (difference of the medians)' -f ((Get-Median $importTimes.import) - (Get-Median $importTimes.bare)))
Write-Host "   load after:  $(Get-LoadAverage)"

# ---- 2 and 3 need the emulator ---------------------------------------------------------
$emu = $null
try {
    $emu = Start-AzsEmulator -BuildDir $build
    $base = $emu.BaseUrl
    $ca = $emu.CaFile
    $regId = $facts.RegistrationId

    # Was customer subscription $Guid registered by exactly one successful PUT since the
    # request log was cleared, with the tenant sent? Returns the number of requests seen.
    function Assert-Registered {
        param([string] $Guid, [string] $Who)
        $stored = @((Get-AzsEmulatorRegistration -Emulator $emu).customerSubscriptions | Where-Object { $_ -and $_.id -eq $Guid })
        if ($stored.Count -ne 1) { throw "${Who}: the emulator holds no customer subscription $Guid" }
        if ($stored[0].properties.tenantId -ne $customerTenant) { throw "${Who}: the emulator stored tenant '$($stored[0].properties.tenantId)' for $Guid" }
        $seen = @(Get-AzsEmulatorRequests -Emulator $emu | Where-Object { $_.listener -eq 'https' })
        $puts = @($seen | Where-Object { $_.method -eq 'PUT' -and $_.path -like "*/customerSubscriptions/$Guid" -and [int]$_.status -in 200, 201 })
        if ($puts.Count -ne 1) { throw "${Who}: the emulator saw $($puts.Count) successful PUTs of $Guid (expected 1)" }
        $seen.Count
    }
    function Assert-NothingRegistered {
        param([string] $Guid, [string] $Who)
        if ((Get-AzsEmulatorCustomerIds -Emulator $emu) -contains $Guid) { throw "${Who}: registered $Guid without the CA: the certificate is not verified" }
        $puts = @(Get-AzsEmulatorRequests -Emulator $emu | Where-Object { $_.method -eq 'PUT' })
        if ($puts.Count -ne 0) { throw "${Who}: a PUT reached the emulator without the CA: the certificate is not verified" }
    }

    # ---- 2. one registration in a fresh process --------------------------------------------
    Write-Host ''
    Write-Host "2. One registration (sign-in + PUT) in a fresh process, against the emulator at $base (median of $Rounds)"
    Write-Host "   load before: $(Get-LoadAverage)"
    $regContenders = @(
        @{ Key = 'module'; Label = 'module: Connect-AzureRmAccount + New-AzureRmResource'
            Start = { param($g, $withCa) @{ File = $pwsh; Env = $(if ($withCa) { @{ SSL_CERT_FILE = $ca } } else { @{} })
                    Args = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $contenderDir 'register-module.ps1'), $manifest, $base, $regId, $g, $customerTenant) } } }
        @{ Key = 'irm'; Label = 'script of two Invoke-RestMethod calls (token + PUT)'
            Start = { param($g, $withCa) @{ File = $pwsh; Env = $(if ($withCa) { @{ SSL_CERT_FILE = $ca } } else { @{} })
                    Args = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $contenderDir 'register-irm.ps1'), $base, $regId, $g, $customerTenant) } } }
        @{ Key = 'azsreg'; Label = 'azsreg register'
            Start = { param($g, $withCa) @{ File = $azsreg; Env = @{}
                    Args = @('register', '--registration', $regId, '--customer-subscription', $g, '--tenant-id', $customerTenant, '--arm-endpoint', $base) + $(if ($withCa) { @('--ca-file', $ca) } else { @() }) } } }
        @{ Key = 'curl'; Label = 'curl, two calls (token + PUT)'
            Start = { param($g, $withCa) @{ File = $bash; Env = @{}
                    Args = @((Join-Path $contenderDir 'register-curl.sh'), $base, $regId, $g, $customerTenant) + $(if ($withCa) { @($ca) } else { @() }) } } }
    )
    $regTimes = @{}
    $regRequests = @{}
    foreach ($c in $regContenders) { $regTimes[$c.Key] = [System.Collections.Generic.List[double]]::new(); $regRequests[$c.Key] = [System.Collections.Generic.HashSet[int]]::new() }

    function Invoke-Registration {
        param([hashtable] $Contender, [bool] $WithCa)
        $g = [guid]::NewGuid().ToString()
        $s = & $Contender.Start $g $WithCa
        Clear-AzsEmulatorRequests -Emulator $emu
        $r = Invoke-Timed -File $s.File -Arguments $s.Args -Environment $s.Env
        if (-not $WithCa) {
            if ($r.ExitCode -eq 0) { throw "$($Contender.Label): succeeded without the emulator's CA: the certificate is not verified" }
            Assert-NothingRegistered -Guid $g -Who $Contender.Label
            return $null
        }
        if ($r.ExitCode -ne 0) { throw "$($Contender.Label) failed (exit $($r.ExitCode)): $($r.Err.Trim()) $($r.Out.Trim())" }
        if ($r.Out -notmatch [regex]::Escape($g)) { throw "$($Contender.Label): its output does not name $g" }
        $n = Assert-Registered -Guid $g -Who $Contender.Label
        [pscustomobject]@{ Ms = $r.Ms; Requests = $n }
    }

    # Certificate check (and warm-up): without the CA every contender must fail, with it work.
    foreach ($c in $regContenders) {
        $null = Invoke-Registration -Contender $c -WithCa $false
        $null = Invoke-Registration -Contender $c -WithCa $true
    }
    Write-Host '   check: each contender fails without the emulator''s CA and registers with it (same CA file for all)'
    for ($round = 0; $round -lt $Rounds; $round++) {
        foreach ($c in (Get-RotatedOrder -Items $regContenders -Round $round)) {
            $r = Invoke-Registration -Contender $c -WithCa $true
            $regTimes[$c.Key].Add($r.Ms)
            $null = $regRequests[$c.Key].Add($r.Requests)
        }
    }
    Write-Table -Title 'contender (requests the emulator saw per registration)' -Rows @(
        foreach ($c in $regContenders) { @{ Label = "$($c.Label) ($((@($regRequests[$c.Key]) | Sort-Object) -join '/'))"; Times = $regTimes[$c.Key]; Note = '' } }
    )
    $irmMedian = Get-Median $regTimes.irm
    $regRatio = (Get-Median $regTimes.module) / $irmMedian
    Write-Host ('   ratios to the Invoke-RestMethod script: module {0:N2}x, azsreg {1:N2}x, curl {2:N2}x' -f $regRatio, ((Get-Median $regTimes.azsreg) / $irmMedian), ((Get-Median $regTimes.curl) / $irmMedian))
    Write-Host "   load after:  $(Get-LoadAverage)"

    # ---- 3. warm per-call cost in one session -------------------------------------------
    Write-Host ''
    Write-Host "3. Warm per-call cost in one session: one registration per call (median of $Calls calls each)"
    Write-Host "   load before: $(Get-LoadAverage)"
    $warmUp = 3
    Clear-AzsEmulatorRequests -Emulator $emu
    $r = Invoke-Timed -File $pwsh -Environment @{ SSL_CERT_FILE = $ca } -TimeoutSeconds 1800 -Arguments @(
        '-NoProfile', '-NonInteractive', '-File', (Join-Path $contenderDir 'warm-session.ps1'), $manifest, $base, $regId, $customerTenant, [string]$Calls, [string]$warmUp)
    if ($r.ExitCode -ne 0) { throw "the warm session failed (exit $($r.ExitCode)): $($r.Err.Trim()) $($r.Out.Trim())" }
    $warmKeys = @('New-AzureRmResource', 'Register-AzsCustomerSubscription', 'Invoke-RestMethod')
    $warmTimes = @{}
    foreach ($k in $warmKeys) { $warmTimes[$k] = [System.Collections.Generic.List[double]]::new() }
    $sent = [System.Collections.Generic.List[string]]::new()
    foreach ($line in ($r.Out -split "`r?`n" | Where-Object { $_ -match '^(WARMUP|CALL)\t' })) {
        $f = $line -split "`t"
        if ($f.Count -ne 5 -or $f[1] -notin $warmKeys) { throw "the warm session wrote an unexpected line: $line" }
        # Each call returns what it registered: New-AzureRmResource and Invoke-RestMethod the resource ID, Register-Azs... the subscription.
        if (-not $f[4].EndsWith($f[3], [StringComparison]::OrdinalIgnoreCase)) { throw "$($f[1]) returned '$($f[4])' for customer subscription $($f[3])" }
        $sent.Add($f[3])
        if ($f[0] -eq 'CALL') { $warmTimes[$f[1]].Add([double]::Parse($f[2], $inv)) }
    }
    $expected = ($warmUp + $Calls) * $warmKeys.Count
    if ($sent.Count -ne $expected) { throw "the warm session made $($sent.Count) calls, expected $expected" }
    $stored = [System.Collections.Generic.HashSet[string]]::new([string[]]@(Get-AzsEmulatorCustomerIds -Emulator $emu))
    $missing = @($sent | Where-Object { -not $stored.Contains($_) })
    if ($missing.Count) { throw "the emulator lacks $($missing.Count) of the customer subscriptions the warm session registered (first: $($missing[0]))" }
    $okPuts = @(Get-AzsEmulatorRequests -Emulator $emu | Where-Object { $_.method -eq 'PUT' -and [int]$_.status -in 200, 201 })
    if ($okPuts.Count -ne $expected) { throw "the emulator saw $($okPuts.Count) successful PUTs in the warm session, expected $expected" }
    Write-Host "   check: the $expected calls returned what they registered; the emulator saw $expected successful PUTs and holds every subscription"
    Write-Table -Title 'contender (same session, signed in, one PUT per call)' -Rows @(
        foreach ($k in $warmKeys) { @{ Label = $k; Times = $warmTimes[$k]; Note = '' } }
    )
    $warmIrm = Get-Median $warmTimes['Invoke-RestMethod']
    Write-Host ('   ratios to the Invoke-RestMethod PUT: New-AzureRmResource {0:N2}x, Register-AzsCustomerSubscription {1:N2}x' -f ((Get-Median $warmTimes['New-AzureRmResource']) / $warmIrm), ((Get-Median $warmTimes['Register-AzsCustomerSubscription']) / $warmIrm))
    Write-Host "   load after:  $(Get-LoadAverage)"
}
finally {
    Stop-AzsEmulator -Emulator $emu
}

# ---- goals ------------------------------------------------------------------------------
$loadEnd = Get-LoadAverage
Write-Host ''
Write-Host 'Goals of issue 11 (on a quiet machine):'
Write-Host ('   import:       Import-Module run / bare pwsh                {0,5:N2}x   goal <= 1.25x   {1}' -f $importRatio, (Get-Verdict $importRatio 1.25))
Write-Host ('   registration: module / Invoke-RestMethod script (fresh)    {0,5:N2}x   goal <= 1.10x   {1}' -f $regRatio, (Get-Verdict $regRatio 1.10))
Write-Host ("load average (1/5/15 min): {0} at the start, {1} at the end; {2} cores; {3:N0} s in all" -f $loadStart, $loadEnd, $cores, $clock.Elapsed.TotalSeconds)
$load1 = 0.0
if ([double]::TryParse(($loadEnd -split ' ')[0], [System.Globalization.NumberStyles]::Float, $inv, [ref]$load1) -and $load1 -gt $cores) {
    Write-Host 'note: the machine was busy (load above the number of cores): the times are slower and noisier than on a quiet machine.'
}
