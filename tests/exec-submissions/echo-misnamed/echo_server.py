#!/usr/bin/env python3
"""Reference solution of the TCP echo server (seeds/001 tasks 1.1-1.3, the
homework of seeds/003).

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
        s.bind(("", port))
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
