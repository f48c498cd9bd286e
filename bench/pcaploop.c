/*
 * pcaploop.c — the baseline of the trace benchmarks: a bare libpcap read
 * loop (pcap_next_ex, nanosecond stamps, as verona opens a capture) that
 * only counts packets and bytes.  Whatever verona does beyond reading the
 * file is measured against this.
 *
 *   pcaploop FILE
 */
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0, bytes = 0, sum = 0;
	pcap_t *pc;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: pcaploop FILE\n");
		return 2;
	}
	if ((pc = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, ebuf)) == NULL) {
		fprintf(stderr, "pcaploop: %s\n", ebuf);
		return 1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		n++;
		bytes += h->caplen;
		sum += h->caplen > 0 ? data[h->caplen - 1] : 0;	/* touch the packet */
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "pcaploop: %s\n", pcap_geterr(pc));
		return 1;
	}
	printf("%llu packets, %llu bytes (%llu)\n", (unsigned long long)n, (unsigned long long)bytes,
	    (unsigned long long)(sum & 1));
	pcap_close(pc);
	return 0;
}
