/*
 * op-setblocking.c — sock.setblocking(flag): False is settimeout(0.0), True
 * is settimeout(None), as in CPython.
 */
#include "agent.h"

static int
op_setblocking_check(struct agent *a, struct task *t)
{
	long long flag;
	(void)a;
	return task_arg_int(t, "flag", &flag, 1, 0);
}

static enum op_status
op_setblocking_run(struct agent *a, struct task *t)
{
	long long flag;
	(void)a;
	task_arg_int(t, "flag", &flag, 1, 0);
	t->sock->timeout = flag ? -1 : 0;
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_setblocking_entry = {
	.name = "setblocking", .uses_socket = 1,
	.check = op_setblocking_check, .run = op_setblocking_run,
};
