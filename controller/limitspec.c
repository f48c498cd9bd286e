/* limitspec.c — parsing --limits (see limitspec.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "limitspec.h"
#include "util.h"

enum limitspec_kind { LIMITSPEC_BYTES, LIMITSPEC_COUNT, LIMITSPEC_CPUS };

static const struct limitspec_entry {
	const char		*name;
	enum limitspec_kind	 kind;
	double			 dflt, min, max;
	const char		*what;
} limitspec_table[] = {
	{ "memory", LIMITSPEC_BYTES, CGROUP_MEMORY_DEFAULT, 16 << 20, 1LL << 50,
	  "the memory of everything a host's programs start" },
	{ "processes", LIMITSPEC_COUNT, CGROUP_PROCESSES_DEFAULT, 8, 1 << 22,
	  "the processes a host's programs may have at once" },
	{ "cpus", LIMITSPEC_CPUS, CGROUP_CPUS_DEFAULT, 0.01, 4096, "the CPUs a host's programs may use" },
	{ "disk", LIMITSPEC_BYTES, CGROUP_DISK_DEFAULT, 1 << 20, 1LL << 50, "the size of a program's writable space" },
};
#define LIMITSPEC_N (sizeof limitspec_table / sizeof limitspec_table[0])

static const struct {
	const char	*suffix;
	double		 factor;
} limitspec_units[] = {
	{ "", 1 }, { "K", 1024.0 }, { "KiB", 1024.0 }, { "M", 1048576.0 }, { "MiB", 1048576.0 },
	{ "G", 1073741824.0 }, { "GiB", 1073741824.0 }, { "T", 1099511627776.0 }, { "TiB", 1099511627776.0 },
};

/* A bound as a user would write it: bytes in the largest unit that divides them (16M, 1024T). */
static void
limitspec_show(char *out, size_t len, const struct limitspec_entry *e, double v)
{
	static const char units[] = "TGMK";
	if (e->kind == LIMITSPEC_BYTES)
		for (int i = 0; units[i]; i++) {
			double f = 1099511627776.0 / (double)(1LL << (10 * i));
			if (v >= f && fmod(v, f) == 0) {
				snprintf(out, len, "%.0f%c", v / f, units[i]);
				return;
			}
		}
	snprintf(out, len, e->kind == LIMITSPEC_CPUS ? "%g" : "%.0f", v);
}

/* One name=value item; 0, or -1 with err. */
static int
limitspec_item(const char *item, json_t *o, int *seen, char *err, size_t errlen)
{
	const char *eq = strchr(item, '=');
	const struct limitspec_entry *e = NULL;
	char names[128] = "", lo[32], hi[32], *end;
	double v;
	size_t i;

	for (i = 0; i < LIMITSPEC_N; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", limitspec_table[i].name);
	if (item[0] == '\0') {
		snprintf(err, errlen, "--limits: an empty item (write name=value,name=value with %s)", names);
		return -1;
	}
	if (eq == NULL) {
		snprintf(err, errlen, "--limits: '%.60s' is not name=value (names: %s)", item, names);
		return -1;
	}
	for (i = 0; i < LIMITSPEC_N; i++)
		if (strlen(limitspec_table[i].name) == (size_t)(eq - item) &&
		    strncmp(limitspec_table[i].name, item, (size_t)(eq - item)) == 0)
			e = &limitspec_table[i];
	if (e == NULL) {
		snprintf(err, errlen, "--limits: unknown limit '%.*s' (known: %s)", (int)(eq - item > 40 ? 40 : eq - item),
		    item, names);
		return -1;
	}
	if (seen[e - limitspec_table]++) {
		snprintf(err, errlen, "--limits: %s is given twice", e->name);
		return -1;
	}
	errno = 0;
	v = strtod(eq + 1, &end);
	if (end == eq + 1 || errno != 0 || !isfinite(v) || isspace((unsigned char)eq[1])) {
		snprintf(err, errlen, "--limits: %s=%.40s: %s", e->name, eq + 1,
		    e->kind == LIMITSPEC_BYTES ? "give bytes, with an optional K, M, G or T suffix (e.g. 512M)" :
		    e->kind == LIMITSPEC_COUNT ? "give a whole number" : "give a number of CPUs (e.g. 1 or 0.5)");
		return -1;
	}
	if (e->kind == LIMITSPEC_BYTES) {
		for (i = 0; i < sizeof limitspec_units / sizeof limitspec_units[0]; i++)
			if (strcmp(end, limitspec_units[i].suffix) == 0)
				break;
		if (i == sizeof limitspec_units / sizeof limitspec_units[0]) {
			snprintf(err, errlen, "--limits: %s=%.40s: unknown unit '%.10s' (K, M, G or T, powers of 1024)",
			    e->name, eq + 1, end);
			return -1;
		}
		v = floor(v * limitspec_units[i].factor);
	} else if (*end != '\0' || (e->kind == LIMITSPEC_COUNT && v != floor(v))) {
		snprintf(err, errlen, "--limits: %s=%.40s: %s", e->name, eq + 1,
		    e->kind == LIMITSPEC_COUNT ? "give a whole number" : "give a number of CPUs (e.g. 1 or 0.5)");
		return -1;
	}
	if (v < e->min || v > e->max) {
		limitspec_show(lo, sizeof lo, e, e->min);
		limitspec_show(hi, sizeof hi, e, e->max);
		snprintf(err, errlen, "--limits: %s=%.40s is out of range (%s: from %s to %s)", e->name, eq + 1,
		    e->what, lo, hi);
		return -1;
	}
	json_object_set_new(o, e->name, e->kind == LIMITSPEC_CPUS ? json_real(v) : json_integer((json_int_t)v));
	return 0;
}

json_t *
limitspec_parse(const char *spec, char *err, size_t errlen)
{
	json_t *o = json_object();
	int seen[LIMITSPEC_N] = { 0 };
	char *copy, *p, *comma;

	for (size_t i = 0; i < LIMITSPEC_N; i++)
		json_object_set_new(o, limitspec_table[i].name, limitspec_table[i].kind == LIMITSPEC_CPUS ?
		    json_real(limitspec_table[i].dflt) : json_integer((json_int_t)limitspec_table[i].dflt));
	if (spec == NULL || spec[0] == '\0')
		return o;
	copy = xstrdup(spec);
	for (p = copy;; p = comma + 1) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		if (limitspec_item(p, o, seen, err, errlen) != 0) {
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
