/*
 * testbed.h — the testbeds a run can use, behind one interface (struct
 * testbed_kind: bring up, start or reach each host's agent, describe a
 * host, bring down), and the kinds: local namespaces (testbed-local.c) and
 * a testbed file of real hosts (testbed-file.c), listed in testbed.c.  A
 * new kind is one file with its struct testbed_kind and one row there.
 *
 * The local testbed (DESIGN section 6): one network namespace
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

struct chan;
struct tbfile;

#define TESTBED_PREFIX	"verona-"

struct testbed {
	char	 id[16];
	unsigned exec_uid;	/* programs of host i (in the experiment's order) run as exec_uid + i */
	unsigned nexec_uids;	/* how many: one per host, none of them an account's or a process's */
	const struct experiment *x;	/* the experiment it was made for (testbed_up) */
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
/* Stops every process of uid (the user the agents run programs as). */
void	testbed_kill_uid(unsigned uid);
/*
 * Starts verona-agent --stdio inside the host's namespace; its stderr goes
 * to logfd (or stays the controller's if -1).  0, or -1 with err set.
 */
int	testbed_spawn_agent(const struct testbed *, const char *host, int logfd, int allow_exec,
	    pid_t *pid, int *to_agent, int *from_agent, char *err, size_t errlen);
/*
 * The hosts' /etc (testbed-etc.c): written for namespace ns (0, or -1 with
 * err), removed, entered by an agent's child that is in the namespace
 * already (a mount and UTS namespace with host's name and the files over
 * /etc), and swept for namespaces named PREFIX* that are gone.
 */
int	testbed_etc_write(const char *ns, const struct experiment *, char *err, size_t errlen);
void	testbed_etc_remove(const char *ns);
int	testbed_etc_enter(const char *ns, const char *host);
void	testbed_etc_sweep(const char *prefix);
/* Removes namespaces named verona-<id>-* (id NULL: every verona- one) and their /etc files; returns how many. */
int	testbed_down_matching(const char *id, int verbose);
/* 1 when running as root; else 0 with a message in err. */
int	testbed_can_run(char *err, size_t errlen);
/* Where the hosts' files go instead of /etc/netns (a user namespace without one; static storage). */
void	testbed_etc_dir_set(const char *dir);

/*
 * Where the local testbed's namespaces are made (testbed-place.c): netns,
 * the machine's own, as root; userns, inside a user namespace verona enters
 * first, for any user; loopback, every host an address of its own on lo,
 * where no namespace can be made.  auto: netns where this process may make
 * network namespaces, else userns, else loopback.
 */
enum testbed_place { TESTBED_PLACE_AUTO, TESTBED_PLACE_NETNS, TESTBED_PLACE_USERNS, TESTBED_PLACE_LOOPBACK };
/* The place of a --local name, or -1. */
int		 testbed_place_parse(const char *);
const char	*testbed_place_name(enum testbed_place);
/*
 * Chooses the place (want, or auto) and, for userns, enters it: this
 * process becomes root of a user namespace with mount and network
 * namespaces of its own.  Call before any thread or child exists.  0, or -1
 * with err.
 */
int		 testbed_place_enter(enum testbed_place want, char *err, size_t errlen);
enum testbed_place testbed_place(void);
/* loopback: what it cannot do for x, each problem on stderr (links, one port on every address twice, literal addresses): 0, or -1. */
int		 testbed_loopback_usable(const struct experiment *x);
/* loopback: a host's address there (a.b.c.d is 127.X.Y.d, X.Y from salt), or -1 (not IPv4). */
int		 testbed_loopback_addr(const char *addr, unsigned salt, char *out, size_t outlen);
/* In a user namespace just entered: this process's ids uid and gid (outside) as root there, and no others: 0, or -1 (errno). */
int		 testbed_userns_map_self(uid_t uid, gid_t gid);
/* This user's first subordinate range in file (/etc/subuid, /etc/subgid), by name or id: 0, or -1 (none of 2 ids or more). */
int		 testbed_subids(const char *file, unsigned long *start, unsigned long *count);
/* userns: 1 and the user ids programs may have there ([lo, lo + count); count 0: none); else 0. */
int		 testbed_place_uids(unsigned *lo, unsigned *count);

/* ---- the interface every kind of testbed offers a run ---- */

struct testbed_run;

/* What a testbed says of one of its hosts. */
struct testbed_host_info {
	const char	*key;		/* the manifest's host entry: {addr, KEY: VALUE}: "namespace", "control" */
	const char	*value;		/* (the testbed's storage, until the next call) */
	int		 via;		/* the transcript's host line says "via VALUE" */
	const char	*iface;		/* the interface hello names; NULL: the experiment's */
	int		 shared_stack;	/* every host on one network stack (loopback): each binds its own
					   address (hello bind_own) and captures what it sent */
};

struct testbed_kind {
	const char	*name;		/* the manifest's testbed.kind */
	const char	*verb;		/* "cannot VERB the agent on HOST": start, reach */
	/* Whether this kind is the one for the run's options. */
	int		(*claims)(const struct testbed_run *);
	/* Whether the experiment can run here; every problem printed on stderr.  0 or -1. */
	int		(*usable)(const struct testbed_run *);
	/* Brings the testbed up: 0, or -1 with err (nothing left behind). */
	int		(*up)(struct testbed_run *, char *err, size_t errlen);
	/*
	 * Starts or reaches the agent of host into c (chan_init()ed by the
	 * kind); its log to logfd; say: a line on stdout for a slow reach.
	 * 0, or -1 with err.
	 */
	int		(*connect)(struct testbed_run *, const struct host *, int logfd, int allow_exec, int say,
			    struct chan *c, char *err, size_t errlen);
	void		(*host_info)(const struct testbed_run *, const char *host, struct testbed_host_info *);
	/* The testbed's id (local) or path (file), for the manifest and the transcript. */
	const char	*(*id)(const struct testbed_run *);
	/* Removes what up made (only called after up succeeded). */
	void		(*down)(struct testbed_run *);
};

/* A testbed as one run uses it. */
struct testbed_run {
	const struct testbed_kind *kind;
	const struct experiment	*x;
	const struct tbfile	*file;		/* --testbed: the testbed file, or NULL */
	struct testbed		 local;		/* the local kind's namespaces */
	int			 up;		/* up succeeded: down is due */
};

extern const struct testbed_kind testbed_local_kind;
extern const struct testbed_kind testbed_file_kind;
/* Sets up tr for x and picks the first kind of the table (testbed.c) that claims it. */
void	testbed_run_init(struct testbed_run *tr, const struct experiment *x, const struct tbfile *file);
/* Brings tr up (tr->up), or -1 with err. */
int	testbed_run_up(struct testbed_run *tr, char *err, size_t errlen);
/* Brings tr down if it is up. */
void	testbed_run_down(struct testbed_run *tr);
#endif
