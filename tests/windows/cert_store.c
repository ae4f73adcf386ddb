/*
 * cert_store.c: puts a CA certificate into, or takes it out of, the local machine's
 * "Root" certificate store, as an operator would with Import-Certificate or certutil
 * (neither exists under Wine). tests/windows/run.sh uses it to check that azsreg.exe
 * trusts the Windows store when no CA file is given.
 *   cert_store add <ca.pem>     exit 0 when the certificate is in the store afterwards
 *   cert_store remove <ca.pem>  exit 0 when it is not in the store afterwards
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv);

static BYTE *read_file(const char *path, DWORD *len)
{
	FILE *f = fopen(path, "rb");
	BYTE *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 1048576 && fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n + 1);
		if (data != NULL && fread(data, 1, (size_t)n, f) == (size_t)n) {
			data[n] = 0;
			*len = (DWORD)n;
		} else {
			free(data);
			data = NULL;
		}
	}
	fclose(f);
	return data;
}

int main(int argc, char **argv)
{
	BYTE *pem = NULL, *der = NULL;
	DWORD pem_len = 0, der_len = 0;
	HCERTSTORE store = NULL;
	PCCERT_CONTEXT cert = NULL, found = NULL;
	int add, rc = 1;

	if (argc != 3 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "remove") != 0)) {
		fputs("usage: cert_store add|remove <ca.pem>\n", stderr);
		return 2;
	}
	add = strcmp(argv[1], "add") == 0;
	pem = read_file(argv[2], &pem_len);
	if (pem == NULL) {
		fprintf(stderr, "cert_store: cannot read %s\n", argv[2]);
		goto done;
	}
	if (!CryptStringToBinaryA((LPCSTR)pem, pem_len, CRYPT_STRING_BASE64HEADER, NULL, &der_len, NULL, NULL) ||
	    (der = malloc(der_len)) == NULL ||
	    !CryptStringToBinaryA((LPCSTR)pem, pem_len, CRYPT_STRING_BASE64HEADER, der, &der_len, NULL, NULL)) {
		fprintf(stderr, "cert_store: %s is not a PEM certificate\n", argv[2]);
		goto done;
	}
	cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, der_len);
	if (cert == NULL) {
		fprintf(stderr, "cert_store: %s does not hold a certificate (0x%lx)\n", argv[2], (unsigned long)GetLastError());
		goto done;
	}
	store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"Root");
	if (store == NULL) {
		fprintf(stderr, "cert_store: cannot open LocalMachine\\Root (0x%lx)\n", (unsigned long)GetLastError());
		goto done;
	}
	if (add) {
		if (!CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING, NULL)) {
			fprintf(stderr, "cert_store: adding failed (0x%lx)\n", (unsigned long)GetLastError());
			goto done;
		}
	} else {
		found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, NULL);
		if (found != NULL && !CertDeleteCertificateFromStore(found)) { /* frees found */
			fprintf(stderr, "cert_store: removing failed (0x%lx)\n", (unsigned long)GetLastError());
			found = NULL;
			goto done;
		}
		found = NULL;
	}
	/* Write the change to the registry now (Wine otherwise kept deletions in memory). */
	(void)CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL);
	found = CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_EXISTING, cert, NULL);
	rc = (found != NULL) == add ? 0 : 1;
	printf("cert_store: %s %s LocalMachine\\Root\n", argv[2], found != NULL ? "is in" : "is not in");
done:
	if (found != NULL)
		CertFreeCertificateContext(found);
	if (cert != NULL)
		CertFreeCertificateContext(cert);
	if (store != NULL)
		CertCloseStore(store, 0);
	free(der);
	free(pem);
	return rc;
}
