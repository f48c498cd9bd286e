/* op-bind.c — sock.bind(addr). */
#include <errno.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_bind_check(struct agent *a, struct task *t)
{
	(void)a;
	return task_arg_addr(t, "addr");
}

static enum op_status
op_bind_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len;
	(void)a;
	if (task_sockaddr(t, "addr", &ss, &len) != 0)
		return OP_DONE;
	if (bind(t->sock->fd, (struct sockaddr *)&ss, len) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_bind_entry = {
	.name = "bind", .uses_socket = 1,
	.check = op_bind_check, .run = op_bind_run,
};
