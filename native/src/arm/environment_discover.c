/*
 * environment_discover.c: a custom environment (Azure Stack style) from
 * GET {arm}/metadata/endpoints?api-version=1.0, without a bearer token. The request goes
 * through the request path every client uses (azsreg_client__pipeline_new in client.c: the
 * same option checks, transport, retries, timeouts, user agent, correlation ID and logging),
 * with one discovery default of its own: a shorter total deadline
 * (AZSREG__DEFAULT_DISCOVERY_DEADLINE_MS). azsreg_environment__discover_over takes the
 * transport and clock, so unit tests run it over the fake transport.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define DOC "the metadata/endpoints answer"

/* The current error (a local check of a URL taken from the document) re-set as the service's fault. */
static int doc_unusable(const char *what)
{
	azsreg_buf m = AZSREG_BUF_INIT;
	int rc;

	(void)azsreg_buf__puts(&m, azsreg_error_last()->message);
	rc = azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC " is not usable: %s", what, azsreg_buf__cstr(&m));
	azsreg_buf__free(&m);
	return rc;
}

/* An endpoint of the document as a base URL: https (or loopback http), no user info, query, fragment, dot segment, control character. */
static int check_doc_endpoint(const char *url, const char *field, const char *what)
{
	if (azsreg_url__check_endpoint(url, 0, field) != AZSREG_OK)
		return doc_unusable(what);
	return AZSREG_OK;
}

/* galleryEndpoint, graphEndpoint, portalEndpoint: absent, null or "" leave the field unset. */
static int set_optional(char **field, json_t *root, const char *key, const char *what)
{
	json_t *v = json_object_get(root, key);
	const char *s;
	char *d;
	int rc;

	if (v == NULL || json_is_null(v))
		return AZSREG_OK;
	if (!json_is_string(v))
		return azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC "'s %s is not a string", what, key);
	s = json_string_value(v);
	if (s[0] == '\0')
		return AZSREG_OK;
	rc = check_doc_endpoint(s, key, what);
	if (rc != AZSREG_OK)
		return rc;
	d = azsreg_util__with_slash(s, "environment");
	if (d == NULL)
		return AZSREG_ENOMEM;
	free(*field);
	*field = d;
	return AZSREG_OK;
}

/* The environment a metadata document describes; every failure is AZSREG_ESERVICE naming the field. */
static int environment_from_doc(azsreg_environment **out, const char *name, const char *arm, const azsreg_buf *body, const char *what)
{
	azsreg_environment *env = NULL;
	azsreg_environment_options eo = AZSREG_ENVIRONMENT_OPTIONS_INIT;
	json_t *root = NULL, *auth, *aud, *v;
	const char *login, *audience;
	size_t i;
	int rc = AZSREG_OK;

	root = body->size ? json_loadb(body->ptr, body->size, 0, NULL) : NULL;
	if (!json_is_object(root)) {
		rc = azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC " is not a JSON object; is this an Azure Resource Manager endpoint?", what);
		goto done;
	}
	auth = json_object_get(root, "authentication");
	if (!json_is_object(auth)) {
		rc = azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC " has no \"authentication\" object; is this an Azure Resource Manager endpoint?", what);
		goto done;
	}
	v = json_object_get(auth, "loginEndpoint");
	login = json_string_value(v);
	if (login == NULL || login[0] == '\0') {
		rc = azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC " has no authentication.loginEndpoint (a non-empty string)", what);
		goto done;
	}
	aud = json_object_get(auth, "audiences");
	audience = json_string_value(json_array_get(aud, 0));
	if (!json_is_array(aud) || audience == NULL || audience[0] == '\0') {
		rc = azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC " has no authentication.audiences[0] (a non-empty string)", what);
		goto done;
	}
	rc = check_doc_endpoint(login, "authentication.loginEndpoint", what);
	if (rc != AZSREG_OK)
		goto done;
	for (i = 0; audience[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)audience[i];
		if (ch <= 0x20 || ch == 0x7f) {
			rc = azsreg_error__set(AZSREG_ESERVICE, "%s: " DOC "'s authentication.audiences[0] has whitespace or a control character at position %zu",
					       what, i + 1);
			goto done;
		}
	}
	eo.name = (name && name[0]) ? name : "AzureStack";
	eo.arm_endpoint = arm;
	eo.authority = login;
	eo.audience = audience;
	rc = azsreg_environment_custom(&env, &eo);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("%s", what);
		goto done;
	}
	rc = set_optional(&env->gallery_endpoint, root, "galleryEndpoint", what);
	if (rc == AZSREG_OK)
		rc = set_optional(&env->graph_endpoint, root, "graphEndpoint", what);
	if (rc == AZSREG_OK)
		rc = set_optional(&env->portal_endpoint, root, "portalEndpoint", what);
	if (rc != AZSREG_OK)
		goto done;
	*out = env;
	env = NULL;
done:
	azsreg_environment_free(env);
	json_decref(root);
	return rc;
}

int azsreg_environment__discover_over(azsreg_environment **out, const char *name, const char *arm_endpoint,
				      const azsreg_client_options *opts, azsreg_transport *transport,
				      const azsreg_clock *clock)
{
	azsreg_transport *owned = NULL;
	azsreg_pipeline *p = NULL;
	azsreg_send_options so;
	azsreg_http_request req;
	azsreg_http_response resp;
	azsreg_buf what = AZSREG_BUF_INIT, url = AZSREG_BUF_INIT;
	char *arm = NULL;
	int rc = AZSREG_OK;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: out is NULL");
		goto done;
	}
	*out = NULL;
	if (arm_endpoint == NULL || arm_endpoint[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: the ARM endpoint is required");
		goto done;
	}
	rc = azsreg_buf__printf(&what, "discover the environment at %s", arm_endpoint);
	if (rc != AZSREG_OK)
		goto done;
	if (strncasecmp(arm_endpoint, "https://", 8) != 0 && strncasecmp(arm_endpoint, "http://", 7) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s: the ARM endpoint must be an https:// URL", azsreg_buf__cstr(&what));
		goto done;
	}
	arm = azsreg_util__with_slash(arm_endpoint, "environment");
	if (arm == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_url__check_endpoint(arm, 0, "ARM endpoint");
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
		goto done;
	}
	/* The client's request path: options (proxy, CA bundle ...) refused before anything is sent. */
	rc = azsreg_client__pipeline_new(&p, &owned, opts, AZSREG__DEFAULT_DISCOVERY_DEADLINE_MS, transport, clock);
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
		goto done;
	}

	rc = azsreg_buf__printf(&url, "%smetadata/endpoints?api-version=1.0", arm);
	if (rc != AZSREG_OK)
		goto done;
	req.method = "GET";
	req.url = azsreg_buf__detach(&url);
	memset(&so, 0, sizeof(so));
	so.what = azsreg_buf__cstr(&what); /* no authorize hook: the document needs no token */
	rc = azsreg_pipeline__send(p, &req, &resp, &so);
	if (rc != AZSREG_OK)
		goto done; /* the message starts with so.what */
	if (resp.status != 200) {
		rc = azsreg_error__from_arm(resp.status, resp.body.ptr, resp.body.size, azsreg_headers__get(&resp.headers, "x-ms-request-id"),
					    azsreg_pipeline__correlation_id(p), azsreg_buf__cstr(&what));
		goto done;
	}
	rc = environment_from_doc(out, name, arm, &resp.body, azsreg_buf__cstr(&what));
done:
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&resp);
	azsreg_pipeline__free(p);
	if (owned != NULL)
		owned->free(owned);
	free(arm);
	azsreg_buf__free(&url);
	azsreg_buf__free(&what);
	return rc;
}

AZSREG_EXTERN(int) azsreg_discovery_options_init(azsreg_discovery_options *opts, unsigned int version)
{
	static const azsreg_discovery_options init = AZSREG_DISCOVERY_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_DISCOVERY_OPTIONS_VERSION, "discovery");
}

/* The client options the discovery request is sent with: the same settings, no environment
 * and no tenant (the pipeline builder and its checks are the client's). */
static void client_options_of(azsreg_client_options *o, const azsreg_discovery_options *d)
{
	o->ca_file = d->ca_file;
	o->proxy = d->proxy;
	o->user_agent = d->user_agent;
	o->correlation_id = d->correlation_id;
	o->connect_timeout_ms = d->connect_timeout_ms;
	o->request_timeout_ms = d->request_timeout_ms;
	o->deadline_ms = d->deadline_ms;
	o->max_retries = d->max_retries;
	o->retry_base_delay_ms = d->retry_base_delay_ms;
	o->retry_max_delay_ms = d->retry_max_delay_ms;
	o->log_cb = d->log_cb;
	o->log_payload = d->log_payload;
	o->log_level = d->log_level;
}

AZSREG_EXTERN(int) azsreg_environment_discover_with(azsreg_environment **out, const char *name, const char *arm_endpoint,
						    const azsreg_discovery_options *opts)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;

	if (opts != NULL && opts->version != AZSREG_DISCOVERY_OPTIONS_VERSION) {
		if (out != NULL)
			*out = NULL;
		return azsreg_error__set(AZSREG_EINVALID, "discover environment: options of an unknown version %u (expected %u)",
					 opts->version, AZSREG_DISCOVERY_OPTIONS_VERSION);
	}
	if (opts != NULL)
		client_options_of(&o, opts);
	return azsreg_environment__discover_over(out, name, arm_endpoint, &o, NULL, NULL);
}
