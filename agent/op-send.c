/* op-send.c — n = sock.send(data): how many bytes the kernel took (all of them on a blocking TCP socket). */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "agent.h"

static int
op_send_check(struct agent *a, struct task *t)
{
	(void)a;
	return task_arg_data(t, "data");
}

/*
 * A blocking TCP socket (no timeout, as Python's default) takes all of the
 * data in one send(), as the kernel's blocking send does: the call waits for
 * room and returns the whole count (or what was queued before an error).
 * With a timeout, or on UDP, it is one non-blocking call, as in CPython.
 */
static enum op_status
op_send_run(struct agent *a, struct task *t)
{
	int all = t->sock->type == SOCK_STREAM && t->sock->timeout < 0;
	ssize_t n;
	(void)a;

	do {
		n = send(t->sock->fd, t->payload + t->off, t->payload_len - t->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return task_block(t, POLLOUT);
			if (t->off == 0) {
				task_errno(t, errno);
				return OP_DONE;
			}
			break;
		}
		t->off += (size_t)n;
	} while (all && t->off < t->payload_len);
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, json_integer((json_int_t)t->off));
	return OP_DONE;
}

static void
op_send_expire(struct agent *a, struct task *t)
{
	(void)a;
	json_object_set_new(t->result, "sent", json_integer((json_int_t)t->off));
}

const struct op_entry op_send_entry = {
	.name = "send", .uses_socket = 1,
	.check = op_send_check, .run = op_send_run, .expire = op_send_expire,
};
