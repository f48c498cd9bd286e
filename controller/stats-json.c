/*
 * stats-json.c — per-flow statistics (pcap/stats.c) as JSON, for
 * results.json's "stats" and verona stats --json; see stats-json.h.
 */
#include <stdio.h>
#include <string.h>

#include "stats-json.h"

/* The words of each output (results.json is read by report.html; verona stats --json by its users). */
static const struct {
	const char	*payload, *headers, *wire, *overhead;
	int		 tcp_only;	/* handshake and teardown only for TCP */
} stats_json_words[] = {
	[STATS_JSON_RESULTS] = { "payload", "headers", "wire", "overhead", 0 },
	[STATS_JSON_CLI] = { "payload_bytes", "header_bytes", "wire_bytes", "overhead_pct", 1 },
};

json_t *
stats_json_dir(const struct trace_dir_stats *d, enum stats_json_style style, int tcp)
{
	json_t *o = json_pack("{s:I, s:I, s:{s:I, s:I, s:I}, s:I, s:f}",
	    "packets", (json_int_t)d->packets,
	    stats_json_words[style].payload, (json_int_t)d->payload_bytes,
	    stats_json_words[style].headers, "link", (json_int_t)d->link_bytes, "ip", (json_int_t)d->ip_bytes,
	    "transport", (json_int_t)d->transport_bytes,
	    stats_json_words[style].wire, (json_int_t)d->wire_bytes,
	    stats_json_words[style].overhead, trace_stats_overhead(d));

	if (o != NULL && (tcp || !stats_json_words[style].tcp_only)) {
		json_object_set_new(o, "handshake", json_integer((json_int_t)d->handshake));
		json_object_set_new(o, "teardown", json_integer((json_int_t)d->teardown));
	}
	return o;
}

json_t *
stats_json_run(const struct trace_stats *st, size_t max_flows)
{
	json_t *flows, *o;
	struct trace_dir_stats tcp, udp;

	if (st == NULL)
		return NULL;
	flows = json_array();
	memset(&tcp, 0, sizeof tcp);
	memset(&udp, 0, sizeof udp);
	for (size_t i = 0; i < st->nflows; i++) {
		const struct trace_flow *f = &st->flows[i];
		char a[64], b[64], ea[80], eb[80];
		struct trace_dir_stats both = f->dir[0];
		trace_stats_sum(&both, &f->dir[1]);
		trace_stats_sum(f->proto == 6 ? &tcp : &udp, &both);
		if (i >= max_flows)		/* in the totals, not listed */
			continue;
		trace_addr_text(f->ip_version, f->a, a, sizeof a);
		trace_addr_text(f->ip_version, f->b, b, sizeof b);
		snprintf(ea, sizeof ea, f->ip_version == 6 ? "[%s]:%u" : "%s:%u", a, f->aport);
		snprintf(eb, sizeof eb, f->ip_version == 6 ? "[%s]:%u" : "%s:%u", b, f->bport);
		json_array_append_new(flows, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}",
		    "proto", f->proto == 6 ? "tcp" : "udp", "initiator", ea, "responder", eb,
		    "forward", stats_json_dir(&f->dir[0], STATS_JSON_RESULTS, 1),
		    "backward", stats_json_dir(&f->dir[1], STATS_JSON_RESULTS, 1),
		    "total", stats_json_dir(&both, STATS_JSON_RESULTS, 1)));
	}
	o = json_pack("{s:o, s:o, s:o}", "flows", flows, "tcp", stats_json_dir(&tcp, STATS_JSON_RESULTS, 1),
	    "udp", stats_json_dir(&udp, STATS_JSON_RESULTS, 1));
	if (st->nflows > max_flows)
		json_object_set_new(o, "flows_unlisted", json_integer((json_int_t)(st->nflows - max_flows)));
	return o;
}
