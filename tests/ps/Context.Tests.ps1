# Contexts, environments, subscriptions, sign-out, output shape, and the secret scan.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    $state = Get-AzsEmulatorState -Emulator $script:emu
    $state.subscriptions = @($state.subscriptions) + [pscustomobject]@{ subscriptionId = '88888888-8888-8888-8888-888888888888'; displayName = 'Second subscription'; tenantId = $script:facts.TenantId; state = 'Enabled' }
    Set-AzsEmulatorState -Emulator $script:emu -State $state
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Contexts' {
    BeforeEach {
        [AzsRegistration.Interop.ContextStore]::Clear()
        Reset-AzsEmulatorStats -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    It 'commands without a context fail with NotConnected, telling to run Connect-AzureRmAccount' {
        { Get-AzsRegistration -ResourceId $script:facts.RegistrationId } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'NotConnected,Get-AzsRegistration'
        try { Get-AzureRmSubscription } catch { $_.Exception.Message | Should -Match 'Connect-AzureRmAccount' }
        Get-AzureRmContext | Should -BeNullOrEmpty
    }

    It 'Format-List of a context shows the readable members, not the handles and JSON behind it' {
        $null = Connect-AzsTestEmulator -Emulator $script:emu
        $text = Get-AzureRmContext | Format-List | Out-String -Width 300
        foreach ($m in 'Account', 'AccountType', 'Environment', 'SubscriptionId', 'SubscriptionName', 'TenantId', 'CredentialKind') { $text | Should -Match "(?m)^$m\s*:" }
        foreach ($m in 'ClientOptionsJson', 'EnvironmentJson', 'Client', 'Credential') { $text | Should -Not -Match "(?m)^$m\s*:" }
        (Get-AzureRmContext).ClientOptionsJson | Should -Not -BeNullOrEmpty -Because 'the members are still there by name'
    }

    It 'a context prints Account, SubscriptionName, TenantId and Environment as a table' {
        $profile = Connect-AzsTestEmulator -Emulator $script:emu
        $text = Get-AzureRmContext | Format-Table | Out-String -Width 300
        $header = ($text -split "`n" | Where-Object { $_.Trim() })[0]
        ($header -split '\s+' | Where-Object { $_ }) | Should -Be @('Account', 'SubscriptionName', 'TenantId', 'Environment')
        $text | Should -Match ([regex]::Escape($script:facts.AppId))
        $text | Should -Match 'Azure Stack sample registration subscription'
        $text | Should -Match $script:facts.TenantId
        $text | Should -Match 'AzsEmulator'
        $ptext = $profile | Format-Table | Out-String -Width 300
        ($ptext -split "`n" | Where-Object { $_.Trim() })[0] -split '\s+' | Where-Object { $_ } | Should -Be @('Account', 'SubscriptionName', 'TenantId', 'Environment')
        $profile.Context.ToString() | Should -Be $script:facts.AppId
        $profile.Context.Subscription.Id | Should -Be '33333333-3333-3333-3333-333333333333'
        $profile.Context.Tenant.Id | Should -Be $script:facts.TenantId
    }

    It 'has the AzureRM context shape: Account.Id / .Type, Environment.Name, Subscription.Id / .Name, Tenant.Id' {
        $null = Connect-AzsTestEmulator -Emulator $script:emu
        $ctx = Get-AzureRmContext
        $ctx.Account.Id | Should -BeExactly $script:facts.AppId
        $ctx.Account.Type | Should -BeExactly 'ServicePrincipal'
        $ctx.Account.Tenants | Should -Be @($script:facts.TenantId)
        $ctx.Account.ExtendedProperties['Tenants'] | Should -Be $script:facts.TenantId
        $ctx.Account.ExtendedProperties['Subscriptions'] | Should -Be '33333333-3333-3333-3333-333333333333'
        $ctx.Account.ToString() | Should -BeExactly $script:facts.AppId
        "$($ctx.Account)" | Should -BeExactly $script:facts.AppId
        ($ctx.Account -eq $script:facts.AppId) | Should -BeTrue
        $ctx.Environment.Name | Should -BeExactly 'AzsEmulator'
        $ctx.Environment.ResourceManagerUrl | Should -Be $script:emu.BaseUrl
        $ctx.Environment.ActiveDirectoryServiceEndpointResourceId | Should -Be 'https://management.emulator.azsreg.local/'
        $ctx.Environment.ToString() | Should -BeExactly 'AzsEmulator'
        "$($ctx.Environment)" | Should -BeExactly 'AzsEmulator'
        $ctx.Subscription.Id | Should -Be '33333333-3333-3333-3333-333333333333'
        $ctx.Subscription.Name | Should -Be 'Azure Stack sample registration subscription'
        $ctx.Tenant.Id | Should -Be $script:facts.TenantId
        # Runbooks branch on the account type.
        $token = Get-AzsEmulatorImdsToken -Emulator $script:emu
        (Connect-AzureRmAccount -AccessToken $token -AccountId 'token-user' -Environment AzsEmulator).Context.Account.Type | Should -BeExactly 'AccessToken'
        # The table still shows the plain values.
        $text = Get-AzureRmContext | Format-Table | Out-String -Width 300
        $row = ($text -split "`n" | Where-Object { $_ -match 'token-user' })
        $row | Should -Match '^token-user\s+Azure Stack sample registration subscription\s+11111111-1111-1111-1111-111111111111\s+AzsEmulator\s*$'
    }

    It 'Connect -Subscription selects by name; Set-AzureRmContext / Select-AzureRmSubscription switch without a new sign-in' {
        $p = Connect-AzureRmAccount -Environment AzsEmulator -ServicePrincipal -Credential (New-AzsSampleCredential) -TenantId $script:facts.TenantId -Subscription 'Second subscription'
        $p.Context.SubscriptionId | Should -Be '88888888-8888-8888-8888-888888888888'
        $c = Set-AzureRmContext -Subscription '33333333-3333-3333-3333-333333333333'
        $c.SubscriptionName | Should -Be 'Azure Stack sample registration subscription'
        (Get-AzureRmContext).SubscriptionId | Should -Be '33333333-3333-3333-3333-333333333333'
        $c2 = Select-AzureRmSubscription -SubscriptionName 'Second subscription'
        $c2.SubscriptionId | Should -Be '88888888-8888-8888-8888-888888888888'
        [object]::ReferenceEquals($c2.Client, $p.Context.Client) | Should -BeTrue
        (Get-AzsEmulatorStats -Emulator $script:emu).tokenRequests | Should -Be 1
        { Set-AzureRmContext -Subscription 'no such subscription' } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'SubscriptionNotFound,Set-AzureRmContext'
        @(Get-AzureRmSubscription).Count | Should -Be 2
        (Get-AzureRmSubscription -SubscriptionName 'Second subscription').Id | Should -Be '88888888-8888-8888-8888-888888888888'
    }

    It 'named contexts: -ContextName, -ListAvailable, -DefaultProfile by name and by object' {
        $a = Connect-AzsTestEmulator -Emulator $script:emu -ContextName 'first'
        $b = Connect-AzureRmAccount -AccessToken (Get-AzsEmulatorImdsToken -Emulator $script:emu) -AccountId 'token-user' -Environment AzsEmulator -ContextName 'second'
        @(Get-AzureRmContext -ListAvailable).Name | Should -Be @('first', 'second')
        (Get-AzureRmContext).Name | Should -Be 'second'
        (Get-AzureRmContext -Name first).Account | Should -Be $script:facts.AppId
        (Get-AzureRmContext -DefaultProfile 'first').Account | Should -Be $script:facts.AppId
        (Get-AzureRmContext -DefaultProfile $a).Account | Should -Be $script:facts.AppId
        $reg = Get-AzsRegistration -ResourceId $script:facts.RegistrationId -DefaultProfile 'first'
        $reg.Name | Should -Be 'AzureStack-sample'
        Set-AzureRmContext -Context (Get-AzureRmContext -Name first) | Out-Null
        (Get-AzureRmContext).Name | Should -Be 'first'
    }

    It 'Disconnect-AzureRmAccount (and its alias Remove-AzureRmAccount) removes the contexts' {
        $null = Connect-AzsTestEmulator -Emulator $script:emu -ContextName 'one'
        $out = Disconnect-AzureRmAccount
        $out.Id | Should -Be $script:facts.AppId
        Get-AzureRmContext | Should -BeNullOrEmpty
        @(Get-AzureRmContext -ListAvailable).Count | Should -Be 0
        { Get-AzsRegistration -ResourceId $script:facts.RegistrationId } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'NotConnected,Get-AzsRegistration'
        (Get-Alias Remove-AzureRmAccount).ResolvedCommandName | Should -Be 'Disconnect-AzureRmAccount'
    }

    It 'Disable-AzureRmContextAutosave is accepted and explains itself in -Verbose' {
        $v = Disable-AzureRmContextAutosave -Scope Process -Verbose 4>&1
        (@($v | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match 'never writes contexts to disk'
        ($v | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Mode | Should -Be 'Process'
    }
}

Describe 'Environments' {
    It 'lists the built-in clouds and the added emulator' {
        $null = Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $script:emu.BaseUrl
        $names = @(Get-AzureRmEnvironment).Name
        foreach ($n in 'AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment', 'AzureGermanCloud', 'AzsEmulator') { $names | Should -Contain $n }
        (Get-AzureRmEnvironment -Name AzureCloud).ResourceManagerUrl | Should -Be 'https://management.azure.com/'
        $e = Get-AzureRmEnvironment -Name AzsEmulator
        $e.ResourceManagerUrl | Should -Be $script:emu.BaseUrl
        $e.ActiveDirectoryServiceEndpointResourceId | Should -Be 'https://management.emulator.azsreg.local/'
    }

    It 'Add-AzureRmEnvironment -ARMEndpoint reads the metadata endpoint once' {
        Clear-AzsEmulatorRequests -Emulator $script:emu
        $null = Add-AzureRmEnvironment -Name Discovered -ARMEndpoint $script:emu.BaseUrl
        $m = @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -eq '/metadata/endpoints' })
        $m.Count | Should -Be 1
    }

    It 'Add-AzureRmEnvironment with explicit endpoints sends nothing' {
        Reset-AzsEmulatorStats -Emulator $script:emu
        $e = Add-AzureRmEnvironment -Name Explicit -ResourceManagerEndpoint 'https://arm.contoso.test/' -ActiveDirectoryEndpoint 'https://login.contoso.test/' -ActiveDirectoryServiceEndpointResourceId 'https://management.contoso.test/'
        $e.ResourceManagerUrl | Should -Be 'https://arm.contoso.test/'
        $e.ActiveDirectoryAuthority | Should -Be 'https://login.contoso.test/'
        $e.ActiveDirectoryServiceEndpointResourceId | Should -Be 'https://management.contoso.test/'
        (Get-AzsEmulatorStats -Emulator $script:emu).requests | Should -Be 0
    }

    It 'an unknown environment name fails clearly' {
        { Connect-AzureRmAccount -Environment NoSuchCloud -Identity } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'EnvironmentNotFound,Connect-AzureRmAccount'
    }
}

Describe 'The library logs only what the caller will show' {
    BeforeAll {
        $null = Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $script:emu.BaseUrl
        Connect-AzsTestEmulator -Emulator $script:emu
        $script:client = (Get-AzureRmContext).Client
    }

    It 'the thread cap keeps lines above it from being produced at all' {
        $null = [AzsRegistration.Interop.Native]::DrainLog()
        [AzsRegistration.Interop.Native]::SetThreadLogLevel(2)
        try { $null = [AzsRegistration.Interop.Native]::CustomerList($script:client, $script:facts.RegistrationId) }
        finally { [AzsRegistration.Interop.Native]::SetThreadLogLevel(-1) }
        @([AzsRegistration.Interop.Native]::DrainLog()).Count | Should -Be 0
        $null = [AzsRegistration.Interop.Native]::CustomerList($script:client, $script:facts.RegistrationId)
        $lines = @([AzsRegistration.Interop.Native]::DrainLog())
        @($lines | Where-Object { $_.Level -eq 3 -and $_.Message -match '^GET https://' }).Count | Should -BeGreaterThan 0
        @($lines | Where-Object { $_.Level -ge 4 }).Count | Should -BeGreaterThan 0
    }

    It 'a command without -Verbose writes no verbose records; with -Verbose one line per request, without headers' {
        $quiet = Get-AzsCustomerSubscription -Registration $script:facts.RegistrationId 4>&1 5>&1
        @($quiet | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -Be 0
        $loud = Get-AzsCustomerSubscription -Registration $script:facts.RegistrationId -Verbose 4>&1 5>&1
        $verbose = @($loud | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        ($verbose.Message -join "`n") | Should -Match 'GET https://127\.0\.0\.1:\d+/subscriptions/.* -> 200'
        @($loud | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -Be 0
    }
}

Describe 'Secrets never appear in -Verbose or -Debug output' {
    It 'a proxy password from AZSREG_PROXY is not kept on the context (Format-List *, ConvertTo-Json)' {
        # Found in review: the context kept the client options as sent, proxy URL included.
        $saved = $env:AZSREG_PROXY
        try {
            $env:AZSREG_PROXY = 'http://proxyuser:proxy-pass-do-not-log-Qz7@127.0.0.1:9/'
            $null = Connect-AzureRmAccount -AccessToken 'opaque-token-for-display-test' -AccountId 'display-test' -SkipContextPopulation
        }
        finally { $env:AZSREG_PROXY = $saved }
        $context = Get-AzureRmContext
        $shown = @(($context | Format-List * | Out-String -Width 500), ($context | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue), $context.ClientOptionsJson) -join "`n"
        $shown | Should -Not -Match 'proxy-pass-do-not-log-Qz7'
        $context.ClientOptionsJson | Should -Match '127\.0\.0\.1:9'
        [AzsRegistration.Interop.ContextStore]::Clear()
    }

    It 'secret, certificate password and access token are absent from every stream' {
        $DebugPreference = 'Continue'
        $all = & {
            $null = Add-AzureRmEnvironment -Name AzsEmulator -ARMEndpoint $script:emu.BaseUrl -Verbose
            Connect-AzsTestEmulator -Emulator $script:emu -Verbose -Debug
            Register-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId ([guid]::NewGuid()) -TenantId $script:facts.Domain -Verbose -Debug
            Get-AzsCustomerSubscription -Registration $script:facts.RegistrationId -Verbose -Debug
            $bad = New-Object System.Management.Automation.PSCredential -ArgumentList $script:facts.AppId, (ConvertTo-SecureString 'wrong-secret-Xy7' -AsPlainText -Force)
            try { Connect-AzureRmAccount -Environment AzsEmulator -ServicePrincipal -Credential $bad -TenantId $script:facts.TenantId -Verbose -Debug } catch { $_ | Out-String; $_.Exception.Message }
        } *>&1
        $debugLines = @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })
        $all = ($all | ForEach-Object { $_ | Out-String -Width 500 }) -join "`n"
        $token = Get-AzsEmulatorImdsToken -Emulator $script:emu
        $all2 = & {
            Connect-AzureRmAccount -AccessToken $token -AccountId 'scan' -Environment AzsEmulator -Verbose -Debug
            Get-AzsRegistration -ResourceId $script:facts.RegistrationId -Verbose -Debug
        } *>&1 | ForEach-Object { $_ | Out-String -Width 500 }
        $all2 = $all2 -join "`n"
        $DebugPreference = 'SilentlyContinue'
        $all | Should -Match 'PUT https://127\.0\.0\.1:\d+/subscriptions/.*customerSubscriptions/.* -> 200 \(request ID [0-9a-f-]{36}, \d+ ms\)'
        $debugLines.Count | Should -BeGreaterThan 0
        ($debugLines.Message -join "`n") | Should -Match 'Authorization'
        $all | Should -Not -Match ([regex]::Escape($script:facts.Secret))
        $all | Should -Not -Match 'wrong-secret-Xy7'
        $all2 | Should -Match 'GET https://'
        $all2 | Should -Not -Match ([regex]::Escape($token))
        # A JWT's signature part alone must not leak either.
        $all2 | Should -Not -Match ([regex]::Escape(($token -split '\.')[2]))
    }
}
