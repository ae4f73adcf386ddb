function Set-AzureRmContext {
    <#
    .SYNOPSIS
    Selects the subscription (and tenant) that later commands use, or makes another context current.

    .DESCRIPTION
    Set-AzureRmContext (alias Select-AzureRmSubscription) looks the subscription up with
    GET /subscriptions on the current context's client and makes a context for it; the
    native client (and its token) is shared, so no new sign-in happens. With -TenantId for
    another tenant a new client is made from the same credential. With -Context, a context
    object (from Get-AzureRmContext) becomes current.

    .PARAMETER Subscription
    Subscription ID or name. Aliases: SubscriptionId, SubscriptionName.

    .PARAMETER TenantId
    Tenant GUID or domain. Aliases: Tenant, Domain.

    .PARAMETER Context
    A context object to make current.

    .PARAMETER Name
    Name of the resulting context.

    .PARAMETER Force
    Replaces a context of the same name without asking.

    .PARAMETER Scope
    Process or CurrentUser; contexts always live in the process only.

    .PARAMETER DefaultProfile
    The context to start from instead of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    Set-AzureRmContext -Subscription 33333333-3333-3333-3333-333333333333

    .EXAMPLE
    Select-AzureRmSubscription -SubscriptionName 'CSP registration'

    .EXAMPLE
    Get-AzureRmContext -Name work | Set-AzureRmContext

    .OUTPUTS
    AzsRegistration.Interop.AzsContext

    .LINK
    Get-AzureRmContext
    #>
    [CmdletBinding(DefaultParameterSetName = 'Subscription', SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [Alias('Select-AzureRmSubscription')]
    [OutputType([AzsRegistration.Interop.AzsContext])]
    param(
        [Parameter(ParameterSetName = 'Subscription', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('SubscriptionId', 'SubscriptionName')]
        [ValidateNotNullOrEmpty()]
        [string] $Subscription,

        [Parameter(ParameterSetName = 'Subscription', ValueFromPipelineByPropertyName = $true)]
        [Parameter(ParameterSetName = 'Tenant', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Domain', 'Tenant')]
        [ValidateNotNullOrEmpty()]
        [string] $TenantId,

        [Parameter(ParameterSetName = 'Context', Mandatory = $true, Position = 0, ValueFromPipeline = $true)]
        [AzsRegistration.Interop.AzsContext] $Context,

        [string] $Name,

        [switch] $Force,

        [ValidateSet('Process', 'CurrentUser')]
        [string] $Scope = 'Process',

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        $cmdlet = $PSCmdlet
        if ($PSCmdlet.ParameterSetName -eq 'Context') {
            if ($PSCmdlet.ShouldProcess($Context.Name, 'Set the current context')) {
                if ($Name) { $Context = $Context.CloneWith($Name, $Context.SubscriptionId, $Context.SubscriptionName) }
                if ($Context.Name) { [AzsRegistration.Interop.ContextStore]::Set($Context) }
                [AzsRegistration.Interop.ContextStore]::Current = $Context
                $Context
            }
            return
        }

        $base = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $cmdlet
        $work = $base.CloneWith($base.Name, $base.SubscriptionId, $base.SubscriptionName)

        if ($TenantId) {
            $tenant = $TenantId
            # A GUID by the library's rule (azsreg_guid_normalize), else a domain name to resolve.
            $tenantGuid = [AzsRegistration.Interop.Native]::CheckGuid($TenantId, 'tenant ID')
            if (-not $tenantGuid.Ok) {
                $client0 = $base.Client
                $tenant = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::TenantResolve($client0, $TenantId) }
                Write-Verbose ($script:Strings.TenantResolved -f $TenantId, $tenant)
            }
            else {
                $tenant = $tenantGuid.Value
            }
            if ($tenant -ne $base.TenantId) {
                if (-not $base.Credential -or $base.Credential.IsClosed) {
                    $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message 'This context cannot switch tenants (its credential is gone); run Connect-AzureRmAccount -TenantId instead.' -ErrorId 'TenantSwitchNotPossible' -Category InvalidOperation -TargetObject $TenantId))
                }
                $optionsJson = Get-AzsClientOptionsJson -EnvironmentJson $base.EnvironmentJson -TenantId $tenant -Cmdlet $PSCmdlet
                $cred = $base.Credential
                $work.Client = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewClient($optionsJson, $cred) }
                $work.ClientOptionsJson = $optionsJson
                $newClient = $work.Client
                $null = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::SignIn($newClient) }
            }
            $work.TenantId = $tenant
            $work.SubscriptionId = $null
            $work.SubscriptionName = $null
        }

        if ($Subscription) {
            $subs = @(Get-AzsSubscriptionList -Context $work -Cmdlet $cmdlet)
            $chosen = Select-AzsSubscription -Subscriptions $subs -Subscription $Subscription -TenantId $work.TenantId -Cmdlet $cmdlet
            $work.SubscriptionId = $chosen.Id
            $work.SubscriptionName = $chosen.Name
        }
        elseif ($PSCmdlet.ParameterSetName -eq 'Tenant') {
            $subs = @(Get-AzsSubscriptionList -Context $work -Cmdlet $cmdlet)
            $chosen = Select-AzsSubscription -Subscriptions $subs -TenantId $work.TenantId -Cmdlet $cmdlet
            if ($chosen) { $work.SubscriptionId = $chosen.Id; $work.SubscriptionName = $chosen.Name }
        }

        if ($Name) { $work.Name = $Name }
        elseif ($work.SubscriptionId) { $work.Name = '{0} ({1}) - {2}' -f $work.SubscriptionName, $work.SubscriptionId, $work.Account }
        else { $work.Name = '{0} - {1}' -f $work.Account, $work.TenantId }

        if ($PSCmdlet.ShouldProcess($work.Name, 'Set the current context')) {
            if ($work.SubscriptionId) { Write-Verbose ($script:Strings.SubscriptionSelected -f $work.SubscriptionId, $work.SubscriptionName) }
            [AzsRegistration.Interop.ContextStore]::Set($work)
            [AzsRegistration.Interop.ContextStore]::Current = $work
            $work
        }
    }
}
