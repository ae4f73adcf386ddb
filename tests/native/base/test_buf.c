/* test_buf.c: growable bounded buffer, wipe, string copies, the version (buf.c). */
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

/* azsreg_buf__read_file: up to max bytes; more is AZSREG_READ_TOO_LARGE (no last error: the
 * caller words it), never taken for running out of memory. */
Test(buf, read_file_reads_up_to_max_and_names_a_file_that_is_larger)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	FILE *f = tmpfile();
	char data[10000];
	int problem = -1;

	cr_assert_not_null(f);
	memset(data, 'x', sizeof data);
	cr_assert_eq(fwrite(data, 1, sizeof data, f), sizeof data);
	rewind(f);
	cr_expect_eq(azsreg_buf__read_file(&b, f, sizeof data, &problem), AZSREG_OK);
	cr_expect_eq(problem, 0);
	cr_expect_eq(b.size, sizeof data);
	azsreg_buf__free(&b);

	rewind(f);
	azsreg_error_clear();
	cr_expect_eq(azsreg_buf__read_file(&b, f, sizeof data - 1, &problem), AZSREG_EINVALID);
	cr_expect_eq(problem, AZSREG_READ_TOO_LARGE);
	cr_expect_eq(azsreg_error_last()->code, AZSREG_OK, "no last error: the caller words it");
	cr_expect_leq(b.size, sizeof data - 1);
	azsreg_buf__free(&b);

	fclose(f);
#ifndef _WIN32
	/* a stream opened for writing only cannot be read: a read error (glibc) */
	f = fopen("/dev/null", "w");
	cr_assert_not_null(f);
	cr_assert_eq(azsreg_buf__read_file(&b, f, 100, &problem), AZSREG_EINVALID);
	cr_expect_eq(problem, AZSREG_READ_FAILED);
	fclose(f);
#endif
	azsreg_buf__free(&b);
}
