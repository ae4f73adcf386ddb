# Batched Register- / Unregister-AzsCustomerSubscription and Sync-AzsCustomerSubscription
# against the emulator: every item lands exactly once, a failed item is one error built as a
# single call's, progress and Ctrl+C reach the native batch, and a sync writes only what
# differs (-WhatIf and a second run write nothing, -Prune removes, bad rows stop everything).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    $null = Connect-AzsTestEmulator -Emulator $script:emu
    $script:regId = $script:facts.RegistrationId
    $script:regName = 'AzureStack-sample'
    $script:second = $script:regId -replace 'AzureStack-sample$', 'AzureStack-second'
    $script:modulePath = Join-Path (Get-Module AzsRegistration).ModuleBase 'AzsRegistration.psd1'

    $state = Get-AzsEmulatorState -Emulator $script:emu
    $state.registrations = @($state.registrations) + @([pscustomobject]@{ subscriptionId = '33333333-3333-3333-3333-333333333333'; resourceGroup = 'azurestack'
            name = 'AzureStack-second'; billingModel = 'PayAsYouUse'; multiTenancyApproved = $true; cspPartner = 'partner-1'
            objectId = [guid]::NewGuid().ToString(); cloudId = [guid]::NewGuid().ToString(); customerSubscriptions = @() })
    Set-AzsEmulatorState -Emulator $script:emu -State $state
    $script:baseline = ConvertTo-Json -InputObject (Get-AzsEmulatorState -Emulator $script:emu) -Depth 30 -Compress

    function New-Ids([int] $Count) { @(1..$Count | ForEach-Object { [guid]::NewGuid().ToString() }) }
    function Get-ArmRequests([string] $Method) {
        @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -like '/subscriptions/*' -and (-not $Method -or $_.method -eq $Method) })
    }
    function Get-Mappings([string] $Name = $script:regName) {
        @((Get-AzsEmulatorRegistration -Emulator $script:emu -Name $Name).customerSubscriptions | Where-Object { $_ })
    }
    # A CSV file as a spreadsheet saves it: UTF-8 with a byte order mark, CRLF line ends.
    function New-CsvFile([string[]] $Lines) {
        $path = Join-Path $TestDrive ("customers-" + [guid]::NewGuid().ToString('N') + '.csv')
        Set-Content -LiteralPath $path -Value (($Lines -join "`r`n") + "`r`n") -Encoding utf8BOM -NoNewline
        $path
    }
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Batched Register- and Unregister-AzsCustomerSubscription' {
    BeforeEach {
        Set-AzsEmulatorState -Emulator $script:emu -State $script:baseline
        Clear-AzsEmulatorFaults -Emulator $script:emu
        Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ latencyMs = 0 }
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    It '40 piped customers with -ThrottleLimit 4: 40 objects, exactly 40 mappings, one PUT each' {
        $ids = New-Ids 40
        $rows = $ids | ForEach-Object { [pscustomobject]@{ CustomerSubscriptionId = $_.ToUpperInvariant(); TenantId = $script:facts.TenantId } }
        $errs = $null
        $out = @($rows | Register-AzsCustomerSubscription -Registration $script:regId -ThrottleLimit 4 -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $out.Count | Should -Be 40
        @($out | Where-Object { $_.PSObject.TypeNames[0] -eq 'AzsRegistration.CustomerSubscription' }).Count | Should -Be 40
        ($out.CustomerSubscriptionId | Sort-Object) | Should -Be ($ids | Sort-Object)
        @($out | Where-Object { $_.TenantId -ne $script:facts.TenantId -or $_.RegistrationName -ne $script:regName -or $_.RegistrationId -ne $script:regId }).Count | Should -Be 0
        $stored = Get-Mappings
        $stored.Count | Should -Be 40
        ($stored.id | Sort-Object) | Should -Be ($ids | Sort-Object)
        @($stored | Where-Object { $_.properties.tenantId -ne $script:facts.TenantId }).Count | Should -Be 0
        $puts = Get-ArmRequests 'PUT'
        $puts.Count | Should -Be 40
        @($puts.path | Sort-Object -Unique).Count | Should -Be 40
    }

    It 'one failed item is exactly one error, built as the single call builds it; the others succeed' {
        $ids = New-Ids 6
        $bad = $ids[3]
        $fault = @{ method = 'PUT'; pathContains = $bad; status = 409; code = 'CustomerSubscriptionsNotAllowed'; message = 'not for this one'; count = 1 }
        Add-AzsEmulatorFault -Emulator $script:emu -Fault $fault
        $errs = $null
        $out = @(Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $ids -TenantId $script:facts.TenantId -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 5
        $out.CustomerSubscriptionId | Should -Not -Contain $bad
        $errs.Count | Should -Be 1
        $e = $errs[0]
        $e | Get-AzsErrorId | Should -Be 'CustomerSubscriptionsNotAllowed,Register-AzsCustomerSubscription'
        $e.TargetObject | Should -Be $bad
        $e.Exception.GetType().Name | Should -Be 'AzsNativeException'
        $e.Exception.HttpStatus | Should -Be 409
        $e.Exception.ArmMessage | Should -Be 'not for this one'
        $e.Exception.RequestId | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        $e.Exception.Message | Should -Match ([regex]::Escape("RequestId: $($e.Exception.RequestId)"))
        $e.Exception.CorrelationId | Should -Be (Get-ArmRequests 'PUT' | Where-Object { $_.path -like "*/$bad" }).headers.'x-ms-correlation-request-id'
        $ids | Where-Object { $_ -ne $bad } | ForEach-Object { (Get-Mappings).id | Should -Contain $_ }
        (Get-Mappings).id | Should -Not -Contain $bad

        # The same failure of a single call: same ErrorId, category, target, message shape.
        Add-AzsEmulatorFault -Emulator $script:emu -Fault $fault
        $single = $null
        $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $bad -TenantId $script:facts.TenantId -ErrorVariable single -ErrorAction SilentlyContinue
        $single.Count | Should -Be 1
        $single[0].FullyQualifiedErrorId | Should -Be $e.FullyQualifiedErrorId
        $single[0].CategoryInfo.Category | Should -Be $e.CategoryInfo.Category
        $single[0].TargetObject | Should -Be $e.TargetObject
        $single[0].Exception.Hint | Should -Be $e.Exception.Hint
        $single[0].Exception.Message.Replace($single[0].Exception.RequestId, 'RID') | Should -Be $e.Exception.Message.Replace($e.Exception.RequestId, 'RID')
    }

    It '-ErrorAction Stop stops at the first failed item with its error' {
        $ids = New-Ids 3
        Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'PUT'; pathContains = $ids[1]; status = 409; code = 'CustomerSubscriptionsNotAllowed'; count = 1 }
        $err = $null
        try { $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $ids -ErrorAction Stop } catch { $err = $_ }
        $err | Get-AzsErrorId | Should -Be 'CustomerSubscriptionsNotAllowed,Register-AzsCustomerSubscription'
        $err.TargetObject | Should -Be $ids[1]
    }

    It 'a tenant domain that cannot be resolved fails only the items that use it' {
        $good = New-Ids 2
        $lost = [guid]::NewGuid().ToString()
        $rows = @([pscustomobject]@{ SubscriptionId = $good[0]; TenantId = $script:facts.Domain },
            [pscustomobject]@{ SubscriptionId = $lost; TenantId = 'no-such-tenant.onmicrosoft.com' },
            [pscustomobject]@{ SubscriptionId = $good[1]; TenantId = $script:facts.Domain })
        $errs = $null
        $out = @($rows | Register-AzsCustomerSubscription -Registration $script:regId -ErrorVariable errs -ErrorAction SilentlyContinue)
        ($out.CustomerSubscriptionId | Sort-Object) | Should -Be ($good | Sort-Object)
        @($out | Where-Object { $_.TenantId -ne $script:facts.TenantId }).Count | Should -Be 0
        $errs.Count | Should -Be 1
        $errs[0].TargetObject | Should -Be $lost
        $errs[0].Exception.GetType().Name | Should -Be 'AzsNativeException'
        (Get-ArmRequests 'PUT').Count | Should -Be 2
        @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -like '/contoso.onmicrosoft.com/*' }).Count | Should -Be 1 -Because 'each domain is resolved once'
    }

    It 'the same customer twice for a registration is sent once with the last tenant, and -Verbose says so' {
        $id = [guid]::NewGuid().ToString()
        $other = [guid]::NewGuid().ToString()
        $rows = @([pscustomobject]@{ SubscriptionId = $id },
            [pscustomobject]@{ SubscriptionId = $other; TenantId = $script:facts.TenantId },
            [pscustomobject]@{ SubscriptionId = $id.ToUpperInvariant(); TenantId = $script:facts.TenantId })
        $all = @($rows | Register-AzsCustomerSubscription -Registration $script:regId -Verbose 4>&1)
        $objects = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message })
        $objects.Count | Should -Be 2
        $verbose | Should -Contain "Customer subscription $id is given more than once for registration $($script:regName): the last one is sent (tenant $($script:facts.TenantId))."
        @(Get-ArmRequests 'PUT' | Where-Object { $_.path -like "*/$id" }).Count | Should -Be 1
        ((Get-Mappings) | Where-Object { $_.id -eq $id }).properties.tenantId | Should -Be $script:facts.TenantId
    }

    It 'Unregister sends a batch of DELETEs: the registered ones go, one that was not there is said in -Verbose' {
        $ids = New-Ids 5
        $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $ids -TenantId $script:facts.TenantId
        $keep = [guid]::NewGuid().ToString()
        $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $keep -TenantId $script:facts.TenantId
        $absent = [guid]::NewGuid().ToString()
        Clear-AzsEmulatorRequests -Emulator $script:emu
        $all = @(($ids + $absent) | ForEach-Object { [pscustomobject]@{ SubscriptionId = $_ } } |
                Unregister-AzsCustomerSubscription -Registration $script:regId -Force -ThrottleLimit 3 -Verbose 4>&1)
        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
        $all.Message | Should -Contain "Customer subscription $absent was not registered with $($script:regName) (the service answered 204)."
        (Get-ArmRequests 'DELETE').Count | Should -Be 6
        (Get-Mappings).id | Should -Be @($keep)
    }

    It 'Unregister: a failed item is one error; the others are removed' {
        $ids = New-Ids 3
        $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $ids
        Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ deleteMissing = '404' }
        $missing = [guid]::NewGuid().ToString()
        $errs = $null
        Unregister-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId ($ids + $missing) -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ deleteMissing = '204' }
        $errs.Count | Should -Be 1
        $errs[0] | Get-AzsErrorId | Should -Be 'CustomerSubscriptionNotFound,Unregister-AzsCustomerSubscription'
        $errs[0].TargetObject | Should -Be $missing
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        (Get-Mappings).Count | Should -Be 0
    }

    It '-ThrottleLimit is 1 to 256' {
        { Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId ([guid]::NewGuid()) -ThrottleLimit 0 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,AzsRegistration.Interop.Cmdlets.RegisterCustomerSubscriptionCommand'
        { Unregister-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId ([guid]::NewGuid()) -Force -ThrottleLimit 257 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,AzsRegistration.Interop.Cmdlets.UnregisterCustomerSubscriptionCommand'
        (Get-Command Register-AzsCustomerSubscription).Parameters['ThrottleLimit'].ParameterType | Should -Be ([int])
    }

    It 'small batches answer as soon as the service does (no wait for the library''s 1 s loop)' {
        $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId (New-Ids 2)
        $elapsed = Measure-Command {
            foreach ($i in 1..3) { $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId (New-Ids 2) }
        }
        (Get-Mappings).Count | Should -Be 8
        $elapsed.TotalMilliseconds | Should -BeLessThan 1500 -Because 'an answer that arrived during a perform was held until the loop''s wait ended (1 s per batch)'
    }

    It 'reports progress (done, failed, rate, 429s) and completes it' {
        # A runspace of its own (the context is the process's): its Streams.Progress keeps the records.
        $ps = [powershell]::Create()
        try {
            $ids = New-Ids 12
            Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'PUT'; pathContains = $ids[0]; status = 409; code = 'CustomerSubscriptionsNotAllowed'; count = 1 }
            $null = $ps.AddScript('param($m, $r, $ids) Import-Module $m; $ProgressPreference = ''Continue''; Register-AzsCustomerSubscription -Registration $r -CustomerSubscriptionId $ids -ErrorAction SilentlyContinue').
                AddArgument($script:modulePath).AddArgument($script:regId).AddArgument($ids)
            $out = @($ps.Invoke())
            $out.Count | Should -Be 11
            $progress = @($ps.Streams.Progress)
            $progress.Count | Should -BeGreaterThan 1
            $last = $progress[-1]
            $last.RecordType | Should -Be 'Completed'
            $last.Activity | Should -Be 'Registering customer subscriptions'
            $final = $progress[-2]
            $final.Activity | Should -Be 'Registering customer subscriptions'
            $final.StatusDescription | Should -Match '^12 of 12 done, 1 failed, \d+([.,]\d)?/s, 0 throttled \(429\)$'
            $final.PercentComplete | Should -Be 100
        } finally { $ps.Dispose() }
    }

    It 'Ctrl+C (StopProcessing) cancels the running batch: it stops at once and sends no more' {
        Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ latencyMs = 300 }
        $ids = New-Ids 30
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($m, $r, $ids) Import-Module $m; Register-AzsCustomerSubscription -Registration $r -CustomerSubscriptionId $ids -ThrottleLimit 2').
                AddArgument($script:modulePath).AddArgument($script:regId).AddArgument($ids)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ((Get-ArmRequests 'PUT').Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            (Get-ArmRequests 'PUT').Count | Should -BeGreaterOrEqual 2
            $stop = Measure-Command { $ps.Stop() }
            $stop.TotalSeconds | Should -BeLessThan 2
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $sent = (Get-ArmRequests 'PUT').Count
            Start-Sleep -Milliseconds 700
            (Get-ArmRequests 'PUT').Count | Should -Be $sent -Because 'nothing is sent after the cancel'
            $sent | Should -BeLessThan 30
        } finally {
            $ps.Dispose()
            Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ latencyMs = 0 }
        }
    }
}

Describe 'Sync-AzsCustomerSubscription' {
    BeforeEach {
        Set-AzsEmulatorState -Emulator $script:emu -State $script:baseline
        Clear-AzsEmulatorFaults -Emulator $script:emu
        Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ latencyMs = 0 }
        # a: registered without a tenant (to update); x: registered, not in the file (to prune)
        $script:a = [guid]::NewGuid().ToString(); $script:b = [guid]::NewGuid().ToString(); $script:x = [guid]::NewGuid().ToString()
        $null = Register-AzsCustomerSubscription -Registration $script:regId -CustomerSubscriptionId $script:a, $script:x
        $script:csv = New-CsvFile @('CustomerSubscriptionId,TenantId', "$($script:a),$($script:facts.TenantId)", "$($script:b.ToUpperInvariant()),$($script:facts.Domain)")
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    It 'from a CSV file (BOM, CRLF): creates what is missing and updates the tenant; results as SyncResult objects' {
        $errs = $null
        $out = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv -ErrorVariable errs)
        $errs.Count | Should -Be 0
        $out.Count | Should -Be 2
        @($out | Where-Object { $_.PSObject.TypeNames[0] -eq 'AzsRegistration.SyncResult' }).Count | Should -Be 2
        $update = $out | Where-Object { $_.CustomerSubscriptionId -eq $script:a }
        $update.Action | Should -Be 'Update'
        $update.Registration | Should -Be $script:regName
        $update.TenantId | Should -Be $script:facts.TenantId
        $update.Succeeded | Should -BeTrue
        $update.Status | Should -Be 200
        $update.ErrorCode | Should -BeNullOrEmpty
        $update.RequestId | Should -Match '^[0-9a-f-]{36}$'
        ($out | Where-Object { $_.CustomerSubscriptionId -eq $script:b }).Action | Should -Be 'Create'
        $stored = Get-Mappings
        ($stored.id | Sort-Object) | Should -Be (@($script:a, $script:b, $script:x) | Sort-Object)
        ($stored | Where-Object { $_.id -eq $script:a }).properties.tenantId | Should -Be $script:facts.TenantId
        ($stored | Where-Object { $_.id -eq $script:b }).properties.tenantId | Should -Be $script:facts.TenantId
        (Get-ArmRequests 'PUT').Count | Should -Be 2
        (Get-ArmRequests 'DELETE').Count | Should -Be 0
        (Get-ArmRequests 'GET').Count | Should -Be 1 -Because 'one listing for the plan'
    }

    It '-WhatIf returns the plan as SyncPlanItem objects and sends no PUT or DELETE' {
        $out = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv -Prune -WhatIf)
        $out.Count | Should -Be 3
        @($out | Where-Object { $_.PSObject.TypeNames[0] -eq 'AzsRegistration.SyncPlanItem' }).Count | Should -Be 3
        $update = $out | Where-Object { $_.Action -eq 'Update' }
        $update.CustomerSubscriptionId | Should -Be $script:a
        $update.TenantId | Should -Be $script:facts.TenantId
        $update.CurrentTenantId | Should -BeNullOrEmpty
        $update.Registration | Should -Be $script:regName
        $update.RegistrationId | Should -Be $script:regId
        ($out | Where-Object { $_.Action -eq 'Create' }).CustomerSubscriptionId | Should -Be $script:b
        ($out | Where-Object { $_.Action -eq 'Create' }).TenantId | Should -Be $script:facts.TenantId -Because 'the domain is resolved for the plan'
        ($out | Where-Object { $_.Action -eq 'Delete' }).CustomerSubscriptionId | Should -Be $script:x
        (Get-ArmRequests 'PUT').Count | Should -Be 0
        (Get-ArmRequests 'DELETE').Count | Should -Be 0
        (Get-Mappings).Count | Should -Be 2
    }

    It 'asks ShouldProcess per planned write with the action and target (said in -Verbose when it goes on)' {
        $all = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv -Prune -Verbose 4>&1)
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message })
        $verbose | Should -Contain "Performing the operation ""Register (update tenant - -> $($script:facts.TenantId))"" on target ""$($script:a) on registration $($script:regName)""."
        $verbose | Should -Contain "Performing the operation ""Register (create)"" on target ""$($script:b) on registration $($script:regName)""."
        $verbose | Should -Contain "Performing the operation ""Unregister (prune)"" on target ""$($script:x) on registration $($script:regName)""."
        $verbose | Should -Contain 'Plan: 1 to create, 1 to update, 1 to remove, 0 unchanged.'
        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 3
    }

    It 'a second run sends no write and returns nothing, saying so in -Verbose' {
        $null = Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv
        Clear-AzsEmulatorRequests -Emulator $script:emu
        $all = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv -Verbose 4>&1)
        @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 0
        $all.Message | Should -Contain 'Nothing to do: the 1 registration(s) already hold what the input says (2 unchanged); nothing was sent.'
        (Get-ArmRequests 'PUT').Count | Should -Be 0
        (Get-ArmRequests 'DELETE').Count | Should -Be 0
    }

    It '-Prune removes the mapping that the file does not name, and only that' {
        $null = Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv
        Clear-AzsEmulatorRequests -Emulator $script:emu
        $out = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv -Prune -Confirm:$false)
        $out.Count | Should -Be 1
        $out[0].Action | Should -Be 'Delete'
        $out[0].CustomerSubscriptionId | Should -Be $script:x
        $out[0].Succeeded | Should -BeTrue
        (Get-ArmRequests 'DELETE').Count | Should -Be 1
        (Get-ArmRequests 'PUT').Count | Should -Be 0
        ((Get-Mappings).id | Sort-Object) | Should -Be (@($script:a, $script:b) | Sort-Object)
    }

    It 'bad rows: one InvalidInputRow error each ("line N: ..."), then InvalidInput, and nothing is sent' {
        $bad = New-CsvFile @('CustomerSubscriptionId,TenantId', "$($script:b),$($script:facts.TenantId)", 'not-a-guid,', "$($script:b),", "$($script:a),not a tenant")
        $errs = $null
        $err = $null
        try { Sync-AzsCustomerSubscription -Registration $script:regId -Path $bad -Prune -ErrorVariable errs -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err | Get-AzsErrorId | Should -Be 'InvalidInput,Sync-AzsCustomerSubscription'
        $err.Exception.Message | Should -Be '3 input problem(s), see the errors above: nothing was sent.'
        $rows = @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidInputRow,*' })
        $rows.Count | Should -Be 3
        $rows[0].Exception.Message | Should -Match '^line 3: .*not-a-guid'
        $rows[1].Exception.Message | Should -Match '^line 5: '
        $rows[2].Exception.Message | Should -Be "line 4: customer subscription $($script:b) is there twice (first on line 2)"
        $rows[0].TargetObject | Should -Be $bad
        @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -notlike '/_emulator*' }).Count | Should -Be 0
    }

    It '-SkipBadRows: the bad rows are warnings and the good ones are synced' {
        $bad = New-CsvFile @('CustomerSubscriptionId,TenantId', "$($script:b),$($script:facts.TenantId)", 'not-a-guid,')
        $warns = $null
        $out = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $bad -SkipBadRows -WarningVariable warns -WarningAction SilentlyContinue)
        $warns.Count | Should -Be 1
        $warns[0].Message | Should -Match '^line 3: .*\(skipped: -SkipBadRows\)$'
        $out.Count | Should -Be 1
        $out[0].CustomerSubscriptionId | Should -Be $script:b
        (Get-Mappings).id | Should -Contain $script:b
    }

    It 'a file that is not customer input at all is InvalidInputFile' {
        $empty = Join-Path $TestDrive 'empty.csv'
        Set-Content -LiteralPath $empty -Value '' -NoNewline
        { Sync-AzsCustomerSubscription -Registration $script:regId -Path $empty } | Should -Throw -ErrorId 'InvalidInputFile,AzsRegistration.Interop.Cmdlets.SyncCustomerSubscriptionCommand'
        { Sync-AzsCustomerSubscription -Registration $script:regId -Path (Join-Path $TestDrive 'missing.csv') } | Should -Throw -ErrorId 'PathNotFound,AzsRegistration.Interop.Cmdlets.SyncCustomerSubscriptionCommand'
        (Get-ArmRequests).Count | Should -Be 0
    }

    It '-Prune with a file without any customer is refused (EmptyInput) rather than removing everything' {
        $header = New-CsvFile @('CustomerSubscriptionId,TenantId')
        { Sync-AzsCustomerSubscription -Registration $script:regId -Path $header -Prune } | Should -Throw -ErrorId 'EmptyInput,AzsRegistration.Interop.Cmdlets.SyncCustomerSubscriptionCommand'
        (Get-ArmRequests).Count | Should -Be 0
        (Get-Mappings).Count | Should -Be 2
    }

    It 'pipeline objects: a bad object is an error with its ErrorId and nothing is sent' {
        $objects = @([pscustomobject]@{ CustomerSubscriptionId = $script:b; TenantId = $script:facts.TenantId },
            [pscustomobject]@{ Name = 'no id' },
            [pscustomobject]@{ SubscriptionId = $script:a; TenantId = ' ' },
            [pscustomobject]@{ SubscriptionId = $script:x; Registration = 'AzureStack-other' })
        $errs = $null
        $err = $null
        try { $objects | Sync-AzsCustomerSubscription -Registration $script:regId -ErrorVariable errs -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err | Get-AzsErrorId | Should -Be 'InvalidInput,Sync-AzsCustomerSubscription'
        ($errs | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.FullyQualifiedErrorId -notlike 'InvalidInput,*' } | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) |
            Should -Be @('InvalidInputObject', 'InvalidTenantId', 'InvalidRegistration')
        (Get-ArmRequests).Count | Should -Be 0
    }

    It 'pipeline objects with a Registration go to that registration only; the others to every one' {
        $objects = @([pscustomobject]@{ CustomerSubscriptionId = $script:a; TenantId = $script:facts.TenantId },
            [pscustomobject]@{ CustomerSubscriptionId = $script:b; Registration = 'AzureStack-second' })
        $out = @($objects | Sync-AzsCustomerSubscription -Registration $script:regId, $script:second)
        $out.Count | Should -Be 3
        @($out | Where-Object { -not $_.Succeeded }).Count | Should -Be 0
        ((Get-Mappings).id | Sort-Object) | Should -Be (@($script:a, $script:x) | Sort-Object)
        ((Get-Mappings 'AzureStack-second').id | Sort-Object) | Should -Be (@($script:a, $script:b) | Sort-Object)
    }

    It 'a failed write is a SyncResult with Succeeded false and also a non-terminating error' {
        Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'PUT'; pathContains = $script:b; status = 409; code = 'CustomerSubscriptionsNotAllowed'; count = 1 }
        $errs = $null
        $out = @(Sync-AzsCustomerSubscription -Registration $script:regId -Path $script:csv -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 2
        $failed = $out | Where-Object { -not $_.Succeeded }
        $failed.CustomerSubscriptionId | Should -Be $script:b
        $failed.ErrorCode | Should -Be 'CustomerSubscriptionsNotAllowed'
        $failed.Status | Should -Be 409
        $failed.RequestId | Should -Match '^[0-9a-f-]{36}$'
        $failed.Message | Should -Not -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0] | Get-AzsErrorId | Should -Be 'CustomerSubscriptionsNotAllowed,Sync-AzsCustomerSubscription'
        $errs[0].TargetObject | Should -Be $script:b
        $errs[0].Exception.RequestId | Should -Be $failed.RequestId
    }
}
