/*
 * clocks.h — the hosts' clock offsets corrected from what their captures
 * show: a packet one host sent and another received was received after it
 * was sent.  The control channel's estimate is right to within half a round
 * trip (hundreds of microseconds on a loaded machine); the captures bring two
 * hosts that exchanged packets to within half the difference of the
 * directions' shortest delays.
 */
#ifndef VERONA_CLOCKS_H
#define VERONA_CLOCKS_H
#include <stddef.h>
#include <stdint.h>

#include "merge.h"

/*
 * For each input i (its capture, its offset estimate and uncertainty, and
 * addr[i], the address its host sends from, as inet_ntop writes it), sets
 * correction_ns[i]: to be added to in[i].offset_ns (subtracted from that
 * host's stamps).  0 for the host whose clock is best known in each group
 * that exchanged packets, for hosts that exchanged none, and between two
 * exact clocks.  Reads at most the first 65536 packets of each capture
 * that hosts of the inputs sent.  0, or -1 with err set (a capture that
 * cannot be read).
 */
int	trace_clocks_correct(const struct trace_merge_input *in, size_t n, const char *const *addr,
	    int64_t *correction_ns, char *err, size_t errlen);
#endif
