/* test_http.c: header lists (case, duplicates, bad names, line breaks) and the request and
 * response structs (http.c). */
#include <criterion/criterion.h>
#include <string.h>
#include <stdlib.h>

#include "internal.h"

Test(http, headers_add_get_set_remove_case_insensitive)
{
	azsreg_headers h = { 0 };

	cr_assert_eq(azsreg_headers__add(&h, "Content-Type", "application/json"), 0);
	cr_assert_eq(azsreg_headers__add(&h, "x-ms-request-id", "r1"), 0);
	cr_assert_eq(azsreg_headers__add(&h, "X-Dup", "1"), 0);
	cr_assert_eq(azsreg_headers__add(&h, "x-dup", "2"), 0);
	cr_assert_eq(h.count, 4);
	cr_assert_str_eq(azsreg_headers__get(&h, "content-type"), "application/json");
	cr_assert_str_eq(azsreg_headers__get(&h, "X-MS-REQUEST-ID"), "r1");
	cr_assert_str_eq(azsreg_headers__get(&h, "x-dup"), "1");
	cr_assert_null(azsreg_headers__get(&h, "missing"));
	cr_assert_eq(azsreg_headers__set(&h, "X-DUP", "3"), 0);
	cr_assert_eq(h.count, 3);
	cr_assert_str_eq(azsreg_headers__get(&h, "x-dup"), "3");
	azsreg_headers__remove(&h, "content-type");
	cr_assert_eq(h.count, 2);
	cr_assert_null(azsreg_headers__get(&h, "Content-Type"));
	cr_assert_str_eq(h.items[0].name, "x-ms-request-id");
	azsreg_headers__free(&h);
	cr_assert_eq(h.count, 0);
	cr_assert_null(h.items);
	azsreg_headers__free(&h);
}

Test(http, headers_refuse_bad_names_and_line_breaks)
{
	azsreg_headers h = { 0 };

	cr_assert_eq(azsreg_headers__add(&h, "", "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_headers__add(&h, "Bad Name", "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_headers__add(&h, "Bad:Name", "x"), AZSREG_EINVALID);
	cr_assert_eq(azsreg_headers__add(&h, "X-Inject", "a\r\nEvil: 1"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "X-Inject") != NULL);
	cr_assert_eq(h.count, 0);
	cr_assert_eq(azsreg_headers__add(&h, "X-Empty", NULL), 0);
	cr_assert_str_eq(azsreg_headers__get(&h, "x-empty"), "");
	azsreg_headers__free(&h);
}

Test(http, request_and_response_free_and_reset)
{
	azsreg_http_request req = { 0 };
	azsreg_http_response resp = { 0 };

	req.method = "POST";
	req.url = azsreg__strdup("https://127.0.0.1/x");
	req.body = azsreg__strdup("client_secret=abc");
	req.body_len = strlen(req.body);
	req.body_is_secret = 1;
	cr_assert_eq(azsreg_headers__add(&req.headers, "Authorization", "Bearer abc.def.ghi"), 0);
	azsreg_http_request__free(&req);
	cr_assert_null(req.url);
	cr_assert_null(req.body);
	cr_assert_eq(req.headers.count, 0);

	resp.status = 200;
	resp.body.limit = 100;
	cr_assert_eq(azsreg_headers__add(&resp.headers, "x-ms-request-id", "r"), 0);
	cr_assert_eq(azsreg_buf__puts(&resp.body, "{}"), 0);
	azsreg_http_response__reset(&resp);
	cr_assert_eq(resp.status, 0);
	cr_assert_eq(resp.headers.count, 0);
	cr_assert_eq(resp.body.size, 0);
	cr_assert_eq(resp.body.limit, 100, "reset keeps the body limit");
	azsreg_http_response__free(&resp);
	azsreg_http_response__free(NULL);
	azsreg_http_request__free(NULL);
}
