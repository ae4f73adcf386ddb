# Issue 12, item 7: the cmdlets take every message, action and word they show users from the
# string table (ps-module/interop/Cmdlets/Strings*.cs), none is written inline. A source scan:
# in a call that shows text (WriteVerbose, WriteWarning, WriteDebug, ShouldProcess,
# ShouldContinue, Stop, NewErrorRecord, an exception, Strings.F, a "what" word given to the
# library's checks) a string literal may only be an identifier-like ErrorId or member name
# (letters, digits, '.', '_', '-'); anything else (a space, a format item, punctuation) must
# be a Strings constant. The scan is checked first on planted lines it must catch and lines it
# must let through.

BeforeDiscovery {
    $script:CmdletDir = Join-Path $PSScriptRoot '../../ps-module/interop/Cmdlets'
}

BeforeAll {
    $script:CmdletDir = Join-Path $PSScriptRoot '../../ps-module/interop/Cmdlets'
    $script:ShowsText = '\b(WriteVerbose|WriteWarning|WriteDebug|WriteInformation|ShouldProcess|ShouldContinue|Stop|NewErrorRecord|ThrowTerminatingError|\w*Exception|Strings\.F|CheckGuid|CheckTenant|CheckEndpoint|CheckResourceId)\s*\('
    # The inline texts of one C# source line, or nothing: string literals ("..", @"..", $"..")
    # in a line that calls something that shows text, which are not identifier-like.
    function script:Get-InlineText([string] $line) {
        $code = $line -replace '^\s*//.*$', '' -replace '\s//\s.*$', ''
        if ($code -notmatch $script:ShowsText) { return }
        foreach ($m in [regex]::Matches($code, '[$@]?"(?:[^"\\]|\\.)*"')) {
            $text = $m.Value -replace '^[$@]?"', '' -replace '"$', ''
            if ($text -notmatch '^[A-Za-z0-9._-]*$') { $m.Value }
        }
    }
}

Describe 'The string table' {
    It 'the scan catches inline text and lets ErrorIds and string-table texts through' {
        @(Get-InlineText '            WriteVerbose("Signed in as " + account);').Count | Should -Be 1
        @(Get-InlineText '            if (!ShouldProcess(Name, "Add environment")) { return; }').Count | Should -Be 1
        @(Get-InlineText '            available.Add(Strings.F("{0} ({1})", a, b));').Count | Should -Be 1
        @(Get-InlineText '            throw new FormatException("bad JSON at " + at);').Count | Should -Be 1
        @(Get-InlineText '            Native.CheckGuid(id, "customer subscription ID");').Count | Should -Be 1
        @(Get-InlineText '            Stop(Strings.F(Strings.CertificateNotFound, thumb), "CertificateNotFound", ErrorCategory.ObjectNotFound, x);').Count | Should -Be 0
        @(Get-InlineText '            if (call == null) { throw new ArgumentNullException("call"); }').Count | Should -Be 0
        @(Get-InlineText '            Output.AddNote(o, "Name", value);').Count | Should -Be 0
        @(Get-InlineText '            // WriteVerbose("a comment is not code")').Count | Should -Be 0
    }

    It 'no cmdlet source writes a message inline (<_>)' -ForEach @(
        Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../../ps-module/interop/Cmdlets') -Filter '*.cs' |
            Where-Object { $_.Name -notlike 'Strings*.cs' } | ForEach-Object Name) {
        $file = Join-Path $script:CmdletDir $_
        $found = @()
        $n = 0
        foreach ($line in (Get-Content -LiteralPath $file)) {
            $n++
            foreach ($t in @(Get-InlineText $line)) { $found += "${_}:${n}: $t" }
        }
        $found | Should -BeNullOrEmpty -Because 'user-facing text belongs in Strings*.cs'
    }
}
