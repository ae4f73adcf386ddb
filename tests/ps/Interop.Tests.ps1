# The shared base of the compiled cmdlets (ps-module/interop/Cmdlets) where no command test
# pins it down: the JSON reader gives the same types and member order on 5.1 and 7, and the library's log follows the caller's
# preference variables as well as -Verbose / -Debug.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:savedCa = $env:AZSREG_CA_FILE
    $env:AZSREG_CA_FILE = $script:emu.CaFile
}

AfterAll {
    $env:AZSREG_CA_FILE = $script:savedCa
    Stop-AzsEmulator -Emulator $script:emu
}


Describe 'JsonPs' {
    It 'reads numbers as Int32, Int64, Decimal or Double and keeps members in document order' {
        $o = [AzsRegistration.Interop.Cmdlets.JsonPs]::Parse('{"z":1,"b":2147483648,"c":99999999999999999999,"a":1.5,"e":2E+1,"s":"2024-01-01T00:00:00Z","n":null,"t":true,"arr":[1,[2]],"o":{}}')
        @($o.psobject.Properties.Name) | Should -Be @('z', 'b', 'c', 'a', 'e', 's', 'n', 't', 'arr', 'o')
        $o.z | Should -BeOfType [int]
        $o.b | Should -BeOfType [long]
        $o.c | Should -BeOfType [decimal]
        $o.a | Should -BeOfType [double]
        $o.e | Should -Be 20.0
        $o.e | Should -BeOfType [double]
        $o.s | Should -BeOfType [string]
        $o.s | Should -BeExactly '2024-01-01T00:00:00Z'
        $o.n | Should -BeNullOrEmpty
        $o.t | Should -BeTrue
        , $o.arr | Should -BeOfType [object[]]
        , $o.arr[1] | Should -BeOfType [object[]]
        $o.o.psobject.BaseObject | Should -BeOfType [System.Management.Automation.PSCustomObject]
        # Member reads without unrolling a one-item list.
        , [AzsRegistration.Interop.Cmdlets.JsonPs]::Member([AzsRegistration.Interop.Cmdlets.JsonPs]::Parse('{"v":[7]}'), 'v') | Should -BeOfType [object[]]
    }

    It 'returns nothing for blank text, array items one by one, and says where bad JSON is' {
        [AzsRegistration.Interop.Cmdlets.JsonPs]::Parse('  ') | Should -BeNullOrEmpty
        @([AzsRegistration.Interop.Cmdlets.JsonPs]::ParseItems('')).Count | Should -Be 0
        @([AzsRegistration.Interop.Cmdlets.JsonPs]::ParseItems('[{"a":1},{"a":2}]')).a | Should -Be @(1, 2)
        { [AzsRegistration.Interop.Cmdlets.JsonPs]::Parse('{"a":1,}') } | Should -Throw '*not valid at character 7*'
        { [AzsRegistration.Interop.Cmdlets.JsonPs]::Parse('{"a":1} x') } | Should -Throw '*not valid at character 7*'
    }
}

Describe 'AzsNativeException hints' {
    It 'a front-end hint is added once, even when the error passes through a second ErrorRecord' {
        $e = [AzsRegistration.Interop.AzsNativeException]::new(-8, 'AZSREG_ETLS', 0, 'GET https://x/: cannot use the CA bundle', '', '', '', '', '', '', 'library hint.')
        $once = $e.WithExtraHint('PowerShell: set AZSREG_CA_FILE.')
        $once.Hint | Should -BeExactly 'library hint. PowerShell: set AZSREG_CA_FILE.'
        $once.WithExtraHint('PowerShell: set AZSREG_CA_FILE.').Hint | Should -BeExactly 'library hint. PowerShell: set AZSREG_CA_FILE.'
        $once.WithExtraHint('other words.').Hint | Should -BeExactly 'library hint. PowerShell: set AZSREG_CA_FILE. other words.'
    }
}

Describe 'A failed library call stops where it failed (issue 12, item 4)' {
    It 'Native.Invoke returns the exception of the first failure and runs nothing after it; Ensure always throws' {
        $script:after = $false
        $outcome = [AzsRegistration.Interop.Native]::Invoke[object]([Func[object]] {
                [AzsRegistration.Interop.Native]::NewCredential('{"kind":"no-such-kind"}')
                $script:after = $true
            })
        $outcome.Succeeded | Should -BeFalse
        $outcome.Value | Should -BeNullOrEmpty
        $script:after | Should -BeFalse -Because 'the statement after the failed call ran (an invalid handle flowed on)'
        $native = $outcome.Error
        while ($native -and $native -isnot [AzsRegistration.Interop.AzsNativeException]) { $native = $native.InnerException }
        $native | Should -Not -BeNullOrEmpty -Because "the error was $($outcome.Error.GetType().FullName)"
        $native.ResultName | Should -BeExactly 'AZSREG_EINVALID'
        # no capture mode left: the same call outside Invoke throws
        { [AzsRegistration.Interop.Native]::NewCredential('{"kind":"no-such-kind"}') } | Should -Throw -ExceptionType ([System.Management.Automation.MethodInvocationException])
        [AzsRegistration.Interop.Native].GetMethod('BeginCapture') | Should -BeNullOrEmpty
    }

    It 'a command reports the first failure once, as one ErrorRecord' {
        $null = Add-AzureRmEnvironment -Name InvokeEmu -ARMEndpoint $script:emu.BaseUrl
        $err = $null
        $caught = $null
        try {
            $null = Connect-AzureRmAccount -Environment InvokeEmu -ServicePrincipal -CertificatePath $PSCommandPath -ApplicationId '22222222-2222-2222-2222-222222222222' -TenantId '11111111-1111-1111-1111-111111111111' -ErrorVariable err
        }
        catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        @($err).Count | Should -Be 1
        $caught.FullyQualifiedErrorId | Should -BeLike 'AZSREG_EINVALID,*'
        $caught.Exception.Message | Should -BeLike "*$(Split-Path -Leaf $PSCommandPath)*is neither PEM*"
    }
}

Describe 'The library log follows the calling command' {
    It 'shows request lines for the caller''s $VerbosePreference, not when -Verbose:$false or the preference is off' {
        $on = & { $VerbosePreference = 'Continue'; $null = Add-AzureRmEnvironment -Name PrefEmu -ARMEndpoint $script:emu.BaseUrl } 4>&1
        (@($on | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'GET https://127\.0\.0\.1:\d+/metadata/endpoints'
        $off = & { $VerbosePreference = 'Continue'; $null = Add-AzureRmEnvironment -Name PrefEmu -ARMEndpoint $script:emu.BaseUrl -Verbose:$false } 4>&1
        @($off | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
        $quiet = & { $VerbosePreference = 'SilentlyContinue'; $null = Add-AzureRmEnvironment -Name PrefEmu -ARMEndpoint $script:emu.BaseUrl } 4>&1
        @($quiet | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
    }

    It 'shows the library''s debug lines for the caller''s $DebugPreference' {
        $all = & { $DebugPreference = 'Continue'; $null = Add-AzureRmEnvironment -Name PrefEmu -ARMEndpoint $script:emu.BaseUrl } 5>&1
        @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -BeGreaterThan 0
    }
}
