/* op-socket.c — socket.socket(family, type): a new named socket. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_socket_check(struct agent *a, struct task *t)
{
	const char *s;
	(void)a;
	if (task_arg_str(t, "name", &s) != 0 || task_arg_str(t, "type", &s) != 0 ||
	    task_arg_str(t, "family", &s) != 0)
		return -1;
	return 0;
}

static enum op_status
op_socket_run(struct agent *a, struct task *t)
{
	const char *name = json_string_value(json_object_get(t->args, "name"));
	const char *type = json_string_value(json_object_get(t->args, "type"));
	const char *family = json_string_value(json_object_get(t->args, "family"));
	int fam = strcmp(family, "inet6") == 0 ? AF_INET6 : AF_INET;
	int ty = strcmp(type, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(fam, ty | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	agent_sock_add(a, name, fd, ty, fam);
	json_object_set_new(t->result, "fd", json_integer(fd));
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_socket_entry = {
	.name = "socket", .uses_socket = 0,
	.check = op_socket_check, .run = op_socket_run,
};
