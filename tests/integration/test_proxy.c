/*
 * Proxies end to end through the library, with the loopback CONNECT proxy of proxy.c:
 * an explicit proxy option and HTTPS_PROXY route every ARM and token request through it
 * (every TLS connection the emulator accepted came through a tunnel), NO_PROXY bypasses
 * it, credentials in the proxy URL work and never show in a log or an error, a 407 is not
 * retried (one CONNECT) and the error names the proxy, and managed identity over IMDS is
 * never proxied even with every proxy variable set. Discovery (azsreg_environment_discover_with)
 * goes through the proxy option as well.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "proxy.h"

#define AUDIENCE "https://management.emulator.azsreg.local/"
#define CUST "b0b0b0b0-1111-4222-8333-944444444444"
#define PROXY_USER "proxyuser"
#define PROXY_PASSWORD "proxy-pass-do-not-log-7731"
/* base64("proxyuser:proxy-pass-do-not-log-7731") */
#define PROXY_BASIC "cHJveHl1c2VyOnByb3h5LXBhc3MtZG8tbm90LWxvZy03NzMx"

static harness_emulator emu;
static test_proxy *proxy;
static azsreg_environment *env;

static void clear_proxy_env(void)
{
	static const char *const names[] = { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
					     "all_proxy", "NO_PROXY", "no_proxy", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
					     "MSI_ENDPOINT", "MSI_SECRET", "AZSREG_IMDS_ENDPOINT" };
	size_t i;
	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		unsetenv(names[i]);
}

static void setup_plain(void)
{
	clear_proxy_env();
	cr_assert_eq(harness_emulator_start(&emu, NULL), 0, "the emulator did not start");
	/* explicit endpoints: no discovery request (that one is not under test here) */
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "AzsEmulator", emu.base_url, emu.base_url, AUDIENCE }), AZSREG_OK, "%s",
		     azsreg_error_last()->message);
}

static void setup_open(void)
{
	setup_plain();
	proxy = test_proxy_start(NULL, NULL);
	cr_assert_not_null(proxy);
}

static void setup_auth(void)
{
	setup_plain();
	proxy = test_proxy_start(PROXY_USER, PROXY_PASSWORD);
	cr_assert_not_null(proxy);
}

static void teardown(void)
{
	test_proxy_stop(proxy);
	proxy = NULL;
	azsreg_environment_free(env);
	env = NULL;
	cr_expect_eq(harness_emulator_stop(&emu), 0, "the emulator did not stop cleanly");
	clear_proxy_env();
}

TestSuite(proxy_open, .init = setup_open, .fini = teardown, .timeout = 120);
TestSuite(proxy_auth, .init = setup_auth, .fini = teardown, .timeout = 120);

static azsreg_client *client_with(const char *proxy_url, harness_log *log, int max_retries)
{
	harness_client_params p;
	azsreg_client *c;
	memset(&p, 0, sizeof p);
	p.environment = env;
	p.proxy = proxy_url;
	p.max_retries = max_retries;
	if (log != NULL) {
		p.log_cb = harness_log_cb;
		p.log_payload = log;
		p.log_level = AZSREG_LOG_TRACE;
	}
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "no client: %s", azsreg_error_last()->message);
	return c;
}

/* register, get, list: one token request and three ARM requests at least */
static int round_trip(azsreg_client *c)
{
	char *out = NULL;
	int rc = azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, CUST, NULL);
	azsreg_free(out);
	out = NULL;
	if (rc == AZSREG_OK)
		rc = azsreg_customer_get(&out, c, HARNESS_REGISTRATION_ID, CUST);
	azsreg_free(out);
	out = NULL;
	if (rc == AZSREG_OK)
		rc = azsreg_customer_list(&out, c, HARNESS_REGISTRATION_ID);
	azsreg_free(out);
	return rc;
}

static void emu_target(char *buf, size_t cap)
{
	snprintf(buf, cap, "127.0.0.1:%d", emu.port);
}

/* Every TLS connection the emulator accepted came through the proxy, and the emulator saw
 * the token request and the ARM requests. */
static void expect_all_through_proxy(void)
{
	test_proxy_counts pc = test_proxy_get_counts(proxy);
	char target[64];
	long tls = harness_stat(&emu, "tlsConnections");
	emu_target(target, sizeof target);
	cr_expect_geq(pc.tunnels, 1, "the proxy opened no tunnel");
	cr_expect_eq(tls, pc.tunnels, "the emulator accepted %ld TLS connections, the proxy tunnelled %ld", tls, pc.tunnels);
	cr_expect_eq(test_proxy_target_count(proxy, target), pc.connects, "CONNECT to another target than %s", target);
	cr_expect_eq(pc.refused, 0);
	cr_expect_geq(harness_stat(&emu, "tokenRequests"), 1);
	cr_expect_geq(harness_stat(&emu, "armRequests"), 3);
	cr_expect_geq(harness_count_requests(&emu, "POST", "/oauth2/v2.0/token"), 1, "the token request did not arrive");
}

Test(proxy_open, explicit_proxy_option_routes_token_and_arm_requests)
{
	azsreg_client *c = client_with(test_proxy_url(proxy), NULL, 0);
	cr_assert_eq(round_trip(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_all_through_proxy();
	azsreg_client_free(c);
}

Test(proxy_open, https_proxy_variable_routes_them)
{
	azsreg_client *c;
	cr_assert_eq(setenv("HTTPS_PROXY", test_proxy_url(proxy), 1), 0);
	c = client_with(NULL, NULL, 0);
	cr_assert_eq(round_trip(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_all_through_proxy();
	azsreg_client_free(c);
}

Test(proxy_open, no_proxy_bypasses_the_proxy)
{
	azsreg_client *c;
	cr_assert_eq(setenv("HTTPS_PROXY", test_proxy_url(proxy), 1), 0);
	cr_assert_eq(setenv("NO_PROXY", "127.0.0.1", 1), 0);
	c = client_with(NULL, NULL, 0);
	cr_assert_eq(round_trip(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(test_proxy_get_counts(proxy).connections, 0, "the proxy was used despite NO_PROXY");
	cr_expect_geq(harness_stat(&emu, "tlsConnections"), 1);
	azsreg_client_free(c);
}

Test(proxy_open, imds_is_never_proxied)
{
	azsreg_managed_identity_options mo = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	azsreg_credential *cred = NULL;
	harness_client_params p;
	azsreg_client *c;
	char imds[128], imds_target[64];
	json_t *reqs, *r;
	size_t i;
	long imds_seen = 0;

	snprintf(imds, sizeof imds, "http://127.0.0.1:%d", emu.http_port);
	snprintf(imds_target, sizeof imds_target, "127.0.0.1:%d", emu.http_port);
	cr_assert_eq(setenv("AZSREG_IMDS_ENDPOINT", imds, 1), 0);
	cr_assert_eq(setenv("http_proxy", test_proxy_url(proxy), 1), 0);
	cr_assert_eq(setenv("HTTP_PROXY", test_proxy_url(proxy), 1), 0);
	cr_assert_eq(setenv("HTTPS_PROXY", test_proxy_url(proxy), 1), 0);
	cr_assert_eq(setenv("ALL_PROXY", test_proxy_url(proxy), 1), 0);
	cr_assert_eq(azsreg_credential_managed_identity_new(&cred, &mo), AZSREG_OK, "%s", azsreg_error_last()->message);
	memset(&p, 0, sizeof p);
	p.environment = env;
	p.credential = cred;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(round_trip(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "byManagedIdentity"), 1);
	reqs = harness_requests(&emu);
	json_array_foreach(reqs, i, r)
	{
		const char *path = json_string_value(json_object_get(r, "path"));
		if (path != NULL && strstr(path, "/metadata/identity/oauth2/token") != NULL) {
			imds_seen++;
			cr_expect_str_eq(json_string_value(json_object_get(r, "listener")), "http");
		}
	}
	json_decref(reqs);
	cr_expect_eq(imds_seen, 1, "IMDS saw %ld requests", imds_seen);
	/* the proxy carried ARM (so the variables were in effect) but nothing for IMDS */
	cr_expect_geq(test_proxy_get_counts(proxy).tunnels, 1, "ARM did not go through the proxy");
	cr_expect_eq(test_proxy_get_counts(proxy).refused, 0, "the proxy got a plain HTTP (IMDS) request");
	cr_expect_eq(test_proxy_target_count(proxy, imds_target), 0, "the proxy got a CONNECT to IMDS");
	azsreg_client_free(c);
	azsreg_credential_free(cred);
}

static void expect_no_proxy_secret(const char *text, const char *where)
{
	if (text == NULL)
		return;
	cr_expect_null(strstr(text, PROXY_PASSWORD), "%s shows the proxy password", where);
	cr_expect_null(strstr(text, PROXY_BASIC), "%s shows the proxy credentials (base64)", where);
}

Test(proxy_auth, credentials_in_the_proxy_url_work_and_never_show)
{
	char url[256];
	harness_log log = { 0 };
	azsreg_client *c;
	char *out = NULL;
	int rc;

	snprintf(url, sizeof url, "http://" PROXY_USER ":" PROXY_PASSWORD "@127.0.0.1:%d", test_proxy_port(proxy));
	c = client_with(url, &log, 0);
	cr_assert_eq(round_trip(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_all_through_proxy();
	cr_expect_eq(test_proxy_get_counts(proxy).rejected_auth, 0);
	cr_expect_geq(test_proxy_get_counts(proxy).auth_headers, 1);
	/* an error through the proxy */
	rc = azsreg_customer_get(&out, c, HARNESS_REGISTRATION_ID, "dead0000-0000-4000-8000-000000000000");
	azsreg_free(out);
	cr_expect_eq(rc, AZSREG_ENOTFOUND);
	expect_no_proxy_secret(azsreg_error_last()->message, "the error message");
	expect_no_proxy_secret(azsreg_error_last_json(), "the error JSON");
	cr_expect_gt(log.lines, 0);
	expect_no_proxy_secret(log.text, "the TRACE log");
	{
		char *stats = NULL;
		if (azsreg_client_stats(&stats, c) == AZSREG_OK)
			expect_no_proxy_secret(stats, "the client stats");
		azsreg_free(stats);
	}
	azsreg_client_free(c);
	harness_log_free(&log);
}

/* A 407 is final: one CONNECT, no retry, nothing reaches the emulator, the error names
 * the proxy (127.0.0.1:<port>) and the 407, and a wrong password never shows. */
static void expect_407_once(const char *url)
{
	harness_log log = { 0 };
	azsreg_client *c = client_with(url, &log, 3);
	char proxy_hostport[64];
	const azsreg_error *e;
	int rc;

	snprintf(proxy_hostport, sizeof proxy_hostport, "127.0.0.1:%d", test_proxy_port(proxy));
	rc = round_trip(c);
	e = azsreg_error_last();
	cr_expect_neq(rc, AZSREG_OK);
	cr_expect(rc == AZSREG_ENETWORK || rc == AZSREG_EAUTH, "result %s: %s", azsreg_result_name(rc), e->message);
	cr_expect_eq(test_proxy_get_counts(proxy).connects, 1, "CONNECT sent %ld times (a 407 must not be retried)",
		     test_proxy_get_counts(proxy).connects);
	cr_expect_eq(test_proxy_get_counts(proxy).rejected_auth, 1);
	cr_expect_eq(test_proxy_get_counts(proxy).tunnels, 0);
	cr_expect_eq(harness_stat(&emu, "requests"), 0, "a request reached the emulator");
	cr_expect_not_null(strstr(e->message, "407"), "the error does not say 407: %s", e->message);
	cr_expect_not_null(strstr(e->message, proxy_hostport), "the error does not name the proxy %s: %s", proxy_hostport,
			   e->message);
	expect_no_proxy_secret(e->message, "the error message");
	cr_expect_null(strstr(e->message, "wrong-proxy-pass-do-not-log"), "the error shows the password: %s", e->message);
	cr_expect_null(strstr(log.text != NULL ? log.text : "", "wrong-proxy-pass-do-not-log"), "the log shows the password");
	azsreg_client_free(c);
	harness_log_free(&log);
}

Test(proxy_auth, missing_credentials_407_is_not_retried_and_names_the_proxy)
{
	expect_407_once(test_proxy_url(proxy));
}

Test(proxy_auth, wrong_credentials_407_is_not_retried)
{
	char url[256];
	snprintf(url, sizeof url, "http://" PROXY_USER ":wrong-proxy-pass-do-not-log@127.0.0.1:%d", test_proxy_port(proxy));
	expect_407_once(url);
}

/* The proxy itself refuses what is not CONNECT to 127.0.0.1 (a self-check of the tool). */
Test(proxy_open, the_test_proxy_refuses_other_destinations)
{
	harness_client_params p;
	azsreg_environment *other = NULL;
	azsreg_client *c;
	char *out = NULL;
	memset(&p, 0, sizeof p);
	cr_assert_eq(azsreg_environment_custom(&other, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Elsewhere", "https://localhost:1/", "https://localhost:1/", AUDIENCE }),
		     AZSREG_OK);
	p.environment = other;
	p.proxy = test_proxy_url(proxy);
	p.max_retries = -1;
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c);
	cr_expect_neq(azsreg_registration_get(&out, c, HARNESS_REGISTRATION_ID), AZSREG_OK);
	azsreg_free(out);
	cr_expect_eq(test_proxy_get_counts(proxy).refused, 1);
	cr_expect_eq(test_proxy_get_counts(proxy).tunnels, 0);
	azsreg_client_free(c);
	azsreg_environment_free(other);
}

/* Discovery honours the proxy option too: the metadata request goes through the tunnel. */
Test(proxy_open, discovery_with_the_proxy_option_goes_through_it)
{
	azsreg_discovery_options o = AZSREG_DISCOVERY_OPTIONS_INIT;
	azsreg_environment *found = NULL;
	harness_client_params p;
	azsreg_client *c;

	o.ca_file = emu.ca_file;
	o.proxy = test_proxy_url(proxy);
	cr_assert_eq(azsreg_environment_discover_with(&found, "AzsEmulator", emu.base_url, &o), AZSREG_OK, "%s",
		     azsreg_error_last()->message);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/metadata/endpoints"), 1);
	cr_expect_geq(test_proxy_get_counts(proxy).tunnels, 1, "discovery did not use the proxy");
	cr_expect_eq(harness_stat(&emu, "tlsConnections"), test_proxy_get_counts(proxy).tunnels);
	/* and the discovered environment works through the same proxy */
	memset(&p, 0, sizeof p);
	p.environment = found;
	p.proxy = test_proxy_url(proxy);
	c = harness_client_new(&emu, &p);
	cr_assert_not_null(c, "%s", azsreg_error_last()->message);
	cr_assert_eq(round_trip(c), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_all_through_proxy();
	azsreg_client_free(c);
	azsreg_environment_free(found);
}

/* A 407 during discovery: one CONNECT, the error names the proxy. */
Test(proxy_auth, discovery_407_is_not_retried)
{
	azsreg_discovery_options o = AZSREG_DISCOVERY_OPTIONS_INIT;
	azsreg_environment *found = NULL;
	char hostport[64];
	int rc;

	snprintf(hostport, sizeof hostport, "127.0.0.1:%d", test_proxy_port(proxy));
	o.ca_file = emu.ca_file;
	o.proxy = test_proxy_url(proxy);
	o.max_retries = 3;
	rc = azsreg_environment_discover_with(&found, "AzsEmulator", emu.base_url, &o);
	cr_expect_null(found);
	cr_expect_neq(rc, AZSREG_OK);
	cr_expect_eq(test_proxy_get_counts(proxy).connects, 1, "CONNECT sent %ld times", test_proxy_get_counts(proxy).connects);
	cr_expect_not_null(strstr(azsreg_error_last()->message, hostport), "%s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "requests"), 0);
}
