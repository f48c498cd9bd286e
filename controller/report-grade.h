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
 * it every check counts 1 point.  Only an item observed to pass scores.
 * An item the trace or the testbed could not decide (status "error") scores
 * 0, keeps its points in the maximum, and marks the submission "needs
 * review": every writer says so where the student and the instructor look.
 */
#ifndef VERONA_REPORT_GRADE_H
#define VERONA_REPORT_GRADE_H
#include <stddef.h>
#include <jansson.h>

struct buf;

/*
 * Gradescope's results.json: top-level score, execution_time, output,
 * output formats, extra_data, and a test per grading item.  An undecided
 * item is a failed test of 0 out of its full points whose output begins
 * "Needs review:" and says the instructor will review it; the top-level
 * output begins with the same note.  A host whose programs ran without a
 * sandbox (level "none") is named in a warning in the top-level output.
 */
int	report_gradescope(json_t *results, int dirfd, const char *path, char *err, size_t errlen);

/*
 * JUnit XML: one testsuite named after the experiment, a testcase per step
 * and per check; a failed one has a <failure>, a harness error an <error>,
 * a step never run (without a harness error) <skipped/>.  An undecided
 * item (a check, or a step whose graded expectation could not be decided)
 * is an <error type="undecidable">; the properties say needs_review.
 */
int	report_junit(json_t *results, int dirfd, const char *path, char *err, size_t errlen);

/*
 * summary.csv of a class.  rows: an array of {student, results, error,
 * runs}, results being the student's results object (of the median run)
 * or null when the run could not start, error a string or null, runs
 * absent or null for a student graded once.  Columns: student, score, max_score,
 * status, needs_review ("yes" or "no"; "yes" when the run did not start),
 * runs, score_min, score_max and unstable ("yes" or "no") from the row's
 * runs (grade_of_runs, for grade --runs N; score is then the median) or,
 * without runs, of the one run (1, its score twice, "no"; empty when the
 * run did not grade),
 * each item's score (the union of item names in order of first
 * appearance; empty when the student has no such item, "error" for an
 * undecided item, which scored 0), and last "error" (the row's error, else
 * the run's).
 * RFC 4180: CRLF line ends, fields with , " CR or LF quoted.
 */
int	report_summary_csv(json_t *rows, int dirfd, const char *path, char *err, size_t errlen);

/*
 * The grade of a results document as report_gradescope sees it: the
 * grading section (a new reference), or one built from the checks (1 point
 * each) when there is none.  Never NULL; caller decrefs.
 */
json_t	*report_grade_of(json_t *results);

/* True when the results' grade has an undecided item (or the run did not grade at all). */
int	report_needs_review(json_t *results);

/*
 * The sandbox level a host's agent reported in its hello, as the manifest
 * keeps it (manifest.hosts.HOST.sandbox.level): "full", "uid", "none",
 * another string as given, or "unknown" when absent (an older agent).
 * Points into host.
 */
const char *report_sandbox_level(json_t *host);

/*
 * The hosts of the results whose programs ran with sandbox level "none",
 * as "romeo, juliet" (a new string, caller frees), or NULL when none did.
 */
char	*report_unsandboxed_hosts(json_t *results);

/*
 * Appends an object of the manifest (a host's limits, or its sandbox's
 * details) as "key value, key value": nested objects as key.sub, null as
 * "none", sizes (keys naming memory, disk, bytes or size) in KiB/MiB/GiB;
 * file system paths ("path", "paths") left out.  skip: another key left
 * out, or NULL.  Nothing for a non-object.  At most about 400 bytes.
 */
void	report_fields_text(struct buf *, json_t *obj, const char *skip);

/*
 * A submission graded several times (grade --runs N): writes runs.json
 * (runs, from grade_of_runs, with max_score added from the median run) and
 * gradescope.json (the median run's, its output beginning with what the
 * runs gave, extra_data.runs the same figures) below dirfd.  median: the
 * median run's results, or NULL when no run graded (then runs.json only).
 * 0, or -1 with a message in err.
 */
int	report_runs(json_t *runs, json_t *median, int dirfd, char *err, size_t errlen);
/* Appends "graded N times: median M / MAX (run K), spread A..B[, UNSTABLE: ...]" for runs. */
void	report_runs_text(struct buf *, json_t *runs, json_t *max_score);

/*
 * Appends the grade for a person: "Score: 8.89 / 10 (8 of 9 rubric
 * points)", then under "Lost:" one line per item that did not pass: its
 * name, its points, and why (the last line of its output).  Nothing for
 * results without a grading section.
 */
void	report_grade_text(struct buf *, json_t *results);
/* A score as a person reads it: two decimals at most (8.89, 10, 0.5); out: at least 32 bytes. */
void	report_score_text(char *out, size_t len, double);

/* Appends text escaped for XML 1.0 (attr: also tab, CR, LF as references). */
void	report_xml_escape(struct buf *, const char *, int attr);
/* Appends one CSV field, quoted when RFC 4180 needs it. */
void	report_csv_field(struct buf *, const char *);
#endif
