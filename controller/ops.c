/* ops.c — what each step operation takes; see ops.h and DESIGN section 2. */
#include <stdio.h>
#include <string.h>

#include "ops.h"
#include "util.h"

#define COMMON "id", "background", "timeout", "expect"
#define SIZE_MAX_ARG (16LL * 1024 * 1024)

static const char *const types[] = { "tcp", "udp", NULL };
static const char *const families[] = { "inet", "inet6", NULL };
static const char *const hows[] = { "rd", "wr", "rdwr", NULL };
static const char *const untils[] = { "eof", NULL };
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
static const struct op_arg args_exec[] = {
	{ "env", ARG_ENV, 0, 0, 0, NULL },
	{ "cwd", ARG_STRING, 0, 0, 0, NULL },
	{ "stdin", ARG_DATA, 0, 0, 0, NULL },
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
static const char *const keys_recv[] = { "size", COMMON, NULL };
static const char *const keys_recvall[] = { "size", "until", COMMON, NULL };
static const char *const keys_shutdown[] = { "how", COMMON, NULL };
static const char *const keys_setsockopt[] = { "option", "value", COMMON, NULL };
static const char *const keys_settimeout[] = { "seconds", COMMON, NULL };
static const char *const keys_exec[] = { "env", "cwd", "stdin", "ready", COMMON, NULL };
static const char *const keys_put[] = { "dst", COMMON, NULL };

/* The order is the one DESIGN section 2 lists them in. */
static const struct op_schema op_schemas[] = {
	[OP_SOCKET] = { OP_SOCKET, "socket", OPERAND_NEW_SOCKET, args_socket, keys_socket },
	[OP_BIND] = { OP_BIND, "bind", OPERAND_SOCKET, args_addr, keys_addr },
	[OP_LISTEN] = { OP_LISTEN, "listen", OPERAND_SOCKET, args_listen, keys_listen },
	[OP_ACCEPT] = { OP_ACCEPT, "accept", OPERAND_SOCKET, args_accept, keys_accept },
	[OP_CONNECT] = { OP_CONNECT, "connect", OPERAND_SOCKET, args_addr, keys_addr },
	[OP_SEND] = { OP_SEND, "send", OPERAND_SOCKET, args_send, keys_send },
	[OP_SENDALL] = { OP_SENDALL, "sendall", OPERAND_SOCKET, args_send, keys_send },
	[OP_SENDTO] = { OP_SENDTO, "sendto", OPERAND_SOCKET, args_sendto, keys_sendto },
	[OP_RECV] = { OP_RECV, "recv", OPERAND_SOCKET, args_recv, keys_recv },
	[OP_RECVALL] = { OP_RECVALL, "recvall", OPERAND_SOCKET, args_recvall, keys_recvall },
	[OP_RECVFROM] = { OP_RECVFROM, "recvfrom", OPERAND_SOCKET, args_recv, keys_recv },
	[OP_SHUTDOWN] = { OP_SHUTDOWN, "shutdown", OPERAND_SOCKET, args_shutdown, keys_shutdown },
	[OP_CLOSE] = { OP_CLOSE, "close", OPERAND_SOCKET, args_none, keys_plain },
	[OP_SETSOCKOPT] = { OP_SETSOCKOPT, "setsockopt", OPERAND_SOCKET, args_setsockopt, keys_setsockopt },
	[OP_SETTIMEOUT] = { OP_SETTIMEOUT, "settimeout", OPERAND_SOCKET, args_settimeout, keys_settimeout },
	[OP_GETSOCKNAME] = { OP_GETSOCKNAME, "getsockname", OPERAND_SOCKET, args_none, keys_plain },
	[OP_GETPEERNAME] = { OP_GETPEERNAME, "getpeername", OPERAND_SOCKET, args_none, keys_plain },
	[OP_EXEC] = { OP_EXEC, "exec", OPERAND_COMMAND, args_exec, keys_exec },
	[OP_PUT] = { OP_PUT, "put", OPERAND_PATH, args_put, keys_put },
	[OP_WAIT] = { OP_WAIT, "wait", OPERAND_ID, args_none, keys_plain },
	[OP_KILL] = { OP_KILL, "kill", OPERAND_ID, args_none, keys_plain },
	[OP_SLEEP] = { OP_SLEEP, "sleep", OPERAND_SECONDS, args_none, keys_plain },
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
