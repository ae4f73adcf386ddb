using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AzsRegistration.Interop
{
    /// <summary>
    /// Finds libazsreg relative to the module, never the current directory:
    /// AZSREG_NATIVE_PATH (full path to the file) wins; else
    /// {moduleRoot}/runtimes/{rid}/native/{libazsreg.so|libazsreg.dylib|azsreg.dll}, where
    /// moduleRoot is the folder of this assembly or its parent (the package keeps the
    /// assembly in lib/). It is loaded by full path before the first DllImport call:
    /// on .NET (Core) through NativeLibrary + SetDllImportResolver (found by reflection,
    /// since netstandard2.0 does not have them); on .NET Framework through LoadLibraryEx,
    /// so that DllImport("azsreg") binds to the module already in the process; elsewhere
    /// through dlopen(RTLD_NOW | RTLD_GLOBAL).
    /// </summary>
    internal static class NativeLibraryLoader
    {
        private static readonly object Gate = new object();
        private static bool _attempted;
        private static IntPtr _handle = IntPtr.Zero;

        internal static string LoadedPath { get; private set; }
        internal static string LoadError { get; private set; }
        internal static List<string> Searched { get; } = new List<string>();

        internal static string Rid
        {
            get
            {
                string os;
                string ext;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { os = "win"; }
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) { os = "osx"; }
                else { os = "linux"; }
                ext = null;
                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X64: ext = "x64"; break;
                    case Architecture.X86: ext = "x86"; break;
                    case Architecture.Arm64: ext = "arm64"; break;
                    case Architecture.Arm: ext = "arm"; break;
                    default: ext = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(); break;
                }
                return os + "-" + ext;
            }
        }

        internal static string FileName
        {
            get
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return "azsreg.dll"; }
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) { return "libazsreg.dylib"; }
                return "libazsreg.so";
            }
        }

        private static string FindLibrary()
        {
            string overridePath = Environment.GetEnvironmentVariable("AZSREG_NATIVE_PATH");
            if (!string.IsNullOrEmpty(overridePath))
            {
                Searched.Add(overridePath + " (AZSREG_NATIVE_PATH)");
                return File.Exists(overridePath) ? Path.GetFullPath(overridePath) : null;
            }
            string asmDir = Path.GetDirectoryName(typeof(NativeLibraryLoader).Assembly.Location);
            if (string.IsNullOrEmpty(asmDir))
            {
                return null;
            }
            var roots = new List<string> { asmDir };
            DirectoryInfo parent = Directory.GetParent(asmDir);
            if (parent != null)
            {
                roots.Add(parent.FullName);
            }
            foreach (string root in roots)
            {
                string candidate = Path.Combine(Path.Combine(Path.Combine(Path.Combine(root, "runtimes"), Rid), "native"), FileName);
                Searched.Add(candidate);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        internal static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (_attempted)
                {
                    return;
                }
                _attempted = true;
                try
                {
                    string path = FindLibrary();
                    if (path == null)
                    {
                        LoadError = "the native library " + FileName + " was not found; looked in: " + string.Join("; ", Searched.ToArray());
                        return;
                    }
                    if (TryCoreLoad(path) || TryFrameworkLoad(path) || TryDlopen(path))
                    {
                        LoadedPath = path;
                    }
                    else if (LoadError == null)
                    {
                        LoadError = "could not load the native library " + path;
                    }
                }
                catch (Exception ex)
                {
                    LoadError = "could not load the native library: " + ex.Message;
                }
            }
        }

        // ---- .NET Core 3+ : NativeLibrary.Load + SetDllImportResolver through reflection ----

        private static bool TryCoreLoad(string path)
        {
            Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary", false);
            Type resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver", false);
            if (nativeLibrary == null || resolverType == null)
            {
                return false;
            }
            MethodInfo load = nativeLibrary.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null);
            MethodInfo setResolver = nativeLibrary.GetMethod("SetDllImportResolver", BindingFlags.Public | BindingFlags.Static);
            if (load == null || setResolver == null)
            {
                return false;
            }
            try
            {
                _handle = (IntPtr)load.Invoke(null, new object[] { path });
            }
            catch (TargetInvocationException ex)
            {
                LoadError = "could not load the native library " + path + ": " + (ex.InnerException ?? ex).Message;
                return false;
            }
            MethodInfo resolve = typeof(NativeLibraryLoader).GetMethod("Resolve", BindingFlags.NonPublic | BindingFlags.Static);
            Delegate resolver = Delegate.CreateDelegate(resolverType, resolve);
            try
            {
                setResolver.Invoke(null, new object[] { typeof(NativeLibraryLoader).Assembly, resolver });
            }
            catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException)
            {
                // A resolver is already set for this assembly (loaded twice?): it resolves the same way.
            }
            return true;
        }

        private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (libraryName == "azsreg")
            {
                return _handle;
            }
            return IntPtr.Zero;
        }

        // ---- .NET Framework (Windows PowerShell 5.1) ----

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true, EntryPoint = "LoadLibraryExW")]
        private static extern IntPtr LoadLibraryEx(string path, IntPtr file, uint flags);

        private static bool TryFrameworkLoad(string path)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return false;
            }
            const uint LOAD_WITH_ALTERED_SEARCH_PATH = 0x00000008;
            _handle = LoadLibraryEx(path, IntPtr.Zero, LOAD_WITH_ALTERED_SEARCH_PATH);
            if (_handle == IntPtr.Zero)
            {
                LoadError = "LoadLibraryEx failed for " + path + " (Win32 error " + Marshal.GetLastWin32Error() + ")";
                return false;
            }
            return true;
        }

        // ---- Mono and other runtimes on Unix ----

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr dlopen_linux(string file, int mode);

        [DllImport("libSystem.dylib", EntryPoint = "dlopen")]
        private static extern IntPtr dlopen_osx(string file, int mode);

        private static bool TryDlopen(string path)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // No libdl on Windows: calling it would replace LoadError (why azsreg.dll did
                // not load) with "Unable to load DLL 'libdl.so.2'".
                return false;
            }
            const int RTLD_NOW = 2;
            int global = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 8 : 0x100;
            _handle = RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? dlopen_osx(path, RTLD_NOW | global)
                : dlopen_linux(path, RTLD_NOW | global);
            return _handle != IntPtr.Zero;
        }
    }
}
