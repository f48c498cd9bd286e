/*
 * fuzz_trace.c — a whole capture file (pcap or pcapng, any link type)
 * through the trace library as `verona stats` and `verona check` use it:
 * the reader (pcap/read.c), the bounds-checked dissector (dissect.c), the
 * one-line printer, per-flow statistics (stats.c), connections and TCP
 * reassembly (conn.c), and every check (check.c) on the connections,
 * datagrams and ICMP errors the capture holds.  The checks file is made from
 * what the capture shows (its first connections' endpoints), loaded with the
 * experiment loader and run as `verona check` runs it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "check.h"
#include "conn.h"
#include "expt.h"
#include "names.h"
#include "trace.h"
#include "util.h"
#include "fuzz_util.h"

#define MAX_CONNS	3

static void
endpoint(struct buf *b, int ipv, const uint8_t *addr, int port)
{
	char a[64];

	trace_addr_text(ipv, addr, a, sizeof a);
	if (port < 0)
		buf_printf(b, "\"%s\"", a);
	else if (ipv == 6)
		buf_printf(b, "\"[%s]:%d\"", a, port);
	else
		buf_printf(b, "\"%s:%d\"", a, port);
}

/* A checks file with every check on the capture's first few connections. */
static void
make_checks(struct buf *b, const struct trace_conns *c)
{
	buf_printf(b, "hosts: {a: 10.10.0.100, b: 10.10.0.101}\nchecks:\n");
	buf_printf(b, "  - handshake: {client: a, server: \"b:4000\"}\n");
	for (size_t i = 0; i < c->ntcp && i < MAX_CONNS; i++) {
		const struct trace_conn *t = c->tcp[i];
		/* @C: the connection, @F: the client, @S: the server (with its port) */
		static const char *const checks[] = {
			"handshake: {@C}", "refused: {@C, attempt: 1}", "refused: {@C, attempt: 2}",
			"stream: {@C, from: @F, data: \"hello\"}", "stream: {@C, from: @S, contains: \"x\"}",
			"stream: {@C, from: @F, prefix: \"GET \"}", "stream: {@C, from: @S, lines: [a, b]}",
			"acked: {@C, from: @F}", "acked: {@C, from: @S}", "closed: {@C, first: @F}",
			"closed: {@C, first: @S}", "reset: {@C, by: @F}", "state: {@C, state: SF}",
			"retransmissions: {@C, max: 0}", "retransmissions: {@C, min: 1}",
			"concurrent: {server: @S, count: 2}", NULL,
		};
		struct buf cl, sv;
		buf_init(&cl);
		buf_init(&sv);
		endpoint(&cl, t->ip_version, t->c.addr, -1);
		endpoint(&sv, t->ip_version, t->s.addr, t->s.port);
		for (int k = 0; checks[k] != NULL; k++) {
			buf_adds(b, "  - ");
			for (const char *q = checks[k]; *q != '\0'; q++) {
				if (q[0] == '@' && q[1] == 'C')
					buf_printf(b, "client: %s, server: %s", cl.data, sv.data);
				else if (q[0] == '@' && q[1] == 'F')
					buf_adds(b, (const char *)cl.data);
				else if (q[0] == '@' && q[1] == 'S')
					buf_adds(b, (const char *)sv.data);
				else {
					buf_addc(b, *q);
					continue;
				}
				q++;
			}
			buf_adds(b, "\n");
		}
		buf_free(&cl);
		buf_free(&sv);
	}
	for (size_t i = 0; i < c->nudp && i < MAX_CONNS; i++) {
		const struct trace_dgram *d = &c->udp[i];
		struct buf ft;
		buf_init(&ft);
		buf_printf(&ft, "from: ");
		endpoint(&ft, d->ip_version, d->src, d->sport);
		buf_printf(&ft, ", to: ");
		endpoint(&ft, d->ip_version, d->dst, -1);
		buf_printf(b, "  - datagrams: {%s, count: 1}\n", ft.data);
		buf_printf(b, "  - datagrams: {%s, data: [\"\", \"x\"]}\n", ft.data);
		buf_printf(b, "  - icmp_unreachable: {%s}\n", ft.data);
		buf_printf(b, "  - intervals: {%s, expect: [0.1, 0.2, 0.4], tolerance: 0.05}\n", ft.data);
		buf_free(&ft);
	}
	for (size_t i = 0; i < c->nicmp && i < MAX_CONNS; i++) {
		const struct trace_icmp_err *e = &c->icmp[i];
		buf_printf(b, "  - icmp_unreachable: {from: ");
		endpoint(b, e->q_ip_version, e->q_src, e->q_sport);
		buf_printf(b, ", to: ");
		endpoint(b, e->q_ip_version, e->q_dst, e->q_dport);
		buf_printf(b, "}\n");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write("capture.pcap", data, size);
	char err[512], line[1024], cpath[256];
	struct trace_reader *rd;
	struct trace_stats *st;
	struct trace_conns *conns;
	struct trace_pkt p;
	struct buf checks;
	struct errlist errs = { NULL, 0 };
	struct experiment *x;
	int64_t t0 = -1;
	int rc;

	snprintf(cpath, sizeof cpath, "%s", path);
	if ((rd = trace_open(cpath, err, sizeof err)) == NULL)
		return 0;
	st = trace_stats_new();
	conns = trace_conns_new();
	while ((rc = trace_next(rd, &p, err, sizeof err)) == 1) {
		if (t0 < 0)
			t0 = p.ts_ns;
		trace_pkt_line(&p, 0, 0, line, sizeof line);
		trace_pkt_line(&p, p.seq - 1, p.ack - 1, line, sizeof line);
		if (trace_stats_add(st, &p) != 0)
			abort();
		trace_conns_add(conns, &p);
	}
	(void)trace_linktype(rd);
	trace_close(rd);
	for (size_t i = 0; i < st->nflows; i++)
		(void)trace_stats_overhead(&st->flows[i].dir[0]);
	for (size_t i = 0; i < conns->ntcp; i++)
		(void)trace_conn_state(conns->tcp[i]);
	trace_stats_free(st);

	buf_init(&checks);
	make_checks(&checks, conns);
	path = fuzz_write("checks.yaml", (const uint8_t *)checks.data, checks.len);
	buf_free(&checks);
	x = expt_load_checks(path, NULL, &errs);
	if (x == NULL) {
		errlist_print(&errs, stderr);
		abort();	/* the checks made above are always valid */
	}
	struct names nm = { x, NULL, NULL };
	struct trace_check_ctx ctx = {
		.conns = conns, .resolve = names_resolve, .step_packets = NULL, .arg = &nm,
		.t0 = t0 < 0 ? 0 : t0, .drops = 0, .undecidable = rc < 0 ? "damaged" : NULL,
	};
	for (size_t i = 0; i < x->ntrace_checks; i++)
		json_decref(trace_check_decide(&ctx, &x->trace_checks[i]));
	errlist_free(&errs);
	expt_free(x);
	trace_conns_free(conns);
	return 0;
}
