#!/usr/bin/env python3
"""Reference solution of the exponential-backoff client (seeds/002, the
settimeout() example of the "SOCKET" deck).

    python3 backoff_client.py SERVER_ADDRESS PORT

Sends a request over UDP and waits 0.1 s for the reply; each time the wait
ends with no reply it sends the request again and waits twice as long
(0.2, 0.4, 0.8, 1.6 s).  After the 1.6 s wait it gives up: it prints
"server down" and exits with status 1.  A reply prints "reply: ..." and
exits 0.
"""
import socket
import sys

MAX = 65535


def main():
    server = (sys.argv[1], int(sys.argv[2]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    delay = 0.1
    while True:
        sock.sendto(b"Send this message!", server)
        print("request sent, waiting %.1f s" % delay, flush=True)
        sock.settimeout(delay)
        try:
            data, address = sock.recvfrom(MAX)
        except socket.timeout:
            delay *= 2                     # exponential backoff
            if delay > 2.0:
                print("server down")
                sys.exit(1)
        else:
            print("reply from %s:" % (address,), data.decode(errors="replace"))
            return


if __name__ == "__main__":
    main()
