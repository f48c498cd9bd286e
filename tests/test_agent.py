"""verona-agent over its unix-socket transport, spoken to directly with the
wire protocol (4-byte big-endian length + JSON): bad frames drop only that
session, and a waiting step never blocks the channel."""
import json
import socket
import struct
import subprocess
import time

import pytest

from conftest import AGENT


def frame(obj):
    payload = json.dumps(obj).encode()
    return struct.pack(">I", len(payload)) + payload


def read_frame(s, timeout=5):
    s.settimeout(timeout)
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            return None
        head += chunk
    (n,) = struct.unpack(">I", head)
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        assert chunk, "channel closed mid-frame"
        body += chunk
    return json.loads(body)


@pytest.fixture
def agent(tmp_path):
    path = tmp_path / "agent.sock"
    log = open(tmp_path / "agent.log", "w+")
    proc = subprocess.Popen([AGENT, "--unix", str(path), "--name", "testhost"], stderr=log)
    deadline = time.time() + 5
    while not path.exists() and time.time() < deadline:
        time.sleep(0.01)

    class Agent:
        def connect(self):
            # the socket file appears at bind(), a moment before listen()
            deadline = time.time() + 5
            while True:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(str(path))
                    return s
                except (ConnectionRefusedError, FileNotFoundError):
                    s.close()
                    if time.time() > deadline:
                        raise
                    time.sleep(0.01)

        def session(self):
            s = self.connect()
            s.sendall(frame({"type": "hello", "version": 1, "host": "testhost", "addr": "127.0.0.1"}))
            hello = read_frame(s)
            assert hello["type"] == "hello"
            return s, hello

        def log(self):
            log.flush()
            return (tmp_path / "agent.log").read_text()

        proc_ = proc

    yield Agent()
    proc.kill()
    proc.wait()
    log.close()


seq = iter(range(1, 10**6))


def step(s, op, args, **kw):
    n = next(seq)
    s.sendall(frame({"type": "step", "seq": n, "op": op, "args": args, **kw}))
    return n


def test_hello_reports_the_host(agent):
    s, hello = agent.session()
    assert hello["version"] == 1 and hello["agent"].startswith("verona-agent ")
    assert hello["iface"] == "lo" and "127.0.0.1" in hello["addrs"]
    assert hello["kernel"].startswith("Linux") and "tcp_sack" in hello["sysctls"]
    s.close()


@pytest.mark.parametrize("bad,reason", [
    (struct.pack(">I", 0xFFFFFFFF), "frame length 4294967295 over the limit"),
    (struct.pack(">I", 5) + b"hello", "frame is not JSON"),
    (frame([1, 2, 3]), "frame is not a JSON object"),
    (struct.pack(">I", 0), "empty frame"),
    (frame({"type": "step", "seq": 1, "op": "socket", "args": {}}), "first frame is not hello"),
    (frame({"type": "hello", "version": 99}), "protocol version mismatch"),
    (frame({"type": "launch-missiles"}), "first frame is not hello"),
])
def test_a_bad_frame_drops_the_session_not_the_agent(agent, bad, reason):
    s = agent.connect()
    s.sendall(bad)
    err = read_frame(s)
    assert err["type"] == "error" and reason in err["reason"]
    assert read_frame(s) is None          # the agent closed this session
    s.close()
    assert agent.proc_.poll() is None     # ... and is still serving
    assert f"dropping controller: {reason}" in agent.log()
    s2, hello = agent.session()
    s2.close()


def test_unknown_message_after_hello_drops_the_session(agent):
    s, _ = agent.session()
    s.sendall(frame({"type": "launch-missiles"}))
    err = read_frame(s)
    assert err == {"type": "error", "reason": 'unknown message type "launch-missiles"'}
    s.close()


@pytest.mark.parametrize("bad,reason", [
    ({"type": "step", "op": "socket", "args": {}}, "step frame without seq"),
    ({"type": "step", "seq": "1", "op": "socket", "args": {}}, "step frame: seq must be an integer"),
    ({"type": "step", "seq": 1, "op": "socket", "args": {}, "timeout": "5"}, "step frame: timeout must be a number"),
    ({"type": "capture_fetch", "offset": "0"}, "capture_fetch frame: offset must be an integer"),
    ({"type": "result", "seq": 1, "result": {}}, 'a "result" frame is never sent to the agent'),
])
def test_a_frame_that_does_not_fit_the_protocol_drops_the_session_naming_the_field(agent, bad, reason):
    s, _ = agent.session()
    s.sendall(frame(bad))
    assert read_frame(s) == {"type": "error", "reason": reason}
    assert read_frame(s) is None          # the agent closed this session
    s.close()
    assert agent.proc_.poll() is None     # ... and serves the next one
    s2, _ = agent.session()
    s2.close()


def test_unknown_operation_is_refused_and_the_session_goes_on(agent):
    s, _ = agent.session()
    n = step(s, "frobnicate", {})
    r = read_frame(s)
    assert r["seq"] == n and r["result"]["agent_error"] == "unknown operation 'frobnicate'"
    n = step(s, "socket", {"name": "x", "type": "udp", "family": "inet"})
    assert read_frame(s)["result"]["ok"] is True
    s.close()


def test_a_waiting_accept_does_not_block_the_channel(agent):
    s, _ = agent.session()
    step(s, "socket", {"name": "srv", "type": "tcp", "family": "inet"})
    read_frame(s)
    step(s, "bind", {"socket": "srv", "addr": {"ip": "127.0.0.1", "port": 0}})
    port = read_frame(s)["result"]["local"]["port"]
    step(s, "listen", {"socket": "srv"})
    read_frame(s)
    n_acc = step(s, "accept", {"socket": "srv", "as": "conn"}, background=True, id="acc")
    assert read_frame(s) == {"type": "started", "seq": n_acc}
    # while accept waits, other steps run
    step(s, "socket", {"name": "cli", "type": "tcp", "family": "inet"})
    read_frame(s)
    step(s, "connect", {"socket": "cli", "addr": {"ip": "127.0.0.1", "port": port}})
    cli = read_frame(s)["result"]
    assert cli["ok"] is True
    n = step(s, "wait", {"id": "acc"})
    r = read_frame(s)
    assert r["seq"] == n and r["result"]["ok"] is True
    assert r["result"]["peer"] == cli["local"] and r["result"]["waited"] == n_acc
    s.close()


def test_step_timeout_and_socket_timeout(agent):
    s, _ = agent.session()
    step(s, "socket", {"name": "u", "type": "udp", "family": "inet"})
    read_frame(s)
    step(s, "bind", {"socket": "u", "addr": {"ip": "127.0.0.1", "port": 0}})
    read_frame(s)
    t0 = time.time()
    step(s, "recv", {"socket": "u", "size": 10}, timeout=0.3)
    r = read_frame(s)["result"]
    assert 0.25 < time.time() - t0 < 1.0
    assert r["error"] == "timeout" and r["timeout_reason"] == "step timeout"
    step(s, "settimeout", {"socket": "u", "seconds": 0.1})
    read_frame(s)
    step(s, "recv", {"socket": "u", "size": 10}, timeout=5)
    r = read_frame(s)["result"]
    assert r["error"] == "timeout" and r["timeout_reason"] == "socket timeout"
    assert 0.08 < (r["end_ns"] - r["start_ns"]) / 1e9 < 0.5
    step(s, "settimeout", {"socket": "u", "seconds": 0})
    read_frame(s)
    step(s, "recv", {"socket": "u", "size": 10})
    r = read_frame(s)["result"]
    assert r["error"] == "EAGAIN" and r["python"].startswith("BlockingIOError: [Errno 11]")
    s.close()


def test_closed_socket_gives_ebadf_and_sessions_start_clean(agent):
    s, _ = agent.session()
    step(s, "socket", {"name": "t", "type": "tcp", "family": "inet"})
    read_frame(s)
    step(s, "close", {"socket": "t"})
    read_frame(s)
    step(s, "listen", {"socket": "t"})
    r = read_frame(s)["result"]
    assert r["error"] == "EBADF"
    s.sendall(frame({"type": "bye"}))
    assert read_frame(s) == {"type": "bye"}
    s.close()
    # a new session does not see the old one's sockets
    s2, _ = agent.session()
    step(s2, "listen", {"socket": "t"})
    assert read_frame(s2)["result"]["agent_error"] == "no socket named 't'"
    s2.close()
