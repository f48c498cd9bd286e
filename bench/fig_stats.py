#!/usr/bin/python3
"""Figure: `verona stats` on a synthetic capture of 1 million packets
(9,000 TCP connections), against a bare libpcap read loop
(bench/pcaploop.c) and `tshark -q -z conv,tcp` over the same file."""
import lib

PACKETS, CONNS = 1000000, 9000

with lib.Workdir() as wd:
    pcap, _ = lib.gen(wd, PACKETS, CONNS, "stats", checks=False)
    lib.timed([lib.PCAPLOOP, pcap])                     # the file in the page cache for everyone
    loop, _ = lib.best_of(5, [lib.PCAPLOOP, pcap])
    stats, _ = lib.best_of(5, [lib.VERONA, "stats", pcap])
    lib.row("stats, 1M packets, vs bare libpcap loop", lib.fmt_s(stats), lib.fmt_s(loop),
            "%.2fx" % (stats / loop), "<= 2x", stats <= 2 * loop)
    if lib.tshark():
        ts, _, _, _ = lib.timed(["tshark", "-n", "-q", "-r", pcap, "-z", "conv,tcp"])
        lib.row("stats, 1M packets, vs tshark -z conv,tcp", lib.fmt_s(stats), lib.fmt_s(ts),
                "%.0fx faster" % (ts / stats), ">= 40x faster", ts >= 40 * stats)
    else:
        lib.row("stats vs tshark -z conv,tcp", lib.fmt_s(stats), "-", "-", ">= 40x faster", False,
                "tshark is not installed")
