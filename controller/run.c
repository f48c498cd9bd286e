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
#include "stats-json.h"
#include "run.h"
#include "rx.h"
#include "tbfile.h"
#include "testbed.h"
#include "trace.h"
#include "util.h"

#define GRACE_S		3.0	/* beyond a step's timeout before its agent counts as lost */
#define HELLO_S		5.0
#define SETTLE_S	0.2	/* captures go on this long after the last step */
#define CAPTURE_S	30.0	/* to stop a capture and fetch one chunk of it */

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

struct agentconn {
	const struct host	*host;
	pid_t			 pid;
	int			 wfd, rfd;
	struct frame_reader	 rd;
	json_t			*hello;
	int			 alive;
	json_t			*pending;	/* frames read but not yet consumed */
	int			 capturing;
	json_t			*capture;	/* what capture_stopped said, and the file */
	char			*pcap;		/* the host's capture in the run folder */
	struct seal		*seal;		/* tcp: the sealed stream */
	const struct tbhost	*tbh;		/* a testbed file's host, or NULL (local) */
	int64_t			 last_tx;	/* when we last sent to it (mono), for the heartbeat */
	json_t			*clock;		/* {offset_ns, uncertainty_ns, rtt_ns, method} */
	int64_t			 offset_ns;	/* agent clock - controller clock */
};

/* How packets are shown: each once, with sequence numbers relative to the first of each direction. */
struct pktview {
	json_t		*bases;		/* "src>dst" -> first seq of that direction */
	json_t		*senders;	/* addresses of the captured hosts */
};

/* Hosts whose captures are merged and shown (was 16: a class of 32 pairs has 64). */
#define RUN_CAPTURES_MAX	256
/* The capture buffers of a run share this much kernel memory (each 2..16 MiB): the
 * kernel zeroes a ring when it is made, and 64 hosts at 16 MiB took a second. */
#define RUN_CAPTURE_BUDGET	(64 << 20)
/* The hosts' capture files of a run share this many bytes (each at most 16 MiB): past
 * its share, an agent only counts packets, and what the capture decides is undecidable.
 * It bounds what the controller reads, so its memory, whatever a program sends. */
#define RUN_CAPTURE_FILES	(32ULL << 20)
#define RUN_CAPTURE_FILE_MAX	(16ULL << 20)
#define RUN_CAPTURE_FILE_MIN	(256ULL << 10)
/* Packet records a run keeps (under its steps in results.json and the transcript,
 * and in the live view); beyond, packets are counted and a note says so. */
#define RUN_PACKETS_MAX		8000
/* Flows a run's statistics list one by one (the first); all of them are in the totals. */
#define RUN_FLOWS_MAX		200

struct pktview_live {
	struct pktview	 view;
	char		 addr[RUN_CAPTURES_MAX][64];	/* by agent */
	json_t		*pending;	/* [ts, host, line] not yet printed, in time order */
	size_t		 listed;	/* lines pended so far (at most RUN_PACKETS_MAX) */
	uint64_t	 unlisted;	/* packets past that, not shown */
};

struct runner {
	struct experiment	*x;
	const struct run_opts	*o;
	struct testbed		 tb;
	int			 tb_up;
	struct agentconn	*ac;
	size_t			 nac;
	char			*dir;		/* the run folder's name, for messages */
	int			 dirfd;		/* the run folder: everything in it is made relative to this */
	char			*dirat;		/* "/proc/self/fd/N": reads the run folder's files by path, through dirfd */
	json_t			*steps;		/* results.json steps[] */
	struct model_sockets	 socks;		/* per host and socket: family, address, history, timeout */
	struct model_backgrounds bg;		/* running background steps -> index into steps[] */
	struct trace_conns	*conns;		/* the connections of the trace, each packet once */
	struct trace_stats	*stats;		/* per-flow statistics of the same packets */
	json_t			*checks;	/* the checks' verdicts */
	int			 checks_failed, checks_errors;
	uint64_t		 drops;
	char			*undecidable;	/* why the captures cannot decide anything (a budget passed) */
	uint64_t		 unlisted;	/* packets not listed under their steps (RUN_PACKETS_MAX) */
	int			 live;		/* packets under each step as the run goes */
	struct pktview_live	*lv;
	int			 passed, failed;
	int			 status;
	char			*error;		/* a testbed failure */
	int64_t			 seq;
	int64_t			 started_ns;
};

static void	live_peek(struct runner *);
static void	live_print(struct runner *, int64_t);

static const char *
color(const struct runner *r, const char *c)
{
	return r->o->color ? c : "";
}

static struct agentconn *
agent_of(struct runner *r, const char *host)
{
	for (size_t i = 0; i < r->nac; i++)
		if (strcmp(r->ac[i].host->name, host) == 0)
			return &r->ac[i];
	return NULL;
}

static void
runner_fail(struct runner *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
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

/* How an agent ended, for the message: "killed by signal 9", "exited with status 1". */
static char *
agent_exit_text(struct agentconn *a)
{
	int st;
	pid_t p;
	for (int i = 0; i < 50; i++) {
		p = waitpid(a->pid, &st, WNOHANG);
		if (p == a->pid) {
			a->pid = -1;
			if (WIFSIGNALED(st))
				return xasprintf("killed by signal %d", WTERMSIG(st));
			return xasprintf("exited with status %d", WEXITSTATUS(st));
		}
		usleep(2000);
	}
	return xstrdup("closed its channel");
}

/* want is one type or several separated by '|'. */
static int
type_matches(const char *type, const char *want)
{
	size_t n = strlen(type);
	for (const char *w = want; *w != '\0';) {
		const char *bar = strchr(w, '|');
		size_t len = bar ? (size_t)(bar - w) : strlen(w);
		if (len == n && strncmp(w, type, n) == 0)
			return 1;
		if (bar == NULL)
			break;
		w = bar + 1;
	}
	return 0;
}

/*
 * Puts an agent's time stamps on the controller's time line: a step's
 * start and end, a capture's start, the live view's packets.
 */
static void
agent_to_our_clock(struct agentconn *a, json_t *f)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	json_t *res, *v;

	if (a->offset_ns == 0 || type == NULL)
		return;
	if (strcmp(type, "result") == 0 && json_is_object(res = json_object_get(f, "result"))) {
		static const char *const keys[] = { "start_ns", "end_ns", NULL };
		for (int i = 0; keys[i] != NULL; i++)
			if (json_is_integer(v = json_object_get(res, keys[i])))
				json_integer_set(v, json_integer_value(v) - a->offset_ns);
	} else if (strcmp(type, "capture_started") == 0 && json_is_integer(v = json_object_get(f, "time_ns"))) {
		json_integer_set(v, json_integer_value(v) - a->offset_ns);
	} else if (strcmp(type, "capture_packets") == 0) {
		json_t *list = json_object_get(f, "packets");
		for (size_t k = 0; k < json_array_size(list); k++)
			if (json_is_integer(v = json_array_get(json_array_get(list, k), 0)))
				json_integer_set(v, json_integer_value(v) - a->offset_ns);
	}
}

static int agent_send(struct agentconn *, json_t *);

/*
 * A heartbeat to every TCP agent we have not sent anything for PING_S (only
 * those end a silent session; a pipe or ssh closes when we go).
 */
static void
agents_ping(struct runner *r)
{
	int64_t now = time_mono_ns();
	json_t *m = NULL;

	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		if (!a->alive || a->seal == NULL || now - a->last_tx < (int64_t)(PING_S * 1e9))
			continue;
		if (m == NULL)
			m = json_pack("{s:s}", "type", "ping");
		(void)agent_send(a, m);	/* a lost agent shows when its channel closes */
	}
	json_decref(m);
}

/*
 * Waits for a frame of type want (with seq, if seq >= 0) from agent target,
 * watching every agent.  Returns the frame, or NULL after runner_fail()
 * (agent lost, timeout, interrupted).  what: "step 7 (file:12:5)".
 */
static json_t *
await_frame(struct runner *r, struct agentconn *target, const char *want, int64_t seq,
    double timeout_s, const char *what)
{
	int64_t deadline = time_mono_ns() + (int64_t)(timeout_s * 1e9);
	struct pollfd *pfds = xcalloc(r->nac, sizeof *pfds);
	json_t *found = NULL;

	for (;;) {
		/* a frame already read? */
		for (size_t i = 0; i < json_array_size(target->pending); i++) {
			json_t *f = json_array_get(target->pending, i);
			const char *type = json_string_value(json_object_get(f, "type"));
			if (type == NULL)
				continue;
			if (strcmp(type, "error") == 0) {
				runner_fail(r, 3, "the agent on %s dropped the session during %s: %s",
				    target->host->name, what, json_string_value(json_object_get(f, "reason")));
				goto out;
			}
			if (type_matches(type, want) &&
			    (seq < 0 || json_integer_value(json_object_get(f, "seq")) == seq)) {
				found = json_incref(f);
				json_array_remove(target->pending, i);
				goto out;
			}
		}
		if (run_signal) {
			runner_fail(r, 3, "interrupted by signal %d during %s", (int)run_signal, what);
			goto out;
		}
		int64_t now = time_mono_ns();
		if (now >= deadline) {
			runner_fail(r, 3, "the agent on %s did not answer %s within %.1f s",
			    target->host->name, what, timeout_s);
			goto out;
		}
		agents_ping(r);
		for (size_t i = 0; i < r->nac; i++)
			pfds[i] = (struct pollfd){ .fd = r->ac[i].alive ? r->ac[i].rfd : -1, .events = POLLIN };
		int64_t wait_ms = (deadline - now) / 1000000 + 1;
		int rc = poll(pfds, r->nac, wait_ms > PING_S * 1000 ? (int)(PING_S * 1000) : (int)wait_ms);
		if (rc < 0 && errno != EINTR) {
			runner_fail(r, 3, "poll: %s", strerror(errno));
			goto out;
		}
		for (size_t i = 0; rc > 0 && i < r->nac; i++) {
			struct agentconn *a = &r->ac[i];
			if (pfds[i].revents == 0)
				continue;
			ssize_t n = frame_reader_fill(&a->rd, a->rfd);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				char *how = agent_exit_text(a);
				a->alive = 0;
				runner_fail(r, 3, "the agent on %s was lost during %s (%s)",
				    a->host->name, what, how);
				free(how);
				goto out;
			}
			for (;;) {
				json_t *f;
				char err[256];
				int k = a->seal != NULL ? seal_frame_next(a->seal, &a->rd, &f, err, sizeof err) :
				    frame_reader_next(&a->rd, &f, err, sizeof err);
				if (k == 0)
					break;
				if (k < 0) {
					a->alive = 0;
					runner_fail(r, 3, "the agent on %s sent a bad frame during %s: %s",
					    a->host->name, what, err);
					goto out;
				}
				agent_to_our_clock(a, f);
				json_array_append_new(a->pending, f);
			}
		}
	}
out:
	free(pfds);
	return found;
}

/*
 * Sends a frame to an agent without ever blocking for good: the pipe is
 * non-blocking, and an agent that stops reading is given up on after
 * SEND_S, as is everything on Ctrl-C.  0, or -1 (errno).
 */
#define SEND_S	10.0
static int
agent_send(struct agentconn *a, json_t *msg)
{
	size_t n, off = 0;
	unsigned char *f = a->seal != NULL ? seal_frame_encode(a->seal, msg, &n) : frame_encode(msg, &n);
	int64_t deadline = time_mono_ns() + (int64_t)(SEND_S * 1e9);

	a->last_tx = time_mono_ns();
	while (off < n) {
		ssize_t w = write(a->wfd, f + off, n - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (run_signal) {
			errno = EINTR;
			break;
		}
		int64_t left = deadline - time_mono_ns();
		if (left <= 0) {
			errno = ETIMEDOUT;
			break;
		}
		struct pollfd pfd = { .fd = a->wfd, .events = POLLOUT };
		(void)poll(&pfd, 1, (int)(left / 1000000) + 1);
	}
	free(f);
	return off == n ? 0 : -1;
}

/* The agent's clock offset from ours: see clock_est in tbfile.h. */
static int
clock_estimate(struct runner *r, struct agentconn *a)
{
	struct clock_est ce = { 0 };

	if (clock_same_machine(a->hello)) {
		a->offset_ns = 0;
		a->clock = clock_est_json(&ce, 1);
		return 0;
	}
	for (int k = 0; k < CLOCK_ROUNDS; k++) {
		json_t *m = json_pack("{s:s, s:i}", "type", "time", "seq", k), *f;
		int64_t t0 = time_realtime_ns();
		if (agent_send(a, m) != 0) {
			json_decref(m);
			runner_fail(r, 3, "cannot talk to the agent on %s: %s", a->host->name, strerror(errno));
			return -1;
		}
		json_decref(m);
		if ((f = await_frame(r, a, "time", k, HELLO_S, "the clock estimate")) == NULL)
			return -1;
		clock_est_add(&ce, t0, json_integer_value(json_object_get(f, "time_ns")), time_realtime_ns());
		json_decref(f);
	}
	a->offset_ns = ce.offset_ns;
	a->clock = clock_est_json(&ce, 0);
	return 0;
}

static int
agents_start(struct runner *r)
{
	struct experiment *x = r->x;
	char err[512];

	r->ac = xcalloc(x->nhosts, sizeof *r->ac);
	for (size_t i = 0; i < x->nhosts; i++) {
		struct agentconn *a = &r->ac[i];
		char *log = xasprintf("agent-%s.log", x->hosts[i].name);
		int logfd = outdir_file(r->dirfd, log);
		free(log);
		a->host = &x->hosts[i];
		a->pending = json_array();
		frame_reader_init(&a->rd, FRAME_MAX);
		r->nac++;
		int allow_exec = 0;
		for (size_t k = 0; k < x->nsteps; k++)
			allow_exec |= x->steps[k].host != NULL && strcmp(x->steps[k].host, a->host->name) == 0 &&
			    (strcmp(x->steps[k].op, "exec") == 0 || strcmp(x->steps[k].op, "put") == 0);
		allow_exec |= r->o->submission != NULL;
		if (r->o->testbed != NULL) {
			struct tbconn c;
			a->tbh = tbfile_host(r->o->testbed, a->host->name);
			if (!r->o->quiet && !r->o->json)
				printf("verona: connecting to %s (%s)\n", a->host->name, a->tbh->control);
			if (tbhost_connect(a->tbh, logfd, allow_exec, HELLO_S, &c, err, sizeof err) != 0) {
				if (logfd >= 0)
					close(logfd);
				a->pid = -1;
				runner_fail(r, 3, "cannot reach the agent on %s: %s", a->host->name, err);
				return -1;
			}
			frame_reader_free(&a->rd);
			a->rd = c.rd;
			a->pid = c.pid;
			a->rfd = c.rfd;
			a->wfd = c.wfd;
			a->seal = c.seal;
		} else if (testbed_spawn_agent(&r->tb, a->host->name, logfd, allow_exec, &a->pid, &a->wfd, &a->rfd,
		    err, sizeof err) != 0) {
			if (logfd >= 0)
				close(logfd);
			a->pid = -1;
			runner_fail(r, 3, "cannot start the agent on %s: %s", a->host->name, err);
			return -1;
		}
		if (logfd >= 0)
			close(logfd);
		fcntl(a->wfd, F_SETFL, fcntl(a->wfd, F_GETFL) | O_NONBLOCK);
		a->alive = 1;
	}
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		json_t *m = json_pack("{s:s, s:i, s:s, s:s, s:s}", "type", "hello", "version", PROTO_VERSION,
		    "host", a->host->name, "addr", a->host->addr,
		    "sandbox", r->o->sandbox != NULL ? r->o->sandbox : "full");
		if (a->tbh != NULL && a->tbh->iface != NULL)
			json_object_set_new(m, "iface", json_string(a->tbh->iface));
		else if (a->host->iface != NULL)
			json_object_set_new(m, "iface", json_string(a->host->iface));
		if (r->o->limits != NULL)
			json_object_set(m, "limits", r->o->limits);
		if (agent_send(a, m) != 0) {
			json_decref(m);
			runner_fail(r, 3, "cannot talk to the agent on %s: %s", a->host->name, strerror(errno));
			return -1;
		}
		json_decref(m);
	}
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		char what[64];
		snprintf(what, sizeof what, "hello");
		a->hello = await_frame(r, a, "hello", -1, HELLO_S, what);
		if (a->hello == NULL)
			return -1;
		if (json_integer_value(json_object_get(a->hello, "version")) != PROTO_VERSION) {
			runner_fail(r, 3, "the agent on %s speaks protocol %lld, not %d", a->host->name,
			    (long long)json_integer_value(json_object_get(a->hello, "version")), PROTO_VERSION);
			return -1;
		}
		if (clock_estimate(r, a) != 0)
			return -1;
	}
	return 0;
}

static void
agents_stop(struct runner *r)
{
	json_t *bye = json_pack("{s:s}", "type", "bye");
	/* one try each: an agent that cannot take a few bytes now is killed below */
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		size_t n;
		unsigned char *f;
		if (!a->alive)
			continue;
		f = a->seal != NULL ? seal_frame_encode(a->seal, bye, &n) : frame_encode(bye, &n);
		if (write(a->wfd, f, n) < 0)
			a->alive = 0;
		free(f);
	}
	json_decref(bye);
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		if (a->wfd > 0)
			close(a->wfd);
		if (a->pid > 0) {
			int st, done = 0;
			for (int k = 0; k < 2000 && !done; k++) {	/* 2 s: time to stop what programs left */
				if (waitpid(a->pid, &st, WNOHANG) == a->pid)
					done = 1;
				else
					usleep(1000);
			}
			if (!done) {
				kill(a->pid, SIGKILL);
				waitpid(a->pid, &st, 0);
			}
		}
		if (a->rfd > 0)
			close(a->rfd);
		if (a->seal != NULL) {
			sodium_memzero(a->seal, sizeof *a->seal);
			free(a->seal);
			a->seal = NULL;
		}
		frame_reader_free(&a->rd);
		json_decref(a->pending);
	}
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
	if (r->lv != NULL) {
		/* what came late from earlier steps first, then this step and its packets so far */
		live_peek(r);
		live_print(r, start_ns);
	}
	printf("%3d %-8s %-56s -> %s  %s%s%s\n", st->number, st->host ? st->host : "-", line, result,
	    color(r, vc), verdict, color(r, "\033[0m"));
	for (size_t i = 0; i < json_array_size(failures); i++)
		printf("             %s%s:%d:%d: %s%s\n", color(r, "\033[31m"), r->x->file, st->pos.line,
		    st->pos.col, json_string_value(json_array_get(failures, i)), color(r, "\033[0m"));
	if (r->lv != NULL)
		live_print(r, -1);
	fflush(stdout);
}

static json_t *
step_record(struct runner *r, const struct step *st, const char *line)
{
	json_t *o = json_pack("{s:i, s:s?, s:s, s:i, s:i, s:s, s:b}", "number", st->number,
	    "host", st->host, "op", st->op, "line", st->pos.line, "col", st->pos.col, "python", line,
	    "background", st->background);
	if (st->id)
		json_object_set_new(o, "id", json_string(st->id));
	if (st->sock)
		json_object_set_new(o, "socket", json_string(st->sock));
	json_array_append_new(r->steps, o);
	return o;
}

/* Fills in a step's verdict; counts it. */
static void
step_verdict(struct runner *r, const struct step *st, json_t *rec, json_t *res, json_t *failures,
    const char *line, int count)
{
	int pass = json_array_size(failures) == 0;
	char *shown = py_result(st, res);
	json_object_set(rec, "result", res);
	json_object_set_new(rec, "shown", json_string(shown));
	json_object_set(rec, "failures", failures);
	json_object_set_new(rec, "pass", json_boolean(pass));
	if (count) {
		if (pass)
			r->passed++;
		else
			r->failed++;
	}
	print_line(r, st, line, shown, pass ? "pass" : "FAIL", failures,
	    json_integer_value(json_object_get(res, "start_ns")));
	free(shown);
}

/* ---- put: files from here into a host's work directory ---- */

struct put_state {
	int		 files;
	json_int_t	 bytes;
	char		*error;
};

static void
put_one(struct runner *r, struct agentconn *a, const char *path, const char *dst, struct put_state *ps)
{
	size_t len;
	char *data = file_read_all(path, &len, 16u << 20), *b64, what[600];
	struct stat sb;
	json_t *msg, *f, *res;

	if (data == NULL) {
		ps->error = xasprintf("cannot read %s: %s", path, errno == EFBIG ? "larger than 16 MiB" : strerror(errno));
		return;
	}
	b64 = b64_encode(data, len);
	free(data);
	msg = json_pack("{s:s, s:I, s:s, s:{s:s, s:s, s:i}, s:b, s:f}", "type", "step", "seq", (json_int_t)++r->seq,
	    "op", "put", "args", "dst", dst, "data", b64, "mode", stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : 0644,
	    "background", 0, "timeout", 30.0);
	free(b64);
	snprintf(what, sizeof what, "copying %s to %s", path, a->host->name);
	if (agent_send(a, msg) != 0) {
		json_decref(msg);
		runner_fail(r, 3, "the agent on %s was lost while %s", a->host->name, what);
		return;
	}
	json_decref(msg);
	if ((f = await_frame(r, a, "result", r->seq, 30 + GRACE_S, what)) == NULL)
		return;
	res = json_object_get(f, "result");
	if (!json_is_true(json_object_get(res, "ok")))
		ps->error = xasprintf("%s: %s", dst, json_string_value(json_object_get(res, "agent_error")) ?:
		    json_string_value(json_object_get(res, "message")) ?: "refused");
	else {
		ps->files++;
		ps->bytes += (json_int_t)len;
	}
	json_decref(f);
}

/* A file, or a folder and everything in it (symbolic links are left out). */
static void
put_tree(struct runner *r, struct agentconn *a, const char *path, const char *dst, struct put_state *ps)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &sb) != 0) {
		ps->error = xasprintf("cannot read %s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(sb.st_mode)) {
		if (S_ISREG(sb.st_mode))
			put_one(r, a, path, dst[0] ? dst : strrchr(path, '/') ? strrchr(path, '/') + 1 : path, ps);
		return;
	}
	if ((d = opendir(path)) == NULL) {
		ps->error = xasprintf("cannot read %s: %s", path, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && ps->error == NULL && r->error == NULL) {
		char *child, *cdst;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		child = xasprintf("%s/%s", path, e->d_name);
		cdst = dst[0] ? xasprintf("%s/%s", dst, e->d_name) : xstrdup(e->d_name);
		put_tree(r, a, child, cdst, ps);
		free(child);
		free(cdst);
	}
	closedir(d);
}

/* The result of a put step, in the form of a step's result. */
static json_t *
put_step(struct runner *r, struct agentconn *a, const char *src, const char *dst)
{
	struct put_state ps = { 0, 0, NULL };
	int64_t start = time_realtime_ns();
	char *path = src[0] == '/' ? xstrdup(src) : xasprintf("%s/%s", r->x->dir, src);
	json_t *res;

	put_tree(r, a, path, dst ? dst : "", &ps);
	free(path);
	res = json_pack("{s:b, s:n, s:i, s:I, s:I, s:I}", "ok", ps.error == NULL, "ret", "files", ps.files,
	    "bytes", ps.bytes, "start_ns", (json_int_t)start, "end_ns", (json_int_t)time_realtime_ns());
	if (ps.error != NULL)
		json_object_set_new(res, "agent_error", json_string(ps.error));
	free(ps.error);
	return res;
}

static void
run_step(struct runner *r, const struct step *st)
{
	struct agentconn *a;
	json_t *args, *msg, *rec, *frame, *res, *failures;
	char *err = NULL, *line, what[600];

	snprintf(what, sizeof what, "step %d (%s:%d:%d %s)", st->number, r->x->file, st->pos.line,
	    st->pos.col, st->op);
	if (st->host == NULL) {		/* a top-level sleep: the controller waits */
		double s = json_number_value(json_object_get(st->args, "seconds"));
		int64_t start = time_realtime_ns(), until = time_mono_ns() + (int64_t)(s * 1e9);
		line = py_step_line(st, st->args);
		rec = step_record(r, st, line);
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
		return;
	}
	a = agent_of(r, st->host);
	if (st->def->site == OP_SITE_PUT) {
		line = py_step_line(st, st->args);
		rec = step_record(r, st, line);
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
		return;
	}
	args = resolve_args(r, st, &err);
	line = py_step_line(st, args ? args : st->args);
	rec = step_record(r, st, line);
	json_object_set(rec, "args", args ? args : st->args);
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
	/* a call on a socket with a longer settimeout may wait that long, as in Python */
	double timeout = st->timeout;
	const struct model_socket *ms = st->sock ? model_socket_find(&r->socks, st->host, st->sock) : NULL;
	if (ms != NULL && ms->has_timeout && ms->timeout + 0.5 > timeout)
		timeout = ms->timeout + 0.5;
	if (st->def->effect == OP_EFFECT_TIMEOUT && st->sock != NULL) {
		json_t *secs = json_object_get(args, "seconds");
		model_socket_timeout(&r->socks, st->host, st->sock, json_is_number(secs), json_number_value(secs));
	}
	msg = json_pack("{s:s, s:I, s:s, s:o, s:b, s:f}", "type", "step", "seq", (json_int_t)++r->seq,
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
	if (st->background) {
		frame = await_frame(r, a, "started", r->seq, timeout + GRACE_S, what);
		if (frame != NULL) {
			model_background_start(&r->bg, st->id, json_array_size(r->steps) - 1);
			json_object_set_new(rec, "state", json_string("running"));
			if (json_is_false(json_object_get(frame, "ready")))
				print_line(r, st, line, "(running, but not ready)", "started", NULL, -1);
			else
				print_line(r, st, line, json_is_true(json_object_get(frame, "ready")) ?
				    "(running in the background, ready)" : "(running in the background)", "started", NULL, -1);
			json_decref(frame);
		}
		free(line);
		return;
	}
	frame = await_frame(r, a, "result", r->seq, timeout + GRACE_S, what);
	if (frame == NULL) {
		free(line);
		return;
	}
	res = json_object_get(frame, "result");
	failures = json_array();
	if (st->def->effect == OP_EFFECT_COLLECT || st->def->effect == OP_EFFECT_STOP) {
		/* the background step's own expectation decides */
		size_t idx;
		const struct step *bst = NULL;
		json_t *brec = NULL, *bres = res;
		if (model_background_find(&r->bg, st->target, &idx)) {
			brec = json_array_get(r->steps, idx);
			bst = &r->x->steps[json_integer_value(json_object_get(brec, "number")) - 1];
		}
		if (st->def->effect == OP_EFFECT_STOP)
			bres = json_object_get(res, "target");
		if (bst != NULL && bres != NULL) {
			json_t *bfail = json_array();
			if (st->def->effect == OP_EFFECT_COLLECT)
				evaluate(r, bst, bres, bfail);
			remember_addresses(r, bst, bres);
			json_object_set(brec, "result", bres);
			json_object_set(brec, "failures", bfail);
			json_object_set_new(brec, "pass", json_boolean(json_array_size(bfail) == 0));
			json_object_set_new(brec, "state", json_string(st->def->effect == OP_EFFECT_STOP ? "killed" : "collected"));
			json_object_set_new(brec, "collected_by", json_integer(st->number));
			for (size_t i = 0; i < json_array_size(bfail); i++)
				expect_fail(failures, "step %d (%s:%d:%d): %s", bst->number, r->x->file,
				    bst->pos.line, bst->pos.col, json_string_value(json_array_get(bfail, i)));
			json_decref(bfail);
			model_background_end(&r->bg, st->target);
		}
		if (bst != NULL && st->def->effect == OP_EFFECT_COLLECT)
			; /* evaluate() judged the result, agent errors included */
		else if (json_object_get(res, "agent_error") != NULL)
			expect_fail(failures, "the agent refused the step: %s",
			    json_string_value(json_object_get(res, "agent_error")));
		/* a wait shows the result of the step it collected, as that step would */
		step_verdict(r, st, rec, st->def->effect == OP_EFFECT_STOP ? res : bres, failures, line, 1);
		if (bst != NULL && st->def->effect == OP_EFFECT_COLLECT && bres != NULL) {
			char *shown = py_result(bst, bres);
			json_object_set_new(rec, "shown", json_string(shown));
			json_object_set_new(brec, "shown", json_string(shown));
			free(shown);
		}
	} else {
		evaluate(r, st, res, failures);
		remember_addresses(r, st, res);
		step_verdict(r, st, rec, res, failures, line, 1);
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
		json_t *brec = json_array_get(r->steps, r->bg.v[0].rec);
		const struct step *bst = &r->x->steps[json_integer_value(json_object_get(brec, "number")) - 1];
		struct agentconn *a = agent_of(r, bst->host);
		json_t *msg, *frame, *failures;
		char what[600], *line;

		if (r->error != NULL)
			return;
		snprintf(what, sizeof what, "the end of background step %d (%s:%d:%d)", bst->number,
		    r->x->file, bst->pos.line, bst->pos.col);
		msg = json_pack("{s:s, s:I, s:s, s:{s:s}, s:b, s:f}", "type", "step", "seq",
		    (json_int_t)++r->seq, "op", "wait", "args", "id", id, "background", 0, "timeout", bst->timeout);
		if (agent_send(a, msg) != 0) {
			json_decref(msg);
			runner_fail(r, 3, "the agent on %s was lost before %s", a->host->name, what);
			return;
		}
		json_decref(msg);
		frame = await_frame(r, a, "result", r->seq, bst->timeout + GRACE_S, what);
		if (frame == NULL)
			return;
		failures = json_array();
		evaluate(r, bst, json_object_get(frame, "result"), failures);
		line = xstrdup(json_string_value(json_object_get(brec, "python")));
		json_object_set_new(brec, "state", json_string("collected at the end"));
		step_verdict(r, bst, brec, json_object_get(frame, "result"), failures, line, 1);
		free(line);
		json_decref(failures);
		json_decref(frame);
		model_background_end(&r->bg, id);
	}
}

/* ---- captures ---- */

static int
captures_start(struct runner *r)
{
	struct experiment *x = r->x;
	int ncap = 0, buffer;
	uint64_t budget;

	for (size_t i = 0; i < r->nac; i++)
		ncap += r->ac[i].host->capture != 0;
	buffer = ncap > 0 ? RUN_CAPTURE_BUDGET / ncap : 0;
	buffer = buffer > (16 << 20) ? (16 << 20) : buffer < (2 << 20) ? (2 << 20) : buffer;
	budget = ncap > 0 ? RUN_CAPTURE_FILES / (unsigned)ncap : 0;
	budget = budget > RUN_CAPTURE_FILE_MAX ? RUN_CAPTURE_FILE_MAX : budget < RUN_CAPTURE_FILE_MIN ?
	    RUN_CAPTURE_FILE_MIN : budget;
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		json_t *m;
		if (!a->host->capture)
			continue;
		m = json_pack("{s:s, s:i, s:s?}", "type", "capture_start",
		    "snaplen", x->capture_snaplen ? x->capture_snaplen : 262144, "filter", x->capture_filter);
		json_object_set_new(m, "buffer", json_integer(x->capture_buffer > 0 ? x->capture_buffer : buffer));
		json_object_set_new(m, "budget", json_integer((json_int_t)budget));
		if (agent_send(a, m) != 0) {
			json_decref(m);
			runner_fail(r, 3, "cannot talk to the agent on %s: %s", a->host->name, strerror(errno));
			return -1;
		}
		json_decref(m);
	}
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		char what[128];
		json_t *f;
		if (!a->host->capture)
			continue;
		snprintf(what, sizeof what, "the start of the capture on %s", a->host->name);
		if ((f = await_frame(r, a, "capture_started|capture_failed", -1, HELLO_S, what)) == NULL)
			return -1;
		if (strcmp(json_string_value(json_object_get(f, "type")), "capture_failed") == 0) {
			runner_fail(r, 3, "cannot capture on %s: %s", a->host->name,
			    json_string_value(json_object_get(f, "reason")));
			json_decref(f);
			return -1;
		}
		a->capturing = 1;
		a->capture = json_pack("{s:O}", "iface", json_object_get(f, "iface"));
		json_decref(f);
	}
	if (!r->o->quiet && !r->o->json) {
		r->lv = xcalloc(1, sizeof *r->lv);
		r->lv->view.bases = json_object();
		r->lv->view.senders = json_object();
		r->lv->pending = json_array();
		for (size_t i = 0; i < r->nac && i < RUN_CAPTURES_MAX; i++) {
			struct sockaddr_storage ss;
			socklen_t len;
			if (addr_from_ip(r->ac[i].host->addr, 0, &ss, &len) == 0)
				addr_ip((struct sockaddr *)&ss, r->lv->addr[i], sizeof r->lv->addr[i]);
			if (r->ac[i].capturing)
				json_object_set_new(r->lv->view.senders, r->lv->addr[i], json_true());
		}
	}
	return 0;
}

/*
 * Fetches a stopped capture chunk by chunk into the run folder as HOST.pcap,
 * if it is exactly what the agent said it wrote (a->capture: packets, bytes,
 * sha256); otherwise it is kept as HOST.pcap.refused, never read, and the
 * run fails (a harness error).
 */
static int
capture_fetch(struct runner *r, struct agentconn *a)
{
	char *path = xasprintf("%s/%s.pcap", r->dirat, a->host->name);
	char *name = xasprintf("%s.pcap", a->host->name), *tmp = xasprintf("%s.tmp.%ld", name, (long)getpid());
	char *tmpat = xasprintf("%s/%s", r->dirat, tmp);
	char what[128], verr[400];
	struct trace_capture_claim claim = {
		.packets = (uint64_t)json_integer_value(json_object_get(a->capture, "packets")),
		.bytes = (uint64_t)json_integer_value(json_object_get(a->capture, "bytes")),
		.sha256 = json_string_value(json_object_get(a->capture, "sha256")),
	};
	int tfd = outdir_file(r->dirfd, tmp);
	FILE *f = tfd < 0 ? NULL : fdopen(tfd, "w");
	json_int_t off = 0;
	int eof = 0;

	snprintf(what, sizeof what, "fetching the capture of %s", a->host->name);
	if (f == NULL) {
		runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, tmp, strerror(errno));
		if (tfd >= 0)
			close(tfd);
		goto fail;
	}
	while (!eof) {
		json_t *m = json_pack("{s:s, s:I}", "type", "capture_fetch", "offset", off), *c;
		unsigned char *data;
		size_t n;
		if (agent_send(a, m) != 0) {
			json_decref(m);
			runner_fail(r, 3, "the agent on %s was lost while %s", a->host->name, what);
			goto fail;
		}
		json_decref(m);
		if ((c = await_frame(r, a, "capture_chunk|capture_failed", -1, CAPTURE_S, what)) == NULL)
			goto fail;
		if (strcmp(json_string_value(json_object_get(c, "type")), "capture_failed") == 0 ||
		    json_integer_value(json_object_get(c, "offset")) != off ||
		    b64_decode(json_string_value(json_object_get(c, "data")) ?: "", &data, &n) != 0) {
			runner_fail(r, 3, "the agent on %s sent a bad capture chunk: %s", a->host->name,
			    json_string_value(json_object_get(c, "reason")) ?: "wrong offset or data");
			json_decref(c);
			goto fail;
		}
		eof = json_is_true(json_object_get(c, "eof"));
		json_decref(c);
		if (n > 0 && fwrite(data, 1, n, f) != n) {
			free(data);
			runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, tmp, strerror(errno));
			goto fail;
		}
		free(data);
		off += (json_int_t)n;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		f = NULL;
		runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, tmp, strerror(errno));
		goto fail;
	}
	f = NULL;
	if (trace_capture_verify(tmpat, &claim, verr, sizeof verr) != 0) {
		char *kept = xasprintf("%s.refused", name);
		(void)renameat(r->dirfd, tmp, r->dirfd, kept);
		free(kept);
		json_object_set_new(a->capture, "refused", json_string(verr));
		runner_fail(r, 3, "the capture of %s is refused: the file fetched from its agent is not what the "
		    "agent wrote (%s); no check is decided from it (kept as %s.pcap.refused)", a->host->name, verr,
		    a->host->name);
		goto fail;
	}
	if (renameat(r->dirfd, tmp, r->dirfd, name) != 0) {
		runner_fail(r, 3, "cannot write %s/%s: %s", r->dir, name, strerror(errno));
		goto fail;
	}
	free(tmp);
	free(tmpat);
	free(name);
	json_object_set_new(a->capture, "file", json_sprintf("%s.pcap", a->host->name));
	a->pcap = path;
	return 0;
fail:
	if (f != NULL)
		fclose(f);
	unlinkat(r->dirfd, tmp, 0);
	free(tmp);
	free(tmpat);
	free(name);
	free(path);
	return -1;
}

/* After a settle time, stops every capture and brings the files into the run folder. */
static void
captures_stop(struct runner *r)
{
	int64_t until = time_mono_ns() + (int64_t)(SETTLE_S * 1e9);
	json_t *m = json_pack("{s:s}", "type", "capture_stop");

	while (time_mono_ns() < until && !run_signal)
		usleep(5000);
	if (r->lv != NULL && r->error == NULL) {
		live_peek(r);
		live_print(r, -1);
	}
	for (size_t i = 0; i < r->nac; i++)
		if (r->ac[i].capturing && r->ac[i].alive && agent_send(&r->ac[i], m) != 0)
			runner_fail(r, 3, "the agent on %s was lost before its capture stopped", r->ac[i].host->name);
	json_decref(m);
	/* after a failure (an agent lost), the other hosts' captures are still fetched */
	for (size_t i = 0; i < r->nac; i++) {
		struct agentconn *a = &r->ac[i];
		char what[128];
		json_t *f;
		if (!a->capturing || !a->alive)
			continue;
		snprintf(what, sizeof what, "the end of the capture on %s", a->host->name);
		if ((f = await_frame(r, a, "capture_stopped|capture_failed", -1, CAPTURE_S, what)) == NULL)
			return;
		a->capturing = 0;
		if (strcmp(json_string_value(json_object_get(f, "type")), "capture_failed") == 0) {
			runner_fail(r, 3, "the capture on %s failed: %s", a->host->name,
			    json_string_value(json_object_get(f, "reason")));
			json_decref(f);
			return;
		}
		json_object_del(f, "type");
		r->drops += (uint64_t)json_integer_value(json_object_get(f, "drops"));
		json_object_update(a->capture, f);
		json_decref(f);
		if (json_is_string(json_object_get(a->capture, "error"))) {
			runner_fail(r, 3, "the capture on %s is incomplete: %s", a->host->name,
			    json_string_value(json_object_get(a->capture, "error")));
			return;
		}
		if (!json_is_string(json_object_get(a->capture, "sha256"))) {
			runner_fail(r, 3, "the agent on %s did not say what its capture holds (no SHA-256): "
			    "it is older than this verona", a->host->name);
			return;
		}
		if (json_integer_value(json_object_get(a->capture, "unwritten")) > 0 && r->undecidable == NULL)
			r->undecidable = xasprintf("the capture on %s reached its size budget of %lld bytes "
			    "(%lld more packets were counted, not written)", a->host->name,
			    (long long)json_integer_value(json_object_get(a->capture, "budget")),
			    (long long)json_integer_value(json_object_get(a->capture, "unwritten")));
		if (capture_fetch(r, a) != 0)
			return;
	}
}

/* ---- packets under steps ---- */

struct attrib {
	struct runner	*r;
	json_t		*recs;		/* step records, in start order */
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
static int
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

/* ---- the live view: packets printed under their steps while the run goes ---- */

static int
live_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_array_get(*(json_t *const *)a, 0));
	json_int_t y = json_integer_value(json_array_get(*(json_t *const *)b, 0));
	return x < y ? -1 : x > y;
}

/* Brings in what the agents captured since the last peek, formatted in time order. */
static void
live_peek(struct runner *r)
{
	struct pktview_live *lv = r->lv;
	json_t *m = json_pack("{s:s}", "type", "capture_peek"), *raw = json_array(), *lost = json_array();
	json_int_t last_ts = 0;

	for (size_t i = 0; i < r->nac && i < RUN_CAPTURES_MAX && r->error == NULL; i++) {
		struct agentconn *a = &r->ac[i];
		json_t *f, *list;
		if (!a->capturing || agent_send(a, m) != 0)
			continue;
		if ((f = await_frame(r, a, "capture_packets|capture_failed", -1, HELLO_S, "a look at the capture")) == NULL)
			break;
		/* the agent hands at most TRACE_PEEK_MAX packets a look; it counts the others */
		if (json_integer_value(json_object_get(f, "lost")) > 0)
			json_array_append_new(lost, json_pack("[s, O]", a->host->name, json_object_get(f, "lost")));
		list = json_object_get(f, "packets");
		for (size_t k = 0; k < json_array_size(list); k++) {
			json_t *e = json_array_get(list, k);
			/* [ts, agent, linktype, wirelen, data] */
			json_array_append_new(raw, json_pack("[O, i, O, O, O]", json_array_get(e, 0), (int)i,
			    json_object_get(f, "linktype"), json_array_get(e, 1), json_array_get(e, 2)));
		}
		json_decref(f);
	}
	json_decref(m);
	size_t n = json_array_size(raw);
	json_t **v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(raw, i);
	qsort(v, n, sizeof *v, live_cmp);
	for (size_t k = 0; k < n; k++) {
		json_t *e = v[k];
		int i = (int)json_integer_value(json_array_get(e, 1));
		unsigned char *data;
		size_t len;
		struct trace_pkt p;
		char line[512];
		if (lv->listed >= RUN_PACKETS_MAX) {	/* counted, not shown; one note says so */
			if (lv->unlisted++ == 0) {
				char *note = xasprintf("... more packets, not shown: the live view shows at most %d",
				    RUN_PACKETS_MAX);
				json_array_append_new(lv->pending, json_pack("[O, s, s]", json_array_get(e, 0), "", note));
				free(note);
			}
			continue;
		}
		if (b64_decode(json_string_value(json_array_get(e, 4)) ?: "", &data, &len) != 0)
			continue;
		memset(&p, 0, sizeof p);
		trace_dissect((int)json_integer_value(json_array_get(e, 2)), data, (uint32_t)len,
		    (uint32_t)json_integer_value(json_array_get(e, 3)), json_integer_value(json_array_get(e, 0)), &p);
		last_ts = json_integer_value(json_array_get(e, 0));
		if (pktview_line(&lv->view, lv->addr[i], &p, line, sizeof line, NULL, NULL)) {
			lv->listed++;
			json_array_append_new(lv->pending, json_pack("[O, s, s]", json_array_get(e, 0),
			    r->ac[i].host->name, line));
		}
		free(data);
	}
	free(v);
	json_decref(raw);
	for (size_t k = 0; k < json_array_size(lost); k++) {
		json_t *e = json_array_get(lost, k);
		char *note = xasprintf("... %lld more packets, not shown: the live view shows at most %d per host and step",
		    (long long)json_integer_value(json_array_get(e, 1)), TRACE_PEEK_MAX);
		lv->unlisted += (uint64_t)json_integer_value(json_array_get(e, 1));
		json_array_append_new(lv->pending, json_pack("[I, O, s]", last_ts, json_array_get(e, 0), note));
		free(note);
	}
	json_decref(lost);
}

/* Prints the pending packets captured before `before` (all of them when before < 0). */
static void
live_print(struct runner *r, int64_t before)
{
	json_t *pend = r->lv->pending;
	while (json_array_size(pend) > 0) {
		json_t *e = json_array_get(pend, 0);
		if (before >= 0 && json_integer_value(json_array_get(e, 0)) >= before)
			break;
		printf("             %s%-7s %s%s\n", color(r, "\033[2m"), json_string_value(json_array_get(e, 1)),
		    json_string_value(json_array_get(e, 2)), color(r, "\033[0m"));
		json_array_remove(pend, 0);
	}
}

/*
 * 1 while a step with expect: packets has no more packets listed than it
 * expects: those are listed past the run's cap (a few per such step), so
 * that the expectation is always decided on what the step caused.
 */
static int
step_wants_packets(struct runner *r, json_t *rec)
{
	const struct step *st;
	json_int_t num = json_integer_value(json_object_get(rec, "number"));

	if (rec == NULL || num < 1 || (size_t)num > r->x->nsteps)
		return 0;
	st = &r->x->steps[num - 1];
	return st->expect.packets != NULL &&
	    json_array_size(json_object_get(rec, "packets")) <= json_array_size(st->expect.packets);
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
	json_t *rec, *list;

	memset(&p, 0, sizeof p);
	trace_dissect(linktype, data, caplen, wirelen, ts_ns, &p);
	uint32_t rseq = 0, rack = 0;
	char src[64], dst[64], flags[16] = "";
	if (p.ip_version == 0) {
		/* ARP: the copy of the host that sent it (its sender address); other non-IP kept as captured */
		struct in_addr me;
		if (linktype == 1 && caplen >= 42 && data[12] == 0x08 && data[13] == 0x06 &&
		    inet_pton(AF_INET, at->addr[input], &me) == 1)
			return memcmp(data + 28, &me, 4) == 0;
		return 1;
	}
	if (!pktview_line(&at->view, at->addr[input], &p, NULL, 0, NULL, NULL))
		return 0;
	if (at->r->undecidable == NULL) {	/* else nothing is decided from the trace: nothing kept for it */
		trace_conns_add(at->r->conns, &p);
		if (at->r->stats != NULL)
			(void)trace_stats_add(at->r->stats, &p);
	}
	rec = step >= 0 ? json_array_get(at->recs, (size_t)step) : NULL;
	if (at->listed >= RUN_PACKETS_MAX && !step_wants_packets(at->r, rec)) {
		/* counted under its step, not listed; no line made (its directions' bases are not kept) */
		at->r->unlisted++;
		if (rec != NULL)
			json_object_set_new(rec, "packets_unlisted", json_integer(
			    json_integer_value(json_object_get(rec, "packets_unlisted")) + 1));
		return 1;
	}
	at->listed++;
	(void)pktview_line(&at->view, at->addr[input], &p, line, sizeof line, &rseq, &rack);
	trace_addr_text(p.ip_version, p.src, src, sizeof src);
	trace_addr_text(p.ip_version, p.dst, dst, sizeof dst);
	if (p.proto == 6)
		trace_flags_text(p.flags, flags, sizeof flags);
	list = rec ? json_object_get(rec, "packets") : at->trace_steps;
	if (list == NULL) {
		list = json_array();
		json_object_set_new(rec, "packets", list);
	}
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
	}
	json_array_append_new(list, pk);
	return 1;
}

static int
rec_start_cmp(const void *a, const void *b)
{
	json_t *ra = *(json_t *const *)a, *rb = *(json_t *const *)b;
	json_int_t x = json_integer_value(json_object_get(json_object_get(ra, "result"), "start_ns"));
	json_int_t y = json_integer_value(json_object_get(json_object_get(rb, "result"), "start_ns"));
	return x < y ? -1 : x > y;
}

/* Marks a step's expect: packets undecidable (never a pass, never the student's failure), saying why. */
static void
step_packets_undecidable(struct runner *r, json_t *rec, const char *why)
{
	json_t *failures = json_object_get(rec, "failures");
	char *msg = xasprintf("the packets on the wire cannot be told: %s", why);

	if (failures == NULL) {
		failures = json_array();
		json_object_set_new(rec, "failures", failures);
	}
	json_array_append_new(failures, json_string(msg));
	free(msg);
	if (json_is_true(json_object_get(rec, "pass")))
		r->passed--;
	else if (json_is_false(json_object_get(rec, "pass")))
		r->failed--;
	json_object_del(rec, "pass");	/* neither: undecidable */
	json_object_set_new(rec, "undecidable", json_true());
	r->checks_errors++;
}

/*
 * expect: packets, now that the packets of each step are known.  why: the
 * captures cannot tell (a budget passed, a capture refused or lost), or NULL.
 */
static void
check_step_packets(struct runner *r, json_t *rec, const char *why)
{
	const struct step *st = &r->x->steps[json_integer_value(json_object_get(rec, "number")) - 1];
	json_t *want = st->expect.packets, *got = json_object_get(rec, "packets");
	json_int_t unlisted = json_integer_value(json_object_get(rec, "packets_unlisted"));
	struct buf w, g;
	int same;

	if (want == NULL)
		return;
	if (why != NULL) {
		step_packets_undecidable(r, rec, why);
		return;
	}
	if (unlisted > 0 && json_array_size(got) + (size_t)unlisted <= json_array_size(want)) {
		/* as many packets as expected, or fewer, but not all of them listed */
		step_packets_undecidable(r, rec, "the step's packets were past the run's listing cap");
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
		json_t *failures = json_object_get(rec, "failures");
		char *msg = xasprintf("expected %s on the wire, saw %s", w.len ? (char *)w.data : "no packets",
		    g.len ? (char *)g.data : "no packets");
		if (failures == NULL) {
			failures = json_array();
			json_object_set_new(rec, "failures", failures);
		}
		json_array_append_new(failures, json_string(msg));
		if (json_is_true(json_object_get(rec, "pass"))) {
			json_object_set_new(rec, "pass", json_false());
			r->passed--;
			r->failed++;
		}
		if (!r->o->json)
			printf("%3d %-8s %s%s:%d:%d: %s%s\n", st->number, st->host ? st->host : "-",
			    color(r, "\033[31m"), r->x->file, st->pos.line, st->pos.col, msg, color(r, "\033[0m"));
		free(msg);
	}
	json_decref(got);
	buf_free(&w);
	buf_free(&g);
}

/* Merges the hosts' captures into trace.pcapng and puts each packet under its step. */
static void
attribute_packets(struct runner *r)
{
	struct trace_merge_input in[RUN_CAPTURES_MAX];
	struct trace_merge_step *steps;
	struct attrib at;
	size_t n = 0, ns = json_array_size(r->steps);
	json_t **sorted = xcalloc(ns + 1, sizeof *sorted);
	char err[512], *out, *why;

	memset(&at, 0, sizeof at);
	at.r = r;
	at.view.bases = json_object();
	at.view.senders = json_object();
	at.trace_steps = json_array();
	for (size_t i = 0; i < r->nac && n < RUN_CAPTURES_MAX; i++) {
		struct agentconn *a = &r->ac[i];
		struct sockaddr_storage ss;
		socklen_t len;
		if (a->pcap == NULL)
			continue;
		in[n].path = a->pcap;
		in[n].offset_ns = a->offset_ns;
		in[n].name = xasprintf("%s:%s", a->host->name, json_string_value(json_object_get(a->capture, "iface")) ?: "?");
		if (addr_from_ip(a->host->addr, 0, &ss, &len) == 0)
			addr_ip((struct sockaddr *)&ss, at.addr[n], sizeof at.addr[n]);
		at.host_of_input[n] = (int)(a->host - r->x->hosts);
		json_object_set_new(at.view.senders, at.addr[n], json_true());
		n++;
	}
	if (n == 0)
		goto out;
	/* steps that ran, in the order they started */
	size_t k = 0;
	for (size_t i = 0; i < ns; i++) {
		json_t *rec = json_array_get(r->steps, i);
		if (json_object_get(json_object_get(rec, "result"), "start_ns") != NULL)
			sorted[k++] = rec;
	}
	qsort(sorted, k, sizeof *sorted, rec_start_cmp);
	at.recs = json_array();
	steps = xcalloc(k + 1, sizeof *steps);
	for (size_t i = 0; i < k; i++) {
		json_array_append(at.recs, sorted[i]);
		steps[i].start_ns = json_integer_value(json_object_get(json_object_get(sorted[i], "result"), "start_ns"));
		steps[i].comment = xasprintf("step %lld %s: %s", (long long)json_integer_value(json_object_get(sorted[i], "number")),
		    json_string_value(json_object_get(sorted[i], "host")) ?: "-",
		    json_string_value(json_object_get(sorted[i], "python")));
	}
	out = xstrdup("trace.pcapng");
	if (trace_merge(in, n, steps, k, r->dirfd, out, attrib_visit, &at, err, sizeof err) != 0)
		runner_fail(r, 3, "cannot merge the captures: %s", err);
	free(out);
	for (size_t i = 0; i < k; i++)
		free((char *)steps[i].comment);
	free(steps);
	json_decref(at.recs);
	if (r->unlisted > 0 && !r->o->json)
		printf("verona: %llu packets are not listed under their steps (a run lists at most %d)\n",
		    (unsigned long long)r->unlisted, RUN_PACKETS_MAX);
out:
	/* what the captures cannot tell: past a budget, or a host's capture refused or never fetched */
	why = r->undecidable ? xstrdup(r->undecidable) : NULL;
	for (size_t i = 0; i < r->nac && why == NULL; i++)
		if (r->ac[i].host->capture && r->ac[i].pcap == NULL)
			why = xasprintf("the capture of %s was not kept (%s)", r->ac[i].host->name,
			    r->error ? r->error : "not fetched");
	if (why == NULL && n == 0)
		why = xstrdup("no host captured");
	for (size_t i = 0; i < ns && (why != NULL || r->error == NULL); i++)
		check_step_packets(r, json_array_get(r->steps, i), why);
	free(why);
	for (size_t i = 0; i < n; i++)
		free((char *)in[i].name);
	free(sorted);
	json_decref(at.view.bases);
	json_decref(at.view.senders);
	json_decref(at.trace_steps);
}

/* ---- checks ---- */

static void
run_checks(struct runner *r)
{
	json_t *hist = model_sockets_history_json(&r->socks);
	struct names nm = { r->x, hist, r->steps };
	struct trace_check_ctx ctx = {
		.conns = r->conns, .resolve = names_resolve, .resolve_conn = names_resolve_conn,
		.step_packets = names_step_packets,
		.arg = &nm, .t0 = r->started_ns, .drops = r->drops, .undecidable = r->undecidable,
	};
	int captured = 0;

	for (size_t i = 0; i < r->nac; i++)
		captured |= r->ac[i].pcap != NULL;
	for (size_t i = 0; i < json_array_size(r->x->checks); i++) {
		json_t *c = json_array_get(r->x->checks, i), *v;
		const char *status;
		if (!captured) {
			v = json_pack("{s:s, s:O?, s:s, s:s, s:f, s:f, s:O, s:O}", "check",
			    json_string_value(json_object_get(c, "check")), "name", json_object_get(c, "name"),
			    "status", "error", "message", "no capture: the checks cannot be decided", "points", 0.0,
			    "max_points", 1.0, "line", json_object_get(c, "line"), "col", json_object_get(c, "col"));
		} else
			v = trace_check_run(&ctx, c);
		status = json_string_value(json_object_get(v, "status"));
		if (strcmp(status, "fail") == 0)
			r->checks_failed++;
		else if (strcmp(status, "error") == 0)
			r->checks_errors++;
		if (!r->o->json && (!r->o->quiet || strcmp(status, "pass") != 0)) {
			const char *vc = strcmp(status, "pass") == 0 ? "\033[32m" : "\033[31m";
			printf("check %s:%lld:%lld %-10s %s%-5s%s %s\n", r->x->file,
			    (long long)json_integer_value(json_object_get(v, "line")),
			    (long long)json_integer_value(json_object_get(v, "col")),
			    json_string_value(json_object_get(v, "check")), color(r, vc),
			    strcmp(status, "pass") == 0 ? "pass" : strcmp(status, "fail") == 0 ? "FAIL" : "ERROR",
			    color(r, "\033[0m"), json_string_value(json_object_get(v, "message")));
		}
		json_array_append_new(r->checks, v);
	}
	json_decref(hist);
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
	for (size_t i = 0; i < r->nac; i++) {
		if (!r->ac[i].host->capture)
			continue;
		if (r->ac[i].pcap == NULL)
			return xasprintf("no capture came from %s", r->ac[i].host->name);
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
		.x = r->x, .steps = r->steps, .checks = r->checks, .error = r->error, .doubt = doubt,
		.drops = r->drops, .truncated = r->conns != NULL ? r->conns->truncated : 0,
	};
	json_t *grading = grade_of_run(&g);
	free(doubt);
	return grading;
}

/* ---- outputs ---- */

static void
transcript_steps(struct runner *r, struct buf *t)
{
	for (size_t i = 0; i < json_array_size(r->steps); i++) {
		json_t *rec = json_array_get(r->steps, i), *f = json_object_get(rec, "failures"),
		    *pk = json_object_get(rec, "packets");
		const char *shown = json_string_value(json_object_get(rec, "shown"));
		const char *state = json_string_value(json_object_get(rec, "state"));
		buf_printf(t, "%3lld %-8s %s\n             -> %s   [%s]\n",
		    (long long)json_integer_value(json_object_get(rec, "number")),
		    json_string_value(json_object_get(rec, "host")) ?: "-",
		    json_string_value(json_object_get(rec, "python")),
		    shown ? shown : "(no result)",
		    shown == NULL ? (state ? state : "not run") :
		    json_is_true(json_object_get(rec, "pass")) ? "pass" : "FAIL");
		for (size_t k = 0; k < json_array_size(f); k++)
			buf_printf(t, "             !! %s:%lld:%lld: %s\n", r->x->file,
			    (long long)json_integer_value(json_object_get(rec, "line")),
			    (long long)json_integer_value(json_object_get(rec, "col")),
			    json_string_value(json_array_get(f, k)));
		for (size_t k = 0; k < json_array_size(pk); k++) {
			json_t *p = json_array_get(pk, k);
			buf_printf(t, "               %-7s %s\n", json_string_value(json_object_get(p, "host")),
			    json_string_value(json_object_get(p, "line")));
		}
		if (json_integer_value(json_object_get(rec, "packets_unlisted")) > 0)
			buf_printf(t, "               ... and %lld more packets, not listed: a run lists at most %d\n",
			    (long long)json_integer_value(json_object_get(rec, "packets_unlisted")), RUN_PACKETS_MAX);
	}
}

/* A host's sandbox level and limits, as its agent said in hello: "unknown" from an older agent. */
static void
transcript_sandbox(struct buf *t, json_t *hello)
{
	const char *level = report_sandbox_level(hello);
	json_t *sb = json_object_get(hello, "sandbox"), *lim = json_object_get(hello, "limits");
	size_t mark;

	buf_printf(t, ", sandbox %s%s", level, strcmp(level, "none") == 0 ? " (NOT SANDBOXED)" : "");
	mark = t->len;
	buf_adds(t, " (");
	report_fields_text(t, sb, "level");
	if (t->len == mark + 2)
		t->len = mark;
	else
		buf_addc(t, ')');
	buf_adds(t, ", limits ");
	if (json_is_object(lim) && json_object_size(lim) > 0)
		report_fields_text(t, lim, NULL);
	else
		buf_adds(t, "unknown");
}

/* The grade, item by item, and what needs the instructor's review. */
static void
transcript_grade(struct buf *t, json_t *g)
{
	json_t *items = json_object_get(g, "items");

	if (g == NULL)
		return;
	buf_printf(t, "# grade %.4g / %.4g", json_number_value(json_object_get(g, "score")),
	    json_number_value(json_object_get(g, "max_score")));
	if (json_is_number(json_object_get(g, "raw_score")))
		buf_printf(t, " (%.4g of %.4g rubric points)", json_number_value(json_object_get(g, "raw_score")),
		    json_number_value(json_object_get(g, "raw_max_score")));
	buf_printf(t, "%s\n", json_is_true(json_object_get(g, "needs_review")) ? ", NEEDS REVIEW" : "");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *st = json_string_value(json_object_get(it, "status"));
		const char *out = json_string_value(json_object_get(it, "output")), *nl;
		int err = st == NULL || strcmp(st, "error") == 0;
		buf_printf(t, "#   %-6s %g/%g  %s", err ? "REVIEW" : strcmp(st, "pass") == 0 ? "pass" : "FAIL",
		    json_number_value(json_object_get(it, "score")), json_number_value(json_object_get(it, "max_score")),
		    json_string_value(json_object_get(it, "name")));
		if (err && out != NULL) {
			/* the reason: the last line says why it could not be decided */
			nl = strrchr(out, '\n');
			buf_printf(t, " — undecided: %s", nl ? nl + 1 : out);
		}
		buf_addc(t, '\n');
	}
	if (json_is_true(json_object_get(g, "needs_review")))
		buf_printf(t, "# needs review: %lld item%s could not be decided; %s 0 until the instructor reviews %s\n",
		    (long long)json_integer_value(json_object_get(g, "errors")),
		    json_integer_value(json_object_get(g, "errors")) == 1 ? "" : "s",
		    json_integer_value(json_object_get(g, "errors")) == 1 ? "it scores" : "they score",
		    json_integer_value(json_object_get(g, "errors")) == 1 ? "it" : "them");
}

static char *
utc_stamp(int64_t ns, int compact)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char s[64];
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(s);
}

/*
 * Opens the run folder (outdir.h): --out, or a new runs/NAME-TIME[-N].
 * Returns 0, OUTDIR_REFUSED or OUTDIR_FAILED with a message in err.
 */
static int
make_run_dir(struct runner *r, char *err, size_t errlen)
{
	int parent;

	if (r->o->out_fd > 2) {
		r->dir = xstrdup(r->o->out);
		r->dirfd = r->o->out_fd;
	} else if (r->o->out != NULL) {
		r->dir = xstrdup(r->o->out);
		r->dirfd = outdir_open(r->dir, r->o->force ? OUTDIR_FORCE : 0, err, errlen);
	} else if ((parent = outdir_parent("runs", err, errlen)) < 0)
		return parent;
	else {
		char *stamp = utc_stamp(r->started_ns, 1);
		for (int n = 1; n < 1000 && r->dirfd < 0; n++) {
			char *name = n == 1 ? xasprintf("%s-%s", r->x->name, stamp) : xasprintf("%s-%s-%d", r->x->name, stamp, n);
			free(r->dir);
			r->dir = xasprintf("runs/%s", name);
			r->dirfd = outdir_fresh(parent, name, 0, r->dir, err, errlen);
			free(name);
			if (r->dirfd == OUTDIR_REFUSED || (r->dirfd == OUTDIR_FAILED && errno != EEXIST))
				break;
		}
		free(stamp);
		close(parent);
	}
	if (r->dirfd < 0)
		return r->dirfd == OUTDIR_REFUSED ? OUTDIR_REFUSED : OUTDIR_FAILED;
	r->dirat = xasprintf("/proc/self/fd/%d", r->dirfd);
	return 0;
}

static json_t *
manifest(struct runner *r)
{
	struct experiment *x = r->x;
	char *started = utc_stamp(r->started_ns, 0);
	json_t *hosts = json_object();
	json_t *m = json_pack("{s:s, s:{s:s, s:s, s:s, s:s?}, s:O, s:O, s:s, s:{s:s, s:s}}",
	    "verona_version", VERONA_VERSION,
	    "experiment", "file", x->file, "name", x->name, "sha256", x->sha256, "summary", x->summary,
	    "defines", x->defines, "vars", x->vars, "started", started,
	    "testbed", "kind", r->o->testbed ? "file" : "local", "id", r->o->testbed ? r->o->testbed->path : r->tb.id);
	free(started);
	for (size_t i = 0; i < x->nhosts; i++) {
		json_t *h = r->o->testbed ? json_pack("{s:s, s:s}", "addr", x->hosts[i].addr, "control",
		    tbfile_host(r->o->testbed, x->hosts[i].name)->control) :
		    json_pack("{s:s, s:s}", "addr", x->hosts[i].addr, "namespace", testbed_ns(&r->tb, x->hosts[i].name));
		if (i < r->nac && r->ac[i].clock != NULL)
			json_object_set(h, "clock", r->ac[i].clock);
		if (i < r->nac && r->ac[i].hello != NULL) {
			json_object_update(h, r->ac[i].hello);
			json_object_del(h, "type");
		}
		if (i < r->nac && r->ac[i].capture != NULL)
			json_object_set(h, "capture", r->ac[i].capture);
		json_object_set_new(hosts, x->hosts[i].name, h);
	}
	json_object_set_new(m, "hosts", hosts);
	return m;
}

static int
write_outputs(struct runner *r, json_t *g)
{
	json_t *doc;
	char *s, *path;
	int rc = 0;
	const char *status = r->status == 0 ? "pass" : r->status == 1 ? "fail" : "error";

	doc = json_pack("{s:o, s:O, s:O, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:s?, s:f}}",
	    "manifest", manifest(r), "steps", r->steps, "checks", r->checks,
	    "summary", "steps", (int)r->x->nsteps, "passed", r->passed, "failed", r->failed,
	    "checks", (int)json_array_size(r->checks), "checks_failed", r->checks_failed,
	    "checks_errors", r->checks_errors,
	    "status", status, "exit", r->status, "error", r->error,
	    "seconds", (double)(time_realtime_ns() - r->started_ns) / 1e9);
	if (g != NULL)
		json_object_set(doc, "grading", g);
	if (r->stats != NULL && r->stats->nflows > 0)
		json_object_set_new(doc, "stats", stats_json_run(r->stats, RUN_FLOWS_MAX));
	s = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	path = xasprintf("%s/results.json", r->dir);
	if (file_write_atomic_at(r->dirfd, "results.json", s, strlen(s)) != 0) {
		fprintf(stderr, "verona: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	{
		char gerr[512];
		if (report_gradescope(doc, r->dirfd, "gradescope.json", gerr, sizeof gerr) != 0 ||
		    report_junit(doc, r->dirfd, "junit.xml", gerr, sizeof gerr) != 0) {
			fprintf(stderr, "verona: %s (in the run folder %s)\n", gerr, r->dir);
			rc = -1;
		}
	}
	if (r->o->json) {
		fputs(s, stdout);
		fputc('\n', stdout);
	}
	free(path);
	free(s);
	{
		char rerr[256];
		path = xasprintf("%s/report.html", r->dir);
		if (report_html(doc, r->dirfd, "report.html", rerr, sizeof rerr) != 0) {
			fprintf(stderr, "verona: cannot write %s: %s\n", path, rerr);
			rc = -1;
		}
		free(path);
	}
	json_decref(doc);

	struct buf t;
	buf_init(&t);
	char *started = utc_stamp(r->started_ns, 0);
	buf_printf(&t, "# verona %s — %s (%s)\n# started %s, testbed %s %s, experiment sha256 %s\n",
	    VERONA_VERSION, r->x->name, r->x->file, started, r->o->testbed ? "file" : "local",
	    r->o->testbed ? r->o->testbed->path : r->tb.id, r->x->sha256);
	free(started);
	for (size_t i = 0; i < r->x->nhosts; i++) {
		json_t *clk = i < r->nac ? r->ac[i].clock : NULL;
		buf_printf(&t, "# host %s %s", r->x->hosts[i].name, r->x->hosts[i].addr);
		if (r->o->testbed != NULL)
			buf_printf(&t, " via %s", tbfile_host(r->o->testbed, r->x->hosts[i].name)->control);
		if (clk != NULL && !json_is_null(json_object_get(clk, "rtt_ns")))
			buf_printf(&t, ", clock %+.6f s +- %.6f s", (double)json_integer_value(json_object_get(clk, "offset_ns")) / 1e9,
			    (double)json_integer_value(json_object_get(clk, "uncertainty_ns")) / 1e9);
		transcript_sandbox(&t, i < r->nac ? r->ac[i].hello : NULL);
		buf_addc(&t, '\n');
	}
	transcript_steps(r, &t);
	for (size_t i = 0; i < json_array_size(r->checks); i++) {
		json_t *v = json_array_get(r->checks, i);
		buf_printf(&t, "check %s:%lld:%lld %s: %s — %s\n", r->x->file,
		    (long long)json_integer_value(json_object_get(v, "line")),
		    (long long)json_integer_value(json_object_get(v, "col")),
		    json_string_value(json_object_get(v, "check")), json_string_value(json_object_get(v, "status")),
		    json_string_value(json_object_get(v, "message")));
	}
	transcript_grade(&t, g);
	buf_printf(&t, "# %d passed, %d failed, status %s%s%s\n", r->passed, r->failed, status,
	    r->error ? ": " : "", r->error ? r->error : "");
	path = xasprintf("%s/transcript.txt", r->dir);
	if (file_write_atomic_at(r->dirfd, "transcript.txt", t.data, t.len) != 0) {
		fprintf(stderr, "verona: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(path);
	buf_free(&t);
	return rc;
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
	r.steps = json_array();
	r.conns = trace_conns_new();
	r.stats = trace_stats_new();
	r.checks = json_array();
	r.started_ns = time_realtime_ns();

	if (x->unsupported != NULL) {
		fprintf(stderr, "%s:%d:%d: this build of verona does not support %s yet\n", x->file,
		    x->unsupported_pos.line, x->unsupported_pos.col, x->unsupported);
		r.status = 2;
		goto free;
	}
	if (o->testbed != NULL) {
		struct errlist errs = { 0 };
		if (tbfile_fits(o->testbed, x, &errs) != 0) {
			errlist_print(&errs, stderr);
			errlist_free(&errs);
			r.status = 2;
			goto free;
		}
	} else if (!testbed_can_run(err, sizeof err)) {
		fprintf(stderr, "verona: %s\n", err);
		r.status = 2;
		goto free;
	}
	if ((rc = make_run_dir(&r, err, sizeof err)) != 0) {
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
	if (o->testbed != NULL)
		;	/* real hosts: nothing to set up */
	else if (testbed_up(&r.tb, x, err, sizeof err) != 0) {
		runner_fail(&r, 3, "cannot set up the local testbed: %s", err);
		goto out;
	} else
		r.tb_up = 1;
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
	if (r.error == NULL)
		run_checks(&r);
	if (r.tb_up)
		testbed_down(&r.tb);
	if (r.error == NULL)
		r.status = r.checks_errors > 0 ? 3 : r.failed > 0 || r.checks_failed > 0 ? 1 : 0;
	/* an item nobody could decide: the submission needs review, like a harness error */
	grading = grade(&r);
	if (grading != NULL && json_is_true(json_object_get(grading, "needs_review")) && r.status < 3)
		r.status = 3;
	if (write_outputs(&r, grading) != 0 && r.status < 3)
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
	for (size_t i = 0; i < r.nac; i++) {
		json_decref(r.ac[i].hello);
		json_decref(r.ac[i].clock);
		json_decref(r.ac[i].capture);
		free(r.ac[i].pcap);
	}
	free(r.ac);
free:
	json_decref(grading);
	json_decref(r.steps);
	model_sockets_free(&r.socks);
	model_backgrounds_free(&r.bg);
	json_decref(r.checks);
	trace_conns_free(r.conns);
	trace_stats_free(r.stats);
	if (r.lv != NULL) {
		json_decref(r.lv->view.bases);
		json_decref(r.lv->view.senders);
		json_decref(r.lv->pending);
		free(r.lv);
	}
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
