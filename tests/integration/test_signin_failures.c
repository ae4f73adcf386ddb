/*
 * Failed sign-ins through the library against the real emulator over TLS, each with its
 * specific error: AZSREG_EAUTH, the identity code in arm_code (AADSTS... or the OAuth /
 * managed identity error), a message naming the credential, the authority (or endpoint)
 * and the tenant, and a hint. Nothing reaches ARM and nothing is registered. Every test
 * logs at TRACE and scans the capture, the error and the emulator's output for the
 * secrets, passwords and assertions it used.
 */
#include "fixtures/signin/signin_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define WRONG_SECRET "wrong-secret-do-not-log-7340"
#define EXPIRED_SECRET "expired-secret-do-not-log-9912"
#define UNKNOWN_APP "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
#define UNKNOWN_TENANT "0badbad0-1234-4321-8888-abcdefabcdef"

static harness_emulator emu;

static void start(void)
{
	unsetenv("IDENTITY_ENDPOINT");
	unsetenv("IDENTITY_HEADER");
	unsetenv("MSI_ENDPOINT");
	unsetenv("MSI_SECRET");
	unsetenv("AZSREG_IMDS_ENDPOINT");
	cr_assert_eq(harness_emulator_start(&emu, NULL), 0, "the emulator did not start");
}

static void stop(void)
{
	cr_expect_eq(harness_emulator_stop(&emu), 0, "the emulator did not stop cleanly");
}

TestSuite(signin_fail, .init = start, .fini = stop, .timeout = 300); /* generous: RSA key generation under valgrind is slow */

/*
 * Tries to register customer `n` with `cred` (consumed); expects a sign-in failure:
 * nothing reached ARM, nothing registered; scans log, error and emulator output.
 * Leaves the error of the failed call as the thread's last error.
 */
static int try_register(azsreg_credential *cred, unsigned n, const char *const *secrets)
{
	harness_log log = { 0 };
	azsreg_client *c = signin_client(&emu, cred, &log);
	char *emu_out;
	int rc;

	azsreg_credential_free(cred);
	rc = signin_put(c, n);
	/* keep the error: scanning below makes no library call */
	signin_scan_error(secrets);
	signin_scan(log.text, secrets, "the TRACE log");
	signin_save_log(criterion_current_test->name, log.text);
	{
		char name[256];
		snprintf(name, sizeof name, "%s.error", criterion_current_test->name);
		signin_save_log(name, azsreg_error_last_json());
	}
	emu_out = harness_emulator_log(&emu);
	signin_scan(emu_out, secrets, "the emulator's output");
	free(emu_out);
	cr_expect_gt(log.lines, 0, "nothing was logged at TRACE");
	cr_expect_eq(harness_stat(&emu, "armRequests"), 0, "a failed sign-in still reached ARM");
	SIGNIN_ASSERT_NO_MAPPING(&emu);
	harness_log_free(&log);
	/* freeing the client makes no failing call, so the error stays */
	azsreg_client_free(c);
	return rc;
}

static azsreg_credential *secret_cred(const char *tenant, const char *client_id, const char *secret)
{
	azsreg_credential *cred = NULL;
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;

	o.tenant_id = tenant;
	o.client_id = client_id;
	o.client_secret = secret;
	cr_assert_eq(azsreg_credential_client_secret_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	return cred;
}

/* ---- client secret --------------------------------------------------------------------- */

Test(signin_fail, wrong_secret_is_AADSTS7000215)
{
	const char *secrets[] = { WRONG_SECRET, HARNESS_CLIENT_SECRET, NULL };
	int rc = try_register(secret_cred(HARNESS_TENANT_ID, HARNESS_CLIENT_ID, WRONG_SECRET), 1, secrets);

	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS7000215", "ClientSecret", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_eq(azsreg_error_last()->http_status, 401);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "invalid_client"), "%s", azsreg_error_last()->message);
	cr_expect_not_null(strstr(azsreg_error_last()->hint, "secret"), "hint: %s", azsreg_error_last()->hint);
	cr_expect_neq(azsreg_error_last()->correlation_id[0], '\0', "no correlation ID");
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "a refused secret was retried");
}

Test(signin_fail, expired_secret_is_AADSTS7000222)
{
	const char *secrets[] = { EXPIRED_SECRET, NULL };
	json_t *state = harness_state(&emu);
	json_t *app = json_array_get(json_object_get(state, "applications"), 0);
	int rc;

	cr_assert_not_null(app);
	json_array_append_new(json_object_get(app, "secrets"),
			      json_pack("{s:s,s:I}", "value", EXPIRED_SECRET, "expiresOn", (json_int_t)(time(NULL) - 86400)));
	cr_assert_eq(harness_state_put(&emu, state), 0);
	json_decref(state);

	rc = try_register(secret_cred(HARNESS_TENANT_ID, HARNESS_CLIENT_ID, EXPIRED_SECRET), 2, secrets);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS7000222", "ClientSecret", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->hint, "expired"), "hint: %s", azsreg_error_last()->hint);
}

Test(signin_fail, unknown_application_is_AADSTS700016)
{
	const char *secrets[] = { HARNESS_CLIENT_SECRET, NULL };
	int rc = try_register(secret_cred(HARNESS_TENANT_ID, UNKNOWN_APP, HARNESS_CLIENT_SECRET), 3, secrets);

	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS700016", "ClientSecret", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, UNKNOWN_APP), "the message does not name the client ID: %s",
			   azsreg_error_last()->message);
}

Test(signin_fail, unknown_tenant_is_AADSTS90002)
{
	const char *secrets[] = { HARNESS_CLIENT_SECRET, NULL };
	int rc = try_register(secret_cred(UNKNOWN_TENANT, HARNESS_CLIENT_ID, HARNESS_CLIENT_SECRET), 4, secrets);

	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS90002", "ClientSecret", emu.base_url_noslash, UNKNOWN_TENANT);
	cr_expect_not_null(strstr(azsreg_error_last()->hint, "tenant"), "hint: %s", azsreg_error_last()->hint);
}

Test(signin_fail, unknown_tenant_domain_does_not_resolve)
{
	harness_log log = { 0 };
	azsreg_credential *cred = secret_cred(HARNESS_TENANT_ID, HARNESS_CLIENT_ID, HARNESS_CLIENT_SECRET);
	azsreg_client *c = signin_client(&emu, cred, &log);
	char guid[AZSREG_GUID_LEN + 1];
	int rc;

	azsreg_credential_free(cred);
	rc = azsreg_tenant_resolve(guid, c, "fabrikam.onmicrosoft.com");
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS90002", "tenant", emu.base_url_noslash, "fabrikam.onmicrosoft.com");
	cr_expect_eq(harness_count_requests(&emu, "GET", "/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration"), 1);
	azsreg_client_free(c);
	harness_log_free(&log);
}

/* ---- certificates and assertions ---------------------------------------------------------- */

Test(signin_fail, certificate_not_registered_is_AADSTS700027)
{
	signin_cert cert;
	azsreg_credential *cred = NULL;
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	char path[HARNESS_PATH_MAX];
	int rc;

	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (not registered)"), 0);
	cr_assert_eq(harness_path(path, sizeof path, &emu, "unregistered.pem"), 0);
	cr_assert_eq(signin_write_pem(path, &cert), 0);
	o.tenant_id = HARNESS_TENANT_ID;
	o.client_id = HARNESS_CLIENT_ID;
	o.certificate_path = path;
	cr_assert_eq(azsreg_credential_certificate_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	rc = try_register(cred, 5, NULL);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS700027", "Certificate", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->arm_message, "key was not found"), "%s", azsreg_error_last()->arm_message);
	cr_expect_not_null(strstr(azsreg_error_last()->hint, "certificate"), "hint: %s", azsreg_error_last()->hint);
	signin_cert_free(&cert);
}

typedef struct forge_ctx {
	EVP_PKEY *key;
	int calls;
} forge_ctx;

/* Signs with a key that is NOT the registered certificate's. */
static int sign_with_other_key(const unsigned char *data, size_t data_len, unsigned char *sig, size_t *sig_len, void *payload)
{
	forge_ctx *f = payload;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int rc = -1;

	f->calls++;
	if (md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, f->key) == 1 &&
	    EVP_DigestSign(md, sig, sig_len, data, data_len) == 1)
		rc = 0;
	EVP_MD_CTX_free(md);
	return rc;
}

Test(signin_fail, forged_assertion_with_registered_x5t_is_AADSTS700027)
{
	signin_cert registered, other;
	forge_ctx f;
	azsreg_credential *cred = NULL;
	azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
	int rc;

	cr_assert_eq(signin_cert_make(&registered, "azsreg sign-in test (registered)"), 0);
	cr_assert_eq(signin_cert_make(&other, "azsreg sign-in test (attacker)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &registered), 0);
	/* the registered certificate (so x5t matches), a signature by another key */
	f.key = other.key;
	f.calls = 0;
	o.tenant_id = HARNESS_TENANT_ID;
	o.client_id = HARNESS_CLIENT_ID;
	o.certificate_der = registered.der;
	o.certificate_der_len = registered.der_len;
	o.sign_cb = sign_with_other_key;
	o.sign_payload = &f;
	cr_assert_eq(azsreg_credential_certificate_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	rc = try_register(cred, 6, NULL);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS700027", "Certificate", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->arm_message, "signature"), "%s", azsreg_error_last()->arm_message);
	cr_expect_eq(f.calls, 1);
	cr_expect_eq(harness_stat(&emu, "byAssertion"), 0);
	signin_cert_free(&registered);
	signin_cert_free(&other);
}

Test(signin_fail, forged_federated_assertion_is_AADSTS700027)
{
	signin_cert registered, other;
	azsreg_credential *cred = NULL;
	char path[HARNESS_PATH_MAX], aud[256];
	long long now = (long long)time(NULL);
	char *forged;
	const char *secrets[2];
	int rc;

	cr_assert_eq(signin_cert_make(&registered, "azsreg sign-in test (registered)"), 0);
	cr_assert_eq(signin_cert_make(&other, "azsreg sign-in test (attacker)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &registered), 0);
	signin_token_url(aud, sizeof aud, &emu, HARNESS_TENANT_ID);
	forged = signin_assertion(other.key, registered.x5t, HARNESS_CLIENT_ID, aud, now - 5, now + 600, "forged-jti");
	cr_assert_not_null(forged);
	secrets[0] = forged;
	secrets[1] = NULL;
	cr_assert_eq(harness_path(path, sizeof path, &emu, "forged-token"), 0);
	cr_assert_eq(signin_write_text(path, forged), 0);
	cr_assert_eq(azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, HARNESS_TENANT_ID, HARNESS_CLIENT_ID, path }), AZSREG_OK);
	rc = try_register(cred, 7, secrets);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS700027", "Federated", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->arm_message, "signature"), "%s", azsreg_error_last()->arm_message);
	free(forged);
	signin_cert_free(&registered);
	signin_cert_free(&other);
}

Test(signin_fail, expired_assertion_is_AADSTS700024)
{
	signin_cert cert;
	azsreg_credential *cred = NULL;
	char path[HARNESS_PATH_MAX], aud[256];
	long long now = (long long)time(NULL);
	char *expired;
	const char *secrets[2];
	int rc;

	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (expired assertion)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &cert), 0);
	signin_token_url(aud, sizeof aud, &emu, HARNESS_TENANT_ID);
	/* properly signed by the registered key, but it expired an hour ago */
	expired = signin_assertion(cert.key, cert.x5t, HARNESS_CLIENT_ID, aud, now - 7200, now - 3600, "expired-jti");
	cr_assert_not_null(expired);
	secrets[0] = expired;
	secrets[1] = NULL;
	cr_assert_eq(harness_path(path, sizeof path, &emu, "expired-token"), 0);
	cr_assert_eq(signin_write_text(path, expired), 0);
	cr_assert_eq(azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, HARNESS_TENANT_ID, HARNESS_CLIENT_ID, path }), AZSREG_OK);
	rc = try_register(cred, 8, secrets);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS700024", "Federated", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->arm_message, "expired"), "%s", azsreg_error_last()->arm_message);
	free(expired);
	signin_cert_free(&cert);
}

/*
 * The emulator's checks of a client assertion, each refused with its AADSTS code: a
 * registered certificate signs every one, so only the claim named is wrong. The assertion
 * travels as a federated token file.
 */
typedef struct assertion_case {
	const char *name;
	int aud_wrong, iss_wrong, sub_wrong;
	long long nbf_offset; /* from now */
	const char *jti;
	int replay; /* use it once successfully first */
	const char *want;
	const char *desc_part;
} assertion_case;

static const assertion_case assertion_cases[] = {
	{ "wrong aud", 1, 0, 0, -5, "table-aud", 0, "AADSTS50027", "aud" },
	{ "wrong iss", 0, 1, 0, -5, "table-iss", 0, "AADSTS50027", "iss" },
	{ "wrong sub", 0, 0, 1, -5, "table-sub", 0, "AADSTS50027", "sub" },
	{ "nbf in the future", 0, 0, 0, 600, "table-nbf", 0, "AADSTS700024", "" },
	{ "jti replayed", 0, 0, 0, -5, "table-replay", 1, "AADSTS50027", "jti" },
};

Test(signin_fail, assertion_claims_are_checked_each_with_its_code)
{
	signin_cert cert;
	char aud[256], wrong_aud[300];
	long long now = (long long)time(NULL);
	size_t i;
	unsigned n = 40;

	cr_assert_eq(signin_cert_make(&cert, "azsreg sign-in test (assertion table)"), 0);
	cr_assert_eq(signin_register_cert(&emu, HARNESS_CLIENT_ID, &cert), 0);
	signin_token_url(aud, sizeof aud, &emu, HARNESS_TENANT_ID);
	snprintf(wrong_aud, sizeof wrong_aud, "%s/%s/oauth2/token", emu.base_url_noslash, HARNESS_TENANT_ID); /* the v1 URL */
	for (i = 0; i < sizeof assertion_cases / sizeof assertion_cases[0]; i++) {
		const assertion_case *tc = &assertion_cases[i];
		azsreg_credential *cred = NULL;
		char path[HARNESS_PATH_MAX], file[64];
		const char *secrets[2];
		char *a;
		int rc;

		a = signin_assertion_ex(cert.key, cert.x5t, tc->iss_wrong ? UNKNOWN_APP : HARNESS_CLIENT_ID,
					tc->sub_wrong ? UNKNOWN_APP : HARNESS_CLIENT_ID, tc->aud_wrong ? wrong_aud : aud,
					now + tc->nbf_offset, now + 600, tc->jti);
		cr_assert_not_null(a, "%s: no assertion", tc->name);
		secrets[0] = a;
		secrets[1] = NULL;
		snprintf(file, sizeof file, "table-%zu.token", i);
		cr_assert_eq(harness_path(path, sizeof path, &emu, file), 0);
		cr_assert_eq(signin_write_text(path, a), 0);
		if (tc->replay) {
			/* first use: accepted (a sign-in only, nothing sent to ARM) */
			azsreg_client *c;
			char *who = NULL;

			cr_assert_eq(azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, HARNESS_TENANT_ID, HARNESS_CLIENT_ID, path }), AZSREG_OK);
			c = signin_client(&emu, cred, NULL);
			azsreg_credential_free(cred);
			cr_expect_eq(azsreg_client_sign_in(&who, c), AZSREG_OK, "%s: the first use was refused: %s", tc->name,
				     azsreg_error_last()->message);
			azsreg_free(who);
			azsreg_client_free(c);
			cred = NULL;
		}
		cr_assert_eq(azsreg_credential_federated_new(&cred, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, HARNESS_TENANT_ID, HARNESS_CLIENT_ID, path }), AZSREG_OK);
		rc = try_register(cred, n++, secrets);
		SIGNIN_ASSERT_AUTH_ERROR(rc, tc->want, "Federated", emu.base_url_noslash, HARNESS_TENANT_ID);
		cr_expect_eq(azsreg_error_last()->http_status, 401, "%s: HTTP %d", tc->name, azsreg_error_last()->http_status);
		cr_expect_not_null(strstr(azsreg_error_last()->arm_message, tc->desc_part), "%s: %s", tc->name,
				   azsreg_error_last()->arm_message);
		free(a);
	}
	signin_cert_free(&cert);
}

/* ---- user name + password -------------------------------------------------------------------- */

#define WRONG_PASSWORD "wrong-user-password-do-not-log-5128"
#define MFA_PASSWORD "mfa-user-password-do-not-log-8841"

Test(signin_fail, username_password_failures_each_with_its_code_and_hint)
{
	static const struct {
		const char *user, *password, *want, *hint_part;
	} cases[] = {
		{ SIGNIN_USER, WRONG_PASSWORD, "AADSTS50126", "Wrong user name or password" },
		{ "mfa@contoso.onmicrosoft.com", MFA_PASSWORD, "AADSTS50076", "sign in with a device code or use a service principal" },
		{ "nobody@contoso.onmicrosoft.com", WRONG_PASSWORD, "AADSTS50034", "does not exist" },
	};
	const char *secrets[] = { WRONG_PASSWORD, MFA_PASSWORD, SIGNIN_USER_PASSWORD, NULL };
	size_t i;

	cr_assert_eq(signin_add_user(&emu, "mfa@contoso.onmicrosoft.com", HARNESS_TENANT_ID, MFA_PASSWORD, 1), 0);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		azsreg_credential *cred = NULL;
		int rc;

		cr_assert_eq(azsreg_credential_username_password_new(&cred, &(azsreg_username_password_options){ AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, HARNESS_TENANT_ID, NULL, cases[i].user, cases[i].password }),
			     AZSREG_OK, "%s", azsreg_error_last()->message);
		rc = try_register(cred, 50 + (unsigned)i, secrets);
		SIGNIN_ASSERT_AUTH_ERROR(rc, cases[i].want, "UsernamePassword", emu.base_url_noslash, HARNESS_TENANT_ID);
		cr_expect_not_null(strstr(azsreg_error_last()->hint, cases[i].hint_part), "%s: hint %s", cases[i].want,
				   azsreg_error_last()->hint);
		cr_expect_not_null(strstr(azsreg_error_last()->message, cases[i].user), "%s", azsreg_error_last()->message);
		cr_expect_neq(azsreg_error_last()->correlation_id[0], '\0', "%s: no correlation ID", cases[i].want);
	}
	cr_expect_eq(harness_stat(&emu, "byPassword"), 0);
}

/* ---- managed identity ------------------------------------------------------------------------ */

Test(signin_fail, managed_identity_wrong_header_is_refused)
{
	static const char wrong[] = "wrong-identity-header-do-not-log-4471";
	const char *secrets[] = { wrong, SIGNIN_IDENTITY_HEADER, NULL };
	azsreg_credential *cred = NULL;
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	char url[256];
	int rc;

	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("IDENTITY_ENDPOINT", url, 1);
	setenv("IDENTITY_HEADER", wrong, 1);
	cr_assert_eq(azsreg_credential_managed_identity_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	rc = try_register(cred, 9, secrets);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "unauthorized_client", "ManagedIdentity", url, NULL);
	cr_expect_eq(azsreg_error_last()->http_status, 401);
	cr_expect_not_null(strstr(azsreg_error_last()->hint, "IDENTITY_HEADER"), "hint: %s", azsreg_error_last()->hint);
	cr_expect_eq(harness_count_requests(&emu, "GET", "/msi/token"), 1);
}

Test(signin_fail, managed_identity_wrong_msi_secret_is_refused)
{
	static const char wrong[] = "wrong-msi-secret-do-not-log-1188";
	const char *secrets[] = { wrong, SIGNIN_IDENTITY_HEADER, NULL };
	azsreg_credential *cred = NULL;
	char url[256];
	int rc;

	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("MSI_ENDPOINT", url, 1);
	setenv("MSI_SECRET", wrong, 1);
	cr_assert_eq(azsreg_credential_managed_identity_new(&cred, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	rc = try_register(cred, 10, secrets);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "unauthorized_client", "ManagedIdentity", url, NULL);
}

Test(signin_fail, managed_identity_missing_header_is_refused_before_sending)
{
	azsreg_credential *cred = NULL;
	char url[256];
	int rc;

	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("IDENTITY_ENDPOINT", url, 1);
	unsetenv("IDENTITY_HEADER");
	rc = azsreg_credential_managed_identity_new(&cred, NULL);
	cr_expect_eq(rc, AZSREG_EINVALID, "result %s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_null(cred);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "IDENTITY_HEADER"), "%s", azsreg_error_last()->message);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 0);
}

Test(signin_fail, managed_identity_unknown_user_assigned_is_refused)
{
	azsreg_credential *cred = NULL;
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	char url[256];
	int rc;

	snprintf(url, sizeof url, "%s/msi/token", emu.base_url_noslash);
	setenv("IDENTITY_ENDPOINT", url, 1);
	setenv("IDENTITY_HEADER", SIGNIN_IDENTITY_HEADER, 1);
	o.client_id = UNKNOWN_APP;
	cr_assert_eq(azsreg_credential_managed_identity_new(&cred, &o), AZSREG_OK, "%s", azsreg_error_last()->message);
	rc = try_register(cred, 11, NULL);
	SIGNIN_ASSERT_AUTH_ERROR(rc, "invalid_request", "ManagedIdentity", url, NULL);
	cr_expect_not_null(strstr(azsreg_error_last()->message, UNKNOWN_APP), "%s", azsreg_error_last()->message);
	cr_expect_not_null(strstr(azsreg_error_last()->arm_message, "Identity not found"), "%s",
			   azsreg_error_last()->arm_message);
	cr_expect_not_null(strstr(azsreg_error_last()->hint, "user-assigned identity"), "hint: %s", azsreg_error_last()->hint);
}

/* A loopback port nothing listens on (bound, then closed). */
static int closed_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int port;

	cr_assert_geq(s, 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(s);
	return port;
}

Test(signin_fail, imds_not_reachable_is_ManagedIdentityUnavailable)
{
	azsreg_credential *cred = NULL;
	char url[128];
	struct timespec t0, t1;
	long ms;
	int rc;

	snprintf(url, sizeof url, "http://127.0.0.1:%d", closed_port());
	setenv("AZSREG_IMDS_ENDPOINT", url, 1);
	cr_assert_eq(azsreg_credential_managed_identity_new(&cred, NULL), AZSREG_OK, "%s", azsreg_error_last()->message);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = try_register(cred, 12, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
	SIGNIN_ASSERT_AUTH_ERROR(rc, "ManagedIdentityUnavailable", "ManagedIdentity", url, NULL);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "not available"), "%s", azsreg_error_last()->message);
	{
		/* The credential is named once, not twice (the transport's message is not re-prefixed). */
		const char *m = azsreg_error_last()->message;
		const char *first = strstr(m, "ManagedIdentity(");

		cr_assert_not_null(first, "%s", m);
		cr_expect_null(strstr(first + 1, "ManagedIdentity("), "credential named twice: %s", m);
	}
	/* a hang guard, not a performance bound: a refused connection fails at once and IMDS
	 * is tried twice (cred_managed_identity.c: one retry, 3 s attempts), so only a client
	 * that kept retrying or waited out long timeouts reaches 60 s, whatever the load */
	cr_expect_lt(ms, 60000, "giving up on a closed IMDS port took %ld ms", ms);
	cr_log_info("giving up on a closed IMDS port took %ld ms", ms);
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 0, "a token request reached the emulator");
}

/* ---- device code ------------------------------------------------------------------------------- */

typedef struct decline_ctx {
	int calls;
	int control_status;
} decline_ctx;

static int decline_in_prompt(const char *message, const char *user_code, const char *verification_uri, void *payload)
{
	decline_ctx *d = payload;
	char body[128];

	(void)message;
	(void)verification_uri;
	d->calls++;
	snprintf(body, sizeof body, "{\"userCode\":\"%s\"}", user_code);
	d->control_status = harness_control(&emu, "POST", "/devicecode/decline", body, NULL);
	return 0;
}

Test(signin_fail, declined_device_code_is_authorization_declined_with_its_aadsts_code)
{
	azsreg_credential *cred = NULL;
	decline_ctx d = { 0, 0 };
	int rc;

	cr_assert_eq(azsreg_credential_device_code_new(&cred, &(azsreg_device_code_options){ AZSREG_DEVICE_CODE_OPTIONS_VERSION, HARNESS_TENANT_ID, SIGNIN_PUBLIC_CLIENT, decline_in_prompt, &d }),
		     AZSREG_OK, "%s", azsreg_error_last()->message);
	rc = try_register(cred, 13, NULL);
	/* the identity provider's error as it is: AADSTS65004, trace and correlation IDs, the OAuth error named */
	SIGNIN_ASSERT_AUTH_ERROR(rc, "AADSTS65004", "DeviceCode", emu.base_url_noslash, HARNESS_TENANT_ID);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "authorization_declined"), "%s", azsreg_error_last()->message);
	cr_expect_neq(azsreg_error_last()->correlation_id[0], '\0', "no correlation ID: %s", azsreg_error_last()->message);
	cr_expect_neq(azsreg_error_last()->request_id[0], '\0', "no trace ID: %s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_error_last()->hint, azsreg_error_hint("authorization_declined"));
	cr_expect_eq(d.calls, 1);
	cr_expect_eq(d.control_status, 200);
	cr_expect_eq(harness_stat(&emu, "byDeviceCode"), 0);
	cr_expect_eq(harness_count_requests(&emu, "POST", "/oauth2/v2.0/token"), 1, "declined, yet polled on");
}
