/*
 * Criterion fixture shared by the integration test programs: one fresh emulator and one
 * client per test (Criterion runs every test in its own process).
 */
#ifndef AZSREG_TEST_HARNESS_FIXTURE_H
#define AZSREG_TEST_HARNESS_FIXTURE_H

#include <criterion/criterion.h>
#include <string.h>

#include "harness.h"

static harness_emulator emu;
static azsreg_client *client;

/* Starts the emulator and makes a default client (sample service principal, its CA). */
static void fixture_setup(void)
{
	cr_assert_eq(harness_emulator_start(&emu, NULL), 0, "the emulator did not start");
	client = harness_client_new(&emu, NULL);
	cr_assert_not_null(client, "no client: %s", azsreg_error_last()->message);
}

/* Frees the client and stops the emulator, which must exit cleanly (status 0). */
static void fixture_teardown(void)
{
	azsreg_client_free(client);
	client = NULL;
	cr_expect_eq(harness_emulator_stop(&emu), 0, "the emulator did not stop cleanly");
}

/* Asserts the mappings of the sample registration in the emulator's dumped state. */
#define ASSERT_MAPPINGS(expected) \
	do { \
		char *m_ = harness_mappings(&emu, HARNESS_REG_NAME); \
		cr_assert_not_null(m_, "could not read the emulator state"); \
		cr_expect_str_eq(m_, (expected), "state holds [%s], expected [%s]", m_, (expected)); \
		free(m_); \
	} while (0)

/* Asserts the calling thread's last error: result code, HTTP status, ARM code, and that
 * the ARM message, request ID and hint reached the caller (and the one-line message). */
#define ASSERT_ARM_ERROR(rc, want_code, want_status, want_arm) \
	do { \
		const azsreg_error *e_ = azsreg_error_last(); \
		cr_assert_eq((rc), (want_code), "result %s, expected %s: %s", azsreg_result_name(rc), \
			     azsreg_result_name(want_code), e_->message); \
		cr_expect_eq(e_->code, (want_code)); \
		cr_expect_eq(e_->http_status, (want_status), "HTTP status %d", e_->http_status); \
		cr_expect_str_eq(e_->arm_code, (want_arm)); \
		cr_expect_neq(e_->arm_message[0], '\0', "no ARM message"); \
		cr_expect_eq(strlen(e_->request_id), 36, "request ID [%s]", e_->request_id); \
		cr_expect_neq(e_->correlation_id[0], '\0', "no correlation ID"); \
		cr_expect_not_null(strstr(e_->message, (want_arm)), "message lacks the code: %s", e_->message); \
		cr_expect_not_null(strstr(e_->message, e_->request_id), "message lacks the request ID: %s", e_->message); \
		cr_expect_neq(e_->hint[0], '\0', "no hint for %s", (want_arm)); \
	} while (0)

#endif
