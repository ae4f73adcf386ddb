/*
 * The refresh token a user credential keeps after signing in (device code, user name +
 * password): held under a mutex, registered as a secret while held and wiped when
 * replaced, and redeemed with grant_type=refresh_token. One piece for both credentials,
 * which kept the same bookkeeping each.
 */
#include "internal.h"

#include <string.h>

int azsreg_refresh__init(azsreg_refresh_token *r, const char *what)
{
	r->value = NULL;
	if (pthread_mutex_init(&r->mu, NULL) != 0)
		return azsreg_error__set(AZSREG_ERROR, "%s: cannot create a mutex", what);
	return AZSREG_OK;
}

void azsreg_refresh__free(azsreg_refresh_token *r)
{
	azsreg_refresh__set(r, NULL);
	pthread_mutex_destroy(&r->mu);
}

void azsreg_refresh__set(azsreg_refresh_token *r, char *rt)
{
	pthread_mutex_lock(&r->mu);
	if (r->value != NULL) {
		azsreg_secret__unregister(r->value);
		azsreg__free_secret(r->value);
	}
	r->value = rt;
	if (rt != NULL && azsreg_secret__register(rt) != AZSREG_OK) {
		/* A secret that redaction cannot hide is not kept: the next renewal signs in
		 * the long way instead. The sign-in that got it has succeeded all the same. */
		azsreg__free_secret(rt);
		r->value = NULL;
		azsreg_error_clear();
	}
	pthread_mutex_unlock(&r->mu);
}

int azsreg_refresh__held(azsreg_refresh_token *r)
{
	int held;

	pthread_mutex_lock(&r->mu);
	held = r->value != NULL;
	pthread_mutex_unlock(&r->mu);
	return held;
}

int azsreg_refresh__redeem(azsreg_refresh_token *r, const azsreg_token_context *ctx, const char *url, const char *client_id,
			   const char *what, const char *on_refusal, azsreg_token *out)
{
	azsreg_buf form = AZSREG_BUF_INIT, msg = AZSREG_BUF_INIT;
	azsreg_http_response resp;
	char *rt = NULL;
	int64_t sent_ms;
	int rc;

	memset(&resp, 0, sizeof(resp));
	resp.body.limit = (size_t)1024 * 1024;
	pthread_mutex_lock(&r->mu);
	rc = r->value != NULL ? AZSREG_OK : azsreg_error__set(AZSREG_EINVALID, "%s: no refresh token is held", what);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "grant_type", "refresh_token");
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "client_id", client_id);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__append_scope(&form, ctx, "offline_access");
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "refresh_token", r->value);
	pthread_mutex_unlock(&r->mu);
	if (rc != AZSREG_OK)
		goto done;
	/* The token's lifetime counts from now: the answer may take long to arrive. */
	sent_ms = azsreg_clock__unix_ms(azsreg_cred__clock(ctx));
	rc = azsreg_cred__post_form(ctx, url, &form, what, &resp);
	if (rc != AZSREG_OK)
		goto done; /* the pipeline's message already starts with what */
	if (resp.status != 200) {
		(void)azsreg_buf__puts(&msg, what);
		if (on_refusal != NULL)
			(void)azsreg_buf__puts(&msg, on_refusal);
		rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&msg));
		goto done;
	}
	rc = azsreg_token__parse_response(out, &rt, resp.body.ptr, resp.body.size, sent_ms);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("%s", what);
		goto done;
	}
	if (rt != NULL) {
		azsreg_refresh__set(r, rt);
		rt = NULL;
	}
done:
	azsreg__free_secret(rt);
	azsreg_buf__wipe_free(&form);
	azsreg_buf__free(&msg);
	azsreg_http_response__free(&resp);
	return rc;
}
