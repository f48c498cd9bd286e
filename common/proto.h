/*
 * proto.h — the control channel between the controller (verona) and an agent
 * (verona-agent).  Frames are a 4-byte big-endian length and one JSON object
 * (frame.h).  Messages, by "type":
 *
 *   controller -> agent
 *     hello   {version, host, addr, [iface]}        first frame of a session
 *     step    {seq, op, args, [id], background, timeout}
 *     bye     {}                                     end of session
 *   agent -> controller
 *     hello   {version, agent, kernel, hostname, iface, addrs, mtu,
 *              offloads, sysctls, time_ns}
 *     started {seq}                 a background step is running
 *     result  {seq, result}         a foreground step (or wait/kill) ended
 *     error   {reason}              the agent drops the session
 *     bye     {}
 *
 * A step result: {ok, ret, errno, error, message, data (base64), local,
 * peer, from, start_ns, end_ns, ...}; addresses are {ip, port}.
 */
#ifndef VERONA_PROTO_H
#define VERONA_PROTO_H

#define PROTO_VERSION	1
/* Largest frame either side accepts; checked before the payload is buffered. */
#define FRAME_MAX	(64u * 1024 * 1024)

#endif
