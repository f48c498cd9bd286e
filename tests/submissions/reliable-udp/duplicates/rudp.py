#!/usr/bin/env python3
"""A wrong solution for the tests: stop-and-wait whose receiver writes every
DATA it gets, so a piece sent again because its ACK was lost is written twice.

    python3 rudp.py recv PORT OUTFILE
    python3 rudp.py send ADDRESS PORT FILE
"""
import socket
import sys

if sys.argv[1] == "send":
    addr = (sys.argv[2], int(sys.argv[3]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(0.05)
    with open(sys.argv[4], "rb") as f:
        while True:
            piece = f.read(1000)
            if not piece:
                break
            while True:                 # send until acknowledged
                sock.sendto(b"D" + piece, addr)
                try:
                    ack, _ = sock.recvfrom(16)
                    if ack == b"ACK":
                        break
                except socket.timeout:
                    pass
    for _ in range(20):                 # the end
        sock.sendto(b"END", addr)
        try:
            ack, _ = sock.recvfrom(16)
            if ack == b"ACK-END":
                break
        except socket.timeout:
            pass
    print("file sent")
else:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", int(sys.argv[2])))
    with open(sys.argv[3], "wb") as f:
        while True:
            packet, sender = sock.recvfrom(2048)
            if packet == b"END":
                sock.sendto(b"ACK-END", sender)
                break
            f.write(packet[1:])
            sock.sendto(b"ACK", sender)
    print("file received")
