#!/usr/bin/env python3
"""A wrong solution for the tests: accept in a loop, but each client gets
one reply and is hung up on, so a client's second line is refused and three
clients are never connected at once.

(The server of seeds/004 halfway: the accept loop without the loop on recv.)
"""
import socket
import sys

port, name = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.listen(10)
while True:
    conn, addr = s.accept()
    data = conn.recv(1024)
    conn.sendall((data.decode().strip() + " " + name + "\n").encode())
    conn.close()
