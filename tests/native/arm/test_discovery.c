/*
 * environment_discover.c over the fake transport and fake clock: the exact request,
 * retries (attempts and waits), the defaults it shares with the client, every malformed
 * metadata document (exact message and code), and a full success.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "fake_transport.h"

#define ARM "https://management.local.azurestack.external"
#define URL ARM "/metadata/endpoints?api-version=1.0"
#define WHAT "discover the environment at " ARM ": "
#define CORR_IN "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"
#define CORR "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

#define FULL_DOC \
	"{\"galleryEndpoint\":\"https://portal.local.azurestack.external:30015/\"," \
	"\"graphEndpoint\":\"https://graph.local.azurestack.external\"," \
	"\"portalEndpoint\":\"https://portal.local.azurestack.external/\"," \
	"\"authentication\":{\"loginEndpoint\":\"https://adfs.local.azurestack.external/adfs\"," \
	"\"audiences\":[\"https://management.adfs.azurestack.local/5d7f2d1c-1111-4222-8333-444455556666\",\"https://other/\"]}}"
/* MIN_DOC without its opening brace, to put members before it */
#define MIN_DOC_REST "\"authentication\":{\"loginEndpoint\":\"https://login.microsoftonline.com/\",\"audiences\":[\"https://management.azurestack.contoso/\"]}}"
#define MIN_DOC "{" MIN_DOC_REST

static fake_clock fc;
static fake_transport *ft;

static void setup(void)
{
	fake_clock_init(&fc);
	ft = fake_transport_new(&fc);
	azsreg_error_clear();
}

static void teardown(void)
{
	fake_transport_free(ft);
}

TestSuite(discovery, .init = setup, .fini = teardown);

static int discover(azsreg_environment **env, const azsreg_client_options *o)
{
	return azsreg_environment__discover_over(env, "Stack", ARM, o, &ft->base, &fc.clock);
}

Test(discovery, the_exact_request_no_token_client_headers_and_the_discovery_deadline)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = NULL;
	char ua[128];

	o.user_agent = "AzsRegistration-PowerShell/0.1.0";
	o.correlation_id = CORR_IN;
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_assert_eq(ft->nreqs, 1);
	cr_expect_str_eq(ft->reqs[0].method, "GET");
	cr_expect_str_eq(ft->reqs[0].url, URL);
	cr_expect_null(ft->reqs[0].body);
	cr_expect_null(fake_req_header(ft, 0, "Authorization"), "discovery never sends a token");
	cr_expect_str_eq(fake_req_header(ft, 0, "x-ms-correlation-request-id"), CORR, "the client's correlation ID, lowercase");
	cr_assert_not_null(fake_req_header(ft, 0, "x-ms-client-request-id"));
	cr_expect_eq(strlen(fake_req_header(ft, 0, "x-ms-client-request-id")), AZSREG_GUID_LEN);
	snprintf(ua, sizeof(ua), "azsreg/%s AzsRegistration-PowerShell/0.1.0", AZSREG_VERSION);
	cr_expect_str_eq(fake_req_header(ft, 0, "User-Agent"), ua);
	cr_expect_str_eq(fake_req_header(ft, 0, "Accept"), "application/json");
	cr_expect_null(fake_req_header(ft, 0, "Content-Type"));
	/* The client's per-attempt default (100 s) capped by the one discovery default: 60 s in all. */
	cr_expect_eq(ft->reqs[0].timeout_ms, AZSREG__DEFAULT_DISCOVERY_DEADLINE_MS);
	cr_expect_eq(ft->reqs[0].timeout_ms, 60000L);
	azsreg_environment_free(env);
}

Test(discovery, timeouts_and_a_fresh_correlation_id_from_the_options)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = NULL;

	o.request_timeout_ms = 1500;
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(ft->reqs[0].timeout_ms, 1500L);
	cr_assert_not_null(fake_req_header(ft, 0, "x-ms-correlation-request-id"));
	cr_expect_eq(strlen(fake_req_header(ft, 0, "x-ms-correlation-request-id")), AZSREG_GUID_LEN);
	cr_expect_str_eq(fake_req_header(ft, 0, "User-Agent"), "azsreg/" AZSREG_VERSION);
	azsreg_environment_free(env);
	/* deadline_ms caps the attempt as well */
	o.request_timeout_ms = 0;
	o.deadline_ms = 700;
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(ft->reqs[1].timeout_ms, 700L);
	azsreg_environment_free(env);
}

Test(discovery, success_fills_every_endpoint)
{
	azsreg_environment *env = NULL;

	fake_transport_add(ft, 200, FULL_DOC, NULL);
	cr_assert_eq(azsreg_environment__discover_over(&env, NULL, ARM "/", NULL, &ft->base, &fc.clock), AZSREG_OK, "%s",
		     azsreg_error_last()->message);
	cr_expect_str_eq(ft->reqs[0].url, URL, "one '/' between the endpoint and the path");
	cr_expect_str_eq(env->name, "AzureStack", "the default name");
	cr_expect_str_eq(env->arm_endpoint, ARM "/");
	cr_expect_str_eq(env->authority, "https://adfs.local.azurestack.external/adfs/");
	cr_expect_eq(env->is_adfs, 1);
	cr_expect_str_eq(env->audience, "https://management.adfs.azurestack.local/5d7f2d1c-1111-4222-8333-444455556666",
			 "audiences[0], verbatim");
	cr_expect_str_eq(env->gallery_endpoint, "https://portal.local.azurestack.external:30015/");
	cr_expect_str_eq(env->graph_endpoint, "https://graph.local.azurestack.external/");
	cr_expect_str_eq(env->portal_endpoint, "https://portal.local.azurestack.external/");
	cr_expect_eq(azsreg_error_last()->code, AZSREG_OK, "a success leaves no error");
	azsreg_environment_free(env);

	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(env->name, "Stack");
	cr_expect_str_eq(env->authority, "https://login.microsoftonline.com/");
	cr_expect_eq(env->is_adfs, 0);
	cr_expect_str_eq(env->audience, "https://management.azurestack.contoso/");
	cr_expect_null(env->gallery_endpoint);
	cr_expect_null(env->graph_endpoint);
	cr_expect_null(env->portal_endpoint);
	azsreg_environment_free(env);
}

Test(discovery, retries_429_and_503_with_the_servers_wait_then_backoff)
{
	azsreg_environment *env = NULL;

	fake_transport_add(ft, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", "Retry-After: 3", NULL);
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(ft->nreqs, 3, "three attempts");
	cr_expect_eq(fc.nsleeps, 2);
	cr_expect_eq(fc.sleeps[0], 3000, "Retry-After: 3 -> %lld ms", (long long)fc.sleeps[0]);
	cr_expect_eq(fc.sleeps[1], 1600, "second retry: 800 ms * 2 -> %lld ms", (long long)fc.sleeps[1]);
	cr_expect_str_eq(ft->reqs[2].url, URL);
	cr_expect_str_eq(fake_req_header(ft, 0, "x-ms-correlation-request-id"), fake_req_header(ft, 2, "x-ms-correlation-request-id"));
	cr_expect_null(fake_req_header(ft, 2, "Authorization"));
	azsreg_environment_free(env);
}

Test(discovery, retries_are_the_clients_max_retries_then_the_last_answer_is_the_error)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = (azsreg_environment *)0x1;
	size_t i;

	o.max_retries = 2;
	for (i = 0; i < 3; i++)
		fake_transport_add(ft, 503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"down\"}}", "x-ms-request-id: rid-503", NULL);
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_expect_eq(discover(&env, &o), AZSREG_ESERVICE);
	cr_expect_null(env);
	cr_expect_eq(ft->nreqs, 3, "1 + max_retries attempts, not %zu", ft->nreqs);
	cr_expect_eq(azsreg_error_last()->http_status, 503);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "ServiceUnavailable");
	cr_expect_str_eq(azsreg_error_last()->request_id, "rid-503");
	cr_expect(strncmp(azsreg_error_last()->message, WHAT "ServiceUnavailable: down", strlen(WHAT "ServiceUnavailable: down")) == 0,
		  "%s", azsreg_error_last()->message);
}

Test(discovery, default_retries_are_the_clients)
{
	azsreg_environment *env = NULL;
	size_t i;

	for (i = 0; i < (size_t)AZSREG__DEFAULT_MAX_RETRIES + 2; i++)
		fake_transport_add(ft, 429, NULL, "Retry-After: 1", NULL);
	cr_expect_eq(discover(&env, NULL), AZSREG_ETHROTTLED);
	cr_expect_eq(ft->nreqs, (size_t)AZSREG__DEFAULT_MAX_RETRIES + 1, "%zu attempts", ft->nreqs);
	cr_expect_eq(fake_clock_slept(&fc), 1000 * AZSREG__DEFAULT_MAX_RETRIES);
}

Test(discovery, no_retries_when_the_options_say_so_and_network_errors_are_retried)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = NULL;

	o.max_retries = -1;
	fake_transport_add(ft, 503, NULL, NULL);
	cr_expect_eq(discover(&env, &o), AZSREG_ESERVICE);
	cr_expect_eq(ft->nreqs, 1);

	o.max_retries = 1;
	fake_transport_add_error(ft, AZSREG_ENETWORK);
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(ft->nreqs, 3);
	azsreg_environment_free(env);
}

Test(discovery, not_found_is_enotfound_naming_the_endpoint)
{
	azsreg_environment *env = NULL;

	fake_transport_add(ft, 404, "<html>no</html>", NULL);
	cr_expect_eq(discover(&env, NULL), AZSREG_ENOTFOUND);
	cr_expect_eq(ft->nreqs, 1, "a 404 is not retried");
	cr_expect_eq(azsreg_error_last()->http_status, 404);
	cr_expect(strncmp(azsreg_error_last()->message, WHAT, strlen(WHAT)) == 0, "%s", azsreg_error_last()->message);
}

Test(discovery, malformed_documents_exact_error_and_code)
{
	static const struct {
		const char *body, *want;
	} bad[] = {
		{ NULL, "the metadata/endpoints answer is not a JSON object; is this an Azure Resource Manager endpoint?" },
		{ "", "the metadata/endpoints answer is not a JSON object; is this an Azure Resource Manager endpoint?" },
		{ "<html>portal</html>", "the metadata/endpoints answer is not a JSON object; is this an Azure Resource Manager endpoint?" },
		{ "{\"authentication\":", "the metadata/endpoints answer is not a JSON object; is this an Azure Resource Manager endpoint?" },
		{ "[{\"authentication\":{}}]", "the metadata/endpoints answer is not a JSON object; is this an Azure Resource Manager endpoint?" },
		{ "\"text\"", "the metadata/endpoints answer is not a JSON object; is this an Azure Resource Manager endpoint?" },
		{ "{}", "the metadata/endpoints answer has no \"authentication\" object; is this an Azure Resource Manager endpoint?" },
		{ "{\"authentication\":\"https://login/\"}", "the metadata/endpoints answer has no \"authentication\" object; is this an Azure Resource Manager endpoint?" },
		{ "{\"authentication\":{\"audiences\":[\"a\"]}}", "the metadata/endpoints answer has no authentication.loginEndpoint (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":42,\"audiences\":[\"a\"]}}", "the metadata/endpoints answer has no authentication.loginEndpoint (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"\",\"audiences\":[\"a\"]}}", "the metadata/endpoints answer has no authentication.loginEndpoint (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\"}}", "the metadata/endpoints answer has no authentication.audiences[0] (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\",\"audiences\":[]}}", "the metadata/endpoints answer has no authentication.audiences[0] (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\",\"audiences\":\"https://aud/\"}}", "the metadata/endpoints answer has no authentication.audiences[0] (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\",\"audiences\":[7]}}", "the metadata/endpoints answer has no authentication.audiences[0] (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\",\"audiences\":[\"\"]}}", "the metadata/endpoints answer has no authentication.audiences[0] (a non-empty string)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\\n\",\"audiences\":[\"a\"]}}",
		  "the metadata/endpoints answer is not usable: authentication.loginEndpoint is not usable: it contains whitespace or a control character" },
		{ "{\"authentication\":{\"loginEndpoint\":\"http://login.contoso/\",\"audiences\":[\"a\"]}}",
		  "the metadata/endpoints answer is not usable: authentication.loginEndpoint uses plain http://login.contoso: only https:// is allowed, except for loopback addresses" },
		{ "{\"authentication\":{\"loginEndpoint\":\"login.contoso\",\"audiences\":[\"a\"]}}",
		  "the metadata/endpoints answer is not usable: authentication.loginEndpoint is not usable: it is not an absolute URL (expected https://host/...)" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\",\"audiences\":[\"https://aud/\\u0007x\"]}}",
		  "the metadata/endpoints answer's authentication.audiences[0] has whitespace or a control character at position 13" },
		{ "{\"authentication\":{\"loginEndpoint\":\"https://login/\",\"audiences\":[\"a b\"]}}",
		  "the metadata/endpoints answer's authentication.audiences[0] has whitespace or a control character at position 2" },
		{ "{\"galleryEndpoint\":5," MIN_DOC_REST, "the metadata/endpoints answer's galleryEndpoint is not a string" },
		{ "{\"graphEndpoint\":[\"https://graph/\"]," MIN_DOC_REST, "the metadata/endpoints answer's graphEndpoint is not a string" },
		{ "{\"portalEndpoint\":\"https://portal/\\r\\n\"," MIN_DOC_REST,
		  "the metadata/endpoints answer is not usable: portalEndpoint is not usable: it contains whitespace or a control character" },
		{ "{\"portalEndpoint\":\"ftp://portal/\"," MIN_DOC_REST,
		  "the metadata/endpoints answer is not usable: portalEndpoint has the unsupported scheme 'ftp' (host portal): only https:// is allowed" },
	};
	size_t i;
	char want[1024];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		azsreg_environment *env = (azsreg_environment *)0x1;
		size_t before = ft->nreqs;

		fake_transport_add(ft, 200, bad[i].body, NULL);
		snprintf(want, sizeof(want), "%s%s", WHAT, bad[i].want);
		cr_expect_eq(discover(&env, NULL), AZSREG_ESERVICE, "%zu: %s", i, azsreg_error_last()->message);
		cr_expect_eq(azsreg_error_last()->code, AZSREG_ESERVICE, "%zu", i);
		cr_expect_str_eq(azsreg_error_last()->message, want, "%zu: got %s", i, azsreg_error_last()->message);
		cr_expect_null(env, "%zu", i);
		cr_expect_eq(ft->nreqs, before + 1, "%zu: a bad document is not retried", i);
	}
}

Test(discovery, options_are_checked_as_the_clients_before_anything_is_sent)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = (azsreg_environment *)0x1;

	o.correlation_id = "not-a-guid";
	cr_expect_eq(discover(&env, &o), AZSREG_EINVALID);
	cr_expect_null(env);
	cr_expect(strncmp(azsreg_error_last()->message, WHAT, strlen(WHAT)) == 0, "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "correlation ID") != NULL, "%s", azsreg_error_last()->message);
	o.correlation_id = NULL;
	o.deadline_ms = -5;
	cr_expect_eq(discover(&env, &o), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, WHAT "client options: timeouts and the deadline must not be negative");
	o.deadline_ms = 0;
	o.log_level = 9;
	cr_expect_eq(discover(&env, &o), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, WHAT "client options: log level 9 is not between 0 and 5");
	o.log_level = 0;
	o.user_agent = "ua\r\nX-Injected: 1";
	cr_expect_eq(discover(&env, &o), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, WHAT "client options: the user agent has control characters");
	o.user_agent = NULL;
	o.version = 2;
	cr_expect_eq(discover(&env, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "unsupported version 2") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_environment__discover_over(&env, "S", "ftp://arm/", NULL, &ft->base, &fc.clock), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "discover the environment at ftp://arm/: the ARM endpoint must be an https:// URL");
	cr_expect_eq(azsreg_environment__discover_over(&env, "S", "", NULL, &ft->base, &fc.clock), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "discover environment: the ARM endpoint is required");
	cr_expect_eq(azsreg_environment__discover_over(NULL, "S", ARM, NULL, &ft->base, &fc.clock), AZSREG_EINVALID);
	cr_expect_eq(ft->nreqs, 0, "nothing was sent");
}

/* The client and discovery share one request path: the same correlation ID handling and defaults. */
Test(discovery, a_client_built_from_the_same_options_sends_the_same_headers)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = NULL;
	azsreg_credential *cred = counting_credential_new();
	azsreg_client *c = NULL;
	char *json = NULL;
	int status = 0;

	o.user_agent = "same/1";
	o.correlation_id = CORR_IN;
	fake_transport_add(ft, 200, MIN_DOC, NULL);
	cr_assert_eq(discover(&env, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	o.environment = env;
	cr_assert_eq(azsreg_client__new_with(&c, &o, cred, &ft->base, &fc.clock), AZSREG_OK, "%s", azsreg_error_last()->message);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(azsreg_resource_request(&json, &status, c, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", "/subscriptions", "2016-06-01", NULL, NULL, 0 }), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_assert_eq(ft->nreqs, 2);
	cr_expect_eq(status, 200);
	cr_expect_str_eq(fake_req_header(ft, 1, "x-ms-correlation-request-id"), fake_req_header(ft, 0, "x-ms-correlation-request-id"));
	cr_expect_str_eq(fake_req_header(ft, 1, "User-Agent"), fake_req_header(ft, 0, "User-Agent"));
	cr_expect_str_eq(fake_req_header(ft, 1, "Authorization"), "Bearer token-1");
	cr_expect_eq(ft->reqs[1].timeout_ms, AZSREG__DEFAULT_REQUEST_TIMEOUT_MS, "the client's deadline is longer than discovery's");
	azsreg_free(json);
	azsreg_client_free(c);
	azsreg_credential_free(cred);
	azsreg_environment_free(env);
}
