/*
 * jwt.c: JWT claims without verification, token endpoint / managed identity answers,
 * OpenID configuration documents, and RS256 client assertions.
 *
 * Everything here reads untrusted input: every member is type-checked, numbers are
 * range-checked, and no error message quotes the input (it may hold a token).
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/sha.h>

#define JWT_MAX_LEN ((size_t)64 * 1024)
/* Token lifetimes above ten years are nonsense, and would overflow nothing but
 * would keep a token forever. */
#define TOKEN_MAX_LIFETIME ((int64_t)10 * 365 * 24 * 3600)
#define TOKEN_DEFAULT_LIFETIME ((int64_t)3600)
#define ASSERTION_LIFETIME ((int64_t)600)
#define SIG_MAX 2048

void azsreg_jwt__claims_free(azsreg_jwt_claims *c)
{
	if (c == NULL)
		return;
	free(c->tid);
	free(c->oid);
	free(c->appid);
	free(c->upn);
	free(c->aud);
	free(c->iss);
	memset(c, 0, sizeof(*c));
}

/* Splits a compact JWT into its three parts; 0 on success. */
static int jwt_split(const char *token, size_t *len0, const char **p1, size_t *len1)
{
	const char *d1, *d2;
	size_t n;

	if (token == NULL)
		return -1;
	n = strnlen(token, JWT_MAX_LEN + 1);
	if (n == 0 || n > JWT_MAX_LEN)
		return -1;
	d1 = memchr(token, '.', n);
	if (d1 == NULL)
		return -1;
	d2 = memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - token));
	if (d2 == NULL)
		return -1;
	if (memchr(d2 + 1, '.', n - (size_t)(d2 + 1 - token)) != NULL)
		return -1;
	if (d1 == token || d2 == d1 + 1)
		return -1;
	*len0 = (size_t)(d1 - token);
	*p1 = d1 + 1;
	*len1 = (size_t)(d2 - (d1 + 1));
	return 0;
}

static int valid_utf8(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k, extra;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0 && c >= 0xC2)
			extra = 1;
		else if ((c & 0xF0) == 0xE0)
			extra = 2;
		else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
			extra = 3;
		else
			return 0;
		for (k = 1; k <= extra; k++) {
			if (i + k >= n || ((unsigned char)s[i + k] & 0xC0) != 0x80)
				return 0;
		}
		i += extra + 1;
	}
	return 1;
}

/* Decodes one base64url part into a JSON object. NULL when it is not one. */
static json_t *decode_part(const char *p, size_t len)
{
	azsreg_buf raw = AZSREG_BUF_INIT;
	json_t *j = NULL;
	json_error_t jerr;
	int rc;

	raw.limit = JWT_MAX_LEN;
	rc = azsreg_base64url__decode(&raw, p, len);
	if (rc != AZSREG_OK || raw.size == 0)
		goto done;
	if (!valid_utf8(raw.ptr, raw.size))
		goto done;
	j = json_loadb(raw.ptr, raw.size, JSON_REJECT_DUPLICATES, &jerr);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
done:
	azsreg_buf__wipe_free(&raw);
	return j;
}

/* A numeric claim: integer, or real within range. 0 and *ok = 0 when unusable. */
static int64_t json_time_value(const json_t *v, int *ok)
{
	*ok = 0;
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || i > (json_int_t)INT64_C(253402300799)) /* year 9999 */
			return 0;
		*ok = 1;
		return (int64_t)i;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (!(d >= 0.0 && d <= 253402300799.0))
			return 0;
		*ok = 1;
		return (int64_t)d;
	}
	return 0;
}

/* A number given as JSON number or as a decimal string. */
static int json_number_or_string(const json_t *v, int64_t *out)
{
	int ok = 0;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end = NULL;
		long long ll;
		size_t n = json_string_length(v);

		if (n == 0 || n > 20 || s[0] == '-' || s[0] == '+' || s[0] == ' ')
			return 0;
		errno = 0;
		ll = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0' || ll < 0)
			return 0;
		*out = (int64_t)ll;
		return 1;
	}
	*out = json_time_value(v, &ok);
	return ok;
}

static char *claim_string(json_t *claims, const char *name)
{
	json_t *v = json_object_get(claims, name);

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (!json_is_string(v) || json_string_length(v) == 0)
		return NULL;
	return azsreg__strndup(json_string_value(v), json_string_length(v));
}

int azsreg_jwt__decode_claims(azsreg_jwt_claims *out, const char *token)
{
	int rc = AZSREG_OK;
	size_t len0, len1;
	const char *p1;
	json_t *hdr = NULL, *claims = NULL;
	int ok;
	azsreg_jwt_claims c;

	memset(&c, 0, sizeof(c));
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "JWT decode: no output");
		goto done;
	}
	if (jwt_split(token, &len0, &p1, &len1) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "the token is not a JWT (expected three dot-separated parts)");
		goto done;
	}
	hdr = decode_part(token, len0);
	if (hdr == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "the token is not a JWT (its header is not base64url-encoded JSON)");
		goto done;
	}
	claims = decode_part(p1, len1);
	if (claims == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "the token is not a JWT (its claims are not base64url-encoded JSON)");
		goto done;
	}
	c.exp = json_time_value(json_object_get(claims, "exp"), &ok);
	c.nbf = json_time_value(json_object_get(claims, "nbf"), &ok);
	c.iat = json_time_value(json_object_get(claims, "iat"), &ok);
	c.tid = claim_string(claims, "tid");
	c.oid = claim_string(claims, "oid");
	c.appid = claim_string(claims, "appid");
	if (c.appid == NULL)
		c.appid = claim_string(claims, "azp");
	c.upn = claim_string(claims, "upn");
	if (c.upn == NULL)
		c.upn = claim_string(claims, "preferred_username");
	if (c.upn == NULL)
		c.upn = claim_string(claims, "unique_name");
	c.aud = claim_string(claims, "aud");
	c.iss = claim_string(claims, "iss");
	*out = c;
	memset(&c, 0, sizeof(c));
done:
	azsreg_jwt__claims_free(&c);
	json_decref(hdr);
	json_decref(claims);
	return rc;
}

int azsreg_jwt__decode_header(char **out_json, const char *token)
{
	int rc = AZSREG_OK;
	size_t len0, len1;
	const char *p1;
	json_t *hdr = NULL;
	char *s = NULL;

	if (out_json == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "JWT decode: no output");
	*out_json = NULL;
	if (jwt_split(token, &len0, &p1, &len1) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "the token is not a JWT (expected three dot-separated parts)");
		goto done;
	}
	hdr = decode_part(token, len0);
	if (hdr == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "the token is not a JWT (its header is not base64url-encoded JSON)");
		goto done;
	}
	s = json_dumps(hdr, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	*out_json = azsreg__strdup(s);
	if (*out_json == NULL)
		rc = AZSREG_ENOMEM;
done:
	free(s);
	json_decref(hdr);
	return rc;
}

int azsreg_jwt__is_jwt(const char *token)
{
	size_t len0, len1;
	const char *p1;
	json_t *a = NULL, *b = NULL;
	int r = 0;

	if (jwt_split(token, &len0, &p1, &len1) != 0)
		return 0;
	a = decode_part(token, len0);
	if (a != NULL)
		b = decode_part(p1, len1);
	r = (a != NULL && b != NULL);
	json_decref(a);
	json_decref(b);
	return r;
}

/* ------------------------------------------------------------ token responses */

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
	if (!valid_utf8(body, len)) {
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
		if (!json_number_or_string(v, &n) || n < 1 || n > TOKEN_MAX_LIFETIME) {
			rc = azsreg_error__set(AZSREG_EAUTH, "the identity provider's expires_in is not a number of seconds between 1 and %lld",
				(long long)TOKEN_MAX_LIFETIME);
			goto done;
		}
		t.expires_on_ms = sent_unix_ms + n * 1000;
	} else {
		v = json_object_get(root, "expires_on");
		if (v != NULL && !json_is_null(v)) {
			if (!json_number_or_string(v, &n) || n > now_unix + TOKEN_MAX_LIFETIME || n < 1) {
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
	if (body == NULL || len == 0 || !valid_utf8(body, len)) {
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

/* -------------------------------------------------------------- assertions */

static int b64url_json(azsreg_buf *out, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int rc;

	if (s == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (JSON)");
	rc = azsreg_base64url__encode(out, (const unsigned char *)s, strlen(s));
	free(s);
	return rc;
}

int azsreg_jwt__build_assertion(char **out, const azsreg_assertion_params *p)
{
	int rc = AZSREG_OK;
	json_t *hdr = NULL, *cl = NULL, *x5c = NULL;
	azsreg_buf x5t = AZSREG_BUF_INIT, tmp = AZSREG_BUF_INIT, jwt = AZSREG_BUF_INIT;
	unsigned char sha1[SHA_DIGEST_LENGTH];
	unsigned char sig[SIG_MAX];
	size_t sig_len = sizeof(sig), i;
	char jti[AZSREG_GUID_LEN + 1];

	if (out == NULL || p == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "client assertion: no output or parameters");
	*out = NULL;
	if (p->client_id == NULL || p->client_id[0] == '\0' || p->audience == NULL || p->audience[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "client assertion: client ID and token endpoint are required");
		goto done;
	}
	if (p->cert_der == NULL || p->cert_der_len == 0 || p->sign == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "client assertion: a certificate and a signer are required");
		goto done;
	}
	if (SHA1(p->cert_der, p->cert_der_len, sha1) == NULL) {
		rc = azsreg_error__set(AZSREG_ERROR, "client assertion: SHA-1 of the certificate failed");
		goto done;
	}
	rc = azsreg_base64url__encode(&x5t, sha1, sizeof(sha1));
	if (rc != AZSREG_OK)
		goto done;
	rc = azsreg_guid__new(jti);
	if (rc != AZSREG_OK)
		goto done;
	hdr = json_object();
	cl = json_object();
	if (hdr == NULL || cl == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (JSON)");
		goto done;
	}
	if (json_object_set_new(hdr, "alg", json_string("RS256")) != 0 ||
	    json_object_set_new(hdr, "typ", json_string("JWT")) != 0 ||
	    json_object_set_new(hdr, "x5t", json_string(azsreg_buf__cstr(&x5t))) != 0) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (JSON)");
		goto done;
	}
	if (p->chain_count > 0) {
		x5c = json_array();
		if (x5c == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (JSON)");
			goto done;
		}
		for (i = 0; i < p->chain_count; i++) {
			azsreg_buf__clear(&tmp);
			rc = azsreg_base64__encode(&tmp, p->chain_der[i], p->chain_der_len[i]);
			if (rc != AZSREG_OK)
				goto done;
			if (json_array_append_new(x5c, json_string(azsreg_buf__cstr(&tmp))) != 0) {
				rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (JSON)");
				goto done;
			}
		}
		if (json_object_set(hdr, "x5c", x5c) != 0) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (JSON)");
			goto done;
		}
	}
	if (json_object_set_new(cl, "aud", json_string(p->audience)) != 0 ||
	    json_object_set_new(cl, "iss", json_string(p->client_id)) != 0 ||
	    json_object_set_new(cl, "sub", json_string(p->client_id)) != 0 ||
	    json_object_set_new(cl, "jti", json_string(jti)) != 0 ||
	    json_object_set_new(cl, "nbf", json_integer((json_int_t)p->now_unix)) != 0 ||
	    json_object_set_new(cl, "iat", json_integer((json_int_t)p->now_unix)) != 0 ||
	    json_object_set_new(cl, "exp", json_integer((json_int_t)(p->now_unix + ASSERTION_LIFETIME))) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "client assertion: client ID or token endpoint is not valid UTF-8");
		goto done;
	}
	rc = b64url_json(&jwt, hdr);
	if (rc == AZSREG_OK)
		rc = azsreg_buf__puts(&jwt, ".");
	if (rc == AZSREG_OK)
		rc = b64url_json(&jwt, cl);
	if (rc != AZSREG_OK)
		goto done;
	if (p->sign((const unsigned char *)jwt.ptr, jwt.size, sig, &sig_len, p->sign_payload) != 0 ||
	    sig_len == 0 || sig_len > sizeof(sig)) {
		rc = azsreg_error__set(AZSREG_EAUTH, "client assertion: signing with the certificate's private key failed");
		goto done;
	}
	rc = azsreg_buf__puts(&jwt, ".");
	if (rc == AZSREG_OK)
		rc = azsreg_base64url__encode(&jwt, sig, sig_len);
	if (rc != AZSREG_OK)
		goto done;
	*out = azsreg_buf__detach(&jwt);
	if (*out == NULL)
		rc = AZSREG_ENOMEM;
done:
	azsreg__wipe(sig, sizeof(sig));
	azsreg_buf__free(&x5t);
	azsreg_buf__free(&tmp);
	azsreg_buf__wipe_free(&jwt);
	json_decref(hdr);
	json_decref(cl);
	json_decref(x5c);
	return rc;
}
