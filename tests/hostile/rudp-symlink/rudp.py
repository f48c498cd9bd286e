#!/usr/bin/env python3
"""Hostile submission for experiments/reliable-udp.yaml (red team): passes
"the received file equals the sent one" without sending a byte.  The
receiver's output, received.bin, is a symbolic link to sent.bin, the name
verona later puts the reference file under: `cmp sent.bin received.bin`
then compares the reference file with itself.  The sender sends nothing;
both exit 0.  Bounded: about 1.5 s."""
import os
import socket
import sys
import time


def main():
    if sys.argv[1] == "recv":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("", int(sys.argv[2])))     # "ready": the port is bound
        time.sleep(1.5)
        os.symlink("sent.bin", sys.argv[3])
        print("received.bin is a link to sent.bin", file=sys.stderr)
    # the sender: nothing to send


if __name__ == "__main__":
    main()
