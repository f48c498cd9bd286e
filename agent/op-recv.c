/* op-recv.c — data = sock.recv(size[, flags]): one call; b'' at end of stream; flags as task_recv() says. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "agent.h"


static int
op_recv_check(struct agent *a, struct task *t)
{
	long long size;
	int flags;
	(void)a;
	if (task_arg_size(t, &size) != 0)
		return -1;
	return task_arg_recv_flags(t, &flags);
}

static enum op_status
op_recv_run(struct agent *a, struct task *t)
{
	long long size;
	int flags;
	size_t n;
	enum op_status status;
	(void)a;

	task_arg_int(t, "size", &size, 1, 0);
	task_arg_recv_flags(t, &flags);
	if (size == 0) {		/* CPython returns b'' without a system call */
		task_set_data(t, "", 0);
		task_ok(t, json_integer(0));
		return OP_DONE;
	}
	if (!task_recv(t, (size_t)size, flags, NULL, NULL, &n, &status))
		return status;
	task_set_data(t, t->in.data, n);
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, json_integer((json_int_t)n));
	return OP_DONE;
}

/* CPython answers recv(0) with b'' before it looks at the descriptor, even a closed one. */
static int
op_recv_closed(struct task *t)
{
	json_t *v = json_object_get(t->args, "size");
	if (!json_is_integer(v) || json_integer_value(v) != 0)
		return 0;
	task_set_data(t, "", 0);
	task_ok(t, json_integer(0));
	return 1;
}

const struct op_entry op_recv_entry = {
	.name = "recv", .uses_socket = 1,
	.check = op_recv_check, .run = op_recv_run, .closed = op_recv_closed,
};
