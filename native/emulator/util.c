/* azsreg-emulator: small helpers (GUIDs, base64url, form bodies, clocks). */
#include "emu.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

void emu_guid(char out[37])
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1) {
		for (size_t i = 0; i < sizeof b; i++)
			b[i] = (unsigned char)(rand() & 0xff);
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

bool emu_is_guid(const char *s)
{
	if (!s || strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

void emu_lower(char *s)
{
	for (; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *emu_b64url_encode(const unsigned char *data, size_t len)
{
	size_t outlen = (len + 2) / 3 * 4 + 1;
	char *out = malloc(outlen);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)data[i + 1] << 8;
		if (i + 2 < len)
			v |= data[i + 2];
		out[o++] = B64URL[(v >> 18) & 63];
		out[o++] = B64URL[(v >> 12) & 63];
		if (i + 1 < len)
			out[o++] = B64URL[(v >> 6) & 63];
		if (i + 2 < len)
			out[o++] = B64URL[v & 63];
	}
	out[o] = '\0';
	return out;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

/* Decodes base64url (also plain base64; '=' padding tolerated at the end). */
unsigned char *emu_b64url_decode(const char *s, size_t slen, size_t *out_len)
{
	unsigned char *out = NULL;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	while (slen > 0 && s[slen - 1] == '=')
		slen--;
	out = malloc(slen * 3 / 4 + 3);
	if (!out)
		return NULL;
	for (size_t i = 0; i < slen; i++) {
		int v = b64val((unsigned char)s[i]);
		if (v < 0) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6) { /* a single leftover character is not valid base64 */
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *emu_url_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < len && hexval((unsigned char)s[i + 1]) >= 0 &&
			   hexval((unsigned char)s[i + 2]) >= 0) {
			out[o++] = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

char *emu_url_encode(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(len * 3 + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, 4, "%%%02X", c);
			o += 3;
		}
	}
	out[o] = '\0';
	return out;
}

/* application/x-www-form-urlencoded -> JSON object of strings (first value wins). */
json_t *emu_form_parse(const char *body, size_t len)
{
	json_t *obj = json_object();
	size_t i = 0;
	while (obj && i < len) {
		size_t start = i;
		size_t eq = (size_t)-1;
		while (i < len && body[i] != '&') {
			if (body[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		if (i > start) {
			size_t klen = (eq == (size_t)-1 ? i : eq) - start;
			char *k = emu_url_decode(body + start, klen);
			char *v = eq == (size_t)-1 ? emu_url_decode("", 0) : emu_url_decode(body + eq + 1, i - eq - 1);
			if (k && v && !json_object_get(obj, k))
				json_object_set_new(obj, k, json_string(v));
			free(k);
			if (v) {
				OPENSSL_cleanse(v, strlen(v));
				free(v);
			}
		}
		i++;
	}
	return obj;
}

bool emu_ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return CRYPTO_memcmp(a, b, la) == 0;
}

/* The clock offset (ms) that POST /_emulator/clock moves forward; read without the lock. */
static long long g_clock_offset_ms;

long long emu_clock_offset_ms(void)
{
	return __atomic_load_n(&g_clock_offset_ms, __ATOMIC_SEQ_CST);
}

void emu_clock_advance_ms(long long ms)
{
	__atomic_add_fetch(&g_clock_offset_ms, ms, __ATOMIC_SEQ_CST);
}

void emu_clock_reset(void)
{
	__atomic_store_n(&g_clock_offset_ms, 0, __ATOMIC_SEQ_CST);
}

double emu_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + (double)emu_clock_offset_ms() / 1e3;
}

long long emu_now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (long long)time(NULL) * 1000 + emu_clock_offset_ms();
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + emu_clock_offset_ms();
}

long long emu_now(void)
{
	long long ms = emu_now_ms();
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

void emu_wipe_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

const char *emu_jstr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

long long emu_jint(const json_t *obj, const char *key, long long dflt)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v))
		return (long long)json_real_value(v);
	if (json_is_string(v)) {
		char *end = NULL;
		errno = 0;
		long long x = strtoll(json_string_value(v), &end, 10);
		if (errno == 0 && end && *end == '\0' && end != json_string_value(v))
			return x;
	}
	return dflt;
}

bool emu_jbool(const json_t *obj, const char *key, bool dflt)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_boolean(v))
		return json_is_true(v);
	return dflt;
}

char *emu_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *emu_printf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = NULL;
	if (n >= 0) {
		p = malloc((size_t)n + 1);
		if (p)
			vsnprintf(p, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	return p;
}

void emu_sleep_ms(long long ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

int emu_split_path(const char *path, char *buf, size_t buflen, char **segs, int max)
{
	size_t len = strlen(path);
	int n = 0;
	char *p;
	if (len + 1 > buflen)
		return -1;
	memcpy(buf, path, len + 1);
	p = buf;
	while (*p) {
		while (*p == '/')
			*p++ = '\0';
		if (!*p)
			break;
		if (n >= max)
			return -1;
		segs[n++] = p;
		while (*p && *p != '/')
			p++;
	}
	return n;
}
