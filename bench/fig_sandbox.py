#!/usr/bin/python3
"""Figure: what the program sandbox costs per exec step.  A one-host
experiment of 100 `exec: /bin/true` steps, run as `verona run --quiet`
with the full sandbox (mount, PID and IPC namespaces, the allow-list file
system, the session's uid and cgroup) and with `--unsandboxed` (the same
uid and cgroup, no namespaces), median of 3 each, in the same bench.
The cost is the difference per step.  Target: under 20 ms per step."""
import os

import lib

STEPS, RUNS = 100, 3
with lib.Workdir() as wd:
    x = os.path.join(wd, "execs.yaml")
    with open(x, "w") as f:
        f.write("name: sandbox-bench\nhosts: {romeo: 10.10.0.100}\nsteps:\n")
        for _ in range(STEPS):
            f.write("  - romeo: {exec: /bin/true, expect: {exit: 0}}\n")
    times = {"full": [], "none": []}
    for i in range(RUNS):
        for level in ("full", "none"):
            s, _, _, _ = lib.timed([lib.VERONA, "run", "--quiet", "--sandbox", level,
                                    "--out", os.path.join(wd, "%s%d" % (level, i)), x])
            times[level].append(s)
full, none = (sorted(times[k])[RUNS // 2] for k in ("full", "none"))
per_step = max(0.0, (full - none) / STEPS)
lib.row("sandbox cost per exec step (%d steps, medians of %d)" % (STEPS, RUNS),
        "%.2f ms (%.2f ms a step in all)" % (per_step * 1e3, full / STEPS * 1e3),
        "unsandboxed %.2f ms a step" % (none / STEPS * 1e3), "-", "< 20 ms", per_step < 0.020,
        "runs full: %s; none: %s" % (", ".join("%.2f" % t for t in times["full"]),
                                     ", ".join("%.2f" % t for t in times["none"])))
