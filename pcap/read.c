/*
 * read.c — reading capture files for the trace library: pcap (microsecond
 * or nanosecond) and pcapng through libpcap, stamps asked for in
 * nanoseconds, each packet dissected as it is read.
 *
 * A classic pcap file (version 2.4) that is a regular file is read through
 * mmap: each record is dissected where it lies in the page cache, with no
 * read(2), copy or stdio call per packet, and the pages behind are let go
 * so the resident size stays bounded.  At the first record that is not
 * plain (cut short, caplen beyond the file's snaplen, a header at the very
 * end), the file goes to libpcap from that record on, so damaged files get
 * libpcap's own answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "trace.h"

#define READ_RELEASE	(8u << 20)	/* bytes read before their pages are let go */

struct trace_reader {
	pcap_t	*pcap;
	int	 linktype;
	/* the mmap path; map NULL when libpcap reads */
	const uint8_t *map;
	size_t	 maplen, off, released;
	int	 swap, nano;
	uint32_t snaplen;
};

static uint32_t
read_u32(const uint8_t *p, int swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static void
read_unmap(struct trace_reader *r)
{
	if (r->map != NULL)
		munmap((void *)r->map, r->maplen);
	r->map = NULL;
}

/* Maps a classic pcap file when it is a regular file; otherwise libpcap reads it all. */
static void
read_map(struct trace_reader *r, const char *path)
{
	FILE *f = pcap_file(r->pcap);
	struct stat st;
	uint32_t magic, version;
	void *m;

	if (f == NULL || strcmp(path, "-") == 0 || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 24 || (uint64_t)st.st_size > SIZE_MAX)
		return;
	if ((m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0)) == MAP_FAILED)
		return;
	r->map = m;
	r->maplen = (size_t)st.st_size;
	memcpy(&magic, r->map, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		r->swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		r->swap = 1;
	else {
		read_unmap(r);		/* pcapng, or a variant libpcap knows better */
		return;
	}
	r->nano = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
	/* major 2, minor 4, in the file's byte order */
	version = r->swap ? (uint32_t)r->map[4] << 8 | r->map[5] | (uint32_t)r->map[6] << 24 | (uint32_t)r->map[7] << 16 :
	    (uint32_t)r->map[5] << 8 | r->map[4] | (uint32_t)r->map[7] << 24 | (uint32_t)r->map[6] << 16;
	if (version != (4u << 16 | 2u)) {
		read_unmap(r);
		return;
	}
	r->snaplen = (uint32_t)pcap_snapshot(r->pcap);
	r->off = r->released = 24;
	(void)madvise((void *)r->map, r->maplen, MADV_SEQUENTIAL);
}

/* From record offset r->off on, libpcap reads. */
static void
read_handover(struct trace_reader *r)
{
	FILE *f = pcap_file(r->pcap);
	if (f != NULL)
		(void)fseeko(f, (off_t)r->off, SEEK_SET);	/* a regular file: cannot fail */
	read_unmap(r);
}

struct trace_reader *
trace_open(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct trace_reader *r;
	pcap_t *pc;

	ebuf[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (pc == NULL) {
		if (errlen > 0)
			snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf : "cannot read the capture");
		return NULL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		pcap_close(pc);
		if (errlen > 0)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->pcap = pc;
	r->linktype = pcap_datalink(pc);
	read_map(r, path);
	return r;
}

/* Seconds and nanoseconds as nanoseconds since the epoch, clamped to int64. */
static int64_t
read_ts_ns(const struct timeval *tv)
{
	int64_t sec = (int64_t)tv->tv_sec, ns;

	if (__builtin_mul_overflow(sec, (int64_t)1000000000, &ns) ||
	    __builtin_add_overflow(ns, (int64_t)tv->tv_usec, &ns))
		return sec < 0 ? INT64_MIN : INT64_MAX;
	return ns;
}

int
trace_next(struct trace_reader *r, struct trace_pkt *p, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (r->map != NULL) {
		const uint8_t *rec = r->map + r->off;
		if (r->off == r->maplen) {
			read_unmap(r);
			return 0;
		}
		if (r->maplen - r->off >= 16) {
			uint32_t caplen = read_u32(rec + 8, r->swap), len = read_u32(rec + 12, r->swap);
			if (caplen <= r->snaplen && caplen <= 262144 && r->maplen - r->off - 16 >= caplen) {
				struct timeval tv;
				int32_t frac = (int32_t)read_u32(rec + 4, r->swap);
				tv.tv_sec = (int32_t)read_u32(rec, r->swap);
				tv.tv_usec = r->nano ? frac : (suseconds_t)frac * 1000;
				trace_dissect(r->linktype, rec + 16, caplen, len, read_ts_ns(&tv), p);
				r->off += 16 + (size_t)caplen;
				if (r->off - r->released >= READ_RELEASE) {
					size_t from = r->released & ~(size_t)4095, to = r->off & ~(size_t)4095;
					(void)madvise((void *)(r->map + from), to - from, MADV_DONTNEED);
					r->released = to;
				}
				return 1;
			}
		}
		read_handover(r);
	}
	rc = pcap_next_ex(r->pcap, &h, &data);
	switch (rc) {
	case 1:
		/* libpcap never hands more than caplen; a record claiming less on the wire is believed */
		trace_dissect(r->linktype, data, h->caplen, h->len, read_ts_ns(&h->ts), p);
		return 1;
	case PCAP_ERROR_BREAK:		/* -2: the end of the file */
		return 0;
	default:
		if (errlen > 0)
			snprintf(err, errlen, "%s", rc == PCAP_ERROR ? pcap_geterr(r->pcap) :
			    "unexpected answer from libpcap");
		return -1;
	}
}

int
trace_linktype(const struct trace_reader *r)
{
	return r->linktype;
}

void
trace_close(struct trace_reader *r)
{
	if (r == NULL)
		return;
	read_unmap(r);
	pcap_close(r->pcap);
	free(r);
}
