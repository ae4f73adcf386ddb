#!/usr/bin/env bash
# Assembles the ready-to-copy AzsRegistration module folder:
#   <out>/AzsRegistration/{AzsRegistration.psd1, .format.ps1xml,
#                          en-US/about_AzsRegistration.help.txt,
#                          en-US/AzsRegistration.Interop.dll-Help.xml (MAML made from ps-module/help/*.md),
#                          lib/AzsRegistration.Interop.dll (the compiled cmdlets: the root module),
#                          runtimes/<rid>/native/libazsreg.so}
#                          runtimes/win-x64/native/azsreg.dll when the Windows build exists}
#   <out>/AzsRegistration.zip: the folder at the zip's root, as Azure Automation imports modules
#   <out>/azsreg-<version>-win-x64.zip: azsreg.exe + azsreg.dll, README, licences (Windows build only)
# Usage: build/package-module.sh [cmake-build-dir (default out/release)] [out-dir (default out/module)]
# The CMake build dir must already hold lib/libazsreg.so (cmake --build <dir>). The
# Windows DLL comes from AZSREG_WIN_BUILD_DIR (default out/windows/release, made by
# build/build-windows.sh); AZSREG_REQUIRE_WINDOWS=1 makes its absence an error.
# The folder can be copied into any PSModulePath folder; the module finds its native
# library relative to itself, for the platform it runs on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-out/release}"
OUT_DIR="${2:-out/module}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
case "$OUT_DIR" in /*) ;; *) OUT_DIR="$ROOT/$OUT_DIR" ;; esac

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

case "$(uname -s)-$(uname -m)" in
	Linux-x86_64) RID=linux-x64; LIBNAME=libazsreg.so ;;
	Linux-aarch64) RID=linux-arm64; LIBNAME=libazsreg.so ;;
	Darwin-x86_64) RID=osx-x64; LIBNAME=libazsreg.dylib ;;
	Darwin-arm64) RID=osx-arm64; LIBNAME=libazsreg.dylib ;;
	*) echo "package-module.sh: unsupported platform $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

NATIVE="$BUILD_DIR/lib/$LIBNAME"
if [ ! -e "$NATIVE" ]; then
	echo "package-module.sh: $NATIVE not found; build the library first:" >&2
	echo "  cmake -S $ROOT -B $BUILD_DIR -DCMAKE_BUILD_TYPE=Release && cmake --build $BUILD_DIR -j2 --target azsreg" >&2
	exit 1
fi

WIN_BUILD="${AZSREG_WIN_BUILD_DIR:-$ROOT/out/windows/release}"
WIN_DLL="$WIN_BUILD/bin/azsreg.dll"
if [ ! -f "$WIN_DLL" ]; then
	if [ "${AZSREG_REQUIRE_WINDOWS:-0}" = 1 ]; then
		echo "package-module.sh: $WIN_DLL not found; run bash build/build-windows.sh first" >&2
		exit 1
	fi
	WIN_DLL=""
fi

INTEROP_OUT="$ROOT/out/interop/Release"
if ! log="$(dotnet build "$ROOT/ps-module/interop/AzsRegistration.Interop.csproj" -c Release --nologo -v quiet -o "$INTEROP_OUT" 2>&1)"; then
	printf '%s\n' "$log" >&2
	echo "package-module.sh: building the interop assembly failed" >&2
	exit 1
fi

SRC="$ROOT/ps-module/AzsRegistration"
DEST="$OUT_DIR/AzsRegistration"
STAGE="$OUT_DIR/.AzsRegistration.staging.$$"
rm -rf "$STAGE"
mkdir -p "$STAGE/lib" "$STAGE/runtimes/$RID/native"
cp "$SRC/AzsRegistration.psd1" "$SRC/AzsRegistration.format.ps1xml" "$STAGE/"
cp -R "$SRC/en-US" "$STAGE/en-US"
cp "$INTEROP_OUT/AzsRegistration.Interop.dll" "$STAGE/lib/"
# -L: the build dir holds libazsreg.so -> .so.0.2 -> .so.0.2.0 symlinks; ship one real file.
cp -L "$NATIVE" "$STAGE/runtimes/$RID/native/$LIBNAME"
if [ -n "$WIN_DLL" ] && [ "$RID" != win-x64 ]; then
	mkdir -p "$STAGE/runtimes/win-x64/native"
	cp "$WIN_DLL" "$STAGE/runtimes/win-x64/native/azsreg.dll"
fi
if [ -f "$ROOT/LICENSE" ]; then cp "$ROOT/LICENSE" "$STAGE/"; fi

# Help of the compiled cmdlets: PowerShell reads it from <module base>/en-US/<assembly>-Help.xml
# (the cmdlets' HelpFile), MAML generated from ps-module/help/<Command>.md by
# build/maml-help.ps1, which imports the staged module to check every markdown file against
# its command's parameters and to take syntax, types and aliases from the metadata.
PWSH="$(command -v pwsh 2>/dev/null || true)"
if [ -z "$PWSH" ] && [ -x "$HOME/.dotnet/tools/pwsh" ]; then PWSH="$HOME/.dotnet/tools/pwsh"; fi
if [ -z "$PWSH" ]; then
	echo "package-module.sh: pwsh not found; installing it (build/install-pwsh.sh) to generate the help" >&2
	bash "$ROOT/build/install-pwsh.sh" >&2
	PWSH="$HOME/.dotnet/tools/pwsh"
fi
if ! "$PWSH" -NoProfile -NonInteractive -File "$ROOT/build/maml-help.ps1" \
	-HelpPath "$ROOT/ps-module/help" -ModulePath "$STAGE/AzsRegistration.psd1" \
	-OutputPath "$STAGE/en-US/AzsRegistration.Interop.dll-Help.xml" >/dev/null; then
	rm -rf "$STAGE"
	echo "package-module.sh: generating the help from ps-module/help failed (see above)" >&2
	exit 1
fi
if [ -n "$WIN_DLL" ] && [ -d "$ROOT/out/windows/deps/licenses" ]; then
	# The DLL carries OpenSSL, libcurl, Jansson and libcsv statically: their licences go with it
	# (libcsv's is the LGPL 2.1: azsreg's own sources and build/windows/deps.sh rebuild the DLL
	# against a changed libcsv).
	mkdir -p "$STAGE/licenses"
	cp "$ROOT/out/windows/deps/licenses/"* "$STAGE/licenses/"
fi

# Swap in atomically enough for tests running from another shell.
rm -rf "$DEST.old"
if [ -d "$DEST" ]; then mv "$DEST" "$DEST.old"; fi
mv "$STAGE" "$DEST"
rm -rf "$DEST.old"

# Zips (need `zip`; installed by build/install-deps.sh).
VERSION="$(sed -n "s/^[[:space:]]*ModuleVersion[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$SRC/AzsRegistration.psd1" | head -n 1)"
if command -v zip >/dev/null 2>&1; then
	rm -f "$OUT_DIR/AzsRegistration.zip"
	(cd "$OUT_DIR" && zip -q -r -X AzsRegistration.zip AzsRegistration)
	echo "module zip: $OUT_DIR/AzsRegistration.zip (AzsRegistration/ at its root, for Azure Automation)"
	if [ -n "$WIN_DLL" ]; then
		cli_stage="$OUT_DIR/.azsreg-win.staging.$$"
		cli_name="azsreg-${VERSION:-0}-win-x64"
		rm -rf "$cli_stage"
		mkdir -p "$cli_stage/$cli_name/licenses"
		cp "$WIN_BUILD/bin/azsreg.exe" "$WIN_BUILD/bin/azsreg.dll" "$ROOT/README.md" "$cli_stage/$cli_name/"
		cp "$ROOT/LICENSE" "$cli_stage/$cli_name/licenses/azsreg-LICENSE.txt"
		cp "$ROOT/out/windows/deps/licenses/"* "$cli_stage/$cli_name/licenses/"
		rm -f "$OUT_DIR/$cli_name.zip"
		(cd "$cli_stage" && zip -q -r -X "$OUT_DIR/$cli_name.zip" "$cli_name")
		rm -rf "$cli_stage"
		echo "cli zip: $OUT_DIR/$cli_name.zip"
	fi
else
	echo "package-module.sh: zip not found; the zips were not made (bash build/install-deps.sh installs it)" >&2
fi

echo "module: $DEST"
echo "native: $DEST/runtimes/$RID/native/$LIBNAME"
if [ -n "$WIN_DLL" ]; then echo "native: $DEST/runtimes/win-x64/native/azsreg.dll"; fi
echo "import: Import-Module $DEST/AzsRegistration.psd1"
