/*
 * op-recvall.c — the seeds' recv_all(): recv in a loop until "size" bytes
 * (end of stream first is EOFError) or, with "until": "eof", until the peer
 * closes.  The socket timeout applies to each recv, as in the Python loop.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"
#include "errnames.h"


static int
op_recvall_check(struct agent *a, struct task *t)
{
	long long size;
	(void)a;
	if (json_object_get(t->args, "until") != NULL) {
		const char *u;
		if (task_arg_str(t, "until", &u) != 0)
			return -1;
		if (strcmp(u, "eof") != 0) {
			task_agent_error(t, "recvall: until must be \"eof\"");
			return -1;
		}
		return 0;
	}
	return task_arg_size(t, &size);
}

static void
op_recvall_partial(struct task *t)
{
	task_set_data(t, t->in.data, t->in.len);
}

static enum op_status
op_recvall_run(struct agent *a, struct task *t)
{
	long long size = -1;
	char chunk[65536];
	(void)a;

	if (json_object_get(t->args, "until") == NULL)
		task_arg_int(t, "size", &size, 1, 0);
	for (;;) {
		size_t want = sizeof chunk;
		ssize_t n;
		if (size >= 0) {
			if (t->in.len >= (size_t)size)
				break;
			if ((size_t)size - t->in.len < want)
				want = (size_t)size - t->in.len;
		} else if (t->in.len >= RECV_SIZE_MAX) {
			op_recvall_partial(t);
			task_agent_error(t, "recvall: more than %d bytes before end of stream", RECV_SIZE_MAX);
			return OP_DONE;
		}
		n = recv(t->sock->fd, chunk, want, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return task_block(t, POLLIN);
			op_recvall_partial(t);
			task_errno(t, errno);
			return OP_DONE;
		}
		if (n == 0) {
			if (size >= 0) {
				op_recvall_partial(t);
				task_errno(t, ERR_EOF);
				return OP_DONE;
			}
			break;
		}
		buf_add(&t->in, chunk, (size_t)n);
		/* progress: the socket timeout starts again for the next recv */
		if (t->deadline_is_socket) {
			t->deadline = t->step_deadline;
			t->deadline_is_socket = 0;
		}
	}
	op_recvall_partial(t);
	task_set_local_peer(t, t->sock->fd);
	task_ok(t, json_integer((json_int_t)t->in.len));
	return OP_DONE;
}

static void
op_recvall_expire(struct agent *a, struct task *t)
{
	(void)a;
	op_recvall_partial(t);
}

const struct op_entry op_recvall_entry = {
	.name = "recvall", .uses_socket = 1,
	.check = op_recvall_check, .run = op_recvall_run, .expire = op_recvall_expire,
};
