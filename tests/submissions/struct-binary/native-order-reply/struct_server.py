#!/usr/bin/env python3
"""A wrong solution for the tests: trusts the lab text that '=' is network
byte order: the server replies '=iif' and the client unpacks the reply
with '=iif' (so it prints garbage from a real '!iif' reply).

(From the reference solution of the binary-data task of Lab 1 (seeds/001, task 1.4),
the server.

    python3 struct_server.py PORT

Listens on every interface and serves one connection after the other: reads
exactly 12 bytes (two ints and a float packed with struct format '=iif'),
however many pieces they arrive in, prints the values, replies with the same
three values packed in network byte order ('!iif') and closes the
connection.
"""
import binascii
import socket
import struct
import sys

REQUEST = struct.Struct("=iif")
REPLY = struct.Struct("=iif")    # "= for network endianness", says the lab


def recv_all(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError("the client closed after %d of %d bytes" % (len(data), size))
        data += chunk
    return data


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", int(sys.argv[1])))
    sock.listen(1)
    while True:
        print("Waiting for incoming connections", flush=True)
        connection, client_address = sock.accept()
        try:
            data = recv_all(connection, REQUEST.size)
            print('Received "%s"' % binascii.hexlify(data).decode(), flush=True)
            values = REQUEST.unpack(data)
            print("Unpacked:", values, flush=True)
            connection.sendall(REPLY.pack(*values))
        except EOFError as e:
            print(e, flush=True)
        finally:
            connection.close()


if __name__ == "__main__":
    main()
