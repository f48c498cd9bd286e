/*
 * tbfile.h — a testbed file (DESIGN section 6): the hosts of a real testbed,
 * each with its control transport, experiment address and interface, and
 * key; and opening the control channel to each (DESIGN section 3).
 *
 *   hosts:
 *     romeo:
 *       control: tcp:192.0.2.10:7700      # or ssh://[user@]host[:port], unix:/path
 *       key: verona.key                   # tcp: the key file, relative to this file
 *       addr: 10.10.0.100                 # the experiment address
 *       iface: eth1                       # optional: found from addr
 *       agent: /opt/verona/bin/verona-agent   # ssh: the agent on the node
 *       ssh_args: [-F, ssh_config]        # ssh: more arguments for ssh
 *
 * Everything is owned by the struct tbfile; tbfile_free() releases it.
 */
#ifndef VERONA_TBFILE_H
#define VERONA_TBFILE_H
#include <sys/types.h>
#include "expt.h"
#include "chan.h"

enum tb_transport {
	TB_TCP,
	TB_SSH,
	TB_UNIX,
};

struct tbhost {
	char		*name;
	struct pos	 pos;
	enum tb_transport transport;
	char		*control;	/* as written */
	char		*target;	/* tcp: host; ssh: [user@]host; unix: path */
	char		*port;		/* tcp and ssh; NULL: ssh's default */
	char		*key;		/* path, resolved against the file's folder */
	char		*addr;
	char		*iface;
	char		*agent;		/* ssh: the agent command (default verona-agent) */
	char	       **ssh_args;
	size_t		 nssh_args;
};

struct tbfile {
	char		*path;
	struct tbhost	*hosts;
	size_t		 nhosts;
};

/* NULL with every error of the file in errs. */
struct tbfile *tbfile_load(const char *path, struct errlist *errs);
void	tbfile_free(struct tbfile *);
const struct tbhost *tbfile_host(const struct tbfile *, const char *name);
/*
 * Whether the experiment can run on the testbed: every host is there with
 * the experiment's address.  0, or -1 with the problems in errs.
 */
int	tbfile_fits(const struct tbfile *, const struct experiment *, struct errlist *errs);

/*
 * Opens the channel to h into c (chan_init()ed here): starts ssh (its
 * stderr to logfd), or connects (tcp, unix) and, for tcp, authenticates
 * with the key.  allow_exec: ssh starts the agent with --allow-exec.  0, or
 * -1 with err (c then holds nothing to close).
 */
int	tbhost_connect(const struct tbhost *h, int logfd, int allow_exec, double timeout_s,
	    struct chan *c, char *err, size_t errlen);
#endif
