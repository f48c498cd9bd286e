/*
 * report-grade-text.c — the grade as a person reads it (report-grade.h):
 * scores with two decimals, the score and the lost items that end a
 * `verona grade`, and a submission graded several times (runs.json, and its
 * gradescope.json saying so).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report-grade.h"
#include "report-grade-int.h"
#include "util.h"

void
report_runs_text(struct buf *b, json_t *runs, json_t *max_score)
{
	json_t *varying = json_object_get(runs, "varying");
	char med[32], lo[32], hi[32], max[32];

	if (!json_is_number(json_object_get(runs, "median"))) {
		buf_printf(b, "graded %lld times: no run finished with a grade",
		    (long long)json_integer_value(json_object_get(runs, "runs")));
		return;
	}
	report_score_text(med, sizeof med, rg_jnum(runs, "median", 0));
	report_score_text(lo, sizeof lo, rg_jnum(runs, "min", 0));
	report_score_text(hi, sizeof hi, rg_jnum(runs, "max", 0));
	report_score_text(max, sizeof max, json_is_number(max_score) ? json_number_value(max_score) : 0);
	buf_printf(b, "graded %lld times: median %s / %s (run %lld), spread %s..%s",
	    (long long)json_integer_value(json_object_get(runs, "runs")), med, max,
	    (long long)json_integer_value(json_object_get(runs, "median_run")), lo, hi);
	if (json_integer_value(json_object_get(runs, "graded")) != json_integer_value(json_object_get(runs, "runs")))
		buf_printf(b, " over the %lld runs that graded", (long long)json_integer_value(json_object_get(runs, "graded")));
	if (!json_is_true(json_object_get(runs, "unstable")))
		return;
	buf_adds(b, ", UNSTABLE: the runs differ");
	for (size_t i = 0; i < json_array_size(varying); i++) {
		json_t *v = json_array_get(varying, i);
		buf_printf(b, "%s \"%s\" passed in %lld of %lld", i ? ";" : ":", rg_jstr(v, "name") ?: "?",
		    (long long)json_integer_value(json_object_get(v, "passed")),
		    (long long)json_integer_value(json_object_get(v, "runs")));
	}
}

int
report_runs(json_t *runs, json_t *median, int dirfd, char *err, size_t errlen)
{
	json_t *doc, *g = report_grade_of(median);
	struct buf t;
	char *s;
	int rc;

	/* runs.json: the figures, for a class's summary and for scripts */
	json_object_set(runs, "max_score", json_object_get(g, "max_score") ?: json_null());
	s = json_dumps(runs, JSON_INDENT(1));
	json_decref(g);
	if (s == NULL) {
		snprintf(err, errlen, "runs.json: cannot encode the document");
		return -1;
	}
	buf_init(&t);
	buf_printf(&t, "%s\n", s);
	free(s);
	rc = rg_write_out(dirfd, "runs.json", t.data, t.len, err, errlen);
	buf_free(&t);
	if (rc != 0 || !json_is_object(median))
		return rc;
	/* gradescope.json: the median run's, saying it is one of several */
	if ((doc = rg_gradescope_doc(median, err, errlen)) == NULL)
		return -1;
	buf_init(&t);
	buf_adds(&t, "This submission was ");
	report_runs_text(&t, runs, json_object_get(runs, "max_score"));
	buf_printf(&t, ".\n\n%s", rg_jstr(doc, "output") ?: "");
	json_object_set_new(doc, "output", json_string((char *)t.data));
	json_object_set(json_object_get(doc, "extra_data"), "runs", runs);
	buf_free(&t);
	return rg_gradescope_write(doc, dirfd, "gradescope.json", err, errlen);
}

/* ---- text for people ---- */

void
report_score_text(char *out, size_t len, double v)
{
	char *p;
	if (!isfinite(v))
		v = 0;
	snprintf(out, len, "%.2f", v);
	p = out + strlen(out) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	if (strcmp(out, "-0") == 0)
		strcpy(out, "0");
}

/* The last line of text with something on it, cut to about 200 bytes (at a character's start). */
static void
last_line(struct buf *b, const char *text)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	if (end - start > 200) {
		end = start + 197;
		while (end > start && ((unsigned char)*end & 0xc0) == 0x80)
			end--;
		buf_add(b, start, (size_t)(end - start));
		buf_adds(b, "...");
	} else
		buf_add(b, start, (size_t)(end - start));
}

void
report_grade_text(struct buf *b, json_t *results)
{
	json_t *g, *items;
	char a[32], m[32];
	int lost = 0;

	if (!json_is_object(json_object_get(results, "grading")))
		return;
	g = report_grade_of(results);
	items = json_object_get(g, "items");
	report_score_text(a, sizeof a, rg_jnum(g, "score", 0));
	report_score_text(m, sizeof m, rg_jnum(g, "max_score", 0));
	buf_printf(b, "Score: %s / %s", a, m);
	if (json_is_number(json_object_get(g, "raw_score"))) {
		report_score_text(a, sizeof a, rg_jnum(g, "raw_score", 0));
		report_score_text(m, sizeof m, rg_jnum(g, "raw_max_score", 0));
		buf_printf(b, " (%s of %s rubric points)", a, m);
	}
	buf_adds(b, report_needs_review(results) ? ", NEEDS REVIEW\n" : "\n");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *st = rg_item_status(it), *out = rg_jstr(it, "output");
		if (rg_streq(st, "pass"))
			continue;
		if (lost++ == 0)
			buf_adds(b, "Lost:\n");
		report_score_text(m, sizeof m, rg_jnum(it, "max_score", 0));
		buf_printf(b, "  %s (%s point%s)%s: ", rg_jstr(it, "name") ?: "(unnamed)", m,
		    rg_jnum(it, "max_score", 0) == 1 ? "" : "s", rg_streq(st, "error") ? " needs review" : "");
		last_line(b, out && *out ? out : "no reason given");
		buf_addc(b, '\n');
	}
	json_decref(g);
}

