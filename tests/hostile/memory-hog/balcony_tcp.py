#!/usr/bin/env python3
"""A hostile submission for balcony-tcp.yaml: before doing the exercise, it
makes 20 processes that each fill 100 MiB (2000 MiB together, over the 1 GiB
a run may hold) and keep it for 3 s.  Each process alone stays under the
per-process RLIMIT_AS; only a limit on the run as a whole stops them.
Bounded: every child exits after 3 s, the parent waits at most 8 s.

It prints "holders: N of 20 filled their 100 MiB" and "killed: K" (children
the kernel killed, SIGKILL from the OOM killer), then does the exercise as
the reference solution does.
"""
import os
import signal
import socket
import sys
import time

CHILDREN, MIB = 20, 100

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


def hog():
    r, w = os.pipe()
    pids = []
    for _ in range(CHILDREN):
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                block = b"\x01" * (MIB << 20)   # written: every page is really used
                os.write(w, b"+")
                time.sleep(3)
                del block
            except MemoryError:
                os._exit(3)
            os._exit(0)
        pids.append(pid)
    os.close(w)
    killed = 0
    deadline = time.time() + 8
    for pid in pids:
        while time.time() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                    killed += 1
                break
            time.sleep(0.02)
        else:
            os.kill(pid, signal.SIGKILL)
    filled = 0
    while True:
        chunk = os.read(r, 64)
        if not chunk:
            break
        filled += len(chunk)
    print(f"holders: {filled} of {CHILDREN} filled their {MIB} MiB", flush=True)
    print(f"killed: {killed}", flush=True)


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
    hog()
    if sys.argv[1] == "juliet":
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("", int(sys.argv[2])))
        server.listen()
        conn, _ = server.accept()
        recv_lines(conn)
        send_lines(conn, JULIET)
        conn.close()
        server.close()
    else:
        time.sleep(0.5)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect((sys.argv[2], int(sys.argv[3])))
        send_lines(sock, ROMEO)
        sock.shutdown(socket.SHUT_WR)
        recv_lines(sock)
        sock.close()


if __name__ == "__main__":
    main()
