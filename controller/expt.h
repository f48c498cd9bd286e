/*
 * expt.h — an experiment as loaded from YAML (DESIGN section 2): hosts,
 * variables, and the steps after ${var} substitution and repeat expansion.
 * Everything is owned by the struct experiment; expt_free() releases it.
 */
#ifndef VERONA_EXPT_H
#define VERONA_EXPT_H
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

struct op_schema;
struct trace_check;

struct pos {
	int	line;		/* 1-based */
	int	col;		/* 1-based */
};

/* Errors of one file, all collected in one pass. */
struct errlist {
	char	**msgs;		/* "file:line:col: message" */
	size_t	  n;
};
void	errlist_add(struct errlist *, const char *file, struct pos, const char *, ...)
	    __attribute__((format(printf, 4, 5)));
void	errlist_print(const struct errlist *, FILE *);
void	errlist_free(struct errlist *);

struct bytes {
	unsigned char	*p;
	size_t		 len;
	int		 set;
};

/* An address as written in the file, resolved when the step runs. */
enum aref_kind {
	AREF_HOSTPORT,		/* HOST:PORT, IP:PORT, any:PORT, localhost:PORT, or HOST alone (no port) */
	AREF_SOCKET,		/* HOST.SOCKET */
	AREF_PAIR,		/* [HOST, PORT]: the host text as written, resolved by the agent as CPython does */
};
struct aref {
	enum aref_kind	 kind;
	char		*text;		/* as written, variables substituted */
	char		*host;		/* host name, IP literal, "any", "localhost"; AREF_PAIR: the text written */
	char		*sock;		/* AREF_SOCKET */
	int		 port;		/* -1: none written */
};

struct expect {
	struct pos	 pos;
	int		 given;		/* an expect: key was written */
	int		 err;		/* expected errno (or ERR_TIMEOUT, ERR_EOF); 0: success */
	int		 has_ret;
	long long	 ret;
	struct bytes	 data;
	struct bytes	 data_prefix;
	char		*data_regex;
	struct aref	*from;
	struct aref	*peer;
	double		 within;	/* seconds; <0 unset */
	int		 has_exit;	/* exec (later issue) */
	int		 exit;
	char		*stdout_text;
	char		*stdout_regex;
	char		*stderr_regex;
	int		 has_points;	/* a graded item */
	double		 points;
	char		*name;		/* the item's name in the grade */
	json_t		*packets;	/* array of flag patterns, or "none"; NULL: not given */
};

struct step {
	struct pos	 pos;
	int		 number;	/* 1-based, after expansion */
	char		*host;		/* NULL for a top-level sleep */
	char		*op;		/* the operation's name, as results.json shows it */
	const struct op_schema *def;	/* its row in the controller's table (ops.h); never NULL */
	char		*sock;		/* the socket operand; for "socket", the new name */
	json_t		*args;		/* static arguments for the agent */
	struct bytes	 data;		/* send, sendall, sendto, exec stdin */
	struct aref	*addr;		/* bind, connect */
	struct aref	*to;		/* sendto */
	char		*id;
	char		*target;	/* wait, kill: the id */
	int		 background;
	double		 timeout;	/* seconds */
	struct expect	 expect;
};

struct host {
	char		*name;
	char		*addr;		/* IP literal */
	int		 prefix;	/* prefix length for the local testbed */
	int		 family;
	char		*iface;		/* NULL: found from the address */
	int		 capture;	/* capture on this host (default: every host) */
	struct pos	 pos;
};

struct experiment {
	char		*file;
	char		*dir;
	char		*name;
	char		*summary;
	char		*sha256;	/* of the file's bytes */
	char		*text;		/* the file's bytes */
	size_t		 text_len;
	struct host	*hosts;
	size_t		 nhosts;
	struct step	*steps;
	size_t		 nsteps;
	char		*capture_filter;	/* BPF, added to every host's capture; NULL none */
	int		 capture_snaplen;	/* 0: the default */
	int		 capture_buffer;	/* kernel buffer bytes; 0: the agent's default (16 MiB) */
	double		 link_loss;		/* links: percent of packets lost on every link */
	int		 link_delay_ms;		/* links: delay added on every link */
	json_t		*vars;		/* final values: file vars overridden by -D */
	json_t		*defines;	/* the -D values */
	struct trace_check *trace_checks;	/* the trace checks, typed, endpoints resolved (pcap/check.h) */
	size_t		 ntrace_checks;
	int		 checks_only;	/* a checks file: hosts and checks, no steps */
	json_t		*grading;	/* {total?, visibility, items: {name: visibility}}; NULL none */
};

/*
 * Loads and validates path.  defines maps names to string values (-D).
 * Returns NULL when there were errors (all of them in errs).
 */
struct experiment	*expt_load(const char *path, json_t *defines, struct errlist *errs);
/* A checks file for `verona check`: hosts and checks, no steps. */
struct experiment	*expt_load_checks(const char *path, json_t *defines, struct errlist *errs);
/* Either: a file with checks and no steps is taken as a checks file. */
struct experiment	*expt_load_any(const char *path, json_t *defines, struct errlist *errs);
void			 expt_free(struct experiment *);
const struct host	*expt_host(const struct experiment *, const char *name);

#endif
