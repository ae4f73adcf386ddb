# Exact conversion of PowerShell values (the -Properties of the resource commands) to JSON text.
#
# Why not ConvertTo-Json: it has a depth limit (2 by default, silently truncating deeper
# levels to strings), and Windows PowerShell 5.1 and PowerShell 7 differ in how they
# write dates, enums, numbers and escaped characters. This converter:
#  - walks the value iteratively (no depth limit, no recursion limit), refusing reference
#    cycles with a clear error;
#  - keeps the JSON types: booleans, numbers (invariant culture), null;
#  - writes strings byte-for-byte: only '"', '\', control characters and lone surrogates
#    are escaped (RFC 8259); every other character, unicode included, is kept as it is;
#  - keeps member order: ordered dictionaries and PSCustomObjects in their order,
#    hashtables in their enumeration order.
# Written for Windows PowerShell 5.1 and PowerShell 7 alike (no newer syntax).

$script:AzsJsonEscapePattern = '[\u0000-\u001F"\\]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]'
$script:AzsJsonEscapeRegex = New-Object System.Text.RegularExpressions.Regex -ArgumentList $script:AzsJsonEscapePattern
$script:AzsJsonIntegerTypes = New-Object 'System.Collections.Generic.HashSet[type]'
foreach ($t in @([int], [long], [byte], [sbyte], [int16], [uint16], [uint32], [uint64], [decimal], [System.Numerics.BigInteger])) {
    [void]$script:AzsJsonIntegerTypes.Add($t)
}

function ConvertTo-AzsJsonString {
    <#
    .SYNOPSIS
    Quotes and escapes a string as a JSON string (RFC 8259), keeping every other character as it is.
    #>
    param([string] $Value)
    $matches_ = $script:AzsJsonEscapeRegex.Matches($Value)
    if ($matches_.Count -eq 0) { return '"' + $Value + '"' }
    $sb = [System.Text.StringBuilder]::new($Value.Length + 8 * $matches_.Count + 2)
    [void]$sb.Append('"')
    $at = 0
    foreach ($m in $matches_) {
        if ($m.Index -gt $at) { [void]$sb.Append($Value, $at, $m.Index - $at) }
        $c = [int]$Value[$m.Index]
        if ($c -eq 0x22) { [void]$sb.Append('\"') }
        elseif ($c -eq 0x5C) { [void]$sb.Append('\\') }
        elseif ($c -eq 0x08) { [void]$sb.Append('\b') }
        elseif ($c -eq 0x0C) { [void]$sb.Append('\f') }
        elseif ($c -eq 0x0A) { [void]$sb.Append('\n') }
        elseif ($c -eq 0x0D) { [void]$sb.Append('\r') }
        elseif ($c -eq 0x09) { [void]$sb.Append('\t') }
        else { [void]$sb.Append('\u').Append($c.ToString('x4', [System.Globalization.CultureInfo]::InvariantCulture)) }
        $at = $m.Index + 1
    }
    if ($at -lt $Value.Length) { [void]$sb.Append($Value, $at, $Value.Length - $at) }
    [void]$sb.Append('"')
    return $sb.ToString()
}

function Get-AzsJsonScalarText {
    # Returns the JSON text of a scalar, or $null when $Base is a container.
    param($Base, [string] $Path)
    $inv = [System.Globalization.CultureInfo]::InvariantCulture
    if ($null -eq $Base -or $Base -is [System.DBNull]) { return 'null' }
    if ($Base -is [string]) { return (ConvertTo-AzsJsonString -Value $Base) }
    if ($Base -is [char]) { return (ConvertTo-AzsJsonString -Value ([string]$Base)) }
    if ($Base -is [bool]) { if ($Base) { return 'true' } else { return 'false' } }
    if ($Base -is [System.Management.Automation.SwitchParameter]) { if ($Base.IsPresent) { return 'true' } else { return 'false' } }
    if ($Base -is [System.Security.SecureString]) {
        throw (New-Object System.ArgumentException -ArgumentList ("-Properties holds a SecureString at '$Path'. A SecureString is never written into a request body; " +
            'convert it yourself on purpose if the service really needs the plain text.'))
    }
    if ($Base -is [System.Enum]) { return (ConvertTo-AzsJsonString -Value $Base.ToString()) }
    if ($Base -is [double] -or $Base -is [single]) {
        if ([double]::IsNaN([double]$Base) -or [double]::IsInfinity([double]$Base)) {
            throw (New-Object System.ArgumentException -ArgumentList "-Properties holds the number $Base at '$Path', which JSON cannot represent.")
        }
        return $Base.ToString('R', $inv)
    }
    if ($Base -is [int] -or $Base -is [long] -or $Base -is [byte] -or $Base -is [sbyte] -or $Base -is [int16] -or
        $Base -is [uint16] -or $Base -is [uint32] -or $Base -is [uint64] -or $Base -is [decimal] -or
        $Base -is [System.Numerics.BigInteger]) {
        return $Base.ToString($null, $inv)
    }
    if ($Base -is [datetime]) { return (ConvertTo-AzsJsonString -Value $Base.ToString('o', $inv)) }
    if ($Base -is [System.DateTimeOffset]) { return (ConvertTo-AzsJsonString -Value $Base.ToString('o', $inv)) }
    if ($Base -is [guid]) { return (ConvertTo-AzsJsonString -Value $Base.ToString('D')) }
    if ($Base -is [timespan]) { return (ConvertTo-AzsJsonString -Value $Base.ToString('c', $inv)) }
    if ($Base -is [uri]) { return (ConvertTo-AzsJsonString -Value $Base.OriginalString) }
    if ($Base -is [version]) { return (ConvertTo-AzsJsonString -Value $Base.ToString()) }
    if ($Base -is [System.Management.Automation.ScriptBlock]) {
        throw (New-Object System.ArgumentException -ArgumentList "-Properties holds a script block at '$Path'; pass its result instead (`$(...)`).")
    }
    return $null
}

function ConvertTo-AzsJson {
    <#
    .SYNOPSIS
    Converts a PowerShell value to exact JSON text (see the header of this file).
    .PARAMETER InputObject
    Hashtable, ordered dictionary, any IDictionary, PSCustomObject, array / list / enumerable,
    or a scalar. Nested at any depth.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [AllowNull()]
        [AllowEmptyString()]
        [AllowEmptyCollection()]
        [object] $InputObject,

        # Guard against runaway object graphs (e.g. objects whose properties create new
        # objects forever); data structures written by hand never get near it.
        [int] $MaxNesting = 100000
    )

    $inv = [System.Globalization.CultureInfo]::InvariantCulture
    $sb = [System.Text.StringBuilder]::new()
    # Each frame: @{ Kind = 'object'|'array'; Items = List of @(name, value); Index; Ref; Path }
    $stack = [System.Collections.Generic.List[object]]::new()
    # The containers on the current path, by identity hash (for the cycle check).
    $ancestors = @{}

    # The value to write next: $pending (with its name for objects, and path).
    $pendingValue = $InputObject
    $pendingPath = '$'
    $havePending = $true

    while ($true) {
        if ($havePending) {
            $havePending = $false
            $v = $pendingValue
            $path = $pendingPath
            $pso = $null
            $base = $v
            if ($null -ne $v) {
                $pso = [System.Management.Automation.PSObject]::AsPSObject($v)
                $base = $pso.psobject.BaseObject
            }
            # Fast paths for the common scalars, then the full scalar table.
            $scalar = $null
            if ($null -eq $base) { $scalar = 'null' }
            elseif ($base -is [string]) {
                if ($script:AzsJsonEscapeRegex.IsMatch($base)) { $scalar = ConvertTo-AzsJsonString -Value $base }
                else { $scalar = '"' + $base + '"' }
            }
            elseif ($base -is [bool]) { if ($base) { $scalar = 'true' } else { $scalar = 'false' } }
            elseif ($script:AzsJsonIntegerTypes.Contains($base.GetType())) { $scalar = $base.ToString($null, $inv) }
            else { $scalar = Get-AzsJsonScalarText -Base $base -Path $path }
            if ($null -ne $scalar) {
                [void]$sb.Append($scalar)
            }
            else {
                # A container: object or array.
                $isCustom = $base -is [System.Management.Automation.PSCustomObject]
                if ($isCustom) { $ref = $pso } else { $ref = $base }
                $refHash = [System.Runtime.CompilerServices.RuntimeHelpers]::GetHashCode($ref)
                $bucket = $ancestors[$refHash]
                if ($null -ne $bucket) {
                    foreach ($f in $bucket) {
                        if ([object]::ReferenceEquals($f.Ref, $ref)) {
                            throw (New-Object System.ArgumentException -ArgumentList "-Properties contains a reference cycle: the value at '$path' is the same object as its ancestor at '$($f.Path)'.")
                        }
                    }
                }
                if ($stack.Count -ge $MaxNesting) {
                    throw (New-Object System.ArgumentException -ArgumentList "-Properties is nested more than $MaxNesting levels deep at '$path'; this looks like a runaway object graph.")
                }
                $items = [System.Collections.Generic.List[object]]::new()
                $kind = 'object'
                if ($base -is [System.Collections.IDictionary]) {
                    foreach ($entry in $base.GetEnumerator()) {
                        $k = $entry.Key
                        if ($k -is [System.Management.Automation.PSObject]) { $k = $k.psobject.BaseObject }
                        if ($k -is [System.Enum] -or $k -is [string]) { $ks = $k.ToString() }
                        elseif ($k -is [System.IFormattable]) { $ks = $k.ToString($null, [System.Globalization.CultureInfo]::InvariantCulture) }
                        else { $ks = [string]$k }
                        $items.Add(@($ks, $entry.Value))
                    }
                }
                elseif ($isCustom) {
                    foreach ($p in $pso.psobject.Properties) {
                        if ($p.IsGettable) { $items.Add(@($p.Name, $p.Value)) }
                    }
                }
                elseif ($base -is [System.Collections.IEnumerable]) {
                    $kind = 'array'
                    foreach ($e in $base) { $items.Add(@($null, $e)) }
                }
                else {
                    # Any other object: its readable properties, as ConvertTo-Json does.
                    foreach ($p in $pso.psobject.Properties) {
                        if ($p.IsGettable -and $p.MemberType -ne [System.Management.Automation.PSMemberTypes]::CodeProperty) {
                            $items.Add(@($p.Name, $p.Value))
                        }
                    }
                }
                if ($kind -eq 'object') {
                    $seen = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::Ordinal)
                    foreach ($it in $items) {
                        if (-not $seen.Add($it[0])) {
                            throw (New-Object System.ArgumentException -ArgumentList "-Properties has the member name '$($it[0])' twice at '$path' (keys that differ only in type, such as 1 and '1').")
                        }
                    }
                    [void]$sb.Append('{')
                }
                else {
                    [void]$sb.Append('[')
                }
                $frame = @{ Kind = $kind; Items = $items; Index = 0; Ref = $ref; Path = $path; Hash = $refHash }
                $stack.Add($frame)
                if ($null -eq $bucket) {
                    $bucket = [System.Collections.Generic.List[object]]::new()
                    $ancestors[$refHash] = $bucket
                }
                $bucket.Add($frame)
            }
        }

        if ($stack.Count -eq 0) { break }
        $top = $stack[$stack.Count - 1]
        if ($top.Index -ge $top.Items.Count) {
            if ($top.Kind -eq 'object') { [void]$sb.Append('}') } else { [void]$sb.Append(']') }
            $stack.RemoveAt($stack.Count - 1)
            $bucket = $ancestors[$top.Hash]
            $bucket.RemoveAt($bucket.Count - 1)
            if ($bucket.Count -eq 0) { $ancestors.Remove($top.Hash) }
            if ($stack.Count -eq 0) { break }
            continue
        }
        $item = $top.Items[$top.Index]
        if ($top.Index -gt 0) { [void]$sb.Append(',') }
        $top.Index = $top.Index + 1
        if ($top.Kind -eq 'object') {
            $name = $item[0]
            if ($script:AzsJsonEscapeRegex.IsMatch($name)) { [void]$sb.Append((ConvertTo-AzsJsonString -Value $name)) }
            else { [void]$sb.Append('"').Append($name).Append('"') }
            [void]$sb.Append(':')
            $pendingPath = $top.Path + '.' + $item[0]
        }
        else {
            $pendingPath = $top.Path + '[' + ($top.Index - 1) + ']'
        }
        $pendingValue = $item[1]
        $havePending = $true
    }
    return $sb.ToString()
}

function ConvertTo-AzsTagObject {
    # -Tag: a hashtable (name = value), or AzureRM's older form, a list of @{Name=..; Value=..}.
    param($Tag)
    if ($null -eq $Tag) { return $null }
    $base = $Tag
    if ($base -is [System.Management.Automation.PSObject]) { $base = $base.psobject.BaseObject }
    if ($base -is [System.Collections.IDictionary]) {
        $keys = @($base.Keys | ForEach-Object { [string]$_ })
        $isPair = ($keys.Count -ge 1 -and $keys.Count -le 2 -and ($keys -contains 'Name') -and
            ($keys.Count -eq 1 -or $keys -contains 'Value'))
        if (-not $isPair) { return $base }
        $base = @(, $base)
    }
    if ($base -is [System.Collections.IEnumerable] -and -not ($base -is [string])) {
        $o = New-Object System.Collections.Specialized.OrderedDictionary
        foreach ($t in $base) {
            $tb = $t
            if ($tb -is [System.Management.Automation.PSObject]) { $tb = $tb.psobject.BaseObject }
            if (-not ($tb -is [System.Collections.IDictionary]) -or -not $tb.Contains('Name')) {
                throw (New-Object System.ArgumentException -ArgumentList '-Tag must be a hashtable (@{ name = "value" }) or a list of @{ Name = "name"; Value = "value" }.')
            }
            $o[[string]$tb['Name']] = $tb['Value']
        }
        return $o
    }
    return $base
}

function ConvertTo-AzsJsonBody {
    <#
    .SYNOPSIS
    Builds the JSON body of New-/Set-AzureRmResource: camelCase members in the order
    location, kind, sku, plan, tags, properties; members that are $null are left out
    (no parameters gives {}). With -IsFullObject, -Properties is the whole body.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowNull()] [object] $Properties,
        [AllowNull()] [string] $Location,
        [AllowNull()] [string] $Kind,
        [AllowNull()] [object] $Sku,
        [AllowNull()] [object] $Plan,
        [AllowNull()] [object] $Tag,
        [switch] $IsFullObject
    )
    if ($IsFullObject) {
        if ($null -eq $Properties) { return '{}' }
        return (ConvertTo-AzsJson -InputObject $Properties)
    }
    $body = New-Object System.Collections.Specialized.OrderedDictionary
    if (-not [string]::IsNullOrEmpty($Location)) { $body['location'] = $Location }
    if (-not [string]::IsNullOrEmpty($Kind)) { $body['kind'] = $Kind }
    if ($null -ne $Sku) { $body['sku'] = $Sku }
    if ($null -ne $Plan) { $body['plan'] = $Plan }
    $tags = ConvertTo-AzsTagObject -Tag $Tag
    if ($null -ne $tags) { $body['tags'] = $tags }
    if ($null -ne $Properties) { $body['properties'] = $Properties }
    return (ConvertTo-AzsJson -InputObject $body)
}
