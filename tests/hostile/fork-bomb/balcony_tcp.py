#!/usr/bin/env python3
"""A hostile submission for balcony-tcp.yaml: a fork bomb whose every
process forks again as fast as it can and keeps running (sleeping), for 4 s.
Only a limit on the processes of the run as a whole caps it; at the end it
prints how many forks failed.  Bounded: every process stops after 4 s.
"""
import os
import time

end = time.monotonic() + 4
failed = 0
while time.monotonic() < end:
    try:
        if os.fork() == 0:
            failed = 0
            continue
    except OSError:
        failed += 1
        time.sleep(0.01)
print(f"forks refused: {failed}", flush=True)
