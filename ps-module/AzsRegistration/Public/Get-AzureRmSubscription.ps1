function Get-AzureRmSubscription {
    <#
    .SYNOPSIS
    Lists the subscriptions the signed-in account can see (GET /subscriptions, all pages).

    .DESCRIPTION
    Sends GET /subscriptions?api-version=2016-06-01 with the context's client and follows
    every nextLink page. -SubscriptionId, -SubscriptionName and -TenantId filter the list;
    a subscription asked for by ID or name that is not there is the non-terminating error
    SubscriptionNotFound. The output pipes into Set-AzureRmContext. Errors from Azure
    Resource Manager are terminating, with the ARM code as ErrorId and category CloseError.

    .PARAMETER SubscriptionId
    Only this subscription (GUID).

    .PARAMETER SubscriptionName
    Only subscriptions with this display name.

    .PARAMETER TenantId
    Only subscriptions of this tenant (GUID).

    .PARAMETER DefaultProfile
    The context to use instead of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    Get-AzureRmSubscription

    .EXAMPLE
    Get-AzureRmSubscription -SubscriptionName 'CSP registration' | Set-AzureRmContext

    .OUTPUTS
    AzsRegistration.Subscription

    .LINK
    Set-AzureRmContext
    #>
    [CmdletBinding(DefaultParameterSetName = 'ListByIdInTenant')]
    [OutputType('AzsRegistration.Subscription')]
    param(
        [Parameter(ParameterSetName = 'ListByIdInTenant', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $SubscriptionId,

        [Parameter(ParameterSetName = 'ListByNameInTenant', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $SubscriptionName,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('Domain', 'Tenant')]
        [string] $TenantId,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        $context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $PSCmdlet
        $subs = @(Get-AzsSubscriptionList -Context $context -Cmdlet $PSCmdlet)
        if ($TenantId) { $subs = @($subs | Where-Object { $_.TenantId -eq $TenantId }) }
        if ($SubscriptionId) {
            $subs = @($subs | Where-Object { $_.Id -eq $SubscriptionId })
            if ($subs.Count -eq 0) {
                $PSCmdlet.WriteError((New-AzsErrorRecord -Message ($script:Strings.SubscriptionNotFound -f $SubscriptionId, $context.TenantId, '-') -ErrorId 'SubscriptionNotFound' -Category ObjectNotFound -TargetObject $SubscriptionId))
            }
        }
        if ($SubscriptionName) {
            $subs = @($subs | Where-Object { $_.Name -eq $SubscriptionName })
            if ($subs.Count -eq 0) {
                $PSCmdlet.WriteError((New-AzsErrorRecord -Message ($script:Strings.SubscriptionNotFound -f $SubscriptionName, $context.TenantId, '-') -ErrorId 'SubscriptionNotFound' -Category ObjectNotFound -TargetObject $SubscriptionName))
            }
        }
        $subs
    }
}
