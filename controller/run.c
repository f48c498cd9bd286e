/*
 * run.c — the runner.  Brings the testbed up, starts an agent per host and
 * says hello, then sends the steps in order: each is resolved (host names
 * and HOST.SOCKET references to addresses, data to base64), sent, awaited
 * while every agent's channel is watched (an agent that dies is noticed at
 * once), compared with its expectation, printed and recorded.  Background
 * steps are collected by wait steps, or at the end.  The testbed is always
 * torn down; results.json and transcript.txt are always written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "agents.h"
#include "capture.h"
#include "errnames.h"
#include "expect.h"
#include "frame.h"
#include "grade.h"
#include "merge.h"
#include "model.h"
#include "names.h"
#include "ops.h"
#include "outdir.h"
#include "proto.h"
#include "pyfmt.h"
#include "report-grade.h"
#include "report.h"
#include "run-int.h"
#include "stats-json.h"
#include "run.h"
#include "rx.h"
#include "tbfile.h"
#include "testbed.h"
#include "trace.h"
#include "util.h"

static volatile sig_atomic_t run_signal;

void
run_interrupt(int sig)
{
	run_signal = sig;
}

int
run_interrupted(void)
{
	return (int)run_signal;
}

const char *
runner_color(const struct runner *r, const char *c)
{
	return r->o->color ? c : "";
}

struct agentconn *
agent_of(struct runner *r, const char *host)
{
	return agents_find(&r->ag, host);
}

void
runner_fail(struct runner *r, int status, const char *fmt, ...)
{
	va_list ap;
	if (r->error != NULL)
		return;
	va_start(ap, fmt);
	r->error = xvasprintf(fmt, ap);
	va_end(ap);
	r->status = status;
}

/* ---- the agents (agents.c), as the runner calls them ---- */

int
agent_send(struct agentconn *a, json_t *msg)
{
	return agents_send(a, msg);
}

/* How an agent ended, for the message: "killed by signal 9", "exited with status 1". */
char *
agent_exit_text(struct agentconn *a)
{
	return chan_exit_text(&a->ch);
}

void
agents_ping(struct runner *r)
{
	agents_heartbeat(&r->ag);
}

/*
 * Waits for a frame of one of the types in want (MSG_BIT(MSG_RESULT) | ...)
 * with seq, if seq >= 0, from agent target, watching every agent.  Returns
 * the frame, or NULL after runner_fail() (agent lost, timeout, interrupted).
 * what: "step 7 (file:12:5)".
 */
json_t *
await_frame(struct runner *r, struct agentconn *target, unsigned want, int64_t seq,
    double timeout_s, const char *what)
{
	char err[768];
	json_t *f;

	if ((f = agents_await(&r->ag, target, want, seq, timeout_s, what, err, sizeof err)) == NULL)
		runner_fail(r, 3, "%s", err);
	return f;
}

static int
agents_start(struct runner *r)
{
	char err[768];
	int rc;

	r->ag.x = r->x;
	r->ag.tb = &r->tb;
	r->ag.dirfd = r->dirfd;
	r->ag.say = !r->o->quiet && !r->o->json;
	r->ag.sandbox = r->o->sandbox;
	r->ag.limits = r->o->limits;
	r->ag.exec_everywhere = r->o->submission != NULL;
	rc = agents_open(&r->ag, err, sizeof err);
	if (rc != 0)
		runner_fail(r, 3, "%s", err);
	return rc;
}

static void
agents_stop(struct runner *r)
{
	agents_close(&r->ag);
}

/* ---- resolving and judging (expect.c) ---- */

static const char *
sock_family(struct runner *r, const char *host, const char *sock)
{
	return model_socket_family(&r->socks, host, sock);
}

static json_t *
resolve_args(struct runner *r, const struct step *st, char **err)
{
	struct expect_ctx c = { r->x, &r->socks };
	return expect_resolve_args(&c, st, err);
}

static void
evaluate(struct runner *r, const struct step *st, json_t *res, json_t *failures)
{
	struct expect_ctx c = { r->x, &r->socks };
	expect_evaluate(&c, st, res, failures);
}

/* ---- recording ---- */

/* An address of a result ({ip, port}) into the table's form; 0 when it is none. */
static int
model_addr_of(json_t *j, struct model_addr *a)
{
	const char *ip = json_string_value(json_object_get(j, "ip"));
	if (!json_is_object(j))
		return 0;
	snprintf(a->ip, sizeof a->ip, "%s", ip ? ip : "");
	a->port = (int)json_integer_value(json_object_get(j, "port"));
	return 1;
}

static void
remember_addresses(struct runner *r, const struct step *st, json_t *res)
{
	json_t *local = json_object_get(res, "local");
	const char *name = st->sock, *fam;
	struct model_addr la, pa;
	if (st->host == NULL)
		return;
	switch (st->def->effect) {
	case OP_EFFECT_NEW_SOCKET:
		fam = json_string_value(json_object_get(st->args, "family"));
		if (name != NULL)
			model_socket_new(&r->socks, st->host, name, fam != NULL && strcmp(fam, "inet6") == 0);
		return;
	case OP_EFFECT_ACCEPTED:
		name = json_string_value(json_object_get(res, "as"));
		if (name == NULL)
			return;
		model_socket_accepted(&r->socks, st->host, name,
		    strcmp(sock_family(r, st->host, st->sock), "inet6") == 0);
		break;
	case OP_EFFECT_ADDRESS:
	case OP_EFFECT_TIMEOUT:
	case OP_EFFECT_COLLECT:
	case OP_EFFECT_STOP:
		break;
	}
	if (name != NULL && model_addr_of(local, &la)) {
		/*
		 * An unbound socket reports 0.0.0.0 (or ::): what its peers see,
		 * and what HOST.SOCKET means, is the host's own address.
		 */
		const struct host *h = expt_host(r->x, st->host);
		if (h != NULL && (strcmp(la.ip, "0.0.0.0") == 0 || strcmp(la.ip, "::") == 0))
			snprintf(la.ip, sizeof la.ip, "%s", h->addr);
		/* every address the socket had, with its peer: names this socket's connection, not only its port */
		model_socket_address(&r->socks, st->host, name, &la,
		    model_addr_of(json_object_get(res, "peer"), &pa) ? &pa : NULL);
	}
}

static void
print_line(struct runner *r, const struct step *st, const char *line, const char *result,
    const char *verdict, json_t *failures, int64_t start_ns)
{
	const char *vc = strcmp(verdict, "pass") == 0 ? "\033[32m" :
	    strcmp(verdict, "started") == 0 ? "\033[36m" : "\033[31m";
	if (r->o->json)
		return;
	/* --quiet still names what failed */
	if (r->o->quiet && json_array_size(failures) == 0)
		return;
	if (r->lv != NULL)	/* what came late from earlier steps first, then this step's packets so far */
		live_print(r, start_ns);
	printf("%3d %-8s %-56s -> %s  %s%s%s\n", st->number, st->host ? st->host : "-", line, result,
	    runner_color(r, vc), verdict, runner_color(r, "\033[0m"));
	for (size_t i = 0; i < json_array_size(failures); i++)
		printf("             %s%s:%d:%d: %s%s\n", runner_color(r, "\033[31m"), r->x->file, st->pos.line,
		    st->pos.col, json_string_value(json_array_get(failures, i)), runner_color(r, "\033[0m"));
	if (r->lv != NULL)
		live_print(r, -1);
	fflush(stdout);
}

/* A new record for the step, at the end of the run's records; returns its index. */
static size_t
step_record(struct runner *r, const struct step *st, const char *line)
{
	struct step_result *sr = model_step_add(&r->results);

	sr->number = st->number;
	sr->host = st->host ? xstrdup(st->host) : NULL;
	sr->op = xstrdup(st->op);
	sr->line = st->pos.line;
	sr->col = st->pos.col;
	sr->python = xstrdup(line);
	sr->background = st->background;
	sr->id = st->id ? xstrdup(st->id) : NULL;
	sr->socket = st->sock ? xstrdup(st->sock) : NULL;
	return r->results.n - 1;
}

/* The live view brings in the agents' packets so far, before a step's line is printed (print_line only prints). */
static void
runner_peek(struct runner *r)
{
	if (r->lv != NULL)
		live_peek(r);
}

/*
 * Fills in the record's result and its expectation's outcome (the verdict,
 * derived from it and the packets' outcome, is what the record's "pass"
 * says once steps-packets.c decided its packets); prints it, shown as step `as` shows it
 * (a wait shows the step it collected).  count: it counts in the summary.
 */
static void
step_verdict_as(struct runner *r, const struct step *st, const struct step *as, size_t rec, json_t *res,
    json_t *failures, const char *line, int count)
{
	int pass = json_array_size(failures) == 0;
	char *shown = py_result(as, res);
	struct step_result *sr = &r->results.v[rec];

	model_step_judge(sr, res, shown, failures);
	sr->counted |= count;
	runner_peek(r);
	print_line(r, st, line, shown, pass ? "pass" : "FAIL", failures,
	    json_integer_value(json_object_get(res, "start_ns")));
	free(shown);
}

/* step_verdict_as, the result shown as the step itself shows it. */
static void
step_verdict(struct runner *r, const struct step *st, size_t rec, json_t *res, json_t *failures,
    const char *line, int count)
{
	step_verdict_as(r, st, st, rec, res, failures, line, count);
}

/* A top-level sleep: the controller waits, watching the agents. */
static void
run_sleep(struct runner *r, const struct step *st, const char *what)
{
	double s = json_number_value(json_object_get(st->args, "seconds"));
	int64_t start = time_realtime_ns(), until = time_mono_ns() + (int64_t)(s * 1e9);
	char *line = py_step_line(st, st->args);
	size_t rec = step_record(r, st, line);
	json_t *res, *failures;

	while (time_mono_ns() < until && !run_signal) {
		agents_ping(r);
		usleep(2000);
	}
	if (run_signal) {
		runner_fail(r, 3, "interrupted by signal %d during %s", (int)run_signal, what);
		free(line);
		return;
	}
	res = json_pack("{s:b, s:n, s:i, s:I, s:I}", "ok", 1, "ret", "errno", 0,
	    "start_ns", (json_int_t)start, "end_ns", (json_int_t)time_realtime_ns());
	failures = json_array();
	step_verdict(r, st, rec, res, failures, line, 1);
	json_decref(res);
	json_decref(failures);
	free(line);
}

/* A put step: the controller reads the files and sends them (put.c). */
static void
run_put(struct runner *r, const struct step *st, struct agentconn *a)
{
	char *line = py_step_line(st, st->args);
	size_t rec = step_record(r, st, line);
	json_t *res, *failures;

	res = put_step(r, a, json_string_value(json_object_get(st->args, "src")),
	    json_string_value(json_object_get(st->args, "dst")));
	if (r->error == NULL) {
		failures = json_array();
		evaluate(r, st, res, failures);
		step_verdict(r, st, rec, res, failures, line, 1);
		json_decref(failures);
	}
	json_decref(res);
	free(line);
}

/*
 * The result of a wait or a kill: the background step's own record gets
 * its result (judged by its own expectation when collected; a killed one is
 * not judged), and the wait shows it as that step would.
 */
static void
run_collected(struct runner *r, const struct step *st, size_t rec, json_t *res, json_t *failures,
    const char *line)
{
	int stop = st->def->effect == OP_EFFECT_STOP;
	/* a kill that found its step already ended (a server that crashed): that step's own end, judged and shown */
	int ended = stop && json_is_true(json_object_get(res, "ended"));
	size_t idx;
	const struct step *bst = NULL;
	struct step_result *bsr = NULL;
	json_t *bres = stop ? json_object_get(res, "target") : res;

	if (model_background_find(&r->bg, st->target, &idx)) {
		bsr = &r->results.v[idx];
		bst = &r->x->steps[bsr->number - 1];
	}
	if (bst != NULL && bres != NULL) {
		json_t *bfail = json_array();
		char *shown = NULL;
		if (!stop || ended)
			evaluate(r, bst, bres, bfail);
		else if (json_is_false(json_object_get(bres, "ready")))	/* stopped while it ran: only why it was never ready */
			expect_fail(bfail, "the program was not ready (%s)",
			    json_string_value(json_object_get(bres, "ready_reason")) ?: "?");
		if (ended)
			shown = py_result(bst, bres);
		remember_addresses(r, bst, bres);
		/* judged, not counted: the wait counts; a step killed while it ran is not shown */
		model_step_judge(bsr, bres, shown, bfail);
		free(shown);
		bsr->state = stop ? STEP_STATE_KILLED : STEP_STATE_COLLECTED;
		bsr->collected_by = st->number;
		for (size_t i = 0; i < json_array_size(bfail); i++)
			expect_fail(failures, "step %d (%s:%d:%d): %s", bst->number, r->x->file,
			    bst->pos.line, bst->pos.col, json_string_value(json_array_get(bfail, i)));
		json_decref(bfail);
		model_background_end(&r->bg, st->target);
	}
	if (bst != NULL && !stop)
		; /* evaluate() judged the result, agent errors included */
	else if (json_object_get(res, "agent_error") != NULL)
		expect_fail(failures, "the agent refused the step: %s",
		    json_string_value(json_object_get(res, "agent_error")));
	/* a wait shows what it collected as that step shows it: a program's exit, a recv's data */
	step_verdict_as(r, st, bst != NULL && !stop && bres != NULL ? bst : st, rec, stop ? res : bres, failures,
	    line, 1);
	if (bst != NULL && !stop && bres != NULL) {
		bsr = &r->results.v[idx];
		free(bsr->shown);
		bsr->shown = xstrdup(r->results.v[rec].shown);
	}
}

/* A call on a socket with a longer settimeout may wait that long, as in Python; settimeout sets it. */
static double
run_step_timeout(struct runner *r, const struct step *st, json_t *args)
{
	double timeout = st->timeout;
	const struct model_socket *ms = st->sock ? model_socket_find(&r->socks, st->host, st->sock) : NULL;

	if (ms != NULL && ms->has_timeout && ms->timeout + 0.5 > timeout)
		timeout = ms->timeout + 0.5;
	if (st->def->effect == OP_EFFECT_TIMEOUT && st->sock != NULL) {
		json_t *secs = json_object_get(args, "seconds");
		model_socket_timeout(&r->socks, st->host, st->sock, json_is_number(secs), json_number_value(secs));
	}
	return timeout;
}

/* A background step has started: it is collected by a wait, a kill, or at the end. */
static void
run_started(struct runner *r, const struct step *st, size_t rec, json_t *frame, const char *line)
{
	model_background_start(&r->bg, st->id, rec);
	r->results.v[rec].state = STEP_STATE_RUNNING;
	runner_peek(r);
	if (json_is_false(json_object_get(frame, "ready"))) {
		const char *why = json_string_value(json_object_get(frame, "reason"));
		char *shown = why ? xasprintf("(running, but not ready: %s)", why) : xstrdup("(running, but not ready)");
		print_line(r, st, line, shown, "started", NULL, -1);
		free(shown);
	} else
		print_line(r, st, line, json_is_true(json_object_get(frame, "ready")) ?
		    "(running in the background, ready)" : "(running in the background)", "started", NULL, -1);
}

static void
run_step(struct runner *r, const struct step *st)
{
	struct agentconn *a;
	json_t *args, *msg, *frame, *res, *failures;
	size_t rec;
	char *err = NULL, *line, what[600];
	double timeout;

	snprintf(what, sizeof what, "step %d (%s:%d:%d %s)", st->number, r->x->file, st->pos.line,
	    st->pos.col, st->op);
	if (st->host == NULL) {
		run_sleep(r, st, what);
		return;
	}
	a = agent_of(r, st->host);
	switch (st->def->site) {
	case OP_SITE_PUT:
		run_put(r, st, a);
		return;
	case OP_SITE_AGENT:
		break;
	}
	args = resolve_args(r, st, &err);
	line = py_step_line(st, args ? args : st->args);
	rec = step_record(r, st, line);
	r->results.v[rec].args = json_incref(args ? args : st->args);
	if (args == NULL) {
		failures = json_pack("[s]", err);
		res = json_pack("{s:b, s:s}", "ok", 0, "agent_error", err);
		step_verdict(r, st, rec, res, failures, line, 1);
		json_decref(res);
		json_decref(failures);
		free(err);
		free(line);
		return;
	}
	timeout = run_step_timeout(r, st, args);
	msg = json_pack("{s:s, s:I, s:s, s:o, s:b, s:f}", "type", proto_type_name(MSG_STEP), "seq", (json_int_t)++r->seq,
	    "op", st->op, "args", args, "background", st->background, "timeout", timeout);
	if (st->id)
		json_object_set_new(msg, "id", json_string(st->id));
	if (agent_send(a, msg) != 0) {
		json_decref(msg);
		char *how = agent_exit_text(a);
		runner_fail(r, 3, "the agent on %s was lost before %s (%s)", a->host->name, what, how);
		free(how);
		free(line);
		return;
	}
	json_decref(msg);
	frame = await_frame(r, a, MSG_BIT(st->background ? MSG_STARTED : MSG_RESULT), r->seq, timeout + GRACE_S, what);
	if (frame == NULL) {
		free(line);
		return;
	}
	if (st->background) {
		run_started(r, st, rec, frame, line);
		json_decref(frame);
		free(line);
		return;
	}
	res = json_object_get(frame, "result");
	failures = json_array();
	switch (st->def->effect) {
	case OP_EFFECT_COLLECT:
	case OP_EFFECT_STOP:
		run_collected(r, st, rec, res, failures, line);
		break;
	case OP_EFFECT_ADDRESS:
	case OP_EFFECT_NEW_SOCKET:
	case OP_EFFECT_ACCEPTED:
	case OP_EFFECT_TIMEOUT:
		evaluate(r, st, res, failures);
		remember_addresses(r, st, res);
		step_verdict(r, st, rec, res, failures, line, 1);
		break;
	}
	json_decref(failures);
	json_decref(frame);
	free(line);
}

/* Background steps nobody waited for: collect them now, judged on their own. */
static void
collect_leftovers(struct runner *r)
{
	while (r->bg.n > 0) {
		const char *id = r->bg.v[0].id;	/* the table's: kept until model_background_end */
		size_t brec = r->bg.v[0].rec;
		const struct step *bst = &r->x->steps[r->results.v[brec].number - 1];
		struct agentconn *a = agent_of(r, bst->host);
		json_t *msg, *frame, *failures;
		char what[600], *line;

		if (r->error != NULL)
			return;
		snprintf(what, sizeof what, "the end of background step %d (%s:%d:%d)", bst->number,
		    r->x->file, bst->pos.line, bst->pos.col);
		msg = json_pack("{s:s, s:I, s:s, s:{s:s}, s:b, s:f}", "type", proto_type_name(MSG_STEP), "seq",
		    (json_int_t)++r->seq, "op", "wait", "args", "id", id, "background", 0, "timeout", bst->timeout);
		if (agent_send(a, msg) != 0) {
			json_decref(msg);
			runner_fail(r, 3, "the agent on %s was lost before %s", a->host->name, what);
			return;
		}
		json_decref(msg);
		frame = await_frame(r, a, MSG_BIT(MSG_RESULT), r->seq, bst->timeout + GRACE_S, what);
		if (frame == NULL)
			return;
		failures = json_array();
		evaluate(r, bst, json_object_get(frame, "result"), failures);
		line = xstrdup(r->results.v[brec].python);
		r->results.v[brec].state = STEP_STATE_AT_END;
		step_verdict(r, bst, brec, json_object_get(frame, "result"), failures, line, 1);
		free(line);
		json_decref(failures);
		json_decref(frame);
		model_background_end(&r->bg, id);
	}
}

/* ---- the grade ---- */

/*
 * Why the packets under the steps cannot be trusted to decide an
 * `expect: {packets}` (a new string, caller frees), or NULL when they can:
 * the run failed before they were compared, a capturing host brought no
 * capture, the captures dropped packets, or the snaplen cut headers.
 */
static char *
grade_trace_doubt(const struct runner *r)
{
	int captured = 0;

	if (r->error != NULL)
		return xasprintf("the packets were never compared: %s", r->error);
	for (size_t i = 0; i < r->ag.nac; i++) {
		if (!r->ag.ac[i].host->capture)
			continue;
		if (r->ag.ac[i].pcap == NULL)
			return xasprintf("no capture came from %s", r->ag.ac[i].host->name);
		captured = 1;
	}
	if (!captured)
		return xstrdup("no host captured: the packets cannot be compared");
	if (r->drops > 0)
		return xasprintf("the capture dropped %llu packets: what was on the wire cannot be told",
		    (unsigned long long)r->drops);
	if (r->conns != NULL && r->conns->truncated > 0)
		return xasprintf("the capture cut %llu packets short inside their headers (snaplen too small)",
		    (unsigned long long)r->conns->truncated);
	return NULL;
}

static json_t *
grade(struct runner *r)
{
	char *doubt = grade_trace_doubt(r);
	struct grade_run g = {
		.x = r->x, .steps = &r->results, .checks = r->checks, .error = r->error, .doubt = doubt,
		.drops = r->drops, .truncated = r->conns != NULL ? r->conns->truncated : 0,
	};
	json_t *grading = grade_of_run(&g);
	free(doubt);
	return grading;
}

int
run_experiment(struct experiment *x, const struct run_opts *o)
{
	struct runner r;
	json_t *grading = NULL;
	char err[600];
	char *path;
	int rc;

	memset(&r, 0, sizeof r);
	r.dirfd = -1;
	r.x = x;
	r.o = o;
	r.conns = trace_conns_new();
	r.stats = trace_stats_new();
	r.checks = json_array();
	r.started_ns = time_realtime_ns();

	testbed_run_init(&r.tb, x, o->testbed);
	if (r.tb.kind->usable(&r.tb) != 0) {
		r.status = 2;
		goto free;
	}
	if ((rc = outputs_run_dir(&r, err, sizeof err)) != 0) {
		fprintf(stderr, "verona: %s\n", err);
		r.status = rc == OUTDIR_REFUSED ? 2 : 3;
		goto free;
	}
	path = xasprintf("%s/experiment.yaml", r.dir);
	if (file_write_atomic_at(r.dirfd, "experiment.yaml", x->text, x->text_len) != 0) {
		fprintf(stderr, "verona: cannot write %s: %s\n", path, strerror(errno));
		free(path);
		r.status = 3;
		goto free;
	}
	free(path);
	if (!o->quiet && !o->json)
		printf("verona: %s — %zu hosts, %zu steps; run folder %s\n", x->name, x->nhosts, x->nsteps, r.dir);
	if (o->sandbox != NULL && strcmp(o->sandbox, "none") == 0)
		fprintf(stderr, "%sverona: UNSANDBOXED: programs run without namespaces (--unsandboxed)%s\n",
		    o->color || isatty(2) ? "\033[31m" : "", o->color || isatty(2) ? "\033[0m" : "");
	if (testbed_run_up(&r.tb, err, sizeof err) != 0) {
		runner_fail(&r, 3, "cannot set up the %s testbed: %s", r.tb.kind->name, err);
		goto out;
	}
	if (run_signal) {
		runner_fail(&r, 3, "interrupted by signal %d while setting up", (int)run_signal);
		goto out;
	}
	if (agents_start(&r) != 0 || captures_start(&r) != 0)
		goto out;
	for (size_t i = 0; i < x->nsteps && r.error == NULL; i++)
		run_step(&r, &x->steps[i]);
	if (r.error == NULL)
		collect_leftovers(&r);
	/* the captures of a run that failed are kept too, when the agents can still send them */
	captures_stop(&r);
out:
	agents_stop(&r);
	attribute_packets(&r);
	steps_decide(&r);
	if (r.error == NULL)
		checks_run(&r);
	testbed_run_down(&r.tb);
	if (r.error == NULL)
		r.status = r.checks_errors > 0 ? 3 : r.failed > 0 || r.checks_failed > 0 ? 1 : 0;
	/* an item nobody could decide: the submission needs review, like a harness error */
	grading = grade(&r);
	if (grading != NULL && json_is_true(json_object_get(grading, "needs_review")) && r.status < 3)
		r.status = 3;
	if (outputs_write(&r, grading) != 0 && r.status < 3)
		r.status = 3;
	if (r.error != NULL)
		fprintf(stderr, "verona: %s\n", r.error);
	if (!o->quiet && !o->json)
		printf("verona: %d passed, %d failed; checks: %zu, %d failed, %d undecidable%s — %s\n", r.passed,
		    r.failed, json_array_size(r.checks), r.checks_failed, r.checks_errors,
		    run_signal ? " (interrupted)" : r.error ? " (testbed failure)" : "", r.dir);
	if (!o->json && grading != NULL && json_is_true(json_object_get(grading, "needs_review")))
		printf("verona: needs review: %lld graded item%s could not be decided and score%s 0 until the "
		    "instructor reviews %s — %s/report.html\n", (long long)json_integer_value(json_object_get(grading, "errors")),
		    json_integer_value(json_object_get(grading, "errors")) == 1 ? "" : "s",
		    json_integer_value(json_object_get(grading, "errors")) == 1 ? "s" : "",
		    json_integer_value(json_object_get(grading, "errors")) == 1 ? "it" : "them", r.dir);
	for (size_t i = 0; i < r.ag.nac; i++) {
		json_decref(r.ag.ac[i].hello);
		json_decref(r.ag.ac[i].clock);
		json_decref(r.ag.ac[i].capture);
		free(r.ag.ac[i].pcap);
	}
	free(r.ag.ac);
free:
	json_decref(grading);
	model_sockets_free(&r.socks);
	model_backgrounds_free(&r.bg);
	model_steps_free(&r.results);
	json_decref(r.checks);
	trace_conns_free(r.conns);
	trace_stats_free(r.stats);
	live_free(&r);
	free(r.error);
	free(r.undecidable);
	free(r.dir);
	free(r.dirat);
	if (r.dirfd >= 0)
		close(r.dirfd);
	else if (o->out_fd > 2)
		close(o->out_fd);
	return r.status;
}
