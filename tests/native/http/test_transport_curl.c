/*
 * test_transport_curl.c: the libcurl transport (transport_curl.c), loopback only: plain
 * HTTP to another host refused before anything is opened, a refused connection as
 * AZSREG_ENETWORK, and messages that name the proxy in use (given or from the
 * environment) unless NO_PROXY applies.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

Test(transport, refuses_plain_http_to_other_hosts_before_sending)
{
	azsreg_transport *t = NULL;
	azsreg_transport_options o;
	azsreg_http_request req;
	azsreg_http_response r;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	memset(&r, 0, sizeof(r));
	cr_assert_eq(azsreg_transport__curl_new(&t, &o), 0);
	req.method = "GET";
	req.url = strdup("http://management.example.test/x");
	rc = t->send(t, &req, &r, 1000);
	cr_expect_neq(rc, 0);
	cr_expect_eq(t->connections_opened(t), 0, "nothing was opened");
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&r);
	t->free(t);
}

Test(transport, connection_refused_is_enetwork)
{
	azsreg_transport *t = NULL;
	azsreg_transport_options o;
	azsreg_http_request req;
	azsreg_http_response r;

	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	memset(&r, 0, sizeof(r));
	o.connect_timeout_ms = 2000;
	cr_assert_eq(azsreg_transport__curl_new(&t, &o), 0);
	req.method = "GET";
	req.url = strdup("http://127.0.0.1:1/x");
	cr_expect_eq(t->send(t, &req, &r, 2000), AZSREG_ENETWORK);
	cr_expect(strstr(azsreg_error_last()->message, "cannot connect to 127.0.0.1:1") != NULL, "%s", azsreg_error_last()->message);
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&r);
	t->free(t);
}

/* A connection failure through a proxy names the proxy (without its credentials), not only the target. */
Test(transport, connection_refused_through_a_proxy_names_the_proxy)
{
	azsreg_transport *t = NULL;
	azsreg_transport_options o;
	azsreg_http_request req;
	azsreg_http_response r;
	const char *m;

	unsetenv("NO_PROXY");
	unsetenv("no_proxy");
	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	memset(&r, 0, sizeof(r));
	o.connect_timeout_ms = 2000;
	o.proxy = "http://proxyuser:proxy-pw-not-shown@127.0.0.1:9";
	cr_assert_eq(azsreg_transport__curl_new(&t, &o), 0);
	req.method = "GET";
	req.url = strdup("https://127.0.0.1:1/x");
	cr_expect_eq(t->send(t, &req, &r, 2000), AZSREG_ENETWORK);
	m = azsreg_error_last()->message;
	cr_expect(strstr(m, "cannot connect to the proxy 127.0.0.1:9 (on the way to 127.0.0.1:1)") != NULL, "%s", m);
	cr_expect(strstr(m, "proxy-pw-not-shown") == NULL, "%s", m);
	cr_expect(strstr(m, "proxyuser") == NULL, "%s", m);
	cr_expect_eq(r.transport_final, 0, "a refused connection may pass: it stays retryable");
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&r);
	t->free(t);
}

/* The same with HTTPS_PROXY; NO_PROXY covering the host means no proxy is named. */
Test(transport, connection_refused_names_the_environment_proxy_unless_no_proxy)
{
	azsreg_transport *t = NULL;
	azsreg_transport_options o;
	azsreg_http_request req;
	azsreg_http_response r;
	const char *m;

	unsetenv("https_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("NO_PROXY");
	unsetenv("no_proxy");
	setenv("HTTPS_PROXY", "http://127.0.0.1:9", 1);
	memset(&o, 0, sizeof(o));
	memset(&req, 0, sizeof(req));
	memset(&r, 0, sizeof(r));
	o.connect_timeout_ms = 2000;
	cr_assert_eq(azsreg_transport__curl_new(&t, &o), 0);
	req.method = "GET";
	req.url = strdup("https://127.0.0.1:1/x");
	cr_expect_eq(t->send(t, &req, &r, 2000), AZSREG_ENETWORK);
	m = azsreg_error_last()->message;
	cr_expect(strstr(m, "the proxy 127.0.0.1:9") != NULL, "%s", m);
	setenv("NO_PROXY", "example.test, 127.0.0.1", 1);
	cr_expect_eq(t->send(t, &req, &r, 2000), AZSREG_ENETWORK);
	m = azsreg_error_last()->message;
	cr_expect(strstr(m, "cannot connect to 127.0.0.1:1") != NULL, "%s", m);
	cr_expect(strstr(m, "proxy") == NULL, "%s", m);
	unsetenv("NO_PROXY");
	unsetenv("HTTPS_PROXY");
	azsreg_http_request__free(&req);
	azsreg_http_response__free(&r);
	t->free(t);
}
