/*
 * libFuzzer target: redaction (log.c: azsreg_log__redact). Input: byte 0 picks a
 * context, then "secret\n prefix\n suffix". The secret (letters, digits, at least 4)
 * goes into the text once, in that context, between the fuzzed prefix and suffix lines:
 *   0 registered secret (plain, URL-encoded and JSON-escaped forms, anywhere)
 *   1 client_secret=<s> form   2 "access_token":"<s>" JSON   3 Authorization: Bearer <s>
 *   4 https://user:<s>@host/   5 eyJ...<s>...JWT   6 password=<s> query   7 "refreshToken": "<s>"
 * It must not survive redaction; and the output never holds a registered secret, whatever
 * the text. Redaction is idempotent in the sense that redacting the output again leaves
 * no secret either.
 */
#include <ctype.h>

#include "fuzz_common.h"

static int secret_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 4 || n > 200)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.' && s[i] != '~' && s[i] != ' ' &&
		    s[i] != '"' && s[i] != '/' && s[i] != '+' && s[i] != '=')
			return 0;
	}
	return 1;
}

static int alnum_only(const char *s)
{
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s))
			return 0;
	}
	return 1;
}

static void url_encode(azsreg_buf *b, const char *s)
{
	(void)azsreg_url__encode(b, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *rest, *secret, *prefix, *suffix;
	azsreg_buf text = AZSREG_BUF_INIT, out = AZSREG_BUF_INIT, enc = AZSREG_BUF_INIT, out2 = AZSREG_BUF_INIT;
	int ctx, rc;

	if (size < 1)
		return 0;
	ctx = data[0] % 8;
	s = fuzz_cstr(data + 1, size - 1);
	rest = s;
	secret = fuzz_line(&rest);
	prefix = fuzz_line(&rest);
	suffix = rest;
	if (!secret_ok(secret) || (ctx != 0 && !alnum_only(secret)))
		goto done;

	(void)azsreg_buf__printf(&text, "%s\n", prefix);
	switch (ctx) {
	case 0:
		(void)azsreg_buf__printf(&text, "value %s here", secret);
		break;
	case 1:
		(void)azsreg_buf__printf(&text, "grant_type=client_credentials&client_secret=%s&scope=x", secret);
		break;
	case 2:
		(void)azsreg_buf__printf(&text, "{\"token_type\":\"Bearer\",\"access_token\":\"%s\",\"expires_in\":3599}", secret);
		break;
	case 3:
		(void)azsreg_buf__printf(&text, "Authorization: Bearer %s", secret);
		break;
	case 4:
		(void)azsreg_buf__printf(&text, "proxy https://user:%s@proxy.example:8080/", secret);
		break;
	case 5:
		(void)azsreg_buf__printf(&text, "token eyJhbGciOiJSUzI1NiJ9.eyJ%s.c2ln end", secret);
		break;
	case 6:
		(void)azsreg_buf__printf(&text, "GET /x?api-version=1&password=%s HTTP/1.1", secret);
		break;
	default:
		(void)azsreg_buf__printf(&text, "{ \"refreshToken\" : \"%s\" }", secret);
		break;
	}
	(void)azsreg_buf__printf(&text, "\n%s", suffix);
	if (text.failed)
		goto done;
	/* The secret must be in the text exactly once (else the fuzzed lines carry it too). */
	if (fuzz_count(text.ptr, secret) != 1)
		goto done;
	if (ctx == 0)
		azsreg_secret__register(secret);
	rc = azsreg_log__redact(&out, text.ptr);
	FUZZ_CHECK(rc == AZSREG_OK && out.ptr != NULL, "redact failed: %d", rc);
	FUZZ_CHECK(strstr(out.ptr, secret) == NULL, "context %d: the secret survived redaction", ctx);
	if (ctx == 0) {
		/* Its URL-encoded form when the text held that form instead. */
		url_encode(&enc, secret);
		if (!enc.failed && strcmp(enc.ptr, secret) != 0 && fuzz_count(text.ptr, enc.ptr) == 0 &&
		    strchr(enc.ptr, '*') == NULL) {
			azsreg_buf t2 = AZSREG_BUF_INIT;
			(void)azsreg_buf__printf(&t2, "%s\nvalue %s\n%s", prefix, enc.ptr, suffix);
			if (!t2.failed && fuzz_count(t2.ptr, secret) == 0) {
				rc = azsreg_log__redact(&out2, t2.ptr);
				FUZZ_CHECK(rc == AZSREG_OK && strstr(out2.ptr, enc.ptr) == NULL, "the URL-encoded secret survived redaction");
			}
			azsreg_buf__free(&t2);
		}
		azsreg_secret__unregister(secret);
	}
	/* Whatever the text: a registered secret never survives. */
	azsreg_buf__clear(&out2);
	azsreg_secret__register("fuzz-registered-secret-7Q2x");
	rc = azsreg_log__redact(&out2, s);
	FUZZ_CHECK(rc == AZSREG_OK && strstr(azsreg_buf__cstr(&out2), "fuzz-registered-secret-7Q2x") == NULL, "registered secret survived");
	azsreg_secret__unregister("fuzz-registered-secret-7Q2x");
done:
	azsreg_buf__free(&text);
	azsreg_buf__free(&out);
	azsreg_buf__free(&out2);
	azsreg_buf__free(&enc);
	free(s);
	return 0;
}
