/*
 * fuzz_util.h — what the harnesses share: a private temporary folder under
 * $TMPDIR (the only place they write), removed when the fuzzer exits (after
 * a crash fuzz/run removes it: it points TMPDIR at build/fuzz/tmp), and stdin on
 * /dev/null so that no input can make a harness wait on the terminal.
 */
#ifndef VERONA_FUZZ_UTIL_H
#define VERONA_FUZZ_UTIL_H
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_dir[256];

static void
fuzz_cleanup(void)
{
	char cmd[320];

	if (fuzz_dir[0] != '\0') {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir);
	}
}

/* Makes the temporary folder once; returns it. */
static const char *
fuzz_tmpdir(void)
{
	if (fuzz_dir[0] == '\0') {
		const char *t = getenv("TMPDIR");
		int fd;

		snprintf(fuzz_dir, sizeof fuzz_dir, "%s/verona-fuzz-XXXXXX",
		    t != NULL && strlen(t) < 200 ? t : "/tmp");
		if (mkdtemp(fuzz_dir) == NULL) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_cleanup);
		if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
			dup2(fd, 0);
			close(fd);
		}
	}
	return fuzz_dir;
}

/* Writes data to NAME in the temporary folder; returns its path (static). */
static const char *
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	static char path[300];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), name);
	if ((f = fopen(path, "wb")) == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
	    fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}
#endif
