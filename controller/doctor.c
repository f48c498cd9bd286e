/*
 * doctor.c — what this machine lets verona do; see doctor.h.
 *
 * Each probe tries the thing itself (in a child, so that nothing it changes
 * touches verona or the machine: a namespace made for a probe dies with the
 * child) and, when it fails, finds why from what the kernel shows (sysctls,
 * the seccomp mode, the capability sets) and says the fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "doctor.h"
#include "proc.h"
#include "testbed.h"
#include "util.h"

/* ---- helpers ---- */

static void
say(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* The first line of a file, or "" (static storage). */
static const char *
first_line(const char *path)
{
	static char line[256];
	FILE *f = fopen(path, "r");

	line[0] = '\0';
	if (f != NULL) {
		if (fgets(line, sizeof line, f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* The value of a "Key:\tvalue" line of /proc/self/status, or "" (static storage). */
static const char *
status_field(const char *key)
{
	static char val[128];
	char line[256];
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	val[0] = '\0';
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			const char *v = line + klen + 1;
			v += strspn(v, " \t");
			snprintf(val, sizeof val, "%s", v);
			val[strcspn(val, "\n")] = '\0';
			break;
		}
	if (f != NULL)
		fclose(f);
	return val;
}

enum child_ns { CHILD_NETNS, CHILD_USERNS };

/*
 * Runs fn in a child inside a new network namespace (as root: CHILD_NETNS;
 * any user: CHILD_USERNS, with this user as root of a new user namespace).
 * Returns what fn returned (0: it worked), or the errno of the step that
 * failed, with what (static) naming that step.
 */
static int
in_child(enum child_ns ns, int (*fn)(void *), void *arg, const char **what)
{
	int pfd[2], st, res[2] = { 0, 0 };
	static const char *const steps[] = { "unshare(CLONE_NEWNET)", "unshare(CLONE_NEWUSER|CLONE_NEWNET)",
		"writing the user namespace's uid_map", "the probe" };
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return errno;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		return e;
	}
	if (pid == 0) {
		uid_t uid = geteuid();
		gid_t gid = getegid();
		int step = ns == CHILD_NETNS ? 0 : 1, r = 0;
		close(pfd[0]);
		if (unshare(ns == CHILD_NETNS ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) != 0)
			r = errno;
		else if (ns == CHILD_USERNS) {
			step = 2;
			if (testbed_userns_map_self(uid, gid) != 0)
				r = errno;
		}
		if (r == 0) {
			step = 3;
			r = fn(arg);
		}
		res[0] = step;
		res[1] = r;
		if (write(pfd[1], res, sizeof res) != (ssize_t)sizeof res)
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], res, sizeof res) != (ssize_t)sizeof res) {
		res[0] = 3;
		res[1] = EIO;
	}
	close(pfd[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*what = steps[res[0]];
	return res[1];
}

static int
child_nothing(void *arg)
{
	(void)arg;
	return 0;
}

/* Runs a command (argv, NULL-terminated) in the child: 0, or -1 (EPERM for the caller's message). */
static int
child_cmd(void *arg)
{
	char **argv = arg;
	int st = proc_run(argv, NULL);
	return st == 0 ? 0 : st < 0 ? ENOENT : EPERM;
}

/* Brings lo up in the child's own network namespace (a new one starts with it down). */
static void
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		(void)ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

static int
child_capture(void *arg)
{
	char ebuf[PCAP_ERRBUF_SIZE];

	if (arg != NULL)
		lo_up();
	pcap_t *p = pcap_create("lo", ebuf);
	int rc;

	if (p == NULL)
		return ENODEV;
	rc = pcap_activate(p);
	pcap_close(p);
	return rc < 0 ? EPERM : 0;
}

static int
child_sandbox(void *arg)
{
	(void)arg;
	return unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) != 0 ? errno : 0;
}

/* The kind of namespace this user can make for a probe: root's own, or a user namespace. */
static enum child_ns
probe_ns(void)
{
	return cap_effective(CAP_SYS_ADMIN) ? CHILD_NETNS : CHILD_USERNS;
}

/* ---- the probes ---- */

static void
probe_root(struct doctor_result *r)
{
	r->ok = geteuid() == 0;
	say(r->detail, sizeof r->detail, "running as uid %u", (unsigned)geteuid());
	if (!r->ok)
		say(r->fix, sizeof r->fix, "the netns kind runs as root (sudo verona ...); a plain user gets the userns kind");
}

static void
probe_cap(struct doctor_result *r, int cap, const char *name, const char *use)
{
	r->ok = cap_effective(cap);
	say(r->detail, sizeof r->detail, "%s is %s (%s)", name, r->ok ? "in the effective set" : "missing", use);
	if (!r->ok)
		say(r->fix, sizeof r->fix, geteuid() == 0 ?
		    "a container dropped it: docker run --cap-add %s (Gradescope and PrairieLearn grant no more than "
		    "Docker's default set)" : "run as root, or use the userns kind", name + 4);
}

static void
probe_cap_net_admin(struct doctor_result *r)
{
	probe_cap(r, CAP_NET_ADMIN, "CAP_NET_ADMIN", "links, addresses and link conditions");
}

static void
probe_cap_net_raw(struct doctor_result *r)
{
	probe_cap(r, CAP_NET_RAW, "CAP_NET_RAW", "packet capture");
}

static void
probe_cap_sys_admin(struct doctor_result *r)
{
	probe_cap(r, CAP_SYS_ADMIN, "CAP_SYS_ADMIN", "namespaces of its own");
}

static void
probe_seccomp(struct doctor_result *r)
{
	const char *mode = status_field("Seccomp");
	r->ok = strcmp(mode, "2") != 0;
	say(r->detail, sizeof r->detail, r->ok ? "no seccomp filter on this process" :
	    "a seccomp filter is on this process (in Docker, its default profile refuses namespaces to a process "
	    "without CAP_SYS_ADMIN)");
	r->info = 1;
}

static void
probe_netns(struct doctor_result *r)
{
	const char *what;
	int e;

	if (!cap_effective(CAP_SYS_ADMIN)) {
		say(r->detail, sizeof r->detail, "not tried: without CAP_SYS_ADMIN the kernel refuses a network namespace");
		say(r->fix, sizeof r->fix, geteuid() == 0 ? "docker run --cap-add SYS_ADMIN --cap-add NET_ADMIN "
		    "(Gradescope and PrairieLearn allow neither: the loopback kind runs there)" :
		    "run as root (sudo), or use the userns kind");
		return;
	}
	e = in_child(CHILD_NETNS, child_nothing, NULL, &what);
	r->ok = e == 0;
	say(r->detail, sizeof r->detail, r->ok ? "a network namespace of its own can be made" : "%s: %s", what,
	    strerror(e));
	if (!r->ok)
		say(r->fix, sizeof r->fix, strcmp(status_field("Seccomp"), "2") == 0 ?
		    "a seccomp filter refuses unshare: docker run --security-opt seccomp=unconfined" :
		    "run as root on the host, not in a restricted container");
}

/* Why user namespaces are refused here, as a fix (static storage). */
static const char *
userns_fix(int e)
{
	static char fix[512];
	const char *v;

	if (strcmp(status_field("Seccomp"), "2") == 0)
		say(fix, sizeof fix, "a seccomp filter refuses unshare(CLONE_NEWUSER) (Docker's default profile): "
		    "docker run --security-opt seccomp=unconfined, or Podman, whose default profile allows user namespaces");
	else if (strcmp((v = first_line("/proc/sys/kernel/unprivileged_userns_clone")), "0") == 0)
		say(fix, sizeof fix, "sysctl -w kernel.unprivileged_userns_clone=1 (as root; in /etc/sysctl.d/ to keep it)");
	else if (strcmp(first_line("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"), "1") == 0)
		say(fix, sizeof fix, "AppArmor restricts user namespaces (Ubuntu 23.10+): a profile for verona with the "
		    "line 'userns,' in /etc/apparmor.d/, or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
	else if (e == ENOSPC || strcmp(first_line("/proc/sys/user/max_user_namespaces"), "0") == 0)
		say(fix, sizeof fix, "sysctl -w user.max_user_namespaces=15000 (as root)");
	else
		say(fix, sizeof fix, "the kernel refuses user namespaces here (%s); ask the machine's administrator",
		    strerror(e));
	return fix;
}

static void
probe_userns(struct doctor_result *r)
{
	const char *what;
	int e = in_child(CHILD_USERNS, child_nothing, NULL, &what);

	r->ok = e == 0;
	say(r->detail, sizeof r->detail, r->ok ? "a user namespace with a network namespace of its own can be made" :
	    "%s: %s", what, strerror(e));
	if (!r->ok)
		say(r->fix, sizeof r->fix, "%s", userns_fix(e));
}

static void
probe_ns_cmd(struct doctor_result *r, enum child_ns ns, char **argv, const char *works, const char *fix)
{
	const char *what;
	int e = in_child(ns, child_cmd, argv, &what);

	r->ok = e == 0;
	if (r->ok)
		say(r->detail, sizeof r->detail, "%s", works);
	else if (e == ENOENT && strcmp(what, "the probe") == 0)
		say(r->detail, sizeof r->detail, "%s could not be run", argv[0]);
	else if (strcmp(what, "the probe") == 0)
		say(r->detail, sizeof r->detail, "'%s %s ...' failed in a namespace of its own", argv[0], argv[1]);
	else
		say(r->detail, sizeof r->detail, "%s: %s", what, strerror(e));
	if (!r->ok)
		say(r->fix, sizeof r->fix, "%s", ns == CHILD_USERNS && strcmp(what, "the probe") != 0 ? userns_fix(e) : fix);
}

static void
probe_veth(struct doctor_result *r, enum child_ns ns)
{
	static char *argv[] = { "ip", "link", "add", "vd0", "type", "veth", "peer", "name", "vd1", NULL };
	probe_ns_cmd(r, ns, argv, "a veth pair can be made there",
	    "install iproute2 (apt-get install iproute2); the kernel needs the veth module");
}

static void
probe_veth_root(struct doctor_result *r)
{
	if (!cap_effective(CAP_SYS_ADMIN)) {
		say(r->detail, sizeof r->detail, "not tried: no network namespace can be made as this user");
		say(r->fix, sizeof r->fix, "see netns above");
		return;
	}
	probe_veth(r, CHILD_NETNS);
}

static void
probe_veth_userns(struct doctor_result *r)
{
	probe_veth(r, CHILD_USERNS);
}

static void
probe_capture(struct doctor_result *r)
{
	int e = child_capture(NULL);
	r->ok = e == 0;
	say(r->detail, sizeof r->detail, r->ok ? "libpcap can capture on lo" :
	    "libpcap cannot capture on lo (%s)", e == ENODEV ? "no such interface" : "not permitted");
	if (!r->ok)
		say(r->fix, sizeof r->fix, geteuid() == 0 ? "docker run --cap-add NET_RAW (in Docker's default set "
		    "unless the container dropped it)" : "run as root, or use the userns kind (it captures in its own namespace)");
}

static void
probe_capture_userns(struct doctor_result *r)
{
	const char *what;
	int e = in_child(CHILD_USERNS, child_capture, "in a namespace", &what);

	r->ok = e == 0;
	say(r->detail, sizeof r->detail, r->ok ? "libpcap can capture in a user namespace's network" : "%s: %s", what,
	    strerror(e));
	if (!r->ok)
		say(r->fix, sizeof r->fix, "%s", strcmp(what, "the probe") != 0 ? userns_fix(e) :
		    "the kernel refuses af_packet sockets in user namespaces here");
}

static void
probe_subids(struct doctor_result *r)
{
	int tool = access("/usr/bin/newuidmap", X_OK) == 0 || access("/bin/newuidmap", X_OK) == 0 ||
	    access("/usr/sbin/newuidmap", X_OK) == 0;

	if (geteuid() == 0) {
		r->ok = 1;
		say(r->detail, sizeof r->detail, "root: programs get user ids of their own on any testbed");
		return;
	}
	unsigned long start, count;
	r->ok = tool && testbed_subids("/etc/subuid", &start, &count) == 0 && testbed_subids("/etc/subgid", &start, &count) == 0;
	say(r->detail, sizeof r->detail, r->ok ? "this user has subordinate ids and newuidmap: programs (exec steps) "
	    "get ids of their own in the userns testbed" : "%s: exec steps are refused in the userns testbed "
	    "(socket steps run)", !tool ? "no newuidmap" : "no subordinate ids for this user in /etc/subuid and /etc/subgid");
	if (!r->ok)
		say(r->fix, sizeof r->fix, "as root: %susermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
		    tool ? "" : "apt-get install uidmap; ", getpwuid(geteuid()) ? getpwuid(geteuid())->pw_name : "USER");
}

static void
probe_loopback(struct doctor_result *r)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
	r->ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	say(r->detail, sizeof r->detail, r->ok ? "a socket can bind 127.0.0.2: each host can have an address of its own on lo" :
	    "a socket cannot bind 127.0.0.2 (%s)", strerror(errno));
	if (fd >= 0)
		close(fd);
	if (!r->ok)
		say(r->fix, sizeof r->fix, "the container has no loopback interface up: run it with a network (not --network none)");
}

static void
probe_nftables(struct doctor_result *r)
{
	static char *argv[] = { "nft", "add", "table", "inet", "verona_doctor", NULL };
	probe_ns_cmd(r, probe_ns(), argv, "nft can make tables in a namespace of its own (links: loss)",
	    "apt-get install nftables; the kernel needs nf_tables");
}

static void
probe_netem(struct doctor_result *r)
{
	static char *argv[] = { "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms", NULL };
	probe_ns_cmd(r, probe_ns(), argv, "tc can add a netem qdisc (links: delay)",
	    "the kernel has no sch_netem: modprobe sch_netem as root on the host (a container cannot load it); "
	    "without it links: delay is refused and loss still works (nftables)");
}

static void
probe_tbf(struct doctor_result *r)
{
	static char *argv[] = { "tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "1gbit", "burst", "128kb",
		"latency", "10ms", NULL };
	probe_ns_cmd(r, probe_ns(), argv, "tc can add a tbf qdisc (links: rate)",
	    "the kernel has no sch_tbf: modprobe sch_tbf as root on the host");
}

static void
probe_cgroups(struct doctor_result *r)
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) {
		r->ok = access("/sys/fs/cgroup", W_OK) == 0;
		say(r->detail, sizeof r->detail, "cgroup v2%s", r->ok ? ", writable" : ", not writable by this user");
	} else {
		r->ok = access("/sys/fs/cgroup/memory", W_OK) == 0 && access("/sys/fs/cgroup/pids", W_OK) == 0;
		say(r->detail, sizeof r->detail, "cgroup v1%s", r->ok ? ": memory and pids writable" :
		    ": memory or pids missing or not writable");
	}
	if (!r->ok)
		say(r->fix, sizeof r->fix, "programs run without memory, process and CPU limits of their own; as root on "
		    "the host, or in a container with a delegated cgroup (docker run --cgroupns=private), they get them");
}

static void
probe_sandbox(struct doctor_result *r)
{
	const char *what;
	int e = in_child(probe_ns(), child_sandbox, NULL, &what);

	r->ok = e == 0;
	say(r->detail, sizeof r->detail, r->ok ? "programs can get mount, PID and IPC namespaces of their own "
	    "(the full sandbox)" : "%s: %s", what, strerror(e));
	if (!r->ok)
		say(r->fix, sizeof r->fix, "programs run in the uid sandbox only (a user id of their own, verona's files "
		    "closed to it); %s", strcmp(what, "the probe") != 0 ? userns_fix(e) : "run as root for the full one");
}

/* ---- the tables ---- */

static const struct doctor_probe doctor_probes[DOCTOR_PROBE__COUNT] = {
	[DOCTOR_ROOT] =		{ "root", "root", probe_root },
	[DOCTOR_CAP_NET_ADMIN] = { "cap_net_admin", "CAP_NET_ADMIN", probe_cap_net_admin },
	[DOCTOR_CAP_NET_RAW] =	{ "cap_net_raw", "CAP_NET_RAW", probe_cap_net_raw },
	[DOCTOR_CAP_SYS_ADMIN] = { "cap_sys_admin", "CAP_SYS_ADMIN", probe_cap_sys_admin },
	[DOCTOR_SECCOMP] =	{ "seccomp", "seccomp", probe_seccomp },
	[DOCTOR_NETNS] =	{ "netns", "network namespaces", probe_netns },
	[DOCTOR_VETH] =		{ "veth", "veth links", probe_veth_root },
	[DOCTOR_CAPTURE] =	{ "capture", "packet capture", probe_capture },
	[DOCTOR_USERNS] =	{ "userns", "user namespaces", probe_userns },
	[DOCTOR_USERNS_VETH] =	{ "userns_veth", "veth links in a user namespace", probe_veth_userns },
	[DOCTOR_USERNS_CAPTURE] = { "userns_capture", "capture in a user namespace", probe_capture_userns },
	[DOCTOR_SUBIDS] =	{ "subids", "user ids for programs (userns)", probe_subids },
	[DOCTOR_LOOPBACK] =	{ "loopback", "addresses of their own on lo", probe_loopback },
	[DOCTOR_NFTABLES] =	{ "nftables", "nftables (link loss)", probe_nftables },
	[DOCTOR_NETEM] =	{ "netem", "netem (link delay)", probe_netem },
	[DOCTOR_TBF] =		{ "tbf", "tbf (link rate)", probe_tbf },
	[DOCTOR_CGROUPS] =	{ "cgroups", "cgroups (program limits)", probe_cgroups },
	[DOCTOR_SANDBOX] =	{ "sandbox", "the full program sandbox", probe_sandbox },
};

static const struct doctor_kind doctor_kinds[] = {
	{ "netns", 1, "as root: one network namespace per host on veth links",
	  { DOCTOR_ROOT, DOCTOR_CAP_NET_ADMIN, DOCTOR_NETNS, DOCTOR_VETH, DOCTOR_CAPTURE, DOCTOR_PROBE__COUNT } },
	{ "userns", 1, "as any user: the same topology inside a user namespace verona makes",
	  { DOCTOR_USERNS, DOCTOR_USERNS_VETH, DOCTOR_USERNS_CAPTURE, DOCTOR_PROBE__COUNT } },
	{ "loopback", 1, "where no namespace can be made: every host an address of its own on lo",
	  { DOCTOR_LOOPBACK, DOCTOR_CAPTURE, DOCTOR_PROBE__COUNT } },
};

const struct doctor_probe *
doctor_probe_get(enum doctor_probe_id id)
{
	return &doctor_probes[id];
}

const struct doctor_kind *
doctor_kind_get(size_t i)
{
	return i < sizeof doctor_kinds / sizeof doctor_kinds[0] ? &doctor_kinds[i] : NULL;
}

void
doctor_run(struct doctor_result res[DOCTOR_PROBE__COUNT], doctor_progress_fn progress, void *arg)
{
	for (int i = 0; i < DOCTOR_PROBE__COUNT; i++) {
		memset(&res[i], 0, sizeof res[i]);
		if (progress != NULL)
			progress(arg, &doctor_probes[i]);
		doctor_probes[i].run(&res[i]);
	}
}

int
doctor_kind_works(const struct doctor_kind *k, const struct doctor_result res[DOCTOR_PROBE__COUNT])
{
	for (size_t i = 0; i < DOCTOR_KIND_NEEDS && k->needs[i] != DOCTOR_PROBE__COUNT; i++)
		if (!res[k->needs[i]].ok)
			return 0;
	return 1;
}
