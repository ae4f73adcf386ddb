using System;
using System.Runtime.InteropServices;
using System.Text;

namespace AzsRegistration.Interop
{
    /// <summary>UTF-8 marshalling both ways (netstandard2.0 on .NET Framework has no LPUTF8Str).</summary>
    internal static class Utf8
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        /// <summary>NUL-terminated UTF-8 bytes, or null for a null string. Refuses embedded NULs.</summary>
        internal static byte[] ToNative(string value, string what)
        {
            if (value == null)
            {
                return null;
            }
            if (value.IndexOf('\0') >= 0)
            {
                throw new ArgumentException(what + " contains a NUL character", what);
            }
            int n = Strict.GetByteCount(value);
            byte[] bytes = new byte[n + 1];
            Strict.GetBytes(value, 0, value.Length, bytes, 0);
            return bytes;
        }

        /// <summary>
        /// Like ToNative, but an empty string gives null: PowerShell passes "" for $null to a
        /// string parameter of a .NET method, and optional C arguments mean "absent" as NULL.
        /// </summary>
        internal static byte[] ToNativeOptional(string value, string what)
        {
            return string.IsNullOrEmpty(value) ? null : ToNative(value, what);
        }

        /// <summary>A library-owned NUL-terminated UTF-8 string as a .NET string ("" for NULL).</summary>
        internal static string FromNative(IntPtr ptr)
        {
            if (ptr == IntPtr.Zero)
            {
                return string.Empty;
            }
            int len = 0;
            while (Marshal.ReadByte(ptr, len) != 0)
            {
                len++;
            }
            if (len == 0)
            {
                return string.Empty;
            }
            byte[] buf = new byte[len];
            Marshal.Copy(ptr, buf, 0, len);
            return Encoding.UTF8.GetString(buf);
        }

        /// <summary>Reads and frees (azsreg_free) a string the library allocated for the caller.</summary>
        internal static string TakeNative(IntPtr ptr)
        {
            try
            {
                return FromNative(ptr);
            }
            finally
            {
                if (ptr != IntPtr.Zero)
                {
                    NativeMethods.azsreg_free(ptr);
                }
            }
        }

        /// <summary>A NUL-terminated buffer of the given size as a string (up to the first NUL).</summary>
        internal static string FromBuffer(byte[] buffer)
        {
            int len = Array.IndexOf(buffer, (byte)0);
            if (len < 0)
            {
                len = buffer.Length;
            }
            return Encoding.UTF8.GetString(buffer, 0, len);
        }

        /// <summary>Unmanaged NUL-terminated UTF-8 copy; free with FreeUnmanaged (which wipes it).</summary>
        internal static IntPtr ToUnmanaged(string value, out int size)
        {
            size = 0;
            if (string.IsNullOrEmpty(value))
            {
                return IntPtr.Zero;
            }
            byte[] bytes = ToNative(value, "string");
            size = bytes.Length;
            IntPtr p = Marshal.AllocHGlobal(size);
            Marshal.Copy(bytes, 0, p, size);
            Array.Clear(bytes, 0, bytes.Length);
            return p;
        }

        /// <summary>Wipes and frees memory from ToUnmanaged / SecureToUnmanaged.</summary>
        internal static void FreeUnmanaged(IntPtr p, int size)
        {
            if (p == IntPtr.Zero)
            {
                return;
            }
            for (int i = 0; i < size; i++)
            {
                Marshal.WriteByte(p, i, 0);
            }
            Marshal.FreeHGlobal(p);
        }

        /// <summary>
        /// A SecureString as unmanaged NUL-terminated UTF-8, never passing through a managed
        /// string: the UTF-16 copy lives in unmanaged memory and is wiped at once.
        /// </summary>
        internal static IntPtr SecureToUnmanaged(System.Security.SecureString secret, out int size)
        {
            size = 0;
            if (secret == null)
            {
                return IntPtr.Zero;
            }
            IntPtr bstr = IntPtr.Zero;
            char[] chars = null;
            byte[] bytes = null;
            try
            {
                bstr = Marshal.SecureStringToGlobalAllocUnicode(secret);
                int n = secret.Length;
                chars = new char[n];
                Marshal.Copy(bstr, chars, 0, n);
                if (Array.IndexOf(chars, '\0') >= 0)
                {
                    throw new ArgumentException("the secret contains a NUL character");
                }
                int byteCount = Strict.GetByteCount(chars, 0, n);
                bytes = new byte[byteCount + 1];
                Strict.GetBytes(chars, 0, n, bytes, 0);
                size = bytes.Length;
                IntPtr p = Marshal.AllocHGlobal(size);
                Marshal.Copy(bytes, 0, p, size);
                return p;
            }
            finally
            {
                if (chars != null) { Array.Clear(chars, 0, chars.Length); }
                if (bytes != null) { Array.Clear(bytes, 0, bytes.Length); }
                if (bstr != IntPtr.Zero) { Marshal.ZeroFreeGlobalAllocUnicode(bstr); }
            }
        }
    }
}
