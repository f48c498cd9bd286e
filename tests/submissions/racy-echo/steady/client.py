# Sends the message in one sendall: the server's one recv gets all of it.
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
for p in (port, port + 1, port + 2):
    c = socket.create_connection((addr, p))
    c.sendall(b"hello world")
    c.recv(1024)
    c.close()
