/*
 * run-int.h — what the runner's files share (run.c the step loop and the
 * agents, put.c, captures.c, live.c, steps-packets.c, checks.c, outputs.c;
 * expect.c, grade.c and model.c take no runner): struct runner, the
 * agents' channel, the run's limits.  The runner owns everything it points
 * to; run_experiment frees it.  Not for other parts of verona (run.h).
 */
#ifndef VERONA_RUN_INT_H
#define VERONA_RUN_INT_H
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "agents.h"
#include "expt.h"
#include "frame.h"
#include "model.h"
#include "run.h"
#include "tbfile.h"
#include "testbed.h"
#include "trace.h"

#define GRACE_S		3.0	/* beyond a step's timeout before its agent counts as lost */
#define SETTLE_S	0.2	/* captures go on this long after the last step */
#define CAPTURE_S	30.0	/* to stop a capture and fetch one chunk of it */

/* How packets are shown: each once, with sequence numbers relative to the first of each direction. */
struct pktview {
	json_t		*bases;		/* "src>dst" -> first seq of that direction */
	json_t		*senders;	/* addresses of the captured hosts */
};

/* Hosts whose captures are merged and shown (was 16: a class of 32 pairs has 64). */
#define RUN_CAPTURES_MAX	256
/* The capture buffers of a run share this much kernel memory (each 2..16 MiB): the
 * kernel zeroes a ring when it is made, and 64 hosts at 16 MiB took a second. */
#define RUN_CAPTURE_BUDGET	(64 << 20)
/* The hosts' capture files of a run share this many bytes (each at most 16 MiB): past
 * its share, an agent only counts packets, and what the capture decides is undecidable.
 * It bounds what the controller reads, so its memory, whatever a program sends. */
#define RUN_CAPTURE_FILES	(32ULL << 20)
#define RUN_CAPTURE_FILE_MAX	(16ULL << 20)
#define RUN_CAPTURE_FILE_MIN	(256ULL << 10)
/* Packet records a run keeps (under its steps in results.json and the transcript,
 * and in the live view); beyond, packets are counted and a note says so. */
#define RUN_PACKETS_MAX		8000
/* Flows a run's statistics list one by one (the first); all of them are in the totals. */
#define RUN_FLOWS_MAX		200

struct pktview_live {
	struct pktview	 view;
	char		 addr[RUN_CAPTURES_MAX][64];	/* by agent */
	json_t		*pending;	/* [ts, host, line] not yet printed, in time order */
	size_t		 listed;	/* lines pended so far (at most RUN_PACKETS_MAX) */
	uint64_t	 unlisted;	/* packets past that, not shown */
};

struct runner {
	struct experiment	*x;
	const struct run_opts	*o;
	struct testbed_run	 tb;		/* the testbed, whatever its kind (testbed.h) */
	struct agents		 ag;		/* the agents (agents.h): ag.ac[ag.nac] */
	char			*dir;		/* the run folder's name, for messages */
	int			 dirfd;		/* the run folder: everything in it is made relative to this */
	char			*dirat;		/* "/proc/self/fd/N": reads the run folder's files by path, through dirfd */
	struct model_sockets	 socks;		/* per host and socket: family, address, history, timeout */
	struct model_backgrounds bg;		/* running background steps -> index into results */
	struct model_steps	 results;	/* the steps' records, typed (results.json's steps[], same index) */
	struct trace_conns	*conns;		/* the connections of the trace, each packet once */
	struct trace_stats	*stats;		/* per-flow statistics of the same packets */
	json_t			*checks;	/* the checks' verdicts */
	int			 checks_failed, checks_errors;
	uint64_t		 drops;
	char			*undecidable;	/* why the captures cannot decide anything (a budget passed) */
	uint64_t		 unlisted;	/* packets not listed under their steps (RUN_PACKETS_MAX) */
	int			 live;		/* packets under each step as the run goes */
	struct pktview_live	*lv;
	int			 passed, failed;
	int			 status;
	char			*error;		/* a testbed failure */
	int64_t			 seq;
	int64_t			 started_ns;
};

/* run.c: the agents (their channel, frames awaited while every agent is watched), and failing the run */
const char		*runner_color(const struct runner *, const char *escape);
/* Sets r->error (first failure wins) and the exit status. */
void			 runner_fail(struct runner *, int status, const char *fmt, ...)
			    __attribute__((format(printf, 3, 4)));
struct agentconn	*agent_of(struct runner *, const char *host);
/* How an agent ended, for a message (a new string, caller frees). */
char			*agent_exit_text(struct agentconn *);
int			 agent_send(struct agentconn *, json_t *);
void			 agents_ping(struct runner *);
/* The frame of a type in want (MSG_BIT()s) and seq (-1: any) from target (the caller's), or NULL after runner_fail. */
json_t			*await_frame(struct runner *, struct agentconn *target, unsigned want, int64_t seq,
			    double timeout_s, const char *what);

/* put.c: the result of a put step, in the form of a step's result (the caller's) */
json_t			*put_step(struct runner *, struct agentconn *, const char *src, const char *dst);

/* captures.c: start every host's capture (-1 after runner_fail); stop them and fetch the files */
int			 captures_start(struct runner *);
void			 captures_stop(struct runner *);

/* live.c: packets printed under their steps while the run goes (r->lv; NULL when quiet or --json) */
void			 live_start(struct runner *);
/* Brings in what the agents captured since the last look (it asks every agent). */
void			 live_peek(struct runner *);
/* Prints what was brought in and captured before `before` (everything when before < 0). */
void			 live_print(struct runner *, int64_t before);
void			 live_free(struct runner *);

/* steps-packets.c: the captures merged, each packet under the step that caused it, expect: packets decided */
void			 attribute_packets(struct runner *);
/* Each step's verdict from its two outcomes counted in summary.passed/failed (its record derives "pass" or
 * "undecidable" from them). */
void			 steps_decide(struct runner *);
/* 1 and its line when the packet is to be shown once (see steps-packets.c); line NULL: only whether. */
int			 pktview_line(struct pktview *, const char *host_addr, const struct trace_pkt *, char *line,
			    size_t len, uint32_t *rseq, uint32_t *rack);

/* checks.c: the trace checks, each verdict printed and kept in r->checks */
void			 checks_run(struct runner *);

/* outputs.c: the run folder (0, OUTDIR_REFUSED or OUTDIR_FAILED with err); results.json, reports, transcript */
int			 outputs_run_dir(struct runner *, char *err, size_t errlen);
int			 outputs_write(struct runner *, json_t *grading);
#endif
