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
#include "util.h"

#define NEEDS_REVIEW	"Needs review: "
#define REVIEW_NOTE	"verona could not decide this item, so it scores 0 for now; " \
			"your instructor will review it."

/* ---- reading results leniently ---- */

static const char *
jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static double
jnum(json_t *o, const char *key, double def)
{
	json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : def;
}

static int
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static const char *
experiment_name(json_t *results)
{
	const char *s = jstr(json_object_get(json_object_get(results, "manifest"), "experiment"), "name");
	return s && *s ? s : "experiment";
}

/* "pass", "fail" or "error": anything else is taken as an error. */
static const char *
item_status(json_t *it)
{
	const char *s = jstr(it, "status");
	if (streq(s, "pass") || streq(s, "fail"))
		return s;
	return "error";
}

/* A score as a short decimal: 2, 0.5, 6.6667. */
static void
fmt_num(char *out, size_t len, double v)
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

static int
write_out(int dirfd, const char *path, const void *p, size_t n, char *err, size_t errlen)
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
		const char *status = item_status(c), *name = jstr(c, "name");
		char *n = name && *name ? xstrdup(name) : xasprintf("%s (line %lld)",
		    jstr(c, "check") ? jstr(c, "check") : "check",
		    (long long)json_integer_value(json_object_get(c, "line")));
		json_array_append_new(items, grade_item(n, "check", 1.0, status, jstr(c, "message"), "visible"));
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
		if (streq(item_status(json_array_get(items, i)), "error"))
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
	return streq(jstr(sum, "status"), "error") || jstr(sum, "error") != NULL;
}

/* ---- the sandbox a host reported ---- */

const char *
report_sandbox_level(json_t *host)
{
	const char *level = jstr(json_object_get(host, "sandbox"), "level");
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
		if (streq(report_sandbox_level(h), "none"))
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
			fmt_num(num, sizeof num, x);
			buf_printf(b, "%s %s", num, units[u]);
		} else if (json_is_number(v)) {
			fmt_num(num, sizeof num, json_number_value(v));
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
	if (streq(v, "visible") || streq(v, "hidden") || streq(v, "after_due_date") ||
	    streq(v, "after_published"))
		return v;
	return "visible";
}

static json_t *
gs_test(json_t *it)
{
	const char *status = item_status(it), *out = jstr(it, "output"), *kind = jstr(it, "kind");
	const char *name = jstr(it, "name");
	json_t *t = json_object();

	json_object_set_new(t, "name", json_string(name ? name : "(unnamed)"));
	/* only an observed pass scores; every item keeps its full points in the maximum */
	json_object_set_new(t, "score", json_real(streq(status, "pass") ? jnum(it, "score", 0) : 0));
	json_object_set_new(t, "max_score", json_real(jnum(it, "max_score", 0)));
	json_object_set_new(t, "status", json_string(streq(status, "pass") ? "passed" : "failed"));
	if (streq(status, "error")) {
		char *o = xasprintf(NEEDS_REVIEW "%s\n\n" REVIEW_NOTE, out && *out ? out :
		    "verona could not decide this item");
		json_object_set_new(t, "output", json_string(o));
		free(o);
	} else
		json_object_set_new(t, "output", json_string(out ? out : ""));
	json_object_set_new(t, "visibility", json_string(gs_visibility(jstr(it, "visibility"))));
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
		const char *py = jstr(s, "python"), *shown = jstr(s, "shown");
		if (!json_is_false(json_object_get(s, "pass")))
			continue;
		if (n++ == 0)
			buf_adds(b, "\n\nFailed steps:");
		buf_printf(b, "\n  step %lld (line %lld): %s -> %s",
		    (long long)json_integer_value(json_object_get(s, "number")),
		    (long long)json_integer_value(json_object_get(s, "line")),
		    py ? py : jstr(s, "op") ? jstr(s, "op") : "?", shown ? shown : "(no result)");
		for (size_t k = 0; k < json_array_size(f); k++)
			if (json_is_string(json_array_get(f, k)))
				buf_printf(b, "\n    %s", json_string_value(json_array_get(f, k)));
	}
}

int
report_gradescope(json_t *results, int dirfd, const char *path, char *err, size_t errlen)
{
	json_t *grade, *items, *tests, *doc, *sum, *extra;
	struct buf out;
	char a[32], m[32];
	char *s;
	char *unsandboxed;
	double seconds;
	int rc, nerr, review;

	if (!json_is_object(results)) {
		snprintf(err, errlen, "gradescope: the results are not a JSON object");
		return -1;
	}
	grade = report_grade_of(results);
	items = json_object_get(grade, "items");
	sum = json_object_get(results, "summary");
	tests = json_array();
	nerr = 0;
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		nerr += streq(item_status(it), "error");
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
	fmt_num(a, sizeof a, jnum(grade, "score", 0));
	fmt_num(m, sizeof m, jnum(grade, "max_score", 0));
	buf_printf(&out, "%s: %s of %s points", experiment_name(results), a, m);
	if (json_is_number(json_object_get(grade, "raw_score"))) {
		fmt_num(a, sizeof a, jnum(grade, "raw_score", 0));
		fmt_num(m, sizeof m, jnum(grade, "raw_max_score", 0));
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
			const char *n = jstr(it, "name");
			if (!streq(item_status(it), "error"))
				continue;
			/* a hidden item's name is not shown before its time */
			if (streq(gs_visibility(jstr(it, "visibility")), "visible"))
				buf_printf(&out, "\n  - %s", n ? n : "(unnamed)");
			else
				buf_adds(&out, "\n  - (an item not shown yet)");
		}
	}
	if (harness_errors(results)) {
		const char *e = jstr(sum, "error");
		if (e != NULL)
			buf_printf(&out, "\n\nThe run failed: %s.", e);
		if (!review)
			buf_adds(&out, "\n\nThe run had a harness error: it should be regraded.");
	}
	if (!json_is_object(json_object_get(results, "grading")))
		gs_failed_steps(&out, results);

	seconds = jnum(sum, "seconds", 0);
	extra = json_pack("{s:s, s:s?, s:I, s:i, s:b, s:f}", "experiment", experiment_name(results),
	    "status", jstr(sum, "status"), "exit", (json_int_t)json_integer_value(json_object_get(sum, "exit")),
	    "undecided", nerr, "needs_review", review, "max_score", jnum(grade, "max_score", 0));
	if (json_is_number(json_object_get(grade, "raw_score"))) {
		json_object_set_new(extra, "raw_score", json_real(jnum(grade, "raw_score", 0)));
		json_object_set_new(extra, "raw_max_score", json_real(jnum(grade, "raw_max_score", 0)));
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
	    "score", jnum(grade, "score", 0),
	    "execution_time", (json_int_t)(isfinite(seconds) && seconds > 0 ? ceil(seconds) : 0),
	    "output", (char *)out.data, "output_format", "text",
	    "test_output_format", "text", "test_name_format", "text",
	    "extra_data", extra, "tests", tests);
	buf_free(&out);
	json_decref(grade);
	if (doc == NULL) {
		snprintf(err, errlen, "gradescope: cannot build the document");
		return -1;
	}
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
	rc = write_out(dirfd, path, out.data, out.len, err, errlen);
	buf_free(&out);
	return rc;
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

/* ---- junit.xml ---- */

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
	if (streq(verdict, "fail") || streq(verdict, "error")) {
		const char *elem = streq(verdict, "fail") ? "failure" : "error";
		if (streq(verdict, "fail"))
			j->failures++;
		else
			j->errors++;
		buf_printf(b, "      <%s", elem);
		attr(b, "message", message);
		attr(b, "type", type);
		buf_adds(b, ">");
		report_xml_escape(b, body, 0);
		buf_printf(b, "</%s>\n", elem);
	} else if (streq(verdict, "skipped")) {
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
		if (streq(jstr(it, "kind"), "step") && json_integer_value(json_object_get(it, "step")) == num &&
		    streq(item_status(it), "error"))
			return it;
	}
	return NULL;
}

static void
junit_steps(struct junit *j, json_t *results, struct buf *log)
{
	json_t *steps = json_object_get(results, "steps"), *sum = json_object_get(results, "summary");
	const char *herr = jstr(sum, "error");
	int harness = herr != NULL || streq(jstr(sum, "status"), "error");
	long long nsteps = json_integer_value(json_object_get(sum, "steps"));
	size_t i;

	for (i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i), *f = json_object_get(s, "failures");
		json_t *res = json_object_get(s, "result"), *pass = json_object_get(s, "pass");
		const char *py = jstr(s, "python"), *shown = jstr(s, "shown"), *host = jstr(s, "host");
		const char *state = jstr(s, "state"), *first;
		json_t *undecided;
		long long num = json_is_integer(json_object_get(s, "number")) ?
		    json_integer_value(json_object_get(s, "number")) : (long long)i + 1;
		double secs = 0;
		struct buf body;
		char *name, *out;

		if (py == NULL)
			py = jstr(s, "op") ? jstr(s, "op") : "?";
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
			    "could not be decided", jstr(undecided, "output"), out);
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
		msg = streq(status, "pass") ? "passed" : streq(status, "fail") ? "failed" : "not decided";
	if (json_is_number(json_object_get(it, "max_score"))) {
		fmt_num(a, sizeof a, jnum(it, "score", 0));
		fmt_num(m, sizeof m, jnum(it, "max_score", 0));
		body = xasprintf("%s\n(%s of %s points)", msg, a, m);
	} else
		body = xstrdup(msg);
	if (streq(status, "pass"))
		junit_case(j, name, 0, "pass", NULL, NULL, NULL, body);
	else if (streq(status, "fail"))
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
			if (!streq(jstr(it, "kind"), "check"))
				continue;
			junit_check(j, jstr(it, "name") ? jstr(it, "name") : "(unnamed)", item_status(it),
			    jstr(it, "output"), it);
		}
		return;
	}
	for (size_t i = 0; i < json_array_size(checks); i++) {
		json_t *c = json_array_get(checks, i);
		const char *name = jstr(c, "name");
		char *n = name && *name ? xstrdup(name) : xasprintf("%s (line %lld)",
		    jstr(c, "check") ? jstr(c, "check") : "check",
		    (long long)json_integer_value(json_object_get(c, "line")));
		junit_check(j, n, item_status(c), jstr(c, "message"), NULL);
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
	name = experiment_name(results);
	cls = xasprintf("verona.%s", name);
	memset(&j, 0, sizeof j);
	j.classname = cls;
	buf_init(&j.cases);
	buf_init(&log);
	junit_steps(&j, results, &log);
	junit_checks(&j, results);
	if (jstr(sum, "error") != NULL)
		buf_printf(&log, "harness error: %s\n", jstr(sum, "error"));
	if (jstr(sum, "status") != NULL)
		buf_printf(&log, "status: %s, exit %lld\n", jstr(sum, "status"),
		    (long long)json_integer_value(json_object_get(sum, "exit")));

	snprintf(t, sizeof t, "%.6f", jnum(sum, "seconds", 0) > 0 ? jnum(sum, "seconds", 0) : 0.0);
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
	if (jstr(json_object_get(results, "manifest"), "started") != NULL)
		attr(&b, "timestamp", jstr(json_object_get(results, "manifest"), "started"));
	buf_adds(&b, ">\n    <properties>\n");
	property(&b, "experiment.file", jstr(exp, "file"));
	property(&b, "experiment.sha256", jstr(exp, "sha256"));
	property(&b, "status", jstr(sum, "status"));
	if (json_is_object(g)) {
		fmt_num(num, sizeof num, jnum(g, "score", 0));
		property(&b, "score", num);
		fmt_num(num, sizeof num, jnum(g, "max_score", 0));
		property(&b, "max_score", num);
	}
	property(&b, "needs_review", report_needs_review(results) ? "true" : "false");
	buf_adds(&b, "    </properties>\n");
	buf_add(&b, j.cases.data, j.cases.len);
	text_elem(&b, "    ", "system-out", (char *)log.data);
	buf_adds(&b, "  </testsuite>\n</testsuites>\n");

	rc = write_out(dirfd, path, b.data, b.len, err, errlen);
	buf_free(&b);
	buf_free(&log);
	buf_free(&j.cases);
	free(cls);
	return rc;
}

/* ---- summary.csv ---- */

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
			const char *n = jstr(it, "name");
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
	buf_adds(&b, "student,score,max_score,status,needs_review");
	for (size_t k = 0; k < json_array_size(names); k++) {
		buf_addc(&b, ',');
		report_csv_field(&b, json_string_value(json_array_get(names, k)));
	}
	buf_adds(&b, ",error\r\n");
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i), *gr = json_array_get(grades, i);
		json_t *res = json_object_get(row, "results"), *sum = json_object_get(res, "summary");
		json_t *g = json_object_get(gr, "grade"), *byname = json_object_get(gr, "items");
		const char *e = jstr(row, "error"), *status = jstr(sum, "status");

		report_csv_field(&b, jstr(row, "student"));
		buf_addc(&b, ',');
		if (g != NULL) {
			fmt_num(num, sizeof num, jnum(g, "score", 0));
			buf_adds(&b, num);
		}
		buf_addc(&b, ',');
		if (g != NULL) {
			fmt_num(num, sizeof num, jnum(g, "max_score", 0));
			buf_adds(&b, num);
		}
		buf_addc(&b, ',');
		report_csv_field(&b, g == NULL || status == NULL ? "error" : status);
		/* a run that did not start needs the instructor as much as an undecided item */
		buf_adds(&b, g == NULL || grade_needs_review(g) ? ",yes" : ",no");
		for (size_t k = 0; k < json_array_size(names); k++) {
			json_t *it = json_object_get(byname, json_string_value(json_array_get(names, k)));
			buf_addc(&b, ',');
			if (it == NULL)
				continue;
			if (streq(item_status(it), "error"))
				buf_adds(&b, "error");
			else {
				fmt_num(num, sizeof num, jnum(it, "score", 0));
				buf_adds(&b, num);
			}
		}
		buf_addc(&b, ',');
		if (e == NULL)
			e = jstr(sum, "error");
		if (e == NULL && g == NULL)
			e = "the run did not start";
		report_csv_field(&b, e);
		buf_adds(&b, "\r\n");
	}
	rc = write_out(dirfd, path, b.data, b.len, err, errlen);
	buf_free(&b);
	json_decref(names);
	json_decref(seen);
	json_decref(grades);
	return rc;
}
