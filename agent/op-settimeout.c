/*
 * op-settimeout.c — sock.settimeout(seconds): None blocks, 0 never waits
 * (BlockingIOError), a positive value ends a waiting call with TimeoutError.
 */
#include "agent.h"

static int
op_settimeout_check(struct agent *a, struct task *t)
{
	json_t *v = json_object_get(t->args, "seconds");
	(void)a;
	if (v != NULL && !json_is_null(v) && !json_is_number(v)) {
		task_agent_error(t, "settimeout: seconds must be a number or null");
		return -1;
	}
	if (json_is_number(v) && json_number_value(v) < 0) {
		task_agent_error(t, "settimeout: Timeout value out of range");
		return -1;
	}
	return 0;
}

static enum op_status
op_settimeout_run(struct agent *a, struct task *t)
{
	json_t *v = json_object_get(t->args, "seconds");
	(void)a;
	t->sock->timeout = json_is_number(v) ? json_number_value(v) : -1;
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_settimeout_entry = {
	.name = "settimeout", .uses_socket = 1,
	.check = op_settimeout_check, .run = op_settimeout_run,
};
