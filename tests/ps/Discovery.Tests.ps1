# Add-AzureRmEnvironment -ARMEndpoint discovers with the settings the module gives its
# clients (issue 9, "one transport seam for discovery"): the proxy (AZSREG_PROXY), the
# total time (AZSREG_TIMEOUT), the correlation ID (AZSREG_CORRELATION_ID), retries
# (AZSREG_MAX_RETRIES) and the CA bundle (AZSREG_CA_FILE), against the emulator over TLS
# and the loopback CONNECT proxy of tests/integration/proxy.c (<build>/tests/integration/integ-proxy).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:saved = @{}
    foreach ($n in 'AZSREG_CA_FILE', 'AZSREG_PROXY', 'AZSREG_TIMEOUT', 'AZSREG_CORRELATION_ID', 'AZSREG_MAX_RETRIES', 'AZSREG_LOG_LEVEL') {
        $script:saved[$n] = [Environment]::GetEnvironmentVariable($n)
    }
    $script:proxyExe = Join-Path (Get-AzsTestBuildDir) 'tests/integration/integ-proxy'

    # Starts the test proxy; returns @{ Url; Process; Dir; BrokerId }. In the Windows host
    # under Wine (AZSREG_EMULATOR_SPOOL set), .NET cannot start the Linux proxy: the broker
    # of tests/windows/emulator-broker.sh starts it (request <id>.proxy).
    function Start-TestProxy {
        $proc = $null
        $brokerId = $null
        if ($env:AZSREG_EMULATOR_SPOOL) {
            $brokerId = [guid]::NewGuid().ToString('N')
            $dir = Join-Path $env:AZSREG_EMULATOR_SPOOL $brokerId
            $tmp = Join-Path $env:AZSREG_EMULATOR_SPOOL "$brokerId.tmp"
            Set-Content -LiteralPath $tmp -Value '' -NoNewline
            Move-Item -LiteralPath $tmp -Destination (Join-Path $env:AZSREG_EMULATOR_SPOOL "$brokerId.proxy")
        }
        else {
            if (-not (Test-Path -LiteralPath $script:proxyExe)) { throw "test proxy not found at $($script:proxyExe) (build the integ-proxy target)" }
            $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('azsreg-proxy-' + [guid]::NewGuid().ToString('N'))
            New-Item -ItemType Directory -Path $dir | Out-Null
            $psi = New-Object System.Diagnostics.ProcessStartInfo
            $psi.FileName = $script:proxyExe
            foreach ($a in @('--ready-file', (Join-Path $dir 'ready.json'), '--counts-file', (Join-Path $dir 'counts.json'))) { $psi.ArgumentList.Add($a) }
            $psi.UseShellExecute = $false
            $proc = [System.Diagnostics.Process]::Start($psi)
        }
        $ready = Join-Path $dir 'ready.json'
        $deadline = [DateTime]::UtcNow.AddSeconds(60)   # a hang guard, not a timing check
        while (-not (Test-Path -LiteralPath $ready)) {
            if (($proc -and $proc.HasExited) -or [DateTime]::UtcNow -gt $deadline) { throw 'the test proxy did not start' }
            if (Test-Path -LiteralPath (Join-Path $dir 'error.txt')) { throw (Get-Content -LiteralPath (Join-Path $dir 'error.txt') -Raw) }
            Start-Sleep -Milliseconds 20
        }
        $port = [int](Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json).port
        @{ Url = "http://127.0.0.1:$port"; Process = $proc; Dir = $dir; BrokerId = $brokerId }
    }

    # Stops the proxy (SIGTERM: it writes what it saw) and returns its counts.
    function Stop-TestProxy {
        param([hashtable] $Proxy)
        if ($Proxy.BrokerId) {
            Set-Content -LiteralPath (Join-Path $env:AZSREG_EMULATOR_SPOOL "$($Proxy.BrokerId).stop") -Value '' -NoNewline
            $stopped = Join-Path $Proxy.Dir 'stopped'
            $deadline = [DateTime]::UtcNow.AddSeconds(60)   # a hang guard
            while (-not (Test-Path -LiteralPath $stopped)) {
                if ([DateTime]::UtcNow -gt $deadline) { throw 'the test proxy did not stop' }
                Start-Sleep -Milliseconds 20
            }
        }
        else {
            & kill -TERM $Proxy.Process.Id
            if (-not $Proxy.Process.WaitForExit(60000)) { $Proxy.Process.Kill(); throw 'the test proxy did not stop' }
        }
        $counts = Get-Content -LiteralPath (Join-Path $Proxy.Dir 'counts.json') -Raw | ConvertFrom-Json
        Remove-Item -LiteralPath $Proxy.Dir -Recurse -Force -ErrorAction SilentlyContinue
        $counts
    }

    function Get-MetadataRequests { @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -eq '/metadata/endpoints' }) }
}

AfterAll {
    foreach ($n in $script:saved.Keys) { [Environment]::SetEnvironmentVariable($n, $script:saved[$n]) }
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Add-AzureRmEnvironment -ARMEndpoint uses the client settings' {
    BeforeEach {
        foreach ($n in 'AZSREG_PROXY', 'AZSREG_TIMEOUT', 'AZSREG_CORRELATION_ID', 'AZSREG_MAX_RETRIES', 'AZSREG_LOG_LEVEL') { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:AZSREG_CA_FILE = $script:emu.CaFile
        Clear-AzsEmulatorFaults -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    It 'goes through the proxy of AZSREG_PROXY: one CONNECT, one tunnel, one metadata request' {
        $proxy = Start-TestProxy
        try {
            $env:AZSREG_PROXY = $proxy.Url
            $e = Add-AzureRmEnvironment -Name ViaProxy -ARMEndpoint $script:emu.BaseUrl
        }
        finally {
            $counts = Stop-TestProxy -Proxy $proxy
        }
        $e.ResourceManagerUrl | Should -Be $script:emu.BaseUrl
        $e.ActiveDirectoryServiceEndpointResourceId | Should -Be 'https://management.emulator.azsreg.local/'
        $counts.connects | Should -Be 1 -Because 'the metadata request went through the proxy'
        $counts.tunnels | Should -Be 1
        $counts.refused | Should -Be 0
        @(Get-MetadataRequests).Count | Should -Be 1
    }

    It 'without AZSREG_PROXY the proxy sees nothing (the same discovery, direct)' {
        $proxy = Start-TestProxy
        try { $null = Add-AzureRmEnvironment -Name Direct -ARMEndpoint $script:emu.BaseUrl }
        finally { $counts = Stop-TestProxy -Proxy $proxy }
        $counts.connects | Should -Be 0
        @(Get-MetadataRequests).Count | Should -Be 1
    }

    It 'a proxy that refuses connections fails the discovery (ConnectionError naming the proxy) and nothing reaches the endpoint' {
        $env:AZSREG_PROXY = 'http://127.0.0.1:9'
        $env:AZSREG_MAX_RETRIES = '-1'
        $err = $null
        try { $null = Add-AzureRmEnvironment -Name DeadProxy -ARMEndpoint $script:emu.BaseUrl; $threw = $false }
        catch { $err = $_; $threw = $true }
        $threw | Should -BeTrue
        $err.CategoryInfo.Category | Should -Be 'ConnectionError'
        $err.Exception.ResultName | Should -Be 'AZSREG_ENETWORK'
        $err.Exception.Message | Should -Match ([regex]::Escape("discover the environment at $($script:emu.BaseUrl)"))
        $err.Exception.Message | Should -Match 'the proxy 127\.0\.0\.1:9'
        $err.Exception.Message | Should -Match 'gave up after 1 attempt\(s\)'
        # issue 12: the library names its own setting, the module its own (never the CLI's --proxy)
        $err.Exception.Message | Should -Match ([regex]::Escape("check the client's proxy option, HTTPS_PROXY and NO_PROXY"))
        $err.Exception.Hint | Should -BeExactly 'PowerShell: set AZSREG_PROXY (or HTTPS_PROXY; NO_PROXY for exceptions) to the proxy URL.'
        $err.Exception.Message | Should -Not -Match -- '--proxy'
        @(Get-MetadataRequests).Count | Should -Be 0
    }

    It 'AZSREG_TIMEOUT bounds the discovery: a metadata answer delayed 5 s fails after about 1 s (OperationTimeout)' {
        Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'GET'; pathContains = 'metadata/endpoints'; delayMs = 5000; count = 5 }
        $env:AZSREG_TIMEOUT = '1'
        $sw = [System.Diagnostics.Stopwatch]::StartNew()
        $err = $null
        try { $null = Add-AzureRmEnvironment -Name Slow -ARMEndpoint $script:emu.BaseUrl; $threw = $false }
        catch { $err = $_; $threw = $true }
        $sw.Stop()
        $threw | Should -BeTrue
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $err.Exception.ResultName | Should -Be 'AZSREG_ETIMEOUT'
        $err.Exception.Message | Should -Match ([regex]::Escape("discover the environment at $($script:emu.BaseUrl)"))
        # No upper bound on the wall clock (a loaded machine may be slow): the timeout itself
        # proves the 1 s deadline applied, since with the 60 s default the answer delayed 5 s
        # would have arrived and the discovery succeeded.
        $sw.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 0.9
        @(Get-MetadataRequests).Count | Should -Be 1 -Because 'no second attempt starts after the deadline'
    }

    It 'a CA bundle that did not issue the endpoint''s certificate fails with the module''s hint (AZSREG_CA_FILE), never the CLI''s --ca-file' {
        $other = Join-Path ([System.IO.Path]::GetTempPath()) ('azsreg-other-ca-' + [guid]::NewGuid().ToString('N') + '.pem')
        # an unrelated self-signed CA certificate (its key was thrown away; made with openssl,
        # since Wine's CNG cannot make certificates: this runs in the Windows host too)
        Set-Content -LiteralPath $other -Value @'
-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgIUJ/FaDOG++u+vy5lrVKzxN/QA2U8wCgYIKoZIzj0EAwIw
JzElMCMGA1UEAwwcdW5yZWxhdGVkIHRlc3QgQ0EgKHRlc3RzLXBzKTAgFw0yNjEy
MDIxMzExMjhaGA8yMTI2MTEwODEzMTEyOFowJzElMCMGA1UEAwwcdW5yZWxhdGVk
IHRlc3QgQ0EgKHRlc3RzLXBzKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKIK
HpCQQPTxcSw8dEFrf21c7kNVjMBJE7E8NYVQES6A1cZM5qYmkSDr/BS3JzgbCIn7
ObQOK+Jc81nv/nbQv0ejUzBRMB0GA1UdDgQWBBQerITIm4eG8fsIud8EMSh2fUL9
BTAfBgNVHSMEGDAWgBQerITIm4eG8fsIud8EMSh2fUL9BTAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIGtBmIgtFf6mCeStlSvqp/w0rg7HfXhsTulK
UAt5B/vhAiEAlQiEQkGj1XMPkEeT34eAAqqeyTGz6QGRsB393OlEJWs=
-----END CERTIFICATE-----
'@
        try {
            $env:AZSREG_CA_FILE = $other
            $err = $null
            try { $null = Add-AzureRmEnvironment -Name WrongCa -ARMEndpoint $script:emu.BaseUrl -ErrorAction Stop } catch { $err = $_ }
            $err | Should -Not -BeNullOrEmpty
            $err.Exception.ResultName | Should -Be 'AZSREG_ETLS'
            $err.Exception.Message | Should -Match ([regex]::Escape('give the client that CA bundle (its ca_file option, or SSL_CERT_FILE)'))
            $err.Exception.Hint | Should -BeExactly 'PowerShell: set AZSREG_CA_FILE (or SSL_CERT_FILE) to the PEM bundle.'
            $err.Exception.Message | Should -Not -Match -- '--ca-file'
        }
        finally { Remove-Item -LiteralPath $other -Force -ErrorAction SilentlyContinue }
    }

    It 'sends the correlation ID of AZSREG_CORRELATION_ID (lowercase) and the module''s user agent, without a token' {
        $env:AZSREG_CORRELATION_ID = 'ABCDEF01-2345-4678-9ABC-DEF012345678'
        $null = Add-AzureRmEnvironment -Name Correlated -ARMEndpoint $script:emu.BaseUrl
        $r = @(Get-MetadataRequests)
        $r.Count | Should -Be 1
        $h = $r[0].headers
        $names = @($h.PSObject.Properties.Name)
        $corr = $h.PSObject.Properties | Where-Object { $_.Name -eq 'x-ms-correlation-request-id' } | ForEach-Object { $_.Value }
        $corr | Should -Be 'abcdef01-2345-4678-9abc-def012345678'
        $ua = $h.PSObject.Properties | Where-Object { $_.Name -eq 'User-Agent' } | ForEach-Object { $_.Value }
        $ua | Should -Match '^azsreg/\S+ AzsRegistration-PowerShell/'
        $names | Should -Not -Contain 'Authorization'
    }

    It 'a correlation ID that is not a GUID is refused before anything is sent (InvalidArgument)' {
        $env:AZSREG_CORRELATION_ID = 'not-a-guid'
        { Add-AzureRmEnvironment -Name BadCorrelation -ARMEndpoint $script:emu.BaseUrl } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'AZSREG_EINVALID,Add-AzureRmEnvironment'
        @(Get-MetadataRequests).Count | Should -Be 0
    }
}

Describe 'Settings that are set but not whole numbers in range are refused, naming the variable (issue 9)' {
    BeforeEach {
        foreach ($n in 'AZSREG_PROXY', 'AZSREG_TIMEOUT', 'AZSREG_CORRELATION_ID', 'AZSREG_MAX_RETRIES', 'AZSREG_LOG_LEVEL') { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:AZSREG_CA_FILE = $script:emu.CaFile
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }
    AfterEach {
        foreach ($n in 'AZSREG_TIMEOUT', 'AZSREG_MAX_RETRIES', 'AZSREG_LOG_LEVEL') { [Environment]::SetEnvironmentVariable($n, $null) }
    }

    It '<Name> = <Shown> is InvalidSetting before anything is sent' -ForEach @(
        @{ Name = 'AZSREG_TIMEOUT'; Value = 'abc'; Shown = 'abc'; Range = 'from 1 to 86400' }
        @{ Name = 'AZSREG_TIMEOUT'; Value = '0'; Shown = '0'; Range = 'from 1 to 86400' }
        @{ Name = 'AZSREG_TIMEOUT'; Value = '86401'; Shown = '86401'; Range = 'from 1 to 86400' }
        @{ Name = 'AZSREG_TIMEOUT'; Value = "30`n"; Shown = '30\x0a'; Range = 'from 1 to 86400' }
        @{ Name = 'AZSREG_TIMEOUT'; Value = '1.5'; Shown = '1.5'; Range = 'from 1 to 86400' }
        @{ Name = 'AZSREG_MAX_RETRIES'; Value = 'many'; Shown = 'many'; Range = 'from -1 to 100' }
        @{ Name = 'AZSREG_MAX_RETRIES'; Value = '-2'; Shown = '-2'; Range = 'from -1 to 100' }
        @{ Name = 'AZSREG_LOG_LEVEL'; Value = '9'; Shown = '9'; Range = 'from 0 to 5' }
    ) {
        [Environment]::SetEnvironmentVariable($Name, $Value)
        $err = $null
        try { $null = Add-AzureRmEnvironment -Name BadSetting -ARMEndpoint $script:emu.BaseUrl; $threw = $false }
        catch { $err = $_; $threw = $true }
        $threw | Should -BeTrue
        $err | Get-AzsErrorId | Should -Be 'InvalidSetting,Add-AzureRmEnvironment'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Be "The environment variable $Name is '$Shown': it must be a whole number $Range. Nothing was sent."
        @(Get-AzsEmulatorRequests -Emulator $script:emu).Count | Should -Be 0
    }

    It 'the same check guards Connect-AzureRmAccount (nothing is sent)' {
        $cred = [pscredential]::new('22222222-2222-2222-2222-222222222222', (ConvertTo-SecureString 'emulator-sample-secret' -AsPlainText -Force))
        $null = Add-AzureRmEnvironment -Name SettingsEnv -ARMEndpoint $script:emu.BaseUrl
        Clear-AzsEmulatorRequests -Emulator $script:emu
        $env:AZSREG_TIMEOUT = 'soon'
        { Connect-AzureRmAccount -Environment SettingsEnv -ServicePrincipal -Credential $cred -TenantId 11111111-1111-1111-1111-111111111111 } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'InvalidSetting,Connect-AzureRmAccount'
        @(Get-AzsEmulatorRequests -Emulator $script:emu).Count | Should -Be 0
    }
}
