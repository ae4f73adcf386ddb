using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Add-AzureRmEnvironment: adds a custom cloud (such as an Azure Stack Hub's Resource
    /// Manager), by its ARM endpoint (the endpoints are read from {ARMEndpoint}/metadata/endpoints
    /// through the native library) or by explicit endpoints (no network). The environment
    /// lives in this process (every runspace sees it).
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "AzureRmEnvironment", DefaultParameterSetName = NameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(AzsEnvironment))]
    public sealed class AddAzureRmEnvironmentCommand : AzsCmdlet
    {
        /// <summary>The explicit endpoints set (default).</summary>
        public const string NameSet = "Name";
        /// <summary>The set that reads the endpoints from the ARM endpoint's metadata.</summary>
        public const string ArmEndpointSet = "ARMEndpoint";

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter(ParameterSetName = ArmEndpointSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ArmUrl")]
        [ValidateNotNullOrEmpty]
        public string ARMEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("ResourceManager", "ResourceManagerUrl")]
        [ValidateNotNullOrEmpty]
        public string ResourceManagerEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AdEndpointUrl", "ActiveDirectory", "ActiveDirectoryAuthority")]
        [ValidateNotNullOrEmpty]
        public string ActiveDirectoryEndpoint { get; set; }

        [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        public string ActiveDirectoryServiceEndpointResourceId { get; set; }

        /// <summary>Accepted for compatibility; the library reads the gallery from metadata.</summary>
        [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Gallery", "GalleryUrl")]
        public string GalleryEndpoint { get; set; }

        /// <summary>Accepted for compatibility; not used.</summary>
        [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Graph", "GraphUrl")]
        public string GraphEndpoint { get; set; }

        /// <summary>Accepted for compatibility; AD FS is detected from a login endpoint ending in /adfs.</summary>
        [Parameter(ParameterSetName = NameSet)]
        public SwitchParameter EnableAdfsAuthentication { get; set; }

        /// <summary>Accepted for compatibility; not used.</summary>
        [Parameter]
        public string AzureKeyVaultDnsSuffix { get; set; }

        /// <summary>Accepted for compatibility; not used.</summary>
        [Parameter]
        public string AzureKeyVaultServiceEndpointResourceId { get; set; }

        /// <summary>Accepted for compatibility; not used.</summary>
        [Parameter]
        [Alias("StorageEndpointSuffix")]
        public string StorageEndpoint { get; set; }

        protected override void ProcessRecord()
        {
            // The library's endpoint rule (azsreg_endpoint_check), before anything is shown or
            // sent: user info (user:password@) is EndpointHasUserInfo and the URL is only ever
            // shown redacted by the library; any other problem (plain http, a query, a fragment,
            // a dot segment, a bad port) is the library's AZSREG_EINVALID.
            CheckEndpoint(ARMEndpoint, Strings.WhatArmEndpoint);
            CheckEndpoint(ResourceManagerEndpoint, Strings.WhatResourceManagerEndpoint);
            CheckEndpoint(ActiveDirectoryEndpoint, Strings.WhatActiveDirectoryEndpoint);
            if (!ShouldProcess(Name, Strings.AddEnvironmentAction)) { return; }
            string name = Name;
            string json;
            if (ParameterSetName == ArmEndpointSet)
            {
                // The options the module gives its clients (CA bundle, proxy, timeout, correlation ID, retries, logging).
                string discoveryOptions = ClientOptionsJson(null, null);
                string arm = ARMEndpoint;
                json = InvokeNative(() => Native.EnvironmentDiscoverWith(name, arm, discoveryOptions), arm);
            }
            else
            {
                string rm = ResourceManagerEndpoint;
                string ad = ActiveDirectoryEndpoint;
                string audience = ActiveDirectoryServiceEndpointResourceId;
                if (string.IsNullOrEmpty(audience)) { audience = rm; }
                json = InvokeNative(() => Native.EnvironmentCustom(name, rm, ad, audience), rm);
            }
            EnvironmentStore.Set(name, json);
            AzsEnvironment result = Output.EnvironmentObject(json);
            WriteVerbose(Strings.F(Strings.EnvironmentAdded, result.Name, result.ResourceManagerUrl, result.ActiveDirectoryAuthority, result.ActiveDirectoryServiceEndpointResourceId));
            WriteObject(result);
        }

        private void CheckEndpoint(string url, string what)
        {
            if (string.IsNullOrEmpty(url)) { return; }
            // The message quotes the URL: the library redacts user info and escapes control characters in it.
            Native.InputDecision decision = Native.CheckEndpoint(url, Strings.F(Strings.WhatEndpointNamed, what, url));
            if (decision.Ok) { return; }
            string shown = Native.Redact(url);
            if (decision.Target == "userInfo")
            {
                Stop(Strings.F(Strings.EndpointUserInfo, decision.Message), "EndpointHasUserInfo", ErrorCategory.InvalidArgument, shown);
            }
            Stop(Strings.F(Strings.EndpointInvalid, decision.Message), "AZSREG_EINVALID", ErrorCategory.InvalidArgument, shown);
        }
    }
}
