/* clock.c: the system clock (monotonic ms, wall time, sleep, randomness). */
#include "internal.h"

#include <errno.h>
#include <time.h>
#include <openssl/rand.h>

static int64_t sys_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

static int64_t sys_unix_time(void *ctx)
{
	(void)ctx;
	return (int64_t)time(NULL);
}

static int64_t sys_unix_time_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return (int64_t)time(NULL) * 1000;
	return (int64_t)ts.tv_sec * 1000 + (int64_t)(ts.tv_nsec / 1000000);
}

static void sys_sleep_ms(void *ctx, int64_t ms)
{
	struct timespec req, rem;

	(void)ctx;
	if (ms <= 0)
		return;
	req.tv_sec = (time_t)(ms / 1000);
	req.tv_nsec = (long)((ms % 1000) * 1000000);
	while (nanosleep(&req, &rem) != 0 && errno == EINTR)
		req = rem;
}

static uint32_t sys_random(void *ctx)
{
	uint32_t v = 0;

	(void)ctx;
	if (azsreg_plat__random(&v, sizeof(v)) == 0)
		return v;
	if (RAND_bytes((unsigned char *)&v, (int)sizeof(v)) == 1)
		return v;
	/* Last resort: jitter only, never used for secrets. */
	return (uint32_t)sys_now_ms(NULL) * 2654435761u;
}

static const azsreg_clock system_clock = {
	sys_now_ms, sys_unix_time, sys_sleep_ms, sys_random, NULL, sys_unix_time_ms
};

const azsreg_clock *azsreg_clock__system(void)
{
	return &system_clock;
}

int64_t azsreg_clock__unix_ms(const azsreg_clock *c)
{
	if (c == NULL)
		c = &system_clock;
	if (c->unix_time_ms != NULL)
		return c->unix_time_ms(c->ctx);
	return c->unix_time(c->ctx) * 1000;
}
