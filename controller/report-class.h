/*
 * report-class.h — summary.html, a class's dashboard: written by
 * `verona grade --submissions` beside summary.csv, from the same rows.
 */
#ifndef VERONA_REPORT_CLASS_H
#define VERONA_REPORT_CLASS_H
#include <stddef.h>
#include <jansson.h>

/*
 * summary.html of a class.  rows: the array report_summary_csv takes
 * ({student, results, error, runs} per student, in the order shown), only
 * read.  Scores, statuses, needs review and the runs' figures are those of
 * summary.csv (the same grade of the same results, report_grade_of); an
 * item passes when its status is "pass".
 *
 * One page, nothing fetched (a Content-Security-Policy allows only the
 * page's own style and its one script, by hash): the score distribution as
 * an SVG histogram; each item's pass rate, the items most of the class lost
 * first; the students that need review, did not grade, ran unstable or
 * unsandboxed; and a row per student linking to STUDENT/report.html (of
 * the median run, STUDENT/run-K/report.html, with --runs; STUDENT.log when
 * the run did not grade), relative to the page.  Clicking a column header
 * sorts the table (the script); #sort=COLUMN or #sort=-COLUMN in the
 * address sorts it on load.  Every string from a row is escaped, and the
 * student's folder percent-encoded in links.
 *
 * Writes path below dirfd atomically (file_write_atomic_at), mode 0600,
 * never through a symlink; 0, or -1 with a message in err.
 */
int	report_class_html(json_t *rows, int dirfd, const char *path, char *err, size_t errlen);
#endif
