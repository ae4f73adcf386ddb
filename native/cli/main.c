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
#include <signal.h>
#include <pthread.h>
#include <semaphore.h>
#include <csv.h>

#define EXIT_USAGE 2
#define EXIT_AUTH 3
#define EXIT_SERVICE 4
#define EXIT_NETWORK 5
#define EXIT_INTERRUPTED 130
#define BODY_FILE_MAX ((long)16 * 1024 * 1024)
#define INPUT_FILE_MAX ((long)64 * 1024 * 1024)
#define MAX_REGISTRATIONS 64

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
	"  sync          --registration <id> [--registration <id> ...] --input <file>|-\n"
	"                [--prune] [--dry-run] [--concurrency <n>] [--report <file.csv|file.json>]\n"
	"                Makes the registrations hold the customers of the input file: lists what\n"
	"                they hold, registers what is missing or has another tenant, and with\n"
	"                --prune removes the customers the file does not name. --dry-run prints the\n"
	"                plan and sends no write. Running it again finishes an interrupted run.\n"
	"  register --input <file>|- --registration <id> [--registration <id> ...] [--concurrency <n>]\n"
	"                [--report <file>] [--dry-run]: registers every customer of the file (no listing).\n"
	"  request <METHOD> <resource ID> --api-version <version> [--body <json>|@<file>]\n"
	"                [--query <odata query>] [--all-pages] [--no-wait]\n"
	"                Any ARM request (GET, PUT, PATCH, POST, DELETE, HEAD) on a resource ID.\n"
	"\n"
	"  <id> is a registration resource ID:\n"
	"    /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.AzureStack/registrations/<name>\n"
	"  Input files (--input; '-' reads stdin): CSV with a header row: CustomerSubscriptionId\n"
	"  (or SubscriptionId), optional TenantId (the customer's directory), optional Registration\n"
	"  (a name or resource ID of one of the --registration: that one only; else all of them);\n"
	"  other columns are ignored; UTF-8 with or without BOM. Or JSON lines with the same names.\n"
	"  Every bad row is reported with its line number and nothing is sent (--skip-bad-rows\n"
	"  sends the good rows and reports the bad ones). Writes go concurrently (--concurrency, 16),\n"
	"  paced by Azure Resource Manager's throttle headers; progress goes to stderr. Exit code 4\n"
	"  when some items failed (the output and the --report name them).\n"
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
	"5 network, TLS or timeout, 130 interrupted (Ctrl+C: sync and register --input stop\n"
	"sending; what is in flight may still be applied: run the command again).\n";

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
	const char *registrations[MAX_REGISTRATIONS]; /* every --registration, in order */
	int nregistrations;
	const char *input;
	const char *report;
	const char *concurrency;
	int prune;
	int dry_run;
	int skip_bad_rows;
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

/* The command line of this run, for cli_hint (set once the arguments are parsed). */
static const struct cli *g_cli;

/*
 * What the CLI adds to a library error in its own words: the option to change. The library
 * speaks of its own settings and the environment only (issue 12: it does not know its front
 * ends); the module adds its parameter names the same way. NULL: nothing to add.
 */
static const char *cli_hint(const azsreg_error *e)
{
	/* (no sign-in of the CLI meets a multi-factor answer: it has no user-name/password sign-in) */
	if (strcmp(e->arm_code, "InvalidAuthenticationTokenTenant") == 0)
		return "azsreg: --sign-in-tenant names the directory to sign in to (so does --tenant-id outside 'register').";
	if (strcmp(e->arm_code, "RegistrationNotFound") == 0)
		return "azsreg: 'azsreg request GET /subscriptions/<sub>/providers/Microsoft.AzureStack/registrations --api-version 2017-06-01' lists them.";
	if (e->code == AZSREG_ETLS && strstr(e->message, "CA bundle") != NULL)
		return "azsreg: --ca-file <PEM file> gives the CA bundle.";
	if (e->code == AZSREG_ENETWORK && strstr(e->message, "proxy option") != NULL)
		return "azsreg: --proxy <URL> sets the proxy.";
	if (g_cli != NULL && g_cli->identity_id != NULL && e->code == AZSREG_EAUTH && e->http_status == 400)
		return "azsreg: --identity-id selects the user-assigned identity.";
	return NULL;
}

static int report_error(int rc)
{
	const azsreg_error *e = azsreg_error_last();
	const char *more = cli_hint(e);
	char shown[1024];

	/* The library escapes control characters in its messages; the other fields come from a server. */
	azsreg_plat__fprintf(stderr, "error: %s\n", e->message[0] ? e->message : azsreg_result_name(rc));
	if (e->arm_code[0])
		azsreg_plat__fprintf(stderr, "code: %s\n", escaped(shown, sizeof(shown), e->arm_code));
	if (e->request_id[0])
		azsreg_plat__fprintf(stderr, "request ID: %s\n", escaped(shown, sizeof(shown), e->request_id));
	if (e->correlation_id[0])
		azsreg_plat__fprintf(stderr, "correlation ID: %s\n", escaped(shown, sizeof(shown), e->correlation_id));
	if (e->hint[0] || more != NULL)
		azsreg_plat__fprintf(stderr, "hint: %s%s%s\n", e->hint, e->hint[0] && more ? " " : "", more ? more : "");
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
		{ "--input", offsetof(cli, input) },
		{ "--report", offsetof(cli, report) },
		{ "--concurrency", offsetof(cli, concurrency) },
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
			} else if (strcmp(name, "--prune") == 0 && value == NULL) {
				c->prune = 1;
			} else if (strcmp(name, "--dry-run") == 0 && value == NULL) {
				c->dry_run = 1;
			} else if (strcmp(name, "--skip-bad-rows") == 0 && value == NULL) {
				c->skip_bad_rows = 1;
			} else if (strcmp(name, "--registration") == 0) {
				/* sync and register --input take several; the other commands refuse a second */
				if (value == NULL) {
					if (i + 1 >= argc || (strncmp(argv[i + 1], "--", 2) == 0 && argv[i + 1][2] != '\0'))
						return usage_error("option '%s' needs a value", name);
					value = argv[++i];
				}
				if (c->nregistrations >= MAX_REGISTRATIONS)
					return usage_error("more than %d --registration options", MAX_REGISTRATIONS);
				c->registrations[c->nregistrations++] = value;
				if (c->registration == NULL)
					c->registration = value;
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

/*
 * Reads a whole file ('-': stdin) into *out (NUL-terminated; *out_len bytes without it),
 * at most `max` bytes. `what` names it in messages ("body file", "input file"). A NUL
 * byte is refused unless allow_nul. EXIT_USAGE with a message on stderr, 0 on success.
 */
static int read_text_file(char **out, size_t *out_len, const char *path_in, const char *what, long max, int allow_nul)
{
	FILE *f = NULL;
	char shown[2048], chunk[8192];
	const char *path = escaped(shown, sizeof(shown), path_in); /* for the messages below */
	char *buf = NULL, *grown;
	size_t size = 0, cap = 0, n;
	int rc = EXIT_USAGE, is_stdin = strcmp(path_in, "-") == 0;

	if (!is_stdin && azsreg_plat__path_kind(path_in) == AZSREG_PLAT_DIR) {
		azsreg_plat__fprintf(stderr, "error: the %s '%s' is a directory\n", what, path);
		goto done;
	}
	f = is_stdin ? stdin : azsreg_plat__fopen(path_in, "rb");
	if (f == NULL) {
		azsreg_plat__fprintf(stderr, "error: cannot read the %s '%s': %s\n", what, path, strerror(errno));
		goto done;
	}
	/* Read, not fseek/ftell: devices and pipes (/dev/zero, <(...)) have no size. */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (size + n > (size_t)max) {
			azsreg_plat__fprintf(stderr, "error: the %s '%s' is larger than %ld bytes\n", what, path, max);
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
		azsreg_plat__fprintf(stderr, "error: cannot read the %s '%s'\n", what, path);
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
	if (!allow_nul && strlen(buf) != size) {
		azsreg_plat__fprintf(stderr, "error: the %s '%s' has a NUL byte: it is not JSON text\n", what, path);
		goto done;
	}
	*out = buf;
	if (out_len != NULL)
		*out_len = size;
	buf = NULL;
	rc = 0;
done:
	free(buf);
	if (f != NULL && !is_stdin)
		fclose(f);
	return rc;
}

/* Prints parsed JSON indented (text: what to print when it cannot be dumped). */
static void print_json_value(const json_t *root, const char *text)
{
	char *pretty = root != NULL ? json_dumps(root, JSON_INDENT(2) | JSON_ENCODE_ANY) : NULL;

	if (pretty == NULL && text == NULL)
		return;
	azsreg_plat__fputs(pretty ? pretty : text, stdout);
	azsreg_plat__fputs("\n", stdout);
	free(pretty);
}

/* Prints JSON indented; anything else as it is. */
static void print_json(const char *text)
{
	json_t *root;

	if (text == NULL || text[0] == '\0')
		return;
	root = json_loads(text, JSON_DECODE_ANY, NULL);
	print_json_value(root, text);
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
	json_array_foreach(items, i, item)
	{
		size_t n = strlen(customer_id_of(item, buf, sizeof(buf)));
		if (n > w)
			w = n;
	}
	azsreg_plat__fprintf(stdout, "%-*s  %s\n", (int)w, "CustomerSubscriptionId", "TenantId");
	json_array_foreach(items, i, item)
	{
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

/* `azsreg request METHOD ID`: what the library sends (and checks before anything is sent). */
static azsreg_request_options request_options(const cli *c, const char *body)
{
	azsreg_request_options o = AZSREG_REQUEST_OPTIONS_INIT;

	o.method = c->positional[0];
	o.resource_id = c->positional[1];
	o.api_version = c->api_version;
	o.body_json = body;
	o.odata_query = c->query;
	o.flags = (c->all_pages ? AZSREG_REQUEST_FOLLOW_PAGES : 0u) | (c->no_wait ? AZSREG_REQUEST_NO_LRO : 0u);
	return o;
}

/* --device-code: tenant AZURE_TENANT_ID (the sign-in tenant option, when given, overrides it). */
static int device_code_credential(azsreg_credential **out, const cli *c)
{
	const char *tenant = azsreg_plat__getenv("AZURE_TENANT_ID");
	const char *client = azsreg_plat__getenv("AZURE_CLIENT_ID");
	azsreg_device_code_options o = AZSREG_DEVICE_CODE_OPTIONS_INIT;

	(void)c;
	if (tenant != NULL && tenant[0] == '\0')
		tenant = NULL;
	if (client == NULL || client[0] == '\0')
		client = azsreg_default_public_client_id();
	o.tenant_id = tenant;
	o.client_id = client;
	o.prompt_cb = show_device_code;
	return azsreg_credential_device_code_new(out, &o);
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

/* ------------------------------------------------------------------ bulk */

/* sync, register --input: the input file's rows, the report file, the batch options. */
typedef struct bulk {
	char *text;
	size_t len;
	json_t *parsed; /* azsreg_input_parse's answer */
	azsreg_sync_entry *entries;
	size_t count;
	const char *report_path; /* --report, checked writable */
	FILE *report;
	int report_json;
	int concurrency;
	unsigned int flags;
} bulk;

static void bulk_free(bulk *b)
{
	free(b->text);
	json_decref(b->parsed);
	free(b->entries);
	if (b->report != NULL)
		fclose(b->report);
	memset(b, 0, sizeof(*b));
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Every bad row of the input, one line each (at most 20, then how many more). */
static void print_bad_rows(const json_t *parsed, const char *prefix)
{
	const json_t *errors = json_object_get(parsed, "errors"), *dups = json_object_get(parsed, "duplicates"), *e;
	size_t i, shown = 0;
	size_t total = (size_t)json_integer_value(json_object_get(parsed, "errorCount")) +
		       (size_t)json_integer_value(json_object_get(parsed, "duplicateCount"));
	char buf[1024];

	json_array_foreach(errors, i, e)
	{
		if (shown++ < 20)
			azsreg_plat__fprintf(stderr, "%sline %lld: %s\n", prefix, (long long)json_integer_value(json_object_get(e, "line")),
					     escaped(buf, sizeof(buf), json_string_value(json_object_get(e, "message"))));
	}
	json_array_foreach(dups, i, e)
	{
		if (shown++ < 20)
			azsreg_plat__fprintf(stderr, "%sline %lld repeats line %lld: customer %s\n", prefix,
					     (long long)json_integer_value(json_object_get(e, "line")),
					     (long long)json_integer_value(json_object_get(e, "firstLine")),
					     escaped(buf, sizeof(buf), json_string_value(json_object_get(e, "customerSubscriptionId"))));
	}
	if (total > 20)
		azsreg_plat__fprintf(stderr, "%s... and %zu more\n", prefix, total - 20);
}

/* Checks everything sync / register --input needs, before anything is sent. */
static int check_bulk(const cli *c, bulk *b)
{
	int is_sync = strcmp(c->command, "sync") == 0, rc, i;
	json_t *rows, *row;
	size_t k;

	memset(b, 0, sizeof(*b));
	if (c->npositional > 0)
		return usage_error("unexpected argument '%s'", c->positional[0]);
	if (c->nregistrations == 0)
		return usage_error("'%s' needs --registration <registration resource ID> (one or more)", c->command);
	if (c->input == NULL || c->input[0] == '\0')
		return usage_error("'%s' needs --input <file> (or - for stdin)", c->command);
	if (c->customer != NULL || (!is_sync && c->tenant != NULL))
		return usage_error("with --input, the customers and their tenants come from the file: no --customer-subscription%s",
				   is_sync ? "" : " or --tenant-id");
	if (c->prune && !is_sync)
		return usage_error("--prune belongs to 'sync'");
	if (c->api_version != NULL || c->body != NULL || c->query != NULL || c->all_pages || c->no_wait)
		return usage_error("--api-version, --body, --query, --all-pages and --no-wait belong to 'request' (not '%s')", c->command);
	for (i = 0; i < c->nregistrations; i++) {
		azsreg_registration_ref ref;
		rc = azsreg_registration_id_parse(&ref, c->registrations[i]);
		if (rc != 0)
			return report_error(rc);
	}
	b->concurrency = 16;
	if (c->concurrency != NULL) {
		char *end = NULL;
		long v;
		errno = 0;
		v = strtol(c->concurrency, &end, 10);
		if (errno != 0 || end == c->concurrency || *end != '\0' || v < 1 || v > 256)
			return usage_error("--concurrency must be a number between 1 and 256, not '%s'", c->concurrency);
		b->concurrency = (int)v;
	}
	if (c->report != NULL) {
		if (ends_with(c->report, ".json"))
			b->report_json = 1;
		else if (!ends_with(c->report, ".csv"))
			return usage_error("--report names a .csv or a .json file, not '%s'", c->report);
	}
	b->flags = (c->prune ? AZSREG_SYNC_PRUNE : 0u) | (c->dry_run ? AZSREG_SYNC_DRY_RUN : 0u) | (is_sync ? 0u : AZSREG_SYNC_PUT_ALL);

	rc = read_text_file(&b->text, &b->len, c->input, "input file", INPUT_FILE_MAX, 1);
	if (rc != 0)
		return rc;
	{
		char *json = NULL;
		int prc = azsreg_input_parse(&json, b->text, b->len, AZSREG_INPUT_AUTO, c->skip_bad_rows ? AZSREG_INPUT_SKIP_BAD : 0u);
		b->parsed = json ? json_loads(json, 0, NULL) : NULL;
		azsreg_free(json);
		if (prc != 0) {
			char shown[2048];
			print_bad_rows(b->parsed, "error: ");
			azsreg_plat__fprintf(stderr, "error: %s: %s\nnothing was sent%s\n", escaped(shown, sizeof(shown), c->input),
					     azsreg_error_last()->message, prc == AZSREG_EINVALID ? " (--skip-bad-rows sends the good rows)" : "");
			return prc == AZSREG_EINVALID ? EXIT_USAGE : exit_code_for(prc);
		}
		print_bad_rows(b->parsed, "warning: skipped ");
	}
	rows = json_object_get(b->parsed, "rows");
	b->count = json_array_size(rows);
	b->entries = calloc(b->count + 1, sizeof(*b->entries));
	if (b->entries == NULL) {
		azsreg_plat__fprintf(stderr, "error: out of memory\n");
		return 1;
	}
	json_array_foreach(rows, k, row)
	{
		b->entries[k].customer_subscription_id = json_string_value(json_object_get(row, "customerSubscriptionId"));
		b->entries[k].tenant_id = json_string_value(json_object_get(row, "tenantId"));
		b->entries[k].registration = json_string_value(json_object_get(row, "registration"));
	}
	rc = azsreg_sync_check(c->registrations, (size_t)c->nregistrations, b->entries, b->count, b->flags);
	if (rc != 0)
		return report_error(rc);
	if (c->report != NULL) {
		/* writable? ("ab": an earlier report stays until this run has one to write) */
		char shown[2048];
		FILE *f = azsreg_plat__fopen(c->report, "ab");
		if (f == NULL)
			return usage_error("cannot write the report file '%s': %s", escaped(shown, sizeof(shown), c->report), strerror(errno));
		fclose(f);
		b->report_path = c->report;
	}
	return 0;
}

/*
 * Ctrl+C during sync / register --input: the handler only sets a flag and posts a
 * semaphore (both async-signal-safe); a watcher thread then cancels the batch, which takes
 * a lock. A cancel while the registrations are listed stops the sync before any write.
 */
static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t bulk_over;
static sem_t interrupt_sem;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
	(void)sem_post(&interrupt_sem);
}

static void *interrupt_watcher(void *arg)
{
	azsreg_batch *batch = arg;

	for (;;) {
		if (sem_wait(&interrupt_sem) != 0 && errno == EINTR)
			continue;
		if (bulk_over)
			return NULL;
		if (interrupted)
			azsreg_batch_cancel(batch);
	}
}

typedef struct progress_state {
	azsreg_batch *batch;
	int tty;
	long long last_line_ms;
	int drew;
} progress_state;

/* Progress on stderr: a line redrawn in place on a terminal, a plain line every 10 s otherwise. */
static void on_progress(const azsreg_batch_progress *p, void *payload)
{
	progress_state *ps = payload;
	char eta[32] = "-", line[256];
	size_t done = p->succeeded + p->failed;

	if (!ps->tty && p->elapsed_ms - ps->last_line_ms < 10000 && done < p->total)
		return;
	ps->last_line_ms = p->elapsed_ms;
	if (p->eta_ms >= 0)
		snprintf(eta, sizeof(eta), "%lldm%02llds", p->eta_ms / 60000, (p->eta_ms / 1000) % 60);
	snprintf(line, sizeof(line), "azsreg: %zu/%zu done (%zu failed), %zu in flight, %.1f/s, %lu throttled (429), ETA %s",
		 done, p->total, p->failed, p->in_flight, p->per_second, p->throttled, eta);
	if (ps->tty) {
		azsreg_plat__fprintf(stderr, "\r%-110s", line);
		ps->drew = 1;
	} else {
		azsreg_plat__fprintf(stderr, "%s\n", line);
	}
	fflush(stderr);
}

static void report_field(FILE *f, const char *value, int last)
{
	const char *v = value ? value : "";

	(void)csv_fwrite(f, v, strlen(v));
	fputs(last ? "\r\n" : ",", f);
}

/* One row per item: the plan's entry and, when writes were sent, the batch's result for it. */
static int write_report(const bulk *b, const json_t *result)
{
	const json_t *plan = json_object_get(result, "plan");
	const json_t *results = json_object_get(json_object_get(result, "batch"), "results");
	json_t *rows = json_array();
	const json_t *p;
	size_t i;
	int rc = 0;

	if (!b->report_json)
		fputs("CustomerSubscriptionId,Registration,Action,TenantId,Status,Result,ErrorCode,RequestId,Message\r\n", b->report);
	json_array_foreach(plan, i, p)
	{
		const json_t *r = json_array_get(results, i);
		const char *code = r ? json_string_value(json_object_get(r, "code")) : NULL;
		char status[16] = "";
		const char *result_text = r == NULL ? "planned" : code && strcmp(code, "AZSREG_OK") == 0   ? "succeeded"
							  : code && strcmp(code, "AZSREG_ECANCELLED") == 0 ? "cancelled"
													   : "failed";

		if (r != NULL && json_integer_value(json_object_get(r, "status")) > 0)
			snprintf(status, sizeof(status), "%lld", (long long)json_integer_value(json_object_get(r, "status")));
		if (b->report_json) {
			json_t *row = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?}",
						"customerSubscriptionId", json_string_value(json_object_get(p, "customerSubscriptionId")),
						"registration", json_string_value(json_object_get(p, "registration")),
						"action", json_string_value(json_object_get(p, "action")),
						"tenantId", json_string_value(json_object_get(p, "tenantId")),
						"status", status[0] ? status : NULL, "result", result_text,
						"errorCode", r ? json_string_value(json_object_get(r, "error")) : NULL,
						"requestId", r ? json_string_value(json_object_get(r, "requestId")) : NULL,
						"message", r && code && strcmp(code, "AZSREG_OK") != 0 ? json_string_value(json_object_get(r, "message")) : NULL);

			/* a row that cannot be made (out of memory) fails the report rather than go missing */
			if (json_array_append_new(rows, row) != 0)
				rc = -1;
			continue;
		}
		report_field(b->report, json_string_value(json_object_get(p, "customerSubscriptionId")), 0);
		report_field(b->report, json_string_value(json_object_get(p, "registration")), 0);
		report_field(b->report, json_string_value(json_object_get(p, "action")), 0);
		report_field(b->report, json_string_value(json_object_get(p, "tenantId")), 0);
		report_field(b->report, status, 0);
		report_field(b->report, result_text, 0);
		report_field(b->report, r ? json_string_value(json_object_get(r, "error")) : NULL, 0);
		report_field(b->report, r ? json_string_value(json_object_get(r, "requestId")) : NULL, 0);
		report_field(b->report, r && code && strcmp(code, "AZSREG_OK") != 0 ? json_string_value(json_object_get(r, "message")) : NULL, 1);
	}
	if (b->report_json && (rc != 0 || json_dumpf(rows, b->report, JSON_INDENT(2)) != 0))
		rc = -1;
	json_decref(rows);
	if (fflush(b->report) != 0 || ferror(b->report))
		rc = -1;
	return rc;
}

/* Summary lines and the failed items (--output table). */
static void print_bulk_table(const json_t *result)
{
	const json_t *batch = json_object_get(result, "batch"), *r;
	size_t i;
	char buf[1024];

	azsreg_plat__fprintf(stdout, "%s: %lld to create%s, %lld to update, %lld to remove, %lld unchanged\n",
			     json_is_true(json_object_get(result, "dryRun")) ? "plan (dry run, nothing sent)" : "plan",
			     (long long)json_integer_value(json_object_get(result, "creates")), "",
			     (long long)json_integer_value(json_object_get(result, "updates")),
			     (long long)json_integer_value(json_object_get(result, "deletes")),
			     (long long)json_integer_value(json_object_get(result, "unchanged")));
	if (batch == NULL)
		return;
	azsreg_plat__fprintf(stdout, "sent: %lld succeeded, %lld failed, %lld cancelled; %lld requests, %lld throttled (429), %lld ms\n",
			     (long long)json_integer_value(json_object_get(batch, "succeeded")),
			     (long long)json_integer_value(json_object_get(batch, "failed")),
			     (long long)json_integer_value(json_object_get(batch, "cancelled")),
			     (long long)json_integer_value(json_object_get(batch, "requests")),
			     (long long)json_integer_value(json_object_get(batch, "throttled")),
			     (long long)json_integer_value(json_object_get(batch, "elapsedMs")));
	json_array_foreach(json_object_get(batch, "results"), i, r)
	{
		const char *code = json_string_value(json_object_get(r, "code"));
		if (code != NULL && strcmp(code, "AZSREG_OK") != 0)
			azsreg_plat__fprintf(stdout, "failed: %s %s %s: %s\n", json_string_value(json_object_get(r, "action")),
					     json_string_value(json_object_get(r, "registration")),
					     json_string_value(json_object_get(r, "customerSubscriptionId")),
					     escaped(buf, sizeof(buf), json_string_value(json_object_get(r, "message"))));
	}
}

static int run_bulk(const cli *c, azsreg_client *client, bulk *b, int table)
{
	azsreg_batch_options bo = AZSREG_BATCH_OPTIONS_INIT;
	azsreg_batch *batch = NULL;
	progress_state ps;
	pthread_t watcher;
	int watching;
	char *text = NULL;
	json_t *result = NULL;
	int rc, exit_code = 0;

	memset(&ps, 0, sizeof(ps));
	ps.tty = azsreg_plat__is_terminal(stderr);
	bo.concurrency = b->concurrency;
	bo.on_progress = on_progress;
	bo.payload = &ps;
	bo.progress_interval_ms = 250; /* also how soon Ctrl+C is noticed */
	rc = azsreg_batch_new(&batch, client, &bo);
	if (rc != 0)
		return report_error(rc);
	ps.batch = batch;
	interrupted = 0;
	bulk_over = 0;
	watching = sem_init(&interrupt_sem, 0, 0) == 0 && pthread_create(&watcher, NULL, interrupt_watcher, batch) == 0;
	if (watching)
		(void)signal(SIGINT, on_interrupt);
	rc = azsreg_sync(&text, batch, c->registrations, (size_t)c->nregistrations, b->entries, b->count, b->flags);
	if (watching) {
		(void)signal(SIGINT, SIG_DFL);
		bulk_over = 1;
		(void)sem_post(&interrupt_sem);
		(void)pthread_join(watcher, NULL);
		(void)sem_destroy(&interrupt_sem);
	}
	if (ps.drew)
		azsreg_plat__fputs("\n", stderr);
	result = text ? json_loads(text, 0, NULL) : NULL;
	if (result != NULL) {
		if (table)
			print_bulk_table(result);
		else
			print_json_value(result, text);
		if (b->report_path != NULL) {
			b->report = azsreg_plat__fopen(b->report_path, "wb");
			if (b->report == NULL || write_report(b, result) != 0) {
				azsreg_plat__fprintf(stderr, "error: writing the report file failed\n");
				exit_code = 1;
			}
		}
	}
	if (rc == AZSREG_EPARTIAL) {
		azsreg_plat__fprintf(stderr, "error: %s\n", azsreg_error_last()->message);
		exit_code = EXIT_SERVICE;
	} else if (rc == AZSREG_ECANCELLED) {
		azsreg_plat__fprintf(stderr, "error: %s; what was in flight may still be applied: run the command again to finish\n",
				     azsreg_error_last()->message);
		exit_code = EXIT_INTERRUPTED;
	} else if (rc != 0) {
		exit_code = report_command_error(rc);
	}
	json_decref(result);
	azsreg_free(text);
	azsreg_batch_free(batch);
	return exit_code;
}

int main(int argc, char **argv)
{
	cli c;
	azsreg_environment *env = NULL;
	azsreg_credential *cred = NULL;
	azsreg_client *client = NULL;
	azsreg_client_options opts = AZSREG_CLIENT_OPTIONS_INIT;
	azsreg_request_options req = AZSREG_REQUEST_OPTIONS_INIT;
	azsreg_registration_ref reg;
	char guid[AZSREG_GUID_LEN + 1];
	char *result = NULL, *body_buf = NULL, *signed_in = NULL;
	const char *sign_in_tenant = NULL;
	const char *body = NULL;
	int rc = 0, exit_code = 0, table = 0, existed = 0, status = 0, is_bulk = 0;
	long timeout_s = 0;
	bulk bk;

	memset(&bk, 0, sizeof(bk));
	if (azsreg_plat__program_init(&argc, &argv) != 0) {
		azsreg_plat__fputs("error: out of memory reading the command line\n", stderr);
		return EXIT_USAGE;
	}
	exit_code = parse_args(&c, argc, argv);
	g_cli = &c;
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
	is_bulk = strcmp(c.command, "sync") == 0 || (strcmp(c.command, "register") == 0 && c.input != NULL);
	if (!is_bulk && (c.input != NULL || c.report != NULL || c.concurrency != NULL || c.prune || c.dry_run || c.skip_bad_rows)) {
		exit_code = usage_error("--input, --report, --concurrency, --prune, --dry-run and --skip-bad-rows belong to 'sync' and "
					"'register --input'");
		goto done;
	}
	if (!is_bulk && c.nregistrations > 1) {
		exit_code = usage_error("option '--registration' is given twice ('%s' takes one; 'sync' and 'register --input' take several)",
					c.command);
		goto done;
	}
	if (is_bulk) {
		exit_code = check_bulk(&c, &bk);
		if (exit_code != 0)
			goto done;
	} else if (strcmp(c.command, "register") == 0 || strcmp(c.command, "get") == 0 || strcmp(c.command, "remove") == 0 ||
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
			exit_code = read_text_file(&body_buf, NULL, c.body + 1, "body file", BODY_FILE_MAX, 0);
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
		req = request_options(&c, body);
		rc = azsreg_resource_request_check(&req);
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
		azsreg_discovery_options d = AZSREG_DISCOVERY_OPTIONS_INIT;

		/* the client's settings that apply to the discovery request */
		d.ca_file = opts.ca_file;
		d.proxy = opts.proxy;
		d.user_agent = opts.user_agent;
		d.correlation_id = opts.correlation_id;
		d.deadline_ms = opts.deadline_ms;
		d.log_cb = opts.log_cb;
		d.log_level = opts.log_level;
		rc = azsreg_environment_discover_with(&env, "AzureStack", c.arm_endpoint, &d);
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
	if (is_bulk) {
		exit_code = run_bulk(&c, client, &bk, table);
		goto done;
	} else if (strcmp(c.command, "register") == 0) {
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
		req = request_options(&c, body);
		rc = azsreg_resource_request(&result, &status, client, &req);
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
	bulk_free(&bk);
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
