function Add-AzureRmEnvironment {
    <#
    .SYNOPSIS
    Adds a custom cloud (such as an Azure Stack Hub's Resource Manager) by its ARM endpoint or explicit endpoints.

    .DESCRIPTION
    With -ARMEndpoint the endpoints are read from {ARMEndpoint}/metadata/endpoints through
    the native library (login endpoint = authority, audiences[0] = token audience; a login
    endpoint ending in /adfs means AD FS). With -ResourceManagerEndpoint and
    -ActiveDirectoryEndpoint the environment is made from what is given, without network.
    The environment lives in this process (every runspace sees it). The metadata request
    goes the way Connect-AzureRmAccount's requests go: the CA bundle AZSREG_CA_FILE (else
    SSL_CERT_FILE / CURL_CA_BUNDLE / the system store), the proxy AZSREG_PROXY, the total time
    AZSREG_TIMEOUT (seconds; default 60 for discovery), AZSREG_CORRELATION_ID, AZSREG_MAX_RETRIES.

    .PARAMETER Name
    Name of the environment (used with Connect-AzureRmAccount -Environment).

    .PARAMETER ARMEndpoint
    Resource Manager URL whose metadata describes the cloud. Alias: ArmUrl.

    .PARAMETER ResourceManagerEndpoint
    Resource Manager URL (explicit set). Aliases: ResourceManager, ResourceManagerUrl.

    .PARAMETER ActiveDirectoryEndpoint
    Login endpoint (authority). Aliases: AdEndpointUrl, ActiveDirectory, ActiveDirectoryAuthority.

    .PARAMETER ActiveDirectoryServiceEndpointResourceId
    Token audience (default: the Resource Manager URL).

    .PARAMETER GalleryEndpoint
    Accepted for compatibility (explicit set); the library reads the gallery from metadata.

    .PARAMETER GraphEndpoint
    Accepted for compatibility; not used.

    .PARAMETER EnableAdfsAuthentication
    Accepted for compatibility; AD FS is detected from a login endpoint ending in /adfs.

    .PARAMETER AzureKeyVaultDnsSuffix
    Accepted for compatibility; not used.

    .PARAMETER AzureKeyVaultServiceEndpointResourceId
    Accepted for compatibility; not used.

    .PARAMETER StorageEndpoint
    Accepted for compatibility; not used.

    .EXAMPLE
    Add-AzureRmEnvironment -Name AzureStackUser -ARMEndpoint https://management.local.azurestack.external

    .EXAMPLE
    Add-AzureRmEnvironment -Name MyCloud -ResourceManagerEndpoint https://arm.contoso.test/ -ActiveDirectoryEndpoint https://login.contoso.test/ -ActiveDirectoryServiceEndpointResourceId https://management.contoso.test/

    .OUTPUTS
    AzsRegistration.Interop.AzsEnvironment (Name, ResourceManagerUrl, ActiveDirectoryAuthority, ..., Type: Built-in or User-defined)

    .LINK
    Get-AzureRmEnvironment

    .LINK
    Connect-AzureRmAccount
    #>
    [CmdletBinding(DefaultParameterSetName = 'Name', SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType([AzsRegistration.Interop.AzsEnvironment])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(ParameterSetName = 'ARMEndpoint', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('ArmUrl')]
        [ValidateNotNullOrEmpty()]
        [string] $ARMEndpoint,

        [Parameter(ParameterSetName = 'Name', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('ResourceManager', 'ResourceManagerUrl')]
        [ValidateNotNullOrEmpty()]
        [string] $ResourceManagerEndpoint,

        [Parameter(ParameterSetName = 'Name', Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('AdEndpointUrl', 'ActiveDirectory', 'ActiveDirectoryAuthority')]
        [ValidateNotNullOrEmpty()]
        [string] $ActiveDirectoryEndpoint,

        [Parameter(ParameterSetName = 'Name', ValueFromPipelineByPropertyName = $true)]
        [string] $ActiveDirectoryServiceEndpointResourceId,

        [Parameter(ParameterSetName = 'Name', ValueFromPipelineByPropertyName = $true)]
        [Alias('Gallery', 'GalleryUrl')]
        [string] $GalleryEndpoint,

        [Parameter(ParameterSetName = 'Name', ValueFromPipelineByPropertyName = $true)]
        [Alias('Graph', 'GraphUrl')]
        [string] $GraphEndpoint,

        [Parameter(ParameterSetName = 'Name')]
        [switch] $EnableAdfsAuthentication,

        [string] $AzureKeyVaultDnsSuffix,

        [string] $AzureKeyVaultServiceEndpointResourceId,

        [Alias('StorageEndpointSuffix')]
        [string] $StorageEndpoint
    )

    process {
        $cmdlet = $PSCmdlet
        # The library's endpoint rule (azsreg_endpoint_check), before anything is shown or sent:
        # user info (user:password@) is EndpointHasUserInfo and the URL is only ever shown
        # redacted by the library (target, errors); any other problem (plain http, a query,
        # a fragment, a dot segment, a bad port) is the library's AZSREG_EINVALID.
        $endpoints = @(
            @{ Url = $ARMEndpoint; What = 'the ARM endpoint' },
            @{ Url = $ResourceManagerEndpoint; What = 'the Resource Manager endpoint' },
            @{ Url = $ActiveDirectoryEndpoint; What = 'the Active Directory endpoint' })
        foreach ($e in $endpoints) {
            if (-not $e.Url) { continue }
            # The message quotes the URL: the library redacts user info and escapes control characters in it.
            $decision = [AzsRegistration.Interop.Native]::CheckEndpoint($e.Url, ("{0} '{1}'" -f $e.What, $e.Url))
            if ($decision.Ok) { continue }
            $shown = [AzsRegistration.Interop.Native]::Redact($e.Url)
            if ($decision.Target -eq 'userInfo') {
                $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.EndpointUserInfo -f $decision.Message) -ErrorId 'EndpointHasUserInfo' -Category InvalidArgument -TargetObject $shown))
            }
            $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.EndpointInvalid -f $decision.Message) -ErrorId 'AZSREG_EINVALID' -Category InvalidArgument -TargetObject $shown))
        }
        if (-not $PSCmdlet.ShouldProcess($Name, 'Add environment')) { return }
        if ($PSCmdlet.ParameterSetName -eq 'ARMEndpoint') {
            # The options the module gives its clients (CA bundle, proxy, timeout, correlation ID, retries, logging).
            $discoveryOptions = Get-AzsClientOptionsJson -Cmdlet $cmdlet
            $json = Invoke-AzsNative -Cmdlet $cmdlet -TargetObject $ARMEndpoint -ScriptBlock { [AzsRegistration.Interop.Native]::EnvironmentDiscoverWith($Name, $ARMEndpoint, $discoveryOptions) }
        }
        else {
            $audience = $ActiveDirectoryServiceEndpointResourceId
            if (-not $audience) { $audience = $ResourceManagerEndpoint }
            $json = Invoke-AzsNative -Cmdlet $cmdlet -TargetObject $ResourceManagerEndpoint -ScriptBlock { [AzsRegistration.Interop.Native]::EnvironmentCustom($Name, $ResourceManagerEndpoint, $ActiveDirectoryEndpoint, $audience) }
        }
        [AzsRegistration.Interop.EnvironmentStore]::Set($Name, $json)
        $out = ConvertTo-AzsEnvironmentObject -Json $json
        Write-Verbose ($script:Strings.EnvironmentAdded -f $out.Name, $out.ResourceManagerUrl, $out.ActiveDirectoryAuthority, $out.ActiveDirectoryServiceEndpointResourceId)
        $out
    }
}
