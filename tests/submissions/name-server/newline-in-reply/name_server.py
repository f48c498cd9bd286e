#!/usr/bin/env python3
"""A wrong solution for the tests: threaded, but the name is glued after the
line's own newline ("Hello\\n Ali" instead of "Hello Ali\\n").

(binarytides' threaded server of seeds/004, with reply = data + name.)
"""
import socket
import sys
import threading

port, name = int(sys.argv[1]), sys.argv[2]


def clientthread(conn):
    while True:
        data = conn.recv(1024)
        if not data:
            break
        conn.sendall(data + b" " + name.encode())
    conn.close()


s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.listen(10)
while True:
    conn, addr = s.accept()
    threading.Thread(target=clientthread, args=(conn,), daemon=True).start()
