/*
 * proto.h — the control channel between the controller (verona) and an agent
 * (verona-agent).  Frames are a 4-byte big-endian length and one JSON object
 * (frame.h) whose "type" names the message.  Every message, its direction
 * and its fields are in one table, proto_rows[] in proto.c; each side decodes
 * what it receives with proto_decode() (the type as an enum msg_type, every
 * field's JSON type checked) and names a type with proto_type_name().  In
 * short (fields in [] are optional):
 *
 *   controller -> agent
 *     hello   {[version], [host], [addr], [iface], [sandbox], [limits], [probe_capture]}
 *                                   first frame (a missing version is a mismatch)
 *     time    {[seq]}               asks for the agent's clock (offset estimate)
 *     step    {seq, op, [args], [id], [background], [timeout]}
 *     capture_start {[filter], [snaplen], [buffer], [budget]}
 *     capture_stop {} / capture_peek {} / capture_fetch {[offset]}
 *     ping    {}                    heartbeat while the controller waits
 *     bye     {}                    end of session
 *   agent -> controller
 *     hello   {[version], [agent], [kernel], [hostname], [iface], [addrs], [mtu],
 *              [offloads], [sysctls], [time_ns], [boot_id], [capture], [limits], [sandbox]}
 *     time    {[seq], time_ns}
 *     started {seq, [ready]}        a background step is running
 *     result  {seq, result}         a foreground step (or wait/kill) ended
 *     capture_started {[iface], [snaplen], [time_ns]} / capture_failed {reason}
 *     capture_stopped {packets, drops, ifdrops, linktype, snaplen, bytes, sha256,
 *              unwritten, budget, [error]}
 *     capture_packets {linktype, lost, packets}   what capture_peek asked for
 *     capture_chunk {offset, data, eof}           what capture_fetch asked for
 *     error   {[reason]}            the agent drops the session
 *     bye     {}
 *
 * A step result: {ok, ret, errno, error, message, data (base64), local,
 * peer, from, start_ns, end_ns, ...}; addresses are {ip, port}.  Fields not
 * in the table are allowed and ignored.
 *
 * Over TCP the frames are sealed after a handshake on a shared key (seal.h).
 */
#ifndef VERONA_PROTO_H
#define VERONA_PROTO_H
#include <stddef.h>
#include <jansson.h>

#define PROTO_VERSION	1
/* Largest frame either side accepts; checked before the payload is buffered. */
#define FRAME_MAX	(64u * 1024 * 1024)
/* A TCP session ends when the controller sends nothing for this long. */
#define HEARTBEAT_S	6.0
/* The controller sends a ping when it has sent nothing for this long. */
#define PING_S		1.0

/* Every message type, both directions; proto_type_name() spells each on the wire. */
enum msg_type {
	MSG_HELLO,
	MSG_BYE,
	MSG_PING,
	MSG_TIME,
	MSG_STEP,
	MSG_STARTED,
	MSG_RESULT,
	MSG_ERROR,
	MSG_CAPTURE_START,
	MSG_CAPTURE_STARTED,
	MSG_CAPTURE_FAILED,
	MSG_CAPTURE_STOP,
	MSG_CAPTURE_STOPPED,
	MSG_CAPTURE_PEEK,
	MSG_CAPTURE_PACKETS,
	MSG_CAPTURE_FETCH,
	MSG_CAPTURE_CHUNK,
};
#define MSG_NTYPES	(MSG_CAPTURE_CHUNK + 1)
/* A set of message types, for "wait for one of these". */
#define MSG_BIT(t)	(1u << (t))

/* Who receives the frame being decoded. */
enum proto_dir {
	PROTO_TO_AGENT,
	PROTO_TO_CONTROLLER,
};

/* What proto_decode() found. */
enum proto_status {
	PROTO_OK = 0,
	PROTO_NO_TYPE = -1,	/* no "type", or not text */
	PROTO_UNKNOWN = -2,	/* a type no side knows */
	PROTO_WRONG_WAY = -3,	/* a type known, but never sent this way */
	PROTO_BAD_FIELD = -4,	/* a required field missing, or a field of the wrong JSON type */
};

/* The type's name on the wire (static storage). */
const char *proto_type_name(enum msg_type);
/* The type a name on the wire stands for: 0 and *type, or -1 for no type of the protocol. */
int	proto_type_of(const char *name, enum msg_type *type);
/*
 * Validates a received frame against the table: PROTO_OK with *type set, or
 * one of the errors with err saying what is wrong (the field named).  *type
 * is set for PROTO_BAD_FIELD and PROTO_WRONG_WAY too.
 */
enum proto_status proto_decode(enum proto_dir, json_t *msg, enum msg_type *type, char *err, size_t errlen);
/* Whether a frame (decoded already) is of type t. */
int	proto_is(json_t *msg, enum msg_type t);
#endif
