/*
 * grade.h — the grade, computed in one place: a run's grade from its step
 * records and check verdicts (grade_of_run, for results.json's "grading"),
 * and the items and totals every writer uses (report-grade.c builds its
 * checks-only grade of a results document without a rubric from the same
 * grade_item and grade_total).
 *
 * Only an item observed to pass scores.  An item the trace or the testbed
 * could not decide (status "error") scores 0, keeps its points in the
 * maximum, says why, and marks the submission for review (needs_review,
 * and one entry in review per such item).  Every returned object is new,
 * the caller's to decref.
 */
#ifndef VERONA_GRADE_H
#define VERONA_GRADE_H
#include <stdint.h>
#include <jansson.h>
#include "expt.h"
#include "model.h"

/* What a run's grade is computed from; nothing here is kept or freed. */
struct grade_run {
	const struct experiment	*x;
	const struct model_steps *steps;	/* the run's step records (results.json steps[]) */
	json_t			*checks;	/* results.json checks[], in the order of x->trace_checks */
	const char		*error;		/* the testbed failure, or NULL */
	const char		*doubt;		/* why the packets under the steps cannot be told, or NULL */
	uint64_t		 drops;		/* packets the captures dropped */
	uint64_t		 truncated;	/* packets the snaplen cut inside their headers */
};

/* The grade of a run, or NULL when the experiment grades nothing (no grading section, no points). */
json_t	*grade_of_run(const struct grade_run *);

/*
 * The one naming rule of graded items, known before the run (validate checks
 * the grading section's lists against it, and an item is called the same
 * in every run and for every student): a step's expect name, else "step N:
 * HOST OP SOCKET (line L)"; a check's name, else "CHECK CONN (line L)".
 * New strings, the caller's to free.
 */
char	*grade_step_name(const struct step *);
char	*grade_check_name(const struct trace_check *);
/* True when the experiment grades: it has a grading section or any points. */
int	 grade_is_graded(const struct experiment *);

/* One item: score max when status is "pass", else 0. */
json_t	*grade_item(const char *name, const char *kind, double max, const char *status, const char *output,
	    const char *visibility);
/*
 * The grade of items (taken): {score, max_score, errors, needs_review,
 * review, items}; with total (grading.total, or NULL) and a maximum above
 * 0, scaled to it, the rubric's figures kept as raw_score, raw_max_score.
 */
json_t	*grade_total(json_t *items, json_t *total);
/* An item's visibility: the grading section's word for it, its default, or "visible". */
const char *grade_visibility(const struct experiment *, const char *name);
/*
 * The grade of one submission run several times (grade --runs N): grades
 * is an array of each run's grading object (results.json's "grading"), or
 * null for a run that did not grade (it is left out of the figures).
 * Returns {runs, graded, scores: [score or null per run], median, min,
 * max, median_run (1-based; null when no run graded), unstable, varying}.
 * The median is the lower median of the graded runs' scores, so it is the
 * score of one run, median_run, whose items go with it.  unstable: two
 * graded runs differ in score or in an item's status; varying lists each
 * item whose status differed, [{name, passed (in how many runs), runs}].
 * A new object, the caller's to decref.
 */
json_t	*grade_of_runs(json_t *grades);
#endif
