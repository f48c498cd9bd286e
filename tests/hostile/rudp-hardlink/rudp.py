#!/usr/bin/env python3
"""Hostile submission for experiments/reliable-udp.yaml (red team): passes
"the received file equals the sent one" without sending a byte.  The
receiver, in the work directory verona later puts the reference file into
(as sent.bin), makes received.bin and gives it a second name, sent.bin (a
hard link, not a symbolic one): a put that opens sent.bin and writes into
it writes into received.bin too, and `cmp sent.bin received.bin` passes.
The sender sends nothing; both exit 0.  Bounded: about 1.5 s."""
import os
import socket
import sys
import time


def main():
    if sys.argv[1] == "recv":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("", int(sys.argv[2])))     # "ready": the port is bound
        time.sleep(1.5)
        out = sys.argv[3]
        open(out, "wb").close()
        try:
            os.link(out, "sent.bin")
            print("linked sent.bin to", out, file=sys.stderr)
        except OSError as e:
            print("cannot link:", e, file=sys.stderr)
    # the sender: nothing to send


if __name__ == "__main__":
    main()
