/*
 * yamldoc.c — reading YAML with every node's position: the node helpers the
 * experiment loader (load*.c) and the testbed file (tbfile.c) share, the
 * file:line:col error list, and a document builder; see yamldoc.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yamldoc.h"

/* ---- errors ---- */

void
errlist_add(struct errlist *e, const char *file, struct pos p, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("%s:%d:%d: %s", file, p.line, p.col, msg);
	free(msg);
	/* a repeat expands its steps many times: say each error once */
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->msgs[i], full) == 0) {
			free(full);
			return;
		}
	e->msgs = xrealloc(e->msgs, (e->n + 1) * sizeof *e->msgs);
	e->msgs[e->n++] = full;
}

void
errlist_print(const struct errlist *e, FILE *f)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(f, "%s\n", e->msgs[i]);
}

void
errlist_free(struct errlist *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->msgs[i]);
	free(e->msgs);
	e->msgs = NULL;
	e->n = 0;
}

struct pos
yamldoc_pos(const yaml_node_t *n)
{
	struct pos p = { 1, 1 };
	if (n != NULL) {
		p.line = (int)n->start_mark.line + 1;
		p.col = (int)n->start_mark.column + 1;
	}
	return p;
}

/* ---- nodes ---- */

yaml_node_t *
yamldoc_node(yaml_document_t *doc, int id)
{
	return yaml_document_get_node(doc, id);
}

const char *
yamldoc_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a map";
	case YAML_NO_NODE: return "nothing";
	}
	return "?";
}

int
yamldoc_is_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE;
}

/* The raw text of a scalar (no substitution); static storage of the document. */
const char *
yamldoc_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

const char *
yamldoc_scalar(const yaml_node_t *n)
{
	return yamldoc_is_scalar(n) ? yamldoc_text(n) : NULL;
}

int
yamldoc_is_null(const yaml_node_t *n)
{
	if (!yamldoc_is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = yamldoc_text(n);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

yaml_node_t *
yamldoc_map_get(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;
	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yamldoc_node(doc, p->key);
		if (yamldoc_is_scalar(k) && strcmp(yamldoc_text(k), key) == 0)
			return yamldoc_node(doc, p->value);
	}
	return NULL;
}

size_t
yamldoc_map_len(const yaml_node_t *m)
{
	return (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
}

/* The key whose value n is, if it is a scalar; NULL otherwise.  For messages. */
const char *
yamldoc_key_of(yaml_document_t *doc, const yaml_node_t *n)
{
	int id = (int)(n - doc->nodes.start) + 1;
	for (yaml_node_t *m = doc->nodes.start; m < doc->nodes.top; m++) {
		if (m->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
			if (p->value == id)
				return yamldoc_is_scalar(yamldoc_node(doc, p->key)) ? yamldoc_text(yamldoc_node(doc, p->key)) : NULL;
	}
	return NULL;
}

/* The list that holds n as an item, or NULL.  For messages. */
const yaml_node_t *
yamldoc_list_of(yaml_document_t *doc, const yaml_node_t *n)
{
	int id = (int)(n - doc->nodes.start) + 1;
	for (yaml_node_t *m = doc->nodes.start; m < doc->nodes.top; m++) {
		if (m->type != YAML_SEQUENCE_NODE)
			continue;
		for (yaml_node_item_t *it = m->data.sequence.items.start; it < m->data.sequence.items.top; it++)
			if (*it == id)
				return m;
	}
	return NULL;
}

/* ---- building documents from events (see yamldoc.h) ---- */

/* The problem of a document nested too deep (which also keeps the builder's stack in bounds). */
const char yamldoc_too_deep[] = "nested too deep";

void
yamldoc_builder_init(struct yamldoc_builder *b, yaml_document_t *doc, const char *skip_key)
{
	memset(b, 0, sizeof *b);
	b->doc = doc;
	b->skip_key = skip_key;
	b->anchors = json_object();
	yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1);
}

void
yamldoc_builder_free(struct yamldoc_builder *b)
{
	json_decref(b->anchors);
}

static void
builder_attach(struct yamldoc_builder *b, int id)
{
	int top;
	if (b->depth == 0) {
		b->done = 1;	/* the root (always node 1: it is added first) */
		return;
	}
	top = b->stack[b->depth - 1].id;
	if (yaml_document_get_node(b->doc, top)->type == YAML_SEQUENCE_NODE)
		yaml_document_append_sequence_item(b->doc, top, id);
	else if (b->stack[b->depth - 1].key == 0)
		b->stack[b->depth - 1].key = id;
	else {
		yaml_document_append_mapping_pair(b->doc, top, b->stack[b->depth - 1].key, id);
		b->stack[b->depth - 1].key = 0;
	}
}

static void
builder_mark(struct yamldoc_builder *b, int id, const yaml_event_t *e, int start)
{
	yaml_node_t *n = yaml_document_get_node(b->doc, id);
	if (start)
		n->start_mark = e->start_mark;
	n->end_mark = e->end_mark;
}

/* Is the next item the root mapping's skip_key: value? */
static int
builder_at_skip_key(struct yamldoc_builder *b)
{
	yaml_node_t *k;
	if (b->skip_key == NULL || b->depth != 1 || b->stack[0].key == 0)
		return 0;
	k = yaml_document_get_node(b->doc, b->stack[0].key);
	return k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, b->skip_key) == 0 &&
	    yaml_document_get_node(b->doc, b->stack[0].id)->type == YAML_MAPPING_NODE;
}

static const char *
event_anchor(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT: return (const char *)e->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT: return (const char *)e->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT: return (const char *)e->data.mapping_start.anchor;
	default: return NULL;
	}
}

static const yaml_char_t *
event_tag(const yaml_char_t *tag)
{
	return tag != NULL && strcmp((const char *)tag, "!") != 0 ? tag : NULL;
}

/*
 * One event into the document.  0, or -1 with the problem in the parser's
 * fields, as yaml_parser_load() would leave them.
 */
int
yamldoc_builder_event(struct yamldoc_builder *b, yaml_parser_t *p, const yaml_event_t *e)
{
	const char *anchor = event_anchor(e);
	int id = 0;

	if (e->type == YAML_SEQUENCE_START_EVENT || e->type == YAML_MAPPING_START_EVENT) {
		if (++b->nesting > YAMLDOC_MAX_NESTING) {
			p->error = YAML_COMPOSER_ERROR;
			p->problem = yamldoc_too_deep;
			p->problem_mark = e->start_mark;
			p->context = NULL;
			return -1;
		}
	} else if (e->type == YAML_SEQUENCE_END_EVENT || e->type == YAML_MAPPING_END_EVENT)
		b->nesting--;
	if (b->skipping > 0) {
		if (e->type == YAML_SEQUENCE_START_EVENT || e->type == YAML_MAPPING_START_EVENT)
			b->skipping++;
		else if (e->type == YAML_SEQUENCE_END_EVENT || e->type == YAML_MAPPING_END_EVENT)
			b->skipping--;
		if (anchor != NULL || e->type == YAML_ALIAS_EVENT)
			b->anchors_seen = 1;
		if (b->skipping > 0)
			return 0;
		/* the end of the list left out */
		builder_mark(b, b->stack[--b->depth].id, e, 0);
		return 0;
	}
	if (anchor != NULL)
		b->anchors_seen = 1;
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		id = yaml_document_add_scalar(b->doc, (yaml_char_t *)event_tag(e->data.scalar.tag), e->data.scalar.value,
		    (int)e->data.scalar.length, e->data.scalar.style);
		builder_mark(b, id, e, 1);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (e->type == YAML_SEQUENCE_START_EVENT) {
			int at_skip = builder_at_skip_key(b);
			id = yaml_document_add_sequence(b->doc, (yaml_char_t *)event_tag(e->data.sequence_start.tag),
			    e->data.sequence_start.style);
			builder_mark(b, id, e, 1);
			if (anchor == NULL && at_skip) {
				builder_attach(b, id);
				b->stack[b->depth].id = id;
				b->stack[b->depth++].key = 0;
				b->skipping = 1;
				b->skipped = 1;
				return 0;
			}
		} else {
			id = yaml_document_add_mapping(b->doc, (yaml_char_t *)event_tag(e->data.mapping_start.tag),
			    e->data.mapping_start.style);
			builder_mark(b, id, e, 1);
		}
		if (anchor != NULL) {
			if (json_object_get(b->anchors, anchor) != NULL)
				goto dup;
			json_object_set_new(b->anchors, anchor, json_integer(id));
		}
		builder_attach(b, id);
		b->done = 0;
		b->stack[b->depth].id = id;
		b->stack[b->depth++].key = 0;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		builder_mark(b, b->stack[--b->depth].id, e, 0);
		if (b->depth == 0)
			b->done = 1;
		return 0;
	case YAML_ALIAS_EVENT: {
		json_t *v = json_object_get(b->anchors, (const char *)e->data.alias.anchor);
		b->anchors_seen = 1;
		if (v == NULL) {
			p->error = YAML_COMPOSER_ERROR;
			p->problem = "found undefined alias";
			p->problem_mark = e->start_mark;
			p->context = NULL;
			return -1;
		}
		builder_attach(b, (int)json_integer_value(v));
		return 0;
	}
	default:
		return 0;
	}
	if (anchor != NULL) {
		if (json_object_get(b->anchors, anchor) != NULL)
			goto dup;
		json_object_set_new(b->anchors, anchor, json_integer(id));
	}
	builder_attach(b, id);
	return 0;
dup:
	p->error = YAML_COMPOSER_ERROR;
	p->problem = "found duplicate anchor";
	p->problem_mark = e->start_mark;
	p->context = NULL;
	return -1;
}

int
yamldoc_load(yaml_parser_t *p, yaml_document_t *doc, const char *skip_key, int *skipped)
{
	struct yamldoc_builder b;
	int in_doc = 0;

	yamldoc_builder_init(&b, doc, skip_key);
	for (;;) {
		yaml_event_t e;
		if (!yaml_parser_parse(p, &e))
			goto fail;
		if (e.type == YAML_STREAM_END_EVENT || e.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		if (e.type == YAML_DOCUMENT_START_EVENT)
			in_doc = 1;
		else if (in_doc && yamldoc_builder_event(&b, p, &e) != 0) {
			yaml_event_delete(&e);
			goto fail;
		}
		yaml_event_delete(&e);
	}
	*skipped = b.skipped && !b.anchors_seen;
	if (b.skipped && b.anchors_seen) {
		/* anchors may reach into the items left out: keep everything, as libyaml would */
		yamldoc_builder_free(&b);
		yaml_document_delete(doc);
		return -2;
	}
	yamldoc_builder_free(&b);
	return 1;
fail:
	yamldoc_builder_free(&b);
	yaml_document_delete(doc);
	memset(doc, 0, sizeof *doc);
	return 0;
}
