#!/usr/bin/env python3
"""A wrong solution for the tests: after the last reading the sensor waits
for an acknowledgement the protocol does not have, and never exits.

Sensor of the Lab 1 deliverable: sends COUNT random temperature readings,
one every PERIOD seconds, over TCP or UDP, then waits for the server's "OK".

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
    msg = "T=%.1f\n" % random.uniform(15, 30)
    if proto == "tcp":
        sock.sendall(msg.encode())
    else:
        sock.sendto(msg.encode(), (host, port))
    print("sent", msg.strip(), flush=True)
if proto == "tcp":
    reply = sock.recv(1024)             # the collector never answers
else:
    reply, _ = sock.recvfrom(1024)
print("server says", reply)
sock.close()
