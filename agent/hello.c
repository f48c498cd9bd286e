/*
 * hello.c — what an agent tells the controller about its host at hello:
 * kernel, hostname, the experiment interface (found from the experiment
 * address when not named), its addresses, MTU and offloads, and the TCP
 * sysctls that change what the wire shows.  Everything is read in the
 * agent's own network namespace (getifaddrs, ioctl, /proc/sys/net).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "agent.h"
#include "addr.h"
#include "capture.h"
#include "proto.h"
#include "sandbox.h"

static const char *const hello_sysctls[] = {
	"net/ipv4/tcp_timestamps", "net/ipv4/tcp_sack", "net/ipv4/tcp_window_scaling",
	"net/ipv4/tcp_ecn", "net/ipv4/tcp_congestion_control", "net/ipv4/tcp_syn_retries",
	"net/ipv4/tcp_synack_retries", "net/ipv4/tcp_fin_timeout", "net/ipv4/tcp_rmem",
	"net/ipv4/tcp_wmem", "net/ipv4/tcp_mtu_probing", "net/ipv4/tcp_no_metrics_save",
	"net/ipv4/ip_local_port_range", "net/ipv4/tcp_tw_reuse", "net/core/somaxconn",
};

static json_t *
hello_sysctl_values(void)
{
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof hello_sysctls / sizeof hello_sysctls[0]; i++) {
		char path[256], val[256];
		FILE *f;
		snprintf(path, sizeof path, "/proc/sys/%s", hello_sysctls[i]);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		if (fgets(val, sizeof val, f) != NULL) {
			val[strcspn(val, "\n")] = '\0';
			for (char *c = val; *c; c++)
				if (*c == '\t')
					*c = ' ';
			const char *key = strrchr(hello_sysctls[i], '/') + 1;
			json_object_set_new(o, key, json_string(val));
		}
		fclose(f);
	}
	return o;
}

static int
hello_ethtool_get(int fd, const char *ifname, uint32_t cmd)
{
	struct ethtool_value ev = { .cmd = cmd };
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) != 0)
		return -1;
	return ev.data != 0;
}

static json_t *
hello_iface_info(const char *ifname)
{
	json_t *o = json_object();
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	static const struct { const char *name; uint32_t cmd; } offl[] = {
		{ "tso", ETHTOOL_GTSO }, { "gso", ETHTOOL_GGSO }, { "gro", ETHTOOL_GGRO },
		{ "rx_checksum", ETHTOOL_GRXCSUM }, { "tx_checksum", ETHTOOL_GTXCSUM },
	};

	if (fd < 0)
		return o;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		json_object_set_new(o, "mtu", json_integer(ifr.ifr_mtu));
	json_t *off = json_object();
	for (size_t i = 0; i < sizeof offl / sizeof offl[0]; i++) {
		int v = hello_ethtool_get(fd, ifname, offl[i].cmd);
		if (v >= 0)
			json_object_set_new(off, offl[i].name, json_boolean(v));
	}
	json_object_set_new(o, "offloads", off);
	close(fd);
	return o;
}

json_t *
hello_info(const char *addr, const char *iface, int probe_capture)
{
	struct utsname u;
	char host[256];
	struct ifaddrs *ifs = NULL, *i;
	char found[IF_NAMESIZE] = "";
	json_t *o = json_object(), *addrs = json_array();

	json_object_set_new(o, "type", json_string(proto_type_name(MSG_HELLO)));
	json_object_set_new(o, "version", json_integer(PROTO_VERSION));
	json_object_set_new(o, "agent", json_string("verona-agent " VERONA_VERSION));
	if (uname(&u) == 0)
		json_object_set_new(o, "kernel", json_sprintf("%s %s %s", u.sysname, u.release, u.machine));
	if (gethostname(host, sizeof host) == 0)
		json_object_set_new(o, "hostname", json_string(host));
	if (iface != NULL)
		snprintf(found, sizeof found, "%s", iface);
	if (getifaddrs(&ifs) == 0) {
		for (i = ifs; i != NULL; i = i->ifa_next) {
			char ip[64];
			if (i->ifa_addr == NULL ||
			    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
				continue;
			addr_ip(i->ifa_addr, ip, sizeof ip);
			if (found[0] == '\0' && addr != NULL && strcmp(ip, addr) == 0)
				snprintf(found, sizeof found, "%s", i->ifa_name);
		}
		for (i = ifs; i != NULL; i = i->ifa_next) {
			char ip[64];
			if (i->ifa_addr == NULL || strcmp(i->ifa_name, found) != 0 ||
			    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
				continue;
			addr_ip(i->ifa_addr, ip, sizeof ip);
			json_array_append_new(addrs, json_string(ip));
		}
		freeifaddrs(ifs);
	}
	if (found[0] != '\0') {
		json_object_set_new(o, "iface", json_string(found));
		json_t *info = hello_iface_info(found);
		json_object_update(o, info);
		json_decref(info);
	} else
		json_object_set_new(o, "iface", json_null());
	json_object_set_new(o, "addrs", addrs);
	json_object_set_new(o, "sysctls", hello_sysctl_values());
	json_object_set_new(o, "time_ns", json_integer(time_realtime_ns()));
	if (time_shift_ns == 0 && agent_clock_lie_ns == 0) {	/* a shifted clock is another machine's (tests) */
		char *boot = file_read_all("/proc/sys/kernel/random/boot_id", NULL, 64);
		if (boot != NULL) {
			boot[strcspn(boot, "\n")] = '\0';
			json_object_set_new(o, "boot_id", json_string(boot));
			free(boot);
		}
	}
	if (probe_capture && found[0] != '\0') {
		char err[512];
		json_object_set_new(o, "capture", trace_capture_probe(found, err, sizeof err) == 0 ?
		    json_string("ok") : json_string(err));
	}
	return o;
}

json_t *
hello_sandbox_info(const struct agent *a, int nft, const char *nft_error)
{
	json_t *o = json_object();
	struct statfs sf;

	json_object_set_new(o, "exec", json_boolean(a->allow_exec));
	if (!a->allow_exec)
		return o;
	json_object_set_new(o, "level", json_string(sandbox_level_name((enum sandbox_level)a->sandbox)));
	if (a->sandbox_refusal != NULL)
		json_object_set_new(o, "error", json_string(a->sandbox_refusal));
	json_object_set_new(o, "uid", json_integer(a->exec_uid));
	json_object_set_new(o, "agent_uid", json_integer(getuid()));
	if (a->workdir_fd >= 0 && fstatfs(a->workdir_fd, &sf) == 0)
		json_object_set_new(o, "workdir", sf.f_type == TMPFS_MAGIC ?
		    json_sprintf("tmpfs of %llu MiB", (unsigned long long)sf.f_blocks * sf.f_bsize >> 20) :
		    json_string("a directory of the host's file system"));
	json_object_set_new(o, "nft", json_boolean(nft));
	if (nft_error != NULL)
		json_object_set_new(o, "nft_error", json_string(nft_error));
	return o;
}
