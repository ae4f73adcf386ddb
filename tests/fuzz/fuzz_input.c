/*
 * libFuzzer target: customer input files (azsreg_input_parse, input.c). The input is read
 * as each format (auto, CSV, JSON lines), with and without AZSREG_INPUT_SKIP_BAD. Checked:
 * the code and the last error agree, no message holds a raw control character, the JSON
 * has its shape (lists of at most 1000 entries, counts at least as long), every row is a
 * good one (a lowercase GUID that normalises to itself, a tenant that passes
 * azsreg_tenant_check, a registration without control characters), rows come in line
 * order within the file's lines, no two rows share customer and registration, success
 * without SKIP_BAD means no bad row, and SKIP_BAD changes the code only, never the JSON.
 */
#include <jansson.h>
#include <strings.h>

#include "fuzz_common.h"

/* Lines as input.c counts them: LF, CRLF and a lone CR each end one. */
static size_t line_count(const uint8_t *data, size_t size)
{
	size_t i, n = 1;

	for (i = 0; i < size; i++) {
		if (data[i] == '\n' || (data[i] == '\r' && !(i + 1 < size && data[i + 1] == '\n')))
			n++;
	}
	return n;
}

static void no_raw_controls(const char *s, const char *what)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7f, "raw control 0x%02x in %s: %s",
			   (unsigned char)s[i], what, s);
}

static int nullable_casecmp(const json_t *a, const json_t *b)
{
	if (json_is_null(a) || json_is_null(b))
		return json_is_null(a) && json_is_null(b) ? 0 : 1;
	return strcasecmp(json_string_value(a), json_string_value(b));
}

static void check_result(const char *out, int format, size_t lines)
{
	json_t *j = json_loads(out, 0, NULL), *rows, *errors, *dups, *r, *o;
	const char *fmt;
	char guid[AZSREG_GUID_LEN + 1];
	size_t i, k, prev = 0;

	FUZZ_CHECK(json_is_object(j), "not a JSON object: %s", out);
	fmt = json_string_value(json_object_get(j, "format"));
	FUZZ_CHECK(fmt != NULL && (strcmp(fmt, "csv") == 0 || strcmp(fmt, "jsonLines") == 0), "format %s", out);
	if (format == AZSREG_INPUT_CSV)
		FUZZ_CHECK(strcmp(fmt, "csv") == 0, "forced CSV read as %s", fmt);
	if (format == AZSREG_INPUT_JSON_LINES)
		FUZZ_CHECK(strcmp(fmt, "jsonLines") == 0, "forced JSON lines read as %s", fmt);
	rows = json_object_get(j, "rows");
	errors = json_object_get(j, "errors");
	dups = json_object_get(j, "duplicates");
	FUZZ_CHECK(json_is_array(rows) && json_is_array(errors) && json_is_array(dups), "lists missing: %s", out);
	FUZZ_CHECK(json_array_size(errors) <= 1000 && json_array_size(dups) <= 1000, "list longer than 1000");
	FUZZ_CHECK(json_integer_value(json_object_get(j, "errorCount")) >= (json_int_t)json_array_size(errors), "errorCount");
	FUZZ_CHECK(json_integer_value(json_object_get(j, "duplicateCount")) >= (json_int_t)json_array_size(dups), "duplicateCount");
	json_array_foreach(rows, i, r)
	{
		json_int_t line = json_integer_value(json_object_get(r, "line"));
		const char *g = json_string_value(json_object_get(r, "customerSubscriptionId"));
		json_t *t = json_object_get(r, "tenantId"), *reg = json_object_get(r, "registration");

		FUZZ_CHECK(line >= 1 && (size_t)line <= lines && (size_t)line > prev, "row line %lld (file has %zu, previous %zu)",
			   (long long)line, lines, prev);
		prev = (size_t)line;
		FUZZ_CHECK(g != NULL && azsreg_guid_normalize(guid, g, NULL) == AZSREG_OK && strcmp(guid, g) == 0,
			   "customer %s is not a normalised GUID", g ? g : "(none)");
		FUZZ_CHECK(json_is_null(t) || (json_is_string(t) && json_string_length(t) > 0 &&
					       azsreg_tenant_check(json_string_value(t)) == AZSREG_OK),
			   "bad tenant in %s", out);
		FUZZ_CHECK(json_is_null(reg) || (json_is_string(reg) && json_string_length(reg) > 0), "bad registration in %s", out);
		if (json_is_string(reg)) {
			const char *s = json_string_value(reg);

			FUZZ_CHECK(strlen(s) == json_string_length(reg), "NUL in a registration");
			no_raw_controls(s, "a registration");
		}
		for (k = 0; k < i; k++) {
			o = json_array_get(rows, k);
			FUZZ_CHECK(strcmp(g, json_string_value(json_object_get(o, "customerSubscriptionId"))) != 0 ||
					   nullable_casecmp(reg, json_object_get(o, "registration")) != 0,
				   "a duplicate left in rows: %s", out);
		}
	}
	json_array_foreach(errors, i, r)
	{
		json_int_t line = json_integer_value(json_object_get(r, "line"));
		const char *m = json_string_value(json_object_get(r, "message"));

		FUZZ_CHECK(line >= 1 && (size_t)line <= lines, "error line %lld (file has %zu)", (long long)line, lines);
		FUZZ_CHECK(m != NULL && m[0] != '\0', "error without a message");
		no_raw_controls(m, "an error message");
	}
	json_array_foreach(dups, i, r)
	{
		json_int_t line = json_integer_value(json_object_get(r, "line"));
		json_int_t first = json_integer_value(json_object_get(r, "firstLine"));

		FUZZ_CHECK(first >= 1 && first < line && (size_t)line <= lines, "duplicate line %lld, first %lld", (long long)line,
			   (long long)first);
	}
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int formats[] = { AZSREG_INPUT_AUTO, AZSREG_INPUT_CSV, AZSREG_INPUT_JSON_LINES };
	size_t lines = line_count(data, size), f;

	for (f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
		char *strict = NULL, *lenient = NULL;
		json_t *j;
		int rc, rc_skip, clean = 0;

		rc = azsreg_input_parse(&strict, (const char *)data, size, formats[f], 0);
		fuzz_check_error(rc);
		FUZZ_CHECK(rc == AZSREG_OK || rc == AZSREG_EINVALID || rc == AZSREG_ENOMEM, "code %d", rc);
		if (rc != AZSREG_OK)
			no_raw_controls(azsreg_error_last()->message, "the last error");
		else
			FUZZ_CHECK(strict != NULL, "success without JSON");
		if (strict != NULL) {
			check_result(strict, formats[f], lines);
			j = json_loads(strict, 0, NULL);
			clean = json_integer_value(json_object_get(j, "errorCount")) == 0 &&
				json_integer_value(json_object_get(j, "duplicateCount")) == 0;
			json_decref(j);
			if (rc == AZSREG_OK)
				FUZZ_CHECK(clean, "success with bad rows: %s", strict);
		}
		rc_skip = azsreg_input_parse(&lenient, (const char *)data, size, formats[f], AZSREG_INPUT_SKIP_BAD);
		fuzz_check_error(rc_skip);
		FUZZ_CHECK((strict == NULL) == (lenient == NULL), "SKIP_BAD changed whether there is JSON");
		if (strict != NULL)
			FUZZ_CHECK(strcmp(strict, lenient) == 0, "SKIP_BAD changed the JSON:\n%s\n%s", strict, lenient);
		if (rc == AZSREG_OK)
			FUZZ_CHECK(rc_skip == AZSREG_OK, "SKIP_BAD failed where the strict call succeeded");
		if (rc_skip == AZSREG_EINVALID && strict != NULL)
			FUZZ_CHECK(rc == AZSREG_EINVALID, "SKIP_BAD failed alone");
		azsreg_free(strict);
		azsreg_free(lenient);
	}
	return 0;
}
