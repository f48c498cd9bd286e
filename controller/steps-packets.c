/*
 * steps-packets.c — packets under steps: the hosts' captures merged into
 * trace.pcapng, each packet kept once (as its sender captured it) for the
 * checks and statistics, listed under the step that caused it, and each
 * step's expect: packets decided on them.  See run-int.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "clocks.h"
#include "conn.h"
#include "dissect.h"
#include "merge.h"
#include "ops.h"
#include "run-int.h"
#include "util.h"

struct attrib {
	struct runner	*r;
	struct step_result **recs;	/* the records of the steps that ran, in start order */
	struct pktview	 view;
	char		 addr[RUN_CAPTURES_MAX][64];	/* inputs' host addresses, as inet_ntop writes them */
	int		 host_of_input[RUN_CAPTURES_MAX];
	json_t		*trace_steps;	/* packets before the first step */
	size_t		 listed;	/* packet records made (at most RUN_PACKETS_MAX) */
};

static const char *
packet_pattern(const struct trace_pkt *p)
{
	if (p->proto == 6) {
		uint8_t f = p->flags;
		if ((f & TRACE_RST) != 0)
			return (f & TRACE_ACK) ? "RST-ACK" : "RST";
		if ((f & TRACE_SYN) != 0)
			return (f & TRACE_ACK) ? "SYN-ACK" : "SYN";
		if ((f & TRACE_FIN) != 0)
			return (f & TRACE_ACK) ? "FIN-ACK" : "FIN";
		if ((f & TRACE_PSH) != 0 && (f & TRACE_ACK) != 0)
			return "PSH-ACK";
		return "ACK";
	}
	if (p->proto == 17)
		return "UDP";
	if ((p->proto == 1 && p->icmp_type == 3) || (p->proto == 58 && p->icmp_type == 1))
		return "ICMP-UNREACH";
	if (p->proto == 1 || p->proto == 58)
		return "ICMP";
	return "OTHER";
}

/*
 * 1 and the packet's line when p, captured on the host whose address is
 * host_addr, is to be shown: as its sender captured it, or as its receiver
 * did when the sender captured nothing.
 */
int
pktview_line(struct pktview *v, const char *host_addr, const struct trace_pkt *p, char *line, size_t len,
    uint32_t *rseq, uint32_t *rack)
{
	char src[64], dst[64], key[160], rkey[160];
	json_t *base, *rbase;
	uint32_t sb = 0, ab = 0;

	if (p->ip_version == 0)
		return 0;
	trace_addr_text(p->ip_version, p->src, src, sizeof src);
	trace_addr_text(p->ip_version, p->dst, dst, sizeof dst);
	if (strcmp(src, host_addr) != 0 &&
	    (json_object_get(v->senders, src) != NULL || strcmp(dst, host_addr) != 0))
		return 0;
	if (line == NULL)	/* only whether it is shown: no line, and nothing kept for one */
		return 1;
	if (p->proto == 6 && p->status == TRACE_OK) {
		snprintf(key, sizeof key, "%s:%u>%s:%u", src, p->sport, dst, p->dport);
		snprintf(rkey, sizeof rkey, "%s:%u>%s:%u", dst, p->dport, src, p->sport);
		if ((base = json_object_get(v->bases, key)) == NULL || (p->flags & TRACE_SYN)) {
			json_object_set_new(v->bases, key, json_integer(p->seq));
			base = json_object_get(v->bases, key);
		}
		rbase = json_object_get(v->bases, rkey);
		sb = (uint32_t)json_integer_value(base);
		ab = rbase ? (uint32_t)json_integer_value(rbase) : 0;
	}
	trace_pkt_line(p, sb, ab, line, len);
	if (rseq != NULL) {
		*rseq = p->seq - sb;
		*rack = p->ack - ab;
	}
	return 1;
}

/*
 * 1 while a step with expect: packets has no more packets listed than it
 * expects: those are listed past the run's cap (a few per such step), so
 * that the expectation is always decided on what the step caused.
 */
static int
step_wants_packets(struct runner *r, const struct step_result *rec)
{
	const struct step *st;

	if (rec == NULL || rec->number < 1 || (size_t)rec->number > r->x->nsteps)
		return 0;
	st = &r->x->steps[rec->number - 1];
	return st->expect.packets != NULL && json_array_size(rec->listed) <= json_array_size(st->expect.packets);
}

/*
 * One packet of the merge.  Returns 1 for the packet as its sender captured
 * it (or as whoever captured it, when the sender is no captured host): the
 * copy the checks judge and trace.pcapng keeps; 0 for the other copies,
 * which stay in the hosts' own HOST.pcap.
 */
static int
attrib_visit(void *arg, size_t input, int step, int64_t ts_ns, int linktype, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	struct attrib *at = arg;
	struct trace_pkt p;
	char line[512];
	struct step_result *rec;
	json_t *list;

	memset(&p, 0, sizeof p);
	trace_dissect(linktype, data, caplen, wirelen, ts_ns, &p);
	uint32_t rseq = 0, rack = 0;
	char src[64], dst[64], flags[16] = "";
	if (p.ip_version == 0) {
		/* ARP: the copy of the host that sent it (its sender address); other non-IP kept as captured */
		struct dissect_arp arp;
		struct in_addr me;
		if (linktype == DLT_EN10MB && dissect_arp_read(linktype, data, caplen, &arp) == 0 &&
		    inet_pton(AF_INET, at->addr[input], &me) == 1)
			return memcmp(arp.spa, &me, 4) == 0;
		return 1;
	}
	if (!pktview_line(&at->view, at->addr[input], &p, NULL, 0, NULL, NULL))
		return 0;
	struct trace_label lab = { .conn = -1 };
	if (at->r->undecidable == NULL) {	/* else nothing is decided from the trace: nothing kept for it */
		trace_conns_add_label(at->r->conns, &p, &lab);
		if (at->r->stats != NULL)
			(void)trace_stats_add(at->r->stats, &p);
	}
	rec = step >= 0 ? at->recs[step] : NULL;
	if (at->listed >= RUN_PACKETS_MAX && !step_wants_packets(at->r, rec)) {
		/* counted under its step, not listed; no line made (its directions' bases are not kept) */
		at->r->unlisted++;
		if (rec != NULL)
			rec->unlisted++;
		return 1;
	}
	at->listed++;
	(void)pktview_line(&at->view, at->addr[input], &p, line, sizeof line, &rseq, &rack);
	trace_addr_text(p.ip_version, p.src, src, sizeof src);
	trace_addr_text(p.ip_version, p.dst, dst, sizeof dst);
	if (p.proto == 6)
		trace_flags_text(p.flags, flags, sizeof flags);
	list = rec ? rec->listed : at->trace_steps;
	if (list == NULL)
		list = rec->listed = json_array();
	/* the fields a ladder diagram needs, besides the line */
	const struct host *from = NULL, *to = NULL;
	for (size_t i = 0; i < at->r->x->nhosts; i++) {
		struct sockaddr_storage ss;
		socklen_t sl;
		char ip[64] = "";
		if (addr_from_ip(at->r->x->hosts[i].addr, 0, &ss, &sl) == 0)
			addr_ip((struct sockaddr *)&ss, ip, sizeof ip);
		if (from == NULL && strcmp(ip, src) == 0)
			from = &at->r->x->hosts[i];
		if (to == NULL && strcmp(ip, dst) == 0)
			to = &at->r->x->hosts[i];
	}
	json_t *pk = json_pack("{s:s, s:s, s:I, s:s, s:s?, s:s?, s:s, s:s, s:i, s:i, s:i, s:I}",
	    "host", at->r->x->hosts[at->host_of_input[input]].name, "line", line, "time_ns", (json_int_t)ts_ns,
	    "pattern", packet_pattern(&p), "from", from ? from->name : NULL, "to", to ? to->name : NULL,
	    "src", src, "dst", dst, "proto", p.proto, "sport", p.sport, "dport", p.dport,
	    "len", (json_int_t)p.payload_len);
	if (p.proto == 6) {
		json_object_set_new(pk, "flags", json_string(flags));
		json_object_set_new(pk, "seq", json_integer(rseq));
		if (p.flags & TRACE_ACK)
			json_object_set_new(pk, "ack", json_integer(rack));
		if (lab.by_kill != NULL)	/* the kernel's, after verona killed the program */
			json_object_set_new(pk, "verona_kill", json_string(lab.by_kill->what));
	}
	json_array_append_new(list, pk);
	return 1;
}

/* ---- verona's kills ---- */

/* The record of the step numbered n, or NULL. */
static const struct step_result *
kill_record(const struct runner *r, int n)
{
	for (size_t i = 0; i < r->results.n; i++)
		if (r->results.v[i].number == n)
			return &r->results.v[i];
	return NULL;
}

/*
 * When verona killed the program of a step record (its host's clock put on
 * ours), in *k: 1, or 0 when it did not (the program ended by itself, or
 * the step runs none).  The agent says when it killed a program at its
 * step's timeout (killed_ns); a kill step stops a running program as it
 * ends (its own end_ns), the target's result then being ECANCELED.
 */
static int
kill_of(const struct runner *r, const struct step_result *rec, struct trace_kill *k)
{
	const struct step *st;
	const struct step_result *by;
	json_t *res = rec->result, *v;
	struct sockaddr_storage ss;
	socklen_t len;

	if (rec->host == NULL || res == NULL || rec->number < 1 || (size_t)rec->number > r->x->nsteps)
		return 0;
	st = &r->x->steps[rec->number - 1];
	memset(k, 0, sizeof *k);
	if (!st->def->runs_program)	/* a wait shows the result it collected: the program's step says the kill */
		return 0;
	if (json_is_integer(v = json_object_get(res, "killed_ns"))) {
		k->killed_ns = json_integer_value(v);
		snprintf(k->what, sizeof k->what, "the program of step %d, at its timeout", rec->number);
	} else if (rec->state == STEP_STATE_KILLED &&
	    json_integer_value(json_object_get(res, "errno")) == ECANCELED &&
	    (by = kill_record(r, rec->collected_by)) != NULL && by->result != NULL) {
		k->killed_ns = json_integer_value(json_object_get(by->result, "end_ns"));
		snprintf(k->what, sizeof k->what, "the program of step %d, by the kill at step %d", rec->number,
		    by->number);
	} else
		return 0;
	k->started_ns = json_integer_value(json_object_get(res, "start_ns"));
	for (size_t i = 0; i < r->x->nhosts; i++)
		if (strcmp(r->x->hosts[i].name, rec->host) == 0 && addr_from_ip(r->x->hosts[i].addr, 0, &ss, &len) == 0) {
			k->ip_version = ss.ss_family == AF_INET6 ? 6 : 4;
			if (k->ip_version == 6)
				memcpy(k->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			else
				memcpy(k->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		}
	return k->ip_version != 0 && k->killed_ns > 0;
}

static int
kill_cmp(const void *a, const void *b)
{
	const struct trace_kill *x = a, *y = b;
	return x->killed_ns < y->killed_ns ? -1 : x->killed_ns > y->killed_ns;
}

/* For trace_conns.own: 1 when (addr, port) is the address a socket of verona's steps had on that host. */
static int
kill_own_socket(void *arg, int ip_version, const uint8_t *addr, uint16_t port)
{
	const struct runner *r = arg;
	char ip[64];

	trace_addr_text(ip_version, addr, ip, sizeof ip);
	for (size_t i = 0; i < r->x->nhosts; i++) {
		const struct host *h = &r->x->hosts[i];
		struct sockaddr_storage ss;
		socklen_t len;
		char hip[64] = "";
		if (addr_from_ip(h->addr, 0, &ss, &len) == 0)
			addr_ip((struct sockaddr *)&ss, hip, sizeof hip);
		if (strcmp(hip, ip) != 0)
			continue;
		for (size_t s = 0; s < r->socks.n; s++) {
			const struct model_socket *ms = &r->socks.v[s];
			if (strcmp(ms->host, h->name) != 0)
				continue;
			for (size_t k = 0; k < ms->nhist; k++)
				if (ms->hist[k].local.port == port)
					return 1;
		}
	}
	return 0;
}

/* The programs verona killed, told to the connections before any packet is added. */
static void
kills_register(struct runner *r)
{
	struct trace_kill *k = xcalloc(r->results.n + 1, sizeof *k);
	size_t n = 0;

	for (size_t i = 0; i < r->results.n; i++)
		n += (size_t)kill_of(r, &r->results.v[i], &k[n]);
	qsort(k, n, sizeof *k, kill_cmp);
	for (size_t i = 0; i < n; i++)
		trace_conns_kill(r->conns, &k[i]);
	r->conns->own = kill_own_socket;
	r->conns->own_arg = r;
	free(k);
}

static int
rec_start_cmp(const void *a, const void *b)
{
	const struct step_result *ra = *(struct step_result *const *)a, *rb = *(struct step_result *const *)b;
	json_int_t x = json_integer_value(json_object_get(ra->result, "start_ns"));
	json_int_t y = json_integer_value(json_object_get(rb->result, "start_ns"));
	return x < y ? -1 : x > y;
}

/* Marks a step's expect: packets undecidable (never a pass, never the student's failure), saying why. */
static void
step_packets_undecidable(struct runner *r, struct step_result *sr, const char *why)
{
	char *msg = xasprintf("the packets on the wire cannot be told: %s", why);

	model_step_fail(sr, msg);
	free(msg);
	sr->packets = STEP_OUTCOME_UNDECIDABLE;	/* its record says "undecidable" (model_step_json) */
	r->checks_errors++;
}

/*
 * expect: packets, now that the packets of each step are known.  why: the
 * captures cannot tell (a budget passed, a capture refused or lost), or NULL.
 */
static void
check_step_packets(struct runner *r, struct step_result *sr, const char *why)
{
	const struct step *st = &r->x->steps[sr->number - 1];
	json_t *want = st->expect.packets, *got = sr->listed;
	long long unlisted = sr->unlisted;
	struct buf w, g;
	int same;

	if (want == NULL)
		return;
	sr->packets = STEP_OUTCOME_PASS;	/* unless what follows says otherwise */
	if (why != NULL) {
		step_packets_undecidable(r, sr, why);
		return;
	}
	if (unlisted > 0 && json_array_size(got) + (size_t)unlisted <= json_array_size(want)) {
		/* as many packets as expected, or fewer, but not all of them listed */
		step_packets_undecidable(r, sr, "the step's packets were past the run's listing cap");
		return;
	}
	if (unlisted > 0)	/* more packets than expected: a failure however the unlisted ones looked */
		json_array_append_new(got = got ? json_deep_copy(got) : json_array(), json_pack("{s:s}", "pattern", "..."));
	else
		json_incref(got);
	buf_init(&w);
	buf_init(&g);
	if (json_is_array(want))
		for (size_t i = 0; i < json_array_size(want); i++)
			buf_printf(&w, "%s%s", i ? ", " : "", json_string_value(json_array_get(want, i)));
	for (size_t i = 0; i < json_array_size(got); i++)
		buf_printf(&g, "%s%s", i ? ", " : "",
		    json_string_value(json_object_get(json_array_get(got, i), "pattern")));
	same = (w.len == 0 && g.len == 0) || (w.len > 0 && g.len > 0 && strcmp((char *)w.data, (char *)g.data) == 0);
	if (!same) {
		char *msg = xasprintf("expected %s on the wire, saw %s", w.len ? (char *)w.data : "no packets",
		    g.len ? (char *)g.data : "no packets");
		model_step_fail(sr, msg);
		sr->packets = STEP_OUTCOME_FAIL;
		if (!r->o->json)
			printf("%3d %-8s %s%s:%d:%d: %s%s\n", st->number, st->host ? st->host : "-",
			    runner_color(r, "\033[31m"), r->x->file, st->pos.line, st->pos.col, msg, runner_color(r, "\033[0m"));
		free(msg);
	}
	json_decref(got);
	buf_free(&w);
	buf_free(&g);
}

struct timed {
	json_t		*obj;		/* a result, or a kill's target, with times of its agent's clock */
	int64_t		 corr;		/* its agent's correction */
};

static int
timed_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct timed *)a)->obj, y = (uintptr_t)((const struct timed *)b)->obj;
	return x < y ? -1 : x > y;
}

/*
 * Corrects the agents' clock offsets from what their captures show
 * (pcap/clocks.h): the inputs' offsets, the hosts' clocks in the manifest
 * ("trace_correction_ns"), and the start, end and kill times of the steps
 * their agents timed, so that packets and steps stay on one time line.
 * Nothing to do where every clock is exact (the local testbed's agents
 * share the controller's).
 */
static void
correct_clocks(struct runner *r, struct trace_merge_input *in, struct agentconn **agent_of, size_t n,
    const struct attrib *at)
{
	static const char *const keys[] = { "start_ns", "end_ns", "killed_ns", NULL };
	const char *addr[RUN_CAPTURES_MAX];
	int64_t corr[RUN_CAPTURES_MAX];
	struct timed *t;
	size_t nt = 0, uncertain = 0;
	char err[512];

	for (size_t i = 0; i < n; i++) {
		addr[i] = at->addr[i];
		uncertain += in[i].uncertainty_ns > 0;
	}
	if (uncertain == 0 || trace_clocks_correct(in, n, addr, corr, err, sizeof err) != 0)
		return;		/* one clock; or the merge that follows says why a capture cannot be read */
	for (size_t i = 0; i < n; i++) {
		if (in[i].uncertainty_ns > 0 && json_is_object(agent_of[i]->clock))
			json_object_set_new(agent_of[i]->clock, "trace_correction_ns", json_integer(corr[i]));
		in[i].offset_ns += corr[i];
	}
	/* each object once: a wait's record holds the result of the step it collected, a kill's its target */
	t = xcalloc(2 * r->results.n + 1, sizeof *t);
	for (size_t k = 0; k < r->results.n; k++) {
		struct step_result *sr = &r->results.v[k];
		if (sr->host == NULL || !json_is_object(sr->result) || sr->number < 1 || (size_t)sr->number > r->x->nsteps ||
		    r->x->steps[sr->number - 1].def->site != OP_SITE_AGENT)
			continue;
		for (size_t i = 0; i < n; i++)
			if (corr[i] != 0 && strcmp(agent_of[i]->host->name, sr->host) == 0) {
				t[nt++] = (struct timed){ sr->result, corr[i] };
				if (json_is_object(json_object_get(sr->result, "target")))
					t[nt++] = (struct timed){ json_object_get(sr->result, "target"), corr[i] };
			}
	}
	qsort(t, nt, sizeof *t, timed_cmp);
	for (size_t k = 0; k < nt; k++) {
		json_t *v;
		if (k > 0 && t[k].obj == t[k - 1].obj)
			continue;
		for (int q = 0; keys[q] != NULL; q++)
			if (json_is_integer(v = json_object_get(t[k].obj, keys[q])))
				json_integer_set(v, json_integer_value(v) - t[k].corr);
	}
	free(t);
}

/* Merges the hosts' captures into trace.pcapng and puts each packet under its step. */
void
attribute_packets(struct runner *r)
{
	struct trace_merge_input in[RUN_CAPTURES_MAX];
	struct agentconn *agent_of[RUN_CAPTURES_MAX];
	struct trace_merge_step *steps;
	struct attrib at;
	size_t n = 0, ns = r->results.n;
	struct step_result **sorted = xcalloc(ns + 1, sizeof *sorted);
	char err[512], *out, *why;

	memset(&at, 0, sizeof at);
	at.r = r;
	at.view.bases = json_object();
	at.view.senders = json_object();
	at.trace_steps = json_array();
	for (size_t i = 0; i < r->ag.nac && n < RUN_CAPTURES_MAX; i++) {
		struct agentconn *a = &r->ag.ac[i];
		struct sockaddr_storage ss;
		socklen_t len;
		if (a->pcap == NULL)
			continue;
		in[n].path = a->pcap;
		in[n].offset_ns = a->offset_ns;
		in[n].uncertainty_ns = json_integer_value(json_object_get(a->clock, "uncertainty_ns"));
		agent_of[n] = a;
		in[n].name = xasprintf("%s:%s", a->host->name, json_string_value(json_object_get(a->capture, "iface")) ?: "?");
		if (addr_from_ip(a->host->addr, 0, &ss, &len) == 0)
			addr_ip((struct sockaddr *)&ss, at.addr[n], sizeof at.addr[n]);
		at.host_of_input[n] = (int)(a->host - r->x->hosts);
		json_object_set_new(at.view.senders, at.addr[n], json_true());
		n++;
	}
	if (n == 0)
		goto out;
	correct_clocks(r, in, agent_of, n, &at);
	kills_register(r);	/* after: the kills' times are corrected with their agents' */
	/* steps that ran, in the order they started */
	size_t k = 0;
	for (size_t i = 0; i < ns; i++)
		if (json_object_get(r->results.v[i].result, "start_ns") != NULL)
			sorted[k++] = &r->results.v[i];
	qsort(sorted, k, sizeof *sorted, rec_start_cmp);
	at.recs = sorted;
	steps = xcalloc(k + 1, sizeof *steps);
	for (size_t i = 0; i < k; i++) {
		steps[i].start_ns = json_integer_value(json_object_get(sorted[i]->result, "start_ns"));
		steps[i].comment = xasprintf("step %d %s: %s", sorted[i]->number, sorted[i]->host ?: "-",
		    sorted[i]->python);
	}
	out = xstrdup("trace.pcapng");
	if (trace_merge(in, n, steps, k, r->dirfd, out, attrib_visit, &at, err, sizeof err) != 0)
		runner_fail(r, 3, "cannot merge the captures: %s", err);
	free(out);
	for (size_t i = 0; i < k; i++)
		free((char *)steps[i].comment);
	free(steps);
	if (r->unlisted > 0 && !r->o->json)
		printf("verona: %llu packets are not listed under their steps (a run lists at most %d)\n",
		    (unsigned long long)r->unlisted, RUN_PACKETS_MAX);
out:
	/* what the captures cannot tell: past a budget, or a host's capture refused or never fetched */
	why = r->undecidable ? xstrdup(r->undecidable) : NULL;
	for (size_t i = 0; i < r->ag.nac && why == NULL; i++)
		if (r->ag.ac[i].host->capture && r->ag.ac[i].pcap == NULL)
			why = xasprintf("the capture of %s was not kept (%s)", r->ag.ac[i].host->name,
			    r->error ? r->error : "not fetched");
	if (why == NULL && n == 0)
		why = xstrdup("no host captured");
	for (size_t i = 0; i < ns && (why != NULL || r->error == NULL); i++)
		check_step_packets(r, &r->results.v[i], why);
	free(why);
	for (size_t i = 0; i < n; i++)
		free((char *)in[i].name);
	free(sorted);
	json_decref(at.view.bases);
	json_decref(at.view.senders);
	json_decref(at.trace_steps);
}

void
steps_decide(struct runner *r)
{
	for (size_t i = 0; i < r->results.n; i++) {
		struct step_result *sr = &r->results.v[i];
		enum step_outcome v = model_step_verdict(sr);
		switch (v) {
		case STEP_OUTCOME_UNDECIDABLE:	/* neither */
			break;
		case STEP_OUTCOME_PASS:
		case STEP_OUTCOME_FAIL:
			if (sr->counted && v == STEP_OUTCOME_PASS)
				r->passed++;
			else if (sr->counted)
				r->failed++;
			break;
		case STEP_OUTCOME_NONE:
			break;
		}
	}
}
