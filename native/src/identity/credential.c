/*
 * credential.c: the credential base (reference counting, description), option
 * initialisers and the helpers every token-endpoint credential shares. Building a
 * credential from the environment or from JSON is cred_factory.c's.
 *
 * Scope form (AAD v2): the audience loses its trailing '/' before "/.default", so the
 * audience "https://management.azure.com/" asks for the scope
 * "https://management.azure.com/.default" (what AAD documents for ARM). AD FS (and only
 * AD FS) gets the v1 form "resource=<audience>" at "{authority}oauth2/token".
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

/* ------------------------------------------------------------------ base */

void azsreg_credential__init(azsreg_credential *cred, const azsreg_credential_vtable *vt, const char *description)
{
	if (cred == NULL)
		return;
	cred->vt = vt;
	__atomic_store_n(&cred->refs, 1, __ATOMIC_SEQ_CST);
	snprintf(cred->description, sizeof(cred->description), "%s",
		 description ? description : (vt && vt->kind ? vt->kind : "Credential"));
}

azsreg_credential *azsreg_credential__ref(azsreg_credential *cred)
{
	if (cred != NULL)
		__atomic_add_fetch(&cred->refs, 1, __ATOMIC_SEQ_CST);
	return cred;
}

AZSREG_EXTERN(void) azsreg_credential_free(azsreg_credential *cred)
{
	if (cred == NULL)
		return;
	if (__atomic_sub_fetch(&cred->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (cred->vt != NULL && cred->vt->destroy != NULL)
		cred->vt->destroy(cred);
}

AZSREG_EXTERN(const char *) azsreg_credential_describe(const azsreg_credential *cred)
{
	if (cred == NULL)
		return "";
	return cred->description;
}

/* --------------------------------------------------------- option inits */

AZSREG_EXTERN(int) azsreg_client_secret_options_init(azsreg_client_secret_options *opts, unsigned int version)
{
	static const azsreg_client_secret_options init = AZSREG_CLIENT_SECRET_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_CLIENT_SECRET_OPTIONS_VERSION, "client secret");
}

AZSREG_EXTERN(int) azsreg_certificate_options_init(azsreg_certificate_options *opts, unsigned int version)
{
	azsreg_certificate_options init = AZSREG_CERTIFICATE_OPTIONS_INIT;

	if (opts == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "certificate options: NULL");
	if (version != 1 && version != AZSREG_CERTIFICATE_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID, "certificate options: unknown version %u (expected 1 or %u)",
					 version, AZSREG_CERTIFICATE_OPTIONS_VERSION);
	/* a version-1 caller's struct ends before sign_payload_free */
	init.version = version;
	memcpy(opts, &init, version == 1 ? offsetof(azsreg_certificate_options, sign_payload_free) : sizeof(init));
	return AZSREG_OK;
}

AZSREG_EXTERN(int) azsreg_managed_identity_options_init(azsreg_managed_identity_options *opts, unsigned int version)
{
	static const azsreg_managed_identity_options init = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_MANAGED_IDENTITY_OPTIONS_VERSION, "managed identity");
}

AZSREG_EXTERN(int) azsreg_federated_options_init(azsreg_federated_options *opts, unsigned int version)
{
	static const azsreg_federated_options init = AZSREG_FEDERATED_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_FEDERATED_OPTIONS_VERSION, "federated");
}

AZSREG_EXTERN(int) azsreg_device_code_options_init(azsreg_device_code_options *opts, unsigned int version)
{
	static const azsreg_device_code_options init = AZSREG_DEVICE_CODE_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_DEVICE_CODE_OPTIONS_VERSION, "device code");
}

AZSREG_EXTERN(int) azsreg_username_password_options_init(azsreg_username_password_options *opts, unsigned int version)
{
	static const azsreg_username_password_options init = AZSREG_USERNAME_PASSWORD_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION,
				    "user name + password");
}

/* ------------------------------------------------------- shared helpers */

const char *azsreg_cred__tenant(const azsreg_token_context *ctx, const char *cred_tenant)
{
	if (ctx != NULL && ctx->tenant != NULL && ctx->tenant[0] != '\0')
		return ctx->tenant;
	if (cred_tenant != NULL && cred_tenant[0] != '\0')
		return cred_tenant;
	return NULL;
}

int azsreg_cred__check_tenant(const char *tenant, const char *what)
{
	size_t n;

	if (what == NULL)
		what = "tenant";
	if (tenant == NULL || tenant[0] == '\0')
		return azsreg_error__set(AZSREG_EINVALID, "%s: a tenant ID (GUID) or domain name is required", what);
	if (azsreg_util__check_untrimmed(tenant, what) != AZSREG_OK)
		return AZSREG_EINVALID;
	n = strlen(tenant);
	if (n > 253)
		return azsreg_error__set(AZSREG_EINVALID, "%s: the tenant is longer than 253 characters", what);
	if (strspn(tenant, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_{}") != n)
		return azsreg_error__set(AZSREG_EINVALID,
					 "%s: the tenant \"%.64s\" is neither a GUID nor a domain name (letters, digits, '.', '-', '_')", what, tenant);
	if (tenant[0] == '.' || strstr(tenant, "..") != NULL)
		return azsreg_error__set(AZSREG_EINVALID, "%s: the tenant \"%.64s\" is not a valid domain name", what, tenant);
	return AZSREG_OK;
}

/* A GUID in braces is normalised for URLs; anything else stays as given. */
static int tenant_for_url(char *out, size_t cap, const char *tenant)
{
	char guid[AZSREG_GUID_LEN + 1];

	if (strchr(tenant, '{') != NULL || strchr(tenant, '}') != NULL) {
		if (azsreg_guid_normalize(guid, tenant, "tenant ID") != AZSREG_OK)
			return AZSREG_EINVALID;
		snprintf(out, cap, "%s", guid);
		return AZSREG_OK;
	}
	snprintf(out, cap, "%s", tenant);
	return AZSREG_OK;
}

int azsreg_cred__token_url(azsreg_buf *out, const azsreg_token_context *ctx, const char *tenant, int device_code)
{
	int rc;
	const char *auth;
	char t[256];

	if (ctx == NULL || ctx->env == NULL || ctx->env->authority == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "token request: no environment (authority) given");
	auth = ctx->env->authority;
	if (ctx->env->is_adfs)
		return azsreg_buf__printf(out, "%s%soauth2/%s", auth,
					  auth[0] != '\0' && auth[strlen(auth) - 1] == '/' ? "" : "/", device_code ? "devicecode" : "token");
	rc = azsreg_cred__check_tenant(tenant, "token request");
	if (rc != AZSREG_OK)
		return rc;
	rc = tenant_for_url(t, sizeof(t), tenant);
	if (rc != AZSREG_OK)
		return rc;
	return azsreg_buf__printf(out, "%s%s%s/oauth2/v2.0/%s", auth,
				  auth[0] != '\0' && auth[strlen(auth) - 1] == '/' ? "" : "/", t, device_code ? "devicecode" : "token");
}

int azsreg_cred__form_add(azsreg_buf *form, const char *name, const char *value)
{
	int rc;

	if (form->size > 0) {
		rc = azsreg_buf__puts(form, "&");
		if (rc != AZSREG_OK)
			return rc;
	}
	rc = azsreg_buf__puts(form, name);
	if (rc == AZSREG_OK)
		rc = azsreg_buf__puts(form, "=");
	if (rc == AZSREG_OK)
		rc = azsreg_url__encode(form, value ? value : "");
	return rc;
}

int azsreg_cred__append_scope(azsreg_buf *form, const azsreg_token_context *ctx, const char *extra_scope)
{
	int rc;
	const char *aud;
	size_t n;
	azsreg_buf scope = AZSREG_BUF_INIT;

	if (ctx == NULL || ctx->env == NULL || ctx->env->audience == NULL || ctx->env->audience[0] == '\0')
		return azsreg_error__set(AZSREG_EINVALID, "token request: the environment has no token audience");
	aud = ctx->env->audience;
	if (ctx->env->is_adfs)
		return azsreg_cred__form_add(form, "resource", aud);
	n = strlen(aud);
	while (n > 0 && aud[n - 1] == '/')
		n--;
	rc = azsreg_buf__put(&scope, aud, n);
	if (rc == AZSREG_OK)
		rc = azsreg_buf__puts(&scope, "/.default");
	if (rc == AZSREG_OK && extra_scope != NULL)
		rc = azsreg_buf__printf(&scope, " %s", extra_scope);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(form, "scope", azsreg_buf__cstr(&scope));
	azsreg_buf__free(&scope);
	return rc;
}

const azsreg_clock *azsreg_cred__clock(const azsreg_token_context *ctx)
{
	const azsreg_clock *c = NULL;

	if (ctx != NULL && ctx->clock != NULL)
		return ctx->clock;
	if (ctx != NULL && ctx->pipeline != NULL)
		c = azsreg_pipeline__clock(ctx->pipeline);
	return c ? c : azsreg_clock__system();
}

/* One POST to an identity URL; resp gets the answer whatever its status. */
int azsreg_cred__post_form(const azsreg_token_context *ctx, const char *url, azsreg_buf *form, const char *what, azsreg_http_response *resp)
{
	azsreg_http_request req;
	azsreg_send_options so;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&so, 0, sizeof(so));
	req.method = "POST";
	req.url = azsreg__strdup(url);
	if (req.url == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_headers__add(&req.headers, "Content-Type", "application/x-www-form-urlencoded");
	if (rc == AZSREG_OK)
		rc = azsreg_headers__add(&req.headers, "Accept", "application/json");
	if (rc != AZSREG_OK)
		goto done;
	req.body_len = form->size;
	req.body = azsreg_buf__detach(form);
	req.body_is_secret = 1;
	if (req.body == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	so.what = what;
	rc = azsreg_pipeline__send(ctx->pipeline, &req, resp, &so); /* a failure's message starts with so.what */
done:
	azsreg_http_request__free(&req);
	return rc;
}

int azsreg_cred__post_token_request(const azsreg_credential *cred, const azsreg_token_context *ctx, const char *url, azsreg_buf *form, azsreg_token *out, char **out_refresh_token)
{
	int rc = AZSREG_OK;
	azsreg_http_response resp;
	azsreg_buf what = AZSREG_BUF_INIT;
	int64_t sent_ms = 0;

	memset(&resp, 0, sizeof(resp));
	resp.body.limit = (size_t)1024 * 1024;
	(void)azsreg_buf__printf(&what, "sign-in with %s at %s", azsreg_credential_describe(cred), url);
	if (ctx == NULL || ctx->pipeline == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s: no request pipeline", azsreg_buf__cstr(&what));
		goto done;
	}
	if (form->failed) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "%s: could not build the request body", azsreg_buf__cstr(&what));
		goto done;
	}
	/* The token's lifetime counts from now: the answer may take long to arrive. */
	sent_ms = azsreg_clock__unix_ms(azsreg_cred__clock(ctx));
	rc = azsreg_cred__post_form(ctx, url, form, azsreg_buf__cstr(&what), &resp);
	if (rc != AZSREG_OK)
		goto done; /* the pipeline's message already starts with what */
	if (resp.status != 200) {
		rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&what));
		goto done;
	}
	rc = azsreg_token__parse_response(out, out_refresh_token, resp.body.ptr, resp.body.size, sent_ms);
	if (rc != AZSREG_OK)
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
done:
	azsreg_http_response__free(&resp);
	azsreg_buf__free(&what);
	return rc;
}

int azsreg_cred__client_credentials(const azsreg_credential *cred, const azsreg_token_context *ctx, const char *url,
				    const char *client_id, const char *client_secret, const char *client_assertion, azsreg_token *out)
{
	azsreg_buf form = AZSREG_BUF_INIT;
	int rc;

	if ((client_secret == NULL) == (client_assertion == NULL))
		return azsreg_error__set(AZSREG_ERROR, "sign-in with %s: a client secret or a client assertion, exactly one",
					 cred->description);
	rc = azsreg_cred__form_add(&form, "grant_type", "client_credentials");
	if (rc == AZSREG_OK)
		rc = azsreg_cred__form_add(&form, "client_id", client_id);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__append_scope(&form, ctx, NULL);
	if (rc == AZSREG_OK && client_secret != NULL)
		rc = azsreg_cred__form_add(&form, "client_secret", client_secret);
	if (rc == AZSREG_OK && client_assertion != NULL) {
		rc = azsreg_cred__form_add(&form, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
		if (rc == AZSREG_OK)
			rc = azsreg_cred__form_add(&form, "client_assertion", client_assertion);
	}
	if (rc == AZSREG_OK)
		rc = azsreg_cred__post_token_request(cred, ctx, url, &form, out, NULL);
	azsreg_buf__wipe_free(&form);
	return rc;
}

int azsreg_cred__check_app(const char *client_id, const char *tenant_id, const char *what)
{
	int rc = azsreg_cred__check_client_id(client_id, what);

	if (rc == AZSREG_OK && tenant_id != NULL && tenant_id[0] != '\0')
		rc = azsreg_cred__check_tenant(tenant_id, what);
	return rc;
}

int azsreg_cred__app_copy(azsreg_cred_app *app, const char *client_id, const char *tenant_id)
{
	app->client_id = azsreg__strdup(client_id);
	if (app->client_id == NULL)
		return AZSREG_ENOMEM; /* the message is set */
	if (tenant_id != NULL && tenant_id[0] != '\0') {
		app->tenant = azsreg__strdup(tenant_id);
		if (app->tenant == NULL)
			return AZSREG_ENOMEM;
	}
	return AZSREG_OK;
}

void azsreg_cred__app_free(azsreg_cred_app *app)
{
	free(app->client_id);
	free(app->tenant);
	app->client_id = NULL;
	app->tenant = NULL;
}

/* Client IDs are GUIDs in AAD, but AD FS allows other names: refuse only what breaks a form or log line. */
int azsreg_cred__check_client_id(const char *client_id, const char *what)
{
	size_t i, n;

	if (client_id == NULL || client_id[0] == '\0')
		return azsreg_error__set(AZSREG_EINVALID, "%s: a client (application) ID is required", what);
	n = strlen(client_id);
	if (n > 256)
		return azsreg_error__set(AZSREG_EINVALID, "%s: the client ID is longer than 256 characters", what);
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)client_id[i];

		if (ch <= 0x20 || ch == 0x7f)
			return azsreg_error__set(AZSREG_EINVALID, "%s: the client ID contains whitespace or control characters", what);
	}
	return AZSREG_OK;
}
