#!/usr/bin/env python3
"""A wrong solution for the tests: the echo server never closes a connection.

It echoes every client correctly, but when a client closes its side it only
stops reading and keeps the connection (no conn.close()), serving the next
client.  The connection is closed only by the kernel, when verona kills the
server at the end of the run: that FIN is verona's doing, not the server's,
so "the server closes the first connection after the client" is lost.

python3 echo_server_tcp.py PORT
"""
import socket
import sys


def main():
    port = int(sys.argv[1])
    kept = []                       # every connection, never closed
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", port))
        s.listen()
        while True:
            conn, addr = s.accept()
            kept.append(conn)
            print("Connected", addr, flush=True)
            while True:
                data = conn.recv(1024)
                if not data:        # the client closed its side; ours stays open
                    break
                conn.sendall(data)
            print("Client done", addr, flush=True)


if __name__ == "__main__":
    main()
