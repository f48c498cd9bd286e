#!/usr/bin/env python3
"""A wrong solution for the tests: the pieces are numbered and put back in
order, but nothing lost is ever sent again.

    python3 rudp.py recv PORT OUTFILE
    python3 rudp.py send ADDRESS PORT FILE
"""
import socket
import struct
import sys
import time

if sys.argv[1] == "send":
    addr = (sys.argv[2], int(sys.argv[3]))
    data = open(sys.argv[4], "rb").read()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pieces = [data[i:i + 1000] for i in range(0, len(data), 1000)]
    for seq, piece in enumerate(pieces):
        sock.sendto(struct.pack("!I", seq) + piece, addr)
        time.sleep(0.001)               # do not flood the receiver
    for _ in range(10):                 # the end, said often enough
        sock.sendto(b"END", addr)
        time.sleep(0.01)
    print("sent", len(pieces), "pieces")
else:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", int(sys.argv[2])))
    sock.settimeout(3)                  # or when the sender has gone quiet
    pieces = {}
    try:
        while True:
            packet, _ = sock.recvfrom(2048)
            if packet == b"END":
                break
            pieces[struct.unpack("!I", packet[:4])[0]] = packet[4:]
    except socket.timeout:
        pass
    with open(sys.argv[3], "wb") as f:
        for seq in sorted(pieces):
            f.write(pieces[seq])
    print("received", len(pieces), "pieces")
