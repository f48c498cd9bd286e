/*
 * run.h — running an experiment on the local testbed: the steps in order,
 * each sent to its host's agent and compared with its expectation, the
 * outputs written to the run folder (DESIGN section 5).
 */
#ifndef VERONA_RUN_H
#define VERONA_RUN_H
#include "expt.h"

struct run_opts {
	const char	*out;		/* the run folder; NULL: runs/<name>-<UTC time> */
	int		 force;		/* --force: out may be a run folder verona wrote before (outdir.h) */
	int		 out_fd;	/* > 2: out already made by outdir_fresh (run_experiment closes it); 0: none */
	int		 quiet;		/* no per-step lines */
	int		 json;		/* results.json on stdout at the end */
	int		 color;		/* colour the verdicts */
	const char	*submission;	/* verona grade: a student's folder, put on every host that runs programs */
	const struct tbfile *testbed;	/* --testbed: real hosts; NULL: the local testbed */
	json_t		*limits;	/* --limits (limitspec.h), sent in every hello; NULL: the agents' defaults */
	const char	*sandbox;	/* the agents' sandbox for programs: "full" (NULL), "uid", "none" (--unsandboxed) */
};

/* Exit status: 0 all passed, 1 a step failed, 2 not runnable, 3 testbed failure. */
int	run_experiment(struct experiment *, const struct run_opts *);
/* Set from a signal handler: stop the run and tear down. */
void	run_interrupt(int sig);
/* The signal run_interrupt took, or 0. */
int	run_interrupted(void);
#endif
