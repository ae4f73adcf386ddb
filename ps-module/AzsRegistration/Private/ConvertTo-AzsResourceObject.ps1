# JSON parsing and the AzureRM-shaped resource objects of the *-AzureRmResource commands.
#
# ConvertFrom-Json differs between Windows PowerShell 5.1 (2 MB limit, arrays as one
# object) and PowerShell 7 (ISO date strings silently become DateTime, -Depth 1024), so
# the module parses JSON itself: strings stay strings exactly, integers become Int32 /
# Int64 / Decimal, other numbers Double, objects PSCustomObjects with their members in
# order, arrays object[]. Iterative (no depth limit). Works in 5.1 and 7.

$script:AzsJsonTokenRegex = [regex]::new(
    '\G[ \t\r\n]*(?:("(?:[^"\\\u0000-\u001F]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9][0-9]*))((?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|([{}\[\]:,])|(true|false|null))')
$script:AzsJsonUnescapeRegex = [regex]::new('\\(?:(["\\/bfnrt])|u([0-9a-fA-F]{4}))')

function ConvertFrom-AzsJsonString {
    # $Token includes the quotes.
    param([string] $Token)
    $inner = $Token.Substring(1, $Token.Length - 2)
    if ($inner.IndexOf([char]'\') -lt 0) { return $inner }
    $sb = [System.Text.StringBuilder]::new($inner.Length)
    $at = 0
    foreach ($m in $script:AzsJsonUnescapeRegex.Matches($inner)) {
        if ($m.Index -gt $at) { [void]$sb.Append($inner, $at, $m.Index - $at) }
        if ($m.Groups[1].Success) {
            $c = $m.Groups[1].Value
            if ($c -ceq 'b') { [void]$sb.Append([char]8) }
            elseif ($c -ceq 'f') { [void]$sb.Append([char]12) }
            elseif ($c -ceq 'n') { [void]$sb.Append([char]10) }
            elseif ($c -ceq 'r') { [void]$sb.Append([char]13) }
            elseif ($c -ceq 't') { [void]$sb.Append([char]9) }
            else { [void]$sb.Append($c) }
        }
        else {
            [void]$sb.Append([char][System.Convert]::ToInt32($m.Groups[2].Value, 16))
        }
        $at = $m.Index + $m.Length
    }
    if ($at -lt $inner.Length) { [void]$sb.Append($inner, $at, $inner.Length - $at) }
    return $sb.ToString()
}

function ConvertFrom-AzsJson {
    <#
    .SYNOPSIS
    Parses JSON text into PSCustomObjects / object[] / scalars, the same way on 5.1 and 7.
    Returns $null for empty or white-space text. Arrays are returned as one object (not unrolled).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [AllowEmptyString()]
        [AllowNull()]
        [string] $Json
    )
    if ([string]::IsNullOrWhiteSpace($Json)) { return $null }
    $inv = [System.Globalization.CultureInfo]::InvariantCulture
    $stack = [System.Collections.Generic.List[object]]::new()
    $root = $null
    $expect = 'value'   # value | valueOrEnd | key | keyOrEnd | colon | commaOrEnd | done
    $pos = 0
    $len = $Json.Length
    while ($true) {
        $m = $script:AzsJsonTokenRegex.Match($Json, $pos)
        if (-not $m.Success) {
            $rest = $Json.Substring($pos)
            if ($expect -eq 'done' -and $rest.Trim(" `t`r`n".ToCharArray()).Length -eq 0) { break }
            $snippet = $rest
            if ($snippet.Length -gt 40) { $snippet = $snippet.Substring(0, 40) + '...' }
            throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that is not valid at character $($pos): '$snippet'.")
        }
        $pos = $m.Index + $m.Length
        if ($expect -eq 'done') {
            throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that has extra text at character $($m.Index).")
        }
        $haveValue = $false
        $value = $null
        if ($m.Groups[1].Success) {
            $s = ConvertFrom-AzsJsonString -Token $m.Groups[1].Value
            if ($expect -eq 'key' -or $expect -eq 'keyOrEnd') {
                $stack[$stack.Count - 1].Key = $s
                $expect = 'colon'
                continue
            }
            $value = $s
            $haveValue = $true
        }
        elseif ($m.Groups[2].Success) {
            $intText = $m.Groups[2].Value
            if ($m.Groups[3].Length -gt 0) {
                $value = [double]::Parse($intText + $m.Groups[3].Value, [System.Globalization.NumberStyles]::Float, $inv)
            }
            else {
                $l = [long]0
                if ([long]::TryParse($intText, [System.Globalization.NumberStyles]::AllowLeadingSign, $inv, [ref]$l)) {
                    if ($l -ge [int]::MinValue -and $l -le [int]::MaxValue) { $value = [int]$l } else { $value = $l }
                }
                else {
                    $d = [decimal]0
                    if ([decimal]::TryParse($intText, [System.Globalization.NumberStyles]::AllowLeadingSign, $inv, [ref]$d)) { $value = $d }
                    else { $value = [double]::Parse($intText, [System.Globalization.NumberStyles]::Float, $inv) }
                }
            }
            $haveValue = $true
        }
        elseif ($m.Groups[5].Success) {
            $lit = $m.Groups[5].Value
            if ($lit -ceq 'true') { $value = $true } elseif ($lit -ceq 'false') { $value = $false } else { $value = $null }
            $haveValue = $true
        }
        else {
            $p = $m.Groups[4].Value
            if ($p -eq '{' -or $p -eq '[') {
                if ($expect -ne 'value' -and $expect -ne 'valueOrEnd') {
                    throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that is not valid at character $($m.Index) (unexpected '$p').")
                }
                if ($p -eq '{') {
                    $stack.Add(@{ Kind = 'o'; Obj = [pscustomobject]@{}; Key = $null })
                    $expect = 'keyOrEnd'
                }
                else {
                    $stack.Add(@{ Kind = 'a'; Obj = [System.Collections.Generic.List[object]]::new(); Key = $null })
                    $expect = 'valueOrEnd'
                }
                continue
            }
            elseif ($p -eq '}' -or $p -eq ']') {
                $top = $null
                if ($stack.Count -gt 0) { $top = $stack[$stack.Count - 1] }
                $ok = ($null -ne $top) -and (($p -eq '}' -and $top.Kind -eq 'o' -and ($expect -eq 'keyOrEnd' -or $expect -eq 'commaOrEnd')) -or
                    ($p -eq ']' -and $top.Kind -eq 'a' -and ($expect -eq 'valueOrEnd' -or $expect -eq 'commaOrEnd')))
                if (-not $ok) {
                    throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that is not valid at character $($m.Index) (unexpected '$p').")
                }
                $stack.RemoveAt($stack.Count - 1)
                if ($top.Kind -eq 'o') { $value = $top.Obj } else { $value = $top.Obj.ToArray() }
                $haveValue = $true
            }
            elseif ($p -eq ':') {
                if ($expect -ne 'colon') { throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that is not valid at character $($m.Index) (unexpected ':').") }
                $expect = 'value'
                continue
            }
            else {
                if ($expect -ne 'commaOrEnd') { throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that is not valid at character $($m.Index) (unexpected ',').") }
                if ($stack[$stack.Count - 1].Kind -eq 'o') { $expect = 'key' } else { $expect = 'value' }
                continue
            }
        }
        if ($haveValue) {
            $isClose = $m.Groups[4].Success
            if (-not $isClose -and $expect -ne 'value' -and $expect -ne 'valueOrEnd') {
                throw (New-Object System.FormatException -ArgumentList "The service answered with JSON that is not valid at character $($m.Index) (a value where none belongs).")
            }
            if ($stack.Count -eq 0) {
                $root = $value
                $expect = 'done'
            }
            else {
                $parent = $stack[$stack.Count - 1]
                if ($parent.Kind -eq 'o') {
                    $k = $parent.Key
                    if (-not [string]::IsNullOrEmpty($k)) {
                        $props = $parent.Obj.psobject.Properties
                        if ($null -ne $props[$k]) { $props.Remove($k) }
                        $props.Add([System.Management.Automation.PSNoteProperty]::new($k, $value))
                    }
                }
                else {
                    $parent.Obj.Add($value)
                }
                $expect = 'commaOrEnd'
            }
        }
    }
    if ($root -is [array]) { return , $root }
    return $root
}

function Get-AzsResourceIdParts {
    <#
    .SYNOPSIS
    Splits an ARM resource ID (with or without leading '/') into its parts, as AzureRM's
    ResourceIdUtility does: SubscriptionId, ResourceGroupName, ResourceType
    ("Microsoft.AzureStack/registrations/customerSubscriptions"), ResourceName
    ("reg/customerSub"), Name (last name), ExtensionResourceType, ExtensionResourceName,
    IsCollection (the ID ends with a type, not a name), Namespace, TypePath (types after the namespace).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory = $true)] [string] $ResourceId)
    $segs = @($ResourceId.Trim('/').Split('/'))
    $r = [ordered]@{
        SubscriptionId = $null; ResourceGroupName = $null; Namespace = $null; TypePath = $null
        ResourceType = $null; ResourceName = $null; Name = $null
        ExtensionResourceType = $null; ExtensionResourceName = $null; IsCollection = $false
    }
    $i = 0
    if ($segs.Count -ge 2 -and $segs[0] -eq 'subscriptions') { $r.SubscriptionId = $segs[1]; $i = 2 }
    if ($segs.Count -ge $i + 2 -and $segs[$i] -eq 'resourceGroups') { $r.ResourceGroupName = $segs[$i + 1]; $i += 2 }
    # Blocks: providers/{namespace}/{type}/{name}/{type}/{name}...[/providers/{ns}/{type}/{name}...]
    $blocks = [System.Collections.Generic.List[object]]::new()
    while ($i -lt $segs.Count) {
        if ($segs[$i] -eq 'providers' -and $i + 1 -lt $segs.Count) {
            $blocks.Add(@{ Namespace = $segs[$i + 1]; Types = [System.Collections.Generic.List[string]]::new(); Names = [System.Collections.Generic.List[string]]::new() })
            $i += 2
            continue
        }
        if ($blocks.Count -eq 0) { break }
        $b = $blocks[$blocks.Count - 1]
        $b.Types.Add($segs[$i])
        if ($i + 1 -lt $segs.Count) { $b.Names.Add($segs[$i + 1]) }
        $i += 2
    }
    if ($blocks.Count -ge 1) {
        $b = $blocks[0]
        $r.Namespace = $b.Namespace
        $r.TypePath = ($b.Types -join '/')
        if ($b.Types.Count -gt 0) { $r.ResourceType = $b.Namespace + '/' + $r.TypePath } else { $r.ResourceType = $b.Namespace }
        if ($b.Names.Count -gt 0) { $r.ResourceName = ($b.Names -join '/'); $r.Name = $b.Names[$b.Names.Count - 1] }
        $last = $blocks[$blocks.Count - 1]
        $r.IsCollection = ($last.Names.Count -lt $last.Types.Count)
        if ($blocks.Count -ge 2) {
            $r.ExtensionResourceType = $last.Namespace + '/' + ($last.Types -join '/')
            if ($last.Names.Count -gt 0) { $r.ExtensionResourceName = ($last.Names -join '/'); $r.Name = $last.Names[$last.Names.Count - 1] }
        }
    }
    elseif ($null -ne $r.ResourceGroupName -and $i -ge $segs.Count) {
        $r.ResourceType = 'Microsoft.Resources/resourceGroups'; $r.ResourceName = $r.ResourceGroupName; $r.Name = $r.ResourceGroupName
    }
    return [pscustomobject]$r
}

function Get-AzsJsonMember {
    # A member of a parsed JSON object, case-insensitively; $null when absent.
    param($Object, [string] $Name)
    if ($null -eq $Object -or -not ($Object -is [System.Management.Automation.PSObject])) { return $null }
    $p = $Object.psobject.Properties[$Name]
    if ($null -eq $p -or $null -eq $p.Value) { return $null }
    return , $p.Value
}

function ConvertTo-AzsResourceObject {
    <#
    .SYNOPSIS
    Shapes an ARM resource (parsed JSON, or JSON text) like AzureRM's PSResource: Name,
    ResourceId, ResourceName, ResourceType, ExtensionResourceName, ExtensionResourceType,
    Kind, ResourceGroupName, Location, SubscriptionId, Tags, Plan, Properties, CreatedTime,
    ChangedTime, ETag, Sku, Zones, Identity, ManagedBy; members that are null are left out.
    Type names: "<ResourceType with '/' as '.'>" first, "Microsoft.Azure.Resource" last.
    .PARAMETER ResourceId
    The ID the request was made for: used when the body has no "id".
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [AllowNull()]
        [object] $InputObject,
        [string] $ResourceId
    )
    process {
        $res = $InputObject
        if ($res -is [string]) { $res = ConvertFrom-AzsJson -Json $res }
        if ($null -eq $res) { return }
        $id = Get-AzsJsonMember $res 'id'
        if ([string]::IsNullOrEmpty($id) -and -not [string]::IsNullOrEmpty($ResourceId)) { $id = $ResourceId }
        if (-not [string]::IsNullOrEmpty($id) -and -not $id.StartsWith('/')) { $id = '/' + $id }
        $parts = $null
        if (-not [string]::IsNullOrEmpty($id)) { $parts = Get-AzsResourceIdParts -ResourceId $id }

        $resourceType = $null; $resourceName = $null; $extType = $null; $extName = $null; $rg = $null; $sub = $null
        if ($null -ne $parts) {
            $resourceType = $parts.ResourceType; $resourceName = $parts.ResourceName
            $extType = $parts.ExtensionResourceType; $extName = $parts.ExtensionResourceName
            $rg = $parts.ResourceGroupName; $sub = $parts.SubscriptionId
        }
        if ($null -eq $resourceType) { $resourceType = Get-AzsJsonMember $res 'type' }
        $name = Get-AzsJsonMember $res 'name'
        if ($null -eq $name -and $null -ne $parts) { $name = $parts.Name }

        $tags = $null
        $tagObj = Get-AzsJsonMember $res 'tags'
        if ($null -ne $tagObj -and $tagObj -is [System.Management.Automation.PSObject]) {
            $tags = @{}
            foreach ($tp in $tagObj.psobject.Properties) { $tags[$tp.Name] = $tp.Value }
        }

        $def = [ordered]@{
            Name                  = $name
            ResourceId            = $id
            ResourceName          = $resourceName
            ResourceType          = $resourceType
            ExtensionResourceName = $extName
            ExtensionResourceType = $extType
            Kind                  = Get-AzsJsonMember $res 'kind'
            ResourceGroupName     = $rg
            Location              = Get-AzsJsonMember $res 'location'
            SubscriptionId        = $sub
            Tags                  = $tags
            Plan                  = Get-AzsJsonMember $res 'plan'
            Properties            = Get-AzsJsonMember $res 'properties'
            CreatedTime           = Get-AzsJsonMember $res 'createdTime'
            ChangedTime           = Get-AzsJsonMember $res 'changedTime'
            ETag                  = Get-AzsJsonMember $res 'etag'
            Sku                   = Get-AzsJsonMember $res 'sku'
            Zones                 = Get-AzsJsonMember $res 'zones'
            Identity              = Get-AzsJsonMember $res 'identity'
            ManagedBy             = Get-AzsJsonMember $res 'managedBy'
        }
        $out = [pscustomobject]@{}
        foreach ($k in $def.Keys) {
            $v = $def[$k]
            if ($null -ne $v) { $out.psobject.Properties.Add([System.Management.Automation.PSNoteProperty]::new($k, $v)) }
        }
        if ($null -ne $resourceType -or $null -ne $extType) {
            $typeName = ([string]$resourceType + [string]$extType).Replace('/', '.')
            $out.psobject.TypeNames.Insert(0, $typeName)
        }
        $out.psobject.TypeNames.Add('Microsoft.Azure.Resource')
        $out
    }
}

function New-AzsResourceFromRequest {
    <#
    .SYNOPSIS
    The resource as the request described it, for a 201 (or 200) answer without a body:
    id, name (the resource name path, "registration/customerSub" for the child type),
    type, and the members of the body that was sent. Output shaped by ConvertTo-AzsResourceObject.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [string] $ResourceId,
        [AllowNull()] [AllowEmptyString()] [string] $BodyJson
    )
    $parts = Get-AzsResourceIdParts -ResourceId $ResourceId
    $res = [pscustomobject]@{}
    $id = $ResourceId
    if (-not $id.StartsWith('/')) { $id = '/' + $id }
    $res.psobject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('id', $id))
    if ($null -ne $parts.ResourceName) { $res.psobject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('name', $parts.ResourceName)) }
    if ($null -ne $parts.ResourceType) { $res.psobject.Properties.Add([System.Management.Automation.PSNoteProperty]::new('type', $parts.ResourceType)) }
    $body = ConvertFrom-AzsJson -Json $BodyJson
    if ($body -is [System.Management.Automation.PSObject] -and $body.psobject.BaseObject -is [System.Management.Automation.PSCustomObject]) {
        foreach ($p in $body.psobject.Properties) {
            if ($p.Name -ne 'id' -and $p.Name -ne 'name' -and $p.Name -ne 'type') {
                $res.psobject.Properties.Add([System.Management.Automation.PSNoteProperty]::new($p.Name, $p.Value))
            }
        }
    }
    ConvertTo-AzsResourceObject -InputObject $res -ResourceId $ResourceId
}
