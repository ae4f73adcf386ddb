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
	c = harness_client_new(&emu, &p); /* discovery uses the right CA; the client the wrong one */
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
	rc = azsreg_environment_discover_with(&env, "AzsEmulator", emu.base_url, &(azsreg_discovery_options){ .version = AZSREG_DISCOVERY_OPTIONS_VERSION, .ca_file = other.ca_file });
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

/* ---- CA from the environment: CURL_CA_BUNDLE, SSL_CERT_FILE, neither ------------------- */
/* CI sets SSL_CERT_FILE to the system bundle: each test starts with both unset. */

static void ca_env_setup(void)
{
	unsetenv("SSL_CERT_FILE");
	unsetenv("CURL_CA_BUNDLE");
	fixture_setup();
}

TestSuite(tls_env, .init = ca_env_setup, .fini = fixture_teardown, .timeout = 120);

/* discovery and client without ca_file: the variables alone decide */
static int env_ca_round_trip(azsreg_client **out_client)
{
	harness_client_params p;
	char *out = NULL;
	int rc;
	memset(&p, 0, sizeof p);
	p.ca_from_env = 1;
	cr_assert_eq(harness_reset_counters(&emu), 0);
	*out_client = harness_client_new(&emu, &p);
	if (*out_client == NULL)
		return azsreg_error_last()->code;
	rc = azsreg_customer_put(&out, *out_client, HARNESS_REGISTRATION_ID, CUST, NULL);
	azsreg_free(out);
	return rc;
}

Test(tls_env, curl_ca_bundle_alone_works)
{
	azsreg_client *c = NULL;
	cr_assert_eq(setenv("CURL_CA_BUNDLE", emu.ca_file, 1), 0);
	cr_assert_eq(env_ca_round_trip(&c), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/metadata/endpoints"), 1);
	ASSERT_MAPPINGS(CUST);
	azsreg_client_free(c);
}

Test(tls_env, ssl_cert_file_alone_works)
{
	azsreg_client *c = NULL;
	cr_assert_eq(setenv("SSL_CERT_FILE", emu.ca_file, 1), 0);
	cr_assert_eq(env_ca_round_trip(&c), AZSREG_OK, "%s", azsreg_error_last()->message);
	ASSERT_MAPPINGS(CUST);
	azsreg_client_free(c);
}

Test(tls_env, ssl_cert_file_wins_over_a_wrong_curl_ca_bundle)
{
	azsreg_client *c = NULL;
	char path[HARNESS_PATH_MAX + 32];
	cr_assert_eq(harness_path(path, sizeof path, &emu, "unrelated-ca.pem"), 0);
	cr_assert_eq(harness_write_unrelated_ca(path), 0);
	cr_assert_eq(setenv("SSL_CERT_FILE", emu.ca_file, 1), 0);
	cr_assert_eq(setenv("CURL_CA_BUNDLE", path, 1), 0);
	cr_assert_eq(env_ca_round_trip(&c), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_client_free(c);
}

Test(tls_env, neither_variable_is_a_tls_error)
{
	azsreg_client *c = NULL;
	azsreg_environment *env = NULL;
	harness_client_params p;
	char *out = NULL;
	int rc;

	/* discovery: the system store does not know the emulator's CA */
	rc = env_ca_round_trip(&c);
	cr_expect_null(c);
	cr_expect_eq(rc, AZSREG_ETLS, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	/* an operation with explicit endpoints: same, and nothing reaches the emulator */
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "AzsEmulator", emu.base_url, emu.base_url, "https://management.emulator.azsreg.local/" }), AZSREG_OK);
	memset(&p, 0, sizeof p);
	p.ca_from_env = 1;
	p.environment = env;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	rc = azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, NULL);
	azsreg_free(out);
	cr_expect_eq(rc, AZSREG_ETLS, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "requests"), 0);
	ASSERT_MAPPINGS("");
	azsreg_client_free(c);
	azsreg_environment_free(env);
}
