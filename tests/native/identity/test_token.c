/* test_token.c: token responses (expiry forms, the earlier of exp and expires_in, the refresh
 * token) and the tenant of an OpenID configuration (token.c). */
#include <criterion/criterion.h>
#include <stdio.h>

#include "auth_fakes.h"

#define PR(s) (s), strlen(s)

Test(token, response_expiry_forms)
{
	azsreg_token t;
	char *rt = NULL;
	char *jwt = af_jwt("{\"exp\":1700000900,\"tid\":\"T\",\"oid\":\"O\"}");
	char body[1024];

	memset(&t, 0, sizeof(t));
	cr_assert_eq(azsreg_token__parse_response(&t, &rt, PR("{\"access_token\":\"a1\",\"expires_in\":\"600\",\"refresh_token\":\"r1\"}"), INT64_C(1000000)), 0);
	cr_expect_eq((t.expires_on_ms / 1000), 1600);
	cr_expect_eq((t.issued_at_ms / 1000), 1000);
	cr_expect_str_eq(rt, "r1");
	azsreg__free_secret(rt);
	rt = NULL;
	azsreg_token__clear(&t);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, PR("{\"access_token\":\"a1\",\"expires_on\":1700000000}"), INT64_C(1699999000000)), 0);
	cr_expect_eq((t.expires_on_ms / 1000), 1700000000);
	azsreg_token__clear(&t);
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\"}", jwt);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, body, strlen(body), INT64_C(1700000000000)), 0);
	cr_expect_eq((t.expires_on_ms / 1000), 1700000900);
	cr_expect_str_eq(t.tenant_id, "T");
	cr_expect_str_eq(t.account, "O");
	azsreg_token__clear(&t);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, PR("{\"access_token\":\"opaque\"}"), INT64_C(50000)), 0);
	cr_expect_eq((t.expires_on_ms / 1000), 3650);
	azsreg_token__clear(&t);
	free(jwt);
}

/*
 * The service checks the token's own exp in whole seconds: when a JWT's exp is earlier
 * than expires_in counted from the send time, exp wins; an exp already past at send time
 * is clock skew and ignored. Expiry and issue time are kept in milliseconds.
 */
Test(token, response_takes_the_earlier_of_jwt_exp_and_expires_in)
{
	azsreg_token t;
	char *jwt = af_jwt("{\"exp\":1700000002,\"tid\":\"T\"}");
	char body[1024];

	memset(&t, 0, sizeof(t));
	/* sent at 1700000000.900 with expires_in 2: 1700000002.900 by the clock, 1700000002 by exp */
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\",\"expires_in\":2}", jwt);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, body, strlen(body), INT64_C(1700000000900)), 0);
	cr_expect_eq(t.expires_on_ms, INT64_C(1700000002000));
	cr_expect_eq((t.expires_on_ms / 1000), 1700000002);
	cr_expect_eq(t.issued_at_ms, INT64_C(1700000000900));
	cr_expect_eq((t.issued_at_ms / 1000), 1700000000);
	azsreg_token__clear(&t);
	/* the seconds API too: exp 1700000002 beats now + 3600 */
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\",\"expires_in\":3600}", jwt);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, body, strlen(body), INT64_C(1700000000000)), 0);
	cr_expect_eq((t.expires_on_ms / 1000), 1700000002);
	azsreg_token__clear(&t);
	/* expires_on (managed identity) later than exp: exp wins as well */
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\",\"expires_on\":\"1700003600\"}", jwt);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, body, strlen(body), INT64_C(1700000000000)), 0);
	cr_expect_eq((t.expires_on_ms / 1000), 1700000002);
	azsreg_token__clear(&t);
	/* expires_in earlier than exp: expires_in wins, counted from the send time in ms */
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\",\"expires_in\":1}", jwt);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, body, strlen(body), INT64_C(1700000000250)), 0);
	cr_expect_eq(t.expires_on_ms, INT64_C(1700000001250));
	azsreg_token__clear(&t);
	/* exp at or before the send time (clocks disagree): ignored, expires_in counts */
	snprintf(body, sizeof(body), "{\"access_token\":\"%s\",\"expires_in\":3600}", jwt);
	cr_assert_eq(azsreg_token__parse_response(&t, NULL, body, strlen(body), INT64_C(1700000002000)), 0);
	cr_expect_eq(t.expires_on_ms, INT64_C(1700003602000));
	azsreg_token__clear(&t);
	free(jwt);
}

Test(token, openid_configuration)
{
	char out[AZSREG_GUID_LEN + 1];
	const char *ok = "{\"token_endpoint\":\"https://login.microsoftonline.com/72F988BF-86F1-41AF-91AB-2D7CD011DB47/oauth2/v2.0/token\"}";
	const char *iss = "{\"issuer\":\"https://127.0.0.1:4443/11111111-1111-1111-1111-111111111111/v2.0\"}";

	cr_assert_eq(azsreg_openid__parse_tenant(out, ok, strlen(ok)), 0);
	cr_expect_str_eq(out, "72f988bf-86f1-41af-91ab-2d7cd011db47");
	cr_assert_eq(azsreg_openid__parse_tenant(out, iss, strlen(iss)), 0);
	cr_expect_str_eq(out, "11111111-1111-1111-1111-111111111111");
	cr_expect_neq(azsreg_openid__parse_tenant(out, PR("{\"issuer\":\"https://x/common/v2.0\"}")), 0);
	cr_expect_neq(azsreg_openid__parse_tenant(out, "[]", 2), 0);
}
