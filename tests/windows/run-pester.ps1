# The Pester tests that run on the Windows build, in the Windows PowerShell host under
# Wine (tests/windows/run.sh runs this through build/pwsh-windows.sh): the Windows module
# tests, then the files of the Linux suite (tests/ps) that can run there. Prints
# "N passed, N failed, N skipped" (tests/ps/run.ps1) and exits non-zero on a failure.
$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

# Files of tests/ps that run under the Windows host. Left out, and why:
$linuxOnly = @{
}
$paths = @(Join-Path $PSScriptRoot 'Module.Windows.Tests.ps1')
foreach ($f in Get-ChildItem -LiteralPath (Join-Path $root 'tests/ps') -Filter '*.Tests.ps1' | Sort-Object Name) {
    if ($linuxOnly.ContainsKey($f.Name)) {
        Write-Host "skipped on Windows: $($f.Name) ($($linuxOnly[$f.Name]))"
        continue
    }
    $paths += $f.FullName
}
& (Join-Path $root 'tests/ps/run.ps1') -Path ($paths -join ',') -Verbosity Detailed
exit $LASTEXITCODE
