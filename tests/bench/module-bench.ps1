#!/usr/bin/env pwsh
<#
.SYNOPSIS
Benchmark of the AzsRegistration module (not a test: it prints numbers, it asserts nothing).

.DESCRIPTION
1. Import cost: the median wall time of `pwsh -NoProfile -Command exit` and of
   `pwsh -NoProfile -Command "Import-Module <module>; exit"` over -Runs runs each; the
   difference is what Import-Module adds to a bare start.
2. One registration, against the same emulator: through the module
   (Connect-AzureRmAccount -ServicePrincipal + New-AzureRmResource -Force) versus a plain
   Invoke-RestMethod script making the same calls (POST token + PUT). Each iteration
   signs in afresh, so both sides make exactly two requests. Median of -Iterations, and
   the ratio module / Invoke-RestMethod.
Only loopback traffic. The plain script skips certificate checks (loopback emulator, PowerShell 7 only).

.PARAMETER ModulePath
The module folder or .psd1 (default: AZSREG_MODULE_PATH, else out/module/AzsRegistration).
.PARAMETER BuildDir
The CMake build dir holding bin/azsreg-emulator (default: AZSREG_BUILD_DIR, else out/release).
.PARAMETER Runs
pwsh starts per variant for the import measurement.
.PARAMETER Iterations
Registrations per variant.

.EXAMPLE
pwsh -NoProfile -File tests/bench/module-bench.ps1 -Runs 9 -Iterations 20
#>
param(
    [string] $ModulePath,
    [string] $BuildDir,
    [int] $Runs = 7,
    [int] $Iterations = 15
)
$ErrorActionPreference = 'Stop'
if ($BuildDir) { $env:AZSREG_BUILD_DIR = $BuildDir }
if ($ModulePath) { $env:AZSREG_MODULE_PATH = $ModulePath }
Import-Module (Join-Path $PSScriptRoot '../ps/Helpers/Emulator.psm1') -Force
$manifest = Get-AzsTestModulePath
if (-not (Test-Path -LiteralPath $manifest)) { throw "module not found at $manifest (build it with build/package-module.sh)" }

function Get-Median {
    param([double[]] $Values)
    $s = @($Values | Sort-Object)
    if ($s.Count -eq 0) { return [double]::NaN }
    if ($s.Count % 2 -eq 1) { return $s[[int][math]::Floor($s.Count / 2)] }
    return ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}

function Measure-Start {
    param([string] $Pwsh, [string] $Command, [int] $Count)
    $times = foreach ($i in 1..$Count) {
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        & $Pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' exited with $LASTEXITCODE" }
        $sw.Stop()
        $sw.Elapsed.TotalMilliseconds
    }
    Get-Median $times
}

$pwsh = Join-Path $PSHOME 'pwsh'
if (-not (Test-Path -LiteralPath $pwsh)) { $pwsh = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source }

Write-Host "AzsRegistration module benchmark ($([System.Runtime.InteropServices.RuntimeInformation]::OSDescription), PowerShell $($PSVersionTable.PSVersion))"
Write-Host "module: $manifest"
Write-Host ''

# ---- 1. import cost -------------------------------------------------------------------
# One warm-up start each, so that the first start's disk cache misses do not count.
Measure-Start -Pwsh $pwsh -Command 'exit' -Count 1 | Out-Null
Measure-Start -Pwsh $pwsh -Command "Import-Module '$manifest'; exit" -Count 1 | Out-Null
$bare = Measure-Start -Pwsh $pwsh -Command 'exit' -Count $Runs
$withImport = Measure-Start -Pwsh $pwsh -Command "Import-Module '$manifest'; exit" -Count $Runs
Write-Host ('Start-up (median of {0} runs)' -f $Runs)
Write-Host ('  pwsh -NoProfile -Command exit               {0,8:N0} ms' -f $bare)
Write-Host ('  ... with Import-Module AzsRegistration       {0,8:N0} ms' -f $withImport)
Write-Host ('  Import-Module adds                          {0,8:N0} ms' -f ($withImport - $bare))
Write-Host ''

# ---- 2. one registration ----------------------------------------------------------------
$emu = Start-AzsEmulator
try {
    $facts = Get-AzsSampleFacts
    $env:AZSREG_CA_FILE = $emu.CaFile
    Import-Module $manifest -Force
    Add-AzureRmEnvironment -Name AzsBenchEmulator -ARMEndpoint $emu.BaseUrl | Out-Null
    $cred = New-AzsSampleCredential
    $regId = $facts.RegistrationId.TrimStart('/')
    $audience = 'https://management.emulator.azsreg.local/'

    $viaModule = {
        param([string] $CustomerId)
        Connect-AzureRmAccount -Environment AzsBenchEmulator -ServicePrincipal -Credential $cred -TenantId $facts.TenantId -SkipContextPopulation | Out-Null
        New-AzureRmResource -ResourceId "$regId/customerSubscriptions/$CustomerId" -ApiVersion 2017-06-01 -Properties @{ tenantId = $facts.TenantId } -Force | Out-Null
    }
    $viaRest = {
        param([string] $CustomerId)
        $token = Invoke-RestMethod -Method Post -Uri "$($emu.BaseUrl)$($facts.TenantId)/oauth2/v2.0/token" -SkipCertificateCheck -NoProxy -Body @{
            grant_type = 'client_credentials'; client_id = $facts.AppId; client_secret = $facts.Secret; scope = "$audience.default"
        }
        $body = ConvertTo-Json -Compress -InputObject @{ properties = @{ tenantId = $facts.TenantId } }
        Invoke-RestMethod -Method Put -Uri "$($emu.BaseUrl)$regId/customerSubscriptions/$($CustomerId)?api-version=2017-06-01" -SkipCertificateCheck -NoProxy `
            -Headers @{ Authorization = "Bearer $($token.access_token)" } -ContentType 'application/json' -Body $body | Out-Null
    }

    # Warm-up (JIT, connection set-up code paths), then alternate the two to share any drift.
    & $viaModule ([guid]::NewGuid().ToString())
    & $viaRest ([guid]::NewGuid().ToString())
    $m = [System.Collections.Generic.List[double]]::new()
    $r = [System.Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $Iterations; $i++) {
        $sw = [System.Diagnostics.Stopwatch]::StartNew(); & $viaModule ([guid]::NewGuid().ToString()); $sw.Stop(); $m.Add($sw.Elapsed.TotalMilliseconds)
        $sw = [System.Diagnostics.Stopwatch]::StartNew(); & $viaRest ([guid]::NewGuid().ToString()); $sw.Stop(); $r.Add($sw.Elapsed.TotalMilliseconds)
    }
    $mm = Get-Median $m.ToArray()
    $rm = Get-Median $r.ToArray()
    $count = @(Get-AzsEmulatorCustomerIds -Emulator $emu).Count
    Write-Host ('One registration: sign-in + PUT (median of {0})' -f $Iterations)
    Write-Host ('  module (Connect-AzureRmAccount + New-AzureRmResource) {0,8:N1} ms' -f $mm)
    Write-Host ('  plain Invoke-RestMethod (token + PUT)                 {0,8:N1} ms' -f $rm)
    Write-Host ('  ratio module / Invoke-RestMethod                      {0,8:N2}' -f ($mm / $rm))
    Write-Host ('  (customer subscriptions in the emulator afterwards: {0})' -f $count)
}
finally {
    Stop-AzsEmulator -Emulator $emu
}
