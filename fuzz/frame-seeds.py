"""fuzz/frame-seeds.py DIR EXPERIMENT...: seed inputs for fuzz_frame in DIR.

An input is two control bytes (the reader's limit, the piece size; see
fuzz/fuzz_frame.c) and then a stream of frames, 4-byte big-endian length and
a JSON object, as the controller and the agent send them: hello, steps made
from the experiments' steps, results, bye, and a few broken streams."""
import json
import os
import struct
import sys


def frame(obj):
    b = json.dumps(obj).encode()
    return struct.pack(">I", len(b)) + b


def main():
    out, files = sys.argv[1], sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    hello = {"type": "hello", "version": 1, "host": "romeo", "addr": "10.10.0.100"}
    seeds = {
        "hello": frame(hello),
        "session": frame(hello) + frame({"type": "step", "seq": 1, "op": "socket",
                                         "args": {"name": "s", "type": "tcp", "family": "inet"}})
        + frame({"type": "result", "seq": 1, "result": {"ok": True, "ret": 4, "start_ns": 1, "end_ns": 2}})
        + frame({"type": "bye"}),
        "huge-length": struct.pack(">I", 0xFFFFFFFF) + b"{}",
        "empty-frame": struct.pack(">I", 0),
        "not-json": struct.pack(">I", 5) + b"hello",
        "array": frame([1, 2, 3]),
        "partial": frame(hello)[:-3],
        "unicode": frame({"type": "result", "data": "caf\u00e9 \u2603 \\u0000", "n": -1.5e300}),
    }
    # one stream of steps per experiment: every line of it as a string argument
    for i, path in enumerate(files):
        with open(path, encoding="utf-8") as f:
            lines = [l.rstrip("\n") for l in f if l.strip() and not l.lstrip().startswith("#")]
        body = frame(hello) + b"".join(
            frame({"type": "step", "seq": n, "op": "exec", "args": {"line": l}}) for n, l in enumerate(lines[:40], 1))
        seeds[f"steps-{os.path.basename(path)}"] = body
    for k, (name, body) in enumerate(sorted(seeds.items())):
        with open(os.path.join(out, f"seed-{name}"), "wb") as f:
            f.write(bytes([4, k % 64]) + body)


if __name__ == "__main__":
    main()
