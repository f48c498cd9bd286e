/*
 * outputs.c — the run folder and what is written into it: results.json (one
 * writer), gradescope.json, junit.xml, report.html, transcript.txt, the
 * manifest.  See run-int.h and docs/results.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outdir.h"
#include "report-grade.h"
#include "report.h"
#include "run-int.h"
#include "util.h"
#include "stats-json.h"

static void
transcript_steps(struct runner *r, struct buf *t)
{
	for (size_t i = 0; i < r->results.n; i++) {
		const struct step_result *rec = &r->results.v[i];
		const char *state = model_step_state_name(rec->state);
		buf_printf(t, "%3d %-8s %s\n             -> %s   [%s]\n", rec->number, rec->host ?: "-", rec->python,
		    rec->shown ? rec->shown : "(no result)",
		    rec->shown == NULL ? (state ? state : "not run") : model_step_pass(rec) == 1 ? "pass" : "FAIL");
		for (size_t k = 0; k < rec->nfailures; k++)
			buf_printf(t, "             !! %s:%d:%d: %s\n", r->x->file, rec->line, rec->col, rec->failures[k]);
		for (size_t k = 0; k < json_array_size(rec->listed); k++) {
			json_t *p = json_array_get(rec->listed, k);
			const char *kill = json_string_value(json_object_get(p, "verona_kill"));
			buf_printf(t, "               %-7s %s%s%s%s\n", json_string_value(json_object_get(p, "host")),
			    json_string_value(json_object_get(p, "line")), kill ? "   [caused by verona's kill: " : "",
			    kill ?: "", kill ? "]" : "");
		}
		if (rec->unlisted > 0)
			buf_printf(t, "               ... and %lld more packets, not listed: a run lists at most %d\n",
			    rec->unlisted, RUN_PACKETS_MAX);
	}
}

/* A host's sandbox level and limits, as its agent said in hello: "unknown" from an older agent. */
static void
transcript_sandbox(struct buf *t, json_t *hello)
{
	const char *level = report_sandbox_level(hello);
	json_t *sb = json_object_get(hello, "sandbox"), *lim = json_object_get(hello, "limits");
	size_t mark;

	buf_printf(t, ", sandbox %s%s", level, strcmp(level, "none") == 0 ? " (NOT SANDBOXED)" : "");
	mark = t->len;
	buf_adds(t, " (");
	report_fields_text(t, sb, "level");
	if (t->len == mark + 2)
		t->len = mark;
	else
		buf_addc(t, ')');
	buf_adds(t, ", limits ");
	if (json_is_object(lim) && json_object_size(lim) > 0)
		report_fields_text(t, lim, NULL);
	else
		buf_adds(t, "unknown");
}

/* The grade, item by item, and what needs the instructor's review. */
static void
transcript_grade(struct buf *t, json_t *g)
{
	json_t *items = json_object_get(g, "items");
	char a[32], m[32];

	if (g == NULL)
		return;
	report_score_text(a, sizeof a, json_number_value(json_object_get(g, "score")));
	report_score_text(m, sizeof m, json_number_value(json_object_get(g, "max_score")));
	buf_printf(t, "# grade %s / %s", a, m);
	if (json_is_number(json_object_get(g, "raw_score"))) {
		report_score_text(a, sizeof a, json_number_value(json_object_get(g, "raw_score")));
		report_score_text(m, sizeof m, json_number_value(json_object_get(g, "raw_max_score")));
		buf_printf(t, " (%s of %s rubric points)", a, m);
	}
	buf_printf(t, "%s\n", json_is_true(json_object_get(g, "needs_review")) ? ", NEEDS REVIEW" : "");
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		const char *st = json_string_value(json_object_get(it, "status"));
		const char *out = json_string_value(json_object_get(it, "output")), *nl;
		int err = st == NULL || strcmp(st, "error") == 0;
		report_score_text(a, sizeof a, json_number_value(json_object_get(it, "score")));
		report_score_text(m, sizeof m, json_number_value(json_object_get(it, "max_score")));
		buf_printf(t, "#   %-6s %s/%s  %s", err ? "REVIEW" : strcmp(st, "pass") == 0 ? "pass" : "FAIL", a, m,
		    json_string_value(json_object_get(it, "name")));
		if (err && out != NULL) {
			/* the reason: the last line says why it could not be decided */
			nl = strrchr(out, '\n');
			buf_printf(t, " — undecided: %s", nl ? nl + 1 : out);
		}
		buf_addc(t, '\n');
	}
	if (json_is_true(json_object_get(g, "needs_review")))
		buf_printf(t, "# needs review: %lld item%s could not be decided; %s 0 until the instructor reviews %s\n",
		    (long long)json_integer_value(json_object_get(g, "errors")),
		    json_integer_value(json_object_get(g, "errors")) == 1 ? "" : "s",
		    json_integer_value(json_object_get(g, "errors")) == 1 ? "it scores" : "they score",
		    json_integer_value(json_object_get(g, "errors")) == 1 ? "it" : "them");
}

static char *
utc_stamp(int64_t ns, int compact)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char s[64];
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, compact ? "%Y%m%dT%H%M%SZ" : "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(s);
}

/*
 * Opens the run folder (outdir.h): --out, or a new runs/NAME-TIME[-N].
 * Returns 0, OUTDIR_REFUSED or OUTDIR_FAILED with a message in err.
 */
int
outputs_run_dir(struct runner *r, char *err, size_t errlen)
{
	int parent;

	if (r->o->out_fd > 2) {
		r->dir = xstrdup(r->o->out);
		r->dirfd = r->o->out_fd;
	} else if (r->o->out != NULL) {
		r->dir = xstrdup(r->o->out);
		r->dirfd = outdir_open(r->dir, r->o->force ? OUTDIR_FORCE : 0, err, errlen);
	} else if ((parent = outdir_parent("runs", err, errlen)) < 0)
		return parent;
	else {
		char *stamp = utc_stamp(r->started_ns, 1);
		for (int n = 1; n < 1000 && r->dirfd < 0; n++) {
			char *name = n == 1 ? xasprintf("%s-%s", r->x->name, stamp) : xasprintf("%s-%s-%d", r->x->name, stamp, n);
			free(r->dir);
			r->dir = xasprintf("runs/%s", name);
			r->dirfd = outdir_fresh(parent, name, 0, r->dir, err, errlen);
			free(name);
			if (r->dirfd == OUTDIR_REFUSED || (r->dirfd == OUTDIR_FAILED && errno != EEXIST))
				break;
		}
		free(stamp);
		close(parent);
	}
	if (r->dirfd < 0)
		return r->dirfd == OUTDIR_REFUSED ? OUTDIR_REFUSED : OUTDIR_FAILED;
	r->dirat = xasprintf("/proc/self/fd/%d", r->dirfd);
	return 0;
}

static json_t *
manifest(struct runner *r)
{
	struct experiment *x = r->x;
	char *started = utc_stamp(r->started_ns, 0);
	json_t *hosts = json_object();
	json_t *m = json_pack("{s:s, s:{s:s, s:s, s:s, s:s?}, s:O, s:O, s:s, s:{s:s, s:s}}",
	    "verona_version", VERONA_VERSION,
	    "experiment", "file", x->file, "name", x->name, "sha256", x->sha256, "summary", x->summary,
	    "defines", x->defines, "vars", x->vars, "started", started,
	    "testbed", "kind", r->tb.kind->name, "id", r->tb.kind->id(&r->tb));
	free(started);
	if (r->tb.kind == &testbed_local_kind)	/* where its namespaces were made */
		json_object_set_new(json_object_get(m, "testbed"), "place", json_string(testbed_place_name(testbed_place())));
	for (size_t i = 0; i < x->nhosts; i++) {
		struct testbed_host_info hi;
		r->tb.kind->host_info(&r->tb, x->hosts[i].name, &hi);
		json_t *h = json_pack("{s:s, s:s}", "addr", x->hosts[i].addr, hi.key, hi.value);
		if (i < r->ag.nac && r->ag.ac[i].clock != NULL)
			json_object_set(h, "clock", r->ag.ac[i].clock);
		if (i < r->ag.nac && r->ag.ac[i].hello != NULL) {
			json_object_update(h, r->ag.ac[i].hello);
			json_object_del(h, "type");
		}
		if (i < r->ag.nac && r->ag.ac[i].capture != NULL)
			json_object_set(h, "capture", r->ag.ac[i].capture);
		json_object_set_new(hosts, x->hosts[i].name, h);
	}
	json_object_set_new(m, "hosts", hosts);
	return m;
}

int
outputs_write(struct runner *r, json_t *g)
{
	json_t *doc;
	char *s, *path;
	int rc = 0;
	const char *status = r->status == 0 ? "pass" : r->status == 1 ? "fail" : "error";

	doc = json_pack("{s:o, s:o, s:O, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:i, s:s?, s:f}}",
	    "manifest", manifest(r), "steps", model_steps_json(&r->results), "checks", r->checks,
	    "summary", "steps", (int)r->x->nsteps, "passed", r->passed, "failed", r->failed,
	    "checks", (int)json_array_size(r->checks), "checks_failed", r->checks_failed,
	    "checks_errors", r->checks_errors,
	    "status", status, "exit", r->status, "error", r->error,
	    "seconds", (double)(time_realtime_ns() - r->started_ns) / 1e9);
	if (g != NULL)
		json_object_set(doc, "grading", g);
	if (r->stats != NULL && r->stats->nflows > 0)
		json_object_set_new(doc, "stats", stats_json_run(r->stats, RUN_FLOWS_MAX));
	s = json_dumps(doc, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	path = xasprintf("%s/results.json", r->dir);
	if (file_write_atomic_at(r->dirfd, "results.json", s, strlen(s)) != 0) {
		fprintf(stderr, "verona: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	{
		char gerr[512];
		if (report_gradescope(doc, r->dirfd, "gradescope.json", gerr, sizeof gerr) != 0 ||
		    report_junit(doc, r->dirfd, "junit.xml", gerr, sizeof gerr) != 0) {
			fprintf(stderr, "verona: %s (in the run folder %s)\n", gerr, r->dir);
			rc = -1;
		}
	}
	if (r->o->json) {
		fputs(s, stdout);
		fputc('\n', stdout);
	}
	free(path);
	free(s);
	{
		char rerr[256];
		path = xasprintf("%s/report.html", r->dir);
		if (report_html(doc, r->dirfd, "report.html", rerr, sizeof rerr) != 0) {
			fprintf(stderr, "verona: cannot write %s: %s\n", path, rerr);
			rc = -1;
		}
		free(path);
	}
	json_decref(doc);

	struct buf t;
	buf_init(&t);
	char *started = utc_stamp(r->started_ns, 0);
	buf_printf(&t, "# verona %s — %s (%s)\n# started %s, testbed %s %s, experiment sha256 %s\n",
	    VERONA_VERSION, r->x->name, r->x->file, started, r->tb.kind->name,
	    r->tb.kind->id(&r->tb), r->x->sha256);
	free(started);
	for (size_t i = 0; i < r->x->nhosts; i++) {
		json_t *clk = i < r->ag.nac ? r->ag.ac[i].clock : NULL;
		struct testbed_host_info hi;
		r->tb.kind->host_info(&r->tb, r->x->hosts[i].name, &hi);
		buf_printf(&t, "# host %s %s", r->x->hosts[i].name, r->x->hosts[i].addr);
		if (hi.via)
			buf_printf(&t, " via %s", hi.value);
		if (clk != NULL && !json_is_null(json_object_get(clk, "rtt_ns")))
			buf_printf(&t, ", clock %+.6f s +- %.6f s", (double)json_integer_value(json_object_get(clk, "offset_ns")) / 1e9,
			    (double)json_integer_value(json_object_get(clk, "uncertainty_ns")) / 1e9);
		transcript_sandbox(&t, i < r->ag.nac ? r->ag.ac[i].hello : NULL);
		buf_addc(&t, '\n');
	}
	transcript_steps(r, &t);
	for (size_t i = 0; i < json_array_size(r->checks); i++) {
		json_t *v = json_array_get(r->checks, i);
		buf_printf(&t, "check %s:%lld:%lld %s: %s — %s\n", r->x->file,
		    (long long)json_integer_value(json_object_get(v, "line")),
		    (long long)json_integer_value(json_object_get(v, "col")),
		    json_string_value(json_object_get(v, "check")), json_string_value(json_object_get(v, "status")),
		    json_string_value(json_object_get(v, "message")));
	}
	transcript_grade(&t, g);
	buf_printf(&t, "# %d passed, %d failed, status %s%s%s\n", r->passed, r->failed, status,
	    r->error ? ": " : "", r->error ? r->error : "");
	path = xasprintf("%s/transcript.txt", r->dir);
	if (file_write_atomic_at(r->dirfd, "transcript.txt", t.data, t.len) != 0) {
		fprintf(stderr, "verona: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(path);
	buf_free(&t);
	return rc;
}
