/* op-send.c — n = sock.send(data): one call; returns how many bytes the kernel took. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_send_check(struct agent *a, struct task *t)
{
	(void)a;
	return task_arg_data(t, "data");
}

static enum op_status
op_send_run(struct agent *a, struct task *t)
{
	ssize_t n;
	(void)a;
	n = send(t->sock->fd, t->payload, t->payload_len, MSG_NOSIGNAL);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return task_block(t, POLLOUT);
		task_errno(t, errno);
		return OP_DONE;
	}
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, json_integer(n));
	return OP_DONE;
}

const struct op_entry op_send_entry = {
	.name = "send", .uses_socket = 1,
	.check = op_send_check, .run = op_send_run,
};
