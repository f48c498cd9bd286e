/*
 * test_chan.c — unit tests for controller/chan.c over a socketpair: frames
 * read are decoded and kept until taken by type set and seq; an error frame
 * is taken whenever it is wanted; a frame the protocol refuses, and a
 * closed channel, are reported; chan_recv gives up after its time; hello is
 * the frame `verona run` and `verona ping` always sent; and the clock
 * estimate keeps the round trip of the smallest delay.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chan.h"
#include "util.h"
#include "unit.h"

/* A channel whose far end is *peer (the agent's side). */
static void
chan_pair(struct chan *c, int *peer)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	chan_init(c);
	c->rfd = sv[0];
	c->wfd = dup(sv[0]);
	*peer = sv[1];
}

static void
agent_says(int peer, const char *json)
{
	json_t *m = json_loads(json, 0, NULL);
	CHECK(m != NULL);
	CHECK(frame_write(peer, m) == 0);
	json_decref(m);
}

/* The frame the agent's side received, as compact JSON text; caller frees. */
static char *
agent_got(int peer)
{
	struct frame_reader rd;
	json_t *m = NULL;
	char err[256], *s;

	frame_reader_init(&rd, FRAME_MAX);
	while (frame_reader_next(&rd, &m, err, sizeof err) == 0)
		if (frame_reader_fill(&rd, peer) <= 0)
			break;
	frame_reader_free(&rd);
	s = m ? json_dumps(m, JSON_COMPACT) : NULL;
	json_decref(m);
	return s;
}

UNIT_TEST(frames_are_taken_by_type_set_and_seq)
{
	struct chan c;
	int peer;
	char err[256];
	enum msg_type t;
	json_t *f;

	chan_pair(&c, &peer);
	agent_says(peer, "{\"type\":\"started\",\"seq\":4}");
	agent_says(peer, "{\"type\":\"result\",\"seq\":3,\"result\":{\"ok\":true}}");
	agent_says(peer, "{\"type\":\"capture_failed\",\"reason\":\"no capture is running\"}");
	CHECK_INT(chan_fill(&c, err, sizeof err), 1);
	CHECK_INT(c.npending, 3);
	/* not there: no frame of that type, or not that seq */
	CHECK(chan_take(&c, MSG_BIT(MSG_TIME), -1, &t) == NULL);
	CHECK(chan_take(&c, MSG_BIT(MSG_RESULT), 4, &t) == NULL);
	f = chan_take(&c, MSG_BIT(MSG_RESULT), 3, &t);
	CHECK(f != NULL);
	CHECK_INT(t, MSG_RESULT);
	json_decref(f);
	f = chan_take(&c, MSG_BIT(MSG_CAPTURE_STOPPED) | MSG_BIT(MSG_CAPTURE_FAILED), -1, &t);
	CHECK_INT(t, MSG_CAPTURE_FAILED);
	CHECK_STR(json_string_value(json_object_get(f, "reason")), "no capture is running");
	json_decref(f);
	CHECK_INT(c.npending, 1);
	chan_close(&c, 0);
	close(peer);
}

UNIT_TEST(an_error_frame_is_taken_whatever_the_seq)
{
	struct chan c;
	int peer;
	char err[256];
	enum msg_type t = MSG_PING;
	json_t *f;

	chan_pair(&c, &peer);
	agent_says(peer, "{\"type\":\"error\",\"reason\":\"first frame is not hello\"}");
	CHECK_INT(chan_fill(&c, err, sizeof err), 1);
	CHECK(chan_take(&c, MSG_BIT(MSG_RESULT), 7, &t) == NULL);
	f = chan_take(&c, MSG_BIT(MSG_RESULT) | MSG_BIT(MSG_ERROR), 7, &t);
	CHECK(f != NULL);
	CHECK_INT(t, MSG_ERROR);
	json_decref(f);
	chan_close(&c, 0);
	close(peer);
}

UNIT_TEST(a_frame_the_protocol_refuses_is_a_bad_frame)
{
	struct chan c;
	int peer;
	char err[256] = "";

	chan_pair(&c, &peer);
	agent_says(peer, "{\"type\":\"result\",\"seq\":\"3\",\"result\":{}}");
	CHECK_INT(chan_fill(&c, err, sizeof err), -2);
	CHECK_STR(err, "result frame: seq must be an integer");
	CHECK_INT(c.npending, 0);
	chan_close(&c, 0);
	close(peer);

	chan_pair(&c, &peer);
	agent_says(peer, "{\"type\":\"launch-missiles\"}");
	CHECK_INT(chan_fill(&c, err, sizeof err), -2);
	CHECK_STR(err, "unknown message type \"launch-missiles\"");
	chan_close(&c, 0);
	close(peer);
}

UNIT_TEST(a_closed_channel_and_a_silent_one_are_reported)
{
	struct chan c;
	int peer;
	char err[256] = "";

	chan_pair(&c, &peer);
	CHECK(chan_recv(&c, MSG_BIT(MSG_HELLO), -1, 0.05, NULL, err, sizeof err) == NULL);
	CHECK_STR(err, "no answer within 0.1 s");
	close(peer);
	CHECK(chan_recv(&c, MSG_BIT(MSG_HELLO), -1, 1.0, NULL, err, sizeof err) == NULL);
	CHECK_STR(err, "the agent closed the channel");
	chan_close(&c, 0);
}

UNIT_TEST(hello_is_the_frame_run_and_ping_send)
{
	struct chan c;
	int peer;
	char *got;
	json_t *limits = json_pack("{s:i}", "processes", 64);
	struct chan_hello run = { .host = "romeo", .addr = "10.0.0.1", .sandbox = "full", .iface = "eth1",
	    .limits = limits };
	struct chan_hello ping = { .host = "juliet", .addr = "10.0.0.2", .probe_capture = 1 };
	json_t *m;

	chan_pair(&c, &peer);
	m = chan_hello_msg(&run);
	CHECK_INT(chan_send(&c, m), 0);
	json_decref(m);
	got = agent_got(peer);
	CHECK_STR(got, "{\"type\":\"hello\",\"version\":1,\"host\":\"romeo\",\"addr\":\"10.0.0.1\",\"sandbox\":\"full\","
	    "\"iface\":\"eth1\",\"limits\":{\"processes\":64}}");
	free(got);
	m = chan_hello_msg(&ping);
	CHECK_INT(chan_send(&c, m), 0);
	json_decref(m);
	got = agent_got(peer);
	CHECK_STR(got, "{\"type\":\"hello\",\"version\":1,\"host\":\"juliet\",\"addr\":\"10.0.0.2\",\"probe_capture\":true}");
	free(got);
	json_decref(limits);
	chan_close(&c, 0);
	close(peer);
}

UNIT_TEST(the_clock_estimate_keeps_the_smallest_round_trip)
{
	struct clock_est ce = { 0 };
	json_t *j;

	/* sent at 1000, the agent's stamp 6000, back at 3000: rtt 2000, offset 6000 - 2000 */
	clock_est_add(&ce, 1000, 6000, 3000);
	clock_est_add(&ce, 10000, 20000, 10400);	/* rtt 400: this one counts */
	clock_est_add(&ce, 20000, 0, 25000);		/* slower: ignored */
	CHECK_INT(ce.rounds, 3);
	CHECK_INT(ce.rtt_ns, 400);
	CHECK_INT(ce.offset_ns, 20000 - 10200);
	j = clock_est_json(&ce, 0);
	CHECK_INT(json_integer_value(json_object_get(j, "uncertainty_ns")), 201);
	CHECK_STR(json_string_value(json_object_get(j, "method")), "smallest round trip of 8");
	json_decref(j);
	j = clock_est_json(&ce, 1);
	CHECK(json_is_null(json_object_get(j, "rtt_ns")));
	json_decref(j);
}

int
main(void)
{
	UNIT_RUN(frames_are_taken_by_type_set_and_seq);
	UNIT_RUN(an_error_frame_is_taken_whatever_the_seq);
	UNIT_RUN(a_frame_the_protocol_refuses_is_a_bad_frame);
	UNIT_RUN(a_closed_channel_and_a_silent_one_are_reported);
	UNIT_RUN(hello_is_the_frame_run_and_ping_send);
	UNIT_RUN(the_clock_estimate_keeps_the_smallest_round_trip);
	return UNIT_END();
}
