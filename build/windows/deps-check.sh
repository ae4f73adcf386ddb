#!/usr/bin/env bash
# Checks the static Windows dependencies built by build/windows/deps.sh (out/windows/deps):
#   bash build/windows/deps-check.sh [stamp file]     (default out/windows/deps/STAMP)
# 1. the static libraries and deps.cmake exist;
# 2. a small C program, compiled and linked statically exactly as deps.cmake tells
#    consumers to (include dir, defines, library list), links;
# 3. the program imports no mingw runtime DLLs (libwinpthread, libssp, libgcc);
# 4. if Wine is installed: the program runs and reports the OpenSSL, libcurl, Jansson and
#    libcsv versions named in the stamp, the expected curl protocols/features and
#    OPENSSLDIR, a small CSV (quotes, CRLF, an embedded newline) as libcsv splits it,
#    and -- if the openssl command is available -- fetches https://localhost from a local
#    `openssl s_server`, which exercises the threaded resolver, sockets and a verified TLS
#    handshake.
# Output of the compiler, Wine and s_server goes to out/windows/logs/deps-check.log.
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/out/windows"
PREFIX="$OUT/deps"
WORK="$OUT/deps-check"
LOG="$OUT/logs/deps-check.log"
STAMP="${1:-$PREFIX/STAMP}"
HOST=x86_64-w64-mingw32

log() { echo "deps-check: $*"; }
fail() {
	echo "deps-check: FAILED: $*" >&2
	[ -s "$LOG" ] && tail -n 30 "$LOG" | sed 's/^/    /' >&2
	exit 1
}

mkdir -p "$WORK" "$(dirname "$LOG")"
: >"$LOG"
[ -f "$STAMP" ] || fail "no stamp file $STAMP (run build/windows/deps.sh first)"

# Upstream version of a package from the stamp: 7.88.1-10+deb12u15 -> 7.88.1.
upstream_version() {
	local v
	v="$(sed -n "s/^$1=//p" "$STAMP" | sed -n 1p)"
	[ -n "$v" ] || fail "$1 is missing from $STAMP"
	v="${v#*:}"
	echo "${v%-*}"
}
want_openssl="$(upstream_version openssl)"
want_curl="$(upstream_version curl)"
want_jansson="$(upstream_version jansson)"
want_libcsv="$(upstream_version libcsv)"
want_libcsv="${want_libcsv%%+*}"    # 3.0.3+dfsg -> 3.0.3 (Debian's repack suffix)

# 1. files
for f in lib/libcurl.a lib/libssl.a lib/libcrypto.a lib/libjansson.a lib/libcsv.a deps.cmake \
	include/curl/curl.h include/openssl/ssl.h include/jansson.h include/csv.h; do
	[ -f "$PREFIX/$f" ] || fail "missing out/windows/deps/$f"
done
log "static libraries present: libcurl.a libssl.a libcrypto.a libjansson.a libcsv.a"

# 2. read deps.cmake the way CMake does
cat >"$WORK/print-deps.cmake" <<'EOF'
include("${DEPS}")
message("INCLUDE=${AZSREG_WIN_DEPS_INCLUDE}")
message("DEFINES=${AZSREG_WIN_DEPS_DEFINES}")
message("LIBS=${AZSREG_WIN_DEPS_LIBS}")
EOF
vars="$(cmake -DDEPS="$PREFIX/deps.cmake" -P "$WORK/print-deps.cmake" 2>&1)" ||
	fail "cmake -P could not read deps.cmake: $vars"
include_dir="$(sed -n 's/^INCLUDE=//p' <<<"$vars")"
flags=("-I$include_dir")
IFS=';' read -r -a defines <<<"$(sed -n 's/^DEFINES=//p' <<<"$vars")"
for d in "${defines[@]}"; do
	flags+=("-D$d")
done
IFS=';' read -r -a libs <<<"$(sed -n 's/^LIBS=//p' <<<"$vars")"
link=()
for l in "${libs[@]}"; do
	case "$l" in
		*/*) [ -f "$l" ] || fail "deps.cmake names a missing library: $l"; link+=("$l") ;;
		*) link+=("-l$l") ;;
	esac
done

cat >"$WORK/check.c" <<'EOF'
/* Links against the static libcurl, OpenSSL, Jansson and libcsv and reports what it got. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

struct buf { char data[16384]; size_t len; };

/* libcsv callbacks: fields ended with '|' (a newline in a field shown as \n), rows with ';'. */
static void on_field(void *s, size_t len, void *data)
{
	struct buf *b = data;
	const char *p = s;
	for (size_t i = 0; i < len && b->len + 4 < sizeof(b->data); i++) {
		if (p[i] == '\n') {
			b->data[b->len++] = '\\';
			b->data[b->len++] = 'n';
		} else {
			b->data[b->len++] = p[i];
		}
	}
	if (b->len + 2 < sizeof(b->data))
		b->data[b->len++] = '|';
	b->data[b->len] = '\0';
}

static void on_row(int c, void *data)
{
	struct buf *b = data;
	(void)c;
	if (b->len + 2 < sizeof(b->data)) {
		b->data[b->len++] = ';';
		b->data[b->len] = '\0';
	}
}

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
	struct buf *b = userdata;
	size_t len = size * n, room = sizeof(b->data) - 1 - b->len;
	memcpy(b->data + b->len, p, len < room ? len : room);
	b->len += len < room ? len : room;
	b->data[b->len] = '\0';
	return len;
}

int main(int argc, char **argv)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 2;
	curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
	printf("curl_version=%s\n", curl_version());
	printf("curl_protocols=");
	for (const char *const *p = vi->protocols; *p; p++)
		printf("%s%s", p == vi->protocols ? "" : " ", *p);
	printf("\ncurl_features=%s%s%s%s\n",
	       vi->features & CURL_VERSION_SSL ? " ssl" : "",
	       vi->features & CURL_VERSION_IPV6 ? " ipv6" : "",
	       vi->features & CURL_VERSION_ASYNCHDNS ? " asynchdns" : "",
	       vi->features & CURL_VERSION_THREADSAFE ? " threadsafe" : "");

	printf("openssl_version=%s\n", OpenSSL_version(OPENSSL_VERSION));
	printf("openssl_dir=%s\n", OpenSSL_version(OPENSSL_DIR));
	unsigned char rnd[32];
	printf("openssl_rand=%s\n", RAND_bytes(rnd, sizeof rnd) == 1 ? "ok" : "FAILED");

	json_t *obj = json_pack("{s:s, s:i, s:[b]}", "name", "azsreg", "n", 42, "list", 1);
	char *dumped = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	printf("jansson_version=%s\n", jansson_version_str());
	printf("jansson_dumps=%s\n", dumped ? dumped : "FAILED");
	free(dumped);
	json_decref(obj);

	static struct buf rows;
	static const char csv_text[] = "a,\"b,\"\"c\"\"\"\r\n\"x\ny\",z\n";
	struct csv_parser cp;
	int csv_ok = csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI) == 0;
	if (csv_ok) {
		csv_ok = csv_parse(&cp, csv_text, sizeof(csv_text) - 1, on_field, on_row, &rows) == sizeof(csv_text) - 1 &&
			csv_fini(&cp, on_field, on_row, &rows) == 0;
		csv_free(&cp);
	}
	printf("csv_version=%d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
	printf("csv_rows=%s\n", csv_ok ? rows.data : "FAILED");

	/* The options azsreg needs for HTTP CONNECT proxies with Basic auth must be built in
	   (with CURL_DISABLE_PROXY they would be rejected). */
	CURL *h = curl_easy_init();
	int ok = h &&
		curl_easy_setopt(h, CURLOPT_PROXY, "http://127.0.0.1:9") == CURLE_OK &&
		curl_easy_setopt(h, CURLOPT_PROXYUSERPWD, "user:secret") == CURLE_OK &&
		curl_easy_setopt(h, CURLOPT_PROXYAUTH, (long)CURLAUTH_BASIC) == CURLE_OK &&
		curl_easy_setopt(h, CURLOPT_HTTPPROXYTUNNEL, 1L) == CURLE_OK &&
		curl_easy_setopt(h, CURLOPT_SSL_OPTIONS, (long)CURLSSLOPT_NATIVE_CA) == CURLE_OK;
	printf("curl_proxy_options=%s\n", ok ? "ok" : "FAILED");
	curl_easy_cleanup(h);

	/* Optional: check.exe <https url> <CA file>: a verified HTTPS GET. */
	if (argc == 3) {
		static struct buf body;
		long code = 0;
		h = curl_easy_init();
		curl_easy_setopt(h, CURLOPT_URL, argv[1]);
		curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
		CURLcode rc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		const char *cipher = strstr(body.data, "Cipher is ");
		printf("https_result=%d %s\n", (int)rc, curl_easy_strerror(rc));
		printf("https_code=%ld\n", code);
		printf("https_cipher=%.*s\n", cipher ? (int)strcspn(cipher, "\r\n") : 0, cipher ? cipher : "");
		curl_easy_cleanup(h);
	}
	curl_global_cleanup();
	return 0;
}
EOF

exe="$WORK/check.exe"
cmd=("$HOST-gcc-posix" -O2 -Wall -Wextra -Werror "${flags[@]}" -o "$exe" "$WORK/check.c"
	-static "${link[@]}")
echo "=== ${cmd[*]}" >>"$LOG"
"${cmd[@]}" >>"$LOG" 2>&1 || fail "compiling/linking the test program"
log "test program linked statically with the libraries and flags from deps.cmake ($(du -h "$exe" | cut -f1))"

# 3. imported DLLs: Windows system DLLs only
dlls="$("$HOST-objdump" -p "$exe" | sed -n 's/^\tDLL Name: //p' | sort -f | paste -sd ' ')"
log "imports: $dlls"
if grep -qiE '(^| )lib[^ ]*\.dll' <<<"$dlls"; then
	fail "the program depends on mingw runtime DLLs: $dlls"
fi
log "PE DllCharacteristics: $("$HOST-objdump" -p "$exe" | awk '/^DllCharacteristics/ { f = 1; next } f && /^[ \t]+[A-Z_]+$/ { printf "%s%s", s, $1; s = " "; next } { f = 0 }')"

# 4. run it under Wine
if ! command -v wine >/dev/null 2>&1; then
	log "wine not installed: not running the test program"
	exit 0
fi
# The one prefix of the Windows steps (build/windows/wine-prefix.sh).
export WINEPREFIX="${WINEPREFIX:-$OUT/wine}" WINEDEBUG=-all
# winedbg disabled so that a crash shows as a failure instead of a debugger session.
export WINEDLLOVERRIDES="winedbg.exe=d;mscoree=d;mshtml=d"
# shellcheck source=build/windows/wine-prefix.sh
. "$ROOT/build/windows/wine-prefix.sh"
azsreg_wine_prefix deps-check || fail "no usable Wine prefix"

args=()
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
		-keyout "$WORK/key.pem" -out "$WORK/cert.pem" >>"$LOG" 2>&1 || fail "creating a test certificate"
	for _ in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 30000))
		openssl s_server -accept "127.0.0.1:$port" -cert "$WORK/cert.pem" -key "$WORK/key.pem" \
			-www -naccept 1 >"$WORK/s_server.out" 2>&1 &
		server_pid=$!
		for _ in $(seq 50); do
			grep -q ACCEPT "$WORK/s_server.out" && break
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		grep -q ACCEPT "$WORK/s_server.out" && break
		cleanup
		server_pid=""
	done
	# Wine maps drive Z: to the Unix root.
	[ -n "$server_pid" ] && args=("https://localhost:$port/" "Z:$WORK/cert.pem")
fi
echo "=== wine check.exe ${args[*]}" >>"$LOG"
set +e
timeout 300 wine "$exe" "${args[@]}" >"$WORK/check.out" 2>>"$LOG"
rc=$?
set -e
tr -d '\r' <"$WORK/check.out" >"$WORK/check.txt"
cat "$WORK/check.txt" >>"$LOG"
[ "$rc" -eq 0 ] || fail "check.exe exited with $rc under Wine"

get() { sed -n "s/^$1=//p" "$WORK/check.txt"; }
expect() { # <key> <expected value>
	local got
	got="$(get "$1")"
	[ "$got" = "$2" ] || fail "$1 is '$got', expected '$2'"
}
expect curl_version "libcurl/$want_curl OpenSSL/$want_openssl"
[[ "$(get openssl_version)" == "OpenSSL $want_openssl "* ]] ||
	fail "openssl_version is '$(get openssl_version)', expected 'OpenSSL $want_openssl ...'"
expect jansson_version "$want_jansson"
expect curl_protocols "http https"
expect curl_features " ssl ipv6 asynchdns threadsafe"
expect openssl_dir 'OPENSSLDIR: "C:/Program Files/Common Files/SSL"'
expect openssl_rand ok
expect jansson_dumps '{"list":[true],"n":42,"name":"azsreg"}'
expect csv_version "$want_libcsv"
expect csv_rows 'a|b,"c"|;x\ny|z|;'
expect curl_proxy_options ok
log "under Wine: $(get curl_version); $(get openssl_version); Jansson $(get jansson_version); libcsv $(get csv_version)"
log "  curl protocols: $(get curl_protocols); features:$(get curl_features)"
log "  $(get openssl_dir); RAND_bytes $(get openssl_rand); json_dumps $(get jansson_dumps)"
if [ "${#args[@]}" -gt 0 ]; then
	expect https_result "0 No error"
	expect https_code 200
	log "  HTTPS GET ${args[0]} (local openssl s_server, verified): $(get https_code), $(get https_cipher)"
else
	log "  no openssl command or no free port: HTTPS round trip skipped"
fi
log "all checks passed"
