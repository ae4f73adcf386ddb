/*
 * A loopback HTTP CONNECT proxy for the tests (and two helper servers).
 *
 * test_proxy: a thread listening on 127.0.0.1:<free port>. It accepts only
 * `CONNECT 127.0.0.1:<port> HTTP/1.x` (any other destination or method: 403, nothing
 * forwarded) and then tunnels bytes both ways. It never connects anywhere but 127.0.0.1.
 * With a user (and password) it requires `Proxy-Authorization: Basic <user:password>`
 * and answers 407 + `Proxy-Authenticate: Basic` otherwise. Counters say what it saw.
 *
 * test_silent_server: accepts TCP connections on 127.0.0.1 and never answers (reads and
 * discards): a TLS handshake against it hangs until the client's timeout.
 */
#ifndef AZSREG_TEST_PROXY_H
#define AZSREG_TEST_PROXY_H

#include <stddef.h>

typedef struct test_proxy test_proxy;

typedef struct test_proxy_counts {
	long connections; /* TCP connections accepted */
	long connects; /* CONNECT requests read (accepted or not) */
	long tunnels; /* tunnels established (200 answered) */
	long rejected_auth; /* 407 answers */
	long refused; /* 403 answers (not CONNECT, or not to 127.0.0.1) */
	long auth_headers; /* requests that carried a Proxy-Authorization header */
} test_proxy_counts;

/**
 * Starts a proxy. `user` NULL: no authentication; else `user`/`password` are required.
 * Returns NULL on failure (message on stderr).
 */
test_proxy *test_proxy_start(const char *user, const char *password);
int test_proxy_port(const test_proxy *p);
/** "http://127.0.0.1:<port>" */
const char *test_proxy_url(const test_proxy *p);
test_proxy_counts test_proxy_get_counts(test_proxy *p);
/** The last CONNECT target ("127.0.0.1:443"), "" when none; copied into buf. */
const char *test_proxy_last_target(test_proxy *p, char *buf, size_t cap);
/** How many CONNECT requests named `target` ("127.0.0.1:443"). */
long test_proxy_target_count(test_proxy *p, const char *target);
/** Stops the listener and every tunnel, joins all threads, frees. NULL is a no-op. */
void test_proxy_stop(test_proxy *p);

typedef struct test_silent_server test_silent_server;
test_silent_server *test_silent_server_start(void);
int test_silent_server_port(const test_silent_server *s);
long test_silent_server_connections(test_silent_server *s);
void test_silent_server_stop(test_silent_server *s);

#endif
