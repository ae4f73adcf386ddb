function Get-AzsSubscriptionList {
    <#
    .SYNOPSIS
    The subscriptions the context's account sees (GET /subscriptions, all pages), as
    AzsRegistration.Subscription objects.
    #>
    param(
        [Parameter(Mandatory)] [AzsRegistration.Interop.AzsContext] $Context,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $client = $Context.Client
    $json = Invoke-AzsNative -Cmdlet $Cmdlet -ScriptBlock {
        $status = 0
        [AzsRegistration.Interop.Native]::ResourceRequest($client, 'GET', '/subscriptions', '2016-06-01', $null, $null, [AzsRegistration.Interop.Native]::RequestFollowPages, [ref] $status)
    }
    if ([string]::IsNullOrWhiteSpace($json)) { return }
    $page = ConvertFrom-Json -InputObject $json
    foreach ($s in @(Get-AzsMemberValue $page 'value')) {
        if ($null -eq $s) { continue }
        $id = [string](Get-AzsMemberValue $s 'subscriptionId')
        [pscustomobject]@{
            PSTypeName     = 'AzsRegistration.Subscription'
            Name           = [string](Get-AzsMemberValue $s 'displayName')
            Id             = $id
            SubscriptionId = $id
            TenantId       = [string](Get-AzsMemberValue $s 'tenantId')
            State          = [string](Get-AzsMemberValue $s 'state')
        }
    }
}

function Select-AzsSubscription {
    <#
    .SYNOPSIS
    Picks a subscription by ID or name (case-insensitive), else the first of the tenant;
    a terminating SubscriptionNotFound error when a requested one is not there.
    #>
    param(
        [object[]] $Subscriptions,
        [string] $Subscription,
        [string] $TenantId,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $inTenant = @($Subscriptions | Where-Object { -not $TenantId -or -not $_.TenantId -or $_.TenantId -eq $TenantId })
    if ($Subscription) {
        $match = @($inTenant | Where-Object { $_.Id -eq $Subscription -or $_.Name -eq $Subscription })
        if ($match.Count -eq 0) {
            $available = ($inTenant | ForEach-Object { '{0} ({1})' -f $_.Name, $_.Id }) -join ', '
            if (-not $available) { $available = '(none)' }
            $Cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.SubscriptionNotFound -f $Subscription, $TenantId, $available) -ErrorId 'SubscriptionNotFound' -Category ObjectNotFound -TargetObject $Subscription))
        }
        return $match[0]
    }
    if ($inTenant.Count -gt 0) { return $inTenant[0] }
    return $null
}
