/*
 * Invalid input is refused before anything is sent: the emulator sees no request at all
 * (no token request, no ARM request), and each refusal has a message naming the problem.
 */
#include <stdlib.h>

#include "harness_fixture.h"

#define GOOD_CUST "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"
#define REG_PREFIX "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/azurestack/providers/"

TestSuite(invalid_input, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static const char *const bad_customers[] = {
	"",
	"not-a-guid",
	"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6",
	"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f0",
	"c3d4e5f6a7b84c9d8e0f1a2b3c4d5e6f0000",
	"g3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
	"../c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
	"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f/..",
	"c3d4e5f6%2Da7b8-4c9d-8e0f-1a2b3c4d5e6f",
	" c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
	"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f?x=1",
	NULL,
};

static const char *const bad_registrations[] = {
	"",
	"/",
	"/subscriptions//resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample",
	"/subscriptions/not-a-guid/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample",
	REG_PREFIX "Microsoft.AzureStack/registrations/..",
	REG_PREFIX "Microsoft.AzureStack/registrations/../../x",
	REG_PREFIX "Microsoft.AzureStack/registrations/AzureStack%2Fsample",
	REG_PREFIX "Microsoft.AzureStack/registrations/AzureStack-sample?api-version=1",
	REG_PREFIX "Microsoft.AzureStack/registrations/AzureStack-sample#frag",
	REG_PREFIX "Microsoft.AzureStack/registrations/Azure Stack",
	REG_PREFIX "Microsoft.AzureStack/registrations/AzureStack\tsample",
	REG_PREFIX "Microsoft.AzureStack/registrations/AzureStack\nsample",
	REG_PREFIX "Microsoft.AzureStack//registrations/AzureStack-sample",
	REG_PREFIX "Microsoft.Compute/registrations/AzureStack-sample",
	REG_PREFIX "Microsoft.AzureStack/virtualMachines/AzureStack-sample",
	REG_PREFIX "Microsoft.AzureStack/registrations",
	REG_PREFIX "Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/" GOOD_CUST,
	"/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample",
	NULL,
};

/* After client creation (which discovers the environment), nothing may reach the emulator. */
static void reset(void)
{
	cr_assert_eq(harness_reset_counters(&emu), 0);
}

static void expect_nothing_sent(const char *what)
{
	cr_expect_eq(harness_stat(&emu, "armRequests"), 0, "%s: an ARM request was sent", what);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 0, "%s: a token request was sent", what);
	cr_expect_eq(harness_count_requests(&emu, NULL, "/subscriptions"), 0, "%s", what);
}

static void expect_invalid(int rc, const char *what)
{
	const azsreg_error *e = azsreg_error_last();
	cr_expect_eq(rc, AZSREG_EINVALID, "%s: %s (%s)", what, azsreg_result_name(rc), e->message);
	cr_expect_neq(e->message[0], '\0', "%s: no message", what);
	cr_expect_eq(e->http_status, 0, "%s", what);
}

Test(invalid_input, bad_customer_subscription_ids_send_nothing)
{
	size_t i;
	reset();
	for (i = 0; bad_customers[i] != NULL; i++) {
		char *out = NULL;
		int existed = -1;
		expect_invalid(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, bad_customers[i], NULL),
			       bad_customers[i]);
		cr_expect_null(out);
		expect_invalid(azsreg_customer_get(&out, client, HARNESS_REGISTRATION_ID, bad_customers[i]),
			       bad_customers[i]);
		expect_invalid(azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, bad_customers[i]),
			       bad_customers[i]);
	}
	expect_nothing_sent("bad customer IDs");
	ASSERT_MAPPINGS("");
}

Test(invalid_input, bad_registration_ids_send_nothing)
{
	size_t i;
	reset();
	for (i = 0; bad_registrations[i] != NULL; i++) {
		char *out = NULL;
		expect_invalid(azsreg_customer_put(&out, client, bad_registrations[i], GOOD_CUST, NULL),
			       bad_registrations[i]);
		expect_invalid(azsreg_customer_list(&out, client, bad_registrations[i]), bad_registrations[i]);
		expect_invalid(azsreg_registration_get(&out, client, bad_registrations[i]), bad_registrations[i]);
		cr_expect_null(out);
	}
	expect_nothing_sent("bad registration IDs");
	ASSERT_MAPPINGS("");
}

Test(invalid_input, over_long_ids_send_nothing)
{
	char *longid = malloc(AZSREG_RESOURCE_ID_MAX + 200);
	char *out = NULL;
	size_t n;
	cr_assert_not_null(longid);
	n = (size_t)snprintf(longid, AZSREG_RESOURCE_ID_MAX + 200, "%s", REG_PREFIX "Microsoft.AzureStack/registrations/");
	memset(longid + n, 'a', AZSREG_RESOURCE_ID_MAX + 100 - n);
	longid[AZSREG_RESOURCE_ID_MAX + 100] = '\0';
	reset();
	expect_invalid(azsreg_customer_put(&out, client, longid, GOOD_CUST, NULL), "over-long registration ID");
	expect_invalid(azsreg_resource_request(&out, NULL, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", longid, AZSREG_API_VERSION, NULL, NULL, 0 }),
		       "over-long resource ID");
	expect_nothing_sent("over-long IDs");
	free(longid);
}

Test(invalid_input, generic_request_with_bad_resource_ids_sends_nothing)
{
	static const char *const bad[] = {
		"/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/../providers/x",
		"/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/a%2F..",
		"/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups//x",
		"/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/x?y",
		"https://evil.example/subscriptions/" HARNESS_REG_SUBSCRIPTION,
		NULL,
	};
	size_t i;
	reset();
	for (i = 0; bad[i] != NULL; i++) {
		char *out = NULL;
		int status = -1;
		expect_invalid(azsreg_resource_request(&out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", bad[i], AZSREG_API_VERSION, NULL, NULL, 0 }), bad[i]);
		cr_expect_null(out);
	}
	expect_nothing_sent("generic request");
}

Test(invalid_input, a_good_call_afterwards_is_sent)
{
	char *out = NULL;
	reset();
	cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, GOOD_CUST, NULL), AZSREG_OK,
		     "%s", azsreg_error_last()->message);
	azsreg_free(out);
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/" GOOD_CUST), 1);
	ASSERT_MAPPINGS(GOOD_CUST);
}

/* ---- issue #9 ------------------------------------------------------------------------ */

/* Not a single request reached the emulator (discovery, identity, ARM). */
static void expect_no_request_at_all(const char *what)
{
	json_t *log = harness_requests(&emu);
	cr_expect_eq(harness_stat(&emu, "requests"), 0, "%s: a request was sent", what);
	cr_expect(json_is_array(log) && json_array_size(log) == 0, "%s: the request log is not empty", what);
	json_decref(log);
	expect_nothing_sent(what);
}

/* `pattern` with its "%s" replaced by the emulator's "127.0.0.1:N/" (no other format). */
static void emu_url(char *out, size_t cap, const char *pattern)
{
	const char *hostport = emu.base_url + strlen("https://");
	const char *at = strstr(pattern, "%s");
	size_t a, b, c;
	cr_assert_not_null(at);
	a = (size_t)(at - pattern);
	b = strlen(hostport);
	c = strlen(at + 2);
	cr_assert_lt(a + b + c, cap);
	memcpy(out, pattern, a);
	memcpy(out + a, hostport, b);
	memcpy(out + a + b, at + 2, c + 1);
}

/* Finding 1: user info in an endpoint URL is refused before anything is sent and never shown. */
Test(invalid_input, endpoint_with_userinfo_refused_before_sending)
{
	static const char *const fmts[] = { "https://user:pw-do-not-show@%s", "https://tok-do-not-show@%s", NULL };
	harness_log lg;
	size_t i;

	memset(&lg, 0, sizeof(lg));
	reset();
	for (i = 0; fmts[i] != NULL; i++) {
		char url[256];
		azsreg_environment *env = NULL;
		azsreg_discovery_options o = AZSREG_DISCOVERY_OPTIONS_INIT;
		emu_url(url, sizeof(url), fmts[i]);
		o.ca_file = emu.ca_file;
		o.log_cb = harness_log_cb;
		o.log_payload = &lg;
		o.log_level = AZSREG_LOG_TRACE;
		expect_invalid(azsreg_environment_discover_with(&env, "S", url, &o), url);
		cr_expect_null(env);
		cr_expect(strstr(azsreg_error_last()->message, "user info") != NULL, "%s", azsreg_error_last()->message);
		cr_expect_null(strstr(azsreg_error_last()->message, "do-not-show"), "%s", azsreg_error_last()->message);
		cr_expect_null(strstr(azsreg_error_last_json(), "do-not-show"));
		expect_invalid(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "S", url, emu.base_url, NULL }), url);
		cr_expect_null(strstr(azsreg_error_last()->message, "do-not-show"), "%s", azsreg_error_last()->message);
		expect_invalid(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "S", emu.base_url, url, NULL }), url);
		cr_expect_null(strstr(azsreg_error_last()->message, "do-not-show"), "%s", azsreg_error_last()->message);
	}
	cr_expect(lg.text == NULL || strstr(lg.text, "do-not-show") == NULL, "the log shows the user info: %s", lg.text);
	harness_log_free(&lg);
	expect_no_request_at_all("endpoint with user info");
}

/* Finding 3: a query, a fragment or a dot segment in an endpoint URL is refused, naming the part. */
Test(invalid_input, endpoint_with_query_fragment_or_dot_segment_refused_before_sending)
{
	static const struct {
		const char *fmt, *part;
	} bad[] = {
		{ "https://%s?x=1", "query" },
		{ "https://%s#frag", "fragment" },
		{ "https://%s../_emulator/", "dot segment" },
		{ "https://%s%2e%2e/_emulator/", "dot segment" },
		{ "https://%s./", "dot segment" },
	};
	size_t i;

	reset();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char url[256];
		azsreg_environment *env = NULL;
		emu_url(url, sizeof(url), bad[i].fmt);
		expect_invalid(azsreg_environment_discover_with(&env, "S", url, &(azsreg_discovery_options){ .version = AZSREG_DISCOVERY_OPTIONS_VERSION, .ca_file = emu.ca_file }), url);
		cr_expect_null(env);
		cr_expect(strstr(azsreg_error_last()->message, bad[i].part) != NULL, "%s: '%s' not in '%s'", url, bad[i].part,
			  azsreg_error_last()->message);
		expect_invalid(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "S", url, emu.base_url, NULL }), url);
		cr_expect(strstr(azsreg_error_last()->message, bad[i].part) != NULL, "%s", azsreg_error_last()->message);
		expect_invalid(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "S", emu.base_url, url, NULL }), url);
		cr_expect(strstr(azsreg_error_last()->message, "authority") != NULL, "%s", azsreg_error_last()->message);
	}
	expect_no_request_at_all("endpoint with a query, fragment or dot segment");
}

/* Finding 3: managed identity endpoints (IDENTITY_ENDPOINT / MSI_ENDPOINT / the option) get the same checks. */
Test(invalid_input, managed_identity_endpoint_with_userinfo_query_or_dot_segment_refused)
{
	static const struct {
		const char *fmt, *part;
	} bad[] = {
		{ "https://u:pw-do-not-show@%smsi/token", "user info" },
		{ "https://%smsi/token?x=1", "query" },
		{ "https://%smsi/token#f", "fragment" },
		{ "https://%s../_emulator/token", "dot segment" },
	};
	size_t i;

	reset();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char url[256];
		azsreg_credential *cred = NULL;
		azsreg_managed_identity_options mo = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
		emu_url(url, sizeof(url), bad[i].fmt);
		mo.identity_header = "hdr-value";
		/* the option */
		mo.identity_endpoint = url;
		expect_invalid(azsreg_credential_managed_identity_new(&cred, &mo), url);
		cr_expect_null(cred);
		cr_expect(strstr(azsreg_error_last()->message, bad[i].part) != NULL, "%s: %s", url, azsreg_error_last()->message);
		cr_expect_null(strstr(azsreg_error_last()->message, "do-not-show"), "%s", azsreg_error_last()->message);
		/* IDENTITY_ENDPOINT and MSI_ENDPOINT */
		mo.identity_endpoint = NULL;
		setenv("IDENTITY_ENDPOINT", url, 1);
		expect_invalid(azsreg_credential_managed_identity_new(&cred, &mo), url);
		cr_expect(strstr(azsreg_error_last()->message, "IDENTITY_ENDPOINT") != NULL, "%s", azsreg_error_last()->message);
		unsetenv("IDENTITY_ENDPOINT");
		setenv("MSI_ENDPOINT", url, 1);
		expect_invalid(azsreg_credential_managed_identity_new(&cred, &mo), url);
		cr_expect(strstr(azsreg_error_last()->message, "MSI_ENDPOINT") != NULL, "%s", azsreg_error_last()->message);
		unsetenv("MSI_ENDPOINT");
		/* the IMDS endpoint */
		mo.imds_endpoint = url;
		expect_invalid(azsreg_credential_managed_identity_new(&cred, &mo), url);
		cr_expect(strstr(azsreg_error_last()->message, bad[i].part) != NULL, "%s: %s", url, azsreg_error_last()->message);
	}
	expect_no_request_at_all("managed identity endpoints");
}

/* Finding 2: an empty or blank tenant would send {"properties":{}} and erase the mapping's tenant. */
Test(invalid_input, empty_or_blank_tenant_refused_before_sending)
{
	static const char *const blanks[] = { "", "   ", "\t", NULL };
	size_t i;

	reset();
	for (i = 0; blanks[i] != NULL; i++) {
		char *out = NULL;
		expect_invalid(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, GOOD_CUST, blanks[i]), "blank tenant");
		cr_expect_null(out);
		cr_expect(strstr(azsreg_error_last()->message, "tenant ID is") != NULL, "%s", azsreg_error_last()->message);
	}
	expect_nothing_sent("blank tenant");
	ASSERT_MAPPINGS("");
}

/* Finding 5: a query that sets api-version is refused (it would send two api-version parameters). */
Test(invalid_input, query_setting_api_version_refused_before_sending)
{
	static const char *const bad[] = { "api-version=banana", "$top=1&API-VERSION=2017-06-01", "api%2Dversion=x", NULL };
	size_t i;

	reset();
	for (i = 0; bad[i] != NULL; i++) {
		char *out = NULL;
		int status = -1;
		expect_invalid(azsreg_resource_request(&out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", HARNESS_REGISTRATION_ID, AZSREG_API_VERSION, NULL, bad[i], 0 }), bad[i]);
		cr_expect(strstr(azsreg_error_last()->message, "api-version") != NULL, "%s", azsreg_error_last()->message);
		cr_expect_null(out);
	}
	expect_nothing_sent("api-version in the query");
}

/* Finding 7: CR/LF from input is escaped in the message (no forged lines). */
Test(invalid_input, control_characters_from_input_are_escaped_in_messages)
{
	azsreg_environment *env = NULL;
	char *out = NULL;
	int status = -1;

	reset();
	expect_invalid(azsreg_environment_discover_with(&env, "S", "https://x/\r\nX-Injected: y", &(azsreg_discovery_options){ .version = AZSREG_DISCOVERY_OPTIONS_VERSION, .ca_file = emu.ca_file }), "CR/LF endpoint");
	cr_expect_null(strpbrk(azsreg_error_last()->message, "\r\n"), "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "\\r\\nX-Injected") != NULL, "%s", azsreg_error_last()->message);
	expect_invalid(azsreg_resource_request(&out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GE\r\nT", HARNESS_REGISTRATION_ID, AZSREG_API_VERSION, NULL, NULL, 0 }), "CR/LF method");
	cr_expect_null(strpbrk(azsreg_error_last()->message, "\r\n"), "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "GE\\r\\nT") != NULL, "%s", azsreg_error_last()->message);
	expect_invalid(azsreg_customer_get(&out, client, HARNESS_REGISTRATION_ID, "c3d4e5f6\nX: y"), "newline customer");
	cr_expect_null(strpbrk(azsreg_error_last()->message, "\r\n"), "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "c3d4e5f6\\nX: y") != NULL, "%s", azsreg_error_last()->message);
	expect_no_request_at_all("control characters");
}

/* Finding 10: the emulator's PUT /_emulator/config refuses out-of-range values, naming the field. */
Test(invalid_input, emulator_config_refuses_bad_values_naming_the_field)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
		{ "{\"pageSize\":0}", "pageSize" },
		{ "{\"pageSize\":-1}", "pageSize" },
		{ "{\"pageSize\":2.5}", "pageSize" },
		{ "{\"latencyMs\":\"x\"}", "latencyMs" },
		{ "{\"latencyMs\":-5}", "latencyMs" },
		{ "{\"tokenLifetimeSeconds\":-1}", "tokenLifetimeSeconds" },
		{ "{\"tokenLifetimeSeconds\":0}", "tokenLifetimeSeconds" },
		{ "{\"deviceCodeLifetimeSeconds\":-60}", "deviceCodeLifetimeSeconds" },
		{ "{\"deviceCodeInterval\":-1}", "deviceCodeInterval" },
		{ "{\"lro\":{\"polls\":-1}}", "lro.polls" },
		{ "{\"throttle\":{\"reads\":{\"perSecond\":-1}}}", "throttle.reads.perSecond" },
		{ "{\"pageSize\":null}", "pageSize" },
		{ "{\"pageSize\":5,\"latencyMs\":-1}", "latencyMs" },
	};
	json_t *before, *after, *ans;
	size_t i;

	before = NULL;
	cr_assert_eq(harness_control(&emu, "GET", "/config", NULL, &before), 200);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *err;
		ans = NULL;
		cr_expect_eq(harness_control(&emu, "PUT", "/config", bad[i].body, &ans), 400, "%s", bad[i].body);
		err = json_object_get(ans, "error");
		cr_expect_str_eq(json_string_value(json_object_get(err, "target")), bad[i].field, "%s", bad[i].body);
		cr_expect(json_string_value(json_object_get(err, "message")) != NULL &&
				  strstr(json_string_value(json_object_get(err, "message")), bad[i].field) != NULL,
			  "%s", bad[i].body);
		json_decref(ans);
	}
	after = NULL;
	cr_assert_eq(harness_control(&emu, "GET", "/config", NULL, &after), 200);
	cr_expect(json_equal(before, after), "a refused config changed the config");
	/* good values are still taken */
	cr_expect_eq(harness_config(&emu, "{\"pageSize\":3,\"latencyMs\":0,\"lro\":{\"polls\":0}}"), 0);
	json_decref(before);
	json_decref(after);
}

/* ---- issue 9, finding 4: every input is checked before discovery and sign-in ------------ */

/* A credential that sends nothing on its own (a ready token). */
static azsreg_credential *token_credential(void)
{
	azsreg_credential *cred = NULL;
	cr_assert_eq(azsreg_credential_access_token_new(&cred, "not-a-real-token"), AZSREG_OK, "%s", azsreg_error_last()->message);
	return cred;
}

/* The customer's tenant: a GUID or a domain name, refused by azsreg_tenant_check and by
 * azsreg_customer_put before anything (tenant resolution included) is sent. */
Test(invalid_input, customer_tenant_not_a_tenant_refused_before_sending)
{
	static const char *const bad[] = { "not a tenant", "contoso", "{11111111-1111-1111-1111-11111111111}", "a..b.com",
					   "x/../y.com", NULL };
	size_t i;

	reset();
	for (i = 0; bad[i] != NULL; i++) {
		char *out = NULL;
		expect_invalid(azsreg_tenant_check(bad[i]), bad[i]);
		expect_invalid(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, GOOD_CUST, bad[i]), bad[i]);
		cr_expect_null(out);
	}
	expect_invalid(azsreg_tenant_check("not a tenant"), "not a tenant");
	cr_expect(strstr(azsreg_error_last()->message, "the tenant \"not a tenant\" is neither a GUID nor a domain name") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_eq(azsreg_tenant_check("contoso.onmicrosoft.com"), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_tenant_check("{11111111-1111-1111-1111-111111111111}"), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_no_request_at_all("customer tenant");
	ASSERT_MAPPINGS("");
}

/* The client options the CLI passes (correlation ID, sign-in tenant) are checked by
 * azsreg_client_options_check, discovery and client creation refuse them too. */
Test(invalid_input, correlation_id_and_sign_in_tenant_checked_before_sending)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_credential *cred = token_credential();
	azsreg_client *c = NULL;

	reset();
	o.ca_file = emu.ca_file;
	o.correlation_id = "not-a-guid";
	expect_invalid(azsreg_client_options_check(&o), "correlation ID");
	cr_expect(strstr(azsreg_error_last()->message, "correlation ID 'not-a-guid' is not a GUID") != NULL, "%s",
		  azsreg_error_last()->message);
	expect_invalid(azsreg_client_new(&c, &o, cred), "correlation ID");
	cr_expect_null(c);
	azsreg_credential_free(cred);
	o.correlation_id = NULL;
	o.tenant_id = "not a tenant";
	expect_invalid(azsreg_client_options_check(&o), "sign-in tenant");
	cr_expect(strstr(azsreg_error_last()->message, "\"not a tenant\" is neither a GUID nor a domain name") != NULL, "%s",
		  azsreg_error_last()->message);
	o.tenant_id = "contoso.onmicrosoft.com";
	cr_expect_eq(azsreg_client_options_check(&o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_client_options_check(NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_no_request_at_all("correlation ID / sign-in tenant");
}

/* Certificate paths that are directories, missing or not certificates, and a malformed
 * AZURE_TENANT_ID: the credential constructors refuse them (parsing sends nothing). */
Test(invalid_input, certificate_path_and_environment_tenant_refused_at_construction)
{
	azsreg_certificate_options co = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *cred = NULL;
	char text_file[HARNESS_PATH_MAX + 32], missing[HARNESS_PATH_MAX + 32];
	FILE *f;

	reset();
	cr_assert_eq(harness_path(text_file, sizeof text_file, &emu, "not-a-cert.pem"), 0);
	cr_assert_eq(harness_path(missing, sizeof missing, &emu, "no-such-cert.pem"), 0);
	f = fopen(text_file, "w");
	cr_assert_not_null(f);
	fputs("just some text, no certificate\n", f);
	fclose(f);
	co.tenant_id = "11111111-1111-1111-1111-111111111111";
	co.client_id = "22222222-2222-2222-2222-222222222222";
	co.certificate_path = emu.dir;
	expect_invalid(azsreg_credential_certificate_new(&cred, &co), "directory");
	cr_expect(strstr(azsreg_error_last()->message, "is a directory, not a certificate file") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_null(cred);
	co.certificate_path = text_file;
	expect_invalid(azsreg_credential_certificate_new(&cred, &co), "text file");
	cr_expect(strstr(azsreg_error_last()->message, "not-a-cert.pem") != NULL, "%s", azsreg_error_last()->message);
	co.certificate_path = missing;
	expect_invalid(azsreg_credential_certificate_new(&cred, &co), "missing file");
	cr_expect(strstr(azsreg_error_last()->message, "no-such-cert.pem") != NULL, "%s", azsreg_error_last()->message);

	cr_assert_eq(setenv("AZURE_CLIENT_ID", "22222222-2222-2222-2222-222222222222", 1), 0);
	cr_assert_eq(setenv("AZURE_CLIENT_CERTIFICATE_PATH", emu.dir, 1), 0);
	cr_assert_eq(setenv("AZURE_TENANT_ID", "11111111-1111-1111-1111-111111111111", 1), 0);
	unsetenv("AZURE_CLIENT_SECRET");
	expect_invalid(azsreg_credential_from_environment(&cred), "AZURE_CLIENT_CERTIFICATE_PATH directory");
	cr_expect(strstr(azsreg_error_last()->message, "AZURE_CLIENT_CERTIFICATE_PATH") != NULL, "%s", azsreg_error_last()->message);
	unsetenv("AZURE_CLIENT_CERTIFICATE_PATH");
	cr_assert_eq(setenv("AZURE_CLIENT_SECRET", "s", 1), 0);
	cr_assert_eq(setenv("AZURE_TENANT_ID", "not a tenant", 1), 0);
	expect_invalid(azsreg_credential_from_environment(&cred), "AZURE_TENANT_ID");
	cr_expect(strstr(azsreg_error_last()->message, "\"not a tenant\" is neither a GUID nor a domain name") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_null(cred);
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_CLIENT_SECRET");
	expect_no_request_at_all("certificate path / AZURE_TENANT_ID");
}

/* ---- issue 9, finding 6: local network settings are input errors, not network errors --- */

static void expect_network_setting_refused(const azsreg_client_options *o, const char *says, const char *what)
{
	azsreg_environment *env = NULL;
	azsreg_credential *cred = token_credential();
	azsreg_client *c = NULL;
	/* discovery's own options, with the client's network settings */
	azsreg_discovery_options d = AZSREG_DISCOVERY_OPTIONS_INIT;

	d.ca_file = o->ca_file;
	d.proxy = o->proxy;

	expect_invalid(azsreg_client_options_check(o), what);
	cr_expect(strstr(azsreg_error_last()->message, says) != NULL, "%s: '%s' not in '%s'", what, says, azsreg_error_last()->message);
	expect_invalid(azsreg_environment_discover_with(&env, "S", emu.base_url, &d), what);
	cr_expect(strstr(azsreg_error_last()->message, says) != NULL, "%s: '%s' not in '%s'", what, says, azsreg_error_last()->message);
	cr_expect_null(env);
	expect_invalid(azsreg_client_new(&c, o, cred), what);
	cr_expect(strstr(azsreg_error_last()->message, says) != NULL, "%s: '%s' not in '%s'", what, says, azsreg_error_last()->message);
	cr_expect_null(c);
	azsreg_credential_free(cred);
}

Test(invalid_input, proxy_and_ca_bundle_problems_refused_before_sending)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	char text_file[HARNESS_PATH_MAX + 32];
	FILE *f;

	reset();
	unsetenv("SSL_CERT_FILE");
	unsetenv("CURL_CA_BUNDLE");
	cr_assert_eq(harness_path(text_file, sizeof text_file, &emu, "not-a-ca.pem"), 0);
	f = fopen(text_file, "w");
	cr_assert_not_null(f);
	fputs("-----BEGIN NOTHING-----\nnot a certificate\n-----END NOTHING-----\n", f);
	fclose(f);

	o.ca_file = emu.ca_file;
	o.proxy = "file:///etc/passwd";
	expect_network_setting_refused(&o, "proxy 'file:///etc/passwd' is not a usable proxy URL: its scheme 'file'", "file proxy");
	o.proxy = "not a url";
	expect_network_setting_refused(&o, "proxy 'not a url' is not a usable proxy URL", "not a url");
	o.proxy = NULL;
	cr_assert_eq(setenv("HTTPS_PROXY", "http://[::1", 1), 0);
	expect_network_setting_refused(&o, "HTTPS_PROXY 'http://[::1' is not a usable proxy URL: '[' without ']'", "HTTPS_PROXY");
	unsetenv("HTTPS_PROXY");

	o.ca_file = emu.dir;
	expect_network_setting_refused(&o, "' is a directory", "CA directory");
	o.ca_file = text_file;
	expect_network_setting_refused(&o, "not-a-ca.pem' has no PEM certificate", "CA not a certificate");
	o.ca_file = NULL;
	cr_assert_eq(setenv("SSL_CERT_FILE", emu.dir, 1), 0);
	expect_network_setting_refused(&o, "SSL_CERT_FILE: CA bundle '", "SSL_CERT_FILE directory");
	cr_expect(strstr(azsreg_error_last()->message, "is a directory") != NULL, "%s", azsreg_error_last()->message);
	unsetenv("SSL_CERT_FILE");
	/* the emulator's CA as SSL_CERT_FILE, and as the option, pass */
	cr_assert_eq(setenv("SSL_CERT_FILE", emu.ca_file, 1), 0);
	cr_expect_eq(azsreg_client_options_check(&o), AZSREG_OK, "%s", azsreg_error_last()->message);
	unsetenv("SSL_CERT_FILE");
	o.ca_file = emu.ca_file;
	o.proxy = "http://user:pw@proxy.example:3128";
	cr_expect_eq(azsreg_client_options_check(&o), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_no_request_at_all("proxy / CA bundle");
}
