#!/usr/bin/env python3
"""Hostile program (issue 11): looks for descriptors it inherited from the
agent (the capture's packet socket and file, the control channel) to forge
or blind the capture.  Prints the open descriptors above 2 as JSON, with
what each is, then writes junk into every one it can.
"""
import json
import os

found = {}
for fd in range(3, 4096):
    try:
        os.fstat(fd)
    except OSError:
        continue
    try:
        found[fd] = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        found[fd] = "?"
print(json.dumps(found))
for fd in found:
    try:
        os.write(fd, b"\xd4\xc3\xb2\xa1 forged")
    except OSError:
        pass
