/*
 * test_capture.c — unit tests for trace_capture_verify() (pcap/capture.c):
 * the controller takes a fetched capture only if it is exactly what the
 * agent claimed (size, SHA-256, record count) and a whole, valid pcap of the
 * claimed format; each refusal says what differed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "unit.h"
#include "util.h"

static char dir[] = "/tmp/verona-test-capture-XXXXXX";

/* A nanosecond pcap of n records of len bytes each (caplen = len, wire = len + cut). */
static size_t
make_pcap(unsigned char *b, uint32_t magic, uint32_t snaplen, int n, uint32_t len, uint32_t cut)
{
	uint32_t h[6] = { magic, 2 | 4 << 16, 0, 0, snaplen, 1 };
	size_t off = sizeof h;
	memcpy(b, h, sizeof h);
	for (int i = 0; i < n; i++) {
		uint32_t r[4] = { 1700000000u + (uint32_t)i, 5, len, len + cut };
		memcpy(b + off, r, sizeof r);
		off += sizeof r;
		memset(b + off, 0x40 + i, len);
		off += len;
	}
	return off;
}

/* Writes b to a file, verifies it against a claim (sha256 NULL: the file's own); the message. */
static int
verify(const unsigned char *b, size_t n, uint64_t packets, uint64_t bytes, const char *sha256, char *err,
    size_t errlen)
{
	char *path = xasprintf("%s/c.pcap", dir), *own = sha256_hex(b, n);
	struct trace_capture_claim cl = { packets, bytes, sha256 ? sha256 : own };
	int rc;
	CHECK(file_write_atomic(path, b, n) == 0);
	err[0] = '\0';
	rc = trace_capture_verify(path, &cl, err, errlen);
	unlink(path);
	free(path);
	free(own);
	return rc;
}

static unsigned char buf[1 << 16];

UNIT_TEST(test_the_claimed_file_is_taken)
{
	char err[400];
	size_t n = make_pcap(buf, 0xa1b23c4d, 262144, 3, 60, 0);
	CHECK_INT(verify(buf, n, 3, n, NULL, err, sizeof err), 0);
	n = make_pcap(buf, 0xa1b23c4d, 262144, 0, 60, 0);	/* a capture of no packet */
	CHECK_INT(verify(buf, n, 0, n, NULL, err, sizeof err), 0);
	/* written by an agent of the other byte order: every header field swapped */
	n = make_pcap(buf, 0xa1b23c4d, 262144, 2, 60, 0);
	for (size_t off = 0; off < n; off += off == 0 ? 24 : 16 + 60)
		for (size_t k = off; k < off + (off == 0 ? 24 : 16); k += 4) {
			uint32_t v;
			memcpy(&v, buf + k, 4);
			v = __builtin_bswap32(v);
			memcpy(buf + k, &v, 4);
		}
	/* (the version's two halves swap as two 16-bit fields, not one 32-bit one) */
	{ uint16_t ver[2] = { __builtin_bswap16(2), __builtin_bswap16(4) }; memcpy(buf + 4, ver, 4); }
	CHECK_INT(verify(buf, n, 2, n, NULL, err, sizeof err), 0);
	CHECK_STR(err, "");
}

UNIT_TEST(test_a_changed_file_is_refused)
{
	char err[400], *sha;
	size_t n = make_pcap(buf, 0xa1b23c4d, 262144, 3, 60, 0);

	sha = sha256_hex(buf, n);
	/* a record appended: bigger than the agent wrote */
	size_t m = n + make_pcap(buf + n, 0xa1b23c4d, 262144, 1, 60, 0) - 24;
	memmove(buf + n, buf + n + 24, m - n);
	CHECK_INT(verify(buf, m, 3, n, sha, err, sizeof err), -1);
	CHECK(strstr(err, "bytes, the agent wrote") != NULL);
	/* one byte changed: same size, another SHA-256 */
	buf[n - 1] ^= 0xff;
	CHECK_INT(verify(buf, n, 3, n, sha, err, sizeof err), -1);
	CHECK(strncmp(err, "its SHA-256 is ", 15) == 0);
	free(sha);
	/* the hash and size claimed, but not the number of records */
	n = make_pcap(buf, 0xa1b23c4d, 262144, 3, 60, 0);
	CHECK_INT(verify(buf, n, 4, n, NULL, err, sizeof err), -1);
	CHECK_STR(err, "it holds 3 records, the agent wrote 4");
}

UNIT_TEST(test_a_file_that_is_no_valid_pcap_is_refused_even_when_its_hash_is_claimed)
{
	char err[400];
	size_t n;

	memset(buf, 'x', 1000);
	CHECK_INT(verify(buf, 1000, 0, 1000, NULL, err, sizeof err), -1);
	CHECK_STR(err, "it is not a valid capture: it does not start as a pcap file with nanosecond stamps");
	n = make_pcap(buf, 0xa1b2c3d4, 262144, 2, 60, 0);	/* microsecond stamps: not what the agent writes */
	CHECK_INT(verify(buf, n, 2, n, NULL, err, sizeof err), -1);
	CHECK(strstr(err, "does not start as a pcap file") != NULL);
	n = make_pcap(buf, 0xa1b23c4d, 0, 2, 60, 0);		/* a snaplen no capture has */
	CHECK_INT(verify(buf, n, 2, n, NULL, err, sizeof err), -1);
	CHECK_STR(err, "it is not a valid capture: its header says snaplen 0");
	n = make_pcap(buf, 0xa1b23c4d, 50, 2, 60, 0);		/* records longer than the snaplen */
	CHECK_INT(verify(buf, n, 2, n, NULL, err, sizeof err), -1);
	CHECK_STR(err, "it is not a valid capture: record 1 is not a valid record (60 bytes captured of 60, snaplen 50)");
	n = make_pcap(buf, 0xa1b23c4d, 262144, 2, 60, 0);
	CHECK_INT(verify(buf, n - 10, 2, n - 10, NULL, err, sizeof err), -1);	/* the last record cut */
	CHECK_STR(err, "it is not a valid capture: its last record is cut short");
	CHECK_INT(verify(buf, 10, 0, 10, NULL, err, sizeof err), -1);
	CHECK_STR(err, "it is not a valid capture: 10 bytes, shorter than a pcap header");
	n = make_pcap(buf, 0xa1b23c4d, 262144, 2, 60, 0);
	memcpy(buf + 24 + 12, &(uint32_t){ 10 }, 4);		/* wire length under the captured length */
	CHECK_INT(verify(buf, n, 2, n, NULL, err, sizeof err), -1);
	CHECK_STR(err, "it is not a valid capture: record 1 is not a valid record (60 bytes captured of 10, snaplen 262144)");
}

UNIT_TEST(test_a_symlink_is_not_followed)
{
	char err[400], *path = xasprintf("%s/link.pcap", dir);
	struct trace_capture_claim cl = { 0, 0, "" };
	CHECK(symlink("/etc/passwd", path) == 0);
	CHECK_INT(trace_capture_verify(path, &cl, err, sizeof err), -1);
	CHECK(strncmp(err, "cannot read ", 12) == 0);
	unlink(path);
	free(path);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 2;
	UNIT_RUN(test_the_claimed_file_is_taken);
	UNIT_RUN(test_a_changed_file_is_refused);
	UNIT_RUN(test_a_file_that_is_no_valid_pcap_is_refused_even_when_its_hash_is_claimed);
	UNIT_RUN(test_a_symlink_is_not_followed);
	rmdir(dir);
	return UNIT_END();
}
