/*
 * check.h — the trace checks of DESIGN section 2, decided on the
 * connections of a trace (conn.h).  A check arrives as the JSON the loader
 * made of it; names (hosts, sockets, step ids) are resolved through the
 * caller's callbacks, so the same code serves a live run and `verona check`
 * on a student's capture.
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
	void	*arg;
	int64_t	 t0;		/* the time messages count from */
	uint64_t drops;		/* packets the capture lost */
	const char *undecidable;	/* when set, every check is an error with this reason */
};

/*
 * Decides one check: a new JSON object {check, name, status: "pass" |
 * "fail" | "error", message, points, max_points, line, col}.  "error" means
 * the trace cannot decide it (lost packets, payload cut by the snaplen, a
 * name that resolves to nothing): a harness error, never a student's.
 */
json_t	*trace_check_run(const struct trace_check_ctx *, json_t *check);
/* The checks the language knows, NULL-terminated (static). */
extern const char *const trace_check_names[];
#endif
