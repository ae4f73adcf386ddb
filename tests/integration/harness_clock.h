/*
 * harness_clock.h: a clock the test moves, shared by the library's client and the emulator
 * (issue #9: a test never waits on the wall clock for a token to expire).
 *
 * The client gets an azsreg_clock whose wall time is the system's plus an offset; the
 * emulator's clock is the system's plus its own offset (POST /_emulator/clock,
 * native/docs/design.md). harness_clock_advance() moves both by the same amount, so the
 * library, the identity endpoints and the ARM token check agree that the time has passed:
 * a token of 1 h is expired for all of them after an advance of 1 h, with no sleep. The
 * monotonic clock (timeouts, deadlines), sleeps and jitter stay the system's.
 *
 * Only for programs linked with the static library (INTEG_STATIC_TESTS in
 * tests/integration/CMakeLists.txt): the client is made with azsreg_client__new_with, an
 * internal function. It is the real client (libcurl, TLS, retries, token cache) with only
 * its clock replaced.
 */
#ifndef AZSREG_TEST_HARNESS_CLOCK_H
#define AZSREG_TEST_HARNESS_CLOCK_H

#include "harness.h"
#include "internal.h"

#define HARNESS_CLOCK_FN static __attribute__((unused))

typedef struct harness_clock {
	azsreg_clock clock;   /* give &clock to harness_clock_client_new */
	long long offset_ms;  /* read and written atomically (the client may run threads) */
} harness_clock;

static int64_t harness_clock__now_ms(void *ctx)
{
	(void)ctx;
	return azsreg_clock__system()->now_ms(NULL);
}

static int64_t harness_clock__unix_ms(void *ctx)
{
	harness_clock *hc = ctx;
	return azsreg_clock__unix_ms(azsreg_clock__system()) + __atomic_load_n(&hc->offset_ms, __ATOMIC_SEQ_CST);
}

static int64_t harness_clock__unix(void *ctx)
{
	int64_t ms = harness_clock__unix_ms(ctx);
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static void harness_clock__sleep_ms(void *ctx, int64_t ms)
{
	(void)ctx;
	azsreg_clock__system()->sleep_ms(NULL, ms);
}

static uint32_t harness_clock__random(void *ctx)
{
	(void)ctx;
	return azsreg_clock__system()->random(NULL);
}

/* The system clock with a zero offset. */
HARNESS_CLOCK_FN void harness_clock_init(harness_clock *hc)
{
	memset(hc, 0, sizeof *hc);
	hc->clock.now_ms = harness_clock__now_ms;
	hc->clock.unix_time = harness_clock__unix;
	hc->clock.sleep_ms = harness_clock__sleep_ms;
	hc->clock.random = harness_clock__random;
	hc->clock.unix_time_ms = harness_clock__unix_ms;
	hc->clock.ctx = hc;
}

/* The client's Unix time in seconds (to build assertions the emulator checks at its time). */
HARNESS_CLOCK_FN long long harness_clock_now(harness_clock *hc)
{
	return (long long)harness_clock__unix(hc);
}

/*
 * Moves the emulator's clock, then the client's, forward by `seconds` (whole
 * milliseconds). 0 on success, -1 when the emulator refused (the client's clock is then
 * unchanged).
 */
HARNESS_CLOCK_FN int harness_clock_advance(harness_clock *hc, const harness_emulator *emu, double seconds)
{
	long long ms = (long long)(seconds * 1000.0 + 0.5);
	char body[64];
	int status;

	snprintf(body, sizeof body, "{\"advanceSeconds\":%lld.%03lld}", ms / 1000, ms % 1000);
	status = harness_control(emu, "POST", "/clock", body, NULL);
	if (status != 200)
		return -1;
	__atomic_add_fetch(&hc->offset_ms, ms, __ATOMIC_SEQ_CST);
	return 0;
}

/* A real client (libcurl over TLS) with `hc` as its clock; hc outlives the client. */
HARNESS_CLOCK_FN int harness_clock_client_new(azsreg_client **out, harness_clock *hc, const azsreg_client_options *opts,
                                              azsreg_credential *cred)
{
	return azsreg_client__new_with(out, opts, cred, NULL, &hc->clock);
}

#endif /* AZSREG_TEST_HARNESS_CLOCK_H */
