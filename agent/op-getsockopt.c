/*
 * op-getsockopt.c — sock.getsockopt(level, option): the option's value as
 * an int, read as CPython reads it (an int buffer: SO_LINGER gives its
 * l_onoff), for the options setsockopt knows.
 */
#include <errno.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_getsockopt_check(struct agent *a, struct task *t)
{
	const char *name;
	(void)a;
	if (task_arg_str(t, "option", &name) != 0)
		return -1;
	if (op_setsockopt_find(name) == NULL) {
		task_agent_error(t, "getsockopt: unknown option '%s'", name);
		return -1;
	}
	return 0;
}

static enum op_status
op_getsockopt_run(struct agent *a, struct task *t)
{
	const struct op_sockopt *o = op_setsockopt_find(json_string_value(json_object_get(t->args, "option")));
	int v = 0;
	socklen_t len = sizeof v;
	(void)a;

	if (getsockopt(t->sock->fd, o->level, o->opt, &v, &len) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_ok(t, json_integer(v));
	return OP_DONE;
}

const struct op_entry op_getsockopt_entry = {
	.name = "getsockopt", .uses_socket = 1,
	.check = op_getsockopt_check, .run = op_getsockopt_run,
};
