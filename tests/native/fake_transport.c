/* fake_transport.c: scripted transport, fake clock, counting credential (unit tests only). */
#include "fake_transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ clock */

static int64_t fc_now(void *ctx)
{
	return ((fake_clock *)ctx)->now_ms;
}

static int64_t fc_unix(void *ctx)
{
	fake_clock *fc = ctx;
	return fc->unix0 + (fc->now_ms - fc->start_ms) / 1000;
}

static void fc_sleep(void *ctx, int64_t ms)
{
	fake_clock *fc = ctx;

	if (fc->nsleeps < FAKE_MAX)
		fc->sleeps[fc->nsleeps++] = ms;
	if (ms > 0)
		fc->now_ms += ms;
}

static uint32_t fc_random(void *ctx)
{
	return ((fake_clock *)ctx)->random;
}

void fake_clock_init(fake_clock *fc)
{
	memset(fc, 0, sizeof(*fc));
	fc->start_ms = 1000000;
	fc->now_ms = fc->start_ms;
	fc->unix0 = 1700000000;
	fc->random = 0x80000000u;
	fc->clock.now_ms = fc_now;
	fc->clock.unix_time = fc_unix;
	fc->clock.sleep_ms = fc_sleep;
	fc->clock.random = fc_random;
	fc->clock.ctx = fc;
}

int64_t fake_clock_slept(const fake_clock *fc)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < fc->nsleeps; i++)
		sum += fc->sleeps[i];
	return sum;
}

/* -------------------------------------------------------------- transport */

static int ft_send(azsreg_transport *t, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms)
{
	fake_transport *ft = (fake_transport *)t;
	fake_response *r = NULL;
	fake_request *rec;
	size_t i;
	int rc = 0;

	pthread_mutex_lock(&ft->lock);
	if (ft->nreqs < FAKE_MAX) {
		rec = &ft->reqs[ft->nreqs++];
		memset(rec, 0, sizeof(*rec));
		rec->method = strdup(req->method);
		rec->url = strdup(req->url);
		rec->body = req->body ? strndup(req->body, req->body_len) : NULL;
		rec->timeout_ms = timeout_ms;
		rec->at_ms = ft->clock ? ft->clock->now_ms - ft->clock->start_ms : 0;
		for (i = 0; i < req->headers.count; i++)
			(void)azsreg_headers__add(&rec->headers, req->headers.items[i].name, req->headers.items[i].value);
	}
	if (ft->next < ft->nscript)
		r = &ft->script[ft->next++];
	pthread_mutex_unlock(&ft->lock);

	azsreg_http_response__reset(resp);
	if (r == NULL) {
		rc = azsreg_error__set(AZSREG_ENETWORK, "fake transport: no scripted answer for %s %s", req->method, req->url);
		goto done;
	}
	if (ft->clock && r->latency_ms > 0)
		ft->clock->now_ms += r->latency_ms;
	if (r->error != 0) {
		rc = azsreg_error__set(r->error, "fake transport: scripted failure %d for %s", r->error, req->method);
		resp->transport_final = r->final;
		goto done;
	}
	resp->status = r->status;
	for (i = 0; i < FAKE_MAX_HEADERS && r->headers[i] != NULL; i++) {
		const char *colon = strchr(r->headers[i], ':');
		char *name = strndup(r->headers[i], (size_t)(colon - r->headers[i]));
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		(void)azsreg_headers__add(&resp->headers, name, v);
		free(name);
	}
	if (r->body != NULL)
		(void)azsreg_buf__puts(&resp->body, r->body);
done:
	return rc;
}

static unsigned long ft_connections(azsreg_transport *t)
{
	(void)t;
	return 1;
}

static void ft_free_base(azsreg_transport *t)
{
	(void)t; /* tests free the fake themselves with fake_transport_free */
}

fake_transport *fake_transport_new(fake_clock *clock)
{
	fake_transport *ft = calloc(1, sizeof(*ft));

	if (ft == NULL)
		abort();
	ft->base.send = ft_send;
	ft->base.connections_opened = ft_connections;
	ft->base.free = ft_free_base;
	ft->clock = clock;
	pthread_mutex_init(&ft->lock, NULL);
	return ft;
}

void fake_transport_free(fake_transport *ft)
{
	size_t i;

	if (ft == NULL)
		return;
	for (i = 0; i < ft->nreqs; i++) {
		free(ft->reqs[i].method);
		free(ft->reqs[i].url);
		free(ft->reqs[i].body);
		azsreg_headers__free(&ft->reqs[i].headers);
	}
	pthread_mutex_destroy(&ft->lock);
	free(ft);
}

void fake_transport_add(fake_transport *ft, int status, const char *body, ...)
{
	fake_response *r;
	va_list ap;
	const char *h;
	size_t n = 0;

	if (ft->nscript >= FAKE_MAX)
		abort();
	r = &ft->script[ft->nscript++];
	memset(r, 0, sizeof(*r));
	r->status = status;
	r->body = body;
	va_start(ap, body);
	for (h = va_arg(ap, const char *); h != NULL && n < FAKE_MAX_HEADERS; h = va_arg(ap, const char *))
		r->headers[n++] = h;
	va_end(ap);
}

void fake_transport_add_error(fake_transport *ft, int code)
{
	fake_response *r;

	if (ft->nscript >= FAKE_MAX)
		abort();
	r = &ft->script[ft->nscript++];
	memset(r, 0, sizeof(*r));
	r->error = code;
}

void fake_transport_set_latency(fake_transport *ft, int64_t ms)
{
	if (ft->nscript > 0)
		ft->script[ft->nscript - 1].latency_ms = ms;
}

const char *fake_req_header(const fake_transport *ft, size_t i, const char *name)
{
	if (i >= ft->nreqs)
		return NULL;
	return azsreg_headers__get(&ft->reqs[i].headers, name);
}

/* ------------------------------------------------------------- credential */

static int cc_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	counting_credential *c = (counting_credential *)cred;
	const azsreg_clock *ck = azsreg_cred__clock(ctx);
	char buf[32];
	int64_t now = ck->unix_time(ck->ctx);

	c->calls++;
	snprintf(buf, sizeof(buf), "token-%d", c->calls);
	memset(out, 0, sizeof(*out));
	out->access_token = strdup(buf);
	out->issued_at_ms = now * 1000;
	out->expires_on_ms = (now + c->lifetime_s) * 1000;
	return out->access_token ? 0 : AZSREG_ENOMEM;
}

static void cc_destroy(azsreg_credential *cred)
{
	free(cred);
}

static const azsreg_credential_vtable cc_vtable = { "Counting", cc_get_token, cc_destroy };

azsreg_credential *counting_credential_new(void)
{
	counting_credential *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	azsreg_credential__init(&c->base, &cc_vtable, "Counting(test)");
	c->lifetime_s = 3600;
	return &c->base;
}

int counting_credential_calls(const azsreg_credential *c)
{
	return ((const counting_credential *)c)->calls;
}

void fake_transport_set_final(fake_transport *ft)
{
	if (ft->nscript > 0)
		ft->script[ft->nscript - 1].final = 1;
}
