# Connect-AzureRmAccount -Credential for a user account (no -ServicePrincipal): the
# resource owner password grant through the library, against the emulator's users.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $env:AZSREG_CA_FILE = $script:emu.CaFile
    $script:facts = Get-AzsSampleFacts
    $null = Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $script:emu.BaseUrl

    function ConvertTo-TestSecureString([string] $Text) {
        $s = New-Object System.Security.SecureString
        foreach ($ch in $Text.ToCharArray()) { $s.AppendChar($ch) }
        $s.MakeReadOnly()
        $s
    }
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Connect-AzureRmAccount -Credential for a user account (user name and password)' {
    BeforeAll {
        $script:userUpn = 'admin@contoso.onmicrosoft.com'
        $script:userPassword = 'emulator-sample-password'
        # A second user who must pass MFA.
        $state = Get-AzsEmulatorState -Emulator $script:emu
        $state.users = @(@($state.users | Where-Object { $_ }) + [pscustomobject]@{ upn = 'mfa@contoso.onmicrosoft.com'; tenantId = $script:facts.TenantId; password = 'mfa-user-password'; mfaRequired = $true })
        Set-AzsEmulatorState -Emulator $script:emu -State $state
        # Azure Automation's function, as a stand-in returning the stored PSCredential.
        $upn = $script:userUpn; $pw = $script:userPassword
        $null = New-Item -Path function:global:Get-AutomationPSCredential -Force -Value ({
                param([string] $Name)
                if ($Name -ne 'x') { throw "no credential asset $Name" }
                New-Object System.Management.Automation.PSCredential -ArgumentList $upn, (ConvertTo-SecureString $pw -AsPlainText -Force)
            }.GetNewClosure())
    }
    AfterAll {
        if (Test-Path function:global:Get-AutomationPSCredential) { Remove-Item function:global:Get-AutomationPSCredential -Force }
    }
    BeforeEach {
        Reset-AzsEmulatorStats -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    It 'signs in the user with the password grant (tenant domain), account type User, and registers' {
        $cred = Get-AutomationPSCredential -Name 'x'
        $null = Connect-AzureRmAccount -Credential $cred -TenantId $script:facts.Domain -Environment AzsEmulator
        $ctx = Get-AzureRmContext
        $ctx.Account.Id | Should -BeExactly $script:userUpn
        $ctx.Account.Type | Should -BeExactly 'User'
        $ctx.CredentialKind | Should -Be 'UserPassword'
        $ctx.TenantId | Should -Be $script:facts.TenantId
        (Get-AzsEmulatorStats -Emulator $script:emu).byPassword | Should -Be 1
        $token = @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/token' })
        $token.Count | Should -Be 1
        $token[0].path | Should -Be "/$($script:facts.Domain)/oauth2/v2.0/token"
        $token[0].body | Should -Match 'grant_type=password'
        $token[0].body | Should -Not -Match ([regex]::Escape($script:userPassword))
        Invoke-AzsTestRegistrationFlow -Emulator $script:emu | Should -BeTrue
    }

    It 'a wrong password fails with ErrorId AADSTS50126 and sends no ARM request; the password never shows' {
        $bad = New-Object System.Management.Automation.PSCredential -ArgumentList $script:userUpn, (ConvertTo-TestSecureString 'not-the-Password-9')
        $err = $null
        try { Connect-AzureRmAccount -Credential $bad -TenantId $script:facts.Domain -Environment AzsEmulator -Verbose -Debug *>$null } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.ErrorId | Should -Be 'AADSTS50126'
        $err.FullyQualifiedErrorId | Should -BeLike 'AADSTS50126,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($err | Out-String) | Should -Not -Match 'not-the-Password-9'
        (Get-AzsEmulatorStats -Emulator $script:emu).armRequests | Should -Be 0
    }

    It 'a user who needs MFA fails with AADSTS50076 and the error says to use -UseDeviceAuthentication' {
        $mfa = New-Object System.Management.Automation.PSCredential -ArgumentList 'mfa@contoso.onmicrosoft.com', (ConvertTo-TestSecureString 'mfa-user-password')
        $err = $null
        try { Connect-AzureRmAccount -Credential $mfa -TenantId $script:facts.TenantId -Environment AzsEmulator } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.ErrorId | Should -Be 'AADSTS50076'
        $err.Exception.Message | Should -Match '-UseDeviceAuthentication'
        $err.Exception.Hint | Should -Match '-UseDeviceAuthentication'
        (Get-AzsEmulatorStats -Emulator $script:emu).armRequests | Should -Be 0
    }
}
