# Get-Help <command> -Full works for every exported command: a synopsis, a description,
# at least one example, and help text for every parameter (common parameters aside).
# Read from the imported (packaged) module, where the scripts are inlined into one psm1.

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-Module (Get-AzsTestModulePath) -Force
    $script:HelpCases = @((Get-Module AzsRegistration).ExportedFunctions.Keys | Sort-Object | ForEach-Object { @{ Command = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:Common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
}

Describe 'The module exports commands' {
    It 'has every command of the manifest (so the help cases below are not empty)' {
        (Get-Module AzsRegistration).ExportedFunctions.Count | Should -BeGreaterOrEqual 17
    }
}

Describe 'Get-Help <Command> -Full' -ForEach $script:HelpCases {
    BeforeAll {
        $help = Get-Help -Name $Command -Full -ErrorAction Stop
        $cmd = Get-Command -Name $Command -Module AzsRegistration
    }

    It 'is comment-based help of the command (not the generated syntax-only stub)' {
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
            (@($ph[0].Description | ForEach-Object { $_.Text }) -join "`n").Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Command has a .PARAMETER text"
        }
    }

    It 'the full help renders as text' {
        $text = Get-Help -Name $Command -Full | Out-String -Width 200
        $text | Should -Match 'SYNOPSIS'
        $text | Should -Match 'EXAMPLE'
    }
}
