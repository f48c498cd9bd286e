/*
 * dissect-ip.c — IPv4, raw IP (IPv4 or IPv6 by the version nibble),
 * and the transport by protocol number.
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
 */
#include <stdint.h>

#include "dissect-int.h"

/* The transport, at the cursor, l4len bytes by the IP header. */
enum trace_status
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
uint32_t
dissect_wire_left(const struct trace_pkt *p, const struct dissect_cur *c)
{
	uint32_t wire = p->wirelen > p->caplen ? p->wirelen : p->caplen;

	return c->off < wire ? wire - c->off : 0;
}

enum trace_status
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

/* IPv4 or IPv6 by the version nibble (raw IP, loopback). */
enum trace_status
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
