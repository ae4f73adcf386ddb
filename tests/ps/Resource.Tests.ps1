# New-/Get-/Set-/Remove-AzureRmResource against the emulator over TLS: the runbook from
# cmdlet-parity.md verbatim, the emulator's state and received requests as the proof;
# 201 without a body; paging; long-running operations; errors (try/catch, ErrorId,
# request ID); -WhatIf sends nothing; non-interactive without -Force fails clearly.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    $script:ModulePath = Get-AzsTestModulePath
    Import-Module $script:ModulePath -Force
    $script:Emu = Start-AzsEmulator
    $env:AZSREG_CA_FILE = $script:Emu.CaFile
    $script:Facts = Get-AzsSampleFacts
    Add-AzureRmEnvironment -Name AzsResEmulator -ARMEndpoint $script:Emu.BaseUrl | Out-Null
    Connect-AzureRmAccount -Environment AzsResEmulator -ServicePrincipal -Credential (New-AzsSampleCredential) -TenantId $script:Facts.TenantId `
        -Subscription '33333333-3333-3333-3333-333333333333' | Out-Null
    $script:RegId = $script:Facts.RegistrationId.TrimStart('/')
    $script:InitialState = Get-AzsEmulatorState -Emulator $script:Emu

    function Reset-Emulator {
        Set-AzsEmulatorState -Emulator $script:Emu -State $script:InitialState
        Set-AzsEmulatorConfig -Emulator $script:Emu -Config @{ putResponse = '200body'; pageSize = 50; emptyPages = $false; emptyListBody = $false; lro = @{ enabled = $false } }
        Clear-AzsEmulatorFaults -Emulator $script:Emu
        Clear-AzsEmulatorRequests -Emulator $script:Emu
    }
    function Get-ArmRequests {
        @(Get-AzsEmulatorRequests -Emulator $script:Emu | Where-Object { $_.path -like '/subscriptions/*' })
    }
    function Invoke-InDefaultHost {
        # Runs a script in a new runspace of this process: host "Default Host", which cannot prompt.
        param([string] $Script)
        $ps = [powershell]::Create()
        try {
            [void]$ps.AddScript("Import-Module '$($script:ModulePath)'; $Script")
            $out = $ps.Invoke()
            [pscustomobject]@{ Output = $out; Errors = @($ps.Streams.Error); HadErrors = $ps.HadErrors }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    if ($script:Emu) { Stop-AzsEmulator -Emulator $script:Emu }
}

Describe 'The runbook from cmdlet-parity.md, verbatim' {
    BeforeAll { Reset-Emulator }

    It 'registers, lists and removes a customer subscription; the emulator state proves each step' {
        $regSub = '33333333-3333-3333-3333-333333333333'
        $rg = 'azurestack'
        $reg = 'AzureStack-sample'
        $customerSub = 'e09a1f2c-5b6d-4e7f-8a9b-0c1d2e3f4a5b'
        $customerTenant = 'dbab3982-aaaa-bbbb-cccc-ddddeeeeffff'

        $created = New-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Properties @{ tenantId = $customerTenant } -Force
        $state = Get-AzsEmulatorRegistration -Emulator $script:Emu
        @($state.customerSubscriptions).Count | Should -Be 1
        $state.customerSubscriptions[0].id | Should -Be $customerSub
        $state.customerSubscriptions[0].properties.tenantId | Should -Be $customerTenant

        $list = @(Get-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions" -ApiVersion 2017-06-01)
        $list.Count | Should -Be 1
        $list[0].ResourceId | Should -Be "/subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub"
        $list[0].Properties.tenantId | Should -Be $customerTenant

        $removed = Remove-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Force
        $removed | Should -BeExactly $true
        @((Get-AzsEmulatorRegistration -Emulator $script:Emu).customerSubscriptions | Where-Object { $_ }).Count | Should -Be 0

        $arm = Get-ArmRequests
        @($arm | ForEach-Object { $_.method }) -join ',' | Should -Be 'PUT,GET,DELETE'
        $arm[0].path | Should -BeExactly "/subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub"
        $arm[0].query | Should -BeExactly 'api-version=2017-06-01'
        $arm[0].body | Should -BeExactly "{`"properties`":{`"tenantId`":`"$customerTenant`"}}"
        $arm[1].path | Should -BeExactly "/subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions"
        $arm[2].method | Should -Be 'DELETE'

        # AzureRM's output shape.
        $created.Name | Should -Be "$reg/$customerSub"
        $created.ResourceId | Should -Be "/subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub"
        $created.ResourceName | Should -Be "$reg/$customerSub"
        $created.ResourceType | Should -Be 'Microsoft.AzureStack/registrations/customerSubscriptions'
        $created.ResourceGroupName | Should -Be $rg
        $created.SubscriptionId | Should -Be $regSub
        $created.Properties | Should -BeOfType [System.Management.Automation.PSObject]
        $created.Properties.tenantId | Should -Be $customerTenant
        $created.ETag | Should -Not -BeNullOrEmpty
        @($created.psobject.Properties.Name) -join ',' | Should -Be 'Name,ResourceId,ResourceName,ResourceType,ResourceGroupName,SubscriptionId,Properties,ETag'
        $created.psobject.TypeNames[0] | Should -Be 'Microsoft.AzureStack.registrations.customerSubscriptions'
        $created.psobject.TypeNames | Should -Contain 'Microsoft.Azure.Resource'
        $created.psobject.TypeNames.IndexOf('Microsoft.Azure.Resource') | Should -BeGreaterThan 0

        # Printed like AzureRM's resource list view: Name, ResourceGroupName, ResourceType, Location, ResourceId.
        $lines = @(($created | Out-String -Width 400) -split "`r?`n" | Where-Object { $_.Trim() })
        @($lines | ForEach-Object { ($_ -split ':', 2)[0].Trim() }) | Should -Be @('Name', 'ResourceGroupName', 'ResourceType', 'Location', 'ResourceId')
        $lines[0] | Should -Match "^Name\s+: $reg/$customerSub$"
        $lines[2] | Should -Match '^ResourceType\s+: Microsoft\.AzureStack/registrations/customerSubscriptions$'
        $lines[4] | Should -Match "^ResourceId\s+: /subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft\.AzureStack/registrations/$reg/customerSubscriptions/$customerSub$"
    }

    It 'takes the ID with a leading "/" too, and binds ResourceId from the pipeline' {
        Reset-Emulator
        $ids = 1..3 | ForEach-Object { "/$($script:RegId)/customerSubscriptions/b000000$_-0000-0000-0000-000000000000" }
        foreach ($id in $ids) { New-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties @{ tenantId = $script:Facts.TenantId } -Force | Out-Null }
        @(Get-AzsEmulatorCustomerIds -Emulator $script:Emu).Count | Should -Be 3
        $results = @(Get-AzureRmResource -ResourceId "/$($script:RegId)/customerSubscriptions" -ApiVersion 2017-06-01 | Remove-AzureRmResource -ApiVersion 2017-06-01 -Force)
        $results.Count | Should -Be 3
        @(Get-AzsEmulatorCustomerIds -Emulator $script:Emu).Count | Should -Be 0
        @(Get-ArmRequests | Where-Object { $_.method -eq 'PUT' } | ForEach-Object { $_.path }) | Should -Be @($ids)
    }
}

Describe 'Details of the resource commands' {
    BeforeEach { Reset-Emulator }

    It 'validates the customer subscription GUID and sends it in lowercase (said in -Verbose)' {
        $upper = 'E09A1F2C-5B6D-4E7F-8A9B-0C1D2E3F4A5B'
        $verbose = New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/$upper" -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -BeLike "*$upper is sent in lowercase as $($upper.ToLowerInvariant())*"
        (Get-ArmRequests)[0].path | Should -BeExactly "/$($script:RegId)/customerSubscriptions/$($upper.ToLowerInvariant())"
        Get-AzsEmulatorCustomerIds -Emulator $script:Emu | Should -Be @($upper.ToLowerInvariant())
    }

    It 'refuses a customer subscription ID that is not a GUID, before anything is sent' {
        { New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/not-a-guid" -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'InvalidCustomerSubscriptionId,New-AzureRmResource'
        { Remove-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/1234" -ApiVersion 2017-06-01 -Force } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'InvalidCustomerSubscriptionId,Remove-AzureRmResource'
        (Get-ArmRequests).Count | Should -Be 0
    }

    It 'uses api-version 2017-06-01 for Microsoft.AzureStack when -ApiVersion is left out (said in -Verbose)' {
        $verbose = New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/c0000000-0000-0000-0000-000000000001" -Properties @{ tenantId = 't' } -Force -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -BeLike '*No -ApiVersion given: using 2017-06-01*'
        (Get-ArmRequests)[0].query | Should -BeExactly 'api-version=2017-06-01'
    }

    It 'puts -ODataQuery before api-version' {
        Get-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions" -ApiVersion 2017-06-01 -ODataQuery '$top=5' | Out-Null
        (Get-ArmRequests)[0].query | Should -BeExactly '$top=5&api-version=2017-06-01'
    }

    It 'BySubscriptionLevel builds the same ID as the documented ByResourceId call' {
        New-AzureRmResource -ResourceType 'Microsoft.AzureStack/registrations/customerSubscriptions' -ResourceGroupName azurestack `
            -ResourceName 'AzureStack-sample/d0000000-0000-0000-0000-000000000001' -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force | Out-Null
        $list = @(Get-AzureRmResource -ResourceType 'Microsoft.AzureStack/registrations/customerSubscriptions' -ResourceGroupName azurestack -ResourceName 'AzureStack-sample' -ApiVersion 2017-06-01)
        $list.Count | Should -Be 1
        Remove-AzureRmResource -ResourceType 'Microsoft.AzureStack/registrations/customerSubscriptions' -ResourceGroupName azurestack `
            -ResourceName 'AzureStack-sample/d0000000-0000-0000-0000-000000000001' -ApiVersion 2017-06-01 -Force | Should -BeExactly $true
        $paths = @(Get-ArmRequests | ForEach-Object { "$($_.method) $($_.path)" })
        $paths | Should -Be @(
            "PUT /$($script:RegId)/customerSubscriptions/d0000000-0000-0000-0000-000000000001"
            "GET /$($script:RegId)/customerSubscriptions"
            "DELETE /$($script:RegId)/customerSubscriptions/d0000000-0000-0000-0000-000000000001")
    }

    It 'BySubscriptionLevel refuses a name that does not fit the type' {
        { New-AzureRmResource -ResourceType 'Microsoft.AzureStack/registrations/customerSubscriptions' -ResourceGroupName azurestack -ResourceName 'only-one-level' -Force } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'InvalidResourceName,New-AzureRmResource'
        (Get-ArmRequests).Count | Should -Be 0
    }

    It 'a 201 answer without a body gives an object built from the request' {
        Set-AzsEmulatorConfig -Emulator $script:Emu -Config @{ putResponse = '201empty' }
        $customer = 'e0000000-0000-0000-0000-000000000201'
        $out = New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/$customer" -ApiVersion 2017-06-01 -Properties @{ tenantId = 'tenant-201' } -Force
        $out | Should -Not -BeNullOrEmpty
        $out.ResourceId | Should -Be "/$($script:RegId)/customerSubscriptions/$customer"
        $out.Name | Should -Be "AzureStack-sample/$customer"
        $out.ResourceName | Should -Be "AzureStack-sample/$customer"
        $out.ResourceType | Should -Be 'Microsoft.AzureStack/registrations/customerSubscriptions'
        $out.Properties.tenantId | Should -Be 'tenant-201'
        $out.psobject.TypeNames[0] | Should -Be 'Microsoft.AzureStack.registrations.customerSubscriptions'
        Get-AzsEmulatorCustomerIds -Emulator $script:Emu | Should -Be @($customer)
    }

    It 'Get follows nextLink over every page, empty pages included' {
        Set-AzsEmulatorConfig -Emulator $script:Emu -Config @{ pageSize = 2; emptyPages = $true }
        $ids = 1..5 | ForEach-Object { "f000000$_-0000-0000-0000-000000000000" }
        foreach ($c in $ids) { New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/$c" -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force | Out-Null }
        Clear-AzsEmulatorRequests -Emulator $script:Emu
        $list = @(Get-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions" -ApiVersion 2017-06-01)
        @($list | ForEach-Object { $_.ResourceId.Split('/')[-1] } | Sort-Object) | Should -Be $ids
        @(Get-ArmRequests | Where-Object { $_.method -eq 'GET' }).Count | Should -BeGreaterThan 3 -Because '3 pages of items plus the empty pages between them'
    }

    It '-ExpandProperties reads the list once, then each item again by its ID' {
        $ids = 1..3 | ForEach-Object { "e100000$_-0000-0000-0000-000000000000" }
        foreach ($c in $ids) { New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/$c" -ApiVersion 2017-06-01 -Properties @{ tenantId = "t$c" } -Force | Out-Null }
        Clear-AzsEmulatorRequests -Emulator $script:Emu
        $list = @(Get-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions" -ApiVersion 2017-06-01 -ExpandProperties)
        $list.Count | Should -Be 3
        foreach ($o in $list) { $o.Properties.tenantId | Should -Be ('t' + $o.ResourceId.Split('/')[-1]) }
        $gets = @(Get-ArmRequests | ForEach-Object { "$($_.method) $($_.path)?$($_.query)" })
        $gets[0] | Should -Be "GET /$($script:RegId)/customerSubscriptions?api-version=2017-06-01"
        @($gets | Select-Object -Skip 1 | Sort-Object) | Should -Be @($ids | ForEach-Object { "GET /$($script:RegId)/customerSubscriptions/$($_)?api-version=2017-06-01" })
        $gets.Count | Should -Be 4
        # Without the switch: the list request only.
        Clear-AzsEmulatorRequests -Emulator $script:Emu
        $null = Get-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions" -ApiVersion 2017-06-01
        @(Get-ArmRequests).Count | Should -Be 1
    }

    It 'Get on an empty registration answered with no body writes nothing and does not fail' {
        Set-AzsEmulatorConfig -Emulator $script:Emu -Config @{ emptyListBody = $true }
        $list = @(Get-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions" -ApiVersion 2017-06-01)
        $list.Count | Should -Be 0
    }

    It 'follows a long-running PUT and DELETE to the end' {
        Set-AzsEmulatorConfig -Emulator $script:Emu -Config @{ lro = @{ enabled = $true; polls = 2; style = 'async'; retryAfter = 0 } }
        $id = "$($script:RegId)/customerSubscriptions/a1000000-0000-0000-0000-000000000001"
        New-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties @{ tenantId = 'lro' } -Force | Out-Null
        Get-AzsEmulatorCustomerIds -Emulator $script:Emu | Should -Be @('a1000000-0000-0000-0000-000000000001')
        Remove-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Force | Should -BeExactly $true
        @(Get-AzsEmulatorCustomerIds -Emulator $script:Emu).Count | Should -Be 0
        @(Get-AzsEmulatorRequests -Emulator $script:Emu | Where-Object { $_.path -like '*operationStatuses*' }).Count | Should -BeGreaterOrEqual 4
    }

    It 'Set-AzureRmResource reads the resource and writes it back with the new properties' {
        $id = "$($script:RegId)/customerSubscriptions/a2000000-0000-0000-0000-000000000002"
        New-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties @{ tenantId = 'old' } -Force | Out-Null
        Clear-AzsEmulatorRequests -Emulator $script:Emu
        $out = Set-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties ([ordered]@{ tenantId = 'new'; extra = 1 }) -Force
        $out.Properties.tenantId | Should -Be 'new'
        $arm = Get-ArmRequests
        @($arm | ForEach-Object { $_.method }) -join ',' | Should -Be 'GET,PUT'
        $arm[1].body | Should -BeExactly '{"properties":{"tenantId":"new","extra":1}}'
        ((Get-AzsEmulatorRegistration -Emulator $script:Emu).customerSubscriptions | Where-Object { $_.id -like 'a2*' }).properties.tenantId | Should -Be 'new'
    }

    It '-AsJob runs in a thread job of this process with the same sign-in' {
        $job = New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/a3000000-0000-0000-0000-000000000003" -ApiVersion 2017-06-01 -Properties @{ tenantId = 'job' } -Force -AsJob
        $job | Should -BeOfType [System.Management.Automation.Job]
        $out = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        $out.Properties.tenantId | Should -Be 'job'
        Get-AzsEmulatorCustomerIds -Emulator $script:Emu | Should -Be @('a3000000-0000-0000-0000-000000000003')
    }
}

Describe 'Errors are terminating, ErrorId = the ARM code, with the request ID' {
    BeforeEach { Reset-Emulator }

    It 'RegistrationNotFound from the service (try/catch, as runbooks do)' {
        $reached = $false
        $caught = $null
        try {
            New-AzureRmResource -ResourceId 'subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/NoSuchRegistration/customerSubscriptions/a4000000-0000-0000-0000-000000000004' `
                -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force
            $reached = $true
        }
        catch { $caught = $_ }
        $reached | Should -BeFalse -Because 'the error is terminating'
        $caught | Get-AzsErrorId | Should -Be 'RegistrationNotFound,New-AzureRmResource'
        $caught.CategoryInfo.Category | Should -Be 'CloseError' -Because 'AzureRM reported every ARM error as CloseError'
        $caught.Exception.Message | Should -BeLike 'RegistrationNotFound : *'
        $caught.Exception.RequestId | Should -Match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        $caught.Exception.Message | Should -BeLike "*$($caught.Exception.RequestId)*"
        $caught.Exception.CorrelationId | Should -Not -BeNullOrEmpty
        $caught.Exception.Message | Should -BeLike "*$($caught.Exception.CorrelationId)*"
    }

    It 'CustomerSubscriptionNotFound from Get of a missing mapping' {
        { Get-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/a5000000-0000-0000-0000-000000000005" -ApiVersion 2017-06-01 } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'CustomerSubscriptionNotFound,Get-AzureRmResource'
        $caught = $null
        try { Remove-AzureRmResource -ResourceId 'subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/NoSuchRegistration/customerSubscriptions/a5000000-0000-0000-0000-000000000005' -ApiVersion 2017-06-01 -Force }
        catch { $caught = $_ }
        $caught | Get-AzsErrorId | Should -Be 'RegistrationNotFound,Remove-AzureRmResource'
        $caught.CategoryInfo.Category | Should -Be 'CloseError'
    }

    It 'the Azs commands keep the semantic categories (ObjectNotFound, PermissionDenied)' {
        $caught = $null
        try { Get-AzsRegistration -ResourceId '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/NoSuchRegistration' -ErrorAction Stop }
        catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'RegistrationNotFound,*'
        $caught.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Add-AzsEmulatorFault -Emulator $script:Emu -Fault @{ method = 'PUT'; pathContains = 'customerSubscriptions'; status = 403; code = 'UnauthorizedCspRegistration'; message = 'emulated' }
        Register-AzsCustomerSubscription -Registration $script:Facts.RegistrationId -CustomerSubscriptionId 'a5100000-0000-0000-0000-000000000051' -TenantId $script:Facts.TenantId -ErrorVariable ev -ErrorAction SilentlyContinue
        $ev.Count | Should -Be 1
        $ev[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
    }

    It '<Code> (HTTP <Status>) from the service' -ForEach @(
        @{ Code = 'BadCustomerSubscriptionId'; Status = 400 }
        @{ Code = 'InvalidCustomerSubscriptionId'; Status = 400 }
        @{ Code = 'InvalidCSPSubscription'; Status = 400 }
        @{ Code = 'UnauthorizedCspRegistration'; Status = 403 }
        @{ Code = 'CustomerSubscriptionsNotAllowed'; Status = 409 }
        @{ Code = 'AuthorizationFailed'; Status = 403 }
        @{ Code = 'CloudIdUpdateNotAllowed'; Status = 400 }
    ) {
        Add-AzsEmulatorFault -Emulator $script:Emu -Fault @{ method = 'PUT'; pathContains = 'customerSubscriptions'; status = $Status; code = $Code; message = "emulated $Code" }
        $caught = $null
        try {
            New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/a6000000-0000-0000-0000-000000000006" -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force
        }
        catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught | Get-AzsErrorId | Should -Be "$Code,New-AzureRmResource"
        $caught.Exception.Message | Should -BeLike "$Code : emulated $Code*"
        $caught.Exception.HttpStatus | Should -Be $Status
        $caught.Exception.RequestId | Should -Not -BeNullOrEmpty
        $caught.TargetObject | Should -BeLike '*customerSubscriptions/a6000000-0000-0000-0000-000000000006'
        $caught.CategoryInfo.Category | Should -Be 'CloseError' -Because 'every error from an ARM answer is CloseError for the AzureRM-named commands'
        @(Get-AzsEmulatorCustomerIds -Emulator $script:Emu).Count | Should -Be 0
    }

    It 'a service error has category CloseError, as in AzureRM' {
        Add-AzsEmulatorFault -Emulator $script:Emu -Fault @{ method = 'PUT'; status = 400; code = 'SomethingElse'; message = 'nope' }
        $caught = $null
        try { New-AzureRmResource -ResourceId "$($script:RegId)/customerSubscriptions/a7000000-0000-0000-0000-000000000007" -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force }
        catch { $caught = $_ }
        $caught.CategoryInfo.Category | Should -Be 'CloseError'
    }
}

Describe 'Confirmation: -WhatIf and non-interactive hosts' {
    BeforeEach { Reset-Emulator }

    It '-WhatIf sends no request (New, Set and Remove, without -Force)' {
        $id = "$($script:RegId)/customerSubscriptions/a8000000-0000-0000-0000-000000000008"
        New-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -WhatIf | Should -BeNullOrEmpty
        Set-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -WhatIf | Should -BeNullOrEmpty
        Remove-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -WhatIf | Should -BeNullOrEmpty
        @(Get-AzsEmulatorRequests -Emulator $script:Emu).Count | Should -Be 0
        @(Get-AzsEmulatorCustomerIds -Emulator $script:Emu).Count | Should -Be 0
    }

    It '-WhatIf never prompts, even in a host that cannot prompt' {
        $r = Invoke-InDefaultHost "New-AzureRmResource -ResourceId '$($script:RegId)/customerSubscriptions/a9000000-0000-0000-0000-000000000009' -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -WhatIf; Remove-AzureRmResource -ResourceId '$($script:RegId)/customerSubscriptions/a9000000-0000-0000-0000-000000000009' -ApiVersion 2017-06-01 -WhatIf"
        $r.Errors | Should -BeNullOrEmpty
        @(Get-AzsEmulatorRequests -Emulator $script:Emu).Count | Should -Be 0
    }

    It 'without -Force in a host that cannot prompt: terminating error ConfirmationRequired that says to add -Force, nothing sent' {
        $r = Invoke-InDefaultHost @"
try { New-AzureRmResource -ResourceId '$($script:RegId)/customerSubscriptions/aa000000-0000-0000-0000-00000000000a' -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' }; 'went on' }
catch { ((`$_.FullyQualifiedErrorId -split ',')[0]) + ',' + `$_.InvocationInfo.MyCommand.Name; `$_.Exception.Message }
try { Remove-AzureRmResource -ResourceId '$($script:RegId)/customerSubscriptions/aa000000-0000-0000-0000-00000000000a' -ApiVersion 2017-06-01; 'went on' }
catch { ((`$_.FullyQualifiedErrorId -split ',')[0]) + ',' + `$_.InvocationInfo.MyCommand.Name }
"@
        $r.Output[0] | Should -Be 'ConfirmationRequired,New-AzureRmResource'
        $r.Output[1] | Should -BeLike '*cannot prompt*Add -Force*'
        $r.Output[2] | Should -Be 'ConfirmationRequired,Remove-AzureRmResource'
        $r.Output | Should -Not -Contain 'went on'
        @(Get-AzsEmulatorRequests -Emulator $script:Emu).Count | Should -Be 0
    }

    It 'with -Force in a host that cannot prompt: runs (the Azure Automation case)' {
        $r = Invoke-InDefaultHost "New-AzureRmResource -ResourceId '$($script:RegId)/customerSubscriptions/ab000000-0000-0000-0000-00000000000b' -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' } -Force"
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0].ResourceType | Should -Be 'Microsoft.AzureStack/registrations/customerSubscriptions'
        Get-AzsEmulatorCustomerIds -Emulator $script:Emu | Should -Be @('ab000000-0000-0000-0000-00000000000b')
    }

    It 'pwsh -NonInteractive without -Force fails clearly (exit code non-zero, message says -Force)' {
        # pwsh may run as a .NET tool (the process is dotnet): Get-AzsTestPwsh prefers the pwsh next to $PSHOME, else the one on PATH.
        $pwsh = Get-AzsTestPwsh
        $cmd = "Import-Module '$($script:ModulePath)'; New-AzureRmResource -ResourceId '$($script:RegId)/customerSubscriptions/ac000000-0000-0000-0000-00000000000c' -ApiVersion 2017-06-01 -Properties @{ tenantId = 't' }"
        $out = & $pwsh -NoProfile -NonInteractive -Command $cmd 2>&1 | Out-String
        $LASTEXITCODE | Should -Not -Be 0
        $out | Should -BeLike '*Add -Force*'
        @(Get-AzsEmulatorRequests -Emulator $script:Emu).Count | Should -Be 0
    }
}
