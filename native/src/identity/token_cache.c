/*
 * token_cache.c: one client's tokens, one entry per (audience, tenant).
 *
 * - A token is renewed ahead of expiry, in milliseconds: when now_ms >= expires_ms - margin_ms.
 *   The lifetime counts from when the token request was SENT (not when the answer came), and
 *   a JWT's exp wins when it is earlier than expires_in (token.c). margin = lifetime / 6, at
 *   most 5 minutes; lifetime / 3 for lifetimes under 10 s; at least 1 s. A 1 h token is
 *   renewed 5 min ahead, a 2 s token 1 s ahead, a 6 s token 2 s ahead: a request sent with a
 *   still fresh token has that much time to reach a service that checks exp in whole seconds.
 * - One renewal at a time per entry: the first thread that needs a new token fetches it
 *   with the lock released; others wait on the condition variable and then use the new
 *   token, except that a thread whose token is still valid (not yet expired) keeps
 *   using it while the renewal runs.
 * - force_renew (after a 401) renews once, unless another thread renewed after the
 *   caller got its token (compared by the refused bearer, or the generation this
 *   thread last saw).
 * - Failures are not cached: the next call tries again. Threads that waited for a
 *   renewal that failed get the same error (code, message, identity code...) instead of
 *   all hammering the identity provider in turn.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct failure_copy {
	int code;
	int http_status;
	char *message;
	char *arm_code;
	char *arm_message;
	char *request_id;
	char *correlation_id;
} failure_copy;

typedef struct cache_entry {
	struct cache_entry *next;
	char *key;
	azsreg_token tok;
	unsigned long generation; /* 0: never had a token */
	int renewing;
	unsigned long fail_generation;
	failure_copy failure;
} cache_entry;

struct azsreg_token_cache {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	cache_entry *entries;
	unsigned long generation;
	unsigned long requests;
	unsigned long renewals;
	unsigned long waiting; /* threads waiting for a renewal (tests use it as a gate) */
};

/* What this thread received last (for force_renew without the refused bearer). */
static __thread const azsreg_token_cache *tl_cache;
static __thread const cache_entry *tl_entry;
static __thread unsigned long tl_generation;

static void failure_clear(failure_copy *f)
{
	free(f->message);
	free(f->arm_code);
	free(f->arm_message);
	free(f->request_id);
	free(f->correlation_id);
	memset(f, 0, sizeof(*f));
}

static void failure_capture(failure_copy *f, int rc)
{
	const azsreg_error *e = azsreg_error_last();

	failure_clear(f);
	f->code = rc;
	f->http_status = e->http_status;
	f->message = strdup(e->message ? e->message : "");
	f->arm_code = strdup(e->arm_code ? e->arm_code : "");
	f->arm_message = strdup(e->arm_message ? e->arm_message : "");
	f->request_id = strdup(e->request_id ? e->request_id : "");
	f->correlation_id = strdup(e->correlation_id ? e->correlation_id : "");
}

static int failure_replay(const failure_copy *f)
{
	azsreg_error_info info;

	memset(&info, 0, sizeof(info));
	info.code = f->code ? f->code : AZSREG_EAUTH;
	info.http_status = f->http_status;
	info.message = f->message ? f->message : "sign-in failed in another thread";
	info.arm_code = f->arm_code;
	info.arm_message = f->arm_message;
	info.request_id = f->request_id;
	info.correlation_id = f->correlation_id;
	return azsreg_error__set_info(&info);
}

int azsreg_token_cache__new(azsreg_token_cache **out)
{
	azsreg_token_cache *c;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "token cache: out is NULL");
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (token cache)");
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return azsreg_error__set(AZSREG_ERROR, "token cache: cannot create a mutex");
	}
	if (pthread_cond_init(&c->cv, NULL) != 0) {
		pthread_mutex_destroy(&c->mu);
		free(c);
		return azsreg_error__set(AZSREG_ERROR, "token cache: cannot create a condition variable");
	}
	*out = c;
	return AZSREG_OK;
}

void azsreg_token_cache__free(azsreg_token_cache *c)
{
	cache_entry *e, *next;

	if (c == NULL)
		return;
	for (e = c->entries; e != NULL; e = next) {
		next = e->next;
		azsreg_token__clear(&e->tok);
		failure_clear(&e->failure);
		free(e->key);
		free(e);
	}
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

unsigned long azsreg_token_cache__requests(const azsreg_token_cache *c)
{
	return c ? __atomic_load_n(&c->requests, __ATOMIC_SEQ_CST) : 0;
}

unsigned long azsreg_token_cache__renewals(const azsreg_token_cache *c)
{
	return c ? __atomic_load_n(&c->renewals, __ATOMIC_SEQ_CST) : 0;
}

unsigned long azsreg_token_cache__waiting(const azsreg_token_cache *c)
{
	return c ? __atomic_load_n(&c->waiting, __ATOMIC_SEQ_CST) : 0;
}

static int make_key(azsreg_buf *key, const azsreg_token_context *ctx)
{
	return azsreg_buf__printf(key, "%s\n%s", ctx->env->audience,
				  (ctx->tenant != NULL) ? ctx->tenant : "");
}

/* Caller holds the lock. */
static cache_entry *find_entry(azsreg_token_cache *c, const char *key)
{
	cache_entry *e;

	for (e = c->entries; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

int64_t azsreg_token__renew_margin_ms(const azsreg_token *t)
{
	int64_t life = t->expires_on_ms - t->issued_at_ms;
	int64_t m;

	if (life < 0)
		life = 0;
	m = life < 10000 ? life / 3 : life / 6;
	if (m > 300000)
		m = 300000;
	if (m < 1000)
		m = 1000;
	return m;
}

/* Caller holds the lock. */
static int hand_out(const azsreg_token_cache *c, const cache_entry *e, char **out_bearer)
{
	char *copy = azsreg__strdup(e->tok.access_token);

	if (copy == NULL)
		return AZSREG_ENOMEM;
	tl_cache = c;
	tl_entry = e;
	tl_generation = e->generation;
	*out_bearer = copy;
	return AZSREG_OK;
}

int azsreg_token_cache__get(azsreg_token_cache *c, azsreg_credential *cred, const azsreg_token_context *ctx, int force_renew, const char *failed_bearer, char **out_bearer)
{
	int rc = AZSREG_OK;
	azsreg_buf key = AZSREG_BUF_INIT;
	cache_entry *e;
	const azsreg_clock *clk;
	int locked = 0, seen_known;
	unsigned long seen_gen, start_fail;
	azsreg_token tok;
	int log_line = 0, log_renewal = 0;
	int64_t log_expires_in = 0;

	memset(&tok, 0, sizeof(tok));
	if (out_bearer == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "token cache: out is NULL");
	*out_bearer = NULL;
	if (c == NULL || cred == NULL || cred->vt == NULL || ctx == NULL || ctx->env == NULL || ctx->env->audience == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "token cache: cache, credential and environment are required");
		goto done;
	}
	clk = azsreg_cred__clock(ctx);
	rc = make_key(&key, ctx);
	if (rc != AZSREG_OK)
		goto done;

	pthread_mutex_lock(&c->mu);
	locked = 1;
	e = find_entry(c, azsreg_buf__cstr(&key));
	if (e == NULL) {
		e = calloc(1, sizeof(*e));
		if (e == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (token cache)");
			goto done;
		}
		e->key = azsreg_buf__detach(&key);
		if (e->key == NULL) {
			free(e);
			rc = AZSREG_ENOMEM;
			goto done;
		}
		e->next = c->entries;
		c->entries = e;
	}
	seen_known = (tl_cache == c && tl_entry == e);
	seen_gen = seen_known ? tl_generation : 0;
	start_fail = e->fail_generation;

	for (;;) {
		int64_t now = azsreg_clock__unix_ms(clk);
		int have = e->tok.access_token != NULL;
		int valid = have && now < e->tok.expires_on_ms;
		int fresh = valid && now < e->tok.expires_on_ms - azsreg_token__renew_margin_ms(&e->tok);

		if (force_renew && valid) {
			int renewed_since;

			if (failed_bearer != NULL)
				renewed_since = strcmp(failed_bearer, e->tok.access_token) != 0;
			else
				renewed_since = seen_known && e->generation != seen_gen;
			if (renewed_since)
				force_renew = 0;
		}
		if (!force_renew && fresh) {
			rc = hand_out(c, e, out_bearer);
			goto done;
		}
		if (e->renewing) {
			if (!force_renew && valid) {
				rc = hand_out(c, e, out_bearer);
				goto done;
			}
			__atomic_add_fetch(&c->waiting, 1, __ATOMIC_SEQ_CST);
			pthread_cond_wait(&c->cv, &c->mu);
			__atomic_sub_fetch(&c->waiting, 1, __ATOMIC_SEQ_CST);
			if (e->fail_generation != start_fail) {
				/* The renewal we waited for failed. Use a token that is still good, else its error. */
				now = azsreg_clock__unix_ms(clk);
				if (!force_renew && e->tok.access_token != NULL && now < e->tok.expires_on_ms) {
					rc = hand_out(c, e, out_bearer);
					goto done;
				}
				rc = failure_replay(&e->failure);
				goto done;
			}
			continue;
		}

		/* This thread renews. */
		e->renewing = 1;
		pthread_mutex_unlock(&c->mu);
		rc = cred->vt->get_token(cred, ctx, &tok);
		pthread_mutex_lock(&c->mu);
		locked = 1;
		e->renewing = 0;
		c->requests++;
		if (rc != AZSREG_OK) {
			e->fail_generation++;
			failure_capture(&e->failure, rc);
			pthread_cond_broadcast(&c->cv);
			goto done;
		}
		if (tok.access_token == NULL) {
			e->fail_generation++;
			rc = azsreg_error__set(AZSREG_EAUTH, "%s returned no access token", cred->description);
			failure_capture(&e->failure, rc);
			pthread_cond_broadcast(&c->cv);
			goto done;
		}
		if (have)
			c->renewals++;
		azsreg_token__clear(&e->tok);
		e->tok = tok;
		memset(&tok, 0, sizeof(tok));
		e->generation = ++c->generation;
		failure_clear(&e->failure);
		pthread_cond_broadcast(&c->cv);
		log_expires_in = e->tok.expires_on_ms - azsreg_clock__unix_ms(clk);
		log_renewal = have ? 1 : 0;
		log_line = 1;
		rc = hand_out(c, e, out_bearer);
		goto done;
	}
done:
	if (locked)
		pthread_mutex_unlock(&c->mu);
	/* Logged outside the lock: a log callback may call back into the library. */
	if (log_line && rc == AZSREG_OK && ctx->pipeline != NULL) {
		const azsreg_logger *lg = azsreg_pipeline__logger(ctx->pipeline);

		int64_t a = log_expires_in < 0 ? -log_expires_in : log_expires_in;

		if (lg != NULL)
			azsreg_log__write(lg, AZSREG_LOG_INFO, "token for %s from %s: expires in %s%lld.%03lld s%s",
					  ctx->env->audience, cred->description, log_expires_in < 0 ? "-" : "",
					  (long long)(a / 1000), (long long)(a % 1000),
					  log_renewal ? " (renewal)" : "");
	}
	azsreg_token__clear(&tok);
	azsreg_buf__free(&key);
	return rc;
}

int azsreg_token_cache__describe(azsreg_token_cache *c, const azsreg_token_context *ctx, char **out_account, char **out_tenant, int64_t *out_expires_on)
{
	int rc = AZSREG_OK;
	azsreg_buf key = AZSREG_BUF_INIT;
	cache_entry *e;
	char *acct = NULL, *ten = NULL;
	int locked = 0;

	if (out_account)
		*out_account = NULL;
	if (out_tenant)
		*out_tenant = NULL;
	if (c == NULL || ctx == NULL || ctx->env == NULL || ctx->env->audience == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "token cache: cache and environment are required");
		goto done;
	}
	rc = make_key(&key, ctx);
	if (rc != AZSREG_OK)
		goto done;
	pthread_mutex_lock(&c->mu);
	locked = 1;
	e = find_entry(c, azsreg_buf__cstr(&key));
	if (e == NULL || e->tok.access_token == NULL) {
		rc = azsreg_error__set(AZSREG_ENOTFOUND, "no token cached for %s", ctx->env->audience);
		goto done;
	}
	if (e->tok.account) {
		acct = azsreg__strdup(e->tok.account);
		if (acct == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
	}
	if (e->tok.tenant_id) {
		ten = azsreg__strdup(e->tok.tenant_id);
		if (ten == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
	}
	if (out_expires_on)
		*out_expires_on = e->tok.expires_on_ms / 1000;
	if (out_account) {
		*out_account = acct;
		acct = NULL;
	}
	if (out_tenant) {
		*out_tenant = ten;
		ten = NULL;
	}
done:
	if (locked)
		pthread_mutex_unlock(&c->mu);
	free(acct);
	free(ten);
	azsreg_buf__free(&key);
	return rc;
}
