/*
 * op-exec.c — runs a program (a student's): only when the agent was started
 * with --allow-exec, in the session's work directory, in the sandbox the
 * session asked for (sandbox.h: full, uid or none), under the session's
 * user id, with exactly fds 0, 1 and 2, in its own process group, with
 * limits on CPU time, memory, processes, file size and open files; of stdout and stderr each, at
 * most the step's output_limit bytes (EXEC_OUTPUT_DEFAULT) are kept: all of it
 * when it fits, else its first and its last half of the limit, with the
 * place of the cut and the total counted (struct outcap).  At
 * the step's timeout, or when it exits, or when the session ends, the whole
 * process group is killed.  In the background, `ready` holds back the
 * "started" message until the program listens on a port where a peer can
 * reach it (every address, or ready's addr: 127.0.0.1 only is not ready)
 * or prints a line matching a regex, or its deadline passes.  A program or
 * Python script that the command names and that is not there
 * (cmdfile.h) is reported as "missing", with the work directory's files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

/* verona-bind.so beside the agent's own binary (static storage). */
static const char *
exec_bind_shim(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
	char *slash;

	if (n <= 0)
		return "verona-bind.so";
	path[n] = '\0';
	if ((slash = strrchr(path, '/')) != NULL)
		snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "verona-bind.so");
	return path;
}
#include "proto.h"
#include "rx.h"
#include "cgroup.h"
#include "cmdfile.h"
#include "errnames.h"
#include "sandbox.h"
#include "uidproc.h"

#define EXEC_OUTPUT_DEFAULT	(1024 * 1024)
#define EXEC_OUTPUT_MIN		1024
#define EXEC_OUTPUT_MAX		(16 * 1024 * 1024)	/* both streams, base64, fit one frame (FRAME_MAX) */
#define EXEC_READY_POLL_NS	20000000LL

/*
 * One output stream as kept: its first head_max bytes in head, then the
 * last tail_max bytes in a ring; total counts every byte.
 */
struct outcap {
	struct buf	 head;
	size_t		 head_max, tail_max;
	unsigned char	*tail;
	size_t		 tail_pos, tail_len;
	uint64_t	 total;
};

struct proc {
	pid_t		 pid;
	int		 pidfd;
	int		 out_fd, err_fd;
	int		 status_fd;	/* full sandbox: the init writes the program's wait status here */
	struct outcap	 out, err;
	int		 exited;
	int		 status;
	int64_t		 start_mono;
	/* ready: */
	int		 want_ready;
	int		 ready_done;
	int		 ready_port;
	int		 ready_udp;
	char		*ready_addr;	/* where a peer reaches it (NULL: anywhere) */
	struct rx	*ready_re;
	int		 has_re;
	size_t		 ready_len;	/* output already matched against ready_re: matched again only when it grew */
	int64_t		 ready_deadline;
	char		*missing;	/* the program or script the command names, absent before it ran */
};

void
proc_free(struct proc *p)
{
	if (p == NULL)
		return;
	if (!p->exited && p->pid > 0) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
	}
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	if (p->status_fd >= 0)
		close(p->status_fd);
	if (p->has_re)
		rx_free(p->ready_re);
	free(p->missing);
	free(p->ready_addr);
	buf_free(&p->out.head);
	buf_free(&p->err.head);
	free(p->out.tail);
	free(p->err.tail);
	free(p);
}

/*
 * Stops every process of the programs' user: a fork bomb's children race a
 * process-group kill, but kill(-1) as that user reaches all of them.
 */
static void
exec_kill_uid(struct agent *a)
{
	if (a->exec_uid != getuid())
		uidproc_kill_all((unsigned)a->exec_uid);
}

void
exec_kill_all(struct agent *a)
{
	for (struct task *t = a->tasks; t != NULL; t = t->next)
		if (t->proc != NULL && !t->proc->exited && t->proc->pid > 0) {
			kill(-t->proc->pid, SIGKILL);
			kill(t->proc->pid, SIGKILL);
		}
	exec_kill_uid(a);
	/* the zombies orphaned to us (see exec_spawn) */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static int
op_exec_check(struct agent *a, struct task *t)
{
	json_t *cmd = json_object_get(t->args, "command"), *argv = json_object_get(t->args, "argv");

	if (!a->allow_exec) {
		task_agent_error(t, "this agent does not run programs (start it with --allow-exec)");
		return -1;
	}
	if (a->sandbox_refusal != NULL) {
		task_agent_error(t, "exec: %s", a->sandbox_refusal);
		return -1;
	}
	if (a->workdir == NULL) {
		task_agent_error(t, "exec: the session has no work directory");
		return -1;
	}
	if (!json_is_string(cmd) && !(json_is_array(argv) && json_array_size(argv) > 0)) {
		task_agent_error(t, "exec: a command (string) or argv (list) is needed");
		return -1;
	}
	if (json_object_get(t->args, "stdin") != NULL && task_arg_data(t, "stdin") != 0)
		return -1;
	json_t *lim = json_object_get(t->args, "output_limit");
	if (lim != NULL && (!json_is_integer(lim) || json_integer_value(lim) < EXEC_OUTPUT_MIN ||
	    json_integer_value(lim) > EXEC_OUTPUT_MAX)) {
		task_agent_error(t, "exec: output_limit must be a number of bytes from %d to %d",
		    EXEC_OUTPUT_MIN, EXEC_OUTPUT_MAX);
		return -1;
	}
	return 0;
}

static void
set_limit(int res, rlim_t v)
{
	struct rlimit rl = { v, v };
	(void)setrlimit(res, &rl);
}

/* A stream kept up to the step's output_limit (checked by op_exec_check): half of it for the head. */
static void
exec_outcap_init(struct outcap *c, struct task *t)
{
	json_t *lim = json_object_get(t->args, "output_limit");
	size_t limit = json_is_integer(lim) ? (size_t)json_integer_value(lim) : EXEC_OUTPUT_DEFAULT;

	buf_init(&c->head);
	c->head_max = limit / 2;
	c->tail_max = limit - c->head_max;
}

/* n more bytes of the stream: into the head while it has room, the rest into the tail's ring. */
static void
exec_outcap_add(struct outcap *c, const unsigned char *p, size_t n)
{
	size_t k;

	c->total += n;
	if (c->head.len < c->head_max) {
		k = n < c->head_max - c->head.len ? n : c->head_max - c->head.len;
		buf_add(&c->head, p, k);
		p += k;
		n -= k;
	}
	if (n == 0 || c->tail_max == 0)
		return;
	if (c->tail == NULL)
		c->tail = xmalloc(c->tail_max);
	if (n >= c->tail_max) {
		memcpy(c->tail, p + n - c->tail_max, c->tail_max);
		c->tail_pos = 0;
		c->tail_len = c->tail_max;
		return;
	}
	k = n < c->tail_max - c->tail_pos ? n : c->tail_max - c->tail_pos;
	memcpy(c->tail + c->tail_pos, p, k);
	memcpy(c->tail, p + k, n - k);
	c->tail_pos = (c->tail_pos + n) % c->tail_max;
	c->tail_len = c->tail_len + n > c->tail_max ? c->tail_max : c->tail_len + n;
}

/*
 * In the child: never returns.  With the full sandbox this child is the
 * init of the program's namespaces: it builds the file system, then forks
 * the program and stays behind to reap (sandbox_init_run).
 */
static void
exec_child(struct agent *a, struct task *t, int in, int out, int err, int status_fd)
{
	json_t *cmd = json_object_get(t->args, "command"), *argv = json_object_get(t->args, "argv");
	json_t *env = json_object_get(t->args, "env"), *v;
	const char *cwd = json_string_value(json_object_get(t->args, "cwd")), *k;
	double timeout = (double)(t->step_deadline - time_mono_ns()) / 1e9;
	char **envp, **args, why[512];
	size_t n = 0;

	if (cgroup_enter(a->cgroup) != 0) {
		dprintf(err, "verona: cannot enter the run's cgroup: %s\n", strerror(errno));
		_exit(126);
	}
	/*
	 * A session of its own, without a controlling terminal: the agent may
	 * share the terminal of whoever started verona (the local testbed's
	 * agents do), and a program could write onto it or type into it
	 * (TIOCSTI) through /dev/tty.  The agent does not make the child a
	 * group leader first (setsid would then fail).
	 */
	if (setsid() < 0) {
		dprintf(err, "verona: cannot give the program a session of its own: %s\n", strerror(errno));
		_exit(126);
	}
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (a->sandbox == SANDBOX_FULL) {
		if (sandbox_enter_fs(a->workdir, a->workdir_fd, why, sizeof why) != 0) {
			dprintf(2, "verona: cannot make the full sandbox: %s\n", why);
			_exit(126);
		}
		if (sandbox_init_run(status_fd) != 0) {
			dprintf(2, "verona: cannot start the program: fork: %s\n", strerror(errno));
			_exit(126);
		}
		/* the program, pid 2 of its namespace: the work directory by its path inside */
		if (chdir(a->workdir) != 0) {
			dprintf(2, "verona: cannot enter the work directory: %s\n", strerror(errno));
			_exit(126);
		}
	} else if (fchdir(a->workdir_fd) != 0) {
		dprintf(2, "verona: cannot enter the work directory: %s\n", strerror(errno));
		_exit(126);
	}
	if (cwd != NULL && cwd[0] != '\0' && chdir(cwd) != 0) {
		dprintf(2, "verona: cannot enter the work directory: %s: %s\n", cwd, strerror(errno));
		_exit(126);
	}
	envp = xcalloc(json_object_size(env) + 10, sizeof *envp);
	envp[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	envp[n++] = xasprintf("HOME=%s", a->workdir);
	envp[n++] = xasprintf("TMPDIR=%s", a->workdir);
	envp[n++] = "LANG=C.UTF-8";
	envp[n++] = "PYTHONUNBUFFERED=1";
	envp[n++] = "PYTHONDONTWRITEBYTECODE=1";
	if (a->own_addr[0] != '\0') {	/* the loopback testbed: the program's sockets send from the host's address */
		envp[n++] = xasprintf("LD_PRELOAD=%s", exec_bind_shim());
		envp[n++] = xasprintf("VERONA_HOST_ADDR=%s", a->own_addr);
	}
	json_object_foreach(env, k, v)
		if (json_is_string(v))
			envp[n++] = xasprintf("%s=%s", k, json_string_value(v));
	envp[n] = NULL;
	if (json_is_string(cmd)) {
		args = xcalloc(4, sizeof *args);
		args[0] = "sh";
		args[1] = "-c";
		args[2] = (char *)json_string_value(cmd);
	} else {
		args = xcalloc(json_array_size(argv) + 1, sizeof *args);
		for (size_t i = 0; i < json_array_size(argv); i++)
			args[i] = (char *)json_string_value(json_array_get(argv, i));
	}
	if (a->exec_uid != getuid() || a->exec_uid != geteuid()) {
		if (setgroups(0, NULL) != 0 || setresgid(a->exec_gid, a->exec_gid, a->exec_gid) != 0 ||
		    setresuid(a->exec_uid, a->exec_uid, a->exec_uid) != 0) {
			dprintf(2, "verona: cannot switch to the session's user id %u: %s\n",
			    (unsigned)a->exec_uid, strerror(errno));
			_exit(126);
		}
	}
	if (a->own_addr[0] != '\0' && access(exec_bind_shim(), R_OK) != 0) {
		/* the dynamic loader would skip it without a word, and the packets would be 127.0.0.1's */
		dprintf(2, "verona: the program's user id %u cannot read %s: on the loopback testbed its sockets could not "
		    "send from the host's address; make that file and its folders readable by others\n",
		    (unsigned)a->exec_uid, exec_bind_shim());
		_exit(126);
	}
	/*
	 * Keyrings are not namespaced: the session keyring the agent inherited
	 * (a login's, a systemd service's) would be the program's, every key in
	 * it readable and writable by its possessor, and shared with the next
	 * student's program.  A new, empty one of the program's own user.  A
	 * container's seccomp filter (systemd-nspawn's, Docker's) may refuse
	 * keyrings to everyone (EPERM, ENOSYS); the sandbox's own filter then
	 * refuses them to the program too (sandbox_seccomp).
	 */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS &&
	    !(errno == EPERM && a->sandbox != SANDBOX_NONE)) {
		dprintf(2, "verona: cannot give the program a session keyring of its own: %s\n", strerror(errno));
		_exit(126);
	}
	/*
	 * A program never keeps the agent's capabilities: a systemd unit gives a
	 * non-root agent CAP_NET_RAW and CAP_NET_ADMIN as ambient ones, which an
	 * exec would pass on; and it gains none from setuid or file capabilities.
	 */
	struct __user_cap_header_struct caph = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct capd[2];
	if (syscall(SYS_capget, &caph, capd) == 0 && (capd[0].inheritable | capd[1].inheritable) != 0) {
		capd[0].inheritable = capd[1].inheritable = 0;
		(void)syscall(SYS_capset, &caph, capd);
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
		dprintf(2, "verona: cannot clear ambient capabilities: %s\n", strerror(errno));
		_exit(126);
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		dprintf(2, "verona: cannot set no_new_privs: %s\n", strerror(errno));
		_exit(126);
	}
	if (a->sandbox != SANDBOX_NONE && sandbox_seccomp(why, sizeof why) != 0) {
		dprintf(2, "verona: cannot restrict the program's system calls: %s\n", why);
		_exit(126);
	}
	/* the limits last: nothing of ours allocates after them (a sanitizer's allocator could not; libseccomp allocates above) */
	set_limit(RLIMIT_CPU, (rlim_t)(timeout > 0 ? timeout + 2 : 10));
	set_limit(RLIMIT_AS, (rlim_t)1 << 30);
	set_limit(RLIMIT_NPROC, 128);
	set_limit(RLIMIT_FSIZE, (rlim_t)64 << 20);
	set_limit(RLIMIT_NOFILE, 256);
	set_limit(RLIMIT_CORE, 0);
	umask(022);
	/* nothing inherited: the program starts with exactly stdin, stdout and stderr */
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
		for (int fd = 3; fd < 65536; fd++)
			close(fd);
	if (json_is_string(cmd))
		execve("/bin/sh", args, envp);
	else
		execvpe(args[0], args, envp);
	dprintf(2, "verona: cannot run the program: %s\n", strerror(errno));
	_exit(127);
}

#define EXEC_FILES_MAX	20	/* names listed when a file is missing */

/* 1 if path exists, seen from dir (a name without '/' on the programs' PATH when onpath). */
static int
exec_file_exists(int dir, const char *path, int onpath)
{
	static const char *const bindirs[] = { "/usr/local/bin", "/usr/bin", "/bin", NULL };
	struct stat sb;

	if (!onpath || strchr(path, '/') != NULL)
		return fstatat(dir, path, &sb, 0) == 0;
	for (size_t i = 0; bindirs[i] != NULL; i++) {
		char *full = xasprintf("%s/%s", bindirs[i], path);
		int found = stat(full, &sb) == 0;
		free(full);
		if (found)
			return 1;
	}
	return 0;
}

/*
 * The program or Python script the step's command names that is not there
 * (cmdfile.h), seen from the directory the program starts in; NULL when
 * all are there or the command line is not a simple one.  Caller frees.
 */
static char *
exec_missing(struct agent *a, struct task *t)
{
	json_t *cmd = json_object_get(t->args, "command"), *argv = json_object_get(t->args, "argv");
	const char *cwd = json_string_value(json_object_get(t->args, "cwd")), *script;
	char **words, *missing = NULL;
	int dir = a->workdir_fd, shell = json_is_string(cmd);

	if (shell)
		words = cmdfile_split(json_string_value(cmd));
	else {
		words = xcalloc(json_array_size(argv) + 1, sizeof *words);
		for (size_t i = 0; i < json_array_size(argv); i++)
			words[i] = xstrdup(json_string_value(json_array_get(argv, i)) ?: "");
	}
	if (words == NULL || words[0] == NULL) {
		cmdfile_free(words);
		return NULL;
	}
	if (cwd != NULL && cwd[0] != '\0' && (dir = openat(a->workdir_fd, cwd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		cmdfile_free(words);
		return NULL;
	}
	if (!(shell && cmdfile_builtin(words[0])) && !exec_file_exists(dir, words[0], 1))
		missing = xstrdup(words[0]);
	else if ((script = cmdfile_script(words)) != NULL && !exec_file_exists(dir, script, 0))
		missing = xstrdup(script);
	if (dir != a->workdir_fd)
		close(dir);
	cmdfile_free(words);
	return missing;
}

static int
exec_name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* "workdir_files": the names in the directory the program started in (a folder's with '/'), sorted, at most EXEC_FILES_MAX; "workdir_files_total". */
static void
exec_set_files(struct agent *a, struct task *t)
{
	const char *cwd = json_string_value(json_object_get(t->args, "cwd"));
	int fd = openat(a->workdir_fd, cwd != NULL && cwd[0] != '\0' ? cwd : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	json_t *list = json_array();

	if (d == NULL && fd >= 0)
		close(fd);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
		names[n++] = xasprintf("%s%s", e->d_name, e->d_type == DT_DIR ? "/" : "");
	}
	if (d != NULL)
		closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, exec_name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i < EXEC_FILES_MAX)
			json_array_append_new(list, json_string(names[i]));
		free(names[i]);
	}
	free(names);
	json_object_set_new(t->result, "workdir_files", list);
	json_object_set_new(t->result, "workdir_files_total", json_integer((json_int_t)n));
}

static int
exec_spawn(struct agent *a, struct task *t)
{
	int in[2], out[2], err[2], status[2] = { -1, -1 };
	struct proc *p = xcalloc(1, sizeof *p);
	json_t *ready = json_object_get(t->args, "ready");

	p->pidfd = p->out_fd = p->err_fd = p->status_fd = -1;
	exec_outcap_init(&p->out, t);
	exec_outcap_init(&p->err, t);
	t->proc = p;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
	    (a->sandbox == SANDBOX_FULL && pipe2(status, O_CLOEXEC) != 0)) {
		task_errno(t, errno);
		return -1;
	}
	if (json_is_object(ready)) {
		const char *re = json_string_value(json_object_get(ready, "stdout"));
		double rt = json_is_number(json_object_get(ready, "timeout")) ?
		    json_number_value(json_object_get(ready, "timeout")) : 5;
		p->want_ready = 1;
		p->ready_port = (int)json_integer_value(json_object_get(ready, "port"));
		if (json_is_string(json_object_get(ready, "addr")))
			p->ready_addr = xstrdup(json_string_value(json_object_get(ready, "addr")));
		p->ready_udp = json_string_value(json_object_get(ready, "proto")) != NULL &&
		    strcmp(json_string_value(json_object_get(ready, "proto")), "udp") == 0;
		char rxerr[300];
		if (re != NULL && (p->ready_re = rx_compile(re, RX_LINES, rxerr, sizeof rxerr, NULL)) != NULL)
			p->has_re = 1;
		p->ready_deadline = time_mono_ns() + (int64_t)(rt * 1e9);
	}
	p->missing = exec_missing(a, t);
	p->start_mono = time_mono_ns();
	/* what a program leaves when it dies comes to us, to be reaped (exec_finish) */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	p->pid = sandbox_spawn((enum sandbox_level)a->sandbox);
	if (p->pid < 0) {
		task_errno(t, errno);
		return -1;
	}
	if (p->pid == 0)
		exec_child(a, t, in[0], out[1], err[1], status[1]);
	/* no setpgid(p->pid) here: the child's setsid() would fail in a group it already leads */
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (status[1] >= 0) {
		close(status[1]);
		p->status_fd = status[0];
		fcntl(p->status_fd, F_SETFL, O_NONBLOCK);
	}
	p->out_fd = out[0];
	p->err_fd = err[0];
	fcntl(p->out_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->err_fd, F_SETFL, O_NONBLOCK);
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (t->payload_len > 0) {
		(void)fcntl(in[1], F_SETPIPE_SZ, 1 << 20);
		fcntl(in[1], F_SETFL, O_NONBLOCK);
		if (write(in[1], t->payload, t->payload_len) < 0) { /* the program may not read its input */ }
	}
	close(in[1]);
	return 0;
}

/* The child has been reaped: with the full sandbox, the program's own status is what its init reported. */
static void
exec_exited(struct proc *p)
{
	int st;
	p->exited = 1;
	if (p->status_fd >= 0 && read(p->status_fd, &st, sizeof st) == (ssize_t)sizeof st)
		p->status = st;
}

static void
exec_drain(int *fd, struct outcap *c)
{
	unsigned char chunk[65536];
	while (*fd >= 0) {
		ssize_t n = read(*fd, chunk, sizeof chunk);
		if (n > 0) {
			exec_outcap_add(c, chunk, (size_t)n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		close(*fd);	/* end of file */
		*fd = -1;
	}
}

/*
 * key_b64: the bytes kept (the head, then the tail in order); key_len: how
 * many the program wrote; key_truncated; and, when bytes were left out,
 * key_cut_at: where in the kept bytes they were.
 */
static void
exec_set_output(struct task *t, const char *key, struct outcap *c)
{
	struct buf b;
	char k[32], *enc;

	buf_init(&b);
	buf_add(&b, c->head.data ? c->head.data : (unsigned char *)"", c->head.len);
	if (c->tail_len == c->tail_max) {
		buf_add(&b, c->tail + c->tail_pos, c->tail_max - c->tail_pos);
		buf_add(&b, c->tail, c->tail_pos);
	} else if (c->tail_len > 0)
		buf_add(&b, c->tail, c->tail_len);
	enc = b64_encode(b.data ? b.data : (unsigned char *)"", b.len);
	snprintf(k, sizeof k, "%s_b64", key);
	json_object_set_new(t->result, k, json_string(enc));
	snprintf(k, sizeof k, "%s_len", key);
	json_object_set_new(t->result, k, json_integer((json_int_t)c->total));
	snprintf(k, sizeof k, "%s_truncated", key);
	json_object_set_new(t->result, k, json_boolean(c->total > b.len));
	if (c->total > b.len) {
		snprintf(k, sizeof k, "%s_cut_at", key);
		json_object_set_new(t->result, k, json_integer((json_int_t)c->head.len));
	}
	free(enc);
	buf_free(&b);
}

/* The program has ended (or was killed): its whole group goes, and the result is written. */
static void
exec_finish(struct agent *a, struct task *t, int timed_out)
{
	struct proc *p = t->proc;
	int st = p->status;
	double seconds = (double)(time_mono_ns() - p->start_mono) / 1e9;

	kill(-p->pid, SIGKILL);		/* what it left behind */
	/* ... and wait (2 s at most) until it is gone, reaping what was orphaned to
	 * us (the agent is their subreaper): a fork bomb's dying children still
	 * count against the user's process limit, and the next program of the
	 * run could not start */
	for (int i = 0; i < 400; i++) {
		while (waitpid(-p->pid, NULL, WNOHANG) > 0)
			;
		if (kill(-p->pid, 0) != 0)
			break;
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	exec_drain(&p->out_fd, &p->out);
	exec_drain(&p->err_fd, &p->err);
	exec_set_output(t, "stdout", &p->out);
	exec_set_output(t, "stderr", &p->err);
	json_object_set_new(t->result, "seconds", json_real(seconds));
	json_object_set_new(t->result, "pid", json_integer(p->pid));
	if (timed_out) {
		json_object_set_new(t->result, "timed_out", json_true());
		json_object_set_new(t->result, "timeout_reason", json_string("step timeout"));
		task_errno(t, ERR_TIMEOUT);
		return;
	}
	if (WIFEXITED(st)) {
		json_object_set_new(t->result, "exit", json_integer(WEXITSTATUS(st)));
		json_object_set_new(t->result, "ok", json_boolean(WEXITSTATUS(st) == 0));
		json_object_set_new(t->result, "ret", json_integer(WEXITSTATUS(st)));
		if (WEXITSTATUS(st) != 0 && p->missing != NULL) {	/* it could not start: say which file it lacked */
			json_object_set_new(t->result, "missing", json_string(p->missing));
			exec_set_files(a, t);
		}
	} else {
		int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		json_object_set_new(t->result, "exit", json_null());
		json_object_set_new(t->result, "signal", json_string(sig ? sigabbrev_np(sig) ?: "?" : "?"));
		json_object_set_new(t->result, "ok", json_false());
		json_object_set_new(t->result, "ret", json_null());
	}
	json_object_set_new(t->result, "errno", json_integer(0));
	task_finish(t);
}

/*
 * A local address of /proc/net/{tcp,udp}{,6} ("0100007F", or 32 hex
 * digits for IPv6) as an IPv6 address (IPv4 as ::ffff:a.b.c.d); 0, or -1.
 */
static int
exec_proc_addr(const char *hex, size_t len, struct in6_addr *out)
{
	uint32_t w[4];
	char part[9];

	memset(out, 0, sizeof *out);
	if (len != 8 && len != 32)
		return -1;
	for (size_t i = 0; i < len / 8; i++) {
		memcpy(part, hex + 8 * i, 8);
		part[8] = '\0';
		w[i] = (uint32_t)strtoul(part, NULL, 16);	/* the kernel prints each word in host order */
	}
	if (len == 8) {
		out->s6_addr[10] = out->s6_addr[11] = 0xff;
		memcpy(&out->s6_addr[12], &w[0], 4);
	} else
		memcpy(out->s6_addr, w, 16);
	return 0;
}

/*
 * Whether a program listens on the port (TCP) or is bound to it (UDP) where
 * a peer can reach it: at want (an address of this host; NULL: anywhere)
 * or on every address.  1 yes; 0 nothing on the port; -1 only elsewhere
 * (127.0.0.1, another address), with that address in where.
 */
static int
exec_port_open(int port, int udp, const char *want, char *where, size_t wherelen)
{
	static const char *const tcp_files[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	static const char *const udp_files[] = { "/proc/net/udp", "/proc/net/udp6" };
	const char *const *files = udp ? udp_files : tcp_files;
	struct in6_addr w, got;
	int have_want = 0, elsewhere = 0;

	if (want != NULL) {
		struct in_addr v4;
		if (inet_pton(AF_INET, want, &v4) == 1) {
			memset(&w, 0, sizeof w);
			w.s6_addr[10] = w.s6_addr[11] = 0xff;
			memcpy(&w.s6_addr[12], &v4, 4);
			have_want = 1;
		} else
			have_want = inet_pton(AF_INET6, want, &w) == 1;
	}
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "re");
		char line[512];
		if (f == NULL)
			continue;
		if (fgets(line, sizeof line, f) == NULL) {	/* header */
			fclose(f);
			continue;
		}
		while (fgets(line, sizeof line, f) != NULL) {
			char local[128];
			unsigned st;
			char *colon;
			if (sscanf(line, "%*s %127s %*s %x", local, &st) != 2 || (colon = strrchr(local, ':')) == NULL)
				continue;
			if ((int)strtol(colon + 1, NULL, 16) != port || (udp ? st != 0x07 : st != 0x0A))
				continue;
			if (!have_want || exec_proc_addr(local, (size_t)(colon - local), &got) != 0 ||
			    IN6_IS_ADDR_UNSPECIFIED(&got) || memcmp(&got, &w, sizeof w) == 0 ||
			    (IN6_IS_ADDR_V4MAPPED(&got) && got.s6_addr32[3] == 0)) {
				fclose(f);
				return 1;
			}
			if (!elsewhere) {
				char ip[INET6_ADDRSTRLEN];
				if (IN6_IS_ADDR_V4MAPPED(&got))
					inet_ntop(AF_INET, &got.s6_addr[12], ip, sizeof ip);
				else
					inet_ntop(AF_INET6, &got, ip, sizeof ip);
				snprintf(where, wherelen, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
				elsewhere = 1;
			}
		}
		fclose(f);
	}
	return elsewhere ? -1 : 0;
}

static void
exec_ready(struct agent *a, struct task *t, int ok, const char *why)
{
	json_t *m = json_pack("{s:s, s:I, s:b}", "type", proto_type_name(MSG_STARTED), "seq", (json_int_t)t->seq, "ready", ok);
	t->proc->ready_done = 1;
	if (why != NULL) {
		json_object_set_new(m, "reason", json_string(why));
		json_object_set_new(t->result, "ready_reason", json_string(why));
	}
	json_object_set_new(t->result, "ready", json_boolean(ok));
	if (a->notify != NULL)
		a->notify(a, m);
	json_decref(m);
	t->deadline = t->step_deadline;
}

static void
exec_check_ready(struct agent *a, struct task *t)
{
	struct proc *p = t->proc;
	int ok = 0, rc = 0;
	char rxerr[300];
	if (!p->want_ready || p->ready_done || !t->background)
		return;
	if (p->ready_port > 0) {
		char where[80], *why;
		int open = exec_port_open(p->ready_port, p->ready_udp, p->ready_addr, where, sizeof where);
		if (open < 0) {	/* reachable by no peer: not ready, whatever else it prints */
			if (strncmp(where, "127.", 4) == 0 || strncmp(where, "[::1]", 5) == 0)
				why = xasprintf("listening on %s only; no other host can reach it", where);
			else
				why = xasprintf("listening on %s only, not on %s", where, p->ready_addr);
			exec_ready(a, t, 0, why);
			free(why);
			return;
		}
		ok = open == 1;
	}
	if (!ok && p->has_re && p->out.total > p->ready_len && p->out.total == p->out.head.len + p->out.tail_len) {
		/* all of stdout so far is kept (up to the output limit): head, then the tail not yet wrapped */
		struct buf all;
		buf_init(&all);
		if (p->out.tail_len > 0) {	/* past the head: the two parts as one text (else the head itself) */
			buf_add(&all, p->out.head.data, p->out.head.len);
			buf_add(&all, p->out.tail, p->out.tail_len);
		}
		p->ready_len = (size_t)p->out.total;
		if ((rc = p->out.tail_len > 0 ? rx_match(p->ready_re, all.data, all.len, rxerr, sizeof rxerr) :
		    rx_match(p->ready_re, p->out.head.data, p->out.head.len, rxerr, sizeof rxerr)) == 1)
			ok = 1;
		buf_free(&all);
	}
	if (rc < 0) {	/* the pattern costs too much on this output: never looked at again */
		char *why = xasprintf("ready stdout: %s", rxerr);
		exec_ready(a, t, 0, why);
		free(why);
	} else if (ok)
		exec_ready(a, t, 1, NULL);
	else if (p->exited)
		exec_ready(a, t, 0, "the program ended before it was ready");
	else {
		/* look again soon: a port opening wakes no fd of ours */
		int64_t next = time_mono_ns() + EXEC_READY_POLL_NS;
		if (next > p->ready_deadline)
			next = p->ready_deadline;
		t->deadline = next < t->step_deadline ? next : t->step_deadline;
	}
}

static enum op_status
op_exec_run(struct agent *a, struct task *t)
{
	struct proc *p = t->proc;
	if (p == NULL) {
		if (exec_spawn(a, t) != 0)
			return OP_DONE;
		p = t->proc;
	}
	exec_drain(&p->out_fd, &p->out);
	exec_drain(&p->err_fd, &p->err);
	if (!p->exited && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		exec_exited(p);
	exec_check_ready(a, t);
	if (p->exited) {
		exec_finish(a, t, 0);
		return OP_DONE;
	}
	t->aux_fd[0] = p->out_fd;
	t->aux_fd[1] = p->err_fd;
	t->aux_fd[2] = p->pidfd;
	t->wait_fd = -1;
	return OP_WAIT;
}

static void
op_exec_expire(struct agent *a, struct task *t)
{
	struct proc *p = t->proc;
	int64_t now = time_mono_ns();

	if (p == NULL)
		return;
	if (p->want_ready && !p->ready_done && t->background) {
		exec_check_ready(a, t);
		if (!p->ready_done && now >= p->ready_deadline)
			exec_ready(a, t, 0, "not ready before its deadline");
		if (now < t->step_deadline)
			return;		/* the loop goes on with the deadline set above */
	}
	/* the step's timeout: stop the whole group, saying when (what its host sends from now on is the kernel's) */
	json_object_set_new(t->result, "killed_ns", json_integer(time_realtime_ns()));
	kill(-p->pid, SIGKILL);
	kill(p->pid, SIGKILL);
	if (!p->exited && waitpid(p->pid, &p->status, 0) == p->pid)
		exec_exited(p);
	if (p->want_ready && !p->ready_done && t->background)
		exec_ready(a, t, 0, "the step's timeout passed before it was ready");
	exec_finish(a, t, 1);
}

const struct op_entry op_exec_entry = {
	.name = "exec", .uses_socket = 0,
	.check = op_exec_check, .run = op_exec_run, .expire = op_exec_expire,
};
