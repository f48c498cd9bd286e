/*
 * clocks.c — the hosts' clocks corrected from their captures; see clocks.h.
 *
 * A packet that two hosts captured, one sending it and one receiving it,
 * bounds their clocks' difference: on the time line of the estimate it was
 * received d = delay + e after it was sent, where delay >= 0 and e is how far
 * the receiver's estimated clock leads the sender's.  The smallest d of each
 * direction gives e as NTP does from its four stamps:
 *
 *	e(i over j) = (min d(j -> i) - min d(i -> j)) / 2
 *
 * (right to within half the difference of the two directions' shortest
 * delays: microseconds on a LAN, against the control channel's round trip of
 * a loaded machine).  With one direction only, e <= min d(j -> i) is all
 * that is known: a packet is never received before it was sent.  The
 * correction is not bounded by the control channel's estimate of its own
 * error: that bound holds at hello only, and clocks drift (100 ppm is 6 ms a
 * minute).  Two directions whose shortest delays add up to less than nothing
 * (a clock that jumped) correct nothing.  The corrections are read off a tree
 * from the host whose clock is best known.
 */
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "clocks.h"
#include "dissect.h"
#include "util.h"

/* packets of each capture looked at: enough for any handshake, bounded for a bulk transfer */
#define CLOCKS_PACKETS_MAX	65536
#define CLOCKS_PAYLOAD_HASHED	64
#define CLOCKS_NONE		INT64_MAX

struct clocks_pkt {
	uint64_t	 fp;		/* what the packet is, wherever it was captured */
	int64_t		 ts;		/* on the estimate's time line */
	int		 peer;		/* received: the input that sent it; sent: -1 */
};

struct clocks_input {
	struct clocks_pkt	*v;
	size_t			 n;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * What a packet is, from fields that no hop or offload changes (not its
 * link header, TTL or checksums): addresses, transport header fields and
 * the first bytes of its payload.  0: not fingerprinted (not IP, or a part
 * the dissector could not read).
 */
static uint64_t
clocks_fingerprint(const struct trace_pkt *p, const uint8_t *data)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	uint32_t off, n;

	if (p->ip_version == 0 || p->status != TRACE_OK || p->fragment)
		return 0;
	h = fnv(h, &p->ip_version, sizeof p->ip_version);
	h = fnv(h, p->src, sizeof p->src);
	h = fnv(h, p->dst, sizeof p->dst);
	h = fnv(h, &p->proto, 1);
	h = fnv(h, &p->ip_len, sizeof p->ip_len);
	h = fnv(h, &p->sport, 2);
	h = fnv(h, &p->dport, 2);
	if (p->proto == 6) {
		h = fnv(h, &p->seq, 4);
		h = fnv(h, &p->ack, 4);
		h = fnv(h, &p->flags, 1);
		h = fnv(h, &p->win, 2);
		h = fnv(h, &p->tsval, 4);
		h = fnv(h, &p->tsecr, 4);
	}
	h = fnv(h, &p->icmp_type, 1);
	h = fnv(h, &p->icmp_code, 1);
	off = p->link_len + p->ip_hdr_len + p->transport_hdr_len;
	if (off < p->caplen) {
		n = p->caplen - off;
		h = fnv(h, data + off, n < CLOCKS_PAYLOAD_HASHED ? n : CLOCKS_PAYLOAD_HASHED);
	}
	return h ? h : 1;
}

static int
clocks_pkt_cmp(const void *a, const void *b)
{
	const struct clocks_pkt *x = a, *y = b;
	return x->fp < y->fp ? -1 : x->fp > y->fp;
}

/* Reads an input's first packets: those it sent (peer -1) and those a captured host sent it. */
static int
clocks_read(const struct trace_merge_input *in, size_t n, size_t me, const char *const *addr,
    struct clocks_input *ci, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE], src[64];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(in[me].path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	size_t seen = 0;
	int rc;

	if (pc == NULL) {
		snprintf(err, errlen, "%s: %s", in[me].path, ebuf);
		return -1;
	}
	ci->v = xcalloc(CLOCKS_PACKETS_MAX, sizeof *ci->v);
	while (ci->n < CLOCKS_PACKETS_MAX && seen++ < 4 * CLOCKS_PACKETS_MAX && (rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
		struct trace_pkt p;
		int64_t ts = (int64_t)hdr->ts.tv_sec * 1000000000 + hdr->ts.tv_usec - in[me].offset_ns;
		memset(&p, 0, sizeof p);
		trace_dissect(pcap_datalink(pc), data, hdr->caplen, hdr->len, ts, &p);
		uint64_t fp = clocks_fingerprint(&p, data);
		if (fp == 0)
			continue;
		trace_addr_text(p.ip_version, p.src, src, sizeof src);
		int from = -1;
		for (size_t i = 0; i < n && from < 0; i++)
			if (strcmp(src, addr[i]) == 0)
				from = (int)i;
		if (from < 0)
			continue;	/* from no captured host: it bounds nothing */
		ci->v[ci->n++] = (struct clocks_pkt){ fp, ts, (size_t)from == me ? -1 : from };
	}
	pcap_close(pc);
	return 0;
}

/* The time input sent the packet fp, or CLOCKS_NONE: not among the packets read, or sent twice alike. */
static int64_t
clocks_sent_at(const struct clocks_input *sent, uint64_t fp)
{
	size_t lo = 0, hi = sent->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sent->v[mid].fp < fp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= sent->n || sent->v[lo].fp != fp || (lo + 1 < sent->n && sent->v[lo + 1].fp == fp))
		return CLOCKS_NONE;
	return sent->v[lo].ts;
}

/* e[i * n + j]: how far i's clock leads j's, or CLOCKS_NONE: nothing known. */
static void
clocks_pairs(const struct trace_merge_input *in, size_t n, struct clocks_input *sent, struct clocks_input *recv,
    int64_t *e)
{
	int64_t *mind = xcalloc(n * n, sizeof *mind);	/* mind[j * n + i]: shortest j -> i */

	for (size_t k = 0; k < n * n; k++)
		mind[k] = CLOCKS_NONE;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < recv[i].n; k++) {
			const struct clocks_pkt *p = &recv[i].v[k];
			int64_t t = clocks_sent_at(&sent[p->peer], p->fp), *m = &mind[(size_t)p->peer * n + i];
			if (t != CLOCKS_NONE && (*m == CLOCKS_NONE || p->ts - t < *m))
				*m = p->ts - t;
		}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int64_t in_ = mind[j * n + i], out = mind[i * n + j];
			e[i * n + j] = CLOCKS_NONE;
			if (i == j || (in[i].uncertainty_ns == 0 && in[j].uncertainty_ns == 0))
				continue;	/* the same clock: nothing to correct */
			if (in_ != CLOCKS_NONE && out != CLOCKS_NONE) {
				if (in_ + out >= 0)	/* else a round trip shorter than nothing: the clocks jumped */
					e[i * n + j] = (in_ - out) / 2;
			} else if (in_ != CLOCKS_NONE && in_ < 0)
				e[i * n + j] = in_;	/* i received it before j sent it: i leads by that much at least */
			else if (out != CLOCKS_NONE && out < 0)
				e[i * n + j] = -out;
		}
	free(mind);
}

int
trace_clocks_correct(const struct trace_merge_input *in, size_t n, const char *const *addr, int64_t *correction_ns,
    char *err, size_t errlen)
{
	struct clocks_input *sent = xcalloc(n ? n : 1, sizeof *sent), *recv = xcalloc(n ? n : 1, sizeof *recv);
	int64_t *e = xcalloc(n * n + 1, sizeof *e);
	int *done = xcalloc(n + 1, sizeof *done), rc = -1;
	size_t *queue = xcalloc(n + 1, sizeof *queue);

	for (size_t i = 0; i < n; i++) {
		struct clocks_input all = { 0 };
		correction_ns[i] = 0;
		if (clocks_read(in, n, i, addr, &all, err, errlen) != 0)
			goto out;
		sent[i].v = xcalloc(all.n + 1, sizeof *sent[i].v);
		recv[i].v = xcalloc(all.n + 1, sizeof *recv[i].v);
		for (size_t k = 0; k < all.n; k++)
			if (all.v[k].peer < 0)
				sent[i].v[sent[i].n++] = all.v[k];
			else
				recv[i].v[recv[i].n++] = all.v[k];
		free(all.v);
		qsort(sent[i].v, sent[i].n, sizeof *sent[i].v, clocks_pkt_cmp);
	}
	clocks_pairs(in, n, sent, recv, e);
	/* from the best-known clock of each group of hosts that exchanged packets, outward */
	for (;;) {
		size_t root = n, head = 0, tail = 0;
		for (size_t i = 0; i < n; i++)
			if (!done[i] && (root == n || in[i].uncertainty_ns < in[root].uncertainty_ns))
				root = i;
		if (root == n)
			break;
		done[root] = 1;
		queue[tail++] = root;
		while (head < tail) {
			size_t j = queue[head++];
			for (size_t i = 0; i < n; i++)
				if (!done[i] && e[i * n + j] != CLOCKS_NONE) {
					correction_ns[i] = correction_ns[j] + e[i * n + j];
					done[i] = 1;
					queue[tail++] = i;
				}
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++) {
		free(sent[i].v);
		free(recv[i].v);
	}
	free(sent);
	free(recv);
	free(e);
	free(done);
	free(queue);
	return rc;
}
