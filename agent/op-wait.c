/* op-wait.c — collects the result of a background step (by its id) when it ends. */
#include "agent.h"

static int
op_wait_check(struct agent *a, struct task *t)
{
	const char *id;
	if (task_arg_str(t, "id", &id) != 0)
		return -1;
	t->target = agent_task_find_id(a, id);
	if (t->target == NULL || t->target == t || !t->target->background) {
		task_agent_error(t, "wait: no background step with id '%s'", id);
		return -1;
	}
	if (t->target->collected) {
		task_agent_error(t, "wait: step '%s' was already collected", id);
		return -1;
	}
	return 0;
}

static enum op_status
op_wait_run(struct agent *a, struct task *t)
{
	(void)a;
	if (!t->target->done) {
		t->wait_fd = -1;
		return OP_WAIT;		/* the loop calls run again when a task ends */
	}
	json_decref(t->result);
	t->result = json_deep_copy(t->target->result);
	json_object_set_new(t->result, "waited", json_integer(t->target->seq));
	t->target->collected = 1;
	t->done = 1;
	return OP_DONE;
}

/*
 * The wait's own timeout passed.  A wait inherits the timeout of the step it
 * collects, so the two often fall due in the same round: when the target's
 * timeout has passed too, the target is being stopped now, and its result
 * (a program stopped at its timeout), not the wait's, is the one to report.
 */
static void
op_wait_expire(struct agent *a, struct task *t)
{
	int64_t now = time_mono_ns();
	(void)a;
	if (!t->target->done && t->target->step_deadline <= now)
		t->deadline = now + 100 * 1000000LL;	/* collected once the target ends */
}

const struct op_entry op_wait_entry = {
	.name = "wait", .uses_socket = 0, .check = op_wait_check, .run = op_wait_run,
	.expire = op_wait_expire,
};
