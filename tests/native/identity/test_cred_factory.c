/*
 * test_cred_factory.c: making credentials (cred_factory.c and the _options_init functions):
 * versioned options refused when missing or of another version, the environment chain
 * and its order, and credentials from JSON.
 */
#include "cred_fixture.h"

TestSuite(cred_factory, .init = cred_setup, .fini = cred_teardown);

static int prompt(const char *message, const char *user_code, const char *uri, void *payload)
{
	(void)message;
	(void)user_code;
	(void)uri;
	(void)payload;
	return 0;
}

/*
 * Every credential constructor takes a versioned options struct (issue 12, item 1): NULL
 * options or another version are refused before anything is made, and each _options_init
 * fills the defaults of its version only.
 */
Test(cred_factory, constructors_refuse_options_missing_or_of_another_version)
{
	azsreg_credential *c = NULL;
	azsreg_federated_options fo;
	azsreg_device_code_options dco;
	azsreg_username_password_options upo;

	cr_assert_eq(azsreg_federated_options_init(&fo, AZSREG_FEDERATED_OPTIONS_VERSION), AZSREG_OK);
	cr_assert_eq(azsreg_device_code_options_init(&dco, AZSREG_DEVICE_CODE_OPTIONS_VERSION), AZSREG_OK);
	cr_assert_eq(azsreg_username_password_options_init(&upo, AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION), AZSREG_OK);
	cr_expect(fo.tenant_id == NULL && fo.client_id == NULL && fo.token_file == NULL);
	cr_expect(dco.prompt_cb == NULL && dco.prompt_payload == NULL && dco.client_id == NULL);
	cr_expect(upo.username == NULL && upo.password == NULL);
	cr_expect_eq(azsreg_federated_options_init(&fo, 2), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "federated options: unknown version 2 (expected 1)") != NULL, "%s",
		  azsreg_error_last()->message);
	cr_expect_eq(azsreg_device_code_options_init(NULL, 1), AZSREG_EINVALID);
	cr_expect_eq(azsreg_username_password_options_init(&upo, 0), AZSREG_EINVALID);

	cr_expect_eq(azsreg_credential_federated_new(&c, NULL), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "options missing or of an unknown version") != NULL);
	cr_expect_eq(azsreg_credential_device_code_new(&c, NULL), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_username_password_new(&c, NULL), AZSREG_EINVALID);
	upo.version = 2;
	upo.username = UP_USER;
	upo.password = UP_PASSWORD;
	cr_expect_eq(azsreg_credential_username_password_new(&c, &upo), AZSREG_EINVALID);
	dco.version = 0;
	dco.prompt_cb = prompt;
	cr_expect_eq(azsreg_credential_device_code_new(&c, &dco), AZSREG_EINVALID);
	fo.version = 99;
	fo.client_id = CLIENT;
	fo.token_file = "/nonexistent";
	cr_expect_eq(azsreg_credential_federated_new(&c, &fo), AZSREG_EINVALID);
	cr_expect_null(c);
}

Test(cred_factory, username_password_from_environment_and_json)
{
	azsreg_credential *c = NULL;

	setenv("AZSREG_USERNAME", UP_USER, 1);
	cr_expect_eq(azsreg_credential_from_environment(&c), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "AZSREG_PASSWORD is not") != NULL, "%s", azsreg_error_last()->message);
	setenv("AZSREG_PASSWORD", UP_PASSWORD, 1);
	setenv("AZSREG_ACCESS_TOKEN", "opaque-access-token", 1); /* the user account comes first */
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "UsernamePassword(user " UP_USER ", client " UP_PS_CLIENT ", tenant organizations) from environment (AZSREG_USERNAME)");
	azsreg_credential_free(c);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "UsernamePassword(user " UP_USER ", client " CLIENT ", tenant " TENANT ") from environment (AZSREG_USERNAME)");
	azsreg_credential_free(c);
	setenv("AZURE_CLIENT_SECRET", SECRET, 1); /* a service principal comes before the user */
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect(strstr(azsreg_credential_describe(c), "ClientSecret(") == azsreg_credential_describe(c));
	azsreg_credential_free(c);

	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"usernamePassword\",\"tenantId\":\"" TENANT "\",\"username\":\"" UP_USER "\",\"password\":\"json-pass-1\"}"), 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c), "UsernamePassword(user " UP_USER ", client " UP_PS_CLIENT ", tenant " TENANT ")");
	azsreg_credential_free(c);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"usernamePassword\",\"username\":\"" UP_USER "\"}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"usernamePassword\",\"username\":\"" UP_USER "\",\"password\":7}"),
		     AZSREG_EINVALID);
	cr_expect_null(c);
}

Test(cred_factory, environment_chain_picks_in_order_and_says_which)
{
	azsreg_credential *c = NULL;

	cr_expect_eq(azsreg_credential_from_environment(&c), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, "AZURE_CLIENT_SECRET") != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "AZSREG_ACCESS_TOKEN") != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "IDENTITY_ENDPOINT") != NULL);
	setenv("AZSREG_ACCESS_TOKEN", "opaque-access-token", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect(strstr(azsreg_credential_describe(c), "AccessToken") != NULL);
	cr_expect(strstr(azsreg_credential_describe(c), "from environment (AZSREG_ACCESS_TOKEN)") != NULL);
	azsreg_credential_free(c);
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_ID", CLIENT, 1);
	setenv("AZURE_CLIENT_SECRET", SECRET, 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect_str_eq(azsreg_credential_describe(c),
			 "ClientSecret(client " CLIENT ", tenant " TENANT ") from environment (AZURE_CLIENT_SECRET)");
	azsreg_credential_free(c);
	unsetenv("AZURE_CLIENT_SECRET");
	setenv("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/token", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0);
	cr_expect(strstr(azsreg_credential_describe(c), "Federated(") == azsreg_credential_describe(c));
	azsreg_credential_free(c);
	unsetenv("AZURE_FEDERATED_TOKEN_FILE");
	unsetenv("AZSREG_ACCESS_TOKEN");
	unsetenv("AZURE_TENANT_ID");
	setenv("IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token", 1);
	setenv("IDENTITY_HEADER", "h-val-1", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_credential_describe(c), "ManagedIdentity(user-assigned, client " CLIENT) != NULL,
		  "%s", azsreg_credential_describe(c));
	cr_expect(strstr(azsreg_credential_describe(c), ") from environment (IDENTITY_ENDPOINT)") != NULL, "%s",
		  azsreg_credential_describe(c));
	azsreg_credential_free(c);
	/* the variable named is the one that chose managed identity */
	unsetenv("IDENTITY_ENDPOINT");
	unsetenv("IDENTITY_HEADER");
	setenv("MSI_ENDPOINT", "http://127.0.0.1:1/msi/token", 1);
	setenv("MSI_SECRET", "h-val-2", 1);
	cr_assert_eq(azsreg_credential_from_environment(&c), 0, "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_credential_describe(c), ") from environment (MSI_ENDPOINT)") != NULL, "%s",
		  azsreg_credential_describe(c));
	azsreg_credential_free(c);
	unsetenv("MSI_ENDPOINT");
	/* a constructor's refusal names the variable that picked it */
	setenv("AZURE_TENANT_ID", TENANT, 1);
	setenv("AZURE_CLIENT_CERTIFICATE_PATH", "/nonexistent/azsreg-cert.pem", 1);
	cr_expect_eq(azsreg_credential_from_environment(&c), AZSREG_EINVALID);
	cr_expect_null(c);
	cr_expect(strstr(azsreg_error_last()->message, "credential from environment (AZURE_CLIENT_CERTIFICATE_PATH): ") ==
			  azsreg_error_last()->message,
		  "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "/nonexistent/azsreg-cert.pem") != NULL, "%s", azsreg_error_last()->message);
}

Test(cred_factory, credentials_from_json)
{
	azsreg_credential *c = NULL;

	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"clientSecret\",\"tenantId\":\"" TENANT "\",\"clientId\":\"" CLIENT
						    "\",\"clientSecret\":\"json-secret-1\"}"),
		     0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_credential_describe(c), "ClientSecret(client " CLIENT ", tenant " TENANT ")");
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"accessToken\",\"accessToken\":\"abcdef\"}"), 0);
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"managedIdentity\",\"imdsEndpoint\":\"http://127.0.0.1:5\"}"), 0,
		     "%s", azsreg_error_last()->message);
	azsreg_credential_free(c);
	cr_assert_eq(azsreg_credential_new_json(&c, "{\"kind\":\"federated\",\"tenantId\":\"t.example.com\",\"clientId\":\"c\","
						    "\"tokenFile\":\"/tmp/x\"}"),
		     0);
	azsreg_credential_free(c);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"deviceCode\"}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"nope\"}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"clientSecret\",\"clientSecrt\":\"typo\"}"), AZSREG_EINVALID);
	cr_expect(strstr(azsreg_error_last()->message, "clientSecrt") != NULL);
	cr_expect_eq(azsreg_credential_new_json(&c, "{\"kind\":\"clientSecret\",\"clientId\":5}"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, "[1,2"), AZSREG_EINVALID);
	cr_expect_eq(azsreg_credential_new_json(&c, NULL), AZSREG_EINVALID);
	cr_expect_null(c);
}
