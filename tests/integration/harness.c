/*
 * Integration test harness (see harness.h).
 */
#include "harness.h"
#ifdef AZSREG_STATIC
#include "internal.h" /* azsreg_client__new_with: a client with the test's clock */
#endif

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#ifndef AZSREG_EMULATOR_PATH
#error "AZSREG_EMULATOR_PATH must be defined (path of the built azsreg-emulator)"
#endif

extern char **environ;

#define HARNESS_MAX_ARGS 64

static void sleep_ms(long ms)
{
	struct timespec ts;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int harness_path(char *out, size_t out_size, const harness_emulator *emu, const char *file)
{
	int n = snprintf(out, out_size, "%s/%s", emu->dir, file);
	return (n < 0 || (size_t)n >= out_size) ? -1 : 0;
}

static char *read_file(const char *path)
{
	FILE *f = NULL;
	char *data = NULL;
	char *result = NULL;
	size_t len = 0, cap = 0;

	f = fopen(path, "rb");
	if (f == NULL)
		goto done;
	for (;;) {
		size_t n;
		if (cap - len < 4096) {
			char *grown = realloc(data, cap + 65536);
			if (grown == NULL)
				goto done;
			data = grown;
			cap += 65536;
		}
		n = fread(data + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	data[len] = '\0';
	result = data;
	data = NULL;
done:
	if (f != NULL)
		fclose(f);
	free(data);
	return result;
}

char *harness_emulator_log(const harness_emulator *emu)
{
	char *text = read_file(emu->log_file);
	return text != NULL ? text : strdup("");
}

static const char *wrapper_env(void)
{
	const char *w = getenv("AZSREG_EMULATOR_WRAPPER");
	return (w != NULL && *w != '\0') ? w : NULL;
}

static void remove_dir(const char *dir)
{
	DIR *d;
	struct dirent *e;
	char path[HARNESS_PATH_MAX + 300];

	if (dir[0] == '\0')
		return;
	d = opendir(dir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

static int parse_ready(harness_emulator *emu, const char *ready_path)
{
	json_error_t jerr;
	json_t *ready = NULL;
	json_t *v;
	int rc = -1;
	int n;

	ready = json_load_file(ready_path, 0, &jerr);
	if (ready == NULL) {
		fprintf(stderr, "harness: ready file %s is not JSON: %s\n", ready_path, jerr.text);
		goto done;
	}
	v = json_object_get(ready, "port");
	if (!json_is_integer(v)) {
		fprintf(stderr, "harness: ready file has no port\n");
		goto done;
	}
	emu->port = (int)json_integer_value(v);
	v = json_object_get(ready, "httpPort");
	emu->http_port = json_is_integer(v) ? (int)json_integer_value(v) : 0;
	n = snprintf(emu->base_url, sizeof emu->base_url, "https://127.0.0.1:%d/", emu->port);
	if (n < 0 || (size_t)n >= sizeof emu->base_url)
		goto done;
	n = snprintf(emu->base_url_noslash, sizeof emu->base_url_noslash, "https://127.0.0.1:%d", emu->port);
	if (n < 0 || (size_t)n >= sizeof emu->base_url_noslash)
		goto done;
	if (emu->http_port > 0)
		n = snprintf(emu->control_url, sizeof emu->control_url, "http://127.0.0.1:%d/_emulator", emu->http_port);
	else
		n = snprintf(emu->control_url, sizeof emu->control_url, "https://127.0.0.1:%d/_emulator", emu->port);
	if (n < 0 || (size_t)n >= sizeof emu->control_url)
		goto done;
	rc = 0;
done:
	json_decref(ready);
	return rc;
}

int harness_emulator_start(harness_emulator *emu, const char *const *extra_args)
{
	char ready_path[HARNESS_PATH_MAX + 32];
	char *argv[HARNESS_MAX_ARGS];
	char *wrapper_copy = NULL;
	const char *tmp;
	posix_spawn_file_actions_t actions;
	int actions_ready = 0;
	int argc = 0;
	int rc = -1;
	int err;
	long deadline;
	long timeout_ms;
	size_t i;
	pid_t pid = 0;

	memset(emu, 0, sizeof *emu);
	tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if (snprintf(emu->dir, sizeof emu->dir, "%s/azsreg-integ.XXXXXX", tmp) >= (int)sizeof emu->dir)
		goto done;
	if (mkdtemp(emu->dir) == NULL) {
		fprintf(stderr, "harness: mkdtemp failed: %s\n", strerror(errno));
		emu->dir[0] = '\0';
		goto done;
	}
	if (harness_path(emu->ca_file, sizeof emu->ca_file, emu, "ca.pem") != 0 ||
	    harness_path(emu->log_file, sizeof emu->log_file, emu, "emulator.log") != 0 ||
	    harness_path(ready_path, sizeof ready_path, emu, "ready.json") != 0)
		goto done;

	/* hang guards, not performance bounds (issue 9): a loaded machine may take seconds to
	 * start or stop an emulator (a fresh CA key, in-flight delayed requests) */
	timeout_ms = 60000;
	if (wrapper_env() != NULL) {
		char *p;
		wrapper_copy = strdup(wrapper_env());
		if (wrapper_copy == NULL)
			goto done;
		/* Split on spaces (the wrapper's words hold no spaces themselves). */
		p = wrapper_copy;
		while (*p != '\0' && argc < HARNESS_MAX_ARGS - 24) {
			while (*p == ' ')
				*p++ = '\0';
			if (*p == '\0')
				break;
			argv[argc++] = p;
			while (*p != '\0' && *p != ' ')
				p++;
		}
		timeout_ms = 120000;
	}
	argv[argc++] = (char *)AZSREG_EMULATOR_PATH;
	argv[argc++] = (char *)"--port";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"--http-port";
	argv[argc++] = (char *)"0";
	argv[argc++] = (char *)"--ca-out";
	argv[argc++] = emu->ca_file;
	argv[argc++] = (char *)"--ready-file";
	argv[argc++] = ready_path;
	argv[argc++] = (char *)"--exit-with-parent"; /* a crashed test leaves no emulator behind */
	/* one token signing key for every emulator the suite starts (an RSA key per start costs
	 * 0.1-0.3 s of CPU); the caller's AZSREG_EMULATOR_SIGNING_KEY wins */
	if (getenv("AZSREG_EMULATOR_SIGNING_KEY") == NULL) {
		argv[argc++] = (char *)"--signing-key";
		argv[argc++] = (char *)AZSREG_EMULATOR_PATH ".signing-key.pem";
	}
	for (i = 0; extra_args != NULL && extra_args[i] != NULL; i++) {
		if (argc >= HARNESS_MAX_ARGS - 1) {
			fprintf(stderr, "harness: too many emulator arguments\n");
			goto done;
		}
		argv[argc++] = (char *)extra_args[i];
	}
	argv[argc] = NULL;

	if (posix_spawn_file_actions_init(&actions) != 0)
		goto done;
	actions_ready = 1;
	if (posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, emu->log_file,
					     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) != 0 ||
	    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO) != 0)
		goto done;

	err = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	if (err != 0) {
		fprintf(stderr, "harness: cannot start %s: %s\n", argv[0], strerror(err));
		goto done;
	}
	emu->pid = pid;

	deadline = now_ms() + timeout_ms;
	for (;;) {
		int status;
		struct stat st;
		if (stat(ready_path, &st) == 0 && st.st_size > 0)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			char *log = harness_emulator_log(emu);
			fprintf(stderr, "harness: the emulator exited before it was ready (status %d); output:\n%s\n",
				status, log);
			free(log);
			emu->pid = 0;
			goto done;
		}
		if (now_ms() > deadline) {
			char *log = harness_emulator_log(emu);
			fprintf(stderr, "harness: the emulator was not ready within %ld ms; output:\n%s\n", timeout_ms, log);
			free(log);
			goto done;
		}
		sleep_ms(10);
	}
	if (parse_ready(emu, ready_path) != 0)
		goto done;
	rc = 0;
done:
	if (actions_ready)
		posix_spawn_file_actions_destroy(&actions);
	free(wrapper_copy);
	if (rc != 0)
		(void)harness_emulator_stop(emu);
	return rc;
}

int harness_emulator_stop(harness_emulator *emu)
{
	int status = 0;
	int result = -1;
	long deadline;

	if (emu->pid > 0) {
		kill(emu->pid, SIGTERM);
		deadline = now_ms() + (wrapper_env() != NULL ? 120000 : 60000);
		for (;;) {
			pid_t w = waitpid(emu->pid, &status, WNOHANG);
			if (w == emu->pid)
				break;
			if (w < 0 && errno != EINTR) {
				status = -1;
				break;
			}
			if (now_ms() > deadline) {
				fprintf(stderr, "harness: the emulator did not stop on SIGTERM; killing it\n");
				kill(emu->pid, SIGKILL);
				waitpid(emu->pid, &status, 0);
				break;
			}
			sleep_ms(10);
		}
		if (status == -1)
			result = -1;
		else if (WIFEXITED(status))
			result = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			result = 128 + WTERMSIG(status);
		if (result != 0) {
			char *log = harness_emulator_log(emu);
			fprintf(stderr, "harness: the emulator stopped with status %d; output:\n%s\n", result, log);
			free(log);
		}
		emu->pid = 0;
	}
	remove_dir(emu->dir);
	emu->dir[0] = '\0';
	return result;
}

/* ---- control API --------------------------------------------------------------- */

typedef struct body_buf {
	char *data;
	size_t len;
} body_buf;

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	body_buf *b = userdata;
	size_t n = size * nmemb;
	char *grown = realloc(b->data, b->len + n + 1);
	if (grown == NULL)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

int harness_control(const harness_emulator *emu, const char *method, const char *path, const char *body, json_t **out)
{
	char url[512];
	CURL *curl = NULL;
	struct curl_slist *headers = NULL;
	body_buf resp = { NULL, 0 };
	long status = 0;
	int rc = -1;
	CURLcode cc;

	if (out != NULL)
		*out = NULL;
	if (snprintf(url, sizeof url, "%s%s", emu->control_url, path) >= (int)sizeof url)
		goto done;
	curl = curl_easy_init();
	if (curl == NULL)
		goto done;
	headers = curl_slist_append(headers, "Content-Type: application/json");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, wrapper_env() != NULL ? 120000L : 15000L);
	curl_easy_setopt(curl, CURLOPT_CAINFO, emu->ca_file);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
	}
	cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		fprintf(stderr, "harness: control %s %s failed: %s\n", method, url, curl_easy_strerror(cc));
		rc = -2;
		goto done;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299)
		fprintf(stderr, "harness: control %s %s -> %ld %s\n", method, url, status,
			resp.data != NULL ? resp.data : "");
	if (out != NULL && resp.data != NULL && resp.len > 0) {
		json_error_t jerr;
		*out = json_loadb(resp.data, resp.len, JSON_DECODE_ANY, &jerr);
	}
	rc = (int)status;
done:
	free(resp.data);
	curl_slist_free_all(headers);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	return rc;
}

static int ok_status(int status)
{
	return status >= 200 && status <= 299;
}

json_t *harness_state(const harness_emulator *emu)
{
	json_t *state = NULL;
	int status = harness_control(emu, "GET", "/state", NULL, &state);
	if (!ok_status(status) || !json_is_object(state)) {
		json_decref(state);
		return NULL;
	}
	return state;
}

int harness_state_put(const harness_emulator *emu, json_t *state)
{
	char *text = json_dumps(state, JSON_COMPACT);
	int status;
	if (text == NULL)
		return -1;
	status = harness_control(emu, "PUT", "/state", text, NULL);
	free(text);
	return ok_status(status) ? 0 : -1;
}

json_t *harness_stats(const harness_emulator *emu)
{
	json_t *stats = NULL;
	int status = harness_control(emu, "GET", "/stats", NULL, &stats);
	if (!ok_status(status) || !json_is_object(stats)) {
		json_decref(stats);
		return NULL;
	}
	return stats;
}

long harness_stat(const harness_emulator *emu, const char *field)
{
	json_t *stats = harness_stats(emu);
	json_t *v = json_object_get(stats, field);
	long result = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	json_decref(stats);
	return result;
}

int harness_fault(const harness_emulator *emu, const char *fault_json)
{
	return ok_status(harness_control(emu, "POST", "/faults", fault_json, NULL)) ? 0 : -1;
}

int harness_config(const harness_emulator *emu, const char *config_json)
{
	return ok_status(harness_control(emu, "PUT", "/config", config_json, NULL)) ? 0 : -1;
}

int harness_emulator_advance(const harness_emulator *emu, double seconds)
{
	long long ms = (long long)(seconds * 1000.0 + 0.5);
	char body[64];

	snprintf(body, sizeof body, "{\"advanceSeconds\":%lld.%03lld}", ms / 1000, ms % 1000);
	return ok_status(harness_control(emu, "POST", "/clock", body, NULL)) ? 0 : -1;
}

json_t *harness_requests(const harness_emulator *emu)
{
	json_t *reqs = NULL;
	int status = harness_control(emu, "GET", "/requests", NULL, &reqs);
	if (!ok_status(status) || !json_is_array(reqs)) {
		json_decref(reqs);
		return NULL;
	}
	return reqs;
}

int harness_reset_counters(const harness_emulator *emu)
{
	if (!ok_status(harness_control(emu, "POST", "/stats/reset", NULL, NULL)))
		return -1;
	if (!ok_status(harness_control(emu, "DELETE", "/requests", NULL, NULL)))
		return -1;
	return 0;
}

json_t *harness_state_registration(json_t *state, const char *name)
{
	json_t *regs = json_object_get(state, "registrations");
	size_t i;
	json_t *reg;

	json_array_foreach(regs, i, reg)
	{
		const char *n = json_string_value(json_object_get(reg, "name"));
		if (n != NULL && strcmp(n, name) == 0)
			return reg;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *harness_mappings(const harness_emulator *emu, const char *name)
{
	json_t *state = harness_state(emu);
	json_t *reg;
	json_t *subs;
	json_t *sub;
	const char **ids = NULL;
	char *result = NULL;
	size_t count, i, len = 1;

	reg = harness_state_registration(state, name);
	if (reg == NULL)
		goto done;
	subs = json_object_get(reg, "customerSubscriptions");
	count = json_array_size(subs);
	ids = calloc(count + 1, sizeof *ids);
	if (ids == NULL)
		goto done;
	json_array_foreach(subs, i, sub)
	{
		const char *id = json_string_value(json_object_get(sub, "id"));
		ids[i] = id != NULL ? id : "?";
		len += strlen(ids[i]) + 1;
	}
	qsort(ids, count, sizeof *ids, cmp_str);
	result = calloc(1, len);
	if (result == NULL)
		goto done;
	for (i = 0; i < count; i++) {
		size_t used = strlen(result);
		snprintf(result + used, len - used, "%s%s", i > 0 ? "," : "", ids[i]);
	}
done:
	free(ids);
	json_decref(state);
	return result;
}

long harness_count_requests(const harness_emulator *emu, const char *method, const char *path_part)
{
	json_t *reqs = harness_requests(emu);
	json_t *r;
	size_t i;
	long n = 0;

	if (reqs == NULL)
		return -1;
	json_array_foreach(reqs, i, r)
	{
		const char *m = json_string_value(json_object_get(r, "method"));
		const char *p = json_string_value(json_object_get(r, "path"));
		if (method != NULL && (m == NULL || strcmp(m, method) != 0))
			continue;
		if (path_part != NULL && (p == NULL || strstr(p, path_part) == NULL))
			continue;
		n++;
	}
	json_decref(reqs);
	return n;
}

/* ---- clients ------------------------------------------------------------------- */

int harness_trace_enabled(void)
{
	const char *v = getenv("AZSREG_TEST_LOG");
	return v != NULL && strcasecmp(v, "trace") == 0;
}

/* Library log lines to stderr (the test's output) with a level tag. */
static void harness_stderr_log_cb(int level, const char *message, void *payload)
{
	static const char *const names[] = { "NONE", "ERROR", "WARNING", "INFO", "DEBUG", "TRACE" };
	(void)payload;
	fprintf(stderr, "azsreg[%s] %s\n", level >= 0 && level <= 5 ? names[level] : "?", message);
}

azsreg_client *harness_client_new(const harness_emulator *emu, const harness_client_params *params)
{
	harness_client_params defaults;
	azsreg_environment *env = NULL;
	azsreg_credential *cred = NULL;
	azsreg_client *client = NULL;
	azsreg_client_secret_options sopts = AZSREG_CLIENT_SECRET_OPTIONS_INIT;
	azsreg_client_options copts = AZSREG_CLIENT_OPTIONS_INIT;
	int cred_borrowed = 0;

	if (params == NULL) {
		memset(&defaults, 0, sizeof defaults);
		params = &defaults;
	}
	if (params->environment == NULL &&
	    azsreg_environment_discover_with(&env, "AzsEmulator", emu->base_url, &(azsreg_discovery_options){ .version = AZSREG_DISCOVERY_OPTIONS_VERSION, .ca_file = params->ca_from_env ? NULL : emu->ca_file }) !=
		    AZSREG_OK)
		goto done;
	if (params->credential != NULL) {
		cred = params->credential;
		cred_borrowed = 1;
	} else {
		sopts.tenant_id = HARNESS_TENANT_ID;
		sopts.client_id = HARNESS_CLIENT_ID;
		sopts.client_secret = params->client_secret != NULL ? params->client_secret : HARNESS_CLIENT_SECRET;
		if (azsreg_credential_client_secret_new(&cred, &sopts) != AZSREG_OK)
			goto done;
	}
	copts.environment = params->environment != NULL ? params->environment : env;
	copts.ca_file = params->ca_from_env ? NULL : params->ca_file != NULL ? params->ca_file
									     : emu->ca_file;
	copts.proxy = params->proxy;
	copts.connect_timeout_ms = params->connect_timeout_ms;
	copts.request_timeout_ms = params->request_timeout_ms;
	copts.max_retries = params->max_retries;
	copts.retry_base_delay_ms = params->retry_base_delay_ms > 0 ? params->retry_base_delay_ms : 10;
	copts.retry_max_delay_ms = params->retry_max_delay_ms > 0 ? params->retry_max_delay_ms : 2000;
	copts.deadline_ms = params->deadline_ms;
	copts.log_cb = params->log_cb;
	copts.log_payload = params->log_payload;
	copts.log_level = params->log_level;
	if (copts.log_cb == NULL && harness_trace_enabled()) {
		copts.log_cb = harness_stderr_log_cb;
		copts.log_payload = NULL;
		copts.log_level = AZSREG_LOG_TRACE;
	}
	copts.user_agent = "azsreg-integration-tests";
	if (params->clock != NULL) {
#ifdef AZSREG_STATIC
		if (azsreg_client__new_with(&client, &copts, cred, NULL, params->clock) != AZSREG_OK)
			client = NULL;
#else
		fprintf(stderr, "harness: a client clock needs the static library (INTEG_STATIC_TESTS)\n");
#endif
	} else if (azsreg_client_new(&client, &copts, cred) != AZSREG_OK) {
		client = NULL;
	}
done:
	if (cred_borrowed)
		cred = NULL;
	azsreg_credential_free(cred);
	azsreg_environment_free(env);
	return client;
}

/* Threads sharing one client log through one harness_log at once: one lock for all logs. */
static pthread_mutex_t harness_log_lock = PTHREAD_MUTEX_INITIALIZER;

void harness_log_cb(int level, const char *message, void *payload)
{
	harness_log *log = payload;
	size_t n = strlen(message);
	char prefix[8];
	int p = snprintf(prefix, sizeof prefix, "[%d] ", level);

	if (p < 0)
		return;
	pthread_mutex_lock(&harness_log_lock);
	if (log->len + (size_t)p + n + 2 > log->cap) {
		size_t cap = (log->cap + (size_t)p + n + 2) * 2;
		char *grown = realloc(log->text, cap);
		if (grown == NULL) {
			pthread_mutex_unlock(&harness_log_lock);
			return;
		}
		log->text = grown;
		log->cap = cap;
	}
	memcpy(log->text + log->len, prefix, (size_t)p);
	log->len += (size_t)p;
	memcpy(log->text + log->len, message, n);
	log->len += n;
	log->text[log->len++] = '\n';
	log->text[log->len] = '\0';
	log->lines++;
	if (harness_trace_enabled())
		harness_stderr_log_cb(level, message, NULL);
	pthread_mutex_unlock(&harness_log_lock);
}

void harness_log_free(harness_log *log)
{
	free(log->text);
	memset(log, 0, sizeof *log);
}

int harness_write_unrelated_ca(const char *path)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	X509_NAME *name;
	FILE *f = NULL;
	int rc = -1;

	key = EVP_EC_gen("P-256");
	if (key == NULL)
		goto done;
	cert = X509_new();
	if (cert == NULL)
		goto done;
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"unrelated test CA", -1, -1, 0);
	X509_set_issuer_name(cert, name);
	if (X509_sign(cert, key, EVP_sha256()) == 0)
		goto done;
	f = fopen(path, "wb");
	if (f == NULL)
		goto done;
	if (PEM_write_X509(f, cert) != 1)
		goto done;
	rc = 0;
done:
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

/* ---- raw HTTPS to the emulator ------------------------------------------------------ */

/* harness_https / harness_plain_http: `method` on base + path. */
static int request_at(const harness_emulator *emu, const char *base, const char *method, const char *path,
		      const char *const *headers, const char *body, const char *content_type, harness_http *out)
{
	char url[2048];
	char ct[256];
	CURL *curl = NULL;
	struct curl_slist *hl = NULL;
	body_buf resp = { NULL, 0 };
	body_buf hdrs = { NULL, 0 };
	long status = 0;
	long t0;
	size_t i;
	CURLcode cc;

	memset(out, 0, sizeof *out);
	out->status = -1;
	if (snprintf(url, sizeof url, "%s%s", base, path) >= (int)sizeof url)
		goto done;
	curl = curl_easy_init();
	if (curl == NULL)
		goto done;
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		hl = curl_slist_append(hl, headers[i]);
	if (body != NULL) {
		snprintf(ct, sizeof ct, "Content-Type: %s",
			 content_type != NULL ? content_type : "application/x-www-form-urlencoded");
		hl = curl_slist_append(hl, ct);
	}
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &hdrs);
	curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, wrapper_env() != NULL ? 120000L : 30000L);
	curl_easy_setopt(curl, CURLOPT_CAINFO, emu->ca_file);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (body != NULL) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	t0 = now_ms();
	cc = curl_easy_perform(curl);
	out->elapsed_ms = now_ms() - t0;
	if (cc != CURLE_OK) {
		out->status = -(int)cc;
		goto done;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	out->status = (int)status;
	if (resp.data != NULL && resp.len > 0) {
		json_error_t jerr;
		out->json = json_loadb(resp.data, resp.len, JSON_DECODE_ANY, &jerr);
	}
done:
	out->body = resp.data != NULL ? resp.data : strdup("");
	out->headers = hdrs.data != NULL ? hdrs.data : strdup("");
	curl_slist_free_all(hl);
	if (curl != NULL)
		curl_easy_cleanup(curl);
	return out->status;
}

int harness_https(const harness_emulator *emu, const char *method, const char *path, const char *const *headers,
		  const char *body, const char *content_type, harness_http *out)
{
	return request_at(emu, emu->base_url_noslash, method, path, headers, body, content_type, out);
}

int harness_plain_http(const harness_emulator *emu, const char *method, const char *path, const char *const *headers,
		       harness_http *out)
{
	char base[64];

	snprintf(base, sizeof base, "http://127.0.0.1:%d", emu->http_port);
	return request_at(emu, base, method, path, headers, NULL, NULL, out);
}

const char *harness_http_header(const harness_http *r, const char *name, char *buf, size_t cap)
{
	const char *line = r->headers;
	size_t nlen = strlen(name);
	const char *found = NULL;

	/* the last header block counts (after a 100 Continue or the like) */
	while (line != NULL && *line != '\0') {
		const char *eol = strstr(line, "\r\n");
		size_t llen = eol != NULL ? (size_t)(eol - line) : strlen(line);
		if (llen > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			size_t vlen;
			while (*v == ' ')
				v++;
			vlen = llen - (size_t)(v - line);
			if (vlen >= cap)
				vlen = cap - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			found = buf;
		}
		line = eol != NULL ? eol + 2 : NULL;
	}
	return found;
}

void harness_http_free(harness_http *r)
{
	if (r->body != NULL)
		memset(r->body, 0, strlen(r->body));
	free(r->body);
	free(r->headers);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

char *harness_sample_token(const harness_emulator *emu)
{
	harness_http r;
	char *token = NULL;
	const char *t;

	if (harness_https(emu, "POST", "/" HARNESS_TENANT_ID "/oauth2/v2.0/token", NULL,
			  "grant_type=client_credentials&client_id=" HARNESS_CLIENT_ID
			  "&client_secret=" HARNESS_CLIENT_SECRET
			  "&scope=https%3A%2F%2Fmanagement.emulator.azsreg.local%2F.default",
			  NULL, &r) == 200) {
		t = json_string_value(json_object_get(r.json, "access_token"));
		if (t != NULL)
			token = strdup(t);
	}
	harness_http_free(&r);
	return token;
}

json_t *harness_b64url_json(const char *text, size_t len)
{
	unsigned char *raw = NULL;
	char *b64 = NULL;
	size_t i, padded;
	int n;
	json_t *out = NULL;
	json_error_t jerr;

	if (text == NULL)
		return NULL;
	padded = (len + 3) / 4 * 4;
	b64 = calloc(1, padded + 1);
	raw = calloc(1, padded + 1);
	if (b64 == NULL || raw == NULL)
		goto done;
	for (i = 0; i < len; i++) {
		char c = text[i];
		b64[i] = c == '-' ? '+' : c == '_' ? '/'
						   : c;
	}
	for (; i < padded; i++)
		b64[i] = '=';
	n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)padded);
	if (n < 0)
		goto done;
	while (n > 0 && raw[n - 1] == '\0')
		n--; /* EVP_DecodeBlock counts the padding as zero bytes */
	out = json_loadb((const char *)raw, (size_t)n, 0, &jerr);
done:
	free(b64);
	free(raw);
	return out;
}

json_t *harness_jwt_claims(const char *jwt)
{
	const char *p1, *p2;

	if (jwt == NULL)
		return NULL;
	p1 = strchr(jwt, '.');
	p2 = p1 != NULL ? strchr(p1 + 1, '.') : NULL;
	if (p2 == NULL)
		return NULL;
	return harness_b64url_json(p1 + 1, (size_t)(p2 - p1 - 1));
}
