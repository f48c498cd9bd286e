/* cmd-keygen.c — verona keygen FILE: a new key for the TCP control channel. */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "seal.h"

static int
cmd_keygen_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_keygen_entry, stdout, 1);
			return 0;
		default:
			cmd_usage(&cmd_keygen_entry, stderr, 0);
			return 2;
		}
	}
	if (optind != argc - 1) {
		cmd_usage(&cmd_keygen_entry, stderr, 0);
		return 2;
	}
	if (seal_key_generate(argv[optind], err, sizeof err) != 0) {
		fprintf(stderr, "verona: %s\n", err);
		return 2;
	}
	printf("verona: wrote a new key to %s (mode 0600); give the same file to every agent "
	    "(verona-agent --listen ADDR:PORT --key FILE) and name it in the testbed file\n", argv[optind]);
	return 0;
}

const struct cmd_entry cmd_keygen_entry = {
	.name = "keygen",
	.usage = "FILE",
	.summary = "write a new key for agents reached over TCP",
	.help =
	"  -h, --help                this help\n"
	"Writes 32 random bytes as a key file, mode 0600; never replaces a file.  The\n"
	"controller and its agents share it: each proves it holds the key, and every\n"
	"frame between them is sealed with it (see docs/security.md).\n",
	.exec = cmd_keygen_exec,
};
