/*
 * libFuzzer target: JSON configuration of bindings: azsreg_credential_new_json (byte 0
 * even) and azsreg_client_new_json (odd). Secret members (clientSecret, accessToken,
 * certificatePassword, identityHeader, password) get a marker value, and file paths
 * (certificatePath, tokenFile, caFile) one of a few harmless paths, before the call: no
 * error message, error JSON or description may show the marker. The raw input is passed
 * too when it names no file.
 */
#include <jansson.h>

#include "fuzz_common.h"

#define MARK "Fz9-SecretValue-xq"

static const char *const secret_members[] = { "clientSecret", "accessToken", "certificatePassword", "identityHeader", "password" };
static const char *const path_members[] = { "certificatePath", "tokenFile", "caFile" };
static const char *const safe_paths[] = { "/nonexistent/azsreg-fuzz/file.pem", "/", "/dev/null", "" };

static void check_no_mark(const char *where, const char *text)
{
	FUZZ_CHECK(text == NULL || strstr(text, MARK) == NULL, "the secret value is in the %s", where);
}

static void sanitize(json_t *root, int *mark_elsewhere)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(root, key, v)
	{
		int secret = 0, path = 0;
		for (i = 0; i < sizeof(secret_members) / sizeof(secret_members[0]); i++)
			secret |= strcmp(key, secret_members[i]) == 0;
		for (i = 0; i < sizeof(path_members) / sizeof(path_members[0]); i++)
			path |= strcmp(key, path_members[i]) == 0;
		if (strstr(key, "Fz9") != NULL)
			*mark_elsewhere = 1;
		if (secret && json_is_string(v)) {
			json_object_set_new(root, key, json_string(MARK));
			continue;
		}
		if (path && !json_is_null(v)) {
			json_object_set_new(root, key, json_string(json_is_string(v) ? safe_paths[json_string_length(v) % 4] : safe_paths[0]));
			continue;
		}
		if (json_is_string(v) && strstr(json_string_value(v), "Fz9") != NULL)
			*mark_elsewhere = 1;
		if (json_is_object(v) || json_is_array(v)) {
			char *d = json_dumps(v, JSON_ENCODE_ANY);
			if (d == NULL || strstr(d, "Fz9") != NULL)
				*mark_elsewhere = 1;
			free(d);
		}
	}
}

static void run(const char *json, int client, int check)
{
	azsreg_credential *cred = NULL, *tok = NULL;
	azsreg_client *cl = NULL;
	char *stats = NULL;
	int rc;

	if (!client) {
		rc = azsreg_credential_new_json(&cred, json);
		fuzz_check_error(rc);
		if (rc == AZSREG_OK) {
			FUZZ_CHECK(cred != NULL, "no credential");
			if (check)
				check_no_mark("description", azsreg_credential_describe(cred));
		} else {
			FUZZ_CHECK(cred == NULL, "credential set on failure");
		}
	} else {
		rc = azsreg_credential_access_token_new(&tok, "fuzz-access-token-value");
		FUZZ_CHECK(rc == AZSREG_OK, "access token credential");
		rc = azsreg_client_new_json(&cl, json, tok, NULL, NULL);
		fuzz_check_error(rc);
		if (rc == AZSREG_OK) {
			FUZZ_CHECK(cl != NULL, "no client");
			rc = azsreg_client_stats(&stats, cl);
			FUZZ_CHECK(rc == AZSREG_OK && stats != NULL, "stats of a new client");
			azsreg_free(stats);
		} else {
			FUZZ_CHECK(cl == NULL, "client set on failure");
		}
	}
	if (rc != AZSREG_OK && check) {
		check_no_mark("error message", azsreg_error_last()->message);
		check_no_mark("error JSON", azsreg_error_last_json());
	}
	azsreg_client_free(cl);
	azsreg_credential_free(cred);
	azsreg_credential_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *json;
	json_t *root;
	int client, elsewhere = 0;

	if (size < 1)
		return 0;
	client = data[0] & 1;
	s = fuzz_cstr(data + 1, size - 1);
	if (strstr(s, "Path") == NULL && strstr(s, "File") == NULL && strstr(s, "\\u") == NULL)
		run(s, client, 0);
	root = json_loads(s, JSON_DECODE_ANY, NULL);
	if (json_is_object(root)) {
		sanitize(root, &elsewhere);
		json = json_dumps(root, JSON_COMPACT);
		if (json != NULL)
			run(json, client, !elsewhere);
		free(json);
	}
	json_decref(root);
	free(s);
	return 0;
}
