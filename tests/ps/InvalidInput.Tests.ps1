# Issue #9 ("every bad input refused before anything is sent"), the module side: each
# bad input is a clear error with a stable ErrorId, the emulator sees no request at all,
# and no secret (the URL password) shows in any stream, the error record, or its JSON.
# The table of bad inputs is tests/INVALID_INPUTS.md.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-AzsModuleUnderTest
    $script:emu = Start-AzsEmulator
    $script:facts = Get-AzsSampleFacts
    $null = Connect-AzsTestEmulator -Emulator $script:emu
    $script:hostPort = ([uri]$script:emu.BaseUrl).Authority
    $script:password = 'ps-url-pw-do-not-show-0815'

    function Reset-Counters {
        Reset-AzsEmulatorStats -Emulator $script:emu
        Clear-AzsEmulatorRequests -Emulator $script:emu
    }
    function Assert-NothingSent {
        $stats = Get-AzsEmulatorStats -Emulator $script:emu
        $stats.requests | Should -Be 0
        $stats.tokenRequests | Should -Be 0
        $stats.armRequests | Should -Be 0
        @(Get-AzsEmulatorRequests -Emulator $script:emu).Count | Should -Be 0
    }
    # The ErrorRecord of a command that fails (terminating or not); $null when it did not fail.
    # (The command in the script block runs with -ErrorAction Stop.)
    function Get-Failure([scriptblock] $Command) {
        try { $null = & $Command } catch { return $_ }
        $null
    }
    # Everything a user could see of an error record, as text.
    function Get-ShownText($Err) {
        ($Err | Format-List * -Force | Out-String) + ($Err.Exception | Format-List * -Force | Out-String) +
        [string]$Err.TargetObject + (ConvertTo-Json -InputObject @{ target = $Err.TargetObject; message = $Err.Exception.Message; details = [string]$Err.ErrorDetails } -Depth 3)
    }
}

AfterAll {
    Stop-AzsEmulator -Emulator $script:emu
}

Describe 'invalid input is refused before anything is sent' {
    BeforeEach { Reset-Counters }

    It 'finding 1: Add-AzureRmEnvironment -ARMEndpoint with user info is refused (EndpointHasUserInfo) and the password is never shown' {
        $url = "https://user:$($script:password)@$($script:hostPort)/"
        $verbose = ''
        try { $verbose = Add-AzureRmEnvironment -Name WithUserInfo -ARMEndpoint $url -Verbose 4>&1 | Out-String; $err = @() }
        catch { $err = @($_) }
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'EndpointHasUserInfo,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'user info'
        $shown = (Get-ShownText $err[0]) + $verbose
        $shown | Should -Not -Match ([regex]::Escape($script:password))
        [string]$err[0].TargetObject | Should -Be "https://***@$($script:hostPort)/"
        Get-AzureRmEnvironment -Name WithUserInfo -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-NothingSent
    }

    It 'finding 1: the explicit set (-ResourceManagerEndpoint / -ActiveDirectoryEndpoint) with user info is refused too' {
        { Add-AzureRmEnvironment -Name WithUserInfo2 -ResourceManagerEndpoint "https://arm.example/" -ActiveDirectoryEndpoint "https://u:$($script:password)@login.example/" } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'EndpointHasUserInfo,Add-AzureRmEnvironment'
        { Add-AzureRmEnvironment -Name WithUserInfo3 -ResourceManagerEndpoint "https://$($script:password)@arm.example/" -ActiveDirectoryEndpoint "https://login.example/" } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'EndpointHasUserInfo,Add-AzureRmEnvironment'
        Assert-NothingSent
    }

    It 'finding 2: Register-AzsCustomerSubscription -TenantId <blank> is refused (InvalidTenantId) and sends nothing' -TestCases @(
        @{ Tenant = '' }, @{ Tenant = '   ' }, @{ Tenant = "`t" }
    ) {
        param($Tenant)
        $cust = [guid]::NewGuid().ToString()
        $err = $null
        $out = @(Register-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId $cust -TenantId $Tenant -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTenantId,*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'tenant ID is empty or blank'
        Assert-NothingSent
    }

    It 'finding 2: a blank TenantId from the pipeline fails only its own row; leaving -TenantId out still registers' {
        $blank = [guid]::NewGuid().ToString()
        $none = [guid]::NewGuid().ToString()
        $err = $null
        $out = @([pscustomobject]@{ CustomerSubscriptionId = $blank; TenantId = ' ' } |
                Register-AzsCustomerSubscription -Registration $script:facts.RegistrationId -ErrorVariable err -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidTenantId,*'
        Assert-NothingSent
        $out = @(Register-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId $none -Confirm:$false)
        $out.Count | Should -Be 1
        (Get-AzsEmulatorCustomerIds -Emulator $script:emu) | Should -Contain $none
        $null = Unregister-AzsCustomerSubscription -Registration $script:facts.RegistrationId -CustomerSubscriptionId $none -Force
    }

    It 'finding 3: Add-AzureRmEnvironment -ARMEndpoint with a <Part> is refused (AZSREG_EINVALID) and sends nothing' -TestCases @(
        @{ Part = 'query'; Suffix = '/?x=1' }, @{ Part = 'fragment'; Suffix = '/#x' },
        @{ Part = 'dot segment'; Suffix = '/../_emulator/' }, @{ Part = 'dot segment'; Suffix = '/%2e%2e/_emulator/' }
    ) {
        param($Part, $Suffix)
        $url = "https://$($script:hostPort)$Suffix"
        { Add-AzureRmEnvironment -Name BadPart -ARMEndpoint $url } | Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'AZSREG_EINVALID,Add-AzureRmEnvironment'
        $err = Get-Failure { Add-AzureRmEnvironment -Name BadPart -ARMEndpoint $url -ErrorAction Stop }
        $err.Exception.Message | Should -Match ([regex]::Escape($Part))
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Assert-NothingSent
    }

    It 'finding 5: Get-AzureRmResource -ODataQuery that sets api-version is refused (AZSREG_EINVALID) and sends nothing' {
        $err = Get-Failure { Get-AzureRmResource -ResourceId $script:facts.RegistrationId -ApiVersion 2017-06-01 -ODataQuery 'api-version=banana' -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'AZSREG_EINVALID,*'
        $err.Exception.Message | Should -Match 'query sets api-version'
        Assert-NothingSent
    }

    It 'finding 7: CR/LF in an endpoint is escaped in the error message' {
        $err = Get-Failure { Add-AzureRmEnvironment -Name CrLf -ARMEndpoint "https://x/`r`nX-Injected: y" -ErrorAction Stop }
        $err | Should -Not -BeNullOrEmpty
        $err.Exception.Message | Should -Not -Match "[`r`n]"
        $err.Exception.Message | Should -Match ([regex]::Escape('\r\nX-Injected'))
        Assert-NothingSent
    }
}
