/*
 * ops.h — the controller's table of step operations, one row each: what it
 * takes (for the loader to check a step before anything runs), how the
 * transcript writes it and its result in Python, how its result is judged,
 * and what its result changes in the run (addresses, timeouts, background
 * steps).  The agent has its own table (agent/op-*.c) of what each does.
 * Adding an operation: one row here, its Python handlers in pyfmt.c (and a
 * judge in expect.c if neither fits), one agent/op-*.c; the runner switches
 * over the site and effect kinds below, never on names.
 */
#ifndef VERONA_OPS_H
#define VERONA_OPS_H
#include <jansson.h>

struct step;
struct expect_ctx;

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
	OP_CONNECT_EX,
	OP_SETBLOCKING,
	OP_GETTIMEOUT,
	OP_GETSOCKOPT,
	OP_GETHOSTNAME,
	OP_GETHOSTBYNAME,
	OP_GETADDRINFO,
	OP__COUNT
};

enum operand_kind {
	OPERAND_SOCKET,		/* an existing socket of the host */
	OPERAND_NEW_SOCKET,	/* socket: the new socket's name */
	OPERAND_SECONDS,	/* sleep */
	OPERAND_ID,		/* wait, kill */
	OPERAND_COMMAND,	/* exec */
	OPERAND_PATH,		/* put */
	OPERAND_HOSTNAME,	/* gethostbyname, getaddrinfo: a host name or address ("" allowed) */
	OPERAND_NONE,		/* gethostname: nothing ({gethostname: }) */
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
	ARG_FLAGS,	/* a list of choices, each once: flags: [peek, waitall] */
	ARG_SIZE,	/* bytes: 65536, 512K, 512 KiB, 2M, 2 MiB (min, max) */
};

struct op_arg {
	const char		*name;
	enum arg_type		 type;
	int			 required;
	long long		 min, max;	/* ARG_INT, ARG_INT_OR_BOOL, ARG_SIZE */
	const char *const	*choices;	/* ARG_ENUM, ARG_FLAGS */
};

/* Where a step runs. */
enum op_site {
	OP_SITE_AGENT,		/* sent to its host's agent as a step frame */
	OP_SITE_PUT,		/* put: the controller reads the files and sends each to the agent */
};

/* What a result changes in the run's socket and background-step tables. */
enum op_effect {
	OP_EFFECT_ADDRESS,	/* the socket's local address, when the result has one */
	OP_EFFECT_NEW_SOCKET,	/* socket: the name starts afresh (its family; no address yet) */
	OP_EFFECT_ACCEPTED,	/* accept: a new socket named by the result's "as", with its address */
	OP_EFFECT_TIMEOUT,	/* settimeout: later calls on the socket may wait that long (set when sent);
				   setblocking, which has no "seconds": the socket has no timeout that lengthens a step */
	OP_EFFECT_COLLECT,	/* wait: the background step's result, judged by its own expectation */
	OP_EFFECT_STOP,		/* kill: the background step stopped; its result is kept, not judged */
};

/* A step as the Python line it mirrors, for a socket named sock; caller frees. */
typedef char	*(*op_pyline_fn)(const struct step *, json_t *args, const char *sock);
/* A result (not an agent error) as Python shows it; caller frees. */
typedef char	*(*op_pyresult_fn)(const struct step *, json_t *result);
/* Compares a result (not an agent error) with the step's expectation, appending reasons to failures (expect.h). */
typedef void	 (*op_judge_fn)(const struct expect_ctx *, const struct step *, json_t *result, json_t *failures);

struct op_schema {
	enum op_id		 id;
	const char		*name;
	enum operand_kind	 operand;
	const struct op_arg	*args;		/* terminated by a NULL name */
	const char *const	*keys;		/* every key allowed in the step */
	enum op_site		 site;
	op_judge_fn		 judge;		/* expect.c */
	enum op_effect		 effect;
	int			 runs_program;	/* exec, put: the host's agent must allow programs */
	op_pyline_fn		 py_line;	/* pyfmt.c */
	op_pyresult_fn		 py_result;	/* pyfmt.c */
};

const struct op_schema	*ops_find(const char *name);
/* The row of an operation; id < OP__COUNT. */
const struct op_schema	*ops_get(enum op_id);
const struct op_arg	*ops_arg(const struct op_schema *, const char *key);
/* "socket, bind, ..." (static) */
const char		*ops_names(void);
#endif
