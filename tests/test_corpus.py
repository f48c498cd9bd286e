"""Every file of the tcpdump test corpus (real captures of many link types,
and many deliberately truncated or malformed packets) through `verona stats`,
as text, as JSON and with --packets, and through `verona check` (text and
JSON) with every check on the file's first TCP and UDP flows: each run ends
within its time limit with exit 0, or exit 2 and a message naming the file
when it is not a capture (and 1 or 3 for checks that fail or cannot be
decided); never a signal, a hang, or a sanitizer report (`make test
SANITIZE=1`).  The JSON's figures must add up."""
import concurrent.futures
import json
import os
import pathlib
import subprocess
import tempfile

import pytest

from conftest import ROOT, VERONA

CORPUS = pathlib.Path(os.environ.get("VERONA_CORPUS", ROOT / "tests" / "corpus" / "tcpdump-tests"))
TIMEOUT = 10
FILES = sorted(p for p in CORPUS.iterdir() if p.is_file()) if CORPUS.is_dir() else []


def endpoint(e, port=True):
    a = e["addr"]
    if not port:
        return f'"{a}"'
    return f'"[{a}]:{e["port"]}"' if ":" in a else f'"{a}:{e["port"]}"'


def checks_for(stats_json):
    """A checks file with every check the language has, on the first TCP and
    the first UDP flow of a capture (from `verona stats --json`), or on two
    hosts the capture may not have."""
    flows = json.loads(stats_json)["flows"] if stats_json else []
    tcp = next((f for f in flows if f["proto"] == "tcp"), None)
    udp = next((f for f in flows if f["proto"] == "udp"), None)
    lines = ["hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}", "checks:",
             '  - handshake: {client: romeo, server: "juliet:4000"}']
    if tcp:
        c, s = endpoint(tcp["a"], port=False), endpoint(tcp["b"])
        conn = f"client: {c}, server: {s}"
        lines += [f"  - {k}" for k in (
            f"handshake: {{{conn}}}", f"refused: {{{conn}, attempt: 1}}",
            f'stream: {{{conn}, from: {c}, data: "hello"}}', f'stream: {{{conn}, from: {s}, contains: "HTTP"}}',
            f'stream: {{{conn}, from: {c}, prefix: "GET "}}', f"stream: {{{conn}, from: {s}, lines: [a, b]}}",
            f"acked: {{{conn}, from: {c}}}", f"acked: {{{conn}, from: {s}}}", f"closed: {{{conn}, first: {c}}}",
            f"reset: {{{conn}, by: {s}}}", f"state: {{{conn}, state: SF}}", f"retransmissions: {{{conn}, max: 0}}",
            f"concurrent: {{server: {s}, count: 2}}")]
    if udp:
        ft = f"from: {endpoint(udp['a'])}, to: {endpoint(udp['b'], port=False)}"
        lines += [f"  - {k}" for k in (
            f"datagrams: {{{ft}, count: 1}}", f'datagrams: {{{ft}, data: ["", "x"]}}',
            f"icmp_unreachable: {{{ft}}}", f"intervals: {{{ft}, expect: [0.1, 0.2, 0.4], tolerance: 0.05}}")]
    return "\n".join(lines) + "\n"


def run_check(path, stats_json, tmp):
    """`verona check` on one file: its problems, as a list of text."""
    problems = []
    checks = pathlib.Path(tmp) / "checks.yaml"
    checks.write_text(checks_for(stats_json))
    n = checks.read_text().count("\n  - ")
    for mode in ("text", "--json"):
        args = [VERONA, "check"] + ([] if mode == "text" else [mode]) + [str(path), str(checks)]
        try:
            p = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            problems.append(f"check {mode}: no answer in {TIMEOUT} s")
            continue
        err = p.stderr.decode(errors="replace")
        if p.returncode < 0:
            problems.append(f"check {mode}: killed by signal {-p.returncode}: {err[-2000:]}")
        elif p.returncode not in (0, 1, 2, 3):
            problems.append(f"check {mode}: exit {p.returncode}: {err[-2000:]}")
        elif p.returncode == 2 and (stats_json is not None or not err.startswith(f"verona: {path}: ")):
            problems.append(f"check {mode}: exit 2 on a file stats reads, or without naming it: {err!r}")
        if "Sanitizer" in err or "runtime error" in err:
            problems.append(f"check {mode}: {err[-3000:]}")
        if mode == "--json" and p.returncode in (0, 1, 3):
            doc = json.loads(p.stdout)
            if len(doc["checks"]) != n or doc["summary"]["exit"] != p.returncode:
                problems.append(f"check --json: {len(doc['checks'])} verdicts for {n} checks, "
                                f"exit {doc['summary']['exit']} != {p.returncode}")
    return problems


def run_one(path):
    """The problems of one file, as a list of text."""
    problems, outputs = [], {}
    for mode in ("text", "--json", "--packets"):
        args = [VERONA, "stats"] + ([] if mode == "text" else [mode]) + [str(path)]
        try:
            p = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            problems.append(f"{mode}: no answer in {TIMEOUT} s")
            continue
        err = p.stderr.decode(errors="replace")
        if p.returncode < 0:
            problems.append(f"{mode}: killed by signal {-p.returncode}: {err[-2000:]}")
        elif p.returncode not in (0, 2):
            problems.append(f"{mode}: exit {p.returncode}: {err[-2000:]}")
        elif p.returncode == 2 and not err.startswith(f"verona: {path}: "):
            problems.append(f"{mode}: exit 2 without a message naming the file: {err!r}")
        if "Sanitizer" in err or "runtime error" in err:
            problems.append(f"{mode}: {err[-3000:]}")
        outputs[mode] = p
    j, pk = outputs.get("--json"), outputs.get("--packets")
    if j is not None and pk is not None and j.returncode == 0 and pk.returncode == 0:
        try:
            doc = json.loads(j.stdout)
        except ValueError as e:
            return problems + [f"--json: not JSON: {e}"]
        lines = pk.stdout.decode(errors="replace").splitlines()
        if doc["packets"] != len(lines):
            problems.append(f"--json says {doc['packets']} packets, --packets printed {len(lines)}")
        in_flows = sum(f["packets"] for f in doc["flows"])
        bad = doc["truncated"] + doc["malformed"]
        if in_flows + doc["other"]["packets"] + bad != doc["packets"]:
            problems.append(f"flows {in_flows} + other {doc['other']['packets']} + bad {bad} "
                            f"!= {doc['packets']} packets")
        statuses = [l.split()[1] for l in lines]
        for s in ("truncated", "malformed", "unsupported"):
            if statuses.count(f"status={s}") != doc[s]:
                problems.append(f"{s}: --json {doc[s]}, --packets {statuses.count(f'status={s}')}")
    stats_json = j.stdout if j is not None and j.returncode == 0 else None
    with tempfile.TemporaryDirectory() as tmp:
        problems += run_check(path, stats_json, tmp)
    return problems


def test_every_corpus_file():
    assert len(FILES) >= 800
    failures = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for path, problems in zip(FILES, pool.map(run_one, FILES)):
            if problems:
                failures[path.name] = problems
    assert not failures, "\n".join(f"{k}: {v}" for k, v in sorted(failures.items())[:20])


def test_not_a_capture_exits_2(tmp_path):
    for name, content in (("LICENSE", None), ("empty.pcap", b""), ("short.pcap", b"\xd4\xc3\xb2\xa1\x02\x00"),
                          ("text.pcap", b"hello, this is not a capture\n" * 4)):
        path = CORPUS / name if content is None else tmp_path / name
        if content is not None:
            path.write_bytes(content)
        for mode in ([], ["--json"], ["--packets"]):
            p = subprocess.run([VERONA, "stats", *mode, str(path)], capture_output=True, text=True,
                               timeout=TIMEOUT)
            assert p.returncode == 2, (name, mode, p.stdout, p.stderr)
            assert p.stderr.startswith(f"verona: {path}: "), p.stderr
            assert p.stdout == ""
    p = subprocess.run([VERONA, "stats", str(tmp_path / "missing.pcap")], capture_output=True, text=True)
    assert p.returncode == 2 and "missing.pcap" in p.stderr and "No such file" in p.stderr


def test_damaged_capture_keeps_what_was_read(tmp_path):
    """A capture cut inside its last record: the packets before it count,
    and the damage is said (exit 0)."""
    src = CORPUS / "ssh.pcap"
    data = src.read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[:len(data) - 30])
    p = subprocess.run([VERONA, "stats", "--json", str(cut)], capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["packets"] == 53 and doc["damaged"]
    assert f"verona: {cut}: damaged after 53 packets" in p.stderr
    p = subprocess.run([VERONA, "stats", str(cut)], capture_output=True, text=True, timeout=TIMEOUT)
    assert p.returncode == 0 and "damaged: " in p.stdout
