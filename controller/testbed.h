/*
 * testbed.h — the local testbed (DESIGN section 6): one network namespace
 * per host, veth links (a bridge in a namespace of its own for more than
 * two hosts), the experiment's addresses, offloads off, and one agent per
 * host started inside its namespace over stdio.  Names are
 * verona-<id>-<host>, unique per run; testbed_down() removes everything,
 * testbed_down_matching() what a crashed run left behind.
 */
#ifndef VERONA_TESTBED_H
#define VERONA_TESTBED_H
#include <sys/types.h>
#include "expt.h"

#define TESTBED_PREFIX	"verona-"

struct testbed {
	char	 id[16];
	unsigned exec_uid;	/* programs of host i (in the experiment's order) run as exec_uid + i */
	unsigned nexec_uids;	/* how many: one per host, none of them an account's or a process's */
	char	**ns;		/* namespaces created so far */
	size_t	 nns;
	int	 verbose;
};

/* 0, or -1 with err set (everything created so far is removed again). */
int	testbed_up(struct testbed *, const struct experiment *, char *err, size_t errlen);
/* Kills what runs in the namespaces and deletes them. */
void	testbed_down(struct testbed *);
/* The namespace of a host (static storage until the next call). */
const char *testbed_ns(const struct testbed *, const char *host);
/*
 * Starts verona-agent --stdio inside the host's namespace; its stderr goes
 * to logfd (or stays the controller's if -1).  0, or -1 with err set.
 */
/* Stops every process of uid (the user the agents run programs as). */
void	testbed_kill_uid(unsigned uid);
int	testbed_spawn_agent(const struct testbed *, const char *host, int logfd, int allow_exec,
	    pid_t *pid, int *to_agent, int *from_agent, char *err, size_t errlen);
/* Removes namespaces named verona-<id>-* (id NULL: every verona- one); returns how many. */
int	testbed_down_matching(const char *id, int verbose);
/* 1 when running as root; else 0 with a message in err. */
int	testbed_can_run(char *err, size_t errlen);
#endif
