using System.Collections;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// Get-AzsRegistration: registrations by resource ID, by name, or all of a resource group
    /// or subscription. Each failed read is a non-terminating error.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "AzsRegistration", DefaultParameterSetName = "ByName")]
    [OutputType("AzsRegistration.Registration")]
    public sealed class GetRegistrationCommand : AzsCmdlet
    {
        [Parameter(ParameterSetName = "ByResourceId", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ValidateNotNullOrEmpty]
        public string[] ResourceId { get; set; }

        [Parameter(ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SubscriptionId { get; set; }

        [Parameter(ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string ResourceGroupName { get; set; }

        [Parameter(ParameterSetName = "ByName", ValueFromPipelineByPropertyName = true)]
        [Alias("RegistrationName")]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        [Parameter]
        [Alias("AzureRmContext", "AzureCredential")]
        public object DefaultProfile { get; set; }

        protected override void ProcessRecord()
        {
            AzsContext context = GetContextForCall(DefaultProfile);
            ClientHandle client = context.Client;
            if (ParameterSetName == "ByResourceId")
            {
                foreach (string id in ResourceId)
                {
                    if (Stopping) { return; }
                    string regId = id;
                    string json;
                    if (TryInvokeNative(() => Native.RegistrationGet(client, regId), out json, regId) && !string.IsNullOrEmpty(json))
                    {
                        WriteRegistration(JsonPs.Parse(json));
                    }
                }
                return;
            }

            string sub = SubscriptionId;
            if (string.IsNullOrEmpty(sub)) { sub = context.SubscriptionId; }
            if (string.IsNullOrEmpty(sub))
            {
                Stop(Strings.RegistrationSubscriptionRequired, "SubscriptionRequired", ErrorCategory.InvalidArgument);
            }
            if (!string.IsNullOrEmpty(Name) && string.IsNullOrEmpty(ResourceGroupName))
            {
                Stop(Strings.RegistrationResourceGroupRequired, "ResourceGroupRequired", ErrorCategory.InvalidArgument, Name);
            }
            if (!string.IsNullOrEmpty(Name))
            {
                string id = "/subscriptions/" + sub + "/resourceGroups/" + ResourceGroupName + "/providers/Microsoft.AzureStack/registrations/" + Name;
                string json;
                if (TryInvokeNative(() => Native.RegistrationGet(client, id), out json, id) && !string.IsNullOrEmpty(json))
                {
                    WriteRegistration(JsonPs.Parse(json));
                }
                return;
            }

            string collection = "/subscriptions/" + sub + "/providers/Microsoft.AzureStack/registrations";
            if (!string.IsNullOrEmpty(ResourceGroupName))
            {
                collection = "/subscriptions/" + sub + "/resourceGroups/" + ResourceGroupName + "/providers/Microsoft.AzureStack/registrations";
            }
            string pageJson;
            bool ok = TryInvokeNative(() =>
            {
                int status;
                return Native.ResourceRequest(client, "GET", collection, Native.DefaultApiVersion(), null, null, Native.RequestFollowPages, out status);
            }, out pageJson, collection);
            if (!ok || string.IsNullOrWhiteSpace(pageJson)) { return; }
            object page = JsonPs.Parse(pageJson);
            object value = JsonPs.Member(page, "value");
            if (value == null) { return; }
            IList list = PSObject.AsPSObject(value).BaseObject as IList;
            if (list == null)
            {
                WriteRegistration(value);
                return;
            }
            foreach (object r in list)
            {
                if (Stopping) { return; }
                if (r != null) { WriteRegistration(r); }
            }
        }

        private void WriteRegistration(object resource)
        {
            if (resource == null) { return; }
            WriteObject(Output.RegistrationObject(resource));
        }
    }
}
