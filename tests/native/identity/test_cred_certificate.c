/*
 * test_cred_certificate.c: the certificate credential (cred_certificate.c): the client
 * assertion's header, claims and RS256 signature for PEM, encrypted PEM, PKCS#12 and a
 * signing callback; x5c on request; the signing payload released exactly once; errors
 * that name the file.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "cred_fixture.h"

TestSuite(cred_certificate, .init = cred_setup, .fini = cred_teardown);

static EVP_PKEY *test_key;
static X509 *test_cert;

static void make_cert(void)
{
	X509_NAME *name;

	test_key = EVP_RSA_gen(2048);
	cr_assert_not_null(test_key);
	test_cert = X509_new();
	X509_set_version(test_cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(test_cert), 7);
	X509_gmtime_adj(X509_getm_notBefore(test_cert), 0);
	X509_gmtime_adj(X509_getm_notAfter(test_cert), 3600);
	X509_set_pubkey(test_cert, test_key);
	name = X509_get_subject_name(test_cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"azsreg-test", -1, -1, 0);
	X509_set_issuer_name(test_cert, name);
	cr_assert(X509_sign(test_cert, test_key, EVP_sha256()) > 0);
}

static void write_pem(const char *path, const char *password)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	PEM_write_X509(f, test_cert);
	if (password)
		PEM_write_PrivateKey(f, test_key, EVP_aes_256_cbc(), (const unsigned char *)password, (int)strlen(password), NULL, NULL);
	else
		PEM_write_PrivateKey(f, test_key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
}

static void write_p12(const char *path, const char *password)
{
	FILE *f = fopen(path, "wb");
	PKCS12 *p12 = PKCS12_create(password, "azsreg", test_key, test_cert, NULL, 0, 0, 0, 0, 0);

	cr_assert_not_null(f);
	cr_assert_not_null(p12);
	i2d_PKCS12_fp(f, p12);
	PKCS12_free(p12);
	fclose(f);
}

static json_t *decode_json_part(const char *p, size_t n)
{
	azsreg_buf raw = AZSREG_BUF_INIT;
	json_t *j;

	cr_assert_eq(azsreg_base64url__decode(&raw, p, n), 0);
	j = json_loadb(raw.ptr, raw.size, 0, NULL);
	azsreg_buf__free(&raw);
	cr_assert_not_null(j);
	return j;
}

/* Checks the recorded request's assertion: header, claims, and the RS256 signature. */
static void check_assertion(size_t req, int expect_x5c)
{
	char assertion[8192];
	const char *d1, *d2;
	json_t *h, *cl;
	unsigned char *der = NULL;
	int der_len;
	unsigned char sha1[SHA_DIGEST_LENGTH];
	azsreg_buf x5t = AZSREG_BUF_INIT, sig = AZSREG_BUF_INIT;
	EVP_MD_CTX *md;
	char guid[AZSREG_GUID_LEN + 1];

	cr_assert_not_null(form_value(ft->reqs[req].body, "client_assertion", assertion, sizeof(assertion)));
	cr_expect_str_eq(form_value(ft->reqs[req].body, "client_assertion_type", (char[128]){ 0 }, 128),
			 "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
	d1 = strchr(assertion, '.');
	cr_assert_not_null(d1);
	d2 = strchr(d1 + 1, '.');
	cr_assert_not_null(d2);
	cr_assert_null(strchr(d2 + 1, '.'));
	h = decode_json_part(assertion, (size_t)(d1 - assertion));
	cl = decode_json_part(d1 + 1, (size_t)(d2 - d1 - 1));
	der_len = i2d_X509(test_cert, &der);
	SHA1(der, (size_t)der_len, sha1);
	azsreg_base64url__encode(&x5t, sha1, sizeof(sha1));
	cr_expect_str_eq(json_string_value(json_object_get(h, "alg")), "RS256");
	cr_expect_str_eq(json_string_value(json_object_get(h, "typ")), "JWT");
	cr_expect_str_eq(json_string_value(json_object_get(h, "x5t")), x5t.ptr);
	if (expect_x5c) {
		azsreg_buf b64 = AZSREG_BUF_INIT;

		azsreg_base64__encode(&b64, der, (size_t)der_len);
		cr_expect_eq(json_array_size(json_object_get(h, "x5c")), 1);
		cr_expect_str_eq(json_string_value(json_array_get(json_object_get(h, "x5c"), 0)), b64.ptr);
		azsreg_buf__free(&b64);
	} else {
		cr_expect_null(json_object_get(h, "x5c"));
	}
	cr_expect_str_eq(json_string_value(json_object_get(cl, "aud")), ft->reqs[req].url);
	cr_expect_str_eq(json_string_value(json_object_get(cl, "iss")), CLIENT);
	cr_expect_str_eq(json_string_value(json_object_get(cl, "sub")), CLIENT);
	cr_expect_eq(azsreg_guid_normalize(guid, json_string_value(json_object_get(cl, "jti")), "jti"), 0);
	cr_expect_eq(json_integer_value(json_object_get(cl, "nbf")), clk.unix_now);
	cr_expect_eq(json_integer_value(json_object_get(cl, "iat")), clk.unix_now);
	cr_expect_eq(json_integer_value(json_object_get(cl, "exp")), clk.unix_now + 600);
	cr_assert_eq(azsreg_base64url__decode(&sig, d2 + 1, strlen(d2 + 1)), 0);
	md = EVP_MD_CTX_new();
	cr_assert_eq(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(test_cert)), 1);
	cr_expect_eq(EVP_DigestVerify(md, (const unsigned char *)sig.ptr, sig.size, (const unsigned char *)assertion,
				      (size_t)(d2 - assertion)),
		     1, "RS256 signature does not verify");
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	azsreg_buf__free(&x5t);
	azsreg_buf__free(&sig);
	json_decref(h);
	json_decref(cl);
}

static azsreg_credential *cert_cred(const char *path, const char *password, int chain)
{
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	o.tenant_id = TENANT;
	o.client_id = CLIENT;
	o.certificate_path = path;
	o.certificate_password = password;
	o.send_certificate_chain = chain;
	cr_assert_eq(azsreg_credential_certificate_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	return c;
}

static void cert_round(azsreg_credential *c, int chain)
{
	azsreg_token t;
	char tmp[256];

	memset(&t, 0, sizeof(t));
	af_add(ft, 200, TOKEN_OK);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	azsreg_token__clear(&t);
	cr_assert_eq(ft->nreqs, 1);
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/token");
	cr_expect_str_eq(form_value(ft->reqs[0].body, "grant_type", tmp, sizeof(tmp)), "client_credentials");
	cr_expect_str_eq(form_value(ft->reqs[0].body, "client_id", tmp, sizeof(tmp)), CLIENT);
	cr_expect_str_eq(form_value(ft->reqs[0].body, "scope", tmp, sizeof(tmp)), "https%3A%2F%2Fmanagement.azure.com%2F.default");
	cr_expect_null(form_value(ft->reqs[0].body, "client_secret", tmp, sizeof(tmp)));
	check_assertion(0, chain);
	cr_expect(strstr(azsreg_credential_describe(c), "Certificate(client " CLIENT) != NULL);
	cr_expect(strstr(azsreg_credential_describe(c), "thumbprint ") != NULL);
}

Test(cred_certificate, certificate_pem_signs_a_valid_assertion)
{
	char path[] = "/tmp/azsreg-cert-XXXXXX";
	int fd = mkstemp(path);
	azsreg_credential *c;

	cr_assert(fd >= 0);
	close(fd);
	make_cert();
	write_pem(path, NULL);
	c = cert_cred(path, NULL, 0);
	cert_round(c, 0);
	azsreg_credential_free(c);
	unlink(path);
}

/* AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=1|true in the environment chain sends x5c; other values do not. */
Test(cred_certificate, environment_certificate_sends_x5c_when_asked)
{
	char path[] = "/tmp/azsreg-cert-XXXXXX";
	int fd = mkstemp(path);
	const char *values[] = { "true", "1", "TRUE", "0", "false", NULL };
	const int want[] = { 1, 1, 1, 0, 0, 0 };
	size_t i;

	cr_assert(fd >= 0);
	close(fd);
	make_cert();
	write_pem(path, NULL);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	setenv("AZURE_CLIENT_CERTIFICATE_PATH", path, 1);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		azsreg_credential *c = NULL;
		azsreg_token t;

		if (values[i] != NULL)
			setenv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN", values[i], 1);
		else
			unsetenv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
		cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
		memset(&t, 0, sizeof(t));
		af_add(ft, 200, TOKEN_OK);
		cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
		azsreg_token__clear(&t);
		check_assertion(i, want[i]);
		azsreg_credential_free(c);
	}
	unsetenv("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
	unsetenv("AZURE_CLIENT_CERTIFICATE_PATH");
	unlink(path);
}

Test(cred_certificate, certificate_encrypted_pem_needs_the_right_password)
{
	char path[] = "/tmp/azsreg-cert-XXXXXX";
	int fd = mkstemp(path);
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	cr_assert(fd >= 0);
	close(fd);
	make_cert();
	write_pem(path, "pem-pass-1234");
	o.tenant_id = TENANT;
	o.client_id = CLIENT;
	o.certificate_path = path;
	cr_expect_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "encrypted") != NULL, "%s", azsreg_error_last()->message);
	o.certificate_password = "wrong-pass";
	cr_expect_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "wrong-pass") == NULL);
	c = cert_cred(path, "pem-pass-1234", 1);
	cert_round(c, 1);
	azsreg_credential_free(c);
	unlink(path);
}

Test(cred_certificate, certificate_pkcs12_with_password)
{
	char path[] = "/tmp/azsreg-p12-XXXXXX";
	int fd = mkstemp(path);
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	cr_assert(fd >= 0);
	close(fd);
	make_cert();
	write_p12(path, "pfx-pass-5678");
	o.tenant_id = TENANT;
	o.client_id = CLIENT;
	o.certificate_path = path;
	o.certificate_password = "nope";
	cr_expect_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "PKCS#12") != NULL, "%s", azsreg_error_last()->message);
	c = cert_cred(path, "pfx-pass-5678", 0);
	cert_round(c, 0);
	azsreg_credential_free(c);
	unlink(path);
}

static int sign_with_test_key(const unsigned char *data, size_t len, unsigned char *sig, size_t *sig_len, void *payload)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok;

	(*(int *)payload)++;
	ok = EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, test_key) == 1 &&
	     EVP_DigestSign(md, sig, sig_len, data, len) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : 1;
}

/* Options for the test certificate given as DER (in *der, OPENSSL_free it) with a signing
 * callback; returns the DER's length. */
static int der_options(azsreg_certificate_options *o, unsigned char **der, azsreg_sign_cb cb, void *payload)
{
	int len;

	make_cert();
	len = i2d_X509(test_cert, der);
	cr_assert_gt(len, 0);
	o->tenant_id = TENANT;
	o->client_id = CLIENT;
	o->certificate_der = *der;
	o->certificate_der_len = (size_t)len;
	o->sign_cb = cb;
	o->sign_payload = payload;
	return len;
}

Test(cred_certificate, certificate_signing_callback)
{
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *c = NULL;
	unsigned char *der = NULL;
	int calls = 0;

	(void)der_options(&o, &der, sign_with_test_key, &calls);
	cr_assert_eq(azsreg_credential_certificate_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	OPENSSL_free(der);
	cert_round(c, 0);
	cr_expect_eq(calls, 1);
	azsreg_credential_free(c);
}

/* sign_payload_free (issue 12, item 2): counts the releases of the payload it is given */
static void count_release(void *payload)
{
	(*(int *)payload)++;
}

static int no_sign(const unsigned char *data, size_t len, unsigned char *sig, size_t *sig_len, void *payload)
{
	(void)data;
	(void)len;
	(void)sig;
	(void)sig_len;
	(void)payload;
	return 1;
}

/*
 * The payload release callback is called exactly once: when the credential is freed (not
 * before, however often it signed), or before a failing constructor returns; a version-1
 * options struct (which has no such member) is still accepted and never calls it.
 */
Test(cred_certificate, certificate_sign_payload_is_released_exactly_once)
{
	azsreg_certificate_options o;
	azsreg_credential *c = NULL;
	unsigned char *der = NULL;
	int der_len, calls = 0, released = 0;
	static const unsigned char not_der[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };

	cr_assert_eq(azsreg_certificate_options_init(&o, AZSREG_CERTIFICATE_OPTIONS_VERSION), AZSREG_OK);
	der_len = der_options(&o, &der, no_sign, &released);
	o.sign_payload_free = count_release;
	cr_assert_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_eq(released, 0, "released before the credential was freed");
	azsreg_credential_free(c);
	cr_expect_eq(released, 1, "released %d times when freed", released);

	/* a failing constructor releases it before it returns */
	released = 0;
	o.certificate_der = not_der;
	o.certificate_der_len = sizeof(not_der);
	c = NULL;
	cr_expect_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_EINVALID);
	cr_expect_null(c);
	cr_expect_eq(released, 1, "released %d times by a failed constructor", released);
	released = 0;
	cr_expect_eq(azsreg_credential_certificate_new(NULL, &o), AZSREG_EINVALID);
	cr_expect_eq(released, 1, "released %d times when out is NULL", released);

	/* version 1: no sign_payload_free member; signing still works, nothing is released */
	{
		azsreg_certificate_options v1;
		memset(&v1, 0x5a, sizeof(v1)); /* bytes past a version-1 struct are not read or written */
		cr_assert_eq(azsreg_certificate_options_init(&v1, 1), AZSREG_OK);
		cr_expect_eq(v1.version, 1);
		cr_expect_null(v1.sign_cb);
		cr_expect_eq(*(const unsigned char *)&v1.sign_payload_free, 0x5a, "init wrote past a version-1 struct");
		v1.tenant_id = TENANT;
		v1.client_id = CLIENT;
		v1.certificate_der = der;
		v1.certificate_der_len = (size_t)der_len;
		v1.sign_cb = sign_with_test_key;
		v1.sign_payload = &calls;
		released = 0;
		cr_assert_eq(azsreg_credential_certificate_new(&c, &v1), AZSREG_OK, "%s", azsreg_error_last()->message);
		cert_round(c, 0);
		cr_expect_eq(calls, 1);
		azsreg_credential_free(c);
		cr_expect_eq(released, 0);
	}
	cr_expect_eq(azsreg_certificate_options_init(&o, 3), AZSREG_EINVALID);
	OPENSSL_free(der);
}

static void *g_released_payload;

static void note_release(void *payload)
{
	g_released_payload = payload;
	(*(int *)payload)++;
}

/* A certificate file signs with its own key; a payload given with it is still released
 * once, and it is the payload that was given. */
Test(cred_certificate, certificate_file_releases_the_given_payload_once)
{
	char path[] = "/tmp/azsreg-cert-XXXXXX";
	int fd = mkstemp(path), released = 0;
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	cr_assert(fd >= 0);
	close(fd);
	make_cert();
	write_pem(path, NULL);
	o.tenant_id = TENANT;
	o.client_id = CLIENT;
	o.certificate_path = path;
	o.sign_payload = &released;
	o.sign_payload_free = note_release;
	g_released_payload = NULL;
	cr_assert_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	cert_round(c, 0);
	cr_expect_eq(released, 0);
	azsreg_credential_free(c);
	cr_expect_eq(released, 1, "released %d times", released);
	cr_expect_eq(g_released_payload, (void *)&released, "another payload was released");
	unlink(path);
}

Test(cred_certificate, certificate_file_errors_name_the_file)
{
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_credential *c = NULL;
	char path[] = "/tmp/azsreg-junk-XXXXXX";
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "not a certificate", 17), 17);
	close(fd);
	o.tenant_id = TENANT;
	o.client_id = CLIENT;
	o.certificate_path = "/nonexistent/cert.pem";
	cr_expect_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "/nonexistent/cert.pem") != NULL);
	o.certificate_path = path;
	cr_expect_eq(azsreg_credential_certificate_new(&c, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, path) != NULL, "%s", azsreg_error_last()->message);
	unlink(path);
}
