/* environment.c: built-in clouds, custom environments, JSON, copies. */
#include <criterion/criterion.h>
#include <string.h>
#include <stdlib.h>

#include <jansson.h>

#include "internal.h"

#define has(hay, needle) cr_assert(strstr((hay), (needle)) != NULL, "'%s' not in '%s'", (needle), (hay))

static void check_builtin(const char *name, const char *canon, const char *arm, const char *authority)
{
	azsreg_environment *env = (azsreg_environment *)0x1;

	cr_assert_eq(azsreg_environment_builtin(&env, name), 0, "%s: %s", name, azsreg_error_last()->message);
	cr_assert_str_eq(env->name, canon);
	cr_assert_str_eq(env->arm_endpoint, arm);
	cr_assert_str_eq(env->authority, authority);
	cr_assert_str_eq(env->audience, arm, "audience is the ARM URL with a trailing '/'");
	cr_assert_eq(env->is_adfs, 0);
	cr_assert_not_null(env->portal_endpoint);
	azsreg_environment_free(env);
}

Test(environment, builtins_from_wire_facts)
{
	check_builtin("AzureCloud", "AzureCloud", "https://management.azure.com/", "https://login.microsoftonline.com/");
	check_builtin("azurecloud", "AzureCloud", "https://management.azure.com/", "https://login.microsoftonline.com/");
	check_builtin("AzureChinaCloud", "AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/");
	check_builtin("AZUREUSGOVERNMENT", "AzureUSGovernment", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/");
	check_builtin("AzureGermanCloud", "AzureGermanCloud", "https://management.microsoftazure.de/", "https://login.microsoftonline.de/");
}

Test(environment, unknown_builtin)
{
	azsreg_environment *env = (azsreg_environment *)0x1;

	cr_assert_eq(azsreg_environment_builtin(&env, "AzureStackUser"), AZSREG_EINVALID);
	cr_assert_null(env);
	has(azsreg_error_last()->message, "unknown environment 'AzureStackUser'");
	has(azsreg_error_last()->message, "AzureChinaCloud");
	cr_assert_eq(azsreg_environment_builtin(&env, ""), AZSREG_EINVALID);
	cr_assert_eq(azsreg_environment_builtin(&env, NULL), AZSREG_EINVALID);
	cr_assert_eq(azsreg_environment_builtin(NULL, "AzureCloud"), AZSREG_EINVALID);
}

Test(environment, custom_normalises_and_detects_adfs)
{
	azsreg_environment *env = NULL;

	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "AzureStackAdmin", "https://adminmanagement.local.azurestack.external", "https://adfs.local.azurestack.external/adfs", "https://adminmanagement.adfs.azurestack.local/5d7f2d1c-1111-4222-8333-444455556666" }), 0);
	cr_assert_str_eq(env->name, "AzureStackAdmin");
	cr_assert_str_eq(env->arm_endpoint, "https://adminmanagement.local.azurestack.external/");
	cr_assert_str_eq(env->authority, "https://adfs.local.azurestack.external/adfs/");
	cr_assert_str_eq(env->audience, "https://adminmanagement.adfs.azurestack.local/5d7f2d1c-1111-4222-8333-444455556666", "audience verbatim");
	cr_assert_eq(env->is_adfs, 1);
	azsreg_environment_free(env);

	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, NULL, "https://management.local.azurestack.external//", "https://login.microsoftonline.com/", NULL }), 0);
	cr_assert_str_eq(env->name, "Custom");
	cr_assert_str_eq(env->arm_endpoint, "https://management.local.azurestack.external/");
	cr_assert_str_eq(env->authority, "https://login.microsoftonline.com/");
	cr_assert_str_eq(env->audience, "https://management.local.azurestack.external/", "audience defaults to the ARM URL");
	cr_assert_eq(env->is_adfs, 0);
	azsreg_environment_free(env);

	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "e", "https://127.0.0.1:8443", "https://127.0.0.1:8443/ADFS/", "x" }), 0);
	cr_assert_eq(env->is_adfs, 1);
	azsreg_environment_free(env);
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "e", "https://adfs", "https://adfs/", "x" }), 0);
	cr_assert_eq(env->is_adfs, 0, "a host named adfs is not an AD FS path");
	azsreg_environment_free(env);
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "e", "http://127.0.0.1:5000/", "http://localhost:5000/adfsx", "x" }), 0);
	cr_assert_eq(env->is_adfs, 0);
	azsreg_environment_free(env);
}

Test(environment, custom_refuses_bad_urls)
{
	azsreg_environment *env = (azsreg_environment *)0x1;

	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", "http://management.local.azurestack.external/", "https://login/", "a" }), AZSREG_EINVALID);
	cr_assert_null(env);
	has(azsreg_error_last()->message, "environment 'Stack': the ARM endpoint uses plain http://management.local.azurestack.external");
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", "https://arm/", "ftp://login/", "a" }), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "the authority (login endpoint) has the unsupported scheme 'ftp'");
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", NULL, "https://login/", "a" }), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "the ARM endpoint is empty");
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", "management.azure.com", "https://login/", "a" }), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "not an absolute URL");
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", "https://arm/", "https://login/", "" }), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "audience is empty");
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", "https://arm/", "https://login/", "a b" }), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "position 2");
}

/* Issue #9, findings 1 and 3: custom environments refuse user info, queries, fragments, dot segments. */
Test(invalid_input, custom_environment_endpoint_with_userinfo_query_fragment_or_dot_segment_refused)
{
	static const struct {
		const char *arm, *authority, *want;
	} bad[] = {
		{ "https://user:pw-not-shown@arm.example/", "https://login.example/", "the ARM endpoint is not usable: it has user info" },
		{ "https://arm.example/", "https://u:pw-not-shown@login.example/", "the authority (login endpoint) is not usable: it has user info" },
		{ "https://arm.example/?x=1", "https://login.example/", "the ARM endpoint is not usable: it has a query" },
		{ "https://arm.example/", "https://login.example/adfs?x=1", "the authority (login endpoint) is not usable: it has a query" },
		{ "https://arm.example/#f", "https://login.example/", "the ARM endpoint is not usable: it has a fragment" },
		{ "https://arm.example/../x/", "https://login.example/", "the ARM endpoint is not usable: its path has a dot segment" },
		{ "https://arm.example/", "https://login.example/%2e%2e/adfs/", "the authority (login endpoint) is not usable: its path has a dot segment" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		azsreg_environment *env = (azsreg_environment *)0x1;
		cr_expect_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Stack", bad[i].arm, bad[i].authority, NULL }), AZSREG_EINVALID, "%zu", i);
		cr_expect_null(env);
		cr_expect(strstr(azsreg_error_last()->message, bad[i].want) != NULL, "'%s' not in '%s'", bad[i].want,
			  azsreg_error_last()->message);
		cr_expect_null(strstr(azsreg_error_last()->message, "pw-not-shown"));
	}
}

Test(invalid_input, discover_endpoint_with_userinfo_query_or_dot_segment_refused_before_sending)
{
	static const char *const bad[] = {
		"https://user:pw-not-shown@127.0.0.1:9/",
		"https://127.0.0.1:9/?x=1",
		"https://127.0.0.1:9/#f",
		"https://127.0.0.1:9/../_emulator/",
		"https://127.0.0.1:9/%2e%2e/x",
		NULL,
	};
	static const char *const part[] = { "user info", "query", "fragment", "dot segment", "dot segment" };
	size_t i;

	/* Port 9 on loopback: were anything sent, the error would be a network error, not EINVALID. */
	for (i = 0; bad[i] != NULL; i++) {
		azsreg_environment *env = (azsreg_environment *)0x1;
		cr_expect_eq(azsreg_environment_discover_with(&env, "S", bad[i], &(azsreg_discovery_options){ .version = AZSREG_DISCOVERY_OPTIONS_VERSION, .ca_file = NULL }), AZSREG_EINVALID, "%s: %s", bad[i],
			     azsreg_error_last()->message);
		cr_expect_null(env);
		cr_expect(strstr(azsreg_error_last()->message, part[i]) != NULL, "'%s' not in '%s'", part[i], azsreg_error_last()->message);
		cr_expect_null(strstr(azsreg_error_last()->message, "pw-not-shown"), "%s", azsreg_error_last()->message);
		cr_expect_eq(azsreg_error_last()->http_status, 0);
	}
}

/* issue 12, item 1: the options struct is required and versioned; _init gives its defaults */
Test(environment, custom_refuses_options_missing_or_of_another_version)
{
	azsreg_environment *env = NULL;
	azsreg_environment_options o;

	cr_expect_eq(azsreg_environment_custom(&env, NULL), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "options missing or of an unknown version") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_eq(azsreg_environment_options_init(&o, 2), AZSREG_EINVALID);
	cr_assert_eq(azsreg_environment_options_init(&o, AZSREG_ENVIRONMENT_OPTIONS_VERSION), AZSREG_OK);
	cr_expect(o.name == NULL && o.arm_endpoint == NULL && o.authority == NULL && o.audience == NULL);
	o.arm_endpoint = "https://management.local.azurestack.external/";
	o.authority = "https://adfs.local.azurestack.external/adfs/";
	o.version = 7;
	cr_expect_eq(azsreg_environment_custom(&env, &o), AZSREG_EINVALID);
	cr_expect_null(env);
	o.version = AZSREG_ENVIRONMENT_OPTIONS_VERSION;
	cr_assert_eq(azsreg_environment_custom(&env, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_environment_free(env);
	cr_expect_eq(azsreg_discovery_options_init(NULL, AZSREG_DISCOVERY_OPTIONS_VERSION), AZSREG_EINVALID);
}

Test(environment, to_json_and_dup)
{
	azsreg_environment *env = NULL, *copy = NULL;
	char *text = NULL;
	json_t *j;

	cr_assert_eq(azsreg_environment_builtin(&env, "AzureCloud"), 0);
	cr_assert_eq(azsreg_environment_to_json(&text, env), 0);
	j = json_loads(text, 0, NULL);
	cr_assert_not_null(j, "%s", text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "name")), "AzureCloud");
	cr_assert_str_eq(json_string_value(json_object_get(j, "resourceManagerUrl")), "https://management.azure.com/");
	cr_assert_str_eq(json_string_value(json_object_get(j, "activeDirectoryAuthority")), "https://login.microsoftonline.com/");
	cr_assert_str_eq(json_string_value(json_object_get(j, "audience")), "https://management.azure.com/");
	cr_assert(json_is_false(json_object_get(j, "isAdfs")));
	cr_assert_str_eq(json_string_value(json_object_get(j, "portalUrl")), "https://portal.azure.com/");
	cr_assert(json_is_string(json_object_get(j, "galleryUrl")));
	cr_assert(json_is_string(json_object_get(j, "graphUrl")));
	cr_assert_eq(json_object_size(j), 8);
	json_decref(j);
	azsreg_free(text);

	cr_assert_eq(azsreg_environment_dup(&copy, env), 0);
	cr_assert_neq(copy, env);
	cr_assert_neq(copy->arm_endpoint, env->arm_endpoint);
	cr_assert_str_eq(copy->arm_endpoint, env->arm_endpoint);
	cr_assert_str_eq(copy->audience, env->audience);
	cr_assert_str_eq(copy->portal_endpoint, env->portal_endpoint);
	azsreg_environment_free(env);
	azsreg_environment_free(copy);

	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "S", "https://127.0.0.1:1/", "https://127.0.0.1:1/adfs", "aud" }), 0);
	cr_assert_eq(azsreg_environment_to_json(&text, env), 0);
	j = json_loads(text, 0, NULL);
	cr_assert(json_is_true(json_object_get(j, "isAdfs")));
	cr_assert(json_is_null(json_object_get(j, "portalUrl")));
	json_decref(j);
	azsreg_free(text);
	cr_assert_eq(azsreg_environment_dup(&copy, env), 0);
	cr_assert_eq(copy->is_adfs, 1);
	cr_assert_null(copy->portal_endpoint);
	azsreg_environment_free(copy);
	azsreg_environment_free(env);

	cr_assert_eq(azsreg_environment_to_json(&text, NULL), AZSREG_EINVALID);
	cr_assert_eq(azsreg_environment_dup(&copy, NULL), AZSREG_EINVALID);
	azsreg_environment_free(NULL);
}

/* ------------------------------------------ discovery with client options (loopback only) */

static int discover_log_lines;
static void discover_log(int level, const char *message, void *payload)
{
	(void)level;
	(void)payload;
	if (strstr(message, "metadata/endpoints") != NULL)
		discover_log_lines++;
}

Test(environment, discover_with_checks_its_options_before_sending)
{
	azsreg_environment *env = NULL;
	azsreg_discovery_options o = AZSREG_DISCOVERY_OPTIONS_INIT;

	o.version = 99;
	cr_expect_eq(azsreg_environment_discover_with(&env, "X", "https://127.0.0.1:1/", &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "version 99") != NULL, "%s", azsreg_error_last()->message);
	o.version = AZSREG_DISCOVERY_OPTIONS_VERSION;
	o.request_timeout_ms = -1;
	cr_expect_eq(azsreg_environment_discover_with(&env, "X", "https://127.0.0.1:1/", &o), AZSREG_EINVALID);
	o.request_timeout_ms = 0;
	o.proxy = "http://127.0.0.1:9\n";
	cr_expect_eq(azsreg_environment_discover_with(&env, "X", "https://127.0.0.1:1/", &o), AZSREG_EINVALID);
	o.proxy = NULL;
	o.ca_file = "/nonexistent/ca.pem";
	cr_expect_eq(azsreg_environment_discover_with(&env, "X", "https://127.0.0.1:1/", &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "CA bundle '/nonexistent/ca.pem' cannot be read") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_null(env);
}

/* The proxy, retries and logging of the options are used: the error names the proxy, one attempt, logged. */
Test(environment, discover_with_goes_through_the_proxy_and_logs)
{
	azsreg_environment *env = NULL;
	azsreg_discovery_options o = AZSREG_DISCOVERY_OPTIONS_INIT;
	const char *m;

	unsetenv("NO_PROXY");
	unsetenv("no_proxy");
	o.proxy = "http://127.0.0.1:9";
	o.max_retries = -1;
	o.connect_timeout_ms = 2000;
	o.log_cb = discover_log;
	o.log_level = AZSREG_LOG_INFO;
	discover_log_lines = 0;
	cr_expect_eq(azsreg_environment_discover_with(&env, "X", "https://127.0.0.1:1/", &o), AZSREG_ENETWORK);
	m = azsreg_error_last()->message;
	cr_expect(strstr(m, "discover the environment at https://127.0.0.1:1/: ") == m, "%s", m);
	cr_expect(strstr(m + 10, "discover the environment at") == NULL, "the prefix is repeated: %s", m);
	cr_expect(strstr(m, "the proxy 127.0.0.1:9") != NULL, "%s", m);
	cr_expect(strstr(m, "gave up after 1 attempt(s)") != NULL, "%s", m);
	cr_expect_eq(discover_log_lines, 1, "the discovery request was logged %d times", discover_log_lines);
	cr_expect_null(env);
}
