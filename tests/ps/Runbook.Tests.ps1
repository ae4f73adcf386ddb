# The runbooks of /shared/docs/cmdlet-parity.md run as written: they pass no -Environment,
# so the built-in AzureCloud is overridden to point at the emulator
# (Add-AzureRmEnvironment -Name AzureCloud -ARMEndpoint <emulator>), the way an operator
# would point them at another cloud. Each sign-in is followed by the resource block, and
# the emulator's state proves each step. The override is undone afterwards (the
# environment store is process-wide and other test files expect the real AzureCloud).

BeforeDiscovery {
    # Certificates are made with .NET here; Wine's CNG cannot (see Test-AzsTestCanMakeCertificates).
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    $script:CanMakeCertificates = Test-AzsTestCanMakeCertificates
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $env:AZSREG_CA_FILE = $script:emu.CaFile
    $script:facts = Get-AzsSampleFacts
    [AzsRegistration.Interop.ContextStore]::Clear()
    $script:override = Add-AzureRmEnvironment -Name AzureCloud -ARMEndpoint $script:emu.BaseUrl

    # The resource block of cmdlet-parity.md, verbatim but for the elided '...' of the
    # Remove line, which is spelled out. Returns what each command returned.
    function Invoke-ParityResourceBlock {
        param([string] $customerSub)
        $regSub = '33333333-3333-3333-3333-333333333333'
        $rg = 'azurestack'
        $reg = 'AzureStack-sample'
        $customerTenant = $script:facts.TenantId

        $new = New-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Properties @{ tenantId = $customerTenant } -Force
        $afterNew = @(Get-AzsEmulatorCustomerIds -Emulator $script:emu)
        $list = Get-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions" -ApiVersion 2017-06-01
        $removed = Remove-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Force
        [pscustomobject]@{ New = $new; AfterNew = $afterNew; List = @($list); Removed = $removed; AfterRemove = @(Get-AzsEmulatorCustomerIds -Emulator $script:emu) }
    }

    function Assert-ParityResourceBlock {
        param([string] $CustomerSub)
        $r = Invoke-ParityResourceBlock -customerSub $CustomerSub
        $r.New.ResourceId | Should -Be "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/$CustomerSub"
        $r.AfterNew | Should -Contain $CustomerSub
        @($r.List | ForEach-Object { $_.ResourceId.Split('/')[-1] }) | Should -Contain $CustomerSub
        $r.Removed | Should -BeExactly $true
        $r.AfterRemove | Should -Not -Contain $CustomerSub
        # Every ARM request went to the emulator (the overridden AzureCloud), none elsewhere.
        $arm = @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -like '*customerSubscriptions*' })
        @($arm | ForEach-Object { $_.method }) | Should -Be @('PUT', 'GET', 'DELETE')
    }
}

AfterAll {
    $null = [AzsRegistration.Interop.EnvironmentStore]::Remove('AzureCloud')
    [AzsRegistration.Interop.ContextStore]::Clear()
    foreach ($n in @('Connect-AzAccount', 'Add-AzAccount', 'Login-AzAccount', 'Disconnect-AzAccount', 'Remove-AzAccount', 'Logout-AzAccount', 'Get-AzContext', 'Set-AzContext',
            'Select-AzSubscription', 'Get-AzSubscription', 'Disable-AzContextAutosave', 'Add-AzEnvironment', 'Get-AzEnvironment', 'Remove-AzEnvironment',
            'New-AzResource', 'Get-AzResource', 'Set-AzResource', 'Remove-AzResource')) {
        if (Test-Path "alias:$n") { Remove-Item "alias:$n" -Force }
    }
    if (Test-Path function:global:Get-AutomationConnection) { Remove-Item function:global:Get-AutomationConnection -Force }
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Overriding the built-in AzureCloud' {
    It 'Add-AzureRmEnvironment -Name AzureCloud makes it User-defined, pointing at the emulator' {
        $script:override.Type | Should -Be 'User-defined'
        $e = Get-AzureRmEnvironment -Name AzureCloud
        $e.Type | Should -Be 'User-defined'
        $e.ResourceManagerUrl | Should -Be $script:emu.BaseUrl
        @(Get-AzureRmEnvironment | Where-Object { $_.Name -eq 'AzureCloud' }).Count | Should -Be 1
        @(Get-AzureRmEnvironment | Where-Object { $_.Name -eq 'AzureCloud' })[0].Type | Should -Be 'User-defined'
        (Get-AzureRmEnvironment -Name AzureChinaCloud).Type | Should -Be 'Built-in'
    }
}

Describe 'The runbooks of cmdlet-parity.md, verbatim, against AzureCloud = the emulator' {
    BeforeEach {
        [AzsRegistration.Interop.ContextStore]::Clear()
        Reset-AzsEmulatorStats -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    It 'service principal secret (no -Environment), then New / Get / Remove-AzureRmResource' {
        $profile = Connect-AzureRmAccount -ServicePrincipal -Credential (New-AzsSampleCredential) -TenantId $script:facts.TenantId
        $profile.Context.Environment.Name | Should -Be 'AzureCloud'
        $profile.Context.Environment.ResourceManagerUrl | Should -Be $script:emu.BaseUrl
        Assert-ParityResourceBlock -CustomerSub 'c1a00000-0000-4000-8000-000000000001'
    }

    It 'the classic Run As connection (Get-AutomationConnection + -CertificateThumbprint from CurrentUser\My)' -Skip:(-not $script:CanMakeCertificates) {
        # A certificate with its key, registered with the sample app in the emulator and imported into CurrentUser\My.
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        $req = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=azsreg-runas', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $self = $req.CreateSelfSigned([DateTimeOffset]::UtcNow.AddMinutes(-5), [DateTimeOffset]::UtcNow.AddDays(1))
        $state = Get-AzsEmulatorState -Emulator $script:emu
        $app = $state.applications | Where-Object { $_.clientId -eq $script:facts.AppId }
        $app.certificates = @(@($app.certificates | Where-Object { $_ }) + $self.ExportCertificatePem())
        Set-AzsEmulatorState -Emulator $script:emu -State $state
        $withKey = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new($self.Export('Pfx', 'x'), 'x',
            [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::PersistKeySet -bor [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable)
        $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
        $store.Open('ReadWrite'); $store.Add($withKey); $store.Close()
        # The Automation sandbox's function, as a stand-in returning the connection's fields.
        $thumb = $withKey.Thumbprint
        $tenant = $script:facts.TenantId
        $appId = $script:facts.AppId
        $null = New-Item -Path function:global:Get-AutomationConnection -Value ({
                param([string] $Name)
                if ($Name -ne 'AzureRunAsConnection') { throw "no connection $Name" }
                @{ TenantId = $tenant; ApplicationId = $appId; CertificateThumbprint = $thumb; SubscriptionId = '33333333-3333-3333-3333-333333333333' }
            }.GetNewClosure()) -Force
        try {
            # ---- verbatim ----
            $c = Get-AutomationConnection -Name AzureRunAsConnection
            Add-AzureRmAccount -ServicePrincipal -TenantId $c.TenantId -ApplicationId $c.ApplicationId -CertificateThumbprint $c.CertificateThumbprint
            # ------------------
            (Get-AzsEmulatorStats -Emulator $script:emu).byAssertion | Should -Be 1
            $ctx = Get-AzureRmContext
            $ctx.Account.Id | Should -Be $script:facts.AppId
            $ctx.Account.Type | Should -Be 'ServicePrincipal'
            $ctx.Environment.Name | Should -Be 'AzureCloud'
            Assert-ParityResourceBlock -CustomerSub 'c1a00000-0000-4000-8000-000000000002'
        }
        finally {
            $store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
            $store.Open('ReadWrite'); $store.Remove($withKey); $store.Close()
        }
    }

    It 'after Run As retirement: Enable-AzsAzAlias then Connect-AzAccount -Identity' {
        $mi = Get-AzsEmulatorManagedIdentity -Emulator $script:emu
        $saved = @($env:IDENTITY_ENDPOINT, $env:IDENTITY_HEADER)
        $env:IDENTITY_ENDPOINT = $script:emu.BaseUrl + 'msi/token'
        $env:IDENTITY_HEADER = $mi.Header
        try {
            Enable-AzsAzAlias
            # ---- verbatim ----
            Connect-AzAccount -Identity
            # ------------------
            (Get-AzsEmulatorStats -Emulator $script:emu).byManagedIdentity | Should -Be 1
            $ctx = Get-AzContext
            $ctx.Account.Id | Should -Be 'MSI@50342'
            $ctx.Account.Type | Should -Be 'ManagedService'
            $ctx.Environment.Name | Should -Be 'AzureCloud'
            Assert-ParityResourceBlock -CustomerSub 'c1a00000-0000-4000-8000-000000000003'
        }
        finally {
            $env:IDENTITY_ENDPOINT = $saved[0]
            $env:IDENTITY_HEADER = $saved[1]
        }
    }

    It 'a user credential asset: Get-AutomationPSCredential then Add-AzureRmAccount -Credential -TenantId' {
        $upn = 'admin@contoso.onmicrosoft.com'
        $null = New-Item -Path function:global:Get-AutomationPSCredential -Force -Value ({
                param([string] $Name)
                if ($Name -ne 'x') { throw "no credential asset $Name" }
                New-Object System.Management.Automation.PSCredential -ArgumentList $upn, (ConvertTo-SecureString 'emulator-sample-password' -AsPlainText -Force)
            }.GetNewClosure())
        try {
            # ---- verbatim ----
            $cred = Get-AutomationPSCredential -Name 'x'
            Add-AzureRmAccount -Credential $cred -TenantId 11111111-1111-1111-1111-111111111111
            # ------------------
            (Get-AzsEmulatorStats -Emulator $script:emu).byPassword | Should -Be 1
            $ctx = Get-AzureRmContext
            $ctx.Account.Id | Should -Be $upn
            $ctx.Account.Type | Should -Be 'User'
            $ctx.Environment.Name | Should -Be 'AzureCloud'
            Assert-ParityResourceBlock -CustomerSub 'c1a00000-0000-4000-8000-000000000004'
        }
        finally {
            Remove-Item function:global:Get-AutomationPSCredential -Force
        }
    }
}
