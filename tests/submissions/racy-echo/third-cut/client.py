# Sends the whole message to the first two ports and only "hello" to the
# third: it loses the third answer's point, every run.
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
for p in (port, port + 1, port + 2):
    c = socket.create_connection((addr, p))
    c.sendall(b"hello world" if p < port + 2 else b"hello")
    c.recv(1024)
    c.close()
