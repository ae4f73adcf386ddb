/*
 * test_cred_access_token.c: the access-token credential (cred_access_token.c): expiry read
 * from the JWT, and no renewal.
 */
#include "cred_fixture.h"

TestSuite(cred_access_token, .init = cred_setup, .fini = cred_teardown);

Test(cred_access_token, access_token_expiry_from_jwt_and_no_renewal)
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
