#!/usr/bin/env python3
"""A wrong solution for the tests: it listens on 127.0.0.1 only, like server_echo.py of Lab 1: romeo cannot reach it.

(From the reference solution of the TCP echo server.)

    python3 echo_server_tcp.py PORT

Listens on every interface; serves one client after the other, for ever;
sends back exactly the bytes each client sends, however long the message,
until the client closes its side, then closes the connection.
"""
import socket
import sys


def main():
    port = int(sys.argv[1])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()
        while True:
            conn, addr = s.accept()
            with conn:
                print("Connected", addr)
                while True:
                    data = conn.recv(1024)
                    if not data:        # the client closed its side
                        break
                    conn.sendall(data)
            print("Disconnected", addr)


if __name__ == "__main__":
    main()
