/*
 * cmd-stats.c — verona stats TRACE [--json]: per-flow statistics of a
 * capture (packets, payload and header bytes per layer, overhead, TCP
 * handshake and teardown packets), TCP and UDP side by side as Lab 1's
 * traffic analysis asks, then the packets of no flow and the bad ones.
 * verona stats --packets TRACE prints one line per packet instead (the
 * dissector's fields in a fixed form; the tests compare them with tshark).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "cmd.h"
#include "stats-json.h"
#include "trace.h"

#define CMD_STATS_NCOLS	10

/* Column alignment of the flow table: 1 for numbers (right). */
static const int cmd_stats_flow_right[CMD_STATS_NCOLS] = { 0, 0, 0, 1, 1, 1, 1, 1, 1, 1 };
static const char *const cmd_stats_flow_head[CMD_STATS_NCOLS] = {
	"proto", "initiator", "responder", "packets a>b/b>a", "payload a>b/b>a",
	"headers link/ip/transport", "wire", "overhead", "handshake", "teardown",
};

static const char *
cmd_stats_proto_name(uint8_t proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "ip";
}

static const char *
cmd_stats_status_name(enum trace_status s)
{
	switch (s) {
	case TRACE_OK:
		return "ok";
	case TRACE_TRUNCATED:
		return "truncated";
	case TRACE_MALFORMED:
		return "malformed";
	case TRACE_UNSUPPORTED:
		return "unsupported";
	}
	return "?";
}

static void
cmd_stats_endpoint(int version, const uint8_t *addr, uint16_t port, char *buf, size_t len)
{
	char a[64];

	trace_addr_text(version, addr, a, sizeof a);
	if (version == 6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

static const char *
cmd_stats_linktype_name(int linktype)
{
	const char *name = pcap_datalink_val_to_name(linktype);

	return name != NULL ? name : "unknown";
}

/* The flow table's cells of one flow. */
static void
cmd_stats_flow_cells(const struct trace_flow *f, char cells[CMD_STATS_NCOLS][96])
{
	struct trace_dir_stats both = { 0 };

	trace_stats_sum(&both, &f->dir[0]);
	trace_stats_sum(&both, &f->dir[1]);
	snprintf(cells[0], 96, "%s", cmd_stats_proto_name(f->proto));
	cmd_stats_endpoint(f->ip_version, f->a, f->aport, cells[1], 96);
	cmd_stats_endpoint(f->ip_version, f->b, f->bport, cells[2], 96);
	snprintf(cells[3], 96, "%" PRIu64 "/%" PRIu64, f->dir[0].packets, f->dir[1].packets);
	snprintf(cells[4], 96, "%" PRIu64 "/%" PRIu64, f->dir[0].payload_bytes,
	    f->dir[1].payload_bytes);
	snprintf(cells[5], 96, "%" PRIu64 "/%" PRIu64 "/%" PRIu64, both.link_bytes, both.ip_bytes,
	    both.transport_bytes);
	snprintf(cells[6], 96, "%" PRIu64, both.wire_bytes);
	snprintf(cells[7], 96, "%.1f%%", trace_stats_overhead(&both));
	if (f->proto == 6) {
		snprintf(cells[8], 96, "%" PRIu64, both.handshake);
		snprintf(cells[9], 96, "%" PRIu64, both.teardown);
	} else {
		snprintf(cells[8], 96, "-");
		snprintf(cells[9], 96, "-");
	}
}

static void
cmd_stats_print_row(const char cells[CMD_STATS_NCOLS][96], const int *width, const int *right,
    int n)
{
	for (int i = 0; i < n; i++) {
		if (i == n - 1 && !right[i])
			printf("%s", cells[i]);
		else
			printf(right[i] ? "%*s" : "%-*s", width[i], cells[i]);
		printf(i == n - 1 ? "\n" : "  ");
	}
}

/* One line of the per-protocol summary. */
static void
cmd_stats_summary_cells(const char *name, const char *flows, const struct trace_dir_stats *d,
    char cells[CMD_STATS_NCOLS][96])
{
	snprintf(cells[0], 96, "%s", name);
	snprintf(cells[1], 96, "%s", flows);
	snprintf(cells[2], 96, "%" PRIu64, d->packets);
	snprintf(cells[3], 96, "%" PRIu64, d->payload_bytes);
	snprintf(cells[4], 96, "%" PRIu64, d->link_bytes);
	snprintf(cells[5], 96, "%" PRIu64, d->ip_bytes);
	snprintf(cells[6], 96, "%" PRIu64, d->transport_bytes);
	snprintf(cells[7], 96, "%" PRIu64, d->wire_bytes);
	snprintf(cells[8], 96, "%.1f%%", trace_stats_overhead(d));
	snprintf(cells[9], 96, "%.1f", d->packets ? (double)d->wire_bytes / (double)d->packets : 0.0);
}

/* Sums the flows of one protocol. */
static size_t
cmd_stats_proto_sum(const struct trace_stats *s, uint8_t proto, struct trace_dir_stats *d)
{
	size_t n = 0;

	memset(d, 0, sizeof *d);
	for (size_t i = 0; i < s->nflows; i++)
		if (s->flows[i].proto == proto) {
			trace_stats_sum(d, &s->flows[i].dir[0]);
			trace_stats_sum(d, &s->flows[i].dir[1]);
			n++;
		}
	return n;
}

static void
cmd_stats_text(const char *path, int linktype, const struct trace_stats *s, const char *damage)
{
	static const int sum_right[CMD_STATS_NCOLS] = { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	static const char *const sum_head[CMD_STATS_NCOLS] = {
		"protocol", "flows", "packets", "payload", "link", "ip", "transport", "wire",
		"overhead", "wire/packet",
	};
	char cells[CMD_STATS_NCOLS][96], rows[6][CMD_STATS_NCOLS][96], flows[32];
	int width[CMD_STATS_NCOLS];
	struct trace_dir_stats tcp, udp;
	size_t ntcp, nudp;

	printf("%s: %s, %" PRIu64 " packet%s, %zu flow%s, %.6f s\n", path,
	    cmd_stats_linktype_name(linktype), s->total.packets, s->total.packets == 1 ? "" : "s",
	    s->nflows, s->nflows == 1 ? "" : "s",
	    s->total.packets ? ((double)s->last_ns - (double)s->first_ns) / 1e9 : 0.0);

	if (s->nflows > 0) {
		/* two passes: the widths, then the rows */
		for (int c = 0; c < CMD_STATS_NCOLS; c++)
			width[c] = (int)strlen(cmd_stats_flow_head[c]);
		for (size_t i = 0; i < s->nflows; i++) {
			cmd_stats_flow_cells(&s->flows[i], cells);
			for (int c = 0; c < CMD_STATS_NCOLS; c++)
				if ((int)strlen(cells[c]) > width[c])
					width[c] = (int)strlen(cells[c]);
		}
		printf("\n");
		for (int c = 0; c < CMD_STATS_NCOLS; c++)
			snprintf(cells[c], 96, "%s", cmd_stats_flow_head[c]);
		cmd_stats_print_row((const char (*)[96])cells, width, cmd_stats_flow_right, CMD_STATS_NCOLS);
		for (size_t i = 0; i < s->nflows; i++) {
			cmd_stats_flow_cells(&s->flows[i], cells);
			cmd_stats_print_row((const char (*)[96])cells, width, cmd_stats_flow_right, CMD_STATS_NCOLS);
		}
	}

	/* TCP and UDP side by side, then what is in no flow, the bad packets, everything */
	ntcp = cmd_stats_proto_sum(s, 6, &tcp);
	nudp = cmd_stats_proto_sum(s, 17, &udp);
	for (int c = 0; c < CMD_STATS_NCOLS; c++)
		snprintf(rows[0][c], 96, "%s", sum_head[c]);
	snprintf(flows, sizeof flows, "%zu", ntcp);
	cmd_stats_summary_cells("tcp", flows, &tcp, rows[1]);
	snprintf(flows, sizeof flows, "%zu", nudp);
	cmd_stats_summary_cells("udp", flows, &udp, rows[2]);
	cmd_stats_summary_cells("other", "-", &s->other, rows[3]);
	cmd_stats_summary_cells("bad", "-", &s->bad, rows[4]);
	/* of a bad packet only its length on the wire is known */
	for (int c = 3; c <= 8; c++)
		if (c != 7)
			snprintf(rows[4][c], 96, "-");
	snprintf(flows, sizeof flows, "%zu", s->nflows);
	cmd_stats_summary_cells("total", flows, &s->total, rows[5]);
	for (int c = 0; c < CMD_STATS_NCOLS; c++) {
		width[c] = 0;
		for (int r = 0; r < 6; r++)
			if ((int)strlen(rows[r][c]) > width[c])
				width[c] = (int)strlen(rows[r][c]);
	}
	printf("\n");
	for (int r = 0; r < 6; r++)
		cmd_stats_print_row((const char (*)[96])rows[r], width, sum_right, CMD_STATS_NCOLS);
	printf("\nother: %" PRIu64 " ICMP, %" PRIu64 " other IP, %" PRIu64 " non-IP packets\n",
	    s->other_icmp, s->other_ip, s->other_nonip);
	printf("bad: %" PRIu64 " truncated, %" PRIu64 " malformed packets; %" PRIu64
	    " unsupported (in other)\n", s->truncated, s->malformed, s->unsupported);
	if (damage != NULL)
		printf("damaged: %s (the figures cover the packets before it)\n", damage);
}

static json_t *
cmd_stats_json_endpoint(int version, const uint8_t *addr, uint16_t port)
{
	char a[64];

	trace_addr_text(version, addr, a, sizeof a);
	return json_pack("{s:s, s:i}", "addr", a, "port", (int)port);
}

static int
cmd_stats_json(const char *path, int linktype, const struct trace_stats *s, const char *damage)
{
	json_t *doc, *flows, *protos;
	struct trace_dir_stats tcp, udp;
	size_t ntcp, nudp;
	char *text;

	flows = json_array();
	for (size_t i = 0; i < s->nflows; i++) {
		const struct trace_flow *f = &s->flows[i];
		struct trace_dir_stats both = { 0 };
		int istcp = f->proto == 6;
		trace_stats_sum(&both, &f->dir[0]);
		trace_stats_sum(&both, &f->dir[1]);
		json_t *o = json_object();
		json_object_set_new(o, "proto", json_string(cmd_stats_proto_name(f->proto)));
		json_object_set_new(o, "ip_version", json_integer(f->ip_version));
		json_object_set_new(o, "a", cmd_stats_json_endpoint(f->ip_version, f->a, f->aport));
		json_object_set_new(o, "b", cmd_stats_json_endpoint(f->ip_version, f->b, f->bport));
		json_object_set_new(o, "first_ns", json_integer(f->first_ns));
		json_object_set_new(o, "last_ns", json_integer(f->last_ns));
		json_t *sums = stats_json_dir(&both, STATS_JSON_CLI, istcp);
		json_object_update(o, sums);
		json_decref(sums);
		json_object_set_new(o, "a_to_b", stats_json_dir(&f->dir[0], STATS_JSON_CLI, istcp));
		json_object_set_new(o, "b_to_a", stats_json_dir(&f->dir[1], STATS_JSON_CLI, istcp));
		json_array_append_new(flows, o);
	}
	ntcp = cmd_stats_proto_sum(s, 6, &tcp);
	nudp = cmd_stats_proto_sum(s, 17, &udp);
	protos = json_object();
	json_object_set_new(protos, "tcp", stats_json_dir(&tcp, STATS_JSON_CLI, 1));
	json_object_set_new(json_object_get(protos, "tcp"), "flows", json_integer((json_int_t)ntcp));
	json_object_set_new(protos, "udp", stats_json_dir(&udp, STATS_JSON_CLI, 0));
	json_object_set_new(json_object_get(protos, "udp"), "flows", json_integer((json_int_t)nudp));

	json_t *other = stats_json_dir(&s->other, STATS_JSON_CLI, 0);
	json_object_set_new(other, "icmp_packets", json_integer((json_int_t)s->other_icmp));
	json_object_set_new(other, "other_ip_packets", json_integer((json_int_t)s->other_ip));
	json_object_set_new(other, "non_ip_packets", json_integer((json_int_t)s->other_nonip));

	json_t *bad = json_pack("{s:I, s:I, s:I, s:I}", "packets", (json_int_t)s->bad.packets,
	    "wire_bytes", (json_int_t)s->bad.wire_bytes, "truncated", (json_int_t)s->truncated,
	    "malformed", (json_int_t)s->malformed);
	json_t *total = stats_json_dir(&s->total, STATS_JSON_CLI, 0);
	json_object_set_new(total, "flows", json_integer((json_int_t)s->nflows));

	doc = json_pack("{s:s, s:s, s:i, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}",
	    "file", path,
	    "linktype", cmd_stats_linktype_name(linktype),
	    "linktype_number", linktype,
	    "packets", (json_int_t)s->total.packets,
	    "wire_bytes", (json_int_t)s->total.wire_bytes,
	    "first_ns", (json_int_t)(s->total.packets ? s->first_ns : 0),
	    "last_ns", (json_int_t)(s->total.packets ? s->last_ns : 0),
	    "flows", flows,
	    "protocols", protos,
	    "other", other,
	    "bad", bad,
	    "total", total,
	    "truncated", (json_int_t)s->truncated,
	    "malformed", (json_int_t)s->malformed,
	    "unsupported", (json_int_t)s->unsupported);
	if (doc == NULL) {
		fprintf(stderr, "verona: %s: cannot make the JSON document\n", path);
		return -1;
	}
	json_object_set_new(doc, "damaged", damage != NULL ? json_string(damage) : json_null());
	text = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	json_decref(doc);
	if (text == NULL) {
		fprintf(stderr, "verona: %s: cannot make the JSON document\n", path);
		return -1;
	}
	printf("%s\n", text);
	free(text);
	return 0;
}

/* One packet as --packets prints it. */
static void
cmd_stats_packet_line(uint64_t n, const struct trace_pkt *p)
{
	char src[64] = "-", dst[64] = "-", qs[64], qd[64], line[512], opts[256];
	size_t olen = 0;	/* mss, ws, sackok, ts and 4 SACK blocks: < 160 characters */

	if (p->ip_version != 0) {
		trace_addr_text(p->ip_version, p->src, src, sizeof src);
		trace_addr_text(p->ip_version, p->dst, dst, sizeof dst);
	}
	printf("%" PRIu64 " status=%s link=%u ipv=%d src=%s dst=%s proto=%u iphdr=%u iplen=%u"
	    " frag=%d/%d sport=%u dport=%u thdr=%u flags=0x%02x seq=%u ack=%u win=%u"
	    " udplen=%u icmp=%u/%u len=%u caplen=%u", n, cmd_stats_status_name(p->status), p->link_len,
	    p->ip_version, src, dst, p->proto, p->ip_hdr_len, p->ip_len, p->fragment,
	    p->first_fragment, p->sport, p->dport, p->transport_hdr_len, p->flags, p->seq, p->ack,
	    p->win, p->udp_len, p->icmp_type, p->icmp_code, p->payload_len, p->payload_caplen);
	if (p->has_quote) {
		trace_addr_text(p->q_ip_version, p->q_src, qs, sizeof qs);
		trace_addr_text(p->q_ip_version, p->q_dst, qd, sizeof qd);
		printf(" quote=%s,%u,%s,%u,%u", qs, p->q_sport, qd, p->q_dport, p->q_proto);
	} else
		printf(" quote=-");
	opts[0] = '\0';
	if (p->has_mss)
		olen += snprintf(opts + olen, sizeof opts - olen, ",mss:%u", p->mss);
	if (p->has_ws)
		olen += snprintf(opts + olen, sizeof opts - olen, ",ws:%u", p->ws);
	if (p->sack_ok)
		olen += snprintf(opts + olen, sizeof opts - olen, ",sackok");
	if (p->has_ts)
		olen += snprintf(opts + olen, sizeof opts - olen, ",ts:%u:%u", p->tsval, p->tsecr);
	for (int i = 0; i < p->nsack && i < 4; i++)
		olen += snprintf(opts + olen, sizeof opts - olen, "%s%u-%u", i == 0 ? ",sack:" : "/",
		    p->sack[i][0], p->sack[i][1]);
	trace_pkt_line(p, 0, 0, line, sizeof line);
	printf(" opts=%s | %s\n", olen > 0 ? opts + 1 : "-", line);
}

static int
cmd_stats_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "packets", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	int c, json = 0, packets = 0, rc, status = 0;
	char err[PCAP_ERRBUF_SIZE + 64], damage[PCAP_ERRBUF_SIZE + 64];
	const char *path;
	struct trace_reader *r;
	struct trace_stats *s = NULL;
	struct trace_pkt p;
	uint64_t n = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hjp", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_stats_entry, stdout, 1);
			return 0;
		case 'j':
			json = 1;
			break;
		case 'p':
			packets = 1;
			break;
		default:
			cmd_usage(&cmd_stats_entry, stderr, 0);
			return 2;
		}
	}
	if (argc - optind != 1 || (json && packets)) {
		cmd_usage(&cmd_stats_entry, stderr, 0);
		return 2;
	}
	path = argv[optind];
	if ((r = trace_open(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "verona: %s: %s\n", path, err);
		return 2;
	}
	if (!packets && (s = trace_stats_new()) == NULL) {
		fprintf(stderr, "verona: %s: out of memory\n", path);
		trace_close(r);
		return 2;
	}
	damage[0] = '\0';
	while ((rc = trace_next(r, &p, err, sizeof err)) == 1) {
		n++;
		if (packets)
			cmd_stats_packet_line(n, &p);
		else if (trace_stats_add(s, &p) != 0) {
			fprintf(stderr, "verona: %s: out of memory after %" PRIu64 " packets\n", path, n);
			trace_close(r);
			trace_stats_free(s);
			return 2;
		}
	}
	if (rc < 0) {
		snprintf(damage, sizeof damage, "%s", err);
		fprintf(stderr, "verona: %s: damaged after %" PRIu64 " packets: %s\n", path, n, err);
	}
	if (!packets) {
		if (json)
			status = cmd_stats_json(path, trace_linktype(r), s, rc < 0 ? damage : NULL) ? 2 : 0;
		else
			cmd_stats_text(path, trace_linktype(r), s, rc < 0 ? damage : NULL);
	}
	trace_close(r);
	trace_stats_free(s);
	return status;
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.usage = "[--json] TRACE",
	.summary = "per-flow statistics of a capture: packets, header and payload bytes, overhead",
	.help =
	"  -j, --json      the same figures as one JSON object\n"
	"  -p, --packets   one line per packet instead: its number, the dissected fields\n"
	"                  as key=value, then ' | ' and the packet as text (for tests)\n"
	"  -h, --help      this help\n"
	"TRACE is a pcap or pcapng file.  A flow is TCP or UDP between two endpoints,\n"
	"both directions; its initiator sent the first packet (for TCP, the SYN).\n"
	"Per flow: packets and payload bytes each way, header bytes per layer (link,\n"
	"IP, transport), bytes on the wire, overhead = (wire - payload) / wire, and\n"
	"for TCP the handshake (SYN, SYN-ACK, ACK) and teardown (FIN, RST and the\n"
	"ACKs of FINs) packets.  Then TCP and UDP side by side, the packets of no\n"
	"flow (ICMP, other protocols, non-IP), and the truncated, malformed and\n"
	"unsupported packets (truncated and malformed ones are in no flow).\n"
	"Exit 0; 2 when TRACE is not a capture or the command line is wrong.\n",
	.exec = cmd_stats_exec,
};
