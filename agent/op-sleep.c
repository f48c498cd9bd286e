/* op-sleep.c — time.sleep(seconds) on the agent, without blocking its loop. */
#include "agent.h"

static int
op_sleep_check(struct agent *a, struct task *t)
{
	json_t *v = json_object_get(t->args, "seconds");
	(void)a;
	if (!json_is_number(v) || json_number_value(v) < 0) {
		task_agent_error(t, "sleep: seconds must be a number >= 0");
		return -1;
	}
	return 0;
}

static enum op_status
op_sleep_run(struct agent *a, struct task *t)
{
	double s = json_number_value(json_object_get(t->args, "seconds"));
	int64_t d = time_mono_ns() + (int64_t)(s * 1e9);
	(void)a;
	if (t->off++ > 0 || s == 0) {
		task_ok(t, NULL);
		return OP_DONE;
	}
	if (t->deadline == 0 || d < t->deadline)
		t->deadline = d, t->deadline_is_socket = 1;
	t->wait_fd = -1;
	return OP_WAIT;
}

static void
op_sleep_expire(struct agent *a, struct task *t)
{
	(void)a;
	if (t->deadline_is_socket)	/* our own deadline, not the step's */
		task_ok(t, NULL);
}

const struct op_entry op_sleep_entry = {
	.name = "sleep", .uses_socket = 0,
	.check = op_sleep_check, .run = op_sleep_run, .expire = op_sleep_expire,
};
