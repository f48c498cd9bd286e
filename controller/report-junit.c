/*
 * report-junit.c — junit.xml from a run's results document: one testsuite
 * named after the experiment, a testcase per step and per check; see
 * report-grade.h (report_junit).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report-grade.h"
#include "report-grade-int.h"
#include "util.h"

struct junit {
	struct buf	 cases;
	const char	*classname;
	int		 tests, failures, errors, skipped;
};

static void
attr(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, " %s=\"", name);
	report_xml_escape(b, value, 1);
	buf_addc(b, '"');
}

static void
text_elem(struct buf *b, const char *indent, const char *elem, const char *text)
{
	buf_printf(b, "%s<%s>", indent, elem);
	report_xml_escape(b, text, 0);
	buf_printf(b, "</%s>\n", elem);
}

/*
 * One testcase.  verdict: "pass", "fail", "error" or "skipped"; message the
 * attribute of <failure>/<error>/<skipped>, body their text, out the
 * system-out (NULL: none).
 */
static void
junit_case(struct junit *j, const char *name, double seconds, const char *verdict, const char *type,
    const char *message, const char *body, const char *out)
{
	struct buf *b = &j->cases;
	char t[32];

	j->tests++;
	snprintf(t, sizeof t, "%.6f", isfinite(seconds) && seconds > 0 ? seconds : 0.0);
	buf_adds(b, "    <testcase");
	attr(b, "classname", j->classname);
	attr(b, "name", name);
	attr(b, "time", t);
	buf_adds(b, ">\n");
	if (rg_streq(verdict, "fail") || rg_streq(verdict, "error")) {
		const char *elem = rg_streq(verdict, "fail") ? "failure" : "error";
		if (rg_streq(verdict, "fail"))
			j->failures++;
		else
			j->errors++;
		buf_printf(b, "      <%s", elem);
		attr(b, "message", message);
		attr(b, "type", type);
		buf_adds(b, ">");
		report_xml_escape(b, body, 0);
		buf_printf(b, "</%s>\n", elem);
	} else if (rg_streq(verdict, "skipped")) {
		j->skipped++;
		buf_adds(b, "      <skipped");
		attr(b, "message", message);
		buf_adds(b, "/>\n");
	}
	if (out != NULL)
		text_elem(b, "      ", "system-out", out);
	buf_adds(b, "    </testcase>\n");
}

/* The grading item of step num when the grade could not decide it, else NULL. */
static json_t *
junit_undecided_step(json_t *results, long long num)
{
	json_t *items = json_object_get(json_object_get(results, "grading"), "items");

	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		if (rg_streq(rg_jstr(it, "kind"), "step") && json_integer_value(json_object_get(it, "step")) == num &&
		    rg_streq(rg_item_status(it), "error"))
			return it;
	}
	return NULL;
}

static void
junit_steps(struct junit *j, json_t *results, struct buf *log)
{
	json_t *steps = json_object_get(results, "steps"), *sum = json_object_get(results, "summary");
	const char *herr = rg_jstr(sum, "error");
	int harness = herr != NULL || rg_streq(rg_jstr(sum, "status"), "error");
	long long nsteps = json_integer_value(json_object_get(sum, "steps"));
	size_t i;

	for (i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i), *f = json_object_get(s, "failures");
		json_t *res = json_object_get(s, "result"), *pass = json_object_get(s, "pass");
		const char *py = rg_jstr(s, "python"), *shown = rg_jstr(s, "shown"), *host = rg_jstr(s, "host");
		const char *state = rg_jstr(s, "state"), *first;
		json_t *undecided;
		long long num = json_is_integer(json_object_get(s, "number")) ?
		    json_integer_value(json_object_get(s, "number")) : (long long)i + 1;
		double secs = 0;
		struct buf body;
		char *name, *out;

		if (py == NULL)
			py = rg_jstr(s, "op") ? rg_jstr(s, "op") : "?";
		if (json_is_integer(json_object_get(res, "start_ns")) && json_is_integer(json_object_get(res, "end_ns")))
			secs = (double)(json_integer_value(json_object_get(res, "end_ns")) -
			    json_integer_value(json_object_get(res, "start_ns"))) / 1e9;
		name = xasprintf("step %lld: %s", num, py);
		out = xasprintf("%s: %s\n-> %s", host ? host : "-", py, shown ? shown : "(no result)");
		buf_printf(log, "%3lld %-8s %s\n             -> %s   [%s]\n", num, host ? host : "-", py,
		    shown ? shown : "(no result)",
		    json_is_true(pass) ? "pass" : json_is_false(pass) ? "FAIL" : state ? state : "not run");
		buf_init(&body);
		buf_adds(&body, out);
		for (size_t k = 0; k < json_array_size(f); k++) {
			buf_printf(&body, "\n%s", json_string_value(json_array_get(f, k)) ?: "");
			buf_printf(log, "             !! %s\n", json_string_value(json_array_get(f, k)) ?: "");
		}
		undecided = junit_undecided_step(results, num);
		if (undecided != NULL && !json_is_null(pass) && pass != NULL)
			/* its graded expectation could not be decided (its packets, in a damaged trace) */
			junit_case(j, name, secs, "error", "undecidable", "needs review: this step's expectation "
			    "could not be decided", rg_jstr(undecided, "output"), out);
		else if (json_is_true(pass))
			junit_case(j, name, secs, "pass", NULL, NULL, NULL, out);
		else if (json_is_false(pass)) {
			first = json_string_value(json_array_get(f, 0));
			junit_case(j, name, secs, "fail", "expectation", first ? first : "the step failed",
			    (char *)body.data, NULL);
		} else {
			char *msg = xasprintf("the step did not finish (%s)%s%s", state ? state : "no result",
			    herr ? ": " : "", herr ? herr : "");
			junit_case(j, name, secs, "error", "harness", msg, (char *)body.data, NULL);
			free(msg);
		}
		buf_free(&body);
		free(name);
		free(out);
	}
	/* steps the run never reached */
	for (long long n = (long long)i + 1; n <= nsteps; n++) {
		char *name = xasprintf("step %lld", n);
		if (harness)
			junit_case(j, name, 0, "error", "harness", herr ? herr : "not run: the run stopped",
			    herr ? herr : "not run", NULL);
		else
			junit_case(j, name, 0, "skipped", NULL, "not run", NULL, NULL);
		buf_printf(log, "%3lld (not run)\n", n);
		free(name);
	}
}

static void
junit_check(struct junit *j, const char *name, const char *status, const char *msg, json_t *it)
{
	char a[32], m[32], *body;

	if (msg == NULL || *msg == '\0')
		msg = rg_streq(status, "pass") ? "passed" : rg_streq(status, "fail") ? "failed" : "not decided";
	if (json_is_number(json_object_get(it, "max_score"))) {
		report_score_text(a, sizeof a, rg_jnum(it, "score", 0));
		report_score_text(m, sizeof m, rg_jnum(it, "max_score", 0));
		body = xasprintf("%s\n(%s of %s points)", msg, a, m);
	} else
		body = xstrdup(msg);
	if (rg_streq(status, "pass"))
		junit_case(j, name, 0, "pass", NULL, NULL, NULL, body);
	else if (rg_streq(status, "fail"))
		junit_case(j, name, 0, "fail", "check", msg, body, NULL);
	else {
		char *m = xasprintf("needs review: %s", msg);
		junit_case(j, name, 0, "error", "undecidable", m, body, NULL);
		free(m);
	}
	free(body);
}

static void
junit_checks(struct junit *j, json_t *results)
{
	json_t *g = json_object_get(results, "grading"), *items = json_object_get(g, "items");
	json_t *checks = json_object_get(results, "checks");

	if (json_is_array(items)) {
		/* the rubric's names, points, and the checks never decided */
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i);
			if (!rg_streq(rg_jstr(it, "kind"), "check"))
				continue;
			junit_check(j, rg_jstr(it, "name") ? rg_jstr(it, "name") : "(unnamed)", rg_item_status(it),
			    rg_jstr(it, "output"), it);
		}
		return;
	}
	for (size_t i = 0; i < json_array_size(checks); i++) {
		json_t *c = json_array_get(checks, i);
		const char *name = rg_jstr(c, "name");
		char *n = name && *name ? xstrdup(name) : xasprintf("%s (line %lld)",
		    rg_jstr(c, "check") ? rg_jstr(c, "check") : "check",
		    (long long)json_integer_value(json_object_get(c, "line")));
		junit_check(j, n, rg_item_status(c), rg_jstr(c, "message"), NULL);
		free(n);
	}
}

static void
property(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_adds(b, "      <property");
	attr(b, "name", name);
	attr(b, "value", value);
	buf_adds(b, "/>\n");
}

int
report_junit(json_t *results, int dirfd, const char *path, char *err, size_t errlen)
{
	json_t *sum, *exp, *g;
	struct junit j;
	struct buf b, log;
	const char *name;
	char t[32], num[32], *cls;
	int rc;

	if (!json_is_object(results)) {
		snprintf(err, errlen, "junit: the results are not a JSON object");
		return -1;
	}
	sum = json_object_get(results, "summary");
	exp = json_object_get(json_object_get(results, "manifest"), "experiment");
	g = json_object_get(results, "grading");
	name = rg_experiment_name(results);
	cls = xasprintf("verona.%s", name);
	memset(&j, 0, sizeof j);
	j.classname = cls;
	buf_init(&j.cases);
	buf_init(&log);
	junit_steps(&j, results, &log);
	junit_checks(&j, results);
	if (rg_jstr(sum, "error") != NULL)
		buf_printf(&log, "harness error: %s\n", rg_jstr(sum, "error"));
	if (rg_jstr(sum, "status") != NULL)
		buf_printf(&log, "status: %s, exit %lld\n", rg_jstr(sum, "status"),
		    (long long)json_integer_value(json_object_get(sum, "exit")));

	snprintf(t, sizeof t, "%.6f", rg_jnum(sum, "seconds", 0) > 0 ? rg_jnum(sum, "seconds", 0) : 0.0);
	buf_init(&b);
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(&b, "name", "verona");
	buf_printf(&b, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", j.tests, j.failures,
	    j.errors, j.skipped);
	attr(&b, "time", t);
	buf_adds(&b, ">\n  <testsuite");
	attr(&b, "name", name);
	buf_printf(&b, " tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\"", j.tests, j.failures,
	    j.errors, j.skipped);
	attr(&b, "time", t);
	if (rg_jstr(json_object_get(results, "manifest"), "started") != NULL)
		attr(&b, "timestamp", rg_jstr(json_object_get(results, "manifest"), "started"));
	buf_adds(&b, ">\n    <properties>\n");
	property(&b, "experiment.file", rg_jstr(exp, "file"));
	property(&b, "experiment.sha256", rg_jstr(exp, "sha256"));
	property(&b, "status", rg_jstr(sum, "status"));
	if (json_is_object(g)) {
		rg_fmt_num(num, sizeof num, rg_jnum(g, "score", 0));
		property(&b, "score", num);
		rg_fmt_num(num, sizeof num, rg_jnum(g, "max_score", 0));
		property(&b, "max_score", num);
	}
	property(&b, "needs_review", report_needs_review(results) ? "true" : "false");
	buf_adds(&b, "    </properties>\n");
	buf_add(&b, j.cases.data, j.cases.len);
	text_elem(&b, "    ", "system-out", (char *)log.data);
	buf_adds(&b, "  </testsuite>\n</testsuites>\n");

	rc = rg_write_out(dirfd, path, b.data, b.len, err, errlen);
	buf_free(&b);
	buf_free(&log);
	buf_free(&j.cases);
	free(cls);
	return rc;
}
