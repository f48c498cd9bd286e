/*
 * testbed-local.c — network namespaces and veth links on this machine, made
 * with iproute2's ip; sysctls, offloads and agents are set up by a child
 * that enters the namespace with setns(2).  See testbed.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "addr.h"
#include "proc.h"
#include "uidproc.h"
#include "testbed.h"
#include "util.h"

#define NETNS_DIR	"/run/netns"

int
testbed_can_run(char *err, size_t errlen)
{
	if (geteuid() != 0) {
		snprintf(err, errlen, "the local testbed needs root (it creates network namespaces): "
		    "run verona as root, e.g. with sudo");
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

/* In a child inside ns: no IPv6 chatter (when the experiment has no IPv6), offloads off. */
static int
ns_configure(const char *ns, int no_ipv6, const char *ifname)
{
	pid_t pid = fork();
	int status;
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (ns_enter(ns) != 0)
			_exit(1);
		if (no_ipv6) {
			write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
			write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
		}
		if (ifname != NULL)
			offloads_off(ifname);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
tb_ip(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
tb_ip(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *out = NULL;
	int rc;
	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	rc = proc_runf(&out, "ip %s", cmd);
	if (rc != 0)
		snprintf(err, errlen, "ip %s: %s", cmd, out && out[0] ? out : "failed");
	free(cmd);
	free(out);
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

int
testbed_up(struct testbed *tb, const struct experiment *x, char *err, size_t errlen)
{
	unsigned char rnd[3];
	const struct host **links;
	size_t nlinks = 0;
	int no_ipv6 = !uses_ipv6(x);
	char *sw = NULL;

	randombytes_buf(rnd, sizeof rnd);
	snprintf(tb->id, sizeof tb->id, "%02x%02x%02x", rnd[0], rnd[1], rnd[2]);
	/* a user id of this testbed's own for the programs it runs (see testbed_kill_uid) */
	tb->exec_uid = 800000u + ((unsigned)rnd[0] << 16 | (unsigned)rnd[1] << 8 | rnd[2]) % 1000000u;
	tb->ns = xcalloc(x->nhosts + 2, sizeof *tb->ns);
	tb->nns = 0;
	links = xcalloc(x->nhosts + 1, sizeof *links);

	for (size_t i = 0; i < x->nhosts; i++) {
		char *ns = ns_name(tb, x->hosts[i].name);
		if (tb_ip(err, errlen, "netns add %s", ns) != 0) {
			free(ns);
			goto fail;
		}
		tb->ns[tb->nns++] = ns;
		if (ns_configure(ns, no_ipv6, NULL) != 0) {
			snprintf(err, errlen, "cannot enter network namespace %s", ns);
			goto fail;
		}
		if (tb_ip(err, errlen, "-n %s link set lo up", ns) != 0)
			goto fail;
		if (!addr_is_loopback(x->hosts[i].addr))
			links[nlinks++] = &x->hosts[i];
	}
	if (nlinks == 2) {
		const struct host *a = links[0], *b = links[1];
		if (tb_ip(err, errlen, "link add %s netns %s type veth peer name %s netns %s",
		    a->iface ? a->iface : "eth0", tb->ns[a - x->hosts],
		    b->iface ? b->iface : "eth0", tb->ns[b - x->hosts]) != 0)
			goto fail;
	} else if (nlinks == 1) {
		const struct host *a = links[0];
		/* a link to nowhere: a veth pair whose other end stays in the same namespace
		 * (the dummy driver is not in every kernel) */
		if (tb_ip(err, errlen, "-n %s link add %s type veth peer name %s-peer", tb->ns[a - x->hosts],
		    a->iface ? a->iface : "eth0", "v") != 0 ||
		    tb_ip(err, errlen, "-n %s link set v-peer up", tb->ns[a - x->hosts]) != 0)
			goto fail;
	} else if (nlinks > 2) {
		sw = ns_name(tb, "sw");
		if (tb_ip(err, errlen, "netns add %s", sw) != 0) {
			free(sw);
			goto fail;
		}
		tb->ns[tb->nns++] = sw;
		if (ns_configure(sw, 1, NULL) != 0 ||
		    tb_ip(err, errlen, "-n %s link add br0 type bridge", sw) != 0 ||
		    tb_ip(err, errlen, "-n %s link set br0 up", sw) != 0)
			goto fail;
		for (size_t i = 0; i < nlinks; i++) {
			const struct host *h = links[i];
			if (tb_ip(err, errlen, "link add %s netns %s type veth peer name p%zu netns %s",
			    h->iface ? h->iface : "eth0", tb->ns[h - x->hosts], i, sw) != 0 ||
			    tb_ip(err, errlen, "-n %s link set p%zu master br0", sw, i) != 0 ||
			    tb_ip(err, errlen, "-n %s link set p%zu up", sw, i) != 0)
				goto fail;
			char pname[32];
			snprintf(pname, sizeof pname, "p%zu", i);
			ns_configure(sw, 1, pname);
		}
	}
	for (size_t i = 0; i < nlinks; i++) {
		const struct host *h = links[i];
		const char *ns = tb->ns[h - x->hosts], *ifn = h->iface ? h->iface : "eth0";
		if (tb_ip(err, errlen, "-n %s addr add %s/%d dev %s%s", ns, h->addr, h->prefix, ifn,
		    h->family == AF_INET6 ? " nodad" : "") != 0 ||
		    tb_ip(err, errlen, "-n %s link set %s up", ns, ifn) != 0)
			goto fail;
		if (ns_configure(ns, 0, ifn) != 0) {
			snprintf(err, errlen, "cannot configure %s in %s", ifn, ns);
			goto fail;
		}
		if ((x->link_loss > 0 || x->link_delay_ms > 0) && links_apply(tb, ns, ifn, x, err, errlen) != 0)
			goto fail;
	}
	free(links);
	return 0;
fail:
	free(links);
	testbed_down(tb);
	return -1;
}

/* Kills every process whose network namespace is ns, again until none is left (a fork bomb races one round). */
static void
ns_kill_all(const char *ns)
{
	for (int round = 0; round < 20; round++) {
		char *out = NULL, *save = NULL;
		int n = 0;
		if (proc_runf(&out, "ip netns pids %s", ns) == 0 && out != NULL)
			for (char *tok = strtok_r(out, "\n ", &save); tok; tok = strtok_r(NULL, "\n ", &save)) {
				pid_t pid = (pid_t)atol(tok);
				if (pid > 1 && pid != getpid()) {
					kill(pid, SIGKILL);
					n++;
				}
			}
		free(out);
		if (n == 0)
			return;
		usleep(5000);
	}
}

void
testbed_kill_uid(unsigned uid)
{
	if (uid >= 800000)
		uidproc_kill_all(uid);
}

void
testbed_down(struct testbed *tb)
{
	if (tb->exec_uid != 0)
		testbed_kill_uid(tb->exec_uid);
	for (size_t i = tb->nns; i-- > 0;) {
		char *out = NULL;
		ns_kill_all(tb->ns[i]);
		if (proc_runf(&out, "ip netns del %s", tb->ns[i]) != 0)
			fprintf(stderr, "verona: cannot delete namespace %s: %s\n", tb->ns[i], out ? out : "");
		free(out);
		free(tb->ns[i]);
	}
	free(tb->ns);
	tb->ns = NULL;
	tb->nns = 0;
}

int
testbed_down_matching(const char *id, int verbose)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *e;
	char prefix[64];
	int n = 0;

	if (d == NULL)
		return 0;
	snprintf(prefix, sizeof prefix, TESTBED_PREFIX "%s%s", id ? id : "", id ? "-" : "");
	while ((e = readdir(d)) != NULL) {
		char *out = NULL;
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		ns_kill_all(e->d_name);
		if (proc_runf(&out, "ip netns del %s", e->d_name) == 0) {
			n++;
			if (verbose)
				printf("removed namespace %s\n", e->d_name);
		} else
			fprintf(stderr, "verona: cannot delete namespace %s: %s\n", e->d_name, out ? out : "");
		free(out);
	}
	closedir(d);
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
		if (ns_enter(ns) != 0) {
			snprintf(why, sizeof why, "cannot enter namespace %s: %s", ns, strerror(errno));
			goto child_fail;
		}
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (logfd >= 0)
			dup2(logfd, 2);
		char uid[32];
		snprintf(uid, sizeof uid, "%u", tb->exec_uid);
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
