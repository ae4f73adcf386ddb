/* resource_id.c: GUIDs, ARM resource ID validation, registration / customer IDs. */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SEGMENTS 256
#define RESOURCE_GROUP_MAX 90

/* -------------------------------------------------------------- GUIDs */

AZSREG_EXTERN(int) azsreg_guid_normalize(char *out, const char *text, const char *what)
{
	char tmp[AZSREG_GUID_LEN + 1];
	const char *p;
	size_t len, i;
	int rc = AZSREG_OK;

	if (what == NULL || what[0] == '\0')
		what = "GUID";
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s: output buffer is NULL", what);
		goto done;
	}
	if (text == NULL || text[0] == '\0') {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is empty (expected a GUID like 00000000-0000-0000-0000-000000000000)", what);
		goto done;
	}
	/* Nothing is trimmed: a stray newline or space is named, the same for every front end. */
	rc = azsreg_util__check_untrimmed(text, what);
	if (rc != AZSREG_OK)
		goto done;
	p = text;
	len = strlen(text);
	if (text[0] == '{') {
		if (len != AZSREG_GUID_LEN + 2 || text[len - 1] != '}') {
			rc = azsreg_error__set(AZSREG_EINVALID, "%s '%.80s' is not a GUID: braces must enclose exactly 36 characters", what, text);
			goto done;
		}
		p = text + 1;
		len -= 2;
	}
	if (len != AZSREG_GUID_LEN) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s '%.80s' is not a GUID: it has %zu characters, a GUID has 36 (8-4-4-4-12 hex digits)", what, text, len);
		goto done;
	}
	for (i = 0; i < AZSREG_GUID_LEN; i++) {
		unsigned char c = (unsigned char)p[i];
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-') {
				rc = azsreg_error__set(AZSREG_EINVALID, "%s '%.80s' is not a GUID: expected '-' at position %zu (8-4-4-4-12 hex digits)", what, text, (size_t)(p - text) + i + 1);
				goto done;
			}
			tmp[i] = '-';
		} else {
			if (!isxdigit(c)) {
				rc = azsreg_error__set(AZSREG_EINVALID, "%s '%.80s' is not a GUID: position %zu is not a hexadecimal digit", what, text, (size_t)(p - text) + i + 1);
				goto done;
			}
			tmp[i] = (char)tolower(c);
		}
	}
	tmp[AZSREG_GUID_LEN] = '\0';
	memcpy(out, tmp, sizeof(tmp));
done:
	return rc;
}

/* ----------------------------------------------------------- splitting */

typedef struct segment {
	const char *p;
	size_t len;
	size_t pos; /* 1-based position in the input */
} segment;

typedef struct split_id {
	segment seg[MAX_SEGMENTS];
	size_t count;
} split_id;

/* The printf arguments for "%.*s" quoting a segment, cut to 80 characters. */
#define SEG_SHOWN(sg) (int)((sg)->len > 80 ? 80 : (sg)->len), (sg)->p

static int seg_is(const segment *s, const char *word)
{
	return s->len == strlen(word) && strncasecmp(s->p, word, s->len) == 0;
}

/* Character checks and splitting; `what` is "resource ID", "registration ID", ... */
static int split(split_id *out, const char *id, const char *what)
{
	size_t len, i, start;
	const char *p;

	out->count = 0;
	if (id == NULL || id[0] == '\0')
		return azsreg_error__set(AZSREG_EINVALID, "%s is empty", what);
	len = strnlen(id, AZSREG_RESOURCE_ID_MAX + 1);
	if (len > AZSREG_RESOURCE_ID_MAX)
		return azsreg_error__set(AZSREG_EINVALID, "%s is too long: more than %d characters", what, AZSREG_RESOURCE_ID_MAX);
	if (azsreg_util__check_untrimmed(id, what) != AZSREG_OK)
		return AZSREG_EINVALID;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c < 0x20 || c == 0x7f)
			return azsreg_error__set(AZSREG_EINVALID, "%s has a control character at position %zu", what, i + 1);
		if (isspace(c))
			return azsreg_error__set(AZSREG_EINVALID, "%s has whitespace at position %zu", what, i + 1);
		if (c == '?')
			return azsreg_error__set(AZSREG_EINVALID, "%s has '?' at position %zu: pass the ID without a query string", what, i + 1);
		if (c == '#')
			return azsreg_error__set(AZSREG_EINVALID, "%s has '#' at position %zu", what, i + 1);
		if (c == '%')
			return azsreg_error__set(AZSREG_EINVALID, "%s has '%%' at position %zu: percent-encoded IDs are not accepted", what, i + 1);
		if (c == '\\')
			return azsreg_error__set(AZSREG_EINVALID, "%s has '\\' at position %zu: use '/' between segments", what, i + 1);
	}
	p = id;
	i = 0;
	if (p[0] == '/')
		i = 1;
	if (i >= len)
		return azsreg_error__set(AZSREG_EINVALID, "%s is only '/'", what);
	start = i;
	for (; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		if (i == start) {
			if (i == len)
				return azsreg_error__set(AZSREG_EINVALID, "%s ends with '/'", what);
			return azsreg_error__set(AZSREG_EINVALID, "%s has an empty segment ('//') at position %zu", what, i + 1);
		}
		if ((i - start == 2 && p[start] == '.' && p[start + 1] == '.') || (i - start == 1 && p[start] == '.'))
			return azsreg_error__set(AZSREG_EINVALID, "%s has a '%.*s' segment at position %zu", what, (int)(i - start), p + start, start + 1);
		if (out->count == MAX_SEGMENTS)
			return azsreg_error__set(AZSREG_EINVALID, "%s has more than %d segments", what, MAX_SEGMENTS);
		out->seg[out->count].p = p + start;
		out->seg[out->count].len = i - start;
		out->seg[out->count].pos = start + 1;
		out->count++;
		start = i + 1;
	}
	return AZSREG_OK;
}

/* split() into a new split_id, which the caller frees, also on failure (*out may be NULL). */
static int split_new(split_id **out, const char *id, const char *what)
{
	*out = malloc(sizeof(**out));
	if (*out == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory");
	return split(*out, id, what);
}

static int guid_segment(char *out, const segment *s, const char *what, const char *idwhat)
{
	char tmp[AZSREG_GUID_LEN + 3];
	char label[96];

	snprintf(label, sizeof(label), "%s in the %s", what, idwhat);
	if (s->len > AZSREG_GUID_LEN + 2)
		return azsreg_error__set(AZSREG_EINVALID, "%s '%.*s' is not a GUID", label, SEG_SHOWN(s));
	memcpy(tmp, s->p, s->len);
	tmp[s->len] = '\0';
	return azsreg_guid_normalize(out, tmp, label);
}

static int check_resource_group(const char *rg, size_t len, const char *idwhat)
{
	size_t i;

	if (len == 0)
		return azsreg_error__set(AZSREG_EINVALID, "%s: resource group name is empty", idwhat);
	if (len > RESOURCE_GROUP_MAX)
		return azsreg_error__set(AZSREG_EINVALID, "%s: resource group name is %zu characters long; the maximum is %d", idwhat, len, RESOURCE_GROUP_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)rg[i];
		if (!isalnum(c) && c != '_' && c != '-' && c != '.' && c != '(' && c != ')')
			return azsreg_error__set(AZSREG_EINVALID, "%s: resource group name '%.*s' has an invalid character at position %zu (allowed: letters, digits, _ - . ( ))",
						 idwhat, (int)len, rg, i + 1);
	}
	if (rg[len - 1] == '.')
		return azsreg_error__set(AZSREG_EINVALID, "%s: resource group name '%.*s' must not end with '.'", idwhat, (int)len, rg);
	return AZSREG_OK;
}

static int check_name(const char *name, size_t len, const char *idwhat)
{
	size_t i;

	if (len == 0)
		return azsreg_error__set(AZSREG_EINVALID, "%s: registration name is empty", idwhat);
	if (len > AZSREG_NAME_MAX)
		return azsreg_error__set(AZSREG_EINVALID, "%s: registration name is %zu characters long; the maximum is %d", idwhat, len, AZSREG_NAME_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!isalnum(c) && c != '_' && c != '-' && c != '.')
			return azsreg_error__set(AZSREG_EINVALID, "%s: registration name '%.*s' has an invalid character at position %zu (allowed: letters, digits, - _ .)",
						 idwhat, (int)(len > 80 ? 80 : len), name, i + 1);
	}
	/* As a path segment '.' or '..' would name another resource (the parser refuses them). */
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return azsreg_error__set(AZSREG_EINVALID, "%s: registration name '%.*s' is a path segment of its own, not a name", idwhat, (int)len, name);
	return AZSREG_OK;
}

static const char registration_shape[] =
	"/subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.AzureStack/registrations/{name}";

/* Parses the first 8 segments as a registration; extra segments are left to the caller. */
static int parse_registration(azsreg_registration_ref *out, const split_id *s, const char *idwhat)
{
	static const char *const missing[] = {
		"'subscriptions'",
		"the subscription ID",
		"'resourceGroups'",
		"the resource group name",
		"'providers'",
		"'Microsoft.AzureStack'",
		"'registrations'",
		"the registration name",
	};
	int rc;

	if (!seg_is(&s->seg[0], "subscriptions"))
		return azsreg_error__set(AZSREG_EINVALID, "%s must start with /subscriptions/, got '%.*s' (expected %s)",
					 idwhat, SEG_SHOWN(&s->seg[0]), registration_shape);
	if (s->count >= 2) {
		rc = guid_segment(out->subscription_id, &s->seg[1], "subscription ID", idwhat);
		if (rc != AZSREG_OK)
			return rc;
	}
	if (s->count >= 3 && !seg_is(&s->seg[2], "resourceGroups"))
		return azsreg_error__set(AZSREG_EINVALID, "%s: expected 'resourceGroups' after the subscription ID, got '%.*s'",
					 idwhat, SEG_SHOWN(&s->seg[2]));
	if (s->count >= 4) {
		rc = check_resource_group(s->seg[3].p, s->seg[3].len, idwhat);
		if (rc != AZSREG_OK)
			return rc;
	}
	if (s->count >= 5 && !seg_is(&s->seg[4], "providers"))
		return azsreg_error__set(AZSREG_EINVALID, "%s: expected 'providers' after the resource group, got '%.*s'",
					 idwhat, SEG_SHOWN(&s->seg[4]));
	if (s->count >= 6 && !seg_is(&s->seg[5], "Microsoft.AzureStack"))
		return azsreg_error__set(AZSREG_EINVALID, "%s: wrong provider: expected Microsoft.AzureStack, got %.*s",
					 idwhat, SEG_SHOWN(&s->seg[5]));
	if (s->count >= 7 && !seg_is(&s->seg[6], "registrations"))
		return azsreg_error__set(AZSREG_EINVALID, "%s: wrong resource type: expected Microsoft.AzureStack/registrations, got Microsoft.AzureStack/%.*s",
					 idwhat, SEG_SHOWN(&s->seg[6]));
	if (s->count < 8)
		return azsreg_error__set(AZSREG_EINVALID, "%s is incomplete: %s is missing (expected %s)", idwhat, missing[s->count], registration_shape);
	rc = check_name(s->seg[7].p, s->seg[7].len, idwhat);
	if (rc != AZSREG_OK)
		return rc;
	memcpy(out->resource_group, s->seg[3].p, s->seg[3].len);
	out->resource_group[s->seg[3].len] = '\0';
	memcpy(out->name, s->seg[7].p, s->seg[7].len);
	out->name[s->seg[7].len] = '\0';
	return AZSREG_OK;
}

/*
 * subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.AzureStack/registrations/{r}/customerSubscriptions/{c}:
 * a customer subscription mapping, whose last segment is a GUID the service wants in lowercase.
 */
static int is_customer_id(const split_id *s)
{
	return s->count == 10 && seg_is(&s->seg[0], "subscriptions") && seg_is(&s->seg[2], "resourceGroups") &&
	       seg_is(&s->seg[4], "providers") && seg_is(&s->seg[5], "Microsoft.AzureStack") &&
	       seg_is(&s->seg[6], "registrations") && seg_is(&s->seg[8], "customerSubscriptions");
}

/* ----------------------------------------------------------------- public */

/*
 * The checks of azsreg_resource_id_validate on a split ID. A customer subscription ID's
 * GUID goes to `customer` in lowercase; `customer` is "" for any other ID.
 */
static int validate_split(const split_id *s, char *customer)
{
	char guid[AZSREG_GUID_LEN + 1];
	int rc;

	customer[0] = '\0';
	if (seg_is(&s->seg[0], "providers")) {
		if (s->count < 2)
			return azsreg_error__set(AZSREG_EINVALID, "resource ID is incomplete: the provider namespace after /providers/ is missing");
		return AZSREG_OK;
	}
	if (!seg_is(&s->seg[0], "subscriptions"))
		return azsreg_error__set(AZSREG_EINVALID, "resource ID must start with /subscriptions/{id} or /providers/{namespace}, got '%.*s'",
					 SEG_SHOWN(&s->seg[0]));
	if (s->count < 2)
		return AZSREG_OK; /* "/subscriptions" alone: the tenant-level list of subscriptions (GET only in practice) */
	rc = guid_segment(guid, &s->seg[1], "subscription ID", "resource ID");
	if (rc != AZSREG_OK)
		return rc;
	if (s->count >= 4 && seg_is(&s->seg[2], "resourceGroups")) {
		rc = check_resource_group(s->seg[3].p, s->seg[3].len, "resource ID");
		if (rc != AZSREG_OK)
			return rc;
	}
	if (is_customer_id(s)) {
		rc = guid_segment(customer, &s->seg[9], "customer subscription ID", "resource ID");
		if (rc != AZSREG_OK) {
			/* Bindings tell this mistake apart (the module's InvalidCustomerSubscriptionId). */
			azsreg_error__set_target("customerSubscriptionId");
			return rc;
		}
	}
	return AZSREG_OK;
}

AZSREG_EXTERN(int) azsreg_resource_id_validate(const char *resource_id)
{
	split_id *s = NULL;
	char customer[AZSREG_GUID_LEN + 1];
	int rc;

	rc = split_new(&s, resource_id, "resource ID");
	if (rc == AZSREG_OK)
		rc = validate_split(s, customer);
	free(s);
	return rc;
}

AZSREG_EXTERN(int) azsreg_resource_id_normalize(char **out, const char *resource_id)
{
	split_id *s = NULL;
	char customer[AZSREG_GUID_LEN + 1];
	azsreg_buf b = AZSREG_BUF_INIT;
	size_t start, len;
	int rc;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "resource ID: output is NULL");
	*out = NULL;
	rc = split_new(&s, resource_id, "resource ID");
	if (rc == AZSREG_OK)
		rc = validate_split(s, customer);
	if (rc != AZSREG_OK)
		goto done;
	len = strlen(resource_id);
	if (customer[0] != '\0') {
		/* The customer subscription GUID in lowercase, without braces; the rest as given. */
		start = s->seg[9].pos - 1;
		rc = azsreg_buf__put(&b, resource_id, start);
		if (rc == AZSREG_OK)
			rc = azsreg_buf__puts(&b, customer);
		if (rc == AZSREG_OK)
			rc = azsreg_buf__put(&b, resource_id + start + s->seg[9].len, len - start - s->seg[9].len);
	} else {
		rc = azsreg_buf__put(&b, resource_id, len);
	}
	if (rc != AZSREG_OK)
		goto done;
	*out = azsreg_buf__detach(&b);
	if (*out == NULL)
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory");
done:
	azsreg_buf__free(&b);
	free(s);
	return rc;
}

AZSREG_EXTERN(int) azsreg_registration_id_parse(azsreg_registration_ref *out, const char *resource_id)
{
	split_id *s = NULL;
	azsreg_registration_ref ref;
	int rc;

	memset(&ref, 0, sizeof(ref));
	if (out == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "registration ID: output is NULL");
		goto done;
	}
	rc = split_new(&s, resource_id, "registration ID");
	if (rc != AZSREG_OK)
		goto done;
	rc = parse_registration(&ref, s, "registration ID");
	if (rc != AZSREG_OK)
		goto done;
	if (s->count > 8) {
		if (seg_is(&s->seg[8], "customerSubscriptions"))
			rc = azsreg_error__set(AZSREG_EINVALID, "registration ID has a trailing '/customerSubscriptions' part (at position %zu): this is a customer subscription ID; pass the registration ID only",
					       s->seg[8].pos - 1);
		else
			rc = azsreg_error__set(AZSREG_EINVALID, "registration ID has unexpected trailing parts after the registration name, starting at position %zu ('%.*s')",
					       s->seg[8].pos - 1, SEG_SHOWN(&s->seg[8]));
		goto done;
	}
	*out = ref;
done:
	free(s);
	return rc;
}

AZSREG_EXTERN(int) azsreg_customer_id_parse(azsreg_registration_ref *out_registration, char *out_customer, const char *resource_id)
{
	static const char idwhat[] = "customer subscription resource ID";
	split_id *s = NULL;
	azsreg_registration_ref ref;
	char customer[AZSREG_GUID_LEN + 1];
	int rc;

	memset(&ref, 0, sizeof(ref));
	if (out_registration == NULL || out_customer == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s: output is NULL", idwhat);
		goto done;
	}
	rc = split_new(&s, resource_id, idwhat);
	if (rc != AZSREG_OK)
		goto done;
	rc = parse_registration(&ref, s, idwhat);
	if (rc != AZSREG_OK)
		goto done;
	if (s->count == 8) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is incomplete: it names a registration; '/customerSubscriptions/{id}' is missing", idwhat);
		goto done;
	}
	if (!seg_is(&s->seg[8], "customerSubscriptions")) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s: expected 'customerSubscriptions' after the registration name, got '%.*s'",
				       idwhat, SEG_SHOWN(&s->seg[8]));
		goto done;
	}
	if (s->count == 9) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s is incomplete: the customer subscription ID after /customerSubscriptions/ is missing", idwhat);
		goto done;
	}
	rc = guid_segment(customer, &s->seg[9], "customer subscription ID", idwhat);
	if (rc != AZSREG_OK)
		goto done;
	if (s->count > 10) {
		rc = azsreg_error__set(AZSREG_EINVALID, "%s has unexpected trailing parts after the customer subscription ID, starting at position %zu ('%.*s')",
				       idwhat, s->seg[10].pos - 1, SEG_SHOWN(&s->seg[10]));
		goto done;
	}
	*out_registration = ref;
	memcpy(out_customer, customer, sizeof(customer));
done:
	free(s);
	return rc;
}

/* Validates a registration reference and writes the canonical registration ID. */
static int build_registration(azsreg_buf *b, const azsreg_registration_ref *r)
{
	char sub[AZSREG_GUID_LEN + 1];
	size_t rglen, nlen;
	int rc;

	if (r == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "registration is NULL");
	rc = azsreg_guid_normalize(sub, strnlen(r->subscription_id, sizeof(r->subscription_id)) < sizeof(r->subscription_id) ? r->subscription_id : "", "registration subscription ID");
	if (rc != AZSREG_OK)
		return rc;
	rglen = strnlen(r->resource_group, sizeof(r->resource_group));
	nlen = strnlen(r->name, sizeof(r->name));
	if (rglen == sizeof(r->resource_group) || nlen == sizeof(r->name))
		return azsreg_error__set(AZSREG_EINVALID, "registration: resource group or name is not NUL-terminated");
	rc = check_resource_group(r->resource_group, rglen, "registration");
	if (rc != AZSREG_OK)
		return rc;
	rc = check_name(r->name, nlen, "registration");
	if (rc != AZSREG_OK)
		return rc;
	return azsreg_buf__printf(b, "/subscriptions/%s/resourceGroups/%s/providers/Microsoft.AzureStack/registrations/%s",
				  sub, r->resource_group, r->name);
}

AZSREG_EXTERN(int) azsreg_registration_id_build(char **out, const azsreg_registration_ref *registration)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	int rc;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "registration ID: output is NULL");
	*out = NULL;
	rc = build_registration(&b, registration);
	if (rc != AZSREG_OK)
		goto done;
	*out = azsreg_buf__detach(&b);
	if (*out == NULL)
		rc = AZSREG_ENOMEM;
done:
	azsreg_buf__free(&b);
	return rc;
}

AZSREG_EXTERN(int) azsreg_customer_id_build(char **out, const azsreg_registration_ref *registration, const char *customer_subscription_id)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	char customer[AZSREG_GUID_LEN + 1];
	int rc;

	if (out == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "customer subscription resource ID: output is NULL");
	*out = NULL;
	rc = azsreg_guid_normalize(customer, customer_subscription_id, "customer subscription ID");
	if (rc != AZSREG_OK)
		goto done;
	rc = build_registration(&b, registration);
	if (rc != AZSREG_OK)
		goto done;
	rc = azsreg_buf__printf(&b, "/customerSubscriptions/%s", customer);
	if (rc != AZSREG_OK)
		goto done;
	*out = azsreg_buf__detach(&b);
	if (*out == NULL)
		rc = AZSREG_ENOMEM;
done:
	azsreg_buf__free(&b);
	return rc;
}
