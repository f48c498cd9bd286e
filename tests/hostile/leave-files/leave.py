#!/usr/bin/env python3
"""Hostile program (issue 11): leaves files in /tmp, /var/tmp and /dev/shm and
a System V shared memory segment that nobody removes, to outlive its run.

    python3 leave.py make TAG    leave them (prints "made" for each)
    python3 leave.py look TAG    report which are still there
"""
import ctypes
import os
import sys
import zlib

IPC_CREAT = 0o1000
libc = ctypes.CDLL(None, use_errno=True)


def places(tag):
    return [f"/tmp/verona-left-{tag}", f"/var/tmp/verona-left-{tag}", f"/dev/shm/verona-left-{tag}"]


def key(tag):
    return zlib.crc32(tag.encode()) & 0x7fffffff


def main():
    what, tag = sys.argv[1], sys.argv[2]
    if what == "make":
        for p in places(tag):
            try:
                with open(p, "w") as f:
                    f.write(tag)
                print("made", p)
            except OSError as e:
                print("could not make", p, e)
        shmid = libc.shmget(key(tag), 4096, IPC_CREAT | 0o666)
        print("made shm" if shmid >= 0 else f"could not make shm: errno {ctypes.get_errno()}")
    else:
        for p in places(tag):
            print("still there" if os.path.exists(p) else "gone", p)
        print("shm still there" if libc.shmget(key(tag), 0, 0) >= 0 else "shm gone")


if __name__ == "__main__":
    main()
