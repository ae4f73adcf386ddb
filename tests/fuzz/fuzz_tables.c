/*
 * fuzz_tables.c: malformed inputs for the sign-in parsers (jwt.c, token.c) and endpoint URLs
 * (util.c; regressions the libFuzzer targets found), each with the
 * expected verdict, then deterministic mutations (truncation, byte flips, insertions)
 * of valid inputs that must never crash, leak (run under valgrind / ASan), return an
 * unexpected code, or leave outputs set on failure. Exit status 0 when all hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int failures;

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			failures++; \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

typedef struct tr_case {
	const char *body;
	int ok; /* expected: 1 parses, 0 refused */
	int64_t expires_on; /* when ok (now = 1000) */
} tr_case;

static const tr_case token_cases[] = {
	{ "{\"access_token\":\"a\",\"expires_in\":3600}", 1, 4600 },
	{ "{\"access_token\":\"a\",\"expires_in\":\"3600\"}", 1, 4600 },
	{ "{\"access_token\":\"a\",\"expires_on\":\"5000\"}", 1, 5000 },
	{ "{\"access_token\":\"a\",\"expires_on\":5000}", 1, 5000 },
	{ "{\"access_token\":\"a\",\"expires_in\":null}", 1, 4600 },
	{ "{\"access_token\":\"a\",\"token_type\":\"bearer\"}", 1, 4600 },
	{ "", 0, 0 },
	{ "{", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":36", 0, 0 }, /* truncated */
	{ "[]", 0, 0 },
	{ "null", 0, 0 },
	{ "\"access_token\"", 0, 0 },
	{ "{}", 0, 0 }, /* missing member */
	{ "{\"access_token\":\"\"}", 0, 0 },
	{ "{\"access_token\":42}", 0, 0 }, /* wrong type */
	{ "{\"access_token\":[\"a\"]}", 0, 0 },
	{ "{\"access_token\":\"a\\u0000b\"}", 0, 0 }, /* embedded NUL */
	{ "{\"access_token\":\"a\",\"expires_in\":-1}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":0}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":99999999999999999999999}", 0, 0 }, /* huge */
	{ "{\"access_token\":\"a\",\"expires_in\":1e300}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":\"12abc\"}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":\"\"}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":\" 5\"}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":\"-5\"}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":true}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_in\":{}}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_on\":\"09/14/2017 00:00:00 PM +00:00\"}", 0, 0 },
	{ "{\"access_token\":\"a\",\"expires_on\":99999999999999}", 0, 0 },
	{ "{\"access_token\":\"a\",\"token_type\":\"pop\"}", 0, 0 },
	{ "{\"access_token\":\"\xff\xfe\"}", 0, 0 }, /* non-UTF-8 */
	{ "{\"access_token\":\"a\"}\xc3", 0, 0 },
	{ "{\"access_token\":\"a\",\"access_token\":\"b\"}", 1, 4600 }, /* duplicates: last wins */
};

static const struct {
	const char *token;
	int ok;
} jwt_cases[] = {
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOjV9.", 1 },
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOjV9.sig", 1 },
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOjV9", 0 }, /* 2 parts */
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOjV9.s.t", 0 }, /* 4 parts */
	{ "eyJhbGciOiJub25lIn0..sig", 0 },
	{ ".eyJleHAiOjV9.sig", 0 },
	{ "eyJhbGciOiJub25lIn0.e$J leHAiOjV9.sig", 0 }, /* base64 garbage */
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOjV.sig", 0 }, /* truncated base64 */
	{ "eyJhbGciOiJub25lIn0.W10.sig", 0 }, /* claims [] */
	{ "eyJhbGciOiJub25lIn0.bnVsbA.sig", 0 }, /* claims null */
	{ "eyJhbGciOiJub25lIn0./w.sig", 0 }, /* non-UTF-8 byte */
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOiJ4In0.sig", 1 }, /* exp "x": parses, exp 0 */
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOi0xfQ.sig", 1 }, /* exp -1: parses, exp 0 */
	{ "eyJhbGciOiJub25lIn0.eyJleHAiOjFlMzAwfQ.sig", 1 }, /* exp 1e300: exp 0 */
	{ "", 0 },
	{ "...", 0 },
	{ "a.b.c", 0 },
};

static const struct {
	const char *doc;
	int ok;
} openid_cases[] = {
	{ "{\"token_endpoint\":\"https://h/11111111-1111-1111-1111-111111111111/oauth2/token\"}", 1 },
	{ "{\"issuer\":\"https://h/11111111-1111-1111-1111-111111111111/\"}", 1 },
	{ "{\"token_endpoint\":7,\"issuer\":\"https://h/11111111-1111-1111-1111-111111111111/v2.0\"}", 1 },
	{ "{\"token_endpoint\":\"https://h/common/oauth2/token\"}", 0 },
	{ "{\"token_endpoint\":\"https://h/11111111-1111-1111-1111-11111111111/x\"}", 0 },
	{ "{\"token_endpoint\":\"https://h/11111111-1111-1111-1111-11111111111g/x\"}", 0 },
	{ "{\"token_endpoint\":\"https://h/111111111111111111111111111111111111/x\"}", 0 },
	{ "{\"token_endpoint\":\"11111111-1111-1111-1111-111111111111\"}", 0 },
	{ "{}", 0 },
	{ "", 0 },
	{ "{\"issuer\":", 0 },
	{ "\xff", 0 },
};

/* Endpoint URLs (util.c azsreg_url__check_endpoint); regressions found by fuzz_url. */
static const struct {
	const char *url;
	int ok;
} endpoint_cases[] = {
	{ "https://management.azure.com/", 1 },
	{ "https://management.azure.com:443/", 1 },
	{ "https://management.azure.com:65535/", 1 },
	{ "https://management.azure.com:/", 1 }, /* "host:" (RFC 3986) */
	{ "https://[::1]:8443/", 1 },
	{ "https://management.azure.com:99999/", 0 }, /* fuzz_url: 5 digits over 65535 */
	{ "https://management.azure.com:65536/", 0 },
	{ "https://management.azure.com:0/", 0 }, /* fuzz_url: port 0 */
	{ "https://[::1]:0/", 0 },
	{ "https://management.azure.com:123456/", 0 },
};

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void run_token(const char *body, size_t len, int expect)
{
	azsreg_token t;
	char *rt = (char *)"sentinel";
	int rc;

	memset(&t, 0, sizeof(t));
	rc = azsreg_token__parse_response(&t, &rt, body, len, INT64_C(1000000));
	if (expect >= 0)
		CHECK((rc == 0) == (expect == 1), "token response %.60s: rc %d", body, rc);
	CHECK(rc == 0 || rc == AZSREG_EAUTH || rc == AZSREG_ENOMEM, "token response: unexpected code %d", rc);
	if (rc == 0) {
		CHECK(t.access_token != NULL && (t.expires_on_ms / 1000) > 0, "token response: parsed but empty");
		azsreg_token__clear(&t);
		azsreg__free_secret(rt);
	} else {
		CHECK(t.access_token == NULL, "token response: output set on failure");
		CHECK(rt != NULL && strcmp(rt, "sentinel") == 0, "token response: refresh token touched on failure");
		CHECK(strstr(azsreg_error_last()->message, "access_token\":") == NULL, "error quotes the body");
	}
}

static void run_jwt(const char *tok, int expect)
{
	azsreg_jwt_claims c;
	int rc = azsreg_jwt__decode_claims(&c, tok);

	if (expect >= 0)
		CHECK((rc == 0) == (expect == 1), "jwt \"%.60s\": rc %d", tok, rc);
	CHECK(rc == 0 || rc == AZSREG_EINVALID || rc == AZSREG_ENOMEM, "jwt: unexpected code %d", rc);
	CHECK(azsreg_jwt__is_jwt(tok) == (rc == 0), "jwt: is_jwt disagrees for \"%.60s\"", tok);
	if (rc == 0)
		azsreg_jwt__claims_free(&c);
}

static void run_openid(const char *doc, size_t len, int expect)
{
	char out[AZSREG_GUID_LEN + 1];
	int rc = azsreg_openid__parse_tenant(out, doc, len);

	if (expect >= 0)
		CHECK((rc == 0) == (expect == 1), "openid %.60s: rc %d", doc, rc);
	if (rc == 0)
		CHECK(strlen(out) == AZSREG_GUID_LEN, "openid: bad GUID output");
}

/* Mutations of a seed: truncations at every length, then random flips / inserts. */
static void mutate_all(const char *seed, void (*run)(const char *, size_t))
{
	size_t n = strlen(seed), i, k;
	char buf[512];

	for (i = 0; i <= n && i < sizeof(buf); i++) {
		memcpy(buf, seed, i);
		buf[i] = '\0';
		run(buf, i);
	}
	for (k = 0; k < 3000; k++) {
		size_t len = n < sizeof(buf) - 8 ? n : sizeof(buf) - 8;
		uint32_t r = rng();

		memcpy(buf, seed, len);
		switch (r % 4) {
		case 0:
			buf[rng() % len] = (char)(rng() & 0xff);
			break;
		case 1:
			buf[rng() % len] = "{}[]\":,.\\0-e"[rng() % 12];
			break;
		case 2: {
			size_t at = rng() % len;

			memmove(buf + at + 1, buf + at, len - at);
			buf[at] = (char)(rng() & 0xff);
			len++;
			break;
		}
		default:
			buf[rng() % len] = (char)('0' + rng() % 10);
			break;
		}
		buf[len] = '\0';
		run(buf, strlen(buf));
	}
}

static void run_token_any(const char *b, size_t n)
{
	run_token(b, n, -1);
}
static void run_jwt_any(const char *b, size_t n)
{
	(void)n;
	run_jwt(b, -1);
}
static void run_openid_any(const char *b, size_t n)
{
	run_openid(b, n, -1);
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]); i++) {
		azsreg_token t;
		int rc;

		run_token(token_cases[i].body, strlen(token_cases[i].body), token_cases[i].ok);
		if (token_cases[i].ok) {
			memset(&t, 0, sizeof(t));
			rc = azsreg_token__parse_response(&t, NULL, token_cases[i].body, strlen(token_cases[i].body), INT64_C(1000000));
			CHECK(rc == 0 && (t.expires_on_ms / 1000) == token_cases[i].expires_on, "case %zu: expires_on %lld", i, (long long)(t.expires_on_ms / 1000));
			azsreg_token__clear(&t);
		}
	}
	/* NUL inside the buffer (length says more than strlen). */
	run_token("{\"access_token\":\"a\"}\0junk", 26, 0);
	for (i = 0; i < sizeof(jwt_cases) / sizeof(jwt_cases[0]); i++)
		run_jwt(jwt_cases[i].token, jwt_cases[i].ok);
	for (i = 0; i < sizeof(openid_cases) / sizeof(openid_cases[0]); i++)
		run_openid(openid_cases[i].doc, strlen(openid_cases[i].doc), openid_cases[i].ok);
	for (i = 0; i < sizeof(endpoint_cases) / sizeof(endpoint_cases[0]); i++) {
		int rc = azsreg_url__check_endpoint(endpoint_cases[i].url, 0, "endpoint");
		CHECK((rc == 0) == (endpoint_cases[i].ok == 1), "endpoint %s: rc %d", endpoint_cases[i].url, rc);
	}

	mutate_all("{\"token_type\":\"Bearer\",\"expires_in\":\"3599\",\"expires_on\":1700003600,\"access_token\":\"eyJhbGciOiJub25lIn0.eyJleHAiOjV9.x\",\"refresh_token\":\"r\"}",
		   run_token_any);
	mutate_all("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsInRpZCI6InQiLCJhdWQiOlsiYSJdfQ.c2ln", run_jwt_any);
	mutate_all("{\"issuer\":\"https://h/11111111-1111-1111-1111-111111111111/v2.0\",\"token_endpoint\":\"https://h/11111111-1111-1111-1111-111111111111/oauth2/v2.0/token\"}",
		   run_openid_any);
	{
		/* A very long body and a deeply nested one. */
		size_t n = 200000;
		char *big = malloc(n + 1);

		memset(big, '[', n);
		big[n] = '\0';
		run_token(big, n, 0);
		run_openid(big, n, 0);
		memset(big, 'A', n);
		big[10] = '.';
		big[20] = '.';
		run_jwt(big, 0);
		free(big);
	}
	if (failures) {
		fprintf(stderr, "%d parser table checks failed\n", failures);
		return 1;
	}
	printf("parser tables: all checks passed\n");
	return 0;
}
