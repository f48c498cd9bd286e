#!/usr/bin/env python3
"""Hostile submission for balcony-tcp (issue 11): before an honest dialogue,
leave files in /tmp, /var/tmp and /dev/shm and a System V shared memory
segment (key 0x7665726f) that nobody removes, to outlive the run.  Reports
on stderr what it made.  (leave.py in this folder is the same attack as a
stand-alone program.)
"""
import ctypes
import socket
import sys

SHM_KEY = 0x7665726f
NAMES = ["/tmp/verona-left-balcony", "/var/tmp/verona-left-balcony", "/dev/shm/verona-left-balcony"]


def attack():
    for p in NAMES:
        try:
            with open(p, "w") as f:
                f.write("left behind")
            print("made", p, file=sys.stderr)
        except OSError as e:
            print("could not make", p, e, file=sys.stderr)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.shmget(SHM_KEY, 4096, 0o1000 | 0o666) >= 0:
        print("made shm", file=sys.stderr)


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


def main():
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
    attack()
    main()
