/* sandbox.c — see sandbox.h. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <sodium.h>
#include <seccomp.h>

#include "sandbox.h"
#include "uidproc.h"
#include "util.h"

#define SANDBOX_NS_FLAGS	(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC)

static const char *const sandbox_level_names[] = {
	[SANDBOX_NONE] = "none", [SANDBOX_UID] = "uid", [SANDBOX_FULL] = "full",
};

/* what the full level lacks on this host ("" when nothing) */
static char	sandbox_full_missing[256] = "not probed (the agent does not run programs)";
static int	sandbox_own_mntns;	/* the agent has a mount namespace of its own */
/* each of a program's /tmp, /var/tmp and /dev/shm (at most the run's disk limit) */
static long long sandbox_tmp_bytes = (long long)SANDBOX_TMP_MB << 20;

int
sandbox_level_parse(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof sandbox_level_names / sizeof sandbox_level_names[0]; i++)
		if (strcmp(name, sandbox_level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
sandbox_level_name(enum sandbox_level l)
{
	return (unsigned)l < sizeof sandbox_level_names / sizeof sandbox_level_names[0] ?
	    sandbox_level_names[l] : "?";
}

int
sandbox_can_setuid(void)
{
	return cap_effective(CAP_SETUID) && cap_effective(CAP_SETGID);
}

void
sandbox_agent_init(void)
{
	pid_t pid;
	int st;

	if (unshare(CLONE_NEWNS) != 0) {
		snprintf(sandbox_full_missing, sizeof sandbox_full_missing,
		    "unshare(CLONE_NEWNS): %s (needs CAP_SYS_ADMIN)", strerror(errno));
		return;
	}
	/* the host's mounts still show here; none of ours shows there */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0) {
		snprintf(sandbox_full_missing, sizeof sandbox_full_missing,
		    "making / a slave mount: %s (needs CAP_SYS_ADMIN)", strerror(errno));
		return;
	}
	sandbox_own_mntns = 1;
	/* the namespaces of the full level: one try, the child exits at once */
	pid = (pid_t)syscall(SYS_clone, SANDBOX_NS_FLAGS | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		snprintf(sandbox_full_missing, sizeof sandbox_full_missing,
		    "clone(CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWIPC): %s (needs CAP_SYS_ADMIN, and namespaces "
		    "not restricted, e.g. by systemd's RestrictNamespaces)", strerror(errno));
		return;
	}
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	sandbox_full_missing[0] = '\0';
}

int
sandbox_can(enum sandbox_level l, char *err, size_t errlen)
{
	if (l != SANDBOX_NONE && !sandbox_can_setuid()) {
		snprintf(err, errlen, "cannot make the %s sandbox: the agent cannot switch user ids "
		    "(it is not root and lacks CAP_SETUID and CAP_SETGID)", sandbox_level_name(l));
		return -1;
	}
	if (l == SANDBOX_FULL && sandbox_full_missing[0] != '\0') {
		snprintf(err, errlen, "cannot make the full sandbox: %s", sandbox_full_missing);
		return -1;
	}
	return 0;
}

int
sandbox_uid_free(uid_t uid)
{
	if (uid == 0 || uid == (uid_t)-1 || getpwuid(uid) != NULL || getgrgid((gid_t)uid) != NULL)
		return 0;
	return !uidproc_alive((unsigned)uid);
}

uid_t
sandbox_uid_pick(void)
{
	for (int i = 0; i < 20; i++) {
		uid_t u = SANDBOX_UID_MIN + randombytes_uniform(SANDBOX_UID_SPAN);
		if (sandbox_uid_free(u))
			return u;
	}
	return 0;
}

char *
sandbox_workdir_make(uid_t uid, gid_t gid, int *fdp, char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char *wd = xasprintf("%s/verona-work-%ld-XXXXXX", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	char opts[128];

	if (mkdtemp(wd) == NULL) {
		snprintf(err, errlen, "cannot make a work directory %s: %s", wd, strerror(errno));
		free(wd);
		return NULL;
	}
	if (sandbox_own_mntns) {
		snprintf(opts, sizeof opts, "size=%dm,mode=0700,uid=%u,gid=%u", SANDBOX_WORKDIR_MB,
		    (unsigned)uid, (unsigned)gid);
		if (mount("verona-work", wd, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
			snprintf(err, errlen, "cannot mount the work directory's tmpfs on %s: %s", wd, strerror(errno));
			rmdir(wd);
			free(wd);
			return NULL;
		}
	} else if (geteuid() == 0 && chown(wd, uid, gid) != 0) {
		snprintf(err, errlen, "cannot give the work directory %s to uid %u: %s", wd, (unsigned)uid,
		    strerror(errno));
		rmdir(wd);
		free(wd);
		return NULL;
	}
	if ((*fdp = open(wd, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open the work directory %s: %s", wd, strerror(errno));
		if (sandbox_own_mntns)
			umount2(wd, MNT_DETACH);
		rmdir(wd);
		free(wd);
		return NULL;
	}
	return wd;
}

int
sandbox_disk_limit(const char *workdir, long long bytes, char *err, size_t errlen)
{
	char opts[64];

	if (bytes <= 0)
		return 0;
	sandbox_tmp_bytes = bytes < (long long)SANDBOX_TMP_MB << 20 ? bytes : (long long)SANDBOX_TMP_MB << 20;
	if (workdir == NULL || !sandbox_own_mntns)
		return 0;
	/* the work directory's tmpfs takes its new size (it may not shrink below what it holds) */
	snprintf(opts, sizeof opts, "size=%lldk", (bytes + 1023) / 1024);
	if (mount(NULL, workdir, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, opts) != 0) {
		snprintf(err, errlen, "cannot make the work directory %s %lld bytes: %s", workdir, bytes,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
sandbox_seccomp(char *err, size_t errlen)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc;

	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp: cannot make a filter");
		return -1;
	}
	/*
	 * No user namespace: in one, a program would be root of its own mount
	 * namespace (sysfs, tmpfs of any size) and reach the kernel's
	 * user-namespace attack surface.  clone3 passes its flags in memory,
	 * where a filter cannot read them: ENOSYS, and the C library falls back
	 * to clone.
	 */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
	    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* nor the kernel's keyrings, which no namespace separates (a student's program needs none) */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(keyctl), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(add_key), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(request_key), 0);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

pid_t
sandbox_spawn(enum sandbox_level l)
{
	if (l != SANDBOX_FULL)
		return fork();
	/* as fork(), with the namespaces: the child is pid 1 of its own PID namespace */
	return (pid_t)syscall(SYS_clone, SANDBOX_NS_FLAGS | SIGCHLD, NULL, NULL, NULL, 0);
}

/* ------------------------------------------------------------------ the init's file system */

static int
sandbox_fail(char *err, size_t errlen, const char *what, const char *path)
{
	snprintf(err, errlen, "sandbox: %s %s: %s", what, path, strerror(errno));
	return -1;
}

/* mkdir -p, 0755 */
static int
sandbox_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) != 0 && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return 0;
}

static int
sandbox_setattr_rec(const char *path, uint64_t set)
{
	struct mount_attr ma = { .attr_set = set };
	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &ma, sizeof ma);
}

/* a read-only bind of the host's dir (or the same symbolic link) at root/dir */
static int
sandbox_ro_bind(const char *root, const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	char dst[512], link[512];
	ssize_t n;

	if (lstat(dir, &sb) != 0)
		return 0;	/* not on this host */
	snprintf(dst, sizeof dst, "%s%s", root, dir);
	if (S_ISLNK(sb.st_mode)) {
		if ((n = readlink(dir, link, sizeof link - 1)) < 0)
			return sandbox_fail(err, errlen, "readlink", dir);
		link[n] = '\0';
		if (symlink(link, dst) != 0)
			return sandbox_fail(err, errlen, "symlink", dst);
		return 0;
	}
	if (!S_ISDIR(sb.st_mode))
		return 0;
	if (sandbox_mkdirs(dst) != 0)
		return sandbox_fail(err, errlen, "mkdir", dst);
	if (mount(dir, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
		return sandbox_fail(err, errlen, "bind", dir);
	if (sandbox_setattr_rec(dst, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) != 0)
		return sandbox_fail(err, errlen, "read-only", dst);
	return 0;
}

static int
sandbox_tmpfs(const char *path, const char *opts, unsigned long flags, char *err, size_t errlen)
{
	if (sandbox_mkdirs(path) != 0)
		return sandbox_fail(err, errlen, "mkdir", path);
	if (mount("tmpfs", path, "tmpfs", flags, opts) != 0)
		return sandbox_fail(err, errlen, "tmpfs", path);
	return 0;
}

int
sandbox_enter_fs(const char *workdir, int workdir_fd, char *err, size_t errlen)
{
	static const char *const ro_dirs[] = {
		"/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
	};
	static const char *const devs[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const struct { const char *name, *target; } devlinks[] = {
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	};
	const char *root = "/tmp";	/* the new root's mount point, in our own mount namespace */
	char path[1024], opts[64];
	const unsigned long tflags = MS_NOSUID | MS_NODEV;

	int wfd;

	(void)workdir_fd;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return sandbox_fail(err, errlen, "make private", "/");
	/* the work directory, taken now as a detached mount: the new root covers /tmp */
	if ((wfd = (int)syscall(SYS_open_tree, AT_FDCWD, workdir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)
		return sandbox_fail(err, errlen, "open_tree", workdir);
	if (mount("verona-root", root, "tmpfs", tflags, "size=1m,mode=0755") != 0)
		return sandbox_fail(err, errlen, "tmpfs", root);
	for (size_t i = 0; i < sizeof ro_dirs / sizeof ro_dirs[0]; i++)
		if (sandbox_ro_bind(root, ro_dirs[i], err, errlen) != 0)
			return -1;
	/* /dev: a few devices, bound from the host's */
	snprintf(path, sizeof path, "%s/dev", root);
	if (sandbox_tmpfs(path, "size=64k,mode=0755", MS_NOSUID | MS_NOEXEC, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++) {
		char host[64];
		int fd;
		snprintf(host, sizeof host, "/dev/%s", devs[i]);
		snprintf(path, sizeof path, "%s/dev/%s", root, devs[i]);
		if (access(host, F_OK) != 0)
			continue;
		if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) < 0)
			return sandbox_fail(err, errlen, "create", path);
		close(fd);
		if (mount(host, path, NULL, MS_BIND, NULL) != 0)
			return sandbox_fail(err, errlen, "bind", host);
	}
	for (size_t i = 0; i < sizeof devlinks / sizeof devlinks[0]; i++) {
		snprintf(path, sizeof path, "%s/dev/%s", root, devlinks[i].name);
		if (symlink(devlinks[i].target, path) != 0)
			return sandbox_fail(err, errlen, "symlink", path);
	}
	snprintf(opts, sizeof opts, "size=%lldk,mode=1777", sandbox_tmp_bytes / 1024);
	snprintf(path, sizeof path, "%s/dev/shm", root);
	if (sandbox_tmpfs(path, opts, tflags | MS_NOEXEC, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/tmp", root);
	if (sandbox_tmpfs(path, opts, tflags, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/var/tmp", root);
	if (sandbox_tmpfs(path, opts, tflags, err, errlen) != 0)
		return -1;
	/* a fresh /proc: this PID namespace's processes only */
	snprintf(path, sizeof path, "%s/proc", root);
	if (sandbox_mkdirs(path) != 0)
		return sandbox_fail(err, errlen, "mkdir", path);
	if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return sandbox_fail(err, errlen, "mount proc on", path);
	/* the work directory, read-write, at its own path (bound from its fd: /tmp is covered) */
	snprintf(path, sizeof path, "%s%s", root, workdir);
	if (sandbox_mkdirs(path) != 0)
		return sandbox_fail(err, errlen, "mkdir", path);
	if (syscall(SYS_move_mount, wfd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) != 0)
		return sandbox_fail(err, errlen, "mount the work directory on", path);
	close(wfd);
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV, NULL) != 0)
		return sandbox_fail(err, errlen, "remount", path);
	/* in, and the old root gone */
	if (chdir(root) != 0)
		return sandbox_fail(err, errlen, "chdir", root);
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		return sandbox_fail(err, errlen, "pivot_root", root);
	if (umount2(".", MNT_DETACH) != 0)
		return sandbox_fail(err, errlen, "detach the old root", "/");
	if (chdir("/") != 0)
		return sandbox_fail(err, errlen, "chdir", "/");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
		return sandbox_fail(err, errlen, "remount read-only", "/");
	return 0;
}

int
sandbox_init_run(int status_fd)
{
	sigset_t all, old;
	pid_t prog;
	int st;

	/* no signal may make the init leave before it reports */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	prog = fork();
	if (prog < 0)
		return -1;
	if (prog == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 0;
	}
	(void)prctl(PR_SET_NAME, "verona-init", 0, 0, 0);
	/* the program's stdin, stdout and stderr are its own: their end is its end */
	close(0);
	close(1);
	close(2);
	for (;;) {
		pid_t w = waitpid(-1, &st, __WALL);
		if (w == prog) {
			ssize_t n = write(status_fd, &st, sizeof st);
			_exit(n == (ssize_t)sizeof st ? 0 : 125);
		}
		if (w < 0 && errno != EINTR)
			_exit(125);
	}
}

void
sandbox_workdir_remove(const char *path, int fd)
{
	if (fd >= 0)
		close(fd);
	if (path == NULL)
		return;
	if (sandbox_own_mntns && umount2(path, MNT_DETACH) == 0) {
		rmdir(path);
		return;
	}
	/* a plain directory: its files go first */
	char *cmd[] = { "rm", "-rf", "--one-file-system", "--", (char *)path, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execv("/bin/rm", cmd);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* ------------------------------------------------------------------ nftables */

/* Runs nft with script on its stdin; 0, or -1 with what it said in err. */
static int
sandbox_nft(const char *script, char *err, size_t errlen)
{
	int in[2], out[2], st;
	pid_t pid;
	char buf[512];
	ssize_t n, got = 0;

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "nft: pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execlp("nft", "nft", "-f", "-", (char *)NULL);
		execl("/usr/sbin/nft", "nft", "-f", "-", (char *)NULL);	/* not on every PATH */
		execl("/sbin/nft", "nft", "-f", "-", (char *)NULL);
		dprintf(2, "cannot run nft: %s", strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		snprintf(err, errlen, "nft: fork: %s", strerror(errno));
		return -1;
	}
	if (write(in[1], script, strlen(script)) < 0) { /* nft reports it */ }
	close(in[1]);
	while ((n = read(out[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0 && got + n < (ssize_t)sizeof buf - 1)
		got += n;
	if (n > 0)
		got += n;
	buf[got] = '\0';
	close(out[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(err, errlen, "nft: %s", got > 0 ? buf : "failed");
	return -1;
}

int
sandbox_nft_add(uid_t uid, const char *iface, char *err, size_t errlen)
{
	char script[512];
	for (const char *c = iface; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '-' || *c == '_' || *c == '.' || *c == '@')) {
			snprintf(err, errlen, "nft: interface name '%s' has characters nft rules cannot carry", iface);
			return -1;
		}
	snprintf(script, sizeof script,
	    "table inet verona_%u {\n"
	    "  chain out {\n"
	    "    type filter hook output priority 0; policy accept;\n"
	    "    meta skuid %u oifname != { \"lo\", \"%s\" } counter drop\n"
	    "  }\n"
	    "}\n", (unsigned)uid, (unsigned)uid, iface);
	return sandbox_nft(script, err, errlen);
}

void
sandbox_nft_remove(uid_t uid)
{
	char script[128], err[256];
	snprintf(script, sizeof script, "delete table inet verona_%u\n", (unsigned)uid);
	(void)sandbox_nft(script, err, sizeof err);
}

/* ------------------------------------------------------------------ loopback peers */

/* addr:port as /proc/net/tcp{,6} print it */
static void
sandbox_proc_addr(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
		snprintf(out, outlen, "%08X:%04X", s->sin_addr.s_addr, ntohs(s->sin_port));
	} else {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
		uint32_t w[4];
		memcpy(w, &s->sin6_addr, sizeof w);
		snprintf(out, outlen, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2], w[3], ntohs(s->sin6_port));
	}
}

int
sandbox_tcp_peer_uid(int fd, uid_t *uid)
{
	struct sockaddr_storage l, p;
	socklen_t ll = sizeof l, pl = sizeof p;
	char lhex[64], phex[64], line[512];
	const char *file;
	FILE *f;
	int found = -1;

	if (getsockname(fd, (struct sockaddr *)&l, &ll) != 0 || getpeername(fd, (struct sockaddr *)&p, &pl) != 0 ||
	    (l.ss_family != AF_INET && l.ss_family != AF_INET6))
		return -1;
	file = l.ss_family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6";
	sandbox_proc_addr(&l, lhex, sizeof lhex);
	sandbox_proc_addr(&p, phex, sizeof phex);
	if ((f = fopen(file, "re")) == NULL)
		return -1;
	/* the peer's socket: its local address is our peer, its remote one is us */
	while (found < 0 && fgets(line, sizeof line, f) != NULL) {
		char loc[80], rem[80];
		unsigned u;
		if (sscanf(line, "%*s %79s %79s %*s %*s %*s %*s %u", loc, rem, &u) == 3 &&
		    strcmp(loc, phex) == 0 && strcmp(rem, lhex) == 0) {
			*uid = (uid_t)u;
			found = 0;
		}
	}
	fclose(f);
	return found;
}
