/*
 * Timeouts against real sockets: the total deadline cuts a slow answer (the emulator holds
 * the PUT for 5 s, the client gives up after its 1.5 s deadline, having sent one attempt),
 * and the connect / per-attempt timeouts end a TLS handshake that never completes (a server
 * that accepts TCP and never answers), with the attempts counted on the server side.
 */
#include "harness_fixture.h"
#include "proxy.h"

#include <time.h>

#define CUST "7100e000-0000-4000-8000-000000000001"
#define AUDIENCE "https://management.emulator.azsreg.local/"

TestSuite(timeouts, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

Test(timeouts, deadline_cuts_a_slow_answer)
{
	harness_client_params p;
	azsreg_client *c;
	char *out = NULL;
	long t0, elapsed;
	int rc;

	memset(&p, 0, sizeof p);
	p.deadline_ms = 1500;
	p.max_retries = 3;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	/* sign in first, so the deadline is all the PUT's */
	cr_assert_eq(azsreg_registration_get(&out, c, HARNESS_REGISTRATION_ID), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_free(out);
	out = NULL;
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\",\"delayMs\":5000,"
	                                 "\"count\":5}"), 0);
	t0 = ms_now();
	rc = azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, NULL);
	elapsed = ms_now() - t0;
	cr_expect_null(out);
	cr_assert_eq(rc, AZSREG_ETIMEOUT, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_geq(elapsed, 1400, "gave up after %ld ms, before the 1500 ms deadline", elapsed);
	cr_expect_lt(elapsed, 3000, "gave up after %ld ms, long after the 1500 ms deadline", elapsed);
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/"), 1, "the emulator saw %ld PUTs",
	             harness_count_requests(&emu, "PUT", "/customerSubscriptions/"));
	cr_expect_neq(azsreg_error_last()->message[0], '\0');
	/* issue 9, finding 9: the PUT went out, so the service may have applied it */
	cr_expect_not_null(strstr(azsreg_error_last()->message,
	                          "the request may still have been applied by the service: read the resource to see its current state"),
	                   "invalid_input finding 9: %s", azsreg_error_last()->message);
	azsreg_client_free(c);
}

/* A client whose ARM endpoint is a server that never answers TLS (tokens still come from
 * the emulator). */
static azsreg_client *silent_client(test_silent_server *s, azsreg_environment **env, long connect_ms, long request_ms,
                                    int max_retries)
{
	harness_client_params p;
	char arm[128];
	azsreg_client *c;
	snprintf(arm, sizeof arm, "https://127.0.0.1:%d/", test_silent_server_port(s));
	cr_assert_eq(azsreg_environment_custom(env, "Silent", arm, emu.base_url, AUDIENCE), AZSREG_OK, "%s",
	             azsreg_error_last()->message);
	memset(&p, 0, sizeof p);
	p.environment = *env;
	p.connect_timeout_ms = connect_ms;
	p.request_timeout_ms = request_ms;
	p.max_retries = max_retries;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	return c;
}

static int silent_get(azsreg_client *c, long *elapsed)
{
	char *out = NULL;
	long t0 = ms_now();
	int rc = azsreg_registration_get(&out, c, HARNESS_REGISTRATION_ID);
	*elapsed = ms_now() - t0;
	cr_expect_null(out);
	azsreg_free(out);
	return rc;
}

Test(timeouts, request_timeout_ends_a_handshake_that_never_completes)
{
	test_silent_server *s = test_silent_server_start();
	azsreg_environment *env = NULL;
	azsreg_client *c;
	long elapsed;
	int rc;

	cr_assert_not_null(s);
	c = silent_client(s, &env, 0, 1000, -1);
	rc = silent_get(c, &elapsed);
	cr_expect_eq(rc, AZSREG_ETIMEOUT, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_geq(elapsed, 950, "%ld ms", elapsed);
	cr_expect_lt(elapsed, 2500, "%ld ms for a 1000 ms attempt timeout", elapsed);
	cr_expect_eq(test_silent_server_connections(s), 1, "%ld connections", test_silent_server_connections(s));
	cr_expect_not_null(strstr(azsreg_error_last()->message, "1000 ms"), "%s", azsreg_error_last()->message);
	/* issue 9, finding 9: a GET changes nothing, so no "may still have been applied" */
	cr_expect_null(strstr(azsreg_error_last()->message, "may still have been applied"), "%s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "byClientSecret"), 1, "the token came from the emulator");
	azsreg_client_free(c);
	azsreg_environment_free(env);
	test_silent_server_stop(s);
}

Test(timeouts, connect_timeout_covers_the_tls_handshake)
{
	test_silent_server *s = test_silent_server_start();
	azsreg_environment *env = NULL;
	azsreg_client *c;
	long elapsed;
	int rc;

	cr_assert_not_null(s);
	c = silent_client(s, &env, 700, 20000, -1);
	rc = silent_get(c, &elapsed);
	cr_expect_eq(rc, AZSREG_ETIMEOUT, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_geq(elapsed, 650, "%ld ms", elapsed);
	cr_expect_lt(elapsed, 2500, "%ld ms for a 700 ms connect timeout", elapsed);
	cr_expect_eq(test_silent_server_connections(s), 1);
	azsreg_client_free(c);
	azsreg_environment_free(env);
	test_silent_server_stop(s);
}

Test(timeouts, timed_out_attempts_are_retried_up_to_max_retries)
{
	test_silent_server *s = test_silent_server_start();
	azsreg_environment *env = NULL;
	azsreg_client *c;
	long elapsed;
	int rc;

	cr_assert_not_null(s);
	c = silent_client(s, &env, 0, 600, 2);
	rc = silent_get(c, &elapsed);
	cr_expect_eq(rc, AZSREG_ETIMEOUT, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_eq(test_silent_server_connections(s), 3, "%ld attempts, expected 3", test_silent_server_connections(s));
	cr_expect_geq(elapsed, 1800, "%ld ms", elapsed);
	cr_expect_lt(elapsed, 6000, "%ld ms", elapsed);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "3 attempt"), "%s", azsreg_error_last()->message);
	azsreg_client_free(c);
	azsreg_environment_free(env);
	test_silent_server_stop(s);
}
