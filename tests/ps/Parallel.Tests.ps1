# One context shared by 8 ForEach-Object -Parallel runspaces: 8 x 25 registrations, one sign-in.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ throttle = @{ writes = @{ burst = 100000; perSecond = 10000 }; reads = @{ burst = 100000; perSecond = 10000 } } }
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Parallel runspaces' {
    It '8 runspaces x 25 registrations on one context all succeed with exactly one token request' {
        [AzsRegistration.Interop.ContextStore]::Clear()
        Reset-AzsEmulatorStats -Emulator $script:emu
        $null = Connect-AzsTestEmulator -Emulator $script:emu
        $modulePath = (Join-Path (Get-Module AzsRegistration).ModuleBase 'AzsRegistration.psd1')
        $regId = $script:facts.RegistrationId
        $tenant = $script:facts.TenantId
        $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:modulePath
            $worker = $_
            $ok = 0; $failed = @()
            foreach ($i in 1..25) {
                $id = [guid]::NewGuid().ToString()
                $errs = $null
                $r = Register-AzsCustomerSubscription -Registration $using:regId -CustomerSubscriptionId $id -TenantId $using:tenant -ErrorVariable errs -ErrorAction SilentlyContinue
                if ($r -and $r.CustomerSubscriptionId -eq $id -and -not $errs) { $ok++ } else { $failed += "$id $errs" }
            }
            [pscustomobject]@{ Worker = $worker; Ok = $ok; Failed = $failed; Thread = [System.Threading.Thread]::CurrentThread.ManagedThreadId }
        }
        @($results).Count | Should -Be 8
        ($results | Measure-Object -Property Ok -Sum).Sum | Should -Be 200
        @($results.Failed | Where-Object { $_ }) | Should -BeNullOrEmpty
        @(Get-AzsEmulatorCustomerIds -Emulator $script:emu).Count | Should -Be 200
        $stats = Get-AzsEmulatorStats -Emulator $script:emu
        $stats.tokenRequests | Should -Be 1
        (Get-AzsCustomerSubscription -Registration $regId | Measure-Object).Count | Should -Be 200
    }

    It 'a thread job uses the same context' {
        $regId = $script:facts.RegistrationId
        $modulePath = (Join-Path (Get-Module AzsRegistration).ModuleBase 'AzsRegistration.psd1')
        $job = Start-ThreadJob -ScriptBlock { Import-Module $using:modulePath; (Get-AzsRegistration -ResourceId $using:regId).Name; (Get-AzureRmContext).Account }
        $out = Receive-Job -Job $job -Wait -AutoRemoveJob
        $out[0] | Should -Be 'AzureStack-sample'
        $out[1] | Should -Be $script:facts.AppId
    }
}
