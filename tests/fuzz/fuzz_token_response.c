/* libFuzzer target: token response parser (token.c). Build with -DAZSREG_FUZZ=ON and clang. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	azsreg_token t;
	char *rt = NULL;

	memset(&t, 0, sizeof(t));
	if (azsreg_token__parse_response(&t, &rt, (const char *)data, size, INT64_C(1700000000000)) == 0) {
		azsreg_token__clear(&t);
		azsreg__free_secret(rt);
	}
	return 0;
}
