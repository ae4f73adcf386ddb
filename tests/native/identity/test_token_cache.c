/* test_token_cache.c: renewal timing, one renewal at a time, force renew, failures (token_cache.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>

#include "auth_fakes.h"

typedef struct test_cred {
	azsreg_credential base;
	pthread_mutex_t mu;
	int calls;
	int64_t lifetime;
	int64_t ms_lifetime; /* > 0: issue tokens with millisecond fields */
	int fail_next; /* number of calls that fail */
	af_clock *clock;
	/* The gate (under mu): while `gated` is set and `gate_open` is not, get_token waits
	 * on gate_cv. `inside` counts the calls that reached get_token and have not returned.
	 * Race tests hold the renewer here until the other threads wait in the cache. */
	pthread_cond_t gate_cv;
	int gated;
	int gate_open;
	int inside;
} test_cred;

static int tc_get(azsreg_credential *cred, const azsreg_token_context *ctx, azsreg_token *out)
{
	test_cred *c = (test_cred *)cred;
	char buf[32];
	int n, fail;

	(void)ctx;
	pthread_mutex_lock(&c->mu);
	n = ++c->calls;
	fail = c->fail_next > 0;
	if (fail)
		c->fail_next--;
	c->inside++;
	pthread_cond_broadcast(&c->gate_cv);
	while (c->gated && !c->gate_open)
		pthread_cond_wait(&c->gate_cv, &c->mu);
	c->inside--;
	pthread_mutex_unlock(&c->mu);
	if (fail) {
		azsreg_error_info info;

		memset(&info, 0, sizeof(info));
		info.code = AZSREG_EAUTH;
		info.http_status = 401;
		info.message = "sign-in with Test: invalid_client: AADSTS7000215: Invalid client secret provided.";
		info.arm_code = "AADSTS7000215";
		return azsreg_error__set_info(&info);
	}
	snprintf(buf, sizeof(buf), "token-%d", n);
	memset(out, 0, sizeof(*out));
	out->access_token = strdup(buf);
	out->issued_at_ms = c->clock->unix_now * 1000;
	out->expires_on_ms = (c->clock->unix_now + c->lifetime) * 1000;
	if (c->ms_lifetime > 0) {
		out->issued_at_ms = c->clock->unix_now * 1000 + c->clock->sub_ms;
		out->expires_on_ms = out->issued_at_ms + c->ms_lifetime;
	}
	out->account = strdup("app");
	out->tenant_id = strdup("tid");
	return 0;
}

static void tc_destroy(azsreg_credential *cred)
{
	test_cred *c = (test_cred *)cred;

	pthread_cond_destroy(&c->gate_cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static const azsreg_credential_vtable tc_vt = { "Test", tc_get, tc_destroy };

static test_cred *tc_new(af_clock *clk, int64_t lifetime)
{
	test_cred *c = calloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->gate_cv, NULL);
	c->lifetime = lifetime;
	c->clock = clk;
	azsreg_credential__init(&c->base, &tc_vt, "Test(client x)");
	return c;
}

static af_clock clk;
static azsreg_token_context ctx;

/* Closes the gate: the next get_token calls wait until gate_open. */
static void gate_close(test_cred *c)
{
	pthread_mutex_lock(&c->mu);
	c->gated = 1;
	c->gate_open = 0;
	pthread_mutex_unlock(&c->mu);
}

/* Waits (no timeout: Criterion's bounds the test) until `n` calls are inside get_token. */
static void gate_wait_inside(test_cred *c, int n)
{
	pthread_mutex_lock(&c->mu);
	while (c->inside < n)
		pthread_cond_wait(&c->gate_cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void gate_release(test_cred *c)
{
	pthread_mutex_lock(&c->mu);
	c->gate_open = 1;
	pthread_cond_broadcast(&c->gate_cv);
	pthread_mutex_unlock(&c->mu);
}

/*
 * Waits until `n` threads wait in the cache for the renewal held at the gate, or until a
 * second call reaches the credential (a cache that lets threads renew side by side: the
 * test's call count then fails at once). The cache has no condition variable of ours to
 * wait on, so this polls its counter: it waits for an event, whatever the time it takes
 * (the suite's timeout bounds it).
 */
static void wait_for_waiters(const azsreg_token_cache *cache, test_cred *cred, unsigned long n)
{
	for (;;) {
		int inside;

		pthread_mutex_lock(&cred->mu);
		inside = cred->inside;
		pthread_mutex_unlock(&cred->mu);
		if (inside > 1 || azsreg_token_cache__waiting(cache) >= n)
			return;
		sched_yield();
	}
}

static void setup(void)
{
	af_clock_init(&clk);
	memset(&ctx, 0, sizeof(ctx));
	ctx.env = &af_env_aad;
	ctx.clock = &clk.clock;
}

static char *get(azsreg_token_cache *c, test_cred *cred, int force)
{
	char *b = NULL;

	cr_assert_eq(azsreg_token_cache__get(c, &cred->base, &ctx, force, NULL, &b), 0, "%s", azsreg_error_last()->message);
	return b;
}

static void expect_token(azsreg_token_cache *c, test_cred *cred, const char *want)
{
	char *b = get(c, cred, 0);

	cr_expect_str_eq(b, want);
	azsreg__free_secret(b);
}

TestSuite(token_cache, .init = setup, .timeout = 60); /* a gate that never opens fails, not hangs */

Test(token_cache, renews_five_minutes_before_expiry_of_an_hour_token)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	int64_t t0 = clk.unix_now;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	clk.unix_now = t0 + 3299;
	expect_token(c, cred, "token-1");
	cr_expect_eq(cred->calls, 1);
	clk.unix_now = t0 + 3300; /* 300 s before expiry */
	expect_token(c, cred, "token-2");
	cr_expect_eq(cred->calls, 2);
	cr_expect_eq(azsreg_token_cache__requests(c), 2);
	cr_expect_eq(azsreg_token_cache__renewals(c), 1);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, short_lived_tokens_renew_at_five_sixths_of_their_life)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 60);
	int64_t t0 = clk.unix_now;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	clk.unix_now = t0 + 49;
	expect_token(c, cred, "token-1");
	clk.unix_now = t0 + 50; /* margin 60/6 = 10 s */
	expect_token(c, cred, "token-2");
	/* 3 s tokens: margin at least 1 s -> renew at 2 s. */
	cred->lifetime = 3;
	clk.unix_now += 100;
	expect_token(c, cred, "token-3");
	clk.unix_now += 1;
	expect_token(c, cred, "token-3");
	clk.unix_now += 1;
	expect_token(c, cred, "token-4");
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, renew_margin_in_milliseconds)
{
	azsreg_token t;

	memset(&t, 0, sizeof(t));
	t.issued_at_ms = INT64_C(1700000000000);
#define MARGIN(life_ms) (t.expires_on_ms = t.issued_at_ms + (life_ms), azsreg_token__renew_margin_ms(&t))
	cr_expect_eq(MARGIN(3600000), 300000); /* 1 h: 5 min */
	cr_expect_eq(MARGIN(86400000), 300000); /* capped at 5 min */
	cr_expect_eq(MARGIN(600000), 100000); /* 10 min: 1/6 */
	cr_expect_eq(MARGIN(60000), 10000);
	cr_expect_eq(MARGIN(12000), 2000);
	cr_expect_eq(MARGIN(10000), 1666); /* from 10 s on: 1/6 */
	cr_expect_eq(MARGIN(9000), 3000); /* under 10 s: 1/3 */
	cr_expect_eq(MARGIN(6000), 2000);
	cr_expect_eq(MARGIN(2000), 1000); /* a 2 s token: 1 s */
	cr_expect_eq(MARGIN(1100), 1000); /* at least 1 s */
	cr_expect_eq(MARGIN(0), 1000);
	cr_expect_eq(MARGIN(-5000), 1000);
#undef MARGIN
	/* whole seconds */
	memset(&t, 0, sizeof(t));
	t.issued_at_ms = INT64_C(1700000000000);
	t.expires_on_ms = INT64_C(1700000006000);
	cr_expect_eq(azsreg_token__renew_margin_ms(&t), 2000);
}

/* Tokens under 10 s are renewed a third of their life ahead (a 6 s token 2 s ahead, not 1 s). */
Test(token_cache, six_second_tokens_renew_two_seconds_ahead)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 6);
	int64_t t0 = clk.unix_now;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	clk.unix_now = t0 + 3;
	clk.sub_ms = 999;
	expect_token(c, cred, "token-1");
	clk.unix_now = t0 + 4;
	clk.sub_ms = 0;
	expect_token(c, cred, "token-2");
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

/* The comparison is in milliseconds: a token that expires at x.000 is renewed at (x-1).000. */
Test(token_cache, renewal_is_compared_in_milliseconds)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 2);
	int64_t t0 = clk.unix_now;

	cred->ms_lifetime = 1100; /* sent at t0.900, exp t0+2 (a JWT exp in whole seconds) */
	clk.sub_ms = 900;
	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	clk.unix_now = t0;
	clk.sub_ms = 999;
	expect_token(c, cred, "token-1");
	clk.unix_now = t0 + 1; /* t0+1.000 = exp - 1 s */
	clk.sub_ms = 0;
	expect_token(c, cred, "token-2");
	/* token-2: sent at t0+1.000, lifetime 1.1 s -> expires t0+2.100, fresh until t0+1.100 */
	clk.sub_ms = 99;
	expect_token(c, cred, "token-2");
	clk.sub_ms = 100;
	expect_token(c, cred, "token-3");
	cr_expect_eq(cred->calls, 3);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, tokens_are_kept_per_audience_and_tenant)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	ctx.tenant = "other.onmicrosoft.com";
	expect_token(c, cred, "token-2");
	expect_token(c, cred, "token-2");
	ctx.tenant = NULL;
	expect_token(c, cred, "token-1");
	ctx.env = &af_env_adfs;
	expect_token(c, cred, "token-3");
	cr_expect_eq(cred->calls, 3);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

typedef struct race {
	azsreg_token_cache *cache;
	test_cred *cred;
	pthread_barrier_t *barrier;
	int rc;
	char *bearer;
	int force;
	const char *failed;
} race;

static void *racer(void *arg)
{
	race *r = arg;

	pthread_barrier_wait(r->barrier);
	r->rc = azsreg_token_cache__get(r->cache, &r->cred->base, &ctx, r->force, r->failed, &r->bearer);
	return NULL;
}

#define RACERS_MAX 16

/*
 * n threads (up to RACERS_MAX) ask the cache at once, each with `force` and `failed` as
 * azsreg_token_cache__get takes them; the renewal one of them makes is held at the gate
 * until the n - 1 others wait for it, then released. Every thread is joined on return;
 * r[i] holds what thread i got.
 */
static void race_through_gate(race *r, int n, azsreg_token_cache *c, test_cred *cred, int force, const char *failed)
{
	pthread_t th[RACERS_MAX];
	pthread_barrier_t barrier;
	int i;

	cr_assert(n >= 2 && n <= RACERS_MAX);
	gate_close(cred);
	pthread_barrier_init(&barrier, NULL, (unsigned)n);
	for (i = 0; i < n; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].cache = c;
		r[i].cred = cred;
		r[i].barrier = &barrier;
		r[i].force = force;
		r[i].failed = failed;
		pthread_create(&th[i], NULL, racer, &r[i]);
	}
	gate_wait_inside(cred, 1);
	wait_for_waiters(c, cred, (unsigned long)(n - 1));
	gate_release(cred);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
}

Test(token_cache, sixteen_threads_at_once_make_one_token_request)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	race r[16];
	int i;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	race_through_gate(r, 16, c, cred, 0, NULL);
	for (i = 0; i < 16; i++) {
		cr_expect_eq(r[i].rc, 0);
		cr_expect_str_eq(r[i].bearer, "token-1");
		azsreg__free_secret(r[i].bearer);
	}
	cr_expect_eq(cred->calls, 1);
	cr_expect_eq(azsreg_token_cache__requests(c), 1);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, sixteen_threads_after_a_401_renew_once)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	race r[16];
	int i;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	race_through_gate(r, 16, c, cred, 1, "token-1");
	for (i = 0; i < 16; i++) {
		cr_expect_eq(r[i].rc, 0);
		cr_expect_str_eq(r[i].bearer, "token-2");
		azsreg__free_secret(r[i].bearer);
	}
	cr_expect_eq(cred->calls, 2);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, force_renew_renews_once_unless_already_renewed)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	char *b = NULL;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	/* The refused bearer is the current one: renew although it is far from expiry. */
	cr_assert_eq(azsreg_token_cache__get(c, &cred->base, &ctx, 1, "token-1", &b), 0);
	cr_expect_str_eq(b, "token-2");
	azsreg__free_secret(b);
	/* Another request that was refused with token-1: token-2 is already there. */
	cr_assert_eq(azsreg_token_cache__get(c, &cred->base, &ctx, 1, "token-1", &b), 0);
	cr_expect_str_eq(b, "token-2");
	azsreg__free_secret(b);
	cr_expect_eq(cred->calls, 2);
	/* Without the bearer: this thread last received token-2 (current) -> renew. */
	b = get(c, cred, 1);
	cr_expect_str_eq(b, "token-3");
	azsreg__free_secret(b);
	cr_expect_eq(cred->calls, 3);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

static void *get_in_thread(void *arg)
{
	race *r = arg;

	r->rc = azsreg_token_cache__get(r->cache, &r->cred->base, &ctx, r->force, NULL, &r->bearer);
	return NULL;
}

Test(token_cache, force_renew_without_bearer_uses_a_renewal_made_by_another_thread)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	pthread_t th;
	race r;
	char *b;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1"); /* this thread saw token-1 */
	memset(&r, 0, sizeof(r));
	r.cache = c;
	r.cred = cred;
	r.force = 1; /* the other thread has never received a token: it renews */
	pthread_create(&th, NULL, get_in_thread, &r);
	pthread_join(th, NULL);
	cr_expect_str_eq(r.bearer, "token-2");
	azsreg__free_secret(r.bearer);
	b = get(c, cred, 1); /* our token-1 was refused, but token-2 is newer */
	cr_expect_str_eq(b, "token-2");
	azsreg__free_secret(b);
	cr_expect_eq(cred->calls, 2);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, a_valid_token_is_used_while_another_thread_renews)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	pthread_t th;
	race r;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	clk.unix_now += 3400; /* inside the renewal window, not expired */
	gate_close(cred);
	memset(&r, 0, sizeof(r));
	r.cache = c;
	r.cred = cred;
	pthread_create(&th, NULL, get_in_thread, &r);
	gate_wait_inside(cred, 1); /* the other thread renews, held at the gate */
	expect_token(c, cred, "token-1"); /* does not wait (if it did: the suite's timeout) */
	gate_release(cred);
	pthread_join(th, NULL);
	cr_expect_str_eq(r.bearer, "token-2");
	azsreg__free_secret(r.bearer);
	expect_token(c, cred, "token-2");
	cr_expect_eq(cred->calls, 2);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, failures_are_not_cached_and_pass_up_unmasked)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	char *b = NULL;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	cred->fail_next = 1;
	cr_expect_eq(azsreg_token_cache__get(c, &cred->base, &ctx, 0, NULL, &b), AZSREG_EAUTH);
	cr_expect_null(b);
	cr_expect_str_eq(azsreg_error_last()->arm_code, "AADSTS7000215");
	cr_expect_eq(azsreg_error_last()->http_status, 401);
	expect_token(c, cred, "token-2");
	cr_expect_eq(cred->calls, 2);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, waiters_of_a_failed_renewal_get_its_error_without_new_requests)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	race r[8];
	int i;

	cred->fail_next = 1;
	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	race_through_gate(r, 8, c, cred, 0, NULL); /* the failing renewal is held until the 7 others wait */
	for (i = 0; i < 8; i++)
		cr_expect_eq(r[i].rc, AZSREG_EAUTH);
	cr_expect_eq(cred->calls, 1);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, describe_reports_account_tenant_and_expiry)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	char *acct = NULL, *ten = NULL;
	int64_t exp = 0;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	cr_expect_eq(azsreg_token_cache__describe(c, &ctx, &acct, &ten, &exp), AZSREG_ENOTFOUND);
	expect_token(c, cred, "token-1");
	cr_assert_eq(azsreg_token_cache__describe(c, &ctx, &acct, &ten, &exp), 0);
	cr_expect_str_eq(acct, "app");
	cr_expect_str_eq(ten, "tid");
	cr_expect_eq(exp, clk.unix_now + 3600);
	free(acct);
	free(ten);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}

Test(token_cache, expired_token_is_never_handed_out)
{
	azsreg_token_cache *c = NULL;
	test_cred *cred = tc_new(&clk, 3600);
	char *b = NULL;

	cr_assert_eq(azsreg_token_cache__new(&c), 0);
	expect_token(c, cred, "token-1");
	clk.unix_now += 4000;
	cred->fail_next = 1;
	cr_expect_eq(azsreg_token_cache__get(c, &cred->base, &ctx, 0, NULL, &b), AZSREG_EAUTH);
	cr_expect_null(b);
	azsreg_token_cache__free(c);
	azsreg_credential_free(&cred->base);
}
