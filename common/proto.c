/*
 * proto.c — the control channel's messages written once: the name of each
 * type and, per direction, the fields each carries with their JSON types.
 * Both sides decode every frame they receive here before acting on it (see
 * proto.h); a frame that does not fit is refused with the field named.
 */
#include <stdio.h>
#include <string.h>

#include "proto.h"

/* JSON types a field may have, as a set. */
#define J_OBJ	(1u << JSON_OBJECT)
#define J_ARR	(1u << JSON_ARRAY)
#define J_STR	(1u << JSON_STRING)
#define J_INT	(1u << JSON_INTEGER)
#define J_NUM	((1u << JSON_INTEGER) | (1u << JSON_REAL))
#define J_BOOL	((1u << JSON_TRUE) | (1u << JSON_FALSE))
#define J_NULL	(1u << JSON_NULL)
#define J_ANY	(J_OBJ | J_ARR | J_STR | J_NUM | J_BOOL | J_NULL)

#define REQ	1
#define OPT	0
#define PROTO_FIELDS_MAX 15

struct proto_field {
	const char	*name;
	unsigned	 types;
	int		 required;
};

struct proto_row {
	enum msg_type		type;
	enum proto_dir		dir;
	struct proto_field	fields[PROTO_FIELDS_MAX];	/* up to a NULL name */
};

static const char *const proto_names[MSG_NTYPES] = {
	[MSG_HELLO] = "hello",
	[MSG_BYE] = "bye",
	[MSG_PING] = "ping",
	[MSG_TIME] = "time",
	[MSG_STEP] = "step",
	[MSG_STARTED] = "started",
	[MSG_RESULT] = "result",
	[MSG_ERROR] = "error",
	[MSG_CAPTURE_START] = "capture_start",
	[MSG_CAPTURE_STARTED] = "capture_started",
	[MSG_CAPTURE_FAILED] = "capture_failed",
	[MSG_CAPTURE_STOP] = "capture_stop",
	[MSG_CAPTURE_STOPPED] = "capture_stopped",
	[MSG_CAPTURE_PEEK] = "capture_peek",
	[MSG_CAPTURE_PACKETS] = "capture_packets",
	[MSG_CAPTURE_FETCH] = "capture_fetch",
	[MSG_CAPTURE_CHUNK] = "capture_chunk",
};

/*
 * Every message, one row per direction it travels.  Optional fields are
 * listed so that their type is checked when they are there; the handlers
 * check values (a protocol version, a sandbox level, the limits).
 */
static const struct proto_row proto_rows[] = {
	{ MSG_HELLO, PROTO_TO_AGENT, {
		{ "version", J_INT, OPT }, { "host", J_STR, OPT }, { "addr", J_STR, OPT },
		{ "iface", J_STR, OPT }, { "sandbox", J_STR, OPT }, { "limits", J_OBJ | J_NULL, OPT },
		{ "probe_capture", J_BOOL, OPT }, { "bind_own", J_BOOL, OPT } } },
	{ MSG_PING, PROTO_TO_AGENT, { { NULL, 0, 0 } } },
	{ MSG_TIME, PROTO_TO_AGENT, { { "seq", J_ANY, OPT } } },
	{ MSG_STEP, PROTO_TO_AGENT, {
		{ "seq", J_INT, REQ }, { "op", J_STR, REQ }, { "args", J_OBJ, OPT },
		{ "id", J_STR, OPT }, { "background", J_BOOL, OPT }, { "timeout", J_NUM, OPT } } },
	{ MSG_CAPTURE_START, PROTO_TO_AGENT, {
		{ "filter", J_STR | J_NULL, OPT }, { "snaplen", J_INT, OPT }, { "buffer", J_INT, OPT },
		{ "budget", J_INT, OPT } } },
	{ MSG_CAPTURE_STOP, PROTO_TO_AGENT, { { NULL, 0, 0 } } },
	{ MSG_CAPTURE_PEEK, PROTO_TO_AGENT, { { NULL, 0, 0 } } },
	{ MSG_CAPTURE_FETCH, PROTO_TO_AGENT, { { "offset", J_INT, OPT } } },
	{ MSG_BYE, PROTO_TO_AGENT, { { NULL, 0, 0 } } },

	{ MSG_HELLO, PROTO_TO_CONTROLLER, {
		{ "version", J_INT, OPT }, { "agent", J_STR, OPT }, { "kernel", J_STR, OPT },
		{ "hostname", J_STR, OPT }, { "iface", J_STR | J_NULL, OPT }, { "addrs", J_ARR, OPT },
		{ "mtu", J_INT, OPT }, { "offloads", J_OBJ, OPT }, { "sysctls", J_OBJ, OPT },
		{ "time_ns", J_INT, OPT }, { "boot_id", J_STR, OPT }, { "capture", J_STR, OPT },
		{ "limits", J_OBJ, OPT }, { "sandbox", J_OBJ, OPT } } },
	{ MSG_TIME, PROTO_TO_CONTROLLER, { { "seq", J_ANY, OPT }, { "time_ns", J_INT, REQ } } },
	{ MSG_STARTED, PROTO_TO_CONTROLLER, { { "seq", J_INT, REQ }, { "ready", J_BOOL, OPT } } },
	{ MSG_RESULT, PROTO_TO_CONTROLLER, { { "seq", J_INT, REQ }, { "result", J_OBJ, REQ } } },
	{ MSG_CAPTURE_STARTED, PROTO_TO_CONTROLLER, {
		{ "iface", J_STR | J_NULL, OPT }, { "snaplen", J_INT, OPT }, { "time_ns", J_INT, OPT } } },
	{ MSG_CAPTURE_FAILED, PROTO_TO_CONTROLLER, { { "reason", J_STR, REQ } } },
	{ MSG_CAPTURE_STOPPED, PROTO_TO_CONTROLLER, {
		{ "packets", J_INT, OPT }, { "drops", J_INT, OPT }, { "ifdrops", J_INT, OPT },
		{ "linktype", J_INT, OPT }, { "snaplen", J_INT, OPT }, { "bytes", J_INT, OPT },
		{ "sha256", J_STR, OPT }, { "unwritten", J_INT, OPT }, { "budget", J_INT, OPT },
		{ "error", J_STR, OPT } } },
	{ MSG_CAPTURE_PACKETS, PROTO_TO_CONTROLLER, {
		{ "linktype", J_INT, OPT }, { "lost", J_INT, OPT }, { "packets", J_ARR, REQ } } },
	{ MSG_CAPTURE_CHUNK, PROTO_TO_CONTROLLER, {
		{ "offset", J_INT, OPT }, { "data", J_STR, REQ }, { "eof", J_BOOL, OPT } } },
	{ MSG_ERROR, PROTO_TO_CONTROLLER, { { "reason", J_STR | J_NULL, OPT } } },
	{ MSG_BYE, PROTO_TO_CONTROLLER, { { NULL, 0, 0 } } },
};

const char *
proto_type_name(enum msg_type t)
{
	return (unsigned)t < MSG_NTYPES ? proto_names[t] : "?";
}

int
proto_type_of(const char *name, enum msg_type *type)
{
	for (int t = 0; t < MSG_NTYPES; t++)
		if (strcmp(proto_names[t], name) == 0) {
			*type = (enum msg_type)t;
			return 0;
		}
	return -1;
}

/* What a set of JSON types is called in a message: "an integer", "text or null". */
static const char *
proto_types_text(unsigned types)
{
	static const struct { unsigned types; const char *text; } names[] = {
		{ J_OBJ, "an object" }, { J_ARR, "a list" }, { J_STR, "text" }, { J_INT, "an integer" },
		{ J_NUM, "a number" }, { J_BOOL, "true or false" }, { J_STR | J_NULL, "text or null" }, { J_OBJ | J_NULL, "an object or null" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].types == types)
			return names[i].text;
	return "of another JSON type";
}

static const struct proto_row *
proto_row_of(enum msg_type t, enum proto_dir dir)
{
	for (size_t i = 0; i < sizeof proto_rows / sizeof proto_rows[0]; i++)
		if (proto_rows[i].type == t && proto_rows[i].dir == dir)
			return &proto_rows[i];
	return NULL;
}

enum proto_status
proto_decode(enum proto_dir dir, json_t *msg, enum msg_type *type, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(msg, "type"));
	const struct proto_row *row;

	if (name == NULL) {
		snprintf(err, errlen, "frame has no \"type\"");
		return PROTO_NO_TYPE;
	}
	if (proto_type_of(name, type) != 0) {
		snprintf(err, errlen, "unknown message type \"%.40s\"", name);
		return PROTO_UNKNOWN;
	}
	if ((row = proto_row_of(*type, dir)) == NULL) {
		snprintf(err, errlen, "a \"%s\" frame is never sent to the %s", name,
		    dir == PROTO_TO_AGENT ? "agent" : "controller");
		return PROTO_WRONG_WAY;
	}
	for (const struct proto_field *f = row->fields; f < row->fields + PROTO_FIELDS_MAX && f->name != NULL; f++) {
		json_t *v = json_object_get(msg, f->name);
		if (v == NULL) {
			if (!f->required)
				continue;
			snprintf(err, errlen, "%s frame without %s", name, f->name);
			return PROTO_BAD_FIELD;
		}
		if ((f->types & (1u << json_typeof(v))) == 0) {
			snprintf(err, errlen, "%s frame: %s must be %s", name, f->name, proto_types_text(f->types));
			return PROTO_BAD_FIELD;
		}
	}
	return PROTO_OK;
}

int
proto_is(json_t *msg, enum msg_type t)
{
	enum msg_type got;
	const char *name = json_string_value(json_object_get(msg, "type"));
	return name != NULL && proto_type_of(name, &got) == 0 && got == t;
}
