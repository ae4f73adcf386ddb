/*
 * input.c: customer input files (CSV with a header row, or JSON lines) -> the customers
 * they name, checked with the same rules as every other input (azsreg_guid_normalize,
 * azsreg_tenant_check), so that the CLI and the module decide alike about one file.
 *
 *   text checks: size, UTF-16 / NUL bytes / invalid UTF-8 (named by line and column)
 *   -> rows: CSV through libcsv (strict mode, no trimming), fed one physical line at a
 *      time so that each row knows the line it starts on; JSON lines through Jansson
 *   -> each row checked; a bad row is listed with the library's message for it
 *   -> duplicates (customer + registration) found by sorting; the first one is kept
 *   -> {"format","rows","errors","duplicates","errorCount","duplicateCount"}
 */
#include "internal.h"

#include <csv.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INPUT_MAX ((size_t)64 * 1024 * 1024)
#define INPUT_LIST_MAX 1000 /* entries shown in "errors" / "duplicates" */
#define NO_COLUMN ((size_t)-1)

typedef struct in_row {
	size_t line;
	char guid[AZSREG_GUID_LEN + 1];
	char *tenant; /* as given; NULL: none */
	char *reg; /* as given; NULL: none */
	size_t dup_of; /* line of the first row with the same customer and registration; 0: none */
} in_row;

typedef struct in_state {
	in_row *rows;
	size_t nrows, rows_cap;
	json_t *errors;
	size_t nerrors;
	size_t first_error_line;
	char *first_error; /* message of the first bad row */
	char *fatal; /* a file-level problem ("line N: ..."); the call fails */
	int oom;
} in_state;

/* ------------------------------------------------------------------ text */

/* A heap copy of s with every byte that is not valid UTF-8 replaced by '?'; NULL out of memory. */
static char *utf8_copy(const char *s)
{
	size_t n = strlen(s), i = 0, bad;
	char *r = malloc(n + 1);

	if (r == NULL)
		return NULL;
	memcpy(r, s, n + 1);
	while (i < n) {
		bad = i + azsreg_json__utf8_invalid_at(r + i, n - i);
		if (bad >= n)
			break;
		r[bad] = '?';
		i = bad + 1;
	}
	return r;
}

/*
 * The physical line that starts at text[i]: returns where its content ends (the line
 * break or len), *next where the following line starts. A line ends with LF, CRLF or a
 * lone CR (as libcsv ends rows), so line numbers agree with what an editor shows.
 */
static size_t line_end(const char *text, size_t len, size_t i, size_t *next)
{
	size_t e = i;

	while (e < len && text[e] != '\n' && text[e] != '\r')
		e++;
	if (e >= len)
		*next = len;
	else if (text[e] == '\r' && e + 1 < len && text[e + 1] == '\n')
		*next = e + 2;
	else
		*next = e + 1;
	return e;
}

/* Only spaces and tabs? */
static int is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	}
	return 1;
}

/* Characters (UTF-8 sequences) in s[0..n). */
static size_t char_count(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	}
	return c;
}

/* 1-based line and column (in characters) of byte offset off. */
static void position_of(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	size_t i = 0, next, e;

	*line = 1;
	for (;;) {
		e = line_end(text, len, i, &next);
		if (off <= e || next >= len) {
			*col = char_count(text + i, off - i) + 1;
			return;
		}
		i = next;
		(*line)++;
	}
}

/* Refuses what is not UTF-8 text: a UTF-16 BOM, a NUL byte, an invalid sequence. */
static int check_text(const char *text, size_t len)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t bad, nul, line, col;
	const void *z;

	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return azsreg_error__set(AZSREG_EINVALID,
					 "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8");
	z = memchr(text, '\0', len);
	nul = z != NULL ? (size_t)((const char *)z - text) : len;
	bad = azsreg_json__utf8_invalid_at(text, nul);
	if (bad < nul) {
		position_of(text, len, bad, &line, &col);
		return azsreg_error__set(AZSREG_EINVALID,
					 "line %zu: the file is not UTF-8 text: byte 0x%02X at column %zu does not belong to a UTF-8 character; "
					 "save the file as UTF-8",
					 line, u[bad], col);
	}
	if (nul < len) {
		position_of(text, len, nul, &line, &col);
		return azsreg_error__set(AZSREG_EINVALID,
					 "line %zu: the file has a NUL byte at column %zu: it is not UTF-8 text (UTF-16?); save it as UTF-8",
					 line, col);
	}
	return AZSREG_OK;
}

/* ----------------------------------------------------------------- rows */

/* A heap copy of text[0..n) (n bytes, no NUL inside: check_text made sure). */
static char *copy_n(in_state *st, const char *text, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL) {
		st->oom = 1;
		return NULL;
	}
	memcpy(s, text, n);
	s[n] = '\0';
	return s;
}

/*
 * Row checks set the last error of each bad row; once the list is full only the count
 * goes on, so the messages are not even built (azsreg_error__quiet). Returns the state to
 * restore with azsreg_error__quiet.
 */
static int row_checks_begin(const in_state *st)
{
	return azsreg_error__quiet(st->nerrors >= INPUT_LIST_MAX);
}

/* Lists the current last error as the problem of the row on `line` (counts it once the list is full). */
static void add_error(in_state *st, size_t line)
{
	char *msg;
	json_t *e;

	st->nerrors++;
	if (st->nerrors > INPUT_LIST_MAX)
		return;
	msg = utf8_copy(azsreg_error_last()->message);
	if (msg == NULL) {
		st->oom = 1;
		return;
	}
	e = json_pack("{s:I,s:s}", "line", (json_int_t)line, "message", msg);
	if (e == NULL || json_array_append_new(st->errors, e) != 0)
		st->oom = 1;
	if (st->first_error == NULL) {
		st->first_error = msg;
		st->first_error_line = line;
	} else {
		free(msg);
	}
}

/* Records a file-level problem (the current last error) found on `line`. */
static void set_fatal(in_state *st, size_t line)
{
	azsreg_buf b = AZSREG_BUF_INIT;

	if (st->fatal != NULL)
		return;
	add_error(st, line);
	(void)azsreg_buf__printf(&b, "line %zu: %s", line, azsreg_error_last()->message);
	st->fatal = azsreg_buf__detach(&b);
	if (st->fatal == NULL)
		st->oom = 1;
}

/* The registration as given: no control character, at most AZSREG_RESOURCE_ID_MAX bytes. */
static int check_registration(const char *reg)
{
	size_t i, n = strlen(reg);

	if (n > AZSREG_RESOURCE_ID_MAX)
		return azsreg_error__set(AZSREG_EINVALID,
					 "registration is %zu bytes long: a registration name or resource ID has at most %d", n,
					 AZSREG_RESOURCE_ID_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)reg[i];

		if (c < 0x20 || c == 0x7f)
			return azsreg_error__set(AZSREG_EINVALID,
						 "registration '%.80s' has a control character at position %zu: remove it",
						 reg, char_count(reg, i) + 1);
	}
	return AZSREG_OK;
}

/*
 * Checks one row's values and keeps the row, or lists its problem. cust may be empty,
 * tenant and reg NULL or empty (none). Takes nothing: the values are copied.
 */
static void add_row(in_state *st, size_t line, const char *cust, const char *tenant, const char *reg)
{
	in_row *r;
	char guid[AZSREG_GUID_LEN + 1];

	if (tenant != NULL && tenant[0] == '\0')
		tenant = NULL;
	if (reg != NULL && reg[0] == '\0')
		reg = NULL;
	if (azsreg_guid_normalize(guid, cust, "customer subscription ID") != AZSREG_OK ||
	    (tenant != NULL && azsreg_tenant_check(tenant) != AZSREG_OK) ||
	    (reg != NULL && check_registration(reg) != AZSREG_OK)) {
		add_error(st, line);
		return;
	}
	if (st->nrows == st->rows_cap) {
		size_t cap = st->rows_cap ? st->rows_cap * 2 : 64;
		in_row *nr = realloc(st->rows, cap * sizeof(*nr));

		if (nr == NULL) {
			st->oom = 1;
			return;
		}
		st->rows = nr;
		st->rows_cap = cap;
	}
	r = &st->rows[st->nrows];
	memset(r, 0, sizeof(*r));
	r->line = line;
	memcpy(r->guid, guid, sizeof(guid));
	r->tenant = tenant ? azsreg__strdup(tenant) : NULL;
	r->reg = reg ? azsreg__strdup(reg) : NULL;
	st->nrows++;
	if ((tenant != NULL && r->tenant == NULL) || (reg != NULL && r->reg == NULL))
		st->oom = 1;
}

/* ------------------------------------------------------------------ CSV */

enum { COL_CUSTOMER,
       COL_TENANT,
       COL_REGISTRATION,
       COL_COUNT };
static const char *const col_names[COL_COUNT] = { "customer", "TenantId", "Registration" };
static const char json_hint[] = " (the file looks like JSON lines: one object per line)";

typedef struct csv_ctx {
	in_state *st;
	int have_header;
	int stop; /* a file-level problem: ignore the rest */
	int looks_json; /* the first non-blank character is '{' (format forced to CSV) */
	char **hnames; /* header cells (trimmed) while the header row is read */
	size_t nh, hcap;
	size_t width; /* header cells */
	size_t col[COL_COUNT]; /* column index of each known column, NO_COLUMN when absent */
	/* the current row */
	int row_open; /* a row has started and not ended (a quoted field goes on) */
	size_t row_line;
	size_t cell; /* index of the next cell */
	int any; /* a non-empty cell */
	size_t extra; /* non-empty cells past the header's columns */
	char *val[COL_COUNT];
} csv_ctx;

static void row_reset(csv_ctx *cx)
{
	int k;

	for (k = 0; k < COL_COUNT; k++) {
		free(cx->val[k]);
		cx->val[k] = NULL;
	}
	cx->cell = 0;
	cx->any = 0;
	cx->extra = 0;
	cx->row_open = 0;
}

static void header_free(csv_ctx *cx)
{
	size_t i;

	for (i = 0; i < cx->nh; i++)
		free(cx->hnames[i]);
	free(cx->hnames);
	cx->hnames = NULL;
	cx->nh = cx->hcap = 0;
}

static void on_cell(void *field, size_t len, void *data)
{
	csv_ctx *cx = data;
	const char *f = field;
	size_t idx = cx->cell++;
	int k;

	if (cx->stop || cx->st->oom)
		return;
	if (len > 0)
		cx->any = 1;
	if (!cx->have_header) {
		/* Header names: surrounding spaces and tabs do not count. */
		while (len > 0 && (f[0] == ' ' || f[0] == '\t')) {
			f++;
			len--;
		}
		while (len > 0 && (f[len - 1] == ' ' || f[len - 1] == '\t'))
			len--;
		if (cx->nh == cx->hcap) {
			size_t cap = cx->hcap ? cx->hcap * 2 : 16;
			char **nn = realloc(cx->hnames, cap * sizeof(*nn));

			if (nn == NULL) {
				cx->st->oom = 1;
				return;
			}
			cx->hnames = nn;
			cx->hcap = cap;
		}
		cx->hnames[cx->nh] = copy_n(cx->st, f, len);
		if (cx->hnames[cx->nh] != NULL)
			cx->nh++;
		return;
	}
	for (k = 0; k < COL_COUNT; k++) {
		if (idx == cx->col[k] && cx->val[k] == NULL)
			cx->val[k] = copy_n(cx->st, f, len);
	}
	if (idx >= cx->width && len > 0)
		cx->extra++;
}

/* Does s name known column k? */
static int header_is(const char *s, int k)
{
	switch (k) {
	case COL_CUSTOMER:
		return strcasecmp(s, "CustomerSubscriptionId") == 0 || strcasecmp(s, "SubscriptionId") == 0;
	case COL_TENANT:
		return strcasecmp(s, "TenantId") == 0;
	default:
		return strcasecmp(s, "Registration") == 0;
	}
}

/* The header row: finds the known columns; a missing customer column or a column named twice stops everything. */
static void read_header(csv_ctx *cx)
{
	azsreg_buf names = AZSREG_BUF_INIT;
	char guid[AZSREG_GUID_LEN + 1];
	const char *hint = "";
	size_t i;
	int k;

	cx->width = cx->nh;
	for (i = 0; i < cx->nh; i++) {
		for (k = 0; k < COL_COUNT; k++) {
			if (!header_is(cx->hnames[i], k))
				continue;
			if (cx->col[k] != NO_COLUMN) {
				(void)azsreg_error__set(AZSREG_EINVALID,
							"the header names the %s column twice (column %zu '%s' and column %zu '%s'): keep one",
							col_names[k], cx->col[k] + 1, cx->hnames[cx->col[k]], i + 1, cx->hnames[i]);
				set_fatal(cx->st, cx->row_line);
				cx->stop = 1;
				goto done;
			}
			cx->col[k] = i;
		}
	}
	if (cx->col[COL_CUSTOMER] == NO_COLUMN) {
		for (i = 0; i < cx->nh && names.size < 200; i++)
			(void)azsreg_buf__printf(&names, "%s'%s'", i ? ", " : "", cx->hnames[i]);
		if (i < cx->nh)
			(void)azsreg_buf__puts(&names, ", ...");
		for (i = 0; i < cx->nh; i++) {
			if (cx->looks_json) {
				hint = json_hint;
				break;
			}
			if (azsreg_guid_normalize(guid, cx->hnames[i], NULL) == AZSREG_OK) {
				hint = " (the first row looks like data: the file needs a header row, e.g. CustomerSubscriptionId,TenantId,Registration)";
				break;
			}
		}
		(void)azsreg_error__set(AZSREG_EINVALID,
					"the header has no customer column (CustomerSubscriptionId or SubscriptionId); its columns are %s%s",
					azsreg_buf__cstr(&names), hint);
		set_fatal(cx->st, cx->row_line);
		cx->stop = 1;
		goto done;
	}
	cx->have_header = 1;
done:
	azsreg_buf__free(&names);
	header_free(cx);
}

static void on_row(int c, void *data)
{
	csv_ctx *cx = data;
	size_t line = cx->row_line;

	(void)c;
	if (cx->stop || cx->st->oom || !cx->any) {
		/* Rows whose cells are all empty (",,") are skipped, before the header too. */
		header_free(cx);
		row_reset(cx);
		return;
	}
	if (!cx->have_header) {
		read_header(cx);
	} else {
		int q = row_checks_begin(cx->st);

		if (cx->extra > 0) {
			(void)azsreg_error__set(AZSREG_EINVALID,
						"the row has %zu cells but the header only %zu columns: a value with a comma must be in quotes",
						cx->cell, cx->width);
			add_error(cx->st, line);
		} else {
			add_row(cx->st, line, cx->val[COL_CUSTOMER] ? cx->val[COL_CUSTOMER] : "", cx->val[COL_TENANT],
				cx->val[COL_REGISTRATION]);
		}
		(void)azsreg_error__quiet(q);
	}
	row_reset(cx);
}

/* libcsv trims spaces and tabs around unquoted fields unless told that nothing is a space. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int csv_start(struct csv_parser *p)
{
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	csv_set_space_func(p, no_space);
	return 0;
}

/*
 * Feeds libcsv one physical line at a time: a row starts on the first non-blank line fed
 * while no row is open, and ends (on_row) at the line break that closes it, so every row
 * knows its first line even when a quoted field spans several. After a strict-mode error
 * the row is listed as bad, the rest of that line skipped and the parser started afresh.
 */
static void parse_csv(in_state *st, const char *text, size_t len, size_t line)
{
	struct csv_parser p;
	csv_ctx cx;
	size_t i = 0, e, next, n, col, blk;
	int k, q;

	memset(&cx, 0, sizeof(cx));
	cx.st = st;
	for (k = 0; k < COL_COUNT; k++)
		cx.col[k] = NO_COLUMN;
	for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'); i++)
		;
	cx.looks_json = i < len && text[i] == '{';
	i = 0;
	if (csv_start(&p) != 0) {
		st->oom = 1;
		return;
	}
	while (i < len && !cx.stop && !st->oom) {
		e = line_end(text, len, i, &next);
		if (!cx.row_open) {
			if (is_blank(text + i, e - i)) {
				i = next;
				line++;
				continue;
			}
			cx.row_open = 1;
			cx.row_line = line;
		}
		/* Grow the field buffer geometrically, not by libcsv's fixed 128 bytes. */
		blk = csv_get_buffer_size(&p);
		if (blk < (next - i) / 8)
			blk = (next - i) / 8;
		csv_set_blk_size(&p, blk < 4096 ? 4096 : blk);
		n = csv_parse(&p, text + i, next - i, on_cell, on_row, &cx);
		if (n < next - i && !cx.stop && !st->oom) {
			if (csv_error(&p) != CSV_EPARSE) {
				st->oom = 1;
				break;
			}
			col = char_count(text + i, n) + 1;
			q = cx.have_header ? row_checks_begin(st) : azsreg_error__quiet(0);
			if (text[i + n] == '"')
				(void)azsreg_error__set(AZSREG_EINVALID,
							"a quote inside a field that does not start with one (line %zu, column %zu): "
							"quote the whole field and double the quotes in it (\"a \"\"b\"\" c\")",
							line, col);
			else
				(void)azsreg_error__set(AZSREG_EINVALID,
							"text after the closing quote of a quoted field (line %zu, column %zu): "
							"the quote must end the field (a quote inside it is written twice)",
							line, col);
			if (!cx.have_header) {
				if (cx.looks_json)
					(void)azsreg_error__suffix(0, "%s", json_hint);
				(void)azsreg_error__prefix("the header row is not valid CSV");
				set_fatal(st, cx.row_line);
				cx.stop = 1;
			} else {
				add_error(st, cx.row_line);
			}
			(void)azsreg_error__quiet(q);
			header_free(&cx);
			row_reset(&cx);
			csv_free(&p);
			if (csv_start(&p) != 0) {
				st->oom = 1;
				return;
			}
		}
		i = next;
		line++;
	}
	if (!cx.stop && !st->oom && csv_fini(&p, on_cell, on_row, &cx) != 0) {
		n = line - cx.row_line - 1; /* lines after the row's first one */
		if (n == 0)
			(void)azsreg_error__set(AZSREG_EINVALID,
						"a quoted field in this row is never closed (the file ends inside it): close the quote");
		else
			(void)azsreg_error__set(AZSREG_EINVALID,
						"a quoted field that starts in this row is never closed: everything after its opening quote "
						"(%zu more %s) was read as one value; close the quote",
						n, n == 1 ? "line" : "lines");
		set_fatal(st, cx.row_line);
		cx.stop = 1;
	}
	if (!cx.have_header && !cx.stop && !st->oom) {
		(void)azsreg_error__set(AZSREG_EINVALID, "the file is empty");
		cx.stop = 1;
		st->fatal = azsreg__strdup(azsreg_error_last()->message);
		if (st->fatal == NULL)
			st->oom = 1;
	}
	csv_free(&p);
	header_free(&cx);
	row_reset(&cx);
}

/* ---------------------------------------------------------- JSON lines */

static const char *json_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

static const char *const member_names[COL_COUNT] = { "customerSubscriptionId", "tenantId", "registration" };

/* One line of a JSON lines file. */
static void json_line(in_state *st, const char *s, size_t n, size_t line)
{
	json_error_t jerr;
	json_t *o, *v, *found[COL_COUNT] = { NULL, NULL, NULL };
	const char *key, *keys[COL_COUNT] = { NULL, NULL, NULL };
	const char *val[COL_COUNT] = { NULL, NULL, NULL };
	int k;

	o = json_loadb(s, n, JSON_DECODE_ANY, &jerr);
	if (o == NULL) {
		(void)azsreg_error__set(AZSREG_EINVALID, "not valid JSON: %s (column %d)", jerr.text, jerr.column);
		add_error(st, line);
		return;
	}
	if (!json_is_object(o)) {
		(void)azsreg_error__set(AZSREG_EINVALID, "%s, not a JSON object: give one object per line", json_type_name(o));
		add_error(st, line);
		goto done;
	}
	json_object_foreach(o, key, v)
	{
		for (k = 0; k < COL_COUNT; k++) {
			if (!(k == COL_CUSTOMER ? strcasecmp(key, "customerSubscriptionId") == 0 || strcasecmp(key, "subscriptionId") == 0
						: strcasecmp(key, member_names[k]) == 0))
				continue;
			if (found[k] != NULL) {
				(void)azsreg_error__set(AZSREG_EINVALID, "the object has both \"%s\" and \"%s\": give the %s once",
							keys[k], key, k == COL_CUSTOMER ? "customer" : member_names[k]);
				add_error(st, line);
				goto done;
			}
			found[k] = v;
			keys[k] = key;
		}
	}
	if (found[COL_CUSTOMER] == NULL) {
		(void)azsreg_error__set(AZSREG_EINVALID, "the object has no customerSubscriptionId (or subscriptionId) member");
		add_error(st, line);
		goto done;
	}
	for (k = 0; k < COL_COUNT; k++) {
		if (found[k] == NULL || (k != COL_CUSTOMER && json_is_null(found[k])))
			continue;
		if (!json_is_string(found[k])) {
			(void)azsreg_error__set(AZSREG_EINVALID, "\"%s\" is %s, not a string%s", keys[k], json_type_name(found[k]),
						k == COL_CUSTOMER ? "" : " or null");
			add_error(st, line);
			goto done;
		}
		val[k] = json_string_value(found[k]);
	}
	add_row(st, line, val[COL_CUSTOMER], val[COL_TENANT], val[COL_REGISTRATION]);
done:
	json_decref(o);
}

static void parse_json_lines(in_state *st, const char *text, size_t len, size_t line)
{
	size_t i = 0, e, next, seen = 0;

	while (i < len && !st->oom) {
		e = line_end(text, len, i, &next);
		if (!is_blank(text + i, e - i)) {
			int q = row_checks_begin(st);

			seen++;
			json_line(st, text + i, e - i, line);
			(void)azsreg_error__quiet(q);
		}
		i = next;
		line++;
	}
	if (seen == 0 && !st->oom) {
		(void)azsreg_error__set(AZSREG_EINVALID, "the file is empty");
		st->fatal = azsreg__strdup(azsreg_error_last()->message);
		if (st->fatal == NULL)
			st->oom = 1;
	}
}

/* ----------------------------------------------------------- duplicates */

static int str_null_casecmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcasecmp(a, b);
}

static int row_key_cmp(const void *pa, const void *pb)
{
	const in_row *a = *(const in_row *const *)pa, *b = *(const in_row *const *)pb;
	int c = strcmp(a->guid, b->guid);

	if (c == 0)
		c = str_null_casecmp(a->reg, b->reg);
	if (c == 0)
		c = a->line < b->line ? -1 : a->line > b->line;
	return c;
}

/* Marks each row that repeats an earlier one (same customer, same registration). Returns how many. */
static size_t mark_duplicates(in_state *st)
{
	in_row **sorted;
	size_t i, first = 0, count = 0;

	if (st->nrows < 2)
		return 0;
	sorted = malloc(st->nrows * sizeof(in_row *));
	if (sorted == NULL) {
		st->oom = 1;
		return 0;
	}
	for (i = 0; i < st->nrows; i++)
		sorted[i] = &st->rows[i];
	qsort(sorted, st->nrows, sizeof(in_row *), row_key_cmp);
	for (i = 1; i < st->nrows; i++) {
		if (strcmp(sorted[i]->guid, sorted[first]->guid) == 0 && str_null_casecmp(sorted[i]->reg, sorted[first]->reg) == 0) {
			sorted[i]->dup_of = sorted[first]->line;
			count++;
		} else {
			first = i;
		}
	}
	free(sorted);
	return count;
}

/* ---------------------------------------------------------------- result */

/*
 * Appends s as a JSON string, escaped as Jansson's json_dumps does (the rows of a 64 MiB
 * file are written straight into the result: a Jansson tree of them took 1.3 GB and most
 * of the time). Values here are valid UTF-8 (check_text) and, as checked, hold no control
 * characters; those are escaped all the same.
 */
static void put_json_string(azsreg_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;

	(void)azsreg_buf__put(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6];
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		(void)azsreg_buf__put(b, run, (size_t)(s - run));
		run = s + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		(void)azsreg_buf__put(b, esc, n);
	}
	(void)azsreg_buf__put(b, run, (size_t)(s - run));
	(void)azsreg_buf__put(b, "\"", 1);
}

static void put_nullable(azsreg_buf *b, const char *s)
{
	if (s != NULL)
		put_json_string(b, s);
	else
		(void)azsreg_buf__puts(b, "null");
}

/* {"format","rows","errors","duplicates","errorCount","duplicateCount"}; NULL out of memory. */
static char *result_json(in_state *st, int json_lines, size_t ndups)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	char *errors = json_dumps(st->errors, JSON_COMPACT);
	size_t i, listed = 0;
	const char *sep = "";

	b.limit = (size_t)1 << 30; /* rows of a 64 MiB file take about 250 MB */
	if (errors == NULL)
		return NULL;
	(void)azsreg_buf__printf(&b, "{\"format\":\"%s\",\"rows\":[", json_lines ? "jsonLines" : "csv");
	for (i = 0; i < st->nrows && !b.failed; i++) {
		const in_row *row = &st->rows[i];

		if (row->dup_of != 0)
			continue;
		(void)azsreg_buf__printf(&b, "%s{\"line\":%zu,\"customerSubscriptionId\":\"%s\",\"tenantId\":", sep, row->line, row->guid);
		put_nullable(&b, row->tenant);
		(void)azsreg_buf__puts(&b, ",\"registration\":");
		put_nullable(&b, row->reg);
		(void)azsreg_buf__puts(&b, "}");
		sep = ",";
	}
	(void)azsreg_buf__printf(&b, "],\"errors\":%s,\"duplicates\":[", errors);
	sep = "";
	for (i = 0; i < st->nrows && listed < INPUT_LIST_MAX && !b.failed; i++) {
		const in_row *row = &st->rows[i];

		if (row->dup_of == 0)
			continue;
		(void)azsreg_buf__printf(&b, "%s{\"line\":%zu,\"firstLine\":%zu,\"customerSubscriptionId\":\"%s\"}", sep, row->line,
					 row->dup_of, row->guid);
		sep = ",";
		listed++;
	}
	(void)azsreg_buf__printf(&b, "],\"errorCount\":%zu,\"duplicateCount\":%zu}", st->nerrors, ndups);
	free(errors);
	if (b.failed) {
		azsreg_buf__free(&b);
		return NULL;
	}
	return azsreg_buf__detach(&b);
}

/* "N rows are bad (E with errors, D duplicates)" and its shorter forms. */
static void count_text(azsreg_buf *b, size_t nerr, size_t ndup)
{
	size_t total = nerr + ndup;

	if (ndup == 0)
		(void)azsreg_buf__printf(b, "%zu %s bad", total, total == 1 ? "row is" : "rows are");
	else if (nerr == 0)
		(void)azsreg_buf__printf(b, "%zu %s", total, total == 1 ? "row is a duplicate" : "rows are duplicates");
	else
		(void)azsreg_buf__printf(b, "%zu rows are bad (%zu with errors, %zu %s)", total, nerr, ndup,
					 ndup == 1 ? "duplicate" : "duplicates");
}

AZSREG_EXTERN(int) azsreg_input_parse(char **out_json, const char *text, size_t len, int format, unsigned int flags)
{
	in_state st;
	azsreg_buf msg = AZSREG_BUF_INIT;
	size_t i, ndups = 0, line = 1, first_dup = 0;
	int json_lines, rc = AZSREG_OK;
	char *json = NULL;

	memset(&st, 0, sizeof(st));
	if (out_json != NULL)
		*out_json = NULL;
	if (out_json == NULL || (text == NULL && len > 0)) {
		rc = azsreg_error__set(AZSREG_EINVALID, "input file: out_json and the text are required");
		goto done;
	}
	if (format != AZSREG_INPUT_AUTO && format != AZSREG_INPUT_CSV && format != AZSREG_INPUT_JSON_LINES) {
		rc = azsreg_error__set(AZSREG_EINVALID, "input file: unknown format %d (AZSREG_INPUT_AUTO, _CSV or _JSON_LINES)", format);
		goto done;
	}
	if ((flags & ~AZSREG_INPUT_SKIP_BAD) != 0) {
		rc = azsreg_error__set(AZSREG_EINVALID, "input file: unknown flags 0x%x", flags & ~AZSREG_INPUT_SKIP_BAD);
		goto done;
	}
	if (len > INPUT_MAX) {
		rc = azsreg_error__set(AZSREG_EINVALID, "the file is %zu bytes: the limit is 64 MiB (%zu bytes); split it",
				       len, INPUT_MAX);
		goto done;
	}
	if (text == NULL)
		text = "";
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 BOM (not a column of line 1) */
		text += 3;
		len -= 3;
	}
	rc = check_text(text, len);
	if (rc != AZSREG_OK)
		goto done;
	json_lines = format == AZSREG_INPUT_JSON_LINES;
	if (format == AZSREG_INPUT_AUTO) {
		for (i = 0; i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'); i++)
			;
		json_lines = i < len && text[i] == '{';
	}
	st.errors = json_array();
	if (st.errors == NULL) {
		st.oom = 1;
	} else if (json_lines) {
		parse_json_lines(&st, text, len, line);
	} else {
		parse_csv(&st, text, len, line);
	}
	if (!st.oom)
		ndups = mark_duplicates(&st);
	if (st.oom) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory reading the input file");
		goto done;
	}
	if (st.fatal != NULL && st.nerrors == 0 && st.nrows == 0) {
		/* Nothing was read (an empty file): nothing to list. */
		rc = azsreg_error__set(AZSREG_EINVALID, "%s", st.fatal);
		goto done;
	}
	json = result_json(&st, json_lines, ndups);
	if (json == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory building the input file's rows");
		goto done;
	}
	for (i = 0; i < st.nrows && ndups > 0; i++) {
		if (st.rows[i].dup_of != 0) {
			first_dup = i + 1;
			break;
		}
	}
	if (st.fatal != NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s", st.fatal);
	} else if ((st.nerrors > 0 || ndups > 0) && !(flags & AZSREG_INPUT_SKIP_BAD)) {
		if (first_dup != 0 && (st.first_error == NULL || st.rows[first_dup - 1].line < st.first_error_line)) {
			const in_row *d = &st.rows[first_dup - 1];

			(void)azsreg_buf__printf(&msg, "line %zu: customer %s is there twice %s (first on line %zu)", d->line, d->guid,
						 d->reg != NULL ? "for the same registration" : "without a registration", d->dup_of);
		} else {
			(void)azsreg_buf__printf(&msg, "line %zu: %s", st.first_error_line, st.first_error);
		}
		(void)azsreg_buf__puts(&msg, "; ");
		count_text(&msg, st.nerrors, ndups);
		rc = azsreg_error__set(AZSREG_EINVALID, "%s", azsreg_buf__cstr(&msg));
	} else {
		azsreg_error_clear();
	}
	*out_json = json;
	json = NULL;
done:
	for (i = 0; i < st.nrows; i++) {
		free(st.rows[i].tenant);
		free(st.rows[i].reg);
	}
	free(st.rows);
	json_decref(st.errors);
	free(st.first_error);
	free(st.fatal);
	free(json);
	azsreg_buf__free(&msg);
	return rc;
}
