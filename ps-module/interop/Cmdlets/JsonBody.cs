// Exact conversion of PowerShell values (the -Properties, -Sku, -Plan, -Tag of the resource
// cmdlets) to JSON text (was Private/ConvertTo-AzsJsonBody.ps1).
//
// Why not ConvertTo-Json: it has a depth limit (2 by default, silently truncating deeper
// levels to strings), and Windows PowerShell 5.1 and PowerShell 7 differ in how they write
// dates, enums, numbers and escaped characters. This converter:
//  - walks the value iteratively (no depth limit, no recursion limit), refusing reference
//    cycles with a clear error;
//  - keeps the JSON types: booleans, numbers (invariant culture), null;
//  - writes strings byte-for-byte: only '"', '\', control characters and lone surrogates
//    are escaped (RFC 8259); every other character, unicode included, is kept as it is;
//  - keeps member order: ordered dictionaries and PSCustomObjects in their order,
//    hashtables in their enumeration order.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security;
using System.Text;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>PowerShell values -> exact JSON text; the request body of New-/Set-AzureRmResource.</summary>
    public static class JsonBody
    {
        /// <summary>Guard against runaway object graphs (objects whose properties create new objects forever).</summary>
        public const int DefaultMaxNesting = 100000;

        private static readonly HashSet<Type> IntegerTypes = new HashSet<Type>
        {
            typeof(int), typeof(long), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort),
            typeof(uint), typeof(ulong), typeof(decimal), typeof(BigInteger),
        };

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public new bool Equals(object x, object y) { return ReferenceEquals(x, y); }
            public int GetHashCode(object obj) { return RuntimeHelpers.GetHashCode(obj); }
        }

        private sealed class Frame
        {
            public bool IsObject;
            public List<KeyValuePair<string, object>> Items;
            public int Index;
            public object Ref;
            public string Path;
        }

        private static bool NeedsEscape(string value, int i)
        {
            char c = value[i];
            if (c < 0x20 || c == '"' || c == '\\') { return true; }
            if (char.IsHighSurrogate(c)) { return i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]); }
            if (char.IsLowSurrogate(c)) { return i == 0 || !char.IsHighSurrogate(value[i - 1]); }
            return false;
        }

        private static void AppendQuoted(StringBuilder sb, string value)
        {
            sb.Append('"');
            int at = 0;
            for (int i = 0; i < value.Length; i++)
            {
                if (!NeedsEscape(value, i)) { continue; }
                if (i > at) { sb.Append(value, at, i - at); }
                char c = value[i];
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        break;
                }
                at = i + 1;
            }
            if (at < value.Length) { sb.Append(value, at, value.Length - at); }
            sb.Append('"');
        }

        /// <summary>ConvertTo-AzsJsonString: a string as a JSON string (RFC 8259), every other character kept as it is.</summary>
        public static string Quote(string value)
        {
            var sb = new StringBuilder((value ?? string.Empty).Length + 2);
            AppendQuoted(sb, value ?? string.Empty);
            return sb.ToString();
        }

        private static string Formattable(object value, string format)
        {
            return ((IFormattable)value).ToString(format, CultureInfo.InvariantCulture);
        }

        /// <summary>Get-AzsJsonScalarText: the JSON text of a scalar, or null when the value is a container.</summary>
        private static string ScalarText(object b, string path)
        {
            if (b == null || b is DBNull) { return "null"; }
            var s = b as string;
            if (s != null) { return Quote(s); }
            if (b is char) { return Quote(((char)b).ToString()); }
            if (b is bool) { return (bool)b ? "true" : "false"; }
            if (b is SwitchParameter) { return ((SwitchParameter)b).IsPresent ? "true" : "false"; }
            if (b is SecureString)
            {
                throw new ArgumentException(Strings.F(Strings.ResPropertiesSecureString, path));
            }
            if (b is Enum) { return Quote(b.ToString()); }
            if (b is double || b is float)
            {
                double d = b is double ? (double)b : (float)b;
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    throw new ArgumentException(Strings.F(Strings.ResPropertiesNumberNotJson, Formattable(b, null), path));
                }
                return Formattable(b, "R");
            }
            if (IntegerTypes.Contains(b.GetType())) { return Formattable(b, null); }
            if (b is DateTime) { return Quote(Formattable(b, "o")); }
            if (b is DateTimeOffset) { return Quote(Formattable(b, "o")); }
            if (b is Guid) { return Quote(((Guid)b).ToString("D")); }
            if (b is TimeSpan) { return Quote(Formattable(b, "c")); }
            var uri = b as Uri;
            if (uri != null) { return Quote(uri.OriginalString); }
            if (b is Version) { return Quote(b.ToString()); }
            if (b is ScriptBlock)
            {
                throw new ArgumentException(Strings.F(Strings.ResPropertiesScriptBlock, path));
            }
            return null;
        }

        private static string KeyText(object k)
        {
            var pk = k as PSObject;
            if (pk != null) { k = pk.BaseObject; }
            if (k is Enum || k is string) { return k.ToString(); }
            var f = k as IFormattable;
            if (f != null) { return f.ToString(null, CultureInfo.InvariantCulture); }
            return LanguagePrimitives.ConvertTo<string>(k);
        }

        /// <summary>ConvertTo-AzsJson with the default nesting guard.</summary>
        public static string ToJson(object value)
        {
            return ToJson(value, DefaultMaxNesting);
        }

        /// <summary>
        /// ConvertTo-AzsJson: a PowerShell value (hashtable, ordered dictionary, any IDictionary,
        /// PSCustomObject, array / list / enumerable, any other object by its readable
        /// properties, or a scalar), nested at any depth, as exact JSON text. Throws
        /// ArgumentException (naming the path, e.g. '$.a[0]') for reference cycles,
        /// SecureStrings, script blocks, NaN / Infinity, duplicate member names, and nesting
        /// deeper than maxNesting.
        /// </summary>
        public static string ToJson(object value, int maxNesting)
        {
            var sb = new StringBuilder();
            var stack = new List<Frame>();
            // The containers on the current path (for the cycle check).
            var ancestors = new Dictionary<object, Frame>(new ReferenceComparer());

            object pendingValue = value;
            string pendingPath = "$";
            bool havePending = true;

            while (true)
            {
                if (havePending)
                {
                    havePending = false;
                    object v = pendingValue;
                    string path = pendingPath;
                    var pso = v as PSObject;
                    object b = pso != null ? pso.BaseObject : v;
                    string scalar;
                    if (b == null) { scalar = "null"; }
                    else if (b is string) { scalar = Quote((string)b); }
                    else if (b is bool) { scalar = (bool)b ? "true" : "false"; }
                    else if (IntegerTypes.Contains(b.GetType())) { scalar = Formattable(b, null); }
                    else { scalar = ScalarText(b, path); }
                    if (scalar != null)
                    {
                        sb.Append(scalar);
                    }
                    else
                    {
                        // A container: object or array.
                        if (pso == null) { pso = PSObject.AsPSObject(v); }
                        bool isCustom = b is PSCustomObject;
                        object reference = isCustom ? pso : b;
                        Frame ancestor;
                        if (ancestors.TryGetValue(reference, out ancestor))
                        {
                            throw new ArgumentException(Strings.F(Strings.ResPropertiesCycle, path, ancestor.Path));
                        }
                        if (stack.Count >= maxNesting)
                        {
                            throw new ArgumentException(Strings.F(Strings.ResPropertiesTooDeep, maxNesting, path));
                        }
                        var items = new List<KeyValuePair<string, object>>();
                        bool isObject = true;
                        var dict = b as IDictionary;
                        if (dict != null)
                        {
                            IDictionaryEnumerator e = dict.GetEnumerator();
                            while (e.MoveNext())
                            {
                                items.Add(new KeyValuePair<string, object>(KeyText(e.Key), e.Value));
                            }
                        }
                        else if (isCustom)
                        {
                            foreach (PSPropertyInfo p in pso.Properties)
                            {
                                if (p.IsGettable) { items.Add(new KeyValuePair<string, object>(p.Name, p.Value)); }
                            }
                        }
                        else if (b is IEnumerable)
                        {
                            isObject = false;
                            foreach (object item in (IEnumerable)b) { items.Add(new KeyValuePair<string, object>(null, item)); }
                        }
                        else
                        {
                            // Any other object: its readable properties, as ConvertTo-Json does.
                            foreach (PSPropertyInfo p in pso.Properties)
                            {
                                if (p.IsGettable && p.MemberType != PSMemberTypes.CodeProperty)
                                {
                                    items.Add(new KeyValuePair<string, object>(p.Name, p.Value));
                                }
                            }
                        }
                        if (isObject)
                        {
                            var seen = new HashSet<string>(StringComparer.Ordinal);
                            foreach (KeyValuePair<string, object> it in items)
                            {
                                if (!seen.Add(it.Key))
                                {
                                    throw new ArgumentException(Strings.F(Strings.ResPropertiesDuplicateMember, it.Key, path));
                                }
                            }
                            sb.Append('{');
                        }
                        else
                        {
                            sb.Append('[');
                        }
                        var frame = new Frame { IsObject = isObject, Items = items, Index = 0, Ref = reference, Path = path };
                        stack.Add(frame);
                        ancestors.Add(reference, frame);
                    }
                }

                if (stack.Count == 0) { break; }
                Frame top = stack[stack.Count - 1];
                if (top.Index >= top.Items.Count)
                {
                    sb.Append(top.IsObject ? '}' : ']');
                    stack.RemoveAt(stack.Count - 1);
                    ancestors.Remove(top.Ref);
                    if (stack.Count == 0) { break; }
                    continue;
                }
                KeyValuePair<string, object> current = top.Items[top.Index];
                if (top.Index > 0) { sb.Append(','); }
                top.Index++;
                if (top.IsObject)
                {
                    AppendQuoted(sb, current.Key);
                    sb.Append(':');
                    pendingPath = top.Path + "." + current.Key;
                }
                else
                {
                    pendingPath = top.Path + "[" + (top.Index - 1).ToString(CultureInfo.InvariantCulture) + "]";
                }
                pendingValue = current.Value;
                havePending = true;
            }
            return sb.ToString();
        }

        /// <summary>
        /// ConvertTo-AzsTagObject: -Tag as a hashtable (name = value), or AzureRM's older form, a
        /// list of @{Name=..; Value=..} (-> an ordered dictionary). Other values are returned as
        /// they are; a list item without Name is an ArgumentException.
        /// </summary>
        public static object TagObject(object tag)
        {
            if (tag == null) { return null; }
            object b = tag;
            var pso = b as PSObject;
            if (pso != null) { b = pso.BaseObject; }
            var dict = b as IDictionary;
            if (dict != null)
            {
                int count = 0;
                bool hasName = false, hasValue = false;
                foreach (object k in dict.Keys)
                {
                    count++;
                    string ks = LanguagePrimitives.ConvertTo<string>(k);
                    if (string.Equals(ks, "Name", StringComparison.OrdinalIgnoreCase)) { hasName = true; }
                    if (string.Equals(ks, "Value", StringComparison.OrdinalIgnoreCase)) { hasValue = true; }
                }
                bool isPair = count >= 1 && count <= 2 && hasName && (count == 1 || hasValue);
                if (!isPair) { return b; }
                b = new object[] { b };
            }
            if (b is IEnumerable && !(b is string))
            {
                var o = new OrderedDictionary();
                foreach (object t in (IEnumerable)b)
                {
                    object tb = t;
                    var tp = tb as PSObject;
                    if (tp != null) { tb = tp.BaseObject; }
                    var td = tb as IDictionary;
                    if (td == null || !td.Contains("Name"))
                    {
                        throw new ArgumentException(Strings.ResTagInvalid);
                    }
                    object tagName = td["Name"];
                    o[tagName == null ? string.Empty : LanguagePrimitives.ConvertTo<string>(tagName)] = td["Value"];
                }
                return o;
            }
            return b;
        }

        /// <summary>
        /// ConvertTo-AzsJsonBody: the JSON body of New-/Set-AzureRmResource: camelCase members in
        /// the order location, kind, sku, plan, tags, properties; members that are null (or
        /// empty strings for location and kind) are left out (no members gives {}). With
        /// isFullObject, properties is the whole body ({} when null).
        /// </summary>
        public static string Body(object properties, string location, string kind, object sku, object plan, object tag, bool isFullObject)
        {
            if (isFullObject)
            {
                if (properties == null) { return "{}"; }
                return ToJson(properties);
            }
            var body = new OrderedDictionary();
            if (!string.IsNullOrEmpty(location)) { body["location"] = location; }
            if (!string.IsNullOrEmpty(kind)) { body["kind"] = kind; }
            if (sku != null) { body["sku"] = sku; }
            if (plan != null) { body["plan"] = plan; }
            object tags = TagObject(tag);
            if (tags != null) { body["tags"] = tags; }
            if (properties != null) { body["properties"] = properties; }
            return ToJson(body);
        }
    }
}
