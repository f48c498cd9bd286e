#!/usr/bin/python3
"""Figure: one step's control round trip: 10,000 getsockname steps over
stdio on a one-host local testbed (`verona run --quiet`).  A step's round
trip is the time from one step's start on the agent to the next one's: the
result frame to the controller, its bookkeeping, and the next step frame
back.  Target: median at most 100 us, p99 at most 1 ms; the agent's peak
RSS (VmHWM, read while it runs) at most 8 MiB.  The figure is the control
path alone, so the host does not capture: a capture maps its kernel ring
(the capture buffer, 16 MiB by default) into the agent, which counts in
its RSS but is not the agent's own memory."""
import json
import os
import subprocess
import threading
import time

import lib

STEPS = 10000
HOST = "rtt%d" % (os.getpid() % 100000)
YAML = """name: bench-control
hosts: {%(h)s: 10.78.0.1}
capture: {on: []}
steps:
  - %(h)s: {socket: s, type: tcp}
  - repeat:
      count: %(n)d
      steps:
        - %(h)s: {getsockname: s}
""" % {"h": HOST, "n": STEPS}


def watch(stop, peak):
    """The agent's VmHWM, from its namespace verona-<id>-HOST, while the run lasts."""
    while not stop.is_set():
        r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            ns = line.split()[0] if line.split() else ""
            if ns.startswith("verona-") and ns.endswith("-" + HOST):
                for pid in lib.ns_pids(ns):
                    if lib.exe_of(pid).endswith("/verona-agent"):
                        peak[0] = max(peak[0], lib.vm_hwm_kib(pid))
        time.sleep(0.05)


lib.need_root()
with lib.Workdir() as wd:
    path = os.path.join(wd, "control.yaml")
    with open(path, "w") as f:
        f.write(YAML)
    stop, peak = threading.Event(), [0]
    t = threading.Thread(target=watch, args=(stop, peak))
    t.start()
    try:
        secs, _, rc, err = lib.timed([lib.VERONA, "run", "--quiet", "--out", os.path.join(wd, "run"), path])
    finally:
        stop.set()
        t.join()
    with open(os.path.join(wd, "run", "results.json")) as f:
        steps = json.load(f)["steps"]
starts = [s["result"]["start_ns"] for s in steps if s.get("op") == "getsockname"]
gaps = sorted((b - a) / 1000.0 for a, b in zip(starts, starts[1:]))
med, p99 = gaps[len(gaps) // 2], gaps[int(len(gaps) * 0.99)]
lib.row("control round trip, %d getsockname steps, median" % STEPS, "%.0f us" % med, "-", "-",
        "<= 100 us", med <= 100, "whole run %.2f s" % secs)
lib.row("control round trip, p99", "%.0f us" % p99, "-", "-", "<= 1 ms", p99 <= 1000)
lib.row("agent peak RSS during the steps", lib.fmt_mib(peak[0]), "-", "-", "<= 8 MiB",
        0 < peak[0] <= 8 * 1024, "" if peak[0] else "the agent was not seen")
