#!/usr/bin/env python3
"""Hostile submission for balcony-tcp (issue 11): before the dialogue, try to
read a classmate's source, the reference solution, other students' results
and the run folder's experiment.yaml (the hidden items).  Every path tried
is reported on stderr as LEAK (read) or DENIED (not).  TARGETS is filled in
by tests/test_sandbox.py with the paths of its own run; without it the
program looks where such files usually are.  Bounded: 2 s of looking.
"""
import os
import socket
import sys
import time

TARGETS = []    # the test writes the paths here
PLACES = ["/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/srv", "/opt", "/run", "/work", "/var/lib", "/mnt"]
NAMES = {"balcony_tcp.py", "experiment.yaml", "results.json", "summary.csv", "transcript.txt"}


def attack():
    seen = set()
    for path in TARGETS:
        seen.add(path)
        try:
            with open(path, "rb") as f:
                f.read(64)
            print("LEAK", path, file=sys.stderr)
        except OSError as e:
            print("DENIED", path, e.__class__.__name__, file=sys.stderr)
    deadline = time.time() + 2
    here = os.getcwd()
    for top in PLACES:
        for root, dirs, files in os.walk(top):
            if time.time() > deadline:
                return
            if root.startswith(here):
                continue
            for name in files:
                path = os.path.join(root, name)
                if name in NAMES and path not in seen:
                    try:
                        with open(path, "rb") as f:
                            f.read(64)
                        print("LEAK", path, file=sys.stderr)
                    except OSError:
                        pass


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
