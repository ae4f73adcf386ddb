/* log.c: log dispatch, redaction, the process-wide secret registry. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest line delivered to a log callback (after redaction). */
#define LOG_LINE_MAX ((size_t)16 * 1024)
/* Longest formatted text redacted for one line (larger lines are replaced by a notice). */
#define LOG_RAW_MAX ((size_t)4 * 1024 * 1024)

/* -------------------------------------------------------- secret registry */

typedef struct secret_entry {
	char *value;
	size_t len;
	int refs;
} secret_entry;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static secret_entry *registry;
static size_t registry_count;
static size_t registry_cap;

#define SECRET_MIN_LEN 4

int azsreg_secret__register(const char *secret)
{
	size_t i, len;
	char *copy;
	int registered = 0;

	if (secret == NULL)
		return AZSREG_OK;
	len = strlen(secret);
	if (len < SECRET_MIN_LEN)
		return AZSREG_OK;
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < registry_count; i++) {
		if (registry[i].len == len && memcmp(registry[i].value, secret, len) == 0) {
			registry[i].refs++;
			registered = 1;
			goto done;
		}
	}
	if (registry_count == registry_cap) {
		size_t ncap = registry_cap ? registry_cap * 2 : 8;
		secret_entry *n = realloc(registry, ncap * sizeof(*n));
		if (n == NULL)
			goto done;
		registry = n;
		registry_cap = ncap;
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		goto done;
	memcpy(copy, secret, len + 1);
	registry[registry_count].value = copy;
	registry[registry_count].len = len;
	registry[registry_count].refs = 1;
	registry_count++;
	registered = 1;
done:
	if (!registered && registry_count == 0) {
		free(registry);
		registry = NULL;
		registry_cap = 0;
	}
	pthread_mutex_unlock(&registry_lock);
	/* after the unlock: setting an error redacts its message, which reads the registry */
	return registered ? AZSREG_OK : azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory (registering a secret for redaction)");
}

void azsreg_secret__unregister(const char *secret)
{
	size_t i, len;

	if (secret == NULL)
		return;
	len = strlen(secret);
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < registry_count; i++) {
		if (registry[i].len == len && memcmp(registry[i].value, secret, len) == 0) {
			registry[i].refs--;
			if (registry[i].refs <= 0) {
				azsreg__wipe(registry[i].value, len);
				free(registry[i].value);
				registry[i] = registry[registry_count - 1];
				registry_count--;
				if (registry_count == 0) {
					free(registry);
					registry = NULL;
					registry_cap = 0;
				}
			}
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

int azsreg_secret__in(const char *text, size_t len)
{
	size_t i;
	int found = 0;

	if (text == NULL)
		return 0;
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < registry_count && !found; i++) {
		const char *p = text, *end = text + len;
		while (!found && (size_t)(end - p) >= registry[i].len) {
			p = memchr(p, registry[i].value[0], (size_t)(end - p) - registry[i].len + 1);
			if (p == NULL)
				break;
			found = memcmp(p, registry[i].value, registry[i].len) == 0;
			p++;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return found;
}

/* ----------------------------------------------------------- header names */

static const char *const secret_headers[] = {
	"authorization",
	"proxy-authorization",
	"x-identity-header",
	"secret",
	"cookie",
	"set-cookie",
	"x-functions-key",
	"ocp-apim-subscription-key",
	"x-api-key",
	"api-key",
};
static const char *const secret_header_prefixes[] = { "x-ms-identity", "x-ms-token-" };

int azsreg_log__header_is_secret(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; i < sizeof(secret_headers) / sizeof(secret_headers[0]); i++) {
		if (strcasecmp(name, secret_headers[i]) == 0)
			return 1;
	}
	for (i = 0; i < sizeof(secret_header_prefixes) / sizeof(secret_header_prefixes[0]); i++) {
		if (strncasecmp(name, secret_header_prefixes[i], strlen(secret_header_prefixes[i])) == 0)
			return 1;
	}
	return 0;
}

/* -------------------------------------------------------------- redaction */

/* Form / query parameters whose values are secret. */
static const char *const secret_params[] = {
	"client_secret",
	"client_assertion",
	"password",
	"refresh_token",
	"device_code",
	"assertion",
	"access_token",
	"id_token",
	"sig",
	"secret",
};

/* JSON members whose values are secret. */
static const char *const secret_members[] = {
	"access_token",
	"refresh_token",
	"id_token",
	"client_secret",
	"client_assertion",
	"assertion",
	"password",
	"device_code",
	"clientSecret",
	"accessToken",
	"certificatePassword",
	"identityHeader",
	"refreshToken",
	"idToken",
	"secret",
	"token",
};

static int is_b64url(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

static int is_word(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

static void mark(unsigned char *mask, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		mask[i] = 1;
}

/* Marks every occurrence of needle[0..nlen). */
static void mark_literal(const char *text, size_t len, unsigned char *mask, const char *needle, size_t nlen)
{
	const char *p = text, *hit;

	if (nlen == 0)
		return;
	while ((size_t)(p - text) + nlen <= len) {
		hit = azsreg_plat__memmem(p, len - (size_t)(p - text), needle, nlen);
		if (hit == NULL)
			break;
		mark(mask, (size_t)(hit - text), (size_t)(hit - text) + nlen);
		p = hit + 1;
	}
}

/* A registered secret, and its URL-encoded and JSON-escaped forms. */
static void mark_secret(const char *text, size_t len, unsigned char *mask, const char *secret, size_t slen)
{
	static const char hex[] = "0123456789ABCDEF";
	azsreg_buf enc = AZSREG_BUF_INIT;
	size_t i;
	int differs = 0;

	mark_literal(text, len, mask, secret, slen);
	/* URL-encoded (RFC 3986 unreserved kept). */
	for (i = 0; i < slen; i++) {
		unsigned char c = (unsigned char)secret[i];
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			(void)azsreg_buf__put(&enc, (const char *)&c, 1);
		} else {
			char t[3] = { '%', hex[c >> 4], hex[c & 15] };
			(void)azsreg_buf__put(&enc, t, 3);
			differs = 1;
		}
	}
	if (differs && !enc.failed) {
		mark_literal(text, len, mask, enc.ptr, enc.size);
		/* Lowercase hex digits too. */
		for (i = 0; i + 2 < enc.size; i++) {
			if (enc.ptr[i] == '%') {
				enc.ptr[i + 1] = (char)tolower((unsigned char)enc.ptr[i + 1]);
				enc.ptr[i + 2] = (char)tolower((unsigned char)enc.ptr[i + 2]);
			}
		}
		mark_literal(text, len, mask, enc.ptr, enc.size);
		/* Form encoding: space as '+'. */
		if (memchr(secret, ' ', slen) != NULL) {
			azsreg_buf plus = AZSREG_BUF_INIT;
			for (i = 0; i < slen; i++) {
				unsigned char c = (unsigned char)secret[i];
				if (c == ' ') {
					(void)azsreg_buf__put(&plus, "+", 1);
				} else if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
					(void)azsreg_buf__put(&plus, (const char *)&c, 1);
				} else {
					char t[3] = { '%', hex[c >> 4], hex[c & 15] };
					(void)azsreg_buf__put(&plus, t, 3);
				}
			}
			if (!plus.failed)
				mark_literal(text, len, mask, plus.ptr, plus.size);
			azsreg_buf__wipe_free(&plus);
		}
	}
	azsreg_buf__wipe_free(&enc);
	/* JSON-escaped. */
	differs = 0;
	for (i = 0; i < slen; i++) {
		unsigned char c = (unsigned char)secret[i];
		if (c == '"' || c == '\\' || c == '/' || c < 0x20) {
			char t[8];
			int n = c < 0x20 ? snprintf(t, sizeof(t), "\\u%04x", c) : snprintf(t, sizeof(t), "\\%c", c);
			(void)azsreg_buf__put(&enc, t, (size_t)n);
			differs = 1;
		} else {
			(void)azsreg_buf__put(&enc, (const char *)&c, 1);
		}
	}
	if (differs && !enc.failed)
		mark_literal(text, len, mask, enc.ptr, enc.size);
	azsreg_buf__wipe_free(&enc);
}

static int param_value_end(unsigned char c)
{
	return c == '&' || c == '\0' || isspace(c) || c == '"' || c == '\'' || c == '<' || c == '>' ||
	       c == '#' || c == ',' || c == ';' || c == ')' || c == ']' || c == '}';
}

/*
 * name=value (form bodies, query strings). Every message and log line goes through here:
 * the names are compared only in front of an '=', not at every position of the text.
 */
static void mark_params(const char *text, size_t len, unsigned char *mask)
{
	size_t k, i, j, e, nlen;
	const char *eq;

	for (eq = memchr(text, '=', len); eq != NULL; eq = memchr(eq + 1, '=', len - (size_t)(eq + 1 - text))) {
		e = (size_t)(eq - text);
		for (k = 0; k < sizeof(secret_params) / sizeof(secret_params[0]); k++) {
			nlen = strlen(secret_params[k]);
			if (nlen > e)
				continue;
			i = e - nlen;
			if (strncasecmp(text + i, secret_params[k], nlen) != 0)
				continue;
			if (i > 0 && (is_word((unsigned char)text[i - 1]) || text[i - 1] == '.'))
				continue;
			j = e + 1;
			while (j < len && !param_value_end((unsigned char)text[j]))
				j++;
			mark(mask, e + 1, j);
		}
		if (e + 1 >= len)
			break;
	}
}

/* Only blanks and '<' / '>' between the line start and pos? */
static int at_line_start(const char *text, size_t pos)
{
	while (pos > 0) {
		char c = text[pos - 1];
		if (c == '\n' || c == '\r')
			return 1;
		if (c != ' ' && c != '\t' && c != '<' && c != '>')
			return 0;
		pos--;
	}
	return 1;
}

/*
 * "Name: value" header lines, to the end of the line. The name is the whole run of word
 * characters in front of a ':' (shorter than 64), found from the ':' backwards.
 */
static void mark_headers(const char *text, size_t len, unsigned char *mask)
{
	size_t j, name_start;
	const char *colon;

	for (colon = memchr(text, ':', len); colon != NULL;
	     colon = (size_t)(colon + 1 - text) < len ? memchr(colon + 1, ':', len - (size_t)(colon + 1 - text)) : NULL) {
		j = (size_t)(colon - text);
		name_start = j;
		while (name_start > 0 && j - name_start < 64 && is_word((unsigned char)text[name_start - 1]))
			name_start--;
		if (name_start == j || j - name_start >= 64)
			continue; /* no name, or a run of 64 or more */
		{
			char name[64];
			memcpy(name, text + name_start, j - name_start);
			name[j - name_start] = '\0';
			if (azsreg_log__header_is_secret(name) &&
			    (at_line_start(text, name_start) ||
			     (strcasecmp(name, "secret") != 0 && strcasecmp(name, "cookie") != 0))) {
				size_t v = j + 1, e;
				while (v < len && (text[v] == ' ' || text[v] == '\t'))
					v++;
				e = v;
				while (e < len && text[e] != '\r' && text[e] != '\n')
					e++;
				/* Keep the scheme of "Bearer xyz" / "Basic xyz" readable. */
				if (strncasecmp(text + v, "Bearer ", 7) == 0)
					v += 7;
				else if (strncasecmp(text + v, "Basic ", 6) == 0)
					v += 6;
				mark(mask, v, e);
			}
		}
	}
}

/* "Bearer <token>" anywhere. */
static void mark_bearer(const char *text, size_t len, unsigned char *mask)
{
	size_t i, j;

	for (i = 0; i + 7 < len; i++) {
		if (tolower((unsigned char)text[i]) != 'b' || strncasecmp(text + i, "bearer", 6) != 0 ||
		    (i > 0 && is_word((unsigned char)text[i - 1])))
			continue;
		j = i + 6;
		if (text[j] != ' ' && text[j] != '=' && text[j] != ':')
			continue;
		while (j < len && (text[j] == ' ' || text[j] == '=' || text[j] == ':'))
			j++;
		i = j;
		while (j < len && (is_b64url((unsigned char)text[j]) || text[j] == '.' || text[j] == '~' ||
				   text[j] == '+' || text[j] == '/' || text[j] == '='))
			j++;
		mark(mask, i, j);
	}
}

int azsreg_log__member_is_secret(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(secret_members) / sizeof(secret_members[0]); k++) {
		if (strcasecmp(name, secret_members[k]) == 0)
			return 1;
	}
	return azsreg_log__header_is_secret(name);
}

/* "member": "value" / "member": scalar, for secret member names and secret header names. */
static void mark_members(const char *text, size_t len, unsigned char *mask)
{
	size_t i, j, e;
	char name[64];

	for (i = 0; i < len; i++) {
		if (text[i] != '"')
			continue;
		e = i + 1;
		while (e < len && text[e] != '"' && e - i - 1 < sizeof(name) - 1 && text[e] != '\\')
			e++;
		if (e >= len || text[e] != '"' || e == i + 1)
			continue;
		memcpy(name, text + i + 1, e - i - 1);
		name[e - i - 1] = '\0';
		j = e + 1;
		while (j < len && isspace((unsigned char)text[j]))
			j++;
		if (j >= len || text[j] != ':' || !azsreg_log__member_is_secret(name)) {
			i = e - 1; /* the closing quote may open the next string */
			continue;
		}
		j++;
		while (j < len && isspace((unsigned char)text[j]))
			j++;
		if (j < len && text[j] == '"') {
			size_t s = ++j;
			/*
			 * A JSON string cannot hold a raw line break: an unterminated value ends at the
			 * end of its line (masked to there), and the scan goes on from the next line, so
			 * that the opening quote of a member there is not taken as this value's end.
			 */
			while (j < len && text[j] != '"' && text[j] != '\n' && text[j] != '\r') {
				if (text[j] == '\\' && j + 1 < len && text[j + 1] != '\n' && text[j + 1] != '\r')
					j++;
				j++;
			}
			if (j > len)
				j = len;
			if (j - s >= 7 && strncasecmp(text + s, "Bearer ", 7) == 0)
				s += 7;
			mark(mask, s, j);
			if (j < len && text[j] != '"')
				i = j - 1;
			else
				i = j < len ? j : len;
		} else if (j < len && text[j] != '{' && text[j] != '[' && strncmp(text + j, "null", 4) != 0) {
			size_t s = j;
			while (j < len && text[j] != ',' && text[j] != '}' && text[j] != ']' && !isspace((unsigned char)text[j]))
				j++;
			mark(mask, s, j);
		}
	}
}

/* eyJ<b64url>.<b64url>.<b64url>: JWTs (also unsigned ones with an empty third part). */
static void mark_jwts(const char *text, size_t len, unsigned char *mask)
{
	size_t i, j, dots, first_dot;

	for (i = 0; i + 3 <= len; i++) {
		if (text[i] != 'e' || text[i + 1] != 'y' || text[i + 2] != 'J')
			continue;
		if (i > 0 && is_b64url((unsigned char)text[i - 1]))
			continue;
		j = i;
		dots = 0;
		first_dot = 0;
		while (j < len && (is_b64url((unsigned char)text[j]) || text[j] == '.')) {
			if (text[j] == '.' && dots++ == 0)
				first_dot = j;
			j++;
		}
		/* Two dots, or one dot followed by a JSON payload (a JWT cut short by truncation). */
		if (dots >= 2 || (dots == 1 && len - first_dot > 3 && strncmp(text + first_dot + 1, "eyJ", 3) == 0))
			mark(mask, i, j);
		i = j > i ? j - 1 : i;
	}
}

/*
 * scheme://user:password@host: the whole user info (user name and password; a user name
 * alone is often a token), so "https://<stars>@host/". The last '@' before the path ends it.
 */
static void mark_userinfo(const char *text, size_t len, unsigned char *mask)
{
	size_t i, j, at;

	for (i = 0; i + 3 < len; i++) {
		if (text[i] != ':' || text[i + 1] != '/' || text[i + 2] != '/')
			continue;
		at = 0;
		for (j = i + 3; j < len; j++) {
			unsigned char c = (unsigned char)text[j];
			if (c == '/' || c == '?' || c == '#' || isspace(c) || c == '"' || c == '\'' || c < 0x20)
				break;
			if (c == '@')
				at = j;
		}
		if (at > i + 3)
			mark(mask, i + 3, at);
	}
}

int azsreg_log__redact(azsreg_buf *out, const char *text)
{
	int rc = AZSREG_OK;
	size_t len, i, run;
	unsigned char *mask = NULL;
	secret_entry *secrets = NULL;
	size_t nsecrets = 0;

	if (out == NULL)
		return azsreg_error__set_fixed(AZSREG_EINVALID, "redact: output buffer is NULL");
	if (text == NULL)
		goto done;
	len = strlen(text);
	if (len == 0) {
		rc = azsreg_buf__put(out, "", 0);
		goto done;
	}
	mask = calloc(len, 1);
	if (mask == NULL) {
		rc = azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory (redaction)");
		goto done;
	}
	/* Copy the registry so that nothing below runs under the lock. */
	pthread_mutex_lock(&registry_lock);
	nsecrets = registry_count;
	if (nsecrets > 0) {
		secrets = calloc(nsecrets, sizeof(*secrets));
		for (i = 0; secrets != NULL && i < nsecrets; i++) {
			secrets[i].value = malloc(registry[i].len + 1);
			secrets[i].len = registry[i].len;
			if (secrets[i].value != NULL)
				memcpy(secrets[i].value, registry[i].value, registry[i].len + 1);
		}
	}
	pthread_mutex_unlock(&registry_lock);
	if (nsecrets > 0 && secrets == NULL) {
		rc = azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory (redaction)");
		goto done;
	}
	for (i = 0; i < nsecrets; i++) {
		if (secrets[i].value == NULL) {
			rc = azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory (redaction)");
			goto done;
		}
		mark_secret(text, len, mask, secrets[i].value, secrets[i].len);
	}
	mark_params(text, len, mask);
	mark_headers(text, len, mask);
	mark_bearer(text, len, mask);
	mark_members(text, len, mask);
	mark_jwts(text, len, mask);
	mark_userinfo(text, len, mask);

	i = 0;
	while (i < len && rc == AZSREG_OK) {
		if (mask[i]) {
			while (i < len && mask[i])
				i++;
			rc = azsreg_buf__put(out, "***", 3);
		} else {
			run = i;
			while (i < len && !mask[i])
				i++;
			rc = azsreg_buf__put(out, text + run, i - run);
		}
	}
done:
	for (i = 0; secrets != NULL && i < nsecrets; i++) {
		if (secrets[i].value != NULL) {
			azsreg__wipe(secrets[i].value, secrets[i].len);
			free(secrets[i].value);
		}
	}
	free(secrets);
	free(mask);
	return rc;
}

/* ---------------------------------------------------------------- logging */

/* The calling thread's cap on log levels (azsreg_log_set_thread_level); -1: none. */
static __thread int thread_level_cap = -1;

void azsreg_log_set_thread_level(int level)
{
	thread_level_cap = level < 0 ? -1 : level;
}

int azsreg_log__enabled(const azsreg_logger *lg, int level)
{
	if (thread_level_cap >= 0 && level > thread_level_cap)
		return 0;
	return lg != NULL && lg->cb != NULL && level > AZSREG_LOG_NONE && level <= lg->level;
}

void azsreg_log__write(const azsreg_logger *lg, int level, const char *fmt, ...)
{
	azsreg_buf raw = AZSREG_BUF_INIT, red = AZSREG_BUF_INIT;
	va_list ap;
	int n;
	size_t i;

	if (!azsreg_log__enabled(lg, level) || fmt == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		goto done;
	if ((size_t)n > LOG_RAW_MAX) {
		lg->cb(level, "(log line too long to show)", lg->payload);
		goto done;
	}
	raw.limit = LOG_RAW_MAX + 1;
	va_start(ap, fmt);
	(void)azsreg_buf__vprintf(&raw, fmt, ap);
	va_end(ap);
	if (raw.failed)
		goto done;
	if (azsreg_log__redact(&red, azsreg_buf__cstr(&raw)) != AZSREG_OK || red.ptr == NULL)
		goto done;
	/* One line: control characters become spaces. */
	for (i = 0; i < red.size; i++) {
		if ((unsigned char)red.ptr[i] < 0x20 && red.ptr[i] != '\t')
			red.ptr[i] = ' ';
	}
	if (red.size > LOG_LINE_MAX) {
		memcpy(red.ptr + LOG_LINE_MAX - 15, "...(truncated)", 15);
		red.size = LOG_LINE_MAX - 1;
	}
	lg->cb(level, red.ptr, lg->payload);
done:
	azsreg_buf__wipe_free(&raw);
	azsreg_buf__wipe_free(&red);
}
