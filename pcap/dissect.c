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
 * The files, one per protocol as tcpdump's print-*.c, each opening with
 * the layout of its headers: dissect.c (this one: the entry by link type
 * and the shared checks), dissect-ether.c (Ethernet, VLAN tags, Linux
 * cooked v1 and v2, BSD loopback), dissect-arp.c, dissect-ip.c (IPv4,
 * raw IP, the transport by protocol), dissect-ip6.c (with extension
 * headers), dissect-tcp.c, dissect-udp.c, dissect-icmp.c (v4 and v6),
 * dissect-text.c (the one-line text); dissect-int.h is what they share.
 */
#include <stdint.h>
#include <string.h>

#include <pcap/dlt.h>

#include "dissect-int.h"

/* Records a problem; the first one found stays.  Returns the status. */
enum trace_status
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
int
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
void
dissect_payload(struct trace_pkt *p, const struct dissect_cur *c, uint32_t len)
{
	uint32_t left = c->off < c->caplen ? c->caplen - c->off : 0;

	p->payload_len = len;
	p->payload_caplen = len < left ? len : left;
	p->payload = p->payload_caplen > 0 ? c->data + c->off : NULL;
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
