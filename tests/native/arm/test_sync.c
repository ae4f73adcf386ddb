/*
 * test_sync.c: desired-state sync (sync.c) over the simulated ARM of sim_arm.h: what is
 * missing is created, another tenant updated, the rest kept; pruning only when asked; a
 * dry run writes nothing; entries for every registration or the one they name; bad input
 * refused before anything is sent; the JSON form; put-all; a cancel while listing.
 */
#include "sim_arm.h"

TestSuite(sync, .init = sim_setup, .fini = sim_teardown);

static void seed(const char *reg_lower_path, const char *guid, const char *tenant)
{
	char path[400];

	snprintf(path, sizeof path, "%s/customersubscriptions/%s", reg_lower_path, guid);
	S.store[S.nstore] = strdup(path);
	S.store_tenant[S.nstore] = tenant ? strdup(tenant) : NULL;
	S.nstore++;
}

#define REG_A_LOWER "subscriptions/" SUB_A "/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/rega"
#define REG_B_LOWER "subscriptions/" SUB_B "/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/regb"
#define C0 "c0000000-0000-4000-8000-000000000000"
#define C1 "c1000000-0000-4000-8000-000000000000"
#define C2 "c2000000-0000-4000-8000-000000000000"
#define C9 "c9000000-0000-4000-8000-000000000000"
#define OTHER_TENANT "99999999-1111-2222-3333-444444444444"

static const char *const ONE_REG[] = { REG_A };

static const char *tenant_of(const char *reg_lower_path, const char *guid)
{
	char path[400];
	int i;

	snprintf(path, sizeof path, "%s/customersubscriptions/%s", reg_lower_path, guid);
	i = store_find(path);
	return i < 0 ? "(absent)" : S.store_tenant[i] ? S.store_tenant[i]
						      : "(none)";
}

Test(sync, creates_what_is_missing_updates_another_tenant_and_keeps_the_rest)
{
	azsreg_sync_entry want[3] = { { C0, TENANT, NULL }, { "{C1000000-0000-4000-8000-000000000000}", TENANT, NULL }, { C2, TENANT, NULL } };
	json_t *o;

	seed(REG_A_LOWER, C0, TENANT);
	seed(REG_A_LOWER, C1, OTHER_TENANT);
	seed(REG_A_LOWER, C9, TENANT);
	cr_assert_eq(azsreg_sync(&out, batch, ONE_REG, 1, want, 3, 0), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nseen, 3, "one listing and two writes, got %d requests", S.nseen);
	cr_expect_eq(count_seen("GET", 200), 1);
	cr_expect_eq(count_seen("PUT", 200), 2);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C1), TENANT);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C2), TENANT);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C9), TENANT, "not pruned without AZSREG_SYNC_PRUNE");
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "creates")), 1);
	cr_expect_eq(json_integer_value(json_object_get(o, "updates")), 1);
	cr_expect_eq(json_integer_value(json_object_get(o, "deletes")), 0);
	cr_expect_eq(json_integer_value(json_object_get(o, "unchanged")), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(o, "plan"), 0), "action")), "update");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(o, "plan"), 0), "currentTenantId")), OTHER_TENANT);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(o, "plan"), 1), "action")), "create");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "batch"), "succeeded")), 2);
	json_decref(o);

	/* again: nothing to do, no write */
	azsreg_free(out);
	out = NULL;
	S.nseen = 0;
	cr_assert_eq(azsreg_sync(&out, batch, ONE_REG, 1, want, 3, 0), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nseen, 1, "a second run sent %d requests (only the listing expected)", S.nseen);
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "unchanged")), 3);
	cr_expect_null(json_object_get(o, "batch"));
	json_decref(o);
}

Test(sync, prunes_only_when_asked_and_a_dry_run_sends_no_write)
{
	azsreg_sync_entry want[1] = { { C0, NULL, NULL } };
	json_t *o, *p;

	seed(REG_A_LOWER, C0, OTHER_TENANT);
	seed(REG_A_LOWER, C9, TENANT);
	cr_assert_eq(azsreg_sync(&out, batch, ONE_REG, 1, want, 1, AZSREG_SYNC_PRUNE | AZSREG_SYNC_DRY_RUN), AZSREG_OK, "%s",
		     azsreg_error_last()->message);
	cr_expect_eq(S.nseen, 1, "a dry run sent %d requests (only the listing expected)", S.nseen);
	cr_expect_eq(S.nstore, 2);
	o = parse_out();
	cr_expect(json_is_true(json_object_get(o, "dryRun")));
	cr_expect_eq(json_integer_value(json_object_get(o, "deletes")), 1);
	cr_expect_eq(json_integer_value(json_object_get(o, "unchanged")), 1, "no tenant wanted: the mapping is kept whatever its tenant");
	p = json_array_get(json_object_get(o, "plan"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(p, "action")), "delete");
	cr_expect_str_eq(json_string_value(json_object_get(p, "customerSubscriptionId")), C9);
	cr_expect_str_eq(json_string_value(json_object_get(p, "registration")), "RegA");
	json_decref(o);
	azsreg_free(out);
	out = NULL;

	cr_assert_eq(azsreg_sync(&out, batch, ONE_REG, 1, want, 1, AZSREG_SYNC_PRUNE), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(count_seen("DELETE", 200), 1);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C9), "(absent)");
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C0), OTHER_TENANT);
}

Test(sync, entries_apply_to_every_registration_or_the_one_they_name)
{
	static const char *const two[] = { REG_A, REG_B };
	azsreg_sync_entry want[2] = { { C0, TENANT, NULL }, { C1, TENANT, "RegB" } };

	cr_assert_eq(azsreg_sync(&out, batch, two, 2, want, 2, AZSREG_SYNC_PRUNE), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C0), TENANT);
	cr_expect_str_eq(tenant_of(REG_B_LOWER, C0), TENANT);
	cr_expect_str_eq(tenant_of(REG_B_LOWER, C1), TENANT);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C1), "(absent)");
	cr_expect_eq(S.nstore, 3);
}

Test(sync, refuses_bad_input_before_anything_is_sent)
{
	static const char *const two[] = { REG_A, REG_B };
	azsreg_sync_entry want[2] = { { C0, TENANT, NULL }, { C0, OTHER_TENANT, REG_A } };

	cr_expect_eq(azsreg_sync(&out, batch, two, 2, want, 2, 0), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "sync entry 1 repeats entry 0: customer " C0 " for registration RegA; give each customer once per registration");
	want[1].registration = "RegC";
	cr_expect_eq(azsreg_sync(&out, batch, two, 2, want, 2, 0), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "sync entry 1: the registration 'RegC' is not one of the 2 registration(s) of this sync: "
						       "add it to the sync's registrations or leave the entry's registration out (all of them)");
	want[1].registration = NULL;
	want[1].customer_subscription_id = "nope";
	cr_expect_eq(azsreg_sync(&out, batch, two, 2, want, 2, 0), AZSREG_EINVALID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "sync entry 1: "), "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_sync(&out, batch, two, 0, want, 1, 0), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "sync: no registration given: name the registration(s) to sync");
	cr_expect_eq(azsreg_sync(&out, batch, (const char *const[]){ REG_A, REG_A }, 2, want, 1, 0), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "sync: registration 1 repeats registration 0 (RegA)");
	cr_expect_eq(azsreg_sync_json(&out, batch, "{\"registrations\":[\"" REG_A "\"],\"purge\":true}"), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "sync: unknown member \"purge\"");
	cr_expect_eq(S.nseen, 0);
	cr_expect_null(out);
}

Test(sync, from_json_plans_like_the_c_call)
{
	json_t *o;

	seed(REG_A_LOWER, C9, TENANT);
	cr_assert_eq(azsreg_sync_json(&out, batch, "{\"registrations\":[\"" REG_A "\"],\"entries\":[{\"customerSubscriptionId\":\"" C0 "\","
						   "\"tenantId\":\"" TENANT "\"}],\"prune\":true,\"dryRun\":true}"),
		     AZSREG_OK,
		     "%s", azsreg_error_last()->message);
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "creates")), 1);
	cr_expect_eq(json_integer_value(json_object_get(o, "deletes")), 1);
	cr_expect_eq(S.nseen, 1);
	json_decref(o);
}

Test(sync, put_all_writes_every_entry_without_listing)
{
	azsreg_sync_entry want[2] = { { C0, TENANT, NULL }, { C1, NULL, NULL } };
	json_t *o;

	seed(REG_A_LOWER, C0, TENANT);
	cr_assert_eq(azsreg_sync(&out, batch, ONE_REG, 1, want, 2, AZSREG_SYNC_PUT_ALL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nseen, 2, "%d requests: two PUTs and no listing expected", S.nseen);
	cr_expect_eq(count_seen("PUT", 200), 2);
	cr_expect_str_eq(tenant_of(REG_A_LOWER, C1), "(none)");
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "creates")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(o, "plan"), 0), "action")), "put");
	json_decref(o);
	azsreg_free(out);
	out = NULL;
	cr_expect_eq(azsreg_sync(&out, batch, ONE_REG, 1, want, 2, AZSREG_SYNC_PUT_ALL | AZSREG_SYNC_PRUNE), AZSREG_EINVALID);
}

Test(sync, a_cancel_while_sync_lists_stops_it_before_any_write)
{
	azsreg_sync_entry want[3] = { { C0, TENANT, NULL }, { C1, TENANT, NULL }, { C2, TENANT, NULL } };
	static const char *const two[] = { REG_A, REG_B };

	S.cancel_on_listing = 1;
	cr_expect_eq(azsreg_sync(&out, batch, two, 2, want, 3, 0), AZSREG_ECANCELLED);
	cr_expect_str_eq(azsreg_error_last()->message, "sync cancelled while listing the registrations: nothing was written");
	cr_expect_eq(count_seen("PUT", 0), 0);
	cr_expect_null(out);
	/* the cancel was acted on: the next sync runs */
	S.cancel_on_listing = 0;
	cr_expect_eq(azsreg_sync(&out, batch, two, 2, want, 3, 0), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(count_seen("PUT", 0), 6);
}

static void reset_store(void)
{
	int i;

	for (i = 0; i < S.nstore; i++) {
		free(S.store[i]);
		free(S.store_tenant[i]);
	}
	S.nstore = 0;
	S.nseen = 0;
	seed(REG_A_LOWER, C0, TENANT);
	seed(REG_A_LOWER, C1, OTHER_TENANT);
	seed(REG_A_LOWER, C9, TENANT);
}

/*
 * Issue 12: the library's JSON is built member by member (json.c), and a member that could
 * not be added fails the call instead of going missing. In a pruning sync the set of wanted
 * customers is such JSON: with a member missing, a wanted customer would be pruned. Each of
 * Jansson's allocations in the library fails in turn: every run ends in the normal result
 * or an error, never deletes a wanted customer (C0, C1), and deletes C9 only when it says
 * it did. (test_alloc_failure.c fails the library's own allocations and, by default, not
 * Jansson's: see its comment.)
 */
Test(sync, a_jansson_allocation_failing_never_prunes_a_wanted_customer)
{
	azsreg_sync_entry want[2] = { { C0, NULL, NULL }, { C1, TENANT, NULL } };
	long n, k, normal = 0, failed = 0;
	int rc;

	json_set_alloc_funcs(jn_malloc, free);
	reset_store();
	jn_count = 0;
	jn_fail_at = 0;
	rc = azsreg_sync(&out, batch, ONE_REG, 1, want, 2, AZSREG_SYNC_PRUNE);
	n = jn_count;
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_assert_str_eq(tenant_of(REG_A_LOWER, C9), "(absent)");
	cr_assert_str_eq(tenant_of(REG_A_LOWER, C1), TENANT);
	cr_assert_gt(n, 10, "only %ld Jansson allocations counted", n);
	for (k = 1; k <= n; k++) {
		azsreg_free(out);
		out = NULL;
		reset_store();
		jn_count = 0;
		jn_fail_at = k;
		rc = azsreg_sync(&out, batch, ONE_REG, 1, want, 2, AZSREG_SYNC_PRUNE);
		cr_expect_str_neq(tenant_of(REG_A_LOWER, C0), "(absent)", "allocation %ld of %ld failing pruned the wanted C0 (%s)", k, n,
				  azsreg_result_name(rc));
		cr_expect_str_neq(tenant_of(REG_A_LOWER, C1), "(absent)", "allocation %ld of %ld failing pruned the wanted C1 (%s)", k, n,
				  azsreg_result_name(rc));
		if (rc == AZSREG_OK) {
			normal++;
			cr_expect_str_eq(tenant_of(REG_A_LOWER, C9), "(absent)", "allocation %ld of %ld failing: OK, but C9 is still there", k, n);
			cr_expect_not_null(out, "allocation %ld of %ld failing: OK without the JSON", k, n);
		} else {
			failed++;
			cr_expect_eq(azsreg_error_last()->code, rc, "allocation %ld of %ld failing: returned %s, the last error says %s", k, n,
				     azsreg_result_name(rc), azsreg_result_name(azsreg_error_last()->code));
		}
	}
	json_set_alloc_funcs(malloc, free);
	fprintf(stderr, "sync with prune: %ld Jansson allocations, each failed once: %ld runs ended normally, %ld with an error\n", n,
		normal, failed);
}
