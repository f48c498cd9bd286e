#!/usr/bin/python3
"""Figure: `verona check` with handshake, acked and closed on every
connection and stream (a prefix) on every 50th, on the synthetic 1-million
packet capture, against the bare libpcap loop and a tshark display-filter
pass that decides the same (TCP analysis flags, SYN/FIN/RST)."""
import lib

PACKETS, CONNS = 1000000, 9000
FILTER = ("tcp.analysis.retransmission or tcp.analysis.out_of_order or tcp.analysis.lost_segment "
          "or tcp.analysis.ack_lost_segment or tcp.flags.syn == 1 or tcp.flags.fin == 1 or tcp.flags.reset == 1")

with lib.Workdir() as wd:
    pcap, yml = lib.gen(wd, PACKETS, CONNS, "check")
    lib.timed([lib.PCAPLOOP, pcap])
    loop, _ = lib.best_of(5, [lib.PCAPLOOP, pcap])
    check, _ = lib.best_of(5, [lib.VERONA, "check", "--quiet", pcap, yml])
    lib.row("check, 1M packets, %d checks, vs bare loop" % (CONNS * 3 + CONNS // 50),
            lib.fmt_s(check), lib.fmt_s(loop), "%.2fx" % (check / loop), "<= 3x", check <= 3 * loop)
    if lib.tshark():
        ts, _, _, _ = lib.timed(["tshark", "-n", "-r", pcap, "-Y", FILTER, "-T", "fields",
                                 "-e", "tcp.stream", "-e", "tcp.flags", "-e", "tcp.analysis.flags"])
        lib.row("check, 1M packets, vs tshark -Y tcp.analysis.*", lib.fmt_s(check), lib.fmt_s(ts),
                "%.0fx faster" % (ts / check), ">= 25x faster", ts >= 25 * check)
    else:
        lib.row("check vs tshark -Y", lib.fmt_s(check), "-", "-", ">= 25x faster", False,
                "tshark is not installed")
