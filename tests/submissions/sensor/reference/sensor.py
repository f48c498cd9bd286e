#!/usr/bin/env python3
"""Reference solution of the Lab 1 deliverable (seeds/001): a sensor that
sends periodic random readings to a collector, over TCP and over UDP.

    python3 sensor.py tcp COLLECTOR_ADDRESS PORT COUNT PERIOD
    python3 sensor.py udp COLLECTOR_ADDRESS PORT COUNT PERIOD

The protocol: a reading is one line of ASCII text, "T=", a temperature in
degrees Celsius with one digit after the point, and a newline: b"T=23.4\\n".
Over TCP the lines follow one another on one connection, which the sensor
closes after the last one; over UDP each datagram carries exactly one line.
The first reading goes at once, each next one PERIOD seconds after the one
before (on a fixed schedule, so the delays do not add up).
"""
import random
import socket
import sys
import time


def readings(count, period):
    start = time.monotonic()
    for i in range(count):
        delay = start + i * period - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield ("T=%.1f\n" % random.uniform(15.0, 30.0)).encode()


def main():
    proto, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count, period = int(sys.argv[4]), float(sys.argv[5])
    if proto == "tcp":
        with socket.create_connection((host, port)) as sock:
            for reading in readings(count, period):
                sock.sendall(reading)
                print("sent:", reading.decode().strip(), flush=True)
    elif proto == "udp":
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for reading in readings(count, period):
                sock.sendto(reading, (host, port))
                print("sent:", reading.decode().strip(), flush=True)
    else:
        sys.exit("usage: sensor.py tcp|udp ADDRESS PORT COUNT PERIOD")


if __name__ == "__main__":
    main()
