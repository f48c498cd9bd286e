"""The tutorial runs (experiments/sockets-tcp.yaml and sockets-udp.yaml) are
valgrind-clean for both binaries: the controller and both agents end with no
error (no invalid read or write, no use of uninitialised memory) and no
definite leak.  The agents run under valgrind through $VERONA_AGENT, a
wrapper the test writes.  Skipped against the sanitizer build (ASan and
valgrind do not mix); `make test` runs it against the release build."""
import os
import re
import subprocess

import pytest

from conftest import AGENT, EXPERIMENTS, VERONA, needs_root, needs_tools

pytestmark = [
    needs_root,
    needs_tools("valgrind"),
    pytest.mark.skipif("san" in os.environ.get("VERONA_BUILD", ""), reason="valgrind cannot run ASan builds"),
]

VG = ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
      "--show-leak-kinds=definite"]


def summaries(path):
    """{pid: text} of one valgrind log, split by process."""
    by_pid = {}
    for line in path.read_text().splitlines():
        m = re.match(r"==(\d+)== ?(.*)", line)
        if m:
            by_pid.setdefault(int(m.group(1)), []).append(m.group(2))
    return {pid: "\n".join(lines) for pid, lines in by_pid.items()}


def assert_clean(name, text):
    assert "ERROR SUMMARY: 0 errors" in text, f"{name}:\n{text[-6000:]}"
    assert "definitely lost: 0 bytes" in text or "All heap blocks were freed" in text, f"{name}:\n{text[-6000:]}"
    assert "Invalid read" not in text and "Invalid write" not in text, f"{name}:\n{text[-6000:]}"


@pytest.mark.parametrize("experiment", ["sockets-tcp.yaml", "sockets-udp.yaml"])
def test_tutorial_run_is_valgrind_clean(tmp_path, experiment):
    vg = tmp_path / "vg"
    vg.mkdir()
    wrap = tmp_path / "agent-under-valgrind"
    wrap.write_text("#!/bin/sh\nexec " + " ".join(VG) + f" --log-file={vg}/agent-%p.log {AGENT} \"$@\"\n")
    wrap.chmod(0o755)
    p = subprocess.run([*VG, f"--log-file={vg}/controller.log", VERONA, "run", "--quiet", "--out",
                        str(tmp_path / "out"), str(EXPERIMENTS / experiment)],
                       capture_output=True, text=True, timeout=300, env={**os.environ, "VERONA_AGENT": str(wrap)})
    assert p.returncode == 0, p.stdout + p.stderr
    # the controller (its own pid is the first in its log)
    ctl = summaries(vg / "controller.log")
    assert ctl, "valgrind wrote nothing for the controller"
    for pid, text in ctl.items():
        assert_clean(f"controller (pid {pid})", text)
    agents = sorted(vg.glob("agent-*.log"))
    assert len(agents) == 2, agents
    for log in agents:
        for pid, text in summaries(log).items():
            assert_clean(f"{log.name} (pid {pid})", text)
