/* azsreg-emulator: a fresh CA and server certificate (SAN 127.0.0.1, localhost), in memory.
 * With --tls-dir DIR: reuse DIR/ca.pem + DIR/server.pem + DIR/server.key when all three
 * exist, else generate them and write them there (the key file with mode 0600). */
#include "emu.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/*
 * ECDSA P-256 keys: two RSA-2048 keys took 0.5-1.5 s of CPU at every start (measured on the
 * 2-core test machine), and the test suite starts an emulator for almost every test; a
 * P-256 key takes well under a millisecond, and every client here (libcurl with OpenSSL,
 * .NET, the Windows build's static OpenSSL, GnuTLS in the server) speaks ECDSA.
 */
static EVP_PKEY *gen_key(void)
{
	return EVP_EC_gen("P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return -1;
	int rc = X509_add_ext(cert, ext, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(ext);
	return rc;
}

static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, bool ca)
{
	X509 *cert = X509_new();
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	bool ok = false;
	if (!cert)
		return NULL;
	if (RAND_bytes(serial, sizeof serial) != 1)
		goto done;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)))
		goto done;
	X509_set_version(cert, 2);
	X509_gmtime_adj(X509_getm_notBefore(cert), -300);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	X509_NAME *name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"azsreg emulator", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
	X509 *iss = issuer ? issuer : cert;
	if (ca) {
		if (add_ext(cert, iss, NID_basic_constraints, "critical,CA:TRUE") ||
		    add_ext(cert, iss, NID_key_usage, "critical,keyCertSign,cRLSign") ||
		    add_ext(cert, iss, NID_subject_key_identifier, "hash"))
			goto done;
	} else {
		if (add_ext(cert, iss, NID_basic_constraints, "critical,CA:FALSE") ||
		    add_ext(cert, iss, NID_key_usage, "critical,digitalSignature") ||
		    add_ext(cert, iss, NID_ext_key_usage, "serverAuth") ||
		    add_ext(cert, iss, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") ||
		    add_ext(cert, iss, NID_subject_key_identifier, "hash") ||
		    add_ext(cert, iss, NID_authority_key_identifier, "keyid:always"))
			goto done;
	}
	if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0)
		goto done;
	ok = true;
done:
	BN_free(bn);
	if (!ok) {
		X509_free(cert);
		cert = NULL;
	}
	return cert;
}

static char *bio_to_string(BIO *bio)
{
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);
	if (n < 0 || !data)
		return NULL;
	return emu_strndup(data, (size_t)n);
}

static char *cert_pem(X509 *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *s = NULL;
	if (bio && PEM_write_bio_X509(bio, cert) == 1)
		s = bio_to_string(bio);
	BIO_free(bio);
	return s;
}

static char *key_pem_of(EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *s = NULL;
	if (bio && PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1)
		s = bio_to_string(bio);
	BIO_free(bio);
	return s;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < 1024L * 1024 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static int write_file(const char *path, const char *data, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	size_t len = strlen(data), off = 0;
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

int emu_tls_make(const char *tls_dir, char **key_pem, char **cert_pem_out, char **ca_pem)
{
	EVP_PKEY *ca_key = NULL, *srv_key = NULL;
	X509 *ca = NULL, *srv = NULL;
	int rc = -1;
	char p_ca[4096], p_cert[4096], p_key[4096];
	*key_pem = *cert_pem_out = *ca_pem = NULL;

	if (tls_dir) {
		snprintf(p_ca, sizeof p_ca, "%s/ca.pem", tls_dir);
		snprintf(p_cert, sizeof p_cert, "%s/server.pem", tls_dir);
		snprintf(p_key, sizeof p_key, "%s/server.key", tls_dir);
		*ca_pem = read_file(p_ca);
		*cert_pem_out = read_file(p_cert);
		*key_pem = read_file(p_key);
		if (*ca_pem && *cert_pem_out && *key_pem) {
			rc = 0;
			goto done;
		}
		free(*ca_pem);
		free(*cert_pem_out);
		emu_wipe_free(*key_pem);
		*key_pem = *cert_pem_out = *ca_pem = NULL;
	}

	ca_key = gen_key();
	srv_key = gen_key();
	if (!ca_key || !srv_key)
		goto done;
	ca = make_cert(ca_key, "azsreg emulator test CA", NULL, ca_key, true);
	if (!ca)
		goto done;
	srv = make_cert(srv_key, "127.0.0.1", ca, ca_key, false);
	if (!srv)
		goto done;
	*ca_pem = cert_pem(ca);
	*cert_pem_out = cert_pem(srv);
	*key_pem = key_pem_of(srv_key);
	if (!*ca_pem || !*cert_pem_out || !*key_pem)
		goto done;
	if (tls_dir) {
		mkdir(tls_dir, 0700);
		if (write_file(p_ca, *ca_pem, 0644) || write_file(p_cert, *cert_pem_out, 0644) ||
		    write_file(p_key, *key_pem, 0600)) {
			fprintf(stderr, "azsreg-emulator: cannot write the TLS files to %s\n", tls_dir);
			goto done;
		}
	}
	rc = 0;
done:
	if (rc != 0) {
		free(*ca_pem);
		free(*cert_pem_out);
		emu_wipe_free(*key_pem);
		*key_pem = *cert_pem_out = *ca_pem = NULL;
	}
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(srv_key);
	X509_free(ca);
	X509_free(srv);
	return rc;
}
