/* op-gettimeout.c — sock.gettimeout(): None (blocking) or the seconds, 0.0 for non-blocking. */
#include "agent.h"

static enum op_status
op_gettimeout_run(struct agent *a, struct task *t)
{
	(void)a;
	task_ok(t, t->sock->timeout < 0 ? json_null() : json_real(t->sock->timeout));
	return OP_DONE;
}

/* CPython's gettimeout() reads no descriptor: a closed socket answers with the timeout it had. */
static int
op_gettimeout_closed(struct task *t)
{
	op_gettimeout_run(NULL, t);
	return 1;
}

const struct op_entry op_gettimeout_entry = {
	.name = "gettimeout", .uses_socket = 1, .run = op_gettimeout_run, .closed = op_gettimeout_closed,
};
