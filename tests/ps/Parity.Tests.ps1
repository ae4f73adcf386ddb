# Pins the parameter surface of every AzureRM-compatible command against
# /shared/docs/cmdlet-parity.md: names, aliases, parameter sets (found by their mandatory
# parameters), mandatory flags, pipeline binding, ShouldProcess. Read from the imported
# module with Get-Command. Also: the Az names are opt-in (Enable-AzsAzAlias).

BeforeDiscovery {
    $common = @('Environment', 'Subscription', 'TenantId', 'Scope', 'ContextName', 'Force', 'SkipContextPopulation')
    $resourceCommon = @('ApiVersion', 'ODataQuery', 'Pre', 'DefaultProfile')
    $writeCommon = @('Properties', 'Location', 'Kind', 'Tag', 'Sku', 'Plan', 'IsFullObject', 'Force', 'AsJob') + $resourceCommon
    $subLevelOptional = @('ResourceGroupName', 'ExtensionResourceName', 'ExtensionResourceType')

    # Each set: the exact list of mandatory parameters, and parameters it must also have (optional).
    $script:Surfaces = @(
        @{
            Command = 'Connect-AzureRmAccount'; CommandAliases = @('Add-AzureRmAccount', 'Login-AzureRmAccount'); ShouldProcess = $true
            DefaultSetMandatory = @()
            Sets = @(
                @{ What = 'interactive user (default)'; Mandatory = @(); Optional = @('Credential', 'UseDeviceAuthentication') + $common }
                @{ What = 'service principal + secret'; Mandatory = @('ServicePrincipal', 'Credential', 'TenantId'); Optional = $common }
                @{ What = 'service principal + certificate in the store'; Mandatory = @('CertificateThumbprint', 'ApplicationId', 'TenantId'); Optional = @('ServicePrincipal') + $common }
                @{ What = 'service principal + certificate file'; Mandatory = @('CertificatePath', 'ApplicationId', 'TenantId'); Optional = @('ServicePrincipal', 'CertificatePassword') + $common }
                @{ What = 'access token'; Mandatory = @('AccessToken', 'AccountId'); Optional = $common }
                @{ What = 'managed identity'; Mandatory = @('Identity'); Optional = @('AccountId') + $common }
            )
            Aliases = @{
                UseDeviceAuthentication = @('DeviceCode', 'DeviceAuth', 'Device'); Identity = @('MSI', 'ManagedService')
                Environment = @('EnvironmentName'); Subscription = @('SubscriptionId', 'SubscriptionName'); TenantId = @('Tenant', 'Domain')
            }
            Types = @{ Credential = 'System.Management.Automation.PSCredential'; CertificatePassword = 'System.Security.SecureString' }
            ValidateSet = @{ Scope = @('Process', 'CurrentUser') }
            PipelineByPropertyName = @()
        }
        @{
            Command = 'Disconnect-AzureRmAccount'; CommandAliases = @('Remove-AzureRmAccount', 'Logout-AzureRmAccount'); ShouldProcess = $true
            DefaultSet = 'ContextName'; DefaultSetMandatory = @()
            Sets = @(
                @{ What = 'by context name (default)'; Name = 'ContextName'; Mandatory = @(); Optional = @('ContextName', 'Scope', 'DefaultProfile') }
                @{ What = 'by context object from the pipeline'; Name = 'InputObject'; Mandatory = @('InputObject'); Optional = @('Scope', 'DefaultProfile') }
            )
            Aliases = @{ DefaultProfile = @('AzureRmContext', 'AzureCredential') }; Types = @{}
            ValidateSet = @{ Scope = @('Process', 'CurrentUser') }; PipelineByPropertyName = @()
        }
        @{
            Command = 'Add-AzureRmEnvironment'; CommandAliases = @(); ShouldProcess = $null
            DefaultSetMandatory = $null
            Sets = @(@{ What = '-Name -ARMEndpoint'; Mandatory = @('Name', 'ARMEndpoint'); Optional = @() })
            Aliases = @{}; Types = @{}; ValidateSet = @{}; PipelineByPropertyName = @()
            Parameters = @('Name', 'ARMEndpoint', 'ResourceManagerEndpoint', 'ActiveDirectoryEndpoint')
        }
        @{
            Command = 'Get-AzureRmEnvironment'; CommandAliases = @(); ShouldProcess = $null
            DefaultSetMandatory = @(); Sets = @(); Aliases = @{}; Types = @{}; ValidateSet = @{}; PipelineByPropertyName = @()
            Parameters = @('Name')
        }
        @{
            Command = 'Get-AzureRmContext'; CommandAliases = @(); ShouldProcess = $null
            DefaultSetMandatory = @(); Sets = @(); Aliases = @{}; Types = @{}; ValidateSet = @{}; PipelineByPropertyName = @()
        }
        @{
            Command = 'Set-AzureRmContext'; CommandAliases = @('Select-AzureRmSubscription'); ShouldProcess = $true
            DefaultSet = 'Subscription'; DefaultSetMandatory = @('Subscription')
            Sets = @(
                @{ What = '-Subscription [-TenantId]'; Name = 'Subscription'; Mandatory = @('Subscription'); Optional = @('TenantId', 'Name', 'Force', 'Scope', 'DefaultProfile') }
                @{ What = '-TenantId'; Name = 'Tenant'; Mandatory = @('TenantId'); Optional = @('Name', 'Force', 'Scope', 'DefaultProfile') }
                @{ What = '-Context (from the pipeline)'; Name = 'Context'; Mandatory = @('Context'); Optional = @('Name', 'Force', 'Scope') }
            )
            Aliases = @{ Subscription = @('SubscriptionId', 'SubscriptionName'); TenantId = @('Tenant', 'Domain'); DefaultProfile = @('AzureRmContext', 'AzureCredential') }
            Types = @{ Context = 'AzsRegistration.Interop.AzsContext' }
            ValidateSet = @{ Scope = @('Process', 'CurrentUser') }
            PipelineByPropertyName = @('Subscription')
            Parameters = @('Subscription', 'TenantId', 'Context')
        }
        @{
            Command = 'Get-AzureRmSubscription'; CommandAliases = @(); ShouldProcess = $null
            DefaultSetMandatory = @(); Sets = @(); Aliases = @{}; Types = @{}; ValidateSet = @{}; PipelineByPropertyName = @()
            Parameters = @('SubscriptionId', 'SubscriptionName', 'TenantId')
        }
        @{
            Command = 'Disable-AzureRmContextAutosave'; CommandAliases = @(); ShouldProcess = $true
            DefaultSetMandatory = @(); Sets = @(); Aliases = @{ DefaultProfile = @('AzureRmContext', 'AzureCredential') }; Types = @{}
            ValidateSet = @{ Scope = @('Process', 'CurrentUser') }; PipelineByPropertyName = @()
            Parameters = @('Scope')
        }
        @{
            Command = 'New-AzureRmResource'; CommandAliases = @(); ShouldProcess = $true
            DefaultSet = 'ByResourceId'; DefaultSetMandatory = @('ResourceId')
            Sets = @(
                @{ What = 'ByResourceId'; Name = 'ByResourceId'; Mandatory = @('ResourceId'); Optional = $writeCommon }
                @{ What = 'BySubscriptionLevel'; Name = 'BySubscriptionLevel'; Mandatory = @('ResourceName', 'ResourceType'); Optional = $subLevelOptional + $writeCommon }
            )
            Aliases = @{ ResourceId = @('Id'); ResourceName = @('Name'); Properties = @('PropertyObject'); Tag = @('Tags'); Sku = @('SkuObject'); Plan = @('PlanObject') }
            Types = @{ Properties = 'System.Management.Automation.PSObject'; Sku = 'System.Collections.Hashtable'; Plan = 'System.Collections.Hashtable' }
            ValidateSet = @{}
            PipelineByPropertyName = @('ResourceId')
        }
        @{
            Command = 'Set-AzureRmResource'; CommandAliases = @(); ShouldProcess = $true
            DefaultSet = 'ByResourceId'; DefaultSetMandatory = @('ResourceId')
            Sets = @(
                @{ What = 'ByResourceId'; Name = 'ByResourceId'; Mandatory = @('ResourceId'); Optional = $writeCommon + @('UsePatchSemantics') }
                @{ What = 'BySubscriptionLevel'; Name = 'BySubscriptionLevel'; Mandatory = @('ResourceName', 'ResourceType'); Optional = $subLevelOptional + $writeCommon }
            )
            Aliases = @{ ResourceId = @('Id'); ResourceName = @('Name'); Properties = @('PropertyObject'); Tag = @('Tags'); Sku = @('SkuObject'); Plan = @('PlanObject') }
            Types = @{ Properties = 'System.Management.Automation.PSObject' }
            ValidateSet = @{}
            PipelineByPropertyName = @('ResourceId')
        }
        @{
            Command = 'Get-AzureRmResource'; CommandAliases = @(); ShouldProcess = $false
            DefaultSet = 'ByResourceId'; DefaultSetMandatory = @('ResourceId')
            Sets = @(
                @{ What = 'ByResourceId'; Name = 'ByResourceId'; Mandatory = @('ResourceId'); Optional = @('ExpandProperties') + $resourceCommon }
                @{ What = 'BySubscriptionLevel'; Name = 'BySubscriptionLevel'; Mandatory = @('ResourceType'); Optional = @('ResourceName', 'ExpandProperties') + $subLevelOptional + $resourceCommon }
            )
            Aliases = @{ ResourceId = @('Id'); ResourceName = @('Name') }
            Types = @{}; ValidateSet = @{}
            PipelineByPropertyName = @('ResourceId')
        }
        @{
            Command = 'Remove-AzureRmResource'; CommandAliases = @(); ShouldProcess = $true
            DefaultSet = 'ByResourceId'; DefaultSetMandatory = @('ResourceId')
            Sets = @(
                @{ What = 'ByResourceId'; Name = 'ByResourceId'; Mandatory = @('ResourceId'); Optional = @('Force', 'AsJob') + $resourceCommon }
                @{ What = 'BySubscriptionLevel'; Name = 'BySubscriptionLevel'; Mandatory = @('ResourceName', 'ResourceType'); Optional = @('Force', 'AsJob') + $subLevelOptional + $resourceCommon }
            )
            Aliases = @{ ResourceId = @('Id'); ResourceName = @('Name') }
            Types = @{}; ValidateSet = @{}
            PipelineByPropertyName = @('ResourceId')
        }
    )
    $script:SetCases = foreach ($s in $script:Surfaces) { foreach ($set in $s.Sets) { @{ Command = $s.Command; Set = $set } } }
    $script:AliasCases = foreach ($s in $script:Surfaces) { foreach ($p in $s.Aliases.Keys) { @{ Command = $s.Command; Parameter = $p; Aliases = $s.Aliases[$p] } } }
    $script:CommandAliasCases = foreach ($s in $script:Surfaces) { foreach ($a in $s.CommandAliases) { @{ Command = $s.Command; Alias = $a } } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-Module (Get-AzsTestModulePath) -Force

    function Get-SetMandatory {
        param($SetInfo)
        @($SetInfo.Parameters | Where-Object { $_.IsMandatory } | ForEach-Object { $_.Name } | Sort-Object)
    }
    function Find-SetByMandatory {
        # The parameter sets whose mandatory parameters are exactly $Mandatory.
        param($Command, [string[]] $Mandatory)
        $want = (@($Mandatory | Sort-Object) -join ',')
        @($Command.ParameterSets | Where-Object { ((Get-SetMandatory $_) -join ',') -eq $want })
    }
}

Describe 'Command <Command>' -ForEach $script:Surfaces {
    BeforeAll {
        $cmd = Get-Command -Name $Command -Module AzsRegistration -ErrorAction SilentlyContinue
    }

    It 'is exported by the module as a compiled cmdlet of the interop assembly' {
        $cmd | Should -Not -BeNullOrEmpty
        if ($cmd.CommandType -eq 'Alias') { $cmd = $cmd.ResolvedCommand }
        $cmd.CommandType | Should -Be 'Cmdlet'
        $cmd.ImplementingType.Assembly.GetName().Name | Should -Be 'AzsRegistration.Interop'
    }

    It 'has the common parameters and the expected ShouldProcess support' {
        foreach ($p in @('Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'ErrorVariable', 'OutVariable')) {
            $cmd.Parameters.ContainsKey($p) | Should -BeTrue -Because "$Command takes the common parameter -$p"
        }
        if ($null -ne $ShouldProcess) {
            ($cmd.Parameters.ContainsKey('WhatIf') -and $cmd.Parameters.ContainsKey('Confirm')) | Should -Be $ShouldProcess
        }
    }

    if ($null -ne $DefaultSetMandatory) {
    It 'has the default parameter set expected' {
        $default = $cmd.ParameterSets | Where-Object { $_.IsDefault }
        if ($cmd.ParameterSets.Count -gt 1) { $default | Should -Not -BeNullOrEmpty -Because 'several sets need a default' }
        if ($default) {
            (Get-SetMandatory $default) -join ',' | Should -Be ((@($DefaultSetMandatory | Sort-Object)) -join ',')
            if ($DefaultSet) { $default.Name | Should -Be $DefaultSet }
        }
    }
    }

    if ($Parameters) {
    It 'has the parameters runbooks pass' {
        foreach ($p in $Parameters) { $cmd.Parameters.Keys | Should -Contain $p }
    }
    }

    if ($PipelineByPropertyName.Count -gt 0) {
    It 'binds <PipelineByPropertyName> by property name from the pipeline' {
        foreach ($p in $PipelineByPropertyName) {
            $attrs = @($cmd.Parameters[$p].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
            $attrs.Count | Should -BeGreaterThan 0
            @($attrs | Where-Object { $_.ValueFromPipelineByPropertyName }).Count | Should -Be $attrs.Count
        }
    }
    }

    if ($Types.Count -gt 0) {
    It 'has the parameter types expected' {
        foreach ($p in $Types.Keys) { $cmd.Parameters[$p].ParameterType.FullName | Should -Be $Types[$p] }
    }
    }

    if ($ValidateSet.Count -gt 0) {
    It 'validates the values expected' {
        foreach ($p in $ValidateSet.Keys) {
            $vs = $cmd.Parameters[$p].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
            $vs | Should -Not -BeNullOrEmpty
            (@($vs.ValidValues | Sort-Object) -join ',') | Should -Be (@($ValidateSet[$p] | Sort-Object) -join ',')
        }
    }
    }
}

Describe 'Parameter set "<Set.What>" of <Command>' -ForEach $script:SetCases {
    BeforeAll {
        $cmd = Get-Command -Name $Command -Module AzsRegistration -ErrorAction SilentlyContinue
        $found = @(Find-SetByMandatory -Command $cmd -Mandatory $Set.Mandatory)
        if ($Set.Name) { $found = @($found | Where-Object { $_.Name -eq $Set.Name }) }
    }

    It 'exists with exactly these mandatory parameters: <Set.Mandatory>' {
        $found.Count | Should -BeGreaterOrEqual 1 -Because "a set of $Command must need exactly: $($Set.Mandatory -join ', ') (sets: $(($cmd.ParameterSets | ForEach-Object { $_.Name + '=[' + ((Get-SetMandatory $_) -join ',') + ']' }) -join '; '))"
    }

    It 'also takes <Set.Optional> (not mandatory)' {
        $names = @($found[0].Parameters | ForEach-Object { $_.Name })
        foreach ($p in @($Set.Optional | Where-Object { $Set.Mandatory -notcontains $_ })) {
            $names | Should -Contain $p -Because "the '$($Set.What)' set of $Command takes -$p"
            ($found[0].Parameters | Where-Object { $_.Name -eq $p }).IsMandatory | Should -BeFalse -Because "-$p is optional in '$($Set.What)'"
        }
    }
}

Describe 'Parameter <Parameter> of <Command> has aliases <Aliases>' -ForEach $script:AliasCases {
    It 'has every alias' {
        $cmd = Get-Command -Name $Command -Module AzsRegistration
        $cmd.Parameters.Keys | Should -Contain $Parameter
        foreach ($a in $Aliases) { $cmd.Parameters[$Parameter].Aliases | Should -Contain $a }
    }
}

Describe 'Command alias <Alias>' -ForEach $script:CommandAliasCases {
    It 'is exported and resolves to <Command>' {
        $alias = Get-Command -Name $Alias -CommandType Alias -ErrorAction SilentlyContinue
        $alias | Should -Not -BeNullOrEmpty
        $alias.ResolvedCommand.Name | Should -Be $Command
        $alias.Source | Should -Be 'AzsRegistration'
    }
}

Describe 'Az names are opt-in (Enable-AzsAzAlias)' {
    BeforeAll {
        $azNames = @('Connect-AzAccount', 'Add-AzAccount', 'Login-AzAccount', 'Disconnect-AzAccount', 'Remove-AzAccount', 'Logout-AzAccount',
            'Get-AzContext', 'Set-AzContext', 'Select-AzSubscription', 'Get-AzSubscription', 'Disable-AzContextAutosave', 'Add-AzEnvironment',
            'Get-AzEnvironment', 'New-AzResource', 'Get-AzResource', 'Set-AzResource', 'Remove-AzResource')
        function Remove-AzTestAlias { foreach ($n in $azNames) { if (Test-Path "alias:$n") { Remove-Item "alias:$n" -Force } } }
    }
    AfterEach {
        Remove-AzTestAlias
        if (Test-Path function:New-AzResource) { Remove-Item function:New-AzResource -Force }
    }

    It 'the module does not create any Az name on import' {
        Remove-AzTestAlias
        Import-Module (Get-AzsTestModulePath) -Force
        foreach ($n in $azNames) { Get-Command -Name $n -ErrorAction SilentlyContinue | Should -BeNullOrEmpty -Because "$n must not exist until asked for" }
        (Get-Module AzsRegistration).ExportedAliases.Keys | Should -Not -Contain 'New-AzResource'
    }

    It 'creates every Az name as a global alias of the module command' {
        $made = @(Enable-AzsAzAlias -PassThru -WarningAction Stop)
        $made.Count | Should -Be $azNames.Count
        foreach ($n in $azNames) {
            $a = Get-Alias -Name $n -Scope Global
            $a.Definition | Should -BeLike 'AzsRegistration\*-AzureRm*'
            # The Az name points at the command whose AzureRM name (or alias) it mirrors.
            $rmName = $n -replace '-Az', '-AzureRm'
            $rm = Get-Command -Name $rmName -Module AzsRegistration
            if ($rm.CommandType -eq 'Alias') { $rm = $rm.ResolvedCommand }
            $a.Definition | Should -Be ('AzsRegistration\' + $rm.Name) -Because "$n is the Az name of $rmName"
        }
        (Get-Alias Select-AzSubscription).Definition | Should -Be 'AzsRegistration\Set-AzureRmContext'
        (Get-Alias Remove-AzAccount).Definition | Should -Be 'AzsRegistration\Disconnect-AzureRmAccount'
        (Get-Alias Disable-AzContextAutosave).Definition | Should -Be 'AzsRegistration\Disable-AzureRmContextAutosave'
        (Get-Alias New-AzResource).Definition | Should -Be 'AzsRegistration\New-AzureRmResource'
        (Get-Alias Connect-AzAccount).Definition | Should -Be 'AzsRegistration\Connect-AzureRmAccount'
        (Get-Command New-AzResource).ResolvedCommand.Name | Should -Be 'New-AzureRmResource'
    }

    It 'offers the Az name of every AzureRM-named command and alias the module exports' {
        $module = Get-Module AzsRegistration
        $rmNames = @(@($module.ExportedCmdlets.Keys) + @($module.ExportedAliases.Keys) | Where-Object { $_ -like '*-AzureRm*' })
        $rmNames.Count | Should -BeGreaterThan 15
        $offered = (Get-Command Enable-AzsAzAlias).Parameters['Name'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        foreach ($rm in $rmNames) {
            $offered.ValidValues | Should -Contain ($rm -replace '-AzureRm', '-Az') -Because "$rm has an Az name"
        }
        @($offered.ValidValues) | Should -Be $azNames
    }

    It '-Name picks some names only' {
        Enable-AzsAzAlias -Name New-AzResource, Remove-AzResource
        Test-Path alias:New-AzResource | Should -BeTrue
        Test-Path alias:Remove-AzResource | Should -BeTrue
        Test-Path alias:Connect-AzAccount | Should -BeFalse
    }

    It 'refuses (warning, skipped) a name that already resolves to a real command' {
        function global:New-AzResource { 'the real Az one' }
        Enable-AzsAzAlias -WarningVariable w -WarningAction SilentlyContinue
        Test-Path alias:New-AzResource | Should -BeFalse
        New-AzResource | Should -Be 'the real Az one'
        ($w -join "`n") | Should -BeLike '*New-AzResource already exists*-Force*'
        Test-Path alias:Get-AzResource | Should -BeTrue -Because 'the other names are still created'
    }

    It '-Force shadows an existing command' {
        function global:New-AzResource { 'the real Az one' }
        Enable-AzsAzAlias -Name New-AzResource -Force -WarningVariable w
        $w | Should -BeNullOrEmpty
        (Get-Command New-AzResource).CommandType | Should -Be 'Alias'
    }

    It 'is idempotent (a second call warns about nothing)' {
        Enable-AzsAzAlias
        Enable-AzsAzAlias -WarningVariable w
        $w | Should -BeNullOrEmpty
        (Get-Alias New-AzResource).Definition | Should -Be 'AzsRegistration\New-AzureRmResource'
    }
}
