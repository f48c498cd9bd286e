"""The TCP control channel with a key (DESIGN section 3, issue 5): real
agents listening in namespaces on a shared LAN, the controller in a
namespace of its own; runs over it, the clock offset, the control
connection kept out of the trace, `verona ping`, and every refusal an
attacker on the control network meets, each with the agent still serving
afterwards."""
import json
import os
import pathlib
import socket
import struct
import subprocess
import time

import pytest

from conftest import AGENT, EXPERIMENTS, VERONA, needs_root, needs_tools
from lan import ADDRS, PORT, Lan, sh
from sealclient import Client, load_key

pytestmark = needs_root


@pytest.fixture(scope="module")
def lan(tmp_path_factory):
    net = Lan(tmp_path_factory.mktemp("lan"))
    try:
        net.up()
        yield net
    finally:
        net.down()
    assert not net.reports, "\n".join(net.reports)


@pytest.fixture
def agents(lan):
    """romeo and juliet listening with the key; stopped after the test."""
    lan.start_agent("romeo")
    lan.start_agent("juliet")
    yield lan
    for h in list(lan.agents):
        lan.stop_agent(h)


def hello(c, host="romeo"):
    c.send({"type": "hello", "version": 1, "host": host, "addr": ADDRS[host]})
    return c.recv()


def serves(lan, host="romeo"):
    """The agent takes a new, honest session and answers its hello."""
    c = Client(lan.connect(host))
    try:
        assert c.handshake(load_key(lan.key))["type"] == "auth"
        h = hello(c, host)
        assert h["type"] == "hello" and h["iface"] == "eth0", h
        c.send({"type": "bye"})
        assert c.recv()["type"] == "bye"
    finally:
        c.close()
    return True


def test_keygen_writes_a_private_key_and_never_replaces_one(tmp_path):
    k = tmp_path / "k"
    p = subprocess.run([VERONA, "keygen", k], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert os.stat(k).st_mode & 0o777 == 0o600
    text = k.read_text()
    assert text.startswith("verona-key-1 ") and len(text.split()[1]) == 64
    p = subprocess.run([VERONA, "keygen", k], capture_output=True, text=True)
    assert p.returncode == 2 and "not replacing an existing key" in p.stderr
    assert k.read_text() == text
    k2 = tmp_path / "k2"
    subprocess.run([VERONA, "keygen", k2], check=True, capture_output=True)
    assert k2.read_text() != text


def test_agent_refuses_to_listen_beyond_loopback_without_a_key(lan):
    p, log = lan.start_agent("romeo", key=False)
    assert p.wait(5) == 2
    assert "refusing to listen on 10.10.0.100:7700 without --key" in log.read_text()
    lan.agents.pop("romeo")


def test_agent_refuses_a_key_file_others_can_read(lan, tmp_path):
    k = tmp_path / "open.key"
    k.write_text(lan.key.read_text())
    os.chmod(k, 0o644)
    p, log = lan.start_agent("romeo", key=k)
    assert p.wait(5) == 2
    assert f"key file {k} may be read by others (mode 0644); chmod 600 it" in log.read_text()
    lan.agents.pop("romeo")


def test_loopback_without_key_is_allowed_and_plain(lan):
    p, log = lan.start_agent("romeo", key=False, listen="127.0.0.1:7701")
    try:
        assert "listening on tcp:127.0.0.1:7701 (loopback, no key)" in log.read_text()
    finally:
        lan.stop_agent("romeo")


def test_ping_reports_every_agent(agents, lan):
    tb = lan.testbed()
    p = lan.verona("ping", "--testbed", tb)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "romeo" in p.stdout and "juliet" in p.stdout
    assert "interface eth0, capture ok" in p.stdout
    assert "2 of 2 agents ready" in p.stdout
    j = json.loads(lan.verona("ping", "--json", "--testbed", tb).stdout)
    assert [h["ok"] for h in j] == [True, True]
    assert j[0]["clock"]["method"] == "same machine, same clock"


def test_ping_says_what_is_wrong_with_each(agents, lan, tmp_path):
    other = tmp_path / "other.key"
    subprocess.run([VERONA, "keygen", other], check=True, capture_output=True)
    lan.stop_agent("juliet")
    tb = tmp_path / "hosts.yaml"
    tb.write_text(f"""hosts:
  romeo:
    control: tcp:{ADDRS['romeo']}:{PORT}
    key: other.key
    addr: {ADDRS['romeo']}
  juliet:
    control: tcp:{ADDRS['juliet']}:{PORT}
    key: {lan.key}
    addr: {ADDRS['juliet']}
""")
    p = lan.verona("ping", "--testbed", tb)
    assert p.returncode == 3
    assert "the agent refused our key (authentication failed): the key files differ" in p.stdout
    assert "cannot connect to tcp:10.10.0.101:7700: Connection refused" in p.stdout
    assert "0 of 2 agents ready" in p.stdout
    assert lan.wait_log("romeo", "wrong key: the controller's proof does not match this agent's key")
    assert serves(lan)


def test_ping_finds_a_wrong_experiment_address(agents, lan, tmp_path):
    tb = tmp_path / "hosts.yaml"
    tb.write_text(f"hosts:\n  romeo:\n    control: tcp:{ADDRS['romeo']}:{PORT}\n    key: {lan.key}\n"
                  f"    addr: 10.10.0.200\n")
    p = lan.verona("ping", "--testbed", tb)
    assert p.returncode == 3
    assert "no interface of the host has the experiment address 10.10.0.200" in p.stdout


def test_bad_testbed_files_name_file_line_and_column(tmp_path):
    tb = tmp_path / "bad.yaml"
    tb.write_text("hosts:\n  romeo:\n    control: http://x\n    addr: 10.10.0.300\n    colour: red\n"
                  "  juliet:\n    control: tcp:10.0.0.1:7700\n    addr: 10.10.0.101\n")
    p = subprocess.run([VERONA, "ping", "--testbed", tb], capture_output=True, text=True)
    assert p.returncode == 2
    assert f"{tb}:3:14: host 'romeo': 'http://x': the control channel is tcp:HOST:PORT, " \
           "ssh://[USER@]HOST[:PORT] or unix:PATH" in p.stderr
    assert f"{tb}:4:11: host 'romeo': '10.10.0.300' is not an IP address" in p.stderr
    assert f"{tb}:5:5: unknown key 'colour' in host 'romeo'" in p.stderr
    assert f"{tb}:6:3: host 'juliet' is reached over tcp and needs key" in p.stderr


def test_testbed_must_fit_the_experiment(tmp_path):
    tb = tmp_path / "hosts.yaml"
    k = tmp_path / "k"
    subprocess.run([VERONA, "keygen", k], check=True, capture_output=True)
    tb.write_text(f"hosts:\n  romeo:\n    control: tcp:127.0.0.1:1\n    key: k\n    addr: 10.10.0.99\n")
    p = subprocess.run([VERONA, "run", "--testbed", tb, EXPERIMENTS / "sockets-tcp.yaml"],
                       capture_output=True, text=True)
    assert p.returncode == 2
    assert "host 'romeo' has the experiment address 10.10.0.99 here, but 10.10.0.100 in" in p.stderr
    assert "the experiment's host 'juliet'" in p.stderr and "is not in the testbed" in p.stderr


def pcap_ports(path):
    out = subprocess.run(["tshark", "-r", str(path), "-T", "fields", "-e", "tcp.port"],
                         capture_output=True, text=True, check=True).stdout
    return {int(p) for line in out.split() for p in line.split(",") if p}


def test_run_over_tcp_with_all_checks_and_no_control_traffic_in_the_trace(agents, lan, tmp_path):
    out = tmp_path / "run"
    p = lan.verona("run", "--quiet", "--testbed", lan.testbed(), "--out", out, EXPERIMENTS / "sockets-tcp.yaml")
    assert p.returncode == 0, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    assert res["summary"]["checks_failed"] == 0 and res["summary"]["failed"] == 0, res["summary"]
    assert all(c["status"] == "pass" for c in res["checks"])
    assert res["manifest"]["testbed"]["kind"] == "file"
    assert res["manifest"]["hosts"]["romeo"]["control"] == "tcp:10.10.0.100:7700"
    assert res["manifest"]["hosts"]["romeo"]["clock"]["uncertainty_ns"] == 0
    # the control connections share eth0 with the experiment, and are not in any trace
    for f in ("romeo.pcap", "juliet.pcap", "trace.pcapng"):
        ports = pcap_ports(out / f)
        assert 4000 in ports, f
        assert PORT not in ports, f"control traffic in {f}: {ports}"
    assert "capture filter: not (tcp and host 10.10.0.100 and port 7700 and host 10.10.0.1" in lan.log("romeo")
    # both agents are ready for the next controller
    assert lan.wait_log("romeo", "ready for the next one")
    assert serves(lan, "juliet")


def test_clocks_seconds_apart_share_one_time_line(lan, tmp_path):
    """juliet's clock runs 3.5 s ahead (a test-only option shifts every stamp
    it reports, packets included); the controller estimates the offset, and
    the packets still land under the steps that caused them."""
    lan.start_agent("romeo", "--clock-shift", "-1.25")
    lan.start_agent("juliet", "--clock-shift", "3.5")
    try:
        out = tmp_path / "run"
        p = lan.verona("run", "--quiet", "--testbed", lan.testbed(), "--out", out, EXPERIMENTS / "sockets-tcp.yaml")
        assert p.returncode == 0, p.stdout + p.stderr
        res = json.loads((out / "results.json").read_text())
        clocks = {h: res["manifest"]["hosts"][h]["clock"] for h in ("romeo", "juliet")}
        for h, shift in (("romeo", -1.25e9), ("juliet", 3.5e9)):
            c = clocks[h]
            assert c["method"] == "smallest round trip of 8"
            assert abs(c["offset_ns"] - shift) < 2e6, c
            assert 0 < c["uncertainty_ns"] < 2e6, c
        # every step, on either host, on the controller's time line: in order
        starts = [s["result"]["start_ns"] for s in res["steps"] if "result" in s]
        assert starts == sorted(starts)
        assert abs(starts[0] / 1e9 - time.time()) < 60
        # the expect: packets of the connect steps (SYN, SYN-ACK, ACK) passed,
        # and the SYN-ACK juliet sent is under romeo's connect
        connect = [s for s in res["steps"] if s.get("op") == "connect" and s["host"] == "romeo"][-1]
        flags = [pk["line"].split()[3] for pk in connect["packets"]]
        assert flags == ["[S]", "[S.]", "[.]"], connect["packets"]
        report = (out / "report.html").read_text()
        assert "+3.49" in report or "+3.50" in report
        assert "-1.25" in report or "-1.24" in report
        assert all(c["status"] == "pass" for c in res["checks"])
    finally:
        lan.stop_agent("romeo")
        lan.stop_agent("juliet")


def test_a_wrong_clock_estimate_is_corrected_from_the_captures(lan, tmp_path):
    """juliet answers the controller's clock questions 4 ms off (a test-only
    option; a lopsided control path does the same), so the round-trip
    estimate puts its packets 4 ms early: its SYN-ACK before romeo's SYN.
    Every packet both hosts captured bounds the two clocks' difference, so
    the controller corrects the estimate from the captures: the handshake is
    in order, under romeo's connect, and results.json says by how much."""
    lan.start_agent("romeo")
    lan.start_agent("juliet", "--clock-lie", "0.004")
    try:
        out = tmp_path / "run"
        p = lan.verona("run", "--quiet", "--testbed", lan.testbed(), "--out", out, EXPERIMENTS / "sockets-tcp.yaml")
        assert p.returncode == 0, p.stdout + p.stderr
        res = json.loads((out / "results.json").read_text())
        clocks = {h: res["manifest"]["hosts"][h]["clock"] for h in ("romeo", "juliet")}
        # the estimate was 4 ms off; the captures put it back within 0.5 ms of the truth (0: one clock)
        assert abs(clocks["juliet"]["offset_ns"] - 4e6) < 1e6, clocks
        # romeo's clock is the controller's (same machine): exact, never corrected
        assert clocks["romeo"]["method"] == "same machine, same clock" and "trace_correction_ns" not in clocks["romeo"]
        fixed = clocks["juliet"]["offset_ns"] + clocks["juliet"]["trace_correction_ns"]
        assert abs(fixed) < 0.5e6, clocks
        connect = [s for s in res["steps"] if s.get("op") == "connect" and s["host"] == "romeo"][-1]
        flags = [pk["line"].split()[3] for pk in connect["packets"]]
        assert flags == ["[S]", "[S.]", "[.]"], connect["packets"]
        # every step on the corrected time line, in order
        starts = [s["result"]["start_ns"] for s in res["steps"] if "result" in s]
        assert starts == sorted(starts)
        assert all(c["status"] == "pass" for c in res["checks"])
    finally:
        lan.stop_agent("romeo")
        lan.stop_agent("juliet")


# ---- an attacker on the control network ----

def test_wrong_key_is_refused_and_the_agent_serves_on(agents, lan, tmp_path):
    c = Client(lan.connect("romeo"))
    ans = c.handshake(load_key(lan.key), proof_key=os.urandom(32))
    assert ans == {"type": "error", "reason": "authentication failed"}
    assert c.read_frame() is None      # and it hung up
    c.close()
    assert lan.wait_log("romeo", "wrong key: the controller's proof does not match this agent's key")
    assert serves(lan)


def test_no_key_no_steps(agents, lan):
    """A client that skips the handshake and sends a hello gets nothing done."""
    c = Client(lan.connect("romeo"))
    assert c.read_plain()["type"] == "challenge"
    c.send_plain({"type": "hello", "version": 1, "host": "romeo", "addr": ADDRS["romeo"]})
    assert c.read_frame() is None
    c.close()
    assert lan.wait_log("romeo", "the answer to the challenge is not an auth frame")
    assert serves(lan)


def test_tampered_frame_is_refused(agents, lan):
    c = Client(lan.connect("romeo"))
    c.handshake(load_key(lan.key))
    f = bytearray(c.seal({"type": "hello", "version": 1, "host": "romeo", "addr": ADDRS["romeo"]}))
    f[10] ^= 0x01
    c.send_raw(bytes(f))
    # the agent says why (sealed, so only the key holder reads it) and hangs up
    assert c.recv() == {"type": "error",
                        "reason": "frame does not authenticate (forged, altered, replayed or out of order)"}
    assert c.read_frame() is None
    c.close()
    assert lan.wait_log("romeo", "frame does not authenticate (forged, altered, replayed or out of order)")
    assert serves(lan)


def test_replayed_frame_is_refused(agents, lan):
    c = Client(lan.connect("romeo"))
    c.handshake(load_key(lan.key))
    f = c.seal({"type": "hello", "version": 1, "host": "romeo", "addr": ADDRS["romeo"]})
    c.send_raw(f)
    assert c.recv()["type"] == "hello"
    c.send_raw(f)                      # the same frame again
    assert c.recv()["type"] == "error"
    assert c.read_frame() is None
    c.close()
    assert lan.wait_log("romeo", "dropping controller: frame does not authenticate")
    assert serves(lan)


def test_replayed_session_is_refused(agents, lan):
    """A whole recorded session replayed on a new connection: the new
    challenge makes the old proof worthless."""
    c = Client(lan.connect("romeo"))
    c.handshake(load_key(lan.key))
    recorded_auth = None
    c.close()
    c2 = Client(lan.connect("romeo"))
    ch = c2.read_plain()
    # answer the new challenge with a proof made for some other nonce
    import base64
    from sealclient import derive
    key = load_key(lan.key)
    stale = derive(key, "verona controller proof", os.urandom(32), os.urandom(32))
    c2.send_plain({"type": "auth", "nonce": base64.b64encode(os.urandom(32)).decode(),
                   "proof": base64.b64encode(stale).decode(),
                   "header": base64.b64encode(b"\0" * 24).decode()})
    assert c2.read_plain() == {"type": "error", "reason": "authentication failed"}
    c2.close()
    assert recorded_auth is None and ch["type"] == "challenge"
    assert serves(lan)


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_4_GiB_length_is_refused_before_anything_is_allocated(agents, lan, when):
    c = Client(lan.connect("romeo"))
    if when == "after":
        c.handshake(load_key(lan.key))
    else:
        c.read_plain()
    c.send_raw(struct.pack(">I", 0xFFFFFFFF) + b"x" * 100)
    assert c.read_frame() is None or True
    c.close()
    limit = 4096 if when == "before" else 64 * 1024 * 1024
    assert lan.wait_log("romeo", f"frame length 4294967295 over the limit of {limit} bytes")
    assert serves(lan)


def test_a_sealed_frame_that_is_not_json_is_refused(agents, lan):
    c = Client(lan.connect("romeo"))
    c.handshake(load_key(lan.key))
    c.send_raw(c.seal(b"\xff not json"))
    c.close()
    assert lan.wait_log("romeo", "dropping controller: frame is not JSON")
    assert serves(lan)


def test_unknown_operation_is_refused_and_the_session_goes_on(agents, lan):
    c = Client(lan.connect("romeo"))
    c.handshake(load_key(lan.key))
    hello(c)
    c.send({"type": "step", "seq": 1, "op": "format_disk", "args": {}})
    r = c.recv()
    assert r["type"] == "result" and r["result"]["ok"] is False
    assert "unknown operation 'format_disk'" in json.dumps(r)
    c.send({"type": "step", "seq": 2, "op": "socket", "args": {"name": "s", "family": "inet", "type": "stream"}})
    assert c.recv()["result"]["ok"] is True
    c.send({"type": "bye"})
    c.close()
    assert "unknown operation 'format_disk'" in lan.log("romeo")
    assert serves(lan)


def test_exec_is_refused_without_allow_exec(agents, lan):
    c = Client(lan.connect("romeo"))
    c.handshake(load_key(lan.key))
    hello(c)
    c.send({"type": "step", "seq": 1, "op": "exec", "args": {"argv": ["/bin/true"]}})
    r = c.recv()
    assert r["type"] == "result" and r["result"]["ok"] is False
    assert "--allow-exec" in json.dumps(r)
    c.close()
    assert serves(lan)


def test_a_silent_controller_is_dropped_after_the_heartbeat(lan):
    lan.start_agent("romeo", "--heartbeat", "1")
    try:
        c = Client(lan.connect("romeo"))
        c.handshake(load_key(lan.key))
        hello(c)
        c.send({"type": "step", "seq": 1, "op": "socket", "args": {"name": "s", "family": "inet", "type": "stream"}})
        assert c.recv()["result"]["ok"]
        t0 = time.time()
        assert lan.wait_log("romeo", "controller silent for 1 s (no heartbeat); ending the session", timeout=4)
        assert time.time() - t0 < 3
        assert lan.wait_log("romeo", "ready for the next one")
        c.close()
        assert serves(lan)
    finally:
        lan.stop_agent("romeo")


def test_a_killed_controller_frees_the_agent(agents, lan, tmp_path):
    """The controller SIGKILLed mid-run (a step waiting in accept): the agent
    sees the connection end, stops the session, and serves the next one."""
    exp = tmp_path / "hang.yaml"
    exp.write_text("""hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - juliet: {socket: s}
  - juliet: {bind: s, addr: juliet:4000}
  - juliet: {listen: s}
  - juliet: {accept: s, as: c, timeout: 60}
""")
    p = subprocess.Popen(["ip", "netns", "exec", lan.ns["ctl"], VERONA, "run", "--quiet", "--testbed",
                          str(lan.testbed()), "--out", str(tmp_path / "run"), str(exp)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert lan.wait_log("juliet", "authenticated", timeout=10)
        time.sleep(0.5)
        p.kill()
        p.wait()
        t0 = time.time()
        assert lan.wait_log("juliet", "ready for the next one", timeout=3)
        assert time.time() - t0 < 2
        assert serves(lan, "juliet")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_sigterm_ends_the_session_and_its_programs(lan):
    """An agent stopped by its service manager (SIGTERM) kills the programs
    it runs and closes its session before it exits."""
    p, log = lan.start_agent("romeo", "--allow-exec")
    try:
        c = Client(lan.connect("romeo"))
        c.handshake(load_key(lan.key))
        hello(c)
        marker = f"sleep 1000.{os.getpid()}"
        c.send({"type": "step", "seq": 1, "op": "exec", "background": True, "id": "p",
                "args": {"argv": marker.split()}})
        assert c.recv()["type"] == "started"
        deadline = time.time() + 5
        while time.time() < deadline and subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode:
            time.sleep(0.05)
        assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0
        p.terminate()
        assert p.wait(5) == 0
        assert "stopping on signal 15" in log.read_text()
        assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 1
        c.close()
    finally:
        lan.agents.pop("romeo", None)
        if p.poll() is None:
            p.kill()


def test_run_over_unix_sockets(lan, tmp_path):
    """unix:PATH in a testbed file: agents in their namespaces, reached
    through sockets in the file system (no key: file permissions guard it)."""
    procs = []
    try:
        lines = ["hosts:"]
        for h in ("romeo", "juliet"):
            sock = tmp_path / f"{h}.sock"
            procs.append(subprocess.Popen(["ip", "netns", "exec", lan.ns[h], AGENT, "--unix", str(sock)],
                                          stderr=subprocess.DEVNULL))
            lines += [f"  {h}:", f"    control: unix:{sock}", f"    addr: {ADDRS[h]}"]
            deadline = time.time() + 5
            while not sock.exists() and time.time() < deadline:
                time.sleep(0.02)
        tb = tmp_path / "hosts.yaml"
        tb.write_text("\n".join(lines) + "\n")
        out = tmp_path / "run"
        p = subprocess.run([VERONA, "run", "--quiet", "--testbed", tb, "--out", out, EXPERIMENTS / "sockets-tcp.yaml"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stdout + p.stderr
        res = json.loads((out / "results.json").read_text())
        assert res["manifest"]["hosts"]["juliet"]["control"] == f"unix:{tmp_path}/juliet.sock"
        assert all(c["status"] == "pass" for c in res["checks"])
    finally:
        for p in procs:
            p.terminate()
            p.wait(5)


def test_put_cannot_leave_the_work_directory(lan, tmp_path):
    """put over the sealed channel, by a controller that holds the key: no
    '..', no absolute path, no symbolic link (one a student's program made)
    leading out of the session's work directory."""
    import base64
    outside = tmp_path / "outside"
    outside.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(outside, 0o777)
    lan.start_agent("romeo", "--allow-exec")
    try:
        c = Client(lan.connect("romeo"))
        c.handshake(load_key(lan.key))
        hello(c)
        data = base64.b64encode(b"pwned\n").decode()
        seq = 0

        def step(op, **args):
            nonlocal seq
            seq += 1
            c.send({"type": "step", "seq": seq, "op": op, "args": args})
            return c.recv()["result"]

        r = step("exec", argv=["/bin/ln", "-s", str(outside), "link"])
        assert r["ok"] and r.get("exit", r.get("ret")) == 0, r
        r = step("exec", argv=["/bin/ln", "-s", str(outside / "f"), "flink"])
        assert r["ok"], r
        refusals = {
            "../escape": "put: '../escape' leaves the work directory",
            "a/../../escape": "leaves the work directory",
            str(outside / "abs"): "must be a relative path inside the work directory",
            "link/through": "a component is a symbolic link or not a directory",
            "flink": "is a symbolic link",
        }
        for dst, msg in refusals.items():
            r = step("put", dst=dst, data=data)
            assert r["ok"] is False and msg in json.dumps(r), (dst, r)
        assert list(outside.iterdir()) == []
        r = step("put", dst="sub/dir/ok.txt", data=data)
        assert r["ok"] and r["bytes"] == 6, r
        c.send({"type": "bye"})
        c.close()
    finally:
        lan.stop_agent("romeo")


def test_grade_on_a_testbed_file(lan, tmp_path):
    """verona grade --testbed: a student's programs copied to and run on the
    testbed's agents (started with --allow-exec), graded from the trace."""
    from conftest import ROOT
    lan.start_agent("romeo", "--allow-exec")
    lan.start_agent("juliet", "--allow-exec")
    try:
        tb = lan.testbed()
        out = tmp_path / "grade"
        sub = ROOT / "tests" / "submissions" / "balcony-tcp"
        p = lan.verona("grade", "--testbed", tb, "--submission", sub / "reference", "--out", out,
                       EXPERIMENTS / "balcony-tcp.yaml")
        assert p.returncode == 0, p.stdout + p.stderr
        g = json.loads((out / "gradescope.json").read_text())
        assert g["score"] == 10
        assert f"testbed file {tb}" in (out / "transcript.txt").read_text()
        p = lan.verona("grade", "--testbed", tb, "--submission", sub / "missing-line", "--out", tmp_path / "g2",
                       EXPERIMENTS / "balcony-tcp.yaml")
        assert p.returncode == 1, p.stdout + p.stderr
        p = lan.verona("grade", "--testbed", tb, "--submissions", sub, "-j", "2", EXPERIMENTS / "balcony-tcp.yaml")
        assert p.returncode == 2 and "grade with -j 1" in p.stderr
    finally:
        lan.stop_agent("romeo")
        lan.stop_agent("juliet")


def test_programs_do_not_inherit_the_agents_capabilities(lan, tmp_path):
    """The agent as the systemd unit runs it (issue 11): root with the unit's
    capability bounding set, its key root's and 0600.  It can still capture,
    and the students' programs it runs have no capabilities at all.  (A
    plain user's agent without CAP_SETUID refuses --allow-exec: see
    test_sandbox.py.)"""
    import base64
    import shutil
    import tempfile
    home = pathlib.Path(tempfile.mkdtemp(prefix="verona-caps-", dir="/tmp"))   # pytest's folders are root's alone
    key = home / "agent.key"
    key.write_text(lan.key.read_text())
    os.chmod(key, 0o600)
    os.chmod(home, 0o755)
    log = tmp_path / "agent.log"
    with open(log, "w") as f:
        p = subprocess.Popen(["ip", "netns", "exec", lan.ns["romeo"], "setpriv",
                              "--bounding-set=-all,+net_raw,+net_admin,+sys_admin,+setuid,+setgid,+kill,+chown,"
                              "+fowner,+dac_override", "--inh-caps=-all", AGENT, "--listen", f"{ADDRS['romeo']}:{PORT}",
                              "--key", str(key), "--allow-exec"], stderr=f, env={"TMPDIR": "/tmp", "PATH": "/usr/bin:/bin"})
    try:
        deadline = time.time() + 5
        while "listening on" not in log.read_text() and time.time() < deadline:
            time.sleep(0.02)
        c = Client(lan.connect("romeo"))
        c.handshake(load_key(lan.key))
        c.send({"type": "hello", "version": 1, "host": "romeo", "addr": ADDRS["romeo"], "probe_capture": True})
        h = c.recv()
        assert h["capture"] == "ok", h
        c.send({"type": "step", "seq": 1, "op": "exec", "args": {"argv": ["/bin/grep", "^Cap", "/proc/self/status"]}})
        r = c.recv()["result"]
        status = base64.b64decode(r["stdout_b64"]).decode()
        caps = dict(line.split(":\t") for line in status.splitlines())
        assert all(int(caps[k], 16) == 0 for k in ("CapInh", "CapPrm", "CapEff", "CapAmb")), status
        c.send({"type": "bye"})
        c.close()
    finally:
        p.terminate()
        p.wait(5)
        shutil.rmtree(home)
    assert "Sanitizer" not in log.read_text()


@needs_tools("/usr/sbin/sshd")
def test_ssh_on_the_experiment_interface_stays_out_of_the_trace(lan, tmp_path):
    """ssh:// over the same interface as the experiment (nodes with one NIC):
    a real sshd in romeo and juliet, the agent started by it over stdio, and
    the ssh connection (SSH_CONNECTION) left out of each capture."""
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    key = tmp_path / "id"
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key)
    auth = tmp_path / "authorized_keys"
    auth.write_text((tmp_path / "id.pub").read_text())
    known, sshd = [], []
    try:
        for h in ("romeo", "juliet"):
            d = tmp_path / h
            d.mkdir()
            sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", d / "hostkey")
            pub = (d / "hostkey.pub").read_text().split()
            known.append(f"{ADDRS[h]} {pub[0]} {pub[1]}")
            (d / "sshd_config").write_text(f"ListenAddress {ADDRS[h]}\nHostKey {d}/hostkey\nPidFile {d}/pid\n"
                                           f"AuthorizedKeysFile {auth}\nStrictModes no\nUsePAM no\n"
                                           "PermitRootLogin prohibit-password\nPasswordAuthentication no\n")
            sshd.append(subprocess.Popen(["ip", "netns", "exec", lan.ns[h], "/usr/sbin/sshd", "-D", "-e", "-f",
                                          str(d / "sshd_config")], stderr=open(d / "sshd.log", "w")))
        (tmp_path / "known_hosts").write_text("\n".join(known) + "\n")
        (tmp_path / "ssh_config").write_text(f"Host *\n  IdentityFile {key}\n  IdentitiesOnly yes\n"
                                             f"  UserKnownHostsFile {tmp_path}/known_hosts\n"
                                             "  StrictHostKeyChecking yes\n  ConnectTimeout 10\n")
        tb = tmp_path / "hosts.yaml"
        tb.write_text("hosts:\n" + "".join(
            f"  {h}:\n    control: ssh://root@{ADDRS[h]}\n    agent: {AGENT}\n    addr: {ADDRS[h]}\n"
            f"    ssh_args: [-F, {tmp_path}/ssh_config]\n" for h in ("romeo", "juliet")))
        deadline = time.time() + 5
        while time.time() < deadline and lan.verona("ping", "--testbed", tb).returncode != 0:
            time.sleep(0.1)
        out = tmp_path / "run"
        p = lan.verona("run", "--quiet", "--testbed", tb, "--out", out, EXPERIMENTS / "sockets-tcp.yaml")
        assert p.returncode == 0, p.stdout + p.stderr + (out / "agent-romeo.log").read_text()
        res = json.loads((out / "results.json").read_text())
        assert all(c["status"] == "pass" for c in res["checks"])
        assert res["manifest"]["hosts"]["romeo"]["iface"] == "eth0"
        for f in ("romeo.pcap", "juliet.pcap", "trace.pcapng"):
            ports = pcap_ports(out / f)
            assert 4000 in ports and 22 not in ports, (f, ports)
    finally:
        for s in sshd:
            s.terminate()
            s.wait(5)
        # what sshd started for us (sessions) ends with the namespace's processes
        for h in ("romeo", "juliet"):
            pids = sh("ip", "netns", "pids", lan.ns[h], check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
