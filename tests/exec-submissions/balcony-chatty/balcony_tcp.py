#!/usr/bin/env python3
"""A correct solution for the tests that prints 2.7 MB of debug output: on
stdout between what it received and what it sends, and on stderr.  Graded,
it keeps every point (the last lines it prints are in the tail verona keeps).

(From the reference solution of the balcony exercise, TCP.)

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


def debug(stream):
    """2.7 MB of debug lines, as a student who left print() calls in would."""
    line = "debug: " + "x" * 93 + "\n"             # 101 bytes
    for i in range(27000):
        stream.write(line)
    stream.flush()


def main():
    if sys.argv[1] == "juliet":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", int(sys.argv[2])))
        server.listen()
        conn, _ = server.accept()
        recv_lines(conn)            # until romeo has said everything
        debug(sys.stdout)
        debug(sys.stderr)
        send_lines(conn, JULIET)
        conn.close()
        server.close()
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect((sys.argv[2], int(sys.argv[3])))
        send_lines(sock, ROMEO)
        sock.shutdown(socket.SHUT_WR)   # done speaking
        debug(sys.stdout)
        debug(sys.stderr)
        recv_lines(sock)
        sock.close()


if __name__ == "__main__":
    main()
