/*
 * azsreg: register Cloud Solution Provider customer subscriptions with Azure Stack
 * registrations through Azure Resource Manager (ARM).
 *
 * Conventions (see native/docs/design.md):
 *  - Every fallible function returns an int: 0 (AZSREG_OK) on success, a negative
 *    AZSREG_E* code on failure. azsreg_error_last() then describes the failure; it is
 *    thread-local and never NULL.
 *  - Out parameters come first; *out is set only on success (NULL on failure).
 *  - Whatever the library allocates (char * results, handles) only the library frees:
 *    strings with azsreg_free(), handles with their own *_free(). *_free(NULL) is a no-op.
 *  - Option structs start with `unsigned int version`; use the *_INIT macro or the
 *    *_init() function. Zero fields mean defaults.
 *  - All strings are UTF-8 and NUL-terminated. JSON results are compact UTF-8 JSON.
 *  - The library never aborts or exits, and never writes to stdout/stderr by itself.
 *  - Secrets (client secrets, certificate passwords, assertions, tokens) never appear in
 *    any log line or error message, at any level.
 */
#ifndef AZSREG_H
#define AZSREG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(AZSREG_STATIC)
#define AZSREG_EXTERN(type) type /* linked statically (the unit tests) */
#elif defined(_WIN32)
#if defined(AZSREG_BUILDING)
#define AZSREG_EXTERN(type) __declspec(dllexport) type
#else
#define AZSREG_EXTERN(type) __declspec(dllimport) type
#endif
#elif defined(__GNUC__)
#define AZSREG_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define AZSREG_EXTERN(type) type
#endif

#if defined(__GNUC__)
#define AZSREG_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define AZSREG_WARN_UNUSED
#endif

#define AZSREG_VERSION "0.2.0"

/** Result codes. 0 is success; every error is negative. */
typedef enum azsreg_result {
	AZSREG_OK = 0,
	AZSREG_ERROR = -1, /**< generic failure */
	AZSREG_EINVALID = -2, /**< bad argument or input; nothing was sent */
	AZSREG_ENOTFOUND = -3, /**< the resource (or registration) does not exist */
	AZSREG_EAUTH = -4, /**< sign-in failed, or ARM refused the token (401/403) */
	AZSREG_ETHROTTLED = -5, /**< still throttled (429) when retries ran out */
	AZSREG_ETIMEOUT = -6, /**< a timeout or the total deadline passed */
	AZSREG_ETLS = -7, /**< TLS failure: certificate not trusted, handshake failed */
	AZSREG_ENETWORK = -8, /**< connection failure (DNS, refused, dropped, proxy) */
	AZSREG_ESERVICE = -9, /**< the service answered with an error not covered above */
	AZSREG_ENOMEM = -10, /**< out of memory, or a bounded buffer's limit was hit */
	AZSREG_ECONFLICT = -11, /**< 409: the request conflicts with the resource's state */
	AZSREG_ECANCELLED = -12, /**< the caller asked to stop (a callback, or azsreg_batch_cancel) */
	AZSREG_EPARTIAL = -13 /**< a batch ran to the end but some items failed: each item's result says why */
} azsreg_result;

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/** The last error of the calling thread. Strings are never NULL (empty when unknown). */
typedef struct azsreg_error {
	int code; /**< an azsreg_result value; 0 when there is no error */
	int http_status; /**< HTTP status of the failing response, 0 if none */
	const char *message; /**< one line, for people; never contains a secret */
	const char *arm_code; /**< ARM `error.code` (or identity `error`), "" if none */
	const char *arm_message; /**< ARM `error.message` (or `error_description`), "" if none */
	const char *target; /**< ARM `error.target`, "" if none */
	const char *details_json; /**< ARM `error.details` as a JSON array, "" if none */
	const char *request_id; /**< `x-ms-request-id` of the failing response, "" if none */
	const char *correlation_id; /**< correlation ID of the request or batch, "" if none */
	const char *hint; /**< one-line hint for the ARM/identity code, "" if none */
} azsreg_error;

/** The calling thread's last error. Never NULL; valid until the thread's next library call. */
AZSREG_EXTERN(const azsreg_error *) azsreg_error_last(void);

/**
 * The calling thread's last error as a JSON object:
 * {"code","httpStatus","message","armCode","armMessage","target","details","requestId",
 *  "correlationId","hint"}. Never NULL; valid until the thread's next library call.
 */
AZSREG_EXTERN(const char *) azsreg_error_last_json(void);

/** Clears the calling thread's last error. */
AZSREG_EXTERN(void) azsreg_error_clear(void);

/** The one-line hint for an ARM or identity error code, or NULL when there is none. */
AZSREG_EXTERN(const char *) azsreg_error_hint(const char *arm_code);

/** A short name of a result code ("AZSREG_EAUTH"). Never NULL. */
AZSREG_EXTERN(const char *) azsreg_result_name(int code);

/** Frees a string or buffer returned by the library. NULL is a no-op. */
AZSREG_EXTERN(void) azsreg_free(void *ptr);

/** The library version ("0.1.0"). */
AZSREG_EXTERN(const char *) azsreg_version(void);

/* ------------------------------------------------------------------------ */
/* Logging                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum azsreg_log_level {
	AZSREG_LOG_NONE = 0,
	AZSREG_LOG_ERROR = 1,
	AZSREG_LOG_WARNING = 2,
	AZSREG_LOG_INFO = 3, /**< one line per request: method, URL, status, request ID, time */
	AZSREG_LOG_DEBUG = 4, /**< adds headers (redacted) and retry decisions */
	AZSREG_LOG_TRACE = 5 /**< adds bodies (secrets redacted) */
} azsreg_log_level;

/**
 * A log callback. Called on the thread that made the library call. `message` is one
 * line, already redacted, valid only during the call.
 */
typedef void (*azsreg_log_cb)(int level, const char *message, void *payload);

/**
 * Caps the log level of every client for calls made on the calling thread (a binding sets
 * it from its caller's verbosity before each call, so lines nobody will show are not even
 * formatted). A negative level removes the cap. The client's own level still applies.
 */
AZSREG_EXTERN(void) azsreg_log_set_thread_level(int level);

/* ------------------------------------------------------------------------ */
/* Resource IDs                                                             */
/* ------------------------------------------------------------------------ */

#define AZSREG_GUID_LEN 36
#define AZSREG_RESOURCE_ID_MAX 2048
#define AZSREG_NAME_MAX 260

/** A registration, parsed from its resource ID. */
typedef struct azsreg_registration_ref {
	char subscription_id[AZSREG_GUID_LEN + 1]; /**< lowercase GUID */
	char resource_group[AZSREG_NAME_MAX + 1];
	char name[AZSREG_NAME_MAX + 1];
} azsreg_registration_ref;

/**
 * Validates a generic ARM resource ID (with or without leading '/'): segments
 * non-empty, no '..', '?', '#', '%', whitespace or control characters, length at most
 * AZSREG_RESOURCE_ID_MAX, starts with subscriptions/{guid} (or is a provider-level ID
 * starting with providers/, or is `subscriptions` alone: the list of subscriptions). Returns AZSREG_EINVALID with a message naming the bad part.
 * Nothing is trimmed: leading or trailing whitespace (a newline from a file, a space) is
 * refused with a message naming it. In a Microsoft.AzureStack customer subscription ID
 * (`.../registrations/{name}/customerSubscriptions/{id}`) the last segment must be a GUID
 * (when it is not, the error's `target` is "customerSubscriptionId").
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_resource_id_validate(const char *resource_id);

/**
 * Validates a resource ID as azsreg_resource_id_validate does and writes the form that is
 * sent (free with azsreg_free): the same text, except that the customer subscription GUID
 * of a Microsoft.AzureStack customer subscription ID is put in lowercase without braces
 * (the service documents lowercase). azsreg_resource_request sends this form, so the CLI
 * and the module send the same request path for the same input.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_resource_id_normalize(char **out, const char *resource_id);

/**
 * Parses a registration resource ID
 * `[/]subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.AzureStack/registrations/{name}`
 * (keywords case-insensitive). A trailing `/customerSubscriptions[/{guid}]` is refused:
 * use azsreg_customer_id_parse for those.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_registration_id_parse(azsreg_registration_ref *out, const char *resource_id);

/**
 * Parses a customer subscription resource ID (registration ID +
 * `/customerSubscriptions/{guid}`). `out_customer` receives the lowercase GUID
 * (AZSREG_GUID_LEN + 1 bytes).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_customer_id_parse(azsreg_registration_ref *out_registration, char *out_customer, const char *resource_id);

/** Builds the canonical registration ID ("/subscriptions/.../registrations/{name}"). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_registration_id_build(char **out, const azsreg_registration_ref *registration);

/** Builds the canonical customer subscription ID (customer GUID in lowercase). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_customer_id_build(char **out, const azsreg_registration_ref *registration, const char *customer_subscription_id);

/**
 * Validates a GUID (8-4-4-4-12 hex, optional surrounding braces) and writes its lowercase
 * form without braces to `out` (AZSREG_GUID_LEN + 1 bytes). `what` names the value in
 * the error message ("customer subscription ID"). Nothing is trimmed: surrounding
 * whitespace or a control character is refused with a message naming it.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_guid_normalize(char *out, const char *text, const char *what);

/* ------------------------------------------------------------------------ */
/* Environments (clouds)                                                    */
/* ------------------------------------------------------------------------ */

typedef struct azsreg_environment azsreg_environment;

/**
 * A built-in environment by name (case-insensitive): AzureCloud, AzureChinaCloud,
 * AzureUSGovernment, AzureGermanCloud.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_environment_builtin(azsreg_environment **out, const char *name);

typedef struct azsreg_client_options azsreg_client_options;

/**
 * How the discovery request is sent: the client options that apply to it, with the same
 * meaning, checks and defaults as in azsreg_client_options, except deadline_ms (0: 60 s in
 * all, the one discovery default).
 */
typedef struct azsreg_discovery_options {
	unsigned int version;
	const char *ca_file; /**< CA bundle; else SSL_CERT_FILE, CURL_CA_BUNDLE, system */
	const char *proxy; /**< explicit proxy; else HTTPS_PROXY / NO_PROXY */
	const char *user_agent; /**< appended to "azsreg/<version>" */
	const char *correlation_id; /**< NULL: a fresh GUID */
	long connect_timeout_ms; /**< 0: 10 s */
	long request_timeout_ms; /**< per attempt; 0: 100 s */
	long deadline_ms; /**< total, retries included; 0: 60 s */
	int max_retries; /**< 0: 6; negative: no retries */
	long retry_base_delay_ms; /**< 0: 800 ms */
	long retry_max_delay_ms; /**< 0: 60 s */
	azsreg_log_cb log_cb;
	void *log_payload;
	int log_level; /**< azsreg_log_level; 0: none */
} azsreg_discovery_options;
#define AZSREG_DISCOVERY_OPTIONS_VERSION 1
#define AZSREG_DISCOVERY_OPTIONS_INIT \
	{ \
		AZSREG_DISCOVERY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, 0 \
	}
AZSREG_EXTERN(int) azsreg_discovery_options_init(azsreg_discovery_options *opts, unsigned int version);

/**
 * A custom environment read from `{arm_endpoint}/metadata/endpoints?api-version=1.0`
 * (Azure Stack style; AD FS detected from a loginEndpoint ending in /adfs), the request
 * sent as `opts` says (checked as azsreg_client_options_check checks the same settings,
 * before anything is sent; `opts` may be NULL: defaults, the system's CA store). A
 * document without a usable authentication.loginEndpoint and audiences[0], or with an
 * unusable gallery / graph / portal endpoint, is AZSREG_ESERVICE.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_environment_discover_with(azsreg_environment **out, const char *name, const char *arm_endpoint, const azsreg_discovery_options *opts);

/**
 * Checks a Resource Manager or identity endpoint URL as the library uses it: https://
 * (plain http:// only to a loopback address), no user info, query, fragment or dot
 * segment, a port of 1-65535, no whitespace or control characters. `what` names it in the
 * message ("the ARM endpoint"; NULL: "URL"). Returns AZSREG_OK or AZSREG_EINVALID; the
 * message never shows user info, and the error's target is "userInfo" when user info is
 * the problem. Discovery and azsreg_environment_custom apply the same rule; bindings call
 * this to refuse a URL before they show or send it.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_endpoint_check(const char *url, const char *what);

/**
 * A copy of `text` (free with azsreg_free) with everything the library's logs hide masked
 * as "***": user info in URLs, bearer tokens, JWTs, secret form fields, JSON members and
 * header lines, and every registered secret. For bindings that show text the library did
 * not produce (a URL as the user typed it).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_redact(char **out, const char *text);

typedef struct azsreg_environment_options {
	unsigned int version;
	const char *name; /**< NULL or "": "Custom" */
	const char *arm_endpoint; /**< the Resource Manager endpoint */
	const char *authority; /**< the login endpoint (AD FS when it ends in /adfs) */
	const char *audience; /**< the token audience; NULL: the ARM endpoint */
} azsreg_environment_options;
#define AZSREG_ENVIRONMENT_OPTIONS_VERSION 1
#define AZSREG_ENVIRONMENT_OPTIONS_INIT \
	{ \
		AZSREG_ENVIRONMENT_OPTIONS_VERSION, NULL, NULL, NULL, NULL \
	}
AZSREG_EXTERN(int) azsreg_environment_options_init(azsreg_environment_options *opts, unsigned int version);

/** A custom environment from explicit endpoints (no network). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_environment_custom(azsreg_environment **out, const azsreg_environment_options *opts);

/**
 * The environment as JSON: {"name","resourceManagerUrl","activeDirectoryAuthority",
 * "audience","isAdfs","galleryUrl","graphUrl","portalUrl"} (endpoints end with '/').
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_environment_to_json(char **out_json, const azsreg_environment *env);

/** A copy of an environment. */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_environment_dup(azsreg_environment **out, const azsreg_environment *env);

AZSREG_EXTERN(void) azsreg_environment_free(azsreg_environment *env);

/* ------------------------------------------------------------------------ */
/* Credentials                                                              */
/* ------------------------------------------------------------------------ */

/**
 * A credential: something the client asks for an access token for an audience. It is
 * reference-counted; a client holds its own reference, so the caller may free its
 * handle right after azsreg_client_new. Safe to share between threads.
 */
typedef struct azsreg_credential azsreg_credential;

/** A ready access token (expiry read from the token when it is a JWT, else 1 hour). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_access_token_new(azsreg_credential **out, const char *access_token);

typedef struct azsreg_client_secret_options {
	unsigned int version;
	const char *tenant_id; /**< GUID or domain name; ignored for AD FS */
	const char *client_id;
	const char *client_secret; /**< copied; the copy is wiped when freed */
} azsreg_client_secret_options;
#define AZSREG_CLIENT_SECRET_OPTIONS_VERSION 1
#define AZSREG_CLIENT_SECRET_OPTIONS_INIT \
	{ \
		AZSREG_CLIENT_SECRET_OPTIONS_VERSION, NULL, NULL, NULL \
	}
AZSREG_EXTERN(int) azsreg_client_secret_options_init(azsreg_client_secret_options *opts, unsigned int version);

/** Service principal + client secret (AAD v2 scope form, or AD FS / v1 resource form). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_client_secret_new(azsreg_credential **out, const azsreg_client_secret_options *opts);

/**
 * Signs `data` for a client assertion: RS256, i.e. RSASSA-PKCS1-v1_5 over SHA-256 of
 * `data`. Write the raw signature into `sig` (capacity `*sig_len`) and set `*sig_len`.
 * Return 0 on success, non-zero on failure.
 */
typedef int (*azsreg_sign_cb)(const unsigned char *data, size_t data_len, unsigned char *sig, size_t *sig_len, void *payload);

/** Releases a payload the caller handed to the library (e.g. `sign_payload`). */
typedef void (*azsreg_payload_free_cb)(void *payload);

typedef struct azsreg_certificate_options {
	unsigned int version;
	const char *tenant_id;
	const char *client_id;
	const char *certificate_path; /**< PEM (certificate + key) or PKCS#12 (.pfx/.p12) */
	const char *certificate_password; /**< for PKCS#12 or an encrypted PEM key; may be NULL */
	const unsigned char *certificate_der; /**< alternative to a path: DER certificate ... */
	size_t certificate_der_len;
	azsreg_sign_cb sign_cb; /**< ... and a signing callback for its private key */
	void *sign_payload;
	int send_certificate_chain; /**< non-zero: add x5c (subject name / issuer auth) */
	/**
	 * Version 2: may be NULL. Called exactly once with `sign_payload` when the library is
	 * done with it: when the credential is freed, or, when
	 * azsreg_credential_certificate_new fails, before it returns. From the call on, the
	 * payload is the library's to release whatever the outcome.
	 */
	azsreg_payload_free_cb sign_payload_free;
} azsreg_certificate_options;
/* Version 1 (without sign_payload_free) is still accepted, by _init and _new alike. */
#define AZSREG_CERTIFICATE_OPTIONS_VERSION 2
#define AZSREG_CERTIFICATE_OPTIONS_INIT \
	{ \
		AZSREG_CERTIFICATE_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL \
	}
AZSREG_EXTERN(int) azsreg_certificate_options_init(azsreg_certificate_options *opts, unsigned int version);

/** Service principal + certificate: a signed client assertion (RS256, x5t). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_certificate_new(azsreg_credential **out, const azsreg_certificate_options *opts);

typedef struct azsreg_federated_options {
	unsigned int version;
	const char *tenant_id; /**< NULL or "": the client options' sign-in tenant */
	const char *client_id;
	const char *token_file; /**< the federated token (a JWT), read again at every renewal */
} azsreg_federated_options;
#define AZSREG_FEDERATED_OPTIONS_VERSION 1
#define AZSREG_FEDERATED_OPTIONS_INIT \
	{ \
		AZSREG_FEDERATED_OPTIONS_VERSION, NULL, NULL, NULL \
	}
AZSREG_EXTERN(int) azsreg_federated_options_init(azsreg_federated_options *opts, unsigned int version);

/** Workload identity: the client assertion is read from `token_file` on every renewal. */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_federated_new(azsreg_credential **out, const azsreg_federated_options *opts);

typedef struct azsreg_managed_identity_options {
	unsigned int version;
	const char *client_id; /**< user-assigned identity by client ID; NULL: system-assigned */
	const char *resource_id; /**< user-assigned identity by resource ID */
	const char *identity_endpoint; /**< overrides IDENTITY_ENDPOINT / MSI_ENDPOINT */
	const char *identity_header; /**< overrides IDENTITY_HEADER / MSI_SECRET */
	const char *imds_endpoint; /**< overrides http://169.254.169.254 (AZSREG_IMDS_ENDPOINT too) */
} azsreg_managed_identity_options;
#define AZSREG_MANAGED_IDENTITY_OPTIONS_VERSION 1
#define AZSREG_MANAGED_IDENTITY_OPTIONS_INIT \
	{ \
		AZSREG_MANAGED_IDENTITY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL \
	}
AZSREG_EXTERN(int) azsreg_managed_identity_options_init(azsreg_managed_identity_options *opts, unsigned int version);

/**
 * Managed identity: IDENTITY_ENDPOINT + IDENTITY_HEADER (Azure Automation, App
 * Service), MSI_ENDPOINT + MSI_SECRET (older sandboxes), else IMDS (never proxied).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_managed_identity_new(azsreg_credential **out, const azsreg_managed_identity_options *opts);

/**
 * Shows the device code sign-in message (`message` says where to go and which code to
 * enter). Return 0 to go on polling, non-zero to cancel.
 */
typedef int (*azsreg_device_code_cb)(const char *message, const char *user_code, const char *verification_uri, void *payload);

/**
 * The public client (application) ID device code sign-in uses when the caller names none:
 * the Azure CLI's, allowed for device code sign-in in every tenant.
 */
#define AZSREG_DEVICE_CODE_CLIENT_ID "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
/** The public client a user name + password sign-in uses when the caller names none: Azure PowerShell's. */
#define AZSREG_PASSWORD_CLIENT_ID "1950a258-227b-4e31-a9cf-717495945fc2"

/**
 * AZSREG_DEVICE_CODE_CLIENT_ID, for bindings that cannot read macros (the one copy of the
 * default: the CLI and Connect-AzureRmAccount use it). Never NULL.
 */
AZSREG_EXTERN(const char *) azsreg_default_public_client_id(void);

typedef struct azsreg_device_code_options {
	unsigned int version;
	const char *tenant_id; /**< NULL or "": "organizations" (or the client options' tenant) */
	const char *client_id; /**< NULL: AZSREG_DEVICE_CODE_CLIENT_ID */
	azsreg_device_code_cb prompt_cb; /**< required: shows the code */
	void *prompt_payload; /**< passed to prompt_cb */
} azsreg_device_code_options;
#define AZSREG_DEVICE_CODE_OPTIONS_VERSION 1
#define AZSREG_DEVICE_CODE_OPTIONS_INIT \
	{ \
		AZSREG_DEVICE_CODE_OPTIONS_VERSION, NULL, NULL, NULL, NULL \
	}
AZSREG_EXTERN(int) azsreg_device_code_options_init(azsreg_device_code_options *opts, unsigned int version);

/** Interactive sign-in with a device code; the refresh token renews the session. */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_device_code_new(azsreg_credential **out, const azsreg_device_code_options *opts);

/**
 * A user account with its password (OAuth 2.0 resource owner password grant: what
 * `Add-AzureRmAccount -Credential` does with a user account). POSTs
 * grant_type=password&client_id&username&password&scope={audience}/.default offline_access
 * (AD FS: resource={audience}) to the token endpoint; renewals use the refresh token (and
 * the password again when it is refused). `tenant_id` NULL: "organizations"; `client_id`
 * NULL: AZSREG_PASSWORD_CLIENT_ID (Azure PowerShell's public client). The
 * password is copied, hidden from every log and error, and wiped when freed. Accounts that
 * need multi-factor authentication cannot sign in this way (use device code).
 */
typedef struct azsreg_username_password_options {
	unsigned int version;
	const char *tenant_id; /**< NULL or "": "organizations" */
	const char *client_id; /**< NULL or "": AZSREG_PASSWORD_CLIENT_ID */
	const char *username; /**< the sign-in name, user@domain */
	const char *password; /**< copied; the copy is wiped when freed */
} azsreg_username_password_options;
#define AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION 1
#define AZSREG_USERNAME_PASSWORD_OPTIONS_INIT \
	{ \
		AZSREG_USERNAME_PASSWORD_OPTIONS_VERSION, NULL, NULL, NULL, NULL \
	}
AZSREG_EXTERN(int) azsreg_username_password_options_init(azsreg_username_password_options *opts, unsigned int version);

AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_username_password_new(azsreg_credential **out, const azsreg_username_password_options *opts);

/**
 * The environment chain: AZURE_TENANT_ID + AZURE_CLIENT_ID with AZURE_CLIENT_SECRET,
 * AZURE_CLIENT_CERTIFICATE_PATH (+ AZURE_CLIENT_CERTIFICATE_PASSWORD) or
 * AZURE_FEDERATED_TOKEN_FILE (AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=1|true sends x5c);
 * else AZSREG_USERNAME + AZSREG_PASSWORD (user account; AZURE_TENANT_ID, optional
 * AZURE_CLIENT_ID); else AZSREG_ACCESS_TOKEN; else managed identity when
 * its endpoint variables are present. Fails with AZSREG_EAUTH naming what is missing.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_from_environment(azsreg_credential **out);

/**
 * Any credential from JSON (for bindings): {"kind": "accessToken"|"clientSecret"|
 * "certificate"|"federated"|"managedIdentity"|"usernamePassword"|"environment",
 * "tenantId", "clientId", "clientSecret", "accessToken", "certificatePath",
 * "certificatePassword", "tokenFile", "resourceId", "identityEndpoint", "identityHeader",
 * "imdsEndpoint", "username", "password"}.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_credential_new_json(azsreg_credential **out, const char *json);

/** A short description: kind, client ID, tenant (never a secret), e.g. "ClientSecret(app, tenant)". */
AZSREG_EXTERN(const char *) azsreg_credential_describe(const azsreg_credential *cred);

/** Drops the caller's reference. NULL is a no-op. Secrets are wiped when the last reference goes. */
AZSREG_EXTERN(void) azsreg_credential_free(azsreg_credential *cred);

/* ------------------------------------------------------------------------ */
/* Client                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct azsreg_client azsreg_client;

struct azsreg_client_options {
	unsigned int version;
	const azsreg_environment *environment; /**< copied; NULL: AzureCloud */
	const char *tenant_id; /**< tenant for token requests; overrides the credential's */
	const char *ca_file; /**< CA bundle; else SSL_CERT_FILE, CURL_CA_BUNDLE, system */
	const char *proxy; /**< explicit proxy; else HTTPS_PROXY / NO_PROXY */
	const char *user_agent; /**< appended to "azsreg/<version>" */
	const char *correlation_id; /**< one ID for everything this client sends; NULL: fresh GUID */
	long connect_timeout_ms; /**< 0: 10 s */
	long request_timeout_ms; /**< per attempt; 0: 100 s */
	long deadline_ms; /**< total time for one operation incl. retries; 0: 10 min */
	int max_retries; /**< 0: 6; negative: no retries */
	long retry_base_delay_ms; /**< 0: 800 ms */
	long retry_max_delay_ms; /**< 0: 60 s */
	azsreg_log_cb log_cb;
	void *log_payload;
	int log_level; /**< azsreg_log_level; 0: none */
};
#define AZSREG_CLIENT_OPTIONS_VERSION 1
#define AZSREG_CLIENT_OPTIONS_INIT \
	{ \
		AZSREG_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, 0 \
	}
AZSREG_EXTERN(int) azsreg_client_options_init(azsreg_client_options *opts, unsigned int version);

/**
 * Checks client options as azsreg_client_new does, and sends nothing: the version, the
 * timeouts, the correlation ID (a GUID), the tenant (a GUID or a domain name), the proxy
 * URL (else the proxy environment variables) and the CA bundle (else SSL_CERT_FILE /
 * CURL_CA_BUNDLE: a readable file holding at least one PEM certificate). AZSREG_EINVALID
 * names the problem. Call it before anything is sent (discovery, sign-in).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_client_options_check(const azsreg_client_options *opts);

/**
 * A client: one environment, one credential, one connection pool, one token cache.
 * Safe to use from several threads at once. Takes its own reference to `cred`.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_client_new(azsreg_client **out, const azsreg_client_options *opts, azsreg_credential *cred);

/**
 * A client from JSON options (for bindings): {"environment": <environment JSON as from
 * azsreg_environment_to_json, or a built-in name>, "tenantId", "caFile", "proxy",
 * "userAgent", "correlationId", "connectTimeoutMs", "requestTimeoutMs", "deadlineMs",
 * "maxRetries", "retryBaseDelayMs", "retryMaxDelayMs", "logLevel"}.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_client_new_json(azsreg_client **out, const char *options_json, azsreg_credential *cred, azsreg_log_cb log_cb, void *log_payload);

AZSREG_EXTERN(void) azsreg_client_free(azsreg_client *client);

/**
 * Makes sure the client holds a valid token (signs in now if needed) and describes the
 * signed-in account: {"account","tenantId","environment","credential","expiresOn"}
 * (never the token).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_client_sign_in(char **out_json, azsreg_client *client);

/**
 * Client statistics as JSON: {"requests","retries","tokenRequests","tokenRenewals",
 * "connectionsOpened"}.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_client_stats(char **out_json, azsreg_client *client);

/* ------------------------------------------------------------------------ */
/* Operations                                                               */
/* ------------------------------------------------------------------------ */

#define AZSREG_API_VERSION "2017-06-01"

/** AZSREG_API_VERSION, for bindings that cannot read macros (the module's default -ApiVersion). Never NULL. */
AZSREG_EXTERN(const char *) azsreg_default_api_version(void);

/** GET a registration; returns its JSON object (an answer that is not a JSON object is AZSREG_ESERVICE). */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_registration_get(char **out_json, azsreg_client *client, const char *registration_id);

/**
 * Registers (PUT) a customer subscription with a registration. `tenant_id` may be NULL
 * (no tenant is sent); otherwise a GUID or domain (a domain is resolved to its GUID), and
 * an empty or blank `tenant_id` is refused with AZSREG_EINVALID before anything is sent. Accepts 200 with a body and 201
 * with none: the result is always the resource as a JSON object (built from the request when
 * the service sent no body; a body that is JSON but not an object is AZSREG_ESERVICE).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_customer_put(char **out_json, azsreg_client *client, const char *registration_id, const char *customer_subscription_id, const char *tenant_id);

/** GET one customer subscription mapping (a JSON object). AZSREG_ENOTFOUND when absent. */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_customer_get(char **out_json, azsreg_client *client, const char *registration_id, const char *customer_subscription_id);

/** Lists all customer subscriptions of a registration (all pages) as a JSON array. */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_customer_list(char **out_json, azsreg_client *client, const char *registration_id);

/** Removes (DELETE) a mapping. `out_existed` (may be NULL) is 1 for 200, 0 for 204. */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_customer_delete(int *out_existed, azsreg_client *client, const char *registration_id, const char *customer_subscription_id);

/** Flags of azsreg_resource_request. */
#define AZSREG_REQUEST_FOLLOW_PAGES 0x1u /**< a 200 with a `value` array: follow nextLink, return {"value":[all]} */
#define AZSREG_REQUEST_NO_LRO 0x2u /**< do not poll 201/202 long-running operations */

/** What azsreg_resource_request sends. */
typedef struct azsreg_request_options {
	unsigned int version;
	const char *method; /**< GET, PUT, PATCH, POST, DELETE or HEAD */
	const char *resource_id; /**< validated; with or without leading '/' */
	const char *api_version; /**< required (AZSREG_API_VERSION for Microsoft.AzureStack) */
	const char *body_json; /**< may be NULL; none for GET / HEAD */
	const char *odata_query; /**< may be NULL; URL-encoded, must not set api-version */
	unsigned int flags; /**< AZSREG_REQUEST_* */
} azsreg_request_options;
#define AZSREG_REQUEST_OPTIONS_VERSION 1
#define AZSREG_REQUEST_OPTIONS_INIT \
	{ \
		AZSREG_REQUEST_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0 \
	}
AZSREG_EXTERN(int) azsreg_request_options_init(azsreg_request_options *opts, unsigned int version);

/**
 * A generic ARM request on `opts->resource_id`:
 * `{arm}{/resource_id}?{odata_query&}api-version={api_version}`. `out_json` receives the
 * final response body ("" when none; may be NULL); `out_status` the final HTTP status (may
 * be NULL). Non-2xx statuses are errors. The inputs are checked first
 * (azsreg_resource_request_check), before anything is sent.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_resource_request(char **out_json, int *out_status, azsreg_client *client, const azsreg_request_options *opts);

/**
 * Checks the inputs of azsreg_resource_request without sending anything: the options'
 * version, the method (GET, PUT, PATCH, POST, DELETE, HEAD), the resource ID, the
 * api-version, the OData query (URL-encoded; it must not set api-version) and the body
 * (valid JSON, none for GET / HEAD). AZSREG_EINVALID with a message naming the problem.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_resource_request_check(const azsreg_request_options *opts);

/**
 * Resolves a tenant domain name ("contoso.onmicrosoft.com") to its GUID through the
 * authority's OpenID configuration; a GUID is returned normalised. `out` must hold
 * AZSREG_GUID_LEN + 1 bytes.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_tenant_resolve(char *out, azsreg_client *client, const char *tenant);

/**
 * Checks, without sending anything, that `tenant` is what azsreg_tenant_resolve and
 * azsreg_customer_put take: a GUID (braces allowed) or a domain name with a dot
 * (contoso.onmicrosoft.com). AZSREG_EINVALID names the problem.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_tenant_check(const char *tenant);

/* ------------------------------------------------------------------------ */
/* Batches                                                                  */
/* ------------------------------------------------------------------------ */

/** Actions of a batch item. */
#define AZSREG_BATCH_PUT 1 /**< register (PUT) a customer subscription; tenant_id optional */
#define AZSREG_BATCH_DELETE 2 /**< remove (DELETE) a mapping; 204 (it was not there) is success */
#define AZSREG_BATCH_GET 3 /**< read (GET) a mapping; 404 is a failed item (AZSREG_ENOTFOUND) */

/** One item: a customer subscription and the registration it belongs to. */
typedef struct azsreg_batch_item {
	int action; /**< AZSREG_BATCH_PUT, _DELETE or _GET */
	const char *registration_id; /**< the registration's resource ID */
	const char *customer_subscription_id; /**< a GUID (sent lowercase) */
	const char *tenant_id; /**< PUT: a GUID or domain (resolved once per batch), NULL for none; empty is refused */
} azsreg_batch_item;

/** The outcome of one item, given to the result callback as each item finishes. */
typedef struct azsreg_batch_result {
	size_t index; /**< the item's position in the batch */
	int action;
	int code; /**< AZSREG_OK, or the item's error (AZSREG_ECANCELLED when never finished) */
	int http_status; /**< of the final answer; 0 when none arrived */
	const char *arm_code; /**< ARM error code, "" when none */
	const char *message; /**< "" on success; never a secret */
	const char *request_id; /**< x-ms-request-id of the final answer, "" when none */
	int attempts; /**< requests sent for this item (429s and retries included) */
	int existed; /**< DELETE: 1 when the mapping was there (200), 0 (204) */
	const char *resource_json; /**< PUT / GET success: the mapping as a JSON object; else NULL */
	const char *json; /**< the whole result as one JSON object (for bindings): {"index","action",
	                                 "registration","customerSubscriptionId","id","code","status","error","message",
	                                 "requestId","attempts", DELETE success: "existed", PUT/GET success: "resource",
	                                 failure: "armMessage","target","details","correlationId","hint" (as azsreg_error_last_json)};
	                                 out of memory: only "index","action","code","status","attempts" and a "message" saying the rest was lost */
} azsreg_batch_result;

/** Where a batch stands, given to the progress callback. */
typedef struct azsreg_batch_progress {
	size_t total;
	size_t succeeded;
	size_t failed; /**< items that failed (cancelled ones not counted) */
	size_t in_flight;
	unsigned long requests; /**< requests sent so far */
	unsigned long throttled; /**< 429 answers so far */
	double per_second; /**< items finished per second so far */
	long long elapsed_ms;
	long long eta_ms; /**< estimated time to the end; -1 while unknown */
	size_t cancelled; /**< items that did not finish because of a cancel (known in the last report) */
} azsreg_batch_progress;

/** Callbacks run on the thread that called azsreg_batch_run; the structs are valid during the call only. */
typedef void (*azsreg_batch_result_cb)(const azsreg_batch_result *result, void *payload);
typedef void (*azsreg_batch_progress_cb)(const azsreg_batch_progress *progress, void *payload);

/** Flags of azsreg_batch_options. */
#define AZSREG_BATCH_NO_PACING 0x1u /**< do not slow down ahead of the throttle (429s are still waited out) */
#define AZSREG_BATCH_NO_RESULTS 0x2u /**< the run's JSON has the counts without "results" (for a caller that
                                           takes every result through on_result: no second copy of them) */

typedef struct azsreg_batch_options {
	unsigned int version;
	int concurrency; /**< requests in flight at most; 0: 16; 1 to 256 */
	unsigned int flags; /**< AZSREG_BATCH_* flags */
	azsreg_batch_result_cb on_result;
	azsreg_batch_progress_cb on_progress;
	void *payload; /**< given to both callbacks */
	long progress_interval_ms; /**< 0: 1000; at most 3600000; the callback also runs once at the end */
} azsreg_batch_options;
#define AZSREG_BATCH_OPTIONS_VERSION 1
#define AZSREG_BATCH_OPTIONS_INIT \
	{ \
		AZSREG_BATCH_OPTIONS_VERSION, 0, 0u, NULL, NULL, NULL, 0 \
	}
AZSREG_EXTERN(int) azsreg_batch_options_init(azsreg_batch_options *opts, unsigned int version);

typedef struct azsreg_batch azsreg_batch;

/**
 * A batch runner on a client (the client must outlive it). Options are checked here.
 * One run at a time per batch; azsreg_batch_cancel may be called from any thread.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_batch_new(azsreg_batch **out, azsreg_client *client, const azsreg_batch_options *opts);

/**
 * Checks every item without sending anything: the action, the registration ID, the
 * customer GUID and the tenant (GUID or domain, not blank), and that no customer appears
 * twice for the same registration. AZSREG_EINVALID names the first bad item by its index.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_batch_check(const azsreg_batch_item *items, size_t count);

/**
 * Runs the items concurrently over one connection pool: checks them all first (nothing is
 * sent when one is bad), resolves each distinct tenant domain once, signs in once, then
 * keeps up to `concurrency` requests in flight. Reads ARM's
 * x-ms-ratelimit-remaining-subscription-{reads,writes,deletes} from every answer and paces
 * each (subscription, operation class) so that its bucket is not emptied; a 429 pauses that
 * class for that subscription for the Retry-After time (the item is sent again, without
 * counting as a retry). Other retryable answers (408, 5xx, connection failures) are retried
 * per item as single calls are (retries, backoff, deadline from the client's options).
 * A 401 token error renews the token once for everyone.
 *
 * `out_json` (may be NULL) receives {"total","succeeded","failed","cancelled","requests",
 * "throttled","elapsedMs","results":[result JSON for each item, in item order]}.
 * Returns AZSREG_OK when every item succeeded, AZSREG_EPARTIAL when some failed (the last
 * error names how many and the first), AZSREG_ECANCELLED when cancelled (items not finished
 * have code AZSREG_ECANCELLED), or the error that stopped everything (bad input, sign-in).
 * When a stop came after requests had gone out (a token renewal failed midway, the
 * transport broke), `out_json` is set all the same: its results say which writes were applied.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_batch_run(azsreg_batch *batch, const azsreg_batch_item *items, size_t count, char **out_json);

/**
 * The same with the items as a JSON array (for bindings): [{"action":"put"|"delete"|"get",
 * "registrationId","customerSubscriptionId","tenantId"}].
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_batch_run_json(azsreg_batch *batch, const char *items_json, char **out_json);

/** For bindings: a result or a progress report as one JSON object, valid during the call. */
typedef void (*azsreg_batch_json_cb)(const char *json, void *payload);

/**
 * A batch runner from JSON options (for bindings): {"concurrency":16,"pacing":true,
 * "progressIntervalMs":1000,"results":true} (NULL or "{}": the defaults; "results":false is
 * AZSREG_BATCH_NO_RESULTS). `on_result` (may be NULL)
 * receives each result as azsreg_batch_result.json; `on_progress` (may be NULL)
 * {"total","succeeded","failed","cancelled","inFlight","requests","throttled","perSecond","elapsedMs","etaMs"}.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_batch_new_json(azsreg_batch **out, azsreg_client *client, const char *options_json,
							    azsreg_batch_json_cb on_result, azsreg_batch_json_cb on_progress, void *payload);

/**
 * Asks a batch to stop: no new request is started, those in flight are abandoned (a change
 * may still be applied by the service); long-running operations are not polled further.
 * Any thread. A cancel made while no run is going (for example while azsreg_sync lists the
 * registrations) stops the next run (or the sync) before it sends a write.
 */
AZSREG_EXTERN(void) azsreg_batch_cancel(azsreg_batch *batch);

AZSREG_EXTERN(void) azsreg_batch_free(azsreg_batch *batch);

/* ------------------------------------------------------------------------ */
/* Desired-state sync                                                       */
/* ------------------------------------------------------------------------ */

/** One customer subscription that should be registered. */
typedef struct azsreg_sync_entry {
	const char *customer_subscription_id; /**< a GUID */
	const char *tenant_id; /**< a GUID or domain; NULL: any (an existing mapping is kept whatever its tenant; a new one has none) */
	const char *registration; /**< NULL: every registration of the sync; else one of them, by resource ID or name */
} azsreg_sync_entry;

#define AZSREG_SYNC_PRUNE 0x1u /**< also remove mappings that no entry wants */
#define AZSREG_SYNC_DRY_RUN 0x2u /**< plan only: list and compare, send no write */
#define AZSREG_SYNC_PUT_ALL 0x4u /**< no listing, no comparison: write (PUT) every entry ("put" in the plan); not with PRUNE */

/**
 * Makes the registrations hold what the entries say, with as few writes as possible:
 * checks everything first (nothing is sent when an entry or a registration is bad, or a
 * customer appears twice for one registration), resolves tenant domains once, lists each
 * registration's mappings, then creates (PUT) what is missing, updates (PUT) what has
 * another tenant, and with AZSREG_SYNC_PRUNE deletes what no entry wants; all writes go
 * as one batch (pacing, retries, the batch's callbacks). A run with nothing to do sends
 * no write; an interrupted run is completed by running it again.
 *
 * `out_json` (may be NULL): {"dryRun","prune","registrations":[{"name","id","registered"}],
 * "creates" (with AZSREG_SYNC_PUT_ALL: the entries written),"updates","deletes","unchanged","plan":[{"action":"create"|"update"|"delete"|"put",
 * "registration","registrationId","customerSubscriptionId","tenantId","currentTenantId"}],
 * "batch": the batch's JSON (azsreg_batch_run) when writes were sent}.
 * Returns AZSREG_OK, or as azsreg_batch_run (AZSREG_EPARTIAL, AZSREG_ECANCELLED, a stop
 * midway with the batch's JSON), or the error that stopped it before any write (bad input,
 * sign-in, listing; AZSREG_ECANCELLED after azsreg_batch_cancel while it listed).
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_sync(char **out_json, azsreg_batch *batch, const char *const *registration_ids, size_t nregistrations,
						  const azsreg_sync_entry *entries, size_t count, unsigned int flags);

/**
 * Checks what azsreg_sync checks before it sends anything (flags, registrations, entries,
 * customers twice for one registration), without a client. AZSREG_EINVALID names the problem.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_sync_check(const char *const *registration_ids, size_t nregistrations,
							const azsreg_sync_entry *entries, size_t count, unsigned int flags);

/**
 * The same from JSON (for bindings): {"registrations":["<id>",...],"entries":[{"customerSubscriptionId",
 * "tenantId","registration"}],"prune":false,"dryRun":false,"putAll":false}.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_sync_json(char **out_json, azsreg_batch *batch, const char *request_json);

/* ------------------------------------------------------------------------ */
/* Input files                                                              */
/* ------------------------------------------------------------------------ */

/** Formats of azsreg_input_parse. */
#define AZSREG_INPUT_AUTO 0 /**< CSV unless the first non-blank character (after a BOM) is '{': JSON lines */
#define AZSREG_INPUT_CSV 1 /**< CSV with a header row */
#define AZSREG_INPUT_JSON_LINES 2 /**< one JSON object per non-blank line */

/** Flags of azsreg_input_parse. */
#define AZSREG_INPUT_SKIP_BAD 0x1u /**< report bad rows and duplicates but succeed with the good rows */

/**
 * Reads a customer input file (the whole file's bytes; `len` without any terminating NUL),
 * so that the CLI (`sync --input`, `register --input`) and the module decide alike.
 *
 * CSV: a header row, then one customer per row. The customer column is
 * `CustomerSubscriptionId` or `SubscriptionId`; `TenantId` and `Registration` are
 * optional; other columns are ignored. Header names are matched ignoring case and
 * surrounding spaces and tabs; values are never trimmed. UTF-8 with or without a BOM, CRLF
 * or LF line ends, fields quoted as RFC 4180 says (commas, doubled quotes and line breaks
 * inside quotes; a quote elsewhere is a bad row). A row with more non-empty cells than the
 * header has columns is a bad row (an unquoted comma). JSON lines: one object per line
 * with the same member names (any case), other members ignored; tenantId and registration
 * may be null.
 *
 * Rows: the customer ID must be a GUID (azsreg_guid_normalize: lowercased, braces
 * dropped, no surrounding whitespace); the tenant, when not empty, passes
 * azsreg_tenant_check (empty: no tenant); the registration is kept as given (empty: none)
 * unless it has a control character or is longer than AZSREG_RESOURCE_ID_MAX. Blank lines
 * and rows whose cells are all empty are skipped. The same customer twice with the same
 * registration (none counts as one value; compared ignoring ASCII case) is a duplicate:
 * the first row is kept, the later one is listed in "duplicates" and left out of "rows".
 *
 * `*out_json` (free with azsreg_free) receives
 * {"format":"csv"|"jsonLines",
 *  "rows":[{"line","customerSubscriptionId" (lowercase GUID),"tenantId" (as given, or null),
 *           "registration" (as given, or null)}],
 *  "errors":[{"line","message"}], "duplicates":[{"line","firstLine","customerSubscriptionId"}],
 *  "errorCount","duplicateCount"}
 * where "line" is the physical line a row starts on (the header is line 1 of a file that
 * starts with it; LF, CRLF and a lone CR each end a line), "rows" only has good rows, an
 * error's "message" is the library's message for that row (without "line N: "), and the
 * lists show at most the first 1000 entries each (the counts are complete). Messages never
 * hold raw control characters (they are escaped as \n, \xNN).
 *
 * Returns AZSREG_OK, or AZSREG_EINVALID when a row is bad or duplicated (unless
 * AZSREG_INPUT_SKIP_BAD), or when the file as a whole is unusable whatever the flags: larger
 * than 64 MiB, not UTF-8 text (UTF-16, a NUL byte, an invalid byte sequence: the line is
 * named), empty (no header), a header without the customer column or naming a column
 * twice, a quoted field never closed. The last error names the first problem with its line
 * number and how many rows are bad. Unlike other functions, `*out_json` is also set on
 * AZSREG_EINVALID whenever rows could be read (so that a front end can list every bad
 * row; a file-level problem found then is in "errors" too); it is NULL after a bad
 * argument, and for a file that is too large, not UTF-8 text, or empty ("the file is
 * empty": no header row, no JSON object). A CSV file with only its header row has no rows
 * and succeeds. On AZSREG_OK the last error is cleared.
 */
AZSREG_WARN_UNUSED AZSREG_EXTERN(int) azsreg_input_parse(char **out_json, const char *text, size_t len, int format, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* AZSREG_H */
