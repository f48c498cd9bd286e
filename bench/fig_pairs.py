#!/usr/bin/python3
"""Figure: 32 pairs of hosts (64 hosts on one bridge) on the local testbed,
driven by one controller at once: each pair connects, sends a line, and
closes, with handshake and stream checks on every pair; against the same
experiment with one pair.  Target: wall time at most 3x that of one pair;
one controller process, peak RSS at most 64 MiB."""
import os
import threading
import time

import lib

PAIRS = 32


def experiment(n, tag):
    hosts, steps, checks = [], [], []
    for i in range(n):
        c, s = "c%02d" % i, "s%02d" % i
        hosts.append("  %s: 10.79.%d.%d" % (c, i // 100, 1 + 2 * (i % 100)))
        hosts.append("  %s: 10.79.%d.%d" % (s, i // 100, 2 + 2 * (i % 100)))
    for i in range(n):
        c, s = "c%02d" % i, "s%02d" % i
        steps += ["  - %s: {socket: l, type: tcp}" % s,
                  "  - %s: {bind: l, addr: \"%s:5000\"}" % (s, s),
                  "  - %s: {listen: l}" % s,
                  "  - %s: {socket: k, type: tcp}" % c,
                  "  - %s: {connect: k, addr: \"%s:5000\"}" % (c, s)]
    for i in range(n):
        c, s = "c%02d" % i, "s%02d" % i
        steps += ["  - %s: {accept: l, as: a}" % s,
                  "  - %s: {send: k, data: \"pair %d says hello\"}" % (c, i),
                  "  - %s: {recv: a, size: 100, expect: {data: \"pair %d says hello\"}}" % (s, i),
                  "  - %s: {close: k}" % c,
                  "  - %s: {close: a}" % s]
        checks += ["  - handshake: {client: %s, server: \"%s:5000\"}" % (c, s),
                   "  - stream: {client: %s, server: \"%s:5000\", from: %s, data: \"pair %d says hello\"}" % (c, s, c, i)]
    return "name: bench-pairs-%s\nhosts:\n%s\nsteps:\n%s\nchecks:\n%s\n" % (
        tag, "\n".join(hosts), "\n".join(steps), "\n".join(checks))


def controllers(stop, seen, me):
    """How many verona controllers of this worktree run at once, at most.  A process forked by
    the controller (a namespace's setup child, an agent before its exec) runs bin/verona too:
    a controller is one whose parent is not bin/verona."""
    exe = os.path.realpath(lib.VERONA)
    while not stop.is_set():
        pids = [int(d) for d in os.listdir("/proc") if d.isdigit()]
        mine = {p for p in pids if lib.exe_of(p) == exe}
        n = 0
        for p in mine:
            try:
                with open("/proc/%d/stat" % p) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            n += ppid not in mine
        seen[0] = max(seen[0], n)
        time.sleep(0.1)


def run(wd, n):
    path = os.path.join(wd, "pairs%d.yaml" % n)
    with open(path, "w") as f:
        f.write(experiment(n, str(n)))
    out = os.path.join(wd, "run%d" % n)
    s, rss, rc, err = lib.timed([lib.VERONA, "run", "--quiet", "--out", out, path])
    lib.shutil.rmtree(out)
    return s, rss


lib.need_root()
with lib.Workdir() as wd:
    one = sorted(run(wd, 1)[0] for _ in range(3))[1]
    stop, seen = threading.Event(), [0]
    t = threading.Thread(target=controllers, args=(stop, seen, os.getpid()))
    t.start()
    try:
        runs = [run(wd, PAIRS) for _ in range(3)]
    finally:
        stop.set()
        t.join()
many = sorted(r[0] for r in runs)[1]
rss = max(r[1] for r in runs)
lib.row("%d pairs (64 hosts) by one controller, vs 1 pair (medians of 3)" % PAIRS, lib.fmt_s(many), lib.fmt_s(one),
        "%.2fx" % (many / one), "<= 3x", many <= 3 * one)
lib.row("%d pairs: controller processes, peak RSS" % PAIRS, "%d, %s" % (seen[0], lib.fmt_mib(rss)), "-", "-",
        "1, <= 64 MiB", seen[0] <= 1 and rss <= 64 * 1024,
        "RSS is the largest of the controller and the children it waited for (agents, ip)")
