/* op-close.c — sock.close(); later calls on the socket fail with EBADF, as in Python. */
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
	(void)a;
	if (t->sock->fd >= 0) {
		task_set_local_peer(t, t->sock->fd);
		close(t->sock->fd);
		t->sock->fd = -1;
	}
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_close_entry = {
	.name = "close", .uses_socket = 1, .check = op_close_check, .run = op_close_run,
};
