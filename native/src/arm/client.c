/*
 * client.c: the client handle. Immutable after creation, except the token cache (its
 * own lock) and the pipeline's atomic counters, so one client serves many threads.
 */
#include "internal.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define CA_FILE_MAX ((size_t)64 * 1024 * 1024)

int azsreg_client_options_init(azsreg_client_options *opts, unsigned int version)
{
	static const azsreg_client_options init = AZSREG_CLIENT_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_CLIENT_OPTIONS_VERSION, "client");
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

static int check_options(const azsreg_client_options *o)
{
	if (o->version != AZSREG_CLIENT_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID, "client options: unsupported version %u (this library knows %u)",
					 o->version, (unsigned)AZSREG_CLIENT_OPTIONS_VERSION);
	if (o->connect_timeout_ms < 0 || o->request_timeout_ms < 0 || o->deadline_ms < 0)
		return azsreg_error__set(AZSREG_EINVALID, "client options: timeouts and the deadline must not be negative");
	if (o->retry_base_delay_ms < 0 || o->retry_max_delay_ms < 0)
		return azsreg_error__set(AZSREG_EINVALID, "client options: retry delays must not be negative");
	if (o->log_level < AZSREG_LOG_NONE || o->log_level > AZSREG_LOG_TRACE)
		return azsreg_error__set(AZSREG_EINVALID, "client options: log level %d is not between 0 and 5", o->log_level);
	if (o->user_agent != NULL && !text_ok(o->user_agent))
		return azsreg_error__set(AZSREG_EINVALID, "client options: the user agent has control characters");
	if (o->proxy != NULL && !text_ok(o->proxy))
		return azsreg_error__set(AZSREG_EINVALID, "client options: the proxy has control characters");
	return azsreg_client__check_network(o->ca_file, o->proxy);
}

/* A CA bundle (named by `source`: "" for the option, "SSL_CERT_FILE: " ...): a readable file with a PEM certificate. */
static int check_ca_file(const char *path, const char *source)
{
	azsreg_buf data = AZSREG_BUF_INIT;
	FILE *f = NULL;
	BIO *bio = NULL;
	X509 *cert = NULL;
	int problem = 0, rc = AZSREG_OK, kind = azsreg_plat__path_kind(path);

	if (kind == AZSREG_PLAT_DIR) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%sCA bundle '%s' is a directory: give a PEM file of CA certificates", source, path);
		goto done;
	}
	f = kind == AZSREG_PLAT_FILE ? azsreg_plat__fopen(path, "rb") : NULL;
	if (f == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%sCA bundle '%s' cannot be read", source, path);
		goto done;
	}
	rc = azsreg_buf__read_file(&data, f, CA_FILE_MAX, &problem);
	if (problem == AZSREG_READ_TOO_LARGE)
		rc = azsreg_error__set(AZSREG_EINVALID, "%sCA bundle '%s' is larger than %zu bytes", source, path, CA_FILE_MAX);
	else if (problem == AZSREG_READ_FAILED)
		rc = azsreg_error__set(AZSREG_EINVALID, "%sCA bundle '%s' cannot be read", source, path);
	if (rc != AZSREG_OK)
		goto done; /* or out of memory, said by the buffer */
	if (data.size > 0 && data.size <= (size_t)0x7fffffff)
		bio = BIO_new_mem_buf(data.ptr, (int)data.size);
	if (bio != NULL)
		cert = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
	ERR_clear_error();
	if (cert == NULL)
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "%sCA bundle '%s' has no PEM certificate (-----BEGIN CERTIFICATE-----): give a PEM file of CA certificates",
				       source, path);
done:
	X509_free(cert);
	BIO_free(bio);
	if (f != NULL)
		fclose(f);
	azsreg_buf__free(&data);
	return rc;
}

int azsreg_client__check_network(const char *ca_file, const char *proxy)
{
	/* The variables libcurl reads for https:// and http:// URLs (not HTTP_PROXY, which it ignores). */
	static const char *const proxy_vars[] = { "https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY" };
	static const char *const ca_vars[] = { "SSL_CERT_FILE", "CURL_CA_BUNDLE" };
	char source[32];
	const char *v;
	size_t i;
	int rc;

	if (proxy != NULL && proxy[0] != '\0') {
		rc = azsreg_url__check_proxy(proxy, "proxy");
		if (rc != AZSREG_OK)
			return rc;
	} else {
		for (i = 0; i < sizeof(proxy_vars) / sizeof(proxy_vars[0]); i++) {
			v = azsreg_plat__getenv(proxy_vars[i]);
			if (v != NULL && v[0] != '\0') {
				rc = azsreg_url__check_proxy(v, proxy_vars[i]);
				if (rc != AZSREG_OK)
					return rc;
			}
		}
	}
	if (ca_file != NULL && ca_file[0] != '\0')
		return check_ca_file(ca_file, "");
	for (i = 0; i < sizeof(ca_vars) / sizeof(ca_vars[0]); i++) {
		v = azsreg_plat__getenv(ca_vars[i]);
		if (v != NULL && v[0] != '\0') {
			snprintf(source, sizeof(source), "%s: ", ca_vars[i]);
			return check_ca_file(v, source); /* the first one set is the one used */
		}
	}
	return AZSREG_OK;
}

int azsreg_client_options_check(const azsreg_client_options *opts)
{
	azsreg_client_options defaults = AZSREG_CLIENT_OPTIONS_INIT;
	char corr[AZSREG_GUID_LEN + 1];
	int rc;

	if (opts == NULL)
		opts = &defaults;
	rc = check_options(opts);
	if (rc != AZSREG_OK)
		return rc;
	if (opts->correlation_id != NULL && opts->correlation_id[0] != '\0') {
		rc = azsreg_guid_normalize(corr, opts->correlation_id, "correlation ID");
		if (rc != AZSREG_OK)
			return rc;
	}
	if (opts->tenant_id != NULL && opts->tenant_id[0] != '\0')
		return azsreg_cred__check_tenant(opts->tenant_id, "tenant ID");
	return AZSREG_OK;
}

int azsreg_client__pipeline_new(azsreg_pipeline **out_pipeline, azsreg_transport **out_owned_transport,
				const azsreg_client_options *opts, long default_deadline_ms,
				azsreg_transport *transport, const azsreg_clock *clock)
{
	azsreg_client_options defaults = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_transport *owned = NULL;
	azsreg_pipeline *p = NULL;
	azsreg_transport_options to;
	azsreg_pipeline_options po;
	char corr[AZSREG_GUID_LEN + 1];
	int rc;

	if (out_pipeline == NULL || out_owned_transport == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "request path: out is NULL");
	*out_pipeline = NULL;
	*out_owned_transport = NULL;
	if (opts == NULL)
		opts = &defaults;
	rc = check_options(opts);
	if (rc != AZSREG_OK)
		goto done;
	corr[0] = '\0';
	if (opts->correlation_id != NULL && opts->correlation_id[0] != '\0') {
		rc = azsreg_guid_normalize(corr, opts->correlation_id, "correlation ID");
		if (rc != AZSREG_OK)
			goto done;
	}
	if (transport == NULL) {
		memset(&to, 0, sizeof(to));
		to.ca_file = (opts->ca_file && opts->ca_file[0]) ? opts->ca_file : NULL;
		to.proxy = (opts->proxy && opts->proxy[0]) ? opts->proxy : NULL;
		to.connect_timeout_ms = opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : AZSREG__DEFAULT_CONNECT_TIMEOUT_MS;
		rc = azsreg_transport__curl_new(&owned, &to);
		if (rc != AZSREG_OK)
			goto done;
		transport = owned;
	}
	memset(&po, 0, sizeof(po));
	po.transport = transport;
	po.clock = clock;
	po.logger.cb = opts->log_cb;
	po.logger.payload = opts->log_payload;
	po.logger.level = opts->log_cb ? opts->log_level : AZSREG_LOG_NONE;
	po.retry.max_retries = opts->max_retries == 0 ? AZSREG__DEFAULT_MAX_RETRIES : (opts->max_retries < 0 ? 0 : opts->max_retries);
	po.retry.base_delay_ms = opts->retry_base_delay_ms > 0 ? opts->retry_base_delay_ms : AZSREG__DEFAULT_RETRY_BASE_DELAY_MS;
	po.retry.max_delay_ms = opts->retry_max_delay_ms > 0 ? opts->retry_max_delay_ms : AZSREG__DEFAULT_RETRY_MAX_DELAY_MS;
	po.request_timeout_ms = opts->request_timeout_ms > 0 ? opts->request_timeout_ms : AZSREG__DEFAULT_REQUEST_TIMEOUT_MS;
	po.deadline_ms = opts->deadline_ms > 0 ? opts->deadline_ms
					       : (default_deadline_ms > 0 ? default_deadline_ms : AZSREG__DEFAULT_DEADLINE_MS);
	po.user_agent = opts->user_agent;
	po.correlation_id = corr[0] ? corr : NULL; /* NULL: the pipeline makes a fresh one */
	rc = azsreg_pipeline__new(&p, &po);
	if (rc != AZSREG_OK)
		goto done;
	*out_pipeline = p;
	*out_owned_transport = owned;
	owned = NULL;
done:
	if (owned != NULL)
		owned->free(owned);
	return rc;
}

void azsreg_client_free(azsreg_client *c)
{
	if (c == NULL)
		return;
	azsreg_token_cache__free(c->tokens);
	azsreg_pipeline__free(c->pipeline);
	if (c->owns_transport && c->transport != NULL)
		c->transport->free(c->transport);
	azsreg_credential_free(c->cred);
	azsreg_environment_free(c->env);
	free(c->tenant);
	free(c);
}

int azsreg_client__new_with(azsreg_client **out, const azsreg_client_options *opts, azsreg_credential *cred,
			    azsreg_transport *transport, const azsreg_clock *clock)
{
	azsreg_client_options defaults = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_client *c = NULL;
	azsreg_transport *owned = NULL;
	int rc = AZSREG_OK;

	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "create client: out is NULL");
		goto done;
	}
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (cred == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "create client: a credential is required");
		goto done;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (client)");
		goto done;
	}
	/* Options checked, transport (unless injected) and pipeline made: the same path as discovery. */
	rc = azsreg_client__pipeline_new(&c->pipeline, &owned, opts, 0, transport, clock);
	if (rc != 0)
		goto done;
	c->transport = owned != NULL ? owned : transport;
	c->owns_transport = owned != NULL;
	c->logger = *azsreg_pipeline__logger(c->pipeline);
	if (opts->tenant_id != NULL && opts->tenant_id[0] != '\0') {
		rc = azsreg_cred__check_tenant(opts->tenant_id, "tenant ID");
		if (rc != 0)
			goto done;
	}
	if (opts->environment != NULL)
		rc = azsreg_environment_dup(&c->env, opts->environment);
	else
		rc = azsreg_environment_builtin(&c->env, "AzureCloud");
	if (rc != 0)
		goto done;
	if (opts->tenant_id != NULL && opts->tenant_id[0] != '\0') {
		c->tenant = azsreg__strdup(opts->tenant_id);
		if (c->tenant == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
	}
	rc = azsreg_token_cache__new(&c->tokens);
	if (rc != 0)
		goto done;
	c->cred = azsreg_credential__ref(cred);
	*out = c;
	c = NULL;
done:
	azsreg_client_free(c);
	return rc;
}

int azsreg_client_new(azsreg_client **out, const azsreg_client_options *opts, azsreg_credential *cred)
{
	return azsreg_client__new_with(out, opts, cred, NULL, NULL);
}

/* ------------------------------------------------------------ JSON options */

static int json_str_opt(json_t *v, const char *key, const char **out)
{
	if (json_is_null(v))
		return AZSREG_OK;
	if (!json_is_string(v))
		return azsreg_error__set(AZSREG_EINVALID, "client options JSON: \"%s\" must be a string", key);
	*out = json_string_value(v);
	return AZSREG_OK;
}

static int json_long_opt(json_t *v, const char *key, long *out)
{
	if (json_is_null(v))
		return AZSREG_OK;
	if (!json_is_integer(v) || json_integer_value(v) < -1000000000LL || json_integer_value(v) > 1000000000000LL)
		return azsreg_error__set(AZSREG_EINVALID, "client options JSON: \"%s\" must be an integer", key);
	*out = (long)json_integer_value(v);
	return AZSREG_OK;
}

static int env_from_json(azsreg_environment **out, json_t *v)
{
	const char *name, *arm, *auth, *aud;
	azsreg_environment_options eo = AZSREG_ENVIRONMENT_OPTIONS_INIT;
	const char *extra_keys[] = { "galleryUrl", "graphUrl", "portalUrl" };
	char **extra_fields[3];
	size_t i;
	int rc;

	if (json_is_string(v))
		return azsreg_environment_builtin(out, json_string_value(v));
	if (!json_is_object(v))
		return azsreg_error__set(AZSREG_EINVALID, "client options JSON: \"environment\" must be a name or an object");
	name = json_string_value(json_object_get(v, "name"));
	arm = json_string_value(json_object_get(v, "resourceManagerUrl"));
	auth = json_string_value(json_object_get(v, "activeDirectoryAuthority"));
	aud = json_string_value(json_object_get(v, "audience"));
	if (arm == NULL || auth == NULL || aud == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "client options JSON: the environment needs \"resourceManagerUrl\", "
							  "\"activeDirectoryAuthority\" and \"audience\"");
	eo.name = name ? name : "Custom";
	eo.arm_endpoint = arm;
	eo.authority = auth;
	eo.audience = aud;
	rc = azsreg_environment_custom(out, &eo);
	if (rc != 0)
		return rc;
	extra_fields[0] = &(*out)->gallery_endpoint;
	extra_fields[1] = &(*out)->graph_endpoint;
	extra_fields[2] = &(*out)->portal_endpoint;
	for (i = 0; i < 3; i++) {
		const char *s = json_string_value(json_object_get(v, extra_keys[i]));
		if (s != NULL && s[0] != '\0') {
			char *d = azsreg__strdup(s);
			if (d == NULL) {
				azsreg_environment_free(*out);
				*out = NULL;
				return AZSREG_ENOMEM;
			}
			free(*extra_fields[i]);
			*extra_fields[i] = d;
		}
	}
	return AZSREG_OK;
}

int azsreg_client_new_json(azsreg_client **out, const char *options_json, azsreg_credential *cred, azsreg_log_cb log_cb, void *log_payload)
{
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_environment *env = NULL;
	json_t *root = NULL, *v;
	json_error_t jerr;
	const char *key;
	long n;
	int rc = AZSREG_OK;

	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "create client: out is NULL");
		goto done;
	}
	*out = NULL;
	if (options_json != NULL && options_json[0] != '\0') {
		root = json_loads(options_json, 0, &jerr);
		if (!json_is_object(root)) {
			rc = azsreg_error__set(AZSREG_EINVALID, "client options JSON: not a JSON object (%s at line %d)",
					       root ? "not an object" : jerr.text, jerr.line);
			goto done;
		}
	}
	json_object_foreach(root, key, v)
	{
		n = 0;
		if (strcmp(key, "environment") == 0) {
			if (!json_is_null(v)) {
				rc = env_from_json(&env, v);
				o.environment = env;
			}
		} else if (strcmp(key, "tenantId") == 0) {
			rc = json_str_opt(v, key, &o.tenant_id);
		} else if (strcmp(key, "caFile") == 0) {
			rc = json_str_opt(v, key, &o.ca_file);
		} else if (strcmp(key, "proxy") == 0) {
			rc = json_str_opt(v, key, &o.proxy);
		} else if (strcmp(key, "userAgent") == 0) {
			rc = json_str_opt(v, key, &o.user_agent);
		} else if (strcmp(key, "correlationId") == 0) {
			rc = json_str_opt(v, key, &o.correlation_id);
		} else if (strcmp(key, "connectTimeoutMs") == 0) {
			rc = json_long_opt(v, key, &o.connect_timeout_ms);
		} else if (strcmp(key, "requestTimeoutMs") == 0) {
			rc = json_long_opt(v, key, &o.request_timeout_ms);
		} else if (strcmp(key, "deadlineMs") == 0) {
			rc = json_long_opt(v, key, &o.deadline_ms);
		} else if (strcmp(key, "retryBaseDelayMs") == 0) {
			rc = json_long_opt(v, key, &o.retry_base_delay_ms);
		} else if (strcmp(key, "retryMaxDelayMs") == 0) {
			rc = json_long_opt(v, key, &o.retry_max_delay_ms);
		} else if (strcmp(key, "maxRetries") == 0) {
			rc = json_long_opt(v, key, &n);
			if (rc == 0 && (n < -1 || n > 100))
				rc = azsreg_error__set(AZSREG_EINVALID, "client options JSON: \"maxRetries\" must be between -1 and 100");
			o.max_retries = (int)n;
		} else if (strcmp(key, "logLevel") == 0) {
			rc = json_long_opt(v, key, &n);
			o.log_level = (int)n;
		} else {
			rc = azsreg_error__set(AZSREG_EINVALID, "client options JSON: unknown option \"%s\"", key);
		}
		if (rc != 0)
			goto done;
	}
	o.log_cb = log_cb;
	o.log_payload = log_payload;
	rc = azsreg_client_new(out, &o, cred);
done:
	azsreg_environment_free(env);
	json_decref(root);
	return rc;
}

/* ------------------------------------------------------------- authorize */

static void token_context(const azsreg_client *c, azsreg_token_context *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->env = c->env;
	ctx->tenant = c->tenant;
	ctx->pipeline = c->pipeline;
	ctx->clock = azsreg_pipeline__clock(c->pipeline);
}

int azsreg_client__authorize(void *vc, azsreg_http_request *req, int force_renew)
{
	azsreg_client *c = vc;
	azsreg_token_context ctx;
	azsreg_buf value = AZSREG_BUF_INIT;
	const char *failed = NULL, *old;
	char *bearer = NULL;
	int rc;

	if (c == NULL || req == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "authorize: missing client or request");
	token_context(c, &ctx);
	if (force_renew) {
		old = azsreg_headers__get(&req->headers, "Authorization");
		if (old != NULL && strncasecmp(old, "Bearer ", 7) == 0)
			failed = old + 7;
	}
	rc = azsreg_token_cache__get(c->tokens, c->cred, &ctx, force_renew, failed, &bearer);
	if (rc != 0)
		goto done;
	rc = azsreg_buf__printf(&value, "Bearer %s", bearer);
	if (rc != 0)
		goto done;
	rc = azsreg_headers__set(&req->headers, "Authorization", azsreg_buf__cstr(&value));
done:
	azsreg_buf__wipe_free(&value);
	azsreg__free_secret(bearer);
	return rc;
}

/* ------------------------------------------------------- sign-in, stats */

int azsreg_client_sign_in(char **out_json, azsreg_client *c)
{
	azsreg_token_context ctx;
	char *bearer = NULL, *account = NULL, *tenant = NULL, *text = NULL;
	int64_t expires_on = 0;
	json_t *o = NULL;
	char when[32] = "";
	int rc;

	if (out_json == NULL || c == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "sign in: missing client or out_json");
		goto done;
	}
	*out_json = NULL;
	token_context(c, &ctx);
	rc = azsreg_token_cache__get(c->tokens, c->cred, &ctx, 0, NULL, &bearer);
	if (rc != 0)
		goto done;
	rc = azsreg_token_cache__describe(c->tokens, &ctx, &account, &tenant, &expires_on);
	if (rc != 0 && rc != AZSREG_ENOTFOUND)
		goto done;
	rc = AZSREG_OK;
	if (expires_on > 0) {
		time_t t = (time_t)expires_on;
		struct tm tmv;
		if (azsreg_plat__gmtime(t, &tmv) == 0)
			(void)strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tmv);
	}
	o = json_object();
	if (o == NULL ||
	    json_object_set_new(o, "account", account ? json_string(account) : json_null()) != 0 ||
	    json_object_set_new(o, "tenantId", tenant ? json_string(tenant) : (c->tenant ? json_string(c->tenant) : json_null())) != 0 ||
	    json_object_set_new(o, "environment", json_string(c->env->name ? c->env->name : "")) != 0 ||
	    json_object_set_new(o, "credential", json_string(azsreg_credential_describe(c->cred))) != 0 ||
	    json_object_set_new(o, "expiresOn", when[0] ? json_string(when) : json_null()) != 0) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sign-in JSON)");
		goto done;
	}
	text = json_dumps(o, JSON_COMPACT);
	if (text == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sign-in JSON)");
		goto done;
	}
	*out_json = text;
done:
	azsreg__free_secret(bearer);
	azsreg_free(account);
	azsreg_free(tenant);
	json_decref(o);
	return rc;
}

int azsreg_client_stats(char **out_json, azsreg_client *c)
{
	unsigned long requests = 0, retries = 0;
	azsreg_buf b = AZSREG_BUF_INIT;
	int rc;

	if (out_json == NULL || c == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "client stats: missing client or out_json");
	*out_json = NULL;
	azsreg_pipeline__stats(c->pipeline, &requests, &retries);
	rc = azsreg_buf__printf(&b, "{\"requests\":%lu,\"retries\":%lu,\"tokenRequests\":%lu,\"tokenRenewals\":%lu,\"connectionsOpened\":%lu}",
				requests, retries, azsreg_token_cache__requests(c->tokens), azsreg_token_cache__renewals(c->tokens),
				c->transport->connections_opened ? c->transport->connections_opened(c->transport) : 0UL);
	if (rc != 0) {
		azsreg_buf__free(&b);
		return rc;
	}
	*out_json = azsreg_buf__detach(&b);
	return AZSREG_OK;
}
