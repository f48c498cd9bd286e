/*
 * load-exec.c — the keys of an exec step that need more than their type:
 * ready (where a peer reaches the program) and sizes (output_limit).  Moved
 * out of load-step.c; see load.h and docs/experiments.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "util.h"

/*
 * A size in bytes: a whole number, or one with a unit (K, KiB, M, MiB; K is
 * 1024), from min to max; 0, or -1 after an error naming what.
 */
int
load_size(struct loader *L, yaml_node_t *n, const char *what, long long min, long long max, long long *out)
{
	static const struct {
		const char	*unit;
		long long	 factor;
	} units[] = { { "", 1 }, { "B", 1 }, { "K", 1024 }, { "KiB", 1024 }, { "M", 1 << 20 }, { "MiB", 1 << 20 } };
	char *s = load_subst(L, n), *end;
	long long x;
	size_t i;

	if (s == NULL)
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0)
			break;
	if (end == s || errno != 0 || i == sizeof units / sizeof units[0] || x < 0 || x > max / units[i].factor ||
	    x * units[i].factor < min) {
		load_err(L, n, "%s must be a size from %lld KiB to %lld MiB (bytes, or with K, KiB, M, MiB), not '%s'",
		    what, min / 1024, max >> 20, s);
		free(s);
		return -1;
	}
	*out = x * units[i].factor;
	free(s);
	return 0;
}

/*
 * ready port: N (reachable at the step's own host's address) or
 * "HOST:PORT" (at that host's address, an IP literal, localhost, or any:
 * any listener).  Into r as port and, for HOST:PORT, host.
 */
static void
step_ready_port(struct loader *L, yaml_node_t *w, json_t *r)
{
	long long port;
	struct aref *a;

	if (!yamldoc_is_scalar(w) || strchr(yamldoc_text(w), ':') == NULL) {
		if (load_int(L, w, "ready port", 1, 65535, &port) == 0)
			json_object_set_new(r, "port", json_integer(port));
		return;
	}
	if ((a = load_addr(L, w, "ready port", 1)) == NULL)
		return;
	if (a->kind != AREF_HOSTPORT || a->port < 1)
		load_err(L, w, "ready port must be a port or HOST:PORT (where a peer would connect), not '%s'", a->text);
	else {
		json_object_set_new(r, "port", json_integer(a->port));
		json_object_set_new(r, "host", json_string(a->host[0] ? a->host : "any"));
	}
	load_aref_free(a);
}

/* exec ready: {port: N | HOST:PORT, proto: tcp|udp, stdout: REGEX, timeout: S}, at v */
void
step_ready(struct loader *L, yaml_node_t *body, yaml_node_t *v, struct step *st)
{
	static const char *const rkeys[] = { "port", "proto", "stdout", "timeout", NULL };
	static const char *const protos[] = { "tcp", "udp", NULL };
	json_t *r = json_object();
	yaml_node_t *w;

	if (v->type != YAML_MAPPING_NODE)
		load_err(L, v, "ready must be a map: {port: N} or {stdout: REGEX}, with timeout");
	else {
		load_keys(L, v, rkeys, "ready");
		if ((w = yamldoc_map_get(&L->doc, v, "port")) != NULL)
			step_ready_port(L, w, r);
		if ((w = yamldoc_map_get(&L->doc, v, "proto")) != NULL) {
			const char *pr;
			if (load_enum(L, w, "ready proto", protos, &pr) == 0)
				json_object_set_new(r, "proto", json_string(pr));
		}
		if ((w = yamldoc_map_get(&L->doc, v, "stdout")) != NULL) {
			char *re = load_subst(L, w);
			if (re != NULL && load_check_regex(L, w, "ready stdout", re, RX_LINES) == 0)
				json_object_set_new(r, "stdout", json_string(re));
			free(re);
		}
		if ((w = yamldoc_map_get(&L->doc, v, "timeout")) != NULL) {
			double rt;
			if (load_num(L, w, "ready timeout", 0.01, 3600, &rt) == 0)
				json_object_set_new(r, "timeout", json_real(rt));
		}
		if (yamldoc_map_get(&L->doc, v, "port") == NULL && yamldoc_map_get(&L->doc, v, "stdout") == NULL)
			load_err(L, v, "ready needs port or stdout");
		if (yamldoc_map_get(&L->doc, body, "background") == NULL)
			load_err(L, v, "ready goes with background: true (a step that waits for the program to end needs none)");
	}
	json_object_set_new(st->args, "ready", r);
}

