using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AzsRegistration.Interop
{
    /// <summary>
    /// A small strict JSON reader for the library's own answers (error JSON, sign-in JSON):
    /// objects become Dictionary&lt;string, object&gt;, arrays List&lt;object&gt;, numbers double,
    /// plus string, bool and null. netstandard2.0 has no JSON reader of its own.
    /// </summary>
    public static class MiniJson
    {
        public static object Parse(string text)
        {
            if (text == null) { throw new ArgumentNullException("text"); }
            int i = 0;
            object v = Value(text, ref i);
            Ws(text, ref i);
            if (i != text.Length) { throw new FormatException("trailing characters in JSON at " + i); }
            return v;
        }

        /// <summary>A string member of a JSON object ("" when absent or not a string).</summary>
        public static string Str(IDictionary<string, object> obj, string name)
        {
            object v;
            if (obj != null && obj.TryGetValue(name, out v) && v != null)
            {
                if (v is string) { return (string)v; }
                if (v is double) { return ((double)v).ToString(CultureInfo.InvariantCulture); }
                if (v is bool) { return (bool)v ? "true" : "false"; }
            }
            return string.Empty;
        }

        public static int Int(IDictionary<string, object> obj, string name)
        {
            object v;
            if (obj != null && obj.TryGetValue(name, out v) && v is double)
            {
                return (int)(double)v;
            }
            return 0;
        }

        /// <summary>JSON string literal for a .NET string (for building small JSON in C#).</summary>
        public static string Quote(string s)
        {
            if (s == null) { return "null"; }
            var sb = new StringBuilder(s.Length + 2);
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20) { sb.Append("\\u").Append(((int)c).ToString("x4")); }
                        else { sb.Append(c); }
                        break;
                }
            }
            sb.Append('"');
            return sb.ToString();
        }

        /// <summary>Compact JSON text of a value read by Parse.</summary>
        public static string Write(object v)
        {
            var sb = new StringBuilder();
            WriteTo(sb, v);
            return sb.ToString();
        }

        private static void WriteTo(StringBuilder sb, object v)
        {
            if (v == null) { sb.Append("null"); return; }
            if (v is string) { sb.Append(Quote((string)v)); return; }
            if (v is bool) { sb.Append((bool)v ? "true" : "false"); return; }
            if (v is double) { sb.Append(((double)v).ToString("R", CultureInfo.InvariantCulture)); return; }
            var d = v as IDictionary<string, object>;
            if (d != null)
            {
                sb.Append('{');
                bool first = true;
                foreach (var kv in d)
                {
                    if (!first) { sb.Append(','); }
                    first = false;
                    sb.Append(Quote(kv.Key)).Append(':');
                    WriteTo(sb, kv.Value);
                }
                sb.Append('}');
                return;
            }
            var l = v as List<object>;
            if (l != null)
            {
                sb.Append('[');
                for (int k = 0; k < l.Count; k++)
                {
                    if (k > 0) { sb.Append(','); }
                    WriteTo(sb, l[k]);
                }
                sb.Append(']');
                return;
            }
            sb.Append(Quote(v.ToString()));
        }

        private static void Ws(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) { i++; }
        }

        private static object Value(string s, ref int i)
        {
            Ws(s, ref i);
            if (i >= s.Length) { throw new FormatException("unexpected end of JSON"); }
            char c = s[i];
            if (c == '{') { return Obj(s, ref i); }
            if (c == '[') { return Arr(s, ref i); }
            if (c == '"') { return Str(s, ref i); }
            if (Lit(s, ref i, "true")) { return true; }
            if (Lit(s, ref i, "false")) { return false; }
            if (Lit(s, ref i, "null")) { return null; }
            return Num(s, ref i);
        }

        private static bool Lit(string s, ref int i, string lit)
        {
            if (string.CompareOrdinal(s, i, lit, 0, lit.Length) == 0)
            {
                i += lit.Length;
                return true;
            }
            return false;
        }

        private static Dictionary<string, object> Obj(string s, ref int i)
        {
            var d = new Dictionary<string, object>(StringComparer.Ordinal);
            i++;
            Ws(s, ref i);
            if (i < s.Length && s[i] == '}') { i++; return d; }
            while (true)
            {
                Ws(s, ref i);
                if (i >= s.Length || s[i] != '"') { throw new FormatException("expected a member name at " + i); }
                string k = Str(s, ref i);
                Ws(s, ref i);
                if (i >= s.Length || s[i] != ':') { throw new FormatException("expected ':' at " + i); }
                i++;
                d[k] = Value(s, ref i);
                Ws(s, ref i);
                if (i < s.Length && s[i] == ',') { i++; continue; }
                if (i < s.Length && s[i] == '}') { i++; return d; }
                throw new FormatException("expected ',' or '}' at " + i);
            }
        }

        private static List<object> Arr(string s, ref int i)
        {
            var l = new List<object>();
            i++;
            Ws(s, ref i);
            if (i < s.Length && s[i] == ']') { i++; return l; }
            while (true)
            {
                l.Add(Value(s, ref i));
                Ws(s, ref i);
                if (i < s.Length && s[i] == ',') { i++; continue; }
                if (i < s.Length && s[i] == ']') { i++; return l; }
                throw new FormatException("expected ',' or ']' at " + i);
            }
        }

        private static string Str(string s, ref int i)
        {
            var sb = new StringBuilder();
            i++;
            while (i < s.Length)
            {
                char c = s[i++];
                if (c == '"') { return sb.ToString(); }
                if (c != '\\') { sb.Append(c); continue; }
                if (i >= s.Length) { break; }
                char e = s[i++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (i + 4 > s.Length) { throw new FormatException("bad \\u escape"); }
                        sb.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: throw new FormatException("bad escape at " + i);
                }
            }
            throw new FormatException("unterminated string");
        }

        private static double Num(string s, ref int i)
        {
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) { i++; }
            if (i == start) { throw new FormatException("unexpected character '" + s[start] + "' at " + start); }
            return double.Parse(s.Substring(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }
}
