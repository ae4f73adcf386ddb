# -Properties conversion: the exact JSON text for each kind of input (hashtables, ordered
# dictionaries, PSCustomObjects, arrays, booleans, numbers, $null, strings with spaces,
# unicode, quotes and control characters), and end to end: the exact body the emulator
# received from New-AzureRmResource.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Emulator.psm1') -Force
    Import-Module (Get-AzsTestModulePath) -Force
    # The converters of the compiled cmdlets, through their public classes:
    # JsonBody.ToJson (-Properties -> JSON), JsonBody.Body (the New-AzureRmResource body),
    # JsonPs.Parse (what the service answers -> objects).
    function ConvertTo-TestJson { param($Value) [AzsRegistration.Interop.Cmdlets.JsonBody]::ToJson($Value) }
    function ConvertTo-TestBody {
        param([hashtable] $Arguments)
        [AzsRegistration.Interop.Cmdlets.JsonBody]::Body($Arguments['Properties'], $Arguments['Location'], $Arguments['Kind'],
            $Arguments['Sku'], $Arguments['Plan'], $Arguments['Tag'], [bool]$Arguments['IsFullObject'])
    }
    function ConvertFrom-TestJson {
        param([string] $Json)
        $parsed = [AzsRegistration.Interop.Cmdlets.JsonPs]::Parse($Json)
        if ($parsed -is [array]) { return , $parsed }
        $parsed
    }
}

Describe 'JsonBody.ToJson (-Properties as JSON): exact JSON' {
    It '<Case>' -ForEach @(
        @{ Case = 'empty hashtable'; Value = { @{} }; Expected = '{}' }
        @{ Case = 'one string member'; Value = { @{ tenantId = 'dbab3982-1111-2222-3333-444455556666' } }; Expected = '{"tenantId":"dbab3982-1111-2222-3333-444455556666"}' }
        @{ Case = 'ordered dictionary keeps its order'; Value = { [ordered]@{ z = 1; a = 2; m = 3 } }; Expected = '{"z":1,"a":2,"m":3}' }
        @{ Case = 'PSCustomObject keeps its property order'; Value = { [pscustomobject]@{ z = 'last'; a = 'first' } }; Expected = '{"z":"last","a":"first"}' }
        @{ Case = 'booleans stay booleans'; Value = { [ordered]@{ t = $true; f = $false } }; Expected = '{"t":true,"f":false}' }
        @{ Case = 'switch values are booleans'; Value = { [ordered]@{ s = [switch]$true } }; Expected = '{"s":true}' }
        @{ Case = 'integers stay numbers'; Value = { [ordered]@{ i = 42; n = -7; z = 0; l = 9007199254740993; b = [byte]255 } }; Expected = '{"i":42,"n":-7,"z":0,"l":9007199254740993,"b":255}' }
        @{ Case = 'doubles in invariant culture'; Value = { [ordered]@{ d = 1.5; e = 0.1; big = 1e21; neg = -2.25 } }; Expected = '{"d":1.5,"e":0.1,"big":1E+21,"neg":-2.25}' }
        @{ Case = 'decimal'; Value = { [ordered]@{ m = [decimal]12.75 } }; Expected = '{"m":12.75}' }
        @{ Case = '$null member is null'; Value = { [ordered]@{ a = $null; b = 1 } }; Expected = '{"a":null,"b":1}' }
        @{ Case = '$null alone'; Value = { $null }; Expected = 'null' }
        @{ Case = 'array of scalars'; Value = { [ordered]@{ a = @(1, 'two', $true, $null, 2.5) } }; Expected = '{"a":[1,"two",true,null,2.5]}' }
        @{ Case = 'empty array'; Value = { [ordered]@{ a = @() } }; Expected = '{"a":[]}' }
        @{ Case = 'one-element array stays an array'; Value = { [ordered]@{ a = @('only') } }; Expected = '{"a":["only"]}' }
        @{ Case = 'nested arrays'; Value = { [ordered]@{ a = @(@(1, 2), @(), @(, @(3))) } }; Expected = '{"a":[[1,2],[],[[3]]]}' }
        @{ Case = 'generic list and ArrayList'; Value = { [ordered]@{ l = [System.Collections.Generic.List[int]]@(1, 2); al = [System.Collections.ArrayList]@('x') } }; Expected = '{"l":[1,2],"al":["x"]}' }
        @{ Case = 'generic dictionary'; Value = { $d = [System.Collections.Generic.Dictionary[string, object]]::new(); $d['k'] = 'v'; $d }; Expected = '{"k":"v"}' }
        @{ Case = 'nested hashtables and PSCustomObjects, mixed'; Value = { [ordered]@{ outer = [pscustomobject]@{ inner = [ordered]@{ deep = [pscustomobject]@{ x = @([ordered]@{ y = $false }) } } } } }; Expected = '{"outer":{"inner":{"deep":{"x":[{"y":false}]}}}}' }
        @{ Case = 'string with spaces kept exactly'; Value = { [ordered]@{ s = '  two  spaces  and trailing  ' } }; Expected = '{"s":"  two  spaces  and trailing  "}' }
        @{ Case = 'unicode kept as is'; Value = { [ordered]@{ s = "Müller – 東京 😀 ñ" } }; Expected = "{`"s`":`"Müller – 東京 😀 ñ`"}" }
        @{ Case = 'quotes and backslashes escaped'; Value = { [ordered]@{ s = 'say "hi" C:\path\' } }; Expected = '{"s":"say \"hi\" C:\\path\\"}' }
        @{ Case = 'control characters escaped'; Value = { [ordered]@{ s = "a`tb`nc`rd" + [char]8 + [char]12 + [char]0 + [char]0x1f } }; Expected = '{"s":"a\tb\nc\rd\b\f\u0000\u001f"}' }
        @{ Case = 'slash and DEL are not escaped'; Value = { [ordered]@{ s = 'a/b' + [char]0x7f } }; Expected = "{`"s`":`"a/b$([char]0x7f)`"}" }
        @{ Case = 'lone surrogate escaped'; Value = { [ordered]@{ s = 'x' + [char]0xD800 } }; Expected = '{"s":"x\ud800"}' }
        @{ Case = 'member names escaped too'; Value = { [ordered]@{ 'a "b"' = 1 } }; Expected = '{"a \"b\"":1}' }
        @{ Case = 'DateTime as ISO 8601'; Value = { [ordered]@{ d = [datetime]::new(2024, 2, 29, 13, 5, 9, [DateTimeKind]::Utc) } }; Expected = '{"d":"2024-02-29T13:05:09.0000000Z"}' }
        @{ Case = 'enum as its name'; Value = { [ordered]@{ e = [System.DayOfWeek]::Friday } }; Expected = '{"e":"Friday"}' }
        @{ Case = 'GUID as string'; Value = { [ordered]@{ g = [guid]'E09A0000-0000-0000-0000-00000000000A' } }; Expected = '{"g":"e09a0000-0000-0000-0000-00000000000a"}' }
        @{ Case = 'the same object twice (not a cycle)'; Value = { $o = [pscustomobject]@{ a = 1 }; [ordered]@{ x = $o; y = $o } }; Expected = '{"x":{"a":1},"y":{"a":1}}' }
        @{ Case = 'string that looks like a date stays a string'; Value = { [ordered]@{ s = '2024-01-02T03:04:05Z' } }; Expected = '{"s":"2024-01-02T03:04:05Z"}' }
        @{ Case = 'numeric string stays a string'; Value = { [ordered]@{ s = '007' } }; Expected = '{"s":"007"}' }
    ) {
        ConvertTo-TestJson (& $Value) | Should -BeExactly $Expected
    }

    It 'has no depth limit (200 nested hashtables and 200 nested arrays)' {
        $root = @{}; $cur = $root
        for ($i = 0; $i -lt 200; $i++) { $n = @{}; $cur['k'] = $n; $cur = $n }
        $cur['leaf'] = 'end'
        ConvertTo-TestJson $root | Should -BeExactly (('{"k":' * 200) + '{"leaf":"end"}' + ('}' * 200))
        $arr = 'x'
        for ($i = 0; $i -lt 200; $i++) { $arr = @(, $arr) }
        ConvertTo-TestJson $arr | Should -BeExactly (('[' * 200) + '"x"' + (']' * 200))
    }

    It 'refuses a reference cycle with a clear error' {
        $h = @{ name = 'loop' }; $h['self'] = $h
        { ConvertTo-TestJson $h } | Should -Throw '*reference cycle*$.self*'
        $o = [pscustomobject]@{ a = 1 }; $o | Add-Member -NotePropertyName me -NotePropertyValue @($o)
        { ConvertTo-TestJson $o } | Should -Throw '*reference cycle*$.me`[0`]*'
    }

    It 'refuses a SecureString with a clear error' {
        $s = New-Object System.Security.SecureString
        $s.AppendChar('x')
        { ConvertTo-TestJson @{ secret = $s } } | Should -Throw '*SecureString*$.secret*'
    }

    It 'refuses NaN and Infinity' {
        { ConvertTo-TestJson @{ n = [double]::NaN } } | Should -Throw '*JSON cannot represent*'
        { ConvertTo-TestJson @{ n = [double]::PositiveInfinity } } | Should -Throw '*JSON cannot represent*'
    }

    It 'keeps numbers in invariant culture whatever the current culture' {
        $saved = [System.Threading.Thread]::CurrentThread.CurrentCulture
        try {
            [System.Threading.Thread]::CurrentThread.CurrentCulture = [System.Globalization.CultureInfo]::GetCultureInfo('de-DE')
            ConvertTo-TestJson ([ordered]@{ d = 1.5; m = [decimal]2.25 }) | Should -BeExactly '{"d":1.5,"m":2.25}'
        }
        finally { [System.Threading.Thread]::CurrentThread.CurrentCulture = $saved }
    }
}

Describe 'JsonBody.Body: the New-AzureRmResource body' {
    It '<Case>' -ForEach @(
        @{ Case = 'no parameters gives {}'; Arguments = @{}; Expected = '{}' }
        @{ Case = 'properties only'; Arguments = @{ Properties = @{ tenantId = 't' } }; Expected = '{"properties":{"tenantId":"t"}}' }
        @{ Case = 'all members in AzureRM order, camelCase'; Arguments = @{ Properties = @{ p = 1 }; Location = 'westus'; Kind = 'k'; Sku = @{ name = 'S1' }; Plan = @{ name = 'P' }; Tag = @{ env = 'prod' } }
            Expected = '{"location":"westus","kind":"k","sku":{"name":"S1"},"plan":{"name":"P"},"tags":{"env":"prod"},"properties":{"p":1}}' }
        @{ Case = 'null members left out'; Arguments = @{ Properties = $null; Location = $null; Kind = '' }; Expected = '{}' }
        @{ Case = 'AzureRM tag list form'; Arguments = @{ Tag = @(@{ Name = 'a'; Value = '1' }, @{ Name = 'b'; Value = '2' }) }; Expected = '{"tags":{"a":"1","b":"2"}}' }
        @{ Case = '-IsFullObject sends -Properties as the whole body'; Arguments = @{ IsFullObject = $true; Location = 'ignored'; Properties = [ordered]@{ location = 'global'; properties = [ordered]@{ tenantId = 't' } } }
            Expected = '{"location":"global","properties":{"tenantId":"t"}}' }
        @{ Case = '-IsFullObject without -Properties gives {}'; Arguments = @{ IsFullObject = $true }; Expected = '{}' }
    ) {
        ConvertTo-TestBody $Arguments | Should -BeExactly $Expected
    }
}

Describe 'JsonPs.Parse: what the service answers, read the same on 5.1 and 7' {
    It 'keeps strings exactly (no date conversion), numbers typed, member order' {
        $o = ConvertFrom-TestJson '{"z":"2024-01-02T03:04:05Z","a":1,"big":9007199254740993,"d":2.5,"t":true,"n":null,"s":"q\"\\\u00e9\ud83d\ude00\n","arr":[1,[],{}]}'
        @($o.psobject.Properties.Name) -join ',' | Should -Be 'z,a,big,d,t,n,s,arr'
        $o.z | Should -BeOfType [string]
        $o.z | Should -BeExactly '2024-01-02T03:04:05Z'
        $o.a | Should -BeOfType [int]
        $o.big | Should -BeOfType [long]
        $o.d | Should -BeOfType [double]
        $o.t | Should -BeTrue
        $o.n | Should -BeNullOrEmpty
        $o.s | Should -BeExactly ("q`"\é😀`n")
        , $o.arr | Should -BeOfType [object[]]
        $o.arr.Count | Should -Be 3
    }

    It 'round-trips through JsonBody.ToJson unchanged' {
        $json = '{"properties":{"tenantId":"t","nested":{"list":[1,2.5,"x",true,null,{"k":[]}]},"text":"  a  b  "}}'
        ConvertTo-TestJson (ConvertFrom-TestJson $json) | Should -BeExactly $json
    }

    It 'refuses malformed JSON with a clear error' {
        { ConvertFrom-TestJson '{"a":1,}' } | Should -Throw '*not valid at character*'
        { ConvertFrom-TestJson '[1] trailing' } | Should -Throw '*not valid*'
    }

    It 'returns nothing for an empty answer' {
        ConvertFrom-TestJson '' | Should -BeNullOrEmpty
    }
}

Describe 'New-AzureRmResource -Properties against the emulator: the exact body received' {
    BeforeAll {
        $script:Emu = Start-AzsEmulator
        $env:AZSREG_CA_FILE = $script:Emu.CaFile
        $facts = Get-AzsSampleFacts
        Add-AzureRmEnvironment -Name AzsPropsEmulator -ARMEndpoint $script:Emu.BaseUrl | Out-Null
        Connect-AzureRmAccount -Environment AzsPropsEmulator -ServicePrincipal -Credential (New-AzsSampleCredential) -TenantId $facts.TenantId | Out-Null
        $script:RegistrationId = $facts.RegistrationId
    }
    AfterAll {
        if ($script:Emu) { Stop-AzsEmulator -Emulator $script:Emu }
    }
    BeforeEach {
        Clear-AzsEmulatorRequests -Emulator $script:Emu
    }

    It '<Case>' -ForEach @(
        @{ Case = 'hashtable with the tenant ID (the documented call)'; Customer = 'a0000000-0000-0000-0000-000000000001'
            Properties = { @{ tenantId = '44444444-4444-4444-4444-444444444444' } }
            Expected = '{"properties":{"tenantId":"44444444-4444-4444-4444-444444444444"}}' }
        @{ Case = 'PSCustomObject, nested, every JSON type'; Customer = 'a0000000-0000-0000-0000-000000000002'
            Properties = { [pscustomobject]@{ tenantId = 't'; enabled = $true; count = 3; ratio = 0.75; none = $null; tags = @('a', 'b'); nested = [pscustomobject]@{ deeper = [ordered]@{ deepest = @(@{ x = $false }) } } } }
            Expected = '{"properties":{"tenantId":"t","enabled":true,"count":3,"ratio":0.75,"none":null,"tags":["a","b"],"nested":{"deeper":{"deepest":[{"x":false}]}}}}' }
        @{ Case = 'strings with spaces, unicode, quotes and control characters'; Customer = 'a0000000-0000-0000-0000-000000000003'
            Properties = { [ordered]@{ note = "  Müller & Söhne  `"GmbH`"`t東京 😀  "; path = 'C:\x\y' } }
            Expected = "{`"properties`":{`"note`":`"  Müller & Söhne  \`"GmbH\`"\t東京 😀  `",`"path`":`"C:\\x\\y`"}}" }
    ) {
        $id = "$($script:RegistrationId.TrimStart('/'))/customerSubscriptions/$Customer"
        $out = New-AzureRmResource -ResourceId $id -ApiVersion 2017-06-01 -Properties (& $Properties) -Force
        $put = @(Get-AzsEmulatorRequests -Emulator $script:Emu | Where-Object { $_.method -eq 'PUT' })
        $put.Count | Should -Be 1
        $put[0].path | Should -BeExactly "/$id"
        $put[0].query | Should -BeExactly 'api-version=2017-06-01'
        $put[0].body | Should -BeExactly $Expected
        # What comes back is the same data, read without loss.
        ConvertTo-TestJson ([pscustomobject]@{ properties = $out.Properties }) | Should -BeExactly $Expected
        $state = Get-AzsEmulatorRegistration -Emulator $script:Emu
        @($state.customerSubscriptions | Where-Object { $_.id -eq $Customer }).Count | Should -Be 1
    }

    It 'a bad -Properties value fails before anything is sent' {
        $s = New-Object System.Security.SecureString
        $s.AppendChar('x')
        { New-AzureRmResource -ResourceId "$($script:RegistrationId)/customerSubscriptions/a0000000-0000-0000-0000-000000000009" -ApiVersion 2017-06-01 -Properties @{ secret = $s } -Force } |
            Should -Throw -PassThru | Get-AzsErrorId | Should -Be 'InvalidProperties,New-AzureRmResource'
        @(Get-AzsEmulatorRequests -Emulator $script:Emu | Where-Object { $_.method -eq 'PUT' }).Count | Should -Be 0
    }
}
