/*
 * test_batch.c: batches (batch.c) over a simulated ARM: concurrent exchanges through a fake
 * azsreg_transfers on a fake clock (time moves only when the batch waits), token buckets per
 * (subscription, operation class) that answer x-ms-ratelimit-remaining-* and 429 +
 * Retry-After like ARM, and a store of mappings checked afterwards.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>

#include "fake_transport.h"

#define ARM "https://management.example.test/"
#define SUB_A "33333333-3333-3333-3333-333333333333"
#define SUB_B "44444444-4444-4444-4444-444444444444"
#define REG_A "/subscriptions/" SUB_A "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/RegA"
#define REG_B "/subscriptions/" SUB_B "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/RegB"
#define REG_MISSING "/subscriptions/" SUB_A "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/Missing"
#define TENANT "dbab3982-1111-2222-3333-444444444444"
#define MAX_SEEN 4096
#define MAX_STORE 2048

/* ------------------------------------------------------- the simulated ARM */

typedef struct bucket {
	char key[96];
	double tokens, burst, rate; /* rate per ms */
	int64_t last;
} bucket;

typedef struct sent {
	char method[8];
	char url[400];
	char auth[64];
	int64_t at; /* relative to the start */
	int status;
} sent;

typedef struct sim {
	fake_clock fc;
	azsreg_transport base;
	azsreg_transfers xbase;
	/* exchanges in flight */
	struct flight {
		const azsreg_http_request *req;
		azsreg_http_response *resp;
		void *tag;
		int64_t done_at;
		int used;
	} fl[512];
	int in_flight, max_in_flight;
	int64_t latency_ms;
	/* the service */
	int throttle; /* buckets on */
	double burst, per_second;
	bucket buckets[16];
	int nbuckets;
	char *store[MAX_STORE]; /* mapping paths, lowercase */
	char *store_tenant[MAX_STORE];
	int nstore;
	sent seen[MAX_SEEN];
	int nseen;
	int throttled;
	int fail_500_first; /* the first n PUTs get 500 */
	int expire_token_at; /* from this request on, token-1 is refused (401) */
	int wakeups;
	int lro; /* PUT answers 202 + Azure-AsyncOperation */
	int no_rl_header; /* no x-ms-ratelimit-remaining-* header */
	int run_fail_after; /* the transfers' run fails on call n */
	int run_calls;
	int cancel_on_listing; /* azsreg_batch_cancel while a listing is answered */
} sim;

static sim S;
static azsreg_credential *cred;
static azsreg_environment *env;
static azsreg_client *client;
static azsreg_batch *batch;
static char *out;

static int64_t rel_now(void)
{
	return S.fc.now_ms - S.fc.start_ms;
}

static bucket *bucket_for(const char *sub, const char *cls)
{
	char key[96];
	int i;

	snprintf(key, sizeof key, "%s|%s", sub, cls);
	for (i = 0; i < S.nbuckets; i++)
		if (strcmp(S.buckets[i].key, key) == 0)
			return &S.buckets[i];
	cr_assert_lt(S.nbuckets, 16);
	snprintf(S.buckets[S.nbuckets].key, sizeof S.buckets[0].key, "%s", key);
	S.buckets[S.nbuckets].tokens = S.burst;
	S.buckets[S.nbuckets].burst = S.burst;
	S.buckets[S.nbuckets].rate = S.per_second / 1000.0;
	S.buckets[S.nbuckets].last = S.fc.now_ms;
	return &S.buckets[S.nbuckets++];
}

static void add_header(azsreg_http_response *resp, const char *name, const char *value)
{
	cr_assert_eq(azsreg_headers__add(&resp->headers, name, value), 0);
}

static int store_find(const char *path)
{
	int i;

	for (i = 0; i < S.nstore; i++)
		if (strcmp(S.store[i], path) == 0)
			return i;
	return -1;
}

/* Answers one request as ARM would (processed when it arrives: at the start of its latency). */
static void serve(const azsreg_http_request *req, azsreg_http_response *resp)
{
	char path[400], sub[64] = "", hdr[96], num[32];
	const char *p, *auth = azsreg_headers__get(&req->headers, "Authorization");
	const char *cls = strcmp(req->method, "GET") == 0 ? "reads" : strcmp(req->method, "DELETE") == 0 ? "deletes"
													 : "writes";
	sent *s = NULL;
	size_t n;
	int i;

	azsreg_http_response__reset(resp);
	if (S.nseen < MAX_SEEN) {
		s = &S.seen[S.nseen++];
		snprintf(s->method, sizeof s->method, "%s", req->method);
		snprintf(s->url, sizeof s->url, "%s", req->url);
		snprintf(s->auth, sizeof s->auth, "%s", auth ? auth : "");
		s->at = rel_now();
	}
	n = strcspn(req->url + strlen(ARM), "?");
	snprintf(path, sizeof path, "%.*s", (int)n, req->url + strlen(ARM));
	for (i = 0; path[i]; i++)
		path[i] = (char)(path[i] >= 'A' && path[i] <= 'Z' ? path[i] + 32 : path[i]);
	p = strstr(path, "subscriptions/");
	if (p != NULL)
		snprintf(sub, sizeof sub, "%.36s", p + strlen("subscriptions/"));
	add_header(resp, "x-ms-request-id", "rid-1");
	if (S.expire_token_at > 0 && S.nseen > S.expire_token_at && auth != NULL && strcmp(auth, "Bearer token-1") == 0) {
		resp->status = 401;
		azsreg_buf__puts(&resp->body, "{\"error\":{\"code\":\"ExpiredAuthenticationToken\",\"message\":\"expired\"}}");
		goto out;
	}
	if (strstr(path, "/operations/") != NULL) {
		resp->status = 200;
		azsreg_buf__puts(&resp->body, "{\"status\":\"Succeeded\"}");
		goto out;
	}
	if (S.throttle) {
		bucket *b = bucket_for(sub, cls);
		b->tokens += (double)(S.fc.now_ms - b->last) * b->rate;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last = S.fc.now_ms;
		snprintf(hdr, sizeof hdr, "x-ms-ratelimit-remaining-subscription-%s", cls);
		if (b->tokens < 1.0) {
			S.throttled++;
			resp->status = 429;
			snprintf(num, sizeof num, "%d", (int)((1.0 - b->tokens) / b->rate / 1000.0) + 1);
			add_header(resp, "Retry-After", num);
			if (!S.no_rl_header)
				add_header(resp, hdr, "0");
			azsreg_buf__puts(&resp->body, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"throttled\"}}");
			goto out;
		}
		b->tokens -= 1.0;
		snprintf(num, sizeof num, "%d", (int)b->tokens);
		if (!S.no_rl_header)
			add_header(resp, hdr, num);
	}
	if (strstr(path, "/registrations/missing/") != NULL) {
		resp->status = 404;
		azsreg_buf__puts(&resp->body, "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"The registration was not found.\"}}");
		goto out;
	}
	if (strcmp(req->method, "PUT") == 0) {
		json_t *body = json_loadb(req->body, req->body_len, 0, NULL);
		const char *tenant = json_string_value(json_object_get(json_object_get(body, "properties"), "tenantId"));
		char text[800];
		if (S.fail_500_first > 0) {
			S.fail_500_first--;
			resp->status = 500;
			azsreg_buf__puts(&resp->body, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"try again\"}}");
			json_decref(body);
			goto out;
		}
		i = store_find(path);
		if (i < 0) {
			cr_assert_lt(S.nstore, MAX_STORE);
			i = S.nstore++;
			S.store[i] = strdup(path);
			S.store_tenant[i] = NULL;
		}
		free(S.store_tenant[i]);
		S.store_tenant[i] = tenant ? strdup(tenant) : NULL;
		resp->status = 200;
		snprintf(text, sizeof text, "{\"id\":\"/%s\",\"properties\":{\"tenantId\":\"%s\"}}", path, tenant ? tenant : "");
		azsreg_buf__puts(&resp->body, text);
		if (S.lro) {
			resp->status = 202;
			add_header(resp, "Azure-AsyncOperation", ARM "subscriptions/" SUB_A "/providers/Microsoft.AzureStack/operations/op1?api-version=2017-06-01");
			add_header(resp, "Retry-After", "1");
		}
		json_decref(body);
	} else if (strcmp(req->method, "DELETE") == 0) {
		i = store_find(path);
		if (i < 0) {
			resp->status = 204;
		} else {
			free(S.store[i]);
			free(S.store_tenant[i]);
			S.store[i] = S.store[S.nstore - 1];
			S.store_tenant[i] = S.store_tenant[S.nstore - 1];
			S.nstore--;
			resp->status = 200;
		}
	} else if (strlen(path) > strlen("/customersubscriptions") &&
		   strcmp(path + strlen(path) - strlen("/customersubscriptions"), "/customersubscriptions") == 0) {
		/* the listing: every mapping under this registration */
		json_t *value = json_array(), *o = json_object();
		char prefix[420], *text;
		snprintf(prefix, sizeof prefix, "%s/", path);
		for (i = 0; i < S.nstore; i++) {
			if (strncmp(S.store[i], prefix, strlen(prefix)) == 0) {
				char id[420];
				snprintf(id, sizeof id, "/%s", S.store[i]);
				json_array_append_new(value, json_pack("{s:s, s:{s:s?}}", "id", id, "properties", "tenantId", S.store_tenant[i]));
			}
		}
		json_object_set_new(o, "value", value);
		text = json_dumps(o, JSON_COMPACT);
		resp->status = 200;
		azsreg_buf__puts(&resp->body, text);
		free(text);
		json_decref(o);
	} else {
		i = store_find(path);
		if (i < 0) {
			resp->status = 404;
			azsreg_buf__puts(&resp->body, "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"not found\"}}");
		} else {
			char text[800];
			resp->status = 200;
			snprintf(text, sizeof text, "{\"id\":\"/%s\",\"properties\":{\"tenantId\":\"%s\"}}", path,
				 S.store_tenant[i] ? S.store_tenant[i] : "");
			azsreg_buf__puts(&resp->body, text);
		}
	}
out:
	if (s != NULL)
		s->status = resp->status;
}

static int sim_send(azsreg_transport *t, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms)
{
	(void)t;
	(void)timeout_ms;
	if (strstr(req->url, "openid-configuration") != NULL) {
		azsreg_http_response__reset(resp);
		if (S.nseen < MAX_SEEN) {
			snprintf(S.seen[S.nseen].method, sizeof S.seen[0].method, "%s", req->method);
			snprintf(S.seen[S.nseen].url, sizeof S.seen[0].url, "%s", req->url);
			S.seen[S.nseen++].at = rel_now();
		}
		resp->status = 200;
		azsreg_buf__puts(&resp->body, "{\"token_endpoint\":\"https://login.example.test/" TENANT "/oauth2/token\",\"issuer\":\"https://sts.example.test/" TENANT "/\"}");
		return 0;
	}
	if (S.cancel_on_listing && strstr(req->url, "/customerSubscriptions?") != NULL)
		azsreg_batch_cancel(batch); /* Ctrl+C / StopProcessing while sync lists */
	serve(req, resp);
	return 0;
}

static int x_start(azsreg_transfers *x, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms, void *tag)
{
	int i;

	(void)x;
	(void)timeout_ms;
	for (i = 0; i < 512; i++) {
		if (!S.fl[i].used) {
			S.fl[i].used = 1;
			S.fl[i].req = req;
			S.fl[i].resp = resp;
			S.fl[i].tag = tag;
			S.fl[i].done_at = S.fc.now_ms + S.latency_ms;
			serve(req, resp);
			S.in_flight++;
			if (S.in_flight > S.max_in_flight)
				S.max_in_flight = S.in_flight;
			return 0;
		}
	}
	return azsreg_error__set(AZSREG_ENOMEM, "sim: too many in flight");
}

/* Waits (moves the clock) until the earliest exchange is due or wait_ms passed, then reports what is due. */
static int x_run(azsreg_transfers *x, long wait_ms, azsreg_transfer_done_fn done, void *ctx)
{
	int64_t next = S.fc.now_ms + wait_ms;
	int i;

	(void)x;
	if (S.run_fail_after > 0 && ++S.run_calls >= S.run_fail_after)
		return azsreg_error__set(AZSREG_ERROR, "libcurl: the multi machinery broke");
	for (i = 0; i < 512; i++)
		if (S.fl[i].used && S.fl[i].done_at < next)
			next = S.fl[i].done_at;
	if (next > S.fc.now_ms)
		S.fc.now_ms = next;
	for (i = 0; i < 512; i++) {
		if (S.fl[i].used && S.fl[i].done_at <= S.fc.now_ms) {
			S.fl[i].used = 0;
			S.in_flight--;
			done(ctx, S.fl[i].tag, 0);
		}
	}
	return 0;
}

static void x_wakeup(azsreg_transfers *x)
{
	(void)x;
	S.wakeups++;
}

static void x_free(azsreg_transfers *x)
{
	int i;

	(void)x;
	for (i = 0; i < 512; i++)
		if (S.fl[i].used) {
			S.fl[i].used = 0;
			S.in_flight--;
		}
}

static int sim_transfers_new(azsreg_transport *t, azsreg_transfers **out_x, int max_in_flight)
{
	(void)t;
	(void)max_in_flight;
	S.xbase.start = x_start;
	S.xbase.run = x_run;
	S.xbase.wakeup = x_wakeup;
	S.xbase.free = x_free;
	*out_x = &S.xbase;
	return 0;
}

static unsigned long sim_conns(azsreg_transport *t)
{
	(void)t;
	return 1;
}

static void sim_free(azsreg_transport *t)
{
	(void)t;
}

static void new_batch(int concurrency, unsigned int flags, azsreg_batch_result_cb on_result, azsreg_batch_progress_cb on_progress,
		      void *payload)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;

	azsreg_batch_free(batch);
	bo.concurrency = concurrency;
	bo.flags = flags;
	bo.on_result = on_result;
	bo.on_progress = on_progress;
	bo.payload = payload;
	cr_assert_eq(azsreg_batch_new(&batch, client, &bo), 0, "%s", azsreg_error_last()->message);
}

static void setup(void)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;

	memset(&S, 0, sizeof S);
	fake_clock_init(&S.fc);
	S.base.send = sim_send;
	S.base.connections_opened = sim_conns;
	S.base.free = sim_free;
	S.base.transfers_new = sim_transfers_new;
	S.latency_ms = 20;
	S.burst = 200;
	S.per_second = 10;
	cred = counting_credential_new();
	cr_assert_eq(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "Test", ARM, "https://login.example.test/", ARM }), 0, "%s",
		     azsreg_error_last()->message);
	o.environment = env;
	cr_assert_eq(azsreg_client__new_with(&client, &o, cred, &S.base, &S.fc.clock), 0, "%s", azsreg_error_last()->message);
	batch = NULL;
	out = NULL;
	new_batch(0, 0, NULL, NULL, NULL);
}

static void teardown(void)
{
	int i;

	azsreg_free(out);
	azsreg_batch_free(batch);
	azsreg_client_free(client);
	azsreg_credential_free(cred);
	azsreg_environment_free(env);
	for (i = 0; i < S.nstore; i++) {
		free(S.store[i]);
		free(S.store_tenant[i]);
	}
}

TestSuite(batch, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ helpers */

static char guids[MAX_STORE][40];

static azsreg_batch_item *make_items(int n, int action, const char *reg, const char *tenant, int offset)
{
	azsreg_batch_item *items = calloc((size_t)n, sizeof *items);
	int i;

	cr_assert_not_null(items);
	for (i = 0; i < n; i++) {
		snprintf(guids[offset + i], sizeof guids[0], "%08X-0000-4000-8000-%012d", offset + i, offset + i);
		items[i].action = action;
		items[i].registration_id = reg;
		items[i].customer_subscription_id = guids[offset + i];
		items[i].tenant_id = tenant;
	}
	return items;
}

static int count_seen(const char *method, int status)
{
	int i, n = 0;

	for (i = 0; i < S.nseen; i++)
		if ((method == NULL || strcmp(S.seen[i].method, method) == 0) && (status == 0 || S.seen[i].status == status))
			n++;
	return n;
}

static json_t *parse_out(void)
{
	json_t *o = json_loads(out, 0, NULL);

	cr_assert_not_null(o, "batch JSON: %s", out ? out : "(null)");
	return o;
}

/* ------------------------------------------------------------------- tests */

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

/* ------------------------------------------------------------------- sync */

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

Test(batch, sync_creates_what_is_missing_updates_another_tenant_and_keeps_the_rest)
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

Test(batch, sync_prunes_only_when_asked_and_a_dry_run_sends_no_write)
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

Test(batch, sync_entries_apply_to_every_registration_or_the_one_they_name)
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

Test(batch, sync_refuses_bad_input_before_anything_is_sent)
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

Test(batch, sync_from_json_plans_like_the_c_call)
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

Test(batch, sync_put_all_writes_every_entry_without_listing)
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

Test(batch, a_cancel_while_sync_lists_stops_it_before_any_write)
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
