/*
 * Long-running answers (ARM convention, which the API allows although it marks no
 * operation long-running): 201/202 with Azure-AsyncOperation or Location are polled until
 * done; the change is applied once.
 */
#include "harness_fixture.h"

#include <jansson.h>

#define CUST "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a"

TestSuite(lro, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static void run(const char *style)
{
	char config[200];
	char *out = NULL;
	int existed = -1;
	int rc;

	snprintf(config, sizeof config, "{\"lro\":{\"enabled\":true,\"polls\":1,\"style\":\"%s\",\"retryAfter\":1}}", style);
	cr_assert_eq(harness_config(&emu, config), 0);

	rc = azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST, HARNESS_TENANT_ID);
	cr_assert_eq(rc, AZSREG_OK, "put (%s): %s", style, azsreg_error_last()->message);
	cr_expect_not_null(out);
	azsreg_free(out);
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/" CUST), 1);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/operationStatuses/"), 2, "1 InProgress poll + the final one");
	ASSERT_MAPPINGS(CUST);

	cr_assert_eq(harness_reset_counters(&emu), 0);
	rc = azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, CUST);
	cr_assert_eq(rc, AZSREG_OK, "delete (%s): %s", style, azsreg_error_last()->message);
	cr_expect_eq(harness_count_requests(&emu, "DELETE", "/customerSubscriptions/" CUST), 1);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/operationStatuses/"), 2);
	ASSERT_MAPPINGS("");
}

Test(lro, azure_async_operation_style)
{
	run("async");
}

Test(lro, location_style)
{
	run("location");
}

Test(lro, no_lro_flag_returns_the_first_answer)
{
	char *out = NULL;
	int status = 0;
	int rc;
	cr_assert_eq(harness_config(&emu, "{\"lro\":{\"enabled\":true,\"polls\":1,\"style\":\"async\",\"retryAfter\":1}}"), 0);
	rc = azsreg_resource_request(&out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "PUT", HARNESS_REGISTRATION_ID "/customerSubscriptions/" CUST, AZSREG_API_VERSION, "{\"properties\":{}}", NULL, AZSREG_REQUEST_NO_LRO });
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect(status == 201 || status == 202, "status %d", status);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/operationStatuses/"), 0);
	azsreg_free(out);
}

/* Polls the operation at `op_url` (an absolute URL) until it Succeeded, at most 5 times. */
static void wait_operation(const char *op_url, const char *const *hdrs)
{
	const char *op_path = strstr(op_url, "/subscriptions/");
	harness_http r;
	int i, done = 0;

	cr_assert_not_null(op_path, "operation URL %s", op_url);
	for (i = 0; i < 5 && !done; i++) {
		int st = harness_https(&emu, "GET", op_path, hdrs, NULL, NULL, &r);

		cr_assert(st == 200 || st == 202, "operation status poll answered %d: %s", st, r.body);
		done = json_is_string(json_object_get(r.json, "status")) &&
		       strcmp(json_string_value(json_object_get(r.json, "status")), "Succeeded") == 0;
		harness_http_free(&r);
	}
	cr_assert(done, "the operation did not succeed in 5 polls");
}

/*
 * The 201 of a long-running PUT carries the etag the mapping will have once the operation
 * is done (a fresh GUID, not all zeros: issue 10, item 4), and the mapping has it after
 * the operation completed. Raw HTTPS, to see the first answer and follow the operation.
 */
Test(lro, put_201_etag_is_the_mappings_etag_after_completion)
{
	char *token = harness_sample_token(&emu);
	char auth[4096], op_url[1024], first_etag[64];
	const char *hdrs[] = { auth, "Content-Type: application/json", NULL };
	const char *path = HARNESS_REGISTRATION_ID "/customerSubscriptions/" CUST "?api-version=2017-06-01";
	const char *etag;
	harness_http r;

	cr_assert_not_null(token);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	cr_assert_eq(harness_config(&emu, "{\"lro\":{\"enabled\":true,\"polls\":1,\"style\":\"async\",\"retryAfter\":1}}"), 0);

	cr_assert_eq(harness_https(&emu, "PUT", path, hdrs, "{\"properties\":{}}", "application/json", &r), 201, "%s", r.body);
	etag = json_string_value(json_object_get(r.json, "etag"));
	cr_assert_not_null(etag, "no etag in the 201 body: %s", r.body);
	cr_expect_eq(strlen(etag), 36, "etag '%s' is not a GUID", etag);
	cr_expect_str_neq(etag, "00000000-0000-0000-0000-000000000000");
	snprintf(first_etag, sizeof first_etag, "%s", etag);
	cr_assert_not_null(harness_http_header(&r, "Azure-AsyncOperation", op_url, sizeof op_url), "no Azure-AsyncOperation");
	harness_http_free(&r);

	wait_operation(op_url, hdrs);

	cr_assert_eq(harness_https(&emu, "GET", path, hdrs, NULL, NULL, &r), 200, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "etag")), first_etag);
	harness_http_free(&r);
	free(token);
}

/*
 * A long-running PUT keeps the casing of the GUID it was sent with (issue 10, item 6): the
 * 201 body and, once the operation is done, the mapping show it.
 */
Test(lro, put_keeps_the_callers_casing_through_the_operation)
{
	static const char upper[] = "D4E5F6A7-B8C9-4D0E-8F1A-2B3C4D5E6F7B";
	char *token = harness_sample_token(&emu);
	char auth[4096], op_url[1024], path[512], want[512];
	const char *hdrs[] = { auth, "Content-Type: application/json", NULL };
	harness_http r;

	cr_assert_not_null(token);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	snprintf(path, sizeof path, "%s/customerSubscriptions/%s?api-version=2017-06-01", HARNESS_REGISTRATION_ID, upper);
	snprintf(want, sizeof want, "%s/customerSubscriptions/%s", HARNESS_REGISTRATION_ID, upper);
	cr_assert_eq(harness_config(&emu, "{\"lro\":{\"enabled\":true,\"polls\":1,\"style\":\"async\",\"retryAfter\":1}}"), 0);

	cr_assert_eq(harness_https(&emu, "PUT", path, hdrs, "{\"properties\":{}}", "application/json", &r), 201, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "id")), want);
	cr_assert_not_null(harness_http_header(&r, "Azure-AsyncOperation", op_url, sizeof op_url), "no Azure-AsyncOperation");
	harness_http_free(&r);
	wait_operation(op_url, hdrs);

	snprintf(path, sizeof path, "%s/customerSubscriptions/%s?api-version=2017-06-01", HARNESS_REGISTRATION_ID,
		 "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7b");
	cr_assert_eq(harness_https(&emu, "GET", path, hdrs, NULL, NULL, &r), 200, "%s", r.body);
	cr_expect_str_eq(json_string_value(json_object_get(r.json, "id")), want);
	harness_http_free(&r);
	free(token);
}
