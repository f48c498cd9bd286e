/*
 * test_dissect.c — unit tests for pcap/dissect.c and pcap/stats.c with
 * hand-built packets: every link type, an Ethernet+IPv4+TCP packet with
 * options cut at every byte (each copy on the heap with exactly caplen
 * bytes, so ASan proves there is no read past it), impossible header
 * fields, an ICMP port unreachable quoting UDP, IPv6 extension headers and
 * fragments, the text of a packet, and per-flow statistics.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/dlt.h>

#include "trace.h"
#include "unit.h"

/* Dissects a heap copy of exactly caplen bytes; the copy is freed at once. */
static enum trace_status
dissect_heap(int linktype, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen,
    struct trace_pkt *p)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	enum trace_status st;

	memcpy(copy, pkt, caplen);
	st = trace_dissect(linktype, caplen ? copy : copy + 1, caplen, wirelen, 0, p);
	free(copy);
	p->payload = NULL;	/* pointed into the copy */
	return st;
}

/* Ethernet, IPv4 (10.10.0.100 > 10.10.0.101), TCP SYN 51202 > 4000 seq 1000 with
 * MSS 1460, SACK permitted, timestamps 1/0, NOP, window scale 7; then "hello". */
static const uint8_t syn_pkt[] = {
	/* Ethernet */
	0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
	/* IPv4: length 65 */
	0x45, 0x00, 0x00, 0x41, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	10, 10, 0, 100, 10, 10, 0, 101,
	/* TCP: data offset 10, SYN, window 64240 */
	0xc8, 0x02, 0x0f, 0xa0, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,
	0x01, 0x03, 0x03, 0x07,
	'h', 'e', 'l', 'l', 'o',
};

UNIT_TEST(test_syn_whole)
{
	struct trace_pkt p;
	uint8_t *copy = malloc(sizeof syn_pkt);
	char line[256];

	memcpy(copy, syn_pkt, sizeof syn_pkt);
	CHECK_INT(trace_dissect(DLT_EN10MB, copy, sizeof syn_pkt, sizeof syn_pkt, 42, &p), TRACE_OK);
	CHECK(p.why == NULL);
	CHECK_INT(p.ts_ns, 42);
	CHECK_INT(p.link_len, 14);
	CHECK_INT(p.ip_version, 4);
	CHECK_MEM(p.src, 4, "\x0a\x0a\x00\x64", 4);
	CHECK_MEM(p.dst, 4, "\x0a\x0a\x00\x65", 4);
	CHECK_INT(p.ip_hdr_len, 20);
	CHECK_INT(p.ip_len, 65);
	CHECK_INT(p.proto, 6);
	CHECK_INT(p.ttl, 64);
	CHECK_INT(p.fragment, 0);
	CHECK_INT(p.first_fragment, 1);
	CHECK_INT(p.sport, 51202);
	CHECK_INT(p.dport, 4000);
	CHECK_INT(p.transport_hdr_len, 40);
	CHECK_INT(p.seq, 1000);
	CHECK_INT(p.flags, TRACE_SYN);
	CHECK_INT(p.win, 64240);
	CHECK_INT(p.has_mss, 1);
	CHECK_INT(p.mss, 1460);
	CHECK_INT(p.sack_ok, 1);
	CHECK_INT(p.has_ts, 1);
	CHECK_INT(p.tsval, 1);
	CHECK_INT(p.tsecr, 0);
	CHECK_INT(p.has_ws, 1);
	CHECK_INT(p.ws, 7);
	CHECK_INT(p.nsack, 0);
	CHECK_INT(p.payload_len, 5);
	CHECK_INT(p.payload_caplen, 5);
	CHECK(p.payload == copy + 74);
	CHECK_MEM(p.payload, p.payload_caplen, "hello", 5);
	trace_pkt_line(&p, 1000, 0, line, sizeof line);
	CHECK_STR(line, "10.10.0.100:51202 > 10.10.0.101:4000 [S] seq 0 win 64240 len 5"
	    " mss 1460 sackOK TS val 1 ecr 0 wscale 7");
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "10.10.0.100:51202 > 10.10.0.101:4000 [S] seq 1000 win 64240 len 5"
	    " mss 1460 sackOK TS val 1 ecr 0 wscale 7");
	/* a small buffer cuts the text, never overruns */
	trace_pkt_line(&p, 0, 0, line, 10);
	CHECK_STR(line, "10.10.0.1");
	free(copy);
}

UNIT_TEST(test_syn_every_truncation)
{
	struct trace_pkt p;
	const char *want;

	for (uint32_t k = 0; k < sizeof syn_pkt; k++) {
		enum trace_status st = dissect_heap(DLT_EN10MB, syn_pkt, k, sizeof syn_pkt, &p);
		if (k < 14)
			want = "truncated Ethernet header";
		else if (k < 34)
			want = "truncated IPv4 header";
		else if (k < 54)
			want = "truncated TCP header";
		else if (k < 74)
			want = "truncated TCP options";
		else
			want = NULL;
		if (want != NULL) {
			CHECK_INT(st, TRACE_TRUNCATED);
			CHECK_STR(p.why, want);
			if (st != TRACE_TRUNCATED || p.why == NULL || strcmp(p.why, want) != 0)
				fprintf(stderr, "  at caplen %u\n", k);
		} else {
			/* the headers are whole: only payload is missing */
			CHECK_INT(st, TRACE_OK);
			CHECK_INT(p.payload_len, 5);
			CHECK_INT(p.payload_caplen, k - 74);
		}
		CHECK_INT(p.caplen, k);
		CHECK_INT(p.wirelen, sizeof syn_pkt);
		/* what could be read is filled */
		if (k >= 34) {
			CHECK_INT(p.ip_version, 4);
			CHECK_INT(p.ip_len, 65);
		}
		if (k >= 38) {
			CHECK_INT(p.sport, 51202);
			CHECK_INT(p.dport, 4000);
		}
		if (k >= 54) {
			CHECK_INT(p.seq, 1000);
			CHECK_INT(p.flags, TRACE_SYN);
		}
	}
}

/* Copies syn_pkt so that one byte can be changed. */
static void
syn_with(uint8_t *buf, size_t off, uint8_t value)
{
	memcpy(buf, syn_pkt, sizeof syn_pkt);
	buf[off] = value;
}

UNIT_TEST(test_bad_fields)
{
	uint8_t buf[sizeof syn_pkt];
	struct trace_pkt p;
	char line[256];

	/* IPv4 header length 4 (16 bytes) */
	syn_with(buf, 14, 0x44);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "bad IPv4 header length");
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "10.10.0.100 > 10.10.0.101 [malformed: bad IPv4 header length]");
	/* IPv4 header length 15 (60 bytes): more than the total length's 65 - 60 for TCP */
	syn_with(buf, 14, 0x4f);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "IP payload shorter than a TCP header");
	/* total length 19, shorter than the header */
	syn_with(buf, 17, 19);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "IPv4 total length shorter than its header");
	/* total length 200, beyond the frame: fields still read */
	syn_with(buf, 17, 200);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "IPv4 total length beyond the packet");
	CHECK_INT(p.sport, 51202);
	CHECK_INT(p.payload_len, 5);
	/* version 5 */
	syn_with(buf, 14, 0x55);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	/* TCP data offset 4, and 0 */
	syn_with(buf, 46, 0x42);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "TCP data offset below 5");
	CHECK_INT(p.sport, 51202);
	CHECK_INT(p.transport_hdr_len, 0);
	syn_with(buf, 46, 0x02);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	/* TCP data offset 15 (60 bytes), beyond the 45-byte segment */
	syn_with(buf, 46, 0xf2);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "TCP data offset beyond the segment");
	/* MSS option with length 1, 0, 30 (beyond the header), 3 (wrong for MSS) */
	const uint8_t bad_len[] = { 1, 0, 30, 3 };
	for (size_t i = 0; i < sizeof bad_len; i++) {
		syn_with(buf, 55, bad_len[i]);
		CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
		CHECK_STR(p.why, "bad TCP option length");
		/* the header itself was read; options stopped */
		CHECK_INT(p.transport_hdr_len, 40);
		CHECK_INT(p.seq, 1000);
		CHECK_INT(p.has_mss, 0);
		CHECK_INT(p.payload_len, 5);
	}
	/* a timestamp option of length 9 */
	syn_with(buf, 61, 9);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_INT(p.has_mss, 1);
	CHECK_INT(p.has_ts, 0);
	/* the last option's kind with no room for its length */
	syn_with(buf, 73, 0x03);
	buf[71] = 0x01;
	buf[72] = 0x01;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "TCP option length beyond the header");
	/* end of options stops the walk early, which is fine */
	syn_with(buf, 54, 0x00);
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_OK);
	CHECK_INT(p.has_mss, 0);
	/* an unknown ethertype, an 802.3 length */
	syn_with(buf, 12, 0x08);
	buf[13] = 0x06;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_UNSUPPORTED);
	CHECK_STR(p.why, "ethertype ARP not dissected");
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "[unsupported: ethertype ARP not dissected]");
	syn_with(buf, 12, 0x00);
	buf[13] = 0x40;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_UNSUPPORTED);
	/* an unknown link type */
	CHECK_INT(dissect_heap(147, syn_pkt, sizeof syn_pkt, sizeof syn_pkt, &p), TRACE_UNSUPPORTED);
	CHECK_STR(p.why, "link type not dissected");
	/* no data at all */
	CHECK_INT(trace_dissect(DLT_EN10MB, NULL, 0, 0, 0, &p), TRACE_TRUNCATED);
}

UNIT_TEST(test_sack_blocks)
{
	uint8_t buf[sizeof syn_pkt];
	struct trace_pkt p;
	char line[256];
	/* NOP, NOP, SACK with two blocks: 1100-1200, 1300-1400 */
	static const uint8_t sack[20] = { 1, 1, 5, 18, 0, 0, 0x04, 0x4c, 0, 0, 0x04, 0xb0,
		0, 0, 0x05, 0x14, 0, 0, 0x05, 0x78 };

	memcpy(buf, syn_pkt, sizeof buf);
	memcpy(buf + 54, sack, sizeof sack);
	buf[47] = TRACE_ACK;
	buf[44] = 0x03;		/* ack 1000 */
	buf[45] = 0xe8;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_OK);
	CHECK_INT(p.nsack, 2);
	CHECK_INT(p.sack[0][0], 1100);
	CHECK_INT(p.sack[0][1], 1200);
	CHECK_INT(p.sack[1][0], 1300);
	CHECK_INT(p.sack[1][1], 1400);
	CHECK_INT(p.has_mss, 0);
	trace_pkt_line(&p, 1000, 1000, line, sizeof line);
	CHECK_STR(line, "10.10.0.100:51202 > 10.10.0.101:4000 [.] seq 0 ack 0 win 64240 len 5"
	    " sack 2 {100:200} {300:400}");
	/* a SACK length that is not 2 + 8n */
	buf[57] = 17;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_INT(p.nsack, 0);
}

/* ICMP port unreachable from 10.10.0.101 to 10.10.0.100, quoting UDP 5000 > 4000 "hello". */
static const uint8_t unreach_pkt[] = {
	0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00,
	/* IPv4: length 20 + 8 + 20 + 8 + 5 = 61, ICMP */
	0x45, 0xc0, 0x00, 0x3d, 0x12, 0x34, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
	10, 10, 0, 101, 10, 10, 0, 100,
	/* ICMP type 3 code 3 */
	0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* the quoted IPv4 header: UDP, 10.10.0.100 > 10.10.0.101 */
	0x45, 0x00, 0x00, 0x21, 0x00, 0x07, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
	10, 10, 0, 100, 10, 10, 0, 101,
	/* the quoted UDP header 5000 > 4000, length 13 */
	0x13, 0x88, 0x0f, 0xa0, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
	/* Ethernet padding to 60 bytes is not needed: the frame is 75 */
};

UNIT_TEST(test_icmp_unreachable)
{
	struct trace_pkt p;
	char line[256];

	CHECK_INT(dissect_heap(DLT_EN10MB, unreach_pkt, sizeof unreach_pkt, sizeof unreach_pkt, &p),
	    TRACE_OK);
	CHECK_INT(p.proto, 1);
	CHECK_INT(p.icmp_type, 3);
	CHECK_INT(p.icmp_code, 3);
	CHECK_INT(p.transport_hdr_len, 8);
	CHECK_INT(p.payload_len, 33);
	CHECK_INT(p.has_quote, 1);
	CHECK_INT(p.q_ip_version, 4);
	CHECK_MEM(p.q_src, 4, "\x0a\x0a\x00\x64", 4);
	CHECK_MEM(p.q_dst, 4, "\x0a\x0a\x00\x65", 4);
	CHECK_INT(p.q_proto, 17);
	CHECK_INT(p.q_sport, 5000);
	CHECK_INT(p.q_dport, 4000);
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "10.10.0.101 > 10.10.0.100 ICMP port unreachable"
	    " (10.10.0.100:5000 > 10.10.0.101:4000 UDP)");
	/* cut inside the quote: the quote is a header too */
	for (uint32_t k = 42; k < 66; k++) {
		CHECK_INT(dissect_heap(DLT_EN10MB, unreach_pkt, k, sizeof unreach_pkt, &p), TRACE_TRUNCATED);
		CHECK_INT(p.icmp_type, 3);
		CHECK_INT(p.q_sport, 0);
	}
	/* a quote cut by the IP length: malformed */
	uint8_t buf[sizeof unreach_pkt];
	memcpy(buf, unreach_pkt, sizeof buf);
	buf[17] = 20 + 8 + 20 + 2;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "ICMP error quotes no transport ports");
	CHECK_INT(p.has_quote, 1);
	/* an echo request quotes nothing */
	memcpy(buf, unreach_pkt, sizeof buf);
	buf[34] = 8;
	buf[35] = 0;
	CHECK_INT(dissect_heap(DLT_EN10MB, buf, sizeof buf, sizeof buf, &p), TRACE_OK);
	CHECK_INT(p.has_quote, 0);
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "10.10.0.101 > 10.10.0.100 ICMP echo request len 33");
}

/* IPv4 UDP "hi" 10.0.0.1:1111 > 10.0.0.2:2222, the IP part of a packet. */
static const uint8_t udp4[] = {
	0x45, 0x00, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	10, 0, 0, 1, 10, 0, 0, 2,
	0x04, 0x57, 0x08, 0xae, 0x00, 0x0a, 0x00, 0x00, 'h', 'i',
};

/* Puts a link header in front of udp4, plus padding bytes after it. */
static size_t
with_link(uint8_t *buf, const uint8_t *link, size_t linklen, size_t padding)
{
	memcpy(buf, link, linklen);
	memcpy(buf + linklen, udp4, sizeof udp4);
	memset(buf + linklen + sizeof udp4, 0xee, padding);
	return linklen + sizeof udp4 + padding;
}

static void
check_udp4(const struct trace_pkt *p, uint32_t link_len)
{
	char line[128];

	CHECK_INT(p->status, TRACE_OK);
	CHECK_INT(p->link_len, link_len);
	CHECK_INT(p->ip_version, 4);
	CHECK_INT(p->proto, 17);
	CHECK_INT(p->sport, 1111);
	CHECK_INT(p->dport, 2222);
	CHECK_INT(p->udp_len, 10);
	CHECK_INT(p->transport_hdr_len, 8);
	CHECK_INT(p->payload_len, 2);
	CHECK_INT(p->payload_caplen, 2);
	trace_pkt_line(p, 0, 0, line, sizeof line);
	CHECK_STR(line, "10.0.0.1:1111 > 10.0.0.2:2222 UDP len 2");
}

UNIT_TEST(test_link_types)
{
	static const uint8_t eth[] = { 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 7, 0x08, 0x00 };
	static const uint8_t qinq[] = { 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 7,
		0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00 };
	static const uint8_t sll[] = { 0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00 };
	static const uint8_t sll2[] = { 0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6,
		1, 2, 3, 4, 5, 6, 0, 0 };
	static const uint8_t null_le[] = { 2, 0, 0, 0 }, null_be[] = { 0, 0, 0, 2 };
	static const uint8_t loop[] = { 0, 0, 0, 2 }, loop_bad[] = { 2, 0, 0, 0 };
	uint8_t buf[128];
	struct trace_pkt p;
	size_t n;

	/* Ethernet padded to 60 bytes (and a 4-byte FCS): not payload */
	n = with_link(buf, eth, sizeof eth, 64 - 14 - sizeof udp4);
	dissect_heap(DLT_EN10MB, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 14);
	n = with_link(buf, qinq, sizeof qinq, 0);
	dissect_heap(DLT_EN10MB, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 22);
	for (uint32_t k = 0; k < 22; k++) {
		CHECK_INT(dissect_heap(DLT_EN10MB, buf, k, (uint32_t)n, &p), TRACE_TRUNCATED);
		CHECK_STR(p.why, k < 14 ? "truncated Ethernet header" : "truncated VLAN tag");
	}
	n = with_link(buf, sll, sizeof sll, 0);
	dissect_heap(DLT_LINUX_SLL, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 16);
	CHECK_INT(dissect_heap(DLT_LINUX_SLL, buf, 15, (uint32_t)n, &p), TRACE_TRUNCATED);
	n = with_link(buf, sll2, sizeof sll2, 0);
	dissect_heap(276, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 20);
	CHECK_INT(dissect_heap(276, buf, 19, (uint32_t)n, &p), TRACE_TRUNCATED);
	CHECK_STR(p.why, "truncated Linux cooked v2 header");
	/* DLT_NULL in either byte order (the writer's), DLT_LOOP in network order */
	n = with_link(buf, null_le, sizeof null_le, 0);
	dissect_heap(DLT_NULL, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 4);
	n = with_link(buf, null_be, sizeof null_be, 0);
	dissect_heap(DLT_NULL, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 4);
	n = with_link(buf, loop, sizeof loop, 0);
	dissect_heap(DLT_LOOP, buf, (uint32_t)n, (uint32_t)n, &p);
	check_udp4(&p, 4);
	n = with_link(buf, loop_bad, sizeof loop_bad, 0);
	CHECK_INT(dissect_heap(DLT_LOOP, buf, (uint32_t)n, (uint32_t)n, &p), TRACE_UNSUPPORTED);
	CHECK_INT(dissect_heap(DLT_NULL, buf, 3, (uint32_t)n, &p), TRACE_TRUNCATED);
	CHECK_STR(p.why, "truncated loopback header");
	/* raw IP under each of its names */
	dissect_heap(DLT_RAW, udp4, sizeof udp4, sizeof udp4, &p);
	check_udp4(&p, 0);
	dissect_heap(101, udp4, sizeof udp4, sizeof udp4, &p);
	check_udp4(&p, 0);
	dissect_heap(228, udp4, sizeof udp4, sizeof udp4, &p);
	check_udp4(&p, 0);
	CHECK_INT(dissect_heap(229, udp4, sizeof udp4, sizeof udp4, &p), TRACE_MALFORMED);
	/* UDP length 9 (beyond nothing: shorter than the IP payload is allowed), 7, 11 */
	memcpy(buf, udp4, sizeof udp4);
	buf[25] = 9;
	CHECK_INT(dissect_heap(DLT_RAW, buf, sizeof udp4, sizeof udp4, &p), TRACE_OK);
	CHECK_INT(p.payload_len, 1);
	buf[25] = 7;
	CHECK_INT(dissect_heap(DLT_RAW, buf, sizeof udp4, sizeof udp4, &p), TRACE_MALFORMED);
	buf[25] = 11;
	CHECK_INT(dissect_heap(DLT_RAW, buf, sizeof udp4, sizeof udp4, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "UDP length beyond the IP payload");
	/* every truncation of raw IPv4 UDP */
	for (uint32_t k = 0; k < 28; k++) {
		CHECK_INT(dissect_heap(DLT_RAW, udp4, k, sizeof udp4, &p), TRACE_TRUNCATED);
		CHECK_STR(p.why, k == 0 ? "truncated IP header" : k < 20 ? "truncated IPv4 header" :
		    "truncated UDP header");
	}
}

/*
 * IPv6 2001:db8::1 > 2001:db8::2, hop-by-hop (8), destination options (16),
 * fragment (offset 0, more), UDP 1111 > 2222 "hi".
 */
static const uint8_t v6ext[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x00, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	/* hop-by-hop: next 60, length 0, PadN */
	60, 0, 1, 4, 0, 0, 0, 0,
	/* destination options: next 44, length 1 (16 bytes) */
	44, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* fragment: next UDP, offset 0, M */
	17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,
	/* UDP */
	0x04, 0x57, 0x08, 0xae, 0x00, 0x0a, 0x00, 0x00, 'h', 'i',
};

UNIT_TEST(test_ipv6_extension_headers)
{
	uint8_t buf[sizeof v6ext];
	struct trace_pkt p;
	char line[160];

	CHECK_INT(dissect_heap(DLT_RAW, v6ext, sizeof v6ext, sizeof v6ext, &p), TRACE_OK);
	CHECK_INT(p.ip_version, 6);
	CHECK_INT(p.ip_hdr_len, 72);
	CHECK_INT(p.ip_len, 82);
	CHECK_INT(p.proto, 17);
	CHECK_INT(p.ttl, 64);
	CHECK_INT(p.fragment, 1);
	CHECK_INT(p.first_fragment, 1);
	CHECK_INT(p.sport, 1111);
	CHECK_INT(p.payload_len, 2);
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "[2001:db8::1]:1111 > [2001:db8::2]:2222 UDP len 2 (first fragment)");
	/* every cut: the fixed header, the extension headers, UDP */
	for (uint32_t k = 0; k < 80; k++) {
		CHECK_INT(dissect_heap(DLT_RAW, v6ext, k, sizeof v6ext, &p), TRACE_TRUNCATED);
		CHECK_STR(p.why, k == 0 ? "truncated IP header" : k < 40 ? "truncated IPv6 header" :
		    k < 72 ? "truncated IPv6 extension header" : "truncated UDP header");
	}
	/* a later fragment: no transport header */
	memcpy(buf, v6ext, sizeof buf);
	buf[66] = 0x05;
	buf[67] = 0x00;		/* offset 160 */
	CHECK_INT(dissect_heap(DLT_RAW, buf, sizeof buf, sizeof buf, &p), TRACE_OK);
	CHECK_INT(p.fragment, 1);
	CHECK_INT(p.first_fragment, 0);
	CHECK_INT(p.sport, 0);
	CHECK_INT(p.transport_hdr_len, 0);
	CHECK_INT(p.payload_len, 10);
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "2001:db8::1 > 2001:db8::2 UDP fragment len 10");
	/* an extension header longer than the payload length */
	memcpy(buf, v6ext, sizeof buf);
	buf[49] = 20;
	CHECK_INT(dissect_heap(DLT_RAW, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "IPv6 extension header beyond the payload");
	/* payload length beyond the packet */
	memcpy(buf, v6ext, sizeof buf);
	buf[5] = 0x80;
	CHECK_INT(dissect_heap(DLT_RAW, buf, sizeof buf, sizeof buf, &p), TRACE_MALFORMED);
	CHECK_STR(p.why, "IPv6 payload length beyond the packet");
}

/* ICMPv6 port unreachable quoting UDP over IPv6, behind a Linux cooked v2 header. */
UNIT_TEST(test_icmp6_unreachable)
{
	uint8_t buf[256];
	size_t n = 0;
	struct trace_pkt p;
	char line[256];
	static const uint8_t a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t b[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	static const uint8_t sll2[] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6,
		1, 2, 3, 4, 5, 6, 0, 0 };

	memcpy(buf, sll2, sizeof sll2), n += sizeof sll2;
	/* outer IPv6: payload 8 + 40 + 8 = 56, ICMPv6, from b to a */
	const uint8_t ip6[8] = { 0x60, 0, 0, 0, 0, 56, 58, 64 };
	memcpy(buf + n, ip6, 8), n += 8;
	memcpy(buf + n, b, 16), n += 16;
	memcpy(buf + n, a, 16), n += 16;
	const uint8_t icmp6[8] = { 1, 4, 0, 0, 0, 0, 0, 0 };
	memcpy(buf + n, icmp6, 8), n += 8;
	const uint8_t qip6[8] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };
	memcpy(buf + n, qip6, 8), n += 8;
	memcpy(buf + n, a, 16), n += 16;
	memcpy(buf + n, b, 16), n += 16;
	const uint8_t qudp[8] = { 0x13, 0x88, 0x0f, 0xa0, 0, 8, 0, 0 };
	memcpy(buf + n, qudp, 8), n += 8;
	CHECK_INT(dissect_heap(276, buf, (uint32_t)n, (uint32_t)n, &p), TRACE_OK);
	CHECK_INT(p.link_len, 20);
	CHECK_INT(p.proto, 58);
	CHECK_INT(p.icmp_type, 1);
	CHECK_INT(p.icmp_code, 4);
	CHECK_INT(p.has_quote, 1);
	CHECK_INT(p.q_ip_version, 6);
	CHECK_INT(p.q_proto, 17);
	CHECK_INT(p.q_sport, 5000);
	CHECK_INT(p.q_dport, 4000);
	trace_pkt_line(&p, 0, 0, line, sizeof line);
	CHECK_STR(line, "fd00::2 > fd00::1 ICMPv6 port unreachable ([fd00::1]:5000 > [fd00::2]:4000 UDP)");
	/* cut anywhere before the quoted ports: truncated; after them the rest is not needed */
	for (uint32_t k = 0; k < n - 4; k++)
		CHECK_INT(dissect_heap(276, buf, k, (uint32_t)n, &p), TRACE_TRUNCATED);
	for (uint32_t k = (uint32_t)n - 4; k < n; k++)
		CHECK_INT(dissect_heap(276, buf, k, (uint32_t)n, &p), TRACE_OK);
}

UNIT_TEST(test_flags_text)
{
	static const struct {
		uint8_t		 flags;
		const char	*text;
	} cases[] = {
		{ TRACE_SYN, "S" }, { TRACE_SYN | TRACE_ACK, "S." }, { TRACE_ACK, "." },
		{ TRACE_PSH | TRACE_ACK, "P." }, { TRACE_FIN | TRACE_ACK, "F." },
		{ TRACE_FIN | TRACE_PSH | TRACE_ACK, "FP." }, { TRACE_RST, "R" },
		{ TRACE_RST | TRACE_ACK, "R." }, { 0, "none" },
		{ TRACE_SYN | TRACE_ECE | TRACE_CWR, "SEW" }, { 0xff, "FSRP.UEW" },
	};
	char buf[16];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		trace_flags_text(cases[i].flags, buf, sizeof buf);
		CHECK_STR(buf, cases[i].text);
	}
	trace_flags_text(0xff, buf, 4);
	CHECK_STR(buf, "FSR");
	trace_addr_text(4, (const uint8_t *)"\x7f\x00\x00\x01", buf, sizeof buf);
	CHECK_STR(buf, "127.0.0.1");
	trace_addr_text(0, (const uint8_t *)"\x7f\x00\x00\x01", buf, sizeof buf);
	CHECK_STR(buf, "?");
}

/* A TCP packet between 10.0.0.1:1000 (romeo) and 10.0.0.2:80 in either direction. */
static void
tcp_pkt(struct trace_pkt *p, int from_client, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len, int64_t t)
{
	memset(p, 0, sizeof *p);
	p->ts_ns = t;
	p->status = TRACE_OK;
	p->ip_version = 4;
	memcpy(from_client ? p->src : p->dst, "\x0a\x00\x00\x01", 4);
	memcpy(from_client ? p->dst : p->src, "\x0a\x00\x00\x02", 4);
	p->sport = from_client ? 1000 : 80;
	p->dport = from_client ? 80 : 1000;
	p->proto = 6;
	p->first_fragment = 1;
	p->flags = flags;
	p->seq = seq;
	p->ack = ack;
	p->link_len = 14;
	p->ip_hdr_len = 20;
	p->ip_len = 20 + 20 + len;
	p->transport_hdr_len = 20;
	p->payload_len = len;
	p->wirelen = 14 + 20 + 20 + len;
	p->caplen = p->wirelen;
}

UNIT_TEST(test_stats_tcp)
{
	struct trace_stats *s = trace_stats_new();
	struct trace_pkt p;
	int64_t t = 0;
	const uint32_t c = 100, v = 5000;	/* the ISNs */

	/* a data packet seen before the SYN (a retransmission or a stray) does not fool the initiator */
	tcp_pkt(&p, 0, TRACE_SYN | TRACE_ACK, v, c + 1, 0, t++);
	CHECK_INT(trace_stats_add(s, &p), 0);
	tcp_pkt(&p, 1, TRACE_ACK, c + 1, v + 1, 0, t++);		/* handshake ACK */
	trace_stats_add(s, &p);
	tcp_pkt(&p, 1, TRACE_PSH | TRACE_ACK, c + 1, v + 1, 10, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 0, TRACE_ACK, v + 1, c + 11, 0, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 1, TRACE_FIN | TRACE_ACK, c + 11, v + 1, 0, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 0, TRACE_ACK, v + 1, c + 12, 0, t++);		/* ACK of the FIN */
	trace_stats_add(s, &p);
	tcp_pkt(&p, 0, TRACE_FIN | TRACE_ACK, v + 1, c + 12, 0, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 1, TRACE_ACK, c + 12, v + 2, 0, t++);		/* ACK of that FIN */
	trace_stats_add(s, &p);
	CHECK_INT(s->nflows, 1);
	const struct trace_flow *f = &s->flows[0];
	/* the SYN-ACK's receiver is the initiator */
	CHECK_MEM(f->a, 4, "\x0a\x00\x00\x01", 4);
	CHECK_INT(f->aport, 1000);
	CHECK_INT(f->bport, 80);
	CHECK_INT(f->dir[0].packets, 4);
	CHECK_INT(f->dir[1].packets, 4);
	CHECK_INT(f->dir[0].payload_bytes, 10);
	CHECK_INT(f->dir[1].payload_bytes, 0);
	CHECK_INT(f->dir[0].handshake, 1);
	CHECK_INT(f->dir[1].handshake, 1);
	CHECK_INT(f->dir[0].teardown, 2);
	CHECK_INT(f->dir[1].teardown, 2);
	CHECK_INT(f->dir[0].link_bytes, 4 * 14);
	CHECK_INT(f->dir[0].ip_bytes, 4 * 20);
	CHECK_INT(f->dir[0].transport_bytes, 4 * 20);
	CHECK_INT(f->dir[0].wire_bytes, 4 * 54 + 10);
	CHECK_INT(f->first_ns, 0);
	CHECK_INT(f->last_ns, 7);

	/* the port used again: SYN refused by RST-ACK, a new flow; then a SYN retransmitted */
	tcp_pkt(&p, 1, TRACE_SYN, 9000, 0, 0, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 0, TRACE_RST | TRACE_ACK, 0, 9001, 0, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 1, TRACE_SYN, 9500, 0, 0, t++);
	trace_stats_add(s, &p);
	tcp_pkt(&p, 1, TRACE_SYN, 9500, 0, 0, t++);
	trace_stats_add(s, &p);
	CHECK_INT(s->nflows, 3);
	CHECK_INT(s->flows[1].dir[0].handshake, 1);
	CHECK_INT(s->flows[1].dir[1].teardown, 1);
	CHECK_INT(s->flows[2].dir[0].handshake, 2);
	CHECK_INT(s->total.packets, 12);

	/* bad packets count in total only */
	p.status = TRACE_TRUNCATED;
	trace_stats_add(s, &p);
	p.status = TRACE_MALFORMED;
	trace_stats_add(s, &p);
	memset(&p, 0, sizeof p);
	p.status = TRACE_UNSUPPORTED;
	p.wirelen = 60;
	trace_stats_add(s, &p);
	CHECK_INT(s->truncated, 1);
	CHECK_INT(s->malformed, 1);
	CHECK_INT(s->unsupported, 1);
	CHECK_INT(s->other_nonip, 1);
	CHECK_INT(s->other.packets, 1);
	CHECK_INT(s->total.packets, 15);
	CHECK_INT(s->nflows, 3);
	trace_stats_free(s);
}

/* UDP, a fragmented datagram, ICMP; the overhead. */
UNIT_TEST(test_stats_udp)
{
	struct trace_stats *s = trace_stats_new();
	uint8_t buf[128];
	struct trace_pkt p;
	size_t n;

	n = with_link(buf, (const uint8_t *)"\x02\x00\x00\x00", 4, 0);
	trace_dissect(DLT_NULL, buf, (uint32_t)n, (uint32_t)n, 0, &p);
	trace_stats_add(s, &p);
	trace_dissect(DLT_NULL, buf, (uint32_t)n, (uint32_t)n, 0, &p);
	trace_stats_add(s, &p);
	CHECK_INT(s->nflows, 1);
	CHECK_INT(s->flows[0].proto, 17);
	CHECK_INT(s->flows[0].dir[0].packets, 2);
	CHECK_INT(s->flows[0].dir[0].payload_bytes, 4);
	CHECK_INT(s->flows[0].dir[0].wire_bytes, 2 * 34);
	/* (68 - 4) / 68 */
	CHECK(trace_stats_overhead(&s->flows[0].dir[0]) > 94.11 &&
	    trace_stats_overhead(&s->flows[0].dir[0]) < 94.12);
	struct trace_dir_stats zero = { 0 };
	CHECK(trace_stats_overhead(&zero) == 0.0);

	/* IPv6 fragments: the first makes a flow, the later one joins it */
	dissect_heap(DLT_RAW, v6ext, sizeof v6ext, sizeof v6ext, &p);
	trace_stats_add(s, &p);
	memcpy(buf, v6ext, sizeof v6ext);
	buf[66] = 0x05;
	dissect_heap(DLT_RAW, buf, sizeof v6ext, sizeof v6ext, &p);
	trace_stats_add(s, &p);
	CHECK_INT(s->nflows, 2);
	CHECK_INT(s->flows[1].dir[0].packets, 2);
	CHECK_INT(s->flows[1].dir[0].payload_bytes, 2 + 10);
	CHECK_INT(s->other.packets, 0);

	dissect_heap(DLT_EN10MB, unreach_pkt, sizeof unreach_pkt, sizeof unreach_pkt, &p);
	trace_stats_add(s, &p);
	CHECK_INT(s->other_icmp, 1);
	CHECK_INT(s->other.packets, 1);
	CHECK_INT(s->other.transport_bytes, 8);
	trace_stats_free(s);
}

/* A million packets over 50000 flows: the hash table, not a list. */
UNIT_TEST(test_stats_many)
{
	struct trace_stats *s = trace_stats_new();
	struct trace_pkt p;
	struct timespec t0, t1;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < 1000000; i++) {
		uint32_t flow = (i * 2654435761u) % 50000;
		tcp_pkt(&p, i & 1, TRACE_ACK, i, i, 1000, i);
		p.src[2] = (uint8_t)(flow >> 8), p.src[3] = (uint8_t)flow;
		p.dst[2] = (uint8_t)(flow >> 8), p.dst[3] = (uint8_t)flow;
		if (trace_stats_add(s, &p) != 0) {
			CHECK(0);
			break;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(s->nflows <= 100000);
	CHECK_INT(s->total.packets, 1000000);
	CHECK_INT(s->total.payload_bytes, 1000000000);
	CHECK(secs < 10.0);
	trace_stats_free(s);
}

int
main(void)
{
	UNIT_RUN(test_syn_whole);
	UNIT_RUN(test_syn_every_truncation);
	UNIT_RUN(test_bad_fields);
	UNIT_RUN(test_sack_blocks);
	UNIT_RUN(test_icmp_unreachable);
	UNIT_RUN(test_link_types);
	UNIT_RUN(test_ipv6_extension_headers);
	UNIT_RUN(test_icmp6_unreachable);
	UNIT_RUN(test_flags_text);
	UNIT_RUN(test_stats_tcp);
	UNIT_RUN(test_stats_udp);
	UNIT_RUN(test_stats_many);
	return UNIT_END();
}
