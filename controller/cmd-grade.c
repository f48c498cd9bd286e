/*
 * cmd-grade.c — verona grade EXPERIMENT --submission DIR | --submissions DIR:
 * runs a graded experiment with a student's files (the variable
 * `submission` names their folder, so the experiment's put steps copy
 * them), and writes results.json, gradescope.json, junit.xml, report.html
 * and the traces.  With --submissions, every sub-folder is a student,
 * graded in fresh namespaces, -j at a time; summary.csv lists them all.
 * One broken submission never stops the class.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "expt.h"
#include "report-grade.h"
#include "run.h"
#include "tbfile.h"
#include "util.h"

static const struct tbfile *grade_testbed;	/* --testbed: real hosts */
static const char *grade_sandbox;		/* --sandbox, --unsandboxed */

static int
grade_one(const char *experiment, json_t *defines, const char *submission, const char *out, int quiet)
{
	char abs[PATH_MAX];
	json_t *d = json_deep_copy(defines);
	struct experiment *x;
	struct run_opts o = { .out = out, .quiet = quiet, .color = !quiet && isatty(1) };
	int rc;

	if (realpath(submission, abs) == NULL) {
		fprintf(stderr, "verona: %s: %s\n", submission, strerror(errno));
		json_decref(d);
		return 2;
	}
	json_object_set_new(d, "submission", json_string(abs));
	x = cmd_load(experiment, d);
	json_decref(d);
	if (x == NULL)
		return 2;
	o.submission = abs;
	o.testbed = grade_testbed;
	o.sandbox = grade_sandbox;
	rc = run_experiment(x, &o);
	expt_free(x);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The class: every sub-folder, -j at a time, each in a child process with its own testbed. */
static int
grade_class(const char *experiment, json_t *defines, const char *dir, const char *out, int jobs)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **students = NULL;
	pid_t *pids;
	size_t n = 0, next = 0, running = 0;
	json_t *rows = json_array();
	char err[512], *path;
	int status = 0;

	if (d == NULL) {
		fprintf(stderr, "verona: %s: %s\n", dir, strerror(errno));
		json_decref(rows);
		return 2;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat sb;
		char *p;
		if (e->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, e->d_name);
		if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			students = xrealloc(students, (n + 1) * sizeof *students);
			students[n++] = xstrdup(e->d_name);
		}
		free(p);
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "verona: %s has no sub-folders (one per student)\n", dir);
		json_decref(rows);
		free(students);
		return 2;
	}
	qsort(students, n, sizeof *students, name_cmp);
	if (mkdir(out, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "verona: %s: %s\n", out, strerror(errno));
		return 2;
	}
	pids = xcalloc(n, sizeof *pids);
	printf("verona: grading %zu submissions of %s, %d at a time, into %s\n", n, experiment, jobs, out);
	fflush(stdout);
	while (next < n || running > 0) {
		while (next < n && running < (size_t)jobs) {
			char *sub = xasprintf("%s/%s", dir, students[next]), *o = xasprintf("%s/%s", out, students[next]);
			pid_t pid = fork();
			if (pid == 0) {
				int logfd;
				char *log = xasprintf("%s.log", o);
				/* a child's own output goes to OUT/STUDENT.log */
				if ((logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0) {
					dup2(logfd, 1);
					dup2(logfd, 2);
				}
				_exit(grade_one(experiment, defines, sub, o, 0));
			}
			pids[next] = pid;
			free(sub);
			free(o);
			next++;
			running += pid > 0;
		}
		int st;
		pid_t done = wait(&st);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		running--;
		for (size_t i = 0; i < n; i++)
			if (pids[i] == done) {
				char *rp = xasprintf("%s/%s/results.json", out, students[i]);
				json_t *res = json_load_file(rp, 0, NULL);
				int code = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
				json_t *g = res ? json_object_get(res, "grading") : NULL;
				if (g != NULL)
					printf("  %-20s %6.2f / %-6.2f %s\n", students[i],
					    json_number_value(json_object_get(g, "score")),
					    json_number_value(json_object_get(g, "max_score")),
					    code == 0 ? "" : code == 1 ? "(points lost)" : "(harness error: regrade)");
				else
					printf("  %-20s not graded (exit %d): see %s/%s.log\n", students[i], code, out, students[i]);
				fflush(stdout);
				if (code >= 2 && status < 3)
					status = 3;
				else if (code == 1 && status == 0)
					status = 1;
				json_array_append_new(rows, json_pack("{s:s, s:o, s:o}", "student", students[i],
				    "results", res ? res : json_null(),
				    "error", res ? json_null() : json_sprintf("the run did not finish (exit %d)", code)));
				free(rp);
			}
	}
	/* rows in student order */
	json_t *sorted = json_array();
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < json_array_size(rows); k++)
			if (strcmp(json_string_value(json_object_get(json_array_get(rows, k), "student")), students[i]) == 0)
				json_array_append(sorted, json_array_get(rows, k));
	path = xasprintf("%s/summary.csv", out);
	if (report_summary_csv(sorted, path, err, sizeof err) != 0) {
		fprintf(stderr, "verona: %s\n", err);
		status = 3;
	} else
		printf("verona: %s\n", path);
	free(path);
	json_decref(sorted);
	json_decref(rows);
	for (size_t i = 0; i < n; i++)
		free(students[i]);
	free(students);
	free(pids);
	return status;
}

static int
cmd_grade_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "define", required_argument, NULL, 'D' },
		{ "submission", required_argument, NULL, 's' },
		{ "submissions", required_argument, NULL, 'S' },
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "testbed", required_argument, NULL, 't' },
		{ "sandbox", required_argument, NULL, 'B' },
		{ "unsandboxed", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *defines = json_object();
	const char *one = NULL, *class = NULL, *out = NULL, *tbpath = NULL;
	struct tbfile *tb = NULL;
	int c, jobs = 1, quiet = 0, rc;
	char *defout = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hD:s:S:o:j:qt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_usage(&cmd_grade_entry, stdout, 1);
			json_decref(defines);
			return 0;
		case 'D':
			if (cmd_define(defines, optarg) != 0) {
				json_decref(defines);
				return 2;
			}
			break;
		case 's': one = optarg; break;
		case 'S': class = optarg; break;
		case 'o': out = optarg; break;
		case 'q': quiet = 1; break;
		case 't': tbpath = optarg; break;
		case 'B':
		case 'N':
			if ((grade_sandbox = cmd_sandbox_level(c == 'N' ? "none" : optarg)) == NULL) {
				json_decref(defines);
				return 2;
			}
			break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 64) {
				fprintf(stderr, "verona: -j wants 1..64, not '%s'\n", optarg);
				json_decref(defines);
				return 2;
			}
			break;
		default:
			cmd_usage(&cmd_grade_entry, stderr, 0);
			json_decref(defines);
			return 2;
		}
	}
	if (optind != argc - 1 || (one == NULL) == (class == NULL)) {
		cmd_usage(&cmd_grade_entry, stderr, 0);
		json_decref(defines);
		return 2;
	}
	if (tbpath != NULL && jobs > 1) {
		fprintf(stderr, "verona: a testbed file's agents serve one run at a time: grade with -j 1 "
		    "(or one testbed file per pair of hosts, as ansible/run.yml does)\n");
		json_decref(defines);
		return 2;
	}
	if (tbpath != NULL) {
		if ((tb = cmd_load_testbed(tbpath)) == NULL) {
			json_decref(defines);
			return 2;
		}
		grade_testbed = tb;
	} else if (geteuid() != 0) {
		fprintf(stderr, "verona: the local testbed needs root (it creates network namespaces): "
		    "run verona as root, e.g. with sudo\n");
		json_decref(defines);
		return 2;
	}
	if (out == NULL) {
		const char *base = strrchr(one ? one : class, '/');
		defout = xasprintf("grades-%s", base && base[1] ? base + 1 : one ? one : class);
		out = defout;
	}
	signal(SIGPIPE, SIG_IGN);
	rc = one ? grade_one(argv[optind], defines, one, out, quiet) :
	    grade_class(argv[optind], defines, class, out, jobs);
	free(defout);
	json_decref(defines);
	tbfile_free(tb);
	return rc;
}

const struct cmd_entry cmd_grade_entry = {
	.name = "grade",
	.usage = "[-D name=value]... (--submission DIR | --submissions DIR [-j N]) [--testbed HOSTS.yaml] [--out DIR] EXPERIMENT",
	.summary = "grade students' programs: run a graded experiment with each submission",
	.help =
	"  -s, --submission DIR      one student's folder (the experiment's ${submission})\n"
	"  -S, --submissions DIR     a class: every sub-folder of DIR is one student\n"
	"  -j, --jobs N              grade N students at once (each in its own testbed)\n"
	"  -o, --out DIR             where the results go (default grades-NAME); for a class,\n"
	"                            DIR/STUDENT/ per student and DIR/summary.csv\n"
	"  -D, --define name=value   adjust the contract (program name, port, ...)\n"
	"  -q, --quiet               only what failed\n"
	"  -t, --testbed HOSTS.yaml  grade on the hosts of a testbed file (one at a time)\n"
	"  --sandbox full|uid|none   where programs run (default full: namespaces of their own)\n"
	"  --unsandboxed             the same as --sandbox none\n"
	"  -h, --help                this help\n"
	"Writes results.json, gradescope.json, junit.xml, report.html and the traces per\n"
	"student.  Exit 0 full marks, 1 points lost, 2 bad input, 3 a harness error.\n",
	.exec = cmd_grade_exec,
};
