# AzsRegistration module script: loads the interop assembly (which finds the native
# library under runtimes/<rid>/native/ next to it), the messages, then the private
# helpers and the public commands (one per file). Written for Windows PowerShell 5.1
# and PowerShell 7 alike.

$script:ModuleRoot = $PSScriptRoot

# The interop assembly: lib/ in the packaged module; AZSREG_INTEROP_PATH overrides
# (development: point it at the dotnet build output).
if (-not ('AzsRegistration.Interop.Native' -as [type])) {
    $interopPath = $env:AZSREG_INTEROP_PATH
    if (-not $interopPath) {
        $interopPath = Join-Path (Join-Path $PSScriptRoot 'lib') 'AzsRegistration.Interop.dll'
    }
    if (-not (Test-Path -LiteralPath $interopPath)) {
        throw "AzsRegistration: the interop assembly was not found at '$interopPath'. Build the module with build/package-module.sh and import it from out/module/AzsRegistration."
    }
    # Assembly.LoadFrom, not Add-Type -Path: the same effect, without Add-Type's
    # ~200 ms of first-use set-up (Import-Module time matters in runbooks).
    $null = [System.Reflection.Assembly]::LoadFrom((Resolve-Path -LiteralPath $interopPath).ProviderPath)
}

# Messages (en-US/AzsRegistration.strings.psd1; other cultures may be added beside it).
$script:Strings = $null
Import-LocalizedData -BindingVariable 'script:Strings' -FileName 'AzsRegistration.strings.psd1' -BaseDirectory $PSScriptRoot -UICulture 'en-US' -ErrorAction SilentlyContinue
if ($PSUICulture -and $PSUICulture -ne 'en-US' -and (Test-Path -LiteralPath (Join-Path (Join-Path $PSScriptRoot $PSUICulture) 'AzsRegistration.strings.psd1'))) {
    Import-LocalizedData -BindingVariable 'script:Strings' -FileName 'AzsRegistration.strings.psd1' -BaseDirectory $PSScriptRoot -ErrorAction SilentlyContinue
}
if (-not $script:Strings) {
    throw "AzsRegistration: en-US/AzsRegistration.strings.psd1 is missing from '$PSScriptRoot'."
}

#region scripts: build/package-module.sh replaces this region with the scripts themselves
# (one parse instead of one dot-source per file: faster Import-Module).
foreach ($folder in @('Private', 'Public')) {
    $dir = Join-Path $PSScriptRoot $folder
    if (Test-Path -LiteralPath $dir) {
        foreach ($file in @(Get-ChildItem -LiteralPath $dir -Filter '*.ps1' -File | Sort-Object Name)) {
            . $file.FullName
        }
    }
}
#endregion scripts

# Export what the manifest lists and this module defines (R's and M's public commands).
$manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot 'AzsRegistration.psd1')
$functions = @($manifest.FunctionsToExport | Where-Object { Test-Path -LiteralPath ("function:" + $_) })
Export-ModuleMember -Function $functions -Alias $manifest.AliasesToExport
