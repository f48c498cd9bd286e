/*
 * dissect-icmp.c — ICMP and ICMPv6, the header an error quotes, and the
 * ICMP part of a packet's line.
 *
 * ICMP (RFC 792) and ICMPv6 (RFC 4443):
 *	| Type (1) | Code (1) | Checksum (2) | rest of header (4) |
 *	An error (ICMP 3, 4, 5, 11, 12; ICMPv6 1, 2, 3, 4) quotes the IP
 *	header of the datagram that caused it and at least the first 8 bytes
 *	of its transport header (the ports).
 */
#include <stdint.h>

#include "dissect-int.h"

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
enum trace_status
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

void
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
