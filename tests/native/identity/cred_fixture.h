/*
 * cred_fixture.h: the fixture the sign-in unit tests share (tests/native/identity/
 * test_cred_*.c, test_tenant.c): a scripted transport and a fake clock behind a pipeline,
 * a token context for the AAD environment, a log capture, an environment without any
 * AZURE_* or AZSREG_* sign-in variable, and the identities the tests sign in with.
 * Everything is static: each test executable has its own copy.
 */
#ifndef AZSREG_CRED_FIXTURE_H
#define AZSREG_CRED_FIXTURE_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include <jansson.h>

#include "auth_fakes.h"

#define TENANT "11111111-1111-1111-1111-111111111111"
#define CLIENT "22222222-2222-2222-2222-222222222222"
#define SECRET "s3cr=t&value+with/odd chars"
#define TOKEN_OK "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"opaque-token-abc\"}"

#define UP_USER "admin@contoso.onmicrosoft.com"
#define UP_PASSWORD "p@ss word&=+/secret-42"
#define UP_PS_CLIENT "1950a258-227b-4e31-a9cf-717495945fc2"
#define UP_TOKEN_RT "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"user-token-1\",\"refresh_token\":\"user-refresh-abc1\"}"

static af_clock clk;
static af_transport *ft;
static azsreg_pipeline *pl;
static azsreg_token_context ctx;
static azsreg_buf logs = AZSREG_BUF_INIT;

static void cred_log_cb(int level, const char *message, void *payload)
{
	(void)payload;
	(void)azsreg_buf__printf(&logs, "%d %s\n", level, message);
}

static void cred_setup(void)
{
	af_clock_init(&clk);
	ft = af_transport_new();
	azsreg_buf__clear(&logs);
	pl = af_pipeline(ft, &clk, cred_log_cb, NULL);
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

static void cred_teardown(void)
{
	azsreg_pipeline__free(pl);
	af_transport_free(ft);
	azsreg_buf__free(&logs);
}

static __attribute__((unused)) azsreg_credential *secret_cred(const char *tenant)
{
	azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	azsreg_credential *c = NULL;

	o.tenant_id = tenant;
	o.client_id = CLIENT;
	o.client_secret = SECRET;
	cr_assert_eq(azsreg_credential_client_secret_new(&c, &o), 0, "%s", azsreg_error_last()->message);
	return c;
}

static __attribute__((unused)) const char *form_value(const char *body, const char *name, char *out, size_t cap)
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

#endif
