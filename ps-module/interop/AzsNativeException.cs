using System;
using System.Collections.Generic;
using System.Text;

namespace AzsRegistration.Interop
{
    /// <summary>
    /// A failed library call: everything azsreg_error_last_json() said. ErrorId is the ARM
    /// error code, else the identity error code, else the result name (AZSREG_EINVALID).
    /// Message has the AzureRM shape "{code} : {message}", then the hint, the request ID and
    /// the correlation ID on their own lines. Never carries a secret (the library redacts).
    /// </summary>
    [Serializable]
    public class AzsNativeException : Exception
    {
        public string ErrorId { get; private set; }
        public int Code { get; private set; }
        public string ResultName { get; private set; }
        public int HttpStatus { get; private set; }
        public string ArmCode { get; private set; }
        public string ArmMessage { get; private set; }
        public string NativeMessage { get; private set; }
        public string Target { get; private set; }
        public string DetailsJson { get; private set; }
        public string RequestId { get; private set; }
        public string CorrelationId { get; private set; }
        public string Hint { get; private set; }

        public AzsNativeException(int code, string resultName, int httpStatus, string nativeMessage,
            string armCode, string armMessage, string target, string detailsJson,
            string requestId, string correlationId, string hint)
            : base(Compose(resultName, nativeMessage, armCode, armMessage, requestId, correlationId, hint))
        {
            Code = code;
            ResultName = resultName ?? string.Empty;
            HttpStatus = httpStatus;
            NativeMessage = nativeMessage ?? string.Empty;
            ArmCode = armCode ?? string.Empty;
            ArmMessage = armMessage ?? string.Empty;
            Target = target ?? string.Empty;
            DetailsJson = detailsJson ?? string.Empty;
            RequestId = requestId ?? string.Empty;
            CorrelationId = correlationId ?? string.Empty;
            Hint = hint ?? string.Empty;
            ErrorId = ArmCode.Length > 0 ? ArmCode : ResultName;
        }

        /// <summary>A copy whose hint has `extra` appended (a caller that knows the next step better).</summary>
        public AzsNativeException WithExtraHint(string extra)
        {
            // once: an error passed on through a second ErrorRecordFor keeps one copy of the words
            if (string.IsNullOrEmpty(extra) || Hint.IndexOf(extra, StringComparison.Ordinal) >= 0) { return this; }
            string hint = string.IsNullOrEmpty(Hint) ? extra : Hint + " " + extra;
            return new AzsNativeException(Code, ResultName, HttpStatus, NativeMessage, ArmCode, ArmMessage, Target, DetailsJson,
                RequestId, CorrelationId, hint);
        }

        /// <summary>Builds the exception from the JSON of azsreg_error_last_json().</summary>
        public static AzsNativeException FromJson(int fallbackCode, string fallbackName, string json)
        {
            IDictionary<string, object> o = null;
            try
            {
                o = MiniJson.Parse(json) as IDictionary<string, object>;
            }
            catch (FormatException)
            {
                o = null;
            }
            if (o == null)
            {
                return new AzsNativeException(fallbackCode, fallbackName, 0, "the library reported " + fallbackName,
                    "", "", "", "", "", "", "");
            }
            int code = MiniJson.Int(o, "code");
            if (code == 0) { code = fallbackCode; }
            string details = "";
            object d;
            if (o.TryGetValue("details", out d) && d is List<object> && ((List<object>)d).Count > 0)
            {
                details = MiniJson.Write(d);
            }
            else if (o.TryGetValue("details", out d) && d is string)
            {
                details = (string)d;
            }
            return new AzsNativeException(code, fallbackName, MiniJson.Int(o, "httpStatus"), MiniJson.Str(o, "message"),
                MiniJson.Str(o, "armCode"), MiniJson.Str(o, "armMessage"), MiniJson.Str(o, "target"), details,
                MiniJson.Str(o, "requestId"), MiniJson.Str(o, "correlationId"), MiniJson.Str(o, "hint"));
        }

        /// <summary>
        /// The failure of one batch item, from its result JSON ({"code":"AZSREG_E...","status",
        /// "error","message","requestId","armMessage","target","details","correlationId","hint"}),
        /// mapped to the shape of azsreg_error_last_json() so that it reads as the same item's
        /// failure as a single call.
        /// </summary>
        public static AzsNativeException FromBatchResult(string resultJson)
        {
            IDictionary<string, object> r = null;
            try
            {
                r = MiniJson.Parse(resultJson ?? string.Empty) as IDictionary<string, object>;
            }
            catch (FormatException)
            {
                r = null;
            }
            string name = r == null ? "AZSREG_ERROR" : MiniJson.Str(r, "code");
            if (name.Length == 0) { name = "AZSREG_ERROR"; }
            int code = ResultCode(name);
            if (r == null)
            {
                return new AzsNativeException(code, name, 0, "the library reported " + name, "", "", "", "", "", "", "");
            }
            var e = new Dictionary<string, object>();
            e["code"] = (double)code;
            e["httpStatus"] = (double)MiniJson.Int(r, "status");
            e["message"] = MiniJson.Str(r, "message");
            e["armCode"] = MiniJson.Str(r, "error");
            e["armMessage"] = MiniJson.Str(r, "armMessage");
            e["target"] = MiniJson.Str(r, "target");
            object details;
            e["details"] = r.TryGetValue("details", out details) && details != null ? details : new List<object>();
            e["requestId"] = MiniJson.Str(r, "requestId");
            e["correlationId"] = MiniJson.Str(r, "correlationId");
            e["hint"] = MiniJson.Str(r, "hint");
            return FromJson(code, name, MiniJson.Write(e));
        }

        /// <summary>The code of a result name (azsreg_result_name backwards); -1 (AZSREG_ERROR) when unknown.</summary>
        private static int ResultCode(string name)
        {
            for (int c = 0; c >= -64; c--)
            {
                if (string.Equals(Utf8.FromNative(NativeMethods.azsreg_result_name(c)), name, StringComparison.Ordinal)) { return c; }
            }
            return -1;
        }

        private static string Compose(string resultName, string nativeMessage, string armCode, string armMessage,
            string requestId, string correlationId, string hint)
        {
            var sb = new StringBuilder();
            string code = !string.IsNullOrEmpty(armCode) ? armCode : resultName;
            string msg = !string.IsNullOrEmpty(armMessage) ? armMessage : nativeMessage;
            sb.Append(code).Append(" : ").Append(msg);
            if (!string.IsNullOrEmpty(armMessage) && !string.IsNullOrEmpty(nativeMessage) && nativeMessage.IndexOf(armMessage, StringComparison.Ordinal) < 0)
            {
                sb.Append(Environment.NewLine).Append(nativeMessage);
            }
            if (!string.IsNullOrEmpty(hint))
            {
                sb.Append(Environment.NewLine).Append("Hint: ").Append(hint);
            }
            if (!string.IsNullOrEmpty(requestId))
            {
                sb.Append(Environment.NewLine).Append("RequestId: ").Append(requestId);
            }
            if (!string.IsNullOrEmpty(correlationId))
            {
                sb.Append(Environment.NewLine).Append("CorrelationId: ").Append(correlationId);
            }
            return sb.ToString();
        }
    }

    /// <summary>The one place that turns a native result into an exception.</summary>
    internal static class Ensure
    {
        internal static void Success(int result)
        {
            if (result >= 0)
            {
                return;
            }
            string name = Utf8.FromNative(NativeMethods.azsreg_result_name(result));
            string json = Utf8.FromNative(NativeMethods.azsreg_error_last_json());
            throw AzsNativeException.FromJson(result, name, json);
        }
    }
}
