/*
 * report-int.h — what the files of report.html (controller/report-*.c
 * but report-grade.c) share: the colours, the text helpers
 * (report-text.c) and the sections (report-ladder.c, report-sections.c).
 */
#ifndef VERONA_REPORT_INT_H
#define VERONA_REPORT_INT_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util.h"

#define C_TCP		"#37474f"
#define C_RST		"#d32f2f"
#define C_RETRANS	"#8e24aa"
#define C_UDP		"#1565c0"
#define C_ICMP		"#ef6c00"
#define C_OTHER		"#757575"
#define C_PASS		"#2e7d32"
#define C_FAIL		"#c62828"
#define C_NOTRUN	"#757575"

/* report-text.c: b gets the text; nothing returned is to be freed */
/*
 * Appends n bytes as HTML text, at most max characters of them (0: all),
 * then "…" if cut.  Keeps newlines and tabs when keep_nl, else shows them
 * as pictures too.
 */
void	report_esc_n(struct buf *b, const char *p, size_t n, size_t max, int keep_nl);
/* s escaped (nothing for NULL). */
void	report_esc(struct buf *b, const char *s);
/* Escaped, or dflt (HTML, added as it is) when absent or empty. */
void	report_esc_or(struct buf *b, const char *s, const char *dflt);
/* Escaped on one line, at most max characters. */
void	report_esc_line(struct buf *b, const char *s, size_t max);
/* o[key] as a string (owned by o), or NULL. */
const char *report_jstr(json_t *o, const char *key);
/* o[key] as an integer (a real one cut), or 0. */
int64_t	report_jint(json_t *o, const char *key);
/* A number of points as people read them, two decimals at most: 1, 0.5, 8.89 (report_score_text). */
void	report_points(struct buf *b, json_t *v);
/* A time since the start of the diagram. */
void	report_reltime(struct buf *b, int64_t ns);

/* The sections of the page, each appended to b from the results document. */
void	report_ladder_section(struct buf *b, json_t *doc);	/* report-ladder.c */
void	report_steps_section(struct buf *b, json_t *doc);	/* report-sections.c */
void	report_checks_section(struct buf *b, json_t *doc);
void	report_grading_section(struct buf *b, json_t *doc);
void	report_stats_section(struct buf *b, json_t *doc);
void	report_output_section(struct buf *b, json_t *doc);
#endif
