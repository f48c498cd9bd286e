"""CPython as the oracle for verona's step semantics (issue 12).

Two halves in one file:

- the *driver*, `python3 oracle.py serve`, runs inside one host's network
  namespace under Debian's /usr/bin/python3.  It reads one step a line (JSON)
  on stdin, executes the step's Python line (the `python` field verona wrote
  in results.json) with the real socket module, and answers with the result
  rendered the way verona renders a result (the exception's type name and
  text, or the repr of the value; a socket as `<socket fd=N>`).
- the *harness*, imported by tests/test_oracle.py: brings up the same
  namespaces (`verona up`), starts one driver per host, replays the steps in
  verona's order, and compares each step's result text with verona's full
  result (results.json, not the display: data is never cut).  Its own code
  normalises only ephemeral port numbers and file-descriptor numbers.

How a verona line becomes Python:
- `ID = start(lambda: STMT)` (a background step) runs STMT in a thread;
  `ID.join()` (a wait step) joins it and gives its value or raises its
  exception.  Before the next step is sent, the driver waits until the
  thread is blocked in a system call (or done), as the agent makes the call
  once before it reports the step started.
- `recv_all(sock, n)` / `recv_all(sock)` is the seeds' helper (prelude below).
- data cut for display in the line (`b'...'... (N bytes)`) is replaced by
  the step's full data from results.json's args.
- a literal ephemeral port verona's run chose (a `sendto` back to a client)
  is replaced by the port the replay's socket got for the same step.
- a step-level `timeout:` (verona gives up waiting; the call is abandoned)
  has no Python equivalent: the driver emulates it by waiting for the
  step's thread that long and then reporting `TimeoutError: timed out`; the
  thread stays blocked in its call (a difference: it may still take data
  that arrives later).  When the socket has a timeout of its own
  (settimeout), the driver waits for the call itself, as verona lets a
  longer socket timeout win.
"""
import ast
import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

# ----------------------------------------------------------------------------
# the driver (inside a namespace)
# ----------------------------------------------------------------------------

SYS_FUTEX = 202		# x86_64: a thread waiting for the GIL sits in futex


def recv_all(sock, length=None):
    """The seeds' recv_all: `length` bytes (EOFError if the stream ends
    first), or everything up to the end of the stream."""
    data = b""
    while length is None or len(data) < length:
        more = sock.recv(65536 if length is None else min(65536, length - len(data)))
        if not more:
            if length is None:
                break
            raise EOFError("socket closed")
        data += more
    return data


class Step(threading.Thread):
    """One step's call, run in a thread: its value or its exception."""

    def __init__(self, fn, deadline, sock):
        super().__init__(daemon=True)
        self.fn, self.deadline, self.sock = fn, deadline, sock
        self.value, self.exc = None, None

    def run(self):
        try:
            self.value = self.fn()
        except BaseException as e:  # noqa: B902 - every exception is a result
            self.exc = e

    def join(self, timeout=None):
        """The wait step (`ID.join()`): the step's value, or its exception;
        TimeoutError once the step's own timeout passed (see the docstring)."""
        if timeout is not None:
            return super().join(timeout)
        own = isinstance(self.sock, socket.socket) and self.sock.gettimeout() is not None
        super().join(None if own else max(0.0, self.deadline - time.monotonic()))
        if self.is_alive():
            raise TimeoutError("timed out")
        if self.exc is not None:
            raise self.exc
        return self.value


def render(v):
    """A value as verona shows it: a socket as <socket fd=N>, else repr."""
    if isinstance(v, socket.socket):
        return f"<socket fd={v.fileno()}>"
    if isinstance(v, tuple):
        return "(" + ", ".join(render(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


def render_exc(e):
    t = type(e)
    name = t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"
    return f"{name}: {e}"


def statement(src, env):
    """A function that runs one Python statement in env and returns its
    value (an assignment's right-hand side, an expression's value)."""
    node = ast.parse(src, mode="exec").body[0]
    if isinstance(node, ast.Assign):
        rhs = compile(ast.Expression(node.value), "<step>", "eval")
        store = ast.Module([ast.Assign(node.targets, ast.Name("_v", ast.Load()))], [])
        ast.fix_missing_locations(store)
        store = compile(store, "<step>", "exec")

        def fn():
            v = eval(rhs, env)
            env["_v"] = v
            exec(store, env)
            return v
        return fn
    if isinstance(node, ast.Expr):
        expr = compile(ast.Expression(node.value), "<step>", "eval")
        return lambda: eval(expr, env)
    code = compile(ast.Module([node], []), "<step>", "exec")
    return lambda: exec(code, env)


def blocked(th):
    """The thread is done, or sleeps in a system call other than futex."""
    if not th.is_alive():
        return True
    try:
        with open(f"/proc/self/task/{th.native_id}/syscall") as f:
            first = f.read().split()[0]
    except (OSError, IndexError, TypeError):
        return False
    return first not in ("running", str(SYS_FUTEX))


def local_of(env, name):
    s = env.get(name)
    if not isinstance(s, socket.socket) or s.fileno() < 0:
        return None
    try:
        a = s.getsockname()
    except OSError:
        return None
    return list(a[:2]) if isinstance(a, tuple) else None


BG = re.compile(r"^(\w+) = start\(lambda: (.*)\)$", re.S)


def serve():
    env = {"socket": socket, "time": time, "struct": struct, "recv_all": recv_all}
    for line in sys.stdin:
        req = json.loads(line)
        src = req["python"]
        if req.get("data") is not None:
            env["_data"] = base64.b64decode(req["data"])
        m = BG.match(src) if req["background"] else None
        body = m.group(2) if m else src
        sock = env.get(req.get("socket") or "")
        th = Step(statement(body, env), time.monotonic() + req["timeout"], sock)
        th.start()
        reply = {}
        if m:
            env[m.group(1)] = th
            t0 = time.monotonic()
            while not blocked(th) and time.monotonic() - t0 < 1:
                time.sleep(0.002)
        else:
            try:
                reply["text"] = render(th.join())
            except BaseException as e:  # noqa: B902
                reply["text"] = render_exc(e)
        reply["local"] = local_of(env, req.get("socket") or "")
        print(json.dumps(reply), flush=True)


# ----------------------------------------------------------------------------
# the harness (in the test process)
# ----------------------------------------------------------------------------

CUT = re.compile(r"""b(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\.\.\. \(\d+ bytes\)""")
ADDR_PORT = re.compile(r"""\('([^']*)', (\d+)""")


def addr_text(a):
    if ":" in a["ip"]:
        return f"('{a['ip']}', {a['port']}, 0, 0)"
    return f"('{a['ip']}', {a['port']})"


def addrinfo_text(e):
    fam = {2: "AF_INET", 10: "AF_INET6"}.get(e["family"], "?")
    kind = {1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW"}.get(e["type"], "?")
    return (f"(<AddressFamily.{fam}: {e['family']}>, <SocketKind.{kind}: {e['type']}>, {e['proto']}, "
            f"{e['canonname']!r}, {addr_text(e['addr'])})")


def verona_text(result):
    """A step's full result (results.json) as text, the way verona shows it
    but uncut: the error's Python line, the data's repr, the value."""
    if "agent_error" in result:
        return "agent error: " + result["agent_error"]
    if not result.get("ok"):
        return result["python"]
    if "data" in result:
        d = repr(base64.b64decode(result["data"]))
        if "from" not in result:
            return d
        return f"({d}, {addr_text(result['from']) if result['from'] is not None else None})"
    if "as" in result:
        return f"(<socket fd=?>, {addr_text(result['peer'])})"
    if "fd" in result:
        return f"<socket fd={result['fd']}>"
    ret = result.get("ret")
    if isinstance(ret, int) and not isinstance(ret, bool):
        return str(ret)
    if isinstance(ret, float):
        return repr(ret)
    if isinstance(ret, str):
        return repr(ret)
    if isinstance(ret, list):		# getaddrinfo's entries
        return "[" + ", ".join(addrinfo_text(e) for e in ret) + "]"
    if isinstance(ret, dict):
        return addr_text(ret)
    return "None"


def normalise(text, lo, hi):
    """Only two things: ephemeral ports (lo..hi) in addresses, fd numbers."""
    text = re.sub(r"fd=(\d+|\?)", "fd=N", text)
    return ADDR_PORT.sub(lambda m: f"('{m.group(1)}', " +
                         ("EPHEMERAL" if lo <= int(m.group(2)) <= hi else m.group(2)), text)


def step_timeouts(path):
    """{(line, col): seconds} of the steps that set `timeout:` (as literals)."""
    import yaml
    out = {}
    root = yaml.compose(open(path).read())
    steps = next((v for k, v in root.value if k.value == "steps"), None) if root else None
    for node in (steps.value if steps is not None else []):
        mapping = node
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1 and \
                isinstance(node.value[0][1], yaml.MappingNode):
            mapping = node.value[0][1]
        if not isinstance(mapping, yaml.MappingNode):
            continue
        for k, v in mapping.value:
            if k.value == "timeout" and re.fullmatch(r"[0-9.]+", str(v.value)):
                out[(node.start_mark.line + 1, node.start_mark.column + 1)] = float(v.value)
    return out


class Testbed:
    """`verona up FILE` … `verona down ID`, with a driver per host."""

    def __init__(self, verona, path):
        self.verona, self.path = verona, path
        self.id, self.ns, self.drivers = None, {}, {}

    def __enter__(self):
        p = subprocess.run([self.verona, "up", str(self.path)], capture_output=True, text=True, timeout=60)
        m = re.search(r"testbed (\w+) is up", p.stdout)
        if m:
            self.id = m.group(1)
        if p.returncode != 0 or not m:
            self.__exit__(None, None, None)
            raise AssertionError(f"verona up {self.path}: exit {p.returncode}\n{p.stdout}{p.stderr}")
        for host, ns in re.findall(r"^\s+(\S+)\s+\S+\s+ip netns exec (\S+) ", p.stdout, re.M):
            self.ns[host] = ns
        return self

    def driver(self, host):
        if host not in self.drivers:
            self.drivers[host] = subprocess.Popen(
                # the host's own name in a UTS namespace, as verona's agent (and its programs) has it
                ["ip", "netns", "exec", self.ns[host], "unshare", "--uts", "sh", "-c",
                 'hostname "$0" && exec /usr/bin/python3 -u "$1" serve', host, os.path.abspath(__file__)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self.drivers[host]

    def ask(self, host, req):
        """One step to the host's driver; its reply."""
        d = self.driver(host)
        d.stdin.write(json.dumps(req) + "\n")
        d.stdin.flush()
        line = d.stdout.readline()
        if not line:
            raise AssertionError(f"the CPython driver on {host} ended (exit {d.wait()}) at: {req['python']}")
        return json.loads(line)

    def port_range(self, host):
        out = subprocess.run(["ip", "netns", "exec", self.ns[host], "cat", "/proc/sys/net/ipv4/ip_local_port_range"],
                             capture_output=True, text=True).stdout.split()
        return int(out[0]), int(out[1])

    def __exit__(self, *exc):
        for d in self.drivers.values():
            try:
                d.stdin.close()
            except OSError:
                pass
            try:
                d.wait(timeout=5)
            except subprocess.TimeoutExpired:
                d.kill()
                d.wait()
        if self.id:
            subprocess.run([self.verona, "down", self.id], capture_output=True, timeout=60)


def replay(verona, path, results):
    """Replays results.json's steps in CPython; returns [(number, python line,
    verona's text, CPython's text)] for every step, both normalised."""
    timeouts = step_timeouts(path)
    ports = {}		# verona's ephemeral port -> the replay's
    out, pending = [], {}
    with Testbed(verona, path) as tb:
        lo, hi = tb.port_range(next(iter(tb.ns)))
        for st in results["steps"]:
            if st.get("host") is None:		# a top-level sleep: the controller waits
                time.sleep(st["args"].get("seconds", 0) if isinstance(st.get("args"), dict) else 0)
                out.append((st["number"], st["python"], "None", "None"))
                continue
            line = CUT.sub("_data", st["python"])
            line = ADDR_PORT.sub(lambda m: f"('{m.group(1)}', {ports.get(int(m.group(2)), int(m.group(2)))}", line)
            data = st.get("args", {}).get("data") if isinstance(st.get("args"), dict) else None
            req = {"python": line, "background": st["background"], "socket": st.get("socket"),
                   "timeout": timeouts.get((st["line"], st["col"]), 5.0),
                   "data": data if "_data" in line else None}
            reply = tb.ask(st["host"], req)
            local = st["result"].get("local")
            if reply.get("local") and local and lo <= local["port"] <= hi:
                ports[local["port"]] = reply["local"][1]
            if st["background"]:
                pending[st.get("id")] = len(out)
                out.append([st["number"], st["python"], verona_text(st["result"]), None])
                continue
            if st["op"] == "wait":
                i = pending.get(st["python"].split(".", 1)[0])
                if i is not None and out[i][3] is None:
                    out[i][3] = reply["text"]
            out.append((st["number"], st["python"], verona_text(st["result"]), reply["text"]))
        # background steps nobody waited for: collected at the end
        for bid, i in pending.items():
            if out[i][3] is None:
                host = results["steps"][out[i][0] - 1]["host"]
                out[i][3] = tb.ask(host, {"python": f"{bid}.join()", "background": False, "socket": None,
                                          "timeout": 30, "data": None})["text"]
    return [(n, py, normalise(v, lo, hi), normalise(c, lo, hi)) for n, py, v, c in out]


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
