/*
 * libFuzzer target: ARM resource IDs (resource_id.c). The whole input is tried as a
 * resource ID (validate, registration parse, customer parse); a parsed ID rebuilt must
 * validate and parse back to the same parts. Then the input's lines are taken as the
 * parts (subscription, resource group, name, customer): a built ID must parse back to them.
 */
#include <strings.h>

#include "fuzz_common.h"

static void same_ref(const azsreg_registration_ref *a, const azsreg_registration_ref *b, const char *id)
{
	FUZZ_CHECK(strcmp(a->subscription_id, b->subscription_id) == 0, "subscription differs after round trip of %s", id);
	FUZZ_CHECK(strcmp(a->resource_group, b->resource_group) == 0, "resource group differs after round trip of %s", id);
	FUZZ_CHECK(strcmp(a->name, b->name) == 0, "name differs after round trip of %s", id);
}

static void round_trip_registration(const azsreg_registration_ref *ref)
{
	azsreg_registration_ref again;
	char *id = NULL, *id2 = NULL;
	int rc;

	rc = azsreg_registration_id_build(&id, ref);
	FUZZ_CHECK(rc == AZSREG_OK && id != NULL, "parsed registration does not build: %d %s", rc, azsreg_error_last()->message);
	FUZZ_CHECK(id[0] == '/', "built ID does not start with '/': %s", id);
	rc = azsreg_resource_id_validate(id);
	FUZZ_CHECK(rc == AZSREG_OK, "built registration ID does not validate: %s: %s", id, azsreg_error_last()->message);
	memset(&again, 0, sizeof(again));
	rc = azsreg_registration_id_parse(&again, id);
	FUZZ_CHECK(rc == AZSREG_OK, "built registration ID does not parse: %s: %s", id, azsreg_error_last()->message);
	same_ref(ref, &again, id);
	rc = azsreg_registration_id_build(&id2, &again);
	FUZZ_CHECK(rc == AZSREG_OK && strcmp(id, id2) == 0, "build is not stable: %s", id);
	azsreg_free(id);
	azsreg_free(id2);
}

static void round_trip_customer(const azsreg_registration_ref *ref, const char *customer)
{
	azsreg_registration_ref again;
	char cust2[AZSREG_GUID_LEN + 1];
	char *id = NULL;
	int rc;

	rc = azsreg_customer_id_build(&id, ref, customer);
	FUZZ_CHECK(rc == AZSREG_OK && id != NULL, "parsed customer ID does not build: %s", azsreg_error_last()->message);
	rc = azsreg_resource_id_validate(id);
	FUZZ_CHECK(rc == AZSREG_OK, "built customer ID does not validate: %s: %s", id, azsreg_error_last()->message);
	memset(&again, 0, sizeof(again));
	rc = azsreg_customer_id_parse(&again, cust2, id);
	FUZZ_CHECK(rc == AZSREG_OK, "built customer ID does not parse: %s: %s", id, azsreg_error_last()->message);
	same_ref(ref, &again, id);
	FUZZ_CHECK(strcmp(customer, cust2) == 0, "customer GUID differs after round trip of %s", id);
	rc = azsreg_registration_id_parse(&again, id);
	FUZZ_CHECK(rc == AZSREG_EINVALID, "a customer ID parsed as a registration ID: %s", id);
	azsreg_free(id);
}

static void whole_input(const char *s)
{
	azsreg_registration_ref ref;
	char customer[AZSREG_GUID_LEN + 1];
	int valid, rc;

	valid = azsreg_resource_id_validate(s);
	fuzz_check_error(valid);
	FUZZ_CHECK(valid == AZSREG_OK || valid == AZSREG_EINVALID, "validate: code %d", valid);

	memset(&ref, 0, sizeof(ref));
	rc = azsreg_registration_id_parse(&ref, s);
	fuzz_check_error(rc);
	if (rc == AZSREG_OK) {
		FUZZ_CHECK(valid == AZSREG_OK, "a registration ID that does not validate: %s", s);
		FUZZ_CHECK(strlen(ref.subscription_id) == AZSREG_GUID_LEN, "subscription ID length");
		round_trip_registration(&ref);
	}
	memset(&ref, 0, sizeof(ref));
	rc = azsreg_customer_id_parse(&ref, customer, s);
	fuzz_check_error(rc);
	if (rc == AZSREG_OK) {
		FUZZ_CHECK(valid == AZSREG_OK, "a customer ID that does not validate: %s", s);
		FUZZ_CHECK(strlen(customer) == AZSREG_GUID_LEN, "customer GUID length");
		round_trip_customer(&ref, customer);
	}
}

/* Lines: subscription, resource group, name, customer. */
static void from_parts(char *s)
{
	azsreg_registration_ref ref;
	char *rest = s, *sub, *rg, *name, *cust;
	char *id = NULL;
	int rc;

	sub = fuzz_line(&rest);
	rg = fuzz_line(&rest);
	name = fuzz_line(&rest);
	cust = fuzz_line(&rest);
	if (strlen(sub) > AZSREG_GUID_LEN || strlen(rg) > AZSREG_NAME_MAX || strlen(name) > AZSREG_NAME_MAX)
		return;
	memset(&ref, 0, sizeof(ref));
	memcpy(ref.subscription_id, sub, strlen(sub));
	memcpy(ref.resource_group, rg, strlen(rg));
	memcpy(ref.name, name, strlen(name));
	rc = azsreg_registration_id_build(&id, &ref);
	fuzz_check_error(rc);
	if (rc == AZSREG_OK) {
		azsreg_registration_ref back;
		char norm[AZSREG_GUID_LEN + 1];

		memset(&back, 0, sizeof(back));
		rc = azsreg_registration_id_parse(&back, id);
		FUZZ_CHECK(rc == AZSREG_OK, "built ID does not parse: %s: %s", id, azsreg_error_last()->message);
		FUZZ_CHECK(azsreg_guid_normalize(norm, sub, NULL) == AZSREG_OK && strcmp(norm, back.subscription_id) == 0,
			   "subscription differs: %s", id);
		FUZZ_CHECK(strcmp(rg, back.resource_group) == 0 && strcmp(name, back.name) == 0, "parts differ: %s", id);
		round_trip_registration(&back);
		if (cust[0] != '\0' && azsreg_guid_normalize(norm, cust, NULL) == AZSREG_OK)
			round_trip_customer(&back, norm);
	} else {
		FUZZ_CHECK(id == NULL, "output set on failure");
	}
	azsreg_free(id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	whole_input(s);
	from_parts(s);
	free(s);
	return 0;
}
