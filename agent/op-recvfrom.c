/* op-recvfrom.c — data, addr = sock.recvfrom(size). */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"


static int
op_recvfrom_check(struct agent *a, struct task *t)
{
	long long size;
	(void)a;
	return task_arg_size(t, &size);
}

static enum op_status
op_recvfrom_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	long long size;
	ssize_t n;
	(void)a;

	task_arg_int(t, "size", &size, 1, 0);
	buf_reserve(&t->in, (size_t)size);
	n = recvfrom(t->sock->fd, t->in.data, (size_t)size, 0, (struct sockaddr *)&ss, &len);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return task_block(t, POLLIN);
		task_errno(t, errno);
		return OP_DONE;
	}
	task_set_data(t, t->in.data, (size_t)n);
	if (len > 0)
		task_set_addr(t, "from", (struct sockaddr *)&ss, len);
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, json_integer(n));
	return OP_DONE;
}

const struct op_entry op_recvfrom_entry = {
	.name = "recvfrom", .uses_socket = 1,
	.check = op_recvfrom_check, .run = op_recvfrom_run,
};
