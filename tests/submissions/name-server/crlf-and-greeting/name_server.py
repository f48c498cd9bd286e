#!/usr/bin/env python3
"""A right solution written differently, for the tests: socketserver's
threading server, a greeting line when a client connects, and replies that
end in "\\r\\n" as telnet's lines do.  Full marks."""
import socketserver
import sys

NAME = sys.argv[2].encode()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"Welcome to the server. Type something and hit enter\r\n")
        for line in self.rfile:
            self.wfile.write(line.rstrip(b"\r\n") + b" " + NAME + b"\r\n")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


Server(("", int(sys.argv[1])), Handler).serve_forever()
