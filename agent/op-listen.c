/* op-listen.c — sock.listen([backlog]); Python's default backlog is min(128, SOMAXCONN). */
#include <errno.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_listen_check(struct agent *a, struct task *t)
{
	long long backlog;
	(void)a;
	return task_arg_int(t, "backlog", &backlog, 0, 128);
}

static enum op_status
op_listen_run(struct agent *a, struct task *t)
{
	long long backlog;
	(void)a;
	task_arg_int(t, "backlog", &backlog, 0, 128);
	if (backlog < 0)
		backlog = 0;
	if (listen(t->sock->fd, (int)backlog) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_listen_entry = {
	.name = "listen", .uses_socket = 1,
	.check = op_listen_check, .run = op_listen_run,
};
