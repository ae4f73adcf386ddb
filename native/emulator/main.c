/* azsreg-emulator: a local HTTPS stand-in for Azure Resource Manager and Azure AD.
 * Contract: native/docs/design.md, "Emulator contract". */
#include "emu.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: azsreg-emulator [--port N] [--http-port N] [--seed FILE] [--ca-out FILE]\n"
		"                       [--ready-file FILE] [--tls-dir DIR] [--page-size N]\n"
		"                       [--token-lifetime SECONDS] [--signing-key FILE] [--adfs] [--quiet]\n"
		"                       [--exit-with-parent]\n"
		"  --signing-key FILE  keep the RSA key that signs tokens in FILE (created when missing);\n"
		"                      default: $AZSREG_EMULATOR_SIGNING_KEY, else a new key at every start\n");
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end = NULL;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !end || *end || end == s || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc = 0;
	if (!f)
		return -1;
	if (fputs(text, f) < 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int write_ready(const char *path, const char *ca_abs)
{
	char tmp[PATH_MAX + 16];
	char base[80];
	json_t *j;
	char *s;
	int rc = -1;
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	snprintf(base, sizeof base, "%s/", g_emu.base);
	j = json_pack("{s:i,s:i,s:i,s:s,s:s*}", "port", g_emu.port, "httpPort", g_emu.http_port, "pid", (int)getpid(),
		      "baseUrl", base, "caFile", ca_abs);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (s && write_text(tmp, s) == 0 && rename(tmp, path) == 0)
		rc = 0;
	free(s);
	json_decref(j);
	return rc;
}

int main(int argc, char **argv)
{
	long port = 0, http_port = -1, page_size = 0, token_life = 0;
	const char *seed = NULL, *ca_out = NULL, *ready = NULL, *tls_dir = NULL, *signing_key = NULL;
	char *key_pem = NULL, *cert_pem = NULL, *ca_pem = NULL;
	char ca_abs[PATH_MAX];
	bool have_ca_abs = false;
	struct MHD_Daemon *d_https = NULL, *d_http = NULL;
	sigset_t set;
	int sig = 0, rc = 1;
	json_error_t jerr = { 0 };
	char err[256];

	bool exit_with_parent = false;
	pid_t parent = getppid();

	memset(&g_emu, 0, sizeof g_emu);
	pthread_mutex_init(&g_emu.mu, NULL);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = strcmp(a, "--port") == 0 || strcmp(a, "--http-port") == 0 || strcmp(a, "--seed") == 0 ||
			     strcmp(a, "--ca-out") == 0 || strcmp(a, "--ready-file") == 0 || strcmp(a, "--tls-dir") == 0 ||
			     strcmp(a, "--page-size") == 0 || strcmp(a, "--token-lifetime") == 0 ||
			     strcmp(a, "--signing-key") == 0;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(a, "--adfs") == 0) {
			g_emu.adfs = true;
			continue;
		}
		if (strcmp(a, "--quiet") == 0) {
			g_emu.quiet = true;
			continue;
		}
		if (strcmp(a, "--exit-with-parent") == 0) {
			exit_with_parent = true;
			continue;
		}
		if (!takes) {
			fprintf(stderr, "azsreg-emulator: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (!v) {
			fprintf(stderr, "azsreg-emulator: option '%s' needs a value\n", a);
			return 2;
		}
		i++;
		if ((strcmp(a, "--port") == 0 && parse_int(v, 0, 65535, &port)) ||
		    (strcmp(a, "--http-port") == 0 && parse_int(v, 0, 65535, &http_port)) ||
		    (strcmp(a, "--page-size") == 0 && parse_int(v, 1, 100000, &page_size)) ||
		    (strcmp(a, "--token-lifetime") == 0 && parse_int(v, 1, 100000000, &token_life))) {
			fprintf(stderr, "azsreg-emulator: invalid value '%s' for %s\n", v, a);
			return 2;
		}
		if (strcmp(a, "--seed") == 0)
			seed = v;
		else if (strcmp(a, "--ca-out") == 0)
			ca_out = v;
		else if (strcmp(a, "--ready-file") == 0)
			ready = v;
		else if (strcmp(a, "--tls-dir") == 0)
			tls_dir = v;
		else if (strcmp(a, "--signing-key") == 0)
			signing_key = v;
	}

	if (!signing_key)
		signing_key = getenv("AZSREG_EMULATOR_SIGNING_KEY");
	if (emu_signing_key_init(signing_key) != 0) {
		fprintf(stderr, "azsreg-emulator: cannot create the token signing key\n");
		goto done;
	}
	g_emu.state = seed ? json_load_file(seed, 0, &jerr) : emu_sample_state();
	if (!g_emu.state) {
		fprintf(stderr, "azsreg-emulator: cannot read the seed %s: %s (line %d)\n", seed ? seed : "(sample)", jerr.text,
			jerr.line);
		rc = 2;
		goto done;
	}
	if (!emu_state_validate(g_emu.state, err, sizeof err)) {
		fprintf(stderr, "azsreg-emulator: invalid seed %s: %s\n", seed ? seed : "(sample)", err);
		rc = 2;
		goto done;
	}
	g_emu.seed = json_deep_copy(g_emu.state);
	g_emu.config = emu_default_config();
	if (page_size > 0)
		json_object_set_new(g_emu.config, "pageSize", json_integer(page_size));
	if (token_life > 0)
		json_object_set_new(g_emu.config, "tokenLifetimeSeconds", json_integer(token_life));
	g_emu.config_default = json_deep_copy(g_emu.config);
	g_emu.stats = emu_new_stats();
	g_emu.log = json_array();
	g_emu.faults = json_array();
	g_emu.ops = json_object();
	g_emu.devicecodes = json_object();
	g_emu.refresh = json_object();
	g_emu.jtis = json_object();

	if (emu_tls_make(tls_dir, &key_pem, &cert_pem, &ca_pem) != 0) {
		fprintf(stderr, "azsreg-emulator: cannot create the TLS certificates\n");
		goto done;
	}
	if (ca_out) {
		if (write_text(ca_out, ca_pem) != 0) {
			fprintf(stderr, "azsreg-emulator: cannot write the CA certificate to %s\n", ca_out);
			goto done;
		}
		have_ca_abs = realpath(ca_out, ca_abs) != NULL;
	}

	/* Signals are handled by sigwait in this thread; daemon threads inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* A test harness whose process dies (a crash, a timeout kill) must not leave its
     * emulator running: SIGTERM arrives when the parent goes, and stops it cleanly. */
	if (exit_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) {
			fprintf(stderr, "azsreg-emulator: the parent process is gone, stopping\n");
			goto done;
		}
	}

	d_https = emu_start_daemon(true, (int)port, key_pem, cert_pem, &g_emu.port);
	if (!d_https) {
		fprintf(stderr, "azsreg-emulator: cannot listen on 127.0.0.1:%ld (HTTPS)\n", port);
		goto done;
	}
	snprintf(g_emu.base, sizeof g_emu.base, "https://127.0.0.1:%d", g_emu.port);
	if (http_port >= 0) {
		d_http = emu_start_daemon(false, (int)http_port, NULL, NULL, &g_emu.http_port);
		if (!d_http) {
			fprintf(stderr, "azsreg-emulator: cannot listen on 127.0.0.1:%ld (HTTP)\n", http_port);
			goto done;
		}
	}
	if (ready && write_ready(ready, have_ca_abs ? ca_abs : NULL) != 0) {
		fprintf(stderr, "azsreg-emulator: cannot write the ready file %s\n", ready);
		goto done;
	}
	printf("azsreg-emulator listening on %s/\n", g_emu.base);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0) {
	}
	if (!g_emu.quiet)
		fprintf(stderr, "azsreg-emulator: signal %d, stopping\n", sig);
	rc = 0;
done:
	if (d_http)
		MHD_stop_daemon(d_http);
	if (d_https)
		MHD_stop_daemon(d_https);
	free(ca_pem);
	free(cert_pem);
	emu_wipe_free(key_pem);
	emu_arm_index_free();
	json_decref(g_emu.state);
	json_decref(g_emu.seed);
	json_decref(g_emu.config);
	json_decref(g_emu.config_default);
	json_decref(g_emu.stats);
	json_decref(g_emu.log);
	json_decref(g_emu.faults);
	json_decref(g_emu.ops);
	json_decref(g_emu.devicecodes);
	json_decref(g_emu.refresh);
	json_decref(g_emu.jtis);
	emu_throttle_reset();
	emu_signing_key_free();
	pthread_mutex_destroy(&g_emu.mu);
	return rc;
}
