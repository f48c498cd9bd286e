/*
 * proc.h — running helper programs (ip) and finding verona-agent.
 * Children get their own process group, so a Ctrl-C at the terminal reaches
 * the controller only, and the controller tears down in order.
 */
#ifndef VERONA_PROC_H
#define VERONA_PROC_H

/* Runs argv, waits; returns its exit status (or -1) and, when out is not
 * NULL, its stdout+stderr (caller frees). */
int	 proc_run(char *const argv[], char **out);
/* proc_run with a printf-built command split on spaces (no quoting). */
int	 proc_runf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The verona-agent beside this binary, or $VERONA_AGENT. Static storage. */
const char	*proc_agent_path(void);
#endif
