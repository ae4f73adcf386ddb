function New-AzureRmResource {
    <#
    .SYNOPSIS
    Creates (PUT) an Azure Resource Manager resource, as AzureRM's New-AzureRmResource did.

    .DESCRIPTION
    Sends PUT {arm}/{ResourceId}?{ODataQuery&}api-version={ApiVersion} with the body
    {"location","kind","sku","plan","tags","properties"} (camelCase, members that are not
    given are left out; no parameters gives {}). -IsFullObject sends -Properties as the
    whole body. -Properties is converted exactly: hashtables, ordered dictionaries and
    PSCustomObjects at any depth, arrays, booleans and numbers kept as JSON types, strings
    byte for byte. There is no GET before the PUT: the PUT overwrites.

    Without -Force it asks "Are you sure you want to create the following resource: <id>"
    and then ShouldProcess ("Creating the resource..."), as AzureRM did. -WhatIf never
    prompts and never sends anything. In a host that cannot prompt (Azure Automation,
    pwsh -NonInteractive), a missing -Force is the terminating error ConfirmationRequired.

    Long-running answers (201/202 with Azure-AsyncOperation or Location) are followed to
    the end by the library; 408/429/5xx and connection failures are retried (Retry-After
    honoured). An answer without a body (201) gives an object built from the request.

    For Microsoft.AzureStack customerSubscriptions IDs the customer subscription GUID is
    validated (nothing is sent when it is not a GUID) and sent in lowercase.

    Errors are terminating: ErrorId = the ARM error code (for example
    RegistrationNotFound), category CloseError for service errors, message
    "{code} : {message}" with a hint, the x-ms-request-id and the correlation ID.

    .PARAMETER ResourceId
    The full resource ID, with or without a leading '/', relative to the environment's
    Resource Manager endpoint (alias Id; binds by property name from the pipeline).
    Checked by the native library exactly as `azsreg request` checks it, before anything
    is sent: nothing is trimmed (a trailing newline or space is the error
    InvalidResourceId, naming it); in a customerSubscriptions ID the customer subscription
    ID must be a GUID (else InvalidCustomerSubscriptionId) and is sent in lowercase without
    braces, as the service asks (said in -Verbose).
    .PARAMETER ResourceName
    BySubscriptionLevel: the resource name; for child types the names of every level
    separated by '/' ("registration/customerSubscriptionId"). Alias Name.
    .PARAMETER ResourceType
    BySubscriptionLevel: the resource type with its namespace
    ("Microsoft.AzureStack/registrations/customerSubscriptions").
    .PARAMETER ExtensionResourceName
    BySubscriptionLevel: the name of an extension resource (on the resource above).
    .PARAMETER ExtensionResourceType
    BySubscriptionLevel: the type of an extension resource ("Microsoft.Authorization/locks").
    .PARAMETER ResourceGroupName
    BySubscriptionLevel: the resource group (omit for subscription-level resources).
    .PARAMETER Location
    The resource location ("location" in the body).
    .PARAMETER Kind
    The resource kind ("kind" in the body).
    .PARAMETER Properties
    The resource properties ("properties" in the body): a hashtable, ordered dictionary or
    PSCustomObject, nested at any depth. Alias PropertyObject.
    .PARAMETER Plan
    The plan ("plan" in the body), a hashtable. Alias PlanObject.
    .PARAMETER Sku
    The SKU ("sku" in the body), a hashtable. Alias SkuObject.
    .PARAMETER Tag
    Tags ("tags" in the body): a hashtable, or a list of @{Name=..;Value=..}. Alias Tags.
    .PARAMETER IsFullObject
    -Properties is the whole body (with location, properties, ...), sent as it is.
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
    Run in a thread job of this process (it sees the same sign-in); returns the job.
    .PARAMETER DefaultProfile
    The context to use (from Get-AzureRmContext or Connect-AzureRmAccount) instead of the current one.

    .EXAMPLE
    New-AzureRmResource -ResourceId "subscriptions/$regSub/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/$reg/customerSubscriptions/$customerSub" -ApiVersion 2017-06-01 -Properties @{ tenantId = $customerTenant } -Force

    Registers a CSP customer subscription with an Azure Stack registration (the documented call).
    .EXAMPLE
    New-AzureRmResource -ResourceType Microsoft.AzureStack/registrations/customerSubscriptions -ResourceGroupName azurestack -ResourceName "$reg/$customerSub" -Properties @{ tenantId = $customerTenant } -Force

    The same through the BySubscriptionLevel parameter set (subscription from the current context, api-version 2017-06-01).
    .EXAMPLE
    New-AzureRmResource -ResourceId $id -Properties @{ tenantId = $t } -WhatIf

    Shows what would be created; nothing is sent and nothing is asked.

    .OUTPUTS
    System.Management.Automation.PSObject (type names "<ResourceType with dots>", Microsoft.Azure.Resource):
    Name, ResourceId, ResourceName, ResourceType, ResourceGroupName, Location, SubscriptionId, Properties, ETag, ...
    With -AsJob: the job.

    .LINK
    Get-AzureRmResource
    .LINK
    Set-AzureRmResource
    .LINK
    Remove-AzureRmResource
    .LINK
    Register-AzsCustomerSubscription
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

        $requestBody = ConvertTo-AzsResourceBodyJson -Cmdlet $PSCmdlet -ResourceId $id -IsFullObject ([bool]$IsFullObject) `
            -HasProperties ($PSBoundParameters.ContainsKey('Properties')) -Properties $Properties -Location $Location -Kind $Kind -Sku $Sku -Plan $Plan -Tag $Tag
        $body = $requestBody.Json

        if (-not (Confirm-AzsResourceAction -Cmdlet $PSCmdlet -Force ([bool]$Force) -Target $id `
                    -ContinueMessage "Are you sure you want to create the following resource: $id" -ProcessMessage 'Creating the resource...')) {
            return
        }
        if ($AsJob) {
            Start-AzsResourceCommandJob -Cmdlet $PSCmdlet -BoundParameters $PSBoundParameters -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile
            return
        }

        $call = Initialize-AzsResourceCall -Cmdlet $PSCmdlet -ResourceId $id -Context $target.Context -DefaultProfile $DefaultProfile -ApiVersion $ApiVersion -Pre:$Pre
        $context = $call.Context
        $version = $call.Version
        Invoke-AzsResourceWrite -Cmdlet $PSCmdlet -Context $context -Method 'PUT' -ResourceId $id -ApiVersion $version -BodyJson $body -ODataQuery $ODataQuery
    }
}
