/*
 * rx.h — regular expressions with a bounded cost, for every pattern matched
 * against what a program printed or sent (stdout_regex, stderr_regex,
 * data_regex, ready: {stdout:}).  PCRE2 in byte mode (no UTF: output is any
 * bytes), with match and depth limits so that no match runs longer than
 * RX_BUDGET_S on this kind of machine, whatever the pattern and the subject:
 * a match that reaches a limit is neither a match nor a miss but "too
 * costly" (-1, with a message saying so), never a hang.
 *
 * The syntax is POSIX extended (what the patterns were before), read by
 * PCRE2: ., *, +, ?, {m,n}, |, (), [...], [[:class:]], ^, $, \. all mean the
 * same.  Two modes say what ^, $ and . do across lines:
 *   RX_TEXT   the subject is one text: . matches a newline, ^ is its start
 *             and $ its very end (regcomp's REG_EXTENDED);
 *   RX_LINES  ^ and $ are at every line's start and end, . stops at a
 *             newline (REG_EXTENDED | REG_NEWLINE).
 */
#ifndef VERONA_RX_H
#define VERONA_RX_H
#include <stddef.h>

enum rx_mode { RX_TEXT, RX_LINES };

/* The time no single match may take (the limits below are set for it). */
#define RX_BUDGET_S		1.0
/* Backtracking steps one match may take (pcre2_set_match_limit). */
#define RX_MATCH_LIMIT		10000000u
/* Nested backtracking frames (pcre2_set_depth_limit), and their memory. */
#define RX_DEPTH_LIMIT		100000u
#define RX_HEAP_LIMIT_KIB	(32u * 1024)

struct rx;

/*
 * Compiles pattern.  NULL on error with err set to PCRE2's message and
 * *erroff (if not NULL) to the byte of the pattern where it is wrong.  The
 * caller frees the result with rx_free().
 */
struct rx *rx_compile(const char *pattern, enum rx_mode, char *err, size_t errlen, size_t *erroff);
/*
 * Matches subject[0..len) (NUL bytes included) anywhere: 1 a match, 0 none,
 * -1 with err set when the match was stopped at a limit (the pattern costs
 * too much on this subject) or failed otherwise.
 */
int	rx_match(const struct rx *, const void *subject, size_t len, char *err, size_t errlen);
void	rx_free(struct rx *);
#endif
