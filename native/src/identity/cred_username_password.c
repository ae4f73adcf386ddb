/*
 * cred_username_password.c: a user account with its password (OAuth 2.0 resource owner
 * password credentials grant), what AzureRM runbooks do with
 * `Add-AzureRmAccount -Credential (Get-AutomationPSCredential ...)`.
 * AAD: POST {authority}{tenant}/oauth2/v2.0/token
 *      grant_type=password&client_id=..&username=..&password=..&scope={audience}/.default offline_access
 * AD FS: POST {authority}oauth2/token
 *      grant_type=password&client_id=..&username=..&password=..&resource={audience}
 * The tenant defaults to "organizations"; the client to Azure PowerShell's public client.
 * Renewals use the refresh token (grant_type=refresh_token); when the refresh token is
 * refused, the password grant is tried again (the password is still held), and its error
 * is the one reported. Accounts that need multi-factor authentication cannot use this
 * grant (AADSTS50076 / AADSTS50079 / interaction_required): the hint says what to use.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Azure PowerShell's public client: what Add-AzureRmAccount -Credential uses (azsreg.h). */
#define UP_DEFAULT_CLIENT_ID AZSREG_PASSWORD_CLIENT_ID
#define UP_USERNAME_MAX 1024
#define UP_PASSWORD_MAX 4096

typedef struct up_cred {
	azsreg_credential base;
	azsreg_cred_app app;
	char *username;
	char *password; /* secret, registered, wiped */
	azsreg_refresh_token refresh; /* after the first sign-in */
} up_cred;

static int up_password_grant(up_cred *c, const azsreg_token_context *ctx, const char *url, azsreg_token *out, char **out_rt)
{
	azsreg_buf form = AZSREG_BUF_INIT;
	int rc;

	rc = azsreg_cred__form_add(&form, "grant_type", "password");
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "client_id", c->app.client_id);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "username", c->username);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "password", c->password);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__append_scope(&form, ctx, "offline_access");
	if (rc == AZSREG_OK)
		rc = azsreg_cred__post_token_request(&c->base, ctx, url, &form, out, out_rt);
	azsreg_buf__wipe_free(&form);
	return rc;
}

static int up_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	up_cred *c = (up_cred *)cred;
	azsreg_buf url = AZSREG_BUF_INIT, what = AZSREG_BUF_INIT;
	const char *tenant = azsreg_cred__tenant(ctx, c->app.tenant);
	char *rt = NULL;
	int rc;

	if (tenant == NULL)
		tenant = "organizations";
	rc = azsreg_cred__token_url(&url, ctx, tenant, 0);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
		goto done;
	}
	if (azsreg_refresh__held(&c->refresh)) {
		(void)azsreg_buf__printf(&what, "sign-in with %s at %s", cred->description, azsreg_buf__cstr(&url));
		rc = azsreg_refresh__redeem(&c->refresh, ctx, azsreg_buf__cstr(&url), c->app.client_id, azsreg_buf__cstr(&what), NULL, out);
		if (rc != AZSREG_EAUTH)
			goto done;
		/* The refresh token was refused (revoked, expired): sign in with the password again. */
		azsreg_refresh__set(&c->refresh, NULL);
		azsreg_token__clear(out);
	}
	rc = up_password_grant(c, ctx, azsreg_buf__cstr(&url), out, &rt);
	if (rc == AZSREG_OK && rt != NULL) {
		azsreg_refresh__set(&c->refresh, rt);
		rt = NULL;
	}
done:
	azsreg__free_secret(rt);
	azsreg_buf__free(&what);
	azsreg_buf__free(&url);
	return rc;
}

static void up_destroy(azsreg_credential *cred)
{
	up_cred *c = (up_cred *)cred;

	azsreg_refresh__free(&c->refresh);
	if (c->password != NULL) {
		azsreg_secret__unregister(c->password);
		azsreg__free_secret(c->password);
	}
	azsreg_cred__app_free(&c->app);
	free(c->username);
	azsreg__wipe(c, sizeof(*c));
	free(c);
}

static const azsreg_credential_vtable up_vtable = { "UsernamePassword", up_get_token, up_destroy };

static int check_username(const char *username)
{
	size_t i, n;

	if (username == NULL || username[0] == '\0')
		return azsreg_error__set(AZSREG_EINVALID,
					 "user name + password credential: the user name is empty (expected user@domain)");
	n = strlen(username);
	if (n > UP_USERNAME_MAX)
		return azsreg_error__set(AZSREG_EINVALID,
					 "user name + password credential: the user name is longer than %d characters", UP_USERNAME_MAX);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)username[i];

		if (ch <= 0x20 || ch == 0x7f)
			return azsreg_error__set(AZSREG_EINVALID,
						 "user name + password credential: the user name contains whitespace or control characters");
	}
	return AZSREG_OK;
}

AZSREG_EXTERN(int) azsreg_credential_username_password_new(azsreg_credential **out, const azsreg_username_password_options *opts)
{
	int rc = AZSREG_OK;
	up_cred *c = NULL;
	char desc[320];
	const char *tenant_id, *client_id, *username, *password;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "user name + password credential: out is NULL");
	*out = NULL;
	if (opts == NULL || opts->version != AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID,
					 "user name + password credential: options missing or of an unknown version");
	tenant_id = opts->tenant_id;
	client_id = opts->client_id;
	username = opts->username;
	password = opts->password;
	if (client_id == NULL || client_id[0] == '\0')
		client_id = UP_DEFAULT_CLIENT_ID;
	rc = azsreg_cred__check_app(client_id, tenant_id, "user name + password credential");
	if (rc != AZSREG_OK)
		goto done;
	rc = check_username(username);
	if (rc != AZSREG_OK)
		goto done;
	if (password == NULL || password[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "user name + password credential: the password is empty");
		goto done;
	}
	if (strlen(password) > UP_PASSWORD_MAX) {
		rc = azsreg_error__set(AZSREG_EINVALID, "user name + password credential: the password is longer than %d bytes",
				       UP_PASSWORD_MAX);
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	rc = azsreg_refresh__init(&c->refresh, "user name + password credential");
	if (rc != AZSREG_OK) {
		free(c);
		c = NULL;
		goto done;
	}
	c->password = azsreg__strdup(password);
	if (c->password != NULL && azsreg_secret__register(c->password) != AZSREG_OK) {
		azsreg__free_secret(c->password);
		c->password = NULL; /* not registered: not to be unregistered when freed */
	}
	c->username = azsreg__strdup(username);
	if (c->password == NULL || c->username == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_cred__app_copy(&c->app, client_id, tenant_id);
	if (rc != AZSREG_OK)
		goto done;
	/* The description field holds 256 bytes: the user name and tenant are cut to fit. */
	snprintf(desc, sizeof(desc), "UsernamePassword(user %.90s, client %.40s, tenant %.64s)", c->username,
		 c->app.client_id, c->app.tenant ? c->app.tenant : "organizations");
	azsreg_credential__init(&c->base, &up_vtable, desc);
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		up_destroy(&c->base);
	return rc;
}
