/*
 * test_conn.c — unit tests for pcap/conn.c (TCP connections with
 * per-direction reassembly, Zeek-style states, UDP datagrams, ICMP errors)
 * and pcap/check.c (the checks' verdicts and messages), fed with hand-made
 * dissected packets.  Host a is 10.0.0.1 (the client, port 40000 unless a
 * test says otherwise), host b is 10.0.0.2 (the server, port 4000).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "conn.h"
#include "trace.h"
#include "util.h"
#include "unit.h"

#define A	0	/* a packet from a to b */
#define B	1	/* a packet from b to a */

static const uint8_t addr_a[4] = { 10, 0, 0, 1 }, addr_b[4] = { 10, 0, 0, 2 };
static int64_t clock_ns = 1000000000;
static uint16_t client_port = 40000;

/* Adds one TCP segment of len bytes (data may be NULL for len 0). */
static void
seg_n(struct trace_conns *t, int dir, uint32_t seq, uint32_t ack, uint8_t flags,
    const void *data, uint32_t len)
{
	struct trace_pkt p;

	memset(&p, 0, sizeof p);
	clock_ns += 1000000;	/* 1 ms apart */
	p.ts_ns = clock_ns;
	p.status = TRACE_OK;
	p.ip_version = 4;
	memcpy(p.src, dir == A ? addr_a : addr_b, 4);
	memcpy(p.dst, dir == A ? addr_b : addr_a, 4);
	p.ip_hdr_len = 20;
	p.ip_len = 40 + len;
	p.proto = 6;
	p.ttl = 64;
	p.sport = dir == A ? client_port : 4000;
	p.dport = dir == A ? 4000 : client_port;
	p.transport_hdr_len = 20;
	p.seq = seq;
	p.ack = ack;
	p.flags = flags;
	p.win = 65535;
	p.payload = len ? data : NULL;
	p.payload_len = len;
	p.payload_caplen = len;
	p.caplen = p.wirelen = 14 + 40 + len;
	trace_conns_add(t, &p);
}

static void
seg(struct trace_conns *t, int dir, uint32_t seq, uint32_t ack, uint8_t flags, const char *data)
{
	seg_n(t, dir, seq, ack, flags, data, data ? (uint32_t)strlen(data) : 0);
}

#define S	TRACE_SYN
#define SA	(TRACE_SYN | TRACE_ACK)
#define AK	TRACE_ACK
#define PA	(TRACE_PSH | TRACE_ACK)
#define FA	(TRACE_FIN | TRACE_ACK)
#define RA	(TRACE_RST | TRACE_ACK)

/* A new trace; its first packet is 1 ms after the checks' time 0. */
static struct trace_conns *
fresh(void)
{
	clock_ns = 1000000000;
	return trace_conns_new();
}

/* SYN x, SYN-ACK y, ACK. */
static void
handshake(struct trace_conns *t, uint32_t x, uint32_t y)
{
	seg(t, A, x, 0, S, NULL);
	seg(t, B, y, x + 1, SA, NULL);
	seg(t, A, x + 1, y + 1, AK, NULL);
}

/* ---- the checks ---- */

/* "a", "b" and "b:PORT" to the two addresses. */
static int
resolve(void *arg, const char *text, struct trace_endpoint *out, int max, char *err, size_t errlen)
{
	(void)arg;
	if (max < 1)
		return 0;
	memset(out, 0, sizeof *out);
	out->ip_version = 4;
	out->port = -1;
	if (text[0] == 'a' || text[0] == 'b') {
		memcpy(out->addr, text[0] == 'a' ? addr_a : addr_b, 4);
		if (text[1] == ':')
			out->port = atoi(text + 2);
		else if (text[1] != '\0')
			goto bad;
		return 1;
	}
bad:
	snprintf(err, errlen, "no such host '%s'", text);
	return -1;
}

/* Step "quiet1" caused no packets, "loud" two. */
static int
step_packets(void *arg, const char *id, char *err, size_t errlen)
{
	(void)arg;
	if (strcmp(id, "quiet1") == 0)
		return 0;
	if (strcmp(id, "loud") == 0)
		return 2;
	snprintf(err, errlen, "no step with id '%s' ran", id);
	return -1;
}

static json_t *last_verdict;

/* Decides a check in its JSON form, every endpoint resolved through the ctx when it is decided (a new verdict). */
static json_t *
decide_json(const struct trace_check_ctx *x, json_t *j)
{
	struct trace_check c;
	json_t *r;

	if (trace_check_from_json(&c, j, NULL, NULL) != 0)
		return json_pack("{s:s, s:s}", "status", "bad", "message", "no such check");
	r = trace_check_decide(x, &c);
	trace_check_free(&c);
	return r;
}

/*
 * Runs one check on t: spec is the check's JSON with its data already in
 * base64 (see b64).  Returns the status; the message is left in msg().
 */
static const char *
run_check(struct trace_conns *t, const char *spec)
{
	struct trace_check_ctx x = {
		.conns = t, .resolve = resolve, .step_packets = step_packets, .arg = NULL,
		.t0 = 1000000000, .drops = 0,
	};
	json_error_t e;
	json_t *c = json_loads(spec, 0, &e);

	if (c == NULL) {
		fprintf(stderr, "bad check JSON %s: %s\n", spec, e.text);
		return "bad";
	}
	json_decref(last_verdict);
	last_verdict = decide_json(&x, c);
	json_decref(c);
	return json_string_value(json_object_get(last_verdict, "status"));
}

static const char *
msg(void)
{
	return json_string_value(json_object_get(last_verdict, "message"));
}

/* The message holds want; otherwise prints it and fails. */
#define CHECK_MSG(want) do { const char *m_ = msg(); \
	if (m_ == NULL || strstr(m_, (want)) == NULL) { unit_failed_checks++; \
	fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, m_ ? m_ : "(null)", (want)); } } while (0)

/* A check with a data argument: spec has one %s for the base64 of data. */
static const char *
run_check_data(struct trace_conns *t, const char *fmt, const void *data, size_t len)
{
	char *b = b64_encode(data, len), *spec = xasprintf(fmt, b);
	const char *st = run_check(t, spec);
	free(b);
	free(spec);
	return st;
}

/* ---- connections ---- */

/* A whole connection: handshake, data both ways, FIN from a, FIN from b. */
static struct trace_conns *
normal_conn(void)
{
	struct trace_conns *t = fresh();
	handshake(t, 1000, 5000);
	seg(t, A, 1001, 5001, PA, "hello");
	seg(t, B, 5001, 1006, AK, NULL);
	seg(t, B, 5001, 1006, PA, "hi");
	seg(t, A, 1006, 5003, AK, NULL);
	seg(t, A, 1006, 5003, FA, NULL);
	seg(t, B, 5003, 1007, FA, NULL);
	seg(t, A, 1007, 5004, AK, NULL);
	return t;
}

UNIT_TEST(test_normal)
{
	struct trace_conns *t = normal_conn();
	struct trace_conn *c;

	CHECK_INT(t->ntcp, 1);
	CHECK_INT(t->packets, 10);
	if (t->ntcp != 1)
		goto out;
	c = t->tcp[0];
	CHECK_STR(trace_conn_state(c), "SF");
	CHECK_STR(c->history, "ShADadFf");
	CHECK(c->established);
	CHECK(!c->refused);
	CHECK_INT(c->packets, 10);
	CHECK(memcmp(c->c.addr, addr_a, 4) == 0 && c->c.port == 40000);
	CHECK(memcmp(c->s.addr, addr_b, 4) == 0 && c->s.port == 4000);
	CHECK_INT(c->c.isn, 1000);
	CHECK_INT(c->s.isn, 5000);
	CHECK_INT(c->c.syn, 1);
	CHECK_INT(c->s.synack, 1);
	CHECK_MEM(c->c.data.data, c->c.data.len, "hello", 5);
	CHECK_MEM(c->s.data.data, c->s.data.len, "hi", 2);
	CHECK_INT(c->c.next, 5);
	CHECK_INT(c->s.next, 2);
	CHECK_INT(c->c.payload, 5);
	CHECK(c->c.fin && c->s.fin);
	CHECK_INT(c->c.fin_rel, 5);
	CHECK_INT(c->s.fin_rel, 2);
	CHECK_INT(c->c.acked, 6);	/* the data and the FIN */
	CHECK_INT(c->s.acked, 3);
	CHECK(c->c.fin_ns < c->s.fin_ns);
	CHECK_INT(c->c.retransmissions + c->s.retransmissions, 0);
	CHECK(!c->c.overlap_differs && !c->c.truncated && !c->c.ack_beyond);
	CHECK(!c->s.overlap_differs && !c->s.truncated && !c->s.ack_beyond);
	CHECK(c->c.pending == NULL);

	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "pass");
	CHECK_MSG("10.0.0.1:40000 and 10.0.0.2:4000: SYN, SYN-ACK, ACK by 0.00");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    "hello", 5), "pass");
	CHECK_MSG("sent the 5 expected bytes");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"b\", \"data\": \"%s\"}",
	    "hi", 2), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "pass");
	CHECK_MSG("acknowledged all 5 bytes");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"first\": \"a\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"first\": \"b\"}"), "fail");
	CHECK_MSG("10.0.0.1:40000 closed first");
	CHECK_STR(run_check(t, "{\"check\": \"state\", \"conn\": \"a\", \"state\": \"SF\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"state\", \"conn\": \"a\", \"state\": \"S1\"}"), "fail");
	CHECK_MSG("ended in state SF, not S1 (history ShADadFf)");
	CHECK_STR(run_check(t, "{\"check\": \"reset\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("no RST in the connection: it was closed with FIN");
	CHECK_STR(run_check(t, "{\"check\": \"refused\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("accepted the connection");
	CHECK_STR(run_check(t, "{\"check\": \"retransmissions\", \"conn\": \"a\", \"max\": 0}"), "pass");
	/* a check named by endpoints, and one naming a port nobody used */
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a to b:4000\", \"client\": \"a\", \"server\": \"b:4000\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a to b:4001\", \"client\": \"a\", \"server\": \"b:4001\"}"), "fail");
	CHECK_MSG("no TCP connection of a to b:4001 is in the trace");
	/* points: earned on a pass only */
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\", \"points\": 2.5, \"name\": \"hs\", "
	    "\"line\": 7, \"col\": 5}"), "pass");
	CHECK(json_real_value(json_object_get(last_verdict, "points")) == 2.5);
	CHECK_STR(json_string_value(json_object_get(last_verdict, "name")), "hs");
	CHECK_INT(json_integer_value(json_object_get(last_verdict, "line")), 7);
out:
	trace_conns_free(t);
}

/* Both ISNs near 2^32: the client's 100 bytes cross it, the server's SYN-ACK is seq 0xffffffff. */
UNIT_TEST(test_wraparound)
{
	struct trace_conns *t = fresh();
	const uint32_t x = 0xfffffff6u, y = 0xffffffffu;	/* x = 2^32 - 10 */
	uint8_t data[100];
	struct trace_conn *c;

	for (int i = 0; i < 100; i++)
		data[i] = (uint8_t)('A' + i % 26);
	handshake(t, x, y);
	seg_n(t, A, x + 1, y + 1, PA, data, 30);		/* seq 2^32-9 .. 20: crosses 0 */
	seg_n(t, A, x + 31, y + 1, PA, data + 30, 40);		/* seq 21 */
	seg(t, B, y + 1, x + 71, AK, NULL);
	seg_n(t, A, x + 71, y + 1, PA, data + 70, 30);
	seg(t, B, y + 1, x + 101, AK, NULL);
	seg(t, A, x + 101, y + 1, FA, NULL);
	seg(t, B, y + 1, x + 102, FA, NULL);
	seg(t, A, x + 102, y + 2, AK, NULL);
	CHECK_INT(x + 31, 21);
	CHECK_INT(t->ntcp, 1);
	if (t->ntcp != 1)
		goto out;
	c = t->tcp[0];
	CHECK(c->established);
	CHECK_STR(trace_conn_state(c), "SF");
	CHECK_INT(c->c.next, 100);
	CHECK_INT(c->c.high, 100);
	CHECK_MEM(c->c.data.data, c->c.data.len, data, 100);
	CHECK_INT(c->c.acked, 101);
	CHECK_INT(c->c.fin_rel, 100);
	CHECK_INT(c->s.acked, 1);
	CHECK_INT(c->c.retransmissions, 0);
	CHECK(!c->c.ack_beyond && !c->s.ack_beyond && !c->c.overlap_differs);
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    data, 100), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"first\": \"a\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "pass");
out:
	trace_conns_free(t);
}

/* The second segment first, then the first; then three segments as 3, 1, 2. */
UNIT_TEST(test_out_of_order)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	handshake(t, 100, 900);
	seg(t, A, 107, 901, PA, "world");
	CHECK(t->tcp[0]->c.pending != NULL);
	CHECK_INT(t->tcp[0]->c.next, 0);
	CHECK_INT(t->tcp[0]->c.high, 11);
	seg(t, A, 101, 901, PA, "hello ");
	seg(t, B, 901, 112, AK, NULL);
	c = t->tcp[0];
	CHECK(c->c.pending == NULL);
	CHECK_INT(c->c.next, 11);
	CHECK_MEM(c->c.data.data, c->c.data.len, "hello world", 11);
	CHECK_INT(c->c.retransmissions, 0);
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    "hello world", 11), "pass");
	trace_conns_free(t);

	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 109, 901, PA, "ghi");
	seg(t, A, 101, 901, PA, "abc");
	seg(t, A, 104, 901, PA, "def12");
	c = t->tcp[0];
	CHECK(c->c.pending == NULL);
	CHECK_MEM(c->c.data.data, c->c.data.len, "abcdef12ghi", 11);
	trace_conns_free(t);

	/* a gap never filled: the stream cannot be told */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "abc");
	seg(t, A, 109, 901, PA, "ghi");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    "abc", 3), "error");
	CHECK_MSG("the capture missed some of 10.0.0.1:40000's segments (bytes 3..11 never seen)");
	trace_conns_free(t);
}

/* A segment sent twice (and a FIN sent twice): counted, the bytes kept once. */
UNIT_TEST(test_retransmission)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "hello");
	seg(t, A, 101, 901, PA, "hello");
	seg(t, B, 901, 106, AK, NULL);
	seg(t, A, 106, 901, FA, NULL);
	seg(t, A, 106, 901, FA, NULL);
	c = t->tcp[0];
	CHECK_INT(c->c.retransmissions, 2);
	CHECK_INT(c->c.payload, 10);	/* sent on the wire */
	CHECK_INT(c->c.next, 5);
	CHECK_MEM(c->c.data.data, c->c.data.len, "hello", 5);
	CHECK(!c->c.overlap_differs);
	CHECK_STR(c->history, "ShADaF");
	CHECK_STR(run_check(t, "{\"check\": \"retransmissions\", \"conn\": \"a\", \"max\": 1}"), "fail");
	CHECK_MSG("2 retransmitted segments, more than 1");
	CHECK_STR(run_check(t, "{\"check\": \"retransmissions\", \"conn\": \"a\", \"min\": 2}"), "pass");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    "hello", 5), "pass");
	trace_conns_free(t);
}

/* Overlapping segments: with the same bytes nothing is flagged; with other bytes overlap_differs. */
UNIT_TEST(test_overlap)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "AAAAAAAAAA");
	seg(t, A, 106, 901, PA, "AAAAABBBBB");	/* same bytes in the overlap */
	c = t->tcp[0];
	CHECK(!c->c.overlap_differs);
	CHECK_MEM(c->c.data.data, c->c.data.len, "AAAAAAAAAABBBBB", 15);
	trace_conns_free(t);

	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "AAAAAAAAAA");
	seg(t, A, 106, 901, PA, "aaaaaBBBBB");	/* bytes 5..9 differ */
	c = t->tcp[0];
	CHECK(c->c.overlap_differs);
	CHECK_INT(c->c.next, 15);
	CHECK_MEM(c->c.data.data, c->c.data.len, "AAAAAAAAAABBBBB", 15);	/* the first copy kept */
	trace_conns_free(t);

	/* a whole retransmission with other bytes */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "hello");
	seg(t, A, 101, 901, PA, "jello");
	c = t->tcp[0];
	CHECK(c->c.overlap_differs);
	CHECK_INT(c->c.retransmissions, 1);
	CHECK_MEM(c->c.data.data, c->c.data.len, "hello", 5);
	trace_conns_free(t);
}

/* The SYN sent twice with the same ISN: one connection, one retransmission, the handshake whole. */
UNIT_TEST(test_duplicate_syn)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	seg(t, A, 100, 0, S, NULL);
	seg(t, A, 100, 0, S, NULL);
	seg(t, B, 900, 101, SA, NULL);
	seg(t, A, 101, 901, AK, NULL);
	CHECK_INT(t->ntcp, 1);
	c = t->tcp[0];
	CHECK_INT(c->c.syn, 2);
	CHECK_INT(c->c.retransmissions, 1);
	CHECK(c->established);
	CHECK(c->c.syn_ns < c->s.synack_ns);
	CHECK_INT(c->c.syn_ns, c->first_ns);	/* the first SYN's time */
	CHECK_STR(trace_conn_state(c), "S1");
	CHECK_STR(c->history, "ShA");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "pass");
	CHECK_MSG("(the SYN was retransmitted)");
	CHECK_STR(run_check(t, "{\"check\": \"retransmissions\", \"conn\": \"a\", \"max\": 0}"), "fail");
	CHECK_MSG("1 retransmitted segments, more than 0");
	trace_conns_free(t);
}

/* A FIN that carries the last bytes, and a FIN merged into b's ACK. */
UNIT_TEST(test_fin_with_data)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	handshake(t, 100, 900);
	seg(t, A, 101, 901, TRACE_FIN | PA, "bye!");
	seg(t, B, 901, 106, FA, NULL);
	seg(t, A, 106, 902, AK, NULL);
	c = t->tcp[0];
	CHECK_MEM(c->c.data.data, c->c.data.len, "bye!", 4);
	CHECK(c->c.fin);
	CHECK_INT(c->c.fin_rel, 4);
	CHECK_INT(c->c.acked, 5);
	CHECK(!c->s.ack_beyond && !c->c.ack_beyond);
	CHECK_STR(trace_conn_state(c), "SF");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"first\": \"a\"}"), "pass");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    "bye!", 4), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "pass");
	trace_conns_free(t);
}

/* A SYN answered by RST-ACK: refused, REJ, and the handshake check says why. */
UNIT_TEST(test_refused)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	seg(t, A, 100, 0, S, NULL);
	seg(t, B, 0, 101, RA, NULL);
	CHECK_INT(t->ntcp, 1);
	c = t->tcp[0];
	CHECK(c->refused);
	CHECK(!c->established);
	CHECK(c->s.rst);
	CHECK_STR(trace_conn_state(c), "REJ");
	CHECK_STR(c->history, "Sr");
	CHECK_STR(run_check(t, "{\"check\": \"refused\", \"conn\": \"a\", \"attempt\": 1}"), "pass");
	CHECK_MSG("10.0.0.2:4000 answered 10.0.0.1:40000's SYN with RST-ACK at 0.002 s");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 answered 10.0.0.1:40000's SYN with a reset at 0.002 s: nothing was listening on that port");
	CHECK_STR(run_check(t, "{\"check\": \"state\", \"conn\": \"a\", \"state\": \"REJ\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"reset\", \"conn\": \"a\", \"by\": \"b\"}"), "pass");
	/* closed says the real cause, not an abort with unread data */
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("the connection was never open: 10.0.0.2:4000 refused 10.0.0.1:40000's SYN (RST-ACK at 0.002 s), "
	    "so there was nothing to close");
	trace_conns_free(t);

	/* an RST-ACK whose ack is not the SYN's x+1 does not refuse it */
	t = fresh();
	seg(t, A, 100, 0, S, NULL);
	seg(t, B, 0, 555, RA, NULL);
	CHECK(!t->tcp[0]->refused);
	trace_conns_free(t);
}

/* Only SYNs: S0, and the handshake check says the server never answered. */
UNIT_TEST(test_s0)
{
	struct trace_conns *t = fresh();

	seg(t, A, 100, 0, S, NULL);
	seg(t, A, 100, 0, S, NULL);
	CHECK_INT(t->ntcp, 1);
	CHECK_STR(trace_conn_state(t->tcp[0]), "S0");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.1:40000 sent SYN at 0.001 s (and retransmitted it) but 10.0.0.2:4000 never answered with SYN-ACK");
	CHECK_STR(run_check(t, "{\"check\": \"refused\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("never answered");
	trace_conns_free(t);

	/* SYN and SYN-ACK, no ACK */
	t = fresh();
	seg(t, A, 100, 0, S, NULL);
	seg(t, B, 900, 101, SA, NULL);
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("never completed the handshake with its ACK");
	trace_conns_free(t);
}

/* The client resets (RSTO), the server resets (RSTR); closed names who sent RST instead of FIN. */
UNIT_TEST(test_rst)
{
	struct trace_conns *t = fresh();

	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "abc");
	seg(t, B, 901, 104, AK, NULL);
	seg(t, A, 104, 901, RA, NULL);
	CHECK_STR(trace_conn_state(t->tcp[0]), "RSTO");
	CHECK_STR(t->tcp[0]->history, "ShADaR");
	CHECK_STR(run_check(t, "{\"check\": \"reset\", \"conn\": \"a\"}"), "pass");
	CHECK_MSG("10.0.0.1:40000 sent RST at 0.006 s");
	CHECK_STR(run_check(t, "{\"check\": \"reset\", \"conn\": \"a\", \"by\": \"b\"}"), "fail");
	CHECK_MSG("the reset came from 10.0.0.1:40000, not from b");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.1:40000 sent RST instead of FIN at 0.006 s");
	trace_conns_free(t);

	/* b closes with a's data unread: RST-ACK, a never sends FIN (its socket was reset) */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "unread");
	seg(t, B, 901, 107, AK, NULL);
	seg(t, B, 901, 107, RA, NULL);
	CHECK_STR(trace_conn_state(t->tcp[0]), "RSTR");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 sent RST instead of FIN at 0.006 s");
	CHECK_MSG("closed with unread data");
	CHECK_STR(run_check(t, "{\"check\": \"reset\", \"conn\": \"a\", \"by\": \"b\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"state\", \"conn\": \"a\", \"state\": \"RSTR\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "pass");
	trace_conns_free(t);

	/* a closes (FIN, acked), then b resets instead of closing */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, FA, NULL);
	seg(t, B, 901, 102, AK, NULL);
	seg(t, B, 901, 102, RA, NULL);
	CHECK_STR(trace_conn_state(t->tcp[0]), "RSTR");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 sent RST instead of FIN");
	trace_conns_free(t);

	/* only a FIN from a: b never closed */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, FA, NULL);
	seg(t, B, 901, 102, AK, NULL);
	CHECK_STR(trace_conn_state(t->tcp[0]), "S2");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 never sent FIN");
	trace_conns_free(t);

	/* a's FIN never acknowledged */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, FA, NULL);
	seg(t, B, 901, 101, FA, NULL);
	seg(t, A, 102, 902, AK, NULL);
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 never acknowledged the FIN 10.0.0.1:40000 sent");
	trace_conns_free(t);
}

/* A new SYN with another ISN on the same ports is a second connection. */
UNIT_TEST(test_new_syn_new_conn)
{
	struct trace_conns *t = fresh();

	seg(t, A, 100, 0, S, NULL);
	seg(t, B, 0, 101, RA, NULL);
	seg(t, A, 7000, 0, S, NULL);
	seg(t, B, 900, 7001, SA, NULL);
	seg(t, A, 7001, 901, AK, NULL);
	seg(t, A, 7001, 901, PA, "again");
	CHECK_INT(t->ntcp, 2);
	if (t->ntcp != 2)
		goto out;
	CHECK_STR(trace_conn_state(t->tcp[0]), "REJ");
	CHECK_INT(t->tcp[0]->packets, 2);
	CHECK_STR(trace_conn_state(t->tcp[1]), "S1");
	CHECK(t->tcp[1]->established);
	CHECK_INT(t->tcp[1]->c.isn, 7000);
	CHECK_INT(t->tcp[1]->c.retransmissions, 0);
	CHECK_MEM(t->tcp[1]->c.data.data, t->tcp[1]->c.data.len, "again", 5);
	CHECK_STR(run_check(t, "{\"check\": \"refused\", \"conn\": \"a\", \"attempt\": 1}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "pass");	/* the last */
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\", \"attempt\": 2}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\", \"attempt\": 1}"), "fail");
	CHECK_MSG("with a reset");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\", \"attempt\": 3}"), "fail");
	CHECK_MSG("a made 2 connection attempts, not 3");
out:
	trace_conns_free(t);
}

/* b acknowledges 10 bytes of a's that the capture never saw: a harness error. */
UNIT_TEST(test_ack_beyond)
{
	struct trace_conns *t = fresh();

	handshake(t, 100, 900);
	/* a's 10 bytes at seq 101 were not captured */
	seg(t, B, 901, 111, AK, NULL);
	CHECK(t->tcp[0]->c.ack_beyond);
	CHECK(!t->tcp[0]->s.ack_beyond);
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "error");
	CHECK_MSG("acknowledged bytes of 10.0.0.1:40000 that the capture never saw");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    "", 0), "error");
	CHECK_MSG("packets were lost");
	trace_conns_free(t);
}

/* A payload cut by the snaplen: the stream's bytes are unknown, a harness error. */
UNIT_TEST(test_truncated)
{
	struct trace_conns *t = fresh();
	struct trace_pkt p;
	uint8_t data[200];

	memset(data, 'x', sizeof data);
	handshake(t, 100, 900);
	memset(&p, 0, sizeof p);
	p.ts_ns = clock_ns += 1000000;
	p.status = TRACE_OK;
	p.ip_version = 4;
	memcpy(p.src, addr_a, 4);
	memcpy(p.dst, addr_b, 4);
	p.proto = 6;
	p.sport = 40000;
	p.dport = 4000;
	p.transport_hdr_len = 20;
	p.seq = 101;
	p.ack = 901;
	p.flags = PA;
	p.payload = data;
	p.payload_len = 200;
	p.payload_caplen = 10;
	trace_conns_add(t, &p);
	seg(t, B, 901, 301, AK, NULL);
	CHECK(t->tcp[0]->c.truncated);
	CHECK_INT(t->tcp[0]->c.next, 200);
	CHECK(!t->tcp[0]->c.ack_beyond);
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    data, 200), "error");
	CHECK_MSG("the capture cut the payload of 10.0.0.1:40000's segments (snaplen too small)");
	/* acked needs no bytes */
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "pass");
	trace_conns_free(t);

	/* every TCP header cut short (snaplen 64 with TCP options): no connection can be read */
	t = fresh();
	memset(&p, 0, sizeof p);
	p.ts_ns = clock_ns += 1000000;
	p.status = TRACE_TRUNCATED;
	p.why = "truncated TCP options";
	p.ip_version = 4;
	memcpy(p.src, addr_a, 4);
	memcpy(p.dst, addr_b, 4);
	p.proto = 6;
	p.sport = 40000;
	p.dport = 4000;
	p.seq = 100;
	p.flags = S;
	trace_conns_add(t, &p);
	CHECK_INT(t->truncated, 1);
	CHECK_INT(t->ntcp, 0);
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}",
	    data, 200), "error");
	CHECK_MSG("snaplen too small");
	trace_conns_free(t);
}

/* stream with one byte different, shorter, longer; contains, prefix, lines. */
UNIT_TEST(test_stream_messages)
{
	struct trace_conns *t = fresh();
	const char *fmt = "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"data\": \"%s\"}";

	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "But, soft! what light\n");
	seg(t, A, 123, 901, PA, "through yonder window  \r\nbreaks?");
	seg(t, B, 901, 155, AK, NULL);

	CHECK_STR(run_check_data(t, fmt, "But, s0ft! what light\nthrough yonder window  \r\nbreaks?", 54), "fail");
	CHECK_MSG("10.0.0.1:40000's bytes differ from the expected at byte 6: expected b'But, s0ft! what light\\nthrough yonder win'..., sent b'But, soft! what light\\nthrough yonder win'...");
	/* a difference further in: the messages show from 10 bytes before it */
	CHECK_STR(run_check_data(t, fmt, "But, soft! what light\nthrough yonder wind0w  \r\nbreaks?", 54), "fail");
	CHECK_MSG("differ from the expected at byte 41: expected b'onder wind0w  \\r\\nbreaks?', sent b'onder window  \\r\\nbreaks?'");
	CHECK_STR(run_check_data(t, fmt, "But, soft! what light\nthrough yonder window  \r\nbreaks?!!", 56), "fail");
	CHECK_MSG("sent 54 bytes, 2 fewer than expected");
	CHECK_STR(run_check_data(t, fmt, "But, soft!", 10), "fail");
	CHECK_MSG("sent 44 bytes more than expected");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"contains\": \"%s\"}",
	    "yonder", 6), "pass");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"contains\": \"%s\"}",
	    "balcony", 7), "fail");
	CHECK_MSG("do not contain b'balcony'");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"prefix\": \"%s\"}",
	    "But,", 4), "pass");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", \"prefix\": \"%s\"}",
	    "Soft", 4), "fail");
	CHECK_STR(run_check(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", "
	    "\"lines\": [\"But, soft! what light\", \"through yonder window\", \"breaks?\"]}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", "
	    "\"lines\": [\"through yonder window\", \"But, soft! what light\"]}"), "fail");
	CHECK_MSG("lacks the line \"But, soft! what light\" after the lines before it");
	CHECK_STR(run_check_data(t, "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"c\", \"data\": \"%s\"}",
	    "x", 1), "error");
	CHECK_MSG("no such host 'c'");
	trace_conns_free(t);
}

/*
 * lines: an expected line that is there but has no newline after it (the
 * readings run together) is said to be there without its line end, and
 * what follows it; a last line without a newline is a line; a line that is
 * not there at all still "lacks the line".
 */
UNIT_TEST(test_stream_line_without_newline)
{
	struct trace_conns *t = fresh();
	const char *three = "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"a\", "
	    "\"lines\": [\"T=23.4\", \"T=19.1\", \"T=20.0\"]}";

	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "T=23.4T=19.1T=20.0");
	seg(t, B, 901, 119, AK, NULL);
	CHECK_STR(run_check(t, three), "fail");
	CHECK_MSG("10.0.0.1:40000's text has \"T=23.4\", but not as a line: no newline ends it, and b'T=19.1T=20.0' "
	    "follows it (expected the line \"T=23.4\" ending in \\n)");
	trace_conns_free(t);

	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "T=23.4\nT=19.1T=20.0");
	seg(t, B, 901, 120, AK, NULL);
	CHECK_STR(run_check(t, three), "fail");
	CHECK_MSG("has \"T=19.1\" after the lines before it, but not as a line: no newline ends it, and b'T=20.0' follows it");
	trace_conns_free(t);

	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "T=23.4\nT=19.1\nT=20.0");
	seg(t, B, 901, 121, AK, NULL);
	CHECK_STR(run_check(t, three), "pass");
	trace_conns_free(t);

	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "T=23.4\nT=20.0\n");
	seg(t, B, 901, 115, AK, NULL);
	CHECK_STR(run_check(t, three), "fail");
	CHECK_MSG("10.0.0.1:40000's text lacks the line \"T=19.1\" after the lines before it");
	trace_conns_free(t);
}

/* acked: b acknowledges 5 of a's 10 bytes. */
UNIT_TEST(test_acked_missing)
{
	struct trace_conns *t = fresh();

	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "01234");
	seg(t, A, 106, 901, PA, "56789");
	seg(t, B, 901, 106, AK, NULL);
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 acknowledged 5 of the 10 bytes 10.0.0.1:40000 sent");
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"b\"}"), "pass");
	CHECK_MSG("10.0.0.2:4000 sent no data");
	/* an older ACK after a newer one does not move it back */
	seg(t, B, 901, 111, AK, NULL);
	seg(t, B, 901, 106, AK, NULL);
	CHECK_INT(t->tcp[0]->c.acked, 10);
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "pass");
	trace_conns_free(t);
}

/*
 * Two connections to b:4000 served at once, then two one after the other.
 * A connection counts from the server's first data: the kernel completes
 * handshakes before a server without threads accepts.
 */
UNIT_TEST(test_concurrent)
{
	struct trace_conns *t = fresh();
	const char *spec = "{\"check\": \"concurrent\", \"server\": \"b:4000\", \"count\": 2}";

	client_port = 40001;
	handshake(t, 100, 900);
	client_port = 40002;
	handshake(t, 200, 800);
	CHECK_INT(t->ntcp, 2);
	/* connected at once and not answered yet: the kernel did that, not the server */
	CHECK_STR(run_check(t, spec), "fail");
	CHECK_MSG("b:4000 answered none of its 2 connections (a connection counts from the server's first byte on it)");
	client_port = 40001;
	seg(t, B, 901, 101, PA, "hi");
	client_port = 40002;
	seg(t, B, 801, 201, PA, "hi");
	client_port = 40000;
	/* neither ended: both are open when the trace ends */
	CHECK_STR(run_check(t, spec), "pass");
	CHECK_MSG("b:4000 served 2 connections at once");
	trace_conns_free(t);

	t = fresh();
	client_port = 40001;
	handshake(t, 100, 900);
	seg(t, B, 901, 101, PA, "hi");
	seg(t, A, 101, 903, FA, NULL);
	seg(t, B, 903, 102, FA, NULL);
	seg(t, A, 102, 904, AK, NULL);
	client_port = 40002;
	handshake(t, 200, 800);
	seg(t, B, 801, 201, PA, "hi");
	client_port = 40000;
	CHECK_STR(run_check(t, spec), "fail");
	CHECK_MSG("b:4000 served at most 1 connection at once (of 2), expected 2");
	trace_conns_free(t);
}

/* The capture starts in the middle of a connection. */
UNIT_TEST(test_midstream)
{
	struct trace_conns *t = fresh();
	struct trace_conn *c;

	seg(t, A, 5000, 9000, PA, "tail");
	seg(t, B, 9000, 5004, PA, "ok");
	seg(t, A, 5004, 9002, AK, NULL);
	CHECK_INT(t->ntcp, 1);
	c = t->tcp[0];
	CHECK(c->c.midstream && c->s.midstream);
	CHECK_MEM(c->c.data.data, c->c.data.len, "tail", 4);
	CHECK_MEM(c->s.data.data, c->s.data.len, "ok", 2);
	CHECK_STR(trace_conn_state(c), "OTH");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("no SYN from 10.0.0.1:40000 opened the connection");
	trace_conns_free(t);
}

/* A long datagram that differs late: the message shows the difference, not the equal start. */
UNIT_TEST(test_datagram_difference_shown)
{
	static const char sent[] = "O Romeo, Romeo! wherefore art thou Romeo? Deny thy father";
	static const char want[] = "O Romeo, Romeo! wherefore art thou Romeo! Deny thy father";
	struct trace_conns *t = fresh();
	struct trace_pkt p;
	char *b, *spec;

	memset(&p, 0, sizeof p);
	p.ts_ns = clock_ns += 1000000;
	p.status = TRACE_OK;
	p.ip_version = 4;
	memcpy(p.src, addr_a, 4);
	memcpy(p.dst, addr_b, 4);
	p.proto = 17;
	p.sport = 50000;
	p.dport = 5000;
	p.transport_hdr_len = 8;
	p.udp_len = 8 + sizeof sent - 1;
	p.payload = (const uint8_t *)sent;
	p.payload_len = p.payload_caplen = sizeof sent - 1;
	trace_conns_add(t, &p);
	b = b64_encode(want, sizeof want - 1);
	spec = xasprintf("{\"check\": \"datagrams\", \"from\": \"a\", \"to\": \"b:5000\", \"data\": [\"%s\"]}", b);
	CHECK_STR(run_check(t, spec), "fail");
	CHECK_MSG("datagram 1 from a to b:5000 differs from the expected at byte 40; from byte 30 it carried "
	    "b'thou Romeo? Deny thy father', expected b'thou Romeo! Deny thy father'");
	free(spec);
	free(b);
	b = b64_encode(want, sizeof want - 8);	/* the datagram is 7 bytes longer than this */
	spec = xasprintf("{\"check\": \"datagrams\", \"from\": \"a\", \"to\": \"b:5000\", \"data\": [\"%s\"]}", b);
	CHECK_STR(run_check(t, spec), "fail");
	CHECK_MSG("differs from the expected at byte 40");
	free(spec);
	free(b);
	trace_conns_free(t);
}

/* UDP datagrams, an ICMP port unreachable, quiet steps, and a capture that dropped packets. */
UNIT_TEST(test_udp_icmp_quiet)
{
	struct trace_conns *t = fresh();
	struct trace_pkt p;
	const char *dg[] = { "one", "two" };
	char *b1, *b2, *spec;

	for (int i = 0; i < 2; i++) {
		memset(&p, 0, sizeof p);
		p.ts_ns = clock_ns += 1000000;
		p.status = TRACE_OK;
		p.ip_version = 4;
		memcpy(p.src, addr_a, 4);
		memcpy(p.dst, addr_b, 4);
		p.proto = 17;
		p.sport = 50000;
		p.dport = 5000;
		p.transport_hdr_len = 8;
		p.udp_len = 11;
		p.payload = (const uint8_t *)dg[i];
		p.payload_len = p.payload_caplen = 3;
		trace_conns_add(t, &p);
	}
	memset(&p, 0, sizeof p);
	p.ts_ns = clock_ns += 1000000;
	p.status = TRACE_OK;
	p.ip_version = 4;
	memcpy(p.src, addr_b, 4);
	memcpy(p.dst, addr_a, 4);
	p.proto = 1;
	p.transport_hdr_len = 8;
	p.icmp_type = 3;
	p.icmp_code = 3;
	p.has_quote = 1;
	p.q_ip_version = 4;
	memcpy(p.q_src, addr_a, 4);
	memcpy(p.q_dst, addr_b, 4);
	p.q_proto = 17;
	p.q_sport = 50000;
	p.q_dport = 5001;
	trace_conns_add(t, &p);
	CHECK_INT(t->nudp, 2);
	CHECK_INT(t->nicmp, 1);
	CHECK_INT(t->ntcp, 0);

	b1 = b64_encode("one", 3);
	b2 = b64_encode("tw0", 3);
	spec = xasprintf("{\"check\": \"datagrams\", \"from\": \"a\", \"to\": \"b:5000\", \"data\": [\"%s\", \"%s\"]}", b1, b2);
	CHECK_STR(run_check(t, spec), "fail");
	CHECK_MSG("datagram 2 from a to b:5000 carried b'two', expected b'tw0'");
	free(spec);
	free(b2);
	b2 = b64_encode("two", 3);
	spec = xasprintf("{\"check\": \"datagrams\", \"from\": \"a\", \"to\": \"b:5000\", \"data\": [\"%s\", \"%s\"]}", b1, b2);
	CHECK_STR(run_check(t, spec), "pass");
	free(spec);
	free(b1);
	free(b2);
	CHECK_STR(run_check(t, "{\"check\": \"datagrams\", \"from\": \"a\", \"to\": \"b\", \"count\": 3}"), "fail");
	CHECK_MSG("2 datagrams went from a to b, expected 3");
	CHECK_STR(run_check(t, "{\"check\": \"icmp_unreachable\", \"from\": \"a\", \"to\": \"b:5001\"}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"icmp_unreachable\", \"from\": \"a\", \"to\": \"b:5000\"}"), "fail");
	CHECK_MSG("no ICMP port unreachable quoted a datagram from a to b:5000");
	CHECK_STR(run_check(t, "{\"check\": \"quiet\", \"steps\": [\"quiet1\"]}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"quiet\", \"steps\": [\"quiet1\", \"loud\"]}"), "fail");
	CHECK_MSG("step loud caused 2 packets on the wire");
	CHECK_STR(run_check(t, "{\"check\": \"quiet\", \"steps\": [\"nope\"]}"), "error");
	CHECK_STR(run_check(t, "{\"check\": \"handshake\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("no TCP connection of a is in the trace");

	/* a capture that lost packets decides nothing, but a quiet step that was loud */
	{
		struct trace_check_ctx x = { .conns = t, .resolve = resolve, .step_packets = step_packets,
			.t0 = 0, .drops = 3 };
		json_t *c = json_pack("{s:s, s:s, s:s, s:i}", "check", "datagrams", "from", "a", "to", "b", "count", 2);
		json_t *r = decide_json(&x, c);
		CHECK_STR(json_string_value(json_object_get(r, "status")), "error");
		CHECK_STR(json_string_value(json_object_get(r, "message")),
		    "the capture dropped 3 packets: this check cannot be decided");
		json_decref(r);
		json_decref(c);
		/* quiet: no packets seen may be packets lost; packets seen are a sure failure */
		c = json_pack("{s:s, s:[s]}", "check", "quiet", "steps", "quiet1");
		r = decide_json(&x, c);
		CHECK_STR(json_string_value(json_object_get(r, "status")), "error");
		json_decref(r);
		json_decref(c);
		c = json_pack("{s:s, s:[s]}", "check", "quiet", "steps", "loud");
		r = decide_json(&x, c);
		CHECK_STR(json_string_value(json_object_get(r, "status")), "fail");
		json_decref(r);
		json_decref(c);
	}
	trace_conns_free(t);
}

/* From the review: holes, keepalives and captures that begin mid-connection. */
UNIT_TEST(test_holes_keepalive_midstream)
{
	struct trace_conns *t = fresh();

	/* the first segment was not captured and nothing was acknowledged: acked cannot tell */
	handshake(t, 100, 900);
	seg(t, A, 111, 901, PA, "0123456789");
	CHECK_STR(run_check(t, "{\"check\": \"acked\", \"conn\": \"a\", \"from\": \"a\"}"), "error");
	trace_conns_free(t);

	/* a one-byte keepalive at next-1 is not a retransmission */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, A, 101, 901, PA, "hello");
	seg(t, B, 901, 106, AK, NULL);
	seg(t, A, 105, 901, AK, "o");
	CHECK_INT(t->tcp[0]->c.retransmissions, 0);
	CHECK(!t->tcp[0]->c.overlap_differs);
	trace_conns_free(t);

	/* a lost FIN that the peer acknowledged: closed and state cannot tell */
	t = fresh();
	handshake(t, 100, 900);
	seg(t, B, 901, 102, AK, NULL);
	CHECK(t->tcp[0]->c.ack_beyond);
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "error");
	CHECK_STR(run_check(t, "{\"check\": \"state\", \"conn\": \"a\", \"state\": \"SF\"}"), "error");
	trace_conns_free(t);

	/* the capture began after the handshake and the server spoke first: ends found either way */
	t = fresh();
	seg(t, B, 5000, 7000, PA, "220 hello");
	seg(t, A, 7000, 5009, AK, NULL);
	CHECK_INT(t->ntcp, 1);
	CHECK_STR(run_check(t, "{\"check\": \"stream\", \"conn\": \"a to b\", \"client\": \"a\", \"server\": \"b\", \"from\": \"b\", \"prefix\": \"MjIw\"}"), "pass");
	trace_conns_free(t);
}

/* Many connections on distinct ports: the index grows and each packet finds its own. */
UNIT_TEST(test_many_conns)
{
	struct trace_conns *t = fresh();
	int bad = 0;

	for (int i = 0; i < 3000; i++) {
		client_port = (uint16_t)(20000 + i);
		handshake(t, (uint32_t)i * 7919u, 1000);
	}
	for (int i = 0; i < 3000; i++) {
		char d[16];
		client_port = (uint16_t)(20000 + i);
		snprintf(d, sizeof d, "%d", i);
		seg(t, A, (uint32_t)i * 7919u + 1, 1001, PA, d);
	}
	client_port = 40000;
	CHECK_INT(t->ntcp, 3000);
	for (size_t i = 0; i < t->ntcp && i < 3000; i++) {
		char d[16];
		int n = snprintf(d, sizeof d, "%zu", i);
		struct trace_conn *c = t->tcp[i];
		if (c->c.port != 20000 + i || !c->established || c->c.data.len != (size_t)n ||
		    memcmp(c->c.data.data, d, (size_t)n) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	trace_conns_free(t);
}

/* verona killed the program on b at kill_ns (it started before the trace). */
static void
kill_b(struct trace_conns *t, int64_t kill_ns)
{
	struct trace_kill k;

	memset(&k, 0, sizeof k);
	k.ip_version = 4;
	memcpy(k.addr, addr_b, 4);
	k.killed_ns = kill_ns;
	strcpy(k.what, "the program of step 2, at its timeout");
	trace_conns_kill(t, &k);
}

/* What b's kernel sent after verona killed b's program: not its bytes, not its close, not its reset. */
UNIT_TEST(test_verona_kill)
{
	struct trace_conns *t = fresh();
	const char *fmt = "{\"check\": \"stream\", \"conn\": \"a\", \"from\": \"b\", \"data\": \"%s\"}";

	kill_b(t, clock_ns + 5000000);	/* at 5 ms */
	handshake(t, 1000, 5000);
	seg(t, B, 5001, 1001, PA, "hello");
	seg(t, A, 1001, 5006, AK, NULL);
	seg(t, B, 5006, 1001, PA, "world");	/* after the kill: bytes the kernel still had */
	seg(t, B, 5011, 1001, FA, NULL);
	seg(t, A, 1001, 5012, FA, NULL);
	seg(t, B, 5012, 1002, AK, NULL);
	CHECK_STR(run_check_data(t, fmt, "hello", 5), "pass");
	CHECK_STR(run_check_data(t, fmt, "helloworld", 10), "fail");
	CHECK_MSG("sent 5 bytes, 5 fewer than expected: it stopped before b'helloworld' (5 more bytes left only "
	    "after verona killed the program of step 2, at its timeout (0.005 s): they do not count)");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("10.0.0.2:4000 never closed the connection itself: its FIN at 0.007 s came from the kernel when "
	    "verona killed the program of step 2, at its timeout (0.005 s)");
	trace_conns_free(t);

	/* the kernel's RST at the kill (the program left unread data) is no reset of the program's */
	t = fresh();
	kill_b(t, clock_ns + 5000000);
	handshake(t, 1000, 5000);
	seg(t, A, 1001, 5001, PA, "unread");
	seg(t, B, 5001, 1007, RA, NULL);
	CHECK_STR(run_check(t, "{\"check\": \"reset\", \"conn\": \"a\", \"by\": \"b\"}"), "fail");
	CHECK_MSG("no program reset the connection: the RST at 0.005 s came from the kernel when verona killed the "
	    "program of step 2, at its timeout (0.005 s)");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\"}"), "fail");
	CHECK_MSG("its RST at 0.005 s came from the kernel");
	trace_conns_free(t);
}

/* closed within: from the connection's last data; before: needs a run's steps. */
UNIT_TEST(test_closed_within_before)
{
	struct trace_conns *t = normal_conn();	/* last data at 6 ms, FINs at 8 and 9 ms */

	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"within\": 0.0025}"), "fail");
	CHECK_MSG("10.0.0.2:4000 sent FIN at 0.009 s, 0.003 s after the connection's last data (at 0.006 s): not "
	    "within 0.0025 s");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"within\": 0.004}"), "pass");
	CHECK_STR(run_check(t, "{\"check\": \"closed\", \"conn\": \"a\", \"before\": \"quiet1\"}"), "error");
	CHECK_MSG("closed before: needs the steps of a run");
	trace_conns_free(t);
}

int
main(void)
{
	UNIT_RUN(test_normal);
	UNIT_RUN(test_wraparound);
	UNIT_RUN(test_out_of_order);
	UNIT_RUN(test_retransmission);
	UNIT_RUN(test_overlap);
	UNIT_RUN(test_duplicate_syn);
	UNIT_RUN(test_fin_with_data);
	UNIT_RUN(test_refused);
	UNIT_RUN(test_s0);
	UNIT_RUN(test_rst);
	UNIT_RUN(test_new_syn_new_conn);
	UNIT_RUN(test_ack_beyond);
	UNIT_RUN(test_truncated);
	UNIT_RUN(test_stream_messages);
	UNIT_RUN(test_stream_line_without_newline);
	UNIT_RUN(test_acked_missing);
	UNIT_RUN(test_concurrent);
	UNIT_RUN(test_midstream);
	UNIT_RUN(test_udp_icmp_quiet);
	UNIT_RUN(test_datagram_difference_shown);
	UNIT_RUN(test_holes_keepalive_midstream);
	UNIT_RUN(test_many_conns);
	UNIT_RUN(test_verona_kill);
	UNIT_RUN(test_closed_within_before);
	json_decref(last_verdict);
	return UNIT_END();
}
