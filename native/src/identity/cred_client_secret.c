/*
 * cred_client_secret.c: service principal + client secret.
 * AAD: POST {authority}{tenant}/oauth2/v2.0/token
 *      grant_type=client_credentials&client_id=..&scope={audience}/.default&client_secret=..
 * AD FS: POST {authority}oauth2/token
 *      grant_type=client_credentials&client_id=..&resource={audience}&client_secret=..
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct client_secret_cred {
	azsreg_credential base;
	azsreg_cred_app app;
	char *secret; /* registered, wiped */
} client_secret_cred;

static int cs_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	client_secret_cred *c = (client_secret_cred *)cred;
	azsreg_buf url = AZSREG_BUF_INIT;
	int rc;

	rc = azsreg_cred__token_url(&url, ctx, azsreg_cred__tenant(ctx, c->app.tenant), 0);
	if (rc != AZSREG_OK)
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
	else
		rc = azsreg_cred__client_credentials(cred, ctx, azsreg_buf__cstr(&url), c->app.client_id, c->secret, NULL, out);
	azsreg_buf__free(&url);
	return rc;
}

static void cs_destroy(azsreg_credential *cred)
{
	client_secret_cred *c = (client_secret_cred *)cred;

	azsreg_secret__unregister(c->secret);
	azsreg__free_secret(c->secret);
	azsreg_cred__app_free(&c->app);
	azsreg__wipe(c, sizeof(*c));
	free(c);
}

static const azsreg_credential_vtable cs_vtable = { "ClientSecret", cs_get_token, cs_destroy };

AZSREG_EXTERN(int) azsreg_credential_client_secret_new(azsreg_credential **out, const azsreg_client_secret_options *opts)
{
	int rc = AZSREG_OK;
	client_secret_cred *c = NULL;
	char desc[256];

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "client secret credential: out is NULL");
	*out = NULL;
	if (opts == NULL || opts->version != AZSREG_CLIENT_SECRET_OPTIONS_VERSION) {
		rc = azsreg_error__set(AZSREG_EINVALID, "client secret credential: options missing or of an unknown version");
		goto done;
	}
	rc = azsreg_cred__check_app(opts->client_id, opts->tenant_id, "client secret credential");
	if (rc != AZSREG_OK)
		goto done;
	if (opts->client_secret == NULL || opts->client_secret[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "client secret credential: the client secret is empty");
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	c->secret = azsreg__strdup(opts->client_secret);
	/* registered at once: cs_destroy unregisters whatever c->secret holds */
	if (c->secret != NULL && azsreg_secret__register(c->secret) != AZSREG_OK) {
		azsreg__free_secret(c->secret);
		c->secret = NULL; /* not registered: not to be unregistered */
	}
	if (c->secret == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_cred__app_copy(&c->app, opts->client_id, opts->tenant_id);
	if (rc != AZSREG_OK)
		goto done;
	snprintf(desc, sizeof(desc), "ClientSecret(client %.100s, tenant %.100s)", c->app.client_id,
		 c->app.tenant ? c->app.tenant : "from client options");
	azsreg_credential__init(&c->base, &cs_vtable, desc);
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		cs_destroy(&c->base);
	return rc;
}
