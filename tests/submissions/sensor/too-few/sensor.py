#!/usr/bin/env python3
"""A wrong solution for the tests: an off-by-one loop sends COUNT - 1 readings.

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

for i in range(1, count):          # reading 1 .. count-1: one short
    msg = "T=%.1f\n" % random.uniform(15, 30)
    if proto == "tcp":
        sock.sendall(msg.encode())
    else:
        sock.sendto(msg.encode(), (host, port))
    print("reading", i, msg.strip())
    if i < count - 1:
        time.sleep(period)
sock.close()
