"""`verona check` on a capture made without verona: tcpdump on juliet while
two plain Python programs replay the TCP tutorial between namespaces that
`verona up` made.  The verdicts must be those of the live run."""
import json
import subprocess
import time

import pytest

from conftest import EXPERIMENTS, needs_root, needs_tools, verona

pytestmark = [needs_root, needs_tools("tcpdump")]

JULIET = r"""
import socket, sys
def step(): sys.stdin.readline()
s = socket.socket(); s.bind(('10.10.0.101', 4000)); print('bound', flush=True)
step(); s.listen(); print('listening', flush=True)
c, a = s.accept(); data = c.recv(1024); print(data.decode(), flush=True)
c.send(b"What's in a name? that which we call a rose by any other name would smell as sweet")
step(); c.shutdown(socket.SHUT_RDWR); s.close(); print('done', flush=True)
"""

ROMEO = r"""
import socket, sys
s = socket.socket()
try:
    s.connect(('10.10.0.101', 4000))
except ConnectionRefusedError:
    print('refused', flush=True)
sys.stdin.readline()
s.connect(('10.10.0.101', 4000)); s.send(b"But, soft! what light through yonder window breaks?")
print(s.recv(1024).decode(), flush=True)
s.shutdown(socket.SHUT_RDWR); print('done', flush=True)
"""


def test_check_grades_a_tcpdump_capture_like_the_live_run(tmp_path, run):
    up = verona("up", EXPERIMENTS / "sockets-tcp.yaml")
    assert up.returncode == 0, up.stderr
    tid = up.stdout.split()[1]
    ns = {h: f"verona-{tid}-{h}" for h in ("romeo", "juliet")}
    pcap = tmp_path / "juliet.pcap"
    procs = []
    try:
        dump = subprocess.Popen(["ip", "netns", "exec", ns["juliet"], "tcpdump", "-i", "eth0", "-U", "-n", "--immediate-mode",
                                 "-w", str(pcap), "tcp"], stderr=subprocess.PIPE, text=True)
        procs.append(dump)
        assert "listening on" in dump.stderr.readline()
        py = "/usr/bin/python3"
        jul = subprocess.Popen(["ip", "netns", "exec", ns["juliet"], py, "-c", JULIET],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(jul)
        assert jul.stdout.readline() == "bound\n"
        rom = subprocess.Popen(["ip", "netns", "exec", ns["romeo"], py, "-c", ROMEO],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(rom)
        assert rom.stdout.readline() == "refused\n"
        jul.stdin.write("\n"); jul.stdin.flush()
        assert jul.stdout.readline() == "listening\n"
        rom.stdin.write("\n"); rom.stdin.flush()
        assert jul.stdout.readline().startswith("But, soft!")
        assert rom.stdout.readline().startswith("What's in a name?")
        assert rom.stdout.readline() == "done\n"
        jul.stdin.write("\n"); jul.stdin.flush()
        assert jul.stdout.readline() == "done\n"
        time.sleep(0.3)
        dump.terminate()
        dump.wait(timeout=5)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        verona("down", tid)

    off = verona("check", "--json", pcap, EXPERIMENTS / "sockets-tcp.checks.yaml")
    assert off.returncode == 0, off.stdout + off.stderr
    offline = [c["status"] for c in json.loads(off.stdout)["checks"]]

    live = run(EXPERIMENTS / "sockets-tcp.yaml")
    assert live.exit == 0
    assert offline == [c["status"] for c in live.results["checks"]] == ["pass"] * 8
    assert [c["check"] for c in json.loads(off.stdout)["checks"]] == [c["check"] for c in live.results["checks"]]


def test_check_command_line_errors(tmp_path):
    p = verona("check", "/nonexistent.pcap", EXPERIMENTS / "sockets-tcp.checks.yaml")
    assert p.returncode == 2 and "/nonexistent.pcap" in p.stderr
    p = verona("check", EXPERIMENTS / "sockets-tcp.yaml", EXPERIMENTS / "sockets-tcp.yaml")
    assert p.returncode == 2 and "a checks file has hosts and checks, not steps" in p.stderr
    notcap = tmp_path / "x.pcap"
    notcap.write_text("hello")
    p = verona("check", notcap, EXPERIMENTS / "sockets-tcp.checks.yaml")
    assert p.returncode == 2 and str(notcap) in p.stderr
    assert verona("check", "--help").returncode == 0
