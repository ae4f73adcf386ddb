# Get-Help <command> -Full works for every exported command, whether it is a script
# function (comment-based help) or a compiled cmdlet (MAML help generated at build time by
# build/maml-help.ps1 from ps-module/help/<Command>.md into en-US/AzsRegistration.Interop.dll-Help.xml):
# a synopsis, a description, at least one example with code, help text for every parameter
# (common parameters aside) and one syntax per parameter set. Read from the imported
# (packaged) module.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-Module (Get-AzsTestModulePath) -Force
    $mod = Get-Module AzsRegistration
    $script:HelpCases = @(@($mod.ExportedFunctions.Values) + @($mod.ExportedCmdlets.Values) | Sort-Object Name | ForEach-Object {
            @{ Command = $_.Name; CommandType = [string]$_.CommandType }
        })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:Common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:HelpSource = Join-Path $script:RepoRoot 'ps-module/help'
    $script:Generator = Join-Path $script:RepoRoot 'build/maml-help.ps1'
    $script:MamlName = 'AzsRegistration.Interop.dll-Help.xml'
    $script:Module = Get-Module AzsRegistration
    $script:Exported = @(@($script:Module.ExportedFunctions.Keys) + @($script:Module.ExportedCmdlets.Keys) | Sort-Object)

    function Invoke-MamlHelpGenerator {
        # Runs build/maml-help.ps1 in a child PowerShell (it imports the module itself);
        # returns the exit code and everything it printed.
        param([string] $HelpPath, [string] $OutputPath)
        $argList = @('-NoProfile', '-NonInteractive', '-File', $script:Generator, '-HelpPath', $HelpPath, '-ModulePath', (Get-AzsTestModulePath))
        if ($OutputPath) { $argList += @('-OutputPath', $OutputPath) }
        $out = & (Get-AzsTestPwsh) @argList 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Text = ($out -join "`n") }
    }
}

Describe 'The module exports commands' {
    It 'has every command of the manifest (so the help cases below are not empty)' {
        $script:Exported.Count | Should -BeGreaterOrEqual 17
    }
}

Describe 'Get-Help <Command> -Full (<CommandType>)' -ForEach $script:HelpCases {
    BeforeAll {
        $help = Get-Help -Name $Command -Full -ErrorAction Stop
        $cmd = Get-Command -Name $Command -Module AzsRegistration
    }

    It 'is the command''s own help (not the generated syntax-only stub)' {
        $help.Name | Should -Be $Command
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Command *[[]*" -Because 'a generated stub has only the syntax as synopsis'
    }

    It 'has a description' {
        (@($help.Description | ForEach-Object { $_.Text }) -join "`n").Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        $examples = @($help.Examples.Example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($e in $examples) { $e.Code.Trim() | Should -Not -BeNullOrEmpty }
    }

    It 'describes every parameter' {
        $params = @($cmd.Parameters.Keys | Where-Object { $script:Common -notcontains $_ })
        foreach ($p in $params) {
            $ph = @($help.Parameters.Parameter | Where-Object { $_.Name -eq $p })
            $ph.Count | Should -Be 1 -Because "-$p of $Command appears in its help"
            (@($ph[0].Description | ForEach-Object { $_.Text }) -join "`n").Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Command has help text"
        }
    }

    It 'describes no parameter the command does not have' {
        $has = @($cmd.Parameters.Keys)
        foreach ($ph in @($help.Parameters.Parameter)) {
            $has | Should -Contain $ph.Name -Because "the help of $Command describes -$($ph.Name)"
        }
    }

    It 'shows one syntax per parameter set' {
        @($help.Syntax.SyntaxItem).Count | Should -Be $cmd.ParameterSets.Count
        foreach ($s in @($help.Syntax.SyntaxItem)) { $s.Name | Should -Be $Command }
    }

    It 'the full help renders as text' {
        $text = Get-Help -Name $Command -Full | Out-String -Width 200
        $text | Should -Match 'SYNOPSIS'
        $text | Should -Match 'EXAMPLE'
        $text | Should -Match ([regex]::Escape($help.Synopsis.Trim().Split("`n")[0]))
    }

    It 'a compiled cmdlet''s help comes from the shipped MAML file' -Skip:($CommandType -ne 'Cmdlet') {
        # CmdletInfo.HelpFile is "<assembly file>-Help.xml", and the full path once Get-Help found it.
        $shipped = Join-Path (Join-Path $script:Module.ModuleBase 'en-US') $script:MamlName
        $shipped | Should -Exist
        Split-Path -Leaf $cmd.HelpFile | Should -Be $script:MamlName
        if ([System.IO.Path]::IsPathRooted($cmd.HelpFile)) { $cmd.HelpFile | Should -Be $shipped }
    }

    It 'has its help source ps-module/help/<Command>.md' {
        Join-Path $script:HelpSource "$Command.md" | Should -Exist
    }
}

Describe 'MAML help (build/maml-help.ps1, ps-module/help/*.md)' {
    It 'the packaged module ships en-US/AzsRegistration.Interop.dll-Help.xml with one entry per exported command' {
        $file = Join-Path (Join-Path $script:Module.ModuleBase 'en-US') $script:MamlName
        $file | Should -Exist
        [xml] $xml = Get-Content -LiteralPath $file -Raw
        $ns = [System.Xml.XmlNamespaceManager]::new($xml.NameTable)
        $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $names = @($xml.SelectNodes('//command:command/command:details/command:name', $ns) | ForEach-Object { $_.InnerText.Trim() } | Sort-Object)
        $names | Should -Be $script:Exported
    }

    It 'the markdown matches the commands of the module (checked against their metadata)' {
        $r = Invoke-MamlHelpGenerator -HelpPath $script:HelpSource
        $r.Text | Should -Match '17 markdown files checked|\d+ markdown files checked'
        $r.ExitCode | Should -Be 0 -Because $r.Text
    }

    It 'refuses markdown without a synopsis, description or example code, or with parameters that do not match the command' {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("azs-help-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        try {
            Copy-Item -Path (Join-Path $script:HelpSource '*.md') -Destination $dir
            $edit = {
                param($name, [scriptblock] $change)
                $p = Join-Path $dir "$name.md"
                $t = (Get-Content -LiteralPath $p -Raw) -replace "`r", ''
                Set-Content -LiteralPath $p -Value (& $change $t) -NoNewline
            }
            # No synopsis; a parameter it does not have.
            & $edit 'Get-AzureRmEnvironment' { param($t) ($t -replace '(?s)## SYNOPSIS\n.*?(?=\n## )', "## SYNOPSIS`n") -replace '## PARAMETERS\n', "## PARAMETERS`n`n### -NoSuchParameter`n`nNot a parameter.`n" }
            # No description.
            & $edit 'Get-AzsRegistration' { param($t) $t -replace '(?s)## DESCRIPTION\n.*?(?=\n## )', "## DESCRIPTION`n" }
            # An example without code.
            & $edit 'Enable-AzsAzAlias' { param($t) $t -replace '(?s)```powershell\nImport-Module.*?```', 'Text only.' }
            # A parameter the command has is not described.
            & $edit 'Disconnect-AzureRmAccount' { param($t) $t -replace '(?s)### -Scope\n.*?(?=\n##)', '' }
            $r = Invoke-MamlHelpGenerator -HelpPath $dir -OutputPath (Join-Path $dir 'out.xml')
            $r.ExitCode | Should -Be 1 -Because $r.Text
            $r.Text | Should -Match 'Get-AzureRmEnvironment\.md: no synopsis'
            $r.Text | Should -Match 'Get-AzureRmEnvironment\.md: describes -NoSuchParameter, which Get-AzureRmEnvironment does not have'
            $r.Text | Should -Match 'Get-AzsRegistration\.md: no description'
            $r.Text | Should -Match 'Enable-AzsAzAlias\.md:\d+: example ''Example 1'' has no code'
            $r.Text | Should -Match 'Disconnect-AzureRmAccount\.md: does not describe -Scope of Disconnect-AzureRmAccount'
            Join-Path $dir 'out.xml' | Should -Not -Exist
        } finally {
            Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
