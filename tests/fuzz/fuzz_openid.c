/* libFuzzer target: OpenID configuration parser (token.c). Build with -DAZSREG_FUZZ=ON and clang. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[AZSREG_GUID_LEN + 1];

	(void)azsreg_openid__parse_tenant(out, (const char *)data, size);
	return 0;
}
