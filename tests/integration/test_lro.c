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
	rc = azsreg_resource_request(&out, &status, client, "PUT", HARNESS_REGISTRATION_ID "/customerSubscriptions/" CUST,
	                             AZSREG_API_VERSION, "{\"properties\":{}}", NULL, AZSREG_REQUEST_NO_LRO);
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect(status == 201 || status == 202, "status %d", status);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/operationStatuses/"), 0);
	azsreg_free(out);
}
