/*
 * azsreg: register CSP customer subscriptions with Azure Stack registrations.
 *
 * Exit codes (native/docs/design.md): 0 ok, 2 usage / invalid input (nothing sent),
 * 3 authentication (sign-in failed, ARM 401), 4 service error (ARM 403 included),
 * 5 network / TLS / timeout, 1 anything else.
 */
#include <azsreg.h>
#include "platform.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXIT_USAGE 2
#define EXIT_AUTH 3
#define EXIT_SERVICE 4
#define EXIT_NETWORK 5
#define BODY_FILE_MAX ((long)16 * 1024 * 1024)

static const char usage_text[] =
"usage: azsreg <command> [options]\n"
"\n"
"Register Cloud Solution Provider (CSP) customer subscriptions with an Azure Stack\n"
"registration through Azure Resource Manager.\n"
"\n"
"Commands:\n"
"  register      --registration <id> --customer-subscription <guid> [--tenant-id <guid or domain>]\n"
"                Adds (or overwrites) the customer subscription on the registration;\n"
"                here --tenant-id is the CUSTOMER's directory (use --sign-in-tenant for yours).\n"
"  get           --registration <id> --customer-subscription <guid>\n"
"                Shows one customer subscription of the registration.\n"
"  list          --registration <id>\n"
"                Lists every customer subscription of the registration (all pages).\n"
"  remove        --registration <id> --customer-subscription <guid>\n"
"                Removes the customer subscription from the registration.\n"
"  registration  --registration <id>\n"
"                Shows the registration itself.\n"
"  request <METHOD> <resource ID> --api-version <version> [--body <json>|@<file>]\n"
"                [--query <odata query>] [--all-pages] [--no-wait]\n"
"                Any ARM request (GET, PUT, PATCH, POST, DELETE, HEAD) on a resource ID.\n"
"\n"
"  <id> is a registration resource ID:\n"
"    /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.AzureStack/registrations/<name>\n"
"  IDs, GUIDs and tenants are used as given: nothing is trimmed (a trailing newline or space\n"
"  is an error). A customer subscription GUID is sent in lowercase, also in a 'request' path\n"
"  (.../customerSubscriptions/<guid>), as New-AzureRmResource sends it.\n"
"\n"
"Options (anywhere on the line):\n"
"  --environment <name>     AzureCloud (default), AzureChinaCloud, AzureUSGovernment, AzureGermanCloud\n"
"  --arm-endpoint <url>     a custom ARM endpoint; its endpoints are read from <url>/metadata/endpoints\n"
"  --ca-file <file>         PEM CA bundle to trust (else SSL_CERT_FILE, CURL_CA_BUNDLE, the system store)\n"
"  --proxy <url>            proxy for every request, --arm-endpoint discovery included (else\n"
"                           HTTPS_PROXY / https_proxy with NO_PROXY; credentials in the URL:\n"
"                           http://user:password@proxy:port; a 407 answer is not retried)\n"
"  --output json|table      json (default) or aligned columns for register / get / list\n"
"  --correlation-id <guid>  one correlation ID for every request (default: a fresh one)\n"
"  --timeout <seconds>      total time per operation including retries (default 600)\n"
"  --tenant-id <guid or domain>  (all commands but register) the directory to sign in to;\n"
"                           overrides AZURE_TENANT_ID\n"
"  --sign-in-tenant <guid or domain>  the directory to sign in to, on every command\n"
"                           (register included); overrides AZURE_TENANT_ID\n"
"  --device-code            sign in interactively with a device code instead of the\n"
"                           environment credentials (see below)\n"
"  --managed-identity       sign in with this machine's managed identity: IDENTITY_ENDPOINT or\n"
"                           MSI_ENDPOINT when set (Automation, App Service, Arc), else the\n"
"                           instance metadata service (IMDS, VMs and Hybrid Workers on Azure VMs)\n"
"                           at http://169.254.169.254 (never through a proxy)\n"
"  --identity-id <id>       with --managed-identity: a user-assigned identity, by client ID or\n"
"                           by resource ID (/subscriptions/.../userAssignedIdentities/<name>);\n"
"                           without it the system-assigned identity is used\n"
"  -v, --verbose            log to stderr: -v requests, -vv headers and retries, -vvv bodies\n"
"                           (secrets are always redacted)\n"
"  -h, --help               this text\n"
"  --version                the version\n"
"\n"
"Credentials (from the environment, first match wins):\n"
"  1. AZURE_TENANT_ID + AZURE_CLIENT_ID + one of:\n"
"       AZURE_CLIENT_SECRET                 service principal with a client secret\n"
"       AZURE_CLIENT_CERTIFICATE_PATH       service principal with a certificate (PEM with\n"
"         [+ AZURE_CLIENT_CERTIFICATE_PASSWORD]  its key, or PKCS#12 .pfx/.p12)\n"
"       AZURE_FEDERATED_TOKEN_FILE          workload identity (file read at every renewal)\n"
"     AZURE_CLIENT_SEND_CERTIFICATE_CHAIN=1|true sends the certificate (x5c) with the\n"
"       assertion, for applications that trust subject name + issuer\n"
"  2. AZSREG_USERNAME + AZSREG_PASSWORD     a user account (user@domain) and its password\n"
"       [+ AZURE_TENANT_ID, else 'organizations'; + AZURE_CLIENT_ID, else Azure PowerShell's\n"
"       public client " AZSREG_PASSWORD_CLIENT_ID "]. Accounts that need multi-factor\n"
"       authentication cannot sign in this way: use --device-code or a service principal.\n"
"  3. AZSREG_ACCESS_TOKEN                   a ready ARM access token (not renewed)\n"
"  4. managed identity, when one of these is set:\n"
"       IDENTITY_ENDPOINT + IDENTITY_HEADER  Azure Automation, App Service, Functions, Arc\n"
"       MSI_ENDPOINT + MSI_SECRET            older sandboxes\n"
"       AZSREG_IMDS_ENDPOINT                 the instance metadata service at this address\n"
"                                            (opt-in; on a VM, --managed-identity is the way)\n"
"     AZURE_CLIENT_ID (with no secret, certificate or token file) selects a\n"
"     user-assigned identity; without it the system-assigned identity is used.\n"
"  --device-code: interactive sign-in; the code and where to enter it are printed on\n"
"     stderr. Tenant: --sign-in-tenant, else --tenant-id (except for 'register', where\n"
"     --tenant-id is the customer's tenant), else AZURE_TENANT_ID, else 'organizations'.\n"
"     Application:\n"
"     AZURE_CLIENT_ID, else the Azure CLI's public client " AZSREG_DEVICE_CODE_CLIENT_ID ".\n"
"  For CSP partners, AZURE_TENANT_ID (or --sign-in-tenant) is the partner's own directory.\n"
"\n"
"Exit codes: 0 success, 2 usage error or invalid input (nothing was sent),\n"
"3 sign-in failed or ARM refused the token (401), 4 the service answered with an error\n"
"(ARM 403 too: AuthorizationFailed, UnauthorizedCspRegistration, RequestDisallowedByPolicy),\n"
"5 network, TLS or timeout.\n";

typedef struct cli {
	const char *command;
	const char *positional[2];
	int npositional;
	const char *registration;
	const char *customer;
	const char *tenant;
	const char *sign_in_tenant;
	const char *environment;
	const char *arm_endpoint;
	const char *ca_file;
	const char *proxy;
	const char *output;
	const char *correlation_id;
	const char *api_version;
	const char *body;
	const char *query;
	const char *timeout;
	int all_pages;
	int no_wait;
	int verbose;
	int help;
	int version;
	int device_code;
	int managed_identity;
	const char *identity_id;
} cli;

/*
 * Copies text into out (cap bytes, always terminated) with C0 control characters and DEL
 * escaped (\r \n \t, others \xNN), as the library does in its messages: a message that
 * quotes input stays one line and cannot forge lines of its own. Returns out.
 */
static const char *escaped(char *out, size_t cap, const char *text)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t n = 0;

	if (cap == 0)
		return "";
	for (p = (const unsigned char *)(text ? text : ""); *p && n + 5 < cap; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t') {
			out[n++] = '\\';
			out[n++] = *p == '\r' ? 'r' : (*p == '\n' ? 'n' : 't');
		} else if (*p < 0x20 || *p == 0x7f) {
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		} else {
			out[n++] = (char)*p;
		}
	}
	out[n] = '\0';
	return out;
}

static int usage_error(const char *fmt, ...) AZSREG_PLAT_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
	char message[2048], shown[4 * sizeof(message)];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	azsreg_plat__fprintf(stderr, "error: %s\nrun 'azsreg --help' for usage\n", escaped(shown, sizeof(shown), message));
	return EXIT_USAGE;
}

static int exit_code_for(int code)
{
	switch (code) {
	case AZSREG_OK:
		return 0;
	case AZSREG_EINVALID:
		return EXIT_USAGE;
	case AZSREG_EAUTH:
		return EXIT_AUTH;
	case AZSREG_ENOTFOUND:
	case AZSREG_ESERVICE:
	case AZSREG_ECONFLICT:
	case AZSREG_ETHROTTLED:
		return EXIT_SERVICE;
	case AZSREG_ENETWORK:
	case AZSREG_ETLS:
	case AZSREG_ETIMEOUT:
		return EXIT_NETWORK;
	default:
		return 1;
	}
}

static int report_error(int rc)
{
	const azsreg_error *e = azsreg_error_last();

	char shown[1024];

	/* The library escapes control characters in its messages; the other fields come from a server. */
	azsreg_plat__fprintf(stderr, "error: %s\n", e->message[0] ? e->message : azsreg_result_name(rc));
	if (e->arm_code[0])
		azsreg_plat__fprintf(stderr, "code: %s\n", escaped(shown, sizeof(shown), e->arm_code));
	if (e->request_id[0])
		azsreg_plat__fprintf(stderr, "request ID: %s\n", escaped(shown, sizeof(shown), e->request_id));
	if (e->correlation_id[0])
		azsreg_plat__fprintf(stderr, "correlation ID: %s\n", escaped(shown, sizeof(shown), e->correlation_id));
	if (e->hint[0])
		azsreg_plat__fprintf(stderr, "hint: %s\n", e->hint);
	return exit_code_for(rc);
}

/*
 * A failure of the command itself, after sign-in succeeded: ARM's 403 (AuthorizationFailed,
 * UnauthorizedCspRegistration, RequestDisallowedByPolicy ...) is the service refusing the
 * request, exit 4; a 401 (the token refused) or a failed renewal stays an authentication
 * failure, exit 3.
 */
static int report_command_error(int rc)
{
	int status = azsreg_error_last()->http_status;
	int exit_code = report_error(rc);

	if (rc == AZSREG_EAUTH && status == 403)
		exit_code = EXIT_SERVICE;
	return exit_code;
}

static void log_to_stderr(int level, const char *message, void *payload)
{
	static const char *const names[] = { "", "error", "warning", "info", "debug", "trace" };

	(void)payload;
	azsreg_plat__fprintf(stderr, "azsreg: [%s] %s\n", (level >= 1 && level <= 5) ? names[level] : "log", message);
}

/* Options that take a value. */
static const char **value_slot(cli *c, const char *name)
{
	static const struct {
		const char *name;
		size_t offset;
	} opts[] = {
		{ "--registration", offsetof(cli, registration) },
		{ "--customer-subscription", offsetof(cli, customer) },
		{ "--tenant-id", offsetof(cli, tenant) },
		{ "--sign-in-tenant", offsetof(cli, sign_in_tenant) },
		{ "--identity-id", offsetof(cli, identity_id) },
		{ "--environment", offsetof(cli, environment) },
		{ "--arm-endpoint", offsetof(cli, arm_endpoint) },
		{ "--ca-file", offsetof(cli, ca_file) },
		{ "--proxy", offsetof(cli, proxy) },
		{ "--output", offsetof(cli, output) },
		{ "--correlation-id", offsetof(cli, correlation_id) },
		{ "--api-version", offsetof(cli, api_version) },
		{ "--body", offsetof(cli, body) },
		{ "--query", offsetof(cli, query) },
		{ "--timeout", offsetof(cli, timeout) },
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (strcmp(name, opts[i].name) == 0)
			return (const char **)(void *)((char *)c + opts[i].offset);
	}
	return NULL;
}

static int parse_args(cli *c, int argc, char **argv)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot;
		char name[64];
		const char *eq, *value = NULL;

		if (strcmp(a, "--") == 0)
			return usage_error("unexpected '--'");
		if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
			size_t k;
			for (k = 1; a[k]; k++) {
				if (a[k] == 'v')
					c->verbose++;
				else if (a[k] == 'h')
					c->help = 1;
				else
					return usage_error("unknown option '%s'", a);
			}
			continue;
		}
		if (strncmp(a, "--", 2) == 0) {
			eq = strchr(a, '=');
			if (eq != NULL) {
				if ((size_t)(eq - a) >= sizeof(name))
					return usage_error("unknown option '%s'", a);
				memcpy(name, a, (size_t)(eq - a));
				name[eq - a] = '\0';
				value = eq + 1;
			} else {
				snprintf(name, sizeof(name), "%s", a);
			}
			if (strcmp(name, "--verbose") == 0 && value == NULL) {
				c->verbose++;
			} else if (strcmp(name, "--help") == 0 && value == NULL) {
				c->help = 1;
			} else if (strcmp(name, "--version") == 0 && value == NULL) {
				c->version = 1;
			} else if (strcmp(name, "--all-pages") == 0 && value == NULL) {
				c->all_pages = 1;
			} else if (strcmp(name, "--no-wait") == 0 && value == NULL) {
				c->no_wait = 1;
			} else if (strcmp(name, "--device-code") == 0 && value == NULL) {
				c->device_code = 1;
			} else if (strcmp(name, "--managed-identity") == 0 && value == NULL) {
				c->managed_identity = 1;
			} else {
				slot = value_slot(c, name);
				if (slot == NULL)
					return usage_error("unknown option '%s'", a);
				if (value == NULL) {
					/* "--registration --customer-subscription X": the value is missing,
					 * not "--customer-subscription". */
					if (i + 1 >= argc || (strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2] != '\0'))
						return usage_error("option '%s' needs a value", name);
					value = argv[++i];
				}
				if (*slot != NULL)
					return usage_error("option '%s' is given twice", name);
				*slot = value;
			}
			continue;
		}
		if (c->command == NULL) {
			c->command = a;
		} else if (c->npositional < 2) {
			c->positional[c->npositional++] = a;
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	return 0;
}

static int read_body_file(char **out, const char *path_in)
{
	FILE *f = NULL;
	char shown[2048], chunk[8192];
	const char *path = escaped(shown, sizeof(shown), path_in);   /* for the messages below */
	char *buf = NULL, *grown;
	size_t size = 0, cap = 0, n;
	int rc = EXIT_USAGE;

	if (azsreg_plat__path_kind(path_in) == AZSREG_PLAT_DIR) {
		azsreg_plat__fprintf(stderr, "error: the body file '%s' is a directory\n", path);
		goto done;
	}
	f = azsreg_plat__fopen(path_in, "rb");
	if (f == NULL) {
		azsreg_plat__fprintf(stderr, "error: cannot read the body file '%s': %s\n", path, strerror(errno));
		goto done;
	}
	/* Read, not fseek/ftell: devices and pipes (/dev/zero, <(...)) have no size. */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (size + n > (size_t)BODY_FILE_MAX) {
			azsreg_plat__fprintf(stderr, "error: the body file '%s' is larger than %ld bytes\n", path, BODY_FILE_MAX);
			goto done;
		}
		if (size + n + 1 > cap) {
			cap = cap == 0 ? sizeof(chunk) * 2 : cap * 2;
			while (cap < size + n + 1)
				cap *= 2;
			grown = realloc(buf, cap);
			if (grown == NULL) {
				azsreg_plat__fprintf(stderr, "error: out of memory\n");
				rc = 1;
				goto done;
			}
			buf = grown;
		}
		memcpy(buf + size, chunk, n);
		size += n;
	}
	if (ferror(f)) {
		azsreg_plat__fprintf(stderr, "error: cannot read the body file '%s'\n", path);
		goto done;
	}
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL) {
			azsreg_plat__fprintf(stderr, "error: out of memory\n");
			rc = 1;
			goto done;
		}
	}
	buf[size] = '\0';
	if (strlen(buf) != size) {
		azsreg_plat__fprintf(stderr, "error: the body file '%s' has a NUL byte: it is not JSON text\n", path);
		goto done;
	}
	*out = buf;
	buf = NULL;
	rc = 0;
done:
	free(buf);
	if (f != NULL)
		fclose(f);
	return rc;
}

/* Prints JSON indented; anything else as it is. */
static void print_json(const char *text)
{
	json_t *root;
	char *pretty = NULL;

	if (text == NULL || text[0] == '\0')
		return;
	root = json_loads(text, JSON_DECODE_ANY, NULL);
	if (root != NULL)
		pretty = json_dumps(root, JSON_INDENT(2) | JSON_ENCODE_ANY);
	azsreg_plat__fputs(pretty ? pretty : text, stdout);
	azsreg_plat__fputs("\n", stdout);
	free(pretty);
	json_decref(root);
}

static const char *customer_id_of(json_t *item, char *buf, size_t cap)
{
	const char *name = json_string_value(json_object_get(item, "name"));
	const char *id = json_string_value(json_object_get(item, "id"));
	const char *src = name ? name : id;
	const char *slash;

	if (src == NULL)
		return "";
	slash = strrchr(src, '/');
	if (slash == NULL)
		slash = strrchr(src, '\\'); /* tolerate the documentation's typo */
	snprintf(buf, cap, "%s", slash ? slash + 1 : src);
	return buf;
}

/* Aligned columns CustomerSubscriptionId / TenantId for one object or an array of them. */
static void print_table(const char *text)
{
	json_t *root = json_loads(text ? text : "[]", JSON_DECODE_ANY, NULL), *items, *item;
	size_t i, w = strlen("CustomerSubscriptionId");
	char buf[256];

	if (root == NULL) {
		print_json(text);
		return;
	}
	if (json_is_array(root)) {
		items = root;
		json_incref(items);
	} else {
		items = json_array();
		json_array_append(items, root);
	}
	json_array_foreach(items, i, item) {
		size_t n = strlen(customer_id_of(item, buf, sizeof(buf)));
		if (n > w)
			w = n;
	}
	azsreg_plat__fprintf(stdout, "%-*s  %s\n", (int)w, "CustomerSubscriptionId", "TenantId");
	json_array_foreach(items, i, item) {
		const char *tenant = json_string_value(json_object_get(json_object_get(item, "properties"), "tenantId"));
		azsreg_plat__fprintf(stdout, "%-*s  %s\n", (int)w, customer_id_of(item, buf, sizeof(buf)), tenant ? tenant : "");
	}
	json_decref(items);
	json_decref(root);
}

static int show_device_code(const char *message, const char *user_code, const char *verification_uri, void *payload)
{
	(void)payload;
	if (message != NULL && message[0] != '\0')
		azsreg_plat__fprintf(stderr, "%s\n", message);
	else
		azsreg_plat__fprintf(stderr, "To sign in, open %s and enter the code %s\n", verification_uri ? verification_uri : "(unknown)",
			user_code ? user_code : "(unknown)");
	fflush(stderr);
	return 0;
}

/* --device-code: tenant AZURE_TENANT_ID (the sign-in tenant option, when given, overrides it). */
static int device_code_credential(azsreg_credential **out, const cli *c)
{
	const char *tenant = azsreg_plat__getenv("AZURE_TENANT_ID");
	const char *client = azsreg_plat__getenv("AZURE_CLIENT_ID");

	(void)c;
	if (tenant != NULL && tenant[0] == '\0')
		tenant = NULL;
	if (client == NULL || client[0] == '\0')
		client = azsreg_default_public_client_id();
	return azsreg_credential_device_code_new(out, tenant, client, show_device_code, NULL);
}

/*
 * --managed-identity [--identity-id <client ID or resource ID>]: IDENTITY_ENDPOINT /
 * MSI_ENDPOINT when set (Automation, App Service, Arc), else IMDS at its default address
 * (AZSREG_IMDS_ENDPOINT overrides it, for tests).
 */
static int managed_identity_credential(azsreg_credential **out, const cli *c)
{
	azsreg_managed_identity_options o = AZSREG_MANAGED_IDENTITY_OPTIONS_INIT;

	if (c->identity_id != NULL) {
		if (c->identity_id[0] == '/' || strncasecmp(c->identity_id, "subscriptions/", 14) == 0)
			o.resource_id = c->identity_id;
		else
			o.client_id = c->identity_id;
	}
	return azsreg_credential_managed_identity_new(out, &o);
}

/* Empty or only blanks? */
static int blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' || *s == '\f')
		s++;
	return *s == '\0';
}

static int need(const char *value, const char *option, const char *command)
{
	if (value == NULL || value[0] == '\0') {
		return usage_error("'%s' needs %s", command, option);
	}
	return 0;
}

int main(int argc, char **argv)
{
	cli c;
	azsreg_environment *env = NULL;
	azsreg_credential *cred = NULL;
	azsreg_client *client = NULL;
	azsreg_client_options opts = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_registration_ref reg;
	char guid[AZSREG_GUID_LEN + 1];
	char *result = NULL, *body_buf = NULL, *signed_in = NULL;
	const char *sign_in_tenant = NULL;
	const char *body = NULL;
	int rc = 0, exit_code = 0, table = 0, existed = 0, status = 0;
	long timeout_s = 0;

	if (azsreg_plat__program_init(&argc, &argv) != 0) {
		azsreg_plat__fputs("error: out of memory reading the command line\n", stderr);
		return EXIT_USAGE;
	}
	exit_code = parse_args(&c, argc, argv);
	if (exit_code != 0)
		goto done;
	if (c.help) {
		azsreg_plat__fputs(usage_text, stdout);
		goto done;
	}
	if (c.version) {
		azsreg_plat__fprintf(stdout, "azsreg %s\n", azsreg_version());
		goto done;
	}
	if (c.command == NULL) {
		azsreg_plat__fputs(usage_text, stderr);
		exit_code = EXIT_USAGE;
		goto done;
	}

	/* ---- validate everything before anything is sent */
	if (c.output != NULL) {
		if (strcmp(c.output, "table") == 0) {
			table = 1;
		} else if (strcmp(c.output, "json") != 0) {
			exit_code = usage_error("--output must be json or table, not '%s'", c.output);
			goto done;
		}
	}
	if (c.environment != NULL && c.arm_endpoint != NULL) {
		exit_code = usage_error("give either --environment or --arm-endpoint, not both");
		goto done;
	}
	if (c.device_code && c.managed_identity) {
		exit_code = usage_error("give either --device-code or --managed-identity, not both");
		goto done;
	}
	if (c.identity_id != NULL && !c.managed_identity) {
		exit_code = usage_error("--identity-id selects a user-assigned identity for --managed-identity; add --managed-identity");
		goto done;
	}
	if (c.identity_id != NULL && c.identity_id[0] == '\0') {
		exit_code = usage_error("--identity-id is empty (a client ID or a /subscriptions/... resource ID)");
		goto done;
	}
	if (c.timeout != NULL) {
		char *end = NULL;
		errno = 0;
		timeout_s = strtol(c.timeout, &end, 10);
		if (errno != 0 || end == c.timeout || *end != '\0' || timeout_s <= 0 || timeout_s > 86400) {
			exit_code = usage_error("--timeout must be a number of seconds between 1 and 86400, not '%s'", c.timeout);
			goto done;
		}
	}
	if (strcmp(c.command, "register") == 0 || strcmp(c.command, "get") == 0 || strcmp(c.command, "remove") == 0 ||
	    strcmp(c.command, "list") == 0 || strcmp(c.command, "registration") == 0) {
		if (c.npositional > 0) {
			exit_code = usage_error("unexpected argument '%s'", c.positional[0]);
			goto done;
		}
		exit_code = need(c.registration, "--registration <registration resource ID>", c.command);
		if (exit_code != 0)
			goto done;
		rc = azsreg_registration_id_parse(&reg, c.registration);
		if (rc != 0) {
			exit_code = report_error(rc);
			goto done;
		}
		if (strcmp(c.command, "list") != 0 && strcmp(c.command, "registration") != 0) {
			exit_code = need(c.customer, "--customer-subscription <guid>", c.command);
			if (exit_code != 0)
				goto done;
			rc = azsreg_guid_normalize(guid, c.customer, "customer subscription ID");
			if (rc != 0) {
				exit_code = report_error(rc);
				goto done;
			}
		} else if (c.customer != NULL) {
			exit_code = usage_error("'%s' takes no --customer-subscription", c.command);
			goto done;
		}
		if (strcmp(c.command, "register") == 0 && c.tenant != NULL && blank(c.tenant)) {
			/* Leaving --tenant-id out is fine; an empty one would erase the mapping's tenant. */
			exit_code = usage_error("--tenant-id is %s: give the customer's tenant (GUID or domain name), or leave the option out",
						c.tenant[0] == '\0' ? "empty" : "blank");
			goto done;
		}
		if (c.api_version != NULL || c.body != NULL || c.query != NULL || c.all_pages || c.no_wait) {
			exit_code = usage_error("--api-version, --body, --query, --all-pages and --no-wait belong to 'request' (not '%s')",
						c.command);
			goto done;
		}
	} else if (strcmp(c.command, "request") == 0) {
		if (c.npositional != 2) {
			exit_code = usage_error("'request' needs <METHOD> <resource ID>");
			goto done;
		}
		exit_code = need(c.api_version, "--api-version <version>", c.command);
		if (exit_code != 0)
			goto done;
		if (c.body != NULL && c.body[0] == '@') {
			exit_code = read_body_file(&body_buf, c.body + 1);
			if (exit_code != 0)
				goto done;
			body = body_buf;
		} else {
			body = c.body;
		}
		if (body != NULL) {
			json_error_t jerr;
			json_t *parsed = json_loads(body, JSON_DECODE_ANY, &jerr);
			if (parsed == NULL) {
				char shown[1024];
				if (body_buf != NULL)
					azsreg_plat__fprintf(stderr, "error: the body file '%s' is not valid JSON: %s (line %d, column %d)\n",
							     escaped(shown, sizeof(shown), c.body + 1), jerr.text, jerr.line, jerr.column);
				else
					azsreg_plat__fprintf(stderr, "error: the --body is not valid JSON: %s (line %d, column %d)\n",
							     jerr.text, jerr.line, jerr.column);
				exit_code = EXIT_USAGE;
				goto done;
			}
			json_decref(parsed);
		}
		/* Method, resource ID, api-version, query and body, as azsreg_resource_request checks them. */
		rc = azsreg_resource_request_check(c.positional[0], c.positional[1], c.api_version, body, c.query);
		if (rc != 0) {
			exit_code = report_error(rc);
			goto done;
		}
	} else {
		exit_code = usage_error("unknown command '%s'", c.command);
		goto done;
	}
	if (c.registration == NULL && c.customer != NULL) {
		exit_code = usage_error("--customer-subscription belongs to register / get / remove");
		goto done;
	}
	/* The directory to sign in to: --sign-in-tenant anywhere; --tenant-id on every command but
	 * 'register' (where it is the customer's tenant). Either overrides AZURE_TENANT_ID. */
	if (c.sign_in_tenant != NULL && c.tenant != NULL && strcmp(c.command, "register") != 0) {
		exit_code = usage_error("give either --tenant-id or --sign-in-tenant for the sign-in directory, not both");
		goto done;
	}
	sign_in_tenant = c.sign_in_tenant != NULL ? c.sign_in_tenant : (strcmp(c.command, "register") != 0 ? c.tenant : NULL);
	if (sign_in_tenant != NULL && sign_in_tenant[0] == '\0') {
		exit_code = usage_error("the sign-in tenant is empty");
		goto done;
	}

	/* ---- environment, credential, client (discovery goes the way the client's requests go) */
	opts.ca_file = c.ca_file;
	opts.proxy = c.proxy;
	opts.user_agent = "azsreg-cli";
	opts.correlation_id = c.correlation_id;
	opts.deadline_ms = timeout_s * 1000;
	if (c.verbose > 0) {
		opts.log_cb = log_to_stderr;
		opts.log_level = c.verbose >= 3 ? AZSREG_LOG_TRACE : (c.verbose == 2 ? AZSREG_LOG_DEBUG : AZSREG_LOG_INFO);
	}
	opts.tenant_id = sign_in_tenant;
	/* Every option and environment variable the client reads (proxy, CA bundle,
	 * correlation ID, sign-in tenant) is checked here, before discovery or sign-in. */
	rc = azsreg_client_options_check(&opts);
	if (rc != 0) {
		exit_code = report_error(rc);
		goto done;
	}
	if (strcmp(c.command, "register") == 0 && c.tenant != NULL) {
		/* The customer's tenant: a GUID or a domain name, as azsreg_customer_put takes it. */
		rc = azsreg_tenant_check(c.tenant);
		if (rc != 0) {
			(void)azsreg_plat__fprintf(stderr, "error: --tenant-id: %s\n", azsreg_error_last()->message);
			exit_code = EXIT_USAGE;
			goto done;
		}
	}
	/* The credential first: making it sends nothing, and its checks (managed identity
	 * endpoints, tenant, certificate file ...) then run before discovery sends the first request. */
	if (c.device_code)
		rc = device_code_credential(&cred, &c);
	else if (c.managed_identity)
		rc = managed_identity_credential(&cred, &c);
	else
		rc = azsreg_credential_from_environment(&cred);
	if (rc != 0) {
		exit_code = report_error(rc);
		goto done;
	}
	if (c.arm_endpoint != NULL) {
		rc = azsreg_environment_discover_with(&env, "AzureStack", c.arm_endpoint, &opts);
	} else {
		rc = azsreg_environment_builtin(&env, c.environment ? c.environment : "AzureCloud");
	}
	if (rc != 0) {
		exit_code = report_error(rc);
		goto done;
	}
	if (c.verbose > 0) {
		char *env_json = NULL;
		azsreg_plat__fprintf(stderr, "azsreg: credential: %s\n", azsreg_credential_describe(cred));
		if (azsreg_environment_to_json(&env_json, env) == 0)
			azsreg_plat__fprintf(stderr, "azsreg: environment: %s\n", env_json);
		azsreg_free(env_json);
	}
	opts.environment = env;
	rc = azsreg_client_new(&client, &opts, cred);
	if (rc != 0) {
		exit_code = report_error(rc);
		goto done;
	}
	/* Sign in first: a failure here is an authentication failure (exit 3) whatever its status. */
	rc = azsreg_client_sign_in(&signed_in, client);
	if (rc != 0) {
		exit_code = report_error(rc);
		goto done;
	}
	if (c.verbose > 0)
		azsreg_plat__fprintf(stderr, "azsreg: signed in: %s\n", signed_in);

	/* ---- the command */
	if (strcmp(c.command, "register") == 0) {
		rc = azsreg_customer_put(&result, client, c.registration, guid, c.tenant);
	} else if (strcmp(c.command, "get") == 0) {
		rc = azsreg_customer_get(&result, client, c.registration, guid);
	} else if (strcmp(c.command, "list") == 0) {
		rc = azsreg_customer_list(&result, client, c.registration);
	} else if (strcmp(c.command, "registration") == 0) {
		rc = azsreg_registration_get(&result, client, c.registration);
		table = 0;
	} else if (strcmp(c.command, "remove") == 0) {
		rc = azsreg_customer_delete(&existed, client, c.registration, guid);
		if (rc == 0) {
			if (table)
				azsreg_plat__fprintf(stdout, "%s customer subscription %s\n", existed ? "removed" : "there was no", guid);
			else
				azsreg_plat__fprintf(stdout, "{\n  \"customerSubscriptionId\": \"%s\",\n  \"existed\": %s\n}\n", guid, existed ? "true" : "false");
		}
	} else {
		unsigned int flags = (c.all_pages ? AZSREG_REQUEST_FOLLOW_PAGES : 0u) | (c.no_wait ? AZSREG_REQUEST_NO_LRO : 0u);
		rc = azsreg_resource_request(&result, &status, client, c.positional[0], c.positional[1], c.api_version, body,
					     c.query, flags);
		table = 0;
		if (rc == 0 && c.verbose > 0)
			azsreg_plat__fprintf(stderr, "azsreg: HTTP %d\n", status);
	}
	if (rc != 0) {
		exit_code = report_command_error(rc);
		goto done;
	}
	if (result != NULL) {
		if (table)
			print_table(result);
		else
			print_json(result);
	}
	if (c.verbose > 0) {
		char *stats = NULL;
		if (azsreg_client_stats(&stats, client) == 0)
			azsreg_plat__fprintf(stderr, "azsreg: stats: %s\n", stats);
		azsreg_free(stats);
	}
done:
	azsreg_free(result);
	azsreg_free(signed_in);
	free(body_buf);
	azsreg_client_free(client);
	azsreg_credential_free(cred);
	azsreg_environment_free(env);
	if (fflush(stdout) != 0 && exit_code == 0)
		exit_code = 1;
	return exit_code;
}
