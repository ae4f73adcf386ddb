/*
 * sim_arm.h: the simulated ARM the batch and sync unit tests (test_batch.c, test_sync.c)
 * run against: concurrent exchanges through a fake azsreg_transfers on a fake clock (time
 * moves only when the batch waits), token buckets per (subscription, operation class) that
 * answer x-ms-ratelimit-remaining-* and 429 + Retry-After like ARM, a store of mappings
 * checked afterwards, and the fixture (a client and a batch on it) with its helpers.
 * Everything is static: each test executable has its own copy; a helper one of them does
 * not use is not a warning.
 */
#ifndef AZSREG_SIM_ARM_H
#define AZSREG_SIM_ARM_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>

#include "fake_transport.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"

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
static void serve_request(const azsreg_http_request *req, azsreg_http_response *resp)
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

/* Set while the simulated ARM answers: a test that fails allocations of the library
 * (test_sync.c, Jansson's allocator) lets the simulator's own allocations through. */
static int sim_serving;

static void serve(const azsreg_http_request *req, azsreg_http_response *resp)
{
	sim_serving = 1;
	serve_request(req, resp);
	sim_serving = 0;
}

/* A Jansson allocator (json_set_alloc_funcs) for tests that fail the jn_fail_at-th
 * allocation the library makes (counting from 1; 0: none), never one of the simulated ARM's. */
static long jn_count, jn_fail_at;

static void *jn_malloc(size_t n)
{
	if (!sim_serving && ++jn_count == jn_fail_at)
		return NULL;
	return malloc(n);
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

static void sim_setup(void)
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

static void sim_teardown(void)
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

#pragma GCC diagnostic pop

#endif
