function Connect-AzureRmAccount {
    <#
    .SYNOPSIS
    Signs in to Azure (or a custom cloud) and makes the context the commands of this module use.

    .DESCRIPTION
    Connect-AzureRmAccount (aliases Add-AzureRmAccount, Login-AzureRmAccount) keeps the
    parameter sets of the AzureRM command that runbooks use. It signs in at once through
    the native library, resolves the tenant (a GUID or a domain such as
    contoso.onmicrosoft.com), looks the subscription up with GET /subscriptions (unless
    -SkipContextPopulation) and keeps the context for this process: every runspace,
    ForEach-Object -Parallel block and thread job of the process uses it.

    Without a sign-in parameter it signs in interactively with a device code: the message
    saying where to go and which code to enter is written as a warning, then the command
    waits until the sign-in is completed in a browser.

    Secrets (-Credential password, -CertificatePassword) go from their SecureString to
    native memory without becoming .NET strings and never appear in -Verbose or -Debug.

    The CA bundle used to verify TLS is the system store, SSL_CERT_FILE / CURL_CA_BUNDLE, or
    AZSREG_CA_FILE (passed to the library as its caFile option).

    .PARAMETER Credential
    With -ServicePrincipal: user name = application (client) ID, password = client secret.
    Without -ServicePrincipal: a user name (UPN) and password, signed in with the resource
    owner password grant through the Azure PowerShell public client, as AzureRM did
    (Get-AutomationPSCredential in runbooks). Works for accounts without MFA only; an
    account that needs MFA fails with AADSTS50076 and a hint to use -UseDeviceAuthentication.
    The password goes from its SecureString to native memory without becoming a .NET string.

    .PARAMETER UseDeviceAuthentication
    Interactive sign-in with a device code (the default when no other sign-in is given).
    Aliases: DeviceCode, DeviceAuth, Device.

    .PARAMETER ServicePrincipal
    Signs in as a service principal (with -Credential, -CertificateThumbprint or -CertificatePath).

    .PARAMETER CertificateThumbprint
    Thumbprint of a certificate with a private key in Cert:\CurrentUser\My, else
    Cert:\LocalMachine\My (read through X509Store, on every platform). The private key
    stays in .NET: the library asks it to sign the client assertion.

    .PARAMETER CertificatePath
    Path of a certificate file with its private key: PKCS#12 (.pfx/.p12) or PEM.

    .PARAMETER CertificatePassword
    Password of the -CertificatePath file, as a SecureString.

    .PARAMETER ApplicationId
    Application (client) ID of the service principal for the certificate sets.

    .PARAMETER AccessToken
    An ARM access token to use as it is (no renewal): a string, or a SecureString (what
    Get-AzAccessToken returns in .Token in newer Az versions; it goes to native memory
    without becoming a .NET string), or an object with a Token member holding either.

    .PARAMETER AccountId
    With -AccessToken: the account name the context shows. With -Identity: the client ID
    or resource ID of a user-assigned managed identity.

    .PARAMETER GraphAccessToken
    Accepted for compatibility; not used.

    .PARAMETER KeyVaultAccessToken
    Accepted for compatibility; not used.

    .PARAMETER Identity
    Signs in with the managed identity of the host (Azure Automation, App Service:
    IDENTITY_ENDPOINT/IDENTITY_HEADER; older sandboxes MSI_ENDPOINT/MSI_SECRET; VMs and
    Hybrid Workers: IMDS). Aliases: MSI, ManagedService.

    .PARAMETER Environment
    The cloud: AzureCloud (default), AzureChinaCloud, AzureUSGovernment, AzureGermanCloud,
    or one added with Add-AzureRmEnvironment. Alias: EnvironmentName.

    .PARAMETER TenantId
    Tenant (directory) as a GUID or a domain name. Aliases: Tenant, Domain.

    .PARAMETER Subscription
    Subscription ID or name to select. Aliases: SubscriptionId, SubscriptionName.

    .PARAMETER ContextName
    Name of the context (default: "<subscription name> (<subscription id>) - <account>").

    .PARAMETER Scope
    Process or CurrentUser. Contexts always live in this process only (never on disk).

    .PARAMETER Force
    Replaces a context of the same name without asking.

    .PARAMETER SkipContextPopulation
    Does not look the subscription up (no GET /subscriptions).

    .EXAMPLE
    $cred = Get-Credential   # user name: application ID, password: client secret
    Connect-AzureRmAccount -ServicePrincipal -Credential $cred -TenantId contoso.onmicrosoft.com

    .EXAMPLE
    $c = Get-AutomationConnection -Name AzureRunAsConnection
    Add-AzureRmAccount -ServicePrincipal -TenantId $c.TenantId -ApplicationId $c.ApplicationId -CertificateThumbprint $c.CertificateThumbprint

    .EXAMPLE
    Connect-AzureRmAccount -Identity

    .EXAMPLE
    $cred = Get-AutomationPSCredential -Name 'AzureStackOperator'
    Add-AzureRmAccount -Credential $cred -TenantId contoso.onmicrosoft.com

    .EXAMPLE
    Add-AzureRmEnvironment -Name AzureStackAdmin -ARMEndpoint https://adminmanagement.local.azurestack.external
    Connect-AzureRmAccount -Environment AzureStackAdmin -UseDeviceAuthentication -TenantId contoso.onmicrosoft.com

    .OUTPUTS
    AzsRegistration.Profile: an object whose Context shows Account, SubscriptionName, TenantId, Environment.

    .LINK
    Get-AzureRmContext

    .LINK
    Add-AzureRmEnvironment

    .LINK
    about_AzsRegistration
    #>
    [CmdletBinding(DefaultParameterSetName = 'UserWithSubscriptionId', SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [Alias('Add-AzureRmAccount', 'Login-AzureRmAccount')]
    [OutputType('AzsRegistration.Profile')]
    param(
        [Parameter(ParameterSetName = 'UserWithSubscriptionId')]
        [Parameter(ParameterSetName = 'ServicePrincipalWithSubscriptionId', Mandatory = $true)]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter(ParameterSetName = 'UserWithSubscriptionId')]
        [Alias('DeviceCode', 'DeviceAuth', 'Device')]
        [switch] $UseDeviceAuthentication,

        [Parameter(ParameterSetName = 'ServicePrincipalWithSubscriptionId', Mandatory = $true)]
        [Parameter(ParameterSetName = 'ServicePrincipalCertificateWithSubscriptionId')]
        [Parameter(ParameterSetName = 'ServicePrincipalCertificateFileWithSubscriptionId')]
        [switch] $ServicePrincipal,

        [Parameter(ParameterSetName = 'ServicePrincipalCertificateWithSubscriptionId', Mandatory = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $CertificateThumbprint,

        [Parameter(ParameterSetName = 'ServicePrincipalCertificateFileWithSubscriptionId', Mandatory = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $CertificatePath,

        [Parameter(ParameterSetName = 'ServicePrincipalCertificateFileWithSubscriptionId')]
        [System.Security.SecureString] $CertificatePassword,

        [Parameter(ParameterSetName = 'ServicePrincipalCertificateWithSubscriptionId', Mandatory = $true)]
        [Parameter(ParameterSetName = 'ServicePrincipalCertificateFileWithSubscriptionId', Mandatory = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $ApplicationId,

        [Parameter(ParameterSetName = 'AccessTokenWithSubscriptionId', Mandatory = $true)]
        [ValidateNotNullOrEmpty()]
        [object] $AccessToken,

        [Parameter(ParameterSetName = 'AccessTokenWithSubscriptionId')]
        [string] $GraphAccessToken,

        [Parameter(ParameterSetName = 'AccessTokenWithSubscriptionId')]
        [string] $KeyVaultAccessToken,

        [Parameter(ParameterSetName = 'AccessTokenWithSubscriptionId', Mandatory = $true)]
        [Parameter(ParameterSetName = 'ManagedServiceLogin')]
        [ValidateNotNullOrEmpty()]
        [string] $AccountId,

        [Parameter(ParameterSetName = 'ManagedServiceLogin', Mandatory = $true)]
        [Alias('MSI', 'ManagedService')]
        [switch] $Identity,

        [Alias('EnvironmentName')]
        [ValidateNotNullOrEmpty()]
        [string] $Environment = 'AzureCloud',

        [Parameter(ParameterSetName = 'UserWithSubscriptionId')]
        [Parameter(ParameterSetName = 'ServicePrincipalWithSubscriptionId', Mandatory = $true)]
        [Parameter(ParameterSetName = 'ServicePrincipalCertificateWithSubscriptionId', Mandatory = $true)]
        [Parameter(ParameterSetName = 'ServicePrincipalCertificateFileWithSubscriptionId', Mandatory = $true)]
        [Parameter(ParameterSetName = 'AccessTokenWithSubscriptionId')]
        [Parameter(ParameterSetName = 'ManagedServiceLogin')]
        [Alias('Domain', 'Tenant')]
        [ValidateNotNullOrEmpty()]
        [string] $TenantId,

        [Alias('SubscriptionName', 'SubscriptionId')]
        [ValidateNotNullOrEmpty()]
        [string] $Subscription,

        [string] $ContextName,

        [ValidateSet('Process', 'CurrentUser')]
        [string] $Scope = 'Process',

        [switch] $SkipContextPopulation,

        [switch] $Force
    )

    process {
        $cmdlet = $PSCmdlet
        $envJson = Resolve-AzsEnvironmentJson -Name $Environment -Cmdlet $cmdlet
        $envObject = ConvertFrom-Json -InputObject $envJson
        $envName = [string](Get-AzsMemberValue $envObject 'name')
        if (-not $envName) { $envName = $Environment }
        if ($Scope -eq 'CurrentUser') { Write-Verbose $script:Strings.ScopeCurrentUser }

        $tenantForToken = $TenantId
        $accountOverride = $null
        $accountType = 'User'
        $kind = $null
        $nativeCredential = $null
        $set = $PSCmdlet.ParameterSetName

        switch ($set) {
            'ServicePrincipalWithSubscriptionId' {
                $kind = 'ClientSecret'; $accountType = 'ServicePrincipal'
                $appId = $Credential.UserName
                $secret = $Credential.Password
                $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewClientSecretCredential($TenantId, $appId, $secret) }
                $accountOverride = $appId
            }
            'ServicePrincipalCertificateWithSubscriptionId' {
                $kind = 'Certificate'; $accountType = 'ServicePrincipal'
                $cert = $null
                $thumb = ($CertificateThumbprint -replace '[\s:]', '').ToUpperInvariant()
                foreach ($location in @('CurrentUser', 'LocalMachine')) {
                    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', $location
                    try {
                        $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly -bor [System.Security.Cryptography.X509Certificates.OpenFlags]::OpenExistingOnly)
                        $found = $store.Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $thumb, $false)
                        foreach ($c in $found) {
                            if (-not $cert) { $cert = $c; Write-Verbose ($script:Strings.CertificateFound -f $c.Thumbprint, $c.Subject, "Cert:\$location\My") }
                        }
                    }
                    catch [System.Security.Cryptography.CryptographicException] {
                        # The store does not exist for this location (common for LocalMachine on Linux).
                        Write-Debug "Cert:\$location\My cannot be opened: $($_.Exception.Message)"
                    }
                    finally {
                        $store.Close()
                    }
                    if ($cert) { break }
                }
                if (-not $cert) {
                    $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.CertificateNotFound -f $thumb) -ErrorId 'CertificateNotFound' -Category ObjectNotFound -TargetObject $CertificateThumbprint))
                }
                if (-not $cert.HasPrivateKey) {
                    $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.CertificateNoPrivateKey -f $thumb) -ErrorId 'CertificateNoPrivateKey' -Category InvalidArgument -TargetObject $CertificateThumbprint))
                }
                $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewCertificateCallbackCredential($TenantId, $ApplicationId, $cert) }
                $accountOverride = $ApplicationId
            }
            'ServicePrincipalCertificateFileWithSubscriptionId' {
                $kind = 'Certificate'; $accountType = 'ServicePrincipal'
                $path = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CertificatePath)
                if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
                    $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.CertificatePathNotFound -f $path) -ErrorId 'CertificatePathNotFound' -Category ObjectNotFound -TargetObject $CertificatePath))
                }
                $password = $CertificatePassword
                $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewCertificateFileCredential($TenantId, $ApplicationId, $path, $password) }
                $accountOverride = $ApplicationId
            }
            'AccessTokenWithSubscriptionId' {
                $kind = 'AccessToken'; $accountType = 'AccessToken'
                $token = $AccessToken
                if ($token -isnot [string] -and $token -isnot [System.Security.SecureString] -and $null -ne $token -and $token.PSObject.Properties['Token']) {
                    # The whole result of Get-AzAccessToken.
                    $token = $token.Token
                }
                if ($token -is [System.Management.Automation.PSObject]) { $token = $token.PSObject.BaseObject }
                if ($token -isnot [string] -and $token -isnot [System.Security.SecureString]) {
                    $typeName = '$null'
                    if ($null -ne $token) { $typeName = $token.GetType().FullName }
                    $cmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message "-AccessToken takes the token as a string or a SecureString (Get-AzAccessToken().Token), not $typeName." -ErrorId 'InvalidAccessToken' -Category InvalidArgument))
                }
                if ($token -is [System.Security.SecureString]) {
                    $secureToken = $token
                    $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewAccessTokenCredential([System.Security.SecureString] $secureToken) }
                }
                else {
                    $plainToken = [string] $token
                    $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewAccessTokenCredential([string] $plainToken) }
                }
                $accountOverride = $AccountId
            }
            'ManagedServiceLogin' {
                $kind = 'ManagedIdentity'; $accountType = 'ManagedService'
                $miClient = $null; $miResource = $null
                # $env: changes made in this session do not reach the native getenv on Unix: pass them.
                $miEndpoint = $env:IDENTITY_ENDPOINT; $miHeader = $env:IDENTITY_HEADER; $imds = $env:AZSREG_IMDS_ENDPOINT
                if (-not $miEndpoint -or -not $miHeader) { $miEndpoint = $null; $miHeader = $null }
                if ($AccountId) {
                    if ($AccountId -match '^/?subscriptions/') { $miResource = $AccountId } else { $miClient = $AccountId }
                }
                $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewManagedIdentityCredential($miClient, $miResource, $miEndpoint, $miHeader, $imds) }
                $accountOverride = $script:Strings.ManagedIdentityAccount -f '50342'
                if ($AccountId) { $accountOverride = $AccountId }
            }
            default {
                if ($Credential -and -not $UseDeviceAuthentication) {
                    # A user name and password (resource owner password grant), as AzureRM's
                    # Add-AzureRmAccount -Credential did; accounts with MFA must use -UseDeviceAuthentication.
                    $kind = 'UserPassword'; $accountType = 'User'
                    if (-not $tenantForToken) { $tenantForToken = 'organizations' }
                    $userName = $Credential.UserName
                    $password = $Credential.Password
                    $publicClient = $env:AZSREG_PASSWORD_CLIENT_ID
                    if (-not $publicClient) { $publicClient = [NullString]::Value }
                    $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -TargetObject $userName -ScriptBlock { [AzsRegistration.Interop.Native]::NewUsernamePasswordCredential($tenantForToken, $publicClient, $userName, $password) }
                    $accountOverride = $userName
                    break
                }
                $kind = 'DeviceCode'; $accountType = 'User'
                if (-not $tenantForToken) { $tenantForToken = 'organizations' }
                $publicClient = $env:AZSREG_PUBLIC_CLIENT_ID
                # The library's default (azsreg_default_public_client_id): the same client as `azsreg --device-code`.
                if (-not $publicClient) { $publicClient = [AzsRegistration.Interop.Native]::DefaultPublicClientId() }
                $nativeCredential = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewDeviceCodeCredential($tenantForToken, $publicClient) }
            }
        }

        $optionsJson = Get-AzsClientOptionsJson -EnvironmentJson $envJson -TenantId $tenantForToken -Cmdlet $PSCmdlet
        $describe = [AzsRegistration.Interop.Native]::DescribeCredential($nativeCredential)
        $endpoint = [string](Get-AzsMemberValue $envObject 'resourceManagerUrl')
        if (-not $PSCmdlet.ShouldProcess(($script:Strings.SigningIn -f $envName, $endpoint, $describe), $describe, 'Connect-AzureRmAccount')) {
            $nativeCredential.Dispose()
            return
        }
        $client = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::NewClient($optionsJson, $nativeCredential) }

        $signInJson = $null
        try {
            if ($kind -eq 'DeviceCode') {
                $prompt = { param($message) $cmdlet.WriteWarning($message) }.GetNewClosure()
                [AzsRegistration.Interop.Native]::SetDeviceCodePrompt([System.Action[string]] $prompt)
                Write-Verbose $script:Strings.DeviceCodeWaiting
            }
            $extraHints = @{}
            if ($kind -eq 'UserPassword') {
                foreach ($code in @('AADSTS50076', 'AADSTS50079', 'AADSTS50158', 'AADSTS50072', 'interaction_required')) { $extraHints[$code] = $script:Strings.PasswordNeedsInteraction }
            }
            $signInJson = Invoke-AzsNative -Cmdlet $cmdlet -ExtraHint $extraHints -ScriptBlock { [AzsRegistration.Interop.Native]::SignIn($client) }
        }
        catch {
            $client.Dispose()
            $nativeCredential.Dispose()
            throw
        }
        finally {
            [AzsRegistration.Interop.Native]::SetDeviceCodePrompt($null)
        }
        $signIn = ConvertFrom-Json -InputObject $signInJson

        # Tenant: what the token says; else the one given, resolved to its GUID.
        $tenant = [string](Get-AzsMemberValue $signIn 'tenantId')
        if ($TenantId) {
            # A GUID by the library's rule (azsreg_guid_normalize), else a domain name to resolve.
            $tenantGuid = [AzsRegistration.Interop.Native]::CheckGuid($TenantId, 'tenant ID')
            if (-not $tenantGuid.Ok) {
                $resolved = Invoke-AzsNative -Cmdlet $cmdlet -ScriptBlock { [AzsRegistration.Interop.Native]::TenantResolve($client, $TenantId) }
                Write-Verbose ($script:Strings.TenantResolved -f $TenantId, $resolved)
                if (-not $tenant -or $tenant -eq $TenantId) { $tenant = $resolved }
            }
            elseif (-not $tenant) {
                $tenant = $tenantGuid.Value
            }
        }

        $account = $accountOverride
        if (-not $account) { $account = [string](Get-AzsMemberValue $signIn 'account') }
        if (-not $account) { $account = $describe }
        Write-Verbose ($script:Strings.SignedIn -f $account, $tenant)

        $extended = @{}
        if ($set -eq 'ServicePrincipalCertificateWithSubscriptionId') { $extended['CertificateThumbprint'] = $thumb }
        $envInfo = ConvertTo-AzsEnvironmentObject -Json $envJson
        if (-not $envInfo.Name) { $envInfo.Name = $envName }

        $context = New-Object AzsRegistration.Interop.AzsContext
        $context.Account = New-AzsAccountObject -Id $account -Type $accountType -TenantId $tenant -ExtendedProperties $extended
        $context.TenantId = $tenant
        $context.Environment = $envInfo
        $context.EnvironmentJson = $envJson
        $context.CredentialKind = $kind
        $context.ClientOptionsJson = $optionsJson
        $context.Client = $client
        $context.Credential = $nativeCredential

        if ($SkipContextPopulation) {
            Write-Verbose $script:Strings.SkipPopulation
            if ($Subscription) {
                $subscriptionGuid = [AzsRegistration.Interop.Native]::CheckGuid($Subscription, 'subscription ID')
                if ($subscriptionGuid.Ok) { $context.SubscriptionId = $subscriptionGuid.Value } else { $context.SubscriptionName = $Subscription }
            }
        }
        else {
            $subs = @(Get-AzsSubscriptionList -Context $context -Cmdlet $cmdlet)
            $chosen = Select-AzsSubscription -Subscriptions $subs -Subscription $Subscription -TenantId $tenant -Cmdlet $cmdlet
            if ($chosen) {
                $context.SubscriptionId = $chosen.Id
                $context.SubscriptionName = $chosen.Name
                Write-Verbose ($script:Strings.SubscriptionSelected -f $chosen.Id, $chosen.Name)
            }
            else {
                Write-Verbose ($script:Strings.NoSubscription -f $tenant)
            }
        }

        if ($context.SubscriptionId) { $context.Account.ExtendedProperties['Subscriptions'] = $context.SubscriptionId }
        if ($ContextName) {
            $context.Name = $ContextName
        }
        elseif ($context.SubscriptionId) {
            $context.Name = '{0} ({1}) - {2}' -f $context.SubscriptionName, $context.SubscriptionId, $account
        }
        else {
            $context.Name = '{0} - {1}' -f $account, $tenant
        }
        [AzsRegistration.Interop.ContextStore]::Set($context)
        [AzsRegistration.Interop.ContextStore]::Current = $context
        New-AzsProfileObject -Context $context
    }
}
