/*
 * libFuzzer target: URL checks (util.c: azsreg_url__check_endpoint, check_scheme,
 * check_proxy, is_loopback; pipeline.c: same_origin). Byte 0: bit 0 allow_link_local,
 * bit 1 proxy instead of endpoint. User info in the URL is replaced by a marker
 * password first: no message may show it. An accepted endpoint is http(s), has no user
 * info, query, fragment or dot segment; an accepted proxy has no blank or control
 * character and a port (if any) in 1..65535.
 */
#include <ctype.h>
#include <strings.h>

#include "fuzz_common.h"

#define MARK "Fz9UserSecretPw"

/* Replaces the user info of scheme://userinfo@host with "u:" MARK (when the input has one). */
static char *with_marker(const char *url, int *has)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	const char *sep = strstr(url, "://"), *auth, *end, *at = NULL, *p;

	*has = 0;
	auth = sep ? sep + 3 : url;
	end = auth + strcspn(auth, "/?#");
	for (p = auth; p < end; p++) {
		if (*p == '@')
			at = p;
	}
	if (at == NULL)
		return azsreg__strdup(url);
	*has = 1;
	(void)azsreg_buf__printf(&b, "%.*su:%s%s", (int)(auth - url), url, MARK, at);
	return azsreg_buf__detach(&b);
}

static void check_endpoint(const char *url, int link_local)
{
	const char *path, *seg, *p, *e;
	int rc, rc2, has;
	char *m = with_marker(url, &has);

	if (m == NULL)
		return;
	rc = azsreg_url__check_endpoint(m, link_local, "fuzz endpoint");
	fuzz_check_error(rc);
	rc2 = azsreg_url__check_scheme(m, link_local, "fuzz endpoint");
	fuzz_check_error(rc2);
	if (has) {
		FUZZ_CHECK(rc != AZSREG_OK && rc2 != AZSREG_OK, "URL with user info accepted");
	}
	if (rc != AZSREG_OK) {
		FUZZ_CHECK(strstr(azsreg_error_last()->message, MARK) == NULL, "the password of the URL is in the message");
	} else {
		FUZZ_CHECK(rc2 == AZSREG_OK, "endpoint accepted, scheme refused");
		FUZZ_CHECK(strncasecmp(m, "https://", 8) == 0 || strncasecmp(m, "http://", 7) == 0, "scheme not http(s): %s", m);
		if (strncasecmp(m, "http://", 7) == 0)
			FUZZ_CHECK(azsreg_url__is_loopback(m) || (link_local && strncmp(m + 7, "169.254.169.254", 15) == 0),
				   "plain http to a remote host accepted: %s", m);
		for (p = m; *p; p++)
			FUZZ_CHECK((unsigned char)*p > 0x20 && *p != 0x7f, "control character accepted");
		path = strstr(m, "://") + 3;
		{
			/* A port, when given, is 1..65535 ("host:" alone is allowed). */
			const char *auth = path, *aend = path + strcspn(path, "/?#"), *colon;
			colon = auth < aend && *auth == '[' ? memchr(auth, ']', (size_t)(aend - auth)) : auth;
			colon = colon ? memchr(colon, ':', (size_t)(aend - colon)) : NULL;
			if (colon != NULL && colon + 1 < aend) {
				long port = 0;
				for (p = colon + 1; p < aend && port <= 65535; p++)
					port = port * 10 + (*p - '0');
				FUZZ_CHECK(port >= 1 && port <= 65535, "endpoint with port out of range accepted: %s", m);
			}
		}
		path += strcspn(path, "/?#");
		FUZZ_CHECK(strchr(path, '?') == NULL && strchr(path, '#') == NULL, "query or fragment accepted: %s", m);
		for (seg = path; *seg; seg = e) {
			if (*seg == '/')
				seg++;
			e = seg + strcspn(seg, "/");
			FUZZ_CHECK(!((e - seg == 1 && seg[0] == '.') || (e - seg == 2 && seg[0] == '.' && seg[1] == '.')),
				   "dot segment accepted: %s", m);
		}
		FUZZ_CHECK(azsreg_pipeline__same_origin(m, m), "an accepted endpoint is not its own origin: %s", m);
	}
	if (rc2 != AZSREG_OK)
		FUZZ_CHECK(strstr(azsreg_error_last()->message, MARK) == NULL, "the password of the URL is in the message");
	free(m);
}

static void check_proxy(const char *proxy)
{
	const char *p, *host;
	int rc, has;
	char *m = with_marker(proxy, &has);

	if (m == NULL)
		return;
	rc = azsreg_url__check_proxy(m, "fuzz proxy");
	fuzz_check_error(rc);
	if (rc != AZSREG_OK) {
		FUZZ_CHECK(strstr(azsreg_error_last()->message, MARK) == NULL, "the proxy password is in the message");
	} else {
		for (p = m; *p; p++)
			FUZZ_CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f, "blank, control or non-ASCII accepted");
		if (m[0] != '\0') {
			host = strstr(m, "://");
			host = host ? host + 3 : m;
			if (strchr(host, '@') != NULL && strchr(host, '@') < host + strcspn(host, "/?#"))
				host = strchr(host, '@') + 1;
			FUZZ_CHECK(*host != '\0' && *host != '/' && *host != ':', "proxy without a host accepted: %s", m);
		}
	}
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	if (strstr(s, "Fz9") != NULL) { /* the marker must come from with_marker only */
		free(s);
		return 0;
	}
	if (data[0] & 2)
		check_proxy(s);
	else
		check_endpoint(s, data[0] & 1);
	(void)azsreg_url__is_loopback(s);
	free(s);
	return 0;
}
