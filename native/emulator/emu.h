/* azsreg-emulator: shared declarations between the emulator's modules.
 * The HTTP contract is in native/docs/design.md ("Emulator contract"). */
#ifndef AZSREG_EMU_H
#define AZSREG_EMU_H

#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EMU_MAX_BODY ((size_t)1024 * 1024)
#define EMU_MAX_RESP_HEADERS 24
#define EMU_LOG_MAX 20000
#define EMU_AUDIENCE "https://management.emulator.azsreg.local/"

/* ---- one HTTP exchange ---------------------------------------------------------- */

typedef struct emu_header {
	char *name;
	char *value;
} emu_header;

typedef struct emu_req {
	bool started;
	bool too_large;
	bool https; /* which listener */
	char *body;
	size_t len;
	size_t cap;
	/* filled before dispatch */
	const char *method;
	const char *path;
	struct MHD_Connection *conn;
	char corr_id[40];
	/* the answer */
	int status;
	char *resp_body; /* malloc'd, may be NULL */
	size_t resp_len;
	bool resp_is_json;
	bool drop;
	emu_header hdr[EMU_MAX_RESP_HEADERS];
	int nhdr;
	/* classification for stats */
	bool is_arm;
	bool is_token;
} emu_req;

/* ---- server-wide state ------------------------------------------------------------ */

typedef struct emu_bucket {
	char *key; /* principal + '|' + op */
	double tokens;
	double last; /* monotonic seconds */
	struct emu_bucket *next;
} emu_bucket;

typedef struct emu_server {
	pthread_mutex_t mu;
	int port;
	int http_port;
	bool adfs;
	bool quiet;
	char base[64]; /* "https://127.0.0.1:N" (no trailing slash) */
	EVP_PKEY *sign_key; /* RSA-2048: signs every token (RS256), published at the jwks_uri */
	char sign_kid[64]; /* its key ID: the RFC 7638 thumbprint, base64url */
	json_t *jwks; /* {"keys":[{kty,use,kid,n,e,alg}]} */
	json_t *state; /* the state (schema in design.md) */
	unsigned long state_gen; /* bumped whenever state is replaced (arm.c's index follows) */
	json_t *seed; /* the state at start (for /_emulator/reset) */
	json_t *config;
	json_t *config_default;
	json_t *stats;
	json_t *log; /* array of request records */
	json_t *faults; /* array of pending faults */
	json_t *ops; /* object: operation id -> long-running operation */
	json_t *devicecodes; /* object: device_code -> record */
	json_t *refresh; /* object: refresh token -> record */
	json_t *jtis; /* object: seen assertion jti -> exp */
	emu_bucket *buckets;
	long long connections;
	long long tls_connections;
} emu_server;

extern emu_server g_emu;

/* ---- util.c ---------------------------------------------------------------------- */
void emu_guid(char out[37]);
bool emu_is_guid(const char *s);
void emu_lower(char *s);
char *emu_b64url_encode(const unsigned char *data, size_t len);
unsigned char *emu_b64url_decode(const char *s, size_t slen, size_t *out_len);
char *emu_url_decode(const char *s, size_t len);
char *emu_url_encode(const char *s);
json_t *emu_form_parse(const char *body, size_t len);
bool emu_ct_equal(const char *a, const char *b);
/* The emulator's clock: the system clock plus an offset the control API moves forward
 * (POST /_emulator/clock), so tests make tokens, device codes and throttle buckets age
 * without waiting. Everything time-based in the emulator reads these. */
double emu_mono(void); /* monotonic seconds + offset */
long long emu_now(void); /* Unix seconds + offset */
long long emu_now_ms(void); /* Unix milliseconds + offset */
long long emu_clock_offset_ms(void);
void emu_clock_advance_ms(long long ms);
void emu_clock_reset(void);
void emu_wipe_free(char *s);
const char *emu_jstr(const json_t *obj, const char *key);
long long emu_jint(const json_t *obj, const char *key, long long dflt);
bool emu_jbool(const json_t *obj, const char *key, bool dflt);
char *emu_strndup(const char *s, size_t n);
char *emu_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void emu_sleep_ms(long long ms);
/* splits "/a/b/c" into segments (copied into buf); returns the count or -1 when too many */
int emu_split_path(const char *path, char *buf, size_t buflen, char **segs, int max);

/* ---- server.c: building answers ------------------------------------------------- */
void emu_add_header(emu_req *r, const char *name, const char *value);
void emu_respond_json(emu_req *r, int status, json_t *body); /* steals body (may be NULL) */
void emu_respond_raw(emu_req *r, int status, const char *body, size_t len);
void emu_arm_error(emu_req *r, int status, const char *code, const char *message);
const char *emu_header_in(emu_req *r, const char *name);
const char *emu_query(emu_req *r, const char *name);

/* ---- state.c ---------------------------------------------------------------------- */
json_t *emu_sample_state(void);
json_t *emu_default_config(void);
json_t *emu_new_stats(void);
void emu_stat_inc(const char *key);
json_t *emu_find_tenant(const char *tenant); /* GUID or domain */
json_t *emu_find_app(const char *client_id);
bool emu_audience_ok(const char *aud);
long long emu_cfg_int(const char *key, long long dflt);
const char *emu_cfg_str(const char *key, const char *dflt);
bool emu_cfg_bool(const char *key, bool dflt);
json_t *emu_take_fault(const char *method, const char *path);
bool emu_throttle_take(const char *subscription, const char *principal, const char *op, long long *remaining, double *retry_after);
void emu_throttle_reset(void);
bool emu_state_validate(const json_t *st, char *err, size_t errlen);
/* Checks a PUT /_emulator/config body before it is merged: false with the field's name in
 * field (e.g. "pageSize", "lro.polls") and a message in err when a value is out of range. */
bool emu_config_validate(const json_t *cfg, char *field, size_t fieldlen, char *err, size_t errlen);

/* ---- jwt.c -------------------------------------------------------------------------- */
/* The token signing key: loaded from key_file when it holds an RSA key of 2048 bits or more,
 * else generated (and written there, mode 0600, when key_file is given); fills g_emu's
 * sign_key, sign_kid and jwks. 0 on success. emu_signing_key_free releases them. */
int emu_signing_key_init(const char *key_file);
void emu_signing_key_free(void);
char *emu_jwt_issue(json_t *claims); /* consumes claims */
/* 0 ok (claims returned), 1 garbled / bad signature / wrong audience, 2 expired */
int emu_jwt_verify(const char *token, json_t **claims_out, char *why, size_t whylen);
/* client assertion check; returns 0 ok or an AADSTS number with a description */
int emu_assertion_verify(const char *assertion, const char *client_id, json_t *app,
			 const char *expected_aud, const char *alt_aud, char *why, size_t whylen);

/* ---- tls.c ---------------------------------------------------------------------------- */
int emu_tls_make(const char *tls_dir, char **key_pem, char **cert_pem, char **ca_pem);

struct MHD_Daemon;
struct MHD_Daemon *emu_start_daemon(bool tls, int port, const char *key_pem, const char *cert_pem, int *bound);

/* ---- arm.c / identity.c --------------------------------------------------------- */
void emu_arm_handle(emu_req *r);
void emu_arm_index_free(void); /* at exit: the customer subscription index */
bool emu_identity_handle(emu_req *r); /* true when the path was an identity path */
void emu_control_devicecode(emu_req *r, bool approve, json_t *body);
void emu_metadata_endpoints(emu_req *r);

#endif
