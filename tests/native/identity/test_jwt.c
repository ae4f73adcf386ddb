/* test_jwt.c: JWT claims, token responses, OpenID configuration, assertions (jwt.c, token.c). */
#include <criterion/criterion.h>
#include <stdio.h>

#include "auth_fakes.h"

#define PR(s) (s), strlen(s)

Test(jwt, decodes_claims)
{
	char *t = af_jwt("{\"aud\":[\"https://management.azure.com/\",\"x\"],\"exp\":1700003600,\"nbf\":1700000000,"
			 "\"iat\":1700000000,\"tid\":\"tid-1\",\"oid\":\"oid-1\",\"appid\":\"app-1\",\"upn\":\"a@b.c\",\"iss\":\"https://sts/\"}");
	azsreg_jwt_claims c;

	cr_assert_eq(azsreg_jwt__decode_claims(&c, t), 0);
	cr_expect_eq(c.exp, 1700003600);
	cr_expect_eq(c.nbf, 1700000000);
	cr_expect_eq(c.iat, 1700000000);
	cr_expect_str_eq(c.tid, "tid-1");
	cr_expect_str_eq(c.oid, "oid-1");
	cr_expect_str_eq(c.appid, "app-1");
	cr_expect_str_eq(c.upn, "a@b.c");
	cr_expect_str_eq(c.aud, "https://management.azure.com/");
	cr_expect_str_eq(c.iss, "https://sts/");
	cr_expect(azsreg_jwt__is_jwt(t));
	azsreg_jwt__claims_free(&c);
	free(t);
}

Test(jwt, fallbacks_for_account_claims_and_real_exp)
{
	char *t = af_jwt("{\"exp\":1700003600.5,\"azp\":\"azp-1\",\"preferred_username\":\"u@x\"}");
	azsreg_jwt_claims c;

	cr_assert_eq(azsreg_jwt__decode_claims(&c, t), 0);
	cr_expect_eq(c.exp, 1700003600);
	cr_expect_str_eq(c.appid, "azp-1");
	cr_expect_str_eq(c.upn, "u@x");
	cr_expect_null(c.tid);
	azsreg_jwt__claims_free(&c);
	free(t);
}

Test(jwt, refuses_malformed_tokens)
{
	const char *bad[] = { "", "abc", "a.b", "a.b.c.d", ".b.c", "a..c", "eyJhbGciOiJub25lIn0.!!!.x",
			      "eyJhbGciOiJub25lIn0.WzFd.x" /* claims are an array */, "bm90anNvbg.bm90anNvbg.x" };
	azsreg_jwt_claims c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(azsreg_jwt__decode_claims(&c, bad[i]), AZSREG_EINVALID, "accepted \"%s\"", bad[i]);
		cr_expect(!azsreg_jwt__is_jwt(bad[i]), "is_jwt(\"%s\")", bad[i]);
	}
	cr_expect_eq(azsreg_jwt__decode_claims(&c, NULL), AZSREG_EINVALID);
}

Test(jwt, token_response_expiry_forms)
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
Test(jwt, token_response_takes_the_earlier_of_jwt_exp_and_expires_in)
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

Test(jwt, openid_configuration)
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

static int fixed_sign(const unsigned char *d, size_t n, unsigned char *sig, size_t *len, void *p)
{
	(void)d;
	(void)n;
	(void)p;
	memcpy(sig, "\x01\x02\x03", 3);
	*len = 3;
	return 0;
}

static int failing_sign(const unsigned char *d, size_t n, unsigned char *sig, size_t *len, void *p)
{
	(void)d;
	(void)n;
	(void)sig;
	(void)len;
	(void)p;
	return 1;
}

Test(jwt, assertion_layout)
{
	azsreg_assertion_params p;
	char *a = NULL, *hdr = NULL;
	azsreg_jwt_claims c;
	const unsigned char der[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	const unsigned char *chain[1] = { der };
	size_t chain_len[1] = { sizeof(der) };

	memset(&p, 0, sizeof(p));
	p.client_id = "cid";
	p.audience = "https://login/t/oauth2/v2.0/token";
	p.cert_der = der;
	p.cert_der_len = sizeof(der);
	p.chain_der = chain;
	p.chain_der_len = chain_len;
	p.chain_count = 1;
	p.now_unix = 1700000000;
	p.sign = fixed_sign;
	cr_assert_eq(azsreg_jwt__build_assertion(&a, &p), 0);
	cr_expect_str_eq(strrchr(a, '.'), ".AQID");
	cr_assert_eq(azsreg_jwt__decode_header(&hdr, a), 0);
	cr_expect_str_eq(hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5t\":\"jEEBpEwaL5kOHqKf7OPF-Gb-Vhs\",\"x5c\":[\"MAMCAQA=\"]}");
	cr_assert_eq(azsreg_jwt__decode_claims(&c, a), 0);
	cr_expect_eq(c.exp, 1700000600);
	cr_expect_eq(c.nbf, 1700000000);
	cr_expect_str_eq(c.aud, "https://login/t/oauth2/v2.0/token");
	cr_expect_str_eq(c.iss, "cid");
	azsreg_jwt__claims_free(&c);
	free(hdr);
	azsreg__free_secret(a);
	p.sign = failing_sign;
	cr_expect_eq(azsreg_jwt__build_assertion(&a, &p), AZSREG_EAUTH);
	cr_expect_null(a);
}
