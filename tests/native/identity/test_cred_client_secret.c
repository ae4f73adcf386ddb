/*
 * test_cred_client_secret.c: the client-secret credential (cred_client_secret.c) against a
 * scripted transport: the exact token request (v2 scope form, AD FS resource form, the
 * client tenant override), the token lifetime, bad input refused before sending, error
 * composition without the secret, and that no secret or token reaches the trace log.
 */
#include "cred_fixture.h"

TestSuite(cred_client_secret, .init = cred_setup, .fini = cred_teardown);

Test(cred_client_secret, client_secret_sends_the_v2_scope_form)
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
Test(cred_client_secret, token_lifetime_counts_from_the_moment_the_request_was_sent)
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

Test(cred_client_secret, client_secret_uses_the_client_tenant_override_and_adfs_resource_form)
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

Test(cred_client_secret, client_secret_refuses_bad_input_before_sending)
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

Test(cred_client_secret, failed_sign_in_names_credential_authority_code_and_hides_the_secret)
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
Test(cred_client_secret, transport_failure_names_the_sign_in_once)
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

Test(cred_client_secret, malformed_token_answers_are_sign_in_errors_without_the_body)
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

Test(cred_client_secret, secrets_never_appear_in_logs_at_trace_level)
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
