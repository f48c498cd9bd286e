/* op-getsockname.c — sock.getsockname(). */
#include <errno.h>
#include <sys/socket.h>

#include "agent.h"
#include "addr.h"

static int
op_getsockname_check(struct agent *a, struct task *t)
{
	(void)a;
	(void)t;
	return 0;
}

static enum op_status
op_getsockname_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	(void)a;
	if (getsockname(t->sock->fd, (struct sockaddr *)&ss, &len) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_set_addr(t, "local", (struct sockaddr *)&ss, len);
	task_ok(t, addr_to_json((struct sockaddr *)&ss, len));
	return OP_DONE;
}

const struct op_entry op_getsockname_entry = {
	.name = "getsockname", .uses_socket = 1,
	.check = op_getsockname_check, .run = op_getsockname_run,
};
