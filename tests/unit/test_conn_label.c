/*
 * test_conn_label.c — unit tests for trace_conns_add_label (pcap/conn.c):
 * which connection each TCP packet belongs to and whether it is a
 * retransmission or a keepalive probe, on small hand-made sequences.
 * Host a is 10.0.0.1:40000 (the client), host b 10.0.0.2:4000.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "trace.h"
#include "unit.h"

#define A	0
#define B	1
#define S	TRACE_SYN
#define SA	(TRACE_SYN | TRACE_ACK)
#define AK	TRACE_ACK
#define PA	(TRACE_PSH | TRACE_ACK)
#define FA	(TRACE_FIN | TRACE_ACK)
#define FPA	(TRACE_FIN | TRACE_PSH | TRACE_ACK)
#define RA	(TRACE_RST | TRACE_ACK)

static const uint8_t addr_a[4] = { 10, 0, 0, 1 }, addr_b[4] = { 10, 0, 0, 2 };
static int64_t clock_ns;
static const uint8_t zeros[4096];

/* Adds one TCP segment with len bytes of payload; returns its label. */
static struct trace_label
seg(struct trace_conns *t, int dir, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
	struct trace_pkt p;
	struct trace_label l;

	memset(&p, 0, sizeof p);
	clock_ns += 1000000;
	p.ts_ns = clock_ns;
	p.status = TRACE_OK;
	p.ip_version = 4;
	memcpy(p.src, dir == A ? addr_a : addr_b, 4);
	memcpy(p.dst, dir == A ? addr_b : addr_a, 4);
	p.ip_hdr_len = 20;
	p.proto = 6;
	p.sport = dir == A ? 40000 : 4000;
	p.dport = dir == A ? 4000 : 40000;
	p.transport_hdr_len = 20;
	p.seq = seq;
	p.ack = ack;
	p.flags = flags;
	p.payload = len ? zeros : NULL;
	p.payload_len = len;
	p.payload_caplen = len;
	memset(&l, 0x55, sizeof l);	/* every field must be set */
	trace_conns_add_label(t, &p, &l);
	return l;
}

static struct trace_conns *
fresh(void)
{
	clock_ns = 1000000000;
	return trace_conns_new();
}

/* SYN 1000, SYN-ACK 5000, ACK: the client's data starts at 1001, the server's at 5001. */
static void
handshake(struct trace_conns *t, uint32_t cisn, uint32_t sisn)
{
	seg(t, A, cisn, 0, S, 0);
	seg(t, B, sisn, cisn + 1, SA, 0);
	seg(t, A, cisn + 1, sisn + 1, AK, 0);
}

UNIT_TEST(label_retransmitted_segment)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	handshake(t, 1000, 5000);
	l = seg(t, A, 1001, 5001, PA, 100);
	CHECK_INT(l.conn, 0);
	CHECK_INT(l.from_initiator, 1);
	CHECK_INT(l.retrans, 0);
	l = seg(t, B, 5001, 1101, AK, 0);
	CHECK_INT(l.from_initiator, 0);
	CHECK_INT(l.retrans, 0);
	l = seg(t, A, 1001, 5001, PA, 100);	/* the same segment again */
	CHECK_INT(l.retrans, 1);
	CHECK_INT(l.keepalive, 0);
	l = seg(t, A, 1051, 5001, PA, 50);	/* a part of it, repacketized */
	CHECK_INT(l.retrans, 1);
	l = seg(t, A, 1101, 5001, PA, 10);	/* new bytes */
	CHECK_INT(l.retrans, 0);
	CHECK_INT(t->tcp[0]->c.retransmissions, 2);
	trace_conns_free(t);
}

UNIT_TEST(label_keepalive_is_not_retransmission)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	handshake(t, 1000, 5000);
	seg(t, A, 1001, 5001, PA, 10);
	l = seg(t, A, 1010, 5001, AK, 1);	/* one byte below snd.nxt */
	CHECK_INT(l.keepalive, 1);
	CHECK_INT(l.retrans, 0);
	l = seg(t, A, 1010, 5001, AK, 0);	/* Linux's zero-length probe: neither */
	CHECK_INT(l.keepalive, 0);
	CHECK_INT(l.retrans, 0);
	CHECK_INT(t->tcp[0]->c.retransmissions, 0);
	trace_conns_free(t);
}

UNIT_TEST(label_syn_and_fin_retransmissions)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	l = seg(t, A, 1000, 0, S, 0);
	CHECK_INT(l.retrans, 0);
	l = seg(t, A, 1000, 0, S, 0);	/* the SYN again, same ISN */
	CHECK_INT(l.retrans, 1);
	CHECK_INT(l.conn, 0);
	seg(t, B, 5000, 1001, SA, 0);
	l = seg(t, B, 5000, 1001, SA, 0);
	CHECK_INT(l.retrans, 1);
	seg(t, A, 1001, 5001, AK, 0);
	l = seg(t, A, 1001, 5001, FPA, 20);	/* data and FIN */
	CHECK_INT(l.retrans, 0);
	l = seg(t, A, 1021, 5001, FA, 0);	/* the FIN alone, at the same place */
	CHECK_INT(l.retrans, 1);
	trace_conns_free(t);
}

/* Filling a gap takes the waiting segments; the filler itself is not a retransmission. */
UNIT_TEST(label_gap_filler_not_retransmission)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	handshake(t, 1000, 5000);
	l = seg(t, A, 1101, 5001, PA, 100);	/* [100, 200) before [0, 100) */
	CHECK_INT(l.retrans, 0);
	l = seg(t, A, 1151, 5001, PA, 50);	/* inside what waits */
	l = seg(t, A, 1001, 5001, PA, 100);	/* the gap */
	CHECK_INT(l.retrans, 0);
	l = seg(t, A, 1101, 5001, PA, 100);	/* now a copy of assembled bytes */
	CHECK_INT(l.retrans, 1);
	trace_conns_free(t);
}

/* Real ISNs: a connection closed, then another on the same ports, new ISNs. */
UNIT_TEST(label_two_connections_same_ports)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	handshake(t, 1000, 5000);
	seg(t, A, 1001, 5001, PA, 10);
	seg(t, A, 1011, 5001, FA, 0);
	seg(t, B, 5001, 1012, FA, 0);
	seg(t, A, 1012, 5002, AK, 0);
	l = seg(t, A, 90000, 0, S, 0);
	CHECK_INT(l.conn, 1);
	CHECK_INT(l.retrans, 0);
	seg(t, B, 70000, 90001, SA, 0);
	seg(t, A, 90001, 70001, AK, 0);
	l = seg(t, A, 90001, 70001, PA, 10);	/* the same relative place as the first's data */
	CHECK_INT(l.conn, 1);
	CHECK_INT(l.retrans, 0);
	CHECK_INT(t->ntcp, 2);
	trace_conns_free(t);
}

/*
 * Numbers restarted at each SYN (results.json's relative ones): both SYNs
 * say 0.  Without syn_rebased the second is a retransmission of the first
 * and the second connection's data repeats the first's; with it, after the
 * FIN, a new connection.  Before any FIN or RST a SYN 0 is still a
 * retransmission.
 */
UNIT_TEST(label_rebased_syn_after_close)
{
	for (int rebased = 0; rebased <= 1; rebased++) {
		struct trace_conns *t = fresh();
		struct trace_label l;

		t->syn_rebased = rebased;
		seg(t, A, 0, 0, S, 0);
		l = seg(t, A, 0, 0, S, 0);
		CHECK_INT(l.retrans, 1);
		seg(t, B, 0, 1, SA, 0);
		seg(t, A, 1, 1, AK, 0);
		seg(t, A, 1, 1, PA, 10);
		seg(t, A, 11, 1, RA, 0);
		l = seg(t, A, 0, 0, S, 0);
		CHECK_INT(l.conn, rebased ? 1 : 0);
		CHECK_INT(l.retrans, rebased ? 0 : 1);
		seg(t, B, 0, 1, SA, 0);
		seg(t, A, 1, 1, AK, 0);
		l = seg(t, A, 1, 1, PA, 10);
		CHECK_INT(l.retrans, rebased ? 0 : 1);
		CHECK_INT(t->ntcp, rebased ? 2 : 1);
		trace_conns_free(t);
	}
}

/* Not TCP: no connection. */
UNIT_TEST(label_not_tcp)
{
	struct trace_conns *t = fresh();
	struct trace_pkt p;
	struct trace_label l;

	memset(&p, 0, sizeof p);
	p.status = TRACE_UNSUPPORTED;
	trace_conns_add_label(t, &p, &l);
	CHECK_INT(l.conn, -1);
	CHECK_INT(l.retrans, 0);
	trace_conns_free(t);
}

/* verona killed the program on b (the server) at kill_ns, with b's port 4000 not one of verona's own sockets */
static void
kill_b(struct trace_conns *t, int64_t started_ns, int64_t kill_ns)
{
	struct trace_kill k;

	memset(&k, 0, sizeof k);
	k.ip_version = 4;
	memcpy(k.addr, addr_b, 4);
	k.started_ns = started_ns;
	k.killed_ns = kill_ns;
	strcpy(k.what, "the program of step 3, at its timeout");
	trace_conns_kill(t, &k);
}

static int own_port;

static int
own(void *arg, int ip_version, const uint8_t *addr, uint16_t port)
{
	(void)arg;
	(void)ip_version;
	(void)addr;
	return port == own_port;
}

/* What b sends from the kill on, on a connection its program had open, is the kill's; a's packets never are. */
UNIT_TEST(label_verona_kill)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	kill_b(t, 0, clock_ns + 6000000);	/* after the handshake and the data below */
	handshake(t, 1000, 5000);
	l = seg(t, B, 5001, 1001, PA, 10);
	CHECK(l.by_kill == NULL);
	seg(t, A, 1001, 5011, AK, 0);
	seg(t, A, 1001, 5011, AK, 0);		/* clock past the kill */
	l = seg(t, B, 5011, 1001, FA, 0);
	CHECK(l.by_kill != NULL && strcmp(l.by_kill->what, "the program of step 3, at its timeout") == 0);
	CHECK_INT(t->tcp[0]->s.killed_ns, 1006000000);
	CHECK_INT(t->tcp[0]->s.high_at_kill, 10);
	CHECK_INT(t->tcp[0]->s.fin, 1);
	l = seg(t, A, 1001, 5012, FA, 0);
	CHECK(l.by_kill == NULL);
	CHECK_INT(t->tcp[0]->c.killed_ns, 0);
	trace_conns_free(t);
}

/* Not the kill's: verona's own socket, a side that had closed already, a connection begun after the kill. */
UNIT_TEST(label_verona_kill_not_the_programs)
{
	struct trace_conns *t = fresh();
	struct trace_label l;

	/* b's end is a socket of verona's steps */
	kill_b(t, 0, clock_ns + 4000000);
	own_port = 4000;
	t->own = own;
	handshake(t, 1000, 5000);
	l = seg(t, B, 5001, 1001, FA, 0);
	CHECK(l.by_kill == NULL);
	trace_conns_free(t);

	/* b sent its FIN before the kill */
	t = fresh();
	kill_b(t, 0, clock_ns + 5000000);
	handshake(t, 1000, 5000);
	seg(t, B, 5001, 1001, FA, 0);
	seg(t, A, 1001, 5002, AK, 0);
	l = seg(t, B, 5002, 1001, AK, 0);
	CHECK(l.by_kill == NULL);
	trace_conns_free(t);

	/* the connection began after the kill (a client meeting a dead server), or before the program started */
	t = fresh();
	kill_b(t, 0, clock_ns);
	handshake(t, 1000, 5000);
	l = seg(t, B, 5001, 1001, FA, 0);
	CHECK(l.by_kill == NULL);
	trace_conns_free(t);
	t = fresh();
	kill_b(t, clock_ns + 2500000, clock_ns + 5000000);
	handshake(t, 1000, 5000);
	seg(t, A, 1001, 5001, AK, 0);
	l = seg(t, B, 5001, 1001, FA, 0);
	CHECK(l.by_kill == NULL);
	trace_conns_free(t);
}

int
main(void)
{
	UNIT_RUN(label_retransmitted_segment);
	UNIT_RUN(label_keepalive_is_not_retransmission);
	UNIT_RUN(label_syn_and_fin_retransmissions);
	UNIT_RUN(label_gap_filler_not_retransmission);
	UNIT_RUN(label_two_connections_same_ports);
	UNIT_RUN(label_rebased_syn_after_close);
	UNIT_RUN(label_not_tcp);
	UNIT_RUN(label_verona_kill);
	UNIT_RUN(label_verona_kill_not_the_programs);
	return UNIT_END();
}
