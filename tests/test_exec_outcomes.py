"""What a student's program did, said truly (issue 12): output past the
step's output_limit keeps its head and its tail, so a correct program that
prints megabytes of debug output keeps its points, and a failure on cut
output says so; a program that crashed shows its exit status and the last
lines of its stderr (also when a kill finds it ended); a program or script
that is not there is said as CPython says it, with the files that were;
and `ready: {port}` counts a server only where a peer can reach it."""
import base64
import json

from conftest import EXPERIMENTS, ROOT, needs_root, verona, write

pytestmark = needs_root

SUBS = ROOT / "tests" / "exec-submissions"
KiB = 1 << 10


def record(r, number):
    s = r.step(number)
    return s, s.get("shown", ""), " ".join(s.get("failures", []))


def test_a_correct_program_with_2_7_mb_of_debug_output_keeps_every_point(tmp_path):
    """Both sides of the balcony print 2.7 MB of debug lines on stdout and on
    stderr between their first and their last lines: before, verona kept the
    first 1 MiB only, the last lines were lost and so were the points."""
    out = tmp_path / "chatty"
    p = verona("grade", "--submission", SUBS / "balcony-chatty", "--out", out,
               EXPERIMENTS / "balcony-tcp.yaml", timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads((out / "gradescope.json").read_text())["score"] == 10
    res = json.loads((out / "results.json").read_text())
    execs = [s for s in res["steps"] if s["op"] == "exec"]
    assert len(execs) == 2
    for s in execs:
        r = s["result"]
        for key in ("stdout", "stderr"):
            assert r[f"{key}_len"] > 2_700_000 and r[f"{key}_truncated"] is True, (s["host"], key)
            assert len(base64.b64decode(r[f"{key}_b64"])) == 1 << 20
            assert r[f"{key}_cut_at"] == 512 * KiB
        kept = base64.b64decode(r["stdout_b64"])
        assert b"She speaks:" in kept[:512 * KiB], s["host"]
        assert b"And I'll no longer be a Capulet." in kept[512 * KiB:], s["host"]


PRINTS = "print('START'); print('x' * 299990); print('DONE')"      # 300002 bytes


def test_output_limit_keeps_head_and_tail_and_a_failure_on_cut_output_says_so(run, tmp_path):
    exp = write(tmp_path, "cut.yaml", f"""name: cut
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{exec: [python3, -c, "{PRINTS}"], output_limit: 64K, expect: {{stdout_regex: "START.*DONE"}}}}
  - lab: {{exec: [python3, -c, "{PRINTS}"], output_limit: 64 KiB, expect: {{stdout: "START"}}}}
  - lab: {{exec: [python3, -c, "{PRINTS}"], output_limit: 1M}}
""")
    r = run(exp)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    first, _, fails = record(r, 1)
    assert first["pass"] is True, fails                    # the head and the tail were both kept
    res = first["result"]
    kept = base64.b64decode(res["stdout_b64"])
    assert res["stdout_len"] == 300002 and len(kept) == 64 * KiB and res["stdout_cut_at"] == 32 * KiB
    assert kept.startswith(b"START\n") and kept.endswith(b"DONE\n")
    _, _, fails = record(r, 2)
    assert "stdout differs at byte" in fails
    assert "(stdout was 300.0 kB; verona kept the first and last 32 KiB)" in fails, fails
    third, _, _ = record(r, 3)
    assert third["pass"] is True and third["result"]["stdout_truncated"] is False
    assert "stdout_cut_at" not in third["result"]
    assert len(base64.b64decode(third["result"]["stdout_b64"])) == 300002

    bad = write(tmp_path, "bad.yaml", "name: bad\nhosts: {lab: 127.0.0.1}\nsteps:\n"
                "  - lab: {exec: [true], output_limit: 100}\n  - lab: {exec: [true], output_limit: 2 GiB}\n")
    p = verona("validate", bad)
    assert p.returncode == 2, p.stdout + p.stderr
    assert "output_limit must be a size from 1 KiB to 16 MiB (bytes, or with K, KiB, M, MiB), not '100'" in p.stderr
    assert "not '2 GiB'" in p.stderr


def test_a_crashed_program_shows_its_exit_and_the_end_of_its_stderr(run, tmp_path):
    """Before: "(no result) [killed]" for a server that had crashed with a
    traceback before the kill, and only the last line for a program that ran."""
    exp = write(tmp_path, "crash.yaml", f"""name: crash
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{put: "{SUBS / 'crash' / 'crash.py'}"}}
  - lab: {{exec: "python3 crash.py 4000", background: true, id: server, ready: {{port: 4000, timeout: 3}}}}
  - lab: {{kill: server}}
  - lab: {{exec: "python3 crash.py 5000"}}
""")
    r = run(exp)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    server, shown, fails = record(r, 2)
    assert server["state"] == "killed" and server["pass"] is False
    assert shown.startswith("exit 1 (") and "; stderr ends: " in shown, shown
    assert 'crash.py", line 6, in <module> | raise ValueError("bad port: " + sys.argv[1]) | ' \
           'ValueError: bad port: 4000' in shown, shown
    assert "the program exited with status 1; its last error line: ValueError: bad port: 4000" in fails
    _, kill, kfails = record(r, 3)
    assert kill.startswith("None  (it had already ended: exit 1 (") and "ValueError: bad port: 4000" in kill
    assert "ValueError: bad port: 4000" in kfails
    _, shown, _ = record(r, 4)
    assert shown.startswith("exit 1 (") and shown.endswith("ValueError: bad port: 5000"), shown
    assert "(no result)" not in r.transcript


def test_a_missing_program_or_script_is_said_as_cpython_says_it(run, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "serve.py").write_text("print('hello')\n")
    exp = write(tmp_path, "missing.yaml", f"""name: missing
hosts: {{lab: 127.0.0.1}}
steps:
  - lab: {{put: "{tmp_path / 'sub'}"}}
  - lab: {{exec: "python3 server.py 4000"}}
  - lab: {{exec: [./server, "4000"]}}
  - lab: {{exec: "python3 -u server.py", background: true, id: bg}}
  - lab: {{wait: bg}}
  - lab: {{exec: "python3 serve.py"}}
  - lab: {{exec: "exit 3", expect: {{exit: 3}}}}
""")
    r = run(exp)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    said = ("FileNotFoundError: [Errno 2] No such file or directory: '{}' "
            "(the work directory holds: serve.py)")
    for number, name in ((2, "server.py"), (3, "./server"), (4, "server.py")):
        s, shown, fails = record(r, number)
        assert s["result"]["missing"] == name and s["result"]["workdir_files"] == ["serve.py"]
        assert said.format(name) in shown, shown
        assert fails == "the program could not start: " + said.format(name), fails
    _, shown, _ = record(r, 5)                              # the wait shows it too
    assert said.format("server.py") in shown
    for number in (6, 7):                                   # there, or a shell builtin: nothing missing
        s, shown, _ = record(r, number)
        assert s["pass"] is True and "missing" not in s["result"], shown
    assert "Errno 0" not in r.proc.stdout and "OSError" not in r.proc.stdout


def test_a_misnamed_submission_file_is_named_with_the_files_that_were_there(tmp_path):
    out = tmp_path / "misnamed"
    p = verona("grade", "-D", "timeout=3", "--submission", SUBS / "echo-misnamed", "--out", out,
               EXPERIMENTS / "echo-server-tcp.yaml", timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr          # lost points, not a harness error
    res = json.loads((out / "results.json").read_text())
    put, server = res["steps"][0], res["steps"][1]
    assert ("FileNotFoundError: [Errno 2] No such file or directory: 'echo_server_tcp.py' "
            f"({SUBS / 'echo-misnamed'} holds: echo_server.py)") in " ".join(put["failures"])
    assert "the program could not start: FileNotFoundError: [Errno 2] No such file or directory: " \
           "'echo_server_tcp.py' (the work directory is empty)" in server["failures"]
    assert json.loads((out / "gradescope.json").read_text())["score"] == 0


def test_ready_means_reachable_from_a_peer(run, tmp_path):
    serve = "import socket,time; s=socket.socket(); s.bind(('{}', {})); s.listen(); time.sleep(30)"
    exp = write(tmp_path, "ready.yaml", f"""name: ready
hosts: {{romeo: 10.10.0.100, juliet: 10.10.0.101}}
steps:
  - juliet: {{exec: [python3, -c, "{serve.format('127.0.0.1', 4000)}"], background: true, id: lo,
             ready: {{port: 4000, timeout: 3}}, timeout: 20}}
  - juliet: {{exec: [python3, -c, "{serve.format('', 4001)}"], background: true, id: every,
             ready: {{port: 4001, timeout: 3}}, timeout: 20}}
  - juliet: {{exec: [python3, -c, "{serve.format('127.0.0.1', 4002)}"], background: true, id: asked,
             ready: {{port: "localhost:4002", timeout: 3}}, timeout: 20}}
  - juliet: {{exec: [python3, -c, "{serve.format('10.10.0.101', 4003)}"], background: true, id: own,
             ready: {{port: "juliet:4003", timeout: 3}}, timeout: 20}}
  - romeo:  {{socket: c, type: tcp}}
  - romeo:  {{connect: c, addr: "juliet:4000", expect: ECONNREFUSED}}
  - juliet: {{kill: lo}}
  - juliet: {{kill: every}}
  - juliet: {{kill: asked}}
  - juliet: {{kill: own}}
""")
    r = run(exp)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    why = "listening on 127.0.0.1:4000 only; no other host can reach it"
    lo, _, fails = record(r, 1)
    assert lo["result"]["ready"] is False and lo["result"]["ready_reason"] == why
    assert fails == f"the program was not ready ({why})"
    for number in (2, 3, 4):
        s, _, fails = record(r, number)
        assert s["result"]["ready"] is True and s["pass"] is True, (number, fails)
    assert record(r, 6)[0]["pass"] is True                 # romeo indeed cannot reach it
    # the line printed as the run goes says it too
    p = verona("run", "--out", tmp_path / "loud", exp, timeout=120)
    assert f"(running, but not ready: {why})" in p.stdout, p.stdout + p.stderr


def test_the_localhost_only_echo_server_says_why_no_client_reached_it(tmp_path):
    out = tmp_path / "lo"
    p = verona("grade", "-D", "timeout=3", "--submission", ROOT / "tests" / "submissions" / "echo-server-tcp" /
               "localhost-only", "--out", out, EXPERIMENTS / "echo-server-tcp.yaml", timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    res = json.loads((out / "results.json").read_text())
    server = res["steps"][1]
    assert server["failures"] == ["the program was not ready (listening on 127.0.0.1:65432 only; "
                                  "no other host can reach it)"]
    assert json.loads((out / "gradescope.json").read_text())["score"] == 0
