/*
 * capture.h — live capture on an interface with libpcap, written to a pcap
 * file with nanosecond stamps.  Used by the agent: the capture's fd goes into
 * its poll loop, so capturing never blocks the steps.
 */
#ifndef VERONA_CAPTURE_H
#define VERONA_CAPTURE_H
#include <stdint.h>

struct trace_capture;

struct trace_capture_stats {
	uint64_t	packets;	/* written to the file */
	uint64_t	drops;		/* ps_drop: the kernel had no room */
	uint64_t	ifdrops;	/* ps_ifdrop */
	int		linktype;
	int		snaplen;
};

/*
 * Opens iface (immediate mode, nanosecond stamps, a buffer of bufsize bytes,
 * snaplen bytes per packet, the BPF filter if not NULL or empty) and writes
 * to path.  Once it returns, the capture is live.  NULL with err set.
 */
struct trace_capture *trace_capture_open(const char *iface, const char *filter, int snaplen,
			int bufsize, const char *path, char *err, size_t errlen);
/* 0 if this process may capture on iface, else -1 with err set. */
int	trace_capture_probe(const char *iface, char *err, size_t errlen);
/* A descriptor that turns readable when packets wait. */
int	trace_capture_fd(struct trace_capture *);
/* Writes the packets that wait; returns how many, or -1 with err set. */
int	trace_capture_pump(struct trace_capture *, char *err, size_t errlen);
/* The first bytes of a packet captured since the last call, for a live view. */
#define TRACE_PEEK_BYTES	160
#define TRACE_PEEK_MAX		4096
struct trace_peek {
	int64_t		ts_ns;
	uint32_t	caplen;		/* bytes in data */
	uint32_t	wirelen;
	uint8_t		data[TRACE_PEEK_BYTES];
};
/*
 * Packets written since the last call (the first TRACE_PEEK_MAX of them:
 * later ones are counted in *lost, and are in the file all the same); the
 * array stays the capture's until the next call.  Returns how many.
 */
size_t	trace_capture_peek(struct trace_capture *, const struct trace_peek **, uint64_t *lost);
int	trace_capture_linktype(struct trace_capture *);
/* Writes what waits, reads the drop counters, closes the file and the capture. */
void	trace_capture_close(struct trace_capture *, struct trace_capture_stats *);
#endif
