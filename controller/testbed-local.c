/*
 * testbed-local.c — network namespaces and veth links on this machine.  The
 * namespaces and links are made by one iproute2 `ip -batch` (one process for
 * the whole testbed, not one per command); everything inside a namespace
 * (sysctls, links up, addresses, offloads, the bridge and its ports) by a
 * child that enters it with setns(2) and talks ioctl and rtnetlink, all
 * namespaces at once.  Teardown finds the namespaces' processes in /proc
 * and removes the namespaces with one `ip -batch`.  See testbed.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "chan.h"
#include "proc.h"
#include "uidproc.h"
#include "ops.h"
#include "testbed.h"
#include "util.h"

#define NETNS_DIR	"/run/netns"

int
testbed_can_run(char *err, size_t errlen)
{
	if (geteuid() != 0 && testbed_place() != TESTBED_PLACE_LOOPBACK) {
		snprintf(err, errlen, "the netns testbed needs root (it makes network namespaces on the machine): "
		    "run verona as root (sudo), or as yourself with --local userns (verona doctor says what this "
		    "machine allows)");
		return 0;
	}
	return 1;
}

static char *
ns_name(const struct testbed *tb, const char *host)
{
	return xasprintf(TESTBED_PREFIX "%s-%s", tb->id, host);
}

const char *
testbed_ns(const struct testbed *tb, const char *host)
{
	static char name[256];
	snprintf(name, sizeof name, TESTBED_PREFIX "%s-%s", tb->id, host);
	return name;
}

static int
ns_enter(const char *ns)
{
	char path[512];
	int fd, rc;
	snprintf(path, sizeof path, NETNS_DIR "/%s", ns);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = setns(fd, CLONE_NEWNET);
	close(fd);
	return rc;
}

static int
write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void
offloads_off(const char *ifname)
{
	static const uint32_t cmds[] = { ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct ethtool_value ev = { .cmd = cmds[i], .data = 0 };
		struct ifreq ifr;
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
		ifr.ifr_data = (void *)&ev;
		(void)ioctl(fd, SIOCETHTOOL, &ifr);	/* best effort: a dummy has none */
	}
	close(fd);
}

/* ---- inside a namespace (in a child that entered it) ---- */

static int
if_up(int fd, const char *ifname)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

static void
nl_attr(struct nlmsghdr *n, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* ip addr add ADDR/PREFIX dev IFNAME (IPv6: nodad), through rtnetlink. */
static int
if_addr(const char *ifname, const char *addr, int prefix, int family)
{
	struct {
		struct nlmsghdr		n;
		struct ifaddrmsg	a;
		char			attrs[64];
	} req;
	unsigned char ip[16];
	int alen = family == AF_INET6 ? 16 : 4, fd, rc = -1;
	unsigned idx = if_nametoindex(ifname);
	char ans[1024];

	if (idx == 0 || inet_pton(family, addr, ip) != 1)
		return -1;
	memset(&req, 0, sizeof req);
	req.n.nlmsg_len = NLMSG_LENGTH(sizeof req.a);
	req.n.nlmsg_type = RTM_NEWADDR;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req.a.ifa_family = (unsigned char)family;
	req.a.ifa_prefixlen = (unsigned char)prefix;
	req.a.ifa_index = idx;
	req.a.ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	nl_attr(&req.n, IFA_LOCAL, ip, (size_t)alen);	/* both, as ip sends them */
	nl_attr(&req.n, IFA_ADDRESS, ip, (size_t)alen);
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		return -1;
	if (send(fd, &req, req.n.nlmsg_len, 0) == (ssize_t)req.n.nlmsg_len) {
		ssize_t n = recv(fd, ans, sizeof ans, 0);
		struct nlmsghdr *h = (struct nlmsghdr *)ans;
		if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR)
			rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error == 0 ? 0 : -1;
	}
	close(fd);
	return rc;
}

/* What a namespace's child does: sysctls, lo up; its link's address, offloads off, up; or the bridge. */
struct ns_job {
	const char	*ns;
	int		 no_ipv6;
	const char	*ifname;	/* NULL: no link */
	const struct host *host;	/* the address on ifname; NULL: only up */
	size_t		 nports;	/* the switch: a bridge br0 with ports p0.. */
};

static int
ns_job_run(const struct ns_job *j)
{
	int fd;

	if (ns_enter(j->ns) != 0)
		return 1;
	if (j->no_ipv6) {
		write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
		write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 || if_up(fd, "lo") != 0)
		return 2;
	if (j->nports > 0) {
		if (if_up(fd, "br0") != 0)
			return 3;
		for (size_t i = 0; i < j->nports; i++) {
			struct ifreq ifr;
			char pname[32];
			snprintf(pname, sizeof pname, "p%zu", i);
			memset(&ifr, 0, sizeof ifr);
			snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "br0");
			ifr.ifr_ifindex = (int)if_nametoindex(pname);
			if (ifr.ifr_ifindex == 0 || ioctl(fd, SIOCBRADDIF, &ifr) != 0 || if_up(fd, pname) != 0)
				return 4;
			offloads_off(pname);
		}
	}
	if (j->ifname != NULL) {
		if (j->host != NULL && if_addr(j->ifname, j->host->addr, j->host->prefix, j->host->family) != 0)
			return 5;
		if (if_up(fd, j->ifname) != 0)
			return 6;
		if (j->host != NULL)
			offloads_off(j->ifname);
	}
	close(fd);
	return 0;
}

/* Runs every job in a child of its own, all at once; 0, or -1 with err set. */
static int
ns_jobs_run(const struct ns_job *jobs, size_t n, char *err, size_t errlen)
{
	static const char *const why[] = { "", "cannot enter it", "cannot bring lo up",
		"cannot bring the bridge up", "cannot add a port to the bridge", "cannot add the address",
		"cannot bring the link up" };
	pid_t *pids = xcalloc(n + 1, sizeof *pids);
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if ((pids[i] = fork()) == 0) {
			free(pids);	/* the child's own copy (valgrind counts it lost at _exit otherwise) */
			_exit(ns_job_run(&jobs[i]));
		}
	for (size_t i = 0; i < n; i++) {
		int status = 0;
		if (pids[i] < 0) {
			if (rc == 0)
				snprintf(err, errlen, "cannot configure %s: %s", jobs[i].ns, strerror(errno));
			rc = -1;
			continue;
		}
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rc == 0) {
			int w = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
			snprintf(err, errlen, "cannot configure %s: %s", jobs[i].ns,
			    w > 0 && w < (int)(sizeof why / sizeof why[0]) ? why[w] : "the child died");
			rc = -1;
		}
	}
	free(pids);
	return rc;
}

/* `ip [opt] -batch` (opt NULL: none) of the lines in b: one process for them all.  0, or -1 with err set. */
static int
ip_batch(struct buf *b, const char *opt, char *err, size_t errlen)
{
	char path[] = "/tmp/verona-ip-XXXXXX", *out = NULL;
	int fd = mkstemp(path), rc;

	if (fd < 0 || write(fd, b->data, b->len) != (ssize_t)b->len) {
		snprintf(err, errlen, "cannot write the ip batch %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	close(fd);
	rc = opt != NULL ? proc_runf(&out, "ip %s -batch %s", opt, path) : proc_runf(&out, "ip -batch %s", path);
	if (rc != 0)
		snprintf(err, errlen, "ip: %s", out && out[0] ? out : "failed");
	free(out);
	unlink(path);
	return rc == 0 ? 0 : -1;
}

static int
uses_ipv6(const struct experiment *x)
{
	for (size_t i = 0; i < x->nhosts; i++)
		if (x->hosts[i].family == AF_INET6)
			return 1;
	for (size_t i = 0; i < x->nsteps; i++) {
		const char *fam = json_string_value(json_object_get(x->steps[i].args, "family"));
		if (fam != NULL && strcmp(fam, "inet6") == 0)
			return 1;
	}
	return 0;
}

/*
 * links: loss and delay on a host's outgoing packets, with netem where the
 * kernel has it.  Without it, loss alone falls back to nftables: a random
 * drop of what the host receives, after the capture has seen it (a sender
 * is not told, as on a real link); delay cannot be had.
 */
static int
links_apply(struct testbed *tb, const char *ns, const char *ifn, const struct experiment *x,
    char *err, size_t errlen)
{
	char *out = NULL, *cmd;
	int rc;
	(void)tb;

	cmd = xasprintf("netns exec %s tc qdisc add dev %s root netem loss %g%% delay %dms", ns, ifn,
	    x->link_loss, x->link_delay_ms);
	rc = proc_runf(&out, "ip %s", cmd);
	free(cmd);
	free(out);
	if (rc == 0)
		return 0;
	if (x->link_delay_ms > 0) {
		snprintf(err, errlen, "links: delay needs the kernel's netem queueing discipline (sch_netem), "
		    "which this machine does not have");
		return -1;
	}
	if (proc_runf(NULL, "ip netns exec %s nft add table inet verona", ns) != 0 ||
	    proc_runf(NULL, "ip netns exec %s nft add chain inet verona loss { type filter hook input priority 0 ; }", ns) != 0 ||
	    (x->link_loss >= 100 ?	/* numgen's values are 0-9999: 10000 is not one */
	    proc_runf(&out, "ip netns exec %s nft add rule inet verona loss iifname %s drop", ns, ifn) :
	    proc_runf(&out, "ip netns exec %s nft add rule inet verona loss iifname %s numgen random mod 10000 < %d drop",
	    ns, ifn, (int)(x->link_loss * 100))) != 0) {
		snprintf(err, errlen, "links: cannot emulate loss on %s: no netem, and nftables failed%s%s", ns,
		    out ? ": " : "", out ? out : "");
		free(out);
		return -1;
	}
	free(out);
	return 0;
}

/* 1 if uid belongs to no account or group and no process runs under it */
static int
testbed_uid_free(unsigned uid)
{
	return getpwuid((uid_t)uid) == NULL && getgrgid((gid_t)uid) == NULL && !uidproc_alive(uid);
}

/*
 * n consecutive free user ids (no account's, no group's, no process's) from
 * a random base: in [800000, 1800000), or in a user namespace among the ids
 * mapped there (the user's subordinate ids, which no account outside has;
 * the agent refuses an id that names an account in /etc/passwd all the same).
 */
static void
testbed_pick_uids(struct testbed *tb, size_t n)
{
	unsigned lo = 800000u, span = 1000000u - (unsigned)n, count;

	tb->nexec_uids = (unsigned)n;
	if (testbed_place_uids(&lo, &count)) {
		/* ids 1..count are mapped: above the system's first 999 where there is room (local_usable refused fewer than n) */
		if (count < n + 1) {
			tb->nexec_uids = 0;
			return;
		}
		if (count >= n + 1000) {
			lo += 999;
			count -= 999;
		}
		span = count - (unsigned)n + 1;
	}
	for (int tries = 0; tries < 20; tries++) {
		unsigned base = lo + randombytes_uniform(span), i;
		for (i = 0; i < n && testbed_uid_free(base + i); i++)
			;
		tb->exec_uid = base;
		if (i == n)
			return;
	}
}

int
testbed_up(struct testbed *tb, const struct experiment *x, char *err, size_t errlen)
{
	unsigned char rnd[3];
	const struct host **links;
	struct ns_job *jobs;
	size_t nlinks = 0, njobs = 0;
	int no_ipv6 = !uses_ipv6(x);
	struct buf b;

	randombytes_buf(rnd, sizeof rnd);
	snprintf(tb->id, sizeof tb->id, "%02x%02x%02x", rnd[0], rnd[1], rnd[2]);
	/* a user id of each host's own for the programs it runs (see testbed_kill_uid) */
	tb->x = x;
	testbed_pick_uids(tb, x->nhosts);
	if (testbed_place() == TESTBED_PLACE_LOOPBACK) {
		/* no namespace, no link: every host is its address on this machine's lo */
		tb->ns = xcalloc(1, sizeof *tb->ns);
		tb->nns = 0;
		return 0;
	}
	tb->ns = xcalloc(x->nhosts + 2, sizeof *tb->ns);
	tb->nns = 0;
	links = xcalloc(x->nhosts + 1, sizeof *links);
	jobs = xcalloc(x->nhosts + 3, sizeof *jobs);
	buf_init(&b);

	/* the namespaces and the links between them: one ip -batch */
	for (size_t i = 0; i < x->nhosts; i++) {
		tb->ns[tb->nns++] = ns_name(tb, x->hosts[i].name);
		buf_printf(&b, "netns add %s\n", tb->ns[i]);
		jobs[njobs++] = (struct ns_job){ .ns = tb->ns[i], .no_ipv6 = no_ipv6 };
		if (!addr_is_loopback(x->hosts[i].addr))
			links[nlinks++] = &x->hosts[i];
	}
	if (nlinks == 2) {
		const struct host *a = links[0], *h = links[1];
		buf_printf(&b, "link add %s netns %s type veth peer name %s netns %s\n",
		    a->iface ? a->iface : "eth0", tb->ns[a - x->hosts],
		    h->iface ? h->iface : "eth0", tb->ns[h - x->hosts]);
	} else if (nlinks == 1) {
		/* a link to nowhere: a veth pair whose other end stays in the same namespace
		 * (the dummy driver is not in every kernel) */
		const char *ns = tb->ns[links[0] - x->hosts];
		buf_printf(&b, "link add %s netns %s type veth peer name v-peer netns %s\n",
		    links[0]->iface ? links[0]->iface : "eth0", ns, ns);
	} else if (nlinks > 2) {
		char *sw = ns_name(tb, "sw");
		tb->ns[tb->nns++] = sw;
		/*
		 * br0 before the ports, so no port has its peer's ifindex: the kernel
		 * takes such a veth for a plain device and delays its carrier (linkwatch,
		 * up to a second), and the first ARP through the bridge was lost
		 */
		buf_printf(&b, "netns add %s\nlink add br0 netns %s type bridge\n", sw, sw);
		for (size_t i = 0; i < nlinks; i++)
			buf_printf(&b, "link add %s netns %s type veth peer name p%zu netns %s\n",
			    links[i]->iface ? links[i]->iface : "eth0", tb->ns[links[i] - x->hosts], i, sw);
		jobs[njobs++] = (struct ns_job){ .ns = sw, .no_ipv6 = 1, .nports = nlinks };
	}
	for (size_t i = 0; i < nlinks; i++) {
		jobs[links[i] - x->hosts].ifname = links[i]->iface ? links[i]->iface : "eth0";
		jobs[links[i] - x->hosts].host = links[i];
	}
	if (nlinks == 1)	/* its own child: the host's child brings eth0 up in the same namespace */
		jobs[njobs++] = (struct ns_job){ .ns = tb->ns[links[0] - x->hosts], .ifname = "v-peer" };
	if (ip_batch(&b, NULL, err, errlen) != 0)
		goto fail;
	for (size_t i = 0; i < x->nhosts; i++)
		if (testbed_etc_write(tb->ns[i], x, err, errlen) != 0)
			goto fail;
	/* inside every namespace, all at once */
	if (ns_jobs_run(jobs, njobs, err, errlen) != 0)
		goto fail;
	for (size_t i = 0; i < nlinks; i++) {
		const struct host *h = links[i];
		if ((x->link_loss > 0 || x->link_delay_ms > 0) &&
		    links_apply(tb, tb->ns[h - x->hosts], h->iface ? h->iface : "eth0", x, err, errlen) != 0)
			goto fail;
	}
	buf_free(&b);
	free(jobs);
	free(links);
	return 0;
fail:
	buf_free(&b);
	free(jobs);
	free(links);
	testbed_down(tb);
	return -1;
}

/*
 * Kills every process in any of the namespaces, again until none is left (a
 * fork bomb races one round): one pass over /proc per round, matching each
 * process's /proc/PID/ns/net with the namespaces' files, as `ip netns pids`
 * does for one.
 */
static void
ns_kill_all(char *const *ns, size_t nns)
{
	struct stat *want = xcalloc(nns + 1, sizeof *want);
	size_t nwant = 0;

	for (size_t i = 0; i < nns; i++) {
		char path[512];
		snprintf(path, sizeof path, NETNS_DIR "/%s", ns[i]);
		if (stat(path, &want[nwant]) == 0)
			nwant++;
	}
	for (int round = 0; round < 20 && nwant > 0; round++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		int n = 0;
		while (d != NULL && (e = readdir(d)) != NULL) {
			char path[64];
			struct stat st;
			pid_t pid = (pid_t)atol(e->d_name);
			if (pid <= 1 || pid == getpid())
				continue;
			snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
			if (stat(path, &st) != 0)
				continue;
			for (size_t i = 0; i < nwant; i++)
				if (st.st_dev == want[i].st_dev && st.st_ino == want[i].st_ino) {
					kill(pid, SIGKILL);
					n++;
					break;
				}
		}
		if (d != NULL)
			closedir(d);
		if (n == 0)
			break;
		usleep(5000);
	}
	free(want);
}

/* Deletes the namespaces with one `ip -force -batch`; says which could not be. Returns how many went. */
static int
ns_delete(char *const *ns, size_t nns, int verbose)
{
	struct buf b;
	char err[512];
	int gone = 0;

	buf_init(&b);
	for (size_t i = nns; i-- > 0;) {
		buf_printf(&b, "netns del %s\n", ns[i]);
		testbed_etc_remove(ns[i]);
	}
	(void)ip_batch(&b, "-force", err, sizeof err);
	buf_free(&b);
	for (size_t i = 0; i < nns; i++) {
		char path[512];
		struct stat st;
		snprintf(path, sizeof path, NETNS_DIR "/%s", ns[i]);
		if (stat(path, &st) == 0)
			fprintf(stderr, "verona: cannot delete namespace %s: %s\n", ns[i], err);
		else {
			gone++;
			if (verbose)
				printf("removed namespace %s\n", ns[i]);
		}
	}
	return gone;
}

void
testbed_kill_uid(unsigned uid)
{
	unsigned lo, count;

	/* never an account's: ids verona picked, or the user's subordinate ids in its user namespace */
	if (uid >= 800000 || (testbed_place_uids(&lo, &count) && uid >= lo && uid - lo < count))
		uidproc_kill_all(uid);
}

/* The index of host in the experiment the testbed was made for (0 when unknown). */
static unsigned
testbed_host_index(const struct testbed *tb, const char *host)
{
	for (size_t i = 0; tb->x != NULL && i < tb->x->nhosts; i++)
		if (strcmp(tb->x->hosts[i].name, host) == 0)
			return (unsigned)i;
	return 0;
}

void
testbed_down(struct testbed *tb)
{
	for (unsigned i = 0; tb->exec_uid != 0 && i < tb->nexec_uids; i++)
		testbed_kill_uid(tb->exec_uid + i);
	ns_kill_all(tb->ns, tb->nns);
	ns_delete(tb->ns, tb->nns, 0);
	for (size_t i = 0; i < tb->nns; i++)
		free(tb->ns[i]);
	free(tb->ns);
	tb->ns = NULL;
	tb->nns = 0;
}

int
testbed_down_matching(const char *id, int verbose)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *e;
	char prefix[64], **ns = NULL;
	size_t nns = 0;
	int n;

	if (d == NULL)
		return 0;
	snprintf(prefix, sizeof prefix, TESTBED_PREFIX "%s%s", id ? id : "", id ? "-" : "");
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		ns = xrealloc(ns, (nns + 1) * sizeof *ns);
		ns[nns++] = xstrdup(e->d_name);
	}
	closedir(d);
	ns_kill_all(ns, nns);
	n = ns_delete(ns, nns, verbose);
	testbed_etc_sweep(prefix);	/* hosts files whose namespace went some other way */
	for (size_t i = 0; i < nns; i++)
		free(ns[i]);
	free(ns);
	return n;
}

int
testbed_spawn_agent(const struct testbed *tb, const char *host, int logfd, int allow_exec,
    pid_t *pidp, int *to_agent, int *from_agent, char *err, size_t errlen)
{
	int in[2], out[2], ep[2];
	char ns[256];
	const char *agent = proc_agent_path();
	pid_t pid;
	char why[512] = "";

	snprintf(ns, sizeof ns, "%s", testbed_ns(tb, host));
	in[0] = in[1] = out[0] = out[1] = ep[0] = ep[1] = -1;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(ep, O_CLOEXEC) != 0 ||
	    (pid = fork()) < 0) {
		snprintf(err, errlen, "cannot start an agent: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0) close(in[i]);
			if (out[i] >= 0) close(out[i]);
			if (ep[i] >= 0) close(ep[i]);
		}
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (testbed_place() == TESTBED_PLACE_LOOPBACK)
			;	/* every host on this machine's own stack */
		else if (ns_enter(ns) != 0) {
			snprintf(why, sizeof why, "cannot enter namespace %s: %s", ns, strerror(errno));
			goto child_fail;
		} else if (testbed_etc_enter(ns, host) != 0) {
			snprintf(why, sizeof why, "cannot give the agent of %s its hosts file and host name: %s", host,
			    strerror(errno));
			goto child_fail;
		}
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		char uid[32];
		unsigned hi = testbed_host_index(tb, host);
		snprintf(uid, sizeof uid, "%u", tb->exec_uid + hi);
		if (allow_exec)
			execl(agent, "verona-agent", "--stdio", "--name", host, "--allow-exec", "--exec-uid", uid,
			    (char *)NULL);
		else
			execl(agent, "verona-agent", "--stdio", "--name", host, (char *)NULL);
		snprintf(why, sizeof why, "cannot run %s: %s", agent, strerror(errno));
child_fail:
		if (write(ep[1], why, strlen(why)) < 0) { /* nothing */ }
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(ep[1]);
	ssize_t n;
	do	/* the exec closes ep[1]: nothing read means the agent runs */
		n = read(ep[0], why, sizeof why - 1);
	while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n > 0) {
		why[n] = '\0';
		snprintf(err, errlen, "%s", why);
		close(in[1]);
		close(out[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	*pidp = pid;
	*to_agent = in[1];
	*from_agent = out[0];
	return 0;
}

/* ---- the local kind of testbed (testbed.h): the run's namespaces, its agents over stdio ---- */

static int
local_claims(const struct testbed_run *tr)
{
	(void)tr;
	return 1;	/* the default */
}

static int
local_usable(const struct testbed_run *tr)
{
	char err[512];
	unsigned lo, count;

	if (!testbed_can_run(err, sizeof err)) {
		fprintf(stderr, "verona: %s\n", err);
		return -1;
	}
	if (testbed_place() == TESTBED_PLACE_LOOPBACK && testbed_loopback_usable(tr->x) != 0)
		return -1;
	for (size_t i = 0; i < tr->x->nsteps; i++)
		if (tr->x->steps[i].def->runs_program && testbed_place_uids(&lo, &count) && count < tr->x->nhosts + 1) {
			fprintf(stderr, "verona: %s:%d:%d: this step runs a program, and in a user namespace programs "
			    "need user ids of their own: give your user subordinate ids (as root: usermod --add-subuids "
			    "100000-165535 --add-subgids 100000-165535 YOUR-USER) and install newuidmap "
			    "(apt-get install uidmap)\n", tr->x->file, tr->x->steps[i].pos.line, tr->x->steps[i].pos.col);
			return -1;
		}
	return 0;
}

static int
local_up(struct testbed_run *tr, char *err, size_t errlen)
{
	return testbed_up(&tr->local, tr->x, err, errlen);
}

static int
local_connect(struct testbed_run *tr, const struct host *host, int logfd, int allow_exec, int say,
    struct chan *c, char *err, size_t errlen)
{
	(void)say;
	chan_init(c);
	return testbed_spawn_agent(&tr->local, host->name, logfd, allow_exec, &c->pid, &c->wfd, &c->rfd,
	    err, errlen);
}

static void
local_host_info(const struct testbed_run *tr, const char *host, struct testbed_host_info *hi)
{
	int lo = testbed_place() == TESTBED_PLACE_LOOPBACK;

	hi->key = "namespace";
	hi->value = lo ? "none (loopback: this machine's own)" : testbed_ns(&tr->local, host);
	hi->via = 0;
	hi->iface = lo ? "lo" : NULL;
	hi->shared_stack = lo;
}

static const char *
local_id(const struct testbed_run *tr)
{
	return tr->local.id;
}

static void
local_down(struct testbed_run *tr)
{
	testbed_down(&tr->local);
}

const struct testbed_kind testbed_local_kind = {
	.name = "local",
	.verb = "start",
	.claims = local_claims,
	.usable = local_usable,
	.up = local_up,
	.connect = local_connect,
	.host_info = local_host_info,
	.id = local_id,
	.down = local_down,
};
