/*
 * dissect-ether.c — the link layers: Ethernet with VLAN tags, Linux
 * cooked v1 and v2, BSD loopback.
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
 */
#include <stdint.h>

#include "dissect-int.h"

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

/*
 * Skips the VLAN tags at the cursor (type: the ethertype before them),
 * leaving *type the one after them: 0, -1 for a tag cut short, 1 for more
 * than DISSECT_MAX_TAGS tags.
 */
static int
dissect_vlan_skip(struct dissect_cur *c, uint16_t *type)
{
	int tags = 0;

	while (*type == DISSECT_ETHERTYPE_8021Q || *type == DISSECT_ETHERTYPE_8021AD ||
	    *type == DISSECT_ETHERTYPE_QINQ) {
		if (++tags > DISSECT_MAX_TAGS)
			return 1;
		if (dissect_be16(c, 2, type) != 0)
			return -1;
		c->off += 4;
	}
	return 0;
}

/* The network layer by ethertype, with VLAN tags at the cursor skipped. */
static enum trace_status
dissect_ethertype(struct trace_pkt *p, struct dissect_cur *c, uint16_t type)
{
	switch (dissect_vlan_skip(c, &type)) {
	case 1:
		return dissect_fail(p, TRACE_UNSUPPORTED, "too many VLAN tags");
	case -1:
		return dissect_fail(p, TRACE_TRUNCATED, "truncated VLAN tag");
	default:
		break;
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

enum trace_status
dissect_ether(struct trace_pkt *p, struct dissect_cur *c)
{
	uint16_t type;

	if (dissect_be16(c, 12, &type) != 0)
		return dissect_fail(p, TRACE_TRUNCATED, "truncated Ethernet header");
	c->off = 14;
	return dissect_ethertype(p, c, type);
}

enum trace_status
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

enum trace_status
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
enum trace_status
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

/*
 * The ethertype of a frame whose link header is at the cursor (at 0):
 * Ethernet with its VLAN tags, Linux cooked v1 or v2.  The cursor is left
 * on the network layer.  0, or -1 for another link type, a link header or
 * tag cut short, or too many tags.
 */
int
dissect_link_ethertype(int linktype, struct dissect_cur *c, uint16_t *type)
{
	switch (linktype) {
	case DLT_EN10MB:
		if (dissect_be16(c, 12, type) != 0)
			return -1;
		c->off = 14;
		break;
	case DLT_LINUX_SLL:
		if (dissect_be16(c, 14, type) != 0)
			return -1;
		c->off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (!dissect_have(c, 0, 20) || dissect_be16(c, 0, type) != 0)
			return -1;
		c->off = 20;
		break;
	default:
		return -1;
	}
	return dissect_vlan_skip(c, type) == 0 ? 0 : -1;
}
