/*
 * names.h — what the names of a check stand for on the wire: a host name is
 * its experiment address (any port), HOST:PORT and IP[:PORT] are what they
 * say, HOST.SOCKET is every local address that socket had during the run.
 */
#ifndef VERONA_NAMES_H
#define VERONA_NAMES_H
#include <jansson.h>
#include "check.h"
#include "expt.h"
#include "model.h"

struct names {
	const struct experiment	*x;
	const struct model_sockets *socks;	/* the run's sockets (their addresses' history); NULL offline */
	const struct model_steps *steps;	/* the run's step records with their packets; NULL offline */
};

/*
 * A name that is not a socket: a host of x (its address), localhost, or an
 * IP, each with an optional :PORT.  1 with *out set; 0 when it is none of
 * these (a socket's HOST.SOCKET is none of these); -1 when it is no
 * address at all.
 */
int	names_address(const struct experiment *x, const char *text, struct trace_endpoint *out);
/* For trace_check_ctx.resolve (arg: struct names). */
int	names_resolve(void *arg, const char *text, struct trace_endpoint *out, int max, char *err, size_t errlen);
/* For trace_check_ctx.resolve_conn (arg: struct names). */
int	names_resolve_conn(void *arg, const char *text, struct trace_endpoint *local, struct trace_endpoint *peer,
	    int max, char *err, size_t errlen);
/* For trace_check_ctx.step_packets (arg: struct names). */
int	names_step_packets(void *arg, const char *id, char *err, size_t errlen);
/* For trace_check_ctx.step_start (arg: struct names). */
int	names_step_start(void *arg, const char *id, int64_t *ns, char *err, size_t errlen);
#endif
