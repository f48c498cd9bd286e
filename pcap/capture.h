/*
 * capture.h — live capture on an interface with libpcap, written to a pcap
 * file with nanosecond stamps.  Used by the agent: the capture's fd goes into
 * its poll loop, so capturing never blocks the steps.  The agent counts and
 * hashes what it writes; the controller checks the file it fetched against
 * that claim (trace_capture_verify), so a file changed on the way, or on the
 * agent's disk after it was written, is refused.
 */
#ifndef VERONA_CAPTURE_H
#define VERONA_CAPTURE_H
#include <stddef.h>
#include <stdint.h>

struct trace_capture;

struct trace_capture_stats {
	uint64_t	packets;	/* records written to the file */
	uint64_t	bytes;		/* bytes written to the file, its header included */
	uint64_t	unwritten;	/* packets captured past the budget: counted, not written */
	uint64_t	budget;		/* the file's size budget in bytes; 0 none */
	uint64_t	drops;		/* ps_drop: the kernel had no room */
	uint64_t	ifdrops;	/* ps_ifdrop */
	int		linktype;
	int		snaplen;
	char		sha256[65];	/* of the bytes written, hashed as they were written (hex) */
	char		error[128];	/* a write that failed (the file is short), or "" */
};

/*
 * Opens iface (immediate mode, nanosecond stamps, a buffer of bufsize bytes,
 * snaplen bytes per packet, the BPF filter if not NULL or empty) and writes
 * a pcap file to fd, which the capture owns from now on (closed also when
 * this fails).  Every byte written is counted and hashed on its way to fd,
 * so the file is never read back; once the file would pass budget bytes
 * (0: no budget), packets are only counted.  Once it returns, the capture
 * is live.  NULL with err set.
 */
struct trace_capture *trace_capture_open(const char *iface, const char *filter, int snaplen,
			int bufsize, uint64_t budget, int fd, char *err, size_t errlen);
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

/* What the capturing side said it wrote, for trace_capture_verify(). */
struct trace_capture_claim {
	uint64_t	packets;
	uint64_t	bytes;
	const char	*sha256;	/* hex */
};
/*
 * 0 if the file at path is exactly what claim says: that size, that
 * SHA-256, a classic pcap 2.4 with nanosecond stamps (as the agent writes
 * it, in either byte order) of exactly that many whole records, none
 * longer than its header's snaplen.  Else -1 with err saying what differed.
 */
int	trace_capture_verify(const char *path, const struct trace_capture_claim *, char *err, size_t errlen);
#endif
