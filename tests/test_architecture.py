"""The shape docs/architecture.md promises, checked on the sources: files a
newcomer can read (no controller file over 800 lines, no function over 150),
one table per concept (no operation name compared as a string outside the
controller's table, no message type compared as a string outside the wire
protocol's table)."""
import json
import pathlib
import re
import shutil
import subprocess

from conftest import ROOT, needs_root

DIRS = ("agent", "common", "controller", "pcap")
OPERATIONS = ("socket", "bind", "listen", "accept", "connect", "send", "sendall", "sendto", "recv", "recvall",
              "recvfrom", "shutdown", "close", "setsockopt", "settimeout", "getsockname", "getpeername", "exec",
              "put", "wait", "kill", "sleep")


def sources(*dirs):
    for d in dirs:
        yield from sorted((ROOT / d).glob("*.c"))


def functions(path):
    """(name, first line, length in lines) of each function defined at the
    left margin, OpenBSD style (the type on the line before the name)."""
    lines = path.read_text().split("\n")
    start = name = None
    for i, line in enumerate(lines):
        m = re.match(r"^([A-Za-z_]\w*)\(", line)
        if m and start is None and not line.rstrip().endswith(";") and i > 0 and lines[i - 1].strip():
            start, name = i, m.group(1)
        elif line == "}" and start is not None:
            yield name, start + 1, i - start + 1
            start = None


def test_function_finder_finds_functions():
    """The measure below must see real functions, or it would pass on anything."""
    found = {name: n for name, _, n in functions(ROOT / "controller" / "ops.c")}
    assert "ops_find" in found and 3 < found["ops_find"] < 30, found


def test_no_controller_file_over_800_lines():
    big = {p.name: n for p in sources("controller") if (n := len(p.read_text().split("\n")) - 1) > 800}
    assert not big, f"controller files over 800 lines: {big}"


def test_no_function_over_150_lines():
    long = [f"{p.relative_to(ROOT)}:{line}: {name} ({n} lines)"
            for p in sources(*DIRS) for name, line, n in functions(p) if n > 150]
    assert not long, "functions over 150 lines:\n" + "\n".join(long)


def test_no_operation_name_compared_outside_the_table():
    pattern = re.compile(r'str(?:n?case)?n?cmp\s*\(([^;]*?)"(' + "|".join(OPERATIONS) + r')"')
    found = []
    for p in sources("controller"):
        if p.name == "ops.c":
            continue
        for k, line in enumerate(p.read_text().split("\n"), 1):
            m = pattern.search(line)
            if m and re.search(r"\bop\b|->op\b|\.op\b|op->name|\bname\b", m.group(1)):
                found.append(f"{p.name}:{k}: {line.strip()}")
    assert not found, "operation names compared as strings:\n" + "\n".join(found)


def message_types():
    """The wire's message types, as common/proto.c names them."""
    text = (ROOT / "common" / "proto.c").read_text()
    names = re.findall(r'\[MSG_[A-Z_]+\] = "([a-z_]+)"', text)
    assert len(names) >= 17 and "hello" in names and "capture_chunk" in names, names
    return names


def test_no_message_type_compared_outside_the_protocol_table():
    """Frames are decoded once (common/proto.c) and dispatched on an enum:
    nothing else compares a frame's type with a name."""
    pattern = re.compile(r'str(?:n)?cmp\s*\([^;]*"(' + "|".join(message_types()) + r')"')
    found = [f"{p.relative_to(ROOT)}:{k}: {line.strip()}"
             for p in sources("agent", "controller", "common") if p.name != "proto.c"
             for k, line in enumerate(p.read_text().split("\n"), 1)
             if pattern.search(line) and re.search(r"\btype\b", line)]
    assert not found, "message types compared as strings:\n" + "\n".join(found)


# -- adding an operation and a check, as docs/architecture.md says ----------

OP_FILE = """/* op-fileno.c — n = sock.fileno(): the socket's descriptor (a test's operation). */
#include "agent.h"

static enum op_status
op_fileno_run(struct agent *a, struct task *t)
{
	(void)a;
	task_ok(t, json_integer(t->sock->fd));
	return OP_DONE;
}

const struct op_entry op_fileno_entry = {
	.name = "fileno", .uses_socket = 1, .run = op_fileno_run,
};
"""

CHECK_FILE = """/* check-connections.c — connections: {min: N, max: M}: how many TCP connections the trace holds (a test's check). */
#include "check.h"
#include "conn.h"

const struct trace_check_key check_connections_keys[] = {
	{ "min", TRACE_ARG_COUNT }, { "max", TRACE_ARG_COUNT }, { NULL, 0 },
};

void
check_connections(const struct trace_check_ctx *x, const struct trace_check *c, struct trace_verdict *v)
{
	long long n = (long long)x->conns->ntcp;
	if (c->has_max && n > c->max)
		trace_verdict_say(v, 1, "%lld connections, more than %lld", n, c->max);
	else if (c->has_min && n < c->min)
		trace_verdict_say(v, 1, "%lld connections, fewer than %lld", n, c->min);
	else
		trace_verdict_say(v, 0, "%lld connections", n);
}
"""

EXPERIMENT = """name: added-as-documented
hosts:
  romeo: 10.10.0.100
  juliet: 10.10.0.101
steps:
  - juliet: {socket: srv, type: tcp}
  - juliet: {bind: srv, addr: "juliet:4300"}
  - juliet: {listen: srv}
  - romeo: {socket: c, type: tcp}
  - romeo: {fileno: c}
  - romeo: {connect: c, addr: "juliet:4300"}
  - juliet: {accept: srv, as: conn}
  - romeo: {close: c}
  - juliet: {close: conn}
checks:
  - connections: {min: 1, max: 1}
  - connections: {min: 2}
"""


def edit(path, anchor, text, before=False):
    """Inserts text after (or before) the one place anchor is in path."""
    s = path.read_text()
    assert s.count(anchor) == 1, f"{path}: the anchor {anchor!r} docs/architecture.md relies on moved"
    path.write_text(s.replace(anchor, text + anchor if before else anchor + text))


def copy_tree(dst):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split("\n")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file() and not name.startswith("tests/corpus/"):
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / name)


def add_operation(tree):
    (tree / "agent" / "op-fileno.c").write_text(OP_FILE)
    edit(tree / "agent" / "op.c", "extern const struct op_entry op_exec_entry",
         "extern const struct op_entry op_fileno_entry;\n", before=True)
    edit(tree / "agent" / "op.c", "static const struct op_entry *const op_table[] = {\n", "\t&op_fileno_entry,\n")
    edit(tree / "controller" / "ops.h", "\tOP__COUNT", "\tOP_FILENO,\n", before=True)
    edit(tree / "controller" / "ops.c", "static const struct op_schema op_schemas[] = {\n",
         '\tROW(OP_FILENO, "fileno", OPERAND_SOCKET, args_none, keys_plain, AGENT, CALL, ADDRESS, 0,\n'
         "\t    py_line_method, py_result_call),\n")


def add_check(tree):
    (tree / "pcap" / "check-connections.c").write_text(CHECK_FILE)
    edit(tree / "pcap" / "check.h", "\tTRACE_CHECK__COUNT\n", "\tTRACE_CHECK_CONNECTIONS,\n", before=True)
    edit(tree / "pcap" / "check.c", "const struct trace_check_def trace_check_table[TRACE_CHECK__COUNT] = {\n",
         "extern const struct trace_check_key check_connections_keys[];\n"
         "void check_connections(const struct trace_check_ctx *, const struct trace_check *, struct trace_verdict *);\n\n",
         before=True)
    edit(tree / "pcap" / "check.c", "const struct trace_check_def trace_check_table[TRACE_CHECK__COUNT] = {\n",
         '\t{ TRACE_CHECK_CONNECTIONS, "connections", TRACE_CONN_NONE, check_connections_keys, check_connections },\n')


@needs_root
def test_an_operation_and_a_check_added_as_documented(tmp_path):
    """One file and one row on the agent's side, one id and one row on the
    controller's: the new operation loads, runs, shows its Python line and
    its result, and is judged like any call.  One id, one row and one file in
    pcap/: the new check is read by the loader (its keys from the row), and
    decided, printed and kept like any other."""
    tree = tmp_path / "tree"
    copy_tree(tree)
    add_operation(tree)
    add_check(tree)
    b = subprocess.run(["make", "-j2", "all"], cwd=tree, capture_output=True, text=True, timeout=600)
    assert b.returncode == 0, b.stderr[-3000:]
    exp = tmp_path / "added.yaml"
    exp.write_text(EXPERIMENT)
    p = subprocess.run([str(tree / "bin" / "verona"), "run", "--quiet", "--out", str(tmp_path / "out"), str(exp)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    verdicts = [(c["check"], c["status"], c["message"]) for c in results["checks"]]
    assert verdicts == [("connections", "pass", "1 connections"),
                        ("connections", "fail", "1 connections, fewer than 2")], verdicts
    assert "check" in p.stdout and "connections" in p.stdout and "FAIL" in p.stdout, p.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXPERIMENT.replace("{min: 2}", "{min: 2, most: 3}"))
    v = subprocess.run([str(tree / "bin" / "verona"), "validate", str(bad)], capture_output=True, text=True)
    assert v.returncode == 2 and "most" in v.stderr and "min, max" in v.stderr, v.stderr
    assert all(s["pass"] for s in results["steps"]), results["steps"]
    step = next(s for s in results["steps"] if s["op"] == "fileno")
    assert step["python"] == "c.fileno()" and step["pass"] is True and step["shown"] == str(step["result"]["ret"]), step
    assert isinstance(step["result"].get("ret"), int) and step["result"]["ret"] > 2, step
