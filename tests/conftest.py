"""Shared fixtures of verona's end-to-end tests.

Every test is checked afterwards for verona network namespaces and
verona-agent processes it left behind; what is left is removed and the test
fails, so one broken test cannot poison the ones after it.
"""
import base64
import json
import os
import pathlib
import shutil
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
VERONA = os.environ.get("VERONA", str(ROOT / "bin" / "verona"))
AGENT = os.environ.get("VERONA_AGENT_BIN", str(ROOT / "bin" / "verona-agent"))
EXPERIMENTS = ROOT / "experiments"

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the local testbed needs root")


def needs_tools(*tools):
    """A mark for tests that need programs (names on PATH, or absolute paths).
    A missing one fails the test, never skips it: make deps installs them
    all, so a missing tool is a broken machine, and a skip would hide it."""
    return pytest.mark.tools(*tools)


def pytest_configure(config):
    config.addinivalue_line("markers", "tools(*names): programs the test needs (make deps installs them)")


def require_tools(*tools):
    missing = [t for t in tools if not (os.path.exists(t) if t.startswith("/") else shutil.which(t))]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: `make deps` installs what the tests need")


@pytest.fixture(autouse=True)
def tools_are_here(request):
    for m in request.node.iter_markers("tools"):
        require_tools(*m.args)


def verona_namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.startswith("verona-")}


def agent_pids():
    out = subprocess.run(["pgrep", "-x", "verona-agent"], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


SCHEMA = json.loads((ROOT / "docs" / "results.schema.json").read_text())


def schema_problems(path):
    """What in a results.json verona wrote does not keep to docs/results.schema.json."""
    import jsonschema  # Debian's python3-jsonschema (make deps)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    try:
        doc = json.loads(path.read_text())
    except ValueError as e:
        return [f"not JSON: {e}"]
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.fixture(autouse=True)
def results_keep_to_the_schema(request):
    """Every results.json a test's verona writes (in a folder verona marked as
    its own run folder) keeps to the written schema."""
    started = time.time()
    folders = [ROOT / "runs"]
    if "tmp_path" in request.fixturenames:
        folders.append(request.getfixturevalue("tmp_path"))
    yield
    bad = {}
    for folder in folders:
        for path in pathlib.Path(folder).glob("**/results.json"):
            # a link is what a test planted (verona writes its files, never through links)
            if path.is_symlink() or not (path.parent / ".verona-run").exists() or \
                    path.stat().st_mtime < started - 1:
                continue
            if problems := schema_problems(path):
                bad[str(path)] = problems[:5]
    assert not bad, f"results.json not as docs/results.schema.json says: {bad}"


@pytest.fixture(autouse=True)
def no_leftovers():
    # VERONA_TEST_SHARED=1: other runs share this machine (several sessions
    # testing at once); their namespaces cannot be told from ours, so leave
    # the check to the runs that have the machine to themselves (CI).
    if os.environ.get("VERONA_TEST_SHARED"):
        yield
        return
    before_ns, before_agents = verona_namespaces(), agent_pids()
    yield
    deadline = time.time() + 2
    while time.time() < deadline:
        left_ns = verona_namespaces() - before_ns
        left_agents = agent_pids() - before_agents
        if not left_ns and not left_agents:
            return
        time.sleep(0.05)
    for ns in left_ns:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    for pid in left_agents:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    assert not left_ns, f"namespaces left behind: {left_ns}"
    assert not left_agents, f"verona-agent processes left behind: {left_agents}"


def verona(*args, timeout=120, **kw):
    return subprocess.run([VERONA, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, **kw)


class Run:
    """One `verona run` and what it wrote."""

    def __init__(self, proc, out):
        self.proc = proc
        self.out = out
        self.exit = proc.returncode
        path = out / "results.json"
        self.results = json.loads(path.read_text()) if path.exists() else None
        t = out / "transcript.txt"
        self.transcript = t.read_text() if t.exists() else ""
        # the agents' stderr: empty unless something went wrong (sanitizer reports land here)
        self.agent_logs = {p.name: p.read_text() for p in out.glob("agent-*.log")} if out.exists() else {}

    @property
    def steps(self):
        return self.results["steps"]

    def step(self, number):
        s = self.steps[number - 1]
        assert s["number"] == number
        return s

    def result(self, number):
        return self.step(number)["result"]

    def data(self, number):
        return base64.b64decode(self.result(number).get("data", ""))

    def error(self, number):
        return self.result(number).get("error")

    def seconds(self, number):
        r = self.result(number)
        return (r["end_ns"] - r["start_ns"]) / 1e9


@pytest.fixture
def run(tmp_path):
    counter = [0]

    def _run(experiment, *extra, timeout=120):
        counter[0] += 1
        out = tmp_path / f"run{counter[0]}"
        proc = verona("run", "--quiet", "--out", out, *extra, experiment, timeout=timeout)
        r = Run(proc, out)
        for name, text in r.agent_logs.items():
            assert "Sanitizer" not in text and "runtime error" not in text, f"{name}:\n{text}"
        return r

    return _run


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p
