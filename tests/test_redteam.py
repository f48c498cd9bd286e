"""Red team: attacks of a hostile student on verona's containment that the
rest of the suite did not cover, each a real submission under
tests/hostile/<attack>/ graded by the real `verona grade` on the local
testbed.

- tests/hostile/tty-inject: the instructor runs `verona grade` in a
  terminal.  The program opens /dev/tty (its controlling terminal, shared
  with the agent that started it), writes onto it and types a command into
  it with TIOCSTI, which the instructor's shell would run after verona.
- tests/hostile/keyring-thief: the kernel keyrings are not namespaced.  The
  program reads every key of the session keyring it inherits from whoever
  started verona, and leaves a key there for the next student's program.
"""
import base64
import ctypes
import json
import os
import pathlib
import pty
import select
import shutil
import signal
import tempfile
import time
import uuid

import pytest

from conftest import EXPERIMENTS, ROOT, VERONA, needs_root

pytestmark = needs_root

HOSTILE = ROOT / "tests" / "hostile"
BALCONY = EXPERIMENTS / "balcony-tcp.yaml"


@pytest.fixture
def work():
    d = pathlib.Path(tempfile.mkdtemp(prefix="verona-redteam-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def stderr_of(results):
    """Everything the student's programs wrote to stderr, over every exec step."""
    text = ""
    for s in results["steps"]:
        res = s.get("result") or {}
        if "stderr_b64" in res:
            text += base64.b64decode(res["stderr_b64"]).decode(errors="replace")
    return text


def verona_on_a_terminal(args, timeout):
    """Runs verona as the session leader of a new pseudo-terminal, as an
    instructor's shell would; returns (exit status, everything the terminal
    showed).  Killed (and the test failed) past timeout."""
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execv(VERONA, [VERONA, *map(str, args)])
        finally:
            os._exit(127)
    shown, deadline = b"", time.time() + timeout
    try:
        while time.time() < deadline:
            r, _, _ = select.select([master], [], [], 1)
            if not r:
                continue
            try:
                d = os.read(master, 65536)
            except OSError:         # EIO: every holder of the terminal is gone
                break
            if not d:
                break
            shown += d
        else:
            os.kill(pid, signal.SIGINT)
            pytest.fail(f"verona still runs after {timeout} s")
    finally:
        _, st = os.waitpid(pid, 0)
        os.close(master)
    return os.waitstatus_to_exitcode(st), shown.decode(errors="replace")


def test_a_program_cannot_write_onto_or_type_into_the_instructors_terminal(work):
    out = work / "grades"
    code, shown = verona_on_a_terminal(["grade", "-D", "timeout=8", "--submission", HOSTILE / "tty-inject",
                                        "--out", out, BALCONY], timeout=240)
    results = json.loads((out / "results.json").read_text())
    said = stderr_of(results)
    assert "tty:" in said, said                             # it did try, on both hosts
    assert "REDTEAM-TTY-WRITTEN" not in shown, shown        # nothing it wrote reached the terminal
    assert "REDTEAM-TTY-TYPED" not in shown, shown          # nor anything it typed (echoed as typed)
    assert "tty: opened /dev/tty" not in said, said
    # and the exercise, done honestly after the attack, is still graded in full
    assert results["grading"]["score"] == 10, (code, results["grading"])


# ---------------------------------------------------------------- keyrings

SYS_ADD_KEY, SYS_KEYCTL = 248, 250          # x86_64
KEYCTL_JOIN_SESSION_KEYRING = 1
SESSION = -3


def in_a_session_keyring_holding(secret):
    """A preexec_fn: the child joins a new session keyring of its own (as a
    login's pam_keyinit or a systemd service gives one) holding secret."""
    name = f"verona-redteam-{uuid.uuid4().hex[:8]}".encode()

    def enter():
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syscall(SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, name) < 0:
            os._exit(120)
        if libc.syscall(SYS_ADD_KEY, b"user", b"instructor-token", secret.encode(), len(secret),
                        ctypes.c_int(SESSION)) < 0:
            os._exit(121)
    return enter


def test_a_program_cannot_read_the_session_keyring_nor_leave_keys_for_the_next_student(work):
    import subprocess
    secret = "sesame-" + uuid.uuid4().hex
    cls = work / "class"
    shutil.copytree(HOSTILE / "keyring-thief", cls / "first")
    shutil.copytree(HOSTILE / "keyring-thief", cls / "second")
    out = work / "grades"
    # one after the other, in the one keyring verona runs in
    p = subprocess.run([VERONA, "grade", "-D", "timeout=8", "--submissions", str(cls), "-j", "1",
                        "--out", str(out), str(BALCONY)], capture_output=True, text=True, timeout=300,
                       preexec_fn=in_a_session_keyring_holding(secret))
    assert p.returncode not in (120, 121), "the test could not make its session keyring"
    said = {s: stderr_of(json.loads((out / s / "results.json").read_text())) for s in ("first", "second")}
    assert "keyring:" in said["first"] and "keyring:" in said["second"], said    # they did try
    for s in said.values():
        assert secret not in s, said                        # the instructor's key stays unread
        assert "instructor-token" not in s, said            # not even seen
        assert "found a note" not in s, said                # nothing left by a program before it
    for s in ("first", "second"):
        assert json.loads((out / s / "results.json").read_text())["grading"]["score"] == 10, p.stdout


# ---------------------------------------------------------------- terminal escapes

def test_a_programs_output_cannot_drive_the_instructors_terminal(work):
    out = work / "grades"
    code, shown = verona_on_a_terminal(["grade", "-D", "timeout=8", "--submission",
                                        HOSTILE / "terminal-escapes", "--out", out, BALCONY], timeout=240)
    results = json.loads((out / "results.json").read_text())
    assert "REDTEAM-TITLE" in stderr_of(results)            # it did print them
    transcript = (out / "transcript.txt").read_text(errors="replace")
    for where, text in (("the terminal", shown), ("transcript.txt", transcript)):
        assert "\x1b]" not in text, f"an OSC sequence (title, clipboard) reached {where}: {text!r}"
        assert "\x1b[1A" not in text and "\x1b[2K" not in text, f"cursor moves reached {where}: {text!r}"
        assert "\u009b" not in text, f"an 8-bit CSI reached {where}: {text!r}"
    # the failure is still named, with what is harmless of the line
    assert "the program exited with status 1" in shown and "REDTEAM-TITLE" in shown, shown
    assert results["grading"]["score"] < 10


# ---------------------------------------------------------------- forged files (reliable-udp)

RUDP = EXPERIMENTS / "reliable-udp.yaml"


@pytest.mark.parametrize("attack", ["rudp-hardlink", "rudp-symlink"])
def test_links_in_the_work_directory_do_not_pass_the_file_comparison(work, attack):
    """The receiver links received.bin and sent.bin before verona puts the
    reference file as sent.bin: nothing was sent, so "the received file
    equals the sent one" must fail, and the score is no more than exiting 0
    twice (2 of the 5 rubric points, scaled to 10)."""
    import subprocess
    out = work / "grades"
    p = subprocess.run([VERONA, "grade", "-D", "timeout=6", "--submission", str(HOSTILE / attack),
                        "--out", str(out), str(RUDP)], capture_output=True, text=True, timeout=300)
    results = json.loads((out / "results.json").read_text())
    said = stderr_of(results)
    assert "link" in said, (said, p.stdout)                 # it did plant its link
    items = {i["name"]: i for i in results["grading"]["items"]}
    equal = items["the received file equals the sent one"]
    assert equal["status"] != "pass", (equal, p.stdout)
    assert results["grading"]["score"] <= 4 + 1e-9, results["grading"]
