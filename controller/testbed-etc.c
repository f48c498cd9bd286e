/*
 * testbed-etc.c — the local testbed's /etc for each host: there is no DNS in
 * a testbed, so each namespace gets a hosts file naming the experiment's
 * hosts and an nsswitch.conf that looks nowhere else, where `ip netns exec`
 * finds them (/etc/netns/NS/), and each agent sees them over /etc in a mount
 * and UTS namespace of its own with its host's name.  See testbed.h.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testbed.h"
#include "util.h"

#define NETNS_DIR	"/run/netns"
/* iproute2's: `ip netns exec NS` binds NETNS_ETC/NS/FILE over /etc/FILE (a user namespace may use another) */
static const char *etc_dir = "/etc/netns";
#define NETNS_ETC	etc_dir

void
testbed_etc_dir_set(const char *dir)
{
	etc_dir = dir;
}
static const char *const etc_files[] = { "hosts", "nsswitch.conf" };

/*
 * There is no DNS here: each host's /etc/hosts names every host of the
 * experiment, and resolving looks nowhere else (nsswitch "hosts: files"),
 * so another name fails at once as "Name or service not known".  Written
 * where `ip netns exec` finds them; the agents see them through
 * testbed_etc_enter().  0, or -1 with err set.
 */
int
testbed_etc_write(const char *ns, const struct experiment *x, char *err, size_t errlen)
{
	char path[512];
	struct buf b[2];
	int rc = 0;

	buf_init(&b[0]);
	buf_init(&b[1]);
	buf_adds(&b[0], "# written by verona for this testbed: the experiment's hosts\n"
	    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	for (size_t i = 0; i < x->nhosts; i++)
		buf_printf(&b[0], "%s\t%s\n", x->hosts[i].addr, x->hosts[i].name);
	buf_adds(&b[1], "# written by verona: no DNS in the testbed, only its hosts file\n"
	    "passwd: files\ngroup: files\nshadow: files\nhosts: files\n");
	snprintf(path, sizeof path, "%s/%s", NETNS_ETC, ns);
	(void)mkdir(NETNS_ETC, 0755);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		FILE *f;
		snprintf(path, sizeof path, "%s/%s/%s", NETNS_ETC, ns, etc_files[i]);
		if ((f = fopen(path, "we")) == NULL)
			rc = -1;
		else {
			fwrite(b[i].data, 1, b[i].len, f);
			if (fclose(f) != 0)
				rc = -1;
		}
	}
	if (rc != 0)
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	buf_free(&b[0]);
	buf_free(&b[1]);
	return rc;
}

/* Removes what testbed_etc_write() wrote (nothing there is no error). */
void
testbed_etc_remove(const char *ns)
{
	char path[512];
	for (size_t i = 0; i < 2; i++)
		(void)unlink((snprintf(path, sizeof path, "%s/%s/%s", NETNS_ETC, ns, etc_files[i]), path));
	snprintf(path, sizeof path, "%s/%s", NETNS_ETC, ns);
	(void)rmdir(path);
}

/*
 * In an agent's child after entering its network namespace: as `ip netns exec` binds NETNS_ETC/NS's
 * files over /etc's, in a UTS namespace with the host's name (the agent's
 * calls and its programs resolve the hosts; gethostname() is the host's).
 */
int
testbed_etc_enter(const char *ns, const char *host)
{
	char path[512], dst[64];

	snprintf(path, sizeof path, "%s/%s/hosts", NETNS_ETC, ns);
	if (access(path, R_OK) != 0)
		return 0;
	if (unshare(CLONE_NEWNS | CLONE_NEWUTS) != 0 || mount("none", "/", "none", MS_SLAVE | MS_REC, NULL) != 0 ||
	    sethostname(host, strlen(host)) != 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s/%s", NETNS_ETC, ns, etc_files[i]);
		snprintf(dst, sizeof dst, "/etc/%s", etc_files[i]);
		if (mount(path, dst, "none", MS_BIND, NULL) != 0)
			return -1;
	}
	return 0;
}

/* Removes the hosts files of every NETNS_ETC/PREFIX* whose namespace is gone. */
void
testbed_etc_sweep(const char *prefix)
{
	DIR *d = opendir(NETNS_ETC);
	struct dirent *e;
	char path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof path, NETNS_DIR "/%s", e->d_name);
		if (access(path, F_OK) != 0)
			testbed_etc_remove(e->d_name);
	}
	closedir(d);
}
