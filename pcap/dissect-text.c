/*
 * dissect-text.c — the one-line text of a dissected packet, tcpdump-like,
 * and the text of addresses, endpoints and protocol numbers.  The TCP and
 * ICMP parts of a line are in dissect-tcp.c and dissect-icmp.c.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "dissect-int.h"

/* Appends to buf (len bytes) at *pos; the text is cut, never overrun. */
void
dissect_cat(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len == 0 || *pos >= len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos += (size_t)n;
	if (*pos > len - 1)
		*pos = len - 1;
}

void
trace_addr_text(int ip_version, const uint8_t *addr, char *buf, size_t len)
{
	if (len == 0)
		return;
	if ((ip_version == 4 && inet_ntop(AF_INET, addr, buf, (socklen_t)len) != NULL) ||
	    (ip_version == 6 && inet_ntop(AF_INET6, addr, buf, (socklen_t)len) != NULL))
		return;
	snprintf(buf, len, "?");
}

/* An endpoint: "10.0.0.1:80", "[::1]:80", or the bare address without a port. */
void
dissect_endpoint(int version, const uint8_t *addr, int with_port, uint16_t port, char *buf,
    size_t len, size_t *pos)
{
	char a[64];

	trace_addr_text(version, addr, a, sizeof a);
	if (!with_port)
		dissect_cat(buf, len, pos, "%s", a);
	else if (version == 6)
		dissect_cat(buf, len, pos, "[%s]:%u", a, port);
	else
		dissect_cat(buf, len, pos, "%s:%u", a, port);
}

static const char *
dissect_proto_name(int version, uint8_t proto)
{
	switch (proto) {
	case DISSECT_IPPROTO_ICMP:
		return "ICMP";
	case 2:
		return "IGMP";
	case 4:
		return "IPIP";
	case DISSECT_IPPROTO_TCP:
		return "TCP";
	case DISSECT_IPPROTO_UDP:
		return "UDP";
	case 41:
		return "IPv6";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case DISSECT_IPPROTO_AH:
		return "AH";
	case DISSECT_IPPROTO_ICMPV6:
		return "ICMPv6";
	case DISSECT_IPPROTO_NONE:
		return version == 6 ? "no-next-header" : NULL;
	case 88:
		return "EIGRP";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	default:
		return NULL;
	}
}

void
dissect_cat_proto(int version, uint8_t proto, char *buf, size_t len, size_t *pos)
{
	const char *name = dissect_proto_name(version, proto);

	if (name != NULL)
		dissect_cat(buf, len, pos, "%s", name);
	else
		dissect_cat(buf, len, pos, "ip-proto-%u", proto);
}

void
trace_pkt_line(const struct trace_pkt *p, uint32_t seq_base, uint32_t ack_base, char *buf,
    size_t len)
{
	size_t pos = 0;
	int ports;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (p->ip_version != 0) {
		/* a transport header read whole, with ports */
		ports = p->transport_hdr_len > 0 &&
		    (p->proto == DISSECT_IPPROTO_TCP || p->proto == DISSECT_IPPROTO_UDP);
		dissect_endpoint(p->ip_version, p->src, ports, p->sport, buf, len, &pos);
		dissect_cat(buf, len, &pos, " > ");
		dissect_endpoint(p->ip_version, p->dst, ports, p->dport, buf, len, &pos);
		if (ports && p->proto == DISSECT_IPPROTO_TCP)
			dissect_line_tcp(p, seq_base, ack_base, buf, len, &pos);
		else if (ports)
			dissect_cat(buf, len, &pos, " UDP len %u", p->payload_len);
		else if (p->transport_hdr_len > 0)
			dissect_line_icmp(p, buf, len, &pos);
		else if (p->ip_hdr_len > 0) {
			dissect_cat(buf, len, &pos, " ");
			dissect_cat_proto(p->ip_version, p->proto, buf, len, &pos);
			if (p->fragment && !p->first_fragment)
				dissect_cat(buf, len, &pos, " fragment");
			if (p->status == TRACE_OK)
				dissect_cat(buf, len, &pos, " len %u", p->payload_len);
		}
		if (p->fragment && p->first_fragment && p->transport_hdr_len > 0)
			dissect_cat(buf, len, &pos, " (first fragment)");
		dissect_cat(buf, len, &pos, " ");
	}
	switch (p->status) {
	case TRACE_OK:
		if (pos > 0 && buf[pos - 1] == ' ')
			buf[--pos] = '\0';	/* the trailing space */
		break;
	case TRACE_TRUNCATED:
		dissect_cat(buf, len, &pos, "[|%s]", p->why ? p->why : "truncated");
		break;
	case TRACE_MALFORMED:
		dissect_cat(buf, len, &pos, "[malformed: %s]", p->why ? p->why : "?");
		break;
	case TRACE_UNSUPPORTED:
		dissect_cat(buf, len, &pos, "[unsupported: %s]", p->why ? p->why : "?");
		break;
	}
}
