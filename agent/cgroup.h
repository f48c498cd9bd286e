/*
 * cgroup.h — the resource limits of one session (one host of one run): a
 * cgroup below the agent's own, which every program of the session enters
 * first thing after fork, so that everything it starts is counted together:
 * memory (swap may not extend it), processes, a CPU quota and an equal CPU
 * share with every other run.  cgroup v2 where the host has the controller
 * there, v1 where it has it there (decided per controller); where neither
 * can be used, the hello reply says why and only the per-process rlimits of
 * op-exec.c remain.
 */
#ifndef VERONA_CGROUP_H
#define VERONA_CGROUP_H
#include <sys/types.h>
#include <jansson.h>

/* What the controller asks for (hello "limits"); 0 means "the default". */
struct cgroup_limits {
	long long	 memory;	/* bytes, default CGROUP_MEMORY_DEFAULT */
	long long	 processes;	/* default CGROUP_PROCESSES_DEFAULT */
	double		 cpus;		/* CPUs of quota, default CGROUP_CPUS_DEFAULT */
	long long	 disk;		/* bytes of the program's writable tmpfs (the sandbox mounts it) */
};

#define CGROUP_MEMORY_DEFAULT		(1LL << 30)
#define CGROUP_PROCESSES_DEFAULT	256
#define CGROUP_CPUS_DEFAULT		1.0
#define CGROUP_DISK_DEFAULT		(256LL << 20)

struct cgroup;

/*
 * Reads hello's "limits" object (NULL or missing keys: defaults) into l.
 * Returns 0, or -1 with err naming the bad key.
 */
int	cgroup_limits_from_json(json_t *, struct cgroup_limits *l, char *err, size_t errlen);

/*
 * Makes the session's cgroup (verona-run-AGENTPID-N below the agent's own,
 * in each hierarchy that has one of the controllers) with the limits.
 * Returns it (free with cgroup_destroy), or NULL when not one controller
 * could be used.  *info (caller owns) is the hello reply's "limits" object
 * either way: what applied, where, and why anything did not.
 */
struct cgroup	*cgroup_create(const struct cgroup_limits *, json_t **info);

/*
 * In a forked child, before anything else: moves the calling process into
 * the session's cgroup(s); everything it starts inherits them.  NULL: no-op.
 * Returns 0, or -1 with errno (the caller must not run the program then).
 * Async-signal-safe (open, write, close only).
 */
int	cgroup_enter(const struct cgroup *);

/*
 * Session end: kills every process left in the cgroup (cgroup.kill on v2,
 * SIGKILL over cgroup.procs until empty on v1), logs the peak memory and
 * OOM kills, removes the directories and frees.  NULL: no-op.
 */
void	cgroup_destroy(struct cgroup *);

/*
 * Removes the verona-run-PID-* cgroups below the agent's own ones whose
 * agent (PID) is gone (a crashed run), killing what is left in them.
 * Returns how many went.
 */
int	cgroup_sweep_stale(void);

#endif
