/* grade.c — the grade of a run and of its items; see grade.h. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "grade.h"
#include "util.h"

const char *
grade_visibility(const struct experiment *x, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(x->grading, "items"), name));
	if (v == NULL)
		v = json_string_value(json_object_get(x->grading, "visibility"));
	return v ? v : "visible";
}

char *
grade_step_name(const struct step *st)
{
	if (st->expect.name != NULL)
		return xstrdup(st->expect.name);
	return xasprintf("step %d: %s%s%s%s%s (line %d)", st->number, st->host ? st->host : "", st->host ? " " : "",
	    st->op ? st->op : "?", st->sock ? " " : "", st->sock ? st->sock : "", st->pos.line);
}

char *
grade_check_name(const struct trace_check *c)
{
	if (c->name != NULL)
		return xstrdup(c->name);
	return xasprintf("%s %s (line %d)", c->def->name, c->conn ? c->conn : c->from.text ? c->from.text : "", c->line);
}

int
grade_is_graded(const struct experiment *x)
{
	int graded = x->grading != NULL;

	for (size_t i = 0; i < x->nsteps; i++)
		graded |= x->steps[i].expect.has_points;
	for (size_t i = 0; i < x->ntrace_checks; i++)
		graded |= x->trace_checks[i].has_points;
	return graded;
}

json_t *
grade_item(const char *name, const char *kind, double max, const char *status, const char *output,
    const char *visibility)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:s, s:s, s:s}", "name", name, "kind", kind,
	    "score", strcmp(status, "pass") == 0 ? max : 0.0, "max_score", max, "status", status,
	    "output", output ? output : "", "visibility", visibility);
}

/*
 * The grade of a run: steps whose expect has points, and every check (1 point unless
 * it says otherwise), when the experiment has a grading section or any
 * points.  An item scores only when it was observed to pass on a whole
 * trace: a check decided on what a cut capture left (headers cut by the
 * snaplen), or passed on a capture that dropped packets, is undecided too.
 * An item the trace or the testbed could not decide (status "error") scores 0, keeps
 * its points in the maximum, says why, and marks the submission for review
 * (needs_review, and one entry in review per such item): damaging or
 * flooding the trace can never raise a score.  grade_of_run is the entry.
 */

/* A step with points that ran (or began): pass, fail, or undecided, and why. */
static json_t *
grade_step(const struct grade_run *g, const struct step_result *rec)
{
	const struct experiment *x = g->x;
	json_t *it;
	const struct step *st = &x->steps[rec->number - 1];
	struct buf out;
	char *name;
	const char *status;
	int pass = model_step_pass(rec);

	name = grade_step_name(st);
	status = pass < 0 ? "error" : pass ? "pass" : "fail";
	buf_init(&out);
	buf_printf(&out, "%s -> %s", rec->python, rec->shown ?: "(not run)");
	for (size_t k = 0; k < rec->nfailures; k++)
		buf_printf(&out, "\n%s", rec->failures[k]);
	/* a step marked undecidable says why in its failures; another did not finish */
	if (strcmp(status, "error") == 0 && model_step_verdict(rec) != STEP_OUTCOME_UNDECIDABLE)
		buf_printf(&out, "\nthe step did not finish: %s",
		    g->error ? g->error : model_step_state_name(rec->state) ?: "no result");
	else if (st->expect.packets != NULL && g->doubt != NULL) {
		/* its packets were part of the expectation, and the trace cannot tell them */
		status = "error";
		buf_printf(&out, "\nthe packets of this step cannot be decided: %s", g->doubt);
	}
	it = grade_item(name, "step", st->expect.points, status, (char *)out.data, grade_visibility(x, name));
	json_object_set_new(it, "step", json_integer(st->number));
	buf_free(&out);
	free(name);
	return it;
}

/* A step with points that never ran because the testbed failed: undecided. */
static json_t *
grade_unrun_step(const struct grade_run *g, const struct step *st)
{
	char *name = grade_step_name(st);
	char *why = xasprintf("the step was not run: %s", g->error ? g->error : "the run stopped before it");
	json_t *it = grade_item(name, "step", st->expect.points, "error", why, grade_visibility(g->x, name));

	json_object_set_new(it, "step", json_integer(st->number));
	free(why);
	free(name);
	return it;
}

/* A check: its verdict, unless the trace it was decided on cannot be trusted. */
static json_t *
grade_check(const struct grade_run *g, size_t i)
{
	const struct trace_check *c = &g->x->trace_checks[i];
	json_t *v = json_array_get(g->checks, i), *it;
	double pts = c->has_points ? c->points : 1;
	const char *status = v ? json_string_value(json_object_get(v, "status")) : "error";
	char *name, *why = NULL;

	name = grade_check_name(c);
	/* anything but an observed pass or fail is undecided */
	if (status == NULL || (strcmp(status, "pass") != 0 && strcmp(status, "fail") != 0))
		status = "error";
	if (v == NULL)
		why = xasprintf("the check was not decided: %s", g->error ? g->error : "the run stopped before the checks");
	else if (strcmp(status, "error") != 0 && g->truncated > 0) {
		/* decided on what the snaplen left of the packets: neither verdict can be trusted */
		why = xasprintf("the capture cut %llu packets short inside their headers (snaplen too small): "
		    "this check cannot be decided (on what was left: %s)", (unsigned long long)g->truncated,
		    json_string_value(json_object_get(v, "message")) ?: "?");
		status = "error";
	} else if (strcmp(status, "pass") == 0 && g->drops > 0) {
		/* a pass on a trace with holes is no evidence */
		why = xasprintf("the capture dropped %llu packets: this check cannot be decided (on what was "
		    "left: %s)", (unsigned long long)g->drops, json_string_value(json_object_get(v, "message")) ?: "?");
		status = "error";
	}
	it = grade_item(name, "check", pts, status, why ? why : json_string_value(json_object_get(v, "message")),
	    grade_visibility(g->x, name));
	free(why);
	free(name);
	return it;
}

json_t *
grade_total(json_t *items, json_t *total)
{
	json_t *review = json_array(), *g;
	double score = 0, max = 0;
	int errors = 0;

	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		/* only an observed pass scores; the maximum always counts every item */
		if (strcmp(json_string_value(json_object_get(it, "status")), "pass") == 0)
			score += json_number_value(json_object_get(it, "score"));
		else
			json_object_set_new(it, "score", json_real(0));
		max += json_number_value(json_object_get(it, "max_score"));
		if (strcmp(json_string_value(json_object_get(it, "status")), "error") == 0) {
			errors++;
			json_array_append_new(review, json_pack("{s:O, s:O}", "item", json_object_get(it, "name"),
			    "reason", json_object_get(it, "output")));
		}
	}
	g = json_pack("{s:f, s:f, s:i, s:b, s:o, s:o}", "score", score, "max_score", max, "errors", errors,
	    "needs_review", errors > 0, "review", review, "items", items);
	if (json_is_number(total) && max > 0) {
		double t = json_number_value(total);
		json_object_set_new(g, "score", json_real(score * t / max));
		json_object_set_new(g, "max_score", json_real(t));
		json_object_set_new(g, "raw_score", json_real(score));
		json_object_set_new(g, "raw_max_score", json_real(max));
	}
	return g;
}

json_t *
grade_of_run(const struct grade_run *g)
{
	const struct experiment *x = g->x;
	json_t *items;

	if (!grade_is_graded(x))
		return NULL;
	items = json_array();
	for (size_t i = 0; i < g->steps->n; i++)
		if (x->steps[g->steps->v[i].number - 1].expect.has_points)
			json_array_append_new(items, grade_step(g, &g->steps->v[i]));
	/* steps that never ran because the testbed failed are undecided too */
	for (size_t i = g->steps->n; i < x->nsteps; i++)
		if (x->steps[i].expect.has_points)
			json_array_append_new(items, grade_unrun_step(g, &x->steps[i]));
	for (size_t i = 0; i < x->ntrace_checks; i++)
		json_array_append_new(items, grade_check(g, i));
	return grade_total(items, json_object_get(x->grading, "total"));
}

static int
grade_score_cmp(const void *a, const void *b)
{
	const double *x = *(const double *const *)a, *y = *(const double *const *)b;
	/* equal scores keep run order, so the median run does not depend on qsort */
	return *x < *y ? -1 : *x > *y ? 1 : x < y ? -1 : x > y;
}

/* The graded items of each run whose status is not the same in every graded run: [{name, passed, runs}]. */
static json_t *
grade_varying_items(json_t *grades)
{
	json_t *seen = json_object(), *varying = json_array(), *v;
	const char *name;
	size_t graded = 0;

	/* name -> {passed, statuses seen} over the runs that graded */
	for (size_t r = 0; r < json_array_size(grades); r++) {
		json_t *items = json_object_get(json_array_get(grades, r), "items");
		if (!json_is_array(items))
			continue;
		graded++;
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i), *s;
			const char *n = json_string_value(json_object_get(it, "name"));
			const char *st = json_string_value(json_object_get(it, "status"));
			if (n == NULL)
				continue;
			if ((s = json_object_get(seen, n)) == NULL) {
				s = json_pack("{s:i, s:i}", "passed", 0, "runs", 0);
				json_object_set_new(seen, n, s);
			}
			json_object_set_new(s, "runs", json_integer(json_integer_value(json_object_get(s, "runs")) + 1));
			if (st != NULL && strcmp(st, "pass") == 0)
				json_object_set_new(s, "passed", json_integer(json_integer_value(json_object_get(s, "passed")) + 1));
		}
	}
	json_object_foreach(seen, name, v) {
		json_int_t passed = json_integer_value(json_object_get(v, "passed"));
		json_int_t runs = json_integer_value(json_object_get(v, "runs"));
		/* an item some runs lack, or one that passed in some runs only */
		if ((size_t)runs != graded || (passed != 0 && passed != runs))
			json_array_append_new(varying, json_pack("{s:s, s:I, s:I}", "name", name, "passed", passed,
			    "runs", (json_int_t)graded));
	}
	json_decref(seen);
	return varying;
}

json_t *
grade_of_runs(json_t *grades)
{
	size_t n = json_array_size(grades), ng = 0;
	const double **order = xcalloc(n ? n : 1, sizeof *order);
	double *scores = xcalloc(n ? n : 1, sizeof *scores);
	json_t *list = json_array(), *g, *varying;
	size_t median_run = 0;

	for (size_t r = 0; r < n; r++) {
		json_t *s = json_object_get(json_array_get(grades, r), "score");
		if (!json_is_number(s)) {
			json_array_append_new(list, json_null());
			continue;
		}
		scores[r] = json_number_value(s);
		order[ng++] = &scores[r];
		json_array_append_new(list, json_real(scores[r]));
	}
	varying = grade_varying_items(grades);
	g = json_pack("{s:I, s:I, s:o}", "runs", (json_int_t)n, "graded", (json_int_t)ng, "scores", list);
	if (ng > 0) {
		/* the lower median: a score one of the runs had, and that run's items with it */
		qsort(order, ng, sizeof *order, grade_score_cmp);
		median_run = (size_t)(order[(ng - 1) / 2] - scores) + 1;
		json_object_set_new(g, "median", json_real(*order[(ng - 1) / 2]));
		json_object_set_new(g, "min", json_real(*order[0]));
		json_object_set_new(g, "max", json_real(*order[ng - 1]));
		json_object_set_new(g, "median_run", json_integer((json_int_t)median_run));
	} else {
		json_object_set_new(g, "median", json_null());
		json_object_set_new(g, "min", json_null());
		json_object_set_new(g, "max", json_null());
		json_object_set_new(g, "median_run", json_null());
	}
	json_object_set_new(g, "unstable", json_boolean(ng > 1 && (*order[0] != *order[ng - 1] ||
	    json_array_size(varying) > 0)));
	json_object_set_new(g, "varying", varying);
	free(order);
	free(scores);
	return g;
}
