#!/usr/bin/env python3
"""A wrong solution for the tests: the socket is connected to the first client, so the datagrams of any other client are refused.

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
        client = None
        while True:
            data, addr = s.recvfrom(65535)
            if client is None:
                client = addr
                s.connect(client)       # from now on, send() is enough
            print("Echo", len(data), "bytes to", client)
            s.send(data)


if __name__ == "__main__":
    main()
