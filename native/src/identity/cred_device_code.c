/*
 * cred_device_code.c: interactive sign-in with a device code (RFC 8628), safe on
 * headless hosts.
 *  1. POST {authority}{tenant}/oauth2/v2.0/devicecode client_id&scope={audience}/.default offline_access
 *  2. prompt_cb(message, user_code, verification_uri)
 *  3. poll POST {authority}{tenant}/oauth2/v2.0/token
 *     grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id&device_code
 *     every `interval` seconds (through the pipeline's clock): authorization_pending ->
 *     keep polling; slow_down -> interval += 5 s; expired_token / authorization_declined /
 *     anything else -> AZSREG_EAUTH from the identity error (AADSTS code, trace and
 *     correlation IDs kept; the hint of the OAuth error); until expires_in passes.
 * The refresh token (a secret) is kept; later renewals use grant_type=refresh_token and
 * fail with AZSREG_EAUTH asking to sign in again when it is refused.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define DC_DEFAULT_INTERVAL 5
#define DC_MAX_INTERVAL 60
#define DC_MAX_EXPIRES 3600

typedef struct dc_cred {
	azsreg_credential base;
	azsreg_cred_app app;
	azsreg_device_code_cb prompt_cb;
	void *payload;
	azsreg_refresh_token refresh; /* after the first sign-in */
} dc_cred;

static int64_t json_int_member(json_t *root, const char *name, int64_t dflt)
{
	json_t *v = json_object_get(root, name);
	char *end = NULL;
	long long ll;

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v)) {
		ll = strtoll(json_string_value(v), &end, 10);
		if (end != json_string_value(v) && *end == '\0')
			return (int64_t)ll;
	}
	return dflt;
}

static int identity_error_code(const azsreg_http_response *resp, char *code, size_t cap, char *desc, size_t dcap)
{
	json_t *root = NULL, *v;
	int found = 0;

	code[0] = '\0';
	desc[0] = '\0';
	if (resp->body.size == 0)
		return 0;
	root = json_loadb(resp->body.ptr, resp->body.size, 0, NULL);
	v = json_object_get(root, "error");
	if (json_is_string(v)) {
		snprintf(code, cap, "%s", json_string_value(v));
		found = 1;
	}
	v = json_object_get(root, "error_description");
	if (json_is_string(v))
		snprintf(desc, dcap, "%s", json_string_value(v));
	json_decref(root);
	return found;
}

static int refresh(dc_cred *c, const azsreg_token_context *ctx, const char *url, azsreg_token *out)
{
	azsreg_buf what = AZSREG_BUF_INIT;
	int rc;

	(void)azsreg_buf__printf(&what, "renewal of %s at %s", c->base.description, url);
	rc = azsreg_refresh__redeem(&c->refresh, ctx, url, c->app.client_id, azsreg_buf__cstr(&what),
				    " (the device code session cannot be renewed; sign in again)", out);
	azsreg_buf__free(&what);
	return rc;
}

static int device_flow(dc_cred *c, const azsreg_token_context *ctx, const char *tenant, const char *token_url, azsreg_token *out)
{
	azsreg_buf url = AZSREG_BUF_INIT, form = AZSREG_BUF_INIT, what = AZSREG_BUF_INIT;
	azsreg_http_response resp;
	const azsreg_clock *clk = azsreg_cred__clock(ctx);
	json_t *root = NULL;
	char *device_code = NULL, *rt = NULL;
	const char *user_code, *uri, *message;
	int64_t interval, expires_in, deadline, sent_ms = 0;
	char code[64], desc[512];
	int rc;

	memset(&resp, 0, sizeof(resp));
	resp.body.limit = (size_t)1024 * 1024;
	rc = azsreg_cred__token_url(&url, ctx, tenant, 1);
	if (rc != AZSREG_OK)
		goto done;
	(void)azsreg_buf__printf(&what, "device code sign-in with %s at %s", c->base.description, azsreg_buf__cstr(&url));
	rc = azsreg_cred__form_add(&form, "client_id", c->app.client_id);
	if (rc == AZSREG_OK)
		rc = azsreg_cred__append_scope(&form, ctx, "offline_access");
	if (rc != AZSREG_OK)
		goto done;
	rc = azsreg_cred__post_form(ctx, azsreg_buf__cstr(&url), &form, azsreg_buf__cstr(&what), &resp);
	if (rc != AZSREG_OK)
		goto done;
	if (resp.status != 200) {
		rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&what));
		goto done;
	}
	root = json_loadb(resp.body.ptr ? resp.body.ptr : "", resp.body.size, 0, NULL);
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "device_code")) ||
	    !json_is_string(json_object_get(root, "user_code"))) {
		rc = azsreg_error__set(AZSREG_EAUTH, "%s: the answer has no device_code / user_code", azsreg_buf__cstr(&what));
		goto done;
	}
	device_code = azsreg__strdup(json_string_value(json_object_get(root, "device_code")));
	if (device_code == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_secret__register(device_code);
	if (rc != AZSREG_OK) {
		azsreg__free_secret(device_code);
		device_code = NULL; /* not registered: not to be unregistered below */
		goto done;
	}
	user_code = json_string_value(json_object_get(root, "user_code"));
	uri = json_string_value(json_object_get(root, "verification_uri"));
	if (uri == NULL)
		uri = json_string_value(json_object_get(root, "verification_url"));
	if (uri == NULL)
		uri = "";
	message = json_string_value(json_object_get(root, "message"));
	interval = json_int_member(root, "interval", DC_DEFAULT_INTERVAL);
	if (interval < 1 || interval > DC_MAX_INTERVAL)
		interval = DC_DEFAULT_INTERVAL;
	expires_in = json_int_member(root, "expires_in", 900);
	if (expires_in < 1 || expires_in > DC_MAX_EXPIRES)
		expires_in = 900;
	{
		char fallback[512];

		if (message == NULL) {
			snprintf(fallback, sizeof(fallback), "To sign in, open %.200s and enter the code %.60s to authenticate.",
				 uri, user_code);
			message = fallback;
		}
		if (c->prompt_cb(message, user_code, uri, c->payload) != 0) {
			rc = azsreg_error__set(AZSREG_ECANCELLED, "%s: cancelled by the caller", azsreg_buf__cstr(&what));
			goto done;
		}
	}
	deadline = clk->now_ms(clk->ctx) + expires_in * 1000;
	azsreg_buf__clear(&what);
	(void)azsreg_buf__printf(&what, "device code sign-in with %s at %s", c->base.description, token_url);
	for (;;) {
		clk->sleep_ms(clk->ctx, interval * 1000);
		if (clk->now_ms(clk->ctx) >= deadline) {
			azsreg_error_info info;
			azsreg_buf msg = AZSREG_BUF_INIT;

			(void)azsreg_buf__printf(&msg, "%s: the device code expired before sign-in completed; sign in again",
						 azsreg_buf__cstr(&what));
			memset(&info, 0, sizeof(info));
			info.code = AZSREG_EAUTH;
			info.message = azsreg_buf__cstr(&msg);
			info.arm_code = "expired_token";
			rc = azsreg_error__set_info(&info);
			azsreg_buf__free(&msg);
			goto done;
		}
		azsreg_buf__wipe_free(&form);
		azsreg_http_response__reset(&resp);
		rc = azsreg_cred__form_add(&form, "grant_type", "urn:ietf:params:oauth:grant-type:device_code");
		if (rc == AZSREG_OK)
			rc = azsreg_cred__form_add(&form, "client_id", c->app.client_id);
		if (rc == AZSREG_OK)
			rc = azsreg_cred__form_add(&form, "device_code", device_code);
		if (rc != AZSREG_OK)
			goto done;
		sent_ms = azsreg_clock__unix_ms(clk);
		rc = azsreg_cred__post_form(ctx, token_url, &form, azsreg_buf__cstr(&what), &resp);
		if (rc != AZSREG_OK)
			goto done;
		if (resp.status == 200) {
			rc = azsreg_token__parse_response(out, &rt, resp.body.ptr, resp.body.size, sent_ms);
			if (rc != AZSREG_OK) {
				(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
				goto done;
			}
			if (rt != NULL) {
				azsreg_refresh__set(&c->refresh, rt);
				rt = NULL;
			}
			goto done;
		}
		if (identity_error_code(&resp, code, sizeof(code), desc, sizeof(desc))) {
			if (strcmp(code, "authorization_pending") == 0)
				continue;
			if (strcmp(code, "slow_down") == 0) {
				if (interval + 5 <= DC_MAX_INTERVAL)
					interval += 5;
				continue;
			}
			if (strcmp(code, "expired_token") == 0 || strcmp(code, "authorization_declined") == 0) {
				/* The identity provider's own error: AADSTS code, trace and correlation IDs kept. */
				rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&what));
				azsreg_error__set_hint(azsreg_error_hint(code));
				goto done;
			}
		}
		rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&what));
		goto done;
	}
done:
	if (device_code != NULL) {
		azsreg_secret__unregister(device_code);
		azsreg__free_secret(device_code);
	}
	azsreg__free_secret(rt);
	json_decref(root);
	azsreg_buf__free(&url);
	azsreg_buf__wipe_free(&form);
	azsreg_buf__free(&what);
	azsreg_http_response__free(&resp);
	return rc;
}

static int dc_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	dc_cred *c = (dc_cred *)cred;
	azsreg_buf url = AZSREG_BUF_INIT;
	const char *tenant = azsreg_cred__tenant(ctx, c->app.tenant);
	int rc;

	if (ctx == NULL || ctx->pipeline == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "sign-in with %s: no request pipeline", cred->description);
		goto done;
	}
	if (tenant == NULL)
		tenant = "organizations";
	rc = azsreg_cred__token_url(&url, ctx, tenant, 0);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
		goto done;
	}
	if (azsreg_refresh__held(&c->refresh))
		rc = refresh(c, ctx, azsreg_buf__cstr(&url), out);
	else
		rc = device_flow(c, ctx, tenant, azsreg_buf__cstr(&url), out);
done:
	azsreg_buf__free(&url);
	return rc;
}

static void dc_destroy(azsreg_credential *cred)
{
	dc_cred *c = (dc_cred *)cred;

	azsreg_refresh__free(&c->refresh);
	azsreg_cred__app_free(&c->app);
	free(c);
}

static const azsreg_credential_vtable dc_vtable = { "DeviceCode", dc_get_token, dc_destroy };

AZSREG_EXTERN(const char *) azsreg_default_public_client_id(void)
{
	return AZSREG_DEVICE_CODE_CLIENT_ID;
}

AZSREG_EXTERN(int) azsreg_credential_device_code_new(azsreg_credential **out, const azsreg_device_code_options *opts)
{
	int rc = AZSREG_OK;
	dc_cred *c = NULL;
	char desc[256];
	const char *tenant_id, *client_id;
	azsreg_device_code_cb prompt_cb;
	void *payload;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "device code credential: out is NULL");
	*out = NULL;
	if (opts == NULL || opts->version != AZSREG_DEVICE_CODE_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID, "device code credential: options missing or of an unknown version");
	tenant_id = opts->tenant_id;
	client_id = opts->client_id;
	prompt_cb = opts->prompt_cb;
	payload = opts->prompt_payload;
	if (client_id == NULL)
		client_id = AZSREG_DEVICE_CODE_CLIENT_ID;
	rc = azsreg_cred__check_app(client_id, tenant_id, "device code credential");
	if (rc != AZSREG_OK)
		goto done;
	if (prompt_cb == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "device code credential: a prompt callback is required to show the code");
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	rc = azsreg_refresh__init(&c->refresh, "device code credential");
	if (rc != AZSREG_OK) {
		free(c);
		c = NULL;
		goto done;
	}
	rc = azsreg_cred__app_copy(&c->app, client_id, tenant_id);
	if (rc != AZSREG_OK)
		goto done;
	c->prompt_cb = prompt_cb;
	c->payload = payload;
	snprintf(desc, sizeof(desc), "DeviceCode(client %.100s, tenant %.100s)", c->app.client_id,
		 c->app.tenant ? c->app.tenant : "organizations");
	azsreg_credential__init(&c->base, &dc_vtable, desc);
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		dc_destroy(&c->base);
	return rc;
}
