/*
 * test_model.c — unit tests for controller/model.c: the run's socket table
 * (a new socket forgets its addresses, accept takes the listener's family,
 * every address kept once with its peer, settimeout, the history handed to
 * the checks), the background-step table (in start order, ended by id), and
 * a step's verdict derived once from its expectation and its packets.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model.h"
#include "util.h"
#include "unit.h"

UNIT_TEST(sockets_remember_addresses_once_with_their_peers)
{
	struct model_sockets m = { 0 };
	struct model_addr a = { "10.10.0.100", 41000 }, zero = { "10.10.0.100", 0 };
	struct model_addr p1 = { "10.10.0.101", 4000 }, p2 = { "10.10.0.101", 4001 };
	struct model_socket *s;

	CHECK(model_socket_find(&m, "romeo", "sock") == NULL);
	CHECK_STR(model_socket_family(&m, "romeo", "sock"), "inet");
	model_socket_new(&m, "romeo", "sock", 1);
	CHECK_STR(model_socket_family(&m, "romeo", "sock"), "inet6");
	model_socket_address(&m, "romeo", "sock", &zero, NULL);	/* port 0: an address, not history */
	s = model_socket_find(&m, "romeo", "sock");
	CHECK(s != NULL && s->has_addr && s->nhist == 0);
	model_socket_address(&m, "romeo", "sock", &a, NULL);
	model_socket_address(&m, "romeo", "sock", &a, NULL);	/* the same: kept once */
	model_socket_address(&m, "romeo", "sock", &a, &p1);	/* the same port, another connection */
	model_socket_address(&m, "romeo", "sock", &a, &p2);
	s = model_socket_find(&m, "romeo", "sock");
	CHECK_INT(s->nhist, 3);
	CHECK_INT(s->addr.port, 41000);
	CHECK(!s->hist[0].has_peer && s->hist[0].local.port == 41000);
	CHECK(s->hist[2].has_peer && s->hist[2].peer.port == 4001);
	/* settimeout stays with the name; a new socket forgets the addresses */
	model_socket_timeout(&m, "romeo", "sock", 1, 2.5);
	model_socket_new(&m, "romeo", "sock", 0);
	s = model_socket_find(&m, "romeo", "sock");
	CHECK(!s->has_addr && s->nhist == 0 && s->has_timeout && s->timeout == 2.5);
	CHECK_STR(model_socket_family(&m, "romeo", "sock"), "inet");
	/* accept: the new socket takes the family it is given (its listener's) */
	model_socket_accepted(&m, "juliet", "conn", 1);
	CHECK_STR(model_socket_family(&m, "juliet", "conn"), "inet6");
	CHECK(model_socket_find(&m, "juliet", "sock") == NULL);
	model_sockets_free(&m);
}

UNIT_TEST(background_steps_in_start_order)
{
	struct model_backgrounds b = { 0 };
	size_t rec = 99;

	model_background_start(&b, "srv", 3);
	model_background_start(&b, "cli", 5);
	CHECK(model_background_find(&b, "cli", &rec) && rec == 5);
	CHECK(!model_background_find(&b, "nobody", &rec));
	model_background_end(&b, "srv");
	CHECK_INT(b.n, 1);
	CHECK_STR(b.v[0].id, "cli");
	model_background_start(&b, "srv", 7);	/* an id used again starts afresh, last */
	CHECK_STR(b.v[1].id, "srv");
	CHECK(model_background_find(&b, "srv", &rec) && rec == 7);
	model_backgrounds_free(&b);
}

UNIT_TEST(a_step_verdict_is_derived_once_from_both_outcomes)
{
	struct step_result r;

	memset(&r, 0, sizeof r);
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_NONE);		/* no result came */
	r.expect = STEP_OUTCOME_PASS;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_PASS);		/* no expect: packets */
	r.packets = STEP_OUTCOME_PASS;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_PASS);
	r.packets = STEP_OUTCOME_FAIL;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_FAIL);		/* other packets fail a passed call */
	r.packets = STEP_OUTCOME_UNDECIDABLE;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_UNDECIDABLE);	/* never a pass */
	r.expect = STEP_OUTCOME_FAIL;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_UNDECIDABLE);	/* never the student's failure either */
	r.packets = STEP_OUTCOME_PASS;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_FAIL);
	r.expect = STEP_OUTCOME_NONE;
	r.packets = STEP_OUTCOME_UNDECIDABLE;
	CHECK_INT(model_step_verdict(&r), STEP_OUTCOME_UNDECIDABLE);	/* unfinished, and undecidable */
}

int
main(void)
{
	UNIT_RUN(sockets_remember_addresses_once_with_their_peers);
	UNIT_RUN(background_steps_in_start_order);
	UNIT_RUN(a_step_verdict_is_derived_once_from_both_outcomes);
	return UNIT_END();
}
