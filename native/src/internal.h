/*
 * Internal contracts between the library's modules. Not installed; the unit tests
 * include it. Helpers shared between files are named azsreg_<module>__<name>.
 *
 * Module map (file -> what it owns). Files live in one folder per layer, lowest first:
 * platform/, base/ (buf, error_state, error, log, util, resource_id, clock), http/ (http,
 * transport_curl, retry, pipeline), identity/ (credential, cred_*, jwt, token, token_cache,
 * tenant), arm/ (environment, environment_discover, client, operations, batch, sync,
 * input). A file uses its own layer and the ones below (build/check-layers.sh).
 *   buf.c        growable bounded buffer, secure wipe
 *   error_state.c  storage of the thread-local last error; the base layer's setter
 *   error.c      setting the last error (redacted messages), ARM/identity error bodies, hints
 *   log.c        log dispatch and redaction, process-wide secret registry
 *   util.c       GUIDs (random v4, normalise), time parsing (HTTP-date), base64url, URL encoding
 *   resource_id.c  ARM resource ID validation, registration / customer IDs
 *   environment.c  built-in clouds, custom environments
 *   environment_discover.c  metadata/endpoints discovery (over the client's request path)
 *   http.c       header lists, request/response structs
 *   transport_curl.c  the one libcurl transport (connection pool, TLS, proxies; concurrent
 *                exchanges over the multi interface)
 *   clock.c      the system clock (injectable for tests)
 *   retry.c      retry decisions and delays (pure functions)
 *   pipeline.c   request IDs, User-Agent, retry loop, auth hook, logging, LRO polling
 *   token_cache.c  per-client token cache: renew ahead of expiry, one renewal at a time
 *   cred_*.c     credentials (access token, client secret, certificate, federated,
 *                managed identity, device code, user name + password); credential.c the
 *                base and shared helpers; cred_factory.c credentials from the environment
 *                and from JSON; cred_refresh.c the refresh token the user credentials keep
 *   jwt.c        JWT decode (claims, expiry) and RS256 assertion building
 *   token.c      token endpoint / managed identity answers, OpenID configuration documents
 *   client.c     client handle, options, JSON options, the request path from options
 *   operations.c registration / customer subscription operations, generic request
 *   batch.c      many customer calls at once (transfers), pacing per throttle lane, results
 *   sync.c       desired-state sync: list, plan (create / update / prune), the writes as a batch
 *   tenant.c     tenant domain -> GUID through OpenID configuration
 *   input.c      customer input files (CSV through libcsv, JSON lines): rows, bad rows, duplicates
 */
#ifndef AZSREG_INTERNAL_H
#define AZSREG_INTERNAL_H

#include "azsreg.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include "platform/platform.h"

/* printf checking: mingw-w64 would check against the Microsoft printf, but the library
 * formats with vsnprintf from mingw's C99 stdio (__USE_MINGW_ANSI_STDIO), i.e. GNU rules. */
#define AZSREG__PRINTF(a, b) AZSREG_PLAT_PRINTF(a, b)

/* ---------------------------------------------------------------- buf.c */

/** A growable buffer that refuses to grow past `limit` (0: AZSREG_BUF_DEFAULT_LIMIT). */
typedef struct azsreg_buf {
	char *ptr; /* always NUL-terminated when non-NULL */
	size_t size; /* bytes used, without the NUL */
	size_t asize; /* bytes allocated */
	size_t limit; /* maximum size; 0 means default */
	int failed; /* set once an append failed (oom or limit): later appends are no-ops */
} azsreg_buf;
#define AZSREG_BUF_INIT \
	{ \
		NULL, 0, 0, 0, 0 \
	}
#define AZSREG_BUF_DEFAULT_LIMIT ((size_t)64 * 1024 * 1024)

int azsreg_buf__put(azsreg_buf *b, const char *data, size_t len);
int azsreg_buf__puts(azsreg_buf *b, const char *s);
int azsreg_buf__printf(azsreg_buf *b, const char *fmt, ...) AZSREG__PRINTF(2, 3);
int azsreg_buf__vprintf(azsreg_buf *b, const char *fmt, va_list ap);
/** "" when empty; never NULL. */
const char *azsreg_buf__cstr(const azsreg_buf *b);
/** Hands the allocation to the caller (free with azsreg_free); b is reset. Never NULL on success. */
char *azsreg_buf__detach(azsreg_buf *b);
void azsreg_buf__clear(azsreg_buf *b);
void azsreg_buf__free(azsreg_buf *b);
/** Wipes the contents, then frees. For buffers that held secrets. */
void azsreg_buf__wipe_free(azsreg_buf *b);
/*
 * Appends the rest of the open file f to b, at most `max` bytes of it; the read chunks are
 * wiped (files may hold keys or assertions). AZSREG_OK; AZSREG_ENOMEM with its last error
 * when memory ran out; else the caller words the problem, which *problem names:
 * AZSREG_READ_TOO_LARGE (more than max bytes) or AZSREG_READ_FAILED (a read error); no last
 * error is set for those two.
 */
#define AZSREG_READ_TOO_LARGE 1
#define AZSREG_READ_FAILED 2
int azsreg_buf__read_file(azsreg_buf *b, FILE *f, size_t max, int *problem);

/** Overwrites memory in a way the compiler cannot drop. */
void azsreg__wipe(void *p, size_t n);
/** Wipes and frees a NUL-terminated secret string. NULL is a no-op. */
void azsreg__free_secret(char *s);
/** strdup that sets AZSREG_ENOMEM on failure; NULL in -> NULL out without error. */
char *azsreg__strdup(const char *s);
char *azsreg__strndup(const char *s, size_t n);
/** Is the body empty or only JSON whitespace (space, tab, CR, LF)? */
int azsreg__is_blank(const char *body, size_t len);

/* --------------------------------------------------------- error_state.c */

/* The thread's last error as stored: `pub` is what azsreg_error_last() returns, its
 * strings point into the fields below (or at ""). */
typedef struct azsreg_error_state {
	azsreg_error pub;
	char *message;
	char *arm_code;
	char *arm_message;
	char *target;
	char *details_json;
	char *request_id;
	char *correlation_id;
	char *json;
	int busy; /* re-entrancy guard (out of memory inside error handling) */
	int quiet; /* azsreg_error__quiet: keep codes only, build no message */
} azsreg_error_state;

/** This thread's block (allocated on first use), or a shared read-only fallback block when
 * none can be allocated (it reports out of memory; setters leave it alone). */
azsreg_error_state *azsreg_error__state(void);
int azsreg_error__state_is_fallback(const azsreg_error_state *e);
/** Frees every string of the block (pub is stale until azsreg_error__state_publish). */
void azsreg_error__state_clear(azsreg_error_state *e);
/** Points pub at the block's fields and sets its code, status and hint (static string). */
void azsreg_error__state_publish(azsreg_error_state *e, int code, int http_status, const char *hint);
/**
 * Sets the last error with a message formatted into at most 255 bytes and NOT redacted:
 * only for the base layer's messages, made of fixed words and numbers (buffer limits, out
 * of memory). Everything else uses azsreg_error__set. Returns `code`.
 */
int azsreg_error__set_fixed(int code, const char *fmt, ...) AZSREG__PRINTF(2, 3);

/* -------------------------------------------------------------- error.c */

/**
 * Every public `_options_init`: copies `init` (size bytes) into `opts` when `version` is
 * `expected`; else AZSREG_EINVALID "<what> options: NULL" / "... unknown version V
 * (expected E)".
 */
int azsreg__options_init(void *opts, const void *init, size_t size, unsigned int version, unsigned int expected,
			 const char *what);

/** Everything an error can carry; unset strings may be NULL. */
typedef struct azsreg_error_info {
	int code;
	int http_status;
	const char *message;
	const char *arm_code;
	const char *arm_message;
	const char *target;
	const char *details_json;
	const char *request_id;
	const char *correlation_id;
} azsreg_error_info;

/** Sets the thread's last error (message formatted, redacted) and returns `code`. */
int azsreg_error__set(int code, const char *fmt, ...) AZSREG__PRINTF(2, 3);
#if defined(__clang_analyzer__) && !defined(AZSREG_ERROR_C)
/* The analyzer cannot see into error.c: show it that azsreg_error__set returns `code`. */
#define azsreg_error__set(code, ...) ((void)azsreg_error__set(code, __VA_ARGS__), (code))
#endif
/**
 * Per thread: while quiet, azsreg_error__set, __prefix and __suffix record the code only
 * (the message is left empty: no formatting, no redaction). For a caller that judges many
 * values with the library's checks but keeps only the first messages (input.c once its
 * list of bad rows is full: redacting each message cost ~30 us a row). Returns the
 * previous state, to be restored.
 */
int azsreg_error__quiet(int on);
/** Sets every field; the message is redacted; the hint comes from arm_code. Returns info->code. */
int azsreg_error__set_info(const azsreg_error_info *info);
/** Prefixes the current message with "context: " keeping every other field. Returns the code. */
int azsreg_error__prefix(const char *fmt, ...) AZSREG__PRINTF(1, 2);
/** Appends to the current message keeping every other field; a non-zero `code` replaces the code. Returns the code. */
int azsreg_error__suffix(int code, const char *fmt, ...) AZSREG__PRINTF(2, 3);
/** Replaces the hint of the current error (a static string) when a caller knows better. */
void azsreg_error__set_hint(const char *hint);
/** Sets the target of the current error: the part of the input at fault ("customerSubscriptionId"). */
void azsreg_error__set_target(const char *target);
/** Maps an HTTP status (and ARM code) to an azsreg_result. */
int azsreg_error__code_for_status(int status, const char *arm_code);
/**
 * Sets the last error from a failed ARM response: parses {"error":{code,message,target,
 * details}} (tolerating other shapes and empty or non-JSON bodies), maps the status,
 * builds the message "<what>: <code>: <message> (HTTP <status>, request ID <id>)".
 * Returns the code.
 */
int azsreg_error__from_arm(int status, const char *body, size_t body_len, const char *request_id, const char *correlation_id, const char *what);
/**
 * Same for an identity provider response: {"error","error_description","error_codes",
 * "correlation_id"}; `what` names the credential, authority and tenant. Returns AZSREG_EAUTH
 * (or the transport-like code for 5xx/429 after retries).
 */
int azsreg_error__from_identity(int status, const char *body, size_t body_len, const char *what);

/* ---------------------------------------------------------------- log.c */

typedef struct azsreg_logger {
	azsreg_log_cb cb;
	void *payload;
	int level;
} azsreg_logger;

int azsreg_log__enabled(const azsreg_logger *lg, int level);
/** Formats, redacts and delivers one line. No-op when the level is not enabled. */
void azsreg_log__write(const azsreg_logger *lg, int level, const char *fmt, ...) AZSREG__PRINTF(3, 4);
/**
 * Appends `text` to `out` with secrets replaced by "***": registered secrets, values of
 * Authorization / X-IDENTITY-HEADER / secret headers, client_secret=, client_assertion=,
 * password=, refresh_token=, device_code=, assertion=, JSON members access_token,
 * refresh_token, id_token, client_secret, and anything shaped like a JWT (eyJ...x.y.z).
 */
int azsreg_log__redact(azsreg_buf *out, const char *text);
/**
 * Process-wide registry of secret strings (min length 4) that redaction always hides.
 * Register fails only out of memory (AZSREG_ENOMEM, last error set): the caller must then
 * not use the secret, nor unregister it (that would release another holder's entry).
 */
int azsreg_secret__register(const char *secret);
void azsreg_secret__unregister(const char *secret);
/** Does any registered secret occur in text[0..len)? */
int azsreg_secret__in(const char *text, size_t len);
/** Is the header's value secret (Authorization, X-IDENTITY-HEADER, secret, Cookie...)? */
int azsreg_log__header_is_secret(const char *name);
/** Is a JSON member of this name secret (access_token, client_secret..., or a secret header name)? */
int azsreg_log__member_is_secret(const char *name);

/* ---------------------------------------------------------------- json.c */

/*
 * Building a JSON answer without losing a member: each add sets *failed (and releases the
 * value) when it fails, so that the caller checks once after the last member and answers
 * AZSREG_ENOMEM instead of a JSON with a member missing. A NULL value (its own allocation
 * failed) is a failure too.
 */
struct json_t;
#define AZSREG_JSON_NOT_UTF8 "(not valid UTF-8)"
/** The offset of the first byte of s[0..n) that does not start or continue well-formed UTF-8 as Jansson requires it (no overlong forms, no surrogates, at most U+10FFFF); n when all is. */
size_t azsreg_json__utf8_invalid_at(const char *s, size_t n);
/** 1 when all of s[0..n) is well-formed UTF-8 (azsreg_json__utf8_invalid_at(s, n) == n). */
int azsreg_json__valid_utf8(const char *s, size_t n);
/** json_string(s); json_null() for NULL; AZSREG_JSON_NOT_UTF8 when s is not UTF-8; NULL only when out of memory. */
struct json_t *azsreg_json__text(const char *s);
/** obj[key] = value, taking the reference (json_object_set_new). */
void azsreg_json__set(struct json_t *obj, const char *key, struct json_t *value, int *failed);
/** obj[key] = value, adding a reference (json_object_set). */
void azsreg_json__set_ref(struct json_t *obj, const char *key, struct json_t *value, int *failed);
/** Appends value to arr, taking the reference (json_array_append_new). */
void azsreg_json__append(struct json_t *arr, struct json_t *value, int *failed);

/* --------------------------------------------------------------- util.c */

/** Writes a fresh random (v4) lowercase GUID into out (AZSREG_GUID_LEN + 1 bytes). */
int azsreg_guid__new(char *out);
/** Parses an RFC 7231 HTTP-date (IMF-fixdate, RFC 850, asctime) to Unix seconds. */
int azsreg_time__parse_http_date(const char *text, int64_t *out_unix);
/** base64url without padding. */
int azsreg_base64url__encode(azsreg_buf *out, const unsigned char *data, size_t len);
int azsreg_base64url__decode(azsreg_buf *out, const char *text, size_t len);
int azsreg_base64__encode(azsreg_buf *out, const unsigned char *data, size_t len);
/** application/x-www-form-urlencoded / URL component encoding. */
int azsreg_url__encode(azsreg_buf *out, const char *text);
/** Is the URL's host a loopback address (127.0.0.0/8, ::1, localhost)? */
int azsreg_url__is_loopback(const char *url);
/** Refuses user info (user:password@) in any URL, and http:// unless loopback (or allow_link_local and 169.254.169.254). */
int azsreg_url__check_scheme(const char *url, int allow_link_local, const char *what);
/**
 * An endpoint the library takes as a base URL (ARM endpoint, authority, managed identity
 * endpoint): azsreg_url__check_scheme, which also refuses user info, and no query, no
 * fragment and no dot segment ("." / ".." / %2e forms) in its path. Messages never
 * quote the URL.
 */
int azsreg_url__check_endpoint(const char *url, int allow_link_local, const char *what);
/**
 * A proxy URL: scheme (if any) http, https, socks4, socks4a, socks5 or socks5h, a host
 * (IPv6 in brackets, closed), an optional port 1-65535, no spaces or control characters.
 * `what` names it in the message ("proxy", "HTTPS_PROXY"); user info is shown as ***.
 */
int azsreg_url__check_proxy(const char *proxy, const char *what);
/**
 * Refuses an identifier (GUID, tenant, resource ID) with surrounding whitespace or a
 * control character at either end: "<what> '...' ends with a newline (\n): nothing is
 * trimmed, remove it". The one whitespace rule of every front end (issue 9, finding 8).
 */
int azsreg_util__check_untrimmed(const char *text, const char *what);
/** The environment variable's value, or NULL when it is unset or empty. */
const char *azsreg_util__env_get(const char *name);
/**
 * A malloc'd copy of url with exactly one trailing '/' (extra trailing slashes collapse);
 * NULL with AZSREG_ENOMEM set ("out of memory (<what>)").
 */
char *azsreg_util__with_slash(const char *url, const char *what);
/** Is s[0..n) well-formed UTF-8 (no overlong two-byte forms, nothing above U+10FFFF)? */

/* ------------------------------------------------------- environment.c */

struct azsreg_environment {
	char *name;
	char *arm_endpoint; /* ends with '/' */
	char *authority; /* ends with '/'; for AD FS ends with "adfs/" */
	char *audience;
	int is_adfs;
	char *gallery_endpoint;
	char *graph_endpoint;
	char *portal_endpoint;
};

/* ---------------------------------------------------------------- http.c */

typedef struct azsreg_header {
	char *name;
	char *value;
} azsreg_header;

typedef struct azsreg_headers {
	azsreg_header *items;
	size_t count;
	size_t cap;
} azsreg_headers;

/** Adds a header (copies). A secret value is wiped when the list is freed. */
int azsreg_headers__add(azsreg_headers *h, const char *name, const char *value);
/** Replaces (or adds) a header. */
int azsreg_headers__set(azsreg_headers *h, const char *name, const char *value);
/** Case-insensitive lookup; NULL when absent. */
const char *azsreg_headers__get(const azsreg_headers *h, const char *name);
void azsreg_headers__remove(azsreg_headers *h, const char *name);
void azsreg_headers__free(azsreg_headers *h);

typedef struct azsreg_http_request {
	const char *method; /* "GET", "PUT", ... */
	char *url; /* owned */
	azsreg_headers headers; /* owned */
	char *body; /* owned; may be NULL */
	size_t body_len;
	int body_is_secret; /* wipe when freed, log only redacted */
	int no_proxy; /* never use a proxy (IMDS) */
	int allow_link_local_http; /* allow http://169.254.169.254 (IMDS) */
} azsreg_http_request;

typedef struct azsreg_http_response {
	int status;
	azsreg_headers headers;
	azsreg_buf body;
	int transport_final; /* set by a transport whose failure must not be retried (proxy 407); additive */
} azsreg_http_response;

void azsreg_http_request__free(azsreg_http_request *req);
void azsreg_http_response__free(azsreg_http_response *resp);
/** Clears a response for reuse (status 0, headers and body emptied). */
void azsreg_http_response__reset(azsreg_http_response *resp);

/* ---------------------------------------------------------------- clock.c */

/** Injectable time, sleep and randomness, so retry tests run in zero time. */
typedef struct azsreg_clock {
	int64_t (*now_ms)(void *ctx); /* monotonic milliseconds */
	int64_t (*unix_time)(void *ctx); /* wall-clock Unix seconds */
	void (*sleep_ms)(void *ctx, int64_t ms);
	uint32_t (*random)(void *ctx); /* for jitter */
	void *ctx;
	int64_t (*unix_time_ms)(void *ctx); /* wall-clock Unix milliseconds; NULL: unix_time * 1000 (additive) */
} azsreg_clock;

const azsreg_clock *azsreg_clock__system(void);
/** Wall-clock Unix milliseconds of a clock: unix_time_ms when set, else unix_time * 1000. */
int64_t azsreg_clock__unix_ms(const azsreg_clock *c);

/* ----------------------------------------------------------- transport */

typedef struct azsreg_transport azsreg_transport;
typedef struct azsreg_transfers azsreg_transfers;

/** Called by azsreg_transfers.run for each finished exchange; rc as from send (last error set). */
typedef void (*azsreg_transfer_done_fn)(void *ctx, void *tag, int rc);

/**
 * Concurrent exchanges on one thread (libcurl's multi interface): start any number, then
 * call run until each was reported. Used by one thread at a time, except wakeup.
 */
struct azsreg_transfers {
	/**
	 * Starts one exchange. req (with its URL, headers and body) and resp must stay valid
	 * until it is reported. Returns 0, or an error (nothing was started, nothing reported).
	 */
	int (*start)(azsreg_transfers *x, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms, void *tag);
	/**
	 * Moves the exchanges on, waiting up to wait_ms for network activity (less when woken),
	 * and calls done once for each exchange that finished, with its tag and its result:
	 * 0 when a response arrived (resp filled), else the send error (resp->status 0).
	 * Returns 0, or an error of the machinery itself.
	 */
	int (*run)(azsreg_transfers *x, long wait_ms, azsreg_transfer_done_fn done, void *ctx);
	/** Makes a run that waits return early. Safe from any thread. */
	void (*wakeup)(azsreg_transfers *x);
	/** Stops whatever is still in flight (not reported) and frees. */
	void (*free)(azsreg_transfers *x);
};

struct azsreg_transport {
	/**
	 * Sends one request, fills resp. Returns 0 when any HTTP response arrived (whatever
	 * its status), else sets the last error and returns AZSREG_ENETWORK, AZSREG_ETLS,
	 * AZSREG_ETIMEOUT or AZSREG_ENOMEM; sets resp->transport_final when retrying cannot
	 * help (a proxy's 407). Safe to call from several threads.
	 */
	int (*send)(azsreg_transport *t, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms);
	/** Connections opened so far (for statistics and tests). */
	unsigned long (*connections_opened)(azsreg_transport *t);
	void (*free)(azsreg_transport *t);
	/**
	 * A set of concurrent exchanges over this transport's connections, at most
	 * max_in_flight connections to one host (additive: NULL when the transport has none).
	 */
	int (*transfers_new)(azsreg_transport *t, azsreg_transfers **out, int max_in_flight);
};

typedef struct azsreg_transport_options {
	const char *ca_file; /* else SSL_CERT_FILE, CURL_CA_BUNDLE, system store */
	const char *proxy; /* else HTTPS_PROXY / https_proxy / NO_PROXY (libcurl's own) */
	long connect_timeout_ms;
	const char *user_agent;
	long max_connections; /* idle connections kept for reuse; 0: AZSREG__DEFAULT_MAX_CONNECTIONS */
} azsreg_transport_options;

/** The libcurl transport: easy-handle pool + shared connection cache; TLS always verified. */
int azsreg_transport__curl_new(azsreg_transport **out, const azsreg_transport_options *opts);

/* --------------------------------------------------------------- retry.c */

typedef struct azsreg_retry_policy {
	int max_retries;
	int64_t base_delay_ms;
	int64_t max_delay_ms;
} azsreg_retry_policy;

/** Is this status retryable (408, 429, 500, 502, 503, 504)? */
int azsreg_retry__status_is_retryable(int status);
/**
 * Delay the server asked for, from retry-after-ms, x-ms-retry-after-ms, then
 * Retry-After (seconds or HTTP-date relative to now_unix). Returns 1 and sets *out_ms when
 * present and valid, 0 otherwise.
 */
int azsreg_retry__server_delay(const azsreg_headers *h, int64_t now_unix, int64_t *out_ms);
/**
 * Exponential backoff with jitter for retry number `attempt` (1-based):
 * min(max_delay, base * 2^(attempt-1)) scaled by a factor in [0.8, 1.2) from `random`;
 * overflow-safe.
 */
int64_t azsreg_retry__backoff(const azsreg_retry_policy *p, int attempt, uint32_t random);

/* ------------------------------------------------------------ pipeline.c */

typedef struct azsreg_pipeline azsreg_pipeline;

/** Called before each attempt to add Authorization; force_renew after a 401 token error. */
typedef int (*azsreg_authorize_fn)(void *ctx, azsreg_http_request *req, int force_renew);

typedef struct azsreg_pipeline_options {
	azsreg_transport *transport; /* borrowed */
	const azsreg_clock *clock; /* borrowed; NULL: system */
	azsreg_logger logger;
	azsreg_retry_policy retry;
	long request_timeout_ms;
	long deadline_ms;
	const char *user_agent;
	const char *correlation_id;
} azsreg_pipeline_options;

int azsreg_pipeline__new(azsreg_pipeline **out, const azsreg_pipeline_options *opts);
void azsreg_pipeline__free(azsreg_pipeline *p);

typedef struct azsreg_send_options {
	azsreg_authorize_fn authorize; /* NULL: no auth (identity calls) */
	void *authorize_ctx;
	int follow_lro; /* poll 201/202 Azure-AsyncOperation / Location */
	const char *what; /* for error messages: "register customer ..." */
	long timeout_ms; /* per attempt; 0: the pipeline's (IMDS uses a short one) */
	int max_retries; /* 0: the pipeline's; negative: no retries */
} azsreg_send_options;

/**
 * Sends req through request IDs, User-Agent, retry/backoff (deadline), auth, logging,
 * and (optionally) LRO polling. resp receives the final response whatever its status.
 * Returns 0 when a final response arrived (the caller judges the status), or an error.
 */
int azsreg_pipeline__send(azsreg_pipeline *p, azsreg_http_request *req, azsreg_http_response *resp, const azsreg_send_options *so);
const azsreg_clock *azsreg_pipeline__clock(const azsreg_pipeline *p);
const azsreg_logger *azsreg_pipeline__logger(const azsreg_pipeline *p);
const char *azsreg_pipeline__correlation_id(const azsreg_pipeline *p);
/** Statistics: attempts sent through the pipeline, and retries (pipeline.c; additive). */
void azsreg_pipeline__stats(const azsreg_pipeline *p, unsigned long *requests, unsigned long *retries);
/*
 * The pieces of azsreg_pipeline__send for callers that send attempts themselves (batch.c,
 * over azsreg_transfers), so that every request gets the same headers, log lines and counts.
 */
/** Sets the correlation ID, User-Agent, Accept, Content-Type (with a body) and a fresh x-ms-client-request-id; logs the request. */
int azsreg_pipeline__prepare_attempt(azsreg_pipeline *p, azsreg_http_request *req);
/** Counts one finished attempt (is_retry: it was a retry) and logs its outcome as send does. */
void azsreg_pipeline__exchange_done(azsreg_pipeline *p, const azsreg_http_request *req, const azsreg_http_response *resp,
				    int transport_rc, int64_t elapsed_ms, int is_retry);
/** The retry policy, per-attempt timeout and total deadline of one operation. */
void azsreg_pipeline__limits(const azsreg_pipeline *p, azsreg_retry_policy *retry, long *request_timeout_ms, long *deadline_ms);
/** 1 for a 401 whose ARM code says the token is expired or invalid (renew once, retry). */
int azsreg_pipeline__is_token_error(const azsreg_http_response *resp);
/** 1 when resp (to req) starts a long-running operation that send with follow_lro would poll. */
int azsreg_pipeline__lro_pending(const azsreg_http_request *req, const azsreg_http_response *resp);
/** Polls the long-running operation that resp started, as send with follow_lro does; resp receives the final answer. */
int azsreg_pipeline__follow_lro(azsreg_pipeline *p, azsreg_http_request *req, azsreg_http_response *resp, const azsreg_send_options *so);
/** 1 when two absolute URLs have the same scheme, host and port (default ports filled in). */
int azsreg_pipeline__same_origin(const char *a, const char *b);

/* ------------------------------------------------------------ credentials */

typedef struct azsreg_token {
	char *access_token; /* secret: free with azsreg_token__clear */
	int64_t expires_on_ms; /* Unix ms */
	int64_t issued_at_ms; /* Unix ms when the token request was SENT (for proportional renewal) */
	char *account; /* appid / upn / oid for display; may be NULL */
	char *tenant_id; /* tid claim when known; may be NULL */
} azsreg_token;

/** Frees and wipes what a token holds (token.c). */
void azsreg_token__clear(azsreg_token *t);

/** What a credential needs to fetch a token. */
typedef struct azsreg_token_context {
	const azsreg_environment *env; /* authority, audience, AD FS */
	const char *tenant; /* client's tenant override; may be NULL */
	azsreg_pipeline *pipeline; /* for identity requests (no bearer) */
	const azsreg_clock *clock; /* NULL: the pipeline's clock, else the system clock */
} azsreg_token_context;

typedef struct azsreg_credential_vtable {
	const char *kind; /* "AccessToken", "ClientSecret", ... */
	int (*get_token)(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out);
	void (*destroy)(azsreg_credential *cred); /* wipe secrets, free impl */
} azsreg_credential_vtable;

struct azsreg_credential {
	const azsreg_credential_vtable *vt;
	int refs; /* atomic (__atomic builtins) */
	char description[256]; /* never a secret */
};

/** Sets base fields; refs = 1. */
void azsreg_credential__init(azsreg_credential *cred, const azsreg_credential_vtable *vt, const char *description);
azsreg_credential *azsreg_credential__ref(azsreg_credential *cred);

/* ---------------------------------------------------------- token_cache.c */

typedef struct azsreg_token_cache azsreg_token_cache;

int azsreg_token_cache__new(azsreg_token_cache **out);
void azsreg_token_cache__free(azsreg_token_cache *c);
/**
 * Copies a valid bearer token for ctx->env->audience into *out_bearer (caller frees with
 * azsreg__free_secret). Renews ahead of expiry (azsreg_token__renew_margin_ms, compared
 * in milliseconds), one renewal at a time across threads. force_renew renews unless
 * another thread already did: the caller passes the bearer token that was refused
 * (`failed_bearer`, without "Bearer "), and a cached token that differs from it is
 * returned without a new request; with failed_bearer NULL, the generation this thread last
 * received from the cache decides.
 */
int azsreg_token_cache__get(azsreg_token_cache *c, azsreg_credential *cred, const azsreg_token_context *ctx, int force_renew, const char *failed_bearer, char **out_bearer);
/** Statistics: token requests made. */
unsigned long azsreg_token_cache__requests(const azsreg_token_cache *c);
/** Statistics: renewals of an existing token (requests that replaced a held token). */
unsigned long azsreg_token_cache__renewals(const azsreg_token_cache *c);
/** Threads waiting for another thread's renewal right now (lets race tests gate, not sleep). */
unsigned long azsreg_token_cache__waiting(const azsreg_token_cache *c);
/**
 * Facts about the cached token for ctx (no token is fetched): account (appid/upn/oid),
 * tenant (tid) and expiry. Out strings may be NULL when unknown; free with azsreg_free.
 * AZSREG_ENOTFOUND when nothing is cached.
 */
int azsreg_token_cache__describe(azsreg_token_cache *c, const azsreg_token_context *ctx, char **out_account, char **out_tenant, int64_t *out_expires_on);

/**
 * How long before expiry a token is renewed, in ms, from its lifetime L = expiry - the
 * time its request was sent: L/6 capped at 5 minutes; for L under 10 s, L/3; never less
 * than 1 s (so a 2 s token is renewed 1 s ahead, a 1 h token 5 min ahead).
 */
int64_t azsreg_token__renew_margin_ms(const azsreg_token *t);

/* ------------------------------------------------------------------ jwt.c */

/** Claims read from a JWT without verifying it. Numbers are 0 and strings NULL when absent. */
typedef struct azsreg_jwt_claims {
	int64_t exp;
	int64_t nbf;
	int64_t iat;
	char *tid;
	char *oid;
	char *appid; /* appid, else azp */
	char *upn; /* upn, else preferred_username, else unique_name */
	char *aud; /* first audience when an array */
	char *iss;
} azsreg_jwt_claims;

/** Decodes the claims of a compact JWT (three dot-separated parts). EINVALID when malformed. */
int azsreg_jwt__decode_claims(azsreg_jwt_claims *out, const char *token);
/** Decodes the header of a compact JWT as a JSON text (caller frees with azsreg_free). */
int azsreg_jwt__decode_header(char **out_json, const char *token);
void azsreg_jwt__claims_free(azsreg_jwt_claims *c);
/** 1 when `token` is a decodable JWT, else 0. Never sets an error. */
int azsreg_jwt__is_jwt(const char *token);
/** A non-negative number given as a JSON number or a decimal string (a claim, expires_in): 1 and *out, else 0. */
struct json_t;
int azsreg_jwt__number_or_string(const struct json_t *v, int64_t *out);

/* ---------------------------------------------------------------- token.c */

/**
 * Parses a token endpoint or managed identity success body into *out, given the time the
 * token request was SENT (Unix ms: issued_at_ms; expires_in counts from it):
 * access_token (required), expires_in (number or numeric string, preferred), else
 * expires_on (epoch number or numeric string), else the JWT's exp, else one hour.
 * account / tenant_id from the JWT claims when it is one. `out_refresh_token` (may be
 * NULL) receives refresh_token when present (a secret).
 * When the token is a JWT whose exp is later than the send time, the expiry is the EARLIER
 * of exp and the one from expires_in / expires_on (an exp at or before it is clock skew:
 * ignored). Never quotes the body in an error. EAUTH with a message saying what is wrong.
 */
int azsreg_token__parse_response(azsreg_token *out, char **out_refresh_token, const char *body, size_t len, int64_t sent_unix_ms);

/**
 * Parses an OpenID configuration document: the tenant GUID from the path of
 * token_endpoint, else issuer. `out` holds AZSREG_GUID_LEN + 1 bytes.
 */
int azsreg_openid__parse_tenant(char *out, const char *body, size_t len);

/** Inputs of an RS256 client assertion. */
typedef struct azsreg_assertion_params {
	const char *client_id; /* iss and sub */
	const char *audience; /* aud: the exact token endpoint URL */
	const unsigned char *cert_der; /* x5t = base64url(SHA-1(cert_der)) */
	size_t cert_der_len;
	const unsigned char *const *chain_der; /* x5c (leaf first) when chain_count > 0 */
	const size_t *chain_der_len;
	size_t chain_count;
	int64_t now_unix; /* nbf = iat = now; exp = now + 600 */
	azsreg_sign_cb sign; /* RS256 signer */
	void *sign_payload;
} azsreg_assertion_params;

/** Builds header.claims.signature; the result is a secret (free with azsreg__free_secret). */
int azsreg_jwt__build_assertion(char **out, const azsreg_assertion_params *p);

/* ------------------------------------- credential.c: shared identity helpers */

/** The tenant a token request uses: ctx->tenant, else the credential's. */
const char *azsreg_cred__tenant(const azsreg_token_context *ctx, const char *cred_tenant);
/** Refuses an empty client ID, or one with whitespace / control characters or over 256 bytes. */
int azsreg_cred__check_client_id(const char *client_id, const char *what);
/** Refuses tenant names that are not GUIDs or domain-like ([A-Za-z0-9._-]). */
int azsreg_cred__check_tenant(const char *tenant, const char *what);

/** The application a credential signs in as: its client ID and, when given, its tenant. */
typedef struct azsreg_cred_app {
	char *client_id;
	char *tenant; /* NULL: the client options' tenant, or the credential's default */
} azsreg_cred_app;

/** Checks a client ID and a tenant (NULL or "": none given) before anything is allocated. */
int azsreg_cred__check_app(const char *client_id, const char *tenant_id, const char *what);
/** Copies what azsreg_cred__check_app accepted; on failure app holds what was copied. */
int azsreg_cred__app_copy(azsreg_cred_app *app, const char *client_id, const char *tenant_id);
/** Frees the copies; app is left empty. */
void azsreg_cred__app_free(azsreg_cred_app *app);
/**
 * Token endpoint URL: AD FS "{authority}oauth2/token"; AAD v2
 * "{authority}{tenant}/oauth2/v2.0/token" (suffix "devicecode" instead of "token" with
 * device_code set, AD FS too).
 */
int azsreg_cred__token_url(azsreg_buf *out, const azsreg_token_context *ctx, const char *tenant, int device_code);
/** Appends "scope=<audience without trailing '/'>/.default[ extra]" (AAD) or "resource=<audience>" (AD FS), URL-encoded. */
int azsreg_cred__append_scope(azsreg_buf *form, const azsreg_token_context *ctx, const char *extra_scope);
/** Appends "&name=value" (URL-encoded value; no '&' when form is empty). */
int azsreg_cred__form_add(azsreg_buf *form, const char *name, const char *value);
/**
 * One POST of a secret form to an identity URL through ctx->pipeline (no bearer); the form
 * is consumed. resp receives the answer whatever its status; a failure's message starts
 * with `what`.
 */
int azsreg_cred__post_form(const azsreg_token_context *ctx, const char *url, azsreg_buf *form, const char *what, azsreg_http_response *resp);
/**
 * POSTs a secret form to `url` through ctx->pipeline (no bearer) and parses the token
 * answer. Failures: azsreg_error__from_identity with "sign-in with <describe> at <url>".
 * `out_refresh_token` may be NULL.
 */
int azsreg_cred__post_token_request(const azsreg_credential *cred, const azsreg_token_context *ctx, const char *url, azsreg_buf *form, azsreg_token *out, char **out_refresh_token);
/**
 * The client credentials grant (RFC 6749 section 4.4) at `url`: client_id and the scope,
 * proven by a client secret or by a client assertion (RFC 7523 JWT bearer), exactly one
 * of the two; parsed as azsreg_cred__post_token_request does.
 */
int azsreg_cred__client_credentials(const azsreg_credential *cred, const azsreg_token_context *ctx, const char *url, const char *client_id, const char *client_secret, const char *client_assertion, azsreg_token *out);
/** The clock of a token context: ctx->clock, the pipeline's, or the system clock. */
const azsreg_clock *azsreg_cred__clock(const azsreg_token_context *ctx);

/* ------------------------------------------------------- cred_refresh.c */

/** The refresh token a user credential keeps (device code, user name + password). */
typedef struct azsreg_refresh_token {
	pthread_mutex_t mu;
	char *value; /* secret, registered while held */
} azsreg_refresh_token;

/** Nothing held yet; `what` names the credential in the error of a failed mutex. */
int azsreg_refresh__init(azsreg_refresh_token *r, const char *what);
/** Wipes what is held and destroys the mutex. */
void azsreg_refresh__free(azsreg_refresh_token *r);
/** Holds `rt` (taken over; NULL: nothing) instead of the previous one, which is wiped;
 *  out of memory to register it for redaction, it is wiped too and nothing is held. */
void azsreg_refresh__set(azsreg_refresh_token *r, char *rt);
int azsreg_refresh__held(azsreg_refresh_token *r);
/**
 * Redeems the held token (grant_type=refresh_token, client_id, the context's scope +
 * offline_access) at `url`; a refresh token in the answer replaces the held one. `what`
 * starts every error message ("renewal of <credential> at <url>"); `on_refusal` (may be
 * NULL) is added to it when the identity provider refuses (not 200).
 */
int azsreg_refresh__redeem(azsreg_refresh_token *r, const azsreg_token_context *ctx, const char *url, const char *client_id,
			   const char *what, const char *on_refusal, azsreg_token *out);

/* -------------------------------------------------------------- client.c */

/* The defaults of azsreg_client_options (azsreg.h documents them): the one place they are
 * defined; client.c, pipeline.c and transport_curl.c use these. */
#define AZSREG__DEFAULT_CONNECT_TIMEOUT_MS 10000L
/* Idle connections a client keeps for reuse: one per caller at once, up to this many. */
#define AZSREG__DEFAULT_MAX_CONNECTIONS 64L
#define AZSREG__DEFAULT_REQUEST_TIMEOUT_MS 100000L
#define AZSREG__DEFAULT_DEADLINE_MS 600000L
#define AZSREG__DEFAULT_MAX_RETRIES 6
#define AZSREG__DEFAULT_RETRY_BASE_DELAY_MS 800L
#define AZSREG__DEFAULT_RETRY_MAX_DELAY_MS 60000L
/* Discovery reads one small unauthenticated document: its total deadline when none is given. */
#define AZSREG__DEFAULT_DISCOVERY_DEADLINE_MS 60000L

struct azsreg_client {
	azsreg_environment *env;
	azsreg_credential *cred;
	char *tenant;
	azsreg_transport *transport;
	azsreg_pipeline *pipeline;
	azsreg_token_cache *tokens;
	azsreg_logger logger;
	int owns_transport; /* 0 when injected by azsreg_client__new_with (additive) */
};

/** For operations.c: the authorize hook bound to this client. */
int azsreg_client__authorize(void *client, azsreg_http_request *req, int force_renew);
/**
 * A client with an injected transport and clock (unit tests). Both are borrowed: the
 * caller frees them after azsreg_client_free. NULL transport: libcurl; NULL clock: system.
 */
/**
 * The local network settings a transport would use, checked without sending anything:
 * the proxy (else the proxy variables libcurl reads: https_proxy, HTTPS_PROXY, http_proxy,
 * all_proxy, ALL_PROXY) by azsreg_url__check_proxy, and the CA bundle (else SSL_CERT_FILE,
 * else CURL_CA_BUNDLE), which must be a readable file with at least one PEM certificate.
 */
int azsreg_client__check_network(const char *ca_file, const char *proxy);
int azsreg_client__new_with(azsreg_client **out, const azsreg_client_options *opts, azsreg_credential *cred,
			    azsreg_transport *transport, const azsreg_clock *clock);
/**
 * The request path of a client or of a discovery, from client options (the one place they
 * become a transport and a pipeline): checks the options (version, timeouts and delays not
 * negative, log level, proxy / user agent without control characters, the proxy and CA
 * bundle by azsreg_client__check_network, the correlation ID a GUID, sent lowercase), then
 * makes the libcurl transport (CA file, proxy, connect timeout) unless `transport` is given,
 * and the pipeline (logger, retries, request timeout, deadline, user agent, correlation ID)
 * with the AZSREG__DEFAULT_* values for zero fields; `default_deadline_ms` replaces
 * AZSREG__DEFAULT_DEADLINE_MS (0: that). `transport` and `clock` are borrowed (NULL: libcurl,
 * system clock). *out_owned_transport receives the transport this call made (the caller
 * frees it after the pipeline), NULL when `transport` was given. Nothing is left allocated
 * on failure; both outs are NULL then. tenant_id and environment are not looked at.
 */
int azsreg_client__pipeline_new(azsreg_pipeline **out_pipeline, azsreg_transport **out_owned_transport,
				const azsreg_client_options *opts, long default_deadline_ms,
				azsreg_transport *transport, const azsreg_clock *clock);

/* ---------------------------------------------------------- operations.c */

/** One customer subscription call, built and checked before anything is sent. */
typedef struct azsreg_customer_call {
	int action; /* AZSREG_BATCH_PUT / _DELETE / _GET */
	azsreg_registration_ref reg;
	char guid[AZSREG_GUID_LEN + 1]; /* the customer subscription, lowercase */
	char tenant[AZSREG_GUID_LEN + 1]; /* PUT: the tenant GUID sent, "" for none */
	char what[AZSREG_NAME_MAX + 576]; /* "register customer <guid> with registration <name> at <arm>" */
	char *id; /* the mapping's resource ID */
	char *url; /* {arm}{id}?api-version= */
	char *body; /* PUT: {"properties":{["tenantId":...]}} */
} azsreg_customer_call;

/**
 * Checks the registration ID and the customer GUID and builds the call; `tenant_guid` is
 * an already resolved tenant GUID (PUT) or NULL. Nothing is sent. The single operations and
 * the batches both build their calls here.
 */
int azsreg_ops__customer_prepare(azsreg_customer_call *call, const azsreg_client *c, int action, const char *registration_id,
				 const char *customer, const char *tenant_guid);
/**
 * Judges the final response of a call: 0 with *out_json (PUT and GET: the mapping as a JSON
 * object, built from the request when a PUT answer has no body) and *out_tree (the same
 * object parsed, a reference the caller owns), either may be NULL; or *out_existed
 * (DELETE: 1 for 200, 0 for 204; may be NULL), else the error (ARM error parsed, hint set).
 */
int azsreg_ops__customer_finish(const azsreg_customer_call *call, const azsreg_client *c, const azsreg_http_response *resp,
				char **out_json, struct json_t **out_tree, int *out_existed);
void azsreg_ops__customer_call_free(azsreg_customer_call *call);
/** Refuses an empty or blank tenant (it would erase the mapping's tenant); NULL is fine. */
int azsreg_ops__check_tenant_value(const char *tenant_id, const char *what);

/* --------------------------------------------------------------- batch.c */

/** The client a batch runs on (sync.c lists through it). */
azsreg_client *azsreg_batch__client(const azsreg_batch *b);
/** 1 when a cancel is pending (and clears it: the caller acts on it), else 0. */
int azsreg_batch__take_cancel(azsreg_batch *b);
/** azsreg_batch_run with its result JSON as a tree (a reference the caller owns), for azsreg_sync. */
int azsreg_batch__run_tree(azsreg_batch *b, const azsreg_batch_item *items, size_t count, struct json_t **out_tree);

/* ------------------------------------------------- environment_discover.c */

/**
 * azsreg_environment_discover_with over a given transport and clock (both borrowed; NULL:
 * libcurl and the system clock): GET {arm}/metadata/endpoints?api-version=1.0 without a
 * bearer token, through azsreg_client__pipeline_new.
 */
int azsreg_environment__discover_over(azsreg_environment **out, const char *name, const char *arm_endpoint,
				      const azsreg_client_options *opts, azsreg_transport *transport,
				      const azsreg_clock *clock);

#endif /* AZSREG_INTERNAL_H */
