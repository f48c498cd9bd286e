/* op-getpeername.c — sock.getpeername(); ENOTCONN when not connected. */
#include <errno.h>
#include <sys/socket.h>

#include "agent.h"
#include "addr.h"

static int
op_getpeername_check(struct agent *a, struct task *t)
{
	(void)a;
	(void)t;
	return 0;
}

static enum op_status
op_getpeername_run(struct agent *a, struct task *t)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	(void)a;
	if (getpeername(t->sock->fd, (struct sockaddr *)&ss, &len) != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_set_addr(t, "peer", (struct sockaddr *)&ss, len);
	task_ok(t, addr_to_json((struct sockaddr *)&ss, len));
	return OP_DONE;
}

const struct op_entry op_getpeername_entry = {
	.name = "getpeername", .uses_socket = 1,
	.check = op_getpeername_check, .run = op_getpeername_run,
};
