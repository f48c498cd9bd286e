/*
 * ops.h — the controller's table of step operations: what each takes, for
 * the loader to check a step before anything runs.  The agent has its own
 * table (agent/op-*.c) of what each does.
 */
#ifndef VERONA_OPS_H
#define VERONA_OPS_H

/* Every operation, in the order DESIGN section 2 lists them; the index of its row in the table. */
enum op_id {
	OP_SOCKET,
	OP_BIND,
	OP_LISTEN,
	OP_ACCEPT,
	OP_CONNECT,
	OP_SEND,
	OP_SENDALL,
	OP_SENDTO,
	OP_RECV,
	OP_RECVALL,
	OP_RECVFROM,
	OP_SHUTDOWN,
	OP_CLOSE,
	OP_SETSOCKOPT,
	OP_SETTIMEOUT,
	OP_GETSOCKNAME,
	OP_GETPEERNAME,
	OP_EXEC,
	OP_PUT,
	OP_WAIT,
	OP_KILL,
	OP_SLEEP,
	OP__COUNT
};

enum operand_kind {
	OPERAND_SOCKET,		/* an existing socket of the host */
	OPERAND_NEW_SOCKET,	/* socket: the new socket's name */
	OPERAND_SECONDS,	/* sleep */
	OPERAND_ID,		/* wait, kill */
	OPERAND_COMMAND,	/* exec */
	OPERAND_PATH,		/* put */
};

enum arg_type {
	ARG_ADDR,
	ARG_DATA,
	ARG_INT,
	ARG_INT_OR_BOOL,
	ARG_NUMBER_OR_NULL,
	ARG_ENUM,
	ARG_NAME,
	ARG_STRING,
	ARG_ENV,
};

struct op_arg {
	const char		*name;
	enum arg_type		 type;
	int			 required;
	long long		 min, max;	/* ARG_INT, ARG_INT_OR_BOOL */
	const char *const	*choices;	/* ARG_ENUM */
};

struct op_schema {
	enum op_id		 id;
	const char		*name;
	enum operand_kind	 operand;
	const struct op_arg	*args;		/* terminated by a NULL name */
	const char *const	*keys;		/* every key allowed in the step */
};

const struct op_schema	*ops_find(const char *name);
const struct op_arg	*ops_arg(const struct op_schema *, const char *key);
/* "socket, bind, ..." (static) */
const char		*ops_names(void);
#endif
