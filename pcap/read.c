/*
 * read.c — reading capture files for the trace library: pcap (microsecond
 * or nanosecond) and pcapng through libpcap, stamps asked for in
 * nanoseconds, each packet dissected as it is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "trace.h"

struct trace_reader {
	pcap_t	*pcap;
	int	 linktype;
};

struct trace_reader *
trace_open(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct trace_reader *r;
	pcap_t *pc;

	ebuf[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (pc == NULL) {
		if (errlen > 0)
			snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf : "cannot read the capture");
		return NULL;
	}
	if ((r = calloc(1, sizeof *r)) == NULL) {
		pcap_close(pc);
		if (errlen > 0)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->pcap = pc;
	r->linktype = pcap_datalink(pc);
	return r;
}

/* Seconds and nanoseconds as nanoseconds since the epoch, clamped to int64. */
static int64_t
read_ts_ns(const struct timeval *tv)
{
	int64_t sec = (int64_t)tv->tv_sec, ns;

	if (__builtin_mul_overflow(sec, (int64_t)1000000000, &ns) ||
	    __builtin_add_overflow(ns, (int64_t)tv->tv_usec, &ns))
		return sec < 0 ? INT64_MIN : INT64_MAX;
	return ns;
}

int
trace_next(struct trace_reader *r, struct trace_pkt *p, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	rc = pcap_next_ex(r->pcap, &h, &data);
	switch (rc) {
	case 1:
		/* libpcap never hands more than caplen; a record claiming less on the wire is believed */
		trace_dissect(r->linktype, data, h->caplen, h->len, read_ts_ns(&h->ts), p);
		return 1;
	case PCAP_ERROR_BREAK:		/* -2: the end of the file */
		return 0;
	default:
		if (errlen > 0)
			snprintf(err, errlen, "%s", rc == PCAP_ERROR ? pcap_geterr(r->pcap) :
			    "unexpected answer from libpcap");
		return -1;
	}
}

int
trace_linktype(const struct trace_reader *r)
{
	return r->linktype;
}

void
trace_close(struct trace_reader *r)
{
	if (r == NULL)
		return;
	pcap_close(r->pcap);
	free(r);
}
