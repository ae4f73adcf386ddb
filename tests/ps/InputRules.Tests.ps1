# Issue #9, finding 8: the CLI and the module decide the same for the same input, because
# the library alone validates and normalizes (azsreg_guid_normalize, azsreg_tenant_check,
# azsreg_registration_id_parse, azsreg_resource_id_normalize, azsreg_resource_request_check).
# Every row runs through both front ends against one emulator:
#   refused  -> azsreg exits 2, the module fails with the row's stable ErrorId, both
#               messages name the problem (the row's pattern), and nothing was sent;
#   accepted -> both succeed and the emulator saw the same, normalized request path.
# Nothing is trimmed anywhere: a trailing newline or space is refused, naming it.
# The table of bad inputs is tests/INVALID_INPUTS.md (rows "8").
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    $null = Connect-AzsTestEmulator -Emulator $script:emu
    # The CLI to compare with: AZSREG_TEST_CLI (the Windows azsreg.exe when the Windows host
    # runs this file, tests/windows/run.sh), else the build's own.
    $script:cli = if ($env:AZSREG_TEST_CLI) { $env:AZSREG_TEST_CLI } else { Join-Path (Get-AzsTestBuildDir) 'bin/azsreg' }
    if (-not (Test-Path -LiteralPath $script:cli)) { throw "the CLI to compare with is not at $($script:cli)" }

    function Reset-Counters {
        Reset-AzsEmulatorStats -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }
    function Get-ArmWrites {
        @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -like '/subscriptions/*' -and $_.method -eq 'PUT' })
    }
    function Assert-NothingSent([string] $Because) {
        $stats = Get-AzsEmulatorStats -Emulator $script:emu
        $stats.requests | Should -Be 0 -Because $Because
        @(Get-AzsEmulatorRequests -Emulator $script:emu).Count | Should -Be 0 -Because $Because
    }
    # Runs azsreg with exact arguments (newlines and spaces kept) as the sample service principal.
    function Invoke-Cli([string[]] $Arguments) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new($script:cli)
        foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
        foreach ($a in @('--arm-endpoint', $script:emu.BaseUrl, '--ca-file', $script:emu.CaFile)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $psi.Environment['AZURE_TENANT_ID'] = $script:facts.TenantId
        $psi.Environment['AZURE_CLIENT_ID'] = $script:facts.AppId
        $psi.Environment['AZURE_CLIENT_SECRET'] = $script:facts.Secret
        foreach ($n in @('AZSREG_ACCESS_TOKEN', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'IDENTITY_ENDPOINT', 'MSI_ENDPOINT', 'AZSREG_USERNAME')) {
            [void]$psi.Environment.Remove($n)
        }
        $p = [System.Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Out = $stdout.Result; Err = $stderr }
    }
    # The module's failure (terminating or not) as an ErrorRecord; $null when it succeeded.
    function Invoke-Module([scriptblock] $Command) {
        $errs = $null
        try { $null = & $Command -ErrorAction Stop } catch { return $_ }
        $null
    }

    $script:REG = $script:facts.RegistrationId
    $script:CUST = 'e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b'
    $script:UPPER = 'E0A1B2C3-D4E5-4F60-8A9B-0C1D2E3F4A5B'
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'finding 8: one rule in the library, the same decision from the CLI and the module' {
    BeforeEach { Reset-Counters }

    # ---- refused by both ----------------------------------------------------------------------
    It 'finding 8: <Case> is refused by both (exit 2 / <ErrorId>), naming the problem, before anything is sent' -TestCases @(
        # customer subscription IDs: Register-AzsCustomerSubscription vs azsreg register
        @{ Case = 'a customer ID with a trailing newline'; Kind = 'customer'; Value = "e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b`n"; ErrorId = 'InvalidCustomerSubscriptionId'; Want = 'ends with a newline \(\\n\): nothing is trimmed' }
        @{ Case = 'a customer ID with CR LF'; Kind = 'customer'; Value = "e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b`r`n"; ErrorId = 'InvalidCustomerSubscriptionId'; Want = 'ends with a newline' }
        @{ Case = 'a customer ID with a trailing space'; Kind = 'customer'; Value = 'e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b '; ErrorId = 'InvalidCustomerSubscriptionId'; Want = 'ends with a space: nothing is trimmed' }
        @{ Case = 'a customer ID with a leading space'; Kind = 'customer'; Value = ' e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b'; ErrorId = 'InvalidCustomerSubscriptionId'; Want = 'starts with a space' }
        @{ Case = 'a customer ID that is not a GUID'; Kind = 'customer'; Value = '12345'; ErrorId = 'InvalidCustomerSubscriptionId'; Want = "'12345' is not a GUID" }
        @{ Case = 'a customer ID in unclosed braces'; Kind = 'customer'; Value = '{e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b'; ErrorId = 'InvalidCustomerSubscriptionId'; Want = 'is not a GUID' }
        @{ Case = 'a customer ID in the 32-digit form'; Kind = 'customer'; Value = 'e0a1b2c3d4e54f608a9b0c1d2e3f4a5b'; ErrorId = 'InvalidCustomerSubscriptionId'; Want = 'is not a GUID' }
        # registration IDs: -Registration vs --registration
        @{ Case = 'a registration ID with a trailing newline'; Kind = 'registration'; Value = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample`n"; ErrorId = 'InvalidRegistration'; Want = 'ends with a newline' }
        # customer tenants: Register-AzsCustomerSubscription -TenantId vs azsreg register --tenant-id
        @{ Case = 'a tenant with a trailing newline'; Kind = 'tenant'; Value = "contoso.onmicrosoft.com`n"; ErrorId = 'InvalidTenantId'; Want = 'ends with a newline' }
        @{ Case = 'a tenant with a leading space'; Kind = 'tenant'; Value = ' contoso.onmicrosoft.com'; ErrorId = 'InvalidTenantId'; Want = 'starts with a space' }
        @{ Case = 'a tenant that is not a tenant'; Kind = 'tenant'; Value = 'not a tenant'; ErrorId = 'InvalidTenantId'; Want = 'neither a GUID nor a domain name' }
        @{ Case = 'a tenant without a dot'; Kind = 'tenant'; Value = 'contoso'; ErrorId = 'InvalidTenantId'; Want = 'neither a GUID nor a domain name' }
        @{ Case = 'a tenant GUID in unclosed braces'; Kind = 'tenant'; Value = '{11111111-1111-1111-1111-111111111111'; ErrorId = 'InvalidTenantId'; Want = 'not a GUID|neither a GUID' }
        # resource IDs: New-AzureRmResource -ResourceId vs azsreg request PUT
        @{ Case = 'a resource ID with a trailing newline'; Kind = 'resource'; Value = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b`n"; ErrorId = 'InvalidResourceId'; Want = 'ends with a newline' }
        @{ Case = 'a resource ID with a trailing space'; Kind = 'resource'; Value = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b '; ErrorId = 'InvalidResourceId'; Want = 'ends with a space' }
        @{ Case = 'a resource ID whose customer segment is not a GUID'; Kind = 'resource'; Value = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/not-a-guid'; ErrorId = 'InvalidCustomerSubscriptionId'; Want = "customer subscription ID in the resource ID 'not-a-guid' is not a GUID" }
        @{ Case = 'a resource ID with a space inside'; Kind = 'resource'; Value = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azure stack/providers/Microsoft.AzureStack/registrations/AzureStack-sample'; ErrorId = 'InvalidResourceId'; Want = 'whitespace at position 73' }
        # api-versions: New-AzureRmResource -ApiVersion vs azsreg request --api-version
        @{ Case = 'an api-version with a trailing space'; Kind = 'apiVersion'; Value = '2017-06-01 '; ErrorId = 'AZSREG_EINVALID'; Want = "api-version '2017-06-01 ' has a character other than" }
        @{ Case = 'an api-version with a trailing newline'; Kind = 'apiVersion'; Value = "2017-06-01`n"; ErrorId = 'AZSREG_EINVALID'; Want = 'has a character other than' }
        @{ Case = 'an api-version with an ampersand'; Kind = 'apiVersion'; Value = '2017-06-01&x=1'; ErrorId = 'AZSREG_EINVALID'; Want = 'has a character other than' }
        @{ Case = 'an api-version in uppercase'; Kind = 'apiVersion'; Value = '2017-06-01-PREVIEW'; ErrorId = 'AZSREG_EINVALID'; Want = 'has a character other than' }
    ) {
        $regId = $script:REG; $cust = $script:CUST; $tenant = $script:facts.TenantId
        $cliArgs = $null; $module = $null
        switch ($Kind) {
            'customer' {
                $cliArgs = @('register', '--registration', $regId, '--customer-subscription', $Value, '--tenant-id', $tenant)
                $module = { param($ErrorAction) Register-AzsCustomerSubscription -Registration $regId -CustomerSubscriptionId $Value -TenantId $tenant -ErrorAction $ErrorAction }
            }
            'registration' {
                $cliArgs = @('register', '--registration', $Value, '--customer-subscription', $cust, '--tenant-id', $tenant)
                $module = { param($ErrorAction) Register-AzsCustomerSubscription -Registration $Value -CustomerSubscriptionId $cust -TenantId $tenant -ErrorAction $ErrorAction }
            }
            'tenant' {
                $cliArgs = @('register', '--registration', $regId, '--customer-subscription', $cust, '--tenant-id', $Value)
                $module = { param($ErrorAction) Register-AzsCustomerSubscription -Registration $regId -CustomerSubscriptionId $cust -TenantId $Value -ErrorAction $ErrorAction }
            }
            'resource' {
                $cliArgs = @('request', 'PUT', $Value, '--api-version', '2017-06-01', '--body', '{"properties":{}}')
                $module = { param($ErrorAction) New-AzureRmResource -ResourceId $Value -ApiVersion 2017-06-01 -Properties @{} -Force -ErrorAction $ErrorAction }
            }
            'apiVersion' {
                $cliArgs = @('request', 'PUT', "$regId/customerSubscriptions/$cust", '--api-version', $Value, '--body', '{"properties":{}}')
                $module = { param($ErrorAction) New-AzureRmResource -ResourceId "$regId/customerSubscriptions/$cust" -ApiVersion $Value -Properties @{} -Force -ErrorAction $ErrorAction }
            }
        }

        $r = Invoke-Cli $cliArgs
        $r.ExitCode | Should -Be 2 -Because "azsreg refuses $Case (stderr: $($r.Err))"
        $r.Err | Should -Match $Want
        $r.Out | Should -BeNullOrEmpty
        Assert-NothingSent -Because "azsreg sends nothing for $Case"

        $err = Invoke-Module $module
        $err | Should -Not -BeNullOrEmpty -Because "the module refuses $Case"
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match $Want
        Assert-NothingSent -Because "the module sends nothing for $Case"
    }

    # ---- accepted by both, sent the same way --------------------------------------------------
    It 'finding 8: <Case> is accepted by both and the emulator sees the same path (<Expected>)' -TestCases @(
        @{ Case = 'an uppercase customer GUID in a resource ID'; Kind = 'resource'; Value = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/E0A1B2C3-D4E5-4F60-8A9B-0C1D2E3F4A5B'; Expected = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b' }
        @{ Case = 'a braced mixed-case customer GUID in a resource ID'; Kind = 'resource'; Value = 'subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/{E0a1B2c3-D4E5-4F60-8A9B-0C1D2E3F4A5B}'; Expected = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b' }
        @{ Case = 'keywords in other cases (kept as typed; only the customer GUID changes)'; Kind = 'resource'; Value = '/subscriptions/33333333-3333-3333-3333-333333333333/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/AzureStack-sample/CUSTOMERSUBSCRIPTIONS/E0A1B2C3-D4E5-4F60-8A9B-0C1D2E3F4A5B'; Expected = '/subscriptions/33333333-3333-3333-3333-333333333333/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/AzureStack-sample/CUSTOMERSUBSCRIPTIONS/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b' }
        @{ Case = 'an uppercase customer GUID'; Kind = 'customer'; Value = 'E0A1B2C3-D4E5-4F60-8A9B-0C1D2E3F4A5B'; Expected = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b' }
        @{ Case = 'a braced customer GUID'; Kind = 'customer'; Value = '{E0A1B2C3-D4E5-4F60-8A9B-0C1D2E3F4A5B}'; Expected = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b' }
        @{ Case = 'a braced tenant GUID'; Kind = 'tenant'; Value = '{11111111-1111-1111-1111-111111111111}'; Expected = '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/e0a1b2c3-d4e5-4f60-8a9b-0c1d2e3f4a5b' }
    ) {
        $regId = $script:REG; $cust = $script:CUST; $tenant = $script:facts.TenantId
        switch ($Kind) {
            'customer' {
                $cliArgs = @('register', '--registration', $regId, '--customer-subscription', $Value, '--tenant-id', $tenant)
                $module = { Register-AzsCustomerSubscription -Registration $regId -CustomerSubscriptionId $Value -TenantId $tenant -ErrorAction Stop }
            }
            'tenant' {
                $cliArgs = @('register', '--registration', $regId, '--customer-subscription', $cust, '--tenant-id', $Value)
                $module = { Register-AzsCustomerSubscription -Registration $regId -CustomerSubscriptionId $cust -TenantId $Value -ErrorAction Stop }
            }
            'resource' {
                $cliArgs = @('request', 'PUT', $Value, '--api-version', '2017-06-01', '--body', '{"properties":{"tenantId":"11111111-1111-1111-1111-111111111111"}}')
                $module = { New-AzureRmResource -ResourceId $Value -ApiVersion 2017-06-01 -Properties @{ tenantId = '11111111-1111-1111-1111-111111111111' } -Force -ErrorAction Stop }
            }
        }

        $r = Invoke-Cli $cliArgs
        $r.ExitCode | Should -Be 0 -Because "azsreg accepts $Case (stderr: $($r.Err))"
        $cliPaths = @(Get-ArmWrites | ForEach-Object { $_.path })
        Reset-Counters

        $null = & $module
        $modulePaths = @(Get-ArmWrites | ForEach-Object { $_.path })

        $cliPaths | Should -Be @($Expected)
        $modulePaths | Should -Be @($Expected)
        $modulePaths[0] | Should -BeExactly $cliPaths[0]
    }

    It 'finding 8: the device code sign-in uses the library''s default public client (one copy: azsreg_default_public_client_id)' {
        [AzsRegistration.Interop.Native]::DefaultPublicClientId() | Should -BeExactly '04b07795-8ddb-461a-bbee-02f9e1bf7b46'
        $help = & $script:cli --help
        ($help -join "`n") | Should -BeLike "*public client $([AzsRegistration.Interop.Native]::DefaultPublicClientId())*"
        # The module takes the default from the library: the device code request that
        # Connect-AzureRmAccount sends (no AZSREG_PUBLIC_CLIENT_ID) carries the library's ID.
        # The emulator fails that request at once, so nothing waits for a browser.
        $savedClient = $env:AZSREG_PUBLIC_CLIENT_ID
        $env:AZSREG_PUBLIC_CLIENT_ID = $null
        Reset-Counters
        Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'POST'; pathContains = '/devicecode'; status = 400; code = 'invalid_request'; message = 'emulated'; count = 1 }
        try {
            { Connect-AzureRmAccount -Environment AzsEmulator -UseDeviceAuthentication -TenantId $script:facts.TenantId -WarningAction SilentlyContinue } | Should -Throw
        }
        finally {
            $env:AZSREG_PUBLIC_CLIENT_ID = $savedClient
            Clear-AzsEmulatorFaults -Emulator $script:emu
        }
        $dc = @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/devicecode' })
        $dc.Count | Should -Be 1
        $dc[0].body | Should -Match ('(^|&)client_id=' + [regex]::Escape([AzsRegistration.Interop.Native]::DefaultPublicClientId()) + '(&|$)') -Because 'the module takes the default from the library'
    }
}
