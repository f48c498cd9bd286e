/* op-shutdown.c — sock.shutdown(socket.SHUT_RD | SHUT_WR | SHUT_RDWR). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_shutdown_how(const char *how)
{
	if (strcmp(how, "rd") == 0)
		return SHUT_RD;
	if (strcmp(how, "wr") == 0)
		return SHUT_WR;
	if (strcmp(how, "rdwr") == 0)
		return SHUT_RDWR;
	return -1;
}

static int
op_shutdown_check(struct agent *a, struct task *t)
{
	const char *how;
	(void)a;
	if (task_arg_str(t, "how", &how) != 0)
		return -1;
	if (op_shutdown_how(how) < 0) {
		task_agent_error(t, "shutdown: how must be rd, wr or rdwr");
		return -1;
	}
	return 0;
}

static enum op_status
op_shutdown_run(struct agent *a, struct task *t)
{
	const char *how = json_string_value(json_object_get(t->args, "how"));
	(void)a;
	if (shutdown(t->sock->fd, op_shutdown_how(how)) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_shutdown_entry = {
	.name = "shutdown", .uses_socket = 1,
	.check = op_shutdown_check, .run = op_shutdown_run,
};
