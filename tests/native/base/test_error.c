/* error.c: thread-local last error, ARM / identity bodies, hints, status mapping. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <jansson.h>

#include "internal.h"

#define has(hay, needle) cr_assert(strstr((hay), (needle)) != NULL, "'%s' not in '%s'", (needle), (hay))

static int arm(int status, const char *body, const char *rid, const char *cid, const char *what)
{
	return azsreg_error__from_arm(status, body, body ? strlen(body) : 0, rid, cid, what);
}

static int aad(int status, const char *body, const char *what)
{
	return azsreg_error__from_identity(status, body, body ? strlen(body) : 0, what);
}

Test(error, defaults_are_empty_never_null)
{
	const azsreg_error *e;

	azsreg_error_clear();
	e = azsreg_error_last();
	cr_assert_not_null(e);
	cr_assert_eq(e->code, 0);
	cr_assert_eq(e->http_status, 0);
	cr_assert_str_eq(e->message, "");
	cr_assert_str_eq(e->arm_code, "");
	cr_assert_str_eq(e->arm_message, "");
	cr_assert_str_eq(e->target, "");
	cr_assert_str_eq(e->details_json, "");
	cr_assert_str_eq(e->request_id, "");
	cr_assert_str_eq(e->correlation_id, "");
	cr_assert_str_eq(e->hint, "");
}

Test(error, set_formats_and_resets_other_fields)
{
	const azsreg_error *e;

	arm(404, "{\"error\":{\"code\":\"RegistrationNotFound\",\"message\":\"m\"}}", "rid", "cid", "get");
	cr_assert_eq(azsreg_error__set(AZSREG_EINVALID, "bad %s at %d", "thing", 7), AZSREG_EINVALID);
	e = azsreg_error_last();
	cr_assert_eq(e->code, AZSREG_EINVALID);
	cr_assert_str_eq(e->message, "bad thing at 7");
	cr_assert_eq(e->http_status, 0);
	cr_assert_str_eq(e->arm_code, "");
	cr_assert_str_eq(e->request_id, "");
	cr_assert_str_eq(e->hint, "");
}

Test(error, set_may_use_the_previous_message_as_argument)
{
	azsreg_error__set(AZSREG_ENETWORK, "connection refused");
	azsreg_error__set(AZSREG_ENETWORK, "retry failed: %s", azsreg_error_last()->message);
	cr_assert_str_eq(azsreg_error_last()->message, "retry failed: connection refused");
}

Test(error, messages_are_redacted)
{
	azsreg_error__set(AZSREG_EAUTH, "token request client_secret=abc123&x=1 failed with Bearer eyJa.eyJb.c");
	cr_assert_null(strstr(azsreg_error_last()->message, "abc123"));
	cr_assert_null(strstr(azsreg_error_last()->message, "eyJa"));
	has(azsreg_error_last()->message, "client_secret=***");
}

Test(error, quiet_keeps_codes_builds_no_message_and_is_per_call_restored)
{
	cr_assert_eq(azsreg_error__set(AZSREG_ENETWORK, "loud"), AZSREG_ENETWORK);
	cr_assert_eq(azsreg_error__quiet(1), 0);
	cr_assert_eq(azsreg_error__set(AZSREG_EINVALID, "bad %s", "value"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_error_last()->code, AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "");
	cr_assert_eq(azsreg_error__prefix("context"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_error__suffix(AZSREG_ENOMEM, " more"), AZSREG_ENOMEM);
	cr_assert_str_eq(azsreg_error_last()->message, "");
	cr_assert_eq(azsreg_error_last()->code, AZSREG_ENOMEM);
	cr_assert_eq(azsreg_error__quiet(0), 1);
	cr_assert_eq(azsreg_error__set(AZSREG_EINVALID, "bad %s", "value"), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "bad value");
}

/* Issue #9, finding 7: input quoted in a message cannot forge lines (CR/LF and other controls escaped). */
Test(invalid_input, control_characters_in_messages_are_escaped)
{
	const char *m;

	azsreg_error__set(AZSREG_EINVALID, "ARM endpoint 'https://x/\r\nX-Injected: y' bad\ttab \x01\x1b[31m del\x7f");
	m = azsreg_error_last()->message;
	cr_expect_str_eq(m, "ARM endpoint 'https://x/\\r\\nX-Injected: y' bad\\ttab \\x01\\x1b[31m del\\x7f");
	cr_expect_null(strchr(m, '\r'));
	cr_expect_null(strchr(m, '\n'));
	/* prefix and set_info escape too; an escaped message is not escaped twice */
	azsreg_error__prefix("customer '%s'", "a\nb");
	cr_expect_str_eq(azsreg_error_last()->message,
			 "customer 'a\\nb': ARM endpoint 'https://x/\\r\\nX-Injected: y' bad\\ttab \\x01\\x1b[31m del\\x7f");
	{
		azsreg_error_info info;
		memset(&info, 0, sizeof(info));
		info.code = AZSREG_ESERVICE;
		info.message = "line one\nline two";
		azsreg_error__set_info(&info);
		cr_expect_str_eq(azsreg_error_last()->message, "line one\\nline two");
	}
	/* redaction still sees the real header line, then the result is escaped */
	azsreg_error__set(AZSREG_EINVALID, "x\r\nAuthorization: Bearer secret-value-here\r\n");
	cr_expect_null(strstr(azsreg_error_last()->message, "secret-value-here"), "%s", azsreg_error_last()->message);
	cr_expect_null(strchr(azsreg_error_last()->message, '\n'));
	/*
	 * Found by fuzz_error_body: escaping must not rebuild a registered secret from text
	 * that does not hold it (a form feed before "uzz-..." is written "\\f" + "uzz-...").
	 */
	{
		azsreg_error_info info;
		const char *j;

		azsreg_secret__register("fuzz-escape-secret-7Q2x");
		memset(&info, 0, sizeof(info));
		info.code = AZSREG_ESERVICE;
		info.message = "m \fuzz-escape-secret-7Q2x";
		info.arm_message = "a \fuzz-escape-secret-7Q2x";
		info.target = "t\fuzz-escape-secret-7Q2x";
		azsreg_error__set_info(&info);
		cr_expect_str_eq(azsreg_error_last()->message, "m \\x0cuzz-escape-secret-7Q2x");
		cr_expect_str_eq(azsreg_error_last()->arm_message, "a \\x0cuzz-escape-secret-7Q2x");
		j = azsreg_error_last_json();
		cr_expect_null(strstr(j, "fuzz-escape-secret-7Q2x"), "%s", j);
		azsreg_secret__unregister("fuzz-escape-secret-7Q2x");
	}
	/* backslashes and UTF-8 pass unchanged */
	azsreg_error__set(AZSREG_EINVALID, "C:\\path \xc3\xa9");
	cr_expect_str_eq(azsreg_error_last()->message, "C:\\path \xc3\xa9");
}

Test(error, prefix_keeps_fields)
{
	arm(403, "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"no\"}}", "r-1", NULL, "put");
	cr_assert_eq(azsreg_error__prefix("customer %s", "c1"), AZSREG_EAUTH);
	cr_assert_str_eq(azsreg_error_last()->message, "customer c1: put: AuthorizationFailed: no (HTTP 403, request ID r-1)");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "AuthorizationFailed");
	cr_assert_str_eq(azsreg_error_last()->request_id, "r-1");
	cr_assert_eq(azsreg_error_last()->http_status, 403);
	cr_assert_neq(azsreg_error_last()->hint[0], '\0');
}

Test(error, set_info_copies_and_hints)
{
	azsreg_error_info info = { 0 };
	char msg[] = "message here";

	info.code = AZSREG_ENOTFOUND;
	info.http_status = 404;
	info.message = msg;
	info.arm_code = "CustomerSubscriptionNotFound";
	info.request_id = "rq";
	azsreg_error__set_info(&info);
	msg[0] = 'X'; /* the error keeps its own copy */
	cr_assert_str_eq(azsreg_error_last()->message, "message here");
	cr_assert_str_eq(azsreg_error_last()->arm_message, "");
	cr_assert_str_eq(azsreg_error_last()->request_id, "rq");
	cr_assert_str_eq(azsreg_error_last()->hint, azsreg_error_hint("CustomerSubscriptionNotFound"));
}

Test(error, result_names)
{
	cr_assert_str_eq(azsreg_result_name(AZSREG_OK), "AZSREG_OK");
	cr_assert_str_eq(azsreg_result_name(AZSREG_EAUTH), "AZSREG_EAUTH");
	cr_assert_str_eq(azsreg_result_name(AZSREG_ECANCELLED), "AZSREG_ECANCELLED");
	cr_assert_str_eq(azsreg_result_name(AZSREG_ECONFLICT), "AZSREG_ECONFLICT");
	cr_assert_str_eq(azsreg_result_name(-999), "AZSREG_UNKNOWN");
}

Test(error, code_for_status)
{
	cr_assert_eq(azsreg_error__code_for_status(401, NULL), AZSREG_EAUTH);
	cr_assert_eq(azsreg_error__code_for_status(403, ""), AZSREG_EAUTH);
	cr_assert_eq(azsreg_error__code_for_status(404, "RegistrationNotFound"), AZSREG_ENOTFOUND);
	cr_assert_eq(azsreg_error__code_for_status(409, NULL), AZSREG_ECONFLICT);
	cr_assert_eq(azsreg_error__code_for_status(429, NULL), AZSREG_ETHROTTLED);
	cr_assert_eq(azsreg_error__code_for_status(408, NULL), AZSREG_ETIMEOUT);
	cr_assert_eq(azsreg_error__code_for_status(504, "GatewayTimeout"), AZSREG_ETIMEOUT);
	cr_assert_eq(azsreg_error__code_for_status(400, "InvalidCustomerSubscriptionId"), AZSREG_ESERVICE);
	cr_assert_eq(azsreg_error__code_for_status(500, NULL), AZSREG_ESERVICE);
	cr_assert_eq(azsreg_error__code_for_status(502, NULL), AZSREG_ESERVICE);
	cr_assert_eq(azsreg_error__code_for_status(200, NULL), AZSREG_OK);
}

Test(error_arm, standard_shape_with_details)
{
	const azsreg_error *e;
	json_t *d;
	int rc;

	rc = arm(400, "{\"error\":{\"code\":\"BadCustomerSubscriptionId\",\"message\":\"The customer subscription belongs to another partner.\","
		      "\"target\":\"customerSubscriptionId\",\"details\":[{\"code\":\"Inner\",\"message\":\"x\"}]}}",
		 "req-1", "corr-1", "register customer subscription 0000");
	e = azsreg_error_last();
	cr_assert_eq(rc, AZSREG_ESERVICE);
	cr_assert_eq(e->code, AZSREG_ESERVICE);
	cr_assert_eq(e->http_status, 400);
	cr_assert_str_eq(e->message, "register customer subscription 0000: BadCustomerSubscriptionId: The customer subscription belongs to another partner. (HTTP 400, request ID req-1, correlation ID corr-1)");
	cr_assert_str_eq(e->arm_code, "BadCustomerSubscriptionId");
	cr_assert_str_eq(e->arm_message, "The customer subscription belongs to another partner.");
	cr_assert_str_eq(e->target, "customerSubscriptionId");
	cr_assert_str_eq(e->request_id, "req-1");
	cr_assert_str_eq(e->correlation_id, "corr-1");
	cr_assert_str_eq(e->hint, azsreg_error_hint("BadCustomerSubscriptionId"));
	d = json_loads(e->details_json, 0, NULL);
	cr_assert(json_is_array(d));
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "code")), "Inner");
	json_decref(d);
}

/*
 * Found by fuzz_error_body: the details used to be redacted as one text, and a
 * "Set-Cookie:" inside a string masked to the end of the line, the closing quotes and
 * brackets with it, so details_json was no longer JSON. Each string is redacted on its
 * own now; secret members and registered secrets are still hidden.
 */
Test(error_arm, details_are_redacted_string_by_string_and_stay_json)
{
	const azsreg_error *e;
	json_t *d, *item;

	azsreg_secret__register("details-secret-7Q2x");
	arm(400, "{\"error\":{\"code\":\"Bad\",\"message\":\"m\",\"details\":[{\"code\":\"x\","
		 "\"message\":\"a set-cookie: abc\",\"client_secret\":\"s3cr3t-value\","
		 "\"details-secret-7Q2x\":\"key holds it\",\"n\":[\"Bearer tok.en.x\",7,null,true]}]}}",
	    "r", NULL, "put");
	e = azsreg_error_last();
	d = json_loads(e->details_json, 0, NULL);
	cr_assert(json_is_array(d), "details_json is not a JSON array: %s", e->details_json);
	item = json_array_get(d, 0);
	cr_assert_str_eq(json_string_value(json_object_get(item, "code")), "x");
	cr_assert_str_eq(json_string_value(json_object_get(item, "message")), "a set-cookie: ***");
	cr_assert_str_eq(json_string_value(json_object_get(item, "client_secret")), "***");
	cr_assert_str_eq(json_string_value(json_object_get(item, "***")), "key holds it");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "n"), 0)), "Bearer ***");
	cr_assert_eq(json_integer_value(json_array_get(json_object_get(item, "n"), 1)), 7);
	cr_assert(json_is_null(json_array_get(json_object_get(item, "n"), 2)));
	cr_assert(json_is_true(json_array_get(json_object_get(item, "n"), 3)));
	cr_assert_null(strstr(e->details_json, "s3cr3t-value"));
	cr_assert_null(strstr(e->details_json, "details-secret-7Q2x"));
	json_decref(d);
	azsreg_secret__unregister("details-secret-7Q2x");
}

/* A registered secret made of JSON punctuation can show only once the strings are joined: no details then. */
Test(error_arm, details_are_dropped_when_a_secret_spans_the_structure)
{
	azsreg_secret__register("\",\"b");
	arm(400, "{\"error\":{\"code\":\"Bad\",\"message\":\"m\",\"details\":[\"a\",\"b\"]}}", "r", NULL, "put");
	cr_assert_str_eq(azsreg_error_last()->details_json, "");
	azsreg_secret__unregister("\",\"b");
}

Test(error_arm, empty_details_array_gives_empty_string)
{
	arm(404, "{\"error\":{\"code\":\"RegistrationNotFound\",\"message\":\"nope\",\"details\":[]}}", "r", NULL, "get registration");
	cr_assert_str_eq(azsreg_error_last()->details_json, "");
	cr_assert_eq(azsreg_error_last()->code, AZSREG_ENOTFOUND);
	has(azsreg_error_last()->hint, "public");
}

Test(error_arm, top_level_code_message)
{
	arm(409, "{\"code\":\"CustomerSubscriptionsNotAllowed\",\"message\":\"Capacity model\"}", NULL, NULL, "put");
	cr_assert_eq(azsreg_error_last()->code, AZSREG_ECONFLICT);
	cr_assert_str_eq(azsreg_error_last()->message, "put: CustomerSubscriptionsNotAllowed: Capacity model (HTTP 409)");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "CustomerSubscriptionsNotAllowed");
}

Test(error_arm, capitalised_members_and_odata)
{
	arm(400, "{\"Code\":\"InvalidCSPSubscription\",\"Message\":\"not CSP\"}", NULL, NULL, "put");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "InvalidCSPSubscription");
	cr_assert_str_eq(azsreg_error_last()->arm_message, "not CSP");
	arm(400, "{\"odata.error\":{\"code\":\"Request_BadRequest\",\"message\":{\"lang\":\"en\",\"value\":\"bad\"}}}", NULL, NULL, "graph");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "Request_BadRequest");
	cr_assert_str_eq(azsreg_error_last()->arm_message, "bad");
}

Test(error_arm, empty_body)
{
	int rc = arm(502, "", "rid-9", NULL, "list customer subscriptions");

	cr_assert_eq(rc, AZSREG_ESERVICE);
	cr_assert_str_eq(azsreg_error_last()->message, "list customer subscriptions: HTTP 502 with no ARM error body (request ID rid-9)");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "");
	cr_assert_eq(azsreg_error_last()->http_status, 502);
	rc = arm(404, NULL, NULL, NULL, NULL);
	cr_assert_eq(rc, AZSREG_ENOTFOUND);
	cr_assert_str_eq(azsreg_error_last()->message, "request: HTTP 404 with no ARM error body");
}

Test(error_arm, html_body)
{
	int rc = arm(503, "<html>\r\n<body>Service Unavailable</body></html>", NULL, "c", "get");

	cr_assert_eq(rc, AZSREG_ESERVICE);
	has(azsreg_error_last()->message, "HTTP 503 with no ARM error body");
	has(azsreg_error_last()->message, "<html> <body>Service Unavailable");
	cr_assert_null(strchr(azsreg_error_last()->message, '\n'));
}

Test(error_arm, json_without_error_members)
{
	arm(500, "{\"status\":\"weird\"}", NULL, NULL, "get");
	cr_assert_str_eq(azsreg_error_last()->message, "get: HTTP 500 with no ARM error body");
	arm(500, "[1,2]", NULL, NULL, "get");
	cr_assert_str_eq(azsreg_error_last()->message, "get: HTTP 500 with no ARM error body");
}

Test(error_arm, forbidden_message_kept_verbatim)
{
	const char *m = "The client 'app' with object id 'oid' does not have authorization to perform action "
			"'Microsoft.AzureStack/registrations/customerSubscriptions/write' over scope '/subscriptions/s/resourceGroups/rg' or the scope is invalid.";
	char body[1024];

	snprintf(body, sizeof(body), "{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"%s\"}}", m);
	cr_assert_eq(arm(403, body, "r", NULL, "put"), AZSREG_EAUTH);
	has(azsreg_error_last()->message, m);
	cr_assert_str_eq(azsreg_error_last()->arm_message, m);
}

Test(error_arm, throttled_and_timeouts)
{
	cr_assert_eq(arm(429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}", NULL, NULL, "put"), AZSREG_ETHROTTLED);
	cr_assert_eq(arm(504, "{\"error\":{\"code\":\"GatewayTimeout\",\"message\":\"late\"}}", NULL, NULL, "put"), AZSREG_ETIMEOUT);
	cr_assert_eq(arm(200, "{}", NULL, NULL, "put"), AZSREG_ESERVICE, "never reports success");
}

Test(error_arm, secrets_in_bodies_are_redacted)
{
	arm(400, "{\"error\":{\"code\":\"X\",\"message\":\"echo Authorization: Bearer eyJhbGc.eyJzdWI.sig\"}}", NULL, NULL, "put");
	cr_assert_null(strstr(azsreg_error_last()->message, "eyJ"));
	cr_assert_null(strstr(azsreg_error_last()->arm_message, "eyJ"));
}

Test(error_identity, aad_shape)
{
	const char *body = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided. "
			   "Ensure the secret being sent in the request is the client secret value.\\r\\nTrace ID: t-1\\r\\nCorrelation ID: c-1\\r\\nTimestamp: 2024\","
			   "\"error_codes\":[7000215],\"timestamp\":\"2024\",\"trace_id\":\"t-1\",\"correlation_id\":\"c-1\"}";
	const azsreg_error *e;

	cr_assert_eq(aad(401, body, "ClientSecret(app, tenant) at https://login.microsoftonline.com/tenant"), AZSREG_EAUTH);
	e = azsreg_error_last();
	cr_assert_eq(e->http_status, 401);
	cr_assert_str_eq(e->arm_code, "AADSTS7000215");
	has(e->arm_message, "AADSTS7000215: Invalid client secret provided.");
	cr_assert_str_eq(e->correlation_id, "c-1");
	cr_assert_str_eq(e->request_id, "t-1");
	has(e->message, "ClientSecret(app, tenant) at https://login.microsoftonline.com/tenant: invalid_client: AADSTS7000215: Invalid client secret provided.");
	has(e->message, "correlation ID c-1");
	cr_assert_null(strchr(e->message, '\n'));
	cr_assert_null(strchr(e->message, '\r'));
	cr_assert_str_eq(e->hint, azsreg_error_hint("AADSTS7000215"));
}

Test(error_identity, error_without_aadsts)
{
	cr_assert_eq(aad(400, "{\"error\":\"authorization_declined\",\"error_description\":\"The user declined.\"}", "device code"), AZSREG_EAUTH);
	cr_assert_str_eq(azsreg_error_last()->arm_code, "authorization_declined");
	cr_assert_str_eq(azsreg_error_last()->message, "device code: authorization_declined: The user declined. (HTTP 400)");
	cr_assert_str_eq(azsreg_error_last()->hint, azsreg_error_hint("authorization_declined"));
}

/* AD FS's shape (issue 10): only error + error_description, led by an MSIS code, which
 * becomes the code and picks an AD FS hint; an MSIS code without one falls back to the
 * OAuth error's. */
Test(error_identity, adfs_shape)
{
	const azsreg_error *e;

	cr_assert_eq(aad(400, "{\"error\":\"invalid_client\",\"error_description\":\"MSIS9622: Client authentication failed. "
			      "Please verify the credential provided for client authentication is valid.\"}",
			 "ClientSecret(app, adfs) at https://adfs.local/adfs"),
		     AZSREG_EAUTH);
	e = azsreg_error_last();
	cr_assert_str_eq(e->arm_code, "MSIS9622");
	cr_assert_str_eq(e->message, "ClientSecret(app, adfs) at https://adfs.local/adfs: invalid_client: MSIS9622: Client "
				     "authentication failed. Please verify the credential provided for client authentication "
				     "is valid. (HTTP 400)");
	cr_assert_str_eq(e->hint, azsreg_error_hint("MSIS9622"));
	has(e->hint, "AD FS");
	aad(400, "{\"error\":\"invalid_grant\",\"error_description\":\"MSIS9659: Invalid 'username' or 'password'.\"}", "t");
	cr_assert_str_eq(azsreg_error_last()->hint, azsreg_error_hint("MSIS9659"));
	aad(400, "{\"error\":\"invalid_grant\",\"error_description\":\"MSIS9614: The refresh token is invalid.\"}", "t");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "MSIS9614");
	cr_assert_str_eq(azsreg_error_last()->hint, azsreg_error_hint("invalid_grant"));
	/* "MSIS" without digits is not a code */
	aad(400, "{\"error\":\"invalid_request\",\"error_description\":\"MSIS: odd\"}", "t");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "invalid_request");
}

Test(error_identity, unknown_aadsts_falls_back_to_error_hint)
{
	aad(400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS50173: The provided grant has expired.\"}", "refresh");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "AADSTS50173");
	cr_assert_str_eq(azsreg_error_last()->hint, azsreg_error_hint("invalid_grant"));
}

Test(error_identity, odd_bodies)
{
	cr_assert_eq(aad(500, "", "token"), AZSREG_ESERVICE);
	cr_assert_str_eq(azsreg_error_last()->message, "token: HTTP 500 with no identity error body");
	cr_assert_eq(aad(429, "nope", "token"), AZSREG_ETHROTTLED);
	has(azsreg_error_last()->message, "\"nope\"");
	cr_assert_eq(aad(400, "{\"error\":{\"code\":\"identity_not_found\",\"message\":\"Identity not found\"}}", "managed identity"), AZSREG_EAUTH);
	cr_assert_str_eq(azsreg_error_last()->arm_code, "identity_not_found");
	cr_assert_eq(aad(504, NULL, "imds"), AZSREG_ETIMEOUT);
	/* "AADSTS" without digits is not a code */
	aad(400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS: odd\"}", "t");
	cr_assert_str_eq(azsreg_error_last()->arm_code, "invalid_request");
}

Test(error, hints_for_every_documented_code)
{
	static const char *const codes[] = {
		"RegistrationNotFound",
		"BadCustomerSubscriptionId",
		"InvalidCustomerSubscriptionId",
		"CustomerSubscriptionNotFound",
		"UnauthorizedCspRegistration",
		"CustomerSubscriptionsNotAllowed",
		"InvalidCSPSubscription",
		"MetadataResolverBadGatewayError",
		"AuthorizationFailed",
		"InvalidAuthenticationToken",
		"ExpiredAuthenticationToken",
		"InvalidAuthenticationTokenTenant",
		"SubscriptionNotFound",
		"ResourceGroupNotFound",
		"MissingSubscriptionRegistration",
		"NoRegisteredProviderFound",
		"RequestDisallowedByPolicy",
		"TooManyRequests",
		"CloudIdUpdateNotAllowed",
		"InternalServerError",
		"GatewayTimeout",
		"invalid_client",
		"unauthorized_client",
		"invalid_request",
		"AADSTS90002",
		"AADSTS7000215",
		"AADSTS7000222",
		"AADSTS700016",
		"AADSTS700027",
		"AADSTS700024",
		"authorization_declined",
		"expired_token",
		"ManagedIdentityUnavailable",
		"MSIS9622",
		"MSIS9607",
		"MSIS9659",
		"MSIS9602",
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *h = azsreg_error_hint(codes[i]);
		cr_assert_not_null(h, "no hint for %s", codes[i]);
		cr_assert_gt(strlen(h), 20, "hint for %s", codes[i]);
		cr_assert_null(strchr(h, '\n'), "hint for %s is one line", codes[i]);
	}
	cr_assert_str_eq(azsreg_error_hint("registrationnotfound"), azsreg_error_hint("RegistrationNotFound"));
	has(azsreg_error_hint("RegistrationNotFound"), "not on the Azure Stack deployment's own ARM");
	has(azsreg_error_hint("RegistrationNotFound"), "management.azure.com");
	has(azsreg_error_hint("RegistrationNotFound"), "GET /subscriptions/<sub>/providers/Microsoft.AzureStack/registrations");
	/* issue 12: the front ends add their own commands (cli_hint, ModuleHint); the library names none */
	cr_expect_null(strstr(azsreg_error_hint("RegistrationNotFound"), "Get-AzsRegistration"));
	cr_expect_null(strstr(azsreg_error_hint("RegistrationNotFound"), "azsreg request"));
	/* hints name only commands and options that exist */
	cr_expect_null(strstr(azsreg_error_hint("RegistrationNotFound"), "azsreg registration list"));
	cr_expect_null(strstr(azsreg_error_hint("InvalidAuthenticationTokenTenant"), "(--tenant)"));
	has(azsreg_error_hint("InvalidAuthenticationTokenTenant"), "the tenant given to the credential, or AZURE_TENANT_ID");
	cr_expect_null(strstr(azsreg_error_hint("InvalidAuthenticationTokenTenant"), "--sign-in-tenant"));
	cr_expect_null(strstr(azsreg_error_hint("InvalidAuthenticationTokenTenant"), "-TenantId"));
	has(azsreg_error_hint("AADSTS7000222"), "expired");
	has(azsreg_error_hint("UnauthorizedCspRegistration"), "multi-tenant");
	has(azsreg_error_hint("CustomerSubscriptionsNotAllowed"), "PayAsYouUse");
	cr_assert_null(azsreg_error_hint("NoSuchCode"));
	cr_assert_null(azsreg_error_hint(""));
	cr_assert_null(azsreg_error_hint(NULL));
}

Test(error, last_json)
{
	json_t *j;

	arm(404, "{\"error\":{\"code\":\"RegistrationNotFound\",\"message\":\"gone\",\"details\":[{\"code\":\"a\"}]}}", "r1", "c1", "get");
	j = json_loads(azsreg_error_last_json(), 0, NULL);
	cr_assert_not_null(j);
	cr_assert_eq(json_integer_value(json_object_get(j, "code")), AZSREG_ENOTFOUND);
	cr_assert_eq(json_integer_value(json_object_get(j, "httpStatus")), 404);
	cr_assert_str_eq(json_string_value(json_object_get(j, "armCode")), "RegistrationNotFound");
	cr_assert_str_eq(json_string_value(json_object_get(j, "armMessage")), "gone");
	cr_assert_str_eq(json_string_value(json_object_get(j, "requestId")), "r1");
	cr_assert_str_eq(json_string_value(json_object_get(j, "correlationId")), "c1");
	cr_assert_str_eq(json_string_value(json_object_get(j, "message")), azsreg_error_last()->message);
	cr_assert_str_eq(json_string_value(json_object_get(j, "hint")), azsreg_error_last()->hint);
	cr_assert_str_eq(json_string_value(json_object_get(j, "target")), "");
	cr_assert_eq(json_array_size(json_object_get(j, "details")), 1);
	json_decref(j);
	azsreg_error_clear();
	j = json_loads(azsreg_error_last_json(), 0, NULL);
	cr_assert_eq(json_integer_value(json_object_get(j, "code")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(j, "message")), "");
	cr_assert_eq(json_array_size(json_object_get(j, "details")), 0);
	json_decref(j);
}

static void *other_thread(void *arg)
{
	char *out = arg;

	snprintf(out, 64, "%s|%d", azsreg_error_last()->message, azsreg_error_last()->code);
	azsreg_error__set(AZSREG_ETLS, "thread error");
	return NULL;
}

Test(error, is_thread_local)
{
	pthread_t t;
	char seen[64] = "";

	azsreg_error__set(AZSREG_ENETWORK, "main error");
	cr_assert_eq(pthread_create(&t, NULL, other_thread, seen), 0);
	pthread_join(t, NULL);
	cr_assert_str_eq(seen, "|0");
	cr_assert_str_eq(azsreg_error_last()->message, "main error");
	cr_assert_eq(azsreg_error_last()->code, AZSREG_ENETWORK);
}

/* Each thread's error state is freed when the thread exits, and only then: 64 threads
 * set errors (strings and the JSON form on the heap) and exit; the heap must stay intact
 * (mingw's emulated TLS once let a key destructor write to a freed block, and the next
 * malloc crashed under Wine) and nothing may leak (ASan, valgrind). */
static void *busy_thread(void *arg)
{
	int n = *(int *)arg;

	azsreg_error__set(AZSREG_ENETWORK, "thread %d failed with a message long enough to live on the heap", n);
	(void)azsreg_error_last_json();
	azsreg_error__prefix("while testing thread exit");
	return azsreg_error_last()->code == AZSREG_ENETWORK ? arg : NULL;
}

Test(error, thread_exit_frees_its_state_and_nothing_else)
{
	pthread_t t[64];
	int ids[64], i, j;
	void *ret;

	azsreg_error__set(AZSREG_EAUTH, "main thread error");
	for (i = 0; i < 64; i++) {
		ids[i] = i;
		cr_assert_eq(pthread_create(&t[i], NULL, busy_thread, &ids[i]), 0);
	}
	for (i = 0; i < 64; i++) {
		cr_assert_eq(pthread_join(t[i], &ret), 0);
		cr_expect_eq(ret, &ids[i], "thread %d did not see its own error", i);
	}
	for (i = 0; i < 256; i++) { /* the heap is still usable */
		char *p = malloc((size_t)(16 + i * 8));
		cr_assert_not_null(p);
		for (j = 0; j < 16 + i * 8; j++)
			p[j] = (char)j;
		free(p);
	}
	cr_assert_str_eq(azsreg_error_last()->message, "main thread error");
	cr_assert_eq(azsreg_error_last()->code, AZSREG_EAUTH);
}
