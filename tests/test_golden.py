"""`verona stats`: golden outputs (tests/golden/stats.list, in tcpdump's
manner: input pcap, expected output, options; tests/golden/update.sh
regenerates them), then what the figures mean on a known capture, the
command line, and a million packets."""
import json
import os
import struct
import subprocess
import sys
import time

import pytest

from conftest import ROOT, VERONA, needs_tools, verona

GOLDEN = ROOT / "tests" / "golden"


def golden_cases():
    cases = []
    for line in (GOLDEN / "stats.list").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, pcap, expected, *options = line.split()
        cases.append((name, pcap, expected, options))
    return cases


CASES = golden_cases()


@pytest.mark.parametrize("name,pcap,expected,options", CASES, ids=[c[0] for c in CASES])
def test_golden(name, pcap, expected, options):
    assert (GOLDEN / pcap).stat().st_size < 8192, "golden captures stay small"
    p = subprocess.run([VERONA, "stats", *options, pcap], cwd=GOLDEN, capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, p.stderr
    assert "Sanitizer" not in p.stderr and "runtime error" not in p.stderr, p.stderr
    want = (GOLDEN / expected).read_text()
    if p.stdout != want:
        import difflib
        diff = "".join(difflib.unified_diff(want.splitlines(True), p.stdout.splitlines(True),
                                            expected, "verona stats"))
        pytest.fail(f"{name}: output differs (tests/golden/update.sh regenerates it):\n{diff}")


def test_golden_list_is_whole():
    """Every capture in tests/golden is used, every expected file is listed."""
    listed_pcaps = {c[1] for c in CASES}
    listed_outs = {c[2] for c in CASES}
    assert {p.name for p in GOLDEN.glob("*.pcap")} == listed_pcaps
    assert {p.name for p in GOLDEN.glob("*.out")} == listed_outs
    assert os.access(GOLDEN / "update.sh", os.X_OK)


def stats_json(path):
    p = verona("stats", "--json", path)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def flow(doc, proto, bport):
    found = [f for f in doc["flows"] if f["proto"] == proto and f["b"]["port"] == bport]
    assert len(found) == 1, doc["flows"]
    return found[0]


@pytest.mark.parametrize("pcap,client,server", [
    ("testbed-sockets.pcap", "10.10.0.100", "10.10.0.101"),
    ("lo-ipv6-sll2.pcap", "::1", "::1"),
])
def test_handshake_teardown_and_bytes(pcap, client, server):
    doc = stats_json(GOLDEN / pcap)
    ports = sorted({f["b"]["port"] for f in doc["flows"]})
    port = ports[0]                      # the server's port; +1 refused; +2 closed for UDP
    refused = flow(doc, "tcp", port + 1)
    assert refused["a"]["addr"] == client and refused["b"]["addr"] == server
    assert (refused["a_to_b"]["packets"], refused["b_to_a"]["packets"]) == (1, 1)
    assert refused["a_to_b"]["handshake"] == 1 and refused["b_to_a"]["teardown"] == 1   # SYN; RST-ACK
    conn = flow(doc, "tcp", port)
    # SYN, ACK from the client; SYN-ACK from the server
    assert (conn["a_to_b"]["handshake"], conn["b_to_a"]["handshake"]) == (2, 1)
    # the client's FIN and its ACK of the server's FIN; the server's FIN-ACK acknowledges the client's FIN
    assert (conn["a_to_b"]["teardown"], conn["b_to_a"]["teardown"]) == (2, 1)
    assert conn["a_to_b"]["payload_bytes"] == 51 and conn["b_to_a"]["payload_bytes"] == 82
    udp = flow(doc, "udp", port)
    assert (udp["a_to_b"]["payload_bytes"], udp["b_to_a"]["payload_bytes"]) == (5, 5)
    assert udp["header_bytes"]["transport"] == 16
    assert flow(doc, "udp", port + 2)["b_to_a"]["packets"] == 0
    assert doc["other"]["icmp_packets"] == 1
    link = 14 if pcap.startswith("testbed") else 20
    ip = 20 if client.count(".") == 3 else 40
    for f in doc["flows"]:
        n = f["packets"]
        assert f["header_bytes"]["link"] == n * link
        assert f["header_bytes"]["ip"] == n * ip
        # on these links a packet is exactly its headers and payload
        assert f["wire_bytes"] == f["payload_bytes"] + sum(f["header_bytes"].values())


def test_figures_add_up():
    for pcap in GOLDEN.glob("*.pcap"):
        doc = stats_json(pcap)
        for f in doc["flows"]:
            for k in ("packets", "payload_bytes", "wire_bytes"):
                assert f[k] == f["a_to_b"][k] + f["b_to_a"][k]
            for k in ("link", "ip", "transport"):
                assert f["header_bytes"][k] == f["a_to_b"]["header_bytes"][k] + f["b_to_a"]["header_bytes"][k]
            want = 100.0 * (f["wire_bytes"] - f["payload_bytes"]) / f["wire_bytes"]
            assert abs(f["overhead_pct"] - want) < 1e-3
        protos = doc["protocols"]
        for k in ("packets", "payload_bytes", "wire_bytes"):
            assert doc["total"][k] == protos["tcp"][k] + protos["udp"][k] + doc["other"][k] + doc["bad"].get(k, 0)
        assert doc["packets"] == doc["total"]["packets"]
        assert doc["bad"]["packets"] == doc["truncated"] + doc["malformed"]
        assert doc["total"]["flows"] == len(doc["flows"]) == protos["tcp"]["flows"] + protos["udp"]["flows"]


def test_command_line(tmp_path):
    h = verona("stats", "--help")
    assert h.returncode == 0 and h.stdout.startswith("usage: verona stats ")
    assert "-h, --help" in h.stdout and "--json" in h.stdout and "--packets" in h.stdout
    assert "stats" in verona("--help").stdout
    for args in ([], ["--bogus", "x.pcap"], ["a.pcap", "b.pcap"], ["--json", "--packets", "x.pcap"]):
        p = verona("stats", *args)
        assert p.returncode == 2 and "usage: verona stats" in p.stderr, args
    p = verona("stats", tmp_path / "nothing.pcap")
    assert p.returncode == 2 and p.stderr.startswith(f"verona: {tmp_path / 'nothing.pcap'}: ")


def write_udp_capture(path, count, payload, flows):
    """A pcap of count Ethernet/IPv4/UDP packets with payload bytes each, over flows flows."""
    head = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)
    eth = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00"
    body = b"p" * payload
    iplen = 20 + 8 + payload
    with open(path, "wb") as f:
        f.write(head)
        chunk = []
        for i in range(count):
            k = i % flows
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, iplen, 0, 0x4000, 64, 17, 0,
                             bytes((10, 1, k >> 8 & 0xff, k & 0xff)), b"\x0a\x02\x00\x01")
            udp = struct.pack(">HHHH", 10000 + (k >> 16), 4000, 8 + payload, 0)
            pkt = eth + ip + udp + body
            chunk.append(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000, len(pkt), len(pkt)) + pkt)
            if len(chunk) * len(pkt) > 4 << 20:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))


def run_timed(args):
    """(exit status, stdout, stderr, seconds) of a command."""
    start = time.monotonic()
    p = subprocess.run(args, capture_output=True, timeout=300)
    return p.returncode, p.stdout, p.stderr, time.monotonic() - start


def test_a_million_packets(tmp_path):
    """A million packets over 20000 flows in seconds; memory grows with flows, not packets or payload."""
    big = tmp_path / "million.pcap"
    write_udp_capture(big, 1_000_000, 4, 20000)
    rc, out, err, secs = run_timed([VERONA, "stats", "--json", str(big)])
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["packets"] == 1_000_000 and len(doc["flows"]) == 20000
    assert doc["protocols"]["udp"]["payload_bytes"] == 4_000_000
    limit = 60 if "san" in os.environ.get("VERONA_BUILD", "") else 15
    assert secs < limit, f"{secs:.1f} s for a million packets"
    if "san" not in os.environ.get("VERONA_BUILD", ""):
        assert peak_rss_kib([VERONA, "stats", big]) < 64 * 1024
    big.unlink()


# Runs a command from a small process and prints its peak RSS: a child's
# ru_maxrss starts from the high-water mark of the process that exec'd it,
# so measuring from pytest itself would report pytest's size.
RSS_HELPER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def peak_rss_kib(args):
    """The peak RSS of a command (its output thrown away), in KiB."""
    p = subprocess.run([sys.executable, "-c", RSS_HELPER, *map(str, args)], capture_output=True,
                       text=True, timeout=300)
    status, rss = map(int, p.stdout.split())
    assert status == 0, p.stderr
    return rss


def test_memory_does_not_grow_with_payload(tmp_path):
    small = tmp_path / "small.pcap"
    large = tmp_path / "large.pcap"
    write_udp_capture(small, 2000, 10, 100)
    write_udp_capture(large, 2000, 60000, 100)      # 120 MB of payload
    rss_small = peak_rss_kib([VERONA, "stats", str(small)])
    rss_large = peak_rss_kib([VERONA, "stats", str(large)])
    assert rss_large < rss_small + 16 * 1024, (rss_small, rss_large)


@needs_tools("editcap")
@pytest.mark.parametrize("fmt", ["pcapng", "nsecpcap"])
def test_file_formats_give_the_same_figures(tmp_path, fmt):
    """pcap with microseconds, pcap with nanoseconds and pcapng: the same stamps, the same figures."""
    src = GOLDEN / "testbed-sockets.pcap"
    dst = tmp_path / f"converted.{fmt}"
    subprocess.run(["editcap", "-F", fmt, str(src), str(dst)], check=True, capture_output=True)
    want, got = stats_json(src), stats_json(dst)
    assert got["first_ns"] % 1000 == 0 and got["first_ns"] > 1_600_000_000 * 10**9
    for doc in (want, got):
        del doc["file"]
    assert got == want
