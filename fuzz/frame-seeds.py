"""fuzz/frame-seeds.py [--sealed] DIR EXPERIMENT...: seed inputs for fuzz_frame
(or, with --sealed, fuzz_frame_sealed) in DIR.

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


def sealed(out, seeds):
    """fuzz_frame_sealed's inputs: a mode byte (see fuzz/fuzz_frame_sealed.c), then
    the stream (0), length-prefixed pieces (1), text to seal and alter (2), or
    handshake frames (3, 4)."""
    b64 = lambda n: __import__("base64").b64encode(bytes(range(n))).decode()
    hs = {
        "challenge": frame({"type": "challenge", "version": 1, "nonce": b64(32)}),
        "auth": frame({"type": "auth", "nonce": b64(32), "proof": b64(32), "header": b64(24)}),
        "auth-short": frame({"type": "auth", "nonce": b64(8), "proof": b64(32), "header": b64(24)}),
        "challenge-auth": frame({"type": "challenge", "version": 1, "nonce": b64(32)})
        + frame({"type": "auth", "proof": b64(32), "header": b64(24)}),
        "error": frame({"type": "error", "reason": "wrong key"}),
    }
    k = 0
    for name, body in sorted(seeds.items())[:12]:
        payload = body[4:4 + 255]
        for mode, data in ((0, body), (1, bytes([len(payload)]) + payload), (2, bytes([k % 3, 0, 7, 1]) + payload)):
            with open(os.path.join(out, f"seed-{mode}-{name}"), "wb") as f:
                f.write(bytes([mode]) + data)
        k += 1
    for name, body in hs.items():
        for mode in (3, 4):
            with open(os.path.join(out, f"seed-{mode}-{name}"), "wb") as f:
                f.write(bytes([mode]) + body)


def main():
    is_sealed = sys.argv[1] == "--sealed"
    if is_sealed:
        del sys.argv[1]
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
    if is_sealed:
        return sealed(out, seeds)
    for k, (name, body) in enumerate(sorted(seeds.items())):
        with open(os.path.join(out, f"seed-{name}"), "wb") as f:
            f.write(bytes([4, k % 64]) + body)


if __name__ == "__main__":
    main()
