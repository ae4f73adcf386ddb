/*
 * posix_compat.h: the few POSIX calls the unit tests use that mingw-w64 lacks, so that
 * the same tests/native files build for Windows unchanged (setenv, unsetenv, strndup). Force-included (-include) in
 * the Windows build of the tests only; the library itself never sees it.
 *
 * The environment is set with SetEnvironmentVariableA as well as the C runtime's copy,
 * because the library reads it with GetEnvironmentVariableW (platform/win32.c).
 */
#ifndef AZSREG_TESTS_POSIX_COMPAT_H
#define AZSREG_TESTS_POSIX_COMPAT_H

#ifdef _WIN32
#include <stdlib.h>
#include <string.h>

/* From kernel32, declared here: <windows.h> would define names the tests use (AF_MAX). */
__declspec(dllimport) int __stdcall SetEnvironmentVariableA(const char *name, const char *value);
__declspec(dllimport) unsigned long __stdcall GetEnvironmentVariableA(const char *name, char *buf, unsigned long size);

static inline int azsreg_test_setenv(const char *name, const char *value, int overwrite)
{
	if (!overwrite && GetEnvironmentVariableA(name, NULL, 0) != 0)
		return 0;
	if (!SetEnvironmentVariableA(name, value))
		return -1;
	return _putenv_s(name, value) == 0 ? 0 : -1;
}

static inline int azsreg_test_unsetenv(const char *name)
{
	(void)SetEnvironmentVariableA(name, NULL);
	return _putenv_s(name, "") == 0 ? 0 : -1;
}

static inline char *azsreg_test_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

#define setenv(n, v, o) azsreg_test_setenv((n), (v), (o))
#define strndup(s, n) azsreg_test_strndup((s), (n))
#define unsetenv(n) azsreg_test_unsetenv(n)
#endif /* _WIN32 */

#endif
