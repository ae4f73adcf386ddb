/*
 * libFuzzer target: GUIDs (azsreg_guid_normalize, azsreg_tenant_check). A normalised
 * GUID is 36 lowercase characters, normalises to itself (idempotent), equals the input
 * up to case and braces; braces added around it are accepted too.
 */
#include <ctype.h>
#include <strings.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char out[AZSREG_GUID_LEN + 1], again[AZSREG_GUID_LEN + 1], braced[AZSREG_GUID_LEN + 3];
	const char *core;
	size_t i;
	int rc;

	memset(out, 'X', sizeof(out));
	rc = azsreg_guid_normalize(out, s, "fuzzed GUID");
	fuzz_check_error(rc);
	FUZZ_CHECK(rc == AZSREG_OK || rc == AZSREG_EINVALID, "code %d", rc);
	if (rc == AZSREG_OK) {
		FUZZ_CHECK(strlen(out) == AZSREG_GUID_LEN, "length %zu", strlen(out));
		for (i = 0; i < AZSREG_GUID_LEN; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				FUZZ_CHECK(out[i] == '-', "no '-' at %zu", i);
			else
				FUZZ_CHECK(isxdigit((unsigned char)out[i]) && !isupper((unsigned char)out[i]), "bad char at %zu", i);
		}
		core = s[0] == '{' ? s + 1 : s;
		FUZZ_CHECK(strncasecmp(core, out, AZSREG_GUID_LEN) == 0, "not the input up to case");
		rc = azsreg_guid_normalize(again, out, NULL);
		FUZZ_CHECK(rc == AZSREG_OK && strcmp(again, out) == 0, "not idempotent");
		snprintf(braced, sizeof(braced), "{%s}", out);
		rc = azsreg_guid_normalize(again, braced, NULL);
		FUZZ_CHECK(rc == AZSREG_OK && strcmp(again, out) == 0, "braced form refused");
		FUZZ_CHECK(azsreg_tenant_check(s) == AZSREG_OK, "a GUID refused as a tenant");
	} else {
		FUZZ_CHECK(out[0] == 'X', "output written on failure");
		rc = azsreg_tenant_check(s);
		fuzz_check_error(rc);
	}
	free(s);
	return 0;
}
