/*
 * Secret scan of the native side: a whole scenario logged at TRACE, plus every error
 * message and error JSON, must contain neither the client secret nor any access token
 * (JWTs start with "eyJ"), nor the Authorization header value.
 */
#include "harness_fixture.h"

#include <jansson.h>

#define CUST "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a8b"
#define WRONG_SECRET "wrong-secret-do-not-print-3141"

TestSuite(secret_scan, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static void scan(const char *what, const char *text)
{
	cr_expect_null(strstr(text, HARNESS_CLIENT_SECRET), "%s shows the client secret", what);
	cr_expect_null(strstr(text, WRONG_SECRET), "%s shows the (wrong) client secret", what);
	cr_expect_null(strstr(text, "eyJ"), "%s shows a token (eyJ...)", what);
	cr_expect_null(strstr(text, "client_secret="), "%s shows a client_secret form field", what);
}

Test(secret_scan, trace_log_and_errors_hold_no_secret)
{
	harness_log log = { 0 };
	harness_client_params p;
	azsreg_client *c;
	char *out = NULL;
	int existed = 0;
	int rc;

	memset(&p, 0, sizeof p);
	p.log_cb = harness_log_cb;
	p.log_payload = &log;
	p.log_level = AZSREG_LOG_TRACE;
	p.max_retries = 1;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);

	rc = azsreg_client_sign_in(&out, c);
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	scan("sign-in result", out);
	azsreg_free(out);
	out = NULL;
	cr_assert_eq(azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, HARNESS_TENANT_ID), AZSREG_OK);
	azsreg_free(out);
	out = NULL;
	cr_assert_eq(azsreg_customer_get(&out, c, HARNESS_REGISTRATION_ID, CUST), AZSREG_OK);
	azsreg_free(out);
	out = NULL;
	cr_assert_eq(azsreg_customer_list(&out, c, HARNESS_REGISTRATION_ID), AZSREG_OK);
	azsreg_free(out);
	out = NULL;
	/* a retried failure and an ARM error */
	cr_assert_eq(harness_fault(&emu, "{\"method\":\"GET\",\"pathContains\":\"/customerSubscriptions/\",\"status\":503,\"count\":1}"), 0);
	cr_assert_eq(azsreg_customer_get(&out, c, HARNESS_REGISTRATION_ID, CUST), AZSREG_OK);
	azsreg_free(out);
	out = NULL;
	rc = azsreg_customer_get(&out, c, HARNESS_REGISTRATION_ID, "f6a7b8c9-d0e1-4f2a-8b3c-4d5e6f7a8b9c");
	cr_expect_eq(rc, AZSREG_ENOTFOUND);
	scan("error message", azsreg_error_last()->message);
	scan("error JSON", azsreg_error_last_json());
	cr_assert_eq(azsreg_customer_delete(&existed, c, HARNESS_REGISTRATION_ID, CUST), AZSREG_OK);

	cr_assert_not_null(log.text, "nothing was logged at TRACE");
	cr_expect_geq(log.lines, 10, "only %zu log lines", log.lines);
	cr_expect_not_null(strstr(log.text, "PUT "), "the log has no PUT line:\n%s", log.text);
	cr_expect_not_null(strstr(log.text, "oauth2"), "the token request was not logged:\n%s", log.text);
	scan("TRACE log", log.text);
	azsreg_client_free(c);
	harness_log_free(&log);
}

Test(secret_scan, wrong_secret_fails_without_showing_it)
{
	harness_log log = { 0 };
	harness_client_params p;
	azsreg_client *c;
	char *out = NULL;
	const azsreg_error *e;
	int rc;

	memset(&p, 0, sizeof p);
	p.client_secret = WRONG_SECRET;
	p.log_cb = harness_log_cb;
	p.log_payload = &log;
	p.log_level = AZSREG_LOG_TRACE;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	rc = azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, NULL);
	e = azsreg_error_last();
	cr_expect_eq(rc, AZSREG_EAUTH, "%s: %s", azsreg_result_name(rc), e->message);
	/* azsreg.h says arm_code is the identity `error`; the library reports the AADSTS code
	 * (which carries the hint). Accept either, and require both in the message. */
	cr_expect(strcmp(e->arm_code, "invalid_client") == 0 || strcmp(e->arm_code, "AADSTS7000215") == 0,
		  "arm_code %s", e->arm_code);
	cr_expect_not_null(strstr(e->message, "invalid_client"), "message: %s", e->message);
	cr_expect_not_null(strstr(e->message, "AADSTS7000215"), "message: %s", e->message);
	cr_expect_eq(harness_stat(&emu, "armRequests"), 0, "an ARM request went out without a token");
	scan("error message", e->message);
	scan("error JSON", azsreg_error_last_json());
	if (log.text != NULL)
		scan("TRACE log", log.text);
	ASSERT_MAPPINGS("");
	azsreg_client_free(c);
	harness_log_free(&log);
}
