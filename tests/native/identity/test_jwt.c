/* test_jwt.c: JWT claims and headers, and client assertions (jwt.c). */
#include <criterion/criterion.h>
#include <stdio.h>

#include "auth_fakes.h"

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
