/* cmd-up.c — verona up FILE: create the experiment's local testbed and leave it up. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "expt.h"
#include "testbed.h"

static int
cmd_up_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "define", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *defines = json_object();
	struct experiment *x;
	struct testbed tb = { .verbose = 1 };
	char err[600];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hD:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_up_entry, stdout, 1);
			json_decref(defines);
			return 0;
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		default:
			cmd_usage(&cmd_up_entry, stderr, 0);
			json_decref(defines);
			return 2;
		}
	}
	if (optind != argc - 1) {
		cmd_usage(&cmd_up_entry, stderr, 0);
		json_decref(defines);
		return 2;
	}
	x = cmd_load(argv[optind], defines);
	json_decref(defines);
	if (x == NULL)
		return 2;
	if (!testbed_can_run(err, sizeof err)) {
		fprintf(stderr, "verona: %s\n", err);
		expt_free(x);
		return 2;
	}
	if (testbed_up(&tb, x, err, sizeof err) != 0) {
		fprintf(stderr, "verona: cannot set up the local testbed: %s\n", err);
		expt_free(x);
		return 3;
	}
	printf("testbed %s is up:\n", tb.id);
	for (size_t i = 0; i < x->nhosts; i++)
		printf("  %-10s %-16s ip netns exec %s ...\n", x->hosts[i].name, x->hosts[i].addr,
		    testbed_ns(&tb, x->hosts[i].name));
	printf("remove it with: verona down %s\n", tb.id);
	for (size_t i = 0; i < tb.nns; i++)
		free(tb.ns[i]);
	free(tb.ns);
	expt_free(x);
	return 0;
}

const struct cmd_entry cmd_up_entry = {
	.name = "up",
	.usage = "[-D name=value]... FILE",
	.summary = "create an experiment's local testbed and leave it up (needs root)",
	.help =
	"  -D, --define name=value   set a variable\n"
	"  -h, --help                this help\n"
	"Creates the namespaces and links that 'verona run' would, prints their names\n"
	"and the testbed id, and leaves them for you to use; 'verona down ID' removes them.\n",
	.exec = cmd_up_exec,
};
