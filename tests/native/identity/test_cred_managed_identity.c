/*
 * test_cred_managed_identity.c: the managed identity credential (cred_managed_identity.c):
 * the IDENTITY_ENDPOINT, MSI_ENDPOINT and IMDS requests, their headers, timeouts and proxy
 * bypass, "unavailable" when nothing answers, and plain HTTP refused for remote hosts.
 */
#include "cred_fixture.h"

TestSuite(cred_managed_identity, .init = cred_setup, .fini = cred_teardown);

Test(cred_managed_identity, managed_identity_identity_endpoint)
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

Test(cred_managed_identity, managed_identity_msi_endpoint_uses_the_secret_header)
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

Test(cred_managed_identity, managed_identity_imds_short_timeout_no_proxy)
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

Test(cred_managed_identity, managed_identity_unavailable_when_nothing_answers)
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

Test(cred_managed_identity, managed_identity_refuses_plain_http_to_remote_hosts)
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
