/* ops.c — the table of step operations; see ops.h and DESIGN section 2. */
#include <stdio.h>
#include <string.h>

#include "expect.h"
#include "ops.h"
#include "pyfmt.h"
#include "util.h"

#define COMMON "id", "background", "timeout", "expect"
#define SIZE_MAX_ARG (16LL * 1024 * 1024)

static const char *const types[] = { "tcp", "udp", NULL };
static const char *const families[] = { "inet", "inet6", NULL };
static const char *const hows[] = { "rd", "wr", "rdwr", NULL };
static const char *const untils[] = { "eof", NULL };
static const char *const recv_flags[] = { "peek", "waitall", "dontwait", NULL };
static const char *const sockopts[] = {
	"reuseaddr", "reuseport", "keepalive", "nodelay", "broadcast", "rcvbuf",
	"sndbuf", "keepidle", "keepintvl", "keepcnt", "linger", NULL,
};

static const struct op_arg args_none[] = { { NULL, 0, 0, 0, 0, NULL } };
static const struct op_arg args_socket[] = {
	{ "type", ARG_ENUM, 0, 0, 0, types },
	{ "family", ARG_ENUM, 0, 0, 0, families },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_addr[] = {
	{ "addr", ARG_ADDR, 1, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_listen[] = {
	{ "backlog", ARG_INT, 0, 0, 65535, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_accept[] = {
	{ "as", ARG_NAME, 1, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_send[] = {
	{ "data", ARG_DATA, 1, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_sendto[] = {
	{ "data", ARG_DATA, 1, 0, 0, NULL },
	{ "to", ARG_ADDR, 1, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_recv[] = {
	{ "size", ARG_INT, 1, 0, SIZE_MAX_ARG, NULL },
	{ "flags", ARG_FLAGS, 0, 0, 0, recv_flags },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_recvall[] = {
	{ "size", ARG_INT, 0, 0, SIZE_MAX_ARG, NULL },
	{ "until", ARG_ENUM, 0, 0, 0, untils },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_shutdown[] = {
	{ "how", ARG_ENUM, 1, 0, 0, hows },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_setsockopt[] = {
	{ "option", ARG_ENUM, 1, 0, 0, sockopts },
	{ "value", ARG_INT_OR_BOOL, 1, -1, 1LL << 30, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_settimeout[] = {
	{ "seconds", ARG_NUMBER_OR_NULL, 1, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_setblocking[] = {
	{ "flag", ARG_INT_OR_BOOL, 1, 0, 1, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_getsockopt[] = {
	{ "option", ARG_ENUM, 1, 0, 0, sockopts },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_getaddrinfo[] = {
	{ "port", ARG_INT, 1, 0, 65535, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_exec[] = {
	{ "env", ARG_ENV, 0, 0, 0, NULL },
	{ "cwd", ARG_STRING, 0, 0, 0, NULL },
	{ "stdin", ARG_DATA, 0, 0, 0, NULL },
	{ "output_limit", ARG_SIZE, 0, 1024, 16 << 20, NULL },	/* the agent's EXEC_OUTPUT_MIN, EXEC_OUTPUT_MAX */
	{ NULL, 0, 0, 0, 0, NULL },
};
static const struct op_arg args_put[] = {
	{ "dst", ARG_STRING, 0, 0, 0, NULL },
	{ NULL, 0, 0, 0, 0, NULL },
};

static const char *const keys_plain[] = { COMMON, NULL };
static const char *const keys_socket[] = { "type", "family", COMMON, NULL };
static const char *const keys_addr[] = { "addr", COMMON, NULL };
static const char *const keys_listen[] = { "backlog", COMMON, NULL };
static const char *const keys_accept[] = { "as", COMMON, NULL };
static const char *const keys_send[] = { "data", COMMON, NULL };
static const char *const keys_sendto[] = { "data", "to", COMMON, NULL };
static const char *const keys_recv[] = { "size", "flags", COMMON, NULL };
static const char *const keys_recvall[] = { "size", "until", COMMON, NULL };
static const char *const keys_shutdown[] = { "how", COMMON, NULL };
static const char *const keys_setsockopt[] = { "option", "value", COMMON, NULL };
static const char *const keys_settimeout[] = { "seconds", COMMON, NULL };
static const char *const keys_setblocking[] = { "flag", COMMON, NULL };
static const char *const keys_getsockopt[] = { "option", COMMON, NULL };
static const char *const keys_getaddrinfo[] = { "port", COMMON, NULL };
static const char *const keys_exec[] = { "env", "cwd", "stdin", "ready", "output_limit", COMMON, NULL };
static const char *const keys_put[] = { "dst", COMMON, NULL };

/*
 * One row per operation, in the order DESIGN section 2 lists them: its
 * arguments and keys, where it runs, how its result is judged, what its
 * result changes in the run, and its Python line and result (pyfmt.c).
 */
#define ROW(ID, NAME, OPERAND, ARGS, KEYS, SITE, JUDGE, EFFECT, PROGRAM, LINE, RESULT) \
	[ID] = { .id = ID, .name = NAME, .operand = OPERAND, .args = ARGS, .keys = KEYS, .site = SITE, \
	    .judge = JUDGE, .effect = EFFECT, .runs_program = PROGRAM, .py_line = LINE, .py_result = RESULT }
#define AGENT	OP_SITE_AGENT
#define CALL	expect_judge_call
/* a call that may meet socket.gaierror or TypeError: it takes an address its host resolves */
#define RESOLVES	expect_judge_resolve
#define ADDRESS	OP_EFFECT_ADDRESS

static const struct op_schema op_schemas[] = {
	ROW(OP_SOCKET, "socket", OPERAND_NEW_SOCKET, args_socket, keys_socket, AGENT, CALL,
	    OP_EFFECT_NEW_SOCKET, 0, py_line_socket, py_result_socket),
	ROW(OP_BIND, "bind", OPERAND_SOCKET, args_addr, keys_addr, AGENT, RESOLVES, ADDRESS, 0,
	    py_line_addr, py_result_call),
	ROW(OP_LISTEN, "listen", OPERAND_SOCKET, args_listen, keys_listen, AGENT, CALL, ADDRESS, 0,
	    py_line_listen, py_result_call),
	ROW(OP_ACCEPT, "accept", OPERAND_SOCKET, args_accept, keys_accept, AGENT, CALL, OP_EFFECT_ACCEPTED, 0,
	    py_line_accept, py_result_accept),
	ROW(OP_CONNECT, "connect", OPERAND_SOCKET, args_addr, keys_addr, AGENT, RESOLVES, ADDRESS, 0,
	    py_line_addr, py_result_call),
	ROW(OP_SEND, "send", OPERAND_SOCKET, args_send, keys_send, AGENT, CALL, ADDRESS, 0,
	    py_line_send, py_result_call),
	ROW(OP_SENDALL, "sendall", OPERAND_SOCKET, args_send, keys_send, AGENT, CALL, ADDRESS, 0,
	    py_line_sendall, py_result_call),
	ROW(OP_SENDTO, "sendto", OPERAND_SOCKET, args_sendto, keys_sendto, AGENT, RESOLVES, ADDRESS, 0,
	    py_line_sendto, py_result_call),
	ROW(OP_RECV, "recv", OPERAND_SOCKET, args_recv, keys_recv, AGENT, CALL, ADDRESS, 0,
	    py_line_recv, py_result_call),
	ROW(OP_RECVALL, "recvall", OPERAND_SOCKET, args_recvall, keys_recvall, AGENT, CALL, ADDRESS, 0,
	    py_line_recvall, py_result_call),
	ROW(OP_RECVFROM, "recvfrom", OPERAND_SOCKET, args_recv, keys_recv, AGENT, CALL, ADDRESS, 0,
	    py_line_recv, py_result_call),
	ROW(OP_SHUTDOWN, "shutdown", OPERAND_SOCKET, args_shutdown, keys_shutdown, AGENT, CALL, ADDRESS, 0,
	    py_line_shutdown, py_result_call),
	ROW(OP_CLOSE, "close", OPERAND_SOCKET, args_none, keys_plain, AGENT, CALL, ADDRESS, 0,
	    py_line_close, py_result_call),
	ROW(OP_SETSOCKOPT, "setsockopt", OPERAND_SOCKET, args_setsockopt, keys_setsockopt, AGENT, CALL, ADDRESS, 0,
	    py_line_setsockopt, py_result_call),
	ROW(OP_SETTIMEOUT, "settimeout", OPERAND_SOCKET, args_settimeout, keys_settimeout, AGENT, CALL,
	    OP_EFFECT_TIMEOUT, 0, py_line_settimeout, py_result_call),
	ROW(OP_GETSOCKNAME, "getsockname", OPERAND_SOCKET, args_none, keys_plain, AGENT, CALL, ADDRESS, 0,
	    py_line_method, py_result_call),
	ROW(OP_GETPEERNAME, "getpeername", OPERAND_SOCKET, args_none, keys_plain, AGENT, CALL, ADDRESS, 0,
	    py_line_method, py_result_call),
	ROW(OP_EXEC, "exec", OPERAND_COMMAND, args_exec, keys_exec, AGENT, expect_judge_program, ADDRESS, 1,
	    py_line_exec, py_result_exec),
	ROW(OP_PUT, "put", OPERAND_PATH, args_put, keys_put, OP_SITE_PUT, CALL, ADDRESS, 1,
	    py_line_put, py_result_put),
	ROW(OP_WAIT, "wait", OPERAND_ID, args_none, keys_plain, AGENT, CALL, OP_EFFECT_COLLECT, 0,
	    py_line_wait, py_result_call),
	ROW(OP_KILL, "kill", OPERAND_ID, args_none, keys_plain, AGENT, CALL, OP_EFFECT_STOP, 0,
	    py_line_kill, py_result_kill),
	/* a top-level sleep (no host) is the controller's: the runner waits, watching the agents */
	ROW(OP_SLEEP, "sleep", OPERAND_SECONDS, args_none, keys_plain, AGENT, CALL, ADDRESS, 0,
	    py_line_sleep, py_result_call),
	ROW(OP_CONNECT_EX, "connect_ex", OPERAND_SOCKET, args_addr, keys_addr, AGENT, RESOLVES, ADDRESS, 0,
	    py_line_connect_ex, py_result_call),
	/* setblocking(False) is settimeout(0.0), setblocking(True) settimeout(None) */
	ROW(OP_SETBLOCKING, "setblocking", OPERAND_SOCKET, args_setblocking, keys_setblocking, AGENT, CALL,
	    OP_EFFECT_TIMEOUT, 0, py_line_setblocking, py_result_call),
	ROW(OP_GETTIMEOUT, "gettimeout", OPERAND_SOCKET, args_none, keys_plain, AGENT, CALL, ADDRESS, 0,
	    py_line_method, py_result_call),
	ROW(OP_GETSOCKOPT, "getsockopt", OPERAND_SOCKET, args_getsockopt, keys_getsockopt, AGENT, CALL, ADDRESS, 0,
	    py_line_getsockopt, py_result_call),
	ROW(OP_GETHOSTNAME, "gethostname", OPERAND_NONE, args_none, keys_plain, AGENT, expect_judge_resolve, ADDRESS, 0,
	    py_line_resolve, py_result_resolve),
	ROW(OP_GETHOSTBYNAME, "gethostbyname", OPERAND_HOSTNAME, args_none, keys_plain, AGENT, expect_judge_resolve,
	    ADDRESS, 0,
	    py_line_resolve, py_result_resolve),
	ROW(OP_GETADDRINFO, "getaddrinfo", OPERAND_HOSTNAME, args_getaddrinfo, keys_getaddrinfo, AGENT,
	    expect_judge_resolve, ADDRESS, 0, py_line_resolve, py_result_resolve),
};

_Static_assert(sizeof op_schemas / sizeof op_schemas[0] == OP__COUNT, "a row for every operation");

const struct op_schema *
ops_find(const char *name)
{
	for (size_t i = 0; i < sizeof op_schemas / sizeof op_schemas[0]; i++)
		if (strcmp(op_schemas[i].name, name) == 0)
			return &op_schemas[i];
	return NULL;
}

const struct op_schema *
ops_get(enum op_id id)
{
	return &op_schemas[id];
}

const struct op_arg *
ops_arg(const struct op_schema *op, const char *key)
{
	for (const struct op_arg *a = op->args; a->name != NULL; a++)
		if (strcmp(a->name, key) == 0)
			return a;
	return NULL;
}

const char *
ops_names(void)
{
	static char names[512];
	if (names[0] == '\0') {
		size_t off = 0;
		for (size_t i = 0; i < sizeof op_schemas / sizeof op_schemas[0]; i++)
			off += (size_t)snprintf(names + off, sizeof names - off, "%s%s",
			    i ? ", " : "", op_schemas[i].name);
	}
	return names;
}
