"""Each record of results.json's steps[] keeps its keys in the order readers
and golden files rely on, on every path a step can take: a step judged with
its packets, a top-level sleep (host null), a background step collected by a
wait (shown after collected_by), one killed (never shown), one collected at
the end, and steps whose packets cannot be told (no "pass", "undecidable"
last).  The record is typed in the controller and built into JSON in one
place (model_step_json); these runs pin what that place writes."""
from conftest import needs_root, write

pytestmark = needs_root

HEAD = ["number", "host", "op", "line", "col", "python", "background"]

STEPS = """
  - lab: {{socket: u, type: udp}}
  - lab: {{sendto: u, data: "x", to: "localhost:{port}", expect: {{packets: [UDP]}}}}
  - sleep: 0.05
  - lab: {{exec: "sleep 0.3", background: true, id: x, expect: {{packets: none}}}}
  - lab: {{exec: "sleep 3", background: true, id: y, expect: {{packets: none}}}}
  - lab: {{wait: x}}
  - lab: {{kill: y}}
  - lab: {{exec: "sleep 0.2", background: true, id: z, expect: {{packets: none}}}}
"""


def experiment(tmp_path, name, capture=""):
    text = f"name: {name}\nhosts: {{lab: 127.0.0.1}}\nsteps:{STEPS.format(port=5999)}{capture}"
    return write(tmp_path, f"{name}.yaml", text)


def keys(rec):
    return list(rec.keys())


def test_step_records_keep_their_keys_in_order_on_every_path(run, tmp_path):
    r = run(experiment(tmp_path, "records-order"))
    assert r.results is not None, r.proc.stdout + r.proc.stderr
    s = r.steps
    assert keys(s[0]) == HEAD + ["socket", "args", "result", "shown", "failures", "pass"]
    # the packets come after the verdict: localhost answers the datagram with an ICMP unreachable
    assert keys(s[1]) == HEAD + ["socket", "args", "result", "shown", "failures", "pass", "packets"]
    assert s[1]["pass"] is False and s[1]["failures"] == ["expected UDP on the wire, saw UDP, ICMP-UNREACH"]
    # a top-level sleep: host null, no args
    assert keys(s[2]) == HEAD + ["result", "shown", "failures", "pass"] and s[2]["host"] is None
    # collected by a wait: its state where "running" was, shown after collected_by
    assert keys(s[3]) == HEAD + ["id", "args", "state", "result", "failures", "pass", "collected_by", "shown"]
    assert s[3]["state"] == "collected" and s[3]["collected_by"] == 6
    # killed: never shown
    assert keys(s[4]) == HEAD + ["id", "args", "state", "result", "failures", "pass", "collected_by"]
    assert s[4]["state"] == "killed" and s[4]["collected_by"] == 7
    assert keys(s[5]) == HEAD + ["args", "result", "shown", "failures", "pass"]
    assert s[5]["shown"] == s[3]["shown"]            # the wait shows the collected step's result
    # left to the end: collected then, judged on its own
    assert keys(s[7]) == HEAD + ["id", "args", "state", "result", "shown", "failures", "pass"]
    assert s[7]["state"] == "collected at the end" and s[7]["pass"] is True


def test_undecidable_steps_say_so_last_and_never_pass(run, tmp_path):
    r = run(experiment(tmp_path, "records-undecidable", "capture: {on: []}\n"))
    assert r.exit == 3, r.proc.stdout + r.proc.stderr
    s = r.steps
    why = ["the packets on the wire cannot be told: no host captured"]
    assert keys(s[1]) == HEAD + ["socket", "args", "result", "shown", "failures", "undecidable"]
    assert s[1]["failures"] == why and s[1]["undecidable"] is True
    assert keys(s[3]) == HEAD + ["id", "args", "state", "result", "failures", "collected_by", "shown",
                                 "undecidable"]
    assert keys(s[4]) == HEAD + ["id", "args", "state", "result", "failures", "collected_by", "undecidable"]
    assert keys(s[7]) == HEAD + ["id", "args", "state", "result", "shown", "failures", "undecidable"]
    assert all("pass" not in s[i] for i in (1, 3, 4, 7))
    assert "pass" in s[0] and "undecidable" not in s[0]   # a step without expect: packets is decided


def test_a_wait_prints_what_it_collected_as_that_step_shows_it(run, tmp_path):
    """The line printed for a wait shows the collected program's result as
    results.json does (before, a program that failed was printed as the wait's
    own call: "OSError: [Errno 0] Success")."""
    exp = write(tmp_path, "wait-shows.yaml", "name: wait-shows\nhosts: {lab: 127.0.0.1}\nsteps:\n"
                "  - lab: {exec: [./missing-program], background: true, id: m}\n"
                "  - lab: {wait: m}\n")
    r = run(exp)
    assert r.exit == 1, r.proc.stdout + r.proc.stderr
    wait = r.steps[1]
    assert wait["shown"].startswith("exit 127"), wait
    line = next(l for l in r.proc.stdout.splitlines() if "m.join()" in l)
    assert wait["shown"] in line and "OSError" not in line, line
