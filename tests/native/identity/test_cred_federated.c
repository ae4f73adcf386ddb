/*
 * test_cred_federated.c: the federated (workload identity) credential (cred_federated.c):
 * the assertion file is read again for every token request.
 */
#include "cred_fixture.h"

TestSuite(cred_federated, .init = cred_setup, .fini = cred_teardown);

Test(cred_federated, federated_reads_the_assertion_file_on_every_request)
{
	char path[] = "/tmp/azsreg-fed-XXXXXX";
	int fd = mkstemp(path);
	azsreg_credential *c = NULL;
	azsreg_token t;
	char v[256];
	FILE *f;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "assertion-one\n", 14), 14);
	close(fd);
	cr_assert_eq(azsreg_credential_federated_new(&c, &(azsreg_federated_options){ AZSREG_FEDERATED_OPTIONS_VERSION, TENANT, CLIENT, path }), 0);
	memset(&t, 0, sizeof(t));
	af_add(ft, 200, TOKEN_OK);
	af_add(ft, 200, TOKEN_OK);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0, "%s", azsreg_error_last()->message);
	azsreg_token__clear(&t);
	f = fopen(path, "w");
	fputs("assertion-two", f);
	fclose(f);
	cr_assert_eq(c->vt->get_token(c, &ctx, &t), 0);
	azsreg_token__clear(&t);
	/* the whole client credentials form, in order, with the assertion in place of a secret */
	cr_expect_str_eq(ft->reqs[0].body,
			 "grant_type=client_credentials&client_id=" CLIENT
			 "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
			 "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
			 "&client_assertion=assertion-one");
	cr_expect_str_eq(ft->reqs[0].url, "https://login.microsoftonline.com/" TENANT "/oauth2/v2.0/token");
	cr_expect_str_eq(form_value(ft->reqs[0].body, "client_assertion", v, sizeof(v)), "assertion-one");
	cr_expect_str_eq(form_value(ft->reqs[1].body, "client_assertion", v, sizeof(v)), "assertion-two");
	cr_expect_str_eq(form_value(ft->reqs[1].body, "client_assertion_type", v, sizeof(v)),
			 "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer");
	f = fopen(path, "w");
	fclose(f);
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, path) != NULL);
	cr_expect(strstr(azsreg_error_last()->message, "empty") != NULL);
	unlink(path);
	cr_expect_eq(c->vt->get_token(c, &ctx, &t), AZSREG_EAUTH);
	cr_expect(strstr(azsreg_error_last()->message, path) != NULL);
	cr_expect_eq(ft->nreqs, 2);
	azsreg_credential_free(c);
}
