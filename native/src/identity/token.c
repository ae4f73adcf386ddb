/*
 * token.c: the identity provider's answers: token endpoint and managed identity success
 * bodies (azsreg_token__parse_response) and OpenID configuration documents (the tenant
 * GUID of a domain). Both read untrusted input: every member is type-checked, numbers are
 * range-checked, and no error message quotes the input (it may hold a token).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define JWT_MAX_LEN ((size_t)64 * 1024)
/* Token lifetimes above ten years are nonsense, and would overflow nothing but
 * would keep a token forever. */
#define TOKEN_MAX_LIFETIME ((int64_t)10 * 365 * 24 * 3600)
#define TOKEN_DEFAULT_LIFETIME ((int64_t)3600)

/* ------------------------------------------------------------ token responses */

void azsreg_token__clear(azsreg_token *t)
{
	if (t == NULL)
		return;
	azsreg__free_secret(t->access_token);
	free(t->account);
	free(t->tenant_id);
	memset(t, 0, sizeof(*t));
}

/* Floor division by 1000 (negative times never occur, but stay exact). */
static int64_t ms_to_s(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

int azsreg_token__parse_response(azsreg_token *out, char **out_refresh_token, const char *body, size_t len, int64_t sent_unix_ms)
{
	int64_t now_unix = ms_to_s(sent_unix_ms);
	int rc = AZSREG_OK;
	json_t *root = NULL, *v;
	json_error_t jerr;
	azsreg_token t;
	azsreg_jwt_claims claims;
	int64_t n = 0;
	int have_claims = 0;
	char *refresh = NULL;

	memset(&t, 0, sizeof(t));
	memset(&claims, 0, sizeof(claims));
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "token response: no output");
		goto done;
	}
	if (body == NULL || len == 0) {
		rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's answer is empty (expected a token response)");
		goto done;
	}
	if (!azsreg_json__valid_utf8(body, len)) {
		rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's answer is not UTF-8 text (expected a JSON token response)");
		goto done;
	}
	root = json_loadb(body, len, 0, &jerr);
	if (root == NULL || !json_is_object(root)) {
		rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's answer is not a JSON object (expected a token response)");
		goto done;
	}
	v = json_object_get(root, "access_token");
	if (!json_is_string(v) || json_string_length(v) == 0) {
		rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's answer has no access_token string");
		goto done;
	}
	if (strlen(json_string_value(v)) != json_string_length(v) || json_string_length(v) > JWT_MAX_LEN) {
		rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's access_token is malformed (embedded NUL or too long)");
		goto done;
	}
	t.access_token = azsreg__strndup(json_string_value(v), json_string_length(v));
	if (t.access_token == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	v = json_object_get(root, "token_type");
	if (v != NULL && json_is_string(v) && strcasecmp(json_string_value(v), "Bearer") != 0) {
		rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider returned a token of type \"%.32s\", expected Bearer",
				       json_string_value(v));
		goto done;
	}
	t.issued_at_ms = sent_unix_ms;
	if (azsreg_jwt__decode_claims(&claims, t.access_token) == AZSREG_OK)
		have_claims = 1;
	v = json_object_get(root, "expires_in");
	if (v != NULL && !json_is_null(v)) {
		if (!azsreg_jwt__number_or_string(v, &n) || n < 1 || n > TOKEN_MAX_LIFETIME) {
			rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's expires_in is not a number of seconds between 1 and %lld",
					       (long long)TOKEN_MAX_LIFETIME);
			goto done;
		}
		t.expires_on_ms = sent_unix_ms + n * 1000;
	} else {
		v = json_object_get(root, "expires_on");
		if (v != NULL && !json_is_null(v)) {
			if (!azsreg_jwt__number_or_string(v, &n) || n > now_unix + TOKEN_MAX_LIFETIME || n < 1) {
				rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's expires_on is not a Unix time (seconds)");
				goto done;
			}
			t.expires_on_ms = n * 1000;
		} else if (have_claims && claims.exp > 0) {
			t.expires_on_ms = claims.exp * 1000;
		} else {
			t.expires_on_ms = sent_unix_ms + (int64_t)TOKEN_DEFAULT_LIFETIME * 1000;
		}
	}
	/*
	 * The token's own exp is what the service checks (in whole seconds, exp <= now is
	 * expired): when it is earlier than expires_in counted from the moment the request was
	 * sent, it wins. An exp at or before the send time means the clocks disagree: ignored.
	 */
	if (have_claims && claims.exp > 0 && claims.exp * 1000 > sent_unix_ms &&
	    claims.exp * 1000 < t.expires_on_ms)
		t.expires_on_ms = claims.exp * 1000;
	if (have_claims) {
		const char *acct = claims.upn ? claims.upn : (claims.appid ? claims.appid : claims.oid);

		if (acct) {
			t.account = azsreg__strdup(acct);
			if (t.account == NULL) {
				rc = AZSREG_ENOMEM;
				goto done;
			}
		}
		if (claims.tid) {
			t.tenant_id = azsreg__strdup(claims.tid);
			if (t.tenant_id == NULL) {
				rc = AZSREG_ENOMEM;
				goto done;
			}
		}
	}
	v = json_object_get(root, "refresh_token");
	if (out_refresh_token != NULL && json_is_string(v) && json_string_length(v) > 0) {
		refresh = azsreg__strndup(json_string_value(v), json_string_length(v));
		if (refresh == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
	}
	*out = t;
	memset(&t, 0, sizeof(t));
	if (out_refresh_token != NULL) {
		*out_refresh_token = refresh;
		refresh = NULL;
	}
done:
	azsreg_token__clear(&t);
	azsreg__free_secret(refresh);
	azsreg_jwt__claims_free(&claims);
	json_decref(root);
	return rc;
}

/* ------------------------------------------------------------------ OpenID */

static int guid_in_path(char *out, const char *url)
{
	const char *p, *seg;
	char tmp[AZSREG_GUID_LEN + 1];
	char scratch[AZSREG_GUID_LEN + 1];
	size_t n;

	if (url == NULL)
		return 0;
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	p = strchr(p, '/'); /* skip the host */
	while (p != NULL && *p == '/') {
		seg = p + 1;
		n = strcspn(seg, "/?#");
		if (n == AZSREG_GUID_LEN) {
			memcpy(tmp, seg, n);
			tmp[n] = '\0';
			/* A cheap shape check first, so that guid_normalize does not set errors. */
			if (tmp[8] == '-' && tmp[13] == '-' && tmp[18] == '-' && tmp[23] == '-' &&
			    strspn(tmp, "0123456789abcdefABCDEF-") == AZSREG_GUID_LEN &&
			    azsreg_guid_normalize(scratch, tmp, "tenant ID") == AZSREG_OK) {
				memcpy(out, scratch, sizeof(scratch));
				return 1;
			}
		}
		p = seg + n;
		if (*p != '/')
			break;
	}
	return 0;
}

int azsreg_openid__parse_tenant(char *out, const char *body, size_t len)
{
	int rc = AZSREG_OK;
	json_t *root = NULL, *v;
	json_error_t jerr;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "OpenID configuration: no output");
	if (body == NULL || len == 0 || !azsreg_json__valid_utf8(body, len)) {
		rc = azsreg_error__set(AZSREG_ESERVICE, "the OpenID configuration document is empty or not UTF-8 text");
		goto done;
	}
	root = json_loadb(body, len, 0, &jerr);
	if (root == NULL || !json_is_object(root)) {
		rc = azsreg_error__set(AZSREG_ESERVICE, "the OpenID configuration document is not a JSON object");
		goto done;
	}
	v = json_object_get(root, "token_endpoint");
	if (json_is_string(v) && guid_in_path(out, json_string_value(v)))
		goto done;
	v = json_object_get(root, "issuer");
	if (json_is_string(v) && guid_in_path(out, json_string_value(v)))
		goto done;
	rc = azsreg_error__set(AZSREG_ESERVICE, "the OpenID configuration document names no tenant GUID in token_endpoint or issuer");
done:
	json_decref(root);
	return rc;
}
