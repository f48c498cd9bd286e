#!/usr/bin/env python3
"""A wrong solution for the tests: juliet binds her socket to 127.0.0.1, so no datagram from romeo reaches it (each draws ICMP port unreachable); both wait for ever.

(From the reference solution of the balcony exercise, UDP.)

juliet:  python3 balcony_udp.py juliet PORT
romeo:   python3 balcony_udp.py romeo JULIET_ADDRESS PORT

UDP has no end of stream, so each speech ends with an empty datagram (the
way recv() returns b'' at the end of a TCP stream).  ROMEO sends his lines,
one datagram per line, without a newline, then an empty datagram; JULIET
receives until that empty datagram, then answers the same way, to the
address ROMEO's datagrams came from.  Each side prints every line it sends
and receives.
"""
import socket
import sys

ROMEO = """She speaks:
O, speak again, bright angel! for thou art
As glorious to this night, being o'er my head
As is a winged messenger of heaven
Unto the white-upturned wondering eyes
Of mortals that fall back to gaze on him
When he bestrides the lazy-pacing clouds
And sails upon the bosom of the air.""".splitlines()

JULIET = """O Romeo, Romeo! wherefore art thou Romeo?
Deny thy father and refuse thy name;
Or, if thou wilt not, be but sworn my love,
And I'll no longer be a Capulet.""".splitlines()


def recv_lines(sock):
    """Prints each datagram as a line until the empty one; returns the sender."""
    while True:
        data, addr = sock.recvfrom(65535)
        if not data:
            return addr
        print("received:", data.decode())


def send_lines(sock, lines, addr):
    for line in lines:
        sock.sendto(line.encode(), addr)
        print("sent:", line)
    sock.sendto(b"", addr)          # done speaking


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if sys.argv[1] == "juliet":
        sock.bind(("127.0.0.1", int(sys.argv[2])))   # only this host can reach it
        romeo = recv_lines(sock)    # until romeo has said everything
        send_lines(sock, JULIET, romeo)
    else:
        send_lines(sock, ROMEO, (sys.argv[2], int(sys.argv[3])))
        recv_lines(sock)            # on the same socket: juliet answers to its address
    sock.close()


if __name__ == "__main__":
    main()
