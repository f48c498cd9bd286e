#!/usr/bin/python3
"""bench/run.py — runs every figure script (bench/fig_*.py, or those named
on the command line) and prints one table: figure, verona, baseline,
ratio, target, met.  Exit 0 when every row is met, 1 otherwise."""
import glob
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ["stats", "check", "memory", "capture", "control", "run", "sandbox", "grade", "pairs"]


def main():
    names = sys.argv[1:] or ORDER
    rows, t0 = [], time.time()
    for name in names:
        script = os.path.join(HERE, "fig_%s.py" % name)
        t1 = time.time()
        print("bench: %s ..." % name, file=sys.stderr, flush=True)
        p = subprocess.run(["/usr/bin/python3", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, cwd=HERE)
        got = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        if p.returncode != 0 or not got:
            got.append({"figure": name, "verona": "-", "baseline": "-", "ratio": "-", "target": "-",
                        "met": False, "note": "the bench failed: " + p.stderr.strip()[-300:]})
        rows.extend(got)
        print("bench: %s done in %.1f s" % (name, time.time() - t1), file=sys.stderr, flush=True)
    cols = ["figure", "verona", "baseline", "ratio", "target", "met"]
    cells = [[str(r[c]) if c != "met" else ("met" if r["met"] else "NOT MET") for c in cols] for r in rows]
    w = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(cols)]
    print("| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(cols)) + " |")
    print("|" + "|".join("-" * (x + 2) for x in w) + "|")
    for x in cells:
        print("| " + " | ".join(v.ljust(w[i]) for i, v in enumerate(x)) + " |")
    for r in rows:
        if r.get("note"):
            print("  %s: %s" % (r["figure"], r["note"]))
    met = sum(r["met"] for r in rows)
    print("bench: %d of %d met, %.0f s" % (met, len(rows), time.time() - t0))
    return 0 if met == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
