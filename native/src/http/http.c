/* http.c: header lists, request and response structs. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void header_free(azsreg_header *hd)
{
	if (hd->name && azsreg_log__header_is_secret(hd->name))
		azsreg__free_secret(hd->value);
	else
		free(hd->value);
	free(hd->name);
	hd->name = NULL;
	hd->value = NULL;
}

static int header_name_ok(const char *name)
{
	const unsigned char *p;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (p = (const unsigned char *)name; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return 0;
	}
	return 1;
}

static int header_value_ok(const char *value)
{
	const unsigned char *p;

	for (p = (const unsigned char *)value; *p; p++) {
		if (*p == '\r' || *p == '\n')
			return 0;
	}
	return 1;
}

int azsreg_headers__add(azsreg_headers *h, const char *name, const char *value)
{
	int rc = AZSREG_OK;
	char *n = NULL, *v = NULL;

	if (h == NULL || !header_name_ok(name)) {
		rc = azsreg_error__set(AZSREG_EINVALID, "invalid HTTP header name '%s'", name ? name : "(null)");
		goto done;
	}
	if (value == NULL)
		value = "";
	if (!header_value_ok(value)) {
		rc = azsreg_error__set(AZSREG_EINVALID, "HTTP header '%s' has a line break in its value", name);
		goto done;
	}
	if (h->count == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 8;
		azsreg_header *items = realloc(h->items, ncap * sizeof(*items));
		if (items == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (headers)");
			goto done;
		}
		h->items = items;
		h->cap = ncap;
	}
	n = azsreg__strdup(name);
	v = azsreg__strdup(value);
	if (n == NULL || v == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	h->items[h->count].name = n;
	h->items[h->count].value = v;
	h->count++;
	n = NULL;
	v = NULL;
done:
	free(n);
	if (v)
		azsreg__free_secret(v);
	return rc;
}

int azsreg_headers__set(azsreg_headers *h, const char *name, const char *value)
{
	if (h != NULL && name != NULL)
		azsreg_headers__remove(h, name);
	return azsreg_headers__add(h, name, value);
}

const char *azsreg_headers__get(const azsreg_headers *h, const char *name)
{
	size_t i;

	if (h == NULL || name == NULL)
		return NULL;
	for (i = 0; i < h->count; i++) {
		if (strcasecmp(h->items[i].name, name) == 0)
			return h->items[i].value;
	}
	return NULL;
}

void azsreg_headers__remove(azsreg_headers *h, const char *name)
{
	size_t i = 0;

	if (h == NULL || name == NULL)
		return;
	while (i < h->count) {
		if (strcasecmp(h->items[i].name, name) == 0) {
			header_free(&h->items[i]);
			memmove(&h->items[i], &h->items[i + 1], (h->count - i - 1) * sizeof(h->items[0]));
			h->count--;
		} else {
			i++;
		}
	}
}

void azsreg_headers__free(azsreg_headers *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->count; i++)
		header_free(&h->items[i]);
	free(h->items);
	h->items = NULL;
	h->count = 0;
	h->cap = 0;
}

void azsreg_http_request__free(azsreg_http_request *req)
{
	if (req == NULL)
		return;
	free(req->url);
	req->url = NULL;
	azsreg_headers__free(&req->headers);
	if (req->body) {
		if (req->body_is_secret)
			azsreg__wipe(req->body, req->body_len);
		free(req->body);
	}
	req->body = NULL;
	req->body_len = 0;
}

void azsreg_http_response__free(azsreg_http_response *resp)
{
	if (resp == NULL)
		return;
	azsreg_headers__free(&resp->headers);
	/* Responses may carry tokens: always wipe. */
	azsreg_buf__wipe_free(&resp->body);
	resp->status = 0;
	resp->transport_final = 0;
}

void azsreg_http_response__reset(azsreg_http_response *resp)
{
	size_t limit;

	if (resp == NULL)
		return;
	limit = resp->body.limit;
	azsreg_http_response__free(resp);
	resp->body.limit = limit;
}
