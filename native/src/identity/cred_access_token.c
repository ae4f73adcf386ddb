/*
 * cred_access_token.c: a ready access token given by the caller. Its expiry comes from
 * the JWT's exp claim; a token that is not a JWT is assumed to last one hour from
 * creation. It cannot be renewed: once expired, sign-in fails asking for a new one.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct access_token_cred {
	azsreg_credential base;
	char *token; /* secret, registered */
	int64_t expires_on; /* Unix seconds */
	int64_t issued_at;
	char *account;
	char *tenant_id;
} access_token_cred;

static void format_time(char *out, size_t cap, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (azsreg_plat__gmtime(tt, &tm) != 0 || strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, cap, "%lld", (long long)t);
}

static int at_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	access_token_cred *c = (access_token_cred *)cred;
	const azsreg_clock *clk = azsreg_cred__clock(ctx);
	int64_t now = clk->unix_time(clk->ctx);
	char when[64];
	int rc = AZSREG_OK;
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	if (now >= c->expires_on) {
		format_time(when, sizeof(when), c->expires_on);
		rc = azsreg_error__set(AZSREG_EAUTH, "%s: the supplied access token expired at %s; supply a new one",
				       cred->description, when);
		goto done;
	}
	t.access_token = azsreg__strdup(c->token);
	t.account = azsreg__strdup(c->account);
	t.tenant_id = azsreg__strdup(c->tenant_id);
	if (t.access_token == NULL || (c->account && t.account == NULL) || (c->tenant_id && t.tenant_id == NULL)) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	t.expires_on_ms = c->expires_on * 1000;
	t.issued_at_ms = c->issued_at * 1000;
	*out = t;
	memset(&t, 0, sizeof(t));
done:
	azsreg_token__clear(&t);
	return rc;
}

static void at_destroy(azsreg_credential *cred)
{
	access_token_cred *c = (access_token_cred *)cred;

	azsreg_secret__unregister(c->token);
	azsreg__free_secret(c->token);
	free(c->account);
	free(c->tenant_id);
	azsreg__wipe(c, sizeof(*c));
	free(c);
}

static const azsreg_credential_vtable at_vtable = { "AccessToken", at_get_token, at_destroy };

AZSREG_EXTERN(int) azsreg_credential_access_token_new(azsreg_credential **out, const char *access_token)
{
	int rc = AZSREG_OK;
	access_token_cred *c = NULL;
	azsreg_jwt_claims claims;
	char desc[256];
	size_t n;

	memset(&claims, 0, sizeof(claims));
	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "access token credential: out is NULL");
	*out = NULL;
	if (access_token == NULL || access_token[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "access token credential: the access token is empty");
		goto done;
	}
	n = strlen(access_token);
	if (strncasecmp(access_token, "Bearer ", 7) == 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "access token credential: give the token without the \"Bearer \" prefix");
		goto done;
	}
	if (n > (size_t)64 * 1024 || strcspn(access_token, " \t\r\n\"") != n) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "access token credential: the access token contains whitespace or quotes, or is longer than 64 KiB");
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	c->token = azsreg__strdup(access_token);
	if (c->token == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_secret__register(c->token);
	if (rc != AZSREG_OK) {
		azsreg__free_secret(c->token);
		c->token = NULL; /* not registered: at_destroy must not unregister it */
		goto done;
	}
	c->issued_at = (int64_t)time(NULL);
	if (azsreg_jwt__is_jwt(access_token) && azsreg_jwt__decode_claims(&claims, access_token) == AZSREG_OK) {
		c->expires_on = claims.exp > 0 ? claims.exp : c->issued_at + 3600;
		if (claims.iat > 0 && claims.iat < c->expires_on)
			c->issued_at = claims.iat;
		c->account = azsreg__strdup(claims.upn ? claims.upn : (claims.appid ? claims.appid : claims.oid));
		c->tenant_id = azsreg__strdup(claims.tid);
		snprintf(desc, sizeof(desc), "AccessToken(account %.80s, tenant %.40s)",
			 c->account ? c->account : "unknown", c->tenant_id ? c->tenant_id : "unknown");
	} else {
		c->expires_on = c->issued_at + 3600;
		snprintf(desc, sizeof(desc), "AccessToken(opaque, assumed valid for 1 hour)");
	}
	azsreg_error_clear();
	azsreg_credential__init(&c->base, &at_vtable, desc);
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		at_destroy(&c->base);
	azsreg_jwt__claims_free(&claims);
	return rc;
}
