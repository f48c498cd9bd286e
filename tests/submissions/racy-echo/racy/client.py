# Sends in two writes with a random pause between them: the server's one recv
# gets "hello world" or only "hello ", run to run.
import random
import socket
import sys
import time

addr, port = sys.argv[1], int(sys.argv[2])
for p in (port, port + 1, port + 2):
    c = socket.create_connection((addr, p))
    c.send(b"hello ")
    time.sleep(random.choice([0, 0.2]))
    try:
        c.send(b"world")
        c.recv(1024)
    except OSError:
        pass
    c.close()
