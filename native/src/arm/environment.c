/*
 * environment.c: built-in clouds, custom environments, JSON form, copies.
 * (azsreg_environment_discover_with lives in environment_discover.c.)
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

typedef struct builtin_cloud {
	const char *name;
	const char *arm;
	const char *authority;
	const char *audience;
	const char *gallery;
	const char *graph;
	const char *portal;
} builtin_cloud;

/* wire-facts.md section 6; gallery / graph / portal as Azure PowerShell defines them. */
static const builtin_cloud clouds[] = {
	{ "AzureCloud", "https://management.azure.com/", "https://login.microsoftonline.com/",
	  "https://management.azure.com/", "https://gallery.azure.com/", "https://graph.windows.net/",
	  "https://portal.azure.com/" },
	{ "AzureChinaCloud", "https://management.chinacloudapi.cn/", "https://login.chinacloudapi.cn/",
	  "https://management.chinacloudapi.cn/", "https://gallery.chinacloudapi.cn/", "https://graph.chinacloudapi.cn/",
	  "https://portal.azure.cn/" },
	{ "AzureUSGovernment", "https://management.usgovcloudapi.net/", "https://login.microsoftonline.us/",
	  "https://management.usgovcloudapi.net/", "https://gallery.usgovcloudapi.net/", "https://graph.windows.net/",
	  "https://portal.azure.us/" },
	{ "AzureGermanCloud", "https://management.microsoftazure.de/", "https://login.microsoftonline.de/",
	  "https://management.microsoftazure.de/", "https://gallery.cloudapi.de/", "https://graph.cloudapi.de/",
	  "https://portal.microsoftazure.de/" },
};

AZSREG_EXTERN(void) azsreg_environment_free(azsreg_environment *env)
{
	if (env == NULL)
		return;
	free(env->name);
	free(env->arm_endpoint);
	free(env->authority);
	free(env->audience);
	free(env->gallery_endpoint);
	free(env->graph_endpoint);
	free(env->portal_endpoint);
	free(env);
}

static azsreg_environment *env_alloc(void)
{
	azsreg_environment *env = calloc(1, sizeof(*env));

	if (env == NULL)
		(void)azsreg_error__set(AZSREG_ENOMEM, "out of memory (environment)");
	return env;
}

/* Copy of s (may be NULL -> NULL); sets *failed on out of memory. */
static char *copy_opt(const char *s, int *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = azsreg__strdup(s);
	if (d == NULL)
		*failed = 1;
	return d;
}

/* Does the authority's path end with /adfs (or /adfs/)? `url` ends with '/'. */
static int authority_is_adfs(const char *url)
{
	size_t n = strlen(url);

	return n >= 6 && strncasecmp(url + n - 6, "/adfs/", 6) == 0 && strstr(url, "://") != NULL &&
	       (size_t)(strstr(url, "://") - url) + 3 < n - 6;
}

AZSREG_EXTERN(int) azsreg_environment_builtin(azsreg_environment **out, const char *name)
{
	azsreg_environment *env = NULL;
	const builtin_cloud *c = NULL;
	size_t i;
	int rc = AZSREG_OK, failed = 0;

	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment: out is NULL");
		goto done;
	}
	*out = NULL;
	if (name == NULL || name[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment name is empty: use AzureCloud, AzureChinaCloud, AzureUSGovernment or AzureGermanCloud");
		goto done;
	}
	for (i = 0; i < sizeof(clouds) / sizeof(clouds[0]); i++) {
		if (strcasecmp(name, clouds[i].name) == 0)
			c = &clouds[i];
	}
	if (c == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "unknown environment '%.64s': the built-in environments are AzureCloud, AzureChinaCloud, AzureUSGovernment and AzureGermanCloud; "
				       "for an Azure Stack deployment's own ARM use a custom (discovered) environment",
				       name);
		goto done;
	}
	env = env_alloc();
	if (env == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	env->name = copy_opt(c->name, &failed);
	env->arm_endpoint = copy_opt(c->arm, &failed);
	env->authority = copy_opt(c->authority, &failed);
	env->audience = copy_opt(c->audience, &failed);
	env->gallery_endpoint = copy_opt(c->gallery, &failed);
	env->graph_endpoint = copy_opt(c->graph, &failed);
	env->portal_endpoint = copy_opt(c->portal, &failed);
	env->is_adfs = 0;
	if (failed) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	*out = env;
	env = NULL;
done:
	azsreg_environment_free(env);
	return rc;
}

AZSREG_EXTERN(int) azsreg_environment_options_init(azsreg_environment_options *opts, unsigned int version)
{
	static const azsreg_environment_options init = AZSREG_ENVIRONMENT_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_ENVIRONMENT_OPTIONS_VERSION, "environment");
}

AZSREG_EXTERN(int) azsreg_environment_custom(azsreg_environment **out, const azsreg_environment_options *opts)
{
	azsreg_environment *env = NULL;
	int rc = AZSREG_OK, failed = 0;
	const char *name, *arm_endpoint, *authority, *audience;

	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment: out is NULL");
		goto done;
	}
	*out = NULL;
	if (opts == NULL || opts->version != AZSREG_ENVIRONMENT_OPTIONS_VERSION) {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment: options missing or of an unknown version");
		goto done;
	}
	name = opts->name;
	arm_endpoint = opts->arm_endpoint;
	authority = opts->authority;
	audience = opts->audience;
	if (name == NULL || name[0] == '\0')
		name = "Custom";
	rc = azsreg_url__check_endpoint(arm_endpoint, 0, "the ARM endpoint");
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("environment '%.64s'", name);
		goto done;
	}
	rc = azsreg_url__check_endpoint(authority, 0, "the authority (login endpoint)");
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("environment '%.64s'", name);
		goto done;
	}
	if (audience != NULL) {
		size_t i;
		if (audience[0] == '\0') {
			rc = azsreg_error__set(AZSREG_EINVALID, "environment '%.64s': the token audience is empty", name);
			goto done;
		}
		for (i = 0; audience[i] != '\0'; i++) {
			unsigned char ch = (unsigned char)audience[i];
			if (ch <= 0x20 || ch == 0x7f) {
				rc = azsreg_error__set(AZSREG_EINVALID, "environment '%.64s': the token audience has whitespace or a control character at position %zu", name, i + 1);
				goto done;
			}
		}
	}
	env = env_alloc();
	if (env == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	env->name = copy_opt(name, &failed);
	env->arm_endpoint = azsreg_util__with_slash(arm_endpoint, "environment");
	env->authority = azsreg_util__with_slash(authority, "environment");
	/* The audience is kept verbatim: Azure Stack audiences may end with an app GUID, no '/'. */
	env->audience = audience ? copy_opt(audience, &failed) : copy_opt(env->arm_endpoint, &failed);
	if (failed || env->arm_endpoint == NULL || env->authority == NULL || env->audience == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	env->is_adfs = authority_is_adfs(env->authority);
	*out = env;
	env = NULL;
done:
	azsreg_environment_free(env);
	return rc;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

AZSREG_EXTERN(int) azsreg_environment_to_json(char **out_json, const azsreg_environment *env)
{
	json_t *o = NULL;
	char *text = NULL;
	int rc = AZSREG_OK;

	if (out_json == NULL || env == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment to JSON: %s is NULL", out_json == NULL ? "out_json" : "env");
		goto done;
	}
	*out_json = NULL;
	o = json_object();
	if (o == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (environment JSON)");
		goto done;
	}
	if (json_object_set_new(o, "name", str_or_null(env->name)) != 0 ||
	    json_object_set_new(o, "resourceManagerUrl", str_or_null(env->arm_endpoint)) != 0 ||
	    json_object_set_new(o, "activeDirectoryAuthority", str_or_null(env->authority)) != 0 ||
	    json_object_set_new(o, "audience", str_or_null(env->audience)) != 0 ||
	    json_object_set_new(o, "isAdfs", json_boolean(env->is_adfs)) != 0 ||
	    json_object_set_new(o, "galleryUrl", str_or_null(env->gallery_endpoint)) != 0 ||
	    json_object_set_new(o, "graphUrl", str_or_null(env->graph_endpoint)) != 0 ||
	    json_object_set_new(o, "portalUrl", str_or_null(env->portal_endpoint)) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment to JSON: a field is not valid UTF-8");
		goto done;
	}
	text = json_dumps(o, JSON_COMPACT);
	if (text == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (environment JSON)");
		goto done;
	}
	/* Hand over a buffer that azsreg_free can release (jansson may use its own allocator). */
	*out_json = azsreg__strdup(text);
	if (*out_json == NULL)
		rc = AZSREG_ENOMEM;
done:
	free(text);
	json_decref(o);
	return rc;
}

AZSREG_EXTERN(int) azsreg_environment_dup(azsreg_environment **out, const azsreg_environment *env)
{
	azsreg_environment *d = NULL;
	int rc = AZSREG_OK, failed = 0;

	if (out == NULL || env == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "environment copy: %s is NULL", out == NULL ? "out" : "env");
		goto done;
	}
	*out = NULL;
	d = env_alloc();
	if (d == NULL) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	d->name = copy_opt(env->name, &failed);
	d->arm_endpoint = copy_opt(env->arm_endpoint, &failed);
	d->authority = copy_opt(env->authority, &failed);
	d->audience = copy_opt(env->audience, &failed);
	d->is_adfs = env->is_adfs;
	d->gallery_endpoint = copy_opt(env->gallery_endpoint, &failed);
	d->graph_endpoint = copy_opt(env->graph_endpoint, &failed);
	d->portal_endpoint = copy_opt(env->portal_endpoint, &failed);
	if (failed) {
		rc = AZSREG_ENOMEM;
		goto done;
	}
	*out = d;
	d = NULL;
done:
	azsreg_environment_free(d);
	return rc;
}
