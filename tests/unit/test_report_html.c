/*
 * test_report_html.c — unit tests for what report.html says about trust:
 * the needs-review banner and the undecided items marked in the grade
 * table, and each host's sandbox level (none in red, "not sandboxed";
 * unknown from an older agent) and limits in the hosts table.  Results
 * documents are built by hand (the agent side of the sandbox is another
 * part's), the page written to a temporary directory and read back.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report.h"
#include "util.h"
#include "unit.h"

static char tmpdir[] = "/tmp/verona-report-html.XXXXXX";

static int
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* Hosts: romeo full with limits, juliet none, mercutio from an older agent. */
static json_t *
results(int review)
{
	json_t *r = json_pack("{s:{s:{s:s}, s:{s:{s:s, s:{s:s, s:i}, s:{s:I, s:i}},"
	    " s:{s:s, s:{s:s}}, s:{s:s}}},"
	    " s:[], s:[], s:{s:s, s:i, s:i, s:i, s:i, s:i, s:i},"
	    " s:{s:f, s:f, s:i, s:b, s:[{s:s, s:s, s:f, s:f, s:s, s:s, s:s},"
	    "   {s:s, s:s, s:f, s:f, s:s, s:s, s:s}]}}",
	    "manifest", "experiment", "name", "balcony-tcp",
	    "hosts", "romeo", "addr", "10.10.0.100", "sandbox", "level", "full", "uid", 812345,
	    "limits", "memory", (json_int_t)1 << 30, "processes", 256,
	    "juliet", "addr", "10.10.0.101", "sandbox", "level", "none",
	    "mercutio", "addr", "10.10.0.102",
	    "steps", "checks",
	    "summary", "status", review ? "error" : "pass", "exit", review ? 3 : 0, "steps", 0, "passed", 0,
	    "failed", 0, "checks", 2, "checks_errors", review,
	    "grading", "score", review ? 1.0 : 3.0, "max_score", 3.0, "errors", review, "needs_review", review,
	    "items",
	    "name", "romeo prints <all>", "kind", "step", "score", 1.0, "max_score", 1.0, "status", "pass",
	    "output", "exit 0", "visibility", "visible",
	    "name", "an orderly close", "kind", "check", "score", review ? 0.0 : 2.0, "max_score", 2.0,
	    "status", review ? "error" : "pass",
	    "output", review ? "the capture dropped 12 packets: this check cannot be decided" : "FIN",
	    "visibility", "visible");
	return r;
}

static char *
page(json_t *r, const char *name)
{
	char err[256] = "", *path = xasprintf("%s/%s", tmpdir, name), *s;
	size_t len;

	CHECK_INT(report_html(r, AT_FDCWD, path, err, sizeof err), 0);
	s = file_read_all(path, &len, 1 << 22);
	unlink(path);
	free(path);
	return s ? s : xstrdup("");
}

UNIT_TEST(test_needs_review_banner)
{
	json_t *r = results(1);
	char *s = page(r, "review.html"), *banner;

	banner = strstr(s, "<div class=\"review\" id=\"needs-review\"");
	CHECK(banner != NULL);
	CHECK(contains(s, "<span class=\"verdict error\">NEEDS REVIEW</span></h1>"));
	/* in the header, before the hosts table: the first thing read */
	CHECK(banner != NULL && strstr(s, "<table class=\"hosts\">") > banner);
	CHECK(contains(s, "<b>Needs review:</b> 1 graded item could not be decided and scores 0 for now; "
	    "the instructor will review it"));
	CHECK(contains(s, "<li><a href=\"#item-2\">an orderly close</a> — the capture dropped 12 packets: "
	    "this check cannot be decided</li>"));
	/* the item marked in the grade table, its points kept in the maximum */
	CHECK(contains(s, "<tr class=\"item errrow review-item\" id=\"item-2\"><td>an orderly close</td>"
	    "<td>check</td><td>0 / 2</td><td><span class=\"err\">needs review</span>"));
	CHECK(contains(s, "Could not be decided: 0 until the instructor reviews it."));
	CHECK_INT(count(s, "review-item"), 1);
	CHECK(contains(s, "romeo prints &lt;all&gt;"));
	free(s);
	json_decref(r);

	/* everything decided: no banner */
	r = results(0);
	s = page(r, "decided.html");
	CHECK(!contains(s, "needs-review"));
	CHECK(!contains(s, "review-item"));
	free(s);
	json_decref(r);
}

UNIT_TEST(test_sandbox_per_host)
{
	json_t *r = results(0);
	char *s = page(r, "sandbox.html");

	CHECK(contains(s, "<th>sandbox</th><th>limits</th>"));
	CHECK(contains(s, "<td class=\"sandbox\"><span class=\"ok\">full</span> <span class=\"muted\">uid 812345</span>"
	    "</td><td class=\"limits\">memory 1 GiB, processes 256</td>"));
	/* none: red, in words */
	CHECK(contains(s, "<td class=\"sandbox\"><span class=\"unsandboxed\">none — not sandboxed</span></td>"
	    "<td class=\"limits\"><span class=\"muted\">unknown</span></td>"));
	CHECK(contains(s, ".unsandboxed{color:#fff;background:#c62828"));
	/* and above the table, naming the host */
	CHECK(contains(s, "<span class=\"unsandboxed\">not sandboxed</span> the programs on juliet ran without a sandbox"));
	/* an older agent said nothing */
	CHECK(contains(s, "<td class=\"sandbox\"><span class=\"muted\">unknown</span></td>"));
	free(s);
	json_decref(r);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	UNIT_RUN(test_needs_review_banner);
	UNIT_RUN(test_sandbox_per_host);
	rmdir(tmpdir);
	return UNIT_END();
}
