/*
 * load-step.c — the loader's steps: each host step against its row of the
 * operation table (ops.h), repeat expansion with ${i}, top-level sleeps, and
 * expect.  Per host it tracks which socket names exist so far and which
 * background ids are open, so a use before definition or a wait on an
 * unknown id is caught before anything runs; see load.h.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errnames.h"
#include "expect.h"
#include "load.h"
#include "ops.h"
#include "util.h"

/* ---- expect ---- */

static const char *const packet_patterns[] = {
	"SYN", "SYN-ACK", "ACK", "PSH-ACK", "FIN-ACK", "FIN", "RST", "RST-ACK", "UDP", "ICMP-UNREACH", NULL,
};

static int
parse_errname(struct loader *L, yaml_node_t *n, int *err)
{
	char *s = load_subst(L, n);
	if (s == NULL)
		return -1;
	*err = strcmp(s, "gaierror") == 0 ? EXPECT_GAIERROR : errname_lookup(s);
	if (*err == 0) {
		load_err(L, n, "unknown error name '%s' (write an errno name like ECONNREFUSED, or timeout, eof)", s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

static void
parse_expect(struct loader *L, yaml_node_t *n, struct step *st)
{
	struct expect *e = &st->expect;
	static const char *const keys[] = {
		"ret", "errno", "data", "data_prefix", "data_regex", "from", "peer",
		"exit", "stdout", "stdout_regex", "stderr_regex", "within", "packets", "points", "name", NULL,
	};
	yaml_node_t *v;

	e->given = 1;
	e->pos = yamldoc_pos(n);
	if (yamldoc_is_scalar(n)) {
		char *s = load_subst(L, n);
		if (s == NULL)
			return;
		if (strcmp(s, "ok") != 0 && parse_errname(L, n, &e->err) != 0)
			e->err = 0;
		free(s);
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "expect must be ok, an error name, or a map, not %s", yamldoc_kind(n));
		return;
	}
	load_keys(L, n, keys, "expect");
	if ((v = yamldoc_map_get(&L->doc, n, "errno")) != NULL)
		parse_errname(L, v, &e->err);
	if ((v = yamldoc_map_get(&L->doc, n, "ret")) != NULL && load_int(L, v, "expect ret", LLONG_MIN, LLONG_MAX, &e->ret) == 0)
		e->has_ret = 1;
	if ((v = yamldoc_map_get(&L->doc, n, "data")) != NULL)
		load_data(L, v, "expect data", &e->data);
	if ((v = yamldoc_map_get(&L->doc, n, "data_prefix")) != NULL)
		load_data(L, v, "expect data_prefix", &e->data_prefix);
	if ((v = yamldoc_map_get(&L->doc, n, "data_regex")) != NULL && (e->data_regex = load_subst(L, v)) != NULL)
		load_check_regex(L, v, "expect data_regex", e->data_regex, RX_TEXT);
	if ((v = yamldoc_map_get(&L->doc, n, "from")) != NULL)
		e->from = load_addr(L, v, "expect from", 0);
	if ((v = yamldoc_map_get(&L->doc, n, "peer")) != NULL)
		e->peer = load_addr(L, v, "expect peer", 0);
	if ((v = yamldoc_map_get(&L->doc, n, "within")) != NULL)
		load_num(L, v, "expect within", 0, 86400, &e->within);
	if ((v = yamldoc_map_get(&L->doc, n, "exit")) != NULL) {
		long long x;
		if (load_int(L, v, "expect exit", 0, 255, &x) == 0)
			e->has_exit = 1, e->exit = (int)x;
	}
	if ((v = yamldoc_map_get(&L->doc, n, "stdout")) != NULL)
		e->stdout_text = load_subst(L, v);
	if ((v = yamldoc_map_get(&L->doc, n, "stdout_regex")) != NULL)
		e->stdout_regex = load_subst(L, v);
	if ((v = yamldoc_map_get(&L->doc, n, "stderr_regex")) != NULL)
		e->stderr_regex = load_subst(L, v);
	if (e->stdout_regex != NULL)
		load_check_regex(L, yamldoc_map_get(&L->doc, n, "stdout_regex"), "expect stdout_regex", e->stdout_regex, RX_TEXT);
	if (e->stderr_regex != NULL)
		load_check_regex(L, yamldoc_map_get(&L->doc, n, "stderr_regex"), "expect stderr_regex", e->stderr_regex, RX_TEXT);
	if ((v = yamldoc_map_get(&L->doc, n, "points")) != NULL && load_num(L, v, "points", 0, 1e6, &e->points) == 0)
		e->has_points = 1;
	if ((v = yamldoc_map_get(&L->doc, n, "name")) != NULL)
		e->name = load_subst(L, v);
	if ((e->has_exit || e->stdout_text || e->stdout_regex || e->stderr_regex) && st->def->id != OP_EXEC)
		load_err(L, n, "expect exit, stdout, stdout_regex and stderr_regex apply to exec steps only");
	if ((v = yamldoc_map_get(&L->doc, n, "packets")) != NULL) {
		if (yamldoc_is_scalar(v)) {
			char *s = load_subst(L, v);
			if (s != NULL && strcmp(s, "none") != 0)
				load_err(L, v, "expect packets must be none or a list of flag patterns");
			else if (s != NULL)
				e->packets = json_string("none");
			free(s);
		} else if (v->type == YAML_SEQUENCE_NODE) {
			e->packets = json_array();
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				const char *pat;
				if (load_enum(L, yamldoc_node(&L->doc, *it), "packet pattern", packet_patterns, &pat) == 0)
					json_array_append_new(e->packets, json_string(pat));
			}
		} else
			load_err(L, v, "expect packets must be none or a list of flag patterns");
	}
}

/* ---- steps ---- */

void
load_step_clear(struct step *st)
{
	free(st->host); free(st->op); free(st->sock); free(st->id); free(st->target);
	json_decref(st->args);
	free(st->data.p);
	load_aref_free(st->addr); load_aref_free(st->to);
	free(st->expect.data.p); free(st->expect.data_prefix.p);
	free(st->expect.data_regex);
	load_aref_free(st->expect.from); load_aref_free(st->expect.peer);
	free(st->expect.stdout_text); free(st->expect.stdout_regex); free(st->expect.stderr_regex);
	free(st->expect.name);
	json_decref(st->expect.packets);
	memset(st, 0, sizeof *st);
}

/*
 * Counts one step item of the expansion, valid or not, against the limit,
 * so that a repeat of mistakes ends as soon as a repeat of steps would.
 * 0, or -1 once over the limit.
 */
static int
count_step(struct loader *L, yaml_node_t *n)
{
	if (L->nexpanded >= LOAD_MAX_STEPS) {
		/* not load_err(): this is news even where a round already had an error */
		if (!L->too_many)
			errlist_add(L->errs, L->file, yamldoc_pos(n), "more than %d steps (after repeat)", LOAD_MAX_STEPS);
		L->too_many = 1;
		return -1;
	}
	L->nexpanded++;
	return 0;
}

/* A new step; the caller has counted it with count_step(). */
static struct step *
new_step(struct loader *L, yaml_node_t *n)
{
	struct experiment *x = L->x;
	struct step *st;
	if (x->nsteps == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 32;
		x->steps = xrealloc(x->steps, L->cap * sizeof *x->steps);
	}
	st = &x->steps[x->nsteps++];
	memset(st, 0, sizeof *st);
	st->pos = yamldoc_pos(n);
	st->number = (int)x->nsteps;
	st->timeout = 5;
	st->expect.within = -1;
	st->args = json_object();
	return st;
}

static void
define_socket(struct loader *L, const char *host, const char *sock)
{
	json_t *h = json_object_get(L->socks, host);
	if (h == NULL) {
		h = json_object();
		json_object_set_new(L->socks, host, h);
	}
	json_object_set_new(h, sock, json_true());
}

static void
parse_sleep(struct loader *L, yaml_node_t *item, yaml_node_t *v)
{
	struct step *st;
	double s;
	if (yamldoc_map_len(item) != 1) {
		load_err(L, item, "a top-level sleep takes no other keys");
		return;
	}
	if (load_num(L, v, "sleep", 0, 3600, &s) != 0)
		return;
	st = new_step(L, item);
	st->op = xstrdup("sleep");
	st->def = ops_find("sleep");
	json_object_set_new(st->args, "seconds", json_real(s));
	st->timeout = s + 5;
}

static void
parse_repeat(struct loader *L, yaml_node_t *item, yaml_node_t *v)
{
	static const char *const keys[] = { "count", "steps", "var", NULL };
	yaml_node_t *c, *steps, *var;
	long long count;
	char *name;

	if (yamldoc_map_len(item) != 1) {
		load_err(L, item, "repeat takes no keys beside it; put count and steps inside");
		return;
	}
	if (v->type != YAML_MAPPING_NODE) {
		load_err(L, v, "repeat must be a map with count and steps");
		return;
	}
	load_keys(L, v, keys, "repeat");
	c = yamldoc_map_get(&L->doc, v, "count");
	steps = yamldoc_map_get(&L->doc, v, "steps");
	if (c == NULL || steps == NULL) {
		load_err(L, v, "repeat needs count and steps");
		return;
	}
	if (load_int(L, c, "repeat count", 0, LOAD_MAX_STEPS, &count) != 0)
		return;
	if (L->rep_depth >= LOAD_MAX_REPEAT_DEPTH) {
		load_err(L, item, "repeat nested more than %d deep", LOAD_MAX_REPEAT_DEPTH);
		return;
	}
	var = yamldoc_map_get(&L->doc, v, "var");
	name = var ? load_subst(L, var) : xstrdup("i");
	if (name == NULL)
		return;
	if (!load_is_ident(name)) {
		load_err(L, var, "repeat var '%s' is not a name", name);
		free(name);
		return;
	}
	if (count == 0) {
		/*
		 * still validate the body once, with i = 0, discarding its steps
		 * (they still count against the limit, which bounds the work)
		 */
		size_t before = L->x->nsteps;
		json_t *ids = json_deep_copy(L->ids), *socks = json_deep_copy(L->socks);
		L->rep_name[L->rep_depth] = name;
		L->rep_val[L->rep_depth++] = 0;
		load_steps(L, steps);
		L->rep_depth--;
		/* ... and what it defined, so that later steps cannot name it */
		json_decref(L->ids);
		json_decref(L->socks);
		L->ids = ids;
		L->socks = socks;
		while (L->x->nsteps > before)
			load_step_clear(&L->x->steps[--L->x->nsteps]);
	}
	for (long long i = 0; i < count && !L->too_many; i++) {
		size_t before = L->nexpanded;
		L->rep_name[L->rep_depth] = name;
		L->rep_val[L->rep_depth++] = i;
		load_steps(L, steps);
		L->rep_depth--;
		/* a round with no steps counts as one, so nested empty repeats end too */
		if (L->nexpanded == before && count_step(L, v) != 0)
			break;
	}
	free(name);
}

/* The keys every step may have: id, background, timeout. */
static void
step_common(struct loader *L, yaml_node_t *item, yaml_node_t *body, struct step *st)
{
	yaml_node_t *v;

	if ((v = yamldoc_map_get(&L->doc, body, "id")) != NULL) {
		char *id = load_subst(L, v);
		if (id != NULL && !load_is_ident(id)) {
			load_err(L, v, "id '%s' is not a name (letters, digits, _ and -)", id);
			free(id);
		} else if (id != NULL) {
			json_t *prev = json_object_get(L->ids, id);
			if (prev != NULL)
				load_err(L, v, "duplicate id '%s' (first used at line %d)", id,
				    (int)json_integer_value(json_object_get(prev, "line")));
			st->id = id;
		}
	}
	if ((v = yamldoc_map_get(&L->doc, body, "background")) != NULL)
		load_bool(L, v, "background", &st->background);
	if ((v = yamldoc_map_get(&L->doc, body, "timeout")) != NULL)
		load_num(L, v, "timeout", 0.001, 86400, &st->timeout);
	if (st->background && st->id == NULL)
		load_err(L, item, "a background step needs an id, so that a wait can collect it");
}

/* The operand: a socket, seconds, a step id, a command, a path. */
static void
step_operand(struct loader *L, const struct host *h, const struct op_schema *op, yaml_node_t *body,
    yaml_node_t *operand, struct step *st)
{
	yaml_node_t *v;

	switch (op->operand) {
	case OPERAND_SOCKET:
	case OPERAND_NEW_SOCKET: {
		char *s = load_subst(L, operand);
		if (s == NULL)
			break;
		if (!load_is_ident(s)) {
			load_err(L, operand, "%s: socket name '%s' is not a name", op->name, s);
			free(s);
			break;
		}
		if (op->operand == OPERAND_SOCKET && !load_host_has_socket(L, h->name, s)) {
			json_t *hs = json_object_get(L->socks, h->name);
			struct buf b;
			const char *k;
			json_t *val;
			buf_init(&b);
			json_object_foreach(hs, k, val)
				buf_printf(&b, "%s%s", b.len ? ", " : "", k);
			load_err(L, operand, "%s: %s has no socket '%s' at this point (%s%s)", op->name,
			    h->name, s, b.len ? "sockets: " : "create it with socket first",
			    b.len ? (char *)b.data : "");
			buf_free(&b);
		}
		st->sock = s;
		json_object_set_new(st->args, op->operand == OPERAND_NEW_SOCKET ? "name" : "socket", json_string(s));
		break;
	}
	case OPERAND_SECONDS: {
		double secs;
		if (load_num(L, operand, op->name, 0, 3600, &secs) == 0) {
			json_object_set_new(st->args, "seconds", json_real(secs));
			if (st->timeout < secs + 1 && yamldoc_map_get(&L->doc, body, "timeout") == NULL)
				st->timeout = secs + 5;
		}
		break;
	}
	case OPERAND_ID: {
		char *id = load_subst(L, operand);
		json_t *t;
		if (id == NULL)
			break;
		t = json_object_get(L->ids, id);
		if (t == NULL)
			load_err(L, operand, "%s: no earlier step with id '%s'", op->name, id);
		else if (!json_is_true(json_object_get(t, "background")))
			load_err(L, operand, "%s: step '%s' is not a background step", op->name, id);
		else if (strcmp(json_string_value(json_object_get(t, "host")), h->name) != 0)
			load_err(L, operand, "%s: step '%s' runs on %s, not %s", op->name, id,
			    json_string_value(json_object_get(t, "host")), h->name);
		else if (json_is_true(json_object_get(t, "collected")))
			load_err(L, operand, "%s: step '%s' was already collected", op->name, id);
		else if (op->id == OP_KILL && json_is_true(json_object_get(t, "points")))
			load_err(L, operand, "kill: step '%s' has points, but a step that is stopped is never judged "
			    "(grade it by what it sent, or let it end and wait for it)", id);
		else {
			json_object_set_new(t, "collected", json_true());
			/* a wait may take as long as the step it collects */
			double tt = json_number_value(json_object_get(t, "timeout"));
			if (yamldoc_map_get(&L->doc, body, "timeout") == NULL && op->id == OP_WAIT && tt > st->timeout)
				st->timeout = tt;
		}
		st->target = id;
		json_object_set_new(st->args, "id", json_string(id));
		break;
	}
	case OPERAND_COMMAND:
		if (yamldoc_is_scalar(operand)) {
			char *c = load_subst(L, operand);
			if (c != NULL)
				json_object_set_new(st->args, "command", json_string(c));
			free(c);
		} else if (operand->type == YAML_SEQUENCE_NODE) {
			json_t *argv = json_array();
			for (yaml_node_item_t *it = operand->data.sequence.items.start; it < operand->data.sequence.items.top; it++) {
				char *c = load_subst(L, yamldoc_node(&L->doc, *it));
				if (c != NULL)
					json_array_append_new(argv, json_string(c));
				free(c);
			}
			json_object_set_new(st->args, "argv", argv);
		} else
			load_err(L, operand, "exec: the command must be a string or a list");
		if ((v = yamldoc_map_get(&L->doc, body, "ready")) != NULL)
			step_ready(L, body, v, st);
		break;
	case OPERAND_PATH:
	case OPERAND_HOSTNAME: {
		char *p = yamldoc_is_null(operand) && op->operand == OPERAND_HOSTNAME ? xstrdup("") : load_subst(L, operand);
		if (p != NULL)
			json_object_set_new(st->args, op->operand == OPERAND_PATH ? "src" : "name", json_string(p));
		free(p);
		break;
	}
	case OPERAND_NONE:
		if (!yamldoc_is_null(operand))
			load_err(L, operand, "%s takes nothing: write {%s: }", op->name, op->name);
		break;
	}
}

/* flags: [a, b]: each one of the argument's choices, once; a single name is a list of one. */
static void
step_flags(struct loader *L, yaml_node_t *val, const struct op_arg *arg, struct step *st)
{
	json_t *list = json_array();
	yaml_node_item_t *it, *end;
	const char *e;

	if (val->type == YAML_SEQUENCE_NODE) {
		it = val->data.sequence.items.start;
		end = val->data.sequence.items.top;
	} else
		it = end = NULL;
	if (val->type != YAML_SEQUENCE_NODE && load_enum(L, val, arg->name, arg->choices, &e) == 0)
		json_array_append_new(list, json_string(e));
	for (; it < end; it++) {
		yaml_node_t *f = yamldoc_node(&L->doc, *it);
		int seen = 0;
		size_t i;
		json_t *v;
		if (load_enum(L, f, arg->name, arg->choices, &e) != 0)
			continue;
		json_array_foreach(list, i, v)
			seen |= strcmp(json_string_value(v), e) == 0;
		if (seen)
			load_err(L, f, "%s: '%s' is given twice", arg->name, e);
		else
			json_array_append_new(list, json_string(e));
	}
	json_object_set_new(st->args, arg->name, list);
}

/* The operation's own arguments, by their type in its row (ops.h). */
static void
step_args(struct loader *L, const struct op_schema *op, yaml_node_t *body, struct step *st)
{
	for (yaml_node_pair_t *p = body->data.mapping.pairs.start + 1; p < body->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yamldoc_node(&L->doc, p->key), *val = yamldoc_node(&L->doc, p->value);
		const struct op_arg *arg;
		if (!yamldoc_is_scalar(k) || (arg = ops_arg(op, yamldoc_text(k))) == NULL)
			continue;	/* common key, or unknown (reported by check_keys) */
		switch (arg->type) {
		case ARG_ADDR: {
			struct aref *a = val->type == YAML_SEQUENCE_NODE ? load_addr_pair(L, val, arg->name) :
			    load_addr(L, val, arg->name, 1);
			struct aref **slot = strcmp(arg->name, "to") == 0 ? &st->to : &st->addr;
			load_aref_free(*slot);	/* a duplicate key (reported): the last one wins */
			*slot = a;
			break;
		}
		case ARG_DATA:
			free(st->data.p);	/* a duplicate key (reported): the last one wins */
			st->data.p = NULL;
			load_data(L, val, arg->name, &st->data);
			break;
		case ARG_INT: {
			long long x;
			if (load_int(L, val, arg->name, arg->min, arg->max, &x) == 0)
				json_object_set_new(st->args, arg->name, json_integer(x));
			break;
		}
		case ARG_INT_OR_BOOL: {
			long long x;
			char *s = load_subst(L, val);
			if (s == NULL)
				break;
			if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0)
				x = 1;
			else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0)
				x = 0;
			else if (load_int_text(s, &x) != 0 || x < arg->min || x > arg->max) {
				load_err(L, val, "%s must be true, false or an integer %lld..%lld, not '%s'",
				    arg->name, arg->min, arg->max, s);
				free(s);
				break;
			}
			free(s);
			json_object_set_new(st->args, arg->name, json_integer(x));
			break;
		}
		case ARG_NUMBER_OR_NULL: {
			double d;
			if (yamldoc_is_null(val) || (yamldoc_is_scalar(val) && strcmp(yamldoc_text(val), "none") == 0) ||
			    (yamldoc_is_scalar(val) && strcmp(yamldoc_text(val), "None") == 0))
				json_object_set_new(st->args, arg->name, json_null());
			else if (load_num(L, val, arg->name, 0, 86400, &d) == 0)
				json_object_set_new(st->args, arg->name, json_real(d));
			break;
		}
		case ARG_ENUM: {
			const char *e;
			if (load_enum(L, val, arg->name, arg->choices, &e) == 0)
				json_object_set_new(st->args, arg->name, json_string(e));
			break;
		}
		case ARG_NAME: {
			char *s = load_subst(L, val);
			if (s != NULL && !load_is_ident(s))
				load_err(L, val, "%s: '%s' is not a name", arg->name, s);
			else if (s != NULL)
				json_object_set_new(st->args, arg->name, json_string(s));
			free(s);
			break;
		}
		case ARG_STRING: {
			char *s = load_subst(L, val);
			if (s != NULL)
				json_object_set_new(st->args, arg->name, json_string(s));
			free(s);
			break;
		}
		case ARG_FLAGS:
			step_flags(L, val, arg, st);
			break;
		case ARG_SIZE: {
			long long x;
			if (load_size(L, val, arg->name, arg->min, arg->max, &x) == 0)
				json_object_set_new(st->args, arg->name, json_integer(x));
			break;
		}
		case ARG_ENV:
			if (val->type != YAML_MAPPING_NODE) {
				load_err(L, val, "env must be a map of NAME: value");
				break;
			}
			for (yaml_node_pair_t *q = val->data.mapping.pairs.start; q < val->data.mapping.pairs.top; q++) {
				char *s = load_subst(L, yamldoc_node(&L->doc, q->value));
				free(s);
			}
			break;
		}
	}
}

/* What the step needs besides, its expect, and what it defines for later steps. */
static void
step_finish(struct loader *L, const struct host *h, const struct op_schema *op, yaml_node_t *item,
    yaml_node_t *body, struct step *st)
{
	yaml_node_t *v;

	/* required arguments */
	for (const struct op_arg *a = op->args; a->name != NULL; a++)
		if (a->required && yamldoc_map_get(&L->doc, body, a->name) == NULL)
			load_err(L, body, "%s needs '%s'", op->name, a->name);
	if (op->id == OP_RECVALL && yamldoc_map_get(&L->doc, body, "size") != NULL &&
	    yamldoc_map_get(&L->doc, body, "until") != NULL)
		load_err(L, body, "recvall takes size or until: eof, not both");
	else if (op->id == OP_RECVALL && yamldoc_map_get(&L->doc, body, "size") == NULL &&
	    yamldoc_map_get(&L->doc, body, "until") == NULL)
		load_err(L, body, "recvall needs size: N or until: eof");
	if (op->id == OP_SOCKET) {
		if (json_object_get(st->args, "type") == NULL)
			json_object_set_new(st->args, "type", json_string("tcp"));
		if (json_object_get(st->args, "family") == NULL)
			json_object_set_new(st->args, "family", json_string("inet"));
	}
	if ((v = yamldoc_map_get(&L->doc, body, "expect")) != NULL)
		parse_expect(L, v, st);
	if (st->expect.err == EXPECT_GAIERROR && op->judge != expect_judge_resolve)
		load_err(L, v, "%s cannot raise socket.gaierror: only gethostbyname, getaddrinfo and the calls given an address resolve names", op->name);
	if (st->background && (op->id == OP_WAIT || op->id == OP_KILL))
		load_err(L, item, "%s cannot run in the background", op->name);

	/* effects on what later steps may name */
	if (op->operand == OPERAND_NEW_SOCKET && st->sock != NULL)
		define_socket(L, h->name, st->sock);
	if (op->id == OP_ACCEPT) {
		const char *as = json_string_value(json_object_get(st->args, "as"));
		if (as != NULL)
			define_socket(L, h->name, as);
	}
	if (st->id != NULL && json_object_get(L->ids, st->id) == NULL)
		json_object_set_new(L->ids, st->id, json_pack("{s:s, s:b, s:i, s:i, s:f, s:b}",
		    "host", h->name, "background", st->background, "line", st->pos.line, "col", st->pos.col,
		    "timeout", st->timeout, "points", st->expect.has_points));
}

/* A host step: {host: {op: operand, key: value, ...}} */
static void
parse_host_step(struct loader *L, yaml_node_t *item, yaml_node_t *hkey, yaml_node_t *body)
{
	const struct host *h = expt_host(L->x, yamldoc_text(hkey));
	const struct op_schema *op;
	yaml_node_pair_t *first;
	yaml_node_t *opkey, *operand;
	struct step *st;

	if (h == NULL) {
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < L->x->nhosts; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", L->x->hosts[i].name);
		if (strcmp(yamldoc_text(hkey), "sleep") == 0 || strcmp(yamldoc_text(hkey), "repeat") == 0)
			load_err(L, hkey, "'%s' must be the only key of its step", yamldoc_text(hkey));
		else if (!load_host_reported(L, yamldoc_text(hkey)))
			load_err(L, hkey, "unknown host '%s' (hosts: %s)", yamldoc_text(hkey), b.data ? (char *)b.data : "none");
		buf_free(&b);
		return;
	}
	if (yamldoc_map_len(item) != 1) {
		load_err(L, item, "a step is a one-key map: the host, then its operation");
		return;
	}
	if (body->type != YAML_MAPPING_NODE || yamldoc_map_len(body) == 0) {
		load_err(L, body, "the step of %s must be a map whose first key is the operation", h->name);
		return;
	}
	first = body->data.mapping.pairs.start;
	opkey = yamldoc_node(&L->doc, first->key);
	operand = yamldoc_node(&L->doc, first->value);
	if (!yamldoc_is_scalar(opkey) || (op = ops_find(yamldoc_text(opkey))) == NULL) {
		load_err(L, opkey, "unknown operation '%s' (expected %s)",
		    yamldoc_is_scalar(opkey) ? yamldoc_text(opkey) : "?", ops_names());
		return;
	}
	st = new_step(L, item);
	st->host = xstrdup(h->name);
	st->op = xstrdup(op->name);
	st->def = op;
	load_keys_from(L, body, 1, op->keys, op->name);

	step_common(L, item, body, st);
	step_operand(L, h, op, body, operand, st);
	step_args(L, op, body, st);
	step_finish(L, h, op, item, body, st);
}

void
load_steps(struct loader *L, yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE) {
		load_err(L, seq, "steps must be a list, not %s", yamldoc_kind(seq));
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = yamldoc_node(&L->doc, *it), *k = NULL, *v = NULL;
		if (L->too_many)
			return;
		if (item->type == YAML_MAPPING_NODE && yamldoc_map_len(item) > 0) {
			k = yamldoc_node(&L->doc, item->data.mapping.pairs.start->key);
			v = yamldoc_node(&L->doc, item->data.mapping.pairs.start->value);
		}
		if (yamldoc_is_scalar(k) && strcmp(yamldoc_text(k), "repeat") == 0 && expt_host(L->x, "repeat") == NULL) {
			parse_repeat(L, item, v);
			continue;
		}
		if (count_step(L, item) != 0)
			return;
		if (k == NULL)
			load_err(L, item, "a step must be a map like {HOST: {OP: ...}}, not %s",
			    item->type == YAML_MAPPING_NODE ? "an empty map" : yamldoc_kind(item));
		else if (!yamldoc_is_scalar(k))
			load_err(L, k, "a step's key must be a host name");
		else if (strcmp(yamldoc_text(k), "sleep") == 0 && expt_host(L->x, "sleep") == NULL)
			parse_sleep(L, item, v);
		else
			parse_host_step(L, item, k, v);
	}
}
