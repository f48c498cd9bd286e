/* proc.c — see proc.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"
#include "util.h"

int
proc_run(char *const argv[], char **out)
{
	int pfd[2];
	pid_t pid;
	struct buf b;
	int status;

	if (pipe2(pfd, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	buf_init(&b);
	for (;;) {
		char chunk[4096];
		ssize_t n = read(pfd[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (b.len < 65536)
			buf_add(&b, chunk, (size_t)n);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			buf_free(&b);
			return -1;
		}
	if (out != NULL) {
		char *s = buf_steal(&b, NULL);
		size_t l = strlen(s);
		while (l > 0 && (s[l - 1] == '\n' || s[l - 1] == ' '))
			s[--l] = '\0';
		*out = s;
	} else
		buf_free(&b);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
proc_runf(char **out, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *argv[64], *save = NULL, *tok;
	int argc = 0, rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	for (tok = strtok_r(cmd, " ", &save); tok != NULL && argc < 63; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	rc = proc_run(argv, out);
	free(cmd);
	return rc;
}

const char *
proc_agent_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("VERONA_AGENT");
	ssize_t n;
	char *slash;

	if (env != NULL && env[0] != '\0')
		return env;
	n = readlink("/proc/self/exe", path, sizeof path - 32);
	if (n <= 0)
		return "verona-agent";
	path[n] = '\0';
	slash = strrchr(path, '/');
	snprintf(slash + 1, sizeof path - (size_t)(slash + 1 - path), "verona-agent");
	if (access(path, X_OK) != 0)
		return "verona-agent";
	return path;
}
