/*
 * test_report_class.c — unit tests for controller/report-class.c
 * (summary.html): a generated class of 300 students, written beside the
 * summary.csv of the same rows: a row per student with summary.csv's score,
 * the histogram counting every graded student once, the items most lost
 * first with their tallies, the flagged students, links to the median run's
 * report, every student string escaped and percent-encoded, the script
 * allowed by its hash, and a compact page.  Rows of the wrong shape never
 * crash it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "report-class.h"
#include "report-grade.h"
#include "util.h"
#include "unit.h"

#define NSTUDENTS	300
#define HOSTILE		"<script>alert(1)</script>\"&' #?%"

static char tmpdir[] = "/tmp/verona-report-class.XXXXXX";
static int dfd = -1;		/* tmpdir */

static char *
slurp(const char *name)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	size_t len;
	char *s = file_read_all(path, &len, 16 << 20);

	free(path);
	return s ? s : xstrdup("");
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* One item of a grade. */
static json_t *
item(const char *name, double points, const char *status)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:s, s:s, s:s}", "name", name, "kind", "check",
	    "score", strcmp(status, "pass") == 0 ? points : 0.0, "max_score", points, "status", status,
	    "output", "why", "visibility", "visible");
}

/*
 * Student i of the class: score i % 11 of 10; "handshake" always passes,
 * "close" passes for even i, "speech" for i % 5 == 0, "answer" is undecided
 * for i % 50 == 0; every 100th did not grade, every 30th ran 3 times (unstable
 * when i % 60 == 0), student 7 is named HOSTILE.
 */
static json_t *
student_row(int i)
{
	char name[32];
	json_t *items, *res, *runs = json_null();

	snprintf(name, sizeof name, "s%03d", i);
	if (i % 100 == 99)
		return json_pack("{s:s, s:n, s:s, s:n}", "student", name, "results", "error", "the run did not finish (exit 3)",
		    "runs");
	items = json_array();
	json_array_append_new(items, item("handshake", 1, "pass"));
	json_array_append_new(items, item("close", 1, i % 2 == 0 ? "pass" : "fail"));
	json_array_append_new(items, item("speech", 2, i % 5 == 0 ? "pass" : "fail"));
	json_array_append_new(items, item("answer <b>&</b>", 2, i % 50 == 0 ? "error" : "pass"));
	res = json_pack("{s:{s:{s:s}}, s:{s:s}, s:{s:f, s:f, s:b, s:o}}",
	    "manifest", "experiment", "name", "balcony<&>",
	    "summary", "status", i % 11 == 10 ? "pass" : "fail",
	    "grading", "score", (double)(i % 11), "max_score", 10.0, "needs_review", i % 50 == 0, "items", items);
	if (i % 30 == 0) {
		json_decref(runs);
		runs = json_pack("{s:i, s:i, s:f, s:f, s:f, s:i, s:b}", "runs", 3, "graded", 3, "median", (double)(i % 11),
		    "min", 0.0, "max", 10.0, "median_run", 2, "unstable", i % 60 == 0);
	}
	return json_pack("{s:s, s:o, s:n, s:o}", "student", i == 7 ? HOSTILE : name, "results", res, "error", "runs", runs);
}

static json_t *
class_rows(void)
{
	json_t *rows = json_array();

	for (int i = 0; i < NSTUDENTS; i++)
		json_array_append_new(rows, student_row(i));
	return rows;
}

UNIT_TEST(three_hundred_students_one_row_each)
{
	json_t *rows = class_rows();
	char err[256] = "";
	char *html;

	CHECK_INT(report_class_html(rows, dfd, "summary.html", err, sizeof err), 0);
	html = slurp("summary.html");
	CHECK(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	CHECK_INT(count(html, "<tr class=\"student\">"), NSTUDENTS);
	CHECK(strstr(html, "<b id=\"n-students\">300</b>") != NULL);
	/* needs review: the 3 that did not grade and the 6 with an undecided item; unstable: 5 */
	CHECK(strstr(html, "<b id=\"n-review\">9</b>") != NULL);
	CHECK(strstr(html, "<b id=\"n-unstable\">5</b>") != NULL);
	CHECK_INT(count(html, "<span class=\"flag nograde\">"), 2 * 3);	/* in the list to look at, and the row */
	CHECK_INT(count(html, "<span class=\"flag unstable\">"), 2 * 5);
	/* compact: under 1 KB a student with four items */
	CHECK(strlen(html) < NSTUDENTS * 1024);
	free(html);
	json_decref(rows);
}

UNIT_TEST(histogram_counts_every_graded_student_once)
{
	json_t *rows = class_rows();
	char err[256], want[64], *html, *p;
	int total = 0, bins = 0;

	CHECK_INT(report_class_html(rows, dfd, "no-such-folder/h.html", err, sizeof err), -1);
	CHECK(strstr(err, "summary.html: ") == err);
	CHECK_INT(report_class_html(rows, dfd, "h.html", err, sizeof err), 0);
	html = slurp("h.html");
	for (p = html; (p = strstr(p, "<rect class=\"bar\" data-count=\"")) != NULL; p++) {
		total += atoi(p + strlen("<rect class=\"bar\" data-count=\""));
		bins++;
	}
	CHECK_INT(bins, 10);
	CHECK_INT(total, NSTUDENTS - 3);
	/* scores 0..10 of 10: the last bar holds the 9s and the 10s (27 each of 297 graded) */
	snprintf(want, sizeof want, "data-count=\"%d\"", 27 + 27);
	CHECK(strstr(html, want) != NULL);
	free(html);
	json_decref(rows);
}

UNIT_TEST(items_most_lost_first_with_their_tallies)
{
	json_t *rows = class_rows();
	char err[256], *html, *a, *b, *c, *d;

	CHECK_INT(report_class_html(rows, dfd, "i.html", err, sizeof err), 0);
	html = slurp("i.html");
	/* of 297 graded: speech passed by 60, close by 150, answer by 291, handshake by all */
	a = strstr(html, "id=\"item-1\" data-passed=\"60\" data-graded=\"297\"");
	b = strstr(html, "id=\"item-2\" data-passed=\"150\" data-graded=\"297\"");
	c = strstr(html, "id=\"item-3\" data-passed=\"291\" data-graded=\"297\"");
	d = strstr(html, "id=\"item-4\" data-passed=\"297\" data-graded=\"297\"");
	CHECK(a != NULL && b != NULL && c != NULL && d != NULL);
	CHECK(c != NULL && strstr(c, "answer &lt;b&gt;&amp;&lt;/b&gt;") != NULL);
	CHECK(strstr(html, "answer <b>") == NULL);
	CHECK(strstr(html, "<td class=\"num err\">6</td>") != NULL);	/* answer's undecided */
	free(html);
	json_decref(rows);
}

UNIT_TEST(scores_are_summary_csvs)
{
	json_t *rows = class_rows();
	char err[256], *html, *csv, *line, *save = NULL, *p;
	int n = 0;

	CHECK_INT(report_class_html(rows, dfd, "s.html", err, sizeof err), 0);
	CHECK_INT(report_summary_csv(rows, dfd, "s.csv", err, sizeof err), 0);
	html = slurp("s.html");
	csv = slurp("s.csv");
	p = html;
	for (line = strtok_r(csv, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
		char *comma, want[80];
		if (line[0] != 's' || line[1] == 't')
			continue;	/* the header, and the hostile name's quoted row */
		comma = strchr(line, ',');
		*strchr(comma + 1, ',') = '\0';
		snprintf(want, sizeof want, "<td class=\"num score\" data-v=\"%s\">", comma + 1);
		CHECK((p = strstr(p, want)) != NULL);
		if (p == NULL)
			break;
		n++;
	}
	CHECK_INT(n, NSTUDENTS - 1);
	free(html);
	free(csv);
	json_decref(rows);
}

UNIT_TEST(student_strings_are_escaped_and_links_encoded)
{
	json_t *rows = class_rows();
	char err[256], *html;

	CHECK_INT(report_class_html(rows, dfd, "e.html", err, sizeof err), 0);
	html = slurp("e.html");
	CHECK_INT(count(html, "<script"), 1);	/* the page's own */
	CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39; #?%") != NULL);
	CHECK(strstr(html, "href=\"%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%26%27%20%23%3F%25/report.html\"") != NULL);
	/* the median run's report with --runs, the log when the run did not grade */
	CHECK(strstr(html, "href=\"s030/run-2/report.html\"") != NULL);
	CHECK(strstr(html, "href=\"s099.log\"") != NULL);
	CHECK(strstr(html, "href=\"s001/report.html\"") != NULL);
	CHECK(strstr(html, "<title>balcony&lt;&amp;&gt; — class summary</title>") != NULL);
	free(html);
	json_decref(rows);
}

UNIT_TEST(the_script_is_allowed_by_its_hash)
{
	json_t *rows = class_rows();
	char err[256], *html, *s, *e, *csp, want[128];
	unsigned char h[crypto_hash_sha256_BYTES];
	char h64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	CHECK_INT(report_class_html(rows, dfd, "c.html", err, sizeof err), 0);
	html = slurp("c.html");
	s = strstr(html, "<script>");
	e = s ? strstr(s, "</script>") : NULL;
	CHECK(s != NULL && e != NULL);
	if (s != NULL && e != NULL) {
		s += strlen("<script>");
		crypto_hash_sha256(h, (unsigned char *)s, (size_t)(e - s));
		sodium_bin2base64(h64, sizeof h64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
		snprintf(want, sizeof want, "script-src 'sha256-%s'", h64);
		csp = strstr(html, "Content-Security-Policy");
		CHECK(csp != NULL && strstr(csp, want) != NULL && strstr(csp, "default-src 'none'") != NULL);
	}
	free(html);
	json_decref(rows);
}

UNIT_TEST(rows_of_the_wrong_shape)
{
	char err[256] = "";
	json_t *rows = json_pack("[{s:i}, {s:s, s:s}, {s:s, s:{s:s, s:[i]}}, i, {s:s, s:{}, s:s}]",
	    "student", 3, "student", "a", "results", "x", "student", "b", "results", "grading", "x", "items", 1,
	    5, "student", "c", "results", "runs", "x");
	json_t *notarray = json_object();
	char *html;

	CHECK_INT(report_class_html(notarray, dfd, "w.html", err, sizeof err), -1);
	CHECK(strstr(err, "not a JSON array") != NULL);
	CHECK_INT(report_class_html(rows, dfd, "w.html", err, sizeof err), 0);
	html = slurp("w.html");
	CHECK_INT(count(html, "<tr class=\"student\">"), 5);
	free(html);
	json_decref(rows);
	json_decref(notarray);
	rows = json_array();
	CHECK_INT(report_class_html(rows, dfd, "none.html", err, sizeof err), 0);
	html = slurp("none.html");
	CHECK(strstr(html, "No submission graded.") != NULL);
	free(html);
	json_decref(rows);
}

int
main(void)
{
	char *cmd;

	if (mkdtemp(tmpdir) == NULL || (dfd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 2;
	UNIT_RUN(three_hundred_students_one_row_each);
	UNIT_RUN(histogram_counts_every_graded_student_once);
	UNIT_RUN(items_most_lost_first_with_their_tallies);
	UNIT_RUN(scores_are_summary_csvs);
	UNIT_RUN(student_strings_are_escaped_and_links_encoded);
	UNIT_RUN(the_script_is_allowed_by_its_hash);
	UNIT_RUN(rows_of_the_wrong_shape);
	close(dfd);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return UNIT_END();
}
