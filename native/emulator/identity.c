/* azsreg-emulator: the identity side (AAD v1/v2 and AD FS token endpoints, device code,
 * refresh tokens, openid-configuration, managed identity). Called with g_emu.mu held. */
#include "emu.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define JWT_BEARER "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

/* The device code grant: RFC 8628's URN, or the short "device_code" that MSAL (.NET, Node)
 * sends and Entra ID accepts. */
static bool is_device_grant(const char *grant)
{
	return strcmp(grant, DEVICE_GRANT) == 0 || strcmp(grant, "device_code") == 0;
}

enum tver { V1,
	    V2,
	    ADFS };

static void aad_error(emu_req *r, int status, const char *error, int code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * AD FS answers token errors in its own shape: HTTP 400 and only {"error","error_description"},
 * the description led by an MSIS code (no error_codes, trace or correlation IDs). The codes
 * and texts of the common failures, as AD FS sends them; every other failure keeps its OAuth
 * error and message, without a code (no MSIS number is made up).
 */
static const struct adfs_map {
	int aadsts;
	const char *error;
	const char *desc;
} adfs_errors[] = {
	{ 7000215, "invalid_client", "MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid." },
	{ 7000218, "invalid_client", "MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid." },
	{ 700027, "invalid_client", "MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid." },
	{ 700024, "invalid_client", "MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid." },
	{ 50027, "invalid_client", "MSIS9622: Client authentication failed. Please verify the credential provided for client authentication is valid." },
	{ 700016, "invalid_client", "MSIS9607: The 'client_id' parameter in the request is invalid. No registered client is found with this identifier." },
	{ 50126, "invalid_grant", "MSIS9659: Invalid 'username' or 'password'." },
	{ 50034, "invalid_grant", "MSIS9659: Invalid 'username' or 'password'." },
	{ 500011, "invalid_resource", "MSIS9602: The received 'resource' parameter is invalid. The authorization server can not find a registered resource with the specified identifier." },
};

static bool adfs_error(emu_req *r, int status, const char *error, int code, const char *msg)
{
	size_t i;
	if (strncasecmp(r->path, "/adfs/", 6) != 0)
		return false;
	for (i = 0; i < sizeof adfs_errors / sizeof adfs_errors[0]; i++)
		if (adfs_errors[i].aadsts == code) {
			error = adfs_errors[i].error;
			msg = adfs_errors[i].desc;
			break;
		}
	emu_respond_json(r, status == 401 ? 400 : status,
			 json_pack("{s:s,s:s}", "error", error, "error_description", msg));
	return true;
}

static void aad_error(emu_req *r, int status, const char *error, int code, const char *fmt, ...)
{
	char msg[1024], desc[1400], trace[37], ts[40];
	time_t now = (time_t)emu_now();
	struct tm tm;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (adfs_error(r, status, error, code, msg))
		return;
	emu_guid(trace);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%SZ", &tm);
	snprintf(desc, sizeof desc, "AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", code, msg,
		 trace, r->corr_id, ts);
	emu_respond_json(r, status,
			 json_pack("{s:s,s:s,s:[i],s:s,s:s,s:s,s:s}", "error", error, "error_description", desc,
				   "error_codes", code, "timestamp", ts, "trace_id", trace, "correlation_id",
				   r->corr_id, "error_uri", "https://login.microsoftonline.com/error"));
}

static char *random_token(size_t nbytes)
{
	unsigned char b[64];
	if (nbytes > sizeof b || RAND_bytes(b, (int)nbytes) != 1)
		return NULL;
	return emu_b64url_encode(b, nbytes);
}

/*
 * An access token for ARM. Its version is the resource's, not the endpoint's: ARM accepts v1
 * tokens, so Entra ID issues v1 tokens for it from the v1 and the v2 endpoint alike ("ver"
 * "1.0", issuer <base>/<tid>/ as in the v1 OpenID document). id_tokens follow the endpoint.
 */
static char *issue(const char *aud, const char *tid, const char *oid, const char *appid, json_t *extra,
		   long long *lifetime_out)
{
	long long now = emu_now();
	long long life = emu_cfg_int("tokenLifetimeSeconds", 3600);
	char iss[160];
	json_t *c;
	if (life < 1)
		life = 1;
	snprintf(iss, sizeof iss, "%s/%s/", g_emu.base, tid ? tid : "");
	c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "aud", aud, "iss", iss, "tid", tid ? tid : "", "oid",
		      oid ? oid : "", "sub", oid ? oid : "", "appid", appid ? appid : "", "iat", (json_int_t)now,
		      "nbf", (json_int_t)now, "exp", (json_int_t)(now + life));
	if (extra) {
		json_object_update(c, extra);
		json_decref(extra);
	}
	*lifetime_out = life;
	return emu_jwt_issue(c);
}

/* The token answer's body (NULL when at is NULL or memory ran out). */
static json_t *token_body(const char *at, long long life, const char *refresh, const char *scope)
{
	json_t *res;
	if (!at)
		return NULL;
	res = json_pack("{s:s,s:I,s:I,s:s}", "token_type", "Bearer", "expires_in", (json_int_t)life, "ext_expires_in",
			(json_int_t)life, "access_token", at);
	if (res && refresh)
		json_object_set_new(res, "refresh_token", json_string(refresh));
	if (res && scope)
		json_object_set_new(res, "scope", json_string(scope));
	return res;
}

/* Answers 200 with res, or 500 when there is none; consumes res and at. */
static void token_respond(emu_req *r, json_t *res, char *at)
{
	if (res)
		emu_respond_json(r, 200, res);
	else
		aad_error(r, 500, "server_error", 90000, "The emulator could not create a token.");
	emu_wipe_free(at);
}

static void token_answer(emu_req *r, char *at, long long life, const char *refresh, const char *scope)
{
	token_respond(r, token_body(at, life, refresh, scope), at);
}

/* v2: one scope "<audience>/.default" (others like offline_access ignored). Returns malloc'd aud. */
static char *aud_from_scope(const char *scope)
{
	const char *p = scope;
	while (p && *p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		size_t len = (size_t)(e - p);
		if (len > 9 && strncmp(e - 9, "/.default", 9) == 0) {
			char *aud = emu_strndup(p, len - 9);
			if (aud && emu_audience_ok(aud))
				return aud;
			if (aud) { /* "<audience>//.default" is tolerated as well */
				size_t al = strlen(aud);
				if (al > 0 && aud[al - 1] == '/') {
					aud[al - 1] = '\0';
					if (emu_audience_ok(aud)) {
						aud[al - 1] = '/';
						return aud;
					}
				}
			}
			free(aud);
		}
		p = e;
	}
	return NULL;
}

static bool is_meta_tenant(const char *t)
{
	return strcasecmp(t, "common") == 0 || strcasecmp(t, "organizations") == 0 || strcasecmp(t, "consumers") == 0;
}

static const char *first_tenant_id(void)
{
	return emu_jstr(json_array_get(json_object_get(g_emu.state, "tenants"), 0), "id");
}

static bool is_public_client(const char *client_id)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(g_emu.state, "publicClients"), i, c)
	{
		if (json_is_string(c) && strcasecmp(json_string_value(c), client_id) == 0)
			return true;
	}
	return false;
}

/* Derive a stable object ID for a user from the UPN. */
static void user_oid(const char *upn, char out[37])
{
	unsigned char d[32];
	unsigned int dl = 0;
	EVP_Digest(upn, strlen(upn), d, &dl, EVP_sha256(), NULL);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-4%01x%02x-8%01x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2],
		 d[3], d[4], d[5], d[6] & 15, d[7], d[8] & 15, d[9], d[10], d[11], d[12], d[13], d[14], d[15]);
}

/* ---- token endpoint ---------------------------------------------------------------------- */

static void grant_client_credentials(emu_req *r, json_t *form, const char *tenant_seg, json_t *tenant,
				     const char *aud, bool v2)
{
	const char *client_id = emu_jstr(form, "client_id");
	const char *secret = emu_jstr(form, "client_secret");
	const char *assertion = emu_jstr(form, "client_assertion");
	const char *atype = emu_jstr(form, "client_assertion_type");
	json_t *app = emu_find_app(client_id);
	const char *tid;
	char why[512];
	long long life = 0;
	bool by_secret;
	if (!tenant && strcasecmp(tenant_seg, "adfs") != 0) {
		aad_error(r, 400, "invalid_request", 50059,
			  "No tenant-identifying information found in either the request or implied by any provided credentials.");
		return;
	}
	if (!app || (tenant && strcasecmp(emu_jstr(tenant, "id"), emu_jstr(app, "tenantId") ? emu_jstr(app, "tenantId") : "") != 0)) {
		aad_error(r, 400, "unauthorized_client", 700016,
			  "Application with identifier '%.64s' was not found in the directory '%.128s'. This can happen if the "
			  "application has not been installed by the administrator of the tenant.",
			  client_id, tenant_seg);
		return;
	}
	tid = emu_jstr(app, "tenantId");
	if (secret && assertion) {
		aad_error(r, 400, "invalid_request", 90023, "Send either client_secret or client_assertion, not both.");
		return;
	}
	if (secret) {
		size_t i;
		json_t *s;
		bool matched = false, expired = false;
		json_array_foreach(json_object_get(app, "secrets"), i, s)
		{
			const char *v = json_is_string(s) ? json_string_value(s) : emu_jstr(s, "value");
			if (v && emu_ct_equal(v, secret)) {
				matched = true;
				expired = json_is_object(s) && json_object_get(s, "expiresOn") && emu_jint(s, "expiresOn", 0) <= emu_now();
				break;
			}
		}
		if (!matched) {
			aad_error(r, 401, "invalid_client", 7000215,
				  "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
				  "value, not the client secret ID, for a secret added to app '%.64s'.",
				  client_id);
			return;
		}
		if (expired) {
			aad_error(r, 401, "invalid_client", 7000222,
				  "The provided client secret keys for app '%.64s' are expired. Visit the Azure portal to create new "
				  "keys for your app.",
				  client_id);
			return;
		}
		by_secret = true;
	} else if (assertion) {
		char expected[1200], alt[1200];
		const char *host = emu_header_in(r, "Host");
		int rc;
		if (!atype || strcmp(atype, JWT_BEARER) != 0) {
			aad_error(r, 400, "invalid_request", 7000216,
				  "'client_assertion_type' must be '" JWT_BEARER "' when a client_assertion is sent.");
			return;
		}
		snprintf(expected, sizeof expected, "%s%s", g_emu.base, r->path);
		snprintf(alt, sizeof alt, "https://%s%s", host ? host : "127.0.0.1", r->path);
		rc = emu_assertion_verify(assertion, client_id, app, expected, alt, why, sizeof why);
		if (rc != 0) {
			aad_error(r, 401, "invalid_client", rc, "%s", why);
			return;
		}
		by_secret = false;
	} else {
		aad_error(r, 401, "invalid_client", 7000218,
			  "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		return;
	}
	{
		const char *oid = emu_jstr(app, "objectId") ? emu_jstr(app, "objectId") : client_id;
		char *at = issue(aud, tid, oid, client_id,
				 json_pack("{s:s,s:s}", "idtyp", "app", "ver", "1.0"), &life);
		emu_stat_inc(by_secret ? "byClientSecret" : "byAssertion");
		token_answer(r, at, life, NULL, NULL);
	}
}

/* Whether a space-separated scope list holds `want`. */
static bool scope_has(const char *scope, const char *want)
{
	size_t n = strlen(want);
	const char *p = scope;
	while (p && *p) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, want, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/*
 * What Entra ID adds to a user's tokens when the client asks, and MSAL needs: `client_info`
 * (base64url of {"uid":<oid>,"utid":<tid>}, MSAL's account key; MSAL.NET fails without it
 * when it sent client_info=1) and, when the scope of the grant holds `openid` (for a device code:
 * the scope of the devicecode request), an `id_token` for the client (aud = client ID), valid
 * as long as the access token. Signed like the emulator's other tokens (RS256, key at the jwks_uri).
 */
static void add_user_extras(json_t *res, json_t *form, const char *scope, const char *client_id, const char *tid,
			    const char *oid, const char *upn, long long life, bool v2)
{
	const char *ci = emu_jstr(form, "client_info");
	if (ci && strcmp(ci, "1") == 0) {
		json_t *info = json_pack("{s:s,s:s}", "uid", oid, "utid", tid);
		char *text = info ? json_dumps(info, JSON_COMPACT) : NULL;
		char *enc = text ? emu_b64url_encode((const unsigned char *)text, strlen(text)) : NULL;
		if (enc)
			json_object_set_new(res, "client_info", json_string(enc));
		free(enc);
		free(text);
		json_decref(info);
	}
	if (scope && scope_has(scope, "openid")) {
		long long now = emu_now();
		char iss[200];
		json_t *c;
		char *idt;
		snprintf(iss, sizeof iss, v2 ? "%s/%s/v2.0" : "%s/%s/", g_emu.base, tid);
		c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:s}", "aud", client_id, "iss", iss, "tid", tid, "oid",
			      oid, "sub", oid, "preferred_username", upn, "name", upn, "iat", (json_int_t)now, "nbf",
			      (json_int_t)now, "exp", (json_int_t)(now + life), "ver", v2 ? "2.0" : "1.0");
		idt = c ? emu_jwt_issue(c) : NULL;
		if (idt)
			json_object_set_new(res, "id_token", json_string(idt));
		emu_wipe_free(idt);
	}
}

static void user_tokens(emu_req *r, json_t *form, const char *client_id, const char *tid, const char *upn,
			const char *aud, const char *scope, bool v2)
{
	char oid[37];
	long long life = 0;
	char *rt = random_token(48);
	char *at;
	json_t *res;
	user_oid(upn, oid);
	at = issue(aud, tid, oid, client_id,
		   json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "idtyp", "user", "upn", upn, "preferred_username", upn,
			     "unique_name", upn, "scp", "user_impersonation", "ver", "1.0"),
		   &life);
	if (rt)
		json_object_set_new(g_emu.refresh, rt,
				    json_pack("{s:s,s:s,s:s,s:s}", "clientId", client_id, "tenantId", tid, "upn", upn, "aud", aud));
	res = token_body(at, life, rt, scope);
	if (res)
		add_user_extras(res, form, scope, client_id, tid, oid, upn, life, v2);
	token_respond(r, res, at);
	emu_wipe_free(rt);
}

static void grant_device_code(emu_req *r, json_t *form, bool v2)
{
	const char *code = emu_jstr(form, "device_code");
	const char *client_id = emu_jstr(form, "client_id");
	json_t *rec = code ? json_object_get(g_emu.devicecodes, code) : NULL;
	const char *st;
	double now = emu_mono();
	if (!code) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'device_code'.");
		return;
	}
	if (!rec || strcasecmp(emu_jstr(rec, "clientId"), client_id) != 0) {
		aad_error(r, 400, "invalid_grant", 70000, "Provided grant is invalid or malformed (unknown device_code).");
		return;
	}
	st = emu_jstr(rec, "state");
	if (strcmp(st, "redeemed") == 0) {
		aad_error(r, 400, "invalid_grant", 54005, "The device code was already redeemed.");
		return;
	}
	if (now > json_real_value(json_object_get(rec, "expiresMono"))) {
		aad_error(r, 400, "expired_token", 70019, "Verification code expired.");
		return;
	}
	if (strcmp(st, "declined") == 0) {
		aad_error(r, 400, "authorization_declined", 65004, "User declined to consent to access the app.");
		return;
	}
	if (strcmp(st, "approved") == 0) {
		json_object_set_new(rec, "state", json_string("redeemed"));
		emu_stat_inc("byDeviceCode");
		user_tokens(r, form, client_id, emu_jstr(rec, "tenantId"), emu_jstr(rec, "upn"), emu_jstr(rec, "aud"),
			    emu_jstr(rec, "scope"), v2);
		return;
	}
	{
		/* The first poll may come at once: MSAL for Node (msal-node) polls right after the
         * devicecode answer and takes slow_down as a failure, so Entra ID cannot be telling
         * a first poll to slow down. Later polls are measured from the previous one. */
		bool first = json_object_get(rec, "lastPollMono") == NULL;
		double last = json_real_value(json_object_get(rec, "lastPollMono"));
		double interval = json_number_value(json_object_get(rec, "interval"));
		json_object_set_new(rec, "lastPollMono", json_real(now));
		if (!first && now - last < interval - 0.05)
			aad_error(r, 400, "slow_down", 70016, "OAuth 2.0 device flow error. Polled faster than the interval: slow down.");
		else
			aad_error(r, 400, "authorization_pending", 70016,
				  "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
	}
}

/* Resource owner password credentials (grant_type=password): a public client signs a user
 * in with the user's name and password (users[].password in the state). */
static void grant_password(emu_req *r, json_t *form, const char *tenant_seg, json_t *tenant, const char *aud,
			   bool v2)
{
	const char *client_id = emu_jstr(form, "client_id");
	const char *username = emu_jstr(form, "username");
	const char *password = emu_jstr(form, "password");
	const char *pw, *tid;
	json_t *user = NULL, *u;
	size_t i;
	if (!username || !*username) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'username'.");
		return;
	}
	if (!password || !*password) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'password'.");
		return;
	}
	if (!is_public_client(client_id)) {
		if (emu_find_app(client_id))
			aad_error(r, 400, "invalid_client", 7000218,
				  "The request body must contain the following parameter: 'client_assertion' or 'client_secret' "
				  "(the app is not a public client).");
		else
			aad_error(r, 400, "unauthorized_client", 700016,
				  "Application with identifier '%.64s' was not found in the directory '%.128s'.", client_id,
				  tenant_seg);
		return;
	}
	json_array_foreach(json_object_get(g_emu.state, "users"), i, u)
	{
		const char *upn = emu_jstr(u, "upn");
		const char *utid = emu_jstr(u, "tenantId");
		if (user || !upn || strcasecmp(upn, username) != 0)
			continue;
		if (tenant && (!utid || strcasecmp(utid, emu_jstr(tenant, "id")) != 0))
			continue;
		user = u;
	}
	if (!user) {
		aad_error(r, 400, "invalid_grant", 50034,
			  "The user account {EUII Hidden} does not exist in the '%.128s' directory. To sign into this "
			  "application, the account must be added to the directory.",
			  tenant ? emu_jstr(tenant, "id") : tenant_seg);
		return;
	}
	pw = emu_jstr(user, "password");
	if (!pw || !emu_ct_equal(pw, password)) {
		aad_error(r, 400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.");
		return;
	}
	if (emu_jbool(user, "mfaRequired", false)) {
		aad_error(r, 400, "interaction_required", 50076,
			  "Due to a configuration change made by your administrator, or because you moved to a new location, "
			  "you must use multi-factor authentication to access '%s'.",
			  aud ? aud : EMU_AUDIENCE);
		return;
	}
	tid = emu_jstr(user, "tenantId") ? emu_jstr(user, "tenantId") : first_tenant_id();
	emu_stat_inc("byPassword");
	user_tokens(r, form, client_id, tid ? tid : "", emu_jstr(user, "upn"), aud ? aud : EMU_AUDIENCE,
		    emu_jstr(form, "scope"), v2);
}

static void grant_refresh(emu_req *r, json_t *form, json_t *tenant, const char *aud, bool v2)
{
	const char *rt = emu_jstr(form, "refresh_token");
	const char *client_id = emu_jstr(form, "client_id");
	json_t *rec = rt ? json_object_get(g_emu.refresh, rt) : NULL;
	if (!rt) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'refresh_token'.");
		return;
	}
	if (!rec || strcasecmp(emu_jstr(rec, "clientId"), client_id) != 0) {
		aad_error(r, 400, "invalid_grant", 70000, "Provided grant is invalid or malformed (unknown or revoked refresh token).");
		return;
	}
	emu_stat_inc("byRefreshToken");
	{
		json_t *keep = json_deep_copy(rec);
		const char *tid = tenant ? emu_jstr(tenant, "id") : emu_jstr(keep, "tenantId");
		user_tokens(r, form, client_id, tid, emu_jstr(keep, "upn"), aud ? aud : emu_jstr(keep, "aud"),
			    emu_jstr(form, "scope"), v2);
		json_decref(keep);
	}
}

/*
 * The start of a POST to an identity endpoint (token, devicecode): any other method is 405;
 * the form is parsed into *form (the caller frees it); for AAD the tenant segment must name
 * a known tenant (*tenant) or a meta tenant (organizations, common...). false: the error
 * was answered.
 */
static bool identity_post(emu_req *r, const char *tenant_seg, enum tver ver, json_t **form, json_t **tenant)
{
	r->is_token = true;
	if (strcmp(r->method, "POST") != 0) {
		aad_error(r, 405, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a %s request.", r->method);
		return false;
	}
	*form = emu_form_parse(r->body ? r->body : "", r->len);
	if (ver != ADFS) {
		*tenant = emu_find_tenant(tenant_seg);
		if (!*tenant && !is_meta_tenant(tenant_seg)) {
			aad_error(r, 400, "invalid_request", 90002,
				  "Tenant '%.128s' not found. Check to make sure you have the correct tenant ID and are signing into "
				  "the correct cloud.",
				  tenant_seg);
			return false;
		}
	}
	return true;
}

static void token_endpoint(emu_req *r, const char *tenant_seg, enum tver ver)
{
	json_t *form = NULL, *tenant = NULL;
	const char *grant, *client_id;
	char *aud = NULL;
	bool adfs = ver == ADFS;
	if (!identity_post(r, tenant_seg, ver, &form, &tenant))
		goto done;
	grant = emu_jstr(form, "grant_type");
	client_id = emu_jstr(form, "client_id");
	if (!grant) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
		goto done;
	}
	if (!client_id) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
		goto done;
	}
	if (strcmp(grant, "client_credentials") != 0 && !is_device_grant(grant) && strcmp(grant, "refresh_token") != 0 &&
	    strcmp(grant, "password") != 0) {
		aad_error(r, 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%.64s'.", grant);
		goto done;
	}
	if (!is_device_grant(grant)) {
		/* v2 needs scope=<audience>/.default; Azure Stack Hub's AD FS also takes that form
         * (what MSAL sends) instead of v1's resource= */
		if (ver == V2 || (adfs && !emu_jstr(form, "resource") && emu_jstr(form, "scope"))) {
			const char *scope = emu_jstr(form, "scope");
			if (!scope) {
				aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
				goto done;
			}
			aud = aud_from_scope(scope);
			if (!aud) {
				aad_error(r, 400, "invalid_scope", 70011,
					  "The provided value for the input parameter 'scope' is not valid. The scope '%.200s' is not "
					  "'<audience>/.default' for the audience " EMU_AUDIENCE ".",
					  scope);
				goto done;
			}
		} else {
			const char *res = emu_jstr(form, "resource");
			if (!res && strcmp(grant, "refresh_token") != 0) {
				aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'.");
				goto done;
			}
			if (res && !emu_audience_ok(res)) {
				aad_error(r, 400, "invalid_resource", 500011,
					  "The resource principal named %.200s was not found in the tenant named %.128s.", res, tenant_seg);
				goto done;
			}
			aud = res ? emu_strndup(res, strlen(res)) : NULL;
		}
	}
	if (strcmp(grant, "client_credentials") == 0)
		grant_client_credentials(r, form, tenant_seg, tenant, aud, ver == V2);
	else if (is_device_grant(grant))
		grant_device_code(r, form, ver == V2);
	else if (strcmp(grant, "password") == 0)
		grant_password(r, form, tenant_seg, tenant, aud, ver == V2);
	else
		grant_refresh(r, form, tenant, aud, ver == V2);
done:
	free(aud);
	if (form) { /* wipe secrets held in the parsed form */
		const char *k;
		json_t *v;
		json_object_foreach(form, k, v)
		{
			if (json_is_string(v) && json_string_length(v) > 0)
				OPENSSL_cleanse((void *)json_string_value(v), json_string_length(v));
		}
	}
	json_decref(form);
}

/* ---- device code ----------------------------------------------------------------------- */

static void devicecode_endpoint(emu_req *r, const char *tenant_seg, enum tver ver)
{
	json_t *form = NULL, *tenant = NULL, *rec;
	const char *client_id, *tid;
	char *aud = NULL, *dc = NULL;
	char user_code[10], uri[128], msg[400];
	unsigned char rnd[8];
	static const char letters[] = "BCDFGHJKLMNPQRSTVWXZ";
	long long life = emu_cfg_int("deviceCodeLifetimeSeconds", 900);
	json_t *iv = json_object_get(g_emu.config, "deviceCodeInterval");
	double interval = json_is_number(iv) ? json_number_value(iv) : 1.0;
	if (!identity_post(r, tenant_seg, ver, &form, &tenant))
		goto done;
	client_id = emu_jstr(form, "client_id");
	if (!client_id) {
		aad_error(r, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
		goto done;
	}
	if (!is_public_client(client_id)) {
		if (emu_find_app(client_id))
			aad_error(r, 400, "invalid_client", 7000218,
				  "The request body must contain the following parameter: 'client_assertion' or 'client_secret' "
				  "(the app is not a public client).");
		else
			aad_error(r, 400, "unauthorized_client", 700016,
				  "Application with identifier '%.64s' was not found in the directory '%.128s'.", client_id, tenant_seg);
		goto done;
	}
	if (ver == V2) {
		const char *scope = emu_jstr(form, "scope");
		aud = scope ? aud_from_scope(scope) : NULL;
		if (!aud) {
			aad_error(r, 400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid.");
			goto done;
		}
	} else {
		const char *res = emu_jstr(form, "resource");
		if (!res || !emu_audience_ok(res)) {
			aad_error(r, 400, "invalid_resource", 500011, "The resource principal was not found in the tenant.");
			goto done;
		}
		aud = emu_strndup(res, strlen(res));
	}
	if (RAND_bytes(rnd, sizeof rnd) != 1)
		goto done;
	for (int i = 0; i < 4; i++)
		user_code[i] = letters[rnd[i] % (sizeof letters - 1)];
	user_code[4] = '-';
	for (int i = 0; i < 4; i++)
		user_code[5 + i] = (char)('0' + rnd[4 + i] % 10);
	user_code[9] = '\0';
	dc = random_token(32);
	if (!dc)
		goto done;
	tid = tenant ? emu_jstr(tenant, "id") : first_tenant_id();
	if (interval < 0)
		interval = 0;
	/* no "lastPollMono" yet: the first poll is never told to slow down (see the poll) */
	rec = json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:f}", "clientId", client_id, "tenantId", tid ? tid : "", "aud", aud,
			"userCode", user_code, "state", "pending", "expiresMono", emu_mono() + (double)life,
			"interval", interval);
	if (emu_jstr(form, "scope"))
		json_object_set_new(rec, "scope", json_string(emu_jstr(form, "scope")));
	json_object_set_new(g_emu.devicecodes, dc, rec);
	snprintf(uri, sizeof uri, "%s/devicelogin", g_emu.base);
	snprintf(msg, sizeof msg,
		 "To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", uri, user_code);
	emu_respond_json(r, 200,
			 json_pack("{s:s,s:s,s:s,s:I,s:I,s:s}", "device_code", dc, "user_code", user_code,
				   "verification_uri", uri, "expires_in", (json_int_t)life, "interval",
				   (json_int_t)(interval + 0.999), "message", msg));
done:
	free(aud);
	emu_wipe_free(dc);
	json_decref(form);
}

void emu_control_devicecode(emu_req *r, bool approve, json_t *body)
{
	const char *uc = emu_jstr(body, "userCode");
	const char *k;
	json_t *rec, *found = NULL;
	if (!uc) {
		emu_arm_error(r, 400, "InvalidRequestContent", "Body {\"userCode\":\"ABCD-1234\"} is required.");
		return;
	}
	json_object_foreach(g_emu.devicecodes, k, rec)
	{
		if (strcasecmp(emu_jstr(rec, "userCode"), uc) == 0 && strcmp(emu_jstr(rec, "state"), "pending") == 0)
			found = rec;
	}
	if (!found) {
		emu_arm_error(r, 404, "NotFound", "No pending device code has this user code.");
		return;
	}
	if (approve) {
		const char *upn = emu_jstr(body, "upn");
		char fallback[200];
		if (!upn) {
			size_t i;
			json_t *u;
			json_array_foreach(json_object_get(g_emu.state, "users"), i, u)
			{
				if (!upn && emu_jstr(u, "upn") && emu_jstr(u, "tenantId") &&
				    strcasecmp(emu_jstr(u, "tenantId"), emu_jstr(found, "tenantId")) == 0)
					upn = emu_jstr(u, "upn");
			}
		}
		if (!upn) {
			json_t *t = emu_find_tenant(emu_jstr(found, "tenantId"));
			snprintf(fallback, sizeof fallback, "user@%s", t && emu_jstr(t, "domain") ? emu_jstr(t, "domain") : "emulator.local");
			upn = fallback;
		}
		json_object_set_new(found, "upn", json_string(upn));
		json_object_set_new(found, "state", json_string("approved"));
	} else {
		json_object_set_new(found, "state", json_string("declined"));
	}
	emu_respond_json(r, 200, json_pack("{s:s,s:s,s:s*}", "userCode", emu_jstr(found, "userCode"), "status", emu_jstr(found, "state"), "upn", emu_jstr(found, "upn")));
}

/* ---- openid-configuration and signing keys ---------------------------------------------- */

/*
 * The OpenID configuration as Entra ID serves it: the v1 document (/{t}/.well-known/...)
 * names the v1 endpoints and the v1 issuer (<base>/<tid>/, the `iss` of v1 tokens); the v2
 * document (/{t}/v2.0/.well-known/...) the v2 ones and issuer <base>/<tid>/v2.0. AD FS has
 * one document, issuer <base>/adfs. Each names its jwks_uri; tokens are RS256 with the key
 * published there. grant_types_supported (which Entra ID leaves out) and the client
 * authentication methods list what the token endpoints take, nothing more (no Basic
 * authentication, no authorization code: the emulator has no interactive sign-in).
 */
static void openid(emu_req *r, const char *tenant_seg, bool v2)
{
	char *issuer = NULL, *tok = NULL, *auth = NULL, *dev = NULL, *jwks = NULL;
	const char *id, *ver = v2 ? "v2.0/" : "";
	json_t *t, *doc;
	if (strcmp(r->method, "GET") != 0) {
		aad_error(r, 405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
		return;
	}
	if (strcasecmp(tenant_seg, "adfs") == 0) {
		issuer = emu_printf("%s/adfs", g_emu.base);
		tok = emu_printf("%s/adfs/oauth2/token", g_emu.base);
		auth = emu_printf("%s/adfs/oauth2/authorize", g_emu.base);
		dev = emu_printf("%s/adfs/oauth2/devicecode", g_emu.base);
		jwks = emu_printf("%s/adfs/discovery/keys", g_emu.base);
	} else {
		t = emu_find_tenant(tenant_seg);
		if (!t) {
			aad_error(r, 400, "invalid_tenant", 90002,
				  "Tenant '%.128s' not found. Check to make sure you have the correct tenant ID and are signing into "
				  "the correct cloud.",
				  tenant_seg);
			return;
		}
		id = emu_jstr(t, "id");
		issuer = emu_printf(v2 ? "%s/%s/v2.0" : "%s/%s/", g_emu.base, id);
		tok = emu_printf("%s/%s/oauth2/%stoken", g_emu.base, id, ver);
		auth = emu_printf("%s/%s/oauth2/%sauthorize", g_emu.base, id, ver);
		dev = emu_printf("%s/%s/oauth2/%sdevicecode", g_emu.base, id, ver);
		jwks = v2 ? emu_printf("%s/%s/discovery/v2.0/keys", g_emu.base, id)
			  : emu_printf("%s/common/discovery/keys", g_emu.base);
	}
	doc = issuer && tok && auth && dev && jwks
		      ? json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s,s],s:[s],s:[s],s:[s],s:[s,s,s,s,s],s:s}", "issuer", issuer,
				  "token_endpoint", tok, "authorization_endpoint", auth, "device_authorization_endpoint", dev,
				  "jwks_uri", jwks, "token_endpoint_auth_methods_supported", "client_secret_post",
				  "private_key_jwt", "response_types_supported", "code",
				  "id_token_signing_alg_values_supported", "RS256", "subject_types_supported", "pairwise",
				  "grant_types_supported", "client_credentials", "password", DEVICE_GRANT, "device_code",
				  "refresh_token", "tenant_region_scope", "emulator")
		      : NULL;
	if (doc && v2)
		json_object_set_new(doc, "scopes_supported", json_pack("[s,s,s,s]", "openid", "profile", "email", "offline_access"));
	else if (doc)
		json_object_set_new(doc, "scopes_supported", json_pack("[s]", "openid"));
	if (doc)
		emu_respond_json(r, 200, doc);
	else
		aad_error(r, 500, "server_error", 90000, "The emulator could not create the document.");
	free(issuer);
	free(tok);
	free(auth);
	free(dev);
	free(jwks);
}

/* GET /{common|organizations|tenant}/discovery[/v2.0]/keys and /adfs/discovery/keys: the
 * key every token is signed with (one key for all tenants, as Entra ID's are shared). */
static void signing_keys(emu_req *r, const char *tenant_seg)
{
	if (strcmp(r->method, "GET") != 0) {
		aad_error(r, 405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
		return;
	}
	if (strcasecmp(tenant_seg, "adfs") != 0 && strcasecmp(tenant_seg, "common") != 0 &&
	    strcasecmp(tenant_seg, "organizations") != 0 && !emu_find_tenant(tenant_seg)) {
		aad_error(r, 400, "invalid_tenant", 90002,
			  "Tenant '%.128s' not found. Check to make sure you have the correct tenant ID and are signing into "
			  "the correct cloud.",
			  tenant_seg);
		return;
	}
	emu_respond_json(r, 200, json_deep_copy(g_emu.jwks));
}

/*
 * Home realm discovery as MSAL.NET does it before a username/password sign-in:
 * GET /common/userrealm/{upn}?api-version=1.0. A user of a tenant's domain is "Managed" (the
 * password goes to the token endpoint); any other domain "Unknown". No federated domains.
 */
static void user_realm(emu_req *r, const char *upn)
{
	const char *at = strrchr(upn, '@');
	const char *enc = strstr(upn, "%40");
	const char *domain = at ? at + 1 : (enc ? enc + 3 : NULL);
	json_t *t = domain && *domain ? emu_find_tenant(domain) : NULL;
	if (strcmp(r->method, "GET") != 0) {
		aad_error(r, 405, "invalid_request", 900561, "The endpoint only accepts GET requests.");
		return;
	}
	if (t)
		emu_respond_json(r, 200,
				 json_pack("{s:s,s:s,s:s,s:s,s:s}", "ver", "1.0", "account_type", "Managed", "domain_name",
					   emu_jstr(t, "domain") ? emu_jstr(t, "domain") : domain, "cloud_instance_name",
					   "microsoftonline.com", "cloud_audience_urn", "urn:federation:MicrosoftOnline"));
	else
		emu_respond_json(r, 200, json_pack("{s:s,s:s,s:s}", "ver", "1.0", "account_type", "Unknown", "cloud_instance_name", "microsoftonline.com"));
}

/* ---- managed identity ---------------------------------------------------------------------- */

static void msi_error(emu_req *r, int status, const char *error, const char *desc)
{
	emu_respond_json(r, status, json_pack("{s:s,s:s}", "error", error, "error_description", desc));
}

static void managed_identity(emu_req *r, bool imds)
{
	const char *api = emu_query(r, "api-version");
	const char *resource = emu_query(r, "resource");
	const char *want_header = emu_jstr(g_emu.state, "identityHeader");
	const char *cid = emu_query(r, "client_id");
	const char *rid = emu_query(r, "mi_res_id") ? emu_query(r, "mi_res_id") : emu_query(r, "msi_res_id");
	const char *pid = emu_query(r, "principal_id") ? emu_query(r, "principal_id") : emu_query(r, "object_id");
	json_t *mi = NULL, *m;
	size_t i;
	long long life = 0;
	char *at;
	char exp[32], ein[32], nbf[32];
	r->is_token = true;
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "POST") != 0) {
		msi_error(r, 405, "invalid_request", "Only GET is supported.");
		return;
	}
	if (imds) {
		const char *md = emu_header_in(r, "Metadata");
		if (!md || strcasecmp(md, "true") != 0) {
			msi_error(r, 400, "invalid_request", "Required metadata header not specified");
			return;
		}
		if (!api) {
			msi_error(r, 400, "invalid_request", "Required query variable 'api-version' is missing");
			return;
		}
	} else {
		const char *hname;
		const char *got;
		if (api && strcmp(api, "2019-08-01") == 0)
			hname = "X-IDENTITY-HEADER";
		else if (api && strcmp(api, "2017-09-01") == 0)
			hname = "secret";
		else {
			msi_error(r, 400, "invalid_request", "api-version must be 2019-08-01 (X-IDENTITY-HEADER) or 2017-09-01 (secret).");
			return;
		}
		got = emu_header_in(r, hname);
		if (!got || !*got) {
			msi_error(r, 400, "invalid_request",
				  strcmp(hname, "secret") == 0 ? "Required header 'secret' not specified"
							       : "Required header 'X-IDENTITY-HEADER' not specified");
			return;
		}
		if (want_header && !emu_ct_equal(want_header, got)) {
			msi_error(r, 401, "unauthorized_client", "The identity header value is not valid.");
			return;
		}
	}
	if (!resource || !*resource) {
		msi_error(r, 400, "invalid_request", "Required audience parameter 'resource' not specified");
		return;
	}
	if (!emu_audience_ok(resource)) {
		msi_error(r, 400, "invalid_resource", "AADSTS500011: The resource principal was not found in the tenant.");
		return;
	}
	json_array_foreach(json_object_get(g_emu.state, "managedIdentities"), i, m)
	{
		if (mi)
			break;
		if (cid) {
			if (emu_jstr(m, "clientId") && strcasecmp(emu_jstr(m, "clientId"), cid) == 0)
				mi = m;
		} else if (rid) {
			if (emu_jstr(m, "resourceId") && strcasecmp(emu_jstr(m, "resourceId"), rid) == 0)
				mi = m;
		} else if (pid) {
			if (emu_jstr(m, "principalId") && strcasecmp(emu_jstr(m, "principalId"), pid) == 0)
				mi = m;
		} else if (emu_jbool(m, "systemAssigned", false)) {
			mi = m;
		}
	}
	if (!mi) {
		msi_error(r, 400, "invalid_request", (cid || rid || pid) ? "Identity not found" : "No system-assigned managed identity is configured.");
		return;
	}
	{
		const char *tid = emu_jstr(mi, "tenantId") ? emu_jstr(mi, "tenantId") : first_tenant_id();
		const char *oid = emu_jstr(mi, "principalId");
		const char *appid = emu_jstr(mi, "clientId");
		json_t *extra = json_pack("{s:s,s:s}", "idtyp", "app", "ver", "1.0");
		if (emu_jstr(mi, "resourceId"))
			json_object_set_new(extra, "xms_mirid", json_string(emu_jstr(mi, "resourceId")));
		at = issue(resource, tid, oid, appid, extra, &life);
	}
	if (!at) {
		msi_error(r, 500, "server_error", "The emulator could not create a token.");
		return;
	}
	snprintf(exp, sizeof exp, "%lld", emu_now() + life);
	snprintf(ein, sizeof ein, "%lld", life);
	snprintf(nbf, sizeof nbf, "%lld", emu_now());
	emu_stat_inc("byManagedIdentity");
	emu_respond_json(r, 200,
			 json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "access_token", at, "expires_on", exp, "expires_in",
				   ein, "not_before", nbf, "resource", resource, "token_type", "Bearer", "client_id",
				   emu_jstr(mi, "clientId") ? emu_jstr(mi, "clientId") : ""));
	emu_wipe_free(at);
}

/* ---- entry -------------------------------------------------------------------------------- */

static bool is(char *const *segs, int n, int i, const char *w)
{
	return i < n && strcasecmp(segs[i], w) == 0;
}

bool emu_identity_handle(emu_req *r)
{
	char buf[2048];
	char *segs[8];
	int n = emu_split_path(r->path, buf, sizeof buf, segs, 8);
	if (n < 0)
		return false;
	if (n == 2 && is(segs, n, 0, "msi") && is(segs, n, 1, "token")) {
		managed_identity(r, false);
		return true;
	}
	if (n == 4 && is(segs, n, 0, "metadata") && is(segs, n, 1, "identity") && is(segs, n, 2, "oauth2") &&
	    is(segs, n, 3, "token")) {
		managed_identity(r, true);
		return true;
	}
	if (n >= 1 && is(segs, n, 0, "subscriptions"))
		return false;
	if (n == 3 && is(segs, n, 1, "oauth2") && is(segs, n, 2, "token")) {
		token_endpoint(r, segs[0], strcasecmp(segs[0], "adfs") == 0 ? ADFS : V1);
		return true;
	}
	if (n == 4 && is(segs, n, 1, "oauth2") && is(segs, n, 2, "v2.0") && is(segs, n, 3, "token")) {
		token_endpoint(r, segs[0], V2);
		return true;
	}
	if (n == 3 && is(segs, n, 1, "oauth2") && is(segs, n, 2, "devicecode")) {
		devicecode_endpoint(r, segs[0], strcasecmp(segs[0], "adfs") == 0 ? ADFS : V1);
		return true;
	}
	if (n == 4 && is(segs, n, 1, "oauth2") && is(segs, n, 2, "v2.0") && is(segs, n, 3, "devicecode")) {
		devicecode_endpoint(r, segs[0], V2);
		return true;
	}
	if (n == 3 && is(segs, n, 1, "userrealm")) {
		user_realm(r, segs[2]);
		return true;
	}
	if (n == 3 && is(segs, n, 1, ".well-known") && is(segs, n, 2, "openid-configuration")) {
		openid(r, segs[0], false);
		return true;
	}
	if (n == 4 && is(segs, n, 1, "v2.0") && is(segs, n, 2, ".well-known") && is(segs, n, 3, "openid-configuration")) {
		openid(r, segs[0], strcasecmp(segs[0], "adfs") != 0);
		return true;
	}
	if ((n == 3 && is(segs, n, 1, "discovery") && is(segs, n, 2, "keys")) ||
	    (n == 4 && is(segs, n, 1, "discovery") && is(segs, n, 2, "v2.0") && is(segs, n, 3, "keys"))) {
		signing_keys(r, segs[0]);
		return true;
	}
	return false;
}
