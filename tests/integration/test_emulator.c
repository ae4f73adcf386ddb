/*
 * Emulator features the other suites do not exercise, each checked on the wire (raw
 * HTTPS with the emulator's CA) and, where the library reacts to it, through the library:
 * ARM token-bucket throttling, added latency and fault delays, --seed FILE round trip,
 * customer subscription lookups through the emulator's index, what Microsoft's SDKs send
 * (the short device code grant type, a trailing slash on the plain-HTTP managed identity
 * endpoints), an expired token, username/password (ROPC) sign-in on the v2, v1 and AD FS token
 * endpoints with its AAD-shaped errors, and the provider documents SDKs read to pick an
 * api-version.
 */
#include "harness_fixture.h"
#include "harness_clock.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define REG_PATH "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/" HARNESS_REG_GROUP \
		 "/providers/Microsoft.AzureStack/registrations/" HARNESS_REG_NAME
#define SCOPE_V2 "https%3A%2F%2Fmanagement.emulator.azsreg.local%2F.default"
#define RESOURCE_V1 "https%3A%2F%2Fmanagement.emulator.azsreg.local%2F"
#define PS_CLIENT "1950a258-227b-4e31-a9cf-717495945fc2"
#define CLI_CLIENT "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
#define SAMPLE_USER "admin@contoso.onmicrosoft.com"
#define SAMPLE_PASSWORD "emulator-sample-password"

TestSuite(emulator, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

/*
 * The wait the emulator gave the `nth` (0: first) request whose method is `method` and
 * whose path contains `path_part`, from its request log ("delayMs": latencyMs + a fault's
 * delayMs); -1 when there is no such request. Injected latency is checked by what the
 * emulator did, never by an upper bound on the wall time a loaded machine may stretch.
 */
static long delay_given(const char *method, const char *path_part, int nth)
{
	json_t *log = harness_requests(&emu);
	json_t *rec;
	size_t i;
	long found = -1;

	json_array_foreach(log, i, rec)
	{
		const char *m = json_string_value(json_object_get(rec, "method"));
		const char *p = json_string_value(json_object_get(rec, "path"));
		if (m == NULL || p == NULL || strcmp(m, method) != 0 || strstr(p, path_part) == NULL)
			continue;
		if (nth-- == 0) {
			json_t *d = json_object_get(rec, "delayMs");
			found = json_is_integer(d) ? (long)json_integer_value(d) : -2;
			break;
		}
	}
	json_decref(log);
	return found;
}

/* GET the sample registration with `token`; fills r. */
static int get_with_token(const char *token, const char *path, harness_http *r)
{
	char auth[4096];
	const char *hdrs[] = { auth, NULL };
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	return harness_https(&emu, "GET", path, hdrs, NULL, NULL, r);
}

static int get_registration(const char *token, harness_http *r)
{
	return get_with_token(token, REG_PATH "?api-version=2017-06-01", r);
}

static const char *arm_code(const harness_http *r)
{
	const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
	return c != NULL ? c : "";
}

/* ---- throttling --------------------------------------------------------------------- */

Test(emulator, throttle_burst_two_third_read_is_429_then_refills)
{
	char *token = harness_sample_token(&emu);
	harness_http r;
	char v[64];
	long retry_after;

	cr_assert_not_null(token);
	/* a refill of one token per 1000 s: the three reads come before a token is back however
	 * slow the machine; the test then moves the emulator's clock instead of waiting */
	cr_assert_eq(harness_config(&emu, "{\"throttle\":{\"reads\":{\"burst\":2,\"perSecond\":0.001}}}"), 0);

	cr_assert_eq(get_registration(token, &r), 200, "%s", r.body);
	cr_expect_str_eq(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-reads", v, sizeof v), "1");
	harness_http_free(&r);
	cr_assert_eq(get_registration(token, &r), 200, "%s", r.body);
	cr_expect_str_eq(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-reads", v, sizeof v), "0");
	harness_http_free(&r);

	cr_assert_eq(get_registration(token, &r), 429, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "TooManyRequests");
	cr_assert_not_null(harness_http_header(&r, "Retry-After", v, sizeof v), "no Retry-After");
	retry_after = strtol(v, NULL, 10);
	cr_expect_geq(retry_after, 1, "Retry-After: %s", v);
	cr_expect_leq(retry_after, 1000, "Retry-After: %s", v);
	cr_expect_str_eq(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-reads", v, sizeof v), "0");
	cr_expect_not_null(harness_http_header(&r, "x-ms-request-id", v, sizeof v));
	harness_http_free(&r);
	cr_expect_eq(harness_stat(&emu, "throttled"), 1);

	/* writes have their own bucket: not throttled */
	{
		char auth[4096];
		const char *hdrs[] = { auth, NULL };
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		cr_expect_eq(harness_https(&emu, "PUT", REG_PATH "/customerSubscriptions/0a1b2c3d-0000-4000-8000-00000000aaaa"
								 "?api-version=2017-06-01",
					   hdrs, "{\"properties\":{}}", "application/json", &r),
			     200,
			     "%s", r.body);
		cr_expect_str_eq(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-writes", v, sizeof v), "199");
		harness_http_free(&r);
	}

	/* another subscription has its own buckets (ARM's are per subscription and principal):
	 * its first read is answered (404: no such registration there) with a full bucket */
	cr_expect_eq(get_with_token(token, "/subscriptions/44444444-4444-4444-4444-444444444444/resourceGroups/azurestack"
					   "/providers/Microsoft.AzureStack/registrations/none?api-version=2017-06-01",
				    &r),
		     404, "%s", r.body);
	cr_expect_str_eq(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-reads", v, sizeof v), "1");
	harness_http_free(&r);

	/* just before the refill: still throttled; at Retry-After: a token is back */
	cr_assert_eq(harness_emulator_advance(&emu, (double)retry_after - 100), 0);
	cr_expect_eq(get_registration(token, &r), 429, "refilled too early: %s", r.body);
	harness_http_free(&r);
	cr_assert_eq(harness_emulator_advance(&emu, 100), 0);
	cr_expect_eq(get_registration(token, &r), 200, "after the refill: %s", r.body);
	cr_expect_str_eq(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-reads", v, sizeof v), "0");
	harness_http_free(&r);
	memset(token, 0, strlen(token));
	free(token);
}

/*
 * The library waits the Retry-After the throttled read carries and then succeeds. A refill
 * of one token per 100 s (Retry-After: 100): no token comes back on its own between the two
 * reads however slow the machine. The client's sleep is recorded, not timed
 * (harness_clock_virtual_sleeps): it moves the emulator's clock by the 100 s asked for, so
 * the bucket refills and the retry is answered, in no real time.
 */
Test(emulator, throttled_library_client_waits_and_succeeds)
{
	harness_client_params p;
	harness_clock hc;
	azsreg_client *c;
	char *out = NULL;
	int rc;

	harness_clock_init(&hc);
	harness_clock_virtual_sleeps(&hc, &emu);
	memset(&p, 0, sizeof p);
	p.clock = &hc.clock;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(harness_config(&emu, "{\"throttle\":{\"reads\":{\"burst\":1,\"perSecond\":0.01}}}"), 0);
	cr_assert_eq(azsreg_registration_get(&out, c, HARNESS_REGISTRATION_ID), AZSREG_OK, "%s",
		     azsreg_error_last()->message);
	azsreg_free(out);
	out = NULL;
	cr_expect_eq(hc.nsleeps, 0, "the first read waited");
	rc = azsreg_registration_get(&out, c, HARNESS_REGISTRATION_ID);
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_not_null(strstr(out, HARNESS_REG_NAME));
	azsreg_free(out);
	cr_expect_eq(harness_stat(&emu, "throttled"), 1, "the emulator throttled %ld requests", harness_stat(&emu, "throttled"));
	cr_expect_eq(harness_count_requests(&emu, "GET", "/registrations/" HARNESS_REG_NAME), 3);
	cr_assert_eq(hc.nsleeps, 1, "the client asked for %d waits, expected 1 (the Retry-After)", hc.nsleeps);
	cr_expect_eq(hc.sleeps[0], 100000, "Retry-After: 100 was not honoured: the client asked to wait %lld ms",
		     (long long)hc.sleeps[0]);
	cr_expect_eq(hc.sleep_failures, 0, "the emulator refused to move its clock");
	azsreg_client_free(c);
}

Test(emulator, throttle_disabled_sends_no_429)
{
	char *token = harness_sample_token(&emu);
	harness_http r;
	int i;
	cr_assert_not_null(token);
	cr_assert_eq(harness_config(&emu, "{\"throttle\":{\"enabled\":false,\"reads\":{\"burst\":1,\"perSecond\":0.01}}}"), 0);
	for (i = 0; i < 4; i++) {
		cr_expect_eq(get_registration(token, &r), 200, "request %d: %s", i, r.body);
		harness_http_free(&r);
	}
	cr_expect_eq(harness_stat(&emu, "throttled"), 0);
	free(token);
}

/* ---- latency and fault delays --------------------------------------------------------- */

Test(emulator, latency_ms_is_added_to_every_request)
{
	char *token = harness_sample_token(&emu);
	harness_http r;
	cr_assert_not_null(token);
	/* What the emulator reports it waited is exact; the wall time the client measured can
	 * only be a lower bound (a loaded machine stretches it, never shortens it). */
	cr_assert_eq(get_registration(token, &r), 200);
	cr_expect_eq(delay_given("GET", "/registrations/", 0), 0, "a wait without latencyMs");
	cr_log_info("without latency: answered after %ld ms", r.elapsed_ms);
	harness_http_free(&r);
	cr_assert_eq(harness_config(&emu, "{\"latencyMs\":1500}"), 0);
	cr_assert_eq(get_registration(token, &r), 200);
	cr_expect_eq(delay_given("GET", "/registrations/", 1), 1500, "latencyMs 1500: the emulator waited %ld ms",
		     delay_given("GET", "/registrations/", 1));
	cr_expect_geq(r.elapsed_ms, 1500, "latencyMs 1500, answered after %ld ms", r.elapsed_ms);
	harness_http_free(&r);
	/* token requests too */
	cr_assert_eq(harness_https(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/token", NULL,
				   "grant_type=client_credentials&client_id=" HARNESS_CLIENT_ID "&client_secret=" HARNESS_CLIENT_SECRET "&scope=" SCOPE_V2, NULL, &r),
		     200);
	/* the first token request (harness_sample_token's) came before the latency was set */
	cr_expect_eq(delay_given("POST", "/oauth2/v2.0/token", 0), 0);
	cr_expect_eq(delay_given("POST", "/oauth2/v2.0/token", 1), 1500, "token request: the emulator waited %ld ms",
		     delay_given("POST", "/oauth2/v2.0/token", 1));
	cr_expect_geq(r.elapsed_ms, 1500, "token answered after %ld ms", r.elapsed_ms);
	harness_http_free(&r);
	free(token);
}

Test(emulator, fault_delay_ms_delays_then_answers_normally)
{
	char *token = harness_sample_token(&emu);
	harness_http r;
	cr_assert_not_null(token);
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"GET\",\"pathContains\":\"/registrations/\",\"delayMs\":2000}"), 0);
	cr_assert_eq(get_registration(token, &r), 200, "%s", r.body);
	cr_expect_eq(delay_given("GET", "/registrations/", 0), 2000, "delayMs 2000: the emulator waited %ld ms",
		     delay_given("GET", "/registrations/", 0));
	cr_expect_geq(r.elapsed_ms, 2000, "delayMs 2000, answered after %ld ms", r.elapsed_ms);
	cr_expect_not_null(strstr(r.body, HARNESS_REG_NAME));
	harness_http_free(&r);
	/* one-shot: the second read is not delayed (the emulator's own account, not wall time) */
	cr_assert_eq(get_registration(token, &r), 200);
	cr_expect_eq(delay_given("GET", "/registrations/", 1), 0, "the fault applied twice: the emulator waited %ld ms",
		     delay_given("GET", "/registrations/", 1));
	cr_log_info("after the one-shot fault: answered after %ld ms", r.elapsed_ms);
	harness_http_free(&r);
	cr_expect_eq(harness_stat(&emu, "faultsApplied"), 1);
	cr_expect_eq(harness_stat(&emu, "pendingFaults"), 0);
	free(token);
}

/* ---- --seed FILE ---------------------------------------------------------------------- */

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	int rc = -1;
	if (f == NULL)
		return -1;
	if (fputs(text, f) >= 0)
		rc = 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

Test(emulator, seed_file_round_trip_is_identical)
{
	harness_emulator second;
	char seed_path[HARNESS_PATH_MAX + 32];
	char *out = NULL;
	char *text;
	json_t *first_state, *second_state, *after_reset;
	const char *args[3];

	/* a state that differs from the sample: one mapping, an extra registration, a user */
	cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, "5eed0000-0000-4000-8000-000000000001", NULL),
		     AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_free(out);
	first_state = harness_state(&emu);
	cr_assert_not_null(first_state);
	json_array_append_new(json_object_get(first_state, "users"),
			      json_pack("{s:s,s:s,s:s,s:b}", "upn", "ops@contoso.onmicrosoft.com", "tenantId",
					HARNESS_TENANT_ID, "password", "seed-password-do-not-log", "mfaRequired", 1));
	json_array_append_new(json_object_get(first_state, "registrations"),
			      json_pack("{s:s,s:s,s:s,s:s,s:b,s:[]}", "subscriptionId", HARNESS_REG_SUBSCRIPTION,
					"resourceGroup", "azurestack", "name", "AzureStack-second", "billingModel",
					"Capacity", "multiTenancyApproved", 0, "customerSubscriptions"));
	cr_assert_eq(harness_state_put(&emu, first_state), 0);
	json_decref(first_state);
	first_state = harness_state(&emu);
	cr_assert_not_null(first_state);

	text = json_dumps(first_state, JSON_INDENT(2) | JSON_SORT_KEYS);
	cr_assert_not_null(text);
	cr_assert_eq(harness_path(seed_path, sizeof seed_path, &emu, "seed.json"), 0);
	cr_assert_eq(write_text(seed_path, text), 0);
	free(text);

	args[0] = "--seed";
	args[1] = seed_path;
	args[2] = NULL;
	cr_assert_eq(harness_emulator_start(&second, args), 0, "the emulator did not start with --seed");
	second_state = harness_state(&second);
	cr_assert_not_null(second_state);
	cr_expect(json_equal(first_state, second_state), "the seeded emulator dumps another state");
	/* the seed is also what /_emulator/reset goes back to */
	cr_assert_eq(harness_control(&second, "POST", "/reset", NULL, NULL), 204);
	after_reset = harness_state(&second);
	cr_expect(json_equal(first_state, after_reset), "reset does not go back to the seed");
	json_decref(after_reset);
	json_decref(second_state);
	cr_expect_eq(harness_emulator_stop(&second), 0);

	/* an unreadable seed: exit code 2 */
	{
		harness_emulator bad;
		const char *bad_args[] = { "--seed", "/nonexistent/azsreg-seed.json", NULL };
		cr_expect_neq(harness_emulator_start(&bad, bad_args), 0, "started with a missing seed file");
	}
	json_decref(first_state);
}

/* ---- customer subscription lookups ----------------------------------------------------- */

/* GET one mapping: AZSREG_OK with its name ("<registration>/<guid>") in `id_out`, or the error code. */
static int customer_id(char id_out[96], const char *guid)
{
	char *out = NULL;
	json_t *j;
	int rc = azsreg_customer_get(&out, client, HARNESS_REGISTRATION_ID, guid);

	id_out[0] = '\0';
	if (rc == AZSREG_OK) {
		j = json_loads(out, 0, NULL);
		snprintf(id_out, 96, "%s", j != NULL && json_is_string(json_object_get(j, "name")) ? json_string_value(json_object_get(j, "name")) : "");
		json_decref(j);
	}
	azsreg_free(out);
	return rc;
}

/*
 * The emulator finds a mapping by an index instead of scanning the registration's list
 * (issue 8: the scan was most of its time with thousands of mappings). The index must
 * follow every change: PUTs, a DELETE in the middle (positions shift), a PUT after it, a
 * state replaced through the control API (mixed-case ids in it match case-insensitively),
 * and /reset.
 */
Test(emulator, customer_lookups_follow_puts_deletes_and_state_replacement)
{
	static const char *const g[] = {
		"1dec0000-0000-4000-8000-000000000001",
		"1dec0000-0000-4000-8000-000000000002",
		"1dec0000-0000-4000-8000-000000000003",
		"1dec0000-0000-4000-8000-000000000004",
		"1dec0000-0000-4000-8000-000000000005",
	};
	char id[96], want[96], *out = NULL;
	int existed = -1;
	size_t i;
	json_t *st, *regs, *reg;

	for (i = 0; i < 5; i++) {
		cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, g[i], NULL), AZSREG_OK, "%s",
			     azsreg_error_last()->message);
		azsreg_free(out);
		out = NULL;
		cr_assert_eq(customer_id(id, g[i]), AZSREG_OK, "%s", g[i]);
	}
	/* the second goes: the ones after it moved up one place */
	cr_assert_eq(azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, g[1]), AZSREG_OK);
	cr_expect_eq(existed, 1);
	cr_expect_eq(customer_id(id, g[1]), AZSREG_ENOTFOUND);
	for (i = 0; i < 5; i++) {
		if (i == 1)
			continue;
		cr_expect_eq(customer_id(id, g[i]), AZSREG_OK, "%s after the delete", g[i]);
		snprintf(want, sizeof want, "%s/%s", HARNESS_REG_NAME, g[i]);
		cr_expect_str_eq(id, want);
	}
	/* back at the end of the list */
	cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, g[1], NULL), AZSREG_OK);
	azsreg_free(out);
	out = NULL;
	for (i = 0; i < 5; i++) {
		cr_expect_eq(customer_id(id, g[i]), AZSREG_OK, "%s after the second put", g[i]);
		snprintf(want, sizeof want, "%s/%s", HARNESS_REG_NAME, g[i]);
		cr_expect_str_eq(id, want);
	}
	/* a DELETE of the last one, then of one that is gone */
	cr_assert_eq(azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, g[1]), AZSREG_OK);
	cr_expect_eq(existed, 1);
	cr_assert_eq(azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, g[1]), AZSREG_OK);
	cr_expect_eq(existed, 0);

	/* a state put through the control API: only an upper-case mapping */
	st = harness_state(&emu);
	cr_assert_not_null(st);
	regs = json_object_get(st, "registrations");
	json_array_foreach(regs, i, reg)
	{
		if (strcmp(json_string_value(json_object_get(reg, "name")), HARNESS_REG_NAME) == 0)
			json_object_set_new(reg, "customerSubscriptions",
					    json_pack("[{s:s,s:{}}]", "id", "1DEC0000-0000-4000-8000-0000000000AA", "properties"));
	}
	cr_assert_eq(harness_state_put(&emu, st), 0);
	json_decref(st);
	cr_expect_eq(customer_id(id, "1dec0000-0000-4000-8000-0000000000aa"), AZSREG_OK, "the upper-case id is not found");
	for (i = 0; i < 5; i++)
		cr_expect_eq(customer_id(id, g[i]), AZSREG_ENOTFOUND, "%s survived the state replacement", g[i]);

	/* /reset: the sample state, without any of them */
	cr_assert_eq(harness_control(&emu, "POST", "/reset", NULL, NULL), 204);
	cr_expect_eq(customer_id(id, "1dec0000-0000-4000-8000-0000000000aa"), AZSREG_ENOTFOUND, "found after /reset");
}

/* ---- what Microsoft's SDKs send (issue 10) --------------------------------------------- */

/* POST a device code token request with `grant`; fills r. */
static int poll_device_code(const char *grant, const char *device_code, harness_http *r)
{
	char body[1024];

	snprintf(body, sizeof body, "grant_type=%s&client_id=" PS_CLIENT "&device_code=%s", grant, device_code);
	return harness_https(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/token", NULL, body, NULL, r);
}

/*
 * MSAL (.NET and Node) polls the token endpoint with grant_type=device_code, the short form
 * Entra ID accepts beside RFC 8628's URN: an approved code is redeemed with it, once.
 */
Test(emulator, device_code_grant_accepts_msal_short_grant_type)
{
	harness_http r;
	char device_code[512], approve[256];

	cr_assert_eq(harness_https(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/devicecode", NULL,
				   "client_id=" PS_CLIENT "&scope=" SCOPE_V2, NULL, &r),
		     200, "%s", r.body);
	snprintf(device_code, sizeof device_code, "%s", json_string_value(json_object_get(r.json, "device_code")));
	snprintf(approve, sizeof approve, "{\"userCode\":\"%s\"}", json_string_value(json_object_get(r.json, "user_code")));
	harness_http_free(&r);

	/* before approval: pending, in either form */
	cr_assert_eq(harness_emulator_advance(&emu, 10), 0);
	cr_expect_eq(poll_device_code("device_code", device_code, &r), 400);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "authorization_pending");
	harness_http_free(&r);

	cr_assert_eq(harness_control(&emu, "POST", "/devicecode/approve", approve, NULL), 200);
	cr_assert_eq(harness_emulator_advance(&emu, 10), 0);
	cr_expect_eq(poll_device_code("device_code", device_code, &r), 200, "%s", r.body);
	cr_expect(json_is_string(json_object_get(r.json, "access_token")), "no access_token");
	harness_http_free(&r);
	/* redeemed once */
	cr_expect_eq(poll_device_code("device_code", device_code, &r), 400);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "invalid_grant");
	harness_http_free(&r);
	/* anything else is still an unsupported grant type */
	cr_expect_eq(poll_device_code("device_codes", device_code, &r), 400);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "unsupported_grant_type");
	harness_http_free(&r);
}

/*
 * The token and devicecode endpoints start the same way, as Entra ID does: another method
 * than POST is 405 AADSTS900561; an unknown tenant is 400 AADSTS90002 naming it; a meta
 * tenant (organizations) is let through to the grant.
 */
Test(emulator, identity_endpoints_refuse_other_methods_and_unknown_tenants)
{
	static const char *const endpoints[] = { "token", "devicecode" };
	harness_http r;
	char path[160];
	size_t i;

	for (i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
		snprintf(path, sizeof path, "/" HARNESS_TENANT_ID "/oauth2/v2.0/%s", endpoints[i]);
		cr_expect_eq(harness_https(&emu, "GET", path, NULL, NULL, NULL, &r), 405, "%s: %s", endpoints[i], r.body);
		cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "invalid_request", "%s", endpoints[i]);
		cr_expect(strstr(r.body, "AADSTS900561") != NULL, "%s: %s", endpoints[i], r.body);
		cr_expect(strstr(r.body, "Received a GET request") != NULL, "%s: %s", endpoints[i], r.body);
		harness_http_free(&r);

		snprintf(path, sizeof path, "/fabrikam.onmicrosoft.com/oauth2/v2.0/%s", endpoints[i]);
		cr_expect_eq(harness_https(&emu, "POST", path, NULL, "client_id=" PS_CLIENT "&scope=" SCOPE_V2, NULL, &r), 400, "%s: %s",
			     endpoints[i], r.body);
		cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "invalid_request", "%s", endpoints[i]);
		cr_expect(strstr(r.body, "AADSTS90002") != NULL && strstr(r.body, "Tenant 'fabrikam.onmicrosoft.com' not found") != NULL,
			  "%s: %s", endpoints[i], r.body);
		harness_http_free(&r);
	}
	/* organizations is no tenant of the state, but a meta tenant: the devicecode answer comes */
	cr_expect_eq(harness_https(&emu, "POST", "/organizations/oauth2/v2.0/devicecode", NULL, "client_id=" PS_CLIENT "&scope=" SCOPE_V2,
				   NULL, &r),
		     200, "%s", r.body);
	cr_expect(json_is_string(json_object_get(r.json, "device_code")), "%s", r.body);
	harness_http_free(&r);
}

/*
 * msal-node polls once right after the devicecode answer and fails on slow_down: the first
 * poll is pending however soon it comes; a second one within the interval is told to slow
 * down; one after the interval (the emulator's clock moved, no waiting) is pending again.
 * The interval is an hour, so that no machine is slow enough to let it pass between polls.
 */
Test(emulator, device_code_first_poll_is_pending_however_soon)
{
	harness_http r;
	char device_code[512];

	cr_assert_eq(harness_config(&emu, "{\"deviceCodeInterval\":3600,\"deviceCodeLifetimeSeconds\":86400}"), 0);
	cr_assert_eq(harness_https(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/devicecode", NULL,
				   "client_id=" PS_CLIENT "&scope=" SCOPE_V2, NULL, &r),
		     200, "%s", r.body);
	snprintf(device_code, sizeof device_code, "%s", json_string_value(json_object_get(r.json, "device_code")));
	cr_expect_eq(json_integer_value(json_object_get(r.json, "interval")), 3600);
	harness_http_free(&r);

	cr_expect_eq(poll_device_code("device_code", device_code, &r), 400);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "authorization_pending", "first poll: %s", r.body);
	harness_http_free(&r);
	cr_expect_eq(poll_device_code("device_code", device_code, &r), 400);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "slow_down", "second poll at once: %s", r.body);
	harness_http_free(&r);
	cr_assert_eq(harness_emulator_advance(&emu, 3601), 0);
	cr_expect_eq(poll_device_code("urn:ietf:params:oauth:grant-type:device_code", device_code, &r), 400);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "authorization_pending", "after the interval: %s", r.body);
	harness_http_free(&r);
}

/*
 * The plain-HTTP listener routes the managed identity endpoints with a trailing slash too
 * (MSAL's IMDS override sends ".../oauth2/token/"), as the HTTPS listener does: the same
 * answer as without it; other paths stay 404 there.
 */
Test(emulator, plain_http_managed_identity_endpoints_accept_a_trailing_slash)
{
	static const char *const hdrs[] = { "Metadata: true", NULL };
	static const char *const paths[] = {
		"/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" RESOURCE_V1,
		"/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=" RESOURCE_V1,
		"/msi/token?api-version=2017-09-01&resource=" RESOURCE_V1,
		"/msi/token/?api-version=2017-09-01&resource=" RESOURCE_V1,
	};
	harness_http plain, slash;
	size_t i;

	for (i = 0; i < 4; i += 2) {
		cr_assert_eq(harness_plain_http(&emu, "GET", paths[i], hdrs, &plain), plain.status);
		cr_assert_eq(harness_plain_http(&emu, "GET", paths[i + 1], hdrs, &slash), slash.status);
		cr_expect_neq(slash.status, 404, "%s: 404 on the plain-HTTP listener: %s", paths[i + 1], slash.body);
		cr_expect_eq(slash.status, plain.status, "%s: %d, without the slash %d", paths[i + 1], slash.status, plain.status);
		cr_expect_str_eq(json_string_value(json_object_get(slash.json, "error")) ? json_string_value(json_object_get(slash.json, "error")) : "-",
				 json_string_value(json_object_get(plain.json, "error")) ? json_string_value(json_object_get(plain.json, "error")) : "-");
		harness_http_free(&plain);
		harness_http_free(&slash);
	}
	cr_expect_eq(harness_plain_http(&emu, "GET", "/metadata/identity/oauth2/token//?api-version=2018-02-01", hdrs, &plain), 404);
	harness_http_free(&plain);
	cr_expect_eq(harness_plain_http(&emu, "GET", "/msi/tokens?api-version=2017-09-01", hdrs, &plain), 404);
	harness_http_free(&plain);
}

/*
 * Etags as the 2017-06-01 examples show them: the registration's a bare value (no weak
 * W/ prefix, no quotes, as in Registration/Get.json), a customer subscription's a bare GUID.
 */
Test(emulator, etags_are_bare_values_as_in_the_examples)
{
	char *token = harness_sample_token(&emu);
	char *out = NULL;
	const char *etag;
	harness_http r;
	json_t *j;

	cr_assert_not_null(token);
	cr_assert_eq(get_registration(token, &r), 200, "%s", r.body);
	etag = json_string_value(json_object_get(r.json, "etag"));
	cr_assert_not_null(etag, "no etag: %s", r.body);
	cr_expect(strncmp(etag, "W/", 2) != 0 && strchr(etag, '"') == NULL, "registration etag %s is not a bare value", etag);
	cr_expect_eq(strlen(etag), 36, "registration etag %s", etag);
	harness_http_free(&r);

	cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, "e7a90000-0000-4000-8000-000000000001", NULL), AZSREG_OK);
	j = json_loads(out, 0, NULL);
	etag = json_string_value(json_object_get(j, "etag"));
	cr_assert_not_null(etag, "no etag: %s", out);
	cr_expect(strncmp(etag, "W/", 2) != 0 && strchr(etag, '"') == NULL && strlen(etag) == 36, "customer etag %s", etag);
	json_decref(j);
	azsreg_free(out);
	free(token);
}

/*
 * ID casing (issue 10, item 6): Microsoft's examples (Get.json, List.json) show the
 * customer GUID as the caller wrote it, upper case. The emulator answers with the casing
 * the mapping was created with, as ARM keeps a resource's name as first written: a GET or
 * PUT in another casing finds the same mapping and does not rename it; the list shows it
 * once, in the creating casing.
 */
#define UPPER_CS "CA5E0000-ABCD-4000-8000-00000000000F"
#define LOWER_CS "ca5e0000-abcd-4000-8000-00000000000f"

static void expect_cs_casing(const harness_http *r, const char *guid)
{
	const char *id = json_string_value(json_object_get(r->json, "id"));
	const char *name = json_string_value(json_object_get(r->json, "name"));
	char want_id[512], want_name[128];

	snprintf(want_id, sizeof want_id, "%s/customerSubscriptions/%s", REG_PATH, guid);
	snprintf(want_name, sizeof want_name, "%s/%s", HARNESS_REG_NAME, guid);
	cr_expect_str_eq(id != NULL ? id : "(none)", want_id);
	cr_expect_str_eq(name != NULL ? name : "(none)", want_name);
}

Test(emulator, customer_ids_keep_the_casing_they_were_created_with)
{
	char *token = harness_sample_token(&emu);
	char auth[4096];
	const char *hdrs[] = { auth, "Content-Type: application/json", NULL };
	harness_http r;
	json_t *value, *item;
	size_t i;
	int seen = 0;

	cr_assert_not_null(token);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	cr_assert_eq(harness_https(&emu, "PUT", REG_PATH "/customerSubscriptions/" UPPER_CS "?api-version=2017-06-01", hdrs,
				   "{\"properties\":{}}", "application/json", &r),
		     200, "%s", r.body);
	expect_cs_casing(&r, UPPER_CS);
	harness_http_free(&r);

	cr_assert_eq(harness_https(&emu, "GET", REG_PATH "/customerSubscriptions/" LOWER_CS "?api-version=2017-06-01", hdrs,
				   NULL, NULL, &r),
		     200, "%s", r.body);
	expect_cs_casing(&r, UPPER_CS);
	harness_http_free(&r);

	/* an update in lower case: the same mapping, its name unchanged */
	cr_assert_eq(harness_https(&emu, "PUT", REG_PATH "/customerSubscriptions/" LOWER_CS "?api-version=2017-06-01", hdrs,
				   "{\"properties\":{\"tenantId\":\"" HARNESS_TENANT_ID "\"}}", "application/json", &r),
		     200, "%s", r.body);
	expect_cs_casing(&r, UPPER_CS);
	harness_http_free(&r);

	cr_assert_eq(harness_https(&emu, "GET", REG_PATH "/customerSubscriptions?api-version=2017-06-01", hdrs, NULL, NULL,
				   &r),
		     200, "%s", r.body);
	value = json_object_get(r.json, "value");
	json_array_foreach(value, i, item)
	{
		const char *name = json_string_value(json_object_get(item, "name"));
		if (name != NULL && strcasestr(name, LOWER_CS) != NULL) {
			seen++;
			cr_expect_str_eq(name, HARNESS_REG_NAME "/" UPPER_CS);
			cr_expect_str_eq(json_string_value(json_object_get(json_object_get(item, "properties"), "tenantId")),
					 HARNESS_TENANT_ID);
		}
	}
	cr_expect_eq(seen, 1, "the mapping is listed %d times: %s", seen, r.body);
	harness_http_free(&r);

	/* a DELETE in lower case removes it */
	cr_assert_eq(harness_https(&emu, "DELETE", REG_PATH "/customerSubscriptions/" LOWER_CS "?api-version=2017-06-01",
				   hdrs, NULL, NULL, &r),
		     200, "%s", r.body);
	harness_http_free(&r);
	cr_expect_eq(harness_https(&emu, "GET", REG_PATH "/customerSubscriptions/" UPPER_CS "?api-version=2017-06-01", hdrs,
				   NULL, NULL, &r),
		     404, "%s", r.body);
	harness_http_free(&r);
	free(token);
}

/* ---- expired token -------------------------------------------------------------------- */

Test(emulator, expired_token_is_401_expired_authentication_token)
{
	char *token;
	harness_http r;
	char v[256];
	json_t *claims;

	cr_assert_eq(harness_config(&emu, "{\"tokenLifetimeSeconds\":3}"), 0);
	token = harness_sample_token(&emu);
	cr_assert_not_null(token);
	claims = harness_jwt_claims(token);
	cr_assert_not_null(claims);
	cr_expect_eq(json_integer_value(json_object_get(claims, "exp")) - json_integer_value(json_object_get(claims, "iat")), 3);
	json_decref(claims);
	cr_assert_eq(get_registration(token, &r), 200, "fresh token: %s", r.body);
	harness_http_free(&r);
	/* the emulator's clock moves past exp (no sleep) */
	cr_assert_eq(harness_emulator_advance(&emu, 4), 0);
	cr_assert_eq(get_registration(token, &r), 401, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "ExpiredAuthenticationToken");
	cr_expect_not_null(harness_http_header(&r, "WWW-Authenticate", v, sizeof v), "no WWW-Authenticate");
	cr_expect_null(harness_http_header(&r, "x-ms-ratelimit-remaining-subscription-reads", v, sizeof v));
	harness_http_free(&r);
	cr_expect_eq(harness_stat(&emu, "unauthorized"), 1);
	free(token);
}

/* ---- username / password (ROPC) ---------------------------------------------------------- */

static int ropc(const char *path, const char *form, harness_http *r)
{
	return harness_https(&emu, "POST", path, NULL, form, NULL, r);
}

/* ver: the access token's version, "1.0" from every endpoint: the version is ARM's (it accepts
 * v1 tokens), not the endpoint's (issue 10, item 8) */
static void expect_user_token(const harness_http *r, const char *aud_prefix, const char *ver)
{
	const char *at = json_string_value(json_object_get(r->json, "access_token"));
	json_t *claims = harness_jwt_claims(at);
	const char *oid;
	cr_assert_not_null(claims, "no JWT access token");
	cr_expect_str_eq(json_string_value(json_object_get(claims, "upn")), SAMPLE_USER);
	cr_expect_str_eq(json_string_value(json_object_get(claims, "preferred_username")), SAMPLE_USER);
	cr_expect_str_eq(json_string_value(json_object_get(claims, "idtyp")), "user");
	cr_expect_str_eq(json_string_value(json_object_get(claims, "tid")), HARNESS_TENANT_ID);
	cr_expect_str_eq(json_string_value(json_object_get(claims, "ver")), ver);
	oid = json_string_value(json_object_get(claims, "oid"));
	cr_assert_not_null(oid);
	cr_expect_eq(strlen(oid), 36, "oid %s", oid);
	cr_expect_str_neq(oid, HARNESS_CLIENT_ID);
	cr_expect_str_eq(json_string_value(json_object_get(claims, "sub")), oid);
	cr_expect_eq(strncmp(json_string_value(json_object_get(claims, "aud")), aud_prefix, strlen(aud_prefix)), 0);
	cr_expect_not_null(json_string_value(json_object_get(r->json, "refresh_token")), "no refresh token");
	cr_expect_eq(json_integer_value(json_object_get(r->json, "expires_in")), 3600);
	json_decref(claims);
}

static void expect_aad_error(const harness_http *r, int status, const char *error, const char *aadsts, long code)
{
	const char *desc = json_string_value(json_object_get(r->json, "error_description"));
	cr_expect_eq(r->status, status, "status %d: %s", r->status, r->body);
	cr_expect_str_eq(json_string_value(json_object_get(r->json, "error")), error);
	cr_assert_not_null(desc, "%s", r->body);
	cr_expect_eq(strncmp(desc, aadsts, strlen(aadsts)), 0, "description: %s", desc);
	cr_expect_eq(json_integer_value(json_array_get(json_object_get(r->json, "error_codes"), 0)), code);
	cr_expect_not_null(json_object_get(r->json, "correlation_id"));
	cr_expect_null(strstr(r->body, SAMPLE_PASSWORD), "the password is echoed");
}

/* AD FS's own error shape: 400 and only error + error_description (led by an MSIS code). */
static void expect_adfs_error(const harness_http *r, const char *error, const char *desc)
{
	cr_expect_eq(r->status, 400, "status %d: %s", r->status, r->body);
	cr_expect_str_eq(json_string_value(json_object_get(r->json, "error")), error);
	cr_expect_str_eq(json_string_value(json_object_get(r->json, "error_description")), desc);
	cr_expect_eq(json_object_size(r->json), 2, "more than error and error_description: %s", r->body);
}

/*
 * AD FS (issue 10, item 2) answers token errors in its shape, not Entra ID's: HTTP 400 (also
 * for a refused client credential, which Entra ID answers 401), {"error","error_description"}
 * only, the description led by AD FS's MSIS code for the common failures; other failures keep
 * their OAuth error, with no AADSTS text. The same requests to a tenant keep Entra ID's shape.
 */
Test(emulator, adfs_token_errors_have_the_adfs_shape)
{
	static const char bad_client[] =
		"MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid.";
	harness_http r;
	const char *desc;

	harness_https(&emu, "POST", "/adfs/oauth2/token", NULL, "grant_type=client_credentials&client_id=" HARNESS_CLIENT_ID "&client_secret=not-the-secret&resource=" RESOURCE_V1, NULL, &r);
	expect_adfs_error(&r, "invalid_client", bad_client);
	harness_http_free(&r);
	harness_https(&emu, "POST", "/adfs/oauth2/token", NULL, "grant_type=client_credentials&client_id="
								"99999999-0000-4000-8000-000000000000&client_secret=x&resource=" RESOURCE_V1,
		      NULL, &r);
	expect_adfs_error(&r, "invalid_client",
			  "MSIS9607: The 'client_id' parameter in the request is invalid. No registered client is found with "
			  "this identifier.");
	harness_http_free(&r);
	harness_https(&emu, "POST", "/adfs/oauth2/token", NULL, "grant_type=client_credentials&client_id=" HARNESS_CLIENT_ID "&client_secret=" HARNESS_CLIENT_SECRET "&resource=https%3A%2F%2Fnot-a-resource.example%2F", NULL, &r);
	expect_adfs_error(&r, "invalid_resource",
			  "MSIS9602: The received 'resource' parameter is invalid. The authorization server can not find a "
			  "registered resource with the specified identifier.");
	harness_http_free(&r);
	ropc("/adfs/oauth2/token", "grant_type=password&client_id=" PS_CLIENT "&username=nobody@contoso.onmicrosoft.com"
				   "&password=x&resource=" RESOURCE_V1,
	     &r);
	expect_adfs_error(&r, "invalid_grant", "MSIS9659: Invalid 'username' or 'password'.");
	harness_http_free(&r);

	/* no MSIS code known for it: the OAuth error and a message without an AADSTS text */
	harness_https(&emu, "POST", "/adfs/oauth2/token", NULL, "client_id=" HARNESS_CLIENT_ID, NULL, &r);
	cr_expect_eq(r.status, 400, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "invalid_request");
	desc = json_string_value(json_object_get(r.json, "error_description"));
	cr_assert_not_null(desc, "%s", r.body);
	cr_expect_null(strstr(desc, "AADSTS"), "%s", desc);
	cr_expect_null(json_object_get(r.json, "error_codes"));
	harness_http_free(&r);

	/* a tenant's endpoint keeps Entra ID's shape */
	harness_https(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/token", NULL, "grant_type=client_credentials&client_id=" HARNESS_CLIENT_ID "&client_secret=not-the-secret&resource=" RESOURCE_V1, NULL, &r);
	expect_aad_error(&r, 401, "invalid_client", "AADSTS7000215:", 7000215);
	harness_http_free(&r);
}

/*
 * What MSAL needs in a user's token answer (issue 10 item 8; MSAL.NET fails without
 * client_info once it sent client_info=1): `client_info` = base64url {"uid":<oid>,"utid":<tid>}
 * when asked, an `id_token` for the client when the scope holds openid; neither otherwise.
 * Password and device code grants alike.
 */
Test(emulator, user_tokens_carry_client_info_and_id_token_when_asked)
{
	harness_http r;
	json_t *claims, *info, *id;
	const char *ci;
	char oid[64], iss[256], device_code[512], approve[256];

	cr_assert_eq(ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token",
			  "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD
			  "&client_info=1&scope=" SCOPE_V2 "%20offline_access%20openid%20profile",
			  &r),
		     200, "%s", r.body);
	claims = harness_jwt_claims(json_string_value(json_object_get(r.json, "access_token")));
	cr_assert_not_null(claims);
	snprintf(oid, sizeof oid, "%s", json_string_value(json_object_get(claims, "oid")));
	json_decref(claims);
	ci = json_string_value(json_object_get(r.json, "client_info"));
	cr_assert_not_null(ci, "no client_info: %s", r.body);
	info = harness_b64url_json(ci, strlen(ci));
	cr_assert_not_null(info, "client_info is not base64url JSON: %s", ci);
	cr_expect_str_eq(json_string_value(json_object_get(info, "uid")), oid);
	cr_expect_str_eq(json_string_value(json_object_get(info, "utid")), HARNESS_TENANT_ID);
	json_decref(info);
	id = harness_jwt_claims(json_string_value(json_object_get(r.json, "id_token")));
	cr_assert_not_null(id, "no id_token: %s", r.body);
	snprintf(iss, sizeof iss, "%s/" HARNESS_TENANT_ID "/v2.0", emu.base_url_noslash);
	cr_expect_str_eq(json_string_value(json_object_get(id, "aud")), PS_CLIENT);
	cr_expect_str_eq(json_string_value(json_object_get(id, "iss")), iss);
	cr_expect_str_eq(json_string_value(json_object_get(id, "oid")), oid);
	cr_expect_str_eq(json_string_value(json_object_get(id, "tid")), HARNESS_TENANT_ID);
	cr_expect_str_eq(json_string_value(json_object_get(id, "preferred_username")), SAMPLE_USER);
	cr_expect(json_is_integer(json_object_get(id, "exp")));
	json_decref(id);
	harness_http_free(&r);

	/* not asked: neither */
	cr_assert_eq(ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token",
			  "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD
			  "&scope=" SCOPE_V2 "%20offline_access",
			  &r),
		     200, "%s", r.body);
	cr_expect_null(json_object_get(r.json, "client_info"));
	cr_expect_null(json_object_get(r.json, "id_token"));
	harness_http_free(&r);

	/* device code: client_info comes with the redeeming poll's client_info=1, the id_token
	 * with the devicecode request's openid scope (the poll sends none, as RFC 8628 has it) */
	cr_assert_eq(harness_https(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/devicecode", NULL,
				   "client_id=" PS_CLIENT "&scope=" SCOPE_V2 "%20openid", NULL, &r),
		     200, "%s", r.body);
	snprintf(device_code, sizeof device_code, "%s", json_string_value(json_object_get(r.json, "device_code")));
	snprintf(approve, sizeof approve, "{\"userCode\":\"%s\"}", json_string_value(json_object_get(r.json, "user_code")));
	harness_http_free(&r);
	cr_assert_eq(harness_control(&emu, "POST", "/devicecode/approve", approve, NULL), 200);
	{
		char form[1024];
		snprintf(form, sizeof form, "grant_type=device_code&client_id=" PS_CLIENT "&device_code=%s&client_info=1",
			 device_code);
		cr_assert_eq(ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token", form, &r), 200, "%s", r.body);
	}
	ci = json_string_value(json_object_get(r.json, "client_info"));
	cr_assert_not_null(ci, "no client_info: %s", r.body);
	info = harness_b64url_json(ci, strlen(ci));
	cr_expect_str_eq(json_string_value(json_object_get(info, "uid")), oid, "another oid for the same user");
	json_decref(info);
	cr_expect_not_null(json_object_get(r.json, "id_token"));
	harness_http_free(&r);
}

/*
 * MSAL.NET asks for the user's realm before a username/password sign-in
 * (GET /common/userrealm/{upn}?api-version=1.0): a tenant's domain is Managed (the password
 * then goes to the token endpoint), another domain Unknown; no token needed, GET only.
 */
Test(emulator, user_realm_discovery_answers_managed_for_a_tenant_domain)
{
	harness_http r;

	cr_assert_eq(harness_https(&emu, "GET", "/common/userrealm/" SAMPLE_USER "?api-version=1.0", NULL, NULL, NULL, &r),
		     200, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "account_type")), "Managed");
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "domain_name")), HARNESS_TENANT_DOMAIN);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "ver")), "1.0");
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "cloud_instance_name")), "microsoftonline.com");
	harness_http_free(&r);
	cr_assert_eq(harness_https(&emu, "GET", "/common/userrealm/someone%40fabrikam.example?api-version=1.0", NULL, NULL,
				   NULL, &r),
		     200, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "account_type")), "Unknown");
	cr_expect_null(json_object_get(r.json, "domain_name"));
	harness_http_free(&r);
	cr_expect_eq(harness_https(&emu, "POST", "/common/userrealm/" SAMPLE_USER, NULL, "x=1", NULL, &r), 405, "%s", r.body);
	harness_http_free(&r);
}

Test(emulator, ropc_v2_v1_adfs_sign_in_the_sample_user)
{
	harness_http r;
	char oid_v2[64], oid_v1[64];
	json_t *claims;
	char *rt;
	char form[4096];
	const char *at;

	/* v2, Azure PowerShell's public client, tenant GUID, several scopes */
	cr_assert_eq(ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token",
			  "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD
			  "&scope=" SCOPE_V2 "%20offline_access%20openid%20profile",
			  &r),
		     200, "%s", r.body);
	expect_user_token(&r, "https://management.emulator.azsreg.local", "1.0");
	claims = harness_jwt_claims(json_string_value(json_object_get(r.json, "access_token")));
	snprintf(oid_v2, sizeof oid_v2, "%s", json_string_value(json_object_get(claims, "oid")));
	cr_expect_str_eq(json_string_value(json_object_get(claims, "appid")), PS_CLIENT);
	json_decref(claims);
	rt = strdup(json_string_value(json_object_get(r.json, "refresh_token")));
	at = json_string_value(json_object_get(r.json, "access_token"));
	/* the user's token is good for ARM */
	{
		harness_http g;
		cr_expect_eq(get_registration(at, &g), 200, "%s", g.body);
		harness_http_free(&g);
	}
	harness_http_free(&r);

	/* the refresh token renews the session */
	snprintf(form, sizeof form, "grant_type=refresh_token&client_id=%s&refresh_token=%s&scope=%s", PS_CLIENT, rt,
		 SCOPE_V2);
	cr_assert_eq(ropc("/organizations/oauth2/v2.0/token", form, &r), 200, "%s", r.body);
	expect_user_token(&r, "https://management.emulator.azsreg.local", "1.0");
	harness_http_free(&r);
	memset(rt, 0, strlen(rt));
	free(rt);

	/* v1, Azure CLI's public client, tenant by domain, upper-case UPN */
	cr_assert_eq(ropc("/" HARNESS_TENANT_DOMAIN "/oauth2/token",
			  "grant_type=password&client_id=" CLI_CLIENT "&username=ADMIN@contoso.onmicrosoft.com&password=" SAMPLE_PASSWORD "&resource=" RESOURCE_V1, &r),
		     200, "%s", r.body);
	expect_user_token(&r, "https://management.emulator.azsreg.local", "1.0");
	claims = harness_jwt_claims(json_string_value(json_object_get(r.json, "access_token")));
	snprintf(oid_v1, sizeof oid_v1, "%s", json_string_value(json_object_get(claims, "oid")));
	json_decref(claims);
	cr_expect_str_eq(oid_v1, oid_v2, "the user's oid is not stable");
	harness_http_free(&r);

	/* AD FS */
	cr_assert_eq(ropc("/adfs/oauth2/token", "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD "&resource=" RESOURCE_V1, &r), 200, "%s", r.body);
	expect_user_token(&r, "https://management.emulator.azsreg.local", "1.0");
	harness_http_free(&r);
	/* AD FS with the v2 scope form MSAL sends (issue 10, item 2); a scope that is not
	 * <audience>/.default is refused */
	cr_assert_eq(ropc("/adfs/oauth2/token", "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD "&scope=" SCOPE_V2 "%20openid%20offline_access", &r), 200, "%s", r.body);
	expect_user_token(&r, "https://management.emulator.azsreg.local", "1.0");
	harness_http_free(&r);
	cr_expect_eq(ropc("/adfs/oauth2/token", "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD "&scope=openid", &r), 400, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "error")), "invalid_scope");
	harness_http_free(&r);

	cr_expect_eq(harness_stat(&emu, "byPassword"), 4);
	cr_expect_eq(harness_stat(&emu, "byRefreshToken"), 1);
	/* the request log never shows the password */
	{
		json_t *reqs = harness_requests(&emu);
		char *dump = json_dumps(reqs, 0);
		cr_assert_not_null(dump);
		cr_expect_null(strstr(dump, SAMPLE_PASSWORD), "the request log shows the password");
		cr_expect_not_null(strstr(dump, "password=***"), "password not shown as ***");
		free(dump);
		json_decref(reqs);
	}
}

Test(emulator, ropc_errors_are_aad_shaped)
{
	harness_http r;
	json_t *state;

	/* wrong password */
	ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token",
	     "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=wrong-password-do-not-log&scope=" SCOPE_V2, &r);
	expect_aad_error(&r, 400, "invalid_grant", "AADSTS50126:", 50126);
	cr_expect_null(strstr(r.body, "wrong-password-do-not-log"));
	harness_http_free(&r);
	/* unknown user (v1 and AD FS too) */
	ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token",
	     "grant_type=password&client_id=" PS_CLIENT "&username=nobody@contoso.onmicrosoft.com&password=x&scope=" SCOPE_V2, &r);
	expect_aad_error(&r, 400, "invalid_grant", "AADSTS50034:", 50034);
	harness_http_free(&r);
	ropc("/" HARNESS_TENANT_ID "/oauth2/token",
	     "grant_type=password&client_id=" PS_CLIENT "&username=nobody@contoso.onmicrosoft.com&password=x&resource=" RESOURCE_V1, &r);
	expect_aad_error(&r, 400, "invalid_grant", "AADSTS50034:", 50034);
	harness_http_free(&r);
	ropc("/adfs/oauth2/token", "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=wrong&resource=" RESOURCE_V1, &r);
	expect_adfs_error(&r, "invalid_grant", "MSIS9659: Invalid 'username' or 'password'.");
	harness_http_free(&r);
	/* a confidential app may not use it as a public client; an unknown client */
	ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token", "grant_type=password&client_id=" HARNESS_CLIENT_ID "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD "&scope=" SCOPE_V2, &r);
	expect_aad_error(&r, 400, "invalid_client", "AADSTS7000218:", 7000218);
	harness_http_free(&r);
	ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token", "grant_type=password&client_id=99999999-0000-4000-8000-000000000000"
							 "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD "&scope=" SCOPE_V2,
	     &r);
	expect_aad_error(&r, 400, "unauthorized_client", "AADSTS700016:", 700016);
	harness_http_free(&r);
	/* missing password */
	ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token", "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&scope=" SCOPE_V2, &r);
	expect_aad_error(&r, 400, "invalid_request", "AADSTS900144:", 900144);
	harness_http_free(&r);

	/* a user who needs MFA; and a user of another tenant is unknown in this one */
	state = harness_state(&emu);
	cr_assert_not_null(state);
	json_array_append_new(json_object_get(state, "tenants"),
			      json_pack("{s:s,s:s}", "id", "88888888-8888-4888-8888-888888888888", "domain", "fabrikam.onmicrosoft.com"));
	json_array_append_new(json_object_get(state, "users"),
			      json_pack("{s:s,s:s,s:s,s:b}", "upn", "mfa@contoso.onmicrosoft.com", "tenantId", HARNESS_TENANT_ID,
					"password", "mfa-password-do-not-log", "mfaRequired", 1));
	cr_assert_eq(harness_state_put(&emu, state), 0);
	json_decref(state);
	ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token", "grant_type=password&client_id=" PS_CLIENT "&username=mfa@contoso.onmicrosoft.com&password=mfa-password-do-not-log&scope=" SCOPE_V2, &r);
	expect_aad_error(&r, 400, "interaction_required", "AADSTS50076:", 50076);
	harness_http_free(&r);
	ropc("/fabrikam.onmicrosoft.com/oauth2/v2.0/token", "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD "&scope=" SCOPE_V2, &r);
	expect_aad_error(&r, 400, "invalid_grant", "AADSTS50034:", 50034);
	harness_http_free(&r);

	cr_expect_eq(harness_stat(&emu, "byPassword"), 0);
}

/* ---- provider metadata (issue 10 item 3) ------------------------------------------------ */

#define PROVIDER_PATH "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/providers/Microsoft.AzureStack"

/* a string member, "(missing)" when absent or not a string (so that a check fails, not crashes) */
static const char *member(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v != NULL ? v : "(missing)";
}

/* is `a` the array holding the string `one` alone? */
static int is_list_of(const json_t *a, const char *one)
{
	const char *v = json_string_value(json_array_get(a, 0));
	return json_array_size(a) == 1 && v != NULL && strcmp(v, one) == 0;
}

/* the resource type `type` of a provider document, NULL when it is not listed */
static json_t *provider_type(json_t *doc, const char *type)
{
	json_t *t;
	size_t i;
	json_array_foreach(json_object_get(doc, "resourceTypes"), i, t)
	{
		const char *name = json_string_value(json_object_get(t, "resourceType"));
		if (name != NULL && strcmp(name, type) == 0)
			return t;
	}
	return NULL;
}

/*
 * Azure.ResourceManager's generic resources (and AzureRM without -ApiVersion) read the
 * provider document to pick an api-version: the emulator serves it at subscription and
 * tenant level, newest version first as ARM lists them, and every version it lists for
 * customer subscriptions is one the customer subscription routes accept.
 */
Test(emulator, provider_documents_list_the_api_versions_the_routes_serve)
{
	static const char *const expected[] = { "2022-06-01", "2020-06-01-preview", "2017-06-01" };
	char *token = harness_sample_token(&emu);
	char path[512];
	harness_http r;
	json_t *type, *v;
	size_t i;

	cr_assert_not_null(token);
	cr_assert_eq(get_with_token(token, PROVIDER_PATH "?api-version=2022-09-01", &r), 200, "%s", r.body);
	cr_expect_str_eq(member(r.json, "id"), PROVIDER_PATH);
	cr_expect_str_eq(member(r.json, "namespace"), "Microsoft.AzureStack");
	cr_expect_str_eq(member(r.json, "registrationState"), "Registered");
	type = provider_type(r.json, "registrations/customerSubscriptions");
	cr_assert_not_null(type, "no customerSubscriptions type: %s", r.body);
	cr_expect(is_list_of(json_object_get(type, "locations"), "Global"), "locations: %s", r.body);
	cr_assert_eq(json_array_size(json_object_get(type, "apiVersions")), 3, "%s", r.body);
	for (i = 0; i < 3; i++) {
		const char *version = json_string_value(json_array_get(json_object_get(type, "apiVersions"), i));
		harness_http list;
		cr_assert_not_null(version, "apiVersions[%zu]: %s", i, r.body);
		cr_assert_str_eq(version, expected[i], "apiVersions[%zu]", i);
		snprintf(path, sizeof path, REG_PATH "/customerSubscriptions?api-version=%s", version);
		cr_expect_eq(get_with_token(token, path, &list), 200, "listed %s, list answers %d: %s", version, list.status, list.body);
		harness_http_free(&list);
	}
	cr_expect_not_null(provider_type(r.json, "registrations"), "%s", r.body);
	type = provider_type(r.json, "generateDeploymentLicense");
	cr_expect(type != NULL && is_list_of(json_object_get(type, "apiVersions"), "2022-06-01"),
		  "generateDeploymentLicense came with 2022-06-01: %s", r.body);
	cr_expect_eq(json_array_size(json_object_get(provider_type(r.json, "operations"), "locations")), 0, "%s", r.body);
	harness_http_free(&r);

	/* namespaces are case-insensitive; AzureRM's list of a subscription's providers */
	cr_expect_eq(get_with_token(token, "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/providers/microsoft.azurestack?api-version=2021-04-01", &r), 200, "%s", r.body);
	harness_http_free(&r);
	cr_assert_eq(get_with_token(token, "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/providers?api-version=2016-07-01", &r), 200, "%s", r.body);
	v = json_object_get(r.json, "value");
	cr_expect(json_array_size(v) == 1 && strcmp(member(json_array_get(v, 0), "id"), PROVIDER_PATH) == 0, "%s", r.body);
	harness_http_free(&r);

	/* tenant level: the same types, no subscription in the id, no registration state */
	cr_assert_eq(get_with_token(token, "/providers/Microsoft.AzureStack?api-version=2021-04-01", &r), 200, "%s", r.body);
	cr_expect_str_eq(member(r.json, "id"), "/providers/Microsoft.AzureStack");
	cr_expect_null(json_object_get(r.json, "registrationState"), "%s", r.body);
	cr_expect_eq(json_array_size(json_object_get(provider_type(r.json, "registrations/customerSubscriptions"), "apiVersions")), 3, "%s", r.body);
	harness_http_free(&r);
	cr_assert_eq(get_with_token(token, "/providers?api-version=2021-04-01", &r), 200, "%s", r.body);
	cr_expect_eq(json_array_size(json_object_get(r.json, "value")), 1, "%s", r.body);
	harness_http_free(&r);

	/* what ARM refuses (the emulator knows Microsoft.AzureStack only: a made-up namespace) */
	cr_expect_eq(get_with_token(token, "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/providers/Microsoft.NoSuchProvider?api-version=2021-04-01", &r), 404, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "InvalidResourceNamespace");
	harness_http_free(&r);
	cr_expect_eq(get_with_token(token, "/subscriptions/99999999-9999-9999-9999-999999999999/providers/Microsoft.AzureStack?api-version=2021-04-01", &r), 404, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "SubscriptionNotFound");
	harness_http_free(&r);
	cr_expect_eq(get_with_token(token, PROVIDER_PATH "?api-version=banana", &r), 400, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "InvalidApiVersionParameter");
	harness_http_free(&r);
	cr_expect_eq(get_with_token(token, PROVIDER_PATH, &r), 400, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "MissingApiVersionParameter");
	harness_http_free(&r);
	{
		char auth[4096];
		const char *hdrs[] = { auth, NULL };
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		cr_expect_eq(harness_https(&emu, "PUT", PROVIDER_PATH "?api-version=2021-04-01", hdrs, "{}", "application/json", &r), 405, "%s", r.body);
		harness_http_free(&r);
		cr_expect_eq(harness_https(&emu, "GET", PROVIDER_PATH "?api-version=2021-04-01", NULL, NULL, NULL, &r), 401, "%s", r.body);
		harness_http_free(&r);
	}
	free(token);
}

/* ---- token signatures and identity documents (issue 10, item 8) --------------------------- */

/* The bytes that `len` characters of base64url at `text` encode (malloc'd), NULL if none. */
static unsigned char *b64url_bytes(const char *text, size_t len, size_t *out_len)
{
	char *b64 = malloc(len + 4);
	unsigned char *out = malloc(len + 4);
	size_t i, n = len;
	int got;

	if (b64 == NULL || out == NULL) {
		free(b64);
		free(out);
		return NULL;
	}
	for (i = 0; i < len; i++)
		b64[i] = text[i] == '-' ? '+' : text[i] == '_' ? '/'
							       : text[i];
	while (n % 4 != 0)
		b64[n++] = '=';
	got = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	free(b64);
	if (got < 0) {
		free(out);
		return NULL;
	}
	*out_len = (size_t)got - (len % 4 == 2 ? 2 : len % 4 == 3 ? 1
								  : 0);
	return out;
}

/* 1 when `jwt` is RS256 with header kid = the JWK's kid and a signature the JWK's n/e verify. */
static int rs256_verifies(const char *jwt, const json_t *jwk)
{
	const char *n64 = json_string_value(json_object_get(jwk, "n"));
	const char *e64 = json_string_value(json_object_get(jwk, "e"));
	const char *d1 = jwt != NULL ? strchr(jwt, '.') : NULL;
	const char *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
	unsigned char *n = NULL, *e = NULL, *sig = NULL;
	size_t nl = 0, el = 0, sl = 0;
	BIGNUM *bn = NULL, *be = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *m = NULL;
	json_t *hdr = NULL;
	int ok = 0;

	if (n64 == NULL || e64 == NULL || d2 == NULL)
		return 0;
	hdr = harness_b64url_json(jwt, (size_t)(d1 - jwt));
	if (hdr == NULL || strcmp(json_string_value(json_object_get(hdr, "alg")) ? json_string_value(json_object_get(hdr, "alg")) : "", "RS256") != 0 ||
	    !json_equal(json_object_get(hdr, "kid"), json_object_get(jwk, "kid")))
		goto done;
	n = b64url_bytes(n64, strlen(n64), &nl);
	e = b64url_bytes(e64, strlen(e64), &el);
	sig = b64url_bytes(d2 + 1, strlen(d2 + 1), &sl);
	if (n == NULL || e == NULL || sig == NULL)
		goto done;
	bn = BN_bin2bn(n, (int)nl, NULL);
	be = BN_bin2bn(e, (int)el, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (bn == NULL || be == NULL || bld == NULL || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto done;
	pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto done;
	m = EVP_MD_CTX_new();
	ok = m != NULL && EVP_PKEY_get_bits(key) >= 2048 && EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestVerify(m, sig, sl, (const unsigned char *)jwt, (size_t)(d2 - jwt)) == 1;
done:
	EVP_MD_CTX_free(m);
	EVP_PKEY_free(key);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	free(n);
	free(e);
	free(sig);
	json_decref(hdr);
	return ok;
}

static json_t *get_json(const char *path, int want_status)
{
	harness_http r;
	json_t *j;

	cr_assert_eq(harness_https(&emu, "GET", path, NULL, NULL, NULL, &r), want_status, "GET %s: %s", path, r.body);
	j = json_incref(r.json);
	harness_http_free(&r);
	return j;
}

/* The document's `member` is the emulator's base URL + `path`. */
static void expect_url(const json_t *doc, const char *member, const char *path)
{
	char want[512];
	const char *got = json_string_value(json_object_get(doc, member));

	snprintf(want, sizeof want, "%s%s", emu.base_url_noslash, path);
	cr_expect_str_eq(got != NULL ? got : "(none)", want, "%s", member);
}

static int has_string(const json_t *array, const char *want)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
			return 1;
	}
	return 0;
}

/*
 * Tokens are RS256, signed with the key published at the jwks_uri, so a client that checks
 * them (MSAL its id_tokens, a JWT library) accepts them; a token whose signature was changed
 * is refused by ARM. The v1 and v2 OpenID documents each name their own endpoints and
 * issuer, and the issuer is the `iss` of the tokens they stand for: v1 access tokens (ARM
 * takes v1 tokens, so from both endpoints), v2 id_tokens.
 */
Test(emulator, tokens_are_rs256_signed_with_the_key_at_the_jwks_uri)
{
	char want[512], bad[4000];
	const char *base = emu.base_url_noslash;
	json_t *v1, *v2, *adfs, *keys, *jwk, *claims, *id;
	char *token = harness_sample_token(&emu);
	harness_http r;
	size_t len;

	v2 = get_json("/" HARNESS_TENANT_ID "/v2.0/.well-known/openid-configuration", 200);
	expect_url(v2, "issuer", "/" HARNESS_TENANT_ID "/v2.0");
	expect_url(v2, "token_endpoint", "/" HARNESS_TENANT_ID "/oauth2/v2.0/token");
	expect_url(v2, "jwks_uri", "/" HARNESS_TENANT_ID "/discovery/v2.0/keys");
	cr_expect(has_string(json_object_get(v2, "grant_types_supported"), "password"), "no password grant");
	cr_expect(has_string(json_object_get(v2, "id_token_signing_alg_values_supported"), "RS256"));

	v1 = get_json("/" HARNESS_TENANT_ID "/.well-known/openid-configuration", 200);
	expect_url(v1, "issuer", "/" HARNESS_TENANT_ID "/");
	expect_url(v1, "token_endpoint", "/" HARNESS_TENANT_ID "/oauth2/token");
	expect_url(v1, "device_authorization_endpoint", "/" HARNESS_TENANT_ID "/oauth2/devicecode");
	expect_url(v1, "jwks_uri", "/common/discovery/keys");

	adfs = get_json("/adfs/.well-known/openid-configuration", 200);
	expect_url(adfs, "jwks_uri", "/adfs/discovery/keys");

	/* one key, the same at every jwks_uri */
	keys = get_json("/" HARNESS_TENANT_ID "/discovery/v2.0/keys", 200);
	cr_assert_eq(json_array_size(json_object_get(keys, "keys")), 1, "keys: %s", json_dumps(keys, 0));
	jwk = json_array_get(json_object_get(keys, "keys"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(jwk, "kty")), "RSA");
	cr_expect_str_eq(json_string_value(json_object_get(jwk, "use")), "sig");
	{
		json_t *k1 = get_json("/common/discovery/keys", 200), *k2 = get_json("/adfs/discovery/keys", 200);
		cr_expect(json_equal(k1, keys) && json_equal(k2, keys), "the jwks_uris publish different keys");
		json_decref(k1);
		json_decref(k2);
	}
	json_decref(get_json("/no-such-tenant.example/discovery/keys", 400));

	/* an app token (v2 endpoint): RS256 with that key, a v1 token for ARM */
	cr_assert_not_null(token);
	cr_expect(rs256_verifies(token, jwk), "the access token does not verify with the published key");
	claims = harness_jwt_claims(token);
	snprintf(want, sizeof want, "%s/%s/", base, HARNESS_TENANT_ID);
	cr_expect_str_eq(json_string_value(json_object_get(claims, "iss")), want);
	cr_expect_str_eq(json_string_value(json_object_get(claims, "ver")), "1.0");
	json_decref(claims);

	/* a user's id_token from the v2 endpoint: RS256, issuer of the v2 document */
	cr_assert_eq(ropc("/" HARNESS_TENANT_ID "/oauth2/v2.0/token",
			  "grant_type=password&client_id=" PS_CLIENT "&username=" SAMPLE_USER "&password=" SAMPLE_PASSWORD
			  "&scope=" SCOPE_V2 "%20openid",
			  &r),
		     200, "%s", r.body);
	cr_expect(rs256_verifies(json_string_value(json_object_get(r.json, "id_token")), jwk), "the id_token does not verify");
	cr_expect(rs256_verifies(json_string_value(json_object_get(r.json, "access_token")), jwk));
	id = harness_jwt_claims(json_string_value(json_object_get(r.json, "id_token")));
	cr_expect_str_eq(json_string_value(json_object_get(id, "iss")), json_string_value(json_object_get(v2, "issuer")));
	cr_expect_str_eq(json_string_value(json_object_get(id, "ver")), "2.0");
	json_decref(id);
	harness_http_free(&r);

	/* the signature's last character changed: ARM refuses the token */
	len = strlen(token);
	cr_assert_lt(len, sizeof bad);
	memcpy(bad, token, len + 1);
	bad[len - 2] = bad[len - 2] == 'A' ? 'B' : 'A';
	cr_expect(!rs256_verifies(bad, jwk));
	cr_expect_eq(get_registration(bad, &r), 401, "%s", r.body);
	cr_expect_str_eq(arm_code(&r), "InvalidAuthenticationToken");
	harness_http_free(&r);
	cr_expect_eq(get_registration(token, &r), 200, "%s", r.body);
	harness_http_free(&r);

	json_decref(v1);
	json_decref(v2);
	json_decref(adfs);
	json_decref(keys);
	free(token);
}
