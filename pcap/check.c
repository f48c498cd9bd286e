/*
 * check.c — the trace checks; see check.h.  Each check_* function reads
 * its arguments from the check's JSON, finds what it needs in the trace,
 * and says in one sentence what it saw when that is not what was asked.
 * Arguments were validated by the loader; what can still go wrong here is
 * a name that matches nothing in the trace.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"

#define MAX_EP	TRACE_CHECK_MAX_EP

struct trace_verdict {
	int	 status;	/* 0 pass, 1 fail, 2 error */
	char	*msg;
};

static void say(struct trace_verdict *, int, const char *, ...) __attribute__((format(printf, 3, 4)));

void
trace_verdict_say(struct trace_verdict *v, int status, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	say(v, status, "%s", msg);
	free(msg);
}

static void
say(struct trace_verdict *v, int status, const char *fmt, ...)
{
	va_list ap;
	if (v->msg != NULL && status <= v->status)
		return;
	free(v->msg);
	va_start(ap, fmt);
	v->msg = xvasprintf(fmt, ap);
	va_end(ap);
	v->status = status;
}

/* Adds a sentence to a failure's message (a pass or an error keeps its own). */
static void
say_more(struct trace_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say_more(struct trace_verdict *v, const char *fmt, ...)
{
	va_list ap;
	char *more, *msg;
	if (v->status != 1 || v->msg == NULL)
		return;
	va_start(ap, fmt);
	more = xvasprintf(fmt, ap);
	va_end(ap);
	msg = xasprintf("%s%s", v->msg, more);
	free(v->msg);
	free(more);
	v->msg = msg;
}

static double
secs(const struct trace_check_ctx *x, int64_t ns)
{
	return (double)(ns - x->t0) / 1e9;
}

/* ---- endpoints and connections ---- */

static int
ep_match(const struct trace_endpoint *e, int n, int ip_version, const uint8_t *addr, uint16_t port)
{
	for (int i = 0; i < n; i++)
		if (e[i].ip_version == ip_version && trace_addr_eq(ip_version, e[i].addr, addr) &&
		    (e[i].port < 0 || e[i].port == port))
			return 1;
	return 0;
}

/* The addresses an endpoint stands for: resolved by the loader, or now through the ctx (a socket). */
static int
resolve(const struct trace_check_ctx *x, const struct trace_check_ep *ep, struct trace_endpoint *e,
    struct trace_verdict *v)
{
	char err[256];
	int n;

	if (!ep->late) {
		e[0] = ep->ep;
		return 1;
	}
	n = x->resolve(x->arg, ep->text, e, MAX_EP, err, sizeof err);
	if (n <= 0)
		say(v, 2, "%s", n < 0 ? err : "the name matches no address");
	return n;
}

static const char *
half_name(const struct trace_half *h, int ip_version, char *buf, size_t len)
{
	char a[64];
	trace_addr_text(ip_version, h->addr, a, sizeof a);
	snprintf(buf, len, ip_version == 6 ? "[%s]:%u" : "%s:%u", a, h->port);
	return buf;
}

/* 1 if the connection's ends are a and b, in either role when the capture began mid-connection. */
static int
conn_ends(const struct trace_conn *k, const struct trace_endpoint *a, int na, const struct trace_endpoint *b, int nb)
{
	if (ep_match(a, na, k->ip_version, k->c.addr, k->c.port) &&
	    (nb < 0 || ep_match(b, nb, k->ip_version, k->s.addr, k->s.port)))
		return 1;
	if (nb < 0)
		return ep_match(a, na, k->ip_version, k->s.addr, k->s.port);
	return k->c.syn == 0 && ep_match(a, na, k->ip_version, k->s.addr, k->s.port) &&
	    ep_match(b, nb, k->ip_version, k->c.addr, k->c.port);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * The connection CONN names: attempt N of those in the trace, or the last.
 * NULL after say().
 */
static struct trace_conn *
find_conn(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v, const char **label)
{
	struct trace_endpoint a[MAX_EP], b[MAX_EP], pa[MAX_EP], pb[MAX_EP];
	int na = 0, nb = -1, np = 0, attempt = c->attempt;
	struct trace_conn **found, *k = NULL;
	size_t nf = 0;
	char err[256];

	*label = c->conn;
	if (c->conn != NULL && c->client.text != NULL && c->server.text == NULL) {	/* a socket: romeo.sock */
		if (c->client.late && x->resolve_conn != NULL &&
		    (np = x->resolve_conn(x->arg, c->client.text, pa, pb, MAX_EP, err, sizeof err)) < 0) {
			say(v, 2, "%s", err);
			return NULL;
		}
		if (np == 0 && (na = resolve(x, &c->client, a, v)) <= 0)
			return NULL;
	} else {
		/* "A to B", with client: A and server: B */
		if (c->client.text == NULL || c->server.text == NULL || *label == NULL) {
			say(v, 2, "the check names no connection (conn, or client and server)");
			return NULL;
		}
		if ((na = resolve(x, &c->client, a, v)) <= 0 || (nb = resolve(x, &c->server, b, v)) <= 0)
			return NULL;
	}
	/*
	 * Candidates: with a server of known ports, only the connections with
	 * an end there (the index), in the trace's order; else every one.
	 */
	size_t ncand = x->conns->ntcp;
	uint32_t *cand = NULL;
	int indexed = np == 0 && nb > 0;
	for (int j = 0; j < nb && indexed; j++)
		indexed = b[j].port >= 0;
	if (indexed) {
		ncand = 0;
		for (int j = 0; j < nb; j++) {
			const uint32_t *l;
			size_t n = trace_conns_at(x->conns, b[j].ip_version, b[j].addr, (uint16_t)b[j].port, &l);
			cand = xrealloc(cand, (ncand + n + 1) * sizeof *cand);
			if (n > 0)
				memcpy(cand + ncand, l, n * sizeof *l);
			ncand += n;
		}
		if (nb > 1)
			qsort(cand, ncand, sizeof *cand, cmp_u32);
	}
	found = xcalloc(ncand + 1, sizeof *found);
	for (size_t ci = 0; ci < ncand; ci++) {
		size_t i = indexed ? cand[ci] : ci;
		if (indexed && ci > 0 && cand[ci - 1] == i)
			continue;	/* listed under both ends */
		struct trace_conn *t = x->conns->tcp[i];
		int hit = 0;
		if (np > 0) {
			/* a socket: its own address and, where known, its peer's */
			for (int j = 0; j < np && !hit; j++) {
				int known = pb[j].ip_version != 0;
				hit = (ep_match(&pa[j], 1, t->ip_version, t->c.addr, t->c.port) &&
				    (!known || ep_match(&pb[j], 1, t->ip_version, t->s.addr, t->s.port))) ||
				    (ep_match(&pa[j], 1, t->ip_version, t->s.addr, t->s.port) &&
				    (!known || ep_match(&pb[j], 1, t->ip_version, t->c.addr, t->c.port)));
			}
		} else
			hit = conn_ends(t, a, na, b, nb);
		if (hit)
			found[nf++] = t;
	}
	if (nf == 0) {
		if (x->conns->truncated > 0)
			say(v, 2, "no TCP connection of %s could be read: the capture cut %llu packets short inside "
			    "their headers (snaplen too small)", *label, (unsigned long long)x->conns->truncated);
		else
			say(v, 1, "no TCP connection of %s is in the trace", *label);
	} else if (attempt > 0 && (size_t)attempt > nf)
		say(v, 1, "%s made %zu connection attempt%s, not %d", *label, nf, nf == 1 ? "" : "s", attempt);
	else
		k = found[attempt > 0 ? (size_t)attempt - 1 : nf - 1];
	free(found);
	free(cand);
	return k;
}

/* The half of k whose sender is the endpoint written in key ("from", "first", "by"). */
static struct trace_half *
find_half(const struct trace_check_ctx *x, struct trace_conn *k, const struct trace_check_ep *ep, struct trace_verdict *v)
{
	struct trace_endpoint e[MAX_EP];
	int n = resolve(x, ep, e, v);
	if (n <= 0)
		return NULL;
	if (ep_match(e, n, k->ip_version, k->c.addr, k->c.port))
		return &k->c;
	if (ep_match(e, n, k->ip_version, k->s.addr, k->s.port))
		return &k->s;
	say(v, 2, "%s is neither end of the connection: check the checks file", ep->text);
	return NULL;
}

/* ---- verona's kills ---- */

/* 1 when h's packet at ts came from its kernel after verona killed its program (conn.h). */
static int
by_kill(const struct trace_half *h, int64_t ts)
{
	return h->killed_ns != 0 && ts >= h->killed_ns;
}

/* How the kill of h's program is told: "the program of step 3, at its timeout (at 3.012 s)", into buf. */
static const char *
kill_text(const struct trace_check_ctx *x, const struct trace_half *h, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%.3f s)", h->kill < x->conns->nkills ? x->conns->kills[h->kill].what : "",
	    secs(x, h->killed_ns));
	return buf;
}

/* ---- the checks ---- */

static void
check_handshake(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label;
	char cn[80], sn[80];
	struct trace_conn *k = find_conn(x, c, v, &label);
	if (k == NULL)
		return;
	half_name(&k->c, k->ip_version, cn, sizeof cn);
	half_name(&k->s, k->ip_version, sn, sizeof sn);
	if (k->c.syn == 0)
		say(v, 1, "no SYN from %s opened the connection to %s: the capture starts in its middle", cn, sn);
	else if (k->refused)
		say(v, 1, "%s answered %s's SYN with a reset at %.3f s: nothing was listening on that port (connect came before listen?)",
		    sn, cn, secs(x, k->refused_ns));
	else if (k->s.synack == 0)
		say(v, 1, "%s sent SYN at %.3f s%s but %s never answered with SYN-ACK", cn, secs(x, k->c.syn_ns),
		    k->c.syn > 1 ? " (and retransmitted it)" : "", sn);
	else if (!k->synack_ok)
		say(v, 1, "%s's SYN-ACK acknowledged %u, not %s's ISN + 1 (%u)", sn, k->synack_ack, cn, k->c.isn + 1);
	else if (!k->established)
		say(v, 1, "%s answered with SYN-ACK at %.3f s but %s never completed the handshake with its ACK",
		    sn, secs(x, k->s.synack_ns), cn);
	else
		say(v, 0, "%s and %s: SYN, SYN-ACK, ACK by %.3f s%s", cn, sn, secs(x, k->established_ns),
		    k->c.syn > 1 ? " (the SYN was retransmitted)" : "");
}

static void
check_refused(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label;
	char cn[80], sn[80];
	struct trace_conn *k = find_conn(x, c, v, &label);
	if (k == NULL)
		return;
	half_name(&k->c, k->ip_version, cn, sizeof cn);
	half_name(&k->s, k->ip_version, sn, sizeof sn);
	if (k->refused)
		say(v, 0, "%s answered %s's SYN with RST-ACK at %.3f s", sn, cn, secs(x, k->refused_ns));
	else if (k->s.synack > 0)
		say(v, 1, "%s accepted the connection from %s (SYN-ACK at %.3f s): it was listening", sn, cn,
		    secs(x, k->s.synack_ns));
	else
		say(v, 1, "%s never answered %s's SYN", sn, cn);
}

/* The bytes of one direction, or NULL after say() when the trace cannot tell them. */
static const struct buf *
stream_bytes(const struct trace_check_ctx *x, struct trace_conn *k, struct trace_half *h, size_t need,
    struct trace_verdict *v)
{
	char hn[80];
	(void)x;
	half_name(h, k->ip_version, hn, sizeof hn);
	if (h->truncated) {
		say(v, 2, "the capture cut the payload of %s's segments (snaplen too small): its bytes are unknown", hn);
		return NULL;
	}
	if (h->pending_overflow) {
		say(v, 2, "too many of %s's segments came out of order to be kept: its bytes are unknown", hn);
		return NULL;
	}
	if (h->next < h->high || h->pending != NULL) {
		say(v, 2, "the capture missed some of %s's segments (bytes %llu..%llu never seen)", hn,
		    (unsigned long long)h->next, (unsigned long long)h->high);
		return NULL;
	}
	if (h->ack_beyond) {
		say(v, 2, "the peer acknowledged bytes of %s that the capture never saw: packets were lost", hn);
		return NULL;
	}
	if (h->data.len < h->next && h->data.len < need) {
		say(v, 2, "%s sent %llu bytes, more than the %llu kept for checks", hn,
		    (unsigned long long)h->next, (unsigned long long)h->keep);
		return NULL;
	}
	return &h->data;
}

static char *
repr(const uint8_t *p, size_t n)
{
	struct buf b;
	size_t shown = n > 40 ? 40 : n;
	buf_init(&b);
	buf_adds(&b, "b'");
	for (size_t i = 0; i < shown; i++) {
		if (p[i] == '\'' || p[i] == '\\')
			buf_printf(&b, "\\%c", p[i]);
		else if (p[i] == '\n')
			buf_adds(&b, "\\n");
		else if (p[i] == '\r')
			buf_adds(&b, "\\r");
		else if (p[i] == '\t')
			buf_adds(&b, "\\t");
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			buf_printf(&b, "\\x%02x", p[i]);
		else
			buf_addc(&b, p[i]);
	}
	buf_addc(&b, '\'');
	if (shown < n)
		buf_adds(&b, "...");
	return buf_steal(&b, NULL);
}

static void
rstrip(const char **s, size_t *n)
{
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

/*
 * The verdict on an expected line the text does not have as a line of its
 * own after the lines before it (from: where they end).  When the text has
 * it at the start of a line that runs on with no newline after it (readings
 * sent without their line end run together), says so, and what follows it.
 */
static void
stream_line_missing(struct trace_verdict *v, const char *hn, const char *line, size_t before, const char *from,
    const char *end)
{
	const char *w = line;
	size_t wl = strlen(w);

	rstrip(&w, &wl);
	for (const char *p = from; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ln = (size_t)((nl ? nl : end) - p);
		if (wl > 0 && ln > wl && memcmp(p, w, wl) == 0) {
			char *rest = repr((const uint8_t *)p + wl, ln - wl);
			say(v, 1, "%s's text has \"%s\"%s, but not as a line: no newline ends it, and %s follows it "
			    "(expected the line \"%s\" ending in \\n)", hn, line, before > 0 ? " after the lines before it" : "",
			    rest, line);
			free(rest);
			return;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	say(v, 1, "%s's text lacks the line \"%s\"%s", hn, line, before > 0 ? " after the lines before it" : "");
}

static void
check_stream(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label;
	char hn[80];
	struct trace_conn *k = find_conn(x, c, v, &label);
	struct trace_half *h;
	const struct buf *got;
	const unsigned char *want = c->data.p;
	size_t wn = c->data.len;

	/* a prefix reads only its own length (in whole base64 quanta): the rest may not have been kept */
	size_t need = !c->has_data && !c->has_contains && c->has_prefix ? (wn + 2) / 3 * 3 : SIZE_MAX;
	struct buf before_kill;
	uint64_t late = 0;
	if (k == NULL || (h = find_half(x, k, &c->from, v)) == NULL ||
	    (got = stream_bytes(x, k, h, need, v)) == NULL)
		return;
	half_name(h, k->ip_version, hn, sizeof hn);
	if (h->killed_ns != 0 && got->len > h->high_at_kill) {
		/* bytes that left only after verona killed the program are not the program's sending */
		before_kill = *got;
		before_kill.len = (size_t)h->high_at_kill;
		late = got->len - h->high_at_kill;
		got = &before_kill;
	}
	if (c->has_data) {
		size_t at = 0;
		while (at < wn && at < got->len && want[at] == got->data[at])
			at++;
		if (at == wn && wn == got->len)
			say(v, 0, "%s sent the %zu expected bytes", hn, wn);
		else {
			/* either may be empty, its pointer NULL: no arithmetic on it then */
			size_t from = at > 10 ? at - 10 : 0;
			char *w = wn > 0 ? repr(want + from, wn - from) : repr((const unsigned char *)"", 0);
			char *g = got->len > 0 ? repr(got->data + from, got->len - from) :
			    repr((const unsigned char *)"", 0);
			if (at == got->len && got->len < wn)
				say(v, 1, "%s sent %zu bytes, %zu fewer than expected: it stopped before %s", hn,
				    got->len, wn - got->len, w);
			else if (at == wn)
				say(v, 1, "%s sent %zu bytes more than expected, after the expected ones: %s", hn,
				    got->len - wn, g);
			else
				say(v, 1, "%s's bytes differ from the expected at byte %zu: expected %s, sent %s", hn, at, w, g);
			free(w);
			free(g);
		}
	} else if (c->has_contains) {
		if (wn == 0 || (got->len > 0 && memmem(got->data, got->len, want, wn) != NULL))
			say(v, 0, "%s's %zu bytes contain the expected ones", hn, got->len);
		else {
			char *w = repr(want, wn);
			say(v, 1, "%s's %zu bytes do not contain %s", hn, got->len, w);
			free(w);
		}
	} else if (c->has_prefix) {
		if (got->len >= wn && memcmp(got->data, want, wn) == 0)
			say(v, 0, "%s's bytes start as expected", hn);
		else {
			char *w = repr(want, wn), *g = repr(got->data, got->len);
			say(v, 1, "%s's bytes should start with %s but start with %s", hn, w, g);
			free(w);
			free(g);
		}
	} else {
		const char *p = got->data ? (const char *)got->data : "", *end = p + got->len, *from = p;
		size_t i = 0;
		while (i < c->nlines && p <= end) {
			const char *nl = end > p ? memchr(p, '\n', (size_t)(end - p)) : NULL;
			const char *w = c->lines[i];
			size_t ln = (size_t)((nl ? nl : end) - p), wl = strlen(w);
			rstrip(&p, &ln);
			rstrip(&w, &wl);
			if (ln == wl && memcmp(p, w, wl) == 0) {
				i++;
				from = nl ? nl + 1 : end;
			}
			if (nl == NULL)
				break;
			p = nl + 1;
		}
		if (i == c->nlines)
			say(v, 0, "%s sent all %zu expected lines in order", hn, i);
		else
			stream_line_missing(v, hn, c->lines[i], i, from, end);
	}
	if (late > 0) {
		char kt[160];
		say_more(v, " (%llu more bytes left only after verona killed %s: they do not count)",
		    (unsigned long long)late, kill_text(x, h, kt, sizeof kt));
	}
}

static void
check_acked(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label;
	char hn[80], on[80];
	struct trace_conn *k = find_conn(x, c, v, &label);
	struct trace_half *h, *o;

	if (k == NULL || (h = find_half(x, k, &c->from, v)) == NULL)
		return;
	o = h == &k->c ? &k->s : &k->c;
	half_name(h, k->ip_version, hn, sizeof hn);
	half_name(o, k->ip_version, on, sizeof on);
	if (h->ack_beyond)
		say(v, 2, "%s acknowledged bytes of %s that the capture never saw: packets were lost", on, hn);
	else if (h->next < h->high || h->pending_overflow)
		say(v, 2, "the capture missed some of %s's segments: which bytes were acknowledged cannot be told", hn);
	else if (h->high == 0)
		say(v, 0, "%s sent no data", hn);
	else if (h->ack_seen && h->acked >= h->high)
		say(v, 0, "%s acknowledged all %llu bytes %s sent (by %.3f s)", on, (unsigned long long)h->high, hn,
		    secs(x, h->acked_ns));
	else
		say(v, 1, "%s acknowledged %llu of the %llu bytes %s sent", on,
		    (unsigned long long)(h->ack_seen ? h->acked : 0), (unsigned long long)h->high, hn);
}

/*
 * closed's within and before, once both sides sent FIN: each FIN at most
 * within seconds after the connection's last data (either way; the
 * handshake when none), and before the step named before started.
 */
static void
closed_in_time(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_conn *k,
    const char *cn, const char *sn, struct trace_verdict *v)
{
	const struct trace_half *hs[2] = { &k->c, &k->s };
	int64_t last = k->c.last_data_ns > k->s.last_data_ns ? k->c.last_data_ns : k->s.last_data_ns, start;
	char err[256];

	if (last == 0)
		last = k->established_ns ? k->established_ns : k->first_ns;
	for (int i = 0; i < 2 && c->has_within; i++)
		if ((double)(hs[i]->fin_ns - last) / 1e9 > c->within) {
			say(v, 1, "%s sent FIN at %.3f s, %.3f s after the connection's last data (at %.3f s): not within "
			    "%g s", i == 0 ? cn : sn, secs(x, hs[i]->fin_ns), (double)(hs[i]->fin_ns - last) / 1e9,
			    secs(x, last), c->within);
			return;
		}
	if (c->before == NULL)
		return;
	if (x->step_start == NULL || x->step_start(x->arg, c->before, &start, err, sizeof err) != 0) {
		say(v, 2, "%s", x->step_start ? err : "closed before: needs the steps of a run");
		return;
	}
	for (int i = 0; i < 2; i++)
		if (hs[i]->fin_ns >= start) {
			say(v, 1, "%s sent FIN at %.3f s, not before step %s started (at %.3f s)", i == 0 ? cn : sn,
			    secs(x, hs[i]->fin_ns), c->before, secs(x, start));
			return;
		}
}

static void
check_closed(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label;
	char cn[80], sn[80];
	struct trace_conn *k = find_conn(x, c, v, &label);
	struct trace_half *hs[2];

	if (k == NULL)
		return;
	if (k->c.ack_beyond || k->s.ack_beyond) {
		say(v, 2, "the capture lost packets of this connection (an ACK covers bytes it never saw): "
		    "how it was closed cannot be told");
		return;
	}
	hs[0] = &k->c;
	hs[1] = &k->s;
	half_name(&k->c, k->ip_version, cn, sizeof cn);
	half_name(&k->s, k->ip_version, sn, sizeof sn);
	if (k->refused) {
		say(v, 1, "the connection was never open: %s refused %s's SYN (RST-ACK at %.3f s), so there was "
		    "nothing to close", sn, cn, secs(x, k->refused_ns));
		return;
	}
	/* a FIN or RST the kernel sent when verona killed the program: the program never closed */
	for (int i = 0; i < 2; i++) {
		struct trace_half *h = hs[i];
		char kt[160];
		int fin = h->fin && by_kill(h, h->fin_ns), rst = h->rst && by_kill(h, h->rst_ns);
		if (fin || rst) {
			say(v, 1, "%s never closed the connection itself: its %s at %.3f s came from the kernel when "
			    "verona killed %s", i == 0 ? cn : sn, fin ? "FIN" : "RST",
			    secs(x, fin ? h->fin_ns : h->rst_ns), kill_text(x, h, kt, sizeof kt));
			return;
		}
	}
	/* an RST first: it ended the connection, so the other side's missing FIN is its consequence */
	for (int i = 0; i < 2; i++) {
		struct trace_half *h = hs[i], *o = hs[1 - i];
		if (!h->fin && h->rst && (o->fin || !o->rst || h->rst_ns <= o->rst_ns)) {
			say(v, 1, "%s sent RST instead of FIN at %.3f s: the socket was closed with unread data, or aborted",
			    i == 0 ? cn : sn, secs(x, h->rst_ns));
			return;
		}
	}
	/* an RST after a FIN still ended the connection before the other side could close */
	for (int i = 0; i < 2; i++) {
		struct trace_half *h = hs[i], *o = hs[1 - i];
		if (h->rst && !o->fin) {
			say(v, 1, "%s reset the connection at %.3f s (after its FIN): %s could not close its side in order",
			    i == 0 ? cn : sn, secs(x, h->rst_ns), i == 0 ? sn : cn);
			return;
		}
	}
	for (int i = 0; i < 2; i++) {
		struct trace_half *h = hs[i], *o = hs[1 - i];
		const char *hn = i == 0 ? cn : sn, *onm = i == 0 ? sn : cn;
		if (!h->fin) {
			say(v, 1, "%s never sent FIN: its side was never closed (shutdown or close missing)", hn);
			return;
		}
		if (!(h->ack_seen && h->acked >= h->fin_rel + 1)) {
			say(v, 1, "%s never acknowledged the FIN %s sent at %.3f s", onm, hn, secs(x, h->fin_ns));
			return;
		}
		(void)o;
	}
	if (c->first.text != NULL) {
		struct trace_half *f = find_half(x, k, &c->first, v);
		if (f == NULL)
			return;
		struct trace_half *other = f == &k->c ? &k->s : &k->c;
		if (f->fin_ns > other->fin_ns) {
			char fn[80], on[80];
			half_name(f, k->ip_version, fn, sizeof fn);
			half_name(other, k->ip_version, on, sizeof on);
			say(v, 1, "%s closed first (FIN at %.3f s), not %s (FIN at %.3f s)", on, secs(x, other->fin_ns),
			    fn, secs(x, f->fin_ns));
			return;
		}
	}
	closed_in_time(x, c, k, cn, sn, v);
	say(v, 0, "both sides sent FIN and had it acknowledged (%s at %.3f s, %s at %.3f s)", cn,
	    secs(x, k->c.fin_ns), sn, secs(x, k->s.fin_ns));
}

static void
check_reset(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label, *by = c->by.text;
	char hn[80];
	struct trace_conn *k = find_conn(x, c, v, &label);
	struct trace_half *h;

	if (k == NULL)
		return;
	/* an RST the kernel sent when verona killed the program is not the program's */
	int crst = k->c.rst && !by_kill(&k->c, k->c.rst_ns), srst = k->s.rst && !by_kill(&k->s, k->s.rst_ns);
	if (!crst && !srst) {
		char kt[160];
		struct trace_half *kh = k->c.rst ? &k->c : &k->s;
		if (k->c.rst || k->s.rst)
			say(v, 1, "no program reset the connection: the RST at %.3f s came from the kernel when verona "
			    "killed %s", secs(x, kh->rst_ns), kill_text(x, kh, kt, sizeof kt));
		else
			say(v, 1, "no RST in the connection: it %s", k->c.fin || k->s.fin ? "was closed with FIN" :
			    "was not ended");
		return;
	}
	h = crst && (!srst || k->c.rst_ns <= k->s.rst_ns) ? &k->c : &k->s;
	half_name(h, k->ip_version, hn, sizeof hn);
	if (by != NULL) {
		struct trace_half *want = find_half(x, k, &c->by, v);
		if (want == NULL)
			return;
		if (!(want == &k->c ? crst : srst)) {
			say(v, 1, "the reset came from %s, not from %s", hn, by);
			return;
		}
		h = want;
		half_name(h, k->ip_version, hn, sizeof hn);
	}
	say(v, 0, "%s sent RST at %.3f s", hn, secs(x, h->rst_ns));
}

/*
 * Datagram i carried other bytes than w: both shown, from ten bytes before
 * the first difference when that is past what repr() shows whole.
 */
static void
datagram_differs(struct trace_verdict *v, const struct trace_check *c, size_t i, const struct trace_dgram *d,
    const uint8_t *w, size_t wn)
{
	size_t at = 0, from;
	char *ws, *gs;

	while (at < wn && at < d->len && w[at] == d->data[at])
		at++;
	if (at < 30) {
		ws = repr(w, wn);
		gs = repr(d->data, d->caplen);
		say(v, 1, "datagram %zu from %s to %s carried %s, expected %s", i + 1, c->from.text, c->to.text, gs, ws);
	} else {
		from = at - 10;
		ws = repr(w + from, wn - from);
		gs = repr(d->data + from, d->caplen - from);
		if (at == d->len)
			say(v, 1, "datagram %zu from %s to %s carried %zu bytes, %zu fewer than expected; from byte %zu "
			    "it carried %s, expected %s", i + 1, c->from.text, c->to.text, (size_t)d->len, wn - d->len,
			    from, gs, ws);
		else if (at == wn)
			say(v, 1, "datagram %zu from %s to %s carried %zu bytes more than expected; from byte %zu it "
			    "carried %s, expected %s", i + 1, c->from.text, c->to.text, (size_t)d->len - wn, from, gs, ws);
		else
			say(v, 1, "datagram %zu from %s to %s differs from the expected at byte %zu; from byte %zu it "
			    "carried %s, expected %s", i + 1, c->from.text, c->to.text, at, from, gs, ws);
	}
	free(ws);
	free(gs);
}

/*
 * An ICMP error answers a datagram as it arrives: it quotes one sent at
 * most ICMP_QUOTE_WINDOW_NS before it, or stamped up to ICMP_CLOCK_SLACK_NS
 * after it (two hosts' clocks).
 */
#define ICMP_CLOCK_SLACK_NS	2000000LL
#define ICMP_QUOTE_WINDOW_NS	500000000LL

static int
dgram_quoted(const struct trace_icmp_err *e, const struct trace_dgram *d)
{
	return e->q_proto == 17 && d->ip_version == e->q_ip_version && d->sport == e->q_sport &&
	    d->dport == e->q_dport && trace_addr_eq(d->ip_version, d->src, e->q_src) &&
	    trace_addr_eq(d->ip_version, d->dst, e->q_dst);
}

/*
 * How many of the n datagrams drew an ICMP destination unreachable: each
 * error goes to the earliest datagram between the same ends in its window
 * that no error went to yet (a burst of datagrams draws its errors in
 * order, until the kernel's rate limit stops them).  The first such
 * datagram in *first, and whether every error was port unreachable in
 * *port_only.
 */
static size_t
dgrams_refused(const struct trace_check_ctx *x, const struct trace_dgram **seen, size_t n, size_t *first,
    int *port_only)
{
	char *refused = xcalloc(n + 1, 1);
	size_t r = 0;

	*port_only = 1;
	*first = n;
	for (size_t e = 0; e < x->conns->nicmp; e++) {
		const struct trace_icmp_err *ie = &x->conns->icmp[e];
		if (ie->ip_version == 4 ? ie->type != 3 : ie->type != 1)
			continue;
		for (size_t i = 0; i < n && seen[i]->ts_ns <= ie->ts_ns + ICMP_CLOCK_SLACK_NS; i++) {
			if (refused[i] || seen[i]->ts_ns < ie->ts_ns - ICMP_QUOTE_WINDOW_NS || !dgram_quoted(ie, seen[i]))
				continue;
			refused[i] = 1;
			r++;
			*first = i < *first ? i : *first;
			*port_only &= ie->ip_version == 4 ? ie->code == 3 : ie->code == 4;
			break;
		}
	}
	free(refused);
	return r;
}

static const char *
dgram_end(int ip_version, const uint8_t *addr, uint16_t port, char *buf, size_t len)
{
	char a[64];
	trace_addr_text(ip_version, addr, a, sizeof a);
	snprintf(buf, len, ip_version == 6 ? "[%s]:%u" : "%s:%u", a, port);
	return buf;
}

/*
 * reply_to: sender — the first of the n datagrams that went to an address
 * and port from which no datagram had come to its source before it; n when
 * each is such a reply.
 */
static size_t
dgrams_misdirected(const struct trace_check_ctx *x, const struct trace_dgram **seen, size_t n)
{
	const struct trace_dgram **pairs = xcalloc(x->conns->nudp + 1, sizeof *pairs);
	size_t npairs = 0, k = 0, bad = n;

	for (size_t i = 0; i < x->conns->nudp && k < n && bad == n; i++) {
		const struct trace_dgram *d = &x->conns->udp[i];
		if (d == seen[k]) {
			int answered = 0;
			for (size_t j = 0; j < npairs && !answered; j++)
				answered = pairs[j]->sport == d->dport && pairs[j]->dport == d->sport &&
				    pairs[j]->ip_version == d->ip_version && trace_addr_eq(d->ip_version, pairs[j]->src, d->dst) &&
				    trace_addr_eq(d->ip_version, pairs[j]->dst, d->src);
			if (!answered)
				bad = k;
			k++;
		}
		int known = 0;
		for (size_t j = 0; j < npairs && !known; j++)
			known = pairs[j]->sport == d->sport && pairs[j]->dport == d->dport &&
			    pairs[j]->ip_version == d->ip_version && trace_addr_eq(d->ip_version, pairs[j]->src, d->src) &&
			    trace_addr_eq(d->ip_version, pairs[j]->dst, d->dst);
		if (!known)
			pairs[npairs++] = d;
	}
	free(pairs);
	return bad;
}

/* Were the datagrams that passed delivered, and (reply_to: sender) sent back where their requests came from? */
static void
dgrams_delivery(const struct trace_check_ctx *x, const struct trace_check *c, const struct trace_dgram **seen,
    size_t n, struct trace_verdict *v)
{
	size_t first, bad, nref;
	int port_only;
	char to[80], src[80];

	if (c->reply_to_sender && (bad = dgrams_misdirected(x, seen, n)) < n) {
		say(v, 1, "datagram %zu from %s went to %s, from where no datagram had come to %s: a reply goes to the "
		    "address and port the request came from (the address recvfrom returned)", bad + 1, c->from.text,
		    dgram_end(seen[bad]->ip_version, seen[bad]->dst, seen[bad]->dport, to, sizeof to),
		    dgram_end(seen[bad]->ip_version, seen[bad]->src, seen[bad]->sport, src, sizeof src));
		return;
	}
	if (c->allow_unreachable || (nref = dgrams_refused(x, seen, n, &first, &port_only)) == 0)
		return;
	say(v, 1, "%zu of the %zu datagrams from %s to %s drew ICMP %s (the first, datagram %zu, at %.3f s%s): no "
	    "socket took them at %s%s", nref, n, c->from.text, c->to.text,
	    port_only ? "port unreachable" : "destination unreachable", first + 1, secs(x, seen[first]->ts_ns),
	    nref < n ? "; the kernel limits how many errors it sends, so the others may not have arrived either" : "",
	    dgram_end(seen[first]->ip_version, seen[first]->dst, seen[first]->dport, to, sizeof to),
	    port_only ? " (nothing bound to that address and port: a socket bound to 127.0.0.1, or a wrong port?)" : "");
}

static void
check_datagrams(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	struct trace_endpoint f[MAX_EP], t[MAX_EP];
	int nf = resolve(x, &c->from, f, v), nt;
	size_t n = 0, i;
	const struct trace_dgram **seen;

	if (nf <= 0 || (nt = resolve(x, &c->to, t, v)) <= 0)
		return;
	seen = xcalloc(x->conns->nudp + 1, sizeof *seen);
	for (i = 0; i < x->conns->nudp; i++) {
		const struct trace_dgram *d = &x->conns->udp[i];
		if (ep_match(f, nf, d->ip_version, d->src, d->sport) && ep_match(t, nt, d->ip_version, d->dst, d->dport))
			seen[n++] = d;
	}
	if (c->has_count) {
		if ((long long)n == c->count) {
			dgrams_delivery(x, c, seen, n, v);
			say(v, 0, "%zu datagrams from %s to %s", n, c->from.text, c->to.text);
		} else
			say(v, 1, "%zu datagrams went from %s to %s, expected %lld", n, c->from.text,
			    c->to.text, c->count);
		free(seen);
		return;
	}
	for (i = 0; i < c->ndgrams; i++) {
		const unsigned char *w = c->dgrams[i].p;
		size_t wn = c->dgrams[i].len;
		if (i >= n) {
			say(v, 1, "only %zu of the %zu expected datagrams went from %s to %s", n,
			    c->ndgrams, c->from.text, c->to.text);
			break;
		}
		if (seen[i]->fragmented) {
			say(v, 2, "datagram %zu was fragmented, and verona does not reassemble IP fragments", i + 1);
			break;
		}
		if (seen[i]->caplen < seen[i]->len) {
			say(v, 2, "the capture cut datagram %zu (snaplen too small): its bytes are unknown", i + 1);
			break;
		}
		if (seen[i]->len != wn || (wn > 0 && memcmp(seen[i]->data, w, wn) != 0)) {
			datagram_differs(v, c, i, seen[i], w, wn);
			break;
		}
	}
	if (v->msg == NULL) {
		if (n > c->ndgrams)
			say(v, 1, "%zu datagrams went from %s to %s, %zu more than expected", n, c->from.text,
			    c->to.text, n - c->ndgrams);
		dgrams_delivery(x, c, seen, n, v);
		say(v, 0, "the %zu expected datagrams went from %s to %s in order", n, c->from.text, c->to.text);
	}
	free(seen);
}

static void
check_icmp_unreachable(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	struct trace_endpoint f[MAX_EP], t[MAX_EP];
	int nf = resolve(x, &c->from, f, v), nt;
	int64_t first = 0;
	long long n = 0;

	if (nf <= 0 || (nt = resolve(x, &c->to, t, v)) <= 0)
		return;
	for (size_t i = 0; i < x->conns->nicmp; i++) {
		const struct trace_icmp_err *e = &x->conns->icmp[i];
		int unreach = e->ip_version == 4 ? e->type == 3 && e->code == 3 : e->type == 1 && e->code == 4;
		if (unreach && ep_match(f, nf, e->q_ip_version, e->q_src, e->q_sport) &&
		    ep_match(t, nt, e->q_ip_version, e->q_dst, e->q_dport)) {
			if (n++ == 0)
				first = e->ts_ns;
		}
	}
	if (c->has_count) {
		/* count: 0 asserts that no datagram was refused */
		if (n == c->count)
			say(v, 0, "%lld port unreachable error%s for datagrams from %s to %s", n, n == 1 ? "" : "s",
			    c->from.text, c->to.text);
		else if (n > 0)
			say(v, 1, "%lld port unreachable error%s (the first at %.3f s) for datagrams from %s to %s, expected %lld: "
			    "nothing listened there", n, n == 1 ? "" : "s", secs(x, first), c->from.text,
			    c->to.text, c->count);
		else
			say(v, 1, "no port unreachable error for datagrams from %s to %s, expected %lld",
			    c->from.text, c->to.text, c->count);
	} else if (n > 0)
		say(v, 0, "port unreachable at %.3f s for the datagram from %s to %s", secs(x, first),
		    c->from.text, c->to.text);
	else
		say(v, 1, "no ICMP port unreachable quoted a datagram from %s to %s", c->from.text, c->to.text);
}

static void
check_quiet(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	char err[256];
	for (size_t i = 0; i < c->nsteps; i++) {
		const char *id = c->steps[i];
		int n = x->step_packets ? x->step_packets(x->arg, id, err, sizeof err) : -1;
		if (n < 0) {
			say(v, 2, "%s", x->step_packets ? err : "quiet needs the steps of a run");
			return;
		}
		if (n > 0) {
			say(v, 1, "step %s caused %d packet%s on the wire", id, n, n == 1 ? "" : "s");
			return;
		}
	}
	say(v, 0, "no packets during %zu step%s", c->nsteps, c->nsteps == 1 ? "" : "s");
}

static void
check_state(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label, *want = c->state;
	struct trace_conn *k = find_conn(x, c, v, &label);
	const char *st;
	if (k == NULL)
		return;
	if (k->c.ack_beyond || k->s.ack_beyond) {
		say(v, 2, "the capture lost packets of this connection: its state cannot be told");
		return;
	}
	st = trace_conn_state(k);
	if (strcmp(st, want) == 0)
		say(v, 0, "the connection ended in state %s (history %s)", st, k->history);
	else
		say(v, 1, "the connection ended in state %s, not %s (history %s)", st, want, k->history);
}

/*
 * Connections a server is serving at once.  The kernel completes handshakes
 * (and acknowledges data) from the listen queue before the program accepts,
 * so only the server's own bytes show that it serves a connection: each
 * counts from the server's first byte on it until it ends, or the trace
 * does; one the server never sent a byte on does not count (a sequential
 * server killed with clients still queued is not concurrent).
 */
static int64_t
served_from(const struct trace_conn *k)
{
	return k->s.first_data_ns;
}

static void
check_concurrent(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	struct trace_endpoint s[MAX_EP];
	int ns = resolve(x, &c->server, s, v), best = 0, served = 0, set_up = 0;
	long long want = c->count;
	int64_t trace_end = 0;

	if (ns <= 0)
		return;
	for (size_t i = 0; i < x->conns->ntcp; i++)
		if (x->conns->tcp[i]->last_ns > trace_end)
			trace_end = x->conns->tcp[i]->last_ns;
	for (size_t i = 0; i < x->conns->ntcp; i++) {
		struct trace_conn *a = x->conns->tcp[i];
		int overlap = 0;
		if (!a->established || !ep_match(s, ns, a->ip_version, a->s.addr, a->s.port))
			continue;
		set_up++;
		if (served_from(a) == 0)
			continue;
		served++;
		for (size_t j = 0; j < x->conns->ntcp; j++) {
			struct trace_conn *b = x->conns->tcp[j];
			int64_t end;
			if (!b->established || served_from(b) == 0 || !ep_match(s, ns, b->ip_version, b->s.addr, b->s.port))
				continue;
			/* still open at the end of the trace: open until then */
			end = (b->c.fin && b->s.fin) || b->c.rst || b->s.rst ? b->last_ns : trace_end;
			if (served_from(b) <= served_from(a) && end >= served_from(a))
				overlap++;
		}
		if (overlap > best)
			best = overlap;
	}
	if (best >= want)
		say(v, 0, "%s served %d connections at once", c->server.text, best);
	else if (set_up == 0)
		say(v, 1, "no connection to %s was set up", c->server.text);
	else if (served == 0)
		say(v, 1, "%s answered none of its %d connection%s (a connection counts from the server's first byte "
		    "on it)", c->server.text, set_up, set_up == 1 ? "" : "s");
	else
		say(v, 1, "%s served at most %d connection%s at once (of %d), expected %lld: "
		    "it handles one client at a time", c->server.text, best, best == 1 ? "" : "s", served,
		    want);
}

static void
check_retransmissions(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	const char *label;
	struct trace_conn *k = find_conn(x, c, v, &label);
	long long n;
	if (k == NULL)
		return;
	n = (long long)k->c.retransmissions + k->s.retransmissions;
	if (c->has_max && n > c->max)
		say(v, 1, "%lld retransmitted segments, more than %lld", n, c->max);
	else if (c->has_min && n < c->min)
		say(v, 1, "%lld retransmitted segments, fewer than %lld", n, c->min);
	else
		say(v, 0, "%lld retransmitted segments", n);
}

static void
check_intervals(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	struct trace_endpoint f[MAX_EP], t[MAX_EP];
	int nf = resolve(x, &c->from, f, v), nt;
	double tol = c->tolerance;
	int64_t prev = -1;
	size_t k = 0;

	if (nf <= 0 || (nt = resolve(x, &c->to, t, v)) <= 0)
		return;
	for (size_t i = 0; i < x->conns->nudp && k < c->ngaps; i++) {
		const struct trace_dgram *d = &x->conns->udp[i];
		if (!ep_match(f, nf, d->ip_version, d->src, d->sport) || !ep_match(t, nt, d->ip_version, d->dst, d->dport))
			continue;
		if (prev >= 0) {
			double gap = (double)(d->ts_ns - prev) / 1e9, w = c->gaps[k];
			if (gap < w - tol || gap > w + tol) {
				say(v, 1, "gap %zu between datagrams was %.3f s, expected %.3f s (± %.3f)", k + 1, gap, w, tol);
				return;
			}
			k++;
		}
		prev = d->ts_ns;
	}
	if (k < c->ngaps)
		say(v, 1, "only %zu gaps between datagrams from %s to %s, expected %zu", k, c->from.text,
		    c->to.text, c->ngaps);
	else
		say(v, 0, "the %zu gaps were as expected", k);
}

/* ---- the table ---- */

#define CONN_KEYS \
	{ "conn", TRACE_ARG_CONN }, { "client", TRACE_ARG_CONN }, { "server", TRACE_ARG_CONN }, \
	{ "attempt", TRACE_ARG_ATTEMPT }

static const struct trace_check_key k_conn[] = { CONN_KEYS, { NULL, 0 } };
static const struct trace_check_key k_stream[] = { CONN_KEYS, { "from", TRACE_ARG_ENDPOINT },
	{ "data", TRACE_ARG_DATA }, { "contains", TRACE_ARG_DATA }, { "prefix", TRACE_ARG_DATA },
	{ "lines", TRACE_ARG_LINES }, { NULL, 0 } };
static const struct trace_check_key k_acked[] = { CONN_KEYS, { "from", TRACE_ARG_ENDPOINT }, { NULL, 0 } };
static const struct trace_check_key k_closed[] = { CONN_KEYS, { "first", TRACE_ARG_ENDPOINT },
	{ "within", TRACE_ARG_NUMBER }, { "before", TRACE_ARG_STEP_ID }, { NULL, 0 } };
static const struct trace_check_key k_reset[] = { CONN_KEYS, { "by", TRACE_ARG_ENDPOINT }, { NULL, 0 } };
static const struct trace_check_key k_dgram[] = { { "from", TRACE_ARG_ENDPOINT }, { "to", TRACE_ARG_ENDPOINT },
	{ "data", TRACE_ARG_DATA_LIST }, { "count", TRACE_ARG_COUNT }, { "reply_to", TRACE_ARG_REPLY_TO },
	{ "allow_unreachable", TRACE_ARG_FLAG }, { NULL, 0 } };
static const struct trace_check_key k_icmp[] = { { "from", TRACE_ARG_ENDPOINT }, { "to", TRACE_ARG_ENDPOINT },
	{ "count", TRACE_ARG_COUNT }, { "none", TRACE_ARG_FLAG }, { NULL, 0 } };
static const struct trace_check_key k_quiet[] = { { "steps", TRACE_ARG_STEP_IDS }, { NULL, 0 } };
static const struct trace_check_key k_state[] = { CONN_KEYS, { "state", TRACE_ARG_STATE }, { NULL, 0 } };
static const struct trace_check_key k_conc[] = { { "server", TRACE_ARG_ENDPOINT }, { "count", TRACE_ARG_COUNT },
	{ NULL, 0 } };
static const struct trace_check_key k_retr[] = { CONN_KEYS, { "max", TRACE_ARG_COUNT }, { "min", TRACE_ARG_COUNT },
	{ NULL, 0 } };
static const struct trace_check_key k_intv[] = { { "from", TRACE_ARG_ENDPOINT }, { "to", TRACE_ARG_ENDPOINT },
	{ "expect", TRACE_ARG_NUMBER_LIST }, { "tolerance", TRACE_ARG_NUMBER }, { NULL, 0 } };

const struct trace_check_def trace_check_table[TRACE_CHECK__COUNT] = {
	{ TRACE_CHECK_HANDSHAKE, "handshake", TRACE_CONN_VALUE, k_conn, check_handshake },
	{ TRACE_CHECK_REFUSED, "refused", TRACE_CONN_VALUE, k_conn, check_refused },
	{ TRACE_CHECK_STREAM, "stream", TRACE_CONN_KEY, k_stream, check_stream },
	{ TRACE_CHECK_ACKED, "acked", TRACE_CONN_KEY, k_acked, check_acked },
	{ TRACE_CHECK_CLOSED, "closed", TRACE_CONN_VALUE, k_closed, check_closed },
	{ TRACE_CHECK_RESET, "reset", TRACE_CONN_VALUE, k_reset, check_reset },
	{ TRACE_CHECK_DATAGRAMS, "datagrams", TRACE_CONN_NONE, k_dgram, check_datagrams },
	{ TRACE_CHECK_ICMP_UNREACHABLE, "icmp_unreachable", TRACE_CONN_NONE, k_icmp, check_icmp_unreachable },
	{ TRACE_CHECK_QUIET, "quiet", TRACE_CONN_NONE, k_quiet, check_quiet },
	{ TRACE_CHECK_STATE, "state", TRACE_CONN_KEY, k_state, check_state },
	{ TRACE_CHECK_CONCURRENT, "concurrent", TRACE_CONN_NONE, k_conc, check_concurrent },
	{ TRACE_CHECK_RETRANSMISSIONS, "retransmissions", TRACE_CONN_KEY, k_retr, check_retransmissions },
	{ TRACE_CHECK_INTERVALS, "intervals", TRACE_CONN_NONE, k_intv, check_intervals },
};

const char *const trace_check_states[] = { "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR",
	"RSTOS0", "RSTRH", "SH", "SHR", "OTH", NULL };

const struct trace_check_def *
trace_check_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < TRACE_CHECK__COUNT; i++)
		if (strcmp(trace_check_table[i].name, name) == 0)
			return &trace_check_table[i];
	return NULL;
}

/* ---- the JSON form ---- */

static char *
dup_str(json_t *j)
{
	return json_is_string(j) ? xstrdup(json_string_value(j)) : NULL;
}

static void
ep_from_json(struct trace_check_ep *e, json_t *j, trace_check_resolve_fn resolve, void *arg)
{
	if ((e->text = dup_str(j)) == NULL)
		return;
	e->late = 1;
	if (resolve != NULL)
		resolve(arg, e);
}

static void
bytes_from_json(struct trace_check_bytes *b, json_t *j)
{
	if (json_is_string(j))
		b64_decode(json_string_value(j), &b->p, &b->len);
}

static char **
strings_from_json(json_t *a, size_t *n)
{
	char **s = xcalloc(json_array_size(a) + 1, sizeof *s);
	for (*n = 0; *n < json_array_size(a); (*n)++)
		s[*n] = xstrdup(json_string_value(json_array_get(a, *n)) ?: "");
	return s;
}

/* The arguments of c's check (not its connection) from j. */
static void
args_from_json(struct trace_check *c, json_t *j, trace_check_resolve_fn resolve, void *arg)
{
	json_t *data = json_object_get(j, "data"), *a;

	ep_from_json(&c->from, json_object_get(j, "from"), resolve, arg);
	ep_from_json(&c->to, json_object_get(j, "to"), resolve, arg);
	ep_from_json(&c->first, json_object_get(j, "first"), resolve, arg);
	ep_from_json(&c->by, json_object_get(j, "by"), resolve, arg);
	if (json_is_array(data)) {
		c->dgrams = xcalloc(json_array_size(data) + 1, sizeof *c->dgrams);
		for (c->ndgrams = 0; c->ndgrams < json_array_size(data); c->ndgrams++)
			bytes_from_json(&c->dgrams[c->ndgrams], json_array_get(data, c->ndgrams));
	} else if ((c->has_data = json_is_string(data)))
		bytes_from_json(&c->data, data);
	else if ((c->has_contains = json_is_string(json_object_get(j, "contains"))))
		bytes_from_json(&c->data, json_object_get(j, "contains"));
	else if ((c->has_prefix = json_is_string(json_object_get(j, "prefix"))))
		bytes_from_json(&c->data, json_object_get(j, "prefix"));
	if ((c->has_lines = json_is_array(json_object_get(j, "lines"))))
		c->lines = strings_from_json(json_object_get(j, "lines"), &c->nlines);
	if ((c->has_count = json_is_integer(json_object_get(j, "count"))))
		c->count = json_integer_value(json_object_get(j, "count"));
	c->allow_unreachable = json_is_true(json_object_get(j, "allow_unreachable"));
	c->reply_to_sender = json_is_string(json_object_get(j, "reply_to"));
	if (json_is_true(json_object_get(j, "none"))) {	/* icmp_unreachable none: true, as count: 0 */
		c->has_count = 1;
		c->count = 0;
	}
	if ((c->has_max = json_is_integer(json_object_get(j, "max"))))
		c->max = json_integer_value(json_object_get(j, "max"));
	if ((c->has_min = json_is_integer(json_object_get(j, "min"))))
		c->min = json_integer_value(json_object_get(j, "min"));
	for (const char *const *s = trace_check_states; *s != NULL && c->state == NULL; s++)
		if (json_is_string(json_object_get(j, "state")) && strcmp(*s, json_string_value(json_object_get(j, "state"))) == 0)
			c->state = *s;
	if (json_is_array(a = json_object_get(j, "expect"))) {
		c->gaps = xcalloc(json_array_size(a) + 1, sizeof *c->gaps);
		for (c->ngaps = 0; c->ngaps < json_array_size(a); c->ngaps++)
			c->gaps[c->ngaps] = json_number_value(json_array_get(a, c->ngaps));
	}
	c->tolerance = json_number_value(json_object_get(j, "tolerance"));
	if ((c->has_within = json_is_number(json_object_get(j, "within"))))
		c->within = json_number_value(json_object_get(j, "within"));
	c->before = dup_str(json_object_get(j, "before"));
	if (json_is_array(a = json_object_get(j, "steps")))
		c->steps = strings_from_json(a, &c->nsteps);
}

int
trace_check_from_json(struct trace_check *c, json_t *j, trace_check_resolve_fn resolve, void *arg)
{
	memset(c, 0, sizeof *c);
	if ((c->def = trace_check_find(json_string_value(json_object_get(j, "check")))) == NULL)
		return -1;
	c->name = dup_str(json_object_get(j, "name"));
	if ((c->has_points = json_is_number(json_object_get(j, "points"))))
		c->points = json_number_value(json_object_get(j, "points"));
	c->line = (int)json_integer_value(json_object_get(j, "line"));
	c->col = (int)json_integer_value(json_object_get(j, "col"));
	if (c->def->conn != TRACE_CONN_NONE) {
		c->conn = dup_str(json_object_get(j, "conn"));
		c->attempt = (int)json_integer_value(json_object_get(j, "attempt"));
		if (json_object_get(j, "client") == NULL)
			ep_from_json(&c->client, json_object_get(j, "conn"), resolve, arg);
		else {
			ep_from_json(&c->client, json_object_get(j, "client"), resolve, arg);
			ep_from_json(&c->server, json_object_get(j, "server"), resolve, arg);
		}
	} else
		ep_from_json(&c->server, json_object_get(j, "server"), resolve, arg);
	args_from_json(c, j, resolve, arg);
	return 0;
}

static void
strings_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void
trace_check_free(struct trace_check *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->conn);
	free(c->client.text);
	free(c->server.text);
	free(c->from.text);
	free(c->to.text);
	free(c->first.text);
	free(c->by.text);
	free(c->data.p);
	strings_free(c->lines, c->nlines);
	for (size_t i = 0; i < c->ndgrams; i++)
		free(c->dgrams[i].p);
	free(c->dgrams);
	free(c->gaps);
	strings_free(c->steps, c->nsteps);
	free(c->before);
	memset(c, 0, sizeof *c);
}

/* ---- deciding ---- */

static json_t *
verdict_json(const char *check, const char *name, struct trace_verdict *v, double points, int line, int col)
{
	static const char *const st[] = { "pass", "fail", "error" };
	json_t *r = json_pack("{s:s, s:o?, s:s, s:s, s:f, s:f, s:i, s:i}", "check", check,
	    "name", name != NULL ? json_string(name) : NULL, "status", st[v->status], "message", v->msg,
	    "points", v->status == 0 ? points : 0.0, "max_points", points, "line", line, "col", col);
	free(v->msg);
	return r;
}

json_t *
trace_check_decide(const struct trace_check_ctx *x, const struct trace_check *c)
{
	struct trace_verdict v = { 0, NULL };
	double points = c->has_points ? c->points : 1;

	if (x->undecidable != NULL)
		say(&v, 2, "%s: this check cannot be decided", x->undecidable);
	else if (x->drops > 0 && c->def->id == TRACE_CHECK_QUIET) {
		/* packets seen in a quiet step are there for sure; no packets may be a loss */
		check_quiet(x, c, &v);
		if (v.status == 0) {
			free(v.msg);
			v.msg = NULL;
			say(&v, 2, "the capture dropped %llu packets: that the steps were quiet cannot be told",
			    (unsigned long long)x->drops);
		}
	} else if (x->drops > 0)
		say(&v, 2, "the capture dropped %llu packets: this check cannot be decided", (unsigned long long)x->drops);
	else {
		c->def->decide(x, c, &v);
		if (v.msg == NULL)
			say(&v, 2, "unknown check '%s'", c->def->name);
	}
	return verdict_json(c->def->name, c->name, &v, points, c->line, c->col);
}
