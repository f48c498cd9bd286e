#!/usr/bin/env python3
"""Hostile baseline for experiments/balcony-tcp.yaml: prints every line the
dialogue would print and exits 0, but sends nothing (juliet only listens, so
verona's `ready: {port}` sees her; romeo never connects).  What it scores is
what printing alone is worth: any attack on the evidence must score no more."""
import socket
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


def pretend(me):
    """The lines the honest program would print, in its order."""
    if me == "juliet":
        lines = ["received: " + l for l in ROMEO] + ["sent: " + l for l in JULIET]
    else:
        lines = ["sent: " + l for l in ROMEO] + ["received: " + l for l in JULIET]
    print("\n".join(lines), flush=True)


def main():
    if sys.argv[1] == "juliet":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", int(sys.argv[2])))
        server.listen()
        time.sleep(1.0)             # long enough to be seen listening; nobody connects
        server.close()
    pretend(sys.argv[1])


if __name__ == "__main__":
    main()
