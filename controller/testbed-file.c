/*
 * testbed-file.c — the testbed kind of a testbed file (tbfile.h): real hosts
 * whose agents already run, reached over tcp with a key, ssh or a unix
 * socket.  Nothing to bring up or down.
 */
#include <stdio.h>

#include "chan.h"
#include "tbfile.h"
#include "testbed.h"

static int
file_claims(const struct testbed_run *tr)
{
	return tr->file != NULL;
}

static int
file_usable(const struct testbed_run *tr)
{
	struct errlist errs = { 0 };

	if (tbfile_fits(tr->file, tr->x, &errs) != 0) {
		errlist_print(&errs, stderr);
		errlist_free(&errs);
		return -1;
	}
	return 0;
}

static int
file_up(struct testbed_run *tr, char *err, size_t errlen)
{
	(void)tr;
	(void)err;
	(void)errlen;
	return 0;	/* real hosts: nothing to set up */
}

static int
file_connect(struct testbed_run *tr, const struct host *host, int logfd, int allow_exec, int say,
    struct chan *c, char *err, size_t errlen)
{
	const struct tbhost *h = tbfile_host(tr->file, host->name);

	if (say)
		printf("verona: connecting to %s (%s)\n", host->name, h->control);
	return tbhost_connect(h, logfd, allow_exec, CHAN_CONNECT_S, c, err, errlen);
}

static void
file_host_info(const struct testbed_run *tr, const char *host, struct testbed_host_info *hi)
{
	const struct tbhost *h = tbfile_host(tr->file, host);

	hi->key = "control";
	hi->value = h->control;
	hi->via = 1;
	hi->iface = h->iface;
	hi->shared_stack = 0;
}

static const char *
file_id(const struct testbed_run *tr)
{
	return tr->file->path;
}

static void
file_down(struct testbed_run *tr)
{
	(void)tr;
}

const struct testbed_kind testbed_file_kind = {
	.name = "file",
	.verb = "reach",
	.claims = file_claims,
	.usable = file_usable,
	.up = file_up,
	.connect = file_connect,
	.host_info = file_host_info,
	.id = file_id,
	.down = file_down,
};
