/*
 * conn.c — TCP connections, UDP datagrams and ICMP errors of a trace, for
 * the checks; see conn.h.
 *
 * Reassembly: each direction's bytes are numbered from its ISN + 1; a
 * 32-bit sequence number is unwrapped to the 64-bit value nearest the last
 * one seen, so a stream may cross 2^32.  Bytes below what is assembled are a
 * retransmission (compared with what was kept: a difference is flagged);
 * bytes beyond it wait in a sorted list until the gap is filled.
 */
#include <stdlib.h>
#include <string.h>

#include "conn.h"

#define CONN_BUCKETS_MIN	1024

struct conn_entry {
	uint8_t			 key[40];
	size_t			 latest;	/* index into tcp[] of the newest connection */
	struct conn_entry	*next;
};

struct trace_conn_index {
	struct conn_entry	**buckets;
	size_t			  nbuckets;
	size_t			  n;
};

/* trace_conns_at's: (version, address, port) to the connections with an end there. */
struct ep_slot {
	uint8_t			 key[20];	/* version, address (16), port (2), used */
	uint32_t		*list;
	uint32_t		 n, cap;
};

struct trace_ep_index {
	struct ep_slot		*slots;
	size_t			 nslots;	/* a power of two, at least twice the ends */
	size_t			 built;		/* connections indexed */
};

int
trace_addr_eq(int ip_version, const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, ip_version == 6 ? 16 : 4) == 0;
}

struct trace_conns *
trace_conns_new(void)
{
	struct trace_conns *t = xcalloc(1, sizeof *t);
	t->index = xcalloc(1, sizeof *t->index);
	t->index->nbuckets = CONN_BUCKETS_MIN;
	t->index->buckets = xcalloc(t->index->nbuckets, sizeof *t->index->buckets);
	return t;
}

static void
half_free(struct trace_half *h)
{
	struct trace_seg *s, *next;
	buf_free(&h->data);
	for (s = h->pending; s != NULL; s = next) {
		next = s->next;
		free(s->data);
		free(s);
	}
	h->pending = NULL;
}

void
trace_conns_free(struct trace_conns *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ntcp; i++) {
		half_free(&t->tcp[i]->c);
		half_free(&t->tcp[i]->s);
		free(t->tcp[i]);
	}
	free(t->tcp);
	for (size_t i = 0; i < t->nudp; i++)
		free(t->udp[i].data);
	free(t->udp);
	free(t->icmp);
	free(t->kills);
	for (size_t i = 0; i < t->index->nbuckets; i++) {
		struct conn_entry *e, *next;
		for (e = t->index->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->index->buckets);
	free(t->index);
	if (t->ep != NULL) {
		for (size_t i = 0; i < t->ep->nslots; i++)
			free(t->ep->slots[i].list);
		free(t->ep->slots);
		free(t->ep);
	}
	free(t);
}

/* The key of an endpoint pair, the same whichever way the packet goes. */
static void
conn_key(uint8_t *key, const struct trace_pkt *p)
{
	int alen = p->ip_version == 6 ? 16 : 4;
	int swap = memcmp(p->src, p->dst, (size_t)alen) > 0 ||
	    (memcmp(p->src, p->dst, (size_t)alen) == 0 && p->sport > p->dport);
	const uint8_t *a = swap ? p->dst : p->src, *b = swap ? p->src : p->dst;
	uint16_t ap = swap ? p->dport : p->sport, bp = swap ? p->sport : p->dport;

	memset(key, 0, 40);
	key[0] = (uint8_t)p->ip_version;
	memcpy(key + 2, a, 16);
	memcpy(key + 18, b, 16);
	key[34] = (uint8_t)(ap >> 8);
	key[35] = (uint8_t)ap;
	key[36] = (uint8_t)(bp >> 8);
	key[37] = (uint8_t)bp;
}

static size_t
conn_hash(const uint8_t *key, size_t nbuckets)
{
	uint64_t h = 1469598103934665603ULL, w;
	for (int i = 0; i < 40; i += 8) {	/* a word at a time */
		memcpy(&w, key + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h ^= h >> 33;
	return (size_t)(h & (nbuckets - 1));
}

static struct conn_entry *
conn_lookup(struct trace_conn_index *ix, const uint8_t *key)
{
	for (struct conn_entry *e = ix->buckets[conn_hash(key, ix->nbuckets)]; e != NULL; e = e->next)
		if (memcmp(e->key, key, 40) == 0)
			return e;
	return NULL;
}

static void
conn_index_grow(struct trace_conn_index *ix)
{
	size_t nb = ix->nbuckets * 2;
	struct conn_entry **b = xcalloc(nb, sizeof *b);
	for (size_t i = 0; i < ix->nbuckets; i++) {
		struct conn_entry *e, *next;
		for (e = ix->buckets[i]; e != NULL; e = next) {
			size_t h = conn_hash(e->key, nb);
			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	}
	free(ix->buckets);
	ix->buckets = b;
	ix->nbuckets = nb;
}

static struct trace_conn *
conn_new(struct trace_conns *t, const struct trace_pkt *p, const uint8_t *key, struct conn_entry *e)
{
	struct trace_conn *c = xcalloc(1, sizeof *c);
	int alen = p->ip_version == 6 ? 16 : 4;

	c->ip_version = p->ip_version;
	memcpy(c->c.addr, p->src, (size_t)alen);
	c->c.port = p->sport;
	memcpy(c->s.addr, p->dst, (size_t)alen);
	c->s.port = p->dport;
	c->first_ns = p->ts_ns;
	buf_init(&c->c.data);
	buf_init(&c->s.data);
	c->c.keep = TRACE_KEEP_MAX;
	if (t->keep != NULL && (c->c.keep = t->keep(t->keep_arg, c)) > TRACE_KEEP_MAX)
		c->c.keep = TRACE_KEEP_MAX;
	c->s.keep = c->c.keep;
	if (t->ntcp == t->tcp_cap) {
		t->tcp_cap = t->tcp_cap ? t->tcp_cap * 2 : 64;
		t->tcp = xrealloc(t->tcp, t->tcp_cap * sizeof *t->tcp);
	}
	t->tcp[t->ntcp] = c;
	if (e == NULL) {
		struct trace_conn_index *ix = t->index;
		if (ix->n * 2 > ix->nbuckets)
			conn_index_grow(ix);
		e = xcalloc(1, sizeof *e);
		memcpy(e->key, key, 40);
		size_t h = conn_hash(key, ix->nbuckets);
		e->next = ix->buckets[h];
		ix->buckets[h] = e;
		ix->n++;
	}
	e->latest = t->ntcp++;
	return c;
}

static void
history_add(struct trace_conn *c, int initiator, char letter)
{
	struct trace_half *h = initiator ? &c->c : &c->s;
	char l = initiator ? letter : (char)(letter - 'A' + 'a');
	size_t n = strlen(c->history);
	if (strchr(h->history, letter) != NULL || n + 1 >= sizeof c->history)
		return;
	h->history[strlen(h->history)] = letter;
	c->history[n] = l;
}

/* The 64-bit relative number nearest to last for the 32-bit rel. */
static int64_t
unwrap(uint32_t rel, uint64_t last)
{
	int64_t cand = (int64_t)((last & ~(uint64_t)0xffffffff) | rel);
	if (cand - (int64_t)last > (int64_t)0x80000000)
		cand -= (int64_t)0x100000000;
	else if ((int64_t)last - cand > (int64_t)0x80000000)
		cand += (int64_t)0x100000000;
	return cand;
}

static void
half_keep(struct trace_half *h, const uint8_t *p, uint32_t n)
{
	if (h->data.len < h->keep) {
		uint64_t room = h->keep - h->data.len;
		buf_add(&h->data, p, n < room ? n : room);
	}
}

/* Appends a waiting segment's bytes from offset k on. */
static void
half_take(struct trace_half *h, struct trace_seg *s, uint64_t k)
{
	if (s->data != NULL)
		half_keep(h, s->data + k, (uint32_t)(s->len - k));
	else if (!s->beyond)
		h->truncated = 1;
	h->next = s->rel + s->len;
}

/* What half_assemble made of a segment. */
enum half_seg {
	HALF_NEW,		/* bytes not assembled before (or waiting for a gap) */
	HALF_RETRANS,		/* nothing new: every byte was sent before */
	HALF_PROBE,		/* one byte below what is assembled: a keepalive probe */
};

/* Puts len bytes at rel into the stream (data NULL: bytes not captured). */
static enum half_seg
half_assemble(struct trace_half *h, uint64_t rel, const uint8_t *data, uint32_t len)
{
	uint64_t end = rel + len;

	if (end > h->high)
		h->high = end;
	if (end <= h->next) {
		/* one byte below what is assembled: a keepalive probe, not a retransmission */
		if (len == 1 && rel + 1 == h->next)
			return HALF_PROBE;
		h->retransmissions++;
		if (data != NULL && end <= h->data.len &&
		    memcmp(h->data.data + rel, data, len) != 0)
			h->overlap_differs = 1;
		return HALF_RETRANS;
	}
	if (rel > h->next) {
		struct trace_seg **sp, *s;
		/* segments mostly come in order: try after the last one first */
		if (h->pending_tail != NULL && h->pending_tail->rel < rel)
			sp = &h->pending_tail->next;
		else {
			sp = &h->pending;
			while (*sp != NULL && (*sp)->rel < rel)
				sp = &(*sp)->next;
			if (*sp != NULL && (*sp)->rel == rel && (*sp)->len >= len) {
				h->retransmissions++;
				return HALF_RETRANS;
			}
		}
		if (h->pending_bytes + len > TRACE_PENDING_MAX) {
			h->pending_overflow = 1;
			return HALF_NEW;
		}
		s = xcalloc(1, sizeof *s);
		s->rel = rel;
		s->len = len;
		if (rel >= h->keep)
			s->beyond = 1;
		else if (data != NULL) {
			s->data = xmalloc(len);
			memcpy(s->data, data, len);
			h->pending_bytes += len;
		}
		s->next = *sp;
		*sp = s;
		if (s->next == NULL)
			h->pending_tail = s;
		return HALF_NEW;
	}
	/* overlaps or touches what is assembled: take the new part */
	uint64_t skip = h->next - rel;
	if (skip > 0 && data != NULL && rel + skip <= h->data.len &&
	    memcmp(h->data.data + rel, data, (size_t)skip) != 0)
		h->overlap_differs = 1;
	if (data != NULL)
		half_keep(h, data + skip, (uint32_t)(len - skip));
	else
		h->truncated = 1;
	h->next = end;
	while (h->pending != NULL && h->pending->rel <= h->next) {
		struct trace_seg *s = h->pending;
		h->pending = s->next;
		if (h->pending == NULL)
			h->pending_tail = NULL;
		if (s->rel + s->len > h->next)
			half_take(h, s, h->next - s->rel);
		else
			h->retransmissions++;
		if (s->data != NULL)
			h->pending_bytes -= s->len;
		free(s->data);
		free(s);
	}
	return HALF_NEW;
}

/* The connection of a TCP packet, a new one when it starts one; *idx its index in tcp[]. */
static struct trace_conn *
conn_find(struct trace_conns *t, const struct trace_pkt *p, size_t *idx)
{
	uint8_t key[40];
	struct conn_entry *e;
	struct trace_conn *c = NULL;
	int syn = (p->flags & TRACE_SYN) != 0, ack = (p->flags & TRACE_ACK) != 0;

	conn_key(key, p);
	e = conn_lookup(t->index, key);
	if (e != NULL) {
		c = t->tcp[e->latest];
		*idx = e->latest;
		/* a new SYN with another ISN starts a new connection on the same ports */
		if (syn && !ack && (c->c.have_isn && !c->c.midstream) &&
		    !(c->c.port == p->sport && trace_addr_eq(p->ip_version, c->c.addr, p->src) && c->c.isn == p->seq))
			c = NULL;
		/* numbers restarted at each SYN: after a FIN or an RST, a SYN starts one */
		else if (syn && !ack && t->syn_rebased && c->ended)
			c = NULL;
	}
	if (c == NULL) {
		c = conn_new(t, p, key, e);
		*idx = t->ntcp - 1;
	}
	return c;
}

void
trace_conns_kill(struct trace_conns *t, const struct trace_kill *k)
{
	t->kills = xrealloc(t->kills, (t->nkills + 1) * sizeof *t->kills);
	t->kills[t->nkills++] = *k;
}

/*
 * A packet h sends on c: the first one at or after the kill of the program
 * behind h (while c was open on its side) marks h killed; every packet h
 * sends from then on is labelled as the kill's.
 */
static void
conn_killed(struct trace_conns *t, struct trace_conn *c, struct trace_half *h, const struct trace_pkt *p,
    struct trace_label *lab)
{
	for (size_t i = 0; i < t->nkills && h->killed_ns == 0 && !h->fin && !h->rst; i++) {
		const struct trace_kill *k = &t->kills[i];
		if (k->ip_version != c->ip_version || !trace_addr_eq(k->ip_version, k->addr, h->addr) ||
		    p->ts_ns < k->killed_ns || c->first_ns < k->started_ns || c->first_ns >= k->killed_ns ||
		    (t->own != NULL && t->own(t->own_arg, c->ip_version, h->addr, h->port)))
			continue;
		h->killed_ns = k->killed_ns;
		h->kill = i;
		h->high_at_kill = h->high;
	}
	if (h->killed_ns != 0 && p->ts_ns >= h->killed_ns)
		lab->by_kill = &t->kills[h->kill];
}

static void
conn_tcp(struct trace_conns *t, const struct trace_pkt *p, struct trace_label *lab)
{
	struct trace_conn *c;
	size_t idx;
	int syn = (p->flags & TRACE_SYN) != 0, ack = (p->flags & TRACE_ACK) != 0;
	int from_c;
	struct trace_half *h, *o;

	c = conn_find(t, p, &idx);
	from_c = c->c.port == p->sport && trace_addr_eq(p->ip_version, c->c.addr, p->src);
	h = from_c ? &c->c : &c->s;
	o = from_c ? &c->s : &c->c;
	lab->conn = (long)idx;
	lab->from_initiator = from_c;
	conn_killed(t, c, h, p, lab);
	c->packets++;
	c->last_ns = p->ts_ns;
	h->packets++;
	if (p->flags & (TRACE_FIN | TRACE_RST))
		c->ended = 1;

	/* history */
	if (syn)
		history_add(c, from_c, ack ? 'H' : 'S');
	if (p->flags & TRACE_RST)
		history_add(c, from_c, 'R');
	if (p->flags & TRACE_FIN)
		history_add(c, from_c, 'F');
	if (p->payload_len > 0)
		history_add(c, from_c, 'D');
	else if (ack && !syn && !(p->flags & (TRACE_FIN | TRACE_RST)))
		history_add(c, from_c, 'A');

	/* the handshake, as the check reads it */
	if (syn && !ack && from_c && h->syn == 0)
		h->syn_ns = p->ts_ns;	/* a retransmitted SYN is counted below, not a failure */
	if (syn && ack && !from_c && o->syn > 0) {
		if (h->synack == 0) {
			h->synack_ns = p->ts_ns;
			c->synack_ack = p->ack;
		}
		if (c->c.have_isn && p->ack == c->c.isn + 1)
			c->synack_ok = 1;
	}
	if (from_c && ack && !syn && !c->established && c->synack_ok && c->c.syn > 0 &&
	    c->s.have_isn && p->seq == c->c.isn + 1 && p->ack == c->s.isn + 1) {
		c->established = 1;
		c->established_ns = p->ts_ns;
	}
	if (!from_c && (p->flags & TRACE_RST) && ack && c->c.syn > 0 && c->s.synack == 0 &&
	    c->c.have_isn && p->ack == c->c.isn + 1 && !c->refused) {
		c->refused = 1;
		c->refused_ns = p->ts_ns;
	}

	/* sequence space of the sender */
	if (syn) {
		if (!h->have_isn || h->midstream) {
			h->isn = p->seq;
			h->have_isn = 1;
			h->midstream = 0;
		} else if (h->isn == p->seq && h->syn + h->synack > 0) {
			h->retransmissions++;
			lab->retrans = 1;
		}
		if (ack)
			h->synack++;
		else
			h->syn++;
	} else if (!h->have_isn) {
		h->isn = p->seq - 1;
		h->have_isn = 1;
		h->midstream = 1;
	}
	if (p->payload_len > 0 || (p->flags & TRACE_FIN)) {
		uint32_t dseq = p->seq + (syn ? 1 : 0);
		int64_t rel = unwrap(dseq - (h->isn + 1), h->last_rel);
		if (rel >= 0) {
			h->last_rel = (uint64_t)rel;
			if (p->payload_len > 0) {
				int whole = p->payload_caplen >= p->payload_len && p->status == TRACE_OK;
				if (!whole)
					h->truncated = 1;
				switch (half_assemble(h, (uint64_t)rel, whole ? p->payload : NULL, p->payload_len)) {
				case HALF_RETRANS:
					lab->retrans = 1;
					break;
				case HALF_PROBE:
					lab->keepalive = 1;
					break;
				case HALF_NEW:
					break;
				}
				if (h->payload == 0)
					h->first_data_ns = p->ts_ns;
				h->last_data_ns = p->ts_ns;
				h->payload += p->payload_len;
			}
			if (p->flags & TRACE_FIN) {
				uint64_t fr = (uint64_t)rel + p->payload_len;
				if (h->fin && h->fin_rel == fr && p->payload_len == 0) {
					h->retransmissions++;
					lab->retrans = 1;
				}
				if (!h->fin) {
					h->fin_ns = p->ts_ns;
					h->fin_rel = fr;
				}
				h->fin = 1;
			}
		}
	}
	if (p->flags & TRACE_RST) {
		if (!h->rst)
			h->rst_ns = p->ts_ns;
		h->rst = 1;
	}
	/* what the receiver acknowledges of the other direction */
	if (ack && o->have_isn) {
		int64_t arel = unwrap(p->ack - (o->isn + 1), o->acked);
		if (arel >= 0 && (!o->ack_seen || (uint64_t)arel > o->acked)) {
			o->acked = (uint64_t)arel;
			o->acked_ns = p->ts_ns;
		}
		o->ack_seen = 1;
		uint64_t limit = o->fin ? o->fin_rel + 1 : o->high;
		if (arel > 0 && (uint64_t)arel > limit && !(p->flags & TRACE_RST))
			o->ack_beyond = 1;
	}
}

static void
conn_udp(struct trace_conns *t, const struct trace_pkt *p)
{
	struct trace_dgram *d;
	if (t->nudp == t->udp_cap) {
		t->udp_cap = t->udp_cap ? t->udp_cap * 2 : 64;
		t->udp = xrealloc(t->udp, t->udp_cap * sizeof *t->udp);
	}
	d = &t->udp[t->nudp++];
	memset(d, 0, sizeof *d);
	d->ip_version = p->ip_version;
	memcpy(d->src, p->src, 16);
	memcpy(d->dst, p->dst, 16);
	d->sport = p->sport;
	d->dport = p->dport;
	d->ts_ns = p->ts_ns;
	d->len = p->udp_len >= 8 ? (uint32_t)p->udp_len - 8 : p->payload_len;
	d->fragmented = p->fragment;
	d->caplen = p->payload_caplen < p->payload_len ? p->payload_caplen : p->payload_len;
	if (d->caplen > 0 && p->payload != NULL) {
		d->data = xmalloc(d->caplen);
		memcpy(d->data, p->payload, d->caplen);
	}
}

static void
conn_icmp(struct trace_conns *t, const struct trace_pkt *p)
{
	struct trace_icmp_err *e;
	if (!p->has_quote)
		return;
	if (t->nicmp == t->icmp_cap) {
		t->icmp_cap = t->icmp_cap ? t->icmp_cap * 2 : 16;
		t->icmp = xrealloc(t->icmp, t->icmp_cap * sizeof *t->icmp);
	}
	e = &t->icmp[t->nicmp++];
	memset(e, 0, sizeof *e);
	e->ip_version = p->ip_version;
	memcpy(e->src, p->src, 16);
	memcpy(e->dst, p->dst, 16);
	e->type = p->icmp_type;
	e->code = p->icmp_code;
	e->ts_ns = p->ts_ns;
	e->q_ip_version = p->q_ip_version;
	memcpy(e->q_src, p->q_src, 16);
	memcpy(e->q_dst, p->q_dst, 16);
	e->q_proto = p->q_proto;
	e->q_sport = p->q_sport;
	e->q_dport = p->q_dport;
}

void
trace_conns_add(struct trace_conns *t, const struct trace_pkt *p)
{
	struct trace_label lab;

	trace_conns_add_label(t, p, &lab);
}

void
trace_conns_add_label(struct trace_conns *t, const struct trace_pkt *p, struct trace_label *lab)
{
	memset(lab, 0, sizeof *lab);
	lab->conn = -1;
	t->packets++;
	if (p->status == TRACE_TRUNCATED)
		t->truncated++;
	else if (p->status == TRACE_MALFORMED)
		t->malformed++;
	if (p->ip_version == 0 || (p->fragment && !p->first_fragment))
		return;
	if (p->proto == 6 && p->transport_hdr_len > 0)
		conn_tcp(t, p, lab);
	else if (p->proto == 17 && p->transport_hdr_len > 0)
		conn_udp(t, p);
	else if (p->proto == 1 || p->proto == 58)
		conn_icmp(t, p);
}

static void
ep_key(uint8_t *key, int ip_version, const uint8_t *addr, uint16_t port)
{
	memset(key, 0, 20);
	key[0] = (uint8_t)ip_version;
	memcpy(key + 1, addr, ip_version == 6 ? 16 : 4);
	key[17] = (uint8_t)(port >> 8);
	key[18] = (uint8_t)port;
	key[19] = 1;
}

static struct ep_slot *
ep_slot(struct trace_ep_index *ix, const uint8_t *key)
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 20; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	for (size_t i = (size_t)h & (ix->nslots - 1);; i = (i + 1) & (ix->nslots - 1))
		if (ix->slots[i].key[19] == 0 || memcmp(ix->slots[i].key, key, 20) == 0)
			return &ix->slots[i];
}

static void
ep_add(struct trace_ep_index *ix, int ip_version, const uint8_t *addr, uint16_t port, uint32_t conn)
{
	uint8_t key[20];
	struct ep_slot *s;

	ep_key(key, ip_version, addr, port);
	s = ep_slot(ix, key);
	if (s->key[19] == 0)
		memcpy(s->key, key, 20);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 2;
		s->list = xrealloc(s->list, s->cap * sizeof *s->list);
	}
	s->list[s->n++] = conn;
}

size_t
trace_conns_at(struct trace_conns *t, int ip_version, const uint8_t *addr, uint16_t port,
    const uint32_t **list)
{
	struct trace_ep_index *ix = t->ep;
	uint8_t key[20];
	struct ep_slot *s;

	if (ix == NULL || ix->built != t->ntcp) {
		if (ix != NULL) {
			for (size_t i = 0; i < ix->nslots; i++)
				free(ix->slots[i].list);
			free(ix->slots);
		} else
			ix = t->ep = xcalloc(1, sizeof *ix);
		for (ix->nslots = 64; ix->nslots < t->ntcp * 4; ix->nslots *= 2)
			;
		ix->slots = xcalloc(ix->nslots, sizeof *ix->slots);
		for (size_t i = 0; i < t->ntcp; i++) {
			const struct trace_conn *c = t->tcp[i];
			ep_add(ix, c->ip_version, c->c.addr, c->c.port, (uint32_t)i);
			ep_add(ix, c->ip_version, c->s.addr, c->s.port, (uint32_t)i);
		}
		ix->built = t->ntcp;
	}
	ep_key(key, ip_version, addr, port);
	s = ep_slot(ix, key);
	*list = s->list;
	return s->key[19] ? s->n : 0;
}

const char *
trace_conn_state(const struct trace_conn *c)
{
	const struct trace_half *o = &c->c, *r = &c->s;

	if (o->syn == 0) {
		if (r->synack > 0) {
			if (r->rst)
				return "RSTRH";
			if (r->fin)
				return "SHR";
		}
		return "OTH";
	}
	if (r->synack == 0) {
		if (r->rst)
			return "REJ";
		if (o->rst)
			return "RSTOS0";
		if (o->fin)
			return "SH";
		return "S0";
	}
	if (o->rst && (!r->rst || o->rst_ns <= r->rst_ns))
		return "RSTO";
	if (r->rst)
		return "RSTR";
	if (o->fin && r->fin)
		return "SF";
	if (o->fin)
		return "S2";
	if (r->fin)
		return "S3";
	return "S1";
}
