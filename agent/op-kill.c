/*
 * op-kill.c — stops a background step (by its id); its result becomes
 * ECANCELED and is carried in this step's result as "target".  A step that
 * had already ended (a server that crashed) keeps its own result, and
 * "ended" says so.
 */
#include <errno.h>

#include "agent.h"

static int
op_kill_check(struct agent *a, struct task *t)
{
	const char *id;
	if (task_arg_str(t, "id", &id) != 0)
		return -1;
	t->target = agent_task_find_id(a, id);
	if (t->target == NULL || t->target == t || !t->target->background) {
		task_agent_error(t, "kill: no background step with id '%s'", id);
		return -1;
	}
	return 0;
}

static enum op_status
op_kill_run(struct agent *a, struct task *t)
{
	struct task *target = t->target;
	(void)a;
	json_object_set_new(t->result, "ended", json_boolean(target->done));
	if (!target->done)
		task_errno(target, ECANCELED);
	json_object_set_new(t->result, "target", json_deep_copy(target->result));
	json_object_set_new(t->result, "killed", json_integer(target->seq));
	target->collected = 1;
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_kill_entry = {
	.name = "kill", .uses_socket = 0, .check = op_kill_check, .run = op_kill_run,
};
