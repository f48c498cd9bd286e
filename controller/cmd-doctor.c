/* cmd-doctor.c — verona doctor: what this machine lets verona do, and the fix for what it does not. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "doctor.h"

static void
doctor_progress(void *arg, const struct doctor_probe *p)
{
	if (*(int *)arg)
		fprintf(stderr, "verona doctor: probing %s...\n", p->what);
}

static json_t *
doctor_json(const struct doctor_result *res)
{
	json_t *probes = json_array(), *kinds = json_array();
	const struct doctor_kind *k;

	for (int i = 0; i < DOCTOR_PROBE__COUNT; i++)
		json_array_append_new(probes, json_pack("{s:s, s:s, s:b, s:s, s:s?}", "id", doctor_probe_get(i)->id,
		    "what", doctor_probe_get(i)->what, "ok", res[i].ok, "detail", res[i].detail,
		    "fix", res[i].ok || res[i].fix[0] == '\0' ? NULL : res[i].fix));
	for (size_t i = 0; (k = doctor_kind_get(i)) != NULL; i++) {
		json_t *missing = json_array();
		for (size_t j = 0; j < DOCTOR_KIND_NEEDS && k->needs[j] != DOCTOR_PROBE__COUNT; j++)
			if (!res[k->needs[j]].ok)
				json_array_append_new(missing, json_string(doctor_probe_get(k->needs[j])->id));
		json_array_append_new(kinds, json_pack("{s:s, s:s, s:b, s:b, s:b, s:o}", "name", k->name, "what", k->what,
		    "allowed", doctor_kind_works(k, res), "built", k->built, "works", k->built && doctor_kind_works(k, res),
		    "missing", missing));
	}
	return json_pack("{s:o, s:o}", "probes", probes, "kinds", kinds);
}

/* The text report; returns the number of kinds that work. */
static int
doctor_print(const struct doctor_result *res)
{
	const struct doctor_kind *k;
	int works = 0;

	printf("this machine:\n");
	for (int i = 0; i < DOCTOR_PROBE__COUNT; i++) {
		printf("  %-4s %-32s %s\n", res[i].info ? "info" : res[i].ok ? "ok" : "no", doctor_probe_get(i)->what,
		    res[i].detail);
		if (!res[i].ok && res[i].fix[0] != '\0')
			printf("       %-32s fix: %s\n", "", res[i].fix);
	}
	printf("testbed kinds (verona run --testbed HOSTS.yaml reaches remote agents from anywhere):\n");
	for (size_t i = 0; (k = doctor_kind_get(i)) != NULL; i++) {
		int allowed = doctor_kind_works(k, res);
		printf("  %-9s %s\n", k->name, k->what);
		if (allowed && k->built) {
			printf("            works here%s\n", works == 0 ? " (verona run uses it)" : "");
			works++;
		} else if (allowed)
			printf("            this machine allows it, but this verona does not have it yet\n");
		else {
			printf("            cannot run here: needs");
			for (size_t j = 0, n = 0; j < DOCTOR_KIND_NEEDS && k->needs[j] != DOCTOR_PROBE__COUNT; j++)
				if (!res[k->needs[j]].ok)
					printf("%s %s", n++ ? "," : "", doctor_probe_get(k->needs[j])->what);
			printf(" (fixes above)%s\n", k->built ? "" : "; and this verona does not have it yet");
		}
	}
	if (works == 0)
		printf("verona doctor: no local testbed kind works here; a testbed file of remote agents "
		    "(verona run --testbed HOSTS.yaml) still does\n");
	return works;
}

static int
cmd_doctor_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor_result res[DOCTOR_PROBE__COUNT];
	int c, json = 0, progress = 1, works = 0;
	const struct doctor_kind *k;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'q': progress = 0; break;
		case 'h':
			cmd_usage(&cmd_doctor_entry, stdout, 1);
			return 0;
		default:
			cmd_usage(&cmd_doctor_entry, stderr, 0);
			return 2;
		}
	}
	if (optind != argc) {
		cmd_usage(&cmd_doctor_entry, stderr, 0);
		return 2;
	}
	doctor_run(res, doctor_progress, &progress);
	if (json) {
		json_t *o = doctor_json(res);
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
		for (size_t i = 0; (k = doctor_kind_get(i)) != NULL; i++)
			works += k->built && doctor_kind_works(k, res);
	} else
		works = doctor_print(res);
	return works > 0 ? 0 : 1;
}

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor",
	.usage = "[--json]",
	.summary = "say what this machine lets verona do, and how to fix the rest",
	.help =
	"  --json                    the findings as JSON\n"
	"  -q, --quiet               no progress on stderr\n"
	"  -h, --help                this help\n"
	"Tries, without changing anything (each probe runs in a child and its own\n"
	"namespaces), what the testbed kinds need: root and capabilities, network and\n"
	"user namespaces and what blocks them (sysctls, AppArmor, seccomp), veth links,\n"
	"packet capture, link conditions (nftables, netem, tbf), cgroups and the program\n"
	"sandbox; prints each finding with its fix, and which testbed kinds run here.\n"
	"Exit status 0 when at least one local testbed kind works, 1 when none does.\n",
	.exec = cmd_doctor_exec,
};
