/*
 * op.c — the table of step operations (one op-*.c file each) and the helpers
 * they share: argument accessors, result builders, socket table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"
#include "addr.h"
#include "errnames.h"

extern const struct op_entry op_exec_entry, op_put_entry;
extern const struct op_entry op_socket_entry, op_bind_entry, op_listen_entry,
    op_accept_entry, op_connect_entry, op_send_entry, op_sendall_entry,
    op_sendto_entry, op_recv_entry, op_recvall_entry, op_recvfrom_entry,
    op_shutdown_entry, op_close_entry, op_setsockopt_entry,
    op_settimeout_entry, op_getsockname_entry, op_getpeername_entry,
    op_sleep_entry, op_wait_entry, op_kill_entry, op_connect_ex_entry,
    op_setblocking_entry, op_gettimeout_entry, op_getsockopt_entry,
    op_gethostname_entry, op_gethostbyname_entry, op_getaddrinfo_entry;

static const struct op_entry *const op_table[] = {
	&op_socket_entry, &op_bind_entry, &op_listen_entry, &op_accept_entry,
	&op_connect_entry, &op_send_entry, &op_sendall_entry, &op_sendto_entry,
	&op_recv_entry, &op_recvall_entry, &op_recvfrom_entry,
	&op_shutdown_entry, &op_close_entry, &op_setsockopt_entry,
	&op_settimeout_entry, &op_getsockname_entry, &op_getpeername_entry,
	&op_sleep_entry, &op_wait_entry, &op_kill_entry, &op_exec_entry, &op_put_entry,
	&op_connect_ex_entry, &op_setblocking_entry, &op_gettimeout_entry, &op_getsockopt_entry,
	&op_gethostname_entry, &op_gethostbyname_entry, &op_getaddrinfo_entry,
};

const struct op_entry *
op_find(const char *name)
{
	for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++)
		if (strcmp(op_table[i]->name, name) == 0)
			return op_table[i];
	return NULL;
}

struct vsock *
agent_sock_find(struct agent *a, const char *name)
{
	for (struct vsock *s = a->socks; s != NULL; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

void
agent_sock_unref(struct vsock *s)
{
	if (--s->refs > 0)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->name);
	free(s);
}

void
agent_sock_close(struct agent *a, struct vsock *s, struct task *except)
{
	struct vsock *keep = NULL;

	for (struct task *t = a->tasks; t != NULL; t = t->next) {
		if (t == except || t->done || t->sock != s)
			continue;
		if (s->timeout > 0) {
			t->wait_fd = -1;	/* nothing to wake it: it ends at its deadline */
			continue;
		}
		if (keep == NULL) {
			keep = xcalloc(1, sizeof *keep);
			keep->name = xstrdup(s->name);
			keep->fd = s->fd;
			keep->type = s->type;
			keep->family = s->family;
			keep->timeout = s->timeout;
			keep->orphan = 1;
		}
		keep->refs++;
		s->refs--;
		t->sock = keep;
	}
	if (keep == NULL && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

struct vsock *
agent_sock_add(struct agent *a, const char *name, int fd, int type, int family)
{
	struct vsock **sp, *s;

	/* Rebinding a Python name drops the old socket, which closes when nothing else uses it. */
	for (sp = &a->socks; (s = *sp) != NULL; sp = &s->next)
		if (strcmp(s->name, name) == 0) {
			*sp = s->next;
			agent_sock_unref(s);
			break;
		}
	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(name);
	s->refs = 1;
	s->next = a->socks;
	a->socks = s;
	s->fd = fd;
	s->type = type;
	s->family = family;
	s->timeout = -1;
	return s;
}

void
agent_sock_close_all(struct agent *a)
{
	struct vsock *s, *next;
	for (s = a->socks; s != NULL; s = next) {
		next = s->next;
		agent_sock_unref(s);
	}
	a->socks = NULL;
}

struct task *
agent_task_find_id(struct agent *a, const char *id)
{
	for (struct task *t = a->tasks; t != NULL; t = t->next)
		if (t->id != NULL && strcmp(t->id, id) == 0)
			return t;
	return NULL;
}

void
task_finish(struct task *t)
{
	json_object_set_new(t->result, "start_ns", json_integer(t->start_ns));
	json_object_set_new(t->result, "end_ns", json_integer(time_realtime_ns()));
	t->done = 1;
	t->wait_fd = -1;
	if (t->sock != NULL && t->sock->orphan) {
		/* the call that kept a closed socket ends: the socket goes now, as in CPython */
		agent_sock_unref(t->sock);
		t->sock = NULL;
	}
}

void
task_ok(struct task *t, json_t *ret)
{
	json_object_set_new(t->result, "ok", json_true());
	json_object_set_new(t->result, "ret", ret ? ret : json_null());
	json_object_set_new(t->result, "errno", json_integer(0));
	task_finish(t);
}

/*
 * A call on a socket that is closed (agent_sock_close): recv(0) answers
 * without a descriptor; a call with a timeout that was waiting when the
 * socket closed ends at that timeout with EBADF, as CPython's poll() then
 * reports the descriptor gone.
 */
static int
task_closed_socket(struct task *t, int *err)
{
	if (t->sock == NULL || t->sock->fd >= 0)
		return 0;
	if (*err == EBADF && t->op->closed != NULL)
		return t->op->closed(t);
	if (*err == ERR_TIMEOUT && t->deadline_is_socket) {
		json_object_del(t->result, "timeout_reason");
		*err = EBADF;
	}
	return 0;
}

void
task_errno(struct task *t, int err)
{
	const char *name;
	char text[256];

	if (task_closed_socket(t, &err))
		return;
	if (t->op->returns_errno && !(err == ERR_TIMEOUT && !t->deadline_is_socket) && err != ERR_EOF) {
		json_object_del(t->result, "timeout_reason");
		task_ok(t, json_integer(err == ERR_TIMEOUT ? EAGAIN : err));
		return;
	}
	name = errname_name(err);
	errname_pyformat(err, text, sizeof text);
	json_object_set_new(t->result, "ok", json_false());
	json_object_set_new(t->result, "ret", json_null());
	json_object_set_new(t->result, "errno", json_integer(err));
	json_object_set_new(t->result, "error", json_string(name ? name : "EUNKNOWN"));
	if (err == ERR_TIMEOUT)
		json_object_set_new(t->result, "message", json_string("timed out"));
	else if (err == ERR_EOF)
		json_object_set_new(t->result, "message", json_string("socket closed"));
	else
		json_object_set_new(t->result, "message", json_string(strerror(err)));
	json_object_set_new(t->result, "python", json_string(text));
	task_finish(t);
}

void
task_gaierror(struct task *t, int eai)
{
	char *text;

	if (eai == EAI_SYSTEM) {
		task_errno(t, errno);
		return;
	}
	text = xasprintf("socket.gaierror: [Errno %d] %s", eai, gai_strerror(eai));
	json_object_set_new(t->result, "ok", json_false());
	json_object_set_new(t->result, "ret", json_null());
	json_object_set_new(t->result, "errno", json_integer(eai));
	json_object_set_new(t->result, "error", json_string("gaierror"));
	json_object_set_new(t->result, "message", json_string(gai_strerror(eai)));
	json_object_set_new(t->result, "python", json_string(text));
	free(text);
	task_finish(t);
}

void
task_agent_error(struct task *t, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	json_object_set_new(t->result, "ok", json_false());
	json_object_set_new(t->result, "ret", json_null());
	json_object_set_new(t->result, "agent_error", json_string(msg));
	free(msg);
	task_finish(t);
}

enum op_status
task_block(struct task *t, short events)
{
	if (t->sock != NULL && t->sock->timeout == 0) {
		task_errno(t, EAGAIN);
		return OP_DONE;
	}
	t->wait_fd = t->sock ? t->sock->fd : -1;
	t->wait_events = events;
	if (t->sock != NULL && t->sock->timeout > 0 && !t->deadline_is_socket) {
		int64_t d = time_mono_ns() + (int64_t)(t->sock->timeout * 1e9);
		if (t->deadline == 0 || d <= t->deadline) {
			t->deadline = d;
			t->deadline_is_socket = 1;
		}
	}
	return OP_WAIT;
}

void
task_set_addr(struct task *t, const char *key, const struct sockaddr *sa, socklen_t len)
{
	json_t *j = addr_to_json(sa, len);
	if (j != NULL)
		json_object_set_new(t->result, key, j);
}

void
task_set_local_peer(struct task *t, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		task_set_addr(t, "local", (struct sockaddr *)&ss, len);
	len = sizeof ss;
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		task_set_addr(t, "peer", (struct sockaddr *)&ss, len);
}

int
task_arg_str(struct task *t, const char *key, const char **out)
{
	json_t *v = json_object_get(t->args, key);
	if (!json_is_string(v)) {
		task_agent_error(t, "%s: argument '%s' must be a string", t->op->name, key);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

int
task_arg_int(struct task *t, const char *key, long long *out, int required, long long dflt)
{
	json_t *v = json_object_get(t->args, key);
	if (v == NULL || json_is_null(v)) {
		if (required) {
			task_agent_error(t, "%s: argument '%s' is missing", t->op->name, key);
			return -1;
		}
		*out = dflt;
		return 0;
	}
	if (!json_is_integer(v)) {
		task_agent_error(t, "%s: argument '%s' must be an integer", t->op->name, key);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

/*
 * The shape of an address argument, checked when the step arrives: {ip,
 * port} with an IP literal, or {host, port} with a name the run resolves
 * (task_sockaddr); what the name means is the call's business, as in CPython.
 */
int
task_arg_addr(struct task *t, const char *key)
{
	json_t *a = json_object_get(t->args, key);
	const char *ip = json_string_value(json_object_get(a, "ip"));
	json_t *port = json_object_get(a, "port");
	int ok = json_is_object(a) && json_is_integer(port) && json_integer_value(port) >= 0 &&
	    json_integer_value(port) <= 65535;

	if (ok && ip != NULL)
		ok = json_object_get(a, "host") == NULL && addr_is_ip(ip, NULL);
	else if (ok)
		ok = json_is_string(json_object_get(a, "host"));
	if (!ok) {
		task_agent_error(t, "%s: argument '%s' must be an address {ip, port} (an IP literal) or {host, port}",
		    t->op->name, key);
		return -1;
	}
	return 0;
}

void
task_pyerror(struct task *t, const char *cls, const char *msg)
{
	json_object_set_new(t->result, "ok", json_false());
	json_object_set_new(t->result, "ret", json_null());
	json_object_set_new(t->result, "errno", json_integer(0));
	json_object_set_new(t->result, "error", json_string(cls));
	json_object_set_new(t->result, "message", json_string(msg));
	json_object_set_new(t->result, "python", json_sprintf("%s: %s", cls, msg));
	task_finish(t);
}

int
task_sockaddr(struct task *t, const char *key, struct sockaddr_storage *ss, socklen_t *len)
{
	int family = AF_INET, rc;
	socklen_t flen = sizeof family;
	const char *cls = NULL, *msg = NULL;

	if (getsockopt(t->sock->fd, SOL_SOCKET, SO_DOMAIN, &family, &flen) != 0) {
		task_errno(t, errno);
		return -1;
	}
	rc = addr_resolve(json_object_get(t->args, key), family, ss, len, &cls, &msg);
	if (rc == ADDR_OK)
		return 0;
	if (rc == ADDR_PYERROR)
		task_pyerror(t, cls, msg);
	else if (rc == ADDR_BAD)
		task_agent_error(t, "%s: argument '%s' is not an address for this socket", t->op->name, key);
	else
		task_gaierror(t, rc);
	return -1;
}

int
task_arg_size(struct task *t, long long *out)
{
	if (task_arg_int(t, "size", out, 1, 0) != 0)
		return -1;
	if (*out < 0 || *out > RECV_SIZE_MAX) {
		task_agent_error(t, "%s: size %lld out of range 0..%d", t->op->name, *out, RECV_SIZE_MAX);
		return -1;
	}
	return 0;
}

int
task_arg_data(struct task *t, const char *key)
{
	const char *s;
	if (task_arg_str(t, key, &s) != 0)
		return -1;
	free(t->payload);
	t->payload = NULL;
	if (b64_decode(s, &t->payload, &t->payload_len) != 0) {
		task_agent_error(t, "%s: argument '%s' is not base64", t->op->name, key);
		return -1;
	}
	return 0;
}

void
task_set_data(struct task *t, const void *p, size_t n)
{
	char *b = b64_encode(p, n);
	json_object_set_new(t->result, "data", json_string(b));
	json_object_set_new(t->result, "data_len", json_integer((json_int_t)n));
	free(b);
}

static const struct recv_flag {
	const char	*name;
	int		 bit;
} recv_flags[] = {
	{ "peek",	MSG_PEEK },
	{ "waitall",	MSG_WAITALL },
	{ "dontwait",	MSG_DONTWAIT },
};

int
task_arg_recv_flags(struct task *t, int *out)
{
	json_t *v = json_object_get(t->args, "flags"), *f;
	size_t i, k;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		task_agent_error(t, "%s: argument 'flags' must be a list of peek, waitall, dontwait", t->op->name);
		return -1;
	}
	json_array_foreach(v, i, f) {
		for (k = 0; k < sizeof recv_flags / sizeof recv_flags[0]; k++)
			if (json_is_string(f) && strcmp(json_string_value(f), recv_flags[k].name) == 0)
				break;
		if (k == sizeof recv_flags / sizeof recv_flags[0]) {
			task_agent_error(t, "%s: flag %s is not one of peek, waitall, dontwait", t->op->name,
			    json_is_string(f) ? json_string_value(f) : "(not a string)");
			return -1;
		}
		*out |= recv_flags[k].bit;
	}
	return 0;
}

/* SO_RCVLOWAT: poll() wakes once n bytes wait (peek with waitall), or 1 again. */
static void
task_recv_lowat(struct task *t, int n)
{
	(void)setsockopt(t->sock->fd, SOL_SOCKET, SO_RCVLOWAT, &n, sizeof n);
}

int
task_recv(struct task *t, size_t size, int flags, struct sockaddr_storage *from, socklen_t *fromlen,
    size_t *got, enum op_status *status)
{
	/* CPython's blocking recv waits in the kernel: MSG_WAITALL then waits for all of it */
	int waitall = (flags & MSG_WAITALL) && t->sock->timeout < 0 && t->sock->type == SOCK_STREAM;
	int peek = (flags & MSG_PEEK) != 0;
	size_t have = peek ? 0 : t->off;
	ssize_t n;

	buf_reserve(&t->in, size);
	n = recvfrom(t->sock->fd, t->in.data + have, size - have, flags, (struct sockaddr *)from, fromlen);
	if (n < 0 && (errno == EAGAIN || errno == EINTR) && !((flags & MSG_DONTWAIT) && t->sock->timeout < 0)) {
		if (waitall && peek && t->off == 0) {
			task_recv_lowat(t, (int)size);
			t->off = 1;
		}
		*status = task_block(t, POLLIN);
		return 0;
	}
	if (n < 0 && have == 0) {
		if (waitall && peek)
			task_recv_lowat(t, 1);
		task_errno(t, errno);
		*status = OP_DONE;
		return 0;
	}
	if (n > 0 && waitall && (size_t)n + have < size) {
		if (peek && t->off == 0) {	/* not all there yet: wait until it is, or the stream ends */
			task_recv_lowat(t, (int)size);
			t->off = 1;
			*status = task_block(t, POLLIN);
			return 0;
		}
		if (!peek) {
			t->off += (size_t)n;
			*status = task_block(t, POLLIN);
			return 0;
		}
	}
	if (waitall && peek)
		task_recv_lowat(t, 1);
	*got = (n > 0 ? (size_t)n : 0) + have;
	return 1;
}

int
agent_prebind(const struct agent *a, int fd)
{
	struct sockaddr_in me, own = { .sin_family = AF_INET };
	socklen_t len = sizeof me;

	if (a->own_addr[0] == '\0' || inet_pton(AF_INET, a->own_addr, &own.sin_addr) != 1)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&me, &len) != 0 || me.sin_family != AF_INET ||
	    me.sin_addr.s_addr != htonl(INADDR_ANY) || me.sin_port != 0)
		return 0;	/* bound already (or not IPv4): as the program or the experiment chose */
	return bind(fd, (struct sockaddr *)&own, sizeof own);
}

ssize_t
agent_sendto(const struct agent *a, int fd, const void *buf, size_t n, int flags, const struct sockaddr *to,
    socklen_t tolen)
{
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	struct in_pktinfo pi;
	union { char buf[CMSG_SPACE(sizeof pi)]; struct cmsghdr align; } ctl;
	struct iovec iov = { (void *)buf, n };
	struct msghdr m = { .msg_name = (void *)to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1 };
	int type = 0;
	socklen_t tl = sizeof type;

	if (a->own_addr[0] == '\0' || getsockname(fd, (struct sockaddr *)&me, &len) != 0 || me.sin_family != AF_INET ||
	    me.sin_addr.s_addr != htonl(INADDR_ANY) || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 ||
	    type != SOCK_DGRAM)
		return sendto(fd, buf, n, flags, to, tolen);
	/* bound to every address (a server's port): the datagram leaves from the host's address, not 127.0.0.1 */
	memset(&pi, 0, sizeof pi);
	if (inet_pton(AF_INET, a->own_addr, &pi.ipi_spec_dst) != 1)
		return sendto(fd, buf, n, flags, to, tolen);
	memset(&ctl, 0, sizeof ctl);
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof ctl.buf;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof pi);
	memcpy(CMSG_DATA(c), &pi, sizeof pi);
	return sendmsg(fd, &m, flags);
}
