"""The loopback testbed: where no namespace can be made (Gradescope's and
PrairieLearn's containers: Docker's default capabilities and seccomp rules,
emulated here by tests/tools/dockerlike), every host is an address of its
own in 127.0.0.0/8 on the one stack; the agents send from their host's
address, programs through verona-bind.so, and each host captures on lo what
it sent.  Every experiment gives the same verdicts as on netns, or is
refused before the run with the reason."""
import csv
import json
import os
import pathlib
import shutil

import pytest
import subprocess

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, verona, write

pytestmark = needs_root

BUILD = ROOT / os.environ.get("VERONA_BUILD", "build/rel")
DOCKERLIKE = BUILD / "tools" / "dockerlike"
CLASS = ROOT / "tests" / "submissions" / "balcony-tcp"
# refused on loopback, with the reason (checked below); every other experiment runs the same
REFUSED = {"reliable-udp.yaml": "links: loss and delay need a testbed of namespaces"}


def in_container(*args, timeout=300, cwd=None):
    assert DOCKERLIKE.exists(), f"{DOCKERLIKE} was not built: run the tests with 'make test'"
    return subprocess.run([str(DOCKERLIKE), "--net", VERONA, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def verdicts(out):
    r = json.loads((out / "results.json").read_text())
    return [s.get("pass") for s in r["steps"]], [c["status"] for c in r["checks"]], r


EXPERIMENT_FILES = sorted(p.name for p in EXPERIMENTS.glob("*.yaml") if p.name not in REFUSED)


@pytest.mark.parametrize("name", EXPERIMENT_FILES)
def test_the_same_verdicts_as_netns(tmp_path, name):
    p = in_container("run", "--quiet", "--out", tmp_path / "lo", EXPERIMENTS / name)
    q = verona("run", "--quiet", "--out", tmp_path / "ns", EXPERIMENTS / name, timeout=300)
    assert p.returncode == q.returncode, p.stdout + p.stderr
    if not (tmp_path / "ns" / "results.json").exists():
        return                                      # an experiment with no steps: refused alike
    # no namespace could be made there: verona said so and took the loopback testbed
    assert "the hosts share this machine's lo instead (--local loopback)" in p.stderr
    steps, checks, lo = verdicts(tmp_path / "lo")
    assert (steps, checks) == verdicts(tmp_path / "ns")[:2], p.stdout
    assert lo["manifest"]["testbed"]["place"] == "loopback"
    hosts = {h: v["addr"] for h, v in lo["manifest"]["hosts"].items()}
    assert all(a.startswith("127.") for a in hosts.values()) and len(set(hosts.values())) == len(hosts), hosts
    # a host declared on the network gets an address of its own, not 127.0.0.1 (echo-*'s one host is localhost)
    assert len(hosts) == 1 or "127.0.0.1" not in hosts.values(), hosts
    # every packet is its sender's: from a host's own address, never 127.0.0.1, once
    for s in lo["steps"]:
        for pk in s.get("packets", []):
            assert pk["src"] in hosts.values() and pk["from"] == pk["host"], pk


def test_unbound_clients_and_servers_on_every_address_are_told_apart(tmp_path):
    """romeo's program connects without bind (verona-bind.so binds it to romeo's address); juliet's
    UDP socket bound to '' answers from juliet's address, for the agent's own steps and for programs."""
    f = write(tmp_path, "any.yaml", """
name: any
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - juliet: {socket: s, type: udp}
  - juliet: {bind: s, addr: ":5000"}
  - romeo:  {socket: c, type: udp}
  - romeo:  {sendto: c, data: "hi", to: "juliet:5000"}
  - juliet: {recvfrom: s, size: 100}
  - juliet: {sendto: s, data: "ho", to: romeo.c}
  - romeo:  {recvfrom: c, size: 100}
  - romeo:  {exec: "python3 -c \\"import socket; c=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.sendto(b'x', ('${juliet.addr}', 5000)); print(c.getsockname()[0])\\"", expect: {stdout: "${romeo.addr}\\n"}}
checks:
  - datagrams: {from: romeo, to: "juliet:5000", data: ["hi", "x"]}
  - datagrams: {from: "juliet:5000", to: romeo.c, data: ["ho"], reply_to: sender}
""")
    p = in_container("run", "--out", tmp_path / "lo", f)
    assert p.returncode == 0, p.stdout + p.stderr
    _, _, r = verdicts(tmp_path / "lo")
    froms = [(pk["from"], pk["to"]) for s in r["steps"] for pk in s.get("packets", [])]
    assert froms == [("romeo", "juliet"), ("juliet", "romeo"), ("romeo", "juliet")], froms


def test_what_loopback_cannot_do_is_refused_before_the_run(tmp_path):
    p = verona("run", "--local", "loopback", "--out", tmp_path / "a", EXPERIMENTS / "reliable-udp.yaml")
    assert p.returncode == 2 and REFUSED["reliable-udp.yaml"] in p.stderr, p.stderr
    f = write(tmp_path, "same-port.yaml", """
name: same-port
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - juliet: {socket: s, type: udp}
  - juliet: {bind: s, addr: ":5000"}
  - romeo:  {socket: s, type: udp}
  - romeo:  {bind: s, addr: "any:5000"}
  - romeo:  {sendto: s, data: "x", to: "10.10.0.101:5000"}
""")
    p = verona("run", "--local", "loopback", "--out", tmp_path / "b", f)
    assert p.returncode == 2
    assert f"{f}:8:5: romeo binds port 5000 on every address, as juliet does (line 6)" in p.stderr, p.stderr
    assert f"{f}:9:5: the address 10.10.0.101 is written literally" in p.stderr, p.stderr
    f6 = write(tmp_path, "v6.yaml", """
name: v6
hosts: {romeo: "fd00::100", juliet: "fd00::101"}
steps:
  - romeo: {socket: s, type: udp, family: inet6}
""")
    p = verona("run", "--local", "loopback", "--out", tmp_path / "c", f6)
    assert p.returncode == 2 and "IPv6 has one loopback address" in p.stderr, p.stderr
    clash = write(tmp_path, "clash.yaml", """
name: clash
hosts: {romeo: 10.10.0.1, juliet: 10.10.1.1}
steps:
  - romeo: {socket: s, type: udp}
""")
    p = verona("run", "--local", "loopback", "--out", tmp_path / "e", clash)
    assert p.returncode == 2 and "hosts 'romeo' and 'juliet' would share the address" in p.stderr, p.stderr
    # and -j: students would share one stack
    p = verona("grade", "--local", "loopback", "-j", "2", "--submissions", CLASS, "--out", tmp_path / "d",
               EXPERIMENTS / "balcony-tcp.yaml")
    assert p.returncode == 2 and "grade one at a time (-j 1)" in p.stderr, p.stderr


def test_grade_in_a_docker_like_container(tmp_path):
    klass = tmp_path / "class"
    for s in ("reference", "missing-line", "wrong-order"):
        shutil.copytree(CLASS / s, klass / s)
    p = in_container("grade", "-D", "timeout=3", "--submissions", klass, "--out", tmp_path / "grades",
                     EXPERIMENTS / "balcony-tcp.yaml")
    assert p.returncode == 1, p.stdout + p.stderr
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "grades" / "summary.csv", newline=""))}
    assert float(rows["reference"]["score"]) == 10
    assert rows["missing-line"]["ROMEO's speech arrives whole and in order"] == "0"
    assert rows["wrong-order"]["JULIET's answer arrives whole and in order"] == "0"
    for s in rows:
        r = json.loads((tmp_path / "grades" / s / "results.json").read_text())
        assert r["manifest"]["testbed"]["place"] == "loopback"
        # no namespace for programs either: the manifest says they ran under a user id of their own
        sb = r["manifest"]["hosts"]["juliet"]["sandbox"]
        assert sb["level"] == "uid" and sb["uid"] >= 800000, sb


def test_a_shim_the_program_cannot_read_is_said_not_skipped(tmp_path):
    """The dynamic loader skips an LD_PRELOAD file it cannot read without a word, and the program's packets
    would then be 127.0.0.1's, nobody's: the agent says so instead of running it."""
    d = tmp_path / "bin"
    d.mkdir()
    for f in ("verona", "verona-agent", "verona-bind.so"):
        shutil.copy2(ROOT / "bin" / f, d / f)
    os.chmod(d / "verona-bind.so", 0o600)
    f = write(tmp_path, "p.yaml", """
name: p
hosts: {romeo: 10.10.0.100}
steps:
  - romeo: {exec: "true"}
""")
    p = subprocess.run([str(d / "verona"), "run", "--local", "loopback", "--out", str(tmp_path / "r"), str(f)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    r = json.loads((tmp_path / "r" / "results.json").read_text())
    err = __import__("base64").b64decode(r["steps"][0]["result"]["stderr_b64"]).decode()
    assert "cannot read" in err and "verona-bind.so" in err and "loopback" in err, err
