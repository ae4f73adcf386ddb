/* test_operations.c: registration / customer operations and the generic request (operations.c, client.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fake_transport.h"

/* The options of one azsreg_resource_request (issue 12, item 1). */
#define REQ(method, id, api, body, query, flags) \
	(&(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, (method), (id), (api), (body), (query), (flags) })
#define ARM "https://management.example.test/"
#define CORR "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define REG_PATH "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
#define REG REG_PATH
#define CUST "e09a0fbc-2b4e-4e4e-a3b2-6b0a1f1c2d3e"
#define CUST_UPPER "{E09A0FBC-2B4E-4E4E-A3B2-6B0A1F1C2D3E}"
#define TENANT "dbab3982-1111-2222-3333-444444444444"
#define CUST_URL ARM "subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/" CUST "?api-version=2017-06-01"
#define LIST_URL ARM "subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions?api-version=2017-06-01"

static fake_clock fc;
static fake_transport *ft;
static azsreg_credential *cred;
static azsreg_environment *env;
static azsreg_client *client;
static char *out;

static void setup(void)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;

	fake_clock_init(&fc);
	ft = fake_transport_new(&fc);
	cred = counting_credential_new();
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Test", ARM, "https://login.example.test/", ARM }), 0,
		     "%s", azsreg_error_last()->message);
	o.environment = env;
	o.correlation_id = CORR;
	cr_assert_eq(azsreg_client__new_with(&client, &o, cred, &ft->base, &fc.clock), 0, "%s", azsreg_error_last()->message);
	out = NULL;
}

static void teardown(void)
{
	azsreg_free(out);
	azsreg_client_free(client);
	azsreg_credential_free(cred);
	azsreg_environment_free(env);
	fake_transport_free(ft);
}

TestSuite(ops, .init = setup, .fini = teardown);

/* ----------------------------------------------------------------- put */

Test(ops, put_200_with_body_returns_the_body)
{
	fake_transport_add(ft, 200, "{ \"id\": \"/x\", \"properties\": { \"tenantId\": \"" TENANT "\" } }", NULL);
	cr_assert_eq(azsreg_customer_put(&out, client, REG, CUST_UPPER, TENANT), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "{\"id\":\"/x\",\"properties\":{\"tenantId\":\"" TENANT "\"}}");
	cr_assert_eq(ft->nreqs, 1);
	cr_expect_str_eq(ft->reqs[0].method, "PUT");
	cr_expect_str_eq(ft->reqs[0].url, CUST_URL);
	cr_expect_str_eq(ft->reqs[0].body, "{\"properties\":{\"tenantId\":\"" TENANT "\"}}");
	cr_expect_str_eq(fake_req_header(ft, 0, "Authorization"), "Bearer token-1");
	cr_expect_str_eq(fake_req_header(ft, 0, "x-ms-correlation-request-id"), CORR);
	cr_expect_str_eq(fake_req_header(ft, 0, "Content-Type"), "application/json");
}

Test(ops, put_201_empty_builds_the_resource)
{
	fake_transport_add(ft, 201, NULL, NULL);
	cr_assert_eq(azsreg_customer_put(&out, client, REG, CUST, "{DBAB3982-1111-2222-3333-444444444444}"), 0,
		     "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "{\"id\":\"" REG_PATH "/customerSubscriptions/" CUST "\",\"name\":\"AzureStack-sample/" CUST "\","
			      "\"type\":\"Microsoft.AzureStack/registrations/customerSubscriptions\",\"properties\":{\"tenantId\":\"" TENANT "\"}}");
	cr_expect_str_eq(ft->reqs[0].body, "{\"properties\":{\"tenantId\":\"" TENANT "\"}}");
}

/* fuzz_operations found it: a 2xx answer whose body is JSON but not an object (111, [1], "x")
 * was handed back as the resource. */
Test(ops, answer_that_is_json_but_not_an_object_is_a_service_error)
{
	static const char *bodies[] = { "111", "[1]", "\"x\"", "null" };
	size_t i;
	int status = 0;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		fake_transport_add(ft, 202, bodies[i], NULL);
		cr_expect_eq(azsreg_customer_put(&out, client, REG, CUST, TENANT), AZSREG_ESERVICE, "put %s", bodies[i]);
		cr_expect_null(out);
		cr_expect_str_eq(azsreg_error_last()->message,
				 "register customer " CUST " with registration AzureStack-sample at " ARM ": the service answered HTTP 202 "
				 "with a body that is JSON but not an object (a resource is an object; request ID -)");
		fake_transport_add(ft, 200, bodies[i], NULL);
		cr_expect_eq(azsreg_customer_get(&out, client, REG, CUST), AZSREG_ESERVICE, "get %s", bodies[i]);
		cr_expect_null(out);
		fake_transport_add(ft, 200, bodies[i], NULL);
		cr_expect_eq(azsreg_registration_get(&out, client, REG), AZSREG_ESERVICE, "registration get %s", bodies[i]);
		cr_expect_null(out);
	}
	cr_expect_eq(ft->nreqs, 12);
	/* The generic request hands back any JSON value as it came. */
	fake_transport_add(ft, 200, "[1]", NULL);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG, "2017-06-01", NULL, NULL, 0)), 0,
		     "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "[1]");
	cr_expect_eq(status, 200);
}

Test(ops, put_without_tenant_sends_empty_properties)
{
	fake_transport_add(ft, 200, "", NULL);
	cr_assert_eq(azsreg_customer_put(&out, client, REG, CUST, NULL), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(ft->reqs[0].body, "{\"properties\":{}}");
	cr_expect(strstr(out, "\"properties\":{}") != NULL, "%s", out);
}

Test(ops, put_error_names_operation_and_resource)
{
	fake_transport_add(ft, 403, "{\"error\":{\"code\":\"UnauthorizedCspRegistration\",\"message\":\"not approved\"}}",
			   "x-ms-request-id: rid-9", NULL);
	cr_expect_eq(azsreg_customer_put(&out, client, REG, CUST, NULL), AZSREG_EAUTH);
	cr_expect_null(out);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "UnauthorizedCspRegistration");
	cr_expect_str_eq(azsreg_error_last()->request_id, "rid-9");
	cr_expect_str_eq(azsreg_error_last()->correlation_id, CORR);
	cr_expect(strncmp(azsreg_error_last()->message, "register customer " CUST " with registration AzureStack-sample at " ARM ": ",
			  strlen("register customer " CUST " with registration AzureStack-sample at " ARM ": ")) == 0,
		  "%s", azsreg_error_last()->message);
}

/*
 * Registration operations name the ARM endpoint they used, and a 404 for the registration,
 * the subscription or the resource group says that registrations live in public Azure.
 */
Test(ops, not_found_on_registration_operations_names_the_arm_endpoint_and_the_cloud)
{
	static const struct {
		const char *code;
		int op; /* 0 get registration, 1 list, 2 put, 3 delete */
		const char *prefix;
	} cases[] = {
		{ "RegistrationNotFound", 0, "get registration AzureStack-sample at " ARM ": RegistrationNotFound: " },
		{ "SubscriptionNotFound", 1, "list customers of registration AzureStack-sample at " ARM ": SubscriptionNotFound: " },
		{ "ResourceGroupNotFound", 2, "register customer " CUST " with registration AzureStack-sample at " ARM ": ResourceGroupNotFound: " },
		{ "RegistrationNotFound", 3, "remove customer " CUST " from registration AzureStack-sample at " ARM ": RegistrationNotFound: " },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char body[256];
		int rc, existed = 0;
		const azsreg_error *e;

		snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\",\"message\":\"not here\"}}", cases[i].code);
		fake_transport_add(ft, 404, body, NULL);
		switch (cases[i].op) {
		case 0:
			rc = azsreg_registration_get(&out, client, REG);
			break;
		case 1:
			rc = azsreg_customer_list(&out, client, REG);
			break;
		case 2:
			rc = azsreg_customer_put(&out, client, REG, CUST, NULL);
			break;
		default:
			rc = azsreg_customer_delete(&existed, client, REG, CUST);
			break;
		}
		e = azsreg_error_last();
		cr_expect_eq(rc, AZSREG_ENOTFOUND, "case %zu: %s", i, e->message);
		cr_expect(strncmp(e->message, cases[i].prefix, strlen(cases[i].prefix)) == 0, "case %zu: %s", i, e->message);
		cr_expect(strstr(e->hint, "Registrations live in public") != NULL, "case %zu: hint %s", i, e->hint);
		cr_expect(strstr(e->hint, "https://management.azure.com/") != NULL, "case %zu: hint %s", i, e->hint);
		cr_expect(strstr(e->hint, "own ARM") != NULL, "case %zu: hint %s", i, e->hint);
		azsreg_free(out);
		out = NULL;
	}
	/* a generic request keeps the table's hint for SubscriptionNotFound */
	fake_transport_add(ft, 404, "{\"error\":{\"code\":\"SubscriptionNotFound\",\"message\":\"x\"}}", NULL);
	cr_expect_eq(azsreg_resource_request(&out, NULL, client, REQ("GET", "/subscriptions/33333333-3333-3333-3333-333333333333", "2020-01-01", NULL, NULL, 0)), AZSREG_ENOTFOUND);
	cr_expect_str_eq(azsreg_error_last()->hint, azsreg_error_hint("SubscriptionNotFound"));
}

Test(ops, put_retries_throttling_then_succeeds)
{
	fake_transport_add(ft, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"x\"}}", "Retry-After: 3", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\"}", NULL);
	cr_assert_eq(azsreg_customer_put(&out, client, REG, CUST, NULL), 0);
	cr_expect_eq(ft->nreqs, 2);
	cr_assert_eq(fc.nsleeps, 1);
	cr_expect_eq(fc.sleeps[0], 3000);
	cr_expect_eq(counting_credential_calls(cred), 1, "the token is reused");
}

/* ------------------------------------------------------------ 401 renewal */

Test(ops, expired_token_renewed_once_through_the_cache)
{
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"ExpiredAuthenticationToken\",\"message\":\"expired\"}}", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\"}", NULL);
	cr_assert_eq(azsreg_customer_get(&out, client, REG, CUST), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(ft->nreqs, 2);
	cr_expect_eq(counting_credential_calls(cred), 2);
	cr_expect_str_eq(fake_req_header(ft, 0, "Authorization"), "Bearer token-1");
	cr_expect_str_eq(fake_req_header(ft, 1, "Authorization"), "Bearer token-2");
}

Test(ops, second_401_is_an_auth_error)
{
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"ExpiredAuthenticationToken\",\"message\":\"expired\"}}", NULL);
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"ExpiredAuthenticationToken\",\"message\":\"expired\"}}", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_expect_eq(azsreg_customer_get(&out, client, REG, CUST), AZSREG_EAUTH);
	cr_expect_eq(ft->nreqs, 2);
	cr_expect_eq(counting_credential_calls(cred), 2);
}

/* ---------------------------------------------------------- get, delete */

Test(ops, get_404_is_enotfound_with_arm_code)
{
	fake_transport_add(ft, 404, "{\"error\":{\"code\":\"CustomerSubscriptionNotFound\",\"message\":\"none\"}}", NULL);
	cr_expect_eq(azsreg_customer_get(&out, client, REG, CUST), AZSREG_ENOTFOUND);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "CustomerSubscriptionNotFound");
	cr_expect_eq(azsreg_error_last()->http_status, 404);
	cr_expect(strstr(azsreg_error_last()->message, "get customer " CUST " of registration AzureStack-sample at " ARM ": ") ==
			  azsreg_error_last()->message,
		  "%s", azsreg_error_last()->message);
	cr_expect_str_eq(ft->reqs[0].method, "GET");
	cr_expect_str_eq(ft->reqs[0].url, CUST_URL);
}

Test(ops, delete_200_existed_204_not)
{
	int existed = -1;

	fake_transport_add(ft, 200, NULL, NULL);
	fake_transport_add(ft, 204, NULL, NULL);
	cr_assert_eq(azsreg_customer_delete(&existed, client, REG, CUST), 0);
	cr_expect_eq(existed, 1);
	cr_assert_eq(azsreg_customer_delete(&existed, client, REG, CUST), 0);
	cr_expect_eq(existed, 0);
	cr_expect_str_eq(ft->reqs[0].method, "DELETE");
	cr_expect_str_eq(ft->reqs[1].url, CUST_URL);
	cr_expect_null(ft->reqs[0].body);
}

Test(ops, registration_get)
{
	fake_transport_add(ft, 200, "{\"name\":\"AzureStack-sample\", \"location\":\"global\"}", NULL);
	cr_assert_eq(azsreg_registration_get(&out, client, "subscriptions/33333333-3333-3333-3333-333333333333/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/AzureStack-sample"), 0,
		     "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "{\"name\":\"AzureStack-sample\",\"location\":\"global\"}");
	cr_expect_str_eq(ft->reqs[0].url, ARM "subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample?api-version=2017-06-01");
}

/* ---------------------------------------------------------------- list */

Test(ops, list_follows_pages_including_an_empty_one)
{
	fake_transport_add(ft, 200, "{\"value\":[{\"name\":\"a\"}],\"nextLink\":\"" ARM "p2?$skiptoken=2\"}", NULL);
	fake_transport_add(ft, 200, "{\"value\":[],\"nextLink\":\"" ARM "p3?$skiptoken=3\"}", NULL);
	fake_transport_add(ft, 200, "{\"value\":[{\"name\":\"b\"},{\"name\":\"c\"}]}", NULL);
	cr_assert_eq(azsreg_customer_list(&out, client, REG), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]");
	cr_assert_eq(ft->nreqs, 3);
	cr_expect_str_eq(ft->reqs[0].url, LIST_URL);
	cr_expect_str_eq(ft->reqs[1].url, ARM "p2?$skiptoken=2");
	cr_expect_str_eq(ft->reqs[2].url, ARM "p3?$skiptoken=3");
	cr_expect_str_eq(fake_req_header(ft, 2, "Authorization"), "Bearer token-1");
}

Test(ops, list_empty_body_is_an_empty_array)
{
	fake_transport_add(ft, 200, NULL, NULL);
	cr_assert_eq(azsreg_customer_list(&out, client, REG), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "[]");
	cr_expect_eq(ft->nreqs, 1);
}

Test(ops, list_null_next_link_stops)
{
	fake_transport_add(ft, 200, "{\"value\":[{\"name\":\"a\"}],\"nextLink\":null}", NULL);
	fake_transport_add(ft, 200, "{\"value\":[{\"name\":\"never\"}]}", NULL);
	cr_assert_eq(azsreg_customer_list(&out, client, REG), 0);
	cr_expect_str_eq(out, "[{\"name\":\"a\"}]");
	cr_expect_eq(ft->nreqs, 1);
}

Test(ops, list_refuses_foreign_next_link)
{
	fake_transport_add(ft, 200, "{\"value\":[{\"name\":\"a\"}],\"nextLink\":\"https://evil.example.test/p2\"}", NULL);
	fake_transport_add(ft, 200, "{\"value\":[]}", NULL);
	cr_expect_eq(azsreg_customer_list(&out, client, REG), AZSREG_ESERVICE);
	cr_expect_null(out);
	cr_expect_eq(ft->nreqs, 1, "the token is not sent to another host");
	cr_expect(strstr(azsreg_error_last()->message, "list customers of registration AzureStack-sample") != NULL,
		  "%s", azsreg_error_last()->message);
}

Test(ops, list_refuses_plain_http_next_link)
{
	fake_transport_add(ft, 200, "{\"value\":[],\"nextLink\":\"http://management.example.test/p2\"}", NULL);
	cr_expect_neq(azsreg_customer_list(&out, client, REG), 0);
	cr_expect_eq(ft->nreqs, 1);
}

/* ------------------------------------------------------- generic request */

Test(ops, resource_request_url_and_body_exact)
{
	int status = 0;

	fake_transport_add(ft, 200, "{\"ok\": 1}", NULL);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, REQ("put", REG "/customerSubscriptions/" CUST, "2022-06-01", "{\"properties\": {\"tenantId\": \"x\", \"n\": 1.5}}", "$filter=a%20eq%20b", 0)), 0,
		     "%s", azsreg_error_last()->message);
	cr_expect_eq(status, 200);
	cr_expect_str_eq(out, "{\"ok\":1}");
	cr_expect_str_eq(ft->reqs[0].method, "PUT");
	cr_expect_str_eq(ft->reqs[0].url, ARM "subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/" CUST "?$filter=a%20eq%20b&api-version=2022-06-01");
	cr_expect_str_eq(ft->reqs[0].body, "{\"properties\": {\"tenantId\": \"x\", \"n\": 1.5}}", "the body is sent exactly");
}

/* issue 9, finding 8: the generic request sends a customer GUID as azsreg_customer_put does. */
Test(ops, invalid_input_resource_request_sends_the_customer_guid_in_lowercase)
{
	int status = 0;

	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, REQ("PUT", REG "/customerSubscriptions/" CUST_UPPER, "2017-06-01", "{}", NULL, 0)), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(ft->nreqs, 1);
	cr_expect_str_eq(ft->reqs[0].url, CUST_URL);
	azsreg_free(out);
	out = NULL;
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("PUT", REG "/customerSubscriptions/not-a-guid", "2017-06-01", "{}", NULL, 0)), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "customer subscription ID in the resource ID 'not-a-guid' is not a GUID") != NULL,
		  "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_error_last()->target, "customerSubscriptionId");
	cr_expect_eq(ft->nreqs, 1, "nothing more was sent");
}

Test(ops, resource_request_follow_pages_merges_values)
{
	int status = 0;

	fake_transport_add(ft, 200, "{\"value\":[1,2],\"nextLink\":\"" ARM "next?page=2\"}", NULL);
	fake_transport_add(ft, 200, "{\"value\":[3]}", NULL);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG "/customerSubscriptions", "2017-06-01", NULL, NULL, AZSREG_REQUEST_FOLLOW_PAGES)), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, "{\"value\":[1,2,3]}");
	cr_expect_eq(status, 200);
	cr_expect_eq(ft->nreqs, 2);
}

Test(ops, resource_request_empty_body_gives_empty_string)
{
	int status = 0;

	fake_transport_add(ft, 204, NULL, NULL);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, REQ("DELETE", REG "/customerSubscriptions/" CUST, "2017-06-01", NULL, NULL, 0)), 0);
	cr_expect_str_eq(out, "");
	cr_expect_eq(status, 204);
}

Test(ops, resource_request_no_lro_flag)
{
	int status = 0;

	fake_transport_add(ft, 202, NULL, "Location: " ARM "op", NULL);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, REQ("DELETE", REG, "2017-06-01", NULL, NULL, AZSREG_REQUEST_NO_LRO)), 0);
	cr_expect_eq(status, 202);
	cr_expect_eq(ft->nreqs, 1);
}

/* --------------------------------------------------- invalid: nothing sent */

Test(ops, invalid_inputs_send_nothing)
{
	int existed = 0, status = 0;

	cr_expect_eq(azsreg_customer_put(&out, client, REG, "not-a-guid", NULL), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "register customer") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_customer_put(&out, client, "subscriptions/x/resourceGroups/rg", CUST, NULL), AZSREG_EINVALID);
	cr_expect_eq(azsreg_customer_put(&out, client, REG, CUST, "{not-a-guid}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_customer_get(&out, client, REG "/customerSubscriptions/" CUST, CUST), AZSREG_EINVALID);
	cr_expect_eq(azsreg_customer_delete(&existed, client, REG, ""), AZSREG_EINVALID);
	cr_expect_eq(azsreg_customer_list(&out, client, "/subscriptions/../x"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_registration_get(&out, client, NULL), AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("TRACE", REG, "2017-06-01", NULL, NULL, 0)), AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG, "", NULL, NULL, 0)), AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG, "2017-06-01&x=1", NULL, NULL, 0)), AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("PUT", REG, "2017-06-01", "{\"a\":", NULL, 0)), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "not valid JSON") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG, "2017-06-01", "{}", NULL, 0)), AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("GET", "subscriptions/33333333-3333-3333-3333-333333333333/a b", "2017-06-01", NULL, NULL, 0)), AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG, "2017-06-01", NULL, "a=b c", 0)), AZSREG_EINVALID);
	/* options missing or of another version */
	cr_expect_eq(azsreg_resource_request(&out, &status, client, NULL), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "options missing or of an unknown version") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_eq(azsreg_resource_request(&out, &status, client,
					     &(azsreg_request_options){ 2, "GET", REG, "2017-06-01", NULL, NULL, 0 }),
		     AZSREG_EINVALID);
	cr_expect_eq(azsreg_resource_request_check(NULL), AZSREG_EINVALID);
	{
		azsreg_request_options o;

		cr_expect_eq(azsreg_request_options_init(&o, 2), AZSREG_EINVALID);
		cr_assert_eq(azsreg_request_options_init(&o, AZSREG_REQUEST_OPTIONS_VERSION), AZSREG_OK);
		cr_expect(o.method == NULL && o.resource_id == NULL && o.api_version == NULL && o.flags == 0);
		o.method = "GET";
		o.resource_id = REG;
		o.api_version = "2017-06-01";
		cr_expect_eq(azsreg_resource_request_check(&o), AZSREG_OK, "%s", azsreg_error_last()->message);
	}
	cr_expect_null(out);
	cr_expect_eq(ft->nreqs, 0, "nothing was sent");
	cr_expect_eq(counting_credential_calls(cred), 0, "no token was fetched");
}

/* Issue #9, finding 2: an empty or blank tenant would erase the mapping's tenant. */
Test(invalid_input, empty_or_blank_tenant_refused_before_sending, .init = setup, .fini = teardown)
{
	static const char *const blanks[] = { "", " ", "   ", "\t", " \r\n ", NULL };
	size_t i;

	for (i = 0; blanks[i] != NULL; i++) {
		cr_expect_eq(azsreg_customer_put(&out, client, REG, CUST, blanks[i]), AZSREG_EINVALID, "'%s'", blanks[i]);
		cr_expect(strstr(azsreg_error_last()->message, "tenant ID is") != NULL, "%s", azsreg_error_last()->message);
		cr_expect(strstr(azsreg_error_last()->message, "register customer " CUST) != NULL, "%s", azsreg_error_last()->message);
		cr_expect_null(strchr(azsreg_error_last()->message, '\n'));
		cr_expect_null(out);
	}
	cr_expect_eq(ft->nreqs, 0, "nothing was sent");
	cr_expect_eq(counting_credential_calls(cred), 0, "no token was fetched");
	/* NULL (no tenant) is still allowed */
	fake_transport_add(ft, 200, "", NULL);
	cr_assert_eq(azsreg_customer_put(&out, client, REG, CUST, NULL), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(ft->reqs[0].body, "{\"properties\":{}}");
}

/* Issue #9, finding 5: a query that sets api-version would send two of them. */
Test(invalid_input, query_setting_api_version_refused_before_sending, .init = setup, .fini = teardown)
{
	static const char *const bad[] = {
		"api-version=banana",
		"?api-version=banana",
		"$top=1&api-version=2",
		"API-Version=2",
		"api%2Dversion=2",
		"api%2dversion=2",
		"%61pi-version=2",
		"$filter=x&api-version",
		"api-version",
		NULL,
	};
	int status = 0;
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		cr_expect_eq(azsreg_resource_request(&out, &status, client, REQ("GET", REG, "2017-06-01", NULL, bad[i], 0)), AZSREG_EINVALID,
			     "%s", bad[i]);
		cr_expect(strstr(azsreg_error_last()->message, "query sets api-version") != NULL, "%s: %s", bad[i],
			  azsreg_error_last()->message);
		cr_expect_eq(azsreg_resource_request_check(REQ("GET", REG, "2017-06-01", NULL, bad[i], 0)), AZSREG_EINVALID, "%s", bad[i]);
	}
	cr_expect_eq(ft->nreqs, 0, "nothing was sent");
	cr_expect_eq(counting_credential_calls(cred), 0, "no token was fetched");
	/* look-alikes are other parameters */
	cr_expect_eq(azsreg_resource_request_check(REQ("GET", REG, "2017-06-01", NULL, "x-api-version=1&api-versions=2&$filter=api-version%20eq%201", 0)), 0,
		     "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_resource_request_check(REQ("get", REG, "2017-06-01", NULL, NULL, 0)), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_resource_request_check(REQ("GE\r\nT", REG, "2017-06-01", NULL, NULL, 0)), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "method 'GE\\r\\nT'") != NULL, "%s", azsreg_error_last()->message);
}

/* ---------------------------------------------------------------- client */

Test(ops, stats_count_requests_and_retries)
{
	fake_transport_add(ft, 503, NULL, "Retry-After: 1", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\"}", NULL);
	cr_assert_eq(azsreg_customer_get(&out, client, REG, CUST), 0);
	azsreg_free(out);
	out = NULL;
	cr_assert_eq(azsreg_client_stats(&out, client), 0);
	cr_expect_str_eq(out, "{\"requests\":2,\"retries\":1,\"tokenRequests\":1,\"tokenRenewals\":0,\"connectionsOpened\":1}");
}

Test(ops, client_options_validated)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_client *c2 = NULL;

	o.environment = env;
	o.deadline_ms = -1;
	cr_expect_eq(azsreg_client__new_with(&c2, &o, cred, &ft->base, &fc.clock), AZSREG_EINVALID);
	o.deadline_ms = 0;
	o.ca_file = "/nonexistent/ca.pem";
	cr_expect_eq(azsreg_client__new_with(&c2, &o, cred, &ft->base, &fc.clock), AZSREG_EINVALID);
	o.ca_file = NULL;
	o.correlation_id = "not a guid";
	cr_expect_eq(azsreg_client__new_with(&c2, &o, cred, &ft->base, &fc.clock), AZSREG_EINVALID);
	cr_expect_eq(azsreg_client__new_with(&c2, &o, NULL, &ft->base, &fc.clock), AZSREG_EINVALID);
	cr_expect_null(c2);
}

Test(ops, client_json_options)
{
	azsreg_client *c2 = NULL;

	cr_expect_eq(azsreg_client_new_json(&c2, "{\"bogus\":1}", cred, NULL, NULL), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "bogus") != NULL);
	cr_expect_eq(azsreg_client_new_json(&c2, "{\"maxRetries\":\"x\"}", cred, NULL, NULL), AZSREG_EINVALID);
	cr_assert_eq(azsreg_client_new_json(&c2, "{\"environment\":{\"name\":\"S\",\"resourceManagerUrl\":\"https://arm.example.test/\","
						 "\"activeDirectoryAuthority\":\"https://login.example.test/adfs\",\"audience\":\"https://aud.example.test/\"},"
						 "\"maxRetries\":2,\"deadlineMs\":5000}",
					    cred, NULL, NULL),
		     0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(c2->env->arm_endpoint, "https://arm.example.test/");
	cr_expect_eq(c2->env->is_adfs, 1);
	azsreg_client_free(c2);
}

Test(ops, sign_in_describes_without_the_token)
{
	cr_assert_eq(azsreg_client_sign_in(&out, client), 0, "%s", azsreg_error_last()->message);
	cr_expect(strstr(out, "\"credential\":\"Counting(test)\"") != NULL, "%s", out);
	cr_expect(strstr(out, "\"environment\":\"Test\"") != NULL, "%s", out);
	cr_expect(strstr(out, "token-1") == NULL, "never the token: %s", out);
	cr_expect_eq(counting_credential_calls(cred), 1);
	cr_expect_eq(ft->nreqs, 0);
}
