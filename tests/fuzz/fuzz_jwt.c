/* libFuzzer target: jwt parser (jwt.c). Build with -DAZSREG_FUZZ=ON and clang. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	azsreg_jwt_claims c;

	if (s != NULL && azsreg_jwt__decode_claims(&c, s) == 0)
		azsreg_jwt__claims_free(&c);
	free(s);
	return 0;
}
