/*
 * test_tenant.c: tenant resolution (tenant.c): a GUID in any form without a request, a
 * domain through the OpenID configuration, identity errors kept, and AD FS refused.
 */
#include "cred_fixture.h"

TestSuite(tenant, .init = cred_setup, .fini = cred_teardown);

Test(tenant, tenant_resolve_domain_and_guid)
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
