#!/usr/bin/env python3
"""Reference solution of the name-server lab (seeds/004).

    python3 name_server.py PORT NAME

Listens on every interface; to each line a client sends it replies with the
line, a space, NAME and a newline ("Hello" -> "Hello Ali").  Every client is
served by a thread of its own, so several can talk to it at once.  A client
that closes its end is let go.
"""
import socket
import sys
import threading


def serve(conn, name):
    with conn:
        pending = b""
        while True:
            data = conn.recv(1024)
            if not data:
                break
            pending += data
            while b"\n" in pending:              # a reply per whole line
                line, pending = pending.split(b"\n", 1)
                line = line.rstrip(b"\r")         # telnet ends lines with \r\n
                conn.sendall(line + b" " + name + b"\n")


def main():
    port, name = int(sys.argv[1]), sys.argv[2].encode()
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("", port))
    server.listen(5)
    print("listening on port", port, flush=True)
    while True:
        conn, addr = server.accept()
        print("connected:", addr, flush=True)
        threading.Thread(target=serve, args=(conn, name), daemon=True).start()


if __name__ == "__main__":
    main()
