/*
 * fuzz_common.h: helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c).
 * FUZZ_CHECK aborts with a message when an invariant is broken, so libFuzzer reports a
 * crash and keeps the input as an artifact. Header-only (static functions).
 */
#ifndef AZSREG_FUZZ_COMMON_H
#define AZSREG_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "FUZZ INVARIANT BROKEN %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* The input as a NUL-terminated string (stops at the first NUL byte); never NULL. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Every error code the library may return. */
static inline int fuzz_code_known(int rc)
{
	return rc <= 0 && rc >= AZSREG_ECANCELLED;
}

/* After a failure: the thread's last error says the same code and has a message. */
static inline void fuzz_check_error(int rc)
{
	const azsreg_error *e = azsreg_error_last();

	FUZZ_CHECK(fuzz_code_known(rc), "unknown result code %d", rc);
	if (rc == AZSREG_OK)
		return;
	FUZZ_CHECK(e != NULL && e->message != NULL, "no last error");
	FUZZ_CHECK(e->code == rc, "last error code %d, returned %d", e->code, rc);
	FUZZ_CHECK(e->message[0] != '\0', "empty error message for %d", rc);
}

/* Number of (possibly overlapping) occurrences of needle in hay. */
static inline size_t fuzz_count(const char *hay, const char *needle)
{
	size_t n = 0, nl = strlen(needle);
	const char *p = hay;

	if (nl == 0 || hay == NULL)
		return 0;
	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Splits "first line\n rest": returns the first line (NUL-terminated in place), *rest after it. */
static inline char *fuzz_line(char **rest)
{
	char *s = *rest, *nl;

	if (s == NULL)
		return NULL;
	nl = strchr(s, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*rest = nl + 1;
	} else {
		*rest = s + strlen(s);
	}
	return s;
}

#endif
