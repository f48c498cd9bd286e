/*
 * agent.c — verona-agent's main program: serves controller sessions over
 * stdio (started by the controller, inside a namespace or over ssh) or over
 * a unix socket (one session at a time).  One poll loop carries the control
 * channel and every waiting step, so a blocking socket call never blocks the
 * channel.  A bad frame drops that session with a logged reason; the agent
 * itself goes on (with --unix, to the next session).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "agent.h"
#include "capture.h"
#include "cgroup.h"
#include "errnames.h"
#include "frame.h"
#include "log.h"
#include "proto.h"
#include "sandbox.h"
#include "seal.h"
#include "addr.h"

struct session {
	struct agent		 agent;
	struct frame_reader	 rd;
	int			 in_fd;
	int			 hello;
	int			 ended;
	char			*iface;		/* the experiment interface, from hello */
	struct trace_capture	*cap;		/* while capturing */
	char			*cap_path;	/* the capture file, until the session ends */
	struct seal		*seal;		/* TCP: every frame sealed */
	int64_t			 last_rx;	/* TCP: when the controller last sent a frame */
	int			 nft;		/* the session's nftables table is in place */
	char			*nft_error;	/* why not, or NULL */
};

static int	agent_allow_exec;
static volatile sig_atomic_t agent_stop;	/* SIGTERM, SIGINT: end the session cleanly, then exit */
static double	agent_heartbeat_s = HEARTBEAT_S;
int64_t		agent_clock_lie_ns;
static uid_t	agent_exec_uid;
static gid_t	agent_exec_gid;
static int	agent_exec_uid_fixed;	/* --exec-uid, --exec-user: every session the same; else one per session */

#define CAPTURE_CHUNK	(1024 * 1024)
#define CAPTURE_BUFFER	(16 * 1024 * 1024)
#define CAPTURE_BUDGET	(4ULL << 30)	/* the capture file's size when the controller names none */
#define AUTH_S		5.0	/* for the handshake of a TCP session */

static void
agent_on_signal(int sig)
{
	agent_stop = sig;
}

static void
usage(FILE *f)
{
	fprintf(f,
"usage: verona-agent --stdio | --unix PATH | --listen ADDR:PORT [--key FILE] [options]\n"
"Runs the socket steps of verona experiments on this host.\n"
"\n"
"  --stdio          serve one controller session on stdin/stdout (e.g. over ssh)\n"
"  --unix PATH      listen on a unix socket; serve one session at a time\n"
"  --listen ADDR:PORT  listen on TCP; serve one session at a time.  Needs --key\n"
"                   unless ADDR is a loopback address\n"
"  --key FILE       the key shared with the controller (verona keygen; mode 0600):\n"
"                   the controller must prove it has it, and every frame is sealed\n"
"  --heartbeat S    end a TCP session when the controller is silent this long (%g s)\n"
"  --clock-shift S  for tests: report every time stamp S seconds off, as a host\n"
"                   whose clock is wrong would\n"
"  --clock-lie S    for tests: answer the controller's clock questions S seconds\n"
"                   off, as a lopsided control path makes its estimate wrong\n"
"  --name NAME      the host's name in logs\n"
"  --allow-exec     run programs (exec steps) and accept files (put steps)\n"
"  --exec-user USER run programs as USER (default: a user id of each session's own,\n"
"                   one no account and no process uses)\n"
"  --exec-uid N     run programs as the numeric user id N (it must belong to no account)\n"
"  -v, --verbose    log every frame\n"
"  -V, --version    print the version\n"
"  -h, --help       this help\n", HEARTBEAT_S);
}

static void
session_send(struct session *s, json_t *msg)
{
	if (s->agent.out_fd < 0)
		return;
	if (s->seal != NULL) {
		size_t n;
		unsigned char *f = seal_frame_encode(s->seal, msg, &n);
		int rc = fd_write_all(s->agent.out_fd, f, n);
		free(f);
		if (rc != 0) {
			log_warn("controller gone (write: %s)", strerror(errno));
			s->ended = 1;
			s->agent.out_fd = -1;
		}
		return;
	}
	if (frame_write(s->agent.out_fd, msg) != 0) {
		log_warn("controller gone (write: %s)", strerror(errno));
		s->ended = 1;
		s->agent.out_fd = -1;
	}
}

static void
task_free(struct task *t)
{
	if (t->sock != NULL)
		agent_sock_unref(t->sock);
	proc_free(t->proc);
	json_decref(t->args);
	json_decref(t->result);
	free(t->id);
	free(t->payload);
	buf_free(&t->in);
	free(t);
}

static void
session_notify(struct agent *a, json_t *msg)
{
	session_send(a->session, msg);
}

static void
session_drop(struct session *s, const char *reason)
{
	log_warn("dropping controller: %s", reason);
	json_t *m = json_pack("{s:s, s:s}", "type", proto_type_name(MSG_ERROR), "reason", reason);
	session_send(s, m);
	json_decref(m);
	s->ended = 1;
}

static void
session_step(struct session *s, json_t *msg)
{
	struct agent *a = &s->agent;
	struct task *t = xcalloc(1, sizeof *t);
	json_t *v;
	const char *opname;
	double timeout = 5;

	t->wait_fd = -1;
	t->aux_fd[0] = t->aux_fd[1] = t->aux_fd[2] = -1;
	buf_init(&t->in);
	t->result = json_object();
	t->seq = json_integer_value(json_object_get(msg, "seq"));
	t->start_ns = time_realtime_ns();
	t->background = json_is_true(json_object_get(msg, "background"));
	v = json_object_get(msg, "id");
	if (json_is_string(v))
		t->id = xstrdup(json_string_value(v));
	t->args = json_object_get(msg, "args");
	t->args = json_is_object(t->args) ? json_incref(t->args) : json_object();
	v = json_object_get(msg, "timeout");
	if (json_is_number(v) && json_number_value(v) > 0)
		timeout = json_number_value(v);
	t->step_deadline = time_mono_ns() + (int64_t)(timeout * 1e9);
	t->deadline = t->step_deadline;

	t->next = a->tasks;
	a->tasks = t;

	opname = json_string_value(json_object_get(msg, "op"));
	t->op = opname ? op_find(opname) : NULL;
	if (t->op == NULL) {
		static const struct op_entry unknown = { .name = "?" };
		log_warn("unknown operation '%s'", opname ? opname : "(none)");
		t->op = &unknown;
		t->background = 0;
		task_agent_error(t, "unknown operation '%s'", opname ? opname : "(none)");
		return;
	}
	if (t->id != NULL) {
		for (struct task *o = t->next; o != NULL; o = o->next)
			if (o->id != NULL && strcmp(o->id, t->id) == 0 && o->background && !o->collected) {
				t->background = 0;
				task_agent_error(t, "a step with id '%s' is still running", t->id);
				return;
			}
	}
	if (t->op->uses_socket) {
		const char *name;
		if (task_arg_str(t, "socket", &name) != 0)
			goto started;
		t->sock = agent_sock_find(a, name);
		if (t->sock == NULL) {
			task_agent_error(t, "no socket named '%s'", name);
			goto started;
		}
		t->sock->refs++;
		if (t->sock->fd < 0 && strcmp(t->op->name, "close") != 0) {
			task_errno(t, EBADF);
			goto started;
		}
	}
	if (t->op->check != NULL && t->op->check(a, t) != 0)
		goto started;
	/* a program started with ready: says "started" itself, once it is ready */
	t->quiet_start = t->background && strcmp(t->op->name, "exec") == 0 &&
	    json_is_object(json_object_get(t->args, "ready"));
	t->op->run(a, t);
	if (t->quiet_start)
		return;
started:
	if (t->background) {
		json_t *m = json_pack("{s:s, s:I}", "type", proto_type_name(MSG_STARTED), "seq", (json_int_t)t->seq);
		session_send(s, m);
		json_decref(m);
	}
}

static void
session_reply(struct session *s, json_t *m)
{
	session_send(s, m);
	json_decref(m);
}

/*
 * The experiment's filter, without the control channel: the session's own
 * TCP connection, or the ssh connection that carries stdio (SSH_CONNECTION),
 * so that control traffic never shows in the experiment's trace when both
 * share an interface.  Caller frees; NULL for no filter.
 */
static char *
capture_filter(struct session *s, const char *filter)
{
	struct sockaddr_storage l, p;
	socklen_t ll = sizeof l, pl = sizeof p;
	char lip[64], pip[64], *ctl = NULL, *full;
	const char *sshc = getenv("SSH_CONNECTION");
	int type;
	socklen_t tl = sizeof type;

	if (getsockopt(s->in_fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM &&
	    getsockname(s->in_fd, (struct sockaddr *)&l, &ll) == 0 &&
	    getpeername(s->in_fd, (struct sockaddr *)&p, &pl) == 0 &&
	    (l.ss_family == AF_INET || l.ss_family == AF_INET6)) {
		addr_ip((struct sockaddr *)&l, lip, sizeof lip);
		addr_ip((struct sockaddr *)&p, pip, sizeof pip);
		if (strncmp(lip, "::ffff:", 7) == 0)
			memmove(lip, lip + 7, strlen(lip + 7) + 1);
		if (strncmp(pip, "::ffff:", 7) == 0)
			memmove(pip, pip + 7, strlen(pip + 7) + 1);
		ctl = xasprintf("tcp and host %s and port %d and host %s and port %d", lip,
		    addr_port((struct sockaddr *)&l), pip, addr_port((struct sockaddr *)&p));
	} else if (sshc != NULL) {
		char cip[64], sip[64];
		int cport, sport;
		if (sscanf(sshc, "%63s %d %63s %d", cip, &cport, sip, &sport) == 4 &&
		    addr_is_ip(cip, &type) && addr_is_ip(sip, &type))
			ctl = xasprintf("tcp and host %s and port %d and host %s and port %d", cip, cport, sip, sport);
	}
	if (ctl == NULL)
		return filter != NULL && filter[0] != '\0' ? xstrdup(filter) : NULL;
	full = filter != NULL && filter[0] != '\0' ? xasprintf("(%s) and not (%s)", filter, ctl) :
	    xasprintf("not (%s)", ctl);
	log_info("capture filter: %s", full);
	free(ctl);
	return full;
}

/*
 * capture_start {filter, snaplen, buffer, budget}: capture on the experiment
 * interface into a file of at most budget bytes (beyond, packets are only
 * counted).
 */
static void
capture_start(struct session *s, json_t *msg)
{
	const char *filter = json_string_value(json_object_get(msg, "filter"));
	json_t *v = json_object_get(msg, "snaplen");
	int snaplen = json_is_integer(v) ? (int)json_integer_value(v) : 262144;
	json_t *bv = json_object_get(msg, "buffer");
	int bufsize = json_is_integer(bv) && json_integer_value(bv) > 0 ? (int)json_integer_value(bv) : CAPTURE_BUFFER;
	json_t *gv = json_object_get(msg, "budget");
	uint64_t budget = json_is_integer(gv) && json_integer_value(gv) > 0 &&
	    (uint64_t)json_integer_value(gv) < CAPTURE_BUDGET ? (uint64_t)json_integer_value(gv) : CAPTURE_BUDGET;
	const char *tmp = getenv("TMPDIR");
	char err[512];
	int fd;

	if (s->cap != NULL || s->cap_path != NULL) {
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason",
		    "a capture was already made in this session"));
		return;
	}
	if (s->iface == NULL) {
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason",
		    "no interface has the experiment address"));
		return;
	}
	s->cap_path = xasprintf("%s/verona-agent-%ld-XXXXXX.pcap", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	if ((fd = mkostemps(s->cap_path, 5, O_CLOEXEC)) < 0) {
		snprintf(err, sizeof err, "capture file %s: %s", s->cap_path, strerror(errno));
		free(s->cap_path);
		s->cap_path = NULL;
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason", err));
		return;
	}
	char *full = capture_filter(s, filter);
	s->cap = trace_capture_open(s->iface, full, snaplen, bufsize, budget, fd, err, sizeof err);
	free(full);
	if (s->cap == NULL) {
		log_warn("%s", err);
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason", err));
		return;
	}
	session_reply(s, json_pack("{s:s, s:s, s:i, s:I}", "type", proto_type_name(MSG_CAPTURE_STARTED),
	    "iface", s->iface, "snaplen", snaplen, "time_ns", (json_int_t)time_realtime_ns()));
}

static void
capture_stop(struct session *s)
{
	struct trace_capture_stats st;
	json_t *m;

	if (s->cap == NULL) {
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason", "no capture is running"));
		return;
	}
	trace_capture_close(s->cap, &st);
	s->cap = NULL;
	/* what was written, as it was written: records, bytes and their SHA-256, never read back */
	m = json_pack("{s:s, s:I, s:I, s:I, s:i, s:i, s:I, s:s, s:I, s:I}", "type", proto_type_name(MSG_CAPTURE_STOPPED),
	    "packets", (json_int_t)st.packets, "drops", (json_int_t)st.drops,
	    "ifdrops", (json_int_t)st.ifdrops, "linktype", st.linktype, "snaplen", st.snaplen,
	    "bytes", (json_int_t)st.bytes, "sha256", st.sha256,
	    "unwritten", (json_int_t)st.unwritten, "budget", (json_int_t)st.budget);
	if (st.error[0] != '\0') {
		log_warn("%s", st.error);
		json_object_set_new(m, "error", json_string(st.error));
	}
	session_reply(s, m);
}

/* capture_peek: the first bytes of the packets captured since the last peek, for the live view. */
static void
capture_peek(struct session *s)
{
	const struct trace_peek *pk;
	uint64_t lost;
	size_t n;
	char err[256];
	json_t *list = json_array();

	if (s->cap == NULL) {
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason", "no capture is running"));
		json_decref(list);
		return;
	}
	if (trace_capture_pump(s->cap, err, sizeof err) < 0)
		log_warn("%s", err);
	n = trace_capture_peek(s->cap, &pk, &lost);
	for (size_t i = 0; i < n; i++) {
		char *b = b64_encode(pk[i].data, pk[i].caplen);
		json_array_append_new(list, json_pack("[I, i, s]", (json_int_t)pk[i].ts_ns, (int)pk[i].wirelen, b));
		free(b);
	}
	session_reply(s, json_pack("{s:s, s:i, s:I, s:o}", "type", proto_type_name(MSG_CAPTURE_PACKETS),
	    "linktype", trace_capture_linktype(s->cap), "lost", (json_int_t)lost, "packets", list));
}

/* capture_fetch {offset}: the next chunk of the capture file, so no frame has to hold all of it. */
static void
capture_fetch(struct session *s, json_t *msg)
{
	json_int_t off = json_integer_value(json_object_get(msg, "offset"));
	unsigned char *buf;
	ssize_t n;
	int fd;
	char *b64;

	if (s->cap != NULL || s->cap_path == NULL || off < 0 ||
	    (fd = open(s->cap_path, O_RDONLY | O_CLOEXEC)) < 0) {
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason",
		    "no stopped capture to fetch"));
		return;
	}
	buf = xmalloc(CAPTURE_CHUNK);
	n = pread(fd, buf, CAPTURE_CHUNK, (off_t)off);
	close(fd);
	if (n < 0) {
		free(buf);
		session_reply(s, json_pack("{s:s, s:s}", "type", proto_type_name(MSG_CAPTURE_FAILED), "reason", strerror(errno)));
		return;
	}
	b64 = b64_encode(buf, (size_t)n);
	free(buf);
	session_reply(s, json_pack("{s:s, s:I, s:s, s:b}", "type", proto_type_name(MSG_CAPTURE_CHUNK), "offset", off,
	    "data", b64, "eof", n < CAPTURE_CHUNK));
	free(b64);
}

/*
 * hello's limits: the session's cgroup, made for an agent that runs
 * programs; what applied goes into the hello reply.  0, or -1 after
 * dropping the session.
 */
static int
session_limits(struct session *s, json_t *req, json_t *reply)
{
	struct cgroup_limits l;
	char err[256];
	json_t *info;

	if (cgroup_limits_from_json(req, &l, err, sizeof err) != 0) {
		session_drop(s, err);
		return -1;
	}
	s->agent.disk_limit = l.disk;
	if (sandbox_disk_limit(s->agent.workdir, l.disk, err, sizeof err) != 0)
		log_warn("%s", err);
	cgroup_destroy(s->agent.cgroup);
	s->agent.cgroup = NULL;
	if (!s->agent.allow_exec) {
		json_object_set_new(reply, "limits", json_pack("{s:n, s:s}", "cgroup", "why",
		    "this agent runs no programs (no --allow-exec)"));
		return 0;
	}
	s->agent.cgroup = cgroup_create(&l, &info);
	json_object_set_new(reply, "limits", info);
	return 0;
}

/* At hello: the sandbox level the controller asked for, whether it can be made, and the session's nftables rule. */
static void
session_sandbox(struct session *s, int level)
{
	struct agent *a = &s->agent;
	char err[512];

	a->sandbox = level;
	free(a->sandbox_refusal);
	a->sandbox_refusal = NULL;
	if (!a->allow_exec)
		return;
	if (a->workdir == NULL) {
		a->sandbox_refusal = xstrdup("the session has no work directory or no user id of its own "
		    "(the agent's log says why)");
		return;
	}
	if (sandbox_can((enum sandbox_level)level, err, sizeof err) != 0) {
		log_warn("%s", err);
		a->sandbox_refusal = xstrdup(err);
		return;
	}
	if (level != SANDBOX_NONE && s->iface != NULL && !s->nft && a->exec_uid != getuid()) {
		if (sandbox_nft_add(a->exec_uid, s->iface, err, sizeof err) == 0)
			s->nft = 1;
		else {
			free(s->nft_error);
			s->nft_error = xstrdup(err);
			log_info("no nftables rule for the programs' packets: %s", err);
		}
	}
}

/* hello: the protocol version, the sandbox level, the host's facts and limits in the reply. */
static void
session_hello(struct session *s, json_t *msg)
{
	json_t *v = json_object_get(msg, "version");
	char why[128];

	if (!json_is_integer(v) || json_integer_value(v) != PROTO_VERSION) {
		snprintf(why, sizeof why, "protocol version mismatch (agent speaks %d)", PROTO_VERSION);
		session_drop(s, why);
		return;
	}
	const char *host = json_string_value(json_object_get(msg, "host"));
	const char *lvname = json_string_value(json_object_get(msg, "sandbox"));
	int level = lvname != NULL ? sandbox_level_parse(lvname) : SANDBOX_FULL;
	if (host != NULL)
		log_set_tag(host);
	if (level < 0) {
		snprintf(why, sizeof why, "unknown sandbox level \"%.40s\" (full, uid or none)", lvname);
		session_drop(s, why);
		return;
	}
	json_t *reply = hello_info(json_string_value(json_object_get(msg, "addr")),
	    json_string_value(json_object_get(msg, "iface")),
	    json_is_true(json_object_get(msg, "probe_capture")));
	free(s->iface);
	s->iface = json_is_string(json_object_get(reply, "iface")) ?
	    xstrdup(json_string_value(json_object_get(reply, "iface"))) : NULL;
	if (session_limits(s, json_object_get(msg, "limits"), reply) != 0) {
		json_decref(reply);
		return;
	}
	session_sandbox(s, level);
	s->agent.own_addr[0] = '\0';
	if (json_is_true(json_object_get(msg, "bind_own")) && json_is_string(json_object_get(msg, "addr")))
		snprintf(s->agent.own_addr, sizeof s->agent.own_addr, "%s", json_string_value(json_object_get(msg, "addr")));
	json_object_set_new(reply, "sandbox", hello_sandbox_info(&s->agent, s->nft, s->nft_error));
	session_send(s, reply);
	json_decref(reply);
	s->hello = 1;
}

/*
 * One frame from the controller, decoded against the protocol's table
 * (proto.c): the first must be hello (or a ping); a frame that does not fit
 * drops the session.
 */
static void
session_frame(struct session *s, json_t *msg)
{
	enum msg_type type;
	char why[256];
	enum proto_status st = proto_decode(PROTO_TO_AGENT, msg, &type, why, sizeof why);

	log_debug("frame %s", json_string_value(json_object_get(msg, "type")) ?: "(no type)");
	if (st == PROTO_NO_TYPE) {
		session_drop(s, why);
		return;
	}
	if (!s->hello && (st == PROTO_UNKNOWN || (type != MSG_HELLO && type != MSG_PING))) {
		session_drop(s, "first frame is not hello");
		return;
	}
	if (st != PROTO_OK) {
		session_drop(s, why);
		return;
	}
	switch (type) {
	case MSG_HELLO:
		session_hello(s, msg);
		break;
	case MSG_PING:
		/* a heartbeat: the time it came is all that counts */
		break;
	case MSG_TIME:
		session_reply(s, json_pack("{s:s, s:O, s:I}", "type", proto_type_name(MSG_TIME),
		    "seq", json_object_get(msg, "seq") ? json_object_get(msg, "seq") : json_null(),
		    "time_ns", (json_int_t)(time_realtime_ns() + agent_clock_lie_ns)));
		break;
	case MSG_STEP:
		session_step(s, msg);
		break;
	case MSG_CAPTURE_START:
		capture_start(s, msg);
		break;
	case MSG_CAPTURE_STOP:
		capture_stop(s);
		break;
	case MSG_CAPTURE_PEEK:
		capture_peek(s);
		break;
	case MSG_CAPTURE_FETCH:
		capture_fetch(s, msg);
		break;
	case MSG_BYE:
		session_reply(s, json_pack("{s:s}", "type", proto_type_name(MSG_BYE)));
		s->ended = 1;
		break;
	/* never sent to an agent: proto_decode() refused them above */
	case MSG_STARTED:
	case MSG_RESULT:
	case MSG_ERROR:
	case MSG_CAPTURE_STARTED:
	case MSG_CAPTURE_FAILED:
	case MSG_CAPTURE_STOPPED:
	case MSG_CAPTURE_PACKETS:
	case MSG_CAPTURE_CHUNK:
		session_drop(s, "a frame the controller never sends");
		break;
	}
}

/* Reports finished foreground tasks, wakes waits, frees what is done with. */
static void
session_reap(struct session *s)
{
	struct agent *a = &s->agent;
	struct task **tp, *t;
	int progress = 1;

	while (progress) {
		progress = 0;
		for (t = a->tasks; t != NULL; t = t->next)
			if (!t->done && t->target != NULL && t->target->done &&
			    strcmp(t->op->name, "wait") == 0) {
				t->op->run(a, t);
				progress = 1;
			}
	}
	for (tp = &a->tasks; (t = *tp) != NULL;) {
		if (t->done && !t->background) {
			json_t *m = json_pack("{s:s, s:I, s:O}", "type", proto_type_name(MSG_RESULT),
			    "seq", (json_int_t)t->seq, "result", t->result);
			session_send(s, m);
			json_decref(m);
			*tp = t->next;
			/* a collected background task may now go too, unless another wait points at it */
			task_free(t);
			continue;
		}
		tp = &t->next;
	}
	for (tp = &a->tasks; (t = *tp) != NULL;) {
		int referenced = 0;
		if (t->background && t->collected) {
			for (struct task *o = a->tasks; o != NULL; o = o->next)
				if (o->target == t)
					referenced = 1;
			if (!referenced) {
				*tp = t->next;
				task_free(t);
				continue;
			}
		}
		tp = &t->next;
	}
}

static void
session_end(struct session *s)
{
	struct task *t, *next;
	exec_kill_all(&s->agent);
	for (t = s->agent.tasks; t != NULL; t = next) {
		next = t->next;
		task_free(t);
	}
	s->agent.tasks = NULL;
	cgroup_destroy(s->agent.cgroup);
	s->agent.cgroup = NULL;
	agent_sock_close_all(&s->agent);
	frame_reader_free(&s->rd);
	if (s->cap != NULL) {
		struct trace_capture_stats st;
		trace_capture_close(s->cap, &st);
		s->cap = NULL;
	}
	if (s->cap_path != NULL) {
		unlink(s->cap_path);
		free(s->cap_path);
		s->cap_path = NULL;
	}
	free(s->iface);
	s->iface = NULL;
	if (s->nft)
		sandbox_nft_remove(s->agent.exec_uid);
	s->nft = 0;
	free(s->nft_error);
	s->nft_error = NULL;
	free(s->agent.sandbox_refusal);
	s->agent.sandbox_refusal = NULL;
	if (s->agent.workdir != NULL) {
		sandbox_workdir_remove(s->agent.workdir, s->agent.workdir_fd);
		free(s->agent.workdir);
		s->agent.workdir = NULL;
		s->agent.workdir_fd = -1;
	}
}

/* A new session's state: the agent's options, and for an agent that runs programs a user id and work directory. */
static void
session_init(struct session *s, int in_fd, int out_fd, struct seal *seal, struct frame_reader *rd)
{
	memset(s, 0, sizeof *s);
	s->in_fd = in_fd;
	s->agent.out_fd = out_fd;
	s->agent.allow_exec = agent_allow_exec;
	s->agent.exec_uid = agent_exec_uid;
	s->agent.exec_gid = agent_exec_gid;
	s->agent.sandbox = SANDBOX_FULL;
	s->agent.notify = session_notify;
	s->agent.session = s;
	s->agent.workdir_fd = -1;
	if (agent_allow_exec) {
		char err[512];
		if (!agent_exec_uid_fixed) {
			/* a user id of this session's own: no account, no process */
			uid_t u = sandbox_uid_pick();
			if (u == 0)
				s->agent.sandbox_refusal = xstrdup("no free user id for the session's programs "
				    "(none of 20 random ones was unused)");
			s->agent.exec_uid = u;
			s->agent.exec_gid = (gid_t)u;
		}
		if (s->agent.exec_uid != 0) {
			s->agent.workdir = sandbox_workdir_make(s->agent.exec_uid, s->agent.exec_gid,
			    &s->agent.workdir_fd, err, sizeof err);
			if (s->agent.workdir == NULL)
				log_warn("%s", err);
		}
	}
	if (rd != NULL) {
		s->rd = *rd;
		s->seal = seal;
	} else
		frame_reader_init(&s->rd, FRAME_MAX);
	s->last_rx = time_mono_ns();
}

/* The poll set of one round */
struct session_pollset {
	struct pollfd	*pfds;		/* [0] the channel, [1] the capture, then the tasks' fds */
	struct task	**ptasks;	/* the task of each pfds[i] */
	size_t		 n, cap;
	int64_t		 next;		/* the nearest deadline (mono ns), or -1 */
};

static void
session_pollset_make(struct session *s, struct session_pollset *ps)
{
	size_t ntasks = 0;

	for (struct task *t = s->agent.tasks; t != NULL; t = t->next)
		ntasks += 4;
	if (ntasks + 2 > ps->cap) {
		ps->cap = (ntasks + 2) * 2;
		ps->pfds = xrealloc(ps->pfds, ps->cap * sizeof *ps->pfds);
		ps->ptasks = xrealloc(ps->ptasks, ps->cap * sizeof *ps->ptasks);
	}
	ps->n = 1;
	ps->next = -1;
	ps->pfds[0] = (struct pollfd){ .fd = s->in_fd, .events = POLLIN };
	ps->ptasks[ps->n] = NULL;
	ps->pfds[ps->n++] = (struct pollfd){ .fd = s->cap ? trace_capture_fd(s->cap) : -1, .events = POLLIN };
	for (struct task *t = s->agent.tasks; t != NULL; t = t->next) {
		if (t->done)
			continue;
		if (t->deadline != 0 && (ps->next < 0 || t->deadline < ps->next))
			ps->next = t->deadline;
		if (t->wait_fd >= 0) {
			ps->ptasks[ps->n] = t;
			ps->pfds[ps->n++] = (struct pollfd){ .fd = t->wait_fd, .events = t->wait_events };
		}
		for (int k = 0; k < 3; k++)
			if (t->aux_fd[k] >= 0) {
				ps->ptasks[ps->n] = t;
				ps->pfds[ps->n++] = (struct pollfd){ .fd = t->aux_fd[k], .events = POLLIN };
			}
	}
	if (s->seal != NULL) {	/* wake for the heartbeat */
		int64_t hb = s->last_rx + (int64_t)(agent_heartbeat_s * 1e9);
		if (ps->next < 0 || hb < ps->next)
			ps->next = hb;
	}
}

/* Ends the steps whose deadline passed (an operation's expire hook may look again later). */
static void
session_expire(struct session *s)
{
	int64_t now = time_mono_ns();

	for (struct task *t = s->agent.tasks; t != NULL; t = t->next) {
		if (t->done || t->deadline == 0 || t->deadline > now)
			continue;
		if (t->op->expire != NULL) {
			t->op->expire(&s->agent, t);
			if (t->done || t->deadline > now)
				continue;	/* finished, or looking again later */
		}
		if (!t->done) {
			json_object_set_new(t->result, "timeout_reason", json_string(
			    t->deadline_is_socket ? "socket timeout" : "step timeout"));
			task_errno(t, ERR_TIMEOUT);
		}
	}
}

/* Reads from the controller and handles every complete frame; -1 when the session is over. */
static int
session_read(struct session *s)
{
	ssize_t r = frame_reader_fill(&s->rd, s->in_fd);

	s->last_rx = time_mono_ns();
	if (r == 0) {
		log_debug("controller closed the channel");
		return -1;
	}
	if (r < 0 && errno != EAGAIN) {
		log_warn("read from controller: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		json_t *msg;
		char err[256];
		int rc = s->seal != NULL ? seal_frame_next(s->seal, &s->rd, &msg, err, sizeof err) :
		    frame_reader_next(&s->rd, &msg, err, sizeof err);
		if (rc == 0)
			break;
		if (rc < 0) {
			session_drop(s, err);
			break;
		}
		session_frame(s, msg);
		json_decref(msg);
		if (s->ended)
			break;
	}
	return 0;
}

/*
 * Serves one session.  seal and rd: a TCP session after its handshake (the
 * reader may hold bytes already); NULL for stdio and unix.
 */
static void
session_serve(int in_fd, int out_fd, struct seal *seal, struct frame_reader *rd)
{
	struct session s;
	struct session_pollset ps = { 0 };
	unsigned loop_gen = 0;

	session_init(&s, in_fd, out_fd, seal, rd);
	/* in_fd stays blocking: it is read once per POLLIN, and a terminal's flags stay as they were */
	while (!s.ended) {
		int64_t now = time_mono_ns();
		int timeout_ms;

		session_pollset_make(&s, &ps);
		if (ps.next < 0)
			timeout_ms = -1;
		else if (ps.next <= now)
			timeout_ms = 0;
		else
			timeout_ms = (int)((ps.next - now + 999999) / 1000000);
		if (agent_stop) {
			log_info("stopping on signal %d", (int)agent_stop);
			break;
		}
		if (poll(ps.pfds, ps.n, timeout_ms) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll: %s", strerror(errno));
			break;
		}
		if (ps.pfds[1].revents != 0 && s.cap != NULL) {
			char err[256];
			if (trace_capture_pump(s.cap, err, sizeof err) < 0)
				log_warn("%s", err);
		}
		loop_gen++;
		for (size_t i = 2; i < ps.n; i++) {
			struct task *t = ps.ptasks[i];
			/* once per task, however many of its fds woke */
			if (ps.pfds[i].revents == 0 || t->done || t->ran_gen == loop_gen)
				continue;
			t->ran_gen = loop_gen;
			t->wait_fd = -1;
			t->aux_fd[0] = t->aux_fd[1] = t->aux_fd[2] = -1;
			t->op->run(&s.agent, t);
		}
		session_expire(&s);
		if (s.seal != NULL && ps.pfds[0].revents == 0 &&
		    time_mono_ns() - s.last_rx >= (int64_t)(agent_heartbeat_s * 1e9)) {
			log_warn("controller silent for %g s (no heartbeat); ending the session", agent_heartbeat_s);
			break;
		}
		if (ps.pfds[0].revents != 0 && session_read(&s) != 0)
			break;
		session_reap(&s);
	}
	free(ps.pfds);
	free(ps.ptasks);
	session_end(&s);
}

static int
serve_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int lfd;

	if (strlen(path) >= sizeof sun.sun_path) {
		log_warn("unix socket path too long: %s", path);
		return 2;
	}
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		log_warn("socket: %s", strerror(errno));
		return 1;
	}
	struct stat sb;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			log_warn("%s exists and is not a socket; not replacing it", path);
			close(lfd);
			return 2;
		}
		unlink(path);
	}
	mode_t old = umask(077);
	if (bind(lfd, (struct sockaddr *)&sun, sizeof sun) != 0 || listen(lfd, 4) != 0) {
		umask(old);
		log_warn("listen on %s: %s", path, strerror(errno));
		close(lfd);
		return 1;
	}
	umask(old);
	log_info("listening on unix:%s", path);
	for (;;) {
		int fd = agent_stop ? -1 : accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (agent_stop)
			break;
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			log_warn("accept: %s", strerror(errno));
			break;
		}
		struct ucred cred;
		socklen_t cl = sizeof cred;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) != 0 ||
		    (cred.uid != 0 && cred.uid != getuid())) {
			log_warn("refused a connection on unix:%s from uid %ld (pid %ld): only root and the "
			    "agent's own uid may connect", path, cl == sizeof cred ? (long)cred.uid : -1L,
			    cl == sizeof cred ? (long)cred.pid : -1L);
			close(fd);
			continue;
		}
		log_info("controller connected");
		session_serve(fd, fd, NULL, NULL);
		close(fd);
		log_set_tag(NULL);
		log_info("session ended; ready for the next one");
	}
	close(lfd);
	if (agent_stop)
		unlink(path);
	return agent_stop ? 0 : 1;
}

/*
 * --listen: one session at a time over TCP.  With a key, a session starts
 * with the handshake of seal.h and every frame after it is sealed; without
 * one, only a loopback address is allowed.
 */
static int
serve_tcp(const char *spec, const unsigned char *key)
{
	char *host = NULL, *port = NULL;
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd, one = 1, fam;
	long pn;
	char *end;

	if (addr_split(spec, &host, &port) != 0 || port == NULL || !addr_is_ip(host, &fam) ||
	    (pn = strtol(port, &end, 10), *end != '\0') || pn <= 0 || pn > 65535 ||
	    addr_from_ip(host, (int)pn, &ss, &sl) != 0) {
		log_warn("--listen %s: give an IP address and a port, like 192.0.2.10:7700 or [2001:db8::1]:7700", spec);
		free(host);
		free(port);
		return 2;
	}
	if (key == NULL && !addr_is_loopback(host)) {
		log_warn("refusing to listen on %s without --key: anyone who can reach it could "
		    "run steps on this host (only loopback addresses are allowed without a key)", spec);
		free(host);
		free(port);
		return 2;
	}
	free(host);
	free(port);
	lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(lfd, (struct sockaddr *)&ss, sl) != 0 || listen(lfd, 4) != 0) {
		log_warn("listen on %s: %s", spec, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		return 1;
	}
	log_info("listening on tcp:%s%s", spec, key ? " (key required, frames sealed)" : " (loopback, no key)");
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof peer;
		int fd = agent_stop ? -1 : accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
		if (agent_stop)
			break;
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			log_warn("accept: %s", strerror(errno));
			break;
		}
		char *who = addr_format((struct sockaddr *)&peer, pl);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		log_info("connection from %s", who);
		if (key != NULL) {
			struct frame_reader rd;
			struct seal seal;
			char err[256];
			frame_reader_init(&rd, SEAL_AUTH_MAX);
			if (seal_handshake_agent(fd, &rd, key, &seal,
			    time_mono_ns() + (int64_t)(AUTH_S * 1e9), err, sizeof err) != 0) {
				log_warn("refused %s: %s", who, err);
				frame_reader_free(&rd);
			} else {
				log_info("controller at %s authenticated", who);
				session_serve(fd, fd, &seal, &rd);
			}
			sodium_memzero(&seal, sizeof seal);
		} else {
			/* no key: only a controller of our own uid or root; never a program of a session */
			uid_t pu;
			if (sandbox_tcp_peer_uid(fd, &pu) != 0)
				log_warn("refused %s: the owner of its socket is unknown (not in /proc/net/tcp*)", who);
			else if (pu != 0 && pu != getuid())
				log_warn("refused %s: its socket belongs to uid %u; without --key only root and the "
				    "agent's own uid may connect", who, (unsigned)pu);
			else
				session_serve(fd, fd, NULL, NULL);
		}
		close(fd);
		log_set_tag(NULL);
		log_info("session with %s ended; ready for the next one", who);
		free(who);
	}
	close(lfd);
	return agent_stop ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stdio", no_argument, NULL, 's' },
		{ "unix", required_argument, NULL, 'u' },
		{ "listen", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ "heartbeat", required_argument, NULL, 'H' },
		{ "clock-shift", required_argument, NULL, 'S' },
		{ "clock-lie", required_argument, NULL, 'L' },
		{ "name", required_argument, NULL, 'n' },
		{ "allow-exec", no_argument, NULL, 'x' },
		{ "exec-user", required_argument, NULL, 'U' },
		{ "exec-uid", required_argument, NULL, 'I' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, use_stdio = 0;
	const char *unix_path = NULL, *exec_user = NULL, *listen_spec = NULL, *key_path = NULL;
	unsigned char key[SEAL_KEY_BYTES];
	char *end;
	long exec_uid = -1;

	log_init(argv[0]);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = agent_on_signal;	/* no SA_RESTART: poll and accept return EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while ((c = getopt_long(argc, argv, "vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': use_stdio = 1; break;
		case 'u': unix_path = optarg; break;
		case 'l': listen_spec = optarg; break;
		case 'k': key_path = optarg; break;
		case 'H':
			agent_heartbeat_s = strtod(optarg, &end);
			if (*end != '\0' || !(agent_heartbeat_s > 0) || agent_heartbeat_s > 86400) {
				log_warn("--heartbeat %s: give a number of seconds, up to 86400", optarg);
				return 2;
			}
			break;
		case 'S': {
			double shift = strtod(optarg, &end);
			if (*end != '\0' || !(shift >= -1e6 && shift <= 1e6)) {
				log_warn("--clock-shift %s: give a number of seconds, within +-1000000", optarg);
				return 2;
			}
			time_shift_ns = (int64_t)(shift * 1e9);
			break;
		}
		case 'L': {
			double lie = strtod(optarg, &end);
			if (*end != '\0' || !(lie >= -10 && lie <= 10)) {
				log_warn("--clock-lie %s: give a number of seconds, within +-10", optarg);
				return 2;
			}
			agent_clock_lie_ns = (int64_t)(lie * 1e9);
			break;
		}
		case 'n': log_set_tag(optarg); break;
		case 'x': agent_allow_exec = 1; break;
		case 'U': exec_user = optarg; break;
		case 'I':
			exec_uid = strtol(optarg, &end, 10);
			if (*end != '\0' || exec_uid <= 0 || exec_uid >= 0xffffffffL) {
				log_warn("--exec-uid %s: give a user id number above 0", optarg);
				return 2;
			}
			break;
		case 'v': log_set_verbose(1); break;
		case 'V': printf("verona-agent %s (protocol %d)\n", VERONA_VERSION, PROTO_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || use_stdio + (unix_path != NULL) + (listen_spec != NULL) != 1) {
		usage(stderr);
		return 2;
	}
	if (key_path != NULL && listen_spec == NULL) {
		log_warn("--key goes with --listen");
		return 2;
	}
	if (key_path != NULL) {
		char err[512];
		if (seal_key_load(key_path, key, err, sizeof err) != 0) {
			log_warn("%s", err);
			return 2;
		}
	}
	agent_exec_uid = getuid();
	agent_exec_gid = getgid();
	if (agent_allow_exec && !sandbox_can_setuid()) {
		log_warn("refusing --allow-exec: programs must run under a user id of their own, and this agent "
		    "cannot switch user ids (uid %u is not root and lacks CAP_SETUID and CAP_SETGID)",
		    (unsigned)getuid());
		return 2;
	}
	if (exec_user != NULL) {
		struct passwd *pw = getpwnam(exec_user);
		if (pw == NULL) {
			log_warn("no user %s to run programs as", exec_user);
			return 2;
		}
		if (pw->pw_uid == 0 || pw->pw_uid == getuid()) {
			log_warn("--exec-user %s: programs never run as root or as the agent's own uid", exec_user);
			return 2;
		}
		agent_exec_uid = pw->pw_uid;
		agent_exec_gid = pw->pw_gid;
		agent_exec_uid_fixed = 1;
	} else if (exec_uid > 0) {
		/* chosen by the controller (one per host), which cleans up after it */
		struct passwd *pw = getpwuid((uid_t)exec_uid);
		struct group *gr = getgrgid((gid_t)exec_uid);
		if (pw != NULL || gr != NULL || (uid_t)exec_uid == getuid()) {
			log_warn("--exec-uid %ld belongs to %s %s: a session's programs need a user id of their own",
			    exec_uid, pw != NULL ? "the account" : gr != NULL ? "the group" : "the agent",
			    pw != NULL ? pw->pw_name : gr != NULL ? gr->gr_name : "itself");
			return 2;
		}
		agent_exec_uid = agent_exec_gid = (uid_t)exec_uid;
		agent_exec_uid_fixed = 1;
	}
	if (agent_allow_exec)
		sandbox_agent_init();	/* a mount namespace of our own; what the full level lacks */
	if (use_stdio) {
		int out = dup(1);
		/* keep stray writes to stdout away from the channel */
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (out < 0 || devnull < 0) {
			log_warn("dup: %s", strerror(errno));
			return 1;
		}
		dup2(devnull, 1);
		close(devnull);
		fcntl(out, F_SETFD, FD_CLOEXEC);
		session_serve(0, out, NULL, NULL);
		return 0;
	}
	if (listen_spec != NULL)
		return serve_tcp(listen_spec, key_path ? key : NULL);
	return serve_unix(unix_path);
}
