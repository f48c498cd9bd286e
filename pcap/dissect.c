/*
 * dissect.c — packet dissection for the trace library: the link layers
 * verona meets (Ethernet with 802.1Q/QinQ tags, Linux cooked v1 and v2,
 * BSD loopback, raw IP), IPv4 and IPv6 (extension headers walked), TCP
 * (options), UDP, ICMP and ICMPv6 (the header an error quotes), and the
 * one-line text of a packet.
 *
 * tcpdump's discipline: every byte of a packet is read through one small
 * set of accessors (dissect_u8, dissect_be16, dissect_be32, dissect_bytes)
 * that check the read against the captured length and fail instead of
 * reading past it.  A packet cut short by the capture is TRACE_TRUNCATED
 * and names the header that was cut; a header whose own fields are
 * impossible is TRACE_MALFORMED; a link type or ethertype not dissected is
 * TRACE_UNSUPPORTED.  Lengths come from the headers, never from caplen:
 * Ethernet padding past the IP length is not payload.
 *
 * Ethernet (DLT_EN10MB), with any number of 802.1Q (0x8100), 802.1ad
 * (0x88a8) or old QinQ (0x9100) tags before the type:
 *
 *	 0                   1                   2                   3
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                  destination address (6)                      |
 *	+                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                               |                               |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 *	|                     source address (6)                        |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|   type (or TPID 0x8100)       |   [ PCP | DEI | VLAN id ]     |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|   [ type after the tag ]      |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	A type below 0x0600 is an 802.3 length (LLC follows): unsupported.
 *
 * Linux cooked v1 (DLT_LINUX_SLL, 16 bytes):
 *	| packet type (2) | ARPHRD type (2) | address length (2) |
 *	| link-layer address (8)                                 |
 *	| protocol (2): an ethertype                             |
 *
 * Linux cooked v2 (DLT_LINUX_SLL2, 20 bytes):
 *	| protocol (2) | reserved (2) | interface index (4)                |
 *	| ARPHRD type (2) | packet type (1) | address length (1)           |
 *	| link-layer address (8)                                           |
 *
 * BSD loopback: DLT_NULL, a 4-byte address family in the byte order of
 * the host that wrote the capture (a value with the upper 16 bits set is
 * swapped); DLT_LOOP, the same in network order.  AF_INET is 2; AF_INET6
 * is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD) or 30 (Darwin).
 *
 * Raw IP (DLT_RAW, LINKTYPE_RAW 101, DLT_IPV4, DLT_IPV6): the IP header
 * first; its version nibble says which.
 *
 * IPv4 (RFC 791):
 *	 0                   1                   2                   3
 *	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|Version|  IHL  |Type of Service|          Total Length         |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|         Identification        |Flags|      Fragment Offset    |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|  Time to Live |    Protocol   |         Header Checksum       |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                       Source Address                          |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                    Destination Address                        |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                    Options (IHL > 5)                          |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	IHL < 5 or Total Length < IHL * 4 is malformed.  A Total Length of
 *	0 is a TSO/GSO super-packet as captured on its sender: the length
 *	on the wire is used, as tcpdump and Wireshark do.
 *
 * IPv6 (RFC 8200), then extension headers until the transport:
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|Version| Traffic Class |           Flow Label                  |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|         Payload Length        |  Next Header  |   Hop Limit   |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                Source Address (16), Destination Address (16)  |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	Hop-by-hop (0), routing (43), destination options (60):
 *	| Next Header | Hdr Ext Len | ... |	(Hdr Ext Len + 1) * 8 bytes
 *	Fragment (44), 8 bytes:
 *	| Next Header | Reserved | Fragment Offset (13) |Res|M| Identification (4) |
 *	Authentication header (51):
 *	| Next Header | Payload Len | ... |	(Payload Len + 2) * 4 bytes
 *	A Payload Length of 0 is a jumbogram (the hop-by-hop option 0xc2
 *	holds the length), or a BIG TCP / GSO packet when the packet is
 *	longer than 65535 + 40 bytes on the wire (the wire length is used).
 *
 * TCP (RFC 9293):
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|          Source Port          |       Destination Port        |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                        Sequence Number                        |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|                    Acknowledgment Number                      |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|  Data |       |C|E|U|A|P|R|S|F|                               |
 *	| Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|           Checksum            |         Urgent Pointer        |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|     Options: kind (1), length (1), value ...                  |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	Options: 0 end, 1 nop, 2 MSS (4), 3 window scale (3), 4 SACK
 *	permitted (2), 5 SACK (2 + 8n), 8 timestamps (10).  Data Offset < 5,
 *	beyond the segment, or an option length < 2, beyond the header or
 *	wrong for its kind is malformed.
 *
 * UDP (RFC 768):
 *	| Source Port (2) | Destination Port (2) | Length (2) | Checksum (2) |
 *
 * ICMP (RFC 792) and ICMPv6 (RFC 4443):
 *	| Type (1) | Code (1) | Checksum (2) | rest of header (4) |
 *	An error (ICMP 3, 4, 5, 11, 12; ICMPv6 1, 2, 3, 4) quotes the IP
 *	header of the datagram that caused it and at least the first 8 bytes
 *	of its transport header (the ports).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pcap/dlt.h>

#include "trace.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif
#define DISSECT_LINKTYPE_RAW	101	/* LINKTYPE_RAW, should libpcap not map it */

#define DISSECT_ETHERTYPE_IPV4	0x0800
#define DISSECT_ETHERTYPE_IPV6	0x86dd
#define DISSECT_ETHERTYPE_8021Q	0x8100
#define DISSECT_ETHERTYPE_8021AD 0x88a8
#define DISSECT_ETHERTYPE_QINQ	0x9100

#define DISSECT_IPPROTO_HOPOPTS	0
#define DISSECT_IPPROTO_ICMP	1
#define DISSECT_IPPROTO_TCP	6
#define DISSECT_IPPROTO_UDP	17
#define DISSECT_IPPROTO_ROUTING	43
#define DISSECT_IPPROTO_FRAGMENT 44
#define DISSECT_IPPROTO_AH	51
#define DISSECT_IPPROTO_ICMPV6	58
#define DISSECT_IPPROTO_NONE	59
#define DISSECT_IPPROTO_DSTOPTS	60

#define DISSECT_MAX_TAGS	8	/* VLAN tags skipped before giving up */
#define DISSECT_MAX_EXTHDRS	32	/* IPv6 extension headers walked */

/*
 * A packet's captured bytes and the start of the header being read.
 * Offsets given to the accessors are relative to off.
 */
struct dissect_cur {
	const uint8_t	*data;
	uint32_t	 caplen;	/* data[0 .. caplen-1] may be read */
	uint32_t	 off;
};

/* Are n bytes at off+rel captured? */
static int
dissect_have(const struct dissect_cur *c, uint32_t rel, uint32_t n)
{
	uint64_t end = (uint64_t)c->off + rel + n;

	return end <= c->caplen;
}

static int
dissect_u8(const struct dissect_cur *c, uint32_t rel, uint8_t *v)
{
	if (!dissect_have(c, rel, 1))
		return -1;
	*v = c->data[c->off + rel];
	return 0;
}

static int
dissect_be16(const struct dissect_cur *c, uint32_t rel, uint16_t *v)
{
	const uint8_t *b;

	if (!dissect_have(c, rel, 2))
		return -1;
	b = c->data + c->off + rel;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return 0;
}

static int
dissect_be32(const struct dissect_cur *c, uint32_t rel, uint32_t *v)
{
	const uint8_t *b;

	if (!dissect_have(c, rel, 4))
		return -1;
	b = c->data + c->off + rel;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 0;
}

static int
dissect_le32(const struct dissect_cur *c, uint32_t rel, uint32_t *v)
{
	const uint8_t *b;

	if (!dissect_have(c, rel, 4))
		return -1;
	b = c->data + c->off + rel;
	*v = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
	return 0;
}

static int
dissect_bytes(const struct dissect_cur *c, uint32_t rel, void *dst, uint32_t n)
{
	if (!dissect_have(c, rel, n))
		return -1;
	memcpy(dst, c->data + c->off + rel, n);
	return 0;
}

/* Records a problem; the first one found stays.  Returns the status. */
static enum trace_status
dissect_fail(struct trace_pkt *p, enum trace_status status, const char *why)
{
	if (p->status == TRACE_OK) {
		p->status = status;
		p->why = why;
	}
	return p->status;
}

/*
 * Checks that a header of n bytes at the cursor lies inside the length
 * its enclosing header gives (avail; else malformed) and was captured
 * (else truncated).  0 when it may be read.
 */
static int
dissect_need(struct trace_pkt *p, const struct dissect_cur *c, uint32_t n, uint32_t avail,
    const char *truncated, const char *malformed)
{
	if (n > avail) {
		dissect_fail(p, TRACE_MALFORMED, malformed);
		return -1;
	}
	if (!dissect_have(c, 0, n)) {
		dissect_fail(p, TRACE_TRUNCATED, truncated);
		return -1;
	}
	return 0;
}

/* The transport payload: len bytes from the cursor, of which some were captured. */
static void
dissect_payload(struct trace_pkt *p, const struct dissect_cur *c, uint32_t len)
{
	uint32_t left = c->off < c->caplen ? c->caplen - c->off : 0;

	p->payload_len = len;
	p->payload_caplen = len < left ? len : left;
	p->payload = p->payload_caplen > 0 ? c->data + c->off : NULL;
}

/*
 * TCP options, in hdrlen bytes of header from the cursor (captured: the
 * caller checked).  A bad length stops the walk and marks the packet.
 */
static void
dissect_tcp_options(struct trace_pkt *p, const struct dissect_cur *c, uint32_t hdrlen)
{
	uint32_t i = 20;
	uint8_t kind, len;

	while (i < hdrlen) {
		if (dissect_u8(c, i, &kind) != 0)
			goto truncated;
		if (kind == 0)
			return;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hdrlen) {
			dissect_fail(p, TRACE_MALFORMED, "TCP option length beyond the header");
			return;
		}
		if (dissect_u8(c, i + 1, &len) != 0)
			goto truncated;
		if (len < 2 || i + len > hdrlen) {
			dissect_fail(p, TRACE_MALFORMED, "bad TCP option length");
			return;
		}
		switch (kind) {
		case 2:
			if (len != 4 || dissect_be16(c, i + 2, &p->mss) != 0)
				goto bad;
			p->has_mss = 1;
			break;
		case 3:
			if (len != 3 || dissect_u8(c, i + 2, &p->ws) != 0)
				goto bad;
			p->has_ws = 1;
			break;
		case 4:
			if (len != 2)
				goto bad;
			p->sack_ok = 1;
			break;
		case 5:
			if (len < 10 || (len - 2) % 8 != 0)
				goto bad;
			p->nsack = 0;
			for (uint32_t b = 0; b < (uint32_t)(len - 2) / 8 && b < 4; b++) {
				if (dissect_be32(c, i + 2 + 8 * b, &p->sack[b][0]) != 0 ||
				    dissect_be32(c, i + 6 + 8 * b, &p->sack[b][1]) != 0)
					goto truncated;
				p->nsack++;
			}
			break;
		case 8:
			if (len != 10 || dissect_be32(c, i + 2, &p->tsval) != 0 ||
			    dissect_be32(c, i + 6, &p->tsecr) != 0)
				goto bad;
			p->has_ts = 1;
			break;
		default:
			break;
		}
		i += len;
	}
	return;
bad:
	dissect_fail(p, TRACE_MALFORMED, "bad TCP option length");
	return;
truncated:
	dissect_fail(p, TRACE_TRUNCATED, "truncated TCP options");
}

/* TCP at the cursor, l4len bytes of segment by the IP length. */
static enum trace_status
dissect_tcp(struct trace_pkt *p, struct dissect_cur *c, uint32_t l4len)
{
	uint8_t offx2, flags;
	uint32_t hdrlen;

	if (dissect_be16(c, 0, &p->sport) != 0 || dissect_be16(c, 2, &p->dport) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated TCP header");
	if (dissect_need(p, c, 20, l4len, "truncated TCP header",
	    "IP payload shorter than a TCP header") != 0)
		return p->status;
	if (dissect_be32(c, 4, &p->seq) != 0 || dissect_be32(c, 8, &p->ack) != 0 ||
	    dissect_u8(c, 12, &offx2) != 0 || dissect_u8(c, 13, &flags) != 0 ||
	    dissect_be16(c, 14, &p->win) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated TCP header");
	p->flags = flags;
	hdrlen = (uint32_t)(offx2 >> 4) * 4;
	if (hdrlen < 20)
		return dissect_fail(p, TRACE_MALFORMED, "TCP data offset below 5");
	if (dissect_need(p, c, hdrlen, l4len, "truncated TCP options",
	    "TCP data offset beyond the segment") != 0)
		return p->status;
	p->transport_hdr_len = hdrlen;
	dissect_tcp_options(p, c, hdrlen);
	c->off += hdrlen;
	dissect_payload(p, c, l4len - hdrlen);
	return p->status;
}

/* UDP at the cursor. */
static enum trace_status
dissect_udp(struct trace_pkt *p, struct dissect_cur *c, uint32_t l4len)
{
	uint32_t len;

	if (dissect_be16(c, 0, &p->sport) != 0 || dissect_be16(c, 2, &p->dport) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated UDP header");
	if (dissect_need(p, c, 8, l4len, "truncated UDP header",
	    "IP payload shorter than a UDP header") != 0)
		return p->status;
	if (dissect_be16(c, 4, &p->udp_len) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated UDP header");
	p->transport_hdr_len = 8;
	len = l4len;
	if (!p->fragment) {
		if (p->udp_len == 0 && l4len > 0xffff)
			len = l4len;		/* a jumbogram's UDP (RFC 2675) */
		else if (p->udp_len < 8)
			dissect_fail(p, TRACE_MALFORMED, "UDP length shorter than its header");
		else if (p->udp_len > l4len)
			dissect_fail(p, TRACE_MALFORMED, "UDP length beyond the IP payload");
		else
			len = p->udp_len;
	}
	c->off += 8;
	dissect_payload(p, c, len - 8);
	return p->status;
}

/*
 * IPv6 extension headers from the cursor (just after the fixed header),
 * inside limit bytes.  Leaves *nh the transport protocol, *len the bytes
 * walked, *frag and *fragoff what a fragment header said.  0, or -1 after
 * marking p (truncated_why for a header cut by the capture).
 */
static int
dissect_ip6_ext(struct trace_pkt *p, const struct dissect_cur *c, uint8_t *nh, uint32_t limit,
    uint32_t *len, int *frag, uint16_t *fragoff, const char *truncated_why)
{
	struct dissect_cur e = *c;
	uint8_t next, hlen;
	uint16_t offm;
	uint32_t size;

	*len = 0;
	*frag = 0;
	*fragoff = 0;
	for (int n = 0; n < DISSECT_MAX_EXTHDRS; n++) {
		switch (*nh) {
		case DISSECT_IPPROTO_HOPOPTS:
		case DISSECT_IPPROTO_ROUTING:
		case DISSECT_IPPROTO_DSTOPTS:
		case DISSECT_IPPROTO_AH:
		case DISSECT_IPPROTO_FRAGMENT:
			break;
		default:
			return 0;
		}
		if (dissect_need(p, &e, 2, limit - *len, truncated_why,
		    "IPv6 extension header beyond the payload") != 0 ||
		    dissect_u8(&e, 0, &next) != 0 || dissect_u8(&e, 1, &hlen) != 0)
			return -1;
		if (*nh == DISSECT_IPPROTO_FRAGMENT)
			size = 8;
		else if (*nh == DISSECT_IPPROTO_AH)
			size = ((uint32_t)hlen + 2) * 4;
		else
			size = ((uint32_t)hlen + 1) * 8;
		if (dissect_need(p, &e, size, limit - *len, truncated_why,
		    "IPv6 extension header beyond the payload") != 0)
			return -1;
		if (*nh == DISSECT_IPPROTO_FRAGMENT) {
			if (dissect_be16(&e, 2, &offm) != 0)
				return -1;
			*fragoff = offm >> 3;
			if (*fragoff != 0 || (offm & 1) != 0)
				*frag = 1;
		}
		*nh = next;
		*len += size;
		e.off += size;
		if (*fragoff != 0)
			return 0;	/* the rest is not the transport header */
	}
	dissect_fail(p, TRACE_MALFORMED, "too many IPv6 extension headers");
	return -1;
}

/*
 * The IP header an ICMP error quotes, and the ports after it, at the
 * cursor inside qlen bytes of ICMP payload.
 */
static void
dissect_quote(struct trace_pkt *p, const struct dissect_cur *c, int version, uint32_t qlen)
{
	struct dissect_cur q = *c;
	uint8_t vihl, proto;
	uint16_t fragword = 0, fragoff = 0;
	uint32_t hlen, extlen;
	int frag;

	if (version == 4) {
		if (dissect_need(p, &q, 20, qlen, "truncated ICMP quoted IP header",
		    "ICMP error quotes less than an IP header") != 0 ||
		    dissect_u8(&q, 0, &vihl) != 0)
			return;
		if (vihl >> 4 != 4) {
			dissect_fail(p, TRACE_MALFORMED, "ICMP error quotes a header that is not IPv4");
			return;
		}
		hlen = (uint32_t)(vihl & 0x0f) * 4;
		if (hlen < 20) {
			dissect_fail(p, TRACE_MALFORMED, "bad IPv4 header length in ICMP quote");
			return;
		}
		if (dissect_need(p, &q, hlen, qlen, "truncated ICMP quoted IP header",
		    "ICMP error quotes less than an IP header") != 0 ||
		    dissect_be16(&q, 6, &fragword) != 0 || dissect_u8(&q, 9, &proto) != 0 ||
		    dissect_bytes(&q, 12, p->q_src, 4) != 0 || dissect_bytes(&q, 16, p->q_dst, 4) != 0)
			return;
		fragoff = fragword & 0x1fff;
	} else {
		if (dissect_need(p, &q, 40, qlen, "truncated ICMPv6 quoted IP header",
		    "ICMPv6 error quotes less than an IPv6 header") != 0 ||
		    dissect_u8(&q, 0, &vihl) != 0)
			return;
		if (vihl >> 4 != 6) {
			dissect_fail(p, TRACE_MALFORMED, "ICMPv6 error quotes a header that is not IPv6");
			return;
		}
		if (dissect_u8(&q, 6, &proto) != 0 || dissect_bytes(&q, 8, p->q_src, 16) != 0 ||
		    dissect_bytes(&q, 24, p->q_dst, 16) != 0)
			return;
		q.off += 40;
		if (dissect_ip6_ext(p, &q, &proto, qlen - 40, &extlen, &frag, &fragoff,
		    "truncated ICMPv6 quoted IP header") != 0)
			return;
		q.off -= 40;
		hlen = 40 + extlen;
	}
	p->has_quote = 1;
	p->q_ip_version = version;
	p->q_proto = proto;
	if (fragoff != 0)
		return;
	switch (proto) {
	case DISSECT_IPPROTO_TCP:
	case DISSECT_IPPROTO_UDP:
	case 132:	/* SCTP */
	case 33:	/* DCCP */
		q.off += hlen;
		if (dissect_need(p, &q, 4, qlen - hlen, "truncated ICMP quoted transport header",
		    "ICMP error quotes no transport ports") != 0 ||
		    dissect_be16(&q, 0, &p->q_sport) != 0 || dissect_be16(&q, 2, &p->q_dport) != 0)
			return;
		break;
	default:
		break;
	}
}

/* ICMP or ICMPv6 at the cursor. */
static enum trace_status
dissect_icmp(struct trace_pkt *p, struct dissect_cur *c, uint32_t l4len)
{
	int quotes;

	if (dissect_need(p, c, 8, l4len, p->ip_version == 4 ? "truncated ICMP header" :
	    "truncated ICMPv6 header", "IP payload shorter than an ICMP header") != 0)
		return p->status;
	if (dissect_u8(c, 0, &p->icmp_type) != 0 || dissect_u8(c, 1, &p->icmp_code) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated ICMP header");
	p->transport_hdr_len = 8;
	c->off += 8;
	dissect_payload(p, c, l4len - 8);
	if (p->ip_version == 4)
		quotes = p->icmp_type == 3 || p->icmp_type == 4 || p->icmp_type == 5 ||
		    p->icmp_type == 11 || p->icmp_type == 12;
	else
		quotes = p->icmp_type >= 1 && p->icmp_type <= 4;
	if (quotes)
		dissect_quote(p, c, p->ip_version, l4len - 8);
	return p->status;
}

/* The transport, at the cursor, l4len bytes by the IP header. */
static enum trace_status
dissect_transport(struct trace_pkt *p, struct dissect_cur *c, uint32_t l4len)
{
	if (!p->first_fragment) {
		dissect_payload(p, c, l4len);
		return p->status;
	}
	switch (p->proto) {
	case DISSECT_IPPROTO_TCP:
		return dissect_tcp(p, c, l4len);
	case DISSECT_IPPROTO_UDP:
		return dissect_udp(p, c, l4len);
	case DISSECT_IPPROTO_ICMP:
		if (p->ip_version == 4)
			return dissect_icmp(p, c, l4len);
		break;
	case DISSECT_IPPROTO_ICMPV6:
		if (p->ip_version == 6)
			return dissect_icmp(p, c, l4len);
		break;
	case DISSECT_IPPROTO_NONE:
		if (p->ip_version == 6) {
			dissect_payload(p, c, 0);
			return p->status;
		}
		break;
	default:
		break;
	}
	dissect_payload(p, c, l4len);
	return p->status;
}

/* The bytes the packet had on the wire from the cursor on. */
static uint32_t
dissect_wire_left(const struct trace_pkt *p, const struct dissect_cur *c)
{
	uint32_t wire = p->wirelen > p->caplen ? p->wirelen : p->caplen;

	return c->off < wire ? wire - c->off : 0;
}

static enum trace_status
dissect_ip4(struct trace_pkt *p, struct dissect_cur *c)
{
	uint8_t vihl;
	uint16_t len, fragword;
	uint32_t hlen, iplen, left;

	if (dissect_u8(c, 0, &vihl) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated IPv4 header");
	if (vihl >> 4 != 4)
		return dissect_fail(p, TRACE_MALFORMED, "IPv4 header with another version");
	p->ip_version = 4;
	if (!dissect_have(c, 0, 20) || dissect_be16(c, 2, &len) != 0 ||
	    dissect_be16(c, 6, &fragword) != 0 || dissect_u8(c, 8, &p->ttl) != 0 ||
	    dissect_u8(c, 9, &p->proto) != 0 || dissect_bytes(c, 12, p->src, 4) != 0 ||
	    dissect_bytes(c, 16, p->dst, 4) != 0) {
		p->ip_version = 0;
		return dissect_fail(p, TRACE_TRUNCATED, "truncated IPv4 header");
	}
	hlen = (uint32_t)(vihl & 0x0f) * 4;
	if (hlen < 20)
		return dissect_fail(p, TRACE_MALFORMED, "bad IPv4 header length");
	p->ip_hdr_len = hlen;
	left = dissect_wire_left(p, c);
	iplen = len;
	if (iplen == 0)
		iplen = left;		/* TSO: the length on the wire */
	p->ip_len = iplen;
	if (iplen < hlen)
		return dissect_fail(p, TRACE_MALFORMED, "IPv4 total length shorter than its header");
	if (!dissect_have(c, 0, hlen))
		return dissect_fail(p, TRACE_TRUNCATED, "truncated IPv4 options");
	if (iplen > left) {
		dissect_fail(p, TRACE_MALFORMED, "IPv4 total length beyond the packet");
		iplen = left > hlen ? left : hlen;
	}
	p->fragment = (fragword & 0x2000) != 0 || (fragword & 0x1fff) != 0;
	p->first_fragment = (fragword & 0x1fff) == 0;
	c->off += hlen;
	return dissect_transport(p, c, iplen - hlen);
}

/* The jumbo payload length in a hop-by-hop header at the cursor; 0 if none. */
static uint32_t
dissect_ip6_jumbo(const struct dissect_cur *c)
{
	uint8_t nh, hlen, type, olen;
	uint32_t jumbo = 0, i, size;

	if (dissect_u8(c, 0, &nh) != 0 || dissect_u8(c, 1, &hlen) != 0)
		return 0;
	size = ((uint32_t)hlen + 1) * 8;
	for (i = 2; i < size; ) {
		if (dissect_u8(c, i, &type) != 0)
			return 0;
		if (type == 0) {		/* Pad1 */
			i++;
			continue;
		}
		if (dissect_u8(c, i + 1, &olen) != 0)
			return 0;
		if (type == 0xc2 && olen == 4) {
			if (dissect_be32(c, i + 2, &jumbo) != 0)
				return 0;
			return jumbo;
		}
		i += 2 + (uint32_t)olen;
	}
	return 0;
}

static enum trace_status
dissect_ip6(struct trace_pkt *p, struct dissect_cur *c)
{
	uint8_t vtc, nh;
	uint16_t plen, fragoff;
	uint32_t left, extlen, jumbo;
	uint64_t iplen;
	int frag;

	if (dissect_u8(c, 0, &vtc) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated IPv6 header");
	if (vtc >> 4 != 6)
		return dissect_fail(p, TRACE_MALFORMED, "IPv6 header with another version");
	if (dissect_be16(c, 4, &plen) != 0 || dissect_u8(c, 6, &nh) != 0 ||
	    dissect_u8(c, 7, &p->ttl) != 0 || dissect_bytes(c, 8, p->src, 16) != 0 ||
	    dissect_bytes(c, 24, p->dst, 16) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated IPv6 header");
	p->ip_version = 6;
	left = dissect_wire_left(p, c);
	iplen = 40 + (uint64_t)plen;
	if (plen == 0) {
		c->off += 40;
		jumbo = nh == DISSECT_IPPROTO_HOPOPTS ? dissect_ip6_jumbo(c) : 0;
		c->off -= 40;
		if (jumbo != 0)
			iplen = 40 + (uint64_t)jumbo;
		else if (left > 40 + 0xffff)
			iplen = left;	/* BIG TCP / GSO: more than a payload length can say */
	}
	if (iplen < 40)
		iplen = 40;
	if (iplen > UINT32_MAX)
		return dissect_fail(p, TRACE_MALFORMED, "IPv6 jumbo length too large");
	p->ip_len = (uint32_t)iplen;
	if (iplen > left) {
		dissect_fail(p, TRACE_MALFORMED, "IPv6 payload length beyond the packet");
		iplen = left > 40 ? left : 40;
	}
	p->ip_hdr_len = 40;
	p->proto = nh;
	p->first_fragment = 1;
	c->off += 40;
	if (dissect_ip6_ext(p, c, &nh, (uint32_t)iplen - 40, &extlen, &frag, &fragoff,
	    "truncated IPv6 extension header") != 0)
		return p->status;
	p->proto = nh;
	p->ip_hdr_len = 40 + extlen;
	p->fragment = frag;
	p->first_fragment = fragoff == 0;
	c->off += extlen;
	return dissect_transport(p, c, (uint32_t)iplen - 40 - extlen);
}

/* IPv4 or IPv6 by the version nibble (raw IP, loopback). */
static enum trace_status
dissect_ip(struct trace_pkt *p, struct dissect_cur *c)
{
	uint8_t v;

	if (dissect_u8(c, 0, &v) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated IP header");
	switch (v >> 4) {
	case 4:
		return dissect_ip4(p, c);
	case 6:
		return dissect_ip6(p, c);
	default:
		return dissect_fail(p, TRACE_MALFORMED, "IP version neither 4 nor 6");
	}
}

/* Why an ethertype is not dissected, for the ones worth naming. */
static const char *
dissect_ethertype_why(uint16_t type)
{
	switch (type) {
	case 0x0806:
		return "ethertype ARP not dissected";
	case 0x8035:
		return "ethertype RARP not dissected";
	case 0x88cc:
		return "ethertype LLDP not dissected";
	case 0x8847:
	case 0x8848:
		return "ethertype MPLS not dissected";
	case 0x8863:
	case 0x8864:
		return "ethertype PPPoE not dissected";
	case 0x888e:
		return "ethertype EAPOL not dissected";
	case 0x9000:
		return "ethertype loopback not dissected";
	default:
		return "ethertype not dissected";
	}
}

/* The network layer by ethertype, with VLAN tags at the cursor skipped. */
static enum trace_status
dissect_ethertype(struct trace_pkt *p, struct dissect_cur *c, uint16_t type)
{
	int tags = 0;

	while (type == DISSECT_ETHERTYPE_8021Q || type == DISSECT_ETHERTYPE_8021AD ||
	    type == DISSECT_ETHERTYPE_QINQ) {
		if (++tags > DISSECT_MAX_TAGS)
			return dissect_fail(p, TRACE_UNSUPPORTED, "too many VLAN tags");
		if (dissect_be16(c, 2, &type) != 0)
			return dissect_fail(p, TRACE_TRUNCATED, "truncated VLAN tag");
		c->off += 4;
	}
	p->link_len = c->off;
	switch (type) {
	case DISSECT_ETHERTYPE_IPV4:
		return dissect_ip4(p, c);
	case DISSECT_ETHERTYPE_IPV6:
		return dissect_ip6(p, c);
	default:
		if (type < 0x0600)
			return dissect_fail(p, TRACE_UNSUPPORTED, "802.3 frame (LLC) not dissected");
		return dissect_fail(p, TRACE_UNSUPPORTED, dissect_ethertype_why(type));
	}
}

static enum trace_status
dissect_ether(struct trace_pkt *p, struct dissect_cur *c)
{
	uint16_t type;

	if (dissect_be16(c, 12, &type) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated Ethernet header");
	c->off = 14;
	return dissect_ethertype(p, c, type);
}

static enum trace_status
dissect_sll(struct trace_pkt *p, struct dissect_cur *c)
{
	uint16_t type;

	if (dissect_be16(c, 14, &type) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated Linux cooked header");
	c->off = 16;
	if (type < 0x0600)	/* an ARPHRD-specific protocol (802.2, CAN, ...) */
		return dissect_fail(p, TRACE_UNSUPPORTED, "Linux cooked protocol not dissected");
	return dissect_ethertype(p, c, type);
}

static enum trace_status
dissect_sll2(struct trace_pkt *p, struct dissect_cur *c)
{
	uint16_t type;

	if (!dissect_have(c, 0, 20) || dissect_be16(c, 0, &type) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated Linux cooked v2 header");
	c->off = 20;
	if (type < 0x0600)
		return dissect_fail(p, TRACE_UNSUPPORTED, "Linux cooked protocol not dissected");
	return dissect_ethertype(p, c, type);
}

/* BSD loopback: the family in host order (NULL, swapped if need be) or network order (LOOP). */
static enum trace_status
dissect_loopback(struct trace_pkt *p, struct dissect_cur *c, int network_order)
{
	uint32_t family;

	if ((network_order ? dissect_be32(c, 0, &family) : dissect_le32(c, 0, &family)) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated loopback header");
	if (!network_order && (family & 0xffff0000u) != 0)
		family = (family >> 24) | ((family >> 8) & 0xff00) | ((family << 8) & 0xff0000) |
		    (family << 24);
	c->off = 4;
	p->link_len = 4;
	switch (family) {
	case 2:
		return dissect_ip4(p, c);
	case 24:
	case 28:
	case 30:
		return dissect_ip6(p, c);
	default:
		return dissect_fail(p, TRACE_UNSUPPORTED, "loopback address family not dissected");
	}
}

enum trace_status
trace_dissect(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen, int64_t ts_ns,
    struct trace_pkt *p)
{
	struct dissect_cur c = { data, data != NULL ? caplen : 0, 0 };

	memset(p, 0, sizeof *p);
	p->ts_ns = ts_ns;
	p->caplen = caplen;
	p->wirelen = wirelen;
	p->linktype = linktype;
	p->status = TRACE_OK;
	p->why = NULL;

	switch (linktype) {
	case DLT_EN10MB:
		return dissect_ether(p, &c);
	case DLT_LINUX_SLL:
		return dissect_sll(p, &c);
	case DLT_LINUX_SLL2:
		return dissect_sll2(p, &c);
	case DLT_NULL:
		return dissect_loopback(p, &c, 0);
	case DLT_LOOP:
		return dissect_loopback(p, &c, 1);
	case DLT_RAW:
	case DISSECT_LINKTYPE_RAW:
		return dissect_ip(p, &c);
	case DLT_IPV4:
		return dissect_ip4(p, &c);
	case DLT_IPV6:
		return dissect_ip6(p, &c);
	default:
		return dissect_fail(p, TRACE_UNSUPPORTED, "link type not dissected");
	}
}

/*
 * Text.
 */

/* Appends to buf (len bytes) at *pos; the text is cut, never overrun. */
static void __attribute__((format(printf, 4, 5)))
dissect_cat(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0 || *pos >= len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos += (size_t)n;
	if (*pos > len - 1)
		*pos = len - 1;
}

void
trace_flags_text(uint8_t flags, char *buf, size_t len)
{
	/* tcpdump's order: FIN SYN RST PSH ACK URG ECE CWR */
	static const struct {
		uint8_t	 bit;
		char	 c;
	} names[] = {
		{ TRACE_FIN, 'F' }, { TRACE_SYN, 'S' }, { TRACE_RST, 'R' }, { TRACE_PSH, 'P' },
		{ TRACE_ACK, '.' }, { TRACE_URG, 'U' }, { TRACE_ECE, 'E' }, { TRACE_CWR, 'W' },
	};
	size_t pos = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (flags == 0) {
		dissect_cat(buf, len, &pos, "none");
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & names[i].bit)
			dissect_cat(buf, len, &pos, "%c", names[i].c);
}

void
trace_addr_text(int ip_version, const uint8_t *addr, char *buf, size_t len)
{
	if (len == 0)
		return;
	if ((ip_version == 4 && inet_ntop(AF_INET, addr, buf, (socklen_t)len) != NULL) ||
	    (ip_version == 6 && inet_ntop(AF_INET6, addr, buf, (socklen_t)len) != NULL))
		return;
	snprintf(buf, len, "?");
}

/* An endpoint: "10.0.0.1:80", "[::1]:80", or the bare address without a port. */
static void
dissect_endpoint(int version, const uint8_t *addr, int with_port, uint16_t port, char *buf,
    size_t len, size_t *pos)
{
	char a[64];

	trace_addr_text(version, addr, a, sizeof a);
	if (!with_port)
		dissect_cat(buf, len, pos, "%s", a);
	else if (version == 6)
		dissect_cat(buf, len, pos, "[%s]:%u", a, port);
	else
		dissect_cat(buf, len, pos, "%s:%u", a, port);
}

static const char *
dissect_proto_name(int version, uint8_t proto)
{
	switch (proto) {
	case DISSECT_IPPROTO_ICMP:
		return "ICMP";
	case 2:
		return "IGMP";
	case 4:
		return "IPIP";
	case DISSECT_IPPROTO_TCP:
		return "TCP";
	case DISSECT_IPPROTO_UDP:
		return "UDP";
	case 41:
		return "IPv6";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case DISSECT_IPPROTO_AH:
		return "AH";
	case DISSECT_IPPROTO_ICMPV6:
		return "ICMPv6";
	case DISSECT_IPPROTO_NONE:
		return version == 6 ? "no-next-header" : NULL;
	case 88:
		return "EIGRP";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	default:
		return NULL;
	}
}

static void
dissect_cat_proto(int version, uint8_t proto, char *buf, size_t len, size_t *pos)
{
	const char *name = dissect_proto_name(version, proto);

	if (name != NULL)
		dissect_cat(buf, len, pos, "%s", name);
	else
		dissect_cat(buf, len, pos, "ip-proto-%u", proto);
}

/* What an ICMP or ICMPv6 type and code mean, tcpdump's words where it has them. */
static const char *
dissect_icmp_text(int version, uint8_t type, uint8_t code)
{
	static const char *const unreach4[] = {
		"net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "need to frag", "source route failed",
		"net unknown", "host unknown", "source host isolated",
		"net prohibited", "host prohibited", "net unreachable for TOS",
		"host unreachable for TOS", "communication prohibited",
		"host precedence violation", "precedence cutoff",
	};
	static const char *const unreach6[] = {
		"no route", "administratively prohibited", "beyond scope",
		"address unreachable", "port unreachable", "source address failed policy",
		"reject route",
	};

	if (version == 4) {
		switch (type) {
		case 0:
			return "echo reply";
		case 3:
			return code < sizeof unreach4 / sizeof unreach4[0] ? unreach4[code] :
			    "unreachable";
		case 4:
			return "source quench";
		case 5:
			return "redirect";
		case 8:
			return "echo request";
		case 9:
			return "router advertisement";
		case 10:
			return "router solicitation";
		case 11:
			return code == 0 ? "time exceeded in-transit" : "ip reassembly time exceeded";
		case 12:
			return "parameter problem";
		case 13:
			return "time stamp request";
		case 14:
			return "time stamp reply";
		default:
			return NULL;
		}
	}
	switch (type) {
	case 1:
		return code < sizeof unreach6 / sizeof unreach6[0] ? unreach6[code] : "unreachable";
	case 2:
		return "packet too big";
	case 3:
		return code == 0 ? "time exceeded in-transit" : "reassembly time exceeded";
	case 4:
		return "parameter problem";
	case 128:
		return "echo request";
	case 129:
		return "echo reply";
	case 130:
		return "multicast listener query";
	case 131:
		return "multicast listener report";
	case 132:
		return "multicast listener done";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	case 137:
		return "redirect";
	case 143:
		return "multicast listener report v2";
	default:
		return NULL;
	}
}

static void
dissect_line_tcp(const struct trace_pkt *p, uint32_t seq_base, uint32_t ack_base, char *buf,
    size_t len, size_t *pos)
{
	char flags[16];

	trace_flags_text(p->flags, flags, sizeof flags);
	dissect_cat(buf, len, pos, " [%s] seq %u", flags, p->seq - seq_base);
	if (p->flags & TRACE_ACK)
		dissect_cat(buf, len, pos, " ack %u", p->ack - ack_base);
	dissect_cat(buf, len, pos, " win %u len %u", p->win, p->payload_len);
	if (p->has_mss)
		dissect_cat(buf, len, pos, " mss %u", p->mss);
	if (p->sack_ok)
		dissect_cat(buf, len, pos, " sackOK");
	if (p->has_ts)
		dissect_cat(buf, len, pos, " TS val %u ecr %u", p->tsval, p->tsecr);
	if (p->has_ws)
		dissect_cat(buf, len, pos, " wscale %u", p->ws);
	if (p->nsack > 0) {
		dissect_cat(buf, len, pos, " sack %d", p->nsack);
		for (int i = 0; i < p->nsack && i < 4; i++)
			dissect_cat(buf, len, pos, " {%u:%u}", p->sack[i][0] - ack_base,
			    p->sack[i][1] - ack_base);
	}
}

static void
dissect_line_icmp(const struct trace_pkt *p, char *buf, size_t len, size_t *pos)
{
	const char *what = dissect_icmp_text(p->ip_version, p->icmp_type, p->icmp_code);
	int ports = p->q_proto == DISSECT_IPPROTO_TCP || p->q_proto == DISSECT_IPPROTO_UDP ||
	    p->q_proto == 132 || p->q_proto == 33;

	dissect_cat(buf, len, pos, " %s ", p->ip_version == 4 ? "ICMP" : "ICMPv6");
	if (what != NULL)
		dissect_cat(buf, len, pos, "%s", what);
	else
		dissect_cat(buf, len, pos, "type %u code %u", p->icmp_type, p->icmp_code);
	if (p->has_quote) {
		dissect_cat(buf, len, pos, " (");
		dissect_endpoint(p->q_ip_version, p->q_src, ports, p->q_sport, buf, len, pos);
		dissect_cat(buf, len, pos, " > ");
		dissect_endpoint(p->q_ip_version, p->q_dst, ports, p->q_dport, buf, len, pos);
		dissect_cat(buf, len, pos, " ");
		dissect_cat_proto(p->q_ip_version, p->q_proto, buf, len, pos);
		dissect_cat(buf, len, pos, ")");
	} else
		dissect_cat(buf, len, pos, " len %u", p->payload_len);
}

void
trace_pkt_line(const struct trace_pkt *p, uint32_t seq_base, uint32_t ack_base, char *buf,
    size_t len)
{
	size_t pos = 0;
	int ports;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (p->ip_version != 0) {
		/* a transport header read whole, with ports */
		ports = p->transport_hdr_len > 0 &&
		    (p->proto == DISSECT_IPPROTO_TCP || p->proto == DISSECT_IPPROTO_UDP);
		dissect_endpoint(p->ip_version, p->src, ports, p->sport, buf, len, &pos);
		dissect_cat(buf, len, &pos, " > ");
		dissect_endpoint(p->ip_version, p->dst, ports, p->dport, buf, len, &pos);
		if (ports && p->proto == DISSECT_IPPROTO_TCP)
			dissect_line_tcp(p, seq_base, ack_base, buf, len, &pos);
		else if (ports)
			dissect_cat(buf, len, &pos, " UDP len %u", p->payload_len);
		else if (p->transport_hdr_len > 0)
			dissect_line_icmp(p, buf, len, &pos);
		else if (p->ip_hdr_len > 0) {
			dissect_cat(buf, len, &pos, " ");
			dissect_cat_proto(p->ip_version, p->proto, buf, len, &pos);
			if (p->fragment && !p->first_fragment)
				dissect_cat(buf, len, &pos, " fragment");
			if (p->status == TRACE_OK)
				dissect_cat(buf, len, &pos, " len %u", p->payload_len);
		}
		if (p->fragment && p->first_fragment && p->transport_hdr_len > 0)
			dissect_cat(buf, len, &pos, " (first fragment)");
		dissect_cat(buf, len, &pos, " ");
	}
	switch (p->status) {
	case TRACE_OK:
		if (pos > 0 && buf[pos - 1] == ' ')
			buf[--pos] = '\0';	/* the trailing space */
		break;
	case TRACE_TRUNCATED:
		dissect_cat(buf, len, &pos, "[|%s]", p->why ? p->why : "truncated");
		break;
	case TRACE_MALFORMED:
		dissect_cat(buf, len, &pos, "[malformed: %s]", p->why ? p->why : "?");
		break;
	case TRACE_UNSUPPORTED:
		dissect_cat(buf, len, &pos, "[unsupported: %s]", p->why ? p->why : "?");
		break;
	}
}
