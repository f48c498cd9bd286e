/* cmdfile.c — the files a command line needs (see cmdfile.h). */
#include <stdlib.h>
#include <string.h>

#include "cmdfile.h"
#include "util.h"

char **
cmdfile_split(const char *command)
{
	size_t n = 0, cap = 8;
	char **w;
	const char *p = command;

	if (command == NULL || strpbrk(command, "'\"$|;&<>()`\\*?[]~#{}\n\r") != NULL)
		return NULL;
	w = xcalloc(cap, sizeof *w);
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		size_t len = strcspn(p, " \t");
		const char *eq = memchr(p, '=', len);
		/* NAME=VALUE before the command is an assignment, not a word */
		if (n == 0 && eq != NULL && eq > p && strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_") == (size_t)(eq - p) && !(p[0] >= '0' && p[0] <= '9')) {
			p += len;
			continue;
		}
		if (n + 2 > cap)
			w = xrealloc(w, (cap *= 2) * sizeof *w);
		w[n++] = xstrndup(p, len);
		w[n] = NULL;
		p += len;
	}
	if (n == 0) {
		free(w);
		return NULL;
	}
	return w;
}

void
cmdfile_free(char **words)
{
	if (words == NULL)
		return;
	for (size_t i = 0; words[i] != NULL; i++)
		free(words[i]);
	free(words);
}

int
cmdfile_builtin(const char *name)
{
	static const char *const builtins[] = {
		":", ".", "[", "alias", "bg", "break", "cd", "command", "continue", "echo", "eval", "exec", "exit",
		"export", "false", "fg", "getopts", "hash", "jobs", "kill", "local", "printf", "pwd", "read",
		"readonly", "return", "set", "shift", "test", "times", "trap", "true", "type", "ulimit", "umask",
		"unalias", "unset", "wait", NULL,
	};
	for (size_t i = 0; builtins[i] != NULL; i++)
		if (strcmp(name, builtins[i]) == 0)
			return 1;
	return 0;
}

/* 1 if base is python, python3 or python3.N. */
static int
cmdfile_is_python(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (strcmp(base, "python") == 0 || strcmp(base, "python3") == 0)
		return 1;
	if (strncmp(base, "python3.", 8) != 0 || base[8] == '\0')
		return 0;
	return strspn(base + 8, "0123456789") == strlen(base + 8);
}

const char *
cmdfile_script(char *const *argv)
{
	/* options that take the next word as their value */
	static const char with_value[] = "WX";

	if (argv == NULL || argv[0] == NULL || !cmdfile_is_python(argv[0]))
		return NULL;
	for (size_t i = 1; argv[i] != NULL; i++) {
		const char *a = argv[i];
		if (a[0] != '-')
			return a;
		if (strcmp(a, "-") == 0 || strcmp(a, "--") == 0 || strchr(a, 'c') != NULL || strchr(a, 'm') != NULL)
			return strcmp(a, "--") == 0 ? argv[i + 1] : NULL;
		if (a[1] != '-' && strchr(with_value, a[strlen(a) - 1]) != NULL && a[2] == '\0')
			i++;	/* -W arg, -X arg */
	}
	return NULL;
}
