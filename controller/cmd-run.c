/* cmd-run.c — verona run FILE: run an experiment on the local testbed or a testbed file's hosts. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "testbed.h"
#include "expt.h"
#include "limitspec.h"
#include "run.h"
#include "tbfile.h"

const char *
cmd_sandbox_level(const char *name)
{
	static const char *const levels[] = { "full", "uid", "none" };
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (strcmp(name, levels[i]) == 0)
			return levels[i];
	fprintf(stderr, "verona: --sandbox %s: the levels are full (namespaces of their own), uid (only a "
	    "user id of their own) and none\n", name);
	return NULL;
}

int
cmd_local_place(const char *name)
{
	int place = testbed_place_parse(name);
	if (place < 0)
		fprintf(stderr, "verona: --local %s: give netns, userns, loopback or auto\n", name);
	return place;
}

static int
cmd_run_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "define", required_argument, NULL, 'D' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "color", no_argument, NULL, 'c' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "testbed", required_argument, NULL, 't' },
		{ "local", required_argument, NULL, 'l' },
		{ "limits", required_argument, NULL, 'L' },
		{ "sandbox", required_argument, NULL, 'B' },
		{ "unsandboxed", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { .color = isatty(1) };
	json_t *defines = json_object();
	struct experiment *x;
	struct tbfile *tb = NULL;
	const char *tbpath = NULL, *limits = NULL;
	int place = TESTBED_PLACE_AUTO;
	struct sigaction sa;
	char err[256];
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hD:o:qjt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_run_entry, stdout, 1);
			json_decref(defines);
			return 0;
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'o': o.out = optarg; break;
		case 'f': o.force = 1; break;
		case 'q': o.quiet = 1; break;
		case 'j': o.json = 1; break;
		case 'c': o.color = 1; break;
		case 'C': o.color = 0; break;
		case 't': tbpath = optarg; break;
		case 'l':
			if ((place = cmd_local_place(optarg)) < 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'L': limits = optarg; break;
		case 'B':
		case 'N':
			if ((o.sandbox = cmd_sandbox_level(c == 'N' ? "none" : optarg)) == NULL) {
				json_decref(defines);
				return 2;
			}
			break;
		default:
			cmd_usage(&cmd_run_entry, stderr, 0);
			json_decref(defines);
			return 2;
		}
	}
	if (optind != argc - 1) {
		cmd_usage(&cmd_run_entry, stderr, 0);
		json_decref(defines);
		return 2;
	}
	if ((o.limits = limitspec_parse(limits, err, sizeof err)) == NULL) {
		fprintf(stderr, "verona: %s\n", err);
		json_decref(defines);
		return 2;
	}
	/* where the local testbed is, first: the loopback testbed gives the hosts other addresses */
	if (tbpath == NULL && testbed_place_enter(place, err, sizeof err) != 0) {
		fprintf(stderr, "verona: %s\n", err);
		json_decref(defines);
		json_decref(o.limits);
		return 2;
	}
	if (tbpath == NULL && testbed_place() == TESTBED_PLACE_LOOPBACK && o.sandbox == NULL)
		o.sandbox = "uid";	/* no namespace for programs either: a user id of their own */
	x = cmd_load(argv[optind], defines);
	json_decref(defines);
	if (x == NULL) {
		json_decref(o.limits);
		return 2;
	}
	if (tbpath != NULL && (tb = cmd_load_testbed(tbpath)) == NULL) {
		expt_free(x);
		json_decref(o.limits);
		return 2;
	}
	o.testbed = tb;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = run_interrupt;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	status = run_experiment(x, &o);
	expt_free(x);
	tbfile_free(tb);
	json_decref(o.limits);
	return status;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "[-D name=value]... [--testbed HOSTS.yaml | --local netns|userns|loopback] [--limits LIST] [--sandbox full|uid|none] [--out DIR [--force]] [--quiet] [--json] FILE",
	.summary = "run an experiment on the local testbed or real hosts",
	.help =
	"  -D, --define name=value   set a variable (overrides the file's vars)\n"
	"  -o, --out DIR             the run folder (default runs/NAME-UTCTIME): a new path,\n"
	"                            or an empty folder of yours (never a symlink)\n"
	"      --force               --out may be a run folder verona wrote before: its\n"
	"                            contents are replaced\n"
	"  -q, --quiet               no line per step\n"
	"  -j, --json                print results.json on stdout at the end\n"
	"      --color, --no-color   colour the verdicts (default: on a terminal)\n"
	"  -t, --testbed HOSTS.yaml  run on the hosts of a testbed file (agents reached\n"
	"                            over tcp with a key, ssh, or unix), not the local one\n"
	"      --local PLACE         where the local testbed is made: netns, the machine's\n"
	"                            namespaces (root); userns, a user namespace of the\n"
	"                            run's own (any user; gone when verona ends); loopback,\n"
	"                            every host an address of its own on lo (a container\n"
	"                            that allows no namespace); default: the first of\n"
	"                            these this machine allows (verona doctor)\n"
	"      --limits LIST         per host, for everything its programs start (a cgroup):\n"
	"                            memory=1G,processes=256,cpus=1,disk=256M (the defaults)\n"
	"  --sandbox full|uid|none   where programs run (full: their own mount, PID and IPC\n"
	"                            namespaces; uid: only a user id of their own; default full)\n"
	"  --unsandboxed             the same as --sandbox none\n"
	"  -h, --help                this help\n"
	"Creates a network namespace per host with veth links, starts verona-agent in\n"
	"each, runs the steps in order and tears everything down, also on Ctrl-C.\n"
	"With --testbed, uses the agents of real hosts instead; each agent's clock\n"
	"offset is estimated so that steps and packets share one time line.\n"
	"The run folder (mode 0700, its files 0600) gets experiment.yaml, transcript.txt,\n"
	"results.json and the agents' logs.  Exit 0 all passed, 1 a step failed, 2 bad input, 3 testbed.\n",
	.exec = cmd_run_exec,
};
