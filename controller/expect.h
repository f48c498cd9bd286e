/*
 * expect.h — resolving a step's arguments and judging its result against
 * its expectation (DESIGN section 2: expect), for the runner and for unit
 * tests: nothing here talks to an agent.  Every failure is one plain
 * sentence appended to a JSON array of strings (results.json's "failures").
 */
#ifndef VERONA_EXPECT_H
#define VERONA_EXPECT_H
#include <jansson.h>
#include "expt.h"
#include "model.h"

/* What judging needs from the run: the experiment and what the runner learned of its sockets. */
struct expect_ctx {
	const struct experiment		*x;
	const struct model_sockets	*socks;
};

/*
 * An address as {ip, port} (a new object, the caller's), or NULL with *err
 * (a new string, the caller's): HOST.SOCKET is the socket's last address.
 * family: "inet6" resolves any and localhost to IPv6, anything else IPv4.
 */
json_t	*expect_resolve_aref(const struct expect_ctx *, const struct aref *, const char *family, char **err);
/* The arguments sent to the agent (a new object, the caller's), or NULL with *err (the caller's). */
json_t	*expect_resolve_args(const struct expect_ctx *, const struct step *, char **err);
/*
 * Compares a result with the step's expectation; failures (a JSON array)
 * gets the reasons.  An agent's refusal fails any step; otherwise the
 * operation's row (ops.h) names the judge.
 */
void	 expect_evaluate(const struct expect_ctx *, const struct step *, json_t *result, json_t *failures);
/* The judges of ops.c's rows (op_judge_fn). A socket call: errno, ret, data, data_prefix, data_regex, from, peer, within. */
void	 expect_judge_call(const struct expect_ctx *, const struct step *, json_t *result, json_t *failures);
/* gethostname, gethostbyname, getaddrinfo: a socket call's, and socket.gaierror (expect: gaierror). */
void	 expect_judge_resolve(const struct expect_ctx *, const struct step *, json_t *result, json_t *failures);
/* expect: gaierror — the resolver's failure (not an errno; only the resolving calls raise it) */
#define EXPECT_GAIERROR	(-2000)
/* A program (exec): ready, exit status, signal, timed out, stdout, stdout_regex, stderr_regex, within. */
void	 expect_judge_program(const struct expect_ctx *, const struct step *, json_t *result, json_t *failures);
/*
 * A program's stream (key "stdout" or "stderr") cut at its output_limit:
 * "stdout was 2.7 MB; verona kept the first and last 512 KiB"; NULL when
 * all of it was kept.  Caller frees.
 */
char	*expect_output_cut_note(json_t *result, const char *key);
/*
 * The last lines of a program's stderr (at most lines lines and 400
 * bytes, what is not printable text as '?', lines joined by " | "); ""
 * when it printed none.  Caller frees.
 */
char	*expect_stderr_tail(json_t *result, int lines);
/*
 * A program or script that was not there, as CPython says it, with the
 * files that were: "FileNotFoundError: [Errno 2] No such file or
 * directory: 'server.py' (the work directory holds: a.py, b.py)"; NULL
 * when the result names no missing file.  Caller frees.
 */
char	*expect_missing_text(json_t *result);
/* Appends a formatted reason to failures. */
void	 expect_fail(json_t *failures, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
