/*
 * test_report_grade.c — unit tests for controller/report-grade.c: XML and
 * CSV escaping, gradescope.json with and without a rubric (an undecided
 * item scores 0 out of its full points and marks the submission "needs
 * review"), junit.xml counts and escaping, summary.csv quoting and its
 * needs_review column, the sandbox level and limits as the reports show them.
 * Results documents are built by hand, files written to a temporary
 * directory and read back.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report-grade.h"
#include "util.h"
#include "unit.h"

static char tmpdir[] = "/tmp/verona-report-grade.XXXXXX";

static char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static char *
slurp(const char *path)
{
	size_t len;
	char *s = file_read_all(path, &len, 1 << 20);
	return s ? s : xstrdup("");
}

static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static char *
escaped(const char *s, int attr)
{
	struct buf b;
	buf_init(&b);
	report_xml_escape(&b, s, attr);
	return buf_steal(&b, NULL);
}

static char *
csv(const char *s)
{
	struct buf b;
	buf_init(&b);
	report_csv_field(&b, s);
	return buf_steal(&b, NULL);
}

/* A graded run: a passed hidden check, a failed check, a check and a step the harness could not decide. */
static json_t *
graded_results(void)
{
	return json_pack("{s:{s:s, s:{s:s, s:s}}, s:[{s:i, s:s, s:s, s:s, s:i, s:s, s:[s], s:b, s:{s:I, s:I}}],"
	    " s:[], s:{s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:s, s:f},"
	    " s:{s:f, s:f, s:i, s:b, s:[{s:s, s:s, s:f, s:f, s:s, s:s, s:s},"
	    "   {s:s, s:s, s:f, s:f, s:s, s:s, s:s}, {s:s, s:s, s:f, s:f, s:s, s:s, s:s},"
	    "   {s:s, s:s, s:f, s:f, s:s, s:s, s:s}], s:f, s:f}}",
	    "manifest", "started", "2026-01-02T03:04:05Z", "experiment", "name", "balcony<&>", "file", "b.yaml",
	    "steps", "number", 1, "host", "romeo", "op", "send", "python", "sock.send(b'a<b')", "line", 7,
	    "shown", "1", "failures", "expected 2, got 1", "pass", 0,
	    "result", "start_ns", (json_int_t)1000000000, "end_ns", (json_int_t)1500000000,
	    "checks",
	    "summary", "steps", 2, "passed", 0, "failed", 1, "checks", 3, "checks_failed", 1, "exit", 3,
	    "status", "error", "checks_errors", 1, "error", "the agent on juliet was lost", "seconds", 1.2,
	    "grading", "score", 2.5, "max_score", 10.0, "errors", 2, "needs_review", 1, "items",
	    "name", "three-way handshake", "kind", "check", "score", 2.0, "max_score", 2.0, "status", "pass",
	    "output", "SYN, SYN-ACK, ACK", "visibility", "hidden",
	    "name", "orderly close", "kind", "check", "score", 0.0, "max_score", 2.0, "status", "fail",
	    "output", "romeo sent RST \"early\"", "visibility", "visible",
	    "name", "acked", "kind", "check", "score", 0.0, "max_score", 1.0, "status", "error",
	    "output", "no capture: the checks cannot be decided", "visibility", "after_due_date",
	    "name", "server prints", "kind", "step", "score", 0.0, "max_score", 3.0, "status", "error",
	    "output", "not run", "visibility", "visible",
	    "raw_score", 2.0, "raw_max_score", 8.0);
}

/* Gradescope's published field lists. */
static int
keys_only(json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		int ok = 0;
		(void)v;
		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(k, *a) == 0;
		if (!ok) {
			fprintf(stderr, "unexpected key %s\n", k);
			return 0;
		}
	}
	return 1;
}

static const char *const top_keys[] = { "score", "execution_time", "output", "output_format",
	"test_output_format", "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
	"leaderboard", NULL };
static const char *const test_keys[] = { "score", "max_score", "status", "name", "name_format", "number",
	"output", "output_format", "tags", "visibility", "extra_data", NULL };

UNIT_TEST(test_xml_escape)
{
	char *s;

	s = escaped("a&b<c>\"d'e", 0);
	CHECK_STR(s, "a&amp;b&lt;c&gt;&quot;d&apos;e");
	free(s);
	/* text keeps tabs and newlines; CR becomes a reference so it survives parsing */
	s = escaped("x\ty\nz\r", 0);
	CHECK_STR(s, "x\ty\nz&#13;");
	free(s);
	s = escaped("x\ty\nz\r", 1);
	CHECK_STR(s, "x&#9;y&#10;z&#13;");
	free(s);
	/* control characters XML 1.0 forbids, U+FFFE, bad UTF-8, overlong forms, surrogates: U+FFFD */
	s = escaped("a\x01" "b\x1f" "c\x7f", 0);
	CHECK_STR(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\x7f");
	free(s);
	s = escaped("\xef\xbf\xbe|\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82", 0);
	CHECK_STR(s, "\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	/* valid multibyte text passes through */
	s = escaped("Juli\xc3\xa9t \xe2\x80\x94 \xf0\x9f\x8c\xb9", 1);
	CHECK_STR(s, "Juli\xc3\xa9t \xe2\x80\x94 \xf0\x9f\x8c\xb9");
	free(s);
	s = escaped(NULL, 0);
	CHECK_STR(s, "");
	free(s);
}

UNIT_TEST(test_csv_field)
{
	char *s;

	s = csv("plain name");
	CHECK_STR(s, "plain name");
	free(s);
	s = csv("rate, \"fast\"");
	CHECK_STR(s, "\"rate, \"\"fast\"\"\"");
	free(s);
	s = csv("two\nlines");
	CHECK_STR(s, "\"two\nlines\"");
	free(s);
	s = csv("cr\r");
	CHECK_STR(s, "\"cr\r\"");
	free(s);
	s = csv("\"");
	CHECK_STR(s, "\"\"\"\"");
	free(s);
	s = csv(NULL);
	CHECK_STR(s, "");
	free(s);
}

UNIT_TEST(test_gradescope_graded)
{
	json_t *r = graded_results(), *doc, *tests, *t;
	char err[256] = "", *path = tmp_path("gradescope.json");
	json_error_t je;
	const char *out;

	CHECK(r != NULL);
	CHECK_INT(report_gradescope(r, AT_FDCWD, path, err, sizeof err), 0);
	doc = json_load_file(path, 0, &je);
	CHECK(doc != NULL);
	CHECK(keys_only(doc, top_keys));
	CHECK(json_is_number(json_object_get(doc, "score")));
	CHECK(json_number_value(json_object_get(doc, "score")) == 2.5);
	CHECK(json_is_integer(json_object_get(doc, "execution_time")));
	CHECK_INT(json_integer_value(json_object_get(doc, "execution_time")), 2);
	out = json_string_value(json_object_get(doc, "output"));
	/* the note comes first, where the student reads */
	CHECK(strncmp(out ? out : "", "NEEDS REVIEW: 2 items could not be decided and score 0 for now; your "
	    "instructor will review them", 95) == 0);
	CHECK(contains(out, "balcony<&>: 2.5 of 10 points (2 of 8 rubric points, scaled to the total)."));
	CHECK(contains(out, "The run failed: the agent on juliet was lost"));
	/* a hidden item is listed without its name */
	CHECK(contains(out, "To be reviewed:\n  - (an item not shown yet)\n  - server prints"));
	CHECK(!contains(out, "not sandboxed"));
	CHECK(json_is_true(json_object_get(json_object_get(doc, "extra_data"), "needs_review")));
	tests = json_object_get(doc, "tests");
	CHECK_INT(json_array_size(tests), 4);
	for (size_t i = 0; i < json_array_size(tests); i++)
		CHECK(keys_only(json_array_get(tests, i), test_keys));

	t = json_array_get(tests, 0);
	CHECK_STR(json_string_value(json_object_get(t, "name")), "three-way handshake");
	CHECK_STR(json_string_value(json_object_get(t, "status")), "passed");
	CHECK_STR(json_string_value(json_object_get(t, "visibility")), "hidden");
	CHECK(json_number_value(json_object_get(t, "score")) == 2.0);
	CHECK(json_number_value(json_object_get(t, "max_score")) == 2.0);
	CHECK_STR(json_string_value(json_array_get(json_object_get(t, "tags"), 0)), "check");

	t = json_array_get(tests, 1);
	CHECK_STR(json_string_value(json_object_get(t, "status")), "failed");
	CHECK_STR(json_string_value(json_object_get(t, "output")), "romeo sent RST \"early\"");
	CHECK(json_number_value(json_object_get(t, "score")) == 0.0);
	CHECK(json_number_value(json_object_get(t, "max_score")) == 2.0);

	/* undecided: failed, 0 of the full points, "Needs review", the instructor will review it */
	for (size_t i = 2; i < 4; i++) {
		t = json_array_get(tests, i);
		CHECK_STR(json_string_value(json_object_get(t, "status")), "failed");
		CHECK(json_number_value(json_object_get(t, "score")) == 0.0);
		CHECK(json_number_value(json_object_get(t, "max_score")) == (i == 2 ? 1.0 : 3.0));
		CHECK(strncmp(json_string_value(json_object_get(t, "output")) ?: "", "Needs review: ", 14) == 0);
		CHECK(contains(json_string_value(json_object_get(t, "output")), "your instructor will review it"));
	}
	CHECK(contains(json_string_value(json_object_get(json_array_get(tests, 2), "output")), "no capture"));
	CHECK_STR(json_string_value(json_object_get(json_array_get(tests, 2), "visibility")), "after_due_date");
	CHECK_STR(json_string_value(json_array_get(json_object_get(json_array_get(tests, 3), "tags"), 0)), "step");
	json_decref(doc);
	json_decref(r);
	unlink(path);
	free(path);
}

UNIT_TEST(test_gradescope_ungraded)
{
	/* no rubric: a point per check; an undecided check costs nothing; failed steps in the output */
	json_t *r = json_pack("{s:[{s:i, s:s, s:s, s:i, s:s, s:[s, s], s:b}, {s:i, s:s, s:s, s:i, s:s, s:[], s:b}],"
	    " s:[{s:s, s:n, s:s, s:s, s:i}, {s:s, s:s, s:s, s:s, s:i}, {s:s, s:n, s:s, s:s, s:i}],"
	    " s:{s:s, s:i, s:n, s:f}}",
	    "steps",
	    "number", 4, "op", "bind", "python", "sock2.bind(('10.10.0.101', 4000))", "line", 20,
	    "shown", "None", "failures", "expected EADDRINUSE", "no packets", "pass", 0,
	    "number", 5, "op", "socket", "python", "sock = socket.socket()", "line", 22, "shown", "<socket fd=6>",
	    "failures", "pass", 1,
	    "checks",
	    "check", "handshake", "name", "status", "pass", "message", "SYN, SYN-ACK, ACK", "line", 40,
	    "check", "closed", "name", "orderly close", "status", "fail", "message", "RST", "line", 41,
	    "check", "acked", "name", "status", "error", "message", "no capture", "line", 42,
	    "summary", "status", "fail", "exit", 1, "error", "seconds", 0.25);
	json_t *doc, *tests, *t;
	char err[256] = "", *path = tmp_path("gradescope-ungraded.json");
	json_error_t je;
	const char *out;

	CHECK_INT(report_gradescope(r, AT_FDCWD, path, err, sizeof err), 0);
	doc = json_load_file(path, 0, &je);
	CHECK(doc != NULL);
	CHECK(keys_only(doc, top_keys));
	CHECK(json_number_value(json_object_get(doc, "score")) == 1.0);
	CHECK_INT(json_integer_value(json_object_get(doc, "execution_time")), 1);
	/* the undecided check stays in the maximum: 1 of 3, not 1 of 2 */
	CHECK(json_number_value(json_object_get(json_object_get(doc, "extra_data"), "max_score")) == 3.0);
	tests = json_object_get(doc, "tests");
	CHECK_INT(json_array_size(tests), 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(tests, 0), "name")), "handshake (line 40)");
	CHECK_STR(json_string_value(json_object_get(json_array_get(tests, 1), "name")), "orderly close");
	CHECK_STR(json_string_value(json_object_get(json_array_get(tests, 1), "status")), "failed");
	t = json_array_get(tests, 2);
	CHECK_STR(json_string_value(json_object_get(t, "status")), "failed");
	CHECK(json_number_value(json_object_get(t, "score")) == 0.0);
	CHECK(json_number_value(json_object_get(t, "max_score")) == 1.0);
	out = json_string_value(json_object_get(doc, "output"));
	CHECK(contains(out, "experiment: 1 of 3 points."));
	CHECK(contains(out, "Failed steps:\n  step 4 (line 20): sock2.bind(('10.10.0.101', 4000)) -> None\n"
	    "    expected EADDRINUSE\n    no packets"));
	CHECK(!contains(out, "step 5"));
	CHECK(contains(out, "NEEDS REVIEW: 1 item could not be decided and scores 0 for now"));
	json_decref(doc);
	json_decref(r);
	unlink(path);
	free(path);
}

UNIT_TEST(test_gradescope_bad)
{
	char err[256] = "";
	json_t *r = json_pack("{s:{}}", "summary");

	CHECK_INT(report_gradescope(json_null(), AT_FDCWD, "/nonexistent/x.json", err, sizeof err), -1);
	CHECK(contains(err, "not a JSON object"));
	err[0] = '\0';
	CHECK_INT(report_gradescope(r, AT_FDCWD, "/nonexistent/dir/gradescope.json", err, sizeof err), -1);
	CHECK(contains(err, "cannot write /nonexistent/dir/gradescope.json"));
	err[0] = '\0';
	CHECK_INT(report_junit(json_null(), AT_FDCWD, "/nonexistent/x.xml", err, sizeof err), -1);
	CHECK(err[0] != '\0');
	err[0] = '\0';
	CHECK_INT(report_summary_csv(r, AT_FDCWD, "/nonexistent/x.csv", err, sizeof err), -1);
	CHECK(contains(err, "not a JSON array"));
	json_decref(r);
}

UNIT_TEST(test_junit)
{
	json_t *r = graded_results();
	char err[256] = "", *path = tmp_path("junit.xml"), *x;

	/* a forbidden control character in a failure message, and a step that never ran */
	json_array_set_new(json_object_get(json_array_get(json_object_get(r, "steps"), 0), "failures"), 0,
	    json_string("want 'b\x01' <2>"));
	CHECK_INT(report_junit(r, AT_FDCWD, path, err, sizeof err), 0);
	x = slurp(path);
	CHECK(strncmp(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 50) == 0);
	/* 2 steps (one not run) + 3 checks: 1 step failure, 1 check failure; 2 errors */
	CHECK(contains(x, "<testsuite name=\"balcony&lt;&amp;&gt;\" tests=\"5\" failures=\"2\" errors=\"2\" "
	    "skipped=\"0\" time=\"1.200000\" timestamp=\"2026-01-02T03:04:05Z\">"));
	CHECK(contains(x, "<testcase classname=\"verona.balcony&lt;&amp;&gt;\" "
	    "name=\"step 1: sock.send(b&apos;a&lt;b&apos;)\" time=\"0.500000\">"));
	CHECK(contains(x, "<failure message=\"want &apos;b\xef\xbf\xbd&apos; &lt;2&gt;\" type=\"expectation\">"));
	CHECK(contains(x, "name=\"step 2\" time=\"0.000000\">\n      <error message=\"the agent on juliet was lost\" "
	    "type=\"harness\">"));
	CHECK(contains(x, "name=\"three-way handshake\""));
	CHECK(contains(x, "<failure message=\"romeo sent RST &quot;early&quot;\" type=\"check\">"
	    "romeo sent RST &quot;early&quot;\n(0 of 2 points)</failure>"));
	CHECK(contains(x, "<error message=\"needs review: no capture: the checks cannot be decided\" "
	    "type=\"undecidable\">"));
	CHECK(contains(x, "<property name=\"score\" value=\"2.5\"/>"));
	CHECK(contains(x, "<property name=\"needs_review\" value=\"true\"/>"));
	CHECK(!contains(x, "\x01"));
	/* the rubric's step items are not checks: "server prints" is not a testcase */
	CHECK(!contains(x, "server prints"));
	free(x);

	/* without a harness error, a step never reached is skipped */
	json_object_set_new(json_object_get(r, "summary"), "error", json_null());
	json_object_set_new(json_object_get(r, "summary"), "status", json_string("fail"));
	CHECK_INT(report_junit(r, AT_FDCWD, path, err, sizeof err), 0);
	x = slurp(path);
	CHECK(contains(x, "name=\"step 2\" time=\"0.000000\">\n      <skipped message=\"not run\"/>"));
	CHECK(contains(x, "tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\""));
	free(x);
	json_decref(r);
	unlink(path);
	free(path);
}

UNIT_TEST(test_junit_ungraded)
{
	json_t *r = json_pack("{s:[{s:i, s:s, s:s, s:s, s:[], s:b}, {s:i, s:s, s:s, s:s}],"
	    " s:[{s:s, s:n, s:s, s:s, s:i}], s:{s:i, s:s, s:n}}",
	    "steps", "number", 1, "host", "juliet", "python", "sock.listen()", "shown", "None", "failures", "pass", 1,
	    "number", 2, "host", "romeo", "python", "srv.wait()", "state", "running",
	    "checks", "check", "state", "name", "status", "pass", "message", "SF", "line", 9,
	    "summary", "steps", 2, "status", "fail", "error");
	char err[256] = "", *path = tmp_path("junit2.xml"), *x;

	CHECK_INT(report_junit(r, AT_FDCWD, path, err, sizeof err), 0);
	x = slurp(path);
	CHECK(contains(x, "<testsuite name=\"experiment\" tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"0\""));
	CHECK(contains(x, "<error message=\"the step did not finish (running)\" type=\"harness\">"));
	CHECK(contains(x, "name=\"state (line 9)\""));
	CHECK(!contains(x, "<property name=\"score\""));
	free(x);
	json_decref(r);
	unlink(path);
	free(path);
}

UNIT_TEST(test_summary_csv)
{
	json_t *a = graded_results(), *b = graded_results(), *d = graded_results(), *rows, *items;
	char err[256] = "", *path = tmp_path("summary.csv"), *x;

	/* student b: everything decided, one more item whose name needs quoting */
	json_object_set_new(json_object_get(b, "summary"), "status", json_string("fail"));
	json_object_set_new(json_object_get(b, "summary"), "error", json_null());
	json_object_set_new(json_array_get(json_object_get(json_object_get(b, "grading"), "items"), 2),
	    "status", json_string("pass"));
	json_object_set_new(json_array_get(json_object_get(json_object_get(b, "grading"), "items"), 2),
	    "score", json_real(1));
	json_array_append_new(json_object_get(json_object_get(b, "grading"), "items"),
	    json_pack("{s:s, s:s, s:f, s:f, s:s}", "name", "rate, \"fast\"", "kind", "check", "score", 0.5,
	    "max_score", 1.0, "status", "fail"));
	json_object_set_new(json_object_get(b, "grading"), "score", json_real(20.0 / 3));
	/* student d: every item observed to pass, nothing to review */
	json_object_set_new(json_object_get(d, "summary"), "status", json_string("pass"));
	json_object_set_new(json_object_get(d, "summary"), "error", json_null());
	json_object_set_new(json_object_get(d, "grading"), "needs_review", json_false());
	json_object_set_new(json_object_get(d, "grading"), "score", json_real(10));
	items = json_object_get(json_object_get(d, "grading"), "items");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		json_object_set_new(it, "status", json_string("pass"));
		json_object_set(it, "score", json_object_get(it, "max_score"));
	}
	rows = json_pack("[{s:s, s:o, s:n}, {s:s, s:o, s:n}, {s:s, s:o, s:n}, {s:s, s:n, s:s}]",
	    "student", "alice", "results", a, "error",
	    "student", "bob, \"the builder\"", "results", b, "error",
	    "student", "dave", "results", d, "error",
	    "student", "carol", "results", "error", "submission has no balcony_tcp.py");
	CHECK(rows != NULL);
	/* dave was graded three times (grade --runs 3): the figures of grade_of_runs */
	json_object_set_new(json_array_get(rows, 2), "runs", json_pack("{s:i, s:f, s:f, s:f, s:b}", "runs", 3,
	    "median", 10.0, "min", 20.0 / 3, "max", 10.0, "unstable", 1));
	CHECK_INT(report_summary_csv(rows, AT_FDCWD, path, err, sizeof err), 0);
	x = slurp(path);
	CHECK_STR(x,
	    "student,score,max_score,status,needs_review,runs,score_min,score_max,unstable,three-way handshake,"
	    "orderly close,acked,server prints,\"rate, \"\"fast\"\"\",error\r\n"
	    "alice,2.5,10,error,yes,1,2.5,2.5,no,2,0,error,error,,the agent on juliet was lost\r\n"
	    "\"bob, \"\"the builder\"\"\",6.6667,10,fail,yes,1,6.6667,6.6667,no,2,0,1,error,0.5,\r\n"
	    "dave,10,10,pass,no,3,6.6667,10,yes,2,2,1,3,,\r\n"
	    "carol,,,error,yes,,,,,,,,,,submission has no balcony_tcp.py\r\n");
	free(x);

	/* an empty class: the header only */
	json_decref(rows);
	rows = json_array();
	CHECK_INT(report_summary_csv(rows, AT_FDCWD, path, err, sizeof err), 0);
	x = slurp(path);
	CHECK_STR(x, "student,score,max_score,status,needs_review,runs,score_min,score_max,unstable,error\r\n");
	free(x);
	json_decref(rows);
	unlink(path);
	free(path);
}

UNIT_TEST(test_grade_of)
{
	json_t *r = graded_results(), *g;

	/* the rubric when there is one */
	g = report_grade_of(r);
	CHECK(g == json_object_get(r, "grading"));
	json_decref(g);
	json_object_del(r, "grading");
	g = report_grade_of(r);
	CHECK_INT(json_array_size(json_object_get(g, "items")), 0);
	CHECK(json_number_value(json_object_get(g, "max_score")) == 0.0);
	json_decref(g);
	json_decref(r);
}

UNIT_TEST(test_sandbox_shown)
{
	/* romeo: full with limits; juliet: none; an older agent: nothing said */
	json_t *r = graded_results(), *hosts, *doc;
	char err[256] = "", *path = tmp_path("gradescope-sandbox.json"), *s;
	struct buf b;
	const char *out;

	hosts = json_pack("{s:{s:{s:s, s:i}, s:{s:I, s:i, s:n, s:s, s:{s:s}}}, s:{s:{s:s}}, s:{}}",
	    "romeo", "sandbox", "level", "full", "uid", 812345,
	    "limits", "memory", (json_int_t)1 << 30, "processes", 256, "cgroup", "why", "v1 memory, pids, cpu",
	    "paths", "memory", "/sys/fs/cgroup/memory/verona-run-1",
	    "juliet", "sandbox", "level", "none",
	    "old");
	json_object_set_new(json_object_get(r, "manifest"), "hosts", hosts);
	CHECK_STR(report_sandbox_level(json_object_get(hosts, "romeo")), "full");
	CHECK_STR(report_sandbox_level(json_object_get(hosts, "juliet")), "none");
	CHECK_STR(report_sandbox_level(json_object_get(hosts, "old")), "unknown");
	CHECK_STR(report_sandbox_level(NULL), "unknown");
	s = report_unsandboxed_hosts(r);
	CHECK_STR(s, "juliet");
	free(s);
	buf_init(&b);
	report_fields_text(&b, json_object_get(json_object_get(hosts, "romeo"), "limits"), NULL);
	buf_addc(&b, '\0');
	CHECK_STR((char *)b.data, "memory 1 GiB, processes 256, cgroup none, why v1 memory, pids, cpu");
	b.len = 0;
	report_fields_text(&b, json_object_get(json_object_get(hosts, "romeo"), "sandbox"), "level");
	buf_addc(&b, '\0');
	CHECK_STR((char *)b.data, "uid 812345");
	buf_free(&b);

	CHECK_INT(report_gradescope(r, AT_FDCWD, path, err, sizeof err), 0);
	doc = json_load_file(path, 0, NULL);
	out = json_string_value(json_object_get(doc, "output"));
	CHECK(contains(out, "WARNING: not sandboxed: the programs on juliet ran without a sandbox"));
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(doc, "extra_data"), "sandbox"),
	    "old")), "unknown");
	json_decref(doc);
	json_decref(r);
	unlink(path);
	free(path);
}

UNIT_TEST(test_score_text)
{
	char s[32];
	struct buf b;
	json_t *r;

	report_score_text(s, sizeof s, 80.0 / 9);
	CHECK_STR(s, "8.89");
	report_score_text(s, sizeof s, 10);
	CHECK_STR(s, "10");
	report_score_text(s, sizeof s, 8.5);
	CHECK_STR(s, "8.5");
	report_score_text(s, sizeof s, -0.001);
	CHECK_STR(s, "0");
	/* the end of a grade: the score, then each item not passed, its points and its last line */
	r = json_loads("{\"grading\": {\"score\": 8.888888888, \"max_score\": 10, \"raw_score\": 8, \"raw_max_score\": 9, "
	    "\"items\": [{\"name\": \"connects\", \"status\": \"pass\", \"score\": 1, \"max_score\": 1},"
	    "{\"name\": \"speech\", \"status\": \"fail\", \"score\": 0, \"max_score\": 1, "
	    "\"output\": \"c.recv(1024) -> b''\\nwant b'x'\\n\"}]}}", 0, NULL);
	CHECK(r != NULL);
	buf_init(&b);
	report_grade_text(&b, r);
	buf_addc(&b, '\0');
	CHECK_STR((char *)b.data, "Score: 8.89 / 10 (8 of 9 rubric points)\nLost:\n  speech (1 point): want b'x'\n");
	buf_free(&b);
	json_decref(r);
}

int
main(void)
{
	UNIT_RUN(test_score_text);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	UNIT_RUN(test_xml_escape);
	UNIT_RUN(test_csv_field);
	UNIT_RUN(test_gradescope_graded);
	UNIT_RUN(test_gradescope_ungraded);
	UNIT_RUN(test_gradescope_bad);
	UNIT_RUN(test_junit);
	UNIT_RUN(test_junit_ungraded);
	UNIT_RUN(test_summary_csv);
	UNIT_RUN(test_grade_of);
	UNIT_RUN(test_sandbox_shown);
	rmdir(tmpdir);
	return UNIT_END();
}
