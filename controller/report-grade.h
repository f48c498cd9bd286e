/*
 * report-grade.h — the grading outputs written from a run's results.json
 * object: gradescope.json (Gradescope's autograder results format),
 * junit.xml, and a class's summary.csv.
 *
 * Each writer reads the results document and nothing else, writes its file
 * path below the folder dirfd (AT_FDCWD: the current one) atomically, mode
 * 0600 and never through a symlink (file_write_atomic_at), and returns 0, or
 * -1 with a message in err.  The results are only read: a field that is missing or of the wrong
 * type is taken as absent, never a crash.
 *
 * Scores: the grading section of the results when there is one; without
 * it every check counts 1 point.  An item the harness could not decide
 * (status "error") counts neither for nor against the student.
 */
#ifndef VERONA_REPORT_GRADE_H
#define VERONA_REPORT_GRADE_H
#include <stddef.h>
#include <jansson.h>

/*
 * Gradescope's results.json: top-level score, execution_time, output,
 * output formats, extra_data, and a test per grading item.  A harness error
 * is a test of 0/0 points with no status whose output begins "Not graded:
 * harness error", and the top-level output asks for a regrade.
 */
int	report_gradescope(json_t *results, int dirfd, const char *path, char *err, size_t errlen);

/*
 * JUnit XML: one testsuite named after the experiment, a testcase per step
 * and per check; a failed one has a <failure>, a harness error an <error>,
 * a step never run (without a harness error) <skipped/>.
 */
int	report_junit(json_t *results, int dirfd, const char *path, char *err, size_t errlen);

/*
 * summary.csv of a class.  rows: an array of {student, results, error},
 * results being the student's results object or null when the run could
 * not start, error a string or null.  Columns: student, score, max_score,
 * status, each item's score (the union of item names in order of first
 * appearance; empty when the student has no such item, "error" for a
 * harness error), and last "error" (the row's error, else the run's).
 * RFC 4180: CRLF line ends, fields with , " CR or LF quoted.
 */
int	report_summary_csv(json_t *rows, int dirfd, const char *path, char *err, size_t errlen);

/*
 * The grade of a results document as report_gradescope sees it: the
 * grading section (a new reference), or one built from the checks (1 point
 * each) when there is none.  Never NULL; caller decrefs.
 */
json_t	*report_grade_of(json_t *results);

/* Appends text escaped for XML 1.0 (attr: also tab, CR, LF as references). */
struct buf;
void	report_xml_escape(struct buf *, const char *, int attr);
/* Appends one CSV field, quoted when RFC 4180 needs it. */
void	report_csv_field(struct buf *, const char *);
#endif
