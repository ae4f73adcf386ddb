# The Azs registration commands against the emulator: pipeline binding, several
# registrations, every documented registration error code (ErrorId + request ID),
# one non-terminating error per failed item, -WhatIf, and -Force in non-interactive hosts.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    $env:AZSREG_MAX_RETRIES = '2'      # 3 attempts: keeps the 502 test short and exact
    $null = Connect-AzsTestEmulator -Emulator $script:emu
    Remove-Item Env:AZSREG_MAX_RETRIES

    $script:sub = '33333333-3333-3333-3333-333333333333'
    function New-RegistrationState([string] $Name, [string] $Billing = 'PayAsYouUse', [bool] $Approved = $true, [string] $Partner = 'partner-1') {
        [pscustomobject]@{ subscriptionId = $script:sub; resourceGroup = 'azurestack'; name = $Name; billingModel = $Billing
            multiTenancyApproved = $Approved; cspPartner = $Partner; objectId = [guid]::NewGuid().ToString(); cloudId = [guid]::NewGuid().ToString(); customerSubscriptions = @() }
    }
    function Get-RegId([string] $Name) { "/subscriptions/$($script:sub)/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/$Name" }

    $state = Get-AzsEmulatorState -Emulator $script:emu
    $state.registrations = @($state.registrations) + @(
        (New-RegistrationState 'AzureStack-second'),
        (New-RegistrationState 'AzureStack-capacity' -Billing 'Capacity'),
        (New-RegistrationState 'AzureStack-unapproved' -Approved $false))
    Set-AzsEmulatorState -Emulator $script:emu -State $state
    $script:baseline = ConvertTo-Json -InputObject (Get-AzsEmulatorState -Emulator $script:emu) -Depth 30 -Compress

    function Get-ArmRequests([string] $Method) {
        @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -like '/subscriptions/*' -and (-not $Method -or $_.method -eq $Method) })
    }
    function Assert-NativeError($Err, [string] $ErrorId, [int] $Status) {
        $Err | Should -Not -BeNullOrEmpty
        $Err.Exception.GetType().Name | Should -Be 'AzsNativeException'
        $Err.Exception.ErrorId | Should -Be $ErrorId
        $Err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $Err.Exception.HttpStatus | Should -Be $Status
        $Err.Exception.RequestId | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        $Err.Exception.Message | Should -BeLike "$ErrorId : *"
        $Err.Exception.Message | Should -Match ([regex]::Escape("RequestId: $($Err.Exception.RequestId)"))
        $Err.Exception.CorrelationId | Should -Not -BeNullOrEmpty
    }
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'Azs registration commands' {
    BeforeEach {
        Set-AzsEmulatorState -Emulator $script:emu -State $script:baseline
        Clear-AzsEmulatorFaults -Emulator $script:emu
        Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ deleteMissing = '204'; putResponse = '200body'; emptyPages = $false; emptyListBody = $false; pageSize = 50 }
        Reset-AzsEmulatorStats -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }

    Context 'pipeline and several registrations' {
        It 'Import-Csv | Register-AzsCustomerSubscription -Registration $regs adds every row to every registration' {
            $csv = Join-Path $script:emu.Dir 'customers.csv'
            $rows = 1..3 | ForEach-Object { [pscustomobject]@{ CustomerSubscriptionId = [guid]::NewGuid().ToString().ToUpperInvariant(); TenantId = $script:facts.TenantId } }
            $rows | Export-Csv -LiteralPath $csv -NoTypeInformation
            $regs = @(Get-AzsRegistration -ResourceId (Get-RegId 'AzureStack-sample'), (Get-RegId 'AzureStack-second'))
            $regs.Count | Should -Be 2
            $out = @(Import-Csv -LiteralPath $csv | Register-AzsCustomerSubscription -Registration $regs)
            $out.Count | Should -Be 6
            $out[0].PSObject.TypeNames[0] | Should -Be 'AzsRegistration.CustomerSubscription'
            foreach ($name in 'AzureStack-sample', 'AzureStack-second') {
                $ids = Get-AzsEmulatorCustomerIds -Emulator $script:emu -Name $name
                foreach ($r in $rows) { $ids | Should -Contain $r.CustomerSubscriptionId.ToLowerInvariant() }
            }
            (Get-ArmRequests 'PUT').Count | Should -Be 6
            (Get-ArmRequests 'PUT') | ForEach-Object { $_.path | Should -Match '/customerSubscriptions/[0-9a-f-]{36}$'; $_.query | Should -Be 'api-version=2017-06-01' }
        }

        It 'binds SubscriptionId (alias) from the pipeline and resolves a tenant domain to its GUID' {
            $id = [guid]::NewGuid().ToString()
            $r = [pscustomobject]@{ SubscriptionId = $id; TenantId = $script:facts.Domain } | Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample')
            $r.TenantId | Should -Be $script:facts.TenantId
            $put = (Get-ArmRequests 'PUT')[0]
            ($put.body | ConvertFrom-Json).properties.tenantId | Should -Be $script:facts.TenantId
        }

        It 'lists across pages with empty pages in between' {
            Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ pageSize = 2; emptyPages = $true }
            $ids = 1..5 | ForEach-Object { [guid]::NewGuid().ToString() }
            $null = Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $ids -TenantId $script:facts.TenantId
            $list = @(Get-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample'))
            $list.Count | Should -Be 5
            ($list.CustomerSubscriptionId | Sort-Object) | Should -Be ($ids | Sort-Object)
        }

        It 'lists an empty registration answered with no body as nothing, without error' {
            Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ emptyListBody = $true }
            $errs = $null
            $list = @(Get-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-second') -ErrorVariable errs)
            $list.Count | Should -Be 0
            $errs.Count | Should -Be 0
        }

        It 'pipes Get-AzsCustomerSubscription into Unregister-AzsCustomerSubscription -Force' {
            $ids = 1..2 | ForEach-Object { [guid]::NewGuid().ToString() }
            $null = Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-second') -CustomerSubscriptionId $ids -TenantId $script:facts.TenantId
            Get-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-second') | Unregister-AzsCustomerSubscription -Force
            @(Get-AzsEmulatorCustomerIds -Emulator $script:emu -Name 'AzureStack-second').Count | Should -Be 0
        }

        It 'lists registrations of a resource group and gets one by name' {
            $all = @(Get-AzsRegistration -SubscriptionId $script:sub -ResourceGroupName azurestack)
            $all.Name | Should -Contain 'AzureStack-capacity'
            $one = Get-AzsRegistration -SubscriptionId $script:sub -ResourceGroupName azurestack -Name AzureStack-capacity
            $one.BillingModel | Should -Be 'Capacity'
        }
    }

    Context 'documented error codes' {
        It 'RegistrationNotFound (404) for an unknown registration' {
            $err = $null
            try { Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-nope') -CustomerSubscriptionId ([guid]::NewGuid()) -TenantId $script:facts.TenantId -ErrorAction Stop } catch { $err = $_ }
            Assert-NativeError $err 'RegistrationNotFound' 404
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            # the library's hint, then the module's own words (issue 12: the library names no front end)
            $err.Exception.Hint | Should -BeLike 'No registration by this name*'
            $err.Exception.Hint | Should -BeLike '* PowerShell: Get-AzsRegistration -SubscriptionId <sub> lists them.'
            $err.Exception.Hint | Should -Not -Match 'azsreg request'
        }

        It 'CustomerSubscriptionsNotAllowed for a Capacity registration' {
            $err = $null
            try { Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-capacity') -CustomerSubscriptionId ([guid]::NewGuid()) -TenantId $script:facts.TenantId -ErrorAction Stop } catch { $err = $_ }
            Assert-NativeError $err 'CustomerSubscriptionsNotAllowed' 409
        }

        It 'UnauthorizedCspRegistration (403) for a registration not approved for multi-tenancy' {
            $err = $null
            try { Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-unapproved') -CustomerSubscriptionId ([guid]::NewGuid()) -TenantId $script:facts.TenantId -ErrorAction Stop } catch { $err = $_ }
            Assert-NativeError $err 'UnauthorizedCspRegistration' 403
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }

        It 'InvalidCustomerSubscriptionId, InvalidCSPSubscription and BadCustomerSubscriptionId from the customer directory' {
            $notCsp = [guid]::NewGuid().ToString(); $otherPartner = [guid]::NewGuid().ToString(); $unknown = [guid]::NewGuid().ToString()
            $state = Get-AzsEmulatorState -Emulator $script:emu
            $state | Add-Member -NotePropertyName customerDirectory -Force -NotePropertyValue @(
                [pscustomobject]@{ subscriptionId = $notCsp; csp = $false; cspPartner = 'partner-1' },
                [pscustomobject]@{ subscriptionId = $otherPartner; csp = $true; cspPartner = 'partner-2' })
            Set-AzsEmulatorState -Emulator $script:emu -State $state
            $cases = @(@{ Id = $unknown; Code = 'InvalidCustomerSubscriptionId' }, @{ Id = $notCsp; Code = 'InvalidCSPSubscription' }, @{ Id = $otherPartner; Code = 'BadCustomerSubscriptionId' })
            foreach ($case in $cases) {
                $err = $null
                try { Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $case.Id -TenantId $script:facts.TenantId -ErrorAction Stop } catch { $err = $_ }
                Assert-NativeError $err $case.Code 400
            }
            @(Get-AzsEmulatorCustomerIds -Emulator $script:emu).Count | Should -Be 0
        }

        It 'CustomerSubscriptionNotFound (404) for get, and for remove when the service says so' {
            $missing = [guid]::NewGuid().ToString()
            $err = $null
            try { Get-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $missing -ErrorAction Stop } catch { $err = $_ }
            Assert-NativeError $err 'CustomerSubscriptionNotFound' 404
            Set-AzsEmulatorConfig -Emulator $script:emu -Config @{ deleteMissing = '404' }
            $err = $null
            try { Unregister-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $missing -Force -ErrorAction Stop } catch { $err = $_ }
            Assert-NativeError $err 'CustomerSubscriptionNotFound' 404
        }

        It 'MetadataResolverBadGatewayError (502) after the retries are used up: exactly 3 attempts' {
            Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'PUT'; pathContains = 'customerSubscriptions'; status = 502; code = 'MetadataResolverBadGatewayError'; message = 'upstream failed'; retryAfterMs = 5; count = 3 }
            $id = [guid]::NewGuid().ToString()
            $err = $null
            try { Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -TenantId $script:facts.TenantId -ErrorAction Stop } catch { $err = $_ }
            Assert-NativeError $err 'MetadataResolverBadGatewayError' 502
            $err.Exception.Message | Should -Match 'upstream failed'
            @(Get-ArmRequests 'PUT' | Where-Object { $_.path -like "*/$id" }).Count | Should -Be 3
            Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Not -Contain $id
        }

        It 'a 502 that clears before the retries run out succeeds' {
            Add-AzsEmulatorFault -Emulator $script:emu -Fault @{ method = 'PUT'; pathContains = 'customerSubscriptions'; status = 502; code = 'MetadataResolverBadGatewayError'; retryAfterMs = 5; count = 2 }
            $id = [guid]::NewGuid().ToString()
            $r = Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -TenantId $script:facts.TenantId -ErrorAction Stop
            $r.CustomerSubscriptionId | Should -Be $id
            @(Get-ArmRequests 'PUT').Count | Should -Be 3
        }

        It 'an ID that is not a GUID fails before anything is sent' {
            $err = $null
            try { Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId 'not-a-guid' -TenantId $script:facts.TenantId -ErrorAction Stop } catch { $err = $_ }
            $err | Get-AzsErrorId | Should -Be 'InvalidCustomerSubscriptionId,Register-AzsCustomerSubscription' -Because 'the same ErrorId as New-AzureRmResource for the same mistake'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            (Get-AzsEmulatorStats -Emulator $script:emu).armRequests | Should -Be 0
        }

        It 'writes one non-terminating error per failed item and goes on with the next' {
            $good1 = [guid]::NewGuid().ToString(); $good2 = [guid]::NewGuid().ToString()
            $errs = $null
            $out = @(Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample'), (Get-RegId 'AzureStack-capacity'), 'not/a/registration' -CustomerSubscriptionId $good1, 'bad-id', $good2 -TenantId $script:facts.TenantId -ErrorVariable errs -ErrorAction SilentlyContinue)
            $out.Count | Should -Be 2
            $errs.Count | Should -Be 5     # bad-id on sample; 3 on capacity; the invalid registration
            @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'CustomerSubscriptionsNotAllowed,*' }).Count | Should -Be 2
            @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidCustomerSubscriptionId,*' }).Count | Should -Be 2
            @($errs | Where-Object { $_.FullyQualifiedErrorId -like 'InvalidRegistration,*' }).Count | Should -Be 1
            $ids = Get-AzsEmulatorCustomerIds -Emulator $script:emu
            $ids | Should -Contain $good1
            $ids | Should -Contain $good2
        }
    }

    Context 'customer subscription IDs that are not GUIDs' {
        It 'Register / Get / Unregister write InvalidCustomerSubscriptionId (as New-AzureRmResource) before sending, and go on with the valid ones' {
            $good = [guid]::NewGuid().ToString()
            $out = @(Register-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId 'not-a-guid', $good -TenantId $script:facts.TenantId -ErrorVariable ev -ErrorAction SilentlyContinue)
            $ev.Count | Should -Be 1
            $ev[0] | Get-AzsErrorId | Should -Be 'InvalidCustomerSubscriptionId,Register-AzsCustomerSubscription'
            $ev[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $ev[0].TargetObject | Should -Be 'not-a-guid'
            $ev[0].Exception.Message | Should -BeLike "*'not-a-guid' is not a GUID*nothing was sent*"
            $out.Count | Should -Be 1
            $out[0].CustomerSubscriptionId | Should -Be $good
            @(Get-ArmRequests 'PUT').Count | Should -Be 1
            $null = Get-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId '1234' -ErrorVariable ev2 -ErrorAction SilentlyContinue
            $ev2[0] | Get-AzsErrorId | Should -Be 'InvalidCustomerSubscriptionId,Get-AzsCustomerSubscription'
            Unregister-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId 'xyz' -Force -ErrorVariable ev3 -ErrorAction SilentlyContinue
            $ev3[0] | Get-AzsErrorId | Should -Be 'InvalidCustomerSubscriptionId,Unregister-AzsCustomerSubscription'
            @(Get-ArmRequests 'GET').Count | Should -Be 0
            @(Get-ArmRequests 'DELETE').Count | Should -Be 0
        }
    }

    Context '-WhatIf and confirmation' {
        It '-WhatIf sends no request for register and unregister' {
            $id = [guid]::NewGuid().ToString()
            Reset-AzsEmulatorStats -Emulator $script:emu
            $before = (Get-AzsEmulatorStats -Emulator $script:emu)
            Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -TenantId $script:facts.Domain -WhatIf
            Unregister-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -WhatIf
            $after = Get-AzsEmulatorStats -Emulator $script:emu
            $after.armRequests | Should -Be $before.armRequests
            $after.tokenRequests | Should -Be $before.tokenRequests
            @(Get-AzsEmulatorRequests -Emulator $script:emu | Where-Object { $_.path -notlike '/_emulator*' }).Count | Should -Be 0
        }

        It 'Unregister without -Force in a non-interactive host fails and says to add -Force; nothing is deleted' {
            $id = [guid]::NewGuid().ToString()
            $null = Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -TenantId $script:facts.TenantId
            Clear-AzsEmulatorRequests -Emulator $script:emu
            $pwsh = Get-AzsTestPwsh
            $script = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:T_HELPER
Import-Module $env:T_MODULE
$emu = @{ BaseUrl = $env:T_BASE; CaFile = $env:T_CA }
$null = Connect-AzsTestEmulator -Emulator $emu
try { Unregister-AzsCustomerSubscription -Registration $env:T_REG -CustomerSubscriptionId $env:T_ID; 'NO ERROR' }
catch { 'ERRORID=' + ($_ | Get-AzsErrorId); 'MESSAGE=' + $_.Exception.Message }
'@
            $env:T_HELPER = Join-Path $PSScriptRoot 'Helpers/Emulator.psm1'; $env:T_MODULE = (Join-Path (Get-Module AzsRegistration).ModuleBase 'AzsRegistration.psd1')
            $env:T_BASE = $script:emu.BaseUrl; $env:T_CA = $script:emu.CaFile; $env:T_REG = Get-RegId 'AzureStack-sample'; $env:T_ID = $id
            $out = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
            $out | Should -Match 'ERRORID=ConfirmationRequiresForce,Unregister-AzsCustomerSubscription'
            $out | Should -Match 'Add -Force'
            @(Get-ArmRequests 'DELETE').Count | Should -Be 0
            Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Contain $id
        }

        It 'Unregister -Confirm:$false also runs without a prompt' {
            $id = [guid]::NewGuid().ToString()
            $null = Register-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -TenantId $script:facts.TenantId
            Unregister-AzsCustomerSubscription -Registration (Get-RegId 'AzureStack-sample') -CustomerSubscriptionId $id -Confirm:$false
            Get-AzsEmulatorCustomerIds -Emulator $script:emu | Should -Not -Contain $id
        }
    }
}
