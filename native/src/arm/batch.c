/*
 * batch.c: many customer subscription calls at once over one client.
 *
 *   check every item (nothing is sent when one is bad)
 *   -> resolve each distinct tenant domain once -> sign in once
 *   -> loop: start what may start (concurrency bound, lane pacing, retry times)
 *            -> move the exchanges on (azsreg_transfers: libcurl's multi interface),
 *               waiting at most until the next thing due (a retry, a lane reopening,
 *               a progress report) or a cancel
 *            -> judge each finished exchange: final / 429: pause its lane, send again /
 *               retryable: backoff, send again / 401 token error: renew once, send again
 *   -> long-running answers (outside the 2017-06-01 description) are polled one by one
 *   -> results in item order
 *
 * A lane is one (subscription, operation class): ARM's throttle buckets are per
 * subscription, principal and region, separate for reads, writes and deletes, and the
 * client has one principal and one ARM endpoint. Each answer's
 * x-ms-ratelimit-remaining-subscription-<class> says what is left in its bucket; the lane
 * estimates the bucket's refill rate from the answers it sees and starts a request only
 * when the bucket should hold a token for it (plus a small reserve), so that a long batch
 * runs at the refill rate instead of being answered 429 and waiting.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_CONCURRENCY 16
#define MAX_CONCURRENCY 256
#define DEFAULT_PROGRESS_MS 1000
#define MAX_PROGRESS_MS 3600000
#define PACE_RESERVE 2.0 /* tokens left in a bucket for the estimate's error */
#define RATE_WINDOW_MS 100 /* answers over at least this long before a refill rate is estimated */
#define PROBE_MS 100 /* refill rate unknown and the bucket low: one request this often, */
#define MAX_PROBE_MS 6400 /* up to this after 429s */
#define MAX_WAIT_MS 1000 /* the loop looks at the clock at least this often */

enum { CLS_READS,
       CLS_WRITES,
       CLS_DELETES };
static const char *const CLASS_HEADER[] = {
	"x-ms-ratelimit-remaining-subscription-reads",
	"x-ms-ratelimit-remaining-subscription-writes",
	"x-ms-ratelimit-remaining-subscription-deletes",
};
static const char *const ACTION_NAME[] = { "", "put", "delete", "get" };
static const char *const ACTION_METHOD[] = { "", "PUT", "DELETE", "GET" };

typedef struct lane {
	char subscription[AZSREG_NAME_MAX + 1];
	int cls;
	int in_flight;
	int64_t paused_until; /* a 429's Retry-After */
	long long remaining; /* last x-ms-ratelimit-remaining-*; -1 unknown */
	int64_t remaining_at; /* when it arrived */
	long long r0; /* refill estimate: remaining at t0, answers since */
	int64_t t0;
	unsigned long consumed;
	int have_r0;
	long long max_seen; /* the most a bucket was seen holding: about its burst size */
	int heard; /* an answer (not a 429) arrived: without the header, the lane is not paced */
	int64_t last_start;
	int64_t probe_ms; /* rate unknown, bucket low: one request this often (doubles after each 429) */
	double rate; /* tokens per ms; 0 while unknown */
} lane;

enum { ST_WAITING,
       ST_FLIGHT,
       ST_LRO,
       ST_DONE };

typedef struct item {
	azsreg_customer_call call;
	size_t index;
	lane *lane;
	int state;
	int64_t ready_at; /* not before (retry delay) */
	int64_t deadline; /* from the first attempt: the client's deadline */
	int64_t started_at;
	int attempts;
	int retries; /* counted against max_retries (429s are not) */
	int renewed; /* a 401 token error was answered by renewing */
	int force_renew;
	azsreg_http_request req;
	azsreg_http_response resp;
	/* outcome */
	int code;
	int status;
	int existed;
	char *arm_code;
	char *message;
	char *request_id;
	json_t *resource; /* PUT / GET success: the mapping */
	char *resource_json; /* its text, made for a result callback */
	json_t *result; /* the result object once reported (the summary reuses it) */
	/* the rest of the failure, as azsreg_error_last() had it (NULL on success) */
	char *arm_message;
	char *target;
	char *details_json;
	char *correlation_id;
	char *hint;
} item;

struct azsreg_batch {
	azsreg_client *client;
	azsreg_batch_options opts;
	azsreg_batch_json_cb json_result; /* azsreg_batch_new_json's callbacks */
	azsreg_batch_json_cb json_progress;
	void *json_payload;
	pthread_mutex_t lock; /* guards cancelled + active */
	int cancelled;
	int running;
	azsreg_transfers *active;
};

typedef struct run_state {
	azsreg_batch *b;
	azsreg_pipeline *p;
	const azsreg_clock *ck;
	item *items;
	size_t count;
	lane *lanes;
	size_t nlanes;
	item **pending; /* waiting items, in item order */
	size_t npending;
	size_t in_flight;
	size_t succeeded, failed; /* failed counts cancelled items too */
	size_t cancelled; /* known at the end */
	unsigned long requests, throttled;
	azsreg_retry_policy retry;
	long request_timeout_ms, deadline_ms;
	int64_t t_start, next_progress;
	int fatal; /* an error that stops the batch (sign-in failed) */
	char *fatal_message;
} run_state;

/* a + b for times in ms, saturating (a deadline of LONG_MAX means none) */
static int64_t add_ms(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	return a + b;
}

/* ------------------------------------------------------------- options */

int azsreg_batch_options_init(azsreg_batch_options *opts, unsigned int version)
{
	static const azsreg_batch_options init = AZSREG_BATCH_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_BATCH_OPTIONS_VERSION, "batch");
}

int azsreg_batch_new(azsreg_batch **out, azsreg_client *client, const azsreg_batch_options *opts)
{
	azsreg_batch *b;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "batch: out is NULL");
	*out = NULL;
	if (client == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "batch: client is NULL");
	if (opts != NULL && opts->version != AZSREG_BATCH_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID, "batch options: version %u is not supported (this library has %d)",
					 opts->version, AZSREG_BATCH_OPTIONS_VERSION);
	if (opts != NULL && (opts->concurrency < 0 || opts->concurrency > MAX_CONCURRENCY))
		return azsreg_error__set(AZSREG_EINVALID, "batch options: concurrency %d is outside 1 to %d (0: %d)", opts->concurrency,
					 MAX_CONCURRENCY, DEFAULT_CONCURRENCY);
	if (opts != NULL && (opts->progress_interval_ms < 0 || opts->progress_interval_ms > MAX_PROGRESS_MS))
		return azsreg_error__set(AZSREG_EINVALID, "batch options: progress_interval_ms %ld is outside 0 to %d (0: %d)",
					 opts->progress_interval_ms, MAX_PROGRESS_MS, DEFAULT_PROGRESS_MS);
	if (opts != NULL && (opts->flags & ~(AZSREG_BATCH_NO_PACING | AZSREG_BATCH_NO_RESULTS)) != 0)
		return azsreg_error__set(AZSREG_EINVALID, "batch options: unknown flags 0x%x",
					 opts->flags & ~(AZSREG_BATCH_NO_PACING | AZSREG_BATCH_NO_RESULTS));
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch)");
	b->client = client;
	if (opts != NULL)
		b->opts = *opts;
	else
		(void)azsreg_batch_options_init(&b->opts, AZSREG_BATCH_OPTIONS_VERSION);
	if (b->opts.concurrency == 0)
		b->opts.concurrency = DEFAULT_CONCURRENCY;
	if (b->opts.progress_interval_ms == 0)
		b->opts.progress_interval_ms = DEFAULT_PROGRESS_MS;
	pthread_mutex_init(&b->lock, NULL);
	*out = b;
	return AZSREG_OK;
}

azsreg_client *azsreg_batch__client(const azsreg_batch *b)
{
	return b->client;
}

static void json_result_adapter(const azsreg_batch_result *r, void *payload)
{
	azsreg_batch *b = payload;

	b->json_result(r->json, b->json_payload);
}

static void json_progress_adapter(const azsreg_batch_progress *p, void *payload)
{
	azsreg_batch *b = payload;
	json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I}", "total", (json_int_t)p->total, "succeeded",
			      (json_int_t)p->succeeded, "failed", (json_int_t)p->failed, "cancelled", (json_int_t)p->cancelled,
			      "inFlight", (json_int_t)p->in_flight, "requests",
			      (json_int_t)p->requests, "throttled", (json_int_t)p->throttled, "perSecond", p->per_second, "elapsedMs",
			      (json_int_t)p->elapsed_ms, "etaMs", (json_int_t)p->eta_ms);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (text != NULL)
		b->json_progress(text, b->json_payload);
	free(text);
	json_decref(o);
}

int azsreg_batch_new_json(azsreg_batch **out, azsreg_client *client, const char *options_json, azsreg_batch_json_cb on_result,
			  azsreg_batch_json_cb on_progress, void *payload)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;
	json_t *root = NULL, *v;
	json_error_t jerr;
	const char *key;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (options_json != NULL && options_json[0] != '\0') {
		root = json_loads(options_json, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(root)) {
			json_decref(root);
			return azsreg_error__set(AZSREG_EINVALID, "batch options: not a JSON object%s%s", root ? "" : ": ", root ? "" : jerr.text);
		}
		json_object_foreach(root, key, v)
		{
			if (strcmp(key, "concurrency") == 0 && json_is_integer(v) && json_integer_value(v) >= 0 &&
			    json_integer_value(v) <= MAX_CONCURRENCY) {
				bo.concurrency = (int)json_integer_value(v);
			} else if (strcmp(key, "pacing") == 0 && json_is_boolean(v)) {
				bo.flags = json_is_true(v) ? bo.flags & ~AZSREG_BATCH_NO_PACING : bo.flags | AZSREG_BATCH_NO_PACING;
			} else if (strcmp(key, "results") == 0 && json_is_boolean(v)) {
				bo.flags = json_is_true(v) ? bo.flags & ~AZSREG_BATCH_NO_RESULTS : bo.flags | AZSREG_BATCH_NO_RESULTS;
			} else if (strcmp(key, "progressIntervalMs") == 0 && json_is_integer(v) && json_integer_value(v) >= 0 &&
				   json_integer_value(v) <= MAX_PROGRESS_MS) {
				bo.progress_interval_ms = (long)json_integer_value(v);
			} else {
				rc = azsreg_error__set(AZSREG_EINVALID,
						       "batch options: \"%.64s\" is not one of concurrency (0 to %d), pacing (true or false), "
						       "progressIntervalMs (0 to %d), results (true or false)",
						       key, MAX_CONCURRENCY, MAX_PROGRESS_MS);
				json_decref(root); /* key points into it: after the message */
				return rc;
			}
		}
		json_decref(root);
	}
	rc = azsreg_batch_new(out, client, &bo);
	if (rc != 0)
		return rc;
	(*out)->json_result = on_result;
	(*out)->json_progress = on_progress;
	(*out)->json_payload = payload;
	(*out)->opts.on_result = on_result ? json_result_adapter : NULL;
	(*out)->opts.on_progress = on_progress ? json_progress_adapter : NULL;
	(*out)->opts.payload = *out;
	return AZSREG_OK;
}

void azsreg_batch_cancel(azsreg_batch *b)
{
	if (b == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	b->cancelled = 1;
	if (b->active != NULL)
		b->active->wakeup(b->active);
	pthread_mutex_unlock(&b->lock);
}

void azsreg_batch_free(azsreg_batch *b)
{
	if (b == NULL)
		return;
	pthread_mutex_destroy(&b->lock);
	free(b);
}

static int is_cancelled(azsreg_batch *b)
{
	int c;

	pthread_mutex_lock(&b->lock);
	c = b->cancelled;
	pthread_mutex_unlock(&b->lock);
	return c;
}

/* --------------------------------------------------------------- checks */

static int tenant_is_guid(const char *t)
{
	char g[AZSREG_GUID_LEN + 1];
	int rc = azsreg_guid_normalize(g, t, "tenant");

	azsreg_error_clear();
	return rc == 0;
}

/* Checks one item's inputs; fills call (with the tenant GUID when it is one). */
static int check_item(azsreg_customer_call *call, const azsreg_client *c, const azsreg_batch_item *it, size_t i)
{
	char tenant[AZSREG_GUID_LEN + 1];
	const char *tg = NULL;
	int rc;

	memset(call, 0, sizeof(*call));
	if (it->action == AZSREG_BATCH_PUT && it->tenant_id != NULL) {
		rc = azsreg_ops__check_tenant_value(it->tenant_id, "register customer");
		if (rc == 0)
			rc = azsreg_tenant_check(it->tenant_id);
		if (rc != 0)
			return azsreg_error__prefix("batch item %zu", i);
		if (tenant_is_guid(it->tenant_id) && azsreg_guid_normalize(tenant, it->tenant_id, "tenant") == 0)
			tg = tenant;
	} else if (it->action != AZSREG_BATCH_PUT && it->tenant_id != NULL) {
		return azsreg_error__set(AZSREG_EINVALID, "batch item %zu: a tenant is only sent when registering (put), not with %s", i,
					 it->action == AZSREG_BATCH_DELETE ? "delete" : it->action == AZSREG_BATCH_GET ? "get"
														       : "this action");
	}
	rc = azsreg_ops__customer_prepare(call, c, it->action, it->registration_id, it->customer_subscription_id, tg);
	if (rc != 0)
		return azsreg_error__prefix("batch item %zu", i);
	return AZSREG_OK;
}

typedef struct dup_key {
	const char *id;
	size_t index;
} dup_key;

static int dup_cmp(const void *a, const void *b)
{
	const dup_key *x = a, *y = b;
	int c = strcasecmp(x->id, y->id);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Refuses the same mapping twice (whatever the actions: their order would decide the outcome). */
static int check_duplicates(const azsreg_customer_call *calls, size_t count)
{
	dup_key *keys;
	size_t i;
	int rc = AZSREG_OK;

	if (count < 2)
		return AZSREG_OK;
	keys = calloc(count, sizeof(*keys));
	if (keys == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch check)");
	for (i = 0; i < count; i++) {
		keys[i].id = calls[i].id;
		keys[i].index = i;
	}
	qsort(keys, count, sizeof(*keys), dup_cmp);
	for (i = 1; i < count; i++) {
		if (strcasecmp(keys[i - 1].id, keys[i].id) == 0) {
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "batch item %zu repeats item %zu: customer %s of registration %s is there twice; "
					       "give each customer once per registration",
					       keys[i].index, keys[i - 1].index, calls[keys[i].index].guid, calls[keys[i].index].reg.name);
			break;
		}
	}
	free(keys);
	return rc;
}

/* Checks everything; on success *out_calls holds one built call per item (free each, then the array). */
static int check_all(azsreg_customer_call **out_calls, const azsreg_client *c, const azsreg_batch_item *items, size_t count)
{
	azsreg_customer_call *calls;
	size_t i, made = 0;
	int rc = AZSREG_OK;

	*out_calls = NULL;
	if (items == NULL && count > 0)
		return azsreg_error__set(AZSREG_EINVALID, "batch: items is NULL");
	calls = calloc(count ? count : 1, sizeof(*calls));
	if (calls == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch of %zu items)", count);
	for (i = 0; i < count && rc == 0; i++) {
		rc = check_item(&calls[i], c, &items[i], i);
		if (rc == 0)
			made++;
	}
	if (rc == 0)
		rc = check_duplicates(calls, count);
	if (rc != 0) {
		for (i = 0; i < made; i++)
			azsreg_ops__customer_call_free(&calls[i]);
		free(calls);
		return rc;
	}
	*out_calls = calls;
	return AZSREG_OK;
}

int azsreg_batch_check(const azsreg_batch_item *items, size_t count)
{
	/* an environment only shapes the URLs, which are not sent here: any will do */
	azsreg_environment env;
	azsreg_client c;
	azsreg_customer_call *calls = NULL;
	size_t i;
	int rc;

	memset(&env, 0, sizeof(env));
	memset(&c, 0, sizeof(c));
	env.arm_endpoint = (char *)"https://management.azure.com/";
	c.env = &env;
	rc = check_all(&calls, &c, items, count);
	if (rc != 0)
		return rc;
	for (i = 0; i < count; i++)
		azsreg_ops__customer_call_free(&calls[i]);
	free(calls);
	return AZSREG_OK;
}

/* ----------------------------------------------------------------- lanes */

static lane *lane_for(run_state *rs, const char *subscription, int cls)
{
	size_t i;

	for (i = 0; i < rs->nlanes; i++) {
		if (rs->lanes[i].cls == cls && strcasecmp(rs->lanes[i].subscription, subscription) == 0)
			return &rs->lanes[i];
	}
	return NULL;
}

static int class_of(int action)
{
	return action == AZSREG_BATCH_GET ? CLS_READS : action == AZSREG_BATCH_DELETE ? CLS_DELETES
										      : CLS_WRITES;
}

/* The tokens the lane's bucket should hold now: what the last answer said, plus the refill
 * since, minus what the requests in flight will take; never more than the bucket was seen holding. */
static double lane_estimate(const lane *l, int64_t now)
{
	double est = (double)l->remaining + l->rate * (double)(now - l->remaining_at);

	if (est > (double)l->max_seen + 1.0)
		est = (double)l->max_seen + 1.0;
	return est - (double)l->in_flight;
}

/*
 * May the lane start one more request now? When not, *wake is lowered to when it may
 * (or left alone when only an answer can tell: unknown rate and requests in flight).
 */
static int lane_may_start(const run_state *rs, const lane *l, int64_t now, int64_t *wake)
{
	double est, need;

	if (now < l->paused_until) {
		if (l->paused_until < *wake)
			*wake = l->paused_until;
		return 0;
	}
	if ((rs->b->opts.flags & AZSREG_BATCH_NO_PACING) != 0)
		return 1;
	if (l->remaining < 0)
		/* nothing heard yet: one request finds out what the bucket holds; no header: not paced */
		return l->heard || l->in_flight == 0;
	est = lane_estimate(l, now);
	need = 1.0 + (l->max_seen >= 20 ? PACE_RESERVE : 0.0);
	if (est >= need)
		return 1;
	if (l->rate <= 0) {
		/* the refill rate is not known yet: one request now and then finds it out */
		if (l->in_flight > 0)
			return 0;
		if (now - l->last_start >= l->probe_ms)
			return 1;
		if (l->last_start + l->probe_ms < *wake)
			*wake = l->last_start + l->probe_ms;
		return 0;
	}
	{
		double wait = (need - est) / l->rate;
		int64_t at = now + (int64_t)(wait < MAX_WAIT_MS ? wait : MAX_WAIT_MS) + 1; /* looked at again by then */
		if (at < *wake)
			*wake = at;
	}
	return 0;
}

/*
 * An answer of the lane (not a 429): what its bucket holds, and the refill rate.
 * Answers to concurrent requests arrive in any order, so one may tell an older, higher
 * level: the level kept is the lowest the answers allow (the last level plus the refill
 * since). The rate is measured over a window that grows from the lane's first answer (or
 * the first after a 429 pause, when the bucket may have been full and wasted refill):
 * gained = level now - level then + answers since, less one token for rounding and less
 * the requests in flight (whose answers may be counted before the server counted them),
 * so that it errs low: pacing then leaves a 429 out rather than risking one.
 */
static void lane_observe(lane *l, const azsreg_http_response *resp, int64_t now)
{
	const char *v = azsreg_headers__get(&resp->headers, CLASS_HEADER[l->cls]);
	char *end = NULL;
	long long r;

	l->heard = 1;
	if (v == NULL || v[0] == '\0')
		return;
	r = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || r < 0)
		return;
	if (r > l->max_seen)
		l->max_seen = r;
	if (l->remaining < 0 || (double)r <= (double)l->remaining + l->rate * (double)(now - l->remaining_at)) {
		l->remaining = r;
		l->remaining_at = now;
	}
	if (!l->have_r0) {
		l->have_r0 = 1;
		l->r0 = r;
		l->t0 = now;
		l->consumed = 0;
		return;
	}
	l->consumed++;
	if (now - l->t0 >= RATE_WINDOW_MS) {
		double gained = (double)(r - l->r0) + (double)l->consumed - 1.0 - (double)l->in_flight;
		double rate = gained / (double)(now - l->t0);
		l->rate = rate > 0 ? rate : 0;
		if (l->rate > 0)
			l->probe_ms = PROBE_MS;
	}
}

/* ---------------------------------------------------------------- results */

static void set_outcome_from_error(item *it, int rc)
{
	const azsreg_error *e = azsreg_error_last();

	it->code = rc;
	free(it->arm_code);
	free(it->message);
	it->arm_code = azsreg__strdup(e->arm_code[0] ? e->arm_code : "");
	it->message = azsreg__strdup(e->message[0] ? e->message : azsreg_result_name(rc));
	free(it->arm_message);
	free(it->target);
	free(it->details_json);
	free(it->correlation_id);
	free(it->hint);
	it->arm_message = azsreg__strdup(e->arm_message);
	it->target = azsreg__strdup(e->target);
	it->details_json = azsreg__strdup(e->details_json);
	it->correlation_id = azsreg__strdup(e->correlation_id);
	it->hint = azsreg__strdup(e->hint);
	if (e->http_status != 0)
		it->status = e->http_status;
	if (e->request_id[0] != '\0' && it->request_id == NULL)
		it->request_id = azsreg__strdup(e->request_id);
}

static json_t *result_json(const item *it)
{
	json_t *o = json_object();
	int bad = 0;

	azsreg_json__set(o, "index", json_integer((json_int_t)it->index), &bad);
	azsreg_json__set(o, "action", json_string(ACTION_NAME[it->call.action]), &bad);
	azsreg_json__set(o, "registration", azsreg_json__text(it->call.reg.name), &bad);
	azsreg_json__set(o, "customerSubscriptionId", json_string(it->call.guid), &bad);
	azsreg_json__set(o, "id", azsreg_json__text(it->call.id), &bad);
	azsreg_json__set(o, "code", json_string(azsreg_result_name(it->code)), &bad);
	azsreg_json__set(o, "status", json_integer(it->status), &bad);
	azsreg_json__set(o, "error", azsreg_json__text(it->arm_code && it->arm_code[0] ? it->arm_code : NULL), &bad);
	azsreg_json__set(o, "message", azsreg_json__text(it->message), &bad);
	azsreg_json__set(o, "requestId", azsreg_json__text(it->request_id), &bad);
	azsreg_json__set(o, "attempts", json_integer(it->attempts), &bad);
	if (it->code != AZSREG_OK) {
		/* the rest of azsreg_error_last_json(), so a binding can report the item as a single call's failure */
		json_t *details = it->details_json && it->details_json[0] ? json_loads(it->details_json, JSON_DECODE_ANY, NULL) : NULL;

		azsreg_json__set(o, "armMessage", azsreg_json__text(it->arm_message ? it->arm_message : ""), &bad);
		azsreg_json__set(o, "target", azsreg_json__text(it->target ? it->target : ""), &bad);
		azsreg_json__set(o, "details", details ? details : json_array(), &bad);
		azsreg_json__set(o, "correlationId", azsreg_json__text(it->correlation_id ? it->correlation_id : ""), &bad);
		azsreg_json__set(o, "hint", azsreg_json__text(it->hint ? it->hint : ""), &bad);
	}
	if (it->call.action == AZSREG_BATCH_DELETE && it->code == AZSREG_OK)
		azsreg_json__set(o, "existed", json_boolean(it->existed), &bad);
	if (it->resource != NULL)
		azsreg_json__set_ref(o, "resource", it->resource, &bad);
	if (bad) {
		json_decref(o);
		return NULL; /* callers answer AZSREG_ENOMEM */
	}
	return o;
}

/* The result callback's JSON when the whole of it could not be made (out of memory): the
 * members that need no allocation, so a binding still knows which item it is and how it
 * ended. */
static void result_fallback(char *buf, size_t size, const item *it)
{
	snprintf(buf, size,
		 "{\"index\":%zu,\"action\":\"%s\",\"code\":\"%s\",\"status\":%d,\"attempts\":%d,"
		 "\"message\":\"out of memory: the rest of this result was lost\"}",
		 it->index, ACTION_NAME[it->call.action], azsreg_result_name(it->code), it->status, it->attempts);
}

static void report_result(run_state *rs, item *it)
{
	azsreg_batch_result r;
	json_t *o;
	char *text;
	char fallback[256];

	if (it->code == AZSREG_OK)
		rs->succeeded++;
	else
		rs->failed++;
	if (rs->b->opts.on_result == NULL)
		return;
	if (it->resource != NULL && it->resource_json == NULL)
		it->resource_json = json_dumps(it->resource, JSON_COMPACT);
	o = result_json(it);
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(it->result);
	it->result = NULL;
	if ((rs->b->opts.flags & AZSREG_BATCH_NO_RESULTS) == 0)
		it->result = o; /* final: an item is reported once, when it is over; the summary reuses it */
	else
		json_decref(o);
	memset(&r, 0, sizeof(r));
	r.index = it->index;
	r.action = it->call.action;
	r.code = it->code;
	r.http_status = it->status;
	r.arm_code = it->arm_code ? it->arm_code : "";
	r.message = it->message ? it->message : "";
	r.request_id = it->request_id ? it->request_id : "";
	r.attempts = it->attempts;
	r.existed = it->existed;
	r.resource_json = it->resource_json;
	if (text == NULL)
		result_fallback(fallback, sizeof(fallback), it);
	r.json = text ? text : fallback;
	rs->b->opts.on_result(&r, rs->b->opts.payload);
	free(text);
}

static void report_progress(run_state *rs, int64_t now)
{
	azsreg_batch_progress pr;
	size_t done = rs->succeeded + rs->failed;

	if (rs->b->opts.on_progress == NULL)
		return;
	memset(&pr, 0, sizeof(pr));
	pr.total = rs->count;
	pr.succeeded = rs->succeeded;
	pr.failed = rs->failed - rs->cancelled;
	pr.cancelled = rs->cancelled;
	pr.in_flight = rs->in_flight;
	pr.requests = rs->requests;
	pr.throttled = rs->throttled;
	pr.elapsed_ms = (long long)(now - rs->t_start);
	pr.per_second = pr.elapsed_ms > 0 ? (double)done * 1000.0 / (double)pr.elapsed_ms : 0.0;
	pr.eta_ms = (done > 0 && pr.elapsed_ms > 0) ? (long long)((double)(rs->count - done) * (double)pr.elapsed_ms / (double)done) : -1;
	rs->b->opts.on_progress(&pr, rs->b->opts.payload);
}

/* The item is over: free its exchange, report it. */
static void finish(run_state *rs, item *it)
{
	it->state = ST_DONE;
	azsreg_http_request__free(&it->req);
	memset(&it->req, 0, sizeof(it->req));
	azsreg_http_response__free(&it->resp);
	memset(&it->resp, 0, sizeof(it->resp));
	report_result(rs, it);
}

static void finish_with_error(run_state *rs, item *it, int rc)
{
	set_outcome_from_error(it, rc);
	finish(rs, it);
}

/* Judges the final answer of an item (2xx or an error status). */
static void finish_with_response(run_state *rs, item *it)
{
	const char *rid = azsreg_headers__get(&it->resp.headers, "x-ms-request-id");
	int rc;

	it->status = it->resp.status;
	if (rid != NULL && it->request_id == NULL)
		it->request_id = azsreg__strdup(rid);
	/* the resource as a tree: its text is made only for a result callback (report_result) */
	rc = azsreg_ops__customer_finish(&it->call, rs->b->client, &it->resp, NULL, &it->resource, &it->existed);
	if (rc != 0) {
		finish_with_error(rs, it, rc);
		return;
	}
	it->code = AZSREG_OK;
	finish(rs, it);
}

/* ---------------------------------------------------------------- the loop */

static void requeue(run_state *rs, item *it, int64_t at)
{
	it->state = ST_WAITING;
	it->ready_at = at;
	rs->pending[rs->npending++] = it;
}

/* Starts one attempt of an item; 0, or an error that ends the item (already reported). */
static int start_item(run_state *rs, azsreg_transfers *x, item *it, int64_t now)
{
	long timeout = rs->request_timeout_ms;
	int rc;

	if (it->attempts == 0)
		it->deadline = add_ms(now, rs->deadline_ms);
	if (now >= it->deadline) {
		rc = azsreg_error__set(AZSREG_ETIMEOUT, "%s: the deadline of %ld ms passed after %d attempt(s)", it->call.what,
				       rs->deadline_ms, it->attempts);
		finish_with_error(rs, it, rc);
		return rc;
	}
	if (it->req.url == NULL) {
		it->req.method = ACTION_METHOD[it->call.action];
		it->req.url = azsreg__strdup(it->call.url);
		if (it->call.body != NULL) {
			it->req.body = azsreg__strdup(it->call.body);
			it->req.body_len = strlen(it->call.body);
		}
		if (it->req.url == NULL || (it->call.body != NULL && it->req.body == NULL)) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", it->call.what);
			finish_with_error(rs, it, rc);
			return rc;
		}
	}
	rc = azsreg_pipeline__prepare_attempt(rs->p, &it->req);
	if (rc == 0) {
		rc = azsreg_client__authorize(rs->b->client, &it->req, it->force_renew);
		if (rc != 0 && !rs->fatal) {
			/* the token could not be had: every other item would fail the same way */
			rs->fatal = rc;
			rs->fatal_message = azsreg__strdup(azsreg_error_last()->message);
		}
	}
	it->force_renew = 0;
	if (rc != 0) {
		(void)azsreg_error__prefix("%s", it->call.what);
		finish_with_error(rs, it, rc);
		return rc;
	}
	if ((int64_t)timeout > it->deadline - now)
		timeout = (long)(it->deadline - now);
	azsreg_http_response__reset(&it->resp);
	rc = x->start(x, &it->req, &it->resp, timeout, it);
	if (rc != 0) {
		(void)azsreg_error__prefix("%s", it->call.what);
		finish_with_error(rs, it, rc);
		return rc;
	}
	it->state = ST_FLIGHT;
	it->started_at = now;
	it->lane->last_start = now;
	it->attempts++;
	it->lane->in_flight++;
	rs->in_flight++;
	rs->requests++;
	return AZSREG_OK;
}

/* Starts whatever may start; lowers *wake to when something waiting may start next. */
static void start_ready(run_state *rs, azsreg_transfers *x, int64_t now, int64_t *wake)
{
	size_t i, keep = 0;
	size_t limit = (size_t)rs->b->opts.concurrency;

	for (i = 0; i < rs->npending; i++) {
		item *it = rs->pending[i];

		if (rs->fatal || rs->in_flight >= limit) {
			rs->pending[keep++] = it;
			continue;
		}
		if (it->ready_at > now) {
			if (it->ready_at < *wake)
				*wake = it->ready_at;
			rs->pending[keep++] = it;
			continue;
		}
		if (!lane_may_start(rs, it->lane, now, wake)) {
			rs->pending[keep++] = it;
			continue;
		}
		(void)start_item(rs, x, it, now); /* an item that could not start is finished */
	}
	rs->npending = keep;
}

static void describe_retry_after(char *out, size_t cap, int64_t delay_ms)
{
	snprintf(out, cap, "; the service asked to wait %lld s more, past the deadline", (long long)((delay_ms + 999) / 1000));
}

/* An exchange finished: decide what comes next for its item. */
static void on_done(void *ctx, void *tag, int rc)
{
	run_state *rs = ctx;
	item *it = tag;
	const azsreg_clock *ck = rs->ck;
	int64_t now = ck->now_ms(ck->ctx), delay = 0;
	int is_retry = it->attempts > 1;

	it->lane->in_flight--;
	rs->in_flight--;
	azsreg_pipeline__exchange_done(rs->p, &it->req, &it->resp, rc, now - it->started_at, is_retry);

	if (rc != 0) {
		int passing = (rc == AZSREG_ENETWORK || rc == AZSREG_ETIMEOUT) && !it->resp.transport_final;
		if (!passing || it->retries >= rs->retry.max_retries) {
			if (passing) {
				char sfx[64];
				snprintf(sfx, sizeof(sfx), " (gave up after %d attempt(s))", it->attempts);
				(void)azsreg_error__suffix(0, "%s", sfx);
			}
			if (rc == AZSREG_ETIMEOUT && it->call.action != AZSREG_BATCH_GET)
				(void)azsreg_error__suffix(0, "; the request may still have been applied by the service: read the resource to see its current state");
			(void)azsreg_error__prefix("%s", it->call.what);
			finish_with_error(rs, it, rc);
			return;
		}
		delay = azsreg_retry__backoff(&rs->retry, it->retries + 1, ck->random(ck->ctx));
		if (add_ms(now, delay) >= it->deadline) {
			(void)azsreg_error__suffix(0, " (gave up: the %ld ms deadline would pass before the next attempt)", rs->deadline_ms);
			(void)azsreg_error__prefix("%s", it->call.what);
			finish_with_error(rs, it, rc);
			return;
		}
		it->retries++;
		requeue(rs, it, add_ms(now, delay));
		return;
	}

	if (it->resp.status == 429) {
		int64_t until;
		rs->throttled++;
		if (!azsreg_retry__server_delay(&it->resp.headers, ck->unix_time(ck->ctx), &delay))
			delay = azsreg_retry__backoff(&rs->retry, 1, ck->random(ck->ctx));
		until = add_ms(now, delay);
		if (until > it->lane->paused_until)
			it->lane->paused_until = until;
		if (it->lane->max_seen >= 0) {
			/* a paced lane (its answers carry the header): the bucket is empty now */
			it->lane->remaining = 0;
			it->lane->remaining_at = now;
			if (it->lane->rate > 0)
				it->lane->have_r0 = 0; /* the bucket may fill up during the pause: measure anew after it */
			else if (it->lane->probe_ms < MAX_PROBE_MS)
				it->lane->probe_ms *= 2; /* probing found the bucket empty: probe less often */
		}
		if (until >= it->deadline) {
			char sfx[128];
			const char *rid = azsreg_headers__get(&it->resp.headers, "x-ms-request-id");
			(void)azsreg_error__from_arm(429, it->resp.body.ptr, it->resp.body.size, rid, azsreg_pipeline__correlation_id(rs->p),
						     it->call.what);
			describe_retry_after(sfx, sizeof(sfx), delay);
			(void)azsreg_error__suffix(AZSREG_ETHROTTLED, "%s", sfx);
			it->status = 429;
			finish_with_error(rs, it, AZSREG_ETHROTTLED);
			return;
		}
		requeue(rs, it, until);
		return;
	}
	lane_observe(it->lane, &it->resp, now);

	if (it->resp.status == 401 && !it->renewed && azsreg_pipeline__is_token_error(&it->resp)) {
		it->renewed = 1;
		it->force_renew = 1;
		requeue(rs, it, now);
		return;
	}
	if (azsreg_retry__status_is_retryable(it->resp.status) && it->retries < rs->retry.max_retries) {
		if (!azsreg_retry__server_delay(&it->resp.headers, ck->unix_time(ck->ctx), &delay))
			delay = azsreg_retry__backoff(&rs->retry, it->retries + 1, ck->random(ck->ctx));
		if (add_ms(now, delay) < it->deadline) {
			it->retries++;
			requeue(rs, it, add_ms(now, delay));
			return;
		}
	}
	if (it->call.action != AZSREG_BATCH_GET && azsreg_pipeline__lro_pending(&it->req, &it->resp)) {
		it->state = ST_LRO; /* polled after the concurrent part */
		return;
	}
	finish_with_response(rs, it);
}

/* Long-running answers: polled one by one, as the single calls do. */
static void follow_lros(run_state *rs)
{
	size_t i;

	for (i = 0; i < rs->count; i++) {
		item *it = &rs->items[i];
		azsreg_send_options so;
		unsigned long before = 0, after = 0;
		int rc;

		if (it->state != ST_LRO)
			continue;
		if (is_cancelled(rs->b)) {
			(void)azsreg_error__set(AZSREG_ECANCELLED, "%s: cancelled while its long-running operation ran; "
								   "the change may still be applied: read the resource to see its current state",
						it->call.what);
			finish_with_error(rs, it, AZSREG_ECANCELLED);
			continue;
		}
		memset(&so, 0, sizeof(so));
		so.authorize = azsreg_client__authorize;
		so.authorize_ctx = rs->b->client;
		so.follow_lro = 1;
		so.what = it->call.what;
		azsreg_pipeline__stats(rs->p, &before, NULL);
		rc = azsreg_pipeline__follow_lro(rs->p, &it->req, &it->resp, &so);
		azsreg_pipeline__stats(rs->p, &after, NULL);
		rs->requests += after - before; /* the polls (single calls on this client from other threads may add to it) */
		if (rc != 0)
			finish_with_error(rs, it, rc);
		else
			finish_with_response(rs, it);
		report_progress(rs, rs->ck->now_ms(rs->ck->ctx));
	}
}

/* Resolves each distinct tenant domain once and rebuilds the PUT bodies with the GUIDs. */
static int resolve_tenants(run_state *rs, const azsreg_batch_item *in)
{
	typedef struct seen {
		const char *domain;
		char guid[AZSREG_GUID_LEN + 1];
	} seen;
	seen *cache = NULL;
	size_t ncache = 0, i, j;
	int rc = AZSREG_OK;

	for (i = 0; i < rs->count && rc == 0; i++) {
		const char *t = in[i].tenant_id;
		const char *guid = NULL;
		azsreg_customer_call call;

		if (in[i].action != AZSREG_BATCH_PUT || t == NULL || rs->items[i].call.tenant[0] != '\0')
			continue;
		for (j = 0; j < ncache; j++) {
			if (strcasecmp(cache[j].domain, t) == 0) {
				guid = cache[j].guid;
				break;
			}
		}
		if (guid == NULL) {
			seen *n = realloc(cache, (ncache + 1) * sizeof(*cache));
			if (n == NULL) {
				rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (tenants)");
				break;
			}
			cache = n;
			cache[ncache].domain = t;
			rc = azsreg_tenant_resolve(cache[ncache].guid, rs->b->client, t);
			if (rc != 0) {
				(void)azsreg_error__prefix("batch item %zu: %s", i, rs->items[i].call.what);
				break;
			}
			guid = cache[ncache++].guid;
		}
		rc = azsreg_ops__customer_prepare(&call, rs->b->client, AZSREG_BATCH_PUT, in[i].registration_id,
						  in[i].customer_subscription_id, guid);
		if (rc == 0) {
			azsreg_ops__customer_call_free(&rs->items[i].call);
			rs->items[i].call = call;
		}
	}
	free(cache);
	return rc;
}

static int build_lanes(run_state *rs)
{
	size_t i;

	rs->lanes = calloc(rs->count ? rs->count : 1, sizeof(*rs->lanes)); /* at most one per item */
	if (rs->lanes == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch lanes)");
	for (i = 0; i < rs->count; i++) {
		item *it = &rs->items[i];
		int cls = class_of(it->call.action);
		lane *l = lane_for(rs, it->call.reg.subscription_id, cls);

		if (l == NULL) {
			l = &rs->lanes[rs->nlanes++];
			snprintf(l->subscription, sizeof(l->subscription), "%s", it->call.reg.subscription_id);
			l->cls = cls;
			l->remaining = -1;
			l->max_seen = -1;
			l->probe_ms = PROBE_MS;
		}
		it->lane = l;
	}
	return AZSREG_OK;
}

static int summary_json(json_t **out, const run_state *rs, size_t cancelled, int64_t now)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;
	int bad = 0;

	if (o == NULL || arr == NULL) {
		json_decref(o);
		json_decref(arr);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch results)");
	}
	azsreg_json__set(o, "total", json_integer((json_int_t)rs->count), &bad);
	azsreg_json__set(o, "succeeded", json_integer((json_int_t)rs->succeeded), &bad);
	azsreg_json__set(o, "failed", json_integer((json_int_t)(rs->failed - cancelled)), &bad);
	azsreg_json__set(o, "cancelled", json_integer((json_int_t)cancelled), &bad);
	azsreg_json__set(o, "requests", json_integer((json_int_t)rs->requests), &bad);
	azsreg_json__set(o, "throttled", json_integer((json_int_t)rs->throttled), &bad);
	azsreg_json__set(o, "elapsedMs", json_integer((json_int_t)(now - rs->t_start)), &bad);
	if (bad) {
		json_decref(o);
		json_decref(arr);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch results)");
	}
	if ((rs->b->opts.flags & AZSREG_BATCH_NO_RESULTS) != 0) {
		json_decref(arr);
		*out = o;
		return AZSREG_OK;
	}
	for (i = 0; i < rs->count; i++) {
		const item *it = &rs->items[i];
		json_t *r = it->result != NULL ? json_incref(it->result) : result_json(it);
		if (r == NULL || json_array_append_new(arr, r) != 0) {
			json_decref(o);
			json_decref(arr);
			return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch results)");
		}
	}
	if (json_object_set_new(o, "results", arr) != 0) {
		json_decref(o);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch results)");
	}
	*out = o;
	return AZSREG_OK;
}

static void run_state_free(run_state *rs)
{
	size_t i;

	for (i = 0; rs->items != NULL && i < rs->count; i++) {
		item *it = &rs->items[i];
		azsreg_ops__customer_call_free(&it->call);
		azsreg_http_request__free(&it->req);
		azsreg_http_response__free(&it->resp);
		free(it->arm_code);
		free(it->message);
		free(it->request_id);
		azsreg_free(it->resource_json);
		json_decref(it->resource);
		json_decref(it->result);
		free(it->arm_message);
		free(it->target);
		free(it->details_json);
		free(it->correlation_id);
		free(it->hint);
	}
	free(rs->items);
	free(rs->lanes);
	free(rs->pending);
	free(rs->fatal_message);
}

int azsreg_batch__run_tree(azsreg_batch *b, const azsreg_batch_item *in, size_t count, json_t **out_json)
{
	run_state rs;
	azsreg_customer_call *calls = NULL;
	azsreg_transfers *x = NULL;
	azsreg_client *c;
	azsreg_transport *t;
	size_t i, cancelled = 0;
	int64_t now;
	int rc;

	memset(&rs, 0, sizeof(rs));
	if (out_json != NULL)
		*out_json = NULL;
	if (b == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "batch: batch is NULL");
	c = b->client;
	pthread_mutex_lock(&b->lock);
	if (b->running) {
		pthread_mutex_unlock(&b->lock);
		return azsreg_error__set(AZSREG_EINVALID, "batch: already running (one run at a time per batch)");
	}
	b->running = 1; /* a cancel made before this run (while azsreg_sync listed) stays: it stops this run */
	pthread_mutex_unlock(&b->lock);

	rs.b = b;
	rs.p = c->pipeline;
	rs.ck = azsreg_pipeline__clock(c->pipeline);
	rs.count = count;
	rs.t_start = rs.ck->now_ms(rs.ck->ctx);
	{
		/* through locals: given &rs.retry, clang's analyzer forgets every field of rs */
		azsreg_retry_policy retry;
		long request_timeout_ms, deadline_ms;

		azsreg_pipeline__limits(c->pipeline, &retry, &request_timeout_ms, &deadline_ms);
		rs.retry = retry;
		rs.request_timeout_ms = request_timeout_ms;
		rs.deadline_ms = deadline_ms;
	}

	rc = check_all(&calls, c, in, count);
	if (rc != 0)
		goto done;
	rs.items = calloc(count ? count : 1, sizeof(*rs.items));
	rs.pending = calloc(count ? count : 1, sizeof(item *));
	if (rs.items == NULL || rs.pending == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch of %zu items)", count);
		goto done;
	}
	for (i = 0; i < count; i++) {
		rs.items[i].call = calls[i];
		rs.items[i].index = i;
		rs.items[i].state = ST_WAITING;
		rs.items[i].code = AZSREG_ECANCELLED;
		rs.pending[rs.npending++] = &rs.items[i];
	}
	free(calls);
	calls = NULL;
	rc = build_lanes(&rs);
	if (rc == 0)
		rc = resolve_tenants(&rs, in);
	if (rc != 0)
		goto done;
	if (count > 0) {
		/* sign in once, before the first request (a failure stops here: nothing went to ARM) */
		azsreg_http_request probe;
		memset(&probe, 0, sizeof(probe));
		rc = azsreg_client__authorize(c, &probe, 0);
		azsreg_http_request__free(&probe);
		if (rc != 0)
			goto done;
	}

	t = c->transport;
	if (t->transfers_new == NULL) {
		rc = azsreg_error__set(AZSREG_ERROR, "batch: the client's transport cannot run requests concurrently");
		goto done;
	}
	rc = t->transfers_new(t, &x, b->opts.concurrency);
	if (rc != 0)
		goto done;
	pthread_mutex_lock(&b->lock);
	b->active = x;
	pthread_mutex_unlock(&b->lock);

	rs.next_progress = add_ms(rs.t_start, b->opts.progress_interval_ms);
	for (;;) {
		int64_t wake, wait;

		if (is_cancelled(b) || rs.fatal)
			break;
		now = rs.ck->now_ms(rs.ck->ctx);
		wake = now + MAX_WAIT_MS;
		if (rs.next_progress < wake)
			wake = rs.next_progress;
		start_ready(&rs, x, now, &wake);
		if (rs.in_flight == 0 && rs.npending == 0)
			break;
		now = rs.ck->now_ms(rs.ck->ctx);
		wait = wake > now ? wake - now : 0;
		rc = x->run(x, (long)wait, on_done, &rs);
		if (rc != 0) {
			/* the machinery itself broke: like a failed sign-in, it stops everything */
			rs.fatal = rc;
			rs.fatal_message = azsreg__strdup(azsreg_error_last()->message);
			break;
		}
		now = rs.ck->now_ms(rs.ck->ctx);
		if (now >= rs.next_progress) {
			report_progress(&rs, now);
			rs.next_progress = add_ms(now, b->opts.progress_interval_ms);
		}
	}
	/* whatever is still in flight is abandoned with the transfers */
	pthread_mutex_lock(&b->lock);
	b->active = NULL;
	pthread_mutex_unlock(&b->lock);
	x->free(x);
	x = NULL;
	rs.in_flight = 0;
	if (!rs.fatal)
		follow_lros(&rs);

	for (i = 0; i < count; i++) {
		item *it = &rs.items[i];
		int code = rs.fatal ? rs.fatal : AZSREG_ECANCELLED;
		const char *why = rs.fatal ? (rs.fatal_message ? rs.fatal_message : "the batch stopped") : "cancelled";

		if (it->state == ST_DONE)
			continue;
		if (it->attempts > 0)
			(void)azsreg_error__set(code, "%s: stopped before its final answer (%s); a change may still be applied by "
						      "the service: read the resource to see its current state",
						it->call.what, why);
		else
			(void)azsreg_error__set(code, "%s: not sent (%s)", it->call.what, why);
		finish_with_error(&rs, it, code);
	}
	for (i = 0; i < count; i++)
		cancelled += rs.items[i].code == AZSREG_ECANCELLED;
	rs.cancelled = cancelled;
	now = rs.ck->now_ms(rs.ck->ctx);
	report_progress(&rs, now);
	if (out_json != NULL && (rs.requests > 0 || !rs.fatal)) {
		/* also after a stop midway: the results say which writes were applied */
		rc = summary_json(out_json, &rs, cancelled, now);
		if (rc != 0)
			goto done;
	}
	if (rs.fatal) {
		rc = azsreg_error__set(rs.fatal, "batch stopped: %s", rs.fatal_message ? rs.fatal_message : "");
	} else if (cancelled > 0) {
		rc = azsreg_error__set(AZSREG_ECANCELLED, "batch cancelled: %zu of %zu items finished, %zu not", count - cancelled, count,
				       cancelled);
	} else if (rs.failed > 0) {
		const item *first = NULL;
		for (i = 0; i < count && first == NULL; i++) {
			if (rs.items[i].code != AZSREG_OK)
				first = &rs.items[i];
		}
		rc = azsreg_error__set(AZSREG_EPARTIAL, "%zu of %zu items failed; the first, item %zu: %s", rs.failed, count,
				       first ? first->index : 0, first && first->message ? first->message : "");
	} else {
		rc = AZSREG_OK;
		azsreg_error_clear();
	}
done:
	if (x != NULL) {
		pthread_mutex_lock(&b->lock);
		b->active = NULL;
		pthread_mutex_unlock(&b->lock);
		x->free(x);
	}
	if (calls != NULL) {
		for (i = 0; i < count; i++)
			azsreg_ops__customer_call_free(&calls[i]);
		free(calls);
	}
	if (out_json != NULL && *out_json != NULL && rc != AZSREG_OK && rc != AZSREG_EPARTIAL && rc != AZSREG_ECANCELLED &&
	    !(rs.fatal && rs.requests > 0)) {
		json_decref(*out_json);
		*out_json = NULL;
	}
	run_state_free(&rs);
	pthread_mutex_lock(&b->lock);
	b->running = 0;
	b->cancelled = 0; /* this run acted on it */
	pthread_mutex_unlock(&b->lock);
	return rc;
}

int azsreg_batch_run(azsreg_batch *b, const azsreg_batch_item *in, size_t count, char **out_json)
{
	json_t *tree = NULL;
	int rc;

	if (out_json != NULL)
		*out_json = NULL;
	rc = azsreg_batch__run_tree(b, in, count, out_json != NULL ? &tree : NULL);
	if (tree != NULL) {
		*out_json = json_dumps(tree, JSON_COMPACT);
		json_decref(tree);
		if (*out_json == NULL)
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch results)");
	}
	return rc;
}

int azsreg_batch__take_cancel(azsreg_batch *b)
{
	int c;

	pthread_mutex_lock(&b->lock);
	c = b->cancelled;
	b->cancelled = 0;
	pthread_mutex_unlock(&b->lock);
	return c;
}

/* ------------------------------------------------------------------ JSON */

int azsreg_batch_run_json(azsreg_batch *b, const char *items_json, char **out_json)
{
	json_t *root;
	json_error_t jerr;
	azsreg_batch_item *items = NULL;
	size_t i, n;
	int rc = AZSREG_OK;

	if (out_json != NULL)
		*out_json = NULL;
	if (items_json == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "batch: items_json is NULL");
	root = json_loads(items_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_array(root)) {
		json_decref(root);
		return azsreg_error__set(AZSREG_EINVALID, "batch: the items are not a JSON array%s%s", root == NULL ? ": " : "",
					 root == NULL ? jerr.text : "");
	}
	n = json_array_size(root);
	items = calloc(n ? n : 1, sizeof(*items));
	if (items == NULL) {
		json_decref(root);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (batch of %zu items)", n);
	}
	for (i = 0; i < n && rc == 0; i++) {
		json_t *o = json_array_get(root, i), *t;
		const char *a;
		const char *key;
		json_t *v;

		if (!json_is_object(o)) {
			rc = azsreg_error__set(AZSREG_EINVALID, "batch item %zu is not a JSON object", i);
			break;
		}
		json_object_foreach(o, key, v)
		{
			if (strcmp(key, "action") != 0 && strcmp(key, "registrationId") != 0 && strcmp(key, "customerSubscriptionId") != 0 &&
			    strcmp(key, "tenantId") != 0) {
				rc = azsreg_error__set(AZSREG_EINVALID, "batch item %zu: unknown member \"%.64s\"", i, key);
				break;
			}
			if (!json_is_string(v) && !(strcmp(key, "tenantId") == 0 && json_is_null(v))) {
				rc = azsreg_error__set(AZSREG_EINVALID, "batch item %zu: \"%s\" is not a string", i, key);
				break;
			}
		}
		if (rc != 0)
			break;
		a = json_string_value(json_object_get(o, "action"));
		if (a == NULL || strcasecmp(a, "put") == 0)
			items[i].action = AZSREG_BATCH_PUT;
		else if (strcasecmp(a, "delete") == 0)
			items[i].action = AZSREG_BATCH_DELETE;
		else if (strcasecmp(a, "get") == 0)
			items[i].action = AZSREG_BATCH_GET;
		else {
			rc = azsreg_error__set(AZSREG_EINVALID, "batch item %zu: the action \"%.32s\" is none of put, delete, get", i, a);
			break;
		}
		items[i].registration_id = json_string_value(json_object_get(o, "registrationId"));
		items[i].customer_subscription_id = json_string_value(json_object_get(o, "customerSubscriptionId"));
		t = json_object_get(o, "tenantId");
		items[i].tenant_id = json_string_value(t);
	}
	if (rc == 0)
		rc = azsreg_batch_run(b, items, n, out_json);
	free(items);
	json_decref(root);
	return rc;
}
