/*
 * auth_fakes.h: small scripted transport, fake clock and environments for the sign-in
 * unit tests (cred_fixture.h, test_jwt.c, test_token.c, test_token_cache.c). Everything is static so each
 * test executable has its own copy.
 */
#ifndef AZSREG_AUTH_FAKES_H
#define AZSREG_AUTH_FAKES_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "internal.h"

#define AF_MAX 64

typedef struct af_clock {
	azsreg_clock clock;
	int64_t now_ms;
	int64_t unix_now;
	int64_t sub_ms; /* milliseconds past unix_now (0..999) */
	int64_t sleeps[AF_MAX];
	size_t nsleeps;
} af_clock;

static int64_t af_now_ms(void *ctx)
{
	return ((af_clock *)ctx)->now_ms;
}
static int64_t af_unix(void *ctx)
{
	return ((af_clock *)ctx)->unix_now;
}
static int64_t af_unix_ms(void *ctx)
{
	return ((af_clock *)ctx)->unix_now * 1000 + ((af_clock *)ctx)->sub_ms;
}
/* Moves both clocks forward by ms (wall time keeps its milliseconds). */
static __attribute__((unused)) void af_advance(af_clock *c, int64_t ms)
{
	int64_t total = c->unix_now * 1000 + c->sub_ms + ms;

	c->now_ms += ms;
	c->unix_now = total / 1000;
	c->sub_ms = total % 1000;
}
static __attribute__((unused)) void af_sleep(void *ctx, int64_t ms)
{
	af_clock *c = ctx;

	if (c->nsleeps < AF_MAX)
		c->sleeps[c->nsleeps++] = ms;
	c->now_ms += ms;
	c->unix_now += ms / 1000;
}
static uint32_t af_random(void *ctx)
{
	(void)ctx;
	return 0x80000000u;
}

static __attribute__((unused)) void af_clock_init(af_clock *c)
{
	memset(c, 0, sizeof(*c));
	c->clock.now_ms = af_now_ms;
	c->clock.unix_time = af_unix;
	c->clock.sleep_ms = af_sleep;
	c->clock.random = af_random;
	c->clock.ctx = c;
	c->clock.unix_time_ms = af_unix_ms;
	c->now_ms = 1000000;
	c->unix_now = 1700000000;
}

typedef struct af_answer {
	int error;
	int status;
	char *body;
} af_answer;

typedef struct af_request {
	char *method;
	char *url;
	char *body;
	azsreg_headers headers;
	int no_proxy;
	int allow_link_local_http;
	long timeout_ms;
} af_request;

typedef struct af_transport {
	azsreg_transport base;
	pthread_mutex_t mu;
	af_answer script[AF_MAX];
	size_t nscript, next;
	af_request reqs[AF_MAX];
	size_t nreqs;
	af_clock *clock; /* when set, each answer takes latency_ms of it */
	int64_t latency_ms;
} af_transport;

static __attribute__((unused)) int af_send(azsreg_transport *t, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms)
{
	af_transport *f = (af_transport *)t;
	int rc = 0;
	size_t i;

	pthread_mutex_lock(&f->mu);
	if (f->nreqs < AF_MAX) {
		af_request *r = &f->reqs[f->nreqs++];

		r->method = strdup(req->method);
		r->url = strdup(req->url);
		r->body = req->body ? strndup(req->body, req->body_len) : NULL;
		for (i = 0; i < req->headers.count; i++)
			(void)azsreg_headers__add(&r->headers, req->headers.items[i].name, req->headers.items[i].value);
		r->no_proxy = req->no_proxy;
		r->allow_link_local_http = req->allow_link_local_http;
		r->timeout_ms = timeout_ms;
	}
	if (f->clock != NULL && f->latency_ms > 0)
		af_advance(f->clock, f->latency_ms);
	if (f->next >= f->nscript) {
		resp->status = 599;
		(void)azsreg_buf__puts(&resp->body, "{\"error\":\"unscripted\"}");
	} else {
		af_answer *a = &f->script[f->next++];

		if (a->error) {
			rc = azsreg_error__set(a->error, "fake transport failure");
		} else {
			resp->status = a->status;
			if (a->body)
				(void)azsreg_buf__puts(&resp->body, a->body);
		}
	}
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static __attribute__((unused)) unsigned long af_conns(azsreg_transport *t)
{
	(void)t;
	return 0;
}
static __attribute__((unused)) void af_free_noop(azsreg_transport *t)
{
	(void)t;
}

static __attribute__((unused)) af_transport *af_transport_new(void)
{
	af_transport *f = calloc(1, sizeof(*f));

	f->base.send = af_send;
	f->base.connections_opened = af_conns;
	f->base.free = af_free_noop;
	pthread_mutex_init(&f->mu, NULL);
	return f;
}

static __attribute__((unused)) void af_add(af_transport *f, int status, const char *body)
{
	f->script[f->nscript].status = status;
	f->script[f->nscript].body = body ? strdup(body) : NULL;
	f->nscript++;
}

static __attribute__((unused)) void af_add_error(af_transport *f, int code)
{
	f->script[f->nscript].error = code;
	f->nscript++;
}

static __attribute__((unused)) void af_transport_free(af_transport *f)
{
	size_t i;

	for (i = 0; i < f->nscript; i++)
		free(f->script[i].body);
	for (i = 0; i < f->nreqs; i++) {
		free(f->reqs[i].method);
		free(f->reqs[i].url);
		free(f->reqs[i].body);
		azsreg_headers__free(&f->reqs[i].headers);
	}
	pthread_mutex_destroy(&f->mu);
	free(f);
}

/* An AAD-like and an AD FS-like environment. */
static __attribute__((unused)) azsreg_environment af_env_aad = {
	(char *)"AzureCloud", (char *)"https://management.azure.com/", (char *)"https://login.microsoftonline.com/",
	(char *)"https://management.azure.com/", 0, NULL, NULL, NULL
};
static __attribute__((unused)) azsreg_environment af_env_adfs = {
	(char *)"AzureStackAdmin", (char *)"https://adminmanagement.local.azurestack.external/",
	(char *)"https://adfs.local.azurestack.external/adfs/",
	(char *)"https://adminmanagement.adfs.azurestack.local/123", 1, NULL, NULL, NULL
};

/* A pipeline over the fake transport with no retries (max_retries -1 -> 0). */
static __attribute__((unused)) azsreg_pipeline *af_pipeline(af_transport *f, af_clock *c, azsreg_log_cb log_cb, void *log_payload)
{
	azsreg_pipeline_options o;
	azsreg_pipeline *p = NULL;

	memset(&o, 0, sizeof(o));
	o.transport = &f->base;
	o.clock = &c->clock;
	o.retry.max_retries = -1;
	o.retry.base_delay_ms = 10;
	o.retry.max_delay_ms = 10;
	o.logger.cb = log_cb;
	o.logger.payload = log_payload;
	o.logger.level = log_cb ? AZSREG_LOG_TRACE : 0;
	if (azsreg_pipeline__new(&p, &o) != 0)
		return NULL;
	return p;
}

/* base64url of a JSON text, for hand-made JWTs. */
static __attribute__((unused)) char *af_b64url(const char *s)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	(void)azsreg_base64url__encode(&b, (const unsigned char *)s, strlen(s));
	return azsreg_buf__detach(&b);
}

/* An unsigned JWT with the given claims JSON (caller frees). */
static __attribute__((unused)) char *af_jwt(const char *claims_json)
{
	char *h = af_b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
	char *c = af_b64url(claims_json);
	size_t n = strlen(h) + strlen(c) + 16;
	char *out = malloc(n);

	snprintf(out, n, "%s.%s.c2ln", h, c);
	free(h);
	free(c);
	return out;
}

#endif
