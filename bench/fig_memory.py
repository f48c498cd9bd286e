#!/usr/bin/python3
"""Figure: peak RSS of `verona stats` and `verona check` as the synthetic
capture grows from 1 to 4 million packets (the same 9,000 connections,
each four times as long).  Target: at most 64 MiB, and flat."""
import lib

CONNS = 9000
res = {}
with lib.Workdir() as wd:
    for n in (1000000, 4000000):
        pcap, yml = lib.gen(wd, n, CONNS, "mem%d" % n)
        _, s_rss = lib.best_of(1, [lib.VERONA, "stats", pcap])
        _, c_rss = lib.best_of(1, [lib.VERONA, "check", "--quiet", pcap, yml])
        _, l_rss = lib.best_of(1, [lib.PCAPLOOP, pcap])
        res[n] = (s_rss, c_rss, l_rss)
        lib.os.unlink(pcap)
for i, what in ((0, "stats"), (1, "check")):
    a, b = res[1000000][i], res[4000000][i]
    lib.row("%s peak RSS, 1M -> 4M packets" % what, "%s -> %s" % (lib.fmt_mib(a), lib.fmt_mib(b)),
            "loop %s" % lib.fmt_mib(res[4000000][2]), "%.2fx growth" % (b / a),
            "<= 64 MiB, flat (<= 1.25x)", max(a, b) <= 64 * 1024 and b <= 1.25 * a)
