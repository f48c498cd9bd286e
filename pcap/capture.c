/*
 * capture.c — live capture with libpcap; see capture.h.  The handle is
 * non-blocking and in immediate mode, so a pump writes exactly what the
 * kernel has, and the agent's loop calls it whenever the fd is readable.
 *
 * libpcap writes the file through a stdio stream of our own
 * (fopencookie): each buffer it flushes goes to the fd and into a SHA-256
 * in the same call, so the hash is of exactly the bytes written, never of
 * a file read back.  The SHA-256 is OpenSSL's (libcrypto): it uses the
 * CPU's SHA instructions where there are some, about 5 times libsodium's
 * speed here, which the capture needs: at line rate libsodium's hash took
 * a third of a core and the kernel dropped packets (docs/performance.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "util.h"

#define PCAP_MAGIC_NS	0xa1b23c4du	/* classic pcap, nanosecond stamps */
#define PCAP_HEADER	24u
#define PCAP_RECORD	16u

struct trace_capture {
	pcap_t			*pcap;
	pcap_dumper_t		*dump;
	int			 fd;		/* the file, written by capture_cookie_write */
	EVP_MD_CTX		*hash;		/* SHA-256 of what reached fd */
	uint64_t		 written;	/* bytes that reached fd (and the hash) */
	uint64_t		 planned;	/* header and records handed to libpcap */
	uint64_t		 budget;
	uint64_t		 packets;
	uint64_t		 unwritten;
	int			 werrno;	/* the first write that failed */
	int			 snaplen;
	struct trace_peek	*peek;		/* the packets since the last trace_capture_peek() */
	struct trace_peek	*handed;	/* what the last call handed over */
	size_t			 npeek;
	uint64_t		 peek_lost;
};

static void
capture_write(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct trace_capture *c = (struct trace_capture *)user;
	struct trace_peek *k;
	struct pcap_pkthdr shifted;

	if (time_shift_ns != 0) {	/* a test's wrong clock (verona-agent --clock-shift) */
		int64_t t = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec + time_shift_ns;
		shifted = *h;
		shifted.ts.tv_sec = (time_t)(t / 1000000000);
		shifted.ts.tv_usec = (suseconds_t)(t % 1000000000);
		h = &shifted;
	}
	if (c->budget > 0 && c->planned + PCAP_RECORD + h->caplen > c->budget) {
		c->unwritten++;		/* past the budget: counted, never written */
		return;
	}
	pcap_dump((u_char *)c->dump, h, bytes);
	c->planned += PCAP_RECORD + h->caplen;
	c->packets++;
	if (c->npeek == TRACE_PEEK_MAX) {
		c->peek_lost++;
		return;
	}
	k = &c->peek[c->npeek++];
	k->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;	/* ns precision */
	k->caplen = h->caplen < TRACE_PEEK_BYTES ? h->caplen : TRACE_PEEK_BYTES;
	k->wirelen = h->len;
	memcpy(k->data, bytes, k->caplen);
}

size_t
trace_capture_peek(struct trace_capture *c, const struct trace_peek **out, uint64_t *lost)
{
	struct trace_peek *filled = c->peek;
	size_t n = c->npeek;

	/* two arrays take turns: one is handed over, the other is written */
	c->peek = c->handed;
	c->handed = filled;
	c->npeek = 0;
	*out = filled;
	*lost = c->peek_lost;
	c->peek_lost = 0;
	return n;
}

int
trace_capture_linktype(struct trace_capture *c)
{
	return pcap_datalink(c->pcap);
}

/* The digest as 64 hex digits and a NUL into hex (65 bytes); "" if it cannot be had. */
static void
capture_hash_hex(EVP_MD_CTX *ctx, char *hex)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	hex[0] = '\0';
	if (EVP_DigestFinal_ex(ctx, h, &n) != 1 || n != 32)
		return;
	for (unsigned int i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

/* The stream's write: to the file and into the hash, byte for byte what reached the file. */
static ssize_t
capture_cookie_write(void *cookie, const char *buf, size_t n)
{
	struct trace_capture *c = cookie;
	size_t done = 0;

	while (done < n && c->werrno == 0) {
		ssize_t w = write(c->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->werrno = w < 0 ? errno : EIO;
			break;
		}
		done += (size_t)w;
	}
	if (done > 0 && EVP_DigestUpdate(c->hash, buf, done) != 1 && c->werrno == 0)
		c->werrno = EIO;	/* cannot happen with a software digest; never a silent wrong hash */
	c->written += done;
	return done > 0 || n == 0 ? (ssize_t)done : -1;
}

static int
capture_cookie_close(void *cookie)
{
	struct trace_capture *c = cookie;
	int rc = close(c->fd);
	c->fd = -1;
	return rc;
}

static void
capture_free(struct trace_capture *c)
{
	if (c->fd >= 0)
		close(c->fd);
	EVP_MD_CTX_free(c->hash);
	free(c->peek);
	free(c->handed);
	free(c);
}

struct trace_capture *
trace_capture_open(const char *iface, const char *filter, int snaplen, int bufsize,
    uint64_t budget, int fd, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct trace_capture *c = calloc(1, sizeof *c);
	struct bpf_program prog;
	int rc;

	FILE *f;
	cookie_io_functions_t io = { .write = capture_cookie_write, .close = capture_cookie_close };

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	c->fd = fd;
	if ((c->hash = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(c->hash, EVP_sha256(), NULL) != 1) {
		snprintf(err, errlen, "the capture cannot be hashed: OpenSSL has no SHA-256");
		capture_free(c);	/* closes fd */
		return NULL;
	}
	c->budget = budget;
	c->snaplen = snaplen;
	c->peek = calloc(TRACE_PEEK_MAX, sizeof *c->peek);
	c->handed = calloc(TRACE_PEEK_MAX, sizeof *c->handed);
	if (c->peek == NULL || c->handed == NULL) {
		snprintf(err, errlen, "out of memory");
		capture_free(c);
		return NULL;
	}
	if ((c->pcap = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		capture_free(c);
		return NULL;
	}
	pcap_set_snaplen(c->pcap, snaplen);
	pcap_set_promisc(c->pcap, 0);
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_buffer_size(c->pcap, bufsize);
	if (pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO) != 0) {
		snprintf(err, errlen, "capture on %s: nanosecond time stamps are not supported", iface);
		goto fail;
	}
	rc = pcap_activate(c->pcap);
	if (rc < 0) {
		snprintf(err, errlen, "capture on %s: %s", iface,
		    rc == PCAP_ERROR ? pcap_geterr(c->pcap) : pcap_statustostr(rc));
		goto fail;
	}
	if (filter != NULL && filter[0] != '\0') {
		if (pcap_compile(c->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "capture filter '%s': %s", filter, pcap_geterr(c->pcap));
			goto fail;
		}
		rc = pcap_setfilter(c->pcap, &prog);
		pcap_freecode(&prog);
		if (rc != 0) {
			snprintf(err, errlen, "capture filter '%s': %s", filter, pcap_geterr(c->pcap));
			goto fail;
		}
	}
	if (pcap_setnonblock(c->pcap, 1, ebuf) != 0) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		goto fail;
	}
	/* libpcap's packet socket stays the agent's: never a program's */
	if (pcap_get_selectable_fd(c->pcap) >= 0)
		(void)fcntl(pcap_get_selectable_fd(c->pcap), F_SETFD, FD_CLOEXEC);
	if ((f = fopencookie(c, "w", io)) == NULL) {
		snprintf(err, errlen, "capture file: %s", strerror(errno));
		goto fail;
	}
	if ((c->dump = pcap_dump_fopen(c->pcap, f)) == NULL) {
		snprintf(err, errlen, "capture file: %s", pcap_geterr(c->pcap));
		fclose(f);	/* closes fd */
		goto fail;
	}
	c->planned = PCAP_HEADER;
	return c;
fail:
	pcap_close(c->pcap);
	capture_free(c);
	return NULL;
}

int
trace_capture_probe(const char *iface, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, ebuf);
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		return -1;
	}
	pcap_set_snaplen(p, 128);
	pcap_set_buffer_size(p, 65536);
	rc = pcap_activate(p);
	if (rc < 0)
		snprintf(err, errlen, "capture on %s: %s", iface,
		    rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
	pcap_close(p);
	return rc < 0 ? -1 : 0;
}

int
trace_capture_fd(struct trace_capture *c)
{
	return pcap_get_selectable_fd(c->pcap);
}

int
trace_capture_pump(struct trace_capture *c, char *err, size_t errlen)
{
	int total = 0;
	for (;;) {
		int n = pcap_dispatch(c->pcap, -1, capture_write, (u_char *)c);
		if (n < 0) {
			snprintf(err, errlen, "capture: %s", pcap_geterr(c->pcap));
			return -1;
		}
		if (n == 0)
			return total;
		total += n;
	}
}

void
trace_capture_close(struct trace_capture *c, struct trace_capture_stats *st)
{
	struct pcap_stat ps;
	char err[256];

	(void)trace_capture_pump(c, err, sizeof err);
	memset(st, 0, sizeof *st);
	if (pcap_stats(c->pcap, &ps) == 0) {
		st->drops = ps.ps_drop;
		st->ifdrops = ps.ps_ifdrop;
	}
	st->packets = c->packets;
	st->unwritten = c->unwritten;
	st->budget = c->budget;
	st->linktype = pcap_datalink(c->pcap);
	st->snaplen = c->snaplen;
	pcap_dump_close(c->dump);	/* flushes through capture_cookie_write, closes fd */
	pcap_close(c->pcap);
	st->bytes = c->written;
	capture_hash_hex(c->hash, st->sha256);
	if (c->werrno != 0)
		snprintf(st->error, sizeof st->error, "writing the capture file failed after %llu bytes: %s",
		    (unsigned long long)c->written, strerror(c->werrno));
	else if (c->written != c->planned)
		snprintf(st->error, sizeof st->error, "the capture file has %llu bytes, %llu were written to it",
		    (unsigned long long)c->written, (unsigned long long)c->planned);
	capture_free(c);
}

/* ---- the controller's side: is the fetched file what the agent wrote? ---- */

/* A header field in the file's byte order (swap: the agent's machine is of the other order). */
static uint32_t
verify_u32(const unsigned char *p, int swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

int
trace_capture_verify(const char *path, const struct trace_capture_claim *cl, char *err, size_t errlen)
{
	enum { CHUNK = 1 << 20 };
	unsigned char *buf, head[PCAP_HEADER], rec[PCAP_RECORD];
	char hex[65];
	EVP_MD_CTX *hs;
	uint64_t size = 0, records = 0, skip = 0;	/* skip: payload bytes of the current record left */
	uint32_t snaplen = 0;
	int swap = 0;
	size_t nhead = 0, nrec = 0;
	const char *bad = NULL;
	char badbuf[160];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if ((hs = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(hs, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(hs);
		close(fd);
		snprintf(err, errlen, "cannot hash %s: OpenSSL has no SHA-256", path);
		return -1;
	}
	buf = xmalloc(CHUNK);
	while ((n = read(fd, buf, CHUNK)) != 0) {
		size_t i = 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			EVP_MD_CTX_free(hs);
			return -1;
		}
		(void)EVP_DigestUpdate(hs, buf, (size_t)n);	/* a failure leaves a hash that differs: refused */
		size += (uint64_t)n;
		/* the records, walked as the bytes come: header, then record headers and payloads */
		while (i < (size_t)n && bad == NULL) {
			if (nhead < PCAP_HEADER) {
				size_t k = PCAP_HEADER - nhead < (size_t)n - i ? PCAP_HEADER - nhead : (size_t)n - i;
				memcpy(head + nhead, buf + i, k);
				nhead += k;
				i += k;
				if (nhead == PCAP_HEADER) {
					swap = verify_u32(head, 0) == __builtin_bswap32(PCAP_MAGIC_NS);
					if (verify_u32(head, swap) != PCAP_MAGIC_NS)
						bad = "it does not start as a pcap file with nanosecond stamps";
					else if (head[4 + swap] != 2 || head[5 - swap] != 0 || head[6 + swap] != 4 ||
					    head[7 - swap] != 0)	/* major 2, minor 4: two 16-bit fields */
						bad = "its pcap version is not 2.4";
					else if ((snaplen = verify_u32(head + 16, swap)) == 0 || snaplen > 262144u) {
						snprintf(badbuf, sizeof badbuf, "its header says snaplen %u", snaplen);
						bad = badbuf;
					}
				}
			} else if (skip > 0) {
				size_t k = skip < (uint64_t)((size_t)n - i) ? (size_t)skip : (size_t)n - i;
				skip -= k;
				i += k;
			} else {
				size_t k = PCAP_RECORD - nrec < (size_t)n - i ? PCAP_RECORD - nrec : (size_t)n - i;
				memcpy(rec + nrec, buf + i, k);
				nrec += k;
				i += k;
				if (nrec == PCAP_RECORD) {
					uint32_t caplen = verify_u32(rec + 8, swap), len = verify_u32(rec + 12, swap);
					nrec = 0;
					records++;
					if (caplen > snaplen || caplen > len || verify_u32(rec + 4, swap) >= 1000000000u) {
						snprintf(badbuf, sizeof badbuf, "record %llu is not a valid record "
						    "(%u bytes captured of %u, snaplen %u)", (unsigned long long)records,
						    caplen, len, snaplen);
						bad = badbuf;
					}
					skip = caplen;
				}
			}
		}
	}
	close(fd);
	free(buf);
	capture_hash_hex(hs, hex);
	EVP_MD_CTX_free(hs);
	if (size != cl->bytes)
		snprintf(err, errlen, "it has %llu bytes, the agent wrote %llu", (unsigned long long)size,
		    (unsigned long long)cl->bytes);
	else if (cl->sha256 == NULL || strcmp(hex, cl->sha256) != 0)
		snprintf(err, errlen, "its SHA-256 is %s, the agent wrote %s", hex, cl->sha256 ? cl->sha256 : "(none said)");
	else if (bad != NULL)
		snprintf(err, errlen, "it is not a valid capture: %s", bad);
	else if (nhead < PCAP_HEADER)
		snprintf(err, errlen, "it is not a valid capture: %llu bytes, shorter than a pcap header",
		    (unsigned long long)size);
	else if (nrec != 0 || skip != 0)
		snprintf(err, errlen, "it is not a valid capture: its last record is cut short");
	else if (records != cl->packets)
		snprintf(err, errlen, "it holds %llu records, the agent wrote %llu", (unsigned long long)records,
		    (unsigned long long)cl->packets);
	else
		return 0;
	return -1;
}
