/* input.c: customer input files (CSV with a header row, JSON lines): rows, bad rows, duplicates. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Two customers as a user may type them, and as the library gives them back. */
#define G1 "0A1B2C3D-0000-4000-8000-00000000000A"
#define G1L "0a1b2c3d-0000-4000-8000-00000000000a"
#define G2 "11111111-2222-4333-8444-555555555555"
#define T1 "72F988BF-86F1-41AF-91AB-2D7CD011DB47"

/* The expected JSON, piece by piece (strings in ROW are JSON values: "null" or "\"...\""). */
#define ROW(line, guid, tenant, reg) \
	"{\"line\":" #line ",\"customerSubscriptionId\":\"" guid "\",\"tenantId\":" tenant ",\"registration\":" reg "}"
#define ERR(line, msg) "{\"line\":" #line ",\"message\":\"" msg "\"}"
#define DUP(line, first, guid) "{\"line\":" #line ",\"firstLine\":" #first ",\"customerSubscriptionId\":\"" guid "\"}"
#define RESULT(format, rows, errors, dups, nerr, ndup) \
	"{\"format\":\"" format "\",\"rows\":[" rows "],\"errors\":[" errors "],\"duplicates\":[" dups "],\"errorCount\":" #nerr ",\"duplicateCount\":" #ndup "}"
#define S(x) "\"" x "\""
#define NUL "null"

/* Parses text[0..len) and checks the code, the JSON (NULL: none) and, on failure, the message. */
static void check_n(const char *text, size_t len, int format, unsigned int flags, int want_rc, const char *want_json,
		    const char *want_message)
{
	char *out = (char *)"untouched";
	int rc = azsreg_input_parse(&out, text, len, format, flags);

	cr_assert_eq(rc, want_rc, "rc %d (%s), want %d; message: %s", rc, azsreg_result_name(rc), want_rc,
		     azsreg_error_last()->message);
	if (want_json == NULL)
		cr_assert_null(out, "out_json is %s", out ? out : "(null)");
	else
		cr_assert(out != NULL && strcmp(out, want_json) == 0, "json\n got: %s\nwant: %s", out ? out : "(null)", want_json);
	if (want_rc != AZSREG_OK) {
		cr_assert_eq(azsreg_error_last()->code, want_rc);
		cr_assert_str_eq(azsreg_error_last()->message, want_message);
	} else {
		cr_assert_eq(azsreg_error_last()->code, 0, "last error left: %s", azsreg_error_last()->message);
	}
	azsreg_free(out);
}

static void check(const char *text, int format, unsigned int flags, int want_rc, const char *want_json, const char *want_message)
{
	check_n(text, strlen(text), format, flags, want_rc, want_json, want_message);
}

#define ok(text, json) check((text), AZSREG_INPUT_AUTO, 0, AZSREG_OK, (json), NULL)
#define bad(text, json, message) check((text), AZSREG_INPUT_AUTO, 0, AZSREG_EINVALID, (json), (message))

/* ------------------------------------------------------------------ CSV */

Test(input, csv_columns_values_and_blank_tenant_cell)
{
	ok("CustomerSubscriptionId,TenantId,Registration\n" G1 "," T1 ",reg1\n"
	   "{" G2 "},contoso.onmicrosoft.com,/subscriptions/" G2 "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/r\n" G2 ",,\n" G2 ",,Reg\\Two\n",
	   RESULT("csv",
		  ROW(2, G1L, S(T1), S("reg1")) "," ROW(3, G2, S("contoso.onmicrosoft.com"), S("/subscriptions/" G2 "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/r")) "," ROW(4, G2, NUL, NUL) "," ROW(5, G2, NUL, S("Reg\\\\Two")),
		  "", "", 0, 0));
	/* Only the customer column; the last line without a line break. */
	ok("CustomerSubscriptionId\n" G1, RESULT("csv", ROW(2, G1L, NUL, NUL), "", "", 0, 0));
	/* Fewer cells than columns: the missing ones are empty. */
	ok("Registration,TenantId,SubscriptionId\n"
	   "r,," G1 "\n",
	   RESULT("csv", ROW(2, G1L, NUL, S("r")), "", "", 0, 0));
}

Test(input, header_names_ignore_case_and_surrounding_blanks_other_columns_ignored)
{
	ok(" subscriptionid ,Notes,\tTENANTID\t,registration ,\n" G1 ",\"x\"\"y\"\"\",contoso.com,r1,\n" G2 ", anything at all ,,,\n",
	   RESULT("csv", ROW(2, G1L, S("contoso.com"), S("r1")) "," ROW(3, G2, NUL, NUL), "", "", 0, 0));
	/* Values are never trimmed: spaces around a registration are kept, as given. */
	ok("CustomerSubscriptionId,Registration\n" G1 ", r 1 \n", RESULT("csv", ROW(2, G1L, NUL, S(" r 1 ")), "", "", 0, 0));
}

Test(input, bom_crlf_and_lone_cr)
{
	ok("\xEF\xBB\xBF"
	   "CustomerSubscriptionId,TenantId\r\n" G1 "," T1 "\r\n\r\n" G2 ",\r\n",
	   RESULT("csv", ROW(2, G1L, S(T1), NUL) "," ROW(4, G2, NUL, NUL), "", "", 0, 0));
	ok("CustomerSubscriptionId\r" G1 "\r\r" G2, RESULT("csv", ROW(2, G1L, NUL, NUL) "," ROW(4, G2, NUL, NUL), "", "", 0, 0));
}

Test(input, quoted_fields_with_commas_doubled_quotes_and_line_breaks_keep_line_numbers)
{
	ok("CustomerSubscriptionId,Notes,Registration\r\n"
	   "\"" G1 "\",\"a, b\",\"reg, with \"\"quotes\"\"\"\r\n" G2 ",\"three\r\nline\nnote\",r2\r\n"
	   "\"" G2 "\",\"\"\"\",\"\"\n" G1 ",\"\n\n\",\n",
	   RESULT("csv",
		  ROW(2, G1L, NUL, S("reg, with \\\"quotes\\\"")) "," ROW(3, G2, NUL, S("r2")) "," ROW(6, G2, NUL, NUL) "," ROW(7, G1L, NUL, NUL),
		  "", "", 0, 0));
}

Test(input, blank_lines_and_rows_of_empty_cells_are_skipped)
{
	ok("\n,,\n  \nCustomerSubscriptionId,TenantId,Registration\n"
	   ",,\n"
	   "\n"
	   " \t \n" G1 ",,\n"
	   "\"\",,\"\"\n"
	   ",,,,,\n",
	   RESULT("csv", ROW(8, G1L, NUL, NUL), "", "", 0, 0));
}

Test(input, header_only_is_no_rows_and_ok)
{
	ok("CustomerSubscriptionId,TenantId,Registration\r\n", RESULT("csv", "", "", "", 0, 0));
	ok("\xEF\xBB\xBF"
	   "SubscriptionId",
	   RESULT("csv", "", "", "", 0, 0));
}

Test(input, empty_file_is_refused_without_json)
{
	bad("", NULL, "the file is empty");
	bad("\xEF\xBB\xBF", NULL, "the file is empty");
	bad("\r\n  \n\t\n", NULL, "the file is empty");
	bad(",,\n,\n", NULL, "the file is empty");
	check("\n\n", AZSREG_INPUT_JSON_LINES, 0, AZSREG_EINVALID, NULL, "the file is empty");
	check("", AZSREG_INPUT_CSV, AZSREG_INPUT_SKIP_BAD, AZSREG_EINVALID, NULL, "the file is empty");
	check_n(NULL, 0, AZSREG_INPUT_AUTO, 0, AZSREG_EINVALID, NULL, "the file is empty");
}

Test(input, header_without_customer_column_is_a_file_error)
{
#define NO_CUSTOMER "the header has no customer column (CustomerSubscriptionId or SubscriptionId); its columns are "
	bad("Name,Customer Subscription Id,TenantId\n" G1 ",x,y\n",
	    RESULT("csv", "", ERR(1, NO_CUSTOMER "'Name', 'Customer Subscription Id', 'TenantId'"), "", 1, 0),
	    "line 1: " NO_CUSTOMER "'Name', 'Customer Subscription Id', 'TenantId'");
	/* Whatever the flags. */
	check("\n\nTenantId\n" T1 "\n", AZSREG_INPUT_CSV, AZSREG_INPUT_SKIP_BAD, AZSREG_EINVALID,
	      RESULT("csv", "", ERR(3, NO_CUSTOMER "'TenantId'"), "", 1, 0), "line 3: " NO_CUSTOMER "'TenantId'");
	/* A first line that is data. */
	bad(G1 ",contoso.com\n",
	    RESULT("csv", "", ERR(1, NO_CUSTOMER "'" G1 "', 'contoso.com' (the first row looks like data: the file needs a header row, "
						 "e.g. CustomerSubscriptionId,TenantId,Registration)"),
		   "", 1, 0),
	    "line 1: " NO_CUSTOMER "'" G1 "', 'contoso.com' (the first row looks like data: the file needs a header row, "
	    "e.g. CustomerSubscriptionId,TenantId,Registration)");
	/* JSON lines read as CSV because the caller said so. */
	check("{\"customerSubscriptionId\":\"" G1 "\"}\n", AZSREG_INPUT_CSV, 0, AZSREG_EINVALID,
	      RESULT("csv", "", ERR(1, "the header row is not valid CSV: a quote inside a field that does not start with one (line 1, column 2): "
				       "quote the whole field and double the quotes in it (\\\"a \\\"\\\"b\\\"\\\" c\\\") "
				       "(the file looks like JSON lines: one object per line)"),
		     "", 1, 0),
	      "line 1: the header row is not valid CSV: a quote inside a field that does not start with one (line 1, column 2): "
	      "quote the whole field and double the quotes in it (\"a \"\"b\"\" c\") (the file looks like JSON lines: one object per line)");
	check("{customerSubscriptionId}\n", AZSREG_INPUT_CSV, 0, AZSREG_EINVALID,
	      RESULT("csv", "", ERR(1, NO_CUSTOMER "'{customerSubscriptionId}' (the file looks like JSON lines: one object per line)"), "", 1, 0),
	      "line 1: " NO_CUSTOMER "'{customerSubscriptionId}' (the file looks like JSON lines: one object per line)");
#undef NO_CUSTOMER
}

Test(input, a_column_named_twice_is_a_file_error)
{
	bad("CustomerSubscriptionId,TenantId,subscriptionID\n" G1 ",," G2 "\n",
	    RESULT("csv", "", ERR(1, "the header names the customer column twice (column 1 'CustomerSubscriptionId' and column 3 'subscriptionID'): keep one"),
		   "", 1, 0),
	    "line 1: the header names the customer column twice (column 1 'CustomerSubscriptionId' and column 3 'subscriptionID'): keep one");
	bad("TenantId,CustomerSubscriptionId, tenantid\n",
	    RESULT("csv", "", ERR(1, "the header names the TenantId column twice (column 1 'TenantId' and column 3 'tenantid'): keep one"), "", 1, 0),
	    "line 1: the header names the TenantId column twice (column 1 'TenantId' and column 3 'tenantid'): keep one");
	bad("Registration,CustomerSubscriptionId,REGISTRATION\n",
	    RESULT("csv", "", ERR(1, "the header names the Registration column twice (column 1 'Registration' and column 3 'REGISTRATION'): keep one"), "", 1, 0),
	    "line 1: the header names the Registration column twice (column 1 'Registration' and column 3 'REGISTRATION'): keep one");
}

#define NOT_GUID(v, n) "customer subscription ID '" v "' is not a GUID: it has " #n " characters, a GUID has 36 (8-4-4-4-12 hex digits)"

Test(input, bad_rows_are_listed_with_the_library_message_and_the_call_fails)
{
	const char *text = "CustomerSubscriptionId,TenantId,Registration\n"
			   "not-a-guid,,\n" G1 ",not a tenant,\n" G2 ",contoso,r\n"
			   "," T1 ",r\n" G2 "," T1 ",ok\n";
	const char *json = RESULT("csv", ROW(6, G2, S(T1), S("ok")),
				  ERR(2, NOT_GUID("not-a-guid", 10)) "," ERR(3, "tenant ID: the tenant \\\"not a tenant\\\" is neither a GUID nor a domain name (letters, digits, '.', '-', '_')") "," ERR(4, "the tenant \\\"contoso\\\" is neither a GUID nor a domain name (e.g. contoso.onmicrosoft.com)") "," ERR(5, "customer subscription ID is empty (expected a GUID like 00000000-0000-0000-0000-000000000000)"),
				  "", 4, 0);

	bad(text, json, "line 2: " NOT_GUID("not-a-guid", 10) "; 4 rows are bad");
	/* SKIP_BAD: the same JSON, and success. */
	check(text, AZSREG_INPUT_AUTO, AZSREG_INPUT_SKIP_BAD, AZSREG_OK, json, NULL);
	bad("CustomerSubscriptionId\n" G1 "\n" G2 "x\n",
	    RESULT("csv", ROW(2, G1L, NUL, NUL), ERR(3, NOT_GUID(G2 "x", 37)), "", 1, 0),
	    "line 3: " NOT_GUID(G2 "x", 37) "; 1 row is bad");
}

Test(input, whitespace_around_a_guid_or_tenant_is_a_bad_row_nothing_is_trimmed)
{
	bad("CustomerSubscriptionId,TenantId\n"
	    " " G1 ",\n" G1 "\t,\n"
	    "\"" G1 "\r\n\",\n" G2 ", " T1 "\n" G2 ",   \n",
	    RESULT("csv", "",
		   ERR(2, "customer subscription ID ' " G1 "' starts with a space: nothing is trimmed, remove it") "," ERR(3, "customer subscription ID '" G1 "\\\\t' ends with a tab: nothing is trimmed, remove it") "," ERR(4, "customer subscription ID '" G1 "\\\\r\\\\n' ends with a newline (\\\\n): nothing is trimmed, remove it") "," ERR(6, "tenant ' " T1 "' starts with a space: nothing is trimmed, remove it") "," ERR(7, "tenant '   ' starts with a space: nothing is trimmed, remove it"),
		   "", 5, 0),
	    "line 2: customer subscription ID ' " G1 "' starts with a space: nothing is trimmed, remove it; 5 rows are bad");
}

Test(input, registration_kept_as_given_but_no_control_characters_or_overlong)
{
	char text[4096];
	char reg[AZSREG_RESOURCE_ID_MAX + 2];

	bad("CustomerSubscriptionId,Registration\n" G1 ",r\tx\n" G1 ",\"a\nb\"\n" G2 ",\"r\x1b[31m\"\n" G2 ",\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80\n",
	    RESULT("csv", ROW(6, G2, NUL, S("\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80")),
		   ERR(2, "registration 'r\\\\tx' has a control character at position 2: remove it") "," ERR(3, "registration 'a\\\\nb' has a control character at position 2: remove it") "," ERR(5, "registration 'r\\\\x1b[31m' has a control character at position 2: remove it"),
		   "", 3, 0),
	    "line 2: registration 'r\\tx' has a control character at position 2: remove it; 3 rows are bad");
	memset(reg, 'r', sizeof(reg) - 1);
	reg[sizeof(reg) - 1] = '\0';
	snprintf(text, sizeof(text), "CustomerSubscriptionId,Registration\n" G1 ",%s\n", reg);
	bad(text, RESULT("csv", "", ERR(2, "registration is 2049 bytes long: a registration name or resource ID has at most 2048"), "", 1, 0),
	    "line 2: registration is 2049 bytes long: a registration name or resource ID has at most 2048; 1 row is bad");
	reg[sizeof(reg) - 2] = '\0';
	snprintf(text, sizeof(text), "CustomerSubscriptionId,Registration\n" G1 ",%s\n", reg);
	{
		char want[4096];

		snprintf(want, sizeof(want), RESULT("csv", ROW(2, G1L, NUL, "\"%s\""), "", "", 0, 0), reg);
		check(text, AZSREG_INPUT_CSV, 0, AZSREG_OK, want, NULL);
	}
}

Test(input, more_cells_than_the_header_is_a_bad_row_unless_they_are_empty)
{
	bad("CustomerSubscriptionId,Registration\n" G1 ",r,,\n" G2 ",my registration, with a comma\n",
	    RESULT("csv", ROW(2, G1L, NUL, S("r")),
		   ERR(3, "the row has 3 cells but the header only 2 columns: a value with a comma must be in quotes"), "", 1, 0),
	    "line 3: the row has 3 cells but the header only 2 columns: a value with a comma must be in quotes; 1 row is bad");
}

Test(input, stray_quotes_are_bad_rows_and_reading_goes_on_at_the_next_line)
{
	bad("CustomerSubscriptionId,Registration\n" G1 ",my \"reg\"\n"
	    "\"" G2 "\"x,r\n"
	    "\"" G2 "\" ,r\n" G1 ",\"two\nlines\"\"\" tail\n" G2 ",fine\n",
	    RESULT("csv", ROW(7, G2, NUL, S("fine")),
		   ERR(2, "a quote inside a field that does not start with one (line 2, column 41): quote the whole field and double the quotes in it "
			  "(\\\"a \\\"\\\"b\\\"\\\" c\\\")") "," ERR(3, "text after the closing quote of a quoted field (line 3, column 39): the quote must end the field "
									"(a quote inside it is written twice)") "," ERR(4, "text after the closing quote of a quoted field (line 4, column 39): the quote must end the field "
															   "(a quote inside it is written twice)") "," ERR(5, "text after the closing quote of a quoted field (line 6, column 9): the quote must end the field "
																					      "(a quote inside it is written twice)"),
		   "", 4, 0),
	    "line 2: a quote inside a field that does not start with one (line 2, column 41): quote the whole field and double the quotes "
	    "in it (\"a \"\"b\"\" c\"); 4 rows are bad");
}

Test(input, an_unclosed_quote_is_a_file_error_whatever_the_flags)
{
	check("CustomerSubscriptionId,Registration\n" G1 ",r\n" G2 ",\"never closed\n" G1 ",r2\n" G2 ",r3\n",
	      AZSREG_INPUT_AUTO, AZSREG_INPUT_SKIP_BAD, AZSREG_EINVALID,
	      RESULT("csv", ROW(2, G1L, NUL, S("r")),
		     ERR(3, "a quoted field that starts in this row is never closed: everything after its opening quote (2 more lines) "
			    "was read as one value; close the quote"),
		     "", 1, 0),
	      "line 3: a quoted field that starts in this row is never closed: everything after its opening quote (2 more lines) "
	      "was read as one value; close the quote");
	bad("CustomerSubscriptionId,Registration\n" G1 ",\"r",
	    RESULT("csv", "", ERR(2, "a quoted field in this row is never closed (the file ends inside it): close the quote"), "", 1, 0),
	    "line 2: a quoted field in this row is never closed (the file ends inside it): close the quote");
	/* In the header row (found by fuzz_input: the message was "the file is empty" and leaked). */
	bad("CustomerSubscriptionId,\"Notes\n" G1 "\n",
	    RESULT("csv", "", ERR(1, "a quoted field that starts in this row is never closed: everything after its opening quote (1 more line) "
				     "was read as one value; close the quote"),
		   "", 1, 0),
	    "line 1: a quoted field that starts in this row is never closed: everything after its opening quote (1 more line) "
	    "was read as one value; close the quote");
}

/* ----------------------------------------------------------- duplicates */

#define DUP_TEXT \
	"CustomerSubscriptionId,Registration,TenantId\n" G1 ",reg1,\n" /* 2 */ \
		G1 ",reg2,\n" /* 3: another registration: not a duplicate */ \
		G2 ",,\n" /* 4 */ \
	"{" G1L "},REG1,\n" /* 5: line 2 again (braces, case; registration case) */ \
		G2 ",," T1 "\n" /* 6: line 4 again (no registration), whatever the tenant */ \
		G1 ",reg1,\n" /* 7: a third time: first on line 2 */ \
		G2 ",reg1,\n" /* 8 */
#define DUP_ROWS ROW(2, G1L, NUL, S("reg1")) "," ROW(3, G1L, NUL, S("reg2")) "," ROW(4, G2, NUL, NUL) "," ROW(8, G2, NUL, S("reg1"))
#define DUP_DUPS DUP(5, 2, G1L) "," DUP(6, 4, G2) "," DUP(7, 2, G1L)

Test(input, the_same_customer_and_registration_twice_is_a_duplicate)
{
	bad(DUP_TEXT, RESULT("csv", DUP_ROWS, "", DUP_DUPS, 0, 3),
	    "line 5: customer " G1L " is there twice for the same registration (first on line 2); 3 rows are duplicates");
	/* SKIP_BAD: the later ones are left out of "rows" (they are already), and the call succeeds. */
	check(DUP_TEXT, AZSREG_INPUT_AUTO, AZSREG_INPUT_SKIP_BAD, AZSREG_OK, RESULT("csv", DUP_ROWS, "", DUP_DUPS, 0, 3), NULL);
	bad("CustomerSubscriptionId\n" G2 "\n" G2 "\n",
	    RESULT("csv", ROW(2, G2, NUL, NUL), "", DUP(3, 2, G2), 0, 1),
	    "line 3: customer " G2 " is there twice without a registration (first on line 2); 1 row is a duplicate");
}

Test(input, the_first_problem_is_named_whether_a_bad_row_or_a_duplicate)
{
	bad("CustomerSubscriptionId\n" G2 "\n" G2 "\nnope\n",
	    RESULT("csv", ROW(2, G2, NUL, NUL), ERR(4, NOT_GUID("nope", 4)), DUP(3, 2, G2), 1, 1),
	    "line 3: customer " G2 " is there twice without a registration (first on line 2); 2 rows are bad (1 with errors, 1 duplicate)");
	bad("CustomerSubscriptionId\nnope\n" G2 "\n" G2 "\n" G2 "\n",
	    RESULT("csv", ROW(3, G2, NUL, NUL), ERR(2, NOT_GUID("nope", 4)), DUP(4, 3, G2) "," DUP(5, 3, G2), 1, 2),
	    "line 2: " NOT_GUID("nope", 4) "; 3 rows are bad (1 with errors, 2 duplicates)");
}

/* ----------------------------------------------------------- JSON lines */

Test(input, json_lines_rows)
{
	ok("\xEF\xBB\xBF\r\n"
	   "  {\"CustomerSubscriptionId\":\"" G1 "\",\"TENANTID\":\"" T1 "\",\"Registration\":\"r1\",\"other\":[1,{}]}\r\n"
	   "\r\n"
	   "\t \n"
	   "{\"subscriptionId\":\"" G2 "\",\"tenantId\":null,\"registration\":null}\n"
	   "{\"customerSubscriptionId\":\"" G2 "\",\"tenantId\":\"\",\"registration\":\"\\u00e9 \\\"q\\\"\"}",
	   RESULT("jsonLines",
		  ROW(2, G1L, S(T1), S("r1")) "," ROW(5, G2, NUL, NUL) "," ROW(6, G2, NUL, S("\xC3\xA9 \\\"q\\\"")),
		  "", "", 0, 0));
	/* Told it is JSON lines. */
	check("{\"customerSubscriptionId\":\"" G1 "\"}", AZSREG_INPUT_JSON_LINES, 0, AZSREG_OK,
	      RESULT("jsonLines", ROW(1, G1L, NUL, NUL), "", "", 0, 0), NULL);
}

Test(input, json_lines_bad_rows)
{
	bad("{\"customerSubscriptionId\":\"" G1 "\"}\n" /* 1 */
	    "[\"" G2 "\"]\n" /* 2 */
	    "\"" G2 "\"\n" /* 3 */
	    "{\"customerSubscriptionId\":\"" G2 "\",}\n" /* 4 */
	    "{\"tenantId\":\"" T1 "\"}\n" /* 5 */
	    "{\"customerSubscriptionId\":null}\n" /* 6 */
	    "{\"customerSubscriptionId\":42}\n" /* 7 */
	    "{\"customerSubscriptionId\":\"" G2 "\",\"tenantId\":true}\n" /* 8 */
	    "{\"customerSubscriptionId\":\"" G2 "\",\"registration\":{}}\n" /* 9 */
	    "{\"subscriptionId\":\"" G2 "\",\"customerSubscriptionID\":\"" G2 "\"}\n" /* 10 */
	    "{\"customerSubscriptionId\":\"" G2 "\",\"tenantid\":null,\"TenantId\":null}\n" /* 11 */
	    "{\"customerSubscriptionId\":\"" G2 " \"}\n" /* 12 */
	    "{\"customerSubscriptionId\":\"" G2 "\",\"registration\":\"a\\u0007\"}\n" /* 13 */
	    "{}\n" /* 14 */
	    "{\"customerSubscriptionId\":\"" G1 "\"}\n", /* 15: line 1 again */
	    RESULT("jsonLines", ROW(1, G1L, NUL, NUL),
		   ERR(2, "an array, not a JSON object: give one object per line") "," ERR(3, "a string, not a JSON object: give one object per line") "," ERR(4, "not valid JSON: string or '}' expected near '}' (column 66)") "," ERR(5, "the object has no customerSubscriptionId (or subscriptionId) member") "," ERR(6, "\\\"customerSubscriptionId\\\" is null, not a string") "," ERR(7, "\\\"customerSubscriptionId\\\" is a number, not a string") "," ERR(8, "\\\"tenantId\\\" is a boolean, not a string or null") "," ERR(9, "\\\"registration\\\" is an object, not a string or null") "," ERR(10, "the object has both \\\"subscriptionId\\\" and \\\"customerSubscriptionID\\\": give the customer once") "," ERR(11, "the object has both \\\"tenantid\\\" and \\\"TenantId\\\": give the tenantId once") "," ERR(12, "customer subscription ID '" G2 " ' ends with a space: nothing is trimmed, remove it") "," ERR(13, "registration 'a\\\\x07' has a control character at position 2: remove it") "," ERR(14, "the object has no customerSubscriptionId (or subscriptionId) member"),
		   DUP(15, 1, G1L), 13, 1),
	    "line 2: an array, not a JSON object: give one object per line; 14 rows are bad (13 with errors, 1 duplicate)");
}

/* ------------------------------------------------------------- SKIP_BAD */

Test(input, skip_bad_keeps_the_good_rows_lists_the_rest_and_succeeds)
{
	const char *text = "CustomerSubscriptionId,TenantId\n" G1 ",\n"
			   "bad,\n" G2 ",not a tenant\n" G1 "," T1 "\n" G2 ",contoso.com\n";
	const char *json = RESULT("csv", ROW(2, G1L, NUL, NUL) "," ROW(6, G2, S("contoso.com"), NUL),
				  ERR(3, NOT_GUID("bad", 3)) "," ERR(4, "tenant ID: the tenant \\\"not a tenant\\\" is neither a GUID nor a domain name (letters, digits, '.', '-', '_')"),
				  DUP(5, 2, G1L), 2, 1);

	check(text, AZSREG_INPUT_CSV, AZSREG_INPUT_SKIP_BAD, AZSREG_OK, json, NULL);
	check(text, AZSREG_INPUT_CSV, 0, AZSREG_EINVALID, json, "line 3: " NOT_GUID("bad", 3) "; 3 rows are bad (2 with errors, 1 duplicate)");
}

Test(input, lists_stop_at_1000_entries_the_counts_do_not)
{
	azsreg_buf text = AZSREG_BUF_INIT;
	char *out = NULL;
	json_t *j;
	int i;

	cr_assert_eq(azsreg_buf__puts(&text, "CustomerSubscriptionId\n"), 0);
	for (i = 0; i < 1001; i++)
		cr_assert_eq(azsreg_buf__puts(&text, "x\n" G1 "\n"), 0);
	cr_assert_eq(azsreg_input_parse(&out, text.ptr, text.size, AZSREG_INPUT_AUTO, 0), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "line 2: " NOT_GUID("x", 1) "; 2001 rows are bad (1001 with errors, 1000 duplicates)");
	j = json_loads(out, 0, NULL);
	cr_assert_not_null(j);
	cr_assert_eq(json_array_size(json_object_get(j, "rows")), 1);
	cr_assert_eq(json_array_size(json_object_get(j, "errors")), 1000);
	cr_assert_eq(json_array_size(json_object_get(j, "duplicates")), 1000);
	cr_assert_eq(json_integer_value(json_object_get(j, "errorCount")), 1001);
	cr_assert_eq(json_integer_value(json_object_get(j, "duplicateCount")), 1000);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(j, "errors"), 999), "line")), 2000);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(j, "duplicates"), 999), "line")), 2003);
	json_decref(j);
	azsreg_free(out);
	azsreg_buf__free(&text);
}

/* ---------------------------------------------------------- file checks */

Test(input, not_utf8_text_is_a_file_error_naming_the_line)
{
#define NOT_UTF8(line, byte, col) "line " #line ": the file is not UTF-8 text: byte " byte " at column " #col \
				  " does not belong to a UTF-8 character; save the file as UTF-8"
	/* Latin-1 (what Excel's plain "CSV" writes on many systems). */
	bad("CustomerSubscriptionId,Registration\r\n" G1 ",caf\xE9\r\n", NULL, NOT_UTF8(2, "0xE9", 41));
	/* Column in characters: two 2-byte characters before. */
	bad("CustomerSubscriptionId,Registration\n\xC3\xA9\xC3\xA9\xFF\n", NULL, NOT_UTF8(2, "0xFF", 3));
	/* A BOM is not a column. */
	bad("\xEF\xBB\xBF"
	    "Cust\xE9",
	    NULL, NOT_UTF8(1, "0xE9", 5));
	/* Overlong form, surrogate, above U+10FFFF, a truncated sequence at the end. */
	bad("CustomerSubscriptionId\n\n\xC0\xAF\n", NULL, NOT_UTF8(3, "0xC0", 1));
	bad("CustomerSubscriptionId\n\xED\xA0\x80\n", NULL, NOT_UTF8(2, "0xED", 1));
	bad("{\"customerSubscriptionId\":\"\xF4\x90\x80\x80\"}\n", NULL, NOT_UTF8(1, "0xF4", 28));
	bad("CustomerSubscriptionId\n" G1 "\xE2\x82", NULL, NOT_UTF8(2, "0xE2", 37));
	/* Whatever the format and flags. */
	check("CustomerSubscriptionId\r\r\xE9", AZSREG_INPUT_CSV, AZSREG_INPUT_SKIP_BAD, AZSREG_EINVALID, NULL, NOT_UTF8(3, "0xE9", 1));
#undef NOT_UTF8
	bad("\xFF\xFE"
	    "C\0u\0",
	    NULL, "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8");
	bad("\xFE\xFF\0C\0u", NULL, "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8");
	check_n("CustomerSubscriptionId\n" G1 "\0\n", sizeof("CustomerSubscriptionId\n" G1 "\0\n") - 1, AZSREG_INPUT_AUTO, 0,
		AZSREG_EINVALID, NULL, "line 2: the file has a NUL byte at column 37: it is not UTF-8 text (UTF-16?); save it as UTF-8");
	check_n("C\0u\0s\0", 6, AZSREG_INPUT_AUTO, 0, AZSREG_EINVALID, NULL,
		"line 1: the file has a NUL byte at column 2: it is not UTF-8 text (UTF-16?); save it as UTF-8");
}

Test(input, files_over_64_mib_are_refused_64_mib_is_read)
{
	size_t max = (size_t)64 * 1024 * 1024;
	char *big = malloc(max + 1);
	static const char head[] = "CustomerSubscriptionId\n";

	cr_assert_not_null(big);
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, ' ', max + 1 - (sizeof(head) - 1)); /* one long blank line */
	check_n(big, max + 1, AZSREG_INPUT_AUTO, 0, AZSREG_EINVALID, NULL,
		"the file is 67108865 bytes: the limit is 64 MiB (67108864 bytes); split it");
	check_n(big, max, AZSREG_INPUT_AUTO, 0, AZSREG_OK, RESULT("csv", "", "", "", 0, 0), NULL);
	/* A 64 MiB quoted field in an ignored column is read too (the field buffer grows geometrically). */
	memcpy(big, "CustomerSubscriptionId,Notes\n" G1 ",\"", 29 + 36 + 2);
	memset(big + 29 + 36 + 2, 'n', max - (29 + 36 + 2) - 1);
	big[max - 1] = '"';
	check_n(big, max, AZSREG_INPUT_AUTO, 0, AZSREG_OK, RESULT("csv", ROW(2, G1L, NUL, NUL), "", "", 0, 0), NULL);
	free(big);
}

Test(input, bad_arguments)
{
	char *out = (char *)"untouched";

	cr_assert_eq(azsreg_input_parse(NULL, "x", 1, AZSREG_INPUT_AUTO, 0), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "input file: out_json and the text are required");
	cr_assert_eq(azsreg_input_parse(&out, NULL, 1, AZSREG_INPUT_AUTO, 0), AZSREG_EINVALID);
	cr_assert_null(out);
	cr_assert_str_eq(azsreg_error_last()->message, "input file: out_json and the text are required");
	out = (char *)"untouched";
	cr_assert_eq(azsreg_input_parse(&out, "x", 1, 3, 0), AZSREG_EINVALID);
	cr_assert_null(out);
	cr_assert_str_eq(azsreg_error_last()->message, "input file: unknown format 3 (AZSREG_INPUT_AUTO, _CSV or _JSON_LINES)");
	cr_assert_eq(azsreg_input_parse(&out, "x", 1, AZSREG_INPUT_CSV, 0x6u), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "input file: unknown flags 0x6");
	cr_assert_null(out);
}

Test(invalid_input, control_characters_from_an_input_file_are_never_echoed_raw)
{
	static const char text[] = "CustomerSubscriptionId,TenantId\n"
				   "\"" G1 "\r\nFAKE: line\",\n" G2 ",\"contoso.com\x1b]0;title\x07\"\n"
				   "\x7f" G2 ",\n";
	char *out = NULL;
	const char *m;
	size_t i;

	cr_assert_eq(azsreg_input_parse(&out, text, sizeof(text) - 1, AZSREG_INPUT_AUTO, 0), AZSREG_EINVALID);
	m = azsreg_error_last()->message;
	for (i = 0; m[i] != '\0'; i++)
		cr_assert((unsigned char)m[i] >= 0x20 && (unsigned char)m[i] != 0x7f, "raw control 0x%02x in '%s'", m[i], m);
	cr_assert_str_eq(m, "line 2: customer subscription ID '" G1 "\\r\\nFAKE: line' is not a GUID: it has 48 characters, "
			    "a GUID has 36 (8-4-4-4-12 hex digits); 3 rows are bad");
	cr_assert_not_null(out);
	/* The JSON escapes what the messages do not hold any more: no raw control character at all. */
	for (i = 0; out[i] != '\0'; i++)
		cr_assert((unsigned char)out[i] >= 0x20 && (unsigned char)out[i] != 0x7f, "raw control 0x%02x in '%s'", out[i], out);
	cr_assert(strstr(out, "\"message\":\"tenant 'contoso.com\\\\x1b]0;title\\\\x07' ends with a control character: nothing is trimmed, remove it\"") != NULL,
		  "%s", out);
	cr_assert(strstr(out, "\"message\":\"customer subscription ID '\\\\x7f" G2 "' starts with a control character: nothing is trimmed, remove it\"") != NULL,
		  "%s", out);
	azsreg_free(out);
}
