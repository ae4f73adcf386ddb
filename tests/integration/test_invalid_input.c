/*
 * Invalid input is refused before anything is sent: the emulator sees no request at all
 * (no token request, no ARM request), and each refusal has a message naming the problem.
 */
#include "harness_fixture.h"

#define GOOD_CUST "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f"
#define REG_PREFIX "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/azurestack/providers/"

TestSuite(invalid_input, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static const char *const bad_customers[] = {
	"", "not-a-guid", "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6", "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f0",
	"c3d4e5f6a7b84c9d8e0f1a2b3c4d5e6f0000", "g3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
	"../c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f/..",
	"c3d4e5f6%2Da7b8-4c9d-8e0f-1a2b3c4d5e6f", " c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f",
	"c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f?x=1", NULL,
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
	expect_invalid(azsreg_resource_request(&out, NULL, client, "GET", longid, AZSREG_API_VERSION, NULL, NULL, 0),
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
		expect_invalid(azsreg_resource_request(&out, &status, client, "GET", bad[i], AZSREG_API_VERSION,
		                                       NULL, NULL, 0), bad[i]);
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
