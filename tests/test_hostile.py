"""Two attacks of issue 11 not covered elsewhere, each a real submission
graded by the real `verona grade` on the local testbed, next to an honest
classmate in the same `--submissions -j 2`:

- tests/hostile/forged-capture: sends nothing and forges the evidence: a
  whole TCP dialogue written as pcap records into every descriptor it
  holds and into every capture file of verona's it can find, and the same
  frames through a packet socket of its own.  None of it may reach the
  trace: it scores no more than printing alone (tests/hostile/prints-only).
- tests/hostile/disk-hog (before the reference solution): tries to write 640 MiB into its work directory,
  /tmp, /var/tmp and /dev/shm before doing the exercise honestly: each
  place holds at most the run's disk limit, and the exercise still works.
"""
import base64
import csv
import json
import shutil
import tempfile
import pathlib

import pytest

from conftest import EXPERIMENTS, ROOT, needs_root, verona

pytestmark = needs_root

HOSTILE = ROOT / "tests" / "hostile"
REFERENCE = EXPERIMENTS / "solutions" / "balcony"
BALCONY = EXPERIMENTS / "balcony-tcp.yaml"
PRINTS_ONLY = 2 * 10 / 9        # the two printing items of the 9 rubric points, scaled to 10
DISK_MB = 24


@pytest.fixture
def work():
    d = pathlib.Path(tempfile.mkdtemp(prefix="verona-hostile-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def rows(out):
    with open(out / "summary.csv", newline="") as f:
        r = list(csv.DictReader(f))
    return {row["student"]: row for row in r}


def stderr_of(results):
    """Everything the student's programs wrote to stderr, over every exec step."""
    text = ""
    for s in results["steps"]:
        res = s.get("result") or {}
        if "stderr_b64" in res:
            text += base64.b64decode(res["stderr_b64"]).decode(errors="replace")
    return text


def test_a_forged_capture_earns_nothing_and_an_honest_classmate_keeps_full_marks(work):
    cls = work / "class"
    shutil.copytree(REFERENCE, cls / "honest")
    shutil.copytree(HOSTILE / "prints-only", cls / "printsonly")
    shutil.copytree(HOSTILE / "forged-capture", cls / "forger")
    out = work / "grades"
    p = verona("grade", "-D", "timeout=8", "--submissions", cls, "-j", "2", "--out", out, BALCONY, timeout=300)
    r = rows(out)
    assert r["honest"]["score"] == "10" and r["honest"]["needs_review"] == "no", (r["honest"], p.stdout)
    assert float(r["printsonly"]["score"]) == pytest.approx(PRINTS_ONLY, abs=1e-3)
    forger = json.loads((out / "forger" / "results.json").read_text())
    said = stderr_of(forger)
    # it did try: its attempts are on record, and none of them got anywhere
    assert "forge:" in said and "packet socket:" in said, said
    assert "wrote into fd" not in said and "appended to" not in said, said
    assert "sent the frames through a packet socket" not in said, said
    # the trace shows no dialogue: no check passes, and the score is no more than printing
    g = forger["grading"]
    assert g["score"] <= PRINTS_ONLY + 1e-9, g
    assert not [i for i in g["items"] if i["kind"] == "check" and i["status"] == "pass"], g["items"]
    assert float(r["forger"]["score"]) <= float(r["printsonly"]["score"]) + 1e-3
    gs = json.loads((out / "forger" / "gradescope.json").read_text())
    assert gs["score"] <= PRINTS_ONLY + 1e-9


def test_writing_beyond_the_disk_limit_is_contained(work):
    cls = work / "class"
    shutil.copytree(REFERENCE, cls / "honest")
    (cls / "hog").mkdir(parents=True)
    (cls / "hog" / "balcony_tcp.py").write_text((HOSTILE / "disk-hog" / "hog.py").read_text() +
                                                (REFERENCE / "balcony_tcp.py").read_text())
    out = work / "grades"
    p = verona("grade", "-D", "timeout=15", "--limits", f"disk={DISK_MB}M", "--submissions", cls, "-j", "2",
               "--out", out, BALCONY, timeout=300)
    r = rows(out)
    assert r["honest"]["score"] == "10", (r, p.stdout, p.stderr)
    hog = json.loads((out / "hog" / "results.json").read_text())
    said = stderr_of(hog)
    places = {l for l in said.splitlines() if l.startswith("hog: ")}
    # every place was tried (on both hosts)
    assert {l.split()[1] for l in places} == {"big", "/tmp/big", "/var/tmp/big", "/dev/shm/big"}, said
    for line in places:
        took = int(line.split(" took ")[1].split()[0])
        assert took <= (DISK_MB + 1) << 20, line
        assert "no error" not in line, line
    # the hog's exercise itself still worked: its own files are not the limit's victims
    assert r["hog"]["score"] == "10", r["hog"]
    for h in hog["manifest"]["hosts"].values():
        assert h["limits"]["disk"] == DISK_MB << 20, h["limits"]



def test_a_program_cannot_make_a_user_namespace(work):
    """In a user namespace of its own a program would be root of a new mount
    namespace (sysfs with the host's devices, a tmpfs of any size) and reach
    the kernel's user-namespace code: unshare(CLONE_NEWUSER) and clone with it
    are refused at every sandbox level but none, and clone3 is not offered."""
    prog = work / "userns.py"
    prog.write_text("import ctypes, os, subprocess\n"
                    "libc = ctypes.CDLL(None, use_errno=True)\n"
                    "rc = libc.unshare(0x10000000)\n"
                    "print('unshare', rc, os.strerror(ctypes.get_errno()) if rc else 'made one')\n"
                    "p = subprocess.run(['unshare', '--user', '--map-root-user', '--mount', 'id', '-u'],\n"
                    "                   capture_output=True, text=True)\n"
                    "print('unshare(1)', p.returncode, p.stdout.strip(), p.stderr.strip())\n"
                    "print('threads', subprocess.run(['/usr/bin/python3', '-c',\n"
                    "      'import threading; t = threading.Thread(target=print, args=(\"ok\",)); t.start(); t.join()'],\n"
                    "      capture_output=True, text=True).stdout.strip())\n")
    x = work / "userns.yaml"
    x.write_text("hosts: {romeo: 10.10.0.100}\n"
                 "steps:\n"
                 "  - romeo: {put: userns.py}\n"
                 "  - romeo: {exec: \"/usr/bin/python3 userns.py\", expect: {exit: 0}}\n")
    for level in ("full", "uid"):
        out = work / level
        p = verona("run", "--quiet", "--sandbox", level, "--out", out, x)
        results = json.loads((out / "results.json").read_text())
        shown = base64.b64decode(results["steps"][1]["result"]["stdout_b64"]).decode()
        assert "unshare -1 Operation not permitted" in shown, (level, shown, p.stdout, p.stderr)
        assert "unshare(1) 1" in shown and "Operation not permitted" in shown.split("unshare(1)")[1], shown
        assert "threads ok" in shown, shown          # threads still start (clone3 falls back to clone)
        assert p.returncode == 0, p.stdout + p.stderr
