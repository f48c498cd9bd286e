#!/usr/bin/env python3
"""Hostile submission for experiments/balcony-tcp.yaml: floods the capture.

It prints what the honest program would print and sends nothing of the
dialogue; romeo instead floods juliet with UDP datagrams for a bounded time
(FLOOD_S), as fast as one process can, hoping the captures drop packets so
that every check becomes undecidable (the old rule then left them out of
the maximum: 10/10)."""
import socket
import sys
import time

FLOOD_S = 0.5

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


def flood(peer):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    junk = b"x" * 1400
    end = time.monotonic() + FLOOD_S
    sent = 0
    while time.monotonic() < end:
        for _ in range(200):
            try:
                s.sendto(junk, (peer, 9))
                sent += 1
            except OSError:
                pass
    print("# flooded %d datagrams" % sent, file=sys.stderr, flush=True)


def main():
    me = sys.argv[1]
    if me == "juliet":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", int(sys.argv[2])))
        server.listen()
        time.sleep(FLOOD_S + 0.5)
        lines = ["received: " + l for l in ROMEO] + ["sent: " + l for l in JULIET]
    else:
        flood(sys.argv[2])
        lines = ["sent: " + l for l in ROMEO] + ["received: " + l for l in JULIET]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
