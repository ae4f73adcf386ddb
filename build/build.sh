#!/usr/bin/env bash
# Configures and builds azsreg with CMake.
#   bash build/build.sh [release|asan]
#     release (default): out/release, RelWithDebInfo
#     asan:              out/asan, Debug with AddressSanitizer + UndefinedBehaviorSanitizer
# The library, azsreg, azsreg-emulator and all tests end up under out/<kind>/ (bin/, lib/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-release}"
jobs="${AZSREG_JOBS:-2}"

case "$kind" in
	release) dir="$ROOT/out/release"; args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAZSREG_SANITIZE=OFF) ;;
	asan)    dir="$ROOT/out/asan";    args=(-DCMAKE_BUILD_TYPE=Debug -DAZSREG_SANITIZE=ON) ;;
	*) echo "usage: bash build/build.sh [release|asan]" >&2; exit 2 ;;
esac

echo "build: configuring $kind build in ${dir#"$ROOT"/}"
cmake -S "$ROOT" -B "$dir" "${args[@]}" >/dev/null
echo "build: compiling ($jobs jobs)"
cmake --build "$dir" -j "$jobs"
echo "build: $kind build ready in ${dir#"$ROOT"/}"
