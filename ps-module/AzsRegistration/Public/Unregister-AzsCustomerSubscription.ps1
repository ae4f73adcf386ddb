function Unregister-AzsCustomerSubscription {
    <#
    .SYNOPSIS
    Removes customer subscriptions from Azure Stack registrations.

    .DESCRIPTION
    Sends DELETE .../registrations/{name}/customerSubscriptions/{id}?api-version=2017-06-01.
    The tenant's later usage is billed to the registration's default subscription. Asks
    for confirmation unless -Force (or -Confirm:$false) is given; in a host that cannot
    prompt (pwsh -NonInteractive, Azure Automation) it fails with an error saying to add
    -Force. -WhatIf never prompts and sends nothing. A mapping that did not exist (204) is
    reported in -Verbose. Each failure is a non-terminating error; the next item is sent.

    .PARAMETER Registration
    Registrations: objects from Get-AzsRegistration, or resource IDs. Alias: RegistrationId.

    .PARAMETER CustomerSubscriptionId
    The customer subscription ID(s) to remove. Alias: SubscriptionId.

    .PARAMETER Force
    Removes without asking.

    .PARAMETER DefaultProfile
    The context to use instead of the current one. Aliases: AzureRmContext, AzureCredential.

    .EXAMPLE
    Unregister-AzsCustomerSubscription -Registration $reg -CustomerSubscriptionId e09a4e93-29a7-4eba-a6d4-76202383f07f -Force

    .EXAMPLE
    Get-AzsCustomerSubscription -Registration $reg | Unregister-AzsCustomerSubscription -WhatIf

    .OUTPUTS
    None

    .LINK
    Register-AzsCustomerSubscription
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('RegistrationId')]
        [ValidateNotNullOrEmpty()]
        [object[]] $Registration,

        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('SubscriptionId')]
        [ValidateNotNullOrEmpty()]
        [string[]] $CustomerSubscriptionId,

        [switch] $Force,

        [Alias('AzureRmContext', 'AzureCredential')]
        [object] $DefaultProfile
    )

    begin {
        if ($Force -and -not $WhatIfPreference) { $ConfirmPreference = 'None' }
        $wouldPrompt = (-not $WhatIfPreference) -and ($ConfirmPreference -ne 'None')
        if ($wouldPrompt -and -not (Test-AzsInteractiveHost)) {
            $PSCmdlet.ThrowTerminatingError((New-AzsErrorRecord -Message ($script:Strings.NonInteractiveNeedsForce -f 'Unregister-AzsCustomerSubscription') -ErrorId 'ConfirmationRequiresForce' -Category InvalidOperation))
        }
        $context = $null
    }

    process {
        $cmdlet = $PSCmdlet
        if (-not $context) { $context = Get-AzsContextForCall -DefaultProfile $DefaultProfile -Cmdlet $cmdlet }
        $client = $context.Client
        foreach ($reg in $Registration) {
            $regId = Resolve-AzsRegistrationId -Registration $reg
            if (-not $regId) {
                $cmdlet.WriteError((New-AzsErrorRecord -Message (Get-AzsRegistrationInvalidMessage -Registration $reg) -ErrorId 'InvalidRegistration' -Category InvalidArgument -TargetObject $reg))
                continue
            }
            $regName = ($regId -split '/')[-1]
            foreach ($cust in $CustomerSubscriptionId) {
                $custText = Test-AzsCustomerSubscriptionId -Cmdlet $cmdlet -Id ([string]$cust)
                if (-not $custText) { continue }
                $target = $script:Strings.TargetOnRegistration -f $custText, $regName
                if (-not $PSCmdlet.ShouldProcess($target, ($script:Strings.ActionUnregister -f $custText))) { continue }
                $existed = Invoke-AzsNative -Cmdlet $cmdlet -NonTerminating -TargetObject $custText -ScriptBlock { [AzsRegistration.Interop.Native]::CustomerDelete($client, $regId, $custText) }
                if ($existed -eq $false) { Write-Verbose ($script:Strings.NotRemoved -f $custText, $regName) }
            }
        }
    }
}
