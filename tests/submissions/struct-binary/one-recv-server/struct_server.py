#!/usr/bin/env python3
"""A wrong solution for the tests: the lab's server as it stands, plus the
reply: it unpacks whatever one recv(1024) returned, so a message that
arrives in two pieces makes struct.unpack fail (and the server die).
The client is right."""
import binascii
import socket
import struct
import sys

# Socket TCP
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_address = ('', int(sys.argv[1]))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(server_address)
sock.listen(1)

while True:
    print('Waiting for incoming connections', flush=True)
    connection, client_address = sock.accept()
    try:
        data = connection.recv(1024)
        print('Received "%s"' % binascii.hexlify(data), flush=True)

        unpacked_data = struct.unpack("=iif", data)
        print('Unpacked:', unpacked_data, flush=True)
        connection.sendall(struct.pack("!iif", *unpacked_data))

    finally:
        connection.close()
