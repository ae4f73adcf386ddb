function Remove-AzureRmResource {
    <#
    .SYNOPSIS
    Removes (DELETE) an Azure Resource Manager resource, as AzureRM's Remove-AzureRmResource did.

    .DESCRIPTION
    Sends DELETE {arm}/{ResourceId}?{ODataQuery&}api-version={ApiVersion}, follows a
    long-running operation to the end, then writes $true. A resource that did not exist
    (204) is not an error, as in ARM.

    Without -Force it asks "Are you sure you want to delete the following resource: <id>"
    and then ShouldProcess ("Deleting the resource..."), as AzureRM did. -WhatIf never
    prompts and never sends anything. In a host that cannot prompt, a missing -Force is
    the terminating error ConfirmationRequired.

    For Microsoft.AzureStack customerSubscriptions IDs the customer subscription GUID is
    validated (nothing is sent when it is not a GUID) and sent in lowercase.

    .PARAMETER ResourceId
    The resource ID, with or without a leading '/' (alias Id; binds by property name from the pipeline).
    .PARAMETER ResourceName
    BySubscriptionLevel: the resource name (names of every level separated by '/'). Alias Name.
    .PARAMETER ResourceType
    BySubscriptionLevel: the resource type with its namespace.
    .PARAMETER ExtensionResourceName
    BySubscriptionLevel: the name of an extension resource.
    .PARAMETER ExtensionResourceType
    BySubscriptionLevel: the type of an extension resource.
    .PARAMETER ResourceGroupName
    BySubscriptionLevel: the resource group.
    .PARAMETER ApiVersion
    The api-version. When omitted: 2017-06-01 for Microsoft.AzureStack (said in -Verbose);
    for other namespaces the newest stable version the provider lists.
    .PARAMETER ODataQuery
    An OData query put before api-version in the query string.
    .PARAMETER Pre
    When the API version is looked up, previews may be used.
    .PARAMETER Force
    Do not ask for confirmation (what every runbook passes).
    .PARAMETER AsJob
    Run in a thread job of this process; returns the job.
    .PARAMETER DefaultProfile
    The context to use instead of the current one.

    .EXAMPLE
    Remove-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Force

    Removes a customer subscription from a registration (the documented call).
    .EXAMPLE
    Get-AzureRmResource -ResourceId "$registrationId/customerSubscriptions" -ApiVersion 2017-06-01 | Remove-AzureRmResource -ApiVersion 2017-06-01 -Force

    Removes every customer subscription of a registration (ResourceId binds from the pipeline).

    .OUTPUTS
    System.Boolean ($true), or the job with -AsJob.

    .LINK
    New-AzureRmResource
    .LINK
    Get-AzureRmResource
    .LINK
    Unregister-AzsCustomerSubscription
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByResourceId', SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType([bool])]
    param(
        [Parameter(ParameterSetName = 'ByResourceId', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Id')]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceId,

        [Parameter(ParameterSetName = 'BySubscriptionLevel', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Name')]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceName,

        [Parameter(ParameterSetName = 'BySubscriptionLevel', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceType,

        [Parameter(ParameterSetName = 'BySubscriptionLevel', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ExtensionResourceName,

        [Parameter(ParameterSetName = 'BySubscriptionLevel', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ExtensionResourceType,

        [Parameter(ParameterSetName = 'BySubscriptionLevel', ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceGroupName,

        [ValidateNotNullOrEmpty()]
        [string] $ApiVersion,

        [ValidateNotNullOrEmpty()]
        [string] $ODataQuery,

        [switch] $Pre,

        [switch] $Force,

        [switch] $AsJob,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )
    process {
        $target = Resolve-AzsResourceCallTarget -Cmdlet $PSCmdlet -ResourceId $ResourceId -ResourceName $ResourceName -ResourceType $ResourceType `
            -ExtensionResourceName $ExtensionResourceName -ExtensionResourceType $ExtensionResourceType -ResourceGroupName $ResourceGroupName -DefaultProfile $DefaultProfile
        $id = $target.Id

        if (-not (Confirm-AzsResourceAction -Cmdlet $PSCmdlet -Force ([bool]$Force) -Target $id `
                    -ContinueMessage "Are you sure you want to delete the following resource: $id" -ProcessMessage 'Deleting the resource...')) {
            return
        }
        if ($AsJob) {
            Start-AzsResourceCommandJob -Cmdlet $PSCmdlet -BoundParameters $PSBoundParameters -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile
            return
        }

        $call = Initialize-AzsResourceCall -Cmdlet $PSCmdlet -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile -ApiVersion $ApiVersion -Pre:$Pre
        $context = $call.Context
        $version = $call.Version
        $r = Invoke-AzsResourceRequest -Cmdlet $PSCmdlet -Context $context -Method 'DELETE' -ResourceId $id -ApiVersion $version -ODataQuery $ODataQuery
        if ($r.Status -eq 204) { $PSCmdlet.WriteVerbose("The service answered 204: '$id' did not exist.") }
        $true
    }
}
