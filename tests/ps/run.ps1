# Runs the module's Pester 5 tests: tests/ps/*.Tests.ps1 (or the files / folders given).
# Environment: AZSREG_MODULE_PATH (module folder or .psd1; default out/module/AzsRegistration),
#              AZSREG_BUILD_DIR (CMake build dir with bin/azsreg-emulator; default out/release),
#              AZSREG_PESTER_PATH (Pester.psd1; default: what build/install-pwsh.sh recorded).
# Exit code: 0 when every test passed. Prints "N passed, N failed, N skipped" at the end.
param(
    [string[]] $Path = @($PSScriptRoot),
    [string] $Verbosity = 'Detailed'
)
$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

$pester = $env:AZSREG_PESTER_PATH
if (-not $pester) {
    $recorded = Join-Path $root 'out/tools/pester-path.txt'
    if (Test-Path -LiteralPath $recorded) { $pester = (Get-Content -LiteralPath $recorded -TotalCount 1).Trim() }
}
if (-not $pester -or -not (Test-Path -LiteralPath $pester)) {
    Write-Error "Pester 5 not found: run build/install-pwsh.sh (or set AZSREG_PESTER_PATH)."
    exit 2
}
Import-Module $pester -MinimumVersion 5.0 -Force

if (-not $env:AZSREG_MODULE_PATH) { $env:AZSREG_MODULE_PATH = Join-Path $root 'out/module/AzsRegistration' }
if (-not $env:AZSREG_BUILD_DIR) { $env:AZSREG_BUILD_DIR = Join-Path $root 'out/release' }
Write-Host "module: $env:AZSREG_MODULE_PATH"
Write-Host "build:  $env:AZSREG_BUILD_DIR"

# pwsh -File passes "a,b" as one string: split it.
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object { (Resolve-Path -LiteralPath $_).Path })

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Run.Exit = $false
$config.Output.Verbosity = $Verbosity
$result = Invoke-Pester -Configuration $config
if (-not $result) {
    Write-Host '0 passed, 1 failed, 0 skipped'
    exit 1
}

$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host ('{0} passed, {1} failed, {2} skipped' -f $result.PassedCount, $failed, $result.SkippedCount)
if ($failed -gt 0 -or $result.Result -ne 'Passed') { exit 1 }
exit 0
