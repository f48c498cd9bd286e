/*
 * verona.c — the controller's main program: finds the command in
 * cmd_table[] and runs it.  Exit status 0 all passed, 1 a step or check
 * failed, 2 the experiment or command line is wrong, 3 the testbed failed.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cmd.h"
#include "tbfile.h"
#include "expt.h"
#include "log.h"
#include "proto.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_run_entry, &cmd_validate_entry, &cmd_up_entry, &cmd_down_entry,
	&cmd_grade_entry, &cmd_check_entry, &cmd_stats_entry, &cmd_ping_entry, &cmd_keygen_entry,
	&cmd_doctor_entry, &cmd_autograder_entry,
};

void
cmd_usage(const struct cmd_entry *c, FILE *f, int full)
{
	fprintf(f, "usage: verona %s %s\n", c->name, c->usage);
	if (full)
		fprintf(f, "%s\n\n%s", c->summary, c->help);
}

int
cmd_define(json_t *defines, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[128];
	if (eq == NULL || eq == arg || (size_t)(eq - arg) >= sizeof name) {
		fprintf(stderr, "verona: -D wants name=value, not '%s'\n", arg);
		return -1;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	for (char *c = name; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-')) {
			fprintf(stderr, "verona: -D %s: '%s' is not a variable name\n", arg, name);
			return -1;
		}
	json_object_set_new(defines, name, json_string(eq + 1));
	return 0;
}

struct experiment *
cmd_load(const char *path, json_t *defines)
{
	struct errlist errs = { NULL, 0 };
	struct experiment *x = expt_load(path, defines, &errs);
	errlist_print(&errs, stderr);
	errlist_free(&errs);
	return x;
}

struct tbfile *
cmd_load_testbed(const char *path)
{
	struct errlist errs = { NULL, 0 };
	struct tbfile *t = tbfile_load(path, &errs);
	errlist_print(&errs, stderr);
	errlist_free(&errs);
	return t;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: verona COMMAND [options] [args]\n"
	    "Runs socket experiments between testbed hosts and checks them.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		fprintf(f, "  %-9s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fprintf(f, "\n'verona COMMAND --help' tells more; 'verona --version' the version.\n"
	    "Exit status: 0 all passed, 1 a step failed, 2 bad experiment or command line,\n"
	    "3 the testbed failed.\n");
}

int
main(int argc, char **argv)
{
	log_init("verona");
	if (sodium_init() < 0) {
		fprintf(stderr, "verona: libsodium failed to initialise\n");
		return 3;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "version") == 0) {
		printf("verona %s (protocol %d)\n", VERONA_VERSION, PROTO_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++)
		if (strcmp(argv[1], cmd_table[i]->name) == 0)
			return cmd_table[i]->exec(argc - 1, argv + 1);
	fprintf(stderr, "verona: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
