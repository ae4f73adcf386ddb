/* posix.c: the platform layer on Linux and other POSIX systems (see platform.h). */
#include "platform.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int azsreg_plat__random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

void azsreg_plat__wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

int azsreg_plat__gmtime(time_t t, struct tm *out)
{
	return gmtime_r(&t, out) != NULL ? 0 : -1;
}

int azsreg_plat__inet_pton(int v6, const char *text, unsigned char *out)
{
	if (text == NULL || out == NULL)
		return 0;
	return inet_pton(v6 ? AF_INET6 : AF_INET, text, out) == 1;
}

FILE *azsreg_plat__fopen(const char *path, const char *mode)
{
	return fopen(path, mode);
}

int azsreg_plat__path_kind(const char *path)
{
	struct stat st;

	if (path == NULL || stat(path, &st) != 0)
		return AZSREG_PLAT_NONE;
	if (S_ISDIR(st.st_mode))
		return AZSREG_PLAT_DIR;
	return access(path, R_OK) == 0 ? AZSREG_PLAT_FILE : AZSREG_PLAT_NONE;
}

const char *azsreg_plat__getenv(const char *name)
{
	return getenv(name);
}

int azsreg_plat__native_ca_default(void)
{
	return 0;
}

const char *azsreg_plat__name(void)
{
	return "linux";
}

int azsreg_plat__is_terminal(FILE *f)
{
	return f != NULL && isatty(fileno(f)) == 1;
}

int azsreg_plat__program_init(int *argc, char ***argv) /* NOLINT(readability-non-const-parameter): platform.h prototype; win32.c writes *argc */
{
	(void)argc;
	(void)argv;
	return 0;
}

int azsreg_plat__fputs(const char *utf8, FILE *f)
{
	return fputs(utf8, f) == EOF ? -1 : 0;
}
