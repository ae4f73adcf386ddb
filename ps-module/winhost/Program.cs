// AzsPwshHost: a minimal PowerShell 7 host for running scripts and Pester tests of the
// AzsRegistration module on Windows builds under Wine, where pwsh.exe's console host does
// not start. It is not an interactive shell.
//
//   AzsPwshHost.exe [-NoProfile] [-NonInteractive] [-NoLogo] [-ExecutionPolicy <x>]
//                   -File <script.ps1> [script arguments...]
//   AzsPwshHost.exe [...] -Command <text...>      (the rest of the line is the command; "-" reads stdin)
//
// Exit codes follow pwsh: -File: N for "exit N", 0 when the script ends normally, 1 after an
// unhandled terminating error; -Command: N for "exit N", else 0 when the last statement
// succeeded ($?), else 1. 64 for a bad command line or a missing script file, 70 when the
// engine could not start.
//
// Everything runs in one runspace (InitialSessionState.CreateDefault2, execution policy
// Bypass, no profiles) with a console-backed PSHost: output and Write-Host on stdout, errors
// on stderr, warnings/verbose/debug on stdout with a prefix (as pwsh does), UTF-8 everywhere.
// $PSHOME is the publish folder; its Modules/ holds the built-in modules.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Reflection;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace AzsPwshHost
{
    internal static class Program
    {
        private const int ExitBadCommandLine = 64;
        private const int ExitInitFailure = 70;

        private static int Main(string[] args)
        {
            SetUpConsoleEncoding();

            string file = null;
            string command = null;
            List<CommandParameter> fileArgs = null;
            int i = 0;
            for (; i < args.Length; i++)
            {
                string a = args[i];
                string sw = a.Length > 1 && a[0] == '-' ? a.TrimStart('-').ToLowerInvariant() : null;
                if (sw == null)
                {
                    // A bare first argument is the script file, as with pwsh.
                    file = a;
                    i++;
                    break;
                }
                switch (sw)
                {
                    case "file":
                    case "f":
                        if (i + 1 >= args.Length) { return Usage("-File needs a script path"); }
                        file = args[++i];
                        i++;
                        goto done;
                    case "command":
                    case "c":
                        if (i + 1 >= args.Length) { return Usage("-Command needs a value"); }
                        command = string.Join(" ", args, i + 1, args.Length - i - 1);
                        i = args.Length;
                        goto done;
                    case "noprofile":
                    case "nop":
                    case "noninteractive":
                    case "noni":
                    case "nologo":
                    case "nol":
                        break;
                    case "executionpolicy":
                    case "ep":
                    case "ex":
                        i++; // ignored: the policy is always Bypass
                        break;
                    case "help":
                    case "h":
                    case "?":
                        Usage(null);
                        return 0;
                    default:
                        return Usage("unknown option " + a);
                }
            }
        done:
            if (file == null && command == null)
            {
                return Usage("nothing to run: give -File or -Command");
            }
            if (file != null)
            {
                fileArgs = FileArguments(args, i);
                string full;
                try { full = Path.GetFullPath(file); }
                catch (Exception ex) { return Usage("bad script path '" + file + "': " + ex.Message); }
                if (!File.Exists(full))
                {
                    Console.Error.WriteLine("The argument '" + file + "' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.");
                    return ExitBadCommandLine;
                }
                file = full;
            }
            else if (command == "-")
            {
                command = Console.In.ReadToEnd();
            }

            var host = new ConsoleBackedHost();
            Runspace runspace;
            try
            {
                InitialSessionState iss = InitialSessionState.CreateDefault2();
                if (OperatingSystem.IsWindows())
                {
                    // Execution policy exists only on Windows (setting it elsewhere throws).
                    iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
                }
                iss.ThreadOptions = PSThreadOptions.UseCurrentThread;
                runspace = RunspaceFactory.CreateRunspace(host, iss);
                runspace.Open();
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine("AzsPwshHost: could not start the PowerShell engine: " + ex);
                return ExitInitFailure;
            }
            host.Runspace = runspace;

            using (runspace)
            {
                return file != null ? RunFile(host, runspace, file, fileArgs) : RunCommand(host, runspace, command);
            }
        }

        // pwsh's -File argument rules (CommandLineParameterParser): "-Name" is a parameter name
        // (the binder pairs it with the next argument unless it is a switch), "-Name:value" a name
        // with its value ("true"/"$true"/"false"/"$false" become booleans), "-Name:" takes the
        // next argument as its value, anything else is a positional string.
        private static List<CommandParameter> FileArguments(string[] args, int start)
        {
            var list = new List<CommandParameter>();
            string pending = null;
            for (int i = start; i < args.Length; i++)
            {
                string a = args[i];
                if (pending != null)
                {
                    list.Add(new CommandParameter(pending, a));
                    pending = null;
                }
                else if (a.Length > 1 && a[0] == '-')
                {
                    int colon = a.IndexOf(':');
                    if (colon < 0)
                    {
                        list.Add(new CommandParameter(a));
                    }
                    else if (colon == a.Length - 1)
                    {
                        pending = a.TrimEnd(':');
                    }
                    else
                    {
                        string value = a.Substring(colon + 1);
                        object converted = bool.TryParse(value.Substring(value[0] == '$' ? 1 : 0), out bool b) ? (object)b : value;
                        list.Add(new CommandParameter(a.Substring(0, colon), converted));
                    }
                }
                else
                {
                    list.Add(new CommandParameter(null, a));
                }
            }
            if (pending != null)
            {
                list.Add(new CommandParameter(pending));
            }
            return list;
        }

        private static int RunFile(ConsoleBackedHost host, Runspace runspace, string file, List<CommandParameter> fileArgs)
        {
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = runspace;
                var cmd = new Command(file, false, false);
                foreach (CommandParameter p in fileArgs)
                {
                    cmd.Parameters.Add(p);
                }
                // Non-terminating errors go through Out-Default too, which shows them on stderr.
                cmd.MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
                ps.Commands.AddCommand(cmd);
                ps.AddCommand("Out-Default");

                // As pwsh -File does: let "exit N" in the script leave the pipeline (and reach
                // SetShouldExit) instead of only setting $LASTEXITCODE.
                bool rethrowSet = SetRethrowExit(runspace);

                Exception failure = Invoke(ps);
                if (host.ShouldExit)
                {
                    return host.ExitCode;
                }
                if (failure != null)
                {
                    ReportException(host, runspace, failure);
                    return 1;
                }
                if (!rethrowSet)
                {
                    // Fallback if the engine internals moved: "exit N" left N in $LASTEXITCODE.
                    object code = runspace.SessionStateProxy.GetVariable("LASTEXITCODE");
                    if (code is int n) { return n; }
                }
                return 0;
            }
        }

        private static int RunCommand(ConsoleBackedHost host, Runspace runspace, string command)
        {
            using (PowerShell ps = PowerShell.Create())
            {
                ps.Runspace = runspace;
                // Append a probe for $? unless the text does not parse (then the engine reports
                // the parse error, exit code 1). The ';' ends any dangling line continuation.
                System.Management.Automation.Language.Parser.ParseInput(command, out _, out var parseErrors);
                ps.AddScript(parseErrors.Length == 0 ? command + "\n;$global:" + LastOkVariable + " = $?" : command, false);
                ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
                ps.AddCommand("Out-Default");
                Exception failure = Invoke(ps);
                if (host.ShouldExit)
                {
                    return host.ExitCode;
                }
                if (failure != null)
                {
                    ReportException(host, runspace, failure);
                    return 1;
                }
            }
            // pwsh -Command: the exit code reflects $? of the last statement ($? seen after the
            // pipeline is always true here since Out-Default ran last; hence the probe appended
            // to the command).
            object ok = runspace.SessionStateProxy.GetVariable(LastOkVariable);
            runspace.SessionStateProxy.PSVariable.Remove(LastOkVariable);
            return ok is bool b && !b ? 1 : 0;
        }

        private const string LastOkVariable = "__AzsPwshHostLastStatementOk";

        private static Exception Invoke(PowerShell ps)
        {
            ConsoleCancelEventHandler onCancel = (s, e) =>
            {
                e.Cancel = true;
                try { ps.BeginStop(null, null); } catch (Exception) { }
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                ps.Invoke();
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                Console.Out.Flush();
                Console.Error.Flush();
            }
        }

        private static bool SetRethrowExit(Runspace runspace)
        {
            try
            {
                const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
                object context = typeof(Runspace).GetProperty("ExecutionContext", flags)?.GetValue(runspace);
                PropertyInfo rethrow = context?.GetType().GetProperty("ScriptCommandProcessorShouldRethrowExit", flags);
                if (rethrow == null) { return false; }
                rethrow.SetValue(context, true);
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }

        // Shows a terminating error the way the formatter shows errors ($ErrorView), on stderr.
        private static void ReportException(ConsoleBackedHost host, Runspace runspace, Exception ex)
        {
            if (ex is TargetInvocationException && ex.InnerException != null) { ex = ex.InnerException; }
            ErrorRecord record = (ex as IContainsErrorRecord)?.ErrorRecord
                ?? new ErrorRecord(ex, "AzsPwshHost.UnhandledException", ErrorCategory.NotSpecified, null);
            string text = null;
            try
            {
                using (PowerShell ps = PowerShell.Create())
                {
                    ps.Runspace = runspace;
                    // Keep it in $Error like an interactive host would.
                    ps.AddScript("param($r) $global:Error.Insert(0, $r); $r | Out-String -Width 200", false).AddArgument(record);
                    var sb = new StringBuilder();
                    foreach (PSObject o in ps.Invoke()) { sb.Append(o?.ToString()); }
                    text = sb.ToString().Trim('\r', '\n');
                }
            }
            catch (Exception) { }
            if (string.IsNullOrWhiteSpace(text))
            {
                text = record.ToString();
                if (record.InvocationInfo != null) { text += Environment.NewLine + record.InvocationInfo.PositionMessage; }
            }
            host.UI.WriteErrorLine(text);
        }

        private static void SetUpConsoleEncoding()
        {
            var utf8 = new UTF8Encoding(false);
            try { Console.OutputEncoding = utf8; } catch (Exception) { }
            try { Console.InputEncoding = utf8; } catch (Exception) { }
        }

        private static int Usage(string error)
        {
            TextWriter w = error == null ? Console.Out : Console.Error;
            if (error != null) { w.WriteLine("AzsPwshHost: " + error); }
            w.WriteLine("usage: AzsPwshHost [-NoProfile] [-NonInteractive] -File <script.ps1> [args...]");
            w.WriteLine("       AzsPwshHost [-NoProfile] [-NonInteractive] -Command <text...>   (- reads the command from stdin)");
            return error == null ? 0 : ExitBadCommandLine;
        }
    }

    /// <summary>The PSHost: identity, culture, exit requests. No nested prompts.</summary>
    internal sealed class ConsoleBackedHost : PSHost
    {
        private readonly ConsoleUI _ui = new ConsoleUI();
        private readonly Guid _id = Guid.NewGuid();
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        internal Runspace Runspace { get; set; }
        internal bool ShouldExit { get; private set; }
        internal int ExitCode { get; private set; }

        public override string Name => "AzsPwshHost";
        public override Version Version => typeof(ConsoleBackedHost).Assembly.GetName().Version ?? new Version(0, 1);
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => _culture;
        public override CultureInfo CurrentUICulture => _uiCulture;

        // Scripts read $Host.PrivateData.<Stream>ForegroundColor like on ConsoleHost.
        public override PSObject PrivateData { get; } = CreatePrivateData();

        private static PSObject CreatePrivateData()
        {
            var o = new PSObject();
            o.Properties.Add(new PSNoteProperty("ErrorForegroundColor", ConsoleColor.Red));
            o.Properties.Add(new PSNoteProperty("ErrorBackgroundColor", ConsoleColor.Black));
            o.Properties.Add(new PSNoteProperty("WarningForegroundColor", ConsoleColor.Yellow));
            o.Properties.Add(new PSNoteProperty("WarningBackgroundColor", ConsoleColor.Black));
            o.Properties.Add(new PSNoteProperty("DebugForegroundColor", ConsoleColor.Yellow));
            o.Properties.Add(new PSNoteProperty("DebugBackgroundColor", ConsoleColor.Black));
            o.Properties.Add(new PSNoteProperty("VerboseForegroundColor", ConsoleColor.Yellow));
            o.Properties.Add(new PSNoteProperty("VerboseBackgroundColor", ConsoleColor.Black));
            o.Properties.Add(new PSNoteProperty("ProgressForegroundColor", ConsoleColor.Yellow));
            o.Properties.Add(new PSNoteProperty("ProgressBackgroundColor", ConsoleColor.DarkCyan));
            return o;
        }

        public override void SetShouldExit(int exitCode)
        {
            ShouldExit = true;
            ExitCode = exitCode;
        }

        public override void EnterNestedPrompt() => throw new NotSupportedException("AzsPwshHost has no nested prompts (no debugger, no $Host.EnterNestedPrompt()).");
        public override void ExitNestedPrompt() => throw new NotSupportedException("AzsPwshHost has no nested prompts.");
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    /// <summary>
    /// Console I/O. Colours are applied with Console.ForegroundColor only when stdout is a
    /// console (not redirected), so logs and captured output stay free of escape codes.
    /// </summary>
    internal sealed class ConsoleUI : PSHostUserInterface, IHostUISupportsMultipleChoiceSelection
    {
        private readonly ConsoleRawUI _raw = new ConsoleRawUI();
        private readonly object _lock = new object();
        private static readonly bool NoColour = Environment.GetEnvironmentVariable("NO_COLOR") != null;
        private readonly bool _colourOut = !NoColour && !Console.IsOutputRedirected;
        private readonly bool _colourErr = !NoColour && !Console.IsErrorRedirected;

        public override PSHostRawUserInterface RawUI => _raw;
        public override bool SupportsVirtualTerminal => false;

        // pwsh strips VT sequences from formatted output when it is redirected ($PSStyle,
        // OutputRendering = Host); this host never writes them (colours go through the console API).
        private static readonly Regex Vt = new Regex(@"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        private static string Plain(string value)
            => value != null && value.IndexOf('\x1b') >= 0 ? Vt.Replace(value, string.Empty) : value;

        public override void Write(string value)
        {
            lock (_lock) { Console.Out.Write(Plain(value)); }
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
            lock (_lock) { WriteColoured(Console.Out, _colourOut, foregroundColor, backgroundColor, Plain(value), false); }
        }

        public override void WriteLine(string value)
        {
            lock (_lock) { Console.Out.WriteLine(Plain(value)); }
        }

        public override void WriteLine(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
            lock (_lock) { WriteColoured(Console.Out, _colourOut, foregroundColor, backgroundColor, Plain(value), true); }
        }

        public override void WriteErrorLine(string value)
        {
            lock (_lock)
            {
                Console.Out.Flush();
                WriteColoured(Console.Error, _colourErr, ConsoleColor.Red, _raw.BackgroundColor, Plain(value), true);
                Console.Error.Flush();
            }
        }

        public override void WriteDebugLine(string message) => WriteLine(ConsoleColor.Yellow, _raw.BackgroundColor, "DEBUG: " + message);
        public override void WriteVerboseLine(string message) => WriteLine(ConsoleColor.Yellow, _raw.BackgroundColor, "VERBOSE: " + message);
        public override void WriteWarningLine(string message) => WriteLine(ConsoleColor.Yellow, _raw.BackgroundColor, "WARNING: " + message);
        public override void WriteProgress(long sourceId, ProgressRecord record) { }

        private static void WriteColoured(TextWriter w, bool colour, ConsoleColor fg, ConsoleColor bg, string value, bool newLine)
        {
            if (colour)
            {
                ConsoleColor oldFg = Console.ForegroundColor, oldBg = Console.BackgroundColor;
                try
                {
                    w.Flush();
                    Console.ForegroundColor = fg;
                    Console.BackgroundColor = bg;
                    w.Write(value);
                    w.Flush();
                }
                finally
                {
                    Console.ForegroundColor = oldFg;
                    Console.BackgroundColor = oldBg;
                }
                if (newLine) { w.WriteLine(); }
                return;
            }
            if (newLine) { w.WriteLine(value); } else { w.Write(value); }
        }

        public override string ReadLine()
        {
            lock (_lock) { Console.Out.Flush(); }
            return Console.ReadLine();
        }

        public override SecureString ReadLineAsSecureString()
        {
            var s = new SecureString();
            string line = ReadLine();
            if (line != null) { foreach (char c in line) { s.AppendChar(c); } }
            s.MakeReadOnly();
            return s;
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            if (!string.IsNullOrEmpty(caption)) { WriteLine(caption); }
            if (!string.IsNullOrEmpty(message)) { WriteLine(message); }
            var result = new Dictionary<string, PSObject>();
            foreach (FieldDescription fd in descriptions)
            {
                Write(fd.Name + ": ");
                Type t = ResolveType(fd.ParameterAssemblyFullName);
                if (t == typeof(SecureString))
                {
                    result[fd.Name] = PSObject.AsPSObject(ReadLineAsSecureString());
                }
                else if (t == typeof(PSCredential))
                {
                    result[fd.Name] = PSObject.AsPSObject(PromptForCredential(null, null, null, null));
                }
                else
                {
                    string line = ReadLine();
                    if (line == null) { throw new PSInvalidOperationException("AzsPwshHost: end of input while prompting for " + fd.Name); }
                    result[fd.Name] = PSObject.AsPSObject(line);
                }
            }
            return result;
        }

        private static Type ResolveType(string name)
        {
            if (string.IsNullOrEmpty(name)) { return typeof(string); }
            try { return Type.GetType(name, false) ?? typeof(string); } catch (Exception) { return typeof(string); }
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Collection<int> r = PromptForChoice(caption, message, choices, defaultChoice >= 0 ? new[] { defaultChoice } : Array.Empty<int>(), false);
            return r.Count > 0 ? r[0] : defaultChoice;
        }

        public Collection<int> PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, IEnumerable<int> defaultChoices)
            => PromptForChoice(caption, message, choices, defaultChoices, true);

        private Collection<int> PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, IEnumerable<int> defaults, bool multiple)
        {
            if (!string.IsNullOrEmpty(caption)) { WriteLine(caption); }
            if (!string.IsNullOrEmpty(message)) { WriteLine(message); }
            var labels = new List<string>();
            for (int n = 0; n < choices.Count; n++)
            {
                string label = choices[n].Label ?? string.Empty;
                int amp = label.IndexOf('&');
                string key = amp >= 0 && amp + 1 < label.Length ? label.Substring(amp + 1, 1) : label;
                labels.Add(key);
                WriteLine("[" + key + "] " + label.Replace("&", string.Empty) + (string.IsNullOrEmpty(choices[n].HelpMessage) ? string.Empty : " - " + choices[n].HelpMessage));
            }
            var result = new Collection<int>();
            while (true)
            {
                Write(multiple ? "Choices (empty line ends): " : "Choice: ");
                string line = ReadLine();
                if (line == null || line.Length == 0)
                {
                    if (result.Count == 0) { foreach (int d in defaults) { result.Add(d); } }
                    return result;
                }
                int idx = labels.FindIndex(l => string.Equals(l, line.Trim(), StringComparison.OrdinalIgnoreCase));
                if (idx >= 0)
                {
                    result.Add(idx);
                    if (!multiple) { return result; }
                }
            }
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName)
            => PromptForCredential(caption, message, userName, targetName, PSCredentialTypes.Default, PSCredentialUIOptions.Default);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        {
            if (!string.IsNullOrEmpty(caption)) { WriteLine(caption); }
            if (!string.IsNullOrEmpty(message)) { WriteLine(message); }
            if (string.IsNullOrEmpty(userName))
            {
                Write("User: ");
                userName = ReadLine();
                if (userName == null) { throw new PSInvalidOperationException("AzsPwshHost: end of input while prompting for a user name"); }
            }
            Write("Password for " + userName + ": ");
            return new PSCredential(userName, ReadLineAsSecureString());
        }
    }

    /// <summary>
    /// Raw console: sizes and colours answer sensibly when there is no console (redirected
    /// output, Wine without a terminal); buffer access is not supported.
    /// </summary>
    internal sealed class ConsoleRawUI : PSHostRawUserInterface
    {
        private const int DefaultWidth = 120;
        private const int DefaultHeight = 50;
        private ConsoleColor _fg = Safe(() => Console.ForegroundColor, ConsoleColor.Gray);
        private ConsoleColor _bg = Safe(() => Console.BackgroundColor, ConsoleColor.Black);
        private string _title = "AzsPwshHost";
        private int _cursorSize = 25;
        private Coordinates _cursor;
        private Coordinates _windowPosition;

        private static T Safe<T>(Func<T> get, T fallback)
        {
            try { return get(); } catch (Exception) { return fallback; }
        }

        // Width of formatted output: $env:COLUMNS, else the console's, else 120.
        private static int Width()
        {
            string columns = Environment.GetEnvironmentVariable("COLUMNS");
            if (int.TryParse(columns, NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) && c > 10) { return c; }
            if (Console.IsOutputRedirected) { return DefaultWidth; }
            int w = Safe(() => Console.WindowWidth, 0);
            return w > 10 ? w : DefaultWidth;
        }

        private static int Height()
        {
            if (Console.IsOutputRedirected) { return DefaultHeight; }
            int h = Safe(() => Console.WindowHeight, 0);
            return h > 0 ? h : DefaultHeight;
        }

        public override ConsoleColor ForegroundColor { get => _fg; set => _fg = value; }
        public override ConsoleColor BackgroundColor { get => _bg; set => _bg = value; }

        public override Coordinates CursorPosition
        {
            get
            {
                if (!Console.IsOutputRedirected)
                {
                    try { return new Coordinates(Console.CursorLeft, Console.CursorTop); } catch (Exception) { }
                }
                return _cursor;
            }
            set
            {
                _cursor = value;
                if (!Console.IsOutputRedirected)
                {
                    try { Console.SetCursorPosition(value.X, value.Y); } catch (Exception) { }
                }
            }
        }

        public override int CursorSize { get => _cursorSize; set => _cursorSize = value; }
        public override Size BufferSize { get => new Size(Width(), Math.Max(Height(), 3000)); set { } }
        public override Size WindowSize { get => new Size(Width(), Height()); set { } }
        public override Size MaxWindowSize => new Size(Width(), Height());
        public override Size MaxPhysicalWindowSize => new Size(Width(), Height());
        public override Coordinates WindowPosition { get => _windowPosition; set => _windowPosition = value; }
        public override string WindowTitle { get => _title; set => _title = value ?? string.Empty; }

        public override bool KeyAvailable => !Console.IsInputRedirected && Safe(() => Console.KeyAvailable, false);

        public override KeyInfo ReadKey(ReadKeyOptions options)
        {
            if (Console.IsInputRedirected)
            {
                int ch = Console.In.Read();
                if (ch < 0) { throw new PSInvalidOperationException("AzsPwshHost: end of input in ReadKey"); }
                return new KeyInfo(0, (char)ch, 0, (options & ReadKeyOptions.IncludeKeyUp) == 0);
            }
            ConsoleKeyInfo k = Console.ReadKey((options & ReadKeyOptions.NoEcho) != 0);
            ControlKeyStates state = 0;
            if ((k.Modifiers & ConsoleModifiers.Shift) != 0) { state |= ControlKeyStates.ShiftPressed; }
            if ((k.Modifiers & ConsoleModifiers.Alt) != 0) { state |= ControlKeyStates.LeftAltPressed; }
            if ((k.Modifiers & ConsoleModifiers.Control) != 0) { state |= ControlKeyStates.LeftCtrlPressed; }
            return new KeyInfo((int)k.Key, k.KeyChar, state, true);
        }

        public override void FlushInputBuffer() { }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle)
            => throw new NotSupportedException("AzsPwshHost does not support reading the console buffer.");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
    }
}
