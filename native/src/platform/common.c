/* common.c: the parts of the platform layer that are the same on every platform. */
#include "platform.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const void *azsreg_plat__memmem(const void *haystack, size_t hlen, const void *needle, size_t nlen)
{
	const unsigned char *h = haystack, *n = needle, *p, *end;

	if (nlen == 0)
		return haystack;
	if (haystack == NULL || needle == NULL || hlen < nlen)
		return NULL;
	end = h + (hlen - nlen);
	for (p = h; p <= end; p++) {
		p = memchr(p, n[0], (size_t)(end - p) + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, n, nlen) == 0)
			return p;
	}
	return NULL;
}

int azsreg_plat__ip_is_loopback(const char *host, int bracketed)
{
	static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	unsigned char a[16];
	int i;

	if (host == NULL)
		return 0;
	if (!bracketed)
		return azsreg_plat__inet_pton(0, host, a) && a[0] == 127;
	if (!azsreg_plat__inet_pton(1, host, a))
		return 0;
	for (i = 0; i < 15 && a[i] == 0; i++)
		;
	if (i == 15 && a[15] == 1)
		return 1; /* ::1 */
	return memcmp(a, v4_mapped, sizeof(v4_mapped)) == 0 && a[12] == 127;
}

int azsreg_plat__fprintf(FILE *f, const char *fmt, ...)
{
	char small[1024], *big = NULL;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is the line above; a clang 14 false report */
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return azsreg_plat__fputs(small, f);
	big = malloc((size_t)n + 1);
	if (big == NULL)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = azsreg_plat__fputs(big, f);
	free(big);
	return rc;
}
