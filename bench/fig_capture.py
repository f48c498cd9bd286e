#!/usr/bin/python3
"""Figure: the agent's capture during a 10 s iperf3 transfer saturating a
veth link between two namespaces of the bench's own (offloads off, as the
local testbed sets them).  The agent (bin/verona-agent on stdio, driven as
the controller drives it) captures on the receiver at snaplen 256 and at
full snaplen; tcpdump with its default buffer does the same in the same
bench.  Target: 0 kernel drops for the agent at snaplen 256 where tcpdump
drops; the drop percentage at full snaplen is reported for both."""
import json
import os
import re
import signal
import subprocess
import time

import lib

SECONDS = int(os.environ.get("VERONA_BENCH_CAPTURE_S", "10"))
AGENT = os.environ.get("VERONA_BENCH_AGENT", os.path.join(lib.ROOT, "bin", "verona-agent"))


def transfer(pair):
    """One iperf3 transfer a -> b; Gbit/s received."""
    srv = pair.exec(pair.b, ["iperf3", "-s", "-1", "-p", "5201"], stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    out = subprocess.run(["ip", "netns", "exec", pair.a, "iperf3", "-c", pair.b_addr, "-p", "5201", "-t",
                          str(SECONDS), "-J"], capture_output=True, text=True, timeout=SECONDS + 30)
    srv.wait(timeout=10)
    try:
        return json.loads(out.stdout)["end"]["sum_received"]["bits_per_second"] / 1e9
    except (ValueError, KeyError):
        raise RuntimeError("iperf3: %s" % out.stderr[-300:])


def with_agent(pair, wd, snaplen):
    env = dict(os.environ, TMPDIR=wd)
    a = lib.Agent(["ip", "netns", "exec", pair.b, "env", "TMPDIR=" + wd, AGENT, "--stdio", "--name", "rcv"],
                  "rcv", pair.b_addr)
    try:
        m = a.ask({"type": "capture_start", "snaplen": snaplen}, ("capture_started", "capture_failed"))
        if m["type"] != "capture_started":
            raise RuntimeError("agent: %s" % m)
        gbps = transfer(pair)
        time.sleep(0.2)
        st = a.ask({"type": "capture_stop"}, ("capture_stopped", "capture_failed"))
    finally:
        a.close()
    for f in os.listdir(wd):
        os.unlink(os.path.join(wd, f))
    seen = st["packets"] + st["drops"]
    return st["drops"], 100.0 * st["drops"] / seen if seen else 0.0, st["packets"], gbps


def with_tcpdump(pair, wd, snaplen):
    path = os.path.join(wd, "tcpdump.pcap")
    td = pair.exec(pair.b, ["tcpdump", "-i", "eth0", "-n", "-s", str(snaplen), "-w", path],
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    head = ""
    while "listening on" not in head:       # the capture is live once tcpdump says so
        line = td.stderr.readline()
        if not line:
            raise RuntimeError("tcpdump: %s" % head[-300:])
        head += line
    gbps = transfer(pair)
    time.sleep(0.2)
    td.send_signal(signal.SIGINT)
    _, err = td.communicate(timeout=60)
    if os.path.exists(path):
        os.unlink(path)
    m_got = re.search(r"(\d+) packets? captured", err)
    m_drop = re.search(r"(\d+) packets? dropped by kernel", err)
    if m_got is None or m_drop is None:
        raise RuntimeError("tcpdump said no counts (exit %s): %s" % (td.returncode, (head + err)[-300:]))
    got, dropped = int(m_got.group(1)), int(m_drop.group(1))
    seen = got + dropped
    return dropped, 100.0 * dropped / seen if seen else 0.0, got, gbps


if not lib.iperf3():
    lib.row("capture during iperf3", "-", "-", "-", "0 drops at snaplen 256", False, "iperf3 is not installed")
    raise SystemExit(0)
lib.need_root()
with lib.Workdir() as wd, lib.NetnsPair() as pair:
    a256 = with_agent(pair, wd, 256)
    t256 = with_tcpdump(pair, wd, 256)
    afull = with_agent(pair, wd, 262144)
    tfull = with_tcpdump(pair, wd, 262144)
lib.row("agent capture, %d s iperf3 on veth, snaplen 256" % SECONDS,
        "%d drops (%.1f%%) of %d, %.1f Gbit/s" % (a256[0], a256[1], a256[0] + a256[2], a256[3]),
        "tcpdump %d drops (%.1f%%), %.1f Gbit/s" % (t256[0], t256[1], t256[3]), "-",
        "0 drops where tcpdump drops", a256[0] == 0 and max(t256[0], tfull[0]) > 0,
        "" if max(t256[0], tfull[0]) > 0 else "tcpdump did not drop either: the link was not saturated enough to tell")
lib.row("agent capture, %d s iperf3 on veth, full snaplen" % SECONDS,
        "%.1f%% dropped, %.1f Gbit/s" % (afull[1], afull[3]),
        "tcpdump %.1f%% dropped, %.1f Gbit/s" % (tfull[1], tfull[3]), "-", "reported", True)
