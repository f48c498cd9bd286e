#!/usr/bin/env python3
"""Reference solution of the binary-data task of Lab 1 (seeds/001, task 1.4),
the client.

    python3 struct_client.py SERVER_ADDRESS PORT INT INT FLOAT

Sends the three values packed with struct format '=iif' (12 bytes), reads
the server's 12-byte reply (the same values in network byte order, '!iif'),
prints what it unpacked and closes.
"""
import binascii
import socket
import struct
import sys

REQUEST = struct.Struct("=iif")
REPLY = struct.Struct("!iif")


def recv_all(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("the server closed after %d of %d bytes" % (len(data), size))
        data += chunk
    return data


def main():
    server = (sys.argv[1], int(sys.argv[2]))
    values = (int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
    packed_data = REQUEST.pack(*values)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.connect(server)
        print('Sending "%s"' % binascii.hexlify(packed_data).decode())
        sock.sendall(packed_data)
        reply = recv_all(sock, REPLY.size)
        print('Received "%s"' % binascii.hexlify(reply).decode())
        print("Unpacked:", REPLY.unpack(reply))


if __name__ == "__main__":
    main()
