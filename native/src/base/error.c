/*
 * error.c: setting the thread's last error (messages redacted and made one line), ARM and
 * identity error body parsing, hints. The storage itself is error_state.c's.
 */
#define AZSREG_ERROR_C
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

static const char *nz(const char *s)
{
	return s ? s : "";
}

static char *plain_copy(const char *s)
{
	char *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	p = malloc(n + 1);
	if (p != NULL)
		memcpy(p, s, n + 1);
	return p;
}

/* A redacted heap copy of s, or NULL (s NULL or out of memory). */
static char *redacted_copy(const char *s)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	if (s == NULL)
		return NULL;
	if (azsreg_log__redact(&b, s) != AZSREG_OK) {
		azsreg_buf__wipe_free(&b);
		return NULL;
	}
	return azsreg_buf__detach(&b);
}

/*
 * A copy of a JSON value with every string, member names included, redacted on its own,
 * and the scalar value of a secret member (client_secret, access_token...) made "***".
 * Redacting the JSON text as a whole could cut through its structure (a "Set-Cookie:"
 * inside a string masks to the end of the line, closing quotes and brackets with it).
 * NULL out of memory.
 */
static json_t *redact_json(json_t *v, int depth)
{
	json_t *out, *item;
	const char *key;
	char *r;
	size_t i;

	if (depth > 32)
		return json_string("***");
	switch (json_typeof(v)) {
	case JSON_STRING:
		r = redacted_copy(json_string_value(v));
		if (r == NULL)
			return NULL;
		out = json_string(r); /* NULL when masking left invalid UTF-8 */
		azsreg__wipe(r, strlen(r));
		free(r);
		return out != NULL ? out : json_string("***");
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, item)
		{
			if (out == NULL || json_array_append_new(out, redact_json(item, depth + 1)) != 0) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach(v, key, item)
		{
			json_t *value;
			r = redacted_copy(key);
			if (out == NULL || r == NULL) {
				free(r);
				json_decref(out);
				return NULL;
			}
			if (azsreg_log__member_is_secret(key) && !json_is_object(item) && !json_is_array(item) && !json_is_null(item))
				value = json_string("***");
			else
				value = redact_json(item, depth + 1);
			if (value == NULL || json_object_set_new(out, r, value) != 0) {
				free(r);
				json_decref(out);
				return NULL;
			}
			free(r);
		}
		return out;
	default:
		return json_deep_copy(v);
	}
}

/*
 * The details of an ARM error as compact JSON text, redacted string by string. "" when
 * the text is not JSON, or when a registered secret still shows across the structure
 * (a secret containing quotes); NULL out of memory.
 */
static char *redacted_json_copy(const char *s)
{
	json_t *root, *clean;
	char *text;

	if (s == NULL)
		return NULL;
	root = json_loads(s, JSON_DECODE_ANY, NULL);
	if (root == NULL)
		return plain_copy("");
	clean = redact_json(root, 0);
	json_decref(root);
	if (clean == NULL)
		return NULL;
	text = json_dumps(clean, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(clean);
	if (text != NULL && azsreg_secret__in(text, strlen(text))) {
		azsreg__wipe(text, strlen(text));
		free(text);
		text = plain_copy("");
	}
	return text;
}

/*
 * Escapes C0 control characters and DEL in place of a heap string (reallocated), so that
 * a message quoting input stays one line and cannot forge lines of its own: \r \n \t,
 * others as \xNN. Backslashes are left as they are. Returns the new string (s on no
 * change), or NULL out of memory (s is then freed).
 */
static char *escape_controls(char *s)
{
	static const char hex[] = "0123456789abcdef";
	azsreg_buf b = AZSREG_BUF_INIT;
	const unsigned char *p;

	if (s == NULL)
		return NULL;
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			break;
	}
	if (*p == '\0')
		return s;
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\r') {
			(void)azsreg_buf__put(&b, "\\r", 2);
		} else if (*p == '\n') {
			(void)azsreg_buf__put(&b, "\\n", 2);
		} else if (*p == '\t') {
			(void)azsreg_buf__put(&b, "\\t", 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			char t[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 15] };
			(void)azsreg_buf__put(&b, t, 4);
		} else {
			(void)azsreg_buf__put(&b, (const char *)p, 1);
		}
	}
	azsreg__wipe(s, strlen(s));
	free(s);
	if (b.failed) {
		azsreg_buf__wipe_free(&b);
		return NULL;
	}
	return azsreg_buf__detach(&b);
}

/*
 * A redacted, control-character-escaped and again redacted heap copy of a message or a
 * field, or NULL. The first pass sees the real lines (header lines); the second one the
 * text as it is kept: escaping can rebuild a registered secret from text that does not
 * hold it (found by fuzz_error_body: a form feed before "uzz-..." came out as
 * "\\f" + "uzz-..." in the error's JSON). With no control characters left, JSON escaping
 * only adds backslashes before quotes and backslashes.
 */
static char *message_copy(const char *s)
{
	char *redacted, *escaped, *r;

	if (s == NULL)
		return NULL;
	redacted = redacted_copy(s);
	if (redacted == NULL)
		return NULL;
	escaped = escape_controls(redacted); /* takes `redacted` */
	if (escaped == NULL || escaped == redacted)
		return escaped; /* nothing was escaped: nothing new to redact */
	r = redacted_copy(escaped);
	azsreg__wipe(escaped, strlen(escaped));
	free(escaped);
	return r;
}

/* Stores an already redacted message (takes ownership); every other field is cleared. */
static int tls_store(int code, char *message)
{
	azsreg_error_state *e = azsreg_error__state();

	azsreg_error__state_clear(e);
	e->message = message;
	azsreg_error__state_publish(e, code, 0, NULL);
	return code;
}

AZSREG_EXTERN(const char *) azsreg_error_last_json(void)
{
	azsreg_error_state *e = azsreg_error__state();
	json_t *obj = NULL, *details = NULL;
	char *text = NULL;
	int bad = 0;

	if (azsreg_error__state_is_fallback(e))
		return "{\"code\":-10,\"codeName\":\"AZSREG_ENOMEM\",\"httpStatus\":0,\"message\":\"out of memory\"}";
	obj = json_object();
	azsreg_json__set(obj, "code", json_integer(e->pub.code), &bad);
	azsreg_json__set(obj, "codeName", json_string(azsreg_result_name(e->pub.code)), &bad);
	azsreg_json__set(obj, "httpStatus", json_integer(e->pub.http_status), &bad);
	/* Strings may not be valid UTF-8 (bytes from a server): azsreg_json__text shows a placeholder. */
	azsreg_json__set(obj, "message", azsreg_json__text(nz(e->pub.message)), &bad);
	azsreg_json__set(obj, "armCode", azsreg_json__text(nz(e->pub.arm_code)), &bad);
	azsreg_json__set(obj, "armMessage", azsreg_json__text(nz(e->pub.arm_message)), &bad);
	azsreg_json__set(obj, "target", azsreg_json__text(nz(e->pub.target)), &bad);
	if (e->pub.details_json[0] != '\0')
		details = json_loads(e->pub.details_json, JSON_DECODE_ANY, NULL);
	azsreg_json__set(obj, "details", details ? details : json_array(), &bad);
	details = NULL;
	azsreg_json__set(obj, "requestId", azsreg_json__text(nz(e->pub.request_id)), &bad);
	azsreg_json__set(obj, "correlationId", azsreg_json__text(nz(e->pub.correlation_id)), &bad);
	azsreg_json__set(obj, "hint", azsreg_json__text(nz(e->pub.hint)), &bad);
	if (!bad)
		text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	free(e->json);
	e->json = text;
	if (e->json == NULL)
		return "{\"code\":-10,\"codeName\":\"AZSREG_ENOMEM\",\"httpStatus\":0,\"message\":\"out of memory\"}";
	return e->json;
}

AZSREG_EXTERN(const char *) azsreg_result_name(int code)
{
	switch (code) {
	case AZSREG_OK:
		return "AZSREG_OK";
	case AZSREG_ERROR:
		return "AZSREG_ERROR";
	case AZSREG_EINVALID:
		return "AZSREG_EINVALID";
	case AZSREG_ENOTFOUND:
		return "AZSREG_ENOTFOUND";
	case AZSREG_EAUTH:
		return "AZSREG_EAUTH";
	case AZSREG_ETHROTTLED:
		return "AZSREG_ETHROTTLED";
	case AZSREG_ETIMEOUT:
		return "AZSREG_ETIMEOUT";
	case AZSREG_ETLS:
		return "AZSREG_ETLS";
	case AZSREG_ENETWORK:
		return "AZSREG_ENETWORK";
	case AZSREG_ESERVICE:
		return "AZSREG_ESERVICE";
	case AZSREG_ENOMEM:
		return "AZSREG_ENOMEM";
	case AZSREG_ECONFLICT:
		return "AZSREG_ECONFLICT";
	case AZSREG_ECANCELLED:
		return "AZSREG_ECANCELLED";
	case AZSREG_EPARTIAL:
		return "AZSREG_EPARTIAL";
	default:
		return "AZSREG_UNKNOWN";
	}
}

/* ---------------------------------------------------------------- hints */

typedef struct hint_entry {
	const char *code;
	const char *hint;
} hint_entry;

static const hint_entry hints[] = {
	/* Customer subscription registration (Microsoft.AzureStack). */
	{ "RegistrationNotFound",
	  "No registration by this name in this subscription and resource group at this ARM endpoint. Registrations live in public (or sovereign) Azure (https://management.azure.com/, management.chinacloudapi.cn, management.usgovcloudapi.net), not on the Azure Stack deployment's own ARM: in the cloud used at registration time, list the subscription's registrations with GET /subscriptions/<sub>/providers/Microsoft.AzureStack/registrations?api-version=2017-06-01 and use the one whose CloudId matches the deployment." },
	{ "BadCustomerSubscriptionId",
	  "The customer subscription belongs to a different CSP partner than the registration; check the ID: only your own CSP customers can be added." },
	{ "InvalidCustomerSubscriptionId",
	  "This is not a valid Azure subscription ID; check the customer subscription ID." },
	{ "CustomerSubscriptionNotFound",
	  "There is no mapping for this customer subscription under this registration: it was never added, or the ID is mistyped." },
	{ "UnauthorizedCspRegistration",
	  "The registration is not approved for multi-tenancy: ask Microsoft to enable multi-tenant billing for this registration." },
	{ "CustomerSubscriptionsNotAllowed",
	  "The registration uses the Capacity (disconnected) billing model, which cannot add tenants; re-register with PayAsYouUse." },
	{ "InvalidCSPSubscription",
	  "The customer subscription is not a CSP subscription; check the ID." },
	{ "MetadataResolverBadGatewayError",
	  "An upstream service failed; this is transient: retry later." },
	{ "InvalidRequestContent",
	  "The request body was missing or malformed; PUT needs {\"properties\":{...}}." },
	/* ARM itself. */
	{ "AuthorizationFailed",
	  "The signed-in identity lacks permission on this scope: grant it a role that allows the action (e.g. Contributor on the registration's resource group), then sign in again." },
	{ "InvalidAuthenticationToken",
	  "ARM refused the token: it is garbled, or issued for another audience or cloud; check the environment (cloud) and sign in again." },
	{ "ExpiredAuthenticationToken",
	  "The access token expired; sign in again (a credential that can renew tokens avoids this)." },
	{ "InvalidAuthenticationTokenTenant",
	  "The token was issued by another directory (tenant) than the one that owns the subscription: sign in to the directory of the registration's subscription (the tenant given to the credential, or AZURE_TENANT_ID)." },
	{ "SubscriptionNotFound",
	  "The subscription was not found in this cloud for this identity; check the subscription ID, the cloud, and that the identity has access to it." },
	{ "ResourceGroupNotFound",
	  "The resource group does not exist in this subscription; check its name (registrations usually live in 'azurestack')." },
	{ "MissingSubscriptionRegistration",
	  "The Microsoft.AzureStack resource provider is not registered for this subscription; register it (ARM: POST /subscriptions/<sub>/providers/Microsoft.AzureStack/register?api-version=2021-04-01, or the subscription's Resource providers page in the portal)." },
	{ "NoRegisteredProviderFound",
	  "The resource provider or api-version is unknown in this location; check the api-version (2017-06-01) and that Microsoft.AzureStack is registered." },
	{ "RequestDisallowedByPolicy",
	  "An Azure Policy assignment blocked the request; ask the policy owner for an exemption or change the request." },
	{ "TooManyRequests",
	  "ARM throttled the requests; wait for the Retry-After time and retry, or lower the rate (e.g. fewer parallel requests)." },
	{ "CloudIdUpdateNotAllowed",
	  "A registration's CloudId cannot be changed; use the registration that was created for this deployment, or remove and re-register it." },
	{ "InternalServerError",
	  "The service failed internally; this is usually transient: retry later and report the request ID if it persists." },
	{ "GatewayTimeout",
	  "The resource provider did not answer ARM in time; retry later (the request may still have been applied: check with a GET)." },
	{ "InvalidApiVersionParameter",
	  "The api-version is not supported for this resource type; use 2017-06-01." },
	/* Identity (Azure AD / AD FS / managed identity). */
	{ "invalid_client",
	  "The application's credential was refused: check the client secret or certificate, and that it belongs to this application and tenant." },
	{ "unauthorized_client",
	  "The application is not known in this tenant or not allowed this grant: check the client (application) ID and the tenant." },
	{ "invalid_request",
	  "The identity provider refused the request: check the tenant ID or domain and the authority (cloud)." },
	{ "invalid_grant",
	  "The grant (refresh token, device code or assertion) is invalid or expired; sign in again." },
	{ "invalid_scope",
	  "The requested scope or resource is not valid for this authority; check the environment's audience." },
	{ "AADSTS90002",
	  "The tenant was not found in this cloud: check the tenant ID or domain, and that you use the right cloud (environment)." },
	{ "AADSTS7000215",
	  "Wrong client secret: use the secret's value (not its ID) and check it belongs to this application." },
	{ "AADSTS7000222",
	  "The client secret has expired: create a new secret for the application and use it." },
	{ "AADSTS700016",
	  "The application (client ID) was not found in this tenant: check the client ID, the tenant, and that the application was consented in the tenant." },
	{ "AADSTS700027",
	  "The client assertion was refused: the certificate is not registered on the application, or the assertion's signature, audience or issuer is wrong; upload the certificate to the application." },
	{ "AADSTS700024",
	  "The client assertion is expired or not yet valid: check the system clock, and for federated credentials refresh the token file." },
	{ "AADSTS50027",
	  "The client assertion is not a valid JWT (bad signature or claims); check the certificate and its private key." },
	{ "AADSTS500011",
	  "The resource (audience) was not found in this tenant: check the environment's audience." },
	{ "AADSTS70011",
	  "The requested scope is invalid: check the environment's audience." },
	{ "AADSTS50126",
	  "Wrong user name or password: check both (the user name is the full user@domain sign-in name), and that the password has not expired or been changed." },
	{ "AADSTS50076",
	  "This account needs multi-factor authentication: sign in with a device code or use a service principal." },
	{ "AADSTS50079",
	  "This account needs multi-factor authentication: sign in with a device code or use a service principal." },
	/* AD FS (Azure Stack Hub disconnected or AD FS-integrated): its MSIS codes. */
	{ "MSIS9622",
	  "AD FS refused the application's credential: check the client secret or certificate, and that it belongs to this client (application group) in AD FS." },
	{ "MSIS9607",
	  "AD FS has no client with this client ID: check the client (application) ID registered in AD FS." },
	{ "MSIS9659",
	  "Wrong user name or password for AD FS: check both, and that the password has not expired or been changed." },
	{ "MSIS9602",
	  "AD FS does not know the requested resource: check the environment's audience (from the Azure Stack ARM endpoint's metadata)." },
	{ "interaction_required",
	  "This account needs multi-factor authentication: sign in with a device code or use a service principal." },
	{ "AADSTS50034",
	  "The user account does not exist in this directory: check the user name (user@domain) and the tenant; a guest or personal (Microsoft) account cannot sign in with a password here." },
	{ "authorization_declined",
	  "The user declined the sign-in request; run the command again and approve it." },
	{ "expired_token",
	  "The device code expired before the sign-in finished; run the command again and complete the sign-in sooner." },
	{ "ManagedIdentityUnavailable",
	  "No managed identity is available here: run inside Azure (Automation, App Service, a VM or Arc-enabled server with an identity), or set IDENTITY_ENDPOINT / IDENTITY_HEADER, or use another credential." },
};

AZSREG_EXTERN(const char *) azsreg_error_hint(const char *arm_code)
{
	size_t i;

	if (arm_code == NULL || arm_code[0] == '\0')
		return NULL;
	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (strcasecmp(hints[i].code, arm_code) == 0)
			return hints[i].hint;
	}
	return NULL;
}

/* --------------------------------------------------------------- setters */

int azsreg__options_init(void *opts, const void *init, size_t size, unsigned int version, unsigned int expected,
			 const char *what)
{
	if (opts == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "%s options: NULL", what);
	if (version != expected)
		return azsreg_error__set(AZSREG_EINVALID, "%s options: unknown version %u (expected %u)", what, version,
					 expected);
	memcpy(opts, init, size);
	return AZSREG_OK;
}

int azsreg_error__set(int code, const char *fmt, ...)
{
	azsreg_error_state *e = azsreg_error__state();
	azsreg_buf raw = AZSREG_BUF_INIT;
	char *msg = NULL;
	va_list ap;

	if (e->busy)
		return code;
	if (e->quiet) {
		azsreg_error__state_clear(e);
		azsreg_error__state_publish(e, code, 0, NULL);
		return code;
	}
	e->busy = 1;
	va_start(ap, fmt);
	(void)azsreg_buf__vprintf(&raw, fmt ? fmt : "", ap);
	va_end(ap);
	if (!raw.failed)
		msg = message_copy(azsreg_buf__cstr(&raw));
	azsreg_buf__wipe_free(&raw);
	if (msg == NULL)
		msg = plain_copy(code == AZSREG_ENOMEM ? "out of memory" : "out of memory building this error's message");
	tls_store(code, msg);
	e->busy = 0;
	return code;
}

int azsreg_error__quiet(int on)
{
	azsreg_error_state *e = azsreg_error__state();
	int was;

	if (azsreg_error__state_is_fallback(e))
		return 0;
	was = e->quiet;
	e->quiet = on != 0;
	return was;
}

int azsreg_error__set_info(const azsreg_error_info *info)
{
	azsreg_error_state *e = azsreg_error__state();
	char *message, *arm_code, *arm_message, *target, *details, *rid, *cid;

	if (info == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "error info is NULL");
	if (e->busy)
		return info->code;
	e->busy = 1;
	message = message_copy(info->message);
	arm_code = message_copy(info->arm_code);
	arm_message = message_copy(info->arm_message);
	target = message_copy(info->target);
	details = redacted_json_copy(info->details_json); /* JSON text: no raw control characters */
	rid = message_copy(info->request_id);
	cid = message_copy(info->correlation_id);
	azsreg_error__state_clear(e);
	e->message = message;
	e->arm_code = arm_code;
	e->arm_message = arm_message;
	e->target = target;
	e->details_json = details;
	e->request_id = rid;
	e->correlation_id = cid;
	azsreg_error__state_publish(e, info->code, info->http_status, azsreg_error_hint(e->arm_code));
	e->busy = 0;
	return info->code;
}

void azsreg_error__set_hint(const char *hint)
{
	azsreg_error_state *e = azsreg_error__state();

	if (!azsreg_error__state_is_fallback(e) && e->pub.code != 0)
		e->pub.hint = nz(hint);
}

void azsreg_error__set_target(const char *target)
{
	azsreg_error_state *e = azsreg_error__state();
	char *t;

	if (azsreg_error__state_is_fallback(e) || e->pub.code == 0 || e->busy || e->quiet)
		return;
	t = redacted_copy(target);
	if (t == NULL)
		return;
	free(e->target);
	e->target = t;
	e->pub.target = t;
}

/* Rewrites the current message as "<formatted>: <message>" (prefix) or "<message><formatted>"
 * keeping every other field; a non-zero code replaces the code. */
static int rewrite_message(int prefix, int code, const char *fmt, va_list ap)
{
	azsreg_error_state *e = azsreg_error__state();
	azsreg_buf raw = AZSREG_BUF_INIT;
	char *msg = NULL;

	if (e->busy)
		return e->pub.code;
	if (e->quiet) {
		if (code != 0)
			e->pub.code = code;
		return e->pub.code;
	}
	e->busy = 1;
	if (!prefix)
		(void)azsreg_buf__puts(&raw, e->pub.message);
	(void)azsreg_buf__vprintf(&raw, fmt ? fmt : "", ap);
	if (prefix && e->pub.message[0] != '\0') {
		(void)azsreg_buf__puts(&raw, ": ");
		(void)azsreg_buf__puts(&raw, e->pub.message);
	}
	if (!raw.failed)
		msg = message_copy(azsreg_buf__cstr(&raw));
	azsreg_buf__wipe_free(&raw);
	if (msg != NULL) {
		free(e->message);
		e->message = msg;
		e->pub.message = msg;
	}
	if (code != 0)
		e->pub.code = code;
	e->busy = 0;
	return e->pub.code;
}

int azsreg_error__prefix(const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rewrite_message(1, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int azsreg_error__suffix(int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = rewrite_message(0, code, fmt, ap);
	va_end(ap);
	return rc;
}

int azsreg_error__code_for_status(int status, const char *arm_code)
{
	if (status >= 200 && status < 300)
		return AZSREG_OK;
	if (arm_code != NULL && arm_code[0] != '\0') {
		if (strcasecmp(arm_code, "TooManyRequests") == 0)
			return AZSREG_ETHROTTLED;
		if (strcasecmp(arm_code, "AuthorizationFailed") == 0 ||
		    strcasecmp(arm_code, "InvalidAuthenticationToken") == 0 ||
		    strcasecmp(arm_code, "ExpiredAuthenticationToken") == 0 ||
		    strcasecmp(arm_code, "InvalidAuthenticationTokenTenant") == 0)
			return AZSREG_EAUTH;
	}
	switch (status) {
	case 401:
	case 403:
		return AZSREG_EAUTH;
	case 404:
		return AZSREG_ENOTFOUND;
	case 409:
		return AZSREG_ECONFLICT;
	case 429:
		return AZSREG_ETHROTTLED;
	case 408:
	case 504:
		return AZSREG_ETIMEOUT;
	default:
		return AZSREG_ESERVICE;
	}
}

/* ------------------------------------------------------------ body parsing */

/* Case-insensitive member lookup (ARM sometimes sends "Code" / "Message"). */
static json_t *member(json_t *obj, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	if (v != NULL)
		return v;
	json_object_foreach(obj, k, v)
	{
		if (strcasecmp(k, key) == 0)
			return v;
	}
	return NULL;
}

/* A member as text: strings as they are, {"value": "..."} (OData), numbers. */
static const char *member_str(json_t *obj, const char *key)
{
	json_t *v = member(obj, key);

	if (json_is_object(v))
		v = member(v, "value");
	if (json_is_string(v))
		return json_string_value(v);
	return NULL;
}

/* Appends `text` flattened to one line (CR/LF/tabs -> single spaces, trimmed). */
static void put_one_line(azsreg_buf *b, const char *text, size_t max)
{
	size_t i, n = 0;
	int space = 0;

	for (i = 0; text[i] != '\0' && n < max; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f) {
			space = 1;
			continue;
		}
		if (space && n > 0) {
			(void)azsreg_buf__put(b, " ", 1);
			n++;
		}
		space = 0;
		(void)azsreg_buf__put(b, (const char *)&c, 1);
		n++;
	}
	if (text[i] != '\0')
		(void)azsreg_buf__puts(b, "...");
}

static void put_ids(azsreg_buf *b, int status, const char *rid, const char *cid)
{
	int any = 0;

	(void)azsreg_buf__puts(b, " (");
	if (status > 0) {
		(void)azsreg_buf__printf(b, "HTTP %d", status);
		any = 1;
	}
	if (rid != NULL && rid[0] != '\0') {
		(void)azsreg_buf__printf(b, "%srequest ID %s", any ? ", " : "", rid);
		any = 1;
	}
	if (cid != NULL && cid[0] != '\0') {
		(void)azsreg_buf__printf(b, "%scorrelation ID %s", any ? ", " : "", cid);
		any = 1;
	}
	if (any) {
		(void)azsreg_buf__puts(b, ")");
	} else if (!b->failed && b->ptr != NULL && b->size >= 2) {
		b->size -= 2; /* drop the " (" (never underflow after an out-of-memory append) */
		b->ptr[b->size] = '\0';
	}
}

/* " ; body starts with "..."" for bodies that are not JSON. */
static void put_body_snippet(azsreg_buf *b, const char *body, size_t len)
{
	char tmp[121];
	size_t n = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
	size_t i;

	if (body == NULL || azsreg__is_blank(body, len))
		return;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)body[i];
		tmp[i] = c == '\0' ? '\n' : (char)c; /* put_one_line folds control characters */
	}
	tmp[n] = '\0';
	(void)azsreg_buf__puts(b, "; the body starts with \"");
	put_one_line(b, tmp, sizeof(tmp));
	(void)azsreg_buf__puts(b, len > n ? "...\"" : "\"");
}

int azsreg_error__from_arm(int status, const char *body, size_t body_len, const char *request_id, const char *correlation_id, const char *what)
{
	json_t *root = NULL, *err = NULL, *details;
	const char *code = NULL, *message = NULL, *target = NULL;
	char *details_text = NULL;
	azsreg_buf msg = AZSREG_BUF_INIT;
	azsreg_error_info info;
	int rc;

	if (what == NULL || what[0] == '\0')
		what = "request";
	if (body != NULL && body_len > 0)
		root = json_loadb(body, body_len, JSON_DECODE_ANY, NULL);
	if (json_is_object(root)) {
		err = member(root, "error");
		if (json_is_string(err)) {
			/* {"error":"code","error_description" | "message": "..."} */
			code = json_string_value(err);
			message = member_str(root, "error_description");
			if (message == NULL)
				message = member_str(root, "message");
			err = NULL;
		} else if (!json_is_object(err)) {
			err = member(root, "odata.error");
			if (!json_is_object(err))
				err = root; /* top-level {"code","message"} */
		}
		if (err != NULL) {
			code = member_str(err, "code");
			message = member_str(err, "message");
			target = member_str(err, "target");
			details = member(err, "details");
			if (json_is_array(details) && json_array_size(details) > 0)
				details_text = json_dumps(details, JSON_COMPACT);
		}
	}
	rc = azsreg_error__code_for_status(status, code);
	if (rc == AZSREG_OK)
		rc = AZSREG_ESERVICE; /* called for a failure: never report success */

	(void)azsreg_buf__printf(&msg, "%s: ", what);
	if (code != NULL || message != NULL) {
		if (code != NULL)
			(void)azsreg_buf__printf(&msg, "%s: ", code);
		put_one_line(&msg, message ? message : "(no message)", 4096);
		put_ids(&msg, status, request_id, correlation_id);
	} else {
		(void)azsreg_buf__printf(&msg, "HTTP %d with no ARM error body", status);
		put_ids(&msg, 0, request_id, correlation_id);
		if (root == NULL)
			put_body_snippet(&msg, body, body_len);
	}

	memset(&info, 0, sizeof(info));
	info.code = rc;
	info.http_status = status;
	info.message = msg.failed ? "error response (out of memory building its message)" : azsreg_buf__cstr(&msg);
	info.arm_code = code;
	info.arm_message = message;
	info.target = target;
	info.details_json = details_text;
	info.request_id = request_id;
	info.correlation_id = correlation_id;
	rc = azsreg_error__set_info(&info);

	azsreg_buf__wipe_free(&msg);
	free(details_text);
	json_decref(root);
	return rc;
}

/*
 * "AADSTS7000215: ..." -> "AADSTS7000215" (Entra ID), "MSIS9622: ..." -> "MSIS9622" (AD FS)
 * into out; 0 when the text has no such prefix.
 */
static int sts_code_prefix(const char *text, char *out, size_t out_size)
{
	size_t i, start;

	if (text == NULL)
		return 0;
	if (strncmp(text, "AADSTS", 6) == 0)
		start = 6;
	else if (strncmp(text, "MSIS", 4) == 0)
		start = 4;
	else
		return 0;
	i = start;
	while (isdigit((unsigned char)text[i]) && i < out_size - 1)
		i++;
	if (i == start || isdigit((unsigned char)text[i]))
		return 0;
	memcpy(out, text, i);
	out[i] = '\0';
	return 1;
}

int azsreg_error__from_identity(int status, const char *body, size_t body_len, const char *what)
{
	json_t *root = NULL, *codes;
	const char *error = NULL, *desc = NULL, *cid = NULL, *trace = NULL;
	char aad[32];
	const char *arm_code;
	azsreg_buf msg = AZSREG_BUF_INIT, desc_line = AZSREG_BUF_INIT;
	azsreg_error_info info;
	int rc;

	if (what == NULL || what[0] == '\0')
		what = "token request";
	if (body != NULL && body_len > 0)
		root = json_loadb(body, body_len, JSON_DECODE_ANY, NULL);
	if (json_is_object(root)) {
		json_t *ev = member(root, "error");
		if (json_is_string(ev)) {
			error = json_string_value(ev);
			desc = member_str(root, "error_description");
			if (desc == NULL)
				desc = member_str(root, "message");
		} else if (json_is_object(ev)) {
			/* Some managed identity endpoints answer ARM-style. */
			error = member_str(ev, "code");
			desc = member_str(ev, "message");
		} else {
			error = member_str(root, "code");
			desc = member_str(root, "message");
			if (desc == NULL)
				desc = member_str(root, "Message");
		}
		cid = member_str(root, "correlation_id");
		trace = member_str(root, "trace_id");
		codes = member(root, "error_codes");
		(void)codes;
	}
	arm_code = error;
	if (sts_code_prefix(desc, aad, sizeof(aad)))
		arm_code = aad;

	if (status == 429)
		rc = AZSREG_ETHROTTLED;
	else if (status == 408 || status == 504)
		rc = AZSREG_ETIMEOUT;
	else if (status >= 500)
		rc = AZSREG_ESERVICE;
	else
		rc = AZSREG_EAUTH;

	if (desc != NULL)
		put_one_line(&desc_line, desc, 4096);
	(void)azsreg_buf__printf(&msg, "%s: ", what);
	if (error != NULL || desc != NULL) {
		if (error != NULL)
			(void)azsreg_buf__printf(&msg, "%s: ", error);
		(void)azsreg_buf__puts(&msg, desc ? azsreg_buf__cstr(&desc_line) : "(no description)");
		put_ids(&msg, status, NULL, cid);
	} else {
		(void)azsreg_buf__printf(&msg, "HTTP %d with no identity error body", status);
		if (root == NULL)
			put_body_snippet(&msg, body, body_len);
	}

	memset(&info, 0, sizeof(info));
	info.code = rc;
	info.http_status = status;
	info.message = msg.failed ? "identity error (out of memory building its message)" : azsreg_buf__cstr(&msg);
	info.arm_code = arm_code;
	info.arm_message = desc ? azsreg_buf__cstr(&desc_line) : NULL;
	info.request_id = trace;
	info.correlation_id = cid;
	rc = azsreg_error__set_info(&info);
	/* An AADSTS or MSIS code without its own hint falls back to the hint of the OAuth error. */
	if (azsreg_error_last()->hint[0] == '\0' && azsreg_error_hint(error) != NULL)
		azsreg_error__set_hint(azsreg_error_hint(error));

	azsreg_buf__wipe_free(&msg);
	azsreg_buf__wipe_free(&desc_line);
	json_decref(root);
	return rc;
}
