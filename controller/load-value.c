/*
 * load-value.c — the loader's values: errors at a node, allowed keys,
 * ${var} substitution, integers, numbers, booleans, choices, addresses and
 * data in its forms (string, hex, file, pack, repeat); see load.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "load.h"
#include "pack.h"
#include "util.h"

/* ---- errors ---- */

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

void
load_err(struct loader *L, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	/*
	 * A later round of a repeat repeats the first round's mistakes, often
	 * with ${i} in the text: one error per place is enough (and keeps a
	 * count of 100000 from printing, and comparing, 100000 messages).
	 */
	if (in_later_round(L) && errlist_has_pos(L->errs, L->file, yamldoc_pos(n)))
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	errlist_add(L->errs, L->file, yamldoc_pos(n), "%s", msg);
	free(msg);
}

/*
 * A pattern read the way the run matches it (rx.h): 0 if it compiles, else
 * -1 and an error at its node naming what PCRE2 found wrong and where.
 */
int
load_check_regex(struct loader *L, const yaml_node_t *n, const char *what, const char *re, enum rx_mode mode)
{
	char err[300];
	struct rx *rx = rx_compile(re, mode, err, sizeof err, NULL);

	if (rx == NULL) {
		load_err(L, n, "%s: bad regular expression '%s': %s", what, re, err);
		return -1;
	}
	rx_free(rx);
	return 0;
}

/* Reports keys of m not in allowed (NULL-terminated) and duplicate keys. */
void
load_keys_from(struct loader *L, yaml_node_t *m, size_t from, const char *const *allowed, const char *what)
{
	yaml_node_pair_t *p, *q;
	for (p = m->data.mapping.pairs.start + from; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yamldoc_node(&L->doc, p->key);
		int ok = 0;
		if (!yamldoc_is_scalar(k)) {
			load_err(L, k, "%s: a key must be a scalar", what);
			continue;
		}
		for (q = m->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = yamldoc_node(&L->doc, q->key);
			if (yamldoc_is_scalar(k2) && strcmp(yamldoc_text(k2), yamldoc_text(k)) == 0) {
				load_err(L, k, "%s: duplicate key '%s'", what, yamldoc_text(k));
				break;
			}
		}
		for (const char *const *a = allowed; *a != NULL; a++)
			if (strcmp(*a, yamldoc_text(k)) == 0)
				ok = 1;
		if (!ok) {
			struct buf b;
			buf_init(&b);
			for (const char *const *a = allowed; *a != NULL; a++)
				buf_printf(&b, "%s%s", a == allowed ? "" : ", ", *a);
			load_err(L, k, "%s: unknown key '%s' (expected %s)", what, yamldoc_text(k), (char *)b.data);
			buf_free(&b);
		}
	}
}

void
load_keys(struct loader *L, yaml_node_t *m, const char *const *allowed, const char *what)
{
	load_keys_from(L, m, 0, allowed, what);
}

int
load_is_ident(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* The key whose value n is, if it is a scalar; NULL otherwise.  For messages. */
/* ---- variables ---- */

/* The address of HOST for the name "HOST.addr", or NULL. */
static const char *
load_host_addr_var(struct loader *L, const char *name)
{
	const char *dot = strchr(name, '.');

	if (dot == NULL || strcmp(dot, ".addr") != 0 || L->x == NULL)
		return NULL;
	for (size_t i = 0; i < L->x->nhosts; i++)
		if (strlen(L->x->hosts[i].name) == (size_t)(dot - name) &&
		    strncmp(L->x->hosts[i].name, name, (size_t)(dot - name)) == 0)
			return L->x->hosts[i].addr;
	return NULL;
}

/* The scalar's text with ${name} substituted ($${ is a literal ${), ${HOST.addr} a host's address; NULL after an error. */
char *
load_subst(struct loader *L, yaml_node_t *n)
{
	const char *s;
	struct buf b;

	if (!yamldoc_is_scalar(n)) {
		const char *key = yamldoc_key_of(&L->doc, n);
		const yaml_node_t *list;
		if (key != NULL)
			load_err(L, n, "%s must be a scalar, not %s", key, yamldoc_kind(n));
		else if ((list = yamldoc_list_of(&L->doc, n)) != NULL && (key = yamldoc_key_of(&L->doc, list)) != NULL)
			load_err(L, n, "each item of %s must be a scalar, not %s", key, yamldoc_kind(n));
		else
			load_err(L, n, "expected a scalar, found %s", yamldoc_kind(n));
		return NULL;
	}
	s = yamldoc_text(n);
	if (n->data.scalar.length != strlen(s)) {
		load_err(L, n, "text contains a NUL character");
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
				load_err(L, n, "unterminated ${ in '%s'", yamldoc_text(n));
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
			if (!found && load_host_addr_var(L, name) != NULL) {	/* ${juliet.addr} */
				buf_adds(&b, load_host_addr_var(L, name));
				found = 1;
			}
			if (!found) {
				if (strchr(name, '.') != NULL)
					load_err(L, n, "undefined variable '%s' (a host's address is ${HOST.addr}, with HOST one of "
					    "the experiment's hosts)", name);
				else if (strcmp(name, "i") == 0)
					load_err(L, n, "undefined variable 'i' (${i} exists only inside a repeat)");
				else
					load_err(L, n, "undefined variable '%s'", name);
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

int
load_int_text(const char *s, long long *out)
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

int
load_int(struct loader *L, yaml_node_t *n, const char *what, long long min, long long max, long long *out)
{
	char *s = load_subst(L, n);
	long long v;
	if (s == NULL)
		return -1;
	if (load_int_text(s, &v) != 0) {
		load_err(L, n, "%s must be an integer, not '%s'", what, s);
		free(s);
		return -1;
	}
	free(s);
	if (v < min || v > max) {
		load_err(L, n, "%s %lld out of range %lld..%lld", what, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
load_num(struct loader *L, yaml_node_t *n, const char *what, double min, double max, double *out)
{
	char *s = load_subst(L, n), *end;
	double v;
	if (s == NULL)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v)) {
		load_err(L, n, "%s must be a number, not '%s'", what, s);
		free(s);
		return -1;
	}
	free(s);
	if (v < min || v > max) {
		load_err(L, n, "%s %g out of range %g..%g", what, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
load_bool(struct loader *L, yaml_node_t *n, const char *what, int *out)
{
	char *s = load_subst(L, n);
	static const char *const yes[] = { "true", "yes", "on", "True", "TRUE", "Yes", "On" };
	static const char *const no[] = { "false", "no", "off", "False", "FALSE", "No", "Off" };
	if (s == NULL)
		return -1;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) { *out = 1; free(s); return 0; }
		if (strcmp(s, no[i]) == 0) { *out = 0; free(s); return 0; }
	}
	load_err(L, n, "%s must be true or false, not '%s'", what, s);
	free(s);
	return -1;
}

int
load_enum(struct loader *L, yaml_node_t *n, const char *what, const char *const *choices, const char **out)
{
	char *s = load_subst(L, n);
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
	load_err(L, n, "%s must be one of %s, not '%s'", what, (char *)b.data, s);
	buf_free(&b);
	free(s);
	return -1;
}

/* ---- addresses ---- */

void
load_aref_free(struct aref *a)
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
int
load_host_reported(struct loader *L, const char *name)
{
	return L->x->nhosts == 0 || (L->hostnames != NULL && json_object_get(L->hostnames, name) != NULL);
}

int
load_host_has_socket(struct loader *L, const char *host, const char *sock)
{
	json_t *h = json_object_get(L->socks, host);
	return h != NULL && json_object_get(h, sock) != NULL;
}

/*
 * Parses an address.  need_port: 1 a port is required, 0 optional (expect
 * from/peer).  Socket references are checked against the sockets defined
 * on that host so far.
 */
struct aref *
load_addr(struct loader *L, yaml_node_t *n, const char *what, int need_port)
{
	char *text = load_subst(L, n), *host = NULL, *port = NULL;
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
		if (!load_host_has_socket(L, a->host, a->sock)) {
			load_err(L, n, "%s: %s has no socket '%s' at this point", what, a->host, a->sock);
			load_aref_free(a);
			return NULL;
		}
		return a;
	}
	free(host);
	host = NULL;
	if (addr_split(text, &host, &port) != 0) {
		load_err(L, n, "%s: bad address '%s': %s (write HOST:PORT, [IPv6]:PORT or HOST.SOCKET)", what, text,
		    strchr(text, ']') == NULL ? "'[' without ']'" : "']' must be followed by :PORT");
		load_aref_free(a);
		return NULL;
	}
	a->kind = AREF_HOSTPORT;
	a->host = host;
	if (port != NULL) {
		long long v;
		if (load_int_text(port, &v) != 0 || v < 0 || v > 65535) {
			load_err(L, n, "%s: bad port '%s' in '%s' (0..65535)", what, port, text);
			free(port);
			load_aref_free(a);
			return NULL;
		}
		a->port = (int)v;
		free(port);
	} else if (need_port) {
		load_err(L, n, "%s: address '%s' has no port (write HOST:PORT or HOST.SOCKET)", what, text);
		load_aref_free(a);
		return NULL;
	}
	if (host[0] != '\0' && strcmp(host, "any") != 0 && strcmp(host, "localhost") != 0 &&
	    expt_host(L->x, host) == NULL && !addr_is_ip(host, NULL)) {
		struct buf b;
		if (load_host_reported(L, host)) {
			load_aref_free(a);
			return NULL;
		}
		buf_init(&b);
		for (size_t i = 0; i < L->x->nhosts; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", L->x->hosts[i].name);
		load_err(L, n, "%s: unknown host '%s' in '%s' (hosts: %s; or an IP address, any, localhost)",
		    what, host, text, b.data ? (char *)b.data : "none");
		buf_free(&b);
		load_aref_free(a);
		return NULL;
	}
	return a;
}

/*
 * A Python address pair written as a YAML list, [HOST, PORT]: the host
 * text goes to the agent as written (a name its host resolves for the
 * socket's family when the step runs, as CPython does: 'juliet',
 * 'localhost', '', an IP literal, or a name that fails with
 * socket.gaierror).
 */
struct aref *
load_addr_pair(struct loader *L, yaml_node_t *n, const char *what)
{
	yaml_node_item_t *it = n->data.sequence.items.start;
	struct aref *a;
	char *host, *what_port;
	long long port;
	int rc;

	if (n->data.sequence.items.top - it != 2) {
		load_err(L, n, "%s: a pair [HOST, PORT] has two items, not %d", what,
		    (int)(n->data.sequence.items.top - it));
		return NULL;
	}
	if ((host = load_subst(L, yamldoc_node(&L->doc, it[0]))) == NULL)
		return NULL;
	what_port = xasprintf("%s: the port of [HOST, PORT]", what);
	rc = load_int(L, yamldoc_node(&L->doc, it[1]), what_port, 0, 65535, &port);
	free(what_port);
	if (rc != 0) {
		free(host);
		return NULL;
	}
	a = xcalloc(1, sizeof *a);
	a->kind = AREF_PAIR;
	a->host = host;
	a->port = (int)port;
	a->text = xasprintf("[%s, %lld]", host, port);
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

/* hex: "01 02 ff" (spaces and colons between digits) into b; 0, or -1 after an error (b freed). */
static int
data_hex(struct loader *L, yaml_node_t *hex, const char *what, struct buf *b)
{
	char *s = load_subst(L, hex);
	int hi = -1;
	if (s == NULL)
		return -1;
	for (char *c = s; *c; c++) {
		int v;
		if (isspace((unsigned char)*c) || *c == ':')
			continue;
		if ((v = hexval((unsigned char)*c)) < 0) {
			load_err(L, hex, "%s: '%c' is not a hex digit", what, *c);
			free(s);
			buf_free(b);
			return -1;
		}
		if (hi < 0)
			hi = v;
		else {
			buf_addc(b, hi << 4 | v);
			hi = -1;
		}
	}
	free(s);
	if (hi >= 0) {
		load_err(L, hex, "%s: odd number of hex digits", what);
		buf_free(b);
		return -1;
	}
	return 0;
}

int
load_data(struct loader *L, yaml_node_t *n, const char *what, struct bytes *out)
{
	struct buf b;
	static const char *const forms[] = { "hex", "file", "pack", "values", "repeat", "count", NULL };

	buf_init(&b);
	out->set = 0;
	if (yamldoc_is_scalar(n)) {
		char *s = load_subst(L, n);
		if (s == NULL)
			return -1;
		buf_adds(&b, s);
		free(s);
		goto done;
	}
	if (n->type != YAML_MAPPING_NODE) {
		load_err(L, n, "%s: data must be a string or a map with hex, file, pack or repeat, not %s",
		    what, yamldoc_kind(n));
		return -1;
	}
	load_keys(L, n, forms, what);
	yaml_node_t *hex = yamldoc_map_get(&L->doc, n, "hex"), *file = yamldoc_map_get(&L->doc, n, "file"),
	    *pack = yamldoc_map_get(&L->doc, n, "pack"), *rep = yamldoc_map_get(&L->doc, n, "repeat");
	int forms_given = (hex != NULL) + (file != NULL) + (pack != NULL) + (rep != NULL);
	if (forms_given != 1) {
		load_err(L, n, "%s: data map needs exactly one of hex, file, pack, repeat", what);
		return -1;
	}
	if ((yamldoc_map_get(&L->doc, n, "values") != NULL) != (pack != NULL)) {
		load_err(L, n, "%s: 'values' goes with 'pack' (and pack needs values)", what);
		return -1;
	}
	if ((yamldoc_map_get(&L->doc, n, "count") != NULL) != (rep != NULL)) {
		load_err(L, n, "%s: 'count' goes with 'repeat' (and repeat needs count)", what);
		return -1;
	}
	if (hex != NULL) {
		if (data_hex(L, hex, what, &b) != 0)
			return -1;
	} else if (file != NULL) {
		char *s = load_subst(L, file), *path, *content;
		size_t len;
		if (s == NULL)
			return -1;
		path = s[0] == '/' ? xstrdup(s) : xasprintf("%s/%s", L->x->dir, s);
		content = file_read_all(path, &len, LOAD_MAX_DATA);
		if (content == NULL) {
			load_err(L, file, "%s: cannot read '%s': %s", what, s,
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
		yaml_node_t *vals = yamldoc_map_get(&L->doc, n, "values");
		char *fmt = load_subst(L, pack), err[256];
		char **texts;
		size_t nv, i;
		int bad = -1, failed = 0;
		if (fmt == NULL)
			return -1;
		if (vals->type != YAML_SEQUENCE_NODE) {
			load_err(L, vals, "%s: pack values must be a list", what);
			free(fmt);
			return -1;
		}
		nv = (size_t)(vals->data.sequence.items.top - vals->data.sequence.items.start);
		texts = xcalloc(nv + 1, sizeof *texts);
		for (i = 0; i < nv; i++) {
			yaml_node_t *v = yamldoc_node(&L->doc, vals->data.sequence.items.start[i]);
			if ((texts[i] = load_subst(L, v)) == NULL)
				failed = 1;
		}
		if (!failed && pack_encode(fmt, (const char *const *)texts, nv, &b, err, sizeof err, &bad) != 0) {
			if (bad >= 0 && (size_t)bad < nv)
				load_err(L, yamldoc_node(&L->doc, vals->data.sequence.items.start[bad]),
				    "%s: pack: %s", what, err);
			else
				load_err(L, pack, "%s: pack '%s': %s", what, fmt, err);
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
		char *s = load_subst(L, rep);
		if (s == NULL)
			return -1;
		if (load_int(L, yamldoc_map_get(&L->doc, n, "count"), "repeat count", 0, LOAD_MAX_DATA, &count) != 0) {
			free(s);
			return -1;
		}
		size_t unit = strlen(s);
		if (unit > 0 && (unsigned long long)count * unit > LOAD_MAX_DATA) {
			load_err(L, n, "%s: repeat makes %llu bytes, over the 16 MiB limit", what,
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
		load_err(L, n, "%s: %zu bytes of data, over the 16 MiB limit", what, b.len);
		buf_free(&b);
		return -1;
	}
	out->p = (unsigned char *)buf_steal(&b, &out->len);
	out->set = 1;
	return 0;
}
