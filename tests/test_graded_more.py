"""The graded experiments of seeds 001-004 beyond the balcony: the name server
(threads, `concurrent`), binary data with struct '=iif', the UDP client's
exponential backoff (`intervals`), and the HTTP GET demonstration.

Each class of submissions (tests/submissions/EXPERIMENT/) is graded with
`verona grade --submissions`: the reference (and any other right solution)
scores full marks, and each wrong solution loses exactly its items, each with
the explanation a student can act on.  The three classes are graded at the
same time to keep the file short.
"""
import csv
import json
import subprocess

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, verona

pytestmark = needs_root

SUBMISSIONS = ROOT / "tests" / "submissions"

# experiment -> (its items with their points, {student: {lost item: words of its explanation}})
CLASSES = {
    "name-server": (
        {
            "client 1: Hello is answered Hello Ali": 1,
            "client 2 is answered while client 1 is connected": 2,
            "client 1 is answered again after client 2 came": 1,
            "client 3 is answered while clients 1 and 2 are connected": 2,
            "client 2 is answered again after client 3 came": 1,
            "three clients connected at once": 2,
        },
        {
            "reference": {},
            "crlf-and-greeting": {},
            # no threads: clients 2 and 3 wait for client 1 to leave
            "one-at-a-time": {
                "client 2 is answered while client 1 is connected": "TimeoutError: timed out",
                "client 3 is answered while clients 1 and 2 are connected": "TimeoutError: timed out",
                "client 2 is answered again after client 3 came": "TimeoutError: timed out",
                # it answers client 2 only after client 1 has gone: never two served at once
                "three clients connected at once": "it handles one client at a time",
            },
            # hangs up after one reply: second lines go unanswered, never three at once
            "one-reply-per-client": {
                "client 1 is answered again after client 2 came": "does not match",
                "client 2 is answered again after client 3 came": "does not match",
                "three clients connected at once": "it handles one client at a time",
            },
            # "Hello\n Ali"
            "newline-in-reply": {
                "client 1: Hello is answered Hello Ali": r"b'Hello\n Ali' does not match",
                "client 2 is answered while client 1 is connected": r"b'Hi\n Ali' does not match",
                "client 1 is answered again after client 2 came": r"b'How are you\n Ali' does not match",
                "client 3 is answered while clients 1 and 2 are connected": r"b'Good morning\n Ali' does not match",
                "client 2 is answered again after client 3 came": r"b'Bye\n Ali' does not match",
            },
        },
    ),
    "struct-binary": (
        {
            "the server replies the values packed '!iif' (network byte order)": 2,
            "the server closes the connection after its reply": 1,
            "the server reads a message that arrives in two pieces": 2,
            "the client prints the values it unpacked and exits 0": 1,
            "the client sends the values packed '=iif' (12 bytes, nothing else)": 2,
        },
        {
            "reference": {},
            # '>iif' in the client
            "big-endian-client": {
                "the client sends the values packed '=iif' (12 bytes, nothing else)":
                    r"expected b'\x01\x00\x00\x00\x04\x00\x00\x00\xcd\xcc,@', sent b'\x00\x00\x00\x01",
            },
            # '=' taken for network byte order, in the reply and in the client's unpack
            "native-order-reply": {
                "the server replies the values packed '!iif' (network byte order)": "first difference at byte 0",
                "the server reads a message that arrives in two pieces": "first difference at byte 0",
                "the client prints the values it unpacked and exits 0": "stdout does not match",
            },
            # the lab's one recv(1024): the message in two pieces breaks struct.unpack
            "one-recv-server": {
                "the server reads a message that arrives in two pieces": "EOFError",
            },
        },
    ),
    "udp-backoff": (
        {
            "prints server down and exits 1": 2,
            "the wait doubles: requests 0.1, 0.2, 0.4, 0.8 s apart": 5,
            "five requests, then it gives up": 3,
        },
        {
            "reference": {},
            # five tries, 0.1 s each
            "fixed-timeout": {
                "the wait doubles: requests 0.1, 0.2, 0.4, 0.8 s apart": "gap 2 between datagrams was 0.1",
            },
            # the deck's raise RuntimeError: nothing on stdout (it connect()s, too: no harm here)
            "raises": {
                "prints server down and exits 1": "stdout does not match /server down/",
            },
            # stops before the 1.6 s wait: four requests
            "gives-up-early": {
                "the wait doubles: requests 0.1, 0.2, 0.4, 0.8 s apart": "only 3 gaps",
                "five requests, then it gives up": "4 datagrams went from romeo to juliet:1060, expected 5",
            },
        },
    ),
}


def test_grade_the_classes(tmp_path):
    # the three classes at once, each two students at a time
    procs = {}
    for name in CLASSES:
        out = tmp_path / name
        procs[name] = (out, subprocess.Popen(
            [VERONA, "grade", "-D", "timeout=8", "--submissions", str(SUBMISSIONS / name), "-j", "2",
             "--out", str(out), str(EXPERIMENTS / f"{name}.yaml")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    for name, (out, p) in procs.items():
        text = p.communicate(timeout=120)[0]
        items, loses = CLASSES[name]
        # some lost points, no harness error
        assert p.returncode == 1, f"{name}:\n{text}"
        rows = {r["student"]: r for r in csv.DictReader(open(out / "summary.csv", newline=""))}
        assert set(rows) == set(loses), name
        full = sum(items.values())
        for student, lost in loses.items():
            row = rows[student]
            got_lost = {i for i in items if row[i] == "0"}
            assert got_lost == set(lost), (name, student, got_lost)
            for i, pts in items.items():
                assert row[i] == ("0" if i in lost else str(pts)), (name, student, i, row[i])
            raw = sum(pts for i, pts in items.items() if i not in lost)
            assert abs(float(row["score"]) - raw * 10 / full) < 0.01, (name, student, row["score"])
            assert row["max_score"] == "10" and row["error"] == "", (name, student)
            res = json.loads((out / student / "results.json").read_text())
            assert res["summary"]["exit"] == (1 if lost else 0), (name, student)
            outputs = {it["name"]: it["output"] for it in res["grading"]["items"]}
            for item, words in lost.items():
                assert words in outputs[item], (name, student, item, outputs[item])


def test_http_get_demonstration(run):
    r = run(EXPERIMENTS / "http-get.yaml")
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    assert r.results.get("grading") is None             # a demonstration: nothing graded
    assert all(s["pass"] for s in r.steps)
    assert [c["status"] for c in r.results["checks"]] == ["pass"] * 5
    reply = r.data(6)
    assert reply.startswith(b"HTTP/1.0 200 OK\r\n") and b"That which we call a rose" in reply
    assert verona("validate", EXPERIMENTS / "http-get.yaml").returncode == 0
