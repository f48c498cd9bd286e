/*
 * report-ladder.c — report.html's ladder diagram, in inline SVG.
 *
 * The ladder diagram has a lifeline per host (and one for "other" when a
 * packet comes from or goes to an address that is no host's), an arrow per
 * packet, and each step as a mark on its host's lifeline with a bar from
 * its start to its end.  Time flows down on a compressed axis that keeps
 * the order: the gap between two consecutive rows (a packet or a step's
 * start) grows with the logarithm of the time between them, between a
 * minimum that keeps labels apart and a maximum that keeps long waits short;
 * waits longer than BREAK_NS are marked as such.
 *
 * Which packets are retransmissions, and of which connection, is
 * pcap/conn.c's word (trace_conns_add_label), the one source the checks
 * count with too.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "report-int.h"
#include "trace.h"
#include "util.h"

#define ROW_MIN		20.0	/* px between two rows, at least */
#define ROW_MAX		64.0	/* and at most */
#define ROW_LOG		5.0	/* px per decade of microseconds between them */
#define GUTTER		96.0	/* the time axis, left of the first lifeline */
#define MARGIN		64.0	/* beyond the first and last lifelines */
#define HEAD_H		44.0	/* the host names above the diagram */
#define CHAR_W		6.7	/* of 11px monospace, to cut step labels */
#define MAX_ARROWS	5000	/* beyond this the diagram shows the first ones */
#define BREAK_NS	50000000LL

struct pkt {
	json_t		*j;
	int64_t		 t;
	int		 step;		/* the number of the step that caused it */
	int		 from, to;	/* columns */
	int64_t		 seq;
	const char	*kind;
	const char	*color;
};

struct mark {
	json_t		*step;
	int64_t		 t0, t1;
	int		 col;
};

struct row {
	int64_t		 t;
	int		 is_pkt;
	size_t		 idx;
	size_t		 order;
	double		 y;
};

struct ladder {
	const char	**cols;
	size_t		  ncols, capcols;
	int		  other;	/* the "other" column, or -1 */
	struct pkt	 *pk;
	size_t		  npk, cappk, npk_all;
	struct mark	 *mk;
	size_t		  nmk;
	struct row	 *rows;
	size_t		  nrows;
	int64_t		  t0;
	double		  sp;		/* px between lifelines */
	double		  width, height;
};

static int
col_find(struct ladder *L, const char *name)
{
	for (size_t i = 0; i < L->ncols; i++)
		if (strcmp(L->cols[i], name) == 0)
			return (int)i;
	return -1;
}

static int
col_add(struct ladder *L, const char *name)
{
	int i = col_find(L, name);
	if (i >= 0)
		return i;
	if (L->ncols == L->capcols) {
		L->capcols = L->capcols ? 2 * L->capcols : 8;
		L->cols = xrealloc(L->cols, L->capcols * sizeof *L->cols);
	}
	L->cols[L->ncols] = name;
	return (int)L->ncols++;
}

static double
col_x(const struct ladder *L, int c)
{
	return GUTTER + MARGIN + c * L->sp;
}

static int
col_of(struct ladder *L, const char *host)
{
	int c;
	if (host != NULL && (c = col_find(L, host)) >= 0)
		return c;
	if (L->other < 0)
		L->other = -2;	/* placed after every host once all are known */
	return -2;
}

/* A connection keeps none of its bytes: the ladder only labels packets. */
static uint64_t
ladder_keep_none(void *arg, const struct trace_conn *c)
{
	(void)arg;
	(void)c;
	return 0;
}

/* "S.", "P.", "none" (trace_flags_text's) back to the flags. */
static uint8_t
ladder_tcp_flags(const char *fl)
{
	static const struct {
		char	 c;
		uint8_t	 bit;
	} names[] = {
		{ 'F', TRACE_FIN }, { 'S', TRACE_SYN }, { 'R', TRACE_RST }, { 'P', TRACE_PSH },
		{ '.', TRACE_ACK }, { 'U', TRACE_URG }, { 'E', TRACE_ECE }, { 'W', TRACE_CWR },
	};
	uint8_t f = 0;

	for (; *fl != '\0'; fl++)
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (*fl == names[i].c)
				f |= names[i].bit;
	return f;
}

/*
 * A TCP packet of the diagram to the connections (conn.c, the one source
 * of connections and retransmissions): 1 when it is a retransmission.
 * Its numbers are results.json's, relative and restarted at each SYN.
 */
static int
ladder_tcp_retrans(struct trace_conns *tc, struct pkt *p)
{
	const char *src = report_jstr(p->j, "src"), *dst = report_jstr(p->j, "dst"), *fl = report_jstr(p->j, "flags");
	struct trace_pkt tp;
	struct trace_label lab;

	if (src == NULL || dst == NULL || fl == NULL)
		return 0;
	p->seq = report_jint(p->j, "seq");
	memset(&tp, 0, sizeof tp);
	if (inet_pton(AF_INET, src, tp.src) == 1 && inet_pton(AF_INET, dst, tp.dst) == 1)
		tp.ip_version = 4;
	else if (inet_pton(AF_INET6, src, tp.src) == 1 && inet_pton(AF_INET6, dst, tp.dst) == 1)
		tp.ip_version = 6;
	else
		return 0;
	tp.ts_ns = p->t;
	tp.status = TRACE_OK;
	tp.proto = 6;
	tp.transport_hdr_len = 20;
	tp.sport = (uint16_t)report_jint(p->j, "sport");
	tp.dport = (uint16_t)report_jint(p->j, "dport");
	tp.flags = ladder_tcp_flags(fl);
	tp.seq = (uint32_t)p->seq;
	tp.ack = (uint32_t)report_jint(p->j, "ack");
	tp.payload_len = (uint32_t)report_jint(p->j, "len");
	trace_conns_add_label(tc, &tp, &lab);
	return lab.retrans;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->is_pkt != y->is_pkt)
		return x->is_pkt - y->is_pkt;	/* a step before the packets it causes */
	return x->order < y->order ? -1 : x->order > y->order;
}

static double
row_gap(int64_t dt)
{
	double us = dt > 0 ? (double)dt / 1e3 : 0, g = ROW_MIN + ROW_LOG * log10(1.0 + us);
	return g > ROW_MAX ? ROW_MAX : g;
}

/* The y of a time, between the rows around it. */
static double
y_at(const struct ladder *L, int64_t t)
{
	size_t lo = 0, hi = L->nrows;
	if (L->nrows == 0)
		return HEAD_H;
	if (t <= L->rows[0].t)
		return L->rows[0].y;
	while (hi - lo > 1) {	/* the last row at or before t */
		size_t mid = (lo + hi) / 2;
		if (L->rows[mid].t <= t)
			lo = mid;
		else
			hi = mid;
	}
	const struct row *r = &L->rows[lo];
	if (lo + 1 == L->nrows)
		return r->y + row_gap(t - r->t) - ROW_MIN / 2;
	const struct row *n = &L->rows[lo + 1];
	if (n->t == r->t)
		return r->y;
	return r->y + (n->y - r->y) * (double)(t - r->t) / (double)(n->t - r->t);
}

static void
ladder_build(struct ladder *L, json_t *doc)
{
	json_t *hosts = json_object_get(json_object_get(doc, "manifest"), "hosts");
	json_t *steps = json_object_get(doc, "steps"), *v, *s;
	const char *name;
	size_t i, k;

	memset(L, 0, sizeof *L);
	L->other = -1;
	json_object_foreach(hosts, name, v)
		col_add(L, name);
	json_array_foreach(steps, i, s)
		if (report_jstr(s, "host") != NULL)
			col_add(L, report_jstr(s, "host"));
	json_array_foreach(steps, i, s) {
		json_array_foreach(json_object_get(s, "packets"), k, v) {
			if (report_jstr(v, "from") != NULL)
				col_add(L, report_jstr(v, "from"));
			if (report_jstr(v, "to") != NULL)
				col_add(L, report_jstr(v, "to"));
		}
	}

	/* the packets, all of them, in time order */
	json_array_foreach(steps, i, s) {
		json_array_foreach(json_object_get(s, "packets"), k, v) {
			if (L->npk == L->cappk) {
				L->cappk = L->cappk ? 2 * L->cappk : 64;
				L->pk = xrealloc(L->pk, L->cappk * sizeof *L->pk);
			}
			L->pk[L->npk++] = (struct pkt){ .j = v, .t = report_jint(v, "time_ns"),
			    .step = (int)report_jint(s, "number") };
		}
	}
	L->npk_all = L->npk;
	/* stable: by time, then in the order results.json lists them */
	struct row *tmp = xcalloc(L->npk ? L->npk : 1, sizeof *tmp);
	for (i = 0; i < L->npk; i++)
		tmp[i] = (struct row){ .t = L->pk[i].t, .is_pkt = 1, .idx = i, .order = i };
	qsort(tmp, L->npk, sizeof *tmp, row_cmp);
	struct pkt *sorted = xcalloc(L->npk ? L->npk : 1, sizeof *sorted);
	for (i = 0; i < L->npk; i++)
		sorted[i] = L->pk[tmp[i].idx];
	free(tmp);
	free(L->pk);
	L->pk = sorted;
	if (L->npk > MAX_ARROWS)
		L->npk = MAX_ARROWS;

	struct trace_conns *tc = trace_conns_new();
	tc->syn_rebased = 1;
	tc->keep = ladder_keep_none;
	for (i = 0; i < L->npk; i++) {
		struct pkt *p = &L->pk[i];
		int64_t proto = report_jint(p->j, "proto");
		p->from = col_of(L, report_jstr(p->j, "from"));
		p->to = col_of(L, report_jstr(p->j, "to"));
		p->kind = "other";
		p->color = C_OTHER;
		if (proto == 6) {
			const char *fl = report_jstr(p->j, "flags");
			int retrans = ladder_tcp_retrans(tc, p);
			p->kind = "tcp";
			p->color = C_TCP;
			if (fl != NULL && strchr(fl, 'R') != NULL) {
				p->kind = "rst";
				p->color = C_RST;
			} else if (retrans) {
				p->kind = "retrans";
				p->color = C_RETRANS;
			}
		} else if (proto == 17) {
			p->kind = "udp";
			p->color = C_UDP;
		} else if (proto == 1 || proto == 58) {
			p->kind = "icmp";
			p->color = C_ICMP;
		}
	}
	trace_conns_free(tc);
	if (L->other == -2)
		L->other = col_add(L, "other");
	for (i = 0; i < L->npk; i++) {
		if (L->pk[i].from < 0)
			L->pk[i].from = L->other;
		if (L->pk[i].to < 0)
			L->pk[i].to = L->other;
	}

	/* the steps that ran */
	L->mk = xcalloc(json_array_size(steps) + 1, sizeof *L->mk);
	json_array_foreach(steps, i, s) {
		json_t *res = json_object_get(s, "result");
		int c;
		if (!json_is_integer(json_object_get(res, "start_ns")) || report_jstr(s, "host") == NULL ||
		    (c = col_find(L, report_jstr(s, "host"))) < 0)
			continue;
		struct mark *m = &L->mk[L->nmk++];
		m->step = s;
		m->col = c;
		m->t0 = report_jint(res, "start_ns");
		m->t1 = json_is_integer(json_object_get(res, "end_ns")) ? report_jint(res, "end_ns") : m->t0;
		if (m->t1 < m->t0)
			m->t1 = m->t0;
	}

	/* the rows: packets and the starts of steps */
	L->rows = xcalloc(L->npk + L->nmk + 1, sizeof *L->rows);
	for (i = 0; i < L->nmk; i++)
		L->rows[L->nrows++] = (struct row){ .t = L->mk[i].t0, .is_pkt = 0, .idx = i, .order = i };
	for (i = 0; i < L->npk; i++)
		L->rows[L->nrows++] = (struct row){ .t = L->pk[i].t, .is_pkt = 1, .idx = i, .order = i };
	qsort(L->rows, L->nrows, sizeof *L->rows, row_cmp);
	double y = 18, maxy = y;
	for (i = 0; i < L->nrows; i++) {
		if (i > 0)
			y += row_gap(L->rows[i].t - L->rows[i - 1].t);
		L->rows[i].y = y;
	}
	L->t0 = L->nrows ? L->rows[0].t : 0;
	maxy = y;
	for (i = 0; i < L->nmk; i++) {
		double e = y_at(L, L->mk[i].t1);
		if (e > maxy)
			maxy = e;
	}
	L->height = maxy + 24;

	if (L->ncols <= 1)
		L->sp = 0;
	else {
		L->sp = (1120.0 - GUTTER - 2 * MARGIN) / (double)(L->ncols - 1);
		if (L->sp > 700)
			L->sp = 700;
		if (L->sp < 260)
			L->sp = 260;
	}
	L->width = GUTTER + 2 * MARGIN + (L->ncols > 1 ? (double)(L->ncols - 1) * L->sp : 480);
}

static void
ladder_free(struct ladder *L)
{
	free(L->cols);
	free(L->pk);
	free(L->mk);
	free(L->rows);
}

/* "P. seq 1 ack 1 len 51", "UDP len 12", "ICMP-UNREACH". */
static void
pkt_label(struct buf *b, const struct pkt *p)
{
	int64_t proto = report_jint(p->j, "proto"), len = report_jint(p->j, "len");

	if (strcmp(p->kind, "retrans") == 0)
		buf_adds(b, "RETRANSMISSION ");
	if (report_jstr(p->j, "verona_kill") != NULL)	/* the kernel's, after verona killed the program */
		buf_adds(b, "VERONA'S KILL ");
	if (proto == 6) {
		report_esc_line(b, report_jstr(p->j, "flags"), 8);
		buf_printf(b, " seq %lld", (long long)p->seq);
		if (json_is_integer(json_object_get(p->j, "ack")))
			buf_printf(b, " ack %lld", (long long)report_jint(p->j, "ack"));
		if (len > 0)
			buf_printf(b, " len %lld", (long long)len);
	} else if (proto == 17) {
		buf_printf(b, "UDP %lld → %lld len %lld", (long long)report_jint(p->j, "sport"),
		    (long long)report_jint(p->j, "dport"), (long long)len);
	} else if ((proto == 1 || proto == 58) && report_jstr(p->j, "line") != NULL && strstr(report_jstr(p->j, "line"), " > ") != NULL &&
	    strchr(strstr(report_jstr(p->j, "line"), " > ") + 3, ' ') != NULL) {
		/* "SRC > DST ICMP port unreachable (the datagram)": the words between */
		const char *w = strchr(strstr(report_jstr(p->j, "line"), " > ") + 3, ' ') + 1, *e = strstr(w, " (");
		report_esc_n(b, w, e ? (size_t)(e - w) : strlen(w), 40, 0);
	} else if (report_jstr(p->j, "pattern") != NULL) {
		report_esc_line(b, report_jstr(p->j, "pattern"), 24);
		if (len > 0)
			buf_printf(b, " len %lld", (long long)len);
	} else
		buf_printf(b, "proto %lld len %lld", (long long)proto, (long long)len);
}

static void
ladder_head(struct buf *b, const struct ladder *L, json_t *hosts)
{
	buf_printf(b, "<div class=\"ladder-head\"><svg width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"hosts\">\n",
	    L->width, HEAD_H, L->width, HEAD_H);
	buf_printf(b, "<text x=\"%.1f\" y=\"26\" class=\"axis-title\" text-anchor=\"end\">time</text>\n",
	    GUTTER - 10);
	for (size_t c = 0; c < L->ncols; c++) {
		double x = col_x(L, (int)c);
		json_t *h = json_object_get(hosts, L->cols[c]);
		buf_printf(b, "<text x=\"%.1f\" y=\"18\" class=\"host\" text-anchor=\"middle\">", x);
		report_esc_line(b, L->cols[c], 40);
		buf_adds(b, "</text>");
		buf_printf(b, "<text x=\"%.1f\" y=\"34\" class=\"addr\" text-anchor=\"middle\">", x);
		if ((int)c == L->other)
			buf_adds(b, "not a host");
		else
			report_esc_line(b, report_jstr(h, "addr"), 40);
		buf_adds(b, "</text>\n");
	}
	buf_adds(b, "</svg></div>\n");
}

static void
ladder_svg(struct buf *b, const struct ladder *L)
{
	size_t i;

	buf_printf(b, "<svg class=\"ladder\" width=\"%.0f\" height=\"%.0f\" "
	    "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"ladder diagram: %zu packets, %zu steps\">\n",
	    L->width, L->height, L->width, L->height, L->npk, L->nmk);
	buf_adds(b, "<defs>");
	static const struct { const char *id, *color; } heads[] = {
		{ "tcp", C_TCP }, { "rst", C_RST }, { "retrans", C_RETRANS }, { "udp", C_UDP },
		{ "icmp", C_ICMP }, { "other", C_OTHER },
	};
	for (i = 0; i < sizeof heads / sizeof heads[0]; i++)
		buf_printf(b, "<marker id=\"head-%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
		    "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>",
		    heads[i].id, heads[i].color);
	buf_adds(b, "</defs>\n");

	/* failed steps: a band across */
	for (i = 0; i < L->nrows; i++) {
		const struct row *r = &L->rows[i];
		if (!r->is_pkt && json_is_false(json_object_get(L->mk[r->idx].step, "pass")))
			buf_printf(b, "<rect class=\"failband\" x=\"0\" y=\"%.1f\" width=\"%.0f\" height=\"18\"/>\n",
			    r->y - 9, L->width);
	}
	/* long waits, and the time of each row */
	for (i = 0; i < L->nrows; i++) {
		const struct row *r = &L->rows[i];
		if (i > 0 && r->t - L->rows[i - 1].t >= BREAK_NS) {
			double my = (r->y + L->rows[i - 1].y) / 2;
			buf_printf(b, "<g class=\"break\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>"
			    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">⋯ +", GUTTER - 30, my, L->width - 10, my,
			    GUTTER - 8, my + 4);
			int64_t dt = r->t - L->rows[i - 1].t;
			if (dt < 1000000000LL)
				buf_printf(b, "%.1f ms", (double)dt / 1e6);
			else
				buf_printf(b, "%.2f s", (double)dt / 1e9);
			buf_adds(b, "</text></g>\n");
		}
		buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", GUTTER - 8, r->y + 3);
		report_reltime(b, r->t - L->t0);
		buf_adds(b, "</text>\n");
	}
	/* lifelines */
	for (i = 0; i < L->ncols; i++)
		buf_printf(b, "<line class=\"lifeline\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.0f\"/>\n",
		    col_x(L, (int)i), col_x(L, (int)i), L->height);
	/* each step from its start to its end */
	for (i = 0; i < L->nmk; i++) {
		const struct mark *m = &L->mk[i];
		double y0 = y_at(L, m->t0), y1 = y_at(L, m->t1);
		json_t *pass = json_object_get(m->step, "pass");
		if (y1 - y0 < 6)
			y1 = y0 + 6;
		buf_printf(b, "<rect class=\"activation %s\" x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"%.1f\"/>\n",
		    json_is_false(pass) ? "fail" : "pass", col_x(L, m->col) - 4, y0, y1 - y0);
	}
	/* the packets */
	for (i = 0; i < L->nrows; i++) {
		const struct row *r = &L->rows[i];
		if (!r->is_pkt)
			continue;
		const struct pkt *p = &L->pk[r->idx];
		double x1 = col_x(L, p->from), x2 = col_x(L, p->to), y = r->y;
		const char *dash = strcmp(p->kind, "retrans") == 0 ? " stroke-dasharray=\"6 3\"" : "";
		buf_printf(b, "<g class=\"pkt\" data-kind=\"%s\" data-step=\"%d\"><title>step %d, %s at ", p->kind, p->step,
		    p->step, strcmp(p->kind, "retrans") == 0 ? "retransmission" : p->kind);
		report_reltime(b, p->t - L->t0);
		buf_adds(b, " (seen by ");
		report_esc_line(b, report_jstr(p->j, "host"), 0);
		buf_adds(b, "): ");
		report_esc_line(b, report_jstr(p->j, "line"), 0);
		buf_adds(b, "</title>");
		if (p->from == p->to) {
			buf_printf(b, "<path d=\"M%.1f,%.1f h28 v9 h-24\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s "
			    "marker-end=\"url(#head-%s)\"/>", x1 + 5, y - 5, p->color, dash, p->kind);
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", x1 + 38, y + 3, p->color);
		} else {
			double d = x2 > x1 ? 1 : -1;
			buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.6\"%s "
			    "marker-end=\"url(#head-%s)\"/>", x1 + d * 5, y, x2 - d * 5, y, p->color, dash, p->kind);
			buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">", (x1 + x2) / 2, y - 4,
			    p->color);
		}
		pkt_label(b, p);
		buf_adds(b, "</text></g>\n");
	}
	/* the steps' marks, on top */
	for (i = 0; i < L->nrows; i++) {
		const struct row *r = &L->rows[i];
		if (r->is_pkt)
			continue;
		const struct mark *m = &L->mk[r->idx];
		json_t *pass = json_object_get(m->step, "pass");
		long long n = (long long)report_jint(m->step, "number");
		double x = col_x(L, m->col), y = r->y;
		int left = L->ncols > 1 && m->col == (int)L->ncols - 1;
		double room = L->ncols > 1 ? L->sp - 40 : 460;
		size_t max = (size_t)(room / CHAR_W) - 8;
		const char *color = json_is_true(pass) ? C_PASS : json_is_false(pass) ? C_FAIL : C_NOTRUN;
		buf_printf(b, "<a href=\"#step-%lld\"><g class=\"stepmark\" id=\"mark-%lld\" data-pass=\"%s\"><title>step %lld on ",
		    n, n, json_is_true(pass) ? "true" : json_is_false(pass) ? "false" : "none", n);
		report_esc_line(b, report_jstr(m->step, "host"), 0);
		buf_adds(b, " at ");
		report_reltime(b, m->t0 - L->t0);
		buf_adds(b, ": ");
		report_esc_line(b, report_jstr(m->step, "python"), 0);
		buf_adds(b, " → ");
		report_esc_line(b, report_jstr(m->step, "shown"), 0);
		json_t *f = json_object_get(m->step, "failures"), *fv;
		size_t k;
		json_array_foreach(f, k, fv) {
			buf_adds(b, "\n");
			report_esc_line(b, json_string_value(fv), 0);
		}
		buf_adds(b, "</title>");
		buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"16\" rx=\"8\" fill=\"%s\"/>"
		    "<text class=\"num\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%lld</text>",
		    x - 14, y - 8, color, x, y + 4, n);
		buf_printf(b, "<text class=\"code\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", left ? x - 20 : x + 20, y + 4,
		    left ? "end" : "start");
		report_esc_line(b, report_jstr(m->step, "python"), max);
		buf_printf(b, " <tspan fill=\"%s\" font-weight=\"bold\">%s</tspan></text></g></a>\n", color,
		    json_is_true(pass) ? "✓" : json_is_false(pass) ? "✗ FAIL" : "not run");
	}
	buf_adds(b, "</svg>\n");
}

static void
legend_item(struct buf *b, const char *color, const char *dash, const char *text)
{
	buf_printf(b, "<span><svg width=\"34\" height=\"10\"><line x1=\"1\" y1=\"5\" x2=\"26\" y2=\"5\" stroke=\"%s\" "
	    "stroke-width=\"2\"%s/><path d=\"M25,1 L33,5 L25,9 z\" fill=\"%s\"/></svg>%s</span>", color,
	    dash, color, text);
}

void
report_ladder_section(struct buf *b, json_t *doc)
{
	struct ladder L;

	ladder_build(&L, doc);
	buf_adds(b, "<section id=\"ladder\"><h2>Packets and steps</h2>\n");
	if (L.npk_all == 0 && L.nmk == 0) {
		buf_adds(b, "<p class=\"muted\">Nothing ran.</p></section>\n");
		ladder_free(&L);
		return;
	}
	buf_printf(b, "<p class=\"muted\">%zu packet%s and %zu step%s; time flows down, compressed (the gaps grow with "
	    "the time between rows, see the times on the left); hover an arrow for the whole packet, click a step for "
	    "its row below. Sequence numbers are relative to each connection's first.</p>\n",
	    L.npk_all, L.npk_all == 1 ? "" : "s", L.nmk, L.nmk == 1 ? "" : "s");
	if (L.npk_all > L.npk)
		buf_printf(b, "<p class=\"err\">The diagram shows the first %zu packets of %zu.</p>\n", L.npk, L.npk_all);
	buf_adds(b, "<div class=\"legend\">");
	legend_item(b, C_TCP, "", "TCP");
	legend_item(b, C_RST, "", "RST");
	legend_item(b, C_RETRANS, " stroke-dasharray=\"5 2\"", "retransmission");
	legend_item(b, C_UDP, "", "UDP");
	legend_item(b, C_ICMP, "", "ICMP");
	buf_printf(b, "<span><svg width=\"30\" height=\"16\"><rect x=\"1\" y=\"0\" width=\"28\" height=\"16\" rx=\"8\" "
	    "fill=\"%s\"/></svg>step passed</span>", C_PASS);
	buf_printf(b, "<span><svg width=\"30\" height=\"16\"><rect x=\"1\" y=\"0\" width=\"28\" height=\"16\" rx=\"8\" "
	    "fill=\"%s\"/></svg>step failed</span>", C_FAIL);
	buf_adds(b, "</div>\n<div class=\"ladder-wrap\">\n");
	ladder_head(b, &L, json_object_get(json_object_get(doc, "manifest"), "hosts"));
	ladder_svg(b, &L);
	buf_adds(b, "</div></section>\n");
	ladder_free(&L);
}
