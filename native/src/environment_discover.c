/*
 * environment_discover.c: a custom environment (Azure Stack style) from
 * GET {arm}/metadata/endpoints?api-version=1.0, through a temporary transport and
 * pipeline (no bearer token; retries and a short deadline). azsreg_environment_discover_with
 * takes the CA bundle, proxy, timeouts, retries, correlation ID, user agent and logging
 * from client options, so that discovery goes the same way as the client's requests.
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define DISCOVER_DEADLINE_MS 60000L
#define DISCOVER_TIMEOUT_MS 20000L

/* Copies s with a trailing '/' added when missing. */
static char *with_slash(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 2);

	if (d == NULL) {
		(void)azsreg_error__set(AZSREG_ENOMEM, "out of memory (environment)");
		return NULL;
	}
	memcpy(d, s, n);
	if (n == 0 || s[n - 1] != '/')
		d[n++] = '/';
	d[n] = '\0';
	return d;
}

static int set_optional(char **field, json_t *root, const char *key)
{
	const char *v = json_string_value(json_object_get(root, key));
	char *d;

	if (v == NULL || v[0] == '\0')
		return AZSREG_OK;
	d = with_slash(v);
	if (d == NULL)
		return AZSREG_ENOMEM;
	free(*field);
	*field = d;
	return AZSREG_OK;
}

int azsreg_environment_discover(azsreg_environment **out, const char *name, const char *arm_endpoint, const char *ca_file)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;

	o.ca_file = ca_file;
	return azsreg_environment_discover_with(out, name, arm_endpoint, &o);
}

static int text_ok(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

int azsreg_environment_discover_with(azsreg_environment **out, const char *name, const char *arm_endpoint, const azsreg_client_options *opts)
{
	azsreg_client_options dflt = AZSREG_CLIENT_OPTIONS_INIT;
	const char *ca_file;
	azsreg_transport *t = NULL;
	azsreg_pipeline *p = NULL;
	azsreg_transport_options to;
	azsreg_pipeline_options po;
	azsreg_send_options so;
	azsreg_http_request req;
	azsreg_http_response resp;
	azsreg_environment *env = NULL;
	azsreg_buf what = AZSREG_BUF_INIT;
	char *arm = NULL;
	json_t *root = NULL, *auth, *aud;
	const char *login, *audience;
	int rc = AZSREG_OK;

	memset(&req, 0, sizeof(req));
	memset(&resp, 0, sizeof(resp));
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: out is NULL");
		goto done;
	}
	*out = NULL;
	if (opts == NULL)
		opts = &dflt;
	if (opts->version != AZSREG_CLIENT_OPTIONS_VERSION) {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: client options of unsupported version %u (this library knows %u)",
				       opts->version, (unsigned)AZSREG_CLIENT_OPTIONS_VERSION);
		goto done;
	}
	if (opts->connect_timeout_ms < 0 || opts->request_timeout_ms < 0 || opts->deadline_ms < 0 ||
	    opts->retry_base_delay_ms < 0 || opts->retry_max_delay_ms < 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: timeouts, the deadline and retry delays must not be negative");
		goto done;
	}
	if (opts->log_level < AZSREG_LOG_NONE || opts->log_level > AZSREG_LOG_TRACE) {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: log level %d is not between 0 and 5", opts->log_level);
		goto done;
	}
	if ((opts->proxy != NULL && !text_ok(opts->proxy)) || (opts->user_agent != NULL && !text_ok(opts->user_agent))) {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: the proxy or user agent has control characters");
		goto done;
	}
	ca_file = opts->ca_file;
	if (arm_endpoint == NULL || arm_endpoint[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "discover environment: the ARM endpoint is required");
		goto done;
	}
	(void)azsreg_buf__printf(&what, "discover the environment at %s", arm_endpoint);
	if (strncmp(arm_endpoint, "https://", 8) != 0 && strncmp(arm_endpoint, "http://", 7) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s: the ARM endpoint must be an https:// URL", azsreg_buf__cstr(&what));
		goto done;
	}
	/* The proxy and the CA bundle (options or environment): local problems, refused before sending. */
	rc = azsreg_client__check_network(ca_file, opts->proxy);
	if (rc != 0) {
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
		goto done;
	}
	arm = with_slash(arm_endpoint);
	if (arm == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	rc = azsreg_url__check_endpoint(arm, 0, "ARM endpoint");
	if (rc != 0) {
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
		goto done;
	}

	memset(&to, 0, sizeof(to));
	to.ca_file = (ca_file && ca_file[0]) ? ca_file : NULL;
	to.proxy = (opts->proxy && opts->proxy[0]) ? opts->proxy : NULL;
	to.connect_timeout_ms = opts->connect_timeout_ms;
	rc = azsreg_transport__curl_new(&t, &to);
	if (rc != 0)
		goto done;
	memset(&po, 0, sizeof(po));
	po.transport = t;
	po.logger.cb = opts->log_cb;
	po.logger.payload = opts->log_payload;
	po.logger.level = opts->log_cb ? opts->log_level : AZSREG_LOG_NONE;
	po.retry.max_retries = opts->max_retries == 0 ? 3 : (opts->max_retries < 0 ? 0 : opts->max_retries);
	po.retry.base_delay_ms = opts->retry_base_delay_ms > 0 ? opts->retry_base_delay_ms : 800;
	po.retry.max_delay_ms = opts->retry_max_delay_ms > 0 ? opts->retry_max_delay_ms : 10000;
	po.request_timeout_ms = opts->request_timeout_ms > 0 ? opts->request_timeout_ms : DISCOVER_TIMEOUT_MS;
	po.deadline_ms = opts->deadline_ms > 0 ? opts->deadline_ms : DISCOVER_DEADLINE_MS;
	po.user_agent = opts->user_agent;
	po.correlation_id = opts->correlation_id;
	rc = azsreg_pipeline__new(&p, &po);
	if (rc != 0)
		goto done;

	req.method = "GET";
	{
		azsreg_buf u = AZSREG_BUF_INIT;
		rc = azsreg_buf__printf(&u, "%smetadata/endpoints?api-version=1.0", arm);
		if (rc != 0) {
			azsreg_buf__free(&u);
			goto done;
		}
		req.url = azsreg_buf__detach(&u);
	}
	memset(&so, 0, sizeof(so));
	so.what = azsreg_buf__cstr(&what);
	rc = azsreg_pipeline__send(p, &req, &resp, &so);
	if (rc != 0)
		goto done; /* the message starts with so.what */
	if (resp.status != 200) {
		rc = azsreg_error__from_arm(resp.status, resp.body.ptr, resp.body.size, azsreg_headers__get(&resp.headers, "x-ms-request-id"),
					    azsreg_pipeline__correlation_id(p), azsreg_buf__cstr(&what));
		goto done;
	}
	root = resp.body.size ? json_loadb(resp.body.ptr, resp.body.size, 0, NULL) : NULL;
	auth = json_object_get(root, "authentication");
	login = json_string_value(json_object_get(auth, "loginEndpoint"));
	aud = json_object_get(auth, "audiences");
	audience = json_string_value(json_array_get(aud, 0));
	if (!json_is_object(root) || login == NULL || login[0] == '\0' || audience == NULL || audience[0] == '\0') {
		rc = azsreg_error__set(AZSREG_ESERVICE,
				       "%s: the metadata/endpoints answer has no authentication.loginEndpoint or audiences[0]; "
				       "is this an Azure Resource Manager endpoint?", azsreg_buf__cstr(&what));
		goto done;
	}
	rc = azsreg_environment_custom(&env, (name && name[0]) ? name : "AzureStack", arm, login, audience);
	if (rc != 0) {
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
		goto done;
	}
	rc = set_optional(&env->gallery_endpoint, root, "galleryEndpoint");
	if (rc == 0)
		rc = set_optional(&env->graph_endpoint, root, "graphEndpoint");
	if (rc == 0)
		rc = set_optional(&env->portal_endpoint, root, "portalEndpoint");
	if (rc != 0)
		goto done;
	*out = env;
	env = NULL;
done:
	json_decref(root);
	azsreg_environment_free(env);
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&resp);
	azsreg_pipeline__free(p);
	if (t != NULL)
		t->free(t);
	free(arm);
	azsreg_buf__free(&what);
	return rc;
}
