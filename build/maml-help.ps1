<#
.SYNOPSIS
Writes the module's MAML help (en-US/AzsRegistration.Interop.dll-Help.xml) from
ps-module/help/<Command>.md, and checks the markdown against the commands.

.DESCRIPTION
Compiled cmdlets cannot carry comment-based help: PowerShell reads their help from a MAML
file named after the assembly that implements them (CmdletInfo.HelpFile,
"AzsRegistration.Interop.dll-Help.xml"), which it looks for in <module base>/<culture>/
(then <module base>/) of the module that exports the cmdlet. The source is one markdown
file per exported command in ps-module/help/ (format: ps-module/help/README.md).

With -ModulePath (what build/package-module.sh passes: the staged module), the module is
imported and the command metadata is the reference: every exported command needs a
markdown file and every markdown file an exported command; the parameters described must
be exactly the command's parameters (common parameters aside; -WhatIf and -Confirm get
the standard text unless the markdown describes them); the syntax, types, positions,
aliases and pipeline input written into the MAML come from the metadata. Without
-ModulePath only the markdown is read: its own parameter list is used (no syntax, no
types), which is enough to check the content but not for a shipped help file.

Fails (exit code 1, every problem found listed on stderr)
when a markdown file has no synopsis, no description, no example with code, a parameter
without text, a parameter the command does not have, or lacks one the command has.

.PARAMETER HelpPath
Folder of the markdown files (default: ps-module/help next to this script's folder).

.PARAMETER OutputPath
The MAML file to write. Without it the markdown is only checked.

.PARAMETER ModulePath
Manifest (.psd1) of the module to read the command metadata from, imported in this process.

.EXAMPLE
pwsh -NoProfile -File build/maml-help.ps1 -ModulePath out/module/AzsRegistration/AzsRegistration.psd1 -OutputPath out/module/AzsRegistration/en-US/AzsRegistration.Interop.dll-Help.xml

.EXAMPLE
pwsh -NoProfile -File build/maml-help.ps1
Checks the markdown alone (no module needed).
#>
[CmdletBinding()]
param(
    [string] $HelpPath = (Join-Path (Split-Path -Parent $PSScriptRoot) 'ps-module/help'),
    [string] $OutputPath,
    [string] $ModulePath
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:Sections = @('SYNOPSIS', 'DESCRIPTION', 'PARAMETERS', 'EXAMPLES', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS')
$script:StandardParameterText = @{
    WhatIf  = 'Shows what would happen if the command runs. The command is not run.'
    Confirm = 'Prompts you for confirmation before running the command.'
}

# ---- markdown -----------------------------------------------------------------------------

function ConvertTo-HelpParagraphs {
    # Lines -> paragraphs: blank lines separate paragraphs; the lines of a paragraph are
    # joined with spaces (Get-Help wraps MAML text itself); a fenced block stays verbatim.
    param([string[]] $Lines)
    $paras = [System.Collections.Generic.List[string]]::new()
    $cur = [System.Collections.Generic.List[string]]::new()
    $fence = $null
    foreach ($line in $Lines) {
        if ($null -ne $fence) {
            if ($line.Trim() -eq '```') { $paras.Add(($fence -join "`n")); $fence = $null } else { $fence.Add($line) }
            continue
        }
        if ($line.TrimStart().StartsWith('```')) {
            if ($cur.Count) { $paras.Add(($cur -join ' ')); $cur.Clear() }
            $fence = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if ($line.Trim() -eq '') {
            if ($cur.Count) { $paras.Add(($cur -join ' ')); $cur.Clear() }
        } else {
            $cur.Add($line.Trim())
        }
    }
    if ($null -ne $fence) { $paras.Add(($fence -join "`n")) }
    if ($cur.Count) { $paras.Add(($cur -join ' ')) }
    $paras.ToArray()
}

function Read-HelpMarkdown {
    param([string] $Path, [System.Collections.Generic.List[string]] $Problems)
    $file = Split-Path -Leaf $Path
    $lines = @(([System.IO.File]::ReadAllText($Path) -replace "`r", '') -split "`n")
    $doc = [ordered]@{
        Name = $null; File = $file; Synopsis = @(); Description = @()
        Parameters = [ordered]@{}; Examples = [System.Collections.Generic.List[object]]::new()
        Inputs = @(); Outputs = @(); Notes = @(); Links = [System.Collections.Generic.List[object]]::new()
    }
    $section = $null
    $body = @{}                     # section -> lines (text sections)
    $sub = $null                    # current ### block: @{ Title; Lines }
    $subs = @{ 'PARAMETERS' = [System.Collections.Generic.List[object]]::new(); 'EXAMPLES' = [System.Collections.Generic.List[object]]::new() }
    $inFence = $false
    $n = 0
    foreach ($line in $lines) {
        $n++
        $isFence = $line.TrimStart().StartsWith('```')
        if (-not $inFence -and $line -match '^#\s+(\S.*?)\s*$' -and -not $doc.Name -and -not $section) {
            $doc.Name = $Matches[1]; continue
        }
        if (-not $inFence -and $line -match '^##\s+(\S.*?)\s*$') {
            $section = $Matches[1].ToUpperInvariant()
            $sub = $null
            if ($script:Sections -notcontains $section) { $Problems.Add("${file}:${n}: unknown section '## $($Matches[1])' (known: $($script:Sections -join ', '))") }
            elseif ($body.ContainsKey($section)) { $Problems.Add("${file}:${n}: section '## $section' appears twice") }
            $body[$section] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        if (-not $inFence -and $line -match '^###\s+(\S.*?)\s*$' -and $subs.ContainsKey([string]$section)) {
            $sub = @{ Title = $Matches[1]; Lines = [System.Collections.Generic.List[string]]::new(); Line = $n }
            $subs[$section].Add($sub)
            continue
        }
        if ($isFence) { $inFence = -not $inFence }
        if ($null -ne $sub) { $sub.Lines.Add($line) }
        elseif ($null -ne $section) { $body[$section].Add($line) }
        elseif ($line.Trim()) { $Problems.Add("${file}:${n}: text before the first '## ' section") }
    }
    if ($inFence) { $Problems.Add("${file}: a fenced code block is not closed") }
    if (-not $doc.Name) { $Problems.Add("${file}: no '# <Command>' title"); $doc.Name = [System.IO.Path]::GetFileNameWithoutExtension($file) }
    elseif ($doc.Name -ne [System.IO.Path]::GetFileNameWithoutExtension($file)) { $Problems.Add("${file}: title '# $($doc.Name)' does not match the file name") }

    $text = { param($s) if ($body.ContainsKey($s)) { ConvertTo-HelpParagraphs $body[$s].ToArray() } else { @() } }
    $doc.Synopsis = @(& $text 'SYNOPSIS')
    $doc.Description = @(& $text 'DESCRIPTION')
    $doc.Inputs = @(& $text 'INPUTS')
    $doc.Outputs = @(& $text 'OUTPUTS')
    $doc.Notes = @(& $text 'NOTES')
    if (-not $doc.Synopsis.Count) { $Problems.Add("${file}: no synopsis ('## SYNOPSIS' with text)") }
    elseif ($doc.Synopsis.Count -gt 1) { $Problems.Add("${file}: the synopsis is more than one paragraph") }
    if (-not $doc.Description.Count) { $Problems.Add("${file}: no description ('## DESCRIPTION' with text)") }
    foreach ($s in @('PARAMETERS', 'EXAMPLES')) {
        if ($body.ContainsKey($s) -and @(ConvertTo-HelpParagraphs $body[$s].ToArray()).Count) {
            $Problems.Add("${file}: text in '## $s' before its first '### ' heading")
        }
    }

    foreach ($p in $subs['PARAMETERS']) {
        if ($p.Title -notmatch '^-([A-Za-z_][A-Za-z0-9_]*)$') { $Problems.Add("${file}:$($p.Line): parameter heading '### $($p.Title)' is not '### -<Name>'"); continue }
        $name = $Matches[1]
        if ($doc.Parameters.Contains($name)) { $Problems.Add("${file}:$($p.Line): -$name is described twice"); continue }
        $paras = @(ConvertTo-HelpParagraphs $p.Lines.ToArray())
        if (-not $paras.Count) { $Problems.Add("${file}:$($p.Line): -$name has no text") }
        $doc.Parameters[$name] = $paras
    }

    foreach ($e in $subs['EXAMPLES']) {
        # The first fenced block is the code; the rest (text, other blocks) the remarks.
        $code = $null; $rest = [System.Collections.Generic.List[string]]::new(); $fence = $null
        foreach ($line in $e.Lines) {
            if ($null -ne $fence) {
                if ($line.Trim() -eq '```') { if ($null -eq $code) { $code = ($fence -join "`n") } else { $rest.Add('```'); foreach ($l in $fence) { $rest.Add($l) }; $rest.Add('```') }; $fence = $null }
                else { $fence.Add($line) }
                continue
            }
            if ($line.TrimStart().StartsWith('```')) { $fence = [System.Collections.Generic.List[string]]::new(); continue }
            $rest.Add($line)
        }
        if ($null -eq $code -or -not $code.Trim()) { $Problems.Add("${file}:$($e.Line): example '$($e.Title)' has no code (a fenced block)"); $code = '' }
        $doc.Examples.Add([ordered]@{ Title = $e.Title; Code = $code.Trim("`n"); Remarks = @(ConvertTo-HelpParagraphs $rest.ToArray()) })
    }
    if (-not $doc.Examples.Count) { $Problems.Add("${file}: no example ('## EXAMPLES' with a '### ' heading and a fenced code block)") }

    if ($body.ContainsKey('RELATED LINKS')) {
        foreach ($line in $body['RELATED LINKS']) {
            $t = $line.Trim()
            if (-not $t) { continue }
            if ($t -notmatch '^[-*]\s+(.+)$') { $Problems.Add("${file}: related link '$t' is not a '- ' list item"); continue }
            $item = $Matches[1].Trim()
            if ($item -match '^\[(.+)\]\((.*)\)$') { $doc.Links.Add(@{ Text = $Matches[1]; Uri = $Matches[2] }) }
            elseif ($item -match '^(https?://\S+)$') { $doc.Links.Add(@{ Text = 'Online Version:'; Uri = $item }) }
            else { $doc.Links.Add(@{ Text = $item; Uri = '' }) }
        }
    }
    $doc
}

# ---- command metadata ----------------------------------------------------------------------

function Get-ParameterInfo {
    # One entry per documented parameter: what the MAML <command:parameter> needs.
    param($Command, [string] $Name)
    $meta = $Command.Parameters[$Name]
    $sets = @($Command.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -eq $Name })
    $positions = @($sets | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
    [ordered]@{
        Name         = $meta.Name
        Type         = $meta.ParameterType
        Required     = ($sets.Count -gt 0 -and @($sets | Where-Object { -not $_.IsMandatory }).Count -eq 0)
        Position     = $(if ($positions.Count) { [string]$positions[0] } else { 'named' })
        ByValue      = [bool](@($sets | Where-Object ValueFromPipeline).Count)
        ByName       = [bool](@($sets | Where-Object ValueFromPipelineByPropertyName).Count)
        Variable     = [bool](@($sets | Where-Object ValueFromRemainingArguments).Count)
        Aliases      = @($meta.Aliases)
    }
}

function Format-PipelineInput {
    param([bool] $ByValue, [bool] $ByName)
    if ($ByValue -and $ByName) { 'True (ByValue, ByPropertyName)' }
    elseif ($ByValue) { 'True (ByValue)' }
    elseif ($ByName) { 'True (ByPropertyName)' }
    else { 'False' }
}

# ---- MAML ------------------------------------------------------------------------------------

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Write-Paras {
    param([System.Xml.XmlWriter] $W, [string[]] $Paras)
    $W.WriteStartElement('maml', 'description', $ns.maml)
    if (-not $Paras -or -not $Paras.Count) { $W.WriteElementString('maml', 'para', $ns.maml, '') }
    foreach ($p in $Paras) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
    $W.WriteEndElement()
}

function Write-Parameter {
    param([System.Xml.XmlWriter] $W, $Info, [string[]] $Paras, [bool] $InSyntax, [bool] $Required, [string] $Position, [string] $Pipeline)
    $isSwitch = $null -ne $Info.Type -and $Info.Type -eq [System.Management.Automation.SwitchParameter]
    $W.WriteStartElement('command', 'parameter', $ns.command)
    $W.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $W.WriteAttributeString('variableLength', $(if ($null -ne $Info.Type -and $Info.Type.IsArray) { 'true' } else { 'false' }))
    $W.WriteAttributeString('globbing', 'false')
    $W.WriteAttributeString('pipelineInput', $Pipeline)
    $W.WriteAttributeString('position', $Position)
    $W.WriteAttributeString('aliases', $(if ($Info.Aliases.Count) { $Info.Aliases -join ', ' } else { 'none' }))
    $W.WriteElementString('maml', 'name', $ns.maml, $Info.Name)
    Write-Paras $W $Paras
    if ($null -ne $Info.Type -and -not ($InSyntax -and $isSwitch)) {
        $W.WriteStartElement('command', 'parameterValue', $ns.command)
        $W.WriteAttributeString('required', $(if ($isSwitch) { 'false' } else { 'true' }))
        $W.WriteAttributeString('variableLength', $(if ($Info.Type.IsArray) { 'true' } else { 'false' }))
        $W.WriteString($Info.Type.Name)
        $W.WriteEndElement()
    }
    if ($null -ne $Info.Type) {
        $W.WriteStartElement('dev', 'type', $ns.dev)
        $W.WriteElementString('maml', 'name', $ns.maml, $Info.Type.FullName)
        $W.WriteElementString('maml', 'uri', $ns.maml, '')
        $W.WriteEndElement()
    }
    $W.WriteEndElement()
}

function Write-Command {
    param([System.Xml.XmlWriter] $W, $Doc, $Command)
    $name = $Doc.Name
    $verb, $noun = $name -split '-', 2
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters)
    $W.WriteStartElement('command', 'command', $ns.command)
    $W.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $W.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)

    $W.WriteStartElement('command', 'details', $ns.command)
    $W.WriteElementString('command', 'name', $ns.command, $name)
    Write-Paras $W $Doc.Synopsis
    $W.WriteElementString('command', 'verb', $ns.command, $verb)
    $W.WriteElementString('command', 'noun', $ns.command, $noun)
    $W.WriteEndElement()

    Write-Paras $W $Doc.Description

    # Parameters documented, in the markdown's order; -WhatIf/-Confirm from the metadata.
    $paramNames = [System.Collections.Generic.List[string]]::new()
    foreach ($k in $Doc.Parameters.Keys) { $paramNames.Add($k) }
    $infos = @{}
    if ($Command) {
        foreach ($k in @($Command.Parameters.Keys)) {
            if ($common -contains $k) { continue }
            if (-not $paramNames.Contains($k) -and $script:StandardParameterText.ContainsKey($k)) { $paramNames.Add($k) }
        }
        foreach ($k in $paramNames) { $infos[$k] = Get-ParameterInfo $Command $k }
    } else {
        foreach ($k in $paramNames) { $infos[$k] = [ordered]@{ Name = $k; Type = $null; Required = $false; Position = 'named'; ByValue = $false; ByName = $false; Variable = $false; Aliases = @() } }
    }
    $textOf = { param($k) if ($Doc.Parameters.Contains($k)) { $Doc.Parameters[$k] } else { @($script:StandardParameterText[$k]) } }

    $W.WriteStartElement('command', 'syntax', $ns.command)
    if ($Command) {
        $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault })
        foreach ($set in $sets) {
            $W.WriteStartElement('command', 'syntaxItem', $ns.command)
            $W.WriteElementString('maml', 'name', $ns.maml, $name)
            $ps = @($set.Parameters | Where-Object { $common -notcontains $_.Name })
            $ordered = @($ps | Where-Object { $_.Position -ge 0 } | Sort-Object Position) +
                @($ps | Where-Object { $_.Position -lt 0 -and $_.IsMandatory -and $script:StandardParameterText.Keys -notcontains $_.Name }) +
                @($ps | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory -and $script:StandardParameterText.Keys -notcontains $_.Name }) +
                @($ps | Where-Object { $script:StandardParameterText.Keys -contains $_.Name })
            foreach ($p in $ordered) {
                $info = $infos[$p.Name]
                if (-not $info) { continue }
                Write-Parameter $W $info (& $textOf $p.Name) $true $p.IsMandatory $(if ($p.Position -ge 0) { [string]$p.Position } else { 'named' }) (Format-PipelineInput $p.ValueFromPipeline $p.ValueFromPipelineByPropertyName)
            }
            $W.WriteEndElement()
        }
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($k in $paramNames) {
        $info = $infos[$k]
        Write-Parameter $W $info (& $textOf $k) $false $info.Required $info.Position (Format-PipelineInput $info.ByValue $info.ByName)
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'inputTypes', $ns.command)
    foreach ($t in $Doc.Inputs) {
        $W.WriteStartElement('command', 'inputType', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $t); $W.WriteEndElement()
        Write-Paras $W @()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($t in $Doc.Outputs) {
        $W.WriteStartElement('command', 'returnValue', $ns.command)
        $W.WriteStartElement('dev', 'type', $ns.dev); $W.WriteElementString('maml', 'name', $ns.maml, $t); $W.WriteEndElement()
        Write-Paras $W @()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    if ($Doc.Notes.Count) {
        $W.WriteStartElement('maml', 'alertSet', $ns.maml)
        $W.WriteStartElement('maml', 'alert', $ns.maml)
        foreach ($p in $Doc.Notes) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
        $W.WriteEndElement(); $W.WriteEndElement()
    }

    $W.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($e in $Doc.Examples) {
        $i++
        $W.WriteStartElement('command', 'example', $ns.command)
        $W.WriteElementString('maml', 'title', $ns.maml, "-------------------------- $($e.Title) --------------------------")
        $W.WriteElementString('dev', 'code', $ns.dev, $e.Code)
        $W.WriteStartElement('dev', 'remarks', $ns.dev)
        if (-not $e.Remarks.Count) { $W.WriteElementString('maml', 'para', $ns.maml, '') }
        foreach ($p in $e.Remarks) { $W.WriteElementString('maml', 'para', $ns.maml, $p) }
        $W.WriteEndElement()
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($l in $Doc.Links) {
        $W.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $W.WriteElementString('maml', 'linkText', $ns.maml, $l.Text)
        $W.WriteElementString('maml', 'uri', $ns.maml, $l.Uri)
        $W.WriteEndElement()
    }
    $W.WriteEndElement()

    $W.WriteEndElement()
}

# ---- main ------------------------------------------------------------------------------------

$problems = [System.Collections.Generic.List[string]]::new()
if (-not (Test-Path -LiteralPath $HelpPath -PathType Container)) { throw "maml-help: markdown folder '$HelpPath' not found" }
$files = @(Get-ChildItem -LiteralPath $HelpPath -Filter '*.md' -File | Where-Object Name -ne 'README.md' | Sort-Object Name)
$docs = @($files | ForEach-Object { Read-HelpMarkdown $_.FullName $problems })

$commands = @{}
if ($ModulePath) {
    try {
        $full = (Resolve-Path -LiteralPath $ModulePath -ErrorAction Stop).ProviderPath
        $module = Import-Module -Name $full -Force -PassThru -DisableNameChecking -ErrorAction Stop
    } catch {
        [Console]::Error.WriteLine("maml-help: cannot import the module '$ModulePath' to read its commands: $($_.Exception.Message)")
        exit 1
    }
    $exported = @($module.ExportedCmdlets.Keys) + @($module.ExportedFunctions.Keys)
    foreach ($c in $exported) { $commands[$c] = Get-Command -Name "$($module.Name)\$c" -ErrorAction Stop }
    foreach ($c in ($exported | Sort-Object)) {
        if (-not ($docs | Where-Object { $_.Name -eq $c })) { $problems.Add("$c is exported by $($module.Name) but has no $c.md in $HelpPath") }
    }
    $common = @([System.Management.Automation.PSCmdlet]::CommonParameters)
    foreach ($d in $docs) {
        $cmd = $commands[$d.Name]
        if (-not $cmd) { $problems.Add("$($d.File): $($d.Name) is not a command exported by $($module.Name)"); continue }
        $has = @($cmd.Parameters.Keys | Where-Object { $common -notcontains $_ })
        foreach ($p in $d.Parameters.Keys) {
            if ($has -notcontains $p) { $problems.Add("$($d.File): describes -$p, which $($d.Name) does not have") }
            elseif (@($has | Where-Object { $_ -ceq $p }).Count -eq 0) { $problems.Add("$($d.File): -$p is spelled '$(@($has | Where-Object { $_ -eq $p })[0])' by the command") }
        }
        foreach ($p in $has) {
            if (-not $d.Parameters.Contains($p) -and -not $script:StandardParameterText.ContainsKey($p)) { $problems.Add("$($d.File): does not describe -$p of $($d.Name)") }
        }
    }
} else {
    Write-Warning 'maml-help: no -ModulePath: parameters are checked against the markdown only, and the MAML has no syntax or parameter types.'
}

if ($problems.Count) {
    $msg = "maml-help: $($problems.Count) problem(s) in the help markdown ($HelpPath):`n" + (($problems | ForEach-Object { "  - $_" }) -join "`n")
    [Console]::Error.WriteLine($msg)
    exit 1
}

if ($OutputPath) {
    $dir = Split-Path -Parent $OutputPath
    if ($dir -and -not (Test-Path -LiteralPath $dir)) { New-Item -ItemType Directory -Path $dir -Force | Out-Null }
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $tmp = "$OutputPath.tmp"
    $w = [System.Xml.XmlWriter]::Create($tmp, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', 'http://msh')
        $w.WriteAttributeString('schema', 'maml')
        foreach ($d in $docs) { Write-Command $w $d $commands[$d.Name] }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    } finally {
        $w.Dispose()
    }
    Move-Item -LiteralPath $tmp -Destination $OutputPath -Force
    Write-Host "maml-help: $($docs.Count) commands -> $OutputPath"
} else {
    Write-Host "maml-help: $($docs.Count) markdown files checked"
}
