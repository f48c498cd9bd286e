/*
 * merge.c — k-way merge of capture files into pcapng with per-packet
 * comments; see merge.h.  The pcapng blocks written (all in this host's byte
 * order, which the section header's magic announces):
 *
 *   Section Header   0x0A0D0D0A  len  0x1A2B3C4D  1 0  -1 (u64)  [options]  len
 *   Interface Desc.  0x00000001  len  linktype(u16) 0(u16) snaplen  if_name(2)
 *                                     if_tsresol(9)=9  opt_end  len
 *   Enhanced Packet  0x00000006  len  ifid  ts_hi  ts_lo  caplen  origlen
 *                                     data (padded to 4)  opt_comment(1)  opt_end  len
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "merge.h"
#include "util.h"

static void
put32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, 4);
}

static void
put16(struct buf *b, uint16_t v)
{
	buf_add(b, &v, 2);
}

static void
pad4(struct buf *b)
{
	static const uint8_t zero[4];
	size_t n = (4 - b->len % 4) % 4;
	buf_add(b, zero, n);
}

static void
put_option(struct buf *b, uint16_t code, const void *p, size_t n)
{
	if (n > 65535)		/* an option's length is 16 bits */
		n = 65535;
	put16(b, code);
	put16(b, (uint16_t)n);
	buf_add(b, p, n);
	pad4(b);
}

/* Ends a block whose type was written at offset start: the total length, twice. */
static void
block_end(struct buf *b, size_t start)
{
	uint32_t len = (uint32_t)(b->len - start + 4);
	memcpy(b->data + start + 4, &len, 4);
	put32(b, len);
}

static size_t
block_begin(struct buf *b, uint32_t type)
{
	size_t start = b->len;
	put32(b, type);
	put32(b, 0);		/* length, filled by block_end */
	return start;
}

static int
flush(FILE *f, struct buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, f) != b->len)
		return -1;
	b->len = 0;
	return 0;
}

struct merge_src {
	pcap_t			*pcap;
	struct pcap_pkthdr	*hdr;
	const u_char		*data;
	int			 have;
	int			 nano;
	int64_t			 offset_ns;
};

static int
src_advance(struct merge_src *s, char *err, size_t errlen, const char *path)
{
	int rc = pcap_next_ex(s->pcap, &s->hdr, &s->data);
	if (rc == 1) {
		s->have = 1;
		return 0;
	}
	s->have = 0;
	if (rc == PCAP_ERROR_BREAK || rc == -2)
		return 0;
	snprintf(err, errlen, "%s: %s", path, pcap_geterr(s->pcap));
	return -1;
}

static int64_t
src_ts(const struct merge_src *s)
{
	return (int64_t)s->hdr->ts.tv_sec * 1000000000 + (int64_t)s->hdr->ts.tv_usec - s->offset_ns;
}

int
trace_merge(const struct trace_merge_input *in, size_t n, const struct trace_merge_step *steps,
    size_t nsteps, int out_dirfd, const char *out_path, trace_merge_visit visit, void *arg, char *err, size_t errlen)
{
	struct merge_src *src = xcalloc(n ? n : 1, sizeof *src);
	struct buf b;
	FILE *f = NULL;
	char *tmp = NULL;
	int rc = -1;
	size_t step = 0;
	int cur = -1;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		char ebuf[PCAP_ERRBUF_SIZE];
		src[i].offset_ns = in[i].offset_ns;
		src[i].pcap = pcap_open_offline_with_tstamp_precision(in[i].path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
		if (src[i].pcap == NULL) {
			snprintf(err, errlen, "%s: %s", in[i].path, ebuf);
			goto out;
		}
		if (src_advance(&src[i], err, errlen, in[i].path) != 0)
			goto out;
	}
	if (out_path != NULL) {
		tmp = xasprintf("%s.tmp.%ld", out_path, (long)getpid());
		int fd = file_create_at(out_dirfd, tmp);
		if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlinkat(out_dirfd, tmp, 0);
			}
			goto out;
		}
		size_t s = block_begin(&b, 0x0A0D0D0A);
		put32(&b, 0x1A2B3C4D);
		put16(&b, 1);
		put16(&b, 0);
		put32(&b, 0xFFFFFFFF);
		put32(&b, 0xFFFFFFFF);
		static const char app[] = "verona " VERONA_VERSION;
		put_option(&b, 4, app, sizeof app - 1);	/* shb_userappl */
		put32(&b, 0);				/* opt_endofopt */
		block_end(&b, s);
		for (size_t i = 0; i < n; i++) {
			const uint8_t tsresol = 9;
			s = block_begin(&b, 1);
			put16(&b, (uint16_t)pcap_datalink(src[i].pcap));
			put16(&b, 0);
			put32(&b, (uint32_t)pcap_snapshot(src[i].pcap));
			put_option(&b, 2, in[i].name, strlen(in[i].name));
			put_option(&b, 9, &tsresol, 1);
			put32(&b, 0);
			block_end(&b, s);
		}
	}
	for (;;) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (src[i].have && (best == n || src_ts(&src[i]) < src_ts(&src[best])))
				best = i;
		if (best == n)
			break;
		struct merge_src *m = &src[best];
		int64_t ts = src_ts(m);
		while (step < nsteps && steps[step].start_ns <= ts)
			cur = (int)step++;
		int keep = visit == NULL ||
		    visit(arg, best, cur, ts, pcap_datalink(m->pcap), m->data, m->hdr->caplen, m->hdr->len);
		if (f != NULL && keep) {
			size_t s = block_begin(&b, 6);
			put32(&b, (uint32_t)best);
			put32(&b, (uint32_t)((uint64_t)ts >> 32));
			put32(&b, (uint32_t)ts);
			put32(&b, m->hdr->caplen);
			put32(&b, m->hdr->len);
			buf_add(&b, m->data, m->hdr->caplen);
			pad4(&b);
			if (cur >= 0 && steps[cur].comment != NULL)
				put_option(&b, 1, steps[cur].comment, strlen(steps[cur].comment));
			put32(&b, 0);
			block_end(&b, s);
			if (b.len > (1 << 20) && flush(f, &b) != 0) {
				snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
				goto out;
			}
		}
		if (src_advance(m, err, errlen, in[best].path) != 0)
			goto out;
	}
	if (f != NULL) {
		if (flush(f, &b) != 0 || fflush(f) != 0 || fsync(fileno(f)) != 0) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		fclose(f);
		f = NULL;
		if (renameat(out_dirfd, tmp, out_dirfd, out_path) != 0) {
			snprintf(err, errlen, "%s: %s", out_path, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (f != NULL) {
		fclose(f);
		unlinkat(out_dirfd, tmp, 0);
	}
	free(tmp);
	for (size_t i = 0; i < n; i++)
		if (src[i].pcap != NULL)
			pcap_close(src[i].pcap);
	free(src);
	buf_free(&b);
	return rc;
}
