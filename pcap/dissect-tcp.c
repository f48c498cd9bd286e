/*
 * dissect-tcp.c — TCP and its options, and the TCP part of a packet's line.
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
 */
#include <stdint.h>
#include <stdio.h>

#include "dissect-int.h"

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
enum trace_status
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
