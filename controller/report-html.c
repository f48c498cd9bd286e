/*
 * report-html.c — report.html: one page, inline CSS and SVG, no script and
 * nothing fetched (a Content-Security-Policy says so to the browser too).
 *
 * The page's frame is here: the CSS, the header (experiment, verdict,
 * score, hosts) and the entry; report-ladder.c draws the diagram,
 * report-sections.c the sections below it, report-text.c escapes every
 * string taken from the results; report-int.h is what they share.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report-grade.h"
#include "report-int.h"
#include "report.h"
#include "util.h"

/* ---------- the page ---------- */

static const char css[] =
"*{box-sizing:border-box}"
"body{font-family:'DejaVu Sans',Verdana,system-ui,sans-serif;font-size:14px;color:#212121;margin:0;"
"padding:16px 24px 48px;background:#fafafa}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:2px solid #cfd8dc;"
"padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}"
"code,pre,.code{font-family:'DejaVu Sans Mono',monospace}"
"pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #e0e0e0;padding:6px 8px;"
"margin:2px 0;font-size:12px}"
"header{background:#fff;border:1px solid #e0e0e0;border-left:8px solid #9e9e9e;padding:12px 16px}"
"header.pass{border-left-color:#2e7d32}header.fail{border-left-color:#c62828}header.error{border-left-color:#ef6c00}"
".summary{margin:0 0 8px;color:#455a64}"
".verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff;font-weight:bold;font-size:15px;"
"vertical-align:middle;margin-left:8px}"
".verdict.pass{background:#2e7d32}.verdict.fail{background:#c62828}.verdict.error{background:#ef6c00}"
".score{font-size:18px;font-weight:bold;margin:6px 0}"
".meta{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:8px 0;font-size:13px}"
".meta dt{color:#607d8b}.meta dd{margin:0}"
".errbox{background:#fff3e0;border:1px solid #ef6c00;padding:6px 10px;margin:8px 0}"
".review{background:#fff3e0;border:2px solid #ef6c00;border-left-width:8px;padding:8px 12px;margin:8px 0;"
"font-size:15px}.review ul{margin:4px 0 0;padding-left:20px;font-size:13px}"
".unsandboxed{color:#fff;background:#c62828;font-weight:bold;padding:1px 6px;border-radius:3px}"
"table{border-collapse:collapse;background:#fff;font-size:13px;margin:4px 0}"
"th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}"
"th{background:#eceff1}"
"td.code{font-size:12px;white-space:pre-wrap;word-break:break-word}"
"tr.failrow td{background:#ffebee}tr.errrow td{background:#fff3e0}"
".ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}.err{color:#ef6c00;font-weight:bold}"
".muted{color:#78909c}.nowrap{white-space:nowrap}a{color:#1565c0}"
".legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:12px;margin:6px 0 10px;align-items:center}"
".legend svg{vertical-align:middle;margin-right:4px}"
".ladder-wrap{background:#fff;border:1px solid #e0e0e0;display:inline-block}"
".ladder-head{position:sticky;top:0;background:#fff;border-bottom:1px solid #cfd8dc;z-index:1}"
"svg text{font-family:'DejaVu Sans',Verdana,sans-serif}"
"svg .host{font-size:13px;font-weight:bold;fill:#263238}svg .addr{font-size:11px;fill:#607d8b}"
"svg .axis-title{font-size:11px;fill:#90a4ae;font-style:italic}"
"svg .tick{font-size:9.5px;fill:#90a4ae}"
"svg .lifeline{stroke:#b0bec5;stroke-width:1.5}"
"svg .activation{stroke-width:1}svg .activation.pass{fill:#e8f5e9;stroke:#81c784}"
"svg .activation.fail{fill:#ffebee;stroke:#e57373}"
"svg .failband{fill:#ffebee}"
"svg .break line{stroke:#b0bec5;stroke-dasharray:2 4}svg .break text{font-size:10px;fill:#78909c}"
"svg .pkt text{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
"svg .pkt[data-kind=retrans] text,svg .pkt[data-kind=rst] text{font-weight:bold}"
"svg .stepmark text.num{font-size:10px;font-weight:bold;fill:#fff}"
"svg .stepmark text.code{font-family:'DejaVu Sans Mono',monospace;font-size:11px;fill:#263238;"
"paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
"svg a:hover text.code{text-decoration:underline}"
"tr:target td{outline:2px solid #1565c0}"
"footer{margin-top:32px;font-size:12px;color:#90a4ae}";


/* The sandbox level a host's agent reported: none in red, unknown (an older agent) muted. */
static void
host_sandbox(struct buf *b, json_t *h)
{
	const char *level = report_sandbox_level(h);
	struct buf t;

	if (strcmp(level, "none") == 0)
		buf_adds(b, "<span class=\"unsandboxed\">none — not sandboxed</span>");
	else if (strcmp(level, "unknown") == 0)
		buf_adds(b, "<span class=\"muted\">unknown</span>");
	else if (strcmp(level, "full") == 0)
		buf_adds(b, "<span class=\"ok\">full</span>");
	else {
		buf_adds(b, "<b>");
		report_esc(b, level);
		buf_adds(b, "</b>");
	}
	buf_init(&t);
	report_fields_text(&t, json_object_get(h, "sandbox"), "level");
	if (t.len > 0) {
		buf_addc(&t, '\0');
		buf_adds(b, " <span class=\"muted\">");
		report_esc(b, (char *)t.data);
		buf_adds(b, "</span>");
	}
	buf_free(&t);
}

static void
host_limits(struct buf *b, json_t *h)
{
	json_t *lim = json_object_get(h, "limits");
	struct buf t;

	buf_init(&t);
	report_fields_text(&t, lim, NULL);
	if (t.len > 0) {
		buf_addc(&t, '\0');
		report_esc(b, (char *)t.data);
	} else
		buf_adds(b, "<span class=\"muted\">unknown</span>");
	buf_free(&t);
}

/* What the instructor must review, at the top of the page, for the student to see too. */
static void
review_banner(struct buf *b, json_t *g)
{
	json_t *items = json_object_get(g, "items"), *it;
	long long n = 0;
	size_t i;

	json_array_foreach(items, i, it)
		n += report_jstr(it, "status") == NULL || strcmp(report_jstr(it, "status"), "error") == 0;
	buf_printf(b, "<div class=\"review\" id=\"needs-review\" role=\"alert\"><b>Needs review:</b> %lld graded "
	    "item%s could not be decided and score%s 0 for now; the instructor will review %s, so this score is not "
	    "final.<ul>", n, n == 1 ? "" : "s", n == 1 ? "s" : "", n == 1 ? "it" : "them");
	json_array_foreach(items, i, it) {
		const char *out = report_jstr(it, "output"), *nl;
		if (report_jstr(it, "status") != NULL && strcmp(report_jstr(it, "status"), "error") != 0)
			continue;
		buf_adds(b, "<li><a href=\"#item-");
		buf_printf(b, "%zu\">", i + 1);
		report_esc_or(b, report_jstr(it, "name"), "(unnamed)");
		buf_adds(b, "</a>");
		if (out != NULL && *out != '\0') {
			nl = strrchr(out, '\n');
			buf_adds(b, " — ");
			report_esc(b, nl ? nl + 1 : out);
		}
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul></div>\n");
}

static void
header(struct buf *b, json_t *doc)
{
	json_t *man = json_object_get(doc, "manifest"), *x = json_object_get(man, "experiment");
	json_t *sum = json_object_get(doc, "summary"), *g = json_object_get(doc, "grading");
	json_t *hosts = json_object_get(man, "hosts"), *h;
	const char *status = report_jstr(sum, "status"), *name;
	char *unsandboxed;

	if (status == NULL || (strcmp(status, "pass") != 0 && strcmp(status, "fail") != 0))
		status = "error";
	buf_printf(b, "<header class=\"%s\">\n<h1>", status);
	report_esc_or(b, report_jstr(x, "name"), "(unnamed experiment)");
	buf_printf(b, " <span class=\"verdict %s\">%s</span></h1>\n", status,
	    strcmp(status, "pass") == 0 ? "PASS" : strcmp(status, "fail") == 0 ? "FAIL" :
	    json_is_object(g) && report_needs_review(doc) ? "NEEDS REVIEW" : "ERROR");
	if (report_jstr(x, "summary") != NULL) {
		buf_adds(b, "<p class=\"summary\">");
		report_esc(b, report_jstr(x, "summary"));
		buf_adds(b, "</p>\n");
	}
	if (json_is_object(g)) {
		buf_adds(b, "<div class=\"score\">Score: ");
		report_points(b, json_object_get(g, "score"));
		buf_adds(b, " / ");
		report_points(b, json_object_get(g, "max_score"));
		if (report_jint(g, "errors") > 0)
			buf_printf(b, " <span class=\"err\">(%lld item%s could not be decided: 0 until reviewed)</span>",
			    (long long)report_jint(g, "errors"), report_jint(g, "errors") == 1 ? "" : "s");
		buf_adds(b, "</div>\n");
	}
	if (json_is_object(g) && report_needs_review(doc))
		review_banner(b, g);
	unsandboxed = report_unsandboxed_hosts(doc);
	if (unsandboxed != NULL) {
		buf_adds(b, "<div class=\"errbox\"><span class=\"unsandboxed\">not sandboxed</span> the programs on ");
		report_esc(b, unsandboxed);
		buf_adds(b, " ran without a sandbox (sandbox level none).</div>\n");
		free(unsandboxed);
	}
	if (report_jstr(sum, "error") != NULL) {
		buf_adds(b, "<div class=\"errbox\">");
		report_esc(b, report_jstr(sum, "error"));
		buf_adds(b, "</div>\n");
	}
	buf_adds(b, "<dl class=\"meta\">");
	buf_printf(b, "<dt>Result</dt><dd>steps: %lld passed, %lld failed; checks: %lld, %lld failed, "
	    "%lld undecidable</dd>", (long long)report_jint(sum, "passed"), (long long)report_jint(sum, "failed"),
	    (long long)report_jint(sum, "checks"), (long long)report_jint(sum, "checks_failed"), (long long)report_jint(sum, "checks_errors"));
	buf_adds(b, "<dt>Experiment</dt><dd><code>");
	report_esc_or(b, report_jstr(x, "file"), "—");
	buf_adds(b, "</code>");
	if (report_jstr(x, "sha256") != NULL) {
		buf_adds(b, " <span class=\"muted\">sha256 ");
		report_esc_line(b, report_jstr(x, "sha256"), 16);
		buf_adds(b, "</span>");
	}
	buf_adds(b, "</dd><dt>Started</dt><dd>");
	if (report_jstr(man, "started") != NULL) {
		char t[64];
		snprintf(t, sizeof t, "%s", report_jstr(man, "started"));
		char *p = strchr(t, 'T');
		if (p != NULL)
			*p = ' ';
		if ((p = strchr(t, 'Z')) != NULL && p[1] == '\0') {
			*p = '\0';
			report_esc(b, t);
			buf_adds(b, " UTC");
		} else
			report_esc(b, t);
	} else
		buf_adds(b, "—");
	if (json_is_number(json_object_get(sum, "seconds")))
		buf_printf(b, " <span class=\"muted\">(took %.2f s)</span>", json_number_value(json_object_get(sum, "seconds")));
	buf_adds(b, "</dd><dt>verona</dt><dd>");
	report_esc_or(b, report_jstr(man, "verona_version"), "—");
	json_t *tb = json_object_get(man, "testbed");
	if (json_is_object(tb)) {
		buf_adds(b, ", testbed ");
		report_esc(b, report_jstr(tb, "kind"));
		buf_adds(b, " ");
		report_esc(b, report_jstr(tb, "id"));
	}
	buf_adds(b, "</dd></dl>\n");

	buf_adds(b, "<table class=\"hosts\"><tr><th>host</th><th>address</th><th>interface</th><th>kernel</th>"
	    "<th>captured</th><th>clock</th><th>sandbox</th><th>limits</th></tr>\n");
	json_object_foreach(hosts, name, h) {
		json_t *cap = json_object_get(h, "capture"), *clk = json_object_get(h, "clock");
		buf_adds(b, "<tr><td><b>");
		report_esc(b, name);
		buf_adds(b, "</b></td><td><code>");
		report_esc_or(b, report_jstr(h, "addr"), "—");
		buf_adds(b, "</code></td><td>");
		report_esc_or(b, report_jstr(h, "iface"), "—");
		if (json_is_integer(json_object_get(h, "mtu")))
			buf_printf(b, " <span class=\"muted\">mtu %lld</span>", (long long)report_jint(h, "mtu"));
		buf_adds(b, "</td><td>");
		report_esc_or(b, report_jstr(h, "kernel"), "—");
		buf_adds(b, "</td><td>");
		if (json_is_object(cap)) {
			buf_printf(b, "%lld packets", (long long)report_jint(cap, "packets"));
			if (report_jint(cap, "drops") > 0 || report_jint(cap, "ifdrops") > 0)
				buf_printf(b, ", <span class=\"bad\">%lld dropped</span>",
				    (long long)(report_jint(cap, "drops") + report_jint(cap, "ifdrops")));
		} else
			buf_adds(b, "—");
		buf_adds(b, "</td><td>");
		/* the agent's clock against the controller's: every time here is on the controller's */
		if (json_is_object(clk) && json_is_null(json_object_get(clk, "rtt_ns")))
			buf_adds(b, "same clock");
		else if (json_is_object(clk))
			buf_printf(b, "%+.6f s &plusmn; %.6f s", (double)report_jint(clk, "offset_ns") / 1e9,
			    (double)report_jint(clk, "uncertainty_ns") / 1e9);
		else
			buf_adds(b, "—");
		buf_adds(b, "</td><td class=\"sandbox\">");
		host_sandbox(b, h);
		buf_adds(b, "</td><td class=\"limits\">");
		host_limits(b, h);
		buf_adds(b, "</td></tr>\n");
	}
	buf_adds(b, "</table>\n</header>\n");
}

int
report_html(json_t *doc, int dirfd, const char *path, char *err, size_t errlen)
{
	struct buf b;
	json_t *x = json_object_get(json_object_get(doc, "manifest"), "experiment");
	int rc = 0;

	if (!json_is_object(doc)) {
		snprintf(err, errlen, "no results to report");
		return -1;
	}
	buf_init(&b);
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"verona\">\n<title>");
	report_esc_or(&b, report_jstr(x, "name"), "verona");
	buf_adds(&b, " — verona report</title>\n<style>");
	buf_adds(&b, css);
	buf_adds(&b, "</style>\n</head>\n<body>\n");
	header(&b, doc);
	report_ladder_section(&b, doc);
	report_steps_section(&b, doc);
	report_checks_section(&b, doc);
	report_grading_section(&b, doc);
	report_stats_section(&b, doc);
	report_output_section(&b, doc);
	buf_adds(&b, "<footer>verona ");
	report_esc(&b, report_jstr(json_object_get(doc, "manifest"), "verona_version"));
	buf_adds(&b, " — this page is made from results.json in the same folder.</footer>\n</body>\n</html>\n");
	if (file_write_atomic_at(dirfd, path, b.data, b.len) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		rc = -1;
	}
	buf_free(&b);
	return rc;
}
