# Windows PowerShell 5.1 cannot run here, so this checks what can be checked: every module
# data file (the manifest; the commands are compiled cmdlets, there is no script) parses,
# and uses no syntax newer than 5.1 (found by walking the AST of PowerShell 7's parser);
# the interop assembly, which holds the cmdlets, targets a framework 5.1 loads
# (netstandard2.0 or net462+) and references nothing else; the manifest says Desktop + Core.

BeforeDiscovery {
    $root = Resolve-Path (Join-Path $PSScriptRoot '../../ps-module/AzsRegistration')
    $script:Files = @(Get-ChildItem -LiteralPath $root -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' |
        ForEach-Object { @{ Path = $_.FullName; Name = $_.FullName.Substring(([string]$root).Length + 1) } })
}

BeforeAll {
    function Find-NewerThan51 {
        <#
        Returns one line per construct that Windows PowerShell 5.1 cannot run, with its line number.
        #>
        param([System.Management.Automation.Language.Ast] $Ast)
        $L = [System.Management.Automation.Language.TokenKind]
        $found = $Ast.FindAll({
                param($n)
                $t = $n.GetType().Name
                if ($t -eq 'TernaryExpressionAst' -or $t -eq 'PipelineChainAst') { return $true }
                if ($n -is [System.Management.Automation.Language.BinaryExpressionAst] -and $n.Operator -eq [System.Management.Automation.Language.TokenKind]::QuestionQuestion) { return $true }
                if ($n -is [System.Management.Automation.Language.AssignmentStatementAst] -and $n.Operator -eq [System.Management.Automation.Language.TokenKind]::QuestionQuestionEquals) { return $true }
                if ($n -is [System.Management.Automation.Language.MemberExpressionAst] -and $n.NullConditional) { return $true }
                if ($n -is [System.Management.Automation.Language.IndexExpressionAst] -and $n.NullConditional) { return $true }
                if ($n -is [System.Management.Automation.Language.ScriptBlockAst] -and $null -ne $n.CleanBlock) { return $true }
                if ($n -is [System.Management.Automation.Language.CommandAst]) {
                    $name = $n.GetCommandName()
                    $params = @($n.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object { $_.ParameterName })
                    if (@('ForEach-Object', '%', 'foreach') -contains $name -and ($params | Where-Object { 'Parallel' -like "$_*" -and $_.Length -ge 2 })) { return $true }
                    if ($name -eq 'ConvertFrom-Json' -and ($params | Where-Object { $_ -in @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind') })) { return $true }
                    if ($name -eq 'ConvertTo-Json' -and ($params | Where-Object { $_ -in @('AsArray', 'EscapeHandling') })) { return $true }
                    if (@('Invoke-RestMethod', 'Invoke-WebRequest') -contains $name -and ($params | Where-Object { $_ -in @('SkipCertificateCheck', 'Authentication', 'Token', 'SslProtocol', 'StatusCodeVariable', 'ResponseHeadersVariable', 'NoProxy') })) { return $true }
                    if (@('Get-Error', 'Join-String', 'Test-Json', 'ForEach-Object -Parallel', 'Start-ThreadJob', 'Get-Uptime', 'Remove-Alias', 'Clear-RecycleBin') -contains $name) { return $true }
                }
                if ($n -is [System.Management.Automation.Language.TypeExpressionAst] -or $n -is [System.Management.Automation.Language.TypeConstraintAst]) {
                    if (@('semver', 'System.Management.Automation.SemanticVersion', 'ordered[]') -contains $n.TypeName.FullName) { return $true }
                }
                return $false
            }, $true)
        foreach ($f in $found) { "line $($f.Extent.StartLineNumber): $($f.GetType().Name): $($f.Extent.Text.Split("`n")[0])" }
    }
    function Test-Snippet {
        param([string] $Code)
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors)
        @(Find-NewerThan51 -Ast $ast)
    }
}

Describe 'The checker itself finds each construct newer than 5.1' {
    It 'finds <Code>' -ForEach @(
        @{ Code = '$a = $b ? 1 : 2' }
        @{ Code = '$a = $b ?? 1' }
        @{ Code = '$a ??= 1' }
        @{ Code = '$a = ${b}?.c' }
        @{ Code = '$a = ${b}?[0]' }
        @{ Code = 'Get-Item x && Get-Item y' }
        @{ Code = 'Get-Item x || Get-Item y' }
        @{ Code = 'function f { process { 1 } clean { 2 } }' }
        @{ Code = '1..3 | ForEach-Object -Parallel { $_ }' }
        @{ Code = '1..3 | % -Par { $_ }' }
        @{ Code = '$x = ConvertFrom-Json $j -AsHashtable' }
        @{ Code = 'Invoke-RestMethod https://127.0.0.1/ -SkipCertificateCheck' }
        @{ Code = '[semver]"1.0.0"' }
    ) {
        (Test-Snippet $Code).Count | Should -BeGreaterThan 0
    }

    It 'passes 5.1 syntax: <Code>' -ForEach @(
        @{ Code = 'using namespace System.Text' + "`n" + '$sb = [StringBuilder]::new()' }
        @{ Code = 'if ($a) { 1 } else { 2 }; $x = [ordered]@{ a = 1 }; [pscustomobject]@{ b = 2 }' }
        @{ Code = 'class C { [string] $N }; enum E { A }' }
        @{ Code = '1..3 | ForEach-Object { $_ }; $h.Keys | Where-Object { $_ }' }
        @{ Code = '$v = if ($null -eq $a) { $b } else { $a }' }
    ) {
        Test-Snippet $Code | Should -BeNullOrEmpty
    }
}

Describe 'Module script <Name>' -ForEach $script:Files {
    It 'parses without errors' {
        $tokens = $null; $errors = $null
        [void][System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $errors)
        @($errors | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Message)" }) | Should -BeNullOrEmpty
    }

    It 'uses no syntax newer than Windows PowerShell 5.1' {
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $errors)
        @(Find-NewerThan51 -Ast $ast) | Should -BeNullOrEmpty
    }

    It 'is UTF-8 without a byte order mark or pure ASCII (5.1 reads BOM-less files as ANSI: only ASCII is safe)' {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        $hasBom = $bytes.Length -ge 3 -and $bytes[0] -eq 0xEF -and $bytes[1] -eq 0xBB -and $bytes[2] -eq 0xBF
        $nonAscii = @($bytes | Where-Object { $_ -gt 127 }).Count
        ($hasBom -or $nonAscii -eq 0) | Should -BeTrue -Because 'Windows PowerShell 5.1 reads a file without BOM in the ANSI code page, so non-ASCII text needs a BOM'
    }
}

Describe 'What Windows PowerShell 5.1 needs from the built module' {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
        $script:Manifest = Get-AzsTestModulePath
        $script:ModuleDir = Split-Path -Parent $script:Manifest
    }

    It 'the interop assembly targets netstandard2.0 or net462+ and references only what 5.1 has' {
        $dll = Join-Path $script:ModuleDir 'lib/AzsRegistration.Interop.dll'
        Test-Path -LiteralPath $dll | Should -BeTrue
        $name = [System.Reflection.AssemblyName]::GetAssemblyName($dll)
        $asm = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq $name.Name } | Select-Object -First 1
        if (-not $asm) { $asm = [System.Reflection.Assembly]::LoadFrom($dll) }
        $tfm = $asm.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], $false) | Select-Object -First 1
        $tfm | Should -Not -BeNullOrEmpty
        $ok = ($tfm.FrameworkName -eq '.NETStandard,Version=v2.0') -or ($tfm.FrameworkName -match '^\.NETFramework,Version=v4\.(6\.[2-9]|7|8)')
        $ok | Should -BeTrue -Because "TargetFramework is $($tfm.FrameworkName)"
        $refs = @($asm.GetReferencedAssemblies() | ForEach-Object { $_.Name })
        @($refs | Where-Object { @('netstandard', 'mscorlib', 'System', 'System.Core', 'System.Management.Automation') -notcontains $_ }) | Should -BeNullOrEmpty
    }

    It 'the manifest says PowerShell 5.1, Desktop and Core, the interop assembly as root module, explicit export lists' {
        $m = Import-PowerShellDataFile -LiteralPath $script:Manifest
        $m.PowerShellVersion | Should -Be '5.1'
        @($m.CompatiblePSEditions | Sort-Object) | Should -Be @('Core', 'Desktop')
        $m.RootModule | Should -Be 'lib/AzsRegistration.Interop.dll'
        @($m.FunctionsToExport).Count | Should -Be 0
        $m.CmdletsToExport | Should -Not -Contain '*'
        $m.AliasesToExport | Should -Not -Contain '*'
        $m.CmdletsToExport | Should -Contain 'New-AzureRmResource'
    }

    It 'the native library is where the module looks for it (runtimes/{platform}/native/)' {
        $libs = @(Get-ChildItem -LiteralPath (Join-Path $script:ModuleDir 'runtimes') -Recurse -File -Include 'libazsreg.so', 'libazsreg.dylib', 'azsreg.dll')
        $libs.Count | Should -BeGreaterThan 0
        $libs[0].Directory.Name | Should -Be 'native'
    }
}
