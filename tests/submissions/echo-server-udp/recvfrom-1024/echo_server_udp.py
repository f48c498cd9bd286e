#!/usr/bin/env python3
"""A wrong solution for the tests: recvfrom(1024), as the TCP server reads: a longer datagram is cut to 1024 bytes.

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
            data, addr = s.recvfrom(1024)
            print("Echo", len(data), "bytes to", addr)
            s.sendto(data, addr)


if __name__ == "__main__":
    main()
