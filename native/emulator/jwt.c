/* azsreg-emulator: the emulator's own RS256 tokens, their signing key, and client assertion checks (RS256/PS256). */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#define ASSERTION_SKEW 10 /* seconds of clock skew allowed on client assertions */

/*
 * Tokens are RS256, as Entra ID and AD FS sign theirs, with one RSA-2048 key per emulator
 * published at every jwks_uri, so a client that validates tokens (MSAL for id_tokens, a
 * JWT library) accepts them. Generating the key costs 0.1-0.3 s of CPU (measured on the
 * 2-core test machine) and the test suite starts hundreds of emulators: --signing-key FILE
 * (or AZSREG_EMULATOR_SIGNING_KEY) names a file that keeps one key for all of them. The file
 * is created when missing and never overwritten: a file that holds no usable key is left as
 * it is (with a warning) and the run signs with a key of its own.
 */
#define SIGN_KEY_BITS 2048

/* An encrypted key is not asked for a passphrase (OpenSSL would prompt on the terminal). */
static int no_passphrase(char *buf, int size, int rwflag, void *u) /* NOLINT(readability-non-const-parameter): OpenSSL pem_password_cb signature */
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static EVP_PKEY *key_load(const char *path)
{
	EVP_PKEY *k = NULL;
	BIO *bio = BIO_new_file(path, "r");
	if (!bio)
		return NULL;
	k = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (k && (!EVP_PKEY_is_a(k, "RSA") || EVP_PKEY_get_bits(k) < SIGN_KEY_BITS)) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

/* Written under a temporary name and linked to `path` only when nothing is there (link
 * fails on an existing file), so emulators starting together never read half a key and
 * nothing is overwritten; a failure only means the next emulator generates its own. */
static void key_save(const char *path, EVP_PKEY *k)
{
	char *tmp = emu_printf("%s.tmp.%ld", path, (long)getpid());
	int fd = tmp ? open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600) : -1;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	bool ok = f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
	if (f)
		ok = fclose(f) == 0 && ok;
	else if (fd >= 0)
		close(fd);
	if (tmp && fd >= 0) {
		if (ok)
			(void)link(tmp, path);
		unlink(tmp);
	}
	free(tmp);
}

static char *bn_b64url(EVP_PKEY *k, const char *param)
{
	BIGNUM *bn = NULL;
	unsigned char *bin = NULL;
	char *out = NULL;
	int n;
	if (EVP_PKEY_get_bn_param(k, param, &bn) != 1)
		return NULL;
	n = BN_num_bytes(bn);
	bin = malloc(n > 0 ? (size_t)n : 1);
	if (bin && BN_bn2bin(bn, bin) == n)
		out = emu_b64url_encode(bin, (size_t)n);
	free(bin);
	BN_free(bn);
	return out;
}

int emu_signing_key_init(const char *key_file)
{
	char *n = NULL, *e = NULL, *thumb_in = NULL, *kid = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	int rc = -1;
	bool keep = key_file && *key_file;
	EVP_PKEY *k = keep ? key_load(key_file) : NULL;
	if (!k) {
		if (keep && access(key_file, F_OK) == 0) {
			fprintf(stderr,
				"azsreg-emulator: warning: %s holds no unencrypted RSA key of %d bits or more; this run signs "
				"with a key of its own and leaves the file as it is\n",
				key_file, SIGN_KEY_BITS);
			keep = false;
		}
		k = EVP_RSA_gen(SIGN_KEY_BITS);
		if (k && keep)
			key_save(key_file, k);
	}
	if (!k)
		return -1;
	n = bn_b64url(k, OSSL_PKEY_PARAM_RSA_N);
	e = bn_b64url(k, OSSL_PKEY_PARAM_RSA_E);
	/* RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace */
	thumb_in = n && e ? emu_printf("{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", e, n) : NULL;
	if (!thumb_in || EVP_Digest(thumb_in, strlen(thumb_in), digest, &dlen, EVP_sha256(), NULL) != 1)
		goto done;
	kid = emu_b64url_encode(digest, dlen);
	if (!kid || strlen(kid) >= sizeof g_emu.sign_kid)
		goto done;
	snprintf(g_emu.sign_kid, sizeof g_emu.sign_kid, "%s", kid);
	g_emu.jwks = json_pack("{s:[{s:s,s:s,s:s,s:s,s:s,s:s}]}", "keys", "kty", "RSA", "use", "sig", "alg", "RS256",
			       "kid", kid, "n", n, "e", e);
	if (!g_emu.jwks)
		goto done;
	g_emu.sign_key = k;
	k = NULL;
	rc = 0;
done:
	EVP_PKEY_free(k);
	free(n);
	free(e);
	free(thumb_in);
	free(kid);
	return rc;
}

void emu_signing_key_free(void)
{
	EVP_PKEY_free(g_emu.sign_key);
	g_emu.sign_key = NULL;
	json_decref(g_emu.jwks);
	g_emu.jwks = NULL;
}

static char *rs256_sign(const char *data, size_t len)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	char *out = NULL;
	if (m && g_emu.sign_key && EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, g_emu.sign_key) == 1 &&
	    EVP_DigestSign(m, NULL, &siglen, (const unsigned char *)data, len) == 1 && (sig = malloc(siglen)) != NULL &&
	    EVP_DigestSign(m, sig, &siglen, (const unsigned char *)data, len) == 1)
		out = emu_b64url_encode(sig, siglen);
	free(sig);
	EVP_MD_CTX_free(m);
	return out;
}

static bool rs256_ok(const char *data, size_t len, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	bool ok = m && g_emu.sign_key && EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, g_emu.sign_key) == 1 &&
		  EVP_DigestVerify(m, sig, siglen, (const unsigned char *)data, len) == 1;
	EVP_MD_CTX_free(m);
	return ok;
}

char *emu_jwt_issue(json_t *claims)
{
	char *hdr = NULL, *body = NULL, *signing = NULL, *sig = NULL, *out = NULL, *header = NULL;
	char *cj = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	/* Entra ID's header: typ, alg, and the key ID twice (x5t is a certificate thumbprint
     * there; the emulator's key has no certificate, so kid only) */
	header = emu_printf("{\"typ\":\"JWT\",\"alg\":\"RS256\",\"kid\":\"%s\"}", g_emu.sign_kid);
	if (!cj || !header)
		goto done;
	hdr = emu_b64url_encode((const unsigned char *)header, strlen(header));
	body = emu_b64url_encode((const unsigned char *)cj, strlen(cj));
	if (!hdr || !body)
		goto done;
	signing = emu_printf("%s.%s", hdr, body);
	if (!signing)
		goto done;
	sig = rs256_sign(signing, strlen(signing));
	if (!sig)
		goto done;
	out = emu_printf("%s.%s", signing, sig);
done:
	free(cj);
	free(header);
	free(hdr);
	free(body);
	free(signing);
	free(sig);
	return out;
}

/* Splits a compact JWS; returns decoded header and claims objects. */
static int jws_split(const char *token, json_t **hdr, json_t **claims, size_t *signing_len,
		     unsigned char **sig, size_t *siglen)
{
	const char *d1 = strchr(token, '.');
	const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char *h = NULL, *c = NULL;
	size_t hl = 0, cl = 0;
	int rc = -1;
	*hdr = *claims = NULL;
	*sig = NULL;
	if (!d1 || !d2 || strchr(d2 + 1, '.'))
		goto done;
	h = emu_b64url_decode(token, (size_t)(d1 - token), &hl);
	c = emu_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &cl);
	*sig = emu_b64url_decode(d2 + 1, strlen(d2 + 1), siglen);
	if (!h || !c || !*sig)
		goto done;
	*hdr = json_loadb((const char *)h, hl, 0, NULL);
	*claims = json_loadb((const char *)c, cl, 0, NULL);
	if (!json_is_object(*hdr) || !json_is_object(*claims))
		goto done;
	*signing_len = (size_t)(d2 - token);
	rc = 0;
done:
	free(h);
	free(c);
	if (rc != 0) {
		json_decref(*hdr);
		json_decref(*claims);
		free(*sig);
		*hdr = *claims = NULL;
		*sig = NULL;
	}
	return rc;
}

int emu_jwt_verify(const char *token, json_t **claims_out, char *why, size_t whylen)
{
	json_t *hdr = NULL, *claims = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0, slen = 0;
	int rc = 1;
	long long now = emu_now();
	*claims_out = NULL;
	if (jws_split(token, &hdr, &claims, &slen, &sig, &siglen) != 0) {
		snprintf(why, whylen, "The access token is malformed.");
		goto done;
	}
	if (!emu_jstr(hdr, "alg") || strcmp(emu_jstr(hdr, "alg"), "RS256") != 0) {
		snprintf(why, whylen, "The access token has an unexpected signing algorithm.");
		goto done;
	}
	if (!rs256_ok(token, slen, sig, siglen)) {
		snprintf(why, whylen, "The access token signature is invalid.");
		goto done;
	}
	if (!emu_audience_ok(emu_jstr(claims, "aud"))) {
		snprintf(why, whylen, "The access token has an invalid audience.");
		goto done;
	}
	if (emu_jint(claims, "nbf", 0) > now + 5) {
		snprintf(why, whylen, "The access token is not yet valid.");
		goto done;
	}
	if (emu_jint(claims, "exp", 0) <= now) {
		snprintf(why, whylen, "The access token expiry UTC time is earlier than current UTC time.");
		rc = 2;
		goto done;
	}
	*claims_out = claims;
	claims = NULL;
	rc = 0;
done:
	json_decref(hdr);
	json_decref(claims);
	free(sig);
	return rc;
}

static X509 *load_cert(const char *text)
{
	X509 *x = NULL;
	BIO *bio = NULL;
	if (strstr(text, "-----BEGIN")) {
		bio = BIO_new_mem_buf(text, -1);
		if (bio)
			x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	} else {
		size_t dl = 0;
		unsigned char *der = emu_b64url_decode(text, strlen(text), &dl);
		if (der) {
			const unsigned char *p = der;
			x = d2i_X509(NULL, &p, (long)dl);
			free(der);
		}
	}
	BIO_free(bio);
	return x;
}

static bool thumb_matches(X509 *x, const EVP_MD *md, const char *want)
{
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dl = 0;
	char *enc;
	bool ok;
	if (X509_digest(x, md, dg, &dl) != 1)
		return false;
	enc = emu_b64url_encode(dg, dl);
	ok = enc && strcmp(enc, want) == 0;
	if (!ok && enc && strlen(want) == (size_t)dl * 2) { /* tolerate a hex thumbprint too */
		char hex[2 * EVP_MAX_MD_SIZE + 1];
		for (size_t i = 0; i < dl; i++)
			snprintf(hex + 2 * i, 3, "%02x", dg[i]);
		ok = strcasecmp(hex, want) == 0;
	}
	free(enc);
	return ok;
}

/*
 * A JWT NumericDate (seconds since the epoch): a JSON integer, a finite real within range, or
 * a string of 1 to 18 digits, as MSAL.NET writes "nbf" and "exp" (Entra ID takes both forms).
 */
static bool numeric_date(const json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = (long long)json_integer_value(v);
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!(d > -1e15 && d < 1e15))
			return false;
		*out = (long long)d;
		return true;
	}
	if (json_is_string(v)) {
		const char *t = json_string_value(v);
		size_t n = strlen(t);
		if (n == 0 || n > 18 || strspn(t, "0123456789") != n)
			return false;
		*out = strtoll(t, NULL, 10);
		return true;
	}
	return false;
}

int emu_assertion_verify(const char *assertion, const char *client_id, json_t *app,
			 const char *expected_aud, const char *alt_aud, char *why, size_t whylen)
{
	json_t *hdr = NULL, *claims = NULL, *c;
	unsigned char *sig = NULL;
	size_t siglen = 0, slen = 0, i;
	X509 *x = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int rc = 50027;
	const char *alg, *x5t, *x5t256, *aud, *iss, *sub, *jti;
	long long now = emu_now(), exp_at = 0, nbf_at = 0;

	if (jws_split(assertion, &hdr, &claims, &slen, &sig, &siglen) != 0) {
		snprintf(why, whylen, "JWT token is invalid or malformed.");
		goto done;
	}
	alg = emu_jstr(hdr, "alg");
	x5t = emu_jstr(hdr, "x5t");
	x5t256 = emu_jstr(hdr, "x5t#S256");
	if (!alg || (strcmp(alg, "RS256") != 0 && strcmp(alg, "PS256") != 0)) {
		snprintf(why, whylen, "JWT token is invalid or malformed. [Reason - The client assertion must be signed with RS256 or PS256.]");
		goto done;
	}
	if (!x5t && !x5t256) {
		rc = 700027;
		snprintf(why, whylen, "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: 'none']");
		goto done;
	}
	json_array_foreach(json_object_get(app, "certificates"), i, c)
	{
		const char *pem = json_is_string(c) ? json_string_value(c) : emu_jstr(c, "pem");
		if (!pem)
			continue;
		x = load_cert(pem);
		if (!x)
			continue;
		if ((x5t && thumb_matches(x, EVP_sha1(), x5t)) || (x5t256 && thumb_matches(x, EVP_sha256(), x5t256)))
			break;
		X509_free(x);
		x = NULL;
	}
	if (!x) {
		rc = 700027;
		snprintf(why, whylen, "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '%.64s']",
			 x5t ? x5t : x5t256);
		goto done;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
		rc = 700027;
		snprintf(why, whylen, "Client assertion failed signature validation. [Reason - The key used is expired.]");
		goto done;
	}
	mctx = EVP_MD_CTX_new();
	if (!mctx || EVP_DigestVerifyInit(mctx, &pctx, EVP_sha256(), NULL, X509_get0_pubkey(x)) != 1) {
		rc = 700027;
		snprintf(why, whylen, "Client assertion failed signature validation. [Reason - The registered key cannot verify signatures.]");
		goto done;
	}
	if (strcmp(alg, "PS256") == 0 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
		rc = 700027;
		snprintf(why, whylen, "Client assertion failed signature validation.");
		goto done;
	}
	if (EVP_DigestVerify(mctx, sig, siglen, (const unsigned char *)assertion, slen) != 1) {
		rc = 700027;
		snprintf(why, whylen, "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value.]");
		goto done;
	}
	aud = emu_jstr(claims, "aud");
	if (!aud || (strcmp(aud, expected_aud) != 0 && (!alt_aud || strcmp(aud, alt_aud) != 0))) {
		snprintf(why, whylen, "JWT token is invalid or malformed. [Reason - The audience claim '%.200s' does not match the token endpoint '%.200s'.]",
			 aud ? aud : "(none)", expected_aud);
		goto done;
	}
	iss = emu_jstr(claims, "iss");
	sub = emu_jstr(claims, "sub");
	if (!iss || !sub || strcasecmp(iss, client_id) != 0 || strcasecmp(sub, client_id) != 0) {
		snprintf(why, whylen, "JWT token is invalid or malformed. [Reason - The 'iss' and 'sub' claims must both equal the client_id.]");
		goto done;
	}
	if (!numeric_date(json_object_get(claims, "exp"), &exp_at)) {
		snprintf(why, whylen, "JWT token is invalid or malformed. [Reason - The 'exp' claim is missing.]");
		goto done;
	}
	if (json_object_get(claims, "nbf") && !numeric_date(json_object_get(claims, "nbf"), &nbf_at)) {
		snprintf(why, whylen, "JWT token is invalid or malformed. [Reason - The 'nbf' claim is not a date.]");
		goto done;
	}
	if (exp_at <= now - ASSERTION_SKEW) {
		rc = 700024;
		snprintf(why, whylen, "Client assertion is not within its valid time range. [Reason - The assertion has expired.]");
		goto done;
	}
	if (json_object_get(claims, "nbf") && nbf_at > now + ASSERTION_SKEW) {
		rc = 700024;
		snprintf(why, whylen, "Client assertion is not within its valid time range. [Reason - The 'nbf' claim is in the future.]");
		goto done;
	}
	jti = emu_jstr(claims, "jti");
	if (jti) {
		if (json_object_get(g_emu.jtis, jti)) {
			snprintf(why, whylen, "JWT token is invalid or malformed. [Reason - The assertion 'jti' was already used (replay).]");
			goto done;
		}
		if (json_object_size(g_emu.jtis) > 10000) { /* forget jtis whose assertion expired */
			const char *k;
			json_t *v, *tmp;
			json_object_foreach_safe(g_emu.jtis, tmp, k, v)
			{
				if (json_integer_value(v) < now - ASSERTION_SKEW)
					json_object_del(g_emu.jtis, k);
			}
		}
		json_object_set_new(g_emu.jtis, jti, json_integer(exp_at));
	}
	rc = 0;
done:
	EVP_MD_CTX_free(mctx);
	X509_free(x);
	json_decref(hdr);
	json_decref(claims);
	free(sig);
	return rc;
}
