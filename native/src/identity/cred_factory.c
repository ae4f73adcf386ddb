/*
 * cred_factory.c: credentials built from outside descriptions: the environment chain
 * (azsreg_credential_from_environment, the variables the Azure SDKs read) and JSON
 * (azsreg_credential_new_json, what the bindings pass). Each picks a kind and calls its
 * constructor; the kinds themselves live in cred_*.c.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

/* ------------------------------------------------------ environment chain */

/* AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=1 or true (any case), as the Azure SDKs read it. */
static int env_true(const char *name)
{
	const char *v = azsreg_util__env_get(name);

	return v != NULL && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0);
}

static void redescribe(azsreg_credential *cred, const char *source)
{
	char tmp[sizeof(cred->description)];

	snprintf(tmp, sizeof(tmp), "%s", cred->description);
	snprintf(cred->description, sizeof(cred->description), "%.200s from environment (%.30s)", tmp, source);
}

/* The managed identity variables, in the order the Azure SDKs look at them. */
static const char *const mi_vars[] = { "IDENTITY_ENDPOINT", "MSI_ENDPOINT", "AZSREG_IMDS_ENDPOINT" };

/* The first of mi_vars that is set, or NULL. */
static const char *managed_identity_var(void)
{
	size_t i;

	for (i = 0; i < sizeof(mi_vars) / sizeof(mi_vars[0]); i++)
		if (azsreg_util__env_get(mi_vars[i]) != NULL)
			return mi_vars[i];
	return NULL;
}

AZSREG_EXTERN(int) azsreg_credential_from_environment(azsreg_credential **out)
{
	int rc = AZSREG_OK;
	const char *tenant, *client, *secret, *cert, *fed, *tok, *user, *upw, *mi;
	azsreg_credential *cred = NULL;
	const char *source = NULL;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "credential from environment: out is NULL");
	*out = NULL;
	tenant = azsreg_util__env_get("AZURE_TENANT_ID");
	client = azsreg_util__env_get("AZURE_CLIENT_ID");
	secret = azsreg_util__env_get("AZURE_CLIENT_SECRET");
	cert = azsreg_util__env_get("AZURE_CLIENT_CERTIFICATE_PATH");
	fed = azsreg_util__env_get("AZURE_FEDERATED_TOKEN_FILE");
	tok = azsreg_util__env_get("AZSREG_ACCESS_TOKEN");
	user = azsreg_util__env_get("AZSREG_USERNAME");
	upw = azsreg_util__env_get("AZSREG_PASSWORD");
	mi = managed_identity_var();

	if (tenant != NULL && client != NULL && secret != NULL) {
		azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;

		source = "AZURE_CLIENT_SECRET";
		o.tenant_id = tenant;
		o.client_id = client;
		o.client_secret = secret;
		rc = azsreg_credential_client_secret_new(&cred, &o);
	} else if (tenant != NULL && client != NULL && cert != NULL) {
		azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;

		source = "AZURE_CLIENT_CERTIFICATE_PATH";
		o.tenant_id = tenant;
		o.client_id = client;
		o.certificate_path = cert;
		o.certificate_password = azsreg_util__env_get("AZURE_CLIENT_CERTIFICATE_PASSWORD");
		o.send_certificate_chain = env_true("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN");
		rc = azsreg_credential_certificate_new(&cred, &o);
	} else if (tenant != NULL && client != NULL && fed != NULL) {
		azsreg_federated_options o = AZSREG_FEDERATED_OPTIONS_INIT;

		source = "AZURE_FEDERATED_TOKEN_FILE";
		o.tenant_id = tenant;
		o.client_id = client;
		o.token_file = fed;
		rc = azsreg_credential_federated_new(&cred, &o);
	} else if (user != NULL && upw != NULL) {
		azsreg_username_password_options o = AZSREG_USERNAME_PASSWORD_OPTIONS_INIT;

		source = "AZSREG_USERNAME";
		o.tenant_id = tenant;
		o.client_id = client;
		o.username = user;
		o.password = upw;
		rc = azsreg_credential_username_password_new(&cred, &o);
	} else if (user != NULL || upw != NULL) {
		rc = azsreg_error__set(AZSREG_EAUTH, "credential from environment: %s is set but %s is not (a user account needs both)",
				       user ? "AZSREG_USERNAME" : "AZSREG_PASSWORD", user ? "AZSREG_PASSWORD" : "AZSREG_USERNAME");
		goto done;
	} else if (tok != NULL) {
		source = "AZSREG_ACCESS_TOKEN";
		rc = azsreg_credential_access_token_new(&cred, tok);
	} else if (mi != NULL) {
		azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;

		source = mi;
		/* AZURE_CLIENT_ID alone selects a user-assigned identity. */
		o.client_id = client;
		rc = azsreg_credential_managed_identity_new(&cred, &o);
	} else {
		rc = azsreg_error__set(AZSREG_EAUTH,
				       "no credential in the environment: looked at AZURE_TENANT_ID + AZURE_CLIENT_ID with "
				       "AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH or AZURE_FEDERATED_TOKEN_FILE "
				       "(%s%s), AZSREG_USERNAME + AZSREG_PASSWORD, AZSREG_ACCESS_TOKEN, and IDENTITY_ENDPOINT / "
				       "MSI_ENDPOINT / AZSREG_IMDS_ENDPOINT for managed identity",
				       tenant ? "AZURE_TENANT_ID set" : "AZURE_TENANT_ID missing",
				       client ? ", AZURE_CLIENT_ID set" : ", AZURE_CLIENT_ID missing");
		goto done;
	}
	if (rc != AZSREG_OK) {
		(void)azsreg_error__prefix("credential from environment (%s)", source);
		goto done;
	}
	redescribe(cred, source);
	*out = cred;
	cred = NULL;
done:
	azsreg_credential_free(cred);
	return rc;
}

/* ----------------------------------------------------------------- JSON */

static const char *jstr(json_t *root, const char *name, int *bad)
{
	json_t *v = json_object_get(root, name);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

AZSREG_EXTERN(int) azsreg_credential_new_json(azsreg_credential **out, const char *json)
{
	int rc = AZSREG_OK;
	json_t *root = NULL;
	json_error_t jerr;
	const char *kind;
	int bad = 0;
	const char *names[] = { "kind", "tenantId", "clientId", "clientSecret", "accessToken",
				"certificatePath", "certificatePassword", "tokenFile", "resourceId",
				"identityEndpoint", "identityHeader", "imdsEndpoint", "username", "password", "sendCertificateChain" };
	const char *bad_name = NULL;
	const char *key;
	json_t *val;
	size_t i;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "credential JSON: out is NULL");
	*out = NULL;
	if (json == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "credential JSON: NULL");
		goto done;
	}
	root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL || !json_is_object(root)) {
		/* jerr.text never contains the input's strings beyond a position. */
		rc = azsreg_error__set(AZSREG_EINVALID, "credential JSON is not a JSON object (line %d, column %d)",
				       root ? 0 : jerr.line, root ? 0 : jerr.column);
		goto done;
	}
	json_object_foreach(root, key, val)
	{
		int known = 0;

		(void)val;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(key, names[i]) == 0)
				known = 1;
		if (!known) {
			rc = azsreg_error__set(AZSREG_EINVALID, "credential JSON: unknown member \"%.64s\"", key);
			goto done;
		}
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]) - 1; i++) {
		int b = 0;

		(void)jstr(root, names[i], &b);
		if (b) {
			bad = 1;
			bad_name = names[i];
			break;
		}
	}
	if (bad) {
		rc = azsreg_error__set(AZSREG_EINVALID, "credential JSON: \"%s\" must be a string", bad_name);
		goto done;
	}
	kind = jstr(root, "kind", &bad);
	if (kind == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "credential JSON: \"kind\" is required (accessToken, clientSecret, certificate, federated, managedIdentity, usernamePassword, environment)");
		goto done;
	}
	if (strcmp(kind, "accessToken") == 0) {
		rc = azsreg_credential_access_token_new(out, jstr(root, "accessToken", &bad));
	} else if (strcmp(kind, "clientSecret") == 0) {
		azsreg_client_secret_options o = AZSREG_CLIENT_SECRET_OPTIONS_INIT;

		o.tenant_id = jstr(root, "tenantId", &bad);
		o.client_id = jstr(root, "clientId", &bad);
		o.client_secret = jstr(root, "clientSecret", &bad);
		rc = azsreg_credential_client_secret_new(out, &o);
	} else if (strcmp(kind, "certificate") == 0) {
		azsreg_certificate_options o = AZSREG_CERTIFICATE_OPTIONS_INIT;
		json_t *chain = json_object_get(root, "sendCertificateChain");

		o.tenant_id = jstr(root, "tenantId", &bad);
		o.client_id = jstr(root, "clientId", &bad);
		o.certificate_path = jstr(root, "certificatePath", &bad);
		o.certificate_password = jstr(root, "certificatePassword", &bad);
		if (chain != NULL && !json_is_boolean(chain)) {
			rc = azsreg_error__set(AZSREG_EINVALID, "credential JSON: \"sendCertificateChain\" must be true or false");
			goto done;
		}
		o.send_certificate_chain = json_is_true(chain);
		rc = azsreg_credential_certificate_new(out, &o);
	} else if (strcmp(kind, "federated") == 0) {
		azsreg_federated_options o = AZSREG_FEDERATED_OPTIONS_INIT;

		o.tenant_id = jstr(root, "tenantId", &bad);
		o.client_id = jstr(root, "clientId", &bad);
		o.token_file = jstr(root, "tokenFile", &bad);
		rc = azsreg_credential_federated_new(out, &o);
	} else if (strcmp(kind, "managedIdentity") == 0) {
		azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;

		o.client_id = jstr(root, "clientId", &bad);
		o.resource_id = jstr(root, "resourceId", &bad);
		o.identity_endpoint = jstr(root, "identityEndpoint", &bad);
		o.identity_header = jstr(root, "identityHeader", &bad);
		o.imds_endpoint = jstr(root, "imdsEndpoint", &bad);
		rc = azsreg_credential_managed_identity_new(out, &o);
	} else if (strcmp(kind, "usernamePassword") == 0) {
		azsreg_username_password_options o = AZSREG_USERNAME_PASSWORD_OPTIONS_INIT;

		o.tenant_id = jstr(root, "tenantId", &bad);
		o.client_id = jstr(root, "clientId", &bad);
		o.username = jstr(root, "username", &bad);
		o.password = jstr(root, "password", &bad);
		rc = azsreg_credential_username_password_new(out, &o);
	} else if (strcmp(kind, "environment") == 0) {
		rc = azsreg_credential_from_environment(out);
	} else if (strcmp(kind, "deviceCode") == 0) {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "credential JSON: deviceCode needs a prompt callback; use azsreg_credential_device_code_new");
	} else {
		rc = azsreg_error__set(AZSREG_EINVALID,
				       "credential JSON: unknown kind \"%.32s\" (accessToken, clientSecret, certificate, federated, managedIdentity, usernamePassword, environment)",
				       kind);
	}
done:
	/* The JSON may hold secrets: jansson's strings are freed with it; wipe what we can. */
	if (root != NULL) {
		const char *secrets[] = { "clientSecret", "accessToken", "certificatePassword", "identityHeader", "password" };

		for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
			json_t *v = json_object_get(root, secrets[i]);

			if (json_is_string(v))
				azsreg__wipe((void *)json_string_value(v), json_string_length(v));
		}
	}
	json_decref(root);
	return rc;
}
