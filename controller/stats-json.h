/*
 * stats-json.h — per-flow statistics (pcap/stats.c) as JSON, written in one
 * place for both outputs.  The two keep their own words for the same
 * figures, because readers depend on each: results.json's "stats"
 * (payload, headers, wire, overhead; read by report.html and documented in
 * docs/results.md) and verona stats --json (payload_bytes, header_bytes,
 * wire_bytes, overhead_pct; tests/test_golden.py).  Returned objects are
 * the caller's.
 */
#ifndef VERONA_STATS_JSON_H
#define VERONA_STATS_JSON_H
#include <stddef.h>
#include <jansson.h>
#include "trace.h"

enum stats_json_style {
	STATS_JSON_RESULTS,	/* results.json: handshake and teardown always */
	STATS_JSON_CLI,		/* verona stats --json: handshake and teardown for TCP only */
};

/* One direction's (or a sum's) figures: packets, payload, headers {link, ip, transport}, wire, overhead. */
json_t	*stats_json_dir(const struct trace_dir_stats *, enum stats_json_style, int tcp);
/* results.json's "stats": the first max_flows flows, TCP and UDP totals; NULL for no statistics. */
json_t	*stats_json_run(const struct trace_stats *, size_t max_flows);
#endif
