/*
 * test_credentials.c: every sign-in kind against a scripted transport: exact requests
 * (URL, headers, form bodies), client assertion structure and signature, managed
 * identity endpoints, device code polling, the environment chain, JSON credentials,
 * error composition, and that secrets never reach logs or error messages.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "auth_fakes.h"

#define TENANT "11111111-1111-1111-1111-111111111111"
#define CLIENT "22222222-2222-2222-2222-222222222222"
#define SECRET "s3cr=t&value+with/odd chars"
#define TOKEN_OK "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"opaque-token-abc\"}"

static af_clock clk;
static af_transport *ft;
static azsreg_pipeline *pl;
static azsreg_token_context ctx;
static azsreg_buf logs = AZSREG_BUF_INIT;

static void log_cb(int level, const char *message, void *payload)
{
	(void)payload;
	(void)azsreg_buf__printf(&logs, "%d %s\n", level, message);
}

static void setup(void)
{
	af_clock_init(&clk);
	ft = af_transport_new();
	azsreg_buf__clear(&logs);
	pl = af_pipeline(ft, &clk, log_cb, NULL);
	cr_assert_not_null(pl);
	memset(&ctx, 0, sizeof(ctx));
	ctx.env = &af_env_aad;
	ctx.pipeline = pl;
	unsetenv("IDENTITY_ENDPOINT");
	unsetenv("IDENTITY_HEADER");
	unsetenv("MSI_ENDPOINT");
	unsetenv("MSI_SECRET");
	unsetenv("AZSREG_IMDS_ENDPOINT");
	unsetenv("AZURE_TENANT_ID");
	unsetenv("AZURE_CLIENT_ID");
	unsetenv("AZURE_CLIENT_SECRET");
	unsetenv("AZURE_CLIENT_CERTIFICATE_PATH");
	unsetenv("AZURE_CLIENT_CERTIFICATE_PASSWORD");
	unsetenv("AZURE_FEDERATED_TOKEN_FILE");
	unsetenv("AZSREG_ACCESS_TOKEN");
	unsetenv("AZSREG_USERNAME");
	unsetenv("AZSREG_PASSWORD");
}

static void teardown(void)
{
	azsreg_pipeline__free(pl);
	af_transport_free(ft);
	azsreg_buf__free(&logs);
}

TestSuite(credentials, .init = setup, .fini = teardown);

static azsreg_credential *secret_cred(const char *tenant)
{
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	o.tenant_id = tenant;
	o.client_id = CLIENT;
	o.client_secret = SECRET;
	cr_assert_eq(azsreg_credential_client_secret_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	return c;
}

static const char *form_value(const char *body, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	const char *p = body;

	while (p && *p) {
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t len = strcspn(p + n + 1, "&");

			if (len >= cap)
				len = cap - 1;
			memcpy(out, p + n + 1, len);
			out[len] = '\0';
			return out;
		}
		p = strchr(p, '&');
		if (p)
			p++;
	}
	return NULL;
}

/* ------------------------------------------------------------ client secret */

Test(credentials, client_secret_sends_the_v2_scope_form)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	af_add(ft, 200, TOKEN_OK);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "opaque-token-abc");
	cr_expect_eq((t.expires_on_ms / 1000), clk.unix_now + 3599);
	cr_expect_eq((t.issued_at_ms / 1000), clk.unix_now);
	cr_assert_eq(ft->nreqs, 1);
	cr_expect_str_eq(ft->reqs[0].method, "POST");
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/token");
	cr_expect_str_eq(ft->reqs[0].body,
			 "grant_type=client_credentials&client_id=" CLIENT
			 "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
			 "&client_secret=s3cr%3Dt%26value%2Bwith%2Fodd%20chars");
	cr_expect_str_eq(azsreg_headers__get(&ft->reqs[0].headers, "Content-Type"), "application/x-www-form-urlencoded");
	cr_expect_null(azsreg_headers__get(&ft->reqs[0].headers, "Authorization"));
	cr_expect_str_eq(azsreg_credential_describe(c), "ClientSecret(client " CLIENT ", tenant " TENANT ")");
	azsreg_token__clear(&t);
	azsreg_credential_free(c);
}

/* The lifetime counts from when the request was sent, not from when the answer arrived. */
Test(credentials, token_lifetime_counts_from_the_moment_the_request_was_sent)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token t;
	int64_t sent_ms = clk.unix_now * 1000 + 400;

	memset(&t, 0, sizeof(t));
	clk.sub_ms = 400;
	ft->clock = &clk;
	ft->latency_ms = 1700; /* the answer arrives 1.7 s later */
	af_add(ft, 200, TOKEN_OK); /* expires_in 3599 */
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq(t.issued_at_ms, sent_ms);
	cr_expect_eq(t.expires_on_ms, sent_ms + INT64_C(3599000));
	cr_expect_eq((t.expires_on_ms / 1000), (sent_ms + INT64_C(3599000)) / 1000);
	cr_expect_eq(clk.unix_now * 1000 + clk.sub_ms, sent_ms + 1700, "the fake transport did not take its time");
	azsreg_token__clear(&t);
	azsreg_credential_free(c);
}

Test(credentials, client_secret_uses_the_client_tenant_override_and_adfs_resource_form)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	af_add(ft, 200, TOKEN_OK);
	af_add(ft, 200, TOKEN_OK);
	ctx.tenant = "contoso.onmicrosoft.com";
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0);
	azsreg_token__clear(&t);
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
	ctx.env = &af_env_adfs;
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0);
	azsreg_token__clear(&t);
	cr_expect_str_eq(ft->reqs[1].url, "https://adfs.local.azurestack.external/adfs/oauth2/token");
	cr_expect_str_eq(ft->reqs[1].body,
			 "grant_type=client_credentials&client_id=" CLIENT
			 "&resource=https%3A%2F%2Fadminmanagement.adfs.azurestack.local%2F123"
			 "&client_secret=s3cr%3Dt%26value%2Bwith%2Fodd%20chars");
	azsreg_credential_free(c);
}

Test(credentials, client_secret_refuses_bad_input_before_sending)
{
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	azsreg_credential *c = NULL;
	azsreg_token t;

	o.client_id = CLIENT;
	o.client_secret = "";
	cr_expect_eq(azsreg_credential_client_secret_new(&c, &o), AZSREG_EINVALID);
	cr_expect_null(c);
	o.client_secret = SECRET;
	o.tenant_id = "evil/../x?y";
	cr_expect_eq(azsreg_credential_client_secret_new(&c, &o), AZSREG_EINVALID);
	o.tenant_id = NULL;
	o.client_id = "has space";
	cr_expect_eq(azsreg_credential_client_secret_new(&c, &o), AZSREG_EINVALID);
	o.client_id = CLIENT;
	o.version = 99;
	cr_expect_eq(azsreg_credential_client_secret_new(&c, &o), AZSREG_EINVALID);
	/* No tenant anywhere: refused at sign-in, nothing sent. */
	c = secret_cred(NULL);
	memset(&t, 0, sizeof(t));
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EINVALID);
	cr_expect_eq(ft->nreqs, 0);
	cr_expect(strstr(azsreg_error_last()->message, "tenant") != NULL);
	azsreg_credential_free(c);
}

Test(credentials, failed_sign_in_names_credential_authority_code_and_hides_the_secret)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token t;
	const azsreg_error *e;

	memset(&t, 0, sizeof(t));
	af_add(ft, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. "
			"Ensure the secret being sent is the client secret value.\",\"error_codes\":[7000215],"
			"\"correlation_id\":\"aaaaaaaa-0000-0000-0000-000000000001\",\"trace_id\":\"t\"}");
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	e = azsreg_error_last();
	cr_expect(strstr(e->message, "ClientSecret(client " CLIENT) != NULL, "%s", e->message);
	cr_expect(strstr(e->message, "https://login.microsoftonline.com/" TENANT "/") != NULL, "%s", e->message);
	cr_expect(strstr(e->message, "AADSTS7000215") != NULL, "%s", e->message);
	cr_expect_str_eq(e->arm_code, "AADSTS7000215");
	cr_expect_eq(e->http_status, 401);
	cr_expect(e->hint[0] != '\0');
	cr_expect(strstr(e->message, "s3cr") == NULL);
	cr_expect(strstr(azsreg_error_last_json(), "s3cr") == NULL);
	cr_expect(strstr(azsreg_buf__cstr(&logs), "s3cr") == NULL, "%s", azsreg_buf__cstr(&logs));
	cr_expect(logs.size > 0, "the pipeline logged nothing at TRACE");
	azsreg_credential_free(c);
}

/* A transport failure names the sign-in once ("sign-in with X at URL: ..."), not twice. */
Test(credentials, transport_failure_names_the_sign_in_once)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token t;
	const char *m, *first;

	memset(&t, 0, sizeof(t));
	af_add_error(ft, AZSREG_ENETWORK);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), AZSREG_ENETWORK);
	m = azsreg_error_last()->message;
	first = strstr(m, "sign-in with ClientSecret(");
	cr_expect(first == m, "%s", m);
	cr_expect(first != NULL && strstr(first + 1, "sign-in with") == NULL, "the prefix is repeated: %s", m);
	cr_expect(strstr(m, "fake transport failure") != NULL, "%s", m);
	azsreg_credential_free(c);
}

Test(credentials, malformed_token_answers_are_sign_in_errors_without_the_body)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	af_add(ft, 200, "{\"access_token\":\"tok-xyz-123\",\"expires_in\":-5}");
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "expires_in") != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "tok-xyz") == NULL);
	cr_expect(strstr(azsreg_error_last()->message, "ClientSecret") != NULL);
	azsreg_credential_free(c);
}

/* -------------------------------------------------------------- certificate */

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

Test(credentials, certificate_pem_signs_a_valid_assertion)
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
Test(credentials, environment_certificate_sends_x5c_when_asked)
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

Test(credentials, certificate_encrypted_pem_needs_the_right_password)
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

Test(credentials, certificate_pkcs12_with_password)
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

Test(credentials, certificate_signing_callback)
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
Test(credentials, certificate_sign_payload_is_released_exactly_once)
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
Test(credentials, certificate_file_releases_the_given_payload_once)
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

Test(credentials, certificate_file_errors_name_the_file)
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

/* ---------------------------------------------------------------- federated */

Test(credentials, federated_reads_the_assertion_file_on_every_request)
{
	char path[] = "/tmp/azsreg-fed-XXXXXX";
	int fd = mkstemp(path);
	azsreg_credential *c = NULL;
	azsreg_token t;
	char v[256];
	FILE *f;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "assertion-one\n", 14), 14);
	close(fd);
	cr_assert_eq(azsreg_credential_federated_new(&c, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, TENANT, CLIENT, path }), 0);
	memset(&t, 0, sizeof(t));
	af_add(ft, 200, TOKEN_OK);
	af_add(ft, 200, TOKEN_OK);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	azsreg_token__clear(&t);
	f = fopen(path, "w");
	fputs("assertion-two", f);
	fclose(f);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0);
	azsreg_token__clear(&t);
	cr_expect_str_eq(form_value(ft->reqs[0].body, "client_assertion", v, sizeof(v)), "assertion-one");
	cr_expect_str_eq(form_value(ft->reqs[1].body, "client_assertion", v, sizeof(v)), "assertion-two");
	cr_expect_str_eq(form_value(ft->reqs[1].body, "client_assertion_type", v, sizeof(v)),
			 "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
	f = fopen(path, "w");
	fclose(f);
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, path) != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "empty") != NULL);
	unlink(path);
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, path) != NULL);
	cr_expect_eq(ft->nreqs, 2);
	azsreg_credential_free(c);
}

/* --------------------------------------------------------- managed identity */

Test(credentials, managed_identity_identity_endpoint)
{
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	azsreg_credential *c = NULL;
	azsreg_token t;

	setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:40342/msi/token", 1);
	setenv("IDENTITY_HEADER", "hdr-secret-value", 1);
	o.client_id = "33333333-aaaa-bbbb-cccc-444444444444";
	cr_assert_eq(azsreg_credential_managed_identity_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	memset(&t, 0, sizeof(t));
	af_add(ft, 200, "{\"access_token\":\"mi-token\",\"expires_on\":\"1700003600\",\"resource\":\"x\",\"token_type\":\"Bearer\"}");
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq((t.expires_on_ms / 1000), 1700003600);
	cr_expect_str_eq(ft->reqs[0].method, "GET");
	cr_expect_str_eq(ft->reqs[0].url, "http://127.0.0.1:40342/msi/token?resource=https%3A%2F%2Fmanagement.azure.com%2F"
					  "&api-version=2019-08-01&client_id=33333333-aaaa-bbbb-cccc-444444444444");
	cr_expect_str_eq(azsreg_headers__get(&ft->reqs[0].headers, "X-IDENTITY-HEADER"), "hdr-secret-value");
	cr_expect_str_eq(azsreg_headers__get(&ft->reqs[0].headers, "Metadata"), "true");
	cr_expect(ft->reqs[0].no_proxy);
	cr_expect(strstr(azsreg_buf__cstr(&logs), "hdr-secret-value") == NULL);
	azsreg_token__clear(&t);
	azsreg_credential_free(c);
}

Test(credentials, managed_identity_msi_endpoint_uses_the_secret_header)
{
	azsreg_credential *c = NULL;
	azsreg_token t;

	setenv("MSI_ENDPOINT", "http://localhost:8081/msi/token", 1);
	setenv("MSI_SECRET", "msi-secret-value", 1);
	cr_assert_eq(azsreg_credential_managed_identity_new(&c, NULL), 0, "%s", azsreg_error_last()->message);
	memset(&t, 0, sizeof(t));
	af_add(ft, 200, "{\"access_token\":\"mi-token\",\"expires_on\":1700001000}");
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq((t.expires_on_ms / 1000), 1700001000);
	cr_expect_str_eq(ft->reqs[0].url, "http://localhost:8081/msi/token?resource=https%3A%2F%2Fmanagement.azure.com%2F&api-version=2017-09-01");
	cr_expect_str_eq(azsreg_headers__get(&ft->reqs[0].headers, "secret"), "msi-secret-value");
	azsreg_token__clear(&t);
	azsreg_credential_free(c);
}

Test(credentials, managed_identity_imds_short_timeout_no_proxy)
{
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	azsreg_credential *c = NULL;
	azsreg_token t;

	o.resource_id = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1";
	cr_assert_eq(azsreg_credential_managed_identity_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	memset(&t, 0, sizeof(t));
	af_add(ft, 200, "{\"access_token\":\"mi-token\",\"expires_in\":\"86399\",\"expires_on\":\"1\"}");
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq((t.expires_on_ms / 1000), clk.unix_now + 86399);
	cr_expect_str_eq(ft->reqs[0].url,
			 "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
			 "&resource=https%3A%2F%2Fmanagement.azure.com%2F&msi_res_id=%2Fsubscriptions%2F33333333-3333-3333-3333-333333333333"
			 "%2FresourceGroups%2Frg%2Fproviders%2FMicrosoft.ManagedIdentity%2FuserAssignedIdentities%2Fid1");
	cr_expect_str_eq(azsreg_headers__get(&ft->reqs[0].headers, "Metadata"), "true");
	cr_expect(ft->reqs[0].no_proxy);
	cr_expect(ft->reqs[0].allow_link_local_http);
	cr_expect_eq(ft->reqs[0].timeout_ms, 3000);
	azsreg_token__clear(&t);
	azsreg_credential_free(c);
}

Test(credentials, managed_identity_unavailable_when_nothing_answers)
{
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	azsreg_credential *c = NULL;
	azsreg_token t;

	setenv("AZSREG_IMDS_ENDPOINT", "http://127.0.0.1:9", 1);
	cr_assert_eq(azsreg_credential_managed_identity_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	memset(&t, 0, sizeof(t));
	af_add_error(ft, AZSREG_ENETWORK);
	af_add_error(ft, AZSREG_ENETWORK);
	af_add_error(ft, AZSREG_ENETWORK);
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "ManagedIdentityUnavailable");
	cr_expect(strstr(azsreg_error_last()->message, "not available in this environment") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(ft->reqs[0].url,
			 "http://127.0.0.1:9/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F");
	azsreg_credential_free(c);
}

Test(credentials, managed_identity_refuses_plain_http_to_remote_hosts)
{
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	o.identity_endpoint = "http://example.com/msi/token";
	o.identity_header = "h1234";
	cr_expect_eq(azsreg_credential_managed_identity_new(&c, &o), AZSREG_EINVALID);
	o.identity_header = NULL;
	o.identity_endpoint = "https://127.0.0.1/msi/token";
	cr_expect_eq(azsreg_credential_managed_identity_new(&c, &o), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "IDENTITY_HEADER") != NULL);
}

/* -------------------------------------------------------------- device code */

static int prompts;
static char prompt_msg[256];

static int prompt(const char *message, const char *user_code, const char *uri, void *payload)
{
	(void)payload;
	prompts++;
	snprintf(prompt_msg, sizeof(prompt_msg), "%s|%s|%s", message, user_code, uri);
	return 0;
}

Test(credentials, device_code_polls_honours_slow_down_and_keeps_the_refresh_token)
{
	azsreg_credential *c = NULL;
	azsreg_token t;
	char v[256];

	prompts = 0;
	cr_assert_eq(azsreg_credential_device_code_new(&c, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, TENANT, "04b07795-8ddb-461a-bbee-02f9e1bf7b46", prompt, NULL }), 0);
	af_add(ft, 200, "{\"device_code\":\"dev-code-secret\",\"user_code\":\"ABCD-EFGH\",\"verification_uri\":\"https://microsoft.com/devicelogin\","
			"\"expires_in\":900,\"interval\":5,\"message\":\"To sign in, enter ABCD-EFGH\"}");
	af_add(ft, 400, "{\"error\":\"authorization_pending\",\"error_description\":\"AADSTS70016: pending\"}");
	af_add(ft, 400, "{\"error\":\"slow_down\"}");
	af_add(ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"user-token\",\"refresh_token\":\"rt-secret-1\"}");
	af_add(ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"user-token-2\"}");
	memset(&t, 0, sizeof(t));
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "user-token");
	azsreg_token__clear(&t);
	cr_expect_eq(prompts, 1);
	cr_expect_str_eq(prompt_msg, "To sign in, enter ABCD-EFGH|ABCD-EFGH|https://microsoft.com/devicelogin");
	cr_assert_eq(ft->nreqs, 4);
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/devicecode");
	cr_expect_str_eq(ft->reqs[0].body, "client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46"
					   "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default%20offline_access");
	cr_expect_str_eq(ft->reqs[1].url, "https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/token");
	cr_expect_str_eq(ft->reqs[1].body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
					   "&client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46&device_code=dev-code-secret");
	cr_assert_eq(clk.nsleeps, 3);
	cr_expect_eq(clk.sleeps[0], 5000);
	cr_expect_eq(clk.sleeps[1], 5000);
	cr_expect_eq(clk.sleeps[2], 10000);
	/* Renewal: refresh token, no new prompt. */
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "user-token-2");
	azsreg_token__clear(&t);
	cr_expect_eq(prompts, 1);
	cr_expect_str_eq(form_value(ft->reqs[4].body, "grant_type", v, sizeof(v)), "refresh_token");
	cr_expect_str_eq(form_value(ft->reqs[4].body, "refresh_token", v, sizeof(v)), "rt-secret-1");
	cr_expect(strstr(azsreg_buf__cstr(&logs), "rt-secret-1") == NULL);
	cr_expect(strstr(azsreg_buf__cstr(&logs), "dev-code-secret") == NULL);
	/* A refused refresh token: EAUTH asking to sign in again, no device code flow. */
	af_add(ft, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS700082: The refresh token has expired.\"}");
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "sign in again") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(prompts, 1);
	azsreg_credential_free(c);
}

Test(credentials, device_code_declined_and_expired)
{
	azsreg_credential *c = NULL;
	azsreg_token t;
	const azsreg_error *e;

	cr_assert_eq(azsreg_credential_device_code_new(&c, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, TENANT, CLIENT, prompt, NULL }), 0);
	af_add(ft, 200, "{\"device_code\":\"d1234\",\"user_code\":\"U\",\"verification_uri\":\"https://x\",\"expires_in\":900,\"interval\":1}");
	af_add(ft, 400, "{\"error\":\"authorization_declined\",\"error_description\":\"AADSTS65004: User declined to consent to access the app.\","
			"\"error_codes\":[65004],\"trace_id\":\"trace-65004\",\"correlation_id\":\"corr-65004\"}");
	memset(&t, 0, sizeof(t));
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	e = azsreg_error_last();
	/* the identity provider's details are kept: AADSTS code, trace ID, correlation ID */
	cr_expect_str_eq(e->arm_code, "AADSTS65004");
	cr_expect_str_eq(e->request_id, "trace-65004");
	cr_expect_str_eq(e->correlation_id, "corr-65004");
	cr_expect_eq(e->http_status, 400);
	cr_expect(strstr(e->message, "authorization_declined: AADSTS65004: User declined") != NULL, "%s", e->message);
	cr_expect(strstr(e->message, "correlation ID corr-65004") != NULL, "%s", e->message);
	cr_expect(strstr(e->message, "DeviceCode(client " CLIENT) != NULL, "%s", e->message);
	cr_expect_str_eq(e->hint, azsreg_error_hint("authorization_declined"));
	af_add(ft, 200, "{\"device_code\":\"d1234\",\"user_code\":\"U\",\"verification_uri\":\"https://x\",\"expires_in\":900,\"interval\":1}");
	af_add(ft, 400, "{\"error\":\"expired_token\",\"error_description\":\"AADSTS70019: Verification code expired.\","
			"\"trace_id\":\"trace-70019\",\"correlation_id\":\"corr-70019\"}");
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	e = azsreg_error_last();
	cr_expect_str_eq(e->arm_code, "AADSTS70019");
	cr_expect_str_eq(e->request_id, "trace-70019");
	cr_expect_str_eq(e->correlation_id, "corr-70019");
	cr_expect(strstr(e->message, "expired_token: AADSTS70019") != NULL, "%s", e->message);
	cr_expect_str_eq(e->hint, azsreg_error_hint("expired_token"));
	/* the code's lifetime passes while pending: expired_token from the client itself */
	af_add(ft, 200, "{\"device_code\":\"d1234\",\"user_code\":\"U\",\"verification_uri\":\"https://x\",\"expires_in\":3,\"interval\":1}");
	af_add(ft, 400, "{\"error\":\"authorization_pending\"}");
	af_add(ft, 400, "{\"error\":\"authorization_pending\"}");
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "expired_token");
	cr_expect_eq(ft->nreqs, 7);
	azsreg_credential_free(c);
}

/* AD FS serves device code too: {authority}oauth2/devicecode with the resource= form. */
Test(credentials, device_code_on_adfs_uses_the_resource_form)
{
	azsreg_credential *c = NULL;
	azsreg_token t;

	ctx.env = &af_env_adfs;
	cr_assert_eq(azsreg_credential_device_code_new(&c, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, NULL, "1950a258-227b-4e31-a9cf-717495945fc2", prompt, NULL }), 0);
	af_add(ft, 200, "{\"device_code\":\"adfs-dev-code\",\"user_code\":\"BCDF-1234\",\"verification_uri\":\"https://adfs/devicelogin\","
			"\"expires_in\":900,\"interval\":1}");
	af_add(ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"adfs-token\",\"refresh_token\":\"adfs-rt-1\"}");
	af_add(ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"adfs-token-2\"}");
	memset(&t, 0, sizeof(t));
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "adfs-token");
	azsreg_token__clear(&t);
	cr_assert_eq(ft->nreqs, 2);
	cr_expect_str_eq(ft->reqs[0].url, "https://adfs.local.azurestack.external/adfs/oauth2/devicecode");
	cr_expect_str_eq(ft->reqs[0].body, "client_id=1950a258-227b-4e31-a9cf-717495945fc2"
					   "&resource=https%3A%2F%2Fadminmanagement.adfs.azurestack.local%2F123");
	cr_expect_str_eq(ft->reqs[1].url, "https://adfs.local.azurestack.external/adfs/oauth2/token");
	cr_expect_str_eq(ft->reqs[1].body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
					   "&client_id=1950a258-227b-4e31-a9cf-717495945fc2&device_code=adfs-dev-code");
	/* renewal with the refresh token, resource form */
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	azsreg_token__clear(&t);
	cr_expect_str_eq(ft->reqs[2].url, "https://adfs.local.azurestack.external/adfs/oauth2/token");
	cr_expect_str_eq(ft->reqs[2].body, "grant_type=refresh_token&client_id=1950a258-227b-4e31-a9cf-717495945fc2"
					   "&resource=https%3A%2F%2Fadminmanagement.adfs.azurestack.local%2F123&refresh_token=adfs-rt-1");
	azsreg_credential_free(c);
}

static int cancel_prompt(const char *m, const char *u, const char *v, void *p)
{
	(void)m;
	(void)u;
	(void)v;
	(void)p;
	return 1;
}

Test(credentials, device_code_prompt_can_cancel)
{
	azsreg_credential *c = NULL;
	azsreg_token t;

	cr_assert_eq(azsreg_credential_device_code_new(&c, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, NULL, CLIENT, cancel_prompt, NULL }), 0);
	af_add(ft, 200, "{\"device_code\":\"d1234\",\"user_code\":\"U\",\"verification_uri\":\"https://x\"}");
	memset(&t, 0, sizeof(t));
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_ECANCELLED);
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode");
	cr_expect_eq(ft->nreqs, 1);
	azsreg_credential_free(c);
}

/* ------------------------------------------------------------- access token */

Test(credentials, access_token_expiry_from_jwt_and_no_renewal)
{
	azsreg_credential *c = NULL;
	azsreg_token t;
	char *jwt = af_jwt("{\"aud\":\"https://management.azure.com/\",\"exp\":1700000600,\"iat\":1699999000,"
			   "\"tid\":\"" TENANT "\",\"appid\":\"" CLIENT "\"}");

	cr_assert_eq(azsreg_credential_access_token_new(&c, jwt), 0);
	memset(&t, 0, sizeof(t));
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0);
	cr_expect_str_eq(t.access_token, jwt);
	cr_expect_eq((t.expires_on_ms / 1000), 1700000600);
	cr_expect_str_eq(t.tenant_id, TENANT);
	cr_expect_str_eq(t.account, CLIENT);
	azsreg_token__clear(&t);
	cr_expect(strstr(azsreg_credential_describe(c), jwt) == NULL);
	clk.unix_now = 1700000600;
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "expired at 2023-11-14T22:23:20Z; supply a new one") != NULL,
		  "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, jwt) == NULL);
	cr_expect_eq(ft->nreqs, 0);
	azsreg_credential_free(c);
	free(jwt);
	cr_expect_eq(azsreg_credential_access_token_new(&c, "Bearer abc"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_access_token_new(&c, ""), AZSREG_EINVALID);
}

/* ------------------------------------------------------- user name + password */

#define UP_USER "admin@contoso.onmicrosoft.com"
#define UP_PASSWORD "p@ss word&=+/secret-42"
#define UP_PS_CLIENT "1950a258-227b-4e31-a9cf-717495945fc2"
#define UP_TOKEN_RT "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"user-token-1\",\"refresh_token\":\"user-refresh-abc1\"}"

Test(credentials, username_password_sends_the_password_grant_and_renews_with_the_refresh_token)
{
	azsreg_credential *c = NULL;
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	cr_assert_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, UP_USER, UP_PASSWORD }), 0,
		     "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "UsernamePassword(user " UP_USER ", client " UP_PS_CLIENT ", tenant " TENANT ")");
	af_add(ft, 200, UP_TOKEN_RT);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "user-token-1");
	azsreg_token__clear(&t);
	cr_assert_eq(ft->nreqs, 1);
	cr_expect_str_eq(ft->reqs[0].method, "POST");
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/token");
	cr_expect_str_eq(ft->reqs[0].body,
			 "grant_type=password&client_id=" UP_PS_CLIENT
			 "&username=admin%40contoso.onmicrosoft.com"
			 "&password=p%40ss%20word%26%3D%2B%2Fsecret-42"
			 "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default%20offline_access");
	cr_expect_str_eq(azsreg_headers__get(&ft->reqs[0].headers, "Content-Type"), "application/x-www-form-urlencoded");
	cr_expect_null(azsreg_headers__get(&ft->reqs[0].headers, "Authorization"));
	/* renewal: the refresh token, not the password */
	af_add(ft, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"user-token-2\",\"refresh_token\":\"user-refresh-abc2\"}");
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "user-token-2");
	azsreg_token__clear(&t);
	cr_assert_eq(ft->nreqs, 2);
	cr_expect_str_eq(ft->reqs[1].body,
			 "grant_type=refresh_token&client_id=" UP_PS_CLIENT
			 "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default%20offline_access"
			 "&refresh_token=user-refresh-abc1");
	/* a refused refresh token: the password grant again (with the latest refresh token first) */
	af_add(ft, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70000: The refresh token was revoked.\"}");
	af_add(ft, 200, UP_TOKEN_RT);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(t.access_token, "user-token-1");
	azsreg_token__clear(&t);
	cr_assert_eq(ft->nreqs, 4);
	cr_expect(strstr(ft->reqs[2].body, "refresh_token=user-refresh-abc2") != NULL, "%s", ft->reqs[2].body);
	cr_expect(strncmp(ft->reqs[3].body, "grant_type=password&", 20) == 0, "%s", ft->reqs[3].body);
	/* neither password nor refresh token in any log line */
	cr_expect(logs.size > 0);
	cr_expect(strstr(azsreg_buf__cstr(&logs), "secret-42") == NULL, "%s", azsreg_buf__cstr(&logs));
	cr_expect(strstr(azsreg_buf__cstr(&logs), "p%40ss") == NULL, "%s", azsreg_buf__cstr(&logs));
	cr_expect(strstr(azsreg_buf__cstr(&logs), "user-refresh-abc") == NULL, "%s", azsreg_buf__cstr(&logs));
	azsreg_credential_free(c);
}

Test(credentials, username_password_defaults_to_organizations_and_uses_the_adfs_resource_form)
{
	azsreg_credential *c = NULL;
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	cr_assert_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, NULL, CLIENT, UP_USER, UP_PASSWORD }), 0);
	af_add(ft, 200, UP_TOKEN_RT);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	azsreg_token__clear(&t);
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/organizations/oauth2/v2.0/token");
	cr_expect(strstr(ft->reqs[0].body, "client_id=" CLIENT "&") != NULL, "%s", ft->reqs[0].body);
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, UP_USER, UP_PASSWORD }), 0);
	ctx.env = &af_env_adfs;
	af_add(ft, 200, UP_TOKEN_RT);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	azsreg_token__clear(&t);
	cr_expect_str_eq(ft->reqs[1].url, "https://adfs.local.azurestack.external/adfs/oauth2/token");
	cr_expect_str_eq(ft->reqs[1].body,
			 "grant_type=password&client_id=" UP_PS_CLIENT
			 "&username=admin%40contoso.onmicrosoft.com"
			 "&password=p%40ss%20word%26%3D%2B%2Fsecret-42"
			 "&resource=https%3A%2F%2Fadminmanagement.adfs.azurestack.local%2F123");
	azsreg_credential_free(c);
}

Test(credentials, username_password_refuses_bad_input_before_sending)
{
	azsreg_credential *c = NULL;

	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, "", UP_PASSWORD }), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "user name is empty") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, NULL, UP_PASSWORD }), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, "a b@c", UP_PASSWORD }), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, UP_USER, "" }), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "password is empty") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, UP_USER, NULL }), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, "bad/tenant", NULL, UP_USER, UP_PASSWORD }), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, "bad client", UP_USER, UP_PASSWORD }), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(NULL, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, UP_USER, UP_PASSWORD }), AZSREG_EINVALID);
	cr_expect_null(c);
	cr_expect_eq(ft->nreqs, 0);
}

/* Each identity error keeps its AADSTS code, trace and correlation IDs, and gets its hint. */
/*
 * Every credential constructor takes a versioned options struct (issue 12, item 1): NULL
 * options or another version are refused before anything is made, and each _options_init
 * fills the defaults of its version only.
 */
Test(credentials, constructors_refuse_options_missing_or_of_another_version)
{
	azsreg_credential *c = NULL;
	azsreg_federated_options fo;
	azsreg_device_code_options dco;
	azsreg_username_password_options upo;

	cr_assert_eq(azsreg_federated_options_init(&fo, AZSREG_FEDERATED_OPTIONS_VERSION), AZSREG_OK);
	cr_assert_eq(azsreg_device_code_options_init(&dco, AZSREG_DEVICE_CODE_OPTIONS_VERSION), AZSREG_OK);
	cr_assert_eq(azsreg_username_password_options_init(&upo, AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION), AZSREG_OK);
	cr_expect(fo.tenant_id == NULL && fo.client_id == NULL && fo.token_file == NULL);
	cr_expect(dco.prompt_cb == NULL && dco.prompt_payload == NULL && dco.client_id == NULL);
	cr_expect(upo.username == NULL && upo.password == NULL);
	cr_expect_eq(azsreg_federated_options_init(&fo, 2), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "federated options: unknown version 2 (expected 1)") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_eq(azsreg_device_code_options_init(NULL, 1), AZSREG_EINVALID);
	cr_expect_eq(azsreg_username_password_options_init(&upo, 0), AZSREG_EINVALID);

	cr_expect_eq(azsreg_credential_federated_new(&c, NULL), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "options missing or of an unknown version") != NULL);
	cr_expect_eq(azsreg_credential_device_code_new(&c, NULL), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(&c, NULL), AZSREG_EINVALID);
	upo.version = 2;
	upo.username = UP_USER;
	upo.password = UP_PASSWORD;
	cr_expect_eq(azsreg_credential_username_password_new(&c, &upo), AZSREG_EINVALID);
	dco.version = 0;
	dco.prompt_cb = prompt;
	cr_expect_eq(azsreg_credential_device_code_new(&c, &dco), AZSREG_EINVALID);
	fo.version = 99;
	fo.client_id = CLIENT;
	fo.token_file = "/nonexistent";
	cr_expect_eq(azsreg_credential_federated_new(&c, &fo), AZSREG_EINVALID);
	cr_expect_null(c);
}

Test(credentials, username_password_errors_keep_the_identity_details_and_hint)
{
	static const struct {
		int status;
		const char *error, *aadsts, *hint_part;
	} cases[] = {
		{ 400, "invalid_grant", "AADSTS50126", "Wrong user name or password" },
		{ 400, "invalid_grant", "AADSTS50076", "multi-factor authentication: sign in with a device code or use a service principal" },
		{ 400, "interaction_required", "AADSTS50079", "multi-factor authentication" },
		{ 400, "invalid_grant", "AADSTS50034", "does not exist in this directory" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		azsreg_credential *c = NULL;
		azsreg_token t;
		const azsreg_error *e;
		char body[512];

		memset(&t, 0, sizeof(t));
		cr_assert_eq(azsreg_credential_username_password_new(&c, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, TENANT, NULL, UP_USER, UP_PASSWORD }), 0);
		snprintf(body, sizeof(body), "{\"error\":\"%s\",\"error_description\":\"%s: Something about the user.\","
					     "\"error_codes\":[1],\"trace_id\":\"trace-%zu\",\"correlation_id\":\"corr-%zu\"}",
			 cases[i].error, cases[i].aadsts, i, i);
		af_add(ft, cases[i].status, body);
		cr_assert_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH, "case %zu", i);
		e = azsreg_error_last();
		cr_expect_str_eq(e->arm_code, cases[i].aadsts, "case %zu", i);
		cr_expect(strstr(e->hint, cases[i].hint_part) != NULL, "case %zu: hint %s", i, e->hint);
		cr_expect(strstr(e->message, "UsernamePassword(user " UP_USER) != NULL, "%s", e->message);
		cr_expect(strstr(e->message, cases[i].error) != NULL, "%s", e->message);
		cr_expect(strstr(e->request_id, "trace-") == e->request_id, "case %zu: %s", i, e->request_id);
		cr_expect(strstr(e->correlation_id, "corr-") == e->correlation_id, "case %zu: %s", i, e->correlation_id);
		cr_expect(strstr(azsreg_error_last_json(), "secret-42") == NULL);
		azsreg_credential_free(c);
	}
	cr_expect(strstr(azsreg_error_hint("interaction_required"), "device code") != NULL);
}

Test(credentials, username_password_from_environment_and_json)
{
	azsreg_credential *c = NULL;

	setenv("AZSREG_USERNAME", UP_USER, 1);
	cr_expect_eq(azsreg_credential_from_environment(&c), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "AZSREG_PASSWORD is not") != NULL, "%s", azsreg_error_last()->message);
	setenv("AZSREG_PASSWORD", UP_PASSWORD, 1);
	setenv("AZSREG_ACCESS_TOKEN", "opaque-access-token", 1); /* the user account comes first */
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "UsernamePassword(user " UP_USER ", client " UP_PS_CLIENT ", tenant organizations) from environment (AZSREG_USERNAME)");
	azsreg_credential_free(c);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "UsernamePassword(user " UP_USER ", client " CLIENT ", tenant " TENANT ") from environment (AZSREG_USERNAME)");
	azsreg_credential_free(c);
	setenv("AZURE_CLIENT_SECRET", SECRET, 1); /* a service principal comes before the user */
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect(strstr(azsreg_credential_describe(c), "ClientSecret(") == azsreg_credential_describe(c));
	azsreg_credential_free(c);

	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"usernamePassword\",\"tenantId\":\"" TENANT "\",\"username\":\"" UP_USER "\",\"password\":\"json-pass-1\"}"), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c), "UsernamePassword(user " UP_USER ", client " UP_PS_CLIENT ", tenant " TENANT ")");
	azsreg_credential_free(c);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"usernamePassword\",\"username\":\"" UP_USER "\"}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"usernamePassword\",\"username\":\"" UP_USER "\",\"password\":7}"),
		     AZSREG_EINVALID);
	cr_expect_null(c);
}

/* ----------------------------------------------------------- env chain, JSON */

Test(credentials, environment_chain_picks_in_order_and_says_which)
{
	azsreg_credential *c = NULL;

	cr_expect_eq(azsreg_credential_from_environment(&c), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "AZURE_CLIENT_SECRET") != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "AZSREG_ACCESS_TOKEN") != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "IDENTITY_ENDPOINT") != NULL);
	setenv("AZSREG_ACCESS_TOKEN", "opaque-access-token", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect(strstr(azsreg_credential_describe(c), "AccessToken") != NULL);
	cr_expect(strstr(azsreg_credential_describe(c), "from environment (AZSREG_ACCESS_TOKEN)") != NULL);
	azsreg_credential_free(c);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	setenv("AZURE_CLIENT_SECRET", SECRET, 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "ClientSecret(client " CLIENT ", tenant " TENANT ") from environment (AZURE_CLIENT_SECRET)");
	azsreg_credential_free(c);
	unsetenv("AZURE_CLIENT_SECRET");
	setenv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/token", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect(strstr(azsreg_credential_describe(c), "Federated(") == azsreg_credential_describe(c));
	azsreg_credential_free(c);
	unsetenv("AZURE_FEDERATED_TOKEN_FILE");
	unsetenv("AZSREG_ACCESS_TOKEN");
	unsetenv("AZURE_TENANT_ID");
	setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token", 1);
	setenv("IDENTITY_HEADER", "h-val-1", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_credential_describe(c), "ManagedIdentity(user-assigned, client " CLIENT) != NULL,
		  "%s", azsreg_credential_describe(c));
	azsreg_credential_free(c);
}

Test(credentials, credentials_from_json)
{
	azsreg_credential *c = NULL;

	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"clientSecret\",\"tenantId\":\"" TENANT "\",\"clientId\":\"" CLIENT
						    "\",\"clientSecret\":\"json-secret-1\"}"),
		     0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c), "ClientSecret(client " CLIENT ", tenant " TENANT ")");
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"accessToken\",\"accessToken\":\"abcdef\"}"), 0);
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"managedIdentity\",\"imdsEndpoint\":\"http://127.0.0.1:5\"}"), 0,
		     "%s", azsreg_error_last()->message);
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"federated\",\"tenantId\":\"t.example.com\",\"clientId\":\"c\","
						    "\"tokenFile\":\"/tmp/x\"}"),
		     0);
	azsreg_credential_free(c);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"deviceCode\"}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"nope\"}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"clientSecret\",\"clientSecrt\":\"typo\"}"), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "clientSecrt") != NULL);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"clientSecret\",\"clientId\":5}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "[1,2"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, NULL), AZSREG_EINVALID);
	cr_expect_null(c);
}

/* ---------------------------------------------------------- tenant resolve */

Test(credentials, tenant_resolve_domain_and_guid)
{
	struct azsreg_client client;
	char out[AZSREG_GUID_LEN + 1];

	memset(&client, 0, sizeof(client));
	client.env = &af_env_aad;
	client.pipeline = pl;
	cr_assert_eq(azsreg_tenant_resolve(out, &client, "{AAAAAAAA-1111-1111-1111-111111111111}"), 0);
	cr_expect_str_eq(out, "aaaaaaaa-1111-1111-1111-111111111111");
	cr_expect_eq(ft->nreqs, 0);
	af_add(ft, 200, "{\"issuer\":\"https://login.microsoftonline.com/" TENANT "/v2.0\","
			"\"token_endpoint\":\"https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/token\"}");
	cr_assert_eq(azsreg_tenant_resolve(out, &client, "contoso.onmicrosoft.com"), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(out, TENANT);
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration");
	af_add(ft, 400, "{\"error\":\"invalid_tenant\",\"error_description\":\"AADSTS90002: Tenant 'nope.example' not found.\"}");
	cr_expect_eq(azsreg_tenant_resolve(out, &client, "nope.example"), AZSREG_EAUTH);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "AADSTS90002");
	cr_expect_eq(azsreg_tenant_resolve(out, &client, "bad/tenant"), AZSREG_EINVALID);
	client.env = &af_env_adfs;
	cr_expect_eq(azsreg_tenant_resolve(out, &client, "contoso.onmicrosoft.com"), AZSREG_EINVALID);
	cr_expect_eq(ft->nreqs, 2);
}

/* ----------------------------------------------- secrets never reach logs */

Test(credentials, secrets_never_appear_in_logs_at_trace_level)
{
	azsreg_credential *c = secret_cred(TENANT);
	azsreg_token_cache *cache = NULL;
	char *b = NULL;

	cr_assert_eq(azsreg_token_cache__new(&cache), 0);
	af_add(ft, 200, TOKEN_OK);
	cr_assert_eq(azsreg_token_cache__get(cache, c, &ctx, 0, NULL, &b), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(b, "opaque-token-abc");
	azsreg__free_secret(b);
	cr_expect(logs.size > 0);
	cr_expect(strstr(azsreg_buf__cstr(&logs), "s3cr") == NULL, "%s", azsreg_buf__cstr(&logs));
	cr_expect(strstr(azsreg_buf__cstr(&logs), "s3cr%3Dt") == NULL);
	cr_expect(strstr(azsreg_buf__cstr(&logs), "opaque-token-abc") == NULL, "%s", azsreg_buf__cstr(&logs));
	azsreg_token_cache__free(cache);
	azsreg_credential_free(c);
}
