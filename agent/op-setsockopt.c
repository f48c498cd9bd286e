/*
 * op-setsockopt.c — sock.setsockopt(level, option, value) for the options
 * the experiment language names; linger takes seconds (negative: off).
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "agent.h"

static const struct op_sockopt sockopt_names[] = {
	{ "reuseaddr",	SOL_SOCKET,	SO_REUSEADDR },
	{ "reuseport",	SOL_SOCKET,	SO_REUSEPORT },
	{ "keepalive",	SOL_SOCKET,	SO_KEEPALIVE },
	{ "broadcast",	SOL_SOCKET,	SO_BROADCAST },
	{ "rcvbuf",	SOL_SOCKET,	SO_RCVBUF },
	{ "sndbuf",	SOL_SOCKET,	SO_SNDBUF },
	{ "linger",	SOL_SOCKET,	SO_LINGER },
	{ "nodelay",	IPPROTO_TCP,	TCP_NODELAY },
	{ "keepidle",	IPPROTO_TCP,	TCP_KEEPIDLE },
	{ "keepintvl",	IPPROTO_TCP,	TCP_KEEPINTVL },
	{ "keepcnt",	IPPROTO_TCP,	TCP_KEEPCNT },
};

const struct op_sockopt *
op_setsockopt_find(const char *name)
{
	for (size_t i = 0; i < sizeof sockopt_names / sizeof sockopt_names[0]; i++)
		if (strcmp(sockopt_names[i].name, name) == 0)
			return &sockopt_names[i];
	return NULL;
}

static int
op_setsockopt_check(struct agent *a, struct task *t)
{
	const char *name;
	long long v;
	(void)a;
	if (task_arg_str(t, "option", &name) != 0 || task_arg_int(t, "value", &v, 1, 0) != 0)
		return -1;
	if (op_setsockopt_find(name) == NULL) {
		task_agent_error(t, "setsockopt: unknown option '%s'", name);
		return -1;
	}
	return 0;
}

static enum op_status
op_setsockopt_run(struct agent *a, struct task *t)
{
	const struct op_sockopt *o = op_setsockopt_find(
	    json_string_value(json_object_get(t->args, "option")));
	long long v;
	int rc;
	(void)a;

	task_arg_int(t, "value", &v, 1, 0);
	if (o->opt == SO_LINGER) {
		struct linger l = { .l_onoff = v >= 0, .l_linger = v >= 0 ? (int)v : 0 };
		rc = setsockopt(t->sock->fd, o->level, o->opt, &l, sizeof l);
	} else {
		int iv = (int)v;
		rc = setsockopt(t->sock->fd, o->level, o->opt, &iv, sizeof iv);
	}
	if (rc != 0) {
		task_errno(t, errno);
		return OP_DONE;
	}
	task_ok(t, NULL);
	return OP_DONE;
}

const struct op_entry op_setsockopt_entry = {
	.name = "setsockopt", .uses_socket = 1,
	.check = op_setsockopt_check, .run = op_setsockopt_run,
};
