/*
 * platform.h: everything that differs between Linux (POSIX) and Windows, in one place.
 * One implementation per platform: platform/posix.c and platform/win32.c; the rest of
 * the library includes this header and no system header of its own that is not ISO C,
 * pthreads or the three libraries (libcurl, OpenSSL, Jansson).
 *
 * Strings are UTF-8 on both sides. On Windows the implementation converts to UTF-16 and
 * calls the wide functions (_wfopen, GetEnvironmentVariableW, WriteConsoleW, ...), so
 * non-ASCII paths and values work whatever the ANSI code page is.
 *
 * Nothing here sets the library's last error: callers do, with their own context.
 * Compiled into libazsreg and into the azsreg command line.
 */
#ifndef AZSREG_PLATFORM_H
#define AZSREG_PLATFORM_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#if defined(__GNUC__) && defined(_WIN32)
#define AZSREG_PLAT_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#elif defined(__GNUC__)
#define AZSREG_PLAT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define AZSREG_PLAT_PRINTF(a, b)
#endif

/** Fills buf with n cryptographically random bytes. 0, or -1 when the OS has none. */
int azsreg_plat__random(void *buf, size_t n);

/** Zeroes n bytes in a way the compiler may not remove. */
void azsreg_plat__wipe(void *p, size_t n);

/** UTC broken-down time of t. 0, or -1 when t cannot be represented. */
int azsreg_plat__gmtime(time_t t, struct tm *out);

/** The first occurrence of needle in haystack, or NULL. */
const void *azsreg_plat__memmem(const void *haystack, size_t hlen, const void *needle, size_t nlen);

/**
 * Parses an IPv4 (v6 = 0, 4 bytes) or IPv6 (v6 = 1, 16 bytes) address literal into out,
 * network byte order (inet_pton). 1 when it is one, 0 otherwise.
 */
int azsreg_plat__inet_pton(int v6, const char *text, unsigned char *out);

/**
 * Is host a loopback address literal (127.0.0.0/8, ::1, ::ffff:127.x.y.z)? host is an
 * IPv4 literal, or with bracketed set the IPv6 literal that stood between brackets.
 * 0 for names and malformed literals. (common.c, on azsreg_plat__inet_pton)
 */
int azsreg_plat__ip_is_loopback(const char *host, int bracketed);

/** fopen for a UTF-8 path. NULL with errno set on failure. */
FILE *azsreg_plat__fopen(const char *path, const char *mode);

/** What a path names: AZSREG_PLAT_FILE (a file that can be opened for reading), ..._DIR, ..._NONE. */
enum { AZSREG_PLAT_NONE = 0,
       AZSREG_PLAT_FILE = 1,
       AZSREG_PLAT_DIR = 2 };
int azsreg_plat__path_kind(const char *path);

/**
 * The environment variable name, as UTF-8, or NULL when it is not set. On Windows the
 * process environment as SetEnvironmentVariableW changed it (which the C runtime's
 * getenv does not see; .NET and PowerShell change it that way). The pointer stays valid
 * for the life of the process (Windows: values are interned; a changed value gets a new
 * entry).
 */
const char *azsreg_plat__getenv(const char *name);

/**
 * 1 when TLS should trust the operating system's certificate store when no CA file is
 * given (Windows: libcurl with OpenSSL has no store of its own there); 0 on POSIX, where
 * OpenSSL's default paths are the system store.
 */
int azsreg_plat__native_ca_default(void);

/** The platform's name for User-Agent and --version ("linux", "windows"). */
const char *azsreg_plat__name(void);

/* ---- for programs (the azsreg command line) */

/**
 * Replaces *argv with UTF-8 copies of the command line (Windows: from the wide command
 * line; POSIX: unchanged) and sets up the console for UTF-8 output. 0, or -1 when out
 * of memory. The copies live until the process exits.
 */
int azsreg_plat__program_init(int *argc, char ***argv);

/** 1 when f is a terminal (a console on Windows), else 0: progress bars only go there. */
int azsreg_plat__is_terminal(FILE *f);

/** Writes UTF-8 text to f; on a Windows console through WriteConsoleW. -1 on failure. */
int azsreg_plat__fputs(const char *utf8, FILE *f);

/** printf to f through azsreg_plat__fputs. */
int azsreg_plat__fprintf(FILE *f, const char *fmt, ...) AZSREG_PLAT_PRINTF(2, 3);

#endif /* AZSREG_PLATFORM_H */
