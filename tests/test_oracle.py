"""CPython is the oracle for verona's step semantics (issue 12), as tshark is
for the dissector.

Each experiment below runs with the real `bin/verona run`; then the Python
lines of its results.json are replayed in real /usr/bin/python3 interpreters
(Debian's CPython 3.11), one per host, inside namespaces with the same
topology and addresses (`verona up`, removed with `verona down` also when the
test fails), in the same order, background steps in threads (tests/oracle.py
says how each line is run).  Every step's result text must be the same; the
only normalisation is of ephemeral port numbers and file-descriptor numbers.

Replayed: every socket-only experiment of experiments/ (found by listing the
folder: a new one is replayed without being named here), and every probe
in tests/probes/ (the seven causes of issue 12, and edge cases of sends,
receives, timeouts, shutdowns, reconnects, backlogs, families and options).

Left out of experiments/, and why (the test fails when this list is stale):
- sockets-tcp.checks.yaml: a checks file for `verona check`, not an experiment;
- balcony-tcp, balcony-udp, echo-server-tcp, echo-server-udp, http-get,
  name-server, reliable-udp, sensor, struct-binary, udp-backoff: they run
  students' programs (`exec`) or copy files (`put`), which are not socket
  calls CPython can replay line by line.

Nothing is expected to fail: every difference is a bug.
"""
import json

import pytest

import oracle
from conftest import EXPERIMENTS, ROOT, VERONA, needs_root, verona

pytestmark = needs_root

PROBES = ROOT / "tests" / "probes"

NOT_REPLAYED = {
    "sockets-tcp.checks.yaml": "a checks file, not an experiment",
    **{f"{n}.yaml": "runs programs (exec) or copies files (put)" for n in (
        "balcony-tcp", "balcony-udp", "echo-server-tcp", "echo-server-udp", "http-get",
        "name-server", "reliable-udp", "sensor", "struct-binary", "udp-backoff")},
}

def socket_only(path):
    """The file is an experiment whose steps are all socket calls."""
    import yaml
    doc = yaml.safe_load(path.read_text())
    steps = doc.get("steps") if isinstance(doc, dict) else None
    if not steps:
        return False
    for step in steps:
        body = next(iter(step.values())) if isinstance(step, dict) and len(step) == 1 else step
        if isinstance(body, dict) and ("exec" in body or "put" in body):
            return False
    return True


REPLAYED = sorted(p.name for p in EXPERIMENTS.glob("*.yaml") if socket_only(p))


def test_the_list_of_experiments_left_out_is_current():
    left_out = {p.name for p in EXPERIMENTS.glob("*.yaml")} - set(REPLAYED)
    assert left_out == set(NOT_REPLAYED), \
        "experiments/ changed: replay the new experiment or say in NOT_REPLAYED why not"


def cases():
    for name in REPLAYED:
        yield pytest.param(EXPERIMENTS / name, id=name)
    for p in sorted(PROBES.glob("*.yaml")):
        yield pytest.param(p, id="probes/" + p.name)


def short(text, n=120):
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


@pytest.mark.parametrize("path", cases())
def test_every_step_as_cpython_does_it(path, tmp_path):
    out = tmp_path / "run"
    p = verona("run", "--quiet", "--out", out, path, timeout=120)
    assert p.returncode in (0, 1) and (out / "results.json").exists(), \
        f"verona run {path.name}: exit {p.returncode}\n{p.stdout}{p.stderr}"
    for log in out.glob("agent-*.log"):		# the sanitizer pass reports here
        text = log.read_text()
        assert "Sanitizer" not in text and "runtime error" not in text, f"{log.name}:\n{text}"
    results = json.loads((out / "results.json").read_text())
    rows = oracle.replay(VERONA, path, results)
    assert len(rows) == len(results["steps"])
    differ = [r for r in rows if r[2] != r[3]]
    assert not differ, f"{path.name}: {len(differ)} of {len(rows)} steps differ from CPython:\n" + "\n".join(
        f"  step {n}: {short(py)}\n    verona:  {short(v)}\n    CPython: {short(c)}" for n, py, v, c in differ)


# ---- host names in students' programs (exec): what CPython sees on that host

NAMES_PROGRAM = """
import socket
print(socket.gethostname())
print(socket.gethostbyname('juliet'), socket.gethostbyname(socket.gethostname()))
print(socket.getaddrinfo('romeo', 4000, type=socket.SOCK_STREAM)[0][4])
try:
    socket.gethostbyname('crisewing.com')
except socket.gaierror as e:
    print(repr(e))
"""


@pytest.mark.parametrize("level", ["full", "uid", "none"])
def test_a_program_resolves_the_hosts_and_has_its_hosts_name(run, tmp_path, level):
    """A program run by an exec step, at every sandbox level, has its host's
    name (gethostname), resolves the experiment's host names, and no other
    (socket.gaierror -2, at once: there is no DNS); the hosts files the
    testbed wrote under /etc/netns are gone after the run."""
    import base64
    import pathlib
    (tmp_path / "names.py").write_text(NAMES_PROGRAM)
    f = tmp_path / "names.yaml"
    f.write_text(f"""
hosts: {{romeo: 10.10.0.100, juliet: 10.10.0.101}}
steps:
  - juliet: {{put: names.py}}
  - juliet: {{exec: "/usr/bin/python3 names.py", timeout: 10}}
""")
    r = run(f, "--sandbox", level)
    assert r.exit == 0, r.proc.stdout + r.proc.stderr
    res = r.result(2)
    assert base64.b64decode(res.get("stdout_b64", "")).decode() == (
        "juliet\n10.10.0.101 10.10.0.101\n('10.10.0.100', 4000)\n"
        "gaierror(-2, 'Name or service not known')\n"), base64.b64decode(res.get("stderr_b64", "")).decode()
    assert res["seconds"] < 5
    # this run's own namespaces (other runs may share the machine: VERONA_TEST_SHARED)
    mine = {h["namespace"] for h in r.results["manifest"]["hosts"].values()}
    assert len(mine) == 2 and all(ns.startswith("verona-") for ns in mine), mine
    left = {ns for ns in mine if (pathlib.Path("/etc/netns") / ns).exists()}
    assert not left, f"hosts files left in /etc/netns: {left}"


def test_a_resolver_failure_is_judged_as_socket_gaierror(run, tmp_path):
    """`expect: gaierror` passes for a name that does not resolve and fails,
    saying so, for one that does; a step expecting success that meets a
    resolver failure names socket.gaierror (not an errno)."""
    f = tmp_path / "gai.yaml"
    f.write_text("""
hosts: {romeo: 10.10.0.100, juliet: 10.10.0.101}
steps:
  - romeo: {gethostbyname: nowhere.example, expect: gaierror}
  - romeo: {gethostbyname: juliet, expect: gaierror}
  - romeo: {getaddrinfo: nowhere.example, port: 80}
  - romeo: {getaddrinfo: juliet, port: 80, expect: {errno: gaierror}}
""")
    r = run(f)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    assert [s["pass"] for s in r.steps] == [True, False, False, False]
    assert "expected socket.gaierror, but the call succeeded" in r.transcript
    assert "expected success, got socket.gaierror: [Errno -2] Name or service not known" in r.transcript
