#!/usr/bin/env python3
"""A wrong solution for the tests: the loop stops once the next wait would
be 1.6 s, so only four requests go out (0.1, 0.2, 0.4 s apart)."""
import socket
import sys

server = (sys.argv[1], int(sys.argv[2]))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
delay = 0.1
while delay < 1.6:
    sock.sendto(b"Send this message!", server)
    sock.settimeout(delay)
    try:
        data, address = sock.recvfrom(65535)
    except socket.timeout:
        delay *= 2
        continue
    print("reply:", data)
    sys.exit(0)
print("server down")
sys.exit(1)
