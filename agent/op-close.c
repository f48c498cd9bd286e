/* op-close.c — sock.close(): closing twice is fine; later calls, and calls still waiting, fail with EBADF. */
#include <errno.h>
#include <unistd.h>

#include "agent.h"

static int
op_close_check(struct agent *a, struct task *t)
{
	(void)a;
	(void)t;
	return 0;
}

static enum op_status
op_close_run(struct agent *a, struct task *t)
{
	if (t->sock->fd >= 0)
		task_set_local_peer(t, t->sock->fd);
	agent_sock_close(a, t->sock, t);
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_close_entry = {
	.name = "close", .uses_socket = 1, .check = op_close_check, .run = op_close_run,
};
