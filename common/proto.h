/*
 * proto.h — the control channel between the controller (verona) and an agent
 * (verona-agent).  Frames are a 4-byte big-endian length and one JSON object
 * (frame.h).  Messages, by "type":
 *
 *   controller -> agent
 *     hello   {version, host, addr, [iface], [probe_capture]}  first frame
 *     time    {seq}                 asks for the agent's clock (offset estimate)
 *     step    {seq, op, args, [id], background, timeout}
 *     capture_start {filter, snaplen, buffer} / capture_stop / capture_peek /
 *             capture_fetch {offset}
 *     ping    {}                    heartbeat while the controller waits
 *     bye     {}                                     end of session
 *   agent -> controller
 *     hello   {version, agent, kernel, hostname, iface, addrs, mtu,
 *              offloads, sysctls, time_ns, [boot_id], [capture]}
 *     time    {seq, time_ns}
 *     started {seq}                 a background step is running
 *     result  {seq, result}         a foreground step (or wait/kill) ended
 *     error   {reason}              the agent drops the session
 *     bye     {}
 *
 * A step result: {ok, ret, errno, error, message, data (base64), local,
 * peer, from, start_ns, end_ns, ...}; addresses are {ip, port}.
 *
 * Over TCP the frames are sealed after a handshake on a shared key (seal.h).
 */
#ifndef VERONA_PROTO_H
#define VERONA_PROTO_H

#define PROTO_VERSION	1
/* Largest frame either side accepts; checked before the payload is buffered. */
#define FRAME_MAX	(64u * 1024 * 1024)
/* A TCP session ends when the controller sends nothing for this long. */
#define HEARTBEAT_S	6.0
/* The controller sends a ping when it has sent nothing for this long. */
#define PING_S		1.0

#endif
