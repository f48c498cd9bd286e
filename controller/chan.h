/*
 * chan.h — the controller's end of one agent's control channel, whatever
 * carries it (a pipe to an agent in a namespace, ssh, a unix socket, sealed
 * TCP): the file descriptors, the frame reader, the seal, the frames read
 * but not yet taken, the process to wait for.  Every frame read is decoded
 * against the protocol's table (proto.h) before anyone looks at it.
 *
 * Also the two exchanges every session starts with, written once for
 * `verona run` and `verona ping`: hello, and the estimate of the agent's
 * clock offset from ours.
 */
#ifndef VERONA_CHAN_H
#define VERONA_CHAN_H
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include "frame.h"
#include "proto.h"
#include "seal.h"

/* How long reaching an agent (tcp connect and handshake) may take. */
#define CHAN_CONNECT_S	5.0

struct chan_frame {
	enum msg_type	 type;
	json_t		*msg;
};

struct chan {
	pid_t		 pid;		/* the agent's process, or ssh's; -1 for none */
	int		 rfd, wfd;
	struct frame_reader rd;		/* may hold bytes already read */
	struct seal	*seal;		/* tcp: the sealed stream (owned), else NULL */
	int64_t		 last_tx;	/* when we last sent (mono ns), for the heartbeat */
	struct chan_frame *pending;	/* frames read, not yet taken (owned) */
	size_t		 npending, cap;
};

/* An empty channel: no fds, no process, a reader of FRAME_MAX. */
void	chan_init(struct chan *);
/*
 * Sends a frame without ever blocking for good: the write side is
 * non-blocking or waited on, and a peer that stops reading is given up on
 * after CHAN_SEND_S, as is everything once run_interrupted().  0, or -1
 * (errno: ETIMEDOUT, EINTR, or the write's).
 */
#define CHAN_SEND_S	10.0
int	chan_send(struct chan *, json_t *msg);
/*
 * Reads what is there and decodes every complete frame into the pending
 * list.  1 read, 0 nothing to read now, -1 the channel closed or failed
 * (err: "closed" or the read's error), -2 a bad frame (err says why).
 */
int	chan_fill(struct chan *, char *err, size_t errlen);
/*
 * The first pending frame whose type is in want (a set of MSG_BIT()s) and,
 * when seq >= 0, whose seq is seq (an error frame matches whatever its seq):
 * the caller owns it; NULL when none.  *type (if not NULL) is its type.
 */
json_t	*chan_take(struct chan *, unsigned want, int64_t seq, enum msg_type *type);
/* chan_take(), waiting on this channel alone up to timeout_s; NULL with err. */
json_t	*chan_recv(struct chan *, unsigned want, int64_t seq, double timeout_s, enum msg_type *type,
	    char *err, size_t errlen);
/* One try at saying bye (an agent that cannot take a few bytes now is killed by chan_close). */
int	chan_bye(struct chan *);
/*
 * Closes both fds, waits up to wait_s for the process (then kills it), and
 * frees the seal, the reader and the pending frames.
 */
void	chan_close(struct chan *, double wait_s);
/* How the process ended, for a message: "killed by signal 9", "exited with status 1". Caller frees. */
char	*chan_exit_text(struct chan *);

/*
 * Waiting for a frame the way a command waits: `verona run` watches every
 * agent meanwhile, `verona ping` only this one.  Returns the frame (caller
 * owns it), or NULL with err.
 */
typedef json_t *chan_await_fn(void *ctx, struct chan *, unsigned want, int64_t seq, double timeout_s,
    const char *what, char *err, size_t errlen);

/* What a hello asks of the agent: NULL fields and 0 are left out of the frame. */
struct chan_hello {
	const char	*host, *addr;
	const char	*sandbox;	/* full, uid, none */
	int		 probe_capture;	/* ping: may the agent capture? */
	const char	*iface;
	json_t		*limits;
	int		 bind_own;	/* every host on one stack (loopback): send from the host's address */
};
/* The hello frame (new reference); sent with chan_send(), answered by the agent's hello. */
json_t	*chan_hello_msg(const struct chan_hello *);

/*
 * The agent's clock offset from ours (DESIGN section 3): the same clock when
 * the agent runs on this machine (its hello has our boot id), else several
 * round trips of a "time" frame, keeping the one with the smallest round
 * trip: its offset is the agent's stamp minus the midpoint of our send and
 * receive, uncertain by half that round trip.
 */
#define CLOCK_ROUNDS	8
struct clock_est {
	int	 rounds;
	int64_t	 rtt_ns;	/* the smallest so far */
	int64_t	 offset_ns;	/* agent - controller, from that round trip */
};
int	clock_same_machine(json_t *hello);
void	clock_est_add(struct clock_est *, int64_t sent_ns, int64_t agent_ns, int64_t received_ns);
/* {offset_ns, uncertainty_ns, rtt_ns, method}; same: the same machine. New reference. */
json_t	*clock_est_json(const struct clock_est *, int same);
/*
 * Estimates the clock of the agent that answered hello: 0 with *clock
 * (clock_est_json, caller owns) and *offset_ns; -1 when a time frame could
 * not be sent (errno), -2 when await gave no answer (err).
 */
int	chan_clock(struct chan *, json_t *hello, chan_await_fn *, void *ctx, double timeout_s,
	    json_t **clock, int64_t *offset_ns, char *err, size_t errlen);
#endif
