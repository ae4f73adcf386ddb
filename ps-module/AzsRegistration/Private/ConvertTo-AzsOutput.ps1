$script:AzsRegistrationIdPattern = '^/?subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.AzureStack/registrations/(?<name>[^/]+)$'
$script:AzsCustomerIdPattern = '^/?subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.AzureStack/registrations/(?<name>[^/]+)/customerSubscriptions/(?<cust>[^/]+)$'

function Get-AzsMemberValue {
    <#
    .SYNOPSIS
    A member of an object read from JSON, or $null when absent (works under strict mode).
    #>
    param([object] $Object, [string] $Name)
    if ($null -eq $Object) { return $null }
    $p = $Object.PSObject.Properties[$Name]
    if (-not $p) { return $null }
    $v = $p.Value
    # Arrays from ConvertFrom-Json come wrapped in a PSObject that output does not
    # enumerate: write the items one by one (callers collect them with @()).
    if ($v -is [System.Collections.IList]) {
        foreach ($item in $v) { $item }
        return
    }
    return $v
}

function ConvertTo-AzsRegistrationObject {
    <#
    .SYNOPSIS
    A registration (GET .../registrations/{name}) as an AzsRegistration.Registration object.
    #>
    param([Parameter(Mandatory)] [object] $Resource)
    $id = [string](Get-AzsMemberValue $Resource 'id')
    $sub = $null; $rg = $null; $name = [string](Get-AzsMemberValue $Resource 'name')
    $m = [regex]::Match($id, $script:AzsRegistrationIdPattern, 'IgnoreCase')
    if ($m.Success) {
        $sub = $m.Groups['sub'].Value
        $rg = $m.Groups['rg'].Value
        if (-not $name) { $name = $m.Groups['name'].Value }
    }
    $props = Get-AzsMemberValue $Resource 'properties'
    [pscustomobject]@{
        PSTypeName        = 'AzsRegistration.Registration'
        Name              = $name
        ResourceGroupName = $rg
        SubscriptionId    = $sub
        ResourceId        = $id
        Location          = Get-AzsMemberValue $Resource 'location'
        BillingModel      = Get-AzsMemberValue $props 'billingModel'
        CloudId           = Get-AzsMemberValue $props 'cloudId'
        ObjectId          = Get-AzsMemberValue $props 'objectId'
        ETag              = Get-AzsMemberValue $Resource 'etag'
        Properties        = $props
    }
}

function ConvertTo-AzsCustomerSubscriptionObject {
    <#
    .SYNOPSIS
    A customer subscription mapping as an AzsRegistration.CustomerSubscription object.
    #>
    param(
        [Parameter(Mandatory)] [object] $Resource,
        [string] $RegistrationId
    )
    $id = [string](Get-AzsMemberValue $Resource 'id')
    $props = Get-AzsMemberValue $Resource 'properties'
    $cust = $null; $regName = $null; $rg = $null; $regSub = $null
    $m = [regex]::Match($id, $script:AzsCustomerIdPattern, 'IgnoreCase')
    if ($m.Success) {
        $cust = $m.Groups['cust'].Value.ToLowerInvariant()
        $regSub = $m.Groups['sub'].Value
        $rg = $m.Groups['rg'].Value
        $regName = $m.Groups['name'].Value
        if (-not $RegistrationId) {
            $RegistrationId = "/subscriptions/$regSub/resourceGroups/$rg/providers/Microsoft.AzureStack/registrations/$regName"
        }
    }
    elseif ($RegistrationId) {
        $r = [regex]::Match($RegistrationId, $script:AzsRegistrationIdPattern, 'IgnoreCase')
        if ($r.Success) { $regSub = $r.Groups['sub'].Value; $rg = $r.Groups['rg'].Value; $regName = $r.Groups['name'].Value }
        $n = [string](Get-AzsMemberValue $Resource 'name')
        if ($n -match '/(?<c>[^/]+)$') { $cust = $Matches['c'].ToLowerInvariant() }
    }
    [pscustomobject]@{
        PSTypeName                 = 'AzsRegistration.CustomerSubscription'
        CustomerSubscriptionId     = $cust
        TenantId                   = Get-AzsMemberValue $props 'tenantId'
        RegistrationName           = $regName
        ResourceGroupName          = $rg
        RegistrationSubscriptionId = $regSub
        RegistrationId             = $RegistrationId
        ResourceId                 = $id
        Name                       = Get-AzsMemberValue $Resource 'name'
        ResourceType               = Get-AzsMemberValue $Resource 'type'
        ETag                       = Get-AzsMemberValue $Resource 'etag'
        Properties                 = $props
    }
}

function Resolve-AzsRegistrationId {
    <#
    .SYNOPSIS
    The registration resource ID from an object (Get-AzsRegistration output, or anything
    with ResourceId / Id / RegistrationId) or a string; $null when it is not one. The
    library decides what a registration ID is (azsreg_registration_id_parse, as the CLI's
    --registration): nothing is trimmed.
    #>
    param([object] $Registration)
    if ($null -eq $Registration) { return $null }
    $value = $Registration
    if ($value -isnot [string]) {
        foreach ($n in @('RegistrationId', 'ResourceId', 'Id')) {
            $v = Get-AzsMemberValue $Registration $n
            if ($v -is [string] -and $v) {
                if ($n -ne 'RegistrationId' -or [AzsRegistration.Interop.Native]::CheckRegistrationId($v).Ok) { $value = $v; break }
            }
        }
    }
    if ($value -isnot [string]) { return $null }
    if (-not [AzsRegistration.Interop.Native]::CheckRegistrationId($value).Ok) { return $null }
    if (-not $value.StartsWith('/')) { $value = '/' + $value }
    $value
}

function Get-AzsRegistrationInvalidMessage {
    <#
    .SYNOPSIS
    The message of InvalidRegistration: what the module expects, and for a string the
    library's reason (the same one the CLI prints for --registration).
    #>
    param([object] $Registration)
    $message = $script:Strings.RegistrationInvalid -f $Registration
    if ($Registration -is [string]) {
        $decision = [AzsRegistration.Interop.Native]::CheckRegistrationId($Registration)
        if (-not $decision.Ok) { $message = $message + ' (' + $decision.Message + ')' }
    }
    $message
}

function ConvertTo-AzsEnvironmentObject {
    <#
    .SYNOPSIS
    Environment JSON (azsreg_environment_to_json) as an AzsRegistration.Interop.AzsEnvironment
    with AzureRM's PSAzureEnvironment member names. Type is "User-defined" for every
    environment added with Add-AzureRmEnvironment, a built-in name overridden included.
    #>
    param([Parameter(Mandatory)] [string] $Json)
    [AzsRegistration.Interop.AzsEnvironment]::FromJson($Json)
}

function New-AzsAccountObject {
    <#
    .SYNOPSIS
    The Account of a context (AzsRegistration.Interop.AzsAccount): Id, Type, Tenants, ExtendedProperties.
    #>
    param(
        [Parameter(Mandatory)] [string] $Id,
        [Parameter(Mandatory)] [ValidateSet('ServicePrincipal', 'User', 'ManagedService', 'AccessToken')] [string] $Type,
        [string] $TenantId,
        [hashtable] $ExtendedProperties
    )
    $account = New-Object AzsRegistration.Interop.AzsAccount -ArgumentList $Id
    $account.Type = $Type
    if ($TenantId) {
        $account.Tenants = [string[]]@($TenantId)
        $account.ExtendedProperties['Tenants'] = $TenantId
    }
    if ($ExtendedProperties) {
        foreach ($k in $ExtendedProperties.Keys) { if ($null -ne $ExtendedProperties[$k]) { $account.ExtendedProperties[$k] = [string]$ExtendedProperties[$k] } }
    }
    $account
}

function New-AzsProfileObject {
    <#
    .SYNOPSIS
    What Connect-AzureRmAccount / Set-AzureRmContext return: an AzureRM-PSAzureProfile-like object with .Context.
    #>
    param([Parameter(Mandatory)] [AzsRegistration.Interop.AzsContext] $Context)
    [pscustomobject]@{
        PSTypeName = 'AzsRegistration.Profile'
        Context    = $Context
    }
}
