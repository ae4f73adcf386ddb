#!/usr/bin/env bash
# Cross-builds azsreg for Windows x64 on this Linux machine with mingw-w64:
#   1. build/windows/deps.sh: static OpenSSL, libcurl, Jansson and libcsv from Debian's sources
#      (out/windows/deps; reused while the Debian versions stay the same),
#   2. CMake with build/windows/mingw-w64-x86_64.cmake into out/windows/release:
#      bin/azsreg.dll, bin/azsreg.exe and the native unit tests (bin/native_test_*.exe),
#      release flags, warnings are errors, DLL and exe stripped.
# The emulator stays Linux-only: the Windows programs talk to the Linux one.
# Usage: bash build/build-windows.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs="${AZSREG_JOBS:-2}"
DEPS="$ROOT/out/windows/deps"
BUILD="$ROOT/out/windows/release"
CRITERION="$ROOT/out/windows/criterion"

started=$(date +%s)
bash "$ROOT/build/windows/deps.sh"
deps_done=$(date +%s)
if [ -f "$ROOT/build/windows/criterion.sh" ]; then
	bash "$ROOT/build/windows/criterion.sh"
fi

echo "build-windows: configuring out/windows/release"
cmake -S "$ROOT" -B "$BUILD" \
	-DCMAKE_TOOLCHAIN_FILE="$ROOT/build/windows/mingw-w64-x86_64.cmake" \
	-DAZSREG_WIN_DEPS="$DEPS" \
	-DAZSREG_WIN_CRITERION="$CRITERION" \
	-DCMAKE_BUILD_TYPE=Release >/dev/null
echo "build-windows: compiling ($jobs jobs)"
cmake --build "$BUILD" -j "$jobs"
x86_64-w64-mingw32-strip --strip-unneeded "$BUILD/bin/azsreg.dll" "$BUILD/bin/azsreg.exe"

# The DLL must import system DLLs only (no libwinpthread, libgcc, OpenSSL or curl DLLs).
imports="$(x86_64-w64-mingw32-objdump -p "$BUILD/bin/azsreg.dll" | sed -n 's/^\tDLL Name: //p' | sort -f | tr '\n' ' ')"
echo "build-windows: azsreg.dll imports: $imports"
for dll in $imports; do
	case "$(tr '[:upper:]' '[:lower:]' <<<"$dll")" in
		advapi32.dll|bcrypt.dll|crypt32.dll|kernel32.dll|msvcrt.dll|user32.dll|ws2_32.dll|shell32.dll|api-ms-win-*) ;;
		*) echo "build-windows: azsreg.dll imports $dll, which is not a system DLL" >&2; exit 1 ;;
	esac
done
size=$(stat -c %s "$BUILD/bin/azsreg.dll")
echo "build-windows: azsreg.dll $((size / 1024)) KiB, azsreg.exe $(( $(stat -c %s "$BUILD/bin/azsreg.exe") / 1024 )) KiB"
echo "build-windows: dependencies $((deps_done - started)) s, total $(( $(date +%s) - started )) s"
echo "build-windows: ready in out/windows/release/bin"
