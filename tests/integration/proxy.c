/*
 * Loopback CONNECT proxy and silent server for the tests (see proxy.h).
 */
#include "proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define PROXY_MAX_HEADER 16384

/* ---- common: a listener thread and a list of per-connection threads ----------------- */

typedef struct server server;
typedef void (*conn_fn)(server *s, int fd);

struct server {
	int listen_fd;
	int port;
	int stop_pipe[2]; /* the read end becomes readable at stop: wakes every poll */
	pthread_t listener;
	int listener_started;
	pthread_mutex_t mu;
	pthread_t *threads;
	size_t nthreads, cap;
	conn_fn on_conn;
	void *owner;
	long connections;
};

typedef struct conn_arg {
	server *s;
	int fd;
} conn_arg;

static void *conn_main(void *arg)
{
	conn_arg a = *(conn_arg *)arg;
	free(arg);
	a.s->on_conn(a.s, a.fd);
	close(a.fd);
	return NULL;
}

static void *listener_main(void *arg)
{
	server *s = arg;
	for (;;) {
		struct pollfd pf[2] = { { s->listen_fd, POLLIN, 0 }, { s->stop_pipe[0], POLLIN, 0 } };
		int fd;
		conn_arg *ca;
		pthread_t t;
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents != 0)
			break;
		if ((pf[0].revents & POLLIN) == 0)
			continue;
		fd = accept(s->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		ca = malloc(sizeof *ca);
		if (ca == NULL) {
			close(fd);
			continue;
		}
		ca->s = s;
		ca->fd = fd;
		pthread_mutex_lock(&s->mu);
		s->connections++;
		if (s->nthreads == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			pthread_t *grown = realloc(s->threads, cap * sizeof *grown);
			if (grown == NULL) {
				pthread_mutex_unlock(&s->mu);
				free(ca);
				close(fd);
				continue;
			}
			s->threads = grown;
			s->cap = cap;
		}
		if (pthread_create(&t, NULL, conn_main, ca) != 0) {
			pthread_mutex_unlock(&s->mu);
			free(ca);
			close(fd);
			continue;
		}
		s->threads[s->nthreads++] = t;
		pthread_mutex_unlock(&s->mu);
	}
	return NULL;
}

static int server_start(server *s, conn_fn fn, void *owner)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int one = 1;

	memset(s, 0, sizeof *s);
	s->listen_fd = -1;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	s->on_conn = fn;
	s->owner = owner;
	pthread_mutex_init(&s->mu, NULL);
	if (pipe2(s->stop_pipe, O_CLOEXEC) != 0)
		return -1;
	s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -1;
	setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s->listen_fd, 64) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	s->port = ntohs(sa.sin_port);
	if (pthread_create(&s->listener, NULL, listener_main, s) != 0)
		return -1;
	s->listener_started = 1;
	return 0;
}

static void server_stop(server *s)
{
	size_t i;
	if (s->stop_pipe[1] >= 0) {
		ssize_t w = write(s->stop_pipe[1], "x", 1);
		(void)w;
	}
	if (s->listener_started)
		pthread_join(s->listener, NULL);
	/* no new threads now: the listener is gone */
	for (i = 0; i < s->nthreads; i++)
		pthread_join(s->threads[i], NULL);
	free(s->threads);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->stop_pipe[0] >= 0)
		close(s->stop_pipe[0]);
	if (s->stop_pipe[1] >= 0)
		close(s->stop_pipe[1]);
	pthread_mutex_destroy(&s->mu);
}

/* Waits until fd is readable or the server stops; 1 readable, 0 stop, -1 error. */
static int wait_readable(server *s, int fd)
{
	for (;;) {
		struct pollfd pf[2] = { { fd, POLLIN, 0 }, { s->stop_pipe[0], POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pf[1].revents != 0)
			return 0;
		if (pf[0].revents != 0)
			return 1;
	}
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the proxy ------------------------------------------------------------------------- */

struct test_proxy {
	server srv;
	char url[64];
	char *expected_auth; /* "Basic <base64>" or NULL */
	test_proxy_counts counts;
	char last_target[128];
	char targets[64][128]; /* the first 64 CONNECT targets */
	size_t ntargets;
};

static void bump(test_proxy *p, long *field)
{
	pthread_mutex_lock(&p->srv.mu);
	(*field)++;
	pthread_mutex_unlock(&p->srv.mu);
}

static void answer(int fd, const char *status_line, const char *extra)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "HTTP/1.1 %s\r\n%sContent-Length: 0\r\nConnection: close\r\n\r\n", status_line,
			 extra != NULL ? extra : "");
	if (n > 0 && (size_t)n < sizeof buf)
		(void)write_all(fd, buf, (size_t)n);
}

/* The value of header `name` in the request head (NUL-terminated) into buf; NULL if absent. */
static const char *head_header(const char *head, const char *name, char *buf, size_t cap)
{
	const char *line = strstr(head, "\r\n");
	size_t nlen = strlen(name);
	while (line != NULL) {
		const char *eol;
		line += 2;
		eol = strstr(line, "\r\n");
		if (eol == NULL || eol == line)
			break;
		if ((size_t)(eol - line) > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			size_t vlen;
			while (*v == ' ' || *v == '\t')
				v++;
			vlen = (size_t)(eol - v);
			if (vlen >= cap)
				vlen = cap - 1;
			memcpy(buf, v, vlen);
			buf[vlen] = '\0';
			return buf;
		}
		line = eol;
	}
	return NULL;
}

static void tunnel(server *s, int a, int b)
{
	char buf[16384];
	for (;;) {
		struct pollfd pf[3] = { { a, POLLIN, 0 }, { b, POLLIN, 0 }, { s->stop_pipe[0], POLLIN, 0 } };
		int i;
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pf[2].revents != 0)
			return;
		for (i = 0; i < 2; i++) {
			if (pf[i].revents != 0) {
				ssize_t n = recv(pf[i].fd, buf, sizeof buf, 0);
				if (n <= 0)
					return;
				if (write_all(pf[1 - i].fd, buf, (size_t)n) != 0)
					return;
			}
		}
	}
}

static void proxy_conn(server *s, int fd)
{
	test_proxy *p = s->owner;
	char head[PROXY_MAX_HEADER + 1];
	char auth[1024];
	char target[128];
	size_t len = 0;
	char *end = NULL;
	char *sp1, *sp2, *colon, *endp;
	long port;
	int up = -1;
	struct sockaddr_in sa;

	/* read the request head */
	while (end == NULL) {
		ssize_t n;
		if (len >= PROXY_MAX_HEADER || wait_readable(s, fd) != 1)
			goto done;
		n = recv(fd, head + len, PROXY_MAX_HEADER - len, 0);
		if (n <= 0)
			goto done;
		len += (size_t)n;
		head[len] = '\0';
		end = strstr(head, "\r\n\r\n");
	}
	if (head_header(head, "Proxy-Authorization", auth, sizeof auth) != NULL)
		bump(p, &p->counts.auth_headers);
	OPENSSL_cleanse(auth, sizeof auth);
	if (strncmp(head, "CONNECT ", 8) != 0) {
		bump(p, &p->counts.refused);
		answer(fd, "403 Forbidden", NULL);
		goto done;
	}
	bump(p, &p->counts.connects);
	sp1 = head + 8;
	sp2 = strchr(sp1, ' ');
	if (sp2 == NULL || (size_t)(sp2 - sp1) >= sizeof target) {
		bump(p, &p->counts.refused);
		answer(fd, "400 Bad Request", NULL);
		goto done;
	}
	memcpy(target, sp1, (size_t)(sp2 - sp1));
	target[sp2 - sp1] = '\0';
	pthread_mutex_lock(&s->mu);
	snprintf(p->last_target, sizeof p->last_target, "%s", target);
	if (p->ntargets < 64)
		snprintf(p->targets[p->ntargets++], sizeof p->targets[0], "%s", target);
	pthread_mutex_unlock(&s->mu);
	if (p->expected_auth != NULL) {
		const char *got = head_header(head, "Proxy-Authorization", auth, sizeof auth);
		int ok = got != NULL && strcmp(got, p->expected_auth) == 0;
		OPENSSL_cleanse(auth, sizeof auth);
		if (!ok) {
			bump(p, &p->counts.rejected_auth);
			answer(fd, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"azsreg-test\"\r\n");
			goto done;
		}
	}
	/* only 127.0.0.1:<port>: nothing else is ever connected to */
	colon = strrchr(target, ':');
	if (colon == NULL || (size_t)(colon - target) != 9 || strncmp(target, "127.0.0.1", 9) != 0) {
		bump(p, &p->counts.refused);
		answer(fd, "403 Forbidden", NULL);
		goto done;
	}
	errno = 0;
	port = strtol(colon + 1, &endp, 10);
	if (errno != 0 || *endp != '\0' || port < 1 || port > 65535) {
		bump(p, &p->counts.refused);
		answer(fd, "403 Forbidden", NULL);
		goto done;
	}
	up = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	if (up < 0 || connect(up, (struct sockaddr *)&sa, sizeof sa) != 0) {
		answer(fd, "502 Bad Gateway", NULL);
		goto done;
	}
	bump(p, &p->counts.tunnels);
	if (write_all(fd, "HTTP/1.1 200 Connection established\r\n\r\n", 39) != 0)
		goto done;
	/* bytes the client sent after the head go upstream first */
	end += 4;
	if ((size_t)(end - head) < len && write_all(up, end, len - (size_t)(end - head)) != 0)
		goto done;
	tunnel(s, fd, up);
done:
	OPENSSL_cleanse(head, sizeof head);
	if (up >= 0)
		close(up);
}

test_proxy *test_proxy_start(const char *user, const char *password)
{
	test_proxy *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	if (user != NULL) {
		size_t ulen = strlen(user), plen = password != NULL ? strlen(password) : 0;
		size_t raw_len = ulen + 1 + plen;
		char *raw = malloc(raw_len + 1);
		p->expected_auth = calloc(1, 6 + (raw_len + 2) / 3 * 4 + 1);
		if (raw == NULL || p->expected_auth == NULL) {
			free(raw);
			free(p->expected_auth);
			free(p);
			return NULL;
		}
		snprintf(raw, raw_len + 1, "%s:%s", user, password != NULL ? password : "");
		memcpy(p->expected_auth, "Basic ", 6);
		EVP_EncodeBlock((unsigned char *)p->expected_auth + 6, (const unsigned char *)raw, (int)raw_len);
		OPENSSL_cleanse(raw, raw_len);
		free(raw);
	}
	if (server_start(&p->srv, proxy_conn, p) != 0) {
		fprintf(stderr, "test proxy: cannot start: %s\n", strerror(errno));
		test_proxy_stop(p);
		return NULL;
	}
	snprintf(p->url, sizeof p->url, "http://127.0.0.1:%d", p->srv.port);
	return p;
}

int test_proxy_port(const test_proxy *p)
{
	return p->srv.port;
}

const char *test_proxy_url(const test_proxy *p)
{
	return p->url;
}

test_proxy_counts test_proxy_get_counts(test_proxy *p)
{
	test_proxy_counts c;
	pthread_mutex_lock(&p->srv.mu);
	c = p->counts;
	c.connections = p->srv.connections;
	pthread_mutex_unlock(&p->srv.mu);
	return c;
}

const char *test_proxy_last_target(test_proxy *p, char *buf, size_t cap)
{
	pthread_mutex_lock(&p->srv.mu);
	snprintf(buf, cap, "%s", p->last_target);
	pthread_mutex_unlock(&p->srv.mu);
	return buf;
}

long test_proxy_target_count(test_proxy *p, const char *target)
{
	long n = 0;
	size_t i;
	pthread_mutex_lock(&p->srv.mu);
	for (i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i], target) == 0)
			n++;
	pthread_mutex_unlock(&p->srv.mu);
	return n;
}

void test_proxy_stop(test_proxy *p)
{
	if (p == NULL)
		return;
	server_stop(&p->srv);
	if (p->expected_auth != NULL) {
		OPENSSL_cleanse(p->expected_auth, strlen(p->expected_auth));
		free(p->expected_auth);
	}
	free(p);
}

/* ---- the silent server ------------------------------------------------------------------ */

struct test_silent_server {
	server srv;
};

static void silent_conn(server *s, int fd)
{
	char buf[4096];
	/* read and discard until the peer goes away or the server stops; never answer */
	while (wait_readable(s, fd) == 1) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			break;
	}
}

test_silent_server *test_silent_server_start(void)
{
	test_silent_server *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	if (server_start(&s->srv, silent_conn, s) != 0) {
		fprintf(stderr, "silent server: cannot start: %s\n", strerror(errno));
		test_silent_server_stop(s);
		return NULL;
	}
	return s;
}

int test_silent_server_port(const test_silent_server *s)
{
	return s->srv.port;
}

long test_silent_server_connections(test_silent_server *s)
{
	long n;
	pthread_mutex_lock(&s->srv.mu);
	n = s->srv.connections;
	pthread_mutex_unlock(&s->srv.mu);
	return n;
}

void test_silent_server_stop(test_silent_server *s)
{
	if (s == NULL)
		return;
	server_stop(&s->srv);
	free(s);
}
