/*
 * dockerlike.c — for tests: runs a command as Docker's default settings
 * would (the settings Gradescope and PrairieLearn run a submission with):
 * a network namespace of its own with lo up (--net), only Docker's default
 * capabilities, no_new_privs, and Docker's default seccomp rules for
 * namespaces and mounts (unshare, setns, mount, umount2, pivot_root refused
 * with EPERM, clone with a namespace flag refused, clone3 ENOSYS so that
 * libc falls back to clone).
 *
 *	dockerlike [--net] COMMAND [ARG...]
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/capability.h>

#include <seccomp.h>

/* Docker's default capability set (moby's oci/caps/defaults.go) */
static const int docker_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD, CAP_NET_RAW, CAP_SETGID, CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

static int
docker_has(int cap)
{
	for (size_t i = 0; i < sizeof docker_caps / sizeof docker_caps[0]; i++)
		if (docker_caps[i] == cap)
			return 1;
	return 0;
}

static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0)
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return rc;
}

static int
docker_seccomp(void)
{
	static const int ns[] = { CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
		CLONE_NEWCGROUP };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx == NULL ? -1 : 0;

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mount), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(umount2), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(pivot_root), 0) ||
		    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) ? -1 : 0;
	/* clone with any namespace flag (rules for one call are or-ed) */
	for (size_t i = 0; rc == 0 && i < sizeof ns / sizeof ns[0]; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, (scmp_datum_t)ns[i], (scmp_datum_t)ns[i]));
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (ctx != NULL)
		seccomp_release(ctx);
	return rc;
}

int
main(int argc, char **argv)
{
	int a = 1;

	if (a < argc && strcmp(argv[a], "--net") == 0) {
		if (unshare(CLONE_NEWNET) != 0 || lo_up() != 0) {
			perror("dockerlike: a network namespace with lo up");
			return 125;
		}
		a++;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: dockerlike [--net] COMMAND [ARG...]\n");
		return 125;
	}
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (!docker_has(cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
			perror("dockerlike: PR_CAPBSET_DROP");
			return 125;
		}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || docker_seccomp() != 0) {
		perror("dockerlike: no_new_privs and the seccomp filter");
		return 125;
	}
	execvp(argv[a], argv + a);
	perror(argv[a]);
	return 127;
}
