function Register-AzsCustomerSubscription {
    <#
    .SYNOPSIS
    Registers customer subscriptions with one or more Azure Stack registrations.

    .DESCRIPTION
    Sends PUT .../registrations/{name}/customerSubscriptions/{id}?api-version=2017-06-01
    with {"properties":{"tenantId":"<guid>"}} for every customer subscription and every
    registration given (a tenant that uses several Azure Stack deployments must be added
    to each deployment's registration). The customer subscription ID is validated and
    sent in lowercase; -TenantId may be a GUID or a domain name (resolved to its GUID).
    A PUT overwrites an earlier mapping. Customer subscription IDs and tenant IDs bind
    from the pipeline by property name, so a CSV file with the columns
    CustomerSubscriptionId (or SubscriptionId) and TenantId can be piped in.

    Each failure is written as a non-terminating error (ErrorId = the ARM error code, such
    as UnauthorizedCspRegistration; the message carries the request ID) and the next item
    is sent. -WhatIf sends nothing.

    .PARAMETER Registration
    Registrations: objects from Get-AzsRegistration, or resource IDs. Alias: RegistrationId.

    .PARAMETER CustomerSubscriptionId
    The customer's Azure subscription ID(s) (GUID, braces allowed). Alias: SubscriptionId.
    Sent in lowercase (said in -Verbose). Nothing is trimmed, as with the azsreg command
    line: an ID with a trailing newline or space (read from a file or a CSV) is the error
    InvalidCustomerSubscriptionId naming it, and nothing is sent for that item.

    .PARAMETER TenantId
    The customer's directory (tenant): GUID or domain name. Aliases: CustomerTenantId, Tenant.
    Leave it out to send no tenant; an empty or blank value, surrounding whitespace, or a
    value that is neither a GUID nor a domain name with a dot is an error (ErrorId
    InvalidTenantId) and nothing is sent for that item.

    .PARAMETER DefaultProfile
    The context to use instead of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    $regs = Get-AzsRegistration -ResourceGroupName azurestack
    Import-Csv customers.csv | Register-AzsCustomerSubscription -Registration $regs

    .EXAMPLE
    Register-AzsCustomerSubscription -Registration $registrationId -CustomerSubscriptionId E09A4E93-29A7-4EBA-A6D4-76202383F07F -TenantId customer.onmicrosoft.com

    .OUTPUTS
    AzsRegistration.CustomerSubscription

    .LINK
    Get-AzsCustomerSubscription

    .LINK
    Unregister-AzsCustomerSubscription
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('AzsRegistration.CustomerSubscription')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('RegistrationId')]
        [ValidateNotNullOrEmpty()]
        [object[]] $Registration,

        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('SubscriptionId')]
        [ValidateNotNullOrEmpty()]
        [string[]] $CustomerSubscriptionId,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('CustomerTenantId', 'Tenant')]
        [string] $TenantId,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    begin {
        $context = $null
    }

    process {
        $cmdlet = $PSCmdlet
        if (-not $context) { $context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $cmdlet }
        $client = $context.Client
        $tenant = $TenantId
        if ($PSBoundParameters.ContainsKey('TenantId') -and [string]::IsNullOrWhiteSpace($tenant)) {
            # An empty tenant would send {"properties":{}} and erase the mapping's tenant:
            # refused before anything is sent. Leaving -TenantId out stays allowed.
            $cmdlet.WriteError((New-AzsErrorRecord -Message $script:Strings.TenantIdBlank -ErrorId 'InvalidTenantId' -Category InvalidArgument -TargetObject $TenantId))
            return
        }
        if ([string]::IsNullOrEmpty($tenant)) { $tenant = $null }
        else {
            # The library's rule (azsreg_tenant_check, as the CLI's --tenant-id): a GUID or a
            # domain name, nothing trimmed.
            $tenantDecision = [AzsRegistration.Interop.Native]::CheckTenant($tenant)
            if (-not $tenantDecision.Ok) {
                $cmdlet.WriteError((New-AzsErrorRecord -Message ($script:Strings.TenantIdInvalid -f $tenantDecision.Message) -ErrorId 'InvalidTenantId' -Category InvalidArgument -TargetObject $TenantId))
                return
            }
        }
        foreach ($reg in $Registration) {
            $regId = Resolve-AzsRegistrationId -Registration $reg
            if (-not $regId) {
                $cmdlet.WriteError((New-AzsErrorRecord -Message (Get-AzsRegistrationInvalidMessage -Registration $reg) -ErrorId 'InvalidRegistration' -Category InvalidArgument -TargetObject $reg))
                continue
            }
            $regName = ($regId -split '/')[-1]
            foreach ($cust in $CustomerSubscriptionId) {
                $custGiven = [string]$cust
                $custText = Test-AzsCustomerSubscriptionId -Cmdlet $cmdlet -Id $custGiven
                if (-not $custText) { continue }
                if ($custText -cne $custGiven) { Write-Verbose ($script:Strings.CustomerIdLowercase -f $custGiven, $custText) }
                $target = $script:Strings.TargetOnRegistration -f $custText, $regName
                $shownTenant = $tenant
                if (-not $shownTenant) { $shownTenant = '-' }
                if (-not $PSCmdlet.ShouldProcess($target, ($script:Strings.ActionRegister -f $custText, $shownTenant))) { continue }
                $json = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $custText -ScriptBlock { [AzsRegistration.Interop.Native]::CustomerPut($client, $regId, $custText, $tenant) }
                if ($json) { ConvertTo-AzsCustomerSubscriptionObject -Resource (ConvertFrom-Json -InputObject $json) -RegistrationId $regId }
            }
        }
    }
}
