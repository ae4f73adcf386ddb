/*
 * cred_managed_identity.c: managed identity.
 *  - IDENTITY_ENDPOINT + IDENTITY_HEADER (Azure Automation, App Service, Functions, Arc):
 *    GET {endpoint}?resource={audience}&api-version=2019-08-01, headers
 *    X-IDENTITY-HEADER and Metadata: true; user-assigned: client_id= or mi_res_id=.
 *  - MSI_ENDPOINT + MSI_SECRET (older sandboxes): same with api-version=2017-09-01 and
 *    the header `secret`.
 *  - IMDS (VMs, Hybrid Workers): GET {imds}/metadata/identity/oauth2/token?
 *    api-version=2018-02-01&resource={audience} with Metadata: true, never through a
 *    proxy; user-assigned: client_id= or msi_res_id=. {imds}: options, else
 *    AZSREG_IMDS_ENDPOINT, else http://169.254.169.254. Short per-attempt timeout and one
 *    retry, so that a machine without IMDS fails within seconds.
 * When nothing answers, sign-in fails with AZSREG_EAUTH / "ManagedIdentityUnavailable".
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_TIMEOUT_MS 3000
#define IMDS_RETRIES 1

enum mi_kind { MI_IDENTITY_ENDPOINT,
	       MI_MSI_ENDPOINT,
	       MI_IMDS };

typedef struct mi_cred {
	azsreg_credential base;
	enum mi_kind kind;
	char *endpoint; /* full token URL without query (IMDS: base + path) */
	char *header; /* secret; NULL for IMDS */
	char *client_id;
	char *resource_id;
} mi_cred;

static int mi_get_token(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	mi_cred *c = (mi_cred *)cred;
	azsreg_buf url = AZSREG_BUF_INIT, what = AZSREG_BUF_INIT;
	azsreg_http_request req;
	azsreg_http_response resp;
	azsreg_send_options so;
	const char *sep = strchr(c->endpoint, '?') ? "&" : "?";
	const azsreg_clock *clk = azsreg_cred__clock(ctx);
	int64_t sent_ms = 0;
	int rc = AZSREG_OK;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	memset(&so, 0, sizeof(so));
	resp.body.limit = (size_t)1024 * 1024;
	if (ctx == NULL || ctx->env == NULL || ctx->env->audience == NULL || ctx->pipeline == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "sign-in with %s: no environment or pipeline", cred->description);
		goto done;
	}
	if (c->kind == MI_IMDS) {
		rc = azsreg_buf__printf(&url, "%s%sapi-version=2018-02-01&resource=", c->endpoint, sep);
		if (rc == AZSREG_OK)
			rc = azsreg_url__encode(&url, ctx->env->audience);
	} else {
		rc = azsreg_buf__printf(&url, "%s%sresource=", c->endpoint, sep);
		if (rc == AZSREG_OK)
			rc = azsreg_url__encode(&url, ctx->env->audience);
		if (rc == AZSREG_OK)
			rc = azsreg_buf__printf(&url, "&api-version=%s", c->kind == MI_MSI_ENDPOINT ? "2017-09-01" : "2019-08-01");
	}
	if (rc == AZSREG_OK && c->client_id != NULL) {
		rc = azsreg_buf__puts(&url, "&client_id=");
		if (rc == AZSREG_OK)
			rc = azsreg_url__encode(&url, c->client_id);
	} else if (rc == AZSREG_OK && c->resource_id != NULL) {
		rc = azsreg_buf__puts(&url, c->kind == MI_IMDS ? "&msi_res_id=" : "&mi_res_id=");
		if (rc == AZSREG_OK)
			rc = azsreg_url__encode(&url, c->resource_id);
	}
	if (rc != AZSREG_OK)
		goto done;
	req.method = "GET";
	req.url = azsreg_buf__detach(&url);
	if (req.url == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	req.no_proxy = 1;
	rc = azsreg_headers__add(&req.headers, "Metadata", "true");
	if (rc == AZSREG_OK && c->kind == MI_IDENTITY_ENDPOINT)
		rc = azsreg_headers__add(&req.headers, "X-IDENTITY-HEADER", c->header);
	else if (rc == AZSREG_OK && c->kind == MI_MSI_ENDPOINT)
		rc = azsreg_headers__add(&req.headers, "secret", c->header);
	if (rc != AZSREG_OK)
		goto done;
	if (c->kind == MI_IMDS) {
		req.allow_link_local_http = 1;
		so.timeout_ms = IMDS_TIMEOUT_MS;
		so.max_retries = IMDS_RETRIES;
	}
	(void)azsreg_buf__printf(&what, "sign-in with %s", cred->description);
	so.what = azsreg_buf__cstr(&what);
	sent_ms = azsreg_clock__unix_ms(clk);
	rc = azsreg_pipeline__send(ctx->pipeline, &req, &resp, &so);
	if ((rc == AZSREG_ENETWORK || rc == AZSREG_ETIMEOUT) && !resp.transport_final) {
		azsreg_error_info info;
		azsreg_buf msg = AZSREG_BUF_INIT;

		const char *cause = azsreg_error_last()->message;
		size_t dlen = what.size;

		/* The pipeline's message starts with "sign-in with <description>: " (so.what): say it once. */
		if (strncmp(cause, azsreg_buf__cstr(&what), dlen) == 0 && cause[dlen] == ':' && cause[dlen + 1] == ' ')
			cause += dlen + 2;
		(void)azsreg_buf__printf(&msg,
					 "sign-in with %s: managed identity is not available in this environment (no answer from %s: %s)",
					 cred->description, c->endpoint, cause);
		memset(&info, 0, sizeof(info));
		info.code = AZSREG_EAUTH;
		info.message = azsreg_buf__cstr(&msg);
		info.arm_code = "ManagedIdentityUnavailable";
		rc = azsreg_error__set_info(&info);
		azsreg_buf__free(&msg);
		goto done;
	}
	if (rc != AZSREG_OK)
		goto done; /* the message starts with so.what already */
	if (resp.status != 200) {
		azsreg_buf__clear(&what);
		(void)azsreg_buf__printf(&what, "sign-in with %s at %s", cred->description, c->endpoint);
		rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&what));
		/* The generic OAuth hints speak of applications and tenants; here the cause is the
		 * identity endpoint's header or the identity asked for. */
		if (resp.status == 400 && (c->client_id != NULL || c->resource_id != NULL))
			azsreg_error__set_hint("The user-assigned identity asked for is not assigned to this resource: check its client ID or resource ID and that it is assigned to this VM, server or Automation account.");
		else if (resp.status == 400 || resp.status == 401 || resp.status == 403)
			azsreg_error__set_hint("The managed identity endpoint refused the request: check that IDENTITY_HEADER / MSI_SECRET belong to this sandbox and that a managed identity is enabled for it.");
		goto done;
	}
	rc = azsreg_token__parse_response(out, NULL, resp.body.ptr, resp.body.size, sent_ms);
	if (rc != AZSREG_OK)
		(void)azsreg_error__prefix("sign-in with %s", cred->description);
done:
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&resp);
	azsreg_buf__free(&url);
	azsreg_buf__free(&what);
	return rc;
}

static void mi_destroy(azsreg_credential *cred)
{
	mi_cred *c = (mi_cred *)cred;

	if (c->header != NULL) {
		azsreg_secret__unregister(c->header);
		azsreg__free_secret(c->header);
	}
	free(c->endpoint);
	free(c->client_id);
	free(c->resource_id);
	free(c);
}

static const azsreg_credential_vtable mi_vtable = { "ManagedIdentity", mi_get_token, mi_destroy };

AZSREG_EXTERN(int) azsreg_credential_managed_identity_new(azsreg_credential **out, const azsreg_managed_identity_options *opts)
{
	int rc = AZSREG_OK;
	mi_cred *c = NULL;
	azsreg_managed_identity_options defaults = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;
	const char *endpoint = NULL, *header = NULL, *imds = NULL, *where;
	char desc[256], who[160];
	size_t n;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "managed identity credential: out is NULL");
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != AZSREG_MANAGED_IDENTITY_OPTIONS_VERSION) {
		rc = azsreg_error__set(AZSREG_EINVALID, "managed identity credential: options of an unknown version %u", opts->version);
		goto done;
	}
	if (opts->client_id != NULL && opts->client_id[0] != '\0' && opts->resource_id != NULL && opts->resource_id[0] != '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "managed identity credential: give either the client ID or the resource ID of a user-assigned identity, not both");
		goto done;
	}
	if (opts->client_id != NULL && opts->client_id[0] != '\0') {
		rc = azsreg_cred__check_client_id(opts->client_id, "managed identity credential");
		if (rc != AZSREG_OK)
			goto done;
	}
	if (opts->resource_id != NULL && opts->resource_id[0] != '\0') {
		rc = azsreg_resource_id_validate(opts->resource_id);
		if (rc != AZSREG_OK) {
			(void)azsreg_error__prefix("managed identity credential: the identity's resource ID");
			goto done;
		}
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
		goto done;
	}
	if (opts->identity_endpoint != NULL && opts->identity_endpoint[0] != '\0') {
		c->kind = MI_IDENTITY_ENDPOINT;
		endpoint = opts->identity_endpoint;
		header = opts->identity_header ? opts->identity_header : azsreg_util__env_get("IDENTITY_HEADER");
		where = "identity endpoint";
	} else if (azsreg_util__env_get("IDENTITY_ENDPOINT") != NULL) {
		c->kind = MI_IDENTITY_ENDPOINT;
		endpoint = azsreg_util__env_get("IDENTITY_ENDPOINT");
		header = opts->identity_header ? opts->identity_header : azsreg_util__env_get("IDENTITY_HEADER");
		where = "IDENTITY_ENDPOINT";
	} else if (azsreg_util__env_get("MSI_ENDPOINT") != NULL) {
		c->kind = MI_MSI_ENDPOINT;
		endpoint = azsreg_util__env_get("MSI_ENDPOINT");
		header = opts->identity_header ? opts->identity_header : azsreg_util__env_get("MSI_SECRET");
		where = "MSI_ENDPOINT";
	} else {
		c->kind = MI_IMDS;
		imds = (opts->imds_endpoint && opts->imds_endpoint[0]) ? opts->imds_endpoint : azsreg_util__env_get("AZSREG_IMDS_ENDPOINT");
		if (imds == NULL)
			imds = IMDS_DEFAULT;
		where = "IMDS";
	}
	if (c->kind != MI_IMDS) {
		if (header == NULL || header[0] == '\0') {
			rc = azsreg_error__set(AZSREG_EINVALID, "managed identity credential: %s is set but %s is not",
					       where, c->kind == MI_MSI_ENDPOINT ? "MSI_SECRET" : "IDENTITY_HEADER (identity_header)");
			goto done;
		}
		rc = azsreg_url__check_endpoint(endpoint, 0, "managed identity endpoint");
		if (rc != AZSREG_OK) {
			(void)azsreg_error__prefix("managed identity credential (%s)", where);
			goto done;
		}
		c->endpoint = azsreg__strdup(endpoint);
		c->header = azsreg__strdup(header);
		/* registered at once: freeing the credential unregisters whatever c->header holds */
		if (c->header != NULL && azsreg_secret__register(c->header) != AZSREG_OK) {
			azsreg__free_secret(c->header);
			c->header = NULL; /* not registered: not to be unregistered */
		}
		if (c->endpoint == NULL || c->header == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
	} else {
		rc = azsreg_url__check_endpoint(imds, 1, "IMDS endpoint");
		if (rc != AZSREG_OK)
			goto done;
		n = strlen(imds);
		while (n > 0 && imds[n - 1] == '/')
			n--;
		c->endpoint = malloc(n + sizeof("/metadata/identity/oauth2/token"));
		if (c->endpoint == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(c->endpoint, imds, n);
		memcpy(c->endpoint + n, "/metadata/identity/oauth2/token", sizeof("/metadata/identity/oauth2/token"));
	}
	if (opts->client_id != NULL && opts->client_id[0] != '\0') {
		c->client_id = azsreg__strdup(opts->client_id);
		if (c->client_id == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
		snprintf(who, sizeof(who), "user-assigned, client %.100s", c->client_id);
	} else if (opts->resource_id != NULL && opts->resource_id[0] != '\0') {
		c->resource_id = azsreg__strdup(opts->resource_id);
		if (c->resource_id == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
		snprintf(who, sizeof(who), "user-assigned, %.130s", c->resource_id);
	} else {
		snprintf(who, sizeof(who), "system-assigned");
	}
	snprintf(desc, sizeof(desc), "ManagedIdentity(%.130s, %.20s %.80s)", who, where, c->endpoint);
	azsreg_credential__init(&c->base, &mi_vtable, desc);
	*out = &c->base;
	c = NULL;
done:
	if (c != NULL)
		mi_destroy(&c->base);
	return rc;
}
