function Set-AzureRmResource {
    <#
    .SYNOPSIS
    Modifies an Azure Resource Manager resource, as AzureRM's Set-AzureRmResource did.

    .DESCRIPTION
    Reads the resource (GET), replaces the members given (-Location, -Kind, -Sku, -Plan,
    -Tag, -Properties: each replaces that member as a whole) and writes it back (PUT)
    with the body {"location","kind","sku","plan","tags","properties"}. With
    -UsePatchSemantics only the given members are sent with PATCH. With -IsFullObject,
    -Properties is the whole body and is PUT without reading first. -Properties is
    converted exactly, as in New-AzureRmResource.

    Without -Force it asks "Are you sure you want to update the following resource: <id>"
    and then ShouldProcess ("Updating the resource..."). -WhatIf never prompts and never
    sends anything. In a host that cannot prompt, a missing -Force is the terminating
    error ConfirmationRequired. Errors are terminating, ErrorId = the ARM error code.

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
    .PARAMETER Location
    Replaces "location".
    .PARAMETER Kind
    Replaces "kind".
    .PARAMETER Properties
    Replaces "properties" (hashtable, ordered dictionary or PSCustomObject, any depth). Alias PropertyObject.
    .PARAMETER Plan
    Replaces "plan". Alias PlanObject.
    .PARAMETER Sku
    Replaces "sku". Alias SkuObject.
    .PARAMETER Tag
    Replaces "tags". Alias Tags.
    .PARAMETER IsFullObject
    -Properties is the whole body, PUT as it is (no GET first).
    .PARAMETER UsePatchSemantics
    Send only the given members with PATCH (no GET first).
    .PARAMETER ApiVersion
    The api-version. When omitted: 2017-06-01 for Microsoft.AzureStack (said in -Verbose);
    for other namespaces the newest stable version the provider lists.
    .PARAMETER ODataQuery
    An OData query put before api-version in the query string.
    .PARAMETER Pre
    When the API version is looked up, previews may be used.
    .PARAMETER Force
    Do not ask for confirmation.
    .PARAMETER AsJob
    Run in a thread job of this process; returns the job.
    .PARAMETER DefaultProfile
    The context to use instead of the current one.

    .EXAMPLE
    Set-AzureRmResource -ResourceId "$registrationId/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Properties @{ tenantId = $newTenant } -Force

    Points a registered customer subscription at another tenant.

    .OUTPUTS
    System.Management.Automation.PSObject (type names "<ResourceType with dots>", Microsoft.Azure.Resource), or the job with -AsJob.

    .LINK
    New-AzureRmResource
    .LINK
    Get-AzureRmResource
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByResourceId', SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType([System.Management.Automation.PSObject])]
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

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $Location,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $Kind,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('PropertyObject')]
        [AllowNull()]
        [psobject] $Properties,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('PlanObject')]
        [hashtable] $Plan,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('SkuObject')]
        [hashtable] $Sku,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('Tags')]
        [object] $Tag,

        [switch] $IsFullObject,

        [switch] $UsePatchSemantics,

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

        # Checked now so that bad -Properties fail before anything is asked or sent.
        $requestBody = ConvertTo-AzsResourceBodyJson -Cmdlet $PSCmdlet -ResourceId $id -IsFullObject ([bool]$IsFullObject) `
            -HasProperties ($PSBoundParameters.ContainsKey('Properties')) -Properties $Properties -Location $Location -Kind $Kind -Sku $Sku -Plan $Plan -Tag $Tag
        $body = $requestBody.Json

        if (-not (Confirm-AzsResourceAction -Cmdlet $PSCmdlet -Force ([bool]$Force) -Target $id `
                    -ContinueMessage "Are you sure you want to update the following resource: $id" -ProcessMessage 'Updating the resource...')) {
            return
        }
        if ($AsJob) {
            Start-AzsResourceCommandJob -Cmdlet $PSCmdlet -BoundParameters $PSBoundParameters -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile
            return
        }

        $call = Initialize-AzsResourceCall -Cmdlet $PSCmdlet -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile -ApiVersion $ApiVersion -Pre:$Pre
        $context = $call.Context
        $version = $call.Version
        $method = 'PUT'
        if ($UsePatchSemantics -and -not $IsFullObject) {
            $method = 'PATCH'
        }
        elseif (-not $IsFullObject) {
            # PUT semantics: read the resource, replace the members given, write it back.
            $current = Invoke-AzsResourceRequest -Cmdlet $PSCmdlet -Context $context -Method 'GET' -ResourceId $id -ApiVersion $version -ODataQuery $ODataQuery
            $existing = ConvertFrom-AzsJson -Json $current.Json
            $merged = New-Object System.Collections.Specialized.OrderedDictionary
            $map = [ordered]@{ location = 'Location'; kind = 'Kind'; sku = 'Sku'; plan = 'Plan'; tags = 'Tag'; properties = 'Properties' }
            foreach ($member in $map.Keys) {
                if ($requestBody.Members.ContainsKey($map[$member])) {
                    if ($member -eq 'tags') { $merged[$member] = ConvertTo-AzsTagObject -Tag $requestBody.Members['Tag'] }
                    else { $merged[$member] = $requestBody.Members[$map[$member]] }
                }
                else {
                    $old = Get-AzsJsonMember $existing $member
                    if ($null -ne $old) { $merged[$member] = $old }
                }
                if ($null -eq $merged[$member]) { $merged.Remove($member) }
            }
            $body = ConvertTo-AzsJson -InputObject $merged
        }
        Invoke-AzsResourceWrite -Cmdlet $PSCmdlet -Context $context -Method $method -ResourceId $id -ApiVersion $version -BodyJson $body -ODataQuery $ODataQuery
    }
}
