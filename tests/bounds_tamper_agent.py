#!/usr/bin/python3
"""Test helper of tests/test_bounds.py: stands where verona-agent stands
(the controller's VERONA_AGENT), runs the real agent (VERONA_TAMPER_REAL)
behind it with a TMPDIR of its own, and passes every frame through.  When
the agent on the host VERONA_TAMPER_HOST reports capture_stopped, the
capture file on the agent's disk is changed before the controller fetches
it, as VERONA_TAMPER_MODE says:

  append   a forged packet record appended to the file (a bigger file);
  flip     one byte of the last record changed (same size, other bytes);
  garbage  the file replaced by bytes that are no pcap, and the agent's claim
           rewritten to match them (size and SHA-256): only the format can
           tell.

The controller's stdin goes straight to the agent; only the agent's frames
pass through here.  Nothing here is left behind: the TMPDIR is removed when
the agent ends.
"""
import glob
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile


def read_exact(f, n):
    b = b""
    while len(b) < n:
        c = f.read(n - len(b))
        if not c:
            return None
        b += c
    return b


def tamper(tmp, mode, msg):
    (path,) = glob.glob(os.path.join(tmp, "verona-agent-*.pcap"))
    with open(path, "r+b") as f:
        data = f.read()
        if mode == "append":
            # a forged UDP datagram record, as a program writing into the file would add it
            frame = bytes(12) + b"\x08\x00" + bytes(20) + bytes(8) + b"forged"
            f.write(struct.pack("<IIII", 1, 0, len(frame), len(frame)) + frame)
        elif mode == "flip":
            f.seek(len(data) - 1)
            f.write(bytes([data[-1] ^ 0xFF]))
        elif mode == "garbage":
            junk = b"this is not a capture file\n" * 40
            f.seek(0)
            f.truncate()
            f.write(junk)
            msg["bytes"] = len(junk)
            msg["sha256"] = hashlib.sha256(junk).hexdigest()
    return msg


def main():
    real = os.environ["VERONA_TAMPER_REAL"]
    target = os.environ.get("VERONA_TAMPER_HOST", "")
    mode = os.environ.get("VERONA_TAMPER_MODE", "append")
    args = sys.argv[1:]
    name = args[args.index("--name") + 1] if "--name" in args else ""
    tmp = tempfile.mkdtemp(prefix="vbounds-agent-")
    env = dict(os.environ, TMPDIR=tmp)
    env.pop("VERONA_AGENT", None)
    try:
        p = subprocess.Popen([real, *args], stdout=subprocess.PIPE, env=env)
        out = sys.stdout.buffer
        while True:
            head = read_exact(p.stdout, 4)
            if head is None:
                break
            body = read_exact(p.stdout, struct.unpack(">I", head)[0])
            if body is None:
                break
            msg = json.loads(body)
            if msg.get("type") == "capture_stopped" and name == target:
                body = json.dumps(tamper(tmp, mode, msg)).encode()
            out.write(struct.pack(">I", len(body)) + body)
            out.flush()
        sys.exit(p.wait())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
