#!/usr/bin/env python3
"""A wrong solution for the tests: the deck's loop as it stands: the backoff
is right, but it gives up with raise RuntimeError('Maybe the server is
down'): a traceback on stderr, nothing printed on stdout."""
import socket
import sys

MAX = 65535
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
delay = 0.1
while True:
    sock.send(b'Send this message!')
    sock.settimeout(delay)
    try:
        data = sock.recv(MAX)
    except socket.timeout:
        delay *= 2  # Exponential backoff
        if delay > 2.0:
            raise RuntimeError('Maybe the server is down')
    else:
        break  # we are done
print(data)
