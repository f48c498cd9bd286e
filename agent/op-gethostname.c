/*
 * op-gethostname.c — socket.gethostname(): the host's name (the local
 * testbed gives each agent a UTS namespace with its experiment host name).
 */
#include <errno.h>
#include <unistd.h>

#include "agent.h"

static enum op_status
op_gethostname_run(struct agent *a, struct task *t)
{
	char name[256];
	(void)a;
	if (gethostname(name, sizeof name) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	name[sizeof name - 1] = '\0';
	task_ok(t, json_string(name));
	return OP_DONE;
}

const struct op_entry op_gethostname_entry = {
	.name = "gethostname", .run = op_gethostname_run,
};
