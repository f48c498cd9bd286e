/*
 * merge.h — merging the hosts' captures into one pcapng file whose packets
 * carry, as a comment, the step that caused them (the last step that had
 * started by the packet's time).  One interface per host.
 */
#ifndef VERONA_MERGE_H
#define VERONA_MERGE_H
#include <stddef.h>
#include <stdint.h>

struct trace_merge_input {
	const char	*path;		/* a pcap (nanosecond or microsecond) file */
	const char	*name;		/* the interface's name in the pcapng: "romeo:eth0" */
	int64_t		 offset_ns;	/* subtracted from its stamps: its clock's lead on ours */
	int64_t		 uncertainty_ns;/* how far offset_ns may be wrong; 0: exact (the same clock) */
};

struct trace_merge_step {
	int64_t		 start_ns;	/* steps in time order */
	const char	*comment;	/* "step 8 romeo: sock.connect(...)" */
};

/*
 * Calls visit for every packet of every input in time order (ties: input
 * order) with the index of the step it belongs to (-1: before the first),
 * and writes those it returns nonzero for (all, without a visit) to
 * out_path (if not NULL) below the folder out_dirfd (AT_FDCWD: the current
 * one) as pcapng, atomically, mode 0600, never through a symlink
 * (file_create_at, renameat).  0, or -1 with err set.
 */
typedef int (*trace_merge_visit)(void *arg, size_t input, int step, int64_t ts_ns,
		    int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen);
int	trace_merge(const struct trace_merge_input *, size_t ninputs,
	    const struct trace_merge_step *, size_t nsteps, int out_dirfd, const char *out_path,
	    trace_merge_visit visit, void *arg, char *err, size_t errlen);
#endif
