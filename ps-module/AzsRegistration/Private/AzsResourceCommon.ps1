# Shared steps of New-/Get-/Set-/Remove-AzureRmResource: resource IDs, the request body, API versions,
# confirmation (AzureRM's ShouldContinue + ShouldProcess, with -WhatIf first), the native
# request, and -AsJob.

# Every registration document and runbook uses 2017-06-01; the service accepts it for
# every Microsoft.AzureStack type, so no provider lookup is made for this namespace. The
# version itself comes from the library (azsreg_default_api_version), read on first use.
$script:AzsDefaultApiVersionNamespaces = @('Microsoft.AzureStack')
$script:AzsApiVersionCache = @{}

function Test-AzsCustomerSubscriptionId {
    <#
    .SYNOPSIS
    The library's rule for a customer subscription ID (azsreg_guid_normalize, as the CLI's
    --customer-subscription): returns the lowercase GUID without braces; otherwise writes
    the non-terminating error InvalidCustomerSubscriptionId (the ErrorId New-AzureRmResource
    uses for the same mistake) with the library's message and returns $null, before
    anything is sent. Nothing is trimmed: a trailing newline or space is refused, named.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [AllowEmptyString()] [string] $Id
    )
    $decision = [AzsRegistration.Interop.Native]::CheckGuid($Id, 'customer subscription ID')
    if ($decision.Ok) { return $decision.Value }
    $Cmdlet.WriteError((New-AzsErrorRecord -Message ($script:Strings.CustomerIdInvalid -f $decision.Message) -ErrorId 'InvalidCustomerSubscriptionId' -Category InvalidArgument -TargetObject $Id))
    return $null
}

function Stop-AzsCommand {
    # Throws a terminating error from the calling command.
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Message,
        [Parameter(Mandatory = $true)] [string] $ErrorId,
        [System.Management.Automation.ErrorCategory] $Category = [System.Management.Automation.ErrorCategory]::InvalidArgument,
        [object] $TargetObject
    )
    $Cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message $Message -ErrorId $ErrorId -Category $Category -TargetObject $TargetObject))
}

function Build-AzsResourceId {
    <#
    .SYNOPSIS
    The resource ID of the BySubscriptionLevel parameter set, as AzureRM built it:
    /subscriptions/{sub}[/resourceGroups/{rg}]/providers/{ns}/{type1}/{name1}/{type2}/{name2}...
    [/providers/{extNs}/{extType}/{extName}...]. Names are split on '/' and interleaved
    with the type segments; with -AllowCollection the name may have one segment fewer
    than the type (a collection, for Get).
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $SubscriptionId,
        [string] $ResourceGroupName,
        [Parameter(Mandatory = $true)] [string] $ResourceType,
        [string] $ResourceName,
        [string] $ExtensionResourceType,
        [string] $ExtensionResourceName,
        [switch] $AllowCollection
    )
    $sb = [System.Text.StringBuilder]::new()
    [void]$sb.Append('/subscriptions/').Append($SubscriptionId)
    if (-not [string]::IsNullOrEmpty($ResourceGroupName)) { [void]$sb.Append('/resourceGroups/').Append($ResourceGroupName) }
    $pairs = @(, @($ResourceType, $ResourceName, '-ResourceType', '-ResourceName'))
    if (-not [string]::IsNullOrEmpty($ExtensionResourceType)) {
        $pairs += , @($ExtensionResourceType, $ExtensionResourceName, '-ExtensionResourceType', '-ExtensionResourceName')
    }
    elseif (-not [string]::IsNullOrEmpty($ExtensionResourceName)) {
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'InvalidResourceType' -TargetObject $ExtensionResourceName `
            -Message '-ExtensionResourceName needs -ExtensionResourceType (for example Microsoft.Authorization/locks).'
    }
    for ($pi = 0; $pi -lt $pairs.Count; $pi++) {
        $type = $pairs[$pi][0]; $names = $pairs[$pi][1]
        $typeSegs = @($type.Trim('/').Split('/') | Where-Object { $_ -ne '' })
        if ($typeSegs.Count -lt 2) {
            Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'InvalidResourceType' -TargetObject $type `
                -Message "$($pairs[$pi][2]) '$type' must be '{provider namespace}/{type}[/{child type}...]', for example Microsoft.AzureStack/registrations/customerSubscriptions."
        }
        $nameSegs = @()
        if (-not [string]::IsNullOrEmpty($names)) { $nameSegs = @($names.Trim('/').Split('/')) }
        $need = $typeSegs.Count - 1
        $isLast = ($pi -eq $pairs.Count - 1)
        $okCount = ($nameSegs.Count -eq $need) -or ($AllowCollection -and $isLast -and $nameSegs.Count -eq $need - 1)
        if (-not $okCount -or @($nameSegs | Where-Object { $_ -eq '' }).Count -gt 0) {
            Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'InvalidResourceName' -TargetObject $names `
                -Message "$($pairs[$pi][3]) '$names' must have $need name(s) separated by '/' for $($pairs[$pi][2]) '$type' (one per type after the namespace, e.g. 'registration/customerSubscriptionId' for Microsoft.AzureStack/registrations/customerSubscriptions)."
        }
        [void]$sb.Append('/providers/').Append($typeSegs[0])
        for ($t = 1; $t -lt $typeSegs.Count; $t++) {
            [void]$sb.Append('/').Append($typeSegs[$t])
            if ($t - 1 -lt $nameSegs.Count) { [void]$sb.Append('/').Append($nameSegs[$t - 1]) }
        }
    }
    return $sb.ToString()
}

function Resolve-AzsResourceIdInput {
    <#
    .SYNOPSIS
    Checks a resource ID given by the user with the library's rule
    (azsreg_resource_id_normalize, the same as `azsreg request`): used as given (with or
    without leading '/'), nothing trimmed; in a Microsoft.AzureStack customerSubscriptions
    ID the customer subscription GUID must be a GUID and is sent in lowercase without
    braces (said in -Verbose). Refusals: InvalidCustomerSubscriptionId for that GUID,
    InvalidResourceId for anything else, with the library's message. Returns the ID to send.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [AllowEmptyString()] [string] $ResourceId
    )
    if ([string]::IsNullOrEmpty($ResourceId)) {
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'InvalidResourceId' -TargetObject $ResourceId -Message '-ResourceId is empty.'
    }
    $decision = [AzsRegistration.Interop.Native]::CheckResourceId($ResourceId)
    if (-not $decision.Ok) {
        $errorId = 'InvalidResourceId'
        if ($decision.Target -eq 'customerSubscriptionId') { $errorId = 'InvalidCustomerSubscriptionId' }
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId $errorId -TargetObject $ResourceId -Message ($script:Strings.ResourceIdInvalid -f $decision.Message)
    }
    if ($decision.Value -cne $ResourceId) {
        # Only the customer subscription GUID (the last segment) is ever changed.
        $Cmdlet.WriteVerbose(($script:Strings.CustomerIdLowercase -f $ResourceId.Split('/')[-1], $decision.Value.Split('/')[-1]))
    }
    return $decision.Value
}

function Invoke-AzsResourceRequest {
    <#
    .SYNOPSIS
    One generic ARM request through the native library (retries, LRO, paging as flagged).
    Returns @{ Json; Status }. Failures become terminating errors of the calling command
    (ErrorId = ARM code, message "{code} : {message}" + hint + request / correlation IDs).
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] $Context,
        [Parameter(Mandatory = $true)] [string] $Method,
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        [Parameter(Mandatory = $true)] [string] $ApiVersion,
        $BodyJson,
        $ODataQuery,
        [uint32] $Flags = 0
    )
    # PowerShell passes $null to a .NET string parameter as ""; [NullString]::Value is a real null.
    if ([string]::IsNullOrEmpty($ODataQuery)) { $ODataQuery = [NullString]::Value } else { $ODataQuery = [string]$ODataQuery }
    if ($null -eq $BodyJson) { $BodyJson = [NullString]::Value } else { $BodyJson = [string]$BodyJson }
    $call = {
        $azsStatus = 0
        $azsJson = [AzsRegistration.Interop.Native]::ResourceRequest($Context.Client, $Method, $ResourceId, $ApiVersion, $BodyJson, $ODataQuery, $Flags, [ref]$azsStatus)
        [pscustomobject]@{ Json = $azsJson; Status = $azsStatus }
    }.GetNewClosure()
    Invoke-AzsNative -Cmdlet $Cmdlet -TargetObject $ResourceId -ScriptBlock $call
}

function Resolve-AzsApiVersion {
    <#
    .SYNOPSIS
    The API version to use when -ApiVersion is not given. Microsoft.AzureStack: 2017-06-01
    (said in -Verbose). Other namespaces: the newest stable version of the type read from
    /subscriptions/{sub}/providers/{namespace}?api-version=2016-07-01 (as AzureRM did;
    -Pre allows previews), cached for an hour per process.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        [switch] $Pre,
        [Parameter(Mandatory = $true)] $Context
    )
    $parts = Get-AzsResourceIdParts -ResourceId $ResourceId
    $ns = $parts.Namespace
    $typePath = $parts.TypePath
    if (-not [string]::IsNullOrEmpty($parts.ExtensionResourceType)) {
        $i = $parts.ExtensionResourceType.IndexOf('/')
        $ns = $parts.ExtensionResourceType.Substring(0, $i)
        $typePath = $parts.ExtensionResourceType.Substring($i + 1)
    }
    if ([string]::IsNullOrEmpty($ns)) {
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'ApiVersionRequired' -TargetObject $ResourceId `
            -Message "No -ApiVersion given and '$ResourceId' names no provider namespace to look one up for; pass -ApiVersion."
    }
    foreach ($k in $script:AzsDefaultApiVersionNamespaces) {
        if ($k -eq $ns) {
            $v = [AzsRegistration.Interop.Native]::DefaultApiVersion()
            $Cmdlet.WriteVerbose("No -ApiVersion given: using $v for $ns (the version the Azure Stack registration documents use).")
            return $v
        }
    }
    $context = $Context
    $sub = $parts.SubscriptionId
    if ([string]::IsNullOrEmpty($sub)) { $sub = $context.SubscriptionId }
    $key = ('{0}|{1}|{2}|{3}' -f $context.Environment, $ns, $typePath, [bool]$Pre).ToLowerInvariant()
    $cached = $script:AzsApiVersionCache[$key]
    if ($null -ne $cached -and $cached.Expires -gt [datetime]::UtcNow) {
        $Cmdlet.WriteVerbose("No -ApiVersion given: using $($cached.Version) for $ns/$typePath (cached).")
        return $cached.Version
    }
    $r = Invoke-AzsResourceRequest -Cmdlet $Cmdlet -Context $context -Method 'GET' -ResourceId "subscriptions/$sub/providers/$ns" -ApiVersion '2016-07-01'
    $provider = ConvertFrom-AzsJson -Json $r.Json
    $versions = @()
    foreach ($rt in @(Get-AzsJsonMember $provider 'resourceTypes')) {
        if ((Get-AzsJsonMember $rt 'resourceType') -eq $typePath) { $versions = @(Get-AzsJsonMember $rt 'apiVersions') }
    }
    $pick = @($versions | Where-Object { $Pre -or ([string]$_ -notmatch '-(preview|alpha|beta|privatepreview)$') } | Sort-Object -Descending)
    if ($pick.Count -eq 0) {
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'ApiVersionNotFound' -TargetObject $ResourceId -Category ObjectNotFound `
            -Message "No -ApiVersion given and provider $ns lists no$(if (-not $Pre) { ' stable' }) API version for type '$typePath'; pass -ApiVersion (or -Pre to allow previews)."
    }
    $version = [string]$pick[0]
    $script:AzsApiVersionCache[$key] = @{ Version = $version; Expires = [datetime]::UtcNow.AddHours(1) }
    $Cmdlet.WriteVerbose("No -ApiVersion given: using $version for $ns/$typePath (newest$(if (-not $Pre) { ' stable' }) version the provider lists).")
    return $version
}

function Confirm-AzsResourceAction {
    <#
    .SYNOPSIS
    AzureRM's confirmation: without -Force a ShouldContinue prompt ("Are you sure you want
    to ... the following resource: <id>"), then ShouldProcess(<id>, <action>). Unlike
    AzureRM, -WhatIf is handled first and never prompts. In a host that cannot prompt,
    a missing -Force is the terminating error ConfirmationRequired. Returns $true to go on.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Target,
        [Parameter(Mandatory = $true)] [string] $ContinueMessage,
        [Parameter(Mandatory = $true)] [string] $ProcessMessage,
        [bool] $Force
    )
    $whatIf = $false
    if ($Cmdlet.MyInvocation.BoundParameters.ContainsKey('WhatIf')) { $whatIf = [bool]$Cmdlet.MyInvocation.BoundParameters['WhatIf'] }
    else { $whatIf = [bool]$Cmdlet.SessionState.PSVariable.GetValue('WhatIfPreference') }
    if ($whatIf) {
        [void]$Cmdlet.ShouldProcess($Target, $ProcessMessage)
        return $false
    }
    if (-not $Force) {
        $commandName = $Cmdlet.MyInvocation.MyCommand.Name
        $needForce = "$commandName needs confirmation to go on ('$ContinueMessage'), but this host cannot prompt (non-interactive). Add -Force to run it without asking, or -WhatIf to see what it would do."
        if (-not (Test-AzsInteractiveHost)) {
            Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'ConfirmationRequired' -Category ([System.Management.Automation.ErrorCategory]::InvalidOperation) -TargetObject $Target -Message $needForce
        }
        $answer = $false
        try {
            $answer = $Cmdlet.ShouldContinue($ContinueMessage, '')
        }
        catch [System.Management.Automation.PipelineStoppedException] {
            throw
        }
        catch [System.Management.Automation.Host.HostException] {
            Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'ConfirmationRequired' -Category ([System.Management.Automation.ErrorCategory]::InvalidOperation) -TargetObject $Target -Message $needForce
        }
        catch [System.Management.Automation.PSInvalidOperationException] {
            Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'ConfirmationRequired' -Category ([System.Management.Automation.ErrorCategory]::InvalidOperation) -TargetObject $Target -Message $needForce
        }
        if (-not $answer) { return $false }
    }
    return $Cmdlet.ShouldProcess($Target, $ProcessMessage)
}

function Start-AzsResourceJob {
    <#
    .SYNOPSIS
    -AsJob: runs the command again in a thread job of this process (so it sees the same
    contexts), with -Force (confirmation was already asked here) and without -AsJob.
    Returns the job.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [hashtable] $Parameters
    )
    $startThreadJob = Get-Command -Name 'Start-ThreadJob' -CommandType Cmdlet, Function -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $startThreadJob) {
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'ThreadJobNotAvailable' -Category ([System.Management.Automation.ErrorCategory]::NotInstalled) `
            -Message '-AsJob runs the command in a thread job: install the ThreadJob module (Install-Module ThreadJob) on Windows PowerShell 5.1; PowerShell 7 has it built in.'
    }
    $p = @{}
    foreach ($k in $Parameters.Keys) {
        if ($k -ne 'AsJob' -and $k -ne 'Confirm' -and $k -ne 'WhatIf') { $p[$k] = $Parameters[$k] }
    }
    if ($Cmdlet.MyInvocation.MyCommand.Parameters.ContainsKey('Force')) { $p['Force'] = $true }
    $manifest = Join-Path $Cmdlet.MyInvocation.MyCommand.Module.ModuleBase 'AzsRegistration.psd1'
    $name = $Cmdlet.MyInvocation.MyCommand.Name
    & $startThreadJob -Name "$name" -ArgumentList $manifest, $name, $p -ScriptBlock {
        param($manifestPath, $commandName, $parameters)
        Import-Module -Name $manifestPath
        & "AzsRegistration\$commandName" @parameters -Confirm:$false
    }
}


function Resolve-AzsResourceCallTarget {
    <#
    .SYNOPSIS
    The start of New-/Get-/Set-/Remove-AzureRmResource's process block: BySubscriptionLevel
    builds the ID from the context's subscription (ByResourceId takes -ResourceId), then
    Resolve-AzsResourceIdInput checks it. The context is read only when the ID needs it,
    or always with -AlwaysGetContext (Get). Returns @{ Id; Context } (Context may be $null).
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [string] $ResourceId,
        [string] $ResourceName,
        [string] $ResourceType,
        [string] $ExtensionResourceName,
        [string] $ExtensionResourceType,
        [string] $ResourceGroupName,
        [object] $DefaultProfile,
        [switch] $AllowCollection,
        [switch] $AlwaysGetContext
    )
    $context = $null
    $bySubscriptionLevel = ($Cmdlet.ParameterSetName -eq 'BySubscriptionLevel')
    if ($AlwaysGetContext -or $bySubscriptionLevel) {
        $context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $Cmdlet
    }
    if ($bySubscriptionLevel) {
        $id = Build-AzsResourceId -Cmdlet $Cmdlet -SubscriptionId $context.SubscriptionId -ResourceGroupName $ResourceGroupName `
            -ResourceType $ResourceType -ResourceName $ResourceName -ExtensionResourceType $ExtensionResourceType -ExtensionResourceName $ExtensionResourceName `
            -AllowCollection:$AllowCollection
    }
    else {
        $id = $ResourceId
    }
    $id = Resolve-AzsResourceIdInput -Cmdlet $Cmdlet -ResourceId $id
    return [pscustomobject]@{ Id = $id; Context = $context }
}

function ConvertTo-AzsResourceBodyJson {
    <#
    .SYNOPSIS
    The request body of New-/Set-AzureRmResource from the members given (-Properties only
    when it was bound, the others when set). Bad -Properties are the terminating error
    InvalidProperties, before anything is asked or sent. Returns @{ Members; Json }:
    Members = the arguments given to ConvertTo-AzsJsonBody (Set merges them), Json = the body.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        [bool] $IsFullObject,
        [bool] $HasProperties,
        [AllowNull()] [psobject] $Properties,
        [string] $Location,
        [string] $Kind,
        [hashtable] $Sku,
        [hashtable] $Plan,
        [object] $Tag
    )
    $bodyArgs = @{ IsFullObject = $IsFullObject }
    if ($HasProperties) { $bodyArgs['Properties'] = $Properties }
    if ($Location) { $bodyArgs['Location'] = $Location }
    if ($Kind) { $bodyArgs['Kind'] = $Kind }
    if ($null -ne $Sku) { $bodyArgs['Sku'] = $Sku }
    if ($null -ne $Plan) { $bodyArgs['Plan'] = $Plan }
    if ($null -ne $Tag) { $bodyArgs['Tag'] = $Tag }
    $body = $null
    try {
        $body = ConvertTo-AzsJsonBody @bodyArgs
    }
    catch {
        Stop-AzsCommand -Cmdlet $Cmdlet -ErrorId 'InvalidProperties' -TargetObject $ResourceId -Message $_.Exception.Message
    }
    return [pscustomobject]@{ Members = $bodyArgs; Json = $body }
}

function Start-AzsResourceCommandJob {
    <#
    .SYNOPSIS
    -AsJob of New-/Set-/Remove-AzureRmResource: the bound parameters, with the
    BySubscriptionLevel ones replaced by the -ResourceId built here and the context read
    here passed as -DefaultProfile (when none was given), go to Start-AzsResourceJob.
    Returns the job.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] $BoundParameters,
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        $Context,
        [object] $DefaultProfile
    )
    $p = @{} + $BoundParameters
    if ($Cmdlet.ParameterSetName -eq 'BySubscriptionLevel') {
        foreach ($k in @('ResourceName', 'ResourceType', 'ExtensionResourceName', 'ExtensionResourceType', 'ResourceGroupName')) { [void]$p.Remove($k) }
        $p['ResourceId'] = $ResourceId
    }
    if ($null -eq $DefaultProfile -and $null -ne $Context) { $p['DefaultProfile'] = $Context }
    Start-AzsResourceJob -Cmdlet $Cmdlet -Parameters $p
}

function Initialize-AzsResourceCall {
    <#
    .SYNOPSIS
    Before the request of New-/Get-/Set-/Remove-AzureRmResource: the context (the one given,
    or read now) and the API version (-ApiVersion, or Resolve-AzsApiVersion).
    Returns @{ Context; Version }.
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        $Context,
        [object] $DefaultProfile,
        [string] $ApiVersion,
        [switch] $Pre
    )
    if ($null -eq $Context) { $Context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $Cmdlet }
    $version = $ApiVersion
    if (-not $version) { $version = Resolve-AzsApiVersion -Cmdlet $Cmdlet -ResourceId $ResourceId -Pre:$Pre -Context $Context }
    return [pscustomobject]@{ Context = $Context; Version = $version }
}

function Invoke-AzsResourceWrite {
    <#
    .SYNOPSIS
    The PUT/PATCH of New-/Set-AzureRmResource and its output: the resource from the answer,
    or, when the service answered without a body (201), an object built from the request
    (said in -Verbose).
    #>
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] $Context,
        [Parameter(Mandatory = $true)] [string] $Method,
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        [Parameter(Mandatory = $true)] [string] $ApiVersion,
        $BodyJson,
        $ODataQuery
    )
    $r = Invoke-AzsResourceRequest -Cmdlet $Cmdlet -Context $Context -Method $Method -ResourceId $ResourceId -ApiVersion $ApiVersion -BodyJson $BodyJson -ODataQuery $ODataQuery
    if ([string]::IsNullOrWhiteSpace($r.Json)) {
        $Cmdlet.WriteVerbose("The service answered $($r.Status) without a body; the object below is built from the request.")
        New-AzsResourceFromRequest -ResourceId $ResourceId -BodyJson $BodyJson
    }
    else {
        ConvertTo-AzsResourceObject -InputObject $r.Json -ResourceId $ResourceId
    }
}
