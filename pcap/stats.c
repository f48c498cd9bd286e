/*
 * stats.c — per-flow statistics over a whole capture, for `verona stats`:
 * packets, payload bytes, header bytes per layer and bytes on the wire for
 * each direction of each TCP or UDP flow, TCP handshake and teardown
 * packets, and the packets that belong to no flow.
 *
 * Flows are found through one open-addressing hash table (linear probing,
 * grown at half full) whose keys are the protocol and the two endpoints in
 * a fixed order, so both directions find the same flow.  The same table
 * maps (protocol, source, destination) to the flow of the last first
 * fragment between them, so later fragments (no ports) are counted there.
 * Memory grows with the number of flows, never with the payload.
 */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

#define STATS_TCP	6
#define STATS_UDP	17
#define STATS_ICMP	1
#define STATS_ICMPV6	58
#define STATS_KEYLEN	40	/* kind, version, proto, pad, 2 x (address 16, port 2) */
#define STATS_KIND_FLOW	1
#define STATS_KIND_FRAG	2

struct stats_entry {
	uint8_t		 key[STATS_KEYLEN];
	uint64_t	 hash;
	uint32_t	 value;		/* an index into flows */
};

/* What stats.c keeps per TCP flow to recognise handshake and teardown. */
struct stats_tcp {
	int		 initiator_known;
	int		 synack_seen;
	uint32_t	 synack_seq;
	int		 handshake_done;
	int		 fin_seen[2];
	uint32_t	 fin_end[2];	/* the sequence number after the FIN */
	int		 fin_acked[2];
	int		 rst_seen;
};

struct trace_stats_index {
	struct stats_entry *entries;
	size_t		 nentries, entries_cap;
	uint32_t	*slots;		/* an entry index + 1; 0 is empty */
	size_t		 nslots;	/* a power of two */
	struct stats_tcp *tcp;		/* parallel to flows */
	size_t		 flows_cap;
};

/* The key's five 64-bit words, each mixed in by a multiply, then a final mix so low bits spread. */
static uint64_t
stats_hash(const uint8_t *key)
{
	uint64_t h = 0xcbf29ce484222325ull, w;

	for (size_t i = 0; i < STATS_KEYLEN; i += 8) {
		memcpy(&w, key + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static void
stats_key(uint8_t *key, int kind, int version, uint8_t proto, const uint8_t *a, uint16_t aport,
    const uint8_t *b, uint16_t bport)
{
	memset(key, 0, STATS_KEYLEN);
	key[0] = (uint8_t)kind;
	key[1] = (uint8_t)version;
	key[2] = proto;
	memcpy(key + 4, a, 16);
	key[20] = (uint8_t)(aport >> 8);
	key[21] = (uint8_t)aport;
	memcpy(key + 22, b, 16);
	key[38] = (uint8_t)(bport >> 8);
	key[39] = (uint8_t)bport;
}

/* Compares two endpoints, for the fixed order of a flow's key. */
static int
stats_endpoint_cmp(int version, const uint8_t *a, uint16_t aport, const uint8_t *b, uint16_t bport)
{
	int c = memcmp(a, b, version == 4 ? 4 : 16);

	if (c != 0)
		return c;
	return aport < bport ? -1 : aport > bport;
}

/* The slot that holds key, or the empty slot where it would go. */
static size_t
stats_slot(const struct trace_stats_index *ix, const uint8_t *key, uint64_t hash)
{
	size_t mask = ix->nslots - 1, i = (size_t)hash & mask;

	for (;;) {
		uint32_t e = ix->slots[i];
		if (e == 0)
			return i;
		if (ix->entries[e - 1].hash == hash && memcmp(ix->entries[e - 1].key, key,
		    STATS_KEYLEN) == 0)
			return i;
		i = (i + 1) & mask;
	}
}

static int
stats_grow_slots(struct trace_stats_index *ix)
{
	size_t n = ix->nslots ? ix->nslots * 2 : 1024;
	uint32_t *slots = calloc(n, sizeof *slots);

	if (slots == NULL)
		return -1;
	free(ix->slots);
	ix->slots = slots;
	ix->nslots = n;
	for (size_t e = 0; e < ix->nentries; e++) {
		size_t i = (size_t)ix->entries[e].hash & (n - 1);
		while (slots[i] != 0)
			i = (i + 1) & (n - 1);
		slots[i] = (uint32_t)(e + 1);
	}
	return 0;
}

/* The entry for key, or NULL. */
static struct stats_entry *
stats_lookup(struct trace_stats_index *ix, const uint8_t *key)
{
	uint64_t hash = stats_hash(key);
	uint32_t e;

	if (ix->nslots == 0)
		return NULL;
	e = ix->slots[stats_slot(ix, key, hash)];
	return e != 0 ? &ix->entries[e - 1] : NULL;
}

/* Sets key to value, adding the entry if need be: 0, or -1 out of memory. */
static int
stats_insert(struct trace_stats_index *ix, const uint8_t *key, uint32_t value)
{
	uint64_t hash = stats_hash(key);
	struct stats_entry *entries;
	size_t i;

	if ((ix->nentries + 1) * 2 > ix->nslots && stats_grow_slots(ix) != 0)
		return -1;
	i = stats_slot(ix, key, hash);
	if (ix->slots[i] != 0) {
		ix->entries[ix->slots[i] - 1].value = value;
		return 0;
	}
	if (ix->nentries == ix->entries_cap) {
		size_t cap = ix->entries_cap ? ix->entries_cap * 2 : 512;
		if (cap > UINT32_MAX - 1 || (entries = realloc(ix->entries, cap * sizeof *entries)) == NULL)
			return -1;
		ix->entries = entries;
		ix->entries_cap = cap;
	}
	memcpy(ix->entries[ix->nentries].key, key, STATS_KEYLEN);
	ix->entries[ix->nentries].hash = hash;
	ix->entries[ix->nentries].value = value;
	ix->slots[i] = (uint32_t)(++ix->nentries);
	return 0;
}

struct trace_stats *
trace_stats_new(void)
{
	struct trace_stats *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	if ((s->index = calloc(1, sizeof *s->index)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
trace_stats_free(struct trace_stats *s)
{
	if (s == NULL)
		return;
	free(s->index->entries);
	free(s->index->slots);
	free(s->index->tcp);
	free(s->index);
	free(s->flows);
	free(s);
}

void
trace_stats_sum(struct trace_dir_stats *to, const struct trace_dir_stats *from)
{
	to->packets += from->packets;
	to->payload_bytes += from->payload_bytes;
	to->link_bytes += from->link_bytes;
	to->ip_bytes += from->ip_bytes;
	to->transport_bytes += from->transport_bytes;
	to->wire_bytes += from->wire_bytes;
	to->handshake += from->handshake;
	to->teardown += from->teardown;
}

double
trace_stats_overhead(const struct trace_dir_stats *d)
{
	if (d->wire_bytes == 0)
		return 0.0;
	if (d->payload_bytes >= d->wire_bytes)
		return 0.0;
	return 100.0 * (double)(d->wire_bytes - d->payload_bytes) / (double)d->wire_bytes;
}

/* A packet's bytes into one direction's counts. */
static void
stats_count(struct trace_dir_stats *d, const struct trace_pkt *p)
{
	d->packets++;
	d->payload_bytes += p->payload_len;
	d->link_bytes += p->link_len;
	d->ip_bytes += p->ip_hdr_len;
	d->transport_bytes += p->transport_hdr_len;
	d->wire_bytes += p->wirelen;
}

/* A new flow with the packet's sender as a (or b when sender_is_a is 0): its index, or -1. */
static long
stats_new_flow(struct trace_stats *s, const struct trace_pkt *p, int sender_is_a)
{
	struct trace_stats_index *ix = s->index;
	struct trace_flow *f;

	if (s->nflows == ix->flows_cap) {
		size_t cap = ix->flows_cap ? ix->flows_cap * 2 : 256;
		struct trace_flow *flows;
		struct stats_tcp *tcp;
		if (cap > UINT32_MAX - 1)
			return -1;
		if ((flows = realloc(s->flows, cap * sizeof *flows)) == NULL)
			return -1;
		s->flows = flows;
		if ((tcp = realloc(ix->tcp, cap * sizeof *tcp)) == NULL)
			return -1;
		ix->tcp = tcp;
		ix->flows_cap = cap;
	}
	f = &s->flows[s->nflows];
	memset(f, 0, sizeof *f);
	memset(&ix->tcp[s->nflows], 0, sizeof ix->tcp[s->nflows]);
	f->ip_version = p->ip_version;
	f->proto = p->proto;
	memcpy(sender_is_a ? f->a : f->b, p->src, 16);
	memcpy(sender_is_a ? f->b : f->a, p->dst, 16);
	f->aport = sender_is_a ? p->sport : p->dport;
	f->bport = sender_is_a ? p->dport : p->sport;
	f->first_ns = f->last_ns = p->ts_ns;
	return (long)s->nflows++;
}

/* Exchanges a and b of a flow whose initiator turns out to be b. */
static void
stats_swap(struct trace_flow *f, struct stats_tcp *t)
{
	uint8_t addr[16];
	uint16_t port;
	struct trace_dir_stats d;
	int i;
	uint32_t u;

	memcpy(addr, f->a, 16);
	memcpy(f->a, f->b, 16);
	memcpy(f->b, addr, 16);
	port = f->aport;
	f->aport = f->bport;
	f->bport = port;
	d = f->dir[0];
	f->dir[0] = f->dir[1];
	f->dir[1] = d;
	i = t->fin_seen[0], t->fin_seen[0] = t->fin_seen[1], t->fin_seen[1] = i;
	u = t->fin_end[0], t->fin_end[0] = t->fin_end[1], t->fin_end[1] = u;
	i = t->fin_acked[0], t->fin_acked[0] = t->fin_acked[1], t->fin_acked[1] = i;
}

/* TCP handshake and teardown, for a packet going in direction d (0: a to b). */
static void
stats_tcp(struct trace_flow *f, struct stats_tcp *t, const struct trace_pkt *p, int *d)
{
	uint8_t fl = p->flags;
	int syn = (fl & TRACE_SYN) != 0, ack = (fl & TRACE_ACK) != 0;

	if (!t->initiator_known && syn) {
		/* the SYN's sender, or the SYN-ACK's receiver, is the initiator */
		if ((!ack && *d == 1) || (ack && *d == 0)) {
			stats_swap(f, t);
			*d = !*d;
		}
		t->initiator_known = 1;
	}
	if (syn) {
		f->dir[*d].handshake++;
		if (ack) {
			t->synack_seen = 1;
			t->synack_seq = p->seq;
		}
		return;
	}
	if (fl & (TRACE_FIN | TRACE_RST)) {
		f->dir[*d].teardown++;
		if (fl & TRACE_RST)
			t->rst_seen = 1;
		if (fl & TRACE_FIN) {
			t->fin_seen[*d] = 1;
			t->fin_end[*d] = p->seq + p->payload_len + 1;
		}
		if (ack && t->fin_seen[!*d] && p->ack == t->fin_end[!*d])
			t->fin_acked[!*d] = 1;
		return;
	}
	if (!ack)
		return;
	if (*d == 0 && t->synack_seen && !t->handshake_done && p->ack == t->synack_seq + 1) {
		t->handshake_done = 1;
		if (p->payload_len == 0) {
			f->dir[*d].handshake++;
			return;
		}
	}
	if (t->fin_seen[!*d] && !t->fin_acked[!*d] && p->ack == t->fin_end[!*d]) {
		t->fin_acked[!*d] = 1;
		if (p->payload_len == 0)
			f->dir[*d].teardown++;
	}
}

/* The flow of a TCP or UDP packet with ports, made if need be; -1 out of memory. */
static long
stats_flow_of(struct trace_stats *s, const struct trace_pkt *p)
{
	struct trace_stats_index *ix = s->index;
	uint8_t key[STATS_KEYLEN];
	struct stats_entry *e;
	struct stats_tcp *t;
	int src_first, sender_is_a = 1;
	long i;

	src_first = stats_endpoint_cmp(p->ip_version, p->src, p->sport, p->dst, p->dport) <= 0;
	if (src_first)
		stats_key(key, STATS_KIND_FLOW, p->ip_version, p->proto, p->src, p->sport, p->dst, p->dport);
	else
		stats_key(key, STATS_KIND_FLOW, p->ip_version, p->proto, p->dst, p->dport, p->src, p->sport);
	if ((e = stats_lookup(ix, key)) != NULL) {
		if (p->proto != STATS_TCP || (p->flags & (TRACE_SYN | TRACE_ACK)) != TRACE_SYN)
			return (long)e->value;
		t = &ix->tcp[e->value];
		if (!t->rst_seen && !(t->fin_seen[0] && t->fin_seen[1]))
			return (long)e->value;
		/* a SYN after the close: the connection begins again */
	}
	if (p->proto == STATS_TCP && (p->flags & (TRACE_SYN | TRACE_ACK)) == (TRACE_SYN | TRACE_ACK))
		sender_is_a = 0;
	if ((i = stats_new_flow(s, p, sender_is_a)) < 0)
		return -1;
	if (p->proto == STATS_TCP && (p->flags & TRACE_SYN))
		ix->tcp[i].initiator_known = 1;
	if (stats_insert(ix, key, (uint32_t)i) != 0)
		return -1;
	return i;
}

/* Counts a packet into flow i. */
static void
stats_flow_count(struct trace_stats *s, long i, const struct trace_pkt *p, int with_tcp)
{
	struct trace_flow *f = &s->flows[i];
	int d;

	d = !(memcmp(f->a, p->src, 16) == 0 && f->aport == p->sport &&
	    memcmp(f->b, p->dst, 16) == 0 && f->bport == p->dport);
	if (with_tcp && p->proto == STATS_TCP)
		stats_tcp(f, &s->index->tcp[i], p, &d);
	stats_count(&f->dir[d], p);
	if (p->ts_ns < f->first_ns)
		f->first_ns = p->ts_ns;
	if (p->ts_ns > f->last_ns)
		f->last_ns = p->ts_ns;
}

/* A fragment after the first, counted in its flow when one is known. */
static int
stats_fragment(struct trace_stats *s, const struct trace_pkt *p)
{
	uint8_t key[STATS_KEYLEN];
	struct stats_entry *e;
	struct trace_flow *f;
	int d;

	stats_key(key, STATS_KIND_FRAG, p->ip_version, p->proto, p->src, 0, p->dst, 0);
	if ((e = stats_lookup(s->index, key)) == NULL)
		return 0;
	f = &s->flows[e->value];
	d = memcmp(f->a, p->src, 16) != 0;
	stats_count(&f->dir[d], p);
	if (p->ts_ns > f->last_ns)
		f->last_ns = p->ts_ns;
	return 1;
}

int
trace_stats_add(struct trace_stats *s, const struct trace_pkt *p)
{
	uint8_t key[STATS_KEYLEN];
	long i;

	if (s->total.packets == 0 || p->ts_ns < s->first_ns)
		s->first_ns = p->ts_ns;
	if (s->total.packets == 0 || p->ts_ns > s->last_ns)
		s->last_ns = p->ts_ns;
	switch (p->status) {
	case TRACE_OK:
		break;
	case TRACE_TRUNCATED:
	case TRACE_MALFORMED:
		if (p->status == TRACE_TRUNCATED)
			s->truncated++;
		else
			s->malformed++;
		s->bad.packets++;
		s->bad.wire_bytes += p->wirelen;
		s->total.packets++;
		s->total.wire_bytes += p->wirelen;
		return 0;
	case TRACE_UNSUPPORTED:
		s->unsupported++;
		break;
	}
	stats_count(&s->total, p);
	if (p->status == TRACE_OK && (p->proto == STATS_TCP || p->proto == STATS_UDP) &&
	    p->ip_version != 0) {
		if (p->first_fragment && p->transport_hdr_len > 0) {
			if ((i = stats_flow_of(s, p)) < 0)
				return -1;
			stats_flow_count(s, i, p, 1);
			if (p->fragment) {
				stats_key(key, STATS_KIND_FRAG, p->ip_version, p->proto, p->src, 0,
				    p->dst, 0);
				if (stats_insert(s->index, key, (uint32_t)i) != 0)
					return -1;
			}
			return 0;
		}
		if (!p->first_fragment && stats_fragment(s, p))
			return 0;
	}
	stats_count(&s->other, p);
	if (p->ip_version == 0)
		s->other_nonip++;
	else if (p->proto == STATS_ICMP || p->proto == STATS_ICMPV6)
		s->other_icmp++;
	else
		s->other_ip++;
	return 0;
}
