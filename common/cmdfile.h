/*
 * cmdfile.h — the files a program's command line needs before it can run:
 * the program itself (argv[0], unless a shell builtin) and, for a Python
 * interpreter, the script it is given.  The agent looks for them in the
 * work directory before it starts the program, so that a missing or
 * misnamed file is said as CPython and a shell say it (FileNotFoundError:
 * [Errno 2] No such file or directory: 'server.py'), not as a bare exit
 * status.  Only simple command lines are read: words without quotes,
 * redirections, pipes or other shell syntax.
 */
#ifndef VERONA_CMDFILE_H
#define VERONA_CMDFILE_H

/*
 * The words of a simple command line (split at spaces and tabs), after the
 * leading NAME=VALUE assignments; NULL when the shell would read more into
 * it (quotes, $, |, ;, &, <, >, (, ), `, \, globs, ~, #, a newline) or it
 * has no word.  NULL-terminated; the caller frees it with cmdfile_free().
 */
char		**cmdfile_split(const char *command);
void		  cmdfile_free(char **words);
/* 1 if name is a builtin of the POSIX shell (exit, echo, cd, ...): no file is needed for it. */
int		  cmdfile_builtin(const char *name);
/*
 * The script a Python interpreter runs, as argv names it (a pointer into
 * argv), or NULL: argv[0] is not python, python3 or python3.N, or it runs
 * no file (-c, -m, - or no argument).
 */
const char	 *cmdfile_script(char *const *argv);
#endif
