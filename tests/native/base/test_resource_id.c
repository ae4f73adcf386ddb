/* resource_id.c: GUID normalisation, resource ID validation, registration / customer IDs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "internal.h"

#define SUB "33333333-3333-3333-3333-333333333333"
#define CUS "e09a9b3f-0cfa-4d38-a9b0-6f9c4d6e1a2b"
#define REG "/subscriptions/" SUB "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
#define REG_REL "subscriptions/" SUB "/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample"
#define CID REG "/customerSubscriptions/" CUS

enum kind { K_REG,
	    K_CUS,
	    K_VAL };

typedef struct id_case {
	enum kind kind;
	const char *input;
	int rc;
	const char *want; /* success: rg|name|sub[|customer]; failure: substring of the message */
} id_case;

static const id_case cases[] = {
	/* ----- registrations, good */
	{ K_REG, REG, 0, "azurestack|AzureStack-sample|" SUB },
	{ K_REG, REG_REL, 0, "azurestack|AzureStack-sample|" SUB },
	{ K_REG, "/SUBSCRIPTIONS/" SUB "/RESOURCEGROUPS/azurestack/PROVIDERS/microsoft.azurestack/REGISTRATIONS/AzureStack-sample", 0, "azurestack|AzureStack-sample|" SUB },
	{ K_REG, "/subscriptions/33333333-AAAA-3333-3333-33333333333F/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r", 0, "rg|r|33333333-aaaa-3333-3333-33333333333f" },
	{ K_REG, "/subscriptions/{" SUB "}/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r", 0, "rg|r|" SUB },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/my.rg_(1)-x/providers/Microsoft.AzureStack/registrations/Azure_Stack.1-2", 0, "my.rg_(1)-x|Azure_Stack.1-2|" SUB },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/A/providers/Microsoft.AzureStack/registrations/B", 0, "A|B|" SUB },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/(rg)/providers/Microsoft.AzureStack/registrations/x.y", 0, "(rg)|x.y|" SUB },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg.v1_x/providers/Microsoft.AzureStack/registrations/AzureStackRegistration", 0, "rg.v1_x|AzureStackRegistration|" SUB },
	{ K_REG, "subscriptions/" SUB "/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/AzureStack-6b7a9c2d-1f3e-4a5b-8c9d-0e1f2a3b4c5d", 0, "azurestack|AzureStack-6b7a9c2d-1f3e-4a5b-8c9d-0e1f2a3b4c5d|" SUB },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/providers/Microsoft.AzureStack/registrations/r", 0, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|r|" SUB },
	/* ----- registrations, bad */
	{ K_REG, "", AZSREG_EINVALID, "registration ID is empty" },
	{ K_REG, "/", AZSREG_EINVALID, "only '/'" },
	{ K_REG, "//subscriptions/" SUB, AZSREG_EINVALID, "empty segment ('//') at position 2" },
	{ K_REG, "/subscriptions//resourceGroups/rg", AZSREG_EINVALID, "empty segment ('//') at position 16" },
	{ K_REG, REG "/", AZSREG_EINVALID, "ends with '/'" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/../providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "'..' segment" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/./providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "'.' segment" },
	{ K_REG, REG "?api-version=2017-06-01", AZSREG_EINVALID, "'?' at position 141" },
	{ K_REG, REG "#frag", AZSREG_EINVALID, "'#' at position 141" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/my%20rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "'%' at position 70" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/my rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "whitespace at position 70" },
	{ K_REG, " " REG, AZSREG_EINVALID, "starts with a space: nothing is trimmed, remove it" },
	{ K_REG, REG "\n", AZSREG_EINVALID, "ends with a newline (\\n): nothing is trimmed, remove it" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg\t/providers", AZSREG_EINVALID, "control character at position 70" },
	{ K_REG, "\\subscriptions\\" SUB, AZSREG_EINVALID, "'\\' at position 1" },
	{ K_REG, "/subscription/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "must start with /subscriptions/, got 'subscription'" },
	{ K_REG, "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "subscription ID in the registration ID 'not-a-guid' is not a GUID" },
	{ K_REG, "/subscriptions/3333333g-3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "position 8 is not a hexadecimal digit" },
	{ K_REG, "/subscriptions/33333333_3333-3333-3333-333333333333/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "expected '-' at position 9" },
	{ K_REG, "/subscriptions/" SUB "/resourcegroup/rg/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "expected 'resourceGroups' after the subscription ID, got 'resourcegroup'" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/provider/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "expected 'providers' after the resource group, got 'provider'" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.Compute/registrations/r", AZSREG_EINVALID, "expected Microsoft.AzureStack, got Microsoft.Compute" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/linkedSubscriptions/r", AZSREG_EINVALID, "wrong resource type: expected Microsoft.AzureStack/registrations, got Microsoft.AzureStack/linkedSubscriptions" },
	{ K_REG, "/subscriptions/" SUB, AZSREG_EINVALID, "'resourceGroups' is missing" },
	{ K_REG, "/subscriptions", AZSREG_EINVALID, "the subscription ID is missing" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg", AZSREG_EINVALID, "'providers' is missing" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack", AZSREG_EINVALID, "'registrations' is missing" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/registrations", AZSREG_EINVALID, "the registration name is missing" },
	{ K_REG, CID, AZSREG_EINVALID, "trailing '/customerSubscriptions' part" },
	{ K_REG, REG "/customerSubscriptions", AZSREG_EINVALID, "this is a customer subscription ID" },
	{ K_REG, REG "/extra/parts", AZSREG_EINVALID, "unexpected trailing parts after the registration name, starting at position 141 ('extra')" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg./providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "resource group name 'rg.' must not end with '.'" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/r*g/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "resource group name 'r*g' has an invalid character at position 2" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/providers/Microsoft.AzureStack/registrations/r", AZSREG_EINVALID, "resource group name is 91 characters long; the maximum is 90" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/reg(1)", AZSREG_EINVALID, "registration name 'reg(1)' has an invalid character at position 4" },
	{ K_REG, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/r:x", AZSREG_EINVALID, "registration name 'r:x' has an invalid character at position 2" },
	/* ----- customer subscriptions, good */
	{ K_CUS, CID, 0, "azurestack|AzureStack-sample|" SUB "|" CUS },
	{ K_CUS, REG_REL "/customerSubscriptions/E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B", 0, "azurestack|AzureStack-sample|" SUB "|" CUS },
	{ K_CUS, REG "/CUSTOMERSUBSCRIPTIONS/{E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B}", 0, "azurestack|AzureStack-sample|" SUB "|" CUS },
	/* ----- customer subscriptions, bad */
	{ K_CUS, REG, AZSREG_EINVALID, "'/customerSubscriptions/{id}' is missing" },
	{ K_CUS, REG "/customerSubscriptions", AZSREG_EINVALID, "customer subscription ID after /customerSubscriptions/ is missing" },
	{ K_CUS, REG "/customerSubscription/" CUS, AZSREG_EINVALID, "expected 'customerSubscriptions' after the registration name, got 'customerSubscription'" },
	{ K_CUS, REG "/customerSubscriptions/12345", AZSREG_EINVALID, "customer subscription ID in the customer subscription resource ID '12345' is not a GUID" },
	{ K_CUS, CID "/more", AZSREG_EINVALID, "unexpected trailing parts after the customer subscription ID" },
	{ K_CUS, CID "/", AZSREG_EINVALID, "ends with '/'" },
	{ K_CUS, "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.Billing/registrations/r/customerSubscriptions/" CUS, AZSREG_EINVALID, "expected Microsoft.AzureStack, got Microsoft.Billing" },
	/* ----- generic validation */
	{ K_VAL, REG, 0, NULL },
	{ K_VAL, "subscriptions/" SUB, 0, NULL },
	{ K_VAL, "/subscriptions/" SUB "/resourcegroups", 0, NULL },
	{ K_VAL, "/providers/Microsoft.AzureStack/operations", 0, NULL },
	{ K_VAL, "/subscriptions/" SUB "/providers/Microsoft.AzureStack/registrations", 0, NULL },
	{ K_VAL, "/tenants/x", AZSREG_EINVALID, "must start with /subscriptions/{id} or /providers/{namespace}, got 'tenants'" },
	{ K_VAL, "/subscriptions", 0, NULL }, /* the tenant-level subscription list */
	{ K_VAL, "/providers", AZSREG_EINVALID, "provider namespace after /providers/ is missing" },
	{ K_VAL, "/subscriptions/xyz/resourceGroups/rg", AZSREG_EINVALID, "'xyz' is not a GUID" },
	{ K_VAL, "/subscriptions/" SUB "/resourceGroups/bad!/x", AZSREG_EINVALID, "resource group name 'bad!'" },
	{ K_VAL, "/subscriptions/" SUB "/a/../b", AZSREG_EINVALID, "'..' segment at position 55" },
	{ K_VAL, NULL, AZSREG_EINVALID, "resource ID is empty" },
	/* ----- issue 9, finding 8: one rule for every front end */
	{ K_VAL, CID "\n", AZSREG_EINVALID, "resource ID '/subscriptions/" SUB "/resourceGroups/azurestack/pr' ends with a newline (\\n): nothing is trimmed, remove it" },
	{ K_VAL, CID " ", AZSREG_EINVALID, "ends with a space: nothing is trimmed" },
	{ K_VAL, "\t" CID, AZSREG_EINVALID, "starts with a tab: nothing is trimmed" },
	{ K_VAL, REG "/customerSubscriptions/not-a-guid", AZSREG_EINVALID, "customer subscription ID in the resource ID 'not-a-guid' is not a GUID" },
	{ K_VAL, REG "/customerSubscriptions/{" CUS, AZSREG_EINVALID, "customer subscription ID in the resource ID '{" CUS "' is not a GUID: braces must enclose exactly 36 characters" },
	{ K_VAL, REG "/customerSubscriptions", 0, NULL }, /* the collection */
	{ K_VAL, "/subscriptions/" SUB "/providers/Microsoft.Foo/registrations/r/customerSubscriptions/anything", 0, NULL }, /* not Microsoft.AzureStack */
};

static void run_case(const id_case *c)
{
	azsreg_registration_ref ref;
	char customer[AZSREG_GUID_LEN + 1] = "untouched";
	char got[1024];
	int rc;

	memset(&ref, 0x5a, sizeof(ref));
	ref.name[0] = 'Z';
	ref.name[1] = '\0';
	azsreg_error_clear();
	switch (c->kind) {
	case K_REG:
		rc = azsreg_registration_id_parse(&ref, c->input);
		break;
	case K_CUS:
		rc = azsreg_customer_id_parse(&ref, customer, c->input);
		break;
	default:
		rc = azsreg_resource_id_validate(c->input);
		break;
	}
	cr_assert_eq(rc, c->rc, "input '%s': rc %d (%s), want %d", c->input ? c->input : "(null)", rc, azsreg_error_last()->message, c->rc);
	if (rc != 0) {
		cr_assert_eq(azsreg_error_last()->code, c->rc);
		cr_assert(strstr(azsreg_error_last()->message, c->want) != NULL,
			  "input '%s': message '%s' lacks '%s'", c->input ? c->input : "(null)", azsreg_error_last()->message, c->want);
		cr_assert_str_eq(ref.name, "Z", "output untouched on failure");
		cr_assert_str_eq(customer, "untouched", "customer untouched on failure");
		return;
	}
	if (c->kind == K_VAL)
		return;
	if (c->kind == K_REG)
		snprintf(got, sizeof(got), "%s|%s|%s", ref.resource_group, ref.name, ref.subscription_id);
	else
		snprintf(got, sizeof(got), "%s|%s|%s|%s", ref.resource_group, ref.name, ref.subscription_id, customer);
	cr_assert_str_eq(got, c->want, "input '%s'", c->input);
}

Test(resource_id, table)
{
	size_t i, good = 0, bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(&cases[i]);
		if (cases[i].rc == 0)
			good++;
		else
			bad++;
	}
	cr_assert_geq(good, 20);
	cr_assert_geq(bad, 45);
}

Test(resource_id, too_long)
{
	size_t n = AZSREG_RESOURCE_ID_MAX + 10;
	char *s = malloc(n + 1);
	azsreg_registration_ref ref;

	memset(s, 'a', n);
	memcpy(s, "/subscriptions/" SUB "/resourceGroups/", 66);
	s[n] = '\0';
	cr_assert_eq(azsreg_resource_id_validate(s), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "too long: more than 2048 characters") != NULL, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_registration_id_parse(&ref, s), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "registration ID is too long") != NULL);
	free(s);
}

Test(resource_id, long_registration_name)
{
	char id[600];
	char name[300];
	azsreg_registration_ref ref;

	memset(name, 'n', AZSREG_NAME_MAX);
	name[AZSREG_NAME_MAX] = '\0';
	snprintf(id, sizeof(id), "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/%s", name);
	cr_assert_eq(azsreg_registration_id_parse(&ref, id), 0);
	cr_assert_eq(strlen(ref.name), AZSREG_NAME_MAX);
	snprintf(id, sizeof(id), "/subscriptions/" SUB "/resourceGroups/rg/providers/Microsoft.AzureStack/registrations/%sx", name);
	cr_assert_eq(azsreg_registration_id_parse(&ref, id), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "registration name is 261 characters long; the maximum is 260") != NULL, "%s", azsreg_error_last()->message);
}

Test(resource_id, null_outputs)
{
	char c[AZSREG_GUID_LEN + 1];
	azsreg_registration_ref ref;

	cr_assert_eq(azsreg_registration_id_parse(NULL, REG), AZSREG_EINVALID);
	cr_assert_eq(azsreg_customer_id_parse(NULL, c, CID), AZSREG_EINVALID);
	cr_assert_eq(azsreg_customer_id_parse(&ref, NULL, CID), AZSREG_EINVALID);
	cr_assert_eq(azsreg_registration_id_parse(&ref, NULL), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "registration ID is empty") != NULL);
}

Test(guid, normalize)
{
	char out[AZSREG_GUID_LEN + 1] = "keep";

	cr_assert_eq(azsreg_guid_normalize(out, "E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B", "customer subscription ID"), 0);
	cr_assert_str_eq(out, CUS);
	cr_assert_eq(azsreg_guid_normalize(out, "{" SUB "}", NULL), 0);
	cr_assert_str_eq(out, SUB);

	memcpy(out, "keep", 5);
	cr_assert_eq(azsreg_guid_normalize(out, "", "customer subscription ID"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "customer subscription ID is empty") != NULL);
	cr_assert_eq(azsreg_guid_normalize(out, NULL, "tenant ID"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "tenant ID is empty") != NULL);
	cr_assert_eq(azsreg_guid_normalize(out, "{" SUB, "x"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "braces") != NULL);
	cr_assert_eq(azsreg_guid_normalize(out, SUB "}", "x"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "it has 37 characters") != NULL);
	cr_assert_eq(azsreg_guid_normalize(out, "e09a9b3f0cfa4d38a9b06f9c4d6e1a2b", "x"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "it has 32 characters") != NULL);
	cr_assert_eq(azsreg_guid_normalize(out, "e09a9b3f-0cfa-4d38-a9b0-6f9c4d6e1a2z", "x"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "position 36 is not a hexadecimal digit") != NULL);
	cr_assert_eq(azsreg_guid_normalize(out, "contoso.onmicrosoft.com", "tenant ID"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "tenant ID 'contoso.onmicrosoft.com' is not a GUID") != NULL);
	cr_assert_str_eq(out, "keep");
	cr_assert_eq(azsreg_guid_normalize(NULL, SUB, "x"), AZSREG_EINVALID);
}

Test(resource_id, build_registration_and_customer)
{
	azsreg_registration_ref ref;
	char *id = NULL;

	memset(&ref, 0, sizeof(ref));
	memcpy(ref.subscription_id, "33333333-3333-3333-3333-33333333333A", 37);
	memcpy(ref.resource_group, "azurestack", 11);
	memcpy(ref.name, "AzureStack-sample", 18);
	cr_assert_eq(azsreg_registration_id_build(&id, &ref), 0);
	cr_assert_str_eq(id, "/subscriptions/33333333-3333-3333-3333-33333333333a/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample");
	azsreg_free(id);
	cr_assert_eq(azsreg_customer_id_build(&id, &ref, "{E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B}"), 0);
	cr_assert_str_eq(id, "/subscriptions/33333333-3333-3333-3333-33333333333a/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-sample/customerSubscriptions/" CUS);
	azsreg_free(id);

	id = (char *)"sentinel";
	cr_assert_eq(azsreg_customer_id_build(&id, &ref, "nope"), AZSREG_EINVALID);
	cr_assert_null(id);
	cr_assert(strstr(azsreg_error_last()->message, "customer subscription ID 'nope' is not a GUID") != NULL);
	memcpy(ref.resource_group, "bad/rg", 7);
	cr_assert_eq(azsreg_registration_id_build(&id, &ref), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "resource group name 'bad/rg' has an invalid character at position 4") != NULL);
	memcpy(ref.resource_group, "rg", 3);
	ref.name[0] = '\0';
	cr_assert_eq(azsreg_registration_id_build(&id, &ref), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "registration name is empty") != NULL);
	/* fuzz_resource_id found it: the builder took '.' as a name and built an ID its own
	 * parser refuses ("has a '.' segment"). */
	memcpy(ref.name, ".", 2);
	cr_assert_eq(azsreg_registration_id_build(&id, &ref), AZSREG_EINVALID);
	cr_assert_null(id);
	cr_assert_str_eq(azsreg_error_last()->message, "registration: registration name '.' is a path segment of its own, not a name");
	memcpy(ref.name, "..", 3);
	cr_assert_eq(azsreg_customer_id_build(&id, &ref, CUS), AZSREG_EINVALID);
	cr_assert_null(id);
	memcpy(ref.name, "...", 4);
	cr_assert_eq(azsreg_registration_id_build(&id, &ref), 0, "%s", azsreg_error_last()->message);
	azsreg_free(id);
	cr_assert_eq(azsreg_registration_id_build(&id, NULL), AZSREG_EINVALID);
	cr_assert_eq(azsreg_registration_id_build(NULL, &ref), AZSREG_EINVALID);
}

Test(resource_id, parse_build_roundtrip)
{
	azsreg_registration_ref ref;
	char customer[AZSREG_GUID_LEN + 1];
	char *id = NULL;

	cr_assert_eq(azsreg_customer_id_parse(&ref, customer, "subscriptions/" SUB "/resourcegroups/azurestack/providers/microsoft.azurestack/registrations/AzureStack-sample/customersubscriptions/E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B"), 0);
	cr_assert_eq(azsreg_customer_id_build(&id, &ref, customer), 0);
	cr_assert_str_eq(id, CID);
	azsreg_free(id);
}

/* issue 9, finding 8: the form every front end sends (azsreg request, New-AzureRmResource). */
Test(invalid_input, resource_id_normalize_lowercases_only_the_customer_guid)
{
	static const struct {
		const char *in, *want;
	} ok[] = {
		{ CID, CID },
		{ REG "/customerSubscriptions/E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B", CID },
		{ REG_REL "/CustomerSubscriptions/{E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B}", REG_REL "/CustomerSubscriptions/" CUS },
		{ "/subscriptions/33333333-AAAA-3333-3333-333333333333/resourceGroups/RG/providers/microsoft.azurestack/registrations/Reg/customerSubscriptions/E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B",
		  "/subscriptions/33333333-AAAA-3333-3333-333333333333/resourceGroups/RG/providers/microsoft.azurestack/registrations/Reg/customerSubscriptions/" CUS },
		{ REG, REG }, /* a registration: as given */
		{ REG "/customerSubscriptions", REG "/customerSubscriptions" },
		{ "/subscriptions/" SUB "/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1", "/subscriptions/" SUB "/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1" },
	};
	size_t i;
	char *out = (char *)"untouched";

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		out = NULL;
		cr_assert_eq(azsreg_resource_id_normalize(&out, ok[i].in), 0, "%s: %s", ok[i].in, azsreg_error_last()->message);
		cr_assert_str_eq(out, ok[i].want);
		azsreg_free(out);
	}
	out = (char *)"untouched";
	cr_assert_eq(azsreg_resource_id_normalize(&out, CID "\n"), AZSREG_EINVALID);
	cr_assert_null(out, "*out is NULL on failure");
	cr_assert(strstr(azsreg_error_last()->message, "ends with a newline") != NULL, "%s", azsreg_error_last()->message);
	cr_assert_eq(azsreg_resource_id_normalize(&out, REG "/customerSubscriptions/12345"), AZSREG_EINVALID);
	cr_assert(strstr(azsreg_error_last()->message, "customer subscription ID in the resource ID '12345' is not a GUID") != NULL, "%s", azsreg_error_last()->message);
	cr_assert_str_eq(azsreg_error_last()->target, "customerSubscriptionId");
	cr_assert_eq(azsreg_resource_id_validate(REG "/customerSubscriptions/{12345}"), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->target, "customerSubscriptionId");
	cr_assert_eq(azsreg_resource_id_validate(REG "/customerSubscriptions/" CUS "\n"), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->target, "", "not the customer GUID's fault: the whole ID");
	cr_assert_eq(azsreg_resource_id_normalize(NULL, CID), AZSREG_EINVALID);
	cr_assert_eq(azsreg_error_last()->code, AZSREG_EINVALID);
}

/* issue 9, finding 8: GUIDs and tenants are never trimmed; the message names what is around them. */
Test(invalid_input, guid_and_tenant_with_surrounding_whitespace_refused_naming_it)
{
	static const struct {
		const char *in, *want;
	} bad[] = {
		{ CUS "\n", "customer subscription ID '" CUS "\\n' ends with a newline (\\n): nothing is trimmed, remove it" },
		{ CUS "\r\n", "ends with a newline (\\n)" },
		{ CUS " ", "ends with a space: nothing is trimmed" },
		{ " " CUS, "starts with a space: nothing is trimmed" },
		{ "\t{" CUS "}", "starts with a tab" },
		{ CUS "\r", "ends with a carriage return (\\r)" },
	};
	char g[AZSREG_GUID_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(azsreg_guid_normalize(g, bad[i].in, "customer subscription ID"), AZSREG_EINVALID, "%s", bad[i].in);
		cr_assert(strstr(azsreg_error_last()->message, bad[i].want) != NULL, "message '%s' lacks '%s'", azsreg_error_last()->message, bad[i].want);
	}
	cr_assert_eq(azsreg_guid_normalize(g, "{E09A9B3F-0CFA-4D38-A9B0-6F9C4D6E1A2B}", "customer subscription ID"), 0);
	cr_assert_str_eq(g, CUS);

	cr_assert_eq(azsreg_tenant_check("contoso.onmicrosoft.com\n"), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "tenant 'contoso.onmicrosoft.com\\n' ends with a newline (\\n): nothing is trimmed, remove it");
	cr_assert_eq(azsreg_tenant_check(" " CUS), AZSREG_EINVALID);
	cr_assert_str_eq(azsreg_error_last()->message, "tenant ' " CUS "' starts with a space: nothing is trimmed, remove it");
	cr_assert_eq(azsreg_tenant_check("{" CUS "}"), 0);
	cr_assert_eq(azsreg_tenant_check("contoso.onmicrosoft.com"), 0);
}

/* issue 9, finding 8: one copy of the default public clients. */
Test(invalid_input, defaults_are_the_ones_in_the_header)
{
	cr_assert_str_eq(azsreg_default_public_client_id(), "04b07795-8ddb-461a-bbee-02f9e1bf7b46");
	cr_assert_str_eq(azsreg_default_public_client_id(), AZSREG_DEVICE_CODE_CLIENT_ID);
	cr_assert_str_eq(AZSREG_PASSWORD_CLIENT_ID, "1950a258-227b-4e31-a9cf-717495945fc2");
	cr_assert_str_eq(azsreg_default_api_version(), "2017-06-01");
	cr_assert_str_eq(azsreg_default_api_version(), AZSREG_API_VERSION);
}
