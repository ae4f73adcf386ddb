/* buf.c and http.c: growable bounded buffer, wipe, string copies, header lists. */
#include <criterion/criterion.h>
#include <string.h>
#include <stdlib.h>

#include "internal.h"

Test(buf, starts_empty_and_cstr_never_null)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	cr_assert_str_eq(azsreg_buf__cstr(&b), "");
	cr_assert_str_eq(azsreg_buf__cstr(NULL), "");
	azsreg_buf__free(&b);
}

Test(buf, put_puts_printf_append)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	cr_assert_eq(azsreg_buf__puts(&b, "abc"), 0);
	cr_assert_eq(azsreg_buf__put(&b, "defXX", 3), 0);
	cr_assert_eq(azsreg_buf__printf(&b, "-%d-%s", 42, "z"), 0);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "abcdef-42-z");
	cr_assert_eq(b.size, 11);
	azsreg_buf__clear(&b);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "");
	cr_assert_eq(b.size, 0);
	azsreg_buf__free(&b);
	cr_assert_null(b.ptr);
}

Test(buf, grows_across_many_appends)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	int i;

	for (i = 0; i < 10000; i++)
		cr_assert_eq(azsreg_buf__printf(&b, "%04d", i % 10000), 0);
	cr_assert_eq(b.size, 40000);
	cr_assert_eq(strncmp(b.ptr + 39996, "9999", 4), 0);
	cr_assert_eq(b.ptr[40000], '\0');
	azsreg_buf__free(&b);
}

Test(buf, refuses_to_grow_past_limit_and_stays_failed)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	b.limit = 8;
	cr_assert_eq(azsreg_buf__puts(&b, "12345678"), 0);
	cr_assert_eq(azsreg_buf__puts(&b, "9"), AZSREG_ENOMEM);
	cr_assert_eq(b.failed, 1);
	cr_assert_eq(azsreg_error_last()->code, AZSREG_ENOMEM);
	cr_assert(strstr(azsreg_error_last()->message, "limit of 8 bytes") != NULL, "%s", azsreg_error_last()->message);
	/* later appends are no-ops, even small ones that would fit */
	azsreg_buf__clear(&b);
	cr_assert_eq(b.failed, 0);
	cr_assert_eq(azsreg_buf__puts(&b, "ok"), 0);
	b.failed = 1;
	cr_assert_eq(azsreg_buf__puts(&b, "x"), AZSREG_ENOMEM);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "ok");
	azsreg_buf__free(&b);
}

Test(buf, printf_over_limit_fails_without_partial_write)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	b.limit = 10;
	cr_assert_eq(azsreg_buf__puts(&b, "abc"), 0);
	cr_assert_eq(azsreg_buf__printf(&b, "%s", "0123456789"), AZSREG_ENOMEM);
	cr_assert_str_eq(azsreg_buf__cstr(&b), "abc");
	azsreg_buf__free(&b);
}

Test(buf, detach_hands_over_and_resets)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	char *s;

	s = azsreg_buf__detach(&b);
	cr_assert_not_null(s);
	cr_assert_str_eq(s, "");
	azsreg_free(s);
	cr_assert_eq(azsreg_buf__puts(&b, "hello"), 0);
	s = azsreg_buf__detach(&b);
	cr_assert_str_eq(s, "hello");
	cr_assert_null(b.ptr);
	cr_assert_eq(b.size, 0);
	cr_assert_eq(b.asize, 0);
	azsreg_free(s);
}

Test(buf, wipe_free_and_free_secret)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	char raw[16] = "topsecret";

	cr_assert_eq(azsreg_buf__puts(&b, "secret-value"), 0);
	azsreg_buf__wipe_free(&b);
	cr_assert_null(b.ptr);
	cr_assert_eq(b.size, 0);
	azsreg__wipe(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++)
		cr_assert_eq(raw[i], 0);
	azsreg__free_secret(NULL);
	azsreg__free_secret(azsreg__strdup("abc"));
}

Test(buf, strdup_strndup)
{
	char *s = azsreg__strdup("hello");
	char *t = azsreg__strndup("hello", 3);
	char *u = azsreg__strndup("hi", 10);

	cr_assert_str_eq(s, "hello");
	cr_assert_str_eq(t, "hel");
	cr_assert_str_eq(u, "hi");
	cr_assert_null(azsreg__strdup(NULL));
	cr_assert_null(azsreg__strndup(NULL, 4));
	azsreg_free(s);
	azsreg_free(t);
	azsreg_free(u);
	azsreg_free(NULL);
}

Test(buf, version)
{
	cr_assert_str_eq(azsreg_version(), AZSREG_VERSION);
	cr_assert_str_eq(azsreg_version(), "0.2.0");
}

Test(http, headers_add_get_set_remove_case_insensitive)
{
	azsreg_headers h = { 0 };

	cr_assert_eq(azsreg_headers__add(&h, "Content-Type", "application/json"), 0);
	cr_assert_eq(azsreg_headers__add(&h, "x-ms-request-id", "r1"), 0);
	cr_assert_eq(azsreg_headers__add(&h, "X-Dup", "1"), 0);
	cr_assert_eq(azsreg_headers__add(&h, "x-dup", "2"), 0);
	cr_assert_eq(h.count, 4);
	cr_assert_str_eq(azsreg_headers__get(&h, "content-type"), "application/json");
	cr_assert_str_eq(azsreg_headers__get(&h, "X-MS-REQUEST-ID"), "r1");
	cr_assert_str_eq(azsreg_headers__get(&h, "x-dup"), "1");
	cr_assert_null(azsreg_headers__get(&h, "missing"));
	cr_assert_eq(azsreg_headers__set(&h, "X-DUP", "3"), 0);
	cr_assert_eq(h.count, 3);
	cr_assert_str_eq(azsreg_headers__get(&h, "x-dup"), "3");
	azsreg_headers__remove(&h, "content-type");
	cr_assert_eq(h.count, 2);
	cr_assert_null(azsreg_headers__get(&h, "Content-Type"));
	cr_assert_str_eq(h.items[0].name, "x-ms-request-id");
	azsreg_headers__free(&h);
	cr_assert_eq(h.count, 0);
	cr_assert_null(h.items);
	azsreg_headers__free(&h);
}

Test(http, headers_refuse_bad_names_and_line_breaks)
{
	azsreg_headers h = { 0 };

	cr_assert_eq(azsreg_headers__add(&h, "", "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_headers__add(&h, "Bad Name", "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_headers__add(&h, "Bad:Name", "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_headers__add(&h, "X-Inject", "a\r\nEvil: 1"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "X-Inject") != NULL);
	cr_assert_eq(h.count, 0);
	cr_assert_eq(azsreg_headers__add(&h, "X-Empty", NULL), 0);
	cr_assert_str_eq(azsreg_headers__get(&h, "x-empty"), "");
	azsreg_headers__free(&h);
}

Test(http, request_and_response_free_and_reset)
{
	azsreg_http_request req = { 0 };
	azsreg_http_response resp = { 0 };

	req.method = "POST";
	req.url = azsreg__strdup("https://127.0.0.1/x");
	req.body = azsreg__strdup("client_secret=abc");
	req.body_len = strlen(req.body);
	req.body_is_secret = 1;
	cr_assert_eq(azsreg_headers__add(&req.headers, "Authorization", "Bearer abc.def.ghi"), 0);
	azsreg_http_request__free(&req);
	cr_assert_null(req.url);
	cr_assert_null(req.body);
	cr_assert_eq(req.headers.count, 0);

	resp.status = 200;
	resp.body.limit = 100;
	cr_assert_eq(azsreg_headers__add(&resp.headers, "x-ms-request-id", "r"), 0);
	cr_assert_eq(azsreg_buf__puts(&resp.body, "{}"), 0);
	azsreg_http_response__reset(&resp);
	cr_assert_eq(resp.status, 0);
	cr_assert_eq(resp.headers.count, 0);
	cr_assert_eq(resp.body.size, 0);
	cr_assert_eq(resp.body.limit, 100, "reset keeps the body limit");
	azsreg_http_response__free(&resp);
	azsreg_http_response__free(NULL);
	azsreg_http_request__free(NULL);
}

Test(clock, system_clock_moves_and_sleeps)
{
	const azsreg_clock *c = azsreg_clock__system();
	int64_t t0, t1, u;
	uint32_t r1, r2, r3;

	cr_assert_not_null(c);
	t0 = c->now_ms(c->ctx);
	c->sleep_ms(c->ctx, 30);
	t1 = c->now_ms(c->ctx);
	cr_assert_geq(t1 - t0, 30);
	/* a hang guard, not a performance bound (load only lengthens a sleep): it catches a
	 * unit mix-up (30 taken as seconds would be 30000 ms), no loaded machine reaches it */
	cr_assert_lt(t1 - t0, 20000, "a 30 ms sleep took %lld ms", (long long)(t1 - t0));
	cr_log_info("a 30 ms sleep took %lld ms", (long long)(t1 - t0));
	u = c->unix_time(c->ctx);
	cr_assert_gt(u, 1700000000);
	c->sleep_ms(c->ctx, 0);
	c->sleep_ms(c->ctx, -5);
	r1 = c->random(c->ctx);
	r2 = c->random(c->ctx);
	r3 = c->random(c->ctx);
	cr_assert(r1 != r2 || r2 != r3, "three equal random values");
}
