"""bench/lib.py — what the figure scripts share: running a command and
measuring its wall time and peak RSS, the work directory every bench makes
and removes, and the row each figure prints.

A figure script prints one JSON object per line (a row of the table):
    {"figure", "verona", "baseline", "ratio", "target", "met", "note"}
bench/run.py runs every script and prints the table.  Run with
/usr/bin/python3 (Debian's; the standard library only).
"""
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERONA = os.path.join(ROOT, "bin", "verona")
BUILD = os.environ.get("VERONA_BENCH_BUILD", os.path.join(ROOT, "build", "bench"))
GEN = os.path.join(BUILD, "gen")
PCAPLOOP = os.path.join(BUILD, "pcaploop")


class Workdir:
    """A temporary folder under /tmp (on disk, not tmpfs) removed on exit, also on failure."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="verona-bench-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)
        return False


def timed(cmd, **kw):
    """Like run, but measures the RSS of that child alone with wait4."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=kw.get("stdout", subprocess.DEVNULL),
                         stderr=subprocess.PIPE, cwd=kw.get("cwd"))
    err = b""
    # read stderr without blocking the child on a full pipe
    while True:
        chunk = p.stderr.read(65536)
        if not chunk:
            break
        err += chunk
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    secs = time.perf_counter() - t0
    if kw.get("check", True) and p.returncode not in kw.get("ok", (0,)):
        raise RuntimeError("%s: exit %s: %s" % (" ".join(cmd), p.returncode,
                                                err.decode(errors="replace")[-800:]))
    return secs, ru.ru_maxrss, p.returncode, err.decode(errors="replace")


def best_of(n, cmd, **kw):
    """The median wall time of n runs, and the largest peak RSS (KiB)."""
    times, rss = [], 0
    for _ in range(n):
        s, r, _, _ = timed(cmd, **kw)
        times.append(s)
        rss = max(rss, r)
    return statistics.median(times), rss


def row(figure, verona, baseline, ratio, target, met, note=""):
    print(json.dumps({"figure": figure, "verona": verona, "baseline": baseline,
                      "ratio": ratio, "target": target, "met": bool(met), "note": note}), flush=True)


def fmt_s(s):
    return "%.3f s" % s if s < 10 else "%.1f s" % s


def fmt_mib(kib):
    return "%.1f MiB" % (kib / 1024.0)


def gen(workdir, packets, conns, name, checks=True):
    """A synthetic capture (and its checks file); returns their paths."""
    pcap = os.path.join(workdir, name + ".pcap")
    yml = os.path.join(workdir, name + ".checks.yaml")
    cmd = [GEN, "-n", str(packets), "-c", str(conns), "-o", pcap]
    if checks:
        cmd += ["-k", yml]
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return pcap, yml


def need_root():
    if os.geteuid() != 0:
        row("(all testbed figures)", "-", "-", "-", "root", False, "needs root for namespaces")
        sys.exit(0)


def ns_pids(ns):
    r = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
    return [int(x) for x in r.stdout.split()] if r.returncode == 0 else []


def vm_hwm_kib(pid):
    """Peak RSS of a live process (VmHWM), or 0."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def exe_of(pid):
    try:
        return os.readlink("/proc/%d/exe" % pid)
    except OSError:
        return ""


def iperf3():
    return shutil.which("iperf3")


def tshark():
    return shutil.which("tshark")


class Agent:
    """A verona-agent on stdio, driven as the controller drives it (4-byte big-endian length, JSON)."""

    def __init__(self, argv, host, addr):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.send({"type": "hello", "version": 1, "host": host, "addr": addr})
        self.hello = self.recv()
        if self.hello.get("type") != "hello":
            raise RuntimeError("agent: %s" % self.hello)

    def send(self, msg):
        b = json.dumps(msg).encode()
        self.p.stdin.write(len(b).to_bytes(4, "big") + b)
        self.p.stdin.flush()

    def recv(self):
        n = int.from_bytes(self._read(4), "big")
        return json.loads(self._read(n))

    def _read(self, n):
        b = b""
        while len(b) < n:
            c = self.p.stdout.read(n - len(b))
            if not c:
                raise RuntimeError("agent: the session ended")
            b += c
        return b

    def ask(self, msg, want):
        self.send(msg)
        while True:
            m = self.recv()
            if m.get("type") in want:
                return m
            if m.get("type") == "error":
                raise RuntimeError("agent: %s" % m)

    def close(self):
        try:
            self.send({"type": "bye"})
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()
            self.p.wait()


class NetnsPair:
    """Two namespaces of the bench's own (vb<pid>-a, vb<pid>-b) joined by veth, offloads off
    as the local testbed sets them; removed on exit, also on failure."""

    def __init__(self, a_addr="10.77.0.1", b_addr="10.77.0.2"):
        tag = "vb%d" % os.getpid()
        self.a, self.b = tag + "-a", tag + "-b"
        self.a_addr, self.b_addr = a_addr, b_addr

    def __enter__(self):
        try:
            for ns in (self.a, self.b):
                sh("ip netns add %s" % ns)
                sh("ip -n %s link set lo up" % ns)
            sh("ip link add eth0 netns %s type veth peer name eth0 netns %s" % (self.a, self.b))
            for ns, addr in ((self.a, self.a_addr), (self.b, self.b_addr)):
                sh("ip -n %s addr add %s/24 dev eth0" % (ns, addr))
                sh("ip -n %s link set eth0 up" % ns)
                subprocess.run(["ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tso", "off", "gso", "off",
                                "gro", "off"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except Exception:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for ns in (self.a, self.b):
            for pid in ns_pids(ns):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        return False

    def exec(self, ns, argv, **kw):
        return subprocess.Popen(["ip", "netns", "exec", ns] + argv, **kw)


def sh(cmd):
    subprocess.run(cmd.split(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
