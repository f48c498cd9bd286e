/*
 * load.h — the experiment loader's parts, shared by its files (not for the
 * rest of the controller, which calls expt.h):
 *   load.c        the top level: the file, hosts, vars, links, capture, grading
 *   load-value.c  errors, keys, ${var} substitution, scalars, addresses, data
 *   load-step.c   steps, repeat, expect
 *   load-check.c  the trace checks
 * and yamldoc.c reads the YAML.  Like an OpenBSD daemon's config parser the
 * loader reports every error of the file in one pass, each as
 * file:line:column, and goes on after an error wherever it can.
 */
#ifndef VERONA_LOAD_H
#define VERONA_LOAD_H
#include <jansson.h>
#include <yaml.h>

#include "expt.h"
#include "rx.h"
#include "yamldoc.h"

#define LOAD_MAX_STEPS		100000
#define LOAD_MAX_DATA		(16 * 1024 * 1024)
#define LOAD_MAX_REPEAT_DEPTH	8
#define LOAD_MAX_FILE		(4 * 1024 * 1024)

struct loader {
	const char		*file;
	yaml_document_t		 doc;
	struct errlist		*errs;
	struct experiment	*x;
	json_t			*vars;		/* name -> string */
	const char		*rep_name[LOAD_MAX_REPEAT_DEPTH];
	long long		 rep_val[LOAD_MAX_REPEAT_DEPTH];
	int			 rep_depth;
	size_t			 cap;
	json_t			*socks;		/* host -> {socket: 1} */
	json_t			*ids;		/* id -> {host, background, line, col, collected} */
	yaml_node_t		*hosts;		/* the hosts map, for messages */
	json_t			*hostnames;	/* every name in hosts, right or wrong */
	int			 checks_skipped;	/* checks: items left out of doc, read by load_checks() */
	size_t			 nexpanded;	/* step items expanded so far, valid or not */
	int			 too_many;
	size_t			 checks_cap;	/* x->trace_checks allocated */
};

/* ---- load-value.c ---- */

/* An error at n (once per place in the later rounds of a repeat). */
void	 load_err(struct loader *, const yaml_node_t *n, const char *, ...) __attribute__((format(printf, 3, 4)));
/* 0 if the pattern compiles as the run will match it (rx.h), else -1 after an error at n. */
int	 load_check_regex(struct loader *, const yaml_node_t *n, const char *what, const char *re, enum rx_mode);
/* Reports keys of the map m (from its pair number from on) not in allowed (NULL-terminated), and duplicates. */
void	 load_keys_from(struct loader *, yaml_node_t *m, size_t from, const char *const *allowed, const char *what);
void	 load_keys(struct loader *, yaml_node_t *m, const char *const *allowed, const char *what);
/* Letters, digits, _ and -, not starting with a digit or -. */
int	 load_is_ident(const char *);
/* The scalar's text with ${name} substituted (caller frees); NULL after an error. */
char	*load_subst(struct loader *, yaml_node_t *n);
int	 load_int_text(const char *, long long *);
/* The value of n into *out: 0, or -1 after an error naming what. */
int	 load_int(struct loader *, yaml_node_t *n, const char *what, long long min, long long max, long long *out);
int	 load_num(struct loader *, yaml_node_t *n, const char *what, double min, double max, double *out);
int	 load_bool(struct loader *, yaml_node_t *n, const char *what, int *out);
/* *out points into choices (static). */
int	 load_enum(struct loader *, yaml_node_t *n, const char *what, const char *const *choices, const char **out);
void	 load_aref_free(struct aref *);
/* 1 if an unknown host name needs no message of its own (reported already, or no usable hosts). */
int	 load_host_reported(struct loader *, const char *name);
int	 load_host_has_socket(struct loader *, const char *host, const char *sock);
/* An address (caller frees with load_aref_free()); need_port: a port must be written.  NULL after an error. */
struct aref *load_addr(struct loader *, yaml_node_t *n, const char *what, int need_port);
/* A pair [HOST, PORT] (a YAML list) for bind, connect, connect_ex, sendto (caller frees); NULL after an error. */
struct aref *load_addr_pair(struct loader *, yaml_node_t *n, const char *what);
/* Data in any of its forms into *out (out->p: caller frees): 0, or -1 after an error. */
int	 load_data(struct loader *, yaml_node_t *n, const char *what, struct bytes *out);

/* ---- load-step.c ---- */

/* The steps: list, appended to the experiment's steps. */
void	 load_steps(struct loader *, yaml_node_t *seq);
/* Frees what the step owns and zeroes it. */
void	 load_step_clear(struct step *);

/* ---- load-exec.c ---- */

/* A size in bytes (65536, 512K, 2 MiB) from min to max into *out: 0, or -1 after an error naming what. */
int	 load_size(struct loader *, yaml_node_t *n, const char *what, long long min, long long max, long long *out);
/* An exec step's ready: map v (body: the step's map) into st->args.ready. */
void	 step_ready(struct loader *, yaml_node_t *body, yaml_node_t *v, struct step *st);

/* ---- load-check.c ---- */

/* The checks: list into the experiment's checks. */
void	 load_checks(struct loader *, yaml_node_t *n);
#endif
