/*
 * Integration test harness: starts the real azsreg-emulator (HTTPS on 127.0.0.1, fresh
 * throwaway CA), talks to its control API over the plain-HTTP control listener, and
 * builds library clients signed in as the emulator's sample service principal.
 *
 * Every test starts its own emulator on a free port (port 0), so test programs may run
 * in parallel. Set AZSREG_EMULATOR_WRAPPER (e.g. "valgrind --leak-check=full ...") to
 * run the emulator under a wrapper; the ready timeout then grows from 60 s to 120 s.
 */
#ifndef AZSREG_TEST_HARNESS_H
#define AZSREG_TEST_HARNESS_H

#include <stddef.h>
#include <sys/types.h>
#include <jansson.h>

#include "azsreg.h"

#define HARNESS_TENANT_ID "11111111-1111-1111-1111-111111111111"
#define HARNESS_TENANT_DOMAIN "contoso.onmicrosoft.com"
#define HARNESS_CLIENT_ID "22222222-2222-2222-2222-222222222222"
#define HARNESS_CLIENT_SECRET "emulator-sample-secret"
#define HARNESS_REG_SUBSCRIPTION "33333333-3333-3333-3333-333333333333"
#define HARNESS_REG_GROUP "azurestack"
#define HARNESS_REG_NAME "AzureStack-sample"
#define HARNESS_REGISTRATION_ID \
	"/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/" HARNESS_REG_GROUP \
	"/providers/Microsoft.AzureStack/registrations/" HARNESS_REG_NAME

#define HARNESS_PATH_MAX 512

typedef struct harness_emulator {
	pid_t pid; /* 0 when not running */
	int port; /* HTTPS port (ARM + identity) */
	int http_port; /* plain-HTTP control listener */
	char dir[HARNESS_PATH_MAX]; /* private temp dir (CA, ready file, log) */
	char base_url[128]; /* "https://127.0.0.1:N/" */
	char base_url_noslash[128]; /* "https://127.0.0.1:N" */
	char ca_file[HARNESS_PATH_MAX]; /* PEM of the emulator's throwaway CA */
	char control_url[128]; /* "http://127.0.0.1:M/_emulator" */
	char log_file[HARNESS_PATH_MAX]; /* the emulator's stdout + stderr */
} harness_emulator;

/**
 * Starts an emulator. `extra_args` (may be NULL) is a NULL-terminated list of further
 * command-line options. Returns 0 when it is ready (ready file written), else -1 with a
 * message on stderr (and the emulator's output).
 */
int harness_emulator_start(harness_emulator *emu, const char *const *extra_args);

/**
 * Stops the emulator with SIGTERM and waits for it (60 s, then SIGKILL; 120 s under a
 * wrapper). Returns its exit status (0 for a clean stop), 128+signal when killed, -1
 * when it was not running. Removes the temp dir.
 */
int harness_emulator_stop(harness_emulator *emu);

/** The emulator's output so far (malloc'd, caller frees), "" when none. */
char *harness_emulator_log(const harness_emulator *emu);

/* ---- control API (plain HTTP to control_url) ----------------------------------- */

/**
 * A control call: `method` on `control_url + path` (path starts with '/'), `body` JSON
 * text or NULL. Returns the HTTP status (negative on a transport failure); `*out`
 * (may be NULL) receives the parsed JSON answer or NULL when there was no JSON.
 */
int harness_control(const harness_emulator *emu, const char *method, const char *path, const char *body, json_t **out);

/** GET /_emulator/state (NULL on failure). */
json_t *harness_state(const harness_emulator *emu);
/** PUT /_emulator/state. Returns 0 on a 2xx answer. */
int harness_state_put(const harness_emulator *emu, json_t *state);
/** GET /_emulator/stats (NULL on failure). */
json_t *harness_stats(const harness_emulator *emu);
/** One integer field of the stats ("requests", "armRequests", "tlsConnections"...); -1 when absent. */
long harness_stat(const harness_emulator *emu, const char *field);
/** POST /_emulator/faults with `fault_json` (an object or array). Returns 0 on 2xx. */
int harness_fault(const harness_emulator *emu, const char *fault_json);
/** PUT /_emulator/config with `config_json`. Returns 0 on 2xx. */
int harness_config(const harness_emulator *emu, const char *config_json);
/**
 * POST /_emulator/clock {"advanceSeconds": seconds}: the emulator's clock only (tokens,
 * assertions, device codes, throttle buckets age without a sleep). Returns 0 on 2xx. To
 * move the library's clock too, see harness_clock.h.
 */
int harness_emulator_advance(const harness_emulator *emu, double seconds);
/** GET /_emulator/requests (NULL on failure). */
json_t *harness_requests(const harness_emulator *emu);
/** POST /_emulator/stats/reset and DELETE /_emulator/requests. Returns 0 on success. */
int harness_reset_counters(const harness_emulator *emu);

/**
 * The registration object of the dumped state with `name` (borrowed from `state`), or NULL.
 */
json_t *harness_state_registration(json_t *state, const char *name);

/**
 * The customer subscription IDs the emulator's state holds for registration `name`,
 * sorted, joined with ',' ("" when none). Malloc'd; NULL when the state could not be
 * read or the registration is missing. Duplicates would show as repeated IDs.
 */
char *harness_mappings(const harness_emulator *emu, const char *name);

/**
 * Counts requests in GET /_emulator/requests whose method equals `method` (NULL: any)
 * and whose path contains `path_part` (NULL: any).
 */
long harness_count_requests(const harness_emulator *emu, const char *method, const char *path_part);

/* ---- clients ------------------------------------------------------------------- */

struct azsreg_clock;

typedef struct harness_client_params {
	const char *client_secret; /* NULL: the sample secret */
	const char *ca_file; /* NULL: the emulator's CA */
	int max_retries; /* 0: library default */
	long retry_base_delay_ms; /* 0: 10 ms (tests should not sleep long) */
	long retry_max_delay_ms; /* 0: 2000 ms */
	long deadline_ms; /* 0: library default */
	azsreg_log_cb log_cb;
	void *log_payload;
	int log_level;
	/* added for the proxy / CA / timeout tests (zero = as before) */
	const char *proxy; /* NULL: none given (HTTPS_PROXY / NO_PROXY apply) */
	int ca_from_env; /* non-zero: ca_file NULL for discovery and client */
	long connect_timeout_ms; /* 0: library default */
	long request_timeout_ms; /* 0: library default */
	const azsreg_environment *environment; /* NULL: discovered from the metadata endpoint */
	azsreg_credential *credential; /* NULL: the sample secret; borrowed */
	/* NULL: the system clock. Else the client's clock (harness_clock.h: &hc.clock), only in
	 * the programs linked with the static library (INTEG_STATIC_TESTS); borrowed */
	const struct azsreg_clock *clock;
} harness_client_params;

/**
 * When AZSREG_TEST_LOG=trace is set (build/test.sh sets it for its ctest stages), every
 * client made by harness_client_new without a log callback of its own logs at TRACE to
 * stderr (the test's output, which the suite-wide secret scan reads), and one with a
 * callback gets TRACE too and also copies every line to stderr.
 */
int harness_trace_enabled(void);

/**
 * Environment "AzsEmulator" discovered from the emulator's metadata endpoint (with its
 * CA), a client secret credential for the sample app, and a client using the emulator's
 * CA. `params` may be NULL. Returns NULL on failure (azsreg_error_last() says why).
 */
azsreg_client *harness_client_new(const harness_emulator *emu, const harness_client_params *params);

/** A log capture: every line the library logs, appended with '\n'. */
typedef struct harness_log {
	char *text;
	size_t len;
	size_t cap;
	size_t lines;
} harness_log;

/** An azsreg_log_cb appending to a harness_log (payload); safe from several threads. */
void harness_log_cb(int level, const char *message, void *payload);
void harness_log_free(harness_log *log);

/* ---- raw HTTPS to the emulator (ARM / identity paths, with its CA, never proxied) ---- */

typedef struct harness_http {
	int status; /* HTTP status; negative: transport failure (-curl code) */
	char *body; /* malloc'd, "" when none */
	char *headers; /* the raw response header block, malloc'd */
	json_t *json; /* the body parsed, NULL when not JSON */
	long elapsed_ms;
} harness_http;

/**
 * `method` on `emu->base_url_noslash + path`. `headers` (may be NULL) a NULL-terminated
 * list of "Name: value" lines; `body` (may be NULL) is sent as is with `content_type`
 * (NULL: application/x-www-form-urlencoded). Returns the status (as out->status).
 */
int harness_https(const harness_emulator *emu, const char *method, const char *path, const char *const *headers,
		  const char *body, const char *content_type, harness_http *out);
/** `method` on the emulator's plain-HTTP listener (http://127.0.0.1:<http_port> + path), no body. */
int harness_plain_http(const harness_emulator *emu, const char *method, const char *path, const char *const *headers,
		       harness_http *out);
/** The value of response header `name` (case-insensitive) copied into buf; NULL when absent. */
const char *harness_http_header(const harness_http *r, const char *name, char *buf, size_t cap);
void harness_http_free(harness_http *r);

/** A token for the sample app (client secret, v2). Malloc'd, wipe + free; NULL on failure. */
char *harness_sample_token(const harness_emulator *emu);

/** The claims of a JWT (payload decoded), NULL when not a JWT. */
json_t *harness_jwt_claims(const char *jwt);
/** The JSON that `len` characters of base64url at `text` encode (e.g. a client_info); NULL if none. */
json_t *harness_b64url_json(const char *text, size_t len);

/** Writes a fresh self-signed CA certificate (unrelated to any emulator) to `path`. 0 on success. */
int harness_write_unrelated_ca(const char *path);

/** Path of a file inside the emulator's temp dir (static buffer per call site is fine). */
int harness_path(char *out, size_t out_size, const harness_emulator *emu, const char *file);

#endif
