/* test_pipeline.c: request IDs, headers, retries, delays, deadline, 401 renewal, LRO, logging (pipeline.c). */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fake_transport.h"

#define URL "https://management.example.test/subscriptions/33333333-3333-3333-3333-333333333333/x?api-version=2017-06-01"
#define CORR "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

static fake_clock fc;
static fake_transport *ft;
static azsreg_pipeline *pl;
static azsreg_http_response resp;

static void make(int max_retries, int64_t base, int64_t max, long deadline)
{
	azsreg_pipeline_options o;

	fake_clock_init(&fc);
	ft = fake_transport_new(&fc);
	memset(&o, 0, sizeof(o));
	o.transport = &ft->base;
	o.clock = &fc.clock;
	o.retry.max_retries = max_retries;
	o.retry.base_delay_ms = base;
	o.retry.max_delay_ms = max;
	o.request_timeout_ms = 100000;
	o.deadline_ms = deadline;
	o.user_agent = "unit-test/1";
	o.correlation_id = CORR;
	cr_assert_eq(azsreg_pipeline__new(&pl, &o), 0);
	memset(&resp, 0, sizeof(resp));
}

static void setup(void)
{
	make(6, 800, 60000, 600000);
}

static void teardown(void)
{
	azsreg_http_response__free(&resp);
	azsreg_pipeline__free(pl);
	fake_transport_free(ft);
	pl = NULL;
	ft = NULL;
}

static int send_req(const char *method, const char *url, const char *body, const azsreg_send_options *so)
{
	azsreg_http_request req;
	int rc;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = strdup(url);
	if (body) {
		req.body = strdup(body);
		req.body_len = strlen(body);
	}
	rc = azsreg_pipeline__send(pl, &req, &resp, so);
	azsreg_http_request__free(&req);
	return rc;
}

TestSuite(pipeline, .init = setup, .fini = teardown);

Test(pipeline, headers_on_every_attempt)
{
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", NULL), 0);
	cr_assert_eq(ft->nreqs, 2);
	cr_expect_str_eq(fake_req_header(ft, 0, "x-ms-correlation-request-id"), CORR);
	cr_expect_str_eq(fake_req_header(ft, 1, "x-ms-correlation-request-id"), CORR);
	cr_expect_str_eq(fake_req_header(ft, 0, "User-Agent"), "azsreg/" AZSREG_VERSION " unit-test/1");
	cr_expect_str_eq(fake_req_header(ft, 0, "Accept"), "application/json");
	cr_expect_str_eq(fake_req_header(ft, 0, "Content-Type"), "application/json");
	cr_assert_not_null(fake_req_header(ft, 0, "x-ms-client-request-id"));
	cr_expect_eq(strlen(fake_req_header(ft, 0, "x-ms-client-request-id")), AZSREG_GUID_LEN);
	cr_expect_str_neq(fake_req_header(ft, 0, "x-ms-client-request-id"), fake_req_header(ft, 1, "x-ms-client-request-id"));
	cr_expect_str_eq(ft->reqs[1].body, "{\"properties\":{}}");
	cr_expect_null(fake_req_header(ft, 0, "Authorization"));
}

Test(pipeline, no_content_type_without_body)
{
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_null(fake_req_header(ft, 0, "Content-Type"));
}

Test(pipeline, fresh_correlation_id_when_none_given)
{
	azsreg_pipeline_options o;
	azsreg_pipeline *p2 = NULL;

	memset(&o, 0, sizeof(o));
	o.transport = &ft->base;
	o.clock = &fc.clock;
	cr_assert_eq(azsreg_pipeline__new(&p2, &o), 0);
	cr_expect_eq(strlen(azsreg_pipeline__correlation_id(p2)), AZSREG_GUID_LEN);
	cr_expect_str_neq(azsreg_pipeline__correlation_id(p2), CORR);
	azsreg_pipeline__free(p2);
}

Test(pipeline, retry_after_seconds_exact)
{
	fake_transport_add(ft, 503, NULL, "Retry-After: 2", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 200);
	cr_assert_eq(ft->nreqs, 2);
	cr_assert_eq(fc.nsleeps, 1);
	cr_expect_eq(fc.sleeps[0], 2000);
}

Test(pipeline, retry_after_http_date_exact)
{
	/* unix time 1700000000 at the start = Tue, 14 Nov 2023 22:13:20 GMT */
	fake_transport_add(ft, 429, NULL, "Retry-After: Tue, 14 Nov 2023 22:13:25 GMT", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_assert_eq(fc.nsleeps, 1);
	cr_expect_eq(fc.sleeps[0], 5000);
}

Test(pipeline, retry_after_ms_exact)
{
	fake_transport_add(ft, 429, NULL, "retry-after-ms: 1500", "Retry-After: 9", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_assert_eq(fc.nsleeps, 1);
	cr_expect_eq(fc.sleeps[0], 1500);
}

Test(pipeline, backoff_exact_with_fixed_random)
{
	fake_transport_add(ft, 500, NULL, NULL);
	fake_transport_add(ft, 502, NULL, NULL);
	fake_transport_add(ft, 504, NULL, NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 200);
	cr_assert_eq(ft->nreqs, 4);
	cr_assert_eq(fc.nsleeps, 3);
	cr_expect_eq(fc.sleeps[0], 800);
	cr_expect_eq(fc.sleeps[1], 1600);
	cr_expect_eq(fc.sleeps[2], 3200);
}

Test(pipeline, backoff_jitter_from_clock_random)
{
	fc.random = 0; /* factor 0.8 */
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_assert_eq(fc.nsleeps, 2);
	cr_expect_eq(fc.sleeps[0], 640);
	cr_expect_eq(fc.sleeps[1], 1280);
}

Test(pipeline, backoff_capped)
{
	teardown();
	make(6, 800, 2000, 600000);
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_assert_eq(fc.nsleeps, 4);
	cr_expect_eq(fc.sleeps[0], 800);
	cr_expect_eq(fc.sleeps[1], 1600);
	cr_expect_eq(fc.sleeps[2], 2000);
	cr_expect_eq(fc.sleeps[3], 2000);
}

Test(pipeline, max_retries_counts_attempts)
{
	unsigned long requests = 0, retries = 0;
	int i;

	teardown();
	make(2, 800, 60000, 600000);
	for (i = 0; i < 6; i++)
		fake_transport_add(ft, 503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"busy\"}}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0); /* a final response: the caller judges it */
	cr_expect_eq(resp.status, 503);
	cr_expect_eq(ft->nreqs, 3);
	cr_expect_eq(fc.nsleeps, 2);
	azsreg_pipeline__stats(pl, &requests, &retries);
	cr_expect_eq(requests, 3);
	cr_expect_eq(retries, 2);
}

Test(pipeline, send_options_max_retries_override)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.max_retries = -1;
	fake_transport_add(ft, 503, NULL, NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, &so), 0);
	cr_expect_eq(resp.status, 503);
	cr_expect_eq(ft->nreqs, 1);
}

Test(pipeline, non_retryable_statuses_are_final)
{
	fake_transport_add(ft, 400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"no\"}}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 400);
	cr_expect_eq(ft->nreqs, 1);
	cr_expect_eq(fc.nsleeps, 0);
	azsreg_http_response__free(&resp);

	fake_transport_add(ft, 404, NULL, NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 404);
	cr_expect_eq(ft->nreqs, 2);
	cr_expect_eq(fc.nsleeps, 0);
}

Test(pipeline, connection_failure_then_success)
{
	fake_transport_add_error(ft, AZSREG_ENETWORK);
	fake_transport_add_error(ft, AZSREG_ETIMEOUT);
	fake_transport_add(ft, 200, "{\"ok\":true}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 200);
	cr_expect_eq(ft->nreqs, 3);
	cr_assert_eq(fc.nsleeps, 2);
	cr_expect_eq(fc.sleeps[0], 800);
	cr_expect_eq(fc.sleeps[1], 1600);
}

Test(pipeline, tls_failure_is_not_retried)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.what = "get thing";
	fake_transport_add_error(ft, AZSREG_ETLS);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_expect_eq(send_req("GET", URL, NULL, &so), AZSREG_ETLS);
	cr_expect_eq(ft->nreqs, 1);
	cr_expect_eq(fc.nsleeps, 0);
	cr_expect_eq(azsreg_error_last()->code, AZSREG_ETLS);
	cr_expect(strncmp(azsreg_error_last()->message, "get thing: ", 11) == 0, "%s", azsreg_error_last()->message);
	cr_expect_str_eq(azsreg_error_last()->correlation_id, CORR);
}

/* A failure the transport marks final (a proxy's 407) is not retried, whatever its code. */
Test(pipeline, final_transport_failure_is_not_retried)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.what = "get thing";
	fake_transport_add_error(ft, AZSREG_ENETWORK);
	fake_transport_set_final(ft);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_expect_eq(send_req("GET", URL, NULL, &so), AZSREG_ENETWORK);
	cr_expect_eq(ft->nreqs, 1, "a final failure was retried %zu times", ft->nreqs - 1);
	cr_expect_eq(fc.nsleeps, 0);
	cr_expect(strncmp(azsreg_error_last()->message, "get thing: ", 11) == 0, "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "gave up") == NULL, "%s", azsreg_error_last()->message);
}

Test(pipeline, network_failures_exhaust_retries)
{
	int i;

	teardown();
	make(3, 100, 60000, 600000);
	for (i = 0; i < 5; i++)
		fake_transport_add_error(ft, AZSREG_ENETWORK);
	cr_expect_eq(send_req("GET", URL, NULL, NULL), AZSREG_ENETWORK);
	cr_expect_eq(ft->nreqs, 4);
	cr_expect_eq(fc.nsleeps, 3);
	cr_expect(strstr(azsreg_error_last()->message, "gave up after 4 attempt(s)") != NULL, "%s", azsreg_error_last()->message);
}

Test(pipeline, server_delay_past_deadline_gives_up_with_when)
{
	azsreg_send_options so;

	teardown();
	make(6, 800, 60000, 10000);
	memset(&so, 0, sizeof(so));
	so.what = "register customer x";
	fake_transport_add(ft, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", "Retry-After: 30",
			   "x-ms-request-id: rid-1", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_expect_eq(send_req("PUT", URL, "{}", &so), AZSREG_ETHROTTLED);
	cr_expect_eq(ft->nreqs, 1);
	cr_expect_eq(fc.nsleeps, 0, "never sleeps past the deadline");
	cr_expect_str_eq(azsreg_error_last()->arm_code, "TooManyRequests");
	cr_expect_str_eq(azsreg_error_last()->request_id, "rid-1");
	cr_expect(strstr(azsreg_error_last()->message, "retry after 2023-11-14T22:13:50Z") != NULL, "%s", azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "register customer x") == azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message + 1, "register customer x") == NULL, "named once: %s",
		  azsreg_error_last()->message);
}

Test(pipeline, service_unavailable_past_deadline_is_eservice)
{
	teardown();
	make(6, 800, 60000, 10000);
	fake_transport_add(ft, 503, NULL, "Retry-After: 60", NULL);
	cr_expect_eq(send_req("GET", URL, NULL, NULL), AZSREG_ESERVICE);
	cr_expect_eq(ft->nreqs, 1);
	cr_expect_eq(fc.nsleeps, 0);
}

Test(pipeline, backoff_stops_before_the_deadline)
{
	int i;

	teardown();
	make(10, 800, 60000, 5000);
	for (i = 0; i < 10; i++)
		fake_transport_add(ft, 503, NULL, NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 503);
	/* 800 + 1600 = 2400; the next 3200 would end at 5600 > 5000 */
	cr_expect_eq(ft->nreqs, 3);
	cr_assert_eq(fc.nsleeps, 2);
	cr_expect(fake_clock_slept(&fc) <= 5000);
}

Test(pipeline, deadline_checked_after_slow_attempts)
{
	teardown();
	make(6, 800, 60000, 5000);
	fake_transport_add(ft, 503, NULL, "Retry-After: 1", NULL);
	fake_transport_set_latency(ft, 4500);
	fake_transport_add(ft, 200, "{}", NULL);
	/* 4500 ms spent + 1000 ms wait > 5000: give up without sleeping */
	cr_expect_eq(send_req("GET", URL, NULL, NULL), AZSREG_ESERVICE);
	cr_expect_eq(ft->nreqs, 1);
	cr_expect_eq(fc.nsleeps, 0);
}

Test(pipeline, per_attempt_timeout_never_exceeds_the_deadline)
{
	teardown();
	make(6, 800, 60000, 30000);
	fake_transport_add(ft, 503, NULL, "Retry-After: 10", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0);
	cr_expect_eq(ft->reqs[0].timeout_ms, 30000);
	cr_expect_eq(ft->reqs[1].timeout_ms, 20000);
}

Test(pipeline, huge_deadline_does_not_overflow)
{
	/* LONG_MAX ms ("no deadline" in practice): now + deadline must saturate, not wrap negative. */
	teardown();
	make(6, 800, 60000, LONG_MAX);
	fake_transport_add(ft, 503, NULL, "Retry-After: 1", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, NULL), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq(resp.status, 200);
	cr_expect_eq(ft->nreqs, 2);
	cr_expect_eq(ft->reqs[0].timeout_ms, 100000, "the per-attempt timeout still applies");
}

/* ------------------------------------------------------------- authorize hook */

typedef struct auth_log {
	int calls;
	int forced[8];
} auth_log;

static int fake_authorize(void *ctx, azsreg_http_request *req, int force_renew)
{
	auth_log *a = ctx;
	char v[32];

	if (a->calls < 8)
		a->forced[a->calls] = force_renew;
	a->calls++;
	snprintf(v, sizeof(v), "Bearer t%d", a->calls);
	return azsreg_headers__set(&req->headers, "Authorization", v);
}

/* Send options whose authorize callback is fake_authorize logging into `a` (zeroed). */
static azsreg_send_options authorized(auth_log *a)
{
	azsreg_send_options so;

	memset(a, 0, sizeof(*a));
	memset(&so, 0, sizeof(so));
	so.authorize = fake_authorize;
	so.authorize_ctx = a;
	return so;
}

Test(pipeline, expired_token_401_renews_once_and_retries_once)
{
	auth_log a;
	azsreg_send_options so;

	so = authorized(&a);
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"ExpiredAuthenticationToken\",\"message\":\"expired\"}}", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, &so), 0);
	cr_expect_eq(resp.status, 200);
	cr_assert_eq(ft->nreqs, 2);
	cr_assert_eq(a.calls, 2);
	cr_expect_eq(a.forced[0], 0);
	cr_expect_eq(a.forced[1], 1);
	cr_expect_str_eq(fake_req_header(ft, 0, "Authorization"), "Bearer t1");
	cr_expect_str_eq(fake_req_header(ft, 1, "Authorization"), "Bearer t2");
	cr_expect_eq(fc.nsleeps, 0);
}

Test(pipeline, second_401_is_final)
{
	auth_log a;
	azsreg_send_options so;

	so = authorized(&a);
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"bad\"}}", NULL);
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"bad\"}}", NULL);
	fake_transport_add(ft, 200, "{}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, &so), 0);
	cr_expect_eq(resp.status, 401);
	cr_expect_eq(ft->nreqs, 2);
	cr_expect_eq(a.calls, 2);
	cr_expect_eq(a.forced[1], 1);
}

Test(pipeline, other_401_is_not_renewed)
{
	auth_log a;
	azsreg_send_options so;

	so = authorized(&a);
	fake_transport_add(ft, 401, "{\"error\":{\"code\":\"InvalidAuthenticationTokenTenant\",\"message\":\"wrong tenant\"}}", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, &so), 0);
	cr_expect_eq(resp.status, 401);
	cr_expect_eq(ft->nreqs, 1);
	cr_expect_eq(a.calls, 1);
}

/* ------------------------------------------------------------------- LRO */

#define OPS "https://management.example.test/subscriptions/33333333-3333-3333-3333-333333333333/providers/Microsoft.AzureStack/operationStatuses/op1?api-version=2017-06-01"

Test(pipeline, lro_async_operation_in_progress_twice_then_succeeded)
{
	azsreg_send_options so;
	auth_log a;

	so = authorized(&a);
	so.follow_lro = 1;
	fake_transport_add(ft, 201, NULL, "Azure-AsyncOperation: " OPS, "Retry-After: 1", NULL);
	fake_transport_add(ft, 200, "{\"status\":\"InProgress\"}", "Retry-After: 2", NULL);
	fake_transport_add(ft, 200, "{\"status\":\"InProgress\"}", NULL);
	fake_transport_add(ft, 200, "{\"status\":\"Succeeded\"}", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\",\"properties\":{}}", NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq(resp.status, 200);
	cr_expect_str_eq(azsreg_buf__cstr(&resp.body), "{\"id\":\"/x\",\"properties\":{}}");
	cr_assert_eq(ft->nreqs, 5);
	cr_expect_str_eq(ft->reqs[0].method, "PUT");
	cr_expect_str_eq(ft->reqs[1].method, "GET");
	cr_expect_str_eq(ft->reqs[1].url, OPS);
	cr_expect_str_eq(ft->reqs[3].url, OPS);
	cr_expect_str_eq(ft->reqs[4].method, "GET");
	cr_expect_str_eq(ft->reqs[4].url, URL);
	cr_expect_not_null(fake_req_header(ft, 1, "Authorization"), "polls are authorized");
	cr_assert_eq(fc.nsleeps, 3);
	cr_expect_eq(fc.sleeps[0], 1000);
	cr_expect_eq(fc.sleeps[1], 2000);
	cr_expect_eq(fc.sleeps[2], 60000, "no Retry-After: 60 s");
}

Test(pipeline, lro_location_202_then_200)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 202, NULL, "Location: " OPS, "Retry-After: 3", NULL);
	fake_transport_add(ft, 202, NULL, "Retry-After: 4", NULL);
	fake_transport_add(ft, 200, "{\"done\":true}", NULL);
	cr_assert_eq(send_req("DELETE", URL, NULL, &so), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq(resp.status, 200);
	cr_expect_str_eq(azsreg_buf__cstr(&resp.body), "{\"done\":true}");
	cr_assert_eq(ft->nreqs, 3);
	cr_expect_str_eq(ft->reqs[1].url, OPS);
	cr_expect_str_eq(ft->reqs[2].url, OPS);
	cr_assert_eq(fc.nsleeps, 2);
	cr_expect_eq(fc.sleeps[0], 3000);
	cr_expect_eq(fc.sleeps[1], 4000);
}

Test(pipeline, lro_put_201_provisioning_state_polls_the_resource)
{
	/* wire-facts 5: no polling header, but a non-terminal provisioningState: poll the resource. */
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 201, "{\"id\":\"/x\",\"properties\":{\"provisioningState\":\"Accepted\"}}", "Retry-After: 2", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\",\"properties\":{\"provisioningState\":\"Creating\"}}", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\",\"properties\":{\"provisioningState\":\"Succeeded\"}}", NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), 0, "%s", azsreg_error_last()->message);
	cr_expect_eq(resp.status, 200);
	cr_expect_str_eq(azsreg_buf__cstr(&resp.body), "{\"id\":\"/x\",\"properties\":{\"provisioningState\":\"Succeeded\"}}");
	cr_assert_eq(ft->nreqs, 3);
	cr_expect_str_eq(ft->reqs[1].method, "GET");
	cr_expect_str_eq(ft->reqs[1].url, URL);
	cr_expect_str_eq(ft->reqs[2].url, URL);
	cr_assert_eq(fc.nsleeps, 2);
	cr_expect_eq(fc.sleeps[0], 2000);
	cr_expect_eq(fc.sleeps[1], 60000, "no Retry-After: the default wait (60 s)");
}

Test(pipeline, lro_provisioning_state_spelled_with_escapes_is_still_read)
{
	/* provisioning_state skips the parse when the body cannot hold the key: a key written
	 * with a JSON escape (\u0070 = 'p') is the same key and must still be seen */
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 200, "{\"id\":\"/x\",\"properties\":{\"\\u0070rovisioningState\":\"Creating\"}}", "Retry-After: 1", NULL);
	fake_transport_add(ft, 200, "{\"id\":\"/x\",\"properties\":{\"provisioningState\":\"Succeeded\"}}", NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), 0, "%s", azsreg_error_last()->message);
	cr_assert_eq(ft->nreqs, 2, "the escaped Creating state was polled");
	cr_expect_str_eq(ft->reqs[1].method, "GET");
	cr_assert_eq(fc.nsleeps, 1);
	cr_expect_eq(fc.sleeps[0], 1000);
}

Test(pipeline, lro_put_provisioning_state_failed_is_an_error)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 201, "{\"properties\":{\"provisioningState\":\"Accepted\"}}", "Retry-After: 1", NULL);
	fake_transport_add(ft, 200, "{\"properties\":{\"provisioningState\":\"Failed\"}}", NULL);
	cr_expect_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), AZSREG_ESERVICE);
	cr_expect(strstr(azsreg_error_last()->message, "Failed") != NULL, "%s", azsreg_error_last()->message);
	cr_expect_eq(ft->nreqs, 2);
}

Test(pipeline, lro_put_terminal_or_absent_provisioning_state_is_final)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 201, "{\"properties\":{\"provisioningState\":\"Succeeded\"}}", NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), 0);
	cr_expect_eq(resp.status, 201);
	fake_transport_add(ft, 201, NULL, NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), 0);
	cr_expect_eq(resp.status, 201);
	fake_transport_add(ft, 200, "{\"properties\":{\"tenantId\":\"t\"}}", NULL);
	cr_assert_eq(send_req("PUT", URL, "{\"properties\":{}}", &so), 0);
	cr_expect_eq(resp.status, 200);
	cr_expect_eq(ft->nreqs, 3, "nothing polled");
	cr_expect_eq(fc.nsleeps, 0);
}

Test(pipeline, lro_failed_reports_its_error)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	so.what = "register customer y";
	fake_transport_add(ft, 202, NULL, "Azure-AsyncOperation: " OPS, "Retry-After: 1", NULL);
	fake_transport_add(ft, 200, "{\"status\":\"Failed\",\"error\":{\"code\":\"InvalidCSPSubscription\",\"message\":\"not CSP\"}}", NULL);
	cr_expect_eq(send_req("PUT", URL, "{}", &so), AZSREG_ESERVICE);
	cr_expect_eq(ft->nreqs, 2);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "InvalidCSPSubscription");
	cr_expect(strstr(azsreg_error_last()->message, "register customer y") == azsreg_error_last()->message, "%s",
		  azsreg_error_last()->message);
	cr_expect(strstr(azsreg_error_last()->message, "not CSP") != NULL);
}

Test(pipeline, lro_foreign_host_refused)
{
	azsreg_send_options so;

	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 202, NULL, "Azure-AsyncOperation: https://evil.example.test/op", NULL);
	cr_expect_neq(send_req("PUT", URL, "{}", &so), 0);
	cr_expect_eq(ft->nreqs, 1, "nothing is sent to the other host");
}

Test(pipeline, lro_past_deadline_times_out)
{
	azsreg_send_options so;

	teardown();
	make(6, 800, 60000, 15000);
	memset(&so, 0, sizeof(so));
	so.follow_lro = 1;
	fake_transport_add(ft, 202, NULL, "Location: " OPS, "Retry-After: 5", NULL);
	fake_transport_add(ft, 202, NULL, "Retry-After: 5", NULL);
	fake_transport_add(ft, 202, NULL, "Retry-After: 5", NULL);
	fake_transport_add(ft, 202, NULL, "Retry-After: 5", NULL);
	cr_expect_eq(send_req("DELETE", URL, NULL, &so), AZSREG_ETIMEOUT);
	cr_expect_eq(ft->nreqs, 3);
	cr_expect_eq(fake_clock_slept(&fc), 10000);
}

Test(pipeline, no_lro_when_not_asked)
{
	fake_transport_add(ft, 202, NULL, "Location: " OPS, NULL);
	cr_assert_eq(send_req("DELETE", URL, NULL, NULL), 0);
	cr_expect_eq(resp.status, 202);
	cr_expect_eq(ft->nreqs, 1);
}

Test(pipeline, same_origin)
{
	cr_expect(azsreg_pipeline__same_origin("https://A.example/x?y", "https://a.example:443/"));
	cr_expect(azsreg_pipeline__same_origin("http://127.0.0.1:8080/a", "http://127.0.0.1:8080"));
	cr_expect(!azsreg_pipeline__same_origin("https://a.example/x", "https://a.example:8443/"));
	cr_expect(!azsreg_pipeline__same_origin("http://a.example/x", "https://a.example/"));
	cr_expect(!azsreg_pipeline__same_origin("https://a.example.evil/x", "https://a.example/"));
	cr_expect(!azsreg_pipeline__same_origin("https://a.example@evil.example/x", "https://a.example/"));
}

/* ------------------------------------------------------------------- logging */

typedef struct log_capture {
	char lines[64][512];
	int levels[64];
	int n;
} log_capture;

static void capture(int level, const char *message, void *payload)
{
	log_capture *c = payload;

	if (c->n < 64) {
		snprintf(c->lines[c->n], sizeof(c->lines[0]), "%s", message);
		c->levels[c->n] = level;
		c->n++;
	}
}

Test(pipeline, logs_one_info_line_per_attempt_and_redacts)
{
	static log_capture cap;
	azsreg_pipeline_options o;
	azsreg_send_options so;
	auth_log a;
	int i, info = 0, retry_line = 0;

	memset(&cap, 0, sizeof(cap));
	azsreg_pipeline__free(pl);
	memset(&o, 0, sizeof(o));
	o.transport = &ft->base;
	o.clock = &fc.clock;
	o.retry.max_retries = 6;
	o.retry.base_delay_ms = 800;
	o.retry.max_delay_ms = 60000;
	o.logger.cb = capture;
	o.logger.payload = &cap;
	o.logger.level = AZSREG_LOG_TRACE;
	cr_assert_eq(azsreg_pipeline__new(&pl, &o), 0);
	so = authorized(&a);
	fake_transport_add(ft, 503, NULL, "Retry-After: 1", "x-ms-request-id: r1", NULL);
	fake_transport_add(ft, 200, "{}", "x-ms-request-id: r2", NULL);
	cr_assert_eq(send_req("GET", URL, NULL, &so), 0);
	for (i = 0; i < cap.n; i++) {
		cr_expect(strstr(cap.lines[i], "Bearer t") == NULL, "token leaked: %s", cap.lines[i]);
		if (cap.levels[i] == AZSREG_LOG_INFO) {
			info++;
			if (info == 1)
				cr_expect(strstr(cap.lines[i], "GET " URL " -> 503 (request ID r1, ") == cap.lines[i], "%s", cap.lines[i]);
		}
		if (strcmp(cap.lines[i], "retry 1/6 in 1000 ms after HTTP 503") == 0)
			retry_line = 1;
	}
	cr_expect_eq(info, 2);
	cr_expect(retry_line, "retry decision logged at DEBUG");
}

/* Issue 9, finding 9: after a client-side timeout a change that went out may have been
 * applied; the message says so for PUT / PATCH / DELETE / POST to ARM, never for GET or HEAD,
 * nor for identity requests (no authorize hook), nor when nothing was sent. */
/*
 * A timed-out attempt that leaves no time for another names the deadline itself: the
 * attempt's own limit in the message is only what was left of it (a loaded machine made
 * that 1499 ms, and the message then did not say 1500 ms anywhere).
 */
Test(pipeline, gave_up_message_names_the_deadline)
{
	int rc;

	/* two timed-out attempts: after the second, the backoff would pass the 1500 ms deadline */
	teardown();
	make(3, 800, 60000, 1500);
	fake_transport_add_error(ft, AZSREG_ETIMEOUT);
	fake_transport_add_error(ft, AZSREG_ETIMEOUT);
	rc = send_req("GET", URL, NULL, NULL);
	cr_assert_eq(rc, AZSREG_ETIMEOUT, "%s: %s", azsreg_result_name(rc), azsreg_error_last()->message);
	cr_expect_eq(ft->nreqs, 2);
	cr_expect_not_null(strstr(azsreg_error_last()->message, "(gave up: the 1500 ms deadline would pass before the next attempt)"),
			   "%s", azsreg_error_last()->message);
}

Test(invalid_input, timeout_message_says_a_change_may_have_been_applied)
{
	static const char *const methods[] = { "PUT", "PATCH", "DELETE", "POST", "GET", "HEAD" };
	static const char sentence[] = "the request may still have been applied by the service: read the resource to see its current state";
	auth_log a;
	azsreg_send_options so;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		make(0, 100, 60000, 600000);
		so = authorized(&a);
		fake_transport_add_error(ft, AZSREG_ETIMEOUT);
		rc = send_req(methods[i], URL, i < 4 ? "{}" : NULL, &so);
		cr_expect_eq(rc, AZSREG_ETIMEOUT, "%s: %s", methods[i], azsreg_result_name(rc));
		cr_expect_eq(ft->nreqs, 1, "%s", methods[i]);
		if (i < 4)
			cr_expect_not_null(strstr(azsreg_error_last()->message, sentence), "%s: %s", methods[i], azsreg_error_last()->message);
		else
			cr_expect_null(strstr(azsreg_error_last()->message, "may still have been applied"), "%s: %s", methods[i],
				       azsreg_error_last()->message);
		teardown();
	}
	/* a token request (no authorize hook) that timed out changed nothing */
	make(0, 100, 60000, 600000);
	fake_transport_add_error(ft, AZSREG_ETIMEOUT);
	cr_expect_eq(send_req("POST", URL, "x=1", NULL), AZSREG_ETIMEOUT);
	cr_expect_null(strstr(azsreg_error_last()->message, "may still have been applied"), "%s", azsreg_error_last()->message);
	teardown();
}
