#!/usr/bin/env python3
"""A wrong solution for the tests: each answer goes out from a new socket, so from another port than the one the client sent to.

(From the reference solution of the UDP echo server.)

    python3 echo_server_udp.py PORT

Bound to PORT on every interface; answers each datagram, for ever, with the
same bytes, from that socket (so from PORT), to the address the datagram
came from.  A datagram is read whole: recvfrom with room for the largest
one (65535 bytes), since the part of a datagram that does not fit is lost.
"""
import socket
import sys


def main():
    port = int(sys.argv[1])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("", port))
        while True:
            data, addr = s.recvfrom(65535)
            print("Echo", len(data), "bytes to", addr)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as reply:
                reply.sendto(data, addr)


if __name__ == "__main__":
    main()
