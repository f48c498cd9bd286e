#!/usr/bin/env python3
"""A server for the tests that crashes before it listens, with a traceback."""
import sys

print("starting on port", sys.argv[1], flush=True)
raise ValueError("bad port: " + sys.argv[1])
