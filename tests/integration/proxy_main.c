/*
 * integ-proxy: the test CONNECT proxy of proxy.c as a program, for the shell tests.
 *   integ-proxy --ready-file F [--counts-file C] [--user U --password P]
 * Writes {"port":N} to F (atomically) when listening; on SIGTERM/SIGINT writes its
 * counts as JSON to C and exits 0. Listens on 127.0.0.1 only and tunnels only to
 * 127.0.0.1.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proxy.h"

static int write_atomic(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;
	int rc = -1;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	if (fputs(text, f) >= 0)
		rc = 0;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	return rc;
}

int main(int argc, char **argv)
{
	const char *ready = NULL, *counts_file = NULL, *user = NULL, *password = NULL;
	test_proxy *p = NULL;
	sigset_t set;
	int sig = 0, i, rc = 1;
	char text[512];

	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--ready-file") == 0)
			ready = argv[i + 1];
		else if (strcmp(argv[i], "--counts-file") == 0)
			counts_file = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else if (strcmp(argv[i], "--password") == 0)
			password = argv[i + 1];
		else
			break;
	}
	if (i != argc || ready == NULL) {
		fprintf(stderr, "usage: %s --ready-file F [--counts-file C] [--user U --password P]\n", argv[0]);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* the proxy's threads inherit the mask */
	p = test_proxy_start(user, password);
	if (p == NULL)
		goto done;
	snprintf(text, sizeof text, "{\"port\":%d}\n", test_proxy_port(p));
	if (write_atomic(ready, text) != 0)
		goto done;
	sigwait(&set, &sig);
	if (counts_file != NULL) {
		test_proxy_counts c = test_proxy_get_counts(p);
		snprintf(text, sizeof text,
			 "{\"connections\":%ld,\"connects\":%ld,\"tunnels\":%ld,\"rejectedAuth\":%ld,\"refused\":%ld,"
			 "\"authHeaders\":%ld}\n",
			 c.connections, c.connects, c.tunnels, c.rejected_auth, c.refused, c.auth_headers);
		if (write_atomic(counts_file, text) != 0)
			goto done;
	}
	rc = 0;
done:
	test_proxy_stop(p);
	return rc;
}
