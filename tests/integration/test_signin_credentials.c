/*
 * Every credential kind end to end through the library against the real emulator over
 * TLS: client secret (AAD v2 scope form; AD FS resource form), certificate from PEM, from
 * PKCS#12 with a password and through a signing callback, federated token file (re-read
 * on renewal), managed identity (IDENTITY_ENDPOINT, MSI_ENDPOINT, IMDS on the plain-HTTP
 * listener, user-assigned by client ID), device code (approved from the prompt callback;
 * renewed with the refresh token), a ready access token, and a tenant given as a domain.
 *
 * Each sign-in registers a customer; the emulator's dumped state, stats and request log
 * prove what was sent. Every test logs at TRACE into a capture and scans it (and the
 * emulator's output) for every secret, password, assertion and token it used.
 */
#include "fixtures/signin/signin_common.h"

#include <curl/curl.h>
#include <strings.h>

static harness_emulator emu;

static void start_default(void)
{
	unsetenv("IDENTITY_ENDPOINT");
	unsetenv("IDENTITY_HEADER");
	unsetenv("MSI_ENDPOINT");
	unsetenv("MSI_SECRET");
	unsetenv("AZSREG_IMDS_ENDPOINT");
	cr_assert_eq(harness_emulator_start(&emu, NULL), 0, "the emulator did not start");
}

static void start_adfs(void)
{
	static const char *const args[] = { "--adfs", NULL };
	cr_assert_eq(harness_emulator_start(&emu, args), 0, "the AD FS emulator did not start");
}

static void stop(void)
{
	cr_expect_eq(harness_emulator_stop(&emu), 0, "the emulator did not stop cleanly");
}

TestSuite(signin_cred, .init = start_default, .fini = stop, .timeout = 300); /* generous: RSA key generation under valgrind is slow */
TestSuite(signin_adfs, .init = start_adfs, .fini = stop, .timeout = 300); /* generous: RSA key generation under valgrind is slow */

/* Scans the TRACE capture and the emulator's own output for `secrets` and any JWT. */
static void scan_all(const harness_log *log, const char *const *secrets)
{
	char *emu_out = harness_emulator_log(&emu);
	cr_expect_gt(log->lines, 0, "nothing was logged at TRACE");
	signin_save_log(criterion_current_test->name, log->text);
	signin_scan(log->text, secrets, "the TRACE log");
	signin_scan(emu_out, secrets, "the emulator's output");
	free(emu_out);
}

/* The one request of the log whose method and path match; its field `field` ("" if none). */
static char *request_field(const char *method, const char *path_part, const char *field)
{
	json_t *reqs = harness_requests(&emu), *r;
	size_t i;
	char *result = NULL;

	cr_assert_not_null(reqs, "no request log");
	json_array_foreach(reqs, i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		const char *v = json_string_value(json_object_get(r, field));
		if (m != NULL && p != NULL && strcmp(m, method) == 0 && strstr(p, path_part) != NULL) {
			result = strdup(v != NULL ? v : "");
			break;
		}
	}
	json_decref(reqs);
	cr_assert_not_null(result, "no %s request to ...%s", method, path_part);
	return result;
}

/* ---- client secret ------------------------------------------------------------------- */

Test(signin_cred, client_secret_v2_scope_form_registers)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	const char *secrets[] = { HARNESS_CLIENT_SECRET, NULL };
	azsreg_client *c;
	char *body;

	o.tenant_id = HARNESS_TENANT_ID;
	o.client_id = HARNESS_CLIENT_ID;
	o.client_secret = HARNESS_CLIENT_SECRET;
	cr_assert_eq(azsreg_credential_client_secret_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 1), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 1);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1);
	cr_expect_eq(harness_stat(&emu, "byClientSecret"), 1);
	cr_expect_eq(harness_count_requests(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/token"), 1);
	body = request_field("POST", "/oauth2/v2.0/token", "body");
	cr_expect_not_null(strstr(body, "grant_type=client_credentials"), "body: %s", body);
	cr_expect_not_null(strstr(body, "client_id=" HARNESS_CLIENT_ID), "body: %s", body);
	cr_expect_not_null(strstr(body, "scope=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F.default"), "body: %s", body);
	cr_expect_null(strstr(body, "resource="), "the v2 form carries no resource: %s", body);
	free(body);

	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
}

Test(signin_adfs, client_secret_adfs_resource_form_registers)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	const char *secrets[] = { HARNESS_CLIENT_SECRET, NULL };
	azsreg_client *c;
	char *body;

	o.tenant_id = HARNESS_TENANT_ID;
	o.client_id = HARNESS_CLIENT_ID;
	o.client_secret = HARNESS_CLIENT_SECRET;
	cr_assert_eq(azsreg_credential_client_secret_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 2), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 2);
	cr_expect_eq(harness_stat(&emu, "byClientSecret"), 1);
	cr_expect_eq(harness_count_requests(&emu, "POST", "/adfs/oauth2/token"), 1, "no POST to the AD FS token endpoint");
	cr_expect_eq(harness_count_requests(&emu, "POST", "/oauth2/v2.0/token"), 0, "AD FS got the v2 form");
	body = request_field("POST", "/adfs/oauth2/token", "body");
	cr_expect_not_null(strstr(body, "resource=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F"), "body: %s", body);
	cr_expect_null(strstr(body, "scope="), "the AD FS form carries no scope: %s", body);
	free(body);

	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
}

/* ---- certificates -------------------------------------------------------------------- */

static void cert_file_case(int pkcs12, unsigned n)
{
	static const char password[] = "p12-password-do-not-log-5821";
	harness_log log = { 0 };
	signin_cert cert;
	azsreg_credential *cred = NULL;
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	const char *secrets[] = { password, NULL, NULL };
	char path[HARNESS_PATH_MAX];
	char *key_pem = NULL;
	azsreg_client *c;
	int rc;

	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (file)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &cert), 0, "could not register the certificate");
	cr_assert_eq(harness_path(path, sizeof path, &emu, pkcs12 ? "sp.pfx" : "sp.pem"), 0);
	if (pkcs12) {
		cr_assert_eq(signin_write_p12(path, &cert, password), 0);
	} else {
		BIO *b = BIO_new(BIO_s_mem());
		BUF_MEM *m = NULL;
		cr_assert_eq(signin_write_pem(path, &cert), 0);
		/* a slice of the private key's base64 must never show up */
		cr_assert_eq(PEM_write_bio_PrivateKey(b, cert.key, NULL, NULL, 0, NULL, NULL), 1);
		BIO_get_mem_ptr(b, &m);
		key_pem = strndup(m->data + 40, 48);
		BIO_free(b);
		secrets[1] = key_pem;
	}
	o.tenant_id = HARNESS_TENANT_ID;
	o.client_id = HARNESS_CLIENT_ID;
	o.certificate_path = path;
	o.certificate_password = pkcs12 ? password : NULL;
	rc = azsreg_credential_certificate_new(&cred, &o);
	cr_assert_eq(rc, AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	rc = signin_put(c, n);
	cr_assert_eq(rc, AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, n);
	cr_expect_eq(harness_stat(&emu, "byAssertion"), 1, "the emulator did not verify one assertion");
	cr_expect_eq(harness_stat(&emu, "byClientSecret"), 0);
	{
		char *body = request_field("POST", "/oauth2/v2.0/token", "body");
		cr_expect_not_null(strstr(body, "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"),
				   "body: %s", body);
		free(body);
	}

	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
	free(key_pem);
	signin_cert_free(&cert);
}

Test(signin_cred, certificate_pem_registers)
{
	cert_file_case(0, 3);
}

Test(signin_cred, certificate_pkcs12_with_password_registers)
{
	cert_file_case(1, 4);
}

typedef struct sign_ctx {
	EVP_PKEY *key;
	int calls;
} sign_ctx;

/* The caller's signing callback: RS256 (PKCS#1 v1.5 over SHA-256) with OpenSSL. */
static int sign_with_openssl(const unsigned char *data, size_t data_len, unsigned char *sig, size_t *sig_len, void *payload)
{
	sign_ctx *s = payload;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc = -1;

	s->calls++;
	if (md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, s->key) == 1 &&
	    EVP_DigestSign(md, sig, sig_len, data, data_len) == 1)
		rc = 0;
	EVP_MD_CTX_free(md);
	return rc;
}

Test(signin_cred, certificate_signing_callback_registers)
{
	harness_log log = { 0 };
	signin_cert cert;
	sign_ctx s;
	azsreg_credential *cred = NULL;
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	azsreg_client *c;

	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (callback)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &cert), 0);
	s.key = cert.key;
	s.calls = 0;
	o.tenant_id = HARNESS_TENANT_ID;
	o.client_id = HARNESS_CLIENT_ID;
	o.certificate_der = cert.der;
	o.certificate_der_len = cert.der_len;
	o.sign_cb = sign_with_openssl;
	o.sign_payload = &s;
	cr_assert_eq(azsreg_credential_certificate_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 5), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 5);
	cr_expect_eq(s.calls, 1, "the signing callback ran %d times", s.calls);
	cr_expect_eq(harness_stat(&emu, "byAssertion"), 1);

	azsreg_client_free(c);
	scan_all(&log, NULL);
	harness_log_free(&log);
	signin_cert_free(&cert);
}

/* ---- federated token file -------------------------------------------------------------- */

Test(signin_cred, federated_token_file_registers_and_is_reread_on_renewal)
{
	harness_log log = { 0 };
	signin_cert cert;
	azsreg_credential *cred = NULL;
	char path[HARNESS_PATH_MAX], aud[256];
	char *first, *second;
	azsreg_client *c;
	harness_clock hc;
	long long now;
	const char *secrets[3];

	harness_clock_init(&hc);
	now = harness_clock_now(&hc);
	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (federated)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &cert), 0);
	signin_token_url(aud, sizeof aud, &emu, HARNESS_TENANT_ID);
	/* each assertion has its own jti: the emulator refuses a replayed one. The second is
	 * valid from the time the clocks are moved to (below), as a platform's rotated file is. */
	first = signin_assertion(cert.key, cert.x5t, HARNESS_CLIENT_ID, aud, now - 5, now + 600, "federated-jti-1");
	second = signin_assertion(cert.key, cert.x5t, HARNESS_CLIENT_ID, aud, now + 3601 - 5, now + 3601 + 600,
				  "federated-jti-2");
	cr_assert(first != NULL && second != NULL);
	secrets[0] = first;
	secrets[1] = second;
	secrets[2] = NULL;
	cr_assert_eq(harness_path(path, sizeof path, &emu, "federated-token"), 0);
	cr_assert_eq(signin_write_text(path, first), 0);

	cr_assert_eq(azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, HARNESS_TENANT_ID, HARNESS_CLIENT_ID, path }), AZSREG_OK,
		     "%s", azsreg_error_last()->message);
	c = signin_client_clocked(&emu, cred, &log, &hc);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 6), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 6);
	cr_expect_eq(harness_stat(&emu, "byAssertion"), 1);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1);

	/* the platform rotates the file; the token (1 h) runs out for the client and the
	 * emulator alike (both clocks move, no sleep): the renewal must send the new assertion */
	cr_assert_eq(signin_write_text(path, second), 0);
	cr_assert_eq(harness_clock_advance(&hc, &emu, 3601), 0, "the emulator refused to move its clock");
	cr_assert_eq(signin_put(c, 7), AZSREG_OK, "register after renewal: %s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "byAssertion"), 2, "the renewal did not use the rotated assertion");
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 2);
	cr_expect_eq(harness_stat(&emu, "unauthorized"), 0, "the expired token was sent");
	{
		char a[AZSREG_GUID_LEN + 1], b[AZSREG_GUID_LEN + 1], want[80];
		char *m = harness_mappings(&emu, HARNESS_REG_NAME);
		signin_customer(a, 6);
		signin_customer(b, 7);
		snprintf(want, sizeof want, "%s,%s", strcmp(a, b) < 0 ? a : b, strcmp(a, b) < 0 ? b : a);
		cr_expect_str_eq(m, want);
		free(m);
	}

	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
	free(first);
	free(second);
	signin_cert_free(&cert);
}

/*
 * MSAL.NET writes an assertion's "nbf" and "exp" as strings of digits ({"nbf":"1796...",
 * "exp":"1796..."}) and Entra ID takes them: so does the emulator (the .NET conformance check
 * of ClientCertificateCredential depends on it). A date that is no string of digits is still
 * refused (AADSTS50027, naming the claim), as a missing one is.
 */
Test(signin_cred, assertion_dates_written_as_text_are_accepted)
{
	static const struct {
		const char *nbf, *exp; /* NULL: a good date as text */
		const char *refused; /* NULL: accepted; else the claim the refusal names */
	} cases[] = {
		{ NULL, NULL, NULL },
		{ NULL, "soon", "'exp'" },
		{ NULL, " 1796000000", "'exp'" },
		{ "-5", NULL, "'nbf'" },
	};
	signin_cert cert;
	char path[HARNESS_PATH_MAX], aud[256], nbf[32], exp[32];
	long long now = (long long)time(NULL);
	size_t i;

	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (text dates)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &cert), 0);
	signin_token_url(aud, sizeof aud, &emu, HARNESS_TENANT_ID);
	snprintf(nbf, sizeof nbf, "%lld", now - 5);
	snprintf(exp, sizeof exp, "%lld", now + 600);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		azsreg_credential *cred = NULL;
		azsreg_client *c;
		char *who = NULL, jti[32];
		char *a;
		int rc;

		snprintf(jti, sizeof jti, "text-dates-%zu", i);
		a = signin_assertion_sign(cert.key, cert.x5t,
					  json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "aud", aud, "iss", HARNESS_CLIENT_ID, "sub",
						    HARNESS_CLIENT_ID, "nbf", cases[i].nbf ? cases[i].nbf : nbf, "exp",
						    cases[i].exp ? cases[i].exp : exp, "jti", jti));
		cr_assert_not_null(a);
		cr_assert_eq(harness_path(path, sizeof path, &emu, "text-dates.token"), 0);
		cr_assert_eq(signin_write_text(path, a), 0);
		cr_assert_eq(azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, HARNESS_TENANT_ID, HARNESS_CLIENT_ID, path }), AZSREG_OK);
		c = signin_client(&emu, cred, NULL);
		azsreg_credential_free(cred);
		rc = azsreg_client_sign_in(&who, c);
		if (cases[i].refused == NULL) {
			cr_expect_eq(rc, AZSREG_OK, "case %zu: text dates refused: %s", i, azsreg_error_last()->message);
		} else {
			cr_expect_neq(rc, AZSREG_OK, "case %zu accepted", i);
			cr_expect_not_null(strstr(azsreg_error_last()->message, "AADSTS50027"), "case %zu: %s", i,
					   azsreg_error_last()->message);
			cr_expect_not_null(strstr(azsreg_error_last()->arm_message, cases[i].refused), "case %zu: %s", i,
					   azsreg_error_last()->arm_message);
		}
		azsreg_free(who);
		azsreg_client_free(c);
		free(a);
	}
	cr_expect_eq(harness_stat(&emu, "byAssertion"), 1, "tokens issued for refused assertions");
	signin_cert_free(&cert);
}

/* ---- managed identity -------------------------------------------------------------------- */

static void mi_case(unsigned n, const char *client_id)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	const char *secrets[] = { SIGNIN_IDENTITY_HEADER, NULL };
	azsreg_client *c;

	o.client_id = client_id;
	cr_assert_eq(azsreg_credential_managed_identity_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);
	cr_assert_eq(signin_put(c, n), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, n);
	cr_expect_eq(harness_stat(&emu, "byManagedIdentity"), 1);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1);
	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
}

Test(signin_cred, managed_identity_identity_endpoint_registers)
{
	char url[256];
	char *q;

	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("IDENTITY_ENDPOINT", url, 1);
	setenv("IDENTITY_HEADER", SIGNIN_IDENTITY_HEADER, 1);
	mi_case(8, NULL);
	q = request_field("GET", "/msi/token", "query");
	cr_expect_not_null(strstr(q, "api-version=2019-08-01"), "query: %s", q);
	cr_expect_not_null(strstr(q, "resource=" SIGNIN_AUDIENCE), "query: %s", q);
	cr_expect_null(strstr(q, "client_id"), "system-assigned sends no client_id: %s", q);
	free(q);
}

Test(signin_cred, managed_identity_msi_endpoint_registers)
{
	char url[256];
	char *q;

	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("MSI_ENDPOINT", url, 1);
	setenv("MSI_SECRET", SIGNIN_IDENTITY_HEADER, 1);
	mi_case(9, NULL);
	q = request_field("GET", "/msi/token", "query");
	cr_expect_not_null(strstr(q, "api-version=2017-09-01"), "query: %s", q);
	free(q);
}

Test(signin_cred, managed_identity_imds_plain_http_registers)
{
	char url[128];
	char *listener;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", emu.http_port);
	setenv("AZSREG_IMDS_ENDPOINT", url, 1);
	mi_case(10, NULL);
	listener = request_field("GET", "/metadata/identity/oauth2/token", "listener");
	cr_expect_str_eq(listener, "http", "IMDS was not asked on the plain-HTTP listener");
	free(listener);
	{
		char *q = request_field("GET", "/metadata/identity/oauth2/token", "query");
		cr_expect_not_null(strstr(q, "api-version=2018-02-01"), "query: %s", q);
		free(q);
	}
}

Test(signin_cred, managed_identity_user_assigned_by_client_id_registers)
{
	static const char ua[] = "88888888-8888-4888-8888-888888888888";
	json_t *state = harness_state(&emu);
	char url[256];
	char *q;

	/* a second, user-assigned identity next to the system-assigned sample */
	cr_assert_not_null(state);
	json_array_append_new(json_object_get(state, "managedIdentities"),
			      json_pack("{s:s,s:s,s:s,s:b}", "clientId", ua, "principalId",
					"99999999-9999-4999-8999-999999999999", "tenantId", HARNESS_TENANT_ID,
					"systemAssigned", 0));
	cr_assert_eq(harness_state_put(&emu, state), 0);
	json_decref(state);
	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("IDENTITY_ENDPOINT", url, 1);
	setenv("IDENTITY_HEADER", SIGNIN_IDENTITY_HEADER, 1);
	mi_case(11, ua);
	q = request_field("GET", "/msi/token", "query");
	cr_expect_not_null(strstr(q, "client_id=88888888-8888-4888-8888-888888888888"), "query: %s", q);
	free(q);
}

/* ---- device code ------------------------------------------------------------------------- */

typedef struct prompt_ctx {
	int calls;
	int approve;
	int control_status;
	char user_code[64];
	char message[512];
} prompt_ctx;

/* The prompt callback: shows nothing, approves (or declines) the code right away. */
static int approve_in_prompt(const char *message, const char *user_code, const char *verification_uri, void *payload)
{
	prompt_ctx *p = payload;
	char body[128];

	(void)verification_uri;
	p->calls++;
	snprintf(p->user_code, sizeof p->user_code, "%s", user_code);
	snprintf(p->message, sizeof p->message, "%s", message);
	snprintf(body, sizeof body, "{\"userCode\":\"%s\"}", user_code);
	p->control_status = harness_control(&emu, "POST", p->approve ? "/devicecode/approve" : "/devicecode/decline", body, NULL);
	return 0;
}

/* Every "<name>=" or "\"<name>\":\"" in `text` is followed by the redaction mark "***". */
static void expect_redacted(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);

	while (p != NULL && (p = strstr(p, name)) != NULL) {
		const char *v = p + n;
		if (v[0] == '=')
			cr_expect_eq(strncmp(v + 1, "***", 3), 0, "the log shows a %s value: %.60s", name, p);
		else if (strncmp(v, "\":\"", 3) == 0)
			cr_expect_eq(strncmp(v + 3, "***", 3), 0, "the log shows a %s value: %.60s", name, p);
		p = v;
	}
}

Test(signin_cred, device_code_approved_registers_and_renews_with_refresh_token)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	prompt_ctx p;
	azsreg_client *c;

	harness_clock hc;

	harness_clock_init(&hc);
	memset(&p, 0, sizeof p);
	p.approve = 1;
	cr_assert_eq(azsreg_credential_device_code_new(&cred, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, HARNESS_TENANT_ID, SIGNIN_PUBLIC_CLIENT, approve_in_prompt, &p }),
		     AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client_clocked(&emu, cred, &log, &hc);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 12), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	cr_expect_eq(p.calls, 1);
	cr_expect_eq(p.control_status, 200, "approving the user code answered %d", p.control_status);
	cr_expect_eq(strlen(p.user_code), 9, "user code [%s]", p.user_code);
	cr_expect_not_null(strstr(p.message, p.user_code), "the message does not show the code: %s", p.message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 12);
	cr_expect_eq(harness_stat(&emu, "byDeviceCode"), 1);
	cr_expect_eq(harness_count_requests(&emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/devicecode"), 1);

	/* still fresh: no renewal */
	cr_assert_eq(signin_put(c, 12), AZSREG_OK, "register again: %s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "byRefreshToken"), 0, "renewed a fresh token");

	/* the token (1 h) runs out for the client and the emulator (both clocks move, no
	 * sleep): the refresh token renews it, without a new prompt */
	cr_assert_eq(harness_clock_advance(&hc, &emu, 3601), 0, "the emulator refused to move its clock");
	cr_assert_eq(signin_put(c, 13), AZSREG_OK, "register after renewal: %s", azsreg_error_last()->message);
	cr_expect_eq(p.calls, 1, "the user was prompted again");
	cr_expect_eq(harness_stat(&emu, "byRefreshToken"), 1, "no refresh token renewal");
	cr_expect_eq(harness_stat(&emu, "byDeviceCode"), 1);
	cr_expect_eq(harness_stat(&emu, "unauthorized"), 0, "the expired token was sent");

	azsreg_client_free(c);
	scan_all(&log, NULL);
	/* the refresh token and device code are opaque: wherever the log names them, the value is redacted */
	expect_redacted(log.text, "refresh_token");
	expect_redacted(log.text, "device_code");
	harness_log_free(&log);
}

/* AD FS (Azure Stack Hub's own ARM): device code at /adfs/oauth2/devicecode, resource= form. */
Test(signin_adfs, device_code_adfs_resource_form_registers)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	prompt_ctx p;
	azsreg_client *c;
	char *body;

	memset(&p, 0, sizeof p);
	p.approve = 1;
	cr_assert_eq(azsreg_credential_device_code_new(&cred, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, NULL, SIGNIN_PUBLIC_CLIENT, approve_in_prompt, &p }),
		     AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 14), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	cr_expect_eq(p.calls, 1);
	cr_expect_eq(p.control_status, 200, "approving the user code answered %d", p.control_status);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 14);
	cr_expect_eq(harness_stat(&emu, "byDeviceCode"), 1);
	cr_expect_eq(harness_count_requests(&emu, "POST", "/adfs/oauth2/devicecode"), 1, "no POST to the AD FS devicecode endpoint");
	cr_expect_eq(harness_count_requests(&emu, "POST", "/oauth2/v2.0/"), 0, "AD FS got the v2 form");
	body = request_field("POST", "/adfs/oauth2/devicecode", "body");
	cr_expect_not_null(strstr(body, "resource=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F"), "body: %s", body);
	cr_expect_null(strstr(body, "scope="), "the AD FS form carries no scope: %s", body);
	free(body);

	azsreg_client_free(c);
	scan_all(&log, NULL);
	harness_log_free(&log);
}

/* ---- user name + password (AzureRM runbooks: Add-AzureRmAccount -Credential) ------------------ */

Test(signin_cred, username_password_registers_and_renews_with_refresh_token)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	const char *secrets[] = { SIGNIN_USER_PASSWORD, NULL };
	azsreg_client *c;
	char *body, *who = NULL;
	harness_clock hc;

	harness_clock_init(&hc);
	cr_assert_eq(azsreg_credential_username_password_new(&cred, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, "contoso.onmicrosoft.com", NULL, SIGNIN_USER, SIGNIN_USER_PASSWORD }), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client_clocked(&emu, cred, &log, &hc);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 15), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 15);
	cr_expect_eq(harness_stat(&emu, "byPassword"), 1);
	body = request_field("POST", "/contoso.onmicrosoft.com/oauth2/v2.0/token", "body");
	cr_expect_not_null(strstr(body, "grant_type=password"), "body: %s", body);
	cr_expect_not_null(strstr(body, "client_id=" SIGNIN_PS_CLIENT), "body: %s", body);
	cr_expect_not_null(strstr(body, "username=admin%40contoso.onmicrosoft.com"), "body: %s", body);
	cr_expect_not_null(strstr(body, "scope=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F.default%20offline_access"), "body: %s", body);
	free(body);
	cr_assert_eq(azsreg_client_sign_in(&who, c), AZSREG_OK);
	cr_expect_not_null(strstr(who, "\"account\":\"" SIGNIN_USER "\""), "signed in as %s", who);
	azsreg_free(who);

	/* still fresh: no renewal */
	cr_assert_eq(signin_put(c, 15), AZSREG_OK, "register again: %s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "renewed a fresh token");

	/* the 1 h token runs out for the client and the emulator (both clocks move, no sleep):
	 * the refresh token renews it, not the password */
	cr_assert_eq(harness_clock_advance(&hc, &emu, 3601), 0, "the emulator refused to move its clock");
	cr_assert_eq(signin_put(c, 16), AZSREG_OK, "register after renewal: %s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "byRefreshToken"), 1, "no refresh token renewal");
	cr_expect_eq(harness_stat(&emu, "byPassword"), 1, "the password was sent again");
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 2);
	cr_expect_eq(harness_stat(&emu, "unauthorized"), 0, "the expired token was sent");

	azsreg_client_free(c);
	scan_all(&log, secrets);
	expect_redacted(log.text, "password");
	expect_redacted(log.text, "refresh_token");
	harness_log_free(&log);
}

Test(signin_adfs, username_password_adfs_resource_form_registers)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	const char *secrets[] = { SIGNIN_USER_PASSWORD, NULL };
	azsreg_client *c;
	char *body;

	cr_assert_eq(azsreg_credential_username_password_new(&cred, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, NULL, NULL, SIGNIN_USER, SIGNIN_USER_PASSWORD }), AZSREG_OK);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);
	cr_assert_eq(signin_put(c, 17), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 17);
	body = request_field("POST", "/adfs/oauth2/token", "body");
	cr_expect_not_null(strstr(body, "grant_type=password"), "body: %s", body);
	cr_expect_not_null(strstr(body, "resource=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F"), "body: %s", body);
	cr_expect_null(strstr(body, "scope="), "the AD FS form carries no scope: %s", body);
	free(body);
	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
}

/* ---- a ready access token ------------------------------------------------------------------ */

typedef struct fetched {
	char *data;
	size_t len;
} fetched;

static size_t collect_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	fetched *f = userdata;
	size_t n = size * nmemb;
	char *grown = realloc(f->data, f->len + n + 1);
	if (grown == NULL)
		return 0;
	f->data = grown;
	memcpy(f->data + f->len, ptr, n);
	f->len += n;
	f->data[f->len] = '\0';
	return n;
}

/* A token for the sample app straight from the emulator's token endpoint (libcurl). */
static char *fetch_token(void)
{
	char url[256];
	static const char form[] = "grant_type=client_credentials&client_id=" HARNESS_CLIENT_ID
				   "&client_secret=" HARNESS_CLIENT_SECRET
				   "&scope=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F.default";
	fetched f = { NULL, 0 };
	CURL *curl = curl_easy_init();
	json_t *root;
	char *token = NULL;
	long status = 0;

	cr_assert_not_null(curl);
	signin_token_url(url, sizeof url, &emu, HARNESS_TENANT_ID);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CAINFO, emu.ca_file);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 15L);
	cr_assert_eq(curl_easy_perform(curl), CURLE_OK, "token request failed");
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	cr_assert_eq(status, 200, "token endpoint answered %ld", status);
	root = json_loads(f.data, 0, NULL);
	if (json_is_string(json_object_get(root, "access_token")))
		token = strdup(json_string_value(json_object_get(root, "access_token")));
	json_decref(root);
	free(f.data);
	cr_assert_not_null(token, "no access_token in the answer");
	return token;
}

Test(signin_cred, access_token_registers)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	azsreg_client *c;
	char *token = fetch_token();
	const char *secrets[] = { token, HARNESS_CLIENT_SECRET, NULL };
	char *out = NULL;

	cr_assert_eq(harness_reset_counters(&emu), 0);
	cr_assert_eq(azsreg_credential_access_token_new(&cred, token), AZSREG_OK, "%s", azsreg_error_last()->message);
	/* the description names the account read from the JWT, never the token */
	signin_scan(azsreg_credential_describe(cred), secrets, "the credential description");
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	cr_assert_eq(signin_put(c, 14), AZSREG_OK, "register: %s", azsreg_error_last()->message);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 14);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 0, "a ready token needs no token request");
	cr_expect_eq(harness_stat(&emu, "armRequests"), 1);
	cr_assert_eq(azsreg_client_sign_in(&out, c), AZSREG_OK, "%s", azsreg_error_last()->message);
	signin_scan(out, secrets, "the sign-in description");
	azsreg_free(out);

	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
	free(token);
}

/* ---- tenant as a domain name ---------------------------------------------------------------- */

Test(signin_cred, tenant_domain_resolves_to_guid)
{
	harness_log log = { 0 };
	azsreg_credential *cred = NULL;
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	const char *secrets[] = { HARNESS_CLIENT_SECRET, NULL };
	char guid[AZSREG_GUID_LEN + 1];
	char cust[AZSREG_GUID_LEN + 1];
	char *out = NULL;
	azsreg_client *c;
	json_t *state, *reg, *sub;

	o.tenant_id = HARNESS_TENANT_DOMAIN;
	o.client_id = HARNESS_CLIENT_ID;
	o.client_secret = HARNESS_CLIENT_SECRET;
	cr_assert_eq(azsreg_credential_client_secret_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	c = signin_client(&emu, cred, &log);
	azsreg_credential_free(cred);

	cr_assert_eq(azsreg_tenant_resolve(guid, c, HARNESS_TENANT_DOMAIN), AZSREG_OK, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(guid, HARNESS_TENANT_ID);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/" HARNESS_TENANT_DOMAIN "/v2.0/.well-known/openid-configuration"), 1);

	/* signing in with the domain and registering with the domain: stored as the GUID */
	signin_customer(cust, 15);
	cr_assert_eq(azsreg_customer_put(&out, c, HARNESS_REGISTRATION_ID, cust, HARNESS_TENANT_DOMAIN), AZSREG_OK,
		     "register: %s", azsreg_error_last()->message);
	azsreg_free(out);
	SIGNIN_ASSERT_ONE_MAPPING(&emu, 15);
	state = harness_state(&emu);
	reg = harness_state_registration(state, HARNESS_REG_NAME);
	sub = json_array_get(json_object_get(reg, "customerSubscriptions"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(sub, "properties"), "tenantId")), HARNESS_TENANT_ID,
			 "the domain was not resolved to the tenant GUID");
	json_decref(state);
	cr_expect_eq(harness_stat(&emu, "byClientSecret"), 1);

	azsreg_client_free(c);
	scan_all(&log, secrets);
	harness_log_free(&log);
}
