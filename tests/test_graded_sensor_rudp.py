"""The graded experiments of Lab 1's deliverables (seeds/001): sensor.yaml
(periodic random readings over TCP and UDP) and reliable-udp.yaml (a file
over UDP with 10% loss).  The reference solutions score full marks; each
wrong solution in tests/submissions/ loses exactly its items, with the
explanation that says why.  Both classes are graded at once, to keep the
time down."""
import csv
import json
import re
import subprocess

import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root

pytestmark = needs_root

SENSOR = {
    "tcp_exit": "TCP: the sensor exits 0",
    "tcp_lines": "TCP: the collector reads 10 readings, one per line",
    "udp_exit": "UDP: the sensor exits 0",
    "udp_format": "UDP: the first datagram is one reading",
    "udp_count": "UDP: 10 datagrams reach the collector",
    "udp_period": "UDP: one reading every 0.2 s",
}
SENSOR_POINTS = {"tcp_exit": 1, "tcp_lines": 3, "udp_exit": 1, "udp_format": 1, "udp_count": 2, "udp_period": 2}
# student -> {lost item: a piece of its explanation}
SENSOR_LOSES = {
    "reference": {},
    "too-few": {"tcp_lines": "does not match", "udp_count": "9 datagrams went from romeo to juliet:5000, expected 10",
                "udp_period": "only 8 gaps between datagrams"},
    "ms-period": {"udp_period": "gap 1 between datagrams was 0.0"},
    "no-newline": {"tcp_lines": "data b'T=", "udp_format": "does not match"},
    "waits-for-reply": {"tcp_exit": "did not finish within 5 s and was stopped",
                        "udp_exit": "did not finish within 5 s and was stopped"},
}

RUDP = {
    "recv_exit": "the receiver exits 0",
    "send_exit": "the sender exits 0",
    "equal": "the received file equals the sent one",
}
RUDP_POINTS = {"recv_exit": 1, "send_exit": 1, "equal": 3}
RUDP_LOSES = {
    "reference": {},
    "no-retransmit": {"equal": "its last error line: cmp: EOF on received.bin|its last error line: sent.bin received.bin differ"},
    "duplicates": {"equal": "its last error line: sent.bin received.bin differ|its last error line: cmp: EOF on sent.bin"},
    "never-ends": {"recv_exit": "did not finish within 6 s and was stopped",
                   "equal": "cmp: received.bin: No such file or directory"},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grades both classes at the same time: {experiment: (out dir, exit status, log)}."""
    base = tmp_path_factory.mktemp("lab1")
    jobs = {
        # timeout=5: the wait right after a hanging sensor inherits its 5 s
        # (a wait takes at least 5 s), so both fall due together, and the
        # program's own "stopped at its timeout" must still be what is said
        "sensor": ["-D", "timeout=5"],
        "reliable-udp": ["-D", "timeout=6"],
    }
    procs = {}
    for name, defines in jobs.items():
        out = base / name
        procs[name] = (out, subprocess.Popen(
            [VERONA, "grade", *defines, "--submissions", str(ROOT / "tests" / "submissions" / name),
             "-j", "2", "--out", str(out), str(EXPERIMENTS / f"{name}.yaml")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    result = {}
    for name, (out, p) in procs.items():
        stdout, stderr = p.communicate(timeout=120)
        result[name] = (out, p.returncode, stdout + stderr)
    return result


def check_class(graded, name, items, points, loses):
    out, rc, log = graded[name]
    assert rc == 1, log                     # points lost, and no harness error
    rows = {r["student"]: r for r in csv.DictReader(open(out / "summary.csv", newline=""))}
    assert set(rows) == set(loses), log
    total = sum(points.values())
    for student, lost in loses.items():
        row = rows[student]
        got_lost = {k for k, n in items.items() if row[n] != str(points[k])}
        assert got_lost == set(lost), (student, got_lost)
        assert all(row[items[k]] == "0" for k in lost), (student, row)
        raw = sum(points[k] for k in items if k not in lost)
        assert abs(float(row["score"]) - raw * 10 / total) < 0.01, (student, row["score"])
        assert row["max_score"] == "10" and row["error"] == "", (student, row)
        res = json.loads((out / student / "results.json").read_text())
        assert res["summary"]["exit"] == (1 if lost else 0), student
        why = {it["name"]: it["output"] for it in res["grading"]["items"]}
        for k, text in lost.items():
            assert re.search(text, why[items[k]]), (student, k, why[items[k]])


@needs_root
def test_sensor_class(graded):
    check_class(graded, "sensor", SENSOR, SENSOR_POINTS, SENSOR_LOSES)


@needs_root
def test_reliable_udp_class(graded):
    check_class(graded, "reliable-udp", RUDP, RUDP_POINTS, RUDP_LOSES)
