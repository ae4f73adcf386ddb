function Get-AzureRmResource {
    <#
    .SYNOPSIS
    Gets an Azure Resource Manager resource, or every resource of a collection, as AzureRM's Get-AzureRmResource did.

    .DESCRIPTION
    Sends GET {arm}/{ResourceId}?{ODataQuery&}api-version={ApiVersion}. When the answer
    has a "value" array (a collection such as .../registrations/{name}/customerSubscriptions),
    every item is written and the nextLink pages are followed to the end (empty pages and
    an empty answer are fine: nothing is written for an empty collection). Otherwise the
    one resource is written. -ExpandProperties reads each item of a collection again by
    its ID.

    Errors are terminating: ErrorId = the ARM error code (CustomerSubscriptionNotFound,
    RegistrationNotFound, ...), message "{code} : {message}" with a hint, the
    x-ms-request-id and the correlation ID.

    .PARAMETER ResourceId
    The resource or collection ID, with or without a leading '/' (alias Id; binds by property name).
    .PARAMETER ResourceName
    BySubscriptionLevel: the resource name (names of every level separated by '/'); leave
    out the last level to list a collection. Alias Name.
    .PARAMETER ResourceType
    BySubscriptionLevel: the resource type with its namespace.
    .PARAMETER ExtensionResourceName
    BySubscriptionLevel: the name of an extension resource.
    .PARAMETER ExtensionResourceType
    BySubscriptionLevel: the type of an extension resource.
    .PARAMETER ResourceGroupName
    BySubscriptionLevel: the resource group.
    .PARAMETER ExpandProperties
    Read every item of a collection again by its ID (for providers whose lists leave properties out).
    .PARAMETER ApiVersion
    The api-version. When omitted: 2017-06-01 for Microsoft.AzureStack (said in -Verbose);
    for other namespaces the newest stable version the provider lists.
    .PARAMETER ODataQuery
    An OData query ($filter=...) put before api-version in the query string.
    .PARAMETER Pre
    When the API version is looked up, previews may be used.
    .PARAMETER DefaultProfile
    The context to use instead of the current one.

    .EXAMPLE
    Get-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions" -ApiVersion 2017-06-01

    Lists every customer subscription registered with the registration (all pages).
    .EXAMPLE
    Get-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01

    Gets one customer subscription mapping; a missing one is the terminating error CustomerSubscriptionNotFound.

    .OUTPUTS
    System.Management.Automation.PSObject (type names "<ResourceType with dots>", Microsoft.Azure.Resource), one per resource.

    .LINK
    New-AzureRmResource
    .LINK
    Remove-AzureRmResource
    .LINK
    Get-AzsCustomerSubscription
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByResourceId')]
    [OutputType([System.Management.Automation.PSObject])]
    param(
        [Parameter(ParameterSetName = 'ByResourceId', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('Id')]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceId,

        [Parameter(ParameterSetName = 'BySubscriptionLevel', ValueFromPipelineByPropertyName = $true)]
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

        [switch] $ExpandProperties,

        [ValidateNotNullOrEmpty()]
        [string] $ApiVersion,

        [ValidateNotNullOrEmpty()]
        [string] $ODataQuery,

        [switch] $Pre,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )
    process {
        $target = Resolve-AzsResourceCallTarget -Cmdlet $PSCmdlet -ResourceId $ResourceId -ResourceName $ResourceName -ResourceType $ResourceType `
            -ExtensionResourceName $ExtensionResourceName -ExtensionResourceType $ExtensionResourceType -ResourceGroupName $ResourceGroupName -DefaultProfile $DefaultProfile `
            -AllowCollection -AlwaysGetContext
        $id = $target.Id
        $call = Initialize-AzsResourceCall -Cmdlet $PSCmdlet -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile -ApiVersion $ApiVersion -Pre:$Pre
        $context = $call.Context
        $version = $call.Version

        # AZSREG_REQUEST_FOLLOW_PAGES: a 200 with a "value" array is read to the last nextLink.
        $r = Invoke-AzsResourceRequest -Cmdlet $PSCmdlet -Context $context -Method 'GET' -ResourceId $id -ApiVersion $version -ODataQuery $ODataQuery -Flags 1
        $answer = $null
        try { $answer = ConvertFrom-AzsJson -Json $r.Json }
        catch { Stop-AzsCommand -Cmdlet $PSCmdlet -ErrorId 'InvalidResponse' -Category ([System.Management.Automation.ErrorCategory]::InvalidResult) -TargetObject $id -Message $_.Exception.Message }
        if ($null -eq $answer) {
            $PSCmdlet.WriteVerbose("The service answered $($r.Status) without a body: nothing to write.")
            return
        }
        $value = $null
        $isList = $false
        if ($answer -is [System.Management.Automation.PSObject] -and $null -ne $answer.psobject.Properties['value'] -and $null -eq $answer.psobject.Properties['id']) {
            $value = $answer.psobject.Properties['value'].Value
            $isList = ($null -eq $value) -or ($value -is [array])
        }
        if (-not $isList) {
            ConvertTo-AzsResourceObject -InputObject $answer -ResourceId $id
            return
        }
        $count = 0
        foreach ($item in @($value)) {
            if ($null -eq $item) { continue }
            $count++
            $itemId = Get-AzsJsonMember $item 'id'
            if ($ExpandProperties -and -not [string]::IsNullOrEmpty($itemId)) {
                $one = Invoke-AzsResourceRequest -Cmdlet $PSCmdlet -Context $context -Method 'GET' -ResourceId $itemId -ApiVersion $version
                $full = ConvertFrom-AzsJson -Json $one.Json
                if ($null -ne $full) { $item = $full }
            }
            ConvertTo-AzsResourceObject -InputObject $item
        }
        $PSCmdlet.WriteVerbose("$count resource(s) in $id.")
    }
}
