/* cmd-down.c — verona down ID | --all: remove a local testbed, or every one left behind. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cmd.h"
#include "testbed.h"

static int
cmd_down_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int c, all = 0, n;
	char err[256];

	optind = 1;
	while ((c = getopt_long(argc, argv, "ha", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_down_entry, stdout, 1);
			return 0;
		case 'a':
			all = 1;
			break;
		default:
			cmd_usage(&cmd_down_entry, stderr, 0);
			return 2;
		}
	}
	if (all == (optind < argc) || argc - optind > 1) {
		cmd_usage(&cmd_down_entry, stderr, 0);
		return 2;
	}
	if (!all) {
		const char *id = argv[optind];
		if (strlen(id) == 0 || strlen(id) > 16) {
			fprintf(stderr, "verona: '%s' is not a testbed id\n", id);
			return 2;
		}
		for (const char *p = id; *p; p++)
			if (!isxdigit((unsigned char)*p)) {
				fprintf(stderr, "verona: '%s' is not a testbed id (hex digits, as 'verona up' printed)\n", id);
				return 2;
			}
	}
	if (!testbed_can_run(err, sizeof err)) {
		fprintf(stderr, "verona: %s\n", err);
		return 2;
	}
	n = testbed_down_matching(all ? NULL : argv[optind], 1);
	printf("%d namespace%s removed\n", n, n == 1 ? "" : "s");
	if (all && (n = cgroup_sweep_stale()) > 0)	/* the cgroups of runs whose agent is gone */
		printf("%d cgroup%s of crashed runs removed\n", n, n == 1 ? "" : "s");
	return 0;
}

const struct cmd_entry cmd_down_entry = {
	.name = "down",
	.usage = "ID | --all",
	.summary = "remove a local testbed (or --all: every verona namespace left behind)",
	.help =
	"  -a, --all    remove every namespace named verona-*, and what runs in it,\n"
	"               and every verona-run-* cgroup whose agent is gone\n"
	"  -h, --help   this help\n",
	.exec = cmd_down_exec,
};
