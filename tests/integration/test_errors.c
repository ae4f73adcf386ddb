/*
 * Every documented error code of the customer registration (wire-facts.md section 2)
 * reaches the caller with its ARM code, message, HTTP status, request ID and hint, and
 * the emulator's state is unchanged afterwards.
 */
#include "harness_fixture.h"

#include <jansson.h>

#define CUST_OK "4d3c2b1a-0f9e-4d8c-b7a6-958473625140"
#define CUST_OTHER_PARTNER "5e4d3c2b-1a0f-4e9d-8c7b-a69584736251"
#define CUST_NOT_CSP "6f5e4d3c-2b1a-4f0e-9d8c-7ba695847362"
#define CUST_UNKNOWN "70f6e5d4-c3b2-41a0-9f8e-7d6c5b4a3928"

TestSuite(errors, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

/* Sets one field of the sample registration in the emulator's state. */
static void set_registration_field(const char *field, json_t *value)
{
	json_t *state = harness_state(&emu);
	json_t *reg = harness_state_registration(state, HARNESS_REG_NAME);
	cr_assert_not_null(reg, "no sample registration in the state");
	json_object_set_new(reg, field, value);
	cr_assert_eq(harness_state_put(&emu, state), 0);
	json_decref(state);
}

/* A customer directory: one subscription of the registration's partner, one of another
 * partner, one that is not a CSP subscription. */
static void seed_directory(void)
{
	json_t *state = harness_state(&emu);
	json_t *reg = harness_state_registration(state, HARNESS_REG_NAME);
	json_t *dir = json_pack("[{s:s,s:b,s:s},{s:s,s:b,s:s},{s:s,s:b}]",
				"subscriptionId", CUST_OK, "csp", 1, "cspPartner", "partner-1",
				"subscriptionId", CUST_OTHER_PARTNER, "csp", 1, "cspPartner", "partner-2",
				"subscriptionId", CUST_NOT_CSP, "csp", 0);
	cr_assert_not_null(reg);
	cr_assert_not_null(dir);
	json_object_set_new(reg, "cspPartner", json_string("partner-1"));
	json_object_set_new(state, "customerDirectory", dir);
	cr_assert_eq(harness_state_put(&emu, state), 0);
	json_decref(state);
}

static int put(const char *registration, const char *customer)
{
	char *out = (char *)"untouched";
	int rc = azsreg_customer_put(&out, client, registration, customer, NULL);
	if (rc != AZSREG_OK) {
		cr_expect_null(out, "*out must be NULL on failure");
	} else {
		azsreg_free(out);
	}
	return rc;
}

Test(errors, registration_not_found_on_put_and_get)
{
	const char *missing = "/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/azurestack"
			      "/providers/Microsoft.AzureStack/registrations/AzureStack-missing";
	char *out = NULL;
	int rc;

	rc = put(missing, CUST_OK);
	ASSERT_ARM_ERROR(rc, AZSREG_ENOTFOUND, 404, "RegistrationNotFound");
	rc = azsreg_registration_get(&out, client, missing);
	cr_expect_null(out);
	ASSERT_ARM_ERROR(rc, AZSREG_ENOTFOUND, 404, "RegistrationNotFound");
	ASSERT_MAPPINGS("");
}

Test(errors, bad_customer_subscription_id_other_partner)
{
	int rc;
	seed_directory();
	rc = put(HARNESS_REGISTRATION_ID, CUST_OTHER_PARTNER);
	ASSERT_ARM_ERROR(rc, AZSREG_ESERVICE, 400, "BadCustomerSubscriptionId");
	ASSERT_MAPPINGS("");
	/* the directory's own customer still registers */
	cr_assert_eq(put(HARNESS_REGISTRATION_ID, CUST_OK), AZSREG_OK, "%s", azsreg_error_last()->message);
	ASSERT_MAPPINGS(CUST_OK);
}

Test(errors, invalid_customer_subscription_id_unknown_subscription)
{
	int rc;
	seed_directory();
	rc = put(HARNESS_REGISTRATION_ID, CUST_UNKNOWN);
	ASSERT_ARM_ERROR(rc, AZSREG_ESERVICE, 400, "InvalidCustomerSubscriptionId");
	ASSERT_MAPPINGS("");
}

Test(errors, invalid_csp_subscription)
{
	int rc;
	seed_directory();
	rc = put(HARNESS_REGISTRATION_ID, CUST_NOT_CSP);
	ASSERT_ARM_ERROR(rc, AZSREG_ESERVICE, 400, "InvalidCSPSubscription");
	ASSERT_MAPPINGS("");
}

Test(errors, customer_subscription_not_found_on_get)
{
	char *out = NULL;
	int rc = azsreg_customer_get(&out, client, HARNESS_REGISTRATION_ID, CUST_UNKNOWN);
	cr_expect_null(out);
	ASSERT_ARM_ERROR(rc, AZSREG_ENOTFOUND, 404, "CustomerSubscriptionNotFound");
}

Test(errors, customer_subscription_not_found_on_delete_when_configured)
{
	int existed = -1;
	int rc;
	cr_assert_eq(harness_config(&emu, "{\"deleteMissing\":\"404\"}"), 0);
	rc = azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, CUST_UNKNOWN);
	ASSERT_ARM_ERROR(rc, AZSREG_ENOTFOUND, 404, "CustomerSubscriptionNotFound");
}

Test(errors, unauthorized_csp_registration)
{
	int rc;
	set_registration_field("multiTenancyApproved", json_false());
	rc = put(HARNESS_REGISTRATION_ID, CUST_OK);
	ASSERT_ARM_ERROR(rc, AZSREG_EAUTH, 403, "UnauthorizedCspRegistration");
	ASSERT_MAPPINGS("");
}

Test(errors, customer_subscriptions_not_allowed_for_capacity)
{
	int rc;
	set_registration_field("billingModel", json_string("Capacity"));
	rc = put(HARNESS_REGISTRATION_ID, CUST_OK);
	ASSERT_ARM_ERROR(rc, AZSREG_ECONFLICT, 409, "CustomerSubscriptionsNotAllowed");
	ASSERT_MAPPINGS("");
}

Test(errors, error_json_carries_the_fields)
{
	const char *json;
	json_t *v;
	int rc = put("/subscriptions/" HARNESS_REG_SUBSCRIPTION "/resourceGroups/azurestack"
		     "/providers/Microsoft.AzureStack/registrations/AzureStack-missing",
		     CUST_OK);
	cr_assert_eq(rc, AZSREG_ENOTFOUND);
	json = azsreg_error_last_json();
	v = json_loads(json, 0, NULL);
	cr_assert_not_null(v, "error JSON is not JSON: %s", json);
	cr_expect_str_eq(json_string_value(json_object_get(v, "armCode")), "RegistrationNotFound");
	cr_expect_eq(json_integer_value(json_object_get(v, "httpStatus")), 404);
	cr_expect_eq(strlen(json_string_value(json_object_get(v, "requestId"))), 36);
	cr_expect_neq(json_string_value(json_object_get(v, "hint"))[0], '\0');
	json_decref(v);
}
