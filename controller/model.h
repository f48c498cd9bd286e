/*
 * model.h — the typed tables a run keeps while its steps go: per host and
 * socket what the runner learned from the results (family, local address,
 * every local address it had, settimeout), the background steps still
 * running, and each step's record (struct step_result, built into
 * results.json's form by model_step_json only); the checks' socket names
 * are resolved from the socket table (names.h).  The tables own every
 * string in them (copied); model_*_free releases everything.
 */
#ifndef VERONA_MODEL_H
#define VERONA_MODEL_H
#include <stddef.h>
#include <jansson.h>

#define MODEL_IP_MAX	64

struct model_addr {
	char	ip[MODEL_IP_MAX];
	int	port;
};

/* One local address a socket had, with the peer it was connected to, if the result named one. */
struct model_hist {
	struct model_addr	local;
	int			has_peer;
	struct model_addr	peer;
};

struct model_socket {
	char			*host, *name;
	int			 inet6;		/* its family: inet6, else inet */
	int			 has_addr;	/* addr: HOST.SOCKET, as the agent last reported it */
	struct model_addr	 addr;
	struct model_hist	*hist;		/* every address it had (port != 0), each once */
	size_t			 nhist;
	int			 has_timeout;	/* settimeout(seconds): calls may wait that long */
	double			 timeout;
};

struct model_sockets {
	struct model_socket	*v;
	size_t			 n, cap;
};

/* The socket, or NULL when no step made or used it. */
struct model_socket	*model_socket_find(const struct model_sockets *, const char *host, const char *name);
/* "inet6" or "inet" (the default for a socket the table does not know). */
const char		*model_socket_family(const struct model_sockets *, const char *host, const char *name);
/* socket: the name starts afresh, with a family and no address or history (its timeout stays). */
void			 model_socket_new(struct model_sockets *, const char *host, const char *name, int inet6);
/* accept: a new socket takes its listener's family. */
void			 model_socket_accepted(struct model_sockets *, const char *host, const char *name, int inet6);
/* A local address reported for the socket (peer NULL: none); kept in its history when port != 0. */
void			 model_socket_address(struct model_sockets *, const char *host, const char *name,
			    const struct model_addr *local, const struct model_addr *peer);
/* settimeout: has 0 for settimeout(None). */
void			 model_socket_timeout(struct model_sockets *, const char *host, const char *name,
			    int has, double seconds);
void			 model_sockets_free(struct model_sockets *);

/* The background steps that run and are not collected yet, in the order they started. */
struct model_background {
	char	*id;
	size_t	 rec;		/* index of its step record in the run's steps */
};
struct model_backgrounds {
	struct model_background	*v;
	size_t			 n, cap;
};

void	model_background_start(struct model_backgrounds *, const char *id, size_t rec);
/* 1 and *rec when id runs in the background, else 0. */
int	model_background_find(const struct model_backgrounds *, const char *id, size_t *rec);
void	model_background_end(struct model_backgrounds *, const char *id);
void	model_backgrounds_free(struct model_backgrounds *);

/*
 * A step's outcome, decided in two parts: its expectation when its result
 * came, its expect: packets once the captures are merged.  The verdict is
 * derived from both in one place (model_step_verdict), never reopened.
 */
enum step_outcome {
	STEP_OUTCOME_NONE,		/* not decided: no result came; no expect: packets */
	STEP_OUTCOME_PASS,
	STEP_OUTCOME_FAIL,
	STEP_OUTCOME_UNDECIDABLE,	/* the captures cannot tell: never a pass, never the student's failure */
};

/*
 * Where a background step is (results.json's "state"); STEP_STATE_NONE for
 * a step in the foreground (no "state" key).
 */
enum step_state {
	STEP_STATE_NONE,
	STEP_STATE_RUNNING,		/* "running": started, never collected (the run failed first) */
	STEP_STATE_COLLECTED,		/* "collected": by a wait (collected_by) */
	STEP_STATE_KILLED,		/* "killed": by a kill (collected_by) */
	STEP_STATE_AT_END,		/* "collected at the end": nobody waited for it */
};

/*
 * A step's record: what results.json's steps[i] says, typed.  The runner
 * fills it as the step goes, steps-packets.c adds its packets and decides
 * them; the grade, the checks' names and the transcript read it; its JSON
 * is built only by model_step_json (results.json's one writer calls it).
 * The record owns its strings (copied); result and args are the wire's
 * data (the agent's result object, the arguments as sent) and stay json_t,
 * held by a reference the record owns; listed holds the packet objects
 * steps-packets.c made for it (owned).  model_steps_free releases all.
 */
struct step_result {
	int			 number;	/* 1-based, as x->steps[number - 1] */
	char			*host;		/* NULL: a top-level sleep */
	char			*op;
	int			 line, col;	/* where the step is in the experiment file */
	char			*python;	/* the step as a line of Python */
	int			 background;
	char			*id, *socket;	/* NULL: none */
	json_t			*args;		/* the arguments as sent; NULL: none sent (a sleep, a put) */
	enum step_state		 state;
	int			 collected_by;	/* the number of the wait or kill that collected it (COLLECTED, KILLED) */
	int			 judged;	/* its result came and was judged: result, shown, failures and pass are said */
	json_t			*result;	/* the agent's result object (the wire's data); NULL: none */
	char			*shown;		/* the result as Python shows it; NULL: not shown (a killed step) */
	char			**failures;	/* why it failed, in order (its expectation's, then its packets') */
	size_t			 nfailures;
	json_t			*listed;	/* its packets, each an object steps-packets.c made; NULL: none listed */
	long long		 unlisted;	/* its packets past the run's listing cap */
	enum step_outcome	 expect;
	enum step_outcome	 packets;
	int			 counted;	/* in summary.passed/failed (a step collected by a wait counts as the wait) */
};

struct model_steps {
	struct step_result	*v;		/* v[i] is the record steps[i] */
	size_t			 n, cap;
};

/* A new, empty record at the end (its strings NULL); valid until the next add: keep its index. */
struct step_result	*model_step_add(struct model_steps *);
/* Appends a failure (copied). */
void			 model_step_fail(struct step_result *, const char *msg);
/* The step's result judged: result (referenced, may be NULL), shown (copied), failures (a json array of
 * strings, copied, replacing any), and its expectation's outcome (no failures: a pass). */
void			 model_step_judge(struct step_result *, json_t *result, const char *shown, json_t *failures);
/* PASS, FAIL, UNDECIDABLE, or NONE (the step did not finish). */
enum step_outcome	 model_step_verdict(const struct step_result *);
/* Its "pass": 1 passed, 0 failed, -1 none (not judged, or undecidable). */
int			 model_step_pass(const struct step_result *);
/* "running", "collected", ... or NULL for STEP_STATE_NONE. */
const char		*model_step_state_name(enum step_state);
/* The record as results.json says it, keys in their documented order (a new object, the caller's). */
json_t			*model_step_json(const struct step_result *);
/* Every record: results.json's steps[] (a new array, the caller's). */
json_t			*model_steps_json(const struct model_steps *);
void			 model_steps_free(struct model_steps *);
#endif
