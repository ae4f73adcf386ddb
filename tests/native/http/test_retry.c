/* test_retry.c: retry decisions and delays (retry.c). */
#include <criterion/criterion.h>
#include <stdint.h>

#include "internal.h"

static azsreg_headers hdrs(const char *n1, const char *v1, const char *n2, const char *v2)
{
	azsreg_headers h = { NULL, 0, 0 };

	if (n1)
		cr_assert_eq(azsreg_headers__add(&h, n1, v1), 0);
	if (n2)
		cr_assert_eq(azsreg_headers__add(&h, n2, v2), 0);
	return h;
}

Test(retry, retryable_statuses)
{
	int yes[] = { 408, 429, 500, 502, 503, 504 };
	int no[] = { 200, 201, 202, 204, 400, 401, 403, 404, 409, 412, 501, 505 };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(azsreg_retry__status_is_retryable(yes[i]), "%d should be retryable", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect(!azsreg_retry__status_is_retryable(no[i]), "%d should not be retryable", no[i]);
}

Test(retry, retry_after_seconds)
{
	azsreg_headers h = hdrs("Retry-After", "7", NULL, NULL);
	int64_t ms = -1;

	cr_assert_eq(azsreg_retry__server_delay(&h, 1700000000, &ms), 1);
	cr_expect_eq(ms, 7000);
	azsreg_headers__free(&h);
}

Test(retry, retry_after_http_date)
{
	/* 1700000000 = Tue, 14 Nov 2023 22:13:20 GMT */
	azsreg_headers h = hdrs("retry-after", "Tue, 14 Nov 2023 22:13:50 GMT", NULL, NULL);
	int64_t ms = -1;

	cr_assert_eq(azsreg_retry__server_delay(&h, 1700000000, &ms), 1);
	cr_expect_eq(ms, 30000);
	/* a date in the past means "now" */
	cr_assert_eq(azsreg_retry__server_delay(&h, 1700000100, &ms), 1);
	cr_expect_eq(ms, 0);
	azsreg_headers__free(&h);
}

Test(retry, retry_after_ms_headers_win)
{
	azsreg_headers h = hdrs("Retry-After", "9", "retry-after-ms", "1500");
	azsreg_headers h2 = hdrs("x-ms-retry-after-ms", "250", "Retry-After", "9");
	int64_t ms = -1;

	cr_assert_eq(azsreg_retry__server_delay(&h, 0, &ms), 1);
	cr_expect_eq(ms, 1500);
	cr_assert_eq(azsreg_retry__server_delay(&h2, 0, &ms), 1);
	cr_expect_eq(ms, 250);
	azsreg_headers__free(&h);
	azsreg_headers__free(&h2);
}

Test(retry, retry_after_invalid_or_absent)
{
	azsreg_headers none = { NULL, 0, 0 };
	azsreg_headers bad = hdrs("Retry-After", "soon", NULL, NULL);
	azsreg_headers neg = hdrs("Retry-After", "-5", NULL, NULL);
	int64_t ms = 42;

	cr_expect_eq(azsreg_retry__server_delay(&none, 0, &ms), 0);
	cr_expect_eq(azsreg_retry__server_delay(&bad, 0, &ms), 0);
	cr_expect_eq(azsreg_retry__server_delay(&neg, 0, &ms), 0);
	cr_expect_eq(ms, 42);
	azsreg_headers__free(&bad);
	azsreg_headers__free(&neg);
}

Test(retry, retry_after_huge_is_clamped)
{
	azsreg_headers h = hdrs("Retry-After", "99999999999999999999999", NULL, NULL);
	int64_t ms = -1;

	cr_assert_eq(azsreg_retry__server_delay(&h, 0, &ms), 1);
	cr_expect_eq(ms, (int64_t)24 * 3600 * 1000);
	azsreg_headers__free(&h);
}

Test(retry, backoff_exponential_exact_with_fixed_random)
{
	azsreg_retry_policy p = { 6, 800, 60000 };
	const uint32_t mid = 0x80000000u; /* factor exactly 1.0 */

	cr_expect_eq(azsreg_retry__backoff(&p, 1, mid), 800);
	cr_expect_eq(azsreg_retry__backoff(&p, 2, mid), 1600);
	cr_expect_eq(azsreg_retry__backoff(&p, 3, mid), 3200);
	cr_expect_eq(azsreg_retry__backoff(&p, 4, mid), 6400);
	cr_expect_eq(azsreg_retry__backoff(&p, 7, mid), 51200);
	cr_expect_eq(azsreg_retry__backoff(&p, 8, mid), 60000);
}

Test(retry, backoff_jitter_bounds)
{
	azsreg_retry_policy p = { 6, 1000, 60000 };

	cr_expect_eq(azsreg_retry__backoff(&p, 1, 0), 800); /* factor 0.8 */
	cr_expect_eq(azsreg_retry__backoff(&p, 1, 0xFFFFFFFFu), 1199); /* just under 1.2 */
	cr_expect_eq(azsreg_retry__backoff(&p, 2, 0x40000000u), 1800); /* 0.9 */
}

Test(retry, backoff_capped_and_overflow_safe)
{
	azsreg_retry_policy p = { 6, 800, 2000 };
	azsreg_retry_policy huge = { 6, INT64_MAX / 2, INT64_MAX };
	int64_t d;

	cr_expect_eq(azsreg_retry__backoff(&p, 3, 0x80000000u), 2000);
	cr_expect_eq(azsreg_retry__backoff(&p, 1000, 0xFFFFFFFFu), 2000); /* cap also bounds the jitter */
	cr_expect_eq(azsreg_retry__backoff(&p, 2147483647, 0), 1600); /* 2000 * 0.8 */
	d = azsreg_retry__backoff(&huge, 200, 0xFFFFFFFFu);
	cr_expect(d > 0, "no overflow: %lld", (long long)d);
}
