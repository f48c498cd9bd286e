/* testbed.c — the table of testbed kinds, and bringing a run's testbed up and down; see testbed.h. */
#include <string.h>

#include "testbed.h"

/* Asked in order: the first that claims the run is its testbed (local, the default, last). */
static const struct testbed_kind *const testbed_kinds[] = {
	&testbed_file_kind,
	&testbed_local_kind,
};

void
testbed_run_init(struct testbed_run *tr, const struct experiment *x, const struct tbfile *file)
{
	memset(tr, 0, sizeof *tr);
	tr->x = x;
	tr->file = file;
	for (size_t i = 0; i < sizeof testbed_kinds / sizeof testbed_kinds[0]; i++)
		if (testbed_kinds[i]->claims(tr)) {
			tr->kind = testbed_kinds[i];
			return;
		}
	tr->kind = &testbed_local_kind;
}

int
testbed_run_up(struct testbed_run *tr, char *err, size_t errlen)
{
	if (tr->kind->up(tr, err, errlen) != 0)
		return -1;
	tr->up = 1;
	return 0;
}

void
testbed_run_down(struct testbed_run *tr)
{
	if (tr->up)
		tr->kind->down(tr);
	tr->up = 0;
}
