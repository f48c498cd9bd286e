/*
 * dissect-arp.c — ARP (RFC 826), after ethertype 0x0806.  Not a packet
 * trace_dissect dissects (it stays TRACE_UNSUPPORTED there, no IP in it);
 * read on its own by dissect_arp_read, for whoever needs to know who sent
 * it (the controller gives an ARP packet to the host that sent it).
 *
 *	 0                   1                   2                   3
 *	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|        Hardware Type          |        Protocol Type          |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|  HW Addr Len  | Proto Addr Len|          Operation            |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|        Sender Hardware Address (HW Addr Len bytes)            |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|        Sender Protocol Address (Proto Addr Len bytes)         |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|        Target Hardware Address (HW Addr Len bytes)            |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	|        Target Protocol Address (Proto Addr Len bytes)         |
 *	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *	Over Ethernet for IPv4: hardware type 1, protocol type 0x0800,
 *	lengths 6 and 4: 28 bytes, the sender's IPv4 address at 14.
 */
#include <stdint.h>
#include <string.h>

#include "dissect-int.h"
#include "dissect.h"

#define DISSECT_ARP_PTYPE_IPV4	0x0800

int
dissect_arp_read(int linktype, const uint8_t *data, uint32_t caplen, struct dissect_arp *arp)
{
	struct dissect_cur c = { data, data != NULL ? caplen : 0, 0 };
	uint16_t type, ptype;
	uint8_t plen;
	uint32_t hl;

	memset(arp, 0, sizeof *arp);
	if (dissect_link_ethertype(linktype, &c, &type) != 0 || type != DISSECT_ETHERTYPE_ARP)
		return -1;
	if (dissect_be16(&c, 0, &arp->htype) != 0 || dissect_be16(&c, 2, &ptype) != 0 ||
	    dissect_u8(&c, 4, &arp->hlen) != 0 || dissect_u8(&c, 5, &plen) != 0 ||
	    dissect_be16(&c, 6, &arp->op) != 0 || ptype != DISSECT_ARP_PTYPE_IPV4 || plen != 4)
		goto not_read;
	hl = arp->hlen;
	/* the whole header, the target's addresses too */
	if (!dissect_have(&c, 8, 2 * hl + 8) ||
	    dissect_bytes(&c, 8 + hl, arp->spa, 4) != 0 ||
	    dissect_bytes(&c, 8 + 2 * hl + 4, arp->tpa, 4) != 0)
		goto not_read;
	if (hl <= DISSECT_ARP_HLEN_MAX && (dissect_bytes(&c, 8, arp->sha, hl) != 0 ||
	    dissect_bytes(&c, 12 + hl, arp->tha, hl) != 0))
		goto not_read;
	return 0;
not_read:
	memset(arp, 0, sizeof *arp);
	return -1;
}
