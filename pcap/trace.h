/*
 * trace.h — the trace library: reading captures (pcap, pcapng, through
 * libpcap), dissecting packets with bounds-checked accessors, and (in later
 * files) flows, reassembly and checks.  Symbols use the prefix trace_,
 * never pcap_ (that is libpcap's).
 *
 * Dissection never reads past the captured length: a packet cut short is
 * reported as TRACE_TRUNCATED with what could be read so far, a packet whose
 * headers contradict themselves as TRACE_MALFORMED.
 */
#ifndef VERONA_TRACE_H
#define VERONA_TRACE_H
#include <stddef.h>
#include <stdint.h>

enum trace_status {
	TRACE_OK,
	TRACE_TRUNCATED,	/* caplen ended inside a header */
	TRACE_MALFORMED,	/* a header's own fields are impossible */
	TRACE_UNSUPPORTED,	/* a link type or protocol not dissected (not an error) */
};

/* TCP flags as on the wire. */
#define TRACE_FIN	0x01
#define TRACE_SYN	0x02
#define TRACE_RST	0x04
#define TRACE_PSH	0x08
#define TRACE_ACK	0x10
#define TRACE_URG	0x20
#define TRACE_ECE	0x40
#define TRACE_CWR	0x80

struct trace_pkt {
	/* the capture record */
	int64_t		 ts_ns;		/* nanoseconds since the epoch */
	uint32_t	 caplen;
	uint32_t	 wirelen;
	int		 linktype;	/* DLT_* */

	enum trace_status status;
	const char	*why;		/* static text for TRUNCATED/MALFORMED/UNSUPPORTED */

	/* link layer */
	uint32_t	 link_len;	/* bytes of link header (and VLAN tags) */

	/* network layer: ip_version 0 when there is none */
	int		 ip_version;	/* 4 or 6 */
	uint8_t		 src[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dst[16];
	uint32_t	 ip_hdr_len;	/* with options / extension headers */
	uint32_t	 ip_len;	/* total length the header claims (header + payload) */
	uint8_t		 proto;		/* IPPROTO_* of the transport (after extension headers) */
	uint8_t		 ttl;		/* or hop limit */
	int		 fragment;	/* part of a fragmented datagram */
	int		 first_fragment;/* offset 0: the transport header is there */

	/* transport: proto says which part is filled */
	uint16_t	 sport, dport;
	uint32_t	 transport_hdr_len;
	/* TCP */
	uint32_t	 seq, ack;
	uint8_t		 flags;
	uint16_t	 win;
	int		 has_mss, has_ws, sack_ok, has_ts;
	uint16_t	 mss;
	uint8_t		 ws;
	uint32_t	 tsval, tsecr;
	int		 nsack;
	uint32_t	 sack[4][2];
	/* UDP */
	uint16_t	 udp_len;
	/* ICMP / ICMPv6 */
	uint8_t		 icmp_type, icmp_code;
	/* the header an ICMP error quotes */
	int		 has_quote;
	int		 q_ip_version;
	uint8_t		 q_src[16], q_dst[16];
	uint8_t		 q_proto;
	uint16_t	 q_sport, q_dport;

	/* transport payload */
	const uint8_t	*payload;	/* into the packet's data; valid while it is */
	uint32_t	 payload_caplen;/* bytes of payload captured */
	uint32_t	 payload_len;	/* bytes of payload the headers say were sent */
};

/*
 * Dissects one packet of the given link type.  Fills what it can read;
 * returns p->status.  Never reads data[caplen] or beyond.
 */
enum trace_status trace_dissect(int linktype, const uint8_t *data, uint32_t caplen,
		    uint32_t wirelen, int64_t ts_ns, struct trace_pkt *p);

/*
 * One line, tcpdump-like, with absolute sequence numbers:
 * "10.10.0.100:51234 > 10.10.0.101:4000 [S] seq 1234 win 64240 len 0".
 * seq_base/ack_base are subtracted when nonzero (relative numbers).
 */
void	trace_pkt_line(const struct trace_pkt *, uint32_t seq_base, uint32_t ack_base, char *buf, size_t len);
/* "S", "S.", "P.", "F.", "R", "R." as tcpdump writes the flags. */
void	trace_flags_text(uint8_t flags, char *buf, size_t len);
/* An address as text. */
void	trace_addr_text(int ip_version, const uint8_t *addr, char *buf, size_t len);

/* Reading a capture file. */
struct trace_reader;
/* Opens a pcap or pcapng file with nanosecond stamps; NULL with err set. */
struct trace_reader *trace_open(const char *path, char *err, size_t errlen);
/* 1 and a dissected packet, 0 at the end, -1 with err set (a damaged file). */
int	trace_next(struct trace_reader *, struct trace_pkt *, char *err, size_t errlen);
int	trace_linktype(const struct trace_reader *);
void	trace_close(struct trace_reader *);
/*
 * Per-flow statistics over a whole capture (stats.c), for `verona stats`.
 * A flow is bidirectional: a protocol (TCP or UDP) and two (address, port)
 * endpoints; a, the initiator, sent the first packet (for TCP, the SYN).
 * A TCP SYN after the flow was closed (both FINs, or an RST) starts a new
 * flow.  Fragments after the first go to the flow of the last first
 * fragment between the same addresses.  Only TRACE_OK packets go to
 * flows (unsupported ones go to other, truncated and malformed ones to
 * bad); every packet counts in total.
 */
struct trace_dir_stats {
	uint64_t	 packets;
	uint64_t	 payload_bytes;	/* transport payload, by the headers' lengths */
	uint64_t	 link_bytes;	/* header bytes per layer */
	uint64_t	 ip_bytes;
	uint64_t	 transport_bytes;
	uint64_t	 wire_bytes;	/* the packets' lengths on the wire */
	uint64_t	 handshake;	/* TCP: SYN, SYN-ACK and the ACK that completes it */
	uint64_t	 teardown;	/* TCP: FIN and RST packets, and the ACKs of FINs */
};

struct trace_flow {
	int		 ip_version;
	uint8_t		 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t		 a[16], b[16];	/* a: the initiator */
	uint16_t	 aport, bport;
	int64_t		 first_ns, last_ns;
	struct trace_dir_stats dir[2];	/* [0] a to b, [1] b to a */
};

struct trace_stats_index;
struct trace_stats {
	struct trace_flow *flows;	/* in the order they began */
	size_t		 nflows;
	struct trace_dir_stats total;	/* every packet: flows + other + bad */
	struct trace_dir_stats other;	/* ICMP, other IP protocols, non-IP, fragments of no flow */
	struct trace_dir_stats bad;	/* truncated and malformed: packets and wire bytes only */
	uint64_t	 other_icmp;	/* packets of other by kind */
	uint64_t	 other_ip;
	uint64_t	 other_nonip;
	uint64_t	 truncated;	/* packets by status; unsupported ones are in other too */
	uint64_t	 malformed;
	uint64_t	 unsupported;
	int64_t		 first_ns, last_ns;
	struct trace_stats_index *index;	/* stats.c's own */
};

/* An empty set of statistics, or NULL (out of memory).  Free with trace_stats_free. */
struct trace_stats *trace_stats_new(void);
/* Counts one dissected packet: 0, or -1 when out of memory. */
int	trace_stats_add(struct trace_stats *, const struct trace_pkt *);
void	trace_stats_free(struct trace_stats *);
/* to += from. */
void	trace_stats_sum(struct trace_dir_stats *to, const struct trace_dir_stats *from);
/* (wire - payload) / wire as a percentage; 0 for no bytes. */
double	trace_stats_overhead(const struct trace_dir_stats *);
#endif
