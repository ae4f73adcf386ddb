/* azsreg-emulator: libmicrohttpd glue, request log, faults, latency, control API. */
#include "emu.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

static int https_marker, http_marker;

/* ---- answers -------------------------------------------------------------------------- */

void emu_add_header(emu_req *r, const char *name, const char *value)
{
	for (int i = 0; i < r->nhdr; i++) {
		if (strcasecmp(r->hdr[i].name, name) == 0) {
			free(r->hdr[i].value);
			r->hdr[i].value = emu_strndup(value, strlen(value));
			return;
		}
	}
	if (r->nhdr >= EMU_MAX_RESP_HEADERS)
		return;
	r->hdr[r->nhdr].name = emu_strndup(name, strlen(name));
	r->hdr[r->nhdr].value = emu_strndup(value, strlen(value));
	r->nhdr++;
}

void emu_respond_raw(emu_req *r, int status, const char *body, size_t len)
{
	free(r->resp_body);
	r->resp_body = NULL;
	r->resp_len = 0;
	r->status = status;
	r->resp_is_json = false;
	if (body && len) {
		r->resp_body = emu_strndup(body, len);
		r->resp_len = r->resp_body ? len : 0;
	}
}

void emu_respond_json(emu_req *r, int status, json_t *body)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	emu_respond_raw(r, status, s, s ? strlen(s) : 0);
	r->resp_is_json = body != NULL;
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
	json_decref(body);
}

void emu_arm_error(emu_req *r, int status, const char *code, const char *message)
{
	json_t *e = json_pack("{s:{s:s,s:s,s:[]}}", "error", "code", code, "message", message, "details");
	emu_respond_json(r, status, e);
}

const char *emu_header_in(emu_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *emu_query(emu_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- request log ------------------------------------------------------------------------- */

static bool secret_header(const char *name)
{
	static const char *names[] = { "authorization", "x-identity-header", "secret", "cookie",
				       "proxy-authorization", "x-ms-authorization-auxiliary" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool secret_form_key(const char *k, size_t klen)
{
	static const char *names[] = { "client_secret", "client_assertion", "password", "refresh_token",
				       "device_code", "assertion", "code" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == klen && strncasecmp(k, names[i], klen) == 0)
			return true;
	return false;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	json_t *obj = cls;
	char *k = emu_strndup(key, strlen(key));
	(void)kind;
	if (!k)
		return MHD_YES;
	emu_lower(k);
	if (secret_header(k)) {
		bool bearer = value && strncasecmp(value, "Bearer ", 7) == 0;
		json_object_set_new(obj, k, json_string(bearer ? "Bearer ***" : "***"));
	} else {
		json_object_set_new(obj, k, json_string(value ? value : ""));
	}
	free(k);
	return MHD_YES;
}

typedef struct qbuf {
	char *s;
} qbuf;

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	qbuf *q = cls;
	char *n;
	(void)kind;
	if (secret_form_key(key, strlen(key)))
		value = "***";
	n = emu_printf("%s%s%s%s%s", q->s ? q->s : "", q->s ? "&" : "", key, value ? "=" : "", value ? value : "");
	free(q->s);
	q->s = n;
	return MHD_YES;
}

/* Form bodies: the values of secret fields are replaced by "***"; other bodies verbatim. */
static char *redacted_body(const emu_req *r)
{
	size_t i = 0;
	bool formish = false;
	char *out;
	size_t o = 0;
	if (!r->body || r->len == 0)
		return emu_strndup("", 0);
	while (i < r->len && (r->body[i] == ' ' || r->body[i] == '\n' || r->body[i] == '\r' || r->body[i] == '\t'))
		i++;
	if (i < r->len && r->body[i] != '{' && r->body[i] != '[' && memchr(r->body, '=', r->len))
		formish = true;
	if (!formish)
		return emu_strndup(r->body, r->len);
	out = malloc(r->len * 4 + 4);
	if (!out)
		return NULL;
	i = 0;
	while (i < r->len) {
		size_t start = i, eq = (size_t)-1;
		while (i < r->len && r->body[i] != '&') {
			if (r->body[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		if (eq != (size_t)-1 && secret_form_key(r->body + start, eq - start)) {
			memcpy(out + o, r->body + start, eq - start + 1);
			o += eq - start + 1;
			memcpy(out + o, "***", 3);
			o += 3;
		} else {
			memcpy(out + o, r->body + start, i - start);
			o += i - start;
		}
		if (i < r->len)
			out[o++] = '&';
		i++;
	}
	out[o] = '\0';
	return out;
}

static json_t *log_record(emu_req *r)
{
	json_t *headers = json_object();
	qbuf q = { NULL };
	char *body = redacted_body(r);
	json_t *rec;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_header, headers);
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
	rec = json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:I,s:i}", "method", r->method, "path", r->path, "query",
			q.s ? q.s : "", "headers", headers, "body", body ? body : "", "listener",
			r->https ? "https" : "http", "time", (json_int_t)emu_now(), "status", 0);
	free(q.s);
	free(body);
	return rec;
}

/* ---- control API ----------------------------------------------------------------------- */

static json_t *parse_body_json(emu_req *r)
{
	json_error_t err;
	if (!r->body || r->len == 0)
		return NULL;
	return json_loadb(r->body, r->len, 0, &err);
}

static json_t *stats_snapshot(void)
{
	json_t *s = json_deep_copy(g_emu.stats);
	json_object_set_new(s, "connections", json_integer(g_emu.connections));
	json_object_set_new(s, "tlsConnections", json_integer(g_emu.tls_connections));
	json_object_set_new(s, "pendingFaults", json_integer((json_int_t)json_array_size(g_emu.faults)));
	return s;
}

static void reset_stats(void)
{
	json_decref(g_emu.stats);
	g_emu.stats = emu_new_stats();
	g_emu.connections = 0;
	g_emu.tls_connections = 0;
}

/* GET /_emulator/clock: the offset and the emulator's time (design.md "Emulator contract"). */
static json_t *clock_snapshot(void)
{
	long long off = emu_clock_offset_ms();
	return json_pack("{s:f,s:I,s:I}", "offsetSeconds", (double)off / 1000.0, "now", (json_int_t)emu_now(), "nowMs",
			 (json_int_t)emu_now_ms());
}

static void control(emu_req *r)
{
	const char *p = r->path + strlen("/_emulator");
	const char *m = r->method;
	json_t *body = NULL;
	char err[256];
	bool wants_body = strcmp(m, "PUT") == 0 || strcmp(m, "POST") == 0;
	if (wants_body && r->len > 0) {
		body = parse_body_json(r);
		if (!body) {
			emu_arm_error(r, 400, "InvalidRequestContent", "The request body is not valid JSON.");
			return;
		}
	}
	pthread_mutex_lock(&g_emu.mu);
	if (strcmp(p, "/state") == 0 && strcmp(m, "GET") == 0) {
		emu_respond_json(r, 200, json_deep_copy(g_emu.state));
	} else if (strcmp(p, "/state") == 0 && strcmp(m, "PUT") == 0) {
		if (!body || !emu_state_validate(body, err, sizeof err)) {
			emu_arm_error(r, 400, "InvalidRequestContent", body ? err : "A JSON state body is required.");
		} else {
			json_decref(g_emu.state);
			g_emu.state = json_deep_copy(body);
			g_emu.state_gen++;
			emu_respond_json(r, 200, json_deep_copy(g_emu.state));
		}
	} else if (strcmp(p, "/config") == 0 && strcmp(m, "GET") == 0) {
		emu_respond_json(r, 200, json_deep_copy(g_emu.config));
	} else if (strcmp(p, "/config") == 0 && (strcmp(m, "PUT") == 0 || strcmp(m, "PATCH") == 0)) {
		char field[96];
		if (!json_is_object(body)) {
			emu_arm_error(r, 400, "InvalidRequestContent", "A JSON object body is required.");
		} else if (!emu_config_validate(body, field, sizeof field, err, sizeof err)) {
			/* Nothing is merged: the ARM error body with the field as its target. */
			emu_respond_json(r, 400, json_pack("{s:{s:s,s:s,s:s,s:[]}}", "error", "code", "InvalidConfigValue", "message", err, "target", field, "details"));
		} else {
			json_object_update_recursive(g_emu.config, body);
			if (json_object_get(body, "throttle"))
				emu_throttle_reset();
			emu_respond_json(r, 200, json_deep_copy(g_emu.config));
		}
	} else if (strcmp(p, "/stats") == 0 && strcmp(m, "GET") == 0) {
		emu_respond_json(r, 200, stats_snapshot());
	} else if (strcmp(p, "/stats/reset") == 0 && strcmp(m, "POST") == 0) {
		reset_stats();
		emu_respond_json(r, 200, stats_snapshot());
	} else if (strcmp(p, "/requests") == 0 && strcmp(m, "GET") == 0) {
		emu_respond_json(r, 200, json_deep_copy(g_emu.log));
	} else if (strcmp(p, "/requests") == 0 && strcmp(m, "DELETE") == 0) {
		json_array_clear(g_emu.log);
		emu_respond_raw(r, 204, NULL, 0);
	} else if (strcmp(p, "/faults") == 0 && strcmp(m, "GET") == 0) {
		emu_respond_json(r, 200, json_deep_copy(g_emu.faults));
	} else if (strcmp(p, "/faults") == 0 && strcmp(m, "POST") == 0) {
		json_t *list = json_is_array(body) ? json_incref(body) : json_pack("[O]", body);
		size_t i;
		json_t *f;
		bool ok = body != NULL;
		json_array_foreach(list, i, f) ok = ok && json_is_object(f);
		if (!ok) {
			emu_arm_error(r, 400, "InvalidRequestContent", "A fault object (or an array of them) is required.");
		} else {
			json_array_foreach(list, i, f) json_array_append_new(g_emu.faults, json_deep_copy(f));
			emu_respond_json(r, 200, json_deep_copy(g_emu.faults));
		}
		json_decref(list);
	} else if (strcmp(p, "/faults") == 0 && strcmp(m, "DELETE") == 0) {
		json_array_clear(g_emu.faults);
		emu_respond_raw(r, 204, NULL, 0);
	} else if (strcmp(p, "/devicecode/approve") == 0 && strcmp(m, "POST") == 0) {
		emu_control_devicecode(r, true, body);
	} else if (strcmp(p, "/devicecode/decline") == 0 && strcmp(m, "POST") == 0) {
		emu_control_devicecode(r, false, body);
	} else if (strcmp(p, "/clock") == 0 && strcmp(m, "GET") == 0) {
		emu_respond_json(r, 200, clock_snapshot());
	} else if (strcmp(p, "/clock") == 0 && strcmp(m, "POST") == 0) {
		json_t *adv = json_is_object(body) ? json_object_get(body, "advanceSeconds") : NULL;
		double secs = json_is_number(adv) ? json_number_value(adv) : -1;
		if (!json_is_number(adv) || secs < 0 || secs > 1e9) {
			emu_respond_json(r, 400, json_pack("{s:{s:s,s:s,s:s,s:[]}}", "error", "code", "InvalidConfigValue", "message", "Clock field 'advanceSeconds' must be a number between 0 and 1e9 (the clock only moves forward).", "target", "advanceSeconds", "details"));
		} else {
			emu_clock_advance_ms((long long)(secs * 1000.0 + 0.5));
			emu_respond_json(r, 200, clock_snapshot());
		}
	} else if (strcmp(p, "/reset") == 0 && strcmp(m, "POST") == 0) {
		json_decref(g_emu.state);
		g_emu.state = json_deep_copy(g_emu.seed);
		g_emu.state_gen++;
		json_decref(g_emu.config);
		g_emu.config = json_deep_copy(g_emu.config_default);
		reset_stats();
		json_array_clear(g_emu.log);
		json_array_clear(g_emu.faults);
		json_object_clear(g_emu.ops);
		json_object_clear(g_emu.devicecodes);
		json_object_clear(g_emu.refresh);
		json_object_clear(g_emu.jtis);
		emu_throttle_reset();
		emu_clock_reset();
		emu_respond_raw(r, 204, NULL, 0);
	} else {
		emu_arm_error(r, 404, "NotFound", "No such control API endpoint (see design.md).");
	}
	pthread_mutex_unlock(&g_emu.mu);
	json_decref(body);
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* The managed identity endpoints, with or without a trailing slash (MSAL's IMDS override
 * sends ".../oauth2/token/"), as the HTTPS listener routes them. */
static bool http_allowed(const char *path)
{
	static const char *const allowed[] = { "/metadata/identity/oauth2/token", "/msi/token" };
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		size_t n = strlen(allowed[i]);
		if (strncmp(path, allowed[i], n) == 0 && (path[n] == '\0' || strcmp(path + n, "/") == 0))
			return true;
	}
	return false;
}

static void apply_fault(emu_req *r, json_t *f)
{
	long long status = emu_jint(f, "status", 0);
	const char *code = emu_jstr(f, "code");
	const char *msg = emu_jstr(f, "message");
	char buf[32];
	if (emu_jbool(f, "drop", false)) {
		r->drop = true;
		return;
	}
	if (status < 100 || status > 599)
		status = 500;
	if (!code) {
		switch (status) {
		case 429:
			code = "TooManyRequests";
			break;
		case 502:
			code = "BadGateway";
			break;
		case 503:
			code = "ServiceUnavailable";
			break;
		case 504:
			code = "GatewayTimeout";
			break;
		case 409:
			code = "Conflict";
			break;
		case 404:
			code = "NotFound";
			break;
		case 400:
			code = "BadRequest";
			break;
		default:
			code = "InternalServerError";
			break;
		}
	}
	emu_arm_error(r, (int)status, code, msg ? msg : "Injected fault.");
	if (json_object_get(f, "retryAfter")) {
		json_t *ra = json_object_get(f, "retryAfter");
		if (json_is_string(ra))
			emu_add_header(r, "Retry-After", json_string_value(ra));
		else {
			snprintf(buf, sizeof buf, "%lld", emu_jint(f, "retryAfter", 0));
			emu_add_header(r, "Retry-After", buf);
		}
	}
	if (json_object_get(f, "retryAfterMs")) {
		snprintf(buf, sizeof buf, "%lld", emu_jint(f, "retryAfterMs", 0));
		emu_add_header(r, "retry-after-ms", buf);
		emu_add_header(r, "x-ms-retry-after-ms", buf);
	}
}

static void process(emu_req *r)
{
	const char *corr = emu_header_in(r, "x-ms-correlation-request-id");
	json_t *rec = NULL, *fault = NULL;
	long long latency, fault_delay;
	char key[8];
	if (corr && strlen(corr) < sizeof r->corr_id)
		snprintf(r->corr_id, sizeof r->corr_id, "%s", corr);
	else
		emu_guid(r->corr_id);

	if (strcmp(r->path, "/_emulator") == 0 || strncmp(r->path, "/_emulator/", 11) == 0) {
		if (r->too_large)
			emu_arm_error(r, 413, "RequestEntityTooLarge", "The request body exceeds 1 MiB.");
		else
			control(r);
		return;
	}

	pthread_mutex_lock(&g_emu.mu);
	emu_stat_inc("requests");
	rec = log_record(r);
	if (rec) {
		json_array_append(g_emu.log, rec);
		while (json_array_size(g_emu.log) > EMU_LOG_MAX)
			json_array_remove(g_emu.log, 0);
	}
	fault = emu_take_fault(r->method, r->path);
	if (fault)
		emu_stat_inc("faultsApplied");
	latency = emu_cfg_int("latencyMs", 0);
	fault_delay = fault ? emu_jint(fault, "delayMs", 0) : 0;
	/* the wait this request is given (latencyMs + the fault's delayMs), so that tests check
     * the injected latency by what the emulator did, not by the wall time they measured */
	if (rec)
		json_object_set_new(rec, "delayMs", json_integer((json_int_t)((latency > 0 ? latency : 0) + (fault_delay > 0 ? fault_delay : 0))));
	pthread_mutex_unlock(&g_emu.mu);

	emu_sleep_ms(latency);
	emu_sleep_ms(fault_delay);

	if (r->too_large) {
		emu_arm_error(r, 413, "RequestEntityTooLarge", "The request body exceeds 1 MiB.");
	} else if (fault && (json_object_get(fault, "status") || emu_jbool(fault, "drop", false))) {
		apply_fault(r, fault);
	} else if (!r->https && !http_allowed(r->path)) {
		emu_arm_error(r, 404, "NotFound", "The plain-HTTP listener serves only the managed identity endpoints and the control API.");
	} else {
		pthread_mutex_lock(&g_emu.mu);
		if (!emu_identity_handle(r)) {
			if (strncasecmp(r->path, "/metadata/endpoints", 19) == 0 && (r->path[19] == '\0' || strcmp(r->path + 19, "/") == 0))
				emu_metadata_endpoints(r);
			else
				emu_arm_handle(r);
		}
		pthread_mutex_unlock(&g_emu.mu);
	}

	pthread_mutex_lock(&g_emu.mu);
	if (r->is_arm)
		emu_stat_inc("armRequests");
	if (r->is_token)
		emu_stat_inc("tokenRequests");
	if (r->drop) {
		emu_stat_inc("dropped");
		json_object_set_new(rec, "status", json_integer(0));
		json_object_set_new(rec, "dropped", json_true());
	} else {
		json_t *st = json_object_get(g_emu.stats, "status");
		snprintf(key, sizeof key, "%d", r->status);
		json_object_set_new(st, key, json_integer(json_integer_value(json_object_get(st, key)) + 1));
		json_object_set_new(rec, "status", json_integer(r->status));
	}
	pthread_mutex_unlock(&g_emu.mu);
	json_decref(rec);
	json_decref(fault);
}

static void free_req(emu_req *r)
{
	if (!r)
		return;
	if (r->body) {
		memset(r->body, 0, r->len);
		free(r->body);
	}
	if (r->resp_body) {
		memset(r->resp_body, 0, r->resp_len);
		free(r->resp_body);
	}
	for (int i = 0; i < r->nhdr; i++) {
		free(r->hdr[i].name);
		free(r->hdr[i].value);
	}
	free(r);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			       const char *version, const char *upload_data, size_t *upload_data_size,
			       void **con_cls)
{
	emu_req *r = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char rid[37];
	(void)version;
	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return MHD_NO;
		r->https = cls == &https_marker;
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		if (!r->too_large && r->len + n > EMU_MAX_BODY) {
			r->too_large = true;
		} else if (!r->too_large) {
			if (r->len + n + 1 > r->cap) {
				size_t cap = r->cap ? r->cap : 1024;
				while (cap < r->len + n + 1)
					cap *= 2;
				char *nb = malloc(cap);
				if (!nb)
					return MHD_NO;
				if (r->body) {
					memcpy(nb, r->body, r->len);
					memset(r->body, 0, r->len);
					free(r->body);
				}
				r->body = nb;
				r->cap = cap;
			}
			memcpy(r->body + r->len, upload_data, n);
			r->len += n;
			r->body[r->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->started)
		return MHD_YES;
	r->started = true;
	r->method = method;
	r->path = url;
	r->conn = conn;
	r->status = 500;
	process(r);
	if (!g_emu.quiet) {
		if (r->drop)
			fprintf(stderr, "azsreg-emulator: %s %s -> (connection dropped)\n", method, url);
		else
			fprintf(stderr, "azsreg-emulator: %s %s -> %d\n", method, url, r->status);
	}
	if (r->drop)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body ? r->resp_body : (void *)"",
					       MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	emu_guid(rid);
	MHD_add_response_header(resp, "x-ms-request-id", rid);
	MHD_add_response_header(resp, "x-ms-correlation-request-id", r->corr_id);
	{
		const char *crid = emu_header_in(r, "x-ms-client-request-id");
		if (crid)
			MHD_add_response_header(resp, "x-ms-client-request-id", crid);
	}
	if (r->resp_is_json)
		MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr[i].name, r->hdr[i].value);
	ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	free_req(*con_cls);
	*con_cls = NULL;
}

static void notify_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
			enum MHD_ConnectionNotificationCode toe)
{
	(void)conn;
	(void)socket_context;
	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		return;
	pthread_mutex_lock(&g_emu.mu);
	g_emu.connections++;
	if (cls == &https_marker)
		g_emu.tls_connections++;
	pthread_mutex_unlock(&g_emu.mu);
}

struct MHD_Daemon *emu_start_daemon(bool tls, int port, const char *key_pem, const char *cert_pem, int *bound)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	void *marker = tls ? (void *)&https_marker : (void *)&http_marker;
	const union MHD_DaemonInfo *info;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!g_emu.quiet)
		flags |= MHD_USE_ERROR_LOG;
	if (tls) {
		flags |= MHD_USE_TLS;
		d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, marker,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
				     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				     MHD_OPTION_NOTIFY_CONNECTION, notify_conn, marker,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				     MHD_OPTION_END);
	} else {
		d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, marker,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				     MHD_OPTION_NOTIFY_CONNECTION, notify_conn, marker,
				     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
				     MHD_OPTION_END);
	}
	if (!d)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*bound = info ? (int)info->port : port;
	return d;
}
