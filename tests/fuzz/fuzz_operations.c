/*
 * libFuzzer target: the operations (operations.c, pipeline.c, tenant.c, client.c) over
 * the scripted transport of the unit tests (tests/native/fake_transport.c) and its fake
 * clock (sleeps take no time). The input is text:
 *   line 1: <op> [args]   op: get | put | list | delete | regget | request | tenant | signin
 *           put [customer] [tenant]; get/delete [customer]; request <METHOD> <id> [api] [flags]
 *           tenant <name>; the registration ID is fixed unless given as "reg=<id>"
 *   then answers, each "=== <status>" (or "=== ERR <code>"), "Name: value" header lines,
 *   a blank line, and the body up to the next line starting with "===".
 * Invariants: a known result code that the last error repeats; on success valid JSON of
 * the documented shape, on failure no output; the bearer token never appears in a log
 * line (TRACE), an error message or the error JSON, even when the server echoes it; and
 * a request that carries the bearer token only ever goes to the ARM endpoint's origin.
 */
#include <jansson.h>

#include "fuzz_common.h"
#include "fake_transport.h"

#define ARM "https://management.local.azurestack.external/"
#define TOKEN "fuzzBearerTokenValue9Xq"
#define MAX_ANSWERS 48

static const char default_reg[] =
	"/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/reg1";

static void log_cb(int level, const char *message, void *payload)
{
	(void)payload;
	FUZZ_CHECK(level >= AZSREG_LOG_ERROR && level <= AZSREG_LOG_TRACE, "log level %d", level);
	FUZZ_CHECK(strstr(message, TOKEN) == NULL, "the bearer token is in a log line");
	FUZZ_CHECK(strchr(message, '\n') == NULL, "a log line with a newline");
}

/* Scripts the answers from the text after line 1 (modified in place; the fake keeps pointers). */
static void script(fake_transport *ft, char *text)
{
	char *p = text, *next, *line, *rest, *colon;
	size_t n = 0, nh;
	fake_response *r;

	if (strncmp(p, "===", 3) != 0) {
		p = strstr(p, "\n===");
		if (p == NULL)
			return;
		p++;
	}
	while (p != NULL && n < MAX_ANSWERS) {
		next = strstr(p + 3, "\n===");
		if (next != NULL)
			*next = '\0';
		rest = p + 3;
		line = fuzz_line(&rest);
		while (*line == ' ')
			line++;
		r = &ft->script[ft->nscript++];
		memset(r, 0, sizeof(*r));
		n++;
		if (strncmp(line, "ERR", 3) == 0) {
			static const int codes[] = { AZSREG_ENETWORK, AZSREG_ETIMEOUT, AZSREG_ETLS, AZSREG_ENOMEM };
			r->error = codes[strlen(line) % 4];
			r->final = strchr(line, '!') != NULL;
		} else {
			char *end;
			long st = strtol(line, &end, 10);
			r->status = (int)(st < 0 ? 0 : st > 999 ? 999
								: st);
			nh = 0;
			for (;;) {
				char *save = rest;
				line = fuzz_line(&rest);
				if (line == NULL || *line == '\0' || save == rest)
					break;
				colon = strchr(line, ':');
				if (colon == NULL || colon == line || nh >= FAKE_MAX_HEADERS - 1)
					continue;
				r->headers[nh++] = line;
			}
			r->body = *rest != '\0' ? rest : NULL;
		}
		p = next != NULL ? next + 1 : NULL;
	}
}

/* Forgets the previous input's answers and recorded requests (the client is reused). */
static void transport_reset(fake_transport *ft)
{
	size_t i;

	for (i = 0; i < ft->nreqs; i++) {
		free(ft->reqs[i].method);
		free(ft->reqs[i].url);
		free(ft->reqs[i].body);
		azsreg_headers__free(&ft->reqs[i].headers);
	}
	memset(ft->reqs, 0, sizeof(ft->reqs));
	memset(ft->script, 0, sizeof(ft->script));
	ft->nreqs = ft->nscript = ft->next = 0;
}

static void check_json(const char *text, int want_array)
{
	json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);

	FUZZ_CHECK(j != NULL, "result is not JSON: %.200s", text);
	if (want_array == 1)
		FUZZ_CHECK(json_is_array(j), "list result is not an array: %.200s", text);
	else if (want_array == 0)
		FUZZ_CHECK(json_is_object(j), "result is not an object: %.200s", text);
	json_decref(j);
}

static char *word(char **rest)
{
	char *s = *rest, *e;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return NULL;
	e = strchr(s, ' ');
	if (e != NULL) {
		*e = '\0';
		*rest = e + 1;
	} else {
		*rest = s + strlen(s);
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One client for the whole run (a client reads the CA bundle when it is made): its
	 * transport and clock are reset for every input. */
	static azsreg_credential *cred;
	static azsreg_environment *env;
	static fake_clock fc;
	static fake_transport *ft;
	static azsreg_client *cl;
	char *s = fuzz_cstr(data, size), *rest = s, *line, *lrest, *op, *a1, *a2, *a3, *a4;
	const char *reg = default_reg;
	azsreg_client_options o = AZSREG_CLIENT_OPTIONS_INIT;
	char *out = NULL, tenant[AZSREG_GUID_LEN + 1];
	int rc, status = -1, existed = -1, shape = -1;
	int echoed = strstr(s, TOKEN) != NULL; /* the answers carry the token themselves */
	size_t i;

	if (cl == NULL) {
		FUZZ_CHECK(azsreg_credential_access_token_new(&cred, TOKEN) == AZSREG_OK, "credential");
		FUZZ_CHECK(azsreg_environment_custom(&env, &(azsreg_environment_options){ AZSREG_ENVIRONMENT_OPTIONS_VERSION, "FuzzStack", ARM, "https://login.microsoftonline.com/", "https://management.azurestack.external/" }) == AZSREG_OK, "environment");
		fake_clock_init(&fc);
		ft = fake_transport_new(&fc);
		o.environment = env;
		o.max_retries = 2;
		o.retry_base_delay_ms = 10;
		o.retry_max_delay_ms = 100;
		o.deadline_ms = 120000;
		o.log_cb = log_cb;
		o.log_level = AZSREG_LOG_TRACE;
		rc = azsreg_client__new_with(&cl, &o, cred, &ft->base, &fc.clock);
		FUZZ_CHECK(rc == AZSREG_OK, "client: %s", azsreg_error_last()->message);
	}
	line = fuzz_line(&rest);
	lrest = line;
	op = word(&lrest);
	a1 = word(&lrest);
	if (a1 != NULL && strncmp(a1, "reg=", 4) == 0) {
		reg = a1 + 4;
		a1 = word(&lrest);
	}
	a2 = word(&lrest);
	a3 = word(&lrest);
	a4 = word(&lrest);

	fake_clock_init(&fc);
	transport_reset(ft);
	script(ft, rest);

	if (op == NULL || strcmp(op, "get") == 0) {
		rc = azsreg_customer_get(&out, cl, reg, a1 ? a1 : "22222222-2222-2222-2222-222222222222");
		shape = 0;
	} else if (strcmp(op, "put") == 0) {
		rc = azsreg_customer_put(&out, cl, reg, a1 ? a1 : "22222222-2222-2222-2222-222222222222", a2);
		shape = 0;
	} else if (strcmp(op, "list") == 0) {
		rc = azsreg_customer_list(&out, cl, reg);
		shape = 1;
	} else if (strcmp(op, "delete") == 0) {
		rc = azsreg_customer_delete(&existed, cl, reg, a1 ? a1 : "22222222-2222-2222-2222-222222222222");
	} else if (strcmp(op, "regget") == 0) {
		rc = azsreg_registration_get(&out, cl, reg);
		shape = 0;
	} else if (strcmp(op, "request") == 0) {
		const char *method = a1 ? a1 : "GET";
		unsigned int flags = a4 ? (unsigned int)strtoul(a4, NULL, 10) & 3u : 0u;
		rc = azsreg_resource_request(&out, &status, cl, &(azsreg_request_options){ AZSREG_REQUEST_OPTIONS_VERSION, method, a2 ? a2 : reg, a3 ? a3 : "2017-06-01", strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0 ? "{\"properties\":{}}" : NULL, NULL, flags });
		shape = 2;
	} else if (strcmp(op, "tenant") == 0) {
		rc = azsreg_tenant_resolve(tenant, cl, a1 ? a1 : "contoso.onmicrosoft.com");
		if (rc == AZSREG_OK)
			FUZZ_CHECK(azsreg_guid_normalize(tenant, tenant, NULL) == AZSREG_OK, "resolved tenant is not a GUID");
	} else {
		rc = azsreg_client_sign_in(&out, cl);
		shape = 0;
	}
	fuzz_check_error(rc);
	if (rc == AZSREG_OK) {
		if (out != NULL && (shape != 2 || out[0] != '\0'))
			check_json(out, shape);
		if (strcmp(op ? op : "get", "delete") == 0)
			FUZZ_CHECK(existed == 0 || existed == 1, "existed %d", existed);
		if (shape == 2)
			FUZZ_CHECK(status >= 200 && status <= 299, "request succeeded with status %d", status);
		else if (shape >= 0)
			FUZZ_CHECK(out != NULL, "success without output");
		if (out != NULL)
			FUZZ_CHECK(strstr(out, TOKEN) == NULL || echoed, "the bearer token is in the result");
	} else {
		FUZZ_CHECK(out == NULL, "output on failure");
		FUZZ_CHECK(strstr(azsreg_error_last()->message, TOKEN) == NULL, "the bearer token is in the error message");
		FUZZ_CHECK(strstr(azsreg_error_last_json(), TOKEN) == NULL, "the bearer token is in the error JSON");
	}
	/* The bearer token only goes to the ARM origin. */
	for (i = 0; i < ft->nreqs; i++) {
		const char *auth = azsreg_headers__get(&ft->reqs[i].headers, "Authorization");
		if (auth != NULL && strstr(auth, TOKEN) != NULL)
			FUZZ_CHECK(azsreg_pipeline__same_origin(ft->reqs[i].url, ARM), "the bearer token was sent to %s", ft->reqs[i].url);
	}
	azsreg_free(out);
	free(s);
	return 0;
}
