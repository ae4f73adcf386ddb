/*
 * libFuzzer target: ARM and identity error bodies (error.c: azsreg_error__from_arm,
 * azsreg_error__from_identity). Input: byte 0 picks the parser, bytes 1-2 the HTTP
 * status, the rest is the body (any bytes). The result is an error code (never 0) that
 * the last error repeats, the message is one line, the error JSON parses, and a
 * registered secret that the body carries appears in no field of the error.
 */
#include <jansson.h>

#include "fuzz_common.h"

#define FUZZ_SECRET "fuzz-registered-secret-7Q2x"

static void no_secret(const char *field, const char *value)
{
	FUZZ_CHECK(value != NULL, "%s is NULL", field);
	FUZZ_CHECK(strstr(value, FUZZ_SECRET) == NULL, "the registered secret is in the error's %s", field);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	const azsreg_error *e;
	const char *ej;
	json_t *j;
	int status, rc, which;

	if (!registered) {
		azsreg_secret__register(FUZZ_SECRET);
		registered = 1;
	}
	if (size < 3)
		return 0;
	which = data[0] & 1;
	status = ((data[1] << 8) | data[2]) % 1000;
	data += 3;
	size -= 3;
	if (which == 0)
		rc = azsreg_error__from_arm(status, (const char *)data, size, "req-id-1", "corr-id-1", "fuzz operation");
	else
		rc = azsreg_error__from_identity(status, (const char *)data, size, "sign-in with Fuzz");
	FUZZ_CHECK(rc < 0, "an error body parsed as success: %d", rc);
	fuzz_check_error(rc);
	e = azsreg_error_last();
	FUZZ_CHECK(e->http_status == status, "status %d, want %d", e->http_status, status);
	FUZZ_CHECK(strchr(e->message, '\n') == NULL && strchr(e->message, '\r') == NULL, "message is not one line: %s", e->message);
	FUZZ_CHECK(strlen(e->message) < 64 * 1024, "message too long");
	no_secret("message", e->message);
	no_secret("arm_code", e->arm_code);
	no_secret("arm_message", e->arm_message);
	no_secret("target", e->target);
	no_secret("details_json", e->details_json);
	no_secret("request_id", e->request_id);
	no_secret("correlation_id", e->correlation_id);
	no_secret("hint", e->hint);
	if (e->details_json[0] != '\0') {
		j = json_loads(e->details_json, 0, NULL);
		FUZZ_CHECK(json_is_array(j), "details is not a JSON array: %s", e->details_json);
		json_decref(j);
	}
	ej = azsreg_error_last_json();
	no_secret("JSON", ej);
	j = json_loads(ej, 0, NULL);
	FUZZ_CHECK(json_is_object(j), "azsreg_error_last_json is not a JSON object");
	FUZZ_CHECK(json_integer_value(json_object_get(j, "code")) == rc, "JSON code differs");
	FUZZ_CHECK(json_integer_value(json_object_get(j, "httpStatus")) == status, "JSON status differs");
	json_decref(j);
	return 0;
}
