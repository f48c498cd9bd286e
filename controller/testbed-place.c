/*
 * testbed-place.c — where the local testbed's namespaces are made; see
 * testbed.h.
 *
 * netns: as root, in the machine's own namespaces (/run/netns, /etc/netns),
 * where `verona down` and other tools see them.
 *
 * userns: for any user.  verona itself enters a user namespace where it is
 * root (mapped to the user who ran it), with a mount and a network
 * namespace of its own: the testbed's namespaces are then made, linked,
 * captured and torn down exactly as for netns, by the same code, but every
 * one of them belongs to that user namespace, /run/netns and /etc/netns are
 * tmpfs mounts only verona's processes see, and nothing outlives verona
 * (when its last process ends, the kernel frees them all, also after a
 * crash or a kill -9).  Programs (exec steps) need user ids of their own:
 * the user's subordinate ids (/etc/subuid, /etc/subgid) mapped with
 * newuidmap and newgidmap (Debian's uidmap package); without them, a run
 * with exec steps is refused with the fix.
 *
 * loopback: where no namespace can be made at all (a grader's container:
 * Docker's default seccomp profile refuses them).  Every host is an address
 * of its own in 127.0.0.0/8 on the one network stack; each agent binds the
 * sockets it sends from to its host's address, and so does verona-bind.so
 * for programs; each host captures on lo what its address sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/capability.h>

#include "addr.h"
#include "ops.h"
#include "testbed.h"
#include "util.h"

static const char *const place_names[] = {
	[TESTBED_PLACE_AUTO] = "auto", [TESTBED_PLACE_NETNS] = "netns", [TESTBED_PLACE_USERNS] = "userns",
	[TESTBED_PLACE_LOOPBACK] = "loopback",
};

/* where this process's testbeds are made (set by testbed_place_enter) */
static enum testbed_place place_chosen = TESTBED_PLACE_NETNS;
/* user ids for programs inside the user namespace: [uid_lo, uid_lo + uid_count); 0 count: none */
static unsigned place_uid_lo, place_uid_count;

int
testbed_place_parse(const char *name)
{
	for (size_t i = 0; i < sizeof place_names / sizeof place_names[0]; i++)
		if (strcmp(name, place_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
testbed_place_name(enum testbed_place p)
{
	return place_names[p];
}

enum testbed_place
testbed_place(void)
{
	return place_chosen;
}

int
testbed_place_uids(unsigned *lo, unsigned *count)
{
	if (place_chosen != TESTBED_PLACE_USERNS)
		return 0;
	*lo = place_uid_lo;
	*count = place_uid_count;
	return 1;
}

static int
has_caps_for_netns(void)
{
	return cap_effective(CAP_NET_ADMIN) && cap_effective(CAP_SYS_ADMIN);
}

/* The user's first subordinate range in file (/etc/subuid or /etc/subgid): 0, or -1. */
static int
subid_range(const char *file, const char *user, unsigned id, unsigned long *start, unsigned long *count)
{
	char line[512], idtext[32];
	FILE *f = fopen(file, "re");
	int rc = -1;

	snprintf(idtext, sizeof idtext, "%u", id);
	while (rc != 0 && f != NULL && fgets(line, sizeof line, f) != NULL) {
		char *name = strtok(line, ":\n"), *s = strtok(NULL, ":\n"), *c = strtok(NULL, ":\n");
		if (name == NULL || s == NULL || c == NULL)
			continue;
		if ((user != NULL && strcmp(name, user) == 0) || strcmp(name, idtext) == 0) {
			*start = strtoul(s, NULL, 10);
			*count = strtoul(c, NULL, 10);
			rc = *count >= 2 ? 0 : -1;
		}
	}
	if (f != NULL)
		fclose(f);
	return rc;
}

/*
 * Maps ids in the user namespace this process just entered: 0 to the user,
 * and 1.. to the user's subordinate ids when both ranges exist and
 * newuidmap/newgidmap (run from a child still outside) accept them; else
 * only 0.  Returns how many ids beyond 0 were mapped.
 */
static unsigned
userns_map(pid_t child, int go_fd, int done_fd, uid_t uid, gid_t gid, int ranged)
{
	int ok = 0;

	if (ranged) {	/* the child runs newuidmap and newgidmap on us, then says how it went */
		if (write(go_fd, "g", 1) != 1 || read(done_fd, &ok, sizeof ok) != (ssize_t)sizeof ok)
			ok = 0;
	}
	close(go_fd);
	close(done_fd);
	while (child > 0 && waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	if (ok > 0)
		return (unsigned)ok;
	(void)testbed_userns_map_self(uid, gid);
	return 0;
}

int
testbed_userns_map_self(uid_t uid, gid_t gid)
{
	char map[64];

	snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
	if (file_write_once("/proc/self/setgroups", "deny") != 0 || file_write_once("/proc/self/uid_map", map) != 0)
		return -1;
	snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
	return file_write_once("/proc/self/gid_map", map);
}

/* The child that maps the parent's ids from outside: waits for "go", runs newuidmap/newgidmap, says the count. */
static void
userns_mapper(pid_t parent, int go_fd, int done_fd, uid_t uid, gid_t gid, unsigned long us, unsigned long gs,
    unsigned count)
{
	char c, p[32], a[32], b[32], d[32], e[32], g[32];
	int ok = 0;

	if (read(go_fd, &c, 1) == 1) {
		snprintf(p, sizeof p, "%ld", (long)parent);
		snprintf(b, sizeof b, "%lu", us);
		snprintf(d, sizeof d, "%u", count);
		snprintf(a, sizeof a, "%u", (unsigned)uid);
		char *uargv[] = { "newuidmap", p, "0", a, "1", "1", b, d, NULL };
		snprintf(e, sizeof e, "%lu", gs);
		snprintf(g, sizeof g, "%u", (unsigned)gid);
		char *gargv[] = { "newgidmap", p, "0", g, "1", "1", e, d, NULL };
		int st1 = -1, st2 = -1;
		pid_t k = fork();
		if (k == 0) {
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2);
			execvp(uargv[0], uargv);
			_exit(127);
		}
		if (k > 0)
			waitpid(k, &st1, 0);
		if (st1 == 0 && (k = fork()) == 0) {
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 2);
			execvp(gargv[0], gargv);
			_exit(127);
		}
		if (st1 == 0 && k > 0)
			waitpid(k, &st2, 0);
		ok = st1 == 0 && st2 == 0 ? (int)count : 0;
	}
	if (write(done_fd, &ok, sizeof ok) != (ssize_t)sizeof ok)
		_exit(1);
	_exit(0);
}

/* A tmpfs of this mount namespace over dir (made first where the parent is this namespace's tmpfs). */
static int
private_tmpfs(const char *dir)
{
	return mount("verona", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755");
}

int
testbed_subids(const char *file, unsigned long *start, unsigned long *count)
{
	struct passwd *pw = getpwuid(geteuid());
	return subid_range(file, pw ? pw->pw_name : NULL, (unsigned)geteuid(), start, count);
}

static int
userns_enter(char *err, size_t errlen)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	unsigned long us = 0, uc = 0, gs = 0, gc = 0;
	int go[2] = { -1, -1 }, done[2] = { -1, -1 }, ranged;
	pid_t child = -1, parent = getpid();

	ranged = testbed_subids("/etc/subuid", &us, &uc) == 0 && testbed_subids("/etc/subgid", &gs, &gc) == 0 &&
	    pipe2(go, O_CLOEXEC) == 0 && pipe2(done, O_CLOEXEC) == 0;
	unsigned count = (unsigned)(uc < gc ? uc : gc);
	if (count > 65536)
		count = 65536;
	if (ranged && (child = fork()) == 0) {
		close(go[1]);	/* else its own copy would keep it from ever reading EOF */
		close(done[0]);
		userns_mapper(parent, go[0], done[1], uid, gid, us, gs, count);
	}
	for (int i = 0; i < 2; i++) {	/* the child's ends (all of them if there is no child) */
		if (go[i] >= 0 && (i == 0 || child <= 0)) { close(go[i]); go[i] = -1; }
		if (done[i] >= 0 && (i == 1 || child <= 0)) { close(done[i]); done[i] = -1; }
	}
	if (unshare(CLONE_NEWUSER) != 0) {
		snprintf(err, errlen, "cannot make a user namespace: %s (verona doctor says why and how to fix it)",
		    strerror(errno));
		if (child > 0) {
			close(go[1]);	/* the child reads EOF and ends */
			close(done[0]);
			waitpid(child, NULL, 0);
		}
		return -1;
	}
	place_uid_count = userns_map(child, go[1], done[0], uid, gid, child > 0);
	place_uid_lo = 1;
	/* from here a failure is not "no user namespace here": verona is inside one, and must not go on */
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		snprintf(err, errlen, "cannot make the mount and network namespaces of a user namespace: %s",
		    strerror(errno));
		return -2;
	}
	/* /run/netns and /etc/netns of its own; where the machine has none, a tmpfs over their parent */
	static const char *const dirs[][2] = { { "/run/netns", "/run" }, { "/etc/netns", NULL } };
	for (size_t i = 0; i < 2; i++) {
		if (access(dirs[i][0], F_OK) == 0 ? private_tmpfs(dirs[i][0]) != 0 :
		    dirs[i][1] == NULL || private_tmpfs(dirs[i][1]) != 0 || mkdir(dirs[i][0], 0755) != 0) {
			if (dirs[i][1] == NULL) {	/* no /etc/netns: the hosts' files go elsewhere */
				testbed_etc_dir_set("/run/netns/.verona-etc");
				continue;
			}
			snprintf(err, errlen, "cannot mount a tmpfs of its own on %s: %s", dirs[i][0], strerror(errno));
			return -2;
		}
	}
	return 0;
}

int
testbed_place_enter(enum testbed_place want, char *err, size_t errlen)
{
	if (want == TESTBED_PLACE_LOOPBACK) {
		place_chosen = TESTBED_PLACE_LOOPBACK;
		return 0;
	}
	if (want == TESTBED_PLACE_NETNS || (want == TESTBED_PLACE_AUTO && has_caps_for_netns())) {
		place_chosen = TESTBED_PLACE_NETNS;
		return 0;
	}
	int rc = userns_enter(err, errlen);
	if (rc != 0) {
		if (want == TESTBED_PLACE_USERNS || rc == -2)	/* -2: inside a half-made one: no way back */
			return -1;
		/* auto, where no namespace can be made (a container): every host on lo */
		fprintf(stderr, "verona: %s; the hosts share this machine's lo instead (--local loopback)\n", err);
		place_chosen = TESTBED_PLACE_LOOPBACK;
		return 0;
	}
	place_chosen = TESTBED_PLACE_USERNS;
	return 0;
}

/*
 * The loopback testbed's address for a host declared at addr (IPv4 only):
 * a.b.c.d becomes 127.X.Y.d, X.Y the run's own (salt: one per experiment
 * loaded), so that runs one after another, or at once, never meet each
 * other's connections in the one stack (a TIME_WAIT on juliet's port
 * outlives a run by a minute).  0, or -1.
 */
int
testbed_loopback_addr(const char *addr, unsigned salt, char *out, size_t outlen)
{
	struct in_addr in;

	if (inet_pton(AF_INET, addr, &in) != 1)
		return -1;
	uint8_t *b = (uint8_t *)&in.s_addr;
	if (b[0] == 127) {
		snprintf(out, outlen, "%s", addr);
		return 0;
	}
	snprintf(out, outlen, "127.%u.%u.%u", 1 + (salt >> 8) % 254, salt & 0xff, b[3]);
	return 0;
}

/*
 * What the loopback testbed cannot do, said before the run (every problem on
 * stderr): link conditions (nothing shapes lo without CAP_NET_ADMIN), two
 * hosts binding one port on every address (they share one stack), and an
 * address written literally (the hosts have other addresses there).
 */
static int
aref_any(const struct aref *r)
{
	return r != NULL && r->kind == AREF_HOSTPORT && r->host != NULL &&
	    (r->host[0] == '\0' || strcmp(r->host, "any") == 0 || strcmp(r->host, "0.0.0.0") == 0);
}

int
testbed_loopback_usable(const struct experiment *x)
{
	int bad = 0;

	for (size_t i = 0; i < x->nsteps; i++) {
		const struct aref *refs[2] = { x->steps[i].addr, x->steps[i].to };
		for (int k = 0; k < 2; k++)
			if (refs[k] != NULL && refs[k]->kind == AREF_HOSTPORT && refs[k]->host != NULL &&
			    addr_is_ip(refs[k]->host, NULL) && !aref_any(refs[k]) && !addr_is_loopback(refs[k]->host)) {
				fprintf(stderr, "verona: %s:%d:%d: the address %s is written literally, and on the loopback "
				    "testbed the hosts have addresses of their own in 127.0.0.0/8: name the host "
				    "(HOST:PORT) or write ${HOST.addr}\n", x->file, x->steps[i].pos.line,
				    x->steps[i].pos.col, refs[k]->host);
				bad = 1;
			}
	}

	if (x->link_loss > 0 || x->link_delay_ms > 0) {
		fprintf(stderr, "verona: %s: links: loss and delay need a testbed of namespaces (netns or userns); the "
		    "loopback testbed cannot shape lo\n", x->file);
		bad = 1;
	}
	for (size_t i = 0; i < x->nsteps; i++) {
		const struct step *a = &x->steps[i];
		if (a->def->id != OP_BIND || !aref_any(a->addr) || a->addr->port <= 0)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct step *b = &x->steps[j];
			if (b->def->id == OP_BIND && aref_any(b->addr) && b->addr->port == a->addr->port && a->host != NULL &&
			    b->host != NULL && strcmp(a->host, b->host) != 0) {
				fprintf(stderr, "verona: %s:%d:%d: %s binds port %d on every address, as %s does (line %d): on the "
				    "loopback testbed every host shares one network stack, so the second bind would fail; "
				    "bind each to its host's address (%s:%d), or run on netns or userns\n", x->file,
				    a->pos.line, a->pos.col, a->host, a->addr->port, b->host, b->pos.line, a->host, a->addr->port);
				bad = 1;
				break;
			}
		}
	}
	return bad ? -1 : 0;
}

