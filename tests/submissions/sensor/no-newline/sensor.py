#!/usr/bin/env python3
"""A wrong solution for the tests: the readings have no newline, so over TCP
they run together ("T=23.4T=19.1...") and no datagram is a whole line.

Sensor of the Lab 1 deliverable: sends COUNT random temperature readings,
one every PERIOD seconds, over TCP or UDP.

    python3 sensor.py tcp|udp ADDRESS PORT COUNT PERIOD
"""
import random
import socket
import sys
import time

proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
count, period = int(sys.argv[4]), float(sys.argv[5])

if proto == "tcp":
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.connect((host, port))
else:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

start = time.time()
for i in range(count):
    time.sleep(max(0, start + i * period - time.time()))
    msg = "T=%.1f" % random.uniform(15, 30)
    if proto == "tcp":
        sock.sendall(msg.encode())
    else:
        sock.sendto(msg.encode(), (host, port))
    print("sent", msg)
sock.close()
