"""An independent client of the agent's TCP control channel (common/seal.h),
written from the protocol's description with PyNaCl (Debian's python3-nacl)
rather than verona's C code, so that the tests can also misbehave: send a
tampered, replayed or oversized frame, or prove the wrong key."""
import base64
import json
import os
import socket
import struct

import nacl.bindings as nb
import nacl.hash
import nacl.encoding

HEADER = nb.crypto_secretstream_xchacha20poly1305_HEADERBYTES


def load_key(path):
    text = open(path).read().split()
    assert text[0] == "verona-key-1"
    return bytes.fromhex(text[1])


def derive(key, label, na, nc):
    return nacl.hash.blake2b(label.encode() + b"\0" + na + nc, key=key, digest_size=32,
                             encoder=nacl.encoding.RawEncoder)


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


class Client:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.tx = self.rx = None

    def send_raw(self, data):
        self.sock.sendall(data)

    def send_plain(self, obj):
        self.send_raw(frame(json.dumps(obj).encode()))

    def read_frame(self, timeout=5):
        """The next frame's payload, or None when the agent hung up."""
        self.sock.settimeout(timeout)
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack(">I", self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    p, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
                    return p
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            self.buf += chunk

    def read_plain(self, timeout=5):
        p = self.read_frame(timeout)
        return None if p is None else json.loads(p)

    def handshake(self, key, proof_key=None):
        """Authenticates as the controller; proof_key: prove with another key.
        Returns the agent's answer to our proof (a dict)."""
        ch = self.read_plain()
        assert ch["type"] == "challenge" and ch["version"] == 1, ch
        na = base64.b64decode(ch["nonce"])
        nc = os.urandom(32)
        self.tx = nb.crypto_secretstream_xchacha20poly1305_state()
        hc = nb.crypto_secretstream_xchacha20poly1305_init_push(
            self.tx, derive(key, "verona controller to agent", na, nc))
        proof = derive(proof_key or key, "verona controller proof", na, nc)
        self.send_plain({"type": "auth", "nonce": base64.b64encode(nc).decode(),
                         "proof": base64.b64encode(proof).decode(),
                         "header": base64.b64encode(hc).decode()})
        ans = self.read_plain()
        if ans is None or ans.get("type") != "auth":
            return ans
        want = derive(key, "verona agent proof", na, nc)
        assert base64.b64decode(ans["proof"]) == want, "the agent's proof does not match"
        self.rx = nb.crypto_secretstream_xchacha20poly1305_state()
        nb.crypto_secretstream_xchacha20poly1305_init_pull(
            self.rx, base64.b64decode(ans["header"]), derive(key, "verona agent to controller", na, nc))
        return ans

    def seal(self, obj):
        """One sealed frame, as bytes (to send, or to send twice)."""
        m = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
        return frame(nb.crypto_secretstream_xchacha20poly1305_push(self.tx, m, None, 0))

    def send(self, obj):
        self.send_raw(self.seal(obj))

    def recv(self, timeout=5):
        p = self.read_frame(timeout)
        if p is None:
            return None
        m, _tag = nb.crypto_secretstream_xchacha20poly1305_pull(self.rx, p, None)
        return json.loads(m)

    def close(self):
        self.sock.close()
