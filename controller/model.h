/*
 * model.h — the typed tables a run keeps while its steps go: per host and
 * socket what the runner learned from the results (family, local address,
 * every local address it had, settimeout), and the background steps still
 * running; the checks' socket names are resolved from the socket table
 * (names.h).  The tables own every string in them (copied);
 * model_*_free releases everything.
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

struct step_result {
	json_t			*rec;		/* its record in results.json's steps[] (the run's array holds it) */
	enum step_outcome	 expect;
	enum step_outcome	 packets;
	int			 counted;	/* in summary.passed/failed (a step collected by a wait counts as the wait) */
};

struct model_steps {
	struct step_result	*v;		/* v[i] is the record steps[i] */
	size_t			 n, cap;
};

/* A new result for rec (borrowed); returns it (valid until the next add). */
struct step_result	*model_step_add(struct model_steps *, json_t *rec);
/* PASS, FAIL, UNDECIDABLE, or NONE (the step did not finish). */
enum step_outcome	 model_step_verdict(const struct step_result *);
void			 model_steps_free(struct model_steps *);
#endif
