#!/usr/bin/env python3
"""A wrong solution for the tests: no threads.  The server talks to the
first client until it leaves, so the second and third clients wait for their
replies (their handshakes complete all the same: the kernel accepts them
into the listen queue).

(The loop of "Running Sample 7" of seeds/004, before threads.)
"""
import socket
import sys

port, name = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.listen(10)
print("Socket now listening", flush=True)
while True:
    conn, addr = s.accept()
    print("Connected with", addr[0], ":", addr[1], flush=True)
    while True:
        data = conn.recv(1024)
        if not data:
            break
        reply = data.decode().strip() + " " + name + "\n"
        conn.sendall(reply.encode())
    conn.close()
