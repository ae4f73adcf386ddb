# Test helper: starts and drives out/<build>/bin/azsreg-emulator (native/docs/design.md).
# Only loopback traffic. The control API is called over the plain-HTTP listener.

function Get-AzsTestBuildDir {
    <#
    .SYNOPSIS
    The CMake build dir of the tests: AZSREG_BUILD_DIR, else out/release under the repo.
    #>
    $dir = $env:AZSREG_BUILD_DIR
    $root = Resolve-Path (Join-Path $PSScriptRoot '../../..')
    if (-not $dir) { $dir = Join-Path $root 'out/release' }
    elseif (-not [System.IO.Path]::IsPathRooted($dir)) { $dir = Join-Path $root $dir }
    $dir
}

function Start-AzsEmulator {
    <#
    .SYNOPSIS
    Starts the emulator on free ports; returns @{ BaseUrl; Port; HttpPort; CaFile; Process; ControlUrl; Dir }.
    #>
    param(
        [string] $BuildDir = (Get-AzsTestBuildDir),
        [string[]] $ExtraArgs = @(),
        # readiness is waited for; the bound is a hang guard only (issue 9: a loaded machine)
        [int] $TimeoutSeconds = 60
    )
    if ($env:AZSREG_EMULATOR_SPOOL) { return Start-AzsEmulatorThroughBroker -ExtraArgs $ExtraArgs -TimeoutSeconds $TimeoutSeconds }
    $exe = Join-Path $BuildDir 'bin/azsreg-emulator'
    if (-not (Test-Path -LiteralPath $exe)) { throw "emulator not found at $exe (build it: cmake --build $BuildDir --target azsreg-emulator)" }
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('azsreg-emu-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $dir | Out-Null
    $ca = Join-Path $dir 'ca.pem'
    $ready = Join-Path $dir 'ready.json'
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $exe
    foreach ($a in @('--port', '0', '--http-port', '0', '--ca-out', $ca, '--ready-file', $ready, '--quiet') + $ExtraArgs) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $proc = [System.Diagnostics.Process]::Start($psi)
    # Drain the pipes so the emulator can never block on a full pipe.
    $null = $proc.StandardOutput.ReadToEndAsync()
    $null = $proc.StandardError.ReadToEndAsync()
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $ready)) {
        if ($proc.HasExited) { throw "emulator exited with code $($proc.ExitCode) before it was ready" }
        if ([DateTime]::UtcNow -gt $deadline) { $proc.Kill(); throw "emulator not ready after $TimeoutSeconds s" }
        Start-Sleep -Milliseconds 20
    }
    $info = Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json
    @{
        BaseUrl    = [string]$info.baseUrl
        Port       = [int]$info.port
        HttpPort   = [int]$info.httpPort
        CaFile     = $ca
        Process    = $proc
        ControlUrl = "http://127.0.0.1:$($info.httpPort)/_emulator"
        Dir        = $dir
    }
}

function Get-AzsTestPwsh {
    <#
    .SYNOPSIS
    The PowerShell program for tests that start a child session: AZSREG_TEST_PWSH (the
    Windows host under Wine sets it to itself), else pwsh next to $PSHOME, on PATH, or the
    .NET tool's.
    #>
    if ($env:AZSREG_TEST_PWSH) { return $env:AZSREG_TEST_PWSH }
    $pwsh = Join-Path $PSHOME 'pwsh'
    if (Test-Path -LiteralPath $pwsh) { return $pwsh }
    $found = @(Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue)
    if ($found.Count -gt 0) { return $found[0].Source }
    Join-Path $HOME '.dotnet/tools/pwsh'
}

function Test-AzsTestCanMakeCertificates {
    <#
    .SYNOPSIS
    Can .NET create an RSA key and a self-signed certificate here? Not under Wine 8, whose
    CNG lacks RSA key generation (CryptographicException 0xc1000002): the tests that make
    their certificates in PowerShell are skipped there (tests/windows/Module.Windows.Tests.ps1
    signs in with certificate files made by openssl instead).
    #>
    if ($null -eq $script:CanMakeCertificates) {
        try {
            $rsa = [System.Security.Cryptography.RSA]::Create(2048)
            $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=probe', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $null = $req.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
            $script:CanMakeCertificates = $true
        }
        catch { $script:CanMakeCertificates = $false }
    }
    $script:CanMakeCertificates
}

function Start-AzsEmulatorThroughBroker {
    <#
    .SYNOPSIS
    Windows host under Wine: asks tests/windows/emulator-broker.sh (spool folder
    AZSREG_EMULATOR_SPOOL) to start the Linux emulator; same result as Start-AzsEmulator,
    with Process = $null and BrokerId set.
    #>
    param([string[]] $ExtraArgs = @(), [int] $TimeoutSeconds = 60)
    $spool = $env:AZSREG_EMULATOR_SPOOL
    $id = [guid]::NewGuid().ToString('N')
    $dir = Join-Path $spool $id
    $tmp = Join-Path $spool "$id.tmp"
    Set-Content -LiteralPath $tmp -Value ($ExtraArgs -join "`n") -NoNewline -Encoding utf8NoBOM
    Move-Item -LiteralPath $tmp -Destination (Join-Path $spool "$id.start")
    $ready = Join-Path $dir 'ready.json'
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (Test-Path -LiteralPath $ready)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "emulator (broker $id) not ready after $TimeoutSeconds s" }
        Start-Sleep -Milliseconds 20
    }
    $info = Get-Content -LiteralPath $ready -Raw | ConvertFrom-Json
    @{
        BaseUrl    = [string]$info.baseUrl
        Port       = [int]$info.port
        HttpPort   = [int]$info.httpPort
        CaFile     = (Join-Path $dir 'ca.pem')
        Process    = $null
        BrokerId   = $id
        ControlUrl = "http://127.0.0.1:$($info.httpPort)/_emulator"
        Dir        = $dir
    }
}

function Stop-AzsEmulator {
    <#
    .SYNOPSIS
    Stops the emulator (SIGTERM, then kill after 5 s) and removes its temp dir.
    #>
    param([hashtable] $Emulator)
    if (-not $Emulator) { return }
    if ($Emulator.BrokerId) {
        $spool = $env:AZSREG_EMULATOR_SPOOL
        Set-Content -LiteralPath (Join-Path $spool "$($Emulator.BrokerId).stop") -Value '' -NoNewline
        $stopped = Join-Path $Emulator.Dir 'stopped'
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Test-Path -LiteralPath $stopped) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
    }
    $proc = $Emulator.Process
    if ($proc -and -not $proc.HasExited) {
        & kill -TERM $proc.Id 2>$null
        if (-not $proc.WaitForExit(5000)) { $proc.Kill() }
    }
    if ($Emulator.Dir -and (Test-Path -LiteralPath $Emulator.Dir)) { Remove-Item -LiteralPath $Emulator.Dir -Recurse -Force -ErrorAction SilentlyContinue }
}

function Invoke-AzsEmulatorControl {
    <#
    .SYNOPSIS
    One control API call (plain HTTP, loopback). -Body is converted to JSON unless it is a string.
    #>
    param(
        [Parameter(Mandatory)] [hashtable] $Emulator,
        [string] $Method = 'GET',
        [Parameter(Mandatory)] [string] $Path,
        [object] $Body
    )
    $uri = $Emulator.ControlUrl + $Path
    $params = @{ Method = $Method; Uri = $uri; NoProxy = $true }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $json = $Body
        if ($Body -isnot [string]) { $json = ConvertTo-Json -InputObject $Body -Depth 30 -Compress }
        $params.Body = [System.Text.Encoding]::UTF8.GetBytes($json)
        $params.ContentType = 'application/json'
    }
    Invoke-RestMethod @params
}

function Get-AzsEmulatorState { param([hashtable] $Emulator) Invoke-AzsEmulatorControl -Emulator $Emulator -Path '/state' }
function Set-AzsEmulatorState { param([hashtable] $Emulator, [object] $State) Invoke-AzsEmulatorControl -Emulator $Emulator -Method PUT -Path '/state' -Body $State | Out-Null }
function Get-AzsEmulatorStats { param([hashtable] $Emulator) Invoke-AzsEmulatorControl -Emulator $Emulator -Path '/stats' }
function Reset-AzsEmulatorStats { param([hashtable] $Emulator) Invoke-AzsEmulatorControl -Emulator $Emulator -Method POST -Path '/stats/reset' | Out-Null }
function Get-AzsEmulatorRequests { param([hashtable] $Emulator) @(Invoke-AzsEmulatorControl -Emulator $Emulator -Path '/requests') | ForEach-Object { $_ } }
function Clear-AzsEmulatorRequests { param([hashtable] $Emulator) Invoke-AzsEmulatorControl -Emulator $Emulator -Method DELETE -Path '/requests' | Out-Null }
function Set-AzsEmulatorConfig { param([hashtable] $Emulator, [hashtable] $Config) Invoke-AzsEmulatorControl -Emulator $Emulator -Method PUT -Path '/config' -Body $Config | Out-Null }
function Add-AzsEmulatorFault { param([hashtable] $Emulator, [hashtable] $Fault) Invoke-AzsEmulatorControl -Emulator $Emulator -Method POST -Path '/faults' -Body $Fault | Out-Null }
function Clear-AzsEmulatorFaults { param([hashtable] $Emulator) Invoke-AzsEmulatorControl -Emulator $Emulator -Method DELETE -Path '/faults' | Out-Null }
function Approve-AzsEmulatorDeviceCode { param([hashtable] $Emulator, [string] $UserCode) Invoke-AzsEmulatorControl -Emulator $Emulator -Method POST -Path '/devicecode/approve' -Body @{ userCode = $UserCode } | Out-Null }

function Get-AzsEmulatorRegistration {
    <#
    .SYNOPSIS
    A registration from the emulator's state by name (default AzureStack-sample).
    #>
    param([hashtable] $Emulator, [string] $Name = 'AzureStack-sample')
    (Get-AzsEmulatorState -Emulator $Emulator).registrations | Where-Object { $_.name -eq $Name }
}

function Get-AzsEmulatorCustomerIds {
    <#
    .SYNOPSIS
    The customer subscription IDs stored under a registration in the emulator's state.
    #>
    param([hashtable] $Emulator, [string] $Name = 'AzureStack-sample')
    $reg = Get-AzsEmulatorRegistration -Emulator $Emulator -Name $Name
    @($reg.customerSubscriptions | Where-Object { $_ } | ForEach-Object { [string]$_.id })
}

function Get-AzsTestModulePath {
    <#
    .SYNOPSIS
    The module manifest under test: AZSREG_MODULE_PATH (a folder or the .psd1), else out/module/AzsRegistration.
    #>
    $p = $env:AZSREG_MODULE_PATH
    $root = Resolve-Path (Join-Path $PSScriptRoot '../../..')
    if (-not $p) { $p = Join-Path $root 'out/module/AzsRegistration' }
    elseif (-not [System.IO.Path]::IsPathRooted($p)) { $p = Join-Path $root $p }
    if ((Test-Path -LiteralPath $p -PathType Container)) { $p = Join-Path $p 'AzsRegistration.psd1' }
    $p
}

$script:SampleTenant = '11111111-1111-1111-1111-111111111111'
$script:SampleDomain = 'contoso.onmicrosoft.com'
$script:SampleApp = '22222222-2222-2222-2222-222222222222'
$script:SampleSecret = 'emulator-sample-secret'
$script:SampleRegistrationId = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample'

function Get-AzsSampleFacts {
    <#
    .SYNOPSIS
    The emulator's built-in sample (tenant, domain, app, secret, registration ID).
    #>
    @{
        TenantId       = $script:SampleTenant
        Domain         = $script:SampleDomain
        AppId          = $script:SampleApp
        Secret         = $script:SampleSecret
        RegistrationId = $script:SampleRegistrationId
        PublicClient   = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
    }
}

function New-AzsSampleCredential {
    <#
    .SYNOPSIS
    PSCredential of the sample service principal (application ID + secret).
    #>
    $secure = New-Object System.Security.SecureString
    foreach ($ch in $script:SampleSecret.ToCharArray()) { $secure.AppendChar($ch) }
    $secure.MakeReadOnly()
    New-Object System.Management.Automation.PSCredential -ArgumentList $script:SampleApp, $secure
}



function Import-AzsModuleUnderTest {
    <#
    .SYNOPSIS
    Imports the built module (AZSREG_MODULE_PATH) into the global scope once.
    #>
    if (-not (Get-Module AzsRegistration)) {
        Import-Module (Get-AzsTestModulePath) -Global -ErrorAction Stop
    }
}

function Connect-AzsTestEmulator {
    <#
    .SYNOPSIS
    Adds the emulator as environment AzsEmulator (trusting its CA through AZSREG_CA_FILE)
    and signs in with the sample service principal; returns the profile.
    #>
    param([Parameter(Mandatory)] [hashtable] $Emulator, [string] $ContextName)
    $env:AZSREG_CA_FILE = $Emulator.CaFile
    $null = Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $Emulator.BaseUrl
    $p = @{ Environment = 'AzsEmulator'; ServicePrincipal = $true; Credential = (New-AzsSampleCredential); TenantId = $script:SampleDomain }
    if ($ContextName) { $p.ContextName = $ContextName }
    Connect-AzureRmAccount @p
}

function Get-AzsEmulatorManagedIdentity {
    <#
    .SYNOPSIS
    The emulator's system-assigned managed identity and identity header: @{ Header; ClientId; PrincipalId }.
    #>
    param([Parameter(Mandatory)] [hashtable] $Emulator)
    $state = Get-AzsEmulatorState -Emulator $Emulator
    $mi = @($state.managedIdentities | Where-Object { $_.systemAssigned })[0]
    @{ Header = [string]$state.identityHeader; ClientId = [string]$mi.clientId; PrincipalId = [string]$mi.principalId }
}

function Get-AzsEmulatorImdsToken {
    <#
    .SYNOPSIS
    An ARM access token of the emulator's managed identity, read over the plain-HTTP IMDS path (test use only).
    #>
    param([Parameter(Mandatory)] [hashtable] $Emulator)
    $uri = "http://127.0.0.1:$($Emulator.HttpPort)/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.emulator.azsreg.local/"
    (Invoke-RestMethod -Uri $uri -Headers @{ Metadata = 'true' } -NoProxy).access_token
}

function Invoke-AzsTestRegistrationFlow {
    <#
    .SYNOPSIS
    Register, list, get, remove one customer subscription with the Azs commands and check
    the emulator's state after each step. Throws on the first mismatch.
    #>
    param(
        [Parameter(Mandatory)] [hashtable] $Emulator,
        [string] $CustomerSubscriptionId = ([guid]::NewGuid().ToString().ToUpperInvariant()),
        [string] $TenantId = $script:SampleTenant
    )
    $lower = $CustomerSubscriptionId.ToLowerInvariant()
    $reg = Get-AzsRegistration -ResourceId $script:SampleRegistrationId -ErrorAction Stop
    if ($reg.Name -ne 'AzureStack-sample') { throw "Get-AzsRegistration returned '$($reg.Name)'" }
    $put = Register-AzsCustomerSubscription -Registration $reg -CustomerSubscriptionId $CustomerSubscriptionId -TenantId $TenantId -ErrorAction Stop
    if ($put.CustomerSubscriptionId -ne $lower) { throw "register returned '$($put.CustomerSubscriptionId)'" }
    if ((Get-AzsEmulatorCustomerIds -Emulator $Emulator) -notcontains $lower) { throw "emulator state lacks $lower after register" }
    $stored = (Get-AzsEmulatorRegistration -Emulator $Emulator).customerSubscriptions | Where-Object { $_.id -eq $lower }
    if ($stored.properties.tenantId -ne $script:SampleTenant) { throw "emulator stored tenant '$($stored.properties.tenantId)'" }
    $list = @(Get-AzsCustomerSubscription -Registration $reg -ErrorAction Stop)
    if (@($list | Where-Object { $_.CustomerSubscriptionId -eq $lower }).Count -ne 1) { throw "list lacks $lower" }
    $one = Get-AzsCustomerSubscription -Registration $reg -CustomerSubscriptionId $lower -ErrorAction Stop
    if ($one.TenantId -ne $script:SampleTenant) { throw "get returned tenant '$($one.TenantId)'" }
    Unregister-AzsCustomerSubscription -Registration $reg -CustomerSubscriptionId $lower -Force -ErrorAction Stop
    if ((Get-AzsEmulatorCustomerIds -Emulator $Emulator) -contains $lower) { throw "emulator state still has $lower after unregister" }
    $true
}
function Get-AzsErrorId {
    <#
    .SYNOPSIS
    "<ErrorId>,<command name>" of an ErrorRecord: the ErrorId part of FullyQualifiedErrorId
    (before the first ',') and InvocationInfo.MyCommand.Name. The same for a script function
    (FullyQualifiedErrorId "<ErrorId>,<function name>") and a compiled cmdlet
    ("<ErrorId>,<implementing type's full name>"), so tests can pin both parts either way:
      { ... } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'NotConnected,Get-AzsRegistration'
    Takes an ErrorRecord (or an exception that carries one) from the pipeline or -ErrorRecord.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [AllowNull()]
        [object] $ErrorRecord
    )
    process {
        $rec = $ErrorRecord
        if ($rec -is [System.Management.Automation.IContainsErrorRecord]) { $rec = $rec.ErrorRecord }
        if ($null -eq $rec -or -not ($rec.PSObject.Properties['FullyQualifiedErrorId'])) {
            throw "Get-AzsErrorId: expected an ErrorRecord, got $(if ($null -eq $rec) { '$null' } else { $rec.GetType().FullName })"
        }
        $id = ([string]$rec.FullyQualifiedErrorId -split ',', 2)[0]
        $name = ''
        if ($rec.InvocationInfo -and $rec.InvocationInfo.MyCommand) { $name = $rec.InvocationInfo.MyCommand.Name }
        "$id,$name"
    }
}

Export-ModuleMember -Function *
