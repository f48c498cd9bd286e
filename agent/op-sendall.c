/* op-sendall.c — sock.sendall(data): sends until every byte is taken; the socket timeout bounds the whole call. */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_sendall_check(struct agent *a, struct task *t)
{
	(void)a;
	return task_arg_data(t, "data");
}

static enum op_status
op_sendall_run(struct agent *a, struct task *t)
{
	(void)a;
	while (t->off < t->payload_len) {
		ssize_t n = send(t->sock->fd, t->payload + t->off,
		    t->payload_len - t->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return task_block(t, POLLOUT);
			json_object_set_new(t->result, "sent", json_integer((json_int_t)t->off));
			task_errno(t, errno);
			return OP_DONE;
		}
		t->off += (size_t)n;
	}
	json_object_set_new(t->result, "sent", json_integer((json_int_t)t->off));
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, NULL);
	return OP_DONE;
}

static void
op_sendall_expire(struct agent *a, struct task *t)
{
	(void)a;
	json_object_set_new(t->result, "sent", json_integer((json_int_t)t->off));
}

const struct op_entry op_sendall_entry = {
	.name = "sendall", .uses_socket = 1,
	.check = op_sendall_check, .run = op_sendall_run, .expire = op_sendall_expire,
};
