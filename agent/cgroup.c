/*
 * cgroup.c — per-session resource limits (see cgroup.h).
 *
 * Where each controller lives is read from /proc/self/mountinfo (cgroup2
 * mounts, and cgroup v1 mounts with the controller among their options) and
 * the agent's own place in each from /proc/self/cgroup.  A controller is
 * used on v2 when it could be enabled for the runs' cgroups there, else on
 * v1 when a v1 hierarchy carries it, else not at all (the hello reply says
 * why).  v1: the run's cgroup is a child of the agent's own one in each
 * hierarchy.  v2 (one cgroup for every controller): a child of the agent's
 * own cgroup when the controllers can be enabled in its subtree_control; a
 * cgroup with processes cannot have that ("no internal processes"), so an
 * agent alone in its cgroup (systemd, Delegate=yes) first moves itself to a
 * leaf <own>/verona-agent, and an agent sharing its cgroup (the local
 * testbed: with the controller and the user's shell) uses <v2 root>/verona.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

enum cgroup_ctrl { CG_MEMORY, CG_PIDS, CG_CPU, CG_NCTRL };

static const char *const cgroup_ctrl_names[CG_NCTRL] = { "memory", "pids", "cpu" };

#define CGROUP_CPU_PERIOD_US	100000
#define CGROUP_CPU_SHARES	1024	/* v1: the same for every run, so equal shares */
#define CGROUP_CPU_WEIGHT	100	/* v2: the same */
#define CGROUP_KILL_ROUNDS	1000	/* x 2 ms */
#define CGROUP_V2_LEAF		"verona-agent"	/* v2: the agent's own leaf, when it was alone in its cgroup */
#define CGROUP_V2_SHARED	"verona"	/* v2: <root>/verona, when it was not */

/* One directory of the session: a v2 cgroup (all v2 controllers) or one v1 hierarchy's. */
struct cgroup_dir {
	char	*path;
	int	 v2;
	char	*procs;		/* path/cgroup.procs, for cgroup_enter */
};

struct cgroup {
	struct cgroup_dir	 dirs[CG_NCTRL];
	size_t			 ndirs;
	int			 dir_of[CG_NCTRL];	/* index into dirs, -1: not limited */
};

/* Where a controller can be used: the directory below which the run's cgroup goes. */
struct cgroup_place {
	char	*base;		/* NULL: nowhere, see why */
	int	 v2;
	char	 why[2048];
};

static unsigned cgroup_serial;

/* ---- small file helpers ---- */

static int
cgroup_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, saved;
	ssize_t n;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	n = write(fd, val, strlen(val));
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

static int
cgroup_writef(const char *dir, const char *file, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
cgroup_writef(const char *dir, const char *file, const char *fmt, ...)
{
	char val[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(val, sizeof val, fmt, ap);
	va_end(ap);
	return cgroup_write(dir, file, val);
}

/* Caller frees; NULL if unreadable. */
static char *
cgroup_read(const char *dir, const char *file)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return file_read_all(path, NULL, 1 << 20);
}

/* A number in a file, or from a "key N" line of it (key non-NULL); -1 if none. */
static long long
cgroup_read_num(const char *dir, const char *file, const char *key)
{
	char *s = cgroup_read(dir, file), *p;
	long long v = -1;
	if (s == NULL)
		return -1;
	if (key == NULL)
		v = strtoll(s, NULL, 10);
	else
		for (p = s; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			size_t kl = strlen(key);
			if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
				v = strtoll(p + kl + 1, NULL, 10);
				break;
			}
		}
	free(s);
	return v;
}

/* 1 if word is one of the comma- or space-separated words of list. */
static int
cgroup_has_word(const char *list, const char *word, const char *seps)
{
	size_t wl = strlen(word);
	for (const char *p = list; p != NULL && *p;) {
		size_t l = strcspn(p, seps);
		if (l == wl && strncmp(p, word, wl) == 0)
			return 1;
		p += l;
		p += strspn(p, seps);
	}
	return 0;
}

/* ---- finding the hierarchies ---- */

/*
 * The agent's own path in the hierarchy of a controller ("" ctrl: the v2
 * line "0::"), from /proc/self/cgroup.  Caller frees; NULL if absent.
 */
static char *
cgroup_own_path(const char *ctrl)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096], *found = NULL;
	if (f == NULL)
		return NULL;
	while (found == NULL && fgets(line, sizeof line, f) != NULL) {
		char *c1, *c2;
		line[strcspn(line, "\n")] = '\0';
		if ((c1 = strchr(line, ':')) == NULL || (c2 = strchr(c1 + 1, ':')) == NULL)
			continue;
		*c1 = *c2 = '\0';
		if (ctrl[0] == '\0' ? (strcmp(line, "0") == 0 && c1[1] == '\0') : cgroup_has_word(c1 + 1, ctrl, ","))
			found = xstrdup(c2 + 1);
	}
	fclose(f);
	return found;
}

/*
 * The mount point and root of the hierarchy: the cgroup2 one (ctrl "") or
 * the v1 one carrying ctrl.  Returns 0 or -1.
 */
static int
cgroup_mount(const char *ctrl, char *mnt, size_t mntlen, char *root, size_t rootlen)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int found = -1;
	if (f == NULL)
		return -1;
	while (found != 0 && fgets(line, sizeof line, f) != NULL) {
		char r[1024], m[1024], fstype[64], src[256], opts[1024];
		char *dash = strstr(line, " - ");
		if (dash == NULL || sscanf(line, "%*s %*s %*s %1023s %1023s", r, m) != 2 ||
		    sscanf(dash + 3, "%63s %255s %1023s", fstype, src, opts) != 3)
			continue;
		if (ctrl[0] == '\0' ? strcmp(fstype, "cgroup2") != 0 :
		    (strcmp(fstype, "cgroup") != 0 || !cgroup_has_word(opts, ctrl, ",")))
			continue;
		snprintf(mnt, mntlen, "%s", m);
		snprintf(root, rootlen, "%s", r);
		found = 0;
	}
	fclose(f);
	return found;
}

/* The agent's own cgroup directory in a hierarchy (ctrl "": v2). Caller frees; NULL with why. */
static char *
cgroup_own_dir(const char *ctrl, char *why, size_t whylen)
{
	char mnt[1024], root[1024], *own, *dir;
	size_t rl;
	const char *rel;

	if (cgroup_mount(ctrl, mnt, sizeof mnt, root, sizeof root) != 0) {
		snprintf(why, whylen, ctrl[0] ? "no cgroup v1 hierarchy has the %s controller mounted" :
		    "no cgroup2 file system is mounted%s", ctrl);
		return NULL;
	}
	if ((own = cgroup_own_path(ctrl)) == NULL) {
		snprintf(why, whylen, "/proc/self/cgroup names no %s cgroup of the agent", ctrl[0] ? ctrl : "v2");
		return NULL;
	}
	rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rl > 0 && (strncmp(own, root, rl) != 0 || (own[rl] != '/' && own[rl] != '\0'))) {
		snprintf(why, whylen, "the agent's %s cgroup %.60s is outside the mounted part %.60s of its hierarchy",
		    ctrl[0] ? ctrl : "v2", own, root);
		free(own);
		return NULL;
	}
	rel = own + rl;
	dir = xasprintf("%s%s%s", mnt, rel[0] == '/' || rel[0] == '\0' ? "" : "/", strcmp(rel, "/") == 0 ? "" : rel);
	free(own);
	return dir;
}

/*
 * v2: where the runs' cgroups go, decided once per agent (it may move the
 * agent): below the agent's own cgroup when the controllers can be enabled
 * for its children there (the agent alone in it, moved to a leaf if need be:
 * systemd Delegate=yes); else below <v2 root>/verona, made for this (root's
 * agents on a host where the agent shares its cgroup, as the local testbed
 * does with the controller and the user's shell).
 */
static struct {
	int	 decided;
	char	*base;		/* NULL: v2 is not used */
	char	 why[1400];	/* why not */
} cgroup_v2;

/* The controllers of ours that dir's children may have (cgroup.controllers), a bit each. */
static unsigned
cgroup_v2_offered(const char *dir)
{
	char *avail = cgroup_read(dir, "cgroup.controllers");
	unsigned m = 0;
	for (int c = 0; c < CG_NCTRL; c++)
		if (avail != NULL && cgroup_has_word(avail, cgroup_ctrl_names[c], " \n"))
			m |= 1u << c;
	free(avail);
	return m;
}

/* Enables the controllers of mask for dir's children; 0, or -1 with errno. */
static int
cgroup_v2_enable(const char *dir, unsigned mask)
{
	char *on = cgroup_read(dir, "cgroup.subtree_control");
	for (int c = 0; c < CG_NCTRL; c++) {
		char add[32];
		if (!(mask & (1u << c)) || (on != NULL && cgroup_has_word(on, cgroup_ctrl_names[c], " \n")))
			continue;
		snprintf(add, sizeof add, "+%s", cgroup_ctrl_names[c]);
		if (cgroup_write(dir, "cgroup.subtree_control", add) != 0) {
			int saved = errno;
			free(on);
			errno = saved;
			return -1;
		}
	}
	free(on);
	return 0;
}

/* 1 if the agent is the only process in dir. */
static int
cgroup_alone_in(const char *dir)
{
	char *procs = cgroup_read(dir, "cgroup.procs"), *nl;
	int alone = procs != NULL && strtol(procs, NULL, 10) == (long)getpid() &&
	    (nl = strchr(procs, '\n')) != NULL && nl[1] == '\0';
	free(procs);
	return alone;
}

static int
cgroup_v2_try_own(const char *own, unsigned want, char *why, size_t whylen)
{
	char *leaf;
	if (cgroup_v2_enable(own, want) == 0)
		return 0;
	if (errno != EBUSY) {
		snprintf(why, whylen, "cannot enable the controllers in %.200s/cgroup.subtree_control: %s", own,
		    strerror(errno));
		return -1;
	}
	if (!cgroup_alone_in(own)) {
		snprintf(why, whylen, "the agent's cgroup %.200s has other processes (cgroup v2 allows none in a "
		    "cgroup whose children have controllers; give the agent one of its own: systemd Delegate=yes)", own);
		return -1;
	}
	leaf = xasprintf("%s/" CGROUP_V2_LEAF, own);
	if ((mkdir(leaf, 0755) != 0 && errno != EEXIST) || cgroup_writef(leaf, "cgroup.procs", "%ld", (long)getpid()) != 0 ||
	    cgroup_v2_enable(own, want) != 0) {
		snprintf(why, whylen, "cannot move the agent to %.200s to enable the controllers below %.200s: %s",
		    leaf, own, strerror(errno));
		free(leaf);
		return -1;
	}
	log_info("moved to %s to enable the controllers for the runs' cgroups", leaf);
	free(leaf);
	return 0;
}

static int
cgroup_v2_try_shared(const char *root, unsigned want, char *why, size_t whylen)
{
	char *dir = xasprintf("%s/" CGROUP_V2_SHARED, root);
	if (cgroup_v2_enable(root, want) != 0 || (mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    cgroup_v2_enable(dir, want) != 0) {
		snprintf(why, whylen, "cannot use %.200s for the runs' cgroups either: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	cgroup_v2.base = dir;
	return 0;
}

static void
cgroup_v2_decide(void)
{
	char mnt[1024], root[1024], why_own[600] = "", why_shared[600] = "", *own;
	unsigned want_own, want_root;

	cgroup_v2.decided = 1;
	if ((own = cgroup_own_dir("", cgroup_v2.why, sizeof cgroup_v2.why)) == NULL)
		return;
	(void)cgroup_mount("", mnt, sizeof mnt, root, sizeof root);
	want_own = cgroup_v2_offered(own);
	want_root = cgroup_v2_offered(mnt) | want_own;
	if (want_root == 0)
		snprintf(cgroup_v2.why, sizeof cgroup_v2.why, "cgroup v2 (%.200s) has none of memory, pids, cpu", mnt);
	else if (want_own == want_root && cgroup_v2_try_own(own, want_own, why_own, sizeof why_own) == 0)
		cgroup_v2.base = xstrdup(own);
	else if (cgroup_v2_try_shared(mnt, want_root, why_shared, sizeof why_shared) == 0)
		log_info("the runs' cgroups go below %s: %s", cgroup_v2.base, why_own[0] ? why_own : "the agent's "
		    "cgroup lacks some controllers");
	else if (want_own != 0 && want_own != want_root && cgroup_v2_try_own(own, want_own, why_own, sizeof why_own) == 0)
		cgroup_v2.base = xstrdup(own);
	else
		snprintf(cgroup_v2.why, sizeof cgroup_v2.why, "%s%s%s", why_own, why_own[0] ? "; " : "", why_shared);
	free(own);
}

/* Where controller c can be used (p->base NULL: nowhere, p->why says why). */
static void
cgroup_place(enum cgroup_ctrl c, struct cgroup_place *p)
{
	const char *ctrl = cgroup_ctrl_names[c];
	char *on;

	memset(p, 0, sizeof *p);
	if (!cgroup_v2.decided)
		cgroup_v2_decide();
	if (cgroup_v2.base != NULL && (on = cgroup_read(cgroup_v2.base, "cgroup.subtree_control")) != NULL) {
		int enabled = cgroup_has_word(on, ctrl, " \n");
		free(on);
		if (enabled) {
			p->base = xstrdup(cgroup_v2.base);
			p->v2 = 1;
			return;
		}
	}
	if ((p->base = cgroup_own_dir(ctrl, p->why, sizeof p->why)) != NULL)
		return;
	if (cgroup_v2.why[0] != '\0') {
		size_t l = strlen(p->why);
		snprintf(p->why + l, sizeof p->why - l, "; %.300s", cgroup_v2.why);
	}
}

/* ---- limits ---- */

static int
cgroup_json_num(json_t *o, const char *key, double min, double max, double *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
		snprintf(err, errlen, "hello: limits.%s must be a number from %g to %g", key, min, max);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

int
cgroup_limits_from_json(json_t *o, struct cgroup_limits *l, char *err, size_t errlen)
{
	double mem = CGROUP_MEMORY_DEFAULT, procs = CGROUP_PROCESSES_DEFAULT, cpus = CGROUP_CPUS_DEFAULT,
	    disk = CGROUP_DISK_DEFAULT;
	if (o != NULL && !json_is_null(o) && !json_is_object(o)) {
		snprintf(err, errlen, "hello: limits must be an object");
		return -1;
	}
	if (cgroup_json_num(o, "memory", 1 << 20, 9e18, &mem, err, errlen) != 0 ||
	    cgroup_json_num(o, "processes", 1, 4194304, &procs, err, errlen) != 0 ||
	    cgroup_json_num(o, "cpus", 0.01, 4096, &cpus, err, errlen) != 0 ||
	    cgroup_json_num(o, "disk", 1 << 20, 9e18, &disk, err, errlen) != 0)
		return -1;
	l->memory = (long long)mem;
	l->processes = (long long)procs;
	l->cpus = cpus;
	l->disk = (long long)disk;
	return 0;
}

/* Writes one controller's limits in dir and says in info what applied; 0, or -1 with why. */
static int
cgroup_apply(enum cgroup_ctrl c, const char *dir, int v2, const struct cgroup_limits *l, json_t *info,
    char *why, size_t whylen)
{
	long long quota = (long long)(l->cpus * CGROUP_CPU_PERIOD_US + 0.5);
	const char *file = NULL;

	if (quota < 1000)
		quota = 1000;
	switch (c) {
	case CG_MEMORY:
		if (cgroup_writef(dir, file = v2 ? "memory.max" : "memory.limit_in_bytes", "%lld", l->memory) != 0)
			break;
		/* swap may not extend the limit, where the knob exists (v1: needs swap accounting) */
		if (v2)
			json_object_set_new(info, "swap", cgroup_write(dir, "memory.swap.max", "0") == 0 ?
			    json_integer(0) : json_string("no memory.swap.max: the host has no swap accounting"));
		else
			json_object_set_new(info, "swap", cgroup_writef(dir, "memory.memsw.limit_in_bytes", "%lld",
			    l->memory) == 0 ? json_integer(0) :
			    json_string("no memory.memsw.limit_in_bytes: the host has no swap accounting"));
		json_object_set_new(info, "memory", json_integer(l->memory));
		return 0;
	case CG_PIDS:
		if (cgroup_writef(dir, file = "pids.max", "%lld", l->processes) != 0)
			break;
		json_object_set_new(info, "processes", json_integer(l->processes));
		return 0;
	case CG_CPU:
		if (v2) {
			if (cgroup_writef(dir, file = "cpu.weight", "%d", CGROUP_CPU_WEIGHT) != 0 ||
			    cgroup_writef(dir, file = "cpu.max", "%lld %d", quota, CGROUP_CPU_PERIOD_US) != 0)
				break;
		} else if (cgroup_writef(dir, file = "cpu.shares", "%d", CGROUP_CPU_SHARES) != 0 ||
		    cgroup_writef(dir, file = "cpu.cfs_period_us", "%d", CGROUP_CPU_PERIOD_US) != 0 ||
		    cgroup_writef(dir, file = "cpu.cfs_quota_us", "%lld", quota) != 0)
			break;
		json_object_set_new(info, "cpus", json_real((double)quota / CGROUP_CPU_PERIOD_US));
		json_object_set_new(info, "cpu_share", v2 ? json_sprintf("cpu.weight %d", CGROUP_CPU_WEIGHT) :
		    json_sprintf("cpu.shares %d", CGROUP_CPU_SHARES));
		return 0;
	case CG_NCTRL:
		break;
	}
	snprintf(why, whylen, "cannot write %s/%s: %s", dir, file ? file : "?", strerror(errno));
	return -1;
}

static const char *const cgroup_info_key[CG_NCTRL] = { "memory", "processes", "cpus" };

struct cgroup *
cgroup_create(const struct cgroup_limits *l, json_t **infop)
{
	struct cgroup *cg = xcalloc(1, sizeof *cg);
	json_t *info = json_object(), *paths = json_object();
	struct buf why;
	int v1 = 0, v2 = 0;
	unsigned serial = ++cgroup_serial;

	if (serial == 1)	/* the first session: what crashed agents left behind */
		(void)cgroup_sweep_stale();
	buf_init(&why);
	for (int c = 0; c < CG_NCTRL; c++) {
		struct cgroup_place p;
		char err[2100] = "";
		cg->dir_of[c] = -1;
		json_object_set_new(info, cgroup_info_key[c], json_null());
		cgroup_place(c, &p);
		if (p.base == NULL)
			snprintf(err, sizeof err, "%s", p.why);
		else {
			char *path = xasprintf("%s/verona-run-%ld-%u", p.base, (long)getpid(), serial);
			size_t k;
			for (k = 0; k < cg->ndirs; k++)
				if (strcmp(cg->dirs[k].path, path) == 0)
					break;
			if (k == cg->ndirs && mkdir(path, 0755) != 0 && errno != EEXIST)
				snprintf(err, sizeof err, "cannot make %s: %s", path, strerror(errno));
			else if (cgroup_apply(c, path, p.v2, l, info, err, sizeof err) == 0) {
				if (k == cg->ndirs) {
					cg->dirs[k].path = path;
					cg->dirs[k].v2 = p.v2;
					cg->dirs[k].procs = xasprintf("%s/cgroup.procs", path);
					cg->ndirs++;
					path = NULL;
				}
				cg->dir_of[c] = (int)k;
				json_object_set_new(paths, cgroup_ctrl_names[c], json_string(cg->dirs[k].path));
				*(p.v2 ? &v2 : &v1) = 1;
			} else if (k == cg->ndirs)
				(void)rmdir(path);
			free(path);
			free(p.base);
		}
		if (err[0] != '\0')
			buf_printf(&why, "%s%s: %s", why.len ? "; " : "", cgroup_ctrl_names[c], err);
	}
	json_object_set_new(info, "cgroup", v1 && v2 ? json_string("v1+v2") : v1 ? json_string("v1") :
	    v2 ? json_string("v2") : json_null());
	json_object_set_new(info, "paths", paths);
	json_object_set_new(info, "disk", json_integer(l->disk));
	if (why.len > 0) {
		json_object_set_new(info, "why", json_string((char *)why.data));
		log_warn("resource limits: %s", (char *)why.data);
	}
	buf_free(&why);
	*infop = info;
	if (cg->ndirs == 0) {
		free(cg);
		return NULL;
	}
	return cg;
}

int
cgroup_enter(const struct cgroup *cg)
{
	if (cg == NULL)
		return 0;
	for (size_t k = 0; k < cg->ndirs; k++) {
		int fd = open(cg->dirs[k].procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		if (write(fd, "0", 1) != 1) {
			int saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* ---- the end ---- */

static void
cgroup_nap(void)
{
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
}

/* Kills everything in dir until it is empty (2 s at most); reaps what was orphaned to the agent. 0 if empty. */
static int
cgroup_kill_all(const char *dir, int v2)
{
	int killfile = v2 && cgroup_write(dir, "cgroup.kill", "1") == 0;
	for (int round = 0; round < CGROUP_KILL_ROUNDS; round++) {
		char *procs = cgroup_read(dir, "cgroup.procs"), *p, *end;
		int any = 0;
		if (procs == NULL)
			return errno == ENOENT ? 0 : -1;
		for (p = procs; *p; p = end) {
			long pid = strtol(p, &end, 10);
			if (end == p)
				break;
			if (pid > 0) {
				any = 1;
				if (!killfile)
					kill((pid_t)pid, SIGKILL);
			}
		}
		free(procs);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!any)
			return 0;
		cgroup_nap();
	}
	return -1;
}

static int
cgroup_remove(const char *dir, int v2)
{
	int rc = cgroup_kill_all(dir, v2);
	for (int round = 0; round < CGROUP_KILL_ROUNDS; round++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		cgroup_nap();
	}
	log_warn("cannot remove cgroup %s%s: %s", dir, rc != 0 ? " (processes still in it)" : "", strerror(errno));
	return -1;
}

void
cgroup_destroy(struct cgroup *cg)
{
	if (cg == NULL)
		return;
	/* what the session cost, for the log (and for tests) */
	if (cg->dir_of[CG_MEMORY] >= 0) {
		const struct cgroup_dir *d = &cg->dirs[cg->dir_of[CG_MEMORY]];
		long long peak = cgroup_read_num(d->path, d->v2 ? "memory.peak" : "memory.max_usage_in_bytes", NULL);
		long long ooms = d->v2 ? cgroup_read_num(d->path, "memory.events", "oom_kill") :
		    cgroup_read_num(d->path, "memory.oom_control", "oom_kill");
		log_info("cgroup %s: peak memory %lld bytes, %lld OOM kills", d->path, peak, ooms);
	}
	if (cg->dir_of[CG_PIDS] >= 0) {
		const struct cgroup_dir *d = &cg->dirs[cg->dir_of[CG_PIDS]];
		log_info("cgroup %s: %lld forks refused at pids.max", d->path,
		    cgroup_read_num(d->path, "pids.events", "max"));
	}
	if (cg->dir_of[CG_CPU] >= 0) {
		const struct cgroup_dir *d = &cg->dirs[cg->dir_of[CG_CPU]];
		log_info("cgroup %s: throttled %lld times", d->path, cgroup_read_num(d->path, "cpu.stat", "nr_throttled"));
	}
	for (size_t k = 0; k < cg->ndirs; k++) {
		cgroup_remove(cg->dirs[k].path, cg->dirs[k].v2);
		free(cg->dirs[k].path);
		free(cg->dirs[k].procs);
	}
	free(cg);
}

/* 1 if pid is a running verona-agent. */
static int
cgroup_agent_alive(long pid)
{
	char path[64], *comm;
	int alive;
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	if ((comm = file_read_all(path, NULL, 64)) == NULL)
		return 0;
	alive = strncmp(comm, "verona-agent", 12) == 0;
	free(comm);
	return alive;
}

static int
cgroup_sweep_dir(const char *dir, int v2)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		long pid;
		unsigned serial;
		char tail;
		if (sscanf(e->d_name, "verona-run-%ld-%u%c", &pid, &serial, &tail) != 2 || pid <= 0 ||
		    pid == (long)getpid() || cgroup_agent_alive(pid))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		if (cgroup_remove(path, v2) == 0) {
			log_info("removed the cgroup %s of a run whose agent is gone", path);
			n++;
		}
		free(path);
	}
	closedir(d);
	return n;
}

int
cgroup_sweep_stale(void)
{
	char mnt[1024], root[1024], why[256], *own;
	int n = 0;

	/* v1: the own cgroup in each hierarchy */
	for (int c = 0; c < CG_NCTRL; c++)
		if ((own = cgroup_own_dir(cgroup_ctrl_names[c], why, sizeof why)) != NULL) {
			n += cgroup_sweep_dir(own, 0);
			free(own);
		}
	/* v2: the own cgroup, its parent when it is the agent's leaf, and <root>/verona */
	if ((own = cgroup_own_dir("", why, sizeof why)) != NULL) {
		char *slash = strrchr(own, '/');
		n += cgroup_sweep_dir(own, 1);
		if (slash != NULL && strcmp(slash + 1, CGROUP_V2_LEAF) == 0) {
			*slash = '\0';
			n += cgroup_sweep_dir(own, 1);
		}
		free(own);
	}
	if (cgroup_mount("", mnt, sizeof mnt, root, sizeof root) == 0) {
		char *shared = xasprintf("%s/" CGROUP_V2_SHARED, mnt);
		n += cgroup_sweep_dir(shared, 1);
		free(shared);
	}
	return n;
}
