/* test_json.c: JSON answers built member by member without losing one (json.c). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

Test(json, text_is_a_string_null_or_the_placeholder_for_bytes_that_are_not_utf8)
{
	json_t *v = azsreg_json__text("caf\xc3\xa9");

	cr_assert(json_is_string(v));
	cr_expect_str_eq(json_string_value(v), "caf\xc3\xa9");
	json_decref(v);
	v = azsreg_json__text(NULL);
	cr_expect(json_is_null(v));
	json_decref(v);
	v = azsreg_json__text("bad \xff byte");
	cr_assert(json_is_string(v));
	cr_expect_str_eq(json_string_value(v), AZSREG_JSON_NOT_UTF8);
	json_decref(v);
}

Test(json, set_and_append_keep_the_flag_clear_when_everything_is_added)
{
	json_t *o = json_object(), *a = json_array(), *shared = json_string("s");
	int bad = 0;
	char *text;

	azsreg_json__set(o, "n", json_integer(1), &bad);
	azsreg_json__append(a, json_true(), &bad);
	azsreg_json__set(o, "a", a, &bad);
	azsreg_json__set_ref(o, "s", shared, &bad);
	cr_expect_eq(bad, 0);
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	cr_expect_str_eq(text, "{\"a\":[true],\"n\":1,\"s\":\"s\"}");
	free(text);
	cr_expect_eq(shared->refcount, 2, "set_ref adds a reference");
	json_decref(o);
	cr_expect_eq(shared->refcount, 1);
	json_decref(shared);
}

/* A value whose own allocation failed (NULL) is a failure; so is a NULL object or array,
 * and the value given is released then (ASan and valgrind see a leak otherwise). */
Test(json, a_null_value_or_container_sets_the_flag_and_releases_the_value)
{
	json_t *o = json_object(), *a = json_array();
	int bad = 0;

	azsreg_json__set(o, "missing", NULL, &bad);
	cr_expect_eq(bad, 1);
	cr_expect_eq(json_object_size(o), 0);
	bad = 0;
	azsreg_json__append(a, NULL, &bad);
	cr_expect_eq(bad, 1);
	cr_expect_eq(json_array_size(a), 0);
	bad = 0;
	azsreg_json__set(NULL, "k", json_string("released"), &bad);
	cr_expect_eq(bad, 1);
	bad = 0;
	azsreg_json__append(NULL, json_string("released"), &bad);
	cr_expect_eq(bad, 1);
	bad = 0;
	azsreg_json__set_ref(NULL, "k", o, &bad);
	cr_expect_eq(bad, 1);
	cr_expect_eq(o->refcount, 1, "set_ref on nothing takes no reference");
	/* a failure stays recorded: later successes do not clear it */
	azsreg_json__set(o, "ok", json_true(), &bad);
	cr_expect_eq(bad, 1);
	json_decref(o);
	json_decref(a);
}

/* Jansson refuses a key that is not UTF-8: the value is released, the flag set. */
Test(json, a_key_jansson_refuses_sets_the_flag)
{
	json_t *o = json_object();
	int bad = 0;

	azsreg_json__set(o, "bad \xff key", json_string("v"), &bad);
	cr_expect_eq(bad, 1);
	cr_expect_eq(json_object_size(o), 0);
	json_decref(o);
}

/* The UTF-8 rule is Jansson's: for each sample, azsreg_json__valid_utf8 and json_string agree
 * (a string Jansson refuses is never taken for an allocation failure, and the reverse). */
Test(json, valid_utf8_agrees_with_jansson)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
		{ "", 1 },
		{ "plain ascii", 1 },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 1 },
		{ "\xed\x9f\xbf", 1 }, /* U+D7FF, below the surrogates */
		{ "\xf4\x8f\xbf\xbf", 1 }, /* U+10FFFF */
		{ "\xc0\xaf", 0 }, /* overlong '/' */
		{ "\xc1\xbf", 0 },
		{ "\xe0\x80\xaf", 0 }, /* overlong, three bytes */
		{ "\xed\xa0\x80", 0 }, /* U+D800, a surrogate */
		{ "\xf0\x80\x80\xaf", 0 }, /* overlong, four bytes */
		{ "\xf4\x90\x80\x80", 0 }, /* above U+10FFFF */
		{ "\xf5\x80\x80\x80", 0 },
		{ "\xff", 0 },
		{ "\x80", 0 }, /* a lone continuation byte */
		{ "\xc3", 0 }, /* cut short */
		{ "\xe2\x82", 0 },
		{ "\xe2\x28\xa1", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = json_string(cases[i].s);

		cr_expect_eq(azsreg_json__valid_utf8(cases[i].s, strlen(cases[i].s)), cases[i].ok, "case %zu", i);
		cr_expect_eq(v != NULL, cases[i].ok, "case %zu: Jansson %s it", i, v ? "takes" : "refuses");
		json_decref(v);
	}
}
