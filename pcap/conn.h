/*
 * conn.h — connections of a trace, for the checks: TCP connections keyed
 * by their two endpoints and the initiator's ISN, each direction
 * reassembled from the ISN (retransmissions and overlaps removed,
 * out-of-order segments put in place, sequence numbers unwrapped), with a
 * Zeek-style state and history; UDP datagrams; ICMP errors with the
 * header they quote.  Packets must be added in time order.
 */
#ifndef VERONA_CONN_H
#define VERONA_CONN_H
#include <stdint.h>
#include "trace.h"
#include "util.h"

/* Bytes of one direction kept whole for stream checks; beyond, only counted. */
#define TRACE_KEEP_MAX	(16u * 1024 * 1024)

struct trace_seg {			/* an out-of-order segment, waiting for the gap before it */
	uint64_t		 rel;
	uint32_t		 len;
	uint8_t			*data;		/* NULL: not captured, or beyond what is kept */
	int			 beyond;	/* past TRACE_KEEP_MAX: not kept on purpose */
	struct trace_seg	*next;
};

/* Out-of-order bytes held per direction; beyond, the direction has a gap the checks report. */
#define TRACE_PENDING_MAX	(16u * 1024 * 1024)

struct trace_half {			/* one direction of a TCP connection */
	uint8_t		 addr[16];
	uint16_t	 port;
	int		 syn;		/* SYNs sent (retransmissions included) */
	int64_t		 syn_ns;
	int		 synack;	/* SYN-ACKs sent */
	int64_t		 synack_ns;
	uint32_t	 isn;
	int		 have_isn;
	int		 midstream;	/* no SYN seen: base is the first seq */
	uint64_t	 last_rel;	/* to unwrap 32-bit sequence numbers */
	uint64_t	 next;		/* bytes assembled contiguously from the ISN */
	uint64_t	 high;		/* highest byte end seen (payload) */
	struct buf	 data;		/* the first keep assembled bytes */
	uint64_t	 keep;		/* bytes kept for checks (TRACE_KEEP_MAX unless the caller asks fewer) */
	int		 truncated;	/* payload cut by the snaplen: bytes unknown */
	int		 overlap_differs;
	struct trace_seg *pending;
	struct trace_seg *pending_tail;
	uint64_t	 pending_bytes;
	int		 pending_overflow;	/* too much out of order: bytes were let go */
	int		 fin;		/* a FIN was sent */
	uint64_t	 fin_rel;	/* its sequence number, relative */
	int64_t		 fin_ns;
	int		 rst;
	int64_t		 rst_ns;
	uint64_t	 acked;		/* highest ACK this side received for its bytes (relative) */
	int		 ack_seen;
	int64_t		 acked_ns;
	uint32_t	 packets;
	uint64_t	 payload;
	int64_t		 first_data_ns;	/* when this side first sent payload; 0 never */
	int64_t		 last_data_ns;	/* when it last sent a segment with payload; 0 never */
	uint32_t	 retransmissions;
	int		 ack_beyond;	/* the peer acked bytes never captured */
	char		 history[16];
	/*
	 * Verona killed the program behind this end while the connection was
	 * open (trace_conns_kill): from killed_ns on, what it sends is its
	 * kernel's doing (the FIN or RST of the close at exit, data the kernel
	 * still had), not the program's.  0: never.
	 */
	int64_t		 killed_ns;
	size_t		 kill;		/* which kill: an index into trace_conns.kills */
	uint64_t	 high_at_kill;	/* the bytes it had sent before the kill */
};

struct trace_conn {
	int		 ip_version;
	struct trace_half c;		/* the initiator (sent the first SYN, or the first packet) */
	struct trace_half s;
	int64_t		 first_ns, last_ns;
	uint32_t	 packets;
	char		 history[40];	/* Zeek: initiator upper case, responder lower case */
	int		 established;	/* SYN, SYN-ACK and the ACK seen */
	int64_t		 established_ns;
	int		 synack_ok;	/* a SYN-ACK acknowledged the initiator's ISN + 1 */
	uint32_t	 synack_ack;	/* what the first SYN-ACK acknowledged */
	int		 refused;	/* SYN answered by RST-ACK with ack = isn+1 */
	int64_t		 refused_ns;
	int		 ended;		/* a packet with FIN or RST was seen, either way */
};

struct trace_dgram {
	int		 ip_version;
	uint8_t		 src[16], dst[16];
	uint16_t	 sport, dport;
	int64_t		 ts_ns;
	uint32_t	 len;		/* payload length the header says */
	uint32_t	 caplen;	/* payload bytes captured */
	uint8_t		*data;
	int		 fragmented;	/* an IP fragment: the datagram is not reassembled */
};

struct trace_icmp_err {
	int		 ip_version;
	uint8_t		 src[16], dst[16];	/* of the ICMP packet */
	uint8_t		 type, code;
	int64_t		 ts_ns;
	int		 q_ip_version;
	uint8_t		 q_src[16], q_dst[16];
	uint8_t		 q_proto;
	uint16_t	 q_sport, q_dport;
};

/*
 * A program verona killed (at its step's timeout, or by a kill step): its
 * host's packets from killed_ns on, on the TCP connections the program had
 * open then, are the kernel's, caused by the kill.  A connection is the
 * program's when its end on that host is not one of verona's own sockets
 * (trace_conns.own), it began after the program started and before the
 * kill, and that end had not sent FIN or RST before the kill.
 */
struct trace_kill {
	int		 ip_version;
	uint8_t		 addr[16];	/* the program's host */
	int64_t		 started_ns;	/* when the program started */
	int64_t		 killed_ns;
	char		 what[80];	/* for messages: "the program of step 3, at its timeout" */
};

struct trace_conns;
/*
 * How many bytes of each direction of a new connection to keep for the
 * checks (at most TRACE_KEEP_MAX): called once, when its first packet is
 * added and both ends are known.  Without one, every connection keeps
 * TRACE_KEEP_MAX.  A tool that knows its checks keeps only what they read,
 * so memory does not grow with the payload of a long capture.
 */
typedef uint64_t (*trace_keep_fn)(void *arg, const struct trace_conn *);

struct trace_conns {
	struct trace_conn	**tcp;
	size_t			  ntcp, tcp_cap;
	struct trace_dgram	 *udp;
	size_t			  nudp, udp_cap;
	struct trace_icmp_err	 *icmp;
	size_t			  nicmp, icmp_cap;
	uint64_t		  packets;
	uint64_t		  truncated, malformed;
	struct trace_conn_index	 *index;
	trace_keep_fn		  keep;		/* NULL: keep TRACE_KEEP_MAX */
	void			 *keep_arg;
	struct trace_ep_index	 *ep;		/* trace_conns_at's, built on first use */
	/*
	 * Set by a caller whose sequence numbers restart at every SYN (the
	 * relative numbers results.json lists): a SYN's number then cannot
	 * tell its retransmission from a new connection on the same ports,
	 * so a SYN (without ACK) after a FIN or an RST starts a new one.
	 */
	int			  syn_rebased;
	/* the programs verona killed (trace_conns_kill), in the order they were killed */
	struct trace_kill	 *kills;
	size_t			  nkills;
	/* 1 when (addr, port) is one of verona's own sockets, never a program's; NULL: none is */
	int			(*own)(void *arg, int ip_version, const uint8_t *addr, uint16_t port);
	void			 *own_arg;
};

/*
 * What the connections made of one packet (trace_conns_add_label): the
 * one source of "which connection" and "retransmission" for whoever shows
 * packets (the report's ladder), the same derivation the checks count.
 */
struct trace_label {
	long		 conn;		/* its connection, an index into tcp[]; -1: not a TCP packet */
	int		 from_initiator;/* sent by the connection's initiator (c) */
	/*
	 * Repeats what its sender sent before: payload every byte of which
	 * was sent already (or a copy of a segment waiting for a gap), a SYN
	 * or SYN-ACK with the same ISN again, a FIN alone at the same place.
	 */
	int		 retrans;
	int		 keepalive;	/* one byte just below what was sent: a probe, not a retransmission */
	const struct trace_kill *by_kill;	/* sent by the kernel after verona killed the program (see trace_kill); NULL: not */
};

struct trace_conns *trace_conns_new(void);
void	trace_conns_free(struct trace_conns *);
/* A program verona killed; before any packet is added, in the order of killed_ns.  The kill is copied. */
void	trace_conns_kill(struct trace_conns *, const struct trace_kill *);
void	trace_conns_add(struct trace_conns *, const struct trace_pkt *);
/* trace_conns_add, and what it made of the packet in *label. */
void	trace_conns_add_label(struct trace_conns *, const struct trace_pkt *, struct trace_label *label);
/*
 * The connections with an end at (addr, port), as indexes into tcp[] in
 * ascending order (a connection with both ends there is listed twice).
 * Built on the first call after connections were added; *list stays valid
 * until the next trace_conns_add.  Returns how many.
 */
size_t	trace_conns_at(struct trace_conns *, int ip_version, const uint8_t *addr, uint16_t port,
	    const uint32_t **list);
/* Zeek's conn_state: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH. Static. */
const char *trace_conn_state(const struct trace_conn *);
/* 1 if the two addresses are equal. */
int	trace_addr_eq(int ip_version, const uint8_t *a, const uint8_t *b);
#endif
