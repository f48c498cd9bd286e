#!/usr/bin/env python3
"""Reference solution of the optional deliverable of Lab 1 (seeds/001): a
file sent over UDP arrives whole and in order, though the link loses
packets.

    receiver:  python3 rudp.py recv PORT OUTFILE
    sender:    python3 rudp.py send RECEIVER_ADDRESS PORT FILE

The protocol, selective repeat.  Every packet starts with one byte of kind
and a 4-byte sequence number (big endian):

    DATA  b"D" seq  and up to 1000 bytes of the file (the seq-th piece)
    FIN   b"F" n    the file has n pieces, all acknowledged
    ACK   b"A" seq  the receiver has DATA seq (or, for seq = n, the FIN)

The sender keeps up to WINDOW pieces in flight and sends a piece again when
its ACK has not come RTO seconds after it went.  The receiver acknowledges
every DATA (a duplicate too: the first ACK may have been lost), keeps the
pieces that come early, and writes them in order.  When every piece is
acknowledged the sender sends FIN until it is acknowledged; the receiver
acknowledges it and stays LINGER seconds more, to answer a FIN sent again
because its ACK was lost, then exits.
"""
import socket
import struct
import sys
import time

PIECE = 1000
WINDOW = 32
RTO = 0.05
LINGER = 1.0
HEADER = struct.Struct("!cI")


def ack_within(sock, seq, seconds):
    """True when the ACK of seq comes within that many seconds."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sock.settimeout(left)
        try:
            packet = sock.recv(64)
        except socket.timeout:
            return False
        if HEADER.unpack(packet[:HEADER.size]) == (b"A", seq):
            return True


def send(host, port, path):
    with open(path, "rb") as f:
        data = f.read()
    pieces = [data[i:i + PIECE] for i in range(0, len(data), PIECE)]
    n = len(pieces)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect((host, port))
    sock.settimeout(0.005)
    sent_at = {}                # seq -> when last sent, for pieces not yet acknowledged
    base = nxt = 0              # the oldest unacknowledged piece, the next new one
    resent = 0
    while base < n:
        now = time.monotonic()
        while nxt < n and nxt < base + WINDOW:
            sock.send(HEADER.pack(b"D", nxt) + pieces[nxt])
            sent_at[nxt] = now
            nxt += 1
        for seq, when in list(sent_at.items()):
            if now - when > RTO:
                sock.send(HEADER.pack(b"D", seq) + pieces[seq])
                sent_at[seq] = now
                resent += 1
        try:
            packet = sock.recv(64)
        except (socket.timeout, ConnectionRefusedError):
            continue
        kind, seq = HEADER.unpack(packet[:HEADER.size])
        if kind == b"A":
            sent_at.pop(seq, None)
            while base < nxt and base not in sent_at:
                base += 1
    # the end: FIN until its ACK comes.  The receiver leaves LINGER s after
    # acknowledging it; if every such ACK was lost, give up after a while:
    # the data is there, every piece was acknowledged
    for _ in range(60):
        try:
            sock.send(HEADER.pack(b"F", n))
            if ack_within(sock, n, RTO):
                break
        except ConnectionRefusedError:     # the receiver has left: it had the FIN
            break
    print("sent %d bytes in %d pieces, %d sent again" % (len(data), n, resent))


def recv(port, path):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", port))
    early = {}                  # pieces that came before their turn
    expected = 0                # the next piece to write
    done = False
    with open(path, "wb") as out:
        while True:
            if done:
                sock.settimeout(LINGER)
            try:
                packet, sender = sock.recvfrom(2048)
            except socket.timeout:
                break
            kind, seq = HEADER.unpack(packet[:HEADER.size])
            if kind == b"D":
                if seq >= expected:
                    early[seq] = packet[HEADER.size:]
                while expected in early:
                    out.write(early.pop(expected))
                    expected += 1
                sock.sendto(HEADER.pack(b"A", seq), sender)
            elif kind == b"F" and seq == expected:
                done = True
                sock.sendto(HEADER.pack(b"A", seq), sender)
    print("received %d pieces" % expected)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "recv":
        recv(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit("usage: rudp.py recv PORT OUTFILE | rudp.py send ADDRESS PORT FILE")


if __name__ == "__main__":
    main()
