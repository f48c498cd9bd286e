/*
 * op-connect.c — sock.connect(addr).  TCP: the non-blocking connect is
 * completed when the socket turns writable, its outcome read from SO_ERROR.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "addr.h"
#include "agent.h"

int
op_connect_check(struct agent *a, struct task *t)
{
	(void)a;
	return task_arg_addr(t, "addr");
}

/*
 * The agent's descriptors are non-blocking.  A Python socket without a
 * timeout makes a blocking connect, which the kernel finishes itself: the
 * socket becomes "connected" (a second connect gives EISCONN) or, after a
 * failure, unconnected again with its error taken (the tutorial connects it
 * again after a refusal).  A second connect() once the attempt has ended
 * does exactly that for a non-blocking descriptor.  With a timeout, CPython
 * waits with poll() and leaves the socket as the kernel has it: the next
 * connect after a refusal raises ECONNABORTED, and the local address stays.
 */
static void
op_connect_finish_blocking(struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len;

	int family = AF_INET;
	socklen_t flen = sizeof family;
	const char *cls, *msg;

	if (t->sock->timeout < 0 && getsockopt(t->sock->fd, SOL_SOCKET, SO_DOMAIN, &family, &flen) == 0 &&
	    addr_resolve(json_object_get(t->args, "addr"), family, &ss, &len, &cls, &msg) == ADDR_OK)
		(void)connect(t->sock->fd, (struct sockaddr *)&ss, len);
}

enum op_status
op_connect_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = t->sock->fd;

	if (t->off == 0) {
		t->off = 1;
		if (task_sockaddr(t, "addr", &ss, &len) != 0)
			return OP_DONE;
		if (agent_prebind(a, fd) != 0) {
			task_errno(t, errno);
			return OP_DONE;
		}
		if (connect(fd, (struct sockaddr *)&ss, len) == 0)
			goto connected;
		if (errno != EINPROGRESS) {
			task_errno(t, errno);
			return OP_DONE;
		}
		if (t->sock->timeout == 0) {
			task_errno(t, EINPROGRESS);
			return OP_DONE;
		}
		return task_block(t, POLLOUT);
	} else {
		int err = 0;
		socklen_t elen = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err != 0) {
			task_set_local_peer(t, fd);	/* the port the attempt used, for the trace */
			op_connect_finish_blocking(t);
			task_errno(t, err);
			return OP_DONE;
		}
		op_connect_finish_blocking(t);
	}
connected:
	task_set_local_peer(t, fd);
	task_ok(t, t->op->returns_errno ? json_integer(0) : NULL);
	return OP_DONE;
}

const struct op_entry op_connect_entry = {
	.name = "connect", .uses_socket = 1,
	.check = op_connect_check, .run = op_connect_run,
};
