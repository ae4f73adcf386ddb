/* buf.c: growable bounded buffer, secure wipe, string copies. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t buf_limit(const azsreg_buf *b)
{
	return b->limit ? b->limit : AZSREG_BUF_DEFAULT_LIMIT;
}

/* Makes room for `extra` more bytes plus the NUL. */
static int buf_grow(azsreg_buf *b, size_t extra)
{
	int rc = AZSREG_OK;
	size_t need, cap;
	char *p;

	if (b->failed) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	if (extra > buf_limit(b) || b->size > buf_limit(b) - extra) {
		b->failed = 1;
		rc = azsreg_error__set_fixed(AZSREG_ENOMEM, "buffer limit of %zu bytes reached", buf_limit(b));
		goto done;
	}
	need = b->size + extra + 1;
	if (need <= b->asize)
		goto done;
	cap = b->asize ? b->asize : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->ptr, cap);
	if (p == NULL) {
		b->failed = 1;
		rc = azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory (buffer of %zu bytes)", cap);
		goto done;
	}
	if (b->ptr == NULL)
		p[0] = '\0';
	b->ptr = p;
	b->asize = cap;
done:
	return rc;
}

int azsreg_buf__put(azsreg_buf *b, const char *data, size_t len)
{
	int rc;

	if (b == NULL)
		return azsreg_error__set_fixed(AZSREG_EINVALID, "buffer is NULL");
	rc = buf_grow(b, len);
	if (rc != AZSREG_OK)
		goto done;
	if (len > 0)
		memcpy(b->ptr + b->size, data, len);
	b->size += len;
	b->ptr[b->size] = '\0';
done:
	return rc;
}

int azsreg_buf__read_file(azsreg_buf *b, FILE *f, size_t max, int *problem)
{
	char chunk[4096];
	size_t n;
	int rc = AZSREG_OK;

	*problem = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (n > max || b->size > max - n) {
			*problem = AZSREG_READ_TOO_LARGE; /* told apart from running out of memory */
			rc = AZSREG_EINVALID;
			break;
		}
		rc = azsreg_buf__put(b, chunk, n);
		if (rc != AZSREG_OK)
			break; /* out of memory, said by the buffer */
	}
	if (rc == AZSREG_OK && ferror(f)) {
		*problem = AZSREG_READ_FAILED;
		rc = AZSREG_EINVALID;
	}
	azsreg__wipe(chunk, sizeof(chunk));
	return rc;
}

int azsreg_buf__puts(azsreg_buf *b, const char *s)
{
	return azsreg_buf__put(b, s ? s : "", s ? strlen(s) : 0);
}

int azsreg_buf__vprintf(azsreg_buf *b, const char *fmt, va_list ap)
{
	int rc = AZSREG_OK;
	int n;
	va_list cp;

	if (b == NULL)
		return azsreg_error__set_fixed(AZSREG_EINVALID, "buffer is NULL");
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		rc = azsreg_error__set_fixed(AZSREG_ERROR, "formatting failed");
		goto done;
	}
	rc = buf_grow(b, (size_t)n);
	if (rc != AZSREG_OK)
		goto done;
	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->size, (size_t)n + 1, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->ptr[b->size] = '\0';
		rc = azsreg_error__set_fixed(AZSREG_ERROR, "formatting failed");
		goto done;
	}
	b->size += (size_t)n;
done:
	return rc;
}

int azsreg_buf__printf(azsreg_buf *b, const char *fmt, ...)
{
	int rc;
	va_list ap;

	va_start(ap, fmt);
	rc = azsreg_buf__vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *azsreg_buf__cstr(const azsreg_buf *b)
{
	if (b == NULL || b->ptr == NULL)
		return "";
	return b->ptr;
}

char *azsreg_buf__detach(azsreg_buf *b)
{
	char *p;

	if (b == NULL)
		return NULL;
	if (b->ptr == NULL) {
		p = malloc(1);
		if (p == NULL) {
			azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory");
			return NULL;
		}
		p[0] = '\0';
	} else {
		p = b->ptr;
	}
	b->ptr = NULL;
	b->size = 0;
	b->asize = 0;
	b->failed = 0;
	return p;
}

void azsreg_buf__clear(azsreg_buf *b)
{
	if (b == NULL)
		return;
	b->size = 0;
	b->failed = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void azsreg_buf__free(azsreg_buf *b)
{
	if (b == NULL)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->size = 0;
	b->asize = 0;
	b->failed = 0;
}

void azsreg_buf__wipe_free(azsreg_buf *b)
{
	if (b == NULL)
		return;
	if (b->ptr)
		azsreg__wipe(b->ptr, b->asize);
	azsreg_buf__free(b);
}

void azsreg__wipe(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
	azsreg_plat__wipe(p, n);
}

void azsreg__free_secret(char *s)
{
	if (s == NULL)
		return;
	azsreg__wipe(s, strlen(s));
	free(s);
}

char *azsreg__strndup(const char *s, size_t n)
{
	char *p;
	size_t len;

	if (s == NULL)
		return NULL;
	len = strnlen(s, n);
	p = malloc(len + 1);
	if (p == NULL) {
		azsreg_error__set_fixed(AZSREG_ENOMEM, "out of memory (string of %zu bytes)", len);
		return NULL;
	}
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *azsreg__strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return azsreg__strndup(s, strlen(s));
}

AZSREG_EXTERN(void) azsreg_free(void *ptr)
{
	free(ptr);
}

AZSREG_EXTERN(const char *) azsreg_version(void)
{
	return AZSREG_VERSION;
}

int azsreg__is_blank(const char *body, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = body[i];
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return 0;
	}
	return 1;
}
