/*
 * Batches against the emulator over the real libcurl transport (multi interface): every
 * item lands exactly once with throttling on, connections are reused (also by single calls
 * from many threads), and a cancel from another thread stops the batch with nothing lost.
 */
#include "harness_fixture.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

TestSuite(batch, .init = fixture_setup, .fini = fixture_teardown, .timeout = 600);

static char guids[400][40];

static azsreg_batch_item *make_items(int n)
{
	azsreg_batch_item *items = calloc((size_t)n, sizeof *items);
	int i;

	cr_assert_not_null(items);
	for (i = 0; i < n; i++) {
		snprintf(guids[i], sizeof guids[0], "00000000-0000-4000-8000-%012d", i);
		items[i].action = AZSREG_BATCH_PUT;
		items[i].registration_id = HARNESS_REGISTRATION_ID;
		items[i].customer_subscription_id = guids[i];
		items[i].tenant_id = HARNESS_TENANT_ID;
	}
	return items;
}

/* The mappings the emulator holds, as a comma-joined sorted list, must be exactly these items. */
static void expect_exactly(int n)
{
	char *m = harness_mappings(&emu, HARNESS_REG_NAME);
	size_t len = 0;
	int i;

	cr_assert_not_null(m, "could not read the emulator state");
	for (i = 0; i < n; i++) {
		cr_expect_not_null(strstr(m, guids[i]), "%s missing", guids[i]);
		len += strlen(guids[i]) + (i > 0);
	}
	cr_expect_eq(strlen(m), len, "the emulator holds more (or repeated) mappings than the %d items", n);
	free(m);
}

Test(batch, registers_every_item_exactly_once_with_throttling_on)
{
	azsreg_batch *b = NULL;
	azsreg_batch_item *items = make_items(150);
	char *out = NULL;
	json_t *o;
	long throttled, puts;

	/* the sample registration exists; the fixture's client has signed in nowhere yet */
	cr_assert_eq(harness_config(&emu, "{\"throttle\":{\"enabled\":true,\"writes\":{\"burst\":30,\"perSecond\":100}}}"), 0);
	cr_assert_eq(harness_reset_counters(&emu), 0);
	cr_assert_eq(azsreg_batch_new(&b, client, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_batch_run(b, items, 150, &out), AZSREG_OK, "%s", azsreg_error_last()->message);
	expect_exactly(150);
	o = json_loads(out, 0, NULL);
	cr_assert_not_null(o, "%s", out);
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")), 150);
	throttled = harness_stat(&emu, "throttled");
	puts = harness_count_requests(&emu, "PUT", "/customerSubscriptions/");
	cr_expect_eq(json_integer_value(json_object_get(o, "throttled")), throttled, "the batch saw %lld 429s, the emulator sent %ld",
		     (long long)json_integer_value(json_object_get(o, "throttled")), throttled);
	cr_expect_eq(puts, 150 + throttled, "%ld PUTs for 150 items and %ld 429s", puts, throttled);
	cr_expect_eq(json_integer_value(json_object_get(o, "requests")), puts);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "signed in %ld times", harness_stat(&emu, "tokenRequests"));
	/* 16 in flight at most: at most 16 connections (and the sign-in's) */
	cr_expect_leq(harness_stat(&emu, "tlsConnections"), 16 + 2, "%ld TLS connections", harness_stat(&emu, "tlsConnections"));
	json_decref(o);
	azsreg_free(out);
	azsreg_batch_free(b);
	free(items);
}

typedef struct worker {
	int from, to, failures;
	char first_error[512];
} worker;

static void *put_range(void *arg)
{
	worker *w = arg;
	int i;

	for (i = w->from; i < w->to; i++) {
		char *out = NULL;
		if (azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, guids[i], NULL) != AZSREG_OK &&
		    w->failures++ == 0)
			snprintf(w->first_error, sizeof w->first_error, "%s: %s", guids[i], azsreg_error_last()->message);
		azsreg_free(out);
	}
	return NULL;
}

/*
 * libcurl keeps 5 idle connections unless told otherwise: a sixth caller at once opened a
 * new one each time. Throttling is off here: with the emulator's default write bucket
 * (burst 200, 10/s) 320 PUTs from 16 racing threads left one thread losing every retry
 * to the others now and then (CI, stop 18), which is not what this test is about.
 */
Test(batch, sixteen_threads_of_single_calls_reuse_their_connections)
{
	pthread_t th[16];
	worker w[16];
	char *json = NULL;
	int i;

	for (i = 0; i < 320; i++)
		snprintf(guids[i], sizeof guids[0], "00000000-0000-4000-8000-%012d", i);
	cr_assert_eq(harness_config(&emu, "{\"throttle\":{\"enabled\":false}}"), 0);
	cr_assert_eq(azsreg_client_sign_in(&json, client), AZSREG_OK, "%s", azsreg_error_last()->message);
	azsreg_free(json);
	cr_assert_eq(harness_reset_counters(&emu), 0);
	for (i = 0; i < 16; i++) {
		w[i].from = i * 20;
		w[i].to = i * 20 + 20;
		w[i].failures = 0;
		w[i].first_error[0] = '\0';
		cr_assert_eq(pthread_create(&th[i], NULL, put_range, &w[i]), 0);
	}
	for (i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		cr_expect_eq(w[i].failures, 0, "thread %d: %d failures, the first %s", i, w[i].failures, w[i].first_error);
	}
	expect_exactly(320);
	cr_expect_leq(harness_stat(&emu, "tlsConnections"), 16 + 2, "%ld TLS connections for 16 threads x 20 PUTs",
		      harness_stat(&emu, "tlsConnections"));
}

typedef struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int results;
	azsreg_batch *b;
} gate;

static void on_result(const azsreg_batch_result *r, void *payload)
{
	gate *g = payload;

	(void)r;
	pthread_mutex_lock(&g->mu);
	g->results++;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

static void *canceller(void *arg)
{
	gate *g = arg;

	pthread_mutex_lock(&g->mu);
	while (g->results < 3)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	azsreg_batch_cancel(g->b);
	return NULL;
}

Test(batch, a_cancel_from_another_thread_stops_the_batch_and_loses_nothing)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;
	azsreg_batch_item *items = make_items(100);
	gate g;
	pthread_t th;
	char *out = NULL, *m;
	json_t *o, *res;
	long puts, sent = 0;
	size_t i;

	/* each answer takes 50 ms: the batch is still running when the third result arrives */
	cr_assert_eq(harness_config(&emu, "{\"latencyMs\":50}"), 0);
	cr_assert_eq(harness_reset_counters(&emu), 0);
	pthread_mutex_init(&g.mu, NULL);
	pthread_cond_init(&g.cv, NULL);
	g.results = 0;
	bo.concurrency = 4;
	bo.on_result = on_result;
	bo.payload = &g;
	cr_assert_eq(azsreg_batch_new(&g.b, client, &bo), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_assert_eq(pthread_create(&th, NULL, canceller, &g), 0);
	cr_expect_eq(azsreg_batch_run(g.b, items, 100, &out), AZSREG_ECANCELLED, "%s", azsreg_error_last()->message);
	pthread_join(th, NULL);
	o = json_loads(out, 0, NULL);
	cr_assert_not_null(o, "%s", out);
	cr_expect_gt(json_integer_value(json_object_get(o, "cancelled")), 0);
	cr_expect_eq(json_integer_value(json_object_get(o, "succeeded")) + json_integer_value(json_object_get(o, "cancelled")), 100);
	res = json_object_get(o, "results");
	m = harness_mappings(&emu, HARNESS_REG_NAME);
	cr_assert_not_null(m);
	for (i = 0; i < 100; i++) {
		json_t *r = json_array_get(res, i);
		long attempts = (long)json_integer_value(json_object_get(r, "attempts"));
		const char *code = json_string_value(json_object_get(r, "code"));
		sent += attempts;
		if (strcmp(code, "AZSREG_OK") == 0)
			cr_expect_not_null(strstr(m, guids[i]), "item %zu succeeded but the emulator lacks it", i);
		else if (attempts == 0)
			cr_expect_null(strstr(m, guids[i]), "item %zu was not sent but the emulator has it", i);
	}
	puts = harness_count_requests(&emu, "PUT", "/customerSubscriptions/");
	/* an exchange abandoned by the cancel may not have reached the emulator: at most the 4 in flight */
	cr_expect(puts <= sent && puts >= sent - 4, "the emulator saw %ld PUTs, the results count %ld attempts", puts, sent);
	cr_expect_leq(sent, (long)json_integer_value(json_object_get(o, "succeeded")) + 4, "more than the 4 in flight were sent after the cancel");
	free(m);
	json_decref(o);
	azsreg_free(out);
	azsreg_batch_free(g.b);
	pthread_cond_destroy(&g.cv);
	pthread_mutex_destroy(&g.mu);
	free(items);
}
