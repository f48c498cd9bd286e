/*
 * test_model.c — unit tests for controller/model.c: the run's socket table
 * (a new socket forgets its addresses, accept takes the listener's family,
 * every address kept once with its peer, settimeout, the history handed to
 * the checks), the background-step table (in start order, ended by id), and
 * a step's verdict derived once from its expectation and its packets, and
 * a step's typed record built into results.json's form (keys in order, for
 * each path a step can take).
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

/* The keys of a record, in order, joined by spaces (a new string). */
static char *
keys_of(json_t *o)
{
	struct buf b;
	const char *k;
	json_t *v;
	char *s;

	buf_init(&b);
	json_object_foreach(o, k, v)
		buf_printf(&b, "%s%s", b.len ? " " : "", k);
	s = xstrdup(b.len ? (char *)b.data : "");
	buf_free(&b);
	return s;
}

static void
check_keys(const struct step_result *r, const char *want)
{
	json_t *o = model_step_json(r);
	char *got = keys_of(o);
	CHECK_STR(got, want);
	free(got);
	json_decref(o);
}

static struct step_result *
step_of(struct model_steps *m, int number, const char *host, const char *op)
{
	struct step_result *r = model_step_add(m);

	r->number = number;
	r->host = host ? xstrdup(host) : NULL;
	r->op = xstrdup(op);
	r->line = 3 + number;
	r->col = 5;
	r->python = xasprintf("step_%d()", number);
	return r;
}

#define HEAD "number host op line col python background"

UNIT_TEST(a_step_record_keeps_its_keys_in_order_on_every_path)
{
	struct model_steps m = { 0 };
	json_t *res = json_pack("{s:b, s:i}", "ok", 1, "start_ns", 7), *none = json_array(),
	    *bad = json_pack("[s]", "expected 1, got 2"), *o;
	struct step_result *r;

	/* a normal step: its result judged, then its packets decided */
	r = step_of(&m, 1, "romeo", "connect");
	r->socket = xstrdup("s");
	r->args = json_pack("{s:s}", "addr", "juliet:4000");
	check_keys(r, HEAD " socket args");			/* sent, no result yet */
	model_step_judge(r, res, "None", none);
	CHECK_INT(r->expect, STEP_OUTCOME_PASS);
	check_keys(r, HEAD " socket args result shown failures pass");
	r->listed = json_pack("[{s:s}]", "pattern", "SYN");
	r->unlisted = 2;
	check_keys(r, HEAD " socket args result shown failures pass packets packets_unlisted");
	r->packets = STEP_OUTCOME_UNDECIDABLE;			/* no "pass": neither */
	model_step_fail(r, "the packets on the wire cannot be told: no host captured");
	check_keys(r, HEAD " socket args result shown failures packets packets_unlisted undecidable");
	o = model_step_json(r);
	CHECK_INT(json_array_size(json_object_get(o, "failures")), 1);
	CHECK(json_is_true(json_object_get(o, "undecidable")));
	CHECK(json_is_null(json_object_get(o, "host")) == 0);
	json_decref(o);

	/* a top-level sleep: host null, nothing sent */
	r = step_of(&m, 2, NULL, "sleep");
	model_step_judge(r, res, "None", none);
	o = model_step_json(r);
	CHECK(json_is_null(json_object_get(o, "host")));
	json_decref(o);
	check_keys(r, HEAD " result shown failures pass");

	/* background: started, collected by a wait (shown after collected_by), killed (never shown) */
	r = step_of(&m, 3, "lab", "exec");
	r->background = 1;
	r->id = xstrdup("srv");
	r->args = json_pack("{s:s}", "command", "sleep 1");
	r->state = STEP_STATE_RUNNING;
	check_keys(r, HEAD " id args state");
	model_step_judge(r, res, NULL, bad);
	r->state = STEP_STATE_COLLECTED;
	r->collected_by = 5;
	check_keys(r, HEAD " id args state result failures pass collected_by");
	r->shown = xstrdup("exit 0");
	check_keys(r, HEAD " id args state result failures pass collected_by shown");
	o = model_step_json(r);
	CHECK_STR(json_string_value(json_object_get(o, "state")), "collected");
	CHECK(json_is_false(json_object_get(o, "pass")));
	CHECK_INT(json_integer_value(json_object_get(o, "collected_by")), 5);
	json_decref(o);
	r->state = STEP_STATE_KILLED;
	free(r->shown);
	r->shown = NULL;
	check_keys(r, HEAD " id args state result failures pass collected_by");

	/* collected at the end: the state where "running" was, the result after it */
	r = step_of(&m, 4, "lab", "exec");
	r->background = 1;
	r->id = xstrdup("late");
	r->state = STEP_STATE_AT_END;
	model_step_judge(r, res, "exit 0", none);
	check_keys(r, HEAD " id state result shown failures pass");

	/* never finished (the testbed failed): only its packets' failures, after them */
	r = step_of(&m, 5, "lab", "accept");
	r->background = 1;
	r->id = xstrdup("acc");
	r->state = STEP_STATE_RUNNING;
	r->listed = json_array();
	model_step_fail(r, "the packets on the wire cannot be told: the capture of lab was not kept");
	r->packets = STEP_OUTCOME_UNDECIDABLE;
	check_keys(r, HEAD " id state packets failures undecidable");
	r->packets = STEP_OUTCOME_FAIL;				/* no result: no verdict, no "pass" */
	check_keys(r, HEAD " id state packets failures");
	CHECK_INT(model_step_pass(r), -1);

	o = model_steps_json(&m);
	CHECK_INT(json_array_size(o), 5);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(o, 4), "number")), 5);
	json_decref(o);
	json_decref(res);
	json_decref(none);
	json_decref(bad);
	model_steps_free(&m);
	CHECK_INT(m.n, 0);
}

UNIT_TEST(a_judged_step_copies_its_failures_and_takes_a_reference_on_its_result)
{
	struct model_steps m = { 0 };
	json_t *res = json_pack("{s:b}", "ok", 0), *f = json_pack("[s, s]", "first", "second");
	struct step_result *r = step_of(&m, 1, "lab", "recv");

	model_step_judge(r, res, "b''", f);
	json_array_clear(f);				/* the record keeps its own copies */
	CHECK_INT(r->nfailures, 2);
	CHECK_STR(r->failures[1], "second");
	CHECK_INT(r->expect, STEP_OUTCOME_FAIL);
	CHECK_INT(model_step_pass(r), 0);
	CHECK(r->result == res && res->refcount == 2);
	model_step_judge(r, res, "b'x'", f);		/* judged again: failures replaced */
	CHECK_INT(r->nfailures, 0);
	CHECK_INT(model_step_pass(r), 1);
	CHECK_STR(r->shown, "b'x'");
	CHECK_STR(model_step_state_name(STEP_STATE_AT_END), "collected at the end");
	CHECK(model_step_state_name(STEP_STATE_NONE) == NULL);
	json_decref(f);
	model_steps_free(&m);
	CHECK_INT(res->refcount, 1);
	json_decref(res);
}

int
main(void)
{
	UNIT_RUN(sockets_remember_addresses_once_with_their_peers);
	UNIT_RUN(background_steps_in_start_order);
	UNIT_RUN(a_step_verdict_is_derived_once_from_both_outcomes);
	UNIT_RUN(a_step_record_keeps_its_keys_in_order_on_every_path);
	UNIT_RUN(a_judged_step_copies_its_failures_and_takes_a_reference_on_its_result);
	return UNIT_END();
}
