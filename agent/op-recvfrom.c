/*
 * op-recvfrom.c — data, addr = sock.recvfrom(size[, flags]); flags as
 * task_recv() says.  On TCP the kernel names no sender: addr is None.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"


static int
op_recvfrom_check(struct agent *a, struct task *t)
{
	long long size;
	int flags;
	(void)a;
	if (task_arg_size(t, &size) != 0)
		return -1;
	return task_arg_recv_flags(t, &flags);
}

static enum op_status
op_recvfrom_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	long long size;
	int flags;
	size_t n;
	enum op_status status;
	(void)a;

	task_arg_int(t, "size", &size, 1, 0);
	task_arg_recv_flags(t, &flags);
	if (!task_recv(t, (size_t)size, flags, &ss, &len, &n, &status))
		return status;
	task_set_data(t, t->in.data, n);
	if (len > 0)
		task_set_addr(t, "from", (struct sockaddr *)&ss, len);
	else		/* a connected stream names no sender: CPython returns (data, None) */
		json_object_set_new(t->result, "from", json_null());
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, json_integer((json_int_t)n));
	return OP_DONE;
}

const struct op_entry op_recvfrom_entry = {
	.name = "recvfrom", .uses_socket = 1,
	.check = op_recvfrom_check, .run = op_recvfrom_run,
};
