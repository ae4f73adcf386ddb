#!/usr/bin/env bash
# Installs the system packages azsreg needs to build and test, with apt-get, and only
# those that are missing. Idempotent: when everything is present it changes nothing and
# does not even run `apt-get update`. Non-interactive; runs as root, or through sudo.
set -euo pipefail

PACKAGES=(
	build-essential cmake pkg-config
	libcurl4-openssl-dev libjansson-dev libssl-dev libcsv-dev
	libcriterion-dev libmicrohttpd-dev
	valgrind curl openssl ca-certificates jq zip unzip
	clang-format clang-tidy
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
	if [ "$status" != "install ok installed" ]; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps: all ${#PACKAGES[@]} required packages are already installed"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing packages (${missing[*]}) and no apt-get on this machine;" \
	     "install them with your package manager" >&2
	exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "install-deps: missing packages (${missing[*]}); run as root or install sudo" >&2
		exit 1
	fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
