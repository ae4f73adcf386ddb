/*
 * test_cred_device_code.c: the device-code credential (cred_device_code.c): polling with
 * slow_down, the refresh token kept, declined and expired codes, the AD FS form, and a
 * prompt that cancels.
 */
#include "cred_fixture.h"

TestSuite(cred_device_code, .init = cred_setup, .fini = cred_teardown);

static int prompts;
static char prompt_msg[256];

static int prompt(const char *message, const char *user_code, const char *uri, void *payload)
{
	(void)payload;
	prompts++;
	snprintf(prompt_msg, sizeof(prompt_msg), "%s|%s|%s", message, user_code, uri);
	return 0;
}

Test(cred_device_code, device_code_polls_honours_slow_down_and_keeps_the_refresh_token)
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

Test(cred_device_code, device_code_declined_and_expired)
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
Test(cred_device_code, device_code_on_adfs_uses_the_resource_form)
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

Test(cred_device_code, device_code_prompt_can_cancel)
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
