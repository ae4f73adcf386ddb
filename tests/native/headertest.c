/* The public header must compile alone, first, as strict C99 with every warning. */
#include "azsreg.h"

/* Referencing a few declarations keeps the unit from being empty (-pedantic). */
typedef int azsreg_headertest_check[sizeof(azsreg_registration_ref) > 0 ? 1 : -1];

const char *azsreg_headertest_name(void);
const char *azsreg_headertest_name(void)
{
	return azsreg_result_name(AZSREG_EINVALID);
}
