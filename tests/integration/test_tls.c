/*
 * TLS is always verified: a CA that did not issue the emulator's certificate (another
 * emulator's CA, or an unrelated freshly generated CA) fails with AZSREG_ETLS and a clear
 * message, and nothing reaches ARM.
 */
#include "harness_fixture.h"

#include <strings.h>

#define CUST "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"

TestSuite(tls, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static void expect_tls_failure(const char *ca_file)
{
	harness_client_params p;
	azsreg_client *c;
	char *out = NULL;
	const azsreg_error *e;
	int rc;

	memset(&p, 0, sizeof p);
	p.ca_file = ca_file;
	c = harness_client_new(&emu, &p);   /* discovery uses the right CA; the client the wrong one */
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(harness_reset_counters(&emu), 0);

	rc = azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, NULL);
	e = azsreg_error_last();
	cr_expect_null(out);
	cr_expect_eq(rc, AZSREG_ETLS, "%s: %s", azsreg_result_name(rc), e->message);
	cr_expect_eq(e->code, AZSREG_ETLS);
	cr_expect(strcasestr(e->message, "certificate") != NULL || strcasestr(e->message, "TLS") != NULL,
	          "unclear message: %s", e->message);
	cr_expect_eq(harness_stat(&emu, "armRequests"), 0);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 0);
	ASSERT_MAPPINGS("");
	azsreg_client_free(c);
}

Test(tls, another_emulators_ca_is_refused)
{
	harness_emulator other;
	cr_assert_eq(harness_emulator_start(&other, NULL), 0);
	expect_tls_failure(other.ca_file);
	cr_expect_eq(harness_emulator_stop(&other), 0);
}

Test(tls, an_unrelated_ca_is_refused)
{
	char path[HARNESS_PATH_MAX + 32];
	cr_assert_eq(harness_path(path, sizeof path, &emu, "unrelated-ca.pem"), 0);
	cr_assert_eq(harness_write_unrelated_ca(path), 0);
	expect_tls_failure(path);
}

Test(tls, discovery_with_a_wrong_ca_is_refused)
{
	harness_emulator other;
	azsreg_environment *env = NULL;
	int rc;

	cr_assert_eq(harness_emulator_start(&other, NULL), 0);
	cr_assert_eq(harness_reset_counters(&emu), 0);
	rc = azsreg_environment_discover(&env, "AzsEmulator", emu.base_url, other.ca_file);
	cr_expect_null(env);
	cr_expect_eq(rc, AZSREG_ETLS, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_eq(harness_count_requests(&emu, NULL, "/metadata/endpoints"), 0);
	cr_expect_eq(harness_emulator_stop(&other), 0);
}

Test(tls, the_right_ca_works)
{
	char *out = NULL;
	cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST, NULL), AZSREG_OK,
	             "%s", azsreg_error_last()->message);
	azsreg_free(out);
	ASSERT_MAPPINGS(CUST);
}
