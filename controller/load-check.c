/*
 * load-check.c — the loader's trace checks (checks: of an experiment or a
 * checks file), validated and handed on as pcap/check.h reads them; see
 * load.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "load.h"
#include "names.h"
#include "util.h"

/* An endpoint of a check (host, HOST:PORT, IP, HOST.SOCKET), validated; its text. */
static char *
check_endpoint(struct loader *L, yaml_node_t *n, const char *what)
{
	struct aref *a = load_addr(L, n, what, 0);
	char *t;
	if (a == NULL)
		return NULL;
	t = xstrdup(a->text);
	load_aref_free(a);
	return t;
}

static void
check_set_endpoint(struct loader *L, json_t *o, yaml_node_t *m, const char *key, int required, const char *check)
{
	yaml_node_t *v = yamldoc_map_get(&L->doc, m, key);
	char *t, what[64];
	snprintf(what, sizeof what, "%s %s", check, key);
	if (v == NULL) {
		if (required)
			load_err(L, m, "%s needs '%s'", check, key);
		return;
	}
	if ((t = check_endpoint(L, v, what)) != NULL)
		json_object_set_new(o, key, json_string(t));
	free(t);
}

/* CONN: "romeo.sock", or {conn: ...}, or {client: A, server: B}, with attempt. */
static void
check_conn(struct loader *L, json_t *o, yaml_node_t *v, const char *check)
{
	yaml_node_t *c, *cl, *sv, *at;
	char what[64];
	snprintf(what, sizeof what, "%s connection", check);
	if (yamldoc_is_scalar(v)) {
		char *t = check_endpoint(L, v, what);
		if (t != NULL)
			json_object_set_new(o, "conn", json_string(t));
		free(t);
		return;
	}
	if ((c = yamldoc_map_get(&L->doc, v, "conn")) != NULL) {
		if (yamldoc_is_scalar(c)) {
			char *t = check_endpoint(L, c, what);
			if (t != NULL)
				json_object_set_new(o, "conn", json_string(t));
			free(t);
		} else
			check_conn(L, o, c, check);
	} else if ((cl = yamldoc_map_get(&L->doc, v, "client")) != NULL && (sv = yamldoc_map_get(&L->doc, v, "server")) != NULL) {
		char *a = check_endpoint(L, cl, what), *b = check_endpoint(L, sv, what);
		/* flat, not an object of its own: a class's checks file has thousands */
		if (a != NULL && b != NULL) {
			json_object_set_new(o, "conn", json_sprintf("%s to %s", a, b));
			json_object_set_new(o, "client", json_string(a));
			json_object_set_new(o, "server", json_string(b));
		}
		free(a);
		free(b);
	} else
		load_err(L, v, "%s needs a connection: a socket (romeo.sock), conn: ..., or client: and server:", check);
	if ((at = yamldoc_map_get(&L->doc, v, "attempt")) != NULL) {
		long long n;
		if (load_int(L, at, "attempt", 1, 1000, &n) == 0)
			json_object_set_new(o, "attempt", json_integer(n));
	}
}

/* The names of the checks, in the table's order, NULL-terminated, into names[TRACE_CHECK__COUNT + 1]. */
static void
check_names(const char **names)
{
	for (size_t i = 0; i < TRACE_CHECK__COUNT; i++)
		names[i] = trace_check_table[i].name;
	names[TRACE_CHECK__COUNT] = NULL;
}

/* The keys def allows in its map (load_keys()). */
static void
check_keys(struct loader *L, yaml_node_t *v, const struct trace_check_def *def)
{
	const char *allowed[16];
	size_t n = 0;
	for (const struct trace_check_key *k = def->keys; k->name != NULL && n + 1 < sizeof allowed / sizeof allowed[0]; k++)
		allowed[n++] = k->name;
	allowed[n] = NULL;
	load_keys(L, v, allowed, def->name);
}

/* The keys beside a check's own: name and points. */
static void
check_beside(struct loader *L, yaml_node_t *c, const char *name, json_t *o)
{
	for (yaml_node_pair_t *p = c->data.mapping.pairs.start + 1; p < c->data.mapping.pairs.top; p++) {
		yaml_node_t *pk = yamldoc_node(&L->doc, p->key);
		if (!yamldoc_is_scalar(pk) || (strcmp(yamldoc_text(pk), "name") != 0 && strcmp(yamldoc_text(pk), "points") != 0))
			load_err(L, pk, "check %s: unknown key '%s' beside it (name, points)", name,
			    yamldoc_is_scalar(pk) ? yamldoc_text(pk) : "?");
		else if (strcmp(yamldoc_text(pk), "points") == 0) {
			double pts;
			if (load_num(L, yamldoc_node(&L->doc, p->value), "points", 0, 1e6, &pts) == 0)
				json_object_set_new(o, "points", json_real(pts));
		} else {
			char *t = load_subst(L, yamldoc_node(&L->doc, p->value));
			if (t != NULL)
				json_object_set_new(o, "name", json_string(t));
			free(t);
		}
	}
}

/* quiet: [id, ...], or {steps: ...} */
static void
check_quiet(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	yaml_node_t *steps = v->type == YAML_MAPPING_NODE ? yamldoc_map_get(&L->doc, v, "steps") : v;
	json_t *ids = json_array();
	if (v->type == YAML_MAPPING_NODE)
		check_keys(L, v, def);
	if (steps != NULL && yamldoc_is_scalar(steps)) {
		char *id = load_subst(L, steps);
		if (id != NULL)
			json_array_append_new(ids, json_string(id));
		free(id);
	} else if (steps != NULL && steps->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = steps->data.sequence.items.start; i < steps->data.sequence.items.top; i++) {
			char *id = load_subst(L, yamldoc_node(&L->doc, *i));
			if (id != NULL)
				json_array_append_new(ids, json_string(id));
			free(id);
		}
	} else
		load_err(L, v, "quiet needs step ids: quiet: [id, ...]");
	for (size_t i = 0; i < json_array_size(ids); i++)
		if (L->ids != NULL && json_object_get(L->ids, json_string_value(json_array_get(ids, i))) == NULL)
			load_err(L, v, "quiet: no step has id '%s'", json_string_value(json_array_get(ids, i)));
	json_object_set_new(o, "steps", ids);
}

/* stream: exactly one of data, contains, prefix, lines */
static void
check_stream_bytes(struct loader *L, yaml_node_t *v, json_t *o)
{
	static const char *const dk[] = { "data", "contains", "prefix", NULL };
	yaml_node_t *a;
	int forms = 0;

	for (const char *const *d = dk; *d; d++)
		if ((a = yamldoc_map_get(&L->doc, v, *d)) != NULL) {
			struct bytes b = { NULL, 0, 0 };
			forms++;
			if (load_data(L, a, *d, &b) == 0) {
				char *e = b64_encode(b.p, b.len);
				json_object_set_new(o, *d, json_string(e));
				free(e);
			}
			free(b.p);
		}
	if ((a = yamldoc_map_get(&L->doc, v, "lines")) != NULL) {
		json_t *lines = json_array();
		forms++;
		if (a->type != YAML_SEQUENCE_NODE)
			load_err(L, a, "stream lines must be a list of strings");
		else
			for (yaml_node_item_t *i = a->data.sequence.items.start; i < a->data.sequence.items.top; i++) {
				char *t = load_subst(L, yamldoc_node(&L->doc, *i));
				if (t != NULL)
					json_array_append_new(lines, json_string(t));
				free(t);
			}
		json_object_set_new(o, "lines", lines);
	}
	if (forms != 1)
		load_err(L, v, "stream needs exactly one of data, contains, prefix, lines");
}

/* A key that is true or false (allow_unreachable, none): set in o when true. */
static void
check_flag(struct loader *L, json_t *o, yaml_node_t *v, const char *key)
{
	yaml_node_t *a = yamldoc_map_get(&L->doc, v, key);
	int b = 0;
	if (a != NULL && load_bool(L, a, key, &b) == 0 && b)
		json_object_set_new(o, key, json_true());
}

/* reply_to: sender — the datagrams answer whoever sent to their source */
static void
check_reply_to(struct loader *L, json_t *o, yaml_node_t *v)
{
	static const char *const whom[] = { "sender", NULL };
	yaml_node_t *a = yamldoc_map_get(&L->doc, v, "reply_to");
	const char *w;
	if (a != NULL && load_enum(L, a, "reply_to", whom, &w) == 0)
		json_object_set_new(o, "reply_to", json_string(w));
}

/* A key naming one step of the experiment (closed before:). */
static void
check_step_id(struct loader *L, json_t *o, yaml_node_t *v, const char *key, const char *check)
{
	yaml_node_t *a = yamldoc_map_get(&L->doc, v, key);
	char *id;
	if (a == NULL)
		return;
	if (!yamldoc_is_scalar(a) || (id = load_subst(L, a)) == NULL) {
		load_err(L, a, "%s %s must be a step id", check, key);
		return;
	}
	if (L->ids != NULL && json_object_get(L->ids, id) == NULL)
		load_err(L, a, "%s %s: no step has id '%s'", check, key, id);
	else
		json_object_set_new(o, key, json_string(id));
	free(id);
}

/* datagrams: data: [...] or count: N */
static void
check_datagrams(struct loader *L, yaml_node_t *v, json_t *o)
{
	yaml_node_t *d = yamldoc_map_get(&L->doc, v, "data"), *cnt = yamldoc_map_get(&L->doc, v, "count");
	if ((d != NULL) == (cnt != NULL))
		load_err(L, v, "datagrams needs data: [...] or count: N");
	if (cnt != NULL) {
		long long nn;
		if (load_int(L, cnt, "count", 0, 1000000, &nn) == 0)
			json_object_set_new(o, "count", json_integer(nn));
	} else if (d != NULL && d->type != YAML_SEQUENCE_NODE)
		load_err(L, d, "datagrams data must be a list, one item per datagram");
	else if (d != NULL) {
		json_t *list = json_array();
		for (yaml_node_item_t *i = d->data.sequence.items.start; i < d->data.sequence.items.top; i++) {
			struct bytes b = { NULL, 0, 0 };
			if (load_data(L, yamldoc_node(&L->doc, *i), "datagram", &b) == 0) {
				char *e = b64_encode(b.p, b.len);
				json_array_append_new(list, json_string(e));
				free(e);
			}
			free(b.p);
		}
		json_object_set_new(o, "data", list);
	}
}

/* intervals: expect: [gaps], tolerance */
static void
check_intervals(struct loader *L, yaml_node_t *v, json_t *o)
{
	yaml_node_t *e = yamldoc_map_get(&L->doc, v, "expect"), *t = yamldoc_map_get(&L->doc, v, "tolerance");
	double tol = 0.05;
	json_t *list = json_array();
	if (e == NULL || e->type != YAML_SEQUENCE_NODE)
		load_err(L, v, "intervals needs expect: a list of gaps in seconds");
	else
		for (yaml_node_item_t *i = e->data.sequence.items.start; i < e->data.sequence.items.top; i++) {
			double g;
			if (load_num(L, yamldoc_node(&L->doc, *i), "interval", 0, 86400, &g) == 0)
				json_array_append_new(list, json_real(g));
		}
	if (t != NULL)
		load_num(L, t, "tolerance", 0, 3600, &tol);
	json_object_set_new(o, "expect", list);
	json_object_set_new(o, "tolerance", json_real(tol));
}

/*
 * A check whose keys need nothing of their own (a row added to
 * trace_check_table with endpoints, counts and seconds): each key read by
 * its type, none of them required.
 */
static void
check_generic_args(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	check_keys(L, v, def);
	if (def->conn != TRACE_CONN_NONE)
		check_conn(L, o, v, def->name);
	for (const struct trace_check_key *k = def->keys; k->name != NULL; k++) {
		yaml_node_t *a = yamldoc_map_get(&L->doc, v, k->name);
		long long nn;
		double d;
		if (a == NULL)
			continue;
		switch (k->type) {
		case TRACE_ARG_ENDPOINT:
			check_set_endpoint(L, o, v, k->name, 0, def->name);
			break;
		case TRACE_ARG_COUNT:
			if (load_int(L, a, k->name, 0, 1000000000, &nn) == 0)
				json_object_set_new(o, k->name, json_integer(nn));
			break;
		case TRACE_ARG_NUMBER:
			if (load_num(L, a, k->name, 0, 86400, &d) == 0)
				json_object_set_new(o, k->name, json_real(d));
			break;
		case TRACE_ARG_FLAG:
			check_flag(L, o, v, k->name);
			break;
		case TRACE_ARG_REPLY_TO:
			check_reply_to(L, o, v);
			break;
		case TRACE_ARG_STEP_ID:
			check_step_id(L, o, v, k->name, def->name);
			break;
		case TRACE_ARG_CONN:
		case TRACE_ARG_ATTEMPT:
			break;	/* check_conn() read them */
		case TRACE_ARG_DATA:
		case TRACE_ARG_LINES:
		case TRACE_ARG_DATA_LIST:
		case TRACE_ARG_NUMBER_LIST:
		case TRACE_ARG_STATE:
		case TRACE_ARG_STEP_IDS:
			load_err(L, a, "check %s: the loader reads %s only for the checks it knows", def->name, k->name);
			break;
		}
	}
}

/* handshake, refused: the connection, as the value or in a map */
static void
args_conn_only(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	if (v->type == YAML_MAPPING_NODE)
		check_keys(L, v, def);
	check_conn(L, o, v, def->name);
}

/* stream, acked: the connection and the sender */
static void
args_stream(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	check_keys(L, v, def);
	check_conn(L, o, v, def->name);
	check_set_endpoint(L, o, v, "from", 1, def->name);
	if (def->id == TRACE_CHECK_STREAM)
		check_stream_bytes(L, v, o);
}

/* closed, reset: the connection, and who closed it first or reset it */
static void
args_close(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	yaml_node_t *a;
	double d;

	if (v->type == YAML_MAPPING_NODE) {
		check_keys(L, v, def);
		check_set_endpoint(L, o, v, def->id == TRACE_CHECK_CLOSED ? "first" : "by", 0, def->name);
	}
	if (v->type == YAML_MAPPING_NODE && def->id == TRACE_CHECK_CLOSED) {
		if ((a = yamldoc_map_get(&L->doc, v, "within")) != NULL && load_num(L, a, "within", 0, 86400, &d) == 0)
			json_object_set_new(o, "within", json_real(d));
		check_step_id(L, o, v, "before", def->name);
	}
	check_conn(L, o, v, def->name);
}

static void
args_state(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	yaml_node_t *a;
	const char *stv;

	check_keys(L, v, def);
	check_conn(L, o, v, def->name);
	if ((a = yamldoc_map_get(&L->doc, v, "state")) == NULL)
		load_err(L, v, "state needs state: (S0, S1, SF, REJ, RSTO, RSTR, ...)");
	else if (load_enum(L, a, "state", trace_check_states, &stv) == 0)
		json_object_set_new(o, "state", json_string(stv));
}

static void
args_retransmissions(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	check_generic_args(L, def, v, o);
	if (yamldoc_map_get(&L->doc, v, "max") == NULL && yamldoc_map_get(&L->doc, v, "min") == NULL)
		load_err(L, v, "retransmissions needs max or min");
}

static void
args_concurrent(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	yaml_node_t *a;
	long long nn;

	check_keys(L, v, def);
	check_set_endpoint(L, o, v, "server", 1, def->name);
	if ((a = yamldoc_map_get(&L->doc, v, "count")) == NULL)
		load_err(L, v, "concurrent needs count");
	else if (load_int(L, a, "count", 1, 100000, &nn) == 0)
		json_object_set_new(o, "count", json_integer(nn));
}

/* datagrams, icmp_unreachable, intervals: from and to, and what each adds */
static void
args_from_to(struct loader *L, const struct trace_check_def *def, yaml_node_t *v, json_t *o)
{
	yaml_node_t *a;
	long long nn;

	check_keys(L, v, def);
	check_set_endpoint(L, o, v, "from", 1, def->name);
	check_set_endpoint(L, o, v, "to", 1, def->name);
	if (def->id == TRACE_CHECK_DATAGRAMS) {
		check_datagrams(L, v, o);
		check_reply_to(L, o, v);
		check_flag(L, o, v, "allow_unreachable");
	} else if (def->id == TRACE_CHECK_ICMP_UNREACHABLE) {
		a = yamldoc_map_get(&L->doc, v, "count");
		if (a != NULL && load_int(L, a, "count", 0, 1000000, &nn) == 0)
			json_object_set_new(o, "count", json_integer(nn));
		if ((a = yamldoc_map_get(&L->doc, v, "none")) != NULL && yamldoc_map_get(&L->doc, v, "count") != NULL)
			load_err(L, a, "icmp_unreachable takes count or none, not both (none: true is count: 0)");
		check_flag(L, o, v, "none");
	} else if (def->id == TRACE_CHECK_INTERVALS)
		check_intervals(L, v, o);
}

/*
 * How the loader reads each check's arguments, when its keys need more than
 * check_generic_args() (required keys, ranges, data forms); a check without
 * a row here (a new row of trace_check_table) is read generically.
 */
typedef void (*check_args_fn)(struct loader *, const struct trace_check_def *, yaml_node_t *, json_t *);
static const check_args_fn check_args[TRACE_CHECK__COUNT] = {
	[TRACE_CHECK_HANDSHAKE] = args_conn_only,
	[TRACE_CHECK_REFUSED] = args_conn_only,
	[TRACE_CHECK_STREAM] = args_stream,
	[TRACE_CHECK_ACKED] = args_stream,
	[TRACE_CHECK_CLOSED] = args_close,
	[TRACE_CHECK_RESET] = args_close,
	[TRACE_CHECK_STATE] = args_state,
	[TRACE_CHECK_RETRANSMISSIONS] = args_retransmissions,
	[TRACE_CHECK_CONCURRENT] = args_concurrent,
	[TRACE_CHECK_DATAGRAMS] = args_from_to,
	[TRACE_CHECK_ICMP_UNREACHABLE] = args_from_to,
	[TRACE_CHECK_INTERVALS] = args_from_to,
};

/*
 * An endpoint's addresses, when the experiment says them: a host, HOST:PORT,
 * localhost, an IP.  A socket (and anything else) stays late: the run's
 * sockets, or the message the check gives, decide it (names.h).
 */
static void
check_resolve(void *arg, struct trace_check_ep *e)
{
	struct loader *L = arg;
	e->late = names_address(L->x, e->text, &e->ep) != 1;
}

/* The check o (taken), typed (its endpoints resolved), onto the experiment's checks. */
static void
check_add(struct loader *L, json_t *o)
{
	struct experiment *x = L->x;
	if (x->ntrace_checks == L->checks_cap) {
		L->checks_cap = L->checks_cap ? L->checks_cap * 2 : 16;
		x->trace_checks = xrealloc(x->trace_checks, L->checks_cap * sizeof *x->trace_checks);
	}
	if (trace_check_from_json(&x->trace_checks[x->ntrace_checks], o, check_resolve, L) == 0)
		x->ntrace_checks++;
	json_decref(o);
}

/* One item of checks:, added to the experiment's checks (they go only if there were no errors). */
static void
parse_check_item(struct loader *L, yaml_node_t *c)
{
	const char *names[TRACE_CHECK__COUNT + 1], *name;
	const struct trace_check_def *def;
	yaml_node_t *k, *v;
	json_t *o;

	if (c->type != YAML_MAPPING_NODE || yamldoc_map_len(c) == 0) {
		load_err(L, c, "a check must be a map like {handshake: romeo.sock}");
		return;
	}
	k = yamldoc_node(&L->doc, c->data.mapping.pairs.start->key);
	v = yamldoc_node(&L->doc, c->data.mapping.pairs.start->value);
	check_names(names);
	if (load_enum(L, k, "check", names, &name) != 0)
		return;
	def = trace_check_find(name);
	o = json_pack("{s:s, s:i, s:i}", "check", name, "line", yamldoc_pos(k).line, "col", yamldoc_pos(k).col);
	check_beside(L, c, name, o);
	if (def->id == TRACE_CHECK_QUIET) {
		check_quiet(L, def, v, o);
		check_add(L, o);
		return;
	}
	if (v->type != YAML_MAPPING_NODE && def->conn != TRACE_CONN_VALUE) {
		load_err(L, v, "check %s takes a map of its arguments", name);
		json_decref(o);
		return;
	}
	(check_args[def->id] != NULL ? check_args[def->id] : check_generic_args)(L, def, v, o);
	check_add(L, o);
}

/*
 * The items of checks: that yamldoc_load() left out, read again from the text
 * one at a time, each into a document of its own for parse_check_item().
 */
static void
checks_stream(struct loader *L, yaml_node_t *seq)
{
	yaml_parser_t p;
	yaml_document_t main_doc = L->doc, item;
	struct yamldoc_builder b;
	int depth = 0, in_seq = 0, in_item = 0, done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (unsigned char *)L->x->text, L->x->text_len);
	while (!done) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e))
			break;	/* cannot happen: yamldoc_load() read the same text */
		if (in_seq && !in_item && e.type == YAML_SEQUENCE_END_EVENT) {
			done = 1;
		} else if (in_seq) {
			if (!in_item) {
				yamldoc_builder_init(&b, &item, 0);
				in_item = 1;
			}
			if (yamldoc_builder_event(&b, &p, &e) != 0) {
				struct pos pos = { (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1 };
				errlist_add(L->errs, L->file, pos, "YAML syntax error: %s", p.problem);
				done = 1;
			} else if (b.done) {
				L->doc = item;
				parse_check_item(L, yaml_document_get_root_node(&item));
				L->doc = main_doc;
			}
			if (done || b.done) {
				yamldoc_builder_free(&b);
				yaml_document_delete(&item);
				in_item = 0;
			}
		} else if (e.type == YAML_SEQUENCE_START_EVENT && depth == 1 &&
		    e.start_mark.index == seq->start_mark.index) {
			in_seq = 1;
		} else if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT) {
			depth++;
		} else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (e.type == YAML_STREAM_END_EVENT || e.type == YAML_DOCUMENT_END_EVENT)
			done = 1;
		yaml_event_delete(&e);
	}
	if (in_item) {
		yamldoc_builder_free(&b);
		yaml_document_delete(&item);
	}
	L->doc = main_doc;
	yaml_parser_delete(&p);
}

void
load_checks(struct loader *L, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		load_err(L, n, "checks must be a list");
		return;
	}
	if (L->checks_skipped) {
		checks_stream(L, n);
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		parse_check_item(L, yamldoc_node(&L->doc, *it));
}
