/*
 * capture.c — live capture with libpcap; see capture.h.  The handle is
 * non-blocking and in immediate mode, so a pump writes exactly what the
 * kernel has, and the agent's loop calls it whenever the fd is readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "util.h"

struct trace_capture {
	pcap_t			*pcap;
	pcap_dumper_t		*dump;
	uint64_t		 packets;
	int			 snaplen;
	struct trace_peek	*peek;		/* the packets since the last trace_capture_peek() */
	struct trace_peek	*handed;	/* what the last call handed over */
	size_t			 npeek;
	uint64_t		 peek_lost;
};

static void
capture_write(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct trace_capture *c = (struct trace_capture *)user;
	struct trace_peek *k;
	struct pcap_pkthdr shifted;

	if (time_shift_ns != 0) {	/* a test's wrong clock (verona-agent --clock-shift) */
		int64_t t = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec + time_shift_ns;
		shifted = *h;
		shifted.ts.tv_sec = (time_t)(t / 1000000000);
		shifted.ts.tv_usec = (suseconds_t)(t % 1000000000);
		h = &shifted;
	}
	pcap_dump((u_char *)c->dump, h, bytes);
	c->packets++;
	if (c->npeek == TRACE_PEEK_MAX) {
		c->peek_lost++;
		return;
	}
	k = &c->peek[c->npeek++];
	k->ts_ns = (int64_t)h->ts.tv_sec * 1000000000 + (int64_t)h->ts.tv_usec;	/* ns precision */
	k->caplen = h->caplen < TRACE_PEEK_BYTES ? h->caplen : TRACE_PEEK_BYTES;
	k->wirelen = h->len;
	memcpy(k->data, bytes, k->caplen);
}

size_t
trace_capture_peek(struct trace_capture *c, const struct trace_peek **out, uint64_t *lost)
{
	struct trace_peek *filled = c->peek;
	size_t n = c->npeek;

	/* two arrays take turns: one is handed over, the other is written */
	c->peek = c->handed;
	c->handed = filled;
	c->npeek = 0;
	*out = filled;
	*lost = c->peek_lost;
	c->peek_lost = 0;
	return n;
}

int
trace_capture_linktype(struct trace_capture *c)
{
	return pcap_datalink(c->pcap);
}

struct trace_capture *
trace_capture_open(const char *iface, const char *filter, int snaplen, int bufsize,
    const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct trace_capture *c = calloc(1, sizeof *c);
	struct bpf_program prog;
	int rc;

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->snaplen = snaplen;
	c->peek = calloc(TRACE_PEEK_MAX, sizeof *c->peek);
	c->handed = calloc(TRACE_PEEK_MAX, sizeof *c->handed);
	if (c->peek == NULL || c->handed == NULL) {
		snprintf(err, errlen, "out of memory");
		free(c->peek);
		free(c->handed);
		free(c);
		return NULL;
	}
	if ((c->pcap = pcap_create(iface, ebuf)) == NULL) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		free(c->peek);
		free(c->handed);
		free(c);
		return NULL;
	}
	pcap_set_snaplen(c->pcap, snaplen);
	pcap_set_promisc(c->pcap, 0);
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_buffer_size(c->pcap, bufsize);
	if (pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO) != 0) {
		snprintf(err, errlen, "capture on %s: nanosecond time stamps are not supported", iface);
		goto fail;
	}
	rc = pcap_activate(c->pcap);
	if (rc < 0) {
		snprintf(err, errlen, "capture on %s: %s", iface,
		    rc == PCAP_ERROR ? pcap_geterr(c->pcap) : pcap_statustostr(rc));
		goto fail;
	}
	if (filter != NULL && filter[0] != '\0') {
		if (pcap_compile(c->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errlen, "capture filter '%s': %s", filter, pcap_geterr(c->pcap));
			goto fail;
		}
		rc = pcap_setfilter(c->pcap, &prog);
		pcap_freecode(&prog);
		if (rc != 0) {
			snprintf(err, errlen, "capture filter '%s': %s", filter, pcap_geterr(c->pcap));
			goto fail;
		}
	}
	if (pcap_setnonblock(c->pcap, 1, ebuf) != 0) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		goto fail;
	}
	if ((c->dump = pcap_dump_open(c->pcap, path)) == NULL) {
		snprintf(err, errlen, "capture file %s: %s", path, pcap_geterr(c->pcap));
		goto fail;
	}
	/* libpcap opens its socket and file without close-on-exec: no program may inherit them */
	if (fcntl(pcap_get_selectable_fd(c->pcap), F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fileno(pcap_dump_file(c->dump)), F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err, errlen, "capture on %s: cannot make its descriptors close-on-exec: %s",
		    iface, strerror(errno));
		pcap_dump_close(c->dump);
		goto fail;
	}
	return c;
fail:
	pcap_close(c->pcap);
	free(c->peek);
	free(c->handed);
	free(c);
	return NULL;
}

int
trace_capture_probe(const char *iface, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, ebuf);
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "capture on %s: %s", iface, ebuf);
		return -1;
	}
	pcap_set_snaplen(p, 128);
	pcap_set_buffer_size(p, 65536);
	rc = pcap_activate(p);
	if (rc < 0)
		snprintf(err, errlen, "capture on %s: %s", iface,
		    rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
	pcap_close(p);
	return rc < 0 ? -1 : 0;
}

int
trace_capture_fd(struct trace_capture *c)
{
	return pcap_get_selectable_fd(c->pcap);
}

int
trace_capture_pump(struct trace_capture *c, char *err, size_t errlen)
{
	int total = 0;
	for (;;) {
		int n = pcap_dispatch(c->pcap, -1, capture_write, (u_char *)c);
		if (n < 0) {
			snprintf(err, errlen, "capture: %s", pcap_geterr(c->pcap));
			return -1;
		}
		if (n == 0)
			return total;
		total += n;
	}
}

void
trace_capture_close(struct trace_capture *c, struct trace_capture_stats *st)
{
	struct pcap_stat ps;
	char err[256];

	(void)trace_capture_pump(c, err, sizeof err);
	memset(st, 0, sizeof *st);
	if (pcap_stats(c->pcap, &ps) == 0) {
		st->drops = ps.ps_drop;
		st->ifdrops = ps.ps_ifdrop;
	}
	st->packets = c->packets;
	st->linktype = pcap_datalink(c->pcap);
	st->snaplen = c->snaplen;
	pcap_dump_close(c->dump);
	pcap_close(c->pcap);
	free(c->peek);
	free(c->handed);
	free(c);
}
