/*
 * dissect.h — what the dissector (pcap/dissect*.c) offers besides
 * trace_dissect (trace.h): reading the packets it does not dissect into a
 * trace_pkt, through the same bounds-checked accessors.
 */
#ifndef VERONA_DISSECT_H
#define VERONA_DISSECT_H
#include <stdint.h>

#include "trace.h"

#define DISSECT_ARP_HLEN_MAX	16	/* hardware addresses kept (Ethernet: 6) */

/* An ARP packet for IPv4 (RFC 826), as dissect_arp_read finds it. */
struct dissect_arp {
	uint16_t	 htype;		/* hardware type: 1 Ethernet */
	uint16_t	 op;		/* 1 request, 2 reply */
	uint8_t		 hlen;		/* bytes of a hardware address */
	uint8_t		 sha[DISSECT_ARP_HLEN_MAX];	/* the first hlen bytes (at most 16) */
	uint8_t		 tha[DISSECT_ARP_HLEN_MAX];
	uint8_t		 spa[4];	/* the sender's IPv4 address, network order */
	uint8_t		 tpa[4];	/* the target's */
};

/*
 * Reads the ARP packet in data (caplen bytes captured; linktype a DLT_*:
 * Ethernet, VLAN tags skipped, or Linux cooked v1 or v2).  Returns 0 with
 * *arp filled when the frame is ARP for IPv4 (protocol type 0x0800,
 * protocol addresses of 4 bytes) and its whole ARP header, both target
 * addresses included, was captured; -1 when the frame is not ARP, is ARP
 * for another protocol, or was cut short (then *arp is zeroed).  Never
 * reads data[caplen] or beyond.
 */
int	dissect_arp_read(int linktype, const uint8_t *data, uint32_t caplen, struct dissect_arp *arp);
#endif
