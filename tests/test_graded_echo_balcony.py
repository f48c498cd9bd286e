"""The graded balcony-udp, echo-server-tcp and echo-server-udp experiments:
graded as a class with `verona grade --submissions`, the reference solution
scores full marks and each wrong solution loses exactly its items, with the
explanation a student can act on."""
import csv
import json

import pytest

from conftest import EXPERIMENTS, ROOT, needs_root, verona

pytestmark = needs_root

SUBMISSIONS = ROOT / "tests" / "submissions"

# experiment -> {item: points}, {student: (items lost, {item: text its explanation holds})}
BALCONY_UDP = {
    "items": {
        "juliet prints every line and exits 0": 1,
        "romeo prints every line and exits 0": 1,
        "ROMEO's speech: one datagram per line, in order, then an empty one": 2,
        "JULIET's answer: one datagram per line from port 4000, in order, then an empty one": 2,
    },
    "loses": {
        "reference": {},
        "one-datagram": {
            "ROMEO's speech: one datagram per line, in order, then an empty one":
                "datagram 1 from romeo to juliet:4000 carried b'She speaks:\\nO, speak again",
            "JULIET's answer: one datagram per line from port 4000, in order, then an empty one":
                "datagram 1 from juliet:4000 to romeo carried",
        },
        "answers-from-new-socket": {
            "JULIET's answer: one datagram per line from port 4000, in order, then an empty one":
                "only 0 of the 5 expected datagrams went from juliet:4000 to romeo",
        },
        # answers to romeo's host on port 4000, where romeo never spoke from (reply_to: sender); was graded
        # 8.33 when the check could not tell romeo's ports apart
        "reply-to-fixed-port": {
            "romeo prints every line and exits 0": "the program did not finish within 3 s and was stopped",
            "JULIET's answer: one datagram per line from port 4000, in order, then an empty one":
                "datagram 1 from juliet:4000 went to 10.10.0.100:4000, from where no datagram had come",
        },
        # juliet's socket on 127.0.0.1: romeo's datagrams are on the wire but draw ICMP port unreachable
        "localhost-only": {
            "juliet prints every line and exits 0": "",
            "romeo prints every line and exits 0": "",
            "ROMEO's speech: one datagram per line, in order, then an empty one":
                "datagrams from romeo to juliet:4000 drew ICMP port unreachable (the first, datagram 1,",
            "JULIET's answer: one datagram per line from port 4000, in order, then an empty one":
                "only 0 of the 5 expected datagrams went from juliet:4000 to romeo",
        },
        "romeo-leaves-early": {
            "romeo prints every line and exits 0": "stdout does not match",
        },
    },
}
ECHO_TCP = {
    "items": {
        "a client on romeo connects to juliet:65432": 1,
        "a short text comes back unchanged": 1,
        "binary bytes come back unchanged": 1,
        "a 5000-byte message comes back whole (more than one recv(1024))": 2,
        "a second client, after the first has left, is echoed too": 1,
        "the server closes the first connection after the client (FIN, no RST)": 1,
    },
    "loses": {
        "reference": {},
        "uppercase": {
            "a short text comes back unchanged": "got b'HELLO, WORLD'",
            "a 5000-byte message comes back whole (more than one recv(1024))": "got b'0123456789ABCDEFGHIJ",
            "a second client, after the first has left, is echoed too": "got b'ANON, GOOD NURSE!'",
        },
        "one-client": {
            "a second client, after the first has left, is echoed too": "expected b'Anon, good nurse!'",
        },
        "one-recv-per-client": {
            "binary bytes come back unchanged": "data: expected b'\\x00\\x01",
            "a 5000-byte message comes back whole (more than one recv(1024))": "expected b'0123456789",
            "the server closes the first connection after the client (FIN, no RST)": "",
        },
        "localhost-only": {
            "a client on romeo connects to juliet:65432": "Connection refused",
            "a short text comes back unchanged": "",
            "binary bytes come back unchanged": "",
            "a 5000-byte message comes back whole (more than one recv(1024))": "",
            "a second client, after the first has left, is echoed too": "",
            "the server closes the first connection after the client (FIN, no RST)": "the connection was never open",
        },
        # keeps every connection open: the FIN of its kernel when verona's kill step stopped it is not its close
        "never-closes": {
            "the server closes the first connection after the client (FIN, no RST)":
                "never closed the connection itself: its FIN at",
        },
    },
}
ECHO_UDP = {
    "items": {
        "a short text comes back unchanged": 1,
        "binary bytes come back unchanged": 1,
        "a 1400-byte datagram comes back whole (more than recvfrom(1024) takes)": 2,
        "a second client is answered too, at its own address": 1,
        "the answers come from port 65432, the port the client sent to": 1,
    },
    "loses": {
        "reference": {},
        "recvfrom-1024": {
            "a 1400-byte datagram comes back whole (more than recvfrom(1024) takes)": "(1024 bytes)",
        },
        "answers-from-new-socket": {
            "the answers come from port 65432, the port the client sent to":
                "0 datagrams went from juliet:65432 to romeo.c1, expected 3",
        },
        "first-client-only": {
            "a second client is answered too, at its own address": "timed out",
        },
    },
}


SOLUTIONS = {"balcony-udp": "balcony/balcony_udp.py", "echo-server-tcp": "echo/echo_server_tcp.py",
             "echo-server-udp": "echo/echo_server_udp.py"}


def test_reference_copies_are_the_solutions():
    for name, path in SOLUTIONS.items():
        sol = EXPERIMENTS / "solutions" / path
        assert (SUBMISSIONS / name / "reference" / sol.name).read_bytes() == sol.read_bytes(), name


def grade(tmp_path, name):
    out = tmp_path / name
    p = verona("grade", "-D", "timeout=3", "--submissions", SUBMISSIONS / name, "-j", "2", "--out", out,
               EXPERIMENTS / f"{name}.yaml", timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr            # some lost points; no harness error
    return out, {r["student"]: r for r in csv.DictReader(open(out / "summary.csv", newline=""))}


@pytest.mark.parametrize("name, spec", [("balcony-udp", BALCONY_UDP), ("echo-server-tcp", ECHO_TCP),
                                        ("echo-server-udp", ECHO_UDP)])
def test_class(tmp_path, name, spec):
    out, rows = grade(tmp_path, name)
    items, loses = spec["items"], spec["loses"]
    raw_max = sum(items.values())
    assert set(rows) == set(loses)
    for student, lost in loses.items():
        row = rows[student]
        assert {i for i in items if row[i] == "0"} == set(lost), (student, row)
        for i, pts in items.items():
            assert row[i] == ("0" if i in lost else str(pts)), (student, i, row[i])
        raw = sum(p for i, p in items.items() if i not in lost)
        assert abs(float(row["score"]) - raw * 10 / raw_max) < 0.01, (student, row["score"])
        assert row["max_score"] == "10" and row["error"] == "", (student, row)
        res = json.loads((out / student / "results.json").read_text())
        assert res["summary"]["exit"] == (1 if lost else 0), student   # never a harness error
        outputs = {it["name"]: it["output"] for it in res["grading"]["items"]}
        for i, why in lost.items():
            assert why in outputs[i], (student, i, outputs[i])
    assert float(rows["reference"]["score"]) == 10


def test_icmp_shows_where_the_answer_went(tmp_path):
    """The balcony answer sent to romeo's port 4000, where nothing listens, draws
    ICMP port unreachable under romeo's step; the answer to romeo's own socket does not."""
    out = tmp_path / "fixed"
    p = verona("grade", "-D", "timeout=3", "--submission", SUBMISSIONS / "balcony-udp" / "reply-to-fixed-port",
               "--out", out, EXPERIMENTS / "balcony-udp.yaml", timeout=60)
    assert p.returncode == 1, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    romeo = next(s for s in res["steps"] if s["op"] == "exec" and s["host"] == "romeo")
    patterns = [pk["pattern"] for pk in romeo.get("packets", [])]
    assert patterns[:9] == ["UDP"] * 9 and "ICMP-UNREACH" in patterns, patterns
    icmp = [pk for pk in romeo["packets"] if pk["pattern"] == "ICMP-UNREACH"]
    assert all(pk["from"] == "romeo" and pk["to"] == "juliet" for pk in icmp)
