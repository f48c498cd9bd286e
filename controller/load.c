/*
 * load.c — the experiment loader: YAML (libyaml's document API, which keeps
 * every node's line and column) to a struct experiment.  Like an OpenBSD
 * daemon's config parser it reports every error of the file in one pass, each
 * as file:line:column, and goes on after an error wherever it can.
 *
 * Order of work: hosts, vars (-D overrides), then steps in order, tracking
 * per host which socket names exist so far and which background ids are
 * open, so a use before definition or a wait on an unknown id is caught
 * before anything runs.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "addr.h"
#include "errnames.h"
#include "expt.h"
#include "ops.h"
#include "pack.h"
#include "rx.h"
#include "util.h"

#define LOAD_MAX_STEPS		100000
#define LOAD_MAX_DATA		(16 * 1024 * 1024)
#define LOAD_MAX_REPEAT_DEPTH	8
#define LOAD_MAX_FILE		(4 * 1024 * 1024)
#define LOAD_MAX_NESTING	64

struct loader {
	const char		*file;
	yaml_document_t		 doc;
	struct errlist		*errs;
	struct experiment	*x;
	json_t			*vars;		/* name -> string */
	const char		*rep_name[LOAD_MAX_REPEAT_DEPTH];
	long long		 rep_val[LOAD_MAX_REPEAT_DEPTH];
	int			 rep_depth;
	size_t			 cap;
	json_t			*socks;		/* host -> {socket: 1} */
	json_t			*ids;		/* id -> {host, background, line, col, collected} */
	yaml_node_t		*hosts;		/* the hosts map, for messages */
	json_t			*hostnames;	/* every name in hosts, right or wrong */
	int			 checks_skipped;	/* checks: items left out of doc, read by checks_stream() */
	size_t			 nexpanded;	/* step items expanded so far, valid or not */
	int			 too_many;
};

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

static struct pos
npos(const yaml_node_t *n)
{
	struct pos p = { 1, 1 };
	if (n != NULL) {
		p.line = (int)n->start_mark.line + 1;
		p.col = (int)n->start_mark.column + 1;
	}
	return p;
}

static void lerr(struct loader *, const yaml_node_t *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 in any round of a repeat but the first (every enclosing ${i} 0). */
static int
in_later_round(const struct loader *L)
{
	for (int d = 0; d < L->rep_depth; d++)
		if (L->rep_val[d] != 0)
			return 1;
	return 0;
}

static int
errlist_has_pos(const struct errlist *e, const char *file, struct pos p)
{
	char *prefix = xasprintf("%s:%d:%d: ", file, p.line, p.col);
	size_t len = strlen(prefix);
	int found = 0;
	for (size_t i = 0; i < e->n && !found; i++)
		found = strncmp(e->msgs[i], prefix, len) == 0;
	free(prefix);
	return found;
}

static void
lerr(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	/*
	 * A later round of a repeat repeats the first round's mistakes, often
	 * with ${i} in the text: one error per place is enough (and keeps a
	 * count of 100000 from printing, and comparing, 100000 messages).
	 */
	if (in_later_round(L) && errlist_has_pos(L->errs, L->file, npos(n)))
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	errlist_add(L->errs, L->file, npos(n), "%s", msg);
	free(msg);
}

/*
 * A pattern read the way the run matches it (rx.h): 0 if it compiles, else
 * -1 and an error at its node naming what PCRE2 found wrong and where.
 */
static int
load_check_regex(struct loader *L, const yaml_node_t *n, const char *what, const char *re, enum rx_mode mode)
{
	char err[300];
	struct rx *rx = rx_compile(re, mode, err, sizeof err, NULL);

	if (rx == NULL) {
		lerr(L, n, "%s: bad regular expression '%s': %s", what, re, err);
		return -1;
	}
	rx_free(rx);
	return 0;
}

/* ---- nodes ---- */

static yaml_node_t *
node(struct loader *L, int id)
{
	return yaml_document_get_node(&L->doc, id);
}

static const char *
node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a map";
	case YAML_NO_NODE: return "nothing";
	}
	return "?";
}

static int
is_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE;
}

/* The raw text of a scalar (no substitution); static storage of the document. */
static const char *
raw(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
is_null_scalar(const yaml_node_t *n)
{
	if (!is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = raw(n);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static yaml_node_t *
map_get(struct loader *L, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;
	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key);
		if (is_scalar(k) && strcmp(raw(k), key) == 0)
			return node(L, p->value);
	}
	return NULL;
}

static size_t
map_len(const yaml_node_t *m)
{
	return (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
}

/* Reports keys of m not in allowed (NULL-terminated) and duplicate keys. */
static void
check_keys_from(struct loader *L, yaml_node_t *m, size_t from, const char *const *allowed, const char *what)
{
	yaml_node_pair_t *p, *q;
	for (p = m->data.mapping.pairs.start + from; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key);
		int ok = 0;
		if (!is_scalar(k)) {
			lerr(L, k, "%s: a key must be a scalar", what);
			continue;
		}
		for (q = m->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = node(L, q->key);
			if (is_scalar(k2) && strcmp(raw(k2), raw(k)) == 0) {
				lerr(L, k, "%s: duplicate key '%s'", what, raw(k));
				break;
			}
		}
		for (const char *const *a = allowed; *a != NULL; a++)
			if (strcmp(*a, raw(k)) == 0)
				ok = 1;
		if (!ok) {
			struct buf b;
			buf_init(&b);
			for (const char *const *a = allowed; *a != NULL; a++)
				buf_printf(&b, "%s%s", a == allowed ? "" : ", ", *a);
			lerr(L, k, "%s: unknown key '%s' (expected %s)", what, raw(k), (char *)b.data);
			buf_free(&b);
		}
	}
}

static void
check_keys(struct loader *L, yaml_node_t *m, const char *const *allowed, const char *what)
{
	check_keys_from(L, m, 0, allowed, what);
}

static int
is_ident(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* The key whose value n is, if it is a scalar; NULL otherwise.  For messages. */
static const char *
key_of(struct loader *L, const yaml_node_t *n)
{
	int id = (int)(n - L->doc.nodes.start) + 1;
	for (yaml_node_t *m = L->doc.nodes.start; m < L->doc.nodes.top; m++) {
		if (m->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
			if (p->value == id)
				return is_scalar(node(L, p->key)) ? raw(node(L, p->key)) : NULL;
	}
	return NULL;
}

/* The list that holds n as an item, or NULL.  For messages. */
static const yaml_node_t *
list_of(struct loader *L, const yaml_node_t *n)
{
	int id = (int)(n - L->doc.nodes.start) + 1;
	for (yaml_node_t *m = L->doc.nodes.start; m < L->doc.nodes.top; m++) {
		if (m->type != YAML_SEQUENCE_NODE)
			continue;
		for (yaml_node_item_t *it = m->data.sequence.items.start; it < m->data.sequence.items.top; it++)
			if (*it == id)
				return m;
	}
	return NULL;
}

/* ---- variables ---- */

/* The scalar's text with ${name} substituted ($${ is a literal ${); NULL after an error. */
static char *
subst(struct loader *L, yaml_node_t *n)
{
	const char *s;
	struct buf b;

	if (!is_scalar(n)) {
		const char *key = key_of(L, n);
		const yaml_node_t *list;
		if (key != NULL)
			lerr(L, n, "%s must be a scalar, not %s", key, node_kind(n));
		else if ((list = list_of(L, n)) != NULL && (key = key_of(L, list)) != NULL)
			lerr(L, n, "each item of %s must be a scalar, not %s", key, node_kind(n));
		else
			lerr(L, n, "expected a scalar, found %s", node_kind(n));
		return NULL;
	}
	s = raw(n);
	if (n->data.scalar.length != strlen(s)) {
		lerr(L, n, "text contains a NUL character");
		return NULL;
	}
	if (strchr(s, '$') == NULL)
		return xstrdup(s);
	buf_init(&b);
	while (*s) {
		if (s[0] == '$' && s[1] == '$' && s[2] == '{') {
			buf_adds(&b, "${");
			s += 3;
			continue;
		}
		if (s[0] == '$' && s[1] == '{') {
			const char *end = strchr(s + 2, '}');
			char *name;
			int found = 0;
			if (end == NULL) {
				lerr(L, n, "unterminated ${ in '%s'", raw(n));
				buf_free(&b);
				return NULL;
			}
			name = xstrndup(s + 2, (size_t)(end - s - 2));
			for (int d = L->rep_depth - 1; d >= 0 && !found; d--)
				if (strcmp(L->rep_name[d], name) == 0) {
					buf_printf(&b, "%lld", L->rep_val[d]);
					found = 1;
				}
			if (!found) {
				json_t *v = json_object_get(L->vars, name);
				if (v != NULL) {
					buf_adds(&b, json_string_value(v));
					found = 1;
				}
			}
			if (!found) {
				if (strcmp(name, "i") == 0)
					lerr(L, n, "undefined variable 'i' (${i} exists only inside a repeat)");
				else
					lerr(L, n, "undefined variable '%s'", name);
				free(name);
				buf_free(&b);
				return NULL;
			}
			free(name);
			s = end + 1;
			continue;
		}
		buf_addc(&b, *s++);
	}
	return buf_steal(&b, NULL);
}

static int
parse_int_text(const char *s, long long *out)
{
	char *end;
	errno = 0;
	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	long long v = strtoll(s, &end, 0);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
get_int(struct loader *L, yaml_node_t *n, const char *what, long long min, long long max, long long *out)
{
	char *s = subst(L, n);
	long long v;
	if (s == NULL)
		return -1;
	if (parse_int_text(s, &v) != 0) {
		lerr(L, n, "%s must be an integer, not '%s'", what, s);
		free(s);
		return -1;
	}
	free(s);
	if (v < min || v > max) {
		lerr(L, n, "%s %lld out of range %lld..%lld", what, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_num(struct loader *L, yaml_node_t *n, const char *what, double min, double max, double *out)
{
	char *s = subst(L, n), *end;
	double v;
	if (s == NULL)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v)) {
		lerr(L, n, "%s must be a number, not '%s'", what, s);
		free(s);
		return -1;
	}
	free(s);
	if (v < min || v > max) {
		lerr(L, n, "%s %g out of range %g..%g", what, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_bool(struct loader *L, yaml_node_t *n, const char *what, int *out)
{
	char *s = subst(L, n);
	static const char *const yes[] = { "true", "yes", "on", "True", "TRUE", "Yes", "On" };
	static const char *const no[] = { "false", "no", "off", "False", "FALSE", "No", "Off" };
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) { *out = 1; free(s); return 0; }
		if (strcmp(s, no[i]) == 0) { *out = 0; free(s); return 0; }
	}
	lerr(L, n, "%s must be true or false, not '%s'", what, s);
	free(s);
	return -1;
}

static int
get_enum(struct loader *L, yaml_node_t *n, const char *what, const char *const *choices, const char **out)
{
	char *s = subst(L, n);
	struct buf b;
	if (s == NULL)
		return -1;
	for (const char *const *c = choices; *c; c++)
		if (strcmp(*c, s) == 0) {
			*out = *c;
			free(s);
			return 0;
		}
	buf_init(&b);
	for (const char *const *c = choices; *c; c++)
		buf_printf(&b, "%s%s", c == choices ? "" : ", ", *c);
	lerr(L, n, "%s must be one of %s, not '%s'", what, (char *)b.data, s);
	buf_free(&b);
	free(s);
	return -1;
}

/* ---- addresses ---- */

static void
aref_free(struct aref *a)
{
	if (a == NULL)
		return;
	free(a->text);
	free(a->host);
	free(a->sock);
	free(a);
}

/*
 * 1 if an unknown host name needs no message of its own: there are no
 * usable hosts, or the name's entry in hosts is wrong, and that was
 * reported already.
 */
static int
host_reported(struct loader *L, const char *name)
{
	return L->x->nhosts == 0 || (L->hostnames != NULL && json_object_get(L->hostnames, name) != NULL);
}

static int
host_has_socket(struct loader *L, const char *host, const char *sock)
{
	json_t *h = json_object_get(L->socks, host);
	return h != NULL && json_object_get(h, sock) != NULL;
}

/*
 * Parses an address.  need_port: 1 a port is required, 0 optional (expect
 * from/peer).  Socket references are checked against the sockets defined
 * on that host so far.
 */
static struct aref *
parse_addr(struct loader *L, yaml_node_t *n, const char *what, int need_port)
{
	char *text = subst(L, n), *host = NULL, *port = NULL;
	struct aref *a;
	const char *dot;

	if (text == NULL)
		return NULL;
	a = xcalloc(1, sizeof *a);
	a->text = text;
	a->port = -1;
	if (strchr(text, ':') == NULL && (dot = strchr(text, '.')) != NULL &&
	    expt_host(L->x, (host = xstrndup(text, (size_t)(dot - text)))) != NULL) {
		a->kind = AREF_SOCKET;
		a->host = host;
		a->sock = xstrdup(dot + 1);
		if (!host_has_socket(L, a->host, a->sock)) {
			lerr(L, n, "%s: %s has no socket '%s' at this point", what, a->host, a->sock);
			aref_free(a);
			return NULL;
		}
		return a;
	}
	free(host);
	host = NULL;
	if (addr_split(text, &host, &port) != 0) {
		lerr(L, n, "%s: bad address '%s': %s (write HOST:PORT, [IPv6]:PORT or HOST.SOCKET)", what, text,
		    strchr(text, ']') == NULL ? "'[' without ']'" : "']' must be followed by :PORT");
		aref_free(a);
		return NULL;
	}
	a->kind = AREF_HOSTPORT;
	a->host = host;
	if (port != NULL) {
		long long v;
		if (parse_int_text(port, &v) != 0 || v < 0 || v > 65535) {
			lerr(L, n, "%s: bad port '%s' in '%s' (0..65535)", what, port, text);
			free(port);
			aref_free(a);
			return NULL;
		}
		a->port = (int)v;
		free(port);
	} else if (need_port) {
		lerr(L, n, "%s: address '%s' has no port (write HOST:PORT or HOST.SOCKET)", what, text);
		aref_free(a);
		return NULL;
	}
	if (host[0] != '\0' && strcmp(host, "any") != 0 && strcmp(host, "localhost") != 0 &&
	    expt_host(L->x, host) == NULL && !addr_is_ip(host, NULL)) {
		struct buf b;
		if (host_reported(L, host)) {
			aref_free(a);
			return NULL;
		}
		buf_init(&b);
		for (size_t i = 0; i < L->x->nhosts; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", L->x->hosts[i].name);
		lerr(L, n, "%s: unknown host '%s' in '%s' (hosts: %s; or an IP address, any, localhost)",
		    what, host, text, b.data ? (char *)b.data : "none");
		buf_free(&b);
		aref_free(a);
		return NULL;
	}
	return a;
}

/* ---- data ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int
parse_data(struct loader *L, yaml_node_t *n, const char *what, struct bytes *out)
{
	struct buf b;
	static const char *const forms[] = { "hex", "file", "pack", "values", "repeat", "count", NULL };

	buf_init(&b);
	out->set = 0;
	if (is_scalar(n)) {
		char *s = subst(L, n);
		if (s == NULL)
			return -1;
		buf_adds(&b, s);
		free(s);
		goto done;
	}
	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "%s: data must be a string or a map with hex, file, pack or repeat, not %s",
		    what, node_kind(n));
		return -1;
	}
	check_keys(L, n, forms, what);
	yaml_node_t *hex = map_get(L, n, "hex"), *file = map_get(L, n, "file"),
	    *pack = map_get(L, n, "pack"), *rep = map_get(L, n, "repeat");
	int forms_given = (hex != NULL) + (file != NULL) + (pack != NULL) + (rep != NULL);
	if (forms_given != 1) {
		lerr(L, n, "%s: data map needs exactly one of hex, file, pack, repeat", what);
		return -1;
	}
	if ((map_get(L, n, "values") != NULL) != (pack != NULL)) {
		lerr(L, n, "%s: 'values' goes with 'pack' (and pack needs values)", what);
		return -1;
	}
	if ((map_get(L, n, "count") != NULL) != (rep != NULL)) {
		lerr(L, n, "%s: 'count' goes with 'repeat' (and repeat needs count)", what);
		return -1;
	}
	if (hex != NULL) {
		char *s = subst(L, hex);
		int hi = -1;
		if (s == NULL)
			return -1;
		for (char *c = s; *c; c++) {
			int v;
			if (isspace((unsigned char)*c) || *c == ':')
				continue;
			if ((v = hexval((unsigned char)*c)) < 0) {
				lerr(L, hex, "%s: '%c' is not a hex digit", what, *c);
				free(s);
				buf_free(&b);
				return -1;
			}
			if (hi < 0)
				hi = v;
			else {
				buf_addc(&b, hi << 4 | v);
				hi = -1;
			}
		}
		free(s);
		if (hi >= 0) {
			lerr(L, hex, "%s: odd number of hex digits", what);
			buf_free(&b);
			return -1;
		}
	} else if (file != NULL) {
		char *s = subst(L, file), *path, *content;
		size_t len;
		if (s == NULL)
			return -1;
		path = s[0] == '/' ? xstrdup(s) : xasprintf("%s/%s", L->x->dir, s);
		content = file_read_all(path, &len, LOAD_MAX_DATA);
		if (content == NULL) {
			lerr(L, file, "%s: cannot read '%s': %s", what, s,
			    errno == EFBIG ? "larger than 16 MiB" : strerror(errno));
			free(s);
			free(path);
			return -1;
		}
		buf_add(&b, content, len);
		free(content);
		free(s);
		free(path);
	} else if (pack != NULL) {
		yaml_node_t *vals = map_get(L, n, "values");
		char *fmt = subst(L, pack), err[256];
		char **texts;
		size_t nv, i;
		int bad = -1, failed = 0;
		if (fmt == NULL)
			return -1;
		if (vals->type != YAML_SEQUENCE_NODE) {
			lerr(L, vals, "%s: pack values must be a list", what);
			free(fmt);
			return -1;
		}
		nv = (size_t)(vals->data.sequence.items.top - vals->data.sequence.items.start);
		texts = xcalloc(nv + 1, sizeof *texts);
		for (i = 0; i < nv; i++) {
			yaml_node_t *v = node(L, vals->data.sequence.items.start[i]);
			if ((texts[i] = subst(L, v)) == NULL)
				failed = 1;
		}
		if (!failed && pack_encode(fmt, (const char *const *)texts, nv, &b, err, sizeof err, &bad) != 0) {
			if (bad >= 0 && (size_t)bad < nv)
				lerr(L, node(L, vals->data.sequence.items.start[bad]),
				    "%s: pack: %s", what, err);
			else
				lerr(L, pack, "%s: pack '%s': %s", what, fmt, err);
			failed = 1;
		}
		for (i = 0; i < nv; i++)
			free(texts[i]);
		free(texts);
		free(fmt);
		if (failed) {
			buf_free(&b);
			return -1;
		}
	} else {
		long long count;
		char *s = subst(L, rep);
		if (s == NULL)
			return -1;
		if (get_int(L, map_get(L, n, "count"), "repeat count", 0, LOAD_MAX_DATA, &count) != 0) {
			free(s);
			return -1;
		}
		size_t unit = strlen(s);
		if (unit > 0 && (unsigned long long)count * unit > LOAD_MAX_DATA) {
			lerr(L, n, "%s: repeat makes %llu bytes, over the 16 MiB limit", what,
			    (unsigned long long)count * unit);
			free(s);
			return -1;
		}
		buf_reserve(&b, unit * (size_t)count);
		for (long long i = 0; i < count; i++)
			buf_add(&b, s, unit);
		free(s);
	}
done:
	if (b.len > LOAD_MAX_DATA) {
		lerr(L, n, "%s: %zu bytes of data, over the 16 MiB limit", what, b.len);
		buf_free(&b);
		return -1;
	}
	out->p = (unsigned char *)buf_steal(&b, &out->len);
	out->set = 1;
	return 0;
}

/* ---- expect ---- */

static const char *const packet_patterns[] = {
	"SYN", "SYN-ACK", "ACK", "PSH-ACK", "FIN-ACK", "FIN", "RST", "RST-ACK", "UDP", "ICMP-UNREACH", NULL,
};

static int
parse_errname(struct loader *L, yaml_node_t *n, int *err)
{
	char *s = subst(L, n);
	if (s == NULL)
		return -1;
	*err = errname_lookup(s);
	if (*err == 0) {
		lerr(L, n, "unknown error name '%s' (write an errno name like ECONNREFUSED, or timeout, eof)", s);
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
	e->pos = npos(n);
	if (is_scalar(n)) {
		char *s = subst(L, n);
		if (s == NULL)
			return;
		if (strcmp(s, "ok") != 0 && parse_errname(L, n, &e->err) != 0)
			e->err = 0;
		free(s);
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "expect must be ok, an error name, or a map, not %s", node_kind(n));
		return;
	}
	check_keys(L, n, keys, "expect");
	if ((v = map_get(L, n, "errno")) != NULL)
		parse_errname(L, v, &e->err);
	if ((v = map_get(L, n, "ret")) != NULL && get_int(L, v, "expect ret", LLONG_MIN, LLONG_MAX, &e->ret) == 0)
		e->has_ret = 1;
	if ((v = map_get(L, n, "data")) != NULL)
		parse_data(L, v, "expect data", &e->data);
	if ((v = map_get(L, n, "data_prefix")) != NULL)
		parse_data(L, v, "expect data_prefix", &e->data_prefix);
	if ((v = map_get(L, n, "data_regex")) != NULL && (e->data_regex = subst(L, v)) != NULL)
		load_check_regex(L, v, "expect data_regex", e->data_regex, RX_TEXT);
	if ((v = map_get(L, n, "from")) != NULL)
		e->from = parse_addr(L, v, "expect from", 0);
	if ((v = map_get(L, n, "peer")) != NULL)
		e->peer = parse_addr(L, v, "expect peer", 0);
	if ((v = map_get(L, n, "within")) != NULL)
		get_num(L, v, "expect within", 0, 86400, &e->within);
	if ((v = map_get(L, n, "exit")) != NULL) {
		long long x;
		if (get_int(L, v, "expect exit", 0, 255, &x) == 0)
			e->has_exit = 1, e->exit = (int)x;
	}
	if ((v = map_get(L, n, "stdout")) != NULL)
		e->stdout_text = subst(L, v);
	if ((v = map_get(L, n, "stdout_regex")) != NULL)
		e->stdout_regex = subst(L, v);
	if ((v = map_get(L, n, "stderr_regex")) != NULL)
		e->stderr_regex = subst(L, v);
	if (e->stdout_regex != NULL)
		load_check_regex(L, map_get(L, n, "stdout_regex"), "expect stdout_regex", e->stdout_regex, RX_TEXT);
	if (e->stderr_regex != NULL)
		load_check_regex(L, map_get(L, n, "stderr_regex"), "expect stderr_regex", e->stderr_regex, RX_TEXT);
	if ((v = map_get(L, n, "points")) != NULL && get_num(L, v, "points", 0, 1e6, &e->points) == 0)
		e->has_points = 1;
	if ((v = map_get(L, n, "name")) != NULL)
		e->name = subst(L, v);
	if ((e->has_exit || e->stdout_text || e->stdout_regex || e->stderr_regex) && strcmp(st->op, "exec") != 0)
		lerr(L, n, "expect exit, stdout, stdout_regex and stderr_regex apply to exec steps only");
	if ((v = map_get(L, n, "packets")) != NULL) {
		if (is_scalar(v)) {
			char *s = subst(L, v);
			if (s != NULL && strcmp(s, "none") != 0)
				lerr(L, v, "expect packets must be none or a list of flag patterns");
			else if (s != NULL)
				e->packets = json_string("none");
			free(s);
		} else if (v->type == YAML_SEQUENCE_NODE) {
			e->packets = json_array();
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				const char *pat;
				if (get_enum(L, node(L, *it), "packet pattern", packet_patterns, &pat) == 0)
					json_array_append_new(e->packets, json_string(pat));
			}
		} else
			lerr(L, v, "expect packets must be none or a list of flag patterns");
	}
}

/* ---- steps ---- */

static void
step_clear(struct step *st)
{
	free(st->host); free(st->op); free(st->sock); free(st->id); free(st->target);
	json_decref(st->args);
	free(st->data.p);
	aref_free(st->addr); aref_free(st->to);
	free(st->expect.data.p); free(st->expect.data_prefix.p);
	free(st->expect.data_regex);
	aref_free(st->expect.from); aref_free(st->expect.peer);
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
		/* not lerr(): this is news even where a round already had an error */
		if (!L->too_many)
			errlist_add(L->errs, L->file, npos(n), "more than %d steps (after repeat)", LOAD_MAX_STEPS);
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
	st->pos = npos(n);
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

static void parse_steps(struct loader *, yaml_node_t *);

static void
parse_sleep(struct loader *L, yaml_node_t *item, yaml_node_t *v)
{
	struct step *st;
	double s;
	if (map_len(item) != 1) {
		lerr(L, item, "a top-level sleep takes no other keys");
		return;
	}
	if (get_num(L, v, "sleep", 0, 3600, &s) != 0)
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

	if (map_len(item) != 1) {
		lerr(L, item, "repeat takes no keys beside it; put count and steps inside");
		return;
	}
	if (v->type != YAML_MAPPING_NODE) {
		lerr(L, v, "repeat must be a map with count and steps");
		return;
	}
	check_keys(L, v, keys, "repeat");
	c = map_get(L, v, "count");
	steps = map_get(L, v, "steps");
	if (c == NULL || steps == NULL) {
		lerr(L, v, "repeat needs count and steps");
		return;
	}
	if (get_int(L, c, "repeat count", 0, LOAD_MAX_STEPS, &count) != 0)
		return;
	if (L->rep_depth >= LOAD_MAX_REPEAT_DEPTH) {
		lerr(L, item, "repeat nested more than %d deep", LOAD_MAX_REPEAT_DEPTH);
		return;
	}
	var = map_get(L, v, "var");
	name = var ? subst(L, var) : xstrdup("i");
	if (name == NULL)
		return;
	if (!is_ident(name)) {
		lerr(L, var, "repeat var '%s' is not a name", name);
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
		parse_steps(L, steps);
		L->rep_depth--;
		/* ... and what it defined, so that later steps cannot name it */
		json_decref(L->ids);
		json_decref(L->socks);
		L->ids = ids;
		L->socks = socks;
		while (L->x->nsteps > before)
			step_clear(&L->x->steps[--L->x->nsteps]);
	}
	for (long long i = 0; i < count && !L->too_many; i++) {
		size_t before = L->nexpanded;
		L->rep_name[L->rep_depth] = name;
		L->rep_val[L->rep_depth++] = i;
		parse_steps(L, steps);
		L->rep_depth--;
		/* a round with no steps counts as one, so nested empty repeats end too */
		if (L->nexpanded == before && count_step(L, v) != 0)
			break;
	}
	free(name);
}

/* A host step: {host: {op: operand, key: value, ...}} */
static void
parse_host_step(struct loader *L, yaml_node_t *item, yaml_node_t *hkey, yaml_node_t *body)
{
	const struct host *h = expt_host(L->x, raw(hkey));
	const struct op_schema *op;
	yaml_node_pair_t *first;
	yaml_node_t *opkey, *operand, *v;
	struct step *st;

	if (h == NULL) {
		struct buf b;
		buf_init(&b);
		for (size_t i = 0; i < L->x->nhosts; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", L->x->hosts[i].name);
		if (strcmp(raw(hkey), "sleep") == 0 || strcmp(raw(hkey), "repeat") == 0)
			lerr(L, hkey, "'%s' must be the only key of its step", raw(hkey));
		else if (!host_reported(L, raw(hkey)))
			lerr(L, hkey, "unknown host '%s' (hosts: %s)", raw(hkey), b.data ? (char *)b.data : "none");
		buf_free(&b);
		return;
	}
	if (map_len(item) != 1) {
		lerr(L, item, "a step is a one-key map: the host, then its operation");
		return;
	}
	if (body->type != YAML_MAPPING_NODE || map_len(body) == 0) {
		lerr(L, body, "the step of %s must be a map whose first key is the operation", h->name);
		return;
	}
	first = body->data.mapping.pairs.start;
	opkey = node(L, first->key);
	operand = node(L, first->value);
	if (!is_scalar(opkey) || (op = ops_find(raw(opkey))) == NULL) {
		lerr(L, opkey, "unknown operation '%s' (expected %s)",
		    is_scalar(opkey) ? raw(opkey) : "?", ops_names());
		return;
	}
	st = new_step(L, item);
	st->host = xstrdup(h->name);
	st->op = xstrdup(op->name);
	st->def = op;
	check_keys_from(L, body, 1, op->keys, op->name);

	/* common keys */
	if ((v = map_get(L, body, "id")) != NULL) {
		char *id = subst(L, v);
		if (id != NULL && !is_ident(id)) {
			lerr(L, v, "id '%s' is not a name (letters, digits, _ and -)", id);
			free(id);
		} else if (id != NULL) {
			json_t *prev = json_object_get(L->ids, id);
			if (prev != NULL)
				lerr(L, v, "duplicate id '%s' (first used at line %d)", id,
				    (int)json_integer_value(json_object_get(prev, "line")));
			st->id = id;
		}
	}
	if ((v = map_get(L, body, "background")) != NULL)
		get_bool(L, v, "background", &st->background);
	if ((v = map_get(L, body, "timeout")) != NULL)
		get_num(L, v, "timeout", 0.001, 86400, &st->timeout);
	if (st->background && st->id == NULL)
		lerr(L, item, "a background step needs an id, so that a wait can collect it");

	/* the operand and the op's own arguments */
	switch (op->operand) {
	case OPERAND_SOCKET:
	case OPERAND_NEW_SOCKET: {
		char *s = subst(L, operand);
		if (s == NULL)
			break;
		if (!is_ident(s)) {
			lerr(L, operand, "%s: socket name '%s' is not a name", op->name, s);
			free(s);
			break;
		}
		if (op->operand == OPERAND_SOCKET && !host_has_socket(L, h->name, s)) {
			json_t *hs = json_object_get(L->socks, h->name);
			struct buf b;
			const char *k;
			json_t *val;
			buf_init(&b);
			json_object_foreach(hs, k, val)
				buf_printf(&b, "%s%s", b.len ? ", " : "", k);
			lerr(L, operand, "%s: %s has no socket '%s' at this point (%s%s)", op->name,
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
		if (get_num(L, operand, op->name, 0, 3600, &secs) == 0) {
			json_object_set_new(st->args, "seconds", json_real(secs));
			if (st->timeout < secs + 1 && map_get(L, body, "timeout") == NULL)
				st->timeout = secs + 5;
		}
		break;
	}
	case OPERAND_ID: {
		char *id = subst(L, operand);
		json_t *t;
		if (id == NULL)
			break;
		t = json_object_get(L->ids, id);
		if (t == NULL)
			lerr(L, operand, "%s: no earlier step with id '%s'", op->name, id);
		else if (!json_is_true(json_object_get(t, "background")))
			lerr(L, operand, "%s: step '%s' is not a background step", op->name, id);
		else if (strcmp(json_string_value(json_object_get(t, "host")), h->name) != 0)
			lerr(L, operand, "%s: step '%s' runs on %s, not %s", op->name, id,
			    json_string_value(json_object_get(t, "host")), h->name);
		else if (json_is_true(json_object_get(t, "collected")))
			lerr(L, operand, "%s: step '%s' was already collected", op->name, id);
		else if (strcmp(op->name, "kill") == 0 && json_is_true(json_object_get(t, "points")))
			lerr(L, operand, "kill: step '%s' has points, but a step that is stopped is never judged "
			    "(grade it by what it sent, or let it end and wait for it)", id);
		else {
			json_object_set_new(t, "collected", json_true());
			/* a wait may take as long as the step it collects */
			double tt = json_number_value(json_object_get(t, "timeout"));
			if (map_get(L, body, "timeout") == NULL && strcmp(op->name, "wait") == 0 && tt > st->timeout)
				st->timeout = tt;
		}
		st->target = id;
		json_object_set_new(st->args, "id", json_string(id));
		break;
	}
	case OPERAND_COMMAND:
		if (is_scalar(operand)) {
			char *c = subst(L, operand);
			if (c != NULL)
				json_object_set_new(st->args, "command", json_string(c));
			free(c);
		} else if (operand->type == YAML_SEQUENCE_NODE) {
			json_t *argv = json_array();
			for (yaml_node_item_t *it = operand->data.sequence.items.start; it < operand->data.sequence.items.top; it++) {
				char *c = subst(L, node(L, *it));
				if (c != NULL)
					json_array_append_new(argv, json_string(c));
				free(c);
			}
			json_object_set_new(st->args, "argv", argv);
		} else
			lerr(L, operand, "exec: the command must be a string or a list");
		if ((v = map_get(L, body, "ready")) != NULL) {
			/* ready: {port: N, proto: tcp|udp, stdout: REGEX, timeout: S} */
			static const char *const rkeys[] = { "port", "proto", "stdout", "timeout", NULL };
			static const char *const protos[] = { "tcp", "udp", NULL };
			json_t *r = json_object();
			yaml_node_t *w;
			if (v->type != YAML_MAPPING_NODE)
				lerr(L, v, "ready must be a map: {port: N} or {stdout: REGEX}, with timeout");
			else {
				check_keys(L, v, rkeys, "ready");
				if ((w = map_get(L, v, "port")) != NULL) {
					long long port;
					if (get_int(L, w, "ready port", 1, 65535, &port) == 0)
						json_object_set_new(r, "port", json_integer(port));
				}
				if ((w = map_get(L, v, "proto")) != NULL) {
					const char *pr;
					if (get_enum(L, w, "ready proto", protos, &pr) == 0)
						json_object_set_new(r, "proto", json_string(pr));
				}
				if ((w = map_get(L, v, "stdout")) != NULL) {
					char *re = subst(L, w);
					if (re != NULL && load_check_regex(L, w, "ready stdout", re, RX_LINES) == 0)
						json_object_set_new(r, "stdout", json_string(re));
					free(re);
				}
				if ((w = map_get(L, v, "timeout")) != NULL) {
					double rt;
					if (get_num(L, w, "ready timeout", 0.01, 3600, &rt) == 0)
						json_object_set_new(r, "timeout", json_real(rt));
				}
				if (map_get(L, v, "port") == NULL && map_get(L, v, "stdout") == NULL)
					lerr(L, v, "ready needs port or stdout");
				if (map_get(L, body, "background") == NULL)
					lerr(L, v, "ready goes with background: true (a step that waits for the program to end needs none)");
			}
			json_object_set_new(st->args, "ready", r);
		}
		break;
	case OPERAND_PATH: {
		char *p = subst(L, operand);
		if (p != NULL)
			json_object_set_new(st->args, "src", json_string(p));
		free(p);
		break;
	}
	}

	for (yaml_node_pair_t *p = first + 1; p < body->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *val = node(L, p->value);
		const struct op_arg *arg;
		if (!is_scalar(k) || (arg = ops_arg(op, raw(k))) == NULL)
			continue;	/* common key, or unknown (reported by check_keys) */
		switch (arg->type) {
		case ARG_ADDR: {
			struct aref *a = parse_addr(L, val, arg->name, 1);
			struct aref **slot = strcmp(arg->name, "to") == 0 ? &st->to : &st->addr;
			aref_free(*slot);	/* a duplicate key (reported): the last one wins */
			*slot = a;
			break;
		}
		case ARG_DATA:
			free(st->data.p);	/* a duplicate key (reported): the last one wins */
			st->data.p = NULL;
			parse_data(L, val, arg->name, &st->data);
			break;
		case ARG_INT: {
			long long x;
			if (get_int(L, val, arg->name, arg->min, arg->max, &x) == 0)
				json_object_set_new(st->args, arg->name, json_integer(x));
			break;
		}
		case ARG_INT_OR_BOOL: {
			long long x;
			char *s = subst(L, val);
			if (s == NULL)
				break;
			if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0)
				x = 1;
			else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0 || strcasecmp(s, "off") == 0)
				x = 0;
			else if (parse_int_text(s, &x) != 0 || x < arg->min || x > arg->max) {
				lerr(L, val, "%s must be true, false or an integer %lld..%lld, not '%s'",
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
			if (is_null_scalar(val) || (is_scalar(val) && strcmp(raw(val), "none") == 0) ||
			    (is_scalar(val) && strcmp(raw(val), "None") == 0))
				json_object_set_new(st->args, arg->name, json_null());
			else if (get_num(L, val, arg->name, 0, 86400, &d) == 0)
				json_object_set_new(st->args, arg->name, json_real(d));
			break;
		}
		case ARG_ENUM: {
			const char *e;
			if (get_enum(L, val, arg->name, arg->choices, &e) == 0)
				json_object_set_new(st->args, arg->name, json_string(e));
			break;
		}
		case ARG_NAME: {
			char *s = subst(L, val);
			if (s != NULL && !is_ident(s))
				lerr(L, val, "%s: '%s' is not a name", arg->name, s);
			else if (s != NULL)
				json_object_set_new(st->args, arg->name, json_string(s));
			free(s);
			break;
		}
		case ARG_STRING: {
			char *s = subst(L, val);
			if (s != NULL)
				json_object_set_new(st->args, arg->name, json_string(s));
			free(s);
			break;
		}
		case ARG_ENV:
			if (val->type != YAML_MAPPING_NODE) {
				lerr(L, val, "env must be a map of NAME: value");
				break;
			}
			for (yaml_node_pair_t *q = val->data.mapping.pairs.start; q < val->data.mapping.pairs.top; q++) {
				char *s = subst(L, node(L, q->value));
				free(s);
			}
			break;
		}
	}
	/* required arguments */
	for (const struct op_arg *a = op->args; a->name != NULL; a++)
		if (a->required && map_get(L, body, a->name) == NULL)
			lerr(L, body, "%s needs '%s'", op->name, a->name);
	if (strcmp(op->name, "recvall") == 0 && map_get(L, body, "size") != NULL &&
	    map_get(L, body, "until") != NULL)
		lerr(L, body, "recvall takes size or until: eof, not both");
	else if (strcmp(op->name, "recvall") == 0 && map_get(L, body, "size") == NULL &&
	    map_get(L, body, "until") == NULL)
		lerr(L, body, "recvall needs size: N or until: eof");
	if (strcmp(op->name, "socket") == 0) {
		if (json_object_get(st->args, "type") == NULL)
			json_object_set_new(st->args, "type", json_string("tcp"));
		if (json_object_get(st->args, "family") == NULL)
			json_object_set_new(st->args, "family", json_string("inet"));
	}
	if ((v = map_get(L, body, "expect")) != NULL)
		parse_expect(L, v, st);
	if (st->background && (strcmp(op->name, "wait") == 0 || strcmp(op->name, "kill") == 0))
		lerr(L, item, "%s cannot run in the background", op->name);

	/* effects on what later steps may name */
	if (op->operand == OPERAND_NEW_SOCKET && st->sock != NULL)
		define_socket(L, h->name, st->sock);
	if (strcmp(op->name, "accept") == 0) {
		const char *as = json_string_value(json_object_get(st->args, "as"));
		if (as != NULL)
			define_socket(L, h->name, as);
	}
	if (st->id != NULL && json_object_get(L->ids, st->id) == NULL)
		json_object_set_new(L->ids, st->id, json_pack("{s:s, s:b, s:i, s:i, s:f, s:b}",
		    "host", h->name, "background", st->background, "line", st->pos.line, "col", st->pos.col,
		    "timeout", st->timeout, "points", st->expect.has_points));
}

static void
parse_steps(struct loader *L, yaml_node_t *seq)
{
	if (seq->type != YAML_SEQUENCE_NODE) {
		lerr(L, seq, "steps must be a list, not %s", node_kind(seq));
		return;
	}
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = node(L, *it), *k = NULL, *v = NULL;
		if (L->too_many)
			return;
		if (item->type == YAML_MAPPING_NODE && map_len(item) > 0) {
			k = node(L, item->data.mapping.pairs.start->key);
			v = node(L, item->data.mapping.pairs.start->value);
		}
		if (is_scalar(k) && strcmp(raw(k), "repeat") == 0 && expt_host(L->x, "repeat") == NULL) {
			parse_repeat(L, item, v);
			continue;
		}
		if (count_step(L, item) != 0)
			return;
		if (k == NULL)
			lerr(L, item, "a step must be a map like {HOST: {OP: ...}}, not %s",
			    item->type == YAML_MAPPING_NODE ? "an empty map" : node_kind(item));
		else if (!is_scalar(k))
			lerr(L, k, "a step's key must be a host name");
		else if (strcmp(raw(k), "sleep") == 0 && expt_host(L->x, "sleep") == NULL)
			parse_sleep(L, item, v);
		else
			parse_host_step(L, item, k, v);
	}
}

/* ---- top level ---- */

static void
parse_hosts(struct loader *L, yaml_node_t *n)
{
	struct experiment *x = L->x;
	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "hosts must be a map of NAME: ADDRESS");
		return;
	}
	L->hosts = n;
	L->hostnames = json_object();
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if (is_scalar(node(L, p->key)))
			json_object_set_new(L->hostnames, raw(node(L, p->key)), json_true());
	x->hosts = xcalloc(map_len(n) + 1, sizeof *x->hosts);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(L, p->key), *v = node(L, p->value), *a = v, *iface = NULL;
		struct host *h;
		char *addr, *slash;
		long long prefix = -1;
		int family;

		if (!is_scalar(k) || !is_ident(raw(k))) {
			lerr(L, k, "host name must be a name (letters, digits, _ and -)");
			continue;
		}
		if (strcmp(raw(k), "any") == 0 || strcmp(raw(k), "localhost") == 0 ||
		    strcmp(raw(k), "sleep") == 0 || strcmp(raw(k), "repeat") == 0) {
			lerr(L, k, "'%s' cannot be a host name", raw(k));
			continue;
		}
		if (expt_host(x, raw(k)) != NULL) {
			lerr(L, k, "host '%s' is defined twice", raw(k));
			continue;
		}
		if (v->type == YAML_MAPPING_NODE) {
			static const char *const keys[] = { "addr", "iface", NULL };
			check_keys(L, v, keys, "host");
			a = map_get(L, v, "addr");
			iface = map_get(L, v, "iface");
			if (a == NULL) {
				lerr(L, v, "host '%s' needs addr", raw(k));
				continue;
			}
		}
		if ((addr = subst(L, a)) == NULL)
			continue;
		if ((slash = strchr(addr, '/')) != NULL) {
			*slash = '\0';
			if (parse_int_text(slash + 1, &prefix) != 0 || prefix < 0 || prefix > 128) {
				lerr(L, a, "bad prefix length in '%s/%s'", addr, slash + 1);
				free(addr);
				continue;
			}
		}
		if (!addr_is_ip(addr, &family)) {
			lerr(L, a, "host '%s': '%s' is not an IP address", raw(k), addr);
			free(addr);
			continue;
		}
		if (family == AF_INET && prefix > 32) {
			lerr(L, a, "bad prefix length /%lld for IPv4", prefix);
			free(addr);
			continue;
		}
		for (size_t i = 0; i < x->nhosts; i++)
			if (strcmp(x->hosts[i].addr, addr) == 0 && !addr_is_loopback(addr))
				lerr(L, a, "hosts '%s' and '%s' have the same address %s", x->hosts[i].name, raw(k), addr);
		h = &x->hosts[x->nhosts++];
		h->name = xstrdup(raw(k));
		h->addr = addr;
		h->family = family;
		h->prefix = prefix >= 0 ? (int)prefix : family == AF_INET ? 24 : 64;
		h->pos = npos(k);
		h->capture = 1;
		if (iface != NULL && (h->iface = subst(L, iface)) != NULL) {
			/* it becomes an argument of ip(8): a plain interface name only */
			size_t n = strlen(h->iface), ok = n > 0 && n < 16 && strcmp(h->iface, "lo") != 0;
			for (const char *c = h->iface; ok && *c; c++)
				ok = isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.';
			if (!ok)
				lerr(L, iface, "host '%s': bad interface name '%s' (1 to 15 letters, digits, '.', '-', '_'; not lo)",
				    h->name, h->iface);
		}
	}
	if (map_len(n) == 0)
		lerr(L, n, "hosts is empty: name at least one host");
}

static void
parse_vars(struct loader *L, yaml_node_t *n, json_t *defines)
{
	if (n != NULL && n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "vars must be a map of NAME: value");
		n = NULL;
	}
	if (n != NULL) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
			if (!is_scalar(k) || !is_ident(raw(k))) {
				lerr(L, k, "variable name must be a name");
				continue;
			}
			if (strcmp(raw(k), "i") == 0) {
				lerr(L, k, "'i' is the repeat counter and cannot be a variable");
				continue;
			}
			if (!is_scalar(v)) {
				lerr(L, v, "variable '%s' must be a scalar, not %s", raw(k), node_kind(v));
				continue;
			}
			/* -D wins over the file; a var may use the vars above it */
			if (defines != NULL && json_object_get(defines, raw(k)) != NULL)
				continue;
			char *s = subst(L, v);
			if (s != NULL)
				json_object_set_new(L->vars, raw(k), json_string(s));
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
		lerr(L, n, "links must be a map with loss and delay, e.g. {loss: 10%%, delay: 20ms}");
		return;
	}
	check_keys(L, n, keys, "links");
	if ((v = map_get(L, n, "loss")) != NULL && (s = subst(L, v)) != NULL) {
		double loss = strtod(s, &end);
		if (end == s || (*end != '\0' && strcmp(end, "%") != 0) || loss < 0 || loss > 100)
			lerr(L, v, "links loss must be a percentage like 10%%, not '%s'", s);
		else
			L->x->link_loss = loss;
		free(s);
	}
	if ((v = map_get(L, n, "delay")) != NULL && (s = subst(L, v)) != NULL) {
		long ms = strtol(s, &end, 10);
		if (end == s || (*end != '\0' && strcmp(end, "ms") != 0) || ms < 0 || ms > 60000)
			lerr(L, v, "links delay must be milliseconds like 20ms, not '%s'", s);
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
		lerr(L, n, "capture must be a map with on, filter, snaplen, buffer");
		return;
	}
	check_keys(L, n, keys, "capture");
	if ((on = map_get(L, n, "on")) != NULL) {
		if (on->type != YAML_SEQUENCE_NODE)
			lerr(L, on, "capture on must be a list of hosts");
		else {
			for (size_t i = 0; i < L->x->nhosts; i++)
				L->x->hosts[i].capture = 0;
			for (yaml_node_item_t *it = on->data.sequence.items.start; it < on->data.sequence.items.top; it++) {
				char *h = subst(L, node(L, *it));
				const struct host *hp = h ? expt_host(L->x, h) : NULL;
				if (h != NULL && hp == NULL)
					lerr(L, node(L, *it), "capture: unknown host '%s'", h);
				else if (hp != NULL)
					((struct host *)hp)->capture = 1;
				free(h);
			}
		}
	}
	if ((v = map_get(L, n, "filter")) != NULL)
		L->x->capture_filter = subst(L, v);
	if ((v = map_get(L, n, "snaplen")) != NULL) {
		long long sl;
		if (get_int(L, v, "capture snaplen", 64, 262144, &sl) == 0)
			L->x->capture_snaplen = (int)sl;
	}
	if ((v = map_get(L, n, "buffer")) != NULL) {
		long long b;
		if (get_int(L, v, "capture buffer", 4096, 1LL << 30, &b) == 0)
			L->x->capture_buffer = (int)b;
	}
}

/* An endpoint of a check (host, HOST:PORT, IP, HOST.SOCKET), validated; its text. */
static char *
check_endpoint(struct loader *L, yaml_node_t *n, const char *what)
{
	struct aref *a = parse_addr(L, n, what, 0);
	char *t;
	if (a == NULL)
		return NULL;
	t = xstrdup(a->text);
	aref_free(a);
	return t;
}

static void
check_set_endpoint(struct loader *L, json_t *o, yaml_node_t *m, const char *key, int required, const char *check)
{
	yaml_node_t *v = map_get(L, m, key);
	char *t, what[64];
	snprintf(what, sizeof what, "%s %s", check, key);
	if (v == NULL) {
		if (required)
			lerr(L, m, "%s needs '%s'", check, key);
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
	if (is_scalar(v)) {
		char *t = check_endpoint(L, v, what);
		if (t != NULL)
			json_object_set_new(o, "conn", json_string(t));
		free(t);
		return;
	}
	if ((c = map_get(L, v, "conn")) != NULL) {
		if (is_scalar(c)) {
			char *t = check_endpoint(L, c, what);
			if (t != NULL)
				json_object_set_new(o, "conn", json_string(t));
			free(t);
		} else
			check_conn(L, o, c, check);
	} else if ((cl = map_get(L, v, "client")) != NULL && (sv = map_get(L, v, "server")) != NULL) {
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
		lerr(L, v, "%s needs a connection: a socket (romeo.sock), conn: ..., or client: and server:", check);
	if ((at = map_get(L, v, "attempt")) != NULL) {
		long long n;
		if (get_int(L, at, "attempt", 1, 1000, &n) == 0)
			json_object_set_new(o, "attempt", json_integer(n));
	}
}

/*
 * ---- building documents from events ----
 *
 * What yaml_parser_load() does, with one difference: the items of the top
 * level's checks: list can be left out of the document, and read later one
 * at a time (checks_stream()), each into a small document of its own that
 * is freed before the next.  A file of 27,000 checks then never holds all
 * their nodes at once: libyaml's nodes take ~1 KiB per check, as much
 * again as the checks themselves.
 */
struct builder {
	yaml_document_t	*doc;
	struct { int id, key; } stack[LOAD_MAX_NESTING + 1];
	int		 depth;
	int		 nesting;	/* of every event, left out or not */
	int		 skip_checks;	/* leave out the items of the root's checks: list */
	int		 skipping;	/* depth of the events being left out, 0: none */
	int		 skipped;	/* items were left out */
	int		 anchors_seen;	/* an anchor or alias anywhere: do not leave anything out */
	json_t		*anchors;	/* name -> node id */
	int		 done;
};

/* The problem of a document nested too deep (which also keeps the builder's stack in bounds). */
static const char builder_too_deep[] = "nested too deep";

static void
builder_init(struct builder *b, yaml_document_t *doc, int skip_checks)
{
	memset(b, 0, sizeof *b);
	b->doc = doc;
	b->skip_checks = skip_checks;
	b->anchors = json_object();
	yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1);
}

static void
builder_free(struct builder *b)
{
	json_decref(b->anchors);
}

static void
builder_attach(struct builder *b, int id)
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
builder_mark(struct builder *b, int id, const yaml_event_t *e, int start)
{
	yaml_node_t *n = yaml_document_get_node(b->doc, id);
	if (start)
		n->start_mark = e->start_mark;
	n->end_mark = e->end_mark;
}

/* Is the next item the root mapping's checks: value? */
static int
builder_at_checks(struct builder *b)
{
	yaml_node_t *k;
	if (!b->skip_checks || b->depth != 1 || b->stack[0].key == 0)
		return 0;
	k = yaml_document_get_node(b->doc, b->stack[0].key);
	return k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, "checks") == 0 &&
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
static int
builder_event(struct builder *b, yaml_parser_t *p, const yaml_event_t *e)
{
	const char *anchor = event_anchor(e);
	int id = 0;

	if (e->type == YAML_SEQUENCE_START_EVENT || e->type == YAML_MAPPING_START_EVENT) {
		if (++b->nesting > LOAD_MAX_NESTING) {
			p->error = YAML_COMPOSER_ERROR;
			p->problem = builder_too_deep;
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
		/* the end of the checks list */
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
			int at_checks = builder_at_checks(b);
			id = yaml_document_add_sequence(b->doc, (yaml_char_t *)event_tag(e->data.sequence_start.tag),
			    e->data.sequence_start.style);
			builder_mark(b, id, e, 1);
			if (anchor == NULL && at_checks) {
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

/*
 * The first document of the stream, like yaml_parser_load(); with
 * skip_checks, without the items of its checks: list (*skipped says whether
 * any were left out).  1, or 0 with the problem in the parser's fields.
 */
static int
doc_load(yaml_parser_t *p, yaml_document_t *doc, int skip_checks, int *skipped)
{
	struct builder b;
	int in_doc = 0;

	builder_init(&b, doc, skip_checks);
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
		else if (in_doc && builder_event(&b, p, &e) != 0) {
			yaml_event_delete(&e);
			goto fail;
		}
		yaml_event_delete(&e);
	}
	*skipped = b.skipped && !b.anchors_seen;
	if (b.skipped && b.anchors_seen) {
		/* anchors may reach into the checks: keep everything, as libyaml would */
		builder_free(&b);
		yaml_document_delete(doc);
		return -2;
	}
	builder_free(&b);
	return 1;
fail:
	builder_free(&b);
	yaml_document_delete(doc);
	memset(doc, 0, sizeof *doc);
	return 0;
}


/* One item of checks:, appended to the experiment's checks when it is right. */
static void
parse_check_item(struct loader *L, yaml_node_t *c)
{
	static const char *const k_conn[] = { "conn", "client", "server", "attempt", NULL };
	static const char *const k_stream[] = { "conn", "client", "server", "attempt", "from", "data",
		"contains", "prefix", "lines", NULL };
	static const char *const k_from[] = { "conn", "client", "server", "attempt", "from", NULL };
	static const char *const k_closed[] = { "conn", "client", "server", "attempt", "first", NULL };
	static const char *const k_reset[] = { "conn", "client", "server", "attempt", "by", NULL };
	static const char *const k_dgram[] = { "from", "to", "data", "count", NULL };
	static const char *const k_icmp[] = { "from", "to", "count", NULL };
	static const char *const k_quiet[] = { "steps", NULL };
	static const char *const k_state[] = { "conn", "client", "server", "attempt", "state", NULL };
	static const char *const k_conc[] = { "server", "count", NULL };
	static const char *const k_retr[] = { "conn", "client", "server", "attempt", "max", "min", NULL };
	static const char *const k_intv[] = { "from", "to", "expect", "tolerance", NULL };
	static const char *const states[] = { "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR",
		"RSTOS0", "RSTRH", "SH", "SHR", "OTH", NULL };
	static const char *const names[] = {
		"handshake", "refused", "stream", "acked", "closed", "reset", "datagrams",
		"icmp_unreachable", "quiet", "state", "concurrent", "retransmissions", "intervals", NULL,
	};

	yaml_node_t *k, *v, *a;
	const char *name;
	json_t *o;

	if (c->type != YAML_MAPPING_NODE || map_len(c) == 0) {
		lerr(L, c, "a check must be a map like {handshake: romeo.sock}");
		return;
	}
	k = node(L, c->data.mapping.pairs.start->key);
	v = node(L, c->data.mapping.pairs.start->value);
	if (get_enum(L, k, "check", names, &name) != 0)
		return;
	o = json_pack("{s:s, s:i, s:i}", "check", name, "line", npos(k).line, "col", npos(k).col);
	for (yaml_node_pair_t *p = c->data.mapping.pairs.start + 1; p < c->data.mapping.pairs.top; p++) {
		yaml_node_t *pk = node(L, p->key);
		if (!is_scalar(pk) || (strcmp(raw(pk), "name") != 0 && strcmp(raw(pk), "points") != 0))
			lerr(L, pk, "check %s: unknown key '%s' beside it (name, points)", name,
			    is_scalar(pk) ? raw(pk) : "?");
		else if (strcmp(raw(pk), "points") == 0) {
			double pts;
			if (get_num(L, node(L, p->value), "points", 0, 1e6, &pts) == 0)
				json_object_set_new(o, "points", json_real(pts));
		} else {
			char *t = subst(L, node(L, p->value));
			if (t != NULL)
				json_object_set_new(o, "name", json_string(t));
			free(t);
		}
	}
	if (strcmp(name, "quiet") == 0) {
		yaml_node_t *steps = v->type == YAML_MAPPING_NODE ? map_get(L, v, "steps") : v;
		json_t *ids = json_array();
		if (v->type == YAML_MAPPING_NODE)
			check_keys(L, v, k_quiet, name);
		if (steps != NULL && is_scalar(steps)) {
			char *id = subst(L, steps);
			if (id != NULL)
				json_array_append_new(ids, json_string(id));
			free(id);
		} else if (steps != NULL && steps->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *i = steps->data.sequence.items.start; i < steps->data.sequence.items.top; i++) {
				char *id = subst(L, node(L, *i));
				if (id != NULL)
					json_array_append_new(ids, json_string(id));
				free(id);
			}
		} else
			lerr(L, v, "quiet needs step ids: quiet: [id, ...]");
		for (size_t i = 0; i < json_array_size(ids); i++)
			if (L->ids != NULL && json_object_get(L->ids, json_string_value(json_array_get(ids, i))) == NULL)
				lerr(L, v, "quiet: no step has id '%s'", json_string_value(json_array_get(ids, i)));
		json_object_set_new(o, "steps", ids);
		json_array_append_new(L->x->checks, o);
		return;
	}
	if (v->type != YAML_MAPPING_NODE && strcmp(name, "handshake") != 0 && strcmp(name, "refused") != 0 &&
	    strcmp(name, "closed") != 0 && strcmp(name, "reset") != 0) {
		lerr(L, v, "check %s takes a map of its arguments", name);
		json_decref(o);
		return;
	}
	if (strcmp(name, "handshake") == 0 || strcmp(name, "refused") == 0) {
		if (v->type == YAML_MAPPING_NODE)
			check_keys(L, v, k_conn, name);
		check_conn(L, o, v, name);
	} else if (strcmp(name, "stream") == 0 || strcmp(name, "acked") == 0) {
		check_keys(L, v, strcmp(name, "stream") == 0 ? k_stream : k_from, name);
		check_conn(L, o, v, name);
		check_set_endpoint(L, o, v, "from", 1, name);
		if (strcmp(name, "stream") == 0) {
			int forms = 0;
			static const char *const dk[] = { "data", "contains", "prefix", NULL };
			for (const char *const *d = dk; *d; d++)
				if ((a = map_get(L, v, *d)) != NULL) {
					struct bytes b = { NULL, 0, 0 };
					forms++;
					if (parse_data(L, a, *d, &b) == 0) {
						char *e = b64_encode(b.p, b.len);
						json_object_set_new(o, *d, json_string(e));
						free(e);
					}
					free(b.p);
				}
			if ((a = map_get(L, v, "lines")) != NULL) {
				json_t *lines = json_array();
				forms++;
				if (a->type != YAML_SEQUENCE_NODE)
					lerr(L, a, "stream lines must be a list of strings");
				else
					for (yaml_node_item_t *i = a->data.sequence.items.start; i < a->data.sequence.items.top; i++) {
						char *t = subst(L, node(L, *i));
						if (t != NULL)
							json_array_append_new(lines, json_string(t));
						free(t);
					}
				json_object_set_new(o, "lines", lines);
			}
			if (forms != 1)
				lerr(L, v, "stream needs exactly one of data, contains, prefix, lines");
		}
	} else if (strcmp(name, "closed") == 0 || strcmp(name, "reset") == 0) {
		int is_closed = strcmp(name, "closed") == 0;
		if (v->type == YAML_MAPPING_NODE) {
			check_keys(L, v, is_closed ? k_closed : k_reset, name);
			check_set_endpoint(L, o, v, is_closed ? "first" : "by", 0, name);
		}
		check_conn(L, o, v, name);
	} else if (strcmp(name, "datagrams") == 0 || strcmp(name, "icmp_unreachable") == 0 ||
	    strcmp(name, "intervals") == 0) {
		check_keys(L, v, strcmp(name, "datagrams") == 0 ? k_dgram :
		    strcmp(name, "intervals") == 0 ? k_intv : k_icmp, name);
		check_set_endpoint(L, o, v, "from", 1, name);
		check_set_endpoint(L, o, v, "to", 1, name);
		if (strcmp(name, "datagrams") == 0) {
			yaml_node_t *d = map_get(L, v, "data"), *cnt = map_get(L, v, "count");
			if ((d != NULL) == (cnt != NULL))
				lerr(L, v, "datagrams needs data: [...] or count: N");
			if (cnt != NULL) {
				long long nn;
				if (get_int(L, cnt, "count", 0, 1000000, &nn) == 0)
					json_object_set_new(o, "count", json_integer(nn));
			} else if (d != NULL && d->type != YAML_SEQUENCE_NODE)
				lerr(L, d, "datagrams data must be a list, one item per datagram");
			else if (d != NULL) {
				json_t *list = json_array();
				for (yaml_node_item_t *i = d->data.sequence.items.start; i < d->data.sequence.items.top; i++) {
					struct bytes b = { NULL, 0, 0 };
					if (parse_data(L, node(L, *i), "datagram", &b) == 0) {
						char *e = b64_encode(b.p, b.len);
						json_array_append_new(list, json_string(e));
						free(e);
					}
					free(b.p);
				}
				json_object_set_new(o, "data", list);
			}
		} else if (strcmp(name, "icmp_unreachable") == 0) {
			yaml_node_t *cnt = map_get(L, v, "count");
			long long nn;
			if (cnt != NULL && get_int(L, cnt, "count", 0, 1000000, &nn) == 0)
				json_object_set_new(o, "count", json_integer(nn));
		} else if (strcmp(name, "intervals") == 0) {
			yaml_node_t *e = map_get(L, v, "expect"), *t = map_get(L, v, "tolerance");
			double tol = 0.05;
			json_t *list = json_array();
			if (e == NULL || e->type != YAML_SEQUENCE_NODE)
				lerr(L, v, "intervals needs expect: a list of gaps in seconds");
			else
				for (yaml_node_item_t *i = e->data.sequence.items.start; i < e->data.sequence.items.top; i++) {
					double g;
					if (get_num(L, node(L, *i), "interval", 0, 86400, &g) == 0)
						json_array_append_new(list, json_real(g));
				}
			if (t != NULL)
				get_num(L, t, "tolerance", 0, 3600, &tol);
			json_object_set_new(o, "expect", list);
			json_object_set_new(o, "tolerance", json_real(tol));
		}
	} else if (strcmp(name, "state") == 0) {
		const char *stv;
		check_keys(L, v, k_state, name);
		check_conn(L, o, v, name);
		if ((a = map_get(L, v, "state")) == NULL)
			lerr(L, v, "state needs state: (S0, S1, SF, REJ, RSTO, RSTR, ...)");
		else if (get_enum(L, a, "state", states, &stv) == 0)
			json_object_set_new(o, "state", json_string(stv));
	} else if (strcmp(name, "concurrent") == 0) {
		long long cnt;
		check_keys(L, v, k_conc, name);
		check_set_endpoint(L, o, v, "server", 1, name);
		if ((a = map_get(L, v, "count")) == NULL)
			lerr(L, v, "concurrent needs count");
		else if (get_int(L, a, "count", 1, 100000, &cnt) == 0)
			json_object_set_new(o, "count", json_integer(cnt));
	} else if (strcmp(name, "retransmissions") == 0) {
		long long m;
		check_keys(L, v, k_retr, name);
		check_conn(L, o, v, name);
		if ((a = map_get(L, v, "max")) != NULL && get_int(L, a, "max", 0, 1000000000, &m) == 0)
			json_object_set_new(o, "max", json_integer(m));
		if ((a = map_get(L, v, "min")) != NULL && get_int(L, a, "min", 0, 1000000000, &m) == 0)
			json_object_set_new(o, "min", json_integer(m));
		if (map_get(L, v, "max") == NULL && map_get(L, v, "min") == NULL)
			lerr(L, v, "retransmissions needs max or min");
	}
	json_array_append_new(L->x->checks, o);
}

static void checks_stream(struct loader *, yaml_node_t *);

static void
parse_checks(struct loader *L, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		lerr(L, n, "checks must be a list");
		return;
	}
	L->x->checks = json_array();
	if (L->checks_skipped) {
		checks_stream(L, n);
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
		parse_check_item(L, node(L, *it));
}

/*
 * The items of checks: that doc_load() left out, read again from the text
 * one at a time, each into a document of its own for parse_check_item().
 */
static void
checks_stream(struct loader *L, yaml_node_t *seq)
{
	yaml_parser_t p;
	yaml_document_t main_doc = L->doc, item;
	struct builder b;
	int depth = 0, in_seq = 0, in_item = 0, done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (unsigned char *)L->x->text, L->x->text_len);
	while (!done) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e))
			break;	/* cannot happen: doc_load() read the same text */
		if (in_seq && !in_item && e.type == YAML_SEQUENCE_END_EVENT) {
			done = 1;
		} else if (in_seq) {
			if (!in_item) {
				builder_init(&b, &item, 0);
				in_item = 1;
			}
			if (builder_event(&b, &p, &e) != 0) {
				struct pos pos = { (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1 };
				errlist_add(L->errs, L->file, pos, "YAML syntax error: %s", p.problem);
				done = 1;
			} else if (b.done) {
				L->doc = item;
				parse_check_item(L, yaml_document_get_root_node(&item));
				L->doc = main_doc;
			}
			if (done || b.done) {
				builder_free(&b);
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
		builder_free(&b);
		yaml_document_delete(&item);
	}
	L->doc = main_doc;
	yaml_parser_delete(&p);
}

/* grading: {total: N, visibility: V, hidden: [names], after_due_date: [names], visible: [names]} */
static void
parse_grading(struct loader *L, yaml_node_t *n)
{
	static const char *const keys[] = { "total", "visibility", "visible", "hidden", "after_due_date", NULL };
	static const char *const vis[] = { "visible", "hidden", "after_due_date", NULL };
	yaml_node_t *v;
	const char *d;

	if (n->type != YAML_MAPPING_NODE) {
		lerr(L, n, "grading must be a map with total, visibility, hidden, after_due_date");
		return;
	}
	check_keys(L, n, keys, "grading");
	L->x->grading = json_pack("{s:s, s:{}}", "visibility", "visible", "items");
	if ((v = map_get(L, n, "total")) != NULL) {
		double t;
		if (get_num(L, v, "grading total", 0, 1e6, &t) == 0)
			json_object_set_new(L->x->grading, "total", json_real(t));
	}
	if ((v = map_get(L, n, "visibility")) != NULL && get_enum(L, v, "visibility", vis, &d) == 0)
		json_object_set_new(L->x->grading, "visibility", json_string(d));
	for (const char *const *k = vis; *k; k++) {
		if ((v = map_get(L, n, *k)) == NULL)
			continue;
		if (v->type != YAML_SEQUENCE_NODE) {
			lerr(L, v, "grading %s must be a list of item names", *k);
			continue;
		}
		for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			char *name = subst(L, node(L, *it));
			if (name != NULL)
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
	if (memchr(x->text, '\0', x->text_len) != NULL || !utf8_valid((unsigned char *)x->text, x->text_len)) {
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
		errlist_add(errs, path, p, "the file is not valid UTF-8 text (byte 0x%02x)",
		    i < x->text_len ? (unsigned char)x->text[i] : 0);
		expt_free(x);
		return NULL;
	}

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (unsigned char *)x->text, x->text_len);
	int loaded = doc_load(&parser, &L.doc, 1, &L.checks_skipped);
	if (loaded == -2) {	/* anchors: the whole document after all */
		yaml_parser_delete(&parser);
		yaml_parser_initialize(&parser);
		yaml_parser_set_input_string(&parser, (unsigned char *)x->text, x->text_len);
		loaded = doc_load(&parser, &L.doc, 0, &L.checks_skipped);
	}
	if (loaded != 1) {
		struct pos p = { (int)parser.problem_mark.line + 1, (int)parser.problem_mark.column + 1 };
		struct buf b;
		buf_init(&b);
		if (parser.problem == builder_too_deep)
			buf_printf(&b, "nested more than %d levels deep", LOAD_MAX_NESTING);
		else
			buf_printf(&b, "YAML syntax error: %s", parser.problem ? parser.problem : "?");
		/* where the construct began, when that is not where it went wrong */
		if (parser.context != NULL && parser.context_mark.index != parser.problem_mark.index)
			buf_printf(&b, " %s that starts at line %d, column %d", parser.context,
			    (int)parser.context_mark.line + 1, (int)parser.context_mark.column + 1);
		if (parser.problem_mark.index < x->text_len && x->text[parser.problem_mark.index] == '\t')
			buf_adds(&b, " (a tab: indent YAML with spaces)");
		errlist_add(errs, path, p, "%s", (char *)b.data);
		buf_free(&b);
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
		lerr(&L, root, "an experiment is a map with hosts and steps, not %s", node_kind(root));
		goto out;
	}
	check_keys(&L, root, top_keys, "experiment");
	parse_vars(&L, map_get(&L, root, "vars"), defines);
	if ((v = map_get(&L, root, "name")) != NULL)
		x->name = subst(&L, v);
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
	if ((v = map_get(&L, root, "summary")) != NULL)
		x->summary = subst(&L, v);
	if ((v = map_get(&L, root, "hosts")) == NULL)
		lerr(&L, root, "the experiment has no hosts");
	else
		parse_hosts(&L, v);
	if ((v = map_get(&L, root, "capture")) != NULL)
		parse_capture(&L, v);
	if ((v = map_get(&L, root, "links")) != NULL)
		parse_links(&L, v);
	if (checks_only == 2)
		checks_only = map_get(&L, root, "steps") == NULL && map_get(&L, root, "checks") != NULL;
	x->checks_only = checks_only;
	if (checks_only) {
		if ((v = map_get(&L, root, "steps")) != NULL)
			lerr(&L, v, "a checks file has hosts and checks, not steps (run it with verona run)");
		if (map_get(&L, root, "checks") == NULL)
			lerr(&L, root, "the checks file has no checks");
	} else if ((v = map_get(&L, root, "steps")) == NULL)
		lerr(&L, root, "the experiment has no steps");
	else
		parse_steps(&L, v);
	if ((v = map_get(&L, root, "checks")) != NULL)
		parse_checks(&L, v);
	if ((v = map_get(&L, root, "grading")) != NULL)
		parse_grading(&L, v);
	x->vars = json_incref(L.vars);
	if (x->unsupported == NULL)
		for (size_t i = 0; i < x->nsteps; i++)
			if (x->steps[i].unsupported != NULL) {
				x->unsupported = x->steps[i].unsupported;
				x->unsupported_pos = x->steps[i].unsupported_pos;
				break;
			}
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
		step_clear(&x->steps[i]);
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
	json_decref(x->checks);
	json_decref(x->grading);
	free(x);
}
