/*
 * doctor.h — what this machine lets verona do: probes of the privileges,
 * namespaces, capture, link conditions and program sandbox that the testbed
 * kinds need, each with the exact fix when it fails, and which kinds can run
 * here (verona doctor).
 */
#ifndef VERONA_DOCTOR_H
#define VERONA_DOCTOR_H
#include <stddef.h>

enum doctor_probe_id {
	DOCTOR_ROOT, DOCTOR_CAP_NET_ADMIN, DOCTOR_CAP_NET_RAW, DOCTOR_CAP_SYS_ADMIN, DOCTOR_SECCOMP,
	DOCTOR_NETNS, DOCTOR_VETH, DOCTOR_CAPTURE,
	DOCTOR_USERNS, DOCTOR_USERNS_VETH, DOCTOR_USERNS_CAPTURE, DOCTOR_SUBIDS,
	DOCTOR_LOOPBACK,
	DOCTOR_NFTABLES, DOCTOR_NETEM, DOCTOR_TBF, DOCTOR_CGROUPS, DOCTOR_SANDBOX,
	DOCTOR_PROBE__COUNT
};

struct doctor_result {
	int	 ok;
	int	 info;		/* a fact, not something a kind needs (seccomp) */
	char	 detail[256];	/* what was found */
	char	 fix[512];	/* when not ok: what to do ("" when nothing can be done) */
};

struct doctor_probe {
	const char	*id;		/* as --json names it */
	const char	*what;		/* as a person reads it */
	void		(*run)(struct doctor_result *);
};

#define DOCTOR_KIND_NEEDS	6
struct doctor_kind {
	const char		*name;
	int			 built;		/* this verona has it (else: the machine would allow it) */
	const char		*what;
	enum doctor_probe_id	 needs[DOCTOR_KIND_NEEDS];	/* ended by DOCTOR_PROBE__COUNT */
};

const struct doctor_probe	*doctor_probe_get(enum doctor_probe_id);
/* The i-th testbed kind, or NULL past the last. */
const struct doctor_kind	*doctor_kind_get(size_t i);

typedef void	(*doctor_progress_fn)(void *arg, const struct doctor_probe *);
/* Runs every probe in order (each in children where it makes namespaces; nothing is left behind). */
void	doctor_run(struct doctor_result res[DOCTOR_PROBE__COUNT], doctor_progress_fn, void *arg);
/* 1 when every probe the kind needs passed. */
int	doctor_kind_works(const struct doctor_kind *, const struct doctor_result res[DOCTOR_PROBE__COUNT]);
#endif
