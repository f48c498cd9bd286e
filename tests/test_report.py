"""report.html in a real headless browser (Debian's chromium).

Each test runs an experiment on the local testbed, then loads the page the
run wrote: the DOM chromium builds must hold an arrow per packet of
results.json and a row per check; a screenshot must not be blank; the
browser must log no console message (the page has no script, so any message
is an error: a blocked load, a parse problem); and the page must reference
nothing outside itself.
"""
import base64
import collections
import html.parser
import json
import os
import shutil
import struct
import subprocess
import zlib

import pytest

from conftest import EXPERIMENTS, needs_root, write

pytestmark = needs_root

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_bin():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no chromium: the report's browser test needs Debian's chromium (apt-get install chromium)")


def browse(page, tmp_path, *args, timeout=90):
    """Runs chromium on page with a fresh profile; returns the CompletedProcess."""
    home = tmp_path / f"chromium-{len(list(tmp_path.glob('chromium-*')))}"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"))
    cmd = [chromium_bin(), *CHROMIUM_FLAGS, f"--user-data-dir={home / 'profile'}", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def console_lines(stderr):
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


class Dom(html.parser.HTMLParser):
    """The elements of a page: (tag, attrs, text of its <title> child) in document order."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.stack = []
        self.titles = collections.defaultdict(str)
        self.text = []
        self.feed(text)

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def handle_starttag(self, tag, attrs):
        el = (tag, dict(attrs), len(self.elements))
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), len(self.elements)))

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data):
        self.text.append(data)
        if len(self.stack) >= 2 and self.stack[-1][0] == "title":
            self.titles[self.stack[-2][2]] += data

    def with_class(self, cls, tag=None):
        return [e for e in self.elements
                if cls in e[1].get("class", "").split() and (tag is None or e[0] == tag)]

    def title_of(self, el):
        return self.titles.get(el[2], "")


def packets(results):
    return [p for s in results["steps"] for p in s.get("packets", [])]


def png_pixels(path):
    """Decodes an 8-bit, non-interlaced PNG (what chromium writes): (width, height, channels, rows)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0 and ctype in (0, 2, 4, 6), ihdr
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(idat))
    stride = w * ch
    prev = bytes(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        if f == 0:
            cur = line
        elif f == 2:
            cur = bytes((a + b) & 255 for a, b in zip(line, prev))
        else:
            cur = bytearray(line)
            for i in range(stride):
                a = cur[i - ch] if i >= ch else 0
                b = prev[i]
                if f == 1:
                    cur[i] = (cur[i] + a) & 255
                elif f == 3:
                    cur[i] = (cur[i] + ((a + b) >> 1)) & 255
                else:
                    c = prev[i - ch] if i >= ch else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            cur = bytes(cur)
        rows.append(cur)
        prev = cur
    return w, h, ch, rows


def assert_not_blank(png):
    assert png.exists(), "chromium wrote no screenshot"
    assert png.stat().st_size > 20_000, f"screenshot is only {png.stat().st_size} bytes: blank?"
    w, h, ch, rows = png_pixels(png)
    assert (w, h) == (1200, 2000)
    colours = collections.Counter()
    for y in range(0, h, 4):
        row = rows[y]
        for x in range(0, w, 3):
            colours[row[x * ch:x * ch + min(ch, 3)]] += 1
    total = sum(colours.values())
    background, n = colours.most_common(1)[0]
    assert len(colours) >= 16, f"only {len(colours)} colours in the screenshot"
    assert total - n > total * 0.03, f"{(total - n) / total:.1%} of the screenshot differs from the background"
    # the verdicts' green (or red) and the arrows' dark grey are there
    assert any(c[1] > c[0] + 40 and c[1] > c[2] + 40 for c in colours) or \
        any(c[0] > c[1] + 60 and c[0] > c[2] + 60 for c in colours), "no green or red in the screenshot"


def assert_self_contained(text):
    """Nothing outside the page: no script, link, image, frame; href only to the page's own anchors."""
    dom = Dom(text)
    for tag, attrs, _ in dom.elements:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "base", "audio", "video",
                           "source", "image", "use", "foreignobject", "form"), f"<{tag}> in the page"
        for name, value in attrs.items():
            assert name not in ("src", "srcset", "action", "data", "poster", "xlink:href", "background"), \
                f"<{tag} {name}={value!r}>"
            if name == "href":
                assert value.startswith("#"), f"<{tag} href={value!r}> leaves the page"
            assert not name.startswith("on"), f"<{tag} {name}=...>: an event handler"
            if name == "style" or name == "content":
                assert "url(" not in value.replace("url(#", ""), value
    style = text[text.index("<style>"):text.index("</style>")]
    assert "@import" not in style and "url(" not in style.replace("url(#", "")
    csp = [a for t, a, _ in dom.elements if t == "meta" and a.get("http-equiv", "").lower() == "content-security-policy"]
    assert csp and "default-src 'none'" in csp[0]["content"], "the page says to load nothing"


def check_report(r, tmp_path, expect_status="pass"):
    """The browser test of one run's report.html; returns the DOM chromium built."""
    page = r.out / "report.html"
    assert page.exists(), r.proc.stderr
    assert not list(r.out.glob("report.html.tmp*")), "a temporary file is left"
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert_self_contained(text)

    # the DOM as chromium built it, and its console
    got = browse(page, tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert got.returncode == 0, got.stderr[-2000:]
    assert "</svg>" in got.stdout, "no DOM dumped"
    assert not console_lines(got.stderr), console_lines(got.stderr)
    dom = Dom(got.stdout)

    pk = packets(r.results)
    arrows = dom.with_class("pkt")
    assert len(arrows) == len(pk), f"{len(arrows)} arrows for {len(pk)} packets"
    titles = [dom.title_of(a) for a in arrows]
    for p in pk:
        assert any(p["line"] in t for t in titles), f"no arrow for {p['line']}"
    checks = dom.with_class("check", "tr")
    assert len(checks) == len(r.results["checks"])
    for row, c in zip(checks, r.results["checks"]):
        assert row[1]["data-status"] == c["status"]
    steps = dom.with_class("step", "tr")
    assert len(steps) == len(r.steps)
    ran = [s for s in r.steps if "start_ns" in s.get("result", {})]
    assert len(dom.with_class("stepmark")) == len(ran)
    verdict = dom.with_class("verdict", "span")
    assert verdict and expect_status in verdict[0][1]["class"].split()
    name = r.results["manifest"]["experiment"]["name"]
    assert name in "".join(dom.text)
    for host, h in r.results["manifest"]["hosts"].items():
        assert host in "".join(dom.text) and h["addr"] in "".join(dom.text)

    # a screenshot that shows something
    png = tmp_path / f"{name}.png"
    shot = browse(page, tmp_path, f"--screenshot={png}", "--window-size=1200,2000")
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert_not_blank(png)
    return dom


def kinds(dom):
    return collections.Counter(a[1].get("data-kind") for a in dom.with_class("pkt"))


def test_console_detection_works(tmp_path):
    """The console check would see a blocked load: chromium logs it the way console_lines looks for."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
                    "content=\"default-src 'none'\"></head><body><img src=\"http://192.0.2.1/x.png\">"
                    "<p>hi</p></body></html>")
    got = browse(page, tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom")
    assert "<p>hi</p>" in got.stdout
    assert console_lines(got.stderr), got.stderr[-2000:]


def test_sockets_tcp_report(run, tmp_path):
    r = run(EXPERIMENTS / "sockets-tcp.yaml")
    assert r.exit == 0, r.proc.stderr
    dom = check_report(r, tmp_path)
    k = kinds(dom)
    assert k["rst"] == 1, k            # juliet refuses romeo's first connect
    assert k["retrans"] == 0, k
    assert k["tcp"] == len(packets(r.results)) - 1
    labels = [dom.title_of(a) for a in dom.with_class("pkt")]
    assert any("[S]" in t for t in labels)
    # the arrows' labels: flags, relative seq/ack and length
    page = (r.out / "report.html").read_text()
    assert ">S seq 0<" in page and ">P. seq 1 ack 1 len 51<" in page and ">R. seq 0 ack 1<" in page


def test_three_hosts_report(run, tmp_path):
    r = run(EXPERIMENTS / "three-hosts.yaml")
    assert r.exit == 0, r.proc.stderr
    dom = check_report(r, tmp_path)
    hosts = [e for e in dom.elements if e[0] == "text" and "host" in e[1].get("class", "").split()]
    assert len(hosts) == 3
    assert "not a host" not in (r.out / "report.html").read_text()
    # nurse's data goes to juliet: the arrow of its 17 bytes runs from nurse's column to juliet's
    assert any("len 17" in dom.title_of(a) for a in dom.with_class("pkt"))


MANY = """
name: many-packets
summary: about two hundred packets <i>and</i> a "quoted" & escaped summary
hosts:
  romeo:  10.10.0.100
  juliet: 10.10.0.101
steps:
  - juliet: {socket: srv, type: tcp}
  - juliet: {bind: srv, addr: "juliet:4000"}
  - romeo:  {socket: early, type: tcp}
  - romeo:  {connect: early, addr: "juliet:4000", expect: ECONNREFUSED}
  - juliet: {listen: srv}
  - romeo:  {socket: sock, type: tcp}
  - romeo:  {connect: sock, addr: "juliet:4000"}
  - juliet: {accept: srv, as: conn}
  - romeo:  {sendall: sock, data: {repeat: "0123456789abcdef", count: 13000}, background: true, id: big}
  - juliet: {recvall: conn, size: 208000}
  - romeo:  {wait: big}
  - romeo:  {socket: u, type: udp}
  - juliet: {socket: v, type: udp}
  - juliet: {bind: v, addr: "juliet:5000"}
  - repeat:
      count: 20
      steps:
        - romeo:  {sendto: u, data: "<script>alert(${i})</script>", to: "juliet:5000"}
        - juliet: {recvfrom: v, size: 1024, expect: {data: "<script>alert(${i})</script>"}}
  # nobody listens there: an ICMP port unreachable comes back
  - romeo:  {sendto: u, data: "nobody listens", to: "juliet:5001"}
  - romeo:  {close: sock}
  - juliet: {close: conn}
checks:
  - handshake: romeo.sock
  - stream: {conn: romeo.sock, from: romeo, prefix: {repeat: "0123456789abcdef", count: 13000}}
  - closed: {conn: romeo.sock, first: romeo}
"""


def test_two_hundred_packets(run, tmp_path):
    r = run(write(tmp_path, "many.yaml", MANY))
    assert r.exit == 0, r.proc.stderr
    n = len(packets(r.results))
    assert 150 <= n <= 400, n
    dom = check_report(r, tmp_path)
    k = kinds(dom)
    assert k["udp"] == 21 and k["icmp"] == 1 and k["rst"] == 1, k
    # strings from the experiment are text, never markup
    assert not [e for e in dom.elements if e[0] in ("script", "i")]
    text = "".join(dom.text)
    assert "<script>alert(3)</script>" in text and "<i>and</i>" in text
    # readable: the diagram grows by at least 18 px per packet and stays under 70 px per row
    svg = [e for e in dom.elements if e[0] == "svg" and "ladder" in e[1].get("class", "").split()][0]
    height = float(svg[1]["height"])
    rows = n + len([s for s in r.steps if "start_ns" in s.get("result", {})])
    assert 18 * rows <= height <= 70 * rows, (height, rows)


FAILING = """
name: failing
summary: a step and a check that fail
hosts:
  romeo:  10.10.0.100
  juliet: 10.10.0.101
steps:
  - juliet: {socket: srv, type: tcp}
  - juliet: {bind: srv, addr: "juliet:4000"}
  - juliet: {listen: srv}
  - romeo:  {socket: sock, type: tcp}
  - romeo:  {connect: sock, addr: "juliet:4000"}
  - juliet: {accept: srv, as: conn}
  - romeo:  {send: sock, data: "hello", expect: {ret: 99}}
  - juliet: {recv: conn, size: 1024, expect: {data: "hello"}}
  - romeo:  {close: sock}
  - juliet: {close: conn}
checks:
  - handshake: romeo.sock
  - stream: {conn: romeo.sock, from: romeo, data: "goodbye"}
"""


def test_failures_are_shown(run, tmp_path):
    r = run(write(tmp_path, "failing.yaml", FAILING))
    assert r.exit == 1, r.proc.stderr
    dom = check_report(r, tmp_path, expect_status="fail")
    rows = dom.with_class("check", "tr")
    assert [row[1]["data-status"] for row in rows] == ["pass", "fail"]
    marks = dom.with_class("stepmark")
    assert [m[1]["data-pass"] for m in marks].count("false") == 1
    assert "failrow" in dom.with_class("step", "tr")[6][1]["class"].split()
    text = "".join(dom.text)
    for f in r.step(7)["failures"]:
        assert f in text


PROGRAM = r"""
name: program-output
summary: a program's output, escaped
hosts:
  romeo:  10.10.0.100
  juliet: 10.10.0.101
steps:
  - romeo: {exec: "printf '<b>bold</b> & \\033[1m\\n'; printf 'bad \\377 byte\\n' >&2; exit 3", expect: {exit: 3}}
"""


def test_program_output(run, tmp_path):
    r = run(write(tmp_path, "program.yaml", PROGRAM))
    assert r.results is not None, r.proc.stderr
    assert r.exit == 0, (r.proc.stderr, r.steps)
    dom = check_report(r, tmp_path)
    pres = [e for e in dom.elements if e[0] == "pre" and "output" in e[1].get("class", "").split()]
    assert len(pres) == 2
    text = "".join(dom.text)
    assert "<b>bold</b> & \\x1b[1m" in text
    assert "bad \\xff byte" in text
    page = (r.out / "report.html").read_text()
    assert "<b>bold" not in page and "&lt;b&gt;bold&lt;/b&gt; &amp; \\x1b[1m" in page
    res = r.result(1)
    out = res.get("stdout") or base64.b64decode(res.get("stdout_b64", "")).decode()
    assert out.startswith("<b>bold</b>")
    assert "exit status" in text
    json.dumps(r.results)  # the run's results are plain JSON


def test_report_shows_the_overhead_of_each_protocol(run):
    r = run(EXPERIMENTS / "echo-udp.yaml")
    assert r.exit == 0
    page = (r.out / "report.html").read_text()
    assert '<section id="stats">' in page and "all UDP" in page
    udp = r.results["stats"]["udp"]
    assert udp["packets"] == 6 and f'{udp["overhead"]:.1f}%' in page
