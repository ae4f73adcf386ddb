/*
 * Transient failures are retried: 429 + Retry-After, 503, a dropped connection; a 502
 * MetadataResolverBadGatewayError that outlasts max_retries surfaces with its code. Each
 * scenario checks the attempts the emulator saw and that the state holds exactly one
 * mapping (retrying an idempotent PUT never duplicates).
 */
#include "harness_fixture.h"
#include "harness_clock.h"

#define CUST "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"

TestSuite(retry, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static long put_attempts(void)
{
	return harness_count_requests(&emu, "PUT", "/customerSubscriptions/" CUST);
}

static int put_once(azsreg_client *c)
{
	char *out = NULL;
	int rc = azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, NULL);
	azsreg_free(out);
	return rc;
}

/* Retry-After is honoured: the client asks its clock for exactly one wait of 1000 ms (the
 * sleep is recorded, not timed: harness_clock_virtual_sleeps), then sends the PUT again. */
Test(retry, throttled_429_with_retry_after_then_success)
{
	harness_client_params p;
	harness_clock hc;
	azsreg_client *c;
	int rc;

	harness_clock_init(&hc);
	harness_clock_virtual_sleeps(&hc, &emu);
	memset(&p, 0, sizeof p);
	p.clock = &hc.clock;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"status\":429,\"code\":\"TooManyRequests\",\"retryAfter\":1,\"count\":1}"),
		     0);
	rc = put_once(c);
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(put_attempts(), 2, "the emulator saw %ld PUTs", put_attempts());
	cr_assert_eq(hc.nsleeps, 1, "the client asked for %d waits, expected 1 (Retry-After)", hc.nsleeps);
	cr_expect_eq(hc.sleeps[0], 1000, "Retry-After: 1 was not honoured: the client asked to wait %lld ms",
		     (long long)hc.sleeps[0]);
	cr_expect_eq(hc.sleep_failures, 0);
	ASSERT_MAPPINGS(CUST);
	azsreg_client_free(c);
}

Test(retry, unavailable_503_then_success)
{
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"status\":503,\"code\":\"ServiceUnavailable\",\"count\":1}"),
		     0);
	cr_assert_eq(put_once(client), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(put_attempts(), 2, "the emulator saw %ld PUTs", put_attempts());
	ASSERT_MAPPINGS(CUST);
}

Test(retry, dropped_connection_then_success)
{
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"drop\":true,\"count\":1}"),
		     0);
	cr_assert_eq(put_once(client), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(put_attempts(), 2, "the emulator saw %ld PUTs", put_attempts());
	ASSERT_MAPPINGS(CUST);
}

/* libcurl itself resends once when a reused connection turns out dead; two drops in a
 * row (the second on a fresh connection) reach the library's own retry. */
Test(retry, dropped_twice_then_success_through_the_library_retry)
{
	char *stats = NULL;
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"drop\":true,\"count\":2}"),
		     0);
	cr_assert_eq(put_once(client), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(put_attempts(), 3, "the emulator saw %ld PUTs", put_attempts());
	cr_assert_eq(azsreg_client_stats(&stats, client), AZSREG_OK);
	cr_expect_not_null(strstr(stats, "\"retries\":1"), "client stats: %s", stats);
	azsreg_free(stats);
	ASSERT_MAPPINGS(CUST);
}

Test(retry, bad_gateway_beyond_max_retries_surfaces_its_code)
{
	harness_client_params p;
	azsreg_client *c;
	int rc;

	memset(&p, 0, sizeof p);
	p.max_retries = 2;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"status\":502,\"code\":\"MetadataResolverBadGatewayError\","
					 "\"message\":\"The metadata resolver failed.\",\"count\":3}"),
		     0);
	rc = put_once(c);
	ASSERT_ARM_ERROR(rc, AZSREG_ESERVICE, 502, "MetadataResolverBadGatewayError");
	cr_expect_eq(put_attempts(), 3, "1 try + 2 retries expected, the emulator saw %ld", put_attempts());
	ASSERT_MAPPINGS("");
	/* the fault is used up: the next call goes through, once */
	cr_assert_eq(put_once(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(put_attempts(), 4);
	ASSERT_MAPPINGS(CUST);
	azsreg_client_free(c);
}

Test(retry, bad_gateway_within_max_retries_succeeds)
{
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"status\":502,\"code\":\"MetadataResolverBadGatewayError\",\"count\":2}"),
		     0);
	cr_assert_eq(put_once(client), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(put_attempts(), 3);
	ASSERT_MAPPINGS(CUST);
}

Test(retry, still_throttled_after_retries)
{
	harness_client_params p;
	harness_clock hc;
	azsreg_client *c;
	int rc;

	harness_clock_init(&hc);
	harness_clock_virtual_sleeps(&hc, &emu);
	memset(&p, 0, sizeof p);
	p.max_retries = 1;
	p.clock = &hc.clock;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"status\":429,\"code\":\"TooManyRequests\",\"retryAfterMs\":20,\"count\":2}"),
		     0);
	rc = put_once(c);
	cr_expect_eq(rc, AZSREG_ETHROTTLED, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_eq(azsreg_error_last()->http_status, 429);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "TooManyRequests");
	cr_expect_eq(put_attempts(), 2);
	/* one wait, the retry-after-ms the first 429 asked for; none after the last attempt */
	cr_assert_eq(hc.nsleeps, 1, "the client asked for %d waits", hc.nsleeps);
	cr_expect_eq(hc.sleeps[0], 20, "retry-after-ms: 20, the client asked to wait %lld ms", (long long)hc.sleeps[0]);
	ASSERT_MAPPINGS("");
	azsreg_client_free(c);
}

Test(retry, client_error_is_not_retried)
{
	int rc;
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"PUT\",\"pathContains\":\"/customerSubscriptions/\","
					 "\"status\":400,\"code\":\"InvalidCSPSubscription\",\"count\":1}"),
		     0);
	rc = put_once(client);
	ASSERT_ARM_ERROR(rc, AZSREG_ESERVICE, 400, "InvalidCSPSubscription");
	cr_expect_eq(put_attempts(), 1);
	ASSERT_MAPPINGS("");
}
