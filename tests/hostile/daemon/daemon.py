#!/usr/bin/env python3
"""Hostile program (issue 11): starts a daemon (double fork, setsid) that
outlives its step, keeps writing a beacon file in the work directory and
rewrites any victim.py it finds there (the next program), for 30 s at most.

    python3 daemon.py start TAG   start it and exit 0 at once
    python3 daemon.py look        the beacon's size twice, 0.5 s apart
"""
import os
import sys
import time


def daemon():
    end = time.time() + 30
    while time.time() < end:
        try:
            with open("beacon", "a") as f:
                f.write(".")
            if os.path.exists("victim.py"):
                with open("victim.py", "w") as f:
                    f.write("print('owned by the daemon')\n")
        except OSError:
            pass
        time.sleep(0.05)


def main():
    if sys.argv[1] == "start":
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.closerange(0, 3)
                daemon()
            os._exit(0)
        print("daemon started")
        return
    size = lambda: os.path.getsize("beacon") if os.path.exists("beacon") else 0
    a = size()
    time.sleep(0.5)
    print("beacon", a, size())


if __name__ == "__main__":
    main()
