/*
 * check.h — the trace checks of DESIGN section 2, decided on the
 * connections of a trace (conn.h).  One table (trace_check_table) says of
 * each check its name, how it names a connection, its keys and their types,
 * and its decide function; the loader reads checks by it and this file
 * decides them.  A check arrives typed (struct trace_check), with the
 * endpoints the loader could resolve already resolved (a host, HOST:PORT,
 * an IP); a socket (HOST.SOCKET) stands for the addresses it had during a
 * run, and is resolved through the caller's callbacks, so the same code
 * serves a live run and `verona check` on a student's capture.
 */
#ifndef VERONA_CHECK_H
#define VERONA_CHECK_H
#include <jansson.h>
#include "conn.h"

struct trace_endpoint {
	int		ip_version;
	uint8_t		addr[16];
	int		port;		/* -1: any port */
};

struct trace_check_ctx {
	struct trace_conns *conns;
	/* An endpoint as written (host, HOST:PORT, IP, HOST.SOCKET) to the
	 * addresses it stands for (a socket: every local address it had).
	 * Returns how many, or -1 with err set. */
	int	(*resolve)(void *arg, const char *text, struct trace_endpoint *out, int max,
		    char *err, size_t errlen);
	/* For a connection named by a socket: the (local, peer) address pairs
	 * the socket had; a peer with ip_version 0 is unknown.  Returns how many,
	 * 0 when text is not a socket, -1 with err set.  May be NULL. */
	int	(*resolve_conn)(void *arg, const char *text, struct trace_endpoint *local,
		    struct trace_endpoint *peer, int max, char *err, size_t errlen);
	/* Packets the step with this id caused, or -1 with err set. */
	int	(*step_packets)(void *arg, const char *id, char *err, size_t errlen);
	/* When the step with this id started (on the trace's clock) in *ns: 0, or -1 with err set.  May be NULL. */
	int	(*step_start)(void *arg, const char *id, int64_t *ns, char *err, size_t errlen);
	void	*arg;
	int64_t	 t0;		/* the time messages count from */
	uint64_t drops;		/* packets the capture lost */
	const char *undecidable;	/* when set, every check is an error with this reason */
};

/* ---- the table of checks ---- */

enum trace_check_id {
	TRACE_CHECK_HANDSHAKE,
	TRACE_CHECK_REFUSED,
	TRACE_CHECK_STREAM,
	TRACE_CHECK_ACKED,
	TRACE_CHECK_CLOSED,
	TRACE_CHECK_RESET,
	TRACE_CHECK_DATAGRAMS,
	TRACE_CHECK_ICMP_UNREACHABLE,
	TRACE_CHECK_QUIET,
	TRACE_CHECK_STATE,
	TRACE_CHECK_CONCURRENT,
	TRACE_CHECK_RETRANSMISSIONS,
	TRACE_CHECK_INTERVALS,
	TRACE_CHECK__COUNT
};

/* How a check names the TCP connection it is about. */
enum trace_check_conn {
	TRACE_CONN_NONE,	/* it names none (endpoints or steps instead) */
	TRACE_CONN_VALUE,	/* its value may be the connection (handshake: romeo.sock), or a map with conn: */
	TRACE_CONN_KEY,		/* its map names it: conn: X, or client: A and server: B */
};

/* The type of a key's value. */
enum trace_check_type {
	TRACE_ARG_CONN,		/* conn, client, server: a part of the connection */
	TRACE_ARG_ATTEMPT,	/* which connection attempt, 1.. */
	TRACE_ARG_ENDPOINT,	/* host, HOST:PORT, IP, HOST.SOCKET */
	TRACE_ARG_DATA,		/* bytes in any data form */
	TRACE_ARG_LINES,	/* a list of lines of text */
	TRACE_ARG_DATA_LIST,	/* a list of byte strings, one per datagram */
	TRACE_ARG_COUNT,	/* an integer */
	TRACE_ARG_NUMBER,	/* seconds */
	TRACE_ARG_NUMBER_LIST,	/* a list of seconds */
	TRACE_ARG_STATE,	/* a connection state (trace_check_states) */
	TRACE_ARG_STEP_IDS,	/* step ids */
	TRACE_ARG_FLAG,		/* true or false */
	TRACE_ARG_REPLY_TO,	/* whom datagrams answer: sender */
	TRACE_ARG_STEP_ID,	/* one step id */
};

struct trace_check_key {
	const char		*name;
	enum trace_check_type	 type;
};

struct trace_check;
struct trace_verdict;

struct trace_check_def {
	enum trace_check_id		 id;
	const char			*name;
	enum trace_check_conn		 conn;
	const struct trace_check_key	*keys;	/* every key its map may have, in the order messages list them; NULL name ends */
	void	(*decide)(const struct trace_check_ctx *, const struct trace_check *, struct trace_verdict *);
};

/*
 * What a decide function says: status 0 pass, 1 fail, 2 error (cannot be
 * decided), with a message.  The worst status said wins; among equals, the
 * first message.
 */
void	trace_verdict_say(struct trace_verdict *, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Indexed by enum trace_check_id. */
extern const struct trace_check_def trace_check_table[TRACE_CHECK__COUNT];
/* The row of the check called name, or NULL. */
const struct trace_check_def *trace_check_find(const char *name);
/* The connection states a state check may expect, NULL-terminated (static). */
extern const char *const trace_check_states[];

/* ---- a check, typed ---- */

#define TRACE_CHECK_MAX_EP	16

/* An endpoint of a check.  Owns text. */
struct trace_check_ep {
	char			*text;		/* as written, variables substituted; NULL: not given */
	int			 late;		/* resolved when decided, through trace_check_ctx.resolve (a socket) */
	struct trace_endpoint	 ep;		/* when not late: the address it names */
};

/* A byte string.  Owns p. */
struct trace_check_bytes {
	unsigned char	*p;
	size_t		 len;
};

/* Everything a check may carry; which fields are set depends on its def.  trace_check_free() frees what it owns. */
struct trace_check {
	const struct trace_check_def *def;
	char			*name;		/* the graded item's name; NULL: none */
	int			 has_points;
	double			 points;
	int			 line, col;	/* where the check is written */
	/* the connection (def->conn): a socket in client with no server, or client and server */
	char			*conn;		/* as written: "romeo.sock", or "A to B" */
	struct trace_check_ep	 client, server;
	int			 attempt;	/* 0: the last */
	/* endpoints: from, to (and concurrent's server, in server), closed first, reset by */
	struct trace_check_ep	 from, to, first, by;
	/* stream: exactly one of data, contains, prefix, lines */
	int			 has_data, has_contains, has_prefix, has_lines;
	struct trace_check_bytes data;		/* data, contains or prefix */
	char			**lines;
	size_t			 nlines;
	/* datagrams: data (a list) or count; icmp_unreachable, concurrent: count */
	struct trace_check_bytes *dgrams;
	size_t			 ndgrams;
	int			 has_count;
	long long		 count;
	int			 allow_unreachable;	/* datagrams: an ICMP error for them is no failure */
	int			 reply_to_sender;	/* datagrams: each goes to an address and port that sent to its source */
	const char		*state;		/* static (trace_check_states) */
	int			 has_max, has_min;
	long long		 max, min;
	double			*gaps;		/* intervals expect */
	size_t			 ngaps;
	double			 tolerance;
	char			**steps;	/* quiet */
	size_t			 nsteps;
	/* closed: each FIN at most within seconds after the connection's last data; each FIN before step before */
	int			 has_within;
	double			 within;
	char			*before;	/* a step id; NULL: none */
};

/*
 * Fills c from the JSON form of a check ({check, line, col, name?,
 * points?, conn, client, server, attempt, from, ..., data as base64}).
 * resolve turns each endpoint's text into an address, or marks it late (a
 * socket) or empty; NULL marks every endpoint late.  0, or -1 when the JSON
 * names no known check (c then needs no free).
 */
typedef void (*trace_check_resolve_fn)(void *arg, struct trace_check_ep *);
int	trace_check_from_json(struct trace_check *c, json_t *j, trace_check_resolve_fn resolve, void *arg);
void	trace_check_free(struct trace_check *);

/*
 * Decides one check: a new JSON object {check, name, status: "pass" |
 * "fail" | "error", message, points, max_points, line, col}.  "error" means
 * the trace cannot decide it (lost packets, payload cut by the snaplen, a
 * name that resolves to nothing): a harness error, never a student's.
 */
json_t	*trace_check_decide(const struct trace_check_ctx *, const struct trace_check *);
#endif
