#!/usr/bin/env python3
"""The start of a hostile submission for experiments/balcony-tcp.yaml: the
test puts the reference solution after these lines, so the program does the
exercise honestly, but first tries to write 640 MiB into its work
directory, /tmp, /var/tmp and /dev/shm, and says on stderr how much each
took.  Bounded: it stops at the first error or at 640 MiB per place."""
import os
import sys

CHUNK = b"x" * (1 << 20)


def hog(path):
    n = 0
    try:
        with open(path, "wb") as f:
            while n < (640 << 20):
                f.write(CHUNK)
                f.flush()
                n += len(CHUNK)
        why = "no error"
    except OSError as e:
        why = e.strerror or str(e)
    print(f"hog: {path} took {n} bytes ({why})", file=sys.stderr, flush=True)
    try:
        os.unlink(path)
    except OSError:
        pass


for place in ("big", "/tmp/big", "/var/tmp/big", "/dev/shm/big"):
    hog(place)
# ---- the reference solution follows ----
