$script:AzsRegistrationIdPattern = '^/?subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.AzureStack/registrations/(?<name>[^/]+)$'
$script:AzsCustomerIdPattern = '^/?subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\.AzureStack/registrations/(?<name>[^/]+)/customerSubscriptions/(?<cust>[^/]+)$'

function Get-AzsJsonMember {
    <#
    .SYNOPSIS
    A member of an object read from JSON, or $null when absent (works under strict mode).
    #>
    param([object] $Object, [string] $Name)
    if ($null -eq $Object) { return $null }
    $p = $Object.PSObject.Properties[$Name]
    if ($p) { return $p.Value }
    return $null
}

function ConvertTo-AzsRegistrationObject {
    <#
    .SYNOPSIS
    A registration (GET .../registrations/{name}) as an AzsRegistration.Registration object.
    #>
    param([Parameter(Mandatory)] [object] $Resource)
    $id = [string](Get-AzsJsonMember $Resource 'id')
    $sub = $null; $rg = $null; $name = [string](Get-AzsJsonMember $Resource 'name')
    $m = [regex]::Match($id, $script:AzsRegistrationIdPattern, 'IgnoreCase')
    if ($m.Success) {
        $sub = $m.Groups['sub'].Value
        $rg = $m.Groups['rg'].Value
        if (-not $name) { $name = $m.Groups['name'].Value }
    }
    $props = Get-AzsJsonMember $Resource 'properties'
    [pscustomobject]@{
        PSTypeName        = 'AzsRegistration.Registration'
        Name              = $name
        ResourceGroupName = $rg
        SubscriptionId    = $sub
        ResourceId        = $id
        Location          = Get-AzsJsonMember $Resource 'location'
        BillingModel      = Get-AzsJsonMember $props 'billingModel'
        CloudId           = Get-AzsJsonMember $props 'cloudId'
        ObjectId          = Get-AzsJsonMember $props 'objectId'
        ETag              = Get-AzsJsonMember $Resource 'etag'
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
    $id = [string](Get-AzsJsonMember $Resource 'id')
    $props = Get-AzsJsonMember $Resource 'properties'
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
        $n = [string](Get-AzsJsonMember $Resource 'name')
        if ($n -match '/(?<c>[^/]+)$') { $cust = $Matches['c'].ToLowerInvariant() }
    }
    [pscustomobject]@{
        PSTypeName                 = 'AzsRegistration.CustomerSubscription'
        CustomerSubscriptionId     = $cust
        TenantId                   = Get-AzsJsonMember $props 'tenantId'
        RegistrationName           = $regName
        ResourceGroupName          = $rg
        RegistrationSubscriptionId = $regSub
        RegistrationId             = $RegistrationId
        ResourceId                 = $id
        Name                       = Get-AzsJsonMember $Resource 'name'
        ResourceType               = Get-AzsJsonMember $Resource 'type'
        ETag                       = Get-AzsJsonMember $Resource 'etag'
        Properties                 = $props
    }
}

function Resolve-AzsRegistrationId {
    <#
    .SYNOPSIS
    The registration resource ID from an object (Get-AzsRegistration output, or anything
    with ResourceId / Id / RegistrationId) or a string; $null when it is not one.
    #>
    param([object] $Registration)
    if ($null -eq $Registration) { return $null }
    $value = $Registration
    if ($value -isnot [string]) {
        foreach ($n in @('RegistrationId', 'ResourceId', 'Id')) {
            $v = Get-AzsJsonMember $Registration $n
            if ($v -is [string] -and $v) {
                if ($n -ne 'RegistrationId' -or $v -match $script:AzsRegistrationIdPattern) { $value = $v; break }
            }
        }
    }
    if ($value -isnot [string]) { return $null }
    $value = $value.Trim()
    if ($value -notmatch $script:AzsRegistrationIdPattern) { return $null }
    if (-not $value.StartsWith('/')) { $value = '/' + $value }
    $value
}

function ConvertTo-AzsEnvironmentObject {
    <#
    .SYNOPSIS
    Environment JSON (azsreg_environment_to_json) as an AzsRegistration.Environment object
    with AzureRM's PSAzureEnvironment member names.
    #>
    param([Parameter(Mandatory)] [string] $Json)
    $e = ConvertFrom-Json -InputObject $Json
    [pscustomobject]@{
        PSTypeName                               = 'AzsRegistration.Environment'
        Name                                     = Get-AzsJsonMember $e 'name'
        ResourceManagerUrl                       = Get-AzsJsonMember $e 'resourceManagerUrl'
        ActiveDirectoryAuthority                 = Get-AzsJsonMember $e 'activeDirectoryAuthority'
        ActiveDirectoryServiceEndpointResourceId = Get-AzsJsonMember $e 'audience'
        EnableAdfsAuthentication                 = [bool](Get-AzsJsonMember $e 'isAdfs')
        GalleryUrl                               = Get-AzsJsonMember $e 'galleryUrl'
        GraphUrl                                 = Get-AzsJsonMember $e 'graphUrl'
        ManagementPortalUrl                      = Get-AzsJsonMember $e 'portalUrl'
        Type                                     = $(if ([AzsRegistration.Interop.EnvironmentStore]::IsBuiltin((Get-AzsJsonMember $e 'name'))) { 'Built-in' } else { 'User-defined' })
    }
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
