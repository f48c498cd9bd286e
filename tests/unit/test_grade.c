/*
 * test_grade.c — unit tests for controller/grade.c: the grade of a run from
 * its step records and check verdicts (points, names, hidden items, a
 * rubric total), undecided items (a check in error, a step that never ran,
 * a pass on a capture that dropped packets, expect: packets on a trace in
 * doubt) scoring 0 and marking the submission for review, and no grade at
 * all for an experiment without points.  Experiments and records are built
 * by hand.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "expt.h"
#include "grade.h"
#include "ops.h"
#include "util.h"
#include "unit.h"

static struct step steps[3];
static struct trace_check checks2[2];
static struct experiment x;
static char conn_sock[] = "romeo.sock", name_closes[] = "closes";
static char host_juliet[] = "juliet", op_bind[] = "bind", sock_s[] = "s";

/* Two graded steps (2 points "binds", 1 point unnamed) and an ungraded one; two checks. */
static void
setup(const char *grading_json)
{
	memset(steps, 0, sizeof steps);
	memset(&x, 0, sizeof x);
	for (int i = 0; i < 3; i++) {
		steps[i].number = i + 1;
		steps[i].def = ops_find("bind");
		steps[i].host = host_juliet;
		steps[i].op = op_bind;
		steps[i].sock = sock_s;
		steps[i].pos.line = 10 + i;
		steps[i].expect.within = -1;
	}
	steps[0].expect.has_points = 1;
	steps[0].expect.points = 2;
	steps[0].expect.name = "binds";
	steps[1].expect.has_points = 1;
	steps[1].expect.points = 1;
	x.file = "t.yaml";
	x.steps = steps;
	x.nsteps = 3;
	memset(checks2, 0, sizeof checks2);
	checks2[0].def = trace_check_find("handshake");
	checks2[0].conn = conn_sock;
	checks2[0].line = 20;
	checks2[0].has_points = 1;
	checks2[0].points = 3;
	checks2[1].def = trace_check_find("closed");
	checks2[1].name = name_closes;
	checks2[1].line = 21;
	x.trace_checks = checks2;
	x.ntrace_checks = 2;
	x.grading = grading_json ? json_loads(grading_json, 0, NULL) : NULL;
}

static void
teardown(void)
{
	json_decref(x.grading);
}

/* A step's record; pass NULL: its result never came. */
static struct step_result *
rec(struct model_steps *m, int number, const char *pass)
{
	struct step_result *r = model_step_add(m);

	r->number = number;
	r->python = xstrdup("s.bind(('10.10.0.101', 4000))");
	r->shown = xstrdup("None");
	if (pass != NULL) {
		r->judged = 1;
		r->expect = strcmp(pass, "pass") == 0 ? STEP_OUTCOME_PASS : STEP_OUTCOME_FAIL;
	}
	return r;
}

static json_t *
item(json_t *g, const char *name)
{
	json_t *items = json_object_get(g, "items");
	for (size_t i = 0; i < json_array_size(items); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(items, i), "name")), name) == 0)
			return json_array_get(items, i);
	return NULL;
}

static double
num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

UNIT_TEST(points_of_passed_items_only)
{
	struct model_steps recs = { 0 };
	json_t *checks, *g;
	struct grade_run run;

	setup(NULL);
	rec(&recs, 1, "pass");
	rec(&recs, 2, "fail");
	rec(&recs, 3, "pass");
	checks = json_loads("[{\"status\": \"pass\", \"message\": \"ok\"}, {\"status\": \"fail\", \"message\": \"no FIN\"}]",
	    0, NULL);
	run = (struct grade_run){ .x = &x, .steps = &recs, .checks = checks };
	g = grade_of_run(&run);
	CHECK(g != NULL);
	CHECK(num(g, "score") == 5);		/* binds 2 + handshake 3 */
	CHECK(num(g, "max_score") == 7);	/* 2 + 1 + 3 + 1 */
	CHECK(json_is_false(json_object_get(g, "needs_review")));
	CHECK_INT(json_array_size(json_object_get(g, "items")), 4);
	CHECK(item(g, "binds") != NULL && num(item(g, "binds"), "score") == 2);
	/* an unnamed step is named from the experiment, never from what its run resolved */
	CHECK(item(g, "step 2: juliet bind s (line 11)") != NULL);
	CHECK(item(g, "handshake romeo.sock (line 20)") != NULL);
	CHECK_STR(json_string_value(json_object_get(item(g, "closes"), "status")), "fail");
	CHECK(num(item(g, "closes"), "score") == 0);
	CHECK_STR(json_string_value(json_object_get(item(g, "closes"), "output")), "no FIN");
	json_decref(g);
	model_steps_free(&recs);
	json_decref(checks);
	teardown();
}

UNIT_TEST(hidden_items_and_a_rubric_total)
{
	struct model_steps recs = { 0 };
	json_t *checks, *g;
	struct grade_run run;

	setup("{\"total\": 14, \"visibility\": \"after_published\", \"items\": {\"binds\": \"hidden\"}}");
	rec(&recs, 1, "pass");
	rec(&recs, 2, "pass");
	rec(&recs, 3, "pass");
	checks = json_loads("[{\"status\": \"pass\"}, {\"status\": \"pass\"}]", 0, NULL);
	run = (struct grade_run){ .x = &x, .steps = &recs, .checks = checks };
	g = grade_of_run(&run);
	CHECK(num(g, "score") == 14 && num(g, "max_score") == 14);
	CHECK(num(g, "raw_score") == 7 && num(g, "raw_max_score") == 7);
	CHECK_STR(json_string_value(json_object_get(item(g, "binds"), "visibility")), "hidden");
	CHECK_STR(json_string_value(json_object_get(item(g, "closes"), "visibility")), "after_published");
	json_decref(g);
	model_steps_free(&recs);
	json_decref(checks);
	teardown();
}

UNIT_TEST(undecided_items_score_nothing_and_need_review)
{
	struct model_steps recs = { 0 };
	json_t *checks, *g, *review;
	struct grade_run run;

	setup(NULL);
	steps[0].expect.packets = json_string("none");
	/* step 1 passed, but its packets cannot be told; step 2 never finished; step 3 never ran */
	rec(&recs, 1, "pass");
	rec(&recs, 2, NULL)->state = STEP_STATE_RUNNING;
	checks = json_loads("[{\"status\": \"pass\", \"message\": \"ok\"}, {\"status\": \"error\", \"message\": \"lost\"}]",
	    0, NULL);
	run = (struct grade_run){ .x = &x, .steps = &recs, .checks = checks, .doubt = "no capture came from romeo",
	    .drops = 2 };
	g = grade_of_run(&run);
	CHECK(num(g, "score") == 0);
	CHECK(num(g, "max_score") == 7);
	CHECK(json_is_true(json_object_get(g, "needs_review")));
	CHECK_INT(json_integer_value(json_object_get(g, "errors")), 4);
	CHECK_STR(json_string_value(json_object_get(item(g, "binds"), "status")), "error");
	CHECK(strstr(json_string_value(json_object_get(item(g, "binds"), "output")),
	    "the packets of this step cannot be decided: no capture came from romeo") != NULL);
	CHECK(strstr(json_string_value(json_object_get(item(g, "step 2: juliet bind s (line 11)"), "output")),
	    "the step did not finish: running") != NULL);
	/* a pass on a capture with holes is no evidence */
	CHECK(strstr(json_string_value(json_object_get(item(g, "handshake romeo.sock (line 20)"), "output")),
	    "the capture dropped 2 packets") != NULL);
	review = json_object_get(g, "review");
	CHECK_INT(json_array_size(review), 4);
	json_decref(g);
	model_steps_free(&recs);
	json_decref(checks);
	json_decref(steps[0].expect.packets);
	teardown();
}

UNIT_TEST(steps_that_never_ran)
{
	struct model_steps recs = { 0 };
	json_t *checks = json_array(), *g;
	struct grade_run run;

	setup(NULL);
	run = (struct grade_run){ .x = &x, .steps = &recs, .checks = checks, .error = "the agent on romeo was lost" };
	g = grade_of_run(&run);
	CHECK_STR(json_string_value(json_object_get(item(g, "step 2: juliet bind s (line 11)"), "output")),
	    "the step was not run: the agent on romeo was lost");
	CHECK_STR(json_string_value(json_object_get(item(g, "closes"), "output")),
	    "the check was not decided: the agent on romeo was lost");
	CHECK(json_is_true(json_object_get(g, "needs_review")));
	json_decref(g);
	model_steps_free(&recs);
	json_decref(checks);
	teardown();
}

UNIT_TEST(no_points_no_grade)
{
	struct model_steps recs = { 0 };
	json_t *checks = json_array();
	struct grade_run run;

	setup(NULL);
	steps[0].expect.has_points = steps[1].expect.has_points = 0;
	checks2[0].has_points = 0;
	run = (struct grade_run){ .x = &x, .steps = &recs, .checks = checks };
	CHECK(grade_of_run(&run) == NULL);
	model_steps_free(&recs);
	json_decref(checks);
	teardown();
}

/* A run's grading object with one item per "name=status" word, each worth 1 point. */
static json_t *
run_grade(const char *items)
{
	json_t *its = json_array();
	char *copy = xstrdup(items), *save = NULL;

	for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		*eq = '\0';
		json_array_append_new(its, grade_item(w, "check", 1, eq + 1, "", "visible"));
	}
	free(copy);
	return grade_total(its, NULL);
}

UNIT_TEST(runs_median_spread_and_unstable)
{
	json_t *grades = json_array(), *g;

	json_array_append_new(grades, run_grade("a=pass b=fail c=fail"));	/* 1 */
	json_array_append_new(grades, json_null());				/* a run that did not grade */
	json_array_append_new(grades, run_grade("a=pass b=pass c=pass"));	/* 3 */
	json_array_append_new(grades, run_grade("a=pass b=pass c=fail"));	/* 2 */
	json_array_append_new(grades, run_grade("a=pass b=pass c=pass"));	/* 3 */
	g = grade_of_runs(grades);
	CHECK_INT(json_integer_value(json_object_get(g, "runs")), 5);
	CHECK_INT(json_integer_value(json_object_get(g, "graded")), 4);
	CHECK(json_is_null(json_array_get(json_object_get(g, "scores"), 1)));
	/* the lower median of 1 2 3 3, and the run that had it */
	CHECK(num(g, "median") == 2 && num(g, "min") == 1 && num(g, "max") == 3);
	CHECK_INT(json_integer_value(json_object_get(g, "median_run")), 4);
	CHECK(json_is_true(json_object_get(g, "unstable")));
	CHECK_INT(json_array_size(json_object_get(g, "varying")), 2);	/* b and c; a always passed */
	json_decref(g);
	json_decref(grades);

	/* the same score with different items lost is unstable too; identical runs are not */
	grades = json_pack("[o, o]", run_grade("a=pass b=fail"), run_grade("a=fail b=pass"));
	g = grade_of_runs(grades);
	CHECK(num(g, "min") == num(g, "max") && json_is_true(json_object_get(g, "unstable")));
	json_decref(g);
	json_decref(grades);
	grades = json_pack("[o, o, o]", run_grade("a=pass b=fail"), run_grade("a=pass b=fail"), run_grade("a=pass b=fail"));
	g = grade_of_runs(grades);
	CHECK(num(g, "min") == 1 && num(g, "max") == 1 && json_is_false(json_object_get(g, "unstable")));
	CHECK_INT(json_array_size(json_object_get(g, "varying")), 0);
	CHECK_INT(json_integer_value(json_object_get(g, "median_run")), 2);	/* the middle one of three equal runs */
	json_decref(g);
	json_decref(grades);
}

int
main(void)
{
	UNIT_RUN(runs_median_spread_and_unstable);
	UNIT_RUN(points_of_passed_items_only);
	UNIT_RUN(hidden_items_and_a_rubric_total);
	UNIT_RUN(undecided_items_score_nothing_and_need_review);
	UNIT_RUN(steps_that_never_ran);
	UNIT_RUN(no_points_no_grade);
	return UNIT_END();
}
