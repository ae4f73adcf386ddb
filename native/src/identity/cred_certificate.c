/*
 * cred_certificate.c: service principal + certificate. Every token request carries a
 * fresh client assertion (RS256 JWT, x5t = base64url SHA-1 of the DER certificate,
 * x5c with the chain when asked, aud = the exact token endpoint URL, iss = sub =
 * client ID, jti fresh, nbf = iat = now, exp = now + 10 min).
 *
 * Key sources: a PEM file (certificate(s) + private key, the key possibly encrypted),
 * a PKCS#12 file (.pfx / .p12) with its password, or a DER certificate plus a signing
 * callback for keys the library cannot read (HSM, Windows store...).
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#define CERT_FILE_MAX ((long)1024 * 1024)
#define CHAIN_MAX 10

typedef struct cert_cred {
	azsreg_credential base;
	azsreg_cred_app app;
	EVP_PKEY *pkey; /* NULL when sign_cb is used */
	azsreg_sign_cb sign_cb;
	void *sign_payload;
	azsreg_payload_free_cb sign_payload_free; /* called once with sign_payload by cc_destroy */
	unsigned char *der[CHAIN_MAX]; /* der[0] is the signing certificate */
	size_t der_len[CHAIN_MAX];
	size_t chain_count; /* certificates held */
	int send_chain;
} cert_cred;

static int key_sign(const unsigned char *data, size_t data_len, unsigned char *sig, size_t *sig_len, void *payload)
{
	EVP_PKEY *pkey = payload;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t need = 0;
	int r = -1;

	if (md == NULL)
		goto done;
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto done;
	if (EVP_DigestSign(md, NULL, &need, data, data_len) != 1 || need > *sig_len)
		goto done;
	need = *sig_len;
	if (EVP_DigestSign(md, sig, &need, data, data_len) != 1)
		goto done;
	*sig_len = need;
	r = 0;
done:
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}

static int cc_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	cert_cred *c = (cert_cred *)cred;
	azsreg_buf url = AZSREG_BUF_INIT;
	char *assertion = NULL;
	azsreg_assertion_params ap;
	const azsreg_clock *clk = azsreg_cred__clock(ctx);
	const unsigned char *chain[CHAIN_MAX];
	int rc;
	size_t i;

	memset(&ap, 0, sizeof(ap));
	rc = azsreg_cred__token_url(&url, ctx, azsreg_cred__tenant(ctx, c->app.tenant), 0);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
		goto done;
	}
	for (i = 0; i < c->chain_count; i++)
		chain[i] = c->der[i];
	ap.client_id = c->app.client_id;
	ap.audience = azsreg_buf__cstr(&url);
	ap.cert_der = c->der[0];
	ap.cert_der_len = c->der_len[0];
	ap.chain_der = chain;
	ap.chain_der_len = c->der_len;
	ap.chain_count = c->send_chain ? c->chain_count : 0;
	ap.now_unix = clk->unix_time(clk->ctx);
	ap.sign = c->pkey ? key_sign : c->sign_cb;
	ap.sign_payload = c->pkey ? (void *)c->pkey : c->sign_payload;
	rc = azsreg_jwt__build_assertion(&assertion, &ap);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
		goto done;
	}
	rc = azsreg_cred__client_credentials(cred, ctx, azsreg_buf__cstr(&url), c->app.client_id, NULL, assertion, out);
done:
	azsreg__free_secret(assertion);
	azsreg_buf__free(&url);
	return rc;
}

static void cc_destroy(azsreg_credential *cred)
{
	cert_cred *c = (cert_cred *)cred;
	size_t i;

	if (c->sign_payload_free != NULL)
		c->sign_payload_free(c->sign_payload);
	EVP_PKEY_free(c->pkey);
	for (i = 0; i < c->chain_count; i++)
		free(c->der[i]);
	azsreg_cred__app_free(&c->app);
	azsreg__wipe(c, sizeof(*c));
	free(c);
}

static const azsreg_credential_vtable cc_vtable = { "Certificate", cc_get_token, cc_destroy };

static int add_der(cert_cred *c, X509 *x)
{
	unsigned char *der = NULL;
	int n;

	if (c->chain_count >= CHAIN_MAX)
		return AZSREG_OK; /* longer chains are cut; the leaf is what matters */
	n = i2d_X509(x, &der);
	if (n <= 0)
		return azsreg_error__set(AZSREG_EINVALID, "certificate credential: cannot encode a certificate as DER");
	c->der[c->chain_count] = malloc((size_t)n);
	if (c->der[c->chain_count] == NULL) {
		OPENSSL_free(der);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory");
	}
	memcpy(c->der[c->chain_count], der, (size_t)n);
	c->der_len[c->chain_count] = (size_t)n;
	c->chain_count++;
	OPENSSL_free(der);
	return AZSREG_OK;
}

typedef struct pw_ctx {
	const char *password;
	int asked;
} pw_ctx;

/* PEM password callback: never prompts; reports whether a password was needed. */
static int pem_pw_cb(char *buf, int size, int rwflag, void *u)
{
	pw_ctx *p = u;
	size_t n;

	(void)rwflag;
	p->asked = 1;
	if (p->password == NULL || size <= 0)
		return -1;
	n = strlen(p->password);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, p->password, n);
	return (int)n;
}

/* Reads the whole file into *out (wiped by caller). */
static int read_file(azsreg_buf *out, const char *path)
{
	FILE *f = NULL;
	int problem = 0, rc;

	if (azsreg_plat__path_kind(path) == AZSREG_PLAT_DIR)
		return azsreg_error__set(AZSREG_EINVALID,
					 "certificate credential: \"%s\" is a directory, not a certificate file (PEM with its key, or PKCS#12)", path);
	f = azsreg_plat__fopen(path, "rb");
	if (f == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "certificate credential: cannot open \"%s\": %s", path, strerror(errno));
	rc = azsreg_buf__read_file(out, f, (size_t)CERT_FILE_MAX, &problem);
	fclose(f);
	if (problem == AZSREG_READ_TOO_LARGE)
		return azsreg_error__set(AZSREG_EINVALID, "certificate credential: \"%s\" is larger than 1 MiB", path);
	if (problem == AZSREG_READ_FAILED)
		return azsreg_error__set(AZSREG_EINVALID, "certificate credential: cannot read \"%s\"", path);
	if (rc == AZSREG_OK && out->size == 0)
		rc = azsreg_error__set(AZSREG_EINVALID, "certificate credential: \"%s\" is empty", path);
	return rc;
}

static int load_pem(cert_cred *c, const azsreg_buf *data, const char *path, const char *password)
{
	int rc = AZSREG_OK;
	BIO *bio = NULL;
	X509 *x = NULL;
	X509 *certs[CHAIN_MAX];
	size_t ncerts = 0, i, leaf = 0;
	pw_ctx pw;

	pw.password = password;
	pw.asked = 0;
	bio = BIO_new_mem_buf(data->ptr, (int)data->size);
	if (bio == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	while (ncerts < CHAIN_MAX) {
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		if (x == NULL)
			break;
		certs[ncerts++] = x;
	}
	ERR_clear_error();
	if (ncerts == 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "certificate credential: \"%s\" holds no PEM CERTIFICATE", path);
		goto done;
	}
	BIO_free(bio);
	bio = BIO_new_mem_buf(data->ptr, (int)data->size);
	if (bio == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	c->pkey = PEM_read_bio_PrivateKey(bio, NULL, pem_pw_cb, &pw);
	ERR_clear_error();
	if (c->pkey == NULL) {
		if (pw.asked && password == NULL)
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "certificate credential: the private key in \"%s\" is encrypted; give its password", path);
		else if (pw.asked)
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "certificate credential: cannot decrypt the private key in \"%s\" (wrong password?)", path);
		else
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "certificate credential: \"%s\" holds no PEM PRIVATE KEY (a PEM file needs certificate and key)", path);
		goto done;
	}
	for (i = 0; i < ncerts; i++) {
		if (X509_check_private_key(certs[i], c->pkey) == 1) {
			leaf = i;
			break;
		}
	}
	ERR_clear_error();
	if (i == ncerts) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: the private key in \"%s\" does not belong to any certificate in it", path);
		goto done;
	}
	rc = add_der(c, certs[leaf]);
	for (i = 0; rc == AZSREG_OK && i < ncerts; i++)
		if (i != leaf)
			rc = add_der(c, certs[i]);
done:
	for (i = 0; i < ncerts; i++)
		X509_free(certs[i]);
	BIO_free(bio);
	return rc;
}

static int load_pkcs12(cert_cred *c, const azsreg_buf *data, const char *path, const char *password)
{
	int rc = AZSREG_OK;
	BIO *bio = NULL;
	PKCS12 *p12 = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	int i;

	bio = BIO_new_mem_buf(data->ptr, (int)data->size);
	if (bio == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	p12 = d2i_PKCS12_bio(bio, NULL);
	if (p12 == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: \"%s\" is neither PEM (certificate + key) nor PKCS#12 (.pfx)", path);
		goto done;
	}
	if (PKCS12_parse(p12, password ? password : "", &c->pkey, &cert, &ca) != 1) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: cannot open the PKCS#12 file \"%s\" (%s)", path,
				       password ? "wrong password?" : "it needs a password?");
		goto done;
	}
	if (c->pkey == NULL || cert == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: the PKCS#12 file \"%s\" lacks a certificate or its private key", path);
		goto done;
	}
	if (X509_check_private_key(cert, c->pkey) != 1) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: the private key in \"%s\" does not belong to its certificate", path);
		goto done;
	}
	rc = add_der(c, cert);
	for (i = 0; rc == AZSREG_OK && ca != NULL && i < sk_X509_num(ca); i++)
		rc = add_der(c, sk_X509_value(ca, i));
done:
	ERR_clear_error();
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	BIO_free(bio);
	return rc;
}

AZSREG_EXTERN(int) azsreg_credential_certificate_new(azsreg_credential **out, const azsreg_certificate_options *opts)
{
	int rc = AZSREG_OK;
	cert_cred *c = NULL;
	azsreg_buf data = AZSREG_BUF_INIT;
	azsreg_payload_free_cb payload_free = NULL;
	void *payload = NULL;
	char desc[256];
	unsigned char sha1[SHA_DIGEST_LENGTH];
	char thumb[2 * SHA_DIGEST_LENGTH + 1];
	size_t i;

	/* version 2: the payload is ours to release from here on, whatever the outcome */
	if (opts != NULL && opts->version == AZSREG_CERTIFICATE_OPTIONS_VERSION) {
		payload_free = opts->sign_payload_free;
		payload = opts->sign_payload;
	}
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "certificate credential: out is NULL");
		goto done;
	}
	*out = NULL;
	if (opts == NULL || (opts->version != 1 && opts->version != AZSREG_CERTIFICATE_OPTIONS_VERSION)) {
		rc = azsreg_error__set(AZSREG_EINVALID, "certificate credential: options missing or of an unknown version");
		goto done;
	}
	rc = azsreg_cred__check_app(opts->client_id, opts->tenant_id, "certificate credential");
	if (rc != AZSREG_OK)
		goto done;
	if ((opts->certificate_path == NULL || opts->certificate_path[0] == '\0') == (opts->certificate_der == NULL)) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: give either certificate_path or certificate_der + sign_cb");
		goto done;
	}
	if (opts->certificate_der != NULL && (opts->sign_cb == NULL || opts->certificate_der_len == 0 ||
					      opts->certificate_der_len > (size_t)CERT_FILE_MAX)) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "certificate credential: certificate_der needs certificate_der_len (up to 1 MiB) and a sign_cb");
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	rc = azsreg_cred__app_copy(&c->app, opts->client_id, opts->tenant_id);
	if (rc != AZSREG_OK)
		goto done;
	c->send_chain = opts->send_certificate_chain != 0;
	if (opts->certificate_der != NULL) {
		const unsigned char *p = opts->certificate_der;
		X509 *x = d2i_X509(NULL, &p, (long)opts->certificate_der_len);

		ERR_clear_error();
		if (x == NULL) {
			rc = azsreg_error__set(AZSREG_EINVALID, "certificate credential: certificate_der is not a DER X.509 certificate");
			goto done;
		}
		X509_free(x);
		c->der[0] = malloc(opts->certificate_der_len);
		if (c->der[0] == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(c->der[0], opts->certificate_der, opts->certificate_der_len);
		c->der_len[0] = opts->certificate_der_len;
		c->chain_count = 1;
		c->sign_cb = opts->sign_cb;
		c->sign_payload = opts->sign_payload;
	} else {
		rc = read_file(&data, opts->certificate_path);
		if (rc != AZSREG_OK)
			goto done;
		if (strstr(data.ptr, "-----BEGIN") != NULL)
			rc = load_pem(c, &data, opts->certificate_path, opts->certificate_password);
		else
			rc = load_pkcs12(c, &data, opts->certificate_path, opts->certificate_password);
		if (rc != AZSREG_OK)
			goto done;
		if (EVP_PKEY_get_base_id(c->pkey) != EVP_PKEY_RSA) {
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "certificate credential: the key in \"%s\" is not an RSA key (client assertions use RS256)",
					       opts->certificate_path);
			goto done;
		}
	}
	if (SHA1(c->der[0], c->der_len[0], sha1) == NULL) {
		rc = azsreg_error__set(AZSREG_ERROR, "certificate credential: SHA-1 failed");
		goto done;
	}
	for (i = 0; i < sizeof(sha1); i++)
		snprintf(thumb + 2 * i, 3, "%02X", sha1[i]);
	snprintf(desc, sizeof(desc), "Certificate(client %.80s, tenant %.80s, thumbprint %s)", c->app.client_id,
		 c->app.tenant ? c->app.tenant : "from client options", thumb);
	azsreg_credential__init(&c->base, &cc_vtable, desc);
	/* the payload handed over is the one released, whichever route made the credential
	 * (a certificate file signs with its own key, but its payload is still released) */
	if (payload_free != NULL)
		c->sign_payload = payload;
	c->sign_payload_free = payload_free;
	payload_free = NULL;
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		cc_destroy(&c->base);
	if (payload_free != NULL)
		payload_free(payload);
	azsreg_buf__wipe_free(&data);
	return rc;
}
