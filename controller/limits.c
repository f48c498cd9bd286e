/* limits.c — parsing --limits (see limits.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "limits.h"
#include "util.h"

enum limits_kind { LIMITS_BYTES, LIMITS_COUNT, LIMITS_CPUS };

static const struct limits_entry {
	const char		*name;
	enum limits_kind	 kind;
	double			 dflt, min, max;
	const char		*what;
} limits_table[] = {
	{ "memory", LIMITS_BYTES, CGROUP_MEMORY_DEFAULT, 16 << 20, 1LL << 50,
	  "the memory of everything a host's programs start" },
	{ "processes", LIMITS_COUNT, CGROUP_PROCESSES_DEFAULT, 8, 1 << 22,
	  "the processes a host's programs may have at once" },
	{ "cpus", LIMITS_CPUS, CGROUP_CPUS_DEFAULT, 0.01, 4096, "the CPUs a host's programs may use" },
	{ "disk", LIMITS_BYTES, CGROUP_DISK_DEFAULT, 1 << 20, 1LL << 50, "the size of a program's writable space" },
};
#define LIMITS_N (sizeof limits_table / sizeof limits_table[0])

static const struct {
	const char	*suffix;
	double		 factor;
} limits_units[] = {
	{ "", 1 }, { "K", 1024.0 }, { "KiB", 1024.0 }, { "M", 1048576.0 }, { "MiB", 1048576.0 },
	{ "G", 1073741824.0 }, { "GiB", 1073741824.0 }, { "T", 1099511627776.0 }, { "TiB", 1099511627776.0 },
};

static void
limits_show(char *out, size_t len, const struct limits_entry *e, double v)
{
	if (e->kind == LIMITS_BYTES && v >= 1048576 && fmod(v, 1048576) == 0)
		snprintf(out, len, "%.0fM", v / 1048576);
	else
		snprintf(out, len, "%g", v);
}

/* One name=value item; 0, or -1 with err. */
static int
limits_item(const char *item, json_t *o, int *seen, char *err, size_t errlen)
{
	const char *eq = strchr(item, '=');
	const struct limits_entry *e = NULL;
	char names[128] = "", lo[32], hi[32], *end;
	double v;
	size_t i;

	for (i = 0; i < LIMITS_N; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", limits_table[i].name);
	if (item[0] == '\0') {
		snprintf(err, errlen, "--limits: an empty item (write name=value,name=value with %s)", names);
		return -1;
	}
	if (eq == NULL) {
		snprintf(err, errlen, "--limits: '%.60s' is not name=value (names: %s)", item, names);
		return -1;
	}
	for (i = 0; i < LIMITS_N; i++)
		if (strlen(limits_table[i].name) == (size_t)(eq - item) &&
		    strncmp(limits_table[i].name, item, (size_t)(eq - item)) == 0)
			e = &limits_table[i];
	if (e == NULL) {
		snprintf(err, errlen, "--limits: unknown limit '%.*s' (known: %s)", (int)(eq - item > 40 ? 40 : eq - item),
		    item, names);
		return -1;
	}
	if (seen[e - limits_table]++) {
		snprintf(err, errlen, "--limits: %s is given twice", e->name);
		return -1;
	}
	errno = 0;
	v = strtod(eq + 1, &end);
	if (end == eq + 1 || errno != 0 || !isfinite(v) || isspace((unsigned char)eq[1])) {
		snprintf(err, errlen, "--limits: %s=%.40s: %s", e->name, eq + 1,
		    e->kind == LIMITS_BYTES ? "give bytes, with an optional K, M, G or T suffix (e.g. 512M)" :
		    e->kind == LIMITS_COUNT ? "give a whole number" : "give a number of CPUs (e.g. 1 or 0.5)");
		return -1;
	}
	if (e->kind == LIMITS_BYTES) {
		for (i = 0; i < sizeof limits_units / sizeof limits_units[0]; i++)
			if (strcmp(end, limits_units[i].suffix) == 0)
				break;
		if (i == sizeof limits_units / sizeof limits_units[0]) {
			snprintf(err, errlen, "--limits: %s=%.40s: unknown unit '%.10s' (K, M, G or T, powers of 1024)",
			    e->name, eq + 1, end);
			return -1;
		}
		v = floor(v * limits_units[i].factor);
	} else if (*end != '\0' || (e->kind == LIMITS_COUNT && v != floor(v))) {
		snprintf(err, errlen, "--limits: %s=%.40s: %s", e->name, eq + 1,
		    e->kind == LIMITS_COUNT ? "give a whole number" : "give a number of CPUs (e.g. 1 or 0.5)");
		return -1;
	}
	if (v < e->min || v > e->max) {
		limits_show(lo, sizeof lo, e, e->min);
		limits_show(hi, sizeof hi, e, e->max);
		snprintf(err, errlen, "--limits: %s=%.40s is out of range (%s: from %s to %s)", e->name, eq + 1,
		    e->what, lo, hi);
		return -1;
	}
	json_object_set_new(o, e->name, e->kind == LIMITS_CPUS ? json_real(v) : json_integer((json_int_t)v));
	return 0;
}

json_t *
limits_parse(const char *spec, char *err, size_t errlen)
{
	json_t *o = json_object();
	int seen[LIMITS_N] = { 0 };
	char *copy, *p, *comma;

	for (size_t i = 0; i < LIMITS_N; i++)
		json_object_set_new(o, limits_table[i].name, limits_table[i].kind == LIMITS_CPUS ?
		    json_real(limits_table[i].dflt) : json_integer((json_int_t)limits_table[i].dflt));
	if (spec == NULL || spec[0] == '\0')
		return o;
	copy = xstrdup(spec);
	for (p = copy;; p = comma + 1) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		if (limits_item(p, o, seen, err, errlen) != 0) {
			free(copy);
			json_decref(o);
			return NULL;
		}
		if (comma == NULL)
			break;
	}
	free(copy);
	return o;
}
