/*
 * Token lifetime through the library against the real emulator over TLS:
 *  - tokens of 1 h and 40 registrations 825 s apart on a clock the test moves (the
 *    client's and the emulator's together, harness_clock.h; no sleep): exactly one token
 *    per four registrations (renewed ahead of expiry, at +3300 s, inside the 5 min window,
 *    while the old token is still valid) and not one 401;
 *  - 16 threads sharing one fresh client, released at once: one token request;
 *  - a 401 ExpiredAuthenticationToken: exactly one renewal and one retry (and no more
 *    when the retry is refused too).
 * Each logs at TRACE and scans the capture for the secret and any token.
 */
#include "fixtures/signin/signin_common.h"

#include <pthread.h>

static harness_emulator emu;

static void start(void)
{
	cr_assert_eq(harness_emulator_start(&emu, NULL), 0, "the emulator did not start");
}

static void stop(void)
{
	cr_expect_eq(harness_emulator_stop(&emu), 0, "the emulator did not stop cleanly");
}

TestSuite(signin_life, .init = start, .fini = stop, .timeout = 300); /* generous: RSA key generation under valgrind is slow */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A client like harness_client_new's (client secret), whose wall clock is `hc`. */
static azsreg_client *clocked_client_with_log(harness_log *log, harness_clock *hc)
{
	azsreg_client_secret_options so = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	azsreg_credential *cred = NULL;
	azsreg_client *c;

	so.tenant_id = HARNESS_TENANT_ID;
	so.client_id = HARNESS_CLIENT_ID;
	so.client_secret = HARNESS_CLIENT_SECRET;
	cr_assert_eq(azsreg_credential_client_secret_new(&cred, &so), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client_clocked(&emu, cred, log, hc);
	azsreg_credential_free(cred);
	return c;
}

static azsreg_client *client_with_log(harness_log *log)
{
	harness_client_params p;
	azsreg_client *c;

	memset(&p, 0, sizeof p);
	p.log_cb = harness_log_cb;
	p.log_payload = log;
	p.log_level = AZSREG_LOG_TRACE;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "no client: %s", azsreg_error_last()->message);
	return c;
}

/* One integer of the client's stats JSON. */
static long client_stat(azsreg_client *c, const char *field)
{
	char *text = NULL;
	json_t *root;
	long v = -1;

	cr_assert_eq(azsreg_client_stats(&text, c), AZSREG_OK);
	root = json_loads(text, 0, NULL);
	if (json_is_integer(json_object_get(root, field)))
		v = (long)json_integer_value(json_object_get(root, field));
	json_decref(root);
	azsreg_free(text);
	return v;
}

/* The number of answers with HTTP status `status` the emulator gave (0 when none). */
static long status_count(const char *status)
{
	json_t *stats = harness_stats(&emu);
	json_t *v = json_object_get(json_object_get(stats, "status"), status);
	long n = json_is_integer(v) ? (long)json_integer_value(v) : 0;
	json_decref(stats);
	return n;
}

static long mapping_count(void)
{
	json_t *state = harness_state(&emu);
	long n = (long)json_array_size(json_object_get(harness_state_registration(state, HARNESS_REG_NAME),
						       "customerSubscriptions"));
	json_decref(state);
	return n;
}

static void scan_log(const harness_log *log)
{
	const char *secrets[] = { HARNESS_CLIENT_SECRET, NULL };
	cr_expect_gt(log->lines, 0, "nothing was logged at TRACE");
	signin_scan(log->text, secrets, "the TRACE log");
	signin_save_log(criterion_current_test->name, log->text);
}

#define STEPS 40
#define STEP_SECONDS 825

Test(signin_life, tokens_renew_ahead_of_expiry_without_401)
{
	harness_log log = { 0 };
	harness_clock hc;
	azsreg_client *c;
	long start, token_requests, renewals;
	unsigned i, failures = 0;

	/* 1 h tokens, renewed 5 min ahead (token_cache.c): fresh at +0, +825, +1650 and
	 * +2475 s; at +3300 s the token is still valid but inside the window, so it is
	 * renewed (a library that renewed only on expiry would renew at +4125 s: 8 tokens, not
	 * 10). The real time the steps take is added to both clocks alike and only matters
	 * past 299 s. */
	harness_clock_init(&hc);
	c = clocked_client_with_log(&log, &hc);
	start = now_ms();
	for (i = 0; i < STEPS; i++) {
		int rc;

		if (i > 0)
			cr_assert_eq(harness_clock_advance(&hc, &emu, STEP_SECONDS), 0, "the emulator refused to move its clock");
		rc = signin_put(c, 100 + i);
		if (rc != AZSREG_OK) {
			failures++;
			cr_log_error("registration %u failed: %s", i, azsreg_error_last()->message);
		}
	}
	/* a benchmark figure, never asserted (no absolute time thresholds in tests) */
	cr_log_info("%u registrations in %ld ms (real time)", STEPS, now_ms() - start);
	token_requests = harness_stat(&emu, "tokenRequests");
	renewals = client_stat(c, "tokenRenewals");
	cr_expect_eq(failures, 0, "%u of %u registrations failed", failures, STEPS);
	cr_expect_eq(mapping_count(), (long)STEPS, "the state holds %ld mappings, expected %u", mapping_count(), STEPS);
	/* 40 steps of 825 s, a new token every 4 steps: 10 tokens; renewed ahead, so never a 401 */
	cr_expect_eq(token_requests, STEPS / 4, "%ld token requests for %u registrations %d s apart", token_requests, STEPS,
		     STEP_SECONDS);
	cr_expect_eq(harness_stat(&emu, "unauthorized"), 0, "the emulator refused %ld tokens",
		     harness_stat(&emu, "unauthorized"));
	cr_expect_eq(status_count("401"), 0, "the emulator answered 401 %ld times", status_count("401"));
	cr_expect_eq(renewals, token_requests - 1, "client stats: %ld renewals for %ld token requests", renewals,
		     token_requests);
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/"), (long)STEPS,
		     "retried registrations: %ld PUTs for %u", harness_count_requests(&emu, "PUT", "/customerSubscriptions/"),
		     STEPS);
	azsreg_client_free(c);
	scan_log(&log);
	harness_log_free(&log);
}

/* ---- 16 threads, one token ------------------------------------------------------------------ */

#define THREADS 16

typedef struct worker {
	pthread_barrier_t *barrier;
	azsreg_client *client;
	unsigned n;
	int rc;
	char message[512];
} worker;

static void *register_one(void *arg)
{
	worker *w = arg;

	pthread_barrier_wait(w->barrier);
	w->rc = signin_put(w->client, w->n);
	if (w->rc != AZSREG_OK)
		snprintf(w->message, sizeof w->message, "%s", azsreg_error_last()->message);
	return NULL;
}

Test(signin_life, sixteen_threads_at_startup_make_one_token_request)
{
	harness_log log = { 0 };
	pthread_barrier_t barrier;
	pthread_t tids[THREADS];
	worker w[THREADS];
	azsreg_client *c = client_with_log(&log);
	int i;

	cr_assert_eq(harness_stat(&emu, "tokenRequests"), 0, "the client signed in before the threads ran");
	cr_assert_eq(pthread_barrier_init(&barrier, NULL, THREADS), 0);
	for (i = 0; i < THREADS; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].barrier = &barrier;
		w[i].client = c;
		w[i].n = 200u + (unsigned)i;
		cr_assert_eq(pthread_create(&tids[i], NULL, register_one, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(tids[i], NULL);
	pthread_barrier_destroy(&barrier);
	for (i = 0; i < THREADS; i++)
		cr_expect_eq(w[i].rc, AZSREG_OK, "thread %d: %s", i, w[i].message);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "%ld token requests for 16 threads",
		     harness_stat(&emu, "tokenRequests"));
	cr_expect_eq(harness_stat(&emu, "byClientSecret"), 1);
	cr_expect_eq(client_stat(c, "tokenRequests"), 1);
	cr_expect_eq(mapping_count(), THREADS, "%ld mappings in the state", mapping_count());
	cr_expect_eq(harness_stat(&emu, "armRequests"), THREADS);
	azsreg_client_free(c);
	scan_log(&log);
	harness_log_free(&log);
}

/* ---- 401 ExpiredAuthenticationToken ----------------------------------------------------------- */

#define EXPIRED_FAULT(count) \
	"{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\",\"status\":401," \
	"\"code\":\"ExpiredAuthenticationToken\",\"message\":\"The access token expiry UTC time is earlier than current UTC time.\"," \
	"\"count\":" #count "}"

Test(signin_life, expired_token_401_renews_once_and_retries_once)
{
	harness_log log = { 0 };
	azsreg_client *c = client_with_log(&log);
	char *out = NULL;

	cr_assert_eq(azsreg_client_sign_in(&out, c), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_free(out);
	cr_assert_eq(harness_reset_counters(&emu), 0);
	cr_assert_eq(harness_fault(&emu, EXPIRED_FAULT(1)), 0);

	cr_assert_eq(signin_put(c, 300), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 300);
	cr_expect_eq(harness_stat(&emu, "faultsApplied"), 1, "the fault was not used");
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "%ld renewals after one 401", harness_stat(&emu, "tokenRequests"));
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/"), 2, "%ld PUTs (expected the first + one retry)",
		     harness_count_requests(&emu, "PUT", "/customerSubscriptions/"));
	cr_expect_eq(client_stat(c, "tokenRequests"), 2);
	cr_expect_eq(client_stat(c, "tokenRenewals"), 1);
	azsreg_client_free(c);
	scan_log(&log);
	harness_log_free(&log);
}

Test(signin_life, expired_token_401_twice_gives_up_after_one_renewal)
{
	harness_log log = { 0 };
	azsreg_client *c = client_with_log(&log);
	char *out = NULL;
	int rc;

	cr_assert_eq(azsreg_client_sign_in(&out, c), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_free(out);
	cr_assert_eq(harness_reset_counters(&emu), 0);
	cr_assert_eq(harness_fault(&emu, EXPIRED_FAULT(2)), 0);

	rc = signin_put(c, 301);
	cr_expect_eq(rc, AZSREG_EAUTH, "result %s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "ExpiredAuthenticationToken");
	cr_expect_eq(azsreg_error_last()->http_status, 401);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "%ld renewals", harness_stat(&emu, "tokenRequests"));
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/"), 2, "%ld PUTs",
		     harness_count_requests(&emu, "PUT", "/customerSubscriptions/"));
	SIGNIN_ASSERT_NO_MAPPING(&emu);
	azsreg_client_free(c);
	scan_log(&log);
	harness_log_free(&log);
}
