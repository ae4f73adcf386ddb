/*
 * test_cred_username_password.c: the user name and password credential
 * (cred_username_password.c, with cred_refresh.c): the password grant, renewal with the
 * refresh token, the organizations tenant and AD FS forms, bad input refused before
 * sending, and identity errors that keep their codes, IDs and hints.
 */
#include "cred_fixture.h"

TestSuite(cred_username_password, .init = cred_setup, .fini = cred_teardown);

Test(cred_username_password, username_password_sends_the_password_grant_and_renews_with_the_refresh_token)
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

Test(cred_username_password, username_password_defaults_to_organizations_and_uses_the_adfs_resource_form)
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

Test(cred_username_password, username_password_refuses_bad_input_before_sending)
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
Test(cred_username_password, username_password_errors_keep_the_identity_details_and_hint)
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
