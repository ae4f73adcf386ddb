# The packaged module on Windows (runs in the Windows PowerShell host under Wine:
# build/pwsh-windows.sh, tests/windows/run-pester.ps1): it loads runtimes/win-x64/native/
# azsreg.dll from the one module folder that holds both runtimes, and the documented
# AzureRM flow and the Azs commands work against the Linux emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../ps/Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    $script:reg = 'subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample'
}

AfterAll {
    $null = [AzsRegistration.Interop.EnvironmentStore]::Remove('AzureCloud')
    [AzsRegistration.Interop.ContextStore]::Clear()
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'The module on Windows' {
    It 'runs on Windows and loads the win-x64 DLL from the module folder' {
        [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows) | Should -BeTrue
        $dir = (Get-Module AzsRegistration).ModuleBase
        Test-Path -LiteralPath (Join-Path $dir 'runtimes/win-x64/native/azsreg.dll') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $dir 'runtimes/linux-x64/native/libazsreg.so') | Should -BeTrue
        $version = [AzsRegistration.Interop.Native]::Version()
        $version | Should -Match '^\d+\.\d+\.\d+'
        $loaded = [AzsRegistration.Interop.Native]::LibraryPath
        $loaded | Should -BeLike '*runtimes*win-x64*native*azsreg.dll'
    }
}

Describe 'The documented AzureRM flow against the emulator' {
    BeforeAll {
        $env:AZSREG_CA_FILE = $script:emu.CaFile
        [AzsRegistration.Interop.ContextStore]::Clear()
        $script:override = Add-AzureRmEnvironment -Name AzureCloud -ARMEndpoint $script:emu.BaseUrl
    }

    It 'Add-AzureRmAccount, New-AzureRmResource -Properties, Get-AzureRmResource, Remove-AzureRmResource' {
        $customer = 'c0de0101-0000-4000-8000-000000000101'
        $cred = [pscredential]::new($script:facts.AppId, (ConvertTo-SecureString $script:facts.Secret -AsPlainText -Force))
        $profile = Add-AzureRmAccount -ServicePrincipal -Credential $cred -TenantId $script:facts.TenantId
        $profile.Context.Environment.Name | Should -Be 'AzureCloud'

        $new = New-AzureRmResource -ResourceId "$script:reg/customerSubscriptions/$customer" -ApiVersion 2017-06-01 -Properties @{ tenantId = $script:facts.TenantId } -Force
        $new.ResourceId | Should -Be "/$script:reg/customerSubscriptions/$customer"
        $new.Properties.tenantId | Should -Be $script:facts.TenantId
        Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Contain $customer

        $list = @(Get-AzureRmResource -ResourceId "$script:reg/customerSubscriptions" -ApiVersion 2017-06-01)
        @($list | ForEach-Object { $_.ResourceId.Split('/')[-1] }) | Should -Contain $customer

        Remove-AzureRmResource -ResourceId "$script:reg/customerSubscriptions/$customer" -ApiVersion 2017-06-01 -Force | Should -BeExactly $true
        Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Not -Contain $customer
    }

    It 'a service error is an ErrorRecord with the ARM code as ErrorId' {
        $missing = 'subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-missing'
        { Get-AzureRmResource -ResourceId "$missing/customerSubscriptions/c0de0102-0000-4000-8000-000000000102" -ApiVersion 2017-06-01 -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegistrationNotFound*'
    }
}

Describe 'Certificate files through the module (made by openssl in tests/windows/run.sh)' {
    BeforeAll {
        $script:certs = Join-Path $env:AZSREG_EMULATOR_SPOOL 'certs'
        $env:AZSREG_CA_FILE = $script:emu.CaFile
        $null = Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $script:emu.BaseUrl
        $state = Get-AzsEmulatorState -Emulator $script:emu
        $app = $state.applications | Where-Object { $_.clientId -eq $script:facts.AppId }
        $app.certificates = @(@($app.certificates | Where-Object { $_ }) + (Get-Content -LiteralPath (Join-Path $script:certs 'sp.crt') -Raw))
        Set-AzsEmulatorState -Emulator $script:emu -State $state
    }
    BeforeEach {
        [AzsRegistration.Interop.ContextStore]::Clear()
        Reset-AzsEmulatorStats -Emulator $script:emu
    }

    It 'signs in with a PEM file (certificate + key) and registers' {
        $profile = Connect-AzureRmAccount -Environment AzsEmulator -ServicePrincipal -CertificatePath (Join-Path $script:certs 'sp.pem') -ApplicationId $script:facts.AppId -TenantId $script:facts.TenantId
        $profile.Context.CredentialKind | Should -Be 'Certificate'
        (Get-AzsEmulatorStats -Emulator $script:emu).byAssertion | Should -Be 1
        Invoke-AzsTestRegistrationFlow -Emulator $script:emu | Should -BeTrue
    }

    It 'signs in with a PFX file and its password and registers' {
        $pw = ConvertTo-SecureString 'win-module-pfx-do-not-log-8814' -AsPlainText -Force
        $profile = Connect-AzureRmAccount -Environment AzsEmulator -ServicePrincipal -CertificatePath (Join-Path $script:certs 'sp.pfx') -CertificatePassword $pw -ApplicationId $script:facts.AppId -TenantId $script:facts.TenantId
        $profile.Context.CredentialKind | Should -Be 'Certificate'
        (Get-AzsEmulatorStats -Emulator $script:emu).byAssertion | Should -Be 1
        Invoke-AzsTestRegistrationFlow -Emulator $script:emu | Should -BeTrue
    }
}

Describe 'The Azs commands against the emulator' {
    BeforeAll {
        [AzsRegistration.Interop.ContextStore]::Clear()
        $null = Connect-AzsTestEmulator -Emulator $script:emu
        $script:registration = "/$script:reg"
    }

    It 'Register, Get and Unregister-AzsCustomerSubscription' {
        $customer = 'c0de0201-0000-4000-8000-000000000201'
        $r = Register-AzsCustomerSubscription -Registration $script:registration -CustomerSubscriptionId $customer -TenantId $script:facts.TenantId -Confirm:$false
        $r | Should -Not -BeNullOrEmpty
        Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Contain $customer
        $g = Get-AzsCustomerSubscription -Registration $script:registration -CustomerSubscriptionId $customer
        $g | Should -Not -BeNullOrEmpty
        Unregister-AzsCustomerSubscription -Registration $script:registration -CustomerSubscriptionId $customer -Confirm:$false
        Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Not -Contain $customer
    }

    It 'a bad customer ID is refused before anything is sent (InvalidCustomerSubscriptionId)' {
        Clear-AzsEmulatorRequests -Emulator $script:emu
        Register-AzsCustomerSubscription -Registration $script:registration -CustomerSubscriptionId 'not-a-guid' -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'InvalidCustomerSubscriptionId*'
        @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -like '*customerSubscriptions*' }).Count | Should -Be 0
    }
}
