function Get-AzsNativeErrorCategory {
    <#
    .SYNOPSIS
    The ErrorCategory for a failed library call (AzsNativeException).
    #>
    param([AzsRegistration.Interop.AzsNativeException] $Exception)
    $c = [System.Management.Automation.ErrorCategory]
    if ($Exception.HttpStatus -eq 403) { return $c::PermissionDenied }
    switch ($Exception.ResultName) {
        'AZSREG_EINVALID' { return $c::InvalidArgument }
        'AZSREG_EAUTH' { return $c::AuthenticationError }
        'AZSREG_ENOTFOUND' { return $c::ObjectNotFound }
        'AZSREG_ESERVICE' { return $c::CloseError }
        'AZSREG_ETHROTTLED' { return $c::LimitsExceeded }
        'AZSREG_ENETWORK' { return $c::ConnectionError }
        'AZSREG_ETLS' { return $c::ConnectionError }
        'AZSREG_ETIMEOUT' { return $c::OperationTimeout }
        'AZSREG_ECONFLICT' { return $c::ResourceExists }
        'AZSREG_ENOMEM' { return $c::ResourceUnavailable }
        'AZSREG_ECANCELLED' { return $c::OperationStopped }
    }
    return $c::NotSpecified
}

function Test-AzsArmAnswerError {
    <#
    .SYNOPSIS
    True when a failed library call failed on an answer of Azure Resource Manager (an HTTP
    status and an ARM error code, or an HTTP status without a code), not on the identity
    platform (AADSTS codes and OAuth error codes such as invalid_client, which are
    lowercase with underscores) nor before any answer (validation, network, TLS).
    #>
    param([AzsRegistration.Interop.AzsNativeException] $Exception)
    if (-not $Exception -or $Exception.HttpStatus -le 0) { return $false }
    $code = $Exception.ArmCode
    if ($code -match '^AADSTS\d+$' -or $code -cmatch '^[a-z]+(_[a-z]+)*$') { return $false }
    if ($Exception.ResultName -eq 'AZSREG_EAUTH' -and -not $code) { return $false }
    return $true
}

function Get-AzsErrorCategoryFor {
    <#
    .SYNOPSIS
    The category of a library failure as the calling command reports it: the AzureRM-named
    commands (New-AzureRmResource, Get-AzureRmSubscription, ...) report every error that
    came from an ARM answer as CloseError, as AzureRM did (cmdlet-parity.md); the Azs
    commands and everything else use the semantic category (ObjectNotFound, PermissionDenied, ...).
    #>
    param(
        [AzsRegistration.Interop.AzsNativeException] $Exception,
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $name = $null
    if ($Cmdlet -and $Cmdlet.MyInvocation -and $Cmdlet.MyInvocation.MyCommand) { $name = $Cmdlet.MyInvocation.MyCommand.Name }
    if ($name -like '*-AzureRm*' -and (Test-AzsArmAnswerError -Exception $Exception)) {
        return [System.Management.Automation.ErrorCategory]::CloseError
    }
    Get-AzsNativeErrorCategory $Exception
}

function Write-AzsNativeLog {
    <#
    .SYNOPSIS
    Writes what the library logged on this thread: INFO as Verbose, DEBUG/TRACE as Debug,
    WARNING/ERROR as Warning (all already redacted by the library).
    #>
    param([System.Management.Automation.PSCmdlet] $Cmdlet)
    foreach ($entry in [AzsRegistration.Interop.Native]::DrainLog()) {
        if ($entry.Level -le 2) {
            if ($Cmdlet) { $Cmdlet.WriteWarning($entry.Message) } else { Write-Warning $entry.Message }
        }
        elseif ($entry.Level -eq 3) {
            if ($Cmdlet) { $Cmdlet.WriteVerbose($entry.Message) } else { Write-Verbose $entry.Message }
        }
        else {
            if ($Cmdlet) { $Cmdlet.WriteDebug($entry.Message) } else { Write-Debug $entry.Message }
        }
    }
}

function Invoke-AzsNative {
    <#
    .SYNOPSIS
    Runs a call into the native library for a command: writes the library's log lines to
    the command's Verbose / Debug / Warning streams, and turns a failure into an
    ErrorRecord (ErrorId = ARM code, else identity code, else AZSREG_E*), terminating by
    default or non-terminating with -NonTerminating. Returns the script block's output.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory)] [scriptblock] $ScriptBlock,
        [switch] $NonTerminating,
        [object] $TargetObject,
        # ErrorId -> text appended to the error's hint (for example the next step to take).
        [hashtable] $ExtraHint
    )
    $record = $null
    $captured = $null
    $output = $null
    # Failures of the library are captured instead of thrown (see Native.BeginCapture):
    # a caught exception would also land in the caller's -ErrorVariable.
    [AzsRegistration.Interop.Native]::BeginCapture()
    # Only what the caller will show is logged: -Debug everything (redacted), -Verbose one
    # line per request, otherwise warnings. The preferences come from the calling command.
    $logLevel = 2
    if ($VerbosePreference -ne 'SilentlyContinue' -and $VerbosePreference -ne 'Ignore') { $logLevel = 3 }
    if ($DebugPreference -ne 'SilentlyContinue' -and $DebugPreference -ne 'Ignore') { $logLevel = 5 }
    [AzsRegistration.Interop.Native]::SetThreadLogLevel($logLevel)
    try {
        $output = & $ScriptBlock
    }
    catch {
        $ex = $_.Exception
        $native = $null
        $e = $ex
        while ($e) {
            if ($e -is [AzsRegistration.Interop.AzsNativeException]) { $native = $e; break }
            $e = $e.InnerException
        }
        if ($native) {
            if ($ExtraHint -and $ExtraHint.ContainsKey($native.ErrorId)) { $native = $native.WithExtraHint($ExtraHint[$native.ErrorId]) }
            $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $native, $native.ErrorId, (Get-AzsErrorCategoryFor -Exception $native -Cmdlet $Cmdlet), $TargetObject
        }
        else {
            $inner = $ex
            while ($inner -is [System.Management.Automation.MethodInvocationException] -and $inner.InnerException) { $inner = $inner.InnerException }
            if ($inner -is [System.TypeInitializationException] -and $inner.InnerException) { $inner = $inner.InnerException }
            if ($inner -is [System.DllNotFoundException]) {
                $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $inner, 'NativeLibraryNotFound', ([System.Management.Automation.ErrorCategory]::ResourceUnavailable), $TargetObject
            }
            elseif ($inner -is [System.ArgumentException]) {
                $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $inner, 'InvalidArgument', ([System.Management.Automation.ErrorCategory]::InvalidArgument), $TargetObject
            }
            else {
                $record = $_
            }
        }
    }
    finally {
        [AzsRegistration.Interop.Native]::SetThreadLogLevel(-1)
        $captured = [AzsRegistration.Interop.Native]::EndCapture()
        Write-AzsNativeLog -Cmdlet $Cmdlet
    }
    if ($captured -and -not $record) {
        if ($ExtraHint -and $ExtraHint.ContainsKey($captured.ErrorId)) { $captured = $captured.WithExtraHint($ExtraHint[$captured.ErrorId]) }
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $captured, $captured.ErrorId, (Get-AzsErrorCategoryFor -Exception $captured -Cmdlet $Cmdlet), $TargetObject
    }
    if (-not $record) {
        return $output
    }
    if ($record) {
        if ($NonTerminating) {
            $Cmdlet.WriteError($record)
        }
        else {
            $Cmdlet.ThrowTerminatingError($record)
        }
    }
}
