/*
 * sandbox.h — where a student's program runs (DESIGN section 8).
 *
 * full: the program's init is cloned into new mount, PID and IPC
 *       namespaces; it builds a file system from an allow-list (a fresh
 *       tmpfs root, read-only binds of /usr, /etc, /bin, /sbin and /lib*, a
 *       minimal /dev, a fresh /proc, private size-limited /tmp, /var/tmp and
 *       /dev/shm, the session's work directory read-write), pivots into it,
 *       forks the program, reaps everything, reports the program's wait
 *       status on a pipe and exits: the PID namespace dies with everything
 *       the program started, the IPC namespace and the tmpfs with it.
 * uid:  no namespaces; the program runs under the session's user id only
 *       (for containers that already isolate each submission).
 * none: no namespaces (only when the controller asks: --unsandboxed).
 *
 * Under every level the program runs under a user id of the session's own
 * (one no account uses) and starts with exactly fds 0, 1 and 2.
 */
#ifndef VERONA_SANDBOX_H
#define VERONA_SANDBOX_H
#include <stddef.h>
#include <sys/types.h>

enum sandbox_level {
	SANDBOX_NONE,
	SANDBOX_UID,
	SANDBOX_FULL,
};

#define SANDBOX_WORKDIR_MB	256	/* the work directory's tmpfs */
#define SANDBOX_TMP_MB		64	/* each of /tmp, /var/tmp and /dev/shm */
#define SANDBOX_UID_MIN		800000u	/* session user ids: [MIN, MIN + SPAN) */
#define SANDBOX_UID_SPAN	1000000u

/* "none", "uid", "full": the level, or -1 for another name. */
int		 sandbox_level_parse(const char *name);
const char	*sandbox_level_name(enum sandbox_level);

/*
 * At the start of an agent that runs programs: a mount namespace of the
 * agent's own (every mount it makes stays invisible to the host), and a
 * probe of what the full level needs.  Failures are remembered, not fatal:
 * sandbox_can() names them when a session asks for that level.
 */
void	sandbox_agent_init(void);
/* 1 if this process may switch to another user id (root, or CAP_SETUID and CAP_SETGID). */
int	sandbox_can_setuid(void);
/* 0 if the level can be made here, or -1 with a message naming what is missing. */
int	sandbox_can(enum sandbox_level, char *err, size_t errlen);

/* 1 if uid (and the group id of the same number) belongs to no account and no process runs under it. */
int	sandbox_uid_free(uid_t uid);
/* A free user id (see above) in the session range, chosen at random; 0 if none was found. */
uid_t	sandbox_uid_pick(void);

/*
 * The session's work directory: a fresh directory under TMPDIR owned by
 * uid:gid, mode 0700, with a tmpfs of SANDBOX_WORKDIR_MB of its own when the
 * agent has its own mount namespace.  Returns its path (caller frees) and
 * an O_CLOEXEC fd in *fdp, or NULL with err.  sandbox_workdir_remove undoes
 * it (path stays the caller's).
 */
char	*sandbox_workdir_make(uid_t uid, gid_t gid, int *fdp, char *err, size_t errlen);
void	 sandbox_workdir_remove(const char *path, int fd);

/*
 * Starts the process that becomes the program (fork), or for the full
 * level its init, in new mount, PID and IPC namespaces.  As fork(): the
 * child's pid, 0 in the child, -1 with errno.
 */
pid_t	sandbox_spawn(enum sandbox_level);

/*
 * In the program, after no_new_privs, before execve: a seccomp filter that
 * refuses new user namespaces (unshare, clone), clone3 and the kernel's
 * keyrings (keyctl, add_key, request_key).  0, or -1 with err.
 */
int	sandbox_seccomp(char *err, size_t errlen);

/*
 * The run's disk limit (hello limits.disk, bytes; <= 0: the defaults): the
 * size of the work directory's tmpfs (workdir NULL: none yet), and the most
 * each of /tmp, /var/tmp and /dev/shm may hold (SANDBOX_TMP_MB at most).  0, or
 * -1 with err.
 */
int	sandbox_disk_limit(const char *workdir, long long bytes, char *err, size_t errlen);

/*
 * In the init (full level), as root: builds the allow-list file system
 * around workdir (its fd: workdir_fd) and pivots into it; 0, or -1 with err.
 * Afterwards the work directory is at the same path inside.
 */
int	sandbox_enter_fs(const char *workdir, int workdir_fd, char *err, size_t errlen);
/*
 * In the init (full level): forks the program.  Returns 0 in the program.
 * The init itself never returns: it reaps every process of the namespace,
 * and when the program exits writes its wait status (an int) to status_fd
 * and exits, which ends the PID namespace.  -1 with errno if fork fails.
 */
int	sandbox_init_run(int status_fd);

/*
 * nftables, on the host's network namespace: packets of uid may leave only
 * through lo and iface (a table of the session's own).  0, or -1 with err
 * (nft missing or refusing).  sandbox_nft_remove deletes the table.
 */
int	sandbox_nft_add(uid_t uid, const char *iface, char *err, size_t errlen);
void	sandbox_nft_remove(uid_t uid);

/* The user id owning the other end of a loopback TCP connection (from /proc/net/tcp*); 0, or -1. */
int	sandbox_tcp_peer_uid(int fd, uid_t *uid);
#endif
