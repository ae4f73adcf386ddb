/*
 * One client reuses its connections: 100 registrations open only a couple of TLS
 * connections, sign in once, and leave exactly 100 mappings.
 */
#include "harness_fixture.h"

#include <jansson.h>

TestSuite(connections, .init = fixture_setup, .fini = fixture_teardown, .timeout = 300);

Test(connections, hundred_registrations_reuse_connections)
{
	char guid[64];
	char *stats = NULL;
	json_t *state, *reg, *subs, *cstats;
	int i;

	cr_assert_eq(harness_reset_counters(&emu), 0);
	for (i = 0; i < 100; i++) {
		char *out = NULL;
		int rc;
		snprintf(guid, sizeof guid, "00000000-0000-4000-8000-%012d", i);
		rc = azsreg_customer_put(&out, client, HARNESS_REGISTRATION_ID, guid, HARNESS_TENANT_ID);
		cr_assert_eq(rc, AZSREG_OK, "registration %d: %s", i, azsreg_error_last()->message);
		azsreg_free(out);
	}
	cr_expect_leq(harness_stat(&emu, "tlsConnections"), 2, "%ld TLS connections for 100 registrations",
		      harness_stat(&emu, "tlsConnections"));
	cr_expect_eq(harness_stat(&emu, "tokenRequests"), 1, "signed in %ld times", harness_stat(&emu, "tokenRequests"));
	cr_expect_eq(harness_count_requests(&emu, "PUT", "/customerSubscriptions/"), 100);

	cr_assert_eq(azsreg_client_stats(&stats, client), AZSREG_OK);
	cstats = json_loads(stats, 0, NULL);
	cr_assert_not_null(cstats, "client stats: %s", stats);
	cr_expect_leq(json_integer_value(json_object_get(cstats, "connectionsOpened")), 2, "client stats: %s", stats);
	cr_expect_eq(json_integer_value(json_object_get(cstats, "retries")), 0, "client stats: %s", stats);
	json_decref(cstats);
	azsreg_free(stats);

	/* exactly 100 distinct mappings */
	state = harness_state(&emu);
	reg = harness_state_registration(state, HARNESS_REG_NAME);
	subs = json_object_get(reg, "customerSubscriptions");
	cr_expect_eq(json_array_size(subs), 100);
	{
		char *m = harness_mappings(&emu, HARNESS_REG_NAME);
		cr_assert_not_null(m);
		for (i = 0; i < 100; i++) {
			snprintf(guid, sizeof guid, "00000000-0000-4000-8000-%012d", i);
			cr_expect_not_null(strstr(m, guid), "%s missing", guid);
		}
		free(m);
	}
	json_decref(state);
}
