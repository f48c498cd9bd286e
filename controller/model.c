/* model.c — the run's typed socket, background-step and step-result tables; see model.h. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

struct model_socket *
model_socket_find(const struct model_sockets *m, const char *host, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].host, host) == 0 && strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

static struct model_socket *
model_socket_get(struct model_sockets *m, const char *host, const char *name)
{
	struct model_socket *s = model_socket_find(m, host, name);

	if (s != NULL)
		return s;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 8;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	s = &m->v[m->n++];
	memset(s, 0, sizeof *s);
	s->host = xstrdup(host);
	s->name = xstrdup(name);
	return s;
}

const char *
model_socket_family(const struct model_sockets *m, const char *host, const char *name)
{
	const struct model_socket *s = model_socket_find(m, host, name);
	return s != NULL && s->inet6 ? "inet6" : "inet";
}

void
model_socket_new(struct model_sockets *m, const char *host, const char *name, int inet6)
{
	struct model_socket *s = model_socket_get(m, host, name);

	s->inet6 = inet6;
	s->has_addr = 0;
	free(s->hist);
	s->hist = NULL;
	s->nhist = 0;
}

void
model_socket_accepted(struct model_sockets *m, const char *host, const char *name, int inet6)
{
	model_socket_get(m, host, name)->inet6 = inet6;
}

static int
model_hist_same(const struct model_hist *a, const struct model_hist *b)
{
	return strcmp(a->local.ip, b->local.ip) == 0 && a->local.port == b->local.port &&
	    a->has_peer == b->has_peer && (!a->has_peer ||
	    (strcmp(a->peer.ip, b->peer.ip) == 0 && a->peer.port == b->peer.port));
}

void
model_socket_address(struct model_sockets *m, const char *host, const char *name,
    const struct model_addr *local, const struct model_addr *peer)
{
	struct model_socket *s = model_socket_get(m, host, name);
	struct model_hist h;

	s->has_addr = 1;
	s->addr = *local;
	memset(&h, 0, sizeof h);
	h.local = *local;
	if (peer != NULL) {
		h.has_peer = 1;
		h.peer = *peer;
	}
	if (local->port == 0)
		return;
	for (size_t i = 0; i < s->nhist; i++)
		if (model_hist_same(&s->hist[i], &h))
			return;
	s->hist = xrealloc(s->hist, (s->nhist + 1) * sizeof *s->hist);
	s->hist[s->nhist++] = h;
}

void
model_socket_timeout(struct model_sockets *m, const char *host, const char *name, int has, double seconds)
{
	struct model_socket *s = model_socket_get(m, host, name);
	s->has_timeout = has;
	s->timeout = seconds;
}

void
model_sockets_free(struct model_sockets *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].host);
		free(m->v[i].name);
		free(m->v[i].hist);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

void
model_background_start(struct model_backgrounds *b, const char *id, size_t rec)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].id, id) == 0) {
			b->v[i].rec = rec;
			return;
		}
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 8;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	b->v[b->n].id = xstrdup(id);
	b->v[b->n++].rec = rec;
}

int
model_background_find(const struct model_backgrounds *b, const char *id, size_t *rec)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].id, id) == 0) {
			*rec = b->v[i].rec;
			return 1;
		}
	return 0;
}

void
model_background_end(struct model_backgrounds *b, const char *id)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].id, id) == 0) {
			free(b->v[i].id);
			memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof *b->v);
			b->n--;
			return;
		}
}

void
model_backgrounds_free(struct model_backgrounds *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].id);
	free(b->v);
	memset(b, 0, sizeof *b);
}

struct step_result *
model_step_add(struct model_steps *m)
{
	struct step_result *r;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	r = &m->v[m->n++];
	memset(r, 0, sizeof *r);
	return r;
}

void
model_step_fail(struct step_result *r, const char *msg)
{
	r->failures = xrealloc(r->failures, (r->nfailures + 1) * sizeof *r->failures);
	r->failures[r->nfailures++] = xstrdup(msg);
}

static void
model_step_failures_free(struct step_result *r)
{
	for (size_t i = 0; i < r->nfailures; i++)
		free(r->failures[i]);
	free(r->failures);
	r->failures = NULL;
	r->nfailures = 0;
}

void
model_step_judge(struct step_result *r, json_t *result, const char *shown, json_t *failures)
{
	json_incref(result);
	json_decref(r->result);
	r->result = result;
	free(r->shown);
	r->shown = shown ? xstrdup(shown) : NULL;
	model_step_failures_free(r);
	for (size_t i = 0; i < json_array_size(failures); i++)
		model_step_fail(r, json_string_value(json_array_get(failures, i)) ?: "");
	r->judged = 1;
	r->expect = r->nfailures == 0 ? STEP_OUTCOME_PASS : STEP_OUTCOME_FAIL;
}

enum step_outcome
model_step_verdict(const struct step_result *r)
{
	if (r->packets == STEP_OUTCOME_UNDECIDABLE)
		return STEP_OUTCOME_UNDECIDABLE;
	switch (r->expect) {
	case STEP_OUTCOME_NONE:
	case STEP_OUTCOME_UNDECIDABLE:
		return r->expect;
	case STEP_OUTCOME_FAIL:
		return STEP_OUTCOME_FAIL;
	case STEP_OUTCOME_PASS:
		break;
	}
	return r->packets == STEP_OUTCOME_FAIL ? STEP_OUTCOME_FAIL : STEP_OUTCOME_PASS;
}

int
model_step_pass(const struct step_result *r)
{
	switch (model_step_verdict(r)) {
	case STEP_OUTCOME_PASS:
		return 1;
	case STEP_OUTCOME_FAIL:
		return 0;
	case STEP_OUTCOME_NONE:
	case STEP_OUTCOME_UNDECIDABLE:
		break;
	}
	return -1;
}

static const char *const model_step_states[] = {
	[STEP_STATE_NONE] = NULL,
	[STEP_STATE_RUNNING] = "running",
	[STEP_STATE_COLLECTED] = "collected",
	[STEP_STATE_KILLED] = "killed",
	[STEP_STATE_AT_END] = "collected at the end",
};

const char *
model_step_state_name(enum step_state s)
{
	return (size_t)s < sizeof model_step_states / sizeof *model_step_states ? model_step_states[s] : NULL;
}

static void
model_json_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

static json_t *
model_step_failures_json(const struct step_result *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nfailures; i++)
		json_array_append_new(a, json_string(r->failures[i]));
	return a;
}

/* result, shown, failures, pass as the result came; a collected step's after the wait's or kill's number. */
static void
model_step_judged_json(const struct step_result *r, json_t *o)
{
	int pass = model_step_pass(r);
	int collected = r->state == STEP_STATE_COLLECTED || r->state == STEP_STATE_KILLED;

	if (r->result != NULL)
		json_object_set(o, "result", r->result);
	if (!collected)
		model_json_str(o, "shown", r->shown);
	json_object_set_new(o, "failures", model_step_failures_json(r));
	if (pass >= 0)
		json_object_set_new(o, "pass", json_boolean(pass));
	if (collected) {
		json_object_set_new(o, "collected_by", json_integer(r->collected_by));
		model_json_str(o, "shown", r->shown);
	}
}

json_t *
model_step_json(const struct step_result *r)
{
	json_t *o = json_object();
	int pass = model_step_pass(r);

	json_object_set_new(o, "number", json_integer(r->number));
	json_object_set_new(o, "host", r->host ? json_string(r->host) : json_null());	/* null: a top-level sleep */
	model_json_str(o, "op", r->op);
	json_object_set_new(o, "line", json_integer(r->line));
	json_object_set_new(o, "col", json_integer(r->col));
	model_json_str(o, "python", r->python);
	json_object_set_new(o, "background", json_boolean(r->background));
	model_json_str(o, "id", r->id);
	model_json_str(o, "socket", r->socket);
	if (r->args != NULL)
		json_object_set(o, "args", r->args);
	model_json_str(o, "state", model_step_state_name(r->state));
	if (r->judged)
		model_step_judged_json(r, o);
	if (r->listed != NULL)
		json_object_set(o, "packets", r->listed);
	if (r->unlisted > 0)
		json_object_set_new(o, "packets_unlisted", json_integer(r->unlisted));
	/* a step that never finished says only what its packets failed, after them */
	if (!r->judged && r->nfailures > 0)
		json_object_set_new(o, "failures", model_step_failures_json(r));
	if (model_step_verdict(r) == STEP_OUTCOME_UNDECIDABLE)
		json_object_set_new(o, "undecidable", json_true());
	else if (!r->judged && pass >= 0)
		json_object_set_new(o, "pass", json_boolean(pass));
	return o;
}

json_t *
model_steps_json(const struct model_steps *m)
{
	json_t *a = json_array();

	for (size_t i = 0; i < m->n; i++)
		json_array_append_new(a, model_step_json(&m->v[i]));
	return a;
}

void
model_steps_free(struct model_steps *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct step_result *r = &m->v[i];
		free(r->host);
		free(r->op);
		free(r->python);
		free(r->id);
		free(r->socket);
		free(r->shown);
		json_decref(r->args);
		json_decref(r->result);
		json_decref(r->listed);
		model_step_failures_free(r);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}
