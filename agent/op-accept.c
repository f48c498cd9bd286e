/* op-accept.c — conn, addr = sock.accept(): waits for a connection; the new socket is named by "as". */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_accept_check(struct agent *a, struct task *t)
{
	const char *as;
	(void)a;
	return task_arg_str(t, "as", &as);
}

static enum op_status
op_accept_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	const char *as = json_string_value(json_object_get(t->args, "as"));
	int fd = accept4(t->sock->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return task_block(t, POLLIN);
		task_errno(t, errno);
		return OP_DONE;
	}
	/* Python: the accepted socket is blocking unless a default timeout is set. */
	agent_sock_add(a, as, fd, t->sock->type, t->sock->family);
	json_object_set_new(t->result, "as", json_string(as));
	task_set_local_peer(t, fd);
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_accept_entry = {
	.name = "accept", .uses_socket = 1,
	.check = op_accept_check, .run = op_accept_run,
};
