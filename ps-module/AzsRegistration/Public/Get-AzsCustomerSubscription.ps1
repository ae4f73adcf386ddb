function Get-AzsCustomerSubscription {
    <#
    .SYNOPSIS
    Lists the customer subscriptions registered with Azure Stack registrations, or gets one.

    .DESCRIPTION
    Without -CustomerSubscriptionId every mapping of each registration is listed (all
    pages: nextLink is followed, empty pages and empty bodies are handled). With it, one
    mapping is read (CustomerSubscriptionNotFound when it is absent). Each failure is a
    non-terminating error; the next item is read.

    .PARAMETER Registration
    Registrations: objects from Get-AzsRegistration, or resource IDs. Alias: RegistrationId.

    .PARAMETER CustomerSubscriptionId
    One or more customer subscription IDs to read. Alias: SubscriptionId.

    .PARAMETER DefaultProfile
    The context to use instead of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    Get-AzsCustomerSubscription -Registration (Get-AzsRegistration -ResourceGroupName azurestack)

    .EXAMPLE
    Get-AzsCustomerSubscription -Registration $registrationId -CustomerSubscriptionId e09a4e93-29a7-4eba-a6d4-76202383f07f

    .OUTPUTS
    AzsRegistration.CustomerSubscription

    .LINK
    Register-AzsCustomerSubscription
    #>
    [CmdletBinding()]
    [OutputType('AzsRegistration.CustomerSubscription')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('RegistrationId')]
        [ValidateNotNullOrEmpty()]
        [object[]] $Registration,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('SubscriptionId')]
        [string[]] $CustomerSubscriptionId,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    process {
        $cmdlet = $PSCmdlet
        $context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $cmdlet
        $client = $context.Client
        foreach ($reg in $Registration) {
            $regId = Resolve-AzsRegistrationId -Registration $reg
            if (-not $regId) {
                $cmdlet.WriteError((New-AzsErrorRecord -Message (Get-AzsRegistrationInvalidMessage -Registration $reg) -ErrorId 'InvalidRegistration' -Category InvalidArgument -TargetObject $reg))
                continue
            }
            if ($CustomerSubscriptionId) {
                foreach ($cust in $CustomerSubscriptionId) {
                    $custText = Test-AzsCustomerSubscriptionId -Cmdlet $cmdlet -Id ([string]$cust)
                if (-not $custText) { continue }
                    $json = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $custText -ScriptBlock { [AzsRegistration.Interop.Native]::CustomerGet($client, $regId, $custText) }
                    if ($json) { ConvertTo-AzsCustomerSubscriptionObject -Resource (ConvertFrom-Json -InputObject $json) -RegistrationId $regId }
                }
            }
            else {
                $json = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $regId -ScriptBlock { [AzsRegistration.Interop.Native]::CustomerList($client, $regId) }
                foreach ($item in (ConvertFrom-AzsJsonText -Json $json)) {
                    if ($null -ne $item) { ConvertTo-AzsCustomerSubscriptionObject -Resource $item -RegistrationId $regId }
                }
            }
        }
    }
}
