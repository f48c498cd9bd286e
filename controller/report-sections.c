/*
 * report-sections.c — report.html's sections below the diagram: the
 * steps, the checks, the graded items, the overhead of each protocol and
 * the output of the programs the steps ran.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-grade.h"
#include "report-int.h"
#include "util.h"

#define OUTPUT_MAX	65536	/* bytes of a program's stream shown */

void
report_steps_section(struct buf *b, json_t *doc)
{
	json_t *steps = json_object_get(doc, "steps"), *s;
	size_t i;
	int64_t t0 = INT64_MAX;

	json_array_foreach(steps, i, s) {
		json_t *st = json_object_get(json_object_get(s, "result"), "start_ns");
		if (json_is_integer(st) && json_integer_value(st) < t0)
			t0 = json_integer_value(st);
	}
	buf_adds(b, "<section id=\"steps\"><h2>Steps</h2>\n");
	if (json_array_size(steps) == 0) {
		buf_adds(b, "<p class=\"muted\">No step ran.</p></section>\n");
		return;
	}
	buf_adds(b, "<table class=\"steps\"><tr><th>#</th><th>host</th><th>Python</th><th>result</th><th>verdict</th>"
	    "<th>failures</th><th>at</th><th>packets</th></tr>\n");
	json_array_foreach(steps, i, s) {
		json_t *pass = json_object_get(s, "pass"), *res = json_object_get(s, "result"), *f, *fv;
		size_t k;
		long long n = (long long)report_jint(s, "number");
		buf_printf(b, "<tr class=\"step%s\" id=\"step-%lld\"><td><a href=\"#mark-%lld\" title=\"in the diagram\">%lld</a></td><td>",
		    json_is_false(pass) ? " failrow" : "", n, n, n);
		report_esc(b, report_jstr(s, "host"));
		buf_adds(b, "</td><td class=\"code\">");
		report_esc(b, report_jstr(s, "python"));
		buf_adds(b, "</td><td class=\"code\">");
		report_esc_or(b, report_jstr(s, "shown"), "<span class=\"muted\">(not run)</span>");
		if (report_jstr(s, "state") != NULL) {
			buf_adds(b, "<br><span class=\"muted\">state ");
			report_esc(b, report_jstr(s, "state"));
			buf_adds(b, "</span>");
		}
		buf_printf(b, "</td><td>%s</td><td>", json_is_true(pass) ? "<span class=\"ok\">pass</span>" :
		    json_is_false(pass) ? "<span class=\"bad\">FAIL</span>" : "<span class=\"muted\">—</span>");
		f = json_object_get(s, "failures");
		json_array_foreach(f, k, fv) {
			buf_adds(b, "<div>");
			report_esc(b, json_string_value(fv));
			buf_adds(b, "</div>");
		}
		buf_adds(b, "</td><td class=\"nowrap\">");
		if (json_is_integer(json_object_get(res, "start_ns")) && t0 != INT64_MAX)
			report_reltime(b, report_jint(res, "start_ns") - t0);
		buf_printf(b, "</td><td>%zu</td></tr>\n", json_array_size(json_object_get(s, "packets")));
	}
	buf_adds(b, "</table></section>\n");
}

void
report_checks_section(struct buf *b, json_t *doc)
{
	json_t *checks = json_object_get(doc, "checks"), *c;
	size_t i;

	buf_adds(b, "<section id=\"checks\"><h2>Checks</h2>\n");
	if (json_array_size(checks) == 0) {
		buf_adds(b, "<p class=\"muted\">The experiment has no checks.</p></section>\n");
		return;
	}
	buf_adds(b, "<table class=\"checks\"><tr><th>verdict</th><th>check</th><th>points</th><th>explanation</th>"
	    "<th>line</th></tr>\n");
	json_array_foreach(checks, i, c) {
		const char *st = report_jstr(c, "status");
		int pass = st && strcmp(st, "pass") == 0, fail = st && strcmp(st, "fail") == 0;
		buf_printf(b, "<tr class=\"check\" data-status=\"%s\"%s><td>%s</td><td><b>", pass ? "pass" : fail ? "fail" : "error",
		    pass ? "" : fail ? " style=\"background:#ffebee\"" : " style=\"background:#fff3e0\"",
		    pass ? "<span class=\"ok\">pass</span>" : fail ? "<span class=\"bad\">FAIL</span>" :
		    "<span class=\"err\" title=\"the harness could not decide; not counted\">undecidable</span>");
		report_esc(b, report_jstr(c, "check"));
		buf_adds(b, "</b>");
		if (report_jstr(c, "name") != NULL) {
			buf_adds(b, "<br>");
			report_esc(b, report_jstr(c, "name"));
		}
		buf_adds(b, "</td><td>");
		report_points(b, json_object_get(c, "points"));
		buf_adds(b, " / ");
		report_points(b, json_object_get(c, "max_points"));
		buf_adds(b, "</td><td>");
		report_esc(b, report_jstr(c, "message"));
		buf_printf(b, "</td><td>%lld:%lld</td></tr>\n", (long long)report_jint(c, "line"), (long long)report_jint(c, "col"));
	}
	buf_adds(b, "</table></section>\n");
}

/* One row of the overhead table: what `verona stats` prints, for one flow or one protocol. */
static void
stats_row(struct buf *b, const char *proto, const char *a, const char *bb, json_t *d)
{
	json_t *h = json_object_get(d, "headers");
	buf_adds(b, "<tr><td>");
	report_esc(b, proto);
	buf_adds(b, "</td><td>");
	report_esc_or(b, a, "");
	buf_adds(b, "</td><td>");
	report_esc_or(b, bb, "");
	buf_printf(b, "</td><td>%lld</td><td>%lld</td><td>%lld / %lld / %lld</td><td>%lld</td><td>%.1f%%</td>"
	    "<td>%lld</td><td>%lld</td></tr>\n", (long long)report_jint(d, "packets"), (long long)report_jint(d, "payload"),
	    (long long)report_jint(h, "link"), (long long)report_jint(h, "ip"), (long long)report_jint(h, "transport"),
	    (long long)report_jint(d, "wire"), json_number_value(json_object_get(d, "overhead")),
	    (long long)report_jint(d, "handshake"), (long long)report_jint(d, "teardown"));
}

/* The transport overhead of the run, TCP and UDP side by side (Lab 1's analysis). */
void
report_stats_section(struct buf *b, json_t *doc)
{
	json_t *st = json_object_get(doc, "stats"), *f;
	size_t i;

	if (st == NULL)
		return;
	buf_adds(b, "<section id=\"stats\"><h2>Overhead on the wire</h2>\n"
	    "<p class=\"muted\">Bytes each protocol put on the wire beside the payload (each packet counted once, "
	    "as its sender captured it): <code>verona stats</code> on this run's trace.</p>\n"
	    "<table class=\"stats\"><tr><th>proto</th><th>initiator</th><th>responder</th><th>packets</th>"
	    "<th>payload</th><th>headers link / IP / transport</th><th>wire</th><th>overhead</th>"
	    "<th>handshake</th><th>teardown</th></tr>\n");
	json_array_foreach(json_object_get(st, "flows"), i, f)
		stats_row(b, report_jstr(f, "proto"), report_jstr(f, "initiator"), report_jstr(f, "responder"), json_object_get(f, "total"));
	stats_row(b, "all TCP", "", "", json_object_get(st, "tcp"));
	stats_row(b, "all UDP", "", "", json_object_get(st, "udp"));
	buf_adds(b, "</table></section>\n");
}

void
report_grading_section(struct buf *b, json_t *doc)
{
	json_t *g = json_object_get(doc, "grading"), *it;
	size_t i;

	if (!json_is_object(g))
		return;
	buf_adds(b, "<section id=\"grading\"><h2>Grade: ");
	report_points(b, json_object_get(g, "score"));
	buf_adds(b, " / ");
	report_points(b, json_object_get(g, "max_score"));
	buf_adds(b, "</h2>\n<table class=\"grading\"><tr><th>item</th><th>kind</th><th>score</th><th>status</th>"
	    "<th>visibility</th><th>output</th></tr>\n");
	json_array_foreach(json_object_get(g, "items"), i, it) {
		const char *st = report_jstr(it, "status");
		int pass = st && strcmp(st, "pass") == 0, fail = st && strcmp(st, "fail") == 0;
		buf_printf(b, "<tr class=\"item%s\" id=\"item-%zu\"><td>", pass ? "" : fail ? " failrow" : " errrow review-item",
		    i + 1);
		report_esc(b, report_jstr(it, "name"));
		buf_adds(b, "</td><td>");
		report_esc(b, report_jstr(it, "kind"));
		buf_adds(b, "</td><td>");
		report_points(b, json_object_get(it, "score"));
		buf_adds(b, " / ");
		report_points(b, json_object_get(it, "max_score"));
		buf_printf(b, "</td><td>%s", pass ? "<span class=\"ok\">" : fail ? "<span class=\"bad\">" : "<span class=\"err\">");
		if (pass || fail)
			report_esc(b, st);
		else
			buf_adds(b, "needs review");
		buf_adds(b, "</span></td><td>");
		report_esc(b, report_jstr(it, "visibility"));
		buf_adds(b, "</td><td>");
		if (!pass && !fail)
			buf_adds(b, "<b class=\"err\">Could not be decided: 0 until the instructor reviews it.</b>");
		if (report_jstr(it, "output") != NULL && *report_jstr(it, "output") != '\0') {
			buf_adds(b, "<pre>");
			report_esc(b, report_jstr(it, "output"));
			buf_adds(b, "</pre>");
		}
		buf_adds(b, "</td></tr>\n");
	}
	buf_adds(b, "</table></section>\n");
}

/* One stream of a program's output: KEY as text, or KEY_b64 as base64. */
static int
program_stream(struct buf *b, json_t *res, const char *key)
{
	char k64[32], ktr[32], kln[32];
	json_t *t = json_object_get(res, key);
	const char *s64;
	unsigned char *raw = NULL;
	size_t n = 0;

	snprintf(k64, sizeof k64, "%s_b64", key);
	snprintf(ktr, sizeof ktr, "%s_truncated", key);
	s64 = report_jstr(res, k64);
	if (!json_is_string(t) && s64 == NULL)
		return 0;
	snprintf(kln, sizeof kln, "%s_len", key);
	struct buf text;
	size_t shown = 0;
	buf_init(&text);
	if (json_is_string(t) || b64_decode(s64, &raw, &n) == 0) {
		const char *p = json_is_string(t) ? json_string_value(t) : (const char *)raw;
		n = json_is_string(t) ? json_string_length(t) : n;
		shown = n;
		if (shown > OUTPUT_MAX) {	/* at a character's start */
			shown = OUTPUT_MAX;
			while (shown > 0 && ((unsigned char)p[shown] & 0xc0) == 0x80)
				shown--;
		}
		report_esc_n(&text, p, shown, 0, 1);
		free(raw);
	} else {
		buf_adds(&text, "<span class=\"err\">(not valid base64)</span> ");
		report_esc(&text, s64);
	}
	buf_printf(b, "<h4>%s", key);
	if (json_is_true(json_object_get(res, ktr))) {
		buf_adds(b, " <span class=\"err\">(truncated");
		if (json_is_integer(json_object_get(res, kln)))
			buf_printf(b, ": %lld bytes in all", (long long)report_jint(res, kln));
		buf_adds(b, ")</span>");
	}
	if (shown < n)
		buf_printf(&text, "\n<span class=\"err\">[the page shows the first %zu bytes of %zu; results.json has "
		    "them all]</span>", shown, n);
	if (text.len == 0)
		buf_adds(b, " <span class=\"muted\">(empty)</span></h4>\n");
	else {
		buf_adds(b, "</h4><pre class=\"output\">");
		buf_add(b, text.data, text.len);
		buf_adds(b, "</pre>\n");
	}
	buf_free(&text);
	return 1;
}

void
report_output_section(struct buf *b, json_t *doc)
{
	json_t *steps = json_object_get(doc, "steps"), *s;
	size_t i;
	int any = 0;

	json_array_foreach(steps, i, s) {
		json_t *res = json_object_get(s, "result");
		if (json_object_get(res, "stdout") == NULL && json_object_get(res, "stdout_b64") == NULL &&
		    json_object_get(res, "stderr") == NULL && json_object_get(res, "stderr_b64") == NULL &&
		    json_object_get(res, "exit") == NULL)
			continue;
		/* a wait step carries the result of the background step it collected: shown once */
		int seen = 0;
		for (size_t j = 0; j < i && json_is_integer(json_object_get(res, "pid")); j++) {
			json_t *o = json_array_get(steps, j), *ores = json_object_get(o, "result");
			if (json_equal(json_object_get(ores, "pid"), json_object_get(res, "pid")) &&
			    report_jint(ores, "start_ns") == report_jint(res, "start_ns") && report_jstr(o, "host") && report_jstr(s, "host") &&
			    strcmp(report_jstr(o, "host"), report_jstr(s, "host")) == 0)
				seen = 1;
		}
		if (seen)
			continue;
		if (!any)
			buf_adds(b, "<section id=\"output\"><h2>Programs' output</h2>\n");
		any = 1;
		buf_printf(b, "<div class=\"program\"><h3>Step %lld on ", (long long)report_jint(s, "number"));
		report_esc(b, report_jstr(s, "host"));
		buf_adds(b, ": <code>");
		report_esc(b, report_jstr(s, "python"));
		buf_adds(b, "</code></h3>\n<p>");
		if (json_is_integer(json_object_get(res, "exit")))
			buf_printf(b, "exit status <b>%lld</b>", (long long)report_jint(res, "exit"));
		if (json_object_get(res, "signal") != NULL && !json_is_null(json_object_get(res, "signal"))) {
			buf_adds(b, " killed by signal <b>");
			if (json_is_string(json_object_get(res, "signal"))) {
				if (strncmp(report_jstr(res, "signal"), "SIG", 3) != 0)
					buf_adds(b, "SIG");
				report_esc(b, report_jstr(res, "signal"));
			}
			else
				buf_printf(b, "%lld", (long long)report_jint(res, "signal"));
			buf_adds(b, "</b>");
		}
		if (json_is_true(json_object_get(res, "timed_out")))
			buf_adds(b, " <span class=\"bad\">timed out</span>");
		if (report_jstr(res, "timeout_reason") != NULL) {
			buf_adds(b, " (");
			report_esc(b, report_jstr(res, "timeout_reason"));
			buf_adds(b, ")");
		}
		if (json_is_number(json_object_get(res, "seconds")))
			buf_printf(b, " <span class=\"muted\">(ran %.3f s)</span>", json_number_value(json_object_get(res, "seconds")));
		else if (json_is_integer(json_object_get(res, "start_ns")) && json_is_integer(json_object_get(res, "end_ns")))
			buf_printf(b, " <span class=\"muted\">(ran %.3f s)</span>",
			    (double)(report_jint(res, "end_ns") - report_jint(res, "start_ns")) / 1e9);
		if (report_jstr(res, "python") != NULL) {
			buf_adds(b, " ");
			report_esc(b, report_jstr(res, "python"));
		}
		buf_adds(b, "</p>\n");
		int n = program_stream(b, res, "stdout");
		n += program_stream(b, res, "stderr");
		if (n == 0)
			buf_adds(b, "<p class=\"muted\">No output.</p>\n");
		buf_adds(b, "</div>\n");
	}
	if (any)
		buf_adds(b, "</section>\n");
}
