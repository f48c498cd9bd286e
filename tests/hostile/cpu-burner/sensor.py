#!/usr/bin/env python3
"""A hostile submission for sensor.yaml: it starts 48 processes that spin on
the CPU for 4 s (as many as it may, to slow down a classmate graded at the
same time, whose readings must keep a 0.2 s period), then sends its own
readings as the reference solution does and waits for its spinners.
Bounded: each spinner stops after 4 s.
"""
import os
import random
import socket
import sys
import time

SPINNERS, SPIN_S = 48, 4.0


def spin():
    end = time.monotonic() + SPIN_S
    x = 0
    while time.monotonic() < end:
        for _ in range(10000):
            x += 1
    os._exit(0)


def readings(count, period):
    start = time.monotonic()
    for i in range(count):
        delay = start + i * period - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield ("T=%.1f\n" % random.uniform(15.0, 30.0)).encode()


def main():
    pids = []
    for _ in range(SPINNERS):
        pid = os.fork()
        if pid == 0:
            spin()
        pids.append(pid)
    proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count, period = int(sys.argv[4]), float(sys.argv[5])
    if proto == "tcp":
        with socket.create_connection((host, port)) as sock:
            for reading in readings(count, period):
                sock.sendall(reading)
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for reading in readings(count, period):
                sock.sendto(reading, (host, port))
    for pid in pids:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
