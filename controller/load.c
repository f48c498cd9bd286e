/*
 * load.c — the experiment loader's top level: YAML (libyaml's document API,
 * which keeps every node's line and column; yamldoc.h) to a struct
 * experiment.  Like an OpenBSD daemon's config parser it reports every
 * error of the file in one pass, each as file:line:column, and goes on
 * after an error wherever it can.
 *
 * Order of work: hosts, vars (-D overrides), then steps in order
 * (load-step.c), the checks (load-check.c), grading; values, addresses and
 * data are read by load-value.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check.h"
#include "grade.h"
#include <sodium.h>

#include "load.h"
#include "testbed.h"
#include "util.h"

/* ---- top level ---- */

static void
parse_hosts(struct loader *L, yaml_node_t *n)
{
	struct experiment *x = L->x;
	unsigned salt = randombytes_uniform(1u << 16);	/* the loopback testbed's addresses for this run */

	if (n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "hosts must be a map of NAME: ADDRESS");
		return;
	}
	L->hosts = n;
	L->hostnames = json_object();
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if (yamldoc_is_scalar(yamldoc_node(&L->doc, p->key)))
			json_object_set_new(L->hostnames, yamldoc_text(yamldoc_node(&L->doc, p->key)), json_true());
	x->hosts = xcalloc(yamldoc_map_len(n) + 1, sizeof *x->hosts);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yamldoc_node(&L->doc, p->key), *v = yamldoc_node(&L->doc, p->value), *a = v, *iface = NULL;
		struct host *h;
		char *addr, *slash;
		long long prefix = -1;
		int family;

		if (!yamldoc_is_scalar(k) || !load_is_ident(yamldoc_text(k))) {
			load_err(L, k, "host name must be a name (letters, digits, _ and -)");
			continue;
		}
		if (strcmp(yamldoc_text(k), "any") == 0 || strcmp(yamldoc_text(k), "localhost") == 0 ||
		    strcmp(yamldoc_text(k), "sleep") == 0 || strcmp(yamldoc_text(k), "repeat") == 0) {
			load_err(L, k, "'%s' cannot be a host name", yamldoc_text(k));
			continue;
		}
		if (expt_host(x, yamldoc_text(k)) != NULL) {
			load_err(L, k, "host '%s' is defined twice", yamldoc_text(k));
			continue;
		}
		if (v->type == YAML_MAPPING_NODE) {
			static const char *const keys[] = { "addr", "iface", NULL };
			load_keys(L, v, keys, "host");
			a = yamldoc_map_get(&L->doc, v, "addr");
			iface = yamldoc_map_get(&L->doc, v, "iface");
			if (a == NULL) {
				load_err(L, v, "host '%s' needs addr", yamldoc_text(k));
				continue;
			}
		}
		if ((addr = load_subst(L, a)) == NULL)
			continue;
		if ((slash = strchr(addr, '/')) != NULL) {
			*slash = '\0';
			if (load_int_text(slash + 1, &prefix) != 0 || prefix < 0 || prefix > 128) {
				load_err(L, a, "bad prefix length in '%s/%s'", addr, slash + 1);
				free(addr);
				continue;
			}
		}
		if (!addr_is_ip(addr, &family)) {
			load_err(L, a, "host '%s': '%s' is not an IP address", yamldoc_text(k), addr);
			free(addr);
			continue;
		}
		if (family == AF_INET && prefix > 32) {
			load_err(L, a, "bad prefix length /%lld for IPv4", prefix);
			free(addr);
			continue;
		}
		if (testbed_place() == TESTBED_PLACE_LOOPBACK) {
			/* every host an address of its own on lo: 10.10.0.101 is 127.X.Y.101, X.Y this run's */
			char lo[64];
			if (testbed_loopback_addr(addr, salt, lo, sizeof lo) != 0) {
				load_err(L, a, "host '%s': the loopback testbed gives hosts addresses of their own only in "
				    "127.0.0.0/8 (IPv6 has one loopback address, ::1): run this experiment on netns or userns",
				    yamldoc_text(k));
				free(addr);
				continue;
			}
			free(addr);
			addr = xstrdup(lo);
			prefix = 8;
		}
		for (size_t i = 0; i < x->nhosts; i++)
			if (strcmp(x->hosts[i].addr, addr) == 0 && testbed_place() == TESTBED_PLACE_LOOPBACK)
				load_err(L, a, "hosts '%s' and '%s' would share the address %s on the loopback testbed, which keeps "
				    "only an address's last number: give them different last numbers", x->hosts[i].name,
				    yamldoc_text(k), addr);
			else if (strcmp(x->hosts[i].addr, addr) == 0 && !addr_is_loopback(addr))
				load_err(L, a, "hosts '%s' and '%s' have the same address %s", x->hosts[i].name, yamldoc_text(k), addr);
		h = &x->hosts[x->nhosts++];
		h->name = xstrdup(yamldoc_text(k));
		h->addr = addr;
		h->family = family;
		h->prefix = prefix >= 0 ? (int)prefix : family == AF_INET ? 24 : 64;
		h->pos = yamldoc_pos(k);
		h->capture = 1;
		if (iface != NULL && (h->iface = load_subst(L, iface)) != NULL) {
			/* it becomes an argument of ip(8): a plain interface name only */
			size_t n = strlen(h->iface), ok = n > 0 && n < 16 && strcmp(h->iface, "lo") != 0;
			for (const char *c = h->iface; ok && *c; c++)
				ok = isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.';
			if (!ok)
				load_err(L, iface, "host '%s': bad interface name '%s' (1 to 15 letters, digits, '.', '-', '_'; not lo)",
				    h->name, h->iface);
		}
	}
	if (yamldoc_map_len(n) == 0)
		load_err(L, n, "hosts is empty: name at least one host");
}

static void
parse_vars(struct loader *L, yaml_node_t *n, json_t *defines)
{
	if (n != NULL && n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "vars must be a map of NAME: value");
		n = NULL;
	}
	if (n != NULL) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yamldoc_node(&L->doc, p->key), *v = yamldoc_node(&L->doc, p->value);
			if (!yamldoc_is_scalar(k) || !load_is_ident(yamldoc_text(k))) {
				load_err(L, k, "variable name must be a name");
				continue;
			}
			if (strcmp(yamldoc_text(k), "i") == 0) {
				load_err(L, k, "'i' is the repeat counter and cannot be a variable");
				continue;
			}
			if (!yamldoc_is_scalar(v)) {
				load_err(L, v, "variable '%s' must be a scalar, not %s", yamldoc_text(k), yamldoc_kind(v));
				continue;
			}
			/* -D wins over the file; a var may use the vars above it */
			if (defines != NULL && json_object_get(defines, yamldoc_text(k)) != NULL)
				continue;
			char *s = load_subst(L, v);
			if (s != NULL)
				json_object_set_new(L->vars, yamldoc_text(k), json_string(s));
			free(s);
		}
	}
}

/* links: {loss: 10%, delay: 20ms}, on every link of the local testbed */
static void
parse_links(struct loader *L, yaml_node_t *n)
{
	static const char *const keys[] = { "loss", "delay", NULL };
	yaml_node_t *v;
	char *s, *end;

	if (n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "links must be a map with loss and delay, e.g. {loss: 10%%, delay: 20ms}");
		return;
	}
	load_keys(L, n, keys, "links");
	if ((v = yamldoc_map_get(&L->doc, n, "loss")) != NULL && (s = load_subst(L, v)) != NULL) {
		double loss = strtod(s, &end);
		if (end == s || (*end != '\0' && strcmp(end, "%") != 0) || loss < 0 || loss > 100)
			load_err(L, v, "links loss must be a percentage like 10%%, not '%s'", s);
		else
			L->x->link_loss = loss;
		free(s);
	}
	if ((v = yamldoc_map_get(&L->doc, n, "delay")) != NULL && (s = load_subst(L, v)) != NULL) {
		long ms = strtol(s, &end, 10);
		if (end == s || (*end != '\0' && strcmp(end, "ms") != 0) || ms < 0 || ms > 60000)
			load_err(L, v, "links delay must be milliseconds like 20ms, not '%s'", s);
		else
			L->x->link_delay_ms = (int)ms;
		free(s);
	}
}

static void
parse_capture(struct loader *L, yaml_node_t *n)
{
	static const char *const keys[] = { "on", "filter", "snaplen", "buffer", NULL };
	yaml_node_t *on, *v;
	if (n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "capture must be a map with on, filter, snaplen, buffer");
		return;
	}
	load_keys(L, n, keys, "capture");
	if ((on = yamldoc_map_get(&L->doc, n, "on")) != NULL) {
		if (on->type != YAML_SEQUENCE_NODE)
			load_err(L, on, "capture on must be a list of hosts");
		else {
			for (size_t i = 0; i < L->x->nhosts; i++)
				L->x->hosts[i].capture = 0;
			for (yaml_node_item_t *it = on->data.sequence.items.start; it < on->data.sequence.items.top; it++) {
				char *h = load_subst(L, yamldoc_node(&L->doc, *it));
				const struct host *hp = h ? expt_host(L->x, h) : NULL;
				if (h != NULL && hp == NULL)
					load_err(L, yamldoc_node(&L->doc, *it), "capture: unknown host '%s'", h);
				else if (hp != NULL)
					((struct host *)hp)->capture = 1;
				free(h);
			}
		}
	}
	if ((v = yamldoc_map_get(&L->doc, n, "filter")) != NULL)
		L->x->capture_filter = load_subst(L, v);
	if ((v = yamldoc_map_get(&L->doc, n, "snaplen")) != NULL) {
		long long sl;
		if (load_int(L, v, "capture snaplen", 64, 262144, &sl) == 0)
			L->x->capture_snaplen = (int)sl;
	}
	if ((v = yamldoc_map_get(&L->doc, n, "buffer")) != NULL) {
		long long b;
		if (load_int(L, v, "capture buffer", 4096, 1LL << 30, &b) == 0)
			L->x->capture_buffer = (int)b;
	}
}
/* How many more of open than of close the text has. */
static int
unclosed(const char *s, char open, char close)
{
	int n = 0;
	for (; *s != '\0'; s++)
		n += (*s == open) - (*s == close);
	return n;
}

/*
 * A name in a flow list ([a, b]) that YAML split at a comma inside it:
 * "an orderly close (FIN" and "not RST)" from [an orderly close (FIN, not
 * RST)].  An item that leaves a bracket open is reported with the name it
 * was meant to be, quoted; returns how many entries of the list that name
 * took (the caller skips them), or 0 when the entry is whole.
 */
static size_t
grading_split_name(struct loader *L, yaml_node_t *list, yaml_node_item_t *it, const char *key)
{
	yaml_node_t *n = yamldoc_node(&L->doc, *it);
	yaml_node_item_t *next = it + 1;
	struct buf whole;
	int open;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	open = unclosed((const char *)n->data.scalar.value, '(', ')') + unclosed((const char *)n->data.scalar.value, '[', ']');
	if (open <= 0)
		return 0;
	buf_init(&whole);
	buf_adds(&whole, (const char *)n->data.scalar.value);
	for (; next < list->data.sequence.items.top && open > 0; next++) {
		yaml_node_t *m = yamldoc_node(&L->doc, *next);
		const char *t = m->type == YAML_SCALAR_NODE ? (const char *)m->data.scalar.value : "";
		buf_printf(&whole, ", %s", t);
		open += unclosed(t, '(', ')') + unclosed(t, '[', ']');
	}
	buf_addc(&whole, '\0');
	load_err(L, n, "grading %s: \"%s\" leaves a bracket open: YAML splits a name at its commas in [...]; "
	    "quote the name: %s: [\"%s\"]", key, (const char *)n->data.scalar.value, key, (char *)whole.data);
	buf_free(&whole);
	return (size_t)(next - it);
}

/* Levenshtein's distance between a and b (bytes), for a hint; large strings cost at most 256 x 256. */
static size_t
grading_distance(const char *a, const char *b)
{
	size_t na = strnlen(a, 256), nb = strnlen(b, 256), row[257];

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[nb];
}

/*
 * Adds name at pos to names (name -> line of its first item); the second
 * item of a name is an error at its own place, once per name (a repeat's
 * rounds would say it count times).
 */
static void
grading_item_add(struct loader *L, json_t *names, json_t *twice, char *name, struct pos pos)
{
	json_t *first = json_object_get(names, name);

	if (first == NULL)
		json_object_set_new(names, name, json_integer(pos.line));
	else if (json_object_get(twice, name) == NULL) {
		json_object_set_new(twice, name, json_true());
		if (json_integer_value(first) == pos.line)	/* one step, a repeat's rounds */
			errlist_add(L->errs, L->file, pos, "grading: every round of the repeat names its item \"%s\": "
			    "summary.csv and the grading lists tell items apart by name, so put ${i} in the name", name);
		else
			errlist_add(L->errs, L->file, pos, "grading: two items are named \"%s\" (the first at line %lld): "
			    "summary.csv and the grading lists tell items apart by name, so give this one a name of its own",
			    name, (long long)json_integer_value(first));
	}
	free(name);
}

/*
 * The graded items' names (name -> line), made by the grade's own naming
 * rule (grade_step_name, grade_check_name); two items of one name are
 * reported.  NULL when the experiment grades nothing.
 */
static json_t *
grading_items(struct loader *L, int has_section)
{
	const struct experiment *x = L->x;
	json_t *names, *twice;

	if (!has_section && !grade_is_graded(x))
		return NULL;
	names = json_object();
	twice = json_object();
	for (size_t i = 0; i < x->nsteps; i++)
		if (x->steps[i].expect.has_points)
			grading_item_add(L, names, twice, grade_step_name(&x->steps[i]), x->steps[i].pos);
	for (size_t i = 0; i < x->ntrace_checks; i++) {
		struct pos p = { x->trace_checks[i].line, x->trace_checks[i].col };
		grading_item_add(L, names, twice, grade_check_name(&x->trace_checks[i]), p);
	}
	json_decref(twice);
	return names;
}

/* A name in a grading list that names no item: an error, with the nearest item's name as a hint. */
static void
grading_unknown_name(struct loader *L, yaml_node_t *n, const char *key, const char *name, json_t *items)
{
	const char *nearest = NULL, *k;
	size_t best = (size_t)-1;
	json_t *v;

	json_object_foreach(items, k, v) {
		size_t d = grading_distance(name, k);
		if (d < best) {
			best = d;
			nearest = k;
		}
	}
	if (nearest != NULL)
		load_err(L, n, "grading %s: \"%s\" names no graded item; the nearest is \"%s\"", key, name, nearest);
	else
		load_err(L, n, "grading %s: \"%s\" names no graded item: the experiment has none (no checks, no "
		    "points)", key, name);
}

/* grading: {total: N, visibility: V, hidden: [names], after_due_date: [names], visible: [names]} */
static void
parse_grading(struct loader *L, yaml_node_t *n, json_t *items)
{
	static const char *const keys[] = { "total", "visibility", "visible", "hidden", "after_due_date", NULL };
	static const char *const vis[] = { "visible", "hidden", "after_due_date", NULL };
	yaml_node_t *v;
	const char *d;

	if (n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "grading must be a map with total, visibility, hidden, after_due_date");
		return;
	}
	load_keys(L, n, keys, "grading");
	L->x->grading = json_pack("{s:s, s:{}}", "visibility", "visible", "items");
	if ((v = yamldoc_map_get(&L->doc, n, "total")) != NULL) {
		double t;
		if (load_num(L, v, "grading total", 0, 1e6, &t) == 0)
			json_object_set_new(L->x->grading, "total", json_real(t));
	}
	if ((v = yamldoc_map_get(&L->doc, n, "visibility")) != NULL && load_enum(L, v, "visibility", vis, &d) == 0)
		json_object_set_new(L->x->grading, "visibility", json_string(d));
	for (const char *const *k = vis; *k; k++) {
		if ((v = yamldoc_map_get(&L->doc, n, *k)) == NULL)
			continue;
		if (v->type != YAML_SEQUENCE_NODE) {
			load_err(L, v, "grading %s must be a list of item names", *k);
			continue;
		}
		for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			char *name = load_subst(L, yamldoc_node(&L->doc, *it));
			size_t split = name != NULL ? grading_split_name(L, v, it, *k) : 0;
			if (split > 0)
				it += split - 1;	/* the rest of the name YAML split off */
			else if (name != NULL && json_object_get(items, name) == NULL)
				grading_unknown_name(L, yamldoc_node(&L->doc, *it), *k, name, items);
			else if (name != NULL)
				json_object_set_new(json_object_get(L->x->grading, "items"), name, json_string(*k));
			free(name);
		}
	}
}

const struct host *
expt_host(const struct experiment *x, const char *name)
{
	for (size_t i = 0; i < x->nhosts; i++)
		if (strcmp(x->hosts[i].name, name) == 0)
			return &x->hosts[i];
	return NULL;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* 0 if the file's bytes are UTF-8 text without NUL, else -1 with an error at the first bad byte. */
static int
load_text_valid(const struct experiment *x, struct errlist *errs)
{
	if (memchr(x->text, '\0', x->text_len) == NULL && utf8_valid((unsigned char *)x->text, x->text_len))
		return 0;
	/* find the line of the first bad byte for the message */
	struct pos p = { 1, 1 };
	size_t i = 0;
	while (i < x->text_len) {
		unsigned char c = (unsigned char)x->text[i];
		size_t k = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (c == 0 || k == 0 || i + k > x->text_len ||
		    !utf8_valid((unsigned char *)x->text + i, k))
			break;
		if (c == '\n')
			p.line++, p.col = 1;
		else
			p.col++;
		i += k;
	}
	errlist_add(errs, x->file, p, "the file is not valid UTF-8 text (byte 0x%02x)",
	    i < x->text_len ? (unsigned char)x->text[i] : 0);
	return -1;
}

/* The parser's problem as an error of the file, with where the construct began. */
static void
load_syntax_error(const yaml_parser_t *parser, const struct experiment *x, struct errlist *errs)
{
	struct pos p = { (int)parser->problem_mark.line + 1, (int)parser->problem_mark.column + 1 };
	struct buf b;
	buf_init(&b);
	if (parser->problem == yamldoc_too_deep)
		buf_printf(&b, "nested more than %d levels deep", YAMLDOC_MAX_NESTING);
	else
		buf_printf(&b, "YAML syntax error: %s", parser->problem ? parser->problem : "?");
	/* where the construct began, when that is not where it went wrong */
	if (parser->context != NULL && parser->context_mark.index != parser->problem_mark.index)
		buf_printf(&b, " %s that starts at line %d, column %d", parser->context,
		    (int)parser->context_mark.line + 1, (int)parser->context_mark.column + 1);
	if (parser->problem_mark.index < x->text_len && x->text[parser->problem_mark.index] == '\t')
		buf_adds(&b, " (a tab: indent YAML with spaces)");
	errlist_add(errs, x->file, p, "%s", (char *)b.data);
	buf_free(&b);
}

static struct experiment *expt_load_mode(const char *, json_t *, struct errlist *, int);

struct experiment *
expt_load(const char *path, json_t *defines, struct errlist *errs)
{
	return expt_load_mode(path, defines, errs, 0);
}

struct experiment *
expt_load_checks(const char *path, json_t *defines, struct errlist *errs)
{
	return expt_load_mode(path, defines, errs, 1);
}

struct experiment *
expt_load_any(const char *path, json_t *defines, struct errlist *errs)
{
	return expt_load_mode(path, defines, errs, 2);
}

static struct experiment *
expt_load_mode(const char *path, json_t *defines, struct errlist *errs, int checks_only)
{
	struct loader L;
	struct experiment *x;
	yaml_parser_t parser;
	yaml_node_t *root, *v;
	json_t *items;
	static const char *const top_keys[] = {
		"name", "summary", "hosts", "vars", "links", "capture", "steps", "checks", "grading", NULL,
	};
	size_t nerr0 = errs->n;
	struct pos p1 = { 1, 1 };

	memset(&L, 0, sizeof L);
	L.file = path;
	L.errs = errs;
	x = L.x = xcalloc(1, sizeof *x);
	x->file = xstrdup(path);
	x->dir = dir_of(path);
	x->defines = defines ? json_deep_copy(defines) : json_object();
	x->text = file_read_all(path, &x->text_len, LOAD_MAX_FILE);
	if (x->text == NULL) {
		errlist_add(errs, path, p1, "cannot read the experiment: %s",
		    errno == EFBIG ? "larger than 4 MiB" : errno == EISDIR ? "is a directory" : strerror(errno));
		expt_free(x);
		return NULL;
	}
	x->sha256 = sha256_hex(x->text, x->text_len);
	if (x->text_len == 0) {
		errlist_add(errs, path, p1, "the file is empty");
		expt_free(x);
		return NULL;
	}
	if (load_text_valid(x, errs) != 0) {
		expt_free(x);
		return NULL;
	}

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (unsigned char *)x->text, x->text_len);
	int loaded = yamldoc_load(&parser, &L.doc, "checks", &L.checks_skipped);
	if (loaded == -2) {	/* anchors: the whole document after all */
		yaml_parser_delete(&parser);
		yaml_parser_initialize(&parser);
		yaml_parser_set_input_string(&parser, (unsigned char *)x->text, x->text_len);
		loaded = yamldoc_load(&parser, &L.doc, NULL, &L.checks_skipped);
	}
	if (loaded != 1) {
		load_syntax_error(&parser, x, errs);
		yaml_parser_delete(&parser);
		expt_free(x);
		return NULL;
	}
	yaml_parser_delete(&parser);
	L.vars = defines ? json_deep_copy(defines) : json_object();
	L.socks = json_object();
	L.ids = json_object();

	root = yaml_document_get_root_node(&L.doc);
	if (root == NULL) {
		errlist_add(errs, path, p1, "the file holds no YAML document");
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		load_err(&L, root, "an experiment is a map with hosts and steps, not %s", yamldoc_kind(root));
		goto out;
	}
	load_keys(&L, root, top_keys, "experiment");
	parse_vars(&L, yamldoc_map_get(&L.doc, root, "vars"), defines);
	if ((v = yamldoc_map_get(&L.doc, root, "name")) != NULL)
		x->name = load_subst(&L, v);
	if (x->name == NULL) {
		const char *base = strrchr(path, '/');
		x->name = xstrdup(base ? base + 1 : path);
		char *dot = strrchr(x->name, '.');
		if (dot != NULL && dot != x->name)
			*dot = '\0';
	}
	for (char *c = x->name; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
			*c = '_';
	if ((v = yamldoc_map_get(&L.doc, root, "summary")) != NULL)
		x->summary = load_subst(&L, v);
	if ((v = yamldoc_map_get(&L.doc, root, "hosts")) == NULL)
		load_err(&L, root, "the experiment has no hosts");
	else
		parse_hosts(&L, v);
	if ((v = yamldoc_map_get(&L.doc, root, "capture")) != NULL)
		parse_capture(&L, v);
	if ((v = yamldoc_map_get(&L.doc, root, "links")) != NULL)
		parse_links(&L, v);
	if (checks_only == 2)
		checks_only = yamldoc_map_get(&L.doc, root, "steps") == NULL && yamldoc_map_get(&L.doc, root, "checks") != NULL;
	x->checks_only = checks_only;
	if (checks_only) {
		if ((v = yamldoc_map_get(&L.doc, root, "steps")) != NULL)
			load_err(&L, v, "a checks file has hosts and checks, not steps (run it with verona run)");
		if (yamldoc_map_get(&L.doc, root, "checks") == NULL)
			load_err(&L, root, "the checks file has no checks");
	} else if ((v = yamldoc_map_get(&L.doc, root, "steps")) == NULL)
		load_err(&L, root, "the experiment has no steps");
	else
		load_steps(&L, v);
	if ((v = yamldoc_map_get(&L.doc, root, "checks")) != NULL)
		load_checks(&L, v);
	v = yamldoc_map_get(&L.doc, root, "grading");
	items = grading_items(&L, v != NULL);
	if (v != NULL)
		parse_grading(&L, v, items);
	json_decref(items);
	x->vars = json_incref(L.vars);
out:
	yaml_document_delete(&L.doc);
	json_decref(L.hostnames);
	json_decref(L.vars);
	json_decref(L.socks);
	json_decref(L.ids);
	if (errs->n > nerr0) {
		expt_free(x);
		return NULL;
	}
	return x;
}

void
expt_free(struct experiment *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->nsteps; i++)
		load_step_clear(&x->steps[i]);
	free(x->steps);
	for (size_t i = 0; i < x->nhosts; i++) {
		free(x->hosts[i].name);
		free(x->hosts[i].addr);
		free(x->hosts[i].iface);
	}
	free(x->hosts);
	free(x->capture_filter);
	free(x->file); free(x->dir); free(x->name); free(x->summary); free(x->sha256); free(x->text);
	json_decref(x->vars);
	json_decref(x->defines);
	for (size_t i = 0; i < x->ntrace_checks; i++)
		trace_check_free(&x->trace_checks[i]);
	free(x->trace_checks);
	json_decref(x->grading);
	free(x);
}
