/*
 * operations.c: registration and customer subscription operations, and the generic
 * ARM request. Every input is validated before anything is sent; every error message
 * names the operation and the resource.
 */
#include "internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PAGES 100000
#define CUSTOMER_TYPE "Microsoft.AzureStack/registrations/customerSubscriptions"

/* ---------------------------------------------------------------- helpers */

/* {arm}{resource id without leading '/'}?[{odata}&]api-version={v} */
static int arm_url(char **out, const azsreg_client *c, const char *resource_id, const char *odata, const char *api_version)
{
	azsreg_buf b = AZSREG_BUF_INIT;
	int rc;

	while (*resource_id == '/')
		resource_id++;
	rc = azsreg_buf__printf(&b, "%s%s%s", c->env->arm_endpoint,
				c->env->arm_endpoint[0] && c->env->arm_endpoint[strlen(c->env->arm_endpoint) - 1] == '/' ? "" : "/",
				resource_id);
	if (rc == 0 && odata != NULL && odata[0] != '\0')
		rc = azsreg_buf__printf(&b, "?%s&api-version=%s", odata, api_version);
	else if (rc == 0)
		rc = azsreg_buf__printf(&b, "?api-version=%s", api_version);
	if (rc != 0) {
		azsreg_buf__free(&b);
		return rc;
	}
	*out = azsreg_buf__detach(&b);
	return AZSREG_OK;
}

/* Sends method url [body] through the client's pipeline with the bearer hook. Takes url and body. */
static int arm_send(azsreg_client *c, const char *method, char *url, char *body, int follow_lro, const char *what,
		    azsreg_http_response *resp)
{
	azsreg_http_request req;
	azsreg_send_options so;
	int rc;

	memset(&req, 0, sizeof(req));
	memset(&so, 0, sizeof(so));
	req.method = method;
	req.url = url;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	so.authorize = azsreg_client__authorize;
	so.authorize_ctx = c;
	so.follow_lro = follow_lro;
	so.what = what;
	rc = azsreg_pipeline__send(c->pipeline, &req, resp, &so);
	azsreg_http_request__free(&req);
	return rc;
}

static int fail_from_response(const azsreg_client *c, const azsreg_http_response *resp, const char *what)
{
	return azsreg_error__from_arm(resp->status, resp->body.ptr, resp->body.size,
				      azsreg_headers__get(&resp->headers, "x-ms-request-id"),
				      azsreg_pipeline__correlation_id(c->pipeline), what);
}

/*
 * A failed registration operation (its `what` names the ARM endpoint). A 404 for the
 * subscription or resource group mostly means the wrong cloud: registrations live in public
 * (or sovereign) Azure, not on the Azure Stack deployment's own ARM.
 */
static void registration_hint_for_404(void)
{
	const azsreg_error *e = azsreg_error_last();

	if (e->http_status == 404 && (strcasecmp(e->arm_code, "SubscriptionNotFound") == 0 ||
				      strcasecmp(e->arm_code, "ResourceGroupNotFound") == 0))
		azsreg_error__set_hint("The subscription or resource group was not found at this ARM endpoint. Registrations live in public "
				       "(or sovereign) Azure (https://management.azure.com/, management.chinacloudapi.cn, management.usgovcloudapi.net), "
				       "not on the Azure Stack deployment's own ARM: check the environment (cloud) and the registration's resource ID.");
}

static int fail_registration_response(const azsreg_client *c, const azsreg_http_response *resp, const char *what)
{
	int rc = fail_from_response(c, resp, what);

	registration_hint_for_404();
	return rc;
}

/* " at <ARM endpoint>" for the operations' error messages. */
static void put_where(char *what, size_t cap, const azsreg_client *c)
{
	size_t n = strlen(what);

	if (n < cap)
		snprintf(what + n, cap - n, " at %.400s", c->env->arm_endpoint);
}

/* The response body as compact JSON: any JSON value for the generic request, a JSON object
 * (want_object) for the registration and customer operations, whose result is one resource.
 * out_tree: the parsed body, for a caller that needs the tree (a batch: every item's result
 * carries its resource); either out or out_tree may be NULL. */
static int compact_body_tree(char **out, json_t **out_tree, const azsreg_client *c, const azsreg_http_response *resp,
			     const char *what, int want_object)
{
	json_t *root = json_loadb(resp->body.ptr, resp->body.size, JSON_DECODE_ANY, NULL);
	const char *rid = azsreg_headers__get(&resp->headers, "x-ms-request-id");
	char *text;

	if (root == NULL)
		return azsreg_error__set(AZSREG_ESERVICE, "%s: the service answered HTTP %d with a body that is not JSON (request ID %s)",
					 what, resp->status, rid ? rid : "-");
	if (want_object && !json_is_object(root)) {
		json_decref(root);
		return azsreg_error__set(AZSREG_ESERVICE,
					 "%s: the service answered HTTP %d with a body that is JSON but not an object (a resource is an object; request ID %s)",
					 what, resp->status, rid ? rid : "-");
	}
	if (out != NULL) {
		text = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
		if (text == NULL) {
			json_decref(root);
			return azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", what);
		}
		*out = text;
	}
	if (out_tree != NULL)
		*out_tree = root;
	else
		json_decref(root);
	return AZSREG_OK;
}

static int compact_body(char **out, const azsreg_client *c, const azsreg_http_response *resp, const char *what,
			int want_object)
{
	return compact_body_tree(out, NULL, c, resp, what, want_object);
}

static int is_2xx(int status)
{
	return status >= 200 && status < 300;
}

/* ------------------------------------------------------------- pagination */

static int check_next_link(const azsreg_client *c, const char *link, const char *what)
{
	int rc = azsreg_url__check_scheme(link, 0, "nextLink");
	size_t n;

	if (rc != 0)
		return azsreg_error__prefix("%s", what);
	if (!azsreg_pipeline__same_origin(link, c->env->arm_endpoint)) {
		n = strcspn(link, "?#");
		return azsreg_error__set(AZSREG_ESERVICE,
					 "%s: the service's nextLink %.*s points at another host than the ARM endpoint %s; "
					 "not sending the token there",
					 what, (int)(n > 512 ? 512 : n), link, c->env->arm_endpoint);
	}
	return AZSREG_OK;
}

/*
 * GETs url and every nextLink, appending the items of each page's `value` to items.
 * *out_not_paged (may be NULL) is set when the first answer is not a {"value":[...]} page;
 * its compact body is then in *out_first_body. *out_status: status of the last page.
 */
static int get_all_pages(azsreg_client *c, char *url, const char *what, json_t *items, int *out_status,
			 int *out_not_paged, char **out_first_body)
{
	azsreg_http_response resp;
	char *prev = NULL;
	int pages, rc = AZSREG_OK;

	memset(&resp, 0, sizeof(resp));
	for (pages = 0;; pages++) {
		json_t *root = NULL, *value, *next;
		const char *link;

		if (pages >= MAX_PAGES) {
			rc = azsreg_error__set(AZSREG_ESERVICE, "%s: more than %d pages; stopping", what, MAX_PAGES);
			goto done;
		}
		free(prev);
		prev = azsreg__strdup(url);
		if (prev == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
		azsreg_http_response__reset(&resp);
		rc = arm_send(c, "GET", url, NULL, 0, what, &resp);
		url = NULL;
		if (rc != 0)
			goto done;
		if (out_status)
			*out_status = resp.status;
		if (!is_2xx(resp.status)) {
			rc = fail_from_response(c, &resp, what);
			goto done;
		}
		if (azsreg__is_blank(resp.body.ptr, resp.body.size))
			break; /* an empty registration may answer 200 with no body */
		root = json_loadb(resp.body.ptr, resp.body.size, 0, NULL);
		if (root == NULL) {
			rc = azsreg_error__set(AZSREG_ESERVICE, "%s: page %d is not JSON (HTTP %d)", what, pages + 1, resp.status);
			goto done;
		}
		value = json_object_get(root, "value");
		if (pages == 0 && out_not_paged != NULL && !json_is_array(value)) {
			*out_not_paged = 1;
			json_decref(root);
			rc = compact_body(out_first_body, c, &resp, what, 0);
			goto done;
		}
		if (value != NULL && !json_is_null(value) && !json_is_array(value)) {
			json_decref(root);
			rc = azsreg_error__set(AZSREG_ESERVICE, "%s: page %d has a \"value\" that is not an array", what, pages + 1);
			goto done;
		}
		if (json_is_array(value) && json_array_extend(items, value) != 0) {
			json_decref(root);
			rc = azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", what);
			goto done;
		}
		next = json_object_get(root, "nextLink");
		link = json_string_value(next);
		if (link == NULL || link[0] == '\0') {
			json_decref(root);
			break;
		}
		rc = check_next_link(c, link, what);
		if (rc == 0 && strcmp(link, prev) == 0)
			rc = azsreg_error__set(AZSREG_ESERVICE, "%s: the nextLink of page %d points at the same page", what, pages + 1);
		if (rc == 0) {
			url = azsreg__strdup(link);
			if (url == NULL)
				rc = AZSREG_ENOMEM;
		}
		json_decref(root);
		if (rc != 0)
			goto done;
	}
done:
	free(url);
	free(prev);
	azsreg_http_response__free(&resp);
	return rc;
}

/* ------------------------------------------------------------ registrations */

int azsreg_registration_get(char **out_json, azsreg_client *client, const char *registration_id)
{
	azsreg_registration_ref reg;
	azsreg_http_response resp;
	char what[AZSREG_NAME_MAX + 512];
	char *id = NULL, *url = NULL;
	int rc;

	memset(&resp, 0, sizeof(resp));
	if (out_json == NULL || client == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "get registration: missing client or out_json");
		goto done;
	}
	*out_json = NULL;
	rc = azsreg_registration_id_parse(&reg, registration_id);
	if (rc != 0) {
		(void)azsreg_error__prefix("get registration");
		goto done;
	}
	snprintf(what, sizeof(what), "get registration %s", reg.name);
	put_where(what, sizeof(what), client);
	rc = azsreg_registration_id_build(&id, &reg);
	if (rc == 0)
		rc = arm_url(&url, client, id, NULL, AZSREG_API_VERSION);
	if (rc != 0)
		goto done;
	rc = arm_send(client, "GET", url, NULL, 0, what, &resp);
	url = NULL;
	if (rc != 0)
		goto done;
	if (resp.status != 200) {
		rc = fail_registration_response(client, &resp, what);
		goto done;
	}
	rc = compact_body(out_json, client, &resp, what, 1);
done:
	azsreg_free(id);
	free(url);
	azsreg_http_response__free(&resp);
	return rc;
}

/* -------------------------------------------------------------- customers */

/* ------------------------------------------- one customer call: build, judge */

void azsreg_ops__customer_call_free(azsreg_customer_call *call)
{
	if (call == NULL)
		return;
	azsreg_free(call->id);
	free(call->url);
	free(call->body);
	call->id = call->url = call->body = NULL;
}

static const char *action_verb(int action, const char **prep)
{
	switch (action) {
	case AZSREG_BATCH_PUT:
		*prep = "with";
		return "register";
	case AZSREG_BATCH_DELETE:
		*prep = "from";
		return "remove";
	default:
		*prep = "of";
		return "get";
	}
}

int azsreg_ops__customer_prepare(azsreg_customer_call *call, const azsreg_client *c, int action, const char *registration_id,
				 const char *customer, const char *tenant_guid)
{
	const char *prep, *verb;
	json_t *o = NULL, *props = NULL;
	int rc;

	memset(call, 0, sizeof(*call));
	call->action = action;
	if (action != AZSREG_BATCH_PUT && action != AZSREG_BATCH_DELETE && action != AZSREG_BATCH_GET)
		return azsreg_error__set(AZSREG_EINVALID, "the action %d is none of put (%d), delete (%d), get (%d)", action,
					 AZSREG_BATCH_PUT, AZSREG_BATCH_DELETE, AZSREG_BATCH_GET);
	verb = action_verb(action, &prep);
	rc = azsreg_registration_id_parse(&call->reg, registration_id);
	if (rc != 0)
		return azsreg_error__prefix("%s customer %s", verb, customer ? customer : "(null)");
	rc = azsreg_guid_normalize(call->guid, customer, "customer subscription ID");
	if (rc != 0)
		return azsreg_error__prefix("%s customer %s registration %s", verb, prep, call->reg.name);
	snprintf(call->what, sizeof(call->what), "%s customer %s %s registration %s", verb, call->guid, prep, call->reg.name);
	put_where(call->what, sizeof(call->what), c);
	rc = azsreg_customer_id_build(&call->id, &call->reg, call->guid);
	if (rc == 0)
		rc = arm_url(&call->url, c, call->id, NULL, AZSREG_API_VERSION);
	if (rc != 0)
		goto done;
	if (action == AZSREG_BATCH_PUT) {
		if (tenant_guid != NULL)
			snprintf(call->tenant, sizeof(call->tenant), "%s", tenant_guid);
		props = json_object();
		o = json_object();
		if (props == NULL || o == NULL ||
		    (call->tenant[0] != '\0' && json_object_set_new(props, "tenantId", json_string(call->tenant)) != 0) ||
		    json_object_set(o, "properties", props) != 0 || (call->body = json_dumps(o, JSON_COMPACT)) == NULL) {
			rc = azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", call->what);
			goto done;
		}
	}
done:
	json_decref(props);
	json_decref(o);
	if (rc != 0)
		azsreg_ops__customer_call_free(call);
	return rc;
}

/* 201 (or 200) with no body: the resource as it was asked for (out_tree: as for compact_body_tree). */
static int put_result_from_request(char **out_json, json_t **out_tree, const azsreg_customer_call *call)
{
	azsreg_buf name = AZSREG_BUF_INIT;
	json_t *o = json_object(), *props = json_object();
	int rc = azsreg_buf__printf(&name, "%s/%s", call->reg.name, call->guid);

	if (rc != 0 || o == NULL || props == NULL ||
	    (call->tenant[0] != '\0' && json_object_set_new(props, "tenantId", json_string(call->tenant)) != 0) ||
	    json_object_set_new(o, "id", json_string(call->id)) != 0 ||
	    json_object_set_new(o, "name", json_string(azsreg_buf__cstr(&name))) != 0 ||
	    json_object_set_new(o, "type", json_string(CUSTOMER_TYPE)) != 0 || json_object_set(o, "properties", props) != 0 ||
	    (out_json != NULL && (*out_json = json_dumps(o, JSON_COMPACT)) == NULL))
		rc = azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", call->what);
	else if (out_tree != NULL)
		*out_tree = json_incref(o);
	azsreg_buf__free(&name);
	json_decref(props);
	json_decref(o);
	return rc;
}

int azsreg_ops__customer_finish(const azsreg_customer_call *call, const azsreg_client *c, const azsreg_http_response *resp,
				char **out_json, json_t **out_tree, int *out_existed)
{
	if (out_json != NULL)
		*out_json = NULL;
	if (out_tree != NULL)
		*out_tree = NULL;
	if (call->action == AZSREG_BATCH_GET ? resp->status != 200 : !is_2xx(resp->status))
		return fail_registration_response(c, resp, call->what);
	switch (call->action) {
	case AZSREG_BATCH_DELETE:
		if (out_existed != NULL)
			*out_existed = resp->status == 204 ? 0 : 1;
		return AZSREG_OK;
	case AZSREG_BATCH_GET:
		if (azsreg__is_blank(resp->body.ptr, resp->body.size))
			return azsreg_error__set(AZSREG_ESERVICE, "%s: the service answered HTTP 200 with no body", call->what);
		return out_json != NULL || out_tree != NULL ? compact_body_tree(out_json, out_tree, c, resp, call->what, 1) : AZSREG_OK;
	default:
		if (out_json == NULL && out_tree == NULL)
			return AZSREG_OK;
		if (!azsreg__is_blank(resp->body.ptr, resp->body.size))
			return compact_body_tree(out_json, out_tree, c, resp, call->what, 1);
		return put_result_from_request(out_json, out_tree, call);
	}
}

/* One customer call through the pipeline (retries, LRO polling for put and delete). */
static int customer_call(azsreg_client *client, azsreg_customer_call *call, char **out_json, int *out_existed)
{
	static const char *const methods[] = { "", "PUT", "DELETE", "GET" };
	azsreg_http_response resp;
	int rc;

	memset(&resp, 0, sizeof(resp));
	rc = arm_send(client, methods[call->action], call->url, call->body, call->action != AZSREG_BATCH_GET, call->what, &resp);
	call->url = NULL; /* arm_send took both */
	call->body = NULL;
	if (rc == 0)
		rc = azsreg_ops__customer_finish(call, client, &resp, out_json, NULL, out_existed);
	azsreg_http_response__free(&resp);
	return rc;
}

int azsreg_ops__check_tenant_value(const char *tenant_id, const char *what)
{
	const char *t;

	/* An empty tenant would send {"properties":{}} and erase the mapping's tenant. */
	for (t = tenant_id; t != NULL && (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n' || *t == '\v' || *t == '\f'); t++)
		;
	if (t != NULL && *t == '\0')
		return azsreg_error__set(AZSREG_EINVALID,
					 "%s: the tenant ID is %s: give the customer's directory (tenant) as a GUID or domain name, or no tenant at all (NULL)",
					 what, tenant_id[0] == '\0' ? "empty" : "blank");
	return AZSREG_OK;
}

int azsreg_customer_put(char **out_json, azsreg_client *client, const char *registration_id, const char *customer_subscription_id, const char *tenant_id)
{
	azsreg_customer_call call;
	char tenant[AZSREG_GUID_LEN + 1];
	int rc;

	memset(&call, 0, sizeof(call));
	if (out_json == NULL || client == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "register customer: missing client or out_json");
	*out_json = NULL;
	rc = azsreg_ops__customer_prepare(&call, client, AZSREG_BATCH_PUT, registration_id, customer_subscription_id, NULL);
	if (rc == 0)
		rc = azsreg_ops__check_tenant_value(tenant_id, call.what);
	if (rc == 0 && tenant_id != NULL) {
		rc = azsreg_tenant_resolve(tenant, client, tenant_id);
		if (rc != 0)
			(void)azsreg_error__prefix("%s", call.what);
	}
	if (rc == 0 && tenant_id != NULL) {
		azsreg_ops__customer_call_free(&call);
		rc = azsreg_ops__customer_prepare(&call, client, AZSREG_BATCH_PUT, registration_id, customer_subscription_id, tenant);
	}
	if (rc == 0)
		rc = customer_call(client, &call, out_json, NULL);
	azsreg_ops__customer_call_free(&call);
	return rc;
}

int azsreg_customer_get(char **out_json, azsreg_client *client, const char *registration_id, const char *customer_subscription_id)
{
	azsreg_customer_call call;
	int rc;

	if (out_json == NULL || client == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "get customer: missing client or out_json");
	*out_json = NULL;
	rc = azsreg_ops__customer_prepare(&call, client, AZSREG_BATCH_GET, registration_id, customer_subscription_id, NULL);
	if (rc == 0)
		rc = customer_call(client, &call, out_json, NULL);
	azsreg_ops__customer_call_free(&call);
	return rc;
}

int azsreg_customer_list(char **out_json, azsreg_client *client, const char *registration_id)
{
	azsreg_registration_ref reg;
	char what[AZSREG_NAME_MAX + 512];
	char *id = NULL, *url = NULL, *text = NULL;
	azsreg_buf path = AZSREG_BUF_INIT;
	json_t *items = NULL;
	int rc;

	if (out_json == NULL || client == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "list customers: missing client or out_json");
		goto done;
	}
	*out_json = NULL;
	rc = azsreg_registration_id_parse(&reg, registration_id);
	if (rc != 0) {
		(void)azsreg_error__prefix("list customers");
		goto done;
	}
	snprintf(what, sizeof(what), "list customers of registration %s", reg.name);
	put_where(what, sizeof(what), client);
	rc = azsreg_registration_id_build(&id, &reg);
	if (rc == 0)
		rc = azsreg_buf__printf(&path, "%s/customerSubscriptions", id);
	if (rc == 0)
		rc = arm_url(&url, client, azsreg_buf__cstr(&path), NULL, AZSREG_API_VERSION);
	if (rc != 0)
		goto done;
	items = json_array();
	if (items == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", what);
		goto done;
	}
	rc = get_all_pages(client, url, what, items, NULL, NULL, NULL);
	if (rc != 0)
		registration_hint_for_404();
	url = NULL;
	if (rc != 0)
		goto done;
	text = json_dumps(items, JSON_COMPACT);
	if (text == NULL) {
		rc = azsreg_error__set(AZSREG_ENOMEM, "%s: out of memory", what);
		goto done;
	}
	*out_json = text;
done:
	azsreg_free(id);
	free(url);
	azsreg_buf__free(&path);
	json_decref(items);
	return rc;
}

int azsreg_customer_delete(int *out_existed, azsreg_client *client, const char *registration_id, const char *customer_subscription_id)
{
	azsreg_customer_call call;
	int rc;

	if (client == NULL)
		return azsreg_error__set(AZSREG_EINVALID, "remove customer: missing client");
	rc = azsreg_ops__customer_prepare(&call, client, AZSREG_BATCH_DELETE, registration_id, customer_subscription_id, NULL);
	if (rc == 0)
		rc = customer_call(client, &call, NULL, out_existed);
	azsreg_ops__customer_call_free(&call);
	return rc;
}

/* ---------------------------------------------------------- generic request */

static int check_api_version(const char *v)
{
	const char *p;

	if (v == NULL || v[0] == '\0')
		return azsreg_error__set(AZSREG_EINVALID, "an api-version is required (for example %s)", AZSREG_API_VERSION);
	if (strlen(v) > 64)
		return azsreg_error__set(AZSREG_EINVALID, "the api-version is too long");
	for (p = v; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || *p == '.' || *p == '-'))
			return azsreg_error__set(AZSREG_EINVALID, "api-version '%s' has a character other than 0-9, a-z, '.' and '-'", v);
	}
	return AZSREG_OK;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Is the query parameter name q[0..n) "api-version" (any case, percent-decoded)? */
static int param_is_api_version(const char *q, size_t n)
{
	static const char want[] = "api-version";
	size_t i = 0, k = 0;

	while (i < n) {
		unsigned char c = (unsigned char)q[i];
		if (c == '%' && i + 2 < n && hex_value((unsigned char)q[i + 1]) >= 0 &&
		    hex_value((unsigned char)q[i + 2]) >= 0) {
			c = (unsigned char)(hex_value((unsigned char)q[i + 1]) * 16 + hex_value((unsigned char)q[i + 2]));
			i += 3;
		} else {
			i++;
		}
		if (k >= sizeof(want) - 1 || tolower(c) != want[k])
			return 0;
		k++;
	}
	return k == sizeof(want) - 1;
}

static int check_query(const char *q)
{
	const unsigned char *p;
	const char *param, *end;
	size_t name_len;

	for (p = (const unsigned char *)q; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '#')
			return azsreg_error__set(AZSREG_EINVALID,
						 "the OData query has a space, '#' or a non-ASCII character: URL-encode it");
	}
	/* The api-version is a parameter of its own: a second one in the query would be sent too. */
	for (param = q; *param != '\0'; param = *end ? end + 1 : end) {
		end = param + strcspn(param, "&");
		name_len = strcspn(param, "=&");
		if (param_is_api_version(param, name_len))
			return azsreg_error__set(AZSREG_EINVALID,
						 "the OData query sets api-version: give the api-version on its own, not in the query");
	}
	return AZSREG_OK;
}

/* The canonical method name, or NULL when it is not one the generic request sends. */
static const char *request_method(const char *method)
{
	static const char *const methods[] = { "GET", "PUT", "PATCH", "POST", "DELETE", "HEAD" };
	size_t i;

	for (i = 0; method != NULL && i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcasecmp(method, methods[i]) == 0)
			return methods[i];
	}
	return NULL;
}

AZSREG_EXTERN(const char *) azsreg_default_api_version(void)
{
	return AZSREG_API_VERSION;
}

AZSREG_EXTERN(int) azsreg_request_options_init(azsreg_request_options *opts, unsigned int version)
{
	static const azsreg_request_options init = AZSREG_REQUEST_OPTIONS_INIT;

	return azsreg__options_init(opts, &init, sizeof(init), version, AZSREG_REQUEST_OPTIONS_VERSION, "request");
}

static int request_options_ok(const azsreg_request_options *opts)
{
	if (opts == NULL || opts->version != AZSREG_REQUEST_OPTIONS_VERSION)
		return azsreg_error__set(AZSREG_EINVALID, "resource request: options missing or of an unknown version");
	return AZSREG_OK;
}

static int request_check(const char *method, const char *resource_id, const char *api_version, const char *body_json,
			 const char *odata_query)
{
	const char *m = request_method(method);
	azsreg_buf what = AZSREG_BUF_INIT;
	json_t *parsed = NULL;
	json_error_t jerr;
	int rc = AZSREG_OK;

	if (m == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "resource request: method '%.32s' is not one of GET, PUT, PATCH, POST, DELETE, HEAD",
				       method ? method : "(null)");
		goto done;
	}
	rc = azsreg_resource_id_validate(resource_id);
	if (rc != 0) {
		(void)azsreg_error__prefix("%s", m);
		goto done;
	}
	(void)azsreg_buf__printf(&what, "%s %s%s", m, resource_id[0] == '/' ? "" : "/", resource_id);
	rc = check_api_version(api_version);
	if (rc == 0 && odata_query != NULL) {
		while (*odata_query == '?' || *odata_query == '&')
			odata_query++;
		rc = check_query(odata_query);
	}
	if (rc == 0 && body_json != NULL) {
		if (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0) {
			rc = azsreg_error__set(AZSREG_EINVALID, "a %s request takes no body", m);
		} else {
			parsed = json_loads(body_json, JSON_DECODE_ANY, &jerr);
			if (parsed == NULL)
				rc = azsreg_error__set(AZSREG_EINVALID, "the body is not valid JSON: %s (line %d, column %d)",
						       jerr.text, jerr.line, jerr.column);
		}
	}
	if (rc != 0)
		(void)azsreg_error__prefix("%s", azsreg_buf__cstr(&what));
done:
	json_decref(parsed);
	azsreg_buf__free(&what);
	return rc;
}

AZSREG_EXTERN(int) azsreg_resource_request_check(const azsreg_request_options *opts)
{
	int rc = request_options_ok(opts);

	if (rc != AZSREG_OK)
		return rc;
	return request_check(opts->method, opts->resource_id, opts->api_version, opts->body_json, opts->odata_query);
}

AZSREG_EXTERN(int) azsreg_resource_request(char **out_json, int *out_status, azsreg_client *client,
					   const azsreg_request_options *opts)
{
	const char *method = opts != NULL ? opts->method : NULL;
	const char *resource_id = opts != NULL ? opts->resource_id : NULL;
	const char *api_version = opts != NULL ? opts->api_version : NULL;
	const char *body_json = opts != NULL ? opts->body_json : NULL;
	const char *odata_query = opts != NULL ? opts->odata_query : NULL;
	unsigned int flags = opts != NULL ? opts->flags : 0;
	const char *m = NULL;
	azsreg_http_response resp;
	azsreg_buf what = AZSREG_BUF_INIT;
	char *url = NULL, *body = NULL, *text = NULL, *first = NULL, *normalized = NULL;
	json_t *items = NULL, *wrap = NULL;
	int rc = AZSREG_OK, status = 0, not_paged = 0;

	memset(&resp, 0, sizeof(resp));
	if (out_json != NULL)
		*out_json = NULL;
	if (client == NULL) {
		rc = azsreg_error__set(AZSREG_EINVALID, "resource request: missing client");
		goto done;
	}
	/* Everything is checked before anything is sent. */
	rc = azsreg_resource_request_check(opts);
	if (rc != 0)
		goto done;
	/* One rule for every front end: a customer subscription GUID goes out in lowercase. */
	rc = azsreg_resource_id_normalize(&normalized, resource_id);
	if (rc != 0)
		goto done;
	if (strcmp(normalized, resource_id) != 0)
		azsreg_log__write(&client->logger, AZSREG_LOG_INFO, "resource ID %s is sent as %s (customer subscription ID in lowercase)",
				  resource_id, normalized);
	resource_id = normalized;
	m = request_method(method);
	(void)azsreg_buf__printf(&what, "%s %s%s", m, resource_id[0] == '/' ? "" : "/", resource_id);
	while (odata_query != NULL && (*odata_query == '?' || *odata_query == '&'))
		odata_query++;
	rc = arm_url(&url, client, resource_id, odata_query, api_version);
	if (rc != 0)
		goto done;

	if ((flags & AZSREG_REQUEST_FOLLOW_PAGES) && strcmp(m, "GET") == 0) {
		items = json_array();
		if (items == NULL) {
			rc = AZSREG_ENOMEM;
			goto done;
		}
		rc = get_all_pages(client, url, azsreg_buf__cstr(&what), items, &status, &not_paged, &first);
		url = NULL;
		if (rc != 0)
			goto done;
		if (not_paged) {
			text = first;
			first = NULL;
		} else {
			wrap = json_object();
			if (wrap == NULL || json_object_set(wrap, "value", items) != 0) {
				rc = AZSREG_ENOMEM;
				goto done;
			}
			text = json_dumps(wrap, JSON_COMPACT);
			if (text == NULL) {
				rc = AZSREG_ENOMEM;
				goto done;
			}
		}
	} else {
		if (body_json != NULL) {
			body = azsreg__strdup(body_json); /* sent exactly as given */
			if (body == NULL) {
				rc = AZSREG_ENOMEM;
				goto done;
			}
		}
		rc = arm_send(client, m, url, body, !(flags & AZSREG_REQUEST_NO_LRO), azsreg_buf__cstr(&what), &resp);
		url = NULL;
		body = NULL;
		if (rc != 0)
			goto done;
		status = resp.status;
		if (!is_2xx(resp.status)) {
			rc = fail_from_response(client, &resp, azsreg_buf__cstr(&what));
			goto done;
		}
		if (azsreg__is_blank(resp.body.ptr, resp.body.size)) {
			text = azsreg__strdup("");
			if (text == NULL) {
				rc = AZSREG_ENOMEM;
				goto done;
			}
		} else {
			rc = compact_body(&text, client, &resp, azsreg_buf__cstr(&what), 0);
			if (rc != 0)
				goto done;
		}
	}
	if (out_status != NULL)
		*out_status = status;
	if (out_json != NULL) {
		*out_json = text;
		text = NULL;
	}
done:
	free(url);
	free(body);
	free(text);
	free(first);
	free(normalized);
	json_decref(items);
	json_decref(wrap);
	azsreg_buf__free(&what);
	azsreg_http_response__free(&resp);
	return rc;
}
