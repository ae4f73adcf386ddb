/* util.c: GUIDs, HTTP-date parsing, base64 / base64url, URL encoding and checks. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/rand.h>

/* ------------------------------------------------------------------ GUIDs */

int azsreg_guid__new(char *out)
{
	unsigned char b[16];
	int rc = AZSREG_OK;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "GUID output buffer is NULL");
	if (azsreg_plat__random(b, sizeof(b)) != 0 && RAND_bytes(b, (int)sizeof(b)) != 1) {
		out[0] = '\0';
		rc = azsreg_error__set(AZSREG_ERROR, "no random bytes available for a GUID");
		goto done;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(out, AZSREG_GUID_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
done:
	azsreg__wipe(b, sizeof(b));
	return rc;
}

/* -------------------------------------------------------------- HTTP-date */

static const char *const wkday_short[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const wkday_long[] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
static const char *const month_names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dm[m - 1];
}

typedef struct cursor {
	const char *p;
} cursor;

static int eat_lit(cursor *c, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(c->p, lit, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

/* Exactly `digits` decimal digits. */
static int eat_num(cursor *c, int digits, int *out)
{
	int i, v = 0;

	for (i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)c->p[i]))
			return 0;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += digits;
	*out = v;
	return 1;
}

/* One of `names` (case-sensitive, as RFC 7231 writes them); index into *out. */
static int eat_name(cursor *c, const char *const *names, int count, int *out)
{
	int i;

	for (i = 0; i < count; i++) {
		size_t n = strlen(names[i]);
		if (strncmp(c->p, names[i], n) == 0 && !isalpha((unsigned char)c->p[n])) {
			c->p += n;
			*out = i;
			return 1;
		}
	}
	return 0;
}

/* HH:MM:SS */
static int eat_time(cursor *c, int *h, int *mi, int *s)
{
	return eat_num(c, 2, h) && eat_lit(c, ":") && eat_num(c, 2, mi) && eat_lit(c, ":") && eat_num(c, 2, s);
}

int azsreg_time__parse_http_date(const char *text, int64_t *out_unix)
{
	cursor c;
	int wd, day = 0, mon = 0, year = 0, h = 0, mi = 0, s = 0, ok = 0;

	if (text == NULL || out_unix == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "HTTP-date: no text");
	c.p = text;
	while (*c.p == ' ' || *c.p == '\t')
		c.p++;
	if (eat_name(&c, wkday_long, 7, &wd)) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		ok = eat_lit(&c, ", ") && eat_num(&c, 2, &day) && eat_lit(&c, "-") &&
		     eat_name(&c, month_names, 12, &mon) && eat_lit(&c, "-") && eat_num(&c, 2, &year) &&
		     eat_lit(&c, " ") && eat_time(&c, &h, &mi, &s) && eat_lit(&c, " GMT");
		year += year < 70 ? 2000 : 1900;
	} else if (eat_name(&c, wkday_short, 7, &wd)) {
		if (*c.p == ',') {
			/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
			ok = eat_lit(&c, ", ") && eat_num(&c, 2, &day) && eat_lit(&c, " ") &&
			     eat_name(&c, month_names, 12, &mon) && eat_lit(&c, " ") && eat_num(&c, 4, &year) &&
			     eat_lit(&c, " ") && eat_time(&c, &h, &mi, &s) && eat_lit(&c, " GMT");
		} else {
			/* asctime: Sun Nov  6 08:49:37 1994 */
			ok = eat_lit(&c, " ") && eat_name(&c, month_names, 12, &mon) && eat_lit(&c, " ");
			if (ok) {
				if (*c.p == ' ') {
					c.p++;
					ok = eat_num(&c, 1, &day);
				} else {
					ok = eat_num(&c, 2, &day);
				}
			}
			ok = ok && eat_lit(&c, " ") && eat_time(&c, &h, &mi, &s) && eat_lit(&c, " ") && eat_num(&c, 4, &year);
		}
	}
	while (ok && (*c.p == ' ' || *c.p == '\t'))
		c.p++;
	if (!ok || *c.p != '\0')
		return azsreg_error__set(AZSREG_EINVALID, "'%.64s' is not an HTTP-date (expected e.g. 'Sun, 06 Nov 1994 08:49:37 GMT')", text);
	mon += 1;
	if (day < 1 || day > days_in_month(year, mon) || h > 23 || mi > 59 || s > 60)
		return azsreg_error__set(AZSREG_EINVALID, "'%.64s' is not a valid date or time", text);
	*out_unix = days_from_civil(year, mon, day) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
	return AZSREG_OK;
}

/* ----------------------------------------------------------------- base64 */

static const char b64_std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64_encode(azsreg_buf *out, const unsigned char *data, size_t len, const char *alpha, int pad)
{
	size_t i;
	char q[4];
	int rc = AZSREG_OK;

	if (out == NULL || (data == NULL && len > 0))
		return azsreg_error__set(AZSREG_EINVALID, "base64: NULL argument");
	for (i = 0; i + 3 <= len && rc == AZSREG_OK; i += 3) {
		uint32_t v = ((uint32_t)data[i] << 16) | ((uint32_t)data[i + 1] << 8) | data[i + 2];
		q[0] = alpha[(v >> 18) & 63];
		q[1] = alpha[(v >> 12) & 63];
		q[2] = alpha[(v >> 6) & 63];
		q[3] = alpha[v & 63];
		rc = azsreg_buf__put(out, q, 4);
	}
	if (rc == AZSREG_OK && len - i == 1) {
		uint32_t v = (uint32_t)data[i] << 16;
		q[0] = alpha[(v >> 18) & 63];
		q[1] = alpha[(v >> 12) & 63];
		q[2] = q[3] = '=';
		rc = azsreg_buf__put(out, q, pad ? 4 : 2);
	} else if (rc == AZSREG_OK && len - i == 2) {
		uint32_t v = ((uint32_t)data[i] << 16) | ((uint32_t)data[i + 1] << 8);
		q[0] = alpha[(v >> 18) & 63];
		q[1] = alpha[(v >> 12) & 63];
		q[2] = alpha[(v >> 6) & 63];
		q[3] = '=';
		rc = azsreg_buf__put(out, q, pad ? 4 : 3);
	}
	if (rc == AZSREG_OK && out->ptr == NULL)
		rc = azsreg_buf__put(out, "", 0);
	return rc;
}

int azsreg_base64url__encode(azsreg_buf *out, const unsigned char *data, size_t len)
{
	return b64_encode(out, data, len, b64_url, 0);
}

int azsreg_base64__encode(azsreg_buf *out, const unsigned char *data, size_t len)
{
	return b64_encode(out, data, len, b64_std, 1);
}

static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int azsreg_base64url__decode(azsreg_buf *out, const char *text, size_t len)
{
	size_t i, n = len;
	uint32_t acc = 0;
	int bits = 0, rc = AZSREG_OK;
	unsigned char byte;

	if (out == NULL || (text == NULL && len > 0))
		return azsreg_error__set(AZSREG_EINVALID, "base64url: NULL argument");
	/* Optional '=' padding (at most two). */
	while (n > 0 && len - n < 2 && text[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return azsreg_error__set(AZSREG_EINVALID, "base64url: %zu characters is not a valid length", n);
	for (i = 0; i < n && rc == AZSREG_OK; i++) {
		int v = b64url_value((unsigned char)text[i]);
		if (v < 0)
			return azsreg_error__set(AZSREG_EINVALID, "base64url: invalid character at position %zu", i + 1);
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (unsigned char)((acc >> bits) & 0xff);
			rc = azsreg_buf__put(out, (const char *)&byte, 1);
		}
	}
	if (rc == AZSREG_OK && out->ptr == NULL)
		rc = azsreg_buf__put(out, "", 0);
	return rc;
}

/* ------------------------------------------------------------------- URLs */

int azsreg_url__encode(azsreg_buf *out, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	int rc = AZSREG_OK;

	if (out == NULL || text == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "URL encoding: NULL argument");
	rc = azsreg_buf__put(out, "", 0);
	for (p = (const unsigned char *)text; *p && rc == AZSREG_OK; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			rc = azsreg_buf__put(out, (const char *)p, 1);
		} else {
			char t[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			rc = azsreg_buf__put(out, t, 3);
		}
	}
	return rc;
}

typedef struct url_parts {
	char scheme[16];
	char host[256]; /* without brackets for IPv6 */
	int bracketed;
	int has_userinfo; /* "user[:password]@" before the host */
	size_t rest; /* offset of the path, query or fragment (the end of the authority) */
} url_parts;

/* Splits scheme://[userinfo@]host[:port][/?#...]. Returns 0, or a static reason. */
static const char *url_split(const char *url, url_parts *u)
{
	const char *p, *auth, *end, *at, *h, *hend;
	size_t n;

	memset(u, 0, sizeof(*u));
	for (p = url; *p; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "it contains whitespace or a control character";
	}
	p = strstr(url, "://");
	if (p == NULL || p == url)
		return "it is not an absolute URL (expected https://host/...)";
	n = (size_t)(p - url);
	if (n >= sizeof(u->scheme))
		return "its scheme is too long";
	for (h = url; h < p; h++) {
		if (!isalnum((unsigned char)*h) && *h != '+' && *h != '-' && *h != '.')
			return "it is not an absolute URL (expected https://host/...)";
	}
	memcpy(u->scheme, url, n);
	u->scheme[n] = '\0';
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (h = auth; h < end; h++) {
		if (*h == '@')
			at = h;
	}
	u->has_userinfo = at != NULL;
	u->rest = (size_t)(end - url);
	h = at ? at + 1 : auth;
	if (h < end && *h == '[') {
		hend = memchr(h, ']', (size_t)(end - h));
		if (hend == NULL)
			return "its IPv6 host has no closing ']'";
		h++;
		u->bracketed = 1;
		if (hend + 1 < end && hend[1] != ':')
			return "it has characters after the IPv6 host";
	} else {
		hend = memchr(h, ':', (size_t)(end - h));
		if (hend == NULL)
			hend = end;
	}
	n = (size_t)(hend - h);
	if (n == 0)
		return "it has no host";
	if (n >= sizeof(u->host))
		return "its host name is too long";
	memcpy(u->host, h, n);
	u->host[n] = '\0';
	/* Port: digits only. */
	p = u->bracketed ? hend + 1 : hend;
	if (p < end && *p == ':') {
		const char *d;
		long port = 0;
		if (p + 1 == end)
			return NULL; /* "host:" is allowed by RFC 3986 */
		for (d = p + 1; d < end; d++) {
			if (!isdigit((unsigned char)*d))
				return "its port is not a number";
			if (port <= 65535)
				port = port * 10 + (*d - '0');
		}
		if (port < 1 || port > 65535) /* 0 and 65536..99999 too, not only 6+ digits */
			return "its port is out of range (1-65535)";
	}
	return NULL;
}

static int host_is_loopback(const url_parts *u)
{
	if (!u->bracketed && strcasecmp(u->host, "localhost") == 0)
		return 1;
	return azsreg_plat__ip_is_loopback(u->host, u->bracketed);
}

int azsreg_url__is_loopback(const char *url)
{
	url_parts u;

	if (url == NULL || url_split(url, &u) != NULL)
		return 0;
	return host_is_loopback(&u);
}

static const char *blank_name(unsigned char c)
{
	switch (c) {
	case '\n':
		return "a newline (\\n)";
	case '\r':
		return "a carriage return (\\r)";
	case '\t':
		return "a tab";
	case ' ':
		return "a space";
	default:
		return (c < 0x20 || c == 0x7f) ? "a control character" : "whitespace";
	}
}

static int is_blank_or_control(unsigned char c)
{
	return c == ' ' || c < 0x20 || c == 0x7f;
}

int azsreg_util__check_untrimmed(const char *text, const char *what)
{
	size_t n;

	if (what == NULL || what[0] == '\0')
		what = "value";
	if (text == NULL || text[0] == '\0')
		return AZSREG_OK;
	n = strlen(text);
	if (is_blank_or_control((unsigned char)text[0]))
		return azsreg_error__set(AZSREG_EINVALID, "%s '%.80s' starts with %s: nothing is trimmed, remove it", what, text,
					 blank_name((unsigned char)text[0]));
	if (is_blank_or_control((unsigned char)text[n - 1]))
		return azsreg_error__set(AZSREG_EINVALID, "%s '%.80s' ends with %s: nothing is trimmed, remove it", what, text,
					 blank_name((unsigned char)text[n - 1]));
	return AZSREG_OK;
}

int azsreg_url__check_scheme(const char *url, int allow_link_local, const char *what)
{
	url_parts u;
	const char *why;
	int rc = AZSREG_OK;

	if (what == NULL || what[0] == '\0')
		what = "URL";
	if (url == NULL || url[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is empty", what);
		goto done;
	}
	why = url_split(url, &u);
	if (why != NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is not usable: %s", what, why);
		goto done;
	}
	if (u.has_userinfo) {
		/* Never echo the user info: it is usually a password or a token. */
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "%s is not usable: it has user info (a user name or password and '@' before the host %s%s%s); "
				       "Azure Resource Manager and identity URLs never carry credentials: remove them",
				       what, u.bracketed ? "[" : "", u.host, u.bracketed ? "]" : "");
		azsreg_error__set_target("userInfo");
		goto done;
	}
	if (strcasecmp(u.scheme, "https") == 0)
		goto done;
	if (strcasecmp(u.scheme, "http") == 0) {
		if (host_is_loopback(&u))
			goto done;
		if (allow_link_local && !u.bracketed && strcmp(u.host, "169.254.169.254") == 0)
			goto done;
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "%s uses plain http://%s%s%s: only https:// is allowed, except for loopback addresses%s",
				       what, u.bracketed ? "[" : "", u.host, u.bracketed ? "]" : "",
				       allow_link_local ? " and the instance metadata address 169.254.169.254" : "");
		goto done;
	}
	rc = azsreg_error__set(AZSREG_EINVALID, "%s has the unsupported scheme '%s' (host %s%s%s): only https:// is allowed",
			       what, u.scheme, u.bracketed ? "[" : "", u.host, u.bracketed ? "]" : "");
done:
	return rc;
}

/* Is path[0..len) "." or ".." (also percent-encoded: %2e, .%2e, %2e%2e ...)? */
static int is_dot_segment(const char *seg, size_t len)
{
	size_t i = 0, dots = 0;

	while (i < len) {
		if (seg[i] == '.') {
			i++;
		} else if (len - i >= 3 && seg[i] == '%' && seg[i + 1] == '2' && (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
			i += 3;
		} else {
			return 0;
		}
		dots++;
	}
	return dots == 1 || dots == 2;
}

int azsreg_url__check_endpoint(const char *url, int allow_link_local, const char *what)
{
	url_parts u;
	const char *path, *seg, *p;
	int rc;

	rc = azsreg_url__check_scheme(url, allow_link_local, what);
	if (rc != AZSREG_OK)
		goto done;
	if (what == NULL || what[0] == '\0')
		what = "URL";
	(void)url_split(url, &u); /* cannot fail: azsreg_url__check_scheme split it */
	path = url + u.rest;
	if (strchr(path, '?') != NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is not usable: it has a query ('?...'); give the base URL without a query", what);
		goto done;
	}
	if (strchr(path, '#') != NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is not usable: it has a fragment ('#...'); give the base URL without a fragment", what);
		goto done;
	}
	for (seg = path; *seg != '\0'; seg = p) {
		if (*seg == '/')
			seg++;
		p = seg + strcspn(seg, "/");
		if (is_dot_segment(seg, (size_t)(p - seg))) {
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "%s is not usable: its path has a dot segment ('.' or '..', also as %%2e); give the path without it", what);
			goto done;
		}
	}
done:
	return rc;
}

/*
 * A proxy URL as libcurl would take it: [scheme://][user[:password]@]host[:port][/],
 * scheme http, https, socks4, socks4a, socks5 or socks5h (none means http), a host (an
 * IPv6 address in brackets), a port of 1-65535. The message shows the URL with any user
 * info as "***" (it may hold the proxy password).
 */
int azsreg_url__check_proxy(const char *proxy, const char *what)
{
	static const char *const schemes[] = { "http", "https", "socks4", "socks4a", "socks5", "socks5h" };
	azsreg_buf shown = AZSREG_BUF_INIT;
	const char *sep, *auth, *auth_end, *at, *host, *host_end, *p;
	const char *problem = NULL;
	size_t i, n;
	long port = 0;
	int rc = AZSREG_OK, known = 0;

	if (what == NULL)
		what = "proxy";
	if (proxy == NULL || proxy[0] == '\0')
		return AZSREG_OK;
	sep = strstr(proxy, "://");
	auth = sep ? sep + 3 : proxy;
	auth_end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (p = auth; p < auth_end; p++) {
		if (*p == '@')
			at = p;
	}
	if (at != NULL)
		(void)azsreg_buf__printf(&shown, "%.*s***%.*s", (int)(auth - proxy), proxy, (int)strlen(at), at);
	else
		(void)azsreg_buf__printf(&shown, "%s", proxy);

	for (p = proxy; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			problem = "it is not a URL (it has a space, a control or a non-ASCII character)";
			goto done;
		}
	}
	if (sep != NULL) {
		n = (size_t)(sep - proxy);
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			if (strlen(schemes[i]) == n && strncasecmp(proxy, schemes[i], n) == 0)
				known = 1;
		}
		if (!known) {
			rc = azsreg_error__set(AZSREG_EINVALID,
					       "%s '%s' is not a usable proxy URL: its scheme '%.*s' is not http, https, socks4, socks4a, socks5 or socks5h",
					       what, azsreg_buf__cstr(&shown), (int)(n > 16 ? 16 : n), proxy);
			goto done;
		}
	}
	host = at ? at + 1 : auth;
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (host_end == NULL) {
			problem = "'[' without ']' around the IPv6 address";
			goto done;
		}
		if (host_end == host + 1) {
			problem = "it has no host";
			goto done;
		}
		for (p = host + 1; p < host_end; p++) {
			if (!(isalnum((unsigned char)*p) || *p == ':' || *p == '.' || *p == '%')) { /* zone ID: fe80::1%25eth0 */
				problem = "the IPv6 address in brackets is not valid";
				goto done;
			}
		}
		host_end++;
	} else {
		host_end = host;
		while (host_end < auth_end && *host_end != ':')
			host_end++;
		if (host_end == host) {
			problem = "it has no host";
			goto done;
		}
		for (p = host; p < host_end; p++) {
			if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_' || *p == '%')) {
				problem = "the host name has a character other than letters, digits, '.', '-', '_'";
				goto done;
			}
		}
	}
	if (host_end < auth_end) {
		if (*host_end != ':' || host_end + 1 == auth_end) {
			problem = "what follows the host is not ':<port>'";
			goto done;
		}
		for (p = host_end + 1; p < auth_end; p++) {
			if (*p < '0' || *p > '9' || port > 65535) {
				problem = "the port is not a number from 1 to 65535";
				goto done;
			}
			port = port * 10 + (*p - '0');
		}
		if (port < 1 || port > 65535) {
			problem = "the port is not a number from 1 to 65535";
			goto done;
		}
	}
done:
	if (problem != NULL)
		rc = azsreg_error__set(AZSREG_EINVALID, "%s '%s' is not a usable proxy URL: %s", what, azsreg_buf__cstr(&shown), problem);
	azsreg_buf__free(&shown);
	return rc;
}

AZSREG_EXTERN(int) azsreg_endpoint_check(const char *url, const char *what)
{
	if (url == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "%s is required", what != NULL && what[0] != '\0' ? what : "URL");
	return azsreg_url__check_endpoint(url, 0, what);
}

AZSREG_EXTERN(int) azsreg_redact(char **out, const char *text)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	int rc;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "redact: out is NULL");
	*out = NULL;
	if (text == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "redact: text is NULL");
	rc = azsreg_log__redact(&b, text);
	if (rc != AZSREG_OK) {
		azsreg_buf__wipe_free(&b);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (redact)");
	}
	*out = azsreg_buf__detach(&b);
	if (*out == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (redact)");
	return AZSREG_OK;
}

const char *azsreg_util__env_get(const char *name)
{
	const char *v = azsreg_plat__getenv(name);

	return (v != NULL && v[0] != '\0') ? v : NULL;
}

char *azsreg_util__with_slash(const char *url, const char *what)
{
	size_t n = strlen(url);
	char *d;

	while (n > 0 && url[n - 1] == '/')
		n--;
	d = malloc(n + 2);
	if (d == NULL) {
		(void)azsreg_error__set(AZSREG_ENOMEM, "out of memory (%s)", what);
		return NULL;
	}
	memcpy(d, url, n);
	d[n] = '/';
	d[n + 1] = '\0';
	return d;
}
