"""verona's packet dissection (pcap/dissect.c) against tshark as an
independent oracle, packet by packet, through `verona stats --packets`.

Captures come from three places: made here with tcpdump on loopback while a
small Python client and server exchange TCP and UDP over 127.0.0.1 and ::1
(captured as Ethernet on lo, as Linux cooked v1 and v2 on "any", and
rewritten here into BSD loopback NULL/LOOP, raw IP and LINKTYPE_IPV4 files);
made on the real local testbed (`verona up`, tcpdump on juliet's eth0,
traffic between romeo and juliet); and a handful of files of the tcpdump
corpus chosen for their link types, VLAN tags, IPv6 extension headers and
ICMP errors.
"""
import collections
import os
import pathlib
import re
import select
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import EXPERIMENTS, ROOT, require_tools, verona
from conftest import needs_tools as needs_tools_mark

CORPUS = pathlib.Path(os.environ.get("VERONA_CORPUS", ROOT / "tests" / "corpus" / "tcpdump-tests"))
PYTHON = "/usr/bin/python3"     # Debian's, for the traffic (any python3 would do)

needs_tools = needs_tools_mark("tshark", "tcpdump")
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="capturing needs root")

TSHARK_FIELDS = [
    "frame.number", "frame.protocols", "ip.src", "ip.dst", "ip.len", "ip.hdr_len",
    "ipv6.src", "ipv6.dst", "ipv6.plen",
    "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.len",
    "tcp.hdr_len", "tcp.window_size_value", "tcp.options.mss_val", "tcp.options.wscale.shift",
    "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
    "tcp.options.sack_le", "tcp.options.sack_re",
    "udp.srcport", "udp.dstport", "udp.length",
    "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
]

# tshark's protocol names for verona's transport protocol numbers
PROTO_NAMES = {1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6", 89: "ospf", 47: "gre", 50: "esp",
               51: "ah", 2: "igmp", 103: "pim", 112: "vrrp", 132: "sctp"}


def tshark_packets(path):
    """{frame number: {field: [values]}} as tshark dissects the file, with
    reassembly off so that each packet stands alone."""
    cmd = ["tshark", "-n", "-r", str(path), "-T", "fields",
           "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "tcp.desegment_tcp_streams:FALSE", "-o", "tcp.relative_sequence_numbers:FALSE",
           "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=;"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rows = {}
    for line in p.stdout.splitlines():
        values = line.split("\t")
        row = {f: (values[i].split(";") if i < len(values) and values[i] else [])
               for i, f in enumerate(TSHARK_FIELDS)}
        rows[int(row["frame.number"][0])] = row
    return rows


PACKET_LINE = re.compile(r"^(\d+) (.*?) \| (.*)$")


def verona_packets(path):
    """{number: {field: value, "text": line}} from `verona stats --packets`."""
    p = verona("stats", "--packets", path)
    assert p.returncode == 0, p.stderr
    assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, p.stderr
    rows = {}
    for line in p.stdout.splitlines():
        m = PACKET_LINE.match(line)
        assert m, f"not a --packets line: {line!r}"
        row = dict(kv.split("=", 1) for kv in m.group(2).split())
        row["text"] = m.group(3)
        rows[int(m.group(1))] = row
    return rows


def first(row, field):
    v = row[field]
    return v[0] if v else None


def compare(path):
    """Compares every packet verona dissected as ok with tshark.  Returns
    (packets compared, mismatches, Counter of what was compared)."""
    t = tshark_packets(path)
    v = verona_packets(path)
    assert len(v) == len(t), f"{path}: verona read {len(v)} packets, tshark {len(t)}"
    compared, bad, seen = 0, [], collections.Counter()
    for n, vr in sorted(v.items()):
        if vr["status"] != "ok":
            continue
        tr = t[n]
        protos = (first(tr, "frame.protocols") or "").split(":")
        layers = sum(1 for x in protos if x in ("ip", "ipv6"))
        quote = vr["quote"] != "-"
        if (layers < 2) if quote else (layers != 1):
            continue        # a tunnel (or a quote tshark did not read): not comparable field by field
        errs = []

        def eq(what, ours, theirs):
            if str(ours) != str(theirs):
                errs.append(f"{what}: verona {ours}, tshark {theirs}")

        v6 = vr["ipv"] == "6"
        ip = "ipv6" if v6 else "ip"
        eq("src", vr["src"], first(tr, f"{ip}.src"))
        eq("dst", vr["dst"], first(tr, f"{ip}.dst"))
        if v6:
            plen = first(tr, "ipv6.plen")
            if plen not in (None, "0"):
                eq("ip length", vr["iplen"], int(plen) + 40)
        else:
            eq("ip length", vr["iplen"], first(tr, "ip.len"))
            eq("ip header", vr["iphdr"], first(tr, "ip.hdr_len"))
        proto = int(vr["proto"])
        name = PROTO_NAMES.get(proto)
        if name is not None and vr["frag"] in ("0/1", "1/1"):
            eq("protocol", name in protos, True)
        frag_first = vr["frag"] == "1/1"
        if vr["frag"] not in ("0/1", "1/1"):
            seen["fragment"] += 1
        elif proto == 6:
            eq("sport", vr["sport"], first(tr, "tcp.srcport"))
            eq("dport", vr["dport"], first(tr, "tcp.dstport"))
            flags = first(tr, "tcp.flags")
            eq("flags", int(vr["flags"], 16), int(flags, 16) & 0xff if flags else None)
            eq("seq", vr["seq"], first(tr, "tcp.seq_raw"))
            if int(vr["flags"], 16) & 0x10:
                eq("ack", vr["ack"], first(tr, "tcp.ack_raw"))
            if not frag_first:      # tshark gives no length to a first fragment
                eq("tcp len", vr["len"], first(tr, "tcp.len"))
            eq("tcp header", vr["thdr"], first(tr, "tcp.hdr_len"))
            eq("window", vr["win"], first(tr, "tcp.window_size_value"))
            opts = dict((o.split(":", 1) + [""])[:2] for o in vr["opts"].split(",") if o != "-")
            eq("mss", opts.get("mss"), first(tr, "tcp.options.mss_val"))
            eq("wscale", opts.get("ws"), first(tr, "tcp.options.wscale.shift"))
            tsval = first(tr, "tcp.options.timestamp.tsval")
            eq("timestamps", opts.get("ts"),
               f"{tsval}:{first(tr, 'tcp.options.timestamp.tsecr')}" if tsval else None)
            sacks = [f"{le}-{re_}" for le, re_ in zip(tr["tcp.options.sack_le"], tr["tcp.options.sack_re"])]
            eq("sack blocks", opts.get("sack"), "/".join(sacks) if sacks else None)
            seen["tcp"] += 1
            seen["sack"] += bool(sacks)
        elif proto == 17:
            eq("sport", vr["sport"], first(tr, "udp.srcport"))
            eq("dport", vr["dport"], first(tr, "udp.dstport"))
            eq("udp length", vr["udplen"], first(tr, "udp.length"))
            if not frag_first:
                eq("udp payload", int(vr["len"]), int(first(tr, "udp.length") or 0) - 8)
            seen["udp"] += 1
        elif proto in (1, 58):
            k = "icmp" if proto == 1 else "icmpv6"
            eq("icmp type/code", vr["icmp"], f"{first(tr, k + '.type')}/{first(tr, k + '.code')}")
            seen[k] += 1
            if quote:
                qsrc, qsport, qdst, qdport, qproto = vr["quote"].split(",")
                eq("quoted src", qsrc, tr[f"{ip}.src"][1])
                eq("quoted dst", qdst, tr[f"{ip}.dst"][1])
                qname = {"6": "tcp", "17": "udp"}.get(qproto)
                if qname:
                    eq("quoted ports", (qsport, qdport),
                       (first(tr, f"{qname}.srcport"), first(tr, f"{qname}.dstport")))
                seen[k + " error"] += 1
        else:
            seen["other"] += 1
        compared += 1
        if errs:
            bad.append((n, errs, vr["text"]))
    return compared, bad, seen


# -- captures made here ------------------------------------------------------

# The traffic: `server FAMILY ADDR PORT` serves one TCP connection (answers
# each chunk with its first 100 bytes) and three UDP datagrams; `client`
# sends them, then a datagram to PORT+1, where nothing listens (ICMP port
# unreachable).
TRAFFIC = r'''
import socket, sys, time
role, family, addr, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
fam = socket.AF_INET6 if family == "6" else socket.AF_INET
MESSAGES = [b"But, soft! what light through yonder window breaks?", b"x" * 3000,
            bytes(range(256)) * 40]
if role == "server":
    t = socket.socket(fam, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind((addr, port))
    t.listen(1)
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((addr, port))
    t.settimeout(20)
    u.settimeout(20)
    print("ready", flush=True)
    c, _ = t.accept()
    c.settimeout(20)
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d[:100])
    c.close()
    t.close()
    for i in range(3):
        d, peer = u.recvfrom(65536)
        u.sendto(d.upper(), peer)
    u.close()
else:
    c = socket.create_connection((addr, port), timeout=20)
    for m in MESSAGES:
        c.sendall(m)
        time.sleep(0.05)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.settimeout(5)
    for m in (b"hello", b"", b"y" * 1200):
        u.sendto(m, (addr, port))
        u.recvfrom(65536)
    v = socket.socket(fam, socket.SOCK_DGRAM)
    v.connect((addr, port + 1))
    v.send(b"anyone there?")
    v.settimeout(2)
    try:
        v.recv(100)
    except (ConnectionRefusedError, socket.timeout):
        pass
'''


def free_port_pair(family=socket.AF_INET, addr="127.0.0.1"):
    """A port P with P and P+1 free for TCP and UDP (on this host)."""
    for _ in range(50):
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.bind((addr, 0))
            port = s.getsockname()[1]
        if port >= 65000:
            continue
        try:
            for p in (port, port + 1):
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    with socket.socket(family, kind) as s:
                        s.bind((addr, p))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port pair")


class Tcpdump:
    """tcpdump writing a file, started and ready (it said 'listening on')."""

    def __init__(self, path, iface, bpf, linktype=None, prefix=()):
        args = [*prefix, "tcpdump", "-i", iface, "-n", "-U", "--immediate-mode", "-Z", "root",
                "-w", str(path)]
        if linktype:
            args += ["-y", linktype]
        args.append(bpf)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline, seen = time.time() + 10, b""
        while b"listening on" not in seen:
            left = deadline - time.time()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"tcpdump did not start: {seen.decode(errors='replace')}")
            ready, _, _ = select.select([self.proc.stderr], [], [], left)
            if ready:
                chunk = os.read(self.proc.stderr.fileno(), 4096)
                if not chunk:
                    continue
                seen += chunk

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()


def run_traffic(script, family, addr, port, server_prefix=(), client_prefix=()):
    server = subprocess.Popen([*server_prefix, PYTHON, str(script), "server", family, addr, str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.strip() == "ready", server.stderr.read()
        client = subprocess.run([*client_prefix, PYTHON, str(script), "client", family, addr, str(port)],
                                capture_output=True, text=True, timeout=60)
        assert client.returncode == 0, client.stderr
        assert server.wait(timeout=30) == 0, server.stderr.read()
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
        server.stdout.close()
        server.stderr.close()


def read_pcap(path):
    """(linktype, [(sec, frac, wirelen, data)]) of a classic pcap file."""
    raw = pathlib.Path(path).read_bytes()
    magic = raw[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(endian + "I", raw[20:24])[0] & 0x0fffffff
    records, off = [], 24
    while off + 16 <= len(raw):
        sec, frac, caplen, wirelen = struct.unpack(endian + "IIII", raw[off:off + 16])
        records.append((sec, frac, wirelen, raw[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return linktype, records


def write_pcap(path, linktype, records):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, linktype))
        for sec, frac, wirelen, data in records:
            f.write(struct.pack("<IIII", sec, frac, len(data), wirelen) + data)


def rewrite_link(src, dst, linktype, header, only_v4=False):
    """Rewrites an Ethernet capture with another link header: header(ethertype)
    gives the bytes to put in front of the IP packet."""
    lt, records = read_pcap(src)
    assert lt == 1
    out = []
    for sec, frac, wirelen, data in records:
        etype = struct.unpack(">H", data[12:14])[0]
        if only_v4 and etype != 0x0800:
            continue
        h = header(etype)
        out.append((sec, frac, wirelen - 14 + len(h), h + data[14:]))
    write_pcap(dst, linktype, out)


AF_HOST = {0x0800: 2, 0x86dd: 24}


@pytest.fixture(scope="module")
def loopback_captures():
    if os.geteuid() != 0:
        pytest.skip("capturing needs root")
    require_tools("tshark", "tcpdump")
    with tempfile.TemporaryDirectory(prefix="verona-test-dissect-") as d:
        d = pathlib.Path(d)
        script = d / "traffic.py"
        script.write_text(TRAFFIC)
        port = free_port_pair()
        port6 = free_port_pair(socket.AF_INET6, "::1")
        bpf = f"port {port} or port {port + 1} or port {port6} or port {port6 + 1} or icmp or icmp6"
        files = {"EN10MB": d / "lo.pcap", "LINUX_SLL": d / "any-sll.pcap",
                 "LINUX_SLL2": d / "any-sll2.pcap"}
        dumps = []
        try:
            dumps.append(Tcpdump(files["EN10MB"], "lo", bpf))
            dumps.append(Tcpdump(files["LINUX_SLL"], "any", bpf, "LINUX_SLL"))
            dumps.append(Tcpdump(files["LINUX_SLL2"], "any", bpf, "LINUX_SLL2"))
            run_traffic(script, "4", "127.0.0.1", port)
            run_traffic(script, "6", "::1", port6)
            time.sleep(0.5)
        finally:
            for t in dumps:
                t.stop()
        files["NULL"] = d / "null.pcap"
        rewrite_link(files["EN10MB"], files["NULL"], 0, lambda e: struct.pack("<I", AF_HOST[e]))
        files["NULL-swapped"] = d / "null-be.pcap"
        rewrite_link(files["EN10MB"], files["NULL-swapped"], 0,
                     lambda e: struct.pack(">I", {0x0800: 2, 0x86dd: 30}[e]))
        files["LOOP"] = d / "loop.pcap"
        rewrite_link(files["EN10MB"], files["LOOP"], 108,
                     lambda e: struct.pack(">I", {0x0800: 2, 0x86dd: 28}[e]))
        files["RAW"] = d / "raw.pcap"
        rewrite_link(files["EN10MB"], files["RAW"], 101, lambda e: b"")
        files["IPV4"] = d / "ipv4.pcap"
        rewrite_link(files["EN10MB"], files["IPV4"], 228, lambda e: b"", only_v4=True)
        yield {"files": files, "port": port, "port6": port6}


LOOPBACK_KINDS = ["EN10MB", "LINUX_SLL", "LINUX_SLL2", "NULL", "NULL-swapped", "LOOP", "RAW", "IPV4"]


@needs_root
@needs_tools
@pytest.mark.parametrize("kind", LOOPBACK_KINDS)
def test_loopback_capture_matches_tshark(loopback_captures, kind):
    path = loopback_captures["files"][kind]
    v = verona_packets(path)
    assert v, "the capture is empty"
    assert all(r["status"] == "ok" for r in v.values()), \
        [r["text"] for r in v.values() if r["status"] != "ok"]
    compared, bad, seen = compare(path)
    assert bad == []
    assert compared == len(v)
    if kind.startswith("LINUX_SLL"):
        # tcpdump on "any" misses packets of lo now and then (its own loss, not
        # verona's): every packet that is there was compared, and both kinds are
        assert seen["tcp"] >= 1 and seen["udp"] >= 1
        return
    # the whole exchange is there: two TCP connections, six UDP exchanges,
    # and (but for the IPv4-only file) ICMP and ICMPv6 port unreachable
    assert seen["tcp"] >= (1 if kind == "IPV4" else 2) * 9
    assert seen["udp"] == (1 if kind == "IPV4" else 2) * 7
    assert seen["icmp error"] >= 1
    if kind != "IPV4":
        assert seen["icmpv6 error"] >= 1


@needs_root
@needs_tools
def test_loopback_text_lines(loopback_captures):
    port, port6 = loopback_captures["port"], loopback_captures["port6"]
    texts = [r["text"] for r in verona_packets(loopback_captures["files"]["EN10MB"]).values()]
    syn = re.compile(rf"^127\.0\.0\.1:\d+ > 127\.0\.0\.1:{port} \[S\] seq \d+ win \d+ len 0 mss \d+ sackOK"
                     r" TS val \d+ ecr 0 wscale \d+$")
    assert any(syn.match(t) for t in texts), texts[:5]
    assert any(re.match(rf"^127\.0\.0\.1:{port} > 127\.0\.0\.1:\d+ \[S\.\] seq \d+ ack \d+ win", t)
               for t in texts)
    assert any(re.match(rf"^127\.0\.0\.1:\d+ > 127\.0\.0\.1:{port} UDP len 5$", t) for t in texts)
    assert any(re.match(rf"^127\.0\.0\.1:\d+ > 127\.0\.0\.1:{port} UDP len 0$", t) for t in texts)
    assert any(re.match(r"^127\.0\.0\.1 > 127\.0\.0\.1 ICMP port unreachable "
                        rf"\(127\.0\.0\.1:\d+ > 127\.0\.0\.1:{port + 1} UDP\)$", t) for t in texts)
    assert any(re.match(r"^::1 > ::1 ICMPv6 port unreachable "
                        rf"\(\[::1\]:\d+ > \[::1\]:{port6 + 1} UDP\)$", t) for t in texts)
    assert any(re.match(rf"^\[::1\]:\d+ > \[::1\]:{port6} \[F\.\] seq \d+ ack \d+ win \d+ len 0", t)
               for t in texts)
    assert any(re.match(rf"^127\.0\.0\.1:\d+ > 127\.0\.0\.1:{port} \[P\.\] seq \d+ ack \d+ win \d+ len 51", t)
               for t in texts)


@pytest.fixture(scope="module")
def testbed_capture():
    """A capture on juliet's eth0 of the same traffic between romeo and juliet."""
    if os.geteuid() != 0:
        pytest.skip("the local testbed needs root")
    require_tools("tshark", "tcpdump")
    with tempfile.TemporaryDirectory(prefix="verona-test-dissect-tb-") as d:
        d = pathlib.Path(d)
        script = d / "traffic.py"
        script.write_text(TRAFFIC)
        path = d / "juliet.pcap"
        up = verona("up", EXPERIMENTS / "sockets-tcp.yaml", timeout=60)
        m = re.search(r"testbed ([0-9a-f]+) is up", up.stdout)
        assert up.returncode == 0 and m, up.stdout + up.stderr
        tb = m.group(1)
        try:
            juliet = ("ip", "netns", "exec", f"verona-{tb}-juliet")
            romeo = ("ip", "netns", "exec", f"verona-{tb}-romeo")
            dump = Tcpdump(path, "eth0", "tcp or udp or icmp", prefix=juliet)
            try:
                run_traffic(script, "4", "10.10.0.101", 4000, server_prefix=juliet, client_prefix=romeo)
                time.sleep(0.5)
            finally:
                dump.stop()
        finally:
            down = verona("down", tb, timeout=60)
            assert down.returncode == 0, down.stderr
        yield path


@needs_root
@needs_tools
def test_testbed_capture_matches_tshark(testbed_capture):
    v = verona_packets(testbed_capture)
    assert all(r["status"] == "ok" for r in v.values())
    assert all(r["link"] == "14" for r in v.values())
    compared, bad, seen = compare(testbed_capture)
    assert bad == []
    assert compared == len(v)
    assert seen["tcp"] >= 9 and seen["udp"] >= 7 and seen["icmp error"] >= 1
    texts = [r["text"] for r in v.values()]
    assert any(re.match(r"^10\.10\.0\.100:\d+ > 10\.10\.0\.101:4000 \[S\] seq \d+ win 64240 len 0 mss 1460", t)
               for t in texts), texts[:3]
    assert any(re.match(r"^10\.10\.0\.101 > 10\.10\.0\.100 ICMP port unreachable "
                        r"\(10\.10\.0\.100:\d+ > 10\.10\.0\.101:4001 UDP\)$", t) for t in texts)


# -- the tcpdump corpus ------------------------------------------------------

# (file, what it has, packets that must be compared at least)
CORPUS_PICKS = [
    ("ssh.pcap", "Ethernet, TCP with options (SACK blocks too)", 54),
    ("mptcp-v0.pcap", "Ethernet, TCP with MPTCP options", 264),
    ("ldp-common-session.pcap", "Ethernet with 802.1Q tags, TCP and UDP", 22),
    ("bgp-evpn.pcap", "Ethernet with 802.1Q tags, TCP", 1),
    ("resp_1_benchmark.pcap", "Linux cooked v1, TCP", 150),
    ("mptcp-v1.pcap", "Linux cooked v1, TCP", 20),
    ("bgp-role.pcapng", "pcapng, Linux cooked v1, TCP", 9),
    ("quic_vn.pcap", "BSD loopback (NULL), UDP", 25),
    ("dns-badcookie.pcap", "BSD loopback (NULL), UDP", 4),
    ("ikev2pI2-segfault.pcapng", "pcapng, BSD loopback (NULL)", 1),
    ("LINKTYPE_RAW_ipv4.pcap", "LINKTYPE_RAW, IPv4", 1),
    ("LINKTYPE_RAW_ipv6.pcap", "LINKTYPE_RAW, IPv6", 1),
    ("mptcp-tcprst.pcap", "LINKTYPE_RAW, TCP", 2),
    ("LINKTYPE_IPV4.pcap", "LINKTYPE_IPV4", 1),
    ("LINKTYPE_IPV6.pcap", "LINKTYPE_IPV6", 1),
    ("ipv6-routing-header.pcap", "IPv6 routing header, UDP", 4),
    ("OSPFv3_with_AH.pcap", "IPv6 authentication header", 61),
    ("babel.pcap", "IPv6 hop-by-hop header", 25),
    ("icmpv6.pcap", "ICMPv6, IPv6 extension headers", 5),
    ("afs.pcap", "ICMP errors, IPv4 fragments, UDP", 601),
    ("dhcp-rfc4388.pcap", "ICMP port unreachable", 42),
    ("icmpv6-rfc7112.pcap", "ICMPv6 error", 1),
]


@needs_tools
@pytest.mark.parametrize("name,what,minimum", CORPUS_PICKS, ids=[c[0] for c in CORPUS_PICKS])
def test_corpus_file_matches_tshark(name, what, minimum):
    path = CORPUS / name
    compared, bad, seen = compare(path)
    assert bad == [], what
    assert compared >= minimum, (what, seen)


def test_corpus_picks_cover_every_link_type():
    """The picks above and the loopback files cover every link type verona dissects."""
    kinds = " ".join(c[1] for c in CORPUS_PICKS) + " " + " ".join(LOOPBACK_KINDS)
    for needed in ("Ethernet", "802.1Q", "Linux cooked v1", "LINUX_SLL2", "NULL", "LOOP",
                   "LINKTYPE_RAW", "LINKTYPE_IPV4", "LINKTYPE_IPV6", "routing header",
                   "authentication header", "hop-by-hop", "ICMP errors", "ICMPv6 error"):
        assert needed in kinds, needed
