/*
 * agent.h — verona-agent: one event loop (poll) over the control channel and
 * the sockets of the steps it runs.  Every step is a task; an operation is a
 * table entry (op-*.c) whose check() validates and resolves the arguments
 * and whose run() makes the non-blocking call, returning OP_WAIT with the fd
 * and events to wait for when the call would block.
 */
#ifndef VERONA_AGENT_H
#define VERONA_AGENT_H
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <jansson.h>
#include "util.h"

/*
 * A named socket of the experiment ("sock", "conn").  Like a Python object
 * it lives while something refers to it: the name table, and each task
 * using it.  Rebinding the name to a new socket drops the table's
 * reference; a step still waiting on the old socket keeps it open.
 */
struct vsock {
	char		*name;
	int		 fd;		/* -1 once closed */
	int		 refs;
	int		 type;		/* SOCK_STREAM, SOCK_DGRAM */
	int		 family;
	double		 timeout;	/* Python settimeout: <0 none (blocking), 0 non-blocking */
	int		 orphan;	/* not in the name table: the socket a closed name leaves
					 * to the blocking calls still waiting on it */
	struct vsock	*next;
};

enum op_status {
	OP_DONE,
	OP_WAIT,
};

struct task;
struct agent;

struct op_entry {
	const char	*name;
	int		 uses_socket;	/* args.socket names an existing socket */
	/* Validates args; 0, or -1 after task_agent_error().  NULL: nothing to check. */
	int		(*check)(struct agent *, struct task *);
	/* Makes the call; OP_DONE with the result set, or OP_WAIT. */
	enum op_status	(*run)(struct agent *, struct task *);
	/* At the deadline; NULL means "report timeout". */
	void		(*expire)(struct agent *, struct task *);
	/*
	 * The step's socket is closed: 1 when the call answers as CPython does
	 * without a descriptor (recv(0) is b''), finishing the task; 0 (or
	 * NULL) for EBADF.  Asked by task_errno() when it is given EBADF for a
	 * closed socket.
	 */
	int		(*closed)(struct task *);
	/*
	 * The call returns the errno as an int instead of raising (connect_ex):
	 * task_errno() finishes it ok with ret = errno, a socket timeout as
	 * EAGAIN (CPython's SOCK_TIMEOUT_ERR); the step's own timeout stays an
	 * error.
	 */
	int		 returns_errno;
};

struct task {
	int64_t			 seq;
	char			*id;		/* step id or NULL */
	int			 background;
	int			 done;
	int			 collected;	/* a wait took its result */
	const struct op_entry	*op;
	json_t			*args;
	json_t			*result;	/* built by the op */
	struct vsock		*sock;		/* when op->uses_socket */
	int64_t			 start_ns;	/* CLOCK_REALTIME */
	int64_t			 deadline;	/* CLOCK_MONOTONIC ns; 0 none */
	int			 deadline_is_socket; /* the socket's timeout, not the step's */
	int64_t			 step_deadline;	/* CLOCK_MONOTONIC ns */
	int			 wait_fd;
	short			 wait_events;
	int			 aux_fd[3];	/* more fds to wake on (POLLIN): a program's pipes and pidfd */
	int			 quiet_start;
	unsigned		 ran_gen;	/* the loop round that last ran it */	/* background: "started" is sent later (exec ready:) */
	struct proc		*proc;		/* exec */
	/* op state */
	unsigned char		*payload;
	size_t			 payload_len;
	size_t			 off;
	struct buf		 in;
	struct task		*target;	/* wait/kill */
	struct task		*next;
};

struct agent {
	struct vsock	*socks;
	struct task	*tasks;
	int		 out_fd;
	int		 allow_exec;	/* --allow-exec */
	uid_t		 exec_uid;	/* programs run as this user (root: nobody) */
	gid_t		 exec_gid;
	int		 sandbox;	/* enum sandbox_level: what the session asked for (hello) */
	char		*sandbox_refusal; /* why exec steps are refused (that level cannot be made), or NULL */
	char		*workdir;	/* the session's work directory, for exec and put */
	int		 workdir_fd;
	/* sends a frame to the controller from an operation ("started" after ready:) */
	void		(*notify)(struct agent *, json_t *msg);
	void		*session;
	struct cgroup	*cgroup;	/* the session's resource limits (cgroup.h); NULL: none */
	long long	 disk_limit;	/* bytes of a program's writable tmpfs (hello limits.disk) */
	/*
	 * hello bind_own (the loopback testbed, where every host shares lo):
	 * the host's own address, taken as the source of every socket the agent
	 * or a program (through verona-bind.so) sends from unbound; "" when off.
	 */
	char		 own_addr[64];
};

/* Binds an unbound IPv4 socket to the host's own address (hello bind_own) before it sends: 0, or -1 (errno). */
int	agent_prebind(const struct agent *, int fd);
/* sendto(2), but a UDP socket bound to every address sends from the host's own address (hello bind_own). */
ssize_t	agent_sendto(const struct agent *, int fd, const void *buf, size_t n, int flags, const struct sockaddr *to,
	    socklen_t tolen);

/* op-exec.c: stop every program of the session (its whole process group). */
void	exec_kill_all(struct agent *);
void	proc_free(struct proc *);

/* op.c */
const struct op_entry	*op_find(const char *);
/* connect and connect_ex share their check and run (op-connect.c). */
int		 op_connect_check(struct agent *, struct task *);
enum op_status	 op_connect_run(struct agent *, struct task *);
/* The level and option number of a socket option the experiment language names; NULL if none (op-setsockopt.c). */
struct op_sockopt {
	const char	*name;
	int		 level;
	int		 opt;
};
const struct op_sockopt	*op_setsockopt_find(const char *name);
struct vsock	*agent_sock_find(struct agent *, const char *);
struct vsock	*agent_sock_add(struct agent *, const char *, int fd, int type, int family);
void		 agent_sock_unref(struct vsock *);
/*
 * close, as CPython's sock.close() while other threads wait on the socket:
 * a blocking call (no timeout) keeps the socket open until it ends (an
 * orphan vsock holds the fd); a call with a timeout waits in poll(), which
 * holds nothing, so the socket goes at once and the call ends at its
 * timeout with EBADF (poll's last look finds the descriptor gone; in
 * CPython it is TimeoutError instead when a new socket took the same
 * descriptor number meanwhile, which the agent's numbering cannot mirror).
 * The name's later steps get EBADF.
 */
void		 agent_sock_close(struct agent *, struct vsock *, struct task *except);
void		 agent_sock_close_all(struct agent *);
struct task	*agent_task_find_id(struct agent *, const char *);

/* Result helpers: each finishes the task (task_finish only stamps the end). */
void	task_finish(struct task *);
void	task_ok(struct task *, json_t *ret);		/* steals ret (may be NULL) */
void	task_errno(struct task *, int err);
/* A resolver failure (getaddrinfo's EAI_*), as CPython raises it: socket.gaierror, or OSError for EAI_SYSTEM. */
void	task_gaierror(struct task *, int eai);
void	task_agent_error(struct task *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* A Python exception that is not an OSError with an errno: "TypeError", "AF_INET address must be ..."; static strings. */
void	task_pyerror(struct task *, const char *cls, const char *msg);
/* Arms a wait on the task's socket fd; returns OP_WAIT, or finishes the
 * task with EAGAIN (non-blocking socket) and returns OP_DONE. */
enum op_status	task_block(struct task *, short events);
void	task_set_addr(struct task *, const char *key, const struct sockaddr *, socklen_t);
void	task_set_local_peer(struct task *, int fd);
/* Argument accessors: 0, or -1 after task_agent_error(). */
int	task_arg_str(struct task *, const char *key, const char **out);
int	task_arg_int(struct task *, const char *key, long long *out, int required, long long dflt);
int	task_arg_addr(struct task *, const char *key);
/*
 * The address argument key for the task's socket, as CPython reads it
 * (addr_resolve: the socket's family, a name resolved by this host): 0, or
 * -1 after finishing the task with CPython's exception (socket.gaierror,
 * TypeError, OSError) or an agent error.
 */
int	task_sockaddr(struct task *, const char *key, struct sockaddr_storage *, socklen_t *);
int	task_arg_data(struct task *, const char *key);	/* into payload */
/* A receive size: an integer 0..RECV_SIZE_MAX. */
#define RECV_SIZE_MAX	(16 * 1024 * 1024)
int	task_arg_size(struct task *, long long *out);
/* args.flags (peek, waitall, dontwait; absent: none) as MSG_* bits; -1 after task_agent_error(). */
int	task_arg_recv_flags(struct task *, int *out);
/*
 * One receive of up to size bytes with the step's flags into t->in, as
 * CPython's recv()/recvfrom() on the socket: dontwait on a blocking socket
 * raises EAGAIN at once; waitall on a blocking TCP socket waits for size
 * bytes (or the end of the stream, or an error after some data), with
 * peek too by SO_RCVLOWAT.  from: the sender (may be NULL).  Returns 1
 * with *got bytes in t->in; 0 with *status set (the task finished with an
 * error, or waits).
 */
int	task_recv(struct task *, size_t size, int flags, struct sockaddr_storage *from, socklen_t *fromlen,
	    size_t *got, enum op_status *status);
void	task_set_data(struct task *, const void *, size_t);

/* hello.c */
/* --clock-lie: added to the stamps of the time frames only, for tests (agent.c); a lying clock is another machine's. */
extern int64_t	agent_clock_lie_ns;
/* The hello reply; probe_capture: also try whether a capture may be opened on the interface. */
json_t	*hello_info(const char *addr, const char *iface, int probe_capture);
/* The "sandbox" object of the hello reply: the level, the programs' uid, the work directory, nftables (new reference). */
json_t	*hello_sandbox_info(const struct agent *, int nft, const char *nft_error);

#endif
