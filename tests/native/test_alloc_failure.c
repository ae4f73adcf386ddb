/*
 * test_alloc_failure.c: every allocation the library makes fails in turn (issue 12 item 3).
 *
 * This program links a copy of libazsreg_static.a whose references to malloc, calloc,
 * realloc, strdup and free are renamed to the hooks below (objcopy --redefine-sym, see
 * CMakeLists.txt), so only the library's own allocations go through them; Jansson's are
 * counted too (json_set_alloc_funcs), never failed (see json_hook_malloc). The test's
 * code and the scripted transport allocate with the C library directly, and the hooks are
 * paused while the scripted transport answers, so a failure is always one the library
 * itself has to handle.
 *
 * Each scenario runs once to count its allocations (n) and to record its normal result,
 * then n more times, the k-th allocation failing in run k. A run must end in one of two
 * ways: the normal result (the failure was absorbed: a log line or a statistic went
 * missing, say), or a failure that says it ran out of memory: AZSREG_ENOMEM (or, where the
 * normal result is an error, that error, whose message could not be built), the last error
 * with that code and a message about memory (not the error set before the run), and no
 * output (a batch or a sync hands back its JSON whatever happened: its items say what was
 * done; an item that ran out of memory is a failed item, the run AZSREG_EPARTIAL). Every
 * run must give back every block it took (the hooks count them), which also shows under
 * ASan and valgrind, and must leave registered the secrets that credentials made before
 * the runs also hold. Linux only: objcopy renames ELF symbols.
 */
#include <criterion/criterion.h>
#include <execinfo.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_transport.h"

#define ARM "https://management.example.test/"
#define LOGIN "https://login.example.test/"
#define SUB "33333333-3333-3333-3333-333333333333"
#define REG "/subscriptions/" SUB "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
#define CUST "e09a0fbc-2b4e-4e4e-a3b2-6b0a1f1c2d3e"
#define CUST2 "e09a0fbc-2b4e-4e4e-a3b2-6b0a1f1c2d3f"
#define TENANT "dbab3982-1111-2222-3333-444444444444"
#define CORRELATION "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define SENTINEL "the error of an earlier, unrelated call"
#define ACCESS_TOKEN "opaque-access-token"
#define CLIENT_ID "22222222-2222-2222-2222-222222222222"
#define CLIENT_SECRET "s3cr=t&value"
#define MI_ENDPOINT "http://127.0.0.1:40342/msi/token"
#define MI_HEADER "hdr-secret-value"
#define USER "admin@contoso.onmicrosoft.com"
#define PASSWORD "p4ssw0rd-value"
#define RESULT_MAX 16384

/* ------------------------------------------------------------------ the hooks */

static atomic_long g_seen; /* allocations asked for while armed */
static atomic_long g_live; /* blocks handed out through the hooks and not yet freed */
static atomic_int g_armed;
static atomic_int g_paused; /* the scripted transport is answering */
static long g_fail_at; /* 1-based: the allocation that fails; 0: none */

/* Declared here: the library's renamed references resolve to them. */
void *azsreg_hook_malloc(size_t n);
void *azsreg_hook_calloc(size_t n, size_t size);
void *azsreg_hook_realloc(void *p, size_t n);
char *azsreg_hook_strdup(const char *s);
void azsreg_hook_free(void *p);

/* AZSREG_ALLOC_TRACE=1 prints where each failed allocation was asked for (for whoever
 * chases a finding: addr2line -e <program> turns the addresses into lines). */
static int fail_now(void)
{
	long k;
	void *frames[16];

	if (!atomic_load(&g_armed) || atomic_load(&g_paused))
		return 0;
	k = atomic_fetch_add(&g_seen, 1) + 1;
	if (g_fail_at == 0 || k != g_fail_at)
		return 0;
	if (getenv("AZSREG_ALLOC_TRACE") != NULL) {
		fprintf(stderr, "allocation %ld fails here:\n", k);
		backtrace_symbols_fd(frames, backtrace(frames, 16), 2);
	}
	return 1;
}

static void *counted(void *p)
{
	if (p != NULL)
		atomic_fetch_add(&g_live, 1);
	return p;
}

void *azsreg_hook_malloc(size_t n)
{
	return fail_now() ? NULL : counted(malloc(n));
}

void *azsreg_hook_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : counted(calloc(n, size));
}

void *azsreg_hook_realloc(void *p, size_t n)
{
	if (p == NULL)
		return azsreg_hook_malloc(n);
	return fail_now() ? NULL : realloc(p, n);
}

char *azsreg_hook_strdup(const char *s)
{
	return fail_now() ? NULL : counted(strdup(s));
}

void azsreg_hook_free(void *p)
{
	if (p != NULL)
		atomic_fetch_sub(&g_live, 1);
	free(p);
}

/* ------------------------------------------------- transport and transfers */

/* The scripted transport, with the hooks paused while it fills in an answer (through
 * the library's buffer and header functions). */
typedef struct quiet_transport {
	azsreg_transport base;
	fake_transport *ft;
} quiet_transport;

static int qt_send(azsreg_transport *t, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms)
{
	quiet_transport *q = (quiet_transport *)t;
	int rc;

	atomic_store(&g_paused, 1);
	rc = q->ft->base.send(&q->ft->base, req, resp, timeout_ms);
	atomic_store(&g_paused, 0);
	return rc;
}

static unsigned long qt_connections(azsreg_transport *t)
{
	(void)t;
	return 1;
}

static void qt_free(azsreg_transport *t)
{
	(void)t;
}

/* Concurrent exchanges for batches, done one after the other on the calling thread; a
 * run with nothing to do lets the fake clock pass the wait it was given. */
#define PENDING_MAX 32
typedef struct serial_transfers {
	azsreg_transfers base;
	quiet_transport *q;
	struct {
		const azsreg_http_request *req;
		azsreg_http_response *resp;
		long timeout_ms;
		void *tag;
	} pending[PENDING_MAX];
	size_t npending;
} serial_transfers;

static int st_start(azsreg_transfers *x, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms, void *tag)
{
	serial_transfers *s = (serial_transfers *)x;

	if (s->npending >= PENDING_MAX)
		return azsreg_error__set(AZSREG_ERROR, "serial transfers: too many at once");
	s->pending[s->npending].req = req;
	s->pending[s->npending].resp = resp;
	s->pending[s->npending].timeout_ms = timeout_ms;
	s->pending[s->npending].tag = tag;
	s->npending++;
	return 0;
}

static int st_run(azsreg_transfers *x, long wait_ms, azsreg_transfer_done_fn done, void *ctx)
{
	serial_transfers *s = (serial_transfers *)x;

	if (s->npending == 0 && wait_ms > 0 && s->q->ft->clock != NULL)
		s->q->ft->clock->now_ms += wait_ms; /* nothing to do: the wait passes (pacing waits like this) */
	while (s->npending > 0) {
		size_t last = --s->npending; /* done may start more: take them from the end */
		int rc = qt_send(&s->q->base, s->pending[last].req, s->pending[last].resp, s->pending[last].timeout_ms);
		done(ctx, s->pending[last].tag, rc);
	}
	return 0;
}

static void st_wakeup(azsreg_transfers *x)
{
	(void)x;
}

static void st_free(azsreg_transfers *x)
{
	free(x);
}

static int qt_transfers_new(azsreg_transport *t, azsreg_transfers **out, int max_in_flight)
{
	serial_transfers *s = calloc(1, sizeof(*s));

	(void)max_in_flight;
	if (s == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "serial transfers: out of memory");
	s->base.start = st_start;
	s->base.run = st_run;
	s->base.wakeup = st_wakeup;
	s->base.free = st_free;
	s->q = (quiet_transport *)t;
	*out = &s->base;
	return 0;
}

/* ------------------------------------------------------- shared set-up */

/*
 * A CA bundle of the test's own (a certificate, no key), given to every client as its
 * ca_file: the client reads it on every run whatever SSL_CERT_FILE says on this machine.
 */
static const char CA_PEM[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBnjCCAUWgAwIBAgIUHSUQuUjpfV8Vj/5AdMM/tzn+Q+gwCgYIKoZIzj0EAwIw\n"
	"JDEiMCAGA1UEAwwZYXpzcmVnIGFsbG9jLWZhaWx1cmUgdGVzdDAgFw0yNjEyMDIx\n"
	"NjQxMTNaGA8yMTI2MTEwODE2NDExM1owJDEiMCAGA1UEAwwZYXpzcmVnIGFsbG9j\n"
	"LWZhaWx1cmUgdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGl8piy4Qi0m\n"
	"wIz6EWoIeFk8S0bLX2gf4ux1NogiR6kY1/Uxqq7+lT6ILHs8U3d1sSpOaPzZrL0e\n"
	"a5CkciSeLXSjUzBRMB0GA1UdDgQWBBRLhxFEwyWqJLCzpx9zw77mxwRpqDAfBgNV\n"
	"HSMEGDAWgBRLhxFEwyWqJLCzpx9zw77mxwRpqDAPBgNVHRMBAf8EBTADAQH/MAoG\n"
	"CCqGSM49BAMCA0cAMEQCIFutGGMrLcVwaBAUZrHMilptiazAwPm4KarE/3Hchtg6\n"
	"AiBjQbzy1sge4OGf3yAHFuJ03XUNong76FpvWwjK5HiD1Q==\n"
	"-----END CERTIFICATE-----\n";
static char g_ca_file[64];

/* A certificate and its RSA key (PEM, not encrypted) for the certificate sign-in: made once
 * for this test with openssl req -x509 -newkey rsa:2048 -nodes (test data, signs nothing
 * else), written to a temporary file in setup. */
static const char CERT_PEM[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIDKzCCAhOgAwIBAgIUfTJtV49D6kyt39HHrRzQj7bqqDgwDQYJKoZIhvcNAQEL\n"
	"BQAwJDEiMCAGA1UEAwwZYXpzcmVnIGFsbG9jLWZhaWx1cmUgdGVzdDAgFw0yNjEy\n"
	"MDMxMzM3MjhaGA8yMTI2MTEwOTEzMzcyOFowJDEiMCAGA1UEAwwZYXpzcmVnIGFs\n"
	"bG9jLWZhaWx1cmUgdGVzdDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB\n"
	"ANdrw5zBhBOYafOn52qBirku4MPyc0+i7I6Y9eh5yeLEARLOMMLxVyGctNKZbPVt\n"
	"t0ern5V8mcYX4PPRI4w8iwlxlCqu0mvbjU2vtPLrJwO3p47dcKlsbm/P64K08K8+\n"
	"0ZP0MEAe4+p8ujaiKjNLukfhdn9/N7KpN5UQd8ofxhid1YwN9HeEVyK5poHiswdJ\n"
	"8ib27wwGamQfjb4cLXMKlTFYxAe91Z5JmB4DYfMTHlKPcl1snGrFIaN0uAbP85kS\n"
	"Tg3pIvdfcQ1682K7Z8Etrq5Vaf6ACd9yOnI/ZyR6UrT3aAE/CTnwsEksfnIXNKgi\n"
	"eHTYa5sJ1bwwqj4OxrQkassCAwEAAaNTMFEwHQYDVR0OBBYEFDoFnlx790/R48RM\n"
	"zqVer3i27bAyMB8GA1UdIwQYMBaAFDoFnlx790/R48RMzqVer3i27bAyMA8GA1Ud\n"
	"EwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAEuXm6ZUqZwJhS/0NPDSXBll\n"
	"F/Ey5JbnjAUsqmStK3IBfhgYbPqOAw1lAMPxluDT24MTjWmSMPM1e4yUdOauXGZj\n"
	"FcwYqGJ+CDHjOPpzkqz6osj0NF1iV2oPhWmSfdwfL1hotyIgzFJc56eEj8ZO3ZRK\n"
	"bPKrMot5HMGA59Y5kGMmr6RnGBKrP1S62Uwk+yRArfZzbOKN3OME2N+kaXuf8VFu\n"
	"YXUpA/hXQY1Mp6Hh8tOAhiJM6C4WVAGE8lKXJb86s60T5MmClTcoQ5tlJsniX8xZ\n"
	"0ovtg0E6XcjfAcAf4uE+MyUHY5hqYvp1hWu4YlYXVHFEPVwJcr5gwtjuXGYjkAo=\n"
	"-----END CERTIFICATE-----\n"
	"-----BEGIN PRIVATE KEY-----\n"
	"MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDXa8OcwYQTmGnz\n"
	"p+dqgYq5LuDD8nNPouyOmPXoecnixAESzjDC8VchnLTSmWz1bbdHq5+VfJnGF+Dz\n"
	"0SOMPIsJcZQqrtJr241Nr7Ty6ycDt6eO3XCpbG5vz+uCtPCvPtGT9DBAHuPqfLo2\n"
	"oiozS7pH4XZ/fzeyqTeVEHfKH8YYndWMDfR3hFciuaaB4rMHSfIm9u8MBmpkH42+\n"
	"HC1zCpUxWMQHvdWeSZgeA2HzEx5Sj3JdbJxqxSGjdLgGz/OZEk4N6SL3X3ENevNi\n"
	"u2fBLa6uVWn+gAnfcjpyP2ckelK092gBPwk58LBJLH5yFzSoInh02GubCdW8MKo+\n"
	"Dsa0JGrLAgMBAAECggEABLh/rA7mPOMGqLMXFFOWvXx5qsxEhaFoNgRubclEHibg\n"
	"b8/lQVMLme4hXPTFbqgYWkbjCOIW9pXYX/ocdtAZgJFPchNXA3ZnZXqXvbO0glWD\n"
	"I6jWSrLYcAp/j+OKMLTw38v78LPHQoC4OJvwznihh5NjxuMmo9DR1H+XYxkI0h+S\n"
	"XgvKqHHBr6nkP/1yFyeK4uFwAU3YBSZ9ft1M0sa/R4zAIW+82ztZWMxQx6ZP1D8o\n"
	"R7uLL9imFNwBZYwSRAdhZvu9yz0ubAnIkQSm7FZR1sLdd8WsewBxqZXk9AN2EjbS\n"
	"sPyYq5C56P4iKtJrR6FBJpecCBU1HSH89LmW7FRWxQKBgQDxdWbA0NCbTU6ri/+F\n"
	"q0tdf4tOTL8e3FVcKmKBO6Fed0UTHLjErbQTD6lRqkO/d1ckXf6XoCVAR6pAvLFc\n"
	"1VMTKt1OwDFsvbQ81ZXWjwwiwSaUb9uKqAvbDlN4JDrWEZd31YC+ppMCLJ5vHaiR\n"
	"lIp0S7QEvm73c8vek0DpEY5MHwKBgQDkZO/c1Hf+9bojxYvRuEaWXG/0wAS4LR3y\n"
	"O/jy0ghDqBkJRKUOCKQm8TzvZy+Km1k/MVeSwmUR5rF+pd2enp1f1s9w7rmAEZbG\n"
	"NqfKeeTKY7bMxMa8WvmFNEnWAK3ejnqLV/zcD2N6SkxvPMxhLINoZUGGI/PPk2Pb\n"
	"2aWN6U5L1QKBgGKEuGwrxzHWlSbBdHyhq5p2k+xavBBnbhyw3ohEQE8+8twdd/Yn\n"
	"ubWdSkSb6BCTLOcVwu8y1IApvXm0g9mQ4NiNQMcE/CWWMZgwvXZR322+yXL/QOCO\n"
	"OGgkrEH05ly5yMeIQYOIi6rzcaF8xG7B4Mwap1TYLoagpKooAvAVza2ZAoGARZWX\n"
	"GsHE+XHmT0W9jpzFLMRm+7uQ9IgSap3pABoLmIlbb15xpy/sy0yOUyYt7t3buAwR\n"
	"cU42uth9VWe1eME8k1mABBlHfQRe2m8GegLfOOZeaE6/ed2BzhqbME8uqfLg1Rlu\n"
	"maE6nqSKWw27+xMzyhenefX0L1bpgq7x6KWfTC0CgYAcjNLqbiW6aXJ24aXvJv79\n"
	"/9gl1UGim2Y1diTOAHndj2xG+DfalbihMtAOvQCCMY2u3wmDIYtNomHs8hHkZVHf\n"
	"Ss/63bE0vdAo16cedgJ0wOUurBkHbpMswdRENbR36MM6Rsm/hvp2osTEuG2MYwRj\n"
	"Vb+tB/6rft2TSTQfJBSQQQ==\n"
	"-----END PRIVATE KEY-----\n";
static char g_cert_file[64];
/* The federated credential's assertion file (read on every token request). */
static char g_token_file[64];
#define FEDERATED_ASSERTION "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrbG9hZCJ9.c2lnbmF0dXJl"

/*
 * Credentials made before the runs that hold the scenarios' secrets too: a run that
 * fails must never release another holder's registration with the redaction registry
 * (each secret is looked up after every run).
 */
static const char *const BYSTANDER_SECRETS[] = { ACCESS_TOKEN, CLIENT_SECRET, MI_HEADER, PASSWORD };
static azsreg_credential *g_bystanders[4];

static int make_managed_identity(azsreg_credential **cred);

/* -------------------------------------------------------------- scenarios */

/* What a scenario is given: a scripted transport (answers added by the scenario), its
 * clock, and where to write its result as text. Returns the library's result code. */
typedef struct world {
	fake_clock fc;
	fake_transport *ft;
	quiet_transport q;
	char result[RESULT_MAX];
} world;

typedef int (*scenario_fn)(world *w);

/* Keeps a library output as the run's result, then frees it. */
static void keep(world *w, char *out)
{
	snprintf(w->result, sizeof w->result, "%s", out != NULL ? out : "(none)");
	azsreg_free(out);
}

/* The calls of a scenario over a client: scripts the answers, then calls the library;
 * a library output goes to *out, anything else is written to w->result on success. */
typedef int (*client_op)(world *w, azsreg_client *client, char **out);

/*
 * Makes an environment, `cred` (NULL: an access-token credential) and a client over the
 * scripted transport, runs `op`, frees them all, keeps the result. All of it counts:
 * making a client is part of every scenario.
 */
static int with_client(world *w, azsreg_credential *cred, int rc, client_op op)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_client *client = NULL;
	azsreg_environment *env = NULL;
	char *out = NULL;

	if (rc == 0)
		rc = azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Test", ARM, LOGIN, ARM });
	if (rc == 0 && cred == NULL)
		rc = azsreg_credential_access_token_new(&cred, ACCESS_TOKEN);
	if (rc == 0) {
		o.environment = env;
		o.correlation_id = CORRELATION; /* else a fresh one per client, in every error message */
		o.ca_file = g_ca_file; /* read on every run, whatever the environment says */
		o.max_retries = 2;
		rc = azsreg_client__new_with(&client, &o, cred, &w->q.base, &w->fc.clock);
	}
	if (rc == 0)
		rc = op(w, client, &out);
	azsreg_client_free(client);
	azsreg_credential_free(cred);
	azsreg_environment_free(env);
	if (out != NULL || rc != 0)
		keep(w, out);
	return rc;
}

static int op_environment_json(world *w, azsreg_client *client, char **out)
{
	azsreg_credential *json_cred = NULL;
	int rc = azsreg_environment_to_json(out, client->env);

	(void)w;
	if (rc == 0)
		rc = azsreg_credential_new_json(&json_cred, "{\"kind\":\"clientSecret\",\"tenantId\":\"" TENANT "\","
							    "\"clientId\":\"22222222-2222-2222-2222-222222222222\",\"clientSecret\":\"s3cret\"}");
	azsreg_credential_free(json_cred);
	if (rc != 0) {
		azsreg_free(*out);
		*out = NULL;
	}
	return rc;
}

static int op_put(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "/customerSubscriptions/" CUST "\",\"properties\":{\"tenantId\":\"" TENANT "\"}}",
			   "x-ms-request-id: rid-1", "x-ms-ratelimit-remaining-subscription-writes: 1199", NULL);
	return azsreg_customer_put(out, client, REG, CUST, TENANT);
}

static int op_get_not_found(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 404, "{\"error\":{\"code\":\"CustomerSubscriptionNotFound\",\"message\":\"not there\","
				       "\"details\":[{\"code\":\"X\",\"message\":\"y\"}]}}",
			   "x-ms-request-id: rid-2", "x-ms-correlation-request-id: corr-2", NULL);
	return azsreg_customer_get(out, client, REG, CUST);
}

static int op_list_two_pages(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 200, "{\"value\":[{\"id\":\"" REG "/customerSubscriptions/" CUST "\",\"properties\":{}}],"
				       "\"nextLink\":\"" ARM "subscriptions/" SUB "/resourceGroups/azurestack/providers/Microsoft.AzureStack/"
				       "registrations/AzureStack-sample/customerSubscriptions?api-version=2017-06-01&%24skiptoken=p1\"}",
			   NULL);
	fake_transport_add(w->ft, 200, "{\"value\":[{\"id\":\"" REG "/customerSubscriptions/" CUST2 "\",\"properties\":{\"tenantId\":\"" TENANT "\"}}]}", NULL);
	return azsreg_customer_list(out, client, REG);
}

static int op_delete(world *w, azsreg_client *client, char **out)
{
	int existed = -1;
	int rc;

	(void)out;
	fake_transport_add(w->ft, 204, NULL, NULL);
	rc = azsreg_customer_delete(&existed, client, REG, CUST);
	if (rc == 0)
		snprintf(w->result, sizeof w->result, "existed %d", existed);
	return rc;
}

static int op_throttled_then_put(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", "Retry-After: 2", NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "/customerSubscriptions/" CUST "\",\"properties\":{}}", NULL);
	return azsreg_customer_put(out, client, REG, CUST, NULL);
}

static int op_long_running_put(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 201, NULL, "Azure-AsyncOperation: " ARM "subscriptions/" SUB "/providers/Microsoft.AzureStack/operationStatuses/op1?api-version=2017-06-01",
			   "Retry-After: 1", NULL);
	fake_transport_add(w->ft, 200, "{\"status\":\"InProgress\"}", NULL);
	fake_transport_add(w->ft, 200, "{\"status\":\"Succeeded\"}", NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "/customerSubscriptions/" CUST "\",\"properties\":{\"provisioningState\":\"Succeeded\"}}", NULL);
	return azsreg_customer_put(out, client, REG, CUST, TENANT);
}

static int op_generic_request(world *w, azsreg_client *client, char **out)
{
	int status = 0;

	fake_transport_add(w->ft, 200, "{\"value\":[],\"count\":0}", NULL);
	return azsreg_resource_request(out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", REG "/customerSubscriptions", "2017-06-01", NULL, "$top=5", 0 });
}

/* with a client-secret credential: the sign-in goes through the scripted transport first */
static int op_registration_get(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"opaque-token-abc\"}", NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "\",\"name\":\"AzureStack-sample\",\"properties\":{\"billingModel\":\"PayAsYouUse\"}}", NULL);
	return azsreg_registration_get(out, client, REG);
}

static int op_tenant_resolve(world *w, azsreg_client *client, char **out)
{
	char tenant[AZSREG_GUID_LEN + 1] = "";
	int rc;

	(void)out;
	fake_transport_add(w->ft, 200, "{\"issuer\":\"" LOGIN TENANT "/v2.0\",\"token_endpoint\":\"" LOGIN TENANT "/oauth2/v2.0/token\"}", NULL);
	rc = azsreg_tenant_resolve(tenant, client, "contoso.onmicrosoft.com");
	if (rc == 0)
		snprintf(w->result, sizeof w->result, "%s", tenant);
	return rc;
}

static int op_batch(world *w, azsreg_client *client, char **out)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;
	const azsreg_batch_item items[] = {
		{ AZSREG_BATCH_PUT, REG, CUST, TENANT },
		{ AZSREG_BATCH_DELETE, REG, CUST2, NULL },
	};
	azsreg_batch *batch = NULL;
	int rc;

	/* taken from the end: the DELETE is sent first */
	fake_transport_add(w->ft, 200, NULL, NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "/customerSubscriptions/" CUST "\",\"properties\":{\"tenantId\":\"" TENANT "\"}}", NULL);
	bo.concurrency = 2;
	rc = azsreg_batch_new(&batch, client, &bo);
	if (rc == 0)
		rc = azsreg_batch_run(batch, items, 2, out);
	azsreg_batch_free(batch);
	return rc;
}

static int op_sync(world *w, azsreg_client *client, char **out)
{
	const char *regs[] = { REG };
	const azsreg_sync_entry entries[] = { { CUST, TENANT, NULL }, { CUST2, NULL, NULL } };
	azsreg_batch *batch = NULL;
	int rc;

	fake_transport_add(w->ft, 200, "{\"value\":[{\"id\":\"" REG "/customerSubscriptions/" CUST2 "\",\"properties\":{}}]}", NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "/customerSubscriptions/" CUST "\",\"properties\":{\"tenantId\":\"" TENANT "\"}}", NULL);
	rc = azsreg_batch_new(&batch, client, NULL);
	if (rc == 0)
		rc = azsreg_sync(out, batch, regs, 1, entries, 2, 0);
	azsreg_batch_free(batch);
	return rc;
}

static int s_constructors(world *w)
{
	return with_client(w, NULL, 0, op_environment_json);
}
static int s_put(world *w)
{
	return with_client(w, NULL, 0, op_put);
}
static int s_get_not_found(world *w)
{
	return with_client(w, NULL, 0, op_get_not_found);
}
static int s_list_two_pages(world *w)
{
	return with_client(w, NULL, 0, op_list_two_pages);
}
static int s_delete(world *w)
{
	return with_client(w, NULL, 0, op_delete);
}
static int s_throttled_then_put(world *w)
{
	return with_client(w, NULL, 0, op_throttled_then_put);
}
static int s_long_running_put(world *w)
{
	return with_client(w, NULL, 0, op_long_running_put);
}
static int s_generic_request(world *w)
{
	return with_client(w, NULL, 0, op_generic_request);
}
static int s_tenant_resolve(world *w)
{
	return with_client(w, NULL, 0, op_tenant_resolve);
}
static int s_batch(world *w)
{
	return with_client(w, NULL, 0, op_batch);
}
static int s_sync(world *w)
{
	return with_client(w, NULL, 0, op_sync);
}

static int s_client_secret_sign_in(world *w)
{
	azsreg_client_secret_options so = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	azsreg_credential *cred = NULL;
	int rc;

	so.tenant_id = TENANT;
	so.client_id = CLIENT_ID;
	so.client_secret = CLIENT_SECRET;
	rc = azsreg_credential_client_secret_new(&cred, &so);
	return with_client(w, cred, rc, op_registration_get);
}

/* expires_on: an hour after the fake clock's start (fake_clock_init: Unix time 1700000000) */
static int op_registration_get_after_mi_token(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 200, "{\"access_token\":\"mi-token-value\",\"expires_on\":\"1700003600\",\"token_type\":\"Bearer\"}", NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "\",\"name\":\"AzureStack-sample\",\"properties\":{}}", NULL);
	return azsreg_registration_get(out, client, REG);
}

static int make_managed_identity(azsreg_credential **cred)
{
	azsreg_managed_identity_options mo = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;

	mo.identity_endpoint = MI_ENDPOINT;
	mo.identity_header = MI_HEADER;
	return azsreg_credential_managed_identity_new(cred, &mo);
}

static int s_managed_identity(world *w)
{
	azsreg_credential *cred = NULL;
	int rc = make_managed_identity(&cred);

	return with_client(w, cred, rc, op_registration_get_after_mi_token);
}

/*
 * The password grant's answer has a refresh token: held (and registered) until freed. Two
 * hours on, the next call redeems it (cred_refresh.c). When the refresh token could not be
 * registered (an allocation failing there), the credential drops it and signs in with the
 * password again: the same kind of answer, so the script holds for both paths. (The device
 * code credential would prompt again instead, which a script cannot follow.)
 */
static int op_registration_get_after_password(world *w, azsreg_client *client, char **out)
{
	int rc;

	fake_transport_add(w->ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"user-token-value\","
				       "\"refresh_token\":\"refresh-token-value\"}",
			   NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "\",\"name\":\"AzureStack-sample\",\"properties\":{}}", NULL);
	rc = azsreg_registration_get(out, client, REG);
	if (rc != 0)
		return rc;
	azsreg_free(*out);
	*out = NULL;
	w->fc.now_ms += (int64_t)2 * 3600 * 1000;
	fake_transport_add(w->ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"user-token-value-2\","
				       "\"refresh_token\":\"refresh-token-value-2\"}",
			   NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "\",\"name\":\"AzureStack-sample\",\"properties\":{\"renewed\":true}}", NULL);
	return azsreg_registration_get(out, client, REG);
}

static int s_username_password(world *w)
{
	azsreg_credential *cred = NULL;
	int rc = azsreg_credential_username_password_new(&cred, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, CLIENT_ID, USER, PASSWORD });

	return with_client(w, cred, rc, op_registration_get_after_password);
}

/* issue 12: the sign-ins the first version of this test did not cover */

static int s_federated(world *w)
{
	azsreg_credential *cred = NULL;
	int rc = azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, TENANT, CLIENT_ID, g_token_file });

	return with_client(w, cred, rc, op_registration_get);
}

static int s_certificate(world *w)
{
	azsreg_certificate_options co = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *cred = NULL;
	int rc;

	co.tenant_id = TENANT;
	co.client_id = CLIENT_ID;
	co.certificate_path = g_cert_file;
	co.send_certificate_chain = 1;
	rc = azsreg_credential_certificate_new(&cred, &co);
	return with_client(w, cred, rc, op_registration_get);
}

static int prompt_ok(const char *message, const char *user_code, const char *uri, void *payload)
{
	(void)message;
	(void)user_code;
	(void)uri;
	(void)payload;
	return 0;
}

/* the code, one "authorization_pending" (a wait on the fake clock), then the token with a
 * refresh token, which the credential holds and registers as a secret until freed (its
 * redemption is exercised by the user name + password scenario: see there) */
static int op_registration_get_after_device_code(world *w, azsreg_client *client, char **out)
{
	fake_transport_add(w->ft, 200, "{\"device_code\":\"device-code-value\",\"user_code\":\"ABCD-EFGH\","
				       "\"verification_uri\":\"https://microsoft.com/devicelogin\",\"expires_in\":900,\"interval\":5,"
				       "\"message\":\"To sign in, enter ABCD-EFGH\"}",
			   NULL);
	fake_transport_add(w->ft, 400, "{\"error\":\"authorization_pending\",\"error_description\":\"AADSTS70016: pending\"}", NULL);
	fake_transport_add(w->ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"device-token-value\","
				       "\"refresh_token\":\"device-refresh-value\"}",
			   NULL);
	fake_transport_add(w->ft, 200, "{\"id\":\"" REG "\",\"name\":\"AzureStack-sample\",\"properties\":{}}", NULL);
	return azsreg_registration_get(out, client, REG);
}

static int s_device_code(world *w)
{
	azsreg_credential *cred = NULL;
	int rc = azsreg_credential_device_code_new(&cred, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, TENANT, NULL, prompt_ok, NULL });

	return with_client(w, cred, rc, op_registration_get_after_device_code);
}

/* the metadata document of an Azure Stack Hub with AD FS, through the client's request path */
static int s_discovery(world *w)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = NULL;
	char *out = NULL;
	int rc;

	fake_transport_add(w->ft, 200, "{\"galleryEndpoint\":\"https://gallery.example.test/\",\"graphEndpoint\":\"https://graph.example.test/\","
				       "\"portalEndpoint\":\"https://portal.example.test/\",\"authentication\":{\"loginEndpoint\":"
				       "\"https://adfs.example.test/adfs\",\"audiences\":[\"https://management.adfs.example.test/1234\"]}}",
			   "x-ms-request-id: rid-d", NULL);
	o.correlation_id = CORRELATION;
	o.ca_file = g_ca_file;
	o.max_retries = 2;
	rc = azsreg_environment__discover_over(&env, "Stack", ARM, &o, &w->q.base, &w->fc.clock);
	if (rc == 0)
		rc = azsreg_environment_to_json(&out, env);
	azsreg_environment_free(env);
	keep(w, out);
	return rc;
}

static int s_input(world *w)
{
	static const char csv[] = "CustomerSubscriptionId,TenantId,Registration\r\n" CUST ",contoso.onmicrosoft.com,\r\n"
				  "\"" CUST2 "\",," REG "\r\n";
	char *out = NULL;
	int rc = azsreg_input_parse(&out, csv, sizeof csv - 1, AZSREG_INPUT_AUTO, 0);

	keep(w, out);
	return rc;
}

static int s_ids(world *w)
{
	azsreg_registration_ref ref;
	char customer[AZSREG_GUID_LEN + 1];
	char *id = NULL, *normal = NULL, *redacted = NULL;
	int rc = azsreg_customer_id_parse(&ref, customer, REG "/customerSubscriptions/{E09A0FBC-2B4E-4E4E-A3B2-6B0A1F1C2D3E}");

	if (rc == 0)
		rc = azsreg_customer_id_build(&id, &ref, customer);
	if (rc == 0)
		rc = azsreg_resource_id_normalize(&normal, id);
	if (rc == 0)
		rc = azsreg_redact(&redacted, "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.c2ln client_secret=abc, "
					      "a registered secret: " PASSWORD);
	if (rc == 0)
		snprintf(w->result, sizeof w->result, "%s | %s", normal, redacted);
	else
		snprintf(w->result, sizeof w->result, "(none)");
	azsreg_free(id);
	azsreg_free(normal);
	azsreg_free(redacted);
	return rc;
}

/* ------------------------------------------------------------------ driver */

typedef struct outcome {
	int rc;
	int last_code;
	const char *lost; /* a bystander's secret that redaction no longer knows, else NULL */
	long seen; /* allocations asked for */
	long leaked; /* blocks not given back */
	char message[1024];
	char result[RESULT_MAX];
} outcome;

static void run_once(scenario_fn fn, long fail_at, outcome *o)
{
	world *w = calloc(1, sizeof(*w));
	long live0;

	cr_assert_not_null(w);
	fake_clock_init(&w->fc);
	w->ft = fake_transport_new(&w->fc);
	w->q.base.send = qt_send;
	w->q.base.connections_opened = qt_connections;
	w->q.base.free = qt_free;
	w->q.base.transfers_new = qt_transfers_new;
	w->q.ft = w->ft;

	azsreg_error_clear();
	live0 = atomic_load(&g_live);
	(void)azsreg_error__set(AZSREG_EINVALID, SENTINEL);
	atomic_store(&g_seen, 0);
	g_fail_at = fail_at;
	atomic_store(&g_armed, 1);
	o->rc = fn(w);
	atomic_store(&g_armed, 0);
	o->seen = atomic_load(&g_seen);
	o->last_code = azsreg_error_last()->code;
	snprintf(o->message, sizeof o->message, "%s", azsreg_error_last()->message);
	snprintf(o->result, sizeof o->result, "%s", w->result);
	fake_transport_free(w->ft);
	free(w);
	azsreg_error_clear();
	o->leaked = atomic_load(&g_live) - live0;
	o->lost = NULL;
	for (size_t i = 0; i < sizeof BYSTANDER_SECRETS / sizeof BYSTANDER_SECRETS[0]; i++) {
		if (!azsreg_secret__in(BYSTANDER_SECRETS[i], strlen(BYSTANDER_SECRETS[i])))
			o->lost = BYSTANDER_SECRETS[i];
	}
}

/* Runs scenario `name`, whose normal result is `expected_rc`, with each allocation failing
 * once; `batch`: the scenario runs a batch (output and AZSREG_EPARTIAL on failure). */
static void exercise(const char *name, scenario_fn fn, int expected_rc, int batch)
{
	static outcome want, got; /* large: not on the stack */
	long n, k, absorbed = 0, reported = 0;

	run_once(fn, 0, &want); /* warms up what the library makes once per process */
	run_once(fn, 0, &want);
	n = want.seen;
	cr_assert_gt(n, 0, "%s: no allocation seen (are the hooks linked?)", name);
	cr_assert_eq(want.leaked, 0, "%s: %ld blocks not given back without any failure", name, want.leaked);
	cr_assert_null(want.lost, "%s: without any failure, redaction lost a bystander's secret", name);
	cr_assert_eq(want.rc, expected_rc, "%s: without any allocation failure it gives %s (\"%s\")", name,
		     azsreg_result_name(want.rc), want.message);
	for (k = 1; k <= n; k++) {
		run_once(fn, k, &got);
		cr_expect_eq(got.leaked, 0, "%s: allocation %ld of %ld failing: %ld blocks not given back (%s)", name, k, n,
			     got.leaked, azsreg_result_name(got.rc));
		cr_expect_null(got.lost, "%s: allocation %ld of %ld failing: redaction no longer knows another credential's secret",
			       name, k, n);
		if (got.rc == want.rc && strcmp(got.result, want.result) == 0 &&
		    (want.rc == 0 || strcmp(got.message, want.message) == 0)) {
			/* after a success the last error is not defined (azsreg.h): not checked */
			absorbed++;
			continue;
		}
		reported++;
		cr_expect(got.rc == AZSREG_ENOMEM || (got.rc == want.rc && want.rc != 0) || (batch && got.rc == AZSREG_EPARTIAL),
			  "%s: allocation %ld of %ld failing gives %s (\"%s\"), not AZSREG_ENOMEM", name, k, n,
			  azsreg_result_name(got.rc), got.message);
		cr_expect_eq(got.last_code, got.rc, "%s: allocation %ld of %ld failing: returned %s, the last error says %s (\"%s\")",
			     name, k, n, azsreg_result_name(got.rc), azsreg_result_name(got.last_code), got.message);
		cr_expect(strstr(got.message, "memory") != NULL,
			  "%s: allocation %ld of %ld failing: the message is \"%s\" (%s)", name, k, n, got.message,
			  azsreg_result_name(got.rc));
		if (!batch)
			cr_expect_str_eq(got.result, "(none)", "%s: allocation %ld of %ld failing: output on failure", name, k, n);
	}
	fprintf(stderr, "alloc_failure %s: %ld allocations, each failed once: %ld absorbed, %ld reported as AZSREG_ENOMEM\n",
		name, n, absorbed, reported);
}

/* Jansson's allocations are counted (a JSON value the library does not release is a
 * leak) but never failed: Jansson does not tell an allocation failure while it parses from
 * text that is not JSON (its lexer turns one into a syntax error), so failing them would
 * test Jansson's reporting, not the library. */
static void *json_hook_malloc(size_t n)
{
	return counted(malloc(n));
}

/* AZSREG_ALLOC_FAIL_JSON=1 fails Jansson's allocations too (exploration, not a test:
 * expect misreports of the kind described above). */
static void *json_hook_malloc_failing(size_t n)
{
	return fail_now() ? NULL : counted(malloc(n));
}

/* Writes `content` to a fresh /tmp/azsreg-alloc-<what>-XXXXXX, whose name goes to path. */
static void write_temp(char *path, size_t cap, const char *what, const char *content)
{
	FILE *f;
	int fd;

	snprintf(path, cap, "/tmp/azsreg-alloc-%s-XXXXXX", what);
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "cannot make a temporary file");
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	cr_assert_eq(fputs(content, f) >= 0 && fclose(f) == 0, 1, "cannot write %s", path);
}

static void setup(void)
{
	static const char *const network_vars[] = { "https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY",
						    "NO_PROXY", "no_proxy", "SSL_CERT_FILE", "CURL_CA_BUNDLE" };
	azsreg_client_secret_options so = AZSREG_CLIENT_SECRET_OPTIONS_INIT;

	json_set_alloc_funcs(getenv("AZSREG_ALLOC_FAIL_JSON") != NULL ? json_hook_malloc_failing : json_hook_malloc,
			     azsreg_hook_free);
	for (size_t i = 0; i < sizeof network_vars / sizeof network_vars[0]; i++)
		unsetenv(network_vars[i]);
	write_temp(g_ca_file, sizeof g_ca_file, "ca", CA_PEM);
	write_temp(g_cert_file, sizeof g_cert_file, "cert", CERT_PEM);
	write_temp(g_token_file, sizeof g_token_file, "token", FEDERATED_ASSERTION "\n");

	so.tenant_id = TENANT;
	so.client_id = CLIENT_ID;
	so.client_secret = CLIENT_SECRET;
	cr_assert_eq(azsreg_credential_access_token_new(&g_bystanders[0], ACCESS_TOKEN), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_credential_client_secret_new(&g_bystanders[1], &so), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(make_managed_identity(&g_bystanders[2]), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_credential_username_password_new(&g_bystanders[3], &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, CLIENT_ID, USER, PASSWORD }), 0, "%s",
		     azsreg_error_last()->message);
}

static void teardown(void)
{
	for (size_t i = 0; i < sizeof g_bystanders / sizeof g_bystanders[0]; i++)
		azsreg_credential_free(g_bystanders[i]);
	(void)remove(g_ca_file);
	(void)remove(g_cert_file);
	(void)remove(g_token_file);
}

TestSuite(alloc_failure, .init = setup, .fini = teardown);

Test(alloc_failure, constructors)
{
	exercise("constructors", s_constructors, 0, 0);
}
Test(alloc_failure, customer_put)
{
	exercise("customer_put", s_put, 0, 0);
}
Test(alloc_failure, customer_get_not_found)
{
	exercise("customer_get_not_found", s_get_not_found, AZSREG_ENOTFOUND, 0);
}
Test(alloc_failure, customer_list_two_pages)
{
	exercise("customer_list_two_pages", s_list_two_pages, 0, 0);
}
Test(alloc_failure, customer_delete)
{
	exercise("customer_delete", s_delete, 0, 0);
}
Test(alloc_failure, throttled_then_put)
{
	exercise("throttled_then_put", s_throttled_then_put, 0, 0);
}
Test(alloc_failure, long_running_put)
{
	exercise("long_running_put", s_long_running_put, 0, 0);
}
Test(alloc_failure, generic_request)
{
	exercise("generic_request", s_generic_request, 0, 0);
}
Test(alloc_failure, client_secret_sign_in)
{
	exercise("client_secret_sign_in", s_client_secret_sign_in, 0, 0);
}
Test(alloc_failure, managed_identity_sign_in)
{
	exercise("managed_identity_sign_in", s_managed_identity, 0, 0);
}
Test(alloc_failure, username_password_sign_in)
{
	exercise("username_password_sign_in", s_username_password, 0, 0);
}
Test(alloc_failure, tenant_resolve)
{
	exercise("tenant_resolve", s_tenant_resolve, 0, 0);
}
Test(alloc_failure, batch)
{
	exercise("batch", s_batch, 0, 1);
}
Test(alloc_failure, sync)
{
	exercise("sync", s_sync, 0, 1);
}
Test(alloc_failure, federated_sign_in)
{
	exercise("federated_sign_in", s_federated, 0, 0);
}
Test(alloc_failure, certificate_sign_in)
{
	exercise("certificate_sign_in", s_certificate, 0, 0);
}
Test(alloc_failure, device_code_sign_in)
{
	exercise("device_code_sign_in", s_device_code, 0, 0);
}
Test(alloc_failure, discovery)
{
	exercise("discovery", s_discovery, 0, 0);
}
Test(alloc_failure, input_parse)
{
	exercise("input_parse", s_input, 0, 0);
}
Test(alloc_failure, resource_ids_and_redaction)
{
	exercise("resource_ids_and_redaction", s_ids, 0, 0);
}
