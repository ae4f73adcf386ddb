function Get-AzsRegistration {
    <#
    .SYNOPSIS
    Gets Azure Stack registrations: one by resource ID or name, or all of a resource group or subscription.

    .DESCRIPTION
    Registrations live in public (or sovereign) Azure, under the subscription used when the
    Azure Stack deployment was registered; sign in to that cloud, not to the Azure Stack
    ARM. Each failure (for example RegistrationNotFound) is written as a non-terminating
    error and the next item is read.

    .PARAMETER ResourceId
    Registration resource ID(s): /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.AzureStack/registrations/{name}. Alias: Id.

    .PARAMETER SubscriptionId
    Subscription of the registration (default: the context's subscription).

    .PARAMETER ResourceGroupName
    Resource group of the registration (usually azurestack). Without it, every
    registration of the subscription is listed.

    .PARAMETER Name
    Registration name (for example AzureStack-<CloudId>). Without it, every registration
    of the resource group is listed.

    .PARAMETER DefaultProfile
    The context to use instead of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    $reg = Get-AzsRegistration -ResourceId /subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample

    .EXAMPLE
    Get-AzsRegistration -ResourceGroupName azurestack

    .OUTPUTS
    AzsRegistration.Registration

    .LINK
    Register-AzsCustomerSubscription

    .LINK
    Get-AzsCustomerSubscription
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByName')]
    [OutputType('AzsRegistration.Registration')]
    param(
        [Parameter(ParameterSetName = 'ByResourceId', Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Id')]
        [ValidateNotNullOrEmpty()]
        [string[]] $ResourceId,

        [Parameter(ParameterSetName = 'ByName', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $SubscriptionId,

        [Parameter(ParameterSetName = 'ByName', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceGroupName,

        [Parameter(ParameterSetName = 'ByName', ValueFromPipelineByPropertyName = $true)]
        [Alias('RegistrationName')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        $cmdlet = $PSCmdlet
        $context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $cmdlet
        $client = $context.Client
        if ($PSCmdlet.ParameterSetName -eq 'ByResourceId') {
            foreach ($id in $ResourceId) {
                $json = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $id -ScriptBlock { [AzsRegistration.Interop.Native]::RegistrationGet($client, $id) }
                if ($json) { ConvertTo-AzsRegistrationObject -Resource (ConvertFrom-Json -InputObject $json) }
            }
            return
        }
        $sub = $SubscriptionId
        if (-not $sub) { $sub = $context.SubscriptionId }
        if (-not $sub) {
            $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message 'No subscription: give -SubscriptionId (or -ResourceId), or select one with Set-AzureRmContext.' -ErrorId 'SubscriptionRequired' -Category InvalidArgument))
        }
        if ($Name -and -not $ResourceGroupName) {
            $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message '-Name needs -ResourceGroupName (registrations are usually in the resource group azurestack).' -ErrorId 'ResourceGroupRequired' -Category InvalidArgument -TargetObject $Name))
        }
        if ($Name) {
            $id = "/subscriptions/$sub/resourceGroups/$ResourceGroupName/providers/Microsoft.AzureStack/registrations/$Name"
            $json = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $id -ScriptBlock { [AzsRegistration.Interop.Native]::RegistrationGet($client, $id) }
            if ($json) { ConvertTo-AzsRegistrationObject -Resource (ConvertFrom-Json -InputObject $json) }
            return
        }
        $collection = "/subscriptions/$sub/providers/Microsoft.AzureStack/registrations"
        if ($ResourceGroupName) { $collection = "/subscriptions/$sub/resourceGroups/$ResourceGroupName/providers/Microsoft.AzureStack/registrations" }
        $json = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $collection -ScriptBlock {
            $status = 0
            [AzsRegistration.Interop.Native]::ResourceRequest($client, 'GET', $collection, [AzsRegistration.Interop.Native]::DefaultApiVersion(), $null, $null, [AzsRegistration.Interop.Native]::RequestFollowPages, [ref] $status)
        }
        if ([string]::IsNullOrWhiteSpace($json)) { return }
        $page = ConvertFrom-Json -InputObject $json
        foreach ($r in @(Get-AzsMemberValue $page 'value')) {
            if ($null -ne $r) { ConvertTo-AzsRegistrationObject -Resource $r }
        }
    }
}
