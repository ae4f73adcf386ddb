function ConvertFrom-AzsJsonText {
    <#
    .SYNOPSIS
    ConvertFrom-Json that enumerates a top-level array the same way on 5.1 and 7, and
    returns nothing for an empty text.
    #>
    param([string] $Json)
    if ([string]::IsNullOrWhiteSpace($Json)) { return }
    foreach ($item in @(ConvertFrom-Json -InputObject $Json)) { $item }
}

function Get-AzsClientOptionsJson {
    <#
    .SYNOPSIS
    The JSON options of a native client (never a secret): environment, tenant, CA bundle
    (AZSREG_CA_FILE), proxy (AZSREG_PROXY), total time per operation (AZSREG_TIMEOUT,
    seconds), correlation ID (AZSREG_CORRELATION_ID), retries (AZSREG_MAX_RETRIES), log level
    (AZSREG_LOG_LEVEL; default 5 = trace, filtered per stream by the commands).
    Without -EnvironmentJson: the same options for discovery (Add-AzureRmEnvironment -ARMEndpoint).
    #>
    param(
        [string] $EnvironmentJson,
        [string] $TenantId,
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $parts = New-Object System.Collections.Generic.List[string]
    if ($EnvironmentJson) { $parts.Add('"environment":' + $EnvironmentJson) }
    if ($TenantId) { $parts.Add('"tenantId":' + [AzsRegistration.Interop.MiniJson]::Quote($TenantId)) }
    # Environment variables set inside PowerShell do not reach the native getenv on Unix,
    # so the CA bundle is passed explicitly: AZSREG_CA_FILE, else SSL_CERT_FILE, else CURL_CA_BUNDLE.
    $ca = $env:AZSREG_CA_FILE
    if (-not $ca) { $ca = $env:SSL_CERT_FILE }
    if (-not $ca) { $ca = $env:CURL_CA_BUNDLE }
    if ($ca) { $parts.Add('"caFile":' + [AzsRegistration.Interop.MiniJson]::Quote($ca)) }
    $proxy = $env:AZSREG_PROXY
    if ($proxy) { $parts.Add('"proxy":' + [AzsRegistration.Interop.MiniJson]::Quote($proxy)) }
    # A setting that is set but not a whole number in range is an error naming it, never
    # silently ignored (the same range as azsreg --timeout).
    $n = Get-AzsIntSetting -Name AZSREG_TIMEOUT -Min 1 -Max 86400 -Cmdlet $Cmdlet
    if ($null -ne $n) { $parts.Add('"deadlineMs":' + ([long]$n * 1000)) }
    if ($env:AZSREG_CORRELATION_ID) { $parts.Add('"correlationId":' + [AzsRegistration.Interop.MiniJson]::Quote($env:AZSREG_CORRELATION_ID)) }
    $n = Get-AzsIntSetting -Name AZSREG_MAX_RETRIES -Min -1 -Max 100 -Cmdlet $Cmdlet
    if ($null -ne $n) { $parts.Add('"maxRetries":' + $n) }
    $level = 5
    $n = Get-AzsIntSetting -Name AZSREG_LOG_LEVEL -Min 0 -Max 5 -Cmdlet $Cmdlet
    if ($null -ne $n) { $level = $n }
    $parts.Add('"logLevel":' + $level)
    $version = $PSVersionTable.PSVersion.ToString()
    $parts.Add('"userAgent":' + [AzsRegistration.Interop.MiniJson]::Quote("AzsRegistration-PowerShell/0.1.0 PowerShell/$version"))
    '{' + ($parts -join ',') + '}'
}

function Resolve-AzsEnvironmentJson {
    <#
    .SYNOPSIS
    The JSON of an environment by name (added or built-in), or a terminating EnvironmentNotFound error.
    #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $json = Invoke-AzsNative -Cmdlet $Cmdlet -ScriptBlock { [AzsRegistration.Interop.EnvironmentStore]::Get($Name) }
    if (-not $json) {
        $known = [AzsRegistration.Interop.EnvironmentStore]::Names() -join ', '
        $Cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.EnvironmentNotFound -f $Name, $known) -ErrorId 'EnvironmentNotFound' -Category ObjectNotFound -TargetObject $Name))
    }
    $json
}

function Test-AzsInteractiveHost {
    <#
    .SYNOPSIS
    False when a confirmation prompt cannot be answered: pwsh -NonInteractive, hosts
    without a UI (Azure Automation, hosted runspaces), or no console input.
    #>
    if (-not $Host -or -not $Host.UI -or $Host.Name -eq 'Default Host' -or $Host.Name -eq 'ServerRemoteHost') { return $false }
    foreach ($arg in [Environment]::GetCommandLineArgs()) {
        # pwsh accepts any unambiguous prefix of -NonInteractive from -noni on.
        $a = $arg.ToLowerInvariant().TrimStart('-')
        if ($arg.StartsWith('-') -and $a.Length -ge 4 -and 'noninteractive'.StartsWith($a)) { return $false }
    }
    if ($Host.Name -eq 'ConsoleHost') {
        try { if ([Console]::IsInputRedirected) { return $false } } catch { return $false }
    }
    return $true
}

function Get-AzsIntSetting {
    <#
    .SYNOPSIS
    A whole-number setting from an environment variable: $null when it is not set, else its
    value, or a terminating InvalidSetting error naming the variable when it is not a whole
    number from Min to Max.
    #>
    param(
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [int] $Min,
        [Parameter(Mandatory)] [int] $Max,
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $text = [Environment]::GetEnvironmentVariable($Name)
    if ([string]::IsNullOrEmpty($text)) { return $null }
    $n = 0
    $ok = [int]::TryParse($text, [System.Globalization.NumberStyles]::AllowLeadingSign, [System.Globalization.CultureInfo]::InvariantCulture, [ref] $n)
    if ($ok -and $n -ge $Min -and $n -le $Max) { return $n }
    $shown = [regex]::Replace($text, '[\x00-\x1f\x7f]', { param($m) '\x{0:x2}' -f [int][char]$m.Value })
    $record = New-AzsErrorRecord -Message ($script:Strings.InvalidSetting -f $Name, $shown, $Min, $Max) -ErrorId 'InvalidSetting' -Category InvalidArgument -TargetObject $Name
    if ($Cmdlet) { $Cmdlet.ThrowTerminatingError($record) }
    throw $record
}
