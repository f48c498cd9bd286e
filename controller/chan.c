/* chan.c — the controller's end of an agent's control channel, hello and the clock estimate; see chan.h. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chan.h"
#include "run.h"
#include "util.h"

void
chan_init(struct chan *c)
{
	memset(c, 0, sizeof *c);
	c->pid = -1;
	c->rfd = c->wfd = -1;
	frame_reader_init(&c->rd, FRAME_MAX);
}

int
chan_send(struct chan *c, json_t *msg)
{
	size_t n, off = 0;
	unsigned char *f = c->seal != NULL ? seal_frame_encode(c->seal, msg, &n) : frame_encode(msg, &n);
	int64_t deadline = time_mono_ns() + (int64_t)(CHAN_SEND_S * 1e9);

	c->last_tx = time_mono_ns();
	while (off < n) {
		ssize_t w = write(c->wfd, f + off, n - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (run_interrupted()) {
			errno = EINTR;
			break;
		}
		int64_t left = deadline - time_mono_ns();
		if (left <= 0) {
			errno = ETIMEDOUT;
			break;
		}
		struct pollfd pfd = { .fd = c->wfd, .events = POLLOUT };
		(void)poll(&pfd, 1, (int)(left / 1000000) + 1);
	}
	free(f);
	return off == n ? 0 : -1;
}

static void
chan_pend(struct chan *c, enum msg_type type, json_t *msg)
{
	if (c->npending == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->pending = xrealloc(c->pending, c->cap * sizeof *c->pending);
	}
	c->pending[c->npending++] = (struct chan_frame){ type, msg };
}

int
chan_fill(struct chan *c, char *err, size_t errlen)
{
	ssize_t n = frame_reader_fill(&c->rd, c->rfd);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		snprintf(err, errlen, "%s", n == 0 ? "closed" : strerror(errno));
		return -1;
	}
	for (;;) {
		json_t *f;
		enum msg_type type;
		int k = c->seal != NULL ? seal_frame_next(c->seal, &c->rd, &f, err, errlen) :
		    frame_reader_next(&c->rd, &f, err, errlen);
		if (k == 0)
			break;
		if (k < 0)
			return -2;
		if (proto_decode(PROTO_TO_CONTROLLER, f, &type, err, errlen) != PROTO_OK) {
			json_decref(f);
			return -2;
		}
		chan_pend(c, type, f);
	}
	return n > 0;
}

json_t *
chan_take(struct chan *c, unsigned want, int64_t seq, enum msg_type *type)
{
	for (size_t i = 0; i < c->npending; i++) {
		struct chan_frame *p = &c->pending[i];
		json_t *f;
		if ((want & MSG_BIT(p->type)) == 0 || (p->type != MSG_ERROR && seq >= 0 &&
		    json_integer_value(json_object_get(p->msg, "seq")) != seq))
			continue;
		f = p->msg;
		if (type != NULL)
			*type = p->type;
		memmove(p, p + 1, (c->npending - i - 1) * sizeof *p);
		c->npending--;
		return f;
	}
	return NULL;
}

json_t *
chan_recv(struct chan *c, unsigned want, int64_t seq, double timeout_s, enum msg_type *type,
    char *err, size_t errlen)
{
	int64_t deadline = time_mono_ns() + (int64_t)(timeout_s * 1e9);

	for (;;) {
		json_t *f = chan_take(c, want, seq, type);
		if (f != NULL)
			return f;
		int64_t left = deadline - time_mono_ns();
		if (left <= 0) {
			snprintf(err, errlen, "no answer within %.1f s", timeout_s);
			return NULL;
		}
		struct pollfd pfd = { .fd = c->rfd, .events = POLLIN };
		if (poll(&pfd, 1, (int)(left / 1000000) + 1) <= 0)
			continue;
		int rc = chan_fill(c, err, errlen);
		if (rc == -1 && strcmp(err, "closed") == 0)
			snprintf(err, errlen, "the agent closed the channel");
		else if (rc == -1) {
			char why[256];
			snprintf(why, sizeof why, "%s", err);
			snprintf(err, errlen, "read: %s", why);
		}
		if (rc < 0)
			return NULL;
	}
}

int
chan_bye(struct chan *c)
{
	json_t *bye = json_pack("{s:s}", "type", proto_type_name(MSG_BYE));
	size_t n;
	unsigned char *f = c->seal != NULL ? seal_frame_encode(c->seal, bye, &n) : frame_encode(bye, &n);
	int rc = write(c->wfd, f, n) < 0 ? -1 : 0;

	free(f);
	json_decref(bye);
	return rc;
}

void
chan_close(struct chan *c, double wait_s)
{
	if (c->wfd > 0)
		close(c->wfd);
	if (c->pid > 0) {
		int st, done = 0;
		for (int64_t k = 0; k < (int64_t)(wait_s * 1000) && !done; k++) {
			if (waitpid(c->pid, &st, WNOHANG) == c->pid)
				done = 1;
			else
				usleep(1000);
		}
		if (!done) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &st, 0);
		}
	}
	if (c->rfd > 0)
		close(c->rfd);
	if (c->seal != NULL) {
		sodium_memzero(c->seal, sizeof *c->seal);
		free(c->seal);
	}
	frame_reader_free(&c->rd);
	for (size_t i = 0; i < c->npending; i++)
		json_decref(c->pending[i].msg);
	free(c->pending);
	c->pending = NULL;
	c->npending = c->cap = 0;
	c->rfd = c->wfd = -1;
	c->pid = -1;
	c->seal = NULL;
}

char *
chan_exit_text(struct chan *c)
{
	int st;
	pid_t p;
	for (int i = 0; i < 50; i++) {
		p = waitpid(c->pid, &st, WNOHANG);
		if (p == c->pid) {
			c->pid = -1;
			if (WIFSIGNALED(st))
				return xasprintf("killed by signal %d", WTERMSIG(st));
			return xasprintf("exited with status %d", WEXITSTATUS(st));
		}
		usleep(2000);
	}
	return xstrdup("closed its channel");
}

json_t *
chan_hello_msg(const struct chan_hello *h)
{
	json_t *m = json_pack("{s:s, s:i, s:s, s:s}", "type", proto_type_name(MSG_HELLO), "version", PROTO_VERSION,
	    "host", h->host, "addr", h->addr);

	if (h->sandbox != NULL)
		json_object_set_new(m, "sandbox", json_string(h->sandbox));
	if (h->probe_capture)
		json_object_set_new(m, "probe_capture", json_true());
	if (h->iface != NULL)
		json_object_set_new(m, "iface", json_string(h->iface));
	if (h->limits != NULL)
		json_object_set(m, "limits", h->limits);
	if (h->bind_own)
		json_object_set_new(m, "bind_own", json_true());
	return m;
}

int
clock_same_machine(json_t *hello)
{
	const char *boot = json_string_value(json_object_get(hello, "boot_id"));
	char *ours;
	int same;

	if (boot == NULL || (ours = file_read_all("/proc/sys/kernel/random/boot_id", NULL, 64)) == NULL)
		return 0;
	ours[strcspn(ours, "\n")] = '\0';
	same = strcmp(boot, ours) == 0;
	free(ours);
	return same;
}

void
clock_est_add(struct clock_est *ce, int64_t sent_ns, int64_t agent_ns, int64_t received_ns)
{
	int64_t rtt = received_ns - sent_ns;
	if (ce->rounds++ == 0 || rtt < ce->rtt_ns) {
		ce->rtt_ns = rtt;
		ce->offset_ns = agent_ns - (sent_ns + rtt / 2);
	}
}

json_t *
clock_est_json(const struct clock_est *ce, int same)
{
	if (same)
		return json_pack("{s:i, s:i, s:n, s:s}", "offset_ns", 0, "uncertainty_ns", 0, "rtt_ns",
		    "method", "same machine, same clock");
	return json_pack("{s:I, s:I, s:I, s:s}", "offset_ns", (json_int_t)ce->offset_ns,
	    "uncertainty_ns", (json_int_t)(ce->rtt_ns / 2 + 1), "rtt_ns", (json_int_t)ce->rtt_ns,
	    "method", "smallest round trip of 8");
}

int
chan_clock(struct chan *c, json_t *hello, chan_await_fn *await, void *ctx, double timeout_s,
    json_t **clock, int64_t *offset_ns, char *err, size_t errlen)
{
	struct clock_est ce = { 0 };

	if (clock_same_machine(hello)) {
		*offset_ns = 0;
		*clock = clock_est_json(&ce, 1);
		return 0;
	}
	for (int k = 0; k < CLOCK_ROUNDS; k++) {
		json_t *m = json_pack("{s:s, s:i}", "type", proto_type_name(MSG_TIME), "seq", k), *f;
		int64_t t0 = time_realtime_ns();
		if (chan_send(c, m) != 0) {
			json_decref(m);
			return -1;
		}
		json_decref(m);
		if ((f = await(ctx, c, MSG_BIT(MSG_TIME), k, timeout_s, "the clock estimate", err, errlen)) == NULL)
			return -2;
		clock_est_add(&ce, t0, json_integer_value(json_object_get(f, "time_ns")), time_realtime_ns());
		json_decref(f);
	}
	*offset_ns = ce.offset_ns;
	*clock = clock_est_json(&ce, 0);
	return 0;
}
