/*
 * Register / get / list / remove through the library against the emulator over TLS,
 * with the emulator's dumped state checked after every step.
 */
#include "harness_fixture.h"

#include <jansson.h>
#include <strings.h>

#define CUST_A "e09a8dc3-5f2b-4c1d-9e7a-3b6c8d0f1a24"
#define CUST_A_UPPER "E09A8DC3-5F2B-4C1D-9E7A-3B6C8D0F1A24"
#define CUST_B "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"
#define CUST_TENANT "dbab3982-7a4c-4b8e-9f21-5c6d7e8f9a0b"

TestSuite(crud, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
	cr_assert_not_null(v, "not JSON (%s): %s", jerr.text, text);
	return v;
}

Test(crud, registration_get_returns_the_registration)
{
	char *out = NULL;
	json_t *reg;
	int rc = azsreg_registration_get(&out, client, HARNESS_REGISTRATION_ID);
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	reg = parse(out);
	cr_expect_str_eq(json_string_value(json_object_get(reg, "name")), HARNESS_REG_NAME);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(reg, "properties"), "billingModel")),
			 "PayAsYouUse");
	json_decref(reg);
	azsreg_free(out);
}

Test(crud, put_get_list_delete_round_trip)
{
	char *out = NULL;
	json_t *v;
	int existed = -1;
	int rc;

	ASSERT_MAPPINGS("");

	/* register, with an upper-case GUID: it is sent (and stored) in lowercase */
	rc = azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST_A_UPPER, CUST_TENANT);
	cr_assert_eq(rc, AZSREG_OK, "put: %s", azsreg_error_last()->message);
	v = parse(out);
	cr_expect_str_eq(json_string_value(json_object_get(v, "id")),
			 HARNESS_REGISTRATION_ID "/customerSubscriptions/" CUST_A);
	cr_expect_str_eq(json_string_value(json_object_get(v, "name")), HARNESS_REG_NAME "/" CUST_A);
	cr_expect_str_eq(json_string_value(json_object_get(v, "type")),
			 "Microsoft.AzureStack/registrations/customerSubscriptions");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(v, "properties"), "tenantId")), CUST_TENANT);
	json_decref(v);
	azsreg_free(out);
	out = NULL;
	ASSERT_MAPPINGS(CUST_A);
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/" CUST_A), 1);
	cr_expect_eq(harness_count_requests(&emu, NULL, CUST_A_UPPER), 0, "the upper-case form was sent");

	/* the stored properties carry the tenant */
	{
		json_t *state = harness_state(&emu);
		json_t *reg = harness_state_registration(state, HARNESS_REG_NAME);
		json_t *sub = json_array_get(json_object_get(reg, "customerSubscriptions"), 0);
		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(sub, "properties"), "tenantId")),
				 CUST_TENANT);
		json_decref(state);
	}

	/* registering the same subscription again overwrites, never duplicates */
	rc = azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST_A, CUST_TENANT);
	cr_assert_eq(rc, AZSREG_OK, "second put: %s", azsreg_error_last()->message);
	azsreg_free(out);
	out = NULL;
	ASSERT_MAPPINGS(CUST_A);

	rc = azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST_B, NULL);
	cr_assert_eq(rc, AZSREG_OK, "put B: %s", azsreg_error_last()->message);
	azsreg_free(out);
	out = NULL;
	ASSERT_MAPPINGS(CUST_B "," CUST_A);

	/* get */
	rc = azsreg_customer_get(&out, client, HARNESS_REGISTRATION_ID, CUST_A);
	cr_assert_eq(rc, AZSREG_OK, "get: %s", azsreg_error_last()->message);
	v = parse(out);
	cr_expect_str_eq(json_string_value(json_object_get(v, "id")),
			 HARNESS_REGISTRATION_ID "/customerSubscriptions/" CUST_A);
	json_decref(v);
	azsreg_free(out);
	out = NULL;

	/* list */
	rc = azsreg_customer_list(&out, client, HARNESS_REGISTRATION_ID);
	cr_assert_eq(rc, AZSREG_OK, "list: %s", azsreg_error_last()->message);
	v = parse(out);
	cr_assert(json_is_array(v), "list is not an array: %s", out);
	cr_expect_eq(json_array_size(v), 2);
	json_decref(v);
	azsreg_free(out);
	out = NULL;

	/* delete: 200 (existed), then 204 (absent) */
	rc = azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, CUST_A);
	cr_assert_eq(rc, AZSREG_OK, "delete: %s", azsreg_error_last()->message);
	cr_expect_eq(existed, 1);
	ASSERT_MAPPINGS(CUST_B);
	existed = -1;
	rc = azsreg_customer_delete(&existed, client, HARNESS_REGISTRATION_ID, CUST_A);
	cr_assert_eq(rc, AZSREG_OK, "second delete: %s", azsreg_error_last()->message);
	cr_expect_eq(existed, 0);
	ASSERT_MAPPINGS(CUST_B);

	/* get after delete: not found */
	rc = azsreg_customer_get(&out, client, HARNESS_REGISTRATION_ID, CUST_A);
	cr_expect_null(out);
	ASSERT_ARM_ERROR(rc, AZSREG_ENOTFOUND, 404, "CustomerSubscriptionNotFound");
}

Test(crud, put_accepts_201_with_no_body)
{
	char *out = NULL;
	json_t *v;
	int rc;

	cr_assert_eq(harness_config(&emu, "{\"putResponse\":\"201empty\"}"), 0);
	rc = azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST_A, CUST_TENANT);
	cr_assert_eq(rc, AZSREG_OK, "put: %s", azsreg_error_last()->message);
	/* the result is built from the request */
	v = parse(out);
	cr_expect_str_eq(json_string_value(json_object_get(v, "id")),
			 HARNESS_REGISTRATION_ID "/customerSubscriptions/" CUST_A);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(v, "properties"), "tenantId")), CUST_TENANT);
	json_decref(v);
	azsreg_free(out);
	ASSERT_MAPPINGS(CUST_A);
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/"), 1);
}

Test(crud, resource_request_generic_get)
{
	char *out = NULL;
	int status = 0;
	json_t *v;
	int rc = azsreg_resource_request(&out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", HARNESS_REGISTRATION_ID, AZSREG_API_VERSION, NULL, NULL, 0 });
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(status, 200);
	v = parse(out);
	cr_expect_str_eq(json_string_value(json_object_get(v, "name")), HARNESS_REG_NAME);
	json_decref(v);
	azsreg_free(out);
}

Test(crud, requests_carry_ids_and_one_correlation_id)
{
	char *out = NULL;
	json_t *reqs, *r;
	size_t i;
	const char *corr = NULL;
	long arm = 0;

	cr_assert_eq(azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, CUST_A, NULL), AZSREG_OK);
	azsreg_free(out);
	out = NULL;
	cr_assert_eq(azsreg_customer_list(&out, client, HARNESS_REGISTRATION_ID), AZSREG_OK);
	azsreg_free(out);

	reqs = harness_requests(&emu);
	cr_assert_not_null(reqs);
	json_array_foreach(reqs, i, r)
	{
		const char *path = json_string_value(json_object_get(r, "path"));
		json_t *h = json_object_get(r, "headers");
		const char *cid = NULL, *rid = NULL;
		const char *k;
		json_t *hv;
		if (path == NULL || strstr(path, "/subscriptions/") != path)
			continue;
		arm++;
		json_object_foreach(h, k, hv)
		{
			if (strcasecmp(k, "x-ms-correlation-request-id") == 0)
				cid = json_string_value(hv);
			if (strcasecmp(k, "x-ms-client-request-id") == 0)
				rid = json_string_value(hv);
		}
		cr_expect_not_null(rid, "no x-ms-client-request-id on %s", path);
		cr_expect_not_null(cid, "no x-ms-correlation-request-id on %s", path);
		if (cid != NULL && corr == NULL)
			corr = cid;
		else if (cid != NULL)
			cr_expect_str_eq(cid, corr, "one correlation ID per client");
	}
	cr_expect_geq(arm, 2);
	json_decref(reqs);
}
