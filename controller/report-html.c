/*
 * report-html.c — report.html: one page, inline CSS and SVG, no script and
 * nothing fetched (a Content-Security-Policy says so to the browser too).
 *
 * The ladder diagram has a lifeline per host (and one for "other" when a
 * packet comes from or goes to an address that is no host's), an arrow per
 * packet, and each step as a mark on its host's lifeline with a bar from
 * its start to its end.  Time flows down on a compressed axis that keeps
 * the order: the gap between two consecutive rows (a packet or a step's
 * start) grows with the logarithm of the time between them, between a
 * minimum that keeps labels apart and a maximum that keeps long waits short;
 * waits longer than BREAK_NS are marked as such.  Every string taken from
 * the results is HTML-escaped; control characters and bytes that are not
 * UTF-8 are shown as \xNN, as Python would.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "report-grade.h"
#include "report.h"
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
#define OUTPUT_MAX	65536	/* bytes of a program's stream shown */

#define C_TCP		"#37474f"
#define C_RST		"#d32f2f"
#define C_RETRANS	"#8e24aa"
#define C_UDP		"#1565c0"
#define C_ICMP		"#ef6c00"
#define C_OTHER		"#757575"
#define C_PASS		"#2e7d32"
#define C_FAIL		"#c62828"
#define C_NOTRUN	"#757575"

/* ---------- text ---------- */

/* The length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		k = 1; cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		k = 2; cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		k = 3; cp = c & 0x07;
	} else
		return 0;
	if (k >= n)
		return 0;
	for (size_t j = 1; j <= k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return k + 1;
}

/*
 * Appends n bytes as HTML text, at most max characters of them (0: all),
 * then "…" if cut.  Keeps newlines and tabs when keep_nl, else shows them
 * as pictures too.
 */
static void
esc_n(struct buf *b, const char *p, size_t n, size_t max, int keep_nl)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, chars = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		if (max > 0 && chars == max) {
			buf_adds(b, "…");
			return;
		}
		chars++;
		switch (c) {
		case '&': buf_adds(b, "&amp;"); i++; continue;
		case '<': buf_adds(b, "&lt;"); i++; continue;
		case '>': buf_adds(b, "&gt;"); i++; continue;
		case '"': buf_adds(b, "&quot;"); i++; continue;
		case '\'': buf_adds(b, "&#39;"); i++; continue;
		default: break;
		}
		if ((c == '\n' || c == '\t') && keep_nl) {
			buf_addc(b, c);
			i++;
		} else if (c == '\r' && keep_nl && i + 1 < n && s[i + 1] == '\n') {
			i++;	/* CRLF: the newline is enough */
			chars--;
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\x%02x", c);	/* as Python shows it; fonts lack the control pictures */
			i++;
		} else if ((k = utf8_seq(s + i, n - i)) > 0) {
			buf_add(b, s + i, k);
			i += k;
		} else {
			buf_printf(b, "\\x%02x", c);
			i++;
		}
	}
}

static void
esc(struct buf *b, const char *s)
{
	if (s != NULL)
		esc_n(b, s, strlen(s), 0, 1);
}

/* Escaped, or dash when absent. */
static void
esc_or(struct buf *b, const char *s, const char *dflt)
{
	if (s != NULL && *s != '\0')
		esc(b, s);
	else
		buf_adds(b, dflt);
}

/* Escaped on one line, at most max characters. */
static void
esc_line(struct buf *b, const char *s, size_t max)
{
	if (s != NULL)
		esc_n(b, s, strlen(s), max, 0);
}

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t
jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) :
	    json_is_real(v) ? (int64_t)json_real_value(v) : 0;
}

/* A number of points: 1, 0.5, 2.25. */
static void
points(struct buf *b, json_t *v)
{
	if (json_is_number(v))
		buf_printf(b, "%g", json_number_value(v));
	else
		buf_adds(b, "—");
}

/* A time since the start of the diagram. */
static void
reltime(struct buf *b, int64_t ns)
{
	if (ns < 1000000000LL)
		buf_printf(b, "%.3f ms", (double)ns / 1e6);
	else
		buf_printf(b, "%.3f s", (double)ns / 1e9);
}

/* ---------- the ladder ---------- */

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
keep_none(void *arg, const struct trace_conn *c)
{
	(void)arg;
	(void)c;
	return 0;
}

/* "S.", "P.", "none" (trace_flags_text's) back to the flags. */
static uint8_t
tcp_flags_parse(const char *fl)
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
tcp_retrans(struct trace_conns *tc, struct pkt *p)
{
	const char *src = jstr(p->j, "src"), *dst = jstr(p->j, "dst"), *fl = jstr(p->j, "flags");
	struct trace_pkt tp;
	struct trace_label lab;

	if (src == NULL || dst == NULL || fl == NULL)
		return 0;
	p->seq = jint(p->j, "seq");
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
	tp.sport = (uint16_t)jint(p->j, "sport");
	tp.dport = (uint16_t)jint(p->j, "dport");
	tp.flags = tcp_flags_parse(fl);
	tp.seq = (uint32_t)p->seq;
	tp.ack = (uint32_t)jint(p->j, "ack");
	tp.payload_len = (uint32_t)jint(p->j, "len");
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
		if (jstr(s, "host") != NULL)
			col_add(L, jstr(s, "host"));
	json_array_foreach(steps, i, s) {
		json_array_foreach(json_object_get(s, "packets"), k, v) {
			if (jstr(v, "from") != NULL)
				col_add(L, jstr(v, "from"));
			if (jstr(v, "to") != NULL)
				col_add(L, jstr(v, "to"));
		}
	}

	/* the packets, all of them, in time order */
	json_array_foreach(steps, i, s) {
		json_array_foreach(json_object_get(s, "packets"), k, v) {
			if (L->npk == L->cappk) {
				L->cappk = L->cappk ? 2 * L->cappk : 64;
				L->pk = xrealloc(L->pk, L->cappk * sizeof *L->pk);
			}
			L->pk[L->npk++] = (struct pkt){ .j = v, .t = jint(v, "time_ns"),
			    .step = (int)jint(s, "number") };
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
	tc->keep = keep_none;
	for (i = 0; i < L->npk; i++) {
		struct pkt *p = &L->pk[i];
		int64_t proto = jint(p->j, "proto");
		p->from = col_of(L, jstr(p->j, "from"));
		p->to = col_of(L, jstr(p->j, "to"));
		p->kind = "other";
		p->color = C_OTHER;
		if (proto == 6) {
			const char *fl = jstr(p->j, "flags");
			int retrans = tcp_retrans(tc, p);
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
		if (!json_is_integer(json_object_get(res, "start_ns")) || jstr(s, "host") == NULL ||
		    (c = col_find(L, jstr(s, "host"))) < 0)
			continue;
		struct mark *m = &L->mk[L->nmk++];
		m->step = s;
		m->col = c;
		m->t0 = jint(res, "start_ns");
		m->t1 = json_is_integer(json_object_get(res, "end_ns")) ? jint(res, "end_ns") : m->t0;
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
	int64_t proto = jint(p->j, "proto"), len = jint(p->j, "len");

	if (strcmp(p->kind, "retrans") == 0)
		buf_adds(b, "RETRANSMISSION ");
	if (proto == 6) {
		esc_line(b, jstr(p->j, "flags"), 8);
		buf_printf(b, " seq %lld", (long long)p->seq);
		if (json_is_integer(json_object_get(p->j, "ack")))
			buf_printf(b, " ack %lld", (long long)jint(p->j, "ack"));
		if (len > 0)
			buf_printf(b, " len %lld", (long long)len);
	} else if (proto == 17) {
		buf_printf(b, "UDP %lld → %lld len %lld", (long long)jint(p->j, "sport"),
		    (long long)jint(p->j, "dport"), (long long)len);
	} else if ((proto == 1 || proto == 58) && jstr(p->j, "line") != NULL && strstr(jstr(p->j, "line"), " > ") != NULL &&
	    strchr(strstr(jstr(p->j, "line"), " > ") + 3, ' ') != NULL) {
		/* "SRC > DST ICMP port unreachable (the datagram)": the words between */
		const char *w = strchr(strstr(jstr(p->j, "line"), " > ") + 3, ' ') + 1, *e = strstr(w, " (");
		esc_n(b, w, e ? (size_t)(e - w) : strlen(w), 40, 0);
	} else if (jstr(p->j, "pattern") != NULL) {
		esc_line(b, jstr(p->j, "pattern"), 24);
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
		esc_line(b, L->cols[c], 40);
		buf_adds(b, "</text>");
		buf_printf(b, "<text x=\"%.1f\" y=\"34\" class=\"addr\" text-anchor=\"middle\">", x);
		if ((int)c == L->other)
			buf_adds(b, "not a host");
		else
			esc_line(b, jstr(h, "addr"), 40);
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
		reltime(b, r->t - L->t0);
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
		reltime(b, p->t - L->t0);
		buf_adds(b, " (seen by ");
		esc_line(b, jstr(p->j, "host"), 0);
		buf_adds(b, "): ");
		esc_line(b, jstr(p->j, "line"), 0);
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
		long long n = (long long)jint(m->step, "number");
		double x = col_x(L, m->col), y = r->y;
		int left = L->ncols > 1 && m->col == (int)L->ncols - 1;
		double room = L->ncols > 1 ? L->sp - 40 : 460;
		size_t max = (size_t)(room / CHAR_W) - 8;
		const char *color = json_is_true(pass) ? C_PASS : json_is_false(pass) ? C_FAIL : C_NOTRUN;
		buf_printf(b, "<a href=\"#step-%lld\"><g class=\"stepmark\" id=\"mark-%lld\" data-pass=\"%s\"><title>step %lld on ",
		    n, n, json_is_true(pass) ? "true" : json_is_false(pass) ? "false" : "none", n);
		esc_line(b, jstr(m->step, "host"), 0);
		buf_adds(b, " at ");
		reltime(b, m->t0 - L->t0);
		buf_adds(b, ": ");
		esc_line(b, jstr(m->step, "python"), 0);
		buf_adds(b, " → ");
		esc_line(b, jstr(m->step, "shown"), 0);
		json_t *f = json_object_get(m->step, "failures"), *fv;
		size_t k;
		json_array_foreach(f, k, fv) {
			buf_adds(b, "\n");
			esc_line(b, json_string_value(fv), 0);
		}
		buf_adds(b, "</title>");
		buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"28\" height=\"16\" rx=\"8\" fill=\"%s\"/>"
		    "<text class=\"num\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%lld</text>",
		    x - 14, y - 8, color, x, y + 4, n);
		buf_printf(b, "<text class=\"code\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", left ? x - 20 : x + 20, y + 4,
		    left ? "end" : "start");
		esc_line(b, jstr(m->step, "python"), max);
		buf_printf(b, " <tspan fill=\"%s\" font-weight=\"bold\">%s</tspan></text></g></a>\n", color,
		    json_is_true(pass) ? "✓" : json_is_false(pass) ? "✗ FAIL" : "not run");
	}
	buf_adds(b, "</svg>\n");
}

/* ---------- the page ---------- */

static const char css[] =
"*{box-sizing:border-box}"
"body{font-family:'DejaVu Sans',Verdana,system-ui,sans-serif;font-size:14px;color:#212121;margin:0;"
"padding:16px 24px 48px;background:#fafafa}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:2px solid #cfd8dc;"
"padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}"
"code,pre,.code{font-family:'DejaVu Sans Mono',monospace}"
"pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #e0e0e0;padding:6px 8px;"
"margin:2px 0;font-size:12px}"
"header{background:#fff;border:1px solid #e0e0e0;border-left:8px solid #9e9e9e;padding:12px 16px}"
"header.pass{border-left-color:#2e7d32}header.fail{border-left-color:#c62828}header.error{border-left-color:#ef6c00}"
".summary{margin:0 0 8px;color:#455a64}"
".verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:bold;font-size:15px;"
"vertical-align:middle;margin-left:8px}"
".verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.error{background:#ef6c00}"
".score{font-size:18px;font-weight:bold;margin:6px 0}"
".meta{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:8px 0;font-size:13px}"
".meta dt{color:#607d8b}.meta dd{margin:0}"
".errbox{background:#fff3e0;border:1px solid #ef6c00;padding:6px 10px;margin:8px 0}"
".review{background:#fff3e0;border:2px solid #ef6c00;border-left-width:8px;padding:8px 12px;margin:8px 0;"
"font-size:15px}.review ul{margin:4px 0 0;padding-left:20px;font-size:13px}"
".unsandboxed{color:#fff;background:#c62828;font-weight:bold;padding:1px 6px;border-radius:3px}"
"table{border-collapse:collapse;background:#fff;font-size:13px;margin:4px 0}"
"th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}"
"th{background:#eceff1}"
"td.code{font-size:12px;white-space:pre-wrap;word-break:break-word}"
"tr.failrow td{background:#ffebee}tr.errrow td{background:#fff3e0}"
".ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}.err{color:#ef6c00;font-weight:bold}"
".muted{color:#78909c}.nowrap{white-space:nowrap}a{color:#1565c0}"
".legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;margin:6px 0 10px;align-items:center}"
".legend svg{vertical-align:middle;margin-right:4px}"
".ladder-wrap{background:#fff;border:1px solid #e0e0e0;display:inline-block}"
".ladder-head{position:sticky;top:0;background:#fff;border-bottom:1px solid #cfd8dc;z-index:1}"
"svg text{font-family:'DejaVu Sans',Verdana,sans-serif}"
"svg .host{font-size:13px;font-weight:bold;fill:#263238}svg .addr{font-size:11px;fill:#607d8b}"
"svg .axis-title{font-size:11px;fill:#90a4ae;font-style:italic}"
"svg .tick{font-size:9.5px;fill:#90a4ae}"
"svg .lifeline{stroke:#b0bec5;stroke-width:1.5}"
"svg .activation{stroke-width:1}svg .activation.pass{fill:#e8f5e9;stroke:#81c784}"
"svg .activation.fail{fill:#ffebee;stroke:#e57373}"
"svg .failband{fill:#ffebee}"
"svg .break line{stroke:#b0bec5;stroke-dasharray:2 4}svg .break text{font-size:10px;fill:#78909c}"
"svg .pkt text{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
"svg .pkt[data-kind=retrans] text,svg .pkt[data-kind=rst] text{font-weight:bold}"
"svg .stepmark text.num{font-size:10px;font-weight:bold;fill:#fff}"
"svg .stepmark text.code{font-family:'DejaVu Sans Mono',monospace;font-size:11px;fill:#263238;"
"paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
"svg a:hover text.code{text-decoration:underline}"
"tr:target td{outline:2px solid #1565c0}"
"footer{margin-top:32px;font-size:12px;color:#90a4ae}";

static void
legend_item(struct buf *b, const char *color, const char *dash, const char *text)
{
	buf_printf(b, "<span><svg width=\"34\" height=\"10\"><line x1=\"1\" y1=\"5\" x2=\"26\" y2=\"5\" stroke=\"%s\" "
	    "stroke-width=\"2\"%s/><path d=\"M25,1 L33,5 L25,9 z\" fill=\"%s\"/></svg>%s</span>", color,
	    dash, color, text);
}

/* The sandbox level a host's agent reported: none in red, unknown (an older agent) muted. */
static void
host_sandbox(struct buf *b, json_t *h)
{
	const char *level = report_sandbox_level(h);
	struct buf t;

	if (strcmp(level, "none") == 0)
		buf_adds(b, "<span class=\"unsandboxed\">none — not sandboxed</span>");
	else if (strcmp(level, "unknown") == 0)
		buf_adds(b, "<span class=\"muted\">unknown</span>");
	else if (strcmp(level, "full") == 0)
		buf_adds(b, "<span class=\"ok\">full</span>");
	else {
		buf_adds(b, "<b>");
		esc(b, level);
		buf_adds(b, "</b>");
	}
	buf_init(&t);
	report_fields_text(&t, json_object_get(h, "sandbox"), "level");
	if (t.len > 0) {
		buf_addc(&t, '\0');
		buf_adds(b, " <span class=\"muted\">");
		esc(b, (char *)t.data);
		buf_adds(b, "</span>");
	}
	buf_free(&t);
}

static void
host_limits(struct buf *b, json_t *h)
{
	json_t *lim = json_object_get(h, "limits");
	struct buf t;

	buf_init(&t);
	report_fields_text(&t, lim, NULL);
	if (t.len > 0) {
		buf_addc(&t, '\0');
		esc(b, (char *)t.data);
	} else
		buf_adds(b, "<span class=\"muted\">unknown</span>");
	buf_free(&t);
}

/* What the instructor must review, at the top of the page, for the student to see too. */
static void
review_banner(struct buf *b, json_t *g)
{
	json_t *items = json_object_get(g, "items"), *it;
	long long n = 0;
	size_t i;

	json_array_foreach(items, i, it)
		n += jstr(it, "status") == NULL || strcmp(jstr(it, "status"), "error") == 0;
	buf_printf(b, "<div class=\"review\" id=\"needs-review\" role=\"alert\"><b>Needs review:</b> %lld graded "
	    "item%s could not be decided and score%s 0 for now; the instructor will review %s, so this score is not "
	    "final.<ul>", n, n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "it" : "them");
	json_array_foreach(items, i, it) {
		const char *out = jstr(it, "output"), *nl;
		if (jstr(it, "status") != NULL && strcmp(jstr(it, "status"), "error") != 0)
			continue;
		buf_adds(b, "<li><a href=\"#item-");
		buf_printf(b, "%zu\">", i + 1);
		esc_or(b, jstr(it, "name"), "(unnamed)");
		buf_adds(b, "</a>");
		if (out != NULL && *out != '\0') {
			nl = strrchr(out, '\n');
			buf_adds(b, " — ");
			esc(b, nl ? nl + 1 : out);
		}
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul></div>\n");
}

static void
header(struct buf *b, json_t *doc)
{
	json_t *man = json_object_get(doc, "manifest"), *x = json_object_get(man, "experiment");
	json_t *sum = json_object_get(doc, "summary"), *g = json_object_get(doc, "grading");
	json_t *hosts = json_object_get(man, "hosts"), *h;
	const char *status = jstr(sum, "status"), *name;
	char *unsandboxed;

	if (status == NULL || (strcmp(status, "pass") != 0 && strcmp(status, "fail") != 0))
		status = "error";
	buf_printf(b, "<header class=\"%s\">\n<h1>", status);
	esc_or(b, jstr(x, "name"), "(unnamed experiment)");
	buf_printf(b, " <span class=\"verdict %s\">%s</span></h1>\n", status,
	    strcmp(status, "pass") == 0 ? "PASS" : strcmp(status, "fail") == 0 ? "FAIL" :
	    json_is_object(g) && report_needs_review(doc) ? "NEEDS REVIEW" : "ERROR");
	if (jstr(x, "summary") != NULL) {
		buf_adds(b, "<p class=\"summary\">");
		esc(b, jstr(x, "summary"));
		buf_adds(b, "</p>\n");
	}
	if (json_is_object(g)) {
		buf_adds(b, "<div class=\"score\">Score: ");
		points(b, json_object_get(g, "score"));
		buf_adds(b, " / ");
		points(b, json_object_get(g, "max_score"));
		if (jint(g, "errors") > 0)
			buf_printf(b, " <span class=\"err\">(%lld item%s could not be decided: 0 until reviewed)</span>",
			    (long long)jint(g, "errors"), jint(g, "errors") == 1 ? "" : "s");
		buf_adds(b, "</div>\n");
	}
	if (json_is_object(g) && report_needs_review(doc))
		review_banner(b, g);
	unsandboxed = report_unsandboxed_hosts(doc);
	if (unsandboxed != NULL) {
		buf_adds(b, "<div class=\"errbox\"><span class=\"unsandboxed\">not sandboxed</span> the programs on ");
		esc(b, unsandboxed);
		buf_adds(b, " ran without a sandbox (sandbox level none).</div>\n");
		free(unsandboxed);
	}
	if (jstr(sum, "error") != NULL) {
		buf_adds(b, "<div class=\"errbox\">");
		esc(b, jstr(sum, "error"));
		buf_adds(b, "</div>\n");
	}
	buf_adds(b, "<dl class=\"meta\">");
	buf_printf(b, "<dt>Result</dt><dd>steps: %lld passed, %lld failed; checks: %lld, %lld failed, "
	    "%lld undecidable</dd>", (long long)jint(sum, "passed"), (long long)jint(sum, "failed"),
	    (long long)jint(sum, "checks"), (long long)jint(sum, "checks_failed"), (long long)jint(sum, "checks_errors"));
	buf_adds(b, "<dt>Experiment</dt><dd><code>");
	esc_or(b, jstr(x, "file"), "—");
	buf_adds(b, "</code>");
	if (jstr(x, "sha256") != NULL) {
		buf_adds(b, " <span class=\"muted\">sha256 ");
		esc_line(b, jstr(x, "sha256"), 16);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</dd><dt>Started</dt><dd>");
	if (jstr(man, "started") != NULL) {
		char t[64];
		snprintf(t, sizeof t, "%s", jstr(man, "started"));
		char *p = strchr(t, 'T');
		if (p != NULL)
			*p = ' ';
		if ((p = strchr(t, 'Z')) != NULL && p[1] == '\0') {
			*p = '\0';
			esc(b, t);
			buf_adds(b, " UTC");
		} else
			esc(b, t);
	} else
		buf_adds(b, "—");
	if (json_is_number(json_object_get(sum, "seconds")))
		buf_printf(b, " <span class=\"muted\">(took %.2f s)</span>", json_number_value(json_object_get(sum, "seconds")));
	buf_adds(b, "</dd><dt>verona</dt><dd>");
	esc_or(b, jstr(man, "verona_version"), "—");
	json_t *tb = json_object_get(man, "testbed");
	if (json_is_object(tb)) {
		buf_adds(b, ", testbed ");
		esc(b, jstr(tb, "kind"));
		buf_adds(b, " ");
		esc(b, jstr(tb, "id"));
	}
	buf_adds(b, "</dd></dl>\n");

	buf_adds(b, "<table class=\"hosts\"><tr><th>host</th><th>address</th><th>interface</th><th>kernel</th>"
	    "<th>captured</th><th>clock</th><th>sandbox</th><th>limits</th></tr>\n");
	json_object_foreach(hosts, name, h) {
		json_t *cap = json_object_get(h, "capture"), *clk = json_object_get(h, "clock");
		buf_adds(b, "<tr><td><b>");
		esc(b, name);
		buf_adds(b, "</b></td><td><code>");
		esc_or(b, jstr(h, "addr"), "—");
		buf_adds(b, "</code></td><td>");
		esc_or(b, jstr(h, "iface"), "—");
		if (json_is_integer(json_object_get(h, "mtu")))
			buf_printf(b, " <span class=\"muted\">mtu %lld</span>", (long long)jint(h, "mtu"));
		buf_adds(b, "</td><td>");
		esc_or(b, jstr(h, "kernel"), "—");
		buf_adds(b, "</td><td>");
		if (json_is_object(cap)) {
			buf_printf(b, "%lld packets", (long long)jint(cap, "packets"));
			if (jint(cap, "drops") > 0 || jint(cap, "ifdrops") > 0)
				buf_printf(b, ", <span class=\"bad\">%lld dropped</span>",
				    (long long)(jint(cap, "drops") + jint(cap, "ifdrops")));
		} else
			buf_adds(b, "—");
		buf_adds(b, "</td><td>");
		/* the agent's clock against the controller's: every time here is on the controller's */
		if (json_is_object(clk) && json_is_null(json_object_get(clk, "rtt_ns")))
			buf_adds(b, "same clock");
		else if (json_is_object(clk))
			buf_printf(b, "%+.6f s &plusmn; %.6f s", (double)jint(clk, "offset_ns") / 1e9,
			    (double)jint(clk, "uncertainty_ns") / 1e9);
		else
			buf_adds(b, "—");
		buf_adds(b, "</td><td class=\"sandbox\">");
		host_sandbox(b, h);
		buf_adds(b, "</td><td class=\"limits\">");
		host_limits(b, h);
		buf_adds(b, "</td></tr>\n");
	}
	buf_adds(b, "</table>\n</header>\n");
}

static void
ladder_section(struct buf *b, json_t *doc)
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

static void
steps_section(struct buf *b, json_t *doc)
{
	json_t *steps = json_object_get(doc, "steps"), *s;
	size_t i;
	int64_t t0 = INT64_MAX;

	json_array_foreach(steps, i, s) {
		json_t *st = json_object_get(json_object_get(s, "result"), "start_ns");
		if (json_is_integer(st) && json_integer_value(st) < t0)
			t0 = json_integer_value(st);
	}
	buf_adds(b, "<section id=\"steps\"><h2>Steps</h2>\n");
	if (json_array_size(steps) == 0) {
		buf_adds(b, "<p class=\"muted\">No step ran.</p></section>\n");
		return;
	}
	buf_adds(b, "<table class=\"steps\"><tr><th>#</th><th>host</th><th>Python</th><th>result</th><th>verdict</th>"
	    "<th>failures</th><th>at</th><th>packets</th></tr>\n");
	json_array_foreach(steps, i, s) {
		json_t *pass = json_object_get(s, "pass"), *res = json_object_get(s, "result"), *f, *fv;
		size_t k;
		long long n = (long long)jint(s, "number");
		buf_printf(b, "<tr class=\"step%s\" id=\"step-%lld\"><td><a href=\"#mark-%lld\" title=\"in the diagram\">%lld</a></td><td>",
		    json_is_false(pass) ? " failrow" : "", n, n, n);
		esc(b, jstr(s, "host"));
		buf_adds(b, "</td><td class=\"code\">");
		esc(b, jstr(s, "python"));
		buf_adds(b, "</td><td class=\"code\">");
		esc_or(b, jstr(s, "shown"), "<span class=\"muted\">(not run)</span>");
		if (jstr(s, "state") != NULL) {
			buf_adds(b, "<br><span class=\"muted\">state ");
			esc(b, jstr(s, "state"));
			buf_adds(b, "</span>");
		}
		buf_printf(b, "</td><td>%s</td><td>", json_is_true(pass) ? "<span class=\"ok\">pass</span>" :
		    json_is_false(pass) ? "<span class=\"bad\">FAIL</span>" : "<span class=\"muted\">—</span>");
		f = json_object_get(s, "failures");
		json_array_foreach(f, k, fv) {
			buf_adds(b, "<div>");
			esc(b, json_string_value(fv));
			buf_adds(b, "</div>");
		}
		buf_adds(b, "</td><td class=\"nowrap\">");
		if (json_is_integer(json_object_get(res, "start_ns")) && t0 != INT64_MAX)
			reltime(b, jint(res, "start_ns") - t0);
		buf_printf(b, "</td><td>%zu</td></tr>\n", json_array_size(json_object_get(s, "packets")));
	}
	buf_adds(b, "</table></section>\n");
}

static void
checks_section(struct buf *b, json_t *doc)
{
	json_t *checks = json_object_get(doc, "checks"), *c;
	size_t i;

	buf_adds(b, "<section id=\"checks\"><h2>Checks</h2>\n");
	if (json_array_size(checks) == 0) {
		buf_adds(b, "<p class=\"muted\">The experiment has no checks.</p></section>\n");
		return;
	}
	buf_adds(b, "<table class=\"checks\"><tr><th>verdict</th><th>check</th><th>points</th><th>explanation</th>"
	    "<th>line</th></tr>\n");
	json_array_foreach(checks, i, c) {
		const char *st = jstr(c, "status");
		int pass = st && strcmp(st, "pass") == 0, fail = st && strcmp(st, "fail") == 0;
		buf_printf(b, "<tr class=\"check\" data-status=\"%s\"%s><td>%s</td><td><b>", pass ? "pass" : fail ? "fail" : "error",
		    pass ? "" : fail ? " style=\"background:#ffebee\"" : " style=\"background:#fff3e0\"",
		    pass ? "<span class=\"ok\">pass</span>" : fail ? "<span class=\"bad\">FAIL</span>" :
		    "<span class=\"err\" title=\"the harness could not decide; not counted\">undecidable</span>");
		esc(b, jstr(c, "check"));
		buf_adds(b, "</b>");
		if (jstr(c, "name") != NULL) {
			buf_adds(b, "<br>");
			esc(b, jstr(c, "name"));
		}
		buf_adds(b, "</td><td>");
		points(b, json_object_get(c, "points"));
		buf_adds(b, " / ");
		points(b, json_object_get(c, "max_points"));
		buf_adds(b, "</td><td>");
		esc(b, jstr(c, "message"));
		buf_printf(b, "</td><td>%lld:%lld</td></tr>\n", (long long)jint(c, "line"), (long long)jint(c, "col"));
	}
	buf_adds(b, "</table></section>\n");
}

/* One row of the overhead table: what `verona stats` prints, for one flow or one protocol. */
static void
stats_row(struct buf *b, const char *proto, const char *a, const char *bb, json_t *d)
{
	json_t *h = json_object_get(d, "headers");
	buf_adds(b, "<tr><td>");
	esc(b, proto);
	buf_adds(b, "</td><td>");
	esc_or(b, a, "");
	buf_adds(b, "</td><td>");
	esc_or(b, bb, "");
	buf_printf(b, "</td><td>%lld</td><td>%lld</td><td>%lld / %lld / %lld</td><td>%lld</td><td>%.1f%%</td>"
	    "<td>%lld</td><td>%lld</td></tr>\n", (long long)jint(d, "packets"), (long long)jint(d, "payload"),
	    (long long)jint(h, "link"), (long long)jint(h, "ip"), (long long)jint(h, "transport"),
	    (long long)jint(d, "wire"), json_number_value(json_object_get(d, "overhead")),
	    (long long)jint(d, "handshake"), (long long)jint(d, "teardown"));
}

/* The transport overhead of the run, TCP and UDP side by side (Lab 1's analysis). */
static void
stats_section(struct buf *b, json_t *doc)
{
	json_t *st = json_object_get(doc, "stats"), *f;
	size_t i;

	if (st == NULL)
		return;
	buf_adds(b, "<section id=\"stats\"><h2>Overhead on the wire</h2>\n"
	    "<p class=\"muted\">Bytes each protocol put on the wire beside the payload (each packet counted once, "
	    "as its sender captured it): <code>verona stats</code> on this run's trace.</p>\n"
	    "<table class=\"stats\"><tr><th>proto</th><th>initiator</th><th>responder</th><th>packets</th>"
	    "<th>payload</th><th>headers link / IP / transport</th><th>wire</th><th>overhead</th>"
	    "<th>handshake</th><th>teardown</th></tr>\n");
	json_array_foreach(json_object_get(st, "flows"), i, f)
		stats_row(b, jstr(f, "proto"), jstr(f, "initiator"), jstr(f, "responder"), json_object_get(f, "total"));
	stats_row(b, "all TCP", "", "", json_object_get(st, "tcp"));
	stats_row(b, "all UDP", "", "", json_object_get(st, "udp"));
	buf_adds(b, "</table></section>\n");
}

static void
grading_section(struct buf *b, json_t *doc)
{
	json_t *g = json_object_get(doc, "grading"), *it;
	size_t i;

	if (!json_is_object(g))
		return;
	buf_adds(b, "<section id=\"grading\"><h2>Grade: ");
	points(b, json_object_get(g, "score"));
	buf_adds(b, " / ");
	points(b, json_object_get(g, "max_score"));
	buf_adds(b, "</h2>\n<table class=\"grading\"><tr><th>item</th><th>kind</th><th>score</th><th>status</th>"
	    "<th>visibility</th><th>output</th></tr>\n");
	json_array_foreach(json_object_get(g, "items"), i, it) {
		const char *st = jstr(it, "status");
		int pass = st && strcmp(st, "pass") == 0, fail = st && strcmp(st, "fail") == 0;
		buf_printf(b, "<tr class=\"item%s\" id=\"item-%zu\"><td>", pass ? "" : fail ? " failrow" : " errrow review-item",
		    i + 1);
		esc(b, jstr(it, "name"));
		buf_adds(b, "</td><td>");
		esc(b, jstr(it, "kind"));
		buf_adds(b, "</td><td>");
		points(b, json_object_get(it, "score"));
		buf_adds(b, " / ");
		points(b, json_object_get(it, "max_score"));
		buf_printf(b, "</td><td>%s", pass ? "<span class=\"ok\">" : fail ? "<span class=\"bad\">" : "<span class=\"err\">");
		if (pass || fail)
			esc(b, st);
		else
			buf_adds(b, "needs review");
		buf_adds(b, "</span></td><td>");
		esc(b, jstr(it, "visibility"));
		buf_adds(b, "</td><td>");
		if (!pass && !fail)
			buf_adds(b, "<b class=\"err\">Could not be decided: 0 until the instructor reviews it.</b>");
		if (jstr(it, "output") != NULL && *jstr(it, "output") != '\0') {
			buf_adds(b, "<pre>");
			esc(b, jstr(it, "output"));
			buf_adds(b, "</pre>");
		}
		buf_adds(b, "</td></tr>\n");
	}
	buf_adds(b, "</table></section>\n");
}

/* One stream of a program's output: KEY as text, or KEY_b64 as base64. */
static int
program_stream(struct buf *b, json_t *res, const char *key)
{
	char k64[32], ktr[32], kln[32];
	json_t *t = json_object_get(res, key);
	const char *s64;
	unsigned char *raw = NULL;
	size_t n = 0;

	snprintf(k64, sizeof k64, "%s_b64", key);
	snprintf(ktr, sizeof ktr, "%s_truncated", key);
	s64 = jstr(res, k64);
	if (!json_is_string(t) && s64 == NULL)
		return 0;
	snprintf(kln, sizeof kln, "%s_len", key);
	struct buf text;
	size_t shown = 0;
	buf_init(&text);
	if (json_is_string(t) || b64_decode(s64, &raw, &n) == 0) {
		const char *p = json_is_string(t) ? json_string_value(t) : (const char *)raw;
		n = json_is_string(t) ? json_string_length(t) : n;
		shown = n;
		if (shown > OUTPUT_MAX) {	/* at a character's start */
			shown = OUTPUT_MAX;
			while (shown > 0 && ((unsigned char)p[shown] & 0xc0) == 0x80)
				shown--;
		}
		esc_n(&text, p, shown, 0, 1);
		free(raw);
	} else {
		buf_adds(&text, "<span class=\"err\">(not valid base64)</span> ");
		esc(&text, s64);
	}
	buf_printf(b, "<h4>%s", key);
	if (json_is_true(json_object_get(res, ktr))) {
		buf_adds(b, " <span class=\"err\">(truncated");
		if (json_is_integer(json_object_get(res, kln)))
			buf_printf(b, ": %lld bytes in all", (long long)jint(res, kln));
		buf_adds(b, ")</span>");
	}
	if (shown < n)
		buf_printf(&text, "\n<span class=\"err\">[the page shows the first %zu bytes of %zu; results.json has "
		    "them all]</span>", shown, n);
	if (text.len == 0)
		buf_adds(b, " <span class=\"muted\">(empty)</span></h4>\n");
	else {
		buf_adds(b, "</h4><pre class=\"output\">");
		buf_add(b, text.data, text.len);
		buf_adds(b, "</pre>\n");
	}
	buf_free(&text);
	return 1;
}

static void
output_section(struct buf *b, json_t *doc)
{
	json_t *steps = json_object_get(doc, "steps"), *s;
	size_t i;
	int any = 0;

	json_array_foreach(steps, i, s) {
		json_t *res = json_object_get(s, "result");
		if (json_object_get(res, "stdout") == NULL && json_object_get(res, "stdout_b64") == NULL &&
		    json_object_get(res, "stderr") == NULL && json_object_get(res, "stderr_b64") == NULL &&
		    json_object_get(res, "exit") == NULL)
			continue;
		/* a wait step carries the result of the background step it collected: shown once */
		int seen = 0;
		for (size_t j = 0; j < i && json_is_integer(json_object_get(res, "pid")); j++) {
			json_t *o = json_array_get(steps, j), *ores = json_object_get(o, "result");
			if (json_equal(json_object_get(ores, "pid"), json_object_get(res, "pid")) &&
			    jint(ores, "start_ns") == jint(res, "start_ns") && jstr(o, "host") && jstr(s, "host") &&
			    strcmp(jstr(o, "host"), jstr(s, "host")) == 0)
				seen = 1;
		}
		if (seen)
			continue;
		if (!any)
			buf_adds(b, "<section id=\"output\"><h2>Programs' output</h2>\n");
		any = 1;
		buf_printf(b, "<div class=\"program\"><h3>Step %lld on ", (long long)jint(s, "number"));
		esc(b, jstr(s, "host"));
		buf_adds(b, ": <code>");
		esc(b, jstr(s, "python"));
		buf_adds(b, "</code></h3>\n<p>");
		if (json_is_integer(json_object_get(res, "exit")))
			buf_printf(b, "exit status <b>%lld</b>", (long long)jint(res, "exit"));
		if (json_object_get(res, "signal") != NULL && !json_is_null(json_object_get(res, "signal"))) {
			buf_adds(b, " killed by signal <b>");
			if (json_is_string(json_object_get(res, "signal"))) {
				if (strncmp(jstr(res, "signal"), "SIG", 3) != 0)
					buf_adds(b, "SIG");
				esc(b, jstr(res, "signal"));
			}
			else
				buf_printf(b, "%lld", (long long)jint(res, "signal"));
			buf_adds(b, "</b>");
		}
		if (json_is_true(json_object_get(res, "timed_out")))
			buf_adds(b, " <span class=\"bad\">timed out</span>");
		if (jstr(res, "timeout_reason") != NULL) {
			buf_adds(b, " (");
			esc(b, jstr(res, "timeout_reason"));
			buf_adds(b, ")");
		}
		if (json_is_number(json_object_get(res, "seconds")))
			buf_printf(b, " <span class=\"muted\">(ran %.3f s)</span>", json_number_value(json_object_get(res, "seconds")));
		else if (json_is_integer(json_object_get(res, "start_ns")) && json_is_integer(json_object_get(res, "end_ns")))
			buf_printf(b, " <span class=\"muted\">(ran %.3f s)</span>",
			    (double)(jint(res, "end_ns") - jint(res, "start_ns")) / 1e9);
		if (jstr(res, "python") != NULL) {
			buf_adds(b, " ");
			esc(b, jstr(res, "python"));
		}
		buf_adds(b, "</p>\n");
		int n = program_stream(b, res, "stdout");
		n += program_stream(b, res, "stderr");
		if (n == 0)
			buf_adds(b, "<p class=\"muted\">No output.</p>\n");
		buf_adds(b, "</div>\n");
	}
	if (any)
		buf_adds(b, "</section>\n");
}

int
report_html(json_t *doc, int dirfd, const char *path, char *err, size_t errlen)
{
	struct buf b;
	json_t *x = json_object_get(json_object_get(doc, "manifest"), "experiment");
	int rc = 0;

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "no results to report");
		return -1;
	}
	buf_init(&b);
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"verona\">\n<title>");
	esc_or(&b, jstr(x, "name"), "verona");
	buf_adds(&b, " — verona report</title>\n<style>");
	buf_adds(&b, css);
	buf_adds(&b, "</style>\n</head>\n<body>\n");
	header(&b, doc);
	ladder_section(&b, doc);
	steps_section(&b, doc);
	checks_section(&b, doc);
	grading_section(&b, doc);
	stats_section(&b, doc);
	output_section(&b, doc);
	buf_adds(&b, "<footer>verona ");
	esc(&b, jstr(json_object_get(doc, "manifest"), "verona_version"));
	buf_adds(&b, " — this page is made from results.json in the same folder.</footer>\n</body>\n</html>\n");
	if (file_write_atomic_at(dirfd, path, b.data, b.len) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		rc = -1;
	}
	buf_free(&b);
	return rc;
}
