/*
 * cmd-check.c — verona check TRACE CHECKS.yaml: the trace checks on any
 * capture (pcap or pcapng, a student's own Wireshark capture too).  The
 * checks file has the hosts: and checks: sections of an experiment, so host
 * names stand for addresses.  Exit 0 all passed, 1 a check failed, 2 bad
 * input, 3 a check the trace cannot decide.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "checks.h"
#include "cmd.h"
#include "conn.h"
#include "expt.h"
#include "names.h"
#include "trace.h"
#include "util.h"

/*
 * What the stream checks need kept: the connections they name and how many
 * bytes (a prefix its length, else all).  Other connections keep no payload,
 * so memory follows the checks, not the capture.
 */
struct keep_rule {
	struct trace_endpoint	 a[8], b[8];
	int			 na, nb;	/* na -1: every connection; nb -1: a names either end */
	uint64_t		 need;
};

struct keep_rules {
	struct keep_rule	*r;
	size_t			 n;
};

static int
keep_match(const struct trace_endpoint *e, int n, int ip_version, const uint8_t *addr, uint16_t port)
{
	for (int i = 0; i < n; i++)
		if (e[i].ip_version == ip_version && trace_addr_eq(ip_version, e[i].addr, addr) &&
		    (e[i].port < 0 || e[i].port == port))
			return 1;
	return 0;
}

static uint64_t
keep_of(void *arg, const struct trace_conn *k)
{
	const struct keep_rules *kr = arg;
	uint64_t keep = 0;

	for (size_t i = 0; i < kr->n; i++) {
		const struct keep_rule *r = &kr->r[i];
		int v = k->ip_version, hit;
		if (r->na < 0)
			hit = 1;
		else if (r->nb < 0)
			hit = keep_match(r->a, r->na, v, k->c.addr, k->c.port) ||
			    keep_match(r->a, r->na, v, k->s.addr, k->s.port);
		else	/* either way round: the capture may begin mid-connection */
			hit = (keep_match(r->a, r->na, v, k->c.addr, k->c.port) &&
			    keep_match(r->b, r->nb, v, k->s.addr, k->s.port)) ||
			    (keep_match(r->b, r->nb, v, k->c.addr, k->c.port) &&
			    keep_match(r->a, r->na, v, k->s.addr, k->s.port));
		if (hit && r->need > keep)
			keep = r->need;
	}
	return keep;
}

/* An endpoint the loader resolved; -1 for any other (a socket, or a name the check will say is wrong). */
static int
keep_ep(const struct trace_check_ep *e, struct trace_endpoint *out)
{
	if (e->text == NULL || e->late)
		return -1;
	out[0] = e->ep;
	return 1;
}

/* The rules of the stream checks; a name that resolves to nothing keeps everything. */
static void
keep_rules_of(const struct experiment *x, struct keep_rules *kr)
{
	for (size_t i = 0; i < x->ntrace_checks; i++) {
		const struct trace_check *c = &x->trace_checks[i];
		struct keep_rule r;

		if (c->def->id != TRACE_CHECK_STREAM)
			continue;
		memset(&r, 0, sizeof r);
		/* a prefix: its length in whole base64 quanta, and one more */
		r.need = c->has_prefix && !c->has_data && !c->has_contains ? (c->data.len + 2) / 3 * 3 + 1 :
		    TRACE_KEEP_MAX;
		if (c->server.text == NULL) {
			r.na = keep_ep(&c->client, r.a);
			r.nb = -1;
		} else {
			r.na = keep_ep(&c->client, r.a);
			r.nb = keep_ep(&c->server, r.b);
			if (r.nb <= 0)
				r.na = 0;
		}
		if (r.na <= 0) {
			/* the check will say what is wrong with the name; keep all meanwhile */
			r.na = -1;
		}
		kr->r = xrealloc(kr->r, (kr->n + 1) * sizeof *kr->r);
		kr->r[kr->n++] = r;
	}
}

/*
 * The checks file is loaded in a thread while the capture is read: on a big
 * checks file the loader (libyaml, then JSON) takes as long as the capture.
 * Connections that begin before the checks are known keep their first
 * KEEP_EARLY bytes (within KEEP_EARLY_BUDGET in all); if a stream check then
 * needs more of one of them, the capture is read again with the checks known.
 */
#define KEEP_EARLY		256
#define KEEP_EARLY_BUDGET	(16u << 20)

struct load_job {
	const char		*path;
	json_t			*defines;
	struct errlist		 errs;
	struct experiment	*x;
	atomic_int		 done;
};

static void *
load_thread(void *arg)
{
	struct load_job *j = arg;
	j->x = expt_load_checks(j->path, j->defines, &j->errs);
	atomic_store(&j->done, 1);
	return NULL;
}

struct keep_state {
	struct load_job		*job;
	struct keep_rules	 kr;
	int			 ready;		/* kr is made */
	size_t			 early;		/* connections that began before */
};

static void
keep_ready(struct keep_state *ks)
{
	if (!ks->ready && ks->job->x != NULL) {
		keep_rules_of(ks->job->x, &ks->kr);
		ks->ready = 1;
	}
}

static uint64_t
keep_now(void *arg, const struct trace_conn *k)
{
	struct keep_state *ks = arg;

	if (!ks->ready && atomic_load(&ks->job->done))
		keep_ready(ks);
	if (ks->ready)
		return keep_of(&ks->kr, k);
	ks->early++;
	return ks->early * 2 * KEEP_EARLY <= KEEP_EARLY_BUDGET ? KEEP_EARLY : 0;
}

/* Reads the whole capture into conns; -1 with err set when the file is damaged after rd opened. */
static int
read_conns(struct trace_reader *rd, struct trace_conns *conns, int64_t *t0, char *err, size_t errlen)
{
	struct trace_pkt p;
	int rc;

	*t0 = -1;
	while ((rc = trace_next(rd, &p, err, errlen)) == 1) {
		if (*t0 < 0)
			*t0 = p.ts_ns;
		trace_conns_add(conns, &p);
	}
	return rc;
}

static int
cmd_check_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "define", required_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *defines = json_object(), *out;
	struct errlist errs = { NULL, 0 };
	struct experiment *x;
	struct trace_reader *rd;
	struct trace_conns *conns;
	char err[512];
	int c, json = 0, quiet = 0, rc, failed = 0, errors = 0, color = isatty(1);
	int64_t t0 = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hD:jq", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_check_entry, stdout, 1);
			json_decref(defines);
			return 0;
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'j': json = 1; break;
		case 'q': quiet = 1; break;
		default:
			cmd_usage(&cmd_check_entry, stderr, 0);
			json_decref(defines);
			return 2;
		}
	}
	if (optind != argc - 2) {
		cmd_usage(&cmd_check_entry, stderr, 0);
		json_decref(defines);
		return 2;
	}
	struct load_job job = { .path = argv[optind + 1], .defines = defines, .errs = errs };
	struct keep_state ks = { .job = &job, .kr = { NULL, 0 } };
	pthread_t th;
	int threaded = pthread_create(&th, NULL, load_thread, &job) == 0;

	if (!threaded)
		load_thread(&job);
	rd = trace_open(argv[optind], err, sizeof err);
	conns = trace_conns_new();
	conns->keep = keep_now;
	conns->keep_arg = &ks;
	rc = rd != NULL ? read_conns(rd, conns, &t0, err, sizeof err) : 0;
	if (threaded)
		pthread_join(th, NULL);
	x = job.x;
	json_decref(defines);
	errlist_print(&job.errs, stderr);
	errlist_free(&job.errs);
	if (x == NULL || rd == NULL) {
		if (x != NULL)
			fprintf(stderr, "verona: %s: %s\n", argv[optind], err);
		trace_close(rd);
		trace_conns_free(conns);
		expt_free(x);
		return 2;
	}
	keep_ready(&ks);
	/* a connection that began before the checks were known and kept too little: read again */
	for (size_t i = 0; i < conns->ntcp && rc >= 0; i++)
		if (keep_of(&ks.kr, conns->tcp[i]) > conns->tcp[i]->c.keep) {
			trace_close(rd);
			trace_conns_free(conns);
			if ((rd = trace_open(argv[optind], err, sizeof err)) == NULL) {
				fprintf(stderr, "verona: %s: %s\n", argv[optind], err);
				free(ks.kr.r);
				expt_free(x);
				return 2;
			}
			conns = trace_conns_new();
			conns->keep = keep_of;
			conns->keep_arg = &ks.kr;
			rc = read_conns(rd, conns, &t0, err, sizeof err);
			break;
		}
	trace_close(rd);
	struct names nm = { x, NULL, NULL };
	char *damaged = NULL;
	if (rc < 0) {
		fprintf(stderr, "verona: %s: %s\n", argv[optind], err);
		damaged = xasprintf("the capture file is damaged (%s)", err);
	}

	struct trace_check_ctx ctx = {
		.conns = conns, .resolve = names_resolve, .step_packets = NULL, .arg = &nm,
		.t0 = t0 < 0 ? 0 : t0, .drops = 0, .undecidable = damaged,
	};
	out = json_array();
	for (size_t i = 0; i < x->ntrace_checks; i++) {
		json_t *v = trace_check_decide(&ctx, &x->trace_checks[i]);
		const char *st = json_string_value(json_object_get(v, "status"));
		failed += strcmp(st, "fail") == 0;
		errors += strcmp(st, "error") == 0;
		if (!json && (!quiet || strcmp(st, "pass") != 0))
			checks_print_verdict(stdout, argv[optind + 1], v, color);
		if (json)
			json_array_append_new(out, v);
		else
			json_decref(v);	/* printed: 27,000 verdicts need not wait for the end */
	}
	rc = errors > 0 ? 3 : failed > 0 ? 1 : 0;
	if (json) {
		json_t *doc = json_pack("{s:s, s:s, s:o, s:{s:I, s:i, s:i, s:i, s:s, s:i}}", "trace", argv[optind],
		    "checks_file", argv[optind + 1], "checks", out, "summary", "packets", (json_int_t)conns->packets,
		    "checks", (int)x->ntrace_checks, "failed", failed, "errors", errors,
		    "status", rc == 0 ? "pass" : rc == 1 ? "fail" : "error", "exit", rc);
		char *s = json_dumps(doc, JSON_INDENT(1));
		puts(s);
		free(s);
		json_decref(doc);
	} else {
		if (!quiet)
			printf("verona: %zu checks on %llu packets: %zu passed, %d failed, %d undecidable\n",
			    x->ntrace_checks, (unsigned long long)conns->packets,
			    x->ntrace_checks - (size_t)failed - (size_t)errors, failed, errors);
		json_decref(out);
	}
	trace_conns_free(conns);
	free(ks.kr.r);
	expt_free(x);
	free(damaged);
	return rc;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[-D name=value]... [--json] [--quiet] TRACE CHECKS.yaml",
	.summary = "run trace checks on a capture (pcap or pcapng), e.g. a student's own",
	.help =
	"  -D, --define name=value   set a variable of the checks file\n"
	"  -j, --json                the verdicts as JSON on stdout\n"
	"  -q, --quiet               print only what did not pass\n"
	"  -h, --help                this help\n"
	"CHECKS.yaml has the hosts: and checks: sections of an experiment (no steps);\n"
	"name connections by endpoints ({client: romeo, server: \"juliet:4000\"}), as a\n"
	"capture has no sockets.  Exit 0 all passed, 1 a check failed, 2 bad input,\n"
	"3 a check the trace cannot decide (lost packets, payload cut by the snaplen).\n",
	.exec = cmd_check_exec,
};
