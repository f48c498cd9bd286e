#!/usr/bin/env python3
"""A wrong solution for the tests: five tries, but the timeout never
doubles (0.1 s every time), so the requests go out 0.1 s apart."""
import socket
import sys

server = (sys.argv[1], int(sys.argv[2]))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(0.1)
for attempt in range(5):
    sock.sendto(b"Send this message!", server)
    try:
        data, address = sock.recvfrom(65535)
    except socket.timeout:
        print("no reply to attempt", attempt + 1)
        continue
    print("reply:", data)
    sys.exit(0)
print("server down")
sys.exit(1)
