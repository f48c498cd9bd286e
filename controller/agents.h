/*
 * agents.h — the agents of a run: one per host of the experiment, started or
 * reached through the run's testbed (testbed.h), greeted, their clocks
 * estimated; frames sent to them and awaited from them while every agent's
 * channel is watched (an agent that dies is noticed at once); and stopped.
 * Failures come back as a message in err, which the runner turns into its
 * testbed failure.
 */
#ifndef VERONA_AGENTS_H
#define VERONA_AGENTS_H
#include <stdint.h>
#include <jansson.h>
#include "chan.h"
#include "expt.h"
#include "testbed.h"

#define HELLO_S		5.0	/* for each answer of hello and the clock estimate, and a capture's start or look */

struct agentconn {
	const struct host	*host;
	struct chan		 ch;
	json_t			*hello;		/* the agent's hello (owned) */
	int			 alive;
	int			 capturing;
	json_t			*capture;	/* what capture_stopped said, and the file (owned) */
	char			*pcap;		/* the host's capture in the run folder (owned) */
	json_t			*clock;		/* {offset_ns, uncertainty_ns, rtt_ns, method} (owned) */
	int64_t			 offset_ns;	/* agent clock - controller clock */
};

struct agents {
	const struct experiment	*x;
	struct testbed_run	*tb;
	int			 dirfd;		/* the run folder, for agent-HOST.log */
	int			 say;		/* progress lines on stdout */
	const char		*sandbox;	/* hello's sandbox level: full, uid, none */
	json_t			*limits;	/* hello's limits, or NULL */
	int			 exec_everywhere;	/* every agent may run programs (grading a submission) */
	struct agentconn	*ac;		/* one per host, in the experiment's order (owned) */
	size_t			 nac;		/* how many were started (so many to stop) */
};

/*
 * Starts or reaches every host's agent, says hello, estimates its clock.
 * 0, or -1 with err ("cannot start the agent on romeo: ...").
 */
int	agents_open(struct agents *, char *err, size_t errlen);
/* Says bye to every agent, closes the channels, waits for (or kills) the processes. */
void	agents_close(struct agents *);
/* The agent of a host, or NULL. */
struct agentconn *agents_find(struct agents *, const char *host);
/* Sends a frame to one agent (chan_send). 0, or -1 (errno). */
int	agents_send(struct agentconn *, json_t *msg);
/* A ping to every TCP agent we have sent nothing for PING_S (only those end a silent session). */
void	agents_heartbeat(struct agents *);
/*
 * Waits for a frame whose type is in want (and with seq, if seq >= 0) from
 * target, watching every agent, its time stamps put on our clock.  The frame
 * (caller owns it), or NULL with err (an agent lost or dropping the session,
 * no answer in time, interrupted).  what: "step 7 (file:12:5)".
 */
json_t	*agents_await(struct agents *, struct agentconn *target, unsigned want, int64_t seq,
	    double timeout_s, const char *what, char *err, size_t errlen);
#endif
