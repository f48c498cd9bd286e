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
model_step_add(struct model_steps *m, json_t *rec)
{
	struct step_result *r;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 16;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	r = &m->v[m->n++];
	memset(r, 0, sizeof *r);
	r->rec = rec;
	return r;
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

void
model_steps_free(struct model_steps *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}
