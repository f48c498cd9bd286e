/*
 * dissect-int.h — what the dissector's files (pcap/dissect*.c) share, and
 * nothing outside them uses: the cursor over a packet's captured bytes, the
 * bounds-checked accessors every byte is read through (inline: they are
 * the hot path), the constants, and each file's entry points.
 */
#ifndef VERONA_DISSECT_INT_H
#define VERONA_DISSECT_INT_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "trace.h"

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
#define DISSECT_ETHERTYPE_ARP	0x0806
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
static inline int
dissect_have(const struct dissect_cur *c, uint32_t rel, uint32_t n)
{
	uint64_t end = (uint64_t)c->off + rel + n;

	return end <= c->caplen;
}

static inline int
dissect_u8(const struct dissect_cur *c, uint32_t rel, uint8_t *v)
{
	if (!dissect_have(c, rel, 1))
		return -1;
	*v = c->data[c->off + rel];
	return 0;
}

static inline int
dissect_be16(const struct dissect_cur *c, uint32_t rel, uint16_t *v)
{
	const uint8_t *b;

	if (!dissect_have(c, rel, 2))
		return -1;
	b = c->data + c->off + rel;
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return 0;
}

static inline int
dissect_be32(const struct dissect_cur *c, uint32_t rel, uint32_t *v)
{
	const uint8_t *b;

	if (!dissect_have(c, rel, 4))
		return -1;
	b = c->data + c->off + rel;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return 0;
}

static inline int
dissect_le32(const struct dissect_cur *c, uint32_t rel, uint32_t *v)
{
	const uint8_t *b;

	if (!dissect_have(c, rel, 4))
		return -1;
	b = c->data + c->off + rel;
	*v = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
	return 0;
}

static inline int
dissect_bytes(const struct dissect_cur *c, uint32_t rel, void *dst, uint32_t n)
{
	if (!dissect_have(c, rel, n))
		return -1;
	memcpy(dst, c->data + c->off + rel, n);
	return 0;
}

/* dissect.c */
/* Records a problem; the first one found stays.  Returns the status. */
enum trace_status dissect_fail(struct trace_pkt *, enum trace_status, const char *why);
/*
 * Checks that a header of n bytes at the cursor lies inside the length
 * its enclosing header gives (avail; else malformed) and was captured
 * (else truncated).  0 when it may be read.
 */
int	dissect_need(struct trace_pkt *, const struct dissect_cur *, uint32_t n, uint32_t avail,
	    const char *truncated, const char *malformed);
/* The transport payload: len bytes from the cursor, of which some were captured. */
void	dissect_payload(struct trace_pkt *, const struct dissect_cur *, uint32_t len);

/* dissect-ether.c: the link layers, the cursor at 0 */
enum trace_status dissect_ether(struct trace_pkt *, struct dissect_cur *);
enum trace_status dissect_sll(struct trace_pkt *, struct dissect_cur *);
enum trace_status dissect_sll2(struct trace_pkt *, struct dissect_cur *);
enum trace_status dissect_loopback(struct trace_pkt *, struct dissect_cur *, int network_order);
/*
 * The ethertype of an Ethernet (VLAN tags skipped) or Linux cooked frame,
 * the cursor left on the network layer: 0, or -1 (another link type, a
 * header cut short).
 */
int	dissect_link_ethertype(int linktype, struct dissect_cur *, uint16_t *type);

/* dissect-ip.c */
enum trace_status dissect_ip4(struct trace_pkt *, struct dissect_cur *);
/* IPv4 or IPv6 by the version nibble (raw IP, loopback). */
enum trace_status dissect_ip(struct trace_pkt *, struct dissect_cur *);
/* The transport, at the cursor, l4len bytes by the IP header. */
enum trace_status dissect_transport(struct trace_pkt *, struct dissect_cur *, uint32_t l4len);
/* The bytes the packet had on the wire from the cursor on. */
uint32_t dissect_wire_left(const struct trace_pkt *, const struct dissect_cur *);

/* dissect-ip6.c */
enum trace_status dissect_ip6(struct trace_pkt *, struct dissect_cur *);
/*
 * IPv6 extension headers from the cursor (just after the fixed header),
 * inside limit bytes.  Leaves *nh the transport protocol, *len the bytes
 * walked, *frag and *fragoff what a fragment header said.  0, or -1 after
 * marking p (truncated_why for a header cut by the capture).
 */
int	dissect_ip6_ext(struct trace_pkt *, const struct dissect_cur *, uint8_t *nh, uint32_t limit,
	    uint32_t *len, int *frag, uint16_t *fragoff, const char *truncated_why);

/* dissect-tcp.c, dissect-udp.c, dissect-icmp.c: the transport at the cursor, l4len bytes of it */
enum trace_status dissect_tcp(struct trace_pkt *, struct dissect_cur *, uint32_t l4len);
enum trace_status dissect_udp(struct trace_pkt *, struct dissect_cur *, uint32_t l4len);
enum trace_status dissect_icmp(struct trace_pkt *, struct dissect_cur *, uint32_t l4len);

/* dissect-text.c */
/* Appends to buf (len bytes) at *pos; the text is cut, never overrun. */
void	dissect_cat(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* An endpoint: "10.0.0.1:80", "[::1]:80", or the bare address without a port. */
void	dissect_endpoint(int version, const uint8_t *addr, int with_port, uint16_t port, char *buf,
	    size_t len, size_t *pos);
/* A protocol's name, or ip-proto-N. */
void	dissect_cat_proto(int version, uint8_t proto, char *buf, size_t len, size_t *pos);
/* The TCP part of a line (dissect-tcp.c) and the ICMP part (dissect-icmp.c). */
void	dissect_line_tcp(const struct trace_pkt *, uint32_t seq_base, uint32_t ack_base, char *buf,
	    size_t len, size_t *pos);
void	dissect_line_icmp(const struct trace_pkt *, char *buf, size_t len, size_t *pos);
#endif
