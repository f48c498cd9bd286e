#!/usr/bin/env python3
"""Hostile submission for experiments/balcony-tcp.yaml: sends nothing, prints
what the dialogue would print, and forges the evidence instead.

It writes a whole forged TCP conversation (handshake, both speeches, an
orderly close) as pcap records into every descriptor above 2 it holds,
into every capture file of verona's it can find, and tries to send the
same frames through a packet socket of its own.  Every attempt and its
outcome goes to stderr, so the test can see what it tried.  Bounded: a few
hundred milliseconds."""
import glob
import os
import socket
import struct
import sys
import time


ROMEO = """She speaks:
O, speak again, bright angel! for thou art
As glorious to this night, being o'er my head
As is a winged messenger of heaven
Unto the white-upturned wondering eyes
Of mortals that fall back to gaze on him
When he bestrides the lazy-pacing clouds
And sails upon the bosom of the air.""".splitlines()
JULIET = """O Romeo, Romeo! wherefore art thou Romeo?
Deny thy father and refuse thy name;
Or, if thou wilt not, be but sworn my love,
And I'll no longer be a Capulet.""".splitlines()
R, J = "10.10.0.100", "10.10.0.101"
MAC = {R: b"\x02\x00\x00\x00\x00\x64", J: b"\x02\x00\x00\x00\x00\x65"}
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def frame(src, dst, sport, dport, seq, ack, flags, data=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, 5 << 4, flags,
                      64240, 0, 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst)) + tcp
    return MAC[dst] + MAC[src] + b"\x08\x00" + ip


def conversation(port):
    """The frames of a dialogue that never happened."""
    rs, js, cp = 1000, 5000, 40000
    out = [frame(R, J, cp, port, rs, 0, SYN), frame(J, R, port, cp, js, rs + 1, SYN | ACK),
           frame(R, J, cp, port, rs + 1, js + 1, ACK)]
    rs, js = rs + 1, js + 1
    for line in ROMEO:
        d = (line + "\n").encode()
        out += [frame(R, J, cp, port, rs, js, PSH | ACK, d), frame(J, R, port, cp, js, rs + len(d), ACK)]
        rs += len(d)
    for line in JULIET:
        d = (line + "\n").encode()
        out += [frame(J, R, port, cp, js, rs, PSH | ACK, d), frame(R, J, cp, port, rs, js + len(d), ACK)]
        js += len(d)
    out += [frame(R, J, cp, port, rs, js, FIN | ACK), frame(J, R, port, cp, js, rs + 1, FIN | ACK),
            frame(R, J, cp, port, rs + 1, js + 1, ACK)]
    return out


def records(frames, with_header):
    now = time.time()
    b = struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 262144, 1) if with_header else b""
    for i, f in enumerate(frames):
        t = now + i * 0.001
        b += struct.pack("<IIII", int(t), int((t % 1) * 1e9), len(f), len(f)) + f
    return b


def say(what):
    print("forge: " + what, file=sys.stderr, flush=True)


def main():
    me, port = sys.argv[1], int(sys.argv[-1])
    frames = conversation(port)
    for fd in sorted(int(x) for x in os.listdir("/proc/self/fd")):
        if fd <= 2:
            continue
        try:
            os.write(fd, records(frames, False))
            say(f"wrote into fd {fd}")
        except OSError as e:
            say(f"fd {fd}: {e}")
    for path in glob.glob("/tmp/verona-agent-*.pcap") + glob.glob("/tmp/*/verona-agent-*.pcap"):
        try:
            with open(path, "ab") as f:
                f.write(records(frames, False))
            say(f"appended to {path}")
        except OSError as e:
            say(f"{path}: {e}")
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind(("eth0", 0))
        for f in frames:
            s.send(f)
        say("sent the frames through a packet socket")
    except OSError as e:
        say(f"packet socket: {e}")
    if me == "juliet":
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", port))
        server.listen()
        time.sleep(1.0)
        server.close()
        print("\n".join(["received: " + l for l in ROMEO] + ["sent: " + l for l in JULIET]), flush=True)
    else:
        print("\n".join(["sent: " + l for l in ROMEO] + ["received: " + l for l in JULIET]), flush=True)


if __name__ == "__main__":
    main()
