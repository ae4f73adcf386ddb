/* azsreg-emulator: the ARM side (subscriptions, registrations, customer subscriptions,
 * long-running operations, throttling). Called with g_emu.mu held. */
#include "emu.h"

#include <ctype.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *API_VERSIONS[] = { "2017-06-01", "2020-06-01-preview", "2022-06-01" };

void emu_metadata_endpoints(emu_req *r)
{
	char login[128], gallery[128], graph[128], portal[128];
	if (strcmp(r->method, "GET") != 0) {
		emu_arm_error(r, 405, "MethodNotAllowed", "Only GET is supported on /metadata/endpoints.");
		return;
	}
	snprintf(login, sizeof login, g_emu.adfs ? "%s/adfs" : "%s/", g_emu.base);
	snprintf(gallery, sizeof gallery, "%s/gallery/", g_emu.base);
	snprintf(graph, sizeof graph, "%s/graph/", g_emu.base);
	snprintf(portal, sizeof portal, "%s/portal/", g_emu.base);
	emu_respond_json(r, 200,
			 json_pack("{s:s,s:s,s:s,s:{s:s,s:[s]}}", "galleryEndpoint", gallery, "graphEndpoint", graph,
				   "portalEndpoint", portal, "authentication", "loginEndpoint", login, "audiences",
				   EMU_AUDIENCE));
}

static void unauthorized(emu_req *r, const char *code, const char *message)
{
	char hdr[512];
	snprintf(hdr, sizeof hdr,
		 "Bearer authorization_uri=\"%s/\", error=\"invalid_token\", error_description=\"%s\"",
		 g_emu.base, message);
	emu_stat_inc("unauthorized");
	emu_arm_error(r, 401, code, message);
	emu_add_header(r, "WWW-Authenticate", hdr);
}

/* ---- lookups ---------------------------------------------------------------------------- */

static json_t *find_registration(const char *sub, const char *rg, const char *name)
{
	size_t i;
	json_t *reg;
	json_array_foreach(json_object_get(g_emu.state, "registrations"), i, reg)
	{
		const char *s = emu_jstr(reg, "subscriptionId"), *g = emu_jstr(reg, "resourceGroup"), *n = emu_jstr(reg, "name");
		if (s && g && n && strcasecmp(s, sub) == 0 && strcasecmp(g, rg) == 0 && strcasecmp(n, name) == 0)
			return reg;
	}
	return NULL;
}

static json_t *cs_list(json_t *reg)
{
	json_t *l = json_object_get(reg, "customerSubscriptions");
	if (!json_is_array(l)) {
		l = json_array();
		json_object_set_new(reg, "customerSubscriptions", l);
	}
	return l;
}

/*
 * Where each customer subscription sits in its registration's list, so that a PUT, GET or
 * DELETE does not scan the list: with thousands of mappings that scan, made under the
 * server's one lock, was most of the emulator's time (2,000 PUTs onto 4,000 mappings:
 * 6.6 s of CPU, serialised). One map per list, {lowercased id: position}; built on first
 * use, extended by put_cs, dropped by delete_cs (positions shift) and when the state is
 * replaced (state_gen). A hit is checked against the list; a miss in a current map is
 * trusted. Used under g_emu.mu.
 */
#define INDEX_SLOTS 16
#define INDEX_KEY_MAX 128
typedef struct cs_index {
	const json_t *list; /* borrowed: the registration's customerSubscriptions */
	size_t size; /* the list's size the map describes */
	json_t *map;
} cs_index;
static cs_index g_index[INDEX_SLOTS];
static unsigned long g_index_gen;
static size_t g_index_victim;

void emu_arm_index_free(void)
{
	for (size_t k = 0; k < INDEX_SLOTS; k++) {
		json_decref(g_index[k].map);
		g_index[k] = (cs_index){ NULL, 0, NULL };
	}
}

static bool index_key(char out[INDEX_KEY_MAX], const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n >= INDEX_KEY_MAX)
		return false;
	memcpy(out, id, n + 1);
	emu_lower(out);
	return true;
}

static cs_index *index_slot(const json_t *list)
{
	if (g_index_gen != g_emu.state_gen) {
		emu_arm_index_free();
		g_index_gen = g_emu.state_gen;
	}
	for (size_t k = 0; k < INDEX_SLOTS; k++)
		if (g_index[k].list == list)
			return &g_index[k];
	for (size_t k = 0; k < INDEX_SLOTS; k++)
		if (g_index[k].list == NULL) {
			g_index[k].list = list;
			return &g_index[k];
		}
	cs_index *x = &g_index[g_index_victim++ % INDEX_SLOTS];
	json_decref(x->map);
	*x = (cs_index){ list, 0, NULL };
	return x;
}

/* The current map of the list (built when missing or stale), or NULL when out of memory. */
static json_t *index_map(json_t *list)
{
	cs_index *x = index_slot(list);
	size_t i, n = json_array_size(list);
	json_t *cs;
	char key[INDEX_KEY_MAX];
	if (x->map && x->size == n)
		return x->map;
	json_decref(x->map);
	x->map = json_object();
	x->size = n;
	if (!x->map)
		return NULL;
	json_array_foreach(list, i, cs)
	{
		/* the first of two entries with the same id wins, as in a scan */
		if (index_key(key, emu_jstr(cs, "id")) && !json_object_get(x->map, key))
			json_object_set_new(x->map, key, json_integer((json_int_t)i));
	}
	return x->map;
}

static void index_drop(json_t *list)
{
	cs_index *x = index_slot(list);
	json_decref(x->map);
	x->map = NULL;
}

static json_t *find_cs(json_t *reg, const char *id, size_t *index)
{
	size_t i;
	json_t *cs, *list = cs_list(reg), *map, *pos;
	char key[INDEX_KEY_MAX];
	if (index_key(key, id) && (map = index_map(list)) != NULL) {
		pos = json_object_get(map, key);
		if (!pos)
			return NULL;
		i = (size_t)json_integer_value(pos);
		cs = json_array_get(list, i);
		if (cs && emu_jstr(cs, "id") && strcasecmp(emu_jstr(cs, "id"), id) == 0) {
			if (index)
				*index = i;
			return cs;
		}
		index_drop(list); /* out of step: scan, and rebuild next time */
	}
	json_array_foreach(list, i, cs)
	{
		const char *cid = emu_jstr(cs, "id");
		if (cid && strcasecmp(cid, id) == 0) {
			if (index)
				*index = i;
			return cs;
		}
	}
	return NULL;
}

static char *reg_id(json_t *reg)
{
	return emu_printf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.AzureStack/registrations/%s",
			  emu_jstr(reg, "subscriptionId"), emu_jstr(reg, "resourceGroup"), emu_jstr(reg, "name"));
}

static json_t *reg_resource(json_t *reg)
{
	char *id = reg_id(reg);
	const char *etag = emu_jstr(reg, "etag");
	json_t *props = json_object();
	const char *keys[] = { "objectId", "cloudId", "billingModel" };
	json_t *res;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (json_object_get(reg, keys[i]))
			json_object_set(props, keys[i], json_object_get(reg, keys[i]));
	json_object_set_new(props, "provisioningState", json_string("Succeeded"));
	res = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", id ? id : "", "name", emu_jstr(reg, "name"), "type",
			"Microsoft.AzureStack/registrations", "location",
			emu_jstr(reg, "location") ? emu_jstr(reg, "location") : "global", "etag",
			etag ? etag : "0d00527e-0000-0000-0000-5a81ebdf0000", "properties", props);
	free(id);
	return res;
}

static json_t *cs_resource(json_t *reg, json_t *cs)
{
	char *rid = reg_id(reg);
	/* the casing the mapping was created with (ARM keeps a resource's name as first written;
     * Microsoft's examples show the caller's uppercase GUID); mappings from a seed state
     * without "name" show their id */
	const char *cname = emu_jstr(cs, "name") ? emu_jstr(cs, "name") : emu_jstr(cs, "id");
	char *id = emu_printf("%s/customerSubscriptions/%s", rid ? rid : "", cname);
	char *name = emu_printf("%s/%s", emu_jstr(reg, "name"), cname);
	const char *etag = emu_jstr(cs, "etag");
	json_t *props = json_object_get(cs, "properties");
	json_t *res;
	props = props ? json_incref(props) : json_object();
	res = json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", id ? id : "", "name", name ? name : "", "type",
			"Microsoft.AzureStack/registrations/customerSubscriptions", "etag",
			etag ? etag : "00000000-0000-0000-0000-000000000000", "properties", props);
	free(rid);
	free(id);
	free(name);
	return res;
}

/* etag: the mapping's new etag (NULL: a fresh one; a long-running PUT gives the one its
 * 201 answer showed). name: the GUID as the creating PUT wrote it, kept for the mapping's
 * life (a later PUT in another casing updates, it does not rename). */
static void put_cs(json_t *reg, const char *id_lower, const char *name, json_t *props, const char *etag_given)
{
	char etag[37];
	json_t *cs = find_cs(reg, id_lower, NULL);
	if (etag_given)
		snprintf(etag, sizeof etag, "%s", etag_given);
	else
		emu_guid(etag);
	if (!cs) {
		json_t *list = cs_list(reg);
		cs_index *x = index_slot(list);
		char key[INDEX_KEY_MAX];
		cs = json_object();
		json_array_append_new(list, cs);
		if (name)
			json_object_set_new(cs, "name", json_string(name));
		if (x->map && x->size + 1 == json_array_size(list) && index_key(key, id_lower) &&
		    json_object_set_new(x->map, key, json_integer((json_int_t)x->size)) == 0)
			x->size++;
	} else if (!emu_jstr(cs, "name") && emu_jstr(cs, "id")) {
		/* a seeded mapping (no name) keeps the casing its id showed */
		json_object_set_new(cs, "name", json_string(emu_jstr(cs, "id")));
	}
	json_object_set_new(cs, "id", json_string(id_lower));
	json_object_set(cs, "properties", props);
	json_object_set_new(cs, "etag", json_string(etag));
}

static bool delete_cs(json_t *reg, const char *id)
{
	size_t idx;
	if (!find_cs(reg, id, &idx))
		return false;
	json_array_remove(cs_list(reg), idx);
	index_drop(cs_list(reg));
	return true;
}

/* ---- long-running operations ---------------------------------------------------------- */

static void lro_headers(emu_req *r, json_t *op, const char *opid)
{
	json_t *lro = json_object_get(g_emu.config, "lro");
	const char *style = emu_jstr(lro, "style");
	char ra[32];
	char *url = emu_printf("%s/subscriptions/%s/providers/Microsoft.AzureStack/operationStatuses/%s?api-version=%s",
			       g_emu.base, emu_jstr(op, "subscriptionId"), opid, emu_jstr(op, "apiVersion"));
	if (style && strcasecmp(style, "location") == 0) {
		json_object_set_new(op, "style", json_string("location"));
		emu_add_header(r, "Location", url ? url : "");
	} else {
		json_object_set_new(op, "style", json_string("async"));
		emu_add_header(r, "Azure-AsyncOperation", url ? url : "");
	}
	snprintf(ra, sizeof ra, "%lld", emu_jint(lro, "retryAfter", 1));
	emu_add_header(r, "Retry-After", ra);
	free(url);
}

static json_t *new_op(const char *kind, json_t *reg, const char *csid, const char *csname, json_t *props,
		      const char *api, char opid[37])
{
	json_t *lro = json_object_get(g_emu.config, "lro");
	json_t *op = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "kind", kind, "subscriptionId",
			       emu_jstr(reg, "subscriptionId"), "resourceGroup", emu_jstr(reg, "resourceGroup"),
			       "name", emu_jstr(reg, "name"), "csid", csid, "apiVersion", api, "remaining",
			       (json_int_t)emu_jint(lro, "polls", 1), "done", 0);
	if (props)
		json_object_set(op, "properties", props);
	if (csname)
		json_object_set_new(op, "csname", json_string(csname));
	emu_guid(opid);
	json_object_set_new(g_emu.ops, opid, op);
	return op;
}

static void op_status(emu_req *r, const char *sub, const char *opid)
{
	json_t *op = json_object_get(g_emu.ops, opid);
	bool location;
	const char *kind;
	char ra[32];
	if (!op || strcasecmp(emu_jstr(op, "subscriptionId"), sub) != 0) {
		emu_arm_error(r, 404, "OperationNotFound", "The operation was not found.");
		return;
	}
	location = strcmp(emu_jstr(op, "style"), "location") == 0;
	kind = emu_jstr(op, "kind");
	if (!emu_jbool(op, "done", false) && emu_jint(op, "remaining", 0) > 0) {
		json_object_set_new(op, "remaining", json_integer(emu_jint(op, "remaining", 0) - 1));
		emu_respond_json(r, 202, json_pack("{s:s,s:s,s:s}", "id", r->path, "name", opid, "status", "InProgress"));
		snprintf(ra, sizeof ra, "%lld", emu_jint(json_object_get(g_emu.config, "lro"), "retryAfter", 1));
		emu_add_header(r, "Retry-After", ra);
		if (location) {
			char *url = emu_printf("%s%s?api-version=%s", g_emu.base, r->path, emu_jstr(op, "apiVersion"));
			emu_add_header(r, "Location", url ? url : "");
			free(url);
		}
		return;
	}
	json_t *reg = find_registration(emu_jstr(op, "subscriptionId"), emu_jstr(op, "resourceGroup"), emu_jstr(op, "name"));
	if (!emu_jbool(op, "done", false)) {
		json_object_set_new(op, "done", json_true());
		if (reg && strcmp(kind, "put") == 0)
			put_cs(reg, emu_jstr(op, "csid"), emu_jstr(op, "csname"), json_object_get(op, "properties"),
			       emu_jstr(op, "etag"));
		else if (reg)
			delete_cs(reg, emu_jstr(op, "csid"));
	}
	if (!location) {
		emu_respond_json(r, 200, json_pack("{s:s,s:s,s:s}", "id", r->path, "name", opid, "status", "Succeeded"));
	} else if (strcmp(kind, "put") == 0 && reg && find_cs(reg, emu_jstr(op, "csid"), NULL)) {
		emu_respond_json(r, 200, cs_resource(reg, find_cs(reg, emu_jstr(op, "csid"), NULL)));
	} else {
		emu_respond_raw(r, 204, NULL, 0);
	}
}

/* ---- customer subscriptions ------------------------------------------------------------- */

static void cs_put(emu_req *r, json_t *reg, const char *id, const char *api)
{
	json_t *body = NULL, *props, *dir, *entry = NULL;
	char lower[37];
	size_t i;
	json_error_t jerr;
	if (!r->body || r->len == 0) {
		emu_arm_error(r, 400, "InvalidRequestContent", "The request content is required: {\"properties\":{...}}.");
		return;
	}
	body = json_loadb(r->body, r->len, 0, &jerr);
	if (!json_is_object(body)) {
		emu_arm_error(r, 400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
		goto done;
	}
	if (!reg) {
		emu_arm_error(r, 404, "RegistrationNotFound", "The registration was not found.");
		goto done;
	}
	if (emu_jstr(reg, "billingModel") && strcasecmp(emu_jstr(reg, "billingModel"), "Capacity") == 0) {
		emu_arm_error(r, 409, "CustomerSubscriptionsNotAllowed",
			      "Customer subscriptions are not allowed for registrations with the Capacity billing model.");
		goto done;
	}
	if (!emu_jbool(reg, "multiTenancyApproved", true)) {
		emu_arm_error(r, 403, "UnauthorizedCspRegistration", "The registration is not approved for multi-tenancy.");
		goto done;
	}
	if (!emu_is_guid(id)) {
		emu_arm_error(r, 400, "InvalidCustomerSubscriptionId", "The customer subscription ID is not a valid subscription ID.");
		goto done;
	}
	snprintf(lower, sizeof lower, "%s", id);
	emu_lower(lower);
	dir = json_object_get(g_emu.state, "customerDirectory");
	if (json_is_array(dir)) {
		json_t *d;
		json_array_foreach(dir, i, d)
		{
			const char *sid = emu_jstr(d, "subscriptionId");
			if (sid && strcasecmp(sid, lower) == 0) {
				entry = d;
				break;
			}
		}
		if (!entry) {
			emu_arm_error(r, 400, "InvalidCustomerSubscriptionId", "The customer subscription ID is not a valid Azure subscription.");
			goto done;
		}
		if (!emu_jbool(entry, "csp", true)) {
			emu_arm_error(r, 400, "InvalidCSPSubscription", "The customer subscription is not a CSP subscription.");
			goto done;
		}
		if (emu_jstr(entry, "cspPartner") && emu_jstr(reg, "cspPartner") &&
		    strcasecmp(emu_jstr(entry, "cspPartner"), emu_jstr(reg, "cspPartner")) != 0) {
			emu_arm_error(r, 400, "BadCustomerSubscriptionId",
				      "The customer subscription belongs to a different CSP partner than the registration.");
			goto done;
		}
	}
	props = json_object_get(body, "properties");
	props = props ? json_incref(props) : json_object();
	if (emu_jbool(json_object_get(g_emu.config, "lro"), "enabled", false)) {
		char opid[37];
		json_t *op = new_op("put", reg, lower, id, props, api, opid);
		char etag[37];
		json_t *tmp;
		/* the etag the mapping will have once the operation is done (not all zeros) */
		emu_guid(etag);
		json_object_set_new(op, "etag", json_string(etag));
		/* the name the mapping will show: an existing one keeps its casing */
		json_t *had = find_cs(reg, lower, NULL);
		tmp = json_pack("{s:s,s:s,s:O,s:s}", "id", lower, "name",
				had && emu_jstr(had, "name") ? emu_jstr(had, "name") : (had ? lower : id), "properties",
				props, "etag", etag);
		json_t *res = cs_resource(reg, tmp);
		json_t *rp = json_object_get(res, "properties");
		if (json_is_object(rp)) {
			json_t *copy = json_deep_copy(rp);
			json_object_set_new(copy, "provisioningState", json_string("Accepted"));
			json_object_set_new(res, "properties", copy);
		}
		json_decref(tmp);
		emu_respond_json(r, 201, res);
		lro_headers(r, op, opid);
		json_decref(props);
		goto done;
	}
	put_cs(reg, lower, id, props, NULL);
	json_decref(props);
	if (strcmp(emu_cfg_str("putResponse", "200body"), "201empty") == 0)
		emu_respond_raw(r, 201, NULL, 0);
	else
		emu_respond_json(r, 200, cs_resource(reg, find_cs(reg, lower, NULL)));
done:
	json_decref(body);
}

static void cs_list_page(emu_req *r, json_t *reg, const char *api)
{
	const char *tok = emu_query(r, "$skiptoken");
	long long page = emu_cfg_int("pageSize", 50);
	bool empty_pages = emu_cfg_bool("emptyPages", false);
	json_t *items = cs_list(reg);
	long long total = (long long)json_array_size(items), off = 0;
	bool empty_phase = false;
	json_t *value = json_array(), *res;
	char *next = NULL;
	if (page < 1)
		page = 1;
	if (tok) {
		char *end = NULL;
		if (tok[0] != 'p' && tok[0] != 'e') {
			json_decref(value);
			emu_arm_error(r, 400, "InvalidSkipToken", "The $skiptoken is not valid.");
			return;
		}
		off = strtoll(tok + 1, &end, 10);
		if (!end || *end != '\0' || end == tok + 1 || off < 0) {
			json_decref(value);
			emu_arm_error(r, 400, "InvalidSkipToken", "The $skiptoken is not valid.");
			return;
		}
		empty_phase = tok[0] == 'e';
	} else {
		empty_phase = empty_pages;
		if (total == 0 && emu_cfg_bool("emptyListBody", false)) {
			json_decref(value);
			emu_respond_raw(r, 200, NULL, 0);
			return;
		}
	}
	if (empty_phase) {
		next = emu_printf("%s%s?api-version=%s&%%24skiptoken=p%lld", g_emu.base, r->path, api, off);
	} else {
		for (long long i = off; i < total && i < off + page; i++)
			json_array_append_new(value, cs_resource(reg, json_array_get(items, (size_t)i)));
		if (off + page < total)
			next = emu_printf("%s%s?api-version=%s&%%24skiptoken=%c%lld", g_emu.base, r->path, api,
					  empty_pages ? 'e' : 'p', off + page);
	}
	res = json_pack("{s:o}", "value", value);
	if (next)
		json_object_set_new(res, "nextLink", json_string(next));
	free(next);
	emu_respond_json(r, 200, res);
}

static void cs_delete(emu_req *r, json_t *reg, const char *id, const char *api)
{
	if (!reg) {
		emu_arm_error(r, 404, "RegistrationNotFound", "The registration was not found.");
		return;
	}
	if (!find_cs(reg, id, NULL)) {
		if (strcmp(emu_cfg_str("deleteMissing", "204"), "404") == 0)
			emu_arm_error(r, 404, "CustomerSubscriptionNotFound", "The customer subscription was not found.");
		else
			emu_respond_raw(r, 204, NULL, 0);
		return;
	}
	if (emu_jbool(json_object_get(g_emu.config, "lro"), "enabled", false)) {
		char opid[37], lower[37];
		json_t *op;
		snprintf(lower, sizeof lower, "%s", id);
		emu_lower(lower);
		op = new_op("delete", reg, lower, NULL, NULL, api, opid);
		emu_respond_raw(r, 202, NULL, 0);
		lro_headers(r, op, opid);
		return;
	}
	delete_cs(reg, id);
	emu_respond_raw(r, 200, NULL, 0);
}

/* ---- listing ------------------------------------------------------------------------------ */

static void list_registrations(emu_req *r, const char *sub, const char *rg)
{
	json_t *value = json_array(), *reg;
	size_t i;
	json_array_foreach(json_object_get(g_emu.state, "registrations"), i, reg)
	{
		if (strcasecmp(emu_jstr(reg, "subscriptionId"), sub) != 0)
			continue;
		if (rg && strcasecmp(emu_jstr(reg, "resourceGroup"), rg) != 0)
			continue;
		json_array_append_new(value, reg_resource(reg));
	}
	emu_respond_json(r, 200, json_pack("{s:o}", "value", value));
}

static json_t *sub_resource(json_t *s)
{
	char *id = emu_printf("/subscriptions/%s", emu_jstr(s, "subscriptionId"));
	json_t *res = json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id ? id : "", "subscriptionId",
				emu_jstr(s, "subscriptionId"), "displayName",
				emu_jstr(s, "displayName") ? emu_jstr(s, "displayName") : "", "state",
				emu_jstr(s, "state") ? emu_jstr(s, "state") : "Enabled", "tenantId",
				emu_jstr(s, "tenantId") ? emu_jstr(s, "tenantId") : "");
	free(id);
	return res;
}

/* ---- provider metadata ---------------------------------------------------------------------- */

/*
 * Microsoft.AzureStack as ARM describes it (GET .../providers/Microsoft.AzureStack): the
 * resource types of the published descriptions (specs/azurestack), api-versions newest
 * first as ARM lists them. A client that picks its api-version here (Azure.ResourceManager's
 * generic resources, AzureRM's *-AzureRmResource without -ApiVersion) gets one that the
 * routes below serve: the list is API_VERSIONS itself. `since` is the first version of
 * the descriptions that has the type (generateDeploymentLicense came with 2022-06-01).
 */
static const struct {
	const char *type;
	bool located; /* a type with locations ("Global"); operations and files have none */
	const char *capabilities;
	const char *since;
} PROVIDER_TYPES[] = {
	{ "registrations", true, "SupportsTags, SupportsLocation", "2017-06-01" },
	{ "registrations/customerSubscriptions", true, "None", "2017-06-01" },
	{ "operations", false, "None", "2017-06-01" },
	{ "cloudManifestFiles", false, "None", "2017-06-01" },
	{ "generateDeploymentLicense", false, "None", "2022-06-01" },
};

/* the provider document; with `sub` (subscription level) its id and registration state */
static json_t *provider_doc(const char *sub)
{
	json_t *types = json_array();
	char *id = sub ? emu_printf("/subscriptions/%s/providers/Microsoft.AzureStack", sub)
		       : emu_printf("/providers/Microsoft.AzureStack");
	json_t *doc;
	size_t n = sizeof API_VERSIONS / sizeof API_VERSIONS[0];

	for (size_t t = 0; t < sizeof PROVIDER_TYPES / sizeof PROVIDER_TYPES[0]; t++) {
		json_t *versions = json_array(), *locations = json_array();
		/* newest first; the dates compare as text */
		for (size_t i = n; i-- > 0;) {
			if (strncmp(API_VERSIONS[i], PROVIDER_TYPES[t].since, 10) >= 0)
				json_array_append_new(versions, json_string(API_VERSIONS[i]));
		}
		if (PROVIDER_TYPES[t].located)
			json_array_append_new(locations, json_string("Global"));
		json_array_append_new(types, json_pack("{s:s,s:o,s:o,s:s}", "resourceType", PROVIDER_TYPES[t].type,
						       "locations", locations, "apiVersions", versions, "capabilities",
						       PROVIDER_TYPES[t].capabilities));
	}
	doc = json_pack("{s:s,s:s,s:o}", "id", id ? id : "", "namespace", "Microsoft.AzureStack", "resourceTypes", types);
	if (sub) {
		json_object_set_new(doc, "registrationState", json_string("Registered"));
		json_object_set_new(doc, "registrationPolicy", json_string("RegistrationRequired"));
	}
	free(id);
	return doc;
}

/* a subscription the state knows: listed under "subscriptions" or holding a registration */
static bool subscription_known(const char *sub)
{
	json_t *s;
	size_t i;
	json_array_foreach(json_object_get(g_emu.state, "subscriptions"), i, s)
	{
		if (emu_jstr(s, "subscriptionId") && strcasecmp(emu_jstr(s, "subscriptionId"), sub) == 0)
			return true;
	}
	json_array_foreach(json_object_get(g_emu.state, "registrations"), i, s)
	{
		if (emu_jstr(s, "subscriptionId") && strcasecmp(emu_jstr(s, "subscriptionId"), sub) == 0)
			return true;
	}
	return false;
}

/* Microsoft.Resources has many versions, and more each year: the emulator checks the form */
static bool resources_api_version_ok(const char *api)
{
	static const char form[] = "dddd-dd-dd";
	size_t i;
	for (i = 0; form[i]; i++) {
		if (form[i] == 'd' ? !isdigit((unsigned char)api[i]) : api[i] != form[i])
			return false;
	}
	return api[i] == '\0' || strcmp(api + i, "-preview") == 0;
}

/*
 * GET /providers, /providers/{ns}, /subscriptions/{s}/providers, .../providers/{ns}:
 * `segs` starts at "providers" (n segments), `sub` is NULL at tenant level. Microsoft.AzureStack
 * is the one namespace known: a list holds it alone, another one is 404 `InvalidResourceNamespace`.
 */
static void providers(emu_req *r, const char *sub, char *const *segs, int n, const char *api)
{
	char *msg;
	if (strcmp(r->method, "GET") != 0) {
		emu_arm_error(r, 405, "MethodNotAllowed", "The emulator serves provider documents for GET only.");
	} else if (!resources_api_version_ok(api)) {
		msg = emu_printf("The api-version '%s' is invalid. The supported versions are dates, 'yyyy-mm-dd' or 'yyyy-mm-dd-preview'.", api);
		emu_arm_error(r, 400, "InvalidApiVersionParameter", msg ? msg : "The api-version is invalid.");
		free(msg);
	} else if (sub && !subscription_known(sub)) {
		emu_arm_error(r, 404, "SubscriptionNotFound", "The subscription could not be found.");
	} else if (n == 1) {
		emu_respond_json(r, 200, json_pack("{s:[o]}", "value", provider_doc(sub)));
	} else if (strcasecmp(segs[1], "Microsoft.AzureStack") == 0) {
		emu_respond_json(r, 200, provider_doc(sub));
	} else {
		msg = emu_printf("The resource namespace '%s' is invalid.", segs[1]);
		emu_arm_error(r, 404, "InvalidResourceNamespace", msg ? msg : "The resource namespace is invalid.");
		free(msg);
	}
}

/* ---- entry ---------------------------------------------------------------------------------- */

static bool seg_is(char *const *segs, int n, int i, const char *word)
{
	return i < n && strcasecmp(segs[i], word) == 0;
}

void emu_arm_handle(emu_req *r)
{
	const char *auth = emu_header_in(r, "Authorization");
	json_t *claims = NULL;
	char why[256], buf[2048], hdr[64], ra[32], subscription[72];
	char *segs[16];
	int n, vrc;
	const char *op, *principal, *api;
	long long remaining = 0;
	double retry_after = 0;
	bool api_ok = false;
	const char *m = r->method;

	r->is_arm = true;
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || !auth[7]) {
		unauthorized(r, "InvalidAuthenticationToken",
			     "The authentication failed because of missing 'Authorization' header.");
		return;
	}
	vrc = emu_jwt_verify(auth + 7, &claims, why, sizeof why);
	if (vrc != 0) {
		unauthorized(r, vrc == 2 ? "ExpiredAuthenticationToken" : "InvalidAuthenticationToken", why);
		return;
	}
	principal = emu_jstr(claims, "oid") ? emu_jstr(claims, "oid") : emu_jstr(claims, "appid");
	op = (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) ? "reads" : strcmp(m, "DELETE") == 0 ? "deletes"
												    : "writes";
	snprintf(hdr, sizeof hdr, "x-ms-ratelimit-remaining-subscription-%s", op);
	{
		/* ARM's buckets: per subscription, principal and operation class (one region here) */
		const char *sp = strncasecmp(r->path, "/subscriptions/", 15) == 0 ? r->path + 15 : "";
		size_t sl = strcspn(sp, "/");
		snprintf(subscription, sizeof subscription, "%.*s", (int)(sl < 64 ? sl : 64), sp);
		for (size_t k = 0; subscription[k]; k++)
			subscription[k] = (char)tolower((unsigned char)subscription[k]);
	}
	if (!emu_throttle_take(subscription, principal, op, &remaining, &retry_after)) {
		emu_stat_inc("throttled");
		emu_arm_error(r, 429, "TooManyRequests",
			      "The request is being throttled as the limit has been reached for operation type.");
		snprintf(ra, sizeof ra, "%lld", (long long)ceil(retry_after));
		emu_add_header(r, "Retry-After", ra);
		emu_add_header(r, hdr, "0");
		goto done;
	}

	n = emu_split_path(r->path, buf, sizeof buf, segs, 16);
	api = emu_query(r, "api-version");
	for (size_t i = 0; api && i < sizeof API_VERSIONS / sizeof API_VERSIONS[0]; i++)
		api_ok = api_ok || strcmp(api, API_VERSIONS[i]) == 0;

	if (n < 1 || !(seg_is(segs, n, 0, "subscriptions") || (seg_is(segs, n, 0, "providers") && n <= 2))) { // NOLINT(bugprone-branch-clone): unknown path is 404 before the api-version check, as is the final else after it
		emu_arm_error(r, 404, "NotFound", "The requested path is not an ARM resource known to the emulator.");
	} else if (!api) {
		emu_arm_error(r, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
	} else if (seg_is(segs, n, 0, "providers")) {
		providers(r, NULL, segs, n, api);
	} else if ((n == 3 || n == 4) && seg_is(segs, n, 2, "providers")) {
		providers(r, segs[1], segs + 2, n - 2, api);
	} else if (n == 1) {
		if (strcmp(m, "GET") != 0) {
			emu_arm_error(r, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
		} else {
			json_t *value = json_array(), *s;
			size_t i;
			json_array_foreach(json_object_get(g_emu.state, "subscriptions"), i, s)
				json_array_append_new(value, sub_resource(s));
			emu_respond_json(r, 200, json_pack("{s:o}", "value", value));
		}
	} else if (n == 2) {
		json_t *s, *found = NULL;
		size_t i;
		json_array_foreach(json_object_get(g_emu.state, "subscriptions"), i, s)
		{
			if (emu_jstr(s, "subscriptionId") && strcasecmp(emu_jstr(s, "subscriptionId"), segs[1]) == 0)
				found = s;
		}
		if (strcmp(m, "GET") != 0)
			emu_arm_error(r, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
		else if (!found)
			emu_arm_error(r, 404, "SubscriptionNotFound", "The subscription could not be found.");
		else
			emu_respond_json(r, 200, sub_resource(found));
	} else if (n >= 5 && seg_is(segs, n, 2, "providers") && seg_is(segs, n, 3, "Microsoft.AzureStack")) {
		if (!api_ok) {
			emu_arm_error(r, 400, "NoRegisteredProviderFound",
				      "No registered resource provider found for location 'global' and API version for type. "
				      "The supported api-versions are '2017-06-01, 2020-06-01-preview, 2022-06-01'.");
		} else if (n == 5 && seg_is(segs, n, 4, "registrations") && strcmp(m, "GET") == 0) {
			list_registrations(r, segs[1], NULL);
		} else if (n == 6 && seg_is(segs, n, 4, "operationStatuses") && strcmp(m, "GET") == 0) {
			op_status(r, segs[1], segs[5]);
		} else {
			emu_arm_error(r, 404, "NotFound", "The requested resource type or method is not supported by the emulator.");
		}
	} else if (n >= 7 && seg_is(segs, n, 2, "resourceGroups") && seg_is(segs, n, 4, "providers") &&
		   seg_is(segs, n, 5, "Microsoft.AzureStack") && seg_is(segs, n, 6, "registrations")) {
		json_t *reg = n >= 8 ? find_registration(segs[1], segs[3], segs[7]) : NULL;
		if (!api_ok) {
			emu_arm_error(r, 400, "NoRegisteredProviderFound",
				      "No registered resource provider found for location 'global' and API version for type. "
				      "The supported api-versions are '2017-06-01, 2020-06-01-preview, 2022-06-01'.");
		} else if (n == 7) {
			if (strcmp(m, "GET") == 0)
				list_registrations(r, segs[1], segs[3]);
			else
				emu_arm_error(r, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
		} else if (n == 8) {
			if (strcmp(m, "GET") != 0)
				emu_arm_error(r, 405, "MethodNotAllowed", "The emulator does not create or delete registrations over ARM.");
			else if (!reg)
				emu_arm_error(r, 404, "RegistrationNotFound", "The registration was not found.");
			else
				emu_respond_json(r, 200, reg_resource(reg));
		} else if (!seg_is(segs, n, 8, "customerSubscriptions") || n > 10) {
			emu_arm_error(r, 404, "NotFound", "The requested resource type is not supported by the emulator.");
		} else if (n == 9) {
			if (strcmp(m, "GET") != 0)
				emu_arm_error(r, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
			else if (!reg)
				emu_arm_error(r, 404, "RegistrationNotFound", "The registration was not found.");
			else
				cs_list_page(r, reg, api);
		} else if (strcmp(m, "PUT") == 0) {
			cs_put(r, reg, segs[9], api);
		} else if (strcmp(m, "GET") == 0) {
			json_t *cs = reg ? find_cs(reg, segs[9], NULL) : NULL;
			if (!reg)
				emu_arm_error(r, 404, "RegistrationNotFound", "The registration was not found.");
			else if (!cs)
				emu_arm_error(r, 404, "CustomerSubscriptionNotFound", "The customer subscription was not found.");
			else
				emu_respond_json(r, 200, cs_resource(reg, cs));
		} else if (strcmp(m, "DELETE") == 0) {
			cs_delete(r, reg, segs[9], api);
		} else {
			emu_arm_error(r, 405, "MethodNotAllowed", "The method is not allowed on this resource.");
		}
	} else {
		emu_arm_error(r, 404, "NotFound", "The requested path is not an ARM resource known to the emulator.");
	}
	snprintf(buf, sizeof buf, "%lld", remaining);
	emu_add_header(r, hdr, buf);
done:
	json_decref(claims);
}
