/* agents.c — the agents of a run: start, hello, clocks, send, await, stop; see agents.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agents.h"
#include "ops.h"
#include "outdir.h"
#include "run.h"
#include "util.h"


struct agentconn *
agents_find(struct agents *ag, const char *host)
{
	for (size_t i = 0; i < ag->nac; i++)
		if (strcmp(ag->ac[i].host->name, host) == 0)
			return &ag->ac[i];
	return NULL;
}

int
agents_send(struct agentconn *a, json_t *msg)
{
	return chan_send(&a->ch, msg);
}

/*
 * Puts an agent's time stamps on the controller's time line: a step's
 * start and end, a capture's start, the live view's packets.
 */
static void
agents_to_our_clock(struct agentconn *a, enum msg_type type, json_t *f)
{
	json_t *res, *v, *list;

	if (a->offset_ns == 0)
		return;
	switch (type) {
	case MSG_RESULT:
		/* the result, and a kill's target (the result of the step it stopped) */
		for (res = json_object_get(f, "result"); json_is_object(res); res = json_object_get(res, "target")) {
			static const char *const keys[] = { "start_ns", "end_ns", "killed_ns", NULL };
			for (int i = 0; keys[i] != NULL; i++)
				if (json_is_integer(v = json_object_get(res, keys[i])))
					json_integer_set(v, json_integer_value(v) - a->offset_ns);
		}
		break;
	case MSG_CAPTURE_STARTED:
		if (json_is_integer(v = json_object_get(f, "time_ns")))
			json_integer_set(v, json_integer_value(v) - a->offset_ns);
		break;
	case MSG_CAPTURE_PACKETS:
		list = json_object_get(f, "packets");
		for (size_t k = 0; k < json_array_size(list); k++)
			if (json_is_integer(v = json_array_get(json_array_get(list, k), 0)))
				json_integer_set(v, json_integer_value(v) - a->offset_ns);
		break;
	case MSG_HELLO: case MSG_BYE: case MSG_PING: case MSG_TIME: case MSG_STEP: case MSG_STARTED:
	case MSG_ERROR: case MSG_CAPTURE_START: case MSG_CAPTURE_FAILED: case MSG_CAPTURE_STOP:
	case MSG_CAPTURE_STOPPED: case MSG_CAPTURE_PEEK: case MSG_CAPTURE_FETCH: case MSG_CAPTURE_CHUNK:
		break;	/* no time stamp of the agent's clock */
	}
}

void
agents_heartbeat(struct agents *ag)
{
	int64_t now = time_mono_ns();
	json_t *m = NULL;

	for (size_t i = 0; i < ag->nac; i++) {
		struct agentconn *a = &ag->ac[i];
		if (!a->alive || a->ch.seal == NULL || now - a->ch.last_tx < (int64_t)(PING_S * 1e9))
			continue;
		if (m == NULL)
			m = json_pack("{s:s}", "type", proto_type_name(MSG_PING));
		(void)agents_send(a, m);	/* a lost agent shows when its channel closes */
	}
	json_decref(m);
}

/* Reads from every agent whose channel woke: 0, or -1 with err when one was lost or sent a bad frame. */
static int
agents_read(struct agents *ag, struct pollfd *pfds, const char *what, char *err, size_t errlen)
{
	for (size_t i = 0; i < ag->nac; i++) {
		struct agentconn *a = &ag->ac[i];
		char why[256];
		int rc;
		if (pfds[i].revents == 0)
			continue;
		if ((rc = chan_fill(&a->ch, why, sizeof why)) >= 0)
			continue;
		a->alive = 0;
		if (rc == -1) {
			char *how = chan_exit_text(&a->ch);
			snprintf(err, errlen, "the agent on %s was lost during %s (%s)", a->host->name, what, how);
			free(how);
		} else
			snprintf(err, errlen, "the agent on %s sent a bad frame during %s: %s", a->host->name, what, why);
		return -1;
	}
	return 0;
}

json_t *
agents_await(struct agents *ag, struct agentconn *target, unsigned want, int64_t seq, double timeout_s,
    const char *what, char *err, size_t errlen)
{
	int64_t deadline = time_mono_ns() + (int64_t)(timeout_s * 1e9);
	struct pollfd *pfds = xcalloc(ag->nac, sizeof *pfds);
	json_t *found = NULL;
	enum msg_type type;

	for (;;) {
		/* a frame already read? */
		if ((found = chan_take(&target->ch, want | MSG_BIT(MSG_ERROR), seq, &type)) != NULL) {
			if (type == MSG_ERROR && (want & MSG_BIT(MSG_ERROR)) == 0) {
				snprintf(err, errlen, "the agent on %s dropped the session during %s: %s",
				    target->host->name, what, json_string_value(json_object_get(found, "reason")));
				json_decref(found);
				found = NULL;
			} else
				agents_to_our_clock(target, type, found);
			break;
		}
		if (run_interrupted()) {
			snprintf(err, errlen, "interrupted by signal %d during %s", run_interrupted(), what);
			break;
		}
		int64_t now = time_mono_ns();
		if (now >= deadline) {
			snprintf(err, errlen, "the agent on %s did not answer %s within %.1f s",
			    target->host->name, what, timeout_s);
			break;
		}
		agents_heartbeat(ag);
		for (size_t i = 0; i < ag->nac; i++)
			pfds[i] = (struct pollfd){ .fd = ag->ac[i].alive ? ag->ac[i].ch.rfd : -1, .events = POLLIN };
		int64_t wait_ms = (deadline - now) / 1000000 + 1;
		int rc = poll(pfds, ag->nac, wait_ms > PING_S * 1000 ? (int)(PING_S * 1000) : (int)wait_ms);
		if (rc < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			break;
		}
		if (rc > 0 && agents_read(ag, pfds, what, err, errlen) != 0)
			break;
	}
	free(pfds);
	return found;
}

/* chan_clock's way of waiting: the agent's channel among all the others. */
static json_t *
agents_await_chan(void *ctx, struct chan *c, unsigned want, int64_t seq, double timeout_s, const char *what,
    char *err, size_t errlen)
{
	struct agents *ag = ctx;

	for (size_t i = 0; i < ag->nac; i++)
		if (&ag->ac[i].ch == c)
			return agents_await(ag, &ag->ac[i], want, seq, timeout_s, what, err, errlen);
	snprintf(err, errlen, "a channel of no agent of the run");
	return NULL;
}

/* Starts or reaches the agent of host i into ag->ac[i]; 0 or -1 with err. */
static int
agents_connect(struct agents *ag, size_t i, char *err, size_t errlen)
{
	const struct experiment *x = ag->x;
	struct agentconn *a = &ag->ac[i];
	char *log = xasprintf("agent-%s.log", x->hosts[i].name);
	int logfd = outdir_file(ag->dirfd, log), allow_exec = ag->exec_everywhere, rc;
	char why[512];

	free(log);
	a->host = &x->hosts[i];
	chan_init(&a->ch);
	ag->nac++;
	for (size_t k = 0; k < x->nsteps; k++)
		allow_exec |= x->steps[k].host != NULL && strcmp(x->steps[k].host, a->host->name) == 0 &&
		    x->steps[k].def->runs_program;
	rc = ag->tb->kind->connect(ag->tb, a->host, logfd, allow_exec, ag->say, &a->ch, why, sizeof why);
	if (logfd >= 0)
		close(logfd);
	if (rc != 0) {
		snprintf(err, errlen, "cannot %s the agent on %s: %s", ag->tb->kind->verb, a->host->name, why);
		return -1;
	}
	fcntl(a->ch.wfd, F_SETFL, fcntl(a->ch.wfd, F_GETFL) | O_NONBLOCK);
	a->alive = 1;
	return 0;
}

/* Greets every agent (all the hellos out first, then each answer), then estimates its clock. */
static int
agents_greet(struct agents *ag, char *err, size_t errlen)
{
	for (size_t i = 0; i < ag->nac; i++) {
		struct agentconn *a = &ag->ac[i];
		struct testbed_host_info hi;
		ag->tb->kind->host_info(ag->tb, a->host->name, &hi);
		struct chan_hello hq = { .host = a->host->name, .addr = a->host->addr,
		    .sandbox = ag->sandbox != NULL ? ag->sandbox : "full",
		    .iface = hi.iface != NULL ? hi.iface : a->host->iface, .limits = ag->limits,
		    .bind_own = hi.shared_stack };
		json_t *m = chan_hello_msg(&hq);
		if (agents_send(a, m) != 0) {
			json_decref(m);
			snprintf(err, errlen, "cannot talk to the agent on %s: %s", a->host->name, strerror(errno));
			return -1;
		}
		json_decref(m);
	}
	for (size_t i = 0; i < ag->nac; i++) {
		struct agentconn *a = &ag->ac[i];
		a->hello = agents_await(ag, a, MSG_BIT(MSG_HELLO), -1, HELLO_S, "hello", err, errlen);
		if (a->hello == NULL)
			return -1;
		if (json_integer_value(json_object_get(a->hello, "version")) != PROTO_VERSION) {
			snprintf(err, errlen, "the agent on %s speaks protocol %lld, not %d", a->host->name,
			    (long long)json_integer_value(json_object_get(a->hello, "version")), PROTO_VERSION);
			return -1;
		}
		switch (chan_clock(&a->ch, a->hello, agents_await_chan, ag, HELLO_S, &a->clock, &a->offset_ns,
		    err, errlen)) {
		case 0:
			break;
		case -1:
			snprintf(err, errlen, "cannot talk to the agent on %s: %s", a->host->name, strerror(errno));
			return -1;
		default:
			return -1;
		}
	}
	return 0;
}

int
agents_open(struct agents *ag, char *err, size_t errlen)
{
	ag->ac = xcalloc(ag->x->nhosts, sizeof *ag->ac);
	ag->nac = 0;
	for (size_t i = 0; i < ag->x->nhosts; i++)
		if (agents_connect(ag, i, err, errlen) != 0)
			return -1;
	return agents_greet(ag, err, errlen);
}

void
agents_close(struct agents *ag)
{
	/* one try each: an agent that cannot take a few bytes now is killed below */
	for (size_t i = 0; i < ag->nac; i++)
		if (ag->ac[i].alive && chan_bye(&ag->ac[i].ch) != 0)
			ag->ac[i].alive = 0;
	for (size_t i = 0; i < ag->nac; i++)
		chan_close(&ag->ac[i].ch, 2.0);	/* 2 s: time to stop what programs left */
}
