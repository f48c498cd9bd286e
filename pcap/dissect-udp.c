/*
 * dissect-udp.c — UDP.
 *
 * UDP (RFC 768):
 *	| Source Port (2) | Destination Port (2) | Length (2) | Checksum (2) |
 */
#include <stdint.h>

#include "dissect-int.h"

/* UDP at the cursor. */
enum trace_status
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
