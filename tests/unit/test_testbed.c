/*
 * test_testbed.c — unit tests for the testbed interface (testbed.h): a run
 * with a testbed file gets the file kind, one without the local kind; each
 * kind describes a host as the manifest and transcript show it (the control
 * channel and "via" for a file, the namespace for local) and names the
 * interface hello asks for.
 */
#include <string.h>

#include "tbfile.h"
#include "testbed.h"
#include "unit.h"

UNIT_TEST(a_testbed_file_picks_the_file_kind)
{
	struct tbhost h = { .name = "romeo", .control = "tcp:192.0.2.10:7700", .iface = "eth1" };
	struct tbfile f = { .path = "hosts.yaml", .hosts = &h, .nhosts = 1 };
	struct testbed_run tr;
	struct testbed_host_info hi;

	testbed_run_init(&tr, NULL, &f);
	CHECK(tr.kind == &testbed_file_kind);
	CHECK_STR(tr.kind->name, "file");
	CHECK_STR(tr.kind->id(&tr), "hosts.yaml");
	tr.kind->host_info(&tr, "romeo", &hi);
	CHECK_STR(hi.key, "control");
	CHECK_STR(hi.value, "tcp:192.0.2.10:7700");
	CHECK_INT(hi.via, 1);
	CHECK_STR(hi.iface, "eth1");
	/* nothing to bring up or down */
	char err[64];
	CHECK_INT(testbed_run_up(&tr, err, sizeof err), 0);
	CHECK_INT(tr.up, 1);
	testbed_run_down(&tr);
	CHECK_INT(tr.up, 0);
}

UNIT_TEST(no_testbed_file_picks_the_local_kind)
{
	struct testbed_run tr;
	struct testbed_host_info hi;

	testbed_run_init(&tr, NULL, NULL);
	CHECK(tr.kind == &testbed_local_kind);
	CHECK_STR(tr.kind->name, "local");
	snprintf(tr.local.id, sizeof tr.local.id, "ab12cd");
	CHECK_STR(tr.kind->id(&tr), "ab12cd");
	tr.kind->host_info(&tr, "juliet", &hi);
	CHECK_STR(hi.key, "namespace");
	CHECK_STR(hi.value, "verona-ab12cd-juliet");
	CHECK_INT(hi.via, 0);
	CHECK(hi.iface == NULL);
	/* never brought up: nothing to bring down */
	testbed_run_down(&tr);
	CHECK_INT(tr.up, 0);
}

int
main(void)
{
	UNIT_RUN(a_testbed_file_picks_the_file_kind);
	UNIT_RUN(no_testbed_file_picks_the_local_kind);
	return UNIT_END();
}
