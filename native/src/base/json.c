/*
 * json.c: building JSON answers member by member without losing one. Jansson's
 * json_object_set_new and json_array_append_new fail (out of memory, or a NULL value when
 * the value's own allocation failed) by returning -1 and dropping the value; a caller that
 * ignores that hands on an answer with a member missing: a batch result without its error,
 * a sync plan that does not know a customer is wanted (and would prune it). Here each add
 * records its failure in a flag the caller checks once, after the last member, and text
 * that is not UTF-8 becomes a placeholder instead of a missing member.
 */
#include "internal.h"

#include <string.h>

#include <jansson.h>

size_t azsreg_json__utf8_invalid_at(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i], lo = 0x80, hi = 0xBF;
		size_t k, extra;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			extra = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			extra = 2;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* UTF-16 surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			extra = 3;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			return i;
		}
		for (k = 1; k <= extra; k++) {
			unsigned char b = i + k < n ? s[i + k] : 0;

			if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
				return i;
		}
		i += extra + 1;
	}
	return n;
}

int azsreg_json__valid_utf8(const char *s, size_t n)
{
	return azsreg_json__utf8_invalid_at(s, n) == n;
}

json_t *azsreg_json__text(const char *s)
{
	json_t *v;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	if (v == NULL && !azsreg_json__valid_utf8(s, strlen(s)))
		v = json_string(AZSREG_JSON_NOT_UTF8);
	return v;
}

void azsreg_json__set(json_t *obj, const char *key, json_t *value, int *failed)
{
	if (obj == NULL || value == NULL || json_object_set_new(obj, key, value) != 0) {
		if (obj == NULL)
			json_decref(value);
		*failed = 1;
	}
}

void azsreg_json__set_ref(json_t *obj, const char *key, json_t *value, int *failed)
{
	if (obj == NULL || value == NULL || json_object_set(obj, key, value) != 0)
		*failed = 1;
}

void azsreg_json__append(json_t *arr, json_t *value, int *failed)
{
	if (arr == NULL || value == NULL || json_array_append_new(arr, value) != 0) {
		if (arr == NULL)
			json_decref(value);
		*failed = 1;
	}
}
