/*
 * checks.c — the trace checks of a run (pcap/check.c decides each), their
 * verdicts printed (one printer, also verona check's) and kept for
 * results.json.  See run-int.h and checks.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "names.h"
#include "run-int.h"
#include "util.h"

void
checks_print_verdict(FILE *f, const char *file, json_t *v, int color)
{
	const char *status = json_string_value(json_object_get(v, "status")) ?: "error";
	int pass = strcmp(status, "pass") == 0;

	fprintf(f, "check %s:%lld:%lld %-10s %s%-5s%s %s\n", file,
	    (long long)json_integer_value(json_object_get(v, "line")),
	    (long long)json_integer_value(json_object_get(v, "col")),
	    json_string_value(json_object_get(v, "check")), color ? (pass ? "\033[32m" : "\033[31m") : "",
	    pass ? "pass" : strcmp(status, "fail") == 0 ? "FAIL" : "ERROR",
	    color ? "\033[0m" : "", json_string_value(json_object_get(v, "message")));
}

/* The verdict of a check no capture can decide (none was made). */
static json_t *
checks_uncaptured(const struct trace_check *c)
{
	return json_pack("{s:s, s:o?, s:s, s:s, s:f, s:f, s:i, s:i}", "check", c->def->name,
	    "name", c->name != NULL ? json_string(c->name) : NULL, "status", "error",
	    "message", "no capture: the checks cannot be decided", "points", 0.0, "max_points", 1.0,
	    "line", c->line, "col", c->col);
}

void
checks_run(struct runner *r)
{
	struct names nm = { r->x, &r->socks, &r->results };
	struct trace_check_ctx ctx = {
		.conns = r->conns, .resolve = names_resolve, .resolve_conn = names_resolve_conn,
		.step_packets = names_step_packets, .step_start = names_step_start,
		.arg = &nm, .t0 = r->started_ns, .drops = r->drops, .undecidable = r->undecidable,
	};
	int captured = 0;

	for (size_t i = 0; i < r->ag.nac; i++)
		captured |= r->ag.ac[i].pcap != NULL;
	for (size_t i = 0; i < r->x->ntrace_checks; i++) {
		const struct trace_check *c = &r->x->trace_checks[i];
		json_t *v = captured ? trace_check_decide(&ctx, c) : checks_uncaptured(c);
		const char *status = json_string_value(json_object_get(v, "status"));

		if (strcmp(status, "fail") == 0)
			r->checks_failed++;
		else if (strcmp(status, "error") == 0)
			r->checks_errors++;
		if (!r->o->json && (!r->o->quiet || strcmp(status, "pass") != 0))
			checks_print_verdict(stdout, r->x->file, v, r->o->color);
		json_array_append_new(r->checks, v);
	}
}
