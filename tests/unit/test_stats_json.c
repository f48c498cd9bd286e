/*
 * test_stats_json.c — unit tests for controller/stats-json.c: one function
 * writes a direction's figures for both outputs, each in its own words
 * (results.json: payload, headers, wire, overhead, handshake and teardown
 * always; verona stats --json: payload_bytes, header_bytes, wire_bytes,
 * overhead_pct, handshake and teardown for TCP only), in a fixed key order.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "stats-json.h"
#include "util.h"
#include "unit.h"

static const struct trace_dir_stats d = {
	.packets = 4, .payload_bytes = 60, .link_bytes = 56, .ip_bytes = 80, .transport_bytes = 104,
	.wire_bytes = 300, .handshake = 3, .teardown = 1,
};

static char *
dumped(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

UNIT_TEST(results_words)
{
	char *s = dumped(stats_json_dir(&d, STATS_JSON_RESULTS, 0));
	CHECK_STR(s, "{\"packets\":4,\"payload\":60,\"headers\":{\"link\":56,\"ip\":80,\"transport\":104},"
	    "\"wire\":300,\"overhead\":80.0,\"handshake\":3,\"teardown\":1}");
	free(s);
}

UNIT_TEST(cli_words)
{
	char *s = dumped(stats_json_dir(&d, STATS_JSON_CLI, 1));
	CHECK_STR(s, "{\"packets\":4,\"payload_bytes\":60,\"header_bytes\":{\"link\":56,\"ip\":80,\"transport\":104},"
	    "\"wire_bytes\":300,\"overhead_pct\":80.0,\"handshake\":3,\"teardown\":1}");
	free(s);
	s = dumped(stats_json_dir(&d, STATS_JSON_CLI, 0));	/* UDP: no handshake, no teardown */
	CHECK(strstr(s, "handshake") == NULL && strstr(s, "teardown") == NULL);
	free(s);
}

UNIT_TEST(no_statistics_no_object)
{
	CHECK(stats_json_run(NULL, 200) == NULL);
}

int
main(void)
{
	UNIT_RUN(results_words);
	UNIT_RUN(cli_words);
	UNIT_RUN(no_statistics_no_object);
	return UNIT_END();
}
