/* cmd-validate.c — verona validate FILE...: every error of each file, or "FILE: ok". */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "expt.h"

static int
cmd_validate_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "define", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *defines = json_object();
	int c, status = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hD:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_validate_entry, stdout, 1);
			json_decref(defines);
			return 0;
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		default:
			cmd_usage(&cmd_validate_entry, stderr, 0);
			json_decref(defines);
			return 2;
		}
	}
	if (optind >= argc) {
		cmd_usage(&cmd_validate_entry, stderr, 0);
		json_decref(defines);
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct errlist errs = { NULL, 0 };
		struct experiment *x = expt_load_any(argv[i], defines, &errs);
		if (x == NULL) {
			errlist_print(&errs, stderr);
			status = 2;
		} else {
			if (x->checks_only)
				printf("%s: ok (checks file: %zu hosts, %zu checks)\n", argv[i], x->nhosts,
				    x->ntrace_checks);
			else
				printf("%s: ok (%zu hosts, %zu steps, %zu checks)\n", argv[i], x->nhosts, x->nsteps,
				    x->ntrace_checks);
		}
		errlist_free(&errs);
		expt_free(x);
	}
	json_decref(defines);
	return status;
}

const struct cmd_entry cmd_validate_entry = {
	.name = "validate",
	.usage = "[-D name=value]... FILE...",
	.summary = "check experiment files and report every error (file:line:column)",
	.help =
	"  -D, --define name=value   set a variable, as for run\n"
	"  -h, --help                this help\n"
	"Prints 'FILE: ok' or every error of the file; exit 2 if any file has errors.\n",
	.exec = cmd_validate_exec,
};
