/*
 * tenant.c: a tenant domain name -> its GUID, through the authority's OpenID
 * configuration: GET {authority}{domain}/v2.0/.well-known/openid-configuration, GUID =
 * the GUID path segment of token_endpoint (else issuer). A GUID passes through
 * normalised (lowercase, no braces) without any request.
 */
#include "internal.h"

#include <string.h>

static int looks_like_guid(const char *s)
{
	size_t n = strlen(s);

	if (n == AZSREG_GUID_LEN + 2 && s[0] == '{' && s[n - 1] == '}')
		return 1;
	return n == AZSREG_GUID_LEN && strspn(s, "0123456789abcdefABCDEF-") == n;
}

AZSREG_EXTERN(int) azsreg_tenant_check(const char *tenant)
{
	char guid[AZSREG_GUID_LEN + 1];
	int rc;

	if (tenant == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "the tenant is required (a GUID or a domain name)");
	rc = azsreg_util__check_untrimmed(tenant, "tenant");
	if (rc != AZSREG_OK)
		return rc;
	if (looks_like_guid(tenant))
		return azsreg_guid_normalize(guid, tenant, "tenant ID");
	rc = azsreg_cred__check_tenant(tenant, "tenant ID");
	if (rc != AZSREG_OK)
		return rc;
	if (strchr(tenant, '.') == NULL)
		return azsreg_error__set(AZSREG_EINVALID,
					 "the tenant \"%.64s\" is neither a GUID nor a domain name (e.g. contoso.onmicrosoft.com)", tenant);
	return AZSREG_OK;
}

AZSREG_EXTERN(int) azsreg_tenant_resolve(char *out, azsreg_client *client, const char *tenant)
{
	int rc = AZSREG_OK;
	azsreg_http_request req;
	azsreg_http_response resp;
	azsreg_send_options so;
	azsreg_buf url = AZSREG_BUF_INIT, what = AZSREG_BUF_INIT;
	char guid[AZSREG_GUID_LEN + 1];
	const char *auth;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	memset(&so, 0, sizeof(so));
	resp.body.limit = (size_t)1024 * 1024;
	if (out == NULL || client == NULL || tenant == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "tenant resolution: out, client and tenant are required");
		goto done;
	}
	out[0] = '\0';
	rc = azsreg_tenant_check(tenant);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("tenant resolution");
		goto done;
	}
	if (looks_like_guid(tenant)) {
		rc = azsreg_guid_normalize(guid, tenant, "tenant ID");
		if (rc == AZSREG_OK)
			memcpy(out, guid, sizeof(guid));
		goto done;
	}
	if (client->env == NULL || client->env->authority == NULL || client->pipeline == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "tenant resolution: the client has no environment");
		goto done;
	}
	if (client->env->is_adfs) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "tenant resolution: AD FS environments (%s) have no tenant directory; give the tenant as a GUID",
				       client->env->name ? client->env->name : client->env->authority);
		goto done;
	}
	auth = client->env->authority;
	rc = azsreg_buf__printf(&url, "%s%s%s/v2.0/.well-known/openid-configuration", auth,
				(auth[0] && auth[strlen(auth) - 1] == '/') ? "" : "/", tenant);
	if (rc != AZSREG_OK)
		goto done;
	(void)azsreg_buf__printf(&what, "resolving the tenant \"%s\" at %s", tenant, azsreg_buf__cstr(&url));
	req.method = "GET";
	req.url = azsreg_buf__detach(&url);
	if (req.url == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_headers__add(&req.headers, "Accept", "application/json");
	if (rc != AZSREG_OK)
		goto done;
	so.what = azsreg_buf__cstr(&what);
	rc = azsreg_pipeline__send(client->pipeline, &req, &resp, &so);
	if (rc != AZSREG_OK)
		goto done; /* the message starts with so.what already */
	if (resp.status != 200) {
		rc = azsreg_error__from_identity(resp.status, resp.body.ptr, resp.body.size, azsreg_buf__cstr(&what));
		goto done;
	}
	rc = azsreg_openid__parse_tenant(guid, resp.body.ptr, resp.body.size);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
		goto done;
	}
	memcpy(out, guid, sizeof(guid));
done:
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&resp);
	azsreg_buf__free(&url);
	azsreg_buf__free(&what);
	return rc;
}
