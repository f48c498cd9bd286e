/*
 * gen.c — writes a synthetic capture for the benchmarks: many TCP
 * connections at once (Ethernet, IPv4, nanosecond pcap), each with a
 * handshake, data both ways in small and large segments, cumulative ACKs,
 * retransmissions, segments out of order, and an orderly close; and, with
 * -k, a checks file that asks handshake, acked and closed of every
 * connection and stream (a prefix) of every Sth one.  Every check passes
 * on the capture it describes.
 *
 *   gen -n PACKETS -c CONNECTIONS -o OUT.pcap [-k CHECKS.yaml] [-S EVERY] [-r SEED]
 *
 * The number of connections is fixed by -c; the packets are spread over
 * them, so a longer capture has longer connections, not more of them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ACTIVE_MAX	256
#define PATTERN		"abcdefghijklmnopqrstuvwxyz0123456789"
#define PATLEN		36

struct conn {
	uint32_t	 id;
	uint32_t	 caddr, saddr;
	uint16_t	 cport, sport;
	uint32_t	 cisn, sisn;
	uint64_t	 cnext, snext;	/* bytes sent (relative, excluding SYN) */
	uint64_t	 cacked;	/* bytes of the client the server acknowledged */
	uint64_t	 sacked;
	int		 phase;
	long		 budget;	/* data-phase packets left */
	int		 kind;		/* 0 small segments, 1 large, 2 mixed */
	int		 unacked;	/* client segments since the last ACK */
	int		 sunacked;
	/* a segment held back to come after its successor */
	int		 held;
	uint64_t	 held_rel;
	uint32_t	 held_len;
	/* the last client segment, for a retransmission */
	uint64_t	 last_rel;
	uint32_t	 last_len;
};

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static FILE *out;
static uint64_t now_ns = 1700000000ULL * 1000000000ULL;
static long written;
static uint8_t pattern[PATLEN * 2 + 70000];

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

static uint16_t
ip_sum(const uint8_t *h)
{
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * One packet from the client (c2s) or the server; payload len bytes at
 * relative offset rel of that direction's stream.
 */
static void
emit(struct conn *k, int c2s, uint8_t flags, uint64_t rel, uint32_t len)
{
	uint8_t pkt[14 + 20 + 24 + 1500], rec[16];
	uint32_t thl = (flags & 0x02) ? 24 : 20, iplen = 20 + thl + len, seq, ack;
	uint8_t *ip = pkt + 14, *tcp = ip + 20;
	int d = c2s ? 0 : 1;

	now_ns += 1000 + rnd() % 19000;
	memset(pkt, 0, 14 + 20 + thl);
	pkt[0] = 0x02; pkt[5] = (uint8_t)(c2s ? 2 : 1);
	pkt[6] = 0x02; pkt[11] = (uint8_t)(c2s ? 1 : 2);
	pkt[12] = 0x08;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, (uint16_t)written);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, c2s ? k->caddr : k->saddr);
	put32(ip + 16, c2s ? k->saddr : k->caddr);
	put16(ip + 10, ip_sum(ip));
	put16(tcp, c2s ? k->cport : k->sport);
	put16(tcp + 2, c2s ? k->sport : k->cport);
	if (flags & 0x02) {
		seq = c2s ? k->cisn : k->sisn;
		ack = c2s ? 0 : k->cisn + 1;
	} else {
		seq = (uint32_t)((c2s ? k->cisn : k->sisn) + 1 + rel);
		ack = (uint32_t)((c2s ? k->sisn : k->cisn) + 1 + (c2s ? k->snext : k->cnext));
		if (!c2s && k->phase >= 5)	/* the server's ACK of the client's FIN */
			ack++;
		if (c2s && k->phase >= 7)
			ack++;
	}
	put32(tcp + 4, seq);
	put32(tcp + 8, (flags & 0x10) ? ack : 0);
	tcp[12] = (uint8_t)((thl / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, 64240);
	if (flags & 0x02) {
		tcp[20] = 2; tcp[21] = 4; put16(tcp + 22, 1460);
	}
	if (len > 0)
		memcpy(tcp + thl, pattern + (rel + k->id + (uint64_t)d * 5) % PATLEN, len);
	uint32_t caplen = 14 + iplen;
	put32(rec, 0);	/* little-endian record header */
	uint32_t sec = (uint32_t)(now_ns / 1000000000ULL), ns = (uint32_t)(now_ns % 1000000000ULL);
	memcpy(rec, &sec, 4);
	memcpy(rec + 4, &ns, 4);
	memcpy(rec + 8, &caplen, 4);
	memcpy(rec + 12, &caplen, 4);
	fwrite(rec, 1, 16, out);
	fwrite(pkt, 1, caplen, out);
	written++;
}

static uint32_t
seg_len(struct conn *k)
{
	switch (k->kind) {
	case 0:
		return 1 + (uint32_t)(rnd() % 200);
	case 1:
		return 1448;
	default:
		return (rnd() & 1) ? 1448 : 1 + (uint32_t)(rnd() % 600);
	}
}

/* The connection's next packet; 1 when it has finished. */
static int
step(struct conn *k)
{
	uint64_t r;

	switch (k->phase) {
	case 0: emit(k, 1, 0x02, 0, 0); k->phase = 1; return 0;
	case 1: emit(k, 0, 0x12, 0, 0); k->phase = 2; return 0;
	case 2: emit(k, 1, 0x10, 0, 0); k->phase = 3; return 0;
	case 3:
		break;
	case 4: k->phase = 5; emit(k, 1, 0x11, k->cnext, 0); return 0;		/* client FIN */
	case 5: k->phase = 6; emit(k, 0, 0x10, k->snext, 0); return 0;		/* server ACKs it */
	case 6: emit(k, 0, 0x11, k->snext, 0); k->phase = 7; return 0;		/* server FIN */
	case 7: emit(k, 1, 0x10, k->cnext + 1, 0); return 1;			/* client ACKs it */
	}
	/* the data phase */
	k->budget--;
	if (k->held) {
		emit(k, 1, 0x18, k->held_rel, k->held_len);
		k->held = 0;
		k->unacked++;
		goto check_end;
	}
	r = rnd() % 1000;
	if (k->cnext == 0) {
		/* the client speaks first, at least 64 bytes: the stream checks read a 48-byte prefix */
		uint32_t n = seg_len(k);
		n = n < 64 ? 64 : n;
		emit(k, 1, 0x18, 0, n);
		k->last_rel = 0;
		k->last_len = n;
		k->cnext = n;
		k->unacked++;
	} else if (k->sunacked > 0 && r < 300) {
		emit(k, 1, 0x10, k->cnext, 0);	/* the client ACKs the server's data */
		k->sunacked = 0;
		k->sacked = k->snext;
	} else if (k->unacked >= 2 || (k->unacked > 0 && r < 400)) {
		emit(k, 0, 0x10, k->snext, 0);	/* the server ACKs, cumulatively */
		k->unacked = 0;
		k->cacked = k->cnext;
	} else if (r < 480) {
		uint32_t n = seg_len(k);	/* the server answers */
		emit(k, 0, 0x18, k->snext, n);
		k->snext += n;
		k->sunacked++;
	} else if (r < 495 && k->last_len > 0) {
		emit(k, 1, 0x18, k->last_rel, k->last_len);	/* a retransmission */
		k->unacked++;
	} else if (r < 505 && k->budget > 2) {
		uint32_t a = seg_len(k), b = seg_len(k);	/* two segments, the second first */
		emit(k, 1, 0x18, k->cnext + a, b);
		k->held = 1;
		k->held_rel = k->cnext;
		k->held_len = a;
		k->last_rel = k->cnext + a;
		k->last_len = b;
		k->cnext += (uint64_t)a + b;
		k->unacked++;
	} else {
		uint32_t n = seg_len(k);
		emit(k, 1, 0x18, k->cnext, n);
		k->last_rel = k->cnext;
		k->last_len = n;
		k->cnext += n;
		k->unacked++;
	}
check_end:
	if (k->budget <= 0 && !k->held)
		k->phase = 4;
	return 0;
}

static void
addr_text(uint32_t a, char *buf, size_t n)
{
	snprintf(buf, n, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

int
main(int argc, char **argv)
{
	long npackets = 1000000, nconns = 9000, stream_every = 50;
	const char *path = NULL, *checks = NULL;
	int c;

	while ((c = getopt(argc, argv, "n:c:o:k:S:r:")) != -1) {
		switch (c) {
		case 'n': npackets = atol(optarg); break;
		case 'c': nconns = atol(optarg); break;
		case 'o': path = optarg; break;
		case 'k': checks = optarg; break;
		case 'S': stream_every = atol(optarg); break;
		case 'r': rng_state ^= (uint64_t)atoll(optarg) * 0x9e3779b97f4a7c15ULL; break;
		default:
			fprintf(stderr, "usage: gen -n PACKETS -c CONNECTIONS -o OUT.pcap [-k CHECKS.yaml] [-S EVERY] [-r SEED]\n");
			return 2;
		}
	}
	if (path == NULL || nconns < 1 || nconns > 65536 || npackets < nconns * 10) {
		fprintf(stderr, "gen: need -o, 1..65536 connections and at least 10 packets per connection\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)PATTERN[i % PATLEN];
	if ((out = fopen(path, "wb")) == NULL) {
		perror(path);
		return 1;
	}
	static char obuf[1 << 20];
	setvbuf(out, obuf, _IOFBF, sizeof obuf);
	uint32_t gh[6] = { 0xa1b23c4d, 0x00040002, 0, 0, 262144, 1 };
	fwrite(gh, 4, 6, out);

	struct conn *all = calloc((size_t)nconns, sizeof *all);
	FILE *ck = NULL;
	if (all == NULL)
		return 1;
	if (checks != NULL) {
		if ((ck = fopen(checks, "w")) == NULL) {
			perror(checks);
			return 1;
		}
		fprintf(ck, "# written by bench/gen: %ld connections\nname: bench-checks\nhosts: {client: 10.1.0.1, server: 10.2.0.1}\nchecks:\n", nconns);
	}
	long per = npackets / nconns;
	for (long i = 0; i < nconns; i++) {
		struct conn *k = &all[i];
		k->id = (uint32_t)i;
		k->caddr = 0x0a010000u | (uint32_t)i;			/* 10.1.x.y */
		k->saddr = 0x0a020001u | (uint32_t)(i % 97) << 8;	/* 10.2.n.1 */
		k->cport = (uint16_t)(20000 + rnd() % 40000);
		k->sport = (uint16_t)(8000 + i % 50);
		k->cisn = (uint32_t)rnd();
		k->sisn = (uint32_t)rnd();
		k->kind = (int)(i % 3);
		/* budgets vary around the mean so connections end at different times */
		k->budget = per - 7 + (long)(rnd() % 9) - 4;
		if (k->budget < 3)
			k->budget = 3;
		if (ck != NULL) {
			char ca[20], sa[20];
			addr_text(k->caddr, ca, sizeof ca);
			addr_text(k->saddr, sa, sizeof sa);
			fprintf(ck, "  - handshake: {client: %s, server: \"%s:%u\"}\n", ca, sa, k->sport);
			fprintf(ck, "  - acked: {client: %s, server: \"%s:%u\", from: %s}\n", ca, sa, k->sport, ca);
			fprintf(ck, "  - closed: {client: %s, server: \"%s:%u\", first: %s}\n", ca, sa, k->sport, ca);
			if (stream_every > 0 && i % stream_every == 0) {
				char pre[49];
				for (int j = 0; j < 48; j++)
					pre[j] = (char)pattern[(j + k->id) % PATLEN];
				pre[48] = '\0';
				fprintf(ck, "  - stream: {client: %s, server: \"%s:%u\", from: %s, prefix: \"%s\"}\n",
				    ca, sa, k->sport, ca, pre);
			}
		}
	}
	if (ck != NULL && fclose(ck) != 0) {
		perror(checks);
		return 1;
	}
	/* up to ACTIVE_MAX connections at once, a random one moves each turn */
	struct conn *active[ACTIVE_MAX];
	long next = 0;
	int nactive = 0;
	while (next < nconns || nactive > 0) {
		while (nactive < ACTIVE_MAX && next < nconns)
			active[nactive++] = &all[next++];
		int j = (int)(rnd() % (uint64_t)nactive);
		if (step(active[j]))
			active[j] = active[--nactive];
	}
	if (fclose(out) != 0) {
		perror(path);
		return 1;
	}
	free(all);
	fprintf(stderr, "gen: %ld packets, %ld connections\n", written, nconns);
	return 0;
}
