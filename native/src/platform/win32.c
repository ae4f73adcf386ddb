/*
 * win32.c: the platform layer on Windows (mingw-w64; see platform.h).
 * UTF-8 in and out; UTF-16 and the wide Win32 / CRT calls underneath.
 */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7 / Server 2008 R2: inet_pton, bcrypt */
#endif
#include "platform.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <bcrypt.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <pthread.h>
#include <shellapi.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- UTF-8 / UTF-16 */

/* A malloc'd UTF-16 copy of a UTF-8 string, or NULL (invalid UTF-8 or no memory). */
static wchar_t *to_wide(const char *s)
{
	int n;
	wchar_t *w;

	if (s == NULL)
		return NULL;
	n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (n <= 0)
		return NULL;
	w = malloc((size_t)n * sizeof(wchar_t));
	if (w == NULL)
		return NULL;
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
		free(w);
		return NULL;
	}
	return w;
}

/* A malloc'd UTF-8 copy of a UTF-16 string, or NULL. */
static char *to_utf8(const wchar_t *w)
{
	int n;
	char *s;

	if (w == NULL)
		return NULL;
	n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	if (n <= 0)
		return NULL;
	s = malloc((size_t)n);
	if (s == NULL)
		return NULL;
	if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
		free(s);
		return NULL;
	}
	return s;
}

/* ------------------------------------------------------------------- basics */

int azsreg_plat__random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ULONG chunk = n > 0x10000000u ? 0x10000000u : (ULONG)n;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, p, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return -1;
		p += chunk;
		n -= chunk;
	}
	return 0;
}

void azsreg_plat__wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		SecureZeroMemory(p, n);
}

int azsreg_plat__gmtime(time_t t, struct tm *out)
{
	return gmtime_s(out, &t) == 0 ? 0 : -1;
}

int azsreg_plat__inet_pton(int v6, const char *text, unsigned char *out)
{
	if (text == NULL || out == NULL)
		return 0;
	return inet_pton(v6 ? AF_INET6 : AF_INET, text, out) == 1;
}

/* ------------------------------------------------------------------- files */

FILE *azsreg_plat__fopen(const char *path, const char *mode)
{
	wchar_t *wpath = to_wide(path), *wmode = to_wide(mode);
	FILE *f = NULL;

	if (wpath == NULL || wmode == NULL)
		errno = path == NULL || mode == NULL ? EINVAL : EILSEQ;
	else
		f = _wfopen(wpath, wmode);
	free(wpath);
	free(wmode);
	return f;
}

int azsreg_plat__path_kind(const char *path)
{
	wchar_t *w = to_wide(path);
	struct _stat64 st;
	int kind = AZSREG_PLAT_NONE;

	if (w == NULL)
		return AZSREG_PLAT_NONE;
	if (_wstat64(w, &st) == 0) {
		if ((st.st_mode & _S_IFMT) == _S_IFDIR)
			kind = AZSREG_PLAT_DIR;
		else if (_waccess(w, 4) == 0)
			kind = AZSREG_PLAT_FILE;
	}
	free(w);
	return kind;
}

/* -------------------------------------------------------------- environment */

/*
 * Interned values: one node per distinct (name, value) pair seen, never freed, so the
 * pointers handed out stay valid like getenv's do. Bounded in practice by how often a
 * process changes its environment.
 */
typedef struct env_node {
	struct env_node *next;
	char *name;
	char *value;
} env_node;

static env_node *env_list;
static pthread_mutex_t env_lock = PTHREAD_MUTEX_INITIALIZER;

const char *azsreg_plat__getenv(const char *name)
{
	wchar_t *wname = to_wide(name), *wvalue = NULL;
	char *value = NULL;
	const char *result = NULL;
	env_node *n;
	DWORD len, got;

	if (wname == NULL)
		return NULL;
	len = GetEnvironmentVariableW(wname, NULL, 0);
	if (len == 0)
		goto done; /* not set (an empty value is reported as length 1) */
	wvalue = malloc((size_t)len * sizeof(wchar_t));
	if (wvalue == NULL)
		goto done;
	got = GetEnvironmentVariableW(wname, wvalue, len);
	if (got >= len)
		goto done; /* changed under us; treat as unset rather than loop */
	value = to_utf8(wvalue);
	if (value == NULL)
		goto done;

	pthread_mutex_lock(&env_lock);
	for (n = env_list; n != NULL; n = n->next) {
		if (strcmp(n->name, name) == 0 && strcmp(n->value, value) == 0) {
			result = n->value;
			break;
		}
	}
	if (result == NULL) {
		n = calloc(1, sizeof(*n));
		if (n != NULL) {
			n->name = _strdup(name);
			n->value = value;
			if (n->name != NULL) {
				n->next = env_list;
				env_list = n;
				result = value;
				value = NULL;
			} else {
				free(n);
			}
		}
	}
	pthread_mutex_unlock(&env_lock);
done:
	free(wname);
	if (wvalue != NULL) {
		SecureZeroMemory(wvalue, (size_t)len * sizeof(wchar_t));
		free(wvalue);
	}
	if (value != NULL) {
		SecureZeroMemory(value, strlen(value));
		free(value);
	}
	return result;
}

int azsreg_plat__native_ca_default(void)
{
	return 1;
}

const char *azsreg_plat__name(void)
{
	return "windows";
}

int azsreg_plat__is_terminal(FILE *f)
{
	return f != NULL && _isatty(_fileno(f)) != 0;
}

/* ----------------------------------------------------------------- programs */

static int console_of(FILE *f, HANDLE *out)
{
	DWORD mode;
	intptr_t h = _get_osfhandle(_fileno(f));

	if (h == -1 || !GetConsoleMode((HANDLE)h, &mode))
		return 0;
	*out = (HANDLE)h;
	return 1;
}

int azsreg_plat__program_init(int *argc, char ***argv)
{
	LPWSTR *wargv;
	char **args;
	int n, i;

	wargv = CommandLineToArgvW(GetCommandLineW(), &n);
	if (wargv == NULL)
		return -1;
	args = calloc((size_t)n + 1, sizeof(char *));
	if (args == NULL) {
		LocalFree(wargv);
		return -1;
	}
	for (i = 0; i < n; i++) {
		args[i] = to_utf8(wargv[i]);
		if (args[i] == NULL) {
			LocalFree(wargv);
			return -1; /* the partial copy is left to process exit */
		}
	}
	LocalFree(wargv);
	*argc = n;
	*argv = args;
	/* Bytes written to pipes and files are UTF-8 as they are; a console gets UTF-16. */
	(void)_setmode(_fileno(stdout), _O_BINARY);
	(void)_setmode(_fileno(stderr), _O_BINARY);
	return 0;
}

int azsreg_plat__fputs(const char *utf8, FILE *f)
{
	HANDLE h;
	wchar_t *w;
	DWORD written;
	size_t len;
	BOOL ok;

	if (!console_of(f, &h))
		return fputs(utf8, f) == EOF ? -1 : 0;
	fflush(f);
	w = to_wide(utf8);
	if (w == NULL)
		return fputs(utf8, f) == EOF ? -1 : 0; /* not UTF-8: the bytes as they are */
	len = wcslen(w);
	ok = WriteConsoleW(h, w, (DWORD)len, &written, NULL);
	free(w);
	return ok ? 0 : -1;
}
