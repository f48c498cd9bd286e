/*
 * autograder-tmpl.c — the scripts of an autograder bundle (see autograder.h):
 * setup.sh, run_autograder (a head shared by both platforms and a tail of
 * each), PrairieLearn's Dockerfile and README, and autograder_fill.
 */
#include <string.h>

#include "autograder.h"
#include "util.h"

const char autograder_setup_sh[] =
	"#!/bin/sh\n"
	"# setup.sh, written by 'verona autograder @PLATFORM@' (verona @VERSION@).\n"
	"# Installs what building and running verona needs (each package exists on\n"
	"# Ubuntu 22.04 and on Debian 12), only those missing, with apt-get; then builds\n"
	"# verona from the source beside this script (./verona), without -Werror: another\n"
	"# compiler may warn where this one did not.\n"
	"set -eu\n"
	"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
	"packages='@PACKAGES@'\n"
	"missing=''\n"
	"for p in $packages; do\n"
	"\tdpkg-query -W -f='${Status}\\n' \"$p\" 2>/dev/null | grep -q '^install ok installed' ||\n"
	"\t\tmissing=\"$missing $p\"\n"
	"done\n"
	"if [ -n \"$missing\" ]; then\n"
	"\techo \"setup.sh: installing$missing\"\n"
	"\texport DEBIAN_FRONTEND=noninteractive\n"
	"\tapt-get update -qq\n"
	"\tapt-get install -y -qq --no-install-recommends $missing\n"
	"fi\n"
	"make -C \"$here/verona\" -j\"$(nproc)\" WERROR= all\n"
	"# the students' programs run under user ids of their own and load verona-bind.so\n"
	"# (where no namespace can be made, it gives their sockets their host's address):\n"
	"# one they cannot read is silently not loaded, and their packets not told apart\n"
	"chmod a+rx \"$here\" \"$here/verona\" \"$here/verona/bin\"\n"
	"chmod a+r \"$here/verona/bin/verona-bind.so\"\n"
	"\"$here/verona/bin/verona\" --version\n";

const char autograder_run_head[] =
	"#!/bin/sh\n"
	"# run_autograder, written by 'verona autograder @PLATFORM@' (verona @VERSION@)\n"
	"# for @EXPERIMENT@, its -D values frozen here.\n"
	"# Grades one submission (@SUBMISSION@) with 'verona grade' and writes\n"
	"# @RESULTS@.  It runs as root; the students' programs do not:\n"
	"# verona's sandbox runs each under a user id of its own, with verona's files\n"
	"# closed to it (in a container that allows no namespace verona takes its\n"
	"# loopback testbed and the 'uid' sandbox; results.json's manifest.hosts.*.sandbox\n"
	"# says which ran).  verona's own outputs (report.html, results.json, the traces)\n"
	"# stay in $out/grade.\n"
	"set -u\n"
	"root=@ROOT@\n"
	"out=$(mktemp -d /tmp/verona-grade.XXXXXX) || exit 1\n"
	"\"$root/verona/bin/verona\" grade --quiet @DEFINES@ \\\n"
	"\t--submission @SUBMISSION@ --out \"$out/grade\" \"$root/experiment/@EXPFILE@\"\n"
	"rc=$?\n"
	"mkdir -p \"$(dirname @RESULTS@)\"\n";

const char autograder_gradescope_tail[] =
	"# verona's gradescope.json is Gradescope's results.json (its published fields only)\n"
	"if [ -f \"$out/grade/gradescope.json\" ]; then\n"
	"\tcp \"$out/grade/gradescope.json\" @RESULTS@\n"
	"\texit 0\n"
	"fi\n"
	"echo \"run_autograder: verona grade exited $rc without a grade (2: the experiment or its\" \\\n"
	"\t\"-D values are wrong here; 3: the testbed failed): see its messages above\" >&2\n"
	"exit 1\n";

const char autograder_prairielearn_tail[] =
	"# PrairieLearn's results.json from verona's gradescope.json: score in [0, 1];\n"
	"# gradable false when verona could not grade (exit 2 or 3: a harness error or an\n"
	"# item nobody could decide), so that the student is not charged for it\n"
	"python3 - \"$out/grade\" \"$rc\" @RESULTS@ <<'EOF'\n"
	"import json, os, sys\n"
	"grade, rc, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]\n"
	"try:\n"
	"    with open(os.path.join(grade, 'gradescope.json')) as f:\n"
	"        gs = json.load(f)\n"
	"except (OSError, ValueError):\n"
	"    gs = None\n"
	"if gs is None or rc not in (0, 1):\n"
	"    out = gs['output'] if gs else ''\n"
	"    res = {'gradable': False, 'score': 0.0, 'output': out,\n"
	"           'message': 'verona could not grade this submission (exit %d); it is not held against you' % rc}\n"
	"else:\n"
	"    top = gs['extra_data'].get('max_score') or 0\n"
	"    tests = []\n"
	"    for n, t in enumerate(gs.get('tests', []), 1):\n"
	"        shown = t.get('visibility', 'visible') == 'visible'\n"
	"        tests.append({'name': t['name'] if shown else 'item %d (not shown yet)' % n,\n"
	"                      'points': t.get('score', 0), 'max_points': t.get('max_score', 0),\n"
	"                      'message': t.get('status', ''), 'output': t.get('output', '') if shown else ''})\n"
	"    score = gs['score'] / top if top > 0 else 0.0\n"
	"    res = {'gradable': True, 'score': min(1.0, max(0.0, score)),\n"
	"           'message': gs['output'].split('\\n')[0], 'output': gs['output'], 'tests': tests}\n"
	"with open(dst, 'w') as f:\n"
	"    json.dump(res, f, indent=2)\n"
	"EOF\n";

const char autograder_dockerfile[] =
	"# PrairieLearn's external grader for @EXPERIMENT@, written by\n"
	"# 'verona autograder prairielearn' (verona @VERSION@): installs and builds as\n"
	"# setup.sh does; the question's info.json names /verona-autograder/run_autograder\n"
	"# as the entrypoint (see README.md).\n"
	"FROM ubuntu:22.04\n"
	"COPY . /verona-autograder\n"
	"RUN sh /verona-autograder/setup.sh && rm -rf /var/lib/apt/lists/*\n";

const char autograder_prairielearn_readme[] =
	"# PrairieLearn external grader: @EXPERIMENT@\n"
	"\n"
	"Written by `verona autograder prairielearn` (verona @VERSION@).  Build the\n"
	"image and push it where PrairieLearn pulls images from:\n"
	"\n"
	"    docker build -t YOU/verona-@NAME@ .\n"
	"    docker push YOU/verona-@NAME@\n"
	"\n"
	"and in the question's `info.json`:\n"
	"\n"
	"    \"gradingMethod\": \"External\",\n"
	"    \"externalGradingOptions\": {\n"
	"        \"enabled\": true,\n"
	"        \"image\": \"YOU/verona-@NAME@\",\n"
	"        \"entrypoint\": \"/verona-autograder/run_autograder\",\n"
	"        \"timeout\": 120\n"
	"    }\n"
	"\n"
	"The student's files arrive in /grade/student (the question's file editors or\n"
	"upload names them as the experiment expects); the grade goes to\n"
	"/grade/results/results.json.  Networking may stay off: verona grades on the\n"
	"container's loopback interface.\n";

char *
autograder_fill(const char *tmpl, const struct autograder_mark *marks, size_t n)
{
	struct buf b;
	const char *p = tmpl;

	buf_init(&b);
	while (*p != '\0') {
		const char *at = strchr(p, '@');
		size_t i = n;
		if (at == NULL) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(at - p));
		for (i = 0; i < n; i++) {
			size_t len = strlen(marks[i].name);
			if (strncmp(at + 1, marks[i].name, len) == 0 && at[1 + len] == '@') {
				buf_adds(&b, marks[i].value);
				p = at + len + 2;
				break;
			}
		}
		if (i == n) {		/* not a mark: an @ of the text */
			buf_addc(&b, '@');
			p = at + 1;
		}
	}
	return buf_steal(&b, NULL);
}

char *
autograder_shell_quote(const char *s)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '\'');
	for (; *s != '\0'; s++)
		if (*s == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *s);
	buf_addc(&b, '\'');
	return buf_steal(&b, NULL);
}
