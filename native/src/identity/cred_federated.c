/*
 * cred_federated.c: workload identity federation. The client assertion (a JWT issued
 * by another identity provider, e.g. a Kubernetes service account token) is read from
 * `token_file` on every token request, since the platform rotates it.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASSERTION_FILE_MAX ((size_t)64 * 1024)

typedef struct federated_cred {
	azsreg_credential base;
	azsreg_cred_app app;
	char *token_file;
} federated_cred;

static int read_assertion(azsreg_buf *out, const char *path)
{
	FILE *f = azsreg_plat__fopen(path, "rb");
	int problem = 0, rc;

	if (f == NULL)
		return azsreg_error__set(AZSREG_EAUTH, "cannot read the federated token file \"%s\": %s", path, strerror(errno));
	rc = azsreg_buf__read_file(out, f, ASSERTION_FILE_MAX, &problem);
	fclose(f);
	if (problem == AZSREG_READ_TOO_LARGE)
		return azsreg_error__set(AZSREG_EAUTH, "the federated token file \"%s\" is larger than 64 KiB", path);
	if (problem == AZSREG_READ_FAILED)
		return azsreg_error__set(AZSREG_EAUTH, "cannot read the federated token file \"%s\"", path);
	if (rc != AZSREG_OK)
		return rc; /* out of memory */
	/* Trim surrounding whitespace (files usually end with a newline). */
	while (out->size > 0 && (out->ptr[out->size - 1] == '\n' || out->ptr[out->size - 1] == '\r' ||
				 out->ptr[out->size - 1] == ' ' || out->ptr[out->size - 1] == '\t'))
		out->ptr[--out->size] = '\0';
	if (out->size == 0)
		return azsreg_error__set(AZSREG_EAUTH, "the federated token file \"%s\" is empty", path);
	if (strlen(out->ptr) != out->size || strcspn(out->ptr, " \t\r\n") != out->size)
		return azsreg_error__set(AZSREG_EAUTH,
					 "the federated token file \"%s\" does not hold one token (NUL or whitespace inside)", path);
	return AZSREG_OK;
}

static int fed_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	federated_cred *c = (federated_cred *)cred;
	azsreg_buf url = AZSREG_BUF_INIT, assertion = AZSREG_BUF_INIT;
	int rc;

	rc = azsreg_cred__token_url(&url, ctx, azsreg_cred__tenant(ctx, c->app.tenant), 0);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
		goto done;
	}
	rc = read_assertion(&assertion, c->token_file);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
		goto done;
	}
	rc = azsreg_secret__register(assertion.ptr);
	if (rc != AZSREG_OK)
		goto done; /* not registered: not sent, not unregistered */
	rc = azsreg_cred__client_credentials(cred, ctx, azsreg_buf__cstr(&url), c->app.client_id, NULL, assertion.ptr, out);
	azsreg_secret__unregister(assertion.ptr);
done:
	azsreg_buf__free(&url);
	azsreg_buf__wipe_free(&assertion);
	return rc;
}

static void fed_destroy(azsreg_credential *cred)
{
	federated_cred *c = (federated_cred *)cred;

	azsreg_cred__app_free(&c->app);
	free(c->token_file);
	free(c);
}

static const azsreg_credential_vtable fed_vtable = { "Federated", fed_get_token, fed_destroy };

AZSREG_EXTERN(int) azsreg_credential_federated_new(azsreg_credential **out, const azsreg_federated_options *opts)
{
	int rc = AZSREG_OK;
	federated_cred *c = NULL;
	char desc[256];
	const char *tenant_id, *client_id, *token_file;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "federated credential: out is NULL");
	*out = NULL;
	if (opts == NULL || opts->version != AZSREG_FEDERATED_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID, "federated credential: options missing or of an unknown version");
	tenant_id = opts->tenant_id;
	client_id = opts->client_id;
	token_file = opts->token_file;
	rc = azsreg_cred__check_app(client_id, tenant_id, "federated credential");
	if (rc != AZSREG_OK)
		goto done;
	if (token_file == NULL || token_file[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "federated credential: the token file path is required");
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	rc = azsreg_cred__app_copy(&c->app, client_id, tenant_id);
	if (rc != AZSREG_OK)
		goto done;
	c->token_file = azsreg__strdup(token_file);
	if (c->token_file == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	snprintf(desc, sizeof(desc), "Federated(client %.80s, tenant %.60s, file %.80s)", c->app.client_id,
		 c->app.tenant ? c->app.tenant : "from client options", c->token_file);
	azsreg_credential__init(&c->base, &fed_vtable, desc);
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		fed_destroy(&c->base);
	return rc;
}
