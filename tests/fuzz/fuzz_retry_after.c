/*
 * libFuzzer target: Retry-After / retry-after-ms headers, HTTP-dates and backoff
 * (retry.c, util.c). Input lines are "Name: value" response headers. The server delay
 * is never negative nor over a day and follows the header precedence; every value that
 * parses as an HTTP-date prints back (IMF-fixdate) to a date that parses to the same
 * time; the backoff stays within [0, cap].
 */
#include <time.h>

#include "fuzz_common.h"

#define NOW 1700000000
#define DAY_MS ((int64_t)24 * 60 * 60 * 1000)

static void check_date(const char *v)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t when = 0, again = 0;
	time_t t;
	struct tm tm;
	char buf[64];
	int rc = azsreg_time__parse_http_date(v, &when);

	fuzz_check_error(rc);
	if (rc != AZSREG_OK)
		return;
	/* Years 0000..9999 (two-digit RFC 850 years map into 1970..2069). */
	FUZZ_CHECK(when >= -62167219200LL && when < 253402300800LL, "time %lld out of range for '%s'", (long long)when, v);
	t = (time_t)when;
	FUZZ_CHECK(gmtime_r(&t, &tm) != NULL, "gmtime");
	if (tm.tm_sec == 60)
		return;
	snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	rc = azsreg_time__parse_http_date(buf, &again);
	FUZZ_CHECK(rc == AZSREG_OK && again == when, "'%s' -> %lld, printed '%s' -> %lld", v, (long long)when, buf, (long long)again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *rest = s, *line, *colon, *v;
	azsreg_headers h = { NULL, 0, 0 };
	azsreg_retry_policy p;
	int64_t ms = -1, d;
	uint32_t r;
	int got, attempt;

	while (*rest != '\0') {
		line = fuzz_line(&rest);
		colon = strchr(line, ':');
		if (colon == NULL || colon == line)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ')
			v++;
		(void)azsreg_headers__add(&h, line, v);
		check_date(v);
	}
	got = azsreg_retry__server_delay(&h, NOW, &ms);
	FUZZ_CHECK(got == 0 || got == 1, "server_delay returned %d", got);
	if (got)
		FUZZ_CHECK(ms >= 0 && ms <= DAY_MS, "server delay %lld ms", (long long)ms);
	if (azsreg_headers__get(&h, "retry-after-ms") == NULL && azsreg_headers__get(&h, "x-ms-retry-after-ms") == NULL &&
	    azsreg_headers__get(&h, "Retry-After") == NULL)
		FUZZ_CHECK(got == 0, "a delay without any retry header");

	/* Backoff from the first bytes. */
	if (size >= 16) {
		memcpy(&p.base_delay_ms, data, 8);
		memcpy(&p.max_delay_ms, data + 8, 8);
		p.max_retries = 6;
		attempt = size > 16 ? (int)(int8_t)data[16] : 1;
		r = size > 20 ? (uint32_t)data[17] << 24 | (uint32_t)data[18] << 16 | (uint32_t)data[19] << 8 | data[20] : 0;
		d = azsreg_retry__backoff(&p, attempt, r);
		FUZZ_CHECK(d >= 0, "negative backoff %lld", (long long)d);
		if (p.max_delay_ms > 0)
			FUZZ_CHECK(d <= p.max_delay_ms, "backoff %lld over the cap %lld", (long long)d, (long long)p.max_delay_ms);
	}
	azsreg_headers__free(&h);
	free(s);
	return 0;
}
