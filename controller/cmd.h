/*
 * cmd.h — verona's commands, one file each (cmd-*.c), like tmux's: each
 * exports a const struct cmd_entry listed in verona.c's cmd_table[].
 */
#ifndef VERONA_CMD_H
#define VERONA_CMD_H
#include <jansson.h>

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* after "verona NAME " */
	const char	*summary;	/* one line */
	const char	*help;		/* the options, for --help */
	int		(*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_run_entry, cmd_validate_entry, cmd_up_entry, cmd_down_entry;
extern const struct cmd_entry cmd_stats_entry, cmd_check_entry, cmd_grade_entry;
extern const struct cmd_entry cmd_ping_entry, cmd_keygen_entry, cmd_doctor_entry, cmd_autograder_entry;

/* Prints "usage: verona NAME USAGE" (and help when full) to f. */
void	cmd_usage(const struct cmd_entry *, FILE *f, int full);
struct experiment;
/* Loads an experiment, printing every error to stderr; NULL if it has errors. */
struct experiment *cmd_load(const char *path, json_t *defines);
struct tbfile;
/* Loads a testbed file, printing every error to stderr; NULL if it has errors. */
struct tbfile *cmd_load_testbed(const char *path);
/* Parses -D name=value into defines; 0, or -1 after a message. */
int	cmd_define(json_t *defines, const char *arg);
/* --sandbox NAME: the level's name (static), or NULL after a message naming the levels. */
const char *cmd_sandbox_level(const char *name);
/* --local NAME: the testbed place (enum testbed_place), or -1 after a message naming the places. */
int	cmd_local_place(const char *name);
#endif
