/*
 * libFuzzer target: environment discovery (environment_discover.c) over the unit tests'
 * scripted transport and fake clock (tests/native/fake_transport.c). The input is the
 * metadata/endpoints answer: its body, and, when the first byte is 0xF0 or more, a status
 * picked by that byte (a retryable one is followed by a 200 with the same body, so the
 * retry path runs too). Invariants: no crash; exactly the discovery request is sent, never
 * with a token; a failure returns a known code, sets it as the last error with a message
 * and leaves *out NULL; a success gives an environment whose ARM endpoint, authority and
 * gallery / graph / portal endpoints are https:// URLs (http:// only for loopback) and
 * whose strings have no control characters.
 * Build: clang, -DAZSREG_FUZZ=ON; link tests/native/fake_transport.c, include tests/native.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARM "https://management.local.azurestack.external/"
#define URL ARM "metadata/endpoints?api-version=1.0"

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "FUZZ INVARIANT BROKEN %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

static int no_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

/* A base URL the library may send requests to: https://, or http:// to loopback only. */
static void check_url(const char *url, const char *field, int required)
{
	if (url == NULL) {
		CHECK(!required, "%s is NULL", field);
		return;
	}
	CHECK(no_control(url), "%s has a control character", field);
	CHECK(strchr(url, ' ') == NULL, "%s has a space: %s", field, url);
	/* the scheme is case-insensitive (RFC 3986 3.1) */
	CHECK(strncasecmp(url, "https://", 8) == 0 || (strncasecmp(url, "http://", 7) == 0 && azsreg_url__is_loopback(url)),
	      "%s is not an https URL: %s", field, url);
	CHECK(azsreg_url__check_endpoint(url, 0, field) == AZSREG_OK, "%s is not a usable endpoint: %s", field, url);
	CHECK(url[strlen(url) - 1] == '/', "%s does not end with '/': %s", field, url);
}

/*
 * The transport is scripted, so no CA bundle is used; without this, the options check
 * reads SSL_CERT_FILE / CURL_CA_BUNDLE (200 KB) on every input and the rate drops 5x.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	unsetenv("SSL_CERT_FILE");
	unsetenv("CURL_CA_BUNDLE");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int statuses[] = { 200, 404, 429, 500, 503, 301, 204, 400, 401, 408, 502, 504, 202, 201, 403, 200 };
	fake_clock fc;
	fake_transport *ft;
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = (azsreg_environment *)0x1;
	const azsreg_error *e;
	char *body;
	int status = 200, rc;
	size_t i, want_attempts = 1;

	if (size > 0 && data[0] >= 0xF0) {
		status = statuses[data[0] & 0x0F];
		data++;
		size--;
	}
	body = malloc(size + 1);
	if (body == NULL)
		abort();
	memcpy(body, data, size);
	body[size] = '\0';

	fake_clock_init(&fc);
	ft = fake_transport_new(&fc);
	fake_transport_add(ft, status, body, NULL);
	if (azsreg_retry__status_is_retryable(status)) {
		fake_transport_add(ft, 200, body, NULL);
		want_attempts = 2;
	}
	o.max_retries = 1;
	o.correlation_id = "5d7f2d1c-1111-4222-8333-444455556666";

	rc = azsreg_environment__discover_over(&env, "Fuzz", ARM, &o, &ft->base, &fc.clock);

	CHECK(ft->nreqs == want_attempts, "%zu attempts, expected %zu", ft->nreqs, want_attempts);
	for (i = 0; i < ft->nreqs; i++) {
		CHECK(strcmp(ft->reqs[i].method, "GET") == 0, "method %s", ft->reqs[i].method);
		CHECK(strcmp(ft->reqs[i].url, URL) == 0, "url %s", ft->reqs[i].url);
		CHECK(fake_req_header(ft, i, "Authorization") == NULL, "discovery sent a token");
	}
	e = azsreg_error_last();
	if (rc != AZSREG_OK) {
		CHECK(rc < 0 && rc >= AZSREG_ECANCELLED, "unknown code %d", rc);
		CHECK(env == NULL, "*out is not NULL after failure %d", rc);
		CHECK(e->code == rc, "last error %d, returned %d", e->code, rc);
		CHECK(e->message != NULL && e->message[0] != '\0', "failure %d without a message", rc);
		CHECK(strncmp(e->message, "discover the environment at " ARM, strlen("discover the environment at " ARM)) == 0,
		      "message does not say what failed: %s", e->message);
		CHECK(no_control(e->message), "message has a control character");
	} else {
		CHECK(env != NULL, "success without an environment");
		CHECK(env->name != NULL && strcmp(env->name, "Fuzz") == 0, "name");
		CHECK(env->arm_endpoint != NULL && strcmp(env->arm_endpoint, ARM) == 0, "ARM endpoint %s", env->arm_endpoint);
		check_url(env->authority, "authority", 1);
		check_url(env->gallery_endpoint, "galleryEndpoint", 0);
		check_url(env->graph_endpoint, "graphEndpoint", 0);
		check_url(env->portal_endpoint, "portalEndpoint", 0);
		CHECK(env->audience != NULL && env->audience[0] != '\0', "empty audience");
		CHECK(no_control(env->audience) && strchr(env->audience, ' ') == NULL, "audience has whitespace or a control character");
		azsreg_environment_free(env);
	}
	fake_transport_free(ft);
	free(body);
	return 0;
}
