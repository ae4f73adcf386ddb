/*
 * sync.c: desired-state sync of customer subscriptions with registrations.
 *
 *   check the registrations and every entry (nothing is sent when one is bad)
 *   -> resolve each distinct tenant domain once
 *   -> list what each registration holds (reads: cheaper and more plentiful than writes)
 *   -> plan: create what is missing, update what has another tenant, delete what is not
 *      wanted (only with AZSREG_SYNC_PRUNE); everything else is unchanged
 *   -> unless a dry run: the plan's writes as one batch (pacing, retries, results)
 *
 * With AZSREG_SYNC_PUT_ALL nothing is listed and every entry is written ("put" in the plan):
 * the CLI's `register --input` and the module's batched Register-AzsCustomerSubscription.
 *
 * A second run with nothing to do sends no write; an interrupted run is finished by
 * running it again (the listing shows what the first run did).
 */
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REGISTRATIONS 64

typedef struct reg_state {
	azsreg_registration_ref ref;
	char *id; /* canonical registration ID */
	json_t *existing; /* {guid: tenantId or null}, from the listing */
} reg_state;

typedef struct want {
	size_t index; /* entry index */
	size_t reg; /* registration index */
	char guid[AZSREG_GUID_LEN + 1];
	const char *tenant_in; /* as given; NULL: any */
	char tenant[AZSREG_GUID_LEN + 1]; /* resolved; "" for none or not yet resolved */
} want;

static int reg_matches(const reg_state *r, const char *given)
{
	azsreg_registration_ref ref;
	int rc;

	if (strcasecmp(r->ref.name, given) == 0)
		return 1;
	rc = azsreg_registration_id_parse(&ref, given);
	azsreg_error_clear();
	return rc == 0 && strcasecmp(ref.subscription_id, r->ref.subscription_id) == 0 &&
	       strcasecmp(ref.resource_group, r->ref.resource_group) == 0 && strcasecmp(ref.name, r->ref.name) == 0;
}

/* Which registrations an entry names: all (NULL), or exactly one matching by name or ID. */
static int entry_registration(size_t *out, const reg_state *regs, size_t nregs, const char *given, size_t i)
{
	size_t j, found = nregs;

	for (j = 0; j < nregs; j++) {
		if (!reg_matches(&regs[j], given))
			continue;
		if (found != nregs)
			return azsreg_error__set(AZSREG_EINVALID,
						 "sync entry %zu: the registration '%.300s' matches %s and %s: give its resource ID", i, given,
						 regs[found].id, regs[j].id);
		found = j;
	}
	if (found == nregs)
		return azsreg_error__set(AZSREG_EINVALID,
					 "sync entry %zu: the registration '%.300s' is not one of the %zu registration(s) of this sync: "
					 "add it to the sync's registrations or leave the entry's registration out (all of them)",
					 i, given, nregs);
	*out = found;
	return AZSREG_OK;
}

static int want_cmp(const void *a, const void *b)
{
	const want *x = a, *y = b;
	int c;

	if (x->reg != y->reg)
		return x->reg < y->reg ? -1 : 1;
	c = strcmp(x->guid, y->guid);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int add_want(want **w, size_t *n, size_t *cap, size_t index, size_t reg, const char *guid, const char *tenant)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		want *nw = realloc(*w, nc * sizeof(**w));
		if (nw == NULL)
			return azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync entries)");
		*w = nw;
		*cap = nc;
	}
	memset(&(*w)[*n], 0, sizeof(**w));
	(*w)[*n].index = index;
	(*w)[*n].reg = reg;
	snprintf((*w)[*n].guid, sizeof((*w)[*n].guid), "%s", guid);
	(*w)[*n].tenant_in = tenant;
	(*n)++;
	return AZSREG_OK;
}

/* Every entry becomes one want per registration it applies to; bad input is refused by its index. */
static int check_entries(want **out, size_t *out_n, const reg_state *regs, size_t nregs, const azsreg_sync_entry *entries, size_t count)
{
	want *w = NULL;
	size_t n = 0, cap = 0, i, j;
	int rc = AZSREG_OK;

	for (i = 0; i < count && rc == 0; i++) {
		const azsreg_sync_entry *e = &entries[i];
		char guid[AZSREG_GUID_LEN + 1];
		size_t reg = nregs;

		rc = azsreg_guid_normalize(guid, e->customer_subscription_id, "customer subscription ID");
		if (rc == 0 && e->tenant_id != NULL) {
			rc = azsreg_ops__check_tenant_value(e->tenant_id, "tenant");
			if (rc == 0)
				rc = azsreg_tenant_check(e->tenant_id);
		}
		if (rc != 0) {
			(void)azsreg_error__prefix("sync entry %zu", i);
			break;
		}
		if (e->registration != NULL) {
			rc = entry_registration(&reg, regs, nregs, e->registration, i);
			if (rc == 0)
				rc = add_want(&w, &n, &cap, i, reg, guid, e->tenant_id);
		} else {
			for (j = 0; j < nregs && rc == 0; j++)
				rc = add_want(&w, &n, &cap, i, j, guid, e->tenant_id);
		}
	}
	if (rc == 0 && n > 1) {
		qsort(w, n, sizeof(*w), want_cmp);
		for (i = 1; i < n; i++) {
			if (w[i].reg == w[i - 1].reg && strcmp(w[i].guid, w[i - 1].guid) == 0) {
				rc = azsreg_error__set(AZSREG_EINVALID,
						       "sync entry %zu repeats entry %zu: customer %s for registration %s; give each customer once "
						       "per registration",
						       w[i].index, w[i - 1].index, w[i].guid, regs[w[i].reg].ref.name);
				break;
			}
		}
	}
	if (rc != 0) {
		free(w);
		return rc;
	}
	*out = w;
	*out_n = n;
	return AZSREG_OK;
}

/* Tenant domains to GUIDs, each distinct one resolved once (GUIDs need no request). */
static int resolve_tenants(azsreg_client *c, want *w, size_t n)
{
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		if (w[i].tenant_in == NULL || w[i].tenant[0] != '\0')
			continue;
		rc = azsreg_tenant_resolve(w[i].tenant, c, w[i].tenant_in);
		if (rc != 0)
			return azsreg_error__prefix("sync entry %zu", w[i].index);
		for (j = i + 1; j < n; j++) {
			if (w[j].tenant_in != NULL && w[j].tenant[0] == '\0' && strcasecmp(w[j].tenant_in, w[i].tenant_in) == 0)
				memcpy(w[j].tenant, w[i].tenant, sizeof(w[j].tenant));
		}
	}
	return AZSREG_OK;
}

/* What a registration holds now: {guid: tenantId or null}. */
static int list_registration(azsreg_client *c, reg_state *r)
{
	char *text = NULL;
	json_t *arr, *item;
	size_t i;
	int bad = 0;
	int rc = azsreg_customer_list(&text, c, r->id);

	if (rc != 0)
		return azsreg_error__prefix("sync");
	arr = json_loads(text, 0, NULL);
	azsreg_free(text);
	r->existing = json_object();
	if (!json_is_array(arr) || r->existing == NULL) {
		json_decref(arr);
		return azsreg_error__set(AZSREG_ENOMEM, "sync: out of memory (listing of %s)", r->ref.name);
	}
	json_array_foreach(arr, i, item)
	{
		const char *id = json_string_value(json_object_get(item, "id"));
		const char *tenant = json_string_value(json_object_get(json_object_get(item, "properties"), "tenantId"));
		azsreg_registration_ref ref;
		char guid[AZSREG_GUID_LEN + 1];
		int prc = id != NULL ? azsreg_customer_id_parse(&ref, guid, id) : AZSREG_EINVALID;

		if (prc == AZSREG_ENOMEM) {
			json_decref(arr);
			return azsreg_error__prefix("sync: listing of registration %s", r->ref.name);
		}
		if (prc != AZSREG_OK) {
			json_decref(arr);
			return azsreg_error__set(AZSREG_ESERVICE,
						 "sync: the listing of registration %s has an item whose id is not a customer subscription's resource ID",
						 r->ref.name);
		}
		azsreg_json__set(r->existing, guid, tenant ? json_string(tenant) : json_null(), &bad);
	}
	json_decref(arr);
	if (bad) /* a registered customer missing from the listing would be planned as missing */
		return azsreg_error__set(AZSREG_ENOMEM, "sync: out of memory (listing of %s)", r->ref.name);
	return AZSREG_OK;
}

static json_t *plan_entry(const char *action, const reg_state *r, const char *guid, const char *tenant, const json_t *current)
{
	json_t *o = json_object();
	int bad = 0;

	azsreg_json__set(o, "action", json_string(action), &bad);
	azsreg_json__set(o, "registration", azsreg_json__text(r->ref.name), &bad);
	azsreg_json__set(o, "registrationId", azsreg_json__text(r->id), &bad);
	azsreg_json__set(o, "customerSubscriptionId", json_string(guid), &bad);
	azsreg_json__set(o, "tenantId", tenant && tenant[0] ? json_string(tenant) : json_null(), &bad);
	if (current != NULL)
		azsreg_json__set(o, "currentTenantId", json_is_string(current) ? json_string(json_string_value(current)) : json_null(), &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void free_regs(reg_state *regs, size_t nregs)
{
	size_t i;

	for (i = 0; regs != NULL && i < nregs; i++) {
		azsreg_free(regs[i].id);
		json_decref(regs[i].existing);
	}
	free(regs);
}

/* The flags, the registrations and every entry, checked without sending anything. */
static int check_inputs(reg_state **out_regs, want **out_w, size_t *out_nw, const char *const *registration_ids, size_t nregs,
			const azsreg_sync_entry *entries, size_t count, unsigned int flags)
{
	reg_state *regs;
	size_t i, j;
	int rc = AZSREG_OK;

	*out_regs = NULL;
	if ((flags & ~(AZSREG_SYNC_PRUNE | AZSREG_SYNC_DRY_RUN | AZSREG_SYNC_PUT_ALL)) != 0)
		return azsreg_error__set(AZSREG_EINVALID, "sync: unknown flags 0x%x",
					 flags & ~(AZSREG_SYNC_PRUNE | AZSREG_SYNC_DRY_RUN | AZSREG_SYNC_PUT_ALL));
	if ((flags & AZSREG_SYNC_PUT_ALL) != 0 && (flags & AZSREG_SYNC_PRUNE) != 0)
		return azsreg_error__set(AZSREG_EINVALID, "sync: pruning needs the listing; it does not go with AZSREG_SYNC_PUT_ALL");
	if (registration_ids == NULL || nregs == 0)
		return azsreg_error__set(AZSREG_EINVALID, "sync: no registration given: name the registration(s) to sync");
	if (nregs > MAX_REGISTRATIONS)
		return azsreg_error__set(AZSREG_EINVALID, "sync: %zu registrations; at most %d in one sync", nregs, MAX_REGISTRATIONS);
	if (entries == NULL && count > 0)
		return azsreg_error__set(AZSREG_EINVALID, "sync: entries is NULL");
	regs = calloc(nregs, sizeof(*regs));
	if (regs == NULL)
		return azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync)");
	for (i = 0; i < nregs && rc == 0; i++) {
		rc = azsreg_registration_id_parse(&regs[i].ref, registration_ids[i]);
		if (rc == 0)
			rc = azsreg_registration_id_build(&regs[i].id, &regs[i].ref);
		if (rc != 0) {
			(void)azsreg_error__prefix("sync: registration %zu", i);
			break;
		}
		for (j = 0; j < i; j++) {
			if (strcasecmp(regs[j].id, regs[i].id) == 0) {
				rc = azsreg_error__set(AZSREG_EINVALID, "sync: registration %zu repeats registration %zu (%s)", i, j, regs[i].ref.name);
				break;
			}
		}
	}
	if (rc == 0)
		rc = check_entries(out_w, out_nw, regs, nregs, entries, count);
	if (rc != 0) {
		free_regs(regs, nregs);
		return rc;
	}
	*out_regs = regs;
	return AZSREG_OK;
}

int azsreg_sync_check(const char *const *registration_ids, size_t nregs, const azsreg_sync_entry *entries, size_t count, unsigned int flags)
{
	reg_state *regs = NULL;
	want *w = NULL;
	size_t nw = 0;
	int rc = check_inputs(&regs, &w, &nw, registration_ids, nregs, entries, count, flags);

	free_regs(regs, nregs);
	free(w);
	return rc;
}

int azsreg_sync(char **out_json, azsreg_batch *b, const char *const *registration_ids, size_t nregs, const azsreg_sync_entry *entries,
		size_t count, unsigned int flags)
{
	reg_state *regs = NULL;
	want *w = NULL;
	size_t nw = 0, i, creates = 0, updates = 0, deletes = 0, unchanged = 0, nitems = 0;
	json_t *root = NULL, *plan = NULL, *regs_json = NULL, *wanted = NULL;
	azsreg_batch_item *items = NULL;
	azsreg_client *c;
	int rc = AZSREG_OK, batch_rc = AZSREG_OK, bad = 0;

	if (out_json != NULL)
		*out_json = NULL;
	if (b == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "sync: batch is NULL");
	rc = check_inputs(&regs, &w, &nw, registration_ids, nregs, entries, count, flags);
	if (rc != 0)
		goto done;
	c = azsreg_batch__client(b);
	rc = resolve_tenants(c, w, nw);
	for (i = 0; i < nregs && rc == 0; i++) {
		if (azsreg_batch__take_cancel(b)) {
			rc = azsreg_error__set(AZSREG_ECANCELLED, "sync cancelled while listing the registrations: nothing was written");
			break;
		}
		if ((flags & AZSREG_SYNC_PUT_ALL) != 0)
			regs[i].existing = json_object(); /* not listed: every entry is written */
		else
			rc = list_registration(c, &regs[i]);
		if (rc == 0 && regs[i].existing == NULL)
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync)");
	}
	if (rc != 0)
		goto done;

	root = json_object();
	plan = json_array();
	regs_json = json_array();
	wanted = json_object(); /* "<reg index>/<guid>" of every want, for pruning */
	items = calloc(nw + 1, sizeof(*items));
	if (root == NULL || plan == NULL || regs_json == NULL || wanted == NULL || items == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync plan)");
		goto done;
	}
	for (i = 0; i < nw; i++) {
		const reg_state *r = &regs[w[i].reg];
		json_t *cur = json_object_get(r->existing, w[i].guid);
		char key[32 + AZSREG_GUID_LEN];
		const char *action = NULL;

		snprintf(key, sizeof(key), "%zu/%s", w[i].reg, w[i].guid);
		azsreg_json__set(wanted, key, json_true(), &bad); /* missing, it would be pruned */
		if ((flags & AZSREG_SYNC_PUT_ALL) != 0)
			action = "put";
		else if (cur == NULL)
			action = "create";
		else if (w[i].tenant[0] != '\0' && (!json_is_string(cur) || strcasecmp(json_string_value(cur), w[i].tenant) != 0))
			action = "update";
		if (action == NULL) {
			unchanged++;
			continue;
		}
		if (strcmp(action, "update") != 0)
			creates++;
		else
			updates++;
		azsreg_json__append(plan, plan_entry(action, r, w[i].guid, w[i].tenant, cur), &bad);
		items[nitems].action = AZSREG_BATCH_PUT;
		items[nitems].registration_id = r->id;
		items[nitems].customer_subscription_id = w[i].guid;
		items[nitems].tenant_id = w[i].tenant[0] ? w[i].tenant : NULL;
		nitems++;
	}
	if (bad) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync plan)");
		goto done;
	}
	if ((flags & AZSREG_SYNC_PRUNE) != 0) {
		size_t extra = 0, k;
		const char *guid;
		json_t *cur;

		for (i = 0; i < nregs; i++)
			extra += json_object_size(regs[i].existing);
		if (extra > 0) {
			azsreg_batch_item *more = realloc(items, (nw + extra + 1) * sizeof(*items));
			if (more == NULL) {
				rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync plan)");
				goto done;
			}
			items = more;
		}
		for (k = 0; k < nregs; k++) {
			json_object_foreach(regs[k].existing, guid, cur)
			{
				char key[32 + AZSREG_GUID_LEN];
				snprintf(key, sizeof(key), "%zu/%s", k, guid);
				if (json_object_get(wanted, key) != NULL)
					continue;
				deletes++;
				azsreg_json__append(plan, plan_entry("delete", &regs[k], guid, NULL, cur), &bad);
				memset(&items[nitems], 0, sizeof(items[nitems]));
				items[nitems].action = AZSREG_BATCH_DELETE;
				items[nitems].registration_id = regs[k].id;
				items[nitems].customer_subscription_id = guid; /* a key of regs[k].existing: lives as long as it */
				nitems++;
			}
		}
	}
	for (i = 0; i < nregs; i++) {
		json_t *o = json_object();

		azsreg_json__set(o, "name", azsreg_json__text(regs[i].ref.name), &bad);
		azsreg_json__set(o, "id", azsreg_json__text(regs[i].id), &bad);
		if ((flags & AZSREG_SYNC_PUT_ALL) == 0)
			azsreg_json__set(o, "registered", json_integer((json_int_t)json_object_size(regs[i].existing)), &bad);
		azsreg_json__append(regs_json, o, &bad);
	}
	azsreg_json__set(root, "dryRun", json_boolean((flags & AZSREG_SYNC_DRY_RUN) != 0), &bad);
	azsreg_json__set(root, "prune", json_boolean((flags & AZSREG_SYNC_PRUNE) != 0), &bad);
	azsreg_json__set_ref(root, "registrations", regs_json, &bad);
	azsreg_json__set(root, "creates", json_integer((json_int_t)creates), &bad);
	azsreg_json__set(root, "updates", json_integer((json_int_t)updates), &bad);
	azsreg_json__set(root, "deletes", json_integer((json_int_t)deletes), &bad);
	azsreg_json__set(root, "unchanged", json_integer((json_int_t)unchanged), &bad);
	azsreg_json__set_ref(root, "plan", plan, &bad);
	if (bad) { /* before any write: the answer would not show what was planned */
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync plan)");
		goto done;
	}

	if ((flags & AZSREG_SYNC_DRY_RUN) == 0 && nitems > 0) {
		json_t *bj = NULL;
		batch_rc = azsreg_batch__run_tree(b, items, nitems, &bj);
		if (bj == NULL && batch_rc != AZSREG_OK && batch_rc != AZSREG_EPARTIAL && batch_rc != AZSREG_ECANCELLED) {
			rc = batch_rc; /* stopped before any write */
			goto done;
		}
		if (bj != NULL && json_object_set_new(root, "batch", bj) != 0 && batch_rc == AZSREG_OK)
			batch_rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync result): the writes were made, their results are not shown");
	}
	if (out_json != NULL) {
		*out_json = json_dumps(root, JSON_COMPACT);
		if (*out_json == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync result)");
			goto done;
		}
	}
	rc = batch_rc;
	if (rc == AZSREG_OK && azsreg_batch__take_cancel(b))
		rc = azsreg_error__set(AZSREG_ECANCELLED, "sync cancelled after planning: nothing was written"); /* a dry run, or nothing to write */
	else if (rc == AZSREG_OK)
		azsreg_error_clear();
	/* EPARTIAL / ECANCELLED: the batch's last error says how many and which */
done:
	free_regs(regs, nregs);
	free(w);
	free(items);
	json_decref(root);
	json_decref(plan);
	json_decref(regs_json);
	json_decref(wanted);
	return rc;
}

int azsreg_sync_json(char **out_json, azsreg_batch *b, const char *request_json)
{
	json_t *root, *regs, *ents, *v;
	json_error_t jerr;
	const char **ids = NULL;
	azsreg_sync_entry *entries = NULL;
	size_t i, nregs, n;
	unsigned int flags = 0;
	const char *key;
	int rc = AZSREG_OK;

	if (out_json != NULL)
		*out_json = NULL;
	if (request_json == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "sync: request_json is NULL");
	root = json_loads(request_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		return azsreg_error__set(AZSREG_EINVALID, "sync: the request is not a JSON object%s%s", root ? "" : ": ", root ? "" : jerr.text);
	}
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "registrations") != 0 && strcmp(key, "entries") != 0 && strcmp(key, "prune") != 0 &&
		    strcmp(key, "dryRun") != 0 && strcmp(key, "putAll") != 0) {
			rc = azsreg_error__set(AZSREG_EINVALID, "sync: unknown member \"%.64s\"", key);
			goto done;
		}
	}
	regs = json_object_get(root, "registrations");
	ents = json_object_get(root, "entries");
	if (!json_is_array(regs) || (ents != NULL && !json_is_array(ents))) {
		rc = azsreg_error__set(AZSREG_EINVALID, "sync: \"registrations\" (and \"entries\") must be arrays");
		goto done;
	}
	if ((json_object_get(root, "prune") != NULL && !json_is_boolean(json_object_get(root, "prune"))) ||
	    (json_object_get(root, "dryRun") != NULL && !json_is_boolean(json_object_get(root, "dryRun"))) ||
	    (json_object_get(root, "putAll") != NULL && !json_is_boolean(json_object_get(root, "putAll")))) {
		rc = azsreg_error__set(AZSREG_EINVALID, "sync: \"prune\", \"dryRun\" and \"putAll\" are true or false");
		goto done;
	}
	if (json_is_true(json_object_get(root, "putAll")))
		flags |= AZSREG_SYNC_PUT_ALL;
	if (json_is_true(json_object_get(root, "prune")))
		flags |= AZSREG_SYNC_PRUNE;
	if (json_is_true(json_object_get(root, "dryRun")))
		flags |= AZSREG_SYNC_DRY_RUN;
	nregs = json_array_size(regs);
	n = json_array_size(ents);
	ids = calloc(nregs + 1, sizeof(*ids));
	entries = calloc(n + 1, sizeof(*entries));
	if (ids == NULL || entries == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "out of memory (sync)");
		goto done;
	}
	for (i = 0; i < nregs; i++) {
		ids[i] = json_string_value(json_array_get(regs, i));
		if (ids[i] == NULL) {
			rc = azsreg_error__set(AZSREG_EINVALID, "sync: registration %zu is not a string", i);
			goto done;
		}
	}
	for (i = 0; i < n; i++) {
		json_t *o = json_array_get(ents, i);
		if (!json_is_object(o)) {
			rc = azsreg_error__set(AZSREG_EINVALID, "sync entry %zu is not a JSON object", i);
			goto done;
		}
		json_object_foreach(o, key, v)
		{
			if ((strcmp(key, "customerSubscriptionId") != 0 && strcmp(key, "tenantId") != 0 && strcmp(key, "registration") != 0) ||
			    !(json_is_string(v) || (json_is_null(v) && strcmp(key, "customerSubscriptionId") != 0))) {
				rc = azsreg_error__set(AZSREG_EINVALID, "sync entry %zu: \"%.64s\" is not a known member with a string value", i, key);
				goto done;
			}
		}
		entries[i].customer_subscription_id = json_string_value(json_object_get(o, "customerSubscriptionId"));
		entries[i].tenant_id = json_string_value(json_object_get(o, "tenantId"));
		entries[i].registration = json_string_value(json_object_get(o, "registration"));
	}
	rc = azsreg_sync(out_json, b, ids, nregs, entries, n, flags);
done:
	free(ids);
	free(entries);
	json_decref(root);
	return rc;
}
