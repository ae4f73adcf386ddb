/*
 * harness_clock.h: a clock the test moves, shared by the library's client and the emulator
 * (issue #9: a test never waits on the wall clock for a token to expire).
 *
 * The client gets an azsreg_clock whose wall time is the system's plus an offset; the
 * emulator's clock is the system's plus its own offset (POST /_emulator/clock,
 * native/docs/design.md). harness_clock_advance() moves both by the same amount, so the
 * library, the identity endpoints and the ARM token check agree that the time has passed:
 * a token of 1 h is expired for all of them after an advance of 1 h, with no sleep. The
 * monotonic clock (timeouts, deadlines), sleeps and jitter stay the system's, unless
 * harness_clock_virtual_sleeps() is called: then every sleep the library asks for (retry
 * delays, Retry-After) is recorded and, instead of sleeping, moves both clocks (and the
 * monotonic one) by the delay, so a test asserts the exact delays asked for in zero time.
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
#define HARNESS_CLOCK_MAX_SLEEPS 64

typedef struct harness_clock {
	azsreg_clock clock; /* give &clock to harness_clock_client_new */
	long long offset_ms; /* read and written atomically (the client may run threads) */
	/* harness_clock_virtual_sleeps(): the emulator whose clock a sleep moves (NULL: real sleeps) */
	const harness_emulator *sleep_emu;
	long long mono_offset_ms; /* the virtual sleeps so far (monotonic clock) */
	int64_t sleeps[HARNESS_CLOCK_MAX_SLEEPS]; /* the delays asked for, in order */
	int nsleeps; /* how many were asked for (may pass the array) */
	int sleep_failures; /* virtual sleeps the emulator refused */
} harness_clock;

static int harness_clock_advance(harness_clock *hc, const harness_emulator *em, double seconds);

static int64_t harness_clock__now_ms(void *ctx)
{
	harness_clock *hc = ctx;
	return azsreg_clock__system()->now_ms(NULL) + __atomic_load_n(&hc->mono_offset_ms, __ATOMIC_SEQ_CST);
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
	harness_clock *hc = ctx;
	int i;

	if (hc->sleep_emu == NULL) {
		azsreg_clock__system()->sleep_ms(NULL, ms);
		return;
	}
	i = __atomic_fetch_add(&hc->nsleeps, 1, __ATOMIC_SEQ_CST);
	if (i < HARNESS_CLOCK_MAX_SLEEPS)
		hc->sleeps[i] = ms;
	if (ms <= 0)
		return;
	if (harness_clock_advance(hc, hc->sleep_emu, (double)ms / 1000.0) != 0)
		__atomic_add_fetch(&hc->sleep_failures, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&hc->mono_offset_ms, (long long)ms, __ATOMIC_SEQ_CST);
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

/*
 * From now on the library's sleeps are recorded in hc->sleeps (hc->nsleeps of them) and
 * do not wait: each moves the emulator's clock, the client's wall clock and its monotonic
 * clock forward by the delay asked for (a throttle bucket refills, a Retry-After passes, a
 * deadline comes nearer), as if the sleep had happened. hc->sleep_failures counts the
 * moves the emulator refused.
 */
HARNESS_CLOCK_FN void harness_clock_virtual_sleeps(harness_clock *hc, const harness_emulator *em)
{
	hc->sleep_emu = em;
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
static int harness_clock_advance(harness_clock *hc, const harness_emulator *em, double seconds)
{
	long long ms = (long long)(seconds * 1000.0 + 0.5);
	char body[64];
	int status;

	snprintf(body, sizeof body, "{\"advanceSeconds\":%lld.%03lld}", ms / 1000, ms % 1000);
	status = harness_control(em, "POST", "/clock", body, NULL);
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
