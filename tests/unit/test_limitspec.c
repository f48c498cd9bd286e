/*
 * test_limitspec.c — unit tests for controller/limitspec.c (verona
 * run|grade --limits): units, defaults for what is not given, and a message
 * naming the bad part of a wrong value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limitspec.h"
#include "unit.h"

static json_int_t
get_int(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

UNIT_TEST(defaults_when_nothing_is_given)
{
	char err[256];
	json_t *o = limitspec_parse(NULL, err, sizeof err);
	CHECK(o != NULL);
	CHECK_INT(get_int(o, "memory"), 1LL << 30);
	CHECK_INT(get_int(o, "processes"), 256);
	CHECK(json_real_value(json_object_get(o, "cpus")) == 1.0);
	CHECK_INT(get_int(o, "disk"), 256LL << 20);
	json_decref(o);
}

UNIT_TEST(units_are_powers_of_1024_and_the_rest_keep_their_defaults)
{
	static const struct { const char *spec; const char *key; long long want; } cases[] = {
		{ "memory=1536M", "memory", 1536LL << 20 },
		{ "memory=1.5G", "memory", 1536LL << 20 },
		{ "memory=2GiB", "memory", 2LL << 30 },
		{ "memory=20971520", "memory", 20LL << 20 },
		{ "disk=64M", "disk", 64LL << 20 },
		{ "disk=1T", "disk", 1LL << 40 },
		{ "processes=100", "processes", 100 },
	};
	char err[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *o = limitspec_parse(cases[i].spec, err, sizeof err);
		CHECK(o != NULL);
		if (o == NULL)
			continue;
		CHECK_INT(get_int(o, cases[i].key), cases[i].want);
		CHECK_INT(get_int(o, strcmp(cases[i].key, "processes") ? "processes" : "memory"),
		    strcmp(cases[i].key, "processes") ? 256 : 1LL << 30);
		json_decref(o);
	}
	json_t *o = limitspec_parse("cpus=0.5,processes=64,memory=512M,disk=8M", err, sizeof err);
	CHECK(o != NULL && json_real_value(json_object_get(o, "cpus")) == 0.5);
	CHECK(o != NULL && get_int(o, "processes") == 64 && get_int(o, "memory") == 512LL << 20 &&
	    get_int(o, "disk") == 8LL << 20);
	json_decref(o);
}

UNIT_TEST(errors_name_the_bad_part)
{
	static const struct { const char *spec, *msg; } cases[] = {
		{ "memory=12X", "--limits: memory=12X: unknown unit 'X' (K, M, G or T, powers of 1024)" },
		{ "memory=", "--limits: memory=: give bytes, with an optional K, M, G or T suffix (e.g. 512M)" },
		{ "memory= 1G", "--limits: memory= 1G: give bytes, with an optional K, M, G or T suffix (e.g. 512M)" },
		{ "swap=1G", "--limits: unknown limit 'swap' (known: memory, processes, cpus, disk)" },
		{ "processes=64,processes=65", "--limits: processes is given twice" },
		{ "processes=1e3x", "--limits: processes=1e3x: give a whole number" },
		{ "processes=7", "--limits: processes=7 is out of range (the processes a host's programs may have at once: from 8 to 4194304)" },
		{ "cpus=nan", "--limits: cpus=nan: give a number of CPUs (e.g. 1 or 0.5)" },
		{ "cpus=5000", "--limits: cpus=5000 is out of range (the CPUs a host's programs may use: from 0.01 to 4096)" },
		{ "memory=15M", "--limits: memory=15M is out of range (the memory of everything a host's programs start: from 16M to 1024T)" },
		{ "memory=1G,", "--limits: an empty item (write name=value,name=value with memory, processes, cpus, disk)" },
		{ "cpus", "--limits: 'cpus' is not name=value (names: memory, processes, cpus, disk)" },
	};
	char err[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		json_t *o = limitspec_parse(cases[i].spec, err, sizeof err);
		CHECK(o == NULL);
		json_decref(o);
		CHECK_STR(err, cases[i].msg);
	}
}

int
main(void)
{
	UNIT_RUN(defaults_when_nothing_is_given);
	UNIT_RUN(units_are_powers_of_1024_and_the_rest_keep_their_defaults);
	UNIT_RUN(errors_name_the_bad_part);
	return UNIT_END();
}
