/*
 * pipeline.c: what every request goes through before the transport.
 *
 *   request IDs + User-Agent + Accept/Content-Type
 *   -> loop: deadline check -> authorize hook -> transport -> log
 *            -> 401 token error: renew once and retry once
 *            -> retryable status / connection failure: server delay or backoff, sleep
 *               (never past the total deadline)
 *   -> optional long-running operation polling (Azure-AsyncOperation, Location)
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LRO_DEFAULT_WAIT_MS 60000 /* wire-facts section 5: 60 s when Retry-After is absent */
#define LRO_MAX_POLLS 10000
#define LOG_BODY_MAX 8192

struct azsreg_pipeline {
	azsreg_transport *transport;
	const azsreg_clock *clock;
	azsreg_logger logger;
	azsreg_retry_policy retry;
	long request_timeout_ms;
	long deadline_ms;
	char *user_agent;
	char *correlation_id;
	unsigned long requests; /* atomic */
	unsigned long retries; /* atomic */
};

int azsreg_pipeline__new(azsreg_pipeline **out, const azsreg_pipeline_options *opts)
{
	azsreg_pipeline *p = NULL;
	azsreg_buf ua = AZSREG_BUF_INIT;
	char guid[AZSREG_GUID_LEN + 1];
	int rc = AZSREG_OK;

	if (out == NULL || opts == NULL || opts->transport == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "pipeline: missing transport");
		goto done;
	}
	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (pipeline)");
		goto done;
	}
	p->transport = opts->transport;
	p->clock = opts->clock ? opts->clock : azsreg_clock__system();
	p->logger = opts->logger;
	p->retry = opts->retry;
	if (p->retry.max_retries < 0)
		p->retry.max_retries = 0;
	p->request_timeout_ms = opts->request_timeout_ms > 0 ? opts->request_timeout_ms : AZSREG__DEFAULT_REQUEST_TIMEOUT_MS;
	p->deadline_ms = opts->deadline_ms > 0 ? opts->deadline_ms : AZSREG__DEFAULT_DEADLINE_MS;
	rc = azsreg_buf__printf(&ua, "azsreg/%s", AZSREG_VERSION);
	if (rc == 0 && opts->user_agent != NULL && opts->user_agent[0] != '\0')
		rc = azsreg_buf__printf(&ua, " %s", opts->user_agent);
	if (rc != 0)
		goto done;
	p->user_agent = azsreg_buf__detach(&ua);
	if (opts->correlation_id != NULL && opts->correlation_id[0] != '\0') {
		p->correlation_id = azsreg__strdup(opts->correlation_id);
	} else {
		rc = azsreg_guid__new(guid);
		if (rc != 0)
			goto done;
		p->correlation_id = azsreg__strdup(guid);
	}
	if (p->user_agent == NULL || p->correlation_id == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (pipeline)");
		goto done;
	}
	*out = p;
	p = NULL;
done:
	azsreg_buf__free(&ua);
	azsreg_pipeline__free(p);
	return rc;
}

void azsreg_pipeline__free(azsreg_pipeline *p)
{
	if (p == NULL)
		return;
	free(p->user_agent);
	free(p->correlation_id);
	free(p);
}

const azsreg_clock *azsreg_pipeline__clock(const azsreg_pipeline *p)
{
	return p ? p->clock : azsreg_clock__system();
}

const azsreg_logger *azsreg_pipeline__logger(const azsreg_pipeline *p)
{
	return p ? &p->logger : NULL;
}

const char *azsreg_pipeline__correlation_id(const azsreg_pipeline *p)
{
	return p ? p->correlation_id : "";
}

void azsreg_pipeline__stats(const azsreg_pipeline *p, unsigned long *requests, unsigned long *retries)
{
	if (requests)
		*requests = p ? __atomic_load_n(&p->requests, __ATOMIC_RELAXED) : 0;
	if (retries)
		*retries = p ? __atomic_load_n(&p->retries, __ATOMIC_RELAXED) : 0;
}

/* ----------------------------------------------------------------- URLs */

/* Splits "scheme://[userinfo@]host[:port]/..." into lower-case scheme and host:port. */
static int url_origin(const char *url, char *scheme, size_t scap, char *authority, size_t acap)
{
	const char *sep, *a, *aend, *at, *hostend;
	size_t slen, i, hlen;
	const char *port = NULL;

	if (url == NULL)
		return 0;
	sep = strstr(url, "://");
	if (sep == NULL)
		return 0;
	slen = (size_t)(sep - url);
	if (slen == 0 || slen >= scap)
		return 0;
	for (i = 0; i < slen; i++)
		scheme[i] = (char)((url[i] >= 'A' && url[i] <= 'Z') ? url[i] + 32 : url[i]);
	scheme[slen] = '\0';
	a = sep + 3;
	aend = a + strcspn(a, "/?#");
	at = memchr(a, '@', (size_t)(aend - a));
	if (at != NULL)
		a = at + 1;
	if (a == aend)
		return 0;
	if (*a == '[') {
		hostend = memchr(a, ']', (size_t)(aend - a));
		if (hostend == NULL)
			return 0;
		hostend++;
	} else {
		hostend = memchr(a, ':', (size_t)(aend - a));
		if (hostend == NULL)
			hostend = aend;
	}
	if (hostend < aend && *hostend == ':' && hostend + 1 < aend)
		port = hostend + 1;
	hlen = (size_t)(hostend - a);
	if (port != NULL) {
		size_t plen = (size_t)(aend - port);
		if (hlen + 1 + plen >= acap)
			return 0;
		memcpy(authority, a, hlen);
		authority[hlen] = ':';
		memcpy(authority + hlen + 1, port, plen);
		authority[hlen + 1 + plen] = '\0';
	} else {
		const char *def = strcmp(scheme, "https") == 0 ? "443" : strcmp(scheme, "http") == 0 ? "80"
												     : "";
		if (hlen + 1 + strlen(def) >= acap)
			return 0;
		memcpy(authority, a, hlen);
		authority[hlen] = ':';
		memcpy(authority + hlen + 1, def, strlen(def) + 1);
	}
	for (i = 0; authority[i]; i++) {
		if (authority[i] >= 'A' && authority[i] <= 'Z')
			authority[i] = (char)(authority[i] + 32);
	}
	return 1;
}

int azsreg_pipeline__same_origin(const char *a, const char *b)
{
	char sa[16], sb[16], ha[512], hb[512];

	if (!url_origin(a, sa, sizeof(sa), ha, sizeof(ha)) || !url_origin(b, sb, sizeof(sb), hb, sizeof(hb)))
		return 0;
	return strcmp(sa, sb) == 0 && strcmp(ha, hb) == 0;
}

/* ---------------------------------------------------------------- errors */

/* Re-sets the current error with a new code (0: keep), an extra message suffix and IDs. */
static int error_amend(int code, const char *suffix, const char *correlation_id)
{
	const azsreg_error *e = azsreg_error_last();
	azsreg_error_info info;
	azsreg_buf msg = AZSREG_BUF_INIT;
	int rc;

	(void)azsreg_buf__puts(&msg, e->message);
	if (suffix != NULL)
		(void)azsreg_buf__puts(&msg, suffix);
	memset(&info, 0, sizeof(info));
	info.code = code != 0 ? code : e->code;
	info.http_status = e->http_status;
	info.message = azsreg_buf__cstr(&msg);
	info.arm_code = e->arm_code;
	info.arm_message = e->arm_message;
	info.target = e->target;
	info.details_json = e->details_json;
	info.request_id = e->request_id;
	info.correlation_id = (e->correlation_id[0] || correlation_id == NULL) ? e->correlation_id : correlation_id;
	rc = azsreg_error__set_info(&info);
	azsreg_buf__free(&msg);
	return rc;
}

/* The ARM error code of a response body, or NULL. *root must be json_decref'ed. */
static const char *arm_code_of(const azsreg_http_response *resp, json_t **root)
{
	json_t *err;

	*root = NULL;
	if (resp->body.size == 0)
		return NULL;
	*root = json_loadb(resp->body.ptr, resp->body.size, 0, NULL);
	err = json_object_get(*root, "error");
	if (json_is_object(err))
		return json_string_value(json_object_get(err, "code"));
	return NULL;
}

/* PUT, PATCH, DELETE, POST: a request that may change something on the service. */
static int changes_state(const char *method)
{
	return strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0 || strcmp(method, "DELETE") == 0 ||
	       strcmp(method, "POST") == 0;
}

/* ---------------------------------------------------------------- logging */

static void log_headers(const azsreg_pipeline *p, const char *dir, const azsreg_headers *h)
{
	size_t i;

	if (!azsreg_log__enabled(&p->logger, AZSREG_LOG_DEBUG))
		return;
	for (i = 0; i < h->count; i++) {
		const char *v = azsreg_log__header_is_secret(h->items[i].name) ? "***" : h->items[i].value;
		azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "%s header %s: %s", dir, h->items[i].name, v);
	}
}

static void log_body(const azsreg_pipeline *p, const char *dir, const char *body, size_t len, int secret)
{
	int n;

	if (!azsreg_log__enabled(&p->logger, AZSREG_LOG_TRACE) || body == NULL || len == 0)
		return;
	if (secret) {
		azsreg_log__write(&p->logger, AZSREG_LOG_TRACE, "%s body: (%zu bytes, secret: not logged)", dir, len);
		return;
	}
	n = len > LOG_BODY_MAX ? LOG_BODY_MAX : (int)len;
	azsreg_log__write(&p->logger, AZSREG_LOG_TRACE, "%s body: %.*s%s", dir, n, body, len > LOG_BODY_MAX ? " ..." : "");
}

/* --------------------------------------------------------------- sending */

typedef struct send_state {
	int64_t deadline; /* monotonic ms */
	int attempts; /* attempts made in this send, for messages */
} send_state;

static int set_header_id(azsreg_http_request *req, const char *name)
{
	char guid[AZSREG_GUID_LEN + 1];
	int rc = azsreg_guid__new(guid);

	if (rc == 0)
		rc = azsreg_headers__set(&req->headers, name, guid);
	return rc;
}

static void describe_wait(char *out, size_t cap, const azsreg_pipeline *p, int64_t delay_ms)
{
	time_t when = (time_t)(p->clock->unix_time(p->clock->ctx) + (delay_ms + 999) / 1000);
	struct tm tmv;

	if (azsreg_plat__gmtime(when, &tmv) != 0 || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tmv) == 0)
		snprintf(out, cap, "in %lld s", (long long)((delay_ms + 999) / 1000));
}

/* The headers every request carries: correlation ID, User-Agent, Accept, Content-Type with a body. */
static int request_headers(const azsreg_pipeline *p, azsreg_http_request *req)
{
	int rc = azsreg_headers__set(&req->headers, "x-ms-correlation-request-id", p->correlation_id);

	if (rc == 0)
		rc = azsreg_headers__set(&req->headers, "User-Agent", p->user_agent);
	if (rc == 0 && azsreg_headers__get(&req->headers, "Accept") == NULL)
		rc = azsreg_headers__set(&req->headers, "Accept", "application/json");
	if (rc == 0 && req->body != NULL && azsreg_headers__get(&req->headers, "Content-Type") == NULL)
		rc = azsreg_headers__set(&req->headers, "Content-Type", "application/json");
	return rc;
}

/* The lines one exchange leaves in the log: INFO the outcome, DEBUG the headers, TRACE the bodies. */
static void log_exchange(const azsreg_pipeline *p, const azsreg_http_request *req, const azsreg_http_response *resp,
			 int transport_rc, int64_t elapsed)
{
	if (transport_rc != 0) {
		azsreg_log__write(&p->logger, AZSREG_LOG_INFO, "%s %s -> %s (%lld ms)", req->method, req->url,
				  azsreg_error_last()->message, (long long)elapsed);
	} else {
		const char *rid = azsreg_headers__get(&resp->headers, "x-ms-request-id");
		azsreg_log__write(&p->logger, AZSREG_LOG_INFO, "%s %s -> %d (request ID %s, %lld ms)", req->method, req->url,
				  resp->status, rid ? rid : "-", (long long)elapsed);
		log_headers(p, "response", &resp->headers);
		log_body(p, "response", resp->body.ptr, resp->body.size, 0);
	}
}

int azsreg_pipeline__is_token_error(const azsreg_http_response *resp)
{
	json_t *root = NULL;
	const char *code;
	int yes;

	if (resp->status != 401)
		return 0;
	code = arm_code_of(resp, &root);
	yes = code != NULL && (strcmp(code, "ExpiredAuthenticationToken") == 0 || strcmp(code, "InvalidAuthenticationToken") == 0);
	json_decref(root);
	return yes;
}

int azsreg_pipeline__prepare_attempt(azsreg_pipeline *p, azsreg_http_request *req)
{
	int rc = request_headers(p, req);

	if (rc == 0)
		rc = set_header_id(req, "x-ms-client-request-id");
	if (rc == 0) {
		log_headers(p, "request", &req->headers);
		log_body(p, "request", req->body, req->body_len, req->body_is_secret);
	}
	return rc;
}

void azsreg_pipeline__exchange_done(azsreg_pipeline *p, const azsreg_http_request *req, const azsreg_http_response *resp,
				    int transport_rc, int64_t elapsed_ms, int is_retry)
{
	__atomic_add_fetch(&p->requests, 1, __ATOMIC_RELAXED);
	if (is_retry)
		__atomic_add_fetch(&p->retries, 1, __ATOMIC_RELAXED);
	log_exchange(p, req, resp, transport_rc, elapsed_ms);
}

void azsreg_pipeline__limits(const azsreg_pipeline *p, azsreg_retry_policy *retry, long *request_timeout_ms, long *deadline_ms)
{
	*retry = p->retry;
	*request_timeout_ms = p->request_timeout_ms;
	*deadline_ms = p->deadline_ms;
}

/*
 * One request with retries. Returns 0 with the final response in resp, or an error.
 */
static int send_with_retries(azsreg_pipeline *p, azsreg_http_request *req, azsreg_http_response *resp,
			     const azsreg_send_options *so, send_state *ss)
{
	const azsreg_clock *ck = p->clock;
	const char *what = (so && so->what && so->what[0]) ? so->what : NULL;
	int retry = 0, renewed = 0, force = 0, rc = AZSREG_OK;
	int max_retries = p->retry.max_retries;
	long attempt_timeout = p->request_timeout_ms;
	int64_t now, t0, elapsed, delay, remaining;
	long timeout;
	char reason[64];

	if (so != NULL && so->max_retries != 0)
		max_retries = so->max_retries < 0 ? 0 : so->max_retries;
	if (so != NULL && so->timeout_ms > 0)
		attempt_timeout = so->timeout_ms;
	rc = request_headers(p, req);
	if (rc != 0)
		goto done;

	for (;;) {
		int has_server_delay = 0, transport_rc;

		now = ck->now_ms(ck->ctx);
		if (now >= ss->deadline) {
			rc = azsreg_error__set(AZSREG_ETIMEOUT, "%s %s: the deadline of %ld ms passed after %d attempt(s)",
					       req->method, req->url, p->deadline_ms, ss->attempts);
			goto done;
		}
		rc = set_header_id(req, "x-ms-client-request-id");
		if (rc != 0)
			goto done;
		if (so != NULL && so->authorize != NULL) {
			rc = so->authorize(so->authorize_ctx, req, force);
			if (rc != 0)
				goto done;
			/* the token request may have taken time */
			now = ck->now_ms(ck->ctx);
			if (now >= ss->deadline) {
				rc = azsreg_error__set(AZSREG_ETIMEOUT, "%s %s: the deadline of %ld ms passed while getting a token",
						       req->method, req->url, p->deadline_ms);
				goto done;
			}
		}
		force = 0;
		remaining = ss->deadline - now;
		timeout = attempt_timeout;
		if ((int64_t)timeout > remaining)
			timeout = (long)remaining;

		log_headers(p, "request", &req->headers);
		log_body(p, "request", req->body, req->body_len, req->body_is_secret);
		azsreg_http_response__reset(resp);
		t0 = ck->now_ms(ck->ctx);
		transport_rc = p->transport->send(p->transport, req, resp, timeout);
		elapsed = ck->now_ms(ck->ctx) - t0;
		ss->attempts++;
		__atomic_add_fetch(&p->requests, 1, __ATOMIC_RELAXED);

		log_exchange(p, req, resp, transport_rc, elapsed);
		if (transport_rc != 0) {
			if ((transport_rc != AZSREG_ENETWORK && transport_rc != AZSREG_ETIMEOUT) || resp->transport_final) {
				/* not a passing failure (TLS, bad input, a proxy's 407): retrying gets the same answer */
				rc = error_amend(0, NULL, p->correlation_id);
				goto done;
			}
			if (retry >= max_retries) {
				char sfx[64];
				snprintf(sfx, sizeof(sfx), " (gave up after %d attempt(s))", ss->attempts);
				rc = error_amend(0, sfx, p->correlation_id);
				goto done;
			}
			snprintf(reason, sizeof(reason), "%s", transport_rc == AZSREG_ETIMEOUT ? "a timeout" : "a connection failure");
			delay = azsreg_retry__backoff(&p->retry, retry + 1, ck->random(ck->ctx));
		} else {
			if (resp->status == 401 && so != NULL && so->authorize != NULL && !renewed &&
			    azsreg_pipeline__is_token_error(resp)) {
				azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "renewing the token and retrying once after HTTP 401");
				renewed = 1;
				force = 1;
				__atomic_add_fetch(&p->retries, 1, __ATOMIC_RELAXED);
				continue;
			}
			if (!azsreg_retry__status_is_retryable(resp->status) || retry >= max_retries) {
				rc = AZSREG_OK;
				goto done; /* final: the caller judges the status */
			}
			snprintf(reason, sizeof(reason), "HTTP %d", resp->status);
			has_server_delay = azsreg_retry__server_delay(&resp->headers, ck->unix_time(ck->ctx), &delay);
			if (!has_server_delay)
				delay = azsreg_retry__backoff(&p->retry, retry + 1, ck->random(ck->ctx));
		}

		now = ck->now_ms(ck->ctx);
		if (now + delay >= ss->deadline) {
			azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "not retrying after %s: waiting %lld ms would pass the deadline",
					  reason, (long long)delay);
			if (transport_rc != 0) {
				char sfx[96];

				/* names the deadline: the attempt's own limit in the message is what was left of it */
				snprintf(sfx, sizeof(sfx), " (gave up: the %ld ms deadline would pass before the next attempt)", p->deadline_ms);
				rc = error_amend(0, sfx, p->correlation_id);
				goto done;
			}
			if (has_server_delay) {
				char when[64], sfx[160];
				const char *rid = azsreg_headers__get(&resp->headers, "x-ms-request-id");
				describe_wait(when, sizeof(when), p, delay);
				(void)azsreg_error__from_arm(resp->status, resp->body.ptr, resp->body.size, rid, p->correlation_id,
							     what ? what : req->method);
				snprintf(sfx, sizeof(sfx), "; the service asked to wait %lld s, past the deadline: retry after %s",
					 (long long)((delay + 999) / 1000), when);
				rc = error_amend(resp->status == 429 ? AZSREG_ETHROTTLED : AZSREG_ESERVICE, sfx, p->correlation_id);
				what = NULL; /* from_arm already named the operation */
				goto done;
			}
			rc = AZSREG_OK; /* backoff would pass the deadline: this response is final */
			goto done;
		}
		retry++;
		azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "retry %d/%d in %lld ms after %s", retry, max_retries,
				  (long long)delay, reason);
		ck->sleep_ms(ck->ctx, delay);
		__atomic_add_fetch(&p->retries, 1, __ATOMIC_RELAXED);
	}
done:
	if (rc != 0 && what != NULL)
		(void)azsreg_error__prefix("%s", what);
	return rc;
}

/* ------------------------------------------------------------------- LRO */

typedef enum lro_state { LRO_RUNNING,
			 LRO_SUCCEEDED,
			 LRO_FAILED } lro_state;

/*
 * properties.provisioningState of a resource body: LRO_SUCCEEDED when absent or
 * Succeeded (or the body is not a JSON object), LRO_FAILED for Failed / Canceled,
 * else LRO_RUNNING. `out_state` (cap bytes) receives the state's name when present.
 */
static lro_state provisioning_state(const azsreg_http_response *resp, char *out_state, size_t cap)
{
	static const char key[] = "provisioningState";
	json_t *root = NULL;
	const char *ps;
	lro_state st = LRO_SUCCEEDED;

	out_state[0] = '\0';
	/* Every answer of a batch comes here: a body that cannot hold the key (not spelled out,
	 * and no escape that could spell it) is not parsed for it. */
	if (resp->body.size == 0 || (azsreg_plat__memmem(resp->body.ptr, resp->body.size, key, sizeof(key) - 1) == NULL &&
				     memchr(resp->body.ptr, '\\', resp->body.size) == NULL))
		return LRO_SUCCEEDED;
	root = json_loadb(resp->body.ptr, resp->body.size, 0, NULL);
	ps = json_string_value(json_object_get(json_object_get(root, "properties"), "provisioningState"));
	if (ps != NULL) {
		snprintf(out_state, cap, "%s", ps);
		if (strcasecmp(ps, "Failed") == 0 || strcasecmp(ps, "Canceled") == 0)
			st = LRO_FAILED;
		else if (strcasecmp(ps, "Succeeded") != 0)
			st = LRO_RUNNING;
	}
	json_decref(root);
	return st;
}

static int lro_check_url(const char *url, const azsreg_http_request *orig, const char *header)
{
	int rc = azsreg_url__check_scheme(url, 0, header);

	if (rc != 0)
		return rc;
	if (!azsreg_pipeline__same_origin(url, orig->url))
		return azsreg_error__set(AZSREG_ESERVICE,
					 "the %s URL of the long-running operation points at another host than the request; "
					 "not sending the token there",
					 header);
	return 0;
}

static int lro_poll(azsreg_pipeline *p, azsreg_http_request *orig, azsreg_http_response *resp,
		    const azsreg_send_options *so, send_state *ss)
{
	const azsreg_clock *ck = p->clock;
	const char *hv;
	char *poll_url = NULL;
	int use_async, polls, rc = AZSREG_OK;
	int64_t wait, now;
	azsreg_http_request preq;
	azsreg_http_response presp;
	azsreg_send_options pso = *so;
	const char *what = (so->what && so->what[0]) ? so->what : "long-running operation";
	int use_body; /* no polling header: poll the resource until its provisioningState is final */
	char pstate[64];

	memset(&preq, 0, sizeof(preq));
	memset(&presp, 0, sizeof(presp));
	pso.what = NULL;

	hv = NULL;
	use_async = 0;
	if (resp->status == 201 || resp->status == 202) {
		hv = azsreg_headers__get(&resp->headers, "Azure-AsyncOperation");
		use_async = hv != NULL && hv[0] != '\0';
		if (!use_async)
			hv = azsreg_headers__get(&resp->headers, "Location");
	}
	use_body = 0;
	if (hv == NULL || hv[0] == '\0') {
		/* wire-facts 5: a PUT / PATCH answer whose provisioningState is not final. */
		if ((strcmp(orig->method, "PUT") != 0 && strcmp(orig->method, "PATCH") != 0) ||
		    provisioning_state(resp, pstate, sizeof(pstate)) != LRO_RUNNING)
			goto done; /* not long-running: resp is final */
		use_body = 1;
		hv = orig->url;
	} else {
		rc = lro_check_url(hv, orig, use_async ? "Azure-AsyncOperation" : "Location");
		if (rc != 0)
			goto done;
	}
	poll_url = azsreg__strdup(hv);
	if (poll_url == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	if (!azsreg_retry__server_delay(&resp->headers, ck->unix_time(ck->ctx), &wait))
		wait = LRO_DEFAULT_WAIT_MS;

	for (polls = 0;; polls++) {
		lro_state st = LRO_RUNNING;

		if (polls >= LRO_MAX_POLLS) {
			rc = azsreg_error__set(AZSREG_ETIMEOUT, "the long-running operation did not finish after %d polls", polls);
			goto done;
		}
		now = ck->now_ms(ck->ctx);
		if (now + wait >= ss->deadline) {
			rc = azsreg_error__set(AZSREG_ETIMEOUT,
					       "the long-running operation was still running at the deadline (%ld ms); "
					       "its status is at %s",
					       p->deadline_ms, poll_url);
			goto done;
		}
		azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "long-running operation: polling in %lld ms", (long long)wait);
		ck->sleep_ms(ck->ctx, wait);

		azsreg_http_request__free(&preq);
		memset(&preq, 0, sizeof(preq));
		preq.method = "GET";
		preq.url = azsreg__strdup(poll_url);
		if (preq.url == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
		rc = send_with_retries(p, &preq, &presp, &pso, ss);
		if (rc != 0) {
			(void)azsreg_error__prefix("polling the long-running operation");
			goto done;
		}
		if (presp.status < 200 || presp.status >= 300) {
			const char *rid = azsreg_headers__get(&presp.headers, "x-ms-request-id");
			rc = azsreg_error__from_arm(presp.status, presp.body.ptr, presp.body.size, rid, p->correlation_id,
						    "polling the long-running operation");
			goto done;
		}
		if (use_body) {
			st = provisioning_state(&presp, pstate, sizeof(pstate));
			azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "long-running operation: provisioningState %s",
					  pstate[0] ? pstate : "(none)");
			if (st == LRO_FAILED) {
				const char *rid = azsreg_headers__get(&presp.headers, "x-ms-request-id");
				char sfx[96];
				(void)azsreg_error__from_arm(presp.status, presp.body.ptr, presp.body.size, rid, p->correlation_id,
							     "the long-running operation");
				snprintf(sfx, sizeof(sfx), " (provisioningState %.60s)", pstate);
				rc = error_amend(AZSREG_ESERVICE, sfx, p->correlation_id);
				goto done;
			}
		} else if (use_async) {
			json_t *root = presp.body.size ? json_loadb(presp.body.ptr, presp.body.size, 0, NULL) : NULL;
			const char *status = json_string_value(json_object_get(root, "status"));
			if (status != NULL && strcasecmp(status, "Succeeded") == 0) {
				st = LRO_SUCCEEDED;
			} else if (status != NULL && (strcasecmp(status, "Failed") == 0 || strcasecmp(status, "Canceled") == 0)) {
				const char *rid = azsreg_headers__get(&presp.headers, "x-ms-request-id");
				char sfx[64];
				st = LRO_FAILED;
				(void)azsreg_error__from_arm(presp.status, presp.body.ptr, presp.body.size, rid, p->correlation_id,
							     "the long-running operation");
				snprintf(sfx, sizeof(sfx), " (operation status %s)", status);
				rc = error_amend(AZSREG_ESERVICE, sfx, p->correlation_id);
			}
			azsreg_log__write(&p->logger, AZSREG_LOG_DEBUG, "long-running operation status: %s", status ? status : "(none)");
			json_decref(root);
			if (st == LRO_FAILED)
				goto done;
		} else if (presp.status != 202) {
			st = LRO_SUCCEEDED;
		}
		if (st == LRO_SUCCEEDED)
			break;
		if (!azsreg_retry__server_delay(&presp.headers, ck->unix_time(ck->ctx), &wait))
			wait = LRO_DEFAULT_WAIT_MS;
	}

	if (use_async && (strcmp(orig->method, "PUT") == 0 || strcmp(orig->method, "PATCH") == 0)) {
		/* The final resource is at the original URL. */
		azsreg_http_request__free(&preq);
		memset(&preq, 0, sizeof(preq));
		preq.method = "GET";
		preq.url = azsreg__strdup(orig->url);
		if (preq.url == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
		rc = send_with_retries(p, &preq, &presp, &pso, ss);
		if (rc != 0) {
			(void)azsreg_error__prefix("getting the result of the long-running operation");
			goto done;
		}
	}
	/* The last response is the final one. */
	azsreg_http_response__free(resp);
	*resp = presp;
	memset(&presp, 0, sizeof(presp));
done:
	azsreg_http_request__free(&preq);
	azsreg_http_response__free(&presp);
	free(poll_url);
	if (rc != 0)
		(void)azsreg_error__prefix("%s", what);
	return rc;
}

/* The monotonic time by which one operation must be over. */
static int64_t deadline_from_now(const azsreg_pipeline *p)
{
	int64_t now = p->clock->now_ms(p->clock->ctx);

	/* Saturate: a huge deadline_ms (LONG_MAX for "none") must not wrap negative. */
	if ((int64_t)p->deadline_ms > INT64_MAX - now)
		return INT64_MAX;
	return now + p->deadline_ms;
}

int azsreg_pipeline__send(azsreg_pipeline *p, azsreg_http_request *req, azsreg_http_response *resp, const azsreg_send_options *so)
{
	azsreg_send_options none;
	send_state ss;
	int rc;

	if (p == NULL || req == NULL || resp == NULL || req->method == NULL || req->url == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "pipeline: missing request");
	if (so == NULL) {
		memset(&none, 0, sizeof(none));
		so = &none;
	}
	memset(&ss, 0, sizeof(ss));
	ss.deadline = deadline_from_now(p);
	rc = send_with_retries(p, req, resp, so, &ss);
	if (rc == 0 && so->follow_lro && (resp->status == 200 || resp->status == 201 || resp->status == 202))
		rc = lro_poll(p, req, resp, so, &ss);
	/* A client-side timeout says nothing about the service: a change that went out may
	 * have been applied all the same (ARM requests only: a token request changes nothing). */
	if (rc == AZSREG_ETIMEOUT && so->authorize != NULL && ss.attempts > 0 && changes_state(req->method))
		rc = error_amend(0, "; the request may still have been applied by the service: read the resource to see its current state",
				 NULL);
	return rc;
}

int azsreg_pipeline__lro_pending(const azsreg_http_request *req, const azsreg_http_response *resp)
{
	const char *hv;
	char pstate[64];

	if (resp->status != 200 && resp->status != 201 && resp->status != 202)
		return 0;
	if (resp->status != 200) {
		hv = azsreg_headers__get(&resp->headers, "Azure-AsyncOperation");
		if (hv == NULL || hv[0] == '\0')
			hv = azsreg_headers__get(&resp->headers, "Location");
		if (hv != NULL && hv[0] != '\0')
			return 1;
	}
	return (strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0) &&
	       provisioning_state(resp, pstate, sizeof(pstate)) == LRO_RUNNING;
}

int azsreg_pipeline__follow_lro(azsreg_pipeline *p, azsreg_http_request *req, azsreg_http_response *resp, const azsreg_send_options *so)
{
	send_state ss;

	memset(&ss, 0, sizeof(ss));
	ss.deadline = deadline_from_now(p);
	return lro_poll(p, req, resp, so, &ss);
}
