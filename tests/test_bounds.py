"""Captures the controller can trust, a controller and an agent with bounds
(issue 11, items 6 and 7): the agent counts and hashes its capture as it
writes it and stops writing at a size budget; the controller refuses a
capture that is not what the agent wrote, or not a pcap; a packet flood
leaves the controller small and its run folder small, and decides nothing
from a capture past its budget; regular expressions on what a program
prints cost a bounded time, in the controller and in the agent's ready."""
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import time
import uuid

import pytest

from conftest import AGENT, EXPERIMENTS, ROOT, VERONA, needs_root, write

pytestmark = needs_root

HOSTILE = ROOT / "tests" / "hostile"
PROXY = ROOT / "tests" / "bounds_tamper_agent.py"
MiB = 1 << 20


# ---- helpers ----

def pcap_records(data):
    """The number of records of a classic pcap file (asserts it is whole)."""
    assert len(data) >= 24 and struct.unpack("<I", data[:4])[0] == 0xA1B23C4D
    off, n = 24, 0
    while off < len(data):
        caplen = struct.unpack("<I", data[off + 8:off + 12])[0]
        off += 16 + caplen
        n += 1
    assert off == len(data)
    return n


def assert_no_sanitizer_reports(out):
    """The agents' logs of a run folder (or a class's) hold no ASan/UBSan report."""
    for log in out.rglob("agent-*.log"):
        text = log.read_text()
        assert "Sanitizer" not in text and "runtime error" not in text, f"{log}:\n{text}"


@pytest.fixture
def netns():
    """A network namespace of the test's own, its loopback up; removed afterwards."""
    name = "vbounds-" + uuid.uuid4().hex[:10]
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name])


class StdioAgent:
    """bin/verona-agent --stdio in a namespace, spoken to as the controller speaks (length + JSON)."""

    def __init__(self, ns, tmpdir):
        self.tmpdir = tmpdir
        self.log = open(tmpdir / "agent.log", "w")
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, "env", f"TMPDIR={tmpdir}", AGENT, "--stdio",
                                   "--name", "bounds"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=self.log)
        hello = self.ask({"type": "hello", "version": 1, "host": "bounds", "addr": "127.0.0.1"}, "hello")
        assert hello["iface"] == "lo", hello

    def send(self, msg):
        b = json.dumps(msg).encode()
        self.p.stdin.write(struct.pack(">I", len(b)) + b)
        self.p.stdin.flush()

    def recv(self):
        head = self.p.stdout.read(4)
        assert len(head) == 4, "the agent ended the session"
        return json.loads(self.p.stdout.read(struct.unpack(">I", head)[0]))

    def ask(self, msg, *want):
        self.send(msg)
        while True:
            m = self.recv()
            if m["type"] in want or m["type"] == "capture_failed":
                return m

    def capture_file(self):
        (path,) = glob.glob(str(self.tmpdir / "verona-agent-*.pcap"))
        return path

    def fetch(self):
        data, off = b"", 0
        while True:
            c = self.ask({"type": "capture_fetch", "offset": off}, "capture_chunk")
            assert c["type"] == "capture_chunk", c
            chunk = base64.b64decode(c["data"])
            data += chunk
            off += len(chunk)
            if c["eof"]:
                return data

    def close(self):
        try:
            self.send({"type": "bye"})
            self.p.stdin.close()
            self.p.wait(timeout=10)
        finally:
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait()
            self.log.close()


@pytest.fixture
def stdio_agent(netns, tmp_path):
    agents = []

    def start():
        a = StdioAgent(netns, tmp_path)
        agents.append(a)
        return a

    yield start
    for a in agents:
        a.close()
    text = (tmp_path / "agent.log").read_text() if agents else ""
    assert "Sanitizer" not in text and "runtime error" not in text, text


def send_datagrams(ns, count, size):
    """count datagrams of size bytes to 127.0.0.1:9999 inside ns, each received (no ICMP)."""
    prog = ("import socket\n"
            "r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 9999))\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            f"for i in range({count}):\n"
            f"    s.sendto(b'x' * {size}, ('127.0.0.1', 9999)); r.recv(65536)\n")
    subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", "-c", prog], check=True, timeout=30)


# ---- the agent: what it says it wrote ----

def test_agent_claims_what_it_wrote_hashed_as_written(stdio_agent, netns):
    a = stdio_agent()
    m = a.ask({"type": "capture_start", "filter": "udp port 9999", "snaplen": 262144}, "capture_started")
    assert m["type"] == "capture_started", m
    send_datagrams(netns, 50, 100)
    st = a.ask({"type": "capture_stop"}, "capture_stopped")
    assert st["type"] == "capture_stopped", st
    assert st["packets"] == 50 and st["unwritten"] == 0
    path = a.capture_file()
    with open(path, "rb") as f:
        data = f.read()
    assert len(data) == st["bytes"] and hashlib.sha256(data).hexdigest() == st["sha256"]
    assert pcap_records(data) == 50
    # changed on the agent's disk after it was written: the agent sends what is there now,
    # and its claim (made while writing, never from the file) no longer matches it
    with open(path, "r+b") as f:
        f.seek(len(data) - 1)
        f.write(bytes([data[-1] ^ 0xFF]))
    fetched = a.fetch()
    assert len(fetched) == st["bytes"] and hashlib.sha256(fetched).hexdigest() != st["sha256"]


def test_agent_stops_writing_at_its_budget_and_counts_on(stdio_agent, netns):
    a = stdio_agent()
    m = a.ask({"type": "capture_start", "filter": "udp port 9999", "budget": 4096}, "capture_started")
    assert m["type"] == "capture_started", m
    send_datagrams(netns, 100, 200)
    st = a.ask({"type": "capture_stop"}, "capture_stopped")
    assert st["budget"] == 4096
    assert st["packets"] + st["unwritten"] == 100 and st["unwritten"] > 0, st
    with open(a.capture_file(), "rb") as f:
        data = f.read()
    assert len(data) == st["bytes"] <= 4096
    assert hashlib.sha256(data).hexdigest() == st["sha256"] and pcap_records(data) == st["packets"]


# ---- the controller: a capture that is not what the agent wrote is refused ----

TAMPER_EXPERIMENT = """
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - juliet: {socket: u, type: udp}
  - juliet: {bind: u, addr: "juliet:5000"}
  - romeo:  {socket: u, type: udp}
  - romeo:  {sendto: u, data: "hello", to: "juliet:5000", expect: {packets: [UDP], points: 1, name: one datagram}}
  - juliet: {recvfrom: u, size: 100, expect: {data: "hello"}}
checks:
  - datagrams: {from: romeo.u, to: "juliet:5000", data: ["hello"]}
    points: 1
"""


@pytest.mark.parametrize("mode,differs", [
    ("append", r"it has \d+ bytes, the agent wrote \d+"),
    ("flip", r"its SHA-256 is [0-9a-f]{64}, the agent wrote [0-9a-f]{64}"),
    ("garbage", r"it is not a valid capture: it does not start as a pcap file with nanosecond stamps"),
])
def test_controller_refuses_a_capture_that_is_not_what_the_agent_wrote(tmp_path, mode, differs):
    f = write(tmp_path, "tamper.yaml", TAMPER_EXPERIMENT)
    out = tmp_path / "run"
    env = dict(os.environ, VERONA_AGENT=str(PROXY), VERONA_TAMPER_REAL=AGENT, VERONA_TAMPER_HOST="romeo",
               VERONA_TAMPER_MODE=mode)
    p = subprocess.run([VERONA, "run", "--quiet", "--out", out, f], capture_output=True, text=True, env=env,
                       timeout=120)
    assert p.returncode == 3, p.stdout + p.stderr
    assert re.search(r"the capture of romeo is refused: the file fetched from its agent is not what the "
                     r"agent wrote \(" + differs + r"\); no check is decided from it", p.stderr), p.stderr
    assert (out / "romeo.pcap.refused").exists() and not (out / "romeo.pcap").exists()
    res = json.loads((out / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    assert res["manifest"]["hosts"]["romeo"]["capture"]["refused"]
    assert not any(c.get("status") == "pass" for c in res["checks"])
    items = res["grading"]["items"]
    assert [i["status"] for i in items if i["kind"] == "check"] == ["error"], items
    # the step's expect: packets is undecidable too: neither passed nor failed
    send = res["steps"][3]
    assert "pass" not in send and send["undecidable"] is True
    assert send["failures"][-1].startswith("the packets on the wire cannot be told: the capture of romeo was not kept")
    assert [i["status"] for i in items if i["kind"] == "step"] == ["error"], items


# ---- a packet flood: the controller stays small, and the capture past its budget decides nothing ----

REFERENCE = ROOT / "tests" / "submissions" / "balcony-tcp" / "reference"


def make_class(tmp_path, **students):
    """A class folder of copies: name -> submission folder."""
    cls = tmp_path / "class"
    for name, src in students.items():
        shutil.copytree(src, cls / name)
    return cls


def grade_class(tmp_path, cls, out, timeout=240):
    """verona grade -j 2 on a class; (exit, stdout, stderr, seconds, peak RSS in bytes).  The peak is
    wait4's ru_maxrss: verona's own, or a reaped descendant's if larger: an upper bound for verona."""
    # an ASan build keeps 256 MiB of freed memory in quarantine by default: a small one measures what is used
    env = dict(os.environ, ASAN_OPTIONS=":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                                               "quarantine_size_mb=8"])))
    t0 = time.monotonic()
    with open(tmp_path / "stdout", "w+") as so, open(tmp_path / "stderr", "w+") as se:
        p = subprocess.Popen([VERONA, "grade", "--submissions", cls, "-j", "2", "--out", out,
                              EXPERIMENTS / "balcony-tcp.yaml"], stdout=so, stderr=se, env=env)
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid == p.pid:
                p.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > t0 + timeout:
                p.kill()
                p.wait()
                pytest.fail(f"verona grade did not finish within {timeout} s")
            time.sleep(0.05)
        so.seek(0)
        se.seek(0)
        return p.returncode, so.read(), se.read(), time.monotonic() - t0, ru.ru_maxrss * 1024


def test_flood_keeps_the_controller_small_and_decides_nothing(tmp_path):
    cls = make_class(tmp_path, flood=HOSTILE / "packet-flood", honest=REFERENCE)
    out = tmp_path / "grades"
    code, stdout, stderr, seconds, peak = grade_class(tmp_path, cls, out)
    print(f"flood: verona grade peak RSS {peak / MiB:.1f} MiB, {seconds:.1f} s")
    assert peak < 256 * MiB, f"peak RSS {peak / MiB:.0f} MiB"
    fl = out / "flood"
    size = (fl / "results.json").stat().st_size
    print(f"flood: results.json {size / MiB:.2f} MiB")
    assert size < 5 * MiB
    res = json.loads((fl / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    caps = {h: v["capture"] for h, v in res["manifest"]["hosts"].items()}
    assert any(c["unwritten"] > 0 for c in caps.values()), caps
    for h, c in caps.items():
        assert (fl / f"{h}.pcap").stat().st_size == c["bytes"] <= c["budget"] <= 16 * MiB
    # past the budget: every check undecidable, never passed, and saying why
    assert res["checks"] and all(c["status"] == "error" for c in res["checks"]), res["checks"]
    assert all("reached its size budget" in c["message"] for c in res["checks"])
    checks = [i for i in res["grading"]["items"] if i["kind"] == "check"]
    assert checks and all(i["status"] == "error" and i["score"] == 0 for i in checks)
    # packet records capped, with a note where they stop
    listed = sum(len(s.get("packets", [])) for s in res["steps"])
    unlisted = sum(s.get("packets_unlisted", 0) for s in res["steps"])
    assert listed <= 8000 and unlisted > 0
    assert "more packets, not listed: a run lists at most 8000" in (fl / "transcript.txt").read_text()
    # the honest classmate graded at the same time keeps full marks
    assert json.loads((out / "honest" / "gradescope.json").read_text())["score"] == 10, stdout + stderr


def test_connection_flood_read_whole_keeps_the_controller_small(tmp_path):
    # 60,000 connection attempts stay under the capture budget: the whole trace is read and checked, and
    # its connections, flows and packets cost the controller bounded memory and a small results.json
    cls = make_class(tmp_path, conns=HOSTILE / "connection-flood", honest=REFERENCE)
    out = tmp_path / "grades"
    code, stdout, stderr, seconds, peak = grade_class(tmp_path, cls, out)
    print(f"connection flood: verona grade peak RSS {peak / MiB:.1f} MiB, {seconds:.1f} s")
    assert peak < 256 * MiB, f"peak RSS {peak / MiB:.0f} MiB"
    fl = out / "conns"
    size = (fl / "results.json").stat().st_size
    print(f"connection flood: results.json {size / MiB:.2f} MiB")
    assert size < 5 * MiB
    res = json.loads((fl / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    caps = res["manifest"]["hosts"]
    assert all(h["capture"]["unwritten"] == 0 for h in caps.values())    # read whole: under the budget
    assert res["checks"] and all(c["status"] != "error" for c in res["checks"]), res["checks"]
    st = res["stats"]
    assert len(st["flows"]) == 200 and st["flows_unlisted"] > 20000
    assert st["tcp"]["packets"] > 2 * 20000          # the totals count every flow
    assert sum(len(s.get("packets", [])) for s in res["steps"]) <= 8000
    assert json.loads((out / "honest" / "gradescope.json").read_text())["score"] == 10, stdout + stderr


def test_flood_live_view_is_capped(tmp_path):
    # verona run without --quiet prints packets under their steps as they come: at most 4096 per host and
    # step (the agent's look), 8,000 in all, each limit with a note saying how many more there were
    out = tmp_path / "run"
    with open(tmp_path / "stdout", "w+") as so:
        p = subprocess.run([VERONA, "run", "--out", out, "-D", f"submission={HOSTILE / 'packet-flood'}",
                            EXPERIMENTS / "balcony-tcp.yaml"], stdout=so, stderr=subprocess.PIPE, text=True,
                           timeout=180)
        so.seek(0)
        text = so.read()
    assert p.returncode == 3, p.stderr
    lines = [ln for ln in text.splitlines() if " > " in ln and ("[" in ln or "UDP" in ln)]
    print(f"flood live view: {len(lines)} packet lines, {len(text) / MiB:.2f} MiB printed")
    assert re.search(r"romeo +\.\.\. \d+ more packets, not shown: the live view shows at most 4096 per host "
                     r"and step", text), text[-3000:]
    assert len(lines) <= 8000 and len(text) < 3 * MiB


def test_packet_expectations_are_decided_past_the_listing_cap(tmp_path):
    # 12,000 datagrams fill the run's list of 8,000 packets; the steps after them still have theirs
    burst = write(tmp_path, "burst.py", "import socket\n"
                  "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                  "for i in range(12000):\n"
                  "    s.sendto(b'x', ('10.10.0.101', 5000))\n")
    f = write(tmp_path, "cap.yaml", f"""
hosts: {{romeo: 10.10.0.100, juliet: 10.10.0.101}}
steps:
  - juliet: {{socket: u, type: udp}}
  - juliet: {{bind: u, addr: "juliet:5000"}}
  - romeo:  {{put: "{burst}"}}
  - romeo:  {{exec: "python3 burst.py", timeout: 20}}
  - romeo:  {{socket: s, type: udp}}
  - romeo:  {{sendto: s, data: "last", to: "juliet:5000", expect: {{packets: [UDP]}}}}
  - romeo:  {{sendto: s, data: "again", to: "juliet:5000", expect: {{packets: [UDP, UDP]}}}}
""")
    out = tmp_path / "run"
    p = subprocess.run([VERONA, "run", "--quiet", "--out", out, f], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    assert res["steps"][3].get("packets_unlisted", 0) > 0
    assert sum(len(s.get("packets", [])) for s in res["steps"]) <= 8000 + 3
    assert res["steps"][5]["pass"] is True, res["steps"][5]
    assert res["steps"][6]["pass"] is False
    assert res["steps"][6]["failures"] == ["expected UDP, UDP on the wire, saw UDP"]


# ---- regular expressions with a bounded cost ----

def test_regex_bomb_in_stdout_regex_is_stopped_quickly(tmp_path):
    bomb = HOSTILE / "regex-bomb" / "bomb.py"
    f = write(tmp_path, "bomb.yaml", f"""
hosts: {{romeo: 10.10.0.100}}
steps:
  - romeo: {{put: "{bomb}"}}
  - romeo: {{exec: "python3 bomb.py 262144", expect: {{stdout_regex: "(a+)+$"}}}}
  - romeo: {{exec: "python3 bomb.py 1048576", expect: {{stdout_regex: "(a+)+$"}}}}
  - romeo: {{exec: "python3 bomb.py 1048576", expect: {{stdout_regex: "(a|aa)*(b|c)"}}}}
""")
    out = tmp_path / "run"
    t0 = time.monotonic()
    p = subprocess.run([VERONA, "run", "--quiet", "--out", out, f], capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - t0
    assert p.returncode == 1, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    progs = sum((s["result"]["end_ns"] - s["result"]["start_ns"]) / 1e9 for s in res["steps"])
    print(f"regex bomb (controller): run {seconds:.2f} s, of which the programs {progs:.2f} s")
    for n, pattern in ((1, "(a+)+$"), (2, "(a+)+$"), (3, "(a|aa)*(b|c)")):
        (msg,) = res["steps"][n]["failures"]
        assert msg.startswith(f"stdout was not matched against /{pattern}/: the pattern costs too much"), msg
    # glibc took 20 s on the 256 KiB and minutes on 1 MiB; each match here stops well within 1 s
    assert seconds - progs < 3 * 1.0, f"{seconds - progs:.2f} s beyond the programs"


def test_ready_stdout_matches_line_by_line(tmp_path):
    # the pattern as regcomp's REG_NEWLINE read it: ^ and $ at each line's ends, . within a line
    prog = write(tmp_path, "serve.py", "import sys, time\n"
                 "print('starting'); print('listening on 5000'); sys.stdout.flush(); time.sleep(2)\n")
    f = write(tmp_path, "ready.yaml", f"""
hosts: {{romeo: 10.10.0.100}}
steps:
  - romeo: {{put: "{prog}"}}
  - romeo: {{exec: "python3 serve.py", background: true, id: a, ready: {{stdout: "^listening on [0-9]+$", timeout: 5}}}}
  - romeo: {{exec: "python3 serve.py", background: true, id: b, ready: {{stdout: "starting.*listening", timeout: 3}}}}
  - romeo: {{wait: a}}
  - romeo: {{wait: b}}
""")
    out = tmp_path / "run"
    p = subprocess.run([VERONA, "run", "--quiet", "--out", out, f], capture_output=True, text=True, timeout=120)
    res = json.loads((out / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    a, b = res["steps"][1]["result"], res["steps"][2]["result"]
    assert a["ready"] is True and "ready_reason" not in a, a
    assert b["ready"] is False, b     # . does not cross the newline
    assert p.returncode == 1, p.stdout + p.stderr


@pytest.mark.parametrize("size", [256 * 1024, 1024 * 1024])
def test_regex_bomb_in_the_agents_ready_is_stopped_quickly(tmp_path, size):
    bomb = HOSTILE / "regex-bomb" / "bomb.py"
    f = write(tmp_path, "ready.yaml", f"""
hosts: {{romeo: 10.10.0.100}}
steps:
  - romeo: {{put: "{bomb}"}}
  - romeo: {{exec: "python3 bomb.py {size} 5", background: true, id: b,
             ready: {{stdout: "(a+)+!", timeout: 8}}, timeout: 10}}
  - romeo: {{socket: s, type: udp}}
  - romeo: {{wait: b}}
""")
    out = tmp_path / "run"
    p = subprocess.run([VERONA, "run", "--quiet", "--out", out, f], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    r = res["steps"][1]["result"]
    assert r["ready"] is False
    assert r["ready_reason"].startswith(f"ready stdout: the pattern costs too much on these {size} bytes"), \
        r["ready_reason"]
    # the agent went on with the next step while the program still ran (5 s): the match did not hold its loop
    nxt = res["steps"][2]["result"]
    took = (nxt["end_ns"] - r["start_ns"]) / 1e9
    print(f"regex bomb (agent ready, {size} bytes): next step done {took:.2f} s after the program started")
    assert took < 4.0


def test_regex_bomb_submission_is_graded_quickly_and_earns_nothing_from_it(tmp_path):
    # the balcony's own stdout_regex, against the dialogue followed by 256 KiB / 1 MiB of its last line
    cls = make_class(tmp_path, bomb=HOSTILE / "regex-bomb", honest=REFERENCE)
    out = tmp_path / "grades"
    code, stdout, stderr, seconds, peak = grade_class(tmp_path, cls, out)
    res = json.loads((out / "bomb" / "results.json").read_text())
    assert_no_sanitizer_reports(out)
    progs = max((s["result"]["end_ns"] - s["result"]["start_ns"]) / 1e9 for s in res["steps"])
    print(f"regex bomb (grade): {seconds:.1f} s for the class, the longest program {progs:.2f} s")
    items = {i["name"]: i for i in res["grading"]["items"]}
    for who in ("juliet", "romeo"):
        it = items[f"{who} prints every line and exits 0"]
        assert it["status"] == "fail" and it["score"] == 0
        assert "the pattern costs too much" in it["output"], it["output"]
    # glibc's matcher: 20 s for romeo's 256 KiB, minutes for juliet's 1 MiB
    assert seconds < 30
    assert json.loads((out / "honest" / "gradescope.json").read_text())["score"] == 10, stdout + stderr
