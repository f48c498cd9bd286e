/* op-sendto.c — n = sock.sendto(data, addr): one datagram (or one send on TCP). */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_sendto_check(struct agent *a, struct task *t)
{
	(void)a;
	if (task_arg_data(t, "data") != 0)
		return -1;
	return task_arg_addr(t, "to");
}

static enum op_status
op_sendto_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len;
	ssize_t n;

	if (task_sockaddr(t, "to", &ss, &len) != 0)
		return OP_DONE;
	if (agent_prebind(a, t->sock->fd) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	n = agent_sendto(a, t->sock->fd, t->payload, t->payload_len, MSG_NOSIGNAL, (struct sockaddr *)&ss, len);
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

const struct op_entry op_sendto_entry = {
	.name = "sendto", .uses_socket = 1,
	.check = op_sendto_check, .run = op_sendto_run,
};
