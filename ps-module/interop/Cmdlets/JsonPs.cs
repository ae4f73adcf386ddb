using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text;

namespace AzsRegistration.Interop.Cmdlets
{
    /// <summary>
    /// JSON to PowerShell objects, the same on Windows PowerShell 5.1 and PowerShell 7
    /// (ConvertFrom-Json differs between them: 2 MB limit and arrays as one object in 5.1,
    /// ISO date strings silently turned into DateTime in 7). Strings stay strings exactly,
    /// integers become Int32 / Int64 / Decimal, other numbers Double, objects PSCustomObjects
    /// with their members in document order, arrays object[]. Iterative (no depth limit).
    /// </summary>
    public static class JsonPs
    {
        private enum Expect { Value, ValueOrEnd, Key, KeyOrEnd, Colon, CommaOrEnd, Done }

        private sealed class Frame
        {
            internal bool IsObject;
            internal PSObject Obj;
            internal List<object> Items;
            internal string Key;
        }

        private enum TokenKind { None, String, Number, Punct, Literal }

        /// <summary>
        /// Parses JSON text into PSCustomObjects / object[] / scalars. Returns null for empty or
        /// white-space text; a top-level array is returned as one object[]. FormatException on
        /// text that is not JSON (the message says where).
        /// </summary>
        public static object Parse(string json)
        {
            if (string.IsNullOrWhiteSpace(json)) { return null; }
            var stack = new List<Frame>();
            object root = null;
            Expect expect = Expect.Value;
            int pos = 0;
            int len = json.Length;
            while (true)
            {
                // One token: white space, then a string, a number, punctuation or a literal.
                int at = pos;
                int p = pos;
                while (p < len && IsSpace(json[p])) { p++; }
                TokenKind kind = TokenKind.None;
                int tokenStart = p;
                int end = p;
                int intEnd = p;
                if (p < len)
                {
                    char c = json[p];
                    if (c == '"') { end = ScanString(json, p); if (end > 0) { kind = TokenKind.String; } }
                    else if (c == '-' || (c >= '0' && c <= '9')) { end = ScanNumber(json, p, out intEnd); if (end > 0) { kind = TokenKind.Number; } }
                    else if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') { end = p + 1; kind = TokenKind.Punct; }
                    else if (Starts(json, p, "true")) { end = p + 4; kind = TokenKind.Literal; }
                    else if (Starts(json, p, "false")) { end = p + 5; kind = TokenKind.Literal; }
                    else if (Starts(json, p, "null")) { end = p + 4; kind = TokenKind.Literal; }
                }
                if (kind == TokenKind.None)
                {
                    string rest = json.Substring(at);
                    if (expect == Expect.Done && rest.Trim(' ', '\t', '\r', '\n').Length == 0) { break; }
                    string snippet = rest;
                    if (snippet.Length > 40) { snippet = snippet.Substring(0, 40) + "..."; }
                    throw new FormatException(Strings.F(Strings.JsonInvalidAt, Num(at), snippet));
                }
                pos = end;
                if (expect == Expect.Done)
                {
                    throw new FormatException(Strings.F(Strings.JsonExtraText, Num(at)));
                }
                bool haveValue = false;
                bool isClose = false;
                object value = null;
                if (kind == TokenKind.String)
                {
                    string s = Unescape(json, tokenStart + 1, end - 1);
                    if (expect == Expect.Key || expect == Expect.KeyOrEnd)
                    {
                        stack[stack.Count - 1].Key = s;
                        expect = Expect.Colon;
                        continue;
                    }
                    value = s;
                    haveValue = true;
                }
                else if (kind == TokenKind.Number)
                {
                    value = NumberValue(json.Substring(tokenStart, intEnd - tokenStart), json.Substring(tokenStart, end - tokenStart), end > intEnd);
                    haveValue = true;
                }
                else if (kind == TokenKind.Literal)
                {
                    char c = json[tokenStart];
                    if (c == 't') { value = true; } else if (c == 'f') { value = false; } else { value = null; }
                    haveValue = true;
                }
                else
                {
                    char c = json[tokenStart];
                    if (c == '{' || c == '[')
                    {
                        if (expect != Expect.Value && expect != Expect.ValueOrEnd)
                        {
                            throw new FormatException(Strings.F(Strings.JsonUnexpected, Num(at), c));
                        }
                        if (c == '{')
                        {
                            stack.Add(new Frame { IsObject = true, Obj = new PSObject() });
                            expect = Expect.KeyOrEnd;
                        }
                        else
                        {
                            stack.Add(new Frame { IsObject = false, Items = new List<object>() });
                            expect = Expect.ValueOrEnd;
                        }
                        continue;
                    }
                    if (c == '}' || c == ']')
                    {
                        Frame top = stack.Count > 0 ? stack[stack.Count - 1] : null;
                        bool ok = top != null &&
                            ((c == '}' && top.IsObject && (expect == Expect.KeyOrEnd || expect == Expect.CommaOrEnd)) ||
                             (c == ']' && !top.IsObject && (expect == Expect.ValueOrEnd || expect == Expect.CommaOrEnd)));
                        if (!ok)
                        {
                            throw new FormatException(Strings.F(Strings.JsonUnexpected, Num(at), c));
                        }
                        stack.RemoveAt(stack.Count - 1);
                        value = top.IsObject ? (object)top.Obj : top.Items.ToArray();
                        haveValue = true;
                        isClose = true;
                    }
                    else if (c == ':')
                    {
                        if (expect != Expect.Colon) { throw new FormatException(Strings.F(Strings.JsonUnexpected, Num(at), ':')); }
                        expect = Expect.Value;
                        continue;
                    }
                    else
                    {
                        if (expect != Expect.CommaOrEnd) { throw new FormatException(Strings.F(Strings.JsonUnexpected, Num(at), ',')); }
                        expect = stack[stack.Count - 1].IsObject ? Expect.Key : Expect.Value;
                        continue;
                    }
                }
                if (haveValue)
                {
                    if (!isClose && expect != Expect.Value && expect != Expect.ValueOrEnd)
                    {
                        throw new FormatException(Strings.F(Strings.JsonValueMisplaced, Num(at)));
                    }
                    if (stack.Count == 0)
                    {
                        root = value;
                        expect = Expect.Done;
                    }
                    else
                    {
                        Frame parent = stack[stack.Count - 1];
                        if (parent.IsObject)
                        {
                            string k = parent.Key;
                            if (!string.IsNullOrEmpty(k))
                            {
                                // Member names compare case-insensitively in PowerShell: the later one wins.
                                PSMemberInfoCollection<PSPropertyInfo> props = parent.Obj.Properties;
                                if (props[k] != null) { props.Remove(k); }
                                props.Add(new PSNoteProperty(k, value));
                            }
                        }
                        else
                        {
                            parent.Items.Add(value);
                        }
                        expect = Expect.CommaOrEnd;
                    }
                }
            }
            return root;
        }

        /// <summary>
        /// The items of a top-level JSON array one by one (any other value as the only item);
        /// nothing for empty or white-space text.
        /// </summary>
        public static IEnumerable<object> ParseItems(string json)
        {
            if (string.IsNullOrWhiteSpace(json)) { return new object[0]; }
            object v = Parse(json);
            object[] items = v as object[];
            if (items != null) { return items; }
            return new[] { v };
        }

        /// <summary>
        /// A member of an object (read from JSON or any other), or null when the object is null
        /// or has no such member (case-insensitive, as PowerShell). No unrolling: an IList
        /// value is returned as the list.
        /// </summary>
        public static object Member(object obj, string name)
        {
            if (obj == null || string.IsNullOrEmpty(name)) { return null; }
            PSPropertyInfo p = PSObject.AsPSObject(obj).Properties[name];
            if (p == null) { return null; }
            return p.Value;
        }

        /// <summary>
        /// Get-AzsMemberValue as its output is collected by PowerShell ($x = Get-AzsMemberValue ...):
        /// the member's value, where a list is written item by item, so an empty list gives
        /// null, a list of one item that item, a longer list an object[] of its items.
        /// </summary>
        public static object MemberUnrolled(object obj, string name)
        {
            return Unroll(Member(obj, name));
        }

        /// <summary>A value as PowerShell collects it from output: an IList unrolled (see MemberUnrolled).</summary>
        public static object Unroll(object value)
        {
            IList list = value as IList;
            if (list == null) { return value; }
            var items = new List<object>();
            foreach (object item in list)
            {
                // Writing an item that is itself a list writes its items.
                IList inner = item as IList;
                if (inner != null)
                {
                    foreach (object x in inner) { items.Add(x); }
                }
                else
                {
                    items.Add(item);
                }
            }
            if (items.Count == 0) { return null; }
            if (items.Count == 1) { return items[0]; }
            return items.ToArray();
        }

        /// <summary>
        /// The items of a value as @(...) gives them: an IList's items, nothing for null, else
        /// the value alone.
        /// </summary>
        public static IEnumerable<object> Items(object value)
        {
            if (value == null) { yield break; }
            IList list = value as IList;
            if (list == null)
            {
                yield return value;
                yield break;
            }
            foreach (object item in list) { yield return item; }
        }

        /// <summary>PowerShell's [string] cast: null is "", a list is joined with spaces.</summary>
        public static string ToPsString(object value)
        {
            if (value == null) { return string.Empty; }
            string s = value as string;
            if (s != null) { return s; }
            PSObject pso = value as PSObject;
            if (pso != null && pso.BaseObject is string) { return (string)pso.BaseObject; }
            return LanguagePrimitives.ConvertTo<string>(value) ?? string.Empty;
        }

        // ---- tokens -----------------------------------------------------------------------

        private static bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

        private static bool Starts(string s, int at, string word)
        {
            return at + word.Length <= s.Length && string.CompareOrdinal(s, at, word, 0, word.Length) == 0;
        }

        private static bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

        /// <summary>End (after the closing quote) of a valid string token at `at`, or -1.</summary>
        private static int ScanString(string s, int at)
        {
            int i = at + 1;
            while (i < s.Length)
            {
                char c = s[i];
                if (c == '"') { return i + 1; }
                if (c < '\u0020') { return -1; }
                if (c == '\\')
                {
                    if (i + 1 >= s.Length) { return -1; }
                    char e = s[i + 1];
                    if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') { i += 2; continue; }
                    if (e == 'u' && i + 5 < s.Length && IsHex(s[i + 2]) && IsHex(s[i + 3]) && IsHex(s[i + 4]) && IsHex(s[i + 5])) { i += 6; continue; }
                    return -1;
                }
                i++;
            }
            return -1;
        }

        /// <summary>
        /// End of a number token at `at` (-?(0|[1-9][0-9]*) then optional .[0-9]+ and optional
        /// [eE][+-]?[0-9]+, each part taken only when complete), or -1; intEnd = end of the integer part.
        /// </summary>
        private static int ScanNumber(string s, int at, out int intEnd)
        {
            int i = at;
            intEnd = -1;
            if (s[i] == '-') { i++; }
            if (i >= s.Length || s[i] < '0' || s[i] > '9') { return -1; }
            if (s[i] == '0') { i++; }
            else { while (i < s.Length && s[i] >= '0' && s[i] <= '9') { i++; } }
            intEnd = i;
            if (i + 1 < s.Length && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')
            {
                i += 2;
                while (i < s.Length && s[i] >= '0' && s[i] <= '9') { i++; }
            }
            if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
            {
                int j = i + 1;
                if (j < s.Length && (s[j] == '+' || s[j] == '-')) { j++; }
                if (j < s.Length && s[j] >= '0' && s[j] <= '9')
                {
                    while (j < s.Length && s[j] >= '0' && s[j] <= '9') { j++; }
                    i = j;
                }
            }
            return i;
        }

        private static object NumberValue(string intText, string fullText, bool hasFraction)
        {
            CultureInfo inv = CultureInfo.InvariantCulture;
            if (hasFraction)
            {
                return double.Parse(fullText, NumberStyles.Float, inv);
            }
            long l;
            if (long.TryParse(intText, NumberStyles.AllowLeadingSign, inv, out l))
            {
                if (l >= int.MinValue && l <= int.MaxValue) { return (int)l; }
                return l;
            }
            decimal d;
            if (decimal.TryParse(intText, NumberStyles.AllowLeadingSign, inv, out d)) { return d; }
            return double.Parse(intText, NumberStyles.Float, inv);
        }

        /// <summary>The text of a string token between its quotes [from, to), escapes resolved.</summary>
        private static string Unescape(string s, int from, int to)
        {
            int bs = s.IndexOf('\\', from, to - from);
            if (bs < 0) { return s.Substring(from, to - from); }
            var sb = new StringBuilder(to - from);
            int i = from;
            while (i < to)
            {
                char c = s[i];
                if (c != '\\') { sb.Append(c); i++; continue; }
                char e = s[i + 1];
                switch (e)
                {
                    case 'b': sb.Append('\b'); i += 2; break;
                    case 'f': sb.Append('\f'); i += 2; break;
                    case 'n': sb.Append('\n'); i += 2; break;
                    case 'r': sb.Append('\r'); i += 2; break;
                    case 't': sb.Append('\t'); i += 2; break;
                    case 'u':
                        sb.Append((char)Convert.ToInt32(s.Substring(i + 2, 4), 16));
                        i += 6;
                        break;
                    default: sb.Append(e); i += 2; break;
                }
            }
            return sb.ToString();
        }

        private static string Num(int n) { return n.ToString(CultureInfo.InvariantCulture); }
    }
}
