#!/usr/bin/env python3
"""Hostile: prints SIZE bytes on one line (no newline): 'a' after 'a', then
"b!", and stays alive SECONDS (default 0).  Against (a+)+$ or (a+)+! a
backtracking matcher tries every way to split the a's before it gives up;
until the last bytes arrive, neither pattern can match at all.

    python3 bomb.py SIZE [SECONDS]
"""
import sys
import time

size = int(sys.argv[1])
sys.stdout.write("a" * (size - 2) + "b!")
sys.stdout.flush()
time.sleep(float(sys.argv[2]) if len(sys.argv) > 2 else 0)
