/* test_clock.c: the system clock moves and sleeps (clock.c); the other tests use fake clocks. */
#include <criterion/criterion.h>
#include <string.h>
#include <stdlib.h>

#include "internal.h"

Test(clock, system_clock_moves_and_sleeps)
{
	const azsreg_clock *c = azsreg_clock__system();
	int64_t t0, t1, u;
	uint32_t r1, r2, r3;

	cr_assert_not_null(c);
	t0 = c->now_ms(c->ctx);
	c->sleep_ms(c->ctx, 30);
	t1 = c->now_ms(c->ctx);
	cr_assert_geq(t1 - t0, 30);
	/* a hang guard, not a performance bound (load only lengthens a sleep): it catches a
	 * unit mix-up (30 taken as seconds would be 30000 ms), no loaded machine reaches it */
	cr_assert_lt(t1 - t0, 20000, "a 30 ms sleep took %lld ms", (long long)(t1 - t0));
	cr_log_info("a 30 ms sleep took %lld ms", (long long)(t1 - t0));
	u = c->unix_time(c->ctx);
	cr_assert_gt(u, 1700000000);
	c->sleep_ms(c->ctx, 0);
	c->sleep_ms(c->ctx, -5);
	r1 = c->random(c->ctx);
	r2 = c->random(c->ctx);
	r3 = c->random(c->ctx);
	cr_assert(r1 != r2 || r2 != r3, "three equal random values");
}
