#!/usr/bin/python3
"""Figure: a class: `verona grade --submissions DIR -j 2` over 32 copies
of the balcony reference solution (experiments/solutions/balcony), and
over 8 copies, to see that the time is linear in the number of
submissions.  Target: at most 2 s per submission on average; the time per
submission with 32 within 1.25x of that with 8."""
import os
import shutil

import lib

EXP = os.path.join(lib.ROOT, "experiments", "balcony-tcp.yaml")
SOL = os.path.join(lib.ROOT, "experiments", "solutions", "balcony")


def grade(wd, n):
    cls = os.path.join(wd, "class%d" % n)
    for i in range(n):
        shutil.copytree(SOL, os.path.join(cls, "student%02d" % i))
    s, _, _, _ = lib.timed([lib.VERONA, "grade", "--submissions", cls, "--out", os.path.join(wd, "grades%d" % n),
                            "-j", "2", EXP], stdout=lib.subprocess.DEVNULL)
    with open(os.path.join(wd, "grades%d" % n, "summary.csv")) as f:
        rows = [l for l in f.read().splitlines()[1:] if l.strip()]
    if len(rows) != n:
        raise RuntimeError("summary.csv has %d rows, not %d" % (len(rows), n))
    return s


lib.need_root()
with lib.Workdir() as wd:
    t8 = grade(wd, 8)
    t32 = grade(wd, 32)
per8, per32 = t8 / 8, t32 / 32
lib.row("grade a class of 32 balcony submissions, -j 2", "%.2f s per submission (%.1f s)" % (per32, t32),
        "-", "-", "<= 2 s per submission", per32 <= 2.0)
lib.row("grade: 32 vs 8 submissions, time per submission", "%.3f s" % per32, "%.3f s (8)" % per8,
        "%.2fx" % (per32 / per8), "linear (<= 1.25x)", per32 <= 1.25 * per8)
