#!/usr/bin/python3
"""tests/soak.py [--runs N] [EXPERIMENT...] -- repeatability (make soak).

Runs every seed experiment (experiments/*.yaml, not the checks files) N
times in a row on the local testbed, round after round, and checks:

* the verdicts are the same every time: the exit status, each step's
  pass/fail, each check's status;
* nothing grows between the first and the last round: this process's open
  file descriptors, the processes left under it, the verona-agent
  processes and verona-* network namespaces on the machine, the kernel's
  allocated file handles (with room for the rest of the machine), and the
  peak memory of each run (the controller and the agents it waited for);
* each run leaves no temporary file in its run folder.

The run folder of a run whose verdict differs from the first is kept (its
path is printed); the others are removed as the soak goes.

It prints the counts after the first and after every 10th round, and a
summary.  Exit 0 when all holds, 1 otherwise.  Needs root.  With
VERONA_TEST_SHARED=1 (other runs share the machine) the machine-wide counts
are printed but not compared."""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
VERONA = os.environ.get("VERONA", str(ROOT / "bin" / "verona"))
SHARED = bool(os.environ.get("VERONA_TEST_SHARED"))


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return sum(1 for l in out.splitlines() if l.startswith("verona-"))


def agents():
    out = subprocess.run(["pgrep", "-x", "verona-agent"], capture_output=True, text=True).stdout
    return len(out.split())


def descendants():
    """Processes whose parent chain leads to this one (ps itself excluded)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    kids = {}
    for line in out.splitlines():
        pid, ppid = map(int, line.split())
        kids.setdefault(ppid, []).append(pid)
    seen, todo = set(), [os.getpid()]
    while todo:
        for k in kids.get(todo.pop(), []):
            if k not in seen:
                seen.add(k)
                todo.append(k)
    return len(seen) - 1     # ps


def counts():
    return {
        "fds": len(os.listdir("/proc/self/fd")),
        "children": descendants(),
        "agents": agents(),
        "namespaces": namespaces(),
        "file_handles": int(open("/proc/sys/fs/file-nr").read().split()[0]),
    }


def verdict(out, status):
    r = json.loads((out / "results.json").read_text())
    return {
        "exit": status,
        "steps": [(s["number"], s.get("pass")) for s in r.get("steps", [])],
        "checks": [(c.get("check"), c.get("status")) for c in r.get("checks", []) or []],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("experiments", nargs="*")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("soak: the local testbed needs root (sudo make soak)", file=sys.stderr)
        return 2
    exps = [pathlib.Path(e) for e in a.experiments] or sorted(
        p for p in (ROOT / "experiments").glob("*.yaml") if not p.name.endswith(".checks.yaml"))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="verona-soak-"))
    keep = pathlib.Path(tempfile.mkdtemp(prefix="verona-soak-changed-"))   # runs whose verdict changed
    first, rss, problems = {}, {}, []
    try:
        c0 = counts()
        print(f"soak: {len(exps)} experiments x {a.runs} runs; counts before: {c0}", flush=True)
        t0 = time.time()
        for r in range(1, a.runs + 1):
            for exp in exps:
                out = tmp / f"{exp.stem}-{r}"
                status, err, peak = run_peak(exp, out)
                rss.setdefault(exp.stem, []).append(peak)
                if not (out / "results.json").exists():
                    problems.append(f"round {r}: {exp.name}: no results.json (exit {status}): {err[-500:]}")
                    continue
                v = verdict(out, status)
                left = [p.name for p in out.iterdir() if ".tmp." in p.name]
                if left:
                    problems.append(f"round {r}: {exp.name}: temporary files left: {left}")
                if "Sanitizer" in err or "runtime error" in err:
                    problems.append(f"round {r}: {exp.name}: sanitizer report: {err[-1000:]}")
                if exp.stem not in first:
                    first[exp.stem] = v
                    print(f"  {exp.name}: exit {status}, {sum(1 for _, p in v['steps'] if p)}/{len(v['steps'])} "
                          f"steps pass, checks {[s for _, s in v['checks']]}", flush=True)
                elif v != first[exp.stem]:
                    diff = [f"step {n}: {p0} -> {p1}" for (n, p0), (_, p1) in zip(first[exp.stem]["steps"], v["steps"])
                            if p0 != p1]
                    diff += [f"check {i + 1} {c}: {s0} -> {s1}" for i, ((c, s0), (_, s1)) in
                             enumerate(zip(first[exp.stem]["checks"], v["checks"])) if s0 != s1]
                    if v["exit"] != first[exp.stem]["exit"]:
                        diff.insert(0, f"exit {first[exp.stem]['exit']} -> {v['exit']}")
                    kept = keep / out.name
                    shutil.move(str(out), kept)
                    problems.append(f"round {r}: {exp.name}: verdict changed: {'; '.join(diff) or v} "
                                    f"(run folder kept: {kept})")
                shutil.rmtree(out, ignore_errors=True)
            if r == 1:
                c1 = counts()
            if r == 1 or r % 10 == 0 or r == a.runs:
                print(f"round {r}/{a.runs} ({time.time() - t0:.0f} s): {counts()}", flush=True)
        cn = counts()
        print(f"soak: counts after round 1: {c1}")
        print(f"soak: counts after round {a.runs}: {cn}")
        mine = ("fds", "children")
        machine = ("agents", "namespaces")
        for k in mine + (() if SHARED else machine):
            if cn[k] > c1[k]:
                problems.append(f"{k} grew from {c1[k]} after round 1 to {cn[k]} after round {a.runs}")
        if not SHARED and cn["file_handles"] > c1["file_handles"] + 256:
            problems.append(f"the kernel's file handles grew from {c1['file_handles']} to {cn['file_handles']}")
        print("soak: peak memory of each run (KiB; the controller and its agents), first and last run:")
        for name, peaks in rss.items():
            print(f"  {name:24} {peaks[0]:8} {peaks[-1]:8}")
            # the same run must not need more memory the 50th time (allow for the allocator's slack)
            if peaks[-1] > peaks[0] * 1.25 + 4096:
                problems.append(f"{name}: the run's peak memory grew from {peaks[0]} to {peaks[-1]} KiB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not any(keep.iterdir()):
        keep.rmdir()
    for p in problems:
        print("soak: " + p)
    print(f"soak: {len(problems)} problems in {len(exps) * a.runs} runs")
    return 1 if problems else 0


def run_peak(exp, out):
    """Runs one experiment; its exit status, stderr and its peak RSS in KiB (wait4: the
    largest of the controller and the descendants it waited for, its agents)."""
    errf = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(errf.fileno(), 2)
        os.execv(VERONA, [VERONA, "run", "--quiet", "--out", str(out), str(exp)])
    deadline = time.time() + 300
    while True:
        wpid, status, ru = os.wait4(pid, os.WNOHANG)
        if wpid == pid:
            break
        if time.time() > deadline:
            os.kill(pid, 9)
        time.sleep(0.05)
    errf.seek(0)
    err = errf.read().decode(errors="replace")
    errf.close()
    return os.waitstatus_to_exitcode(status), err, ru.ru_maxrss


if __name__ == "__main__":
    sys.exit(main())
