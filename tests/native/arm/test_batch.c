/*
 * test_batch.c: batches (batch.c) over the simulated ARM of sim_arm.h: every item once,
 * concurrency, pacing at the throttle floor and 429 lanes per subscription, retries, token
 * renewal, bad items refused by index before anything is sent, cancellation, progress,
 * and batches described and reported as JSON.
 */
#include "sim_arm.h"

TestSuite(batch, .init = sim_setup, .fini = sim_teardown);

Test(batch, puts_every_item_once_signs_in_once_and_reports_in_item_order)
{
	azsreg_batch_item *items = make_items(40, AZSREG_BATCH_PUT, REG_A, "{DBAB3982-1111-2222-3333-444444444444}", 0);
	json_t *o, *results, *r;
	int i;

	cr_assert_eq(azsreg_batch_run(batch, items, 40, &out), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 40, "mappings in the service: %d", S.nstore);
	cr_expect_eq(count_seen("PUT", 200), 40);
	cr_expect_eq(S.nseen, 40, "requests: %d", S.nseen);
	cr_expect_eq(counting_credential_calls(cred), 1, "signed in %d times", counting_credential_calls(cred));
	for (i = 0; i < S.nseen; i++)
		cr_expect_str_eq(S.seen[i].auth, "Bearer token-1");
	for (i = 0; i < S.nstore; i++)
		cr_expect_str_eq(S.store_tenant[i], TENANT);
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "total")), 40);
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")), 40);
	cr_expect_eq(json_integer_value(json_object_get(o, "failed")), 0);
	cr_expect_eq(json_integer_value(json_object_get(o, "requests")), 40);
	results = json_object_get(o, "results");
	cr_assert_eq(json_array_size(results), 40);
	for (i = 0; i < 40; i++) {
		char lower[40];
		size_t k;
		r = json_array_get(results, (size_t)i);
		snprintf(lower, sizeof lower, "%s", guids[i]);
		for (k = 0; lower[k]; k++)
			lower[k] = (char)(lower[k] >= 'A' && lower[k] <= 'Z' ? lower[k] + 32 : lower[k]);
		cr_expect_eq(json_integer_value(json_object_get(r, "index")), i);
		cr_expect_str_eq(json_string_value(json_object_get(r, "customerSubscriptionId")), lower);
		cr_expect_str_eq(json_string_value(json_object_get(r, "code")), "AZSREG_OK");
		cr_expect_eq(json_integer_value(json_object_get(r, "status")), 200);
		cr_expect_eq(json_integer_value(json_object_get(r, "attempts")), 1);
		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(r, "resource"), "properties"), "tenantId")),
				 TENANT);
	}
	json_decref(o);
	free(items);
}

Test(batch, keeps_at_most_concurrency_requests_in_flight)
{
	azsreg_batch_item *items = make_items(40, AZSREG_BATCH_PUT, REG_A, NULL, 0);

	new_batch(4, 0, NULL, NULL, NULL);
	cr_assert_eq(azsreg_batch_run(batch, items, 40, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.max_in_flight, 4, "at most %d in flight", S.max_in_flight);
	/* the first request alone (it tells whether the lane is paced: this service sends no
	 * x-ms-ratelimit-remaining-* header, so it is not), then 39 requests 4 at a time: 1 + 10 rounds of 20 ms */
	cr_expect_eq(rel_now(), 220, "took %lld ms", (long long)rel_now());
	free(items);
}

Test(batch, a_429_pauses_the_whole_lane_for_retry_after_and_is_not_a_retry)
{
	azsreg_batch_item *items = make_items(12, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	int i, first429 = -1;
	int64_t t429 = 0;
	json_t *o;

	S.throttle = 1;
	S.burst = 5;
	S.per_second = 1; /* one token a second */
	new_batch(4, AZSREG_BATCH_NO_PACING, NULL, NULL, NULL);
	cr_assert_eq(azsreg_batch_run(batch, items, 12, &out), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 12);
	for (i = 0; i < S.nseen; i++) {
		if (S.seen[i].status == 429 && first429 < 0) {
			first429 = i;
			t429 = S.seen[i].at;
		}
	}
	cr_assert_geq(first429, 0, "no 429 was answered");
	/* after a 429 answered at t429 + latency, nothing is sent to that lane before Retry-After (1 s) passed */
	for (i = first429 + 1; i < S.nseen; i++) {
		if (S.seen[i].at > t429 && S.seen[i].at < t429 + S.latency_ms + 1000 && S.seen[i].status != 429)
			cr_expect_fail("request %d sent at %lld ms, during the pause after the 429 at %lld ms", i, (long long)S.seen[i].at,
				       (long long)t429);
	}
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "throttled")), S.throttled);
	cr_expect_eq(json_integer_value(json_object_get(o, "requests")), S.nseen);
	json_decref(o);
	free(items);
}

/* n writes to one bucket of `burst`, refilled `per_second`: the time is the throttle floor
 * (n - burst) / per_second within `ratio`, with at most 1% of the answers 429 */
static void expect_throttle_floor(int n, double burst, double per_second, double ratio)
{
	azsreg_batch_item *items = make_items(n, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	double floor_ms = ((double)n - burst) / per_second * 1000.0;

	S.throttle = 1;
	S.burst = burst;
	S.per_second = per_second;
	cr_assert_eq(azsreg_batch_run(batch, items, (size_t)n, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, n);
	cr_expect_leq(S.throttled, n / 100, "%d answers were 429 (at most 1%% allowed)", S.throttled);
	cr_expect_leq((double)rel_now(), floor_ms * ratio, "took %lld ms; the throttle floor is %.0f ms", (long long)rel_now(), floor_ms);
	cr_expect_geq((double)rel_now(), floor_ms * 0.98, "took %lld ms: faster than the bucket allows?", (long long)rel_now());
	free(items);
}

Test(batch, paces_at_the_refill_rate_without_429s)
{
	expect_throttle_floor(300, 20, 10, 1.02);
}

/* ARM's write bucket (200, then 10 a second) and 2,000 writes: the throttle floor is
 * (2000 - 200) / 10 = 180 s; the goal is within 1.01x of it with at most 1% of answers 429 */
Test(batch, two_thousand_writes_at_arms_bucket_run_at_the_throttle_floor)
{
	expect_throttle_floor(2000, 200, 10, 1.01);
}

Test(batch, lanes_are_per_subscription_a_throttled_subscription_does_not_hold_up_another)
{
	azsreg_batch_item *items = make_items(20, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	azsreg_batch_item *more = make_items(20, AZSREG_BATCH_PUT, REG_B, NULL, 20);
	azsreg_batch_item all[40];
	int i, a_done_at = 0, b_done_at = 0;

	memcpy(all, items, 20 * sizeof *items);
	memcpy(all + 20, more, 20 * sizeof *more);
	S.throttle = 1;
	S.burst = 5;
	S.per_second = 5;
	new_batch(4, 0, NULL, NULL, NULL);
	cr_assert_eq(azsreg_batch_run(batch, all, 40, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 40);
	for (i = 0; i < S.nseen; i++) {
		if (strstr(S.seen[i].url, SUB_A) != NULL && S.seen[i].status == 200)
			a_done_at = (int)S.seen[i].at;
		if (strstr(S.seen[i].url, SUB_B) != NULL && S.seen[i].status == 200)
			b_done_at = (int)S.seen[i].at;
	}
	/* each subscription has its own bucket of 5 + 5/s: (20 - 5) / 5 = 3 s each, side by side,
	 * not 6 s one after the other (items of A come first in the batch) */
	cr_expect_leq(b_done_at, 3000 * 1.2, "subscription B's last PUT at %d ms", b_done_at);
	cr_expect_leq(a_done_at, 3000 * 1.2, "subscription A's last PUT at %d ms", a_done_at);
	cr_expect_leq(S.throttled, 2, "%d answers were 429", S.throttled);
	free(items);
	free(more);
}

Test(batch, a_retryable_500_is_retried_with_backoff_for_that_item)
{
	azsreg_batch_item *items = make_items(1, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	json_t *o, *r;

	S.fail_500_first = 2;
	cr_assert_eq(azsreg_batch_run(batch, items, 1, &out), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(count_seen("PUT", 500), 2);
	cr_expect_eq(count_seen("PUT", 200), 1);
	/* backoff 800 ms then 1600 ms (jitter factor 1.0), 20 ms latency each */
	cr_expect_eq(S.seen[1].at - S.seen[0].at, 20 + 800, "second attempt after %lld ms", (long long)(S.seen[1].at - S.seen[0].at));
	cr_expect_eq(S.seen[2].at - S.seen[1].at, 20 + 1600, "third attempt after %lld ms", (long long)(S.seen[2].at - S.seen[1].at));
	o = parse_out();
	r = json_array_get(json_object_get(o, "results"), 0);
	cr_expect_eq(json_integer_value(json_object_get(r, "attempts")), 3);
	json_decref(o);
	free(items);
}

Test(batch, an_expired_token_is_renewed_once_for_every_item)
{
	azsreg_batch_item *items = make_items(30, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	int i, token2 = 0;

	S.expire_token_at = 10;
	new_batch(8, 0, NULL, NULL, NULL);
	cr_assert_eq(azsreg_batch_run(batch, items, 30, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 30);
	cr_expect_eq(counting_credential_calls(cred), 2, "signed in %d times", counting_credential_calls(cred));
	for (i = 0; i < S.nseen; i++)
		token2 += strcmp(S.seen[i].auth, "Bearer token-2") == 0;
	cr_expect_eq(token2, 30 - 10, "%d requests carried the renewed token", token2);
	free(items);
}

Test(batch, a_bad_item_is_refused_by_its_index_before_anything_is_sent)
{
	azsreg_batch_item *items = make_items(5, AZSREG_BATCH_PUT, REG_A, NULL, 0);

	items[3].customer_subscription_id = "not-a-guid";
	cr_assert_eq(azsreg_batch_run(batch, items, 5, &out), AZSREG_EINVALID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "batch item 3"), "%s", azsreg_error_last()->message);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "not-a-guid"), "%s", azsreg_error_last()->message);
	cr_expect_null(out);
	cr_expect_eq(S.nseen, 0);
	cr_expect_eq(counting_credential_calls(cred), 0);
	cr_expect_eq(azsreg_batch_check(items, 5), AZSREG_EINVALID);
	items[3].customer_subscription_id = guids[3];
	cr_expect_eq(azsreg_batch_check(items, 5), AZSREG_OK, "%s", azsreg_error_last()->message);
	free(items);
}

Test(batch, the_same_customer_twice_for_a_registration_is_refused)
{
	azsreg_batch_item *items = make_items(4, AZSREG_BATCH_PUT, REG_A, NULL, 0);

	items[2].customer_subscription_id = "{00000000-0000-4000-8000-000000000000}"; /* item 0's, other spelling */
	items[2].action = AZSREG_BATCH_DELETE;
	cr_assert_eq(azsreg_batch_run(batch, items, 4, NULL), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message,
			 "batch item 2 repeats item 0: customer 00000000-0000-4000-8000-000000000000 of registration RegA is there twice; "
			 "give each customer once per registration");
	cr_expect_eq(S.nseen, 0);
	/* the same customer with another registration is fine */
	items[2].registration_id = REG_B;
	cr_expect_eq(azsreg_batch_check(items, 4), AZSREG_OK, "%s", azsreg_error_last()->message);
	free(items);
}

Test(batch, a_blank_tenant_or_a_tenant_on_delete_is_refused)
{
	azsreg_batch_item *items = make_items(2, AZSREG_BATCH_PUT, REG_A, NULL, 0);

	items[1].tenant_id = "  ";
	cr_expect_eq(azsreg_batch_run(batch, items, 2, NULL), AZSREG_EINVALID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "batch item 1"), "%s", azsreg_error_last()->message);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "blank"), "%s", azsreg_error_last()->message);
	items[1].tenant_id = TENANT;
	items[1].action = AZSREG_BATCH_DELETE;
	cr_expect_eq(azsreg_batch_run(batch, items, 2, NULL), AZSREG_EINVALID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "only sent when registering"), "%s", azsreg_error_last()->message);
	items[1].tenant_id = NULL;
	items[1].action = 9;
	cr_expect_eq(azsreg_batch_run(batch, items, 2, NULL), AZSREG_EINVALID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "the action 9 is none of"), "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nseen, 0);
	free(items);
}

Test(batch, failed_items_make_a_partial_result_that_names_each_failure)
{
	azsreg_batch_item *items = make_items(4, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	json_t *o, *r;

	items[1].registration_id = REG_MISSING;
	cr_assert_eq(azsreg_batch_run(batch, items, 4, &out), AZSREG_EPARTIAL);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "1 of 4 items failed; the first, item 1: register customer"),
			   "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 3);
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")), 3);
	cr_expect_eq(json_integer_value(json_object_get(o, "failed")), 1);
	r = json_array_get(json_object_get(o, "results"), 1);
	cr_expect_str_eq(json_string_value(json_object_get(r, "code")), "AZSREG_ENOTFOUND");
	cr_expect_str_eq(json_string_value(json_object_get(r, "error")), "ResourceNotFound");
	cr_expect_eq(json_integer_value(json_object_get(r, "status")), 404);
	cr_expect_str_eq(json_string_value(json_object_get(r, "requestId")), "rid-1");
	cr_expect_eq(json_integer_value(json_object_get(r, "attempts")), 1);
	/* the rest of the error, for bindings that report the item as a single call's failure */
	cr_expect_str_eq(json_string_value(json_object_get(r, "armMessage")), "The registration was not found.");
	cr_expect_str_eq(json_string_value(json_object_get(r, "target")), "");
	cr_expect(json_is_array(json_object_get(r, "details")));
	cr_expect_not_null(json_string_value(json_object_get(r, "correlationId")));
	cr_expect_str_eq(json_string_value(json_object_get(r, "hint")), azsreg_error_hint("ResourceNotFound") ? azsreg_error_hint("ResourceNotFound") : "");
	cr_expect_null(json_object_get(json_array_get(json_object_get(o, "results"), 0), "armMessage"), "a success has no error members");
	json_decref(o);
	free(items);
}

Test(batch, delete_and_get_report_what_they_found)
{
	azsreg_batch_item *puts = make_items(2, AZSREG_BATCH_PUT, REG_A, TENANT, 0);
	azsreg_batch_item mixed[3];
	json_t *o, *res;

	cr_assert_eq(azsreg_batch_run(batch, puts, 2, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	memcpy(mixed, puts, sizeof mixed[0] * 2);
	mixed[0].action = AZSREG_BATCH_DELETE; /* there: 200 */
	mixed[0].tenant_id = NULL;
	mixed[1].action = AZSREG_BATCH_GET; /* there: 200 with the mapping */
	mixed[1].tenant_id = NULL;
	snprintf(guids[5], sizeof guids[0], "%s", "55555555-0000-4000-8000-000000000005");
	mixed[2].action = AZSREG_BATCH_DELETE; /* not there: 204 */
	mixed[2].registration_id = REG_A;
	mixed[2].customer_subscription_id = guids[5];
	mixed[2].tenant_id = NULL;
	cr_assert_eq(azsreg_batch_run(batch, mixed, 3, &out), AZSREG_OK, "%s", azsreg_error_last()->message);
	o = parse_out();
	res = json_object_get(o, "results");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(res, 0), "action")), "delete");
	cr_expect(json_is_true(json_object_get(json_array_get(res, 0), "existed")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(res, 1), "action")), "get");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(res, 1), "resource"), "properties"),
							   "tenantId")),
			 TENANT);
	cr_expect(json_is_false(json_object_get(json_array_get(res, 2), "existed")));
	cr_expect_eq(S.nstore, 1);
	json_decref(o);
	free(puts);
}

typedef struct cancel_ctx {
	int results;
	int cancel_after;
	size_t last_done;
	int progress_calls;
	size_t final_total;
} cancel_ctx;

static void cancel_on_result(const azsreg_batch_result *r, void *payload)
{
	cancel_ctx *c = payload;

	(void)r;
	if (++c->results == c->cancel_after)
		azsreg_batch_cancel(batch);
}

typedef struct jn_results {
	int calls;
	int fallbacks; /* results whose JSON said "the rest of this result was lost" */
	int wrong; /* results whose JSON named another item or another outcome */
	char first_wrong[256];
} jn_results;

static void jn_on_result(const azsreg_batch_result *r, void *payload)
{
	jn_results *c = payload;
	char code[64];
	size_t index = (size_t)-1;

	c->calls++;
	if (strstr(r->json, "out of memory: the rest of this result was lost") != NULL)
		c->fallbacks++;
	snprintf(code, sizeof code, "\"code\":\"%s\"", azsreg_result_name(r->code));
	if (sscanf(r->json, "{\"index\":%zu,", &index) != 1 || index != r->index || strstr(r->json, code) == NULL) {
		if (c->wrong++ == 0)
			snprintf(c->first_wrong, sizeof c->first_wrong, "item %zu (%s): %s", r->index, azsreg_result_name(r->code), r->json);
	}
}

/*
 * Each of Jansson's allocations in the library fails in turn while a batch of three runs:
 * every result the callback gets still names its own item and outcome, also when its JSON
 * could not be made whole (then it holds the members that need no memory, and says so).
 * A binding matches results to items by "index": a result without it was item 0's.
 */
Test(batch, a_jansson_allocation_failing_still_reports_each_result_as_its_own_item)
{
	azsreg_batch_item *items = make_items(3, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	jn_results jr;
	long n, k;
	int fallbacks = 0, rc;

	memset(&jr, 0, sizeof jr);
	new_batch(1, 0, jn_on_result, NULL, &jr);
	json_set_alloc_funcs(jn_malloc, free);
	jn_count = 0;
	jn_fail_at = 0;
	cr_assert_eq(azsreg_batch_run(batch, items, 3, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	n = jn_count;
	cr_assert_eq(jr.calls, 3);
	cr_assert_eq(jr.wrong, 0, "%s", jr.first_wrong);
	cr_assert_eq(jr.fallbacks, 0);
	for (k = 1; k <= n; k++) {
		memset(&jr, 0, sizeof jr);
		jn_count = 0;
		jn_fail_at = k;
		rc = azsreg_batch_run(batch, items, 3, NULL);
		cr_expect(rc == AZSREG_OK || rc == AZSREG_EPARTIAL || rc == AZSREG_ENOMEM, "allocation %ld of %ld failing: %s", k, n,
			  azsreg_result_name(rc));
		cr_expect_eq(jr.wrong, 0, "allocation %ld of %ld failing: %s", k, n, jr.first_wrong);
		fallbacks += jr.fallbacks;
	}
	json_set_alloc_funcs(malloc, free);
	/* some failures fall where the result's JSON is made: the fallback was exercised */
	cr_expect_gt(fallbacks, 0, "no result needed the fallback in %ld runs", n);
	fprintf(stderr, "batch results: %ld Jansson allocations, each failed once: %d results sent as the fallback\n", n, fallbacks);
	free(items);
}

Test(batch, cancel_stops_new_requests_and_says_what_was_not_sent)
{
	azsreg_batch_item *items = make_items(50, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	cancel_ctx cc = { 0, 5, 0, 0, 0 };
	json_t *o, *r;
	int i, not_sent = 0;

	new_batch(4, 0, cancel_on_result, NULL, &cc);
	cr_assert_eq(azsreg_batch_run(batch, items, 50, &out), AZSREG_ECANCELLED);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "batch cancelled"), "%s", azsreg_error_last()->message);
	cr_expect_leq(S.nseen, 5 + 4, "%d requests sent after cancelling at the 5th result", S.nseen);
	cr_expect_eq(S.wakeups, 1);
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")) + json_integer_value(json_object_get(o, "cancelled")), 50);
	for (i = 0; i < 50; i++) {
		r = json_array_get(json_object_get(o, "results"), (size_t)i);
		if (strstr(json_string_value(json_object_get(r, "message")) ? json_string_value(json_object_get(r, "message")) : "",
			   "not sent (cancelled)") != NULL) {
			cr_expect_str_eq(json_string_value(json_object_get(r, "code")), "AZSREG_ECANCELLED");
			cr_expect_eq(json_integer_value(json_object_get(r, "attempts")), 0);
			not_sent++;
		}
	}
	cr_expect_eq(not_sent, 50 - S.nseen, "%d not sent, %d sent", not_sent, S.nseen);
	json_decref(o);
	free(items);
}

static void on_progress(const azsreg_batch_progress *p, void *payload)
{
	cancel_ctx *c = payload;

	cr_expect_geq(p->succeeded + p->failed, c->last_done, "progress went backwards");
	cr_expect_eq(p->total, 100);
	c->last_done = p->succeeded + p->failed;
	c->progress_calls++;
	c->final_total = p->succeeded;
}

Test(batch, progress_is_reported_every_interval_and_at_the_end)
{
	azsreg_batch_item *items = make_items(100, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	cancel_ctx cc = { 0, 0, 0, 0, 0 };

	S.latency_ms = 100;
	new_batch(2, 0, NULL, on_progress, &cc); /* 100 items: 1 alone, then 2 at a time, 100 ms each: 5.1 s */
	cr_assert_eq(azsreg_batch_run(batch, items, 100, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(rel_now(), 5100);
	cr_expect_eq(cc.progress_calls, 6, "%d progress reports (one a second and one at the end)", cc.progress_calls);
	cr_expect_eq(cc.final_total, 100);
	free(items);
}

Test(batch, a_tenant_domain_is_resolved_once_for_the_whole_batch)
{
	azsreg_batch_item *items = make_items(6, AZSREG_BATCH_PUT, REG_A, "contoso.onmicrosoft.com", 0);
	int i, openid = 0;

	cr_assert_eq(azsreg_batch_run(batch, items, 6, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	for (i = 0; i < S.nseen; i++)
		openid += strstr(S.seen[i].url, "openid-configuration") != NULL;
	cr_expect_eq(openid, 1, "%d OpenID configuration requests", openid);
	for (i = 0; i < S.nstore; i++)
		cr_expect_str_eq(S.store_tenant[i], TENANT);
	free(items);
}

Test(batch, items_as_json_are_checked_member_by_member)
{
	const char *good = "[{\"action\":\"put\",\"registrationId\":\"" REG_A "\",\"customerSubscriptionId\":\"11111111-0000-4000-8000-000000000001\","
			   "\"tenantId\":\"" TENANT "\"},{\"action\":\"DELETE\",\"registrationId\":\"" REG_B "\","
			   "\"customerSubscriptionId\":\"11111111-0000-4000-8000-000000000002\"}]";

	cr_assert_eq(azsreg_batch_run_json(batch, good, &out), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(count_seen("PUT", 200), 1);
	cr_expect_eq(count_seen("DELETE", 204), 1);
	cr_expect_eq(azsreg_batch_run_json(batch, "{}", NULL), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch: the items are not a JSON array");
	cr_expect_eq(azsreg_batch_run_json(batch, "[{\"action\":\"put\",\"tenant\":\"x\"}]", NULL), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch item 0: unknown member \"tenant\"");
	cr_expect_eq(azsreg_batch_run_json(batch, "[{\"action\":\"patch\"}]", NULL), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch item 0: the action \"patch\" is none of put, delete, get");
	cr_expect_eq(azsreg_batch_run_json(batch, "[{\"customerSubscriptionId\":5}]", NULL), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch item 0: \"customerSubscriptionId\" is not a string");
	cr_expect_eq(S.nseen, 2);
}

Test(batch, options_are_checked)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;
	azsreg_batch *b = NULL;

	bo.concurrency = 257;
	cr_expect_eq(azsreg_batch_new(&b, client, &bo), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch options: concurrency 257 is outside 1 to 256 (0: 16)");
	bo.concurrency = -1;
	cr_expect_eq(azsreg_batch_new(&b, client, &bo), AZSREG_EINVALID);
	bo.concurrency = 0;
	bo.flags = 0x8;
	cr_expect_eq(azsreg_batch_new(&b, client, &bo), AZSREG_EINVALID);
	bo.flags = 0;
	bo.version = 2;
	cr_expect_eq(azsreg_batch_new(&b, client, &bo), AZSREG_EINVALID);
	cr_expect_eq(azsreg_batch_options_init(&bo, 2), AZSREG_EINVALID);
	cr_expect_eq(azsreg_batch_options_init(&bo, AZSREG_BATCH_OPTIONS_VERSION), AZSREG_OK);
	cr_expect_eq(azsreg_batch_new(&b, NULL, &bo), AZSREG_EINVALID);
	cr_expect_null(b);
	cr_expect_eq(azsreg_batch_run(batch, NULL, 0, &out), AZSREG_OK, "an empty batch is fine: %s", azsreg_error_last()->message);
	cr_expect_eq(S.nseen, 0);
}

typedef struct json_seen {
	int results;
	int progress;
	char last_progress[512];
	char first_result[1024];
} json_seen;

static void json_result(const char *json, void *payload)
{
	json_seen *js = payload;

	if (js->results++ == 0)
		snprintf(js->first_result, sizeof js->first_result, "%s", json);
}

static void json_progress(const char *json, void *payload)
{
	json_seen *js = payload;

	js->progress++;
	snprintf(js->last_progress, sizeof js->last_progress, "%s", json);
}

Test(batch, a_batch_from_json_options_reports_results_and_progress_as_json)
{
	azsreg_batch_item *items = make_items(3, AZSREG_BATCH_PUT, REG_A, TENANT, 0);
	azsreg_batch *b = NULL;
	json_seen js;

	memset(&js, 0, sizeof js);
	cr_assert_eq(azsreg_batch_new_json(&b, client, "{\"concurrency\":1,\"pacing\":false,\"progressIntervalMs\":10}", json_result,
					   json_progress, &js),
		     AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_batch_run(b, items, 3, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.max_in_flight, 1);
	cr_expect_eq(js.results, 3);
	cr_expect_str_eq(js.first_result, "{\"index\":0,\"action\":\"put\",\"registration\":\"RegA\",\"customerSubscriptionId\":\"00000000-0000-4000-8000-000000000000\","
					  "\"id\":\"" REG_A "/customerSubscriptions/00000000-0000-4000-8000-000000000000\",\"code\":\"AZSREG_OK\",\"status\":200,"
					  "\"error\":null,\"message\":null,\"requestId\":\"rid-1\",\"attempts\":1,\"resource\":{\"id\":\"/subscriptions/" SUB_A
					  "/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/rega/customersubscriptions/00000000-0000-4000-8000-000000000000\","
					  "\"properties\":{\"tenantId\":\"" TENANT "\"}}}");
	cr_expect_geq(js.progress, 3);
	cr_expect_str_eq(js.last_progress, "{\"total\":3,\"succeeded\":3,\"failed\":0,\"cancelled\":0,\"inFlight\":0,\"requests\":3,\"throttled\":0,"
					   "\"perSecond\":50.0,\"elapsedMs\":60,\"etaMs\":0}");
	azsreg_batch_free(b);
	b = NULL;
	cr_expect_eq(azsreg_batch_new_json(&b, client, "{\"concurency\":4}", NULL, NULL, NULL), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch options: \"concurency\" is not one of concurrency (0 to 256), pacing (true or false), "
						       "progressIntervalMs (0 to 3600000), results (true or false)");
	cr_expect_eq(azsreg_batch_new_json(&b, client, "{\"results\":\"no\"}", NULL, NULL, NULL), AZSREG_EINVALID);
	cr_expect_eq(azsreg_batch_new_json(&b, client, "[]", NULL, NULL, NULL), AZSREG_EINVALID);
	cr_expect_null(b);
	free(items);
}

/* The run JSON of a batch made with these JSON options over the items (the caller frees it). */
static char *summary_with(const char *options, azsreg_batch_item *items, size_t n, json_seen *js)
{
	azsreg_batch *b = NULL;
	char *summary = NULL;

	cr_assert_eq(azsreg_batch_new_json(&b, client, options, js ? json_result : NULL, js ? json_progress : NULL, js), AZSREG_OK,
		     "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_batch_run(b, items, n, &summary), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_batch_free(b);
	return summary;
}

/* A binding that takes every result through the callback asks for the counts alone: the
 * run's JSON then has no second copy of the results (2,000 of them were parsed again at
 * the end of every module command). Pacing stays as set, whichever option comes first. */
Test(batch, results_false_leaves_the_results_out_of_the_run_json_only)
{
	azsreg_batch_item *items = make_items(3, AZSREG_BATCH_PUT, REG_A, TENANT, 0);
	json_seen js;
	char *summary;

	memset(&js, 0, sizeof js);
	summary = summary_with("{\"pacing\":false,\"results\":false,\"progressIntervalMs\":10}", items, 3, &js);
	cr_expect_eq(js.results, 3, "every result still reaches the callback");
	cr_expect_str_eq(summary, "{\"total\":3,\"succeeded\":3,\"failed\":0,\"cancelled\":0,\"requests\":3,\"throttled\":0,\"elapsedMs\":20}");
	azsreg_free(summary);
	/* the other order: pacing's option does not undo results' */
	summary = summary_with("{\"results\":false,\"pacing\":false}", items, 3, NULL);
	cr_expect_null(strstr(summary, "\"results\""), "%s", summary);
	azsreg_free(summary);
	summary = summary_with("{\"results\":true}", items, 3, NULL);
	cr_expect_not_null(strstr(summary, "\"results\":[{"), "%s", summary);
	azsreg_free(summary);
	free(items);
}

/* ------------------------------------------------ found in review (all failed before) */

Test(batch, a_deadline_of_long_max_means_none)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_client *c2 = NULL;
	azsreg_batch *b2 = NULL;
	azsreg_batch_item *items = make_items(3, AZSREG_BATCH_PUT, REG_A, NULL, 0);

	o.environment = env;
	o.deadline_ms = LONG_MAX;
	cr_assert_eq(azsreg_client__new_with(&c2, &o, cred, &S.base, &S.fc.clock), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_batch_new(&b2, c2, NULL), 0);
	cr_expect_eq(azsreg_batch_run(b2, items, 3, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 3);
	azsreg_batch_free(b2);
	azsreg_client_free(c2);
	free(items);
}

Test(batch, a_broken_transfers_run_stops_the_batch_with_its_own_error)
{
	azsreg_batch_item *items = make_items(10, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	json_t *o;

	S.run_fail_after = 2;
	new_batch(2, 0, NULL, NULL, NULL);
	cr_expect_eq(azsreg_batch_run(batch, items, 10, &out), AZSREG_ERROR);
	cr_expect_str_eq(azsreg_error_last()->message, "batch stopped: libcurl: the multi machinery broke");
	o = parse_out(); /* requests had gone out: the results say what was applied */
	cr_expect_eq(json_integer_value(json_object_get(o, "cancelled")), 0);
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")) + json_integer_value(json_object_get(o, "failed")), 10);
	json_decref(o);
	free(items);
}

static void cancel_first(const azsreg_batch_result *r, void *payload)
{
	int *n = payload;

	(void)r;
	if ((*n)++ == 0)
		azsreg_batch_cancel(batch);
}

Test(batch, long_running_items_cancelled_count_as_cancelled)
{
	azsreg_batch_item *items = make_items(4, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	json_t *o;
	int n = 0;

	S.lro = 1;
	new_batch(4, AZSREG_BATCH_NO_PACING, cancel_first, NULL, &n);
	cr_expect_eq(azsreg_batch_run(batch, items, 4, &out), AZSREG_ECANCELLED, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_error_last()->message, "batch cancelled: 1 of 4 items finished, 3 not");
	o = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")), 1);
	cr_expect_eq(json_integer_value(json_object_get(o, "failed")), 0);
	cr_expect_eq(json_integer_value(json_object_get(o, "cancelled")), 3);
	json_decref(o);
	free(items);
}

static int failing_calls;
static int failing_get_token(azsreg_credential *self, const azsreg_token_context *ctx, azsreg_token *tok)
{
	(void)self;
	(void)ctx;
	memset(tok, 0, sizeof(*tok));
	if (++failing_calls >= 2)
		return azsreg_error__set(AZSREG_ENETWORK, "sign-in: cannot reach login.example.test");
	tok->access_token = strdup("token-1");
	tok->expires_on_ms = INT64_C(4000000000000);
	return tok->access_token ? 0 : AZSREG_ENOMEM;
}

static void failing_destroy(azsreg_credential *c)
{
	free(c);
}

static const azsreg_credential_vtable failing_vt = { "Failing", failing_get_token, failing_destroy };

Test(batch, a_renewal_failing_midway_keeps_the_results_of_the_writes_applied)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_client *c2 = NULL;
	azsreg_batch *b2 = NULL;
	azsreg_credential *fcred = calloc(1, sizeof(*fcred));
	azsreg_batch_item *items = make_items(30, AZSREG_BATCH_PUT, REG_A, NULL, 0);
	json_t *j;

	cr_assert_not_null(fcred);
	azsreg_credential__init(fcred, &failing_vt, "Failing(test)");
	o.environment = env;
	cr_assert_eq(azsreg_client__new_with(&c2, &o, fcred, &S.base, &S.fc.clock), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_batch_new(&b2, c2, NULL), 0);
	S.expire_token_at = 10;
	cr_expect_eq(azsreg_batch_run(b2, items, 30, &out), AZSREG_ENETWORK);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "batch stopped: "), "%s", azsreg_error_last()->message);
	cr_assert_not_null(out, "the results of %d applied writes were lost", S.nstore);
	j = parse_out();
	cr_expect_eq(json_integer_value(json_object_get(j, "succeeded")), S.nstore);
	cr_expect_eq(json_integer_value(json_object_get(j, "failed")), 30 - S.nstore);
	json_decref(j);
	azsreg_batch_free(b2);
	azsreg_client_free(c2);
	azsreg_credential_free(fcred);
	free(items);
}

Test(batch, a_lane_without_ratelimit_headers_is_not_paced_after_a_429)
{
	azsreg_batch_item *items = make_items(100, AZSREG_BATCH_PUT, REG_A, NULL, 0);

	S.throttle = 1;
	S.no_rl_header = 1;
	S.burst = 5;
	S.per_second = 100;
	new_batch(16, 0, NULL, NULL, NULL);
	cr_expect_eq(azsreg_batch_run(batch, items, 100, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(S.nstore, 100);
	/* without the headers only 429s pace it: each Retry-After (1 s) refills the bucket of 5, so
	 * about 5 items a second, 20 s (before the fix: one probe every 6.4 s, 601 s and a deadline) */
	cr_expect_leq(rel_now(), 21000, "took %lld ms", (long long)rel_now());
	free(items);
}

Test(batch, a_progress_interval_over_an_hour_is_refused)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;
	azsreg_batch *b2 = NULL;

	bo.progress_interval_ms = 3600001;
	cr_expect_eq(azsreg_batch_new(&b2, client, &bo), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "batch options: progress_interval_ms 3600001 is outside 0 to 3600000 (0: 1000)");
	bo.progress_interval_ms = LONG_MAX; /* 32 bits on Windows, 64 on Linux */
	cr_expect_eq(azsreg_batch_new(&b2, client, &bo), AZSREG_EINVALID);
	bo.progress_interval_ms = 3600000;
	cr_expect_eq(azsreg_batch_new(&b2, client, &bo), AZSREG_OK);
	azsreg_batch_free(b2);
}
