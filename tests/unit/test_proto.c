/*
 * test_proto.c — unit tests for common/proto.c: every message of the table
 * accepted in its right shape, in the direction it travels; a missing
 * required field and a field of the wrong JSON type refused with the field
 * named; a frame without a type, an unknown type and a type sent the wrong
 * way refused; and every type's name on the wire.
 */
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "unit.h"

struct shape {
	enum proto_dir	 dir;
	enum msg_type	 type;
	const char	*json;	/* a frame as a side really sends it */
};

/* One right frame of every row of the table. */
static const struct shape shapes[] = {
	{ PROTO_TO_AGENT, MSG_HELLO, "{\"type\":\"hello\",\"version\":1,\"host\":\"romeo\",\"addr\":\"10.0.0.1\","
	    "\"sandbox\":\"full\",\"iface\":\"eth0\",\"limits\":{\"memory\":1e9},\"probe_capture\":true}" },
	{ PROTO_TO_AGENT, MSG_PING, "{\"type\":\"ping\"}" },
	{ PROTO_TO_AGENT, MSG_TIME, "{\"type\":\"time\",\"seq\":3}" },
	{ PROTO_TO_AGENT, MSG_STEP, "{\"type\":\"step\",\"seq\":7,\"op\":\"socket\",\"args\":{},\"id\":\"a\","
	    "\"background\":false,\"timeout\":5.0}" },
	{ PROTO_TO_AGENT, MSG_CAPTURE_START, "{\"type\":\"capture_start\",\"snaplen\":262144,\"filter\":null,"
	    "\"buffer\":2097152,\"budget\":16777216}" },
	{ PROTO_TO_AGENT, MSG_CAPTURE_STOP, "{\"type\":\"capture_stop\"}" },
	{ PROTO_TO_AGENT, MSG_CAPTURE_PEEK, "{\"type\":\"capture_peek\"}" },
	{ PROTO_TO_AGENT, MSG_CAPTURE_FETCH, "{\"type\":\"capture_fetch\",\"offset\":0}" },
	{ PROTO_TO_AGENT, MSG_BYE, "{\"type\":\"bye\"}" },
	{ PROTO_TO_CONTROLLER, MSG_HELLO, "{\"type\":\"hello\",\"version\":1,\"agent\":\"verona-agent 0.1.0\","
	    "\"kernel\":\"Linux\",\"hostname\":\"h\",\"iface\":null,\"addrs\":[],\"mtu\":1500,\"offloads\":{},"
	    "\"sysctls\":{},\"time_ns\":1,\"boot_id\":\"b\",\"capture\":\"ok\",\"limits\":{},\"sandbox\":{}}" },
	{ PROTO_TO_CONTROLLER, MSG_TIME, "{\"type\":\"time\",\"seq\":0,\"time_ns\":12}" },
	{ PROTO_TO_CONTROLLER, MSG_STARTED, "{\"type\":\"started\",\"seq\":4,\"ready\":true}" },
	{ PROTO_TO_CONTROLLER, MSG_RESULT, "{\"type\":\"result\",\"seq\":4,\"result\":{\"ok\":true}}" },
	{ PROTO_TO_CONTROLLER, MSG_CAPTURE_STARTED, "{\"type\":\"capture_started\",\"iface\":\"eth0\","
	    "\"snaplen\":262144,\"time_ns\":5}" },
	{ PROTO_TO_CONTROLLER, MSG_CAPTURE_FAILED, "{\"type\":\"capture_failed\",\"reason\":\"no capture is running\"}" },
	{ PROTO_TO_CONTROLLER, MSG_CAPTURE_STOPPED, "{\"type\":\"capture_stopped\",\"packets\":3,\"drops\":0,"
	    "\"ifdrops\":0,\"linktype\":1,\"snaplen\":262144,\"bytes\":300,\"sha256\":\"ab\",\"unwritten\":0,\"budget\":9}" },
	{ PROTO_TO_CONTROLLER, MSG_CAPTURE_PACKETS, "{\"type\":\"capture_packets\",\"linktype\":1,\"lost\":0,"
	    "\"packets\":[[1,60,\"AAAA\"]]}" },
	{ PROTO_TO_CONTROLLER, MSG_CAPTURE_CHUNK, "{\"type\":\"capture_chunk\",\"offset\":0,\"data\":\"\",\"eof\":true}" },
	{ PROTO_TO_CONTROLLER, MSG_ERROR, "{\"type\":\"error\",\"reason\":\"first frame is not hello\"}" },
	{ PROTO_TO_CONTROLLER, MSG_BYE, "{\"type\":\"bye\"}" },
};

static enum proto_status
decode(enum proto_dir dir, const char *text, enum msg_type *type, char *err, size_t errlen)
{
	json_t *m = json_loads(text, 0, NULL);
	enum proto_status st;

	if (m == NULL) {
		snprintf(err, errlen, "test frame is not JSON: %s", text);
		return PROTO_NO_TYPE;
	}
	st = proto_decode(dir, m, type, err, errlen);
	json_decref(m);
	return st;
}

UNIT_TEST(every_message_in_its_right_shape_is_accepted)
{
	int seen[2][MSG_NTYPES] = { { 0 } };

	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		enum msg_type t = MSG_NTYPES;
		char err[256] = "";
		enum proto_status st = decode(shapes[i].dir, shapes[i].json, &t, err, sizeof err);
		if (st != PROTO_OK)
			fprintf(stderr, "refused %s: %s\n", shapes[i].json, err);
		CHECK_INT(st, PROTO_OK);
		CHECK_INT(t, shapes[i].type);
		seen[shapes[i].dir][t] = 1;
	}
	/* every type travels at least one way */
	for (int t = 0; t < MSG_NTYPES; t++)
		CHECK(seen[PROTO_TO_AGENT][t] || seen[PROTO_TO_CONTROLLER][t]);
}

UNIT_TEST(each_type_is_named_as_on_the_wire)
{
	CHECK_STR(proto_type_name(MSG_HELLO), "hello");
	CHECK_STR(proto_type_name(MSG_CAPTURE_STARTED), "capture_started");
	CHECK_STR(proto_type_name(MSG_CAPTURE_CHUNK), "capture_chunk");
	for (int t = 0; t < MSG_NTYPES; t++) {
		/* a type's name decodes back to the type */
		char text[96], err[256];
		enum msg_type got = MSG_NTYPES;
		snprintf(text, sizeof text, "{\"type\":\"%s\"}", proto_type_name((enum msg_type)t));
		(void)decode(PROTO_TO_AGENT, text, &got, err, sizeof err);
		CHECK_INT(got, t);
	}
}

UNIT_TEST(a_missing_required_field_is_refused_with_its_name)
{
	enum msg_type t;
	char err[256] = "";

	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":\"step\",\"op\":\"socket\"}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "step frame without seq");
	CHECK_INT(t, MSG_STEP);
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"type\":\"result\",\"seq\":1}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "result frame without result");
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"type\":\"time\",\"seq\":1}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "time frame without time_ns");
}

UNIT_TEST(a_field_of_the_wrong_type_is_refused_with_its_name)
{
	enum msg_type t;
	char err[256] = "";

	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":\"step\",\"seq\":\"1\",\"op\":\"socket\"}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "step frame: seq must be an integer");
	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":\"step\",\"seq\":1,\"op\":\"socket\",\"timeout\":\"5\"}",
	    &t, err, sizeof err), PROTO_BAD_FIELD);
	CHECK_STR(err, "step frame: timeout must be a number");
	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":\"hello\",\"version\":1,\"limits\":[1]}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "hello frame: limits must be an object or null");
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"type\":\"capture_chunk\",\"data\":7}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "capture_chunk frame: data must be text");
	/* an optional field may be absent, but not of another type */
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"type\":\"started\",\"seq\":2}", &t, err, sizeof err), PROTO_OK);
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"type\":\"started\",\"seq\":2,\"ready\":1}", &t, err, sizeof err),
	    PROTO_BAD_FIELD);
	CHECK_STR(err, "started frame: ready must be true or false");
}

UNIT_TEST(an_unknown_or_missing_type_or_the_wrong_way_is_refused)
{
	enum msg_type t;
	char err[256] = "";

	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":\"launch-missiles\"}", &t, err, sizeof err), PROTO_UNKNOWN);
	CHECK_STR(err, "unknown message type \"launch-missiles\"");
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"seq\":1}", &t, err, sizeof err), PROTO_NO_TYPE);
	CHECK_STR(err, "frame has no \"type\"");
	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":7}", &t, err, sizeof err), PROTO_NO_TYPE);
	CHECK_INT(decode(PROTO_TO_AGENT, "{\"type\":\"result\",\"seq\":1,\"result\":{}}", &t, err, sizeof err),
	    PROTO_WRONG_WAY);
	CHECK_STR(err, "a \"result\" frame is never sent to the agent");
	CHECK_INT(decode(PROTO_TO_CONTROLLER, "{\"type\":\"step\",\"seq\":1,\"op\":\"x\"}", &t, err, sizeof err),
	    PROTO_WRONG_WAY);
	CHECK_STR(err, "a \"step\" frame is never sent to the controller");
}

int
main(void)
{
	UNIT_RUN(every_message_in_its_right_shape_is_accepted);
	UNIT_RUN(each_type_is_named_as_on_the_wire);
	UNIT_RUN(a_missing_required_field_is_refused_with_its_name);
	UNIT_RUN(a_field_of_the_wrong_type_is_refused_with_its_name);
	UNIT_RUN(an_unknown_or_missing_type_or_the_wrong_way_is_refused);
	return UNIT_END();
}
