/*
 * error_state.c: the storage of the thread's last error, and the one setter the base layer
 * (buf.c, the secret registry and redaction in log.c) uses. It calls no other file of the
 * library, so that the files below error.c can report failures without a circle:
 * error.c builds redacted messages with buf.c and log.c, which report through here.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each thread's block is allocated on the heap on first use and owned by a pthread key:
 * the key's destructor frees it at thread exit, and nothing else points at it. (A
 * `__thread` block registered with a key does not work where thread-local storage is
 * emulated, as with mingw-w64 on Windows: the emulated block is freed before the key's
 * destructors run, so the destructor wrote to freed memory.)
 *
 * When a thread's block cannot be allocated, azsreg_error__state returns the shared, read-only
 * `no_state` block: azsreg_error_last() still answers (out of memory), and every setter
 * leaves it alone.
 */
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
static int tls_key_ok;

static const char no_state_message[] = "out of memory (no room for this thread's error state)";
static azsreg_error_state no_state = {
	{ AZSREG_ENOMEM, 0, no_state_message, "", "", "", "", "", "", "" },
	NULL,
	NULL,
	NULL,
	NULL,
	NULL,
	NULL,
	NULL,
	NULL,
	1, /* busy for good: the setters return at once */
	0
};

void azsreg_error__state_clear(azsreg_error_state *e)
{
	free(e->message);
	free(e->arm_code);
	free(e->arm_message);
	free(e->target);
	free(e->details_json);
	free(e->request_id);
	free(e->correlation_id);
	free(e->json);
	e->message = e->arm_code = e->arm_message = e->target = NULL;
	e->details_json = e->request_id = e->correlation_id = e->json = NULL;
}

static void tls_destructor(void *p)
{
	azsreg_error_state *e = p;

	if (e != NULL && e != &no_state) {
		azsreg_error__state_clear(e);
		free(e);
	}
}

static void tls_key_init(void)
{
	tls_key_ok = pthread_key_create(&tls_key, tls_destructor) == 0;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

void azsreg_error__state_publish(azsreg_error_state *e, int code, int http_status, const char *hint)
{
	e->pub.code = code;
	e->pub.http_status = http_status;
	/* an error whose message could not be stored still says why there is none */
	e->pub.message = e->message != NULL || code == AZSREG_OK || e->quiet ? nz(e->message)
			 : code == AZSREG_ENOMEM                             ? "out of memory"
									     : "out of memory storing this error's message";
	e->pub.arm_code = nz(e->arm_code);
	e->pub.arm_message = nz(e->arm_message);
	e->pub.target = nz(e->target);
	e->pub.details_json = nz(e->details_json);
	e->pub.request_id = nz(e->request_id);
	e->pub.correlation_id = nz(e->correlation_id);
	e->pub.hint = nz(hint);
}

azsreg_error_state *azsreg_error__state(void)
{
	azsreg_error_state *e;

	(void)pthread_once(&tls_once, tls_key_init);
	if (!tls_key_ok)
		return &no_state;
	e = pthread_getspecific(tls_key);
	if (e != NULL)
		return e;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return &no_state;
	if (pthread_setspecific(tls_key, e) != 0) {
		free(e);
		return &no_state;
	}
	azsreg_error__state_publish(e, 0, 0, NULL);
	return e;
}

int azsreg_error__state_is_fallback(const azsreg_error_state *e)
{
	return e == &no_state;
}

int azsreg_error__set_fixed(int code, const char *fmt, ...)
{
	azsreg_error_state *e = azsreg_error__state();
	char text[256];
	size_t n;
	va_list ap;
	int w;

	if (e->busy)
		return code;
	azsreg_error__state_clear(e);
	if (!e->quiet) {
		text[0] = '\0';
		if (fmt != NULL) {
			va_start(ap, fmt);
			w = vsnprintf(text, sizeof(text), fmt, ap);
			va_end(ap);
			if (w < 0)
				text[0] = '\0';
		}
		n = strlen(text);
		e->message = malloc(n + 1);
		if (e->message != NULL)
			memcpy(e->message, text, n + 1);
	}
	azsreg_error__state_publish(e, code, 0, NULL);
	return code;
}

/* ---------------------------------------------------------------- public */

AZSREG_EXTERN(const azsreg_error *) azsreg_error_last(void)
{
	return &azsreg_error__state()->pub;
}

AZSREG_EXTERN(void) azsreg_error_clear(void)
{
	azsreg_error_state *e = azsreg_error__state();

	if (e == &no_state)
		return;
	azsreg_error__state_clear(e);
	azsreg_error__state_publish(e, 0, 0, NULL);
}
