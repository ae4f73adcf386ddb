/*
 * Listing follows nextLink over every page: page size 3 over 10 mappings, empty pages
 * with a nextLink in between, and an empty registration answered with no body at all.
 */
#include "harness_fixture.h"

#include <jansson.h>

TestSuite(paging, .init = fixture_setup, .fini = fixture_teardown, .timeout = 120);

static void seed_mappings(int n)
{
	json_t *state = harness_state(&emu);
	json_t *reg = harness_state_registration(state, HARNESS_REG_NAME);
	json_t *subs = json_array();
	char guid[64];
	int i;

	cr_assert_not_null(reg);
	for (i = 0; i < n; i++) {
		snprintf(guid, sizeof guid, "%08d-1111-4222-8333-444455556666", i);
		json_array_append_new(subs, json_pack("{s:s,s:{s:s}}", "id", guid, "properties", "tenantId", HARNESS_TENANT_ID));
	}
	json_object_set_new(reg, "customerSubscriptions", subs);
	cr_assert_eq(harness_state_put(&emu, state), 0);
	json_decref(state);
}

/* Lists, checks the 10 distinct IDs, returns how many list GETs the emulator saw. */
static long list_and_check(int expected)
{
	char *out = NULL;
	json_t *v, *item;
	size_t i;
	int rc;
	char guid[64];

	cr_assert_eq(harness_reset_counters(&emu), 0);
	rc = azsreg_customer_list(&out, client, HARNESS_REGISTRATION_ID);
	cr_assert_eq(rc, AZSREG_OK, "list: %s", azsreg_error_last()->message);
	v = json_loads(out, 0, NULL);
	cr_assert(json_is_array(v), "not an array: %s", out);
	cr_expect_eq(json_array_size(v), (size_t)expected, "%zu items: %s", json_array_size(v), out);
	for (int k = 0; k < expected; k++) {
		int found = 0;
		snprintf(guid, sizeof guid, "%08d-1111-4222-8333-444455556666", k);
		json_array_foreach(v, i, item)
		{
			const char *id = json_string_value(json_object_get(item, "id"));
			if (id != NULL && strstr(id, guid) != NULL)
				found++;
		}
		cr_expect_eq(found, 1, "%s found %d times", guid, found);
	}
	json_decref(v);
	azsreg_free(out);
	return harness_count_requests(&emu, "GET", "/customerSubscriptions");
}

Test(paging, page_size_3_over_10_mappings)
{
	seed_mappings(10);
	cr_assert_eq(harness_config(&emu, "{\"pageSize\":3}"), 0);
	cr_expect_eq(list_and_check(10), 4, "pages 3+3+3+1 expected");
}

Test(paging, empty_pages_between_real_pages)
{
	seed_mappings(10);
	cr_assert_eq(harness_config(&emu, "{\"pageSize\":3,\"emptyPages\":true}"), 0);
	cr_expect_eq(list_and_check(10), 8, "4 real pages, each after an empty one");
}

Test(paging, empty_registration_with_no_body)
{
	cr_assert_eq(harness_config(&emu, "{\"emptyListBody\":true}"), 0);
	cr_expect_eq(list_and_check(0), 1);
}

Test(paging, empty_registration_with_empty_value)
{
	cr_expect_eq(list_and_check(0), 1);
}

Test(paging, generic_request_follows_pages)
{
	char *out = NULL;
	int status = 0;
	json_t *v;
	seed_mappings(10);
	cr_assert_eq(harness_config(&emu, "{\"pageSize\":3,\"emptyPages\":true}"), 0);
	cr_assert_eq(azsreg_resource_request(&out, &status, client, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, "GET", HARNESS_REGISTRATION_ID "/customerSubscriptions", AZSREG_API_VERSION, NULL, NULL, AZSREG_REQUEST_FOLLOW_PAGES }), AZSREG_OK,
		     "%s", azsreg_error_last()->message);
	cr_expect_eq(status, 200);
	v = json_loads(out, 0, NULL);
	cr_expect_eq(json_array_size(json_object_get(v, "value")), 10, "%s", out);
	json_decref(v);
	azsreg_free(out);
}
