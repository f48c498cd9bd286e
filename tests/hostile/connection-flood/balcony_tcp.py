#!/usr/bin/env python3
"""Hostile: 60,000 TCP connection attempts to closed ports (each a SYN and a
RST: 60,000 connections and flows, under the capture budget, so the trace
is read whole), then the dialogue as the reference says it.  The controller
must stay small however many connections the trace holds.

Reference solution of the balcony exercise (seeds/000), TCP.

juliet:  python3 balcony_tcp.py juliet PORT
romeo:   python3 balcony_tcp.py romeo JULIET_ADDRESS PORT

ROMEO speaks first, line by line; JULIET answers when he is done.  Each
side prints every line it sends and receives.
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
    data = b""
    while True:
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    for line in data.decode().splitlines():
        print("received:", line)


def send_lines(sock, lines):
    for line in lines:
        sock.sendall((line + "\n").encode())
        print("sent:", line)


def flood(dest, seconds=8.0):
    """A new TCP connection attempt after another (60,000, or what 8 s allow), each to a closed port."""
    import time
    end = time.monotonic() + seconds
    n = 0
    port = 1
    while time.monotonic() < end and n < 60000:
        for _ in range(64):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect((dest, 10000 + port % 50000))
            except OSError:
                pass
            s.close()
            port += 1
        n += 64
    print("attempted", n, "connections", file=sys.stderr)


def main():
    if sys.argv[1] == "romeo":
        flood(sys.argv[2])
    if sys.argv[1] == "juliet":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", int(sys.argv[2])))
        server.listen()
        conn, _ = server.accept()
        recv_lines(conn)            # until romeo has said everything
        send_lines(conn, JULIET)
        conn.close()
        server.close()
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect((sys.argv[2], int(sys.argv[3])))
        send_lines(sock, ROMEO)
        sock.shutdown(socket.SHUT_WR)   # done speaking
        recv_lines(sock)
        sock.close()


if __name__ == "__main__":
    main()
