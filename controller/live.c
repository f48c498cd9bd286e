/*
 * live.c — the live view: while the run goes, the packets each agent has
 * captured so far are brought in (live_peek asks every agent) and printed
 * under the step that caused them (live_print).  See run-int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "capture.h"
#include "run-int.h"
#include "util.h"

void
live_start(struct runner *r)
{
	if (r->o->quiet || r->o->json)
		return;
	r->lv = xcalloc(1, sizeof *r->lv);
	r->lv->view.bases = json_object();
	r->lv->view.senders = json_object();
	r->lv->pending = json_array();
	for (size_t i = 0; i < r->ag.nac && i < RUN_CAPTURES_MAX; i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		if (addr_from_ip(r->ag.ac[i].host->addr, 0, &ss, &len) == 0)
			addr_ip((struct sockaddr *)&ss, r->lv->addr[i], sizeof r->lv->addr[i]);
		if (r->ag.ac[i].capturing)
			json_object_set_new(r->lv->view.senders, r->lv->addr[i], json_true());
	}
}

static int
live_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_array_get(*(json_t *const *)a, 0));
	json_int_t y = json_integer_value(json_array_get(*(json_t *const *)b, 0));
	return x < y ? -1 : x > y;
}

/* Brings in what the agents captured since the last peek, formatted in time order. */
void
live_peek(struct runner *r)
{
	struct pktview_live *lv = r->lv;
	json_t *m = json_pack("{s:s}", "type", proto_type_name(MSG_CAPTURE_PEEK)), *raw = json_array(), *lost = json_array();
	json_int_t last_ts = 0;

	for (size_t i = 0; i < r->ag.nac && i < RUN_CAPTURES_MAX && r->error == NULL; i++) {
		struct agentconn *a = &r->ag.ac[i];
		json_t *f, *list;
		if (!a->capturing || agent_send(a, m) != 0)
			continue;
		if ((f = await_frame(r, a, MSG_BIT(MSG_CAPTURE_PACKETS) | MSG_BIT(MSG_CAPTURE_FAILED), -1, HELLO_S, "a look at the capture")) == NULL)
			break;
		/* the agent hands at most TRACE_PEEK_MAX packets a look; it counts the others */
		if (json_integer_value(json_object_get(f, "lost")) > 0)
			json_array_append_new(lost, json_pack("[s, O]", a->host->name, json_object_get(f, "lost")));
		list = json_object_get(f, "packets");
		for (size_t k = 0; k < json_array_size(list); k++) {
			json_t *e = json_array_get(list, k);
			/* [ts, agent, linktype, wirelen, data] */
			json_array_append_new(raw, json_pack("[O, i, O, O, O]", json_array_get(e, 0), (int)i,
			    json_object_get(f, "linktype"), json_array_get(e, 1), json_array_get(e, 2)));
		}
		json_decref(f);
	}
	json_decref(m);
	size_t n = json_array_size(raw);
	json_t **v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(raw, i);
	qsort(v, n, sizeof *v, live_cmp);
	for (size_t k = 0; k < n; k++) {
		json_t *e = v[k];
		int i = (int)json_integer_value(json_array_get(e, 1));
		unsigned char *data;
		size_t len;
		struct trace_pkt p;
		char line[512];
		if (lv->listed >= RUN_PACKETS_MAX) {	/* counted, not shown; one note says so */
			if (lv->unlisted++ == 0) {
				char *note = xasprintf("... more packets, not shown: the live view shows at most %d",
				    RUN_PACKETS_MAX);
				json_array_append_new(lv->pending, json_pack("[O, s, s]", json_array_get(e, 0), "", note));
				free(note);
			}
			continue;
		}
		if (b64_decode(json_string_value(json_array_get(e, 4)) ?: "", &data, &len) != 0)
			continue;
		memset(&p, 0, sizeof p);
		trace_dissect((int)json_integer_value(json_array_get(e, 2)), data, (uint32_t)len,
		    (uint32_t)json_integer_value(json_array_get(e, 3)), json_integer_value(json_array_get(e, 0)), &p);
		last_ts = json_integer_value(json_array_get(e, 0));
		if (pktview_line(&lv->view, lv->addr[i], &p, line, sizeof line, NULL, NULL)) {
			lv->listed++;
			json_array_append_new(lv->pending, json_pack("[O, s, s]", json_array_get(e, 0),
			    r->ag.ac[i].host->name, line));
		}
		free(data);
	}
	free(v);
	json_decref(raw);
	for (size_t k = 0; k < json_array_size(lost); k++) {
		json_t *e = json_array_get(lost, k);
		char *note = xasprintf("... %lld more packets, not shown: the live view shows at most %d per host and step",
		    (long long)json_integer_value(json_array_get(e, 1)), TRACE_PEEK_MAX);
		lv->unlisted += (uint64_t)json_integer_value(json_array_get(e, 1));
		json_array_append_new(lv->pending, json_pack("[I, O, s]", last_ts, json_array_get(e, 0), note));
		free(note);
	}
	json_decref(lost);
}

/* Prints the pending packets captured before `before` (all of them when before < 0). */
void
live_print(struct runner *r, int64_t before)
{
	json_t *pend = r->lv->pending;
	while (json_array_size(pend) > 0) {
		json_t *e = json_array_get(pend, 0);
		if (before >= 0 && json_integer_value(json_array_get(e, 0)) >= before)
			break;
		printf("             %s%-7s %s%s\n", runner_color(r, "\033[2m"), json_string_value(json_array_get(e, 1)),
		    json_string_value(json_array_get(e, 2)), runner_color(r, "\033[0m"));
		json_array_remove(pend, 0);
	}
}

void
live_free(struct runner *r)
{
	if (r->lv == NULL)
		return;
	json_decref(r->lv->view.bases);
	json_decref(r->lv->view.senders);
	json_decref(r->lv->pending);
	free(r->lv);
	r->lv = NULL;
}
