/* util.c: GUIDs, HTTP-date, base64 / base64url, URL encoding, loopback and scheme checks. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "internal.h"

#define has(hay, needle) cr_assert(strstr((hay), (needle)) != NULL, "'%s' not in '%s'", (needle), (hay))

Test(guid, new_is_lowercase_v4_and_unique)
{
	char a[AZSREG_GUID_LEN + 1], b[AZSREG_GUID_LEN + 1], n[AZSREG_GUID_LEN + 1];
	int i;

	cr_assert_eq(azsreg_guid__new(a), 0);
	cr_assert_eq(azsreg_guid__new(b), 0);
	cr_assert_eq(strlen(a), 36);
	cr_assert_str_neq(a, b);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			cr_assert_eq(a[i], '-');
		else
			cr_assert(isxdigit((unsigned char)a[i]) && !isupper((unsigned char)a[i]), "char %d of %s", i, a);
	}
	cr_assert_eq(a[14], '4', "version nibble in %s", a);
	cr_assert(strchr("89ab", a[19]) != NULL, "variant nibble in %s", a);
	cr_assert_eq(azsreg_guid_normalize(n, a, "guid"), 0);
	cr_assert_str_eq(n, a);
	cr_assert_eq(azsreg_guid__new(NULL), AZSREG_EINVALID);
}

static int64_t date(const char *s)
{
	int64_t t = -1;

	cr_assert_eq(azsreg_time__parse_http_date(s, &t), 0, "parse '%s': %s", s, azsreg_error_last()->message);
	return t;
}

static void bad_date(const char *s)
{
	int64_t t = 12345;

	cr_assert_eq(azsreg_time__parse_http_date(s, &t), AZSREG_EINVALID, "'%s' accepted", s);
	cr_assert_eq(t, 12345, "output untouched for '%s'", s);
}

Test(http_date, three_forms)
{
	cr_assert_eq(date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
	cr_assert_eq(date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
	cr_assert_eq(date("Sun Nov  6 08:49:37 1994"), 784111777);
	cr_assert_eq(date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
	cr_assert_eq(date("Thu, 29 Feb 2024 23:59:59 GMT"), 1709251199);
	cr_assert_eq(date("Tue, 19 Jan 2038 03:14:08 GMT"), 2147483648LL);
	cr_assert_eq(date("Wednesday, 09-Jun-21 10:18:14 GMT"), 1623233894);
	cr_assert_eq(date("Wed Jun 09 10:18:14 2021"), 1623233894);
	cr_assert_eq(date("  Wed, 09 Jun 2021 10:18:14 GMT  "), 1623233894);
}

Test(http_date, strict_rejections)
{
	bad_date("");
	bad_date("120");
	bad_date("Sun, 6 Nov 1994 08:49:37 GMT");
	bad_date("Sun, 06 Nov 1994 08:49:37 UTC");
	bad_date("Sun, 06 Nov 1994 08:49:37");
	bad_date("Sun, 06 Nov 94 08:49:37 GMT");
	bad_date("sun, 06 nov 1994 08:49:37 GMT");
	bad_date("Sun 06 Nov 1994 08:49:37 GMT");
	bad_date("Xyz, 06 Nov 1994 08:49:37 GMT");
	bad_date("Sun, 06 Foo 1994 08:49:37 GMT");
	bad_date("Sun, 31 Apr 1994 08:49:37 GMT");
	bad_date("Sun, 29 Feb 2023 08:49:37 GMT");
	bad_date("Sun, 00 Nov 1994 08:49:37 GMT");
	bad_date("Sun, 06 Nov 1994 24:00:00 GMT");
	bad_date("Sun, 06 Nov 1994 08:60:00 GMT");
	bad_date("Sun, 06 Nov 1994 08:49:37 GMT junk");
	bad_date("Sun, 06 Nov 1994 8:49:37 GMT");
	bad_date("Sunday, 06-Nov-1994 08:49:37 GMT");
	bad_date("Sun Nov 6 08:49:37 1994");
	bad_date("Sun Nov  6 08:49:37 94");
	bad_date("Sun, 06 Nov 1994 08:49:37 GMT\r\nX: y");
	cr_assert_eq(azsreg_time__parse_http_date(NULL, NULL), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "HTTP-date");
}

static void b64url(const char *in, size_t len, const char *want)
{
	azsreg_buf b = AZSREG_BUF_INIT, d = AZSREG_BUF_INIT;

	cr_assert_eq(azsreg_base64url__encode(&b, (const unsigned char *)in, len), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), want);
	cr_assert_eq(azsreg_base64url__decode(&d, b.ptr, b.size), 0);
	cr_assert_eq(d.size, len);
	cr_assert_eq(memcmp(d.ptr, in, len), 0);
	azsreg_buf__free(&b);
	azsreg_buf__free(&d);
}

Test(base64, url_roundtrips_rfc4648_vectors)
{
	b64url("", 0, "");
	b64url("f", 1, "Zg");
	b64url("fo", 2, "Zm8");
	b64url("foo", 3, "Zm9v");
	b64url("foob", 4, "Zm9vYg");
	b64url("fooba", 5, "Zm9vYmE");
	b64url("foobar", 6, "Zm9vYmFy");
	b64url("\xfb\xff\xfe", 3, "-__-");
	b64url("\0\0", 2, "AAA");
}

Test(base64, url_decode_padding_and_errors)
{
	azsreg_buf d = AZSREG_BUF_INIT;

	cr_assert_eq(azsreg_base64url__decode(&d, "Zm8=", 4), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&d), "fo");
	azsreg_buf__clear(&d);
	cr_assert_eq(azsreg_base64url__decode(&d, "Zg==", 4), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&d), "f");
	azsreg_buf__clear(&d);
	cr_assert_eq(azsreg_base64url__decode(&d, "Zm9v+/", 6), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "position 5");
	cr_assert_eq(azsreg_base64url__decode(&d, "Z", 1), AZSREG_EINVALID);
	cr_assert_eq(azsreg_base64url__decode(&d, "Zm9 v", 5), AZSREG_EINVALID);
	cr_assert_eq(azsreg_base64url__decode(&d, "Zg===", 5), AZSREG_EINVALID);
	azsreg_buf__free(&d);
}

Test(base64, standard_encoding_pads)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	cr_assert_eq(azsreg_base64__encode(&b, (const unsigned char *)"fo", 2), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "Zm8=");
	azsreg_buf__clear(&b);
	cr_assert_eq(azsreg_base64__encode(&b, (const unsigned char *)"f", 1), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "Zg==");
	azsreg_buf__clear(&b);
	cr_assert_eq(azsreg_base64__encode(&b, (const unsigned char *)"\xfb\xff\xfe", 3), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "+//+");
	azsreg_buf__free(&b);
}

Test(url, encode_keeps_unreserved)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	cr_assert_eq(azsreg_url__encode(&b, "AZaz09-._~ /+?&=%\xc3\xa9:"), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "AZaz09-._~%20%2F%2B%3F%26%3D%25%C3%A9%3A");
	azsreg_buf__clear(&b);
	cr_assert_eq(azsreg_url__encode(&b, "https://management.azure.com/.default"), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "https%3A%2F%2Fmanagement.azure.com%2F.default");
	azsreg_buf__clear(&b);
	cr_assert_eq(azsreg_url__encode(&b, ""), 0);
	cr_assert_not_null(b.ptr);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "");
	azsreg_buf__free(&b);
}

Test(url, loopback)
{
	cr_assert(azsreg_url__is_loopback("http://127.0.0.1/"));
	cr_assert(azsreg_url__is_loopback("https://127.0.0.1:8443/x"));
	cr_assert(azsreg_url__is_loopback("http://127.1.2.3"));
	cr_assert(azsreg_url__is_loopback("http://localhost:80/a?b#c"));
	cr_assert(azsreg_url__is_loopback("http://LOCALHOST/"));
	cr_assert(azsreg_url__is_loopback("http://[::1]:8080/"));
	cr_assert(azsreg_url__is_loopback("http://[::ffff:127.0.0.1]/"));
	cr_assert(azsreg_url__is_loopback("http://user:pw@127.0.0.1/"));
	cr_assert_not(azsreg_url__is_loopback("http://127.0.0.1.evil.com/"));
	cr_assert_not(azsreg_url__is_loopback("http://evil.com/?x=http://127.0.0.1/"));
	cr_assert_not(azsreg_url__is_loopback("http://evil.com/127.0.0.1"));
	cr_assert_not(azsreg_url__is_loopback("http://127.0.0.1@evil.com/"));
	cr_assert_not(azsreg_url__is_loopback("http://localhost.evil.com/"));
	cr_assert_not(azsreg_url__is_loopback("http://128.0.0.1/"));
	cr_assert_not(azsreg_url__is_loopback("http://[::2]/"));
	cr_assert_not(azsreg_url__is_loopback("http://127.1/"));
	cr_assert_not(azsreg_url__is_loopback("http://0x7f000001/"));
	cr_assert_not(azsreg_url__is_loopback("127.0.0.1"));
	cr_assert_not(azsreg_url__is_loopback("http://[::1/"));
	cr_assert_not(azsreg_url__is_loopback(NULL));
}

Test(url, check_scheme)
{
	cr_assert_eq(azsreg_url__check_scheme("https://management.azure.com/", 0, "ARM endpoint"), 0);
	cr_assert_eq(azsreg_url__check_scheme("HTTPS://login.microsoftonline.com", 0, "authority"), 0);
	cr_assert_eq(azsreg_url__check_scheme("http://127.0.0.1:5050/", 0, "ARM endpoint"), 0);
	cr_assert_eq(azsreg_url__check_scheme("http://localhost/", 0, "x"), 0);
	cr_assert_eq(azsreg_url__check_scheme("http://[::1]:9/", 0, "x"), 0);
	cr_assert_eq(azsreg_url__check_scheme("http://169.254.169.254/metadata/identity/oauth2/token", 1, "IMDS"), 0);

	cr_assert_eq(azsreg_url__check_scheme("http://169.254.169.254/metadata", 0, "identity endpoint"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "identity endpoint");
	has(azsreg_error_last()->message, "http://169.254.169.254");
	cr_assert_eq(azsreg_url__check_scheme("http://management.azure.com/", 0, "ARM endpoint"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "ARM endpoint uses plain http://management.azure.com");
	has(azsreg_error_last()->message, "loopback");
	cr_assert_eq(azsreg_url__check_scheme("http://10.0.0.1/", 1, "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_url__check_scheme("ftp://files.example/", 0, "CA source"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "unsupported scheme 'ftp'");
	has(azsreg_error_last()->message, "files.example");
	cr_assert_eq(azsreg_url__check_scheme("management.azure.com", 0, "ARM endpoint"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "not an absolute URL");
	cr_assert_eq(azsreg_url__check_scheme("https:///path", 0, "x"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "no host");
	cr_assert_eq(azsreg_url__check_scheme("https://h:8x/", 0, "x"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "port");
	cr_assert_eq(azsreg_url__check_scheme("https://h /", 0, "x"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "whitespace");
	cr_assert_eq(azsreg_url__check_scheme("", 0, "authority"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "authority is empty");
	cr_assert_eq(azsreg_url__check_scheme(NULL, 0, NULL), AZSREG_EINVALID);
	/* the URL's secrets do not reach the message */
	cr_assert_eq(azsreg_url__check_scheme("http://user:hunter2@proxy.example/?sig=abc", 0, "proxy"), AZSREG_EINVALID);
	cr_assert_null(strstr(azsreg_error_last()->message, "hunter2"));
	cr_assert_null(strstr(azsreg_error_last()->message, "abc"));
}

/* Issue #9, findings 1 and 3: endpoints refuse user info, a query, a fragment and dot segments. */
Test(invalid_input, endpoint_with_userinfo_refused_and_not_shown)
{
	cr_assert_eq(azsreg_url__check_scheme("https://user:pw-not-shown@127.0.0.1:8443/", 0, "the ARM endpoint"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "user info");
	cr_assert_null(strstr(azsreg_error_last()->message, "pw-not-shown"));
	cr_assert_null(strstr(azsreg_error_last()->message, "user:pw"));
	cr_assert_eq(azsreg_url__check_endpoint("https://tokenonly-not-shown@arm.example/", 0, "the ARM endpoint"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "the ARM endpoint is not usable: it has user info");
	cr_assert_null(strstr(azsreg_error_last()->message, "tokenonly-not-shown"));
	cr_assert_eq(azsreg_url__check_endpoint("http://u:p@[::1]:9/", 0, "x"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "user info");
	/* an '@' in the path is not user info */
	cr_assert_eq(azsreg_url__check_endpoint("https://arm.example/a@b/", 0, "x"), 0, "%s", azsreg_error_last()->message);
}

/* The public forms bindings use (the module's Add-AzureRmEnvironment has no rule of its own). */
Test(invalid_input, public_endpoint_check_and_redact)
{
	char *out = NULL;

	cr_assert_eq(azsreg_endpoint_check("https://u:pw-not-shown@arm.example/", "the ARM endpoint"), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->target, "userInfo");
	cr_expect_null(strstr(azsreg_error_last()->message, "pw-not-shown"));
	cr_assert_eq(azsreg_endpoint_check("https://arm.example/?x=1", "the ARM endpoint"), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->target, "");
	has(azsreg_error_last()->message, "the ARM endpoint is not usable: it has a query");
	cr_assert_eq(azsreg_endpoint_check("http://arm.example/", NULL), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "URL uses plain http://arm.example");
	cr_assert_eq(azsreg_endpoint_check(NULL, "the authority"), AZSREG_EINVALID);
	cr_expect_str_eq(azsreg_error_last()->message, "the authority is required");
	cr_assert_eq(azsreg_endpoint_check("https://arm.example:8443/base/", "x"), AZSREG_OK);
	cr_assert_eq(azsreg_endpoint_check("http://127.0.0.1:9/", "x"), AZSREG_OK);

	cr_assert_eq(azsreg_redact(&out, "https://u:pw-not-shown@arm.example/x"), AZSREG_OK);
	cr_expect_str_eq(out, "https://***@arm.example/x");
	azsreg_free(out);
	cr_assert_eq(azsreg_redact(&out, ""), AZSREG_OK);
	cr_expect_str_eq(out, "");
	azsreg_free(out);
	cr_assert_eq(azsreg_redact(&out, NULL), AZSREG_EINVALID);
	cr_expect_null(out);
	cr_assert_eq(azsreg_redact(NULL, "x"), AZSREG_EINVALID);
}

Test(invalid_input, endpoint_with_query_fragment_or_dot_segment_refused)
{
	static const struct {
		const char *url;
		const char *part;
	} bad[] = {
		{ "https://127.0.0.1:8443/?x=1", "query" },
		{ "https://arm.example?x=1", "query" },
		{ "https://arm.example/path/?api-version=1", "query" },
		{ "https://arm.example/#frag", "fragment" },
		{ "https://arm.example#", "fragment" },
		{ "https://127.0.0.1:8443/../_emulator/", "dot segment" },
		{ "https://arm.example/..", "dot segment" },
		{ "https://arm.example/./x/", "dot segment" },
		{ "https://arm.example/a/%2e%2e/b", "dot segment" },
		{ "https://arm.example/a/.%2E/b", "dot segment" },
		{ "https://arm.example/%2E/", "dot segment" },
	};
	static const char *const good[] = {
		"https://arm.example",
		"https://arm.example/",
		"https://arm.example/adfs/",
		"https://arm.example/a.b/..c/...",
		"http://127.0.0.1:5050/",
		"https://[::1]:9/x/",
		"https://arm.example/%2e%2ex/",
		NULL,
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(azsreg_url__check_endpoint(bad[i].url, 0, "the ARM endpoint"), AZSREG_EINVALID, "%s", bad[i].url);
		cr_expect(strstr(azsreg_error_last()->message, bad[i].part) != NULL, "%s: '%s' not in '%s'", bad[i].url, bad[i].part,
			  azsreg_error_last()->message);
		cr_expect(strstr(azsreg_error_last()->message, "the ARM endpoint is not usable") != NULL, "%s", azsreg_error_last()->message);
	}
	for (i = 0; good[i] != NULL; i++)
		cr_expect_eq(azsreg_url__check_endpoint(good[i], 0, "x"), 0, "%s: %s", good[i], azsreg_error_last()->message);
	/* check_scheme alone (request URLs, nextLink, Location) still takes a query */
	cr_expect_eq(azsreg_url__check_scheme("https://arm.example/x?api-version=1&$skiptoken=2", 0, "nextLink"), 0);
	/* the IMDS endpoint keeps its http:// exception */
	cr_expect_eq(azsreg_url__check_endpoint("http://169.254.169.254", 1, "IMDS endpoint"), 0);
	cr_expect_eq(azsreg_url__check_endpoint("http://169.254.169.254/?x=1", 1, "IMDS endpoint"), AZSREG_EINVALID);
}

/* Issue 9, finding 6: a proxy URL libcurl could not use is an input error, checked before sending. */
Test(invalid_input, proxy_url_syntax_checked)
{
	static const char *const good[] = { "http://proxy.example:3128", "https://proxy.example", "socks5h://127.0.0.1:1080",
					    "SOCKS5://[::1]:1080", "proxy.example:3128", "http://user:pw@proxy.example:8080/", "http://[fe80::1%25eth0]:3128",
					    NULL };
	static const struct {
		const char *url, *says;
	} bad[] = {
		{ "file:///etc/passwd", "its scheme 'file' is not http, https, socks4, socks4a, socks5 or socks5h" },
		{ "ftp://proxy.example:21", "scheme 'ftp'" },
		{ "not a url", "'not a url' is not a usable proxy URL: it is not a URL" },
		{ "http://[::1", "'[' without ']'" },
		{ "http://", "it has no host" },
		{ "http://:3128", "it has no host" },
		{ "http://proxy.example:0", "port" },
		{ "http://proxy.example:65536", "port" },
		{ "http://proxy.example:31x8", "port" },
		{ "http://proxy.example:", "':<port>'" },
		{ "http://prox$y.example", "host name" },
		{ "http://proxy.example\r\n:3128", "not a URL" },
	};
	size_t i;

	for (i = 0; good[i] != NULL; i++)
		cr_expect_eq(azsreg_url__check_proxy(good[i], "proxy"), 0, "%s: %s", good[i], azsreg_error_last()->message);
	cr_expect_eq(azsreg_url__check_proxy(NULL, "proxy"), 0);
	cr_expect_eq(azsreg_url__check_proxy("", "proxy"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(azsreg_url__check_proxy(bad[i].url, "HTTPS_PROXY"), AZSREG_EINVALID, "%s", bad[i].url);
		has(azsreg_error_last()->message, bad[i].says);
		has(azsreg_error_last()->message, "HTTPS_PROXY '");
	}
	/* the proxy password is never shown */
	cr_expect_eq(azsreg_url__check_proxy("http://user:pw-not-shown@[::1", "proxy"), AZSREG_EINVALID);
	has(azsreg_error_last()->message, "'http://***@[::1'");
	cr_expect_null(strstr(azsreg_error_last()->message, "pw-not-shown"), "%s", azsreg_error_last()->message);
}
