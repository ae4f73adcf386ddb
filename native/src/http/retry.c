/* retry.c: retry decisions and delays (pure functions, no clock, no I/O). */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <errno.h>

/* A server delay longer than this is treated as this (one day): keeps arithmetic safe. */
#define SERVER_DELAY_MAX_MS ((int64_t)24 * 60 * 60 * 1000)

int azsreg_retry__status_is_retryable(int status)
{
	switch (status) {
	case 408:
	case 429:
	case 500:
	case 502:
	case 503:
	case 504:
		return 1;
	default:
		return 0;
	}
}

/* Parses a non-negative decimal integer (surrounding blanks allowed). */
static int parse_uint(const char *text, int64_t *out)
{
	char *end = NULL;
	long long v;
	const char *p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (end == p)
		return 0;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end != '\0')
		return 0;
	if (errno == ERANGE || v < 0)
		v = INT64_MAX;
	*out = (int64_t)v;
	return 1;
}

static int64_t clamp_delay(int64_t ms)
{
	if (ms < 0)
		return 0;
	if (ms > SERVER_DELAY_MAX_MS)
		return SERVER_DELAY_MAX_MS;
	return ms;
}

int azsreg_retry__server_delay(const azsreg_headers *h, int64_t now_unix, int64_t *out_ms)
{
	static const char *const ms_headers[] = { "retry-after-ms", "x-ms-retry-after-ms" };
	const char *v;
	int64_t n = 0, when = 0;
	size_t i;

	if (h == NULL || out_ms == NULL)
		return 0;
	for (i = 0; i < sizeof(ms_headers) / sizeof(ms_headers[0]); i++) {
		v = azsreg_headers__get(h, ms_headers[i]);
		if (v != NULL && parse_uint(v, &n)) {
			*out_ms = clamp_delay(n);
			return 1;
		}
	}
	v = azsreg_headers__get(h, "Retry-After");
	if (v == NULL)
		return 0;
	if (parse_uint(v, &n)) {
		if (n > SERVER_DELAY_MAX_MS / 1000)
			n = SERVER_DELAY_MAX_MS / 1000;
		*out_ms = n * 1000;
		return 1;
	}
	if (azsreg_time__parse_http_date(v, &when) == 0) {
		int64_t secs = when - now_unix;
		if (secs < 0)
			secs = 0;
		if (secs > SERVER_DELAY_MAX_MS / 1000)
			secs = SERVER_DELAY_MAX_MS / 1000;
		*out_ms = secs * 1000;
		return 1;
	}
	return 0;
}

int64_t azsreg_retry__backoff(const azsreg_retry_policy *p, int attempt, uint32_t random)
{
	int64_t base, cap, delay;
	int i;
	uint64_t factor; /* per mille, in [800, 1200) */

	if (p == NULL)
		return 0;
	base = p->base_delay_ms > 0 ? p->base_delay_ms : 0;
	cap = p->max_delay_ms > 0 ? p->max_delay_ms : INT64_MAX / 2000;
	if (cap > INT64_MAX / 2000)
		cap = INT64_MAX / 2000; /* so that cap * 1200 cannot overflow */
	if (attempt < 1)
		attempt = 1;
	delay = base < cap ? base : cap;
	for (i = 1; i < attempt && delay < cap; i++) {
		if (delay > cap / 2) {
			delay = cap;
			break;
		}
		delay *= 2;
	}
	if (delay > cap)
		delay = cap;
	factor = 800 + (((uint64_t)random * 400u) >> 32);
	delay = (int64_t)(((uint64_t)delay * factor) / 1000u);
	if (delay > cap)
		delay = cap;
	return delay;
}
