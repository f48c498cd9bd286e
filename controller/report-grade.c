/*
 * report-grade.c — gradescope.json, junit.xml and summary.csv from a run's
 * results (see report-grade.h).  Everything is built in a buffer or a JSON
 * document first and written with file_write_atomic, so a crash leaves no
 * half file.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "grade.h"
#include "report-grade.h"
#include "report-grade-int.h"
#include "util.h"

#define NEEDS_REVIEW	"Needs review: "
#define REVIEW_NOTE	"verona could not decide this item, so it scores 0 for now; " \
			"your instructor will review it."

/* ---- reading results leniently ---- */

const char *
rg_jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

double
rg_jnum(json_t *o, const char *key, double def)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : def;
}

int
rg_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

const char *
rg_experiment_name(json_t *results)
{
	const char *s = rg_jstr(json_object_get(json_object_get(results, "manifest"), "experiment"), "name");
	return s && *s ? s : "experiment";
}

/* "pass", "fail" or "error": anything else is taken as an error. */
const char *
rg_item_status(json_t *it)
{
	const char *s = rg_jstr(it, "status");
	if (rg_streq(s, "pass") || rg_streq(s, "fail"))
		return s;
	return "error";
}

/* A score as a short decimal: 2, 0.5, 6.6667. */
void
rg_fmt_num(char *out, size_t len, double v)
{
	char *p;
	if (!isfinite(v))
		v = 0;
	snprintf(out, len, "%.4f", v);
	if (strchr(out, '.') != NULL) {
		p = out + strlen(out) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
	if (strcmp(out, "-0") == 0)
		strcpy(out, "0");
}

int
rg_write_out(int dirfd, const char *path, const void *p, size_t n, char *err, size_t errlen)
{
	if (file_write_atomic_at(dirfd, path, p, n) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

json_t *
report_grade_of(json_t *results)
{
	json_t *g = json_object_get(results, "grading"), *checks, *items;

	if (json_is_object(g) && json_is_array(json_object_get(g, "items")))
		return json_incref(g);
	/* no rubric: every check is worth a point, and only a pass scores it (grade.h) */
	checks = json_object_get(results, "checks");
	items = json_array();
	for (size_t i = 0; i < json_array_size(checks); i++) {
		json_t *c = json_array_get(checks, i);
		const char *status = rg_item_status(c), *name = rg_jstr(c, "name");
		char *n = name && *name ? xstrdup(name) : xasprintf("%s (line %lld)",
		    rg_jstr(c, "check") ? rg_jstr(c, "check") : "check",
		    (long long)json_integer_value(json_object_get(c, "line")));
		json_array_append_new(items, grade_item(n, "check", 1.0, status, rg_jstr(c, "message"), "visible"));
		free(n);
	}
	return grade_total(items, NULL);
}

/* An undecided item in the grade (needs_review, or any item of status error). */
static int
grade_needs_review(json_t *grade)
{
	json_t *items = json_object_get(grade, "items");

	if (json_is_true(json_object_get(grade, "needs_review")))
		return 1;
	for (size_t i = 0; i < json_array_size(items); i++)
		if (rg_streq(rg_item_status(json_array_get(items, i)), "error"))
			return 1;
	return 0;
}

int
report_needs_review(json_t *results)
{
	json_t *g;
	int r;

	if (!json_is_object(results))
		return 1;
	g = report_grade_of(results);
	r = grade_needs_review(g);
	json_decref(g);
	return r;
}

/* True if the run had a harness error (the testbed failed). */
static int
harness_errors(json_t *results)
{
	json_t *sum = json_object_get(results, "summary");
	return rg_streq(rg_jstr(sum, "status"), "error") || rg_jstr(sum, "error") != NULL;
}

/* ---- the sandbox a host reported ---- */

const char *
report_sandbox_level(json_t *host)
{
	const char *level = rg_jstr(json_object_get(host, "sandbox"), "level");
	return level && *level ? level : "unknown";
}

char *
report_unsandboxed_hosts(json_t *results)
{
	json_t *hosts = json_object_get(json_object_get(results, "manifest"), "hosts"), *h;
	const char *name;
	struct buf b;

	buf_init(&b);
	json_object_foreach(hosts, name, h)
		if (rg_streq(report_sandbox_level(h), "none"))
			buf_printf(&b, "%s%s", b.len ? ", " : "", name);
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

/* A key whose integer value is a number of bytes. */
static int
size_key(const char *k)
{
	static const char *const words[] = { "memory", "disk", "bytes", "size", "tmp", "shm" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(k, words[i]) != NULL)
			return 1;
	return 0;
}

/* Keys kept in results.json but not worth a report's line (a cgroup's file system paths). */
static int
unshown_key(const char *k)
{
	static const char *const keys[] = { "paths", "path" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

static void
fields_text(struct buf *b, json_t *obj, const char *skip, const char *prefix, int depth, int *n)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		char num[32];
		if ((skip != NULL && depth == 0 && strcmp(k, skip) == 0) || unshown_key(k))
			continue;
		if (json_is_object(v) && depth < 3) {
			char *p = xasprintf("%s%s.", prefix, k);
			fields_text(b, v, NULL, p, depth + 1, n);
			free(p);
			continue;
		}
		buf_printf(b, "%s%s%s ", (*n)++ ? ", " : "", prefix, k);
		if (json_is_null(v))
			buf_adds(b, "none");
		else if (json_is_true(v) || json_is_false(v))
			buf_adds(b, json_is_true(v) ? "yes" : "no");
		else if (json_is_integer(v) && size_key(k) && json_integer_value(v) >= 1024) {
			double x = (double)json_integer_value(v);
			size_t u = 0;
			while (x >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
				x /= 1024;
				u++;
			}
			rg_fmt_num(num, sizeof num, x);
			buf_printf(b, "%s %s", num, units[u]);
		} else if (json_is_number(v)) {
			rg_fmt_num(num, sizeof num, json_number_value(v));
			buf_adds(b, num);
		} else if (json_is_string(v))
			buf_adds(b, json_string_value(v));
		else if (json_is_array(v)) {
			for (size_t i = 0; i < json_array_size(v); i++) {
				json_t *e = json_array_get(v, i);
				char *t = json_is_string(e) ? xstrdup(json_string_value(e)) : json_dumps(e, JSON_ENCODE_ANY | JSON_COMPACT);
				buf_printf(b, "%s%s", i ? "/" : "", t ? t : "?");
				free(t);
			}
		} else
			buf_adds(b, "...");
	}
}

void
report_fields_text(struct buf *b, json_t *obj, const char *skip)
{
	struct buf t;
	int n = 0;

	if (!json_is_object(obj))
		return;
	buf_init(&t);
	fields_text(&t, obj, skip, "", 0, &n);
	/* a limits object may be anything an agent says: keep it to a line */
	if (t.len > 400) {
		t.len = 397;
		while (t.len > 0 && (t.data[t.len] & 0xc0) == 0x80)
			t.len--;
		buf_adds(&t, "...");
	}
	if (t.len > 0)
		buf_add(b, t.data, t.len);
	buf_free(&t);
}

/* ---- gradescope.json ---- */

static const char *
gs_visibility(const char *v)
{
	if (rg_streq(v, "visible") || rg_streq(v, "hidden") || rg_streq(v, "after_due_date") ||
	    rg_streq(v, "after_published"))
		return v;
	return "visible";
}

static json_t *
gs_test(json_t *it)
{
	const char *status = rg_item_status(it), *out = rg_jstr(it, "output"), *kind = rg_jstr(it, "kind");
	const char *name = rg_jstr(it, "name");
	json_t *t = json_object();

	json_object_set_new(t, "name", json_string(name ? name : "(unnamed)"));
	/* only an observed pass scores; every item keeps its full points in the maximum */
	json_object_set_new(t, "score", json_real(rg_streq(status, "pass") ? rg_jnum(it, "score", 0) : 0));
	json_object_set_new(t, "max_score", json_real(rg_jnum(it, "max_score", 0)));
	json_object_set_new(t, "status", json_string(rg_streq(status, "pass") ? "passed" : "failed"));
	if (rg_streq(status, "error")) {
		char *o = xasprintf(NEEDS_REVIEW "%s\n\n" REVIEW_NOTE, out && *out ? out :
		    "verona could not decide this item");
		json_object_set_new(t, "output", json_string(o));
		free(o);
	} else
		json_object_set_new(t, "output", json_string(out ? out : ""));
	json_object_set_new(t, "visibility", json_string(gs_visibility(rg_jstr(it, "visibility"))));
	if (kind != NULL)
		json_object_set_new(t, "tags", json_pack("[s]", kind));
	return t;
}

/* The failed steps, for the output of an ungraded run. */
static void
gs_failed_steps(struct buf *b, json_t *results)
{
	json_t *steps = json_object_get(results, "steps");
	int n = 0;

	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i), *f = json_object_get(s, "failures");
		const char *py = rg_jstr(s, "python"), *shown = rg_jstr(s, "shown");
		if (!json_is_false(json_object_get(s, "pass")))
			continue;
		if (n++ == 0)
			buf_adds(b, "\n\nFailed steps:");
		buf_printf(b, "\n  step %lld (line %lld): %s -> %s",
		    (long long)json_integer_value(json_object_get(s, "number")),
		    (long long)json_integer_value(json_object_get(s, "line")),
		    py ? py : rg_jstr(s, "op") ? rg_jstr(s, "op") : "?", shown ? shown : "(no result)");
		for (size_t k = 0; k < json_array_size(f); k++)
			if (json_is_string(json_array_get(f, k)))
				buf_printf(b, "\n    %s", json_string_value(json_array_get(f, k)));
	}
}

json_t *
rg_gradescope_doc(json_t *results, char *err, size_t errlen)
{
	json_t *grade, *items, *tests, *doc, *sum, *extra;
	struct buf out;
	char a[32], m[32];
	char *unsandboxed;
	double seconds;
	int nerr, review;

	if (!json_is_object(results)) {
		snprintf(err, errlen, "gradescope: the results are not a JSON object");
		return NULL;
	}
	grade = report_grade_of(results);
	items = json_object_get(grade, "items");
	sum = json_object_get(results, "summary");
	tests = json_array();
	nerr = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		nerr += rg_streq(rg_item_status(it), "error");
		json_array_append_new(tests, gs_test(it));
	}
	review = nerr > 0 || grade_needs_review(grade);
	unsandboxed = report_unsandboxed_hosts(results);

	buf_init(&out);
	if (review)
		buf_printf(&out, "NEEDS REVIEW: %d item%s could not be decided and score%s 0 for now; your "
		    "instructor will review %s, so this score is not final.\n\n", nerr, nerr == 1 ? "" : "s",
		    nerr == 1 ? "s" : "", nerr == 1 ? "it" : "them");
	if (unsandboxed != NULL)
		buf_printf(&out, "WARNING: not sandboxed: the programs on %s ran without a sandbox "
		    "(sandbox level none).\n\n", unsandboxed);
	report_score_text(a, sizeof a, rg_jnum(grade, "score", 0));
	report_score_text(m, sizeof m, rg_jnum(grade, "max_score", 0));
	buf_printf(&out, "%s: %s of %s points", rg_experiment_name(results), a, m);
	if (json_is_number(json_object_get(grade, "raw_score"))) {
		report_score_text(a, sizeof a, rg_jnum(grade, "raw_score", 0));
		report_score_text(m, sizeof m, rg_jnum(grade, "raw_max_score", 0));
		buf_printf(&out, " (%s of %s rubric points, scaled to the total)", a, m);
	}
	buf_addc(&out, '.');
	if (json_is_object(sum))
		buf_printf(&out, "\nSteps: %lld of %lld passed. Checks: %lld, %lld failed, %lld undecidable.",
		    (long long)json_integer_value(json_object_get(sum, "passed")),
		    (long long)json_integer_value(json_object_get(sum, "steps")),
		    (long long)json_integer_value(json_object_get(sum, "checks")),
		    (long long)json_integer_value(json_object_get(sum, "checks_failed")),
		    (long long)json_integer_value(json_object_get(sum, "checks_errors")));
	if (review) {
		buf_adds(&out, "\n\nTo be reviewed:");
		for (size_t i = 0; i < json_array_size(items); i++) {
			json_t *it = json_array_get(items, i);
			const char *n = rg_jstr(it, "name");
			if (!rg_streq(rg_item_status(it), "error"))
				continue;
			/* a hidden item's name is not shown before its time */
			if (rg_streq(gs_visibility(rg_jstr(it, "visibility")), "visible"))
				buf_printf(&out, "\n  - %s", n ? n : "(unnamed)");
			else
				buf_adds(&out, "\n  - (an item not shown yet)");
		}
	}
	if (harness_errors(results)) {
		const char *e = rg_jstr(sum, "error");
		if (e != NULL)
			buf_printf(&out, "\n\nThe run failed: %s.", e);
		if (!review)
			buf_adds(&out, "\n\nThe run had a harness error: it should be regraded.");
	}
	if (!json_is_object(json_object_get(results, "grading")))
		gs_failed_steps(&out, results);

	seconds = rg_jnum(sum, "seconds", 0);
	extra = json_pack("{s:s, s:s?, s:I, s:i, s:b, s:f}", "experiment", rg_experiment_name(results),
	    "status", rg_jstr(sum, "status"), "exit", (json_int_t)json_integer_value(json_object_get(sum, "exit")),
	    "undecided", nerr, "needs_review", review, "max_score", rg_jnum(grade, "max_score", 0));
	if (json_is_number(json_object_get(grade, "raw_score"))) {
		json_object_set_new(extra, "raw_score", json_real(rg_jnum(grade, "raw_score", 0)));
		json_object_set_new(extra, "raw_max_score", json_real(rg_jnum(grade, "raw_max_score", 0)));
	}
	{
		json_t *hosts = json_object_get(json_object_get(results, "manifest"), "hosts"), *h, *sb = json_object();
		const char *hn;
		json_object_foreach(hosts, hn, h)
			json_object_set_new(sb, hn, json_string(report_sandbox_level(h)));
		json_object_set_new(extra, "sandbox", sb);
	}
	free(unsandboxed);
	doc = json_pack("{s:f, s:I, s:s, s:s, s:s, s:s, s:o, s:o}",
	    "score", rg_jnum(grade, "score", 0),
	    "execution_time", (json_int_t)(isfinite(seconds) && seconds > 0 ? ceil(seconds) : 0),
	    "output", (char *)out.data, "output_format", "text",
	    "test_output_format", "text", "test_name_format", "text",
	    "extra_data", extra, "tests", tests);
	buf_free(&out);
	json_decref(grade);
	if (doc == NULL)
		snprintf(err, errlen, "gradescope: cannot build the document");
	return doc;
}

int
rg_gradescope_write(json_t *doc, int dirfd, const char *path, char *err, size_t errlen)
{
	struct buf out;
	char *s;
	int rc;

	if (doc == NULL)
		return -1;
	s = json_dumps(doc, JSON_INDENT(1));
	json_decref(doc);
	if (s == NULL) {
		snprintf(err, errlen, "gradescope: cannot encode the document");
		return -1;
	}
	buf_init(&out);
	buf_adds(&out, s);
	buf_addc(&out, '\n');
	free(s);
	rc = rg_write_out(dirfd, path, out.data, out.len, err, errlen);
	buf_free(&out);
	return rc;
}

int
report_gradescope(json_t *results, int dirfd, const char *path, char *err, size_t errlen)
{
	return rg_gradescope_write(rg_gradescope_doc(results, err, errlen), dirfd, path, err, errlen);
}

/* ---- XML and CSV text ---- */

/*
 * Decodes one UTF-8 sequence at p (n bytes left): returns its length and
 * sets *cp, or returns 1 with *cp = -1 for a byte that starts no valid
 * sequence (overlong forms and surrogates included).
 */
static size_t
utf8_next(const unsigned char *p, size_t n, long *cp)
{
	size_t len;
	long c, min;

	*cp = -1;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		len = 2, c = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, c = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, c = p[0] & 0x07, min = 0x10000;
	} else
		return 1;
	if (len > n)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 1;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 1;
	*cp = c;
	return len;
}

/* XML 1.0's Char production. */
static int
xml_char(long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

void
report_xml_escape(struct buf *b, const char *s, int attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);

	while (n > 0) {
		long c;
		size_t len = utf8_next(p, n, &c);
		if (!xml_char(c))
			buf_adds(b, "\xef\xbf\xbd");	/* U+FFFD */
		else if (c == '&')
			buf_adds(b, "&amp;");
		else if (c == '<')
			buf_adds(b, "&lt;");
		else if (c == '>')
			buf_adds(b, "&gt;");
		else if (c == '"')
			buf_adds(b, "&quot;");
		else if (c == '\'')
			buf_adds(b, "&apos;");
		else if (c == '\r')
			buf_adds(b, "&#13;");	/* parsers would turn a raw CR into LF */
		else if (attr && c == '\n')
			buf_adds(b, "&#10;");	/* and normalise these to spaces */
		else if (attr && c == '\t')
			buf_adds(b, "&#9;");
		else
			buf_add(b, p, len);
		p += len;
		n -= len;
	}
}

void
report_csv_field(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/* ---- summary.csv ---- */

/* The runs, score_min, score_max and unstable fields: of grade --runs N, else of the one run that graded. */
static void
summary_runs(struct buf *b, json_t *runs, json_t *g)
{
	char lo[32], hi[32];

	if (json_is_object(runs) && json_is_number(json_object_get(runs, "min"))) {
		rg_fmt_num(lo, sizeof lo, rg_jnum(runs, "min", 0));
		rg_fmt_num(hi, sizeof hi, rg_jnum(runs, "max", 0));
		buf_printf(b, ",%lld,%s,%s,%s", (long long)json_integer_value(json_object_get(runs, "runs")), lo, hi,
		    json_is_true(json_object_get(runs, "unstable")) ? "yes" : "no");
	} else if (g != NULL) {
		rg_fmt_num(lo, sizeof lo, rg_jnum(g, "score", 0));
		buf_printf(b, ",1,%s,%s,no", lo, lo);
	} else
		buf_adds(b, ",,,,");
}

int
report_summary_csv(json_t *rows, int dirfd, const char *path, char *err, size_t errlen)
{
	json_t *names, *seen, *grades;
	struct buf b;
	char num[32];
	int rc;

	if (!json_is_array(rows)) {
		snprintf(err, errlen, "summary: the rows are not a JSON array");
		return -1;
	}
	names = json_array();
	seen = json_object();
	grades = json_array();
	/* every row's grade, as name -> item, and the union of the names */
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *res = json_object_get(json_array_get(rows, i), "results"), *g, *items, *byname;
		if (!json_is_object(res)) {
			json_array_append_new(grades, json_null());
			continue;
		}
		g = report_grade_of(res);
		items = json_object_get(g, "items");
		byname = json_object();
		for (size_t k = 0; k < json_array_size(items); k++) {
			json_t *it = json_array_get(items, k);
			const char *n = rg_jstr(it, "name");
			if (n == NULL)
				continue;
			if (json_object_get(seen, n) == NULL) {
				json_object_set_new(seen, n, json_true());
				json_array_append_new(names, json_string(n));
			}
			if (json_object_get(byname, n) == NULL)
				json_object_set(byname, n, it);
		}
		json_array_append_new(grades, json_pack("{s:o, s:o}", "grade", g, "items", byname));
	}

	buf_init(&b);
	buf_adds(&b, "student,score,max_score,status,needs_review,runs,score_min,score_max,unstable");
	for (size_t k = 0; k < json_array_size(names); k++) {
		buf_addc(&b, ',');
		report_csv_field(&b, json_string_value(json_array_get(names, k)));
	}
	buf_adds(&b, ",error\r\n");
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i), *gr = json_array_get(grades, i);
		json_t *res = json_object_get(row, "results"), *sum = json_object_get(res, "summary");
		json_t *g = json_object_get(gr, "grade"), *byname = json_object_get(gr, "items");
		const char *e = rg_jstr(row, "error"), *status = rg_jstr(sum, "status");

		report_csv_field(&b, rg_jstr(row, "student"));
		buf_addc(&b, ',');
		if (g != NULL) {
			rg_fmt_num(num, sizeof num, rg_jnum(g, "score", 0));
			buf_adds(&b, num);
		}
		buf_addc(&b, ',');
		if (g != NULL) {
			rg_fmt_num(num, sizeof num, rg_jnum(g, "max_score", 0));
			buf_adds(&b, num);
		}
		buf_addc(&b, ',');
		report_csv_field(&b, g == NULL || status == NULL ? "error" : status);
		/* a run that did not start needs the instructor as much as an undecided item */
		buf_adds(&b, g == NULL || grade_needs_review(g) ? ",yes" : ",no");
		summary_runs(&b, json_object_get(row, "runs"), g);
		for (size_t k = 0; k < json_array_size(names); k++) {
			json_t *it = json_object_get(byname, json_string_value(json_array_get(names, k)));
			buf_addc(&b, ',');
			if (it == NULL)
				continue;
			if (rg_streq(rg_item_status(it), "error"))
				buf_adds(&b, "error");
			else {
				rg_fmt_num(num, sizeof num, rg_jnum(it, "score", 0));
				buf_adds(&b, num);
			}
		}
		buf_addc(&b, ',');
		if (e == NULL)
			e = rg_jstr(sum, "error");
		if (e == NULL && g == NULL)
			e = "the run did not start";
		report_csv_field(&b, e);
		buf_adds(&b, "\r\n");
	}
	rc = rg_write_out(dirfd, path, b.data, b.len, err, errlen);
	buf_free(&b);
	json_decref(names);
	json_decref(seen);
	json_decref(grades);
	return rc;
}
