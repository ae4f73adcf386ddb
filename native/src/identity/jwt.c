/*
 * jwt.c: JWT claims without verification and RS256 client assertions (token.c reads the
 * token endpoint's answers and OpenID documents).
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
	if (!azsreg_json__valid_utf8(raw.ptr, raw.size))
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

int azsreg_jwt__number_or_string(const json_t *v, int64_t *out)
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
	    json_object_set_new(cl, "exp", json_integer((json_int_t)p->now_unix + ASSERTION_LIFETIME)) != 0) {
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
