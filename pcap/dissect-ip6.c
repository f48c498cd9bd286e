/*
 * dissect-ip6.c — IPv6 and its extension headers.
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
 */
#include <stdint.h>

#include "dissect-int.h"

/*
 * IPv6 extension headers from the cursor (just after the fixed header),
 * inside limit bytes.  Leaves *nh the transport protocol, *len the bytes
 * walked, *frag and *fragoff what a fragment header said.  0, or -1 after
 * marking p (truncated_why for a header cut by the capture).
 */
int
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

enum trace_status
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
