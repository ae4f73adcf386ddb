/* azsreg-emulator: sample state, configuration, statistics, faults, throttling.
 * Everything here runs with g_emu.mu held. */
#include "emu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

emu_server g_emu;

json_t *emu_sample_state(void)
{
	json_error_t err;
	return json_loads(
		"{"
		"\"tenants\":[{\"id\":\"11111111-1111-1111-1111-111111111111\",\"domain\":\"contoso.onmicrosoft.com\"}],"
		"\"applications\":[{\"clientId\":\"22222222-2222-2222-2222-222222222222\","
		"  \"tenantId\":\"11111111-1111-1111-1111-111111111111\",\"displayName\":\"azsreg sample app\","
		"  \"secrets\":[{\"value\":\"emulator-sample-secret\",\"expiresOn\":4102444800}],\"certificates\":[]}],"
		"\"publicClients\":[\"04b07795-8ddb-461a-bbee-02f9e1bf7b46\",\"1950a258-227b-4e31-a9cf-717495945fc2\"],"
		"\"users\":[{\"upn\":\"admin@contoso.onmicrosoft.com\",\"tenantId\":\"11111111-1111-1111-1111-111111111111\","
		"  \"password\":\"emulator-sample-password\"}],"
		"\"managedIdentities\":[{\"clientId\":\"44444444-4444-4444-4444-444444444444\","
		"  \"resourceId\":\"/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/azurestack/providers/Microsoft.Automation/automationAccounts/sample\","
		"  \"principalId\":\"55555555-5555-5555-5555-555555555555\",\"tenantId\":\"11111111-1111-1111-1111-111111111111\",\"systemAssigned\":true}],"
		"\"identityHeader\":\"emulator-identity-header\","
		"\"subscriptions\":[{\"subscriptionId\":\"33333333-3333-3333-3333-333333333333\",\"displayName\":\"Azure Stack sample registration subscription\","
		"  \"tenantId\":\"11111111-1111-1111-1111-111111111111\",\"state\":\"Enabled\"}],"
		"\"registrations\":[{\"subscriptionId\":\"33333333-3333-3333-3333-333333333333\",\"resourceGroup\":\"azurestack\","
		"  \"name\":\"AzureStack-sample\",\"billingModel\":\"PayAsYouUse\",\"multiTenancyApproved\":true,"
		"  \"cspPartner\":\"partner-1\",\"objectId\":\"66666666-6666-6666-6666-666666666666\","
		"  \"cloudId\":\"77777777-7777-7777-7777-777777777777\",\"customerSubscriptions\":[]}]"
		"}",
		0, &err);
}

json_t *emu_default_config(void)
{
	json_error_t err;
	return json_loads(
		"{\"pageSize\":50,\"putResponse\":\"200body\",\"deleteMissing\":\"204\",\"emptyPages\":false,"
		"\"emptyListBody\":false,\"latencyMs\":0,\"tokenLifetimeSeconds\":3600,"
		"\"deviceCodeInterval\":1,\"deviceCodeLifetimeSeconds\":900,"
		"\"lro\":{\"enabled\":false,\"polls\":1,\"style\":\"async\",\"retryAfter\":1},"
		"\"throttle\":{\"enabled\":true,\"reads\":{\"burst\":250,\"perSecond\":25},"
		"\"writes\":{\"burst\":200,\"perSecond\":10},\"deletes\":{\"burst\":200,\"perSecond\":10}}}",
		0, &err);
}

json_t *emu_new_stats(void)
{
	json_t *s = json_object();
	const char *keys[] = { "requests", "armRequests", "tokenRequests", "connections",
			       "tlsConnections", "unauthorized", "throttled", "byClientSecret",
			       "byAssertion", "byDeviceCode", "byRefreshToken", "byManagedIdentity",
			       "byPassword",
			       "dropped", "faultsApplied" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_set_new(s, keys[i], json_integer(0));
	json_object_set_new(s, "status", json_object());
	return s;
}

void emu_stat_inc(const char *key)
{
	json_t *v = json_object_get(g_emu.stats, key);
	json_object_set_new(g_emu.stats, key, json_integer(json_integer_value(v) + 1));
}

json_t *emu_find_tenant(const char *tenant)
{
	size_t i;
	json_t *t;
	if (!tenant)
		return NULL;
	json_array_foreach(json_object_get(g_emu.state, "tenants"), i, t)
	{
		const char *id = emu_jstr(t, "id"), *dom = emu_jstr(t, "domain");
		if ((id && strcasecmp(id, tenant) == 0) || (dom && strcasecmp(dom, tenant) == 0))
			return t;
	}
	return NULL;
}

json_t *emu_find_app(const char *client_id)
{
	size_t i;
	json_t *a;
	if (!client_id)
		return NULL;
	json_array_foreach(json_object_get(g_emu.state, "applications"), i, a)
	{
		const char *id = emu_jstr(a, "clientId");
		if (id && strcasecmp(id, client_id) == 0)
			return a;
	}
	return NULL;
}

/* The audiences the emulator issues tokens for and accepts on ARM calls. */
bool emu_audience_ok(const char *aud)
{
	size_t n;
	if (!aud)
		return false;
	n = strlen(EMU_AUDIENCE);
	if (strcmp(aud, EMU_AUDIENCE) == 0 || (strlen(aud) == n - 1 && strncmp(aud, EMU_AUDIENCE, n - 1) == 0))
		return true;
	n = strlen(g_emu.base);
	if (strncmp(aud, g_emu.base, n) == 0 && (aud[n] == '\0' || (aud[n] == '/' && aud[n + 1] == '\0')))
		return true;
	return false;
}

long long emu_cfg_int(const char *key, long long dflt)
{
	return emu_jint(g_emu.config, key, dflt);
}

const char *emu_cfg_str(const char *key, const char *dflt)
{
	const char *s = emu_jstr(g_emu.config, key);
	return s ? s : dflt;
}

bool emu_cfg_bool(const char *key, bool dflt)
{
	return emu_jbool(g_emu.config, key, dflt);
}

/* Takes the first pending fault matching this request; returns a new reference or NULL. */
json_t *emu_take_fault(const char *method, const char *path)
{
	size_t i;
	json_t *f;
	json_array_foreach(g_emu.faults, i, f)
	{
		const char *m = emu_jstr(f, "method"), *pc = emu_jstr(f, "pathContains");
		if (m && strcasecmp(m, method) != 0)
			continue;
		if (pc && !strcasestr(path, pc))
			continue;
		json_t *copy = json_deep_copy(f);
		long long count = emu_jint(f, "count", 1);
		if (count <= 1)
			json_array_remove(g_emu.faults, i);
		else
			json_object_set_new(f, "count", json_integer(count - 1));
		return copy;
	}
	return NULL;
}

void emu_throttle_reset(void)
{
	emu_bucket *b = g_emu.buckets;
	while (b) {
		emu_bucket *n = b->next;
		free(b->key);
		free(b);
		b = n;
	}
	g_emu.buckets = NULL;
}

/* Token bucket per (subscription, principal, op), as ARM keys them. Returns false when empty (retry_after set). */
bool emu_throttle_take(const char *subscription, const char *principal, const char *op, long long *remaining, double *retry_after)
{
	json_t *th = json_object_get(g_emu.config, "throttle");
	json_t *cfg = json_object_get(th, op);
	double burst = 1e9, rate = 1e9;
	char key[256];
	emu_bucket *b;
	double now = emu_mono();
	*retry_after = 0;
	if (json_is_number(json_object_get(cfg, "burst")))
		burst = json_number_value(json_object_get(cfg, "burst"));
	if (json_is_number(json_object_get(cfg, "perSecond")))
		rate = json_number_value(json_object_get(cfg, "perSecond"));
	if (!emu_jbool(th, "enabled", true) || !th) {
		*remaining = (long long)(burst > 1e8 ? 1e8 : burst);
		return true;
	}
	snprintf(key, sizeof key, "%s|%s|%s", subscription ? subscription : "-", principal ? principal : "-", op);
	for (b = g_emu.buckets; b; b = b->next)
		if (strcmp(b->key, key) == 0)
			break;
	if (!b) {
		b = calloc(1, sizeof *b);
		if (!b) {
			*remaining = 0;
			return true;
		}
		b->key = emu_strndup(key, strlen(key));
		b->tokens = burst;
		b->last = now;
		b->next = g_emu.buckets;
		g_emu.buckets = b;
	}
	b->tokens += (now - b->last) * rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->last = now;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
		*remaining = (long long)floor(b->tokens);
		return true;
	}
	*remaining = 0;
	*retry_after = rate > 0 ? (1.0 - b->tokens) / rate : 3600.0;
	return false;
}

static bool is_array_or_absent(const json_t *st, const char *key)
{
	json_t *v = json_object_get(st, key);
	return !v || json_is_array(v);
}

bool emu_state_validate(const json_t *st, char *err, size_t errlen)
{
	const char *arrays[] = { "tenants", "applications", "publicClients", "users", "managedIdentities",
				 "subscriptions", "registrations", "customerDirectory" };
	size_t i;
	json_t *r;
	if (!json_is_object(st)) {
		snprintf(err, errlen, "The state must be a JSON object.");
		return false;
	}
	for (i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
		if (!is_array_or_absent(st, arrays[i])) {
			snprintf(err, errlen, "State member '%s' must be an array.", arrays[i]);
			return false;
		}
	}
	json_array_foreach(json_object_get(st, "registrations"), i, r)
	{
		if (!json_is_object(r) || !emu_jstr(r, "subscriptionId") || !emu_jstr(r, "resourceGroup") ||
		    !emu_jstr(r, "name")) {
			snprintf(err, errlen, "registrations[%zu] needs subscriptionId, resourceGroup and name.", i);
			return false;
		}
		if (!is_array_or_absent(r, "customerSubscriptions")) {
			snprintf(err, errlen, "registrations[%zu].customerSubscriptions must be an array.", i);
			return false;
		}
	}
	return true;
}

/* ---- config validation ------------------------------------------------------------------- */

typedef struct cfg_rule {
	const char *parent; /* NULL: top level */
	const char *key;
	bool integer; /* else any number */
	double min, max;
} cfg_rule;

bool emu_config_validate(const json_t *cfg, char *field, size_t fieldlen, char *err, size_t errlen)
{
	static const cfg_rule rules[] = {
		{ NULL, "pageSize", true, 1, 100000 },
		{ NULL, "latencyMs", true, 0, 600000 },
		{ NULL, "tokenLifetimeSeconds", true, 1, 100000000 },
		{ NULL, "deviceCodeInterval", true, 0, 3600 },
		{ NULL, "deviceCodeLifetimeSeconds", true, 1, 100000000 },
		{ "lro", "polls", true, 0, 1000 },
		{ "lro", "retryAfter", true, 0, 3600 },
		{ "throttle.reads", "burst", false, 0, 1e9 },
		{ "throttle.reads", "perSecond", false, 0, 1e9 },
		{ "throttle.writes", "burst", false, 0, 1e9 },
		{ "throttle.writes", "perSecond", false, 0, 1e9 },
		{ "throttle.deletes", "burst", false, 0, 1e9 },
		{ "throttle.deletes", "perSecond", false, 0, 1e9 },
	};
	static const char *const objects[] = { "lro", "throttle" };
	size_t i;

	for (i = 0; i < sizeof objects / sizeof objects[0]; i++) {
		const json_t *o = json_object_get(cfg, objects[i]);
		if (o && !json_is_object(o)) {
			snprintf(field, fieldlen, "%s", objects[i]);
			snprintf(err, errlen, "Config field '%s' must be an object.", objects[i]);
			return false;
		}
	}
	for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		const cfg_rule *r = &rules[i];
		const json_t *obj = cfg, *v;
		char name[96];
		double x;
		if (r->parent) {
			char path[64], *dot;
			snprintf(path, sizeof path, "%s", r->parent);
			dot = strchr(path, '.');
			if (dot)
				*dot = '\0';
			obj = json_object_get(cfg, path);
			if (dot && obj) {
				obj = json_object_get(obj, dot + 1);
				if (obj && !json_is_object(obj)) {
					snprintf(field, fieldlen, "%s", r->parent);
					snprintf(err, errlen, "Config field '%s' must be an object.", r->parent);
					return false;
				}
			}
			if (!obj)
				continue;
			snprintf(name, sizeof name, "%s.%s", r->parent, r->key);
		} else {
			snprintf(name, sizeof name, "%s", r->key);
		}
		v = json_object_get(obj, r->key);
		if (!v)
			continue;
		if (!json_is_number(v) || (r->integer && json_is_real(v) && floor(json_real_value(v)) != json_real_value(v))) {
			snprintf(field, fieldlen, "%s", name);
			snprintf(err, errlen, "Config field '%s' must be %s between %.15g and %.15g.", name, r->integer ? "an integer" : "a number",
				 r->min, r->max);
			return false;
		}
		x = json_number_value(v);
		if (x < r->min || x > r->max) {
			snprintf(field, fieldlen, "%s", name);
			snprintf(err, errlen, "Config field '%s' is %.15g: it must be between %.15g and %.15g.", name, x, r->min, r->max);
			return false;
		}
	}
	return true;
}
