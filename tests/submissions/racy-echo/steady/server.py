# Reads once: whatever has arrived 50 ms after the connection is all it answers.
import socket
import sys
import time

port = int(sys.argv[1])
socks = []
for p in (port, port + 1, port + 2):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", p))
    s.listen(1)
    socks.append(s)
for s in socks:
    conn, _ = s.accept()
    time.sleep(0.05)
    data = conn.recv(1024)
    conn.sendall(data.upper())
    conn.close()
