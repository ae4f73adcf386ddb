/*
 * libFuzzer target: base64url (util.c). Bytes encode to base64url without padding that
 * decodes back to the same bytes; any text that decodes re-encodes to itself (without
 * its '=' padding) unless its last character carries unused bits.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	azsreg_buf enc = AZSREG_BUF_INIT, dec = AZSREG_BUF_INIT, re = AZSREG_BUF_INIT, std = AZSREG_BUF_INIT;
	size_t i;
	int rc;

	/* bytes -> text -> bytes */
	rc = azsreg_base64url__encode(&enc, data, size);
	FUZZ_CHECK(rc == AZSREG_OK && enc.ptr != NULL, "encode failed");
	FUZZ_CHECK(enc.size == (size * 4 + 2) / 3, "encoded length %zu for %zu bytes", enc.size, size);
	for (i = 0; i < enc.size; i++)
		FUZZ_CHECK(enc.ptr[i] != '=' && enc.ptr[i] != '+' && enc.ptr[i] != '/', "not base64url");
	rc = azsreg_base64url__decode(&dec, enc.ptr, enc.size);
	FUZZ_CHECK(rc == AZSREG_OK && dec.size == size && memcmp(dec.ptr, data, size) == 0, "round trip lost bytes");
	rc = azsreg_base64__encode(&std, data, size);
	FUZZ_CHECK(rc == AZSREG_OK && std.size == (size + 2) / 3 * 4, "standard base64 length");
	azsreg_buf__clear(&dec);

	/* text -> bytes -> text */
	rc = azsreg_base64url__decode(&dec, (const char *)data, size);
	fuzz_check_error(rc);
	if (rc == AZSREG_OK) {
		size_t n = size;
		while (n > 0 && size - n < 2 && data[n - 1] == '=')
			n--;
		FUZZ_CHECK(dec.size == n * 3 / 4, "decoded %zu bytes from %zu characters", dec.size, n);
		rc = azsreg_base64url__encode(&re, (const unsigned char *)dec.ptr, dec.size);
		FUZZ_CHECK(rc == AZSREG_OK && re.size == n, "re-encoded length %zu, %zu characters", re.size, n);
		FUZZ_CHECK(n == 0 || memcmp(re.ptr, data, n - 1) == 0, "re-encoded text differs before the last character");
	}
	azsreg_buf__free(&enc);
	azsreg_buf__free(&dec);
	azsreg_buf__free(&re);
	azsreg_buf__free(&std);
	return 0;
}
