"""The shape docs/architecture.md promises, checked on the sources: files a
newcomer can read (no controller file over 800 lines, no function over 150),
one table per concept (no operation name compared as a string outside the
controller's table, no message type compared as a string outside the wire
protocol's table)."""
import pathlib
import re

from conftest import ROOT

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
