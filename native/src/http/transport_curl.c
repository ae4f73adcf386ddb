/*
 * transport_curl.c: the one libcurl user.
 *
 * - A pool of easy handles (mutex-protected free list) so that handles, and with them
 *   their connections, are reused; plus one CURLSH shared by all handles of this
 *   transport (connection cache, TLS sessions, DNS), guarded by pthread mutexes. One
 *   client therefore opens only a few connections, even from several threads.
 * - TLS is always verified (peer and host name), TLS 1.2 at least. CA bundle: the
 *   ca_file option, else $SSL_CERT_FILE, else $CURL_CA_BUNDLE, else libcurl's default
 *   (the system store).
 * - Proxy: the proxy option when given; otherwise libcurl's own environment handling:
 *   https_proxy / HTTPS_PROXY for https:// URLs, http_proxy for http:// URLs (libcurl
 *   ignores upper-case HTTP_PROXY on purpose), all_proxy / ALL_PROXY, and no_proxy /
 *   NO_PROXY (comma-separated hosts or domain suffixes, "*" for all). Proxy credentials
 *   go in the proxy URL (http://user:password@proxy:3128). A request marked no_proxy
 *   (IMDS) never uses a proxy.
 * - http:// is refused unless the host is a loopback address (or the link-local IMDS
 *   address for requests that allow it), before anything is sent.
 * - Never enables CURLOPT_VERBOSE; never logs.
 */
#include "internal.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RESPONSE_BODY_LIMIT ((size_t)32 * 1024 * 1024)
#define POOL_KEEP 64

typedef struct curl_transport {
	azsreg_transport base;
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
	pthread_mutex_t pool_lock;
	CURL *pool[POOL_KEEP];
	size_t pool_count;
	char *ca_file;
	char *proxy;
	char *user_agent;
	long connect_timeout_ms;
	long max_connections; /* idle connections the shared cache keeps */
	unsigned long connections; /* atomic */
} curl_transport;

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr)
{
	curl_transport *t = userptr;

	(void)handle;
	(void)access;
	if ((int)data >= 0 && (int)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&t->share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userptr)
{
	curl_transport *t = userptr;

	(void)handle;
	if ((int)data >= 0 && (int)data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&t->share_locks[data]);
}

static CURL *pool_take(curl_transport *t)
{
	CURL *h = NULL;

	pthread_mutex_lock(&t->pool_lock);
	if (t->pool_count > 0)
		h = t->pool[--t->pool_count];
	pthread_mutex_unlock(&t->pool_lock);
	if (h == NULL)
		h = curl_easy_init();
	return h;
}

static void pool_give(curl_transport *t, CURL *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&t->pool_lock);
	if (t->pool_count < POOL_KEEP) {
		t->pool[t->pool_count++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&t->pool_lock);
	if (h != NULL)
		curl_easy_cleanup(h);
}

typedef struct recv_state {
	azsreg_http_response *resp;
	int header_failed;
	int body_too_large;
} recv_state;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
	recv_state *st = userdata;
	size_t n = size * nmemb;

	if (n == 0)
		return 0;
	if (azsreg_buf__put(&st->resp->body, data, n) != 0) {
		st->body_too_large = 1;
		return 0; /* CURLE_WRITE_ERROR */
	}
	return n;
}

static size_t on_header(char *data, size_t size, size_t nitems, void *userdata)
{
	recv_state *st = userdata;
	size_t n = size * nitems, len = n, nlen;
	const char *colon, *v, *vend;
	char *name = NULL, *value = NULL;

	while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
		len--;
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue, or a redirect): start over. */
		azsreg_headers__free(&st->resp->headers);
		return n;
	}
	if (len == 0)
		return n;
	colon = memchr(data, ':', len);
	if (colon == NULL || colon == data)
		return n; /* folded or malformed line: ignore */
	nlen = (size_t)(colon - data);
	v = colon + 1;
	vend = data + len;
	while (v < vend && (*v == ' ' || *v == '\t'))
		v++;
	while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
		vend--;
	name = azsreg__strndup(data, nlen);
	value = azsreg__strndup(v, (size_t)(vend - v));
	if (name == NULL || value == NULL || azsreg_headers__add(&st->resp->headers, name, value) != 0)
		st->header_failed = 1; /* keep going: a bad header must not lose the response */
	free(name);
	if (value != NULL)
		azsreg__free_secret(value);
	return n;
}

/* "https://host:port/path" without query or fragment, for messages. */
static void url_for_message(char *out, size_t cap, const char *url)
{
	size_t n = strcspn(url, "?#");

	if (n >= cap)
		n = cap - 1;
	memcpy(out, url, n);
	out[n] = '\0';
}

static void url_host(char *out, size_t cap, const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;

	out[0] = '\0';
	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port != NULL)
			snprintf(out, cap, "%s:%s", host, port);
		else
			snprintf(out, cap, "%s", host);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

static const char *env_nonempty(const char *name)
{
	const char *v = azsreg_plat__getenv(name);

	return (v != NULL && v[0] != '\0') ? v : NULL;
}

/* Does a no_proxy list ("a.example,.b.example,127.0.0.1", "*") cover `host` (no port)? */
static int no_proxy_matches(const char *list, const char *host)
{
	size_t hn = strlen(host);
	const char *p = list;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		const char *e = p;
		size_t en = n;

		while (en > 0 && (*e == ' ' || *e == '\t')) {
			e++;
			en--;
		}
		while (en > 0 && (e[en - 1] == ' ' || e[en - 1] == '\t'))
			en--;
		if (en == 1 && e[0] == '*')
			return 1;
		if (en > 0 && e[0] == '.') {
			e++;
			en--;
		}
		if (en > 0 && memchr(e, ':', en) != NULL && e[0] != '[')
			en = (size_t)((const char *)memchr(e, ':', en) - e); /* host:port: compare the host */
		if (en > 0 && hn >= en && strncasecmp(host + hn - en, e, en) == 0 &&
		    (hn == en || host[hn - en - 1] == '.'))
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/*
 * The proxy this request goes through, as "host:port" without credentials, into out ("" for
 * none): the proxy option, else the variables libcurl reads (https_proxy / HTTPS_PROXY for
 * https, http_proxy for http, then all_proxy / ALL_PROXY), unless no_proxy / NO_PROXY covers
 * the host. For messages only: libcurl makes the real decision the same way.
 */
static void proxy_in_use(char *out, size_t cap, const curl_transport *t, const azsreg_http_request *req)
{
	const char *proxy = NULL, *np;
	char host[300];
	CURLU *u;
	char *phost = NULL, *pport = NULL;
	size_t i;

	out[0] = '\0';
	if (req->no_proxy)
		return;
	if (t->proxy != NULL) {
		proxy = t->proxy;
	} else {
		if (strncasecmp(req->url, "https://", 8) == 0) {
			proxy = env_nonempty("https_proxy");
			if (proxy == NULL)
				proxy = env_nonempty("HTTPS_PROXY");
		} else {
			proxy = env_nonempty("http_proxy");
		}
		if (proxy == NULL)
			proxy = env_nonempty("all_proxy");
		if (proxy == NULL)
			proxy = env_nonempty("ALL_PROXY");
	}
	if (proxy == NULL)
		return;
	np = env_nonempty("no_proxy");
	if (np == NULL)
		np = env_nonempty("NO_PROXY");
	url_host(host, sizeof(host), req->url);
	for (i = 0; host[i] != '\0' && host[i] != ':'; i++)
		;
	if (host[0] != '[')
		host[i] = '\0';
	if (np != NULL && no_proxy_matches(np, host))
		return;
	u = curl_url();
	if (u != NULL && curl_url_set(u, CURLUPART_URL, proxy, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &phost, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &pport, CURLU_DEFAULT_PORT) == CURLUE_OK && pport != NULL)
			snprintf(out, cap, "%s:%s", phost, pport);
		else
			snprintf(out, cap, "%s", phost);
	} else {
		snprintf(out, cap, "%s", "(the configured proxy)");
	}
	curl_free(phost);
	curl_free(pport);
	curl_url_cleanup(u);
}

static int map_error(CURLcode cc, CURL *h, const curl_transport *t, const azsreg_http_request *req, azsreg_http_response *resp,
		     const recv_state *st, const char *errbuf, long timeout_ms)
{
	char url[512], host[300], proxy[300];
	const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(cc);
	long connect_code = 0;

	url_for_message(url, sizeof(url), req->url);
	url_host(host, sizeof(host), req->url);
	proxy_in_use(proxy, sizeof(proxy), t, req);
	(void)curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &connect_code);

	switch (cc) {
	case CURLE_OUT_OF_MEMORY:
		return azsreg_error__set(AZSREG_ENOMEM, "%s %s: out of memory", req->method, url);
	case CURLE_WRITE_ERROR:
		if (st->body_too_large)
			return azsreg_error__set(AZSREG_ENOMEM, "%s %s: the response body is larger than %zu bytes",
						 req->method, url, RESPONSE_BODY_LIMIT);
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: receiving the response failed: %s", req->method, url, detail);
	case CURLE_OPERATION_TIMEDOUT:
		return azsreg_error__set(AZSREG_ETIMEOUT, "%s %s: no complete answer from %s within %ld ms (%s)",
					 req->method, url, host, timeout_ms, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
#if CURLE_SSL_CACERT != CURLE_PEER_FAILED_VERIFICATION
	case CURLE_SSL_CACERT:
#endif
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return azsreg_error__set(AZSREG_ETLS,
					 "%s %s: the TLS certificate of %s is not trusted (%s); if it is signed by a private CA, "
					 "give the client that CA bundle (its ca_file option, or SSL_CERT_FILE)",
					 req->method, url, host, detail);
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
		return azsreg_error__set(AZSREG_ETLS, "%s %s: cannot use the CA bundle for %s (%s); check the client's ca_file option, SSL_CERT_FILE and CURL_CA_BUNDLE",
					 req->method, url, host, detail);
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CLIENTCERT:
		return azsreg_error__set(AZSREG_ETLS, "%s %s: the TLS handshake with %s failed (%s)", req->method, url, host, detail);
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return azsreg_error__set(AZSREG_EINVALID, "%s %s: invalid URL (%s)", req->method, url, detail);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: cannot resolve the proxy host (%s); check the client's proxy option and HTTPS_PROXY",
					 req->method, url, detail);
	case CURLE_COULDNT_RESOLVE_HOST:
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: cannot resolve host %s (%s)", req->method, url, host, detail);
	default:
		break;
	}
	if (connect_code == 407) {
		/* Final: the same credentials get the same answer. */
		resp->transport_final = 1;
		return azsreg_error__set(AZSREG_ENETWORK,
					 "%s %s: the proxy %s refused (407 Proxy Authentication Required): give the proxy "
					 "credentials in the proxy URL (http://user:password@proxy:port) and check them",
					 req->method, url, proxy[0] ? proxy : "(unknown)");
	}
	if (connect_code >= 400)
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: the proxy %s refused the tunnel to %s (HTTP %ld)",
					 req->method, url, proxy[0] ? proxy : "(unknown)", host, connect_code);
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		if (proxy[0] != '\0')
			return azsreg_error__set(AZSREG_ENETWORK, "%s %s: cannot connect to the proxy %s (on the way to %s): %s; "
								  "check the client's proxy option, HTTPS_PROXY and NO_PROXY",
						 req->method, url, proxy, host, detail);
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: cannot connect to %s (%s)", req->method, url, host, detail);
	case CURLE_GOT_NOTHING:
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: %s closed the connection without an answer%s%s%s", req->method, url,
					 host, proxy[0] ? " (through the proxy " : "", proxy, proxy[0] ? ")" : "");
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: the connection to %s failed%s%s%s (%s)", req->method, url, host,
					 proxy[0] ? " (through the proxy " : "", proxy, proxy[0] ? ")" : "", detail);
	default:
		return azsreg_error__set(AZSREG_ENETWORK, "%s %s: request failed%s%s%s (%s)", req->method, url,
					 proxy[0] ? " (through the proxy " : "", proxy, proxy[0] ? ")" : "", detail);
	}
}

static void slist_wipe_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next) {
		if (p->data)
			azsreg__wipe(p->data, strlen(p->data));
	}
	curl_slist_free_all(l);
}

static int build_headers(struct curl_slist **out, const azsreg_http_request *req)
{
	struct curl_slist *l = NULL, *n;
	azsreg_buf line = AZSREG_BUF_INIT;
	size_t i;
	int rc = AZSREG_OK;

	for (i = 0; i < req->headers.count; i++) {
		const azsreg_header *hd = &req->headers.items[i];
		azsreg_buf__clear(&line);
		if (hd->value == NULL || hd->value[0] == '\0')
			rc = azsreg_buf__printf(&line, "%s;", hd->name);
		else
			rc = azsreg_buf__printf(&line, "%s: %s", hd->name, hd->value);
		if (rc != 0)
			goto done;
		n = curl_slist_append(l, azsreg_buf__cstr(&line));
		if (n == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (request headers)");
			goto done;
		}
		l = n;
	}
	/* No "Expect: 100-continue" round trip. */
	n = curl_slist_append(l, "Expect:");
	if (n == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (request headers)");
		goto done;
	}
	l = n;
	*out = l;
	l = NULL;
done:
	azsreg_buf__wipe_free(&line);
	slist_wipe_free(l);
	return rc;
}

static const char *ca_bundle(const curl_transport *t)
{
	const char *v;

	if (t->ca_file && t->ca_file[0])
		return t->ca_file;
	v = azsreg_plat__getenv("SSL_CERT_FILE");
	if (v && v[0])
		return v;
	v = azsreg_plat__getenv("CURL_CA_BUNDLE");
	if (v && v[0])
		return v;
	return NULL;
}

#define SETOPT(h, opt, val) \
	do { \
		if (curl_easy_setopt((h), (opt), (val)) != CURLE_OK) { \
			rc = azsreg_error__set(AZSREG_ERROR, "libcurl refused option " #opt); \
			goto done; \
		} \
	} while (0)

/*
 * Sets every option of one exchange on a (reset) easy handle. `st`, `errbuf` and `hdrs`
 * must live until the exchange is over; so must req's URL and body.
 */
static int setup_handle(curl_transport *t, CURL *h, const azsreg_http_request *req, recv_state *st, char *errbuf,
			struct curl_slist *hdrs, long timeout_ms)
{
	const char *ca;
	int rc = AZSREG_OK;

	SETOPT(h, CURLOPT_SHARE, t->share);
	/* the shared cache keeps as many idle connections as callers may use at once (libcurl's default, 5,
	 * made a sixth concurrent caller open a new connection every time) */
	SETOPT(h, CURLOPT_MAXCONNECTS, t->max_connections);
	SETOPT(h, CURLOPT_URL, req->url);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	ca = ca_bundle(t);
	if (ca != NULL)
		SETOPT(h, CURLOPT_CAINFO, ca);
	else if (azsreg_plat__native_ca_default())
		SETOPT(h, CURLOPT_SSL_OPTIONS, (long)CURLSSLOPT_NATIVE_CA); /* Windows: the system store */
	if (req->no_proxy)
		SETOPT(h, CURLOPT_NOPROXY, "*");
	else if (t->proxy != NULL)
		SETOPT(h, CURLOPT_PROXY, t->proxy);
	SETOPT(h, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, t->connect_timeout_ms);
	if (timeout_ms > 0)
		SETOPT(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	SETOPT(h, CURLOPT_TCP_KEEPALIVE, 1L);
	SETOPT(h, CURLOPT_ACCEPT_ENCODING, "");
	if (t->user_agent != NULL && azsreg_headers__get(&req->headers, "User-Agent") == NULL)
		SETOPT(h, CURLOPT_USERAGENT, t->user_agent);
	SETOPT(h, CURLOPT_HTTPHEADER, hdrs);
	SETOPT(h, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(h, CURLOPT_WRITEDATA, st);
	SETOPT(h, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(h, CURLOPT_HEADERDATA, st);

	if (strcmp(req->method, "GET") == 0) {
		SETOPT(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		SETOPT(h, CURLOPT_NOBODY, 1L);
	} else {
		SETOPT(h, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->body != NULL || strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0 ||
		    strcmp(req->method, "PATCH") == 0) {
			SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
			SETOPT(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		}
	}
done:
	return rc;
}

/* Checks the request and prepares resp and st for an exchange. */
static int begin_exchange(const azsreg_http_request *req, azsreg_http_response *resp, recv_state *st, char *errbuf)
{
	int rc;

	if (req == NULL || resp == NULL || req->url == NULL || req->method == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "transport: missing request");
	rc = azsreg_url__check_scheme(req->url, req->allow_link_local_http, req->method);
	if (rc != 0)
		return rc;
	azsreg_http_response__reset(resp);
	if (resp->body.limit == 0)
		resp->body.limit = RESPONSE_BODY_LIMIT;
	memset(st, 0, sizeof(*st));
	st->resp = resp;
	errbuf[0] = '\0';
	return AZSREG_OK;
}

/* The outcome of a finished exchange: counts connections, maps the libcurl result, sets the status. */
static int end_exchange(curl_transport *t, CURL *h, CURLcode cc, const azsreg_http_request *req, azsreg_http_response *resp,
			const recv_state *st, const char *errbuf, long timeout_ms)
{
	long status = 0, nconn = 0;

	if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &nconn) == CURLE_OK && nconn > 0)
		__atomic_add_fetch(&t->connections, (unsigned long)nconn, __ATOMIC_RELAXED);
	if (cc != CURLE_OK)
		return map_error(cc, h, t, req, resp, st, errbuf, timeout_ms);
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status < 100)
		return azsreg_error__set(AZSREG_ENETWORK, "%s: no HTTP status in the answer", req->method);
	if (st->header_failed)
		return azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory (response headers)", req->method);
	resp->status = (int)status;
	return AZSREG_OK;
}

/* Drops the handle's references into an exchange's memory and gives it back to the pool. */
static void release_handle(curl_transport *t, CURL *h)
{
	if (h == NULL)
		return;
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
	pool_give(t, h);
}

static int curl_send(azsreg_transport *base, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms)
{
	curl_transport *t = (curl_transport *)base;
	CURL *h = NULL;
	struct curl_slist *hdrs = NULL;
	recv_state st;
	char errbuf[CURL_ERROR_SIZE];
	int rc;

	rc = begin_exchange(req, resp, &st, errbuf);
	if (rc != 0)
		goto done;
	h = pool_take(t);
	if (h == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (libcurl handle)");
		goto done;
	}
	curl_easy_reset(h);
	rc = build_headers(&hdrs, req);
	if (rc == 0)
		rc = setup_handle(t, h, req, &st, errbuf, hdrs, timeout_ms);
	if (rc == 0)
		rc = end_exchange(t, h, curl_easy_perform(h), req, resp, &st, errbuf, timeout_ms);
done:
	release_handle(t, h);
	slist_wipe_free(hdrs);
	if (rc != 0 && resp != NULL)
		resp->status = 0;
	return rc;
}

/* ------------------------------------------------- concurrent exchanges (multi) */

typedef struct curl_exchange {
	CURL *h;
	struct curl_slist *hdrs;
	recv_state st;
	char errbuf[CURL_ERROR_SIZE];
	const azsreg_http_request *req;
	azsreg_http_response *resp;
	long timeout_ms;
	void *tag;
	struct curl_exchange *next;
} curl_exchange;

typedef struct curl_transfers {
	azsreg_transfers base;
	curl_transport *t;
	CURLM *multi;
	curl_exchange *active; /* every exchange started and not yet reported */
} curl_transfers;

static void exchange_free(curl_transfers *x, curl_exchange *e)
{
	if (e == NULL)
		return;
	if (e->h != NULL) {
		curl_multi_remove_handle(x->multi, e->h);
		release_handle(x->t, e->h);
	}
	slist_wipe_free(e->hdrs);
	free(e);
}

static int transfers_start(azsreg_transfers *base, const azsreg_http_request *req, azsreg_http_response *resp, long timeout_ms,
			   void *tag)
{
	curl_transfers *x = (curl_transfers *)base;
	curl_exchange *e = calloc(1, sizeof(*e));
	int rc;

	if (e == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (exchange)");
	rc = begin_exchange(req, resp, &e->st, e->errbuf);
	if (rc != 0)
		goto fail;
	e->h = pool_take(x->t);
	if (e->h == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (libcurl handle)");
		goto fail;
	}
	curl_easy_reset(e->h);
	rc = build_headers(&e->hdrs, req);
	if (rc == 0)
		rc = setup_handle(x->t, e->h, req, &e->st, e->errbuf, e->hdrs, timeout_ms);
	if (rc == 0 && curl_easy_setopt(e->h, CURLOPT_PRIVATE, (void *)e) != CURLE_OK)
		rc = azsreg_error__set(AZSREG_ERROR, "libcurl refused option CURLOPT_PRIVATE");
	if (rc != 0)
		goto fail;
	e->req = req;
	e->resp = resp;
	e->timeout_ms = timeout_ms;
	e->tag = tag;
	if (curl_multi_add_handle(x->multi, e->h) != CURLM_OK) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "libcurl could not start the exchange");
		release_handle(x->t, e->h);
		e->h = NULL;
		goto fail;
	}
	e->next = x->active;
	x->active = e;
	return AZSREG_OK;
fail:
	if (e->h != NULL) {
		release_handle(x->t, e->h);
		e->h = NULL;
	}
	slist_wipe_free(e->hdrs);
	free(e);
	return rc;
}

/* Reports every finished exchange; returns how many. */
static int transfers_report(curl_transfers *x, azsreg_transfer_done_fn done, void *ctx)
{
	CURLMsg *msg;
	int left = 0, reported = 0;

	while ((msg = curl_multi_info_read(x->multi, &left)) != NULL) {
		curl_exchange *e = NULL, **pp;
		void *tag;
		int rc;

		if (msg->msg != CURLMSG_DONE)
			continue;
		if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&e) != CURLE_OK || e == NULL)
			continue;
		rc = end_exchange(x->t, e->h, msg->data.result, e->req, e->resp, &e->st, e->errbuf, e->timeout_ms);
		if (rc != 0)
			e->resp->status = 0;
		for (pp = &x->active; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == e) {
				*pp = e->next;
				break;
			}
		}
		tag = e->tag;
		exchange_free(x, e); /* msg is not used after this */
		done(ctx, tag, rc);
		reported++;
	}
	return reported;
}

static int transfers_run(azsreg_transfers *base, long wait_ms, azsreg_transfer_done_fn done, void *ctx)
{
	curl_transfers *x = (curl_transfers *)base;
	int running = 0;
	CURLMcode mc;

	mc = curl_multi_perform(x->multi, &running);
	if (mc == CURLM_OK && transfers_report(x, done, ctx) > 0)
		return AZSREG_OK; /* something finished already: no waiting */
	if (mc == CURLM_OK && wait_ms > 0)
		mc = curl_multi_poll(x->multi, NULL, 0, wait_ms > INT32_MAX ? INT32_MAX : (int)wait_ms, NULL);
	if (mc == CURLM_OK)
		mc = curl_multi_perform(x->multi, &running);
	if (mc != CURLM_OK && mc != CURLM_CALL_MULTI_PERFORM)
		return azsreg_error__set(mc == CURLM_OUT_OF_MEMORY ? AZSREG_ENOMEM : AZSREG_ERROR, "libcurl: %s", curl_multi_strerror(mc));
	(void)transfers_report(x, done, ctx);
	return AZSREG_OK;
}

static void transfers_wakeup(azsreg_transfers *base)
{
	curl_transfers *x = (curl_transfers *)base;

	(void)curl_multi_wakeup(x->multi);
}

static void transfers_free(azsreg_transfers *base)
{
	curl_transfers *x = (curl_transfers *)base;

	if (x == NULL)
		return;
	while (x->active != NULL) {
		curl_exchange *e = x->active;
		x->active = e->next;
		exchange_free(x, e);
	}
	if (x->multi != NULL)
		curl_multi_cleanup(x->multi);
	free(x);
}

static int curl_transfers_new(azsreg_transport *base, azsreg_transfers **out, int max_in_flight)
{
	curl_transport *t = (curl_transport *)base;
	curl_transfers *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (x == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (transfers)");
	x->t = t;
	x->multi = curl_multi_init();
	if (x->multi == NULL) {
		free(x);
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (libcurl multi)");
	}
	/* keep a connection for each exchange in flight (and those of single calls on other threads) */
	if (max_in_flight < 1)
		max_in_flight = 1;
	(void)curl_multi_setopt(x->multi, CURLMOPT_MAXCONNECTS, (long)max_in_flight + t->max_connections);
	(void)curl_multi_setopt(x->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)max_in_flight);
	x->base.start = transfers_start;
	x->base.run = transfers_run;
	x->base.wakeup = transfers_wakeup;
	x->base.free = transfers_free;
	*out = &x->base;
	return AZSREG_OK;
}

static unsigned long curl_connections(azsreg_transport *base)
{
	curl_transport *t = (curl_transport *)base;

	return __atomic_load_n(&t->connections, __ATOMIC_RELAXED);
}

static void curl_free_transport(azsreg_transport *base)
{
	curl_transport *t = (curl_transport *)base;
	size_t i;
	int j;

	if (t == NULL)
		return;
	for (i = 0; i < t->pool_count; i++)
		curl_easy_cleanup(t->pool[i]);
	if (t->share != NULL)
		curl_share_cleanup(t->share);
	for (j = 0; j < CURL_LOCK_DATA_LAST; j++)
		pthread_mutex_destroy(&t->share_locks[j]);
	pthread_mutex_destroy(&t->pool_lock);
	free(t->ca_file);
	azsreg__free_secret(t->proxy); /* may hold user:password */
	free(t->user_agent);
	free(t);
}

int azsreg_transport__curl_new(azsreg_transport **out, const azsreg_transport_options *opts)
{
	curl_transport *t = NULL;
	int rc = AZSREG_OK, j;

	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "transport: out is NULL");
		goto done;
	}
	*out = NULL;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		rc = azsreg_error__set(AZSREG_ERROR, "libcurl initialisation failed: %s", curl_easy_strerror(global_rc));
		goto done;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (transport)");
		goto done;
	}
	for (j = 0; j < CURL_LOCK_DATA_LAST; j++)
		pthread_mutex_init(&t->share_locks[j], NULL);
	pthread_mutex_init(&t->pool_lock, NULL);
	t->base.send = curl_send;
	t->base.connections_opened = curl_connections;
	t->base.transfers_new = curl_transfers_new;
	t->base.free = curl_free_transport;
	t->connect_timeout_ms = AZSREG__DEFAULT_CONNECT_TIMEOUT_MS;
	t->max_connections = AZSREG__DEFAULT_MAX_CONNECTIONS;
	if (opts != NULL) {
		if (opts->connect_timeout_ms > 0)
			t->connect_timeout_ms = opts->connect_timeout_ms;
		if (opts->max_connections > 0)
			t->max_connections = opts->max_connections;
		t->ca_file = azsreg__strdup(opts->ca_file);
		if (opts->proxy && opts->proxy[0])
			t->proxy = azsreg__strdup(opts->proxy);
		t->user_agent = azsreg__strdup(opts->user_agent);
		if ((opts->ca_file && !t->ca_file) || (opts->proxy && opts->proxy[0] && !t->proxy) ||
		    (opts->user_agent && !t->user_agent)) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (transport)");
			goto done;
		}
	}
	t->share = curl_share_init();
	if (t->share == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (libcurl share)");
		goto done;
	}
	if (curl_share_setopt(t->share, CURLSHOPT_LOCKFUNC, share_lock) != CURLSHE_OK ||
	    curl_share_setopt(t->share, CURLSHOPT_UNLOCKFUNC, share_unlock) != CURLSHE_OK ||
	    curl_share_setopt(t->share, CURLSHOPT_USERDATA, t) != CURLSHE_OK ||
	    curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
	    curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK ||
	    curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK) {
		rc = azsreg_error__set(AZSREG_ERROR, "libcurl refused to share connections");
		goto done;
	}
	*out = &t->base;
	t = NULL;
done:
	curl_free_transport(t ? &t->base : NULL);
	return rc;
}
