// JSON answers of Azure Resource Manager -> the AzureRM-shaped resource objects of the
// *-AzureRmResource cmdlets (was Private/ConvertTo-AzsResourceObject.ps1: Get-AzsResourceIdParts,
// Get-AzsJsonMember, ConvertTo-AzsResourceObject, New-AzsResourceFromRequest). The JSON
// itself is read by JsonPs.Parse (ConvertFrom-AzsJson).
using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// The parts of an ARM resource ID, as AzureRM's ResourceIdUtility splits it
    /// (Get-AzsResourceIdParts). Members that the ID does not have are null.
    /// </summary>
    public sealed class ResourceIdParts
    {
        public string SubscriptionId { get; internal set; }
        public string ResourceGroupName { get; internal set; }
        /// <summary>The provider namespace of the first providers block ("Microsoft.AzureStack").</summary>
        public string Namespace { get; internal set; }
        /// <summary>The types after the namespace ("registrations/customerSubscriptions").</summary>
        public string TypePath { get; internal set; }
        /// <summary>"Microsoft.AzureStack/registrations/customerSubscriptions".</summary>
        public string ResourceType { get; internal set; }
        /// <summary>The names of every level, joined with '/' ("reg/customerSub").</summary>
        public string ResourceName { get; internal set; }
        /// <summary>The last name.</summary>
        public string Name { get; internal set; }
        public string ExtensionResourceType { get; internal set; }
        public string ExtensionResourceName { get; internal set; }
        /// <summary>The ID ends with a type, not a name.</summary>
        public bool IsCollection { get; internal set; }
    }

    /// <summary>
    /// ARM answers -> resource objects (Name, ResourceId, ResourceName, ResourceType, ...),
    /// exactly as the module's script helpers built them.
    /// </summary>
    public static class ResourceObject
    {
        private const string ResourceTypeName = "Microsoft.Azure.Resource";

        private sealed class Block
        {
            public string Namespace;
            public readonly List<string> Types = new List<string>();
            public readonly List<string> Names = new List<string>();
        }

        private static bool Same(string a, string b)
        {
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }

        /// <summary>
        /// Get-AzsResourceIdParts: splits an ARM resource ID (with or without leading '/').
        /// The keywords subscriptions, resourceGroups and providers match in any case.
        /// </summary>
        public static ResourceIdParts IdParts(string resourceId)
        {
            if (resourceId == null) { throw new ArgumentNullException("resourceId"); }
            string[] segs = resourceId.Trim('/').Split('/');
            var r = new ResourceIdParts();
            int i = 0;
            if (segs.Length >= 2 && Same(segs[0], "subscriptions")) { r.SubscriptionId = segs[1]; i = 2; }
            if (segs.Length >= i + 2 && Same(segs[i], "resourceGroups")) { r.ResourceGroupName = segs[i + 1]; i += 2; }
            // Blocks: providers/{namespace}/{type}/{name}/{type}/{name}...[/providers/{ns}/{type}/{name}...]
            var blocks = new List<Block>();
            while (i < segs.Length)
            {
                if (Same(segs[i], "providers") && i + 1 < segs.Length)
                {
                    blocks.Add(new Block { Namespace = segs[i + 1] });
                    i += 2;
                    continue;
                }
                if (blocks.Count == 0) { break; }
                Block b = blocks[blocks.Count - 1];
                b.Types.Add(segs[i]);
                if (i + 1 < segs.Length) { b.Names.Add(segs[i + 1]); }
                i += 2;
            }
            if (blocks.Count >= 1)
            {
                Block b = blocks[0];
                r.Namespace = b.Namespace;
                r.TypePath = string.Join("/", b.Types);
                r.ResourceType = b.Types.Count > 0 ? b.Namespace + "/" + r.TypePath : b.Namespace;
                if (b.Names.Count > 0)
                {
                    r.ResourceName = string.Join("/", b.Names);
                    r.Name = b.Names[b.Names.Count - 1];
                }
                Block last = blocks[blocks.Count - 1];
                r.IsCollection = last.Names.Count < last.Types.Count;
                if (blocks.Count >= 2)
                {
                    r.ExtensionResourceType = last.Namespace + "/" + string.Join("/", last.Types);
                    if (last.Names.Count > 0)
                    {
                        r.ExtensionResourceName = string.Join("/", last.Names);
                        r.Name = last.Names[last.Names.Count - 1];
                    }
                }
            }
            else if (r.ResourceGroupName != null && i >= segs.Length)
            {
                r.ResourceType = "Microsoft.Resources/resourceGroups";
                r.ResourceName = r.ResourceGroupName;
                r.Name = r.ResourceGroupName;
            }
            return r;
        }

        /// <summary>
        /// Get-AzsJsonMember: a member of a parsed JSON object (a PSObject), case-insensitively;
        /// null when the object is not a PSObject, the member is absent or its value is null.
        /// Arrays are returned as they are (not unrolled).
        /// </summary>
        public static object JsonMember(object obj, string name)
        {
            var pso = obj as PSObject;
            if (pso == null) { return null; }
            PSPropertyInfo p = pso.Properties[name];
            if (p == null) { return null; }
            return p.Value;
        }

        private static string AsString(object value)
        {
            if (value == null) { return null; }
            var s = value as string;
            if (s != null) { return s; }
            return LanguagePrimitives.ConvertTo<string>(value);
        }

        /// <summary>
        /// ConvertTo-AzsResourceObject: shapes an ARM resource (parsed JSON, or JSON text) like
        /// AzureRM's PSResource: Name, ResourceId, ResourceName, ResourceType,
        /// ExtensionResourceName, ExtensionResourceType, Kind, ResourceGroupName, Location,
        /// SubscriptionId, Tags, Plan, Properties, CreatedTime, ChangedTime, ETag, Sku, Zones,
        /// Identity, ManagedBy; members that are null are left out. Type names:
        /// "&lt;ResourceType with '/' as '.'&gt;" first, "Microsoft.Azure.Resource" last.
        /// resourceId: the ID the request was made for, used when the body has no "id".
        /// Returns null for null or blank JSON; throws FormatException on bad JSON text.
        /// </summary>
        public static PSObject ToResourceObject(object input, string resourceId)
        {
            object res = input;
            var text = res as string;
            if (text == null)
            {
                var wrapped = res as PSObject;
                if (wrapped != null && wrapped.BaseObject is string) { text = (string)wrapped.BaseObject; }
            }
            if (text != null) { res = JsonPs.Parse(text); }
            if (res == null) { return null; }

            string id = AsString(JsonMember(res, "id"));
            if (string.IsNullOrEmpty(id) && !string.IsNullOrEmpty(resourceId)) { id = resourceId; }
            if (!string.IsNullOrEmpty(id) && !id.StartsWith("/", StringComparison.Ordinal)) { id = "/" + id; }
            ResourceIdParts parts = null;
            if (!string.IsNullOrEmpty(id)) { parts = IdParts(id); }

            object resourceType = null;
            string resourceName = null, extType = null, extName = null, rg = null, sub = null;
            if (parts != null)
            {
                resourceType = parts.ResourceType;
                resourceName = parts.ResourceName;
                extType = parts.ExtensionResourceType;
                extName = parts.ExtensionResourceName;
                rg = parts.ResourceGroupName;
                sub = parts.SubscriptionId;
            }
            if (resourceType == null) { resourceType = JsonMember(res, "type"); }
            object name = JsonMember(res, "name");
            if (name == null && parts != null) { name = parts.Name; }

            Hashtable tags = null;
            var tagObj = JsonMember(res, "tags") as PSObject;
            if (tagObj != null)
            {
                tags = new Hashtable(StringComparer.CurrentCultureIgnoreCase);
                foreach (PSPropertyInfo tp in tagObj.Properties) { tags[tp.Name] = tp.Value; }
            }

            var def = new KeyValuePair<string, object>[]
            {
                new KeyValuePair<string, object>("Name", name),
                new KeyValuePair<string, object>("ResourceId", id),
                new KeyValuePair<string, object>("ResourceName", resourceName),
                new KeyValuePair<string, object>("ResourceType", resourceType),
                new KeyValuePair<string, object>("ExtensionResourceName", extName),
                new KeyValuePair<string, object>("ExtensionResourceType", extType),
                new KeyValuePair<string, object>("Kind", JsonMember(res, "kind")),
                new KeyValuePair<string, object>("ResourceGroupName", rg),
                new KeyValuePair<string, object>("Location", JsonMember(res, "location")),
                new KeyValuePair<string, object>("SubscriptionId", sub),
                new KeyValuePair<string, object>("Tags", tags),
                new KeyValuePair<string, object>("Plan", JsonMember(res, "plan")),
                new KeyValuePair<string, object>("Properties", JsonMember(res, "properties")),
                new KeyValuePair<string, object>("CreatedTime", JsonMember(res, "createdTime")),
                new KeyValuePair<string, object>("ChangedTime", JsonMember(res, "changedTime")),
                new KeyValuePair<string, object>("ETag", JsonMember(res, "etag")),
                new KeyValuePair<string, object>("Sku", JsonMember(res, "sku")),
                new KeyValuePair<string, object>("Zones", JsonMember(res, "zones")),
                new KeyValuePair<string, object>("Identity", JsonMember(res, "identity")),
                new KeyValuePair<string, object>("ManagedBy", JsonMember(res, "managedBy")),
            };
            var output = new PSObject();
            foreach (KeyValuePair<string, object> kv in def)
            {
                if (kv.Value != null) { output.Properties.Add(new PSNoteProperty(kv.Key, kv.Value)); }
            }
            if (resourceType != null || extType != null)
            {
                string typeName = (AsString(resourceType) + extType).Replace('/', '.');
                output.TypeNames.Insert(0, typeName);
            }
            output.TypeNames.Add(ResourceTypeName);
            return output;
        }

        /// <summary>
        /// New-AzsResourceFromRequest: the resource as the request described it, for an answer
        /// without a body (201): id, name (the resource name path, "registration/customerSub"
        /// for the child type), type, and the members of the body that was sent; shaped by
        /// ToResourceObject.
        /// </summary>
        public static PSObject FromRequest(string resourceId, string bodyJson)
        {
            if (resourceId == null) { throw new ArgumentNullException("resourceId"); }
            ResourceIdParts parts = IdParts(resourceId);
            var res = new PSObject();
            string id = resourceId.StartsWith("/", StringComparison.Ordinal) ? resourceId : "/" + resourceId;
            res.Properties.Add(new PSNoteProperty("id", id));
            if (parts.ResourceName != null) { res.Properties.Add(new PSNoteProperty("name", parts.ResourceName)); }
            if (parts.ResourceType != null) { res.Properties.Add(new PSNoteProperty("type", parts.ResourceType)); }
            var body = JsonPs.Parse(bodyJson ?? string.Empty) as PSObject;
            if (body != null && body.BaseObject is PSCustomObject)
            {
                foreach (PSPropertyInfo p in body.Properties)
                {
                    if (!Same(p.Name, "id") && !Same(p.Name, "name") && !Same(p.Name, "type"))
                    {
                        res.Properties.Add(new PSNoteProperty(p.Name, p.Value));
                    }
                }
            }
            return ToResourceObject(res, resourceId);
        }
    }
}
