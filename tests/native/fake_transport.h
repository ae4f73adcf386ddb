/*
 * fake_transport.h: a scripted transport that records every request, a fake clock that
 * records sleeps and advances time, and a counting test credential. Unit tests only.
 */
#ifndef AZSREG_FAKE_TRANSPORT_H
#define AZSREG_FAKE_TRANSPORT_H

#include "internal.h"

#define FAKE_MAX 64
#define FAKE_MAX_HEADERS 8

typedef struct fake_clock {
	azsreg_clock clock; /* pass &fc->clock to the code under test */
	int64_t now_ms; /* monotonic, starts at 1000000 */
	int64_t unix0; /* unix time at now_ms == start */
	int64_t start_ms;
	int64_t sleeps[FAKE_MAX];
	size_t nsleeps;
	uint32_t random; /* returned by random(); 0x80000000 gives a jitter factor of exactly 1.0 */
} fake_clock;

void fake_clock_init(fake_clock *fc);
/** Sum of all recorded sleeps. */
int64_t fake_clock_slept(const fake_clock *fc);

typedef struct fake_response {
	int error; /* non-zero: the transport fails with this code (AZSREG_ENETWORK...) */
	int status;
	const char *headers[FAKE_MAX_HEADERS]; /* "Name: value" */
	const char *body; /* NULL: no body */
	int64_t latency_ms; /* the clock advances this much during the attempt */
	int final; /* with error: mark the failure final (resp->transport_final, as a proxy 407) */
} fake_response;

typedef struct fake_request {
	char *method;
	char *url;
	azsreg_headers headers;
	char *body;
	long timeout_ms;
	int64_t at_ms; /* clock time when sent (relative to start) */
} fake_request;

typedef struct fake_transport {
	azsreg_transport base; /* pass &ft->base to the code under test */
	fake_clock *clock; /* may be NULL */
	fake_response script[FAKE_MAX];
	size_t nscript, next;
	fake_request reqs[FAKE_MAX];
	size_t nreqs;
	pthread_mutex_t lock;
} fake_transport;

fake_transport *fake_transport_new(fake_clock *clock);
void fake_transport_free(fake_transport *ft);
/** Scripts the next answer: status, body (NULL: none), then "Name: value" headers, NULL-terminated. */
void fake_transport_add(fake_transport *ft, int status, const char *body, ...);
/** Scripts a transport failure (AZSREG_ENETWORK, AZSREG_ETLS, AZSREG_ETIMEOUT...). */
void fake_transport_add_error(fake_transport *ft, int code);
/** Marks the last scripted answer's failure as final (not to be retried, as a proxy 407). */
void fake_transport_set_final(fake_transport *ft);
/** Latency of the last scripted answer. */
void fake_transport_set_latency(fake_transport *ft, int64_t ms);
/** Header of recorded request i (NULL when absent). */
const char *fake_req_header(const fake_transport *ft, size_t i, const char *name);

/* A credential that returns "token-1", "token-2", ... (one per get_token call). */
typedef struct counting_credential {
	azsreg_credential base;
	int calls;
	int64_t lifetime_s;
} counting_credential;

azsreg_credential *counting_credential_new(void);
int counting_credential_calls(const azsreg_credential *c);

#endif
